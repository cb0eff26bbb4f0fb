/* src/learn/dfc_train.c -- Deep Feedback Control trained on a data set in
 * minibatches (Meulemans et al. 2021, NeurIPS; their train loop): every
 * minibatch is relaxed as one ODE system (learn/dfc_batch.c) by the
 * engine of learning.dfc.relax, the forward rule is averaged over the
 * batch, an optimizer steps, and a /learning/ row is written per epoch.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Per minibatch, as the authors' code: the feed-forward pass, the output
 * target r* = r^- - c dl/dr from the loss_target population's own
 * equations (its lambda and loss; with batch_mean its `batch` is the
 * minibatch's size, as PyTorch's mean over the last, smaller minibatch
 * too), a relaxation from the
 * feed-forward state with the controller at rest, then
 *   DFC-SS     the rule at the end of the relaxation, which stops as soon
 *              as every sample passes the authors' convergence test (or at
 *              learning.dfc.window); non-converged samples give nothing
 *              unless include_non_converged;
 *   DFC,       the rule averaged over the whole window (composite Simpson
 *   DFC-fixed  on average_points intervals of the engine's dense output),
 *              samples diverged at a quadrature point left out there.
 * The descent direction handed to the optimizer is 2 / B times the sum
 * over the batch (the authors' teaching signal -2 (phi(v) - phi(v_B)),
 * the batch mean); clipping and Adam act on it as on their gradients.
 * DFC-SSA solves each sample's linearised steady state instead
 * (learn/dfc_batch_ssa.c); "converged" counts the samples whose system
 * could be solved.
 * BP, the baseline, backpropagates the same output error through the
 * feed-forward pass: its descent direction is minus the gradient of the
 * batch-mean loss (the error carries lambda / B; divided by lambda).
 * With learning.dfc.sleep (DFC, DFC-SS) the feedback weights learn in
 * the authors' schedule (learn/dfc_sleep.c): epochs_init sleep epochs,
 * then per epoch a sleep epoch, the forward epoch and extra_epochs sleep
 * epochs; Q_N starts at I (their initialisation) and stays there with
 * freeze_output.
 * DFC-fixed sets Q_k = W_{k+1}^T ... W_N^T (Q_N = I) from the initial
 * weights and keeps it; feedback_product starts the other variants there.  The biases (dfc_neuron's `bias`, one per
 * population) are not learned.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "learn/dfc_batch.h"
#include "learn/dfc_sleep.h"
#include "learn/dfc_train.h"

enum
{
  C_TRAIN_LOSS,
  C_VAL_LOSS,
  C_VAL_ERROR,
  C_TEST_LOSS,
  C_TEST_ERROR,
  C_CONVERGED,
  C_DIVERGED,
  C_CONVERGENCE,
  C_RELAX_TIME,
  C_WALL,
  N_COLS
};

static const char *const col_names[N_COLS] = {
  "train_loss", "val_loss", "val_error", "test_loss", "test_error",
  "converged", "diverged",
  "convergence", "relax_time", "wall",
};

static const char *const col_docs[N_COLS] = {
  "mean loss of the epoch's training samples at their feed-forward output, "
  "before each minibatch's update (NaN at epoch 0)",
  "mean loss of the validation samples (learning.dfc.validation: the last "
  "samples of the training stimuli, never trained on)",
  "fraction of validation samples whose largest output is not the label's "
  "(learning.classify; NaN otherwise)",
  "mean loss of the test set (learning.test) at the feed-forward output",
  "fraction of test samples whose largest output is not the label's "
  "(learning.classify; NaN otherwise)",
  "fraction of the epoch's samples that passed the authors' convergence "
  "test at the end of their relaxation",
  "fraction of the epoch's samples diverged at the end of their relaxation "
  "(||r_L - (r* - alpha u)|| > ||r_L^-||)",
  "mean over the epoch's samples of ||r_L - (r* - alpha u)|| / ||r_L^-|| at "
  "the end of their relaxation: how far from the controlled steady state "
  "the window ends (0 there)",
  "mean length of a minibatch's relaxation, ms (DFC-SS stops when every "
  "sample has converged)",
  "wall seconds since training started",
};

struct credo_dfc_train
{
  credo_ctx *ctx;
  const credo_spec *spec;
  const credo_dfc_spec *d;
  credo_net *net;          /* the probe (for the loss_target's equations) */
  credo_net *sim_net;      /* the simulated network (static weights) */
  const credo_ff_chain *c;
  credo_dfc_lin lin;
  credo_dfc_batch *b;
  credo_dfc_sleep *sl;     /* the sleep phase, or NULL */
  credo_dfc_spec fb;       /* its optimizer's settings */
  double *G, *qu, *qm1, *qm2, *zs; /* its sums, update, moments, state */
  unsigned long long fb_steps, fb_windows;
  size_t N, B, m, nv, n0;
  double lr, lambda;
  long epoch;              /* the forward epoch being trained (0: before) */
  /* parameters */
  double **W, **bias, *Q, **upd, **m1, **m2;
  unsigned long long steps;
  /* data */
  const double *xin, *lab;
  size_t n_train;
  size_t *order;
  gsl_rng *rng;
  /* minibatch buffers */
  double *X, *L, *R, *z, *ltmp, *ttmp;
  int *status;
  const double **in_ptr;   /* the loss_target's input ports */
  double **out_ptr;        /* and outputs */
  int label_port, target_port, loss_port, batch_param;
  double *lparams;         /* the loss_target's parameters, batch = nb */
  /* epoch sums */
  double sum_loss, sum_relax, sum_conv;
  /* per minibatch of the current epoch: samples converged, diverged */
  double *batch_conv, *batch_div, *batch_ratio;
  size_t per_epoch, mat_rows[3], mat_cols[3];
  double *ratio;           /* B: the convergence ratios of a minibatch */
  double *ssa_work;        /* DFC-SSA's */
  size_t n_seen, n_conv, n_div, n_batches;
  /* relaxation observer */
  size_t nb;               /* samples in the current minibatch */
  double t_next, h;
  int k_next;
  double row[N_COLS];
};

