/* src/engine/euler.c -- the fixed-step engine: explicit Euler, and
 * Euler-Maruyama for models that declare noise.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The same network equations as the CVODE engine, stepped on a fixed grid
 * (solver.dt), for noisy dynamics and for side-by-side comparison with the
 * fixed-step research codes.  One step from (t, y) to t + h is
 *
 *   y_i <- y_i + h f_i(t, y) + sigma_i sqrt(h) xi_i,    xi_i ~ N(0, 1),
 *
 * where sigma_i = model->noise (params, var) of the variable that component
 * i belongs to (0 when the model has no noise slot).
 *
 * Noise convention.  credo reads a model's noise as the Ito SDE
 *   dy = f(t, y) dt + sigma dW,   dW ~ N(0, dt),
 * sigma in units of the variable per sqrt(ms).  The noise is additive
 * (sigma depends on parameters only, never on the state), so the Ito and
 * Stratonovich readings coincide and Euler-Maruyama converges with strong
 * order 1 here.  The microcircuit papers write the noise as sigma xi(t) on
 * the right-hand side of the somatic ODE (SAC18 Eqs. 1-2: du/dt = ... +
 * sigma xi(t); a public replication of SAC18 uses sigma = 0.1 for Figs. 1
 * and S1, 0.3 for Fig. 2, dt = 0.1 ms), i.e. xi is unit white noise,
 * <xi(t) xi(t')> = delta(t - t'), which is exactly dW/dt above: the sigma
 * of the papers carries over unchanged.  Fixed-step reference codes differ
 * in how they discretise that term, and SAC18's main text does not say
 * which one its simulations use, so check it before matching numbers: a
 * code that adds sigma_ref * xi * dt per step (xi ~ N(0,1)) has a noise
 * that vanishes as dt -> 0 and corresponds to sigma = sigma_ref sqrt(dt)
 * here, at its own dt; a code that adds sigma_ref * sqrt(dt) * xi (the
 * Euler-Maruyama form; the apical noise of the feedback-learning phase in
 * the published code of Meulemans et al., NeurIPS 2021, Deep Feedback
 * Control, after dividing by its tau_A) corresponds to sigma = sigma_ref.
 * Example: the leaky integrator du = -(u/tau) dt + sigma dW (an
 * Ornstein-Uhlenbeck process) has the stationary variance sigma^2 tau / 2;
 * its Euler-Maruyama chain has sigma^2 tau / (2 - dt/tau).
 *
 * Random numbers.  One GSL mt19937 stream per run, seeded with
 * spec->seed + 0x9E3779B9 so that it is distinct from the stream that draws
 * the initial weights (seeded with spec->seed, network.c).  Every step,
 * shortened ones included, draws one N(0,1) number (GSL's ziggurat) for
 * each noisy component in increasing state index, so a seed fixes the
 * whole trajectory bit for bit; how the run is sampled does not change it.
 * The stream is not restarted at discontinuities.
 *
 * Grid.  The step grid is t0 + k dt from the start of each segment (the run
 * start and every stimulus discontinuity, where the driver resets the
 * engine).  advance (t_stop) never steps past t_stop: the last step of a
 * segment is shortened to land on it exactly (a step within 1e-6 dt of a
 * grid point counts as reaching it).  Samples the observer wants between
 * two steps are the linear interpolation of the two step states, which is
 * as accurate as the first-order steps themselves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "engine/engine.h"

/* Offset between the weight and the noise seeds (the golden-ratio
 * constant, as in hash mixing). */
#define NOISE_SEED_OFFSET 0x9E3779B9UL
/* Longest run, in steps, that the engine accepts. */
#define MAX_STEPS 1e12
/* A final step shorter than this fraction of dt is merged into the one
 * before it. */
#define GRID_TOL 1e-6

typedef struct euler_engine
{
  const credo_system *sys;
  credo_ctx *ctx;
  double dt;
  size_t n;       /* state size */
  double *y;      /* state at t */
  double *ynew;   /* state at the end of the current step */
  double *f;      /* f(t, y) */
  double *ys;     /* interpolated sample */
  double *sigma;  /* per-component noise amplitude, 0 = deterministic */
  int noisy;      /* any sigma > 0 */
  size_t *runs;   /* [lo, hi) of each run of components with sigma > 0 */
  size_t n_runs;
  gsl_rng *rng;   /* the noise stream, NULL when nothing is noisy */
  double t;       /* time of y */
  double t0;      /* grid origin: start of the current segment */
  long k;         /* grid points t0 + j dt reached: j <= k */
  long steps, rhs_evals, reinits;
} euler_engine;

