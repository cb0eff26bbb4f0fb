/* src/learn/monitor.c -- learning curves: test error, apical error, alignment.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every `learning.every` ms the driver hands the current state here and
 * gets back one row of /learning/:
 *
 *   test_error     mean over the test samples of sum_j (out_j - target_j)^2,
 *                  `out` the compared output port at the STEADY STATE of
 *                  the frozen circuit (weights as they are now, the test
 *                  input replacing the input layer's stimulus, no stimulus
 *                  on the output layer, i.e. no teaching, no noise);
 *   test_accuracy  (classify) fraction of samples with argmax out = argmax
 *                  target;
 *   apical_error   RMS of the apical potentials v_A (ports apical +
 *                  topdown) of the hidden layers now;
 *   angle_<W>      for each plastic forward projection W_k: the angle in
 *                  degrees between dW_k/dt now and the backprop direction of
 *                  the equivalent feed-forward network (ALGORITHMS D.4, G14):
 *                  u_k = a_k W_k phi(u_{k-1}) with a_k = g_B/(g_lk+g_B+g_A),
 *                  e_N = phi'(u_N) (u_trgt - u_N), e_k = phi'(u_k) W_{k+1}^T
 *                  e_{k+1}, direction e_k phi(u_{k-1})^T; u_trgt is the
 *                  output layer's `nudge` input.  NaN without a target.
 *
 * The steady state is found by Newton's method on the neuron states with
 * the network's analytic Jacobian (GSL LU), from the current state.  All of
 * it runs on a second network built from the same spec (the "probe"), so
 * the engine's Jacobian data are never touched: recording learning curves
 * does not change the trajectory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>

#include "credo/transfer.h"
#include "learn/learn.h"

#define NEWTON_MAX_ITER 50
#define PTC_MAX_ITER 400
#define NEWTON_TOL 1e-11 /* on the step, relative to 1 + max|u| */

typedef struct layer
{
  const credo_pop *pop;
  const credo_proj *fwd; /* from the previous layer (NULL for the input) */
  double a;              /* basal attenuation g_B / (g_lk + g_B + g_A) */
  credo_transfer phi;
  int apical;            /* input port index, or -1 */
  int topdown;           /* the apical dendrite's second port, or -1 */
  double *u, *r, *d, *e; /* feed-forward pass: potential, rate, phi', error */
  int angle_col;         /* column of angle_<fwd>, or -1 */
} layer;

struct credo_learning
{
  credo_ctx *ctx;
  const credo_learning_spec *ls;
  credo_net *net; /* the probe */
  size_t n_layers;
  layer *L;
  unsigned long long k, planned;
  double next;
  size_t n_cols;
  char **names;
  const char **docs;
  int col_test, col_acc, col_apical;
  double mean_predictor_error;
  int nudge_port, gate_port; /* of the output layer, or -1 */
  /* scratch */
  size_t nn;         /* neuron states */
  double *y, *f;     /* a full state and its derivative */
  double *J, *A, *dx;
  gsl_permutation *perm;
  double *grad;      /* the largest forward weight block */
  unsigned long newton_failures;
};

/* ---- set-up -------------------------------------------------------------- */

static double
param (const credo_pop *pop, const char *name, double def)
{
  int i = credo_model_param_index (pop->model, name);
  return i < 0 ? def : pop->spec->params[i];
}

static int
add_col (credo_learning *l, const char *name, const char *doc)
{
  if (!(l->names[l->n_cols] = credo__strdup (name)))
    return -1;
  l->docs[l->n_cols] = doc;
  return (int) l->n_cols++;
}

void
credo__learning_free (credo_learning *l)
{
  if (!l)
    return;
  credo__net_free (l->net);
  if (l->L)
    for (size_t k = 0; k < l->n_layers; k++)
      {
        free (l->L[k].u);
        free (l->L[k].r);
        free (l->L[k].d);
        free (l->L[k].e);
      }
  free (l->L);
  if (l->names)
    for (size_t i = 0; i < l->n_cols; i++)
      free (l->names[i]);
  free (l->names);
  free (l->docs);
  free (l->y);
  free (l->f);
  free (l->J);
  free (l->A);
  free (l->dx);
  free (l->grad);
  if (l->perm)
    gsl_permutation_free (l->perm);
  free (l);
}

