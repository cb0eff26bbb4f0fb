#!/bin/sh
# tests/signals.sh -- SIGTERM, SIGHUP and SIGINT during a run: the run stops
# at its next step, the file is closed with status "failed: interrupted at
# t = ..." (read back with h5py) and the exit code is 128 + the signal; a
# second signal exits at once.  Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
make_tmp
plan 4
need_python h5py

# start NAME: a run that would take minutes, in the background as $pid;
# returns once it is under way (its first progress line, after 1 s).
start () {
  "$bin" run "$src/tests/configs/good/long.cfg" -o "$tmp/$1.h5" \
    >"$tmp/out" 2>"$tmp/$1.err" &
  pid=$!
  err=$tmp/$1.err
  if waitfor 600 grep -q "ETA" "$err" 2>/dev/null; then return 0; fi
  kill -KILL $pid 2>/dev/null
  wait $pid
  return 1
}

# finish: waits at most 30 s for $pid; rc is its exit code (999: hung).
finish () {
  if waitfor 300 sh -c "! kill -0 $pid 2>/dev/null"; then
    wait $pid
    rc=$?
  else
    kill -KILL $pid 2>/dev/null
    wait $pid
    rc=999
  fi
}

# status FILE: prints the status attribute of the closed FILE
status () {
  limit 30 "$py" -c '
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    s = f.attrs["status"]
    print(s.decode() if isinstance(s, bytes) else s)' "$1"
}

for sig in TERM HUP INT; do
  case $sig in TERM) want=143 ;; HUP) want=129 ;; INT) want=130 ;; esac
  if ! start $sig; then
    notok "SIG$sig: no progress line within 60 s: $(tail -3 "$err")"
    continue
  fi
  kill -$sig $pid
  finish
  st=$(status "$tmp/$sig.h5" 2>&1)
  if [ $rc -eq $want ] && [ ! -e "$tmp/$sig.h5.part" ] \
     && echo "$st" | grep -qE '^failed: interrupted at t = [0-9.e+]+ ms'; then
    ok "SIG$sig stops the run: exit $want, status '$st'"
  else
    notok "SIG$sig: rc $rc (want $want), status '$st', $(tail -3 "$err")"
  fi
done

# a second signal before the run could stop: no waiting, the file is left
# as PATH.part like after a kill.  Both are sent while the run is stopped,
# so they arrive together (SIGINT first, the lower number).
if start twice; then
  kill -STOP $pid; kill -INT $pid; kill -TERM $pid; kill -CONT $pid
  finish
  if [ $rc -eq 143 ] && [ ! -e "$tmp/twice.h5" ]; then
    ok "a second signal exits at once (143)"
  else
    notok "second signal: rc $rc, $(tail -3 "$err")"
  fi
else
  notok "second signal: no progress line within 60 s: $(tail -3 "$err")"
fi
