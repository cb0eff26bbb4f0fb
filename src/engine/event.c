/* src/engine/event.c -- the event engine: spiking networks on a fixed
 * grid with exact, continuous spike times, advanced in blocks through
 * windows of the minimum delay.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every synapse has a delay >= d_min >= solver.dt = h, so no unit's spike
 * reaches another unit before d_min has passed: within a window of W =
 * floor(d_min / h) steps the units are independent.  The units are split
 * into solver.blocks blocks (each a contiguous part of every population);
 * each block advances through the whole window on its own, step by step
 * (event_lif.c: the exact propagator over all its units, the exact
 * trajectory piece by piece for the few that may reach the threshold), and
 * the window's spikes are exchanged at its end, as NEST does (the same
 * window is the unit of MPI exchange later).  No integrator is ever
 * restarted at a spike.  A spike time is (step k, offset o), o in [0, h);
 * an arrival (emission plus delay, the delay split into whole steps plus
 * an offset once) lands in a ring of per-step lists and takes effect in
 * its step: in bulk at the step's end (one add per synapse and array), and
 * exactly at its offset for units on the exact path (Morrison et al.
 * 2007).  The window's spikes are put in one total order (step, offset,
 * population, unit) before they are exchanged, and every block sees the
 * arrivals of a step in that order, so the spikes do not depend on the
 * number of blocks, bit for bit.  Spike sources (Poisson) draw
 * exponential intervals from one GSL stream per unit seeded from the run's
 * seed, the population and the unit, so a seed fixes every spike.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "engine/engine.h"

#define CREDO_EV_MAX_WINDOW 1000

typedef struct arrival
{
  uint32_t proj, pre;
  double off;
} arrival;

typedef struct slot
{
  arrival *a;
  size_t n, cap;
} slot;

typedef struct spike
{
  long long step;
  double off; /* may equal h: a crossing at the step's end */
  uint32_t pop, unit;
} spike;

/* A source population.  Poisson: per unit a stream and its next spike;
 * replay: the next of its given spikes. */
typedef struct source
{
  gsl_rng **rng;
  long long *next_step;
  double *next_off;
  double mean_isi; /* ms */
  double *isi;     /* a varying rate: per unit, the candidates' mean
                      interval (thinning), else NULL */
} source;

/* A plasticity event of a window: kind 0, a presynaptic spike arriving at
 * projection q's synapses of unit `unit`; 1, a spike of q's postsynaptic
 * unit. */
typedef struct plast_event
{
  double t;
  uint32_t kind, q, unit;
} plast_event;

typedef struct event_engine
{
  const credo_system *sys;
  const credo_spk_net *net;
  double h;
  long long k;     /* steps done */
  long long win;   /* the window: d_min as whole steps */
  size_t n_blocks;
  double *y;
  credo_ev_pop *pops;
  credo_ev_part *parts; /* [block * n_pops + pop] */
  double *margin;       /* [step in window * n_pops + pop] */
  size_t cap_margin;
  credo_ev_stdp **stdp; /* per projection: its STDP, or NULL */
  plast_event *pev;
  size_t n_pev, cap_pev;
  source *src;
  long long *d_steps; /* per projection: the delay as steps + offset */
  double *d_off;
  slot *ring;
  size_t n_ring;
  spike *spk;
  size_t n_spk, cap_spk;
  credo_ev_input *in;
  size_t cap_in;
  uint32_t *ids;
  double *times;
  long n_spikes;
} event_engine;

static void engine_free (void *ve);

static int
push (void **arr, size_t *n, size_t *cap, size_t size)
{
  if (*n == *cap)
    {
      size_t c2 = *cap ? 2 * *cap : 64;
      void *p = realloc (*arr, c2 * size);
      if (!p)
        return CREDO_ENOMEM;
      *arr = p;
      *cap = c2;
    }
  (*n)++;
  return 0;
}

/* The stream of unit i of population p: seeds mixed by splitmix64 so
 * neighbouring units get unrelated streams. */
static unsigned long
unit_seed (unsigned long seed, size_t p, size_t i)
{
  uint64_t z = (uint64_t) seed * 0x9e3779b97f4a7c15ULL + ((uint64_t) p << 40)
               + i + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (unsigned long) (z ^ (z >> 31));
}

