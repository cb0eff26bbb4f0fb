#!/usr/bin/python3
"""examples/teacher_student/analyse.py -- the verdict on SAC18 Fig. 2.

    analyse.py DEEP.h5 SHALLOW.h5 [FIGURE.png] [--require 1,2,3]

DEEP.h5 is a run of teacher_student.cfg, SHALLOW.h5 the same run with the
hidden layer's forward weights W10 frozen (only the output weights learn).
Prints both test-error curves (/learning/test_error: the frozen circuit's
summed squared output-rate error on unseen inputs, no teaching) and checks
the three criteria of the experiment on the deep run's last evaluation:

  1  it is at least 10x below its start,
  2  it is at most half the error of always predicting the mean target
     (/learning attribute mean_predictor_error),
  3  it is below the shallow learner's at the same time.

Exits 0 when every required criterion (default all three) holds, 1 when
one fails, 2 on bad input.  With FIGURE.png (needs matplotlib) it draws
both curves and the mean predictor.
"""
import argparse
import sys

import h5py
import numpy as np


def fail(msg):
    print("analyse.py: " + msg, file=sys.stderr)
    sys.exit(2)


def curve(path):
    try:
        with h5py.File(path, "r") as f:
            g = f["learning"]
            t = np.asarray(g["times"][()], dtype=float) / 1000.0
            e = np.asarray(g["test_error"][()], dtype=float)
            mp = float(g.attrs["mean_predictor_error"])
    except (OSError, KeyError) as exc:
        fail("%s: not a credo run with /learning/test_error (%s)" % (path, exc))
    if len(t) < 2 or not np.isfinite(e[-1]):
        fail("%s: fewer than two learning-curve rows, or the last is NaN"
             % path)
    return t, e, mp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("deep")
    ap.add_argument("shallow")
    ap.add_argument("figure", nargs="?")
    ap.add_argument("--require", default="1,2,3",
                    help="criteria that must hold (default 1,2,3)")
    a = ap.parse_args()
    need = set(a.require.replace(" ", "").split(",")) - {""}
    if not need <= {"1", "2", "3"}:
        fail("--require takes criteria among 1,2,3, not %r" % a.require)

    td, ed, mp = curve(a.deep)
    ts, es, mp2 = curve(a.shallow)
    if len(ts) != len(td) or np.any(ts != td):
        fail("the two runs were evaluated at different times")
    if abs(mp - mp2) > 1e-9 * mp:
        fail("the two runs use different test sets (mean predictor %g vs %g)"
             % (mp, mp2))

    print("test error (mean over the test set of the summed squared error of "
          "the output rates)")
    print("%10s %12s %12s" % ("t (s)", "deep", "shallow"))
    for t, d, s in zip(td, ed, es):
        print("%10.1f %12.4f %12.4f" % (t, d, s))
    print("always predicting the mean target: %.4f" % mp)

    start, end = ed[0], ed[-1]
    checks = [
        ("1", "10x below its start (%.4g / 10 = %.4g)" % (start, start / 10),
         end <= start / 10),
        ("2", "at most half the mean predictor's (%.4g)" % (0.5 * mp),
         end <= 0.5 * mp),
        ("3", "below the shallow learner's (%.4g)" % es[-1], end < es[-1]),
    ]
    ok = True
    print("deep circuit's test error after %.1f s: %.4f (%.1fx below its start)"
          % (td[-1], end, start / end))
    for key, what, holds in checks:
        tag = "required" if key in need else "not required"
        print("  criterion %s, %s: %s (%s)"
              % (key, what, "yes" if holds else "NO", tag))
        ok = ok and (holds or key not in need)

    if a.figure:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            import matplotlib.ticker
        except ImportError:
            fail("no matplotlib for the figure")
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
        ax.plot(td, ed, "o-", ms=3, label="dendritic microcircuit (all layers)")
        ax.plot(ts, es, "s-", ms=3, label="shallow (W10 frozen)")
        ax.axhline(mp, color="0.4", ls=":", label="always predicting the mean")
        ax.axhline(start / 10, color="0.7", ls="--", lw=0.8,
                   label="start / 10")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.yaxis.set_minor_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_xlabel("simulated time (s)  [10 samples per s]")
        ax.set_ylabel("test error")
        ax.set_title("teacher-student regression (SAC18 Fig. 2 set-up)",
                     fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        fig.savefig(a.figure, dpi=100)
        print("figure: %s" % a.figure)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
