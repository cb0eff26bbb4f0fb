/* src/base/datafile.c -- reading numeric matrices from CSV and HDF5 files.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Weight files and stimulus tables are row-major matrices of doubles.  A CSV
 * file has one row per line, numbers separated by commas and/or whitespace,
 * with blank lines and '#' comment lines skipped and one optional
 * non-numeric header line before the first row.  An HDF5 file holds the
 * matrix as a named 1-D (read as n x 1) or 2-D dataset of any integer or
 * floating type.  The type is chosen by the extension: .csv, .h5, .hdf5.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hdf5.h>

#include "base/base.h"

static int
has_suffix (const char *path, const char *suffix)
{
  size_t lp = strlen (path), ls = strlen (suffix);
  return lp >= ls && strcasecmp (path + lp - ls, suffix) == 0;
}

/* ---- CSV ---------------------------------------------------------------- */

/* Splits `line` in place into fields at commas and whitespace, growing
 * *fields as needed.  Returns the number of fields, -1 when a field is
 * empty (",,", a leading or trailing comma) or -2 when out of memory. */
static long
split_fields (char *line, char ***fields, size_t *cap)
{
  size_t n = 0;
  char *s = line;
  int need_field = 0; /* after a comma another field must follow */
  for (;;)
    {
      while (*s == ' ' || *s == '\t')
        s++;
      if (!*s)
        break;
      if (*s == ',')
        return -1;
      if (n == *cap)
        {
          size_t ncap = *cap ? 2 * *cap : 16;
          char **nf = realloc (*fields, ncap * sizeof *nf);
          if (!nf)
            return -2;
          *fields = nf;
          *cap = ncap;
        }
      (*fields)[n++] = s;
      while (*s && *s != ',' && *s != ' ' && *s != '\t')
        s++;
      need_field = 0;
      while (*s == ' ' || *s == '\t')
        *s++ = '\0';
      if (*s == ',')
        {
          *s++ = '\0';
          need_field = 1;
        }
    }
  return need_field ? -1 : (long) n;
}

/* Parses a whole field as a finite double. */
static int
parse_number (const char *f, double *out)
{
  char *end;
  errno = 0;
  *out = strtod (f, &end);
  return end != f && *end == '\0' && isfinite (*out);
}

static int
read_csv (credo_ctx *ctx, const char *path, double **data, size_t *rows,
          size_t *cols)
{
  FILE *f = fopen (path, "r");
  char *line = NULL, **fields = NULL;
  size_t line_cap = 0, fields_cap = 0, n_rows = 0, n_cols = 0, cap = 0;
  size_t first_row_line = 0;
  double *v = NULL;
  long lineno = 0;
  int seen_content = 0, rc = 0;
  ssize_t len;

  if (!f)
    return credo__error (ctx, CREDO_ECONFIG, "%s: cannot open: %s", path,
                         strerror (errno));
  while ((len = getline (&line, &line_cap, f)) >= 0)
    {
      size_t nf;
      long nfl;
      char *s = line;
      int numeric = 1;
      lineno++;
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
      while (*s == ' ' || *s == '\t')
        s++;
      if (!*s || *s == '#')
        continue;
      nfl = split_fields (s, &fields, &fields_cap);
      if (nfl == -2)
        {
          rc = credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
          break;
        }
      if (nfl < 0)
        {
          rc = credo__error (ctx, CREDO_ECONFIG, "%s:%ld: empty field",
                             path, lineno);
          break;
        }
      nf = (size_t) nfl;
      for (size_t j = 0; j < nf && numeric; j++)
        {
          double x;
          numeric = parse_number (fields[j], &x);
        }
      if (!numeric)
        {
          size_t j;
          double x;
          if (!seen_content)
            {
              seen_content = 1; /* the header line */
              continue;
            }
          for (j = 0; j < nf && parse_number (fields[j], &x); j++)
            ;
          rc = credo__error (ctx, CREDO_ECONFIG,
                             "%s:%ld: '%s' is not a finite number", path,
                             lineno, fields[j]);
          break;
        }
      seen_content = 1;
      if (n_rows == 0)
        {
          n_cols = nf;
          first_row_line = (size_t) lineno;
        }
      else if (nf != n_cols)
        {
          rc = credo__error (ctx, CREDO_ECONFIG,
                             "%s:%ld: %zu values, expected %zu as on line %zu",
                             path, lineno, nf, n_cols, first_row_line);
          break;
        }
      if ((n_rows + 1) * n_cols > cap)
        {
          size_t ncap = cap ? 2 * cap : 64 * n_cols;
          double *nv;
          while (ncap < (n_rows + 1) * n_cols)
            ncap *= 2;
          nv = realloc (v, ncap * sizeof *nv);
          if (!nv)
            {
              rc = credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
              break;
            }
          v = nv;
          cap = ncap;
        }
      for (size_t j = 0; j < nf; j++)
        parse_number (fields[j], &v[n_rows * n_cols + j]);
      n_rows++;
    }
  if (!rc && ferror (f))
    rc = credo__error (ctx, CREDO_ECONFIG, "%s: read error: %s", path,
                       strerror (errno));
  if (!rc && n_rows == 0)
    rc = credo__error (ctx, CREDO_ECONFIG, "%s: no data rows", path);
  fclose (f);
  free (line);
  free (fields);
  if (rc)
    {
      free (v);
      return rc;
    }
  *data = v;
  *rows = n_rows;
  *cols = n_cols;
  return 0;
}