/* Moves (step, off) on by d ms. */
static void
time_add (double h, long long *step, double *off, double d)
{
  double o = *off + d;
  double c = floor (o / h);
  *step += (long long) c;
  *off = o - c * h;
  if (*off >= h) /* rounding */
    *step += 1, *off = 0;
}

static int
source_init (event_engine *e, size_t p)
{
  const credo_spk_pop *sp = &e->net->pops[p];
  source *s = &e->src[p];
  double rate;
  if (sp->d->source == 2)
    return 0; /* replay: nothing drawn */
  rate = sp->p[sp->d->p_rate];
  s->rng = credo__calloc (sp->n + 1, sizeof *s->rng);
  s->next_step = credo__calloc (sp->n + 1, sizeof *s->next_step);
  s->next_off = credo__calloc (sp->n + 1, sizeof *s->next_off);
  if (!s->rng || !s->next_step || !s->next_off)
    return CREDO_ENOMEM;
  s->mean_isi = rate > 0 ? 1000.0 / rate : INFINITY;
  if (sp->rate_at && !(s->isi = credo__calloc (sp->n + 1, sizeof *s->isi)))
    return CREDO_ENOMEM;
  for (size_t i = 0; i < sp->n; i++)
    {
      if (!(s->rng[i] = gsl_rng_alloc (gsl_rng_taus2)))
        return CREDO_ENOMEM;
      gsl_rng_set (s->rng[i], unit_seed (e->sys->seed, p, i));
      if (sp->rate_at)
        rate = sp->rate_max[i]; /* the candidates' rate */
      if (s->isi)
        s->isi[i] = rate > 0 ? 1000.0 / rate : INFINITY;
      if (rate > 0)
        time_add (e->h, &s->next_step[i], &s->next_off[i],
                  gsl_ran_exponential (s->rng[i], s->isi ? s->isi[i]
                                                         : s->mean_isi));
      else
        s->next_step[i] = -1;
    }
  return 0;
}

static void *
engine_alloc (const credo_system *sys, const credo_solver_spec *s, double t0,
              const double *y0)
{
  event_engine *e;
  long long max_d = 0;
  char msg[512];
  int rc = CREDO_ENOMEM;
  if (!sys->spk)
    {
      credo__error (sys->ctx, CREDO_ECONFIG,
                    "the event engine runs spiking networks only");
      return NULL;
    }
  if (!(e = credo__calloc (1, sizeof *e)))
    goto nomem;
  e->sys = sys;
  e->net = sys->spk;
  e->h = s->dt;
  e->k = llround (t0 / e->h);
  e->y = credo__calloc (sys->n + 1, sizeof *e->y);
  e->pops = credo__calloc (e->net->n_pops + 1, sizeof *e->pops);
  e->src = credo__calloc (e->net->n_pops + 1, sizeof *e->src);
  e->d_steps = credo__calloc (e->net->n_projs + 1, sizeof *e->d_steps);
  e->d_off = credo__calloc (e->net->n_projs + 1, sizeof *e->d_off);
  if (!e->y || !e->pops || !e->src || !e->d_steps || !e->d_off)
    goto nomem;
  memcpy (e->y, y0, sys->n * sizeof *e->y);
  for (size_t p = 0; p < e->net->n_pops; p++)
    {
      if (credo__ev_pop_init (&e->pops[p], &e->net->pops[p], e->h, msg,
                              sizeof msg)
          || (e->net->pops[p].d->ode
              && credo__ev_ode_init (&e->pops[p], s, t0, e->y, msg,
                                     sizeof msg)))
        {
          credo__error (sys->ctx, strcmp (msg, "out of memory") == 0
                                      ? CREDO_ENOMEM : CREDO_ECONFIG,
                        "%s", msg);
          engine_free (e);
          return NULL;
        }
      if (e->net->pops[p].d->source && (rc = source_init (e, p)))
        goto nomem;
    }
  /* any window up to d_min will do; without projections nothing is
   * exchanged.  At most CREDO_EV_MAX_WINDOW steps: a window's spikes are
   * held until its end. */
  e->win = CREDO_EV_MAX_WINDOW;
  for (size_t q = 0; q < e->net->n_projs; q++)
    {
      double d = e->net->projs[q].delay;
      e->d_steps[q] = (long long) floor (d / e->h + 1e-9);
      e->d_off[q] = d - (double) e->d_steps[q] * e->h;
      if (e->d_off[q] < 1e-9 * e->h)
        e->d_off[q] = 0; /* a whole number of steps */
      if (e->d_steps[q] > max_d)
        max_d = e->d_steps[q];
      if (e->d_steps[q] < e->win)
        e->win = e->d_steps[q] > 1 ? e->d_steps[q] : 1;
    }
  if (!(e->stdp = credo__calloc (e->net->n_projs + 1, sizeof *e->stdp)))
    goto nomem;
  for (size_t q = 0; q < e->net->n_projs; q++)
    {
      const credo_spk_proj *pr = &e->net->projs[q];
      if (pr->plastic
          && !(e->stdp[q] = credo__ev_stdp_new (
                   pr, e->net->pops[pr->pre].n, e->net->pops[pr->post].n)))
        goto nomem;
    }
  e->n_ring = (size_t) max_d + 2;
  if (!(e->ring = credo__calloc (e->n_ring, sizeof *e->ring)))
    goto nomem;
  e->n_blocks = s->blocks > 0 ? s->blocks : 1;
  if (!(e->parts = credo__calloc (e->n_blocks * e->net->n_pops + 1,
                                  sizeof *e->parts)))
    goto nomem;
  for (size_t b = 0; b < e->n_blocks; b++)
    for (size_t p = 0; p < e->net->n_pops; p++)
      {
        /* block b: the b-th of n_blocks nearly equal parts of each
         * population */
        size_t n = e->net->pops[p].n, B = e->n_blocks;
        if (credo__ev_part_init (&e->parts[b * e->net->n_pops + p],
                                 &e->pops[p], n * b / B, n * (b + 1) / B))
          goto nomem;
      }
  return e;
nomem:
  credo__error (sys->ctx, CREDO_ENOMEM, "out of memory");
  engine_free (e);
  return NULL;
}

