/* src/record/record.h -- the HDF5 recorder's interface to the run
 * driver, and `credo info`.  Never installed.
 *
 * The recorder receives names and arrays (credo_rec_sources), never the
 * network.  May include: spec/spec.h, base/, HDF5; never net/.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_RECORD_H
#define CREDO_RECORD_H

#include <stdint.h>

#include "spec/spec.h"

/* ---- what the run layer tells the recorder ---------------------------------
 *
 * The recorder never sees the network: it gets the spec (what to record,
 * the config text, seed, tolerances) and, from the driver, names, sizes
 * and where each recorded value lies.  Strings and the `values` and `w`
 * arrays must outlive the recorder; the description itself is copied by
 * credo__rec_open. */

/* Record entry spec->recs[i]: its population and where its values are. */
typedef struct credo_rec_source
{
  const char *pop;   /* population name; NULL: the entry points outside the
                        network and is refused at open */
  const char *model; /* the population's model */
  const char *unit;  /* of the variable or port (NULL: unknown) */
  size_t pop_size;   /* units in the population */
  /* The population's pop_size values: for a port (`values` not NULL) in
   * `values` once eval has run at the sample's (t, y); for a state
   * variable at y + offset. */
  const double *values;
  size_t offset;
} credo_rec_source;

/* Projection spec->weights.projs[i] of the weight snapshots. */
typedef struct credo_rec_weights
{
  const char *name; /* NULL: the entry points outside the network */
  const char *pre, *post;           /* population names */
  const char *pre_port, *post_port; /* port names */
  const char *connectivity;         /* "dense" or "one_to_one" */
  const char *rule;                 /* or "static" */
  size_t rows, cols;
  /* The rows x cols weights, row-major: the fixed matrix w, or (w NULL,
   * plastic) y + offset. */
  const double *w;
  size_t offset;
} credo_rec_weights;

typedef struct credo_rec_sources
{
  const credo_rec_source *recs;     /* spec->n_recs entries */
  const credo_rec_weights *weights; /* spec->weights.n entries */
  /* Computes every port's `values` at (t, y).  The recorder calls it at
   * most once per sample time, and only when a report due then records a
   * port. */
  void (*eval) (void *ud, double t, const double *y);
  void *ud;
} credo_rec_sources;

/* ---- recorder (record/recorder.c, record/reports.c) ------------------------ */

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
                                 const credo_spec *spec,
                                 const credo_rec_sources *src,
                                 const credo_run_meta *meta);
/* Earliest time > t at which any report or weight snapshot wants a sample,
 * or INFINITY. */
double credo__rec_next_time (const credo_recorder *r);
/* Records every report (and weight snapshot) due at t; `step` marks an
 * integrator-step sample. */
int credo__rec_sample (credo_recorder *r, double t, const double *y, int step);
int credo__rec_wants_steps (const credo_recorder *r);
/* Flushes the file when output.flush_every seconds of wall time have passed
 * since the last flush (the driver calls it at every step); CREDO_EIO once
 * a write has failed. */
int credo__rec_tick (credo_recorder *r);
/* Appends n spikes of population `pop` (its index in the spec), in time
 * order, to /spikes/<population> when its spikes are recorded. */
int credo__rec_spikes (credo_recorder *r, int pop, size_t n,
                       const uint32_t *ids, const double *t);
/* The learning-curve group /learning/: times and one [n] dataset per
 * column, appended row by row.  Attributes: `mean_predictor_error`;
 * times' `units`: x_unit ("epoch" for minibatch training), NULL: "ms". */
int credo__rec_learning_open (credo_recorder *r, size_t n,
                              const char *const *names,
                              const char *const *docs,
                              double mean_predictor_error,
                              const char *x_unit);
int credo__rec_learning_row (credo_recorder *r, double t, const double *row);
/* Matrices recorded with every learning row (after credo__rec_learning_
 * open): /learning/<paths[i]> of shape [rows x rows[i] x cols[i]].  Each
 * row's values are given by credo__rec_learning_matrix before that row's
 * credo__rec_learning_row. */
int credo__rec_learning_matrices (credo_recorder *r, size_t n,
                                  const char *const *paths,
                                  const size_t *rows, const size_t *cols);
int credo__rec_learning_matrix (credo_recorder *r, size_t i,
                                const double *values);
/* Writes /solver, the status attribute, closes and renames the file into
 * place.  status NULL means "ok".  Always frees r. */
int credo__rec_close (credo_recorder *r, const credo_solver_stats *st,
                      double t_end, const char *status);


#endif /* CREDO_RECORD_H */
