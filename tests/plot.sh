#!/bin/sh
# tests/plot.sh -- tools/credo-plot end to end: traces from a recorded run,
# learning curves and weights from a file with synthetic /learning and
# /weights groups, summary, --help and the bad-input exits.  Every PNG is
# checked: signature, IHDR size, and that it is not blank.  Output: TAP.
set -u
src=${CREDO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CREDO_BUILDDIR:-$src}/credo
plot=$src/tools/credo-plot

# the Python credo-plot will use: need_python exports it as PYTHON3, the
# first one tools/credo-plot tries
. "$src/tests/taplib.sh"
plan 23
need_python numpy h5py matplotlib
make_tmp

check () { # description, then a command that must succeed
  d=$1; shift
  if limit 120 "$@" >"$tmp/last" 2>&1; then ok "$d"; else notok "$d: $(tail -3 "$tmp/last")"; fi
}

# png_header FILE: succeeds if FILE has the PNG signature and an IHDR chunk
# first whose width and height both exceed 100; prints what it found
png_header () {
  sig=$(od -An -tx1 -N16 "$1" 2>/dev/null | tr -d ' \n')
  case $sig in
    89504e470d0a1a0a????????49484452) ;;
    *) echo "$1: not a PNG (first bytes: $sig)"; return 1 ;;
  esac
  # shellcheck disable=SC2046 # the 8 bytes, split into words on purpose
  set -- $(od -An -tu1 -j16 -N8 "$1")
  [ $# -eq 8 ] || { echo "truncated IHDR"; return 1; }
  w=$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))
  h=$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))
  echo "${w}x$h"
  [ "$w" -gt 100 ] && [ "$h" -gt 100 ]
}

# png_drawn FILE: decodes FILE with matplotlib and succeeds if it is not
# blank: pixel values vary, and some pixels are coloured (plotted lines,
# not only black axes and text on white)
png_drawn () {
  limit 120 "$py" - "$1" <<'EOF'
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
img = mpimg.imread(sys.argv[1])
rgb = img[..., :3] if img.ndim == 3 else img
std = float(rgb.std())
coloured = int(((rgb.max(axis=-1) - rgb.min(axis=-1)) > 0.25).sum()) \
    if rgb.ndim == 3 else 0
print("%dx%d std %.3f, %d coloured pixels"
      % (img.shape[1], img.shape[0], std, coloured))
sys.exit(0 if std > 0.02 and coloured > 500 else 1)
EOF
}

# png_ok DESCRIPTION FILE: one TAP line for both checks
png_ok () {
  if hdr=$(png_header "$2") && drawn=$(png_drawn "$2" 2>&1); then
    ok "$1 ($hdr; $drawn)"
  else
    notok "$1: ${hdr:-} ${drawn:-}"
  fi
}

# fails DESCRIPTION REGEX COMMAND...: the command must exit 2 with a
# message matching REGEX on stderr and no Python traceback
fails () {
  d=$1; re=$2; shift 2
  limit 120 "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ $rc -eq 2 ] && grep -Eq -- "$re" "$tmp/err" && ! grep -q Traceback "$tmp/err"; then
    ok "$d: $(head -1 "$tmp/err")"
  else
    notok "$d: rc $rc, $(head -5 "$tmp/err")"
  fi
}

q="$src/examples/rate_network/rate_network.cfg"
check "quickstart runs" "$bin" run "$q" --set duration=200 -q -o "$tmp/q.h5"

check "traces renders every report" "$plot" traces "$tmp/q.h5" -o "$tmp/traces.png"
if hdr=$(png_header "$tmp/traces.png"); then
  ok "traces.png: PNG signature, IHDR $hdr"
else
  notok "traces.png: $hdr"
fi
if drawn=$(png_drawn "$tmp/traces.png" 2>&1); then
  ok "traces.png is not blank ($drawn)"
else
  notok "traces.png looks blank: $drawn"
fi

check "traces --var --units --tmin --tmax" "$plot" traces "$tmp/q.h5" \
  -o "$tmp/sel.png" --var hidden.u --var out.r --units 0,1,2 --tmin 50 --tmax 150
png_ok "selected traces PNG" "$tmp/sel.png"

