#!/usr/bin/env bash
# The probe of issue 10, kept: one case per kind of bad input that once lost a user's file, hung,
# crashed or answered with silent NaN. Every bad case must give exactly one line on stderr, the
# exact exit status (2 bad input, 130 SIGINT, 143 SIGTERM), and leave every file as it was: no
# file or directory created, none changed or removed (the whole working directory is compared
# before and after, by name, type, size and checksum). A few good cases check that the fixes kept
# what must work (a FIFO as --data, a CSV with a byte-order mark, groups given in a spec).
#
#   tests/experiments/cli/bad_inputs_test.sh path/to/lfa      (CTest runs it so)
#
# Cases use the paper's heloc_ffnnA (float32, 23 inputs) from LFA_DATA_DIR; without it the
# script prints "skipped: ..." and passes. Cases covered by unit tests instead, because the command
# line cannot provoke them cheaply: a model that answers NaN, an integer-output model under a
# gradient explainer and CPU out-of-memory (tests/framework/oracle_guards_test.cc), a TorchScript
# model's own error message (tests/experiments/io/output_safety_test.cc), a NaN accuracy in ROAR's
# state.csv and ROAR's resume after an interrupt (tests/experiments/studies/roar/roar_study_test.cc).
# Ends with "N passed, M failed" and exits non-zero when any case failed.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/lfa" >&2
  exit 2
