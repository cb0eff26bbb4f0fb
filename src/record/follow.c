/* src/record/follow.c -- reading a file that may still be written:
 * opening it as a SWMR reader, its /progress (live.c), and `credo info
 * --follow`, which watches a run until it ends.  Also the attribute readers
 * that info.c shares.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "record/record_impl.h"

/* ---- reading attributes and opening ----------------------------------- */

/* The string attribute `name` of object `obj` under loc (fixed or
 * variable length), newly allocated; NULL when absent or not a string. */
char *
credo__h5_read_str (hid_t loc, const char *obj, const char *name)
{
  hid_t a = H5I_INVALID_HID, ft = H5I_INVALID_HID, mt = H5I_INVALID_HID;
  hid_t space = H5I_INVALID_HID;
  char *s = NULL;

  if (H5Aexists_by_name (loc, obj, name, H5P_DEFAULT) <= 0)
    return NULL;
  a = H5Aopen_by_name (loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0)
    return NULL;
  ft = H5Aget_type (a);
  space = H5Aget_space (a);
  if (ft < 0 || space < 0 || H5Tget_class (ft) != H5T_STRING
      || H5Sget_simple_extent_npoints (space) != 1)
    goto out;
  /* read in the stored type: HDF5 does not convert between ASCII and
   * UTF-8 strings */
  mt = H5Tcopy (ft);
  if (mt < 0)
    goto out;
  if (H5Tis_variable_str (ft) > 0)
    {
      char *vl = NULL;
      if (H5Aread (a, mt, &vl) >= 0)
        {
          s = credo__strdup (vl ? vl : "");
          H5Dvlen_reclaim (mt, space, H5P_DEFAULT, &vl);
        }
    }
  else
    {
      size_t size = H5Tget_size (ft);
      s = size ? malloc (size + 1) : NULL;
      if (s && H5Aread (a, mt, s) < 0)
        {
          free (s);
          s = NULL;
        }
      if (s)
        s[size] = '\0';
    }

out:
  if (mt >= 0)
    H5Tclose (mt);
  if (ft >= 0)
    H5Tclose (ft);
  if (space >= 0)
    H5Sclose (space);
  H5Aclose (a);
  return s;
}

/* A one-element numeric attribute converted to `mtype`; 0 or -1. */
int
credo__h5_read_num (hid_t loc, const char *obj, const char *name, hid_t mtype,
             void *v)
{
  hid_t a, space, ft;
  int rc = -1;
  if (H5Aexists_by_name (loc, obj, name, H5P_DEFAULT) <= 0)
    return -1;
  a = H5Aopen_by_name (loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0)
    return -1;
  space = H5Aget_space (a);
  ft = H5Aget_type (a);
  if (space >= 0 && ft >= 0 && H5Sget_simple_extent_npoints (space) == 1
      && (H5Tget_class (ft) == H5T_INTEGER || H5Tget_class (ft) == H5T_FLOAT)
      && H5Aread (a, mtype, v) >= 0)
    rc = 0;
  if (ft >= 0)
    H5Tclose (ft);
  if (space >= 0)
    H5Sclose (space);
  H5Aclose (a);
  return rc;
}

/* Opens `path` read-only, telling a missing file from a non-HDF5 one; a
 * file being written (or left by a killed run) is opened as a SWMR
 * reader. */
