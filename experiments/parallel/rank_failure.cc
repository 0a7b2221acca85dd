#include "experiments/parallel/rank_failure.h"

#include <exception>
#include <string>
#include <vector>

#include "framework/errors.h"

namespace lfa {
namespace {

// A rank's outcome as bytes: empty for success, else "<exit code><message>" (the message's one line:
// a TorchScript model's own error line, framework/errors.h MessageLine).
std::string RunAndEncode(const std::function<void()>& step) {
  try {
    step();
    return "";
  } catch (const InvalidInput& e) {
    std::string status = "2";
    return status += MessageLine(e.what());
  } catch (const std::exception& e) {
    std::string status = "1";
    return status += MessageLine(e.what());
  } catch (...) {
    return "1unknown error (not a std::exception)";
  }
}

// Rank 0's verdict from every rank's outcome: empty when all succeeded.
std::string Verdict(const std::vector<std::string>& outcomes) {
  int first = -1;
  bool all_alike = true;
  for (size_t r = 0; r < outcomes.size(); ++r) {
    if (outcomes[r].empty()) {
      all_alike = false;
      continue;
    }
    if (first < 0) first = static_cast<int>(r);
    else if (outcomes[r] != outcomes[first]) all_alike = false;
  }
  if (first < 0) return "";
  const std::string& failed = outcomes[first];
  std::string verdict(1, failed[0]);
  if (!all_alike) {
    verdict += "rank ";
    verdict += std::to_string(first);
    verdict += " of ";
    verdict += std::to_string(outcomes.size());
    verdict += ": ";
  }
  return verdict += failed.substr(1);
}

}  // namespace

void RunOnEveryRank(Communicator& world, const std::function<void()>& step) {
  if (world.size() == 1) {
    step();
    return;
  }
  const std::string outcome = RunAndEncode(step);
  const std::vector<std::string> outcomes = world.GatherBytes(outcome);
  const std::string verdict = world.BroadcastBytes(world.rank() == 0 ? Verdict(outcomes) : "");
  if (verdict.empty()) return;
  throw JobFailure(verdict.substr(1), verdict[0] == '2' ? 2 : 1);
}

}  // namespace lfa
