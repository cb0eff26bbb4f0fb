"""tests/python_api.py -- the Python package python/credo end to end, run
by tests/python.sh (which sets PYTHONPATH, CREDO_BIN and the scratch
directory).  Output: TAP.

Every reading is compared with a plain h5py read of the same data set, so a
package that sliced, reordered or mislabelled anything fails; the sweep must
give three different results; the errors must carry the CLI's exit status
and message.
"""
import os
import signal
import subprocess
import sys
import time
import traceback

import h5py
import numpy as np

import credo

SRC = os.environ["CREDO_SRCDIR"]
TMP = os.environ["CREDO_TEST_TMP"]
QUICK = os.path.join(SRC, "examples", "quickstart", "quickstart.cfg")
CUBA = os.path.join(SRC, "examples", "cuba", "cuba.cfg")
SHORT = {"duration": 300.0, "learning.every": 100.0, "weights.every": 100.0}

N = 0


def check(desc, fn):
    """One TAP line: fn() returns a detail string or raises."""
    global N
    N += 1
    try:
        detail = fn()
        print("ok %d - %s%s" % (N, desc, " (%s)" % detail if detail else ""))
    except Exception:  # pylint: disable=broad-except
        msg = traceback.format_exc().strip().splitlines()
        print("not ok %d - %s: %s" % (N, desc, " | ".join(msg[-3:])))
    sys.stdout.flush()


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def quick_run():
    return credo.run(QUICK, SHORT, output=os.path.join(TMP, "q.h5"))


run = None


def t_run():
    global run
    run = quick_run()
    expect(run.status == "ok", "status %r" % run.status)
    expect(run.complete_until == 300.0, "t_complete %r" % run.complete_until)
    expect(run.attrs["seed"] == 1, "seed %r" % run.attrs.get("seed"))
    expect("--set duration=300.0" in run.attrs["command_line"],
           run.attrs["command_line"])
    return run.path


def t_report():
    expect(sorted(run.reports()) == [("p1", "apical"), ("p2", "r")],
           run.reports())
    expect(sorted(run.populations) == ["p1", "p2"], run.populations)
    with h5py.File(run.path, "r") as f:
        for pop, var in run.reports():
            g = f["report/%s/%s" % (pop, var)]
            r = run.report(pop, var)
            expect(np.array_equal(r.times, g["mapping/timestamps"][()]),
                   "%s.%s times" % (pop, var))
            expect(np.array_equal(r.data, g["data"][()]),
                   "%s.%s data" % (pop, var))
            expect(np.array_equal(r.node_ids, g["mapping/node_ids"][()]),
                   "node ids")
            expect(r.units == g["data"].attrs["units"], r.units)
            expect(r.data.shape == (31, len(r.node_ids)), r.data.shape)
    r = run.report("p1", "apical")
    expect(r.times[0] == 0.0 and r.times[-1] == 300.0, r.times)
    return "p1.apical %s in %s" % (r.data.shape, r.units)


def t_pandas():
    r = run.report("p2", "r")
    wide = run.to_pandas("p2", "r")
    expect(np.array_equal(wide.to_numpy(), r.data), "wide values")
    expect(np.array_equal(wide.index.to_numpy(), r.times), "wide index")
    expect(list(wide.columns) == list(r.node_ids), "wide columns")
    long = run.to_pandas("p2", "r", wide=False)
    expect(len(long) == r.data.size, len(long))
    row = long.iloc[3 * len(r.node_ids) + 4]
    expect(row["value"] == r.data[3, 4] and row["node_id"] == r.node_ids[4]
           and long.index[3 * len(r.node_ids) + 4] == r.times[3], row)
    expect(wide.attrs["units"] == r.units, wide.attrs)
    return "wide %s, long %d rows" % (wide.shape, len(long))


def t_weights():
    expect(run.projections() == ["W10", "W21", "WIP"], run.projections())
    w = run.weights("W10")
    with h5py.File(run.path, "r") as f:
        expect(np.array_equal(w.data, f["weights/W10/data"][()]), "data")
        expect(np.array_equal(w.times, [0.0, 100.0, 200.0, 300.0]), w.times)
    expect(w.data.shape == (4, 50, 30) and (w.pre, w.post) == ("x", "p1")
           and w.rule == "dendritic_prediction", (w.data.shape, w.pre, w.post))
    expect(np.abs(w.data[-1] - w.data[0]).max() > 0, "W10 did not learn")
    return "W10 %s" % (w.data.shape,)


