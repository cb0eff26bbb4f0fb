"""Running the credo binary from Python: credo.run and the override syntax.

The binary is found through CREDO_BIN, then next to the package in a build
tree (python/credo/ -> ./credo), then on PATH.  Each item of `overrides`
becomes one `--set key=value`, the value written in libconfig syntax.
"""
import math
import numbers
import os
import shutil
import subprocess
import sys
import tempfile

from .reader import Run


class CredoError(Exception):
    """A credo run that failed.  `returncode` is the CLI's exit status (2: a
    bad config or override, the message naming file:line or the override;
    1: a runtime failure), `stderr` everything the CLI printed there."""

    def __init__(self, message, returncode, stderr=""):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


def find_binary():
    """The path of the credo executable: $CREDO_BIN, the build tree's
    ./credo next to python/credo/, or credo on PATH."""
    env = os.environ.get("CREDO_BIN")
    if env:
        if not os.access(env, os.X_OK):
            raise CredoError("CREDO_BIN=%s is not an executable" % env, 127)
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.join(here, os.pardir, os.pardir, "credo")
    if os.path.isfile(tree) and os.access(tree, os.X_OK):
        return os.path.normpath(tree)
    found = shutil.which("credo")
    if found:
        return found
    raise CredoError("credo executable not found: set CREDO_BIN, or put "
                     "credo on PATH", 127)


def _float(v):
    if not math.isfinite(v):
        raise ValueError("%r has no libconfig spelling" % v)
    s = repr(float(v))
    mant, e, exp = s.partition("e")
    if "." not in mant:  # libconfig reads 1e+20 only as 1.0e+20
        mant += ".0"
    return mant + e + exp


def config_value(v):
    """v (str, bool, int, float, or a list/tuple of them) in libconfig
    syntax: strings quoted, bools true/false, sequences as arrays."""
    if isinstance(v, str):
        return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
    if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        return _float(v)
    if isinstance(v, (list, tuple)) or hasattr(v, "tolist"):
        items = v.tolist() if hasattr(v, "tolist") else v
        if not isinstance(items, list):  # a 0-d numpy array
            return config_value(items)
        return "[%s]" % ", ".join(config_value(x) for x in items)
    raise TypeError("cannot write %r (%s) as a libconfig value"
                    % (v, type(v).__name__))


def set_args(overrides):
    """The --set arguments for a dict {key: value} (or pairs)."""
    items = overrides.items() if hasattr(overrides, "items") else overrides
    args = []
    for key, value in items:
        if not isinstance(key, str) or not key or "=" in key:
            raise ValueError("bad override key %r" % (key,))
        args += ["--set", "%s=%s" % (key, config_value(value))]
    return args


def run(config, overrides=None, output=None, quiet=True):
    """Runs credo on the config file `config`, each item of `overrides`
    passed as --set key=value, and returns a Run on the output file.

    output: the HDF5 file to write; None writes a new file in the temporary
    directory (tempfile.mkstemp; remove it when done: Run.path).  quiet:
    pass -q (no progress lines); otherwise the CLI's stdout goes to ours.
    Raises CredoError with the CLI's message and exit code on failure."""
    cmd = [find_binary(), "run", os.fspath(config)]
    cmd += set_args(overrides or {})
    made = output is None
    if made:
        fd, output = tempfile.mkstemp(prefix="credo-", suffix=".h5")
        os.close(fd)
    output = os.fspath(output)
    cmd += ["-o", output]
    if quiet:
        cmd.append("-q")
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL if quiet else None,
                       stderr=subprocess.PIPE, check=False)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        msg = "\n".join(lines[-5:]) or "credo exited with status %d" \
            % p.returncode
        if made and os.path.exists(output):
            os.remove(output)
        raise CredoError(msg, p.returncode, err)
    if err and not quiet:
        sys.stderr.write(err)
    return Run(output)
