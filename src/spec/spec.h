/* src/spec/spec.h -- the validated content of a circuit file as plain
 * data (no numeric state is allocated yet).  Never installed.
 *
 * Every layer may read these types; this header includes only base/ and
 * the public headers.  The parsers that fill them (the .c files of
 * src/spec/) sit at the top, beside the run driver: they call the
 * registries they look names up in (engine/engine.h, learn/learn.h, the
 * public model and rule registries) and nothing else above base/.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_SPEC_H
#define CREDO_SPEC_H

#include <stdint.h>

#include "base/base.h"
#include "credo/rule.h"

/* ---- spec ------------------------------------------------------------ */


typedef struct credo_pop_spec
{
  char *name;
  const credo_model_type *model;
  size_t size;
  double *params; /* model->n_param values */
  /* a replay's spikes, sorted by time (spec/spiking.c) */
  size_t n_spikes;
  double *spike_times; /* ms, >= 0 */
  uint32_t *spike_units;
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
  CREDO_CONN_ONE_TO_ONE, /* unit i -> unit i; sizes must match */
  CREDO_CONN_RANDOM      /* each pair with probability `prob` (sparse;
                            spiking populations only) */
} credo_conn;

/* How a plastic projection's weights move (set by the learning protocol):
 * continuously by the rule (dW/dt = rule), or frozen while the rule is
 * evaluated by the protocol at the end of a window (FROZEN) or integrated
 * into a quadrature block beside W (ACCUMULATE: dA/dt = rule, dW/dt = 0),
 * the protocol then applying discrete updates. */
typedef enum credo_plast_mode
{
  CREDO_PLAST_CONTINUOUS = 0,
  CREDO_PLAST_FROZEN,
  CREDO_PLAST_ACCUMULATE
} credo_plast_mode;

/* Plasticity of a projection (rule == NULL: static weights). */
typedef struct credo_plast_spec
{
  const credo_rule_type *rule;
  credo_plast_mode mode;
  double eta;          /* learning rate, 1/ms per unit error and rate */
  double tau_w;        /* low-pass filter of the induction term, ms; 0 = none */
  double w_min, w_max; /* hard bounds (default -inf, +inf) */
  double start, stop;  /* learning window, ms (default 0, +inf) */
  double decay;        /* weight decay beta >= 0 (default 0; only rules with
                          uses_decay accept decay > 0) */
  /* rule = "stdp" (rule NULL: not an ODE rule; the event engine's
   * pair-based STDP with traces, spec/spiking.c) */
  int stdp;
  double A_plus, A_minus;     /* weight change of a pair at dt -> 0 */
  double tau_plus, tau_minus; /* ms: the traces' time constants */
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
  double prob;         /* random: the connection probability */
  double delay;        /* ms; spikes arrive this much after emission */
  credo_loc delay_loc; /* of `delay` (line 0: not given) */
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
  size_t row_first;    /* dataset: the file's row that is sample 0 */
  size_t file_rows;    /* dataset: samples in the file (n_rows unless a
                          `rows` range keeps fewer) */
  credo_loc loc;
} credo_stim_spec;

