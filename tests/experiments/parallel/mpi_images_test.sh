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

source "$(dirname "$0")/mpi_test_lib.sh"
mpi_test_arguments "$@"
mpi_test_need_mpirun
mpi_test_need_fashion_mnist
mpi_test_work_directory images
common=(study images --models cnn,mlp --points 2 --samples 10 --noisy-copies 2 --heatmap-images 1
        --fashion-mnist "$fashion")

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
models_loaded() { [ "$(grep -c 'test accuracy' killed.err)" -ge 3 ]; }
kill_rank_once "$launcher" 1 6000 0.05 models_loaded  # up to 5 minutes for the models to load
expect_killed_job_left_no_directory "$launcher" killed killed.err

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
