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
 * This file: the reports, opening, sampling and closing.  /weights and
 * /learning are written by recorder_learning.c, the HDF5 helpers and error
 * reporting live in recorder_h5.c; recorder_impl.h holds what they share.
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

/* ---- sampling grid ------------------------------------------------------- */

static double
grid_time (const credo_rec_spec *s, unsigned long long k)
{
  return credo__grid_time (s->start, s->every, k);
}

/* Number of grid times start + k*every <= limit (0 when unbounded: nothing
 * sensible to announce). */
static unsigned long long
grid_count (const credo_rec_spec *s, double limit)
{
  return credo__grid_count (s->start, s->every, limit, 1e18);
}

/* Points p->next at grid index k, or at INFINITY past the stop time. */
static void
grid_seek (report *p, unsigned long long k)
{
  p->k = k;
  p->next = grid_time (p->spec, k);
  if (!(p->next <= p->spec->stop))
    p->next = INFINITY;
}

/* ---- creating the file -------------------------------------------------- */

static const char *
kind_name (credo_rec_kind kind)
{
  return kind == CREDO_REC_VAR ? "state"
         : kind == CREDO_REC_OUTPUT ? "output" : "input";
}

/* The unit of the recorded variable or port, "" when unknown. */
static const char *
unit_of (const credo_model_type *m, const credo_rec_spec *s)
{
  const char *u = NULL;
  if (s->index < 0)
    return "";
  if (s->kind == CREDO_REC_VAR && (size_t) s->index < m->n_var)
    u = m->vars[s->index].unit;
  else if (s->kind == CREDO_REC_OUTPUT && (size_t) s->index < m->n_out)
    u = m->outputs[s->index].unit;
  else if (s->kind == CREDO_REC_INPUT && (size_t) s->index < m->n_in)
    u = m->inputs[s->index].unit;
  return u ? u : "";
}

/* Rows per chunk so that a chunk of `cols` values holds about CHUNK_BYTES. */
static size_t
chunk_rows_for (size_t cols, size_t elem)
{
  size_t rows = CHUNK_BYTES / (cols * elem);
  if (rows < CHUNK_MIN_ROWS)
    rows = CHUNK_MIN_ROWS;
  if (rows > CHUNK_MAX_ROWS)
    rows = CHUNK_MAX_ROWS;
  return rows;
}

/* The name of report i inside its population's group: var_name, or
 * var_name_1, _2, ... when an earlier report of the pop took it. */
static char *
unique_var (const credo_recorder *r, size_t i)
{
  const credo_rec_spec *s = &r->spec->recs[i];
  size_t len = strlen (s->var_name) + 24, j;
  char *name = malloc (len);
  int suffix = 0, taken = 1;
  if (!name)
    return NULL;
  snprintf (name, len, "%s", s->var_name);
  while (taken)
    {
      taken = 0;
      for (j = 0; j < i && !taken; j++)
        taken = r->spec->recs[j].pop == s->pop
                && !strcmp (r->reps[j].var, name);
      if (taken)
        snprintf (name, len, "%s_%d", s->var_name, ++suffix);
    }
  return name;
}

/* The mapping/time triple: SONATA's start, end (exclusive) and step.
 * Step-sampled reports get end = start so that uniform-grid readers see no
 * frames instead of looping on step 0; their times are in timestamps. */
static void
grid_triple (const report *p, hsize_t rows, double triple[3])
{
  const credo_rec_spec *s = p->spec;
  triple[0] = s->start;
  triple[1] = s->every > 0 ? s->start + (double) rows * s->every : s->start;
  triple[2] = s->every > 0 ? s->every : 0.0;
}