void
credo__dfc_train_free (credo_dfc_train *t)
{
  if (!t)
    return;
  for (size_t k = 0; k < t->N; k++)
    {
      if (t->W)
        free (t->W[k]);
      if (t->bias)
        free (t->bias[k]);
      if (t->upd)
        free (t->upd[k]);
      if (t->m1)
        free (t->m1[k]);
      if (t->m2)
        free (t->m2[k]);
    }
  free (t->W);
  free (t->bias);
  free (t->upd);
  free (t->m1);
  free (t->m2);
  free (t->Q);
  free (t->order);
  free (t->X);
  free (t->L);
  free (t->R);
  free (t->z);
  free (t->ltmp);
  free (t->ttmp);
  free (t->status);
  free (t->ratio);
  free (t->ssa_work);
  free (t->batch_conv);
  free (t->batch_div);
  free (t->batch_ratio);
  free (t->in_ptr);
  free (t->out_ptr);
  free (t->lparams);
  free (t->G);
  free (t->qu);
  free (t->qm1);
  free (t->qm2);
  free (t->zs);
  credo__dfc_sleep_free (t->sl);
  if (t->rng)
    gsl_rng_free (t->rng);
  credo__dfc_batch_free (t->b);
  free (t);
}

credo_dfc_train *
credo__dfc_train_new (credo_ctx *ctx, const credo_spec *spec,
                      credo_net *probe, const credo_ff_chain *c,
                      const credo_dfc_lin *lin, const credo_pop *loss)
{
  const credo_dfc_spec *d = &spec->learning.dfc;
  const credo_stim_spec *in = &spec->stims[d->train_input];
  size_t N = c->n_layers;
  credo_dfc_train *t = credo__calloc (1, sizeof *t);
  if (!t)
    goto nomem;
  t->ctx = ctx;
  t->spec = spec;
  t->d = d;
  t->net = probe;
  t->c = c;
  t->lin = *lin;
  t->N = N;
  t->B = d->batch;
  t->m = c->L[N - 1].n;
  t->nv = credo__chain_units (c, 1);
  t->n0 = c->L[0].n;
  t->xin = in->values;
  t->n_train = in->n_rows - d->validation;
  t->lab = d->train_label >= 0 ? spec->stims[d->train_label].values : NULL;
  t->lr = d->lr;
  t->lambda = loss ? loss->spec->params[credo_model_param_index (
                         loss->model, "lambda")]
                   : 1.0;
  if (d->normalize_lr)
    t->lr /= t->lambda;
  if (!(t->b = credo__dfc_batch_new (ctx, c, lin, t->B, d->relax.atol)))
    goto fail;
  if (!(t->W = credo__calloc (N, sizeof *t->W))
      || !(t->bias = credo__calloc (N, sizeof *t->bias))
      || !(t->upd = credo__calloc (N, sizeof *t->upd))
      || !(t->m1 = credo__calloc (N, sizeof *t->m1))
      || !(t->m2 = credo__calloc (N, sizeof *t->m2))
      || !(t->Q = credo__calloc (t->nv * t->m, sizeof (double)))
      || !(t->order = credo__calloc (t->n_train, sizeof *t->order))
      || !(t->X = credo__calloc (t->B * t->n0, sizeof (double)))
      || !(t->L = credo__calloc (t->B * t->m, sizeof (double)))
      || !(t->R = credo__calloc (t->B * t->m, sizeof (double)))
      || !(t->z = credo__calloc (t->B * (t->nv + t->m), sizeof (double)))
      || !(t->ltmp = credo__calloc (3 * t->m, sizeof (double)))
      || !(t->ttmp = credo__calloc (t->m, sizeof (double)))
      || !(t->status = credo__calloc (t->B, sizeof (int)))
      || !(t->ratio = credo__calloc (t->B, sizeof (double)))
      || !(t->batch_conv = credo__calloc ((t->n_train + t->B - 1) / t->B,
                                          sizeof (double)))
      || !(t->batch_div = credo__calloc ((t->n_train + t->B - 1) / t->B,
                                         sizeof (double)))
      || !(t->batch_ratio = credo__calloc ((t->n_train + t->B - 1) / t->B,
                                           sizeof (double)))
      || (d->variant == CREDO_DFC_SSA
          && !(t->ssa_work = credo__calloc (
                   credo__dfc_batch_ssa_work (c, t->B), sizeof (double))))
      || !(t->rng = gsl_rng_alloc (gsl_rng_mt19937)))
    goto nomem;
  for (size_t k = 1; k < N; k++)
    {
      size_t nw = c->L[k].n * c->L[k - 1].n;
      const credo_pop *pop = c->L[k].pop;
      double b0 = pop->model->ff->offset
                      ? pop->model->ff->offset (pop->spec->params)
                      : 0.0;
      if (!(t->W[k] = credo__calloc (nw, sizeof (double)))
          || !(t->upd[k] = credo__calloc (nw, sizeof (double)))
          || !(t->m1[k] = credo__calloc (nw, sizeof (double)))
          || !(t->m2[k] = credo__calloc (nw, sizeof (double)))
          || !(t->bias[k] = credo__calloc (c->L[k].n, sizeof (double))))
        goto nomem;
      for (size_t i = 0; i < c->L[k].n; i++)
        t->bias[k][i] = b0;
    }
  if (loss)
    {
      const credo_model_type *lm = loss->model;
      if (!(t->in_ptr = credo__calloc (lm->n_in, sizeof *t->in_ptr))
          || !(t->out_ptr = credo__calloc (lm->n_out, sizeof *t->out_ptr))
          || !(t->lparams = credo__calloc (lm->n_param + 1,
                                           sizeof (double))))
        goto nomem;
      memcpy (t->lparams, loss->spec->params,
              lm->n_param * sizeof (double));
      t->batch_param = credo_model_param_index (lm, "batch");
      t->label_port = credo_model_input_index (lm, "label");
      t->target_port = credo_model_output_index (lm, "target");
      t->loss_port = credo_model_output_index (lm, "loss");
      for (size_t i = 0; i < lm->n_in; i++)
        t->in_ptr[i] = t->ltmp; /* ports the target does not read */
      for (size_t o = 0; o < lm->n_out; o++)
        t->out_ptr[o] = t->ltmp + (o % 3) * t->m;
      t->out_ptr[t->target_port] = t->ttmp;
      t->out_ptr[t->loss_port] = t->ltmp + t->m;
    }
  if (d->sleep.on)
    {
      const credo_dfc_sleep_spec *sp = &d->sleep;
      credo_dfc_sleep_params q = { sp->k_p, sp->alpha, lin->tau_u, sp->tau_v,
                                   sp->tau_A, sp->sigma };
      size_t nq = t->nv * t->m;
      if (!(t->sl = credo__dfc_sleep_new (ctx, c, &q, t->B)))
        goto fail;
      if (!(t->G = credo__calloc (nq, sizeof (double)))
          || !(t->qu = credo__calloc (nq, sizeof (double)))
          || !(t->qm1 = credo__calloc (nq, sizeof (double)))
          || !(t->qm2 = credo__calloc (nq, sizeof (double)))
          || !(t->zs = credo__calloc (t->B * (2 * t->nv + t->m),
                                      sizeof (double))))
        goto nomem;
      t->fb = *d;
      t->fb.optimizer = CREDO_OPT_ADAM;
      t->fb.epsilon = sp->epsilon;
      t->fb.clip = sp->clip;
    }
  t->per_epoch = (t->n_train + t->B - 1) / t->B;
  for (int i = 0; i < 3; i++)
    t->mat_rows[i] = 1, t->mat_cols[i] = t->per_epoch;
  for (size_t i = 0; i < t->per_epoch; i++)
    t->batch_conv[i] = t->batch_div[i] = t->batch_ratio[i] = NAN;
  gsl_rng_set (t->rng, spec->seed ^ 0x44464354UL); /* "DFCT" */
  for (size_t i = 0; i < t->n_train; i++)
    t->order[i] = i;
  return t;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
fail:
  credo__dfc_train_free (t);
  return NULL;
}