static int
engine_reset (void *ve, double t, const double *y)
{
  event_engine *e = ve;
  /* the queue of spikes in flight carries over: only the state is set */
  e->k = llround (t / e->h);
  memcpy (e->y, y, e->sys->n * sizeof *e->y);
  for (size_t p = 0; p < e->net->n_pops; p++)
    credo__ev_ode_stale (&e->pops[p]);
  return 0;
}

static int
cmp_input (const void *a, const void *b)
{
  double x = ((const credo_ev_input *) a)->off;
  double y = ((const credo_ev_input *) b)->off;
  return (x > y) - (x < y);
}

/* A spike of unit i of population p at (k, off) for the window's list. */
static int
push_spike (event_engine *e, long long k, double off, size_t p, size_t i)
{
  if (push ((void **) &e->spk, &e->n_spk, &e->cap_spk, sizeof *e->spk))
    return CREDO_ENOMEM;
  e->spk[e->n_spk - 1] = (spike){ k, off, (uint32_t) p, (uint32_t) i };
  return 0;
}

/* Unit i of population p on the exact path over step k, with its inputs
 * of the step (kept by the delivery in its part). */
static int
unit_exact (event_engine *e, const credo_ev_part *part, size_t p, uint32_t i,
            long long k)
{
  credo_ev_pop *P = &e->pops[p];
  size_t n_in = 0, m;
  double offs[CREDO_EV_MAX_SPK_STEP];
  for (size_t a = 0; a < part->n_pend; a++)
    {
      if (part->pend[a].unit != i)
        continue;
      if (push ((void **) &e->in, &n_in, &e->cap_in, sizeof *e->in))
        return CREDO_ENOMEM;
      e->in[n_in - 1] = part->pend[a];
    }
  if (n_in > 1)
    qsort (e->in, n_in, sizeof *e->in, cmp_input);
  m = P->ode ? credo__ev_ode_unit (P, i, e->y, k, e->in, n_in, offs)
             : credo__ev_unit_exact (P, i, e->y, k, e->in, n_in, offs);
  if (m == (size_t) -2)
    return credo__error (e->sys->ctx, CREDO_ESOLVER,
                         "t = %g ms: CVODE failed on unit %u of population "
                         "'%s'", (double) k * e->h, i, P->sp->name);
  if (m == (size_t) -1)
    return credo__error (e->sys->ctx, CREDO_ESOLVER,
                         "t = %g ms: unit %u of population '%s' fires more "
                         "than %d spikes within one step: raise t_ref or "
                         "lower solver.dt", (double) k * e->h, i,
                         P->sp->name, CREDO_EV_MAX_SPK_STEP);
  for (size_t s = 0; s < m; s++)
    if (push_spike (e, k, offs[s], p, i))
      return CREDO_ENOMEM;
  return 0;
}

