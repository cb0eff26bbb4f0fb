/* src/engine/nvector_fast.c -- compiled vector kernels for SUNDIALS' serial N_Vector.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Why: Debian's SUNDIALS 6.4.1 library is built without optimisation
 * (its N_VDotProd_Serial spills every variable to the stack; measured ~20
 * instructions per element in N_VLinearSum_Serial).  With weights in the
 * state vector (thousands of entries) CVODE's own vector arithmetic was
 * 80 % of a run.  SUNDIALS lets a program supply the operations of a
 * vector: we keep the serial vector's content (data, length) and replace
 * the arithmetic ops with these loops, built with the project's flags.
 * Clones copy the ops table, so setting it on the template vector covers
 * every vector CVODE and SPGMR make from it.  Semantics follow the SUNDIALS
 * documentation of each operation; reductions use four partial sums (a
 * fixed order, so results are still bit-reproducible run to run).
 */
/* Loop vectorisation (with run-time alias checks: z may be x) is worth
 * 2-3x on these streaming loops; -O2 of GCC 12 does not do it. */
#if defined __GNUC__ && !defined __clang__
#pragma GCC optimize("O3")
#endif

#include <math.h>

#include <nvector/nvector_serial.h>

#include "engine/engine.h"

/* The streaming loops are also built for AVX2 and picked at load time
 * (GCC function multi-versioning).  Only "avx2", not FMA: element-wise
 * IEEE operations round the same either way, so results stay identical
 * on machines with and without it. */
#if defined __GNUC__ && !defined __clang__ && defined __x86_64__ \
    && defined __linux__
#define VEC_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
#define VEC_CLONES
#endif

#define LEN(v) ((size_t) NV_LENGTH_S (v))
#define DATA(v) NV_DATA_S (v)

VEC_CLONES static void
fast_linearsum (sunrealtype a, N_Vector x, sunrealtype b, N_Vector y,
                N_Vector z)
{
  const sunrealtype *xd = DATA (x), *yd = DATA (y);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  if (a == 1.0 && b == 1.0)
    for (size_t i = 0; i < n; i++)
      zd[i] = xd[i] + yd[i];
  else if (a == 1.0 && b == -1.0)
    for (size_t i = 0; i < n; i++)
      zd[i] = xd[i] - yd[i];
  else if (a == -1.0 && b == 1.0)
    for (size_t i = 0; i < n; i++)
      zd[i] = yd[i] - xd[i];
  else
    for (size_t i = 0; i < n; i++)
      zd[i] = a * xd[i] + b * yd[i];
}

VEC_CLONES static void
fast_const (sunrealtype c, N_Vector z)
{
  sunrealtype *zd = DATA (z);
  size_t n = LEN (z);
  for (size_t i = 0; i < n; i++)
    zd[i] = c;
}

VEC_CLONES static void
fast_prod (N_Vector x, N_Vector y, N_Vector z)
{
  const sunrealtype *xd = DATA (x), *yd = DATA (y);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  for (size_t i = 0; i < n; i++)
    zd[i] = xd[i] * yd[i];
}

VEC_CLONES static void
fast_div (N_Vector x, N_Vector y, N_Vector z)
{
  const sunrealtype *xd = DATA (x), *yd = DATA (y);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  for (size_t i = 0; i < n; i++)
    zd[i] = xd[i] / yd[i];
}

VEC_CLONES static void
fast_scale (sunrealtype c, N_Vector x, N_Vector z)
{
  const sunrealtype *xd = DATA (x);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  for (size_t i = 0; i < n; i++)
    zd[i] = c * xd[i];
}

VEC_CLONES static void
fast_abs (N_Vector x, N_Vector z)
{
  const sunrealtype *xd = DATA (x);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  for (size_t i = 0; i < n; i++)
    zd[i] = fabs (xd[i]);
}

VEC_CLONES static void
fast_inv (N_Vector x, N_Vector z)
{
  const sunrealtype *xd = DATA (x);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  for (size_t i = 0; i < n; i++)
    zd[i] = 1.0 / xd[i];
}

VEC_CLONES static void
fast_addconst (N_Vector x, sunrealtype b, N_Vector z)
{
  const sunrealtype *xd = DATA (x);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  for (size_t i = 0; i < n; i++)
    zd[i] = xd[i] + b;
}

