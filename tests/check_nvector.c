/* tests/check_nvector.c -- the compiled vector kernels of
 * src/engine/nvector_fast.c against SUNDIALS' own serial N_Vector.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every operation credo__nvector_fast replaces is applied to a serial
 * vector with SUNDIALS' ops (the reference, fused operations enabled) and
 * to a copy with the fast ops, on the same data (37 entries: not a
 * multiple of the 4 partial sums, so the tail loops run too).  Element-wise
 * results must agree bit for bit: each is the same IEEE operations on the
 * same operands (commuted at most), the kernels being built without FMA.
 * Two exceptions where SUNDIALS rounds differently by design: N_VLinearSum
 * with a = b or a = -b, which SUNDIALS computes as a (x +- y); and the
 * reductions (dot products, weighted norms), which the kernels sum in four
 * partial sums: those agree to a few ulps of the sum of |terms|.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>

#include "testutil.h"

enum { N = 37 };

static SUNContext sunctx;
/* x, y (no zero), z, w (positive weights), id (mask): reference and fast */
static N_Vector ref[5], fast[5];

static void
vectors_setup (void)
{
  ck_assert_int_eq (SUNContext_Create (NULL, &sunctx), 0);
  for (int k = 0; k < 5; k++)
    {
      ref[k] = N_VNew_Serial (N, sunctx);
      fast[k] = N_VNew_Serial (N, sunctx);
      ck_assert (ref[k] && fast[k]);
      ck_assert_int_eq (N_VEnableFusedOps_Serial (ref[k], SUNTRUE), 0);
      credo__nvector_fast (fast[k]);
    }
}

static void
vectors_teardown (void)
{
  for (int k = 0; k < 5; k++)
    {
      N_VDestroy (ref[k]);
      N_VDestroy (fast[k]);
    }
  SUNContext_Free (&sunctx);
}

#define X 0
#define Y 1
#define Z 2
#define W 3
#define ID 4

/* Fills both sets with the same data: x and y of mixed signs and
 * magnitudes, y without zeros, z garbage, w in (0.5, 1.5), id 0/1. */
static void
fill (void)
{
  for (int k = 0; k < 5; k++)
    for (sunindextype i = 0; i < N; i++)
      {
        double t = (double) i, v;
        switch (k)
          {
          case X:
            v = sin (1.3 * t + 0.2) * pow (10.0, (double) (i % 5) - 2);
            break;
          case Y:
            v = (i % 3 ? 1.0 : -1.0) * (0.1 + fabs (cos (0.7 * t)));
            break;
          case Z:
            v = 1e3 + t;
            break;
          case W:
            v = 1.0 + 0.5 * sin (t);
            break;
          default:
            v = (i % 4 == 1) ? 0.0 : 1.0;
            break;
          }
        NV_Ith_S (ref[k], i) = v;
        NV_Ith_S (fast[k], i) = v;
      }
}

/* Vector k of both sets must agree to atol (0: bit for bit). */
static void
same (int k, double atol, const char *what)
{
  assert_close (N_VGetArrayPointer (fast[k]), N_VGetArrayPointer (ref[k]), N,
                atol, 0, what);
}

