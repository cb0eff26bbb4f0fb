/* src/engine/event_lif.c -- exact integration of linear subthreshold
 * neurons for the event engine: the propagator over a step, vectorised
 * across a population; a strict upper bound on v over the step that picks
 * the few units that may spike; and, for those, the closed-form trajectory
 * piece by piece between inputs, with the threshold crossing located by
 * safeguarded Newton iteration.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * With v_inf = v_rest + bias and currents I_k (time constants tau_k), the
 * state after s ms is (Rotter & Diesmann 1999)
 *   I_k(s) = I_k e^{-s/tau_k},
 *   v(s) = v_inf + (v - v_inf) e^{-s/tau_m} + sum_k I_k R_k(s),
 *   R_k(s) = (e^{-s/tau_k} - e^{-s/tau_m}) / (tau_m delta_k)
 *          = e^{-s/tau_m} expm1(s delta_k) / (tau_m delta_k),
 *   delta_k = 1/tau_m - 1/tau_k
 * (the second form, with expm1, as tau_k -> tau_m, where R_k(s) =
 * s/tau_m e^{-s/tau_m}).  R_k rises up to its peak and is concave up to
 * twice that, so while the step h is shorter than every peak, each term of
 * v(s) and of dv/ds is monotone on any interval of a step: the sum of each
 * term's larger end value bounds v from above, and the sum of the smaller
 * ones bounds dv/ds from below (> 0 proves a single crossing).  As in
 * NEST's precise models (Morrison et al. 2007), a spike time is (step,
 * offset).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

/* v's response after s to a unit current of time constant index k, given
 * em = e^{-s/tau_m} and ek = e^{-s/tau_k}: (ek - em)/(tau_m delta_k), whose
 * absolute rounding error is that of ek - em over tau_m delta_k, unless
 * tau_k is within 0.1 % of tau_m, where expm1 keeps it exact. */
static inline double
resp_of (const credo_ev_pop *P, size_t k, double s, double em, double ek)
{
  double d = P->delta[k];
  if (fabs (d * P->tau_m) < 1e-3)
    return em * (d == 0 ? s : expm1 (s * d) / d) / P->tau_m;
  return (ek - em) / (P->tau_m * d);
}

static inline double
resp (const credo_ev_pop *P, size_t k, double s)
{
  return resp_of (P, k, s, exp (-s / P->tau_m), exp (-s / P->tau[k]));
}

/* A population of nonlinear units: the delivery keeps every input for
 * the unit's integrator (every unit near), never refractory. */
static int
ode_pop_init (credo_ev_pop *P, char *msg, size_t len)
{
  const credo_spiking_desc *d = P->sp->d;
  if (d->n_syn > CREDO_EV_MAX_SYN)
    {
      snprintf (msg, len, "population '%s': at most %d synaptic currents",
                P->sp->name, CREDO_EV_MAX_SYN);
      return -1;
    }
  P->n_syn = d->n_syn;
  for (size_t k = 0; k < P->n_syn; k++)
    P->var_i[k] = d->syn_var[k];
  P->var_v = d->var_v;
  P->v_th = P->sp->p[d->p_v_th];
  P->v_reset = P->sp->p[d->p_v_reset];
  P->near = credo__calloc (P->n + 1, sizeof (float));
  P->ref_off = credo__calloc (P->n + 1, sizeof (double));
  P->ref_step = credo__calloc (P->n + 1, sizeof (double));
  if (!P->near || !P->ref_off || !P->ref_step)
    {
      snprintf (msg, len, "out of memory");
      return -1;
    }
  for (size_t i = 0; i < P->n; i++)
    P->near[i] = 1.0f, P->ref_step[i] = -1;
  return 0;
}

