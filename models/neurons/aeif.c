/* models/neurons/aeif.c -- the adaptive exponential integrate-and-fire
 * neuron (Brette & Gerstner 2005) with exponential synaptic currents.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   C_m dv/dt = -g_L (v - E_L) + g_L Delta_T exp((v - V_T)/Delta_T)
 *               - w + I_e + I_i + I_ext,
 *   tau_w dw/dt = a (v - E_L) - w,
 *   tau_syn_e dI_e/dt = -I_e,   tau_syn_i dI_i/dt = -I_i     (mV, pA, ms)
 *
 * v reaching V_peak is a spike: v = V_reset, w += b.  A spike of weight w
 * (pA) on port exc adds w to I_e, on port inh to I_i.  Defaults: Brette &
 * Gerstner (2005), Table 1 (C_m 281 pF, g_L 30 nS, E_L -70.6 mV, V_T -50.4
 * mV, Delta_T 2 mV, tau_w 144 ms, a 4 nS, b 80.5 pA, V_reset = E_L) and
 * NEST's V_peak = 0 mV.  The subthreshold dynamics are not linear: the
 * event engine integrates each unit with its own CVODE instance and takes
 * the spike times from CVODE's root finder (engine/event_ode.c).
 */
#include <math.h>
#include <stdio.h>

#include "spike_port.h"

enum
{
  P_C_M, P_G_L, P_E_L, P_V_T, P_DELTA_T, P_TAU_W, P_A, P_B, P_V_RESET,
  P_V_PEAK, P_TAU_E, P_TAU_I, P_I_EXT, P_V0, P_W0, N_PARAM
};
enum { V, W, I_E, I_I };

static const credo_var_desc vars[] = {
  { "v", "mV", 1.0, "membrane potential" },
  { "w", "pA", 1.0, "adaptation current" },
  { "I_e", "pA", 1.0, "excitatory synaptic current" },
  { "I_i", "pA", 1.0, "inhibitory synaptic current" },
};

static const credo_port_desc inputs[] = {
  { "exc", "pA", 0, "spikes of weight w add w to I_e" },
  { "inh", "pA", 0, "spikes of weight w add w to I_i" },
};

static const credo_param_desc params[] = {
  { "C_m", 281.0, "pF", 1e-9, 1e12, NULL, "membrane capacitance" },
  { "g_L", 30.0, "nS", 1e-9, 1e12, NULL, "leak conductance" },
  { "E_L", -70.6, "mV", -1e6, 1e6, NULL, "leak reversal potential" },
  { "V_T", -50.4, "mV", -1e6, 1e6, NULL, "threshold of the exponential" },
  { "Delta_T", 2.0, "mV", 1e-3, 1e6, NULL, "slope factor" },
  { "tau_w", 144.0, "ms", 1e-6, 1e12, NULL, "adaptation time constant" },
  { "a", 4.0, "nS", -1e12, 1e12, NULL, "subthreshold adaptation" },
  { "b", 80.5, "pA", -1e12, 1e12, NULL, "spike-triggered adaptation" },
  { "V_reset", -70.6, "mV", -1e6, 1e6, NULL, "potential after a spike" },
  { "V_peak", 0.0, "mV", -1e6, 1e6, NULL, "a spike when v reaches it" },
  { "tau_syn_e", 5.0, "ms", 1e-6, 1e12, NULL,
    "excitatory current time constant" },
  { "tau_syn_i", 10.0, "ms", 1e-6, 1e12, NULL,
    "inhibitory current time constant" },
  { "I_ext", 0.0, "pA", -1e12, 1e12, NULL, "constant input current" },
  { "v0", -70.6, "mV", -1e6, 1e6, NULL, "initial potential" },
  { "w0", 0.0, "pA", -1e12, 1e12, NULL, "initial adaptation current" },
};

static const int syn_var[] = { I_E, I_I };
static const int syn_tau[] = { P_TAU_E, P_TAU_I };
static const int syn_port[] = { 0, 1 };

static void aeif_rhs (const credo_pop_view *v, double t, const double *y,
                      double *ydot);

static const credo_spiking_ode aeif_ode = { aeif_rhs, 4, W, P_B };

static const credo_spiking_desc aeif_spiking = {
  V, -1, -1, -1, P_V_PEAK, P_V_RESET, -1,
  2, syn_var, syn_tau, syn_port, 0, -1, &aeif_ode,
};

static int
aeif_check (const double *p, char *msg, size_t len)
{
  if (!(p[P_V_RESET] < p[P_V_PEAK] && p[P_V_T] < p[P_V_PEAK]))
    {
      snprintf (msg, len, "V_reset (%g mV) and V_T (%g mV) must be below "
                "V_peak (%g mV)", p[P_V_RESET], p[P_V_T], p[P_V_PEAK]);
      return -1;
    }
  return 0;
}

static void
aeif_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    {
      y[V * v->n + i] = v->p[P_V0];
      y[W * v->n + i] = v->p[P_W0];
      y[I_E * v->n + i] = y[I_I * v->n + i] = 0.0;
    }
}

static void
aeif_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p;
  size_t n = v->n;
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      double u = y[V * n + i], dv = u - p[P_E_L];
      double ex = p[P_G_L] * p[P_DELTA_T]
                  * exp ((u - p[P_V_T]) / p[P_DELTA_T]);
      ydot[V * n + i] = (-p[P_G_L] * dv + ex - y[W * n + i] + y[I_E * n + i]
                         + y[I_I * n + i] + p[P_I_EXT]) / p[P_C_M];
      ydot[W * n + i] = (p[P_A] * dv - y[W * n + i]) / p[P_TAU_W];
      ydot[I_E * n + i] = -y[I_E * n + i] / p[P_TAU_E];
      ydot[I_I * n + i] = -y[I_I * n + i] / p[P_TAU_I];
    }
}

const credo_model_type credo_model_aeif = {
  CREDO_MODEL_VERSION,
  "aeif",
  "Adaptive exponential integrate-and-fire neuron (Brette & Gerstner "
  "2005) with exponential synaptic currents: C_m dv/dt = -g_L (v - E_L) + "
  "g_L Delta_T exp((v - V_T)/Delta_T) - w + I_e + I_i + I_ext, tau_w dw/dt "
  "= a (v - E_L) - w, tau_syn dI/dt = -I (mV, pA, ms, nS, pF); a spike when "
  "v reaches V_peak, then v = V_reset, w += b; a spike of weight w (pA) on "
  "port exc (inh) adds w to I_e (I_i).  Defaults: Brette & Gerstner 2005, "
  "V_peak NEST's 0 mV.  Runs on the event engine: each unit its own CVODE "
  "integrator (BDF), spike times from its root finder (to solver.rtol and "
  "atol).",
  4, vars,
  2, inputs,
  1, credo_spike_outputs,
  N_PARAM, params,
  aeif_check,
  aeif_init,
  credo_spike_output,
  aeif_rhs,
  NULL, /* jacobian: spiking models run on the event engine */
  NULL, /* noise */
  NULL, /* derived */
  NULL, /* no feed-forward reading */
  NULL, /* no guard */
  &aeif_spiking,
};
