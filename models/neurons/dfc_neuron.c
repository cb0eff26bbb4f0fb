/* models/neurons/dfc_neuron.c -- the three-compartment neuron of Deep
 * Feedback Control (Meulemans et al. 2021, NeurIPS).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   basal    v_B = W r_pre (+ bias): the summed input of port `basal`
 *   apical   tau_A dv_A/dt = -v_A + Q u     (tau_A > 0), or v_A = Q u
 *            (tau_A = 0: instantaneous, as the forward phase of the
 *            authors' code); Q u is the summed input of port `apical`
 *   soma     tau_v dv/dt = -v + v_B + v_A,    r = phi(v)
 *
 * The basal prediction r_B = phi(v_B) (output `basal_pred`) is what the DFC
 * rule compares the rate with: dW/dt ~ (phi(v) - phi(v_B)) r_pre^T.  With
 * no feedback (v_A = 0) the steady state is v = v_B: a layer of the
 * feed-forward network v_i = W_i phi(v_{i-1}) + b_i.  State variable a
 * holds v_A when tau_A > 0 and stays 0 otherwise (read `v_A`, an output,
 * for the apical potential in both cases).  With sigma > 0 the apical
 * compartment gets white noise, tau_A dv_A = (-v_A + Q u) dt + sigma dW
 * (the noise of DFC's feedback-learning phase; needs tau_A > 0 and the
 * euler engine).
 */
#include <stdio.h>

#include "credo/model.h"
#include "credo/transfer.h"

enum { P_TAU_V, P_TAU_A, P_BIAS, P_TRANSFER, P_GAIN, P_THR, P_SCALE,
       P_SIGMA, P_V0 };
enum { V_SOMA, V_APICAL, N_VAR };
enum { IN_BASAL, IN_APICAL, N_IN };
enum { OUT_R, OUT_V, OUT_VB, OUT_BPRED, OUT_VA, N_OUT };

static const credo_var_desc vars[] = {
  { "v", "mV", 1.0, "somatic potential" },
  { "a", "mV", 1.0, "apical potential when tau_A > 0 (else unused, 0)" },
};

static const credo_port_desc inputs[] = {
  { "basal", "mV", 0, "basal input W r_pre (feed-forward)" },
  { "apical", "mV", 0, "apical input Q u (feedback from the controller)" },
};

static const credo_port_desc outputs[] = {
  { "r", "1", 0, "rate r = phi(v)" },
  { "v", "mV", 0, "the somatic potential" },
  { "basal_hat", "mV", CREDO_PORT_DERIVED, "basal potential v_B = basal + bias" },
  { "basal_pred", "1", CREDO_PORT_DERIVED,
    "basal prediction r_B = phi(v_B) (the DFC rule's reference)" },
  { "v_A", "mV", CREDO_PORT_DERIVED,
    "apical potential: a (tau_A > 0) or the apical input (tau_A = 0)" },
};

static const credo_param_desc params[] = {
  { "tau_v", 1.0, "ms", 1e-9, 1e12, NULL, "somatic time constant" },
  { "tau_A", 0.0, "ms", 0, 1e12, NULL,
    "apical time constant (0: the apical potential follows Q u at once)" },
  { "bias", 0.0, "mV", -1e12, 1e12, NULL, "bias b added to the basal input" },
  CREDO_TRANSFER_PARAMS (CREDO_TF_TANH, 1.0, 0.0, 1.0),
  { "sigma", 0.0, "mV/sqrt(ms)", 0, 1e12, NULL,
    "apical white-noise amplitude (needs tau_A > 0)" },
  { "v0", 0.0, "mV", -1e12, 1e12, NULL, "initial somatic potential" },
};

static int
dfc_check (const double *p, char *msg, size_t len)
{
  if (p[P_SIGMA] > 0 && !(p[P_TAU_A] > 0))
    {
      snprintf (msg, len, "apical noise (sigma = %g) needs an apical time "
                "constant tau_A > 0", p[P_SIGMA]);
      return -1;
    }
  return 0;
}

static void
dfc_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    {
      y[V_SOMA * v->n + i] = v->p[P_V0];
      y[V_APICAL * v->n + i] = 0.0;
    }
}

static void
dfc_output (const credo_pop_view *v, double t, const double *y,
            double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  (void) t;
  credo_transfer_eval (&f, v->n, y, out[OUT_R], NULL);
  for (size_t i = 0; i < v->n; i++)
    out[OUT_V][i] = y[i];
}

