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
 *                             status ("running" until closed, then "ok" or
 *                             "failed: ..."), t_end
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
 *                             t_end
 *
 * String attributes are scalar variable-length UTF-8 strings, which h5py
 * reads as str and HighFive/libsonata as std::string.  Rows are buffered in
 * RAM one chunk at a time and appended as whole chunks; the file is flushed
 * every spec->flush_seconds of wall time so that a killed run leaves
 * everything up to the last flush in PATH.part.  Weight snapshots are rare
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

  /* Strong close: closing the file also closes anything left open, so an
   * error path can never keep PATH.part open. */
  fapl = H5Pcreate (H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fclose_degree (fapl, H5F_CLOSE_STRONG) >= 0)
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
  r->last_flush = credo__wall_seconds ();
  return r;
}

/* ---- sampling ------------------------------------------------------------ */

/* Writes every partial buffer and flushes the file to disk. */
static int
flush_all (credo_recorder *r)
{
  size_t i;
  int rc = 0, e;
  for (i = 0; i < r->n_reps; i++)
    if ((e = credo__rec_report_flush (r, &r->reps[i])) != 0 && !rc)
      rc = e;
  if (H5Fflush (r->file, H5F_SCOPE_GLOBAL) < 0 && !rc)
    rc = credo__rec_h5_fail (r, "cannot flush", NULL);
  r->last_flush = credo__wall_seconds ();
  return rc;
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
  rc = credo__rec_reports_sample (r, t, y, step);
  if (!step && r->n_ws && r->wnext <= t && credo__rec_weights_due (r, t))
    {
      for (i = 0; i < r->n_ws; i++)
        if ((e = credo__rec_weights_write (r, &r->ws[i], t, y)) != 0 && !rc)
          rc = e;
      credo__rec_weights_seek (r, r->wk + 1);
    }
  if (r->spec->flush_seconds > 0
      && credo__wall_seconds () - r->last_flush >= r->spec->flush_seconds
      && (e = flush_all (r)) != 0 && !rc)
    rc = e;
  return rc;
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

/* The status attribute: `status`, or "failed: <first I/O error>" when a
 * write failed, or "ok"; and t_end. */
static int
write_status (credo_recorder *r, double t_end, const char *status)
{
  char *final = NULL;
  int rc = 0;
  if (!status && r->failed)
    {
      size_t len = strlen (r->err) + sizeof "failed: ";
      final = malloc (len);
      if (final)
        snprintf (final, len, "failed: %s", r->err);
    }
  if (!status)
    status = r->failed ? (final ? final : "failed") : "ok";
  if (credo__h5_attr_string (r->file, "status", status) < 0
      || credo__h5_attr_double (r->file, "t_end", t_end) < 0)
    rc = credo__rec_h5_fail (r, "cannot write the status attribute", NULL);
  free (final);
  return rc;
}

/* Writes what is buffered, /solver, mapping/time and the final status,
 * closes the file and renames PATH.part to PATH.  The status attribute is
 * `status`, or "failed: <first I/O error>" when a write failed, or "ok".
 * When the file cannot be closed, PATH.part is left in place and the
 * message says so.  Returns the first error (0 if none); always frees r. */
int
credo__rec_close (credo_recorder *r, const credo_solver_stats *st,
                  double t_end, const char *status)
{
  size_t i;
  ssize_t open_objs;
  int rc = 0, e, failed;
  char *path, *part, first_err[sizeof r->err];
  credo_ctx *ctx;

  if (!r)
    return 0;
  for (i = 0; i < r->n_reps; i++)
    if ((e = credo__rec_report_finish (r, &r->reps[i])) != 0 && !rc)
      rc = e;
  if ((e = write_solver (r, st, t_end)) != 0 && !rc)
    rc = e;
  if ((e = write_status (r, t_end, status)) != 0 && !rc)
    rc = e;

  close_handles (r);
  open_objs = H5Fget_obj_count (r->file, H5F_OBJ_LOCAL | H5F_OBJ_DATASET
                                             | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE
                                             | H5F_OBJ_ATTR);
  if (open_objs != 0 && !rc)
    rc = credo__rec_fail (r, "closing with", NULL,
                          open_objs < 0 ? "cannot count open objects"
                                 : "HDF5 objects still open (internal error)");

  /* rec_destroy frees r; keep what the rename and the messages need */
  ctx = r->ctx;
  failed = r->failed;
  memcpy (first_err, r->err, sizeof first_err);
  path = r->path;
  part = r->part;
  r->path = r->part = NULL;
  if (rec_destroy (r) < 0)
    {
      char reason[512];
      credo__h5_reason (reason);
      rc = credo__error (ctx, CREDO_EIO,
                         "%s: cannot close the file: %s; it is left in place "
                         "and may be incomplete", part, reason);
    }
  else if (rename (part, path) != 0)
    rc = credo__error (ctx, CREDO_EIO, "cannot rename %s to %s: %s", part,
                       path, strerror (errno));
  else if (failed)
    rc = credo__error (ctx, CREDO_EIO, "%s", first_err);
  free (path);
  free (part);
  return rc;
}
