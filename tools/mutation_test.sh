#!/bin/sh
# tools/mutation_test.sh -- mutation testing: does the test suite notice a
# planted fault?
#
#   tools/mutation_test.sh [--list FILE] [--only N,M,...] [-j N]
#                          [--run-equivalent] [--keep]
#   tools/mutation_test.sh --relocate [--list FILE]
#
# Each entry of the list (default tests/mutations.txt) is one single-line
# fault, `path:line:sed-expression`, optionally followed by
# ` # equivalent: REASON` for a mutant known to change nothing observable.
# The script copies the tracked (and untracked, not ignored) files of this
# source tree into ONE scratch directory (the real tree is never touched),
# configures and builds it once, runs every test once to check that the
# unmutated copy passes and to time the tests, and then, per entry:
#
#   1. applies the sed expression to that line only; if the line does not
#      change, the entry is STALE (line numbers drift as the code changes:
#      update the entry);
#   2. runs `make`; a build failure is BUILD-FAIL (killed by the compiler);
#   3. runs the test programs and scripts, fastest first, each under
#      `timeout`, with the environment automake's harness sets
#      (AM_TESTS_ENVIRONMENT in Makefile.am), and stops at the first failure:
#      a nonzero exit, a TAP `not ok` or `Bail out!`, a plan not met, or a
#      timeout.  The mutant is then KILLED by that test, else SURVIVED;
#   4. restores the file.
#
# Entries marked equivalent are checked for staleness only and reported
# EQUIVALENT (--run-equivalent runs them too: a killed one has a wrong
# reason).  -j N builds with make -jN and runs N tests at a time (default:
# the number of processors).  --only takes entry numbers (1-based, comments
# not counted).  --keep leaves the scratch directory.  Output: one line per
# mutant, the survivors, and `killed K, survived S, equivalent E, stale T
# of N`.  Exit status: 0, or 1 when a mutant not marked equivalent survived
# (or is stale), 2 on a usage or setup error.  `make mutation` runs it.
#
# --relocate keeps the list usable as the code moves: for every entry whose
# expression no longer changes its line, it looks for the one line of the
# file that the expression does change and rewrites the entry's line
# number in the list (in place); entries with no or several such lines are
# reported and left alone.  Nothing is built or run.
set -u

list=
only=
jobs=$(nproc 2>/dev/null || echo 1)
run_equiv=0
keep=0
relocate=0
while [ $# -gt 0 ]; do
  case $1 in
    --list) list=$2; shift 2 ;;
    --list=*) list=${1#--list=}; shift ;;
    --only) only=$2; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    --run-equivalent) run_equiv=1; shift ;;
    --keep) keep=1; shift ;;
    --relocate) relocate=1; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "mutation_test: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

