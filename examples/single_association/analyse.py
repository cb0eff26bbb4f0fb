#!/usr/bin/python3
"""Fig. 1 of SAC18 from a credo run: the hidden layer's apical error and the
output error around the switch-on of an output target.

usage: analyse.py single_association.h5 [figure.png]

Reads the recorded p1.apical (hidden apical potentials v_A), out.u (output
somata), out.basal_hat (the output's feed-forward prediction u^-, what the
output would be without the teacher), i1.u (interneurons), out.nudge (the
target potentials) and out.gate (1 while the teacher is on).  Prints a table
of mean |v_A|, mean |u_out - u_trgt|, mean |u^- - u_trgt| and mean
|u_I - u_out| over the units, then checks the shape of SAC18 Fig. 1:

  1. self-predicting before the target: mean |v_A| < 1e-3 mV;
  2. an apical error appears with the target: its peak in the first 50 ms
     of teaching exceeds 0.05 mV and 100x the value before;
  3. it decays: at the end of teaching it is 5x below that peak or more;
  4. the output learns: mean |u^- - u_trgt| (the output without teacher)
     falls 5x or more between target onset and the end of teaching;
  5. the association is kept after the teacher goes off (if the run goes
     on): mean |u_out - u_trgt| stays 5x below its value at onset, and the
     apical error stays 5x below its peak.

Exits 1 if any check fails, 2 on bad usage or input.
"""
import sys

import h5py
import numpy as np


