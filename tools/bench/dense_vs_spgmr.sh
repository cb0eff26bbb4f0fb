#!/bin/sh
# tools/bench/dense_vs_spgmr.sh -- the dense direct solver against matrix-free
# SPGMR on a dense 1000-unit tanh rate network (tools/bench/tanh1000.cfg),
# 1 s of simulated time, same tolerances.
#
# Runs each solver BENCH_REPEAT times (default 3), reports the median wall
# time (whole `credo run` process, and the integration alone as recorded in
# /solver/wall_seconds), the solver counters (identical across repeats; the
# script checks), the largest absolute difference between the two final
# states, and the speed ratio dense/spgmr.
#
# Run from the top of the source tree after `make`:
#   tools/bench/dense_vs_spgmr.sh
# Environment: CREDO_SRCDIR, CREDO_BUILDDIR (as for `make check`), PYTHON3
# (with numpy and h5py, default /usr/bin/python3), BENCH_REPEAT, and
# BENCH_SET: extra --set overrides for both runs, e.g. BENCH_SET=duration=200
# (a multiple of 50 ms, the recording interval, so that the final state is
# recorded).
# A benchmark, not a test: `make check` does not run it.
set -eu

src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
cfg=$src/tools/bench/tanh1000.cfg
py=${PYTHON3:-/usr/bin/python3}
repeat=${BENCH_REPEAT:-3}
rtol=1e-6
atol=1e-8

if [ ! -x "$bin" ]; then
  echo "dense_vs_spgmr: $bin not found; run make first" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/credo-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

extra=""
for kv in ${BENCH_SET:-}; do extra="$extra --set $kv"; done

now () { date +%s.%N; }

# median of the numbers on stdin
median () {
  sort -g | awk '{ v[NR] = $1 }
    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# value of a /solver counter in `credo info` output
counter () { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }

# run SOLVER: BENCH_REPEAT runs; leaves $tmp/SOLVER.h5 and $tmp/SOLVER.info
run () {
  lin=$1
  : >"$tmp/$lin.wall"
  : >"$tmp/$lin.solve"
  : >"$tmp/$lin.counters"
  k=0
  while [ "$k" -lt "$repeat" ]; do
    k=$((k + 1))
    rm -f "$tmp/$lin.h5"
    t0=$(now)
    # shellcheck disable=SC2086 # $extra is a list of options
    "$bin" run "$cfg" -q -o "$tmp/$lin.h5" --set solver.linear="$lin" \
      --set solver.rtol="$rtol" --set solver.atol="$atol" $extra
    t1=$(now)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$tmp/$lin.wall"
    "$bin" info "$tmp/$lin.h5" >"$tmp/$lin.info"
    counter "$tmp/$lin.info" wall_seconds >>"$tmp/$lin.solve"
    for c in steps rhs_evals jac_evals jtimes_evals lin_iters prec_evals \
             nonlin_iters err_test_fails; do
      printf '%s ' "$(counter "$tmp/$lin.info" $c)"
    done >>"$tmp/$lin.counters"
    echo >>"$tmp/$lin.counters"
    echo "  $lin run $k/$repeat: $(tail -1 "$tmp/$lin.wall") s" >&2
  done
  if [ "$(sort -u "$tmp/$lin.counters" | wc -l)" -ne 1 ]; then
    echo "dense_vs_spgmr: warning: $lin counters differ between repeats:" >&2
    cat "$tmp/$lin.counters" >&2
  fi
}

load () { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

echo "credo dense vs spgmr: $(date -u '+%Y-%m-%d %H:%M UTC'), $(basename "$cfg"):" \
     "1000 tanh units + 20 sine inputs,"
echo "  rtol $rtol, atol $atol, median of $repeat run(s); $(nproc) CPUs," \
     "$("$bin" --version 2>/dev/null | grep -i blas | head -1 | sed 's/^ *//')"
[ -n "$extra" ] && echo "  overrides:$extra"
echo "  load average before: $(load)"
run dense
run spgmr
echo "  load average after: $(load)"

dw=$(median <"$tmp/dense.wall");  sw=$(median <"$tmp/spgmr.wall")
ds=$(median <"$tmp/dense.solve"); ss=$(median <"$tmp/spgmr.solve")

echo
printf '%-22s %14s %14s\n' "" dense spgmr
printf '%-22s %14s %14s\n' "wall time, run (s)" "$dw" "$sw"
printf '%-22s %14.3f %14.3f\n' "wall time, solve (s)" "$ds" "$ss"
for pair in steps:steps rhs_evals:"RHS evaluations" \
            jac_evals:"Jacobian evaluations" jtimes_evals:"J*v evaluations" \
            lin_iters:"linear iterations" prec_evals:"preconditioner setups" \
            nonlin_iters:"Newton iterations" err_test_fails:"error test fails"; do
  key=${pair%%:*}
  printf '%-22s %14s %14s\n' "${pair#*:}" \
    "$(counter "$tmp/dense.info" "$key")" "$(counter "$tmp/spgmr.info" "$key")"
done

diff=$("$py" - "$tmp/dense.h5" "$tmp/spgmr.h5" <<'EOF' 2>"$tmp/py.err" || echo "n/a (see below)"
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    ta = a["/report/h/u/mapping/timestamps"][-1]
    tb = b["/report/h/u/mapping/timestamps"][-1]
    ua = a["/report/h/u/data"][-1, :]
    ub = b["/report/h/u/data"][-1, :]
d = np.abs(ua - ub)
print("%.3g mV at t = %g ms (max |u| = %.3g mV, mean |diff| %.3g)"
      % (d.max(), ta, np.abs(ua).max(), d.mean()))
if ta != tb:
    print("warning: final sample times differ: %g vs %g" % (ta, tb))
EOF
)
echo
echo "final state h.u: max |dense - spgmr| = $diff"
[ -s "$tmp/py.err" ] && sed 's/^/  /' "$tmp/py.err"
echo "$dw $sw $ds $ss" | awk '{ printf "speed ratio dense/spgmr: %.1fx (whole",
                                $1 / $2; printf " run), %.1fx (solve only)\n", $3 / $4 }'
