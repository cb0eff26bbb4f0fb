/* src/learn/lcp.c -- the least-control protocol (Meulemans, Zucchet,
 * Kobayashi, von Oswald & Sacramento 2022, NeurIPS): one window per
 * update, the rules at the controlled steady state, recurrent backprop
 * beside every update.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Windows are [start + k every, start + (k+1) every).  At a window's start
 * (protocol act) the free fixed point v* of the implicit_rate layers is
 * solved with the current weights and the new input (learn/ref_rbp.c),
 * the loss and its exact gradient taken there (recurrent backprop: the
 * adjoint, a linear solve) and, with `reset`, the layers start from v*
 * and every other population with a state (the output controller, the
 * dynamic-inversion populations) from rest.  The circuit then relaxes
 * under control.  At the window's end (protocol sample) every plastic
 * projection's rule is evaluated at the state reached (rule "lcp": psi
 * r_pre^T, i.e. Delta W = e* sigma(v*)^T, Delta U = e* x^T, Delta D = u*
 * sigma(v*)^T; "kolen_pollack": the feedback's mirror update) and a row
 * written; the next act applies the updates through the optimizer.  An
 * update is a descent direction (what is added to W; the least-control
 * objective H = 1/2 ||psi*||^2 decreases along it), like the references.
 *
 * The loss gradient at v* is the controller's own (its output `grad`
 * with the readout at v*), so the reference uses exactly the loss the
 * controller drives down; the controller's readout projection must have
 * weight 1 (it then reads v_pred itself).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"

typedef struct lcp
{
  credo_ctx *ctx;
  const credo_learning_spec *ls;
  credo_dfc_spec opt;    /* the optimizer's settings (learn/optim.c) */
  credo_net *net;        /* the probe: ports at a given state */
  credo_ff_chain *chain;
  credo_rbp *rbp;
  credo_pop *ctrl;
  int grad_port, loss_port, *v_var, *ctl_port;
  size_t N, nv, m;
  /* schedule */
  unsigned long long planned, win;
  double win_start, next;
  int pending;
  unsigned long long steps;
  /* plastic projections and their updates */
  size_t n_pl;
  credo_proj **pl;
  double **upd, **m1, **m2, *dS;
  /* parameters (recurrent backprop's) and their reference directions */
  size_t n_par;
  int *par_pl;           /* the plastic index of parameter i, or -1 */
  double **dir;
  int ref_ok;
  double *ys, *vstar, *dldv, loss_free;
  /* columns and matrices */
  size_t n_cols;
  char **names;
  const char **docs;
  int col_loss, col_angle, *angle_col;
  size_t n_mat;
  char **mat_paths;
  size_t *mat_rows, *mat_cols;
  const double **mat_vals;
} lcp;

static void
lcp_free (void *p)
{
  lcp *s = p;
  if (!s)
    return;
  for (size_t i = 0; i < s->n_pl; i++)
    {
      if (s->upd)
        free (s->upd[i]);
      if (s->m1)
        free (s->m1[i]);
      if (s->m2)
        free (s->m2[i]);
    }
  for (size_t i = 0; s->dir && i < s->n_par; i++)
    free (s->dir[i]);
  for (size_t i = 0; s->names && i < s->n_cols; i++)
    free (s->names[i]);
  for (size_t i = 0; s->mat_paths && i < s->n_mat; i++)
    free (s->mat_paths[i]);
  free (s->names);
  free (s->docs);
  free (s->angle_col);
  free (s->mat_paths);
  free (s->mat_rows);
  free (s->mat_cols);
  free (s->mat_vals);
  free (s->upd);
  free (s->m1);
  free (s->m2);
  free (s->dS);
  free (s->pl);
  free (s->par_pl);
  free (s->dir);
  free (s->v_var);
  free (s->ctl_port);
  free (s->ys);
  free (s->vstar);
  free (s->dldv);
  credo__rbp_free (s->rbp);
  credo__chain_free (s->chain);
  credo__net_free (s->net);
  free (s);
}

