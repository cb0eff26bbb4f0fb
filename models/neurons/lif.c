/* models/neurons/lif.c -- current-based leaky integrate-and-fire neuron
 * with exponential excitatory and inhibitory synaptic currents.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   tau_m dv/dt = -(v - v_rest) + I_e + I_i + bias,
 *   tau_syn_e dI_e/dt = -I_e,   tau_syn_i dI_i/dt = -I_i        (mV, ms)
 *
 * v reaching v_th is a spike; v is then held at v_reset for t_ref while
 * the currents go on decaying.  A spike of weight w (mV) on port exc adds w
 * to I_e, on port inh to I_i.  The neuron of the CUBA benchmark (Brette et
 * al. 2007); the event engine integrates it exactly (Rotter & Diesmann
 * 1999) with continuous spike times (Morrison et al. 2007).
 */
#include <stdint.h>
#include <stdio.h>

#include "spike_port.h"

enum
{
  P_TAU_M, P_V_REST, P_V_TH, P_V_RESET, P_T_REF, P_TAU_E, P_TAU_I, P_BIAS,
  P_V0, P_V0_SPREAD, N_PARAM
};
enum { V, I_E, I_I };

static const credo_var_desc vars[] = {
  { "v", "mV", 1.0, "membrane potential" },
  { "I_e", "mV", 1.0, "excitatory synaptic current (as a potential)" },
  { "I_i", "mV", 1.0, "inhibitory synaptic current (as a potential)" },
};

static const credo_port_desc inputs[] = {
  { "exc", "mV", 0, "spikes of weight w add w to I_e" },
  { "inh", "mV", 0, "spikes of weight w add w to I_i" },
};

static const credo_param_desc params[] = {
  { "tau_m", 20.0, "ms", 1e-6, 1e12, NULL, "membrane time constant" },
  { "v_rest", -60.0, "mV", -1e12, 1e12, NULL, "resting potential" },
  { "v_th", -50.0, "mV", -1e12, 1e12, NULL, "threshold" },
  { "v_reset", -60.0, "mV", -1e12, 1e12, NULL, "potential after a spike" },
  { "t_ref", 5.0, "ms", 0.0, 1e12, NULL, "refractory period (v held)" },
  { "tau_syn_e", 5.0, "ms", 1e-6, 1e12, NULL,
    "excitatory current time constant" },
  { "tau_syn_i", 10.0, "ms", 1e-6, 1e12, NULL,
    "inhibitory current time constant" },
  { "bias", 0.0, "mV", -1e12, 1e12, NULL, "constant input (R I)" },
  { "v0", -60.0, "mV", -1e12, 1e12, NULL, "initial potential" },
  { "v0_spread", 0.0, "mV", 0.0, 1e12, NULL,
    "unit i starts at v0 + v0_spread u_i, u_i in [0, 1) a fixed hash of i" },
};

static const int syn_var[] = { I_E, I_I };
static const int syn_tau[] = { P_TAU_E, P_TAU_I };
static const int syn_port[] = { 0, 1 };

static const credo_spiking_desc lif_spiking = {
  V, P_TAU_M, P_V_REST, P_BIAS, P_V_TH, P_V_RESET, P_T_REF,
  2, syn_var, syn_tau, syn_port, 0, -1, NULL,
};

static int
lif_check (const double *p, char *msg, size_t len)
{
  if (!(p[P_V_RESET] < p[P_V_TH]))
    {
      snprintf (msg, len, "v_reset (%g mV) must be below v_th (%g mV)",
                p[P_V_RESET], p[P_V_TH]);
      return -1;
    }
  return 0;
}

/* u in [0, 1) from unit index i: splitmix64's finaliser. */
static double
unit_hash (uint64_t i)
{
  uint64_t z = i + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double) (z >> 11) * 0x1.0p-53;
}

static void
lif_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    {
      y[V * v->n + i] = v->p[P_V0] + v->p[P_V0_SPREAD] * unit_hash (i);
      y[I_E * v->n + i] = y[I_I * v->n + i] = 0.0;
    }
}

/* The subthreshold equations (continuous engines refuse spiking models;
 * kept for a complete table). */
static void
lif_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p;
  size_t n = v->n;
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      ydot[V * n + i] = (p[P_V_REST] + p[P_BIAS] - y[V * n + i]
                         + y[I_E * n + i] + y[I_I * n + i]) / p[P_TAU_M];
      ydot[I_E * n + i] = -y[I_E * n + i] / p[P_TAU_E];
      ydot[I_I * n + i] = -y[I_I * n + i] / p[P_TAU_I];
    }
}

const credo_model_type credo_model_lif = {
  CREDO_MODEL_VERSION,
  "lif",
  "Current-based leaky integrate-and-fire neuron with exponential synaptic "
  "currents: tau_m dv/dt = -(v - v_rest) + I_e + I_i + bias, tau_syn_e "
  "dI_e/dt = -I_e, tau_syn_i dI_i/dt = -I_i (mV, ms); a spike when v "
  "reaches v_th, then v = v_reset held for t_ref; a spike of weight w on "
  "port exc (inh) adds w to I_e (I_i).  Runs on the event engine "
  "(solver.engine = \"event\"): exact propagator (Rotter & Diesmann 1999), "
  "continuous spike times (Morrison et al. 2007); the CUBA neuron of "
  "Brette et al. 2007.",
  3, vars,
  2, inputs,
  1, credo_spike_outputs,
  N_PARAM, params,
  lif_check,
  lif_init,
  credo_spike_output,
  lif_rhs,
  NULL, /* jacobian: spiking models run on the event engine */
  NULL, /* noise */
  NULL, /* derived */
  NULL, /* no feed-forward reading */
  NULL, /* no guard */
  &lif_spiking,
};
