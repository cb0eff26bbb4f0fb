/* src/net/plasticity.c -- plastic projections: weights as ODE states,
 * driven by a rule's ops table (credo/rule.h).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The network binds each rule to its projection: it resolves the signals
 * the rule names to the post population's port arrays (and their J*v
 * perturbations), lays out W and the rule's state blocks in y, gates the
 * rule by the learning window [start, stop) (its edges are discontinuities
 * the driver stops at) and calls the rule's rhs, jac_setup, jtimes and diag
 * on plain arrays.  The mathematics of a rule lives in models/rules/.
 *
 * A learning protocol that applies discrete updates (spec: the projection's
 * plast.mode) freezes W: its derivative is 0, and in mode ACCUMULATE the
 * rule's dW/dt is integrated instead into a block A after the rule's own,
 * A(t) = int rule dt, a quadrature exact to the solver's tolerance.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

static int
resolve_signal (credo_net *net, credo_proj *pr, credo_signal_kind kind,
                const char *name, const double **val, const double **dval)
{
  credo_pop *post = pr->post;
  const credo_model_type *m = post->model;
  const char *port = m->inputs[pr->spec->post_port].name;
  char pred[256], loc[512];
  int k;
  *val = *dval = NULL;
  switch (kind)
    {
    case CREDO_SIGNAL_ZERO:
      return 0;
    case CREDO_SIGNAL_OWN_INPUT:
      *val = post->in[pr->spec->post_port];
      *dval = post->din[pr->spec->post_port];
      return 0;
    case CREDO_SIGNAL_INPUT:
      if ((k = credo_model_input_index (m, name)) < 0)
        break;
      *val = post->in[k];
      *dval = post->din[k];
      return 0;
    case CREDO_SIGNAL_OWN_PRED:
      snprintf (pred, sizeof pred, "%s_pred", port);
      name = pred;
      /* fall through */
    case CREDO_SIGNAL_OUTPUT:
      if ((k = credo_model_output_index (m, name)) < 0)
        break;
      *val = post->out[k];
      *dval = post->dout[k];
      return 0;
    }
  return credo__error (net->ctx, CREDO_ECONFIG,
                       "%s: rule %s of projection '%s' needs the %s '%s' of "
                       "the post-synaptic model %s, which has none",
                       credo__loc_str (&pr->spec->plast.loc, loc, sizeof loc),
                       pr->spec->plast.rule->name, pr->spec->name,
                       kind == CREDO_SIGNAL_INPUT ? "input port" : "output",
                       name, m->name);
}

int
credo__plast_layout (credo_net *net, credo_proj *pr, size_t rows, size_t cols)
{
  const credo_plast_spec *ps = &pr->spec->plast;
  const credo_rule_type *rule = ps->rule;
  credo_syn_view *v = &pr->view;
  char msg[512], loc[512];
  pr->rule = rule;
  v->rows = rows;
  v->cols = cols;
  v->one_to_one = pr->spec->conn == CREDO_CONN_ONE_TO_ONE;
  v->eta = ps->eta;
  v->tau_w = ps->tau_w;
  v->w_min = ps->w_min;
  v->w_max = ps->w_max;
  v->decay = ps->decay;
  msg[0] = 0;
  if (v->decay != 0 && !rule->uses_decay)
    snprintf (msg, sizeof msg, "the rule has no weight decay: 'decay' must "
              "be 0, not %g", v->decay);
  if (msg[0] || (rule->check && rule->check (v, msg, sizeof msg)))
    return credo__error (net->ctx, CREDO_ECONFIG, "%s: rule %s of projection "
                         "'%s': %s",
                         credo__loc_str (&ps->loc, loc, sizeof loc),
                         rule->name, pr->spec->name, msg);
  pr->n_rule_blocks = rule->n_blocks ? rule->n_blocks (v) : 0;
  pr->n_blocks = pr->n_rule_blocks + (ps->mode == CREDO_PLAST_ACCUMULATE);
  return 0;
}

int
credo__plast_resolve (credo_net *net, credo_proj *pr)
{
  const credo_rule_type *rule = pr->rule;
  credo_syn_view *v = &pr->view;
  size_t ns = rule->scratch_size ? rule->scratch_size (v) : 0;
  int rc;
  for (size_t k = 0; k < rule->n_signal && k < CREDO_RULE_MAX_SIGNALS; k++)
    if ((rc = resolve_signal (net, pr, rule->signals[k].kind,
                              rule->signals[k].port, &v->sig[k],
                              &v->dsig[k])))
      return rc;
  v->scratch = credo__calloc (ns ? ns : 1, sizeof *v->scratch);
  pr->r_saved = credo__calloc (pr->pre->n, sizeof *pr->r_saved);
  if (!v->scratch || !pr->r_saved)
    return credo__error (net->ctx, CREDO_ENOMEM, "out of memory");
  return 0;
}

