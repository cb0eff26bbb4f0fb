/* src/learn/ref_backprop.c -- the backprop reference: the descent
 * direction of the squared error of the output potentials.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * For the chain u_k = a_k W_k r_{k-1} with target u* on the output layer N
 * (Sacramento et al. 2018, Sec. 2 and Fig. 2: the microcircuit's updates
 * approximate these), with loss L = 1/2 |u* - u_N|^2 taken through the
 * rates (the microcircuit's output error is phi(u*) - phi(u) to first
 * order):
 *
 *   e_N = phi'(u_N) (u* - u_N),   e_k = phi'(u_k) W_{k+1}^T e_{k+1},
 *   direction_k = e_k r_{k-1}^T.
 *
 * e_N is the chain's output error delta (learn.h: a protocol may set
 * another, e.g. from a loss).  The gain a_{k+1} is left out of e_k, as
 * the microcircuit's apical error carries no basal attenuation; directions
 * are compared by angle, so a positive factor per layer would not matter
 * anyway.  Undefined (-1) without an output error (no target and none
 * set).  Work: one error vector per layer.
 */
#include <string.h>

#include <gsl/gsl_cblas.h>

#include "learn/learn.h"

static size_t
bp_work (const credo_ff_chain *c)
{
  return credo__chain_units (c, 0); /* one error vector per layer */
}

static int
bp_direction (const credo_ff_chain *c, double *const *dir, double *work)
{
  size_t N = c->n_layers;
  double *e[N];
  if (!c->has_delta)
    return -1;
  for (size_t k = 0, off = 0; k < N; off += c->L[k].n, k++)
    e[k] = work + off;
  /* e_N: the chain's output error (already phi'-weighted) */
  memcpy (e[N - 1], c->delta, c->L[N - 1].n * sizeof (double));
  for (size_t k = N - 1; k > 1; k--)
    {
      const credo_proj *pr = c->L[k].fwd;
      const credo_ff_layer *L = &c->L[k - 1];
      cblas_dgemv (CblasRowMajor, CblasTrans, (int) pr->rows, (int) pr->cols,
                   1.0, c->W[k], (int) pr->cols, e[k], 1, 0.0, e[k - 1], 1);
      for (size_t j = 0; j < L->n; j++)
        e[k - 1][j] *= L->d[j];
    }
  for (size_t k = 1; k < N; k++)
    {
      const credo_proj *pr = c->L[k].fwd;
      for (size_t i = 0; i < pr->rows; i++)
        for (size_t j = 0; j < pr->cols; j++)
          dir[k][i * pr->cols + j] = e[k][i] * c->L[k - 1].r[j];
    }
  return 0;
}

const credo_reference_type credo__ref_backprop = {
  "backprop",
  "backprop through the equivalent feed-forward network: e_N = phi'(u_N) "
  "(u* - u_N), e_k = phi'(u_k) W_{k+1}^T e_{k+1}, direction e_k r_{k-1}^T",
  bp_work,
  bp_direction,
};
