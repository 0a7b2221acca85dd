// The paper's data and models (Han, Srinivas & Lakkaraju, NeurIPS 2022), located through a data
// directory: --data-dir flags or the LFA_DATA_DIR environment variable, holding lfa-paper/.
//
//   lfa-paper/clean/<dataset>-clean-test20-normalized-subset.csv   the 100 explained points
//   lfa-paper/models/<dataset>_<model>.torchscript.pt               TorchScript models
//   lfa-paper/models/<dataset>_<model>.state.pt                     plain state dicts
//
// datasets: who (regression, tanh MLPs), heloc (classification, ReLU MLPs with a sigmoid output).
//
//   auto dir = DataDirFromEnvironment();      // std::nullopt when unset or missing
//   torch::Tensor x = LoadPaperPoints(*dir, "heloc");
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "experiments/io/csv.h"
#include "models/mlp_model.h"

namespace lfa {

// LFA_DATA_DIR when it names an existing directory that holds lfa-paper/.
std::optional<std::string> DataDirFromEnvironment();

std::string PaperModelPath(const std::string& data_dir, const std::string& dataset,
                           const std::string& model, const std::string& format = "torchscript");
std::string PaperPointsPath(const std::string& data_dir, const std::string& dataset);
// The 100 explained points without the target column: [100, d] float64.
CsvTable LoadPaperTable(const std::string& data_dir, const std::string& dataset);
torch::Tensor LoadPaperPoints(const std::string& data_dir, const std::string& dataset);
// Hidden and output activations of the dataset's models.
MlpArchitecture PaperArchitecture(const std::string& dataset);
// The paper's eight (dataset, model) pairs.
const std::vector<std::pair<std::string, std::string>>& PaperModels();

}  // namespace lfa
