/* src/learn/ref_rbp.c -- recurrent backprop (Almeida 1987; Pineda 1987):
 * the exact gradient of a loss at the fixed point of an equilibrium
 * network, the reference of the least-control protocol (and of
 * equilibrium propagation).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The network: the learning chain's layers k >= 1 stacked into one state
 * v (layer 1 first), each
 *
 *   0 = -v_k + sum_j W_kj sigma_j(v_j) + b_k     (+ W_1 x for layer 1)
 *
 * with W_kj the chain's forward projection (j = k - 1) and the
 * projections into a layer's `recurrent` port (any j >= 1).  The free
 * fixed point v* is found by Newton on this system from the forward pass
 * (exact at once for a feed-forward chain).  At v*, with A = diag(sigma'
 * (v*)) W^T (W the stacked n x n matrix), the adjoint
 *
 *   g = (I - A)^-1 dL/dv        (the fixed point of dg/dt = -g + A g + dL/dv)
 *
 * gives dL/dW_kj = g_k sigma(v*_j)^T and dL/dW_1 = g_1 x^T.  The
 * directions are minus these (descent directions, credo's convention).
 * Both linear solves are dense LU (GSL): for the circuit protocol's
 * per-sample evaluations, not the minibatch engine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "learn/learn.h"

struct credo_rbp
{
  const credo_ff_chain *c;
  size_t N, nv;
  size_t *off;              /* [N]: first unit of layer k (k >= 1) */
  size_t n_par;
  const credo_proj **par;   /* chain projections, then recurrent ones */
  size_t *post, *pre;       /* their layers (pre 0: the input) */
  double *W, *b, *v, *r, *d, *F, *A, *dv, *g;
  gsl_permutation *perm;
};

void
credo__rbp_free (credo_rbp *r)
{
  if (!r)
    return;
  free (r->off);
  free (r->par);
  free (r->post);
  free (r->pre);
  free (r->W);
  free (r->b);
  free (r->v);
  free (r->r);
  free (r->d);
  free (r->F);
  free (r->A);
  free (r->dv);
  free (r->g);
  if (r->perm)
    gsl_permutation_free (r->perm);
  free (r);
}

static size_t
layer_index (const credo_ff_chain *c, const credo_pop *pop)
{
  for (size_t k = 0; k < c->n_layers; k++)
    if (c->L[k].pop == pop)
      return k;
  return (size_t) -1;
}

credo_rbp *
credo__rbp_new (credo_ctx *ctx, const credo_net *net,
                const credo_ff_chain *c, const int *rec, size_t n_rec)
{
  credo_rbp *r = credo__calloc (1, sizeof *r);
  size_t N = c->n_layers, nv = credo__chain_units (c, 1);
  if (!r)
    goto nomem;
  r->c = c;
  r->N = N;
  r->nv = nv;
  r->n_par = N - 1 + n_rec;
  if (!(r->off = credo__calloc (N, sizeof *r->off))
      || !(r->par = credo__calloc (r->n_par, sizeof *r->par))
      || !(r->post = credo__calloc (r->n_par, sizeof *r->post))
      || !(r->pre = credo__calloc (r->n_par, sizeof *r->pre))
      || !(r->W = credo__calloc (nv * nv, sizeof *r->W))
      || !(r->A = credo__calloc (nv * nv, sizeof *r->A))
      || !(r->b = credo__calloc (nv, sizeof *r->b))
      || !(r->v = credo__calloc (nv, sizeof *r->v))
      || !(r->r = credo__calloc (nv, sizeof *r->r))
      || !(r->d = credo__calloc (nv, sizeof *r->d))
      || !(r->F = credo__calloc (nv, sizeof *r->F))
      || !(r->dv = credo__calloc (nv, sizeof *r->dv))
      || !(r->g = credo__calloc (nv, sizeof *r->g))
      || !(r->perm = gsl_permutation_alloc (nv)))
    goto nomem;
  for (size_t k = 1, o = 0; k < N; o += c->L[k].n, k++)
    r->off[k] = o;
  for (size_t k = 1; k < N; k++)
    {
      r->par[k - 1] = c->L[k].fwd;
      r->post[k - 1] = k;
      r->pre[k - 1] = k - 1;
    }
  for (size_t i = 0; i < n_rec; i++)
    {
      const credo_proj *pr = &net->projs[rec[i]];
      size_t q = N - 1 + i;
      r->par[q] = pr;
      r->post[q] = layer_index (c, pr->post);
      r->pre[q] = layer_index (c, pr->pre);
      if (r->post[q] == (size_t) -1 || r->pre[q] == (size_t) -1
          || r->pre[q] == 0)
        {
          credo__error (ctx, CREDO_ECONFIG, "recurrent projection '%s' must "
                        "join two learning layers", pr->spec->name);
          credo__rbp_free (r);
          return NULL;
        }
    }
  return r;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
  credo__rbp_free (r);
  return NULL;
}

size_t
credo__rbp_n_params (const credo_rbp *r)
{
  return r->n_par;
}

const credo_proj *
credo__rbp_param (const credo_rbp *r, size_t i)
{
  return r->par[i];
}

static const double *
weights (const credo_proj *pr, const double *y)
{
  return pr->plastic ? y + pr->w_offset : pr->w;
}

/* sigma and sigma' of every layer at r->v. */
static void
rates (credo_rbp *r)
{
  for (size_t k = 1; k < r->N; k++)
    credo_transfer_eval (&r->c->L[k].phi, r->c->L[k].n, r->v + r->off[k],
                         r->r + r->off[k], r->d + r->off[k]);
}

