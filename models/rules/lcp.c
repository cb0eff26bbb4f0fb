/* models/rules/lcp.c -- the plasticity rules of the least-control
 * principle (Meulemans, Zucchet, Kobayashi, von Oswald & Sacramento 2022,
 * NeurIPS).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   lcp            tau_W dW/dt = psi r_pre^T      (eta = 1/tau_W)
 *
 * psi is the control the post population (implicit_rate) receives on its
 * port `control`: the dynamic-inversion state e, linear feedback Q u, or
 * for the readout the controller's u.  At the controlled steady state it
 * is minus the gradient of the least-control objective H = 1/2 ||psi*||^2
 * with respect to the weights of f = W sigma(v) + U x: Delta W = e*
 * sigma(v*)^T, Delta U = e* x^T, Delta D = u* sigma(v*)^T -- local and
 * single-phase.  The learning protocol "lcp" evaluates it at the end of a
 * window; integrated with the dynamics it is the continuous rule.
 *
 *   kolen_pollack  tau_B dB/dt = sigma(v) e_pre^T
 *
 * for a feedback projection (above).e -> dynamic_inversion.feedback, or
 * ctrl.u -> dynamic_inversion.feedback: sigma(v) is the controlled
 * layer's rate on the dynamic-inversion population's port `rate`, e_pre
 * the presynaptic control, so dB/dt = (dW/dt)^T of the forward projection
 * B mirrors (Kolen & Pollack 1994; LCP-KP): B and W^T receive the same
 * updates, and with weight decay their difference decays.
 */
#include <stddef.h>

#include "credo/rule.h"

const credo_rule_type credo_rule_lcp = CREDO_RULE_ERROR_TIMES_RATE (
    "lcp",
    "tau_W dW/dt = psi r_pre^T: the least-control rule (Meulemans et al. "
    "2022), the post population's control psi (port `control`) times the "
    "presynaptic rate; at the controlled steady state minus the gradient of "
    "1/2 ||psi||^2",
    CREDO_SIGNAL_INPUT, "control", CREDO_SIGNAL_ZERO, NULL);

const credo_rule_type credo_rule_kolen_pollack = CREDO_RULE_ERROR_TIMES_RATE (
    "kolen_pollack",
    "tau_B dB/dt = sigma(v) e_pre^T: learned feedback of the least-control "
    "dynamic inversion (Kolen & Pollack 1994; Meulemans et al. 2022), the "
    "controlled layer's rate (port `rate` of the dynamic_inversion "
    "population) times the presynaptic control: the transpose of the "
    "forward rule's update",
    CREDO_SIGNAL_INPUT, "rate", CREDO_SIGNAL_ZERO, NULL);