static void
dfc_derived (const credo_pop_view *v, double t, const double *y,
             double *const *out)
{
  credo_transfer f = credo_transfer_from (v->p + P_TRANSFER);
  const double *vb = v->in[IN_BASAL], *va = v->in[IN_APICAL];
  int slow = v->p[P_TAU_A] > 0;
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    {
      out[OUT_VB][i] = vb[i] + v->p[P_BIAS];
      out[OUT_VA][i] = slow ? y[V_APICAL * v->n + i] : va[i];
    }
  credo_transfer_eval (&f, v->n, out[OUT_VB], out[OUT_BPRED], NULL);
}

static void
dfc_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p, *vb = v->in[IN_BASAL], *va = v->in[IN_APICAL];
  const double inv_v = 1.0 / p[P_TAU_V];
  const int slow = p[P_TAU_A] > 0;
  const double inv_a = slow ? 1.0 / p[P_TAU_A] : 1.0;
  size_t n = v->n;
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      double a = y[V_APICAL * n + i];
      double vA = slow ? a : va[i];
      ydot[V_SOMA * n + i] = (-y[i] + vb[i] + p[P_BIAS] + vA) * inv_v;
      /* without tau_A, a is not used: it decays to (stays at) 0 */
      ydot[V_APICAL * n + i] = slow ? (-a + va[i]) * inv_a : -a;
    }
}

static void
dfc_jacobian (const credo_pop_view *v, double t, const double *y,
              const credo_local_jac *jac)
{
  const double *p = v->p;
  const int slow = p[P_TAU_A] > 0;
  const double inv_v = 1.0 / p[P_TAU_V];
  const double inv_a = slow ? 1.0 / p[P_TAU_A] : 1.0;
  credo_transfer f = credo_transfer_from (p + P_TRANSFER);
  size_t n = v->n;
  double *vb = jac->dodin + (OUT_VB * N_IN + IN_BASAL) * n; /* scratch */
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      jac->dfdy[(V_SOMA * N_VAR + V_SOMA) * n + i] = -inv_v;
      jac->dfdy[(V_SOMA * N_VAR + V_APICAL) * n + i] = slow ? inv_v : 0.0;
      jac->dfdy[(V_APICAL * N_VAR + V_APICAL) * n + i] = -inv_a;
      jac->dfdin[(V_SOMA * N_IN + IN_BASAL) * n + i] = inv_v;
      jac->dfdin[(V_SOMA * N_IN + IN_APICAL) * n + i] = slow ? 0.0 : inv_v;
      jac->dfdin[(V_APICAL * N_IN + IN_APICAL) * n + i] = slow ? inv_a : 0.0;
      jac->dody[(OUT_V * N_VAR + V_SOMA) * n + i] = 1.0;
      jac->dody[(OUT_VA * N_VAR + V_APICAL) * n + i] = slow ? 1.0 : 0.0;
      jac->dodin[(OUT_VA * N_IN + IN_APICAL) * n + i] = slow ? 0.0 : 1.0;
      vb[i] = v->in[IN_BASAL][i] + p[P_BIAS];
    }
  credo_transfer_eval (&f, n, y, NULL, jac->dody + (OUT_R * N_VAR) * n);
  /* d phi(v_B) / d basal = phi'(v_B); then d v_B / d basal = 1 */
  credo_transfer_eval (&f, n, vb, NULL,
                       jac->dodin + (OUT_BPRED * N_IN + IN_BASAL) * n);
  for (size_t i = 0; i < n; i++)
    vb[i] = 1.0;
}

static double
dfc_noise (const double *p, size_t var)
{
  return var == V_APICAL && p[P_TAU_A] > 0 ? p[P_SIGMA] / p[P_TAU_A] : 0.0;
}

/* The feed-forward reading: at rest without feedback v = v_B. */
static double
dfc_ff_gain (const double *p)
{
  (void) p;
  return 1.0;
}

static void
dfc_ff_phi (const double *p, credo_transfer *phi)
{
  *phi = credo_transfer_from (p + P_TRANSFER);
}

static double
dfc_ff_offset (const double *p)
{
  return p[P_BIAS];
}

static const credo_ff_desc dfc_ff = {
  "basal", dfc_ff_gain, dfc_ff_phi, "r", NULL, NULL, NULL, dfc_ff_offset,
};

const credo_model_type credo_model_dfc_neuron = {
  CREDO_MODEL_VERSION,
  "dfc_neuron",
  "Deep Feedback Control neuron (Meulemans et al. 2021): tau_v dv/dt = -v + "
  "v_B + v_A, v_B = basal + bias, v_A = apical (tau_A = 0) or tau_A dv_A/dt "
  "= -v_A + apical; r = phi(v), basal prediction phi(v_B).",
  N_VAR, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  dfc_check,
  dfc_init,
  dfc_output,
  dfc_rhs,
  dfc_jacobian,
  dfc_noise,
  dfc_derived,
  &dfc_ff,
  NULL, /* no guard */
  NULL, /* a rate model */
};
