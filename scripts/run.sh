#!/usr/bin/env bash
# Sets lfa up (packages + build) and runs it. With no arguments it runs the main job on the built-in
# default: `lfa demo`, which explains the paper's HELOC network with all eight explainers (or a
# built-in analytic model when the paper's data is absent) and writes CSVs under ./out/demo.
# With arguments it runs `lfa ARGS...`, e.g. scripts/run.sh explain --help
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
lfa="$build/lfa"
if [ $# -eq 0 ]; then
  exec "$lfa" demo --out "$root/out/demo"
fi
exec "$lfa" "$@"
