/* src/learn/learn.h -- learning protocols, the monitors they run and the
 * reference gradients they compare updates with.  Never installed.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A protocol owns a run's learning schedule (when it evaluates, which
 * phases there are), the columns it writes to /learning/ and the
 * references it compares against; the driver (run/) calls it through
 * credo_protocol_type.  A reference gradient is a module with one
 * interface: for the feed-forward chain a protocol names, the descent
 * direction of each forward projection.  Adding either: one file here and
 * one line in its registry (learn/protocol.c, learn/reference.c).
 * Sign convention: every direction is what would be ADDED to the weights
 * (minus the gradient of the loss), like a rule's dW/dt.
 * May include: net/net.h and what it includes; never engine/ or record/.
 */
#ifndef CREDO_LEARN_H
#define CREDO_LEARN_H

#include "credo/transfer.h"
#include "net/net.h"

/* ---- the equivalent feed-forward chain (learn/chain.c) ------------------ */

typedef struct credo_ff_layer
{
  const credo_pop *pop;
  const credo_proj *fwd; /* from the previous layer; NULL for the input */
  size_t n;
  double a;              /* gain of the forward input (model's ff->gain) */
  credo_transfer phi;
  int target_port, gate_port; /* of the model's ff descriptor, or -1 */
  double *u, *r, *d;     /* forward pass: potential, rate, phi'(u) */
} credo_ff_layer;

typedef struct credo_ff_chain
{
  size_t n_layers; /* input, hidden..., output */
  credo_ff_layer *L;
  /* after credo__chain_forward: the weights in use per layer (row-major
   * rows x cols, NULL for the input) and the output layer's target
   * potential now (NULL: no target now, e.g. teaching gated off) */
  const double **W;
  const double *target;
  /* The output error in rates (n_out values, n_out = L[n_layers-1].n):
   * after credo__chain_forward with a target delta_j = phi'(u_N,j) (u*_j -
   * u_N,j) and has_delta = 1, without one has_delta = 0.
   * credo__chain_set_delta replaces it after the forward pass: how a
   * loss-based protocol hands the references delta_L = r_L* - r_L^- =
   * -lambda dL/dr_L.  Every reference that needs an error reads it here
   * (and is undefined, -1, when !has_delta). */
  double *delta;
  int has_delta;
  /* Gauss-Newton damping, >= 0 (default 0): the Gauss-Newton references
   * solve (J J^T + gamma I) z = delta, du = J^T z. */
  double gamma;
  /* NULL (default), or r_pre[k] for k = 1 .. n_layers - 1 (L[k-1].n
   * values each; r_pre[0] unused): the presynaptic rates of the
   * Gauss-Newton references' outer products instead of the feed-forward
   * rates L[k-1].r (e.g. the steady-state rates, as the DFC authors
   * compare).  Borrowed. */
  const double *const *r_pre;
} credo_ff_chain;

/* The chain of populations `layers` with forward projections `fwd` (as in
 * credo_learning_spec), read from the models' feed-forward descriptors.
 * NULL with the error in ctx (a layer whose model has none). */
credo_ff_chain *credo__chain_new (credo_ctx *ctx, const credo_net *net,
                                  size_t n_layers, const int *layers,
                                  const int *fwd);
void credo__chain_free (credo_ff_chain *c);
/* The forward pass from the input layer's current rates with the weights
 * at y, the output target from the ports as evaluated now and the output
 * error delta from it (has_delta = 0 without a target). */
void credo__chain_forward (credo_ff_chain *c, const double *y);
/* Replaces the output error of the last forward pass by delta[n_out]
 * (copied; has_delta = 1), or clears it (delta NULL: has_delta = 0). */
void credo__chain_set_delta (credo_ff_chain *c, const double *delta);
/* J (m x nv row-major, m = n_out, nv = credo__chain_units (c, 1)): J[o,
 * off_k + i] = d r_N,o / d u_k,i for every layer k >= 1 (off_k the units
 * of layers 1 .. k-1), at the last forward pass: the output block is
 * diag(phi'(u_N)), J_k = J_{k+1} a_{k+1} W_{k+1} diag(phi'(u_k)).  Work:
 * credo__chain_jacobian_work (c) doubles (two vectors of the widest
 * layer).  0, or -1 when an entry is not finite. */
size_t credo__chain_jacobian_work (const credo_ff_chain *c);
int credo__chain_jacobian (const credo_ff_chain *c, double *J, double *work);
/* Units of the layers first, first + 1, ..., and of the widest layer:
 * for sizing a reference's work space. */
size_t credo__chain_units (const credo_ff_chain *c, size_t first);
size_t credo__chain_widest (const credo_ff_chain *c);

/* ---- reference gradients (learn/reference.c, learn/ref_*.c) ------------- */

