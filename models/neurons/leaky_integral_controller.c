/* models/neurons/leaky_integral_controller.c -- the output controller of
 * the least-control principle (Meulemans, Zucchet, Kobayashi, von Oswald &
 * Sacramento 2022, NeurIPS; the authors' fixpoint_trainer).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * One unit per readout unit.  Port `output` receives the readout's state
 * v_pred (a one-to-one projection of weight 1 from its `v`), port `label`
 * the target t (stimuli only).  With g = grad L(v_pred):
 *
 *   tau_u du_i/dt = -g - alpha u_i,       u = k_i u_i - k_p g
 *
 *   mse            L = 1/2 sum_j (v_j - t_j)^2,   g = v - t
 *   cross_entropy  L = -sum_j t_j log softmax(v)_j  on logits v,
 *                  g = softmax(v) sum_j t_j - t
 *
 * u (output `u`) is the control of the readout (its `control` port) and
 * what dynamic inversion or linear feedback carries to the hidden units.
 * alpha = 0 is the pure integrator: at rest g = 0, the output sits at the
 * loss minimum and the control is the least control; alpha > 0 is leaky
 * control, u_i = -g / alpha at rest (k_p = 0, k_i = 1).  alpha < 0 would
 * make the integrator unstable and is refused.  u, `grad` and `loss` (the
 * terms L_j, their sum the loss) depend on the input v_pred: derived
 * outputs.  For cross_entropy the softmax couples the units; the
 * unit-local Jacobian keeps the diagonal of the Hessian only (Newton and
 * Krylov converge to the same state, a little slower).
 */
#include <math.h>
#include <stdio.h>

#include "credo/model.h"

enum { P_KI, P_KP, P_ALPHA, P_TAU_U, P_LOSS, P_U_MAX };
enum { LOSS_MSE, LOSS_CE };
enum { IN_OUTPUT, IN_LABEL, N_IN };
enum { OUT_U, OUT_GRAD, OUT_LOSS, OUT_UINT, N_OUT };

static const char *const losses[] = { "mse", "cross_entropy", NULL };

static const credo_var_desc vars[] = {
  { "u_int", "1", 1.0, "integral state u_i" },
};

static const credo_port_desc inputs[] = {
  { "output", "1", 0,
    "the readout's state v_pred (one-to-one, weight 1)" },
  { "label", "1", CREDO_PORT_STIMULUS_ONLY,
    "the target t (cross_entropy: one-hot or probabilities)" },
};

static const credo_port_desc outputs[] = {
  { "u", "1", CREDO_PORT_DERIVED, "the control u = k_i u_i - k_p g" },
  { "grad", "1", CREDO_PORT_DERIVED, "the loss gradient g at v_pred" },
  { "loss", "1", CREDO_PORT_DERIVED,
    "loss terms L_j at v_pred (their sum: the loss)" },
  { "u_int", "1", 0, "the integral state" },
};

static const credo_param_desc params[] = {
  { "k_i", 1.0, "1", -1e12, 1e12, NULL, "integral gain" },
  { "k_p", 0.0, "1", -1e12, 1e12, NULL, "proportional gain" },
  { "alpha", 0.0, "1", 0, 1e12, NULL,
    "leak (0: pure integral control, exact least control)" },
  { "tau_u", 1.0, "ms", 1e-9, 1e12, NULL, "controller time constant" },
  { "loss", LOSS_MSE, "", 0, 1, losses,
    "the loss L: \"mse\" 1/2 sum (v - t)^2, \"cross_entropy\" -sum t log "
    "softmax(v)" },
  { "u_max", 1e6, "1", 1e-12, 1e300, NULL,
    "|u_i| beyond which the controller counts as diverged (a runtime "
    "error)" },
};

/* g = dL/dv, the diagonal of the Hessian into h, the terms L_j into l
 * and dL_j/dv_j into dl (each may be NULL). */
