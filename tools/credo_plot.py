#!/usr/bin/python3
# tools/credo_plot.py -- figures from credo output files.  Run it through
# tools/credo-plot, which picks a Python 3 that has numpy, h5py and
# matplotlib.
#
# Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
"""Figures from credo output files (HDF5), drawn without a display.

  traces FILE.h5 -o OUT.png     recorded variables against time
  weights FILE.h5 -o OUT.png    weight snapshots: a few weights, ||W||_F
  learning FILE.h5 -o OUT.png   errors and alignment angles
  summary FILE.h5               what the file holds, as text

The layout read (see src/recorder.c):

  /                       attributes credo_version (required), status, ...
  /report/<pop>/<var>/    data [time x units] (attribute units),
                          mapping/node_ids [units], mapping/timestamps [time]
  /weights/<proj>/        data [snapshot x post x pre], times [snapshot] (ms)
  /learning/              times (ms); any of loss, train_error, test_error,
                          apical_error (or any other *_error), test_accuracy
                          (or any other *_accuracy, fractions) and
                          angle_<layer> (degrees), each [len(times)]; NaN
                          marks a time at which a curve was not evaluated;
                          attribute mean_predictor_error (optional)

Exit codes: 0 ok, 2 bad input (missing or foreign file, unknown variable or
projection, absent group, unwritable output).
"""

import argparse
import math
import os
import sys

PROG = "credo-plot"

np = h5py = plt = None  # imported by load(), after the command line


def load(pyplot=False):
    """Imports numpy and h5py, or matplotlib with the Agg backend: late,
    so that --help and bad input are reported quickly."""
    global np, h5py, plt
    # A killed run's PATH.part may still carry HDF5's lock; reading is safe.
    os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")
    try:
        import numpy
        import h5py as h5
        np, h5py = numpy, h5
        if pyplot:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as pl
            plt = pl
    except ImportError as e:  # run directly with a Python that lacks them
        sys.stderr.write(
            "%s: %s; needs numpy, h5py and matplotlib (Debian: apt-get "
            "install python3-numpy python3-h5py python3-matplotlib)\n"
            % (PROG, e))
        sys.exit(2)


class UserError(Exception):
    """A bad input: reported on stderr as one line, exit code 2."""


def fail(msg):
    raise UserError(msg)


def warn(msg):
    sys.stderr.write("%s: warning: %s\n" % (PROG, msg))


