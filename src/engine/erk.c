/* src/engine/erk.c -- adaptive explicit Runge-Kutta engines: SUNDIALS
 * ARKODE's ERKStep (6.4) with the Dormand-Prince 5(4) pair ("erk"; Dormand
 * & Prince 1980) or the Bogacki-Shampine 3(2) pair ("erk3"; Bogacki &
 * Shampine 1989).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * For systems that are at most mildly stiff, where an implicit method's
 * linear algebra costs more per step than the steps it saves: six (erk) or
 * three (erk3) new right-hand sides per step (the last stage is the next
 * step's first), a handful of vector operations, no Jacobian.  Where the
 * step is limited by stability rather than accuracy (eigenvalues up to
 * ~17 / ms against a window of ms, as in a DFC relaxation) the 3(2) pair
 * is the cheaper: its stability interval per right-hand side is about 1.5
 * times the 5(4) pair's.  The error control is ARKODE's
 * (relative tolerance, per-component absolute tolerances from the models'
 * scales) with the same per-sample norms as CVODE's on a batched system
 * (engine/nvector_fast.c), dense output (ERKStepGetDky) on the caller's
 * grid, a stop time the right-hand side is never evaluated past.  Stiff
 * systems make it take tiny steps (stability, not accuracy): use cvode.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arkode/arkode_erkstep.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>

#include "engine/engine.h"

typedef struct erk_engine
{
  const credo_system *sys;
  credo_ctx *ctx;
  SUNContext sun;
  void *mem;
  N_Vector y, ytmp, atol;
  double t;                 /* time of y */
  credo_solver_stats total; /* counters of finished segments */
  long reinits;
  char last_msg[1024];
} erk_engine;

static int
cb_rhs (sunrealtype t, N_Vector y, N_Vector ydot, void *ud)
{
  erk_engine *e = ud;
  return e->sys->rhs (e->sys->ud, t, N_VGetArrayPointer (y),
                      N_VGetArrayPointer (ydot));
}

static void
cb_error (int code, const char *module, const char *function, char *msg,
          void *ud)
{
  erk_engine *e = ud;
  if (code > 0)
    {
      credo__log (e->ctx, CREDO_LOG_DEBUG, "%s %s: %s", module, function, msg);
      return;
    }
  snprintf (e->last_msg, sizeof e->last_msg, "%s", msg);
}

static void
read_counters (erk_engine *e, credo_solver_stats *s)
{
  memset (s, 0, sizeof *s);
  if (!e->mem)
    return;
  ERKStepGetNumSteps (e->mem, &s->steps);
  ERKStepGetNumRhsEvals (e->mem, &s->rhs_evals);
  ERKStepGetNumErrTestFails (e->mem, &s->err_test_fails);
}

static void engine_free (void *ev);

static void *
engine_alloc (const credo_system *sys, const credo_solver_spec *s, double t0,
              const double *y0, ARKODE_ERKTableID table)
{
  erk_engine *e = credo__calloc (1, sizeof *e);
  sunindextype n = (sunindextype) sys->n;
  int flag = 0;
  if (!e)
    {
      credo__error (sys->ctx, CREDO_ENOMEM, "out of memory");
      return NULL;
    }
  e->sys = sys;
  e->ctx = sys->ctx;
  e->t = t0;
  if (SUNContext_Create (NULL, &e->sun))
    {
      credo__error (sys->ctx, CREDO_ESOLVER, "SUNContext_Create failed");
      free (e);
      return NULL;
    }
  e->y = N_VNew_Serial (n ? n : 1, e->sun);
  e->ytmp = N_VNew_Serial (n ? n : 1, e->sun);
  e->atol = N_VNew_Serial (n ? n : 1, e->sun);
  if (!e->y || !e->ytmp || !e->atol)
    goto nomem;
  credo__nvector_fast (e->y); /* before any clone: clones copy the ops */
  credo__nvector_fast (e->ytmp);
  credo__nvector_fast (e->atol);
  if (!n)
    return e; /* clamped inputs only: nothing to integrate */
  memcpy (N_VGetArrayPointer (e->y), y0, (size_t) n * sizeof (double));
  memcpy (N_VGetArrayPointer (e->atol), sys->atol,
          (size_t) n * sizeof (double));
  if (!(e->mem = ERKStepCreate (cb_rhs, t0, e->y, e->sun)))
    goto nomem;
  ERKStepSetErrHandlerFn (e->mem, cb_error, e);
  ERKStepSetUserData (e->mem, e);
  if ((flag = ERKStepSVtolerances (e->mem, s->rtol, e->atol))
      || (flag = ERKStepSetTableNum (e->mem, table))
      || (flag = ERKStepSetMaxNumSteps (e->mem, s->max_steps > 0
                                                    ? s->max_steps
                                                    : -1))
      || (s->max_step > 0
          && (flag = ERKStepSetMaxStep (e->mem, s->max_step)))
      || (s->init_step > 0
          && (flag = ERKStepSetInitStep (e->mem, s->init_step))))
    {
      credo__error (e->ctx, CREDO_ESOLVER, "ARKODE setup failed (flag %d)%s%s",
                    flag, e->last_msg[0] ? ": " : "", e->last_msg);
      engine_free (e);
      return NULL;
    }
  return e;
nomem:
  credo__error (sys->ctx, CREDO_ENOMEM, "out of memory setting up ARKODE");
  engine_free (e);
  return NULL;
}