static const char *const mat_paths[] = { "batch_converged",
                                         "batch_diverged",
                                         "batch_convergence" };

size_t
credo__dfc_train_matrices (const credo_dfc_train *t,
                           const char *const **paths, const size_t **rows,
                           const size_t **cols)
{
  *paths = mat_paths;
  *rows = t->mat_rows;
  *cols = t->mat_cols;
  return 3;
}

const double *
credo__dfc_train_matrix (const credo_dfc_train *t, size_t i)
{
  return i == 2 ? t->batch_ratio : i ? t->batch_div : t->batch_conv;
}

size_t
credo__dfc_train_columns (const credo_dfc_train *t, const char *const **names,
                          const char *const **docs)
{
  (void) t;
  *names = col_names;
  *docs = col_docs;
  return N_COLS;
}

/* The loss_target's equations for one sample: r* into target, the loss
 * terms' sum returned; r = the feed-forward output, label its label. */
static double
sample_target (credo_dfc_train *t, const double *r, const double *label,
               double *target)
{
  const credo_pop *loss = &t->net->pops[t->d->target];
  credo_pop_view v = { t->m, t->lparams, t->in_ptr };
  double sum = 0;
  t->in_ptr[t->label_port] = label;
  loss->model->output (&v, 0.0, r, t->out_ptr);
  memcpy (target, t->ttmp, t->m * sizeof *target);
  for (size_t j = 0; j < t->m; j++)
    sum += t->out_ptr[t->loss_port][j];
  return sum;
}

