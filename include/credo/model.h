/* include/credo/model.h -- the model interface: one ops table per neuron model.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A model describes one population's units: state variables, input ports,
 * output ports and parameters, each in a descriptor table that the config
 * loader, `credo models` and the HDF5 metadata writer all read, so the
 * documentation cannot drift from the code.  Models are unit-local: the
 * derivative of unit i depends only on unit i's state and on the values of
 * its own input ports; an output of unit i depends only on unit i's state
 * (and, for clamped models, on a stimulus-fed port).  Coupling between units
 * happens only through projections, which the network applies as BLAS calls.
 *
 * State is stored variable-major: variable a of unit i is y[a*n + i].  Port
 * arrays are likewise one contiguous array of n values per port.
 */
#ifndef CREDO_MODEL_H
#define CREDO_MODEL_H

#include <stddef.h>

#include "credo/transfer.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CREDO_MODEL_VERSION 1

/* A state variable: name as typed in configs ("u"), unit, the scale that
 * multiplies the solver's absolute tolerance, and one line of meaning. */
typedef struct credo_var_desc
{
  const char *name;
  const char *unit;
  double atol_scale;
  const char *doc;
} credo_var_desc;

/* Port flags. */
enum
{
  CREDO_PORT_STIMULUS_ONLY = 1, /* only stimuli may feed it (clamped input) */
  /* An output computed from the state AND the summed inputs (e.g. a
   * dendritic prediction), by the `derived` slot after the projections are
   * summed.  It can be recorded and read by plasticity rules but cannot be
   * the source of a projection (that would be an algebraic loop). */
  CREDO_PORT_DERIVED = 2
};

typedef struct credo_port_desc
{
  const char *name;
  const char *unit;
  unsigned flags;
  const char *doc;
} credo_port_desc;

/* A parameter is a real number in [min, max], or, when `choices` is non-NULL,
 * one name from the NULL-terminated list, stored as its index. */
typedef struct credo_param_desc
{
  const char *name;
  double def;
  const char *unit;
  double min, max;
  const char *const *choices;
  const char *doc;
} credo_param_desc;

/* What a model function sees of its population.  All arrays are borrowed. */
typedef struct credo_pop_view
{
  size_t n;                /* number of units */
  const double *p;         /* parameters, in descriptor order */
  const double *const *in; /* in[port][i]: summed input of each input port */
} credo_pop_view;

/* Derivatives of the unit-local equations at one state, each array
 * variable-major over units: dfdy[(a*n_var + b)*n + i] = d f_a / d y_b,
 * dfdin[(a*n_in + q)*n + i] = d f_a / d in_q,
 * dody[(o*n_var + b)*n + i] = d out_o / d y_b of unit i, and for derived
 * outputs also dodin[(o*n_in + q)*n + i] = d out_o / d in_q.  The network
 * assembles the exact Jacobian (dense) and J*v (matrix-free) from them. */
typedef struct credo_local_jac
{
  double *dfdy;
  double *dfdin;
  double *dody;
  double *dodin;
} credo_local_jac;

/* How a model reads as one layer of the equivalent feed-forward network,
 * for reference gradients (backprop, Gauss-Newton...): at rest, without
 * teaching and with the error ports silent, a unit's potential is
 * u = gain(p) * (summed input of port `input`) + offset(p) and its rate
 * phi(u). */
typedef struct credo_ff_desc
{
  const char *input;               /* the port forward projections feed */
  double (*gain) (const double *p); /* the attenuation of that input */
  /* writes the transfer function phi of parameters p into *phi */
  void (*phi) (const double *p, credo_transfer *phi);
  const char *rate;   /* the output port holding phi(u) */
  const char *target; /* input port of a target potential, or NULL */
  const char *gate;   /* input port switching the target on, or NULL */
  /* input ports whose sum is the unit's error compartment (the apical
   * potential), NULL-terminated; NULL: none */
  const char *const *error;
  /* a constant added to the forward input (a bias), or NULL (none) */
  double (*offset) (const double *p);
} credo_ff_desc;

/* Nonlinear subthreshold dynamics (credo_spiking_desc.ode): the event
 * engine integrates the model's rhs (called with one unit) by CVODE and
 * finds the spikes as roots v = p[p_v_th]; at a spike v = p[p_v_reset]
 * and, when var_jump >= 0, that variable jumps by p[p_jump]. */
typedef struct credo_spiking_ode
{
  void (*rhs) (const credo_pop_view *v, double t, const double *y,
               double *ydot);
  size_t n_var; /* the model's */
  int var_jump, p_jump;
} credo_spiking_ode;

