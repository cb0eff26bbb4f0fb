/* src/record/recorder.c -- the HDF5 output file: run metadata, reports, solver stats.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * One file per run, written at PATH.part and renamed to PATH when closed, so
 * a file at PATH is always complete.  Layout:
 *
 *   /                         attributes: credo_version, config, seed, ...,
 *                             engine_kind ("cvode" or "euler"), dt (ms,
 *                             euler runs only),
 *                             flush_every, status ("running" until closed,
 *                             then "ok" or "failed: ..."), t_end
 *   /report/<pop>/<var>/      one SONATA report population per record entry;
 *                             attributes variable, kind, population, model,
 *                             start, stop, every (as requested, ms)
 *       data                  [time x units] float64 or float32, extendible;
 *                             attribute units (of the variable or port)
 *       mapping/node_ids      uint64 [units]: the recorded unit indices
 *       mapping/index_pointers uint64 [units + 1]: 0, 1, ..., units
 *       mapping/element_ids   uint32 [units]: zeros (one element per unit)
 *       mapping/time          double [3]: start, end, step (SONATA: the
 *                             frames are start + i*step for start + i*step
 *                             < end, so end = start + rows*step); reports
 *                             sampled at every step have end = start and
 *                             step 0
 *       mapping/timestamps    double [time]: the actual sample times
 *   /weights/                 weight snapshots (the config's `weights`
 *                             group); attributes every, start, stop (ms)
 *       <projection>/         attributes pre, post (population names),
 *                             pre_port, post_port, connectivity ("dense" or
 *                             "one_to_one"), rule (or "static")
 *           data              [snapshot x rows x cols] float64 or float32,
 *                             extendible; rows x cols = post x pre, or
 *                             post x 1 (the diagonal) for one-to-one
 *           times             double [snapshot]: start + k*every (ms)
 *   /solver/                  scalar datasets: CVODE counters, wall_seconds,
 *                             t_end (written at close)
 *   /progress/                t_complete, state, flushes, wall_seconds:
 *                             how much of the file is whole (live.c)
 *
 * String attributes are scalar variable-length UTF-8 strings, which h5py
 * reads as str and HighFive/libsonata as std::string.  Rows are buffered in
 * RAM one chunk at a time and appended as whole chunks; the file is written
 * as SWMR and flushed every spec->flush_seconds (output.flush_every) of wall
 * time so that readers can watch it and a killed run leaves everything up
 * to /progress/t_complete in PATH.part (live.c).  Weight snapshots are rare
 * and written straight through, one per projection and snapshot time.
 *
 * The recorder never sees the network: the run layer describes what each
 * record entry and weight snapshot reads (credo_rec_sources, record.h).
 *
 * This file: opening (the run attributes), sampling and closing.  The
 * reports are made and filled by reports.c, /weights and /learning by
 * learning.c; the HDF5 helpers and error reporting live in h5.c;
 * record_impl.h holds what they share.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sundials/sundials_config.h>
#include "record/record_impl.h"

/* "2026-01-31T14:05:09+01:00" */
static void
iso_now (char *buf, size_t size)
{
  time_t now = time (NULL);
  struct tm tm;
  size_t len;
  if (!localtime_r (&now, &tm)
      || (len = strftime (buf, size, "%Y-%m-%dT%H:%M:%S%z", &tm)) < 5
      || len + 2 > size)
    {
      snprintf (buf, size, "unknown");
      return;
    }
  /* %z gives +hhmm; ISO 8601 extended format wants +hh:mm */
  memmove (buf + len - 1, buf + len - 2, 3);
  buf[len - 2] = ':';
}

