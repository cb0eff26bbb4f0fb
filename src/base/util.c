/* src/base/util.c -- small helpers: checked allocation, strings, hints,
 * clocks, output paths.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* ---- output paths ------------------------------------------------------ */

static const char *
file_kind (mode_t m)
{
  return S_ISDIR (m)                    ? "a directory"
         : S_ISCHR (m) || S_ISBLK (m) ? "a device"
         : S_ISFIFO (m)                 ? "a fifo"
         : S_ISSOCK (m)                 ? "a socket"
         : S_ISLNK (m)                  ? "a symbolic link"
                                        : "not a regular file";
}

/* PATH is absent or a regular file; `follow`: through a symbolic link
 * (PATH itself is replaced by a rename, PATH.part is opened and written, so
 * a link there could redirect the writes). */
static int
check_dest (credo_ctx *ctx, const char *out, const char *path, int follow)
{
  struct stat sb;
  if ((follow ? stat (path, &sb) : lstat (path, &sb)) == 0)
    return S_ISREG (sb.st_mode)
               ? 0
               : credo__error (ctx, CREDO_ECONFIG,
                               "%s: %s is %s (it must be a regular file "
                               "or absent)", out,
                               path == out ? "the output" : path,
                               file_kind (sb.st_mode));
  if (errno != ENOENT)
    return credo__error (ctx, CREDO_ECONFIG, "%s: cannot use as output: %s",
                         path, strerror (errno));
  return 0;
}

int
credo__check_output_path (credo_ctx *ctx, const char *path)
{
  size_t len = strlen (path);
  const char *slash = strrchr (path, '/');
  char *buf = malloc (len + sizeof ".part");
  struct stat sb;
  int rc;
  if (!buf)
    return credo__error (ctx, CREDO_ENOMEM, "out of memory");
  if (!*path)
    rc = credo__error (ctx, CREDO_ECONFIG, "the output path is empty");
  else if (!(rc = check_dest (ctx, path, path, 1)))
    {
      memcpy (buf, path, len);
      strcpy (buf + len, ".part");
      rc = check_dest (ctx, path, buf, 0);
    }
  if (!rc)
    {
      /* the directory: "/" for "/x", "." for "x" */
      size_t dl = slash ? (size_t) (slash - path) : 0;
      if (slash && dl == 0)
        dl = 1;
      memcpy (buf, slash ? path : ".", slash ? dl : 1);
      buf[slash ? dl : 1] = '\0';
      if (stat (buf, &sb) != 0)
        rc = credo__error (ctx, CREDO_ECONFIG,
                           "%s: cannot create the output: directory %s: %s",
                           path, buf, strerror (errno));
      else if (!S_ISDIR (sb.st_mode))
        rc = credo__error (ctx, CREDO_ECONFIG, "%s: cannot create the output: "
                           "%s is not a directory", path, buf);
      else if (access (buf, W_OK | X_OK) != 0)
        rc = credo__error (ctx, CREDO_ECONFIG, "%s: cannot create the output: "
                           "directory %s is not writable", path, buf);
    }
  free (buf);
  return rc;
}