credo_learning *
credo__learning_new (credo_ctx *ctx, const credo_spec *spec)
{
  const credo_learning_spec *ls = &spec->learning;
  credo_learning *l;
  size_t maxw = 1, N;
  if (!(ls->every > 0))
    return NULL; /* no learning curves: not an error */
  if (!(l = credo__calloc (1, sizeof *l)))
    goto nomem;
  l->ctx = ctx;
  l->ls = ls;
  l->col_test = l->col_acc = l->col_apical = -1;
  if (!(l->net = credo__net_build (ctx, spec)))
    goto fail;
  N = l->n_layers = ls->n_layers;
  l->nn = l->net->n_neuron;
  if (!(l->L = credo__calloc (N, sizeof *l->L))
      || !(l->names = credo__calloc (N + 3, sizeof *l->names))
      || !(l->docs = credo__calloc (N + 3, sizeof *l->docs))
      || !(l->y = credo__calloc (l->net->n_state, sizeof *l->y))
      || !(l->f = credo__calloc (l->net->n_state, sizeof *l->f))
      || !(l->J = credo__calloc (l->nn * l->nn + 1, sizeof *l->J))
      || !(l->A = credo__calloc (l->nn * l->nn + 1, sizeof *l->A))
      || !(l->dx = credo__calloc (l->nn + 1, sizeof *l->dx))
      || !(l->perm = gsl_permutation_alloc (l->nn ? l->nn : 1)))
    goto nomem;
  if (ls->n_test
      && (l->col_test = add_col (l, "test_error", "mean over the test set "
                                 "of sum_j (out_j - target_j)^2 at the "
                                 "steady state of the frozen circuit "
                                 "without teaching")) < 0)
    goto nomem;
  if (ls->classify
      && (l->col_acc = add_col (l, "test_accuracy", "fraction of test "
                                "samples with argmax out = argmax "
                                "target")) < 0)
    goto nomem;
  for (size_t k = 0; k < N; k++)
    {
      layer *Lk = &l->L[k];
      Lk->pop = &l->net->pops[ls->layers[k]];
      Lk->apical = Lk->topdown = -1;
      Lk->angle_col = -1;
      if (!(Lk->u = credo__calloc (Lk->pop->n, sizeof (double)))
          || !(Lk->r = credo__calloc (Lk->pop->n, sizeof (double)))
          || !(Lk->d = credo__calloc (Lk->pop->n, sizeof (double)))
          || !(Lk->e = credo__calloc (Lk->pop->n, sizeof (double))))
        goto nomem;
      if (k == 0)
        continue;
      Lk->fwd = &l->net->projs[ls->fwd[k]];
      Lk->a = param (Lk->pop, "g_B", 0)
              / (param (Lk->pop, "g_lk", 0) + param (Lk->pop, "g_B", 0)
                 + param (Lk->pop, "g_A", 0));
      Lk->phi = credo_transfer_from (
          Lk->pop->spec->params
          + credo_model_param_index (Lk->pop->model, "transfer"));
      if (k + 1 < N)
        {
          Lk->apical = credo_model_input_index (Lk->pop->model, "apical");
          Lk->topdown = credo_model_input_index (Lk->pop->model, "topdown");
        }
      if (Lk->fwd->rows * Lk->fwd->cols > maxw)
        maxw = Lk->fwd->rows * Lk->fwd->cols;
    }
  for (size_t k = 1; k + 1 < N; k++)
    if (l->L[k].apical >= 0)
      {
        if ((l->col_apical = add_col (l, "apical_error", "RMS of the hidden "
                                      "layers' apical potentials v_A (mV)"))
            < 0)
          goto nomem;
        break;
      }
  {
    const credo_model_type *mo = l->L[N - 1].pop->model;
    l->nudge_port = credo_model_input_index (mo, "nudge");
    l->gate_port = credo_model_input_index (mo, "gate");
  }
  for (size_t k = 1; k < N && l->nudge_port >= 0; k++)
    if (l->L[k].fwd->plastic)
      {
        char name[300];
        snprintf (name, sizeof name, "angle_%s", l->L[k].fwd->spec->name);
        if ((l->L[k].angle_col
             = add_col (l, name, "angle (degrees) between dW/dt and the "
                        "backprop direction of the equivalent feed-forward "
                        "network; NaN without a target")) < 0)
          goto nomem;
      }
  if (!(l->grad = credo__calloc (maxw, sizeof *l->grad)))
    goto nomem;
  /* the error of always predicting the mean target */
  if (ls->n_test)
    {
      size_t no = l->L[N - 1].pop->n;
      double *m = l->L[N - 1].e, s = 0; /* scratch until the first sample */
      memset (m, 0, no * sizeof *m);
      for (size_t i = 0; i < ls->n_test; i++)
        for (size_t j = 0; j < no; j++)
          m[j] += ls->test_targets[i * no + j] / (double) ls->n_test;
      for (size_t i = 0; i < ls->n_test; i++)
        for (size_t j = 0; j < no; j++)
          {
            double d = ls->test_targets[i * no + j] - m[j];
            s += d * d;
          }
      l->mean_predictor_error = s / (double) ls->n_test;
    }
  l->planned = credo__learning_count (ls);
  l->next = l->planned ? credo__learning_time (ls, 0) : INFINITY;
  return l;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
fail:
  credo__learning_free (l);
  return NULL;
}

