/* src/engine/cvode.c -- the continuous engine: the whole network as one ODE
 * system integrated by SUNDIALS CVODE (6.4).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * BDF + Newton with a dense direct solver and the analytic dense Jacobian
 * for small systems, or matrix-free SPGMR with the analytic J*v and a Jacobi
 * preconditioner for large ones; Adams + fixed-point iteration for non-stiff
 * runs.  Per-component absolute tolerances come from the models' declared
 * variable scales.  The engine integrates up to a stop time exactly (tstop;
 * the RHS is never evaluated past it), samples by dense output
 * (CVodeGetDky) on the caller's grid and sums the solver statistics across
 * re-initialisations.  The SUNDIALS calls of the project live in this
 * file and in erk.c (ARKODE), so the move to SUNDIALS 7 touches only these.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include "engine/engine.h"

typedef struct cvode_engine
{
  const credo_system *sys;
  credo_ctx *ctx;
  const credo_solver_spec *spec;
  SUNContext sun;
  void *mem;
  N_Vector y, ytmp, atol, pdiag;
  SUNMatrix A;
  SUNLinearSolver LS;
  SUNNonlinearSolver NLS;
  const char *linear; /* "dense", "spgmr", "fixedpoint", "none" */
  double t;           /* time of y */
  credo_solver_stats total; /* counters of finished segments */
  long reinits;
  char last_msg[1024];
} cvode_engine;

/* ---- callbacks ---------------------------------------------------------- */

static int
cb_rhs (sunrealtype t, N_Vector y, N_Vector ydot, void *ud)
{
  cvode_engine *e = ud;
  return e->sys->rhs (e->sys->ud, t, N_VGetArrayPointer (y),
                         N_VGetArrayPointer (ydot));
}

static int
cb_jac_dense (sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *ud,
              N_Vector t1, N_Vector t2, N_Vector t3)
{
  cvode_engine *e = ud;
  (void) fy, (void) t1, (void) t2, (void) t3;
  e->sys->jac_setup (e->sys->ud, t, N_VGetArrayPointer (y));
  e->sys->jac_dense (e->sys->ud, SUNDenseMatrix_Data (J),
                        (size_t) SUNDenseMatrix_LData (J)
                            / (size_t) SUNDenseMatrix_Columns (J));
  return 0;
}

static int
cb_jtsetup (sunrealtype t, N_Vector y, N_Vector fy, void *ud)
{
  cvode_engine *e = ud;
  (void) fy;
  e->sys->jac_setup (e->sys->ud, t, N_VGetArrayPointer (y));
  return 0;
}

static int
cb_jtimes (N_Vector v, N_Vector jv, sunrealtype t, N_Vector y, N_Vector fy,
           void *ud, N_Vector tmp)
{
  cvode_engine *e = ud;
  (void) t, (void) y, (void) fy, (void) tmp;
  e->sys->jtimes (e->sys->ud, N_VGetArrayPointer (v), N_VGetArrayPointer (jv));
  return 0;
}

/* Jacobi preconditioner P = I - gamma diag(J). */
static int
cb_psetup (sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
           sunbooleantype *jcur, sunrealtype gamma, void *ud)
{
  cvode_engine *e = ud;
  double *d = N_VGetArrayPointer (e->pdiag);
  size_t n = e->sys->n;
  (void) fy;
  (void) jok; /* the diagonal is cheap: always recompute it */
  e->sys->jac_setup (e->sys->ud, t, N_VGetArrayPointer (y));
  e->sys->jac_diag (e->sys->ud, d);
  for (size_t i = 0; i < n; i++)
    {
      double p = 1.0 - gamma * d[i];
      d[i] = fabs (p) > 1e-12 ? 1.0 / p : 1.0;
    }
  *jcur = SUNTRUE;
  return 0;
}

static int
cb_psolve (sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
           sunrealtype gamma, sunrealtype delta, int lr, void *ud)
{
  cvode_engine *e = ud;
  (void) t, (void) y, (void) fy, (void) gamma, (void) delta, (void) lr;
  N_VProd (r, e->pdiag, z);
  return 0;
}

static void
cb_error (int code, const char *module, const char *function, char *msg,
          void *ud)
{
  cvode_engine *e = ud;
  if (code > 0)
    {
      credo__log (e->ctx, CREDO_LOG_DEBUG, "%s %s: %s", module, function, msg);
      return;
    }
  snprintf (e->last_msg, sizeof e->last_msg, "%s", msg);
}

/* ---- statistics ------------------------------------------------------- */

