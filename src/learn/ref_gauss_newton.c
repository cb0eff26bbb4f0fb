/* src/learn/ref_gauss_newton.c -- the Gauss-Newton (minimum-norm)
 * reference: the smallest change of all layers' potentials that moves the
 * output onto its target to first order.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * With J = [J_1 ... J_N] the Jacobian of the output rates r_N with respect
 * to the potentials u_k of every layer k >= 1 of the feed-forward chain
 * (u_k = a_k W_k r_{k-1}, chain.c) and delta = phi'(u_N) (u* - u_N) the
 * output error in rates (to first order, as the backprop reference),
 *
 *   du = J^T (J J^T)^-1 delta,      direction_k = du_k r_{k-1}^T,
 *
 * the minimum-norm du with J du = delta.  Deep Feedback Control's
 * controller reaches this du at its steady state when the feedback weights
 * span the column space of J^T and the leak alpha -> 0 (Meulemans et al.
 * 2021), so the DFC update then approximates a Gauss-Newton step.  With a
 * single output unit du is parallel to the backprop errors layer by layer.
 * Undefined (-1) without a target or when J J^T is singular.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "learn/learn.h"

/* Potentials of the layers k >= 1, in layer order. */
static size_t
n_pot (const credo_ff_chain *c)
{
  return credo__chain_units (c, 1);
}

static size_t
gn_work (const credo_ff_chain *c)
{
  size_t m = c->L[c->n_layers - 1].n, nv = n_pot (c);
  size_t big = credo__chain_widest (c);
  /* J (m x nv), J J^T (m x m), z (m), two backward vectors */
  return m * nv + m * m + m + 2 * big;
}

/* Row o of J: d r_N,o / d u_k for every layer, by backpropagating the unit
 * vector e_o through the chain. */
static void
jacobian_row (const credo_ff_chain *c, size_t o, double *row, double *g,
              double *h)
{
  size_t N = c->n_layers, off = n_pot (c);
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

static int
gn_direction (const credo_ff_chain *c, double *const *dir, double *work)
{
  size_t N = c->n_layers, m = c->L[N - 1].n, nv = n_pot (c);
  const credo_ff_layer *out = &c->L[N - 1];
  double *J = work, *A = J + m * nv, *z = A + m * m, *g = z + m, *h;
  gsl_error_handler_t *old;
  int bad;
  if (!c->target)
    return -1;
  h = g + credo__chain_widest (c);
  for (size_t o = 0; o < m; o++)
    jacobian_row (c, o, J + o * nv, g, h);
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (int) m, (int) nv,
               1.0, J, (int) nv, 0.0, A, (int) m);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < i; j++)
      A[i * m + j] = A[j * m + i];
  for (size_t j = 0; j < m; j++)
    z[j] = out->d[j] * (c->target[j] - out->u[j]);
  {
    gsl_matrix_view Av = gsl_matrix_view_array (A, m, m);
    gsl_vector_view zv = gsl_vector_view_array (z, m);
    old = gsl_set_error_handler_off (); /* singular: undefined, not abort */
    bad = gsl_linalg_cholesky_decomp1 (&Av.matrix)
          || gsl_linalg_cholesky_svx (&Av.matrix, &zv.vector);
    gsl_set_error_handler (old);
  }
  if (bad)
    return -1;
  /* du = J^T z, into g layer by layer, then the outer products */
  for (size_t k = 1, off = 0; k < N; off += c->L[k].n, k++)
    {
      const credo_proj *pr = c->L[k].fwd;
      for (size_t i = 0; i < c->L[k].n; i++)
        {
          double du = 0;
          for (size_t o = 0; o < m; o++)
            du += J[o * nv + off + i] * z[o];
          for (size_t j = 0; j < pr->cols; j++)
            dir[k][i * pr->cols + j] = du * c->L[k - 1].r[j];
        }
    }
  return isfinite (z[0]) ? 0 : -1;
}

const credo_reference_type credo__ref_gauss_newton = {
  "gauss_newton",
  "Gauss-Newton / minimum norm: du = J^T (J J^T)^-1 delta over every "
  "layer's potential, direction du_k r_{k-1}^T",
  gn_work,
  gn_direction,
};
