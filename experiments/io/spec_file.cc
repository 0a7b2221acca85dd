#include "experiments/io/spec_file.h"

#include <filesystem>
#include <fstream>

#include "framework/errors.h"

namespace lfa {

nlohmann::json ReadSpecFile(const std::string& path) {
  if (!std::filesystem::exists(path)) Fail("spec file '", path, "' does not exist");
  std::ifstream in(path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e400
    Fail("spec file '", path, "' is not valid JSON: ", e.what());
  }
}

}  // namespace lfa
