"""Reading a credo output file (the layout is described in
src/record/recorder.c): reports, spikes, weight snapshots, learning curves
and progress, as numpy arrays with their times in ms.

A Run opens the file for each call and closes it again, so a sweep of many
runs holds no file handles, and a file that is still being written (or the
PATH.part of a killed run) is read afresh each time: such files are opened
as HDF5 single-writer/multiple-reader (swmr=True) readers and only what the
recorder has declared complete (/progress/t_complete) is returned.
"""
import collections
import contextlib
import math
import os

import h5py
import numpy as np

Report = collections.namedtuple(
    "Report", "population variable times data units node_ids")
Report.__doc__ = """One report: times (ms, [time]), data ([time x units]),
units (a string, "1" for dimensionless), node_ids (the recorded units)."""

Weights = collections.namedtuple("Weights", "times data pre post rule")
Weights.__doc__ = """A projection's snapshots: times (ms, [snapshot]), data
([snapshot x post x pre], or [snapshot x post x 1] for one-to-one), the
pre and post population names and the plasticity rule (or "static")."""


def _str(v):
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace").rstrip("\0")
    if isinstance(v, np.ndarray) and v.shape == ():
        return _str(v[()])
    return v


def _plain(v):
    """An attribute as a Python value: str, int, float, or an array."""
    v = _str(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _h5open(path, swmr, locking):
    if locking is None:
        return h5py.File(path, "r", swmr=swmr)
    try:
        return h5py.File(path, "r", swmr=swmr, locking=locking)
    except TypeError:  # h5py < 3.5 has no locking argument
        return h5py.File(path, "r", swmr=swmr)


class Run:
    """A credo output file.  Use credo.open(path) or credo.run(...)."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError("%s: no such file" % self.path)
        self._swmr = self.path.endswith(".part")
        with self._file() as f:
            if "credo_version" not in f.attrs:
                raise ValueError("%s: not a credo output file (no "
                                 "credo_version attribute)" % self.path)
            if _str(f.attrs.get("status")) == "running":
                self._swmr = True

    def __repr__(self):
        return "<credo.Run %s (%s)>" % (self.path, self.status)

    @contextlib.contextmanager
    def _file(self):
        # without HDF5's file lock first (a killed run's .part may keep
        # it), then with it (the file is open elsewhere in this process
        # with the default flags), then as an SWMR reader (a run writing)
        tries = [(self._swmr, False), (self._swmr, None)]
        if not self._swmr:
            tries.append((True, False))
        errors = []
        for swmr, locking in tries:
            try:
                f = _h5open(self.path, swmr, locking)
                break
            except OSError as e:
                errors.append(e)
        else:
            raise errors[0]
        try:
            yield f
        finally:
            f.close()

    # ---- metadata --------------------------------------------------------

    @property
    def attrs(self):
        """The root attributes (credo_version, config, seed, status, ...)
        as a dict of Python values."""
        with self._file() as f:
            return {k: _plain(v) for k, v in f.attrs.items()}

    @property
    def status(self):
        """"ok", "failed: ...", or "running" (still written, or killed);
        the final state from /progress when the attribute still says
        running."""
        with self._file() as f:
            s = _str(f.attrs.get("status", ""))
            if s == "running" and "progress/state" in f:
                state = _str(f["progress/state"][()])
                if state:
                    s = state
            return s

    @property
    def complete_until(self):
        """Every sample at t <= complete_until (ms) is in the file:
        /progress/t_complete (NaN: nothing yet), or t_end in files without
        /progress."""
        with self._file() as f:
            return self._complete(f)

    @staticmethod
    def _complete(f):
        if "progress/t_complete" in f:
            d = f["progress/t_complete"]
            if f.swmr_mode:
                d.refresh()
            return float(d[()])
        return float(f.attrs.get("t_end", math.nan))

    def _limit(self, f):
        """The last time a reader may trust: t_complete while the run is
        unfinished, else no limit."""
        if _str(f.attrs.get("status", "")) == "running":
            return self._complete(f)
        return math.inf

    def _rows(self, f, times, *rest):
        """The times (ms) of the rows that `times` and the data sets `rest`
        all hold, up to t_complete (a file being written may hold more
        timestamps than rows or the reverse), and their count."""
        if f.swmr_mode:
            for d in (times,) + rest:
                d.refresh()
        n = min(d.shape[0] for d in (times,) + rest)
        t = np.asarray(times[:n], dtype=np.float64)
        n = int(np.searchsorted(t, self._limit(f), side="right"))
        return t[:n], n

    @property
    def populations(self):
        """The populations with recorded reports or spikes, in file order."""
        out = []
        with self._file() as f:
            for top in ("report", "spikes"):
                g = f.get(top)
                if isinstance(g, h5py.Group):
                    out += [p for p in g if p not in out]
        return out

    # ---- reports ---------------------------------------------------------

    def reports(self):
        """The recorded (population, variable) pairs."""
        out = []
        with self._file() as f:
            g = f.get("report")
            if isinstance(g, h5py.Group):
                for pop in g:
                    for var in g[pop]:
                        if "data" in g[pop][var]:
                            out.append((pop, var))
        return out

    def report(self, pop, var):
        """The report of variable `var` of population `pop` (a Report)."""
        with self._file() as f:
            name = "report/%s/%s" % (pop, var)
            if name not in f:
                raise KeyError("%s: no report %s.%s (recorded: %s)"
                               % (self.path, pop, var, ", ".join(
                                   "%s.%s" % pv for pv in self.reports())))
            g = f[name]
            data = g["data"]
            times, rows = self._rows(f, g["mapping/timestamps"], data)
            return Report(pop, var, times, np.asarray(data[:rows]),
                          _str(data.attrs.get("units", "")),
                          np.asarray(g["mapping/node_ids"][()],
                                     dtype=np.int64))

    def to_pandas(self, pop, var, wide=True):
        """A report as a pandas DataFrame indexed by time (ms): one column
        per node id (wide), or columns node_id and value (long).  The units
        are in df.attrs["units"]."""
        pd = _pandas("Run.to_pandas")
        r = self.report(pop, var)
        index = pd.Index(r.times, name="time_ms")
        if wide:
            df = pd.DataFrame(r.data, index=index,
                              columns=pd.Index(r.node_ids, name="node_id"))
        else:
            n, m = r.data.shape
            df = pd.DataFrame({"node_id": np.tile(r.node_ids, n),
                               "value": r.data.reshape(n * m)},
                              index=pd.Index(np.repeat(r.times, m),
                                             name="time_ms"))
        df.attrs.update(units=r.units, population=pop, variable=var)
        return df

    # ---- spikes, weights, learning ----------------------------------------

    def spikes(self, pop):
        """(timestamps in ms, node_ids) of population `pop`, both numpy
        arrays, in the order of the file (sorted by time)."""
        with self._file() as f:
            name = "spikes/%s" % pop
            if name not in f:
                raise KeyError("%s: no spikes of population %r" % (self.path,
                                                                    pop))
            ids = f[name]["node_ids"]
            times, n = self._rows(f, f[name]["timestamps"], ids)
            return times, np.asarray(ids[:n], dtype=np.int64)

    def projections(self):
        """The projections with weight snapshots."""
        with self._file() as f:
            g = f.get("weights")
            return list(g) if isinstance(g, h5py.Group) else []

    def weights(self, proj):
        """The weight snapshots of projection `proj` (a Weights)."""
        with self._file() as f:
            name = "weights/%s" % proj
            if name not in f:
                raise KeyError("%s: no weights of projection %r (snapshots "
                               "of: %s)" % (self.path, proj,
                                            ", ".join(self.projections())))
            g = f[name]
            d, a = g["data"], g.attrs
            times, n = self._rows(f, g["times"], d)
            return Weights(times, np.asarray(d[:n]), _str(a.get("pre")),
                           _str(a.get("post")), _str(a.get("rule")))

    def learning(self):
        """The learning curves (/learning): a dict of 1-D numpy columns of
        equal length, "times" (ms) first; {} when the run has none."""
        with self._file() as f:
            g = f.get("learning")
            if not isinstance(g, h5py.Group) or "times" not in g:
                return {}
            cols = {k: g[k] for k in g
                    if isinstance(g[k], h5py.Dataset) and g[k].ndim == 1}
            if f.swmr_mode:
                for d in cols.values():
                    d.refresh()
            n = min(d.shape[0] for d in cols.values())
            out = {"times": np.asarray(cols["times"][:n], dtype=np.float64)}
            for k, d in cols.items():
                if k != "times":
                    out[k] = np.asarray(d[:n])
            return out

    def learning_frame(self):
        """The learning curves as a pandas DataFrame indexed by time (ms)."""
        pd = _pandas("Run.learning_frame")
        cols = self.learning()
        times = cols.pop("times", np.zeros(0))
        return pd.DataFrame(cols, index=pd.Index(times, name="time_ms"))


def _pandas(what):
    try:
        import pandas
    except ImportError as e:
        raise ImportError("%s needs pandas (%s); Debian: apt-get install "
                          "python3-pandas, or pip install pandas" % (what, e)) \
            from e
    return pandas


def open(path):  # pylint: disable=redefined-builtin
    """A Run on an existing credo output file (also a running or killed
    run's PATH.part)."""
    return Run(path)
