#include "experiments/data/paper_data.h"

#include <cstdlib>
#include <filesystem>

#include "experiments/io/csv.h"
#include "framework/errors.h"

namespace lfa {

std::optional<std::string> DataDirFromEnvironment() {
  const char* value = std::getenv("LFA_DATA_DIR");
  if (!value || !*value) return std::nullopt;
  if (!std::filesystem::is_directory(std::filesystem::path(value) / "lfa-paper")) return std::nullopt;
  return std::string(value);
}

std::string PaperModelPath(const std::string& data_dir, const std::string& dataset,
                           const std::string& model, const std::string& format) {
  return data_dir + "/lfa-paper/models/" + dataset + "_" + model + "." + format + ".pt";
}

std::string PaperPointsPath(const std::string& data_dir, const std::string& dataset) {
  return data_dir + "/lfa-paper/clean/" + dataset + "-clean-test20-normalized-subset.csv";
}

CsvTable LoadPaperTable(const std::string& data_dir, const std::string& dataset) {
  if (dataset != "who" && dataset != "heloc") Fail("unknown paper dataset '", dataset, "' (who, heloc)");
  CsvTable table = ReadCsv(PaperPointsPath(data_dir, dataset));
  table.DropColumn("last");
  return table;
}

torch::Tensor LoadPaperPoints(const std::string& data_dir, const std::string& dataset) {
  return LoadPaperTable(data_dir, dataset).values;
}

MlpArchitecture PaperArchitecture(const std::string& dataset) {
  if (dataset == "who") return {.activation = "tanh", .output_activation = "none"};
  return {.activation = "relu", .output_activation = "sigmoid"};
}

const std::vector<std::pair<std::string, std::string>>& PaperModels() {
  static const std::vector<std::pair<std::string, std::string>> models = {
      {"who", "linear"},       {"who", "ffnnA"},   {"who", "ffnnB"},   {"who", "ffnnC"},
      {"heloc", "logistic"},   {"heloc", "ffnnA"}, {"heloc", "ffnnB"}, {"heloc", "ffnnC"}};
  return models;
}

}  // namespace lfa