size_t
credo__learning_columns (const credo_learning *l, const char *const **names,
                         const char *const **docs)
{
  *names = (const char *const *) l->names;
  *docs = l->docs;
  return l->n_cols;
}

double
credo__learning_mean_predictor_error (const credo_learning *l)
{
  return l->ls->n_test ? l->mean_predictor_error : NAN;
}

double
credo__learning_next_time (const credo_learning *l)
{
  return l ? l->next : INFINITY;
}

unsigned long
credo__learning_newton_failures (const credo_learning *l)
{
  return l ? l->newton_failures : 0;
}

/* ---- the frozen circuit's steady state ------------------------------------ */

static double
max_abs (const double *x, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    if (fabs (x[i]) > m || isnan (x[i]))
      m = isnan (x[i]) ? INFINITY : fabs (x[i]);
  return m;
}

/* The linear solve of one iteration at l->y: dx = -(J - I/dt)^-1 f, with
 * dt = INFINITY for Newton.  0 or -1. */
static int
newton_step (credo_learning *l, double t, double dt)
{
  size_t n = l->nn;
  gsl_matrix_view A = gsl_matrix_view_array (l->A, n, n);
  gsl_vector_view dx = gsl_vector_view_array (l->dx, n);
  int signum;
  credo__net_jac_setup (l->net, t, l->y);
  credo__net_jac_neurons (l->net, l->J, n);
  /* J is column-major; GSL wants row-major */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      l->A[i * n + j] = l->J[j * n + i] - (i == j ? 1.0 / dt : 0.0);
  for (size_t i = 0; i < n; i++)
    l->dx[i] = -l->f[i];
  if (gsl_linalg_LU_decomp (&A.matrix, l->perm, &signum)
      || gsl_linalg_LU_svx (&A.matrix, l->perm, &dx.vector))
    return -1;
  return isfinite (max_abs (l->dx, n)) ? 0 : -1;
}

/* Damped Newton on the neuron part of l->y (weights fixed) at time t; with
 * `ptc`, pseudo-transient continuation instead (implicit Euler steps whose
 * dt grows as the residual falls: follows the dynamics into a stable
 * steady state where Newton alone stalls).  On success the probe's ports
 * hold the outputs at the steady state.  0 or -1. */
