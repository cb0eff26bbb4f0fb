#!/usr/bin/python3
"""examples/dfc_sleep/rho_q.py -- rho_Q of dfc_sleep runs.

    /usr/bin/python3 examples/dfc_sleep/rho_q.py dfc_sleep.h5 [EVERY_MS]
    /usr/bin/python3 examples/dfc_sleep/rho_q.py --summary RUN.h5 ...

Reads /weights/W2 (fixed) and /weights/Qh (learning) of a run.  The first
form prints, every EVERY_MS (default 20) ms of the snapshots,

  rho_Q  = ||J^T (J J^T)^-1 J Q||_F / ||Q||_F,   J = [W2, I], Q = [Q_h; I]
           (1: Q's columns lie in the column space of J^T),
  min Re lambda(J Q)  (> 0: the controller's loop is stable),
  cos(Q_h, W2^T): the direction of the fixed point with Q_y frozen at I
           (Q = J^T; README),
  cos(Q_h, G_h), G_h the hidden block of J^T (J J^T)^-1 (the paper's
           J^T (J J^T + gamma I)^-1 for gamma -> 0).

The second prints one line per run: rho_Q at the start and the end, and
the measures of Q_h averaged over t >= 150 ms; then their means.
"""
import sys

import h5py
import numpy as np

T_AVG = 150.0  # ms: after ~5 time constants of Q's mean dynamics


def measures(w2, qh):
    n_out = w2.shape[0]
    j = np.hstack([w2, np.eye(n_out)])
    q = np.vstack([qh, np.eye(n_out)])
    jjt = j @ j.T
    proj = j.T @ np.linalg.solve(jjt, j)
    rho = np.linalg.norm(proj @ q) / np.linalg.norm(q)
    lam = np.linalg.eigvals(j @ q).real.min()
    g0 = (j.T @ np.linalg.inv(jjt))[: qh.shape[0]]

    def cos(a, b):
        return float((a * b).sum() / np.linalg.norm(a) / np.linalg.norm(b))

    return rho, lam, cos(qh, w2.T), cos(qh, g0)


def load(path):
    with h5py.File(path, "r") as f:
        return (f["/weights/W2/data"][0], f["/weights/Qh/data"][:],
                f["/weights/Qh/times"][:])


def series(path, every):
    w2, qs, ts = load(path)
    print("%8s %7s %10s %10s %10s" % ("t (ms)", "rho_Q", "min Re JQ",
                                      "cos W2^T", "cos G_h"))
    next_t = ts[0]
    for k, (t, qh) in enumerate(zip(ts, qs)):
        if t + 1e-9 < next_t and k != len(ts) - 1:
            continue
        next_t = t + every
        print("%8.1f %7.4f %10.4f %10.4f %10.4f" % ((t,) + measures(w2, qh)))


def summary(paths):
    rows = []
    print("%-24s %7s %7s %9s | <Q_h>: %7s %9s %9s" % (
        "run", "rho_0", "rho_end", "lam_end", "rho_Q", "cos W2^T",
        "cos G_h"))
    for path in paths:
        w2, qs, ts = load(path)
        r0 = measures(w2, qs[0])
        r1 = measures(w2, qs[-1])
        ra = measures(w2, qs[ts >= T_AVG].mean(axis=0))
        row = (r0[0], r1[0], r1[1], ra[0], ra[2], ra[3])
        rows.append(row)
        print("%-24s %7.4f %7.4f %9.3f | %14.4f %9.4f %9.4f"
              % ((path[-24:],) + row))
    m = np.array(rows)
    print("%-24s %7.4f %7.4f %9.3f | %14.4f %9.4f %9.4f" % (
        "mean of %d" % len(rows), *m.mean(axis=0)[:2], m[:, 2].min(),
        *m.mean(axis=0)[3:]))
    print("(lam_end in the mean row: the smallest over the runs)")


def main():
    args = sys.argv[1:]
    if args and args[0] == "--summary":
        summary(args[1:])
    else:
        series(args[0] if args else "dfc_sleep.h5",
               float(args[1]) if len(args) > 1 else 20.0)


if __name__ == "__main__":
    main()
