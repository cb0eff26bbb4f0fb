/* tests/check_dfc_diag.c -- the Deep Feedback Control diagnostics
 * (learn/dfc_diag.c) against hand computations and credo's own equations.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   - rho_Q by hand (1/sqrt 2, 11/15), = 1 for Q = J^T and Q = J^T M, and
 *     the orthogonal split Q = J^T M + N (J N = 0) on a random J; NaN for
 *     a singular J J^T or Q = 0.
 *   - the closed-loop matrix of credo__dfc_closed_loop on the 3-3-2 tanh
 *     DFC net of dfc_fixture.h against a central-difference Jacobian of
 *     credo's right-hand side in the states (v_h, v_y, u_int), and its
 *     largest real eigenvalue (dgeev_) against GSL's eigenvalues of that
 *     finite-difference matrix, for both controller forms and k_p in {0,
 *     2}, at a loss-free target (steady state = feed-forward point) and at
 *     a controlled steady state; in the code form with k_i = tau_u = 1 its
 *     eigenvalues against the authors' A_PI (Meulemans et al. 2021,
 *     compute_A_matrices).
 *   - a random linear net: max_re_inst = -(lambda_min(J J^T) + alpha_eff)
 *     / tau_u for Q = J^T; Q = -J^T with alpha < lambda_max is unstable
 *     (max_re_inst and max_re_full > 0).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dfc_fixture.h"
#include "learn/dfc_diag.h"

/* ---- rho_Q ------------------------------------------------------------------ */

START_TEST (test_rho_q_by_hand)
{
  /* J picks the first two coordinates: proj(Q) keeps Q's rows 1, 2 */
  const double J1[6] = { 1, 0, 0, 0, 1, 0 }, Q1[6] = { 1, 0, 0, 1, 1, 1 };
  /* J = (1, 2, 2), |J|^2 = 9: proj(Q) = J^T (J Q) / 9 = J^T 11/9, norm
   * 11/3; |Q| = 5 */
  const double J2[3] = { 1, 2, 2 }, Q2[3] = { 3, 0, 4 };
  const double Js[6] = { 1, 2, 3, 1, 2, 3 }, Z[6] = { 0 };
  /* rows 1e-7 apart: J J^T has a factor, but its pivot^2 = 5e-14/14 is
   * below 10 m DBL_EPSILON 14 = 6.2e-14: singular to rounding */
  const double Jn[6] = { 1, 2, 3, 1, 2, 3 + 1e-7 };
  assert_close1 (credo__dfc_rho_q (J1, Q1, 2, 3), sqrt (0.5), 1e-15, 0,
                 "rho_Q = sqrt(2)/2");
  assert_close1 (credo__dfc_rho_q (J2, Q2, 1, 3), 11.0 / 15.0, 1e-15, 0,
                 "rho_Q = 11/15");
  ck_assert (isnan (credo__dfc_rho_q (Js, Q1, 2, 3))); /* J J^T singular */
  ck_assert (isnan (credo__dfc_rho_q (Jn, Q1, 2, 3)));
  ck_assert (isnan (credo__dfc_rho_q (Z, Q1, 2, 3)));  /* J = 0 */
  ck_assert (isnan (credo__dfc_rho_q (J1, Z, 2, 3)));  /* Q = 0 */
}
END_TEST

/* C = A B (row-major: A m x k, B k x n), or A^T B when ta (A k x m). */
enum { RM = 2, RN = 7 };

