"""tests/aeif_check.py -- the aeif neurons of a credo run against an
independent integration: scipy's solve_ivp (Radau, rtol = atol = 1e-12)
with v = V_peak as a terminal event, the reset applied and the integration
restarted after each spike, input spikes applied at their arrival times.

    python3 aeif_check.py RUN.h5 TOL_MS

Reads tests/configs/aeif.cfg's network from the file's /config (the
parameters are repeated here: the file stores them only as text).  Prints
the largest spike-time difference and exits 1 when it exceeds TOL_MS or a
spike is missing.
"""
import sys

import h5py
import numpy as np
from scipy.integrate import solve_ivp

DEF = dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_T=-50.4, Delta_T=2.0,
           tau_w=144.0, a=4.0, b=80.5, V_reset=-70.6, V_peak=0.0,
           tau_syn_e=5.0, tau_syn_i=10.0, I_ext=0.0, v0=-70.6, w0=0.0)
# the cut V_T + 5 Delta_T (Brette & Gerstner 2005 leave it open, NEST
# suggests it): at NEST's default 0 mV the exponential is so steep that
# Radau at 1e-12 cannot follow it
DEF["V_peak"] = -40.4
T = 600.0
TIMES = [10.0, 10.5, 11.0, 11.3, 60.0, 60.2, 60.4, 60.6, 61.0, 150.0,
         150.25, 150.5, 200.0, 300.0, 300.1, 300.2, 300.3, 300.4, 300.5,
         300.6, 450.0, 450.3, 450.6]


def rhs(p):
    def f(t, y):
        v, w, ie, ii = y
        ex = p["g_L"] * p["Delta_T"] * np.exp((v - p["V_T"]) / p["Delta_T"])
        dv = (-p["g_L"] * (v - p["E_L"]) + ex - w + ie + ii
              + p["I_ext"]) / p["C_m"]
        return [dv, (p["a"] * (v - p["E_L"]) - w) / p["tau_w"],
                -ie / p["tau_syn_e"], -ii / p["tau_syn_i"]]
    return f


def simulate(p, inputs):
    """Spike times of one unit; inputs: sorted (time, variable, weight)."""
    f = rhs(p)

    def peak(t, y):
        return y[0] - p["V_peak"]
    peak.terminal = True
    peak.direction = 1
    y = np.array([p["v0"], p["w0"], 0.0, 0.0])
    t, spikes, k = 0.0, [], 0
    edges = sorted(set([s for s, _, _ in inputs] + [T]))
    for edge in edges:
        while t < edge:
            r = solve_ivp(f, (t, edge), y, method="Radau", rtol=1e-12,
                          atol=1e-12, events=peak)
            y = r.y[:, -1].copy()
            if r.status == 1:  # a spike
                t = r.t_events[0][0]
                y = r.y_events[0][0].copy()
                spikes.append(t)
                y[0] = p["V_reset"]
                y[1] += p["b"]
            else:
                t = edge
        while k < len(inputs) and inputs[k][0] == edge:
            y[inputs[k][1]] += inputs[k][2]
            k += 1
    return np.array(spikes)


def main():
    path, tol = sys.argv[1], float(sys.argv[2])
    pa = dict(DEF, I_ext=800.0)
    pb = dict(DEF, I_ext=300.0, a=2.0, b=40.0, tau_syn_e=3.0)
    inputs = sorted([(t + 1.05, 2, 900.0) for t in TIMES]
                    + [(t + 2.37, 3, -250.0) for t in TIMES])
    worst, ok = 0.0, True
    with h5py.File(path, "r") as f:
        for name, p, inp in (("a", pa, []), ("b", pb, inputs)):
            got = f["spikes/%s/timestamps" % name][:]
            want = simulate(p, inp)
            if len(got) != len(want) or len(want) < 3:
                print("%s: %d spikes, the independent integration %d"
                      % (name, len(got), len(want)))
                ok = False
                continue
            d = np.max(np.abs(got - want))
            worst = max(worst, d)
            print("%s: %d spikes, largest difference %.3g ms"
                  % (name, len(got), d))
    print("largest spike-time difference %.3g ms (tolerance %g ms)"
          % (worst, tol))
    return 0 if ok and worst <= tol else 1


if __name__ == "__main__":
    sys.exit(main())
