// Plots through gnuplot, when it is installed (scripts/setup.sh installs gnuplot-nox). Studies draw
// their PNGs through these two calls and carry on without plots when gnuplot is missing or fails;
// the failure is one line on stderr naming the log.
//
//   if (GnuplotFound("study roar"))
//     drawn = RunGnuplot(dir + "/roar.gp", script, dir + "/roar.log", "study roar");
//
// DrawPng draws one picture atomically: gnuplot's output goes to a temporary file beside the PNG,
// renamed onto it only when gnuplot succeeded and wrote something (AtomicFile, io/atomic_file.h).
//
//   DrawPng(out + "/nfl.png", "set terminal pngcairo size 1600,800", script, dir + "/nfl.gp",
//           dir + "/nfl.log", "reproduce paper");
//
// gnuplot runs as a child process (posix_spawn, no shell) that lfa waits for while polling for
// Ctrl-C: an interrupt stops gnuplot and throws Interrupted (framework/interrupt.h), so no picture
// half-drawn by it is published; the script and the log are written atomically (AtomicFile).
//
// WARNING: a script given to DrawPng must not `set output` itself; DrawPng sets it after `terminal`.
#pragma once

#include <string>

namespace lfa {

// True when `gnuplot` is on the PATH; otherwise prints "<who>: gnuplot not found, no plot drawn".
bool GnuplotFound(const std::string& who);

// Writes `script` to `script_path` and runs gnuplot on it, its stderr to `log_path`. True on
// success; otherwise prints "<who>: gnuplot failed on <script> (see <log>)".
bool RunGnuplot(const std::string& script_path, const std::string& script,
                const std::string& log_path, const std::string& who);

// Runs `terminal` (a `set terminal` line), `set output '<temporary>'` and `script` through
// RunGnuplot, then renames the temporary onto `png` when gnuplot succeeded and the file is not
// empty. False (with one line on stderr) when no picture was made; `png` is then left as it was.
bool DrawPng(const std::string& png, const std::string& terminal, const std::string& script,
             const std::string& script_path, const std::string& log_path, const std::string& who);

}  // namespace lfa
