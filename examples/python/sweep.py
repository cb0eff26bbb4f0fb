#!/usr/bin/env python3
"""examples/python/sweep.py -- a parameter sweep from Python.

Runs the quickstart teacher-student circuit (examples/quickstart) for a
short time at three learning rates of its first projection (W10) and
prints, for each, how far W10 moved and the test error at the end.

From the top of a built source tree:

    PYTHONPATH=python /usr/bin/python3 examples/python/sweep.py

(after `make install`, without PYTHONPATH, with credo on PATH).
"""
import os
import sys
import tempfile

import numpy as np

import credo

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, os.pardir, "quickstart", "quickstart.cfg")


def main():
    etas = [0.0, 0.0035625, 0.01]
    print("%10s  %12s  %12s  %10s" % ("eta W10", "|dW10| (sum)", "test error",
                                      "p2.r mean"))
    with tempfile.TemporaryDirectory() as tmp:
        for i, eta in enumerate(etas):
            run = credo.run(CONFIG, {
                "duration": 2000.0,                 # ms: 20 samples
                "learning.every": 1000.0,           # test error every 1 s
                "weights.every": 1000.0,            # W10 snapshots every 1 s
                "projections.[0].plasticity.eta": eta,
            }, output=os.path.join(tmp, "run%d.h5" % i))
            w = run.weights("W10")
            moved = float(np.abs(w.data[-1] - w.data[0]).sum())
            err = run.learning()["test_error"][-1]
            rate = run.report("p2", "r").data.mean()
            print("%10g  %12.4g  %12.4g  %10.4g" % (eta, moved, err, rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
