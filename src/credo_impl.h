/* src/credo_impl.h -- internal types shared by the library's modules.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Never installed.  Modules: context.c (errors, logging), spec*.c (config ->
 * spec), network.c (layout, RHS, Jacobians), stimulus.c, engine_cvode.c,
 * recorder.c (HDF5), sim.c (the run driver).
 */
#ifndef CREDO_IMPL_H
#define CREDO_IMPL_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>

#include "credo/credo.h"
#include "credo/rule.h"

/* ---- context --------------------------------------------------------- */

struct credo_ctx
{
  char msg[4096];
  int code; /* status of the last error */
  int log_level;
  int progress;
  volatile sig_atomic_t stop_requested;
  void (*sink) (int level, const char *msg, void *ud);
  void *sink_ud;
};

/* Sets the error message (printf-style) and returns `code`. */
int credo__error (credo_ctx *ctx, int code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
void credo__log (credo_ctx *ctx, int level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Small helpers (util.c). */
void *credo__calloc (size_t n, size_t size); /* NULL on overflow/failure */
char *credo__strdup (const char *s);
/* Edit distance, for "did you mean" hints. */
int credo__edit_distance (const char *a, const char *b);
/* The closest of `n` candidates to `word` within a small distance, or NULL. */
const char *credo__closest (const char *word, const char *const *cands,
                            size_t n);
double credo__wall_seconds (void);
/* Sampling grids start + k*every (k = 0, 1, ...) rounded the same way by
 * every caller: the k-th time, the first index whose time is >= t (every >
 * 0), and how many are <= stop (0 when more than `max` would be, or every
 * <= 0). */
double credo__grid_time (double start, double every, unsigned long long k);
unsigned long long credo__grid_first_at (double start, double every,
                                         double t);
unsigned long long credo__grid_count (double start, double every, double stop,
                                      double max);

/* ---- spec ------------------------------------------------------------ */

typedef struct credo_loc
{
  const char *file; /* owned by the spec's string pool */
  int line;
} credo_loc;

typedef struct credo_pop_spec
{
  char *name;
  const credo_model_type *model;
  size_t size;
  double *params; /* model->n_param values */
  credo_loc loc;
} credo_pop_spec;

typedef enum credo_init_kind
{
  CREDO_INIT_CONSTANT,
  CREDO_INIT_UNIFORM,
  CREDO_INIT_NORMAL,
  CREDO_INIT_FILE,
  CREDO_INIT_TRANSPOSE,
  CREDO_INIT_COPY /* the weights of an earlier projection of the same shape */
} credo_init_kind;

typedef struct credo_init_spec
{
  credo_init_kind kind;
  double value;     /* constant */
  double low, high; /* uniform: [low, high) * scale */
  double mean, std; /* normal: mean + std * N(0,1), times scale */
  double scale;     /* resolved numeric scale factor */
  char *path;       /* file: .csv or .h5 */
  char *dataset;    /* file: dataset name inside an HDF5 file */
  int transpose_of; /* transpose, copy: the source projection's index */
} credo_init_spec;

typedef enum credo_conn
{
  CREDO_CONN_DENSE,     /* a full post x pre matrix */
  CREDO_CONN_ONE_TO_ONE /* unit i -> unit i; sizes must match */
} credo_conn;

/* Plasticity of a projection (rule == NULL: static weights). */
typedef struct credo_plast_spec
{
  const credo_rule_type *rule;
  double eta;          /* learning rate, 1/ms per unit error and rate */
  double tau_w;        /* low-pass filter of the induction term, ms; 0 = none */
  double w_min, w_max; /* hard bounds (default -inf, +inf) */
  double start, stop;  /* learning window, ms (default 0, +inf) */
  credo_loc loc;
} credo_plast_spec;

typedef struct credo_proj_spec
{
  char *name; /* user name, or "pre.port->post.port" */
  int pre, pre_port, post, post_port;
  double gain; /* multiplies the initialised weights */
  credo_conn conn;
  credo_init_spec init;
  credo_plast_spec plast;
  credo_loc loc;
} credo_proj_spec;

typedef enum credo_stim_kind
{
  CREDO_STIM_CONSTANT,
  CREDO_STIM_SINE,
  CREDO_STIM_TABLE,  /* steps and CSV/HDF5 tables */
  CREDO_STIM_DATASET /* samples presented one after another, t_pres each */
} credo_stim_kind;

typedef struct credo_stim_spec
{
  int pop, port;
  credo_stim_kind kind;
  size_t n;           /* units of the target population */
  double start, stop; /* active window; outside it the stimulus gives 0 */
  double *value;      /* constant: n values */
  double *amplitude;  /* sine: n amplitudes */
  double *offset;     /* sine: n offsets */
  double period, phase;
  size_t n_rows;   /* table: rows; dataset: samples */
  double *times;   /* table: n_rows increasing times (ms) */
  double *values;  /* table, dataset: n_rows x n values, row-major */
  int interpolate; /* table: 0 = hold previous row, 1 = linear */
  char *source;    /* table, dataset: path of the file it came from, or
                      NULL */
  /* dataset: sample k (mod n_rows when repeat) is held on
   * [start + k t_pres, start + (k + 1) t_pres); without repeat the
   * stimulus gives 0 from start + n_rows t_pres on. */
  double t_pres;       /* presentation time of one sample (ms) */
  int repeat;          /* 1: cycle through the samples forever */
  const char *ds_name; /* HDF5 dataset name (NULL for CSV); points into
                          the allocation of `source`, never freed alone */
  credo_loc loc;
} credo_stim_spec;

typedef enum credo_rec_kind
{
  CREDO_REC_VAR,   /* a state variable */
  CREDO_REC_OUTPUT,/* an output port */
  CREDO_REC_INPUT  /* the summed input of an input port */
} credo_rec_kind;

typedef struct credo_rec_spec
{
  int pop;
  credo_rec_kind kind;
  int index;       /* variable or port index */
  char *var_name;  /* as typed */
  size_t n_units;
  size_t *units;   /* recorded unit indices, increasing */
  double every;    /* sampling interval (ms); 0 = every integrator step */
  double start, stop;
  int float32;
  credo_loc loc;
} credo_rec_spec;

typedef enum credo_method
{
  CREDO_METHOD_BDF,
  CREDO_METHOD_ADAMS
} credo_method;

typedef enum credo_linear
{
  CREDO_LINEAR_AUTO,
  CREDO_LINEAR_DENSE,
  CREDO_LINEAR_SPGMR
} credo_linear;

typedef enum credo_engine_kind
{
  CREDO_ENGINE_CVODE,
  CREDO_ENGINE_EULER
} credo_engine_kind;

typedef struct credo_solver_spec
{
  credo_engine_kind engine; /* "cvode" (default) or "euler" */
  double dt;                /* euler: fixed step (ms) */
  credo_method method;
  credo_linear linear;
  double rtol;
  double atol;       /* default absolute tolerance, times each var's scale */
  size_t n_atol_var; /* per-variable-name overrides */
  char **atol_var_names;
  double *atol_var_values;
  double max_step; /* 0 = unlimited */
  double init_step;
  long max_steps;  /* per segment; <= 0 unlimited */
  int krylov_dim;
  size_t dense_max; /* auto: dense up to this many states */
} credo_solver_spec;

/* Weight snapshots (the `weights` group): projections recorded at
 * start + k*every <= stop into /weights/<projection>/. */
typedef struct credo_weights_spec
{
  double every;       /* ms, > 0; 0 = no snapshots (no `weights` group) */
  double start, stop; /* ms; stop is clamped to the duration */
  int float32;
  size_t n;           /* recorded projections */
  int *projs;         /* their indices into spec->projs, in config order */
  credo_loc loc;
} credo_weights_spec;

/* Number of snapshot times start + k*every <= stop (0 without snapshots). */
unsigned long long credo__weights_count (const credo_weights_spec *w);
/* The k-th snapshot time, start + k*every. */
double credo__weights_time (const credo_weights_spec *w, unsigned long long k);

/* Learning curves (the `learning` group, /learning/ in the file): every
 * `every` ms the frozen circuit is evaluated on a test set, and the
 * instantaneous weight change of each forward projection is compared with
 * the backprop gradient of the equivalent feed-forward network. */
typedef struct credo_learning_spec
{
  double every;       /* ms, > 0; 0 = no learning curves */
  double start, stop; /* ms; stop is clamped to the duration */
  size_t n_layers;    /* input layer, hidden layers, output layer (>= 2) */
  int *layers;        /* population indices */
  int *fwd;           /* fwd[k], k >= 1: projection layers[k-1] -> layers[k].basal */
  int in_port;        /* the input layer's port the test inputs replace */
  int out_port;       /* the output layer's output port compared with targets */
  /* the test set, n_test x size rows (NULL without one) */
  size_t n_test;
  double *test_inputs, *test_targets;
  char *test_source;  /* the file they came from */
  int classify;       /* also record the argmax accuracy */
  credo_loc loc;
} credo_learning_spec;

/* Number of learning samples start + k*every <= stop, and the k-th time. */
unsigned long long credo__learning_count (const credo_learning_spec *l);
double credo__learning_time (const credo_learning_spec *l,
                             unsigned long long k);

struct credo_spec
{
  char *text;     /* config text after overrides */
  char *path;     /* the file as given */
  char **strings; /* pool of file names referenced by credo_loc */
  size_t n_strings;
  double duration; /* ms */
  unsigned long seed;
  char *output_path;
  double flush_seconds;
  int compression; /* deflate level 0-9 */
  size_t n_pops, n_projs, n_stims, n_recs;
  credo_pop_spec *pops;
  credo_proj_spec *projs;
  credo_stim_spec *stims;
  credo_rec_spec *recs;
  credo_solver_spec solver;
  credo_weights_spec weights;
  credo_learning_spec learning;
};

/* "FILE:LINE" of a spec entry into buf, or the --set text for entries an
 * override created (line 0).  Returns buf. */
const char *credo__loc_str (const credo_loc *loc, char *buf, size_t len);

/* ---- network --------------------------------------------------------- */

typedef struct credo_pop
{
  const credo_pop_spec *spec;
  const credo_model_type *model;
  size_t n;
  size_t offset;  /* first state index in y */
  double **in;    /* n_in arrays of n (summed inputs) */
  double **out;   /* n_out arrays of n */
  double **din;   /* J*v scratch: input perturbations */
  double **dout;  /* J*v scratch: output perturbations */
  credo_local_jac jac; /* local derivatives at the last Jacobian setup */
  credo_pop_view view;
} credo_pop;

typedef struct credo_proj
{
  const credo_proj_spec *spec;
  credo_pop *pre, *post;
  size_t rows, cols; /* post->n x pre->n; one-to-one: n x 1 (the diagonal) */
  double *w;         /* initial (static: the) weights, row-major */
  const double *w_cur; /* the weights in use: w, or a view into y */
  /* plastic projections only */
  int plastic;
  size_t w_offset;   /* W's first index in y */
  size_t d_offset;   /* the filtered induction D's first index (tau_w > 0) */
  const double *plus, *minus;   /* e = plus - minus (NULL = 0) */
  const double *dplus, *dminus; /* their perturbations in J*v (NULL = 0) */
  double *e, *de;    /* rows: error at the last jac setup, its perturbation */
  double *r_saved;   /* presynaptic rate at the last jac setup */
  double learn;      /* 1 inside the learning window, else 0 */
} credo_proj;

typedef struct credo_net
{
  credo_ctx *ctx;
  const credo_spec *spec;
  size_t n_pops, n_projs, n_stims;
  credo_pop *pops;
  credo_proj *projs;
  size_t n_state;   /* neuron states, then plastic weights (and filters) */
  size_t n_neuron;  /* the neuron part of the state */
  double *y_jac;    /* the state of the last Jacobian setup */
  int has_plastic;
  double *atol;     /* per-state absolute tolerance */
  long rhs_evals;
  /* Probe mode (learning.c evaluates the frozen circuit on test inputs):
   * when clamp_values is set, the stimuli of populations clamp_pop and
   * mute_pop are ignored and clamp_values feed clamp_pop's clamp_port. */
  const double *clamp_values;
  int clamp_pop, clamp_port, mute_pop;
  /* The driver integrates between discontinuities; piece_t is a time
   * inside the current segment (NaN: none set).  Which piece of a
   * piecewise stimulus or learning window applies is chosen at piece_t,
   * so the RHS at a segment's end is the left limit: the step that lands
   * on a switch never sees the next sample. */
  double piece_t;
} credo_net;

credo_net *credo__net_build (credo_ctx *ctx, const credo_spec *spec);
void credo__net_free (credo_net *net);
void credo__net_init_state (const credo_net *net, double *y);
/* Stimuli, outputs and summed inputs at (t, y): fills every pop's in/out. */
void credo__net_eval (credo_net *net, double t, const double *y);
/* dy/dt at (t, y).  Returns 0, or 1 (recoverable) when ydot is not finite. */
int credo__net_rhs (credo_net *net, double t, const double *y, double *ydot);
/* Local derivatives at (t, y), kept for the following jtimes / dense J. */
void credo__net_jac_setup (credo_net *net, double t, const double *y);
/* Jv = J v, with J from the last credo__net_jac_setup. */
void credo__net_jtimes (credo_net *net, const double *v, double *jv);
/* Dense Jacobian, column-major n_state x n_state with leading dim ld. */
void credo__net_jac_dense (credo_net *net, double *J, size_t ld);
/* The neuron block of that Jacobian (n_neuron x n_neuron, column-major,
 * leading dim ld), assembled analytically also when weights are plastic. */
void credo__net_jac_neurons (credo_net *net, double *J, size_t ld);
/* Diagonal of that Jacobian into d[n_state] (Jacobi preconditioner). */
void credo__net_jac_diag (credo_net *net, double *d);
/* Plasticity (plasticity.c): resolves rule signals, the learning window
 * at t, weight-block RHS, J*v and its Jacobi diagonal. */
int credo__plast_resolve (credo_net *net, credo_proj *pr);
void credo__plast_rhs (credo_net *net, double t, const double *y,
                       double *ydot);
void credo__plast_jac_setup (credo_net *net, double t, const double *y);
void credo__plast_jtimes (credo_net *net, const double *y, const double *v,
                          double *jv);
void credo__plast_diag (credo_net *net, double *d);
/* Learning-window edges in (t0, t1), appended like credo__stim_breaks. */
int credo__plast_breaks (const credo_spec *spec, double t0, double t1,
                         double **times, size_t *n, size_t *cap);
/* Locates "pop.var"; returns 0 and fills kind/pop/index, or -1. */
int credo__net_lookup (const credo_net *net, const char *what, int *pop,
                       credo_rec_kind *kind, int *index);

/* ---- data files (datafile.c) ------------------------------------------ */

/* A row-major matrix (1-D datasets as n x 1) from a .csv file, or from
 * `dataset` of a .h5/.hdf5 file; *data is malloc'd.  0 or CREDO_E*. */
int credo__read_matrix (credo_ctx *ctx, const char *path, const char *dataset,
                        double **data, size_t *rows, size_t *cols);

/* ---- stimuli (stimulus.c) -------------------------------------------- */

/* Adds the stimulus at time t into out[0..n-1], on the piece (sample, table
 * row, on/off) that holds at time tp; tp = t gives the right-continuous
 * stimulus. */
void credo__stim_add (const credo_stim_spec *s, double t, double tp,
                      double *out);
/* The time that selects pieces at t: net->piece_t when set, else t. */
static inline double
credo__net_piece_time (const credo_net *net, double t)
{
  return net->piece_t == net->piece_t ? net->piece_t : t;
}
/* Appends the stimulus' discontinuity times in (t0, t1) to *times. */
int credo__stim_breaks (const credo_stim_spec *s, double t0, double t1,
                        double **times, size_t *n, size_t *cap);

/* ---- engines ----------------------------------------------------------- */

/* What an engine reports to while it advances: the driver's samplers. */
typedef struct credo_observer
{
  /* The next time (> the last sampled one) at which a sample is wanted,
   * or INFINITY. */
  double (*next_time) (void *ud);
  /* Sample at time t with state y (interpolated). Nonzero = stop. */
  int (*sample) (void *ud, double t, const double *y);
  /* Called after every internal step (t, y at the step). Nonzero = stop. */
  int (*step) (void *ud, double t, const double *y);
  void *ud;
} credo_observer;

typedef struct credo_engine_type
{
  const char *name;
  void *(*alloc) (credo_net *net, const credo_solver_spec *s, double t0,
                  const double *y0);
  /* Restart at (t, y) after a discontinuity. */
  int (*reset) (void *e, double t, const double *y);
  /* Integrate to exactly t_stop without evaluating the RHS past it,
   * sampling on the way. */
  int (*advance) (void *e, double t_stop, const credo_observer *obs);
  /* The current state (at the last reached time). */
  const double *(*state) (void *e, double *t);
  void (*stats) (void *e, credo_solver_stats *st);
  const char *(*linear_solver) (void *e);
  void (*free) (void *e);
} credo_engine_type;

extern const credo_engine_type credo__engine_cvode;

/* Replaces the arithmetic ops of a serial N_Vector with compiled kernels
 * (nvector_fast.c); declared through the struct tag to keep SUNDIALS'
 * headers out of this one. */
struct _generic_N_Vector;
void credo__nvector_fast (struct _generic_N_Vector *v);
extern const credo_engine_type credo__engine_euler;

/* ---- learning curves (learning.c) -------------------------------------- */

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

/* ---- recorder (recorder.c) -------------------------------------------- */

typedef struct credo_recorder credo_recorder;

typedef struct credo_run_meta
{
  const char *command_line;
  const char *engine;
  const char *linear_solver;
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

#endif /* CREDO_IMPL_H */
