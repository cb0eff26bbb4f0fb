/* models/rules/dfc.c -- the forward rule of Deep Feedback Control
 * (Meulemans et al. 2021, NeurIPS).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   tau_W dW/dt = (phi(v) - phi(v_B)) r_pre^T      (eta = 1/tau_W)
 *
 * phi(v) is the post population's rate `r` and phi(v_B) its basal
 * prediction `basal_pred` (models/neurons/dfc_neuron.c): local in space
 * and time.  Integrated with the dynamics it is the paper's continuous
 * rule; once the controller has settled, (phi(v) - phi(v_B)) is the
 * voltage change the controller asked of the layer (times phi'), and the
 * update approximates a Gauss-Newton step, or backprop for a large leak
 * alpha (the paper's analysis).  The same form as dendritic_prediction.
 *
 * `dfc_voltage` is the authors' "voltage difference" form of the same
 * rule, tau_W dW/dt = (v - v_B) r_pre^T: without the transfer function's
 * slope it is, at the steady state, exactly the voltage change the
 * controller asked for, so it meets the linear Gauss-Newton update (Q
 * spanning J^T, alpha -> 0) and minus the backprop gradient (large alpha)
 * without the extra factor phi'(v) the rate form carries.
 */
#include <stddef.h>

#include "credo/rule.h"

const credo_rule_type credo_rule_dfc = CREDO_RULE_ERROR_TIMES_RATE (
    "dfc",
    "tau_W dW/dt = (phi(v) - phi(v_B)) r_pre^T: Deep Feedback Control's "
    "forward rule, the rate minus the basal prediction (Meulemans et al. "
    "2021)",
    CREDO_SIGNAL_OUTPUT, "r", CREDO_SIGNAL_OUTPUT, "basal_pred");

const credo_rule_type credo_rule_dfc_voltage = CREDO_RULE_ERROR_TIMES_RATE (
    "dfc_voltage",
    "tau_W dW/dt = (v - v_B) r_pre^T: Deep Feedback Control's forward rule "
    "in its voltage-difference form, the somatic potential minus the basal "
    "potential (Meulemans et al. 2021)",
    CREDO_SIGNAL_OUTPUT, "v", CREDO_SIGNAL_OUTPUT, "basal_hat");