START_TEST (test_linear_sum)
{
  /* each special branch of both implementations, and the general case */
  static const double ab[][2]
      = { { 1, 1 },     { 1, -1 },     { -1, 1 },     { 0.7, 1 },
          { 1, -2.3 },  { 0.7, -1 },   { -1, -2.3 },  { 0.7, -2.3 },
          { -1, -1 },   { 0, 1.9 },    { 1.9, 0 } };
  char what[128];
  for (size_t c = 0; c < sizeof ab / sizeof *ab; c++)
    {
      double a = ab[c][0], b = ab[c][1];
      fill ();
      N_VLinearSum (a, ref[X], b, ref[Y], ref[Z]);
      N_VLinearSum (a, fast[X], b, fast[Y], fast[Z]);
      snprintf (what, sizeof what, "z = %g x + %g y", a, b);
      same (Z, 0, what);
      /* in place, as CVODE calls it: y = a x + b y, x = a x + b y */
      N_VLinearSum (a, ref[X], b, ref[Y], ref[Y]);
      N_VLinearSum (a, fast[X], b, fast[Y], fast[Y]);
      snprintf (what, sizeof what, "y = %g x + %g y", a, b);
      same (Y, 0, what);
      N_VLinearSum (a, ref[X], b, ref[Y], ref[X]);
      N_VLinearSum (a, fast[X], b, fast[Y], fast[X]);
      snprintf (what, sizeof what, "x = %g x + %g y", a, b);
      same (X, 0, what);
    }
  /* a (x + y) and a (x - y) in SUNDIALS: one rounding more or less, a few
   * ulps of 0.7 (|x| + |y|) < 75 */
  fill ();
  N_VLinearSum (0.7, ref[X], 0.7, ref[Y], ref[Z]);
  N_VLinearSum (0.7, fast[X], 0.7, fast[Y], fast[Z]);
  same (Z, 1e-13, "z = 0.7 x + 0.7 y");
  N_VLinearSum (0.7, ref[X], -0.7, ref[Y], ref[Z]);
  N_VLinearSum (0.7, fast[X], -0.7, fast[Y], fast[Z]);
  same (Z, 1e-13, "z = 0.7 x - 0.7 y");
}
END_TEST

START_TEST (test_elementwise)
{
  sunbooleantype okr, okf;
  fill ();
  N_VConst (-2.5, ref[Z]), N_VConst (-2.5, fast[Z]);
  same (Z, 0, "const");
  N_VProd (ref[X], ref[Y], ref[Z]), N_VProd (fast[X], fast[Y], fast[Z]);
  same (Z, 0, "prod");
  N_VDiv (ref[X], ref[Y], ref[Z]), N_VDiv (fast[X], fast[Y], fast[Z]);
  same (Z, 0, "div");
  for (int c = 0; c < 4; c++)
    {
      const double s[] = { 1.0, -1.0, 0.3, -7.0 };
      N_VScale (s[c], ref[X], ref[Z]), N_VScale (s[c], fast[X], fast[Z]);
      same (Z, 0, "scale");
      N_VScale (s[c], ref[Z], ref[Z]), N_VScale (s[c], fast[Z], fast[Z]);
      same (Z, 0, "scale in place");
    }
  N_VAbs (ref[X], ref[Z]), N_VAbs (fast[X], fast[Z]);
  same (Z, 0, "abs");
  N_VInv (ref[Y], ref[Z]), N_VInv (fast[Y], fast[Z]);
  same (Z, 0, "inv");
  N_VAddConst (ref[X], 0.37, ref[Z]), N_VAddConst (fast[X], 0.37, fast[Z]);
  same (Z, 0, "addconst");
  N_VCompare (0.5, ref[X], ref[Z]), N_VCompare (0.5, fast[X], fast[Z]);
  same (Z, 0, "compare");
  okr = N_VInvTest (ref[Y], ref[Z]), okf = N_VInvTest (fast[Y], fast[Z]);
  ck_assert (okr == SUNTRUE && okf == SUNTRUE);
  same (Z, 0, "invtest");
  fill (); /* id has zeros: z keeps its value there */
  okr = N_VInvTest (ref[ID], ref[Z]), okf = N_VInvTest (fast[ID], fast[Z]);
  ck_assert (okr == SUNFALSE && okf == SUNFALSE);
  same (Z, 0, "invtest with zeros");
}
END_TEST

/* A reduction of the fast set must match the reference to 8 ulps of
 * `mag` (the sum of the terms' magnitudes). */
static void
close_sum (double got, double want, double mag, const char *what)
{
  assert_close1 (got, want, 8 * DBL_EPSILON * mag, 0, what);
}

