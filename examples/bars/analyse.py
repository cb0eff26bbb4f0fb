#!/usr/bin/python3
"""Bars classification accuracy from a credo run of examples/bars/bars.cfg.

usage: analyse.py bars.h5 [figure.png] [--data bars_data.h5]

The run has the layout of bars.cfg: a test phase of 8 presentations (no
teaching, no plasticity), E training epochs of 8 presentations, and a
second test phase of 8 presentations.  For every test presentation the
predicted class is the argmax of the output rates (out.r) at its end.
Prints a table of both test phases, the accuracy before and after
training (margin: the smallest over the patterns of the right class's
rate minus the largest other rate; negative if a pattern is wrong),
credo's learning curve (/learning/test_accuracy: the steady state of the
frozen circuit without teaching, every 10 epochs) and how far W_IP
drifted from the self-predicting W_IP = W21; writes the figure if asked.
Exit status 1 if the trained accuracy is below 100 %, 2 on bad input.

The data set (labels) is the run's own `file`, found like credo found it
(relative to the config, whose path is relative to the directory credo
ran in); --data names it otherwise.
"""
import os
import re
import sys

import h5py
import numpy as np

def die(msg):
    """Bad input (no file, wrong layout): message and exit status 2."""
    sys.stderr.write(("analyse.py: " if not msg.startswith("Bars") else "")
                     + msg + "\n")
    sys.exit(2)


def config_text(f):
    c = f.attrs["config"]
    return c.decode() if isinstance(c, bytes) else c


def data_path(f, override):
    """The data set: --data, else the first 'file' of the run's config,
    relative to the config's directory (as credo resolves it)."""
    if override:
        return override
    m = re.search(r'file\s*=\s*"([^"]+)"', config_text(f))
    if not m:
        die("no data file in the run's config; use --data")
    path = m.group(1)
    if not os.path.isabs(path):
        cp = f.attrs.get("config_path", b"")
        cp = cp.decode() if isinstance(cp, bytes) else cp
        path = os.path.join(os.path.dirname(cp), path)
    if not os.path.exists(path):
        die("data set '%s' (from the run's config) not "
                 "found; run from the directory credo ran in, or use --data"
                 % path)
    return path


def test_phase(t, r, t0, tp, n):
    """Rates at the end of the n presentations starting at t0, and the
    index of the pattern shown in each."""
    rates, pats = [], []
    for k in range(n):
        t_end = t0 + (k + 1) * tp
        i = np.searchsorted(t, t_end + 1e-9 * tp) - 1  # last sample <= t_end
        if i < 0 or abs(t[i] - t_end) > 0.05 * tp:
            die("no out.r sample near t = %g ms" % t_end)
        rates.append(r[i])
        pats.append(int(round((t0 + k * tp) / tp)))
    return np.array(rates), pats


def read_run(run, data):
    """t_pres, duration, out.r times and rates, the learning curve, the
    final W_IP drift and the solver steps of a run, and its data set."""
    with h5py.File(run, "r") as f:
        text = config_text(f)
        tp = float(re.search(r"t_pres\s*=\s*([0-9.eE+-]+)", text).group(1))
        dur = float(f.attrs["duration"])
        t = f["/report/out/r/mapping/timestamps"][:]
        r = f["/report/out/r/data"][:]
        learn = None
        if "learning" in f and "test_accuracy" in f["learning"]:
            learn = (f["learning/times"][:], f["learning/test_accuracy"][:],
                     f["learning/test_error"][:])
        drift = None
        if "weights" in f and "W21" in f["weights"] and "WIP" in f["weights"]:
            w21 = f["weights/W21/data"][-1]
            wip = f["weights/WIP/data"][-1]
            drift = np.linalg.norm(w21 - wip) / np.linalg.norm(w21)
        steps = int(f["/solver/steps"][()]) if "/solver/steps" in f else -1
        dpath = data_path(f, data)
    return tp, dur, t, r, learn, drift, steps, dpath


