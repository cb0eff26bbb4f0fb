/* src/engine/event_stdp.c -- pair-based spike-timing-dependent plasticity
 * on the event engine, with all-to-all traces (Song, Miller & Abbott 2000;
 * Morrison, Diesmann & Gerstner 2008, eq. 3-5).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Each presynaptic unit j has a trace x_j (time constant tau_+) and each
 * postsynaptic unit i a trace y_i (tau_-): they decay continuously and
 * jump by 1 at the unit's spikes (a presynaptic spike counts at its
 * arrival, emission plus delay).  At a presynaptic arrival at t every
 * synapse j -> i is depressed, w -= A_- y_i(t); at a postsynaptic spike
 * every synapse onto i is potentiated, w += A_+ x_j(t); then the unit's
 * own trace jumps, and w is clipped to [w_min, w_max].  So a pair with
 * post - pre = dt > 0 changes w by A_+ e^{-dt/tau_+}, with dt < 0 by
 * -A_- e^{dt/tau_-}, and pairs add.  Traces are held as (value, time) and
 * decayed in closed form when read: exact between events.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

struct credo_ev_stdp
{
  credo_spk_stdp r;
  const credo_spk_proj *pr;
  size_t n_pre, n_post, nnz;
  double *w;           /* per synapse, in the projection's row order */
  double *x, *tx;      /* per presynaptic unit: trace and its time */
  double *y, *ty;      /* per postsynaptic unit */
  size_t *cptr;        /* the synapses onto post unit i: cptr[i]..[i+1] */
  uint32_t *csyn, *cpre; /* their index and presynaptic unit */
};

credo_ev_stdp *
credo__ev_stdp_new (const credo_spk_proj *pr, size_t n_pre, size_t n_post)
{
  credo_ev_stdp *s = credo__calloc (1, sizeof *s);
  size_t nnz = pr->ptr[n_pre];
  if (!s)
    return NULL;
  s->r = pr->stdp;
  s->pr = pr;
  s->n_pre = n_pre;
  s->n_post = n_post;
  s->nnz = nnz;
  s->w = credo__calloc (nnz + 1, sizeof *s->w);
  s->x = credo__calloc (n_pre + 1, sizeof *s->x);
  s->tx = credo__calloc (n_pre + 1, sizeof *s->tx);
  s->y = credo__calloc (n_post + 1, sizeof *s->y);
  s->ty = credo__calloc (n_post + 1, sizeof *s->ty);
  s->cptr = credo__calloc (n_post + 2, sizeof *s->cptr);
  s->csyn = credo__calloc (nnz + 1, sizeof *s->csyn);
  s->cpre = credo__calloc (nnz + 1, sizeof *s->cpre);
  if (!s->w || !s->x || !s->tx || !s->y || !s->ty || !s->cptr || !s->csyn
      || !s->cpre)
    {
      credo__ev_stdp_free (s);
      return NULL;
    }
  for (size_t k = 0; k < nnz; k++)
    {
      s->w[k] = pr->w ? pr->w[k] : pr->w_all;
      s->cptr[pr->post_idx[k] + 2]++;
    }
  /* the synapses by postsynaptic unit (counting sort, stable) */
  for (size_t i = 0; i < n_post; i++)
    s->cptr[i + 2] += s->cptr[i + 1];
  for (size_t j = 0; j < n_pre; j++)
    for (size_t k = pr->ptr[j]; k < pr->ptr[j + 1]; k++)
      {
        size_t c = s->cptr[pr->post_idx[k] + 1]++;
        s->csyn[c] = (uint32_t) k;
        s->cpre[c] = (uint32_t) j;
      }
  return s;
}

void
credo__ev_stdp_free (credo_ev_stdp *s)
{
  if (!s)
    return;
  free (s->w);
  free (s->x);
  free (s->tx);
  free (s->y);
  free (s->ty);
  free (s->cptr);
  free (s->csyn);
  free (s->cpre);
  free (s);
}

const double *
credo__ev_stdp_weights (const credo_ev_stdp *s)
{
  return s->w;
}

/* Synapse k (pre j, post i) set to w clipped, and its entry of the matrix
 * the weight snapshots read. */
static void
set_w (credo_ev_stdp *s, size_t k, size_t j, size_t i, double w)
{
  const credo_spk_proj *pr = s->pr;
  w = w < s->r.w_min ? s->r.w_min : w > s->r.w_max ? s->r.w_max : w;
  s->w[k] = w;
  if (pr->w_dense)
    pr->w_dense[pr->diag ? i : i * pr->cols + j] = w;
}

void
credo__ev_stdp_pre (credo_ev_stdp *s, size_t j, double t)
{
  const credo_spk_proj *pr = s->pr;
  for (size_t k = pr->ptr[j]; k < pr->ptr[j + 1]; k++)
    {
      size_t i = pr->post_idx[k];
      double y = s->y[i] * exp (-(t - s->ty[i]) / s->r.tau_minus);
      set_w (s, k, j, i, s->w[k] - s->r.A_minus * y);
    }
  s->x[j] = s->x[j] * exp (-(t - s->tx[j]) / s->r.tau_plus) + 1;
  s->tx[j] = t;
}

void
credo__ev_stdp_post (credo_ev_stdp *s, size_t i, double t)
{
  for (size_t c = s->cptr[i]; c < s->cptr[i + 1]; c++)
    {
      size_t k = s->csyn[c], j = s->cpre[c];
      double x = s->x[j] * exp (-(t - s->tx[j]) / s->r.tau_plus);
      set_w (s, k, j, i, s->w[k] + s->r.A_plus * x);
    }
  s->y[i] = s->y[i] * exp (-(t - s->ty[i]) / s->r.tau_minus) + 1;
  s->ty[i] = t;
}