static int
add_col (lcp *s, const char *name, const char *doc)
{
  if (!(s->names[s->n_cols] = credo__strdup (name)))
    return -1;
  s->docs[s->n_cols] = doc;
  return (int) s->n_cols++;
}

static int
add_mat (lcp *s, const char *path, size_t rows, size_t cols,
         const double *vals)
{
  if (!(s->mat_paths[s->n_mat] = credo__strdup (path)))
    return -1;
  s->mat_rows[s->n_mat] = rows;
  s->mat_cols[s->n_mat] = cols;
  s->mat_vals[s->n_mat++] = vals;
  return 0;
}

static int
layout (lcp *s)
{
  size_t ncol = 5 + s->n_par, nmat = s->n_pl + s->n_par;
  char name[512];
  if (!(s->names = credo__calloc (ncol, sizeof *s->names))
      || !(s->docs = credo__calloc (ncol, sizeof *s->docs))
      || !(s->angle_col = credo__calloc (s->n_par + 1, sizeof (int)))
      || !(s->mat_paths = credo__calloc (nmat + 1, sizeof *s->mat_paths))
      || !(s->mat_rows = credo__calloc (nmat + 1, sizeof *s->mat_rows))
      || !(s->mat_cols = credo__calloc (nmat + 1, sizeof *s->mat_cols))
      || !(s->mat_vals = credo__calloc (nmat + 1, sizeof *s->mat_vals)))
    return -1;
  if ((s->col_loss = add_col (s, "loss", "the loss at the free fixed point "
                              "v* (before the update)")) < 0
      || add_col (s, "loss_controlled", "the loss at the window's end, "
                  "under control (alpha = 0: its minimum)") < 0
      || add_col (s, "grad_norm", "||grad L(v_pred)|| at the window's end "
                  "(0 at the least-control state)") < 0
      || add_col (s, "control_cost", "1/2 ||psi||^2 over the layers' "
                  "controls at the window's end: the least-control "
                  "objective H") < 0
      || (s->col_angle = add_col (s, "angle", "angle (degrees) between "
                                  "all updates of the network's parameters "
                                  "and minus the gradient (recurrent "
                                  "backprop), as one vector")) < 0)
    return -1;
  for (size_t i = 0; i < s->n_par; i++)
    {
      s->angle_col[i] = -1;
      if (s->par_pl[i] < 0)
        continue;
      snprintf (name, sizeof name, "angle_%s",
                credo__rbp_param (s->rbp, i)->spec->name);
      if ((s->angle_col[i] = add_col (s, name, "angle (degrees) between "
                                      "this projection's update and minus "
                                      "the gradient (recurrent backprop)"))
          < 0)
        return -1;
    }
  if (!s->ls->record_updates)
    return 0;
  for (size_t i = 0; i < s->n_pl; i++)
    {
      snprintf (name, sizeof name, "update/%s", s->pl[i]->spec->name);
      if (add_mat (s, name, s->pl[i]->rows, s->pl[i]->cols, s->upd[i]))
        return -1;
    }
  for (size_t i = 0; i < s->n_par; i++)
    {
      const credo_proj *pr = credo__rbp_param (s->rbp, i);
      snprintf (name, sizeof name, "reference/rbp/%s", pr->spec->name);
      if (add_mat (s, name, pr->rows, pr->cols, s->dir[i]))
        return -1;
    }
  return 0;
}

static int
is_layer (const lcp *s, const credo_pop *pop)
{
  for (size_t k = 0; k < s->N; k++)
    if (s->chain->L[k].pop == pop)
      return 1;
  return 0;
}

