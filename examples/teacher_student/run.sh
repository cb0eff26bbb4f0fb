#!/bin/sh
# examples/teacher_student/run.sh -- SAC18 Fig. 2 end to end: the
# teacher-student run, the shallow control (the same run with the hidden
# layer's forward weights W10 frozen), and the verdict with its figure.
#
#   examples/teacher_student/run.sh [SEED]      (from the top of the tree)
#
# Writes teacher_student.h5, teacher_student_shallow.h5 and
# teacher_student.png in the current directory; ~1 minute per run here.
# Exit status: analyse.py's (0: all three criteria hold).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${CREDO_BUILDDIR:-$here/../..}/credo
py=${PYTHON3:-/usr/bin/python3}
seed=${1:-1}

"$bin" run "$here/teacher_student.cfg" --set seed="$seed" \
  -o teacher_student.h5
"$bin" run -q "$here/teacher_student.cfg" --set seed="$seed" \
  --set 'projections.[0].plasticity.eta=0.0' -o teacher_student_shallow.h5
exec "$py" "$here/analyse.py" teacher_student.h5 teacher_student_shallow.h5 \
  teacher_student.png