/* The given spikes of replay population p (units in the part) that fall
 * in step k. */
static int
replay_step (event_engine *e, credo_ev_part *part, size_t p, long long k)
{
  const credo_spk_pop *sp = &e->net->pops[p];
  while (part->pos < sp->n_spikes)
    {
      long long step = 0;
      double off = 0;
      uint32_t u = sp->spike_units[part->pos];
      time_add (e->h, &step, &off, sp->spike_times[part->pos]);
      if (step > k)
        break;
      part->pos++;
      if (u < part->i0 || u >= part->i1)
        continue; /* another block's */
      /* in this step (or, resumed after a reset, before it: now) */
      if (push_spike (e, k, step == k ? off : 0, p, u))
        return CREDO_ENOMEM;
    }
  return 0;
}

/* Thinning (Lewis & Shedler 1979): unit i's candidate at (k, its offset),
 * drawn at the bound r_max on its rate, is a spike with probability
 * rate(t)/r_max, which makes the kept ones an inhomogeneous Poisson
 * process of that rate, at exact times. */
static int
thin (event_engine *e, size_t p, size_t i, long long k)
{
  const credo_spk_pop *sp = &e->net->pops[p];
  const source *s = &e->src[p];
  double t = (double) k * e->h + s->next_off[i];
  return gsl_rng_uniform (s->rng[i]) * sp->rate_max[i]
         < sp->rate_at (sp->rate_ud, i, t);
}

static int
source_step (event_engine *e, credo_ev_part *part, size_t p, long long k)
{
  source *s = &e->src[p];
  if (e->net->pops[p].d->source == 2)
    return replay_step (e, part, p, k);
  for (size_t i = part->i0; i < part->i1; i++)
    while (s->next_step[i] == k)
      {
        if (!s->isi)
          {
            if (push_spike (e, k, s->next_off[i], p, i))
              return CREDO_ENOMEM;
            time_add (e->h, &s->next_step[i], &s->next_off[i],
                      gsl_ran_exponential (s->rng[i], s->mean_isi));
            continue;
          }
        if (thin (e, p, i, k) && push_spike (e, k, s->next_off[i], p, i))
          return CREDO_ENOMEM;
        time_add (e->h, &s->next_step[i], &s->next_off[i],
                  gsl_ran_exponential (s->rng[i], s->isi[i]));
      }
  return 0;
}

/* The total order of a window's spikes: time, then population, unit. */
static int
cmp_spike (const void *a, const void *b)
{
  const spike *x = a, *y = b;
  if (x->step != y->step)
    return (x->step > y->step) - (x->step < y->step);
  if (x->off != y->off)
    return (x->off > y->off) - (x->off < y->off);
  if (x->pop != y->pop)
    return (x->pop > y->pop) - (x->pop < y->pop);
  return (x->unit > y->unit) - (x->unit < y->unit);
}

/* Spikes s0..s1 (one step's, sorted) to the observer, per population. */
static int
observe (event_engine *e, const credo_observer *obs, size_t s0, size_t s1)
{
  if (!e->ids)
    {
      e->ids = credo__calloc (e->cap_spk, sizeof *e->ids);
      e->times = credo__calloc (e->cap_spk, sizeof *e->times);
    }
  else
    {
      uint32_t *ids = realloc (e->ids, e->cap_spk * sizeof *ids);
      double *times = ids ? realloc (e->times,
                                     e->cap_spk * sizeof *times) : NULL;
      if (ids)
        e->ids = ids;
      if (times)
        e->times = times;
      if (!times)
        return credo__error (e->sys->ctx, CREDO_ENOMEM, "out of memory");
    }
  if (!e->ids || !e->times)
    return credo__error (e->sys->ctx, CREDO_ENOMEM, "out of memory");
  for (size_t p = 0; p < e->net->n_pops; p++)
    {
      size_t m = 0;
      int rc;
      for (size_t s = s0; s < s1; s++)
        if (e->spk[s].pop == p)
          {
            e->ids[m] = e->spk[s].unit;
            e->times[m++] = (double) e->spk[s].step * e->h + e->spk[s].off;
          }
      if (m && (rc = obs->spikes (obs->ud, p, m, e->ids, e->times)))
        return rc;
    }
  return 0;
}