int
credo__ev_pop_init (credo_ev_pop *P, const credo_spk_pop *sp, double h,
                    char *msg, size_t len)
{
  const credo_spiking_desc *d = sp->d;
  const double *p = sp->p;
  double t_ref;
  size_t n = sp->n;
  memset (P, 0, sizeof *P);
  P->sp = sp;
  P->n = n;
  P->h = h;
  /* a source has no neuron parameters, an ode model (aeif) no t_ref */
  if (d->source)
    return 0;
  if (d->ode)
    return ode_pop_init (P, msg, len);
  t_ref = p[d->p_t_ref];
  if (d->n_syn > CREDO_EV_MAX_SYN)
    {
      snprintf (msg, len, "population '%s': at most %d synaptic currents",
                sp->name, CREDO_EV_MAX_SYN);
      return -1;
    }
  P->n_syn = d->n_syn;
  P->tau_m = p[d->p_tau_m];
  P->v_inf = p[d->p_v_rest] + p[d->p_bias];
  P->v_th = p[d->p_v_th];
  P->v_reset = p[d->p_v_reset];
  /* whole steps plus an offset, the whole steps exact when t_ref is a
   * multiple of h up to rounding */
  P->tref_steps = (long long) floor (t_ref / h + 1e-9);
  P->tref_off = t_ref - (double) P->tref_steps * h;
  if (P->tref_off < 1e-9 * h)
    P->tref_off = 0;
  P->var_v = d->var_v;
  P->P_mm = exp (-h / P->tau_m);
  for (size_t k = 0; k < P->n_syn; k++)
    {
      double tk = p[d->syn_tau[k]], peak;
      P->var_i[k] = d->syn_var[k];
      P->tau[k] = tk;
      P->delta[k] = 1 / P->tau_m - 1 / tk;
      P->P_kk[k] = exp (-h / tk);
      P->P_km[k] = resp (P, k, h);
      /* the bounds need R_k monotone over a step */
      peak = fabs (P->delta[k]) < 1e-12 / P->tau_m
                 ? P->tau_m
                 : log (P->tau_m / tk) / (1 / tk - 1 / P->tau_m);
      if (h > peak)
        {
          snprintf (msg, len, "population '%s': solver.dt = %g ms exceeds "
                    "the rise time of the potential after an input (%g ms); "
                    "use a smaller dt", sp->name, h, peak);
          return -1;
        }
    }
  P->th = P->v_th - 1e-9 * (1 + fabs (P->v_th));
  P->near = credo__calloc (n + 1, sizeof (float));
  P->ref_off = credo__calloc (n + 1, sizeof (double));
  P->ref_step = credo__calloc (n + 1, sizeof (double));
  if (P->near && P->ref_off && P->ref_step)
    {
      for (size_t i = 0; i < n; i++)
        P->ref_step[i] = -1; /* not refractory */
      return 0;
    }
  snprintf (msg, len, "out of memory");
  return -1;
}

int
credo__ev_part_init (credo_ev_part *part, const credo_ev_pop *P, size_t i0,
                     size_t i1)
{
  (void) P;
  memset (part, 0, sizeof *part);
  part->i0 = i0;
  part->i1 = i1;
  part->cand = credo__calloc (i1 - i0 + 1, sizeof (uint32_t));
  part->hot = credo__calloc ((i1 - i0) / CREDO_EV_CHUNK + 1, 1);
  return part->cand && part->hot ? 0 : CREDO_ENOMEM;
}

void
credo__ev_part_free (credo_ev_part *part)
{
  free (part->pend);
  free (part->cand);
  free (part->hot);
}

void
credo__ev_pop_free (credo_ev_pop *P)
{
  free (P->near);
  free (P->ref_off);
  free (P->ref_step);
}

static inline double
max2 (double a, double b)
{
  return a > b ? a : b; /* maxsd; fmax is a call (NaN rules) */
}

/* The propagator's and the bound's constants of one population. */
typedef struct bulk_consts
{
  double v_inf, P_mm, v_reset, Pem, Pee, Pim, Pii, kd, thn;
} bulk_consts;

/* The bulk update of two currents in one pass, in place, vectorisable:
 * per unit the propagator and the bound (each term's larger end value:
 * v's relaxation at one end, a current's PSP from 0 to its value at the
 * end), without branches.  The arrays are parameters so that `restrict`
 * holds.  Returns whether a unit is near. */
#if defined __x86_64__ && defined __GNUC__ && !defined __clang__
/* the one loop that touches every unit every step: vectorised, with
 * AVX-512 or AVX2 where the CPU has them */
__attribute__ ((target_clones ("avx512f", "avx2", "default"),
                 optimize ("O3")))
