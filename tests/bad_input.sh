#!/bin/sh
# tests/bad_input.sh -- every broken circuit file in tests/configs/bad/ must
# be rejected with exit code 2, a message naming the file and line (the
# "# expect:" regex on its first line: the whole message, anchored with ^
# and $, so that it matches no other file's message), and no output file
# left behind.  The idx_*.cfg configs name IDX files under idx/, which
# this script writes (tiny, with printf and gzip: no data package needed)
# into a scratch copy of the directory, where those configs run.
# Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
make_tmp

# idx_fixtures DIR: the IDX files of the idx_*.cfg configs in DIR/idx/:
# 3 images of 2 x 2 (magic 0x00000803) and their 3 labels (0x00000801),
# 2 labels, images cut short, a wrong magic, a corrupt gzip stream.
idx_fixtures () {
  mkdir -p "$1/idx" && cd "$1/idx" || return 1
  hdr3='\000\000\010\003\000\000\000\003\000\000\000\002\000\000\000\002'
  px='\000\077\177\377\001\002\003\004\010\020\040\100'
  printf "$hdr3$px" > images-idx3-ubyte
  printf '\000\000\010\001\000\000\000\003\002\000\011' > labels-idx1-ubyte
  printf '\000\000\010\001\000\000\000\002\002\000' > two-labels-idx1-ubyte
  printf "$hdr3"'\000\077\177\377\001\002\003' > short-idx3-ubyte
  printf '\000\000\011\003\000\000\000\003\000\000\000\002\000\000\000\002' > magic-idx3-ubyte
  # a reserved block type right after gzip's 10-byte header
  gzip -n -c images-idx3-ubyte > corrupt-idx3-ubyte.gz
  printf '\377' | dd of=corrupt-idx3-ubyte.gz bs=1 seek=10 conv=notrunc 2>/dev/null
  cd - >/dev/null
}
mkdir "$tmp/bad" && cp "$src"/tests/configs/bad/idx_*.cfg "$tmp/bad/" \
  && idx_fixtures "$tmp/bad" \
  || { echo "Bail out! cannot write the IDX fixtures in $tmp/bad"; exit 1; }

files=$(ls "$src"/tests/configs/bad/*.cfg)
n=$(echo "$files" | wc -l)
echo "1..$((n + 2))"
i=0
for f in $files; do
  i=$((i + 1))
  name=$(basename "$f")
  case $name in idx_*) f="$tmp/bad/$name" ;; esac
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
