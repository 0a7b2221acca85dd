#include "experiments/studies/roar/roar_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "experiments/command/flags.h"
#include "experiments/io/checksum.h"
#include "experiments/io/csv.h"
#include "experiments/io/text.h"
#include "experiments/report/markdown.h"
#include "framework/errors.h"

namespace lfa {
namespace {

const std::vector<std::string>& JournalColumns() {
  static const std::vector<std::string> columns = {"key", "removal", "mode", "fraction", "method",
                                                   "retrain", "seed", "test_accuracy", "seconds", "end"};
  return columns;
}

// The header of journals written before the removal column (channel-mean cells only).
const std::vector<std::string>& MeanOnlyJournalColumns() {
  static const std::vector<std::string> columns = {
      "key", "mode", "fraction", "method", "retrain", "seed", "test_accuracy", "seconds", "end"};
  return columns;
}

std::string JournalLine(const RoarRun& run, bool removal_column) {
  std::string removal;
  if (removal_column) {
    removal = run.cell.removal;
    removal += ',';
  }
  char text[512];
  std::snprintf(text, sizeof(text), "%s,%s%s,%s,%s,%lld,%llu,%.17g,%.3f,ok\n", run.key.c_str(),
                removal.c_str(), run.cell.mode.c_str(), FormatG(run.cell.fraction).c_str(),
                run.cell.method.c_str(), static_cast<long long>(run.retrain),
                static_cast<unsigned long long>(run.seed), run.accuracy, run.seconds);
  return text;
}

// The run of one record, found by column name; nothing for a torn or unfinished record (a kill in
// the middle of a write) or one whose values are not a result: an accuracy that is NaN, infinite
// or negative, a fraction outside [0, 1], a negative time, a seed outside [0, 2^64 - 1]. Such a
// cell is not trusted: its retrain runs again.
std::optional<RoarRun> ParseRun(const TextTable& journal, const std::vector<std::string>& record) {
  if (record.size() != journal.header.size()) return std::nullopt;
  const auto field = [&](const char* name) -> const std::string& {
    return record[journal.Column(name, "journal")];
  };
  if (field("end") != "ok") return std::nullopt;
  const auto fraction = ParseDouble(field("fraction"));
  const auto retrain = ParseInteger(field("retrain"));
  const auto seed = ParseSeed(field("seed"));
  const auto accuracy = ParseDouble(field("test_accuracy"));
  const auto seconds = ParseDouble(field("seconds"));
  const auto unit = [](const std::optional<double>& value) {
    return value && *value >= 0 && *value <= 1;  // false for NaN too
  };
  const bool accuracy_ok = accuracy && std::isfinite(*accuracy) && *accuracy >= 0;
  if (!unit(fraction) || !retrain || *retrain < 0 || !seed || !accuracy_ok || !seconds ||
      !(*seconds >= 0))
    return std::nullopt;
  const bool has_removal =
      std::find(journal.header.begin(), journal.header.end(), "removal") != journal.header.end();
  std::string removal = has_removal ? field("removal") : (field("mode") == "none" ? "none" : "mean");
  return RoarRun{.key = field("key"),
                 .cell = {.mode = field("mode"),
                          .method = field("method"),
                          .fraction = *fraction,
                          .removal = std::move(removal)},
                 .retrain = *retrain,
                 .seed = *seed,
                 .accuracy = *accuracy,
                 .seconds = *seconds};
}

}  // namespace

std::string RoarRunKey(const std::string& study_key, const RoarCell& cell, int64_t retrain) {
  std::string text = study_key;
  for (const std::string& part :
       {cell.mode, cell.method, FormatG(cell.fraction), std::to_string(retrain)}) {
    text += '|';
    text += part;
  }
  if (cell.removal != "mean" && cell.removal != "none") {
    text += "|removal=";
    text += cell.removal;
  }
  Checksum sum;
  sum.Add(text);
  return sum.hex();
}

RoarJournal::RoarJournal(std::string path) : path_(std::move(path)) {
  std::ifstream file(path_, std::ios::binary);
  if (!file) return;
  std::ostringstream text;
  text << file.rdbuf();
  const auto records = ParseCsv(text.str(), "journal '" + path_ + "'");
  if (records.empty()) return;
  removal_column_ = records[0] != MeanOnlyJournalColumns();
  if (removal_column_ && records[0] != JournalColumns())
    Fail("study roar: '", path_, "' is not a study roar journal (its first line is '",
         Join(records[0], ","), "'); remove it or choose another --out");
  const TextTable journal{records[0], {}};
  for (size_t r = 1; r < records.size(); ++r)
    if (const auto run = ParseRun(journal, records[r])) runs_[run->key] = *run;
}

const RoarRun* RoarJournal::Find(const std::string& key) const {
  const auto it = runs_.find(key);
  return it == runs_.end() ? nullptr : &it->second;
}

// One write on an O_APPEND descriptor, then fsync: a kill leaves at most a torn last line, which
// reading skips.
void RoarJournal::Append(const RoarRun& run) {
  const bool fresh = !std::filesystem::exists(path_);
  std::string text;
  if (fresh) {
    text = Join(JournalColumns(), ",");
    text += '\n';
  } else {
    // A torn last line from a killed run must not swallow this one: start on a fresh line.
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    if (in.tellg() > 0) {
      in.seekg(-1, std::ios::end);
      if (in.get() != '\n') text += '\n';
    }
  }
  if (fresh) removal_column_ = true;
  text += JournalLine(run, removal_column_);
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) Fail("study roar: cannot open '", path_, "': ", std::strerror(errno));
  const ssize_t written = ::write(fd, text.data(), text.size());
  ::fsync(fd);
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) Fail("study roar: cannot append to '", path_, "'");
  runs_[run.key] = run;
}

}  // namespace lfa