#endif
static int
bulk2 (size_t n, double *restrict v, double *restrict e, double *restrict q,
       const double *restrict rs, float *restrict near, bulk_consts c)
{
  int hot = 0;
  for (size_t i = 0; i < n; i++)
    {
      double u = v[i] - c.v_inf, um = u * c.P_mm;
      double de = e[i] * c.Pem, dq = q[i] * c.Pim;
      double b = c.v_inf + max2 (u, um) + max2 (de, 0.0) + max2 (dq, 0.0);
      double r = rs[i];
      /* refractory all step: v held, never near; until inside it: near */
      int nr = (r == c.kd) | ((r < c.kd) & (b >= c.thn)); /* no branch */
      double v1 = r > c.kd ? c.v_reset : c.v_inf + um + de + dq;
      v[i] = nr ? v[i] : v1;
      e[i] = nr ? e[i] : e[i] * c.Pee;
      q[i] = nr ? q[i] : q[i] * c.Pii;
      /* 1: near; 2: refractory all step (for the delivery) */
      near[i] = nr ? 1.0f : r > c.kd ? 2.0f : 0.0f;
      hot |= nr;
    }
  return hot;
}

double
credo__ev_pop_margin (const credo_ev_pop *P, size_t syn, double off,
                      double w_max)
{
  return w_max > 0 && !P->sp->d->ode ? w_max * resp (P, syn, P->h - off)
                                      : 0.0;
}

void
credo__ev_pop_bulk (credo_ev_pop *P, credo_ev_part *part, double *y,
                    long long k, double margin)
{
  size_t n = P->n, off = P->sp->offset, i0 = part->i0, i1 = part->i1;
  double *v = y + off + (size_t) P->var_v * n, kd = (double) k;
  double thn = P->th - margin;
  part->n_pend = 0;
  if (P->sp->d->ode)
    return; /* each unit on its own integrator */
  if (P->n_syn == 2)
    {
      bulk_consts c = { P->v_inf, P->P_mm, P->v_reset, P->P_km[0],
                        P->P_kk[0], P->P_km[1], P->P_kk[1], kd, thn };
      double *e = y + off + (size_t) P->var_i[0] * n;
      double *q = y + off + (size_t) P->var_i[1] * n;
      /* by chunks, each telling whether it holds a near unit */
      for (size_t i = i0; i < i1; i += CREDO_EV_CHUNK)
        {
          size_t m = i1 - i < CREDO_EV_CHUNK ? i1 - i : CREDO_EV_CHUNK;
          part->hot[(i - i0) / CREDO_EV_CHUNK] = (unsigned char) bulk2 (
              m, v + i, e + i, q + i, P->ref_step + i, P->near + i, c);
        }
      return;
    }
  for (size_t i = i0; i < i1; i++)
    {
      double u = v[i] - P->v_inf, um = u * P->P_mm;
      double b = P->v_inf + max2 (u, um), v1 = P->v_inf + um;
      double r = P->ref_step[i];
      for (size_t s = 0; s < P->n_syn; s++)
        {
          double dv = y[off + (size_t) P->var_i[s] * n + i] * P->P_km[s];
          v1 += dv;
          b += max2 (dv, 0.0);
        }
      P->near[i] = r == kd || (r < kd && b >= thn) ? 1.0f
                   : r > kd                        ? 2.0f
                                                   : 0.0f;
      if (P->near[i] == 1.0f)
        continue;
      v[i] = r > kd ? P->v_reset : v1;
      for (size_t s = 0; s < P->n_syn; s++)
        y[off + (size_t) P->var_i[s] * n + i] *= P->P_kk[s];
    }
  memset (part->hot, 1, (i1 - i0 + CREDO_EV_CHUNK - 1) / CREDO_EV_CHUNK);
}

/* Keeps an input of near unit i for the exact path. */
static int
pend (credo_ev_part *P, uint32_t i, double off, double w, size_t syn)
{
  if (P->n_pend == P->cap_pend)
    {
      size_t c = P->cap_pend ? 2 * P->cap_pend : 64;
      credo_ev_input *in = realloc (P->pend, c * sizeof *in);
      if (!in)
        return CREDO_ENOMEM;
      P->pend = in;
      P->cap_pend = c;
    }
  P->pend[P->n_pend++] = (credo_ev_input){ off, w, (uint32_t) syn, i };
  return 0;
}