def t_learning():
    cols = run.learning()
    expect(list(cols)[0] == "times", list(cols))
    expect(np.array_equal(cols["times"], [0.0, 100.0, 200.0, 300.0]),
           cols["times"])
    with h5py.File(run.path, "r") as f:
        for k, v in cols.items():
            expect(np.array_equal(v, f["learning"][k][()], equal_nan=True), k)
    frame = run.learning_frame()
    expect(np.array_equal(frame.index.to_numpy(), cols["times"]), "index")
    expect(np.array_equal(frame["test_error"].to_numpy(),
                          cols["test_error"]), "frame column")
    return ", ".join(cols)


def t_no_pandas():
    code = ("import sys; sys.modules['pandas'] = None\nimport credo\n"
            "try:\n credo.open(%r).learning_frame()\n"
            "except ImportError as e:\n print(e)\n" % run.path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=False)
    expect("python3-pandas" in out.stdout and out.returncode == 0,
           out.stdout + out.stderr)
    return out.stdout.strip()


def t_bad_override():
    try:
        credo.run(QUICK, {"duration": -5.0}, output=os.path.join(TMP, "b.h5"))
    except credo.CredoError as e:
        expect(e.returncode == 2, e.returncode)
        expect("--set duration=-5.0" in str(e) and "duration" in str(e),
               str(e))
        return str(e)
    raise AssertionError("no CredoError")


def t_bad_config():
    bad = os.path.join(TMP, "bad.cfg")
    with open(QUICK, encoding="utf-8") as f:
        text = f.read()
    line = text[:text.index("duration = ")].count("\n") + 1
    with open(bad, "w", encoding="utf-8") as f:
        f.write(text.replace("duration = 60000.0;", "duration = -1.0;"))
    try:
        credo.run(bad, output=os.path.join(TMP, "b.h5"))
    except credo.CredoError as e:
        expect(e.returncode == 2, e.returncode)
        expect("bad.cfg:%d" % line in str(e), str(e))
        return str(e)
    raise AssertionError("no CredoError")


def t_runtime_failure():
    # an output path in a missing directory: the CLI's exit status passes
    # through whatever it is (issue 20 wants 2; today it is 1)
    try:
        credo.run(QUICK, SHORT, output=os.path.join(TMP, "nodir", "x.h5"))
    except credo.CredoError as e:
        expect(e.returncode in (1, 2) and "nodir" in str(e),
               (e.returncode, str(e)))
        return "exit %d: %s" % (e.returncode, str(e).splitlines()[-1])
    raise AssertionError("no CredoError")


def t_values():
    cv = credo.config_value
    pairs = [("a\"b\\", '"a\\"b\\\\"'), (True, "true"), (False, "false"),
             (3, "3"), (2.5, "2.5"), (1e20, "1.0e+20"), (np.float64(0.25),
                                                         "0.25"),
             (np.int64(7), "7"), (["x", 1.5], '["x", 1.5]'),
             (np.array([1.0, 2.0]), "[1.0, 2.0]")]
    for v, want in pairs:
        expect(cv(v) == want, "%r -> %r, want %r" % (v, cv(v), want))
    return "%d values" % len(pairs)


def t_sweep():
    finals = []
    for i, eta in enumerate((0.0, 0.01, 0.05)):
        r = credo.run(QUICK, {"duration": 200.0, "learning.every": 100.0,
                              "weights.every": 100.0,
                              "projections.[0].plasticity.eta": eta},
                      output=os.path.join(TMP, "s%d.h5" % i))
        w = r.weights("W10")
        finals.append(float(np.abs(w.data[-1] - w.data[0]).sum()))
    expect(finals[0] == 0.0, "eta 0 changed W10 by %g" % finals[0])
    expect(0 < finals[1] < finals[2], finals)
    return "|dW10| for eta 0, 0.01, 0.05: %s" % ", ".join(
        "%.4g" % x for x in finals)


