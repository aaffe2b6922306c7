#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fuzzes the TOML parser with libFuzzer for DURATION_SECONDS.
#
#   fuzz/run-fuzz.sh DURATION_SECONDS BUILD_DIR
#
# Compiles src/core/hv-toml.c and fuzz/fuzz-toml.c with clang (-fsanitize=fuzzer,address,undefined)
# into BUILD_DIR/fuzz-toml, seeds a temporary corpus with the toml-test cases (valid and invalid)
# and fuzz/corpus/, and runs. Exits non-zero if the fuzzer finds a crash, a leak, undefined
# behaviour, a timeout (10 s per input) or excessive memory use; the reproducer is left in
# BUILD_DIR as crash-*, leak-*, timeout-* or oom-*. Reproduce with: BUILD_DIR/fuzz-toml FILE
#
# Environment: CLANG (default clang), HV_TOML_TEST_DIR (default ../shared/testdata/toml-test
# beside the repository). Exits 77 (skipped) when clang is not installed.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 DURATION_SECONDS BUILD_DIR" >&2
  exit 2
fi
duration=$1
builddir=$2
case $duration in
  ''|*[!0-9]*)
    echo "run-fuzz.sh: DURATION_SECONDS must be a whole number, not '$duration'" >&2
    exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
clang=${CLANG:-clang}
suite=${HV_TOML_TEST_DIR:-$root/../shared/testdata/toml-test}

if ! command -v "$clang" >/dev/null 2>&1; then
  echo "run-fuzz.sh: $clang not found; install clang (Debian: apt install clang) to fuzz." \
       "Skipping." >&2
  exit 77
fi

mkdir -p "$builddir"
builddir=$(cd "$builddir" && pwd)
exe="$builddir/fuzz-toml"

flags=$(pkg-config --cflags --libs glib-2.0 gobject-2.0 json-glib-1.0)
# shellcheck disable=SC2086 # $flags is a list of words
"$clang" -g -O1 -std=gnu11 \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
  -I"$root/src/core" \
  "$root/src/core/hv-toml.c" "$here/fuzz-toml.c" \
  $flags -o "$exe"

corpus=$(mktemp -d "${TMPDIR:-/tmp}/hv-fuzz-toml.XXXXXX")
trap 'rm -rf "$corpus"' EXIT INT TERM

n=0
if [ -d "$suite/valid" ] && [ -d "$suite/invalid" ]; then
  # Flattened names: valid/string/escapes.toml -> valid_string_escapes.toml
  for f in $(cd "$suite" && find valid invalid -name '*.toml'); do
    cp "$suite/$f" "$corpus/$(echo "$f" | tr '/' '_')"
    n=$((n + 1))
  done
else
  echo "run-fuzz.sh: toml-test suite not found at $suite; seeding from fuzz/corpus only" >&2
fi
for f in "$here"/corpus/*; do
  [ -f "$f" ] && cp "$f" "$corpus/" && n=$((n + 1))
done
echo "run-fuzz.sh: $n seed inputs, fuzzing for $duration s"

cd "$builddir"
# GLib 2.74's slice allocator caches memory, which hides leaks and makes libFuzzer run a leak scan
# after every input; plain malloc avoids both.
G_SLICE=always-malloc \
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$exe" "$corpus" \
  -dict="$here/toml.dict" \
  -max_total_time="$duration" \
  -max_len=65536 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -artifact_prefix="$builddir/" \
  -print_final_stats=1
