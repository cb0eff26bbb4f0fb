/* src/record/reports.c -- the reports: one /report/<pop>/<var> group per
 * record entry, its SONATA mapping, and its rows, buffered one chunk at a
 * time.  The layout is described in recorder.c.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        taken = r->spec->recs[j].pop == s->pop && r->reps[j].var
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

/* Whether record entry s, whose values come from src, points inside the
 * network: its population (named by the driver) and units exist, and its
 * interval is >= 0. */
static int
rec_valid (const credo_rec_spec *s, const credo_rec_source *src)
{
  size_t j;
  if (!src->pop || !s->var_name || s->n_units == 0 || !(s->every >= 0)
      || s->index < 0)
    return 0;
  if (!s->units)
    return s->n_units <= src->pop_size;
  for (j = 0; j < s->n_units; j++)
    if (s->units[j] >= src->pop_size)
      return 0;
  return 1;
}

/* Checks report i, names it and creates its population's group. */
static int
report_names (credo_recorder *r, size_t i)
{
  const credo_rec_spec *s = &r->spec->recs[i];
  report *p = &r->reps[i];
  const char *pop_name = p->src.pop;
  hid_t g;
  size_t len;
  htri_t have_pop;

  if (!rec_valid (s, &p->src))
    return credo__error (r->ctx, CREDO_EINVAL,
                         "%s: record entry %zu (%s) is malformed", r->part, i,
                         s->var_name ? s->var_name : "?");
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
  return 0;
}

/* The chunk shape, the row buffers and the sampling grid of report p. */
static int
report_buffers (credo_recorder *r, report *p)
{
  const credo_rec_spec *s = p->spec;
  size_t cols;
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
  if (s->every > 0)
    grid_seek (p, 0);
  else
    p->next = INFINITY;
  return 0;
}

/* The group of report p with its attributes, data set and mapping. */
static int
report_group (credo_recorder *r, report *p)
{
  const credo_rec_spec *s = p->spec;
  const char *const names[][2] = {
    { "variable", s->var_name },
    { "kind", kind_name (s->kind) },
    { "population", p->src.pop },
    { "model", p->src.model },
  };
  hid_t g = H5I_INVALID_HID, space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
  hsize_t dims[2], maxdims[2], chunk[2];
  int rc = 0;

  g = credo__h5_group (r->file, p->where);
  if (g < 0)
    return credo__rec_h5_fail (r, "cannot create", p->where);
  if (credo__h5_attr_strings (g, sizeof names / sizeof *names, names) < 0
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
  chunk[1] = p->n_units < CHUNK_MAX_COLS ? p->n_units : CHUNK_MAX_COLS;
  space = H5Screate_simple (2, dims, maxdims);
  dcpl = credo__h5_chunked_dcpl (2, chunk, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (p->data = H5Dcreate2 (g, "data",
                                s->float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE,
                                space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0
      || credo__h5_attr_string (p->data, "units",
                                p->src.unit ? p->src.unit : "") < 0)
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

/* Group, data set, mapping and buffers of report i. */
int
credo__rec_report_open (credo_recorder *r, size_t i,
                        const credo_rec_source *src)
{
  report *p = &r->reps[i];
  int rc;
  p->spec = &r->spec->recs[i];
  p->src = *src;
  p->data = p->times = p->grid = H5I_INVALID_HID;
  if (p->spec->kind == CREDO_REC_SPIKES)
    return p->src.pop ? credo__rec_spikes_open (r, p)
                      : credo__error (r->ctx, CREDO_EINVAL,
                                      "%s: record entry %zu is malformed",
                                      r->part, i);
  if ((rc = report_names (r, i)) || (rc = report_buffers (r, p)))
    return rc;
  return report_group (r, p);
}

/* ---- sampling ------------------------------------------------------------ */

/* Appends the buffered rows of p to its data set and timestamps. */
int
credo__rec_report_flush (credo_recorder *r, report *p)
{
  hsize_t dims[2], start[2], count[2];
  hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  int rc = 0;

  if (p->spec->kind == CREDO_REC_SPIKES)
    return credo__rec_spikes_flush (r, p);
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
  const double *src = p->src.values ? p->src.values : y + p->src.offset;
  size_t j, n = p->n_units;
  int rc;

  if (p->fill >= p->block && (rc = credo__rec_report_flush (r, p)) != 0)
    return rc; /* the buffer is still full: drop this row */
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
  return p->fill >= p->block ? credo__rec_report_flush (r, p) : 0;
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

/* step == 0: a grid sample; records every grid report whose next time is
 * exactly t.  step != 0: an integrator step; records every step report
 * whose window holds t.  Ports are evaluated once, only when a due report
 * needs them. */
int
credo__rec_reports_sample (credo_recorder *r, double t, const double *y,
                           int step)
{
  size_t i;
  int rc = 0, e, evaluated = 0;
  for (i = 0; i < r->n_reps; i++)
    {
      report *p = &r->reps[i];
      const credo_rec_spec *s = p->spec;
      int due;
      if (s->kind == CREDO_REC_SPIKES)
        continue; /* spikes come through credo__rec_spikes */
      if (step)
        due = s->every == 0 && s->start <= t && t <= s->stop;
      else
        due = s->every > 0 && p->next <= t && grid_due (r, p, t);
      if (!due)
        continue;
      if (p->src.values && !evaluated)
        {
          if (r->eval)
            r->eval (r->eval_ud, t, y);
          evaluated = 1;
        }
      if ((e = push_row (r, p, t, y)) != 0 && !rc)
        rc = e;
      if (s->every > 0)
        grid_seek (p, p->k + 1);
    }
  return rc;
}

/* Flushes p and rewrites its mapping/time with the rows recorded. */
int
credo__rec_report_finish (credo_recorder *r, report *p)
{
  double triple[3];
  int rc = credo__rec_report_flush (r, p);
  if (p->spec->kind == CREDO_REC_SPIKES)
    return rc;
  grid_triple (p, p->rows, triple);
  if (H5Dwrite (p->grid, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                triple) < 0 && !rc)
    rc = credo__rec_h5_fail (r, "cannot write the mapping/time of", p->where);
  return rc;
}
