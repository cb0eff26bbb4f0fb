/* src/engine/engine.h -- engines: the versioned ops table every integrator
 * fills, its capability flags, the observer it reports samples to, and the
 * registry.  Never installed.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * An engine advances a system of ODEs (net/system.h) through one segment
 * between discontinuities at a time; it sees the system and the solver
 * settings, never the network, the spec's circuit or the recorder.  Adding
 * an engine: one file here defining a credo_engine_type, one line in
 * engine/registry.c.  `solver.engine` in a circuit file names it.
 * May include: net/system.h, spec/spec.h (solver settings), base/.
 */
#ifndef CREDO_ENGINE_H
#define CREDO_ENGINE_H

#include "credo/model.h"
#include "net/system.h"
#include "spec/spec.h" /* credo_solver_spec */

#define CREDO_ENGINE_VERSION 1

/* What an engine can do (credo_engine_type.caps). */
enum
{
  CREDO_ENGINE_NOISE = 1,      /* integrates dy = f dt + sigma dW */
  CREDO_ENGINE_ROOTS = 2,      /* locates the system's roots (events) */
  CREDO_ENGINE_BATCH = 4,      /* integrates a batched system */
  CREDO_ENGINE_FIXED_STEP = 8, /* steps by solver.dt (else: adaptive, by
                                  solver.rtol and atol) */
  CREDO_ENGINE_SPIKES = 16,    /* runs spiking populations (the system's
                                  `spk` view), and only those */
};


typedef struct credo_engine_type
{
  int version;      /* CREDO_ENGINE_VERSION; later slots are appended */
  const char *name; /* as in solver.engine */
  const char *doc;  /* one line for `credo check` and the docs */
  unsigned caps;    /* CREDO_ENGINE_* */
  /* An engine for `sys` (borrowed: it must outlive the engine) starting at
   * (t0, y0); NULL with the error in sys->ctx. */
  void *(*alloc) (const credo_system *sys, const credo_solver_spec *s,
                  double t0, const double *y0);
  /* Restart at (t, y) after a discontinuity. */
  int (*reset) (void *e, double t, const double *y);
  /* Integrate to exactly t_stop without evaluating the RHS past it,
   * sampling on the way (or to the step where the observer says
   * CREDO_OBSERVER_DONE).  0, CREDO_OBSERVER_DONE or a CREDO_E* code. */
  int (*advance) (void *e, double t_stop, const credo_observer *obs);
  /* The current state (at the last reached time). */
  const double *(*state) (void *e, double *t);
  void (*stats) (void *e, credo_solver_stats *st);
  /* "dense", "spgmr", "fixedpoint", "none" or, for engines without a
   * linear solver, a word saying so. */
  const char *(*linear_solver) (void *e);
  void (*free) (void *e);
} credo_engine_type;

/* ---- the event engine's exact integration (engine/event_lif.c) ---------
 *
 * One population of linear subthreshold neurons (credo_spiking_desc) on
 * the step grid t_k = k h.  Spike times are (step, offset), 0 <= offset
 * < h, so that delays and refractory ends add exactly. */

#define CREDO_EV_MAX_SYN 4
#define CREDO_EV_CHUNK 64

/* One input within a step, for the exact path: at offset `off`, w onto
 * current `syn`. */
typedef struct credo_ev_input
{
  double off, w;
  uint32_t syn, unit; /* unit: while kept in credo_ev_part.pend */
} credo_ev_input;

