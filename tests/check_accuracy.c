/* tests/check_accuracy.c -- /learning/test_accuracy on test sets whose
 * accuracy is known by construction.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The chain: a 3-unit input x, identity weights (no plasticity) onto the
 * basal dendrites of a 3-unit output layer p of default pyramidal cells
 * with g_A = 0 (SAC18's output layer).  At the steady state without
 * teaching p's potential is u = g_B / (g_lk + g_B) x = x / 1.1 and its rate
 * phi(u) = 0.1 log(1 + e^{u - 3}), increasing in u, so argmax of the output
 * is argmax x for every test input.  The targets are chosen so that
 * exactly k of the n = 5 samples have argmax target = argmax x:
 *
 *   all   every sample agrees           accuracy 1   (argmin would give 0)
 *   none  no sample agrees              accuracy 0   (argmin would give 1)
 *   three samples 0, 2 and 4 agree      accuracy 3/5 (argmin would give 2/5)
 *
 * Two inputs have their maximum in the last unit and two in the first, so
 * an argmax that skips an end fails too.  test_error is checked with it:
 * the mean over samples of sum_j (phi(x_j / 1.1) - target_j)^2.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define NS 5
#define NO 3

/* argmax x: 0, 2, 1, 2, 0; argmin x: 1, 0, 2, 1, 2 */
static const double X[NS * NO] = { 3, 1, 2,  0, 1, 5,  1, 4, 0,
                                   2, 0, 6,  5, 2, 1 };

/* same argmax as X, argmin never that of X */
static const double Y_ALL[NS * NO] = { 1, 0.5, 0,  0.5, 0, 1,  0, 1, 0.5,
                                       0, 0.5, 1,  1, 0, 0.5 };

/* X with its largest and middle values swapped: another argmax, the same
 * argmin */
static const double Y_NONE[NS * NO] = { 2, 1, 3,  0, 5, 1,  4, 1, 0,
                                        6, 0, 2,  2, 5, 1 };

/* samples 0, 2, 4 from Y_ALL, 1, 3 from Y_NONE */
static double Y_THREE[NS * NO];

static double
phi (double u)
{
  return 0.1 * log1p (exp (u - 3.0));
}

/* sum over samples of sum_j (phi(x_j / 1.1) - y_j)^2, divided by NS */
static double
closed_form_error (const double *y)
{
  double e = 0;
  for (size_t i = 0; i < NS * NO; i++)
    e += (phi (X[i] / 1.1) - y[i]) * (phi (X[i] / 1.1) - y[i]);
  return e / NS;
}

/* Runs the chain with targets `targets` of tmpdir/test.h5 and checks
 * both rows of /learning (t = 0 and 10 ms) against the accuracy `want`
 * and the closed-form test error of y. */
static void
expect_accuracy (const char *targets, const double *y, double want)
{
  static const double eye[NO * NO] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  char cfg[2048], w[512], out[512];
  size_t rows, cols;
  double *acc, *err, err_want = closed_form_error (y);
  run r;
  snprintf (w, sizeof w, "%s/eye.csv", tmpdir);
  write_csv (w, eye, NO, NO);
  snprintf (out, sizeof out, "%s/%s.h5", tmpdir, targets);
  snprintf (cfg, sizeof cfg,
            "duration = 10.0;\n"
            "populations = { x = { model = \"input\"; size = 3; };\n"
            "  p = { model = \"pyramidal\"; size = 3; params = { g_A = 0.0; "
            "}; }; };\n"
            "projections = ( { name = \"W\"; from = \"x.r\"; to = "
            "\"p.basal\"; init = { file = \"%s\"; }; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = 1.0; } );\n"
            "learning = { every = 10.0; layers = [\"x\", \"p\"]; classify = "
            "true;\n"
            "  test = { file = \"%s/test.h5\"; inputs = \"X\"; targets = "
            "\"%s\"; }; };\n"
            "solver = { rtol = 1e-10; atol = 1e-12; };\n",
            w, tmpdir, targets);
  r = run_text (cfg, out, NULL, 0);
  run_free (&r);
  acc = read_2d (out, "/learning/test_accuracy", &rows, &cols);
  ck_assert_uint_eq (rows, 2);
  ck_assert_uint_eq (cols, 1);
  err = read_2d (out, "/learning/test_error", &rows, &cols);
  ck_assert_uint_eq (rows, 2);
  for (size_t k = 0; k < 2; k++)
    {
      ck_assert_msg (acc[k] == want, "%s: test_accuracy[%zu] = %.17g, by "
                     "construction %.17g", targets, k, acc[k], want);
      ck_assert_msg (fabs (err[k] - err_want) < 1e-9 * err_want,
                     "%s: test_error[%zu] = %.15g, closed form %.15g",
                     targets, k, err[k], err_want);
    }
  free (acc), free (err);
}

static void
setup (void)
{
  hsize_t dims[2] = { NS, NO };
  ctx_setup ();
  for (size_t i = 0; i < NS; i++)
    memcpy (Y_THREE + i * NO, (i % 2 ? Y_NONE : Y_ALL) + i * NO,
            NO * sizeof *Y_THREE);
  h5_put ("test.h5", 1, "X", 2, dims, X);
  h5_put ("test.h5", 0, "Y_all", 2, dims, Y_ALL);
  h5_put ("test.h5", 0, "Y_none", 2, dims, Y_NONE);
  h5_put ("test.h5", 0, "Y_three", 2, dims, Y_THREE);
}

START_TEST (test_accuracy_one)
{
  expect_accuracy ("Y_all", Y_ALL, 1.0);
}
END_TEST

START_TEST (test_accuracy_zero)
{
  expect_accuracy ("Y_none", Y_NONE, 0.0);
}
END_TEST

START_TEST (test_accuracy_three_of_five)
{
  expect_accuracy ("Y_three", Y_THREE, 3.0 / 5.0);
}
END_TEST

static Suite *
accuracy_suite (void)
{
  Suite *s = suite_create ("accuracy");
  TCase *tc = tcase_create ("accuracy");
  tcase_add_checked_fixture (tc, setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_accuracy_one);
  tcase_add_test (tc, test_accuracy_zero);
  tcase_add_test (tc, test_accuracy_three_of_five);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (accuracy_suite ());
}
