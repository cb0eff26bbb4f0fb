/* include/credo/rule.h -- plasticity rules: weight dynamics as ODEs.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A plastic projection's weights W (post x pre, row-major; one-to-one:
 * the diagonal, post x 1) are states of the one ODE system, integrated by
 * the engine together with the neurons.  A rule is an ops table, like a
 * model (credo/model.h): it declares the signals it reads from the
 * post-synaptic population, how many weight-shaped state blocks it keeps
 * besides W (traces, filtered inductions, running averages), and supplies
 * their right-hand side and its exact J*v.
 *
 * The common form, every built-in rule today,
 *
 *   dW/dt = g eta e r_pre^T                        (tau_w = 0), or
 *   tau_w dD/dt = -D + e r_pre^T,  dW/dt = g eta D   (low-pass filtered, SAC18)
 *
 * with e = sig[0] - sig[1] (two signals), the learning-window gate g and
 * hard bounds, is a table of two signals plus the credo_rule_ert_* helpers
 * below.  A rule of another form supplies its own functions (oja.c;
 * dfc_feedback.c, which also uses the weight decay `decay`).
 */
#ifndef CREDO_RULE_H
#define CREDO_RULE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CREDO_RULE_VERSION 3 /* 3: syn_view.decay, rule_type.uses_decay */

typedef enum credo_signal_kind
{
  CREDO_SIGNAL_ZERO = 0, /* the constant 0 (e.g. a resting potential) */
  CREDO_SIGNAL_OUTPUT,   /* an output port of the post population */
  CREDO_SIGNAL_INPUT,    /* an input port of the post population */
  CREDO_SIGNAL_OWN_INPUT,/* the input port this projection feeds */
  CREDO_SIGNAL_OWN_PRED  /* the output port "<fed port>_pred" */
} credo_signal_kind;

/* A post-synaptic signal a rule reads: one value per post unit. */
typedef struct credo_rule_signal
{
  credo_signal_kind kind;
  const char *port; /* port name for OUTPUT / INPUT kinds */
} credo_rule_signal;

#define CREDO_RULE_MAX_SIGNALS 4

/* What a rule's functions see of one plastic projection.  All arrays are
 * borrowed; blocks are rows x cols, row-major like W. */
typedef struct credo_syn_view
{
  size_t rows, cols; /* post x pre; one-to-one: rows x 1 (the diagonal) */
  int one_to_one;    /* then W[i] connects pre unit i to post unit i */
  double eta;        /* learning rate */
  double tau_w;      /* filter time constant (ms), 0 = none */
  double w_min, w_max; /* hard bounds */
  double gate;       /* 1 inside the learning window [start, stop), else 0 */
  /* the presynaptic output; in jtimes, its value at the last jac_setup */
  const double *r;
  const double *dr;  /* jtimes: its perturbation (NULL: constant input) */
  /* the rule's signals (NULL: the constant 0) and, in jtimes, their
   * perturbations (which include the dW r_pre term of projections) */
  const double *sig[CREDO_RULE_MAX_SIGNALS];
  const double *dsig[CREDO_RULE_MAX_SIGNALS];
  double *scratch;   /* scratch_size values, kept from jac_setup to jtimes */
  /* the weight decay beta of the plasticity setting `decay` (>= 0; 0
   * unless the rule's table sets uses_decay) */
  double decay;
} credo_syn_view;

typedef struct credo_rule_type
{
  int version; /* CREDO_RULE_VERSION; later slots are appended */
  const char *name;
  const char *doc; /* the equation and its reference */

  size_t n_signal; /* <= CREDO_RULE_MAX_SIGNALS */
  credo_rule_signal signals[CREDO_RULE_MAX_SIGNALS];

  /* Rejects settings the rule cannot honour (e.g. a filter it does not
   * have): 0, or a message in msg and -1.  May be NULL. */
  int (*check) (const credo_syn_view *v, char *msg, size_t len);
  /* State blocks besides W (each rows x cols), and their names in the
   * state ("dw" for a filtered induction).  n_blocks may be NULL (none). */
  size_t (*n_blocks) (const credo_syn_view *v);
  const char *const *block_names;
  /* Scratch values the rule needs between jac_setup and jtimes. */
  size_t (*scratch_size) (const credo_syn_view *v);

  /* dW/dt and dS/dt of the blocks S (S, dS: NULL without blocks). */
  void (*rhs) (const credo_syn_view *v, double t, const double *W,
               const double *S, double *dW, double *dS);
  /* Keeps in v->scratch what jtimes needs of the state at (t, W, S). */
  void (*jac_setup) (const credo_syn_view *v, double t, const double *W,
                     const double *S);
  /* jW, jS = J (vW, vS) for this projection's rows of the Jacobian, with
   * the post signals' perturbations in v->dsig. */
  void (*jtimes) (const credo_syn_view *v, const double *W, const double *S,
                  const double *vW, const double *vS, double *jW, double *jS);
  /* The diagonal of those rows (Jacobi preconditioner). */
  void (*diag) (const credo_syn_view *v, double *dW, double *dS);

  /* Nonzero: the rule reads v->decay (the plasticity setting `decay`);
   * every other rule refuses decay > 0. */
  int uses_decay;
} credo_rule_type;

/* ---- the common form: error times presynaptic rate ----------------------- */

/* A rule table of that form: name, doc, the two signals of e = plus -
 * minus, and the helpers below. */
#define CREDO_RULE_ERROR_TIMES_RATE(NAME, DOC, PLUS_KIND, PLUS, MINUS_KIND,    \
                                    MINUS)                                     \
  {                                                                            \
    CREDO_RULE_VERSION, NAME, DOC, 2,                                          \
        { { PLUS_KIND, PLUS }, { MINUS_KIND, MINUS } }, NULL,                  \
        credo_rule_ert_blocks, credo_rule_ert_block_names,                     \
        credo_rule_ert_scratch, credo_rule_ert_rhs, credo_rule_ert_jac_setup,  \
        credo_rule_ert_jtimes, credo_rule_ert_diag, 0                          \
  }

size_t credo_rule_ert_blocks (const credo_syn_view *v);
extern const char *const credo_rule_ert_block_names[];
size_t credo_rule_ert_scratch (const credo_syn_view *v);
void credo_rule_ert_rhs (const credo_syn_view *v, double t, const double *W,
                         const double *S, double *dW, double *dS);
void credo_rule_ert_jac_setup (const credo_syn_view *v, double t,
                               const double *W, const double *S);
void credo_rule_ert_jtimes (const credo_syn_view *v, const double *W,
                            const double *S, const double *vW,
                            const double *vS, double *jW, double *jS);
void credo_rule_ert_diag (const credo_syn_view *v, double *dW, double *dS);

/* Hard bounds: the drift dw of a weight w at a bound that points outwards
 * is held at 0. */
static inline int
credo_rule_held (const credo_syn_view *v, double w, double dw)
{
  return (w >= v->w_max && dw > 0) || (w <= v->w_min && dw < 0);
}

/* The registry (models/registry.c). */
const credo_rule_type *credo_rule_find (const char *name);
const credo_rule_type *const *credo_rule_list (void);

#ifdef __cplusplus
}
#endif

#endif /* CREDO_RULE_H */
