/* src/learn/dfc_sleep.h -- the sleep phase of Deep Feedback Control for a
 * minibatch (learn/dfc_sleep.c).  Never installed.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Matrices as in learn/dfc_batch.h: W[k] n_k x n_{k-1}, Q every layer's
 * feedback block stacked (nv x m), X nb x n_0.  The system's state is, per
 * sample, v - v^- (nv values), v_A (nv) and u_int (m), samples one after
 * another; z = 0 starts a sleep window.
 */
#ifndef CREDO_DFC_SLEEP_H
#define CREDO_DFC_SLEEP_H

#include "learn/learn.h"
#include "net/system.h"

/* The sleep phase's own constants (ms; k_i = 1, the "code" form). */
typedef struct credo_dfc_sleep_params
{
  double k_p, alpha, tau_u, tau_v, tau_A, sigma;
} credo_dfc_sleep_params;

typedef struct credo_dfc_sleep credo_dfc_sleep;

/* Room for minibatches of up to B samples of chain c (borrowed).  NULL
 * with the error in ctx. */
credo_dfc_sleep *credo__dfc_sleep_new (credo_ctx *ctx,
                                       const credo_ff_chain *c,
                                       const credo_dfc_sleep_params *p,
                                       size_t B);
void credo__dfc_sleep_free (credo_dfc_sleep *s);

/* A minibatch of nb <= B inputs X with weights W, biases (may be NULL) and
 * feedback Q, all borrowed; the noise stream of the engine that
 * integrates it starts from seed. */
void credo__dfc_sleep_setup (credo_dfc_sleep *s, size_t nb,
                             const double *const *W,
                             const double *const *bias, const double *Q,
                             const double *X, unsigned long seed);

/* The stochastic system (noise on v_A) an Euler-Maruyama engine
 * integrates. */
const credo_system *credo__dfc_sleep_system (credo_dfc_sleep *s);

/* At every step (t, z) of the integration: G (nv x m) += (t - t_last)
 * sum_b v_A,b(t) u_b(t)^T, the left Riemann sum of the feedback rule's
 * integral at the steps' ends (G is the caller's, zeroed before the window). */
void credo__dfc_sleep_accumulate (credo_dfc_sleep *s, double t,
                                  const double *z, double *G);

/* One sleep window of the minibatch of the last setup: z (nb x P) from 0,
 * integrated by env's relax with the engine of `relax` (Euler-Maruyama)
 * for `window` ms, G (nv x m) the feedback rule's integral over it (see
 * credo__dfc_sleep_accumulate), *T the window reached.  0 or a CREDO_E*
 * code. */
int credo__dfc_sleep_window (credo_dfc_sleep *s, const credo_train_env *env,
                             const credo_solver_spec *relax, double window,
                             double *z, double *G, double *T);

#endif /* CREDO_DFC_SLEEP_H */
