#!/bin/sh
# tests/outpath.sh -- where a run may write: the output must be a regular
# file or absent, in an existing writable directory.  A directory, a fifo,
# a device, a symbolic link to one of those, or a missing directory is
# refused before the run: exit 2, a message naming the path, and nothing
# created (no .part, the device or fifo untouched).  Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
make_tmp
plan 9
log=$(mktemp -d)
trap 'rm -rf "$tmp" "$log"' EXIT

q="$src/examples/rate_network/rate_network.cfg"
mkdir "$tmp/dir" && mkfifo "$tmp/fifo" && ln -s "$tmp/dir" "$tmp/to-dir" \
  && ln -s /dev/null "$tmp/to-null" && mkdir "$tmp/sub" \
  && ln -s /dev/null "$tmp/sub/x.h5.part" \
  || { echo "Bail out! cannot make the fixtures in $tmp"; exit 1; }
# a device node of our own where mknod is permitted (root), else /dev/null
# itself, which credo must refuse without writing
dev=/dev/null
mknod "$tmp/null" c 1 3 2>/dev/null && dev=$tmp/null

# refused OUT WHAT REGEX: the run exits 2 with REGEX in its message, within
# a second (the run itself would take longer), and leaves the directory as
# it was (its `..` lines aside: /tmp changes with whatever else runs)
refused () {
  # -A, not -a: '..' is /tmp, which tests running at once change
  before=$(ls -lA "$tmp" "$tmp/dir" "$tmp/sub" | sort)
  # duration 1e6 ms: accepted output would make this time out
  limit 20 "$bin" run -q "$q" -o "$1" --set duration=1e6 >"$log/out" 2>"$log/err"
  rc=$?
  after=$(ls -lA "$tmp" "$tmp/dir" "$tmp/sub" | sort)
  if [ $rc -eq 2 ] && grep -qE -- "$3" "$log/err" \
     && [ "$before" = "$after" ]; then
    ok "$2 refused: $(cat "$log/err")"
  else
    same=unchanged
    [ "$before" = "$after" ] || same=changed
    notok "$2: rc $rc, directory $same, $(cat "$log/err")"
  fi
}

refused "$tmp/dir" "-o DIR" "^credo: $tmp/dir: the output is a directory "
refused "$tmp/fifo" "-o FIFO" "^credo: $tmp/fifo: the output is a fifo "
refused "$dev" "-o a device ($dev)" "^credo: $dev: the output is a device "
refused "$tmp/to-dir" "-o a symlink to a directory" \
  "^credo: $tmp/to-dir: the output is a directory "
refused "$tmp/to-null" "-o a symlink to /dev/null" \
  "^credo: $tmp/to-null: the output is a device "
refused "$tmp/sub/x.h5" "OUT.part a symlink to /dev/null" \
  "^credo: $tmp/sub/x.h5: $tmp/sub/x.h5.part is a symbolic link "
refused "$tmp/none/x.h5" "-o in a missing directory" \
  "^credo: $tmp/none/x.h5: cannot create the output: directory $tmp/none: "
refused "$tmp/fifo/x.h5" "-o under a file" \
  "^credo: $tmp/fifo/x.h5: cannot use as output: Not a directory"

# output.path of the config is checked the same way
sed "s|^output = .*|output = { path = \"$tmp/dir\"; };|" "$q" >"$log/o.cfg"
limit 20 "$bin" run -q "$log/o.cfg" --set duration=1e6 >"$log/out" 2>"$log/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "$tmp/dir: the output is a directory" "$log/err"; then
  ok "output.path naming a directory refused"
else
  notok "output.path: rc $rc, $(cat "$log/err")"
fi
