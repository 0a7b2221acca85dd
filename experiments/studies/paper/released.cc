#include "experiments/studies/paper/released.h"

#include <filesystem>
#include <vector>

#include "experiments/io/csv.h"
#include "experiments/io/text.h"
#include "framework/errors.h"

namespace lfa {
namespace {

// One released file: its records, cells found by column name. Absent file: no records.
class ReleasedTable {
 public:
  explicit ReleasedTable(std::string path) : path_(std::move(path)) {
    what_ = "released table '";
    what_ += path_;
    what_ += '\'';
    if (std::filesystem::exists(path_)) table_ = ReadTextCsv(path_);
  }
  size_t size() const { return table_.rows.size(); }
  const std::string& Text(size_t row, const std::string& column) const {
    return table_.rows[row][table_.Column(column, what_)];
  }
  double Number(size_t row, const std::string& column) const {
    const std::optional<double> value = ParseDouble(Text(row, column));
    if (!value) Bad(row, column, "a number");
    return *value;
  }
  int64_t Integer(size_t row, const std::string& column) const {
    const std::optional<int64_t> value = ParseInteger(Text(row, column));
    if (!value) Bad(row, column, "an integer");
    return *value;
  }

 private:
  [[noreturn]] void Bad(size_t row, const std::string& column, const std::string& kind) const {
    // Record 1 is the header.
    Fail(what_, " record ", row + 2, " column '", column, "': expected ", kind, ", got '",
         Text(row, column), "'");
  }

  std::string path_;
  std::string what_;  // "released table '<path>'"
  TextTable table_;
};

ReleasedDistance Distance(const ReleasedTable& table, size_t row, const std::string& l1,
                          const std::string& cosine) {
  return {table.Number(row, l1), table.Number(row, cosine)};
}

template <typename Map, typename Key>
auto Find(const Map& map, const Key& key) -> std::optional<typename Map::mapped_type> {
  const auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

}  // namespace

ReleasedNumbers ReadReleasedNumbers(const std::string& directory) {
  ReleasedNumbers released;
  if (directory.empty() || !std::filesystem::is_directory(directory)) return released;
  released.directory_ = directory;
  const ReleasedTable exp1(directory + "/exp1.csv");
  for (size_t r = 0; r < exp1.size(); ++r)
    released.exp1_[{exp1.Text(r, "dataset"), exp1.Text(r, "model"), exp1.Text(r, "classic"),
                    exp1.Text(r, "lfa")}] = Distance(exp1, r, "l1_mean", "cosine_mean");
  const ReleasedTable exp1b(directory + "/exp1b.csv");
  for (size_t r = 0; r < exp1b.size(); ++r)
    released.exp1b_[{exp1b.Text(r, "dataset"), exp1b.Text(r, "model"), exp1b.Text(r, "sweep"),
                     exp1b.Number(r, "value")}] = Distance(exp1b, r, "l1_median", "cosine_median");
  const ReleasedTable exp2(directory + "/exp2.csv");
  for (size_t r = 0; r < exp2.size(); ++r)
    released.exp2_[{exp2.Text(r, "dataset"), exp2.Text(r, "model"), exp2.Text(r, "source"),
                    exp2.Text(r, "method"), exp2.Text(r, "reference")}] =
        Distance(exp2, r, "l1_mean", "cosine_mean");
  const ReleasedTable exp3(directory + "/exp3.csv");
  for (size_t r = 0; r < exp3.size(); ++r)
    released.exp3_[{exp3.Text(r, "dataset"), exp3.Text(r, "model"), exp3.Text(r, "method"),
                    exp3.Text(r, "ranking"), exp3.Text(r, "perturbation"), exp3.Integer(r, "k")}] =
        ReleasedGap{exp3.Number(r, "mean"), exp3.Number(r, "sem")};
  return released;
}

std::optional<ReleasedDistance> ReleasedNumbers::Exp1(const std::string& dataset,
                                                      const std::string& model,
                                                      const std::string& classic,
                                                      const std::string& lfa) const {
  return Find(exp1_, Exp1Key{dataset, model, classic, lfa});
}

std::optional<ReleasedDistance> ReleasedNumbers::Exp1b(const std::string& dataset,
                                                       const std::string& model,
                                                       const std::string& sweep,
                                                       double value) const {
  return Find(exp1b_, Exp1bKey{dataset, model, sweep, value});
}

std::optional<ReleasedDistance> ReleasedNumbers::Exp2(const std::string& dataset,
                                                      const std::string& model,
                                                      const std::string& source,
                                                      const std::string& method,
                                                      const std::string& reference) const {
  return Find(exp2_, Exp2Key{dataset, model, source, method, reference});
}

std::optional<ReleasedGap> ReleasedNumbers::Exp3(const std::string& dataset,
                                                 const std::string& model,
                                                 const std::string& method,
                                                 const std::string& ranking,
                                                 const std::string& perturbation, int64_t k) const {
  return Find(exp3_, Exp3Key{dataset, model, method, ranking, perturbation, k});
}

}  // namespace lfa
