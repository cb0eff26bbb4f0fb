/* src/net/plasticity.c -- plastic projections: weights as ODE states.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * For a plastic projection with error e = plus - minus (read from the
 * post-synaptic population, see credo/rule.h) and presynaptic rate r:
 *
 *   tau_w = 0:  dW/dt = g eta e r^T
 *   tau_w > 0:  tau_w dD/dt = -D + e r^T,  dW/dt = g eta D   (SAC18)
 *
 * g = 1 inside the learning window [start, stop), else 0: the window edges
 * are discontinuities the driver stops at.  Hard bounds hold a weight whose
 * drift would cross w_min / w_max.  The exact J*v of these equations:
 *
 *   d(e r^T) = de r^T + e dr^T,
 *
 * where de comes from the perturbed post-synaptic signals (which include
 * the dW r term of the projections) and dr from the presynaptic output, so
 * the Krylov solver never needs a difference quotient.
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
credo__plast_resolve (credo_net *net, credo_proj *pr)
{
  const credo_rule_type *rule = pr->spec->plast.rule;
  int rc;
  if ((rc = resolve_signal (net, pr, rule->plus_kind, rule->plus, &pr->plus,
                            &pr->dplus)))
    return rc;
  if ((rc = resolve_signal (net, pr, rule->minus_kind, rule->minus,
                            &pr->minus, &pr->dminus)))
    return rc;
  pr->e = credo__calloc (pr->rows, sizeof *pr->e);
  pr->de = credo__calloc (pr->rows, sizeof *pr->de);
  pr->r_saved = credo__calloc (pr->pre->n, sizeof *pr->r_saved);
  if (!pr->e || !pr->de || !pr->r_saved)
    return credo__error (net->ctx, CREDO_ENOMEM, "out of memory");
  return 0;
}

static double
window (const credo_plast_spec *ps, double t)
{
  return (t >= ps->start && t < ps->stop) ? 1.0 : 0.0;
}

/* e = plus - minus into out[rows] */
static void
error_vector (const credo_proj *pr, double *out)
{
  for (size_t i = 0; i < pr->rows; i++)
    out[i] = (pr->plus ? pr->plus[i] : 0.0) - (pr->minus ? pr->minus[i] : 0.0);
}

/* A weight at a bound whose drift points outwards is held there. */
static inline int
held (double w, double dw, const credo_plast_spec *ps)
{
  return (w >= ps->w_max && dw > 0) || (w <= ps->w_min && dw < 0);
}

static inline double
bounded (double w, double dw, const credo_plast_spec *ps)
{
  return held (w, dw, ps) ? 0.0 : dw;
}

void
credo__plast_rhs (credo_net *net, double t, const double *y, double *ydot)
{
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      const credo_plast_spec *ps = &pr->spec->plast;
      const double *r = pr->pre->out[pr->spec->pre_port];
      const double *W = y + pr->w_offset;
      double *dW = ydot + pr->w_offset, *e = pr->de; /* scratch */
      double g = window (ps, credo__net_piece_time (net, t)) * ps->eta;
      int diag = pr->spec->conn == CREDO_CONN_ONE_TO_ONE;
      if (!pr->plastic)
        continue;
      error_vector (pr, e);
      if (ps->tau_w > 0)
        {
          const double *D = y + pr->d_offset;
          double *dD = ydot + pr->d_offset, inv = 1.0 / ps->tau_w;
          for (size_t i = 0; i < pr->rows; i++)
            for (size_t j = 0; j < pr->cols; j++)
              {
                size_t ij = i * pr->cols + j;
                double rj = diag ? r[i] : r[j];
                dD[ij] = (e[i] * rj - D[ij]) * inv;
                dW[ij] = bounded (W[ij], g * D[ij], ps);
              }
        }
      else
        for (size_t i = 0; i < pr->rows; i++)
          for (size_t j = 0; j < pr->cols; j++)
            {
              size_t ij = i * pr->cols + j;
              double rj = diag ? r[i] : r[j];
              dW[ij] = bounded (W[ij], g * e[i] * rj, ps);
            }
    }
}

void
credo__plast_jac_setup (credo_net *net, double t, const double *y)
{
  (void) y;
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      if (!pr->plastic)
        continue;
      error_vector (pr, pr->e);
      memcpy (pr->r_saved, pr->pre->out[pr->spec->pre_port],
              pr->pre->n * sizeof (double));
      pr->learn = window (&pr->spec->plast, credo__net_piece_time (net, t));
    }
}

void
credo__plast_jtimes (credo_net *net, const double *y, const double *v,
                     double *jv)
{
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      const credo_plast_spec *ps = &pr->spec->plast;
      const double *r = pr->r_saved, *e = pr->e;
      const double *dr = pr->pre->model->n_var
                             ? pr->pre->dout[pr->spec->pre_port]
                             : NULL;
      const double *W = y + pr->w_offset;
      double *de = pr->de, g;
      int diag;
      if (!pr->plastic)
        continue;
      g = pr->learn * ps->eta;
      diag = pr->spec->conn == CREDO_CONN_ONE_TO_ONE;
      for (size_t i = 0; i < pr->rows; i++)
        de[i] = (pr->dplus ? pr->dplus[i] : 0.0)
                - (pr->dminus ? pr->dminus[i] : 0.0);
      if (ps->tau_w > 0)
        {
          const double *vD = v + pr->d_offset, *D = y + pr->d_offset;
          double *jD = jv + pr->d_offset, *jW = jv + pr->w_offset;
          double inv = 1.0 / ps->tau_w;
          for (size_t i = 0; i < pr->rows; i++)
            for (size_t j = 0; j < pr->cols; j++)
              {
                size_t ij = i * pr->cols + j;
                size_t jj = diag ? i : j;
                double ind = de[i] * r[jj] + (dr ? e[i] * dr[jj] : 0.0);
                jD[ij] = (ind - vD[ij]) * inv;
                jW[ij] = held (W[ij], g * D[ij], ps) ? 0.0 : g * vD[ij];
              }
        }
      else
        {
          double *jW = jv + pr->w_offset;
          for (size_t i = 0; i < pr->rows; i++)
            for (size_t j = 0; j < pr->cols; j++)
              {
                size_t ij = i * pr->cols + j;
                size_t jj = diag ? i : j;
                double drift = g * e[i] * r[jj];
                double ind = de[i] * r[jj] + (dr ? e[i] * dr[jj] : 0.0);
                jW[ij] = held (W[ij], drift, ps) ? 0.0 : g * ind;
              }
        }
    }
}

void
credo__plast_diag (credo_net *net, double *d)
{
  for (size_t k = 0; k < net->n_projs; k++)
    {
      const credo_proj *pr = &net->projs[k];
      size_t nw = pr->rows * pr->cols;
      if (!pr->plastic)
        continue;
      /* dW/dt depends on W only through the post signals: weak, ignored */
      memset (d + pr->w_offset, 0, nw * sizeof *d);
      if (pr->spec->plast.tau_w > 0)
        for (size_t i = 0; i < nw; i++)
          d[pr->d_offset + i] = -1.0 / pr->spec->plast.tau_w;
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
        {
          if (!(edges[e] > t0 && edges[e] < t1))
            continue;
          if (*n == *cap)
            {
              size_t nc = *cap ? 2 * *cap : 16;
              double *nt = realloc (*times, nc * sizeof *nt);
              if (!nt)
                return CREDO_ENOMEM;
              *times = nt;
              *cap = nc;
            }
          (*times)[(*n)++] = edges[e];
        }
    }
  return 0;
}
