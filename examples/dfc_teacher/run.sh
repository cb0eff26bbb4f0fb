#!/bin/sh
# examples/dfc_teacher/run.sh -- the teacher data, the DFC run and its
# figure (dfc_teacher.png: loss, and each update's angle to backprop and
# Gauss-Newton over training).  Run from the top of the tree.
set -eu
dir=$(dirname "$0")
./credo data teacher -o "$dir/teacher.h5" --samples 1000 --test 0 \
  --sizes 10,8,3 --k10 1 --k21 1 --transfer tanh --phi 1,0,1 -S 3
./credo run "$dir/dfc_teacher.cfg" -o "$dir/dfc_teacher.h5"
tools/credo-plot learning "$dir/dfc_teacher.h5" -o "$dir/dfc_teacher.png"
/usr/bin/python3 - "$dir/dfc_teacher.h5" <<'PY'
import sys, h5py, numpy as np
L = h5py.File(sys.argv[1], "r")["learning"]
print("samples     loss   angle to backprop (W1, W2)   to Gauss-Newton (W1, W2)")
for a, b in [(0, 100), (100, 300), (300, 600), (600, 1000)]:
    m = lambda k: np.nanmean(L[k][a:b])
    print("%4d-%-4d %7.4f   %6.1f %6.1f                 %6.1f %6.1f" % (
        a, b, m("loss"), m("angle_W1"), m("angle_W2"),
        m("angle_gauss_newton_W1"), m("angle_gauss_newton_W2")))
PY
