/* src/learn/dfc_batch_ssa.c -- DFC-SSA for a minibatch: the linearised
 * controlled steady state of every sample, solved instead of simulated
 * (Meulemans et al. 2021, NeurIPS; the authors' non_dynamical_inversion),
 * as learn/dfc_ssa.c does for one sample, with the batch's products on
 * dgemm.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Per sample b: (J_b Q + alpha I) u_b = r*_b - r_N,b^- with J_b = d r_N /
 * d v at its feed-forward point; dv = Q u_b; the potentials propagated
 * through the nonlinear layers, v_k = a_k W_k r_{k-1} + b_k + dv_k; the
 * rule phi(v_k) - phi(a_k W_k r_{k-1} + b_k) times r_{k-1}^T.  J Q is
 * built without J: one backward pass per output unit o for all samples at
 * once, g_N = phi'_N e_o, g_{k-1} = phi'_{k-1} (a_k W_k^T g_k), adding g_k
 * Q_k to row o of every sample's J Q (m backward passes in all).  The
 * m x m systems are solved by LU with partial pivoting (GSL).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "learn/dfc_batch.h"

size_t
credo__dfc_batch_ssa_work (const credo_ff_chain *c, size_t B)
{
  size_t N = c->n_layers, m = c->L[N - 1].n, w = credo__chain_widest (c);
  size_t layers = 0;
  for (size_t k = 1; k < N; k++)
    layers += c->L[k].n;
  /* v, r, phi' of every layer at the feed-forward point and then at the
   * new state (3 + 2), two backward vectors, J Q, u, the basal rates */
  return B * (5 * layers + 2 * w + m * m + m + w) + m * m + m;
}

size_t
credo__dfc_batch_ssa (const credo_ff_chain *c, size_t nb,
                      const double *const *W, const double *const *bias,
                      const double *Q, const double *X, const double *rstar,
                      double alpha, double scale, double *const *upd,
                      double *work)
{
  size_t N = c->n_layers, m = c->L[N - 1].n, w = credo__chain_widest (c);
  size_t n_bad = 0, off[64];
  double *v[64], *r[64], *d[64], *v2[64], *r2[64];
  double *g = work, *h, *JQ, *U, *rb, *A, *x;
  int sgn;
  if (N > 64)
    return nb;
  for (size_t k = 1, o = 0; k < N; k++)
    {
      size_t n = c->L[k].n;
      off[k] = o;
      o += n;
      v[k] = g, g += nb * n;
      r[k] = g, g += nb * n;
      d[k] = g, g += nb * n;
      v2[k] = g, g += nb * n;
      r2[k] = g, g += nb * n;
    }
  h = g + nb * w;
  JQ = h + nb * w;
  U = JQ + nb * m * m;
  rb = U + nb * m;
  A = rb + nb * w;
  x = A + m * m;
  r[0] = r2[0] = (double *) X;
  credo__batch_forward (c, nb, W, bias, v, r, d);
  /* J Q per sample, row o from a backward pass of the unit vector e_o */
  memset (JQ, 0, nb * m * m * sizeof *JQ);
  for (size_t o = 0; o < m; o++)
    {
      double *gk = g, *gp = h, *swap;
      memset (gk, 0, nb * m * sizeof *gk);
      for (size_t b = 0; b < nb; b++)
        gk[b * m + o] = d[N - 1][b * m + o];
      for (size_t k = N - 1; k >= 1; k--)
        {
          size_t n = c->L[k].n, np = c->L[k - 1].n;
          /* row o of J Q: += g_k Q_k, (nb x n_k) (n_k x m) */
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) nb,
                       (int) m, (int) n, 1.0, gk, (int) n, Q + off[k] * m,
                       (int) m, 1.0, JQ + o * m, (int) (m * m));
          if (k == 1)
            break;
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) nb,
                       (int) np, (int) n, c->L[k].a, gk, (int) n, W[k],
                       (int) np, 0.0, gp, (int) np);
          for (size_t i = 0; i < nb * np; i++)
            gp[i] *= d[k - 1][i];
          swap = gk, gk = gp, gp = swap;
        }
    }
  /* (J Q + alpha I) u = r* - r^- per sample */
  for (size_t b = 0; b < nb; b++)
    {
      gsl_matrix_view Am = gsl_matrix_view_array (A, m, m);
      gsl_vector_view xv = gsl_vector_view_array (x, m);
      gsl_vector_view uv = gsl_vector_view_array (U + b * m, m);
      gsl_permutation *perm = gsl_permutation_alloc (m);
      int ok = perm != NULL;
      gsl_error_handler_t *old = gsl_set_error_handler_off ();
      memcpy (A, JQ + b * m * m, m * m * sizeof *A);
      for (size_t i = 0; i < m; i++)
        {
          A[i * m + i] += alpha;
          x[i] = rstar[b * m + i] - r[N - 1][b * m + i];
        }
      ok = ok && gsl_linalg_LU_decomp (&Am.matrix, perm, &sgn) == 0
           && gsl_linalg_LU_solve (&Am.matrix, perm, &xv.vector,
                                   &uv.vector) == 0;
      for (size_t i = 0; ok && i < m; i++)
        ok = isfinite (U[b * m + i]);
      if (!ok)
        {
          memset (U + b * m, 0, m * sizeof *U); /* excluded: no change */
          n_bad++;
        }
      gsl_set_error_handler (old);
      gsl_permutation_free (perm);
    }
  /* the potentials propagated with dv = Q u, and the rule */
  for (size_t k = 1; k < N; k++)
    {
      const credo_ff_layer *L = &c->L[k];
      size_t n = L->n, np = c->L[k - 1].n;
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb, (int) n,
                   (int) np, L->a, r2[k - 1], (int) np, W[k], (int) np, 0.0,
                   v2[k], (int) n);
      for (size_t b = 0; b < nb; b++)
        for (size_t i = 0; i < n; i++)
          v2[k][b * n + i] += bias && bias[k] ? bias[k][i] : 0.0;
      credo__transfer_eval_batch (&L->phi, nb * n, v2[k], rb, NULL);
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb, (int) n,
                   (int) m, 1.0, U, (int) m, Q + off[k] * m, (int) m, 1.0,
                   v2[k], (int) n);
      credo__transfer_eval_batch (&L->phi, nb * n, v2[k], r2[k], NULL);
      for (size_t i = 0; i < nb * n; i++)
        rb[i] = r2[k][i] - rb[i];
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n, (int) np,
                   (int) nb, scale, rb, (int) n, r2[k - 1], (int) np, 0.0,
                   upd[k], (int) np);
    }
  return n_bad;
}
