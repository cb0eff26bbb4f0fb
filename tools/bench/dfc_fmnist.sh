#!/bin/sh
# tools/bench/dfc_fmnist.sh -- minibatch training speed of Deep Feedback
# Control on the Fashion-MNIST network of examples/dfc_fmnist (784-256-256-
# 256-10, batches of 128), in samples per wall second:
#
#   dfc        credo's batched relaxation as examples/dfc_fmnist runs it:
#              ARKODE's explicit Bogacki-Shampine 3(2) pair (engine
#              "erk3", rtol 1e-4) with per-sample error norms, each
#              minibatch in 2 parts on 2 threads (learning.dfc.threads)
#   dfc_1thread  the same in one part
#   cvode      the same relaxation by CVODE BDF + SPGMR with the batch's
#              analytic J*v (2 parts)
#   euler      the authors' protocol on the same batched system: forward
#              Euler, dt = 0.02 tau_u, 300 steps (credo's euler engine, 2
#              parts)
#   sleep      the sleep phase (Euler-Maruyama, the authors' 34 steps per
#              window, 2 parts), timed from the extra wall time of a run
#              with 2 x BENCH_BATCHES sleep windows
#   bp         credo's backprop baseline on the same network
#   floor      numpy/OpenBLAS dgemm of the products one DFC minibatch
#              cannot avoid: the forward pass and 100 evaluations of the
#              upper layers (W2..W4 on 128 samples), as a time per batch
#
# For DFC (the window average over 6 tau_u) and DFC-SS (the rule where
# every sample has converged, at most 6 tau_u), the authors' DFC
# parameters with Q the products of the transposed forward weights.  Each
# run trains BENCH_BATCHES minibatches (default 20) after loading the data;
# the rate counts only the training (/learning/wall of epoch 1 minus
# epoch 0's evaluation).  One DFC epoch is estimated as the forward epoch
# plus 3 sleep epochs of 55 000 samples (the authors' schedule).
# Last line:
#   dfc_sps=A dfc_1thread_sps=A1 dfc_cvode_sps=C dfc_euler_sps=E
#   ss_sps=S ss_cvode_sps=SC ss_euler_sps=SE sleep_sps=Z dfc_epoch_s=T
#   bp_sps=B floor_sps=F ratio_dfc_euler=A/E ratio_dfc_cvode=A/C
#   ratio_threads=A/A1
#
# Run from the top of the tree after make; needs tools/setup --data.
# Environment: CREDO_SRCDIR, CREDO_BUILDDIR, PYTHON3, BENCH_BATCHES,
# OPENBLAS_NUM_THREADS (default 1: small products are faster on one
# thread on a 2-core machine).
set -eu
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
cfg=$src/examples/dfc_fmnist/dfc_fmnist.cfg
py=${PYTHON3:-/usr/bin/python3}
nb=${BENCH_BATCHES:-20}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
if [ ! -x "$bin" ]; then
  echo "dfc_fmnist: $bin not found; run make first" >&2
  exit 2
fi
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "dfc_fmnist: Fashion-MNIST is missing; run tools/setup --data" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# samples per second of the training in file $1 ($nb minibatches of 128)
rate() {
  "$py" - "$1" "$nb" <<'PY'
import sys, h5py
L = h5py.File(sys.argv[1], "r")["learning"]
w = L["wall"][:]
# epoch 1's wall includes its own validation and test evaluation: subtract
# epoch 0's (the same evaluation, before training)
t = (w[1] - w[0]) - w[0]
print("%.1f" % (int(sys.argv[2]) * 128 / t))
PY
}

run() { # name, then --set overrides
  name=$1; shift
  "$bin" run -q "$cfg" -o "$tmp/$name.h5" --set duration=0.01 \
    --set learning.max_batches="$nb" "$@"
  r=$(rate "$tmp/$name.h5")
  echo "$name: $r samples/s" >&2
  echo "$r"
}

dfc="--set learning.dfc.window=6.0 --set populations.ctrl.params.alpha=0.00020607985040655872 --set learning.dfc.average_points=20 --set learning.dfc.feedback_product=true"
euler="--set learning.dfc.relax.engine=\"euler\" --set learning.dfc.relax.dt=0.02"
cvode="--set learning.dfc.relax.engine=\"cvode\""
ss="--set learning.dfc.variant=\"DFC-SS\""
# shellcheck disable=SC2086
a=$(run dfc $dfc)
# shellcheck disable=SC2086
a1=$(run dfc_1thread $dfc --set learning.dfc.threads=1)
# shellcheck disable=SC2086
c=$(run dfc_cvode $dfc $cvode)
# shellcheck disable=SC2086
e=$(run dfc_euler $dfc $euler)
# shellcheck disable=SC2086
s1=$(run ss $dfc $ss)
# shellcheck disable=SC2086
sc=$(run ss_cvode $dfc $ss $cvode)
# shellcheck disable=SC2086
se=$(run ss_euler $dfc $ss $euler)
# the sleep phase: DFC with one sleep epoch before training and one per
# epoch (2 x BENCH_BATCHES windows); its rate from the extra wall time
# shellcheck disable=SC2086
"$bin" run -q "$cfg" -o "$tmp/sleep.h5" --set duration=0.01 \
  --set learning.max_batches="$nb" $dfc --set 'learning.dfc.variant="DFC"' \
  --set learning.dfc.sleep.epochs_init=1 --set learning.dfc.sleep.extra_epochs=0
sl=$("$py" - "$tmp/sleep.h5" "$nb" "$a" <<'PY'
import sys, h5py
L = h5py.File(sys.argv[1], "r")["learning"]
w = L["wall"][:]
nb, fwd = int(sys.argv[2]), float(sys.argv[3])
t = (w[1] - w[0]) - w[0] - nb * 128 / fwd   # minus the forward epoch
print("%.1f" % (2 * nb * 128 / t))
PY
)
echo "sleep: $sl samples/s" >&2
b=$(run bp --set 'learning.dfc.variant="BP"' --set learning.dfc.lr=5.44e-07 \
  --set populations.loss.params.lambda=0.001)
f=$("$py" - <<'PY'
import time, numpy as np
rng = np.random.default_rng(1)
B = 128
X = rng.standard_normal((B, 784))
W = [rng.standard_normal((256, 784)), rng.standard_normal((256, 256)),
     rng.standard_normal((256, 256)), rng.standard_normal((10, 256))]
R = [rng.standard_normal((B, 256)) for _ in range(3)]
def batch():
    h = X @ W[0].T
    for _ in range(100):
        for k in range(1, 4):
            R[k - 1] @ W[k].T
best = 1e9
for _ in range(5):
    t = time.perf_counter(); batch(); best = min(best, time.perf_counter() - t)
print("%.1f" % (B / best))
PY
)
echo "floor (dgemm only): $f samples/s" >&2
ep=$(awk "BEGIN { printf \"%.0f\", 55000 / $a + 3 * 55000 / $sl }")
echo "one DFC epoch (forward + 3 sleep epochs): $ep s" >&2
r() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
echo "dfc_sps=$a dfc_1thread_sps=$a1 dfc_cvode_sps=$c dfc_euler_sps=$e ss_sps=$s1 ss_cvode_sps=$sc ss_euler_sps=$se sleep_sps=$sl dfc_epoch_s=$ep bp_sps=$b floor_sps=$f ratio_dfc_euler=$(r "$a" "$e") ratio_dfc_cvode=$(r "$a" "$c") ratio_threads=$(r "$a" "$a1")"
