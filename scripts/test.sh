#!/usr/bin/env bash
# Sets lfa up (packages + build) and runs the whole test suite with CTest.
# Tests that need the paper's data read LFA_DATA_DIR (default: ../shared/data beside the checkout)
# and skip with a message when it is absent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
