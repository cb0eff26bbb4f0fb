/* src/learn/dfc.c -- the Deep Feedback Control protocol (Meulemans et al.
 * 2021, NeurIPS): one presentation window per update, the forward rule
 * evaluated at the window's end (DFC-SS), averaged over it (DFC,
 * DFC-fixed) or at the linearised steady state (DFC-SSA), an optimizer,
 * and the exact references beside every update.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Windows are [start + k every, start + (k+1) every).  At a window's start
 * (protocol act) the feed-forward pass of the new input is computed on the
 * chain (learn/chain.c) with the current weights; with `reset` every layer
 * starts from it (v = v^-, the controller and apical states from rest, as
 * the authors' code starts each minibatch) and the loss_target's r_ff is
 * set to the output r_L^-, so the controller is driven towards
 * r* = r_L^- - lambda dL/dr_L.  The references (backprop, Gauss-Newton)
 * are taken there, at the feed-forward point, with the output error
 * delta_L = r* - r_L^-.  At the window's end (protocol sample) the update
 * is formed and a row written; the next act applies it through the
 * optimizer.  Sign convention: an update is the descent direction, what
 * is added to W before the learning rate (the rule's dW/dt); Adam is fed
 * its negative as the gradient.
 *
 * The forward projections' weights are frozen inside a window (spec
 * learning_dfc.c sets their plast.mode); DFC integrates the rule into a
 * quadrature block beside W, so its window average is exact to the
 * solver's tolerance.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

#include "learn/dfc_diag.h"
#include "learn/dfc_train.h"
#include "learn/learn.h"

typedef struct dfc
{
  credo_ctx *ctx;
  const credo_learning_spec *ls;
  const credo_dfc_spec *d;
  credo_net *net;        /* the probe: ports at a given state */
  credo_net *sim_net;    /* the simulated network (bind): static Q */
  credo_ff_chain *chain;
  credo_dfc_train *tr;   /* minibatch training (learning.dfc.batch > 0) */
  size_t N, n_refs;
  const credo_reference_type **refs;
  credo_pop *ctrl, *loss;
  int *v_var;            /* per layer: index of state variable "v" */
  int rff_var, target_port, loss_port, u_port, rate_port;
  double lr;             /* effective learning rate */
  credo_dfc_lin lin;     /* the controller's and layers' constants */
  double *tau_v;         /* per layer k >= 1 (index k - 1) */
  double *dS;            /* a rule's block derivatives (unused values) */
  /* schedule */
  unsigned long long planned, win; /* windows; the next to start */
  double win_start, next;          /* current window; next row time */
  int pending;                     /* an update waits for act */
  unsigned long long steps;        /* updates applied (Adam's t) */
  /* per window */
  double *ys;            /* probe state */
  double loss_value, *delta, delta_norm, ff_norm;
  double **upd;          /* [N] the rule's update (rows x cols) */
  double **dir;          /* [n_refs * N] reference directions */
  int *ref_ok;
  double **m1, **m2;     /* Adam moments per layer */
  double *work, *J, *Qs; /* reference and diagnostic work */
  double diag[3];        /* rho_Q, max Re A_PI, max Re A_inst */
  /* columns and matrices */
  size_t n_cols;
  char **names;
  const char **docs;
  int col_loss, col_out, col_conv, col_diag;
  int *angle_col;        /* [n_refs * N] */
  size_t n_mat;
  char **mat_paths;
  size_t *mat_rows, *mat_cols;
  const double **mat_vals;
} dfc;

static void
dfc_free (void *p)
{
  dfc *s = p;
  if (!s)
    return;
  for (size_t k = 0; k < s->N; k++)
    {
      if (s->upd)
        free (s->upd[k]);
      if (s->m1)
        free (s->m1[k]);
      if (s->m2)
        free (s->m2[k]);
    }
  for (size_t i = 0; s->dir && i < s->n_refs * s->N; i++)
    free (s->dir[i]);
  for (size_t i = 0; s->names && i < s->n_cols; i++)
    free (s->names[i]);
  for (size_t i = 0; s->mat_paths && i < s->n_mat; i++)
    free (s->mat_paths[i]);
  free (s->upd);
  free (s->m1);
  free (s->m2);
  free (s->dir);
  free (s->names);
  free (s->docs);
  free (s->angle_col);
  free (s->mat_paths);
  free (s->mat_rows);
  free (s->mat_cols);
  free (s->mat_vals);
  free (s->ref_ok);
  free (s->refs);
  free (s->v_var);
  free (s->tau_v);
  free (s->dS);
  free (s->ys);
  free (s->delta);
  free (s->work);
  free (s->J);
  free (s->Qs);
  credo__dfc_train_free (s->tr);
  credo__chain_free (s->chain);
  credo__net_free (s->net);
  free (s);
}

