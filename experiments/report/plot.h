// Plots through gnuplot, when it is installed (scripts/setup.sh installs gnuplot-nox). Studies draw
// their PNGs through these two calls and carry on without plots when gnuplot is missing or fails;
// the failure is one line on stderr naming the log.
//
//   if (GnuplotFound("study roar"))
//     drawn = RunGnuplot(dir + "/roar.gp", script, dir + "/roar.log", "study roar");
#pragma once

#include <string>

namespace lfa {

// True when `gnuplot` is on the PATH; otherwise prints "<who>: gnuplot not found, no plot drawn".
bool GnuplotFound(const std::string& who);

// Writes `script` to `script_path` and runs gnuplot on it, its stderr to `log_path`. True on
// success; otherwise prints "<who>: gnuplot failed on <script> (see <log>)".
bool RunGnuplot(const std::string& script_path, const std::string& script,
                const std::string& log_path, const std::string& who);

}  // namespace lfa
