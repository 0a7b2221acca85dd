#!/usr/bin/env bash
# `mpirun -n K lfa reproduce paper` writes the CSVs of one process, byte for byte, for K = 1, 2, 3;
# a rank that fails ends the job with one message and no output; a rank killed mid-study ends the
# job non-zero with no output, and the rerun succeeds with the 1-rank result.
#
#   tests/experiments/parallel/mpi_reproduce_test.sh path/to/lfa [mpirun]
#
# CTest runs it when lfa is built with MPI. It needs the paper's data (LFA_DATA_DIR holding
# lfa-paper/); without it the test says so and passes as skipped. A small run, as in
# tests/experiments/studies/paper/reproduce_test.sh (--samples 50: the convergence study's fixed
# sample counts dominate). One thread per rank; the 3-rank job is oversubscribed on purpose.
# Ends with "N passed, M failed" and exits non-zero when any case failed.
set -uo pipefail

source "$(dirname "$0")/mpi_test_lib.sh"
mpi_test_arguments "$@"
if [ -z "${LFA_DATA_DIR:-}" ] || [ ! -d "$LFA_DATA_DIR/lfa-paper" ]; then
  mpi_test_skip "LFA_DATA_DIR not set (or lacks lfa-paper/): lfa reproduce paper needs the paper's data"
fi
data="$(cd "$LFA_DATA_DIR" && pwd)"

mpi_test_work_directory reproduce
common=(reproduce paper --data-dir "$data" --samples 50 --seed 1)
tables="exp1 exp1b exp2 exp3 nfl convergence"

# same_tables DIR: every CSV of DIR has the bytes of plain/'s; prints the first difference.
same_tables() {
  local table
  for table in $tables; do
    cmp "plain/$table.csv" "$1/$table.csv" || return 1
  done
}

if ! "$lfa" "${common[@]}" --out plain 2> plain.err; then
  fail "reproduce paper in one process without mpirun" "$(tail -3 plain.err)"
  echo "$passed passed, $failed failed"
  exit 1
fi

# --- a rank killed mid-study -------------------------------------------------------------------
# Two ranks: rank 0 computes models 1-4, rank 1 models 5-8. Rank 0's progress line "1/4" says that
# both ranks are past the first collective and still computing (rank 1 cannot leave before rank 0
# has gathered), so the kill lands mid-study whatever the machine's load. (mpirun itself in the
# background, not run_ranks: its children are the ranks.)
"$mpirun" --oversubscribe -n 2 "$lfa" "${common[@]}" --out killed > killed.out 2> killed.err &
launcher=$!
first_model_done() { tr '\r' '\n' < killed.err | grep -q ' 1/4 '; }
kill_rank_once "$launcher" 1 6000 0.1 first_model_done  # up to 10 minutes for rank 0 to finish its first model
expect_killed_job_left_no_directory "$launcher" killed killed.err

# --- identical bytes for 1, 2 and 3 ranks (the 2-rank run is the killed study's rerun) ----------

for k in 1 2 3; do
  if ! run_ranks "$k" "${common[@]}" --out "ranks-$k" 2> "ranks-$k.err"; then
    fail "mpirun -n $k exits 0" "$(tr '\r' '\n' < "ranks-$k.err" | tail -3)"
  elif ! difference="$(same_tables "ranks-$k" 2>&1)"; then
    fail "mpirun -n $k writes the CSVs of one process" "$difference"
  elif [ "$(grep -c 'results in' "ranks-$k.err")" -ne 1 ] || [ ! -s "ranks-$k/report.md" ]; then
    fail "mpirun -n $k: one summary line (rank 0's) and a report" "$(tr '\r' '\n' < "ranks-$k.err")"
  else
    pass "mpirun -n $k writes the CSVs of one process, byte for byte, and one summary line"
  fi
done

# --- a failing rank ----------------------------------------------------------------------------
# A data directory whose heloc_ffnnB model (the 7th of 8: rank 2's with 3 ranks) is not a model.
mkdir -p bad-data/lfa-paper/models
ln -s "$data/lfa-paper/clean" bad-data/lfa-paper/clean
for model in "$data"/lfa-paper/models/*; do ln -s "$model" bad-data/lfa-paper/models/; done
rm bad-data/lfa-paper/models/heloc_ffnnB.torchscript.pt
echo "not a model" > bad-data/lfa-paper/models/heloc_ffnnB.torchscript.pt
run_ranks 3 reproduce paper --data-dir bad-data --samples 50 --seed 1 --out bad > bad.out 2> bad.err
code=$?
if [ "$code" -ne 0 ] && [ ! -e bad ] && [ "$(grep -c 'lfa: error:' bad.err)" -eq 1 ] &&
   grep -q 'lfa: error: rank 2 of 3: .*heloc_ffnnB' bad.err; then
  pass "one failing rank: exit $code, one message naming rank 2 and the file, no output"
else
  fail "one failing rank: non-zero exit, one message naming rank 2, no output" \
    "exit $code; output $( [ -e bad ] && echo exists || echo absent )" "$(cat bad.err)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
