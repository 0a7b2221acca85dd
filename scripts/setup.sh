#!/usr/bin/env bash
# Installs every Debian package lfa needs (only those missing) and builds it; Open MPI makes the
# build MPI-capable (`mpirun -n K lfa explain ...`, docs/scaling.md). clang and its runtimes
# (libFuzzer, the sanitizers) serve the fuzz build of scripts/test.sh only.
# Idempotent: the second run checks the packages, lets ccache/ninja skip unchanged work, and exits.
#   scripts/setup.sh            # build into ./build (override with LFA_BUILD_DIR)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LFA_BUILD_DIR:-$root/build}"

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libeigen3-dev libceres-dev libboost-random-dev
  nlohmann-json3-dev libcli11-dev zlib1g-dev libpng-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin
  gnuplot-nox
  clang libclang-rt-dev
  dataset-fashion-mnist
  # Python bindings (python/): Debian's Python headers, pybind11, PyTorch for /usr/bin/python3 (the
  # same release as libtorch-dev; numpy comes with it) and pytest for python/tests.
  python3-dev pybind11-dev python3-torch python3-pytest
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

export CCACHE_DIR="${CCACHE_DIR:-$root/.ccache}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
fi
jobs="${LFA_BUILD_JOBS:-$(nproc)}"
cmake --build "$build" -j "$jobs" >&2
