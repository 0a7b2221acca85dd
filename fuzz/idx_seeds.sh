#!/usr/bin/env bash
# Writes the IDX fuzzer's binary inputs into DIR, byte by byte from their layout (big-endian), so
# that no binary file is committed:
#
#   fuzz/idx_seeds.sh seeds build-fuzz/seeds/idx              # the seeds the fuzzer starts from
#   fuzz/idx_seeds.sh regressions build-fuzz/regressions/idx  # inputs that once failed (replayed)
#
# IDX layout: two zero bytes, the type code (0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32,
# 0x0d float32, 0x0e float64), the number of dimensions, each dimension as a uint32, then the
# elements in row-major order. The seeds cover each type, special values (the type's extremes,
# -0, inf, NaN, subnormal floats), a label file, a truncated body and a gzip-compressed file. The
# regressions are the inputs idx_fuzzer found (docs/testing.md, "Regressions", says what each broke
# and which unit test holds the fix).
set -euo pipefail
[ $# -eq 2 ] && { [ "$1" = seeds ] || [ "$1" = regressions ]; } ||
  { echo "usage: $0 seeds|regressions DIR" >&2; exit 2; }
kind="$1"
dir="$2"
mkdir -p "$dir"

# seed NAME HEX...: writes the bytes given in hexadecimal (spaces allowed) to DIR/NAME.
seed() {
  local name="$1"
  shift
  local hex
  hex="$(printf '%s' "$*" | tr -d ' ')"
  # shellcheck disable=SC2059  # the format is the bytes themselves, as \xHH escapes
  printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" > "$dir/$name"
}

if [ "$kind" = regressions ]; then
  # A 21-byte file whose header declares 116 GB.
  seed declares_116_gb.idx 00000803 01020200 0000023f 0000000c 0d0e0f10 11
  # int8 sizes whose product overflows int64 around a size 0, after it and before it.
  seed zero_size_after_overflowing_sizes.idx \
    00000909 09090909 0400ffff 27000900 00000000 00000080 09090909 09090909 09090909 09090909 \
    09090100 017f00
  seed zero_size_before_overflowing_sizes.idx \
    00000909 09090909 00000000 0400ffff 27000900 00010000 00090909 09090909 09090909 09090909 \
    09090909 09090100 017f00
  exit 0
fi

seed uint8_2x3x3.idx      00000803 00000002 00000003 00000003 000102030405060708090a0b0c0d0e0f1011
seed labels_uint8_4.idx   00000801 00000004 00010209
seed int8_3.idx           00000901 00000003 807f00
seed int16_2x2.idx        00000b02 00000002 00000002 ffff 0002 012c 8000
seed int32_3.idx          00000c01 00000003 00000001 fffffffe 7fffffff
seed float32_2x2.idx      00000d02 00000002 00000002 3f000000 bf800000 7f800000 7f61b1e6
seed float64_1x2x1x2.idx  00000e04 00000001 00000002 00000001 00000002 \
                          3ff0000000000000 8000000000000000 01a56e1fc2f8f359 4004000000000000
# Says 5 x 2 elements, holds 3 bytes of them.
seed truncated.idx        00000802 00000005 00000002 000000
seed uint8_2x2.idx        00000802 00000002 00000002 01020304
gzip -n -9 -c "$dir/uint8_2x2.idx" > "$dir/gzip_uint8_2x2.idx.gz"
rm "$dir/uint8_2x2.idx"