static void *
lcp_alloc (credo_ctx *ctx, const credo_spec *spec)
{
  const credo_learning_spec *ls = &spec->learning;
  const credo_lcp_spec *c = &ls->lcp;
  lcp *s = credo__calloc (1, sizeof *s);
  size_t nds = 1;
  if (!s)
    goto nomem;
  s->ctx = ctx;
  s->ls = ls;
  s->N = ls->n_layers;
  s->opt.optimizer = c->optimizer;
  s->opt.lr = c->lr;
  s->opt.beta1 = c->beta1;
  s->opt.beta2 = c->beta2;
  s->opt.epsilon = c->epsilon;
  s->opt.clip = c->clip;
  if (!(s->net = credo__net_build (ctx, spec))
      || !(s->chain = credo__chain_new (ctx, s->net, s->N, ls->layers,
                                        ls->fwd))
      || !(s->rbp = credo__rbp_new (ctx, s->net, s->chain, c->recurrent,
                                    c->n_recurrent)))
    goto fail;
  s->ctrl = &s->net->pops[c->controller];
  s->grad_port = credo_model_output_index (s->ctrl->model, "grad");
  s->loss_port = credo_model_output_index (s->ctrl->model, "loss");
  s->nv = credo__chain_units (s->chain, 1);
  s->m = s->chain->L[s->N - 1].n;
  s->n_par = credo__rbp_n_params (s->rbp);
  if (!(s->pl = credo__calloc (s->net->n_projs + 1, sizeof *s->pl))
      || !(s->par_pl = credo__calloc (s->n_par, sizeof (int)))
      || !(s->dir = credo__calloc (s->n_par, sizeof *s->dir))
      || !(s->v_var = credo__calloc (s->N, sizeof (int)))
      || !(s->ctl_port = credo__calloc (s->N, sizeof (int)))
      || !(s->ys = credo__calloc (s->net->n_state, sizeof (double)))
      || !(s->vstar = credo__calloc (s->nv, sizeof (double)))
      || !(s->dldv = credo__calloc (s->nv, sizeof (double))))
    goto nomem;
  for (size_t k = 0; k < s->N; k++)
    {
      const credo_model_type *m = s->chain->L[k].pop->model;
      s->v_var[k] = credo_model_var_index (m, "v");
      s->ctl_port[k] = credo_model_input_index (m, "control");
    }
  for (size_t j = 0; j < s->net->n_projs; j++)
    if (s->net->projs[j].plastic)
      {
        credo_proj *pr = &s->net->projs[j];
        s->pl[s->n_pl++] = pr;
        if (pr->n_rule_blocks * pr->rows * pr->cols > nds)
          nds = pr->n_rule_blocks * pr->rows * pr->cols;
      }
  if (!(s->upd = credo__calloc (s->n_pl + 1, sizeof *s->upd))
      || !(s->m1 = credo__calloc (s->n_pl + 1, sizeof *s->m1))
      || !(s->m2 = credo__calloc (s->n_pl + 1, sizeof *s->m2))
      || !(s->dS = credo__calloc (nds, sizeof (double))))
    goto nomem;
  for (size_t i = 0; i < s->n_pl; i++)
    {
      size_t nw = s->pl[i]->rows * s->pl[i]->cols;
      if (!(s->upd[i] = credo__calloc (nw, sizeof (double)))
          || !(s->m1[i] = credo__calloc (nw, sizeof (double)))
          || !(s->m2[i] = credo__calloc (nw, sizeof (double))))
        goto nomem;
    }
  for (size_t i = 0; i < s->n_par; i++)
    {
      const credo_proj *pr = credo__rbp_param (s->rbp, i);
      s->par_pl[i] = -1;
      for (size_t q = 0; q < s->n_pl; q++)
        if (s->pl[q] == pr)
          s->par_pl[i] = (int) q;
      if (!(s->dir[i] = credo__calloc (pr->rows * pr->cols, sizeof (double))))
        goto nomem;
    }
  if (layout (s))
    goto nomem;
  s->planned = credo__learning_count (ls);
  s->planned = s->planned ? s->planned - 1 : 0; /* windows between times */
  s->next = s->planned ? credo__learning_time (ls, 1) : INFINITY;
  return s;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
fail:
  lcp_free (s);
  return NULL;
}

static size_t
lcp_columns (const void *p, const char *const **names,
             const char *const **docs)
{
  const lcp *s = p;
  *names = (const char *const *) s->names;
  *docs = s->docs;
  return s->n_cols;
}

static double
lcp_mean_predictor_error (const void *p)
{
  (void) p;
  return NAN;
}