typedef struct credo_ev_pop
{
  const credo_spk_pop *sp;
  size_t n, n_syn;
  double h;
  double tau_m, v_inf, v_th, v_reset;
  long long tref_steps; /* t_ref as whole steps plus an offset */
  double tref_off;
  int var_v, var_i[CREDO_EV_MAX_SYN];
  double tau[CREDO_EV_MAX_SYN];
  double delta[CREDO_EV_MAX_SYN]; /* 1/tau_m - 1/tau_k */
  /* the propagator over h: e^{-h/tau_m}, e^{-h/tau_k}, v's response */
  double P_mm, P_kk[CREDO_EV_MAX_SYN], P_km[CREDO_EV_MAX_SYN];
  double th;           /* v_th less a margin for rounding in the bound */
  /* this step: 1 for the units the exact path takes (their upper bound on
   * v over the step, plus the margin, reaches the threshold, or their
   * refractoriness ends in it), listed in their part's cand, whose state
   * the bulk leaves at the step's start; 2 for units refractory all step;
   * else 0 */
  float *near;
  /* nonlinear dynamics (credo_spiking_desc.ode): every unit on its own
   * CVODE integrator (event_ode.c), always "near"; else NULL */
  struct credo_ev_ode *ode;
  /* refractory until step ref_step (a whole number) plus ref_off */
  double *ref_step, *ref_off;
  long n_exact, n_evals; /* units integrated exactly, trajectory evals */
} credo_ev_pop;


/* The units [i0, i1) of a population that one block advances, with
 * their scratch of the step. */
typedef struct credo_ev_part
{
  size_t i0, i1;
  unsigned char *hot; /* per chunk of CREDO_EV_CHUNK units: one is near */
  /* this step's inputs to near units, kept for the exact path */
  credo_ev_input *pend;
  size_t n_pend, cap_pend;
  uint32_t *cand;
  size_t n_cand;
  size_t pos; /* a replay source: its next given spike */
} credo_ev_part;

/* Sets up pop from sp for step h: 0, or -1 with a message in msg. */
int credo__ev_pop_init (credo_ev_pop *pop, const credo_spk_pop *sp, double h,
                        char *msg, size_t len);
void credo__ev_pop_free (credo_ev_pop *pop);
/* Part [i0, i1) of pop: 0 or CREDO_ENOMEM. */
int credo__ev_part_init (credo_ev_part *part, const credo_ev_pop *pop,
                         size_t i0, size_t i1);
void credo__ev_part_free (credo_ev_part *part);
/* Step k: the margin, how far the inputs arriving in it can raise any v of
 * the population: the sum over them of this, w_max R(h - off) for the
 * largest weight w_max onto current syn at offset `off` (a PSP rises
 * until its peak, later than h), the same for every part... */
double credo__ev_pop_margin (const credo_ev_pop *pop, size_t syn, double off,
                             double w_max);
/* ...then the part's units in y, in place, by the propagator, except the
 * near ones (a strict upper bound on v over the step, plus the margin,
 * reaches the threshold, or refractoriness ends in the step), which keep
 * their state at the step's start... */
void credo__ev_pop_bulk (credo_ev_pop *pop, credo_ev_part *part, double *y,
                         long long k, double margin);
/* ...then the inputs at offset `off` with weights w[j] (w NULL: all w_all)
 * onto units post[j] (all in the part) of current syn (j in [j0, j1)):
 * for units not near their effect at the step's end (one add per synapse
 * and variable), for the near ones into part->pend; 0 or CREDO_ENOMEM... */
int credo__ev_pop_deliver (credo_ev_pop *pop, credo_ev_part *part, double *y,
                           size_t syn, double off, const uint32_t *post,
                           const double *w, double w_all, size_t j0,
                           size_t j1);
/* ...then the part's near units into part->cand, for the exact path. */
void credo__ev_pop_candidates (const credo_ev_pop *pop, credo_ev_part *part);
/* At most this many spikes of one unit within one step (t_ref < dt). */
#define CREDO_EV_MAX_SPK_STEP 64

/* Unit i over step k exactly, from its state at the step's start in y and
 * its n_in inputs (sorted by offset), to the step's end; the offsets of its spikes go to spk (room
 * for CREDO_EV_MAX_SPK_STEP) and their count is returned, or (size_t) -1
 * when they would be more. */
size_t credo__ev_unit_exact (credo_ev_pop *pop, size_t i, double *y,
                             long long k,
                             const credo_ev_input *in, size_t n_in,
                             double *spk);