/* Weights from the state y (plastic) or the network (static). */
static const double *
proj_weights (const credo_net *net, const credo_proj *pr, const double *y)
{
  return pr->plastic ? y + pr->w_offset : net->projs[pr - net->projs].w;
}

static void
read_params (credo_dfc_train *t, const double *y)
{
  size_t off = 0;
  for (size_t k = 1; k < t->N; k++)
    {
      const credo_proj *pr = t->c->L[k].fwd;
      memcpy (t->W[k], proj_weights (t->net, pr, y),
              pr->rows * pr->cols * sizeof (double));
    }
  for (size_t k = 1; k < t->N; k++)
    {
      int q = t->d->feedback[k];
      size_t n = t->c->L[k].n * t->m;
      if (q >= 0)
        memcpy (t->Q + off, proj_weights (t->sim_net ? t->sim_net : t->net,
                                          &t->net->projs[q], y),
                n * sizeof (double));
      else
        memset (t->Q + off, 0, n * sizeof (double));
      off += n;
    }
}

/* The trained weights back into the circuit. */
static void
write_params (credo_dfc_train *t, double *y)
{
  size_t off = 0;
  for (size_t k = 1; k < t->N; k++)
    {
      const credo_proj *pr = t->c->L[k].fwd;
      size_t nw = pr->rows * pr->cols;
      if (pr->plastic)
        memcpy (y + pr->w_offset, t->W[k], nw * sizeof (double));
      else if (t->sim_net)
        memcpy (t->sim_net->projs[pr - t->net->projs].w, t->W[k],
                nw * sizeof (double));
    }
  for (size_t k = 1; k < t->N; k++)
    {
      int q = t->d->feedback[k];
      size_t n = t->c->L[k].n * t->m;
      if (q >= 0 && t->net->projs[q].plastic)
        memcpy (y + t->net->projs[q].w_offset, t->Q + off,
                n * sizeof (double));
      else if (q >= 0 && t->sim_net)
        memcpy (t->sim_net->projs[q].w, t->Q + off, n * sizeof (double));
      off += n;
    }
}

