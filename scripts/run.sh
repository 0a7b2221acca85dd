#!/usr/bin/env bash
# Sets lfa up (packages + build) and runs it. With no arguments it runs the main job on the built-in
# default: `lfa demo`, which explains the paper's HELOC network with all eight explainers (or a
# built-in analytic model when the paper's data is absent) and writes CSVs under ./out/demo.
# With arguments it runs `lfa ARGS...`, e.g. scripts/run.sh explain --help
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
# LibTorch's OpenMP threads spin while they wait; on a shared or busy machine that makes every
# parallel region several times slower. Passive waiting costs nothing measurable when idle.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if [ -z "${LFA_DATA_DIR:-}" ] && [ -d "$root/../shared/data" ]; then
  export LFA_DATA_DIR="$(cd "$root/../shared/data" && pwd)"
fi
lfa="${LFA_BUILD_DIR:-$root/build}/lfa"
if [ $# -eq 0 ]; then
  exec "$lfa" demo --out "$root/out/demo"
fi
exec "$lfa" "$@"