START_TEST (test_rho_q_random)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  double J[RM * RN], JT[RN * RM], M[RM * RM], Q[RN * RM], R[RN * RM];
  double N[RN * RM], JR[RM * RM], G[RM * RM], want;
  gsl_rng_set (rng, 7);
  for (int i = 0; i < RM * RN; i++)
    J[i] = gsl_ran_gaussian (rng, 1.0);
  for (int i = 0; i < RM; i++)
    for (int j = 0; j < RN; j++)
      JT[j * RM + i] = J[i * RN + j];
  for (int i = 0; i < RM * RM; i++)
    M[i] = gsl_ran_gaussian (rng, 1.0);
  ck_assert (fabs (M[0] * M[3] - M[1] * M[2]) > 0.1);
  assert_close1 (credo__dfc_rho_q (J, JT, RM, RN), 1.0, 1e-13, 0,
                 "Q = J^T");
  mul (JT, M, Q, RN, RM, RM, 0);
  assert_close1 (credo__dfc_rho_q (J, Q, RM, RN), 1.0, 1e-13, 0,
                 "Q = J^T M");
  /* N = R - J^T (J J^T)^-1 J R: J N = 0, so |Q|^2 = |J^T M|^2 + |N|^2 */
  for (int i = 0; i < RN * RM; i++)
    R[i] = gsl_ran_gaussian (rng, 1.0);
  mul (J, JT, G, RM, RN, RM, 0);
  mul (J, R, JR, RM, RN, RM, 0);
  {
    gsl_matrix_view Gv = gsl_matrix_view_array (G, RM, RM);
    gsl_permutation *p = gsl_permutation_alloc (RM);
    int s;
    gsl_linalg_LU_decomp (&Gv.matrix, p, &s);
    for (int o = 0; o < RM; o++)
      {
        gsl_vector_view col = gsl_vector_view_array_with_stride (JR + o, RM,
                                                                 RM);
        gsl_linalg_LU_svx (&Gv.matrix, p, &col.vector);
      }
    gsl_permutation_free (p);
  }
  mul (JT, JR, N, RN, RM, RM, 0);
  for (int i = 0; i < RN * RM; i++)
    N[i] = R[i] - N[i];
  mul (J, N, JR, RM, RN, RM, 0);
  ck_assert_msg (max_abs (JR, RM * RM) < 1e-12, "J N != 0");
  want = sqrt (fro2 (Q, RN * RM) / (fro2 (Q, RN * RM) + fro2 (N, RN * RM)));
  for (int i = 0; i < RN * RM; i++)
    Q[i] += N[i];
  ck_assert (want < 0.99);
  assert_close1 (credo__dfc_rho_q (J, Q, RM, RN), want, 1e-13, 0,
                 "Q = J^T M + N");
  gsl_rng_free (rng);
}
END_TEST

/* ---- the linearised closed loop ----------------------------------------------- */

static const dfc_case CASES[] = {
  { "code", 0.1, 1.0, 0.0, 1.0, { 0.2, 0.2 }, 0 },
  { "code", 0.1, 1.0, 2.0, 1.0, { 0.2, 0.2 }, 0 },
  { "paper", 0.1, 1.5, 0.0, 1.3, { 0.2, 0.3 }, 0 },
  { "paper", 0.1, 1.5, 2.0, 1.3, { 0.2, 0.3 }, 0 },
  { "code", 0.05, 0.8, 2.0, 0.7, { 0.3, 0.15 }, 0 },
};

static credo_dfc_lin
lin_of (const dfc_case *k)
{
  credo_dfc_lin p = { k->alpha, k->k_i, k->k_p, k->tau_u,
                      strcmp (k->form, "paper") == 0, k->tau_v };
  return p;
}

/* The central-difference Jacobian of credo's RHS in the states (v_h, v_y,
 * u_int) at d->y: NS x NS row-major. */
static void
fd_jacobian (dfc_net *d, double *A)
{
  size_t n = d->net->n_state;
  double *v = calloc (n, sizeof *v), *fd = calloc (n, sizeof *fd);
  for (int j = 0; j < NS; j++)
    {
      v[d->idx[j]] = 1.0;
      rhs_central_diff (d->net, 1.0, d->y, v, 1e-6, fd);
      v[d->idx[j]] = 0.0;
      for (int i = 0; i < NS; i++)
        A[i * NS + j] = fd[d->idx[i]];
    }
  free (v), free (fd);
}

