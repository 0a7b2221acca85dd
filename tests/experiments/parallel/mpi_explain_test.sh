#!/usr/bin/env bash
# `mpirun -n K lfa explain` writes the same bytes for every K, a rank that fails ends the job with
# one message and no output file, and so does a rank that is killed.
#
#   tests/experiments/parallel/mpi_explain_test.sh path/to/lfa path/to/lfa_test_model [mpirun]
#
# CTest runs it when lfa is built with MPI. The model is made by lfa_test_model (a TorchScript
# f(x) = sum_j sin(3 x_j) + x_0 x_1 that raises for |x| > 100), so no data set is needed. One
# thread per rank; every job is oversubscribed on purpose (3 ranks on 2 cores). Ends with
# "N passed, M failed" and exits non-zero when any case failed. (Open MPI adds its own note when a
# rank exits non-zero; lfa's own message is the one line starting "lfa: error:".)
set -uo pipefail

if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
  echo "usage: $0 path/to/lfa path/to/lfa_test_model [mpirun]" >&2
  exit 2
fi
lfa="$1"
make_model="$2"
mpirun="${3:-mpirun}"
case "$lfa" in /*) ;; *) lfa="$PWD/$lfa" ;; esac
case "$make_model" in /*) ;; *) make_model="$PWD/$make_model" ;; esac

source "$(dirname "$0")/mpi_test_lib.sh"
mpi_test_work_directory explain

"$make_model" model.pt || { echo "FAILED:  lfa_test_model could not write model.pt"; exit 1; }
# 700 points in [-1, 1]^5: three steps of 256 points, so 3 ranks get 256, 256 and 188.
awk 'BEGIN { srand(7); print "a,b,c,d,e";
             for (i = 0; i < 700; ++i) { printf "%.6f,%.6f,%.6f,%.6f,%.6f\n",
               2*rand()-1, 2*rand()-1, 2*rand()-1, 2*rand()-1, 2*rand()-1 } }' > points.csv
# The same points with one out-of-range value in row 600, which only the last rank explains.
awk -F, 'NR == 602 { $3 = "500" } { print }' OFS=, points.csv > bad_points.csv

# --- identical bytes for 1, 2 and 3 ranks --------------------------------------------------

# One explainer that queries values, one that queries gradients.
for explainer in kernelshap smoothgrad; do
  common=(explain --model model.pt --data points.csv --explainer "$explainer" --samples 200 --seed 3)
  if ! "$lfa" "${common[@]}" --out "$explainer-plain.csv" 2> plain.err; then
    fail "$explainer: one process without mpirun" "$(cat plain.err)"
    continue
  fi
  for k in 1 2 3; do
    if ! run_ranks "$k" "${common[@]}" --out "$explainer-$k.csv" 2> "ranks-$k.err"; then
      fail "$explainer: mpirun -n $k exits 0" "$(tail -3 "ranks-$k.err")"
    elif ! cmp -s "$explainer-plain.csv" "$explainer-$k.csv"; then
      fail "$explainer: mpirun -n $k writes the bytes of one process" \
        "$(cmp "$explainer-plain.csv" "$explainer-$k.csv")"
    elif [ "$(grep -c ' -> ' "ranks-$k.err")" -ne 1 ]; then
      fail "$explainer: mpirun -n $k prints one summary line (rank 0's)" "$(cat "ranks-$k.err")"
    else
      pass "$explainer: mpirun -n $k gives the bytes of one process, one summary line"
    fi
  done
done

# --- a failing rank ---------------------------------------------------------------------------

run_ranks 3 explain --model model.pt --data bad_points.csv --explainer kernelshap --samples 50 \
  --out bad.csv > bad.out 2> bad.err
code=$?
errors="$(grep -c 'lfa: error:' bad.err)"
if [ "$code" -ne 0 ] && [ ! -e bad.csv ] && [ "$errors" -eq 1 ] &&
   grep -q 'lfa: error: rank 2 of 3: ' bad.err; then
  pass "one failing rank: exit $code, one message naming rank 2, no output file"
else
  fail "one failing rank: non-zero exit, one message naming rank 2, no output file" \
    "exit $code; output file $( [ -e bad.csv ] && echo exists || echo absent )" "$(cat bad.err)"
fi

# A rank killed mid-run: mpirun ends the job non-zero, and no output file (nor temporary) is left.
# (mpirun itself in the background, not run_ranks: its children are the ranks.)
"$mpirun" --oversubscribe -n 2 "$lfa" explain --model model.pt --data points.csv \
  --explainer kernelshap --samples 3000 --out killed.csv > killed.out 2> killed.err &
launcher=$!
victim=""
for _ in $(seq 1 200); do  # up to 20 s for rank 1 to appear
  for pid in $(pgrep -P "$launcher"); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2> /dev/null | grep -q '^OMPI_COMM_WORLD_RANK=1$'; then
      victim=$pid
    fi
  done
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] && kill -9 "$victim"
wait "$launcher"
code=$?
if [ -n "$victim" ] && [ "$code" -ne 0 ] && [ -z "$(ls -A | grep killed.csv)" ]; then
  pass "a rank killed mid-run: exit $code, no output file"
else
  fail "a rank killed mid-run: non-zero exit, no output file" \
    "rank 1 pid '${victim}', exit $code" "$(ls -A | grep killed.csv)"
fi

# Bad input every rank sees: one message (not three), exit 2, no file.
run_ranks 3 explain --model model.pt --data points.csv --explainer kernelshap --samples 0 \
  --out zero.csv > zero.out 2> zero.err
code=$?
if [ "$code" -eq 2 ] && [ ! -e zero.csv ] && [ "$(grep -c 'lfa: error:' zero.err)" -eq 1 ] &&
   grep -q 'lfa: error: --samples must be > 0, got 0' zero.err; then
  pass "bad input on every rank: exit 2, one message, no output file"
else
  fail "bad input on every rank: exit 2, one message, no output file" "exit $code" "$(cat zero.err)"
fi

# A command that does not shard its work refuses to run on several processes.
run_ranks 2 demo --out demo-out > demo.out 2> demo.err
code=$?
if [ "$code" -eq 2 ] && [ ! -e demo-out ] && [ "$(grep -c 'lfa: error:' demo.err)" -eq 1 ] &&
   grep -q "'demo' runs in one process only" demo.err; then
  pass "an unsharded command on 2 ranks: refused with one message"
else
  fail "an unsharded command on 2 ranks: refused with one message" "exit $code" "$(cat demo.err)"
fi

# lfa info reports every rank, from rank 0.
if run_ranks 2 info > info.out 2> info.err && grep -q '^MPI built in' info.out &&
   grep -q '^rank 0 of 2' info.out && grep -q '^rank 1 of 2' info.out; then
  pass "lfa info under mpirun -n 2: MPI built in, both ranks listed"
else
  fail "lfa info under mpirun -n 2" "$(cat info.out info.err)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