static void
read_counters (cvode_engine *e, credo_solver_stats *s)
{
  long v;
  memset (s, 0, sizeof *s);
  if (!e->mem || !e->sys->n)
    return;
  CVodeGetNumSteps (e->mem, &s->steps);
  CVodeGetNumRhsEvals (e->mem, &s->rhs_evals);
  CVodeGetNumErrTestFails (e->mem, &s->err_test_fails);
  CVodeGetNumNonlinSolvIters (e->mem, &s->nonlin_iters);
  CVodeGetNumNonlinSolvConvFails (e->mem, &s->nonlin_conv_fails);
  if (strcmp (e->linear, "fixedpoint") == 0)
    return;
  if (CVodeGetNumJacEvals (e->mem, &v) == CV_SUCCESS)
    s->jac_evals = v;
  if (CVodeGetNumLinRhsEvals (e->mem, &v) == CV_SUCCESS)
    s->lin_rhs_evals = v;
  if (CVodeGetNumJtimesEvals (e->mem, &v) == CV_SUCCESS)
    s->jtimes_evals = v;
  if (CVodeGetNumLinIters (e->mem, &v) == CV_SUCCESS)
    s->lin_iters = v;
  if (CVodeGetNumLinConvFails (e->mem, &v) == CV_SUCCESS)
    s->lin_conv_fails = v;
  if (CVodeGetNumPrecEvals (e->mem, &v) == CV_SUCCESS)
    s->prec_evals = v;
}

/* ---- engine ops ---------------------------------------------------------- */

static void engine_free (void *ev);

static int
fail (cvode_engine *e, const char *what, int flag)
{
  credo__error (e->ctx, CREDO_ESOLVER, "CVODE setup failed in %s (flag %d)%s%s",
                what, flag, e->last_msg[0] ? ": " : "", e->last_msg);
  return -1;
}

/* Passes on a setup call's flag, reporting a failure; 0 or -1. */
static int
setup_flag (cvode_engine *e, int flag)
{
  return flag ? fail (e, "setup", flag) : 0;
}

/* Reports an allocation that failed while setting up CVODE; returns -1. */
static int
fail_nomem (cvode_engine *e)
{
  credo__error (e->ctx, CREDO_ENOMEM, "out of memory setting up CVODE");
  return -1;
}

/* The engine with its SUNDIALS context and nothing else; NULL on failure. */
static cvode_engine *
engine_new (const credo_system *sys, const credo_solver_spec *s, double t0)
{
  cvode_engine *e = credo__calloc (1, sizeof *e);
  if (!e)
    {
      credo__error (sys->ctx, CREDO_ENOMEM, "out of memory");
      return NULL;
    }
  e->sys = sys;
  e->ctx = sys->ctx;
  e->spec = s;
  e->t = t0;
  e->linear = "none";
  if (SUNContext_Create (NULL, &e->sun))
    {
      credo__error (sys->ctx, CREDO_ESOLVER, "SUNContext_Create failed");
      free (e);
      return NULL;
    }
  return e;
}

/* The state vectors, y holding y0; stateless networks get a dummy length 1. */
static int
state_vectors (cvode_engine *e, sunindextype n, const double *y0)
{
  /* a network of clamped inputs only has no ODE: keep a copy of nothing */
  e->y = N_VNew_Serial (n ? n : 1, e->sun);
  e->ytmp = N_VNew_Serial (n ? n : 1, e->sun);
  if (!e->y || !e->ytmp)
    return fail_nomem (e);
  credo__nvector_fast (e->y); /* before any clone: clones copy the ops */
  credo__nvector_fast (e->ytmp);
  if (n)
    memcpy (N_VGetArrayPointer (e->y), y0, (size_t) n * sizeof (double));
  return 0;
}

/* The integrator itself: method, tolerances and step limits of the spec. */
static int
cvode_init (cvode_engine *e, sunindextype n, double t0)
{
  const credo_solver_spec *s = e->spec;
  e->mem = CVodeCreate (s->method == CREDO_METHOD_ADAMS ? CV_ADAMS : CV_BDF,
                        e->sun);
  if (!e->mem)
    return fail_nomem (e);
  CVodeSetErrHandlerFn (e->mem, cb_error, e);
  if (setup_flag (e, CVodeInit (e->mem, cb_rhs, t0, e->y)))
    return -1;
  e->atol = N_VNew_Serial (n, e->sun);
  if (!e->atol)
    return fail_nomem (e);
  credo__nvector_fast (e->atol);
  memcpy (N_VGetArrayPointer (e->atol), e->sys->atol,
          (size_t) n * sizeof (double));
  if (setup_flag (e, CVodeSVtolerances (e->mem, s->rtol, e->atol)))
    return -1;
  CVodeSetUserData (e->mem, e);
  CVodeSetMaxNumSteps (e->mem, s->max_steps > 0 ? s->max_steps : -1);
  if (s->max_step > 0)
    CVodeSetMaxStep (e->mem, s->max_step);
  if (s->init_step > 0)
    CVodeSetInitStep (e->mem, s->init_step);
  return 0;
}

