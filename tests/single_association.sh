#!/bin/sh
# tests/single_association.sh -- examples/single_association (SAC18 Fig. 1)
# end to end: the full example (8 s simulated, about 1 s wall), then the
# shape checks of its analyse.py one by one (self-predicting before the
# target, apical error appears, decays, output learns, association kept),
# the figure, and a negative control: with the forward weights frozen the
# output must not learn and analyse.py must say so (exit 1).  Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
ex=$src/examples/single_association

. "$src/tests/taplib.sh"
plan 9
# analyse.py needs numpy and h5py, its figure matplotlib
need_python numpy h5py matplotlib
make_tmp

# 1: the example as it is
if limit 60 "$bin" run "$ex/single_association.cfg" -q -o "$tmp/sa.h5" \
    >"$tmp/run" 2>&1 && [ -s "$tmp/sa.h5" ]; then
  ok "single_association.cfg runs"
else
  notok "single_association.cfg runs: $(tail -3 "$tmp/run")"
fi

# 2-6: analyse.py's five checks, each a TAP line (its lines start "ok  " or
# "FAIL" followed by the description)
limit 120 "$py" "$ex/analyse.py" "$tmp/sa.h5" >"$tmp/an" 2>&1
rc=$?
for key in "self-predicting before" "apical error appears" \
           "apical error decays" "output learns" "kept without teacher"; do
  line=$(grep -E "^(ok  |FAIL)  $key" "$tmp/an" | head -1)
  case $line in
    "ok  "*) ok "$(echo "$line" | sed 's/^ok  *//')" ;;
    FAIL*) notok "$(echo "$line" | sed 's/^FAIL *//')" ;;
    *) notok "$key: no such line from analyse.py (rc $rc): $(tail -3 "$tmp/an")" ;;
  esac
done

# 7: analyse.py's verdict
if [ $rc -eq 0 ]; then
  ok "analyse.py exits 0 ($(grep '^mean |v_A| fell' "$tmp/an"))"
else
  notok "analyse.py exits $rc: $(tail -3 "$tmp/an")"
fi

# 8: the figure
if limit 120 "$py" "$ex/analyse.py" "$tmp/sa.h5" "$tmp/fig.png" \
     >"$tmp/an_fig" 2>&1 && is_png "$tmp/fig.png"; then
  ok "analyse.py writes a PNG figure"
else
  notok "analyse.py writes a PNG figure: $(tail -3 "$tmp/an_fig")"
fi

# 9: negative control: W10 and W21 frozen (eta 0), interneurons still
# plastic -- the output cannot move to the target; the checks must notice
# (a failing run is a failure, not something for analyse.py to trip over)
if ! limit 60 "$bin" run "$ex/single_association.cfg" -q -o "$tmp/frozen.h5" \
    --set 'projections.[0].plasticity.eta=0' \
    --set 'projections.[1].plasticity.eta=0' >"$tmp/run2" 2>&1; then
  notok "forward weights frozen: the run failed: $(tail -3 "$tmp/run2")"
else
  limit 120 "$py" "$ex/analyse.py" "$tmp/frozen.h5" >"$tmp/an2" 2>&1
  rc=$?
  if [ $rc -eq 1 ] && grep -q '^FAIL  output learns' "$tmp/an2" \
     && ! grep -q Traceback "$tmp/an2"; then
    ok "forward weights frozen: analyse.py exits 1 ($(grep '^FAIL  output learns' "$tmp/an2" | sed 's/^FAIL *//'))"
  else
    notok "forward weights frozen: analyse.py rc $rc, expected 1 with FAIL on 'output learns': $(tail -3 "$tmp/an2")"
  fi
fi