/* The window's spikes, in their total order: to the observer (step by
 * step), then into the ring at their arrival steps. */
static int
exchange (event_engine *e, const credo_observer *obs)
{
  const credo_spk_net *net = e->net;
  int rc;
  if (e->n_spk > 1)
    qsort (e->spk, e->n_spk, sizeof *e->spk, cmp_spike);
  e->n_spikes += (long) e->n_spk;
  for (size_t s0 = 0, s1; obs->spikes && s0 < e->n_spk; s0 = s1)
    {
      for (s1 = s0 + 1; s1 < e->n_spk && e->spk[s1].step == e->spk[s0].step;
           s1++)
        ;
      if ((rc = observe (e, obs, s0, s1)))
        return rc;
    }
  for (size_t s = 0; s < e->n_spk; s++)
    for (size_t q = 0; q < net->n_projs; q++)
      {
        long long step = e->spk[s].step + e->d_steps[q];
        double off = e->spk[s].off;
        slot *sl;
        if (net->projs[q].pre != e->spk[s].pop)
          continue;
        time_add (e->h, &step, &off, e->d_off[q]);
        sl = &e->ring[step % (long long) e->n_ring];
        if (push ((void **) &sl->a, &sl->n, &sl->cap, sizeof *sl->a))
          return credo__error (e->sys->ctx, CREDO_ENOMEM, "out of memory");
        sl->a[sl->n - 1] = (arrival){ (uint32_t) q, e->spk[s].unit, off };
      }
  e->n_spk = 0;
  return 0;
}

/* The first j in [j0, j1) with post[j] >= i (rows are increasing). */
static size_t
lower_bound (const uint32_t *post, size_t j0, size_t j1, size_t i)
{
  while (j0 < j1)
    {
      size_t m = j0 + (j1 - j0) / 2;
      if (post[m] < i)
        j0 = m + 1;
      else
        j1 = m;
    }
  return j0;
}

/* Block b over step k, y in place; margin: the step's per population. */
static int
block_step (event_engine *e, size_t b, long long k, const double *margin)
{
  const credo_spk_net *net = e->net;
  const slot *sl = &e->ring[k % (long long) e->n_ring];
  credo_ev_part *parts = e->parts + b * net->n_pops;
  int rc;
  for (size_t p = 0; p < net->n_pops; p++)
    if (!net->pops[p].d->source)
      credo__ev_pop_bulk (&e->pops[p], &parts[p], e->y, k, margin[p]);
  for (size_t a = 0; a < sl->n; a++)
    {
      const credo_spk_proj *pr = &net->projs[sl->a[a].proj];
      credo_ev_part *part = &parts[pr->post];
      size_t j0 = pr->ptr[sl->a[a].pre], j1 = pr->ptr[sl->a[a].pre + 1];
      if (e->n_blocks > 1)
        {
          j0 = lower_bound (pr->post_idx, j0, j1, part->i0);
          j1 = lower_bound (pr->post_idx, j0, j1, part->i1);
        }
      if (credo__ev_pop_deliver (&e->pops[pr->post], part, e->y, pr->syn,
                                 sl->a[a].off, pr->post_idx,
                                 e->stdp[sl->a[a].proj]
                                     ? credo__ev_stdp_weights (
                                           e->stdp[sl->a[a].proj])
                                     : pr->w,
                                 pr->w_all, j0, j1))
        return credo__error (e->sys->ctx, CREDO_ENOMEM, "out of memory");
    }
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_ev_part *part = &parts[p];
      if (net->pops[p].d->source)
        {
          if ((rc = source_step (e, part, p, k)))
            return credo__error (e->sys->ctx, rc, "out of memory");
          continue;
        }
      credo__ev_pop_candidates (&e->pops[p], part);
      for (size_t c = 0; c < part->n_cand; c++)
        if ((rc = unit_exact (e, part, p, part->cand[c], k)))
          return rc == CREDO_ENOMEM
                     ? credo__error (e->sys->ctx, rc, "out of memory")
                     : rc;
    }
  return 0;
}

