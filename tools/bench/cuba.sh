#!/bin/sh
# tools/bench/cuba.sh -- the CUBA network (Brette et al. 2007, benchmark 2:
# 4000 current-based LIF neurons, 3200 excitatory / 800 inhibitory, p =
# 0.02, 1 s) on credo's event engine (examples/cuba/cuba.cfg: exact spike
# times) against Brian2's examples/CUBA.py in cpp_standalone mode (exact
# subthreshold integration, spike times on the 0.1 ms grid), same network,
# one process each, single-threaded.
#
# Times are wall seconds of the whole simulation process, median of
# BENCH_REPEAT runs (default 5), the two programs taking turns: `credo run`
# (parse, build the synapses, simulate, write the spikes to HDF5) and
# Brian2's compiled `main` binary (build the synapses, simulate, write the
# spike monitor), run again after Brian2 built it, so neither code
# generation nor compilation is counted.  credo runs as installed: the
# binary itself, not libtool's wrapper script in the build tree (~20 ms of
# shell), with OPENBLAS_NUM_THREADS=1 (the event engine calls no BLAS;
# OpenBLAS's idle threads would otherwise spin on the second core for the
# first ~0.1 s).
# Mean rates in Hz: all spikes / 4000 neurons / 1 s; the two networks are
# different draws of the same random graph and initial potentials.
#
# Run from the top of the source tree after `make`:
#   tools/bench/cuba.sh
# Needs Brian2 (Debian python3-brian, `tools/setup --bench`) and h5py for
# PYTHON3 (default /usr/bin/python3).  Last line:
#   credo_s=X brian2_standalone_s=Y ratio=Z
# A benchmark, not a test.
set -eu

src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
cfg=$src/examples/cuba/cuba.cfg
py=${PYTHON3:-/usr/bin/python3}
repeat=${BENCH_REPEAT:-5}

if [ ! -x "$bin" ]; then
  echo "cuba: $bin not found; run make first" >&2
  exit 2
fi
if ! "$py" -c 'import brian2' 2>/dev/null; then
  echo "cuba: Brian2 not found for $py (apt-get install python3-brian)" >&2
  exit 2
fi
# the program itself when libtool wraps it
builddir=$(dirname "$bin")
if [ -x "$builddir/.libs/credo" ]; then
  bin=$builddir/.libs/credo
  LD_LIBRARY_PATH=$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_LIBRARY_PATH
fi
OPENBLAS_NUM_THREADS=1
export OPENBLAS_NUM_THREADS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/credo-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# wall seconds of a command
wall () {
  "$py" -c 'import subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print("%.4f" % (time.perf_counter() - t))' "$@"
}
median () { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Brian2's example, standalone; prints its mean rate
cat > "$tmp/cuba_brian2.py" <<'PY'
import sys
from brian2 import *
set_device('cpp_standalone', directory=sys.argv[1])
taum = 20*ms
taue = 5*ms
taui = 10*ms
Vt = -50*mV
Vr = -60*mV
El = -49*mV
eqs = '''
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
'''
P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
P.ge = 0*mV
P.gi = 0*mV
we = (60*0.27/10)*mV
wi = (-20*4.5/10)*mV
Ce = Synapses(P, P, on_pre='ge += we')
Ci = Synapses(P, P, on_pre='gi += wi')
Ce.connect('i<3200', p=0.02)
Ci.connect('i>=3200', p=0.02)
s_mon = SpikeMonitor(P)
run(1 * second)
print("%.3f" % (s_mon.num_spikes / 4000.0))
PY

echo "cuba: building Brian2's standalone code (once)" >&2
brian_rate=$("$py" "$tmp/cuba_brian2.py" "$tmp/brian2" 2>"$tmp/brian2.log" \
             | tail -n 1)

i=0
: > "$tmp/credo.t"
: > "$tmp/brian2.t"
while [ $i -lt "$repeat" ]; do
  i=$((i + 1))
  wall "$bin" run -q "$cfg" -o "$tmp/cuba.h5" >> "$tmp/credo.t"
  (cd "$tmp/brian2" && wall ./main) >> "$tmp/brian2.t"
done
credo_rate=$("$py" -c 'import h5py, sys
f = h5py.File(sys.argv[1], "r")
n = sum(len(f["/spikes/%s/timestamps" % p]) for p in ("e", "i"))
print("%.3f" % (n / 4000.0))' "$tmp/cuba.h5")
c=$(median < "$tmp/credo.t")
b=$(median < "$tmp/brian2.t")
echo "runs: credo $(tr '\n' ' ' < "$tmp/credo.t")s, brian2 $(tr '\n' ' ' < "$tmp/brian2.t")s"
echo "mean rate: credo ${credo_rate} Hz, brian2 ${brian_rate} Hz"
awk -v c="$c" -v b="$b" \
  'BEGIN { printf "credo_s=%s brian2_standalone_s=%s ratio=%.3f\n", c, b, c / b }'
