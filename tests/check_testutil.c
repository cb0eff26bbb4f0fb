/* tests/check_testutil.c -- the comparison helpers of tests/testutil.h fail
 * on NaN, +Inf, -Inf and too-large differences, and pass on equal vectors.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * assert_close is ck_assert_msg over describe_not_close, which is
 * first_not_close plus a message: the predicate tests below check that one
 * implementation directly (index and message), and the exit tests check
 * that the assertion built on it really fails a test.  A failed Check
 * assertion ends a forked test with exit status 1, which
 * tcase_add_exit_test (tc, test, 1) counts as the expected outcome.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Four values with one replaced at index 2. */
static void
with_bad (double *v, double bad)
{
  const double base[4] = { 1.0, -2.0, 3.0, 0.5 };
  memcpy (v, base, sizeof base);
  v[2] = bad;
}

static const double ref[4] = { 1.0, -2.0, 3.0, 0.5 };

/* ---- the predicate ------------------------------------------------------ */

START_TEST (test_equal_is_close)
{
  char msg[256] = "x";
  ck_assert_int_eq (first_not_close (ref, ref, 4, 0, 0), -1);
  ck_assert_int_eq (describe_not_close (msg, sizeof msg, ref, ref, 4, 0, 0,
                                        "v"), -1);
  ck_assert_str_eq (msg, "");
  ck_assert_int_eq (first_not_close (ref, ref, 0, 0, 0), -1);
  /* the relative part: |100.5 - 100| = 0.5 <= 1e-2 * 100, not <= 1e-3 * 100 */
  const double a = 100.5, b = 100.0;
  ck_assert_int_eq (first_not_close (&a, &b, 1, 0, 1e-2), -1);
  ck_assert_int_eq (first_not_close (&a, &b, 1, 0, 1e-3), 0);
  ck_assert_int_eq (first_not_close (&a, &b, 1, 0.5, 0), -1);
  ck_assert_int_eq (first_not_close (&a, &b, 1, 0.49, 0), 0);
  /* want NULL: against zero */
  const double small[2] = { 1e-12, -1e-12 };
  ck_assert_int_eq (first_not_close (small, NULL, 2, 1e-11, 0), -1);
  ck_assert_int_eq (first_not_close (small, NULL, 2, 1e-13, 0), 0);
}
END_TEST

START_TEST (test_non_finite_is_not_close)
{
  const double bad[3] = { NAN, INFINITY, -INFINITY };
  double v[4];
  char msg[256];
  for (int k = 0; k < 3; k++)
    {
      with_bad (v, bad[k]);
      /* on either side, whatever the tolerance */
      ck_assert_int_eq (first_not_close (v, ref, 4, 1e300, 1e300), 2);
      ck_assert_int_eq (first_not_close (ref, v, 4, 1e300, 1e300), 2);
      ck_assert_int_eq (first_not_close (v, v, 4, INFINITY, 0), 2);
      ck_assert_int_eq (first_not_close (v, NULL, 4, INFINITY, 0), 2);
      ck_assert_int_eq (describe_not_close (msg, sizeof msg, v, ref, 4, 1, 0,
                                            "vec"), 2);
      ck_assert_msg (strstr (msg, "vec: element 2 of 4: got ") != NULL
                         && strstr (msg, "want 3"),
                     "message '%s'", msg);
    }
  /* a NaN bound is never met */
  ck_assert_int_eq (first_not_close (ref, ref, 4, NAN, 0), 0);
  ck_assert_int_eq (first_not_close (ref, ref, 4, 0, NAN), 0);
}
END_TEST

START_TEST (test_large_difference_is_not_close)
{
  double v[4];
  char msg[256];
  with_bad (v, 3.0 + 2e-6);
  ck_assert_int_eq (first_not_close (v, ref, 4, 1e-6, 0), 2);
  ck_assert_int_eq (first_not_close (v, ref, 4, 1e-5, 0), -1);
  ck_assert_int_eq (describe_not_close (msg, sizeof msg, v, ref, 4, 1e-6, 0,
                                        "vec"), 2);
  ck_assert_msg (strstr (msg, "got 3.00000199") && strstr (msg, "want 3 ("),
                 "message '%s'", msg);
  /* the first bad index, not the worst */
  v[0] = 5.0;
  ck_assert_int_eq (first_not_close (v, ref, 4, 1e-6, 0), 0);
}
END_TEST