static int
push_pev (event_engine *e, double t, uint32_t kind, size_t q, uint32_t unit)
{
  if (push ((void **) &e->pev, &e->n_pev, &e->cap_pev, sizeof *e->pev))
    return credo__error (e->sys->ctx, CREDO_ENOMEM, "out of memory");
  e->pev[e->n_pev - 1] = (plast_event){ t, kind, (uint32_t) q, unit };
  return 0;
}

/* Time, then arrivals before spikes, then projection and unit. */
static int
cmp_pev (const void *a, const void *b)
{
  const plast_event *x = a, *y = b;
  if (x->t != y->t)
    return (x->t > y->t) - (x->t < y->t);
  if (x->kind != y->kind)
    return (x->kind > y->kind) - (x->kind < y->kind);
  if (x->q != y->q)
    return (x->q > y->q) - (x->q < y->q);
  return (x->unit > y->unit) - (x->unit < y->unit);
}

/* The window's STDP: its arrivals at plastic projections and the spikes
 * of their postsynaptic units, in time order, once the blocks are through
 * (a delivery in the window used the weights of the window's start: the
 * change takes effect after at most d_min). */
static int
plasticity (event_engine *e, size_t n_k)
{
  const credo_spk_net *net = e->net;
  int rc;
  e->n_pev = 0;
  for (size_t j = 0; j < n_k; j++)
    {
      long long k = e->k + (long long) j;
      const slot *sl = &e->ring[k % (long long) e->n_ring];
      for (size_t a = 0; a < sl->n; a++)
        if (e->stdp[sl->a[a].proj]
            && (rc = push_pev (e, (double) k * e->h + sl->a[a].off, 0,
                               sl->a[a].proj, sl->a[a].pre)))
          return rc;
    }
  for (size_t q = 0; q < net->n_projs; q++)
    for (size_t s = 0; e->stdp[q] && s < e->n_spk; s++)
      if (e->spk[s].pop == net->projs[q].post
          && (rc = push_pev (e, (double) e->spk[s].step * e->h + e->spk[s].off,
                             1, q, e->spk[s].unit)))
        return rc;
  if (e->n_pev > 1)
    qsort (e->pev, e->n_pev, sizeof *e->pev, cmp_pev);
  for (size_t v = 0; v < e->n_pev; v++)
    if (e->pev[v].kind == 0)
      credo__ev_stdp_pre (e->stdp[e->pev[v].q], e->pev[v].unit, e->pev[v].t);
    else
      credo__ev_stdp_post (e->stdp[e->pev[v].q], e->pev[v].unit, e->pev[v].t);
  return 0;
}

/* Steps k .. k_end - 1 (no more than the window): every block through all
 * of them on its own, then the spikes exchanged. */
static int
window (event_engine *e, long long k_end, const credo_observer *obs)
{
  const credo_spk_net *net = e->net;
  size_t n_k = (size_t) (k_end - e->k), np = net->n_pops;
  int rc;
  if (n_k * np > e->cap_margin)
    {
      double *m = realloc (e->margin, n_k * np * sizeof *m);
      if (!m)
        return credo__error (e->sys->ctx, CREDO_ENOMEM, "out of memory");
      e->margin = m;
      e->cap_margin = n_k * np;
    }
  /* every step's margins first: the same for every block */
  memset (e->margin, 0, n_k * np * sizeof *e->margin);
  for (size_t j = 0; j < n_k; j++)
    {
      const slot *sl = &e->ring[(e->k + (long long) j) % (long long) e->n_ring];
      for (size_t a = 0; a < sl->n; a++)
        {
          const credo_spk_proj *pr = &net->projs[sl->a[a].proj];
          e->margin[j * np + pr->post] += credo__ev_pop_margin (
              &e->pops[pr->post], pr->syn, sl->a[a].off, pr->w_max);
        }
    }
  for (size_t b = 0; b < e->n_blocks; b++)
    for (size_t j = 0; j < n_k; j++)
      if ((rc = block_step (e, b, e->k + (long long) j, e->margin + j * np)))
        return rc;
  if ((rc = plasticity (e, n_k)))
    return rc;
  for (size_t j = 0; j < n_k; j++)
    e->ring[(e->k + (long long) j) % (long long) e->n_ring].n = 0;
  e->k = k_end;
  return exchange (e, obs);
}