static void
loss_grad (const double *p, size_t n, const double *v, const double *t,
           double *g, double *h, double *l, double *dl)
{
  if ((int) p[P_LOSS] == LOSS_MSE)
    {
      for (size_t j = 0; j < n; j++)
        {
          double d = v[j] - t[j];
          if (g)
            g[j] = d;
          if (h)
            h[j] = 1.0;
          if (l)
            l[j] = 0.5 * d * d;
          if (dl)
            dl[j] = d;
        }
      return;
    }
  double m = -INFINITY, s = 0, st = 0, lse;
  for (size_t j = 0; j < n; j++)
    m = v[j] > m ? v[j] : m;
  for (size_t j = 0; j < n; j++)
    {
      s += exp (v[j] - m);
      st += t[j];
    }
  lse = m + log (s);
  for (size_t j = 0; j < n; j++)
    {
      double sm = exp (v[j] - lse);
      if (g)
        g[j] = sm * st - t[j];
      if (h)
        h[j] = sm * (1.0 - sm) * st;
      if (l)
        l[j] = t[j] != 0 ? -t[j] * (v[j] - lse) : 0.0;
      if (dl)
        dl[j] = -t[j] * (1.0 - sm);
    }
}

static void
lic_output (const credo_pop_view *v, double t, const double *y,
            double *const *out)
{
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    out[OUT_UINT][i] = y[i];
}

static void
lic_derived (const credo_pop_view *v, double t, const double *y,
             double *const *out)
{
  const double *p = v->p;
  (void) t;
  loss_grad (p, v->n, v->in[IN_OUTPUT], v->in[IN_LABEL], out[OUT_GRAD],
             NULL, out[OUT_LOSS], NULL);
  for (size_t i = 0; i < v->n; i++)
    out[OUT_U][i] = p[P_KI] * y[i] - p[P_KP] * out[OUT_GRAD][i];
}

static void
lic_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  const double *p = v->p;
  const double inv = 1.0 / p[P_TAU_U];
  (void) t;
  loss_grad (p, v->n, v->in[IN_OUTPUT], v->in[IN_LABEL], ydot, NULL, NULL,
             NULL);
  for (size_t i = 0; i < v->n; i++)
    ydot[i] = (-ydot[i] - p[P_ALPHA] * y[i]) * inv;
}

static void
lic_jacobian (const credo_pop_view *v, double t, const double *y,
              const credo_local_jac *jac)
{
  const double *p = v->p;
  const double inv = 1.0 / p[P_TAU_U];
  size_t n = v->n;
  double *h = jac->dodin + (OUT_GRAD * N_IN + IN_OUTPUT) * n;
  double *gl = jac->dodin + (OUT_LOSS * N_IN + IN_OUTPUT) * n;
  (void) t, (void) y;
  loss_grad (p, n, v->in[IN_OUTPUT], v->in[IN_LABEL], NULL, h, NULL, gl);
  for (size_t i = 0; i < n; i++)
    {
      jac->dfdy[i] = -p[P_ALPHA] * inv;
      jac->dfdin[IN_OUTPUT * n + i] = -h[i] * inv;
      jac->dody[OUT_U * n + i] = p[P_KI];
      jac->dody[OUT_UINT * n + i] = 1.0;
      jac->dodin[(OUT_U * N_IN + IN_OUTPUT) * n + i] = -p[P_KP] * h[i];
    }
}

static int
lic_guard (const credo_pop_view *v, const double *y, char *msg, size_t len)
{
  for (size_t i = 0; i < v->n; i++)
    if (!(fabs (y[i]) <= v->p[P_U_MAX]))
      {
        snprintf (msg, len, "the controller diverges: |u_int| of unit %zu "
                  "is %g > u_max = %g (the controlled network is unstable: "
                  "check the feedback's sign or raise alpha)", i,
                  fabs (y[i]), v->p[P_U_MAX]);
        return -1;
      }
  return 0;
}

const credo_model_type credo_model_leaky_integral_controller = {
  CREDO_MODEL_VERSION,
  "leaky_integral_controller",
  "Output controller of the least-control principle (Meulemans et al. "
  "2022): tau_u du_i/dt = -grad L(v_pred) - alpha u_i, u = k_i u_i - k_p "
  "grad L; loss mse (1/2 sum (v - t)^2) or cross_entropy on logits; input "
  "output (the readout v_pred, one-to-one) and label; alpha = 0: pure "
  "integral control (exact least control).",
  1, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  NULL,
  NULL,
  lic_output,
  lic_rhs,
  lic_jacobian,
  NULL,
  lic_derived,
  NULL,
  lic_guard,
  NULL, /* a rate model */
};
