# tests/taplib.sh -- shared by the shell tests (sourced, not run): TAP
# counters, a scratch directory, and the Python that analysis scripts need.

i=0
ok () { i=$((i + 1)); echo "ok $i - $1"; }
notok () { i=$((i + 1)); echo "not ok $i - $1"; }
skip () { i=$((i + 1)); echo "ok $i # SKIP $1"; }

# find_python MODULE...: sets py to the first of $PYTHON3, /usr/bin/python3
# and python3 that imports every MODULE (the PATH python3 may lack them),
# or to "" when none does.
find_python () {
  py=
  mods=$(echo "$@" | tr ' ' ',')
  for p in "${PYTHON3:-}" /usr/bin/python3 python3; do
    [ -n "$p" ] || continue
    if "$p" -c "import $mods" >/dev/null 2>&1; then
      py=$p
      return 0
    fi
  done
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