static int
engine_reset (void *ev, double t, const double *y)
{
  erk_engine *e = ev;
  credo_solver_stats s;
  e->t = t;
  if (!e->mem)
    return 0;
  read_counters (e, &s);
  credo__solver_stats_add (&e->total, &s);
  memcpy (N_VGetArrayPointer (e->y), y, e->sys->n * sizeof (double));
  e->reinits++;
  /* ReInit, not Reset: the counters restart and the first step is
   * estimated anew, as after CVodeReInit */
  if (ERKStepReInit (e->mem, cb_rhs, t, e->y) != ARK_SUCCESS)
    return credo__error (e->ctx, CREDO_ESOLVER,
                         "ERKStepReInit failed at t = %g ms", t);
  return 0;
}

/* The state at t from the last step's interpolant, or NULL. */
static const double *
dense (void *ev, double t)
{
  erk_engine *e = ev;
  if (ERKStepGetDky (e->mem, t, 0, e->ytmp) != ARK_SUCCESS)
    return NULL;
  return N_VGetArrayPointer (e->ytmp);
}

static int
advance (void *ev, double t_stop, const credo_observer *obs)
{
  erk_engine *e = ev;
  double tret;
  int flag, rc;
  if (!e->mem)
    return credo__engine_sample_only (e->ctx, obs, N_VGetArrayPointer (e->y),
                                      &e->t, t_stop);
  if (t_stop <= e->t)
    return 0;
  ERKStepSetStopTime (e->mem, t_stop); /* one-shot: set for every call */
  for (;;)
    {
      e->last_msg[0] = 0;
      flag = ERKStepEvolve (e->mem, t_stop, e->y, &tret, ARK_ONE_STEP);
      if (flag < 0)
        {
          double tcur = e->t;
          ERKStepGetCurrentTime (e->mem, &tcur);
          return credo__error (e->ctx, CREDO_ESOLVER,
                               "solver failed at t = %.6g ms: %s (ARKODE "
                               "flag %d)", tcur,
                               e->last_msg[0] ? e->last_msg : "error", flag);
        }
      if ((rc = credo__engine_dense_samples (e->ctx, obs, tret, dense, e)))
        return rc;
      e->t = tret;
      if ((rc = credo__engine_after_step (e->ctx, obs, tret,
                                          N_VGetArrayPointer (e->y))))
        return rc;
      if (flag == ARK_TSTOP_RETURN || tret >= t_stop)
        break;
    }
  e->t = t_stop;
  return 0;
}

/* A batched system's error norms are per sample (nvector_fast.c). */
static int
engine_advance (void *ev, double t_stop, const credo_observer *obs)
{
  return credo__engine_batched (((erk_engine *) ev)->sys, advance, ev, t_stop, obs);
}

static const double *
engine_state (void *ev, double *t)
{
  erk_engine *e = ev;
  if (t)
    *t = e->t;
  return N_VGetArrayPointer (e->y);
}

static void
engine_stats (void *ev, credo_solver_stats *st)
{
  erk_engine *e = ev;
  credo_solver_stats s;
  read_counters (e, &s);
  *st = e->total;
  credo__solver_stats_add (st, &s);
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
  erk_engine *e = ev;
  if (!e)
    return;
  if (e->mem)
    ERKStepFree (&e->mem);
  if (e->y)
    N_VDestroy (e->y);
  if (e->ytmp)
    N_VDestroy (e->ytmp);
  if (e->atol)
    N_VDestroy (e->atol);
  if (e->sun)
    SUNContext_Free (&e->sun);
  free (e);
}

static void *
alloc_dp5 (const credo_system *sys, const credo_solver_spec *s, double t0,
           const double *y0)
{
  return engine_alloc (sys, s, t0, y0, ARKODE_DORMAND_PRINCE_7_4_5);
}

static void *
alloc_bs3 (const credo_system *sys, const credo_solver_spec *s, double t0,
           const double *y0)
{
  return engine_alloc (sys, s, t0, y0, ARKODE_BOGACKI_SHAMPINE_4_2_3);
}

const credo_engine_type credo__engine_erk = {
  CREDO_ENGINE_VERSION,
  "erk",
  "SUNDIALS ARKODE ERKStep: adaptive explicit Runge-Kutta, Dormand-Prince "
  "5(4) with dense output; for non-stiff or mildly stiff systems",
  0,
  alloc_dp5, engine_reset, engine_advance, engine_state, engine_stats,
  engine_linear, engine_free,
};

const credo_engine_type credo__engine_erk3 = {
  CREDO_ENGINE_VERSION,
  "erk3",
  "SUNDIALS ARKODE ERKStep: adaptive explicit Runge-Kutta, Bogacki-Shampine "
  "3(2) with dense output; the cheaper where stability limits the step "
  "(mildly stiff systems, loose tolerances)",
  0,
  alloc_bs3, engine_reset, engine_advance, engine_state, engine_stats,
  engine_linear, engine_free,
};