int
credo__ev_pop_deliver (credo_ev_pop *P, credo_ev_part *part, double *y,
                       size_t syn, double off, const uint32_t *post,
                       const double *w, double w_all, size_t j0, size_t j1)
{
  size_t n = P->n, o = P->sp->offset;
  double s = P->h - off, a = exp (-s / P->tau[syn]), b = resp (P, syn, s);
  double *v = y + o + (size_t) P->var_v * n;
  double *I = y + o + (size_t) P->var_i[syn] * n;
  const float *near = P->near;
  if (!w)
    {
      /* one weight: the same two numbers for every target */
      double dI = w_all * a, dv = w_all * b;
      for (size_t j = j0; j < j1; j++)
        {
          uint32_t i = post[j];
          if (near[i] == 1.0f)
            {
              /* the exact path takes it at its time */
              if (pend (part, i, off, w_all, syn))
                return CREDO_ENOMEM;
              continue;
            }
          I[i] += dI;
          if (near[i] == 0.0f)
            v[i] += dv; /* else refractory: v held all step */
        }
      return 0;
    }
  for (size_t j = j0; j < j1; j++)
    {
      uint32_t i = post[j];
      if (near[i] == 1.0f)
        {
          if (pend (part, i, off, w[j], syn))
            return CREDO_ENOMEM;
          continue;
        }
      I[i] += w[j] * a;
      if (near[i] == 0.0f)
        v[i] += w[j] * b;
    }
  return 0;
}

void
credo__ev_pop_candidates (const credo_ev_pop *P, credo_ev_part *part)
{
  size_t i0 = part->i0, i1 = part->i1, m = 0;
  if (P->sp->d->ode)
    {
      for (size_t i = i0; i < i1; i++)
        part->cand[m++] = (uint32_t) i; /* all: each its integrator */
      part->n_cand = m;
      return;
    }
  for (size_t i = i0; i < i1; i += CREDO_EV_CHUNK)
    {
      size_t end = i + CREDO_EV_CHUNK < i1 ? i + CREDO_EV_CHUNK : i1;
      if (!part->hot[(i - i0) / CREDO_EV_CHUNK])
        continue; /* most chunks hold none */
      for (size_t j = i; j < end; j++)
        if (P->near[j] == 1.0f)
          part->cand[m++] = (uint32_t) j;
    }
  part->n_cand = m;
}

/* ---- the exact path ------------------------------------------------------ */

/* One unit's trajectory from a piece's start. */
typedef struct traj
{
  const credo_ev_pop *P;
  double v, I[CREDO_EV_MAX_SYN]; /* at the piece's start */
  long *evals;
} traj;

/* The trajectory at s: v, and each monotone term of v - v_inf and of
 * dv/ds (0: the relaxation, 1 + k: current k), so that two points bound
 * the interval between them without more exponentials. */
typedef struct point
{
  double s, v, t[1 + CREDO_EV_MAX_SYN], d[1 + CREDO_EV_MAX_SYN];
} point;

static point
traj_at (const traj *x, double s)
{
  const credo_ev_pop *P = x->P;
  point q;
  double em = exp (-s / P->tau_m);
  q.s = s;
  q.t[0] = (x->v - P->v_inf) * em;
  q.d[0] = -q.t[0] / P->tau_m;
  q.v = P->v_inf + q.t[0];
  for (size_t k = 0; k < P->n_syn; k++)
    {
      double ek = exp (-s / P->tau[k]), r = resp_of (P, k, s, em, ek);
      q.t[1 + k] = x->I[k] * r;
      q.d[1 + k] = x->I[k] * (ek - r) / P->tau_m;
      q.v += q.t[1 + k];
    }
  (*x->evals)++;
  return q;
}

/* The same at s = 0, without exponentials. */
static point
traj_start (const traj *x)
{
  const credo_ev_pop *P = x->P;
  point q;
  q.s = 0;
  q.v = x->v;
  q.t[0] = x->v - P->v_inf;
  q.d[0] = -q.t[0] / P->tau_m;
  for (size_t k = 0; k < P->n_syn; k++)
    {
      q.t[1 + k] = 0;
      q.d[1 + k] = x->I[k] / P->tau_m;
    }
  return q;
}

static double
slope (const traj *x, const point *q)
{
  double d = 0;
  for (size_t k = 0; k <= x->P->n_syn; k++)
    d += q->d[k];
  return d;
}

/* The crossing in (lo, hi] of a v increasing there, v(lo) < th <= v(hi):
 * Newton steps kept inside the bracket, else bisection, to 1e-15 ms or
 * to where rounding in v decides (about 1e-14 ms at a slope of 1 mV/ms). */
static double
crossing (const traj *x, const point *a, const point *b)
{
  const credo_ev_pop *P = x->P;
  double th = P->v_th, lo = a->s, hi = b->s;
  double s = lo + (hi - lo) * (th - a->v) / (b->v - a->v);
  for (int it = 0; it < 200; it++)
    {
      point q = traj_at (x, s);
      double sn = s - (q.v - th) / slope (x, &q);
      if (q.v >= th)
        hi = s;
      else
        lo = s;
      if (!(sn >= lo && sn <= hi))
        sn = 0.5 * (lo + hi);
      /* done when the step is below 1e-15 ms or v's rounding decides it */
      if (fabs (sn - s) < 1e-15 || hi - lo < 1e-14
          || fabs (q.v - th) <= 4e-16 * (fabs (th) + fabs (P->v_inf)))
        return sn;
      s = sn;
    }
  return hi;
}

