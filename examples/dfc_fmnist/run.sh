#!/bin/sh
# examples/dfc_fmnist/run.sh -- one Table-1 run of Meulemans et al. (2021)
# on Fashion-MNIST: DFC, DFC-SS, DFC-SSA, DFC-fixed or backprop (BP) on the same
# 784-256-256-256-10 network, the authors' parameters for each.
#
#   examples/dfc_fmnist/run.sh --variant DFC-fixed --epochs 100 --seed 1
#   examples/dfc_fmnist/run.sh --variant BP --epochs 3 --max-batches 50
#
# Prints the learning table per epoch (validation and test error, wall
# time) and ends with one line
#   test_error_at_best_val=X% epochs=N s_per_epoch=Y
# Needs tools/setup --data (Debian's dataset-fashion-mnist).  Run from the
# top of the tree; output in examples/dfc_fmnist/out/.
set -eu
dir=$(dirname "$0")
variant=DFC-fixed epochs=1 seed=1 extra=""
while [ $# -gt 0 ]; do
  case $1 in
    --variant) variant=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --max-batches) extra="$extra --set learning.max_batches=$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "run.sh: Fashion-MNIST is missing; run tools/setup --data" >&2
  exit 2
fi
# the authors' Fashion-MNIST configs (DFC code, configs_fmnist/*.py):
# raw lr (divided by lambda), lambda, Adam epsilon, alpha, window; DFC and
# DFC-SS learn their feedback weights in the sleep phase (learning.dfc.sleep,
# whose defaults are the authors' Fashion-MNIST values)
case $variant in
  DFC|DFC-SS|DFC-SSA)
    set -- --set "learning.dfc.variant=\"$variant\"" \
      --set learning.dfc.lr=4.406433064602529e-05 \
      --set populations.loss.params.lambda=0.056066652694809475 \
      --set learning.dfc.epsilon=3.661367432183572e-08 \
      --set populations.ctrl.params.alpha=0.00020607985040655872 \
      --set learning.dfc.window=6.0 \
      --set learning.dfc.include_non_converged=false \
      --set learning.dfc.sleep.freeze_output=true ;;
  DFC-fixed)
    set -- --set 'learning.dfc.variant="DFC-fixed"' ;;
  BP)
    set -- --set 'learning.dfc.variant="BP"' \
      --set learning.dfc.lr=5.44e-07 \
      --set populations.loss.params.lambda=0.001 \
      --set learning.dfc.epsilon=2.71e-08 ;;
  *) echo "run.sh: --variant is DFC, DFC-SS, DFC-SSA, DFC-fixed or BP" >&2; exit 2 ;;
esac
mkdir -p "$dir/out"
out="$dir/out/${variant}_s${seed}.h5"
# shellcheck disable=SC2086
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} ./credo run \
  "$dir/dfc_fmnist.cfg" -o "$out" --set seed="$seed" \
  --set learning.dfc.epochs="$epochs" --set duration=0.01 "$@" $extra
/usr/bin/python3 - "$out" <<'PY'
import sys, h5py, numpy as np
L = h5py.File(sys.argv[1], "r")["learning"]
val, test, wall = L["val_error"][1:], L["test_error"][1:], L["wall"][1:]
best = int(np.nanargmin(val))
n = len(val)
print("test_error_at_best_val=%.2f%% epochs=%d s_per_epoch=%.1f"
      % (100 * test[best], n, (wall[-1] - L["wall"][0]) / n))
PY