/* ---- the relaxation's observer ---------------------------------------- */

static double
obs_next (void *ud)
{
  credo_dfc_train *t = ud;
  return t->k_next <= t->d->average_points ? t->t_next : INFINITY;
}

/* A Simpson point of the window: weight h/3 (1, 4, 2, 4, ..., 4, 1). */
static int
obs_sample (void *ud, double tt, const double *z)
{
  credo_dfc_train *t = ud;
  int k = t->k_next, K = t->d->average_points;
  double w = (k == 0 || k == K ? 1.0 : k % 2 ? 4.0 : 2.0) * t->h / 3.0;
  (void) tt;
  credo__dfc_batch_average_add (t->b, z, w, !t->d->include_non_converged,
                                t->upd, NULL);
  t->k_next++;
  t->t_next = t->k_next == K ? t->d->window : t->k_next * t->h;
  return 0;
}

static double
obs_never (void *ud)
{
  (void) ud;
  return INFINITY;
}

/* DFC-SS: done when every sample has converged. */
static int
obs_step (void *ud, double tt, const double *z)
{
  credo_dfc_train *t = ud;
  (void) tt;
  if (credo__dfc_batch_converged (t->b, z, t->d->convergence_tol,
                                  t->d->convergence_epsilon, t->status,
                                  NULL)
      == t->nb)
    return CREDO_OBSERVER_DONE;
  return 0;
}

/* ---- one minibatch ------------------------------------------------------ */

/* A relaxation's error, told where in the training it happened (the
 * engine's message names the relaxation's own time and the sample). */
static int
failed_in (credo_dfc_train *t, int rc, const char *phase, size_t first)
{
  char msg[sizeof t->ctx->msg];
  snprintf (msg, sizeof msg, "%s", credo_errmsg (t->ctx));
  return credo__error (t->ctx, rc, "%s phase, epoch %ld, minibatch %zu: %s",
                       phase, t->epoch, first / t->B + 1, msg);
}

/* The optimizer's step for the minibatch's update. */
static int
step (credo_dfc_train *t)
{
  if (t->d->optimizer == CREDO_OPT_NONE)
    return 0;
  t->steps++;
  for (size_t k = 1; k < t->N; k++)
    credo__optim_apply (t->d, t->lr, t->steps, t->W[k], t->upd[k],
                        t->c->L[k].n * t->c->L[k - 1].n, t->m1[k], t->m2[k]);
  return 0;
}

