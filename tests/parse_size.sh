#!/bin/sh
# tests/parse_size.sh -- parsing is linear in the input: a 200 000-element
# table, a 5 MB string and a 10 MB circuit file are read in well under a
# second each (they took 45 s, 90 s and minutes when libconfig scanned the
# FILE and every table row's name was looked up by a linear search); the
# limit of 20 s per run only tells linear from quadratic on a loaded
# machine.  Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
make_tmp
plan 3

# gen FILE N STRING_BYTES: a valid circuit whose steps stimulus has N
# switch times and values, and, when STRING_BYTES > 0, a key holding a
# string that long (unknown: the run must name its line, 4); < 0: an
# output path that long (valid: check writes nothing)
gen () {
  awk -v n="$2" -v sb="$3" 'BEGIN {
    print "duration = 100.0;"
    print "populations = { x = { model = \"input\"; size = 1; }; };"
    printf "stimuli = ( { to = \"x\"; kind = \"steps\"; times = ["
    for (i = 0; i < n; i++) printf "%s%d.0", i ? ", " : "", i
    printf "]; values = ["
    for (i = 0; i < n; i++) printf "%s1.5", i ? ", " : ""
    print "]; } );"
    if (sb != 0) {
      s = "abcdefghijklmnopqrstuvwxyz0123456789"
      while (length(s) < (sb < 0 ? -sb : sb)) s = s s
      if (sb > 0)
        printf "notes = \"%s\";\n", substr(s, 1, sb)
      else
        printf "output = { path = \"%s.h5\"; };\n", substr(s, 1, -sb)
    }
  }' > "$1"
}

gen "$tmp/table.cfg" 200000 0
if out=$(limit 20 "$bin" check "$tmp/table.cfg" 2>&1) \
   && echo "$out" | grep -q ": ok$"; then
  ok "a 200 000-element table ($(wc -c < "$tmp/table.cfg") bytes) checks"
else
  notok "a 200 000-element table: $(echo "$out" | tail -2)"
fi

gen "$tmp/string.cfg" 10 5000000
limit 20 "$bin" check "$tmp/string.cfg" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "string.cfg:4: unknown key 'notes'" "$tmp/err"; then
  ok "a 5 MB string is read and its line named"
else
  notok "a 5 MB string: rc $rc, $(cut -c1-200 "$tmp/err")"
fi

gen "$tmp/ten.cfg" 350000 -5000000
size=$(wc -c < "$tmp/ten.cfg")
if out=$(limit 20 "$bin" check "$tmp/ten.cfg" 2>&1) \
   && echo "$out" | grep -q ": ok$" && [ "$size" -ge 10000000 ]; then
  ok "a $size-byte circuit file (a 350 000-element table, a 5 MB string) checks"
else
  notok "a $size-byte file: $(echo "$out" | tail -2 | cut -c1-200)"
fi
