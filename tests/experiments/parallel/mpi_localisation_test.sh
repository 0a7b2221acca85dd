#!/usr/bin/env bash
# `mpirun -n K lfa study localisation` writes the CSVs of one process, byte for byte, for K = 2, 3.
#
#   tests/experiments/parallel/mpi_localisation_test.sh path/to/lfa [mpirun]
#
# CTest runs it when lfa is built with MPI. It needs Fashion-MNIST (Debian's dataset-fashion-mnist,
# or LFA_FASHION_MNIST_DIR); without it, or without mpirun, the test says so and passes as skipped.
# A small study: the control task, 10 points, 4 samples, a cnn of one epoch in a zoo cache of the
# test's own. The 2-rank run comes first, on the empty cache: rank 0 trains the task's cnn (about
# 15 s) and rank 1 loads it from the cache; the plain run and the 3-rank run then load it too.
# One thread per rank; the 3-rank job is oversubscribed. Ends with "N passed, M failed" and exits
# non-zero when any case failed.
set -uo pipefail

source "$(dirname "$0")/mpi_test_lib.sh"
mpi_test_arguments "$@"
mpi_test_need_mpirun
mpi_test_need_fashion_mnist
mpi_test_work_directory localisation
common=(study localisation --tasks control --points 10 --samples 4 --epochs 1
        --cache-dir "$work/cache" --fashion-mnist "$fashion")

if ! run_ranks 2 "${common[@]}" --out ranks-2 2> ranks-2.err; then
  fail "mpirun -n 2 exits 0" "$(tail -3 ranks-2.err)"
  echo "$passed passed, $failed failed"
  exit 1
fi
if ! "$lfa" "${common[@]}" --out plain 2> plain.err; then
  fail "study localisation in one process without mpirun" "$(tail -3 plain.err)"
  echo "$passed passed, $failed failed"
  exit 1
fi
if ! run_ranks 3 "${common[@]}" --out ranks-3 2> ranks-3.err; then
  fail "mpirun -n 3 exits 0" "$(tail -3 ranks-3.err)"
fi

for k in 2 3; do
  [ -d "ranks-$k" ] || continue
  if ! difference="$(cmp plain/models.csv "ranks-$k/models.csv" 2>&1 &&
                     cmp plain/localisation.csv "ranks-$k/localisation.csv" 2>&1)"; then
    fail "mpirun -n $k writes the CSVs of one process" "$difference"
  elif [ "$(grep -c 'wrote ' "ranks-$k.err")" -ne 1 ] || [ ! -s "ranks-$k/report.md" ]; then
    fail "mpirun -n $k: one summary line (rank 0's) and a report" "$(tail -3 "ranks-$k.err")"
  else
    pass "mpirun -n $k writes the CSVs of one process, byte for byte, and one summary line"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