static int
add_col (dfc *s, const char *name, const char *doc)
{
  if (!(s->names[s->n_cols] = credo__strdup (name)))
    return -1;
  s->docs[s->n_cols] = doc;
  return (int) s->n_cols++;
}

static int
add_mat (dfc *s, const char *path, size_t rows, size_t cols,
         const double *vals)
{
  if (!(s->mat_paths[s->n_mat] = credo__strdup (path)))
    return -1;
  s->mat_rows[s->n_mat] = rows;
  s->mat_cols[s->n_mat] = cols;
  s->mat_vals[s->n_mat++] = vals;
  return 0;
}

static double
pop_param (const credo_pop *pop, const char *name)
{
  int i = credo_model_param_index (pop->model, name);
  return i >= 0 ? pop->spec->params[i] : NAN;
}

static const credo_proj *
fwd (const dfc *s, size_t k)
{
  return s->chain->L[k].fwd;
}

/* Columns, matrices and their buffers. */
static int
layout (dfc *s)
{
  const credo_learning_spec *ls = s->ls;
  size_t N = s->N, ncol = 8 + s->n_refs * N, nmat = N * (1 + s->n_refs);
  char name[512];
  if (!(s->names = credo__calloc (ncol, sizeof *s->names))
      || !(s->docs = credo__calloc (ncol, sizeof *s->docs))
      || !(s->angle_col = credo__calloc (s->n_refs * N, sizeof (int)))
      || !(s->mat_paths = credo__calloc (nmat, sizeof *s->mat_paths))
      || !(s->mat_rows = credo__calloc (nmat, sizeof *s->mat_rows))
      || !(s->mat_cols = credo__calloc (nmat, sizeof *s->mat_cols))
      || !(s->mat_vals = credo__calloc (nmat, sizeof *s->mat_vals)))
    return -1;
  s->col_loss = s->col_out = s->col_conv = s->col_diag = -1;
  if (s->loss
      && ((s->col_loss = add_col (s, "loss", "the sample's loss at the "
                                  "feed-forward output r_L^- (before the "
                                  "update)")) < 0
          || (s->col_out = add_col (s, "output_error", "||r* - r_L|| at the "
                                    "window's end over ||r* - r_L^-||: how "
                                    "far the controller brought the output "
                                    "to its target (alpha > 0 leaves "
                                    "alpha u)")) < 0
          || (s->col_conv = add_col (s, "convergence", "||r_L - (r* - "
                                     "alpha u)|| / ||r_L^-|| at the "
                                     "window's end: the authors' "
                                     "convergence measure (alpha: the "
                                     "controller's effective leak)")) < 0
          || add_col (s, "converged", "1: converged (convergence < "
                      "convergence_tol and output_error < "
                      "convergence_epsilon^2), 0: not, -1: diverged "
                      "(convergence > 1)") < 0))
    return -1;
  for (size_t r = 0; r < s->n_refs; r++)
    for (size_t k = 1; k < N; k++)
      {
        if (r == 0 && strcmp (s->refs[r]->name, "backprop") == 0)
          snprintf (name, sizeof name, "angle_%s", fwd (s, k)->spec->name);
        else
          snprintf (name, sizeof name, "angle_%s_%s", s->refs[r]->name,
                    fwd (s, k)->spec->name);
        if ((s->angle_col[r * N + k]
             = add_col (s, name, "angle (degrees) between the update of "
                        "this projection and the reference direction at the "
                        "feed-forward point; NaN where it is undefined"))
            < 0)
          return -1;
      }
  if (ls->diagnostics_every > 0
      && ((s->col_diag = add_col (s, "rho_Q", "column-space ratio ||J^T (J "
                                  "J^T)^-1 J Q||_F / ||Q||_F (1: Q spans "
                                  "the column space of J^T); NaN between "
                                  "diagnostics")) < 0
          || add_col (s, "max_re_A_PI", "largest real part of the "
                      "eigenvalues of the linearised network and "
                      "controller (< 0: stable), 1/ms") < 0
          || add_col (s, "max_re_A_inst", "largest real part of -(J Q + "
                      "alpha I)/tau_u, the controller with an instantaneous "
                      "network, 1/ms") < 0))
    return -1;
  for (size_t k = 1; k < N; k++)
    {
      const credo_proj *pr = fwd (s, k);
      size_t nw = pr->rows * pr->cols;
      if (!(s->upd[k] = credo__calloc (nw, sizeof (double)))
          || !(s->m1[k] = credo__calloc (nw, sizeof (double)))
          || !(s->m2[k] = credo__calloc (nw, sizeof (double))))
        return -1;
      for (size_t r = 0; r < s->n_refs; r++)
        if (!(s->dir[r * N + k] = credo__calloc (nw, sizeof (double))))
          return -1;
      if (!ls->record_updates)
        continue;
      snprintf (name, sizeof name, "update/%s", pr->spec->name);
      if (add_mat (s, name, pr->rows, pr->cols, s->upd[k]))
        return -1;
      for (size_t r = 0; r < s->n_refs; r++)
        {
          snprintf (name, sizeof name, "reference/%s/%s", s->refs[r]->name,
                    pr->spec->name);
          if (add_mat (s, name, pr->rows, pr->cols, s->dir[r * N + k]))
            return -1;
        }
    }
  return 0;
}

