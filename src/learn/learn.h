/* src/learn/learn.h -- learning curves: test error, apical
 * error, alignment with reference gradients.  Never installed
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_LEARN_H
#define CREDO_LEARN_H

#include "net/net.h"

/* ---- learning curves (learn/monitor.c) -------------------------------------- */

typedef struct credo_learning credo_learning;

/* NULL without a `learning` group (no error set) or on failure (error
 * set: check credo_errcode). */
credo_learning *credo__learning_new (credo_ctx *ctx, const credo_spec *spec);
void credo__learning_free (credo_learning *l);
/* The columns of a row: names ("test_error", "angle_W10", ...) and docs. */
size_t credo__learning_columns (const credo_learning *l,
                                const char *const **names,
                                const char *const **docs);
double credo__learning_mean_predictor_error (const credo_learning *l);
/* The next evaluation time, or INFINITY. */
double credo__learning_next_time (const credo_learning *l);
/* Evaluates at (t, y) into row[n_cols] and moves to the next time. */
int credo__learning_sample (credo_learning *l, double t, const double *y,
                            double *row);
/* Test samples whose steady state was not found (NaN rows). */
unsigned long credo__learning_newton_failures (const credo_learning *l);


#endif /* CREDO_LEARN_H */
