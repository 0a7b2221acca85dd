// Study output: the checks and the output directory every study starts with.
//
//   std::string error;
//   if (!CheckStudyOutAndPoints(options.out, options.points, &error)) throw InvalidInput(error);
//   StudyDirectory dir(options.out);         // created if missing; removed again if the run fails
//   ...                                       // and it was created by this run and is still empty
//   dir.Keep();                               // the run succeeded
#pragma once

#include <cstdint>
#include <string>

namespace lfa {

// The checks the image studies' options share: an output directory, and between 2 (a standard
// error needs two) and 10000 (the Fashion-MNIST test set) test images. False with `error` set.
bool CheckStudyOutAndPoints(const std::string& out, int64_t points, std::string* error);

// An output directory for a run: created (with its parents) when missing. When the run fails
// before Keep(), a directory this object created is removed again if nothing was written to it,
// so a failed run leaves no trace.
class StudyDirectory {
 public:
  explicit StudyDirectory(std::string path);
  ~StudyDirectory();
  StudyDirectory(const StudyDirectory&) = delete;
  StudyDirectory& operator=(const StudyDirectory&) = delete;

  const std::string& path() const { return path_; }
  // `name` inside the directory.
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  std::string created_;  // the topmost directory this object created, empty if none
  bool keep_ = false;
};

}  // namespace lfa