static int
write_root_attrs (credo_recorder *r, const credo_run_meta *meta)
{
  const credo_spec *s = r->spec;
  const char *method = s->solver.method == CREDO_METHOD_ADAMS ? "adams"
                                                              : "bdf";
  double dt = meta ? meta->dt : 0;
  char when[64], host[256], h5ver[64];
  unsigned maj = 0, min = 0, rel = 0;
  iso_now (when, sizeof when);
  if (gethostname (host, sizeof host) != 0)
    snprintf (host, sizeof host, "unknown");
  host[sizeof host - 1] = '\0';
  H5get_libversion (&maj, &min, &rel);
  snprintf (h5ver, sizeof h5ver, "%u.%u.%u", maj, min, rel);
  const char *strings[][2] = {
    { "credo_version", credo_version () },
    { "config", s->text },
    { "config_path", s->path },
    { "method", method },
    { "linear_solver", meta ? meta->linear_solver : NULL },
    { "engine", meta ? meta->engine : NULL },
    { "engine_kind", meta ? meta->engine : NULL }, /* older files */
    { "command_line", meta ? meta->command_line : NULL },
    { "start_time", when },
    { "host", host },
    { "sundials_version", SUNDIALS_VERSION },
    { "hdf5_version", h5ver },
    { "blas", credo_blas_name () },
    { "time_units", "ms" },
    { "status", "running" },
  };
  hid_t f = r->file;
  int bad = credo__h5_attr_u64 (f, "seed", (uint64_t) s->seed) < 0
            || credo__h5_attr_double (f, "duration", s->duration) < 0
            || credo__h5_attr_double (f, "flush_every", s->flush_seconds) < 0
            || credo__h5_attr_double (f, "rtol", s->solver.rtol) < 0
            || credo__h5_attr_double (f, "atol", s->solver.atol) < 0
            || (dt > 0 && credo__h5_attr_double (f, "dt", dt) < 0);
  if (bad || credo__h5_attr_strings (f, sizeof strings / sizeof *strings,
                                      strings) < 0)
    return credo__rec_h5_fail (r, "cannot write the run attributes", NULL);
  return 0;
}

/* Closes every HDF5 object the recorder holds open, except the file. */
static void
close_handles (credo_recorder *r)
{
  size_t i;
  for (i = 0; i < r->n_reps; i++)
    {
      credo__h5_close (&r->reps[i].data);
      credo__h5_close (&r->reps[i].times);
      credo__h5_close (&r->reps[i].grid);
    }
  for (i = 0; i < r->n_ws; i++)
    {
      credo__h5_close (&r->ws[i].data);
      credo__h5_close (&r->ws[i].times);
    }
  for (i = 0; i < r->n_lcols; i++)
    credo__h5_close (&r->ldata[i]);
  for (i = 0; i < r->n_lmat; i++)
    credo__h5_close (&r->lmat[i]);
  credo__h5_close (&r->ltimes);
  credo__h5_close (&r->lgroup);
  credo__h5_close (&r->prog_t);
  credo__h5_close (&r->prog_state);
  credo__h5_close (&r->prog_flushes);
  credo__h5_close (&r->prog_wall);
}

/* Closes every handle of the recorder and frees it; returns H5Fclose's
 * status (0 when there was no file). */
static herr_t
rec_destroy (credo_recorder *r)
{
  size_t i;
  herr_t rc = 0;
  close_handles (r);
  for (i = 0; i < r->n_reps; i++)
    {
      report *p = &r->reps[i];
      free (p->var);
      free (p->where);
      free (p->buf);
      free (p->tbuf);
    }
  for (i = 0; i < r->n_ws; i++)
    free (r->ws[i].where);
  free (r->ldata);
  free (r->lmat);
  free (r->lmat_shape);
  if (r->file >= 0)
    rc = H5Fclose (r->file);
  free (r->ws);
  free (r->wbuf);
  free (r->reps);
  free (r->path);
  free (r->part);
  free (r);
  return rc;
}

/* File access: the latest format (SWMR needs it); a strong close, so
 * closing the file also closes anything left open and an error path can
 * never keep PATH.part open; and no chunk cache: rows are buffered here one
 * chunk at a time, and a chunk HDF5 kept dirty would be written only when
 * its data set is closed, where a full disk leaves HDF5 with a half-closed
 * data set that crashes it at exit. */
