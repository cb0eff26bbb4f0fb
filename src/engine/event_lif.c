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
 *   R_k(s) = e^{-s/tau_m} expm1(s delta_k) / (tau_m delta_k),
 *   delta_k = 1/tau_m - 1/tau_k,
 (expm1 keeps R_k exact also as tau_k -> tau_m, where R_k(s) =
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

/* v's response after s to a unit current of time constant index k. */
static inline double
resp (const credo_ev_pop *P, size_t k, double s)
{
  double d = P->delta[k];
  return exp (-s / P->tau_m) * (d == 0 ? s : expm1 (s * d) / d) / P->tau_m;
}

/* Its slope: tau_m R' = e^{-s/tau_k} - R. */
static inline double
resp_slope (const credo_ev_pop *P, size_t k, double s)
{
  return (exp (-s / P->tau[k]) - resp (P, k, s)) / P->tau_m;
}

int
credo__ev_pop_init (credo_ev_pop *P, const credo_spk_pop *sp, double h,
                    char *msg, size_t len)
{
  const credo_spiking_desc *d = sp->d;
  const double *p = sp->p;
  double t_ref = p[d->p_t_ref];
  size_t n = sp->n;
  memset (P, 0, sizeof *P);
  P->sp = sp;
  P->n = n;
  P->h = h;
  if (d->source)
    return 0;
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
      if (!(P->acc[k] = credo__calloc (n, sizeof (double))))
        goto nomem;
    }
  P->vpos = credo__calloc (n, sizeof (double));
  P->vneg = credo__calloc (n, sizeof (double));
  P->scratch = credo__calloc (n, sizeof (double));
  P->ref_off = credo__calloc (n, sizeof (double));
  P->ref_step = credo__calloc (n, sizeof (long long));
  P->cand = credo__calloc (n, sizeof (uint32_t));
  if (P->vpos && P->vneg && P->scratch && P->ref_off && P->ref_step
      && P->cand)
    {
      for (size_t i = 0; i < n; i++)
        P->ref_step[i] = -1; /* not refractory */
      return 0;
    }
nomem:
  snprintf (msg, len, "out of memory");
  return -1;
}

void
credo__ev_pop_free (credo_ev_pop *P)
{
  for (size_t k = 0; k < CREDO_EV_MAX_SYN; k++)
    free (P->acc[k]);
  free (P->vpos);
  free (P->vneg);
  free (P->scratch);
  free (P->ref_off);
  free (P->ref_step);
  free (P->cand);
}

void
credo__ev_pop_deliver (credo_ev_pop *P, size_t syn, int sign, double off,
                       const uint32_t *post, const double *w, size_t k0,
                       size_t k1)
{
  double s = P->h - off, a = exp (-s / P->tau[syn]), b = resp (P, syn, s);
  double *acc = P->acc[syn];
  double *vs = sign >= 0 ? P->vpos : P->vneg;
  if (sign != 0)
    {
      /* one sign: one add per synapse into each of two arrays */
      for (size_t k = k0; k < k1; k++)
        {
          acc[post[k]] += w[k] * a;
          vs[post[k]] += w[k] * b;
        }
      return;
    }
  for (size_t k = k0; k < k1; k++)
    {
      acc[post[k]] += w[k] * a;
      (w[k] > 0 ? P->vpos : P->vneg)[post[k]] += w[k] * b;
    }
}

void
credo__ev_pop_bulk (credo_ev_pop *P, const double *y0, double *y1,
                    long long k)
{
  size_t n = P->n, off = P->sp->offset;
  const double *v0 = y0 + off + (size_t) P->var_v * n;
  double *v1 = y1 + off + (size_t) P->var_v * n, *A = P->scratch;
  const double v_inf = P->v_inf, P_mm = P->P_mm;
  /* rounding may lower the bound by a few ulps: a margin keeps it strict */
  const double th = P->v_th - 1e-9 * (1 + fabs (P->v_th));
  double *vpos = P->vpos, *vneg = P->vneg;
  for (size_t i = 0; i < n; i++)
    {
      A[i] = v0[i] - v_inf;
      v1[i] = v_inf + A[i] * P_mm + vpos[i] + vneg[i];
    }
  /* the bound's current part goes to vneg (free after the line above):
   * I R_k(s) is monotone over the step, from 0 to I P_km */
  for (size_t i = 0; i < n; i++)
    vneg[i] = 0;
  for (size_t s = 0; s < P->n_syn; s++)
    {
      const double *I0 = y0 + off + (size_t) P->var_i[s] * n;
      double *I1 = y1 + off + (size_t) P->var_i[s] * n, *acc = P->acc[s];
      const double Pkm = P->P_km[s], Pkk = P->P_kk[s];
      for (size_t i = 0; i < n; i++)
        {
          double I = I0[i], dv = I * Pkm;
          v1[i] += dv;
          vneg[i] += fmax (dv, 0.0);
          I1[i] = I * Pkk + acc[i];
          acc[i] = 0;
        }
    }
  P->n_cand = 0;
  for (size_t i = 0; i < n; i++)
    {
      double ub = v_inf + fmax (A[i], A[i] * P_mm) + vneg[i] + vpos[i];
      long long rs = P->ref_step[i];
      vpos[i] = vneg[i] = 0;
      if (rs > k)
        v1[i] = P->v_reset; /* refractory through the whole step */
      else if (rs == k || ub >= th)
        P->cand[P->n_cand++] = (uint32_t) i;
    }
}

