/* src/recorder.c -- the HDF5 output file: run metadata, reports, solver stats.
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

#include <hdf5.h>
#include <sundials/sundials_config.h>

#include "credo_impl.h"

#define CHUNK_BYTES (128 * 1024) /* target size of one data chunk */
#define CHUNK_MIN_ROWS 16
#define CHUNK_MAX_ROWS 4096
#define CHUNK_MAX_COLS 8192
#define TIMES_MIN_CHUNK 1024 /* rows per chunk of mapping/timestamps */

typedef struct report
{
  const credo_rec_spec *spec;
  const credo_pop *pop;
  char *var;    /* group name: var_name, made unique within the pop */
  char *where;  /* "/report/<pop>/<var>", for messages */
  hid_t data;   /* data [time x units] */
  hid_t times;  /* mapping/timestamps */
  hid_t grid;   /* mapping/time, rewritten at close */
  hid_t mem_type;
  size_t elem;       /* bytes per value in the buffer: 4 or 8 */
  size_t n_units;
  size_t chunk_rows; /* rows per chunk = buffer capacity */
  size_t fill;       /* rows in the buffer */
  size_t block;      /* rows the buffer takes before it is written */
  void *buf;         /* chunk_rows x n_units values, row-major */
  double *tbuf;      /* the buffered rows' times */
  hsize_t rows;      /* rows already in the file */
  unsigned long long planned; /* grid: rows expected, 0 for step reports */
  unsigned long long k; /* grid: index of the next sample */
  double next;          /* grid: start + k*every, INFINITY when done */
  int needs_ports;
  int warned;
} report;

/* The snapshots of one projection's weights. */
typedef struct wsnap
{
  const credo_proj *proj;
  char *where;  /* "/weights/<projection>", for messages */
  hid_t data;   /* [snapshot x rows x cols] */
  hid_t times;  /* [snapshot] */
  hsize_t rows; /* snapshots already in the file */
} wsnap;

struct credo_recorder
{
  credo_ctx *ctx;
  const credo_spec *spec;
  credo_net *net;
  char *path, *part;
  hid_t file;
  size_t n_reps;
  report *reps;
  size_t n_ws;
  wsnap *ws;
  void *wbuf;              /* one snapshot of the largest projection */
  unsigned long long wk;   /* index of the next snapshot */
  unsigned long long wplanned; /* snapshots expected */
  double wnext;            /* its time, INFINITY when done */
  int wwarned;
  /* /learning/: times and one 1-D dataset per column */
  hid_t lgroup, ltimes;
  size_t n_lcols;
  hid_t *ldata;
  hsize_t lrows;
  double last_flush;
  int failed;    /* an I/O error happened; err holds the first one */
  char err[1024];
};

/* ---- errors ------------------------------------------------------------ */

static herr_t
innermost (unsigned n, const H5E_error2_t *e, void *ud)
{
  char *reason = ud;
  if (n == 0 && e->desc)
    snprintf (reason, 512, "%s", e->desc);
  return 0;
}

/* HDF5's description of the failure that just happened (the innermost
 * entry of the error stack); call it before any other HDF5 call. */
static void
h5_reason (char *reason)
{
  reason[0] = '\0';
  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, innermost, reason);
  if (!reason[0])
    snprintf (reason, 512, "HDF5 error");
}

/* Records an I/O failure: "PATH.part: what obj: reason".  The first failure
 * is kept in r->err for the status attribute; every one goes to the
 * context.  Returns CREDO_EIO. */
static int
rec_fail (credo_recorder *r, const char *what, const char *obj,
          const char *reason)
{
  char msg[sizeof r->err];
  snprintf (msg, sizeof msg, "%s: %s%s%s: %s", r->part, what, obj ? " " : "",
            obj ? obj : "", reason);
  if (!r->failed)
    {
      memcpy (r->err, msg, sizeof msg);
      r->failed = 1;
    }
  return credo__error (r->ctx, CREDO_EIO, "%s", msg);
}

/* rec_fail with HDF5's reason for the call that just failed. */
static int
h5_fail (credo_recorder *r, const char *what, const char *obj)
{
  char reason[512];
  h5_reason (reason);
  return rec_fail (r, what, obj, reason);
}

/* ---- small HDF5 helpers -------------------------------------------------- */

