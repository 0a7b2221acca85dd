#!/usr/bin/env bash
# Builds lfa and runs its tests and the bench on a GPU machine that has a CUDA toolkit, g++, CMake,
# ninja and a pip PyTorch (LibTorch from `torch.utils.cmake_prefix_path`), but no network and no
# Debian packages. The other dependencies come from the kit that scripts/gpu_kit.sh makes on a
# Debian 12 machine in .gpu/ (ignored by git; carry it with the working tree):
#   .gpu/prefix.tar.gz    Ceres, glog, gflags, SuiteSparse, BLAS/LAPACK, Eigen, Boost (boost/random
#                         subset), nlohmann_json, CLI11, zlib, libpng, GoogleTest, Google Benchmark;
#                         unpacked here into .gpu/prefix on first use
#   .gpu/data/lfa-paper/  the paper's models and points (LFA_DATA_DIR)
#   .gpu/fashion-mnist/   Fashion-MNIST t10k files (LFA_FASHION_MNIST_DIR)
#
#   bash scripts/gpu_check.sh          # from the repository root (any folder works)
#
# Stages: 0 unpack the kit, 1 report the machine (GPU, compilers, torch and its C++ ABI), 2 configure
# a Release Ninja build in build-gpu/ that takes everything but Torch from the kit, 3 build lfa,
# lfa_tests and lfa_benchmarks, 4 run the whole lfa_tests (OracleTest.CudaGivesTheCpuNumbers and
# CounterRandom.CudaGivesTheCpuDraws must run, not skip), 5 run `lfa bench` on the CPU and with --device cuda, 6 images (when the kit holds
# the Fashion-MNIST training files and a zoo cache in .gpu/cache): the CNN bench on cpu and cuda and
# `lfa study images --device cuda`. A failing stage is reported
# and the later stages still run where they can; the summary at the end lists what failed and the
# exit status is 1 if anything did.
# Logs and results go to $OUT when it is set (else build-gpu/check/): machine.txt, configure.log,
# build.log, tests.log, tests.xml, bench_cpu.txt/.csv, bench_cuda.txt/.csv, summary.txt.
#
# Knobs (environment): LFA_GPU_KIT (default .gpu), LFA_PYTHON (python with torch; default
# /opt/torch/.venv/bin/python3, else python3), LFA_TORCH_CMAKE_PREFIX (skip asking python),
# LFA_GPU_BUILD_DIR (default build-gpu), LFA_GPU_CHECK_STOP_AFTER=configure|build|tests,
# LFA_BENCH_ARGS (extra `lfa bench` flags), LFA_BENCH_TIMEOUT (seconds per bench run, default 180).
#
# WARNING: the kit's C++ libraries (Ceres, glog, gflags, GoogleTest, benchmark) are Debian 12 builds
# (GCC 12, _GLIBCXX_USE_CXX11_ABI=1, glibc >= 2.34, libstdc++ >= GCC 12). They link only with a
# LibTorch built with the same C++11 ABI (pip wheels are since PyTorch 2.7); stage 1 prints
# torch._C._GLIBCXX_USE_CXX11_ABI and warns when it is False.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
kit="${LFA_GPU_KIT:-$root/.gpu}"
prefix="$kit/prefix"
arch=x86_64-linux-gnu
lib="$prefix/usr/lib/$arch"
build="${LFA_GPU_BUILD_DIR:-$root/build-gpu}"
out="${OUT:-$build/check}"
stop_after="${LFA_GPU_CHECK_STOP_AFTER:-}"
bench_timeout="${LFA_BENCH_TIMEOUT:-180}"
mkdir -p "$out"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # as scripts/env.sh
export CMAKE_POLICY_VERSION_MINIMUM="${CMAKE_POLICY_VERSION_MINIMUM:-3.5}"  # CMake 4 and old configs
# A one-off build: no ccache (its default cache folder may not be writable there).
export CCACHE_DISABLE=1
# lfa compiles no CUDA code; an explicit list spares Torch's CMake config its GPU probe (sm_90: H100).
export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}"

