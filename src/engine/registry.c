/* src/engine/registry.c -- the engines `solver.engine` can name.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Adding an engine: a file in src/engine/ defining `credo__engine_<name>`,
 * one extern line and one table row here.  The first row is the default.
 */
#include <string.h>

#include "engine/engine.h"

extern const credo_engine_type credo__engine_cvode;
extern const credo_engine_type credo__engine_erk;
extern const credo_engine_type credo__engine_erk3;
extern const credo_engine_type credo__engine_euler;
extern const credo_engine_type credo__engine_midpoint;
extern const credo_engine_type credo__engine_event;

static const credo_engine_type *const registry[] = {
  &credo__engine_cvode,
  &credo__engine_erk,
  &credo__engine_erk3,
  &credo__engine_euler,
  &credo__engine_midpoint,
  &credo__engine_event,
  NULL
};

const credo_engine_type *const *
credo__engine_list (void)
{
  return registry;
}

const credo_engine_type *
credo__engine_default (void)
{
  return registry[0];
}

const credo_engine_type *
credo__engine_find (const char *name)
{
  for (size_t i = 0; registry[i]; i++)
    if (strcmp (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

/* ---- what the adaptive engines share ------------------------------------ */

void
credo__solver_stats_add (credo_solver_stats *a, const credo_solver_stats *b)
{
  a->steps += b->steps, a->rhs_evals += b->rhs_evals;
  a->lin_rhs_evals += b->lin_rhs_evals, a->jac_evals += b->jac_evals;
  a->jtimes_evals += b->jtimes_evals, a->lin_iters += b->lin_iters;
  a->nonlin_iters += b->nonlin_iters;
  a->nonlin_conv_fails += b->nonlin_conv_fails;
  a->err_test_fails += b->err_test_fails;
  a->lin_conv_fails += b->lin_conv_fails, a->reinits += b->reinits;
  a->prec_evals += b->prec_evals;
}

int
credo__engine_sample_only (credo_ctx *ctx, const credo_observer *obs,
                           const double *y, double *t, double t_stop)
{
  double ts;
  while ((ts = obs->next_time (obs->ud)) <= t_stop)
    if (obs->sample (obs->ud, ts, y))
      return CREDO_EIO;
  *t = t_stop;
  return ctx->stop_requested ? CREDO_EINTR : 0;
}

int
credo__engine_after_step (credo_ctx *ctx, const credo_observer *obs,
                          double t, const double *y)
{
  int rc;
  if (obs->step && (rc = obs->step (obs->ud, t, y)))
    return ctx->stop_requested ? CREDO_EINTR
           : rc < 0 || rc == CREDO_OBSERVER_DONE ? rc
                                                  : CREDO_EIO;
  if (ctx->stop_requested)
    return credo__error (ctx, CREDO_EINTR, "interrupted at t = %.6g ms", t);
  return 0;
}

int
credo__engine_dense_samples (credo_ctx *ctx, const credo_observer *obs,
                             double t_reached,
                             const double *(*dense) (void *e, double t),
                             void *e)
{
  double ts;
  while ((ts = obs->next_time (obs->ud)) <= t_reached)
    {
      const double *y = dense (e, ts);
      if (!y)
        return credo__error (ctx, CREDO_ESOLVER,
                             "dense output failed at t = %.6g ms", ts);
      if (obs->sample (obs->ud, ts, y))
        return CREDO_EIO;
    }
  return 0;
}

int
credo__engine_batched (const credo_system *sys,
                       int (*advance) (void *e, double t_stop,
                                       const credo_observer *obs),
                       void *e, double t_stop, const credo_observer *obs)
{
  size_t B = sys->batch, old;
  int rc;
  old = credo__nvector_batch_block (B > 1 ? sys->n / B : 0);
  rc = advance (e, t_stop, obs);
  credo__nvector_batch_block (old);
  return rc;
}