static void engine_free (void *ev);

/* ---- helpers ------------------------------------------------------------ */

/* The error for a step from t that produced the non-finite value v[idx]
 * (`what` says whether it was the derivative or the new state). */
static int
step_failed (euler_engine *e, double t, const double *v, const char *what)
{
  size_t idx = 0;
  char where[512];
  while (idx < e->n && isfinite (v[idx]))
    idx++;
  if (idx == e->n || !e->sys->describe
      || e->sys->describe (e->sys->ud, idx, where, sizeof where))
    return credo__error (e->ctx, CREDO_ESOLVER,
                         "euler step failed at t = %g ms: non-finite state "
                         "(dt = %g ms)", t, e->dt);
  return credo__error (e->ctx, CREDO_ESOLVER,
                       "euler step failed at t = %g ms: non-finite state in "
                       "%s (%s %g, value before the step %g; dt = %g ms: the "
                       "dynamics diverge or the step is too large for them)",
                       t, where, what, v[idx], e->y[idx], e->dt);
}

/* Refuses a span that needs more than MAX_STEPS steps. */
static int
check_span (euler_engine *e, double span)
{
  if (span / e->dt > MAX_STEPS)
    return credo__error (e->ctx, CREDO_ECONFIG,
                         "solver.dt = %g ms needs %.3g steps for %g ms; the "
                         "euler engine takes at most %g",
                         e->dt, span / e->dt, span, MAX_STEPS);
  return 0;
}

/* One step from (e->t, e->y) to tn into e->ynew. */
static int
step (euler_engine *e, double tn)
{
  const double h = tn - e->t;
  size_t n = e->n;
  int bad = 0;
  e->rhs_evals++;
  if (e->sys->rhs (e->sys->ud, e->t, e->y, e->f))
    return step_failed (e, e->t, e->f, "derivative");
  /* the deterministic step in one pass (vectorised), then the noise on the
   * noisy runs of components, drawn in index order */
  {
    const double *y = e->y, *f = e->f;
    double *yn = e->ynew;
    for (size_t i = 0; i < n; i++)
      {
        double v = y[i] + h * f[i];
        yn[i] = v;
        bad |= !isfinite (v);
      }
    if (e->noisy)
      {
        const double sq = sqrt (h), *sigma = e->sigma;
        gsl_rng *rng = e->rng;
        for (size_t r = 0; r < e->n_runs; r++)
          for (size_t i = e->runs[2 * r]; i < e->runs[2 * r + 1]; i++)
            {
              double v = yn[i] + sigma[i] * sq
                                     * gsl_ran_gaussian_ziggurat (rng, 1.0);
              yn[i] = v;
              bad |= !isfinite (v);
            }
      }
  }
  if (bad)
    return step_failed (e, e->t, e->ynew, "new value");
  e->steps++;
  return 0;
}

/* ---- engine ops ---------------------------------------------------------- */

static void *
engine_alloc (const credo_system *sys, const credo_solver_spec *s, double t0,
              const double *y0)
{
  euler_engine *e = credo__calloc (1, sizeof *e);
  size_t n = sys->n;
  if (!e)
    {
      credo__error (sys->ctx, CREDO_ENOMEM, "out of memory");
      return NULL;
    }
  e->sys = sys;
  e->ctx = sys->ctx;
  e->n = n;
  e->dt = s->dt;
  e->t = e->t0 = t0;
  if (!(e->dt > 0) || !isfinite (e->dt))
    {
      credo__error (sys->ctx, CREDO_ECONFIG,
                    "the euler engine needs solver.dt > 0, not %g", e->dt);
      goto fail;
    }
  if (check_span (e, sys->duration - t0))
    goto fail;
  e->y = credo__calloc (n, sizeof *e->y);
  e->ynew = credo__calloc (n, sizeof *e->ynew);
  e->f = credo__calloc (n, sizeof *e->f);
  e->ys = credo__calloc (n, sizeof *e->ys);
  e->sigma = credo__calloc (n, sizeof *e->sigma);
  if (!e->y || !e->ynew || !e->f || !e->ys || !e->sigma)
    goto nomem;
  if (n)
    memcpy (e->y, y0, n * sizeof *e->y);
  if (sys->noise && sys->noise (sys->ud, e->sigma, &e->noisy))
    goto fail;
  if (e->noisy)
    {
      /* at most one run per two components */
      if (!(e->runs = credo__calloc (n + 2, sizeof *e->runs)))
        goto nomem;
      for (size_t i = 0; i < n; i++)
        if (e->sigma[i] > 0 && (i == 0 || !(e->sigma[i - 1] > 0)))
          e->runs[2 * e->n_runs] = i;
        else if (!(e->sigma[i] > 0) && i > 0 && e->sigma[i - 1] > 0)
          e->runs[2 * e->n_runs++ + 1] = i;
      if (n && e->sigma[n - 1] > 0)
        e->runs[2 * e->n_runs++ + 1] = n;
    }
  if (e->noisy)
    {
      if (!(e->rng = gsl_rng_alloc (gsl_rng_mt19937)))
        goto nomem;
      gsl_rng_set (e->rng, sys->seed + NOISE_SEED_OFFSET);
    }
  return e;

nomem:
  credo__error (sys->ctx, CREDO_ENOMEM,
                "out of memory setting up the euler engine");
fail:
  engine_free (e);
  return NULL;
}