typedef struct credo_reference_type
{
  const char *name; /* as in learning.references */
  const char *doc;
  /* Work space (doubles) for `direction` on chain c. */
  size_t (*work_size) (const credo_ff_chain *c);
  /* dir[k] (rows x cols of layer k's forward projection, k = 1 ..
   * n_layers - 1) after credo__chain_forward.  0, or -1 when the
   * reference is undefined now (e.g. no target). */
  int (*direction) (const credo_ff_chain *c, double *const *dir,
                    double *work);
} credo_reference_type;

extern const credo_reference_type credo__ref_backprop,
    credo__ref_hebbian, credo__ref_gauss_newton,
    credo__ref_gauss_newton_nonlinear;
/* The Gauss-Newton potential change du = J^T (J J^T + gamma I)^-1 delta
 * (nv values, layer 1 first, as the columns of credo__chain_jacobian)
 * after credo__chain_forward; what both Gauss-Newton references build
 * their directions from (learn/ref_gauss_newton.c).  Work:
 * credo__chain_gn_work (c) doubles.  0, or -1 without delta, when J J^T +
 * gamma I is not positive definite, or du is not finite. */
size_t credo__chain_gn_work (const credo_ff_chain *c);
int credo__chain_gn_du (const credo_ff_chain *c, double *du, double *work);
/* dir[k] = x_k pre_k^T for every layer k >= 1, x (nv values) stacked as
 * du, pre_k = c->r_pre[k] when set, else the forward rates L[k-1].r. */
void credo__chain_gn_outer (const credo_ff_chain *c, const double *x,
                            double *const *dir);
const credo_reference_type *credo__reference_find (const char *name);
const credo_reference_type *const *credo__reference_list (void);
/* Their names, NULL-terminated (for hints in config errors). */
const char *const *credo__reference_names (void);
/* The angle in degrees between a and b; NaN when either is 0. */
double credo__angle_deg (const double *a, const double *b, size_t n);

/* ---- recurrent backprop (learn/ref_rbp.c) ------------------------------ */

/* The exact gradient at the fixed point of an equilibrium network (the
 * least-control protocol's reference): chain c's layers k >= 1 with their
 * forward projections and the projections rec[n_rec] (indices into
 * net->projs) between layers (into their `recurrent` ports). */
typedef struct credo_rbp credo_rbp;

credo_rbp *credo__rbp_new (credo_ctx *ctx, const credo_net *net,
                           const credo_ff_chain *c, const int *rec,
                           size_t n_rec);
void credo__rbp_free (credo_rbp *r);
/* Its parameters: the chain's forward projections (layer 1 first), then
 * the recurrent ones. */
size_t credo__rbp_n_params (const credo_rbp *r);
const credo_proj *credo__rbp_param (const credo_rbp *r, size_t i);
/* The free fixed point v* (nv = credo__chain_units (c, 1) values, layer 1
 * first) with the weights at y and the input layer's rates of the last
 * credo__chain_forward: Newton from the forward pass.  0, or -1 when it
 * does not converge. */
int credo__rbp_fixed_point (credo_rbp *r, const double *y, double *vstar);
/* After a fixed point: dir[i] (rows x cols of parameter i) = -dL/dW_i for
 * the loss gradient dldv (nv values) at v*, through the adjoint g = (I -
 * diag(sigma'(v*)) W^T)^-1 dL/dv.  0, or -1 when I - diag(sigma') W^T is
 * singular. */
int credo__rbp_directions (credo_rbp *r, const double *dldv,
                           double *const *dir);
/* The adjoint g of the last credo__rbp_directions (nv values). */
const double *credo__rbp_adjoint (const credo_rbp *r);

/* ---- steady states of the frozen circuit (learn/steady.c) --------------- */

typedef struct credo_steady credo_steady;

credo_steady *credo__steady_new (credo_net *net);
void credo__steady_free (credo_steady *s);
/* The neuron part of y relaxed to a steady state at time t (weights
 * frozen): Newton on the analytic Jacobian, pseudo-transient continuation
 * where Newton stalls.  On success the net's ports hold the outputs there.
 * 0 or -1. */
int credo__steady_solve (credo_steady *s, double t, double *y);

/* ---- protocols (learn/protocol.c, learn/monitor.c) ---------------------- */

/* What the driver lends a protocol that trains on a data set itself
 * (minibatches relaxed as batched systems) instead of following the
 * circuit through time. */
typedef struct credo_train_env
{
  /* Integrates sys from z (its state at t = 0) with the engine and
   * tolerances of s until t_max, or until obs->step says
   * CREDO_OBSERVER_DONE; the final state back into z and its time into
   * *t.  Solver statistics add up in the run's.  0, CREDO_OBSERVER_DONE
   * or a CREDO_E* code (message in ctx). */
  int (*relax) (void *ud, const credo_system *sys,
                const credo_solver_spec *s, double t_max,
                const credo_observer *obs, double *z, double *t);
  /* A /learning/ row at x (the epoch), as the protocol's columns. */
  int (*row) (void *ud, double x, const double *row);
  /* Progress: done of total units of work (minibatches). */
  void (*progress) (void *ud, double done, double total);
  void *ud;
} credo_train_env;