VEC_CLONES static sunrealtype
fast_dotprod (N_Vector x, N_Vector y)
{
  const sunrealtype *xd = DATA (x), *yd = DATA (y);
  size_t n = LEN (x), i = 0;
  sunrealtype s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (; i + 4 <= n; i += 4)
    {
      s0 += xd[i] * yd[i];
      s1 += xd[i + 1] * yd[i + 1];
      s2 += xd[i + 2] * yd[i + 2];
      s3 += xd[i + 3] * yd[i + 3];
    }
  for (; i < n; i++)
    s0 += xd[i] * yd[i];
  return (s0 + s1) + (s2 + s3);
}

static sunrealtype
fast_maxnorm (N_Vector x)
{
  const sunrealtype *xd = DATA (x);
  size_t n = LEN (x);
  sunrealtype m = 0;
  for (size_t i = 0; i < n; i++)
    if (fabs (xd[i]) > m)
      m = fabs (xd[i]);
  return m;
}

/* sum (x_i w_i)^2 over i with id_i > 0 (id NULL: all). */
VEC_CLONES static sunrealtype
wsqrsum (N_Vector x, N_Vector w, N_Vector id)
{
  const sunrealtype *xd = DATA (x), *wd = DATA (w);
  const sunrealtype *idd = id ? DATA (id) : NULL;
  size_t n = LEN (x), i = 0;
  sunrealtype s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  if (idd)
    {
      for (i = 0; i < n; i++)
        if (idd[i] > 0)
          {
            sunrealtype p = xd[i] * wd[i];
            s0 += p * p;
          }
      return s0;
    }
  for (; i + 4 <= n; i += 4)
    {
      sunrealtype p0 = xd[i] * wd[i], p1 = xd[i + 1] * wd[i + 1];
      sunrealtype p2 = xd[i + 2] * wd[i + 2], p3 = xd[i + 3] * wd[i + 3];
      s0 += p0 * p0;
      s1 += p1 * p1;
      s2 += p2 * p2;
      s3 += p3 * p3;
    }
  for (; i < n; i++)
    s0 += (xd[i] * wd[i]) * (xd[i] * wd[i]);
  return (s0 + s1) + (s2 + s3);
}

static sunrealtype
fast_wsqrsumlocal (N_Vector x, N_Vector w)
{
  return wsqrsum (x, w, NULL);
}

static sunrealtype
fast_wsqrsummasklocal (N_Vector x, N_Vector w, N_Vector id)
{
  return wsqrsum (x, w, id);
}

/* The block size of credo__nvector_batch_block (0: one block). */
static _Thread_local size_t batch_block;

size_t
credo__nvector_batch_block (size_t P)
{
  size_t old = batch_block;
  batch_block = P;
  return old;
}

/* max over blocks of P of sqrt (sum (x w)^2 / P) */
static sunrealtype
batch_wrmsnorm (N_Vector x, N_Vector w, size_t P)
{
  const sunrealtype *xd = DATA (x), *wd = DATA (w);
  size_t n = LEN (x);
  sunrealtype worst = 0;
  for (size_t b = 0; b < n; b += P)
    {
      sunrealtype s = 0;
      for (size_t i = b; i < b + P; i++)
        {
          sunrealtype p = xd[i] * wd[i];
          s += p * p;
        }
      if (s > worst || isnan (s))
        worst = s;
    }
  return sqrt (worst / (sunrealtype) P);
}

static sunrealtype
fast_wrmsnorm (N_Vector x, N_Vector w)
{
  size_t P = batch_block;
  if (P > 0 && LEN (x) > P && LEN (x) % P == 0)
    return batch_wrmsnorm (x, w, P);
  return sqrt (wsqrsum (x, w, NULL) / (sunrealtype) LEN (x));
}

static sunrealtype
fast_wrmsnormmask (N_Vector x, N_Vector w, N_Vector id)
{
  return sqrt (wsqrsum (x, w, id) / (sunrealtype) LEN (x));
}

static sunrealtype
fast_wl2norm (N_Vector x, N_Vector w)
{
  return sqrt (wsqrsum (x, w, NULL));
}

static sunrealtype
fast_min (N_Vector x)
{
  const sunrealtype *xd = DATA (x);
  size_t n = LEN (x);
  sunrealtype m = n ? xd[0] : 0;
  for (size_t i = 1; i < n; i++)
    if (xd[i] < m)
      m = xd[i];
  return m;
}

static sunrealtype
fast_l1norm (N_Vector x)
{
  const sunrealtype *xd = DATA (x);
  size_t n = LEN (x);
  sunrealtype s = 0;
  for (size_t i = 0; i < n; i++)
    s += fabs (xd[i]);
  return s;
}

