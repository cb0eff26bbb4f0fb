#!/bin/sh
# tools/compare_builds.sh -- the same runs with two builds of credo, compared
# dataset by dataset (tools/h5compare.py): the proof that a change which must
# not change results (a refactoring) did not change a bit.
#
#   tools/compare_builds.sh OLD_CREDO NEW_CREDO [OUTDIR]
#
# OLD_CREDO and NEW_CREDO are two `credo` programs (e.g. a build of the last
# release in another checkout and ./credo).  Both run the examples of THIS
# tree: the quickstart, the teacher-student circuit shortened to 200 s (as
# tests/teacher_student.sh, with its shallow control), the bars task, the
# self-predicting and single-association circuits, the rate network, the
# quickstart on the Euler engine with and without SAC18's somatic noise, and
# `credo data` for both data sets.  About 2 minutes per build here.
# Exit status: 0 when every pair is identical, 1 otherwise, 2 on bad use.
set -u
[ $# -ge 2 ] || { echo "usage: $0 OLD_CREDO NEW_CREDO [OUTDIR]" >&2; exit 2; }
old=$1; new=$2
src=$(cd "$(dirname "$0")/.." && pwd)
out=${3:-$(mktemp -d)}
py=${PYTHON3:-/usr/bin/python3}
ex=$src/examples
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "$0: $b is not an executable" >&2; exit 2; }
done
mkdir -p "$out/old" "$out/new" || exit 2

runs () { # BIN DIR
  b=$1; d=$2
  "$b" run -q "$ex/quickstart/quickstart.cfg" -o "$d/quickstart.h5"
  "$b" run -q "$ex/teacher_student/teacher_student.cfg" \
    --set duration=200000.0 -o "$d/ts_deep.h5"
  "$b" run -q "$ex/teacher_student/teacher_student.cfg" \
    --set duration=200000.0 --set 'projections.[0].plasticity.eta=0.0' \
    -o "$d/ts_shallow.h5"
  "$b" run -q "$ex/bars/bars.cfg" -o "$d/bars.h5"
  "$b" run -q "$ex/self_predicting/self_predicting.cfg" \
    -o "$d/self_predicting.h5"
  "$b" run -q "$ex/single_association/single_association.cfg" \
    -o "$d/single_association.h5"
  "$b" run -q "$ex/rate_network/rate_network.cfg" -o "$d/rate_network.h5"
  "$b" run -q "$ex/quickstart/quickstart.cfg" --set solver.engine=euler \
    --set solver.dt=0.05 --set duration=5000.0 -o "$d/qs_euler.h5"
  "$b" run -q "$ex/quickstart/quickstart.cfg" --set solver.engine=euler \
    --set solver.dt=0.1 --set duration=3000.0 \
    --set populations.p1.params.sigma=0.3 \
    --set populations.p2.params.sigma=0.3 -o "$d/qs_noise.h5"
  "$b" data teacher -o "$d/data_teacher.h5" --samples 200 --test 50 \
    >/dev/null
  "$b" data bars -o "$d/data_bars.h5" --noise 0.1 --copies 2 >/dev/null
}

echo "runs of $old into $out/old" >&2
runs "$old" "$out/old" || { echo "$0: a run of $old failed" >&2; exit 1; }
echo "runs of $new into $out/new" >&2
runs "$new" "$out/new" || { echo "$0: a run of $new failed" >&2; exit 1; }
rc=0
for f in "$out"/old/*.h5; do
  "$py" "$src/tools/h5compare.py" -q "$f" "$out/new/$(basename "$f")" \
    || rc=1
done
exit $rc
