/* src/learn/dfc_ssa.c -- DFC-SSA: the DFC update at the linearised steady
 * state, solved instead of simulated (Meulemans et al. 2021, NeurIPS; the
 * authors' non_dynamical_inversion).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Linearising the network about its feed-forward state, the controller
 * settles where e = alpha u (the "code" form of the PI controller's leak),
 * i.e. (J Q + alpha I) u = delta_L with J = d r_L / d v (all layers) and
 * delta_L = r* - r_L^-.  The layers' voltages move by Q u; propagated
 * layer by layer through the nonlinear network,
 *
 *   v_k = a_k W_k r_{k-1} + b_k + (Q u)_k,    r_k = phi(v_k),
 *
 * and the forward rule at that state gives
 *
 *   dW_k = (phi(v_k) - phi(a_k W_k r_{k-1} + b_k)) r_{k-1}^T.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "learn/learn.h"

size_t
credo__dfc_ssa_work (const credo_ff_chain *c)
{
  size_t m = c->L[c->n_layers - 1].n, nv = credo__chain_units (c, 1);
  size_t w = credo__chain_widest (c);
  /* J, the m x m system, u, Q u, and four layer vectors (rates, basal
   * potential, its rate, the new potential); then the Jacobian's work */
  return m * nv + m * m + m + nv + 4 * w + credo__chain_jacobian_work (c);
}

int
credo__dfc_ssa_update (const credo_ff_chain *c, const double *Q,
                       double alpha, double *const *upd, double *work)
{
  size_t N = c->n_layers, m = c->L[N - 1].n, nv = credo__chain_units (c, 1);
  size_t w = credo__chain_widest (c);
  double *J = work, *A = J + m * nv, *u = A + m * m, *dv = u + m;
  double *rp = dv + nv, *vb = rp + w, *rb = vb + w, *v = rb + w;
  double *jwork = v + w;
  gsl_error_handler_t *old;
  int bad;
  if (!c->has_delta || credo__chain_jacobian (c, J, jwork))
    return -1;
  /* A = J Q + alpha I */
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) m,
               (int) nv, 1.0, J, (int) nv, Q, (int) m, 0.0, A, (int) m);
  for (size_t i = 0; i < m; i++)
    A[i * m + i] += alpha;
  memcpy (u, c->delta, m * sizeof *u);
  {
    gsl_matrix_view Av = gsl_matrix_view_array (A, m, m);
    gsl_vector_view uv = gsl_vector_view_array (u, m);
    gsl_permutation *perm = gsl_permutation_alloc (m);
    int sign;
    if (!perm)
      return -1;
    old = gsl_set_error_handler_off (); /* singular: no update, not abort */
    bad = gsl_linalg_LU_decomp (&Av.matrix, perm, &sign)
          || gsl_linalg_LU_svx (&Av.matrix, perm, &uv.vector);
    gsl_set_error_handler (old);
    gsl_permutation_free (perm);
  }
  if (bad)
    return -1;
  cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) nv, (int) m, 1.0, Q,
               (int) m, u, 1, 0.0, dv, 1); /* the layers' change Q u */
  /* propagate: the input's rates first */
  memcpy (rp, c->L[0].r, c->L[0].n * sizeof *rp);
  for (size_t k = 1, off = 0; k < N; off += c->L[k].n, k++)
    {
      const credo_ff_layer *L = &c->L[k];
      const credo_proj *pr = L->fwd;
      double b = L->pop->model->ff->offset
                     ? L->pop->model->ff->offset (L->pop->spec->params)
                     : 0.0;
      for (size_t i = 0; i < L->n; i++)
        {
          double acc = 0;
          for (size_t j = 0; j < pr->cols; j++)
            acc += c->W[k][i * pr->cols + j] * rp[j];
          vb[i] = L->a * acc + b;
          v[i] = vb[i] + dv[off + i];
        }
      credo_transfer_eval (&L->phi, L->n, vb, rb, NULL);
      credo_transfer_eval (&L->phi, L->n, v, v, NULL);
      for (size_t i = 0; i < L->n; i++)
        for (size_t j = 0; j < pr->cols; j++)
          upd[k][i * pr->cols + j] = (v[i] - rb[i]) * rp[j];
      memcpy (rp, v, L->n * sizeof *rp); /* phi(v_k): the next layer's input */
    }
  return 0;
}
