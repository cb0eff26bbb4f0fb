/* src/learn/dfc_relax.c -- one minibatch of Deep Feedback Control
 * training (learn/dfc_train.c): its relaxation in parts on threads of
 * their own, the forward rule, the optimizer's step; and one window of the
 * sleep phase the same way.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * learning.dfc.threads = P splits every minibatch into P parts of nearly
 * equal size (the first nb mod P parts one sample more), each relaxed as
 * a system of its own by an engine of its own on a thread of its own
 * (base/parallel.c).  With the per-sample error norms of a batched system
 * (engine/nvector_fast.c) every sample meets the tolerances by itself
 * whatever its companions; what the split changes is the step sequence
 * (the largest of a part's norms picks it), so results with different P
 * agree to the tolerance, and P = 1 is the undivided minibatch.  The
 * parts' updates are summed in part order after all have finished: the
 * same P and seed give bit-identical results on any machine load.  The
 * sleep phase's noise comes from a stream per window and part.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/dfc_train_impl.h"

/* ---- the parts ---------------------------------------------------------- */

int
credo__dfc_parts_new (credo_dfc_train *t)
{
  const credo_dfc_spec *d = t->d;
  size_t P = t->n_parts, cap = (t->B + P - 1) / P, N = t->N;
  credo_dfc_sleep_params q = { d->sleep.k_p,   d->sleep.alpha,
                               t->lin.tau_u,   d->sleep.tau_v,
                               d->sleep.tau_A, d->sleep.sigma };
  if (!(t->part = credo__calloc (P, sizeof *t->part)))
    return CREDO_ENOMEM;
  if (d->variant == CREDO_DFC_SSA)
    {
      t->ssa_stride = credo__dfc_batch_ssa_work (t->c, cap);
      if (!(t->ssa_work = credo__calloc (P * t->ssa_stride, sizeof (double))))
        return CREDO_ENOMEM;
    }
  for (size_t p = 0; p < P; p++)
    {
      dfc_part *pp = &t->part[p];
      pp->t = t;
      pp->cap = cap;
      if (!(pp->b = credo__dfc_batch_new (t->ctx, t->c, &t->lin, cap,
                                          d->relax.atol)))
        return credo_errcode (t->ctx);
      if (!(pp->z = credo__calloc (cap * (t->nv + t->m), sizeof (double))))
        return CREDO_ENOMEM;
      if (p == 0)
        pp->upd = t->upd;
      else if (!(pp->upd = credo__calloc (N, sizeof *pp->upd)))
        return CREDO_ENOMEM;
      for (size_t k = 1; k < N && p; k++)
        if (!(pp->upd[k] = credo__calloc (t->c->L[k].n * t->c->L[k - 1].n,
                                          sizeof (double))))
          return CREDO_ENOMEM;
      if (!d->sleep.on)
        continue;
      if (!(pp->sl = credo__dfc_sleep_new (t->ctx, t->c, &q, cap)))
        return credo_errcode (t->ctx);
      if (!(pp->zs = credo__calloc (cap * (2 * t->nv + t->m),
                                    sizeof (double))))
        return CREDO_ENOMEM;
      pp->G = p ? credo__calloc (t->nv * t->m, sizeof (double)) : t->G;
      if (!pp->G)
        return CREDO_ENOMEM;
    }
  return 0;
}

void
credo__dfc_parts_free (credo_dfc_train *t)
{
  for (size_t p = 0; t->part && p < t->n_parts; p++)
    {
      dfc_part *pp = &t->part[p];
      credo__dfc_batch_free (pp->b);
      credo__dfc_sleep_free (pp->sl);
      free (pp->z);
      free (pp->zs);
      if (p)
        {
          for (size_t k = 0; pp->upd && k < t->N; k++)
            free (pp->upd[k]);
          free (pp->upd);
          free (pp->G);
        }
    }
  free (t->part);
  t->part = NULL;
}

/* Samples of a minibatch of nb to the parts, in order. */
static void
split (credo_dfc_train *t, size_t nb)
{
  size_t P = t->n_parts, first = 0;
  for (size_t p = 0; p < P; p++)
    {
      t->part[p].first = first;
      t->part[p].nb = nb / P + (p < nb % P);
      first += t->part[p].nb;
    }
}

/* The sum of every part's update into part 0's (the trainer's), in part
 * order. */
static void
sum_parts (credo_dfc_train *t)
{
  for (size_t p = 1; p < t->n_parts; p++)
    for (size_t k = 1; k < t->N; k++)
      {
        size_t n = t->c->L[k].n * t->c->L[k - 1].n;
        for (size_t i = 0; i < n; i++)
          t->upd[k][i] += t->part[p].upd[k][i];
      }
}

double
credo__dfc_sample_target (credo_dfc_train *t, const double *r,
                          const double *label, double *target)
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

/* ---- the relaxation's observer (per part) ------------------------------ */

