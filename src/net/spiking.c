/* src/net/spiking.c -- the network as the event engine sees it: spiking
 * populations with their exact-integration descriptions, and projections
 * as synapse lists by presynaptic unit (compressed sparse rows), which is
 * the order a spike is delivered in.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdlib.h>

#include "net/net.h"

/* Rows of the synapses pre[k] (sorted by pre, then post) into ptr. */
static int
alloc_synapses (credo_proj *pr, size_t n_pre, size_t cap)
{
  pr->syn_ptr = credo__calloc (n_pre + 1, sizeof *pr->syn_ptr);
  pr->syn_post = credo__calloc (cap ? cap : 1, sizeof *pr->syn_post);
  pr->syn_w = credo__calloc (cap ? cap : 1, sizeof *pr->syn_w);
  return pr->syn_ptr && pr->syn_post && pr->syn_w ? 0 : CREDO_ENOMEM;
}

/* Each (pre, post) pair exists with probability p: the gaps between
 * synapses in pre-major order are geometric, one draw per synapse. */
int
credo__spk_random (credo_net *net, credo_proj *pr, gsl_rng *rng)
{
  size_t n_pre = pr->pre->n, n_post = pr->post->n, cap = 0, nnz = 0;
  double p = pr->spec->prob, lq = log1p (-p);
  double total = (double) n_pre * (double) n_post;
  double pos = -1;
  (void) net;
  cap = (size_t) (total * p + 6 * sqrt (total * p) + 16);
  if (alloc_synapses (pr, n_pre, cap))
    return CREDO_ENOMEM;
  for (;;)
    {
      double gap = p >= 1 ? 0 : floor (log (gsl_rng_uniform_pos (rng)) / lq);
      size_t k, j;
      pos += gap + 1;
      if (pos >= total)
        break;
      k = (size_t) pos;
      j = k / n_post;
      if (nnz == cap)
        {
          uint32_t *ip = realloc (pr->syn_post, 2 * cap * sizeof *ip);
          if (!ip)
            return CREDO_ENOMEM;
          pr->syn_post = ip;
          cap *= 2;
        }
      pr->syn_post[nnz++] = (uint32_t) (k % n_post);
      pr->syn_ptr[j + 1]++;
    }
  for (size_t j = 0; j < n_pre; j++)
    pr->syn_ptr[j + 1] += pr->syn_ptr[j];
  pr->nnz = nnz;
  free (pr->syn_w); /* the weights once their number is known */
  if (!(pr->syn_w = credo__calloc (nnz + 1, sizeof *pr->syn_w)))
    return CREDO_ENOMEM;
  credo__net_draw_weights (&pr->spec->init, rng, nnz, pr->syn_w);
  for (size_t k = 0; k < nnz && pr->spec->gain != 1.0; k++)
    pr->syn_w[k] *= pr->spec->gain;
  return 0;
}

/* The nonzero weights of a dense or one-to-one projection as synapses. */
static int
synapses_of_matrix (credo_proj *pr)
{
  size_t n_pre = pr->pre->n, n_post = pr->post->n, nnz = 0;
  int diag = pr->spec->conn == CREDO_CONN_ONE_TO_ONE;
  for (size_t k = 0; k < pr->rows * pr->cols; k++)
    nnz += pr->w[k] != 0.0;
  if (alloc_synapses (pr, n_pre, nnz))
    return CREDO_ENOMEM;
  nnz = 0;
  for (size_t j = 0; j < n_pre; j++)
    {
      for (size_t i = diag ? j : 0; i < (diag ? j + 1 : n_post); i++)
        {
          double w = diag ? pr->w[i] : pr->w[i * pr->cols + j];
          if (w == 0.0)
            continue;
          pr->syn_post[nnz] = (uint32_t) i;
          pr->syn_w[nnz++] = w;
        }
      pr->syn_ptr[j + 1] = nnz;
    }
  pr->nnz = nnz;
  return 0;
}

static double
largest (const double *w, size_t n)
{
  double m = n ? w[0] : 0;
  for (size_t k = 1; k < n; k++)
    m = w[k] > m ? w[k] : m;
  return m;
}

static int
all_equal (const double *w, size_t n)
{
  for (size_t k = 1; k < n; k++)
    if (w[k] != w[0])
      return 0;
  return 1;
}

/* The synaptic current of the post model that input port `port` jumps. */
static size_t
syn_of_port (const credo_spiking_desc *d, int port)
{
  for (size_t k = 0; k < d->n_syn; k++)
    if (d->syn_port[k] == port)
      return k;
  return 0;
}

/* A Poisson source's rate: its parameter plus its stimuli on port
 * `rate`, clipped at 0. */
typedef struct credo_spk_rate
{
  double base;
  size_t n;
  const credo_stim_spec **stims;
  double *max; /* per unit: base plus each stimulus' bound */
} credo_spk_rate;

static double
rate_at (const void *ud, size_t i, double t)
{
  const credo_spk_rate *r = ud;
  double v = r->base;
  for (size_t k = 0; k < r->n; k++)
    v += credo__stim_value (r->stims[k], t, i);
  return v > 0 ? v : 0;
}

