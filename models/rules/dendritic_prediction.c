/* models/rules/dendritic_prediction.c -- dendritic prediction of somatic
 * activity (Urbanczik & Senn 2014, rate form; SAC18 Eqs. 7-8).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   dW/dt = eta (phi(u) - phi(v_hat)) r_pre^T
 *
 * phi(u) is the post population's output `r`; phi(v_hat) is its output
 * `<port>_pred` for the dendritic port the projection feeds (pyramidal
 * basal: v_hat = g_B/(g_lk+g_B+g_A) v_B; interneuron dendrite:
 * v_hat = g_D/(g_lk+g_D) v; pyramidal topdown: v_hat = v_TD, which makes it
 * SAC18's plastic top-down rule, Eq. 10).  The fixed point is a dendrite
 * that predicts the somatic rate.
 */
#include <stddef.h>

#include "credo/rule.h"

const credo_rule_type credo_rule_dendritic_prediction
    = CREDO_RULE_ERROR_TIMES_RATE (
        "dendritic_prediction",
        "dW/dt = eta (phi(u) - phi(v_hat)) r_pre^T: the dendrite learns to "
        "predict the somatic rate (Urbanczik & Senn 2014; SAC18 Eqs. 7-8)",
        CREDO_SIGNAL_OUTPUT, "r", CREDO_SIGNAL_OWN_PRED, NULL);
