#!/usr/bin/env bash
# Command-line contract of `lfa explain`: every bad input gives exactly one line on stderr
# ("lfa: error: ..." naming the problem), a non-zero exit and no output file; good input writes a
# CSV whose header starts with the feature names in input order, with one row per input row.
#
#   tests/experiments/cli/cli_errors_test.sh path/to/lfa      (CTest runs it so)
#
# Cases that need a model use the paper's heloc_ffnnA and its points from LFA_DATA_DIR (CI sets
# it); without it they print "skipped: ..." and the cases that need no model still run.
# Ends with "N passed, M failed" and exits non-zero when any case failed.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/lfa" >&2
  exit 2
fi
lfa="$1"
case "$lfa" in /*) ;; *) lfa="$PWD/$lfa" ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/lfa-cli-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); echo "ok:      $1"; }
fail() { failed=$((failed + 1)); echo "FAILED:  $1"; shift; for line in "$@"; do echo "         $line"; done; }

# --- inputs ---------------------------------------------------------------------------------

model=""
points=""
skip_reason=""
if [ -z "${LFA_DATA_DIR:-}" ]; then
  skip_reason="LFA_DATA_DIR not set"
else
  model="$LFA_DATA_DIR/lfa-paper/models/heloc_ffnnA.torchscript.pt"
  points="$LFA_DATA_DIR/lfa-paper/clean/heloc-clean-test20-normalized-subset.csv"
  if [ ! -f "$model" ] || [ ! -f "$points" ]; then
    skip_reason="LFA_DATA_DIR ($LFA_DATA_DIR) lacks lfa-paper/models/heloc_ffnnA.torchscript.pt or its points"
    model=""
  fi
fi
have_model() { [ -n "$model" ]; }

# A well-formed CSV (3 features + target) for the cases that fail before any model is loaded.
printf 'a,b,c,y\n0.1,0.2,0.3,1\n0.4,0.5,0.6,0\n' > tiny.csv
# Flag checks come before the model is loaded, so without the paper's model a path that does not
# exist stands in for it; each case checks that its own problem is the one reported.
model_or_missing="${model:-$work/no-model.pt}"

head -c 4096 /dev/urandom > garbage.pt
printf 'this is not a zip archive\n' > text.pt
touch regular_file
echo '{"neighbourhood": {"type": "gaussian", "sigmaa": 0.1}}' > typo_key.json
echo '{"neighbourhood": {"type": "gausian", "sigma": 0.1}}' > typo_type.json
echo '{"neighbourhood": {"type": "gaussian"}, "sampels": 100}' > typo_top.json
echo '{"neighbourhood": {"type": "gaussian"}, "loss": {"type": "squared_error"}}' > typo_loss.json
echo '{"neighbourhood": {"type": "gaussian"' > broken.json
# KernelSHAP's neighbourhood with the gradient-matching loss: a composition no named method has.
cat > kernelshap_gm.json <<'JSON'
{"name": "kernelshap_gm",
 "neighbourhood": {"type": "bernoulli_mask", "kernel": "shapley"},
 "loss": {"type": "gradient_matching"},
 "surrogate": {"type": "linear", "intercept": false},
 "samples": 200}
JSON

if have_model; then
  # 5 points with the paper's 23 features (target dropped), and broken variants of them.
  head -n 6 "$points" | cut -d, -f1-23 > five.csv
  sed '3s/^[^,]*,/abc,/' five.csv > non_numeric.csv
  sed '4s/^[^,]*,/NaN,/' five.csv > nan.csv
  sed '5s/,[^,]*$/,/' five.csv > empty_cell.csv
  cut -d, -f1-5 five.csv > five_columns.csv
  sed '3s/,[^,]*$//' five.csv > ragged.csv
fi

# --- checks ---------------------------------------------------------------------------------

# expect_error NAME NEEDLE OUT ARGS...: lfa ARGS must exit non-zero with exactly one line on
# stderr that starts with "lfa: error:" and contains NEEDLE, and leave no file at OUT (nor a
# temporary beside it).
expect_error() {
  local name="$1" needle="$2" out="$3"
  shift 3
  rm -f "$out" 2>/dev/null
  "$lfa" "$@" > stdout.txt 2> stderr.txt
  local rc=$? lines
  lines=$(wc -l < stderr.txt)
  local problems=()
  [ "$rc" -ne 0 ] || problems+=("exit status 0, expected non-zero")
  [ "$lines" -eq 1 ] || problems+=("$lines lines on stderr, expected 1")
  head -n 1 stderr.txt | grep -q '^lfa: error: ' || problems+=("stderr does not start with 'lfa: error: '")
  grep -qF -- "$needle" stderr.txt || problems+=("stderr does not mention '$needle'")
  [ ! -e "$out" ] || problems+=("output file '$out' exists")
  ls "$out".tmp.* "$(dirname "$out")/.$(basename "$out").tmp."* > /dev/null 2>&1 &&
    problems+=("temporary '$out.tmp.*' left behind")
  if [ ${#problems[@]} -eq 0 ]; then
    pass "$name"
  else
    fail "$name" "${problems[@]}" "command: lfa $*" "stderr: $(head -c 600 stderr.txt)"
  fi
}

skip() {
  skipped=$((skipped + 1))
  echo "skipped: $skip_reason ($1)"
}

# expect_csv NAME OUT ROWS FEATURE_SOURCE FEATURES: OUT has a header whose first FEATURES names
# are those of FEATURE_SOURCE's header in order, followed by intercept,loss,r2,row, and ROWS data rows
# of numbers, each with FEATURES + 4 cells.
expect_csv() {
  local name="$1" out="$2" rows="$3" source="$4" features="$5"
  local problems=()
  if [ ! -f "$out" ]; then
    fail "$name" "no output file '$out'" "stderr: $(head -c 600 stderr.txt)"
    return
  fi
  local want got
  want="$(head -n 1 "$source" | tr -d '\r' | cut -d, -f1-"$features"),intercept,loss,r2,row"
  got="$(head -n 1 "$out")"
  [ "$got" = "$want" ] || problems+=("header '$got'" "expected '$want'")
  local data_rows
  data_rows=$(($(wc -l < "$out") - 1))
  [ "$data_rows" -eq "$rows" ] || problems+=("$data_rows data rows, expected $rows")
  local bad
  bad=$(tail -n +2 "$out" | awk -F, -v n=$((features + 4)) \
    'NF != n { print "line " NR+1 ": " NF " cells"; exit }
     { for (i = 1; i <= NF - 2; ++i) if ($i !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) { print "line " NR+1 ": cell " i " is " $i; exit } }')
  [ -z "$bad" ] || problems+=("$bad")
  ls "$out".tmp.* "$(dirname "$out")/.$(basename "$out").tmp."* > /dev/null 2>&1 &&
    problems+=("temporary '$out.tmp.*' left behind")
  if [ ${#problems[@]} -eq 0 ]; then
    pass "$name"
  else
    fail "$name" "${problems[@]}"
  fi
}

echo "lfa: $lfa"

# --- bad input that needs no model ----------------------------------------------------------

expect_error "missing model file" "no-such-model.pt" out.csv \
  explain --model "$work/no-such-model.pt" --data tiny.csv --explainer lime --out out.csv
expect_error "corrupt model file (random bytes)" "garbage.pt" out.csv \
  explain --model garbage.pt --data tiny.csv --explainer lime --out out.csv
expect_error "corrupt model file (text)" "text.pt" out.csv \
  explain --model text.pt --data tiny.csv --explainer lime --out out.csv
expect_error "unknown explainer" "'limey'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer limey --out out.csv
expect_error "lfa bench: unknown name in --explainers" "'bogus'" out.csv \
  bench --model "$model_or_missing" --data tiny.csv --explainers lime,bogus --out out.csv
expect_error "unknown implementation" "'klassic'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --implementation klassic --out out.csv
expect_error "clime has no classic implementation" "clime" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer clime --implementation classic --out out.csv
expect_error "both --explainer and --spec" "not both" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --spec kernelshap_gm.json --out out.csv
expect_error "--groups not patch:P" "patch:P" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --groups square:2 --out out.csv
expect_error "--baseline not a number, mean or blur:S" "'zero'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --baseline zero --out out.csv
expect_error "--layer on a recipe" "layer 'conv1'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --layer conv1 --out out.csv
expect_error "neither --explainer nor --spec" "no explainer" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --out out.csv
expect_error "--implementation classic with --spec" "--spec" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec kernelshap_gm.json --implementation classic --out out.csv
expect_error "recipe flag (--sigma) with --spec" "--sigma" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec kernelshap_gm.json --sigma 0.2 --out out.csv
expect_error "spec: unknown neighbourhood key" "'sigmaa'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec typo_key.json --out out.csv
expect_error "spec: unknown top-level key" "'sampels'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec typo_top.json --out out.csv
expect_error "spec: unknown neighbourhood type" "'gausian'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec typo_type.json --out out.csv
expect_error "spec: unknown loss type" "'squared_error'" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec typo_loss.json --out out.csv
expect_error "spec: invalid JSON" "broken.json" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec broken.json --out out.csv
expect_error "spec: missing file" "no-such-spec.json" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --spec no-such-spec.json --out out.csv
expect_error "--samples 0" "--samples" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --samples 0 --out out.csv
expect_error "--samples -5" "-5" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --samples -5 --out out.csv
expect_error "--samples not a number" "abc" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --samples abc --out out.csv
expect_error "--sigma 0" "--sigma" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer smoothgrad --sigma 0 --out out.csv
expect_error "--sigma negative" "-0.1" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer clime --sigma -0.1 --out out.csv
expect_error "--kernel-width 0" "--kernel-width" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --kernel-width 0 --out out.csv
expect_error "--output-index negative" "--output-index" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --output-index -1 --out out.csv
expect_error "--batch-size 0" "--batch-size" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --batch-size 0 --out out.csv
expect_error "output in a directory that does not exist" "no-such-dir" no-such-dir/out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --out no-such-dir/out.csv
expect_error "output under a regular file" "regular_file" regular_file/out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --out regular_file/out.csv
expect_error "missing --out" "--out" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime
expect_error "unknown flag" "--frobnicate" out.csv \
  explain --model "$model_or_missing" --data tiny.csv --explainer lime --frobnicate --out out.csv
expect_error "no command" "needs a command (one of: explain," out.csv
expect_error "mistyped command" "unknown command 'explian'" out.csv explian --out out.csv
expect_error "mistyped study" "unknown command 'imagez' (one of: images," out.csv study imagez

# An existing output file is left as it was when the run fails.
echo "keep me" > kept.csv
"$lfa" explain --model "$work/no-such-model.pt" --data tiny.csv --explainer lime --out kept.csv \
  > /dev/null 2>&1
if [ "$(cat kept.csv)" = "keep me" ] && ! ls kept.csv.tmp.* > /dev/null 2>&1; then
  pass "failed run leaves an existing output untouched"
else
  fail "failed run leaves an existing output untouched" "kept.csv now holds: $(head -c 200 kept.csv)"
fi

# --- bad input that needs the model ---------------------------------------------------------

if have_model; then
  expect_error "CSV width: paper data without --label-column" "--label-column last" out.csv \
    explain --model "$model" --data "$points" --explainer lime --out out.csv
  expect_error "CSV width: 5 columns for a 23-input model" "5 feature column(s)" out.csv \
    explain --model "$model" --data five_columns.csv --explainer lime --out out.csv
  printf '\x00\x00\x08\x03\x00\x00\x00\x05\x00\x00\x00\x1c\x00\x00\x00\x1c\x01\x02' > truncated-idx3-ubyte
  expect_error "IDX: truncated file" "truncated" out.csv \
    explain --model "$model" --data truncated-idx3-ubyte --explainer gradient --out out.csv
  expect_error "IDX: row range past the end" "the file has 5 rows" out.csv \
    explain --model "$model" --data truncated-idx3-ubyte --rows 0:9 --explainer gradient --out out.csv
  expect_error "CSV pixels: --input-shape that does not fit" "--input-shape 1,2,2" out.csv \
    explain --model "$model" --data five_columns.csv --input-shape 1,2,2 --explainer gradient --out out.csv
  expect_error "CSV: ragged row" "line 3" out.csv \
    explain --model "$model" --data ragged.csv --explainer lime --out out.csv
  expect_error "CSV: non-numeric cell" "'abc'" out.csv \
    explain --model "$model" --data non_numeric.csv --explainer lime --out out.csv
  expect_error "CSV: NaN cell" "NaN" out.csv \
    explain --model "$model" --data nan.csv --explainer lime --out out.csv
  expect_error "CSV: empty cell" "line 5" out.csv \
    explain --model "$model" --data empty_cell.csv --explainer lime --out out.csv
  expect_error "CSV: missing data file" "no-such-data.csv" out.csv \
    explain --model "$model" --data no-such-data.csv --explainer lime --out out.csv
  expect_error "--label-column names no column" "'NoSuchColumn'" out.csv \
    explain --model "$model" --data "$points" --label-column NoSuchColumn --explainer lime --out out.csv
  expect_error "--output-index out of range" "--output-index 1" out.csv \
    explain --model "$model" --data five.csv --explainer lime --output-index 1 --out out.csv
else
  for name in "CSV width: paper data without --label-column" "CSV width: 5 columns for a 23-input model" \
              "CSV: ragged row" "CSV: non-numeric cell" "CSV: NaN cell" "CSV: empty cell" \
              "CSV: missing data file" "--label-column names no column" "--output-index out of range" \
              "IDX: truncated file" "IDX: row range past the end" \
              "CSV pixels: --input-shape that does not fit"; do
    skip "$name"
  done
fi

# --- good input -----------------------------------------------------------------------------

if have_model; then
  rm -f lime.csv
  "$lfa" explain --model "$model" --data "$points" --label-column last --explainer lime \
    --samples 200 --out lime.csv > stdout.txt 2> stderr.txt
  expect_csv "explain lime on the paper's 100 points (--label-column last)" lime.csv 100 "$points" 23

  rm -f classic.csv
  "$lfa" explain --model "$model" --data five.csv --explainer kernelshap --implementation classic \
    --samples 100 --out classic.csv > stdout.txt 2> stderr.txt
  expect_csv "explain --implementation classic" classic.csv 5 five.csv 23

  rm -f spec.csv
  "$lfa" explain --model "$model" --data five.csv --spec kernelshap_gm.json --out spec.csv \
    > stdout.txt 2> stderr.txt
  expect_csv "explain --spec (KernelSHAP neighbourhood + gradient matching)" spec.csv 5 five.csv 23

  rm -f same.csv
  "$lfa" explain --model "$model" --data five.csv --explainer lime --samples 200 --out same.csv \
    > /dev/null 2>&1
  # Equal up to float rounding (the model sees different batch sizes).
  if [ -f same.csv ] && paste -d, <(tail -n +2 same.csv) <(head -n 6 lime.csv | tail -n +2) |
      awk -F, '{ n = NF / 2; for (i = 1; i <= n; ++i) { d = $i - $(i + n); if (d < 0) d = -d;
                 if (d > 1e-6) exit 1 } } END { exit NR == 5 ? 0 : 1 }'; then
    pass "same seed, same attributions for a point explained alone or among 100"
  else
    fail "same seed, same attributions for a point explained alone or among 100"
  fi
else
  for name in "explain lime on the paper's 100 points (--label-column last)" \
              "explain --implementation classic" "explain --spec" \
              "same seed, same attributions for a point explained alone or among 100"; do
    skip "$name"
  done
fi

[ "$skipped" -eq 0 ] || echo "$skipped case(s) skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