START_TEST (test_max_abs_and_diff)
{
  const double bad[3] = { NAN, INFINITY, -INFINITY };
  double v[4];
  ck_assert_double_eq (max_abs (ref, 4), 3.0);
  ck_assert_double_eq (max_diff (ref, ref, 4), 0.0);
  ck_assert_double_eq (max_abs (ref, 0), 0.0);
  for (int k = 0; k < 3; k++)
    {
      with_bad (v, bad[k]);
      ck_assert_msg (isnan (max_abs (v, 4)), "max_abs %g", max_abs (v, 4));
      ck_assert_msg (isnan (max_diff (v, ref, 4)), "max_diff %g",
                     max_diff (v, ref, 4));
      ck_assert_msg (isnan (max_diff (ref, v, 4)), "max_diff %g",
                     max_diff (ref, v, 4));
      /* so both kinds of check built on them fail */
      ck_assert (!(max_abs (v, 4) < 1e300) && !(max_abs (v, 4) > 0));
    }
}
END_TEST

/* ---- the assertion ------------------------------------------------------ */

START_TEST (test_assert_close_passes)
{
  assert_close (ref, ref, 4, 0, 0, "equal vectors");
  assert_close1 (1.0, 1.0 + 1e-12, 1e-11, 0, "scalar");
  assert_close1 (200.0, 201.0, 0, 5e-3, "scalar, relative");
  assert_finite (ref, 4, "finite vector");
  const double huge[2] = { 1e308, -1e308 };
  assert_finite (huge, 2, "large but finite");
}
END_TEST

/* Each of these must fail (exit status 1): registered as exit tests. */
START_TEST (test_assert_close_fails_nan)
{
  double v[4];
  with_bad (v, NAN);
  assert_close (v, ref, 4, 1e300, 0, "NaN");
}
END_TEST

START_TEST (test_assert_close_fails_inf)
{
  double v[4];
  with_bad (v, INFINITY);
  assert_close (v, ref, 4, 1e300, 0, "+Inf");
}
END_TEST

START_TEST (test_assert_close_fails_minus_inf)
{
  double v[4];
  with_bad (v, -INFINITY);
  assert_close (ref, v, 4, 1e300, 0, "-Inf");
}
END_TEST

START_TEST (test_assert_close_fails_difference)
{
  double v[4];
  with_bad (v, 3.1);
  assert_close (v, ref, 4, 1e-3, 1e-2, "difference");
}
END_TEST

START_TEST (test_assert_finite_fails_inf)
{
  double v[4];
  with_bad (v, -INFINITY);
  assert_finite (v, 4, "-Inf");
}
END_TEST

START_TEST (test_assert_close1_fails_nan)
{
  assert_close1 (NAN, 0.0, INFINITY, 0, "scalar NaN");
}
END_TEST

static Suite *
testutil_suite (void)
{
  Suite *s = suite_create ("testutil");
  TCase *tc = tcase_create ("close");
  tcase_add_test (tc, test_equal_is_close);
  tcase_add_test (tc, test_non_finite_is_not_close);
  tcase_add_test (tc, test_large_difference_is_not_close);
  tcase_add_test (tc, test_max_abs_and_diff);
  tcase_add_test (tc, test_assert_close_passes);
  tcase_add_exit_test (tc, test_assert_close_fails_nan, 1);
  tcase_add_exit_test (tc, test_assert_close_fails_inf, 1);
  tcase_add_exit_test (tc, test_assert_close_fails_minus_inf, 1);
  tcase_add_exit_test (tc, test_assert_close_fails_difference, 1);
  tcase_add_exit_test (tc, test_assert_close1_fails_nan, 1);
  tcase_add_exit_test (tc, test_assert_finite_fails_inf, 1);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  /* the exit tests need fork mode: CK_FORK=no would run them in-process,
   * where a failed assertion is a failure whatever the expected status */
  setenv ("CK_FORK", "yes", 1);
  return run_suite (testutil_suite ());
}
