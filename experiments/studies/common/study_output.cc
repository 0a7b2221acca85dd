#include "experiments/studies/common/study_output.h"

#include <filesystem>

#include "framework/errors.h"

namespace lfa {

namespace fs = std::filesystem;

bool CheckStudyOutAndPoints(const std::string& out, int64_t points, std::string* error) {
  std::string problem;
  if (out.empty()) {
    problem = "--out is required";
  } else if (points < 2) {
    problem = "--points must be >= 2 (a standard error needs two), got " + std::to_string(points);
  } else if (points > 10000) {
    problem = "--points must be <= 10000 (the test set), got " + std::to_string(points);
  }
  if (problem.empty()) return true;
  if (error) *error = problem;
  return false;
}

StudyDirectory::StudyDirectory(std::string path) : path_(std::move(path)) {
  if (path_.empty()) Fail("output directory is empty");
  std::error_code error;
  if (fs::exists(path_, error)) {
    if (!fs::is_directory(path_, error)) Fail("output directory '", path_, "' is not a directory");
    return;
  }
  // The topmost missing ancestor is what a failed run has to remove again.
  fs::path top = fs::path(path_);
  while (top.has_parent_path() && !top.parent_path().empty() && !fs::exists(top.parent_path(), error))
    top = top.parent_path();
  fs::create_directories(path_, error);
  if (error || !fs::is_directory(path_))
    Fail("output directory '", path_, "' cannot be created", error ? " (" + error.message() + ")" : "");
  created_ = top.string();
}

StudyDirectory::~StudyDirectory() {
  if (keep_ || created_.empty()) return;
  // Only empty directories go: remove() refuses a directory that holds anything.
  std::error_code error;
  for (fs::path dir = path_; !dir.empty(); dir = dir.parent_path()) {
    if (!fs::remove(dir, error)) break;
    if (dir == fs::path(created_)) break;
  }
}

}  // namespace lfa
