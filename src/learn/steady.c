/* src/learn/steady.c -- the steady state of the frozen circuit: the
 * neurons relaxed with the weights held, as a learning monitor evaluates
 * a test input.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Damped Newton on the neuron states with the network's analytic Jacobian
 * (GSL LU); where it stalls (no root near, a singular J), pseudo-transient
 * continuation from the same start: implicit Euler steps whose dt grows as
 * the residual falls (switched evolution relaxation, Mulder & van Leer
 * 1985), which follows the dynamics into a stable steady state.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>

#include "learn/learn.h"

#define NEWTON_MAX_ITER 50
#define PTC_MAX_ITER 400
#define NEWTON_TOL 1e-11 /* on the step, relative to 1 + max|u| */

struct credo_steady
{
  credo_net *net;
  size_t nn;      /* neuron states */
  double *y;      /* the state being relaxed (borrowed during a solve) */
  double *y0;     /* its start, for the restart */
  double *f, *J, *A, *dx;
  gsl_permutation *perm;
};

void
credo__steady_free (credo_steady *s)
{
  if (!s)
    return;
  free (s->y0);
  free (s->f);
  free (s->J);
  free (s->A);
  free (s->dx);
  if (s->perm)
    gsl_permutation_free (s->perm);
  free (s);
}

credo_steady *
credo__steady_new (credo_net *net)
{
  credo_steady *s = credo__calloc (1, sizeof *s);
  size_t nn = net->n_neuron;
  if (!s || !(s->y0 = credo__calloc (nn + 1, sizeof *s->y0))
      || !(s->f = credo__calloc (net->n_state + 1, sizeof *s->f))
      || !(s->J = credo__calloc (nn * nn + 1, sizeof *s->J))
      || !(s->A = credo__calloc (nn * nn + 1, sizeof *s->A))
      || !(s->dx = credo__calloc (nn + 1, sizeof *s->dx))
      || !(s->perm = gsl_permutation_alloc (nn ? nn : 1)))
    {
      credo__steady_free (s);
      credo__error (net->ctx, CREDO_ENOMEM, "out of memory");
      return NULL;
    }
  s->net = net;
  s->nn = nn;
  return s;
}

static double
max_abs (const double *x, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    if (fabs (x[i]) > m || isnan (x[i]))
      m = isnan (x[i]) ? INFINITY : fabs (x[i]);
  return m;
}

/* The linear solve of one iteration at s->y: dx = -(J - I/dt)^-1 f, with
 * dt = INFINITY for Newton.  0 or -1. */
static int
newton_step (credo_steady *s, double t, double dt)
{
  size_t n = s->nn;
  gsl_matrix_view A = gsl_matrix_view_array (s->A, n, n);
  gsl_vector_view dx = gsl_vector_view_array (s->dx, n);
  gsl_error_handler_t *old;
  int signum, bad;
  credo__net_jac_setup (s->net, t, s->y);
  credo__net_jac_neurons (s->net, s->J, n);
  /* J is column-major; GSL wants row-major */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      s->A[i * n + j] = s->J[j * n + i] - (i == j ? 1.0 / dt : 0.0);
  for (size_t i = 0; i < n; i++)
    s->dx[i] = -s->f[i];
  /* a singular matrix is a failed step (pseudo-transient continuation
   * takes over), not GSL's default abort */
  old = gsl_set_error_handler_off ();
  bad = gsl_linalg_LU_decomp (&A.matrix, s->perm, &signum)
        || gsl_linalg_LU_svx (&A.matrix, s->perm, &dx.vector);
  gsl_set_error_handler (old);
  if (bad)
    return -1;
  return isfinite (max_abs (s->dx, n)) ? 0 : -1;
}

/* Adds lambda dx to the neuron states. */
static void
move (credo_steady *s, double lambda)
{
  for (size_t i = 0; i < s->nn; i++)
    s->y[i] += lambda * s->dx[i];
}

/* One pseudo-transient step: dt grows as |f| falls.  0 or -1. */
static int
ptc_step (credo_steady *s, double t, double *dt, double *fnorm)
{
  double fn;
  for (size_t i = 0; i < s->nn; i++)
    s->y[i] += s->dx[i];
  if (credo__net_rhs (s->net, t, s->y, s->f))
    return -1;
  fn = max_abs (s->f, s->nn);
  *dt *= fmin (fmax (*fnorm / fn, 0.5), 10.0);
  *fnorm = fn;
  return 0;
}

/* One damped Newton step: halve until the residual does not grow. */
static int
damped_step (credo_steady *s, double t, double *fnorm)
{
  double lambda = 1;
  for (int h = 0;; h++)
    {
      double fn;
      if (h == 30)
        return -1;
      move (s, lambda);
      if (credo__net_rhs (s->net, t, s->y, s->f) == 0
          && (fn = max_abs (s->f, s->nn)) <= *fnorm * (1 + 1e-12))
        {
          *fnorm = fn;
          return 0;
        }
      move (s, -lambda);
      lambda *= 0.5;
    }
}

/* Newton (or, with `ptc`, pseudo-transient continuation) on s->y at t.
 * 0 or -1. */
static int
solve_rest (credo_steady *s, double t, int ptc)
{
  size_t n = s->nn;
  double fnorm, dt = ptc ? 1.0 : INFINITY;
  if (credo__net_rhs (s->net, t, s->y, s->f))
    return -1;
  fnorm = max_abs (s->f, n);
  for (int it = 0; it < (ptc ? PTC_MAX_ITER : NEWTON_MAX_ITER); it++)
    {
      double step, xnorm;
      if (newton_step (s, t, dt))
        return -1;
      step = max_abs (s->dx, n);
      xnorm = max_abs (s->y, n);
      if (step <= NEWTON_TOL * (1 + xnorm) && dt > 1e6)
        {
          /* at the rounding floor the residual need not fall any more */
          move (s, 1.0);
          credo__net_eval (s->net, t, s->y);
          return 0;
        }
      if (ptc)
        {
          if (ptc_step (s, t, &dt, &fnorm))
            return -1;
          if (fnorm == 0)
            {
              /* exactly at rest (a Newton step could not start from a
               * singular Jacobian) */
              credo__net_eval (s->net, t, s->y);
              return 0;
            }
          continue;
        }
      if (damped_step (s, t, &fnorm))
        return -1;
      if (fnorm == 0)
        {
          credo__net_eval (s->net, t, s->y);
          return 0;
        }
    }
  return -1;
}

int
credo__steady_solve (credo_steady *s, double t, double *y)
{
  int rc;
  s->y = y;
  if (s->nn == 0)
    {
      credo__net_eval (s->net, t, y);
      return 0;
    }
  memcpy (s->y0, y, s->nn * sizeof *y);
  if ((rc = solve_rest (s, t, 0)) != 0)
    {
      memcpy (y, s->y0, s->nn * sizeof *y);
      rc = solve_rest (s, t, 1);
    }
  s->y = NULL;
  return rc;
}