static double
obs_next (void *ud)
{
  dfc_part *pp = ud;
  return pp->k_next <= pp->t->d->average_points ? pp->t_next : INFINITY;
}

/* A Simpson point of the window: weight h/3 (1, 4, 2, 4, ..., 4, 1). */
static int
obs_sample (void *ud, double tt, const double *z)
{
  dfc_part *pp = ud;
  const credo_dfc_spec *d = pp->t->d;
  int k = pp->k_next, K = d->average_points;
  double w = (k == 0 || k == K ? 1.0 : k % 2 ? 4.0 : 2.0) * pp->h / 3.0;
  (void) tt;
  credo__dfc_batch_average_add (pp->b, z, w, !d->include_non_converged,
                                pp->upd, NULL);
  pp->k_next++;
  pp->t_next = pp->k_next == K ? d->window : pp->k_next * pp->h;
  return 0;
}

static double
obs_never (void *ud)
{
  (void) ud;
  return INFINITY;
}

/* DFC-SS: done when every sample of the part has converged. */
static int
obs_step (void *ud, double tt, const double *z)
{
  dfc_part *pp = ud;
  const credo_dfc_spec *d = pp->t->d;
  (void) tt;
  if (credo__dfc_batch_converged (pp->b, z, d->convergence_tol,
                                  d->convergence_epsilon,
                                  pp->t->status + pp->first, NULL)
      == pp->nb)
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

/* Part p's update (on its thread): backprop, the solved linearised
 * steady state (DFC-SSA: the samples it could not solve into
 * pp->unsolved), or
 * the relaxation and the rule at its end or averaged over the window. */
static int
forward_part (void *ud, size_t p)
{
  credo_dfc_train *t = ud;
  const credo_dfc_spec *d = t->d;
  dfc_part *pp = &t->part[p];
  double scale = 2.0 / (double) t->nb;
  credo_observer obs = { obs_next, obs_sample, NULL, NULL, pp };
  int rc, average = d->variant == CREDO_DFC_AVERAGE
                    || d->variant == CREDO_DFC_FIXED;
  pp->T = 0;
  if (!pp->nb)
    {
      for (size_t k = 1; k < t->N; k++)
        memset (pp->upd[k], 0,
                t->c->L[k].n * t->c->L[k - 1].n * sizeof (double));
      return 0;
    }
  if (d->variant == CREDO_DFC_BP)
    {
      /* minus the gradient of the batch-mean loss: delta carries lambda */
      credo__dfc_batch_backprop (pp->b, 1.0 / t->lambda, pp->upd);
      return 0;
    }
  if (d->variant == CREDO_DFC_SSA)
    {
      pp->unsolved = credo__dfc_batch_ssa (
          t->c, pp->nb, (const double *const *) t->W,
          (const double *const *) t->bias, t->Q, t->X + pp->first * t->n0,
          t->R + pp->first * t->m, credo__dfc_alpha_eff (&t->lin), scale,
          pp->upd, t->ssa_work + p * t->ssa_stride);
      return 0;
    }
  memset (pp->z, 0, pp->nb * (t->nv + t->m) * sizeof *pp->z);
  if (average)
    {
      pp->k_next = 0;
      pp->t_next = 0.0;
      pp->h = d->window / d->average_points;
      credo__dfc_batch_average_begin (pp->b, pp->upd, NULL);
      /* the point t = 0 is the start itself */
      obs_sample (pp, 0.0, pp->z);
    }
  else
    obs = (credo_observer){ obs_never, NULL, obs_step, NULL, pp };
  rc = t->env->relax (t->env->ud, credo__dfc_batch_system (pp->b), &d->relax,
                      d->window, &obs, pp->z, &pp->T);
  if (rc != 0 && rc != CREDO_OBSERVER_DONE)
    return rc;
  credo__dfc_batch_converged (pp->b, pp->z, d->convergence_tol,
                              d->convergence_epsilon, t->status + pp->first,
                              t->ratio + pp->first);
  if (average)
    credo__dfc_batch_average_end (pp->b, scale / d->window, pp->upd, NULL);
  else
    {
      /* only the converged samples teach (diverged ones neither) */
      int *keep = t->keep + pp->first;
      for (size_t s = 0; s < pp->nb; s++)
        keep[s] = t->status[pp->first + s] == 1;
      credo__dfc_batch_update (pp->b, pp->z,
                               d->include_non_converged ? NULL : keep, scale,
                               pp->upd, NULL);
    }
  return 0;
}

/* The epoch's and the minibatch's counts of converged and diverged
 * samples, after a relaxation (j: the minibatch's index). */
static void
count (credo_dfc_train *t, size_t j)
{
  size_t nc = 0, nd = 0;
  double sum = 0, T = 0;
  for (size_t p = 0; p < t->n_parts; p++)
    T = fmax (T, t->part[p].T); /* the minibatch's: its longest part's */
  t->sum_relax += T;
  for (size_t s = 0; s < t->nb; s++)
    {
      sum += t->ratio[s];
      t->sum_conv += t->ratio[s];
      nc += t->status[s] == 1;
      nd += t->status[s] == -1;
    }
  t->n_conv += nc;
  t->n_div += nd;
  t->batch_conv[j] = (double) nc;
  t->batch_div[j] = (double) nd;
  t->batch_ratio[j] = sum / (double) t->nb;
}

int
credo__dfc_minibatch (credo_dfc_train *t, const credo_train_env *env,
                      size_t first, size_t nb)
{
  const credo_dfc_spec *d = t->d;
  size_t m = t->m, j = first / t->B;
  int rc;
  t->nb = nb;
  t->env = env;
  for (size_t s = 0; s < nb; s++)
    {
      size_t i = t->order[first + s];
      memcpy (t->X + s * t->n0, t->xin + i * t->n0, t->n0 * sizeof (double));
      if (t->lab)
        memcpy (t->L + s * m, t->lab + i * m, m * sizeof (double));
    }
  split (t, nb);
  for (size_t p = 0; p < t->n_parts; p++)
    {
      dfc_part *pp = &t->part[p];
      if (!pp->nb)
        continue;
      if ((rc = credo__dfc_batch_setup (
               pp->b, pp->nb, (const double *const *) t->W,
               (const double *const *) t->bias, t->Q,
               t->X + pp->first * t->n0, NULL)))
        return rc;
      memcpy (t->rff + pp->first * m, credo__dfc_batch_ff (pp->b, t->N - 1),
              pp->nb * m * sizeof (double));
    }
  if (t->batch_param >= 0)
    t->lparams[t->batch_param] = (double) nb; /* PyTorch's mean: this batch */
  for (size_t s = 0; s < nb; s++)
    t->sum_loss += credo__dfc_sample_target (t, t->rff + s * m, t->L + s * m,
                                             t->R + s * m);
  for (size_t p = 0; p < t->n_parts; p++)
    if (t->part[p].nb)
      credo__dfc_batch_targets (t->part[p].b, t->R + t->part[p].first * m);
  if ((rc = credo__parallel (t->n_parts, forward_part, t)))
    return failed_in (t, rc, "forward", first);
  sum_parts (t);
  t->n_seen += nb;
  t->n_batches++;
  if (d->variant == CREDO_DFC_SSA)
    {
      size_t bad = 0;
      for (size_t p = 0; p < t->n_parts; p++)
        bad += t->part[p].unsolved;
      t->n_conv += nb - bad;
      t->batch_conv[j] = (double) (nb - bad);
      t->batch_div[j] = NAN;
    }
  else if (d->variant != CREDO_DFC_BP)
    count (t, j);
  return step (t);
}

/* ---- the sleep phase ---------------------------------------------------- */

static int
sleep_part (void *ud, size_t p)
{
  credo_dfc_train *t = ud;
  dfc_part *pp = &t->part[p];
  const credo_dfc_sleep_spec *sp = &t->d->sleep;
  pp->T = 0;
  if (!pp->nb)
    {
      memset (pp->G, 0, t->nv * t->m * sizeof *pp->G);
      return 0;
    }
  return credo__dfc_sleep_window (pp->sl, t->env, &sp->relax, sp->window,
                                  pp->zs, pp->G, &pp->T);
}

int
credo__dfc_sleep_minibatch (credo_dfc_train *t, const credo_train_env *env,
                            size_t first, size_t nb, double lr)
{
  const credo_dfc_sleep_spec *sp = &t->d->sleep;
  size_t m = t->m, off = 0, nq = t->nv * m;
  double T, sc = fmax (sp->sigma, 0.01);
  int rc;
  t->nb = nb;
  t->env = env;
  for (size_t s = 0; s < nb; s++)
    memcpy (t->X + s * t->n0, t->xin + t->order[first + s] * t->n0,
            t->n0 * sizeof (double));
  split (t, nb);
  t->fb_windows++;
  for (size_t p = 0; p < t->n_parts; p++)
    {
      dfc_part *pp = &t->part[p];
      /* a noise stream per window and part: reproducible, never the same
       * twice */
      unsigned long seed = t->spec->seed * 1000003UL + t->fb_windows
                           + p * 0x9E3779B97F4A7C15UL;
      if (pp->nb)
        credo__dfc_sleep_setup (pp->sl, pp->nb, (const double *const *) t->W,
                                (const double *const *) t->bias, t->Q,
                                t->X + pp->first * t->n0, seed);
    }
  if ((rc = credo__parallel (t->n_parts, sleep_part, t)))
    return failed_in (t, rc, "sleep", first);
  for (size_t p = 1; p < t->n_parts; p++)
    for (size_t i = 0; i < nq; i++)
      t->G[i] += t->part[p].G[i];
  T = t->part[0].T; /* every part's window is the same */
  /* the authors' gradient G / (sigma^2 T B) plus weight decay, descended */
  for (size_t i = 0; i < nq; i++)
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
