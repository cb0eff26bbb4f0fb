#!/bin/sh
# tests/python.sh -- the Python package python/credo (tests/python_api.py):
# runs through credo.run with overrides, reads compared with h5py, the
# errors, a sweep, spikes, learning curves, and a killed run's .part.
# Output: TAP (printed by python_api.py).
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CREDO_BIN=${CREDO_BUILDDIR:-$src}/credo
. "$src/tests/taplib.sh"
find_python numpy h5py pandas || {
  echo "1..1"
  echo "not ok 1 - python3 with numpy, h5py and pandas not found: run tools/setup"
  exit 1
}
make_tmp
PYTHONPATH=$src/python${PYTHONPATH:+:$PYTHONPATH}
OPENBLAS_NUM_THREADS=1
CREDO_TEST_TMP=$tmp
export PYTHONPATH OPENBLAS_NUM_THREADS CREDO_BIN CREDO_TEST_TMP CREDO_SRCDIR=$src
limit 400 "$py" "$src/tests/python_api.py"