static int
engine_advance (void *ve, double t_stop, const credo_observer *obs)
{
  event_engine *e = ve;
  long long k_stop = llround (t_stop / e->h);
  double tol = 1e-9 * e->h;
  int rc;
  while (e->k < k_stop)
    {
      double t, nt = obs->next_time (obs->ud);
      long long k_end = e->k + e->win;
      if (k_end > k_stop)
        k_end = k_stop;
      /* a window ends at the next sample (on the grid, the spec checks
       * it), where every block must be */
      if (nt < (double) k_end * e->h - tol)
        {
          long long k_s = llround (nt / e->h);
          k_end = k_s > e->k ? k_s : e->k + 1;
        }
      if ((rc = window (e, k_end, obs)))
        return rc;
      t = (double) e->k * e->h;
      if (obs->step && (rc = obs->step (obs->ud, t, e->y)))
        return rc < 0 ? rc : 0;
      while ((nt = obs->next_time (obs->ud)) <= t + tol)
        if ((rc = obs->sample (obs->ud, nt < t - tol ? t : nt, e->y)))
          return rc < 0 ? rc : 0;
    }
  if (k_stop * e->h >= e->sys->duration * (1 - 1e-12))
    {
      long ex = 0, ev = 0;
      for (size_t p = 0; p < e->net->n_pops; p++)
        ex += e->pops[p].n_exact, ev += e->pops[p].n_evals;
      credo__log (e->sys->ctx, CREDO_LOG_INFO,
                  "event engine: %ld spikes, %ld unit-steps on the exact "
                  "path, %ld trajectory evaluations; %zu block(s), windows "
                  "of %lld step(s)", e->n_spikes, ex, ev, e->n_blocks,
                  e->win);
    }
  return 0;
}

static const double *
engine_state (void *ve, double *t)
{
  event_engine *e = ve;
  if (t)
    *t = (double) e->k * e->h;
  return e->y;
}

static void
engine_stats (void *ve, credo_solver_stats *st)
{
  event_engine *e = ve;
  memset (st, 0, sizeof *st);
  st->steps = (long) e->k;
  for (size_t p = 0; p < e->net->n_pops; p++)
    st->rhs_evals += e->pops[p].n_evals;
}

static const char *
engine_linear (void *ve)
{
  (void) ve;
  return "none (exact propagator)";
}

static void
engine_free (void *ve)
{
  event_engine *e = ve;
  if (!e)
    return;
  for (size_t b = 0; e->parts && b < e->n_blocks * e->net->n_pops; b++)
    credo__ev_part_free (&e->parts[b]);
  for (size_t p = 0; e->pops && p < e->net->n_pops; p++)
    {
      credo__ev_ode_free (&e->pops[p]);
      credo__ev_pop_free (&e->pops[p]);
      for (size_t i = 0; e->src[p].rng && i < e->net->pops[p].n; i++)
        gsl_rng_free (e->src[p].rng[i]);
      free (e->src[p].rng);
      free (e->src[p].next_step);
      free (e->src[p].next_off);
      free (e->src[p].isi);
    }
  for (size_t s = 0; e->ring && s < e->n_ring; s++)
    free (e->ring[s].a);
  free (e->ring);
  free (e->parts);
  free (e->margin);
  for (size_t q = 0; e->stdp && q < e->net->n_projs; q++)
    credo__ev_stdp_free (e->stdp[q]);
  free (e->stdp);
  free (e->pev);
  free (e->pops);
  free (e->src);
  free (e->d_steps);
  free (e->d_off);
  free (e->y);
  free (e->spk);
  free (e->in);
  free (e->ids);
  free (e->times);
  free (e);
}

const credo_engine_type credo__engine_event = {
  CREDO_ENGINE_VERSION,
  "event",
  "spiking networks: exact propagator on the solver.dt grid, exact "
  "continuous spike times, delays >= solver.dt, solver.blocks blocks "
  "exchanging spikes once per window of the minimum delay",
  CREDO_ENGINE_FIXED_STEP | CREDO_ENGINE_SPIKES,
  engine_alloc, engine_reset, engine_advance, engine_state, engine_stats,
  engine_linear, engine_free,
};