/* The eigenvalues of the n x n row-major A by GSL (not LAPACK). */
static void
eig (const double *A, size_t n, double *re, double *im)
{
  gsl_matrix *M = gsl_matrix_alloc (n, n);
  gsl_vector_complex *ev = gsl_vector_complex_alloc (n);
  gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc (n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      gsl_matrix_set (M, i, j, A[i * n + j]);
  ck_assert_int_eq (gsl_eigen_nonsymm (M, ev, w), 0);
  for (size_t i = 0; i < n; i++)
    {
      gsl_complex z = gsl_vector_complex_get (ev, i);
      re[i] = GSL_REAL (z), im[i] = GSL_IMAG (z);
    }
  gsl_eigen_nonsymm_free (w);
  gsl_vector_complex_free (ev);
  gsl_matrix_free (M);
}

static double
max_re (const double *A, size_t n)
{
  double re[NS], im[NS], m = -INFINITY;
  ck_assert_uint_le (n, NS);
  eig (A, n, re, im);
  for (size_t i = 0; i < n; i++)
    m = fmax (m, re[i]);
  return m;
}

/* Each eigenvalue of A matched to a distinct one of B within tol. */
static void
same_spectrum (const double *A, const double *B, double tol)
{
  double ra[NS], ia[NS], rb[NS], ib[NS];
  int used[NS] = { 0 };
  eig (A, NS, ra, ia);
  eig (B, NS, rb, ib);
  for (int i = 0; i < NS; i++)
    {
      int best = -1;
      double bd = INFINITY;
      for (int j = 0; j < NS; j++)
        if (!used[j] && hypot (ra[i] - rb[j], ia[i] - ib[j]) < bd)
          bd = hypot (ra[i] - rb[j], ia[i] - ib[j]), best = j;
      ck_assert_msg (bd < tol, "eigenvalue %g%+gi has none closer than %g",
                     ra[i], ia[i], bd);
      used[best] = 1;
    }
}

/* The authors' A_PI (k_i = tau_u = 1, code form, one tau_v) at d's
 * feed-forward point, in (Delta vbar, u). */
static void
a_pi (const dfc_net *d, const dfc_case *k, double *A)
{
  double tv = k->tau_v[0], IJ[NV * NV] = { 0 }, IJQ[NV * NY];
  for (int i = 0; i < NV; i++)
    IJ[i * NV + i] = 1.0;
  for (int o = 0; o < NY; o++)
    for (int j = 0; j < NH; j++)
      IJ[(NH + o) * NV + j] = -d->W2[o * NH + j] * d->dh[j];
  mul (IJ, d->Q, IJQ, NV, NV, NY, 0);
  for (int i = 0; i < NV; i++)
    {
      for (int j = 0; j < NV; j++)
        A[i * NS + j] = -IJ[i * NV + j] / tv;
      for (int o = 0; o < NY; o++)
        A[i * NS + NV + o] = IJQ[i * NY + o] / tv;
    }
  for (int o = 0; o < NY; o++)
    {
      for (int j = 0; j < NV; j++)
        A[(NV + o) * NS + j] = -d->J[o * NV + j]
                               + (j - NH == o ? k->k_p / tv * d->dy[o] : 0);
      for (int q = 0; q < NY; q++)
        A[(NV + o) * NS + NV + q] = -(k->alpha * (o == q)
                                      + k->k_p / tv * d->dy[o]
                                            * d->Q[(NH + o) * NY + q]);
    }
}

/* credo__dfc_closed_loop against the finite-difference Jacobian of
 * credo's own RHS, at the loss-free steady state (the feed-forward point)
 * and at a controlled one (L[k].d set to phi'(v) there), for both forms,
 * k_p in {0, 2}; dgeev_'s max Re against GSL's on that matrix; the
 * authors' A_PI where it applies. */
START_TEST (test_closed_loop_vs_credo)
{
  for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++)
    {
      const dfc_case *k = &CASES[c];
      credo_dfc_lin p = lin_of (k);
      dfc_net d;
      draw_net (&d, k, 20 + c);
      for (int pt = 0; pt < 2; pt++)
        {
          double A[NS * NS], F[NS * NS], P[NS * NS], full, inst, *w;
          if (pt == 1)
            d.target[0] += 0.05, d.target[1] -= 0.04;
          build_net (&d, k);
          if (pt == 0)
            {
              const double want[NS] = { d.uh[0], d.uh[1], d.uh[2], d.uy[0],
                                        d.uy[1], 0, 0 };
              for (int i = 0; i < NS; i++)
                assert_close1 (d.y[d.idx[i]], want[i], 1e-9, 0, "ff point");
            }
          else /* a controlled steady state: phi'(v) there */
            {
              ck_assert (fabs (d.y[d.idx[NV]]) > 1e-3);
              for (int i = 0; i < NH; i++)
                d.c->L[1].d[i] = dphi (0, d.y[d.idx[i]]);
              for (int o = 0; o < NY; o++)
                d.c->L[2].d[o] = dphi (0, d.y[d.idx[NH + o]]);
            }
          ck_assert_int_eq (credo__dfc_closed_loop (d.c, d.Q, &p, A), 0);
          fd_jacobian (&d, F);
          assert_close (A, F, NS * NS, 1e-7, 1e-7, "A vs FD of credo's RHS");
          w = calloc (credo__dfc_max_re_work (d.c), sizeof *w);
          ck_assert_int_eq (
              credo__dfc_max_re (d.c, d.Q, &p, &full, &inst, w), 0);
          assert_close1 (full, max_re (F, NS), 0, 1e-6, "max Re, full");
          ck_assert_msg (full < 0 && inst < 0, "case %zu: unstable (%g, %g)",
                         c, full, inst);
          if (pt == 0 && !p.paper_form && k->k_i == 1 && k->tau_u == 1
              && k->tau_v[0] == k->tau_v[1])
            {
              a_pi (&d, k, P);
              same_spectrum (A, P, 1e-9);
            }
          free (w);
          free_net (&d);
        }
    }
}
END_TEST