/* Adams runs are non-stiff: fixed-point iteration needs no linear solver. */
static int
use_fixedpoint (cvode_engine *e)
{
  e->NLS = SUNNonlinSol_FixedPoint (e->y, 0, e->sun);
  if (!e->NLS)
    return fail_nomem (e);
  return setup_flag (e, CVodeSetNonlinearSolver (e->mem, e->NLS));
}

/* Small stiff systems: Newton with the analytic dense Jacobian. */
static int
use_dense (cvode_engine *e, sunindextype n)
{
  e->A = SUNDenseMatrix (n, n, e->sun);
  e->LS = e->A ? SUNLinSol_Dense (e->y, e->A, e->sun) : NULL;
  if (!e->LS)
    return fail_nomem (e);
  if (setup_flag (e, CVodeSetLinearSolver (e->mem, e->LS, e->A)))
    return -1;
  return setup_flag (e, CVodeSetJacFn (e->mem, cb_jac_dense));
}

/* Large stiff systems: matrix-free SPGMR, Jacobi-preconditioned. */
static int
use_spgmr (cvode_engine *e, sunindextype n)
{
  e->pdiag = N_VNew_Serial (n, e->sun);
  if (e->pdiag)
    credo__nvector_fast (e->pdiag);
  e->LS = e->pdiag ? SUNLinSol_SPGMR (e->y, SUN_PREC_LEFT,
                                      e->spec->krylov_dim, e->sun)
                   : NULL;
  if (!e->LS)
    return fail_nomem (e);
  if (setup_flag (e, CVodeSetLinearSolver (e->mem, e->LS, NULL))
      || setup_flag (e, CVodeSetJacTimes (e->mem, cb_jtsetup, cb_jtimes)))
    return -1;
  /* A batch: the Krylov residual's 2-norm against the tolerance of one
   * sample (sqrt of its length, not of the batch's), so every sample's
   * share meets what it would meet alone. */
  if (e->sys->batch > 1
      && setup_flag (e, CVodeSetLSNormFactor (
                            e->mem, sqrt ((double) n / (double) e->sys->batch))))
    return -1;
  return setup_flag (e, CVodeSetPreconditioner (e->mem, cb_psetup,
                                                cb_psolve));
}

static void *
engine_alloc (const credo_system *sys, const credo_solver_spec *s, double t0,
              const double *y0)
{
  cvode_engine *e = engine_new (sys, s, t0);
  sunindextype n = (sunindextype) sys->n;
  const char *linear;
  int rc;
  if (!e)
    return NULL;
  if (state_vectors (e, n, y0))
    goto failed;
  if (!n)
    return e;
  if (cvode_init (e, n, t0))
    goto failed;
  if (s->method == CREDO_METHOD_ADAMS)
    {
      linear = "fixedpoint";
      rc = use_fixedpoint (e);
    }
  else if (s->linear == CREDO_LINEAR_DENSE
           || (s->linear == CREDO_LINEAR_AUTO && (size_t) n <= s->dense_max))
    {
      linear = "dense";
      rc = use_dense (e, n);
    }
  else
    {
      linear = "spgmr";
      rc = use_spgmr (e, n);
    }
  if (rc)
    goto failed;
  e->linear = linear;
  return e;

failed:
  engine_free (e);
  return NULL;
}

static int
engine_reset (void *ev, double t, const double *y)
{
  cvode_engine *e = ev;
  credo_solver_stats s;
  e->t = t;
  if (!e->mem)
    return 0;
  read_counters (e, &s);
  credo__solver_stats_add (&e->total, &s);
  memcpy (N_VGetArrayPointer (e->y), y, e->sys->n * sizeof (double));
  e->reinits++;
  if (CVodeReInit (e->mem, t, e->y) != CV_SUCCESS)
    return credo__error (e->ctx, CREDO_ESOLVER, "CVodeReInit failed at t = %g ms",
                         t);
  return 0;
}

/* Where the solver struggles: the component with the largest weighted
 * local error estimate, named as population, variable and unit. */