def load(path):
    rep = {}
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        sys.stderr.write("%s: cannot open: %s\n" % (path, e))
        sys.exit(2)
    with f:
        if "/report/p1/apical" not in f:
            sys.stderr.write("%s: no /report/p1/apical (not a run of "
                             "single_association.cfg?)\n" % path)
            sys.exit(2)
        t = f["/report/p1/apical/mapping/timestamps"][:]
        for name in ("p1/apical", "out/u", "out/basal_hat", "i1/u",
                     "out/nudge", "out/gate"):
            key = "/report/%s/data" % name
            if key not in f:
                sys.stderr.write("%s: no %s (record it)\n" % (path, key))
                sys.exit(2)
            rep[name] = f[key][:]
            ts = f["/report/%s/mapping/timestamps" % name][:]
            if ts.shape != t.shape or np.any(ts != t):
                sys.stderr.write("%s: record every report on the same "
                                 "grid\n" % path)
                sys.exit(2)
    return t, rep


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    t, rep = load(sys.argv[1])
    teach = rep["out/gate"][:, 0] > 0.5
    if not teach.any():
        sys.stderr.write("%s: the teacher (out.gate) is never on\n"
                         % sys.argv[1])
        sys.exit(2)
    on = int(np.argmax(teach))                        # first sample taught
    off = on + int(np.argmin(teach[on:])) if not teach[on:].all() else len(t)
    if on == 0:
        sys.stderr.write("%s: no samples before the target\n" % sys.argv[1])
        sys.exit(2)
    trgt = rep["out/nudge"][on]                       # one target vector
    va = np.abs(rep["p1/apical"]).mean(axis=1)
    e_out = np.abs(rep["out/u"] - trgt).mean(axis=1)
    e_ff = np.abs(rep["out/basal_hat"] - trgt).mean(axis=1)
    e_int = np.abs(rep["i1/u"] - rep["out/u"]).mean(axis=1)
    t_on = t[on]

    # the rows: before the target, then roughly doubling times after onset
    rows = [on - 1]
    for dt in (5, 25, 50, 100, 250, 500, 1000, 2000, 3000, 4000, 5000,
               7000, 10000, 20000):
        k = int(np.searchsorted(t, t_on + dt))
        if k < off:
            rows.append(k)
    rows.append(off - 1)
    if off < len(t):
        rows += [int(np.searchsorted(t, t[off] + 500.0)), len(t) - 1]
    rows = sorted(set(min(k, len(t) - 1) for k in rows))
    print("target on at t = %.3f s, off at t = %.3f s; %d hidden, %d output "
          "units" % (t_on / 1000, (t[off] if off < len(t) else t[-1]) / 1000,
                     rep["p1/apical"].shape[1], len(trgt)))
    print("   t (s)  teacher  mean|v_A| (mV)  mean|u_out-u_trgt|  "
          "mean|u^- - u_trgt|  mean|u_I-u_out|")
    for k in rows:
        print("%8.3f  %7s  %14.3e  %18.3e  %18.3e  %15.3e"
              % (t[k] / 1000, "on" if teach[k] else "off", va[k], e_out[k],
                 e_ff[k], e_int[k]))

    pre = va[max(0, on - 20):on].max()               # last 100 ms at 5 ms
    early = (t >= t_on) & (t <= t_on + 50.0)
    peak = va[early].max()
    checks = [
        ("self-predicting before the target: mean|v_A| %.2e < 1e-3 mV"
         % pre, pre < 1e-3),
        ("apical error appears: peak %.3g mV > 0.05 mV and > 100x before "
         "(%.3g x)" % (peak, peak / max(pre, 1e-300)),
         peak > 0.05 and peak > 100 * pre),
        ("apical error decays: %.3g mV at the end of teaching, %.3g x below "
         "the peak (>= 5x)" % (va[off - 1], peak / va[off - 1]),
         va[off - 1] * 5 <= peak),
        ("output learns: mean|u^- - u_trgt| %.3g -> %.3g mV (%.3g x, >= 5x)"
         % (e_ff[on], e_ff[off - 1], e_ff[on] / e_ff[off - 1]),
         e_ff[off - 1] * 5 <= e_ff[on]),
    ]
    if off < len(t):
        after = slice(off, len(t))
        checks.append((
            "kept without teacher: max mean|u_out - u_trgt| %.3g mV (onset "
            "%.3g), max mean|v_A| %.3g mV" % (e_out[after].max(), e_out[on],
                                              va[after].max()),
            e_out[after].max() * 5 <= e_out[on]
            and va[after].max() * 5 <= peak))
    print("mean |v_A| fell %.3g x from its peak to the end of teaching; the "
          "feed-forward output error fell %.3g x"
          % (peak / va[off - 1], e_ff[on] / e_ff[off - 1]))
    failed = 0
    for text, good in checks:
        print("%s  %s" % ("ok  " if good else "FAIL", text))
        failed += not good

    if len(sys.argv) > 2:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        ts = t / 1000
        fig, ax = plt.subplots(3, 1, figsize=(7, 8), sharex=True)
        for a in ax:
            a.axvspan(t_on / 1000, (t[off] if off < len(t) else t[-1]) / 1000,
                      color="0.92", zorder=0)
        ax[0].semilogy(ts, np.maximum(va, 1e-12), color="C3")
        ax[0].set_ylabel("mean |v_A| hidden (mV)")
        ax[0].set_title("Single association from the self-predicting state "
                        "(SAC18 Fig. 1)\nshaded: output target on")
        worst = np.argsort(-np.abs(rep["out/basal_hat"][on] - trgt))[:3]
        for j, c in zip(worst, ("C0", "C1", "C2")):
            ax[1].plot(ts, rep["out/u"][:, j], color=c, label="u_out %d" % j)
            ax[1].plot(ts, np.full_like(ts, trgt[j]), "--", color=c, lw=1)
        ax[1].set_ylabel("output u (mV)\ndashed: targets")
        ax[1].set_title("the 3 output units farthest from their targets",
                        fontsize=9)
        ax[1].legend(loc="right", fontsize=8)
        ax[2].semilogy(ts, np.maximum(e_out, 1e-12),
                       label="mean |u_out - u_trgt|")
        ax[2].semilogy(ts, np.maximum(e_ff, 1e-12),
                       label="mean |u^- - u_trgt| (no teacher)")
        ax[2].semilogy(ts, np.maximum(e_int, 1e-12),
                       label="mean |u_I - u_out| (interneurons)")
        ax[2].set_ylabel("mV")
        for a in (ax[0], ax[2]):
            a.set_ylim(bottom=1e-9)
        ax[2].set_xlabel("simulated time (s)")
        ax[2].legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(sys.argv[2], dpi=100)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