START_TEST (test_reductions)
{
  double mag = 0, w2 = 0;
  fill ();
  for (sunindextype i = 0; i < N; i++)
    {
      double x = NV_Ith_S (ref[X], i), w = NV_Ith_S (ref[W], i);
      mag += fabs (x * NV_Ith_S (ref[Y], i));
      w2 += x * w * x * w;
    }
  close_sum (N_VDotProd (fast[X], fast[Y]), N_VDotProd (ref[X], ref[Y]), mag,
             "dotprod");
  ck_assert (N_VMaxNorm (fast[X]) == N_VMaxNorm (ref[X]));
  ck_assert (N_VMin (fast[X]) == N_VMin (ref[X]));
  ck_assert (N_VMin (fast[Y]) == N_VMin (ref[Y]));
  ck_assert (N_VL1Norm (fast[X]) == N_VL1Norm (ref[X]));
  close_sum (N_VWrmsNorm (fast[X], fast[W]), N_VWrmsNorm (ref[X], ref[W]),
             sqrt (w2 / N), "wrmsnorm");
  close_sum (N_VWrmsNormMask (fast[X], fast[W], fast[ID]),
             N_VWrmsNormMask (ref[X], ref[W], ref[ID]), sqrt (w2 / N),
             "wrmsnormmask");
  ck_assert (N_VWrmsNormMask (fast[X], fast[W], fast[ID])
             < N_VWrmsNorm (fast[X], fast[W]));
  close_sum (N_VWL2Norm (fast[X], fast[W]), N_VWL2Norm (ref[X], ref[W]),
             sqrt (w2), "wl2norm");
  close_sum (N_VWSqrSumLocal (fast[X], fast[W]),
             N_VWSqrSumLocal (ref[X], ref[W]), w2, "wsqrsumlocal");
  close_sum (N_VWSqrSumMaskLocal (fast[X], fast[W], fast[ID]),
             N_VWSqrSumMaskLocal (ref[X], ref[W], ref[ID]), w2,
             "wsqrsummasklocal");
}
END_TEST

START_TEST (test_fused)
{
  double c[3] = { 0.3, -1.7, 2.1 }, dr[3], df[3], mag = 0;
  N_Vector Xr[3] = { ref[Z], ref[X], ref[Y] };
  N_Vector Xf[3] = { fast[Z], fast[X], fast[Y] };
  N_Vector Yr[2] = { ref[X], ref[Y] }, Yf[2] = { fast[X], fast[Y] };
  N_Vector Zr[2] = { ref[Z], ref[W] }, Zf[2] = { fast[Z], fast[W] };
  for (int nv = 1; nv <= 3; nv++)
    {
      fill ();
      /* into id, from (x, y) or (z, x, y) */
      int from = nv < 3;
      ck_assert_int_eq (N_VLinearCombination (nv, c, Xr + from, ref[ID]), 0);
      ck_assert_int_eq (N_VLinearCombination (nv, c, Xf + from, fast[ID]), 0);
      same (ID, 0, "linear combination");
      /* z = c0 z + c1 x + c2 y: z is X[0] */
      ck_assert_int_eq (N_VLinearCombination (nv, c, Xr, ref[Z]), 0);
      ck_assert_int_eq (N_VLinearCombination (nv, c, Xf, fast[Z]), 0);
      same (Z, 0, "linear combination in place");
    }
  fill ();
  ck_assert_int_eq (N_VScaleAddMulti (2, c, ref[Y], Yr, Zr), 0);
  ck_assert_int_eq (N_VScaleAddMulti (2, c, fast[Y], Yf, Zf), 0);
  same (Z, 0, "scaleaddmulti 0"), same (W, 0, "scaleaddmulti 1");
  fill ();
  ck_assert_int_eq (N_VDotProdMulti (3, ref[X], Xr, dr), 0);
  ck_assert_int_eq (N_VDotProdMulti (3, fast[X], Xf, df), 0);
  for (sunindextype i = 0; i < N; i++)
    mag = fmax (mag, fabs (NV_Ith_S (ref[X], i)) * 1e3 * 2);
  for (int j = 0; j < 3; j++)
    close_sum (df[j], dr[j], N * mag, "dotprodmulti");
}
END_TEST

static Suite *
nvector_suite (void)
{
  Suite *s = suite_create ("nvector");
  TCase *tc = tcase_create ("nvector");
  tcase_add_checked_fixture (tc, vectors_setup, vectors_teardown);
  tcase_add_test (tc, test_linear_sum);
  tcase_add_test (tc, test_elementwise);
  tcase_add_test (tc, test_reductions);
  tcase_add_test (tc, test_fused);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (nvector_suite ());
}