static int
minibatch (credo_dfc_train *t, const credo_train_env *env, size_t first,
           size_t nb)
{
  const credo_dfc_spec *d = t->d;
  size_t N = t->N, m = t->m, P = t->nv + t->m;
  credo_observer obs = { obs_next, obs_sample, NULL, NULL, t };
  const double *rff;
  double T = 0;
  int rc, average = d->variant == CREDO_DFC_AVERAGE
                    || d->variant == CREDO_DFC_FIXED;
  t->nb = nb;
  for (size_t s = 0; s < nb; s++)
    {
      size_t i = t->order[first + s];
      memcpy (t->X + s * t->n0, t->xin + i * t->n0, t->n0 * sizeof (double));
      if (t->lab)
        memcpy (t->L + s * m, t->lab + i * m, m * sizeof (double));
    }
  if ((rc = credo__dfc_batch_setup (t->b, nb, (const double *const *) t->W,
                                    (const double *const *) t->bias, t->Q,
                                    t->X, NULL)))
    return rc;
  rff = credo__dfc_batch_ff (t->b, N - 1);
  if (t->batch_param >= 0)
    t->lparams[t->batch_param] = (double) nb; /* PyTorch's mean: this batch */
  for (size_t s = 0; s < nb; s++)
    t->sum_loss += sample_target (t, rff + s * m, t->L + s * m, t->R + s * m);
  credo__dfc_batch_targets (t->b, t->R);
  if (d->variant == CREDO_DFC_BP)
    {
      /* minus the gradient of the batch-mean loss: delta carries lambda */
      credo__dfc_batch_backprop (t->b, 1.0 / t->lambda, t->upd);
      t->n_seen += nb;
      t->n_batches++;
      return step (t);
    }
  if (d->variant == CREDO_DFC_SSA)
    {
      /* no relaxation: the linearised steady state, solved */
      size_t bad = credo__dfc_batch_ssa (
          t->c, nb, (const double *const *) t->W,
          (const double *const *) t->bias, t->Q, t->X, t->R,
          credo__dfc_alpha_eff (&t->lin), 2.0 / (double) nb, t->upd,
          t->ssa_work);
      t->n_seen += nb;
      t->n_batches++;
      t->n_conv += nb - bad;
      t->batch_conv[first / t->B] = (double) (nb - bad);
      t->batch_div[first / t->B] = NAN;
      return step (t);
    }
  memset (t->z, 0, nb * P * sizeof *t->z);
  if (average)
    {
      t->k_next = 0;
      t->t_next = 0.0;
      t->h = d->window / d->average_points;
      credo__dfc_batch_average_begin (t->b, t->upd, NULL);
      /* the point t = 0 is the start itself */
      obs_sample (t, 0.0, t->z);
    }
  else
    obs = (credo_observer){ obs_never, NULL, obs_step, NULL, t };
  rc = env->relax (env->ud, credo__dfc_batch_system (t->b), &d->relax,
                   d->window, &obs, t->z, &T);
  if (rc != 0 && rc != CREDO_OBSERVER_DONE)
    return failed_in (t, rc, "forward", first);
  t->sum_relax += T;
  t->n_batches++;
  t->n_seen += nb;
  credo__dfc_batch_converged (t->b, t->z, d->convergence_tol,
                              d->convergence_epsilon, t->status, t->ratio);
  {
    size_t j = first / t->B, nc = 0, nd = 0;
    double sum = 0;
    for (size_t s = 0; s < nb; s++)
      {
        sum += t->ratio[s];
        t->sum_conv += t->ratio[s];
        nc += t->status[s] == 1;
        nd += t->status[s] == -1;
        if (d->include_non_converged)
          t->status[s] = 1;
      }
    t->n_conv += nc;
    t->n_div += nd;
    t->batch_conv[j] = (double) nc;
    t->batch_div[j] = (double) nd;
    t->batch_ratio[j] = sum / (double) nb;
  }
  if (average)
    credo__dfc_batch_average_end (t->b, 2.0 / ((double) nb * d->window),
                                  t->upd, NULL);
  else
    credo__dfc_batch_update (t->b, t->z, t->status, 2.0 / (double) nb,
                             t->upd, NULL);
  return step (t);
}

/* ---- the sleep phase ---------------------------------------------------- */

/* One sleep window on samples first .. first + nb - 1 of the order, and
 * Adam's step on Q (learning rate lr) along -G - wd Q. */
