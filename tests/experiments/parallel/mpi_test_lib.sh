# Shared by the mpi_*_test.sh scripts (sourced, not run): the set-up every one of them needs and
# the kill of one rank mid-job. Each script sources it after `set -uo pipefail`:
#
#   source "$(dirname "$0")/mpi_test_lib.sh"
#   mpi_test_arguments "$@"                 # lfa (absolute path) and mpirun from $1 [$2]
#   mpi_test_need_mpirun                    # skip (exit 0) without mpirun
#   mpi_test_need_fashion_mnist             # skip without Fashion-MNIST; sets `fashion`
#   mpi_test_work_directory roar            # a temporary directory, removed on exit; cd into it
#   run_ranks 2 study roar ... --out x      # mpirun --oversubscribe -n 2 lfa ...
#   pass "what held"; fail "what should have held" "detail line" ...
#   kill_rank_once "$launcher" 1 6000 0.05 some_condition   # sets `victim`
#   expect_killed_job_left_no_directory "$launcher" killed killed.err
#
# Open MPI refuses to start as root unless told that it is meant (the two OMPI_ variables); every
# rank runs one LibTorch thread, and OpenMP's idle threads sleep instead of spinning.
#
# WARNING: kill_rank_once looks for the rank among the launcher's children, so the job must be
# started as `"$mpirun" ... &` itself (launcher=$!), not through run_ranks or a subshell.

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok:      $1"; }
fail() { failed=$((failed + 1)); echo "FAILED:  $1"; shift; for line in "$@"; do echo "         $line"; done; }

# The "skipped" lines CTest's output shows, and a successful exit.
mpi_test_skip() {
  echo "skipped: $1"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
}

mpi_test_arguments() {
  if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 path/to/lfa [mpirun]" >&2
    exit 2
  fi
  lfa="$1"
  mpirun="${2:-mpirun}"
  case "$lfa" in /*) ;; *) lfa="$PWD/$lfa" ;; esac
}

mpi_test_need_mpirun() {
  command -v "$mpirun" > /dev/null 2>&1 || mpi_test_skip "no '$mpirun'"
}

mpi_test_need_fashion_mnist() {
  fashion="${LFA_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
  if [ ! -e "$fashion/train-images-idx3-ubyte.gz" ] && [ ! -e "$fashion/train-images-idx3-ubyte" ]; then
    mpi_test_skip "Fashion-MNIST not found in '$fashion'"
  fi
}

mpi_test_work_directory() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/lfa-mpi-$1-test.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  cd "$work" || exit 2
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export LFA_NUM_THREADS=1 OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
}

run_ranks() { local k="$1"; shift; "$mpirun" --oversubscribe -n "$k" "$lfa" "$@"; }

# kill_rank_once LAUNCHER RANK TRIES PAUSE CONDITION [ARGS...]: runs CONDITION ARGS every PAUSE
# seconds, at most TRIES times and while the launcher lives; once it holds, SIGKILLs the
# launcher's child whose OMPI_COMM_WORLD_RANK is RANK. Sets `victim` to that pid, or to "" when the
# condition never held or the rank was not found.
kill_rank_once() {
  local launcher="$1" rank="$2" tries="$3" pause="$4" pid
  shift 4
  victim=""
  for _ in $(seq 1 "$tries"); do
    if "$@"; then
      for pid in $(pgrep -P "$launcher"); do
        if tr '\0' '\n' < "/proc/$pid/environ" 2> /dev/null | grep -q "^OMPI_COMM_WORLD_RANK=$rank\$"; then
          victim=$pid
        fi
      done
      break
    fi
    kill -0 "$launcher" 2> /dev/null || break
    sleep "$pause"
  done
  if [ -n "$victim" ]; then kill -9 "$victim"; fi
}

# expect_killed_job_left_no_directory LAUNCHER OUT ERR: waits for the job kill_rank_once struck;
# passes when a rank was killed, the job exited non-zero and its output directory OUT does not
# exist; otherwise fails with the rank, the exit code, what OUT holds and ERR's last lines.
expect_killed_job_left_no_directory() {
  local launcher="$1" out="$2" err="$3" code
  wait "$launcher"
  code=$?
  if [ -n "$victim" ] && [ "$code" -ne 0 ] && [ ! -e "$out" ]; then
    pass "a rank killed mid-study: exit $code, no output directory"
  else
    fail "a rank killed mid-study: non-zero exit, no output directory" \
      "rank 1 pid '${victim}', exit $code, output $( [ -e "$out" ] && ls -A "$out" || echo absent)" \
      "$(tr '\r' '\n' < "$err" | tail -3)"
  fi
}
