#include "experiments/report/plot.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "experiments/io/atomic_file.h"

namespace lfa {

bool GnuplotFound(const std::string& who) {
  if (std::system("command -v gnuplot > /dev/null 2>&1") == 0) return true;
  std::fprintf(stderr, "%s: gnuplot not found, no plot drawn\n", who.c_str());
  return false;
}

bool RunGnuplot(const std::string& script_path, const std::string& script,
                const std::string& log_path, const std::string& who) {
  std::ofstream(script_path) << script;
  if (std::system(("gnuplot '" + script_path + "' 2> '" + log_path + "'").c_str()) == 0) return true;
  std::fprintf(stderr, "%s: gnuplot failed on %s (see %s)\n", who.c_str(), script_path.c_str(),
               log_path.c_str());
  return false;
}

bool DrawPng(const std::string& png, const std::string& terminal, const std::string& script,
             const std::string& script_path, const std::string& log_path, const std::string& who) {
  AtomicFile picture(png, "plot");
  std::string full = terminal;
  full += "\nset output '";
  full += picture.temporary_path();
  full += "'\n";
  full += script;
  if (!RunGnuplot(script_path, full, log_path, who)) return false;
  std::error_code error;
  if (std::filesystem::file_size(picture.temporary_path(), error) == 0 || error) {
    std::fprintf(stderr, "%s: gnuplot wrote no picture for %s (see %s)\n", who.c_str(), png.c_str(),
                 log_path.c_str());
    return false;
  }
  picture.Commit();
  return true;
}

}  // namespace lfa
