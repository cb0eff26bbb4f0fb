/* src/base/util.c -- small helpers: checked allocation, strings, hints, clocks.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"

void *
credo__calloc (size_t n, size_t size)
{
  if (size && n > SIZE_MAX / size)
    return NULL;
  return calloc (n ? n : 1, size ? size : 1);
}

char *
credo__strdup (const char *s)
{
  size_t len;
  char *d;
  if (!s)
    return NULL;
  len = strlen (s) + 1;
  d = malloc (len);
  if (d)
    memcpy (d, s, len);
  return d;
}

/* Optimal string alignment distance: like the edit distance, but swapping
 * two adjacent letters ("bfd" for "bdf") is one edit, not two.  Words here
 * are short: longer than 64 letters counts as far (1000). */
int
credo__edit_distance (const char *a, const char *b)
{
  int d[65][65];
  size_t la = strlen (a), lb = strlen (b);
  if (la > 64 || lb > 64)
    return 1000;
  for (size_t i = 0; i <= la; i++)
    d[i][0] = (int) i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = (int) j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++)
      {
        int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
        int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
        int best = sub < del ? sub : del;
        if (ins < best)
          best = ins;
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
            && d[i - 2][j - 2] + 1 < best)
          best = d[i - 2][j - 2] + 1;
        d[i][j] = best;
      }
  return d[la][lb];
}

/* The candidate nearest by credo__edit_distance (the first of equals)
 * within one edit per three letters, rounded to nearest (at least 1, at
 * most 3): typing errors such as "rtae", "inptu" or "sinus" get a hint. */
const char *
credo__closest (const char *word, const char *const *cands, size_t n)
{
  const char *best = NULL;
  size_t len = strlen (word);
  int limit = (int) ((len + 1) / 3), best_d = 1000;
  if (limit < 1)
    limit = 1;
  if (limit > 3)
    limit = 3;
  for (size_t i = 0; i < n; i++)
    {
      int d = cands[i] ? credo__edit_distance (word, cands[i]) : 1000;
      if (d < best_d)
        {
          best_d = d;
          best = cands[i];
        }
    }
  return best_d <= limit ? best : NULL;
}

double
credo__wall_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

const char *
credo__loc_str (const credo_loc *loc, char *buf, size_t len)
{
  if (loc->line > 0)
    snprintf (buf, len, "%s:%d", loc->file, loc->line);
  else
    snprintf (buf, len, "%s", loc->file ? loc->file : "?");
  return buf;
}

double
credo__grid_time (double start, double every, unsigned long long k)
{
  return start + (double) k * every;
}

unsigned long long
credo__grid_first_at (double start, double every, double t)
{
  double q = ceil ((t - start) / every);
  unsigned long long k = q > 0 ? (unsigned long long) q : 0;
  while (credo__grid_time (start, every, k) < t)
    k++;
  while (k > 0 && credo__grid_time (start, every, k - 1) >= t)
    k--;
  return k;
}

unsigned long long
credo__grid_count (double start, double every, double stop, double max)
{
  double q;
  unsigned long long k;
  if (!(every > 0) || !(start <= stop))
    return 0;
  q = floor ((stop - start) / every);
  if (!(q >= 0 && q <= max))
    return 0;
  k = (unsigned long long) q;
  while (credo__grid_time (start, every, k + 1) <= stop)
    k++;
  while (k > 0 && credo__grid_time (start, every, k) > stop)
    k--;
  return k + 1;
}
