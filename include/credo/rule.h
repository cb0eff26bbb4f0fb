/* include/credo/rule.h -- plasticity rules: weight dynamics as ODEs.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A plastic projection's weights W (post x pre) are CVODE states.  Every
 * rule here has the error-times-presynaptic-rate form
 *
 *   dW/dt = eta * e r_pre^T                     (tau_w = 0), or
 *   tau_w dD/dt = -D + e r_pre^T,  dW/dt = eta D  (low-pass filtered, SAC18)
 *
 * where e = plus - minus is read from the post-synaptic population: an
 * output port, an input port, or nothing (zero).  A rule is a table naming
 * those two signals; the generic mathematics (RHS, exact J*v, bounds) lives
 * in src/plasticity.c.
 */
#ifndef CREDO_RULE_H
#define CREDO_RULE_H

#ifdef __cplusplus
extern "C" {
#endif

#define CREDO_RULE_VERSION 1

typedef enum credo_signal_kind
{
  CREDO_SIGNAL_ZERO = 0, /* the constant 0 (e.g. a resting potential) */
  CREDO_SIGNAL_OUTPUT,   /* an output port of the post population */
  CREDO_SIGNAL_INPUT,    /* an input port of the post population */
  CREDO_SIGNAL_OWN_INPUT,/* the input port this projection feeds */
  CREDO_SIGNAL_OWN_PRED  /* the output port "<fed port>_pred" */
} credo_signal_kind;

typedef struct credo_rule_type
{
  int version; /* CREDO_RULE_VERSION */
  const char *name;
  const char *doc;
  credo_signal_kind plus_kind;
  const char *plus; /* port name for OUTPUT / INPUT kinds */
  credo_signal_kind minus_kind;
  const char *minus;
} credo_rule_type;

const credo_rule_type *credo_rule_find (const char *name);
const credo_rule_type *const *credo_rule_list (void);

#ifdef __cplusplus
}
#endif

#endif /* CREDO_RULE_H */