/* ---- HDF5 --------------------------------------------------------------- */

static int
read_h5 (credo_ctx *ctx, const char *path, const char *dataset, double **data,
         size_t *rows, size_t *cols)
{
  H5E_auto2_t old_func;
  void *old_data;
  hid_t file = -1, dset = -1, space = -1, type = -1;
  hsize_t dims[2] = { 1, 1 };
  int ndims, rc = 0;
  H5T_class_t cls;
  double *v = NULL;
  size_t n = 0;
  FILE *probe;

  if (!dataset || !dataset[0])
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: a dataset name is required for HDF5 files",
                         path);
  if (!(probe = fopen (path, "rb")))
    return credo__error (ctx, CREDO_ECONFIG, "%s: cannot open: %s", path,
                         strerror (errno));
  fclose (probe);

  H5Eget_auto2 (H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);

  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    {
      rc = credo__error (ctx, CREDO_ECONFIG, "%s: not a readable HDF5 file",
                         path);
      goto done;
    }
  /* H5Lexists fails (negative) when an intermediate group is missing */
  if (H5Lexists (file, dataset, H5P_DEFAULT) <= 0
      || (dset = H5Dopen2 (file, dataset, H5P_DEFAULT)) < 0)
    {
      rc = credo__error (ctx, CREDO_ECONFIG, "%s: no dataset '%s'", path,
                         dataset);
      goto done;
    }
  type = H5Dget_type (dset);
  cls = type >= 0 ? H5Tget_class (type) : H5T_NO_CLASS;
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    {
      rc = credo__error (ctx, CREDO_ECONFIG,
                         "%s: dataset '%s' does not hold numbers", path,
                         dataset);
      goto done;
    }
  space = H5Dget_space (dset);
  ndims = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  if (ndims != 1 && ndims != 2)
    {
      rc = credo__error (ctx, CREDO_ECONFIG,
                         "%s: dataset '%s' has %d dimensions, expected 1 or 2",
                         path, dataset, ndims);
      goto done;
    }
  H5Sget_simple_extent_dims (space, dims, NULL);
  if (ndims == 1)
    dims[1] = 1;
  if (dims[0] == 0 || dims[1] == 0)
    {
      rc = credo__error (ctx, CREDO_ECONFIG, "%s: dataset '%s' is empty",
                         path, dataset);
      goto done;
    }
  n = (size_t) dims[0] * (size_t) dims[1];
  if (!(v = credo__calloc (n, sizeof *v)))
    {
      rc = credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
      goto done;
    }
  if (H5Dread (dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
    {
      rc = credo__error (ctx, CREDO_ECONFIG,
                         "%s: cannot read dataset '%s' as numbers", path,
                         dataset);
      goto done;
    }
  for (size_t i = 0; i < n; i++)
    if (!isfinite (v[i]))
      {
        rc = credo__error (ctx, CREDO_ECONFIG,
                           "%s: dataset '%s' has a non-finite value at "
                           "[%zu, %zu]", path, dataset,
                           i / (size_t) dims[1], i % (size_t) dims[1]);
        goto done;
      }

done:
  if (space >= 0)
    H5Sclose (space);
  if (type >= 0)
    H5Tclose (type);
  if (dset >= 0)
    H5Dclose (dset);
  if (file >= 0)
    H5Fclose (file);
  H5Eset_auto2 (H5E_DEFAULT, old_func, old_data);
  if (rc)
    {
      free (v);
      return rc;
    }
  *data = v;
  *rows = (size_t) dims[0];
  *cols = (size_t) dims[1];
  return 0;
}

/* Reads the matrix in `path` (see the file comment) into a malloc'd
 * row-major array.  `dataset` names the HDF5 dataset and is ignored for CSV.
 * Returns 0, CREDO_ECONFIG or CREDO_ENOMEM with the message in ctx;
 * *data is untouched on failure. */
int
credo__read_matrix (credo_ctx *ctx, const char *path, const char *dataset,
                    double **data, size_t *rows, size_t *cols)
{
  if (has_suffix (path, ".csv"))
    return read_csv (ctx, path, data, rows, cols);
  if (has_suffix (path, ".h5") || has_suffix (path, ".hdf5"))
    return read_h5 (ctx, path, dataset, data, rows, cols);
  return credo__error (ctx, CREDO_ECONFIG,
                       "%s: unknown data file type (expected .csv, .h5 or "
                       ".hdf5)", path);
}