static double
window (const credo_plast_spec *ps, double t)
{
  return (t >= ps->start && t < ps->stop) ? 1.0 : 0.0;
}

/* The rule's blocks of projection pr inside a state-shaped array (NULL
 * without blocks). */
static inline const double *
blocks_c (const credo_proj *pr, const double *y)
{
  return pr->n_rule_blocks
             ? y + pr->w_offset + pr->view.rows * pr->view.cols
             : NULL;
}

static inline double *
blocks (const credo_proj *pr, double *y)
{
  return pr->n_rule_blocks
             ? y + pr->w_offset + pr->view.rows * pr->view.cols
             : NULL;
}

/* Where the rule's dW/dt (or its J*v, its diagonal) goes: W's own slots,
 * or the quadrature block; W's slots then get 0 (frozen). */
static double *
w_slot (const credo_proj *pr, double *y)
{
  size_t nw = pr->view.rows * pr->view.cols;
  double *w = y + pr->w_offset;
  switch (pr->spec->plast.mode)
    {
    case CREDO_PLAST_CONTINUOUS:
      return w;
    case CREDO_PLAST_ACCUMULATE:
      memset (w, 0, nw * sizeof *w);
      return w + nw * (1 + pr->n_rule_blocks);
    case CREDO_PLAST_FROZEN:
      break;
    }
  return NULL;
}

double *
credo__plast_accumulator (const credo_proj *pr, double *y)
{
  return pr->plastic && pr->spec->plast.mode == CREDO_PLAST_ACCUMULATE
             ? y + pr->w_offset
                   + pr->view.rows * pr->view.cols * (1 + pr->n_rule_blocks)
             : NULL;
}

void
credo__plast_rhs (credo_net *net, double t, const double *y, double *ydot)
{
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      if (!pr->plastic)
        continue;
      pr->view.gate = window (&pr->spec->plast, credo__net_piece_time (net, t));
      double *dw = w_slot (pr, ydot);
      pr->view.r = pr->pre->out[pr->spec->pre_port];
      pr->view.dr = NULL;
      if (!dw)
        {
          memset (ydot + pr->w_offset, 0, pr->view.rows * pr->view.cols
                                              * (1 + pr->n_blocks)
                                              * sizeof *ydot);
          continue;
        }
      pr->rule->rhs (&pr->view, t, y + pr->w_offset, blocks_c (pr, y), dw,
                     blocks (pr, ydot));
    }
}

void
credo__plast_jac_setup (credo_net *net, double t, const double *y)
{
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      if (!pr->plastic)
        continue;
      memcpy (pr->r_saved, pr->pre->out[pr->spec->pre_port],
              pr->pre->n * sizeof (double));
      pr->learn = window (&pr->spec->plast, credo__net_piece_time (net, t));
      pr->view.gate = pr->learn;
      pr->view.r = pr->r_saved;
      if (pr->rule->jac_setup)
        pr->rule->jac_setup (&pr->view, t, y + pr->w_offset,
                             blocks_c (pr, y));
    }
}

void
credo__plast_jtimes (credo_net *net, const double *y, const double *v,
                     double *jv)
{
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      if (!pr->plastic)
        continue;
      pr->view.gate = pr->learn;
      pr->view.r = pr->r_saved;
      double *jw = w_slot (pr, jv);
      pr->view.dr = pr->pre->model->n_var ? pr->pre->dout[pr->spec->pre_port]
                                          : NULL;
      if (!jw)
        {
          memset (jv + pr->w_offset, 0, pr->view.rows * pr->view.cols
                                            * (1 + pr->n_blocks)
                                            * sizeof *jv);
          continue;
        }
      pr->rule->jtimes (&pr->view, y + pr->w_offset, blocks_c (pr, y),
                        v + pr->w_offset, blocks_c (pr, v), jw,
                        blocks (pr, jv));
    }
}

void
credo__plast_diag (credo_net *net, double *d)
{
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      double *dw;
      if (!pr->plastic)
        continue;
      /* a quadrature block never feeds back: its diagonal is 0 */
      memset (d + pr->w_offset, 0,
              pr->view.rows * pr->view.cols * (1 + pr->n_blocks) * sizeof *d);
      if (pr->rule->diag && pr->spec->plast.mode == CREDO_PLAST_CONTINUOUS
          && (dw = w_slot (pr, d)))
        pr->rule->diag (&pr->view, dw, blocks (pr, d));
    }
}

int
credo__plast_breaks (const credo_spec *spec, double t0, double t1,
                     double **times, size_t *n, size_t *cap)
{
  for (size_t k = 0; k < spec->n_projs; k++)
    {
      const credo_plast_spec *ps = &spec->projs[k].plast;
      double edges[2] = { ps->start, ps->stop };
      if (!ps->rule)
        continue;
      for (int e = 0; e < 2; e++)
        if (edges[e] > t0 && edges[e] < t1
            && credo__times_push (edges[e], times, n, cap))
          return CREDO_ENOMEM;
    }
  return 0;
}
