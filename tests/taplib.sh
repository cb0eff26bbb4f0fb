# tests/taplib.sh -- shared by the shell tests (sourced, not run): TAP
# counters, time limits for the commands a test runs, a scratch directory,
# and the Python that analysis scripts need.
#
# No test skips: everything a test needs is installed by tools/setup (the
# Debian packages, python3-numpy/-h5py/-matplotlib among them), so a missing
# piece is a broken setup and a failure, never a SKIP that would let a
# release pass untested.

i=0
ok () { i=$((i + 1)); echo "ok $i - $1"; }
notok () { i=$((i + 1)); echo "not ok $i - $1"; }

# plan N: prints the TAP plan "1..N" and remembers N (for need_python).
plan () { planned=$1; echo "1..$1"; }

# limit SECONDS COMMAND [ARG]...: runs COMMAND under coreutils timeout
# (SIGTERM to its process group after SECONDS, SIGKILL 5 s later), so one
# hung run fails its own TAP line instead of using up the whole test's
# limit (Makefile.am); after a timeout it says so on stderr, where the
# TAP line's message picks it up.  Returns COMMAND's exit status, 124 (or
# 137) after a timeout.
limit () {
  # CREDO_TEST_TIME_SCALE (.ci/run's sanitizer tree: 10) stretches every
  # limit: instrumented code runs several times slower, and the limits only
  # separate "finishes" from "hangs" or linear from quadratic
  lim=$(awk -v l="$1" -v s="${CREDO_TEST_TIME_SCALE:-1}" \
    'BEGIN { printf "%g", l * s }')
  shift
  timeout -k 5 "$lim" "$@"
  rc_limit=$?
  case $rc_limit in
    124) echo "timed out after $lim s: $*" >&2 ;;
    137) echo "killed (timed out after $lim s and ignored SIGTERM?): $*" >&2 ;;
  esac
  return $rc_limit
}

# waitfor TENTHS COMMAND...: polls COMMAND every 0.1 s, at most TENTHS times
waitfor () {
  n=$1; shift
  while [ "$n" -gt 0 ]; do
    "$@" && return 0
    sleep 0.1
    n=$((n - 1))
  done
  return 1
}

# find_python MODULE...: sets py to the first of $PYTHON3, /usr/bin/python3
# and python3 that imports every MODULE (the PATH python3 may lack them),
# or to "" when none does.  CREDO_TEST_PYTHON, when set, is the only one
# tried (to pin an interpreter, or to test the failure path below with a
# nonexistent one).
find_python () {
  py=
  mods=$(echo "$@" | tr ' ' ',')
  if [ -n "${CREDO_TEST_PYTHON:-}" ]; then
    candidates=$CREDO_TEST_PYTHON
  else
    candidates="${PYTHON3:-} /usr/bin/python3 python3"
  fi
  for p in $candidates; do
    if "$p" -c "import $mods" >/dev/null 2>&1; then
      py=$p
      return 0
    fi
  done
  return 1
}

# need_python MODULE...: after plan, sets py as find_python does and
# exports it as PYTHON3 (so tools/credo-plot uses the same one); when no
# Python imports every MODULE, all the planned tests are "not ok" with the
# reason and the script exits 1 -- tools/setup installs them.
need_python () {
  find_python "$@" && { PYTHON3=$py; export PYTHON3; return 0; }
  why="python3 with $(echo "$@" | sed 's/ \([^ ]*\)$/ and \1/; s/ \([^ ]*\) and/, \1 and/g') not found (tried ${CREDO_TEST_PYTHON:-${PYTHON3:+$PYTHON3, }/usr/bin/python3, python3}): run tools/setup"
  while [ "$i" -lt "$planned" ]; do
    notok "$why"
  done
  exit 1
}

# make_tmp: a scratch directory $tmp removed on exit; matplotlib keeps a
# font cache in $HOME, so without a writable one it goes there too.
make_tmp () {
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if [ ! -w "${HOME:-/nonexistent}" ]; then
    MPLCONFIGDIR=$tmp/mpl
    export MPLCONFIGDIR
  fi
}

# is_png FILE: whether FILE exists and starts with the PNG signature.
is_png () {
  [ -s "$1" ] \
    && [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]
}
