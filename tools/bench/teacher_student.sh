#!/bin/sh
# tools/bench/teacher_student.sh -- the teacher-student microcircuit of
# examples/quickstart (30-50-10 pyramidal + 10 interneurons, 3000 plastic
# weights and 3000 filters in the state: 6070 states) on CVODE (BDF +
# SPGMR with the analytic J*v) against the Euler engine at SAC18's
# dt = 0.1 ms, the same simulated time, at equal accuracy.
#
# Accuracy is measured against a reference run (CVODE, rtol 1e-8) twice:
# the test error each run reaches (/learning/test_error at the end: the
# frozen circuit's output on 200 unseen inputs) and the final plastic
# weights (largest over projections of |W - W_ref| / |W_ref - W_ref(0)|,
# i.e. relative to what was learned).  CVODE runs at rtol 1e-2, 1e-3 and
# 1e-4 (atol = rtol / 100); the speed ratio is taken at the loosest rtol
# whose both deviations are no larger than Euler's.  A last line runs
# Euler-Maruyama with SAC18 Fig. 2's somatic noise (sigma = 0.3 on every
# neuron): its speed, and how far the noise moves the test error.
#
# Reports per run: median wall seconds (/solver/wall_seconds, including the
# one learning-curve evaluation at the end), simulated seconds per wall
# second, steps, the test error and its relative deviation.
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
rtols="1e-2 1e-3 1e-4"

if [ ! -x "$bin" ]; then
  echo "teacher_student: $bin not found; run make first" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/credo-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

run () { # name, extra --set arguments...
  name=$1
  shift
  "$bin" run -q "$cfg" --set duration="$ms" --set learning.every="$ms" \
    --set 'record=()' --set weights.every="$ms" "$@" -o "$tmp/$name.h5"
}

run reference --set solver.rtol=1e-8 --set solver.atol=1e-10
i=0
while [ $i -lt "$repeat" ]; do
  i=$((i + 1))
  run "euler-$i" --set 'solver.engine="euler"' --set solver.dt=0.1
  run "noisy-$i" --set 'solver.engine="euler"' --set solver.dt=0.1 \
    --set populations.p1.params.sigma=0.3 \
    --set populations.p2.params.sigma=0.3 \
    --set populations.i1.params.sigma=0.3
  for r in $rtols; do
    a=$(awk "BEGIN { printf \"%.1e\", $r / 100 }")
    run "cvode$r-$i" --set solver.rtol="$r" --set solver.atol="$a"
  done
done

"$py" - "$tmp" "$repeat" "$secs" $rtols <<'PY'
import sys, h5py, numpy as np
tmp, repeat, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rtols = sys.argv[4:]

def load(path):
    with h5py.File(path, "r") as f:
        w = {k: (f["weights"][k]["data"][0], f["weights"][k]["data"][-1])
             for k in f["weights"]}
        return dict(err=float(f["learning/test_error"][-1]),
                    start=float(f["learning/test_error"][0]),
                    steps=int(f["solver/steps"][()]),
                    wall=float(f["solver/wall_seconds"][()]), w=w)

ref = load("%s/reference.h5" % tmp)

def deviations(r):
    """relative test-error deviation; largest weight deviation relative to
    the reference's weight change over the run"""
    de = abs(r["err"] - ref["err"]) / abs(ref["err"])
    dw = max(np.linalg.norm(r["w"][k][1] - ref["w"][k][1])
             / np.linalg.norm(ref["w"][k][1] - ref["w"][k][0]) for k in ref["w"])
    return de, dw

print("reference (cvode rtol 1e-8): test error %.9g after %g s (start %.6g)"
      % (ref["err"], secs, ref["start"]))
res = {}
for name in ["euler"] + ["cvode" + r for r in rtols]:
    runs = [load("%s/%s-%d.h5" % (tmp, name, i)) for i in range(1, repeat + 1)]
    wall = float(np.median([r["wall"] for r in runs]))
    de, dw = deviations(runs[-1])
    res[name] = (wall, de, dw)
    label = "euler dt 0.1" if name == "euler" else "cvode rtol " + name[5:]
    print("%-16s %6.2f s wall (median of %d)  %6.2f sim-s/wall-s  %7d steps"
          "  test error %.9g  deviation: test error %.1e, weights %.1e"
          % (label, wall, repeat, secs / wall, runs[-1]["steps"],
             runs[-1]["err"], de, dw))
eu = res["euler"]
ok = [r for r in rtols
      if res["cvode" + r][1] <= eu[1] and res["cvode" + r][2] <= eu[2]]
if ok:
    best = max(ok, key=float)
    c = res["cvode" + best]
    print("at equal accuracy (cvode rtol %s: deviations %.1e, %.1e <= euler's "
          "%.1e, %.1e): speed ratio cvode/euler %.2f, %.2f sim-s/wall-s"
          % (best, c[1], c[2], eu[1], eu[2], eu[0] / c[0], secs / c[0]))
else:
    print("no cvode tolerance tried was as accurate as euler dt 0.1")
runs = [load("%s/noisy-%d.h5" % (tmp, i)) for i in range(1, repeat + 1)]
wall = float(np.median([r["wall"] for r in runs]))
print("euler dt 0.1 with noise sigma 0.3 (SAC18 Fig. 2): %.2f s wall, "
      "%.2f sim-s/wall-s (%.2fx the noise-free euler), test error %.6g "
      "(noise-free %.6g)" % (wall, secs / wall, eu[0] / wall,
                             runs[-1]["err"], ref["err"]))
PY
