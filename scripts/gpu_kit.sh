#!/usr/bin/env bash
# Builds the GPU kit: everything lfa needs to build and test on a machine that has a CUDA toolkit,
# a compiler, CMake, ninja and a pip PyTorch, but no network and no Debian packages. Run it on a
# Debian 12 (bookworm, amd64) machine that can reach the package archive; run
# scripts/gpu_check.sh on the GPU machine (see that script for how the kit is used there).
#
#   scripts/gpu_kit.sh [KIT_DIR]        # default KIT_DIR: <repo>/.gpu (ignored by git)
#
# What it makes (KIT_DIR is meant to travel with the working tree, so it is kept small):
#   KIT_DIR/prefix.tar.gz      the packages' files, unpacked by gpu_check.sh into KIT_DIR/prefix:
#       prefix/usr/...         headers, CMake configs and libraries of the -dev packages and of the
#                              runtime libraries Ceres, glog, gflags, SuiteSparse, BLAS/LAPACK,
#                              benchmark and libpng load (Debian 12 builds: GCC 12, C++11 ABI)
#       prefix/fallback/       libz, libgomp, libgfortran, libquadmath, liblzma: libraries nearly
#                              every system has; gpu_check.sh puts this folder on the library path
#                              only for those the machine lacks, so the system's newer copies win
#   KIT_DIR/data/lfa-paper/    the paper's models and points (LFA_DATA_DIR=KIT_DIR/data)
#   KIT_DIR/cache/             the zoo models trained on this machine (LFA_CACHE_DIR or ~/.cache/lfa)
#   KIT_DIR/fashion-mnist/     the Fashion-MNIST t10k files only (the 26 MB training images would
#                              push the kit past its size budget; the two tests that need them
#                              skip). LFA_GPU_KIT_FULL_FASHION=1 copies all four files (~51 MB kit).
#   KIT_DIR/MANIFEST.txt       the packages and versions in the kit
#
# How: `apt-get download` (no root, nothing installed) into a cache folder
# (LFA_GPU_KIT_DEBS, default ~/.cache/lfa-gpu-kit-debs), `dpkg -x` into a scratch prefix, then:
#   - Boost: only the headers boost/random's six distributions reach (a textual include closure,
#     plus boost/config, boost/preprocessor and MPL's gcc/plain preprocessed headers whole,
#     because those are included through macros), instead of the 160 MB libboost1.74-dev;
#   - BLAS/LAPACK: Debian's reference libblas3/liblapack3; the update-alternatives links that
#     dpkg -x does not make (libblas.so.3, liblapack.so.3 and the unversioned .so) are made here;
#   - Ceres: CeresTargets.cmake names /usr/lib/.../liblapack.so, libblas.so, libf77blas.so and
#     libatlas.so by absolute path (Debian's build found ATLAS); the copy here names the prefix's
#     liblapack.so and libblas.so instead (libceres.a only calls LAPACK's dgeqrf_, dormqr_,
#     dpotrf_, dpotrs_, dtrtrs_, which the reference libraries provide);
#   - absolute symlinks (zlib1g-dev's libz.so -> /lib/...) are made relative;
#   - documentation and static libraries that no CMake config names are dropped.
# All other CMake configs locate themselves relative to their own folder, so the prefix works
# wherever it is unpacked.
#
# Idempotent: packages already in the cache are not downloaded again, and the tarball is rebuilt
# byte-for-byte the same (sorted, fixed mtime and owner) from the same packages.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kit="${1:-$root/.gpu}"
debs="${LFA_GPU_KIT_DEBS:-$HOME/.cache/lfa-gpu-kit-debs}"
data_src="${LFA_DATA_DIR:-$root/../shared/data}/lfa-paper"
fashion_src="${LFA_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
arch=x86_64-linux-gnu

# Headers, CMake configs and link-time libraries.
dev_packages=(
  libceres-dev libeigen3-dev libgoogle-glog-dev libgflags-dev libunwind-dev libsuitesparse-dev
  nlohmann-json3-dev libcli11-dev zlib1g-dev libpng-dev libgtest-dev libgmock-dev
  libbenchmark-dev
)
# Shared libraries the programs load (through Ceres, glog, gflags, benchmark, libpng).
lib_packages=(
  libgoogle-glog0v6 libgflags2.2 libunwind8
  libcholmod3 libspqr2 libcxsparse3 libamd2 libcamd2 libcolamd2 libccolamd2
  libsuitesparseconfig5 libmetis5 libblas3 liblapack3
  libbenchmark1debian libpng16-16
)
# Libraries most systems already have (see prefix/fallback above).
fallback_packages=(zlib1g libgomp1 libgfortran5 libquadmath0 liblzma5)
boost_package=libboost1.74-dev
boost_roots=(
  boost/random/bernoulli_distribution.hpp boost/random/discrete_distribution.hpp
  boost/random/mersenne_twister.hpp boost/random/normal_distribution.hpp
  boost/random/uniform_int_distribution.hpp boost/random/uniform_real_distribution.hpp
)

