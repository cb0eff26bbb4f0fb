/* src/learn/ref_gauss_newton.c -- the Gauss-Newton (minimum-norm)
 * reference: the smallest change of all layers' potentials that moves the
 * output onto its target to first order.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * With J = [J_1 ... J_N] the Jacobian of the output rates r_N with respect
 * to the potentials u_k of every layer k >= 1 of the feed-forward chain
 * (u_k = a_k W_k r_{k-1}, credo__chain_jacobian) and delta the chain's
 * output error in rates (phi'(u_N) (u* - u_N) with a target, to first
 * order as the backprop reference, or what a protocol set), with the
 * damping gamma >= 0 of the chain (default 0),
 *
 *   du = J^T (J J^T + gamma I)^-1 delta,    direction_k = du_k r_{k-1}^T,
 *
 * for gamma = 0 the minimum-norm du with J du = delta.  Deep Feedback
 * Control's controller reaches this du at its steady state when the
 * feedback weights span the column space of J^T and the leak alpha -> 0
 * (Meulemans et al. 2021), so the DFC update then approximates a
 * Gauss-Newton step.  With a single output unit du is parallel to the
 * backprop errors layer by layer.  r_{k-1} is the chain's r_pre[k] when
 * set (e.g. the steady-state rates), else the feed-forward rates.
 * Undefined (-1) without an output error or when J J^T + gamma I is not
 * positive definite.  ref_gn_nonlinear.c builds on credo__chain_gn_du.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "learn/learn.h"

size_t
credo__chain_gn_work (const credo_ff_chain *c)
{
  size_t m = c->L[c->n_layers - 1].n, nv = credo__chain_units (c, 1);
  /* J (m x nv), J J^T + gamma I (m x m), z (m), the Jacobian's vectors */
  return m * nv + m * m + m + credo__chain_jacobian_work (c);
}

int
credo__chain_gn_du (const credo_ff_chain *c, double *du, double *work)
{
  size_t m = c->L[c->n_layers - 1].n, nv = credo__chain_units (c, 1);
  double *J = work, *A = J + m * nv, *z = A + m * m;
  gsl_error_handler_t *old;
  int bad;
  if (!c->has_delta || credo__chain_jacobian (c, J, z + m))
    return -1;
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (int) m, (int) nv,
               1.0, J, (int) nv, 0.0, A, (int) m);
  for (size_t i = 0; i < m; i++)
    {
      for (size_t j = 0; j < i; j++)
        A[i * m + j] = A[j * m + i];
      if (c->gamma != 0)
        A[i * m + i] += c->gamma;
    }
  memcpy (z, c->delta, m * sizeof *z);
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
  /* du = J^T z */
  for (size_t i = 0; i < nv; i++)
    {
      double s = 0;
      for (size_t o = 0; o < m; o++)
        s += J[o * nv + i] * z[o];
      du[i] = s;
    }
  return isfinite (z[0]) ? 0 : -1;
}

void
credo__chain_gn_outer (const credo_ff_chain *c, const double *x,
                       double *const *dir)
{
  for (size_t k = 1, off = 0; k < c->n_layers; off += c->L[k].n, k++)
    {
      const credo_proj *pr = c->L[k].fwd;
      const double *pre = c->r_pre ? c->r_pre[k] : c->L[k - 1].r;
      for (size_t i = 0; i < c->L[k].n; i++)
        for (size_t j = 0; j < pr->cols; j++)
          dir[k][i * pr->cols + j] = x[off + i] * pre[j];
    }
}

static size_t
gn_work (const credo_ff_chain *c)
{
  return credo__chain_units (c, 1) + credo__chain_gn_work (c); /* du, then */
}

static int
gn_direction (const credo_ff_chain *c, double *const *dir, double *work)
{
  double *du = work;
  if (credo__chain_gn_du (c, du, work + credo__chain_units (c, 1)))
    return -1;
  credo__chain_gn_outer (c, du, dir);
  return 0;
}

const credo_reference_type credo__ref_gauss_newton = {
  "gauss_newton",
  "Gauss-Newton / minimum norm: du = J^T (J J^T + gamma I)^-1 delta over "
  "every layer's potential, direction du_k r_{k-1}^T",
  gn_work,
  gn_direction,
};
