/* src/learn/chain.c -- the feed-forward network equivalent to a chain of
 * populations, read from the models' feed-forward descriptors
 * (credo_model_type.ff), and its forward pass.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Layer k > 0 of the chain is u_k = a_k W_k r_{k-1}, r_k = phi_k(u_k), with
 * a_k the gain of the model's forward input at rest without teaching (for
 * the pyramidal neuron g_B / (g_lk + g_B + g_A), Sacramento et al. 2018,
 * Eq. 5).  Reference gradients are computed on this network: from its
 * output error delta (the target's, or one a protocol sets) and its
 * Jacobian d r_N / d u_k (credo__chain_jacobian).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

#include "learn/learn.h"

void
credo__chain_free (credo_ff_chain *c)
{
  if (!c)
    return;
  for (size_t k = 0; c->L && k < c->n_layers; k++)
    {
      free (c->L[k].u);
      free (c->L[k].r);
      free (c->L[k].d);
    }
  free (c->L);
  free (c->W);
  free (c->delta);
  free (c);
}

/* Layer k's feed-forward reading; 0 or an error naming the layer. */
static int
layer_init (credo_ctx *ctx, credo_ff_layer *L, size_t k)
{
  const credo_model_type *m = L->pop->model;
  const credo_ff_desc *ff = m->ff;
  L->target_port = L->gate_port = -1;
  if (k == 0)
    return 0;
  if (!ff)
    return credo__error (ctx, CREDO_ECONFIG,
                         "learning: layer '%s' (model %s) has no "
                         "feed-forward reading, so no reference gradient can "
                         "be computed through it",
                         L->pop->spec->name, m->name);
  L->a = ff->gain (L->pop->spec->params);
  ff->phi (L->pop->spec->params, &L->phi);
  if (ff->target)
    L->target_port = credo_model_input_index (m, ff->target);
  if (ff->gate)
    L->gate_port = credo_model_input_index (m, ff->gate);
  return 0;
}

credo_ff_chain *
credo__chain_new (credo_ctx *ctx, const credo_net *net, size_t n_layers,
                  const int *layers, const int *fwd)
{
  credo_ff_chain *c = credo__calloc (1, sizeof *c);
  if (!c || !(c->L = credo__calloc (n_layers, sizeof *c->L))
      || !(c->W = credo__calloc (n_layers, sizeof *c->W)))
    goto nomem;
  c->n_layers = n_layers;
  for (size_t k = 0; k < n_layers; k++)
    {
      credo_ff_layer *L = &c->L[k];
      L->pop = &net->pops[layers[k]];
      L->n = L->pop->n;
      L->fwd = k ? &net->projs[fwd[k]] : NULL;
      if (!(L->u = credo__calloc (L->n, sizeof (double)))
          || !(L->r = credo__calloc (L->n, sizeof (double)))
          || !(L->d = credo__calloc (L->n, sizeof (double))))
        goto nomem;
      if (layer_init (ctx, L, k))
        goto fail;
    }
  if (!(c->delta = credo__calloc (c->L[n_layers - 1].n, sizeof (double))))
    goto nomem;
  return c;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
fail:
  credo__chain_free (c);
  return NULL;
}

void
credo__chain_forward (credo_ff_chain *c, const double *y)
{
  size_t N = c->n_layers;
  const credo_ff_layer *out = &c->L[N - 1];
  const credo_pop *in = c->L[0].pop, *op = out->pop;
  int in_r = credo_model_output_index (in->model, in->model->ff
                                                      ? in->model->ff->rate
                                                      : "r");
  int any_gate = out->gate_port < 0;
  memcpy (c->L[0].r, in->out[in_r], in->n * sizeof (double));
  for (size_t k = 1; k < N; k++)
    {
      credo_ff_layer *L = &c->L[k];
      const credo_proj *pr = L->fwd;
      c->W[k] = pr->plastic ? y + pr->w_offset : pr->w;
      cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) pr->rows,
                   (int) pr->cols, L->a, c->W[k], (int) pr->cols,
                   c->L[k - 1].r, 1, 0.0, L->u, 1);
      if (L->pop->model->ff->offset)
        {
          double b = L->pop->model->ff->offset (L->pop->spec->params);
          for (size_t i = 0; i < L->n; i++)
            L->u[i] += b;
        }
      credo_transfer_eval (&L->phi, L->n, L->u, L->r, L->d);
    }
  if (out->gate_port >= 0)
    for (size_t j = 0; j < op->n; j++)
      any_gate |= op->in[out->gate_port][j] != 0;
  c->target = any_gate && out->target_port >= 0 ? op->in[out->target_port]
                                                : NULL;
  c->has_delta = c->target != NULL;
  for (size_t j = 0; c->target && j < out->n; j++)
    c->delta[j] = out->d[j] * (c->target[j] - out->u[j]);
}

void
credo__chain_set_delta (credo_ff_chain *c, const double *delta)
{
  c->has_delta = delta != NULL;
  if (delta)
    memcpy (c->delta, delta, c->L[c->n_layers - 1].n * sizeof *delta);
}

size_t
credo__chain_jacobian_work (const credo_ff_chain *c)
{
  return 2 * credo__chain_widest (c);
}

/* Row o of J by backpropagating the unit vector e_o through the chain. */
static void
jacobian_row (const credo_ff_chain *c, size_t o, double *row, double *g,
              double *h)
{
  size_t N = c->n_layers, off = credo__chain_units (c, 1);
  const credo_ff_layer *out = &c->L[N - 1];
  memset (g, 0, out->n * sizeof *g);
  g[o] = out->d[o];
  for (size_t k = N - 1; k >= 1; k--)
    {
      const credo_ff_layer *L = &c->L[k];
      const credo_proj *pr = L->fwd;
      double *swap;
      off -= L->n;
      memcpy (row + off, g, L->n * sizeof *g);
      if (k == 1)
        break;
      /* d u_k / d u_{k-1} = a_k W_k diag(phi'(u_{k-1})) */
      cblas_dgemv (CblasRowMajor, CblasTrans, (int) pr->rows, (int) pr->cols,
                   L->a, c->W[k], (int) pr->cols, g, 1, 0.0, h, 1);
      for (size_t j = 0; j < c->L[k - 1].n; j++)
        h[j] *= c->L[k - 1].d[j];
      swap = g, g = h, h = swap;
    }
}

int
credo__chain_jacobian (const credo_ff_chain *c, double *J, double *work)
{
  size_t m = c->L[c->n_layers - 1].n, nv = credo__chain_units (c, 1);
  for (size_t o = 0; o < m; o++)
    jacobian_row (c, o, J + o * nv, work, work + credo__chain_widest (c));
  for (size_t i = 0; i < m * nv; i++)
    if (!isfinite (J[i]))
      return -1;
  return 0;
}

size_t
credo__chain_units (const credo_ff_chain *c, size_t first)
{
  size_t n = 0;
  for (size_t k = first; k < c->n_layers; k++)
    n += c->L[k].n;
  return n;
}

size_t
credo__chain_widest (const credo_ff_chain *c)
{
  size_t w = 0;
  for (size_t k = 0; k < c->n_layers; k++)
    w = c->L[k].n > w ? c->L[k].n : w;
  return w;
}
