#!/bin/sh
# tools/bench/record_throughput.sh -- builds tools/bench/record_throughput.c
# against the freshly built libcredo and runs it: credo recording 2000 units
# x 10 000 samples of float64 to HDF5 against a raw write(2) + fsync of the
# same 160 MB in the same directory, at output.compression 0 and 4.
#
# Run from the top of the source tree after `make`:
#   tools/bench/record_throughput.sh
# Environment: CREDO_SRCDIR, CREDO_BUILDDIR (as for `make check`), CC,
# BENCH_REPEAT (default 5, as the disk is noisy; the median run is
# reported), BENCH_DIR (where the files are written, in a fresh
# subdirectory; default $TMPDIR or /tmp -- on a tmpfs fsync costs nothing
# and only the CPU overhead is compared: point BENCH_DIR at a disk).
# Needs 2 x 160 MB free.  A benchmark, not a test: `make check` does not
# run it.
set -eu

src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${CREDO_BUILDDIR:-$src}
lib=$build/.libs
repeat=${BENCH_REPEAT:-5}
cc=${CC:-gcc}

if [ ! -e "$lib/libcredo.so" ]; then
  echo "record_throughput: $lib/libcredo.so not found; run make first" >&2
  exit 2
fi
bin=$(mktemp -d "${TMPDIR:-/tmp}/credo-bench-bin.XXXXXX")
data=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/credo-bench-data.XXXXXX")
trap 'rm -rf "$bin" "$data"' EXIT
trap 'exit 130' INT TERM

# the project's flags (Makefile.am: AM_CPPFLAGS, AM_CFLAGS; configure's
# CFLAGS and warnings), linked to the uninstalled library
# shellcheck disable=SC2046 # pkg-config output is a list of flags
"$cc" -std=gnu11 -g -O2 -Wall -Wextra -Wshadow -Wno-unused-parameter \
  -I"$src/include" -I"$src/src" -I"$build" \
  $(pkg-config --cflags hdf5-serial gsl libconfig 2>/dev/null || true) \
  "$src/tools/bench/record_throughput.c" \
  -L"$lib" -lcredo -Wl,-rpath,"$lib" -o "$bin/record_throughput"

fs=$(df --output=source,fstype "$data" | awk 'NR == 2 { print $1 " (" $2 ")" }')
echo "credo record throughput: $(date -u '+%Y-%m-%d %H:%M UTC')," \
     "$(nproc) CPUs, files on $fs"
if [ "$(df --output=fstype "$data" | tail -1)" = tmpfs ]; then
  echo "  (tmpfs: fsync is free here; set BENCH_DIR to a directory on disk)"
fi
echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
"$bin/record_throughput" "$data" "$repeat"
echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
