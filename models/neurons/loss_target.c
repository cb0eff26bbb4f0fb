/* models/neurons/loss_target.c -- the output target of Deep Feedback
 * Control (Meulemans et al. 2021, NeurIPS): one step down the loss from
 * the network's feed-forward output.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The whole population is one output vector r (n units, one per output
 * neuron).  DFC's output target (Meulemans et al. 2021, Sect. 2; in the
 * authors' code compute_output_target, networks/abstract_network.py)
 *
 *   r* = r_ff - c dl/dr |_{r = r_ff},    c = lambda / B  (batch_mean 1)
 *                                        c = lambda      (batch_mean 0)
 *
 * is taken at the feed-forward output r_ff = r_L^-, the state variable: it
 * stays constant (d r_ff/dt = 0) and a learning protocol overwrites it
 * with the feed-forward pass of each sample at the start of its
 * presentation; it starts at the parameter r0.  The authors' code takes
 * the gradient of the batch-mean loss (PyTorch reduction "mean"), so each
 * sample of a batch of B sees lambda / B; the authors' configs use
 * lambda = 0.078 (MNIST), 0.056 (Fashion-MNIST), 0.1 (fixed feedback
 * weights) and 0.020 (MNIST autoencoder).  The per-sample losses, t the
 * label (input port `label`, stimuli only):
 *
 *   mse            l = (1/n) sum_j (r_j - t_j)^2      (PyTorch MSELoss of
 *                  one sample),  dl/dr = 2 (r - t) / n
 *   cross_entropy  l = -sum_j t_j log softmax(r)_j   on linear logits r
 *                  (CrossEntropyLoss, one-hot or probability t),
 *                  dl/dr = softmax(r) sum_j t_j - t
 *
 * (softmax with the maximum subtracted, log softmax as r_j - m - log sum_k
 * e^{r_k - m}, so large logits neither overflow nor lose the loss).
 * Outputs: `target` r*, `loss` the terms l_j (their sum is the sample's
 * loss at r_ff), both from the state and the label; and `error` = r* -
 * r_L, the controller's input, derived from the input port `output` (the
 * network's rates r_L, a one-to-one projection of weight 1).
 *
 * Jacobian.  d error / d output = -1 (dodin), so J*v follows the output
 * layer's perturbation into the controller exactly.  The state r_ff enters
 * through d r*_i / d r_ff,i = 1 - c H_ii (H the Hessian of l: 2/n for mse,
 * sum(t) s_i (1 - s_i) for cross_entropy, s = softmax) and d l_i / d
 * r_ff,i; for cross_entropy the softmax also couples r*_i to r_ff,j (j !=
 * i), which the unit-local model interface cannot express.  Those
 * off-diagonal terms are never needed: r_ff's rows of J are 0, so Newton
 * and Krylov corrections have no r_ff component.  (Those zero rows also
 * make J singular: the steady-state solver's Newton fails at once and its
 * pseudo-transient continuation takes over.)  The label is a stimulus,
 * which carries no perturbation.
 */
#include <math.h>
#include <stdio.h>

#include "credo/model.h"

enum { P_LAMBDA, P_LOSS, P_BATCH, P_BATCH_MEAN, P_R0 };
enum { LOSS_MSE, LOSS_CE };
enum { V_RFF, N_VAR };
enum { IN_OUTPUT, IN_LABEL, N_IN };
enum { OUT_ERROR, OUT_TARGET, OUT_LOSS, N_OUT };

static const char *const losses[] = { "mse", "cross_entropy", NULL };

static const credo_var_desc vars[] = {
  { "r_ff", "1", 1.0,
    "feed-forward output r_L^- (constant; the protocol sets it per sample)" },
};

static const credo_port_desc inputs[] = {
  { "output", "1", 0,
    "the network's output rates r_L (one-to-one, weight 1)" },
  { "label", "1", CREDO_PORT_STIMULUS_ONLY,
    "the label t (cross_entropy: one-hot or probabilities)" },
};

static const credo_port_desc outputs[] = {
  { "error", "1", CREDO_PORT_DERIVED,
    "output error e = r* - r_L (into the controller's error)" },
  { "target", "1", 0, "output target r* = r_ff - c dl/dr at r_ff" },
  { "loss", "1", 0,
    "loss term l_j at r_ff (their sum: the sample's loss)" },
};

static const credo_param_desc params[] = {
  { "lambda", 0.1, "1", 0, 1e12, NULL,
    "target step (the DFC runs: 0.078 MNIST, 0.056 Fashion-MNIST, 0.1 with "
    "fixed feedback)" },
  { "loss", LOSS_MSE, "", 0, 1, losses,
    "the loss l: \"mse\" (1/n) sum (r - t)^2, \"cross_entropy\" -sum t log "
    "softmax(r)" },
  { "batch", 1.0, "1", 1, 1e9, NULL,
    "mini-batch size B (an integer)" },
  { "batch_mean", 1.0, "1", 0, 1, NULL,
    "1: step lambda / B (gradient of the batch-mean loss, as PyTorch), 0: "
    "lambda" },
  { "r0", 0.0, "1", -1e12, 1e12, NULL, "initial r_ff of every unit" },
};

/* The table already refuses lambda < 0, batch < 1, non-finite numbers and
 * unknown loss names; what is left is whole numbers. */