failures=()
notes=()
fail() { failures+=("$1"); echo "!!!!! FAILED: $1"; }
stage() { echo; echo "===== stage $1 ($(date +%T))"; }
summary() {
  {
    echo
    echo "===== summary"
    for n in "${notes[@]}"; do echo "  note: $n"; done
    if [ ${#failures[@]} -eq 0 ]; then
      echo "  all stages passed"
    else
      for f in "${failures[@]}"; do echo "  FAILED: $f"; done
    fi
    echo "  logs: $out"
  } | tee "$out/summary.txt"
  [ ${#failures[@]} -eq 0 ]
}
stopping_after() {
  if [ "$stop_after" = "$1" ]; then
    notes+=("stopped after $1 (LFA_GPU_CHECK_STOP_AFTER)")
    summary
    exit $?
  fi
}

stage "0: unpack the kit into .gpu/prefix"
if [ ! -f "$kit/prefix.tar.gz" ]; then
  echo "no $kit/prefix.tar.gz: make the kit with scripts/gpu_kit.sh on a Debian 12 machine and carry .gpu"
  exit 1
fi
if [ ! -f "$prefix/.unpacked" ] || [ "$kit/prefix.tar.gz" -nt "$prefix/.unpacked" ]; then
  rm -rf "$prefix"
  tar -xzf "$kit/prefix.tar.gz" -C "$kit"
  touch "$prefix/.unpacked"
fi
[ -f "$kit/MANIFEST.txt" ] && grep -v '^#' "$kit/MANIFEST.txt" | awk '{print $1}' | tr '\n' ' '
echo
# Libraries nearly every system has (zlib, libgomp, libgfortran, libquadmath, liblzma) come from the
# kit only where the system lacks them, so the system's own (usually newer) copies are used.
fallback_active="$build/fallback-libs"
rm -rf "$fallback_active" && mkdir -p "$fallback_active"
ldconfig_cmd="$(command -v ldconfig || echo /sbin/ldconfig)"
system_libs="$("$ldconfig_cmd" -p 2>/dev/null || true)"
for soname in libz.so.1 libgomp.so.1 libgfortran.so.5 libquadmath.so.0 liblzma.so.5; do
  if ! grep -q "^[[:space:]]*$soname (libc6,x86-64)" <<<"$system_libs"; then
    ln -s "$prefix/fallback/$soname" "$fallback_active/$soname"
    notes+=("$soname from the kit (not on this system)")
  fi
done
runtime_path="$lib:$fallback_active"
run_env=(env "LD_LIBRARY_PATH=$runtime_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")

stage "1: the machine"
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
python="${LFA_PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x /opt/torch/.venv/bin/python3 ]; then python=/opt/torch/.venv/bin/python3; else python=python3; fi
fi
{
  echo "nvidia-smi -L:"; nvidia-smi -L 2>&1 || echo "(nvidia-smi failed)"
  echo "g++: $(g++ --version | head -n 1)"
  echo "cmake: $(cmake --version | head -n 1)"
  echo "ninja: $(ninja --version 2>&1 || echo missing)"
  echo "nvcc: $(nvcc --version 2>&1 | tail -n 1 || echo missing)"
  echo "glibc: $(ldd --version 2>&1 | head -n 1)"
  echo "nproc: $(nproc)"
  echo "python: $python"
} 2>&1 | tee "$out/machine.txt"
torch_cmake="${LFA_TORCH_CMAKE_PREFIX:-}"
if [ -z "$torch_cmake" ]; then
  torch_info="$("$python" -c '
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "cuda available", torch.cuda.is_available(),
      "devices", torch.cuda.device_count())
print("torch._C._GLIBCXX_USE_CXX11_ABI", torch._C._GLIBCXX_USE_CXX11_ABI)
print("cmake_prefix_path=" + torch.utils.cmake_prefix_path)' 2>&1)" ||
    { echo "$torch_info"; fail "$python cannot import torch"; summary; exit 1; }
  grep -v '^cmake_prefix_path=' <<<"$torch_info" | tee -a "$out/machine.txt"
  torch_cmake="$(sed -n 's/^cmake_prefix_path=//p' <<<"$torch_info")"
  if grep -q "_GLIBCXX_USE_CXX11_ABI False" <<<"$torch_info"; then
    notes+=("torch uses the old C++ ABI: linking with the kit's GCC 12 libraries will fail")
    echo "WARNING: this torch is built with _GLIBCXX_USE_CXX11_ABI=0; the kit's libraries use 1"
  fi
fi
echo "torch cmake prefix: $torch_cmake" | tee -a "$out/machine.txt"

stage "2: configure $build"
configure=(
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
  "-DCMAKE_PREFIX_PATH=$prefix/usr;$lib/cmake;$torch_cmake"
  "-DCMAKE_LIBRARY_PATH=$lib" "-DCMAKE_INCLUDE_PATH=$prefix/usr/include"
  "-DCeres_DIR=$lib/cmake/Ceres" "-Dglog_DIR=$lib/cmake/glog" "-Dgflags_DIR=$lib/cmake/gflags"
  "-DEigen3_DIR=$prefix/usr/share/eigen3/cmake" "-DGTest_DIR=$lib/cmake/GTest"
  "-Dbenchmark_DIR=$lib/cmake/benchmark" "-Dnlohmann_json_DIR=$prefix/usr/share/cmake/nlohmann_json"
  "-DCLI11_DIR=$prefix/usr/share/cmake/CLI11" "-DBoost_DIR=$lib/cmake/Boost-1.74.0"
  "-DBoost_INCLUDE_DIR=$prefix/usr/include"
  "-DZLIB_INCLUDE_DIR=$prefix/usr/include" "-DZLIB_LIBRARY=$lib/libz.so"
  "-DPNG_PNG_INCLUDE_DIR=$prefix/usr/include" "-DPNG_LIBRARY=$lib/libpng16.so"
  -DBLA_VENDOR=Generic
  # The kit's shared libraries need each other (libcholmod -> libmetis, liblapack -> libgfortran).
  "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-rpath-link,$lib:$prefix/fallback"
)
configured=0
if "${configure[@]}" >"$out/configure.log" 2>&1; then
  configured=1
  found='(Ceres|glog|gflags|Eigen3|GTest|benchmark|Boost|Torch)_DIR|(ZLIB|PNG|BLAS_[a-z]+|LAPACK_[a-z]+)_LIBRARY'
  grep -E "^($found|CMAKE_CXX_COMPILER):" "$build/CMakeCache.txt" || true
else
  tail -n 60 "$out/configure.log"
  fail "configure (see configure.log)"
fi
stopping_after configure

stage "3: build lfa lfa_tests lfa_benchmarks (-j$(nproc))"
if [ $configured -eq 1 ]; then
  start=$SECONDS
  # -k 0: a failing target does not stop the others.
  if cmake --build "$build" -j "$(nproc)" --target lfa lfa_tests lfa_benchmarks -- -k 0 \
      >"$out/build.log" 2>&1; then
    echo "built in $((SECONDS - start)) s"
  else
    echo "--- first errors:"
    grep -m 15 -E 'error:|undefined reference|cannot find|not found' "$out/build.log" || true
    echo "--- last 60 lines:"
    tail -n 60 "$out/build.log"
    fail "build (see build.log)"
  fi
  for t in lfa lfa_tests lfa_benchmarks; do
    [ -x "$build/$t" ] && echo "$t: ok" || echo "$t: NOT BUILT"
  done
fi
stopping_after build

stage "4: lfa_tests (all; the CUDA test must run)"
if [ -x "$build/lfa_tests" ]; then
  rc=0
  LFA_DATA_DIR="$kit/data" LFA_FASHION_MNIST_DIR="$kit/fashion-mnist" LFA_SOURCE_DIR="$root" \
    "${run_env[@]}" "$build/lfa_tests" --gtest_output="xml:$out/tests.xml" >"$out/tests.log" 2>&1 ||
    rc=$?
  # GoogleTest's closing lines: the counts, then every failed and skipped test by name.
  sed -n '/^\[==========\] .* ran\./,$p' "$out/tests.log" | head -n 40
  counts="$(grep -E '^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ tests?' "$out/tests.log" |
    tr -s ' ' | tr '\n' ' ' || true)"
  notes+=("lfa_tests: ${counts:-no counts (crashed?)}")
  [ $rc -eq 0 ] || { tail -n 40 "$out/tests.log"; fail "lfa_tests exit status $rc (see tests.log)"; }
  # A crash (signal) stops GoogleTest at the crashing test: record its backtrace (cuda-gdb also
  # debugs host code) and run every other test, so one crash does not hide the rest.
  crashed=""
  if [ $rc -gt 128 ]; then
    crashed="$(grep -E '^\[ RUN      \] ' "$out/tests.log" | tail -n 1 | awk '{print $NF}')"
  fi
  if [ -n "$crashed" ]; then
    echo "--- crashed in $crashed; backtrace:"
    if command -v cuda-gdb >/dev/null; then
      LFA_DATA_DIR="$kit/data" LFA_FASHION_MNIST_DIR="$kit/fashion-mnist" LFA_SOURCE_DIR="$root" \
        timeout 120 "${run_env[@]}" cuda-gdb -batch -ex run -ex bt --args "$build/lfa_tests" \
        --gtest_filter="$crashed" >"$out/crash_backtrace.txt" 2>&1 || true
      grep -E '^#[0-9]+' "$out/crash_backtrace.txt" | head -n 25 || tail -n 25 "$out/crash_backtrace.txt"
    fi
    rc=0
    LFA_DATA_DIR="$kit/data" LFA_FASHION_MNIST_DIR="$kit/fashion-mnist" LFA_SOURCE_DIR="$root" \
      "${run_env[@]}" "$build/lfa_tests" --gtest_filter="-$crashed" >>"$out/tests.log" 2>&1 || rc=$?
    counts="$(grep -E '^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ tests?' "$out/tests.log" |
      tr -s ' ' | tr '\n' ' ' || true)"
    notes+=("lfa_tests without $crashed: exit $rc, ${counts:-no counts}")
    sed -n '/^\[==========\] .* ran\./,$p' "$out/tests.log" | tail -n 20
  fi
  # The CUDA checks that skip on a CPU-only machine must run here: the Oracle's numbers and the
  # counter-based random draws (framework/counter_random.h) on the device.
  for cuda_test in OracleTest.CudaGivesTheCpuNumbers CounterRandom.CudaGivesTheCpuDraws; do
    if grep -q "^\[       OK \] $cuda_test" "$out/tests.log"; then
      echo "$cuda_test: ran and passed"
      notes+=("$cuda_test ran and passed")
    else
      sed -n "/^\[ RUN      \] $cuda_test/,/^\[ *[A-Z]* *\] $cuda_test/p" "$out/tests.log" | head -n 30
      fail "$cuda_test did not run and pass"
    fi
  done
else
  fail "no lfa_tests binary to run"
fi
stopping_after tests

stage "5: lfa bench on cpu and cuda"
if [ -x "$build/lfa" ]; then
  for device in cpu cuda; do
    echo "--- lfa bench --device $device ${LFA_BENCH_ARGS:-}"
    rc=0
    # shellcheck disable=SC2086  # LFA_BENCH_ARGS is a list of flags
    LFA_DATA_DIR="$kit/data" timeout "$bench_timeout" "${run_env[@]}" "$build/lfa" bench \
      --device "$device" --out "$out/bench_$device.csv" ${LFA_BENCH_ARGS:-} \
      >"$out/bench_$device.txt" 2>&1 || rc=$?
    tail -n 20 "$out/bench_$device.txt"
    if [ $rc -eq 0 ]; then
      notes+=("bench $device: $(grep -E '^total ' "$out/bench_$device.txt" | tr -s ' ') s")
    else
      fail "lfa bench --device $device exit status $rc"
    fi
  done
else
  fail "no lfa binary to bench"
fi

stage "6: images: the CNN bench on cpu and cuda, lfa study images on cuda"
fashion="$kit/fashion-mnist"
if [ -x "$build/lfa" ] && [ -f "$fashion/train-images-idx3-ubyte.gz" ]; then
  # The zoo cache in the kit (copied from a machine that trained the models) spares the training.
  image_env=("${run_env[@]}" "LFA_FASHION_MNIST_DIR=$fashion" "LFA_CACHE_DIR=$kit/cache")
  for device in cpu cuda; do
    rc=0
    # The CPU pass explains fewer images: 100 took over 3 minutes on the GPU machine's CPU.
    rows=0:100
    [ "$device" = cpu ] && rows=0:10
    timeout "$bench_timeout" "${image_env[@]}" "$build/lfa" bench --model zoo:cnn \
      --data "$fashion/t10k-images-idx3-ubyte.gz" --rows "$rows" --patch 4 --repeats 3 \
      --device "$device" --out "$out/bench_cnn_$device.csv" >"$out/bench_cnn_$device.txt" 2>&1 || rc=$?
    tail -n 12 "$out/bench_cnn_$device.txt"
    [ $rc -eq 0 ] || fail "lfa bench zoo:cnn --device $device exit status $rc"
  done
  rc=0
  start=$(date +%s)
  timeout "${LFA_STUDY_TIMEOUT:-300}" "${image_env[@]}" "$build/lfa" study images --device cuda \
    --out "$out/study" >"$out/study.txt" 2>&1 || rc=$?
  tail -n 5 "$out/study.txt"
  if [ $rc -eq 0 ]; then
    notes+=("study images --device cuda: $(( $(date +%s) - start )) s")
  else
    fail "lfa study images --device cuda exit status $rc"
  fi
else
  notes+=("images skipped: no lfa binary or no Fashion-MNIST training files in $fashion")
fi

summary
