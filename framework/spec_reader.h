// SpecReader: reads one JSON object of an explainer spec and rejects what it does not know.
//
// Every component's FromJson reads its options through a SpecReader, which remembers which keys
// were read; Finish() throws InvalidInput naming any key that was not, so a typo ("sigmaa") is an
// error instead of a silently ignored option.
//
//   SpecReader reader(spec, "neighbourhood 'gaussian'");
//   double sigma = reader.Number("sigma", 0.1);
//   reader.Finish();
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace lfa {

class SpecReader {
 public:
  SpecReader(const nlohmann::json& spec, std::string what);

  double Number(const std::string& key, double fallback);
  int64_t Integer(const std::string& key, int64_t fallback);
  bool Boolean(const std::string& key, bool fallback);
  std::string String(const std::string& key, const std::string& fallback);
  // The raw value (null when absent).
  nlohmann::json Raw(const std::string& key);
  void Finish() const;

 private:
  const nlohmann::json* Find(const std::string& key);
  nlohmann::json spec_;
  std::string what_;
  std::set<std::string> read_;
};

}  // namespace lfa
