/* tests/testutil.h -- helpers shared by the Check programs tests/check_*.c.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Most helpers fail the running test (ck_assert) rather than return an
 * error, so that a test reads as the sequence of things it checks.  The
 * helpers that load configs without taking a context use `test_ctx`, the
 * context made by the ctx_setup fixture.
 */
#ifndef CREDO_TESTUTIL_H
#define CREDO_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stddef.h>

#include <hdf5.h>

#include "engine/engine.h"
#include "learn/learn.h"
#include "record/record.h"

/* ---- the temporary directory -------------------------------------------- */

/* The directory a test writes its files into: made by tmpdir_setup. */
extern char tmpdir[256];

/* Makes a fresh tmpdir (/tmp/PROGRAM.XXXXXX), so that tests do not see each
 * other's files; a checked or an unchecked fixture. */
void tmpdir_setup (void);

/* Removes tmpdir and fails the test if it cannot: a checked fixture, so that
 * a test that leaves something unremovable behind is caught. */
void tmpdir_teardown (void);

/* Removes tmpdir and only warns on stderr if it cannot: for unchecked
 * fixtures, which run outside any test. */
void tmpdir_remove (void);

/* Removes the directory `dir` and everything below it without a shell;
 * 0 when it is gone. */
int rm_tree (const char *dir);

/* Writes tmpdir/name into buf (len bytes): a path that stays valid. */
void path_in_tmp (char *buf, size_t len, const char *name);

/* tmpdir/name in a static buffer that stays valid for the next three calls
 * (of tmp_path or write_file): for paths used right away. */
const char *tmp_path (const char *name);

/* Writes `text` to tmpdir/name (a config, a CSV file) and returns its path
 * as tmp_path does. */
const char *write_file (const char *name, const char *text);

/* Writes the row-major rows x cols matrix `a` to `path` as CSV, exactly
 * (%.17g), for projections initialised from a file. */
void write_csv (const char *path, const double *a, size_t rows, size_t cols);

/* "[a, b, ...]" of the n values v, exactly (%.17g), into buf (len bytes):
 * a list for a config text. */
void list_of (char *buf, size_t len, const double *v, size_t n);

/* $CREDO_SRCDIR (default "."): where tests/configs is when the build tree is
 * not the source tree. */
const char *srcdir (void);

/* ---- the shared context ------------------------------------------------- */

/* The context the config helpers below load into and that tests read
 * errors from: made by ctx_setup, freed by ctx_teardown. */
extern credo_ctx *test_ctx;

/* tmpdir_setup plus a fresh test_ctx: the checked fixture of tests that
 * write configs and load them back. */
void ctx_setup (void);

/* Frees test_ctx, then tmpdir_teardown. */
void ctx_teardown (void);

/* ---- loading configs into test_ctx -------------------------------------- */

/* Lines 1-5 of most configs in the check_spec* programs: a 3-unit input
 * and a 2-unit rate population, so that error lines start at 6. */
#define BASE                                                                  \
  "duration = 100.0;\n"                                                       \
  "populations = {\n"                                                         \
  "  input = { model = \"input\"; size = 3; };\n"                             \
  "  hidden = { model = \"rate\"; size = 2; };\n"                             \
  "};\n"

/* Loads `text` as the file tmpdir/c.cfg with the n overrides `ov`, so that
 * messages name a real file; NULL on failure (see credo_errmsg). */
credo_spec *load_n (const char *text, const char *const *ov, size_t n);

/* load_n without overrides. */
credo_spec *load (const char *text);

/* Loading `text` must fail with a message that contains "c.cfg:LINE: "
 * and every fragment of the NULL-terminated list that follows; line 0
 * expects "c.cfg: " (no line).  The common form of a bad-input test. */
void expect_fail (const char *text, int line, ...);

/* The same with overrides; line < 0 skips the location check (messages
 * about --set name no line of the file). */
void expect_fail_ov (const char *text, const char *const *ov, size_t n,
                     int line, ...);

/* test_ctx's last message must contain `frag`: for failures that are not
 * a load of tmpdir/c.cfg. */
