/* src/net/stimulus.c -- evaluating stimuli and listing their discontinuities.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A stimulus is active on [start, stop) and gives 0 elsewhere; every value
 * is right-continuous in t, so at a break time the new value applies.  The
 * engine integrates between breaks and restarts at each one.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "net/net.h"

/* Index of the last row with times[k] <= t, or -1 when t < times[0]. */
static long
last_row_at (const double *times, size_t n, double t)
{
  size_t lo = 0, hi = n; /* answer in [lo - 1, hi - 1] */
  if (n == 0 || t < times[0])
    return -1;
  while (hi - lo > 1)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (times[mid] <= t)
        lo = mid;
      else
        hi = mid;
    }
  return (long) lo;
}

/* Dataset stimuli: the k-th switch time, as every caller rounds it. */
static double
switch_time (const credo_stim_spec *s, long k)
{
  return s->start + (double) k * s->t_pres;
}

/* Dataset stimuli: the presentation under way at t >= start, i.e. the
 * largest k with switch_time (k) <= t.  O(1): the quotient can be one off
 * from the rounded switch times, which the two loops fix, so that at an
 * exact switch time the new sample applies. */
static long
dataset_sample (const credo_stim_spec *s, double t)
{
  double x = floor ((t - s->start) / s->t_pres);
  long k;
  if (!(x >= 0))
    x = 0;
  if (x > (double) (LONG_MAX / 2))
    x = (double) (LONG_MAX / 2);
  k = (long) x;
  while (k > 0 && switch_time (s, k) > t)
    k--;
  while (k < LONG_MAX / 2 && switch_time (s, k + 1) <= t)
    k++;
  return k;
}

/* Index of the first row with times[k] > t (n when none). */
static size_t
first_row_after (const double *times, size_t n, double t)
{
  return (size_t) (last_row_at (times, n, t) + 1);
}

void
credo__stim_add (const credo_stim_spec *s, double t, double tp, double *out)
{
  size_t n = s->n;
  if (!(tp >= s->start && tp < s->stop))
    return;
  switch (s->kind)
    {
    case CREDO_STIM_CONSTANT:
      for (size_t i = 0; i < n; i++)
        out[i] += s->value[i];
      break;
    case CREDO_STIM_SINE:
      {
        double x = sin (2 * M_PI * (t - s->start) / s->period + s->phase);
        for (size_t i = 0; i < n; i++)
          out[i] += s->offset[i] + s->amplitude[i] * x;
      }
      break;
    case CREDO_STIM_TABLE:
      {
        long k = last_row_at (s->times, s->n_rows, tp);
        const double *a, *b;
        double w;
        if (k < 0)
          break;
        a = s->values + (size_t) k * n;
        if (!s->interpolate || (size_t) k + 1 >= s->n_rows)
          {
            for (size_t i = 0; i < n; i++)
              out[i] += a[i];
            break;
          }
        b = a + n;
        w = (t - s->times[k]) / (s->times[k + 1] - s->times[k]);
        for (size_t i = 0; i < n; i++)
          out[i] += a[i] + w * (b[i] - a[i]);
      }
      break;
    case CREDO_STIM_DATASET:
      {
        long k = dataset_sample (s, tp);
        const double *a;
        if (!s->repeat && (size_t) k >= s->n_rows)
          break; /* past the last sample */
        a = s->values + ((size_t) k % s->n_rows) * n;
        for (size_t i = 0; i < n; i++)
          out[i] += a[i];
      }
      break;
    }
}

