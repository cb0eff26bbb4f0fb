/* src/net/net.h -- the network built from a spec: populations,
 * projections, stimuli and plastic weights laid out in one state vector,
 * with its right-hand side and analytic Jacobians.  Never installed.
 *
 * May include: spec/spec.h (types only), base/, the public model and rule
 * tables.  Used by learn/ and run/; engines see only its system view
 * (net/system.h).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_NET_H
#define CREDO_NET_H

#include <gsl/gsl_rng.h>

#include "net/system.h"
#include "spec/spec.h"

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
  const credo_rule_type *rule;
  size_t w_offset;   /* W's first index in y; the rule's blocks follow */
  size_t n_blocks;   /* state blocks besides W, each rows*cols: the rule's,
                        then (mode ACCUMULATE) the quadrature of the rule */
  size_t n_rule_blocks;
  credo_syn_view view; /* what the rule sees: sizes, settings, signals */
  double *r_saved;   /* presynaptic rate at the last jac setup */
  double learn;      /* the window gate at the last jac setup */
  /* onto a spiking population: the synapses by presynaptic unit (random
   * connectivity has these only, w NULL) */
  size_t nnz;
  size_t *syn_ptr;
  uint32_t *syn_post;
  double *syn_w;
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
  /* Inputs set from outside instead of the stimuli (credo__net_clamp):
   * while values is set, the stimuli of populations pop and mute are
   * ignored and values feed pop's input port `port`. */
  struct
  {
    const double *values;
    int pop, port, mute;
  } clamp;
  /* The driver integrates between discontinuities; piece_t is a time
   * inside the current segment (NaN: none set).  Which piece of a
   * piecewise stimulus or learning window applies is chosen at piece_t,
   * so the RHS at a segment's end is the left limit: the step that lands
   * on a switch never sees the next sample. */
  double piece_t;
  /* The order of summing projections and computing derived outputs
   * (spec/order.c); derived_sources: some derived output feeds a
   * projection, so the Jacobian is assembled from J*v columns. */
  credo_eval_step *steps;
  size_t n_steps;
  int derived_sources;
  /* the event engine's view (net/spiking.c); spk.pops NULL: none */
  credo_spk_net spk;
  struct credo_spk_rate *spk_rates; /* per population: its rate stimuli */
} credo_net;

credo_net *credo__net_build (credo_ctx *ctx, const credo_spec *spec);
/* The network as a system of ODEs for an engine (net/system.c); *sys
 * borrows net. */
void credo__net_system (credo_net *net, credo_system *sys);
void credo__net_free (credo_net *net);
void credo__net_init_state (const credo_net *net, double *y);
/* Replaces the stimuli of population `pop` by `values` on its input port
 * `port` and silences the stimuli of population `mute` (-1: none), until
 * values = NULL: how a protocol presents a test input without teaching (or
 * a free phase).  Borrows values. */
void credo__net_clamp (credo_net *net, int pop, int port, int mute,
                       const double *values);
/* Every model's guard on the state y reached at time t: 0, or
 * CREDO_ESOLVER with "t = ... ms: population 'P' (model M): ..." in ctx. */
int credo__net_guard (credo_net *net, double t, const double *y);
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
/* Plasticity (plasticity.c): the rule's view of a projection (sizes,
 * settings) and its number of state blocks, before the layout; then its
 * signals and scratch; then the weight blocks' RHS, J*v and diagonal
 * through the rule's ops, gated by the learning window at t. */
int credo__plast_layout (credo_net *net, credo_proj *pr, size_t rows,
                         size_t cols);
int credo__plast_resolve (credo_net *net, credo_proj *pr);
void credo__plast_rhs (credo_net *net, double t, const double *y,
                       double *ydot);
void credo__plast_jac_setup (credo_net *net, double t, const double *y);
void credo__plast_jtimes (credo_net *net, const double *y, const double *v,
                          double *jv);
void credo__plast_diag (credo_net *net, double *d);
/* The quadrature block of a projection in mode ACCUMULATE inside a
 * state-shaped array y (rows x cols: the rule integrated since it was last
 * zeroed), or NULL. */
double *credo__plast_accumulator (const credo_proj *pr, double *y);
/* Learning-window edges in (t0, t1), appended like credo__stim_breaks. */
int credo__plast_breaks (const credo_spec *spec, double t0, double t1,
                         double **times, size_t *n, size_t *cap);
/* Locates "pop.var"; returns 0 and fills kind/pop/index, or -1. */
int credo__net_lookup (const credo_net *net, const char *what, int *pop,
                       credo_rec_kind *kind, int *index);

/* Fills w[0..n-1] from a constant, uniform or normal initialiser, drawing
 * from rng (network.c). */
void credo__net_draw_weights (const credo_init_spec *in, gsl_rng *rng,
                              size_t n, double *w);
/* Spiking networks (net/spiking.c): the synapses of a random projection
 * (drawn from rng), then the event engine's view of the network.  0 or an
 * error code. */
int credo__spk_random (credo_net *net, credo_proj *pr, gsl_rng *rng);
int credo__spk_build (credo_net *net);
void credo__spk_free (credo_net *net);

/* ---- stimuli (net/stimulus.c) -------------------------------------------- */

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
/* Unit i's value of the stimulus at t (right-continuous), and an upper
 * bound on it over all time (>= 0: outside its window it gives 0). */
double credo__stim_value (const credo_stim_spec *s, double t, size_t i);
double credo__stim_max (const credo_stim_spec *s, size_t i);
/* Appends the stimulus' discontinuity times in (t0, t1) to *times. */
/* Appends t to a growing array of times (the breaks functions' output):
 * 0 or CREDO_ENOMEM. */
int credo__times_push (double t, double **times, size_t *n, size_t *cap);
int credo__stim_breaks (const credo_stim_spec *s, double t0, double t1,
                        double **times, size_t *n, size_t *cap);


#endif /* CREDO_NET_H */