static void *
dfc_alloc (credo_ctx *ctx, const credo_spec *spec)
{
  const credo_learning_spec *ls = &spec->learning;
  const credo_dfc_spec *d = &ls->dfc;
  size_t N = ls->n_layers, m, nv, nwork = 0;
  dfc *s = credo__calloc (1, sizeof *s);
  if (!s)
    goto nomem;
  s->ctx = ctx;
  s->ls = ls;
  s->d = d;
  s->N = N;
  if (!(s->net = credo__net_build (ctx, spec))
      || !(s->chain = credo__chain_new (ctx, s->net, N, ls->layers, ls->fwd)))
    goto fail;
  s->ctrl = &s->net->pops[d->controller];
  s->u_port = credo_model_output_index (s->ctrl->model, "u");
  s->lin.alpha = pop_param (s->ctrl, "alpha");
  s->lin.k_i = pop_param (s->ctrl, "k_i");
  s->lin.k_p = pop_param (s->ctrl, "k_p");
  s->lin.tau_u = pop_param (s->ctrl, "tau_u");
  s->lin.paper_form = pop_param (s->ctrl, "form") != 0;
  s->loss = d->target >= 0 ? &s->net->pops[d->target] : NULL;
  if (s->loss)
    {
      s->rff_var = credo_model_var_index (s->loss->model, "r_ff");
      s->target_port = credo_model_output_index (s->loss->model, "target");
      s->loss_port = credo_model_output_index (s->loss->model, "loss");
    }
  s->lr = d->lr / (d->normalize_lr ? pop_param (s->loss, "lambda") : 1.0);
  s->n_refs = ls->n_references ? ls->n_references : 1;
  m = s->chain->L[N - 1].n;
  nv = credo__chain_units (s->chain, 1);
  if (!(s->refs = credo__calloc (s->n_refs, sizeof *s->refs))
      || !(s->ref_ok = credo__calloc (s->n_refs, sizeof (int)))
      || !(s->dir = credo__calloc (s->n_refs * N, sizeof *s->dir))
      || !(s->upd = credo__calloc (N, sizeof *s->upd))
      || !(s->m1 = credo__calloc (N, sizeof *s->m1))
      || !(s->m2 = credo__calloc (N, sizeof *s->m2))
      || !(s->v_var = credo__calloc (N, sizeof (int)))
      || !(s->tau_v = credo__calloc (N, sizeof (double)))
      || !(s->ys = credo__calloc (s->net->n_state, sizeof (double)))
      || !(s->delta = credo__calloc (m, sizeof (double)))
      || !(s->J = credo__calloc (m * nv, sizeof (double)))
      || !(s->Qs = credo__calloc (nv * m, sizeof (double))))
    goto nomem;
  for (size_t r = 0; r < s->n_refs; r++)
    {
      s->refs[r] = credo__reference_find (ls->n_references ? ls->references[r]
                                                           : "backprop");
      if (s->refs[r]->work_size (s->chain) > nwork)
        nwork = s->refs[r]->work_size (s->chain);
    }
  if (credo__chain_jacobian_work (s->chain) > nwork)
    nwork = credo__chain_jacobian_work (s->chain);
  if (credo__dfc_max_re_work (s->chain) > nwork)
    nwork = credo__dfc_max_re_work (s->chain);
  if (2 * credo__chain_widest (s->chain) * m > nwork) /* weight_product */
    nwork = 2 * credo__chain_widest (s->chain) * m;
  if (credo__dfc_ssa_work (s->chain) > nwork)
    nwork = credo__dfc_ssa_work (s->chain);
  if (!(s->work = credo__calloc (nwork + 1, sizeof (double))))
    goto nomem;
  {
    size_t nds = 1;
    for (size_t k = 0; k < N; k++)
      {
        const credo_proj *pr = s->chain->L[k].fwd;
        s->v_var[k] = credo_model_var_index (s->chain->L[k].pop->model, "v");
        if (k > 0)
          s->tau_v[k - 1] = pop_param (s->chain->L[k].pop, "tau_v");
        if (pr && pr->n_rule_blocks * pr->rows * pr->cols > nds)
          nds = pr->n_rule_blocks * pr->rows * pr->cols;
      }
    if (!(s->dS = credo__calloc (nds, sizeof (double))))
      goto nomem;
    s->lin.tau_v = s->tau_v;
  }
  {
    const credo_model_type *om = s->chain->L[N - 1].pop->model;
    s->rate_port = credo_model_output_index (om, om->ff->rate);
  }
  s->chain->gamma = d->gamma;
  s->next = INFINITY;
  if (d->batch)
    {
      /* minibatches on the data set, before the circuit runs */
      if (!(s->tr = credo__dfc_train_new (ctx, spec, s->net, s->chain,
                                          &s->lin, s->loss)))
        goto fail;
      return s;
    }
  if (layout (s))
    goto nomem;
  s->planned = credo__learning_count (ls);
  s->planned = s->planned ? s->planned - 1 : 0; /* windows between times */
  s->next = s->planned ? credo__learning_time (ls, 1) : INFINITY;
  s->diag[0] = s->diag[1] = s->diag[2] = NAN;
  return s;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
fail:
  dfc_free (s);
  return NULL;
}