static double
lcp_next_time (const void *p)
{
  return ((const lcp *) p)->next;
}

static int
lcp_breaks (const void *p, double t0, double t1, double **times, size_t *n,
            size_t *cap)
{
  const lcp *s = p;
  for (unsigned long long k = 0; k <= s->planned; k++)
    {
      double t = credo__learning_time (s->ls, k);
      if (t > t0 && t < t1 && credo__times_push (t, times, n, cap))
        return CREDO_ENOMEM;
    }
  return 0;
}

/* The layers' v in state y set to v. */
static void
put_layers (lcp *s, double *y, const double *v)
{
  for (size_t k = 1, o = 0; k < s->N; o += s->chain->L[k].n, k++)
    memcpy (y + s->chain->L[k].pop->offset
                + (size_t) s->v_var[k] * s->chain->L[k].n,
            v + o, s->chain->L[k].n * sizeof *y);
}

/* A new window at t: the free fixed point, the loss and recurrent
 * backprop there, and the reset. */
static int
start_window (lcp *s, double t, double *y)
{
  const credo_pop *out = s->chain->L[s->N - 1].pop;
  s->net->piece_t = NAN; /* right-continuous: the new sample */
  credo__net_eval (s->net, t, y);
  credo__chain_forward (s->chain, y);
  s->ref_ok = 0;
  s->loss_free = NAN;
  memcpy (s->ys, y, s->net->n_state * sizeof *s->ys);
  if (credo__rbp_fixed_point (s->rbp, y, s->vstar) == 0)
    {
      put_layers (s, s->ys, s->vstar);
      credo__net_eval (s->net, t, s->ys);
      memset (s->dldv, 0, s->nv * sizeof *s->dldv);
      s->loss_free = 0;
      for (size_t j = 0; j < s->m; j++)
        {
          s->dldv[s->nv - s->m + j] = s->ctrl->out[s->grad_port][j];
          s->loss_free += s->ctrl->out[s->loss_port][j];
        }
      s->ref_ok = credo__rbp_directions (s->rbp, s->dldv, s->dir) == 0;
    }
  (void) out;
  for (size_t i = 0; !s->ref_ok && i < s->n_par; i++)
    {
      const credo_proj *pr = credo__rbp_param (s->rbp, i);
      for (size_t q = 0; q < pr->rows * pr->cols; q++)
        s->dir[i][q] = NAN;
    }
  if (s->ls->lcp.reset)
    {
      for (size_t i = 0; i < s->net->n_pops; i++)
        {
          credo_pop *pop = &s->net->pops[i];
          double *yp = y + pop->offset;
          if (is_layer (s, pop) || !pop->model->n_var)
            continue;
          memset (yp, 0, pop->model->n_var * pop->n * sizeof *yp);
          if (pop->model->init)
            pop->model->init (&pop->view, yp);
        }
      if (s->ref_ok)
        put_layers (s, y, s->vstar);
    }
  s->win_start = t;
  s->win++;
  return s->ls->lcp.reset;
}

static double
norm2 (const double *x, size_t n)
{
  double a = 0;
  for (size_t i = 0; i < n; i++)
    a += x[i] * x[i];
  return a;
}

