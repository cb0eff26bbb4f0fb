/* src/engine/midpoint.c -- the explicit midpoint method (second-order
 * Runge-Kutta) on a fixed step, for deterministic circuits.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * One step from (t, y) to t + h (Hairer, Norsett & Wanner 1993, Sec. II.1,
 * Eq. 1.8):
 *
 *   k1 = f(t, y),  k2 = f(t + h/2, y + h/2 k1),  y <- y + h k2.
 *
 * Global error O(h^2), twice the right-hand sides of Euler per step.  The
 * grid is t0 + k dt from each segment start; the step that would pass the
 * segment's end is shortened onto it.  Samples between two steps are the
 * cubic Hermite interpolant of the step ends and their slopes, third order,
 * so sampling never lowers the method's order.  No noise: models that
 * declare noise need the euler engine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

typedef struct midpoint
{
  const credo_system *sys;
  double h, t, t0; /* step, time of y, grid origin */
  long k;          /* grid steps taken since t0 */
  size_t n;
  double *y, *y1, *k1, *k2, *f1, *tmp;
  long steps, rhs_evals, reinits;
} midpoint;

static void mp_free (void *ev);

static void *
mp_alloc (const credo_system *sys, const credo_solver_spec *s, double t0,
          const double *y0)
{
  midpoint *e = credo__calloc (1, sizeof *e);
  size_t n = sys->n ? sys->n : 1;
  if (!e)
    return credo__error (sys->ctx, CREDO_ENOMEM, "out of memory"), NULL;
  e->sys = sys;
  e->n = sys->n;
  e->h = s->dt;
  e->t = e->t0 = t0;
  e->y = credo__calloc (n, sizeof (double));
  e->y1 = credo__calloc (n, sizeof (double));
  e->k1 = credo__calloc (n, sizeof (double));
  e->k2 = credo__calloc (n, sizeof (double));
  e->f1 = credo__calloc (n, sizeof (double));
  e->tmp = credo__calloc (n, sizeof (double));
  if (!e->y || !e->y1 || !e->k1 || !e->k2 || !e->f1 || !e->tmp)
    {
      credo__error (sys->ctx, CREDO_ENOMEM, "out of memory");
      mp_free (e);
      return NULL;
    }
  memcpy (e->y, y0, e->n * sizeof (double));
  return e;
}

static int
mp_reset (void *ev, double t, const double *y)
{
  midpoint *e = ev;
  if (y != e->y)
    memcpy (e->y, y, e->n * sizeof (double));
  e->t = e->t0 = t;
  e->k = 0;
  e->reinits++;
  return 0;
}

/* f(t, y) into out; a non-finite result is a solver error naming t. */
static int
eval (midpoint *e, double t, const double *y, double *out)
{
  e->rhs_evals++;
  if (e->sys->rhs (e->sys->ud, t, y, out) == 0)
    return 0;
  return credo__error (e->sys->ctx, CREDO_ESOLVER,
                       "midpoint step failed at t = %g ms: non-finite "
                       "derivative (dt = %g ms)", t, e->h);
}

/* Samples wanted in (e->t, t1] on the Hermite cubic between (e->t, y, k1)
 * and (t1, y1, f1). */
static int
sample_between (midpoint *e, double t1, const credo_observer *obs)
{
  double ts, h = t1 - e->t;
  while ((ts = obs->next_time (obs->ud)) <= t1)
    {
      double s = (ts - e->t) / h, s2 = s * s, s3 = s2 * s;
      double a = 2 * s3 - 3 * s2 + 1, b = s3 - 2 * s2 + s;
      double c = -2 * s3 + 3 * s2, d = s3 - s2;
      for (size_t i = 0; i < e->n; i++)
        e->tmp[i] = a * e->y[i] + b * h * e->k1[i] + c * e->y1[i]
                    + d * h * e->f1[i];
      if (obs->sample (obs->ud, ts, ts == t1 ? e->y1 : e->tmp))
        return CREDO_EIO;
    }
  return 0;
}

static int
mp_advance (void *ev, double t_stop, const credo_observer *obs)
{
  midpoint *e = ev;
  credo_ctx *ctx = e->sys->ctx;
  int rc;
  while (e->t < t_stop)
    {
      double t1 = fmin (e->t0 + (double) (e->k + 1) * e->h, t_stop), h;
      double *sw;
      if (t_stop - t1 < 1e-6 * e->h)
        t1 = t_stop; /* no sliver of a step at the segment's end */
      h = t1 - e->t;
      if ((rc = eval (e, e->t, e->y, e->k1)))
        return rc;
      for (size_t i = 0; i < e->n; i++)
        e->tmp[i] = e->y[i] + 0.5 * h * e->k1[i];
      if ((rc = eval (e, e->t + 0.5 * h, e->tmp, e->k2)))
        return rc;
      for (size_t i = 0; i < e->n; i++)
        e->y1[i] = e->y[i] + h * e->k2[i];
      if ((rc = eval (e, t1, e->y1, e->f1))
          || (rc = sample_between (e, t1, obs)))
        return rc;
      sw = e->y, e->y = e->y1, e->y1 = sw;
      e->t = t1;
      e->k++;
      e->steps++;
      if (obs->step && (rc = obs->step (obs->ud, t1, e->y)))
        return ctx->stop_requested                  ? CREDO_EINTR
               : rc < 0 || rc == CREDO_OBSERVER_DONE ? rc
                                                     : CREDO_EIO;
      if (ctx->stop_requested)
        return credo__error (ctx, CREDO_EINTR, "interrupted at t = %.6g ms",
                             t1);
    }
  /* a system without state still gets its samples */
  return e->n ? 0 : sample_between (e, t_stop, obs);
}

static const double *
mp_state (void *ev, double *t)
{
  midpoint *e = ev;
  if (t)
    *t = e->t;
  return e->y;
}

static void
mp_stats (void *ev, credo_solver_stats *st)
{
  midpoint *e = ev;
  memset (st, 0, sizeof *st);
  st->steps = e->steps;
  st->rhs_evals = e->rhs_evals;
  st->reinits = e->reinits;
}

static const char *
mp_linear (void *ev)
{
  (void) ev;
  return "none";
}

static void
mp_free (void *ev)
{
  midpoint *e = ev;
  if (!e)
    return;
  free (e->y);
  free (e->y1);
  free (e->k1);
  free (e->k2);
  free (e->f1);
  free (e->tmp);
  free (e);
}

const credo_engine_type credo__engine_midpoint = {
  CREDO_ENGINE_VERSION,
  "midpoint",
  "fixed-step explicit midpoint (second-order Runge-Kutta, solver.dt) for "
  "deterministic circuits",
  CREDO_ENGINE_FIXED_STEP,
  mp_alloc, mp_reset, mp_advance, mp_state, mp_stats, mp_linear, mp_free,
};