static size_t
dfc_columns (const void *p, const char *const **names,
             const char *const **docs)
{
  const dfc *s = p;
  if (s->tr)
    return credo__dfc_train_columns (s->tr, names, docs);
  *names = (const char *const *) s->names;
  *docs = s->docs;
  return s->n_cols;
}

static double
dfc_mean_predictor_error (const void *p)
{
  (void) p;
  return NAN;
}

static double
dfc_next_time (const void *p)
{
  return ((const dfc *) p)->next;
}

static int
dfc_breaks (const void *p, double t0, double t1, double **times, size_t *n,
            size_t *cap)
{
  const dfc *s = p;
  for (unsigned long long k = 0; k <= s->planned; k++)
    {
      double t = credo__learning_time (s->ls, k);
      if (t > t0 && t < t1 && credo__times_push (t, times, n, cap))
        return CREDO_ENOMEM;
    }
  return 0;
}

static int
dfc_bind (void *p, credo_net *net)
{
  ((dfc *) p)->sim_net = net;
  return 0;
}

/* The feedback weights in use (static: the probe's, which equal the
 * simulated network's), stacked layer by layer into s->Qs (nv x m). */
static void
stack_feedback (dfc *s, const double *y)
{
  size_t m = s->chain->L[s->N - 1].n, off = 0;
  for (size_t k = 1; k < s->N; k++)
    {
      size_t n = s->chain->L[k].n;
      int q = s->d->feedback[k];
      const credo_proj *pr = q >= 0 ? &s->net->projs[q] : NULL;
      const double *Q = !pr ? NULL : pr->plastic ? y + pr->w_offset : pr->w;
      for (size_t i = 0; i < n * m; i++)
        s->Qs[off * m + i] = Q ? Q[i] : 0.0;
      off += n;
    }
}