static int
sleep_minibatch (credo_dfc_train *t, const credo_train_env *env,
                 size_t first, size_t nb, double lr)
{
  const credo_dfc_sleep_spec *sp = &t->d->sleep;
  size_t m = t->m, off = 0;
  double T = 0, sc = fmax (sp->sigma, 0.01);
  int rc;
  for (size_t s = 0; s < nb; s++)
    memcpy (t->X + s * t->n0, t->xin + t->order[first + s] * t->n0,
            t->n0 * sizeof (double));
  /* a noise stream per window: reproducible, never the same twice */
  credo__dfc_sleep_setup (t->sl, nb, (const double *const *) t->W,
                          (const double *const *) t->bias, t->Q, t->X,
                          t->spec->seed * 1000003UL + ++t->fb_windows);
  rc = credo__dfc_sleep_window (t->sl, env, &sp->relax, sp->window, t->zs,
                                t->G, &T);
  if (rc != 0 && rc != CREDO_OBSERVER_DONE)
    return failed_in (t, rc, "sleep", first);
  /* the authors' gradient G / (sigma^2 T B) plus weight decay, descended */
  for (size_t i = 0; i < t->nv * m; i++)
    t->qu[i] = -t->G[i] / (sc * sc * T * (double) nb) - sp->weight_decay
                                                            * t->Q[i];
  t->fb_steps++;
  for (size_t k = 1; k < t->N; k++)
    {
      size_t n = t->c->L[k].n * m;
      if (!(k == t->N - 1 && sp->freeze_output))
        credo__optim_apply (&t->fb, lr, t->fb_steps, t->Q + off, t->qu + off,
                            n, t->qm1 + off, t->qm2 + off);
      off += n;
    }
  return 0;
}

/* A sleep epoch over the training samples (at most `cap` minibatches). */
static int
sleep_epoch (credo_dfc_train *t, const credo_train_env *env, double lr,
             size_t cap, double *done, double total)
{
  size_t n = 0;
  int rc;
  if (t->d->shuffle)
    gsl_ran_shuffle (t->rng, t->order, t->n_train, sizeof *t->order);
  for (size_t first = 0; first < t->n_train && n < cap; first += t->B, n++)
    {
      size_t nb = t->n_train - first < t->B ? t->n_train - first : t->B;
      if ((rc = sleep_minibatch (t, env, first, nb, lr)))
        return rc;
      env->progress (env->ud, ++*done, total);
      if (t->ctx->stop_requested)
        return credo__error (t->ctx, CREDO_EINTR, "interrupted at t = 0 ms "
                             "in the sleep phase");
    }
  return 0;
}

/* Mean loss and error rate of n samples (inputs, labels) at the
 * feed-forward output, in chunks of B, into row[col] and row[col + 1]. */
static void
evaluate (credo_dfc_train *t, const double *inputs, const double *labels,
          size_t n, int col)
{
  size_t m = t->m, N = t->N, wrong = 0;
  double sum = 0;
  t->row[col] = t->row[col + 1] = NAN;
  if (!n)
    return;
  for (size_t first = 0; first < n; first += t->B)
    {
      size_t nb = n - first < t->B ? n - first : t->B;
      const double *rff;
      credo__dfc_batch_setup (t->b, nb, (const double *const *) t->W,
                              (const double *const *) t->bias, t->Q,
                              inputs + first * t->n0, NULL);
      rff = credo__dfc_batch_ff (t->b, N - 1);
      if (t->batch_param >= 0)
        t->lparams[t->batch_param] = (double) nb;
      for (size_t s = 0; s < nb; s++)
        {
          const double *lab = labels + (first + s) * m;
          const double *r = rff + s * m;
          size_t best = 0, true_class = 0;
          sum += sample_target (t, r, lab, t->ttmp);
          for (size_t j = 1; j < m; j++)
            {
              best = r[j] > r[best] ? j : best;
              true_class = lab[j] > lab[true_class] ? j : true_class;
            }
          wrong += best != true_class;
        }
    }
  t->row[col] = sum / (double) n;
  if (t->spec->learning.classify)
    t->row[col + 1] = (double) wrong / (double) n;
}