static hid_t
file_access (void)
{
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  if (fapl >= 0
      && (H5Pset_fclose_degree (fapl, H5F_CLOSE_STRONG) < 0
          || H5Pset_cache (fapl, 0, 0, 0, 1.0) < 0
          || H5Pset_sieve_buf_size (fapl, 0) < 0
          || H5Pset_libver_bounds (fapl, H5F_LIBVER_LATEST,
                                   H5F_LIBVER_LATEST) < 0))
    credo__h5_close_plist (&fapl);
  return fapl;
}

/* A recorder for PATH with its file created at PATH.part, or NULL with the
 * message in ctx. */
static credo_recorder *
rec_new (credo_ctx *ctx, const char *path, const credo_spec *spec)
{
  credo_recorder *r = credo__calloc (1, sizeof *r);
  size_t i, len = strlen (path) + sizeof ".part";
  hid_t fapl;

  if (r)
    {
      r->file = r->lgroup = r->ltimes = H5I_INVALID_HID;
      r->prog_t = r->prog_state = r->prog_flushes = r->prog_wall
          = H5I_INVALID_HID;
      r->t_now = r->t_sampled = r->t_complete = NAN;
      r->path = credo__strdup (path);
      r->part = malloc (len);
      r->reps = credo__calloc (spec->n_recs, sizeof *r->reps);
    }
  if (!r || !r->path || !r->part || !r->reps)
    {
      if (r)
        rec_destroy (r);
      credo__error (ctx, CREDO_ENOMEM, "out of memory");
      return NULL;
    }
  snprintf (r->part, len, "%s.part", path);
  r->ctx = ctx;
  r->spec = spec;
  r->wnext = INFINITY;
  for (i = 0; i < spec->n_recs; i++)
    r->reps[i].data = r->reps[i].times = r->reps[i].grid = H5I_INVALID_HID;

  fapl = file_access ();
  if (fapl >= 0)
    {
      errno = 0;
      r->file = H5Fcreate (r->part, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    }
  if (r->file < 0)
    {
      int err = errno;
      char reason[512];
      credo__h5_reason (reason);
      credo__error (ctx, CREDO_EIO, "%s: cannot create: %s", r->part,
                    err ? strerror (err) : reason);
      credo__h5_close_plist (&fapl);
      rec_destroy (r);
      return NULL;
    }
  credo__h5_close_plist (&fapl);
  return r;
}

/* Creates PATH.part with the run attributes and every report's groups and
 * data sets, and flushes it.  PATH itself is not touched.  Returns NULL with
 * the message in ctx on failure, after removing the PATH.part it created
 * (it holds no data yet). */
credo_recorder *
credo__rec_open (credo_ctx *ctx, const char *path, const credo_spec *spec,
                 const credo_rec_sources *src, const credo_run_meta *meta)
{
  credo_recorder *r;
  size_t i;
  int rc = 0;

  if (!path || !*path || !spec || !src || (spec->n_recs && !src->recs))
    {
      credo__error (ctx, CREDO_EINVAL, "credo__rec_open: missing argument");
      return NULL;
    }
  /* HDF5 errors become messages; the library never prints them. */
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (credo__check_output_path (ctx, path)
      || !(r = rec_new (ctx, path, spec)))
    return NULL;
  r->eval = src->eval;
  r->eval_ud = src->ud;

  rc = write_root_attrs (r, meta);
  if (!rc)
    {
      hid_t g = credo__h5_group (r->file, "report");
      if (g < 0)
        rc = credo__rec_h5_fail (r, "cannot create", "/report");
      credo__h5_close (&g);
    }
  r->n_reps = spec->n_recs;
  for (i = 0; !rc && i < spec->n_recs; i++)
    rc = credo__rec_report_open (r, i, &src->recs[i]);
  if (!rc)
    rc = credo__rec_weights_open (r, src->weights);
  if (!rc)
    rc = credo__rec_progress_open (r);
  if (!rc && H5Fflush (r->file, H5F_SCOPE_GLOBAL) < 0)
    rc = credo__rec_h5_fail (r, "cannot flush", NULL);
  if (rc)
    {
      char *part = r->part;
      r->part = NULL;
      rec_destroy (r);
      remove (part);
      free (part);
      return NULL;
    }
  r->last_flush = r->wall_open = credo__wall_seconds ();
  return r;
}

/* ---- sampling ------------------------------------------------------------ */

/* Writes every buffered row and spike, then /progress (complete up to the
 * last sample), and flushes the file. */
int
credo__rec_flush (credo_recorder *r)
{
  size_t i;
  int rc = 0, e;
  for (i = 0; i < r->n_reps; i++)
    if ((e = credo__rec_report_flush (r, &r->reps[i])) != 0 && !rc)
      rc = e;
  if (!rc && H5Fflush (r->file, H5F_SCOPE_GLOBAL) < 0)
    rc = credo__rec_h5_fail (r, "cannot flush", NULL);
  if (!rc
      && !(rc = credo__rec_progress_write (r, r->t_sampled,
                                           r->n_flushes + 1)))
    {
      r->n_flushes++;
      r->t_complete = r->t_sampled;
    }
  r->last_flush = credo__wall_seconds ();
  return rc;
}

/* Flushes when output.flush_every seconds of wall time have passed. */
int
credo__rec_tick (credo_recorder *r)
{
  if (!r)
    return 0;
  if (r->failed)
    return CREDO_EIO;
  if (r->spec->flush_seconds > 0
      && credo__wall_seconds () - r->last_flush >= r->spec->flush_seconds)
    {
      int rc = credo__rec_live (r);
      return rc ? rc : credo__rec_flush (r);
    }
  return 0;
}

double
credo__rec_next_time (const credo_recorder *r)
{
  double t = INFINITY;
  size_t i;
  if (!r)
    return t;
  for (i = 0; i < r->n_reps; i++)
    if (r->reps[i].next < t)
      t = r->reps[i].next;
  if (r->n_ws && r->wnext < t)
    t = r->wnext;
  return t;
}

int
credo__rec_wants_steps (const credo_recorder *r)
{
  size_t i;
  if (!r)
    return 0;
  for (i = 0; i < r->n_reps; i++)
    if (r->reps[i].spec->every == 0
        && r->reps[i].spec->kind != CREDO_REC_SPIKES)
      return 1;
  return 0;
}

/* step == 0: a grid sample; records every grid report whose next time is
 * exactly t, and the weight snapshots due at t.  step != 0: an integrator
 * step; records every step report whose window holds t.  Ports are evaluated
 * once, only when a due report needs them.  Returns 0 or CREDO_EIO. */
int
credo__rec_sample (credo_recorder *r, double t, const double *y, int step)
{
  size_t i;
  int rc, e;
  if (!r || !y)
    return credo__error (r ? r->ctx : NULL, CREDO_EINVAL,
                         "credo__rec_sample: missing argument");
  if (r->failed)
    return CREDO_EIO; /* the run stops at the first write failure */
  if ((rc = credo__rec_live (r)))
    return rc;
  r->t_now = t;
  rc = credo__rec_reports_sample (r, t, y, step);
  if (!step && r->n_ws && r->wnext <= t && credo__rec_weights_due (r, t))
    {
      for (i = 0; i < r->n_ws; i++)
        if ((e = credo__rec_weights_write (r, &r->ws[i], t, y)) != 0 && !rc)
          rc = e;
      credo__rec_weights_seek (r, r->wk + 1);
    }
  if (!rc && !(r->t_sampled >= t))
    r->t_sampled = t;
  return rc ? rc : credo__rec_tick (r);
}

/* ---- closing ------------------------------------------------------------- */

static const struct
{
  const char *name;
  size_t offset;
} stat_fields[] = {
  { "steps", offsetof (credo_solver_stats, steps) },
  { "rhs_evals", offsetof (credo_solver_stats, rhs_evals) },
  { "lin_rhs_evals", offsetof (credo_solver_stats, lin_rhs_evals) },
  { "jac_evals", offsetof (credo_solver_stats, jac_evals) },
  { "jtimes_evals", offsetof (credo_solver_stats, jtimes_evals) },
  { "lin_iters", offsetof (credo_solver_stats, lin_iters) },
  { "nonlin_iters", offsetof (credo_solver_stats, nonlin_iters) },
  { "nonlin_conv_fails", offsetof (credo_solver_stats, nonlin_conv_fails) },
  { "err_test_fails", offsetof (credo_solver_stats, err_test_fails) },
  { "lin_conv_fails", offsetof (credo_solver_stats, lin_conv_fails) },
  { "reinits", offsetof (credo_solver_stats, reinits) },
  { "prec_evals", offsetof (credo_solver_stats, prec_evals) },
};

/* /solver: one scalar int64 data set per counter, wall_seconds and t_end
 * (only t_end when st is NULL). */
static int
write_solver (credo_recorder *r, const credo_solver_stats *st, double t_end)
{
  hid_t g = credo__h5_group (r->file, "solver");
  size_t i;
  int rc = 0;
  if (g < 0)
    return credo__rec_h5_fail (r, "cannot create", "/solver");
  for (i = 0; st && i < sizeof stat_fields / sizeof stat_fields[0]; i++)
    {
      long v;
      int64_t v64;
      memcpy (&v, (const char *) st + stat_fields[i].offset, sizeof v);
      v64 = v;
      if (credo__h5_dataset_scalar (g, stat_fields[i].name, H5T_STD_I64LE,
                                    H5T_NATIVE_INT64, &v64) < 0)
        {
          rc = credo__rec_h5_fail (r, "cannot write /solver/",
                                   stat_fields[i].name);
          break;
        }
    }
  if (!rc && st
      && credo__h5_dataset_scalar (g, "wall_seconds", H5T_IEEE_F64LE,
                                   H5T_NATIVE_DOUBLE, &st->wall_seconds) < 0)
    rc = credo__rec_h5_fail (r, "cannot write", "/solver/wall_seconds");
  if (!rc
      && credo__h5_dataset_scalar (g, "t_end", H5T_IEEE_F64LE,
                                   H5T_NATIVE_DOUBLE, &t_end) < 0)
    rc = credo__rec_h5_fail (r, "cannot write", "/solver/t_end");
  credo__h5_close (&g);
  return rc;
}

/* The final status: `status`, or "failed: <first I/O error>" when a write
 * failed, or "ok".  Returns a malloc'd string or NULL (out of memory). */
static char *
final_status (const credo_recorder *r, const char *status)
{
  size_t len;
  char *s;
  if (status)
    return credo__strdup (status);
  if (!r->failed)
    return credo__strdup ("ok");
  len = strlen (r->err) + sizeof "failed: ";
  if ((s = malloc (len)))
    snprintf (s, len, "failed: %s", r->err);
  return s;
}

/* The status attribute, t_end and /progress/state. */
static int
write_status (credo_recorder *r, double t_end, const char *status)
{
  if (credo__h5_attr_string (r->file, "status", status) < 0
      || credo__h5_attr_double (r->file, "t_end", t_end) < 0)
    return credo__rec_h5_fail (r, "cannot write the status attribute", NULL);
  return credo__rec_progress_final (r, status);
}

/* Closes every handle and the file; 0, or the error (the file handle is
 * gone either way). */
static int
close_file (credo_recorder *r, const char *when)
{
  ssize_t open_objs;
  int rc = 0;
  herr_t closed;
  close_handles (r);
  open_objs = H5Fget_obj_count (r->file, H5F_OBJ_LOCAL | H5F_OBJ_DATASET
                                             | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE
                                             | H5F_OBJ_ATTR);
  if (open_objs != 0)
    rc = credo__rec_fail (r, "closing with", NULL,
                          open_objs < 0 ? "cannot count open objects"
                                 : "HDF5 objects still open (internal error)");
  closed = H5Fclose (r->file);
  r->file = H5I_INVALID_HID;
  if (closed < 0)
    {
      char reason[512];
      credo__h5_reason (reason);
      rc = credo__rec_fail (r, when, NULL, reason);
    }
  return rc;
}

/* Reopens PATH.part for the last writes, without SWMR (attributes can
 * change again). */
static int
reopen_file (credo_recorder *r)
{
  hid_t fapl = file_access ();
  if (fapl >= 0)
    r->file = H5Fopen (r->part, H5F_ACC_RDWR, fapl);
  credo__h5_close_plist (&fapl);
  if (r->file < 0
      || (r->prog_state = H5Dopen2 (r->file, "progress/state", H5P_DEFAULT))
             < 0)
    return credo__rec_h5_fail (r, "cannot reopen the file", NULL);
  return 0;
}

/* Two closes make sure that `ok` is only ever written to a whole file:
 * first the run's data (buffered rows, mapping/time, /progress with the
 * final status in /progress/state) are written and the SWMR file closed;
 * then the file is reopened to write /solver, the status attribute and t_end,
 * closed again and renamed to PATH.  The status is `status`, or "failed:
 * <first I/O error>" when a write failed, or "ok".  After a write failure
 * (a full disk) the second step is not tried: the file stays at PATH.part,
 * readable, with /progress saying how far it is complete and why it
 * failed; so it does when either close fails.  Returns the first error (0
 * if none); always frees r. */
int
credo__rec_close (credo_recorder *r, const credo_solver_stats *st,
                  double t_end, const char *status)
{
  size_t i;
  int rc = 0, e, whole = 0;
  char *final = NULL;
  credo_ctx *ctx;

  if (!r)
    return 0;
  ctx = r->ctx;
  r->t_now = t_end;
  for (i = 0; i < r->n_reps; i++)
    if ((e = credo__rec_report_finish (r, &r->reps[i])) != 0 && !rc)
      rc = e;
  if ((e = credo__rec_flush (r)) != 0 && !rc)
    rc = e;
  if (!(final = final_status (r, status)))
    rc = rc ? rc : credo__error (ctx, CREDO_ENOMEM, "out of memory");
  else if ((e = credo__rec_progress_final (r, final)) != 0 && !rc)
    rc = e;
  if ((e = close_file (r, "cannot close the file")) != 0)
    rc = rc ? rc : e;
  else if (!r->failed && final)
    {
      /* the data are whole: the run's end and status */
      if ((e = reopen_file (r)) != 0 || (e = write_solver (r, st, t_end)) != 0)
        rc = rc ? rc : e;
      free (final);
      if (!(final = final_status (r, status)))
        rc = rc ? rc : credo__error (ctx, CREDO_ENOMEM, "out of memory");
      else if (r->file >= 0 && (e = write_status (r, t_end, final)) != 0)
        rc = rc ? rc : e;
      else if (r->file >= 0)
        whole = 1;
      if (r->file >= 0 && (e = close_file (r, "cannot close the file")) != 0)
        {
          whole = 0;
          rc = rc ? rc : e;
        }
    }
  if (!whole)
    {
      char upto[64];
      if (isnan (r->t_complete))
        snprintf (upto, sizeof upto, "no sample");
      else
        snprintf (upto, sizeof upto, "t = %g ms", r->t_complete);
      rc = credo__error (ctx, CREDO_EIO,
                         "%s; %s is left in place, complete up to %s "
                         "(/progress)",
                         r->failed ? r->err : credo_errmsg (ctx), r->part,
                         upto);
    }
  else if (rename (r->part, r->path) != 0)
    rc = credo__error (ctx, CREDO_EIO, "cannot rename %s to %s: %s", r->part,
                       r->path, strerror (errno));
  else if (r->failed)
    rc = credo__error (ctx, CREDO_EIO, "%s", r->err);
  free (final);
  rec_destroy (r);
  return rc;
}