/* Population p's rate stimuli into pops[p], if it has any. */
static int
rate_view (credo_net *net, size_t p, credo_spk_pop *sp)
{
  const credo_pop *pop = &net->pops[p];
  credo_spk_rate *r = &net->spk_rates[p];
  int port = credo_model_input_index (pop->model, "rate");
  if (!pop->model->spiking->source || port < 0)
    return 0;
  for (size_t k = 0; k < net->spec->n_stims; k++)
    if (net->spec->stims[k].pop == (int) p
        && net->spec->stims[k].port == port)
      r->n++;
  if (!r->n)
    return 0;
  r->stims = credo__calloc (r->n, sizeof *r->stims);
  r->max = credo__calloc (pop->n, sizeof *r->max);
  if (!r->stims || !r->max)
    return CREDO_ENOMEM;
  r->n = 0;
  for (size_t k = 0; k < net->spec->n_stims; k++)
    if (net->spec->stims[k].pop == (int) p
        && net->spec->stims[k].port == port)
      r->stims[r->n++] = &net->spec->stims[k];
  r->base = sp->p[sp->d->p_rate];
  for (size_t i = 0; i < pop->n; i++)
    {
      double m = r->base;
      for (size_t k = 0; k < r->n; k++)
        m += credo__stim_max (r->stims[k], i);
      r->max[i] = m > 0 ? m : 0;
    }
  sp->rate_at = rate_at;
  sp->rate_ud = r;
  sp->rate_max = r->max;
  return 0;
}

int
credo__spk_build (credo_net *net)
{
  credo_spk_pop *pops;
  credo_spk_proj *projs;
  int rc;
  for (size_t p = 0; p < net->n_pops; p++)
    if (!net->pops[p].model->spiking)
      return 0; /* a rate network (the spec refuses mixtures) */
  pops = credo__calloc (net->n_pops + 1, sizeof *pops);
  projs = credo__calloc (net->n_projs + 1, sizeof *projs);
  net->spk.pops = pops;
  net->spk.projs = projs;
  net->spk_rates = credo__calloc (net->n_pops + 1, sizeof *net->spk_rates);
  if (!pops || !projs || !net->spk_rates)
    return CREDO_ENOMEM;
  net->spk.n_pops = net->n_pops;
  net->spk.n_projs = net->n_projs;
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *pop = &net->pops[p];
      pops[p] = (credo_spk_pop){ pop->model->spiking, pop->spec->params,
                                 pop->n, pop->offset, pop->spec->name,
                                 pop->spec->n_spikes, pop->spec->spike_times,
                                 pop->spec->spike_units, NULL, NULL,
                                 NULL };
      if ((rc = rate_view (net, p, &pops[p])))
        return rc;
    }
  for (size_t k = 0; k < net->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      if (pr->spec->conn != CREDO_CONN_RANDOM
          && (rc = synapses_of_matrix (pr)))
        return rc;
      projs[k].pre = (size_t) pr->spec->pre;
      projs[k].post = (size_t) pr->spec->post;
      projs[k].syn = syn_of_port (pr->post->model->spiking,
                                  pr->spec->post_port);
      projs[k].delay = pr->spec->delay;
      projs[k].ptr = pr->syn_ptr;
      projs[k].post_idx = pr->syn_post;
      projs[k].w = pr->syn_w;
      projs[k].w_max = largest (pr->syn_w, pr->nnz);
      if (pr->spec->plast.stdp)
        {
          const credo_plast_spec *ps = &pr->spec->plast;
          projs[k].plastic = 1;
          projs[k].stdp = (credo_spk_stdp){ ps->A_plus, ps->A_minus,
                                            ps->tau_plus, ps->tau_minus,
                                            ps->w_min, ps->w_max };
          /* the bound on an input's rise holds for every weight STDP
           * may reach */
          projs[k].w_max = fmax (projs[k].w_max, ps->w_max);
          projs[k].w_dense = pr->w;
          projs[k].diag = pr->spec->conn == CREDO_CONN_ONE_TO_ONE;
          projs[k].cols = pr->cols;
        }
      /* one weight for all: delivery then reads only the targets */
      else if (pr->nnz && all_equal (pr->syn_w, pr->nnz))
        projs[k].w = NULL, projs[k].w_all = pr->syn_w[0];
    }
  return 0;
}

void
credo__spk_free (credo_net *net)
{
  for (size_t k = 0; net->projs && k < net->n_projs; k++)
    {
      free (net->projs[k].syn_ptr);
      free (net->projs[k].syn_post);
      free (net->projs[k].syn_w);
    }
  for (size_t p = 0; net->spk_rates && p < net->n_pops; p++)
    {
      free (net->spk_rates[p].stims);
      free (net->spk_rates[p].max);
    }
  free (net->spk_rates);
  free ((void *) net->spk.pops);
  free ((void *) net->spk.projs);
}