/* A random linear net: with Q = J^T, A_inst = -(J J^T + alpha_eff I) /
 * tau_u, so max_re_inst = -(lambda_min + alpha_eff) / tau_u; with Q = -J^T
 * and alpha < lambda_max it is (lambda_max - alpha_eff) / tau_u > 0, and
 * the full loop is unstable too. */
START_TEST (test_max_re_linear)
{
  const dfc_case ks[2] = {
    { "code", 0.1, 1.0, 0.0, 1.3, { 0.2, 0.3 }, 1 },
    { "paper", 0.1, 1.5, 2.0, 1.3, { 0.2, 0.3 }, 1 },
  };
  for (int c = 0; c < 2; c++)
    {
      const dfc_case *k = &ks[c];
      credo_dfc_lin p = lin_of (k);
      double G[4] = { 0 }, lmin, lmax, tr, disc, full, inst, *w;
      double ae = c ? 0.1 / (1.5 + 0.1 * 2.0) : 0.1;
      dfc_net d;
      draw_net (&d, k, 30);
      for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
          for (int j = 0; j < NV; j++)
            G[a * 2 + b] += d.J[a * NV + j] * d.J[b * NV + j];
      tr = G[0] + G[3];
      disc = sqrt ((G[0] - G[3]) * (G[0] - G[3]) / 4 + G[1] * G[1]);
      lmin = tr / 2 - disc, lmax = tr / 2 + disc;
      ck_assert (k->alpha < lmax);
      assert_close1 (credo__dfc_alpha_eff (&p), ae, 1e-16, 0, "alpha_eff");
      for (int sign = 1; sign >= -1; sign -= 2)
        {
          for (int j = 0; j < NV; j++)
            for (int o = 0; o < NY; o++)
              d.Q[j * NY + o] = sign * d.J[o * NV + j];
          build_net (&d, k);
          w = calloc (credo__dfc_max_re_work (d.c), sizeof *w);
          ck_assert_int_eq (
              credo__dfc_max_re (d.c, d.Q, &p, &full, &inst, w), 0);
          if (sign > 0)
            {
              assert_close1 (inst, -(lmin + ae) / k->tau_u, 1e-14, 1e-12,
                             "max_re_inst, Q = J^T");
              ck_assert_msg (full < 0, "full %g", full);
            }
          else
            {
              assert_close1 (inst, (lmax - ae) / k->tau_u, 1e-14, 1e-12,
                             "max_re_inst, Q = -J^T");
              ck_assert_msg (inst > 0 && full > 0, "Q = -J^T: %g, %g", inst,
                             full);
            }
          free (w);
          free_net (&d);
        }
    }
}
END_TEST

/* Parameters that describe no system: NaN and -1. */
START_TEST (test_max_re_bad_parameters)
{
  const double tv[2] = { 0.2, 0.0 };
  credo_dfc_lin p = { 0.1, 1.0, 0.0, 1.0, 0, tv };
  double full = 0, inst = 0, *w;
  dfc_net d;
  draw_net (&d, &dfc_tanh, 40);
  build_net (&d, &dfc_tanh);
  w = calloc (credo__dfc_max_re_work (d.c), sizeof *w);
  ck_assert_int_eq (credo__dfc_max_re (d.c, d.Q, &p, &full, &inst, w), -1);
  ck_assert (isnan (full) && isnan (inst));
  /* paper form with k_i + alpha k_p = 0 */
  p.tau_v = dfc_tanh.tau_v, p.paper_form = 1, p.k_i = -0.2, p.k_p = 2.0;
  ck_assert_int_eq (credo__dfc_max_re (d.c, d.Q, &p, &full, NULL, w), -1);
  ck_assert (isnan (full));
  free (w);
  free_net (&d);
}
END_TEST

static Suite *
dfc_diag_suite (void)
{
  Suite *s = suite_create ("dfc_diag");
  TCase *tc = tcase_create ("dfc_diag");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_rho_q_by_hand);
  tcase_add_test (tc, test_rho_q_random);
  tcase_add_test (tc, test_closed_loop_vs_credo);
  tcase_add_test (tc, test_max_re_linear);
  tcase_add_test (tc, test_max_re_bad_parameters);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (dfc_diag_suite ());
}
