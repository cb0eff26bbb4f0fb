/* src/engine/event_ode.c -- spiking units with nonlinear subthreshold
 * dynamics on the event engine: each unit integrated by its own CVODE
 * instance (BDF, dense 4x4-sized linear algebra), spikes from CVODE's root
 * finder (v rising through the threshold), inputs applied at their exact
 * times.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A unit is the smallest block: a spike or an input re-initialises that
 * unit's integrator only, never the network's, and the spikes do not
 * depend on how units are grouped into blocks.  Over step k the unit is
 * integrated piece by piece, with CVODE's stop time at each input's time
 * (so no step crosses a jump of a current) and at the step's end; a root
 * v = v_th on the way is a spike at CVODE's root time (located to the
 * integrator's tolerance): v is reset, the model's jump variable (an
 * adaptation current) jumps, and the integration restarts there.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "engine/engine.h"

typedef struct ode_unit
{
  void *mem;
  N_Vector y;
  SUNMatrix A;
  SUNLinearSolver LS;
  double t;  /* where the integrator is */
  int stale; /* the state in the network's y was set from outside */
} ode_unit;

struct credo_ev_ode
{
  SUNContext sun;
  const credo_spiking_ode *o;
  const double *p;
  size_t nv;
  int var_v;
  double v_th, v_reset, jump;
  ode_unit *u;
  size_t n;
};

static int
cb_rhs (sunrealtype t, N_Vector y, N_Vector ydot, void *ud)
{
  const struct credo_ev_ode *x = ud;
  credo_pop_view v = { 1, x->p, NULL };
  double *d = N_VGetArrayPointer (ydot);
  x->o->rhs (&v, t, N_VGetArrayPointer (y), d);
  for (size_t a = 0; a < x->nv; a++)
    if (!isfinite (d[a]))
      return 1; /* recoverable: CVODE tries a smaller step */
  return 0;
}

static int
cb_root (sunrealtype t, N_Vector y, sunrealtype *g, void *ud)
{
  const struct credo_ev_ode *x = ud;
  (void) t;
  g[0] = N_VGetArrayPointer (y)[x->var_v] - x->v_th;
  return 0;
}

/* Unit i's state between the network's y (variable-major) and z. */
static void
copy_unit (const credo_ev_pop *P, size_t i, double *y, double *z, int to_z)
{
  size_t n = P->n, off = P->sp->offset;
  for (size_t a = 0; a < P->ode->nv; a++)
    if (to_z)
      z[a] = y[off + a * n + i];
    else
      y[off + a * n + i] = z[a];
}

int
credo__ev_ode_init (credo_ev_pop *P, const credo_solver_spec *s, double t0,
                    double *y, char *msg, size_t len)
{
  const credo_spiking_desc *d = P->sp->d;
  struct credo_ev_ode *x = credo__calloc (1, sizeof *x);
  int dir = 1; /* v rising through the threshold */
  P->ode = x;
  if (!x || SUNContext_Create (NULL, &x->sun)
      || !(x->u = credo__calloc (P->n + 1, sizeof *x->u)))
    goto fail;
  x->o = d->ode;
  x->p = P->sp->p;
  x->nv = d->ode->n_var;
  x->n = P->n;
  x->var_v = d->var_v;
  x->v_th = P->v_th;
  x->v_reset = P->v_reset;
  x->jump = d->ode->var_jump >= 0 ? x->p[d->ode->p_jump] : 0;
  for (size_t i = 0; i < P->n; i++)
    {
      ode_unit *u = &x->u[i];
      u->t = t0;
      if (!(u->y = N_VNew_Serial ((sunindextype) x->nv, x->sun))
          || !(u->A = SUNDenseMatrix ((sunindextype) x->nv,
                                      (sunindextype) x->nv, x->sun))
          || !(u->LS = SUNLinSol_Dense (u->y, u->A, x->sun))
          || !(u->mem = CVodeCreate (s->method == CREDO_METHOD_ADAMS
                                         ? CV_ADAMS : CV_BDF, x->sun)))
        goto fail;
      copy_unit (P, i, y, N_VGetArrayPointer (u->y), 1);
      if (CVodeInit (u->mem, cb_rhs, t0, u->y)
          || CVodeSStolerances (u->mem, s->rtol, s->atol)
          || CVodeSetUserData (u->mem, x)
          || CVodeSetLinearSolver (u->mem, u->LS, u->A)
          || CVodeSetMaxNumSteps (u->mem, s->max_steps > 0 ? s->max_steps
                                                           : -1)
          || CVodeRootInit (u->mem, 1, cb_root)
          || CVodeSetRootDirection (u->mem, &dir)
          || CVodeSetNoInactiveRootWarn (u->mem))
        {
          snprintf (msg, len, "population '%s': CVODE setup failed",
                    P->sp->name);
          return -1;
        }
    }
  return 0;
fail:
  snprintf (msg, len, "out of memory");
  return -1;
}

