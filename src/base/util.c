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

/* Levenshtein distance with a two-row table; words here are short. */
int
credo__edit_distance (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b), i, j;
  int *prev, *cur, d;
  if (la > 64 || lb > 64)
    return 1000;
  prev = malloc ((lb + 1) * sizeof *prev);
  cur = malloc ((lb + 1) * sizeof *cur);
  if (!prev || !cur)
    {
      free (prev);
      free (cur);
      return 1000;
    }
  for (j = 0; j <= lb; j++)
    prev[j] = (int) j;
  for (i = 1; i <= la; i++)
    {
      cur[0] = (int) i;
      for (j = 1; j <= lb; j++)
        {
          int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
          int del = prev[j] + 1, ins = cur[j - 1] + 1;
          cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
      memcpy (prev, cur, (lb + 1) * sizeof *prev);
    }
  d = prev[lb];
  free (prev);
  free (cur);
  return d;
}

const char *
credo__closest (const char *word, const char *const *cands, size_t n)
{
  const char *best = NULL;
  int best_d = 1000;
  size_t i, len = strlen (word);
  /* allow one edit per three letters, at least one, at most three */
  int limit = (int) (len / 3) < 1 ? 1 : (len / 3 > 3 ? 3 : (int) (len / 3));
  for (i = 0; i < n; i++)
    {
      int d;
      if (!cands[i])
        continue;
      d = credo__edit_distance (word, cands[i]);
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