static int
loss_check (const double *p, char *msg, size_t len)
{
  if (p[P_BATCH] != floor (p[P_BATCH]))
    return snprintf (msg, len, "batch = %g must be a whole number >= 1",
                     p[P_BATCH]), -1;
  if (p[P_BATCH_MEAN] != 0 && p[P_BATCH_MEAN] != 1)
    return snprintf (msg, len, "batch_mean = %g must be 0 or 1",
                     p[P_BATCH_MEAN]), -1;
  return 0;
}

/* The step c: lambda / B, or lambda without the batch mean. */
static double
step (const double *p)
{
  return p[P_BATCH_MEAN] != 0 ? p[P_LAMBDA] / p[P_BATCH] : p[P_LAMBDA];
}

/* log sum_j e^{r_j}, with the maximum subtracted first. */
static double
log_sum_exp (size_t n, const double *r)
{
  double m = -INFINITY, s = 0;
  for (size_t j = 0; j < n; j++)
    m = r[j] > m ? r[j] : m;
  for (size_t j = 0; j < n; j++)
    s += exp (r[j] - m);
  return m + log (s);
}

static double
sum_of (size_t n, const double *x)
{
  double s = 0;
  for (size_t j = 0; j < n; j++)
    s += x[j];
  return s;
}

/* dl/dr at r into g and, when l is not NULL, the loss terms l_j; t the
 * label. */
static void
loss_grad (const double *p, size_t n, const double *r, const double *t,
           double *g, double *l)
{
  if ((int) p[P_LOSS] == LOSS_MSE)
    for (size_t j = 0; j < n; j++)
      {
        double d = r[j] - t[j];
        g[j] = 2.0 * d / (double) n;
        if (l)
          l[j] = d * d / (double) n;
      }
  else
    {
      double lse = log_sum_exp (n, r), st = sum_of (n, t);
      for (size_t j = 0; j < n; j++)
        {
          g[j] = exp (r[j] - lse) * st - t[j];
          if (l)
            l[j] = t[j] != 0 ? -t[j] * (r[j] - lse) : 0.0;
        }
    }
}

/* target = r_ff - c dl/dr (and the loss terms into l, may be NULL) */
static void
fill_target (const credo_pop_view *v, const double *y, double *target,
             double *l)
{
  const double c = step (v->p);
  loss_grad (v->p, v->n, y, v->in[IN_LABEL], target, l);
  for (size_t j = 0; j < v->n; j++)
    target[j] = y[j] - c * target[j];
}

static void
loss_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    y[i] = v->p[P_R0];
}

static void
loss_output (const credo_pop_view *v, double t, const double *y,
             double *const *out)
{
  (void) t;
  fill_target (v, y, out[OUT_TARGET], out[OUT_LOSS]);
}

static void
loss_derived (const credo_pop_view *v, double t, const double *y,
              double *const *out)
{
  const double *r = v->in[IN_OUTPUT];
  (void) t;
  /* r* again rather than trusting out[OUT_TARGET] to be current */
  fill_target (v, y, out[OUT_ERROR], NULL);
  for (size_t i = 0; i < v->n; i++)
    out[OUT_ERROR][i] -= r[i];
}

static void
loss_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  (void) t, (void) y;
  for (size_t i = 0; i < v->n; i++)
    ydot[i] = 0.0;
}

static void
loss_jacobian (const credo_pop_view *v, double t, const double *y,
               const credo_local_jac *jac)
{
  const double *p = v->p, *lab = v->in[IN_LABEL];
  const double c = step (p);
  const int mse = (int) p[P_LOSS] == LOSS_MSE;
  const double lse = mse ? 0.0 : log_sum_exp (v->n, y);
  const double st = mse ? 0.0 : sum_of (v->n, lab);
  size_t n = v->n;
  (void) t;
  for (size_t i = 0; i < n; i++)
    {
      double s = mse ? 0.0 : exp (y[i] - lse);
      /* the diagonal of the loss's Hessian, and d l_i / d r_i */
      double h = mse ? 2.0 / (double) n : st * s * (1.0 - s);
      double dl = mse ? 2.0 * (y[i] - lab[i]) / (double) n
                      : -lab[i] * (1.0 - s);
      jac->dfdy[i] = 0.0;
      jac->dfdin[IN_OUTPUT * n + i] = 0.0;
      jac->dfdin[IN_LABEL * n + i] = 0.0;
      jac->dody[OUT_ERROR * n + i] = 1.0 - c * h;
      jac->dody[OUT_TARGET * n + i] = 1.0 - c * h;
      jac->dody[OUT_LOSS * n + i] = dl;
      jac->dodin[(OUT_ERROR * N_IN + IN_OUTPUT) * n + i] = -1.0;
      jac->dodin[(OUT_ERROR * N_IN + IN_LABEL) * n + i] = 0.0;
    }
}

const credo_model_type credo_model_loss_target = {
  CREDO_MODEL_VERSION,
  "loss_target",
  "DFC's output target (Meulemans et al. 2021): r* = r_ff - c dl/dr at the "
  "feed-forward output r_ff (a constant state the protocol sets per "
  "sample), c = lambda / B (batch_mean 1) or lambda; l = (1/n) sum (r - "
  "t)^2 (mse) or -sum t log softmax(r) (cross_entropy), t the label; "
  "outputs error = r* - r_L (r_L the input `output`), target r*, loss terms "
  "l_j at r_ff.",
  N_VAR, vars,
  N_IN, inputs,
  N_OUT, outputs,
  sizeof params / sizeof params[0], params,
  loss_check,
  loss_init,
  loss_output,
  loss_rhs,
  loss_jacobian,
  NULL, /* no noise */
  loss_derived,
  NULL, /* no feed-forward reading */
  NULL, /* no guard */
  NULL, /* a rate model */
};