void
credo__ev_ode_free (credo_ev_pop *P)
{
  struct credo_ev_ode *x = P->ode;
  if (!x)
    return;
  for (size_t i = 0; x->u && i < x->n; i++)
    {
      CVodeFree (&x->u[i].mem);
      if (x->u[i].LS)
        SUNLinSolFree (x->u[i].LS);
      if (x->u[i].A)
        SUNMatDestroy (x->u[i].A);
      if (x->u[i].y)
        N_VDestroy (x->u[i].y);
    }
  free (x->u);
  if (x->sun)
    SUNContext_Free (&x->sun);
  free (x);
  P->ode = NULL;
}

void
credo__ev_ode_stale (credo_ev_pop *P)
{
  for (size_t i = 0; P->ode && i < P->ode->n; i++)
    P->ode->u[i].stale = 1;
}

/* Integrates unit u to `to` (> u->t), spikes on the way into spk (offsets
 * from t0), reset and restart at each.  0, or -1 (too many spikes), or -2
 * (CVODE failed). */
static int
advance_to (struct credo_ev_ode *x, ode_unit *u, double to, double t0,
            double h, double *spk, size_t *n_spk)
{
  double *z = N_VGetArrayPointer (u->y);
  if (CVodeSetStopTime (u->mem, to))
    return -2;
  for (;;)
    {
      double t;
      int flag = CVode (u->mem, to, u->y, &t, CV_NORMAL);
      if (flag == CV_ROOT_RETURN)
        {
          double o = t - t0;
          if (*n_spk == CREDO_EV_MAX_SPK_STEP)
            return -1;
          spk[(*n_spk)++] = o < 0 ? 0 : o > h ? h : o;
          z[x->var_v] = x->v_reset;
          if (x->o->var_jump >= 0)
            z[x->o->var_jump] += x->jump;
          u->t = t;
          if (CVodeReInit (u->mem, t, u->y) || CVodeSetStopTime (u->mem, to))
            return -2;
          continue;
        }
      if (flag < 0)
        return -2;
      u->t = to; /* CV_TSTOP_RETURN (or CV_SUCCESS at to) */
      return 0;
    }
}

size_t
credo__ev_ode_unit (credo_ev_pop *P, size_t i, double *y, long long k,
                    const credo_ev_input *in, size_t n_in, double *spk)
{
  struct credo_ev_ode *x = P->ode;
  ode_unit *u = &x->u[i];
  double h = P->h, t0 = (double) k * h, *z = N_VGetArrayPointer (u->y);
  size_t n_spk = 0, e = 0;
  int rc;
  if (u->stale)
    {
      copy_unit (P, i, y, z, 1);
      u->t = t0;
      if (CVodeReInit (u->mem, t0, u->y))
        return (size_t) -2;
      u->stale = 0;
    }
  P->n_exact++;
  for (;;)
    {
      double to = e < n_in ? t0 + in[e].off : t0 + h;
      if (to > u->t && (rc = advance_to (x, u, to, t0, h, spk, &n_spk)))
        return (size_t) rc;
      if (e == n_in)
        break;
      /* the inputs at this time jump their currents: a restart */
      for (double off = in[e].off; e < n_in && in[e].off == off; e++)
        z[P->var_i[in[e].syn]] += in[e].w;
      if (CVodeReInit (u->mem, u->t, u->y))
        return (size_t) -2;
    }
  copy_unit (P, i, y, z, 0);
  return n_spk;
}
