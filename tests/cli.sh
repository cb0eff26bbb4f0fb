#!/bin/sh
# tests/cli.sh -- the credo command end to end: run, info, check, models,
# --version, --help, solver failure and SIGINT.  Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
make_tmp
check () { # description, then a command that must succeed
  d=$1; shift
  if limit 60 "$@" >"$tmp/last" 2>&1; then ok "$d"; else notok "$d: $(tail -3 "$tmp/last")"; fi
}
plan 20

q="$src/examples/rate_network/rate_network.cfg"
check "quickstart runs" "$bin" run "$q" -o "$tmp/q.h5" --set duration=300 -q
check "output file exists, no .part" sh -c "[ -s '$tmp/q.h5' ] && [ ! -e '$tmp/q.h5.part' ]"
check "info lists the hidden report" sh -c "'$bin' info '$tmp/q.h5' | grep -q 'hidden'"
check "info shows status ok" sh -c "'$bin' info '$tmp/q.h5' | grep -qi 'status.*ok'"
check "check summarises" sh -c "'$bin' check '$q' | grep -qi 'state'"
check "models lists rate and input" sh -c "'$bin' models | grep -q '^rate' && '$bin' models | grep -q '^input'"
check "models rate shows tau with unit" sh -c "'$bin' models rate | grep -E 'tau +10 +ms'"
check "models lists the plasticity rules" sh -c "'$bin' models | grep -A9 '^plasticity rules:' | grep -q '^oja '"
check "models loss_target shows lambda, the loss names and the error port" sh -c "'$bin' models loss_target > '$tmp/lt' && grep -qE '^  lambda +0\.1 +1 ' '$tmp/lt' && grep -q '(one of: mse, cross_entropy)' '$tmp/lt' && grep -qE '^  error +1 +output error e = r\* - r_L' '$tmp/lt' && grep -qE '^  r_ff ' '$tmp/lt'"
check "models dendritic_prediction shows its two signals" sh -c "'$bin' models dendritic_prediction | grep -qE '^  1  the prediction'"
check "--version names the BLAS (OpenBLAS)" sh -c "'$bin' --version | grep -i 'blas.*openblas'"
check "--help on every command" sh -c "'$bin' --help >/dev/null && '$bin' run --help >/dev/null && '$bin' check --help >/dev/null && '$bin' models --help >/dev/null && '$bin' info --help >/dev/null"

# solver failure: exit 1, message with the time, file closed with status failed
limit 60 "$bin" run -q "$src/tests/configs/good/blowup.cfg" -o "$tmp/b.h5" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "t = " "$tmp/err" && "$bin" info "$tmp/b.h5" | grep -qi "failed"; then
  ok "solver failure exits 1 and keeps a clean file"
else
  notok "solver failure: rc $rc, $(cat "$tmp/err")"
fi

# SIGINT: exit 130, file closed, status interrupted.  The signal goes once
# the run is under way -- its first progress line on stderr (after 1 s of
# wall time; the run would take minutes) -- and it must stop within 30 s.
"$bin" run "$src/tests/configs/good/long.cfg" -o "$tmp/l.h5" \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
if ! waitfor 600 grep -q "ETA" "$tmp/err"; then
  kill -KILL $pid 2>/dev/null
  wait $pid
  notok "SIGINT: no progress line within 60 s (rc $?): $(tail -3 "$tmp/err")"
else
  kill -INT $pid
  if waitfor 300 sh -c "! kill -0 $pid 2>/dev/null"; then
    wait $pid
    rc=$?
    if [ $rc -eq 130 ] && "$bin" info "$tmp/l.h5" | grep -qi "interrupted"; then
      ok "SIGINT stops the run and closes the file"
    else
      notok "SIGINT: rc $rc, $(cat "$tmp/err")"
    fi
  else
    kill -KILL $pid 2>/dev/null
    wait $pid
    notok "SIGINT: the run did not stop within 30 s: $(tail -3 "$tmp/err")"
  fi
fi
check "progress was shown on stderr" grep -q "ETA" "$tmp/err"
check "progress counts the samples" grep -qE "[0-9]+ samples" "$tmp/err"
# not a terminal: whole lines, no carriage returns to garble a log
check "progress in a log has no carriage returns" sh -c "! tr '\\r' '@' < '$tmp/err' | grep -q @"

# -q: nothing on stdout or stderr for a good run
limit 60 "$bin" run -q "$q" -o "$tmp/q2.h5" --set duration=50 >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/out" ]; then
  ok "-q is quiet"
else
  notok "-q: rc $rc, printed: $(cat "$tmp/out")"
fi

# a network without state variables still records (cvode and euler)
check "stateless network records (cvode)" sh -c "'$bin' run -q '$src/tests/configs/good/stateless.cfg' -o '$tmp/s.h5' && '$bin' info '$tmp/s.h5' | grep -E 'input +r .* 21 +every'"
check "stateless network records (euler)" sh -c "'$bin' run -q '$src/tests/configs/good/stateless.cfg' -o '$tmp/s2.h5' --set solver.engine=euler && '$bin' info '$tmp/s2.h5' | grep -E 'input +r .* 21 +every'"
