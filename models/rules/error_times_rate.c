/* models/rules/error_times_rate.c -- the common form of a plasticity rule:
 * an error read from the post-synaptic population times the presynaptic
 * rate (credo/rule.h, CREDO_RULE_ERROR_TIMES_RATE).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * With e = sig[0] - sig[1], presynaptic rate r and g = gate * eta:
 *
 *   tau_w = 0:  dW/dt = g e r^T
 *   tau_w > 0:  tau_w dD/dt = -D + e r^T,  dW/dt = g D   (SAC18)
 *
 * Hard bounds hold a weight whose drift would cross w_min / w_max.  The
 * exact J*v of these equations is
 *
 *   d(e r^T) = de r^T + e dr^T,
 *
 * where de comes from the perturbed post-synaptic signals (which include
 * the dW r term of the projections) and dr from the presynaptic output, so
 * the Krylov solver never needs a difference quotient.  Scratch: e at the
 * last jac_setup (rows values), then a work row (rows values).
 */
#include <string.h>

#include "credo/rule.h"

const char *const credo_rule_ert_block_names[] = { "dw", NULL };

size_t
credo_rule_ert_blocks (const credo_syn_view *v)
{
  return v->tau_w > 0 ? 1 : 0;
}

size_t
credo_rule_ert_scratch (const credo_syn_view *v)
{
  return 2 * v->rows;
}

/* e = sig[0] - sig[1] into out[rows] */
static void
error_vector (const credo_syn_view *v, double *out)
{
  for (size_t i = 0; i < v->rows; i++)
    out[i] = (v->sig[0] ? v->sig[0][i] : 0.0)
             - (v->sig[1] ? v->sig[1][i] : 0.0);
}

static inline double
bounded (const credo_syn_view *v, double w, double dw)
{
  return credo_rule_held (v, w, dw) ? 0.0 : dw;
}

void
credo_rule_ert_rhs (const credo_syn_view *v, double t, const double *W,
                    const double *D, double *dW, double *dD)
{
  const double *r = v->r;
  double *e = v->scratch + v->rows, g = v->gate * v->eta;
  (void) t;
  error_vector (v, e);
  if (v->tau_w > 0)
    {
      double inv = 1.0 / v->tau_w;
      for (size_t i = 0; i < v->rows; i++)
        for (size_t j = 0; j < v->cols; j++)
          {
            size_t ij = i * v->cols + j;
            double rj = v->one_to_one ? r[i] : r[j];
            dD[ij] = (e[i] * rj - D[ij]) * inv;
            dW[ij] = bounded (v, W[ij], g * D[ij]);
          }
    }
  else
    for (size_t i = 0; i < v->rows; i++)
      for (size_t j = 0; j < v->cols; j++)
        {
          size_t ij = i * v->cols + j;
          double rj = v->one_to_one ? r[i] : r[j];
          dW[ij] = bounded (v, W[ij], g * e[i] * rj);
        }
}

void
credo_rule_ert_jac_setup (const credo_syn_view *v, double t, const double *W,
                          const double *D)
{
  (void) t, (void) W, (void) D;
  error_vector (v, v->scratch);
}

void
credo_rule_ert_jtimes (const credo_syn_view *v, const double *W,
                       const double *D, const double *vW, const double *vD,
                       double *jW, double *jD)
{
  const double *r = v->r, *dr = v->dr, *e = v->scratch;
  double *de = v->scratch + v->rows, g = v->gate * v->eta;
  (void) vW;
  for (size_t i = 0; i < v->rows; i++)
    de[i] = (v->dsig[0] ? v->dsig[0][i] : 0.0)
            - (v->dsig[1] ? v->dsig[1][i] : 0.0);
  if (v->tau_w > 0)
    {
      double inv = 1.0 / v->tau_w;
      for (size_t i = 0; i < v->rows; i++)
        for (size_t j = 0; j < v->cols; j++)
          {
            size_t ij = i * v->cols + j;
            size_t jj = v->one_to_one ? i : j;
            double ind = de[i] * r[jj] + (dr ? e[i] * dr[jj] : 0.0);
            jD[ij] = (ind - vD[ij]) * inv;
            jW[ij] = credo_rule_held (v, W[ij], g * D[ij]) ? 0.0 : g * vD[ij];
          }
    }
  else
    for (size_t i = 0; i < v->rows; i++)
      for (size_t j = 0; j < v->cols; j++)
        {
          size_t ij = i * v->cols + j;
          size_t jj = v->one_to_one ? i : j;
          double drift = g * e[i] * r[jj];
          double ind = de[i] * r[jj] + (dr ? e[i] * dr[jj] : 0.0);
          jW[ij] = credo_rule_held (v, W[ij], drift) ? 0.0 : g * ind;
        }
}

void
credo_rule_ert_diag (const credo_syn_view *v, double *dW, double *dD)
{
  size_t nw = v->rows * v->cols;
  /* dW/dt depends on W only through the post signals: weak, ignored */
  memset (dW, 0, nw * sizeof *dW);
  if (v->tau_w > 0)
    for (size_t i = 0; i < nw; i++)
      dD[i] = -1.0 / v->tau_w;
}
