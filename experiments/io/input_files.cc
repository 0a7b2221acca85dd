#include "experiments/io/input_files.h"

#include <sys/stat.h>

#include "framework/errors.h"

namespace lfa {
namespace {

InputFiles* active_inputs = nullptr;

}  // namespace

void InputFiles::Add(const std::string& path, const std::string& what) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return;
  Add(info.st_dev, info.st_ino, path, what);
}

void InputFiles::Add(dev_t device, ino_t inode, const std::string& path, const std::string& what) {
  std::string description = what;
  description += " '";
  description += path;
  description += '\'';
  files_.emplace(std::make_pair(device, inode), std::move(description));
}

std::optional<std::string> InputFiles::Find(const std::string& path) const {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  const auto it = files_.find({info.st_dev, info.st_ino});
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

ScopedInputFiles::ScopedInputFiles() : previous_(active_inputs) { active_inputs = &files_; }

ScopedInputFiles::~ScopedInputFiles() { active_inputs = previous_; }

void NoteInputFile(const std::string& path, const std::string& what) {
  if (active_inputs != nullptr) active_inputs->Add(path, what);
}

void NoteInputFile(dev_t device, ino_t inode, const std::string& path, const std::string& what) {
  if (active_inputs != nullptr) active_inputs->Add(device, inode, path, what);
}

void CheckNotAnInput(const std::string& path, const std::string& what) {
  if (active_inputs == nullptr) return;
  if (const std::optional<std::string> input = active_inputs->Find(path))
    Fail(what, " '", path, "' is the ", *input, " (the same file); lfa never overwrites its "
         "inputs: choose another output");
}

}  // namespace lfa
