/* models/neurons/implicit_rate.c -- a unit of an equilibrium (implicit)
 * rate network, the network of the least-control principle (Meulemans,
 * Zucchet, Kobayashi, von Oswald & Sacramento 2022, NeurIPS).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   tau_v dv/dt = -v + W sigma(v) + U x + b + psi,     r = sigma(v)
 *
 * U x (from the layer below) arrives on port `input`, W sigma(v) (within
 * the layer, or from any implicit layer) on port `recurrent`, the control
 * psi (a dynamic-inversion state e, linear feedback Q u, or the output
 * controller's u itself) on port `control`.  Without control the rest
 * state is the free fixed point v* = W sigma(v*) + U x + b; a
 * feed-forward network is the block-structured special case (each layer's
 * `input` fed by the layer below, no `recurrent` projection), whose fixed
 * point is the forward pass.  A readout v_pred = D sigma(v) + b_D is one
 * more implicit_rate population with transfer "linear" whose `input` is D
 * sigma(v): tau_v dv_pred/dt = -v_pred + D sigma(v) + b_D + u, the output
 * controller's u on its `control` (Meulemans et al. 2022, Sect. 3).
 * Output `r_prime` = sigma'(v) is the gain the dynamic-inversion
 * controller multiplies its feedback with (a one-to-one projection into
 * its port `gain`).
 */
#include <math.h>

#include "credo/model.h"
#include "credo/transfer.h"

enum { P_TAU_V, P_BIAS, P_TRANSFER, P_GAIN, P_THR, P_SCALE, P_V0 };
enum { V_V, N_VAR };
enum { IN_INPUT, IN_REC, IN_CONTROL, N_IN };
enum { OUT_R, OUT_V, OUT_RP, N_OUT };

static const credo_var_desc vars[] = {
  { "v", "1", 1.0, "state (the paper's phi)" },
};

static const credo_port_desc inputs[] = {
  { "input", "1", 0, "feed-forward input U x (from the layer below)" },
  { "recurrent", "1", 0, "recurrent input W sigma(v)" },
  { "control", "1", 0, "the control psi (e, Q u or u)" },
};

static const credo_port_desc outputs[] = {
  { "r", "1", 0, "rate sigma(v)" },
  { "v", "1", 0, "the state v" },
  { "r_prime", "1", 0, "sigma'(v), the dynamic inversion's gain" },
};

static const credo_param_desc params[] = {
  { "tau_v", 1.0, "ms", 1e-9, 1e12, NULL, "time constant" },
  { "bias", 0.0, "1", -1e12, 1e12, NULL, "bias b" },
  CREDO_TRANSFER_PARAMS (CREDO_TF_TANH, 1.0, 0.0, 1.0),
  { "v0", 0.0, "1", -1e12, 1e12, NULL, "initial state" },
};

/* sigma''(v), for the Jacobian of r_prime. */
static double
second_derivative (const credo_transfer *f, double v)
{
  double b = f->gain, g = f->scale, x = b * (v - f->threshold), t, s;
  switch (f->kind)
    {
    case CREDO_TF_TANH:
      t = tanh (x);
      return -2.0 * g * b * b * t * (1.0 - t * t);
    case CREDO_TF_LOGISTIC:
      s = 1.0 / (1.0 + exp (-x));
      return g * b * b * s * (1.0 - s) * (1.0 - 2.0 * s);
    case CREDO_TF_SOFTPLUS:
      s = 1.0 / (1.0 + exp (-x));
      return g * b * b * s * (1.0 - s);
    default: /* piecewise linear: 0 almost everywhere */
      return 0.0;
    }
}

static void
ir_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    y[i] = v->p[P_V0];
}

static void
ir_output (const credo_pop_view *v, double t, const double *y,
           double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  (void) t;
  credo_transfer_eval (&f, v->n, y, out[OUT_R], out[OUT_RP]);
  for (size_t i = 0; i < v->n; i++)
    out[OUT_V][i] = y[i];
}

static void
ir_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p, *in = v->in[IN_INPUT], *rec = v->in[IN_REC],
               *c = v->in[IN_CONTROL];
  const double inv = 1.0 / p[P_TAU_V];
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    ydot[i] = (-y[i] + in[i] + rec[i] + p[P_BIAS] + c[i]) * inv;
}

static void
ir_jacobian (const credo_pop_view *v, double t, const double *y,
             const credo_local_jac *jac)
{
  const double inv = 1.0 / v->p[P_TAU_V];
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  size_t n = v->n;
  (void) t;
  credo_transfer_eval (&f, n, y, NULL, jac->dody + OUT_R * n);
  for (size_t i = 0; i < n; i++)
    {
      jac->dfdy[i] = -inv;
      jac->dfdin[IN_INPUT * n + i] = inv;
      jac->dfdin[IN_REC * n + i] = inv;
      jac->dfdin[IN_CONTROL * n + i] = inv;
      jac->dody[OUT_V * n + i] = 1.0;
      jac->dody[OUT_RP * n + i] = second_derivative (&f, y[i]);
    }
}

/* The feed-forward reading: without recurrence and control, v = U x + b. */
static double
ir_ff_gain (const double *p)
{
  (void) p;
  return 1.0;
}

static void
ir_ff_phi (const double *p, credo_transfer *phi)
{
  *phi = credo_transfer_from (p + P_TRANSFER);
}

static double
ir_ff_offset (const double *p)
{
  return p[P_BIAS];
}

static const credo_ff_desc ir_ff = {
  "input", ir_ff_gain, ir_ff_phi, "r", NULL, NULL, NULL, ir_ff_offset,
};

const credo_model_type credo_model_implicit_rate = {
  CREDO_MODEL_VERSION,
  "implicit_rate",
  "Equilibrium rate network of the least-control principle (Meulemans et "
  "al. 2022): tau_v dv/dt = -v + W sigma(v) + U x + b + psi; ports input "
  "(U x), recurrent (W sigma(v)), control (psi); outputs r = sigma(v), v, "
  "r_prime = sigma'(v).  Feed-forward nets: layers fed through `input` "
  "only; a readout v_pred: a linear implicit_rate layer.",
  N_VAR, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  NULL,
  ir_init,
  ir_output,
  ir_rhs,
  ir_jacobian,
  NULL,
  NULL,
  &ir_ff,
  NULL, /* no guard */
  NULL, /* a rate model */
};