/* F = -v + W sigma(v) + b and its max norm. */
static double
residual (credo_rbp *r)
{
  double m = 0;
  rates (r);
  for (size_t i = 0; i < r->nv; i++)
    {
      double s = r->b[i] - r->v[i];
      for (size_t j = 0; j < r->nv; j++)
        s += r->W[i * r->nv + j] * r->r[j];
      r->F[i] = s;
      m = fabs (s) > m ? fabs (s) : m;
    }
  return m;
}

/* Solves M x = rhs in place (M nv x nv, overwritten).  0 or -1. */
static int
solve (credo_rbp *r, double *M, double *x)
{
  gsl_matrix_view Mv = gsl_matrix_view_array (M, r->nv, r->nv);
  gsl_vector_view xv = gsl_vector_view_array (x, r->nv);
  int sig;
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  int rc = gsl_linalg_LU_decomp (&Mv.matrix, r->perm, &sig)
           || gsl_linalg_LU_svx (&Mv.matrix, r->perm, &xv.vector);
  gsl_set_error_handler (old);
  for (size_t i = 0; !rc && i < r->nv; i++)
    if (!isfinite (x[i]))
      rc = 1;
  return rc ? -1 : 0;
}

int
credo__rbp_fixed_point (credo_rbp *r, const double *y, double *vstar)
{
  const credo_ff_chain *c = r->c;
  size_t nv = r->nv;
  double res, vmax = 0;
  memset (r->W, 0, nv * nv * sizeof *r->W);
  memset (r->b, 0, nv * sizeof *r->b);
  for (size_t q = 0; q < r->n_par; q++)
    {
      const credo_proj *pr = r->par[q];
      const double *w = weights (pr, y);
      size_t o = r->off[r->post[q]];
      if (r->pre[q] == 0) /* the drive W_1 x */
        {
          for (size_t i = 0; i < pr->rows; i++)
            for (size_t j = 0; j < pr->cols; j++)
              r->b[o + i] += w[i * pr->cols + j] * c->L[0].r[j];
          continue;
        }
      for (size_t i = 0; i < pr->rows; i++)
        for (size_t j = 0; j < pr->cols; j++)
          r->W[(o + i) * nv + r->off[r->pre[q]] + j] += w[i * pr->cols + j];
    }
  for (size_t k = 1; k < r->N; k++)
    {
      const credo_pop *pop = c->L[k].pop;
      double bias = pop->model->ff->offset
                        ? pop->model->ff->offset (pop->spec->params) : 0.0;
      for (size_t i = 0; i < c->L[k].n; i++)
        {
          r->b[r->off[k] + i] += bias;
          r->v[r->off[k] + i] = c->L[k].u[i]; /* the forward pass */
        }
    }
  res = residual (r);
  for (int it = 0; it < 100; it++)
    {
      double step = 1.0, next;
      vmax = 0;
      for (size_t i = 0; i < nv; i++)
        vmax = fabs (r->v[i]) > vmax ? fabs (r->v[i]) : vmax;
      if (res <= 1e-13 * (1.0 + vmax))
        break;
      /* Newton: (I - W diag(sigma')) dv = F */
      for (size_t i = 0; i < nv; i++)
        {
          for (size_t j = 0; j < nv; j++)
            r->A[i * nv + j] = (i == j) - r->W[i * nv + j] * r->d[j];
          r->dv[i] = r->F[i];
        }
      if (solve (r, r->A, r->dv))
        return -1;
      for (int h = 0; h < 40; h++, step *= 0.5)
        {
          for (size_t i = 0; i < nv; i++)
            r->v[i] += step * r->dv[i];
          if ((next = residual (r)) < res || !(h < 39))
            break;
          for (size_t i = 0; i < nv; i++)
            r->v[i] -= step * r->dv[i];
        }
      if (!(next < res) && next > 1e-13 * (1.0 + vmax))
        return -1; /* no descent: not a regular fixed point */
      res = next;
    }
  if (!(res <= 1e-13 * (1.0 + vmax)) && !(res <= 1e-10 * (1.0 + vmax)))
    return -1;
  memcpy (vstar, r->v, nv * sizeof *vstar);
  return 0;
}

int
credo__rbp_directions (credo_rbp *r, const double *dldv,
                       double *const *dir)
{
  const credo_ff_chain *c = r->c;
  size_t nv = r->nv;
  /* (I - diag(sigma') W^T) g = dL/dv at the last fixed point */
  rates (r);
  for (size_t i = 0; i < nv; i++)
    {
      for (size_t j = 0; j < nv; j++)
        r->A[i * nv + j] = (i == j) - r->d[i] * r->W[j * nv + i];
      r->g[i] = dldv[i];
    }
  if (solve (r, r->A, r->g))
    return -1;
  for (size_t q = 0; q < r->n_par; q++)
    {
      const credo_proj *pr = r->par[q];
      const double *g = r->g + r->off[r->post[q]];
      const double *pre = r->pre[q] == 0 ? c->L[0].r
                                         : r->r + r->off[r->pre[q]];
      for (size_t i = 0; i < pr->rows; i++)
        for (size_t j = 0; j < pr->cols; j++)
          dir[q][i * pr->cols + j] = -g[i] * pre[j];
    }
  return 0;
}

const double *
credo__rbp_adjoint (const credo_rbp *r)
{
  return r->g;
}