int
credo__h5_open_read (credo_ctx *ctx, const char *path, hid_t *file)
{
  struct stat st;
  hid_t fapl;

  *file = H5I_INVALID_HID;
  if (stat (path, &st) != 0)
    return credo__error (ctx, CREDO_ECONFIG, "%s: cannot open: %s", path,
                         strerror (errno));
  if (H5Fis_hdf5 (path) <= 0)
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: not a credo output file (not HDF5)", path);
  fapl = H5Pcreate (H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fclose_degree (fapl, H5F_CLOSE_STRONG) >= 0)
    {
      *file = H5Fopen (path, H5F_ACC_RDONLY, fapl);
      if (*file < 0)
        *file = H5Fopen (path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
    }
  if (fapl >= 0)
    H5Pclose (fapl);
  if (*file < 0)
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: cannot open as HDF5 (written without SWMR? h5clear -s may help)", path);
  return 0;
}

/* ---- /progress ---------------------------------------------------------- */

typedef struct progress
{
  double t_complete, wall;
  unsigned long long flushes;
  char state[CREDO_REC_STATE_LEN + 1];
} progress;

/* A scalar data set of /progress read as mtype into v; 0 or -1. */
static int
read_scalar (hid_t file, const char *name, hid_t mtype, void *v)
{
  hid_t d = H5Dopen2 (file, name, H5P_DEFAULT);
  int rc = d >= 0 && H5Dread (d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0
               ? 0 : -1;
  if (d >= 0)
    H5Dclose (d);
  return rc;
}

/* The /progress of an open file; -1 when it has none (an older file). */
static int
read_progress (hid_t file, progress *pr)
{
  hid_t t = H5Tcopy (H5T_C_S1);
  int rc = -1;
  memset (pr, 0, sizeof *pr);
  if (t >= 0 && H5Tset_size (t, CREDO_REC_STATE_LEN) >= 0
      && H5Lexists (file, "progress", H5P_DEFAULT) > 0
      && read_scalar (file, "progress/t_complete", H5T_NATIVE_DOUBLE,
                      &pr->t_complete) == 0
      && read_scalar (file, "progress/flushes", H5T_NATIVE_ULLONG,
                      &pr->flushes) == 0
      && read_scalar (file, "progress/wall_seconds", H5T_NATIVE_DOUBLE,
                      &pr->wall) == 0
      && read_scalar (file, "progress/state", t, pr->state) == 0)
    rc = 0;
  pr->state[CREDO_REC_STATE_LEN] = '\0';
  if (t >= 0)
    H5Tclose (t);
  return rc;
}

/* "t = 12 ms" or "no sample" */
static void
complete_text (double t, char *buf, size_t size)
{
  if (isnan (t))
    snprintf (buf, size, "no sample yet");
  else
    snprintf (buf, size, "t = %g ms", t);
}

void
credo__info_progress (FILE *out, hid_t file)
{
  progress pr;
  char upto[64];
  if (read_progress (file, &pr) < 0)
    return;
  complete_text (pr.t_complete, upto, sizeof upto);
  fprintf (out, "%-16scomplete up to %s (%llu flushes in %.3g s), %s\n",
           "progress", upto, pr.flushes, pr.wall, pr.state);
}

/* ---- credo info --follow ---------------------------------------------- */

static int
exists (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0;
}

static void
nap (double seconds)
{
  struct timespec ts;
  ts.tv_sec = (time_t) seconds;
  ts.tv_nsec = (long) ((seconds - (double) ts.tv_sec) * 1e9);
  nanosleep (&ts, NULL);
}

/* One look at the file being written: its progress, the run's duration
 * and how often it flushes; -1 when it cannot be read now. */
static int
look (const char *part, progress *pr, double *duration, double *every)
{
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS), f = H5I_INVALID_HID;
  int rc = -1;
  if (fapl >= 0)
    f = H5Fopen (part, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
  if (fapl >= 0)
    H5Pclose (fapl);
  if (f < 0)
    return -1;
  rc = read_progress (f, pr);
  if (credo__h5_read_num (f, ".", "duration", H5T_NATIVE_DOUBLE, duration)
      < 0)
    *duration = NAN;
  if (credo__h5_read_num (f, ".", "flush_every", H5T_NATIVE_DOUBLE, every)
      < 0)
    *every = 10;
  H5Fclose (f);
  return rc;
}

/* The end: the finished file's status. */
static int
finished (credo_ctx *ctx, const char *path, FILE *out)
{
  hid_t f;
  char *status;
  int rc;
  if ((rc = credo__h5_open_read (ctx, path, &f)))
    return rc;
  status = credo__h5_read_str (f, ".", "status");
  H5Fclose (f);
  fprintf (out, "finished: %s\n", status ? status : "(no status)");
  fflush (out);
  rc = status && !strcmp (status, "ok")
           ? 0
           : credo__error (ctx, CREDO_EIO, "%s: the run failed: %s", path,
                           status ? status : "no status");
  free (status);
  return rc;
}

int
credo_file_follow (credo_ctx *ctx, const char *path, FILE *out,
                   double interval)
{
  size_t len;
  char *base, *part;
  unsigned long long seen = 0;
  double last_change = credo__wall_seconds ();
  int rc = CREDO_OK, started = 0;

  if (!path || !out || !(interval > 0))
    return credo__error (ctx, CREDO_EINVAL,
                         "credo_file_follow: missing argument");
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  len = strlen (path);
  base = credo__strdup (path);
  part = malloc (len + sizeof ".part");
  if (!base || !part)
    {
      free (base);
      free (part);
      return credo__error (ctx, CREDO_ENOMEM, "out of memory");
    }
  /* OUT.h5 or OUT.h5.part: the run writes the latter, renames it at the
   * end */
  if (len > 5 && !strcmp (path + len - 5, ".part"))
    base[len - 5] = '\0';
  snprintf (part, len + sizeof ".part", "%s.part", base);
  for (;;)
    {
      progress pr;
      double duration, every;
      if (!exists (part))
        {
          if (exists (base))
            rc = finished (ctx, base, out);
          else
            rc = credo__error (ctx, started ? CREDO_EIO : CREDO_ECONFIG,
                               "%s: %s (nor %s)",
                               started ? "the run's file went away"
                                       : "no such file",
                               base, part);
          break;
        }
      started = 1;
      if (look (part, &pr, &duration, &every) == 0 && pr.flushes != seen)
        {
          char upto[64];
          seen = pr.flushes;
          last_change = credo__wall_seconds ();
          complete_text (pr.t_complete, upto, sizeof upto);
          if (isfinite (duration) && duration > 0 && !isnan (pr.t_complete))
            fprintf (out, "complete up to %s of %g ms (%.1f %%), %s\n", upto,
                     duration, 100 * pr.t_complete / duration, pr.state);
          else
            fprintf (out, "complete up to %s, %s\n", upto, pr.state);
          fflush (out);
          if (strcmp (pr.state, "running") != 0 && !exists (base))
            {
              /* a write failure: the run ended, its file stays .part */
              rc = credo__error (ctx, CREDO_EIO, "%s: %s", part, pr.state);
              break;
            }
        }
      else if (credo__wall_seconds () - last_change > 10 * every + 5)
        {
          rc = credo__error (ctx, CREDO_EIO,
                             "%s: no flush for %.0f s (the run flushes "
                             "every %g s): it seems to have been killed",
                             part, credo__wall_seconds () - last_change,
                             every);
          break;
        }
      nap (interval);
    }
  free (base);
  free (part);
  return rc;
}
