#!/bin/sh
# tests/teacher_student.sh -- examples/teacher_student (SAC18 Fig. 2)
# shortened to 200 s of simulated time (the example runs 1000 s): the
# circuit and its shallow control (W10 frozen), about 12 s each here.  At
# 200 s the example's own run is at 24.8 (start 223.5, mean predictor
# 112.2, shallow 64.6), so criteria 2 (<= half the mean predictor) and 3
# (below the shallow learner) must already hold; criterion 1 (10x below the
# start) needs the full run.  Negative control: with the two runs swapped
# the "deep" one is not below the "shallow" one and analyse.py must exit 1.
# Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
ex=$src/examples/teacher_student

. "$src/tests/taplib.sh"
plan 5
need_python numpy h5py matplotlib
make_tmp

short () { # OUT [--set ...]
  out=$1
  shift
  limit 300 "$bin" run -q "$ex/teacher_student.cfg" \
    --set duration=200000.0 "$@" -o "$out"
}

# 1-2: the circuit and the shallow control
if short "$tmp/deep.h5" >"$tmp/run" 2>&1; then
  ok "200 s of the teacher-student circuit"
else
  notok "200 s of the teacher-student circuit: $(tail -3 "$tmp/run")"
fi
if short "$tmp/shallow.h5" --set 'projections.[0].plasticity.eta=0.0' \
    >"$tmp/run2" 2>&1; then
  ok "the shallow control (W10 frozen)"
else
  notok "the shallow control (W10 frozen): $(tail -3 "$tmp/run2")"
fi

# 3: criteria 2 and 3 after 200 s
limit 120 "$py" "$ex/analyse.py" "$tmp/deep.h5" "$tmp/shallow.h5" \
  --require 2,3 >"$tmp/an" 2>&1
rc=$?
line=$(grep "after 200.0 s" "$tmp/an")
if [ $rc -eq 0 ]; then
  ok "below half the mean predictor and below the shallow learner: $line"
else
  notok "analyse.py exits $rc: $(cat "$tmp/an")"
fi

# 4: negative control, the runs swapped: exit 1 for criterion 3 (not for
# a Python exception, which exits 1 too)
limit 120 "$py" "$ex/analyse.py" "$tmp/shallow.h5" "$tmp/deep.h5" \
  --require 3 >"$tmp/an2" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'criterion 3, .*: NO (required)' "$tmp/an2" \
   && ! grep -q Traceback "$tmp/an2"; then
  ok "swapped runs fail criterion 3 (analyse.py exits 1)"
else
  notok "swapped runs: analyse.py exits $rc, expected 1 with criterion 3 NO: $(tail -3 "$tmp/an2")"
fi

# 5: the figure
if limit 120 "$py" "$ex/analyse.py" "$tmp/deep.h5" "$tmp/shallow.h5" \
     "$tmp/ts.png" --require 2,3 >"$tmp/an3" 2>&1 && is_png "$tmp/ts.png"; then
  ok "analyse.py writes a PNG figure"
else
  notok "analyse.py writes a PNG figure: $(tail -3 "$tmp/an3")"
fi