static int
engine_reset (void *ev, double t, const double *y)
{
  euler_engine *e = ev;
  if (e->n && y != e->y)
    memcpy (e->y, y, e->n * sizeof *e->y);
  e->t = e->t0 = t;
  e->k = 0;
  e->reinits++;
  return 0;
}

static int
engine_advance (void *ev, double t_stop, const credo_observer *obs)
{
  euler_engine *e = ev;
  double ts;
  int rc;
  if (!e->n)
    {
      /* no state: sample the grid up to t_stop and stop there */
      while ((ts = obs->next_time (obs->ud)) <= t_stop)
        if (obs->sample (obs->ud, ts, e->y))
          return CREDO_EIO;
      e->t = t_stop;
      return e->ctx->stop_requested ? CREDO_EINTR : 0;
    }
  if (t_stop <= e->t)
    return 0;
  if ((rc = check_span (e, t_stop - e->t)))
    return rc;
  for (;;)
    {
      double tg = e->t0 + (double) (e->k + 1) * e->dt, tn, *swap;
      int last = tg >= t_stop - GRID_TOL * e->dt;
      if (!last || tg <= t_stop + GRID_TOL * e->dt)
        e->k++; /* reaches grid point k + 1 (a final one within tolerance) */
      tn = last ? t_stop : tg;
      if ((rc = step (e, tn)))
        return rc;
      while ((ts = obs->next_time (obs->ud)) <= tn)
        {
          const double *yt = e->ynew;
          if (ts < tn)
            {
              double w = (ts - e->t) / (tn - e->t);
              for (size_t i = 0; i < e->n; i++)
                e->ys[i] = e->y[i] + w * (e->ynew[i] - e->y[i]);
              yt = e->ys;
            }
          if (obs->sample (obs->ud, ts, yt))
            return CREDO_EIO;
        }
      swap = e->y, e->y = e->ynew, e->ynew = swap;
      e->t = tn;
      if (obs->step && (rc = obs->step (obs->ud, tn, e->y)))
        return e->ctx->stop_requested ? CREDO_EINTR
               : rc < 0 || rc == CREDO_OBSERVER_DONE ? rc
                                                      : CREDO_EIO;
      if (e->ctx->stop_requested)
        return credo__error (e->ctx, CREDO_EINTR,
                             "interrupted at t = %.6g ms", tn);
      if (last)
        break;
    }
  return 0;
}

static const double *
engine_state (void *ev, double *t)
{
  euler_engine *e = ev;
  if (t)
    *t = e->t;
  return e->y;
}

static void
engine_stats (void *ev, credo_solver_stats *st)
{
  euler_engine *e = ev;
  memset (st, 0, sizeof *st);
  st->steps = e->steps;
  st->rhs_evals = e->rhs_evals;
  st->reinits = e->reinits;
}

static const char *
engine_linear (void *ev)
{
  (void) ev;
  return "none";
}

static void
engine_free (void *ev)
{
  euler_engine *e = ev;
  if (!e)
    return;
  if (e->rng)
    gsl_rng_free (e->rng);
  free (e->y);
  free (e->ynew);
  free (e->f);
  free (e->ys);
  free (e->sigma);
  free (e->runs);
  free (e);
}

const credo_engine_type credo__engine_euler = {
  CREDO_ENGINE_VERSION,
  "euler",
  "fixed-step explicit Euler, Euler-Maruyama when a model declares noise "
  "(solver.dt)",
  CREDO_ENGINE_NOISE | CREDO_ENGINE_FIXED_STEP,
  engine_alloc, engine_reset, engine_advance, engine_state, engine_stats,
  engine_linear, engine_free,
};
