#!/bin/sh
# tools/bench/teacher_student.sh -- the teacher-student microcircuit of
# examples/quickstart (30-50-10 pyramidal + 10 interneurons, 3000 plastic
# weights and 3000 filters in the state: 6070 states) on CVODE (BDF +
# SPGMR with the analytic J*v, the example's rtol 1e-4) against the
# Euler engine at SAC18's dt = 0.1 ms, the same simulated time.
#
# Reports per engine: median wall seconds of the integration
# (/solver/wall_seconds, which includes the learning-curve evaluation at the
# end), simulated seconds per wall second, steps, and the test error each
# reaches (/learning/test_error at the end), then the speed ratio.  Equal
# accuracy is checked by the test errors: the script prints their relative
# difference.
#
# Run from the top of the source tree after `make`:
#   tools/bench/teacher_student.sh
# Environment: CREDO_SRCDIR, CREDO_BUILDDIR, PYTHON3 (numpy + h5py, default
# /usr/bin/python3), BENCH_REPEAT (default 3), BENCH_SECONDS (simulated
# seconds, default 20).  A benchmark, not a test.
set -eu

src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
cfg=$src/examples/quickstart/quickstart.cfg
py=${PYTHON3:-/usr/bin/python3}
repeat=${BENCH_REPEAT:-3}
secs=${BENCH_SECONDS:-20}
ms=$(awk "BEGIN { printf \"%.1f\", $secs * 1000 }")

if [ ! -x "$bin" ]; then
  echo "teacher_student: $bin not found; run make first" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/credo-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

for engine in cvode euler; do
  i=0
  while [ $i -lt "$repeat" ]; do
    i=$((i + 1))
    if [ $engine = euler ]; then
      "$bin" run -q "$cfg" --set duration="$ms" --set learning.every="$ms" \
        --set 'record=()' --set 'solver.engine="euler"' --set solver.dt=0.1 \
        -o "$tmp/$engine-$i.h5"
    else
      "$bin" run -q "$cfg" --set duration="$ms" --set learning.every="$ms" \
        --set 'record=()' -o "$tmp/$engine-$i.h5"
    fi
  done
done

"$py" - "$tmp" "$repeat" "$secs" <<'PY'
import sys, h5py, numpy as np
tmp, repeat, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
res = {}
for e in ("cvode", "euler"):
    walls, errs, steps = [], [], None
    for i in range(1, repeat + 1):
        with h5py.File("%s/%s-%d.h5" % (tmp, e, i), "r") as f:
            walls.append(float(f["solver/wall_seconds"][()]))
            errs.append(float(f["learning/test_error"][-1]))
            steps = int(f["solver/steps"][()])
            err0 = float(f["learning/test_error"][0])
    w = float(np.median(walls))
    res[e] = (w, errs[-1], steps)
    print("%-6s %6.2f s wall (median of %d)  %6.2f sim-s/wall-s  %7d steps"
          "  test error %.6g (start %.6g)" % (e, w, repeat, secs / w, steps,
                                              errs[-1], err0))
c, u = res["cvode"], res["euler"]
print("speed ratio cvode/euler: %.2f   test errors differ by %.2g (relative)"
      % (u[0] / c[0], abs(c[1] - u[1]) / abs(u[1])))
PY