static int
solve_rest (credo_learning *l, double t, int ptc)
{
  credo_net *net = l->net;
  size_t n = l->nn;
  double fnorm, dt = ptc ? 1.0 : INFINITY;
  if (credo__net_rhs (net, t, l->y, l->f))
    return -1;
  fnorm = max_abs (l->f, n);
  for (int it = 0; it < (ptc ? PTC_MAX_ITER : NEWTON_MAX_ITER); it++)
    {
      double lambda = 1, step, xnorm;
      if (newton_step (l, t, dt))
        return -1;
      step = max_abs (l->dx, n);
      xnorm = max_abs (l->y, n);
      if (step <= NEWTON_TOL * (1 + xnorm) && dt > 1e6)
        {
          /* at the rounding floor the residual need not fall any more */
          for (size_t i = 0; i < n; i++)
            l->y[i] += l->dx[i];
          credo__net_eval (net, t, l->y);
          return 0;
        }
      if (ptc)
        {
          double fn;
          for (size_t i = 0; i < n; i++)
            l->y[i] += l->dx[i];
          if (credo__net_rhs (net, t, l->y, l->f))
            return -1;
          fn = max_abs (l->f, n);
          /* switched evolution relaxation: dt grows as |f| falls */
          dt *= fmin (fmax (fnorm / fn, 0.5), 10.0);
          fnorm = fn;
          if (fnorm == 0)
            dt = INFINITY;
          continue;
        }
      /* damped: halve until the residual does not grow */
      for (int h = 0;; h++)
        {
          double fn;
          if (h == 30)
            return -1;
          for (size_t i = 0; i < n; i++)
            l->y[i] += lambda * l->dx[i];
          if (credo__net_rhs (net, t, l->y, l->f) == 0
              && (fn = max_abs (l->f, n)) <= fnorm * (1 + 1e-12))
            {
              fnorm = fn;
              break;
            }
          for (size_t i = 0; i < n; i++)
            l->y[i] -= lambda * l->dx[i];
          lambda *= 0.5;
        }
      if (fnorm == 0)
        {
          credo__net_eval (net, t, l->y);
          return 0;
        }
    }
  return -1;
}

/* The steady state from the neuron state in l->y: Newton, and when it
 * stalls (no root near, singular J), pseudo-transient continuation from
 * the same start. */
static int
steady_state (credo_learning *l, double t, const double *y0)
{
  if (l->nn == 0)
    {
      credo__net_eval (l->net, t, l->y);
      return 0;
    }
  if (solve_rest (l, t, 0) == 0)
    return 0;
  memcpy (l->y, y0, l->nn * sizeof *y0);
  return solve_rest (l, t, 1);
}

static size_t
argmax (const double *x, size_t n)
{
  size_t m = 0;
  for (size_t i = 1; i < n; i++)
    if (x[i] > x[m])
      m = i;
  return m;
}

/* test_error (and test_accuracy) into row. */
static void
test_set (credo_learning *l, double t, const double *y, double *row)
{
  const credo_learning_spec *ls = l->ls;
  credo_net *net = l->net;
  const credo_pop *in = l->L[0].pop, *out = l->L[l->n_layers - 1].pop;
  size_t no = out->n, ok = 0, good = 0;
  double err = 0;
  net->clamp_pop = (int) (in - net->pops);
  net->clamp_port = ls->in_port;
  net->mute_pop = (int) (out - net->pops);
  for (size_t i = 0; i < ls->n_test; i++)
    {
      const double *target = ls->test_targets + i * no, *o;
      net->clamp_values = ls->test_inputs + i * in->n;
      memcpy (l->y, y, net->n_state * sizeof *y);
      if (steady_state (l, t, y))
        {
          l->newton_failures++;
          continue;
        }
      o = out->out[ls->out_port];
      for (size_t j = 0; j < no; j++)
        err += (o[j] - target[j]) * (o[j] - target[j]);
      good += argmax (o, no) == argmax (target, no);
      ok++;
    }
  net->clamp_values = NULL;
  if (l->col_test >= 0)
    row[l->col_test] = ok == ls->n_test ? err / (double) ok : NAN;
  if (l->col_acc >= 0)
    row[l->col_acc] = ok == ls->n_test ? (double) good / (double) ok : NAN;
}

/* ---- alignment with backprop ---------------------------------------------- */

/* Feed-forward pass of the equivalent network from the input layer's
 * current rates, then the backprop errors e_k from the target. */
