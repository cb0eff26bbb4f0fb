/* src/learn/dfc_diag.c -- Deep Feedback Control diagnostics: rho_Q and the
 * eigenvalues of the linearised closed loop (dfc_diag.h).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The system (credo's equations, models/neurons/dfc_neuron.c with tau_A =
 * 0 and pi_controller.c; layers k = 1 .. L, L = n_layers - 1 the output,
 * r_0 the constant input, r* constant):
 *
 *   tau_v,k dv_k/dt = -v_k + a_k W_k phi(v_{k-1}) + b_k + Q_k u
 *   u = k_i u_int + k_p e,   e = r* - phi(v_L)
 *   tau_u du_int/dt = e - alpha u       (form "code")
 *                   = e - alpha u_int   (form "paper")
 *
 * About a point with D_k = diag(phi'(v_k)): de = -D_L dv_L, and u depends
 * on e at once, du = k_i du_int - k_p D_L dv_L, so every somatic equation
 * sees -k_p Q_k D_L dv_L besides k_i Q_k du_int.  In the states x = (v_1
 * .. v_L, u_int):
 *
 *   d(dv_k)/dt = [-dv_k + a_k W_k D_{k-1} dv_{k-1} (k >= 2)
 *                 - k_p Q_k D_L dv_L + k_i Q_k du_int] / tau_v,k
 *   d(du_int)/dt = [-c_e D_L dv_L - alpha c_u du_int] / tau_u
 *
 * with c_e = 1 - alpha k_p, c_u = k_i (code), c_e = c_u = 1 (paper): the
 * derivatives pi_controller.c's Jacobian gives.
 *
 * Relation to the authors' A_PI (compute_A_matrices, coordinates (Delta
 * vbar, u), one tau_v, time in units of tau_u, k_i = 1, code form): with
 * Jhat the block matrix of a_k W_k D_{k-1} below the diagonal, J_L^o = [0
 * .. 0 D_L] and Jbar = J_L^o (I - Jhat)^-1 (= credo__chain_jacobian),
 * their coordinates are Delta vbar = (I - Jhat) dv, u = k_i du_int - k_p
 * J_L^o dv: T = [[I - Jhat, 0], [-k_p J_L^o, k_i I]], invertible whenever
 * k_i != 0 (I - Jhat is unit block-lower-triangular).  T A T^-1 is, for
 * the code form,
 *
 *   [[-(I - Jhat)/tau_v, (I - Jhat) Q/tau_v],
 *    [-k_i/tau_u Jbar + k_p/tau_v J_L^o, -(k_i alpha/tau_u I + k_p/tau_v
 *     D_L Q_L)]],
 *
 * their A_PI for k_i = tau_u = 1: the same eigenvalues (tests/
 * check_dfc_diag.c compares them).  The apical states `a` of credo's
 * dfc_neuron with tau_A = 0 are decoupled (da/dt = -a) and left out.
 *
 * The instantaneous network (tau_v -> 0, linearised: e = delta - J Q u),
 * code form: tau_u du_int/dt = e - alpha u with u = k_i u_int + k_p e, so
 * (I + k_p J Q) tau_u du/dt = k_i (delta - (J Q + alpha I) u).  Paper
 * form: k_i u_int = u - k_p e, so (I + k_p J Q) tau_u du/dt = (k_i + alpha
 * k_p) e - alpha u = (k_i + alpha k_p) (delta - (J Q + alpha_eff I) u),
 * alpha_eff = alpha / (k_i + alpha k_p), also the steady state's leak (e =
 * alpha_eff u).  A_inst = -(J Q + alpha_eff I) / tau_u is the exact
 * matrix for k_i = 1, k_p = 0 and the authors' A_I^inst (their
 * stability condition: every eigenvalue of J Q + alpha I in the right half
 * plane); with k_p != 0 the dynamics carry the factor (I + k_p J Q)^-1,
 * which keeps those eigenvalues' sign when J Q's eigenvalues are real and
 * k_p >= 0 (for each eigenvalue mu of J Q: -(mu + alpha) / (1 + k_p mu)).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "learn/dfc_diag.h"

/* LAPACK (Fortran; the hidden lengths of the two CHARACTER arguments
 * last, as gfortran passes them). */
