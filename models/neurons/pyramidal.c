/* models/neurons/pyramidal.c -- multi-compartment pyramidal neuron (SAC18 Eqs. 1-5).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   du/dt = -g_lk u + g_B (v_B - u) + g_A (v_A - u)
 *           + g_som gate (u_nudge - u) + sigma xi(t)
 *
 * Capacitance 1, rest 0 (SAC18).  The basal and apical dendrites are
 * instantaneous: v_B is the summed input of the port `basal`, v_A that of
 * the ports `apical` and `topdown`, v_A = v_apical + v_TD.  The apical
 * dendrite has two input ports so that a plastic top-down projection (SAC18
 * Eq. 10) can learn to predict the soma from its own part v_TD alone: onto
 * `topdown`, the dendritic-prediction rule reads topdown_pred = phi(v_TD).
 * Static top-down and interneuron inputs can go to either port.  The somatic teaching current is conductance-based and balanced
 * (zero at u = u_nudge); its conductance g_som is switched by the stimulus-
 * only port `gate` (0 without a stimulus), so a data-set target turns
 * teaching on and off with the samples.  An output-layer pyramidal cell is
 * this model with g_A = 0 and no apical input.
 *
 * Outputs: r = phi(u), u, and the dendritic predictions
 *   basal_hat  = g_B / (g_lk + g_B + g_A) v_B   (SAC18's v_hat_B),
 *   basal_pred = phi(basal_hat),
 *   topdown_hat = v_TD,  topdown_pred = phi(v_TD)   (SAC18 Eq. 10),
 * the signals the dendritic-prediction rule compares with phi(u).
 * Steady state: u = (g_B v_B + g_A v_A + g_som gate u_nudge)
 *                   / (g_lk + g_B + g_A + g_som gate).
 * Reference: Sacramento, Costa, Bengio & Senn, NeurIPS 2018.
 */
#include <math.h>

#include "credo/model.h"
#include "credo/transfer.h"
#include "compartments.h"

enum { P_GLK, P_GB, P_GA, P_GSOM, P_TRANSFER, P_GAIN, P_THR, P_SCALE,
       P_SIGMA, P_U0 };
enum { IN_BASAL, IN_APICAL, IN_NUDGE, IN_GATE, IN_TOPDOWN, N_IN };
enum { OUT_R, OUT_U, OUT_BHAT, OUT_BPRED, OUT_THAT, OUT_TPRED, N_OUT };

static const credo_var_desc vars[] = { CREDO_SOMA_VAR };

static const credo_port_desc inputs[] = {
  { "basal", "mV", 0, "basal dendritic potential v_B (bottom-up)" },
  { "apical", "mV", 0, "apical dendritic potential v_A (top-down + interneurons)" },
  { "nudge", "mV", 0, "teaching target potential u_nudge" },
  { "gate", "1", CREDO_PORT_STIMULUS_ONLY,
    "teaching conductance in units of g_som (0 = no teaching)" },
  { "topdown", "mV", 0,
    "top-down part v_TD of the apical potential (added to v_A; for a "
    "plastic top-down projection, SAC18 Eq. 10)" },
};

static const credo_port_desc outputs[] = {
  CREDO_SOMA_OUTPUTS,
  { "basal_hat", "mV", CREDO_PORT_DERIVED,
    "attenuated basal prediction g_B/(g_lk+g_B+g_A) v_B" },
  { "basal_pred", "1", CREDO_PORT_DERIVED, "predicted rate phi(basal_hat)" },
  { "topdown_hat", "mV", CREDO_PORT_DERIVED,
    "top-down prediction v_TD (unattenuated, SAC18 Eq. 10)" },
  { "topdown_pred", "1", CREDO_PORT_DERIVED,
    "predicted rate phi(topdown_hat)" },
};

static const credo_param_desc params[] = {
  { "g_lk", 0.1, "1/ms", 0, 1e6, NULL, "leak conductance" },
  { "g_B", 1.0, "1/ms", 0, 1e6, NULL, "basal-to-soma coupling" },
  { "g_A", 0.8, "1/ms", 0, 1e6, NULL, "apical-to-soma coupling (0: output layer)" },
  { "g_som", 0.8, "1/ms", 0, 1e6, NULL, "somatic teaching conductance" },
  CREDO_TRANSFER_PARAMS (CREDO_TF_SOFTPLUS, 1.0, 3.0, 0.1),
  CREDO_SOMA_NOISE_U0_PARAMS,
};

static int
pyr_check (const double *p, char *msg, size_t len)
{
  (void) msg, (void) len;
  /* a cell with no conductance at all has no dynamics */
  return (p[P_GLK] + p[P_GB] + p[P_GA] > 0) ? 0 : -1;
}

