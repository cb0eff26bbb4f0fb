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

#include "learn/dfc_train_impl.h"


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
  free (t->rff);
  free (t->ltmp);
  free (t->ttmp);
  free (t->status);
  free (t->keep);
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
  if (t->rng)
    gsl_rng_free (t->rng);
  credo__dfc_parts_free (t);
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
  int rc;
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
      || !(t->rff = credo__calloc (t->B * t->m, sizeof (double)))
      || !(t->ltmp = credo__calloc (3 * t->m, sizeof (double)))
      || !(t->ttmp = credo__calloc (t->m, sizeof (double)))
      || !(t->status = credo__calloc (t->B, sizeof (int)))
      || !(t->keep = credo__calloc (t->B, sizeof (int)))
      || !(t->ratio = credo__calloc (t->B, sizeof (double)))
      || !(t->batch_conv = credo__calloc ((t->n_train + t->B - 1) / t->B,
                                          sizeof (double)))
      || !(t->batch_div = credo__calloc ((t->n_train + t->B - 1) / t->B,
                                         sizeof (double)))
      || !(t->batch_ratio = credo__calloc ((t->n_train + t->B - 1) / t->B,
                                           sizeof (double)))
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
      size_t nq = t->nv * t->m;
      if (!(t->G = credo__calloc (nq, sizeof (double)))
          || !(t->qu = credo__calloc (nq, sizeof (double)))
          || !(t->qm1 = credo__calloc (nq, sizeof (double)))
          || !(t->qm2 = credo__calloc (nq, sizeof (double))))
        goto nomem;
      t->fb = *d;
      t->fb.optimizer = CREDO_OPT_ADAM;
      t->fb.epsilon = sp->epsilon;
      t->fb.clip = sp->clip;
    }
  t->n_parts = d->threads > t->B ? t->B : d->threads;
  if ((rc = credo__dfc_parts_new (t)))
    {
      if (rc == CREDO_ENOMEM)
        goto nomem;
      goto fail;
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
      if ((rc = credo__dfc_sleep_minibatch (t, env, first, nb, lr)))
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
      if (t->batch_param >= 0)
        t->lparams[t->batch_param] = (double) nb;
      /* the feed-forward pass in pieces of what a part's system holds */
      for (size_t f = first; f < first + nb; f += t->part[0].cap)
        {
          size_t nf = first + nb - f < t->part[0].cap ? first + nb - f
                                                      : t->part[0].cap;
          const double *rff;
          credo__dfc_batch_setup (t->part[0].b, nf,
                                  (const double *const *) t->W,
                                  (const double *const *) t->bias, t->Q,
                                  inputs + f * t->n0, NULL);
          rff = credo__dfc_batch_ff (t->part[0].b, N - 1);
          for (size_t s = 0; s < nf; s++)
            {
              const double *lab = labels + (f + s) * m;
              const double *r = rff + s * m;
              size_t best = 0, true_class = 0;
              sum += credo__dfc_sample_target (t, r, lab, t->ttmp);
              for (size_t j = 1; j < m; j++)
                {
                  best = r[j] > r[best] ? j : best;
                  true_class = lab[j] > lab[true_class] ? j : true_class;
                }
              wrong += best != true_class;
            }
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
  else if (t->part[0].sl)
    /* the authors' initialisation of the output block: Q_N = I */
    for (size_t i = 0; i < t->m * t->m; i++)
      t->Q[(t->nv - t->m) * t->m + i] = i / t->m == i % t->m;
  if (d->max_batches > 0 && (double) d->max_batches < fwd)
    fwd = (double) d->max_batches;
  if (d->max_batches > 0 && (size_t) d->max_batches < cap)
    cap = (size_t) d->max_batches;
  total = fwd;
  if (t->part[0].sl)
    total += (double) cap
             * (double) (sp->epochs_init + d->epochs * (1 + sp->extra_epochs));
  if ((rc = epoch_row (t, env, 0, wall0)))
    return rc;
  /* the authors' schedule: sleep epochs first, then per epoch a sleep
   * epoch, a forward epoch and extra sleep epochs */
  for (long e = 0; t->part[0].sl && e < sp->epochs_init; e++)
    if ((rc = sleep_epoch (t, env, sp->lr_init, cap, &done, total)))
      return rc;
  for (long e = 1; e <= d->epochs && fwd_done < fwd; e++)
    {
      t->epoch = e;
      if (t->part[0].sl && (rc = sleep_epoch (t, env, sp->lr, cap, &done, total)))
        return rc;
      if (d->shuffle)
        gsl_ran_shuffle (t->rng, t->order, t->n_train, sizeof *t->order);
      for (size_t first = 0; first < t->n_train && fwd_done < fwd;
           first += t->B)
        {
          size_t nb = t->n_train - first < t->B ? t->n_train - first : t->B;
          if ((rc = credo__dfc_minibatch (t, env, first, nb)))
            return rc;
          fwd_done++;
          env->progress (env->ud, ++done, total);
          if (t->ctx->stop_requested)
            return credo__error (t->ctx, CREDO_EINTR,
                                 "interrupted at t = 0 ms in epoch %ld after "
                                 "%.0f minibatches", e, done);
        }
      for (long x = 0; t->part[0].sl && x < sp->extra_epochs; x++)
        if ((rc = sleep_epoch (t, env, sp->lr, cap, &done, total)))
          return rc;
      if ((rc = epoch_row (t, env, (double) e, wall0)))
        return rc;
    }
  write_params (t, y);
  return 0;
}
