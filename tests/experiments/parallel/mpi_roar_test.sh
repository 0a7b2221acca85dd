#!/usr/bin/env bash
# `mpirun -n 2 lfa study roar` writes the CSVs of one process (a plain `lfa`, the 1-rank run); a rank killed mid-study
# ends the job non-zero with no output file (the journal keeps the finished rounds), and a rerun
# with another K (3) resumes from the journal, computes only the units it lacks, and writes the
# CSVs of the uninterrupted 1-process run.
#
#   tests/experiments/parallel/mpi_roar_test.sh path/to/lfa [mpirun]
#
# CTest runs it when lfa is built with MPI. It needs Fashion-MNIST (Debian's dataset-fashion-mnist,
# or LFA_FASHION_MNIST_DIR); without it, or without mpirun, the test says so and passes as skipped.
# A tiny study: 600 training and 100 test images, one epoch, fraction 0.5, gradient and random,
# the mean removal, 2 retrains: 10 trainings and 2 mask-leakage fits, a few seconds per run. Every
# run has its own zoo cache, so every run trains its models. runs.csv is compared without its
# seconds column (wall-clock times). One thread per rank; the 3-rank job is oversubscribed.
# Ends with "N passed, M failed" and exits non-zero when any case failed.
set -uo pipefail

source "$(dirname "$0")/mpi_test_lib.sh"
mpi_test_arguments "$@"
mpi_test_need_mpirun
mpi_test_need_fashion_mnist

mpi_test_work_directory roar
common=(study roar --train-subset 600 --test-subset 100 --epochs 1 --retrains 2 --fractions 0.5
        --methods gradient,random --removal mean --fashion-mnist "$fashion")
units=12  # 1 unmodified + 2 methods x 2 modes = 5 cells x 2 retrains, and 2 leakage fits
outputs="roar.csv runs.csv leakage.csv report.md"

# same_tables DIR: roar.csv and leakage.csv have the bytes of plain/'s, runs.csv too but for its
# seconds column; prints the first difference.
same_tables() {
  cmp plain/roar.csv "$1/roar.csv" && cmp plain/leakage.csv "$1/leakage.csv" &&
    cmp <(cut -d, -f1-7 plain/runs.csv) <(cut -d, -f1-7 "$1/runs.csv")
}
# finished DIR: the journal's finished lines.
finished() { local n; n="$(grep -c ',ok$' "$1/state.csv" 2> /dev/null)"; echo "${n:-0}"; }

if ! "$lfa" "${common[@]}" --out plain --cache-dir cache-plain 2> plain.err; then
  fail "study roar in one process without mpirun" "$(tail -3 plain.err)"
  echo "$passed passed, $failed failed"
  exit 1
fi

# --- identical bytes for 1 and 2 ranks (the 1-rank run is plain/) ------------------------------
for k in 2; do
  if ! "$mpirun" --oversubscribe -n "$k" "$lfa" "${common[@]}" --out "ranks-$k" \
       --cache-dir "cache-$k" 2> "ranks-$k.err"; then
    fail "mpirun -n $k exits 0" "$(tail -3 "ranks-$k.err")"
  elif ! difference="$(same_tables "ranks-$k" 2>&1)"; then
    fail "mpirun -n $k writes the CSVs of one process" "$difference"
  elif [ "$(grep -c 'wrote ' "ranks-$k.err")" -ne 1 ] || [ "$(finished "ranks-$k")" -ne "$units" ]; then
    fail "mpirun -n $k: one summary line (rank 0's) and $units journal lines" "$(tail -3 "ranks-$k.err")"
  else
    pass "mpirun -n $k writes the CSVs of one process, byte for byte, and one journal line per unit"
  fi
done

# --- a rank killed mid-study, resumed with 3 ranks ----------------------------------------------
# Two ranks: rank 0 appends each round (one unit per rank) to the journal after the gather, so a
# journal line means both ranks are past the first round; rank 1 cannot leave before the last
# round's gather, 5 rounds later, so the kill lands mid-study. (mpirun itself in the background:
# its children are the ranks.)
"$mpirun" --oversubscribe -n 2 "$lfa" "${common[@]}" --out killed --cache-dir cache-killed \
  > killed.out 2> killed.err &
launcher=$!
first_round_journaled() { [ "$(finished killed)" -ge 1 ]; }
kill_rank_once "$launcher" 1 6000 0.05 first_round_journaled  # up to 10 minutes for the first round
wait "$launcher"
code=$?
kept="$(finished killed)"
left=""
for file in $outputs; do [ -e "killed/$file" ] && left="$left $file"; done
if [ -n "$victim" ] && [ "$code" -ne 0 ] && [ -z "$left" ] && [ "$kept" -ge 1 ] &&
   [ "$kept" -lt "$units" ]; then
  pass "a rank killed mid-study: exit $code, no output file, $kept of $units units in the journal"
else
  fail "a rank killed mid-study: non-zero exit, no output file, a partial journal" \
    "rank 1 pid '${victim}', exit $code, outputs left:${left:- none}, journal lines $kept" \
    "$(tail -3 killed.err)"
fi

if ! "$mpirun" --oversubscribe -n 3 "$lfa" "${common[@]}" --out killed --cache-dir cache-resumed \
     2> resumed.err; then
  fail "the 3-rank rerun exits 0" "$(tail -3 resumed.err)"
elif ! difference="$(same_tables killed 2>&1)"; then
  fail "the 3-rank rerun writes the CSVs of one process" "$difference"
elif ! grep -q "study roar: $((units - kept)) units left" resumed.err ||
     [ "$(finished killed)" -ne "$units" ]; then
  fail "the 3-rank rerun runs only the $((units - kept)) units the journal lacks" \
    "journal lines $(finished killed)" "$(grep 'study roar: .*\(to run\|units left\)' resumed.err)"
else
  pass "the 3-rank rerun skips the $kept journaled units and writes the CSVs of one process"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
