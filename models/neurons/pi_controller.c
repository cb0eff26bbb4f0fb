/* models/neurons/pi_controller.c -- the proportional-integral feedback
 * controller of Deep Feedback Control (Meulemans et al. 2021, NeurIPS).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * One unit per output neuron.  Its input port `error` receives the output
 * error e = r* - r_L (a target minus the output rates: two projections);
 * its output `u` is the control that feeds the apical compartments through
 * the feedback weights Q:
 *
 *   u = k_i u_int + k_p e
 *   form "code":  tau_u du_int/dt = e - alpha u       (default)
 *   form "paper": tau_u du_int/dt = e - alpha u_int
 *
 * The paper writes the leak on u_int; the authors' published code leaks u
 * (its controller update u_int += dt (e - alpha u)), which makes the
 * steady state e = alpha u independent of k_p: u_ss = (J Q + alpha I)^-1
 * delta_L for a linear(ised) network, the DFC-SSA solution.  With the
 * paper form e = alpha u_int, i.e. u_ss = (J Q + alpha/(k_i + alpha k_p)
 * I)^-1 delta_L.  `u` depends on the input e (k_p e): it is a derived
 * output, summed after e (credo orders projections through such outputs;
 * a loop through them is refused).
 *
 * A controller whose loop is unstable (an eigenvalue of -(J Q + alpha I)
 * with positive real part, e.g. feedback of the wrong sign) drives u
 * without bound; once |u_int| passes u_max the run stops with an error
 * naming the time and the population.
 */
#include <math.h>
#include <stdio.h>

#include "credo/model.h"

enum { P_KI, P_KP, P_ALPHA, P_TAU_U, P_FORM, P_U_MAX };
enum { FORM_CODE, FORM_PAPER };
enum { IN_ERROR, N_IN };
enum { OUT_U, OUT_UINT, N_OUT };

static const char *const forms[] = { "code", "paper", NULL };

static const credo_var_desc vars[] = {
  { "u_int", "1", 1.0, "integral state of the controller" },
};

static const credo_port_desc inputs[] = {
  { "error", "1", 0, "output error e = r* - r_L" },
};

static const credo_port_desc outputs[] = {
  { "u", "1", CREDO_PORT_DERIVED, "the control u = k_i u_int + k_p e" },
  { "u_int", "1", 0, "the integral state" },
};

static const credo_param_desc params[] = {
  { "k_i", 1.0, "1", -1e12, 1e12, NULL, "integral gain" },
  { "k_p", 0.0, "1", -1e12, 1e12, NULL, "proportional gain" },
  { "alpha", 0.0, "1", 0, 1e12, NULL, "leak (the controller's damping)" },
  { "tau_u", 1.0, "ms", 1e-9, 1e12, NULL, "controller time constant" },
  { "form", FORM_CODE, "", 0, 1, forms,
    "where the leak acts: \"code\" on u (the authors' code), \"paper\" on "
    "u_int (the paper's equations)" },
  { "u_max", 1e6, "1", 1e-12, 1e300, NULL,
    "|u_int| beyond which the controller counts as diverged (a runtime "
    "error)" },
};

static void
pi_output (const credo_pop_view *v, double t, const double *y,
           double *const *out)
{
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    out[OUT_UINT][i] = y[i];
}

static void
pi_derived (const credo_pop_view *v, double t, const double *y,
            double *const *out)
{
  const double *p = v->p, *e = v->in[IN_ERROR];
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    out[OUT_U][i] = p[P_KI] * y[i] + p[P_KP] * e[i];
}

static void
pi_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p, *e = v->in[IN_ERROR];
  const double inv = 1.0 / p[P_TAU_U];
  const int code = (int) p[P_FORM] == FORM_CODE;
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    {
      double leak = code ? p[P_KI] * y[i] + p[P_KP] * e[i] : y[i];
      ydot[i] = (e[i] - p[P_ALPHA] * leak) * inv;
    }
}

static void
pi_jacobian (const credo_pop_view *v, double t, const double *y,
             const credo_local_jac *jac)
{
  const double *p = v->p;
  const double inv = 1.0 / p[P_TAU_U];
  const int code = (int) p[P_FORM] == FORM_CODE;
  size_t n = v->n;
  (void) t, (void) y;
  for (size_t i = 0; i < n; i++)
    {
      jac->dfdy[i] = -p[P_ALPHA] * (code ? p[P_KI] : 1.0) * inv;
      jac->dfdin[IN_ERROR * n + i]
          = (1.0 - (code ? p[P_ALPHA] * p[P_KP] : 0.0)) * inv;
      jac->dody[OUT_U * n + i] = p[P_KI];
      jac->dody[OUT_UINT * n + i] = 1.0;
      jac->dodin[(OUT_U * N_IN + IN_ERROR) * n + i] = p[P_KP];
    }
}

static int
pi_guard (const credo_pop_view *v, const double *y, char *msg, size_t len)
{
  for (size_t i = 0; i < v->n; i++)
    if (!(fabs (y[i]) <= v->p[P_U_MAX]))
      {
        snprintf (msg, len, "the controller diverges: |u_int| of unit %zu "
                  "is %g > u_max = %g (the loop is unstable: check the sign "
                  "of the feedback Q or raise alpha)", i, fabs (y[i]),
                  v->p[P_U_MAX]);
        return -1;
      }
  return 0;
}

const credo_model_type credo_model_pi_controller = {
  CREDO_MODEL_VERSION,
  "pi_controller",
  "DFC's PI controller (Meulemans et al. 2021): u = k_i u_int + k_p e, "
  "tau_u du_int/dt = e - alpha u (form \"code\") or e - alpha u_int (form "
  "\"paper\"); input error e = r* - r_L, output the control u.",
  1, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  NULL,
  NULL,
  pi_output,
  pi_rhs,
  pi_jacobian,
  NULL,
  pi_derived,
  NULL,
  pi_guard,
  NULL, /* a rate model */
};
