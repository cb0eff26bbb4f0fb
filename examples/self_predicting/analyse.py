#!/usr/bin/python3
"""Fig. S1 of SAC18 from a credo run: mean |apical potential| of the hidden
layer and mean |u_I - u_P| (interneuron vs upper pyramidal) over 5 s windows.

usage: analyse.py self_predicting.h5 [figure.png]
Prints the table and the start/end ratio; writes the figure if asked.
"""
import sys

import h5py
import numpy as np


def window_means(t, x, width):
    edges = np.arange(t[0], t[-1] + width, width)
    idx = np.searchsorted(t, edges)
    centers, means = [], []
    for a, b in zip(idx[:-1], idx[1:]):
        if b > a:
            centers.append(t[a:b].mean())
            means.append(np.abs(x[a:b]).mean())
    return np.array(centers), np.array(means)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with h5py.File(sys.argv[1], "r") as f:
        t = f["/report/p1/apical/mapping/timestamps"][:]
        va = f["/report/p1/apical/data"][:]
        ui = f["/report/i1/u/data"][:]
        up = f["/report/p2/u/data"][:]
    tc, ma = window_means(t, va, 5000.0)
    _, mi = window_means(t, ui - up, 5000.0)
    print("   t (s)   mean|v_A| (mV)   mean|u_I - u_P| (mV)")
    for k in sorted(set([0, 1, 2, 5, 10, len(tc) // 4, len(tc) // 2, len(tc) - 1])):
        if k < len(tc):
            print("%8.1f   %14.5f   %20.5f" % (tc[k] / 1000, ma[k], mi[k]))
    print("mean |v_A| fell %.1fx from the first to the last 5 s window" % (ma[0] / ma[-1]))
    if len(sys.argv) > 2:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.semilogy(tc / 1000, ma, label="mean |v_A| (hidden apical)")
        ax.semilogy(tc / 1000, mi, label="mean |u_I - u_P| (interneuron mismatch)")
        ax.set_xlabel("simulated time (s)")
        ax.set_ylabel("mV (5 s windows)")
        ax.set_title("Self-predicting state emerging (SAC18 Fig. S1)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(sys.argv[2], dpi=100)


if __name__ == "__main__":
    main()
