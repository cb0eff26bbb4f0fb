/* src/run/record_net.c -- what the recorder records, described from the
 * network: population, model, unit and size of every record entry, and
 * the names, shape and weights of every projection of the weight
 * snapshots.  The recorder (src/record/) gets only this description.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdlib.h>

#include "run/record_net.h"

/* The ports of every population at (t, y). */
static void
eval_ports (void *ud, double t, const double *y)
{
  credo__net_eval (ud, t, y);
}

/* Record entry s of net; leaves src->pop NULL when s points outside it. */
static void
rec_source (const credo_net *net, const credo_rec_spec *s,
            credo_rec_source *src)
{
  const credo_pop *pop;
  const credo_model_type *m;
  if (s->pop < 0 || (size_t) s->pop >= net->n_pops || s->index < 0)
    return;
  pop = &net->pops[s->pop];
  m = pop->model;
  switch (s->kind)
    {
    case CREDO_REC_VAR:
      if ((size_t) s->index >= m->n_var)
        return;
      src->unit = m->vars[s->index].unit;
      src->offset = pop->offset + (size_t) s->index * pop->n;
      break;
    case CREDO_REC_OUTPUT:
      if ((size_t) s->index >= m->n_out)
        return;
      src->unit = m->outputs[s->index].unit;
      src->values = pop->out[s->index];
      break;
    case CREDO_REC_SPIKES:
      if (!m->spiking)
        return;
      src->unit = "ms";
      break;
    default: /* CREDO_REC_INPUT */
      if ((size_t) s->index >= m->n_in)
        return;
      src->unit = m->inputs[s->index].unit;
      src->values = pop->in[s->index];
      break;
    }
  src->pop = pop->spec->name;
  src->model = m->name;
  src->pop_size = pop->n;
}

/* Projection k of net; leaves w->name NULL when k is outside it. */
static void
weights_source (const credo_net *net, int k, credo_rec_weights *w)
{
  const credo_proj *pr;
  if (k < 0 || (size_t) k >= net->n_projs)
    return;
  pr = &net->projs[k];
  w->name = pr->spec->name;
  w->pre = pr->pre->spec->name;
  w->post = pr->post->spec->name;
  w->pre_port = pr->pre->model->outputs[pr->spec->pre_port].name;
  w->post_port = pr->post->model->inputs[pr->spec->post_port].name;
  w->connectivity
      = pr->spec->conn == CREDO_CONN_ONE_TO_ONE ? "one_to_one" : "dense";
  w->rule = pr->spec->plast.rule ? pr->spec->plast.rule->name : "static";
  w->rows = pr->rows;
  w->cols = pr->cols;
  w->w = pr->plastic ? NULL : pr->w;
  w->offset = pr->w_offset;
}

int
credo__rec_sources_of_net (credo_ctx *ctx, const credo_spec *spec,
                           credo_net *net, credo_rec_sources *src)
{
  const credo_weights_spec *ws = &spec->weights;
  credo_rec_source *recs = credo__calloc (spec->n_recs + 1, sizeof *recs);
  credo_rec_weights *w = credo__calloc (ws->n + 1, sizeof *w);
  size_t i;
  if (!recs || !w)
    {
      free (recs);
      free (w);
      return credo__error (ctx, CREDO_ENOMEM, "out of memory");
    }
  for (i = 0; i < spec->n_recs; i++)
    rec_source (net, &spec->recs[i], &recs[i]);
  for (i = 0; ws->projs && i < ws->n; i++)
    weights_source (net, ws->projs[i], &w[i]);
  src->recs = recs;
  src->weights = w;
  src->eval = eval_ports;
  src->ud = net;
  return 0;
}

void
credo__rec_sources_free (credo_rec_sources *src)
{
  free ((void *) src->recs);
  free ((void *) src->weights);
  src->recs = NULL;
  src->weights = NULL;
}

credo_recorder *
credo__rec_open_net (credo_ctx *ctx, const char *path, const credo_spec *spec,
                     credo_net *net, const credo_run_meta *meta)
{
  credo_rec_sources src;
  credo_recorder *r;
  if (!spec || !net)
    {
      credo__error (ctx, CREDO_EINVAL, "credo__rec_open: missing argument");
      return NULL;
    }
  if (credo__rec_sources_of_net (ctx, spec, net, &src))
    return NULL;
  r = credo__rec_open (ctx, path, spec, &src, meta);
  credo__rec_sources_free (&src);
  return r;
}