src=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$list" ] || list=$src/tests/mutations.txt
case $list in /*) ;; *) list=$(pwd)/$list ;; esac
[ -r "$list" ] || { echo "mutation_test: cannot read $list" >&2; exit 2; }
case $jobs in ''|*[!0-9]*|0) echo "mutation_test: -j needs a number" >&2; exit 2 ;; esac

# ---- --relocate: follow the code's moves ------------------------------------
# lines_changed FILE EXPR: the numbers of the lines EXPR changes
lines_changed () {
  sed -n -e "$2" -e 't hit' -e 'd' -e ':hit' -e '=' "$1"
}
if [ "$relocate" = 1 ]; then
  out=$(mktemp) || exit 2
  moved=0 lost=0
  while IFS= read -r raw; do
    case $raw in ''|'#'*|[[:space:]]*) printf '%s\n' "$raw" >>"$out"; continue ;; esac
    body=${raw%%' # equivalent:'*}
    tail=${raw#"$body"}
    path=${body%%:*}; rest=${body#*:}; line=${rest%%:*}
    expr=$(printf '%s' "${rest#*:}" | sed 's/[[:space:]]*$//')
    f=$src/$path
    orig=$(sed -n "${line}p" "$f" 2>/dev/null)
    if [ -n "$orig" ] && [ "$orig" != "$(printf '%s\n' "$orig" | sed "$expr")" ]; then
      printf '%s\n' "$raw" >>"$out"; continue
    fi
    hits=$(lines_changed "$f" "$expr" 2>/dev/null)
    if [ "$(printf '%s\n' "$hits" | grep -c .)" = 1 ]; then
      printf '%s:%s:%s%s\n' "$path" "$hits" "$expr" "$tail" >>"$out"
      echo "RELOCATED  $path:$line -> $hits  $expr"
      moved=$((moved + 1))
    else
      printf '%s\n' "$raw" >>"$out"
      echo "STALE      $path:$line  $expr ($(printf '%s' "$hits" | grep -c .) matching lines)"
      lost=$((lost + 1))
    fi
  done <"$list"
  cat "$out" >"$list" && rm -f "$out"
  echo "relocated $moved, stale $lost"
  [ "$lost" = 0 ]
  exit $?
fi

# ---- the scratch copy -------------------------------------------------------
scratch=$(mktemp -d "${TMPDIR:-/tmp}/credo-mutation.XXXXXX")
cleanup () {
  # a mutant still applied lives only in the scratch copy: nothing to undo
  if [ "$keep" = 1 ]; then echo "mutation_test: scratch copy kept in $scratch" >&2
  else rm -rf "$scratch"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log () { printf '%s\n' "$*" >&2; }
log "mutation_test: copying $src to $scratch"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard \
     | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) \
    | tar -C "$scratch" -xf - \
    || { log "mutation_test: copy failed"; exit 2; }
else
  cp -a "$src/." "$scratch/" || { log "mutation_test: copy failed"; exit 2; }
  [ -f "$scratch/Makefile" ] && (cd "$scratch" && make -s distclean >/dev/null 2>&1)
fi
mkdir "$scratch/.mutation"
work=$scratch/.mutation

cd "$scratch" || exit 2
log "mutation_test: configuring and building (make -j$jobs)"
if ! { autoreconf -fi && ./configure -q --disable-shared \
       && make -s -j"$jobs" all \
       && make -s -j"$jobs" check TESTS= ; } >"$work/build.log" 2>&1; then
  tail -30 "$work/build.log" >&2
  log "mutation_test: the unmutated copy does not build"
  exit 2
fi
python3=$(sed -n 's/^PYTHON3 = //p' Makefile)

# the environment of AM_TESTS_ENVIRONMENT (Makefile.am)
CK_TAP_LOG_FILE_NAME=-; CK_VERBOSITY=silent
CREDO_SRCDIR=$scratch; CREDO_BUILDDIR=$scratch; PYTHON3=$python3
export CK_TAP_LOG_FILE_NAME CK_VERBOSITY CREDO_SRCDIR CREDO_BUILDDIR PYTHON3

tests=$(make -s -f Makefile -f - print-tests <<'EOF'
print-tests:
	@echo $(TESTS)
EOF
)
[ -n "$tests" ] || { log "mutation_test: no TESTS in the Makefile"; exit 2; }

# run_test TEST LIMIT LOG: 0 when TEST passes within LIMIT seconds; else 1
# (124 for a timeout).  TAP: every `not ok`, `Bail out!` or a plan not met
# fails, as automake's tap-driver would.
run_test () {
  timeout -k 5 "$2" "./$1" >"$3" 2>&1
  rc=$?
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && return 124
  [ $rc -eq 0 ] || return 1
  awk '/^not ok/ { bad = 1 }
       /^Bail out!/ { bad = 1 }
       /^1\.\.[0-9]+/ { split ($0, a, /[. ]+/); plan = a[2] + 0; have = 1 }
       /^(not )?ok/ { n++ }
       END { exit (bad || (have && n != plan)) ? 1 : 0 }' "$3"
}

# ---- the unmutated baseline: passes, and times every test ------------------
log "mutation_test: baseline run of $(echo "$tests" | wc -w) tests"
: >"$work/times"
for t in $tests; do
  s=$(date +%s.%N)
  if ! run_test "$t" 1800 "$work/base.log"; then
    cat "$work/base.log" >&2
    log "mutation_test: $t fails on the unmutated copy: fix that first"
    exit 2
  fi
  e=$(date +%s.%N)
  echo "$t $s $e" | awk '{ print $1, $3 - $2 }' >>"$work/times"
done
order=$(sort -k2 -g "$work/times" | awk '{ print $1 }')
base_total=$(awk '{ s += $2 } END { printf "%.0f", s }' "$work/times")
log "mutation_test: baseline passes in ${base_total} s; order: $(echo "$order" | tr '\n' ' ')"

# a test's time limit: 5x its baseline plus 30 s
limit_of () {
  awk -v t="$1" '$1 == t { printf "%d", 5 * $2 + 30 }' "$work/times"
}

# run_tests: the tests in order, $jobs at a time, up to the first failing
# batch; sets killer to the first failing test (in order) or "".
run_tests () {
  killer=
  # shellcheck disable=SC2086 # one word per test
  set -- $order
  while [ $# -gt 0 ]; do
    batch=
    i=0
    while [ $# -gt 0 ] && [ $i -lt "$jobs" ]; do
      batch="$batch $1"; shift; i=$((i + 1))
    done
    for t in $batch; do
      n=$(echo "$t" | tr / _)
      ( run_test "$t" "$(limit_of "$t")" "$work/$n.log"; echo $? >"$work/$n.rc" ) &
    done
    wait
    for t in $batch; do
      n=$(echo "$t" | tr / _)
      rc=$(cat "$work/$n.rc")
      if [ "$rc" != 0 ]; then
        killer=$t
        [ "$rc" = 124 ] && killer="$t (timeout)"
        return
      fi
    done
  done
}

# ---- the mutants ------------------------------------------------------------
entries=$(grep -v '^[[:space:]]*#' "$list" | grep -v '^[[:space:]]*$')
total=$(printf '%s\n' "$entries" | grep -c .)
killed=0 survived=0 equivalent=0 stale=0 compiler=0 ran=0
survivors=
k=0
start_all=$(date +%s)
printf '%s\n' "$entries" >"$work/entries"
while IFS= read -r entry <&3; do
  k=$((k + 1))
  if [ -n "$only" ]; then
    case ",$only," in *",$k,"*) ;; *) continue ;; esac
  fi
  ran=$((ran + 1))
  reason=
  case $entry in
    *' # equivalent:'*)
      reason=${entry#*' # equivalent:'}
      reason=$(echo "$reason" | sed 's/^ *//')
      entry=${entry%%' # equivalent:'*} ;;
  esac
  entry=$(echo "$entry" | sed 's/[[:space:]]*$//')
  path=${entry%%:*}
  rest=${entry#*:}
  line=${rest%%:*}
  expr=${rest#*:}
  tag=$(printf '[%2d/%d] %s:%s %s' "$k" "$total" "$path" "$line" "$expr")
  t0=$(date +%s)
  if [ ! -f "$path" ] || ! echo "$line" | grep -qx '[1-9][0-9]*'; then
    stale=$((stale + 1))
    echo "STALE      $tag (no such file or line number)"
    continue
  fi
  cp "$path" "$work/orig"
  if ! sed -e "${line}${expr}" "$work/orig" >"$work/mutant" 2>"$work/sed.err" \
     || cmp -s "$work/orig" "$work/mutant"; then
    stale=$((stale + 1))
    echo "STALE      $tag (line $line: $(sed -n "${line}p" "$work/orig" | sed 's/^ *//'))"
    continue
  fi
  if [ -n "$reason" ] && [ "$run_equiv" = 0 ]; then
    equivalent=$((equivalent + 1))
    echo "EQUIVALENT $tag ($reason)"
    continue
  fi
  cp "$work/mutant" "$path"
  if ! make -s -j"$jobs" all >"$work/make.log" 2>&1 \
     || ! make -s -j"$jobs" check TESTS= >>"$work/make.log" 2>&1; then
    verdict="BUILD-FAIL"
    compiler=$((compiler + 1)); killed=$((killed + 1))
    detail="killed by the compiler: $(grep -m1 'error' "$work/make.log" | cut -c1-100)"
  else
    run_tests
    if [ -n "$killer" ]; then
      verdict="KILLED    "; detail="by $killer"
      killed=$((killed + 1))
    elif [ -n "$reason" ]; then
      verdict="EQUIVALENT"; detail="survives: $reason"
      equivalent=$((equivalent + 1))
    else
      verdict="SURVIVED  "; detail=""
      survived=$((survived + 1))
      survivors="$survivors
  $path:$line:$expr"
    fi
  fi
  cp "$work/orig" "$path" # a fresh mtime: the next make rebuilds it
  echo "$verdict $tag $detail ($(( $(date +%s) - t0 )) s)"
done 3<"$work/entries"
# the last mutant's file was restored: leave a consistent build behind
make -s -j"$jobs" all >/dev/null 2>&1

echo
if [ -n "$survivors" ]; then
  echo "survivors (each needs a test, or a reason in the list):$survivors"
fi
echo "killed $killed, survived $survived, equivalent $equivalent, stale $stale of $ran" \
     "(killed by the compiler: $compiler; wall time $(( $(date +%s) - start_all )) s after a ${base_total} s baseline)"
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ]