void expect_msg (const char *frag);

/* Asserts that ctx's last error is a config error (CREDO_ECONFIG) naming
 * the place "bad.cfg:" and containing `needle`: for configs loaded from a
 * string called "bad.cfg" that must be rejected. */
void expect_config_error (credo_ctx *ctx, const char *needle);

/* Check names a passing test after the last place it reached: these
 * helpers often end a test, so they mark the caller's line afterwards, and
 * the test keeps its own file's name in the log.  (A function-like macro
 * does not expand its own name: these call the functions above.) */
#define expect_fail(...) (expect_fail (__VA_ARGS__), mark_point ())
#define expect_fail_ov(...) (expect_fail_ov (__VA_ARGS__), mark_point ())
#define expect_msg(frag) (expect_msg (frag), mark_point ())
#define expect_config_error(ctx, needle)                                      \
  (expect_config_error ((ctx), (needle)), mark_point ())

/* ---- running ------------------------------------------------------------ */

/* A simulation with the spec and the context it was made from. */
typedef struct run
{
  credo_ctx *ctx;
  credo_spec *spec;
  credo_sim *sim;
} run;

/* Builds the simulation of `spec` writing `out` (NULL: no file) and runs it
 * to the end; fails the test with ctx's message where any step fails
 * (including spec == NULL, a failed load).  The caller frees the result. */
credo_sim *sim_run (credo_ctx *ctx, const credo_spec *spec, const char *out);

/* Loads `text` (named "test.cfg") with n_sets overrides into a fresh
 * context; fails the test if it does not load.  r.sim is NULL: for tests
 * that change the spec before building the simulation (run_start). */
run run_load (const char *text, const char **sets, size_t n_sets);

/* Builds and runs r's simulation writing `out` (may be NULL), as sim_run. */
void run_start (run *r, const char *out);

/* run_load and run_start: the whole run of a config text. */
run run_text (const char *text, const char *out, const char **sets,
              size_t n_sets);

/* The same for the config file $CREDO_SRCDIR/rel: the configs shipped in
 * tests/configs. */
run run_file (const char *rel, const char *out, const char **sets,
              size_t n_sets);

/* Frees what r holds (NULL parts too). */
void run_free (run *r);

/* ---- HDF5 files --------------------------------------------------------- */

/* Adds the rank-`rank` data set `dset` to tmpdir/name, creating (or
 * truncating) the file first when `create`: data files for the loaders. */
void h5_put (const char *name, int create, const char *dset, int rank,
             const hsize_t *dims, const double *data);

/* Reads the data set `name` of `path` into a new array: *rows = its first
 * dimension, *cols the product of the others (1 for a 1-D one).  For
 * comparing recorded runs. */
double *read_2d (const char *path, const char *name, size_t *rows,
                 size_t *cols);

/* The double attribute `name` of object `obj` of the file `path`. */
double h5_attr (const char *path, const char *obj, const char *name);

/* The variable-length string attribute `name` of object `obj` of `path`
 * (newly allocated; the test fails if it is not a variable-length string),
 * or NULL when absent. */
char *h5_string_attr (const char *path, const char *obj, const char *name);

/* ---- Jacobians ---------------------------------------------------------- */

/* fd = (f(y + h v) - f(y - h v)) / (2 h), the central difference of the
 * network's RHS at time t along v: what every J*v check compares with. */
void rhs_central_diff (credo_net *net, double t, const double *y,
                       const double *v, double h, double *fd);

/* ---- numbers ------------------------------------------------------------ */

/* No comparison here passes on NaN or Inf.  fmax ignores NaN (fmax (0, NaN)
 * is 0), so a loop `m = fmax (m, fabs (d))` turns a vector of NaN into 0,
 * which passes every `< tol` check: the tests use these helpers instead.
 * Check's own ck_assert_double_eq_tol (X, Y, T) tests
 * `fabsl (Y - X) < T` (check.h 0.15), which is false for a NaN on either
 * side and for Inf - Inf, so it fails there and needs no guard; these
 * helpers add the relative part, vectors and the first bad index. */

