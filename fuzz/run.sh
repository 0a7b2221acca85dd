#!/usr/bin/env bash
# Builds the fuzz targets (clang, libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer) and
# runs each for a bounded time; exits non-zero on any crash, sanitizer report or violated property.
#
#   fuzz/run.sh                 # every target, LFA_FUZZ_SECONDS (default 60) seconds each
#   fuzz/run.sh 300 csv         # only csv_fuzzer, five minutes
#
# Each target first replays its regression inputs (fuzz/regressions/<target>/, crashes found
# before, now fixed), then fuzzes from its seeds (fuzz/corpus/<target>/, never written). The IDX
# inputs are binary, so fuzz/idx_seeds.sh writes its seeds and regressions into the build folder.
# plus a working corpus in the build folder (LFA_FUZZ_BUILD_DIR, default ./build-fuzz), which keeps
# what earlier runs found. A crash is saved as build-fuzz/artifacts/<target>-crash-<sha1>;
# docs/testing.md says how to reproduce it and turn it into a regression test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LFA_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-${LFA_FUZZ_SECONDS:-60}}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv idx spec)

export CCACHE_DIR="${CCACHE_DIR:-$root/.ccache}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DLFA_PRECOMPILED_HEADERS=OFF -DLFA_BUILD_TESTS=OFF -DLFA_BUILD_BENCHMARKS=OFF \
    -DLFA_BUILD_PYTHON=OFF -DLFA_MPI=OFF \
    -DLFA_FUZZ=ON -DLFA_SANITIZE=fuzzer-no-link,address,undefined >&2
fi
cmake --build "$build" -j "${LFA_BUILD_JOBS:-$(nproc)}" --target lfa_fuzzers >&2

# Leaks are checked (per input, by libFuzzer). LibTorch is not instrumented; nothing here needs a
# suppression (docs/testing.md lists the reasoning). UBSan stops at the first report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export OMP_NUM_THREADS=1

max_len() {
  case "$1" in
    idx) echo 2048 ;;
    *) echo 4096 ;;
  esac
}

passed=0
failed=0
for target in "${targets[@]}"; do
  binary="$build/fuzz/${target}_fuzzer"
  regressions="$root/fuzz/regressions/$target"
  if [ "$target" = idx ]; then  # binary: written by idx_seeds.sh, not committed
    regressions="$build/regressions/idx"
    rm -rf "$regressions"
    "$root/fuzz/idx_seeds.sh" regressions "$regressions"
  fi
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    if ! "$binary" "$regressions"/* > "$build/fuzz-$target-regressions.log" 2>&1; then
      tail -n 40 "$build/fuzz-$target-regressions.log" >&2
      echo "fuzz $target: a regression input fails again (log: $build/fuzz-$target-regressions.log)"
      failed=$((failed + 1))
      continue
    fi
  fi
  work="$build/corpus/$target"
  seeds="$root/fuzz/corpus/$target"
  if [ "$target" = idx ]; then
    seeds="$build/seeds/idx"
    rm -rf "$seeds"
    "$root/fuzz/idx_seeds.sh" seeds "$seeds"
  fi
  mkdir -p "$work" "$build/artifacts"
  dict=()
  [ -f "$root/fuzz/dict/$target.dict" ] && dict=(-dict="$root/fuzz/dict/$target.dict")
  log="$build/fuzz-$target.log"
  start=$(date +%s)
  status=0
  "$binary" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$build/artifacts/$target-" "$work" "$seeds" \
    > "$log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  # libFuzzer's own summary of a finished run: "Done N runs in S second(s)".
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
  if [ "$status" -eq 0 ]; then
    echo "fuzz $target: ${done_line:-Done ? runs}"
    echo "fuzz $target: clean, ${runs:-?} executions in ${elapsed} s of wall time (corpus: $(ls "$work" | wc -l) found + $(ls "$seeds" | wc -l) seeds)"
    passed=$((passed + 1))
  else
    tail -n 60 "$log" >&2
    echo "fuzz $target: FAILED after ${runs:-?} executions in ${elapsed} s (log: $log; input: $build/artifacts/$target-*)"
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
