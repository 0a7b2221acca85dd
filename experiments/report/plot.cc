#include "experiments/report/plot.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

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

}  // namespace lfa
