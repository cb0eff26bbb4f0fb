/* src/net/system.h -- the network as engines see it: a system of ODEs.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * As GSL keeps gsl_odeiv2_system apart from its steppers, an engine sees
 * only this: a dimension, the right-hand side, the analytic Jacobian in
 * three forms (J*v, dense, diagonal), the noise amplitudes and a way to name
 * a state component in messages.  It never sees populations, the spec or
 * the recorder.  Slots an engine does not need may be NULL; the ones marked
 * "later" are filled by no network yet and exist so that the event engine
 * (spike roots) and the batched engine (reductions over a minibatch) are
 * one more engine each, not a fork of the interface.  Includes only base/.
 */
#ifndef CREDO_NET_SYSTEM_H
#define CREDO_NET_SYSTEM_H

#include <stdint.h>

#include "base/base.h"

struct credo_spiking_desc; /* credo/model.h */

/* A spiking population as the event engine sees it. */
typedef struct credo_spk_pop
{
  const struct credo_spiking_desc *d;
  const double *p;  /* its parameters */
  size_t n, offset; /* units; the first state index in y */
  const char *name; /* for messages */
  /* a source replaying spikes: n_spikes times (sorted) and their units */
  size_t n_spikes;
  const double *spike_times;
  const uint32_t *spike_units;
  /* a Poisson source whose rate follows stimuli: rate_at gives unit i's
   * rate (Hz, >= 0) at t (ms), rate_max[i] a bound on it over the run;
   * rate_at NULL: the constant rate parameter */
  double (*rate_at) (const void *ud, size_t i, double t);
  const void *rate_ud;
  const double *rate_max;
} credo_spk_pop;

/* Pair-based STDP of a spiking projection (engine/event_stdp.c). */
typedef struct credo_spk_stdp
{
  double A_plus, A_minus, tau_plus, tau_minus, w_min, w_max;
} credo_spk_stdp;

/* A projection between spiking populations: spikes of presynaptic unit j
 * arrive `delay` ms later at the units post_idx[ptr[j] .. ptr[j+1]) of
 * population `post`, adding w to its synaptic current `syn`. */
typedef struct credo_spk_proj
{
  size_t pre, post, syn;
  double delay;
  const size_t *ptr;        /* [n_pre + 1] */
  const uint32_t *post_idx; /* increasing within a row */
  const double *w;          /* NULL: every synapse has the weight w_all */
  double w_all;
  double w_max;             /* the largest weight (bounds an input's rise) */
  /* rule stdp: its settings, and the matrix the weight snapshots read
   * (dense: post x pre, `cols` columns; diag: one-to-one, the diagonal),
   * which the engine keeps up to date, or NULL (random connectivity) */
  int plastic;
  credo_spk_stdp stdp;
  double *w_dense;
  int diag;
  size_t cols;
} credo_spk_proj;

typedef struct credo_spk_net
{
  size_t n_pops, n_projs;
  const credo_spk_pop *pops; /* in the network's population order */
  const credo_spk_proj *projs;
} credo_spk_net;

typedef struct credo_system
{
  credo_ctx *ctx;
  size_t n;            /* state dimension */
  size_t batch;        /* independent copies stacked in y (1 today) */
  const double *atol;  /* per-component absolute tolerance */
  double duration;     /* of the whole run, ms */
  unsigned long seed;  /* the run's seed (noise streams derive from it) */
  void *ud;            /* passed to every slot */

  /* dy/dt at (t, y): 0, or 1 (recoverable) when ydot is not finite. */
  int (*rhs) (void *ud, double t, const double *y, double *ydot);
  /* Local derivatives at (t, y), kept for the next three slots. */
  void (*jac_setup) (void *ud, double t, const double *y);
  /* jv = J v with J from the last jac_setup. */
  void (*jtimes) (void *ud, const double *v, double *jv);
  /* Dense J, column-major n x n with leading dimension ld. */
  void (*jac_dense) (void *ud, double *J, size_t ld);
  /* Its diagonal into d[n] (Jacobi preconditioner). */
  void (*jac_diag) (void *ud, double *d);
  /* White-noise amplitude of every component into sigma[n] (dy = f dt +
   * sigma dW); sets *any when one is > 0.  0 or an error code. */
  int (*noise) (void *ud, double *sigma, int *any);
  /* "population 'h', variable 'u', unit 3" for component i into buf;
   * 0, or -1 when i names no neuron state (a weight). */
  int (*describe) (void *ud, size_t i, char *buf, size_t len);

  /* later: n_roots root functions g(t, y) whose zero crossings are events
   * (spikes), and what happens at one (a reset). */
  size_t n_roots;
  int (*roots) (void *ud, double t, const double *y, double *g);
  int (*on_event) (void *ud, double t, double *y, const int *which);
  /* later: combine per-copy results of a batched system (the mean weight
   * update of a minibatch) into out. */
  int (*reduce) (void *ud, const double *y, double *out);
  /* The spiking view for the event engine, or NULL (a rate network). */
  const credo_spk_net *spk;
} credo_system;

/* An observer's step: done, stop here (not an error). */
#define CREDO_OBSERVER_DONE 2

/* What an engine reports to while it advances: the driver's samplers, or
 * a protocol watching a relaxation. */
typedef struct credo_observer
{
  /* The next time (> the last sampled one) at which a sample is wanted,
   * or INFINITY. */
  double (*next_time) (void *ud);
  /* Sample at time t with state y (interpolated). Nonzero = stop. */
  int (*sample) (void *ud, double t, const double *y);
  /* Called after every internal step (t, y at the step).  Nonzero = stop;
   * a negative CREDO_E* code (with the message in the context) is what
   * the engine returns; CREDO_OBSERVER_DONE stops there without an error
   * (a relaxation that has converged): advance returns it, the state
   * stays at that step. */
  int (*step) (void *ud, double t, const double *y);
  /* Spikes of population `pop` (event engines): n unit indices and their
   * times, in time order, after every earlier spike.  NULL: not wanted.
   * Nonzero = stop, as for step. */
  int (*spikes) (void *ud, size_t pop, size_t n, const uint32_t *ids,
                 const double *t);
  void *ud;
} credo_observer;

#endif /* CREDO_NET_SYSTEM_H */
