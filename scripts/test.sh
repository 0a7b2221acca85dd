#!/usr/bin/env bash
# Sets lfa up (packages + build) and runs every check; the README's test command and CI's.
#   1. the normal build's CTest: the GoogleTest suites, the command-line checks, reproduce paper;
#   2. the sanitizer build (build-asan/: AddressSanitizer + UndefinedBehaviorSanitizer, GCC, unity
#      batches and the precompiled header, plus the header check) and its GoogleTest suites;
#      skip with LFA_SANITIZER_TESTS=0;
#   3. the fuzz targets (build-fuzz/: clang + libFuzzer), LFA_FUZZ_SECONDS (default 60) each;
#      skip with LFA_FUZZ_SECONDS=0.
# docs/testing.md describes each and what it costs.
# Tests that need the paper's data read LFA_DATA_DIR (default: ../shared/data beside the checkout)
# and skip with a message when it is absent. Arguments go to the first CTest run.
set -euo pipefail
began=$(date +%s)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
export CCACHE_DIR="${CCACHE_DIR:-$root/.ccache}"
jobs="${LFA_BUILD_JOBS:-$(nproc)}"

echo "== 1/3 unit tests, command-line checks (build/)"
(cd "$build" && ctest --output-on-failure -j "$(nproc)" "$@")
echo "set-up, build and suites: $(( $(date +%s) - began )) s of wall time"

if [ "${LFA_SANITIZER_TESTS:-1}" != 0 ]; then
  echo "== 2/3 sanitizer build: header check and unit tests under ASan + UBSan (build-asan/)"
  start=$(date +%s)
  asan="${LFA_ASAN_BUILD_DIR:-$root/build-asan}"
  if [ ! -f "$asan/build.ninja" ]; then
    cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DLFA_PRECOMPILED_HEADERS=ON \
      -DLFA_BUILD_BENCHMARKS=OFF -DLFA_BUILD_PYTHON=OFF -DLFA_MPI=OFF -DLFA_HEADER_CHECK=ON \
      -DLFA_SANITIZE=address,undefined >&2
  fi
  cmake --build "$asan" -j "$jobs" --target lfa_header_check lfa_tests >&2
  # Why each option: docs/testing.md ("The sanitizer build").
  export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  (cd "$asan" && ctest --output-on-failure -R '^lfa_tests$')
  echo "sanitizer stage: $(( $(date +%s) - start )) s of wall time"
fi

if [ "${LFA_FUZZ_SECONDS:-60}" != 0 ]; then
  echo "== 3/3 fuzzing the CSV, IDX and spec readers (build-fuzz/)"
  start=$(date +%s)
  "$root/fuzz/run.sh" "${LFA_FUZZ_SECONDS:-60}"
  echo "fuzz stage: $(( $(date +%s) - start )) s of wall time"
fi