static void
close_obj (hid_t *id)
{
  if (*id >= 0)
    H5Oclose (*id);
  *id = H5I_INVALID_HID;
}

static void
close_space (hid_t *id)
{
  if (*id >= 0)
    H5Sclose (*id);
  *id = H5I_INVALID_HID;
}

static void
close_plist (hid_t *id)
{
  if (*id >= 0)
    H5Pclose (*id);
  *id = H5I_INVALID_HID;
}

static void
close_type (hid_t *id)
{
  if (*id >= 0)
    H5Tclose (*id);
  *id = H5I_INVALID_HID;
}

/* A scalar attribute `name` on `loc`, replacing an existing one. */
static herr_t
attr_scalar (hid_t loc, const char *name, hid_t ftype, hid_t mtype,
             const void *buf)
{
  hid_t space = H5I_INVALID_HID, a = H5I_INVALID_HID;
  htri_t exists = H5Aexists (loc, name);
  herr_t rc = -1;
  if (exists < 0 || (exists > 0 && H5Adelete (loc, name) < 0))
    return -1;
  space = H5Screate (H5S_SCALAR);
  if (space >= 0)
    a = H5Acreate2 (loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0)
    rc = H5Awrite (a, mtype, buf);
  if (a >= 0 && H5Aclose (a) < 0)
    rc = -1;
  close_space (&space);
  return rc;
}

/* Whether s is well-formed UTF-8 (then the attribute says so and h5py
 * decodes it; otherwise it is stored as ASCII-tagged bytes). */
static int
is_utf8 (const char *s)
{
  const unsigned char *p = (const unsigned char *) s;
  while (*p)
    {
      int extra = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2
                  : (*p >> 3) == 30 ? 3 : -1;
      if (extra < 0)
        return 0;
      for (p++; extra > 0; extra--, p++)
        if ((*p & 0xC0) != 0x80)
          return 0;
    }
  return 1;
}

/* A scalar variable-length string attribute (NULL stands for ""). */
static herr_t
attr_string (hid_t loc, const char *name, const char *s)
{
  hid_t t = H5Tcopy (H5T_C_S1);
  herr_t rc = -1;
  if (!s)
    s = "";
  if (t >= 0 && H5Tset_size (t, H5T_VARIABLE) >= 0
      && H5Tset_cset (t, is_utf8 (s) ? H5T_CSET_UTF8 : H5T_CSET_ASCII) >= 0)
    rc = attr_scalar (loc, name, t, t, &s);
  close_type (&t);
  return rc;
}

