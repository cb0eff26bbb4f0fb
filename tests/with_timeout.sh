#!/bin/sh
# tests/with_timeout.sh -- the test harness's LOG_COMPILER (Makefile.am):
#
#   with_timeout.sh SECONDS COMMAND [ARG]...
#
# runs one test, COMMAND, under coreutils timeout: SIGTERM to the test's
# process group (the script and every credo or python it started) after
# SECONDS, SIGKILL 10 s later.  After a timeout it ends the test's TAP
# stream with "Bail out!" naming the limit, and exits 124 (137 after the
# SIGKILL): the TAP driver reports an ERROR, so `make check` fails instead
# of hanging.  Otherwise the test's own exit status.
lim=$1
shift
timeout -k 10 "$lim" "$@"
rc=$?
case $rc in
  124) echo "Bail out! $* timed out after $lim s (the limits: Makefile.am)" ;;
  137) echo "Bail out! $* killed: timed out after $lim s and ignored SIGTERM, or killed from outside" ;;
esac
exit $rc
