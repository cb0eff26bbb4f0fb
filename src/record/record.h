/* src/record/record.h -- the HDF5 recorder's interface to the
 * run driver.  Never installed
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_RECORD_H
#define CREDO_RECORD_H

#include "net/net.h"

/* ---- recorder (record/recorder.c) -------------------------------------------- */

typedef struct credo_recorder credo_recorder;

typedef struct credo_run_meta
{
  const char *command_line;
  const char *engine;
  const char *linear_solver;
  double dt; /* fixed-step engines: the step (ms), written as `dt`; else 0 */
} credo_run_meta;

/* Creates the file at a temporary name next to `path` with every report
 * group, mapping and attribute. */
credo_recorder *credo__rec_open (credo_ctx *ctx, const char *path,
                                 const credo_spec *spec, credo_net *net,
                                 const credo_run_meta *meta);
/* Earliest time > t at which any report or weight snapshot wants a sample,
 * or INFINITY. */
double credo__rec_next_time (const credo_recorder *r);
/* Records every report (and weight snapshot) due at t; `step` marks an
 * integrator-step sample. */
int credo__rec_sample (credo_recorder *r, double t, const double *y, int step);
int credo__rec_wants_steps (const credo_recorder *r);
/* The learning-curve group /learning/: times and one [n] dataset per
 * column, appended row by row.  Attributes: `mean_predictor_error`. */
int credo__rec_learning_open (credo_recorder *r, size_t n,
                              const char *const *names,
                              const char *const *docs,
                              double mean_predictor_error);
int credo__rec_learning_row (credo_recorder *r, double t, const double *row);
/* Writes /solver, the status attribute, closes and renames the file into
 * place.  status NULL means "ok".  Always frees r. */
int credo__rec_close (credo_recorder *r, const credo_solver_stats *st,
                      double t_end, const char *status);


#endif /* CREDO_RECORD_H */