static herr_t
attr_double (hid_t loc, const char *name, double v)
{
  return attr_scalar (loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static herr_t
attr_u64 (hid_t loc, const char *name, uint64_t v)
{
  return attr_scalar (loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}

/* A fixed 1-D dataset of n values, written at once. */
static herr_t
dataset_1d (hid_t loc, const char *name, hid_t ftype, hid_t mtype, size_t n,
            const void *buf)
{
  hsize_t dim = n;
  hid_t space = H5Screate_simple (1, &dim, NULL), d = H5I_INVALID_HID;
  herr_t rc = -1;
  if (space >= 0)
    d = H5Dcreate2 (loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT,
                    H5P_DEFAULT);
  if (d >= 0)
    rc = n ? H5Dwrite (d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
  if (d >= 0 && H5Dclose (d) < 0)
    rc = -1;
  close_space (&space);
  return rc;
}

/* A scalar dataset holding one value. */
static herr_t
dataset_scalar (hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                const void *buf)
{
  hid_t space = H5Screate (H5S_SCALAR), d = H5I_INVALID_HID;
  herr_t rc = -1;
  if (space >= 0)
    d = H5Dcreate2 (loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT,
                    H5P_DEFAULT);
  if (d >= 0)
    rc = H5Dwrite (d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  if (d >= 0 && H5Dclose (d) < 0)
    rc = -1;
  close_space (&space);
  return rc;
}

/* A group whose links remember their creation order, so that readers list
 * populations and variables in config order. */
static hid_t
make_group (hid_t loc, const char *name)
{
  hid_t gcpl = H5Pcreate (H5P_GROUP_CREATE), g = H5I_INVALID_HID;
  if (gcpl >= 0
      && H5Pset_link_creation_order (gcpl, H5P_CRT_ORDER_TRACKED
                                               | H5P_CRT_ORDER_INDEXED) >= 0)
    g = H5Gcreate2 (loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  close_plist (&gcpl);
  return g;
}

/* Creation property list of an extendible dataset: chunked, shuffled and
 * deflated at `level` (no filters at level 0). */
static hid_t
chunked_dcpl (int rank, const hsize_t *chunk, int level)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  if (dcpl < 0)
    return dcpl;
  if (H5Pset_chunk (dcpl, rank, chunk) < 0
      || (level > 0
          && (H5Pset_shuffle (dcpl) < 0
              || H5Pset_deflate (dcpl, (unsigned) level) < 0)))
    close_plist (&dcpl);
  return dcpl;
}

/* ---- sampling grid ------------------------------------------------------- */

static double
grid_time (const credo_rec_spec *s, unsigned long long k)
{
  return s->start + (double) k * s->every;
}

/* Number of grid times start + k*every <= limit. */
static unsigned long long
grid_count (const credo_rec_spec *s, double limit)
{
  double q;
  unsigned long long k;
  if (!(s->every > 0) || !(s->start <= limit))
    return 0;
  q = floor ((limit - s->start) / s->every);
  if (!(q < 1e18))
    return 0; /* unbounded: nothing sensible to announce */
  k = (unsigned long long) q;
  while (grid_time (s, k + 1) <= limit)
    k++;
  while (k > 0 && grid_time (s, k) > limit)
    k--;
  return k + 1;
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
  m = make_group (g, "mapping");
  if (m < 0)
    {
      rc = h5_fail (r, "cannot create", "mapping");
      goto out;
    }
  for (i = 0; i < n; i++)
    {
      ids[i] = p->spec->units ? p->spec->units[i] : i;
      sorted = sorted && (i == 0 || ids[i] > ids[i - 1]);
    }
  if (dataset_1d (m, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, n, ids) < 0
      || (d = H5Dopen2 (m, "node_ids", H5P_DEFAULT)) < 0
      || attr_scalar (d, "sorted", H5T_STD_U8LE, H5T_NATIVE_UINT8, &sorted) < 0)
    {
      rc = h5_fail (r, "cannot write", "mapping/node_ids");
      goto out;
    }
  close_obj (&d);
  for (i = 0; i <= n; i++)
    ids[i] = i;
  if (dataset_1d (m, "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                  n + 1, ids) < 0)
    {
      rc = h5_fail (r, "cannot write", "mapping/index_pointers");
      goto out;
    }
  if (dataset_1d (m, "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, n,
                  zeros) < 0)
    {
      rc = h5_fail (r, "cannot write", "mapping/element_ids");
      goto out;
    }

  /* time: announce the planned grid; close rewrites it with the rows
   * actually recorded. */
  grid_triple (p, p->planned, triple);
  if (dataset_1d (m, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, triple) < 0
      || (p->grid = H5Dopen2 (m, "time", H5P_DEFAULT)) < 0
      || attr_string (p->grid, "units", "ms") < 0)
    {
      rc = h5_fail (r, "cannot write", "mapping/time");
      goto out;
    }

  chunk = p->chunk_rows;
  if (chunk < TIMES_MIN_CHUNK && !(p->planned && p->planned < TIMES_MIN_CHUNK))
    chunk = TIMES_MIN_CHUNK;
  space = H5Screate_simple (1, &dim, &maxdim);
  dcpl = chunked_dcpl (1, &chunk, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (p->times = H5Dcreate2 (m, "timestamps", H5T_IEEE_F64LE, space,
                                 H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0
      || attr_string (p->times, "units", "ms") < 0)
    rc = h5_fail (r, "cannot create", "mapping/timestamps");

out:
  close_plist (&dcpl);
  close_space (&space);
  close_obj (&d);
  close_obj (&m);
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
      g = make_group (r->file, p->where);
      if (g < 0)
        return h5_fail (r, "cannot create", p->where);
      close_obj (&g);
    }
  else if (have_pop < 0)
    return h5_fail (r, "cannot create", p->where);
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

  g = make_group (r->file, p->where);
  if (g < 0)
    return h5_fail (r, "cannot create", p->where);
  if (attr_string (g, "variable", s->var_name) < 0
      || attr_string (g, "kind", kind_name (s->kind)) < 0
      || attr_string (g, "population", pop_name) < 0
      || attr_string (g, "model", pop->model->name) < 0
      || attr_double (g, "start", s->start) < 0
      || attr_double (g, "stop", s->stop) < 0
      || attr_double (g, "every", s->every) < 0)
    {
      rc = h5_fail (r, "cannot write attributes of", p->where);
      goto out;
    }

  dims[0] = 0;
  dims[1] = p->n_units;
  maxdims[0] = H5S_UNLIMITED;
  maxdims[1] = p->n_units;
  chunk[0] = p->chunk_rows;
  chunk[1] = cols;
  space = H5Screate_simple (2, dims, maxdims);
  dcpl = chunked_dcpl (2, chunk, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (p->data = H5Dcreate2 (g, "data",
                                s->float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE,
                                space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0
      || attr_string (p->data, "units", unit_of (pop->model, s)) < 0)
    {
      rc = h5_fail (r, "cannot create", p->where);
      goto out;
    }
  rc = make_mapping (r, p, g);

out:
  close_plist (&dcpl);
  close_space (&space);
  close_obj (&g);
  return rc;
}

/* ---- weight snapshots ---------------------------------------------------- */

#define WCHUNK_MAX_SNAPS 256 /* snapshots per chunk of a small projection */

/* Points the snapshot grid at index k, or at INFINITY past the stop. */
static void
weights_seek (credo_recorder *r, unsigned long long k)
{
  const credo_weights_spec *w = &r->spec->weights;
  r->wk = k;
  r->wnext = credo__weights_time (w, k);
  if (!(r->wnext <= w->stop) || k >= r->wplanned)
    r->wnext = INFINITY;
}

/* Whether a snapshot is due at exactly t.  A snapshot time before t means
 * the driver skipped it: warn once and move on to t. */
static int
weights_due (credo_recorder *r, double t)
{
  const credo_weights_spec *w = &r->spec->weights;
  if (r->wnext < t)
    {
      double q = ceil ((t - w->start) / w->every);
      unsigned long long k = q > 0 ? (unsigned long long) q : 0;
      while (credo__weights_time (w, k) < t)
        k++;
      while (k > 0 && credo__weights_time (w, k - 1) >= t)
        k--;
      if (!r->wwarned)
        credo__log (r->ctx, CREDO_LOG_WARN,
                    "/weights: snapshots between t=%g and t=%g ms were "
                    "skipped", r->wnext, t);
      r->wwarned = 1;
      weights_seek (r, k);
    }
  return r->wnext == t;
}

/* Chunk shape of a [snapshot x rows x cols] data set: several snapshots of
 * a small projection per chunk (at most the planned number), or a block of
 * about CHUNK_BYTES of one snapshot of a large one. */
static void
weights_chunk (size_t rows, size_t cols, size_t elem,
               unsigned long long planned, hsize_t chunk[3])
{
  double per = (double) rows * (double) cols * (double) elem;
  if (per <= CHUNK_BYTES)
    {
      size_t k = per > 0 ? (size_t) (CHUNK_BYTES / per) : 1;
      if (k > WCHUNK_MAX_SNAPS)
        k = WCHUNK_MAX_SNAPS;
      if (planned && k > planned)
        k = (size_t) planned;
      chunk[0] = k ? k : 1;
      chunk[1] = rows;
      chunk[2] = cols;
    }
  else
    {
      size_t cc = cols < CHUNK_MAX_COLS ? cols : CHUNK_MAX_COLS;
      size_t cr = CHUNK_BYTES / (cc * elem);
      chunk[0] = 1;
      chunk[1] = cr < 1 ? 1 : cr > rows ? rows : cr;
      chunk[2] = cc;
    }
}

/* /weights/<projection>: its group, attributes and data sets. */
static int
make_wsnap (credo_recorder *r, hid_t wg, size_t i)
{
  const credo_weights_spec *ws = &r->spec->weights;
  wsnap *w = &r->ws[i];
  const credo_proj *pr = w->proj;
  const char *name = pr->spec->name;
  const char *rule = pr->spec->plast.rule ? pr->spec->plast.rule->name
                                          : "static";
  size_t elem = ws->float32 ? sizeof (float) : sizeof (double), len;
  hid_t g = H5I_INVALID_HID, space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
  hsize_t dims[3], maxdims[3], chunk[3], tdim = 0, tmax = H5S_UNLIMITED, tch;
  int rc = 0;

  len = strlen (name) + sizeof "/weights/";
  if (!(w->where = malloc (len)))
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  snprintf (w->where, len, "/weights/%s", name);
  g = make_group (wg, name);
  if (g < 0)
    return h5_fail (r, "cannot create", w->where);
  if (attr_string (g, "pre", pr->pre->spec->name) < 0
      || attr_string (g, "post", pr->post->spec->name) < 0
      || attr_string (g, "pre_port",
                      pr->pre->model->outputs[pr->spec->pre_port].name) < 0
      || attr_string (g, "post_port",
                      pr->post->model->inputs[pr->spec->post_port].name) < 0
      || attr_string (g, "connectivity",
                      pr->spec->conn == CREDO_CONN_ONE_TO_ONE ? "one_to_one"
                                                              : "dense") < 0
      || attr_string (g, "rule", rule) < 0)
    {
      rc = h5_fail (r, "cannot write attributes of", w->where);
      goto out;
    }

  dims[0] = 0;
  dims[1] = maxdims[1] = pr->rows;
  dims[2] = maxdims[2] = pr->cols;
  maxdims[0] = H5S_UNLIMITED;
  weights_chunk (pr->rows, pr->cols, elem, r->wplanned, chunk);
  space = H5Screate_simple (3, dims, maxdims);
  dcpl = chunked_dcpl (3, chunk, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (w->data = H5Dcreate2 (g, "data",
                                ws->float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE,
                                space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
    {
      rc = h5_fail (r, "cannot create the data of", w->where);
      goto out;
    }
  close_plist (&dcpl);
  close_space (&space);

  tch = r->wplanned && r->wplanned < TIMES_MIN_CHUNK ? r->wplanned
                                                      : TIMES_MIN_CHUNK;
  space = H5Screate_simple (1, &tdim, &tmax);
  dcpl = chunked_dcpl (1, &tch, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (w->times = H5Dcreate2 (g, "times", H5T_IEEE_F64LE, space,
                                 H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0
      || attr_string (w->times, "units", "ms") < 0)
    rc = h5_fail (r, "cannot create the times of", w->where);

out:
  close_plist (&dcpl);
  close_space (&space);
  close_obj (&g);
  return rc;
}

/* The /weights group and one subgroup per recorded projection. */
static int
make_weights (credo_recorder *r)
{
  const credo_weights_spec *ws = &r->spec->weights;
  size_t i, max_w = 0;
  hid_t wg;
  int rc = 0;

  if (ws->n == 0 || !(ws->every > 0))
    {
      r->wnext = INFINITY;
      return 0;
    }
  if (!(r->ws = credo__calloc (ws->n, sizeof *r->ws)))
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  r->n_ws = ws->n;
  for (i = 0; i < ws->n; i++)
    r->ws[i].data = r->ws[i].times = H5I_INVALID_HID;
  for (i = 0; i < ws->n; i++)
    {
      if (!ws->projs || ws->projs[i] < 0
          || (size_t) ws->projs[i] >= r->net->n_projs)
        return credo__error (r->ctx, CREDO_EINVAL,
                             "%s: weights entry %zu is malformed", r->part,
                             i);
      r->ws[i].proj = &r->net->projs[ws->projs[i]];
      if (r->ws[i].proj->rows * r->ws[i].proj->cols > max_w)
        max_w = r->ws[i].proj->rows * r->ws[i].proj->cols;
    }
  if (ws->float32 && !(r->wbuf = credo__calloc (max_w, sizeof (float))))
    return credo__error (r->ctx, CREDO_ENOMEM,
                         "out of memory for the weights buffer");
  r->wplanned = credo__weights_count (ws);
  weights_seek (r, 0);

  wg = make_group (r->file, "weights");
  if (wg < 0)
    return h5_fail (r, "cannot create", "/weights");
  if (attr_double (wg, "every", ws->every) < 0
      || attr_double (wg, "start", ws->start) < 0
      || attr_double (wg, "stop", ws->stop) < 0)
    rc = h5_fail (r, "cannot write attributes of", "/weights");
  for (i = 0; !rc && i < r->n_ws; i++)
    rc = make_wsnap (r, wg, i);
  close_obj (&wg);
  return rc;
}

/* Appends the weights of w's projection at time t (plastic: from the state
 * y; static: the fixed matrix) and the time. */
static int
write_snapshot (credo_recorder *r, wsnap *w, double t, const double *y)
{
  const credo_proj *pr = w->proj;
  size_t n = pr->rows * pr->cols, j;
  const double *src = pr->plastic ? y + pr->w_offset : pr->w;
  const void *buf = src;
  hid_t mtype = H5T_NATIVE_DOUBLE;
  hsize_t dims[3], start[3] = { 0, 0, 0 }, count[3], one = 1;
  hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  int rc = 0;

  if (r->spec->weights.float32)
    {
      float *f = r->wbuf;
      for (j = 0; j < n; j++)
        f[j] = (float) src[j];
      buf = f;
      mtype = H5T_NATIVE_FLOAT;
    }
  dims[0] = w->rows + 1;
  dims[1] = count[1] = pr->rows;
  dims[2] = count[2] = pr->cols;
  start[0] = w->rows;
  count[0] = 1;
  if (H5Dset_extent (w->data, dims) < 0
      || (fs = H5Dget_space (w->data)) < 0
      || H5Sselect_hyperslab (fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0
      || (ms = H5Screate_simple (3, count, NULL)) < 0
      || H5Dwrite (w->data, mtype, ms, fs, H5P_DEFAULT, buf) < 0)
    {
      rc = h5_fail (r, "cannot write", w->where);
      goto out;
    }
  close_space (&fs);
  close_space (&ms);
  if (H5Dset_extent (w->times, dims) < 0
      || (fs = H5Dget_space (w->times)) < 0
      || H5Sselect_hyperslab (fs, H5S_SELECT_SET, start, NULL, &one, NULL) < 0
      || (ms = H5Screate_simple (1, &one, NULL)) < 0
      || H5Dwrite (w->times, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &t) < 0)
    {
      rc = h5_fail (r, "cannot write the times of", w->where);
      goto out;
    }
  w->rows++;

out:
  close_space (&fs);
  close_space (&ms);
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
  const char *method = s->solver.method == CREDO_METHOD_ADAMS ? "adams" : "bdf";
  int euler = s->solver.engine == CREDO_ENGINE_EULER;
  char when[64], host[256], h5ver[64];
  unsigned maj = 0, min = 0, rel = 0;
  iso_now (when, sizeof when);
  if (gethostname (host, sizeof host) != 0)
    snprintf (host, sizeof host, "unknown");
  host[sizeof host - 1] = '\0';
  H5get_libversion (&maj, &min, &rel);
  snprintf (h5ver, sizeof h5ver, "%u.%u.%u", maj, min, rel);
  if (attr_string (r->file, "credo_version", credo_version ()) < 0
      || attr_string (r->file, "config", s->text) < 0
      || attr_string (r->file, "config_path", s->path) < 0
      || attr_u64 (r->file, "seed", (uint64_t) s->seed) < 0
      || attr_double (r->file, "duration", s->duration) < 0
      || attr_double (r->file, "rtol", s->solver.rtol) < 0
      || attr_double (r->file, "atol", s->solver.atol) < 0
      || attr_string (r->file, "method", method) < 0
      || attr_string (r->file, "linear_solver",
                      meta ? meta->linear_solver : NULL) < 0
      || attr_string (r->file, "engine", meta ? meta->engine : NULL) < 0
      || attr_string (r->file, "engine_kind", euler ? "euler" : "cvode") < 0
      || (euler && attr_double (r->file, "dt", s->solver.dt) < 0)
      || attr_string (r->file, "command_line",
                      meta ? meta->command_line : NULL) < 0
      || attr_string (r->file, "start_time", when) < 0
      || attr_string (r->file, "host", host) < 0
      || attr_string (r->file, "sundials_version", SUNDIALS_VERSION) < 0
      || attr_string (r->file, "hdf5_version", h5ver) < 0
      || attr_string (r->file, "blas", credo_blas_name ()) < 0
      || attr_string (r->file, "time_units", "ms") < 0
      || attr_string (r->file, "status", "running") < 0)
    return h5_fail (r, "cannot write the run attributes", NULL);
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
      close_obj (&p->data);
      close_obj (&p->times);
      close_obj (&p->grid);
      free (p->var);
      free (p->where);
      free (p->buf);
      free (p->tbuf);
    }
  for (i = 0; i < r->n_ws; i++)
    {
      close_obj (&r->ws[i].data);
      close_obj (&r->ws[i].times);
      free (r->ws[i].where);
    }
  for (i = 0; i < r->n_lcols; i++)
    close_obj (&r->ldata[i]);
  free (r->ldata);
  close_obj (&r->ltimes);
  close_obj (&r->lgroup);
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
      h5_reason (reason);
      credo__error (ctx, CREDO_EIO, "%s: cannot create: %s", r->part,
                    err ? strerror (err) : reason);
      close_plist (&fapl);
      rec_destroy (r);
      return NULL;
    }
  close_plist (&fapl);

  rc = write_root_attrs (r, meta);
  if (!rc)
    {
      hid_t g = make_group (r->file, "report");
      if (g < 0)
        rc = h5_fail (r, "cannot create", "/report");
      close_obj (&g);
    }
  r->n_reps = spec->n_recs;
  for (i = 0; !rc && i < spec->n_recs; i++)
    rc = make_report (r, i);
  if (!rc)
    rc = make_weights (r);
  if (!rc && H5Fflush (r->file, H5F_SCOPE_GLOBAL) < 0)
    rc = h5_fail (r, "cannot flush", NULL);
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
      rc = h5_fail (r, "cannot write", p->where);
      goto out;
    }
  close_space (&fs);
  close_space (&ms);
  if (H5Dset_extent (p->times, dims) < 0
      || (fs = H5Dget_space (p->times)) < 0
      || H5Sselect_hyperslab (fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0
      || (ms = H5Screate_simple (1, count, NULL)) < 0
      || H5Dwrite (p->times, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT,
                   p->tbuf) < 0)
    {
      rc = h5_fail (r, "cannot write the timestamps of", p->where);
      goto out;
    }
  p->rows += p->fill;
  p->fill = 0;
  /* after a partial (flushed) block, the next one ends on a chunk boundary
   * again so that later blocks each fill whole chunks */
  p->block = p->chunk_rows - (size_t) (p->rows % p->chunk_rows);

out:
  close_space (&fs);
  close_space (&ms);
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
    rc = h5_fail (r, "cannot flush", NULL);
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
      double q = ceil ((t - s->start) / s->every);
      unsigned long long k = q > 0 ? (unsigned long long) q : 0;
      while (grid_time (s, k) < t)
        k++;
      while (k > 0 && grid_time (s, k - 1) >= t)
        k--;
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
 * exactly t, and the weight snapshots due at t.  step != 0: an integrator step; records every step report
 * whose window holds t.  Ports are evaluated once, only when a due report
 * needs them.  Returns 0 or CREDO_EIO. */
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
  if (!step && r->n_ws && r->wnext <= t && weights_due (r, t))
    {
      for (i = 0; i < r->n_ws; i++)
        if ((e = write_snapshot (r, &r->ws[i], t, y)) != 0 && !rc)
          rc = e;
      weights_seek (r, r->wk + 1);
    }
  if (r->spec->flush_seconds > 0
      && credo__wall_seconds () - r->last_flush >= r->spec->flush_seconds
      && (e = flush_all (r)) != 0 && !rc)
    rc = e;
  return rc;
}

/* ---- learning curves ------------------------------------------------------ */

/* An empty extendible 1-D float64 dataset. */
static hid_t
series_1d (hid_t loc, const char *name)
{
  hsize_t dim = 0, maxdim = H5S_UNLIMITED, chunk = 256;
  hid_t space = H5Screate_simple (1, &dim, &maxdim), d = H5I_INVALID_HID;
  hid_t dcpl = chunked_dcpl (1, &chunk, 0);
  if (space >= 0 && dcpl >= 0)
    d = H5Dcreate2 (loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl,
                    H5P_DEFAULT);
  close_plist (&dcpl);
  close_space (&space);
  return d;
}

/* Appends v as element `row` of a dataset made by series_1d. */
static herr_t
series_put (hid_t d, hsize_t row, double v)
{
  hsize_t n = row + 1, one = 1;
  hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  herr_t rc = -1;
  if (H5Dset_extent (d, &n) < 0)
    return -1;
  fs = H5Dget_space (d);
  ms = H5Screate_simple (1, &one, NULL);
  if (fs >= 0 && ms >= 0
      && H5Sselect_hyperslab (fs, H5S_SELECT_SET, &row, NULL, &one, NULL) >= 0)
    rc = H5Dwrite (d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &v);
  close_space (&fs);
  close_space (&ms);
  return rc;
}

int
credo__rec_learning_open (credo_recorder *r, size_t n,
                          const char *const *names, const char *const *docs,
                          double mean_predictor_error)
{
  if (!(r->ldata = credo__calloc (n ? n : 1, sizeof *r->ldata)))
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    r->ldata[i] = H5I_INVALID_HID;
  r->n_lcols = n;
  if ((r->lgroup = make_group (r->file, "learning")) < 0)
    return h5_fail (r, "cannot create", "/learning");
  if (attr_double (r->lgroup, "mean_predictor_error", mean_predictor_error)
          < 0
      || attr_string (r->lgroup, "test_error_definition",
                      "mean over the test samples of sum_j (out_j - "
                      "target_j)^2; mean_predictor_error is the same for "
                      "out = the mean test target") < 0)
    return h5_fail (r, "cannot write attributes of", "/learning");
  if ((r->ltimes = series_1d (r->lgroup, "times")) < 0
      || attr_string (r->ltimes, "units", "ms") < 0)
    return h5_fail (r, "cannot create", "/learning/times");
  for (size_t i = 0; i < n; i++)
    if ((r->ldata[i] = series_1d (r->lgroup, names[i])) < 0
        || attr_string (r->ldata[i], "description", docs[i]) < 0)
      return h5_fail (r, "cannot create /learning/", names[i]);
  return 0;
}

int
credo__rec_learning_row (credo_recorder *r, double t, const double *row)
{
  if (r->lgroup < 0)
    return 0;
  if (series_put (r->ltimes, r->lrows, t) < 0)
    return h5_fail (r, "cannot write", "/learning/times");
  for (size_t i = 0; i < r->n_lcols; i++)
    if (series_put (r->ldata[i], r->lrows, row[i]) < 0)
      return h5_fail (r, "cannot write", "/learning");
  r->lrows++;
  return 0;
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
  hid_t g = make_group (r->file, "solver");
  size_t i;
  int rc = 0;
  if (g < 0)
    return h5_fail (r, "cannot create", "/solver");
  for (i = 0; st && i < sizeof stat_fields / sizeof stat_fields[0]; i++)
    {
      long v;
      int64_t v64;
      memcpy (&v, (const char *) st + stat_fields[i].offset, sizeof v);
      v64 = v;
      if (dataset_scalar (g, stat_fields[i].name, H5T_STD_I64LE,
                          H5T_NATIVE_INT64, &v64) < 0)
        {
          rc = h5_fail (r, "cannot write /solver/", stat_fields[i].name);
          break;
        }
    }
  if (!rc
      && ((st && dataset_scalar (g, "wall_seconds", H5T_IEEE_F64LE,
                                 H5T_NATIVE_DOUBLE, &st->wall_seconds) < 0)
          || dataset_scalar (g, "t_end", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                             &t_end) < 0))
    rc = h5_fail (r, "cannot write", "/solver");
  close_obj (&g);
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
        rc = h5_fail (r, "cannot write the mapping/time of", p->where);
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
  if (attr_string (r->file, "status",
                   status ? status : r->failed ? (final ? final : "failed")
                   : "ok") < 0
      || attr_double (r->file, "t_end", t_end) < 0)
    {
      e = h5_fail (r, "cannot write the status attribute", NULL);
      rc = rc ? rc : e;
    }
  free (final);

  for (i = 0; i < r->n_reps; i++)
    {
      close_obj (&r->reps[i].data);
      close_obj (&r->reps[i].times);
      close_obj (&r->reps[i].grid);
    }
  for (i = 0; i < r->n_ws; i++)
    {
      close_obj (&r->ws[i].data);
      close_obj (&r->ws[i].times);
    }
  for (i = 0; i < r->n_lcols; i++)
    close_obj (&r->ldata[i]);
  close_obj (&r->ltimes);
  close_obj (&r->lgroup);
  open_objs = H5Fget_obj_count (r->file, H5F_OBJ_LOCAL | H5F_OBJ_DATASET
                                             | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE
                                             | H5F_OBJ_ATTR);
  if (open_objs != 0 && !rc)
    rc = rec_fail (r, "closing with", NULL,
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
      h5_reason (reason);
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