def main():
    args = [a for a in sys.argv[1:]]
    data = None
    if "--data" in args:
        k = args.index("--data")
        data = args[k + 1]
        del args[k:k + 2]
    if not args:
        die(__doc__.strip())
    run, fig = args[0], (args[1] if len(args) > 1 else None)
    try:
        tp, dur, t, r, learn, drift, steps, dpath = read_run(run, data)
    except (OSError, KeyError, AttributeError, ValueError) as e:
        die("%s: not a run of bars.cfg (%s)" % (run, e))
    try:
        with h5py.File(dpath, "r") as d:
            labels = d["labels"][:].astype(int)
    except (OSError, KeyError) as e:
        die("%s: not a bars data set (%s)" % (dpath, e))
    n_pat = len(labels)
    epoch = n_pat * tp
    n_ep = dur / epoch - 2
    if abs(n_ep - round(n_ep)) > 1e-9 or n_ep < 0:
        die("duration %g ms is not (E + 2) x %g ms"
                 % (dur, epoch))
    n_ep = int(round(n_ep))

    phases = (("before", 0.0), ("after", dur - epoch))
    acc = {}
    print("t_pres %g ms, %d patterns, %d training epochs, %d solver steps"
          % (tp, n_pat, n_ep, steps))
    print("%-7s %8s %6s  %-26s %5s" % ("test", "pattern", "class",
                                       "output rates (0, 1, 2)",
                                       "pred"))
    results = {}
    for name, t0 in phases:
        rates, pats = test_phase(t, r, t0, tp, n_pat)
        lab = labels[[p % n_pat for p in pats]]
        pred = rates.argmax(axis=1)
        for k in range(n_pat):
            print("%-7s %8d %6d  %-26s %5d%s"
                  % (name, pats[k] % n_pat, lab[k],
                     " ".join("%8.4f" % v for v in rates[k]), pred[k],
                     "" if pred[k] == lab[k] else "  wrong"))
        acc[name] = float(np.mean(pred == lab))
        results[name] = (rates, lab, t0)
    rates, lab, _ = results["after"]
    other = rates.copy()
    other[np.arange(n_pat), lab] = -np.inf
    margin = float(np.min(rates[np.arange(n_pat), lab] - other.max(axis=1)))
    print("accuracy before training: %5.1f %%" % (100 * acc["before"]))
    print("accuracy after training:  %5.1f %%  (%d epochs; margin %.4f)"
          % (100 * acc["after"], n_ep, margin))

    curve = None
    if learn is not None:
        ep = learn[0] / epoch - 1.0  # training starts after one test epoch
        curve = (ep, learn[1])
        bad = np.nonzero(learn[1] < 1.0)[0]
        if len(bad) == 0:
            first = "from the start"
        elif bad[-1] + 1 < len(ep):
            first = "from epoch %g on" % ep[bad[-1] + 1]
        else:
            first = "never"
        print("steady state without teaching (every %g epochs): 100 %% %s"
              % (ep[1] - ep[0] if len(ep) > 1 else 0, first))
        print("test error (steady state, output potentials): %.4g -> %.4g"
              % (learn[2][0], learn[2][-1]))
    if drift is not None:
        print("self-prediction drift |W21 - W_IP| / |W21| at the end: %.3f"
              % drift)

    if fig:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fg, axes = plt.subplots(1, 3, figsize=(12, 3.6),
                                gridspec_kw={"width_ratios": [1, 1, 1]})
        names = ("class 0 (horizontal)", "class 1 (vertical)",
                 "class 2 (diagonal)")
        for ax, (name, _) in zip(axes[:2], phases):
            rates, lab, t0 = results[name]
            sel = (t >= t0) & (t <= t0 + epoch)
            for j in range(3):
                ax.plot((t[sel] - t0) / 1000.0, r[sel, j], label=names[j])
            for k in range(n_pat):
                ax.axvline(k * tp / 1000.0, color="0.85", lw=0.8)
                ax.text((k + 0.5) * tp / 1000.0, ax.get_ylim()[1],
                        "HVD"[lab[k]] if lab.max() < 3 else str(lab[k]),
                        ha="center", va="bottom", fontsize=8)
            ax.set_xlabel("time in test phase (s)")
            ax.set_ylabel("output rate")
            ax.set_title("%s training: %.0f %% correct"
                         % (name, 100 * acc[name]), pad=14)
        axes[0].legend(fontsize=7, loc="lower left")
        ax = axes[2]
        if curve is not None:
            ax.plot(curve[0], 100 * curve[1], ".-",
                    label="steady state (credo /learning)")
        ax.plot([0, n_ep], [100 * acc["before"], 100 * acc["after"]], "o",
                color="k", label="simulated test")
        ax.set_xlabel("training epochs")
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(0, 105)
        ax.set_title("learning")
        ax.legend(fontsize=7, loc="lower right")
        fg.tight_layout()
        fg.savefig(fig, dpi=100)

    return 0 if acc["after"] >= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