/* A spiking unit whose subthreshold dynamics are linear, so that the event
 * engine advances it with the exact propagator (Rotter & Diesmann 1999)
 * and locates threshold crossings on the closed-form trajectory (Morrison
 * et al. 2007):
 *   tau_m dv/dt = -(v - v_rest - bias) + sum_k I_k,   tau_k dI_k/dt = -I_k;
 * v reaching v_th is a spike, after which v is held at v_reset for t_ref.
 * A spike of weight w arriving on input port syn_port[k] adds w to I_k.
 * Fields are indices: var_* into the state variables, p_* into the
 * parameters.  A spike source (n_var == 0) sets `source` instead: 1, a
 * Poisson process of rate p[p_rate] Hz per unit; 2, the spike times given
 * with its population (credo_pop_spec.spikes). */
typedef struct credo_spiking_desc
{
  int var_v;
  int p_tau_m, p_v_rest, p_bias, p_v_th, p_v_reset, p_t_ref;
  size_t n_syn;
  const int *syn_var;  /* state index of each current I_k */
  const int *syn_tau;  /* parameter index of its time constant */
  const int *syn_port; /* input port whose spikes jump it */
  int source;          /* 0: a neuron; 1, 2: a spike source */
  int p_rate;          /* source: parameter index of the rate (Hz) */
  /* NULL: linear subthreshold dynamics as above (p_tau_m ... p_t_ref
   * used); else nonlinear ones (only var_v, p_v_th, p_v_reset and the
   * synaptic currents' syn_var and syn_port used; no refractory time) */
  const credo_spiking_ode *ode;
} credo_spiking_desc;

typedef struct credo_model_type
{
  int version; /* CREDO_MODEL_VERSION; later slots are appended after it */
  const char *name;
  const char *doc; /* one paragraph: equations and references */

  size_t n_var;
  const credo_var_desc *vars;
  size_t n_in;
  const credo_port_desc *inputs;
  size_t n_out;
  const credo_port_desc *outputs;
  size_t n_param;
  const credo_param_desc *params;

  /* Cross-parameter validation after each value passed its range check.
   * Returns 0, or writes a message into msg and returns -1.  May be NULL. */
  int (*check)(const double *p, char *msg, size_t len);

  /* Initial state (resting state) of every unit.  May be NULL (zeros). */
  void (*init)(const credo_pop_view *v, double *y);

  /* Fill the output ports: out[o][i].  Reads y and, for stimulus-only
   * input ports, v->in. */
  void (*output)(const credo_pop_view *v, double t, const double *y,
                 double *const *out);

  /* dy/dt of every unit, given the summed inputs in v->in. May be NULL when
   * n_var == 0. */
  void (*rhs)(const credo_pop_view *v, double t, const double *y, double *ydot);

  /* Local derivatives at (t, y, v->in), see credo_local_jac. */
  void (*jacobian)(const credo_pop_view *v, double t, const double *y,
                   const credo_local_jac *jac);

  /* White-noise amplitude sigma of state variable `var` (units of the
   * variable per sqrt(ms)): dy = f dt + sigma dW.  NULL or 0 = deterministic.
   * Noisy circuits run on the Euler-Maruyama engine. */
  double (*noise)(const double *p, size_t var);

  /* Fill the CREDO_PORT_DERIVED output ports from y and the summed inputs
   * v->in.  May be NULL when the model has none. */
  void (*derived)(const credo_pop_view *v, double t, const double *y,
                  double *const *out);

  /* Its feed-forward reading, or NULL (the model cannot be a layer of a
   * chain that reference gradients are computed for). */
  const credo_ff_desc *ff;

  /* Whether the state is still meaningful (e.g. a controller that has not
   * diverged), checked after every engine step: 0, or -1 with a message
   * naming the unit and what to change.  May be NULL. */
  int (*guard)(const credo_pop_view *v, const double *y, char *msg,
               size_t len);

  /* A spiking model's description for the event engine, or NULL (a rate
   * model: continuous engines only). */
  const credo_spiking_desc *spiking;
} credo_model_type;

/* The registry of built-in models (src/models.c). */
const credo_model_type *credo_model_find (const char *name);
const credo_model_type *const *credo_model_list (void);

/* Index of a named variable / port / parameter, or -1. */
int credo_model_var_index (const credo_model_type *m, const char *name);
int credo_model_input_index (const credo_model_type *m, const char *name);
int credo_model_output_index (const credo_model_type *m, const char *name);
int credo_model_param_index (const credo_model_type *m, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CREDO_MODEL_H */
