/* models/neurons/dynamic_inversion.c -- the dynamic-inversion controller
 * of the least-control principle (LCP-DI; Meulemans, Zucchet, Kobayashi,
 * von Oswald & Sacramento 2022, NeurIPS), one population per controlled
 * layer of an implicit_rate network.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   tau_e de/dt = (df/dv - I)^T e + (d dec/dv)^T u
 *               = -e + sigma'(v) (W^T e + D^T u)     for f = W sigma(v) + U x
 *
 * Port `gain` carries sigma'(v) of its layer (a one-to-one projection of
 * weight 1 from the layer's `r_prime`), port `feedback` the sum W^T e +
 * D^T u: projections through the forward weights' transpose (init =
 * { transpose = "W"; }) from the dynamic-inversion populations of the
 * layers this one feeds and from the output controller's u.  Its state e
 * is the layer's control psi (a one-to-one projection of weight 1 into
 * the layer's `control`).  At rest (I - sigma' W^T) e = sigma' D^T u: e is
 * the least-norm control that holds the output where the controller puts
 * it.  The Kolen-Pollack variant (LCP-KP) learns the feedback weights B
 * instead of copying W^T, with rule kolen_pollack: dB/dt = sigma(v) e_pre^T
 * = (dW/dt)^T, which needs the layer's rate on port `rate` (one-to-one,
 * weight 1).
 */
#include "credo/model.h"

enum { P_TAU_E, P_E0 };
enum { V_E, N_VAR };
enum { IN_FEEDBACK, IN_GAIN, IN_RATE, N_IN };
enum { OUT_E, N_OUT };

static const credo_var_desc vars[] = {
  { "e", "1", 1.0, "the control of its layer" },
};

static const credo_port_desc inputs[] = {
  { "feedback", "1", 0,
    "W^T e + D^T u (or, Kolen-Pollack, B e + D_t u) from above" },
  { "gain", "1", 0, "sigma'(v) of its layer (one-to-one, weight 1)" },
  { "rate", "1", 0,
    "sigma(v) of its layer (one-to-one, weight 1; the Kolen-Pollack rule's "
    "postsynaptic factor)" },
};

static const credo_port_desc outputs[] = {
  { "e", "1", 0, "the control e (into its layer's control port)" },
};

static const credo_param_desc params[] = {
  { "tau_e", 1.0, "ms", 1e-9, 1e12, NULL, "time constant" },
  { "e0", 0.0, "1", -1e12, 1e12, NULL, "initial e" },
};

static void
di_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    y[i] = v->p[P_E0];
}

static void
di_output (const credo_pop_view *v, double t, const double *y,
           double *const *out)
{
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    out[OUT_E][i] = y[i];
}

static void
di_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double inv = 1.0 / v->p[P_TAU_E];
  const double *fb = v->in[IN_FEEDBACK], *g = v->in[IN_GAIN];
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    ydot[i] = (-y[i] + g[i] * fb[i]) * inv;
}

static void
di_jacobian (const credo_pop_view *v, double t, const double *y,
             const credo_local_jac *jac)
{
  const double inv = 1.0 / v->p[P_TAU_E];
  const double *fb = v->in[IN_FEEDBACK], *g = v->in[IN_GAIN];
  size_t n = v->n;
  (void) t, (void) y;
  for (size_t i = 0; i < n; i++)
    {
      jac->dfdy[i] = -inv;
      jac->dfdin[IN_FEEDBACK * n + i] = g[i] * inv;
      jac->dfdin[IN_GAIN * n + i] = fb[i] * inv;
      jac->dfdin[IN_RATE * n + i] = 0.0;
      jac->dody[OUT_E * n + i] = 1.0;
    }
}

const credo_model_type credo_model_dynamic_inversion = {
  CREDO_MODEL_VERSION,
  "dynamic_inversion",
  "Dynamic-inversion controller of the least-control principle (Meulemans "
  "et al. 2022): tau_e de/dt = -e + sigma'(v) (W^T e + D^T u); ports "
  "feedback (through the forward weights' transpose, or learned "
  "Kolen-Pollack weights), gain (sigma'(v) of its layer), rate (sigma(v), "
  "for rule kolen_pollack); output e, its layer's control.",
  N_VAR, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  NULL,
  di_init,
  di_output,
  di_rhs,
  di_jacobian,
  NULL,
  NULL,
  NULL,
  NULL, /* no guard */
  NULL, /* a rate model */
};