extern void dgeev_ (const char *jobvl, const char *jobvr, const int *n,
                    double *a, const int *lda, double *wr, double *wi,
                    double *vl, const int *ldvl, double *vr, const int *ldvr,
                    double *work, const int *lwork, int *info, size_t ljobvl,
                    size_t ljobvr);

/* dgeev_'s work per matrix order n: 3 n suffice without eigenvectors,
 * more lets it block its Hessenberg reduction. */
#define LWORK_PER_N 34

/* ---- rho_Q ------------------------------------------------------------ */

/* The Cholesky factor of the m x m G in place; -1 when G is (numerically)
 * singular: no factor, or a pivot^2 below 10 m DBL_EPSILON max_j G_jj
 * (a condition number beyond about 1 / (20 m DBL_EPSILON)). */
static int
cholesky_checked (double *G, size_t m)
{
  gsl_matrix_view Gv = gsl_matrix_view_array (G, m, m);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  double gmax = 0, pmin = INFINITY;
  int bad;
  for (size_t j = 0; j < m; j++)
    gmax = fmax (gmax, G[j * m + j]);
  bad = gsl_linalg_cholesky_decomp1 (&Gv.matrix);
  gsl_set_error_handler (old);
  for (size_t j = 0; j < m; j++)
    pmin = fmin (pmin, G[j * m + j] * G[j * m + j]);
  if (bad || !(pmin > 10.0 * (double) m * DBL_EPSILON * gmax))
    return -1;
  return 0;
}

double
credo__dfc_rho_q (const double *J, const double *Q, size_t m, size_t nv)
{
  double *G = malloc ((2 * m * m + nv * m) * sizeof *G), *X, *P;
  double pq = 0, qq = 0, rho = NAN;
  if (!G || m == 0 || nv == 0)
    goto done;
  X = G + m * m, P = X + m * m;
  for (size_t i = 0; i < nv * m; i++)
    qq += Q[i] * Q[i];
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (int) m, (int) nv,
               1.0, J, (int) nv, 0.0, G, (int) m);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < i; j++)
      G[i * m + j] = G[j * m + i];
  if (!(qq > 0) || cholesky_checked (G, m))
    goto done;
  /* X = (J J^T)^-1 J Q column by column, then P = J^T X = proj(Q) */
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) m,
               (int) nv, 1.0, J, (int) nv, Q, (int) m, 0.0, X, (int) m);
  {
    gsl_matrix_view Gv = gsl_matrix_view_array (G, m, m);
    gsl_matrix_view Xv = gsl_matrix_view_array (X, m, m);
    for (size_t o = 0; o < m; o++)
      {
        gsl_vector_view col = gsl_matrix_column (&Xv.matrix, o);
        gsl_linalg_cholesky_svx (&Gv.matrix, &col.vector);
      }
  }
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) nv, (int) m,
               (int) m, 1.0, J, (int) nv, X, (int) m, 0.0, P, (int) m);
  for (size_t i = 0; i < nv * m; i++)
    pq += P[i] * P[i];
  rho = sqrt (pq / qq);
done:
  free (G);
  return rho;
}

/* ---- the linearised closed loop ----------------------------------------- */

int
credo__dfc_convergence_status (double ratio, double err_ratio, double tol,
                               double eps)
{
  return ratio > 1 ? -1 : ratio < tol && err_ratio < eps * eps ? 1 : 0;
}

double
credo__dfc_alpha_eff (const credo_dfc_lin *p)
{
  return p->paper_form ? p->alpha / (p->k_i + p->alpha * p->k_p) : p->alpha;
}

/* 0 when every time constant is > 0 and alpha_eff is finite. */
static int
lin_check (const credo_dfc_lin *p, size_t n_tau_v)
{
  if (!(p->tau_u > 0) || !isfinite (credo__dfc_alpha_eff (p)))
    return -1;
  for (size_t k = 0; k < n_tau_v; k++)
    if (!(p->tau_v[k] > 0))
      return -1;
  return 0;
}