# a file with synthetic /learning and /weights groups on top of the
# recorded run (every kind of curve the plot knows, including NaN gaps),
# and a foreign HDF5 file
cp "$tmp/q.h5" "$tmp/s.h5"
check "synthetic /learning and /weights written" "$py" - "$tmp/s.h5" "$tmp/foreign.h5" <<'EOF'
import sys
import numpy as np
import h5py
rng = np.random.default_rng(1)
with h5py.File(sys.argv[1], "a") as f:
    g = f.create_group("learning")
    t = np.arange(0.0, 20000.0, 100.0)
    g["times"] = t
    g["times"].attrs["units"] = "ms"
    g["train_error"] = 0.5 * np.exp(-t / 4000) + 0.01 + 0.005 * rng.random(t.size)
    test = 0.6 * np.exp(-t / 5000) + 0.02
    test[np.arange(t.size) % 10 != 0] = np.nan   # evaluated every 1000 ms
    g["test_error"] = test
    g["apical_error"] = 0.2 * np.exp(-t / 2000) + 1e-3
    g.attrs["mean_predictor_error"] = 0.3
    acc = 1 - 0.6 * np.exp(-t / 3000)
    acc[np.arange(t.size) % 10 != 0] = np.nan
    g["test_accuracy"] = acc
    g["angle_hidden"] = 20 + 65 * np.exp(-t / 3000) + rng.normal(0, 2, t.size)
    g["angle_hidden2"] = 35 + 50 * np.exp(-t / 6000) + rng.normal(0, 2, t.size)
    w = f.create_group("weights")
    for name, (post, pre) in (("in_hidden", (50, 30)), ("hidden_out", (10, 50))):
        p = w.create_group(name)
        ts = np.linspace(0.0, 20000.0, 41)
        w0 = rng.normal(0, 0.3, (post, pre))
        target = rng.normal(0, 0.5, (post, pre))
        s = 1 - np.exp(-ts / 5000)
        p["data"] = w0 + s[:, None, None] * (target - w0)
        p["times"] = ts
with h5py.File(sys.argv[2], "w") as f:
    f["x"] = np.arange(10.0)
EOF

check "learning renders" "$plot" learning "$tmp/s.h5" -o "$tmp/learning.png"
png_ok "learning PNG" "$tmp/learning.png"
check "weights renders" "$plot" weights "$tmp/s.h5" -o "$tmp/weights.png" --proj hidden_out
png_ok "weights PNG" "$tmp/weights.png"
check "summary lists reports, weights and learning" sh -c \
  "'$plot' summary '$tmp/s.h5' >'$tmp/sum' && grep -q 'hidden.u' '$tmp/sum' && grep -q 'in_hidden' '$tmp/sum' && grep -q 'angle_hidden' '$tmp/sum'"
check "--help on every command" sh -c "'$plot' --help >/dev/null && '$plot' traces --help >/dev/null && '$plot' weights --help >/dev/null && '$plot' learning --help >/dev/null && '$plot' summary --help >/dev/null"

fails "missing file exits 2" "absent\.h5" "$plot" traces "$tmp/absent.h5" -o "$tmp/x.png"
fails "unknown variable exits 2" "hidden\.nope" "$plot" traces "$tmp/q.h5" -o "$tmp/x.png" --var hidden.nope
fails "not a credo file exits 2" "foreign\.h5.*not a credo" "$plot" traces "$tmp/foreign.h5" -o "$tmp/x.png"
fails "no /learning exits 2" "no /learning" "$plot" learning "$tmp/q.h5" -o "$tmp/x.png"
fails "no /weights exits 2" "no /weights" "$plot" weights "$tmp/q.h5" -o "$tmp/x.png"

# spikes: the CUBA network for 100 ms, raster, rate and intervals
check "a spiking run" "$bin" run "$src/examples/cuba/cuba.cfg" --set duration=100 -q -o "$tmp/spk.h5"
check "spikes renders" "$plot" spikes "$tmp/spk.h5" -o "$tmp/spikes.png" --pop e --bin 10
png_ok "spikes PNG" "$tmp/spikes.png"
fails "no /spikes exits 2" "no /spikes" "$plot" spikes "$tmp/q.h5" -o "$tmp/x.png"
fails "unknown spiking population exits 2" "no spikes of population 'nope'" "$plot" spikes "$tmp/spk.h5" -o "$tmp/x.png" --pop nope