fi
lfa="$1"
case "$lfa" in /*) ;; *) lfa="$PWD/$lfa" ;; esac

model_source="${LFA_DATA_DIR:-}/lfa-paper/models/heloc_ffnnA.torchscript.pt"
points_source="${LFA_DATA_DIR:-}/lfa-paper/clean/heloc-clean-test20-normalized-subset.csv"
slow_source="${LFA_DATA_DIR:-}/lfa-paper/clean/heloc-clean-test20-normalized.csv"
if [ -z "${LFA_DATA_DIR:-}" ] || [ ! -f "$model_source" ] || [ ! -f "$points_source" ] ||
   [ ! -f "$slow_source" ]; then
  echo "skipped: LFA_DATA_DIR does not hold the paper's heloc_ffnnA and its points"
  echo "0 passed, 0 failed"
  exit 0
fi

root="$(mktemp -d "${TMPDIR:-/tmp}/lfa-bad-inputs.XXXXXX")"
trap 'rm -rf "$root"' EXIT
files="$root/files"  # the inputs, and where every command runs
logs="$root/logs"    # stdout and stderr of each command, outside the compared tree
mkdir -p "$files/sub" "$logs"
cd "$files" || exit 2

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok:      $1"; }
fail() { failed=$((failed + 1)); echo "FAILED:  $1"; shift; for line in "$@"; do echo "         $line"; done; }

# --- inputs ---------------------------------------------------------------------------------

cp "$model_source" model.pt
head -n 6 "$points_source" | cut -d, -f1-23 > five.csv
header="$(head -n 1 five.csv)"
first_name="${header%%,*}"
row() { sed -n "${1}p" five.csv; }
rest_of() { local r; r="$(row "$1")"; echo "${r#*,}"; }

{ echo "$header"; echo "1e39,$(rest_of 2)"; } > overflow_float32.csv
{ echo "${first_name},${header}" | cut -d, -f1-23; row 2; } > duplicate_names.csv
{ echo "$header"; echo "0x1p-2,$(rest_of 2)"; } > hex_float.csv
{ echo "$header"; row 2; printf '\0\0\0\n'; } > nul_bytes.csv
{ printf '\xef\xbb\xbf'; cat five.csv; } > bom.csv
ln -s five.csv link_to_data.csv
ln five.csv hard_link_to_data.csv
mkdir a_directory
mkfifo a_fifo

# IDX files: [5, 23] float32 holding a NaN; a wrong type code; a header promising 2^31 - 1 rows
# of 23 bytes in a 40-byte file; zero rows; dimensions whose product overflows 64 bits.
python3 - <<'PY'
import math, struct
with open("nan_pixels.idx", "wb") as f:
    f.write(bytes([0, 0, 0x0d, 2]) + struct.pack(">II", 5, 23))
    values = [0.5] * (5 * 23)
    values[2 * 23 + 4] = math.nan  # row 2, column x4
    f.write(struct.pack(">%df" % len(values), *values))
with open("wrong_type.idx", "wb") as f:
    f.write(bytes([0, 0, 0x07, 2]) + struct.pack(">II", 5, 23) + bytes(5 * 23))
with open("too_many_rows.idx", "wb") as f:
    f.write(bytes([0, 0, 0x08, 2]) + struct.pack(">II", 2**31 - 1, 23) + bytes(28))
with open("zero_rows.idx", "wb") as f:
    f.write(bytes([0, 0, 0x08, 2]) + struct.pack(">II", 0, 23))
with open("overflow_dims.idx", "wb") as f:
    f.write(bytes([0, 0, 0x0e, 4]) + struct.pack(">IIII", *([2**31 - 1] * 4)) + bytes(64))
with open("deep.json", "w") as f:
    f.write("[" * 100000 + "]" * 100000)
PY
# A spec whose bad value is a 10000-character string: the message quotes ~100 characters of it.
printf '{"neighbourhood": {"type": "gaussian", "sigma": "%s"}}\n' "$(head -c 10000 /dev/zero | tr '\0' x)" \
  > long_value.json
# groups in a spec: 23 features in 12 groups (pairs), KernelSHAP's neighbourhood.
ids="$(seq 0 22 | awk '{ printf "%s%d", (NR > 1 ? "," : ""), int($1 / 2) }')"
printf '{"neighbourhood": {"type": "bernoulli_mask", "kernel": "shapley", "groups": {"type": "explicit", "ids": [%s]}}, "samples": 200}\n' \
  "$ids" > grouped.json
# --out is one of the inputs: the spec itself.
echo '{"neighbourhood": {"type": "gaussian"}, "samples": 100}' > gaussian.json

# The state of every file under $files: name, type, size, checksum.
snapshot() {
  find . -printf '%p %y %s %l\n' | LC_ALL=C sort
  find . -type f -exec md5sum {} + | LC_ALL=C sort
}

explain() { echo explain --model model.pt --data five.csv "$@"; }

# expect NAME STATUS NEEDLE ARGS...: lfa ARGS exits with STATUS, prints exactly one line on stderr
# that contains NEEDLE, and leaves every file under $files as it was.
expect() {
  local name="$1" status="$2" needle="$3"
  shift 3
  local before after rc lines problems=()
  before="$(snapshot)"
  "$lfa" "$@" > "$logs/stdout" 2> "$logs/stderr"
  rc=$?
  after="$(snapshot)"
  lines=$(wc -l < "$logs/stderr")
  [ "$rc" -eq "$status" ] || problems+=("exit status $rc, expected $status")
  [ "$lines" -eq 1 ] || problems+=("$lines lines on stderr, expected 1")
  grep -qF -- "$needle" "$logs/stderr" || problems+=("stderr does not mention '$needle'")
  [ "$(wc -c < "$logs/stderr")" -le 400 ] || problems+=("stderr longer than 400 bytes")
  [ "$before" = "$after" ] ||
    problems+=("files changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -n 4 | tr '\n' ' ')")
  if [ ${#problems[@]} -eq 0 ]; then
    pass "$name"
  else
    fail "$name" "${problems[@]}" "command: lfa $*" "stderr: $(head -c 400 "$logs/stderr")"
  fi
}

# expect_signal NAME SIGNAL STATUS: a long explain run (10^7 model rows) sent SIGNAL after 4 s exits with STATUS,
# says "interrupted by SIGNAL" on its one stderr line, and leaves every file as it was.
expect_signal() {
  local name="$1" signal="$2" status="$3"
  local before after rc problems=()
  before="$(snapshot)"
  # All 1975 HELOC test points at 100,000 samples: about 30 s of explanations on 2 cores. The
  # signal comes once the progress line shows that they have started (not after a fixed sleep:
  # a faster build would finish first). The previous run's stderr goes first: the background
  # job truncates it only once forked, and a stale progress line would send the signal to a
  # child that has not yet become lfa (bash then runs this script's EXIT trap in it).
  rm -f "$logs/stdout" "$logs/stderr"
  "$lfa" explain --model model.pt --data "$slow_source" --label-column last \
    --explainer kernelshap --samples 100000 --out slow.csv \
    > "$logs/stdout" 2> "$logs/stderr" &
  local pid=$! waited=0
  until grep -q "lfa explain kernelshap" "$logs/stderr" 2> /dev/null || [ "$waited" -ge 600 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill -s "$signal" "$pid"
  wait "$pid"
  rc=$?
  after="$(snapshot)"
  [ "$rc" -eq "$status" ] || problems+=("exit status $rc, expected $status")
  # One line says what happened; the progress line drawn before it is ended, not repeated.
  local said
  said="$(grep -vc 'lfa explain kernelshap: ' "$logs/stderr")"
  [ "$said" -eq 1 ] || problems+=("$said lines on stderr besides the progress line, expected 1")
  grep -qF "interrupted by SIG$signal" "$logs/stderr" || problems+=("stderr does not say 'interrupted by SIG$signal'")
  [ "$before" = "$after" ] || problems+=("files changed")
  if [ ${#problems[@]} -eq 0 ]; then
    pass "$name"
  else
    fail "$name" "${problems[@]}" "stderr: $(head -c 400 "$logs/stderr")"
  fi
}

# expect_ok NAME OUT ARGS...: lfa ARGS succeeds within 120 s and writes OUT; OUT is removed after.
expect_ok() {
  local name="$1" out="$2"
  shift 2
  timeout 120 "$lfa" "$@" > "$logs/stdout" 2> "$logs/stderr"
  local rc=$?
  if [ "$rc" -eq 0 ] && [ -f "$out" ]; then
    pass "$name"
  else
    fail "$name" "exit status $rc (124: timed out)" "command: lfa $*" "stderr: $(head -c 400 "$logs/stderr")"
  fi
}

echo "lfa: $lfa"

# --- outputs: only regular files, never an input --------------------------------------------

expect "--out /dev/null (a device)" 2 "not a regular file" $(explain --explainer lime --out /dev/null)
[ -c /dev/null ] && pass "/dev/null is still a character device" || fail "/dev/null is no longer a device"
expect "--out a directory" 2 "a_directory" $(explain --explainer lime --out a_directory)
expect "--out a FIFO" 2 "not a regular file" $(explain --explainer lime --out a_fifo)
expect "--out the data file through ../dir/./name" 2 "same file" \
  $(explain --explainer lime --out "../$(basename "$files")/./five.csv")
expect "--out the model file" 2 "model file" $(explain --explainer lime --out model.pt)
expect "--out a symbolic link to the data file" 2 "same file" $(explain --explainer lime --out link_to_data.csv)
expect "--out a hard link to the data file" 2 "same file" $(explain --explainer lime --out hard_link_to_data.csv)
expect "--out the spec file" 2 "spec file" $(explain --spec gaussian.json --out gaussian.json)
# The directory is created before the model is opened; the check that fails comes after.
expect "--heatmaps of a failed run is not left behind" 2 "--heatmaps needs image points" \
  $(explain --explainer lime --heatmaps new_heatmaps --out out.csv)

# --- signals: exit 128 + signal, nothing written --------------------------------------------

expect_signal "SIGINT during the explanations" INT 130
expect_signal "SIGTERM during the explanations" TERM 143

# --- readers: bounded and strict ------------------------------------------------------------

expect "spec nested 100000 levels deep" 2 "nests" $(explain --spec deep.json --out out.csv)
expect "spec naming a directory" 2 "a_directory" $(explain --spec a_directory --out out.csv)
expect "spec error quotes ~100 characters of a 10000-character value" 2 "'sigma' must be a number" \
  $(explain --spec long_value.json --out out.csv)
expect "IDX: unknown type code" 2 "unknown type code 0x7" \
  explain --model model.pt --data wrong_type.idx --explainer lime --out out.csv
expect "IDX: header promises more rows than the file holds" 2 "truncated data" \
  explain --model model.pt --data too_many_rows.idx --explainer lime --out out.csv
expect "IDX: zero rows" 2 "holds no values" \
  explain --model model.pt --data zero_rows.idx --explainer lime --out out.csv
expect "IDX: dimension product overflows" 2 "overflow_dims.idx" \
  explain --model model.pt --data overflow_dims.idx --explainer lime --out out.csv
expect "CSV: duplicate column names" 2 "appears twice" \
  explain --model model.pt --data duplicate_names.csv --explainer lime --out out.csv
expect "CSV: hex float" 2 "0x1p-2" explain --model model.pt --data hex_float.csv --explainer lime --out out.csv
expect "CSV: NUL bytes" 2 "NUL" explain --model model.pt --data nul_bytes.csv --explainer lime --out out.csv

# --- non-finite values: errors naming the row and column or the parameter -------------------

expect "CSV cell 1e39: finite as double, not as float32" 2 "row 0 column '$first_name'" \
  explain --model model.pt --data overflow_float32.csv --explainer lime --out out.csv
expect "IDX: NaN pixel" 2 "row 2 column" \
  explain --model model.pt --data nan_pixels.idx --explainer lime --out out.csv
expect "--sigma 1e308" 2 "--sigma" $(explain --explainer clime --sigma 1e308 --out out.csv)
expect "--baseline 1e308" 2 "--baseline" $(explain --explainer occlusion --baseline 1e308 --out out.csv)
expect "--seed -1" 2 "seed" $(explain --explainer lime --seed -1 --out out.csv)
expect "--seed 2^64" 2 "18446744073709551616" $(explain --explainer lime --seed 18446744073709551616 --out out.csv)

# --- commands -------------------------------------------------------------------------------

expect "mistyped command" 2 "unknown command 'explian'" explian --out out.csv

# --- what must still work -------------------------------------------------------------------

timeout 130 sh -c 'cat five.csv > a_fifo' &
expect_ok "a FIFO as --data is read once" "$root/fifo_out.csv" \
  explain --model model.pt --data a_fifo --explainer lime --samples 100 --out "$root/fifo_out.csv"
wait
expect_ok "a CSV with a UTF-8 byte-order mark" "$root/bom_out.csv" \
  explain --model model.pt --data bom.csv --explainer lime --samples 100 --out "$root/bom_out.csv"
if [ "$(head -n 1 "$root/bom_out.csv" | cut -d, -f1)" = "$first_name" ]; then
  pass "the byte-order mark is not part of the first column's name"
else
  fail "the byte-order mark is not part of the first column's name" "header: $(head -c 80 "$root/bom_out.csv")"
fi
expect_ok "groups in a spec are used by explain --spec" "$root/grouped.csv" \
  explain --model model.pt --data five.csv --spec grouped.json --out "$root/grouped.csv"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
