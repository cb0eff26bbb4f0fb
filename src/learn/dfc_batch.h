/* src/learn/dfc_batch.h -- a minibatch of Deep Feedback Control samples as
 * one ODE system (learn/dfc_batch.c).  Never installed.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Matrices are row-major: W[k] n_k x n_{k-1} (as a projection stores
 * them), Q every layer's feedback block stacked (nv x m, layer 1 first, as
 * in learn/dfc_diag.h), X nb x n_0 inputs, rstar nb x m output targets.
 * The system's state z holds, per sample, the deviations of v_1 .. v_N
 * from the feed-forward pass and then u_int (P = nv + m values), samples
 * one after another; z = 0 is the start of a relaxation (the authors' code
 * starts each minibatch at the feed-forward state, controller at rest).
 */
#ifndef CREDO_DFC_BATCH_H
#define CREDO_DFC_BATCH_H

#include "learn/dfc_diag.h"
#include "net/system.h"

typedef struct credo_dfc_batch credo_dfc_batch;

/* The feed-forward pass of nb samples on chain c's layers with weights
 * W[k] and biases bias[k] (bias or bias[k] may be NULL): v[k] = a_k
 * r[k-1] W[k]^T + b_k, r[k] = phi(v[k]), d[k] = phi'(v[k]) (d may be NULL)
 * for k >= 1, every array nb x n_k; r[0] holds the inputs. */
void credo__batch_forward (const credo_ff_chain *c, size_t nb,
                           const double *const *W, const double *const *bias,
                           double *const *v, double *const *r,
                           double *const *d);

/* Room for minibatches of up to B samples of chain c (dfc_neuron layers
 * with tau_A = 0, the controller lin), every state with absolute tolerance
 * atol.  The chain is borrowed (its layers' sizes, gains and transfer
 * functions).  NULL with the error in ctx. */
credo_dfc_batch *credo__dfc_batch_new (credo_ctx *ctx,
                                       const credo_ff_chain *c,
                                       const credo_dfc_lin *lin, size_t B,
                                       double atol);
void credo__dfc_batch_free (credo_dfc_batch *b);

/* A new minibatch of nb <= B samples: the feed-forward pass (W[k], bias[k]
 * per layer k >= 1; bias or bias[k] may be NULL) and the targets (rstar
 * NULL: set later by credo__dfc_batch_targets, before integrating).  All
 * borrowed until the next setup.  0 or CREDO_EINVAL. */
int credo__dfc_batch_setup (credo_dfc_batch *b, size_t nb,
                            const double *const *W, const double *const *bias,
                            const double *Q, const double *X,
                            const double *rstar);

/* The output targets of the minibatch (nb x m, copied), e.g. from its
 * feed-forward outputs (credo__dfc_batch_ff).  0. */
int credo__dfc_batch_targets (credo_dfc_batch *b, const double *rstar);

/* The system an engine integrates (n = nb P after a setup, batch = nb). */
const credo_system *credo__dfc_batch_system (credo_dfc_batch *b);

/* The feed-forward rates of layer k (nb x n_k; k = 0: X) of the setup. */
const double *credo__dfc_batch_ff (const credo_dfc_batch *b, size_t k);

/* The authors' convergence test per sample at state z: status[s] = 1 when
 * ||r_N - (r* - alpha u)|| < tol ||r_N^-|| and ||e|| < eps^2 ||r* -
 * r_N^-||, -1 when the first ratio exceeds 1 (diverged), else 0; the ratio
 * into ratio[s] (may be NULL).  Returns the number converged. */
size_t credo__dfc_batch_converged (credo_dfc_batch *b, const double *z,
                                   double tol, double eps, int *status,
                                   double *ratio);

/* The forward rule at state z summed over the samples with keep[s] != 0
 * (keep NULL: all), times scale: upd[k] = scale sum_s
 * (phi(v_k) - phi(v_B,k)) r_{k-1}^T (n_k x n_{k-1}), v_B,k = a W_k r_{k-1}
 * + b_k at z (DFC-SS); upd_bias[k] the same without r^T (may be NULL). */
void credo__dfc_batch_update (credo_dfc_batch *b, const double *z,
                              const int *keep, double scale,
                              double *const *upd, double *const *upd_bias);

/* The rule averaged over a window (DFC): begin zeroes upd and upd_bias;
 * add adds w times the rule at state z (a quadrature weight), leaving out
 * the samples diverged there when drop_diverged (the authors' step-by-step
 * exclusion; returns how many); end multiplies by scale (1 / window, the
 * batch's normalisation) and finishes layer 1, whose presynaptic rates
 * are the constant inputs: its rows are summed over time and multiplied
 * by X once. */
void credo__dfc_batch_average_begin (credo_dfc_batch *b, double *const *upd,
                                     double *const *upd_bias);
size_t credo__dfc_batch_average_add (credo_dfc_batch *b, const double *z,
                                     double w, int drop_diverged,
                                     double *const *upd,
                                     double *const *upd_bias);
void credo__dfc_batch_average_end (credo_dfc_batch *b, double scale,
                                   double *const *upd,
                                   double *const *upd_bias);

/* Backpropagation on the feed-forward pass of the last setup (call it
 * after setup and targets, before integrating): upd[k] = scale sum_s
 * delta_k r_{k-1}^T with delta_N = phi'(v_N^-) (r* - r_N^-), delta_{k-1} =
 * phi'(v_{k-1}^-) (a_k W_k^T delta_k): minus the gradient of the loss
 * times lambda when r* = r^- - lambda dl/dr. */
void credo__dfc_batch_backprop (credo_dfc_batch *b, double scale,
                                double *const *upd);

/* DFC-SSA for nb samples (learn/dfc_batch_ssa.c): per sample the
 * linearised controlled steady state (J Q + alpha I) u = r* - r^- (alpha:
 * the effective leak), dv = Q u propagated through the layers, and upd[k]
 * = scale times the rule summed over the samples.  Samples whose system
 * cannot be solved give nothing; returns how many.  Work:
 * credo__dfc_batch_ssa_work (c, nb) doubles. */
size_t credo__dfc_batch_ssa_work (const credo_ff_chain *c, size_t B);
size_t credo__dfc_batch_ssa (const credo_ff_chain *c, size_t nb,
                             const double *const *W,
                             const double *const *bias, const double *Q,
                             const double *X, const double *rstar,
                             double alpha, double scale, double *const *upd,
                             double *work);

/* DFC-fixed's feedback: Q_k = W_{k+1}^T ... W_N^T, Q_N = I, stacked
 * into Q (nv x m). */
void credo__batch_weight_product (const credo_ff_chain *c,
                                  const double *const *W, double *Q);

#endif /* CREDO_DFC_BATCH_H */
