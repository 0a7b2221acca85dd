#!/usr/bin/env bash
# `mpirun -n K lfa study images` writes the CSVs and PNGs of one process, byte for byte, for
# K = 1, 2, 3; bad options end every rank non-zero with one message and no output directory, and
# so does a rank killed mid-study.
#
#   tests/experiments/parallel/mpi_images_test.sh path/to/lfa [mpirun]
#
# CTest runs it when lfa is built with MPI. It needs Fashion-MNIST (Debian's dataset-fashion-mnist,
# or LFA_FASHION_MNIST_DIR); without it, or without mpirun, the test says so and passes as skipped.
# A small study: both default models (cnn and mlp: two units), 2 points, 10 samples, 2 noisy
# copies, one montage per model, from the zoo cache (LFA_CACHE_DIR or ~/.cache/lfa; a model the
# cache lacks is trained once, by rank 0 of the first job, about 40 s for both). With 3 ranks one
# rank has no model. One thread per rank; the 3-rank job is oversubscribed. Ends with
# "N passed, M failed" and exits non-zero when any case failed.
set -uo pipefail

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/lfa [mpirun]" >&2
  exit 2
fi
lfa="$1"
mpirun="${2:-mpirun}"
case "$lfa" in /*) ;; *) lfa="$PWD/$lfa" ;; esac
if ! command -v "$mpirun" > /dev/null 2>&1; then
  echo "skipped: no '$mpirun'"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi
fashion="${LFA_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
if [ ! -e "$fashion/train-images-idx3-ubyte.gz" ] && [ ! -e "$fashion/train-images-idx3-ubyte" ]; then
  echo "skipped: Fashion-MNIST not found in '$fashion'"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/lfa-mpi-images-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

# Open MPI refuses to start as root unless told that it is meant.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export LFA_NUM_THREADS=1 OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
common=(study images --models cnn,mlp --points 2 --samples 10 --noisy-copies 2 --heatmap-images 1
        --fashion-mnist "$fashion")

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok:      $1"; }
fail() { failed=$((failed + 1)); echo "FAILED:  $1"; shift; for line in "$@"; do echo "         $line"; done; }

run_ranks() { local k="$1"; shift; "$mpirun" --oversubscribe -n "$k" "$lfa" "$@"; }

# same_files DIR: DIR holds plain/'s CSVs and montages, byte for byte; prints the first difference.
same_files() {
  local file
  [ "$(ls plain/heatmaps)" = "$(ls "$1/heatmaps")" ] || {
    echo "heatmaps/ differs: $(ls "$1/heatmaps" | tr '\n' ' ')"
    return 1
  }
  for file in models.csv metrics.csv nfl.csv $(cd plain && ls heatmaps/*.png); do
    cmp "plain/$file" "$1/$file" || return 1
  done
}

if ! "$lfa" "${common[@]}" --out plain 2> plain.err; then
  fail "study images in one process without mpirun" "$(tr '\r' '\n' < plain.err | tail -3)"
  echo "$passed passed, $failed failed"
  exit 1
fi
[ "$(ls plain/heatmaps)" = "$(printf 'cnn_0.png\nmlp_0.png')" ] ||
  fail "the plain run draws one montage per model" "$(ls -R plain)"

for k in 1 2 3; do
  if ! run_ranks "$k" "${common[@]}" --out "ranks-$k" 2> "ranks-$k.err"; then
    fail "mpirun -n $k exits 0" "$(tr '\r' '\n' < "ranks-$k.err" | tail -3)"
  elif ! difference="$(same_files "ranks-$k" 2>&1)"; then
    fail "mpirun -n $k writes the CSVs and PNGs of one process" "$difference"
  elif [ "$(grep -c 'wrote ' "ranks-$k.err")" -ne 1 ] || [ ! -s "ranks-$k/report.md" ]; then
    fail "mpirun -n $k: one summary line (rank 0's) and a report" "$(tr '\r' '\n' < "ranks-$k.err" | tail -3)"
  else
    pass "mpirun -n $k writes the CSVs and PNGs of one process, byte for byte, and one summary line"
  fi
done

# Every rank rejects an unknown model alike: one message (rank 0's), exit 2, no output directory.
run_ranks 2 study images --models cnn,nosuch --points 2 --out bad > bad.out 2> bad.err
code=$?
if [ "$code" -eq 2 ] && [ ! -e bad ] && [ "$(grep -c 'lfa: error:' bad.err)" -eq 1 ] &&
   grep -q "nosuch" bad.err; then
  pass "bad options on every rank: exit 2, one message naming the model, no output"
else
  fail "bad options on every rank: exit 2, one message, no output" \
    "exit $code; output $( [ -e bad ] && echo exists || echo absent )" "$(cat bad.err)"
fi

# A rank killed mid-study: rank 0 loads both models first (two "test accuracy" lines), then rank 0
# computes cnn and rank 1 mlp, each loading its model again (one line each). A third line says
# that the ranks are past the loading step, and rank 1 cannot leave before rank 0 has gathered and
# written (seconds later, with 100 samples), so the kill lands mid-study whatever the machine's
# load. (Progress lines are no signal: a fast step prints none. mpirun itself in the background,
# not run_ranks: its children are the ranks.)
"$mpirun" --oversubscribe -n 2 "$lfa" study images --models cnn,mlp --points 2 --samples 100 \
  --noisy-copies 2 --heatmap-images 1 --fashion-mnist "$fashion" --out killed > killed.out 2> killed.err &
launcher=$!
victim=""
for _ in $(seq 1 6000); do  # up to 5 minutes for the models to load
  if [ "$(grep -c 'test accuracy' killed.err)" -ge 3 ]; then
    for pid in $(pgrep -P "$launcher"); do
      if tr '\0' '\n' < "/proc/$pid/environ" 2> /dev/null | grep -q '^OMPI_COMM_WORLD_RANK=1$'; then
        victim=$pid
      fi
    done
    break
  fi
  kill -0 "$launcher" 2> /dev/null || break
  sleep 0.05
done
[ -n "$victim" ] && kill -9 "$victim"
wait "$launcher"
code=$?
if [ -n "$victim" ] && [ "$code" -ne 0 ] && [ ! -e killed ]; then
  pass "a rank killed mid-study: exit $code, no output directory"
else
  fail "a rank killed mid-study: non-zero exit, no output directory" \
    "rank 1 pid '${victim}', exit $code, output $( [ -e killed ] && ls -A killed || echo absent)" \
    "$(tr '\r' '\n' < killed.err | tail -3)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
