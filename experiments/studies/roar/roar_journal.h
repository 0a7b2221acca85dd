// The ROAR study's resume journal: OUT/state.csv, one line per finished retrain.
//
// A cell of the study is (mode, method, fraction); each cell is trained `retrains` times. Every
// finished retrain is appended as one CSV line
//
//   key,mode,fraction,method,retrain,seed,test_accuracy,seconds,end
//   3f2a...,roar,0.5,gradient,1,1,0.7931,6.3,ok
//
// where key = Checksum(study key | mode | method | fraction | retrain) (the study key holds every
// option that defines a result, RoarStudyOptions::CacheKeyText, and the data fingerprint), so a
// rerun with the same options finds its finished retrains and one with other options finds none.
// Each line is written by one write() on an O_APPEND descriptor and fsync'ed; a kill leaves at
// most a torn last line, which reading skips (its "end" field is not "ok", or it has another
// number of fields), and the next append starts on a fresh line. A finished line whose values are
// not a result (an accuracy that is NaN, infinite or negative, a fraction outside [0, 1], a
// negative time, a seed outside [0, 2^64 - 1]) is not trusted either: its retrain runs again.
//
//   RoarJournal journal(out + "/state.csv");          // reads what is there
//   if (!journal.Find(key)) journal.Append(run);      // after the retrain finished
//
// WARNING: the key is the only link between a line and its cell; change what a cell computes
// without changing CacheKeyText and a rerun silently reuses stale accuracies.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace lfa {

// The mode, method and fraction of one line of the study's tables.
struct RoarCell {
  std::string mode;    // "roar", "kar", or "none" for the unmodified reference
  std::string method;  // an estimator, or "unmodified"
  double fraction = 0;
};

// One finished retrain.
struct RoarRun {
  std::string key;
  RoarCell cell;
  int64_t retrain = 0;
  uint64_t seed = 0;
  double accuracy = 0;  // test accuracy of the retrained model
  double seconds = 0;   // wall-clock seconds of the retrain (zoo-cache hits included)
};

// The journal key of retrain `retrain` of `cell` under `study_key`.
std::string RoarRunKey(const std::string& study_key, const RoarCell& cell, int64_t retrain);

class RoarJournal {
 public:
  // Reads the finished runs of `path` (none when it does not exist). InvalidInput when the file
  // exists but is not a journal (its first line is not the journal's header).
  explicit RoarJournal(std::string path);

  const std::string& path() const { return path_; }
  // The finished run with `key`, or null.
  const RoarRun* Find(const std::string& key) const;
  // Appends `run` to the file (creating it with its header) and remembers it.
  void Append(const RoarRun& run);

 private:
  std::string path_;
  std::map<std::string, RoarRun> runs_;
};

}  // namespace lfa
