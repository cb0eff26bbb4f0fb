/* src/stimulus.c -- evaluating stimuli and listing their discontinuities.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A stimulus is active on [start, stop) and gives 0 elsewhere; every value
 * is right-continuous in t, so at a break time the new value applies.  The
 * engine integrates between breaks and restarts at each one.
 */
#include <math.h>
#include <stdlib.h>

#include "credo_impl.h"

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

/* Index of the first row with times[k] > t (n when none). */
static size_t
first_row_after (const double *times, size_t n, double t)
{
  return (size_t) (last_row_at (times, n, t) + 1);
}

void
credo__stim_add (const credo_stim_spec *s, double t, double *out)
{
  size_t n = s->n;
  if (!(t >= s->start && t < s->stop))
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
        long k = last_row_at (s->times, s->n_rows, t);
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
    }
}

static int
push (double t, double **times, size_t *n, size_t *cap)
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

/* Appends, in increasing order and without repeats, the times in the open
 * interval (t0, t1) where the stimulus jumps or its derivative does: start,
 * stop, and for tables every row time inside the active window (a held
 * table jumps there, a linear one changes slope).  Returns 0 or
 * CREDO_ENOMEM. */
int
credo__stim_breaks (const credo_stim_spec *s, double t0, double t1,
                    double **times, size_t *n, size_t *cap)
{
  double lo = t0 > s->start ? t0 : s->start; /* rows strictly after lo */
  double hi = t1 < s->stop ? t1 : s->stop;   /* and strictly before hi */
  int rc;
  if (s->start > t0 && s->start < t1 && (rc = push (s->start, times, n, cap)))
    return rc;
  if (s->kind == CREDO_STIM_TABLE)
    for (size_t k = first_row_after (s->times, s->n_rows, lo);
         k < s->n_rows && s->times[k] < hi; k++)
      if ((rc = push (s->times[k], times, n, cap)))
        return rc;
  if (s->stop > t0 && s->stop < t1 && (rc = push (s->stop, times, n, cap)))
    return rc;
  return 0;
}