def astr(v):
    """An HDF5 string attribute as str (vlen -> str, fixed -> bytes)."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return astr(v[()])
    return str(v)


def fmt(v):
    """An attribute or scalar for printing: numbers by %g."""
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    if isinstance(v, (float, np.floating)):
        return "%g" % v
    return astr(v)


def attr(obj, name, default=None):
    v = obj.attrs.get(name)
    return default if v is None else astr(v)


# ---- the file ---------------------------------------------------------------

def open_credo(path):
    if not os.path.exists(path):
        fail("%s: no such file" % path)
    if os.path.isdir(path):
        fail("%s: is a directory" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        why = str(e)
        if "signature" in why:
            fail("%s: not an HDF5 file" % path)
        fail("%s: cannot open as HDF5 (%s)" % (path, why))
    if "credo_version" not in f.attrs:
        f.close()
        fail("%s: not a credo output file (no credo_version attribute)" % path)
    status = attr(f, "status", "")
    if status and status != "ok":
        warn("%s: run status '%s'; showing what was recorded" % (path, status))
    return f


def need(group, name, path):
    """group[name], or a message naming the file and the missing object."""
    if name not in group:
        fail("%s: %s has no %s (damaged or incomplete file)"
             % (path, group.name, name))
    return group[name]


class Report:
    def __init__(self, path, pop, var, g):
        self.path, self.pop, self.var, self.g = path, pop, var, g
        self.name = "%s.%s" % (pop, var)
        self.data = need(g, "data", path)
        m = need(g, "mapping", path)
        self.tds = need(m, "timestamps", path)
        self.ids = np.asarray(need(m, "node_ids", path)[()], dtype=np.int64)
        self.units = attr(self.data, "units", "")
        self.variable = attr(g, "variable", var)
        if self.data.ndim != 2 or self.data.shape[1] != len(self.ids):
            fail("%s: %s/data has shape %s, expected [time x %d units]"
                 % (path, g.name, self.data.shape, len(self.ids)))
        # a .part file may hold more timestamps than rows or the reverse
        self.rows = min(self.data.shape[0], self.tds.shape[0])


def reports(f, path):
    out = []
    rep = f.get("report")
    if not isinstance(rep, h5py.Group):
        return out
    for pop in rep:  # creation order: the order of the circuit file
        pg = rep[pop]
        if not isinstance(pg, h5py.Group):
            continue
        for var in pg:
            g = pg[var]
            if isinstance(g, h5py.Group) and "data" in g:
                out.append(Report(path, pop, var, g))
    return out


def time_scale(*ts):
    """The divisor of times in ms and the axis label: ms, or seconds when
    the times reach beyond 100 s."""
    big = max([float(np.nanmax(np.abs(t))) for t in ts
               if np.size(t) and np.isfinite(t).any()] or [0.0])
    return (1e3, "time (s)") if big > 1e5 else (1.0, "time (ms)")


def unit_label(name, units):
    return "%s (%s)" % (name, units) if units else name


def subplots(*args, **kw):
    load(pyplot=True)
    return plt.subplots(*args, **kw)


def save(fig, out, dpi):
    d = os.path.dirname(out) or "."
    if not os.path.isdir(d):
        fail("%s: no such directory for the output file %s" % (d, out))
    try:
        fig.savefig(out, dpi=dpi)
    except (OSError, ValueError) as e:
        fail("%s: cannot write the figure (%s)" % (out, e))
    finally:
        plt.close(fig)


def suptitle(fig, f, path, what):
    bits = [os.path.basename(path), what]
    te = f.attrs.get("t_end")
    if te is not None:
        bits.append("t_end %g ms" % float(te))
    status = attr(f, "status", "")
    if status and status != "ok":
        bits.append("status: " + status)
    fig.suptitle("  |  ".join(bits), fontsize=10)


# ---- traces -----------------------------------------------------------------

def parse_units(text):
    ids = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part[1:]:
                a, b = part.split("-", 1)
                a, b = int(a), int(b)
                if b < a:
                    raise ValueError
                ids.extend(range(a, b + 1))
            else:
                ids.append(int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(
                "bad unit list '%s' (expected e.g. 0,1,2 or 0-9)" % text)
    if not ids or min(ids) < 0:
        raise argparse.ArgumentTypeError("bad unit list '%s'" % text)
    return sorted(set(ids))


def select_reports(reps, specs, path):
    if not specs:
        return reps
    names = ", ".join(r.name for r in reps) or "none"
    chosen = []
    for spec in (s.strip() for item in specs for s in item.split(",")):
        if not spec:
            continue
        pop, sep, var = spec.replace("/", ".").partition(".")
        hits = [r for r in reps if r.pop == pop
                and (not sep or var in (r.var, r.variable))]
        if not hits:
            fail("%s: no recorded variable '%s' (recorded: %s)"
                 % (path, spec, names))
        chosen.extend(r for r in hits if r not in chosen)
    return chosen


def envelope(t, y, max_points):
    """Keeps each bin's minimum and maximum so that narrow peaks survive
    thinning a long trace to about max_points points."""
    n = len(t)
    if n <= max_points:
        return t, y
    k = int(math.ceil(n / (max_points / 2.0)))
    nb = n // k
    yb = y[: nb * k].reshape(nb, k)
    base = np.arange(nb) * k
    i1, i2 = base + yb.argmin(axis=1), base + yb.argmax(axis=1)
    idx = np.concatenate([np.minimum(i1, i2), np.maximum(i1, i2)])
    idx = np.concatenate([np.sort(idx), np.arange(nb * k, n)])
    return t[idx], y[idx]


def cmd_traces(a):
    f = open_credo(a.file)
    reps = reports(f, a.file)
    if not reps:
        fail("%s: no reports recorded" % a.file)
    reps = select_reports(reps, a.var, a.file)
    if a.tmin is not None and a.tmax is not None and a.tmax <= a.tmin:
        fail("--tmax %g is not after --tmin %g" % (a.tmax, a.tmin))

    panels = []
    for r in reps:
        if a.units:
            missing = [u for u in a.units if u not in set(r.ids.tolist())]
            if missing:
                fail("%s: %s has no unit %d (recorded units: %s)"
                     % (a.file, r.name, missing[0], id_ranges(r.ids)))
            pos = {u: i for i, u in enumerate(r.ids.tolist())}
            cols = [pos[u] for u in a.units]
        else:
            n = len(r.ids)
            m = min(n, a.max_units)
            cols = sorted(set(np.linspace(0, n - 1, m).round().astype(int)
                              .tolist())) if m else []
        t = np.asarray(r.tds[: r.rows], dtype=float)
        r0 = 0 if a.tmin is None else int(np.searchsorted(t, a.tmin, "left"))
        r1 = r.rows if a.tmax is None else int(
            np.searchsorted(t, a.tmax, "right"))
        r1 = max(r0, r1)
        order = np.argsort(cols)
        ys = np.empty((r1 - r0, len(cols)))
        if r1 > r0 and cols:
            srt = [cols[i] for i in order]
            ys[:, order] = r.data[r0:r1, srt]
        panels.append((r, t[r0:r1], ys, [int(r.ids[c]) for c in cols]))
    if all(p[1].size == 0 for p in panels):
        fail("%s: no samples from %s to %s"
             % (a.file, "the start" if a.tmin is None else "%g ms" % a.tmin,
                "the end" if a.tmax is None else "%g ms" % a.tmax))

    n = len(panels)
    fig, axes = subplots(n, 1, sharex=True, squeeze=False,
                             figsize=(a.width, 0.9 + 2.3 * n))
    div, xlabel = time_scale(*[p[1] for p in panels])
    for ax, (r, t, ys, ids) in zip(axes[:, 0], panels):
        tt = t / div
        for j, uid in enumerate(ids):
            x, y = envelope(tt, ys[:, j], a.max_points)
            ax.plot(x, y, lw=1.0, label="unit %d" % uid)
        shown = "%d of %d units" % (len(ids), len(r.ids))
        kind = attr(r.g, "kind", "")
        model = attr(r.g, "model", "")
        ax.set_title("%s   (%s%s; %s)" % (r.name, model,
                                          ", " + kind if kind else "", shown),
                     fontsize=9, loc="left")
        ax.set_ylabel(unit_label(r.variable, r.units))
        ax.grid(True, alpha=0.3)
        if t.size == 0:
            ax.text(0.5, 0.5, "no samples in this time range",
                    transform=ax.transAxes, ha="center", va="center")
        elif ids and len(ids) <= 12:
            ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0),
                      fontsize=7, frameon=False, handlelength=1.5)
    axes[-1, 0].set_xlabel(xlabel)
    if a.tmin is not None or a.tmax is not None:
        lo = None if a.tmin is None else a.tmin / div
        hi = None if a.tmax is None else a.tmax / div
        axes[-1, 0].set_xlim(lo, hi)
    suptitle(fig, f, a.file, "traces")
    fig.tight_layout()
    save(fig, a.output, a.dpi)
    f.close()


def id_ranges(ids):
    ids = sorted(int(i) for i in ids)
    if not ids:
        return "none"
    out, start, prev = [], ids[0], ids[0]
    for i in ids[1:] + [None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        out.append("%d" % start if start == prev else "%d-%d" % (start, prev))
        if i is not None:
            start = prev = i
    return ",".join(out)


# ---- weights ----------------------------------------------------------------

def projections(f, path):
    g = f.get("weights")
    if not isinstance(g, h5py.Group):
        fail("%s: no /weights group (this run recorded no weight snapshots)"
             % path)
    out = [(n, g[n]) for n in g
           if isinstance(g[n], h5py.Group) and "data" in g[n]]
    if not out:
        fail("%s: /weights holds no projection with data" % path)
    return out


def cmd_weights(a):
    f = open_credo(a.file)
    projs = projections(f, a.file)
    if a.proj:
        names = [p for item in a.proj for p in item.split(",") if p]
        known = dict(projs)
        for n in names:
            if n not in known:
                fail("%s: no weights recorded for projection '%s' "
                     "(recorded: %s)" % (a.file, n,
                                         ", ".join(p for p, _ in projs)))
        projs = [(n, known[n]) for n in dict.fromkeys(names)]

    rows = []
    for name, g in projs:
        d = g["data"]
        if d.ndim != 3:
            fail("%s: %s/data has shape %s, expected [snapshot x post x pre]"
                 % (a.file, g.name, d.shape))
        times = np.asarray(need(g, "times", a.file)[()], dtype=float)
        ns = min(d.shape[0], len(times))
        if ns == 0:
            fail("%s: %s holds no snapshots" % (a.file, g.name))
        npost, npre = d.shape[1], d.shape[2]
        size = npost * npre
        w0 = np.asarray(d[0], dtype=float).ravel()
        w1 = np.asarray(d[ns - 1], dtype=float).ravel()
        k = min(a.n, size)
        change = np.abs(w1 - w0)
        if k and np.any(change > 0):   # the weights that moved most
            pick = np.argsort(-change, kind="stable")[:k]
        else:
            pick = np.linspace(0, size - 1, k).round().astype(int)
        pick = np.unique(pick)
        vals = np.empty((ns, len(pick)))
        norm = np.empty(ns)
        block = max(1, int(64e6 // max(1, size * 8)))
        for s in range(0, ns, block):
            w = np.asarray(d[s: min(ns, s + block)], dtype=float)
            w = w.reshape(w.shape[0], size)
            norm[s: s + w.shape[0]] = np.sqrt(np.einsum("ij,ij->i", w, w))
            vals[s: s + w.shape[0]] = w[:, pick]
        rows.append((name, g, times[:ns], vals, pick, norm, (npost, npre),
                     np.linalg.norm(w1 - w0)))

    n = len(rows)
    fig, axes = subplots(n, 2, squeeze=False,
                             figsize=(a.width, 0.9 + 2.6 * n),
                             gridspec_kw={"width_ratios": [3, 2]})
    for (name, g, t, vals, pick, norm, shape, dnorm), (ax, bx) in \
            zip(rows, axes):
        div, xlabel = time_scale(t)
        tt = t / div
        mk = "o" if len(tt) <= 30 else None
        wunits = attr(g["data"], "units", "")
        for j, p in enumerate(pick):
            i, jj = divmod(int(p), shape[1])
            ax.plot(tt, vals[:, j], lw=1.0, marker=mk, ms=3,
                    label="w[%d,%d]" % (i, jj))
        pre, post = attr(g, "pre", ""), attr(g, "post", "")
        link = " (%s -> %s)" % (pre, post) if pre and post else ""
        ax.set_title("%s%s: %d of %d weights [post x pre = %d x %d]"
                     % (name, link, len(pick), shape[0] * shape[1],
                        shape[0], shape[1]), fontsize=9, loc="left")
        ax.set_ylabel(unit_label("weight", wunits))
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
        if len(pick) <= 12:
            ax.legend(fontsize=7, frameon=False, ncol=2)
        bx.plot(tt, norm, lw=1.5, color="k", marker=mk, ms=3)
        rel = dnorm / norm[0] if norm[0] > 0 else float("nan")
        bx.set_title(r"Frobenius norm;  $\Vert W_{end} - W_0\Vert_F$ = %.3g"
                     r" = %.3g $\Vert W_0\Vert_F$" % (dnorm, rel),
                     fontsize=9, loc="left")
        bx.set_ylabel(r"$\Vert W\Vert_F$")
        bx.set_xlabel(xlabel)
        bx.grid(True, alpha=0.3)
    suptitle(fig, f, a.file, "weights")
    fig.tight_layout()
    save(fig, a.output, a.dpi)
    f.close()


# ---- learning curves --------------------------------------------------------

ERRORS = ("loss", "train_error", "test_error", "apical_error")


def cmd_learning(a):
    f = open_credo(a.file)
    g = f.get("learning")
    if not isinstance(g, h5py.Group):
        fail("%s: no /learning group (this run recorded no learning curves)"
             % a.file)
    times = np.asarray(need(g, "times", a.file)[()], dtype=float).ravel()
    names = [n for n in g if isinstance(g[n], h5py.Dataset) and n != "times"]
    errs = [n for n in ERRORS if n in names] + sorted(
        n for n in names if n.endswith("_error") and n not in ERRORS)
    angles = sorted(n for n in names if n.startswith("angle_"))
    accs = sorted(n for n in names if n.endswith("_accuracy"))
    if not errs and not angles and not accs:
        fail("%s: /learning has no *_error, *_accuracy or angle_<layer> "
             "datasets (found: %s)" % (a.file, ", ".join(names) or "none"))
    mean_pred = g.attrs.get("mean_predictor_error")

    def curve(n):
        y = np.asarray(g[n][()], dtype=float).ravel()
        if len(y) != len(times):
            fail("%s: /learning/%s has %d values but /learning/times has %d"
                 % (a.file, n, len(y), len(times)))
        ok = np.isfinite(y) & np.isfinite(times)
        return times[ok] / div, y[ok]

    panels = [p for p in (("errors", errs), ("accuracy", accs),
                          ("angles", angles)) if p[1]]
    fig, axes = subplots(len(panels), 1, sharex=True, squeeze=False,
                             figsize=(a.width, 0.9 + 3.0 * len(panels)))
    div, xlabel = time_scale(times)
    for ax, (kind, ds) in zip(axes[:, 0], panels):
        positive = True
        for n in ds:
            t, y = curve(n)
            mk = "o" if len(t) <= 30 else None
            ax.plot(t, y, lw=1.2, marker=mk, ms=3,
                    label=n[len("angle_"):] if kind == "angles" else n)
            positive = positive and (y.size == 0 or np.all(y > 0))
        if kind == "errors":
            if mean_pred is not None and np.isfinite(mean_pred):
                ax.axhline(float(mean_pred), color="0.4", ls=":", lw=1.0,
                           label="always predicting the mean target")
            if positive:
                ax.set_yscale("log")
            units = attr(g[ds[0]], "units", "")
            ax.set_ylabel(unit_label("error", units)
                          + ("" if positive else "  (linear: values <= 0)"))
            ax.set_title("learning curves", fontsize=9, loc="left")
        elif kind == "accuracy":
            for line in ax.get_lines():   # fractions, shown in percent
                line.set_ydata(100 * np.asarray(line.get_ydata()))
            ax.set_ylim(-2, 102)
            ax.set_ylabel("accuracy (%)")
            ax.set_title("classification accuracy", fontsize=9, loc="left")
        else:
            ax.axhline(90, color="0.5", ls="--", lw=0.8)
            ax.set_ylim(0, max(95, ax.get_ylim()[1]))
            ax.set_ylabel("angle (degrees)")
            ax.set_title("angle between the weight change and the "
                         "backprop gradient, per layer (90 = orthogonal)",
                         fontsize=9, loc="left")
        ax.grid(True, alpha=0.3, which="both" if kind == "errors" else "major")
        ax.legend(fontsize=8, frameon=False)
    axes[-1, 0].set_xlabel(xlabel)
    suptitle(fig, f, a.file, "learning")
    fig.tight_layout()
    save(fig, a.output, a.dpi)
    f.close()


# ---- spikes -------------------------------------------------------------------

def spike_pops(f, path, wanted):
    g = f.get("spikes")
    if not isinstance(g, h5py.Group) or not len(g):
        fail("%s: no /spikes group (this run recorded no spikes)" % path)
    names = list(g)
    for w in wanted or []:
        if w not in names:
            fail("%s: no spikes of population '%s' (recorded: %s)"
                 % (path, w, ", ".join(names)))
    out = []
    for n in wanted or names:
        p = g[n]
        t = np.asarray(need(p, "timestamps", path)[()], dtype=float).ravel()
        ids = np.asarray(need(p, "node_ids", path)[()]).ravel()
        if len(t) != len(ids):
            fail("%s: /spikes/%s has %d timestamps but %d node_ids"
                 % (path, n, len(t), len(ids)))
        nn = p.attrs.get("n_nodes")
        size = int(nn) if nn is not None else (int(ids.max()) + 1
                                                if ids.size else 1)
        out.append((n, t, ids.astype(np.int64), size))
    return out


def cmd_spikes(a):
    f = open_credo(a.file)
    pops = spike_pops(f, a.file, a.pop)
    tmin = a.tmin if a.tmin is not None else 0.0
    tend = float(attr(f, "t_end", attr(f, "duration", 0.0)) or 0.0)
    tmax = a.tmax if a.tmax is not None else max(
        [tend] + [float(t.max()) for _, t, _, _ in pops if t.size])
    if not tmax > tmin:
        fail("%s: empty time window [%g, %g] ms" % (a.file, tmin, tmax))
    fig, axes = subplots(3, 1, squeeze=False,
                         figsize=(a.width, 0.9 + 3.0 * 3))
    ax_r, ax_h, ax_i = axes[:, 0]
    base = 0
    edges = np.arange(tmin, tmax + a.bin, a.bin)
    for k, (name, t, ids, size) in enumerate(pops):
        keep = (t >= tmin) & (t <= tmax)
        show = ids < a.max_units
        col = "C%d" % k
        ax_r.plot(t[keep & show], base + ids[keep & show], ".", ms=1.5,
                  color=col, label="%s (%d of %d units)"
                  % (name, min(size, a.max_units), size))
        base += min(size, a.max_units)
        counts, _ = np.histogram(t[keep], bins=edges)
        rate = counts / (size * a.bin * 1e-3)
        ax_h.step(edges[:-1], rate, where="post", color=col,
                  label="%s: mean %.3g Hz" % (name, keep.sum() / (
                      size * (tmax - tmin) * 1e-3)))
        isi = []
        order = np.lexsort((t, ids))
        st, si = t[order], ids[order]
        same = si[1:] == si[:-1]
        isi = np.diff(st)[same]
        if isi.size:
            hi = max(float(isi.max()), 1e-9)
            lo = max(float(isi[isi > 0].min()) if (isi > 0).any() else hi,
                     1e-6)
            bins = np.logspace(np.log10(lo), np.log10(hi) + 1e-9, 50)
            ax_i.hist(isi[isi > 0], bins=bins, histtype="step", color=col,
                      label="%s: %d intervals, CV %.2f" % (
                          name, isi.size,
                          float(isi.std() / isi.mean()) if isi.mean() > 0
                          else float("nan")))
    ax_r.set_ylabel("unit")
    ax_r.set_xlim(tmin, tmax)
    ax_r.set_title("raster", fontsize=9, loc="left")
    ax_h.set_ylabel("rate per unit (Hz)")
    ax_h.set_xlabel("time (ms)")
    ax_h.set_xlim(tmin, tmax)
    ax_h.set_title("population rate, %g ms bins" % a.bin, fontsize=9,
                   loc="left")
    ax_i.set_xscale("log")
    ax_i.set_xlabel("inter-spike interval (ms)")
    ax_i.set_ylabel("count")
    ax_i.set_title("inter-spike intervals (pooled over units)", fontsize=9,
                   loc="left")
    for ax in (ax_r, ax_h, ax_i):
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, frameon=False, markerscale=4)
    suptitle(fig, f, a.file, "spikes")
    fig.tight_layout()
    save(fig, a.output, a.dpi)
    f.close()


# ---- summary ----------------------------------------------------------------

def cmd_summary(a):
    f = open_credo(a.file)
    p = print
    p("file           %s" % a.file)
    for key, label in (("credo_version", "credo version"),
                       ("status", "status"), ("seed", "seed"),
                       ("duration", "duration (ms)"), ("t_end", "t_end (ms)"),
                       ("command_line", "command line")):
        if key in f.attrs:
            p("%-14s %s" % (label, fmt(f.attrs[key])))
    reps = reports(f, a.file)
    p("\nreports" if reps else "\nreports        none")
    for r in reps:
        t = r.tds[: r.rows]
        span = "%g to %g ms" % (t[0], t[-1]) if r.rows else "no samples"
        p("  %-24s %-8s %5d units  %7d samples  %s  %s"
          % (r.name, "(%s)" % r.units, len(r.ids), r.rows, span,
             r.data.dtype))
    sg = f.get("spikes")
    if isinstance(sg, h5py.Group):
        p("\nspikes")
        for n in sg:
            if isinstance(sg[n], h5py.Group) and "timestamps" in sg[n]:
                t = sg[n]["timestamps"]
                p("  %-24s %7d spikes  %s units" % (
                    n, t.shape[0], fmt(sg[n].attrs.get("n_nodes", "?"))))
    w = f.get("weights")
    if isinstance(w, h5py.Group):
        p("\nweights")
        for n in w:
            if isinstance(w[n], h5py.Group) and "data" in w[n]:
                d = w[n]["data"]
                p("  %-24s %s" % (n, " x ".join(str(s) for s in d.shape)
                                  + "  [snapshot x post x pre]"))
    lg = f.get("learning")
    if isinstance(lg, h5py.Group):
        p("\nlearning")
        for n in lg:
            if isinstance(lg[n], h5py.Dataset):
                v = np.asarray(lg[n][()], dtype=float).ravel()
                last = v[np.isfinite(v)]
                p("  %-24s %6d values%s" % (n, v.size, "  last %.4g" % last[-1]
                                            if last.size and n != "times"
                                            else ""))
    s = f.get("solver")
    if isinstance(s, h5py.Group):
        p("\nsolver")
        for n in s:
            if isinstance(s[n], h5py.Dataset) and s[n].shape == ():
                p("  %-20s %s" % (n, fmt(s[n][()])))
    f.close()


# ---- command line -----------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(
        prog=PROG, description="Figures (PNG, or PDF/SVG by the extension "
        "of -o) from a credo output file, drawn without a display.",
        epilog="Exit codes: 0 ok, 2 bad input.  '%s COMMAND --help' "
        "describes each command." % PROG)
    sub = ap.add_subparsers(dest="cmd", metavar="COMMAND")
    sub.required = True

    def common(p, output=True):
        p.add_argument("file", metavar="FILE.h5", help="a credo output file")
        if output:
            p.add_argument("-o", "--output", required=True, metavar="OUT.png",
                           help="the figure to write")
            p.add_argument("--dpi", type=float, default=100,
                           help="resolution (default 100)")
            p.add_argument("--width", type=float, default=10,
                           help="figure width in inches (default 10)")

    p = sub.add_parser(
        "traces", help="recorded variables against time",
        description="One panel per recorded variable (default: every report "
        "in the file), one line per unit, against time in ms.")
    common(p)
    p.add_argument("--var", action="append", metavar="POP.VAR",
                   help="a variable to plot, e.g. hidden.u; POP alone means "
                   "all of its variables; repeat or separate by commas")
    p.add_argument("--units", type=parse_units, metavar="LIST",
                   help="unit indices in the population, e.g. 0,1,2 or 0-9 "
                   "(default: up to --max-units, evenly spread)")
    p.add_argument("--max-units", type=int, default=10, metavar="N",
                   help="lines per panel without --units (default 10)")
    p.add_argument("--tmin", type=float, metavar="T", help="start, ms")
    p.add_argument("--tmax", type=float, metavar="T", help="end, ms")
    p.add_argument("--max-points", type=int, default=20000, metavar="N",
                   help="longer traces are thinned to about N points, "
                   "keeping minima and maxima (default 20000)")
    p.set_defaults(func=cmd_traces)

    p = sub.add_parser(
        "weights", help="weight evolution from /weights",
        description="For each projection in /weights/<proj>/ (data "
        "[snapshot x post x pre], times in ms): the weights that changed "
        "most, and the Frobenius norm, against time.")
    common(p)
    p.add_argument("--proj", action="append", metavar="NAME",
                   help="a projection to plot (default: all); repeatable")
    p.add_argument("-n", type=int, default=8, metavar="N",
                   help="individual weights per projection (default 8)")
    p.set_defaults(func=cmd_weights)

    p = sub.add_parser(
        "learning", help="learning curves and alignment angles",
        description="From /learning/: times (ms), the errors train_error, "
        "test_error, apical_error (and any other *_error; log scale) in one "
        "panel with the error of always predicting the mean target (the "
        "attribute mean_predictor_error), *_accuracy (fractions, drawn in "
        "percent) in another, and angle_<layer> (degrees: the angle between "
        "the layer's weight change and the backprop gradient) in a third.  "
        "NaN values are skipped.")
    common(p)
    p.set_defaults(func=cmd_learning)

    p = sub.add_parser(
        "spikes", help="raster, population rate and inter-spike intervals",
        description="From /spikes/<population>/ (SONATA: timestamps in ms, "
        "node_ids): a raster of the first --max-units units of each "
        "population, the population rate per unit in bins of --bin ms, and "
        "the distribution of inter-spike intervals pooled over units (log "
        "scale; the legend gives their coefficient of variation).")
    common(p)
    p.add_argument("--pop", action="append", metavar="POP",
                   help="a population (default: all); repeatable")
    p.add_argument("--bin", type=float, default=5.0, metavar="MS",
                   help="rate histogram bin, ms (default 5)")
    p.add_argument("--max-units", type=int, default=200, metavar="N",
                   help="units per population in the raster (default 200)")
    p.add_argument("--tmin", type=float, metavar="T", help="start, ms")
    p.add_argument("--tmax", type=float, metavar="T", help="end, ms")
    p.set_defaults(func=cmd_spikes)

    p = sub.add_parser("summary", help="what the file holds, as text",
                       description="A text description of the file: run "
                       "attributes, reports, weights, learning curves and "
                       "solver statistics.")
    common(p, output=False)
    p.set_defaults(func=cmd_summary)

    a = ap.parse_args(argv)
    for opt in ("max_units", "max_points", "n"):
        if getattr(a, opt, 1) < 1:
            ap.error("--%s must be at least 1" % opt.replace("_", "-"))
    if getattr(a, "dpi", 1) <= 0 or getattr(a, "width", 1) <= 0:
        ap.error("--dpi and --width must be positive")
    if not getattr(a, "bin", 1) > 0:
        ap.error("--bin must be positive")
    load()
    try:
        a.func(a)
    except UserError as e:
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 2
    except BrokenPipeError:  # summary | head
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as e:  # reading a damaged or truncated file
        sys.stderr.write("%s: %s: %s\n" % (PROG, a.file, e))
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
