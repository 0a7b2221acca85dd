#include "experiments/io/spec_file.h"

#include "experiments/io/input_stream.h"
#include "framework/errors.h"

namespace lfa {
namespace {

// A spec is a few hundred bytes; a megabyte is a mistake (a data file given as --spec).
constexpr int64_t kMostSpecBytes = int64_t{1} << 20;

}  // namespace

nlohmann::json ReadSpecFile(const std::string& path) {
  InputStream in(path, "spec file");
  const std::string text = in.ReadAll(kMostSpecBytes);
  // The parser sees each value's depth as it opens it: stop before a deep value is built (its
  // recursive destruction or printing would overflow the stack).
  const nlohmann::json::parser_callback_t limit_depth =
      [&in](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        if ((event == nlohmann::json::parse_event_t::object_start ||
             event == nlohmann::json::parse_event_t::array_start) &&
            depth >= kMostSpecDepth)
          Fail(in.what(), " nests objects and arrays more than ", kMostSpecDepth,
               " levels deep; a spec needs at most 3");
        return true;
      };
  try {
    return nlohmann::json::parse(text, limit_depth);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e400
    Fail(in.what(), " is not valid JSON: ", Excerpt(e.what(), 200));
  }
}

}  // namespace lfa