static void
fast_compare (sunrealtype c, N_Vector x, N_Vector z)
{
  const sunrealtype *xd = DATA (x);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  for (size_t i = 0; i < n; i++)
    zd[i] = fabs (xd[i]) >= c ? 1.0 : 0.0;
}

static sunbooleantype
fast_invtest (N_Vector x, N_Vector z)
{
  const sunrealtype *xd = DATA (x);
  sunrealtype *zd = DATA (z);
  size_t n = LEN (x);
  sunbooleantype ok = SUNTRUE;
  for (size_t i = 0; i < n; i++)
    {
      if (xd[i] == 0.0)
        ok = SUNFALSE;
      else
        zd[i] = 1.0 / xd[i];
    }
  return ok;
}

/* z = sum_j c_j X_j (z may be X_0) */
VEC_CLONES static int
fast_linearcombination (int nv, sunrealtype *c, N_Vector *X, N_Vector z)
{
  sunrealtype *zd = DATA (z);
  size_t n = LEN (z);
  int j = 1;
  if (nv < 1)
    return -1;
  if (X[0] == z)
    {
      if (c[0] != 1.0)
        for (size_t i = 0; i < n; i++)
          zd[i] *= c[0];
    }
  else
    {
      const sunrealtype *x0 = DATA (X[0]);
      if (nv >= 2 && X[1] != z)
        {
          const sunrealtype *x1 = DATA (X[1]);
          for (size_t i = 0; i < n; i++)
            zd[i] = c[0] * x0[i] + c[1] * x1[i];
          j = 2;
        }
      else
        for (size_t i = 0; i < n; i++)
          zd[i] = c[0] * x0[i];
    }
  for (; j < nv; j++)
    {
      const sunrealtype *xj = DATA (X[j]);
      sunrealtype cj = c[j];
      if (X[j] == z)
        return -1; /* only X[0] may alias z */
      for (size_t i = 0; i < n; i++)
        zd[i] += cj * xj[i];
    }
  return 0;
}

/* Z_j = a_j x + Y_j */
VEC_CLONES static int
fast_scaleaddmulti (int nv, sunrealtype *a, N_Vector x, N_Vector *Y,
                    N_Vector *Z)
{
  const sunrealtype *xd = DATA (x);
  size_t n = LEN (x);
  for (int j = 0; j < nv; j++)
    {
      const sunrealtype *yd = DATA (Y[j]);
      sunrealtype *zd = DATA (Z[j]), aj = a[j];
      for (size_t i = 0; i < n; i++)
        zd[i] = aj * xd[i] + yd[i];
    }
  return 0;
}

/* d_j = x . Y_j */
static int
fast_dotprodmulti (int nv, N_Vector x, N_Vector *Y, sunrealtype *d)
{
  for (int j = 0; j < nv; j++)
    d[j] = fast_dotprod (x, Y[j]);
  return 0;
}

void
credo__nvector_fast (N_Vector v)
{
  N_Vector_Ops o = v->ops;
  o->nvlinearsum = fast_linearsum;
  o->nvconst = fast_const;
  o->nvprod = fast_prod;
  o->nvdiv = fast_div;
  o->nvscale = fast_scale;
  o->nvabs = fast_abs;
  o->nvinv = fast_inv;
  o->nvaddconst = fast_addconst;
  o->nvdotprod = fast_dotprod;
  o->nvmaxnorm = fast_maxnorm;
  o->nvwrmsnorm = fast_wrmsnorm;
  o->nvwrmsnormmask = fast_wrmsnormmask;
  o->nvmin = fast_min;
  o->nvwl2norm = fast_wl2norm;
  o->nvl1norm = fast_l1norm;
  o->nvcompare = fast_compare;
  o->nvinvtest = fast_invtest;
  o->nvlinearcombination = fast_linearcombination;
  o->nvscaleaddmulti = fast_scaleaddmulti;
  o->nvdotprodmulti = fast_dotprodmulti;
  o->nvdotprodlocal = fast_dotprod;
  o->nvmaxnormlocal = fast_maxnorm;
  o->nvminlocal = fast_min;
  o->nvl1normlocal = fast_l1norm;
  o->nvinvtestlocal = fast_invtest;
  o->nvwsqrsumlocal = fast_wsqrsumlocal;
  o->nvwsqrsummasklocal = fast_wsqrsummasklocal;
}