static void
describe_worst (cvode_engine *e, char *buf, size_t len)
{
  N_Vector ele = N_VClone (e->y), ew = N_VClone (e->y);
  double best = -1;
  size_t worst = 0, n = e->sys->n;
  buf[0] = 0;
  if (!ele || !ew)
    goto done;
  if (CVodeGetEstLocalErrors (e->mem, ele) || CVodeGetErrWeights (e->mem, ew))
    goto done;
  for (size_t i = 0; i < n; i++)
    {
      double v = fabs (NV_Ith_S (ele, i) * NV_Ith_S (ew, i));
      if (!isfinite (v))
        v = INFINITY;
      if (v > best)
        best = v, worst = i;
    }
  {
    char where[512];
    if (e->sys->describe
        && e->sys->describe (e->sys->ud, worst, where, sizeof where) == 0)
      snprintf (buf, len, "; largest local error in %.400s (value %g)", where,
                NV_Ith_S (e->y, worst));
  }
done:
  if (ele)
    N_VDestroy (ele);
  if (ew)
    N_VDestroy (ew);
}

/* The state at t from the last step's interpolant, or NULL. */
static const double *
dense (void *ev, double t)
{
  cvode_engine *e = ev;
  if (CVodeGetDky (e->mem, t, 0, e->ytmp) != CV_SUCCESS)
    return NULL;
  return N_VGetArrayPointer (e->ytmp);
}

static int
advance (void *ev, double t_stop, const credo_observer *obs)
{
  cvode_engine *e = ev;
  double tret;
  int flag, rc;
  if (!e->mem) /* no state: sample the grid up to t_stop */
    return credo__engine_sample_only (e->ctx, obs, N_VGetArrayPointer (e->y),
                                      &e->t, t_stop);
  if (t_stop <= e->t)
    return 0;
  CVodeSetStopTime (e->mem, t_stop); /* one-shot: set for every segment */
  for (;;)
    {
      e->last_msg[0] = 0;
      flag = CVode (e->mem, t_stop, e->y, &tret, CV_ONE_STEP);
      if (flag < 0)
        {
          char where[512];
          double tcur = e->t;
          CVodeGetCurrentTime (e->mem, &tcur);
          describe_worst (e, where, sizeof where);
          return credo__error (e->ctx, CREDO_ESOLVER,
                               "solver failed at t = %.6g ms: %s (CVODE flag "
                               "%d)%s",
                               tcur, e->last_msg[0] ? e->last_msg : "error",
                               flag, where);
        }
      if ((rc = credo__engine_dense_samples (e->ctx, obs, tret, dense, e)))
        return rc;
      e->t = tret;
      if ((rc = credo__engine_after_step (e->ctx, obs, tret,
                                          N_VGetArrayPointer (e->y))))
        return rc;
      if (flag == CV_TSTOP_RETURN || tret >= t_stop)
        break;
    }
  e->t = t_stop;
  return 0;
}

/* A batched system's error norms are per sample (nvector_fast.c). */
static int
engine_advance (void *ev, double t_stop, const credo_observer *obs)
{
  return credo__engine_batched (((cvode_engine *) ev)->sys, advance, ev, t_stop, obs);
}

static const double *
engine_state (void *ev, double *t)
{
  cvode_engine *e = ev;
  if (t)
    *t = e->t;
  return N_VGetArrayPointer (e->y);
}

static void
engine_stats (void *ev, credo_solver_stats *st)
{
  cvode_engine *e = ev;
  credo_solver_stats s;
  read_counters (e, &s);
  *st = e->total;
  credo__solver_stats_add (st, &s);
  st->reinits = e->reinits;
}

static const char *
engine_linear (void *ev)
{
  return ((cvode_engine *) ev)->linear;
}

static void
engine_free (void *ev)
{
  cvode_engine *e = ev;
  if (!e)
    return;
  if (e->mem)
    CVodeFree (&e->mem);
  if (e->LS)
    SUNLinSolFree (e->LS);
  if (e->A)
    SUNMatDestroy (e->A);
  if (e->NLS)
    SUNNonlinSolFree (e->NLS);
  if (e->y)
    N_VDestroy (e->y);
  if (e->ytmp)
    N_VDestroy (e->ytmp);
  if (e->atol)
    N_VDestroy (e->atol);
  if (e->pdiag)
    N_VDestroy (e->pdiag);
  if (e->sun)
    SUNContext_Free (&e->sun);
  free (e);
}

const credo_engine_type credo__engine_cvode = {
  CREDO_ENGINE_VERSION,
  "cvode",
  "SUNDIALS CVODE: adaptive BDF (stiff) or Adams, dense or matrix-free "
  "SPGMR with the analytic J*v; the default",
  0,
  engine_alloc, engine_reset, engine_advance, engine_state, engine_stats,
  engine_linear, engine_free,
};
