/* include/credo/credo.h -- the public API of libcredo.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A run goes config -> spec -> simulation -> HDF5 file:
 *
 *   credo_ctx *ctx = credo_ctx_new ();
 *   credo_spec *spec = credo_spec_load (ctx, "circuit.cfg", NULL, 0);
 *   credo_sim *sim = spec ? credo_sim_new (ctx, spec, "out.h5") : NULL;
 *   int rc = sim ? credo_sim_run (sim) : CREDO_ECONFIG;
 *   if (rc) fprintf (stderr, "%s\n", credo_errmsg (ctx));
 *   credo_sim_free (sim); credo_spec_free (spec); credo_ctx_free (ctx);
 *
 * Functions return 0 (CREDO_OK) or a negative CREDO_E* code with the
 * message in the context; constructors return NULL.  The library never
 * exits or aborts, and never prints: log messages go to the context's sink
 * and a run reports its progress through credo_run_events.
 */
#ifndef CREDO_H
#define CREDO_H

#include <stddef.h>
#include <stdio.h>

#include "credo/model.h"
#include "credo/rule.h"
#include "credo/transfer.h"

#ifdef __cplusplus
extern "C" {
#endif

enum credo_status
{
  CREDO_OK = 0,
  CREDO_ENOMEM = -1,  /* out of memory */
  CREDO_EINVAL = -2,  /* bad argument from the caller */
  CREDO_ECONFIG = -3, /* bad input: config, data file, shapes */
  CREDO_ESOLVER = -4, /* the integrator failed (runtime) */
  CREDO_EIO = -5,     /* writing the output failed (runtime) */
  CREDO_EINTR = -6    /* stopped on request (a signal) */
};

enum credo_log_level
{
  CREDO_LOG_ERROR = 0,
  CREDO_LOG_WARN = 1,
  CREDO_LOG_INFO = 2,
  CREDO_LOG_DEBUG = 3
};

typedef struct credo_ctx credo_ctx;
typedef struct credo_spec credo_spec;
typedef struct credo_sim credo_sim;

/* ---- context: errors, logging, stop request -------------------------- */

credo_ctx *credo_ctx_new (void);
void credo_ctx_free (credo_ctx *ctx); /* accepts NULL */
/* Messages up to `level` go to the sink (default: stderr). */
void credo_ctx_set_log_level (credo_ctx *ctx, int level);
void credo_ctx_set_log_sink (credo_ctx *ctx,
                             void (*sink) (int level, const char *msg, void *ud),
                             void *ud);
/* Limits a spec is checked against when it is loaded (0: the defaults, a
 * bound no normal run meets): the samples of one record entry (1e9) and
 * the bytes of dense weights (this machine's memory, also the upper bound).
 * A spec beyond them is refused with the line and the figure. */
void credo_ctx_set_limits (credo_ctx *ctx, double max_samples,
                           double max_memory);
/* Ask a running simulation to stop at its next step (its file is closed with
 * status "failed: interrupted at t = ..." and the run returns CREDO_EINTR);
 * async-signal-safe, so any host's signal handler may call it. */
void credo_ctx_request_stop (credo_ctx *ctx);
/* The last error message; never NULL. */
const char *credo_errmsg (const credo_ctx *ctx);
/* The status code that went with that message (CREDO_OK if none). */
int credo_errcode (const credo_ctx *ctx);
const char *credo_strerror (int code);
/* Exit code for a status: 0 ok, 2 bad input, 1 anything else. */
int credo_exit_code (int status);

const char *credo_version (void);
/* The shared object that provides cblas_dgemv, e.g. an OpenBLAS path. */
const char *credo_blas_name (void);

/* ---- spec: the validated content of a circuit file ------------------- */

/* Reads and validates a circuit file.  `overrides` are "key=value" strings
 * applied after parsing (the value in libconfig syntax; strings may be bare).
 * Errors name file and line.  Returns NULL on failure. */
credo_spec *credo_spec_load (credo_ctx *ctx, const char *path,
                             const char *const *overrides, size_t n_overrides);
/* Same from a string; `name` stands for the file name in messages and
 * relative paths resolve against the current directory. */
credo_spec *credo_spec_load_string (credo_ctx *ctx, const char *text,
                                    const char *name,
                                    const char *const *overrides,
                                    size_t n_overrides);
void credo_spec_free (credo_spec *spec);
/* What `credo check` prints: populations, units, state size, projections,
 * stimuli, recording and the estimated output size. */
void credo_spec_print_summary (const credo_spec *spec, FILE *out);
/* The output path from the config ("output.path"), or NULL. */
const char *credo_spec_output_path (const credo_spec *spec);
/* The config text after overrides, as recorded in the HDF5 file. */
const char *credo_spec_text (const credo_spec *spec);

/* ---- simulation ------------------------------------------------------ */

/* Builds the network (allocates weights, draws initialisers, reads data
 * files) and the engine.  `out_path` NULL means record nothing; else it
 * must be absent or a regular file in a writable directory (CREDO_ECONFIG
 * otherwise, checked first).  The output file is not created before
 * credo_sim_run.  Borrows spec, which
 * must outlive the simulation. */
credo_sim *credo_sim_new (credo_ctx *ctx, const credo_spec *spec,
                          const char *out_path);
/* Records the command line in the output file's attributes. */
void credo_sim_set_command_line (credo_sim *sim, const char *cmdline);

/* What a run reports while it goes.  The library never prints; a front end
 * (the credo program) formats these.  Every member may be NULL.  The
 * callbacks run on the thread of credo_sim_run, between integrator steps;
 * they must not call back into the simulation. */
typedef struct credo_run_events
{
  /* After every integrator step (final = 0) and once when the run ends,
   * however it ends (final = 1): the simulated time t (ms) of `duration`,
   * the grid sample times recorded so far and the wall seconds since the
   * run started. */
  void (*progress) (void *ud, double t, double duration,
                    unsigned long long samples, double wall, int final);
  /* Once at the start of a run with learning curves (learning.every > 0),
   * before any row: the n columns of a row (names valid until
   * credo_sim_free) and the test error of always predicting the mean target
   * (NaN without a test set). */
  void (*learning_header) (void *ud, size_t n, const char *const *names,
                           double mean_predictor_error);
  /* One learning-curve row at simulated time t (ms): n values in the
   * columns' order, as recorded in the output file. */
  void (*learning_row) (void *ud, double t, size_t n, const double *row);
  void *ud; /* passed to every callback */
  /* Minibatch training (before the circuit is simulated, if at all):
   * learning rows come per epoch (t is the epoch, not ms), announced by
   * learning_axis before the header; training_progress is called after
   * every minibatch (final = 0) and once at the end (final = 1). */
  void (*learning_axis) (void *ud, const char *name);
  void (*training_progress) (void *ud, double done, double total,
                             double wall, int final);
} credo_run_events;

/* Copies `ev` (NULL for none, the default) into the simulation. */
void credo_sim_set_events (credo_sim *sim, const credo_run_events *ev);
/* Runs the whole protocol.  The output file is written to a temporary name
 * and renamed into place when closed, on success and on runtime failure
 * alike (then with the attribute status = "failed: ..."). */
int credo_sim_run (credo_sim *sim);
void credo_sim_free (credo_sim *sim); /* accepts NULL */

/* Number of state variables, and the current state (borrowed). */
size_t credo_sim_state_size (const credo_sim *sim);
const double *credo_sim_state (const credo_sim *sim);
/* Current values of "pop.var" (a state variable or port) into out[size]. */
int credo_sim_get (credo_sim *sim, const char *what, double *out, size_t size);

typedef struct credo_solver_stats
{
  long steps, rhs_evals, lin_rhs_evals, jac_evals, jtimes_evals, lin_iters,
      nonlin_iters, nonlin_conv_fails, err_test_fails, lin_conv_fails,
      reinits, prec_evals;
  double wall_seconds;
} credo_solver_stats;

void credo_sim_stats (const credo_sim *sim, credo_solver_stats *out);
/* "dense", "spgmr" or "fixedpoint": what the engine actually uses. */
const char *credo_sim_linear_solver (const credo_sim *sim);

/* ---- output files ---------------------------------------------------- */

/* What `credo info` prints about a recorded file: run attributes, duration,
 * every report (population, variable, shape, sampling), solver statistics.
 * Returns CREDO_ECONFIG when the file is missing or not a credo file. */
int credo_file_info (credo_ctx *ctx, const char *path, FILE *out);

/* `credo info --follow`: watches a run's file (PATH or PATH.part) as a
 * SWMR reader, printing a line at every flush (how far the file is
 * complete) until the run ends.  Returns 0 when it ends with status "ok";
 * CREDO_EIO when it failed, was left as PATH.part (a write failure) or
 * stopped flushing (killed: no flush for 10 flush intervals + 5 s);
 * CREDO_ECONFIG when neither file exists.  Polls every `interval` s. */
int credo_file_follow (credo_ctx *ctx, const char *path, FILE *out,
                       double interval);

/* ---- generated data sets (`credo data`) ------------------------------ */

/* Files read by stimuli of kind "dataset": every matrix is
 * [samples x values], float64, row-major.  Random numbers come from one GSL
 * mt19937 stream seeded with `seed` (seed 0 means GSL's default, 4357).
 * Both functions write PATH.part and rename it into place; they return 0,
 * CREDO_EINVAL (bad options) or CREDO_EIO with the message in ctx. */

/* SAC18's teacher-student regression (Sect. 3.3, Fig. 2): a teacher
 * sizes[0]-sizes[1]-sizes[2] with weights ~ U(-1, 1) maps inputs
 * r0 ~ U(-1, 1) to the target potentials
 *   u_trgt = k21 W21 phi(k10 W10 r0),   target rates phi(u_trgt).
 * Draw order: W10 (row-major), W21, the training inputs, the test inputs.
 * Datasets: inputs, targets, target_rates, test_inputs, test_targets,
 * test_target_rates (the test ones only when n_test > 0), W10
 * [sizes[1] x sizes[0]], W21 [sizes[2] x sizes[1]]; attributes on the root
 * (description, generator, seed, sizes, k10, k21, phi_*). */
typedef struct credo_teacher_opts
{
  size_t n_samples;   /* training samples (default 10000) */
  size_t n_test;      /* test samples (default 1000) */
  unsigned long seed; /* default 1 */
  size_t sizes[3];    /* input, hidden, output (default 30, 20, 10) */
  double k10, k21;    /* layer gains (default 2, 10) */
  credo_transfer phi; /* default softplus, gain 1, threshold 3, scale 0.1 */
} credo_teacher_opts;

void credo_teacher_opts_default (credo_teacher_opts *o);
int credo_dataset_teacher (credo_ctx *ctx, const char *path,
                           const credo_teacher_opts *o);

/* The 3x3 bars task of the LE code (9 inputs, 3 classes).  Pixel (row,
 * col) is input 3 row + col; on = 1, off = 0.  The 8 patterns, in order:
 * class 0 the horizontal bars (rows 0, 1, 2), class 1 the vertical bars
 * (columns 0, 1, 2), class 2 the diagonals (0-4-8, then 2-4-6).
 * With n = 8 copies: inputs [n x 9] (row k is pattern k mod 8, plus its
 * own N(0, noise^2) per pixel when noise > 0), labels [n] (int32),
 * target_rates [n x 3] (rate_on for the right class, rate_off for the
 * others) and targets [n x 3], the potentials u with phi(u) = those rates
 * (for softplus u = theta + log(exp(r / gamma) - 1) / beta; CREDO_EINVAL
 * when phi never takes a rate).  Noise draws: row by row, pixel by pixel
 * (GSL's ziggurat). */
typedef struct credo_bars_opts
{
  unsigned long seed;        /* default 1 */
  double noise;              /* std of the pixel noise (default 0) */
  size_t copies;             /* default 1 */
  double rate_on, rate_off;  /* default 1.0, 0.1 */
  credo_transfer phi;        /* default softplus, gain 1, threshold 0,
                                scale 1: LE's soft-ReLU log(1 + e^u) */
} credo_bars_opts;

void credo_bars_opts_default (credo_bars_opts *o);
int credo_dataset_bars (credo_ctx *ctx, const char *path,
                        const credo_bars_opts *o);

#ifdef __cplusplus
}
#endif

#endif /* CREDO_H */
