/* src/learn/dfc_diag.h -- diagnostics of Deep Feedback Control (Meulemans
 * et al. 2021, NeurIPS) on the feed-forward chain: how well the feedback
 * weights Q fit the network's Jacobian (rho_Q), and the stability of the
 * controlled network linearised about the chain's point.  Never
 * installed; needs LAPACK's dgeev_ (configure.ac).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Q is every layer's feedback block stacked: nv x m row-major, layer 1
 * first (row off_k + i, column o: the weight from controller unit o to
 * unit i of layer k, as the projection ctrl.u -> layer.apical stores it),
 * m the output units, nv = credo__chain_units (c, 1).  J is the Jacobian
 * of credo__chain_jacobian (m x nv row-major).
 */
#ifndef CREDO_DFC_DIAG_H
#define CREDO_DFC_DIAG_H

#include "learn/learn.h"

/* rho_Q = ||J^T (J J^T)^-1 J Q||_F / ||Q||_F: the part of Q in the row
 * space of J (the column space of J^T), 1 when Q = J^T M for any M, < 1
 * when Q has a component in the null space of J (Meulemans et al.'s
 * "condition 2" ratio, compute_condition_two).  NaN when J J^T is
 * singular (no Cholesky factor, or a pivot^2 below 10 m DBL_EPSILON times
 * its largest diagonal entry), when Q = 0 or on allocation failure. */
double credo__dfc_rho_q (const double *J, const double *Q, size_t m,
                         size_t nv);

/* The controller and the somatic time constants of a DFC network built
 * from dfc_neuron layers (tau_A = 0) and a pi_controller whose error input
 * is e = r* - r_N (models/neurons/dfc_neuron.c, pi_controller.c). */
typedef struct credo_dfc_lin
{
  double alpha, k_i, k_p, tau_u;
  int paper_form;       /* 0: form "code" (leak on u), 1: "paper" (u_int) */
  const double *tau_v;  /* per layer k >= 1: n_layers - 1 values */
} credo_dfc_lin;

/* The authors' convergence test (their check_convergence): 1 converged
 * (ratio = ||r_N - (r* - alpha u)|| / ||r_N^-|| < tol and the output
 * error down to err_ratio < eps^2 of where it started), -1 diverged
 * (ratio > 1), else 0. */
int credo__dfc_convergence_status (double ratio, double err_ratio,
                                   double tol, double eps);

/* The effective leak of the instantaneous controller: alpha (code form),
 * alpha / (k_i + alpha k_p) (paper form; see dfc_diag.c). */
double credo__dfc_alpha_eff (const credo_dfc_lin *p);

/* The full closed-loop Jacobian A ((nv + m) x (nv + m) row-major) in the
 * states (v_1 .. v_{N}, u_int), linearised about the chain's point: the
 * weights c->W and phi'(u_k) = c->L[k].d of the last credo__chain_forward
 * (the feed-forward point; a caller may overwrite L[k].d with phi'(v_k) of
 * another point, e.g. a controlled steady state).  0, or -1 when p is not
 * usable (a time constant <= 0, paper form with k_i + alpha k_p = 0). */
int credo__dfc_closed_loop (const credo_ff_chain *c, const double *Q,
                            const credo_dfc_lin *p, double *A);

/* A_inst = -(J Q + alpha_eff I) / tau_u (m x m row-major).  0 or -1 as
 * credo__dfc_closed_loop. */
int credo__dfc_inst (const double *J, const double *Q, size_t m, size_t nv,
                     const credo_dfc_lin *p, double *A);

/* Work (doubles) of credo__dfc_max_re on chain c. */
size_t credo__dfc_max_re_work (const credo_ff_chain *c);

/* The largest real part of the eigenvalues (LAPACK dgeev_) of the full
 * closed-loop Jacobian (credo__dfc_closed_loop) into *max_re_full and of
 * A_inst on J of the chain's point (credo__dfc_inst) into *max_re_inst
 * (either may be NULL).  > 0: unstable.  0, or -1 (both NaN) when p is
 * not usable, J or A is not finite, or dgeev_ fails. */
int credo__dfc_max_re (const credo_ff_chain *c, const double *Q,
                       const credo_dfc_lin *p, double *max_re_full,
                       double *max_re_inst, double *work);

#endif /* CREDO_DFC_DIAG_H */