/* The first s in (a, b] with v(s) = th, given v(a) < th; -1 when there is
 * none.  Every term is monotone on [a, b]: the larger (smaller) end values
 * bound v from above and dv/ds from both sides. */
static double
first_crossing (const traj *x, const point *a, const point *b, int depth)
{
  const credo_ev_pop *P = x->P;
  double th = P->v_th, vmax = P->v_inf, dmin = 0, dmax = 0, r;
  point m;
  for (size_t k = 0; k <= P->n_syn; k++)
    {
      vmax += max2 (a->t[k], b->t[k]);
      dmin += a->d[k] < b->d[k] ? a->d[k] : b->d[k];
      dmax += max2 (a->d[k], b->d[k]);
    }
  if (b->v >= th && (dmin > 0 || depth > 60))
    return crossing (x, a, b);
  if (b->v < th && (vmax < th || dmin >= 0 || dmax <= 0 || depth > 60))
    return -1; /* below, rising to b or falling from a: no crossing */
  m = traj_at (x, 0.5 * (a->s + b->s));
  if ((r = first_crossing (x, a, &m, depth + 1)) >= 0 || m.v >= th)
    return r;
  return first_crossing (x, &m, b, depth + 1);
}

/* Moves the trajectory's start by d (refractory: v held). */
static void
traj_advance (traj *x, double d, int refractory)
{
  const credo_ev_pop *P = x->P;
  if (!refractory)
    x->v = traj_at (x, d).v;
  for (size_t k = 0; k < P->n_syn; k++)
    x->I[k] *= exp (-d / P->tau[k]);
}

size_t
credo__ev_unit_exact (credo_ev_pop *P, size_t i, double *y, long long k,
                      const credo_ev_input *in, size_t n_in, double *spk)
{
  size_t n = P->n, off = P->sp->offset, e = 0, n_spk = 0;
  double s = 0, h = P->h, r_end = 0;
  int refr = P->ref_step[i] == (double) k && P->ref_off[i] > 0;
  traj x;
  x.P = P;
  x.evals = &P->n_evals;
  x.v = y[off + (size_t) P->var_v * n + i];
  for (size_t q = 0; q < P->n_syn; q++)
    x.I[q] = y[off + (size_t) P->var_i[q] * n + i];
  if (refr)
    r_end = P->ref_off[i];
  P->n_exact++;
  for (;;)
    {
      double next = h;
      int kind = 0; /* 0: the step's end, 1: an input, 2: refractory end */
      if (e < n_in && in[e].off < next)
        next = in[e].off, kind = 1;
      if (refr && r_end <= next)
        next = r_end, kind = 2;
      if (!refr)
        {
          double t_spk = -1;
          if (x.v >= P->v_th)
            t_spk = 0;
          else if (next > s)
            {
              point a = traj_start (&x), b = traj_at (&x, next - s);
              t_spk = first_crossing (&x, &a, &b, 0);
            }
          if (t_spk >= 0)
            {
              if (n_spk == CREDO_EV_MAX_SPK_STEP)
                return (size_t) -1;
              traj_advance (&x, t_spk, 1);
              s += t_spk;
              x.v = P->v_reset;
              spk[n_spk++] = s;
              refr = 1;
              r_end = s + (double) P->tref_steps * h + P->tref_off;
              /* the exact end, as (step, offset) */
              {
                double o = s + P->tref_off;
                long long c = (long long) floor (o / h);
                P->ref_step[i] = (double) (k + P->tref_steps + c);
                P->ref_off[i] = o - (double) c * h;
              }
              continue;
            }
        }
      traj_advance (&x, next - s, refr);
      s = next;
      if (kind == 0)
        break;
      if (kind == 1)
        x.I[in[e].syn] += in[e].w, e++;
      else
        refr = 0;
    }
  y[off + (size_t) P->var_v * n + i] = refr ? P->v_reset : x.v;
  for (size_t q = 0; q < P->n_syn; q++)
    y[off + (size_t) P->var_i[q] * n + i] = x.I[q];
  return n_spk;
}