static int
backprop (credo_learning *l, const double *y)
{
  size_t N = l->n_layers;
  layer *out = &l->L[N - 1];
  const credo_pop *op = out->pop;
  int in_r = credo_model_output_index (l->L[0].pop->model, "r");
  int any_gate = l->gate_port < 0;
  memcpy (l->L[0].r, l->L[0].pop->out[in_r], l->L[0].pop->n * sizeof (double));
  for (size_t k = 1; k < N; k++)
    {
      layer *Lk = &l->L[k];
      const credo_proj *pr = Lk->fwd;
      const double *W = pr->plastic ? y + pr->w_offset : pr->w;
      cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) pr->rows,
                   (int) pr->cols, Lk->a, W, (int) pr->cols, l->L[k - 1].r, 1,
                   0.0, Lk->u, 1);
      credo_transfer_eval (&Lk->phi, Lk->pop->n, Lk->u, Lk->r, Lk->d);
    }
  if (l->gate_port >= 0)
    for (size_t j = 0; j < op->n; j++)
      any_gate |= op->in[l->gate_port][j] != 0;
  if (!any_gate)
    return -1; /* no target now */
  for (size_t j = 0; j < op->n; j++)
    out->e[j] = out->d[j] * (op->in[l->nudge_port][j] - out->u[j]);
  for (size_t k = N - 1; k > 1; k--)
    {
      layer *up = &l->L[k], *Lk = &l->L[k - 1];
      const credo_proj *pr = up->fwd;
      const double *W = pr->plastic ? y + pr->w_offset : pr->w;
      cblas_dgemv (CblasRowMajor, CblasTrans, (int) pr->rows, (int) pr->cols,
                   1.0, W, (int) pr->cols, up->e, 1, 0.0, Lk->e, 1);
      for (size_t j = 0; j < Lk->pop->n; j++)
        Lk->e[j] *= Lk->d[j];
    }
  return 0;
}

static double
angle_deg (const double *a, const double *b, size_t n)
{
  double ab = 0, aa = 0, bb = 0, c;
  for (size_t i = 0; i < n; i++)
    {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
  if (!(aa > 0 && bb > 0))
    return NAN;
  c = ab / sqrt (aa * bb);
  if (c > 1)
    c = 1;
  if (c < -1)
    c = -1;
  return acos (c) * (180.0 / M_PI);
}

/* ---- one sample ------------------------------------------------------------ */

int
credo__learning_sample (credo_learning *l, double t, const double *y,
                        double *row)
{
  credo_net *net = l->net;
  size_t N = l->n_layers;
  /* the circuit just before t: at a sample switch time the new sample's
   * stimulus must not meet the old sample's settled state */
  double te = t > 0 ? nextafter (t, -INFINITY) : t;
  for (size_t i = 0; i < l->n_cols; i++)
    row[i] = NAN;
  if (l->ls->n_test)
    test_set (l, te, y, row);
  credo__net_rhs (net, te, y, l->f); /* ports and dW/dt now */
  if (l->col_apical >= 0)
    {
      double s = 0;
      size_t cnt = 0;
      for (size_t k = 1; k + 1 < N; k++)
        if (l->L[k].apical >= 0)
          {
            const layer *Lk = &l->L[k];
            const double *va = Lk->pop->in[Lk->apical];
            const double *td = Lk->topdown >= 0 ? Lk->pop->in[Lk->topdown]
                                                : NULL;
            for (size_t j = 0; j < Lk->pop->n; j++)
              {
                double v_a = va[j] + (td ? td[j] : 0.0); /* v_A */
                s += v_a * v_a;
              }
            cnt += l->L[k].pop->n;
          }
      row[l->col_apical] = cnt ? sqrt (s / (double) cnt) : NAN;
    }
  if (l->nudge_port >= 0 && backprop (l, y) == 0)
    for (size_t k = 1; k < N; k++)
      {
        const layer *Lk = &l->L[k];
        const credo_proj *pr = Lk->fwd;
        if (Lk->angle_col < 0)
          continue;
        for (size_t i = 0; i < pr->rows; i++)
          for (size_t j = 0; j < pr->cols; j++)
            l->grad[i * pr->cols + j] = Lk->e[i] * l->L[k - 1].r[j];
        row[Lk->angle_col] = angle_deg (l->f + pr->w_offset, l->grad,
                                        pr->rows * pr->cols);
      }
  l->k++;
  l->next = l->k < l->planned ? credo__learning_time (l->ls, l->k) : INFINITY;
  return 0;
}