typedef struct credo_protocol_type
{
  const char *name;
  const char *doc;
  /* NULL on failure (error in ctx). */
  void *(*alloc) (credo_ctx *ctx, const credo_spec *spec);
  void (*free) (void *p);
  /* The columns of a /learning/ row: names and one-line docs. */
  size_t (*columns) (const void *p, const char *const **names,
                     const char *const **docs);
  /* The test error of always predicting the mean target (NaN: none). */
  double (*mean_predictor_error) (const void *p);
  /* The next evaluation time, or INFINITY. */
  double (*next_time) (const void *p);
  /* Evaluates at (t, y) into row[n_cols] and moves to the next time. */
  int (*sample) (void *p, double t, const double *y, double *row);
  /* Phase edges in (t0, t1), appended like credo__stim_breaks: the driver
   * starts a new segment at each.  May be NULL (one phase). */
  int (*breaks) (const void *p, double t0, double t1, double **times,
                 size_t *n, size_t *cap);
  /* Evaluations that failed (their rows hold NaN), for a warning. */
  unsigned long (*failures) (const void *p);
  /* At t = 0 and at every segment end t, before the engine goes on from
   * there: the protocol may change the state y (apply an update, start a
   * window from a new state).  1 when it changed y (the engine restarts
   * from it), 0 when not, or a negative CREDO_E* code (error in ctx).  May
   * be NULL (a protocol that only observes). */
  int (*act) (void *p, double t, double *y);
  /* Matrices written with every row (learning.record_updates): n paths
   * below /learning/ ("update/W1") and their shapes; `matrix` gives the
   * i-th one's values for the row just sampled.  May be NULL (none). */
  size_t (*matrices) (const void *p, const char *const **paths,
                      const size_t **rows, const size_t **cols);
  const double *(*matrix) (const void *p, size_t i);
  /* The network the driver simulates, once after alloc (a protocol that
   * sets static weights, e.g. DFC-fixed's feedback, needs it).  May be
   * NULL. */
  int (*bind) (void *p, credo_net *net);
  /* A protocol that trains on a data set: called once before the circuit
   * is simulated, it trains with env and leaves the trained weights in y
   * (the initial state; static weights in the bound network).  0 or a
   * CREDO_E* code.  Called only when axis says so; may be NULL. */
  int (*train) (void *p, const credo_train_env *env, double *y);
  /* What the x of its /learning/ rows counts: NULL (simulated time, ms),
   * or e.g. "epoch" for a protocol that trains (then train is called).
   * May be NULL (ms). */
  const char *(*axis) (const void *p);
} credo_protocol_type;

const credo_protocol_type *credo__protocol_find (const char *name);
const credo_protocol_type *credo__protocol_default (void);
/* Every protocol's name, NULL-terminated, the default first. */
const char *const *credo__protocol_names (void);

/* ---- the transfer of a minibatch (learn/fast_tanh.c) -------------------- */

/* credo_transfer_eval, with tanh vectorised (libmvec, within 4 ulp of the
 * scalar one); r must not be NULL for the fast path.  u may alias dr. */
void credo__transfer_eval_batch (const credo_transfer *f, size_t n,
                                 const double *u, double *r, double *dr);

/* ---- optimizers (learn/optim.c) ----------------------------------------- */

/* W[n] += the step of d's optimizer (SGD, Adam; "none": nothing) at
 * learning rate lr for the descent direction u, clipped to norm d->clip
 * as one tensor; m1, m2 are Adam's moments of W (updated), t >= 1 its
 * step count.  Non-finite components are skipped. */
void credo__optim_apply (const credo_dfc_spec *d, double lr,
                         unsigned long long t, double *W, const double *u,
                         size_t n, double *m1, double *m2);

/* ---- DFC-SSA: the linearised steady state, solved (learn/dfc_ssa.c) ---- */

/* Doubles of work credo__dfc_ssa_update needs on chain c. */
size_t credo__dfc_ssa_work (const credo_ff_chain *c);
/* The DFC update of every layer k >= 1 into upd[k] (rows x cols of its
 * forward projection) at the steady state of the linearised controller,
 * (J Q + alpha I) u = delta_L, after credo__chain_forward and with the
 * chain's delta set; Q (nv x m) stacks the layers' feedback weights.
 * alpha is the effective leak (the "paper" form's alpha/(k_i + alpha
 * k_p)).  0, or -1 without delta or when J Q + alpha I is singular. */
int credo__dfc_ssa_update (const credo_ff_chain *c, const double *Q,
                           double alpha, double *const *upd, double *work);

#endif /* CREDO_LEARN_H */