static int
lcp_sample (void *p, double t, const double *y, double *row)
{
  lcp *s = p;
  double dot = 0, nu = 0, nd = 0, l = 0, h = 0;
  for (size_t i = 0; i < s->n_cols; i++)
    row[i] = NAN;
  memcpy (s->ys, y, s->net->n_state * sizeof *s->ys);
  s->net->piece_t = 0.5 * (s->win_start + t); /* the window's stimulus */
  credo__net_eval (s->net, t, s->ys);
  for (size_t i = 0; i < s->n_pl; i++)
    {
      credo_proj *pr = s->pl[i];
      size_t nw = pr->rows * pr->cols;
      credo_syn_view v = pr->view;
      v.gate = 1.0;
      v.r = pr->pre->out[pr->spec->pre_port];
      v.dr = NULL;
      pr->rule->rhs (&v, t, s->ys + pr->w_offset,
                     pr->n_rule_blocks ? s->ys + pr->w_offset + nw : NULL,
                     s->upd[i], pr->n_rule_blocks ? s->dS : NULL);
    }
  for (size_t j = 0; j < s->m; j++)
    l += s->ctrl->out[s->loss_port][j];
  for (size_t k = 1; k < s->N; k++)
    if (s->ctl_port[k] >= 0)
      h += 0.5 * norm2 (s->chain->L[k].pop->in[s->ctl_port[k]],
                        s->chain->L[k].n);
  row[s->col_loss] = s->loss_free;
  row[s->col_loss + 1] = l;
  row[s->col_loss + 2] = sqrt (norm2 (s->ctrl->out[s->grad_port], s->m));
  row[s->col_loss + 3] = h;
  for (size_t i = 0; s->ref_ok && i < s->n_par; i++)
    {
      int q = s->par_pl[i];
      size_t nw;
      if (q < 0)
        continue;
      nw = s->pl[q]->rows * s->pl[q]->cols;
      row[s->angle_col[i]] = credo__angle_deg (s->upd[q], s->dir[i], nw);
      for (size_t j = 0; j < nw; j++)
        dot += s->upd[q][j] * s->dir[i][j];
      nu += norm2 (s->upd[q], nw);
      nd += norm2 (s->dir[i], nw);
    }
  if (s->ref_ok && nu > 0 && nd > 0)
    {
      double cs = dot / sqrt (nu * nd);
      row[s->col_angle] = acos (cs > 1 ? 1 : cs < -1 ? -1 : cs) * 180 / M_PI;
    }
  s->net->piece_t = NAN;
  s->pending = 1;
  s->next = s->win < s->planned ? credo__learning_time (s->ls, s->win + 1)
                                : INFINITY;
  return 0;
}

/* W <- (1 - wd) W (the Kolen-Pollack variant's decay, before the step). */
static void
decay (double *W, size_t n, double wd)
{
  for (size_t i = 0; wd > 0 && i < n; i++)
    W[i] *= 1.0 - wd;
}

static int
lcp_act (void *p, double t, double *y)
{
  lcp *s = p;
  int changed = 0;
  if (s->pending)
    {
      s->steps++;
      for (size_t i = 0; i < s->n_pl; i++)
        decay (y + s->pl[i]->w_offset, s->pl[i]->rows * s->pl[i]->cols,
               s->ls->lcp.weight_decay);
      for (size_t i = 0; i < s->n_pl; i++)
        credo__optim_apply (&s->opt, s->opt.lr, s->steps,
                            y + s->pl[i]->w_offset, s->upd[i],
                            s->pl[i]->rows * s->pl[i]->cols, s->m1[i],
                            s->m2[i]);
      s->pending = 0;
      changed = 1;
    }
  if (s->win < s->planned && t >= credo__learning_time (s->ls, s->win))
    changed |= start_window (s, t, y);
  return changed;
}

static size_t
lcp_matrices (const void *p, const char *const **paths, const size_t **rows,
              const size_t **cols)
{
  const lcp *s = p;
  *paths = (const char *const *) s->mat_paths;
  *rows = s->mat_rows;
  *cols = s->mat_cols;
  return s->n_mat;
}

static const double *
lcp_matrix (const void *p, size_t i)
{
  return ((const lcp *) p)->mat_vals[i];
}

const credo_protocol_type credo__protocol_lcp = {
  "lcp",
  "least-control principle (Meulemans et al. 2022): one window of "
  "learning.every ms per update, each plastic projection's rule at the "
  "controlled steady state (rule lcp: psi r_pre^T), SGD or Adam; the loss "
  "and recurrent backprop (the exact gradient) at the free fixed point",
  lcp_alloc,
  lcp_free,
  lcp_columns,
  lcp_mean_predictor_error,
  lcp_next_time,
  lcp_sample,
  lcp_breaks,
  NULL, /* undefined references give NaN */
  lcp_act,
  lcp_matrices,
  lcp_matrix,
  NULL, /* no static weights to set */
  NULL, /* no data-set training */
  NULL, /* rows at simulated times */
};
