// InputFiles: the files a run reads, so that no output of the run replaces one of them.
//
// `lfa explain --data points.csv --out points.csv` must not turn the user's data into results.
// Names are no guide (../dir/./points.csv, a symbolic link and a hard link all name the same
// file), so an input is remembered by what the file system says it is: its device and inode
// number, after following links. CheckOutputPath (atomic_file.h) refuses to write any file of the
// active set.
//
// The active set is the one a ScopedInputFiles installed: the program installs one while a command
// runs (experiments/command/program.cc); commands add their inputs to it before any work (so a
// clash is reported before a model is loaded), and every InputStream (input_stream.h) adds the
// file it opens, so an input read deep inside a study is protected too. Without an active set
// (unit tests, library use) NoteInputFile does nothing and nothing is refused.
//
//   ScopedInputFiles inputs;                      // the program does this around Run()
//   NoteInputFile(options.data, "data file");     // a command, before any work
//   CheckOutputPath(options.out, "--out");        // InvalidInput: "--out 'p.csv' is the data file
//                                                 //   'p.csv' (same file); lfa never overwrites ..."
//
// Why a process-wide set: outputs are written deep inside studies and reports, by writers that
// should not each be handed the command's inputs; like the interrupt flag (framework/interrupt.h)
// it is safety state, never an input to a computation.
//
// WARNING: only files that exist when noted can be recognised; a path noted before its file is
// created is ignored (it is not an input then).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace lfa {

class InputFiles {
 public:
  // Remembers `path` (links followed) as an input described by `what` ("data file"); a path that
  // does not name an existing file is ignored.
  void Add(const std::string& path, const std::string& what);
  // Remembers the file with this device and inode (an already opened file).
  void Add(dev_t device, ino_t inode, const std::string& path, const std::string& what);
  // "the data file 'points.csv'" when `path` (links followed) is one of the inputs.
  std::optional<std::string> Find(const std::string& path) const;

 private:
  std::map<std::pair<dev_t, ino_t>, std::string> files_;  // (device, inode) -> description
};

// Makes a fresh InputFiles the active set for its lifetime (and restores the previous one).
class ScopedInputFiles {
 public:
  ScopedInputFiles();
  ~ScopedInputFiles();
  ScopedInputFiles(const ScopedInputFiles&) = delete;
  ScopedInputFiles& operator=(const ScopedInputFiles&) = delete;

 private:
  InputFiles files_;
  InputFiles* previous_;
};

// Adds to the active set, if there is one.
void NoteInputFile(const std::string& path, const std::string& what);
void NoteInputFile(dev_t device, ino_t inode, const std::string& path, const std::string& what);

// InvalidInput when `path` is a file of the active set: "<what> '<path>' is the <input> (the same
// file); lfa never overwrites its inputs: choose another output".
void CheckNotAnInput(const std::string& path, const std::string& what);

}  // namespace lfa
