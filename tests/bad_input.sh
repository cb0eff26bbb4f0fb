#!/bin/sh
# tests/bad_input.sh -- every broken circuit file in tests/configs/bad/ must
# be rejected with exit code 2, a message naming the file and line (the
# "# expect:" regex on its first line: the whole message, anchored with ^
# and $, so that it matches no other file's message), and no output file
# left behind.
# Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
make_tmp

files=$(ls "$src"/tests/configs/bad/*.cfg)
n=$(echo "$files" | wc -l)
echo "1..$((n + 2))"
i=0
for f in $files; do
  i=$((i + 1))
  name=$(basename "$f")
  expect=$(sed -n '1s/^# expect: //p' "$f")
  out="$tmp/out-$i.h5"
  limit 60 "$bin" run -q "$f" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  msg=$(cat "$tmp/stderr")
  if [ "$rc" -ne 2 ]; then
    echo "not ok $i - $name: exit code $rc, expected 2 ($msg)"
  elif ! grep -Eq -- "$expect" "$tmp/stderr"; then
    echo "not ok $i - $name: message '$msg' does not match '$expect'"
  elif [ -e "$out" ] || [ -e "$out.part" ]; then
    echo "not ok $i - $name: output file left behind"
  else
    echo "ok $i - $name: $msg"
  fi
done

# a missing circuit file
i=$((i + 1))
limit 60 "$bin" run -q "$tmp/absent.cfg" -o "$tmp/x.h5" 2>"$tmp/stderr"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "absent.cfg" "$tmp/stderr" && [ ! -e "$tmp/x.h5" ]; then
  echo "ok $i - missing circuit file"
else
  echo "not ok $i - missing circuit file: rc $rc $(cat "$tmp/stderr")"
fi

# a bad --set override
i=$((i + 1))
limit 60 "$bin" run -q "$src/examples/rate_network/rate_network.cfg" -o "$tmp/y.h5" \
  --set solver.rtol=-1 2>"$tmp/stderr"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "rtol" "$tmp/stderr" && [ ! -e "$tmp/y.h5" ]; then
  echo "ok $i - bad --set value"
else
  echo "not ok $i - bad --set value: rc $rc $(cat "$tmp/stderr")"
fi
