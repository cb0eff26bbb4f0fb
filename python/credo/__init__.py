"""credo from Python: run the simulator from a script and read its output.

    import credo
    run = credo.run("examples/quickstart/quickstart.cfg",
                    {"duration": 2000.0, "seed": 3})
    r = run.report("p2", "r")        # r.times (ms), r.data [time x units]
    t, ids = run.spikes("e")         # of a spiking run
    curves = run.learning()          # dict of numpy columns

credo.run calls the credo binary (CREDO_BIN, the build tree's ./credo, or
credo on PATH); credo.open reads an existing file.  numpy and h5py are
needed; pandas only for Run.to_pandas and Run.learning_frame.  See
python/README.
"""
from .reader import Report, Run, Weights, open  # noqa: F401 (the API)
from .runner import CredoError, config_value, find_binary, run  # noqa: F401

__all__ = ["run", "open", "Run", "Report", "Weights", "CredoError",
           "config_value", "find_binary"]
