/* models/rules/oja.c -- Oja's rule: Hebbian growth with a decay that keeps
 * the weight vector normalised (Oja 1982, J. Math. Biol. 15:267, Eq. 3).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   dW_ij/dt = g eta y_i (x_j - y_i W_ij)
 *
 * y = the post population's output `r`, x = the presynaptic output, g the
 * learning-window gate.  For a linear neuron y = w.x the weight vector
 * converges to the unit-norm principal eigenvector of <x x^T> (for a
 * constant input: w -> x / |x|).  Not of the error-times-rate form: the
 * decay term depends on W itself.  Exact J*v:
 *
 *   d(dW_ij) = g eta [dy_i (x_j - 2 y_i W_ij) + y_i dx_j - y_i^2 vW_ij].
 *
 * No filter (tau_w must be 0); hard bounds hold as for every rule.
 * Scratch: y at the last jac_setup.
 */
#include <stdio.h>

#include "credo/rule.h"

static int
oja_check (const credo_syn_view *v, char *msg, size_t len)
{
  if (v->tau_w > 0)
    {
      snprintf (msg, len, "Oja's rule has no low-pass filter: tau_w must be "
                "0, not %g", v->tau_w);
      return -1;
    }
  return 0;
}

static size_t
oja_scratch (const credo_syn_view *v)
{
  return v->rows;
}

static void
oja_rhs (const credo_syn_view *v, double t, const double *W, const double *S,
         double *dW, double *dS)
{
  const double *y = v->sig[0], *x = v->r;
  double g = v->gate * v->eta;
  (void) t, (void) S, (void) dS;
  for (size_t i = 0; i < v->rows; i++)
    for (size_t j = 0; j < v->cols; j++)
      {
        size_t ij = i * v->cols + j;
        double xj = v->one_to_one ? x[i] : x[j];
        double dw = g * y[i] * (xj - y[i] * W[ij]);
        dW[ij] = credo_rule_held (v, W[ij], dw) ? 0.0 : dw;
      }
}

static void
oja_jac_setup (const credo_syn_view *v, double t, const double *W,
               const double *S)
{
  (void) t, (void) W, (void) S;
  for (size_t i = 0; i < v->rows; i++)
    v->scratch[i] = v->sig[0][i];
}

static void
oja_jtimes (const credo_syn_view *v, const double *W, const double *S,
            const double *vW, const double *vS, double *jW, double *jS)
{
  const double *y = v->scratch, *x = v->r, *dy = v->dsig[0], *dx = v->dr;
  double g = v->gate * v->eta;
  (void) S, (void) vS, (void) jS;
  for (size_t i = 0; i < v->rows; i++)
    for (size_t j = 0; j < v->cols; j++)
      {
        size_t ij = i * v->cols + j, jj = v->one_to_one ? i : j;
        double drift = g * y[i] * (x[jj] - y[i] * W[ij]);
        double d = dy[i] * (x[jj] - 2 * y[i] * W[ij])
                   + (dx ? y[i] * dx[jj] : 0.0) - y[i] * y[i] * vW[ij];
        jW[ij] = credo_rule_held (v, W[ij], drift) ? 0.0 : g * d;
      }
}

static void
oja_diag (const credo_syn_view *v, double *dW, double *dS)
{
  const double *y = v->scratch;
  double g = v->gate * v->eta;
  (void) dS;
  for (size_t i = 0; i < v->rows; i++)
    for (size_t j = 0; j < v->cols; j++)
      dW[i * v->cols + j] = -g * y[i] * y[i];
}

const credo_rule_type credo_rule_oja = {
  CREDO_RULE_VERSION,
  "oja",
  "dW/dt = eta y (x^T - y W) per row: Hebbian learning that normalises the "
  "weights; a linear neuron's weights go to the principal component of its "
  "input (Oja 1982)",
  1,
  { { CREDO_SIGNAL_OUTPUT, "r" } },
  oja_check,
  NULL,
  NULL,
  oja_scratch,
  oja_rhs,
  oja_jac_setup,
  oja_jtimes,
  oja_diag,
  0, /* no weight decay */
};