/* DFC-fixed: Q_k = W_{k+1}^T ... W_N^T, Q_N = I, in both networks. */
static void
weight_product (dfc *s, const double *y)
{
  size_t N = s->N, m = s->chain->L[N - 1].n;
  double *P = s->work, *T = s->work + credo__chain_widest (s->chain) * m;
  for (size_t k = N - 1; k >= 1; k--)
    {
      size_t n = s->chain->L[k].n;
      int q = s->d->feedback[k];
      if (k == N - 1)
        for (size_t i = 0; i < m * m; i++)
          P[i] = i / m == i % m;
      else
        {
          /* P_k = W_{k+1}^T P_{k+1}: (n_k x n_{k+1}) (n_{k+1} x m) */
          const credo_proj *pr = fwd (s, k + 1);
          cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n,
                       (int) m, (int) pr->rows, 1.0, y + pr->w_offset,
                       (int) pr->cols, P, (int) m, 0.0, T, (int) m);
          memcpy (P, T, n * m * sizeof *P);
        }
      memcpy (s->net->projs[q].w, P, n * m * sizeof *P);
      if (s->sim_net)
        memcpy (s->sim_net->projs[q].w, P, n * m * sizeof *P);
    }
}

/* A new window at t: the feed-forward pass, the reset, the target, the
 * references and (every diagnostics_every windows) the diagnostics. */
static int
start_window (dfc *s, double t, double *y)
{
  const credo_learning_spec *ls = s->ls;
  credo_ff_chain *c = s->chain;
  size_t N = s->N, m = c->L[N - 1].n;
  const credo_ff_layer *out = &c->L[N - 1];
  int changed = 0, diagnose;
  if (s->d->variant == CREDO_DFC_FIXED && s->win == 0)
    weight_product (s, y);
  s->net->piece_t = NAN; /* right-continuous: the new sample */
  credo__net_eval (s->net, t, y);
  credo__chain_forward (c, y);
  if (s->d->reset)
    for (size_t k = 1; k < N; k++)
      {
        const credo_pop *pop = c->L[k].pop;
        double *yp = y + pop->offset;
        memset (yp, 0, pop->model->n_var * pop->n * sizeof *yp);
        if (pop->model->init)
          pop->model->init (&pop->view, yp);
        if (s->v_var[k] >= 0)
          memcpy (yp + (size_t) s->v_var[k] * pop->n, c->L[k].u,
                  pop->n * sizeof *yp);
        changed = 1;
      }
  if (s->d->reset)
    {
      double *yc = y + s->ctrl->offset;
      memset (yc, 0, s->ctrl->model->n_var * s->ctrl->n * sizeof *yc);
      if (s->ctrl->model->init)
        s->ctrl->model->init (&s->ctrl->view, yc);
    }
  s->loss_value = NAN;
  credo__chain_set_delta (c, NULL);
  if (s->loss)
    {
      memcpy (y + s->loss->offset + (size_t) s->rff_var * m, out->r,
              m * sizeof *y);
      changed = 1;
      credo__net_eval (s->net, t, y);
      s->loss_value = 0;
      s->delta_norm = 0;
      s->ff_norm = cblas_dnrm2 ((int) m, out->r, 1);
      for (size_t j = 0; j < m; j++)
        {
          s->loss_value += s->loss->out[s->loss_port][j];
          s->delta[j] = s->loss->out[s->target_port][j] - out->r[j];
          s->delta_norm += s->delta[j] * s->delta[j];
        }
      s->delta_norm = sqrt (s->delta_norm);
      credo__chain_set_delta (c, s->delta);
    }
  for (size_t r = 0; r < s->n_refs; r++)
    s->ref_ok[r] = c->has_delta
                   && s->refs[r]->direction (c, s->dir + r * N, s->work) == 0;
  s->diag[0] = s->diag[1] = s->diag[2] = NAN;
  diagnose = ls->diagnostics_every > 0
             && s->win % (unsigned long long) ls->diagnostics_every == 0;
  if (diagnose || s->d->variant == CREDO_DFC_SSA)
    stack_feedback (s, y);
  if (diagnose)
    {
      size_t nv = credo__chain_units (c, 1);
      if (credo__chain_jacobian (c, s->J, s->work) == 0)
        s->diag[0] = credo__dfc_rho_q (s->J, s->Qs, m, nv);
      if (credo__dfc_max_re (c, s->Qs, &s->lin, &s->diag[1], &s->diag[2],
                             s->work))
        s->diag[1] = s->diag[2] = NAN;
    }
  if (s->d->variant == CREDO_DFC_SSA)
    {
      /* no simulation: the linearised steady state, solved now */
      if (!c->has_delta
          || credo__dfc_ssa_update (c, s->Qs, credo__dfc_alpha_eff (&s->lin),
                                    s->upd, s->work))
        for (size_t k = 1; k < N; k++)
          for (size_t i = 0; i < fwd (s, k)->rows * fwd (s, k)->cols; i++)
            s->upd[k][i] = NAN;
    }
  s->win_start = t;
  s->win++;
  return changed;
}

