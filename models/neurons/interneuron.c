/* models/neurons/interneuron.c -- SST ("mirror") interneuron of the dendritic
 * microcircuit (SAC18 Eq. 2).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   du/dt = -g_lk u + g_D (v - u) + g_som (u_nudge - u) + sigma xi(t)
 *
 * v is the dendritic potential (port `dendrite`, lateral input from the
 * same layer's pyramidal cells); u_nudge (port `nudge`) is the somatic
 * potential of the matching upper-layer pyramidal cell, fed one-to-one, so
 * the interneuron population must have the upper layer's size.  Outputs:
 * r = phi(u), u, dendrite_hat = g_D/(g_lk+g_D) v and dendrite_pred =
 * phi(dendrite_hat) for the dendritic-prediction rule.  When
 * dendrite_hat = u_nudge the steady state is u = u_nudge exactly: the
 * interneuron mirrors the upper layer (the self-predicting state).
 */
#include "credo/model.h"
#include "credo/transfer.h"
#include "compartments.h"

enum { P_GLK, P_GD, P_GSOM, P_TRANSFER, P_GAIN, P_THR, P_SCALE, P_SIGMA,
       P_U0 };
enum { IN_DEND, IN_NUDGE, N_IN };
enum { OUT_R, OUT_U, OUT_DHAT, OUT_DPRED, N_OUT };

static const credo_var_desc vars[] = { CREDO_SOMA_VAR };

static const credo_port_desc inputs[] = {
  { "dendrite", "mV", 0, "dendritic potential v (from same-layer pyramids)" },
  { "nudge", "mV", 0, "upper-layer pyramidal potential (one-to-one)" },
};

static const credo_port_desc outputs[] = {
  CREDO_SOMA_OUTPUTS,
  { "dendrite_hat", "mV", CREDO_PORT_DERIVED,
    "attenuated dendritic prediction g_D/(g_lk+g_D) v" },
  { "dendrite_pred", "1", CREDO_PORT_DERIVED,
    "predicted rate phi(dendrite_hat)" },
};

static const credo_param_desc params[] = {
  { "g_lk", 0.1, "1/ms", 0, 1e6, NULL, "leak conductance" },
  { "g_D", 1.0, "1/ms", 0, 1e6, NULL, "dendrite-to-soma coupling" },
  { "g_som", 0.8, "1/ms", 0, 1e6, NULL, "somatic nudging conductance" },
  CREDO_TRANSFER_PARAMS (CREDO_TF_SOFTPLUS, 1.0, 3.0, 0.1),
  CREDO_SOMA_NOISE_U0_PARAMS,
};

static int
int_check (const double *p, char *msg, size_t len)
{
  (void) msg, (void) len;
  return (p[P_GLK] + p[P_GD] > 0) ? 0 : -1;
}

static void
int_init (const credo_pop_view *v, double *y)
{
  credo_soma_init (v->n, v->p[P_U0], y);
}

static void
int_output (const credo_pop_view *v, double t, const double *y,
            double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  (void) t;
  credo_soma_output (&f, v->n, y, out[OUT_R], out[OUT_U]);
}

/* SAC18's dendritic attenuation g_D / (g_lk + g_D) */
static double
attenuation (const double *p)
{
  return p[P_GD] / (p[P_GLK] + p[P_GD]);
}

static void
int_derived (const credo_pop_view *v, double t, const double *y,
             double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  (void) t, (void) y;
  credo_soma_prediction (&f, v->n, attenuation (v->p), v->in[IN_DEND],
                         out[OUT_DHAT], out[OUT_DPRED]);
}

static void
int_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p, *vd = v->in[IN_DEND], *un = v->in[IN_NUDGE];
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    ydot[i] = -p[P_GLK] * y[i] + p[P_GD] * (vd[i] - y[i])
              + p[P_GSOM] * (un[i] - y[i]);
}

static void
int_jacobian (const credo_pop_view *v, double t, const double *y,
              const credo_local_jac *jac)
{
  const double *p = v->p;
  credo_transfer f = credo_transfer_from (p + P_TRANSFER);
  size_t n = v->n;
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      jac->dfdy[i] = -(p[P_GLK] + p[P_GD] + p[P_GSOM]);
      jac->dfdin[IN_DEND * n + i] = p[P_GD];
      jac->dfdin[IN_NUDGE * n + i] = p[P_GSOM];
      jac->dody[OUT_U * n + i] = 1.0;
    }
  credo_transfer_eval (&f, n, y, NULL, jac->dody + OUT_R * n);
  credo_soma_prediction_jac (&f, n, attenuation (p), v->in[IN_DEND],
                             jac->dodin + (OUT_DHAT * N_IN + IN_DEND) * n,
                             jac->dodin + (OUT_DPRED * N_IN + IN_DEND) * n);
}

static double
int_noise (const double *p, size_t var)
{
  (void) var;
  return p[P_SIGMA];
}

const credo_model_type credo_model_interneuron = {
  CREDO_MODEL_VERSION,
  "interneuron",
  "SST interneuron nudged one-to-one by the upper layer (SAC18): "
  "du/dt = -g_lk u + g_D (v - u) + g_som (u_nudge - u).",
  1, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  int_check,
  int_init,
  int_output,
  int_rhs,
  int_jacobian,
  int_noise,
  int_derived,
  NULL, /* no feed-forward reading */
  NULL, /* no guard */
  NULL, /* a rate model */
};
