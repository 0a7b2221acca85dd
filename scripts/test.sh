#!/usr/bin/env bash
# Sets lfa up (packages + build) and runs the whole test suite with CTest.
# Tests that need the paper's data read LFA_DATA_DIR (default: ../shared/data beside the checkout)
# and skip with a message when it is absent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
# LibTorch's OpenMP threads spin while they wait; on a shared or busy machine that makes every
# parallel region several times slower. Passive waiting costs nothing measurable when idle.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if [ -z "${LFA_DATA_DIR:-}" ] && [ -d "$root/../shared/data" ]; then
  export LFA_DATA_DIR="$(cd "$root/../shared/data" && pwd)"
fi
build="${LFA_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
