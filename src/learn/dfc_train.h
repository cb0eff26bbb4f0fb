/* src/learn/dfc_train.h -- Deep Feedback Control trained on a data set in
 * minibatches (learn/dfc_train.c), the `dfc` protocol with
 * learning.dfc.batch > 0.  Never installed.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_DFC_TRAIN_H
#define CREDO_DFC_TRAIN_H

#include "learn/dfc_diag.h"

typedef struct credo_dfc_train credo_dfc_train;

/* A trainer for spec's learning.dfc on the chain c of the probe network
 * (both borrowed), the controller lin and the loss_target population loss
 * (of the probe; NULL: none).  NULL with the error in ctx. */
credo_dfc_train *credo__dfc_train_new (credo_ctx *ctx, const credo_spec *spec,
                                       credo_net *probe,
                                       const credo_ff_chain *c,
                                       const credo_dfc_lin *lin,
                                       const credo_pop *loss);
void credo__dfc_train_free (credo_dfc_train *t);
/* The columns of its /learning/ rows (one per epoch, epoch 0 before any
 * update). */
size_t credo__dfc_train_columns (const credo_dfc_train *t,
                                 const char *const **names,
                                 const char *const **docs);
/* Matrices written with every row: per minibatch of the epoch, the
 * samples converged and diverged and the mean convergence ratio at the
 * end of the relaxation (how far short of the steady state it ended; 1 x
 * minibatches per epoch each; NaN for minibatches not run). */
size_t credo__dfc_train_matrices (const credo_dfc_train *t,
                                  const char *const **paths,
                                  const size_t **rows, const size_t **cols);
const double *credo__dfc_train_matrix (const credo_dfc_train *t, size_t i);

/* Trains from the weights in y (plastic) and sim_net (static) and writes
 * the trained ones back there.  0 or a CREDO_E* code. */
int credo__dfc_train_run (credo_dfc_train *t, const credo_train_env *env,
                          double *y, credo_net *sim_net);

#endif /* CREDO_DFC_TRAIN_H */