/* The index of the first i at which got[i] is not close to want[i] (to 0
 * when want is NULL): got[i] or want[i] is not finite, or
 * |got[i] - want[i]| > atol + rtol |want[i]| (a NaN bound counts as
 * exceeded); -1 when every element is close.  The one predicate behind
 * assert_close and describe_not_close. */
long first_not_close (const double *got, const double *want, size_t n,
                      double atol, double rtol);

/* first_not_close, and when it finds an index, writes into msg (len bytes)
 * a line naming `what`, the index, both values, their difference and the
 * bound; msg is "" when it returns -1. */
long describe_not_close (char *msg, size_t len, const double *got,
                         const double *want, size_t n, double atol,
                         double rtol, const char *what);

/* Fails the test (at the caller's line) unless got[0..n) is close to
 * want[0..n) (0 when want is NULL) as first_not_close defines it, naming
 * the first bad index and both values. */
#define assert_close(got, want, n, atol, rtol, what)                          \
  do                                                                          \
    {                                                                         \
      char ck_close_msg_[512];                                                \
      ck_assert_msg (describe_not_close (ck_close_msg_,                       \
                                         sizeof ck_close_msg_, (got),         \
                                         (want), (n), (atol), (rtol),         \
                                         (what)) < 0,                         \
                     "%s", ck_close_msg_);                                    \
    }                                                                         \
  while (0)

/* The same for two scalars. */
#define assert_close1(got, want, atol, rtol, what)                            \
  do                                                                          \
    {                                                                         \
      const double ck_got_ = (got), ck_want_ = (want);                        \
      assert_close (&ck_got_, &ck_want_, 1, (atol), (rtol), (what));          \
    }                                                                         \
  while (0)

/* Fails the test unless every a[i] is finite (within an infinite distance
 * of 0), naming the first that is not. */
#define assert_finite(a, n, what)                                             \
  assert_close ((a), NULL, (n), INFINITY, 0, (what))

/* max |a[i]|, or NaN when any a[i] is not finite, so that every ordered
 * comparison built on it (`< tol` and `> floor` alike) fails then. */
double max_abs (const double *a, size_t n);

/* max |a[i] - b[i]| (b NULL: max_abs), NaN when any a[i] or b[i] is not
 * finite: for measured errors (convergence ratios) rather than pass/fail
 * comparisons, which assert_close does. */
double max_diff (const double *a, const double *b, size_t n);

/* ---- the step-response circuit ------------------------------------------ */

/* One linear rate neuron, tau = 10 ms, driven by an input stepping 1 -> 2
 * -> 0.5 at t = 50 and 120 ms, recorded every 0.5 ms for 200 ms: a circuit
 * with an analytic solution for the engines' accuracy checks.  Append a
 * `solver` group. */
#define STEP_CIRCUIT                                                          \
  "duration = 200.0;\n"                                                       \
  "populations = { x = { model = \"input\"; size = 1; };\n"                   \
  "  h = { model = \"rate\"; size = 1; params = { tau = 10.0; transfer = "    \
  "\"linear\"; }; }; };\n"                                                    \
  "projections = ( { from = \"x.r\"; to = \"h.in\"; init = { dist = "         \
  "\"constant\"; value = 1.0; }; } );\n"                                       \
  "stimuli = ( { to = \"x\"; kind = \"steps\"; times = [0.0, 50.0, 120.0]; "  \
  "values = [1.0, 2.0, 0.5]; } );\n"                                           \
  "record = ( { what = \"h.u\"; every = 0.5; } );\n"

/* Its exact u(t): tau du/dt = -u + s(t), u(0) = 0. */
double step_exact (double t);

/* step_exact at the n times t[k], or at k * every when t is NULL, in a new
 * array: the reference the recorded step responses are compared with. */
double *step_exact_at (const double *t, double every, size_t n);

/* ---- main --------------------------------------------------------------- */

/* Runs the suite `s` (CK_ENV verbosity) and returns main's exit status: the
 * whole main of every test program. */
int run_suite (Suite *s);

#endif /* CREDO_TESTUTIL_H */
