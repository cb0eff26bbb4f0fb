/* models/neurons/rate.c -- leaky-integrator rate neuron.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   tau du/dt = -u + in + bias,      r = f(u)
 *
 * with f one of the transfer functions of credo/transfer.h (gain beta,
 * threshold theta, amplitude gamma).  The steady state for a constant input
 * is u = in + bias; the step response relaxes with time constant tau.
 */
#include "credo/model.h"
#include "credo/transfer.h"

enum { P_TAU, P_BIAS, P_TRANSFER, P_GAIN, P_THRESHOLD, P_SCALE, P_U0 };

static const credo_var_desc vars[] = {
  { "u", "mV", 1.0, "membrane potential (rate-neuron activation)" },
};

static const credo_port_desc inputs[] = {
  { "in", "mV", 0, "summed synaptic input, added to the potential's target" },
};

static const credo_port_desc outputs[] = {
  { "r", "1", 0, "rate r = f(u)" },
  { "u", "mV", 0, "the potential itself (for linear read-outs)" },
};

static const credo_param_desc params[] = {
  { "tau", 10.0, "ms", 1e-9, 1e12, NULL, "membrane time constant" },
  { "bias", 0.0, "mV", -1e12, 1e12, NULL, "constant input added to in" },
  CREDO_TRANSFER_PARAMS (CREDO_TF_TANH, 1.0, 0.0, 1.0),
  { "u0", 0.0, "mV", -1e12, 1e12, NULL, "initial potential" },
};

static void
rate_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    y[i] = v->p[P_U0];
}

static void
rate_output (const credo_pop_view *v, double t, const double *y,
             double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  (void) t;
  credo_transfer_eval (&f, v->n, y, out[0], NULL);
  for (size_t i = 0; i < v->n; i++)
    out[1][i] = y[i];
}

static void
rate_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double inv_tau = 1.0 / v->p[P_TAU], bias = v->p[P_BIAS];
  const double *in = v->in[0];
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    ydot[i] = (in[i] + bias - y[i]) * inv_tau;
}

static void
rate_jacobian (const credo_pop_view *v, double t, const double *y,
               const credo_local_jac *jac)
{
  const double inv_tau = 1.0 / v->p[P_TAU];
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  size_t n = v->n;
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      jac->dfdy[i] = -inv_tau;
      jac->dfdin[i] = inv_tau;
      jac->dody[n + i] = 1.0; /* d out_u / du */
    }
  credo_transfer_eval (&f, n, y, NULL, jac->dody); /* d r / du */
}

const credo_model_type credo_model_rate = {
  CREDO_MODEL_VERSION,
  "rate",
  "Leaky-integrator rate neuron: tau du/dt = -u + in + bias, r = f(u).",
  1, vars,
  1, inputs,
  2, outputs,
  7, params,
  NULL,
  rate_init,
  rate_output,
  rate_rhs,
  rate_jacobian,
  NULL, /* noise */
  NULL, /* derived */
  NULL, /* no feed-forward reading */
  NULL, /* no guard */
  NULL, /* a rate model */
};