/* ---- the exact path ------------------------------------------------------ */

/* One unit's trajectory from a piece's start. */
typedef struct traj
{
  const credo_ev_pop *P;
  double v, I[CREDO_EV_MAX_SYN]; /* at the piece's start */
  long *evals;
} traj;

static double
traj_v (const traj *x, double s)
{
  const credo_ev_pop *P = x->P;
  double v = P->v_inf + (x->v - P->v_inf) * exp (-s / P->tau_m);
  for (size_t k = 0; k < P->n_syn; k++)
    v += x->I[k] * resp (P, k, s);
  (*x->evals)++;
  return v;
}

/* dv/ds at s, given v(s). */
static double
traj_dv (const traj *x, double s, double v)
{
  const credo_ev_pop *P = x->P;
  double d = P->v_inf - v;
  for (size_t k = 0; k < P->n_syn; k++)
    d += x->I[k] * exp (-s / P->tau[k]);
  return d / P->tau_m;
}

/* Upper bound on v and lower bound on dv/ds over [a, b] (inside a step,
 * where every term is monotone). */
static void
traj_bounds (const traj *x, double a, double b, double *vmax, double *dmin)
{
  const credo_ev_pop *P = x->P;
  double u = x->v - P->v_inf;
  double ea = u * exp (-a / P->tau_m), eb = u * exp (-b / P->tau_m);
  double ub = P->v_inf + fmax (ea, eb);
  double lb = -fmax (ea, eb) / P->tau_m;
  for (size_t k = 0; k < P->n_syn; k++)
    {
      double I = x->I[k];
      ub += fmax (I * resp (P, k, a), I * resp (P, k, b));
      lb += fmin (I * resp_slope (P, k, a), I * resp_slope (P, k, b));
    }
  *vmax = ub;
  *dmin = lb;
}

/* The crossing in (lo, hi] of a v increasing there, v(lo) < th <= v(hi):
 * Newton steps kept inside the bracket, else bisection, to a bracket of
 * 1e-14 ms. */
static double
crossing (const traj *x, double lo, double vlo, double hi, double vhi)
{
  double th = x->P->v_th;
  double s = lo + (hi - lo) * (th - vlo) / (vhi - vlo);
  for (int it = 0; it < 200; it++)
    {
      double v = traj_v (x, s), sn;
      if (v >= th)
        hi = s;
      else
        lo = s;
      sn = s - (v - th) / traj_dv (x, s, v);
      if (!(sn >= lo && sn <= hi))
        sn = 0.5 * (lo + hi);
      if (fabs (sn - s) < 1e-15 || hi - lo < 1e-14)
        return sn;
      s = sn;
    }
  return hi;
}

/* The first s in (a, b] with v(s) = th, given v(a) = va < th and
 * v(b) = vb; -1 when there is none. */
static double
first_crossing (const traj *x, double a, double va, double b, double vb,
                int depth)
{
  double th = x->P->v_th, vmax, dmin, m, vm, r;
  traj_bounds (x, a, b, &vmax, &dmin);
  if (vb < th && vmax < th)
    return -1;
  if (vb >= th && (dmin > 0 || depth > 60))
    return crossing (x, a, va, b, vb);
  if (depth > 60)
    return -1; /* a touch of the threshold below 1e-18 ms: no spike */
  m = 0.5 * (a + b);
  vm = traj_v (x, m);
  if ((r = first_crossing (x, a, va, m, vm, depth + 1)) >= 0 || vm >= th)
    return r;
  return first_crossing (x, m, vm, b, vb, depth + 1);
}

/* Moves the trajectory's start by d (refractory: v held). */
static void
traj_advance (traj *x, double d, int refractory)
{
  const credo_ev_pop *P = x->P;
  if (!refractory)
    x->v = traj_v (x, d);
  for (size_t k = 0; k < P->n_syn; k++)
    x->I[k] *= exp (-d / P->tau[k]);
}

size_t
credo__ev_unit_exact (credo_ev_pop *P, size_t i, const double *y0,
                      double *y1, long long k, const credo_ev_input *in,
                      size_t n_in, double *spk)
{
  size_t n = P->n, off = P->sp->offset, e = 0, n_spk = 0;
  double s = 0, h = P->h, r_end = 0;
  int refr = P->ref_step[i] == k && P->ref_off[i] > 0;
  traj x;
  x.P = P;
  x.evals = &P->n_evals;
  x.v = y0[off + (size_t) P->var_v * n + i];
  for (size_t q = 0; q < P->n_syn; q++)
    x.I[q] = y0[off + (size_t) P->var_i[q] * n + i];
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
              double r = first_crossing (&x, 0, x.v, next - s,
                                         traj_v (&x, next - s), 0);
              if (r >= 0)
                t_spk = r;
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
                P->ref_step[i] = k + P->tref_steps + c;
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
  y1[off + (size_t) P->var_v * n + i] = refr ? P->v_reset : x.v;
  for (size_t q = 0; q < P->n_syn; q++)
    y1[off + (size_t) P->var_i[q] * n + i] = x.I[q];
  return n_spk;
}