/* The update at the window's end t (DFC-SS: the rule now; DFC and
 * DFC-fixed: the quadrature over the window divided by its length). */
static void
form_update (dfc *s, double t, const double *y)
{
  size_t N = s->N;
  double T = t - s->win_start;
  memcpy (s->ys, y, s->net->n_state * sizeof *s->ys);
  s->net->piece_t = 0.5 * (s->win_start + t); /* the window's stimulus */
  credo__net_eval (s->net, t, s->ys);
  for (size_t k = 1; k < N && s->d->variant != CREDO_DFC_SSA; k++)
    {
      credo_proj *pr = (credo_proj *) fwd (s, k);
      size_t nw = pr->rows * pr->cols;
      const double *acc = credo__plast_accumulator (pr, s->ys);
      if (acc)
        for (size_t i = 0; i < nw; i++)
          s->upd[k][i] = T > 0 ? acc[i] / T : NAN;
      else
        {
          credo_syn_view v = pr->view;
          v.gate = 1.0;
          v.r = pr->pre->out[pr->spec->pre_port];
          v.dr = NULL;
          pr->rule->rhs (&v, t, s->ys + pr->w_offset,
                         pr->n_rule_blocks ? s->ys + pr->w_offset + nw
                                           : NULL,
                         s->upd[k], pr->n_rule_blocks ? s->dS : NULL);
        }
    }
  s->net->piece_t = NAN;
}

/* The authors' convergence test at the window's end (ports of the state
 * there, from form_update), into the row; a window that fails it gives no
 * update unless include_non_converged (see spec/learning_dfc.c). */
static void
convergence (dfc *s, double *row)
{
  const credo_dfc_spec *d = s->d;
  const credo_pop *out = s->chain->L[s->N - 1].pop;
  const double *u = s->ctrl->out[s->u_port];
  double a = credo__dfc_alpha_eff (&s->lin), r2 = 0, ratio;
  int status, drop;
  for (size_t j = 0; j < out->n; j++)
    {
      /* r_L - (r* - alpha u) = alpha u - e: zero at the steady state */
      double x = out->out[s->rate_port][j]
                 - (s->loss->out[s->target_port][j] - a * u[j]);
      r2 += x * x;
    }
  ratio = s->ff_norm > 0 ? sqrt (r2) / s->ff_norm : NAN;
  status = credo__dfc_convergence_status (ratio, row[s->col_out],
                                          d->convergence_tol,
                                          d->convergence_epsilon);
  row[s->col_conv] = ratio;
  row[s->col_conv + 1] = status;
  drop = !d->include_non_converged
         && (d->variant == CREDO_DFC_SS ? status != 1
             : d->variant != CREDO_DFC_SSA && status == -1);
  for (size_t k = 1; drop && k < s->N; k++)
    memset (s->upd[k], 0, fwd (s, k)->rows * fwd (s, k)->cols
                              * sizeof (double));
}