int
credo__dfc_closed_loop (const credo_ff_chain *c, const double *Q,
                        const credo_dfc_lin *p, double *A)
{
  size_t N = c->n_layers, m = c->L[N - 1].n, nv = credo__chain_units (c, 1);
  size_t n = nv + m, offL = nv - m;
  const double *dL = c->L[N - 1].d;
  double ce = p->paper_form ? 1.0 : 1.0 - p->alpha * p->k_p;
  double cu = p->paper_form ? 1.0 : p->k_i;
  if (lin_check (p, N - 1))
    return -1;
  memset (A, 0, n * n * sizeof *A);
  for (size_t k = 1, off = 0; k < N; off += c->L[k].n, k++)
    {
      const credo_ff_layer *L = &c->L[k];
      const double iv = 1.0 / p->tau_v[k - 1];
      for (size_t i = 0; i < L->n; i++)
        {
          double *row = A + (off + i) * n;
          const double *q = Q + (off + i) * m;
          row[off + i] -= iv;
          if (k >= 2) /* a_k W_k D_{k-1} from layer k - 1 */
            for (size_t j = 0; j < c->L[k - 1].n; j++)
              row[off - c->L[k - 1].n + j]
                  += L->a * c->W[k][i * L->fwd->cols + j] * c->L[k - 1].d[j]
                     * iv;
          for (size_t o = 0; o < m; o++)
            {
              row[offL + o] -= p->k_p * q[o] * dL[o] * iv;
              row[nv + o] += p->k_i * q[o] * iv;
            }
        }
    }
  for (size_t o = 0; o < m; o++)
    {
      A[(nv + o) * n + offL + o] = -ce * dL[o] / p->tau_u;
      A[(nv + o) * n + nv + o] = -p->alpha * cu / p->tau_u;
    }
  return 0;
}

int
credo__dfc_inst (const double *J, const double *Q, size_t m, size_t nv,
                 const credo_dfc_lin *p, double *A)
{
  if (lin_check (p, 0))
    return -1;
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) m,
               (int) nv, -1.0 / p->tau_u, J, (int) nv, Q, (int) m, 0.0, A,
               (int) m);
  for (size_t o = 0; o < m; o++)
    A[o * m + o] -= credo__dfc_alpha_eff (p) / p->tau_u;
  return 0;
}

/* ---- eigenvalues --------------------------------------------------------- */

size_t
credo__dfc_max_re_work (const credo_ff_chain *c)
{
  size_t m = c->L[c->n_layers - 1].n, nv = credo__chain_units (c, 1);
  size_t n = nv + m;
  /* A, J, A_inst, wr and wi, dgeev_'s work, the Jacobian's vectors */
  return n * n + m * nv + m * m + 2 * n + LWORK_PER_N * n
         + credo__chain_jacobian_work (c);
}

/* max Re lambda(A) of the n x n A (overwritten; row- or column-major alike:
 * A^T has the same eigenvalues) into *out; wk holds (2 + LWORK_PER_N) n
 * doubles.  0 or -1. */
static int
max_re_eig (double *A, size_t n, double *wk, double *out)
{
  int nn = (int) n, one = 1, info = 0, lwork = LWORK_PER_N * (int) n;
  double *wr = wk, *wi = wk + n, none = 0;
  for (size_t i = 0; i < n * n; i++)
    if (!isfinite (A[i]))
      return -1;
  dgeev_ ("N", "N", &nn, A, &nn, wr, wi, &none, &one, &none, &one, wi + n,
          &lwork, &info, 1, 1);
  if (info != 0)
    return -1;
  *out = -INFINITY;
  for (size_t i = 0; i < n; i++)
    *out = fmax (*out, wr[i]);
  return 0;
}

int
credo__dfc_max_re (const credo_ff_chain *c, const double *Q,
                   const credo_dfc_lin *p, double *max_re_full,
                   double *max_re_inst, double *work)
{
  size_t m = c->L[c->n_layers - 1].n, nv = credo__chain_units (c, 1);
  size_t n = nv + m;
  double *A = work, *J = A + n * n, *Ai = J + m * nv, *wk = Ai + m * m;
  double full = NAN, inst = NAN;
  int rc = credo__dfc_closed_loop (c, Q, p, A)
           || credo__chain_jacobian (c, J, wk)
           || credo__dfc_inst (J, Q, m, nv, p, Ai)
           || (max_re_full && max_re_eig (A, n, wk, &full))
           || (max_re_inst && max_re_eig (Ai, m, wk, &inst));
  if (rc)
    full = inst = NAN;
  if (max_re_full)
    *max_re_full = full;
  if (max_re_inst)
    *max_re_inst = inst;
  return rc ? -1 : 0;
}
