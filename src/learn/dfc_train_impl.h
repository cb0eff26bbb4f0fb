/* src/learn/dfc_train_impl.h -- the minibatch trainer's state, shared by
 * learn/dfc_train.c (epochs, evaluation, /learning/ rows) and
 * learn/dfc_relax.c (one minibatch: its relaxation in parts on threads,
 * the update).  Never installed.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_DFC_TRAIN_IMPL_H
#define CREDO_DFC_TRAIN_IMPL_H

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

/* A part of the minibatch (learning.dfc.threads of them): samples first
 * .. first + nb - 1, relaxed as a system of their own on a thread of
 * their own, their update summed into the minibatch's in part order. */
typedef struct dfc_part
{
  struct credo_dfc_train *t;
  credo_dfc_batch *b;
  credo_dfc_sleep *sl;     /* the sleep phase, or NULL */
  size_t first, nb, cap;   /* cap: the most samples it takes */
  double *z, *zs, *G;      /* forward and sleep states, sleep sums */
  double **upd;            /* per layer k >= 1 (part 0: the trainer's) */
  double T;                /* where its last relaxation ended */
  size_t unsolved;         /* DFC-SSA: its samples not solved */
  double t_next, h;        /* the window average's next point */
  int k_next;
} dfc_part;

struct credo_dfc_train
{
  credo_ctx *ctx;
  const credo_spec *spec;
  const credo_dfc_spec *d;
  credo_net *net;          /* the probe (for the loss_target's equations) */
  credo_net *sim_net;      /* the simulated network (static weights) */
  const credo_ff_chain *c;
  credo_dfc_lin lin;
  dfc_part *part;          /* n_parts of them */
  size_t n_parts;
  const credo_train_env *env; /* of the running training */
  credo_dfc_spec fb;       /* the sleep phase's optimizer settings */
  double *G, *qu, *qm1, *qm2; /* its sums, update, moments */
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
  double *X, *L, *R, *rff, *ltmp, *ttmp;
  int *status, *keep;     /* B: convergence status, samples that teach */
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
  double *ssa_work;        /* DFC-SSA's, per part: ssa_stride doubles */
  size_t ssa_stride;
  size_t n_seen, n_conv, n_div, n_batches;
  size_t nb;               /* samples in the current minibatch */
  double row[N_COLS];
};

/* learn/dfc_relax.c */
/* The parts' systems and buffers (t->n_parts, t->B, t->d set); 0 or
 * CREDO_ENOMEM. */
int credo__dfc_parts_new (struct credo_dfc_train *t);
void credo__dfc_parts_free (struct credo_dfc_train *t);
/* The loss_target's equations for one sample: r* into target, the sum of
 * the loss terms returned; r = the feed-forward output, label its label. */
double credo__dfc_sample_target (struct credo_dfc_train *t, const double *r,
                                 const double *label, double *target);
/* One forward minibatch (samples first .. first + nb - 1 of the order):
 * relaxation, update, optimizer step.  0 or a CREDO_E* code. */
int credo__dfc_minibatch (struct credo_dfc_train *t,
                          const credo_train_env *env, size_t first,
                          size_t nb);
/* One sleep window on those samples and Adam's step on Q at rate lr. */
int credo__dfc_sleep_minibatch (struct credo_dfc_train *t,
                                const credo_train_env *env, size_t first,
                                size_t nb, double lr);

#endif /* CREDO_DFC_TRAIN_IMPL_H */
