#!/bin/sh
# tests/aeif.sh -- the aeif model (Brette & Gerstner 2005) on the event
# engine, each unit on its own CVODE integrator with root finding, against
# an independent integration (tests/aeif_check.py: scipy's Radau at 1e-12
# with v = V_peak as an event) on tests/configs/aeif.cfg: one neuron with
# adaptation under a constant current, one driven by replayed spikes with
# delays onto both currents.  At solver.rtol = atol = 1e-12 the spike
# times agree to 2e-7 ms (1e-10: 5e-6, 1e-8: 1e-4 ms, converging with the
# tolerance).  Negative control: an input delay 0.1 ms off must fail.
# Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
cfg=$src/tests/configs/aeif.cfg

. "$src/tests/taplib.sh"
plan 3
need_python numpy h5py scipy
make_tmp

run () { # OUT [--set ...]
  out=$1
  shift
  limit 120 "$bin" run -q "$cfg" --set solver.rtol=1e-12 \
    --set solver.atol=1e-12 "$@" -o "$out"
}

if run "$tmp/aeif.h5" >"$tmp/run" 2>&1; then
  ok "aeif run on the event engine"
else
  notok "aeif run on the event engine: $(tail -3 "$tmp/run")"
fi
if limit 300 "$PYTHON3" "$src/tests/aeif_check.py" "$tmp/aeif.h5" 1e-6 \
    >"$tmp/check" 2>&1; then
  ok "spike times against scipy: $(tail -1 "$tmp/check")"
else
  notok "spike times against scipy: $(cat "$tmp/check")"
fi
# the shifted run must itself succeed, and the checker must find the
# difference (exit 1), not fail to read the file
if ! run "$tmp/shifted.h5" --set 'projections.[0].delay=1.15' \
    >"$tmp/run2" 2>&1; then
  notok "negative control: the shifted run failed: $(tail -3 "$tmp/run2")"
else
  limit 300 "$PYTHON3" "$src/tests/aeif_check.py" "$tmp/shifted.h5" 1e-6 \
    >"$tmp/check2" 2>&1
  rc=$?
  if [ $rc -eq 1 ] && grep -q "largest spike-time difference" "$tmp/check2"
  then
    ok "negative control: an input 0.1 ms late fails ($(tail -1 "$tmp/check2"))"
  else
    notok "negative control: checker exit $rc: $(cat "$tmp/check2")"
  fi
fi