typedef enum credo_rec_kind
{
  CREDO_REC_VAR,   /* a state variable */
  CREDO_REC_OUTPUT,/* an output port */
  CREDO_REC_INPUT, /* the summed input of an input port */
  CREDO_REC_SPIKES /* the spike times of a spiking population */
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

struct credo_engine_type; /* engine/engine.h */

typedef struct credo_solver_spec
{
  /* solver.engine, from the engine registry (default cvode) */
  const struct credo_engine_type *engine;
  double dt;                /* fixed-step engines: the step (ms) */
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
  size_t blocks;    /* the event engine: blocks of units, each advancing
                       through a window of d_min on its own (default 1) */
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

/* More snapshots than this is surely a typo in 'every'. */
#define CREDO_MAX_SNAPSHOTS 1e9
/* Switches of one dataset stimulus (each a solver restart) in a run: more
 * is a typo that would never finish.  (The sample times of one record are
 * bounded by credo__max_samples: 1e9, or --max-samples.) */
#define CREDO_MAX_SWITCHES 1e8
/* Blocks of the event engine (solver.blocks). */
#define CREDO_MAX_BLOCKS 100000
/* Units of one population. */
#define CREDO_MAX_UNITS 100000000

/* Number of snapshot times start + k*every <= stop (0 without snapshots;
 * grids.c). */
unsigned long long credo__weights_count (const credo_weights_spec *w);
/* The k-th snapshot time, start + k*every. */
double credo__weights_time (const credo_weights_spec *w, unsigned long long k);

/* The Deep Feedback Control protocol (learning.dfc, protocol "dfc"). */
typedef enum credo_dfc_variant
{
  CREDO_DFC_AVERAGE, /* "DFC": the rule averaged over the window */
  CREDO_DFC_SS,      /* "DFC-SS": the rule at the window's end */
  CREDO_DFC_SSA,     /* "DFC-SSA": at the linearised steady state, solved */
  CREDO_DFC_FIXED,   /* "DFC-fixed": as DFC, Q = W^T products, frozen */
  CREDO_DFC_BP       /* "BP": backpropagation on the same network, the
                        baseline (minibatch training only) */
} credo_dfc_variant;

typedef enum credo_optimizer
{
  CREDO_OPT_SGD,
  CREDO_OPT_ADAM,
  CREDO_OPT_NONE /* updates are computed and recorded, never applied */
} credo_optimizer;

/* learning.dfc.sleep: the feedback-learning phase of minibatch training
 * (Meulemans et al. 2021, Sect. 5), with its own controller. */
typedef struct credo_dfc_sleep_spec
{
  int on;
  double k_p, alpha, tau_v, tau_A, sigma; /* tau_u: the controller's */
  double window, dt;      /* ms: one sleep relaxation, Euler-Maruyama step */
  double lr, lr_init;     /* Adam's rates: with and before forward epochs */
  double weight_decay, epsilon, clip;
  long epochs_init, extra_epochs;
  int freeze_output;      /* the output block of Q stays as it is (I) */
  credo_solver_spec relax; /* Euler-Maruyama with dt */
} credo_dfc_sleep_spec;

typedef struct credo_dfc_spec
{
  int variant;      /* credo_dfc_variant */
  int controller;   /* the pi_controller population */
  int target;       /* the loss_target population, or -1 */
  int *feedback;    /* [n_layers]: projection controller.u -> layer's
                       apical port, or -1 (none; always -1 for layer 0) */
  int optimizer;    /* credo_optimizer */
  double lr;        /* learning rate (divided by lambda if normalize_lr) */
  int normalize_lr;
  double beta1, beta2, epsilon; /* Adam */
  double clip;      /* per-tensor norm clip of the update, 0 = none */
  double gamma;     /* damping of the Gauss-Newton references */
  int reset;        /* each window starts from the feed-forward state */
  /* The authors' convergence test at a window's end: converged when
   * ||r_L - (r* - alpha u)|| < convergence_tol ||r_L^-|| and ||e|| <
   * convergence_epsilon^2 ||e(0)||; diverged when the first ratio exceeds 1.
   * Unless include_non_converged, DFC-SS discards a non-converged window's
   * update, DFC and DFC-fixed a diverged one's. */
  int include_non_converged;
  double convergence_tol, convergence_epsilon;
  /* Minibatch training (batch > 0): the samples of the dataset stimuli
   * on the input layer (train_input) and on the loss_target's label port
   * (train_label, or -1), in minibatches of `batch` relaxed together by
   * the batched system (learn/dfc_batch.c) for at most `window` ms each;
   * `epochs` passes (stopped after max_batches minibatches when > 0),
   * shuffled with the run's seed unless shuffle = 0; the window average
   * (DFC, DFC-fixed) by composite Simpson on average_points + 1 times. */
  size_t batch;
  size_t validation; /* the last samples of the training stimuli, held out
                        and evaluated every epoch */
  long epochs, max_batches;
  double window;
  int shuffle, average_points;
  int feedback_product; /* Q = W^T products at the start (DFC-fixed's
                           initialisation, the authors' "weight_product") */
  size_t threads;       /* parts of a minibatch relaxed on threads of their
                           own (learn/dfc_relax.c) */
  int train_input, train_label; /* stimulus indices */
  credo_dfc_sleep_spec sleep;
  credo_solver_spec relax;      /* engine and tolerances of a relaxation */
  credo_loc loc;
} credo_dfc_spec;

/* The least-control protocol (learning.lcp, protocol "lcp"; Meulemans et
 * al. 2022): one window of learning.every ms per update, every plastic
 * projection frozen inside it and moved at its end by its rule evaluated
 * at the controlled steady state, through the optimizer. */
typedef struct credo_lcp_spec
{
  int controller;   /* the leaky_integral_controller population */
  int optimizer;    /* credo_optimizer */
  double lr;
  double beta1, beta2, epsilon, clip; /* Adam; per-tensor norm clip */
  /* multiplicative decay W <- (1 - weight_decay) W of every plastic
   * projection at every update (the Kolen-Pollack variant's kp_wd) */
  double weight_decay;
  int reset;        /* windows start from the free fixed point, the
                       controllers at rest */
  /* [n_recurrent]: projections from a layer's rate into a layer's
   * `recurrent` port (the W of an equilibrium RNN) */
  size_t n_recurrent;
  int *recurrent;
  credo_loc loc;
} credo_lcp_spec;

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
  /* learning.protocol (NULL: the default, "continuous") and
   * learning.references (none given: backprop), names checked against
   * their registries in src/learn/ */
  char *protocol;
  size_t n_references;
  char **references;
  /* learning.record_updates: every update and reference direction goes to
   * /learning/update/<proj> and /learning/reference/<name>/<proj> */
  int record_updates;
  /* learning.diagnostics_every: updates between the protocol's costly
   * diagnostics (DFC: rho_Q and the stability margin); 0 = never */
  long diagnostics_every;
  credo_dfc_spec dfc; /* protocol "dfc" only */
  credo_loc loc;
  credo_lcp_spec lcp; /* protocol "lcp" only */
} credo_learning_spec;

/* More evaluations than this is surely a typo in 'every'. */
#define CREDO_MAX_LEARNING_SAMPLES 1e8

/* Number of learning samples start + k*every <= stop, and the k-th time
 * (grids.c). */
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



/* ---- evaluation order (spec/order.c) ------------------------------------ */

/* One step of evaluating the network's inputs: sum projection `index`, or
 * compute population `index`'s derived outputs. */
typedef struct credo_eval_step
{
  enum { CREDO_STEP_PROJECT, CREDO_STEP_DERIVE } kind;
  int index;
} credo_eval_step;

/* The order of those steps into steps[] (room for n_projs + n_pops).  0;
 * 1 when derived outputs form a loop (*stuck, if not NULL, = a projection
 * on it); CREDO_ENOMEM. */
int credo__spec_eval_order (const credo_spec *spec, credo_eval_step *steps,
                            size_t *n_steps, int *stuck);

#endif /* CREDO_SPEC_H */
