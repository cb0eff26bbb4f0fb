/* src/record/learning.c -- what a plastic run records besides its
 * reports: /weights (snapshots of every projection's weights on their own
 * grid) and /learning (one row of learning curves per evaluation).  The
 * layout is described in recorder.c.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_impl.h"

/* ---- weight snapshots ---------------------------------------------------- */

#define WCHUNK_MAX_SNAPS 256 /* snapshots per chunk of a small projection */

/* Points the snapshot grid at index k, or at INFINITY past the stop. */
void
credo__rec_weights_seek (credo_recorder *r, unsigned long long k)
{
  const credo_weights_spec *w = &r->spec->weights;
  r->wk = k;
  r->wnext = credo__weights_time (w, k);
  if (!(r->wnext <= w->stop) || k >= r->wplanned)
    r->wnext = INFINITY;
}

/* Whether a snapshot is due at exactly t.  A snapshot time before t means
 * the driver skipped it: warn once and move on to t. */
int
credo__rec_weights_due (credo_recorder *r, double t)
{
  const credo_weights_spec *w = &r->spec->weights;
  if (r->wnext < t)
    {
      unsigned long long k = credo__grid_first_at (w->start, w->every, t);
      if (!r->wwarned)
        credo__log (r->ctx, CREDO_LOG_WARN,
                    "/weights: snapshots between t=%g and t=%g ms were "
                    "skipped", r->wnext, t);
      r->wwarned = 1;
      credo__rec_weights_seek (r, k);
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
  const credo_rec_weights *pr = &w->src;
  const char *name = pr->name;
  const char *const names[][2] = {
    { "pre", pr->pre },
    { "post", pr->post },
    { "pre_port", pr->pre_port },
    { "post_port", pr->post_port },
    { "connectivity", pr->connectivity },
    { "rule", pr->rule },
  };
  size_t elem = ws->float32 ? sizeof (float) : sizeof (double), len;
  hid_t g = H5I_INVALID_HID, space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
  hsize_t dims[3], maxdims[3], chunk[3], tdim = 0, tmax = H5S_UNLIMITED, tch;
  int rc = 0;

  len = strlen (name) + sizeof "/weights/";
  if (!(w->where = malloc (len)))
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  snprintf (w->where, len, "/weights/%s", name);
  g = credo__h5_group (wg, name);
  if (g < 0)
    return credo__rec_h5_fail (r, "cannot create", w->where);
  if (credo__h5_attr_strings (g, sizeof names / sizeof *names, names) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write attributes of", w->where);
      goto out;
    }

  dims[0] = 0;
  dims[1] = maxdims[1] = pr->rows;
  dims[2] = maxdims[2] = pr->cols;
  maxdims[0] = H5S_UNLIMITED;
  weights_chunk (pr->rows, pr->cols, elem, r->wplanned, chunk);
  space = H5Screate_simple (3, dims, maxdims);
  dcpl = credo__h5_chunked_dcpl (3, chunk, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (w->data = H5Dcreate2 (g, "data",
                                ws->float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE,
                                space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot create the data of", w->where);
      goto out;
    }
  credo__h5_close_plist (&dcpl);
  credo__h5_close_space (&space);

  tch = r->wplanned && r->wplanned < TIMES_MIN_CHUNK ? r->wplanned
                                                      : TIMES_MIN_CHUNK;
  space = H5Screate_simple (1, &tdim, &tmax);
  dcpl = credo__h5_chunked_dcpl (1, &tch, r->spec->compression);
  if (space < 0 || dcpl < 0
      || (w->times = H5Dcreate2 (g, "times", H5T_IEEE_F64LE, space,
                                 H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0
      || credo__h5_attr_string (w->times, "units", "ms") < 0)
    rc = credo__rec_h5_fail (r, "cannot create the times of", w->where);

out:
  credo__h5_close_plist (&dcpl);
  credo__h5_close_space (&space);
  credo__h5_close (&g);
  return rc;
}

/* The /weights group and one subgroup per recorded projection, whose
 * weights come from src[0 .. ws->n - 1]. */
int
credo__rec_weights_open (credo_recorder *r, const credo_rec_weights *src)
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
      if (!src || !src[i].name)
        return credo__error (r->ctx, CREDO_EINVAL,
                             "%s: weights entry %zu is malformed", r->part,
                             i);
      r->ws[i].src = src[i];
      if (src[i].rows * src[i].cols > max_w)
        max_w = src[i].rows * src[i].cols;
    }
  if (ws->float32 && !(r->wbuf = credo__calloc (max_w, sizeof (float))))
    return credo__error (r->ctx, CREDO_ENOMEM,
                         "out of memory for the weights buffer");
  r->wplanned = credo__weights_count (ws);
  credo__rec_weights_seek (r, 0);

  wg = credo__h5_group (r->file, "weights");
  if (wg < 0)
    return credo__rec_h5_fail (r, "cannot create", "/weights");
  if (credo__h5_attr_double (wg, "every", ws->every) < 0
      || credo__h5_attr_double (wg, "start", ws->start) < 0
      || credo__h5_attr_double (wg, "stop", ws->stop) < 0)
    rc = credo__rec_h5_fail (r, "cannot write attributes of", "/weights");
  for (i = 0; !rc && i < r->n_ws; i++)
    rc = make_wsnap (r, wg, i);
  credo__h5_close (&wg);
  return rc;
}

/* Appends the weights of w's projection at time t (plastic: from the state
 * y; static: the fixed matrix) and the time. */
int
credo__rec_weights_write (credo_recorder *r, wsnap *w, double t,
                          const double *y)
{
  const credo_rec_weights *pr = &w->src;
  size_t n = pr->rows * pr->cols, j;
  const double *src = pr->w ? pr->w : y + pr->offset;
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
      rc = credo__rec_h5_fail (r, "cannot write", w->where);
      goto out;
    }
  credo__h5_close_space (&fs);
  credo__h5_close_space (&ms);
  if (H5Dset_extent (w->times, dims) < 0
      || (fs = H5Dget_space (w->times)) < 0
      || H5Sselect_hyperslab (fs, H5S_SELECT_SET, start, NULL, &one, NULL) < 0
      || (ms = H5Screate_simple (1, &one, NULL)) < 0
      || H5Dwrite (w->times, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &t) < 0)
    {
      rc = credo__rec_h5_fail (r, "cannot write the times of", w->where);
      goto out;
    }
  w->rows++;

out:
  credo__h5_close_space (&fs);
  credo__h5_close_space (&ms);
  return rc;
}

/* ---- learning curves ------------------------------------------------------ */

/* An empty extendible 1-D float64 dataset. */
static hid_t
series_1d (hid_t loc, const char *name)
{
  hsize_t dim = 0, maxdim = H5S_UNLIMITED, chunk = 256;
  hid_t space = H5Screate_simple (1, &dim, &maxdim), d = H5I_INVALID_HID;
  hid_t dcpl = credo__h5_chunked_dcpl (1, &chunk, 0);
  if (space >= 0 && dcpl >= 0)
    d = H5Dcreate2 (loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl,
                    H5P_DEFAULT);
  credo__h5_close_plist (&dcpl);
  credo__h5_close_space (&space);
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
  credo__h5_close_space (&fs);
  credo__h5_close_space (&ms);
  return rc;
}

int
credo__rec_learning_open (credo_recorder *r, size_t n,
                          const char *const *names, const char *const *docs,
                          double mean_predictor_error, const char *x_unit)
{
  if (r->swmr)
    return credo__rec_fail (r, "cannot create", "/learning",
                            "the run has started (internal error)");
  if (!(r->ldata = credo__calloc (n ? n : 1, sizeof *r->ldata)))
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    r->ldata[i] = H5I_INVALID_HID;
  r->n_lcols = n;
  if ((r->lgroup = credo__h5_group (r->file, "learning")) < 0)
    return credo__rec_h5_fail (r, "cannot create", "/learning");
  r->learning = 1;
  if (credo__h5_attr_double (r->lgroup, "mean_predictor_error",
                             mean_predictor_error) < 0
      || credo__h5_attr_string (
             r->lgroup, "test_error_definition",
             "mean over the test samples of sum_j (out_j - "
             "target_j)^2; mean_predictor_error is the same for "
             "out = the mean test target") < 0)
    return credo__rec_h5_fail (r, "cannot write attributes of", "/learning");
  if ((r->ltimes = series_1d (r->lgroup, "times")) < 0
      || credo__h5_attr_string (r->ltimes, "units", x_unit ? x_unit : "ms")
             < 0)
    return credo__rec_h5_fail (r, "cannot create", "/learning/times");
  for (size_t i = 0; i < n; i++)
    if ((r->ldata[i] = series_1d (r->lgroup, names[i])) < 0
        || credo__h5_attr_string (r->ldata[i], "description", docs[i]) < 0)
      return credo__rec_h5_fail (r, "cannot create /learning/", names[i]);
  return 0;
}

int
credo__rec_learning_row (credo_recorder *r, double t, const double *row)
{
  int rc;
  if (!r->learning)
    return 0;
  if (r->failed)
    return CREDO_EIO;
  if ((rc = credo__rec_live (r)))
    return rc;
  if (series_put (r->ltimes, r->lrows, t) < 0)
    return credo__rec_h5_fail (r, "cannot write", "/learning/times");
  for (size_t i = 0; i < r->n_lcols; i++)
    if (series_put (r->ldata[i], r->lrows, row[i]) < 0)
      return credo__rec_h5_fail (r, "cannot write", "/learning");
  r->lrows++;
  return 0;
}

int
credo__rec_learning_matrices (credo_recorder *r, size_t n,
                              const char *const *paths, const size_t *rows,
                              const size_t *cols)
{
  hid_t lcpl;
  if (!r->learning || n == 0)
    return 0;
  if (r->swmr)
    return credo__rec_fail (r, "cannot create", "/learning",
                            "the run has started (internal error)");
  if (!(r->lmat = credo__calloc (n, sizeof *r->lmat))
      || !(r->lmat_shape = credo__calloc (2 * n, sizeof *r->lmat_shape)))
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    r->lmat[i] = H5I_INVALID_HID;
  r->n_lmat = n;
  if ((lcpl = H5Pcreate (H5P_LINK_CREATE)) < 0
      || H5Pset_create_intermediate_group (lcpl, 1) < 0)
    {
      credo__h5_close_plist (&lcpl);
      return credo__rec_h5_fail (r, "cannot create", "/learning");
    }
  for (size_t i = 0; i < n; i++)
    {
      hsize_t dims[3] = { 0, rows[i], cols[i] };
      hsize_t maxdims[3] = { H5S_UNLIMITED, rows[i], cols[i] }, chunk[3];
      hid_t space, dcpl;
      weights_chunk (rows[i], cols[i], sizeof (double), 0, chunk);
      space = H5Screate_simple (3, dims, maxdims);
      dcpl = credo__h5_chunked_dcpl (3, chunk, r->spec->compression);
      if (space >= 0 && dcpl >= 0)
        r->lmat[i] = H5Dcreate2 (r->lgroup, paths[i], H5T_IEEE_F64LE, space,
                                 lcpl, dcpl, H5P_DEFAULT);
      credo__h5_close_plist (&dcpl);
      credo__h5_close_space (&space);
      r->lmat_shape[2 * i] = rows[i];
      r->lmat_shape[2 * i + 1] = cols[i];
      if (r->lmat[i] < 0)
        {
          credo__h5_close_plist (&lcpl);
          return credo__rec_h5_fail (r, "cannot create /learning/", paths[i]);
        }
    }
  credo__h5_close_plist (&lcpl);
  return 0;
}

int
credo__rec_learning_matrix (credo_recorder *r, size_t i, const double *values)
{
  hsize_t n[3], start[3] = { r->lrows, 0, 0 }, count[3];
  hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  herr_t rc = -1;
  int e;
  if (!r->learning || i >= r->n_lmat)
    return 0;
  if (r->failed)
    return CREDO_EIO;
  if ((e = credo__rec_live (r)))
    return e;
  n[0] = r->lrows + 1;
  n[1] = count[1] = r->lmat_shape[2 * i];
  n[2] = count[2] = r->lmat_shape[2 * i + 1];
  count[0] = 1;
  if (H5Dset_extent (r->lmat[i], n) >= 0
      && (fs = H5Dget_space (r->lmat[i])) >= 0
      && (ms = H5Screate_simple (3, count, NULL)) >= 0
      && H5Sselect_hyperslab (fs, H5S_SELECT_SET, start, NULL, count, NULL)
             >= 0)
    rc = H5Dwrite (r->lmat[i], H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT,
                   values);
  credo__h5_close_space (&fs);
  credo__h5_close_space (&ms);
  return rc < 0 ? credo__rec_h5_fail (r, "cannot write", "/learning") : 0;
}