/* ---- nonlinear units (engine/event_ode.c) ----------------------------
 *
 * A population with credo_spiking_desc.ode: after credo__ev_pop_init,
 * one CVODE integrator per unit from its state in y at t0 (tolerances and
 * method from s): 0, or -1 with a message. */
int credo__ev_ode_init (credo_ev_pop *pop, const credo_solver_spec *s,
                        double t0, double *y, char *msg, size_t len);
void credo__ev_ode_free (credo_ev_pop *pop);
/* The state in y was set from outside (a reset): each unit restarts from
 * it at its next step. */
void credo__ev_ode_stale (credo_ev_pop *pop);
/* As credo__ev_unit_exact for such a unit; (size_t) -2 when CVODE
 * fails. */
size_t credo__ev_ode_unit (credo_ev_pop *pop, size_t i, double *y,
                           long long k, const credo_ev_input *in,
                           size_t n_in, double *spk);

/* ---- plasticity (engine/event_stdp.c) ---------------------------------
 *
 * Pair-based STDP of one projection (pr->plastic): its weights per
 * synapse (from pr's), traces per unit.  Events must come in time order:
 * a presynaptic spike arriving at presynaptic unit j's synapses at t, a
 * spike of postsynaptic unit i at t. */
typedef struct credo_ev_stdp credo_ev_stdp;
credo_ev_stdp *credo__ev_stdp_new (const credo_spk_proj *pr, size_t n_pre,
                                   size_t n_post);
void credo__ev_stdp_free (credo_ev_stdp *s);
const double *credo__ev_stdp_weights (const credo_ev_stdp *s);
void credo__ev_stdp_pre (credo_ev_stdp *s, size_t j, double t);
void credo__ev_stdp_post (credo_ev_stdp *s, size_t i, double t);

/* ---- the registry (engine/registry.c) ------------------------------------ */

/* The engine called `name`, or NULL. */
const credo_engine_type *credo__engine_find (const char *name);
/* Every engine, NULL-terminated, in the order `credo check` lists them. */
const credo_engine_type *const *credo__engine_list (void);
/* The default engine (cvode). */
const credo_engine_type *credo__engine_default (void);

/* Replaces the arithmetic ops of a serial N_Vector with compiled kernels
 * (nvector_fast.c); declared through the struct tag to keep SUNDIALS'
 * headers out of this one. */
struct _generic_N_Vector;
void credo__nvector_fast (struct _generic_N_Vector *v);
/* Error norms per sample of a batched system: while set to P > 0 (on
 * this thread), the weighted RMS norms of vectors whose length is a
 * multiple of P are the largest of the norms of their blocks of P (one
 * sample each), so that every sample meets the tolerance on its own,
 * whatever its companions.  Returns the previous value. */
size_t credo__nvector_batch_block (size_t P);

/* Shared by the adaptive engines (registry.c): a += b, counter by
 * counter; the observer's samples up to t_stop of a system without state
 * (y), *t set to t_stop; after an accepted step at t, the observer's step
 * callback and the stop request: 0, CREDO_OBSERVER_DONE, CREDO_EINTR or
 * the callback's error. */
void credo__solver_stats_add (credo_solver_stats *a,
                              const credo_solver_stats *b);
int credo__engine_sample_only (credo_ctx *ctx, const credo_observer *obs,
                               const double *y, double *t, double t_stop);
int credo__engine_after_step (credo_ctx *ctx, const credo_observer *obs,
                              double t, const double *y);
/* The observer's samples up to t_reached from the engine's dense output
 * (dense (e, t): the state at t, or NULL on failure). */
int credo__engine_dense_samples (credo_ctx *ctx, const credo_observer *obs,
                                 double t_reached,
                                 const double *(*dense) (void *e, double t),
                                 void *e);
/* advance (e, t_stop, obs) with the per-sample error norms of a batched
 * system (credo__nvector_batch_block) in force. */
int credo__engine_batched (const credo_system *sys,
                           int (*advance) (void *e, double t_stop,
                                           const credo_observer *obs),
                           void *e, double t_stop, const credo_observer *obs);

#endif /* CREDO_ENGINE_H */
