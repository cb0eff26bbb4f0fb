/* models/rules/dfc_feedback.c -- the feedback-weight rule of Deep Feedback
 * Control's sleep phase (Meulemans et al. 2021, NeurIPS, "learning the
 * feedback weights"; the authors' compute_feedback_gradients_normal_
 * controller).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   tau_Q dQ_i/dt = -v_i^A u^T - beta Q_i          (eta = 1/tau_Q)
 *
 * for a projection ctrl.u -> layer.apical: v^A is the post population's
 * apical potential (output `v_A` of dfc_neuron), u the presynaptic output
 * (the control), beta the plasticity setting `decay`.  In the sleep phase
 * the target is the network's own feed-forward output, white noise drives
 * the apical compartments (dfc_neuron's sigma) and the controller counters
 * it; the anti-Hebbian correlation then turns Q towards the column space
 * of J^T (J = d r_L / d v of all layers), which makes the controlled
 * network's updates Gauss-Newton-like, while the decay sets Q's scale.
 * <v^A u^T> scales with the noise power sigma^2: the authors scale the
 * update by 1/sigma^2, so here eta and eta * beta of order 1/sigma^2 and
 * 1 give a sleep phase of a few tau_u (examples/dfc_sleep/README).
 *
 * With the learning-window gate g and hard bounds as for every rule:
 *
 *   dQ_ij/dt = g eta (-a_i u_j - beta Q_ij),   a = v^A,
 *   d(dQ_ij) = g eta (-(da_i u_j + a_i du_j) - beta vQ_ij)   (exact J*v),
 *   diagonal  -g eta beta.
 *
 * No filter (tau_w must be 0).  Scratch: v^A at the last jac_setup.
 */
#include <math.h>
#include <stdio.h>

#include "credo/rule.h"

static int
feedback_check (const credo_syn_view *v, char *msg, size_t len)
{
  if (v->tau_w > 0)
    {
      snprintf (msg, len, "the feedback rule has no low-pass filter: tau_w "
                "must be 0, not %g", v->tau_w);
      return -1;
    }
  if (!(v->decay >= 0 && isfinite (v->decay)))
    {
      snprintf (msg, len, "the weight decay must be finite and >= 0, not %g",
                v->decay);
      return -1;
    }
  return 0;
}

static size_t
feedback_scratch (const credo_syn_view *v)
{
  return v->rows;
}

static void
feedback_rhs (const credo_syn_view *v, double t, const double *W,
              const double *S, double *dW, double *dS)
{
  const double *a = v->sig[0], *u = v->r;
  double g = v->gate * v->eta;
  (void) t, (void) S, (void) dS;
  for (size_t i = 0; i < v->rows; i++)
    for (size_t j = 0; j < v->cols; j++)
      {
        size_t ij = i * v->cols + j;
        double uj = v->one_to_one ? u[i] : u[j];
        double dw = g * (-a[i] * uj - v->decay * W[ij]);
        dW[ij] = credo_rule_held (v, W[ij], dw) ? 0.0 : dw;
      }
}

static void
feedback_jac_setup (const credo_syn_view *v, double t, const double *W,
                    const double *S)
{
  (void) t, (void) W, (void) S;
  for (size_t i = 0; i < v->rows; i++)
    v->scratch[i] = v->sig[0][i];
}

static void
feedback_jtimes (const credo_syn_view *v, const double *W, const double *S,
                 const double *vW, const double *vS, double *jW, double *jS)
{
  const double *a = v->scratch, *u = v->r, *da = v->dsig[0], *du = v->dr;
  double g = v->gate * v->eta;
  (void) S, (void) vS, (void) jS;
  for (size_t i = 0; i < v->rows; i++)
    for (size_t j = 0; j < v->cols; j++)
      {
        size_t ij = i * v->cols + j, jj = v->one_to_one ? i : j;
        double drift = g * (-a[i] * u[jj] - v->decay * W[ij]);
        double d = -(da ? da[i] * u[jj] : 0.0) - (du ? a[i] * du[jj] : 0.0)
                   - v->decay * vW[ij];
        jW[ij] = credo_rule_held (v, W[ij], drift) ? 0.0 : g * d;
      }
}

static void
feedback_diag (const credo_syn_view *v, double *dW, double *dS)
{
  double g = v->gate * v->eta;
  (void) dS;
  for (size_t k = 0; k < v->rows * v->cols; k++)
    dW[k] = -g * v->decay;
}

const credo_rule_type credo_rule_dfc_feedback = {
  CREDO_RULE_VERSION,
  "dfc_feedback",
  "tau_Q dQ/dt = -v_A u^T - beta Q: Deep Feedback Control's sleep-phase "
  "rule for the feedback weights (ctrl.u -> apical), anti-Hebbian with "
  "weight decay beta = the setting `decay` (Meulemans et al. 2021)",
  1,
  { { CREDO_SIGNAL_OUTPUT, "v_A" } },
  feedback_check,
  NULL,
  NULL,
  feedback_scratch,
  feedback_rhs,
  feedback_jac_setup,
  feedback_jtimes,
  feedback_diag,
  1, /* reads v->decay */
};