static int
epoch_row (credo_dfc_train *t, const credo_train_env *env, double epoch,
           double wall0)
{
  int rc;
  const credo_learning_spec *ls = &t->spec->learning;
  double n = (double) t->n_seen;
  evaluate (t, t->xin + t->n_train * t->n0, t->lab + t->n_train * t->m,
            t->d->validation, C_VAL_LOSS);
  evaluate (t, ls->test_inputs, ls->test_targets, ls->n_test, C_TEST_LOSS);
  t->row[C_TRAIN_LOSS] = n > 0 ? t->sum_loss / n : NAN;
  t->row[C_CONVERGED] = n > 0 ? (double) t->n_conv / n : NAN;
  t->row[C_DIVERGED] = n > 0 ? (double) t->n_div / n : NAN;
  t->row[C_RELAX_TIME] = t->n_batches ? t->sum_relax / (double) t->n_batches
                                      : NAN;
  t->row[C_CONVERGENCE] = n > 0 ? t->sum_conv / n : NAN;
  if (t->d->variant == CREDO_DFC_SSA)
    t->row[C_DIVERGED] = t->row[C_RELAX_TIME] = t->row[C_CONVERGENCE] = NAN;
  if (t->d->variant == CREDO_DFC_BP)
    t->row[C_CONVERGED] = t->row[C_DIVERGED] = t->row[C_RELAX_TIME]
        = t->row[C_CONVERGENCE] = NAN;
  t->row[C_WALL] = credo__wall_seconds () - wall0;
  t->sum_loss = t->sum_relax = t->sum_conv = 0;
  t->n_seen = t->n_conv = t->n_div = t->n_batches = 0;
  rc = env->row (env->ud, epoch, t->row); /* with the per-batch counts */
  for (size_t i = 0; i < t->per_epoch; i++)
    t->batch_conv[i] = t->batch_div[i] = t->batch_ratio[i] = NAN;
  return rc;
}

int
credo__dfc_train_run (credo_dfc_train *t, const credo_train_env *env,
                      double *y, credo_net *sim_net)
{
  const credo_dfc_spec *d = t->d;
  const credo_dfc_sleep_spec *sp = &d->sleep;
  size_t per_epoch = (t->n_train + t->B - 1) / t->B;
  double fwd = (double) per_epoch * (double) d->epochs, done = 0, total;
  double wall0 = credo__wall_seconds (), fwd_done = 0;
  size_t cap = per_epoch; /* sleep minibatches per sleep epoch */
  int rc;
  t->sim_net = sim_net;
  read_params (t, y);
  if (d->variant == CREDO_DFC_FIXED || d->feedback_product)
    credo__batch_weight_product (t->c, (const double *const *) t->W, t->Q);
  else if (t->sl)
    /* the authors' initialisation of the output block: Q_N = I */
    for (size_t i = 0; i < t->m * t->m; i++)
      t->Q[(t->nv - t->m) * t->m + i] = i / t->m == i % t->m;
  if (d->max_batches > 0 && (double) d->max_batches < fwd)
    fwd = (double) d->max_batches;
  if (d->max_batches > 0 && (size_t) d->max_batches < cap)
    cap = (size_t) d->max_batches;
  total = fwd;
  if (t->sl)
    total += (double) cap
             * (double) (sp->epochs_init + d->epochs * (1 + sp->extra_epochs));
  if ((rc = epoch_row (t, env, 0, wall0)))
    return rc;
  /* the authors' schedule: sleep epochs first, then per epoch a sleep
   * epoch, a forward epoch and extra sleep epochs */
  for (long e = 0; t->sl && e < sp->epochs_init; e++)
    if ((rc = sleep_epoch (t, env, sp->lr_init, cap, &done, total)))
      return rc;
  for (long e = 1; e <= d->epochs && fwd_done < fwd; e++)
    {
      t->epoch = e;
      if (t->sl && (rc = sleep_epoch (t, env, sp->lr, cap, &done, total)))
        return rc;
      if (d->shuffle)
        gsl_ran_shuffle (t->rng, t->order, t->n_train, sizeof *t->order);
      for (size_t first = 0; first < t->n_train && fwd_done < fwd;
           first += t->B)
        {
          size_t nb = t->n_train - first < t->B ? t->n_train - first : t->B;
          if ((rc = minibatch (t, env, first, nb)))
            return rc;
          fwd_done++;
          env->progress (env->ud, ++done, total);
          if (t->ctx->stop_requested)
            return credo__error (t->ctx, CREDO_EINTR,
                                 "interrupted at t = 0 ms in epoch %ld after "
                                 "%.0f minibatches", e, done);
        }
      for (long x = 0; t->sl && x < sp->extra_epochs; x++)
        if ((rc = sleep_epoch (t, env, sp->lr, cap, &done, total)))
          return rc;
      if ((rc = epoch_row (t, env, (double) e, wall0)))
        return rc;
    }
  write_params (t, y);
  return 0;
}