static int
dfc_sample (void *p, double t, const double *y, double *row)
{
  dfc *s = p;
  size_t N = s->N;
  for (size_t i = 0; i < s->n_cols; i++)
    row[i] = NAN;
  form_update (s, t, y);
  if (s->col_loss >= 0)
    {
      const credo_pop *out = s->chain->L[N - 1].pop;
      double e2 = 0;
      /* ports of the state at t, from form_update's evaluation */
      for (size_t j = 0; j < out->n; j++)
        {
          double e = s->loss->out[s->target_port][j]
                     - out->out[s->rate_port][j];
          e2 += e * e;
        }
      row[s->col_loss] = s->loss_value;
      row[s->col_out] = s->delta_norm > 0 ? sqrt (e2) / s->delta_norm : NAN;
      convergence (s, row);
    }
  for (size_t r = 0; r < s->n_refs; r++)
    for (size_t k = 1; k < N; k++)
      {
        const credo_proj *pr = fwd (s, k);
        if (!s->ref_ok[r])
          {
            for (size_t i = 0; i < pr->rows * pr->cols; i++)
              s->dir[r * N + k][i] = NAN;
            continue;
          }
        row[s->angle_col[r * N + k]] = credo__angle_deg (
            s->upd[k], s->dir[r * N + k], pr->rows * pr->cols);
      }
  if (s->col_diag >= 0)
    for (int i = 0; i < 3; i++)
      row[s->col_diag + i] = s->diag[i];
  s->pending = 1;
  s->next = s->win < s->planned ? credo__learning_time (s->ls, s->win + 1)
                                : INFINITY;
  return 0;
}

/* W += the optimizer's step for the update of layer k. */
static void
apply_update (dfc *s, size_t k, double *W, double *acc)
{
  const credo_proj *pr = fwd (s, k);
  size_t nw = pr->rows * pr->cols;
  if (acc)
    memset (acc, 0, nw * sizeof *acc);
  credo__optim_apply (s->d, s->lr, s->steps, W, s->upd[k], nw, s->m1[k],
                      s->m2[k]);
}

static int
dfc_act (void *p, double t, double *y)
{
  dfc *s = p;
  int changed = 0;
  if (s->pending)
    {
      s->steps++;
      for (size_t k = 1; k < s->N; k++)
        {
          credo_proj *pr = (credo_proj *) fwd (s, k);
          apply_update (s, k, y + pr->w_offset,
                        credo__plast_accumulator (pr, y));
        }
      s->pending = 0;
      changed = 1;
    }
  if (s->win < s->planned && t >= credo__learning_time (s->ls, s->win))
    changed |= start_window (s, t, y);
  return changed;
}

static size_t
dfc_matrices (const void *p, const char *const **paths, const size_t **rows,
              const size_t **cols)
{
  const dfc *s = p;
  if (s->tr)
    return credo__dfc_train_matrices (s->tr, paths, rows, cols);
  *paths = (const char *const *) s->mat_paths;
  *rows = s->mat_rows;
  *cols = s->mat_cols;
  return s->n_mat;
}

static const double *
dfc_matrix (const void *p, size_t i)
{
  const dfc *s = p;
  return s->tr ? credo__dfc_train_matrix (s->tr, i) : s->mat_vals[i];
}

static int
dfc_train (void *p, const credo_train_env *env, double *y)
{
  dfc *s = p;
  return credo__dfc_train_run (s->tr, env, y, s->sim_net);
}

static const char *
dfc_axis (const void *p)
{
  return ((const dfc *) p)->tr ? "epoch" : NULL;
}

const credo_protocol_type credo__protocol_dfc = {
  "dfc",
  "Deep Feedback Control (Meulemans et al. 2021): one window of "
  "learning.every ms per update, the forward rule at the window's end "
  "(DFC-SS), averaged over it (DFC, DFC-fixed) or at the solved linearised "
  "steady state (DFC-SSA); SGD or Adam; angles to the references at the "
  "feed-forward point; rho_Q and stability diagnostics",
  dfc_alloc,
  dfc_free,
  dfc_columns,
  dfc_mean_predictor_error,
  dfc_next_time,
  dfc_sample,
  dfc_breaks,
  NULL, /* no evaluation can fail: undefined references give NaN */
  dfc_act,
  dfc_matrices,
  dfc_matrix,
  dfc_bind,
  dfc_train,
  dfc_axis,
};