static void
pyr_init (const credo_pop_view *v, double *y)
{
  credo_soma_init (v->n, v->p[P_U0], y);
}

static void
pyr_output (const credo_pop_view *v, double t, const double *y,
            double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  (void) t;
  credo_soma_output (&f, v->n, y, out[OUT_R], out[OUT_U]);
}

static double
attenuation (const double *p)
{
  return p[P_GB] / (p[P_GLK] + p[P_GB] + p[P_GA]);
}

static void
pyr_derived (const credo_pop_view *v, double t, const double *y,
             double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  (void) t, (void) y;
  credo_soma_prediction (&f, v->n, attenuation (v->p), v->in[IN_BASAL],
                         out[OUT_BHAT], out[OUT_BPRED]);
  credo_soma_prediction (&f, v->n, 1.0, v->in[IN_TOPDOWN], out[OUT_THAT],
                         out[OUT_TPRED]);
}

static void
pyr_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p;
  const double *vb = v->in[IN_BASAL], *va = v->in[IN_APICAL];
  const double *vtd = v->in[IN_TOPDOWN];
  const double *un = v->in[IN_NUDGE], *gate = v->in[IN_GATE];
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    {
      double u = y[i];
      ydot[i] = -p[P_GLK] * u + p[P_GB] * (vb[i] - u)
                + p[P_GA] * (va[i] + vtd[i] - u)
                + p[P_GSOM] * gate[i] * (un[i] - u);
    }
}

static void
pyr_jacobian (const credo_pop_view *v, double t, const double *y,
              const credo_local_jac *jac)
{
  const double *p = v->p, c = attenuation (p);
  const double *gate = v->in[IN_GATE], *un = v->in[IN_NUDGE];
  credo_transfer f = credo_transfer_from (p + P_TRANSFER);
  size_t n = v->n;
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      double gs = p[P_GSOM] * gate[i];
      jac->dfdy[i] = -(p[P_GLK] + p[P_GB] + p[P_GA] + gs);
      jac->dfdin[IN_BASAL * n + i] = p[P_GB];
      jac->dfdin[IN_APICAL * n + i] = p[P_GA];
      jac->dfdin[IN_TOPDOWN * n + i] = p[P_GA];
      jac->dfdin[IN_NUDGE * n + i] = gs;
      jac->dfdin[IN_GATE * n + i] = p[P_GSOM] * (un[i] - y[i]);
      jac->dody[OUT_U * n + i] = 1.0;
    }
  credo_transfer_eval (&f, n, y, NULL, jac->dody + OUT_R * n);
  credo_soma_prediction_jac (&f, n, c, v->in[IN_BASAL],
                             jac->dodin + (OUT_BHAT * N_IN + IN_BASAL) * n,
                             jac->dodin + (OUT_BPRED * N_IN + IN_BASAL) * n);
  credo_soma_prediction_jac (&f, n, 1.0, v->in[IN_TOPDOWN],
                             jac->dodin + (OUT_THAT * N_IN + IN_TOPDOWN) * n,
                             jac->dodin + (OUT_TPRED * N_IN + IN_TOPDOWN) * n);
}

static double
pyr_noise (const double *p, size_t var)
{
  (void) var;
  return p[P_SIGMA];
}

/* The feed-forward reading: at rest, without teaching and with v_A = 0,
 * u = g_B / (g_lk + g_B + g_A) v_B (SAC18 Eq. 5): a layer of
 * the feed-forward network whose backprop gradient the microcircuit
 * approximates, Sacramento et al. 2018, Sec. 2). */
static double
pyr_ff_gain (const double *p)
{
  return p[P_GB] / (p[P_GLK] + p[P_GB] + p[P_GA]);
}

static void
pyr_ff_phi (const double *p, credo_transfer *phi)
{
  *phi = credo_transfer_from (p + P_TRANSFER);
}

static const char *const pyr_error_ports[] = { "apical", "topdown", NULL };

static const credo_ff_desc pyr_ff = {
  "basal", pyr_ff_gain, pyr_ff_phi, "r", "nudge", "gate", pyr_error_ports,
  NULL,
};

const credo_model_type credo_model_pyramidal = {
  CREDO_MODEL_VERSION,
  "pyramidal",
  "Pyramidal neuron with instantaneous basal and apical dendrites (SAC18): "
  "du/dt = -g_lk u + g_B (v_B - u) + g_A (v_A - u) + g_som gate (u_nudge - u), "
  "v_A = apical + topdown.",
  1, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  pyr_check,
  pyr_init,
  pyr_output,
  pyr_rhs,
  pyr_jacobian,
  pyr_noise,
  pyr_derived,
  &pyr_ff,
  NULL, /* no guard */
  NULL, /* a rate model */
};