double
credo__stim_value (const credo_stim_spec *s, double t, size_t i)
{
  if (!(t >= s->start && t < s->stop))
    return 0;
  switch (s->kind)
    {
    case CREDO_STIM_CONSTANT:
      return s->value[i];
    case CREDO_STIM_SINE:
      return s->offset[i]
             + s->amplitude[i]
                   * sin (2 * M_PI * (t - s->start) / s->period + s->phase);
    case CREDO_STIM_TABLE:
      {
        long k = last_row_at (s->times, s->n_rows, t);
        const double *a = s->values + (size_t) (k < 0 ? 0 : k) * s->n + i;
        if (k < 0)
          return 0;
        if (!s->interpolate || (size_t) k + 1 >= s->n_rows)
          return a[0];
        return a[0] + (t - s->times[k]) / (s->times[k + 1] - s->times[k])
                          * (a[s->n] - a[0]);
      }
    case CREDO_STIM_DATASET:
      {
        long k = dataset_sample (s, t);
        if (!s->repeat && (size_t) k >= s->n_rows)
          return 0;
        return s->values[((size_t) k % s->n_rows) * s->n + i];
      }
    }
  return 0;
}

double
credo__stim_max (const credo_stim_spec *s, size_t i)
{
  double m = 0; /* outside its window a stimulus gives 0 */
  switch (s->kind)
    {
    case CREDO_STIM_CONSTANT:
      m = fmax (m, s->value[i]);
      break;
    case CREDO_STIM_SINE:
      m = fmax (m, s->offset[i] + fabs (s->amplitude[i]));
      break;
    case CREDO_STIM_TABLE:
    case CREDO_STIM_DATASET:
      /* linear interpolation stays between its rows */
      for (size_t k = 0; k < s->n_rows; k++)
        m = fmax (m, s->values[k * s->n + i]);
      break;
    }
  return m;
}

int
credo__times_push (double t, double **times, size_t *n, size_t *cap)
{
  if (*n == *cap)
    {
      size_t ncap = *cap ? 2 * *cap : 16;
      double *nt = realloc (*times, ncap * sizeof *nt);
      if (!nt)
        return CREDO_ENOMEM;
      *times = nt;
      *cap = ncap;
    }
  (*times)[(*n)++] = t;
  return 0;
}

/* Dataset stimuli: the switch times start + k t_pres (k >= 1; without
 * repeat up to k = n_rows, where the stimulus drops to 0) in (lo, hi). */
static int
dataset_breaks (const credo_stim_spec *s, double lo, double hi,
                double **times, size_t *n, size_t *cap)
{
  double prev = lo;
  int rc;
  if (!(hi > lo))
    return 0;
  if (s->repeat && !isfinite (hi))
    return CREDO_EINVAL; /* infinitely many switches */
  for (long k = dataset_sample (s, lo) + 1;; k++)
    {
      double tk = switch_time (s, k);
      if ((!s->repeat && (size_t) k > s->n_rows) || !(tk < hi))
        break;
      if (tk > prev && (rc = credo__times_push (tk, times, n, cap)))
        return rc;
      prev = tk > prev ? tk : prev;
    }
  return 0;
}

/* Appends, in increasing order and without repeats, the times in the open
 * interval (t0, t1) where the stimulus jumps or its derivative does: start,
 * stop, for tables every row time inside the active window (a held table
 * jumps there, a linear one changes slope), and for datasets every switch
 * from one sample to the next (a long run has many: t1 / t_pres).  Returns
 * 0, CREDO_ENOMEM, or CREDO_EINVAL for a repeating dataset that is active
 * up to t1 = infinity. */
int
credo__stim_breaks (const credo_stim_spec *s, double t0, double t1,
                    double **times, size_t *n, size_t *cap)
{
  double lo = t0 > s->start ? t0 : s->start; /* rows strictly after lo */
  double hi = t1 < s->stop ? t1 : s->stop;   /* and strictly before hi */
  int rc;
  if (s->start > t0 && s->start < t1 && (rc = credo__times_push (s->start, times, n, cap)))
    return rc;
  if (s->kind == CREDO_STIM_TABLE)
    for (size_t k = first_row_after (s->times, s->n_rows, lo);
         k < s->n_rows && s->times[k] < hi; k++)
      if ((rc = credo__times_push (s->times[k], times, n, cap)))
        return rc;
  if (s->kind == CREDO_STIM_DATASET
      && (rc = dataset_breaks (s, lo, hi, times, n, cap)))
    return rc;
  if (s->stop > t0 && s->stop < t1 && (rc = credo__times_push (s->stop, times, n, cap)))
    return rc;
  return 0;
}
