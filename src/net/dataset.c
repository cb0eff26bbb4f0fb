/* src/net/dataset.c -- generated data sets for dataset stimuli (`credo data`).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Two generators write HDF5 files whose [samples x values] matrices feed
 * stimuli of kind "dataset" (src/stimulus.c): the teacher network of
 * SAC18's regression task (Sect. 3.3, Fig. 2) and the 3x3 bars task of the
 * published Latent Equilibrium code (Haider et al., NeurIPS 2021).  See
 * include/credo/credo.h for the contents.  A file is written to PATH.part
 * and renamed into place once complete.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <hdf5.h>

#include "net/net.h"

/* ---- writing ------------------------------------------------------------ */

typedef struct h5out
{
  credo_ctx *ctx;
  const char *path; /* the final name, for messages */
  char *part;       /* PATH.part */
  hid_t file;
  int rc;           /* first error */
  H5E_auto2_t old_func; /* HDF5's error printing, off while writing */
  void *old_data;
} h5out;

static int
out_open (h5out *o, credo_ctx *ctx, const char *path)
{
  size_t len = strlen (path);
  memset (o, 0, sizeof *o);
  o->ctx = ctx;
  o->path = path;
  o->file = -1;
  H5Eget_auto2 (H5E_DEFAULT, &o->old_func, &o->old_data);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (!(o->part = malloc (len + 6)))
    return o->rc = credo__error (ctx, CREDO_ENOMEM, "out of memory");
  memcpy (o->part, path, len);
  memcpy (o->part + len, ".part", 6);
  o->file = H5Fcreate (o->part, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (o->file < 0)
    return o->rc = credo__error (ctx, CREDO_EIO, "%s: cannot create the "
                                 "file", o->part);
  return 0;
}

static void
out_fail (h5out *o, const char *what)
{
  if (!o->rc)
    o->rc = credo__error (o->ctx, CREDO_EIO, "%s: cannot write %s", o->part,
                          what);
}

/* A rows x cols dataset (cols == 0: a 1-D dataset of rows) of `mtype`. */
static void
out_matrix (h5out *o, const char *name, hid_t ftype, hid_t mtype,
            const void *data, size_t rows, size_t cols)
{
  hsize_t dims[2] = { rows, cols };
  hid_t space, dset;
  if (o->rc)
    return;
  space = H5Screate_simple (cols ? 2 : 1, dims, NULL);
  dset = space >= 0 ? H5Dcreate2 (o->file, name, ftype, space, H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT)
                    : -1;
  if (dset < 0 || H5Dwrite (dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                            data) < 0)
    out_fail (o, name);
  if (dset >= 0)
    H5Dclose (dset);
  if (space >= 0)
    H5Sclose (space);
}

static void
out_doubles (h5out *o, const char *name, const double *v, size_t rows,
             size_t cols)
{
  out_matrix (o, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, rows, cols);
}

/* A root attribute: n numbers of `mtype` (n == 1: a scalar). */
static void
out_attr (h5out *o, const char *name, hid_t ftype, hid_t mtype,
          const void *v, size_t n)
{
  hsize_t dims[1] = { n };
  hid_t space, attr;
  if (o->rc)
    return;
  space = n == 1 ? H5Screate (H5S_SCALAR) : H5Screate_simple (1, dims, NULL);
  attr = space >= 0 ? H5Acreate2 (o->file, name, ftype, space, H5P_DEFAULT,
                                  H5P_DEFAULT)
                    : -1;
  if (attr < 0 || H5Awrite (attr, mtype, v) < 0)
    out_fail (o, name);
  if (attr >= 0)
    H5Aclose (attr);
  if (space >= 0)
    H5Sclose (space);
}

static void
out_attr_double (h5out *o, const char *name, double v)
{
  out_attr (o, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, 1);
}

static void
out_attr_string (h5out *o, const char *name, const char *s)
{
  hid_t type, space, attr;
  if (o->rc)
    return;
  type = H5Tcopy (H5T_C_S1);
  H5Tset_size (type, strlen (s) + 1);
  H5Tset_cset (type, H5T_CSET_UTF8);
  space = H5Screate (H5S_SCALAR);
  attr = H5Acreate2 (o->file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (attr < 0 || H5Awrite (attr, type, s) < 0)
    out_fail (o, name);
  if (attr >= 0)
    H5Aclose (attr);
  H5Sclose (space);
  H5Tclose (type);
}

/* The attributes both generators write. */
static void
out_common (h5out *o, const char *generator, const char *description,
            unsigned long seed, const credo_transfer *phi)
{
  uint64_t s = seed;
  out_attr_string (o, "generator", generator);
  out_attr_string (o, "description", description);
  out_attr_string (o, "credo_version", credo_version ());
  out_attr (o, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &s, 1);
  out_attr_string (o, "phi", credo_transfer_names[phi->kind]);
  out_attr_double (o, "phi_gain", phi->gain);
  out_attr_double (o, "phi_threshold", phi->threshold);
  out_attr_double (o, "phi_scale", phi->scale);
}

/* Closes the file and renames it into place (or removes it on error). */
static int
out_close (h5out *o)
{
  if (o->file >= 0 && H5Fclose (o->file) < 0)
    out_fail (o, "the file");
  if (!o->rc && rename (o->part, o->path) != 0)
    o->rc = credo__error (o->ctx, CREDO_EIO, "%s: cannot rename to %s: %s",
                          o->part, o->path, strerror (errno));
  if (o->rc && o->part)
    remove (o->part);
  free (o->part);
  H5Eset_auto2 (H5E_DEFAULT, o->old_func, o->old_data);
  return o->rc;
}

static int
check_phi (credo_ctx *ctx, const credo_transfer *phi)
{
  if ((int) phi->kind < 0 || phi->kind > CREDO_TF_HARD_SIGMOID)
    return credo__error (ctx, CREDO_EINVAL, "unknown transfer function %d",
                         (int) phi->kind);
  if (!(isfinite (phi->gain) && isfinite (phi->threshold)
        && isfinite (phi->scale)))
    return credo__error (ctx, CREDO_EINVAL, "phi: gain, threshold and scale "
                         "must be finite");
  return 0;
}

/* ---- teacher ------------------------------------------------------------ */

void
credo_teacher_opts_default (credo_teacher_opts *o)
{
  memset (o, 0, sizeof *o);
  o->n_samples = 10000;
  o->n_test = 1000;
  o->seed = 1;
  o->sizes[0] = 30;
  o->sizes[1] = 20;
  o->sizes[2] = 10;
  o->k10 = 2;
  o->k21 = 10;
  o->phi.kind = CREDO_TF_SOFTPLUS;
  o->phi.gain = 1;
  o->phi.threshold = 3;
  o->phi.scale = 0.1;
}

/* u[n x n2] = k21 W21 phi(k10 W10 r0[n x n0]) and rates = phi(u). */
static void
teacher_forward (const credo_teacher_opts *o, const double *W10,
                 const double *W21, const double *r0, size_t n, double *u,
                 double *rates, double *h)
{
  size_t n0 = o->sizes[0], n1 = o->sizes[1], n2 = o->sizes[2];
  for (size_t k = 0; k < n; k++)
    {
      const double *x = r0 + k * n0;
      double *y = u + k * n2;
      for (size_t i = 0; i < n1; i++)
        {
          double s = 0;
          for (size_t j = 0; j < n0; j++)
            s += W10[i * n0 + j] * x[j];
          h[i] = o->k10 * s;
        }
      credo_transfer_eval (&o->phi, n1, h, h, NULL);
      for (size_t i = 0; i < n2; i++)
        {
          double s = 0;
          for (size_t j = 0; j < n1; j++)
            s += W21[i * n1 + j] * h[j];
          y[i] = o->k21 * s;
        }
      credo_transfer_eval (&o->phi, n2, y, rates + k * n2, NULL);
    }
}

static void
fill_uniform (gsl_rng *rng, double *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    v[i] = 2 * gsl_rng_uniform (rng) - 1; /* U[-1, 1) */
}

int
credo_dataset_teacher (credo_ctx *ctx, const char *path,
                       const credo_teacher_opts *o)
{
  size_t n0, n1, n2, n_all, limit = (size_t) 1 << 40;
  double *W10 = NULL, *W21 = NULL, *r0 = NULL, *u = NULL, *rates = NULL,
         *h = NULL;
  gsl_rng *rng = NULL;
  h5out out;
  int rc;
  char desc[600];

  if (!path || !path[0] || !o)
    return credo__error (ctx, CREDO_EINVAL, "teacher: no output path");
  if ((rc = credo__check_output_path (ctx, path)))
    return rc; /* before anything is drawn */
  n0 = o->sizes[0];
  n1 = o->sizes[1];
  n2 = o->sizes[2];
  if (!n0 || !n1 || !n2 || n0 > 1000000 || n1 > 1000000 || n2 > 1000000)
    return credo__error (ctx, CREDO_EINVAL, "teacher: layer sizes must be in "
                         "1..1000000, not %zu, %zu, %zu", n0, n1, n2);
  if (o->n_samples == 0)
    return credo__error (ctx, CREDO_EINVAL, "teacher: at least one training "
                         "sample is needed");
  n_all = o->n_samples + o->n_test;
  if (n_all < o->n_samples || n_all > limit / (n0 > n2 ? n0 : n2))
    return credo__error (ctx, CREDO_EINVAL, "teacher: too many samples "
                         "(%zu + %zu)", o->n_samples, o->n_test);
  if (!(isfinite (o->k10) && isfinite (o->k21)))
    return credo__error (ctx, CREDO_EINVAL, "teacher: k10 and k21 must be "
                         "finite");
  if ((rc = check_phi (ctx, &o->phi)))
    return rc;

  W10 = credo__calloc (n1 * n0, sizeof *W10);
  W21 = credo__calloc (n2 * n1, sizeof *W21);
  r0 = credo__calloc (n_all * n0, sizeof *r0);
  u = credo__calloc (n_all * n2, sizeof *u);
  rates = credo__calloc (n_all * n2, sizeof *rates);
  h = credo__calloc (n1, sizeof *h);
  rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (!W10 || !W21 || !r0 || !u || !rates || !h || !rng)
    {
      rc = credo__error (ctx, CREDO_ENOMEM, "teacher: out of memory");
      goto done;
    }
  gsl_rng_set (rng, o->seed);
  fill_uniform (rng, W10, n1 * n0);
  fill_uniform (rng, W21, n2 * n1);
  fill_uniform (rng, r0, n_all * n0); /* training rows, then test rows */
  teacher_forward (o, W10, W21, r0, n_all, u, rates, h);

  snprintf (desc, sizeof desc,
            "SAC18 teacher-student regression: teacher %zu-%zu-%zu, weights "
            "and inputs ~ U(-1,1); targets = output-layer potentials u = k21 "
            "W21 phi(k10 W10 r0), target_rates = phi(u), phi = %s(gain %g, "
            "threshold %g, scale %g); k10 = %g, k21 = %g; matrices are "
            "[samples x values]",
            n0, n1, n2, credo_transfer_names[o->phi.kind], o->phi.gain,
            o->phi.threshold, o->phi.scale, o->k10, o->k21);
  if (out_open (&out, ctx, path) == 0)
    {
      size_t nt = o->n_samples;
      uint64_t sizes[3] = { n0, n1, n2 };
      out_doubles (&out, "inputs", r0, nt, n0);
      out_doubles (&out, "targets", u, nt, n2);
      out_doubles (&out, "target_rates", rates, nt, n2);
      if (o->n_test)
        {
          out_doubles (&out, "test_inputs", r0 + nt * n0, o->n_test, n0);
          out_doubles (&out, "test_targets", u + nt * n2, o->n_test, n2);
          out_doubles (&out, "test_target_rates", rates + nt * n2,
                       o->n_test, n2);
        }
      out_doubles (&out, "W10", W10, n1, n0);
      out_doubles (&out, "W21", W21, n2, n1);
      out_common (&out, "credo data teacher", desc, o->seed, &o->phi);
      out_attr (&out, "sizes", H5T_STD_U64LE, H5T_NATIVE_UINT64, sizes, 3);
      out_attr_double (&out, "k10", o->k10);
      out_attr_double (&out, "k21", o->k21);
    }
  rc = out_close (&out);

done:
  gsl_rng_free (rng);
  free (W10);
  free (W21);
  free (r0);
  free (u);
  free (rates);
  free (h);
  return rc;
}

/* ---- bars --------------------------------------------------------------- */

void
credo_bars_opts_default (credo_bars_opts *o)
{
  memset (o, 0, sizeof *o);
  o->seed = 1;
  o->noise = 0;
  o->copies = 1;
  o->rate_on = 1.0;
  o->rate_off = 0.1;
  o->phi.kind = CREDO_TF_SOFTPLUS;
  o->phi.gain = 1;
  o->phi.threshold = 0;
  o->phi.scale = 1;
}

/* The potential u with phi(u) = r, when there is one. */
static int
transfer_inverse (const credo_transfer *f, double r, double *u)
{
  double x; /* beta (u - theta) */
  double y = f->scale != 0 ? r / f->scale : NAN;
  if (!(f->gain != 0) || !isfinite (y))
    return -1;
  switch (f->kind)
    {
    case CREDO_TF_LINEAR:
      x = y;
      break;
    case CREDO_TF_TANH:
      if (!(y > -1 && y < 1))
        return -1;
      x = atanh (y);
      break;
    case CREDO_TF_LOGISTIC:
      if (!(y > 0 && y < 1))
        return -1;
      x = log (y / (1 - y));
      break;
    case CREDO_TF_RELU:
      if (!(y > 0))
        return -1;
      x = y;
      break;
    case CREDO_TF_SOFTPLUS: /* log(1 + e^x) = y */
      if (!(y > 0))
        return -1;
      x = y > 30 ? y + log1p (-exp (-y)) : log (expm1 (y));
      break;
    case CREDO_TF_HARD_SIGMOID:
      if (!(y > 0 && y < 1))
        return -1;
      x = y - 0.5;
      break;
    default:
      return -1;
    }
  *u = f->threshold + x / f->gain;
  return isfinite (*u) ? 0 : -1;
}

/* Pixels of the 8 bar patterns, pattern-major; their classes. */
static const unsigned char bar_pixels[8][3] = {
  { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 }, /* horizontal: rows 0, 1, 2 */
  { 0, 3, 6 }, { 1, 4, 7 }, { 2, 5, 8 }, /* vertical: columns 0, 1, 2 */
  { 0, 4, 8 }, { 2, 4, 6 }               /* diagonals */
};
static const int bar_class[8] = { 0, 0, 0, 1, 1, 1, 2, 2 };

int
credo_dataset_bars (credo_ctx *ctx, const char *path,
                    const credo_bars_opts *o)
{
  double u_on, u_off, *x = NULL, *t = NULL, *r = NULL;
  int32_t *labels = NULL;
  size_t n;
  gsl_rng *rng = NULL;
  h5out out;
  int rc;
  char desc[600];

  if (!path || !path[0] || !o)
    return credo__error (ctx, CREDO_EINVAL, "bars: no output path");
  if ((rc = credo__check_output_path (ctx, path)))
    return rc;
  if (o->copies == 0 || o->copies > ((size_t) 1 << 32))
    return credo__error (ctx, CREDO_EINVAL, "bars: copies must be in "
                         "1..2^32, not %zu", o->copies);
  if (!(o->noise >= 0 && isfinite (o->noise)))
    return credo__error (ctx, CREDO_EINVAL, "bars: noise must be >= 0, not "
                         "%g", o->noise);
  if ((rc = check_phi (ctx, &o->phi)))
    return rc;
  if (transfer_inverse (&o->phi, o->rate_on, &u_on)
      || transfer_inverse (&o->phi, o->rate_off, &u_off))
    return credo__error (ctx, CREDO_EINVAL, "bars: the target rates %g and "
                         "%g must be values of phi = %s(gain %g, threshold "
                         "%g, scale %g)", o->rate_on, o->rate_off,
                         credo_transfer_names[o->phi.kind], o->phi.gain,
                         o->phi.threshold, o->phi.scale);
  n = 8 * o->copies;
  x = credo__calloc (n * 9, sizeof *x);
  t = credo__calloc (n * 3, sizeof *t);
  r = credo__calloc (n * 3, sizeof *r);
  labels = credo__calloc (n, sizeof *labels);
  rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (!x || !t || !r || !labels || !rng)
    {
      rc = credo__error (ctx, CREDO_ENOMEM, "bars: out of memory");
      goto done;
    }
  gsl_rng_set (rng, o->seed);
  for (size_t k = 0; k < n; k++)
    {
      size_t p = k % 8;
      double *row = x + k * 9;
      for (size_t j = 0; j < 3; j++)
        row[bar_pixels[p][j]] = 1.0;
      if (o->noise > 0)
        for (size_t j = 0; j < 9; j++)
          row[j] += gsl_ran_gaussian_ziggurat (rng, o->noise);
      labels[k] = bar_class[p];
      for (int c = 0; c < 3; c++)
        {
          r[k * 3 + (size_t) c] = c == bar_class[p] ? o->rate_on : o->rate_off;
          t[k * 3 + (size_t) c] = c == bar_class[p] ? u_on : u_off;
        }
    }

  snprintf (desc, sizeof desc,
            "3x3 bars (LE code): pixel (row, col) = input 3 row + col, on 1, "
            "off 0, noise N(0, %g^2); patterns per copy: horizontal rows "
            "0-2 (class 0), vertical columns 0-2 (class 1), diagonals 0-4-8 "
            "and 2-4-6 (class 2); target_rates %g (right class) / %g, "
            "targets = potentials u with phi(u) = target_rates, phi = "
            "%s(gain %g, threshold %g, scale %g); matrices are [samples x "
            "values]",
            o->noise, o->rate_on, o->rate_off,
            credo_transfer_names[o->phi.kind], o->phi.gain, o->phi.threshold,
            o->phi.scale);
  if (out_open (&out, ctx, path) == 0)
    {
      uint64_t copies = o->copies;
      out_doubles (&out, "inputs", x, n, 9);
      out_matrix (&out, "labels", H5T_STD_I32LE, H5T_NATIVE_INT32, labels,
                  n, 0);
      out_doubles (&out, "targets", t, n, 3);
      out_doubles (&out, "target_rates", r, n, 3);
      out_common (&out, "credo data bars", desc, o->seed, &o->phi);
      out_attr_double (&out, "noise", o->noise);
      out_attr (&out, "copies", H5T_STD_U64LE, H5T_NATIVE_UINT64, &copies,
                1);
      out_attr_double (&out, "rate_on", o->rate_on);
      out_attr_double (&out, "rate_off", o->rate_off);
    }
  rc = out_close (&out);

done:
  gsl_rng_free (rng);
  free (x);
  free (t);
  free (r);
  free (labels);
  return rc;
}
