#!/bin/sh
# tests/limits.sh -- --max-samples and --max-memory (credo run and check):
# malformed values are usage errors; a spec beyond a limit is refused
# before the run with the line and the figure (exit 2, no output file),
# each within seconds; a spec within the limits runs.  Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
make_tmp
plan 9

cat > "$tmp/c.cfg" <<'CFG'
duration = 100.0;
populations = {
  x = { model = "input"; size = 1000; };
  h = { model = "rate"; size = 1000; params = { tau = 10.0; }; };
};
projections = ( { name = "w"; from = "x"; to = "h"; gain = 0.1; } );
stimuli = ( { to = "x"; kind = "constant"; value = 1.0; } );
record = ( { what = "h.u"; every = 0.01; units = [0, 1]; } );
CFG

# refused NAME EXIT REGEX ARGS...: `credo ARGS` exits EXIT within 20 s with
# REGEX on stderr and leaves no output file
refused () {
  name=$1; want=$2; re=$3; shift 3
  limit 20 "$bin" "$@" >/dev/null 2>"$tmp/err"
  rc=$?
  if [ $rc -eq "$want" ] && grep -Eq -- "$re" "$tmp/err" \
     && [ ! -e "$tmp/o.h5" ] && [ ! -e "$tmp/o.h5.part" ]; then
    ok "$name: exit $rc, $(head -1 "$tmp/err")"
  else
    notok "$name: exit $rc (want $want), $(head -3 "$tmp/err")"
  fi
}

refused "--max-samples 0" 2 "^credo: --max-samples needs a number > 0, got '0'$" \
  check "$tmp/c.cfg" --max-samples 0
refused "--max-samples abc" 2 "^credo: --max-samples needs a number > 0, got 'abc'$" \
  run "$tmp/c.cfg" -o "$tmp/o.h5" --max-samples abc
refused "--max-memory 1X" 2 "^credo: --max-memory needs a number > 0 of bytes .*, got '1X'$" \
  run "$tmp/c.cfg" -o "$tmp/o.h5" --max-memory 1X
refused "--max-memory -5M" 2 "^credo: --max-memory needs a number > 0 of bytes .*, got '-5M'$" \
  check "$tmp/c.cfg" --max-memory -5M
refused "--max-samples inf" 2 "^credo: --max-samples needs a number > 0, got 'inf'$" \
  check "$tmp/c.cfg" --max-samples inf
refused "10 000 samples over --max-samples 1000" 2 \
  "c\.cfg:8: 'every' = 0\.01 ms gives 1e\+04 samples in \[0, 100\] ms; at most 1000 are allowed \(--max-samples\)$" \
  run "$tmp/c.cfg" -o "$tmp/o.h5" --max-samples 1000
refused "8 MB of weights over --max-memory 1M" 2 \
  "c\.cfg:6: dense projection 'w' \(1000 x 1000\) needs 0\.008 GB for its weights; the limit \(--max-memory\) is 0\.00105 GB$" \
  run "$tmp/c.cfg" -o "$tmp/o.h5" --max-memory 1M
refused "--max-memory 4k is not a suffix" 2 "got '4k'$" \
  check "$tmp/c.cfg" --max-memory 4k

if limit 60 "$bin" run -q "$tmp/c.cfg" -o "$tmp/ok.h5" --max-samples 1e4 \
     --max-memory 9M 2>"$tmp/err" && [ -e "$tmp/ok.h5" ]; then
  ok "within --max-samples 1e4 and --max-memory 9M the run goes"
else
  notok "within the limits: $(head -3 "$tmp/err")"
fi