if [ "$(dpkg --print-architecture 2>/dev/null)" != amd64 ]; then
  echo "gpu_kit: needs a Debian amd64 machine (dpkg, apt-get)" >&2
  exit 1
fi
[ -d "$data_src" ] || { echo "gpu_kit: no $data_src (set LFA_DATA_DIR)" >&2; exit 1; }

echo "== gpu_kit: packages into $debs"
mkdir -p "$debs"
deb_of() { compgen -G "$debs/${1}_*_*.deb" | sort | tail -n 1; }
missing=()
for p in "${dev_packages[@]}" "${lib_packages[@]}" "${fallback_packages[@]}" "$boost_package"; do
  [ -n "$(deb_of "$p")" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "gpu_kit: downloading ${missing[*]}"
  # apt-get drops privileges to _apt while downloading; let it write the cache folder.
  chmod 777 "$debs" 2>/dev/null || true
  (cd "$debs" && apt-get download -q "${missing[@]}")
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/lfa-gpu-kit.XXXXXX")"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
lib="$prefix/usr/lib/$arch"
mkdir -p "$prefix" "$prefix/fallback"

echo "== gpu_kit: unpacking into a scratch prefix"
manifest="$work/MANIFEST.txt"
{
  echo "# lfa GPU kit: Debian 12 packages unpacked into prefix/ (made by scripts/gpu_kit.sh)"
  echo "# package version role"
} >"$manifest"
for p in "${dev_packages[@]}" "${lib_packages[@]}"; do
  deb="$(deb_of "$p")"
  dpkg -x "$deb" "$prefix"
  role=lib
  [[ " ${dev_packages[*]} " == *" $p "* ]] && role=dev
  echo "$p $(dpkg-deb -f "$deb" Version) $role" >>"$manifest"
done
# Libraries some packages still put under /lib go beside the others.
if [ -d "$prefix/lib/$arch" ]; then
  mkdir -p "$lib"
  cp -a "$prefix/lib/$arch/." "$lib/"
  rm -rf "${prefix:?}/lib"
fi
for p in "${fallback_packages[@]}"; do
  deb="$(deb_of "$p")"
  dpkg -x "$deb" "$work/fallback-stage"
  echo "$p $(dpkg-deb -f "$deb" Version) fallback" >>"$manifest"
done
for d in "$work/fallback-stage/lib/$arch" "$work/fallback-stage/usr/lib/$arch"; do
  [ -d "$d" ] && find "$d" -maxdepth 1 -name 'lib*.so*' -exec cp -a {} "$prefix/fallback/" \;
done

echo "== gpu_kit: Boost headers that boost/random reaches"
deb="$(deb_of "$boost_package")"
dpkg -x "$deb" "$work/boost"
echo "$boost_package $(dpkg-deb -f "$deb" Version) dev (boost/random and what it includes)" \
  >>"$manifest"
mkdir -p "$lib/cmake"
cp -a "$work/boost/usr/lib/$arch/cmake/." "$lib/cmake/"
python3 - "$work/boost/usr/include" "$prefix/usr/include" "${boost_roots[@]}" <<'EOF'
# Copies the headers reachable from the roots by a textual include scan (every <boost/...> token,
# inside #include or #define, and every quoted #include), plus the folders reached through
# computed includes: boost/config, boost/preprocessor, and MPL's gcc and plain preprocessed headers.
import os, re, shutil, sys
src, dst, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
token = re.compile(r'<(boost/[A-Za-z0-9_./-]+\.(?:hpp|h|ipp))>')
quoted = re.compile(r'#\s*include\s*"([^"]+)"')
seen, todo = set(), list(roots)
while todo:
    rel = os.path.normpath(todo.pop())
    if rel in seen or not os.path.isfile(os.path.join(src, rel)):
        continue
    seen.add(rel)
    with open(os.path.join(src, rel), errors='replace') as f:
        text = f.read()
    todo += [m.group(1) for m in token.finditer(text)]
    todo += [os.path.join(os.path.dirname(rel), m.group(1)) for m in quoted.finditer(text)]
files = set(seen)
whole = ['boost/config', 'boost/preprocessor',
         'boost/mpl/aux_/preprocessed/gcc', 'boost/mpl/aux_/preprocessed/plain']
for d in whole:
    if any(f.startswith(d.split('/aux_')[0] + '/') for f in seen):
        for dirpath, _, names in os.walk(os.path.join(src, d)):
            files.update(os.path.relpath(os.path.join(dirpath, n), src) for n in names)
for rel in sorted(files):
    os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
    shutil.copy2(os.path.join(src, rel), os.path.join(dst, rel))
print(f'gpu_kit: {len(seen)} Boost headers reached, {len(files)} copied')
EOF

echo "== gpu_kit: links, Ceres' CMake config, trimming"
# update-alternatives links for the reference BLAS and LAPACK.
ln -sfn blas/libblas.so.3 "$lib/libblas.so.3"
ln -sfn libblas.so.3 "$lib/libblas.so"
ln -sfn lapack/liblapack.so.3 "$lib/liblapack.so.3"
ln -sfn liblapack.so.3 "$lib/liblapack.so"
# Absolute symlinks: point them inside the prefix (or at the fallback copy).
while IFS= read -r -d '' link; do
  target="$(readlink "$link")"
  case "$target" in /*) ;; *) continue ;; esac
  if [ -e "$prefix/usr$target" ] || [ -L "$prefix/usr$target" ]; then
    dest="$prefix/usr$target"
  elif [ -e "$prefix$target" ]; then
    dest="$prefix$target"
  elif [ -e "$prefix/fallback/$(basename "$target")" ]; then
    dest="$prefix/fallback/$(basename "$target")"
  else
    echo "gpu_kit: WARNING: $link -> $target points outside the kit" >&2
    continue
  fi
  ln -sfn "$(realpath --relative-to="$(dirname "$link")" -s "$dest")" "$link"
done < <(find "$prefix" -type l -print0)
ceres_targets="$lib/cmake/Ceres/CeresTargets.cmake"
system_blas="/usr/lib/$arch/liblapack.so;/usr/lib/$arch/libblas.so;/usr/lib/$arch/libf77blas.so"
system_blas+=";/usr/lib/$arch/libatlas.so"
kit_blas="\${_IMPORT_PREFIX}/lib/$arch/liblapack.so;\${_IMPORT_PREFIX}/lib/$arch/libblas.so"
sed -i "s|$system_blas|$kit_blas|" "$ceres_targets"
if grep -q 'libatlas\|/usr/lib/x86_64-linux-gnu/lib' "$ceres_targets"; then
  echo "gpu_kit: CeresTargets.cmake still names system libraries; fix the sed above" >&2
  exit 1
fi
# glog's config adds its find modules (FindUnwind) from a hard-coded /usr/share/glog/cmake.
glog_modules="$lib/cmake/glog/glog-modules.cmake"
sed -i 's|^set (glog_MODULE_PATH "/usr/share/glog/cmake")|get_filename_component (glog_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../../share/glog/cmake" ABSOLUTE)|' "$glog_modules"
if grep -q '"/usr/share/glog' "$glog_modules"; then
  echo "gpu_kit: glog-modules.cmake still names /usr/share/glog; fix the sed above" >&2
  exit 1
fi
rm -rf "$prefix/usr/share/doc" "$prefix/usr/share/man" "$prefix/usr/share/lintian" \
  "$prefix/usr/share/bug" "$prefix/usr/src"
# Static libraries: keep those an exported CMake target names (CMake checks they exist).
keep="$(grep -rhoE '[A-Za-z0-9_.+-]+\.a"' "$lib/cmake" "$prefix/usr/share" 2>/dev/null | tr -d '"' | sort -u)"
for a in "$lib"/*.a; do
  grep -qxF "$(basename "$a")" <<<"$keep" || rm -f "$a"
done
# Development links (libfoo.so) of libraries the kit leaves out (libceres.so: Ceres' CMake config
# links libceres.a; SuiteSparse's KLU, UMFPACK, BTF, LDL, RBio, Mongoose, SLIP_LU: Ceres does not
# use them) point nowhere: drop them. Anything else pointing nowhere is a bug in the steps above.
find "$lib" -maxdepth 1 -name 'lib*.so' -xtype l -print -delete | sed 's|.*/|gpu_kit: dropped link |'
dangling="$(find "$prefix" -xtype l)"
if [ -n "$dangling" ]; then
  echo "gpu_kit: dangling links:" >&2
  echo "$dangling" >&2
  exit 1
fi

echo "== gpu_kit: writing $kit"
mkdir -p "$kit"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" -cf - prefix |
  gzip -9 -n >"$work/prefix.tar.gz"
mv -f "$work/prefix.tar.gz" "$kit/prefix.tar.gz"
rm -rf "$kit/prefix"  # an unpacked copy would travel too; gpu_check.sh unpacks it there
rm -rf "$kit/data.tmp" && mkdir -p "$kit/data.tmp"
cp -a "$data_src" "$kit/data.tmp/lfa-paper"
chmod -R u+w "$kit/data.tmp"
rm -rf "$kit/data" && mv "$kit/data.tmp" "$kit/data"
rm -rf "$kit/fashion-mnist" && mkdir -p "$kit/fashion-mnist"
fashion_files=(t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
if [ "${LFA_GPU_KIT_FULL_FASHION:-0}" = 1 ]; then
  fashion_files+=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz)
fi
for f in "${fashion_files[@]}"; do cp "$fashion_src/$f" "$kit/fashion-mnist/"; done
# The zoo models this machine trained (`lfa study images` or `--model zoo:ARCH` fill the cache), so
# the GPU machine's image stage loads them instead of training.
zoo_cache="${LFA_CACHE_DIR:-$HOME/.cache/lfa}"
rm -rf "$kit/cache" && mkdir -p "$kit/cache"
cp "$zoo_cache"/zoo-*.pt "$kit/cache/" 2>/dev/null || echo "gpu_kit: no zoo models in $zoo_cache" >&2
cp "$manifest" "$kit/MANIFEST.txt"
echo "gpu_kit: done"
du -sh "$kit"/*
echo "gpu_kit: $kit holds $(du -sb "$kit" | cut -f1) bytes"
