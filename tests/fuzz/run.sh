#!/bin/sh
# tests/fuzz/run.sh -- `make fuzz`: builds the libFuzzer harnesses of
# tests/fuzz/ (clang, -fsanitize=fuzzer,address,undefined) in a copy of the
# tree and runs each for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]
#
# SECONDS per harness (default $FUZZ_SECONDS or 60); HARNESS among spec, csv,
# h5 (default all).  The copy, the corpora (seeded from examples/ and
# tests/configs/) and any crash, leak or timeout input (artifacts/) live in
# $FUZZ_DIR (default tests/fuzz/work, not tracked), kept between runs so
# that each run continues the last.  libconfig's own leak after a syntax
# error is suppressed (tests/lsan.supp).  Exit status: 0 when no harness
# found anything, 1 otherwise (its input is in artifacts/), 2 when clang
# or libFuzzer is missing (tools/setup --fuzz installs clang).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-${FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
harnesses=${*:-spec csv h5}
work=${FUZZ_DIR:-$src/tests/fuzz/work}
cc=${FUZZ_CC:-clang}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
flags="-g -O1 -fno-omit-frame-pointer $san"
jobs=${FUZZ_JOBS:-2}

if ! echo 'int LLVMFuzzerTestOneInput (const char *d, unsigned long n) { return 0; }' \
     | "$cc" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
  echo "make fuzz: $cc cannot build a libFuzzer program (tools/setup --fuzz installs clang)" >&2
  exit 2
fi
mkdir -p "$work/tree" "$work/artifacts" || exit 2

# the tree, copied with its mtimes so that make rebuilds what changed only
(cd "$src" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) \
  | tar -C "$work/tree" -xf - || exit 2
cd "$work/tree" || exit 2
if [ ! -f config.status ] || [ configure.ac -nt config.status ]; then
  { autoreconf -fi && ./configure -q CC="$cc" --disable-shared \
      CFLAGS="$flags -fsanitize=fuzzer-no-link"; } >build.log 2>&1 \
    || { tail -20 build.log; exit 2; }
fi
make -s -j"$jobs" libcredo.la >build.log 2>&1 || { tail -20 build.log; exit 2; }
cppflags=$(sed -n 's/^CPPFLAGS = //p; s/^HDF5_CFLAGS = //p; s/^LIBCONFIG_CFLAGS = //p' Makefile | tr '\n' ' ')

# seeds NAME DIR: the inputs a harness starts from
seeds () {
  mkdir -p "$2"
  case $1 in
    # not the configs that read the real Fashion-MNIST files: 47 MB under
    # ASan take longer than the timeout and find nothing
    spec) grep -L /usr/share/datasets "$src"/examples/*/*.cfg \
            "$src"/tests/configs/good/*.cfg "$src"/tests/configs/bad/*.cfg \
            | while read -r f; do cp "$f" "$2"/; done ;;
    csv) find "$src/examples" "$src/tests/configs" -name '*.csv' \
           -exec cp {} "$2"/ \; ;;
    h5) cp "$src"/examples/*/*.h5 "$src"/tests/configs/bad/*.h5 "$2"/ ;;
  esac
}

LSAN_OPTIONS=suppressions=$src/tests/lsan.supp:print_suppressions=0
# allocator_may_return_null: a huge malloc fails as it would outside ASan
# (HDF5 asks for 100 TB on some corrupt headers, and copes with NULL)
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS ASAN_OPTIONS UBSAN_OPTIONS
status=0
for h in $harnesses; do
  ./libtool --silent --tag=CC --mode=link "$cc" $flags -fsanitize=fuzzer \
    -I. -Iinclude -Isrc $cppflags -o "fuzz_$h" "$src/tests/fuzz/fuzz_$h.c" \
    libcredo.la >>build.log 2>&1 || { tail -20 build.log; exit 2; }
  seeds "$h" "$work/seeds/$h"
  mkdir -p "$work/corpus/$h"
  dict=
  [ -f "$src/tests/fuzz/$h.dict" ] && dict=-dict=$src/tests/fuzz/$h.dict
  echo "make fuzz: $h for $secs s"
  # shellcheck disable=SC2086
  (cd "$work" && "$work/tree/fuzz_$h" -max_total_time="$secs" -timeout=10 \
     -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 $dict \
     -artifact_prefix="$work/artifacts/$h-" "corpus/$h" "seeds/$h") \
     >"$work/$h.log" 2>&1
  rc=$?
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)" \
    "$work/$h.log" | sed "s/^/  $h: /"
  if [ $rc -ne 0 ]; then
    status=1
    echo "make fuzz: $h FOUND SOMETHING (exit $rc): $work/$h.log" >&2
    grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error)" "$work/$h.log" \
      | head -5 >&2
  fi
done
exit $status
