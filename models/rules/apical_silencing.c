/* models/rules/apical_silencing.c -- interneuron-to-apical plasticity that
 * silences the apical compartment (SAC18 Eq. 9).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   dW/dt = eta (v_rest - v_A) r_pre^T,   v_rest = 0
 *
 * v_A is the summed input of the apical port the projection feeds.  In the
 * self-predicting state the interneurons cancel the top-down input and
 * v_A = 0 is a fixed point.
 */
#include <stddef.h>

#include "credo/rule.h"

const credo_rule_type credo_rule_apical_silencing
    = CREDO_RULE_ERROR_TIMES_RATE (
        "apical_silencing",
        "dW/dt = eta (0 - v_A) r_pre^T: interneurons learn to cancel the "
        "top-down input in the apical dendrite (SAC18 Eq. 9)",
        CREDO_SIGNAL_ZERO, NULL, CREDO_SIGNAL_OWN_INPUT, NULL);
