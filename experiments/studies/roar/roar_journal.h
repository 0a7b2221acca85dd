// The ROAR study's resume journal: OUT/state.csv, one line per finished retrain.
//
// A cell of the study is (mode, method, fraction); each cell is trained `retrains` times. Every
// finished retrain is appended as one CSV line
//
//   key,removal,mode,fraction,method,retrain,seed,test_accuracy,seconds,end
//   3f2a...,road,roar,0.5,gradient,1,1,0.7931,6.3,ok
//
// where key = Checksum(study key | mode | method | fraction | retrain [| removal]) (the removal is
// part of the text only when it is not "mean" or "none", so the keys of the channel-mean cells are
// those of journals written before the road removal existed; the study key holds every
// option that defines a result, RoarStudyOptions::CacheKeyText, and the data fingerprint), so a
// rerun with the same options finds its finished retrains and one with other options finds none.
// Each line is written by one write() on an O_APPEND descriptor and fsync'ed; a kill leaves at
// most a torn last line, which reading skips (its "end" field is not "ok", or it has another
// number of fields), and the next append starts on a fresh line. A finished line whose values are
// not a result (an accuracy that is NaN, infinite or negative, a fraction outside [0, 1], a
// negative time, a seed outside [0, 2^64 - 1]) is not trusted either: its retrain runs again.
// A journal written before the removal column existed (header without "removal") is read as it is
// (its lines are channel-mean or unmodified cells) and appended to in its own format, the removal
// then living in the key alone.
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
  // "mean" (channel mean), "road" (ROAD's imputation), or "none" (unmodified, leakage records).
  std::string removal = "mean";
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
  bool removal_column_ = true;  // false for a journal written before the removal column
};

}  // namespace lfa