def t_spikes():
    r = credo.run(CUBA, {"duration": 50.0}, output=os.path.join(TMP, "c.h5"))
    out = []
    with h5py.File(r.path, "r") as f:
        for pop in r.populations:
            t, ids = r.spikes(pop)
            n = int(f["spikes"][pop].attrs["n_nodes"])
            expect(len(t) > 0 and len(t) == len(ids), (pop, len(t)))
            expect(np.all(np.diff(t) >= 0), "%s not sorted" % pop)
            expect(t[0] >= 0 and t[-1] <= 50.0, (t[0], t[-1]))
            expect(ids.min() >= 0 and ids.max() < n, (ids.min(), ids.max()))
            expect(np.array_equal(t, f["spikes"][pop]["timestamps"][()]),
                   "timestamps")
            out.append("%s: %d spikes of %d cells" % (pop, len(t), n))
    return "; ".join(out)


def t_killed():
    out = os.path.join(TMP, "k.h5")
    p = subprocess.Popen(
        [os.environ["CREDO_BIN"], "run", QUICK, "-q", "-o", out,
         "--set", "output.flush_every=0.1", "--set", "learning.every=1e9"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    part, t0, seen = out + ".part", time.time(), None
    try:
        while time.time() - t0 < 60:
            time.sleep(0.2)
            if p.poll() is not None:
                raise AssertionError("the run ended (%d)" % p.returncode)
            try:  # before the writer starts SWMR, opening may fail
                seen = credo.open(part).complete_until
            except (OSError, ValueError, KeyError):
                continue
            if seen == seen and seen >= 200.0:  # not NaN
                break
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    expect(seen is not None and seen >= 200.0, "t_complete %r" % seen)
    k = credo.open(part)
    expect(k.status == "running", k.status)
    upto = k.complete_until
    r = k.report("p2", "r")
    expect(len(r.times) > 0 and r.times[-1] <= upto, (r.times[-1:], upto))
    expect(r.times[-1] > upto - 10.0, "lost rows: %r, %r" % (r.times[-1:],
                                                             upto))
    expect(np.array_equal(r.times, np.arange(len(r.times)) * 10.0), "grid")
    expect(np.isfinite(r.data).all(), "non-finite data")
    return "killed at t_complete %g ms (seen live: %g), %d rows" % (
        upto, seen, len(r.times))


def t_example():
    out = subprocess.run(
        [sys.executable, os.path.join(SRC, "examples", "python", "sweep.py")],
        capture_output=True, text=True, check=False, timeout=120)
    rows = [ln.split() for ln in out.stdout.splitlines()[1:]]
    expect(out.returncode == 0 and len(rows) == 3, out.stdout + out.stderr)
    moved = [float(r[1]) for r in rows]
    expect(moved[0] == 0 and 0 < moved[1] < moved[2], moved)
    return "|dW10| %s" % ", ".join(r[1] for r in rows)


def t_open_errors():
    try:
        credo.open(os.path.join(TMP, "absent.h5"))
    except FileNotFoundError as e:
        expect("absent.h5" in str(e), str(e))
    else:
        raise AssertionError("no error for an absent file")
    foreign = os.path.join(TMP, "foreign.h5")
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    try:
        credo.open(foreign)
    except ValueError as e:
        expect("not a credo output file" in str(e), str(e))
    else:
        raise AssertionError("no error for a foreign file")
    try:
        credo.open(run.path).report("p2", "nope")
    except KeyError as e:
        return str(e)
    raise AssertionError("no KeyError")


TESTS = [
    ("credo.run with overrides", t_run),
    ("Run.report equals the h5py reads", t_report),
    ("Run.to_pandas wide and long", t_pandas),
    ("Run.weights snapshots", t_weights),
    ("Run.learning and learning_frame", t_learning),
    ("without pandas: an ImportError that says what to install",
     t_no_pandas),
    ("bad override: CredoError, exit 2, names the override", t_bad_override),
    ("bad config: CredoError, exit 2, file:line", t_bad_config),
    ("unwritable output: CredoError with the CLI's status", t_runtime_failure),
    ("Python values in libconfig syntax", t_values),
    ("a sweep over 3 learning rates gives 3 results", t_sweep),
    ("spikes of cuba", t_spikes),
    ("a live and then killed run's .part (SWMR)", t_killed),
    ("examples/python/sweep.py prints its table", t_example),
    ("open errors", t_open_errors),
]

print("1..%d" % len(TESTS))
for d, fn in TESTS:
    check(d, fn)