/* The mapping group of report p in group g. */
static int
make_mapping (credo_recorder *r, report *p, hid_t g)
{
  size_t n = p->n_units, i;
  uint64_t *ids = credo__calloc (n + 1, sizeof *ids);
  uint32_t *zeros = credo__calloc (n, sizeof *zeros);
  hid_t m = H5I_INVALID_HID, d = H5I_INVALID_HID, space = H5I_INVALID_HID;
  hid_t dcpl = H5I_INVALID_HID;
  hsize_t dim = 0, maxdim = H5S_UNLIMITED, chunk;
  double triple[3];
  int rc = 0;
  uint8_t sorted = 1;

  if (!ids || !zeros)
    {
      free (ids);
      free (zeros);
      return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
    }
  m = credo__h5_group (g, "mapping");
  if (m < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot create", "mapping");
      goto out;
    }
  for (i = 0; i < n; i++)
    {
      ids[i] = p->spec->units ? p->spec->units[i] : i;
      sorted = sorted && (i == 0 || ids[i] > ids[i - 1]);
    }
  if (credo__h5_dataset_1d (m, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, n,
                            ids) < 0
      || (d = H5Dopen2 (m, "node_ids", H5P_DEFAULT)) < 0
      || credo__h5_attr (d, "sorted", H5T_STD_U8LE, H5T_NATIVE_UINT8,
                         &sorted) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write", "mapping/node_ids");
      goto out;
    }
  credo__h5_close (&d);
  for (i = 0; i <= n; i++)
    ids[i] = i;
  if (credo__h5_dataset_1d (m, "index_pointers", H5T_STD_U64LE,
                            H5T_NATIVE_UINT64, n + 1, ids) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write", "mapping/index_pointers");
      goto out;
    }
  if (credo__h5_dataset_1d (m, "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32,
                            n, zeros) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write", "mapping/element_ids");
      goto out;
    }

  /* time: announce the planned grid; close rewrites it with the rows
   * actually recorded. */
  grid_triple (p, p->planned, triple);
  if (credo__h5_dataset_1d (m, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3,
                            triple) < 0
      || (p->grid = H5Dopen2 (m, "time", H5P_DEFAULT)) < 0
      || credo__h5_attr_string (p->grid, "units", "ms") < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write", "mapping/time");
      goto out;
    }

  chunk = p->chunk_rows;
  if (chunk < TIMES_MIN_CHUNK && !(p->planned && p->planned < TIMES_MIN_CHUNK))
    chunk = TIMES_MIN_CHUNK;
  space = H5Screate_simple (1, &dim, &maxdim);
  dcpl = credo__h5_chunked_dcpl (1, &chunk, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (p->times = H5Dcreate2 (m, "timestamps", H5T_IEEE_F64LE, space,
                                 H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0
      || credo__h5_attr_string (p->times, "units", "ms") < 0)
    rc = credo__rec_h5_fail (r, "cannot create", "mapping/timestamps");

out:
  credo__h5_close_plist (&dcpl);
  credo__h5_close_space (&space);
  credo__h5_close (&d);
  credo__h5_close (&m);
  free (ids);
  free (zeros);
  return rc;
}

/* Whether record entry s points inside the network: its population,
 * variable or port, and units exist, and its interval is >= 0. */
static int
rec_valid (const credo_net *net, const credo_rec_spec *s)
{
  const credo_pop *pop;
  size_t j, limit;
  if (s->pop < 0 || (size_t) s->pop >= net->n_pops || !s->var_name
      || s->n_units == 0 || !(s->every >= 0) || s->index < 0)
    return 0;
  pop = &net->pops[s->pop];
  limit = s->kind == CREDO_REC_VAR ? pop->model->n_var
          : s->kind == CREDO_REC_OUTPUT ? pop->model->n_out
          : pop->model->n_in;
  if ((size_t) s->index >= limit)
    return 0;
  if (!s->units)
    return s->n_units <= pop->n;
  for (j = 0; j < s->n_units; j++)
    if (s->units[j] >= pop->n)
      return 0;
  return 1;
}

/* Group, data set, mapping and buffers of report i. */
static int
make_report (credo_recorder *r, size_t i)
{
  const credo_rec_spec *s = &r->spec->recs[i];
  report *p = &r->reps[i];
  const credo_pop *pop;
  const char *pop_name;
  hid_t g = H5I_INVALID_HID, space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
  hsize_t dims[2], maxdims[2], chunk[2];
  size_t len, cols;
  htri_t have_pop;
  int rc = 0;

  p->spec = s;
  p->data = p->times = p->grid = H5I_INVALID_HID;
  if (!rec_valid (r->net, s))
    return credo__error (r->ctx, CREDO_EINVAL,
                         "%s: record entry %zu (%s) is malformed", r->part, i,
                         s->var_name ? s->var_name : "?");
  pop = p->pop = &r->net->pops[s->pop];
  pop_name = pop->spec->name;
  p->var = unique_var (r, i);
  len = strlen (pop_name) + (p->var ? strlen (p->var) : 0) + 16;
  p->where = malloc (len);
  if (!p->var || !p->where)
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  snprintf (p->where, len, "/report/%s", pop_name);

  have_pop = H5Lexists (r->file, p->where, H5P_DEFAULT);
  if (have_pop == 0)
    {
      g = credo__h5_group (r->file, p->where);
      if (g < 0)
        return credo__rec_h5_fail (r, "cannot create", p->where);
      credo__h5_close (&g);
    }
  else if (have_pop < 0)
    return credo__rec_h5_fail (r, "cannot create", p->where);
  snprintf (p->where, len, "/report/%s/%s", pop_name, p->var);

  p->n_units = s->n_units;
  p->elem = s->float32 ? sizeof (float) : sizeof (double);
  p->mem_type = s->float32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  cols = p->n_units < CHUNK_MAX_COLS ? p->n_units : CHUNK_MAX_COLS;
  p->chunk_rows = chunk_rows_for (cols, p->elem);
  /* a short grid report needs no chunk larger than itself */
  p->planned = grid_count (s, fmin (s->stop, r->spec->duration));
  if (p->planned && p->planned < p->chunk_rows)
    p->chunk_rows = p->planned < CHUNK_MIN_ROWS ? CHUNK_MIN_ROWS
                                                : (size_t) p->planned;
  p->block = p->chunk_rows;
  p->buf = credo__calloc (p->chunk_rows * p->n_units, p->elem);
  p->tbuf = credo__calloc (p->chunk_rows, sizeof *p->tbuf);
  if (!p->buf || !p->tbuf)
    return credo__error (r->ctx, CREDO_ENOMEM,
                         "out of memory for the %s buffer", p->where);
  p->needs_ports = s->kind != CREDO_REC_VAR;
  if (s->every > 0)
    grid_seek (p, 0);
  else
    p->next = INFINITY;

  g = credo__h5_group (r->file, p->where);
  if (g < 0)
    return credo__rec_h5_fail (r, "cannot create", p->where);
  if (credo__h5_attr_string (g, "variable", s->var_name) < 0
      || credo__h5_attr_string (g, "kind", kind_name (s->kind)) < 0
      || credo__h5_attr_string (g, "population", pop_name) < 0
      || credo__h5_attr_string (g, "model", pop->model->name) < 0
      || credo__h5_attr_double (g, "start", s->start) < 0
      || credo__h5_attr_double (g, "stop", s->stop) < 0
      || credo__h5_attr_double (g, "every", s->every) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write attributes of", p->where);
      goto out;
    }

  dims[0] = 0;
  dims[1] = p->n_units;
  maxdims[0] = H5S_UNLIMITED;
  maxdims[1] = p->n_units;
  chunk[0] = p->chunk_rows;
  chunk[1] = cols;
  space = H5Screate_simple (2, dims, maxdims);
  dcpl = credo__h5_chunked_dcpl (2, chunk, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (p->data = H5Dcreate2 (g, "data",
                                s->float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE,
                                space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0
      || credo__h5_attr_string (p->data, "units", unit_of (pop->model, s)) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot create", p->where);
      goto out;
    }
  rc = make_mapping (r, p, g);

out:
  credo__h5_close_plist (&dcpl);
  credo__h5_close_space (&space);
  credo__h5_close (&g);
  return rc;
}

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
  for (size_t i = 0; !bad && i < sizeof strings / sizeof *strings; i++)
    bad = credo__h5_attr_string (f, strings[i][0], strings[i][1]) < 0;
  if (bad)
    return credo__rec_h5_fail (r, "cannot write the run attributes", NULL);
  return 0;
}

/* Closes every handle of the recorder and frees it; returns H5Fclose's
 * status (0 when there was no file). */
static herr_t
rec_destroy (credo_recorder *r)
{
  size_t i;
  herr_t rc = 0;
  for (i = 0; i < r->n_reps; i++)
    {
      report *p = &r->reps[i];
      credo__h5_close (&p->data);
      credo__h5_close (&p->times);
      credo__h5_close (&p->grid);
      free (p->var);
      free (p->where);
      free (p->buf);
      free (p->tbuf);
    }
  for (i = 0; i < r->n_ws; i++)
    {
      credo__h5_close (&r->ws[i].data);
      credo__h5_close (&r->ws[i].times);
      free (r->ws[i].where);
    }
  for (i = 0; i < r->n_lcols; i++)
    credo__h5_close (&r->ldata[i]);
  free (r->ldata);
  credo__h5_close (&r->ltimes);
  credo__h5_close (&r->lgroup);
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

/* Creates PATH.part with the run attributes and every report's groups and
 * data sets, and flushes it.  PATH itself is not touched.  Returns NULL with
 * the message in ctx on failure, after removing the PATH.part it created
 * (it holds no data yet). */
credo_recorder *
credo__rec_open (credo_ctx *ctx, const char *path, const credo_spec *spec,
                 credo_net *net, const credo_run_meta *meta)
{
  credo_recorder *r;
  hid_t fapl;
  size_t i, len;
  int rc = 0;

  if (!path || !*path || !spec || !net)
    {
      credo__error (ctx, CREDO_EINVAL, "credo__rec_open: missing argument");
      return NULL;
    }
  /* HDF5 errors become messages; the library never prints them. */
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);

  r = credo__calloc (1, sizeof *r);
  len = strlen (path) + sizeof ".part";
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
  r->net = net;
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
    rc = make_report (r, i);
  if (!rc)
    rc = credo__rec_weights_open (r);
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

/* Appends the buffered rows of p to its data set and timestamps. */
static int
write_block (credo_recorder *r, report *p)
{
  hsize_t dims[2], start[2], count[2];
  hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  int rc = 0;

  if (p->fill == 0)
    return 0;
  dims[0] = p->rows + p->fill;
  dims[1] = p->n_units;
  start[0] = p->rows;
  start[1] = 0;
  count[0] = p->fill;
  count[1] = p->n_units;
  if (H5Dset_extent (p->data, dims) < 0
      || (fs = H5Dget_space (p->data)) < 0 /* re-fetched: new extent */
      || H5Sselect_hyperslab (fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0
      || (ms = H5Screate_simple (2, count, NULL)) < 0
      || H5Dwrite (p->data, p->mem_type, ms, fs, H5P_DEFAULT, p->buf) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write", p->where);
      goto out;
    }
  credo__h5_close_space (&fs);
  credo__h5_close_space (&ms);
  if (H5Dset_extent (p->times, dims) < 0
      || (fs = H5Dget_space (p->times)) < 0
      || H5Sselect_hyperslab (fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0
      || (ms = H5Screate_simple (1, count, NULL)) < 0
      || H5Dwrite (p->times, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT,
                   p->tbuf) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write the timestamps of", p->where);
      goto out;
    }
  p->rows += p->fill;
  p->fill = 0;
  /* after a partial (flushed) block, the next one ends on a chunk boundary
   * again so that later blocks each fill whole chunks */
  p->block = p->chunk_rows - (size_t) (p->rows % p->chunk_rows);

out:
  credo__h5_close_space (&fs);
  credo__h5_close_space (&ms);
  return rc;
}

/* Buffers the row of report p at time t; writes the block when it is full. */
static int
push_row (credo_recorder *r, report *p, double t, const double *y)
{
  const credo_rec_spec *s = p->spec;
  const credo_pop *pop = p->pop;
  const double *src;
  size_t j, n = p->n_units;
  int rc;

  if (p->fill >= p->block && (rc = write_block (r, p)) != 0)
    return rc; /* the buffer is still full: drop this row */
  if (s->kind == CREDO_REC_VAR)
    src = y + pop->offset + (size_t) s->index * pop->n;
  else
    src = s->kind == CREDO_REC_OUTPUT ? pop->out[s->index] : pop->in[s->index];
  if (s->float32)
    {
      float *row = (float *) p->buf + p->fill * n;
      for (j = 0; j < n; j++)
        row[j] = (float) src[s->units ? s->units[j] : j];
    }
  else
    {
      double *row = (double *) p->buf + p->fill * n;
      for (j = 0; j < n; j++)
        row[j] = src[s->units ? s->units[j] : j];
    }
  p->tbuf[p->fill++] = t;
  return p->fill >= p->block ? write_block (r, p) : 0;
}

/* Writes every partial buffer and flushes the file to disk. */
static int
flush_all (credo_recorder *r)
{
  size_t i;
  int rc = 0, e;
  for (i = 0; i < r->n_reps; i++)
    if ((e = write_block (r, &r->reps[i])) != 0 && !rc)
      rc = e;
  if (H5Fflush (r->file, H5F_SCOPE_GLOBAL) < 0 && !rc)
    rc = credo__rec_h5_fail (r, "cannot flush", NULL);
  r->last_flush = credo__wall_seconds ();
  return rc;
}

/* Whether grid report p has a sample at exactly t.  A grid time before t
 * means the driver skipped it: warn once and move on to t. */
static int
grid_due (credo_recorder *r, report *p, double t)
{
  const credo_rec_spec *s = p->spec;
  if (p->next < t)
    {
      unsigned long long k = credo__grid_first_at (s->start, s->every, t);
      if (!p->warned)
        credo__log (r->ctx, CREDO_LOG_WARN,
                    "%s: samples between t=%g and t=%g ms were skipped",
                    p->where, p->next, t);
      p->warned = 1;
      grid_seek (p, k);
    }
  return p->next == t;
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
    if (r->reps[i].spec->every == 0)
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
  int rc = 0, e, evaluated = 0;
  if (!r || !y)
    return credo__error (r ? r->ctx : NULL, CREDO_EINVAL,
                         "credo__rec_sample: missing argument");
  for (i = 0; i < r->n_reps; i++)
    {
      report *p = &r->reps[i];
      const credo_rec_spec *s = p->spec;
      int due;
      if (step)
        due = s->every == 0 && s->start <= t && t <= s->stop;
      else
        due = s->every > 0 && p->next <= t && grid_due (r, p, t);
      if (!due)
        continue;
      if (p->needs_ports && !evaluated)
        {
          credo__net_eval (r->net, t, y);
          evaluated = 1;
        }
      if ((e = push_row (r, p, t, y)) != 0 && !rc)
        rc = e;
      if (s->every > 0)
        grid_seek (p, p->k + 1);
    }
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

/* Writes what is buffered, /solver, mapping/time and the final status,
 * closes the file and renames PATH.part to PATH.  The status attribute is
 * `status`, or "failed: <first I/O error>" when a write failed, or "ok".
 * When the file cannot be closed, PATH.part is left in place and the
 * message says so.  Returns the first error (0 if none); always frees r. */
int
credo__rec_close (credo_recorder *r, const credo_solver_stats *st,
                  double t_end, const char *status)
{
  char *final = NULL;
  size_t i;
  ssize_t open_objs;
  int rc = 0, e, failed;
  char *path, *part, first_err[sizeof r->err];
  credo_ctx *ctx;

  if (!r)
    return 0;
  for (i = 0; i < r->n_reps; i++)
    {
      report *p = &r->reps[i];
      double triple[3];
      if ((e = write_block (r, p)) != 0 && !rc)
        rc = e;
      grid_triple (p, p->rows, triple);
      if (H5Dwrite (p->grid, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    triple) < 0 && !rc)
        rc = credo__rec_h5_fail (r, "cannot write the mapping/time of",
                                 p->where);
    }
  if ((e = write_solver (r, st, t_end)) != 0 && !rc)
    rc = e;

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
    {
      e = credo__rec_h5_fail (r, "cannot write the status attribute", NULL);
      rc = rc ? rc : e;
    }
  free (final);

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
  credo__h5_close (&r->ltimes);
  credo__h5_close (&r->lgroup);
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
