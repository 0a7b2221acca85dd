// ReleasedNumbers: the results the paper's authors released (exp1.csv, exp1b.csv, exp2.csv,
// exp3.csv from github.com/AI4LIFE-GROUP/lfa), looked up by the same keys as our results, so the
// report can set every number beside the released one.
//
// The files are read with ReadTextCsv (experiments/io/csv.h); columns are found by name, key cells
// are kept typed (a sweep value as a number, k as an integer), and every number must parse or the
// error names the file, the line and the column. A missing directory means "no released numbers"
// (every lookup is empty); a directory without one of the four files leaves that table's lookups
// empty.
//
//   const ReleasedNumbers released = ReadReleasedNumbers(dir + "/../reference/lfa-paper");
//   if (auto r = released.Exp1("who", "ffnnA", "lime", "lime")) report << r->l1;
//
// WARNING: the released exp1b.csv prints sweep values with %g ("0.05", "0"); they are matched as
// numbers, so look a step up with the double the sweep used (0.05), not with its text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace lfa {

// A released mean (or median) L1 and cosine distance.
struct ReleasedDistance {
  double l1 = 0.0;
  double cosine = 0.0;
};

// A released perturbation gap and its sem.
struct ReleasedGap {
  double mean = 0.0;
  double sem = 0.0;
};

class ReleasedNumbers {
 public:
  using Exp1Key = std::tuple<std::string, std::string, std::string, std::string>;
  using Exp1bKey = std::tuple<std::string, std::string, std::string, double>;
  using Exp2Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  using Exp3Key =
      std::tuple<std::string, std::string, std::string, std::string, std::string, int64_t>;

  // The directory read from; empty when there are no released numbers.
  const std::string& directory() const { return directory_; }

  std::optional<ReleasedDistance> Exp1(const std::string& dataset, const std::string& model,
                                       const std::string& classic, const std::string& lfa) const;
  std::optional<ReleasedDistance> Exp1b(const std::string& dataset, const std::string& model,
                                        const std::string& sweep, double value) const;
  std::optional<ReleasedDistance> Exp2(const std::string& dataset, const std::string& model,
                                       const std::string& source, const std::string& method,
                                       const std::string& reference) const;
  std::optional<ReleasedGap> Exp3(const std::string& dataset, const std::string& model,
                                  const std::string& method, const std::string& ranking,
                                  const std::string& perturbation, int64_t k) const;

 private:
  friend ReleasedNumbers ReadReleasedNumbers(const std::string& directory);

  std::string directory_;
  std::map<Exp1Key, ReleasedDistance> exp1_;
  std::map<Exp1bKey, ReleasedDistance> exp1b_;
  std::map<Exp2Key, ReleasedDistance> exp2_;
  std::map<Exp3Key, ReleasedGap> exp3_;
};

// Reads the released CSVs in `directory`; none when `directory` is empty or not a directory.
// Throws InvalidInput naming the file, line and column of a cell that does not parse.
ReleasedNumbers ReadReleasedNumbers(const std::string& directory);

}  // namespace lfa
