/* src/base/datafile.c -- reading numeric matrices from CSV and HDF5 files.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Weight files and stimulus tables are row-major matrices of doubles.  A CSV
 * file has one row per line, numbers separated by commas and/or whitespace,
 * with blank lines and '#' comment lines skipped and a UTF-8 BOM ignored.
 * Numbers are finite decimals ([+-]digits[.digits][e[+-]digits]): nan,
 * inf, overflowing and hexadecimal values are errors.  The first line is a
 * header, and skipped, only when one of its fields is text -- neither a
 * number nor a value gone wrong like those (starting with a digit or '.',
 * or one strtod takes) -- so no data row is ever taken for a header.
 * An HDF5 file holds the matrix as a named 1-D (read as n x 1) or 2-D
 * dataset of any integer or floating type.  The type is chosen by the
 * extension: .csv, .h5, .hdf5, or an IDX file (base/idx.c: -ubyte, .idx,
 * either + .gz), read whole.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
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

/* What a CSV field is: a finite decimal number, text (a header's name) or
 * a value gone wrong. */
enum
{
  FIELD_NUMBER,
  FIELD_TEXT,
  FIELD_NONFINITE, /* nan, inf, 1e999 */
  FIELD_NONDECIMAL /* 0x10, 1e, 1.2.3, 1;5 */
};

static int
digits (const char **s)
{
  const char *s0 = *s;
  while (**s >= '0' && **s <= '9')
    (*s)++;
  return *s > s0;
}

/* Decimal syntax only, so strtod's hexadecimal and nan spellings are out. */
static int
decimal_syntax (const char *f)
{
  int mant;
  f += *f == '+' || *f == '-';
  mant = digits (&f);
  if (*f == '.')
    {
      f++;
      mant |= digits (&f);
    }
  if (mant && (*f == 'e' || *f == 'E'))
    {
      f++;
      f += *f == '+' || *f == '-';
      if (!digits (&f))
        return 0;
    }
  return mant && *f == '\0';
}

static int
field_kind (const char *f, double *out)
{
  const char *s = f + (*f == '+' || *f == '-');
  char *end;
  *out = strtod (f, &end);
  if (decimal_syntax (f))
    return isfinite (*out) ? FIELD_NUMBER : FIELD_NONFINITE;
  if (end != f && *end == '\0' && !isfinite (*out))
    return FIELD_NONFINITE;
  return (end != f && *end == '\0') || (*s >= '0' && *s <= '9') || *s == '.'
             ? FIELD_NONDECIMAL
             : FIELD_TEXT;
}

/* One CSV file being read: position, field buffer and the rows so far. */
typedef struct csv_reader
{
  credo_ctx *ctx;
  const char *path;
  long lineno;
  char **fields;
  size_t fields_cap;
  double *v;
  size_t cap, n_rows, n_cols, first_row_line;
  int seen_content; /* a header or a data row has been read */
} csv_reader;

/* Appends a numeric row; every row must be as wide as the first. */
static int
csv_append_row (csv_reader *r, size_t nf)
{
  if (r->n_rows == 0)
    {
      r->n_cols = nf;
      r->first_row_line = (size_t) r->lineno;
    }
  else if (nf != r->n_cols)
    return credo__error (r->ctx, CREDO_ECONFIG,
                         "%s:%ld: %zu values, expected %zu as on line %zu",
                         r->path, r->lineno, nf, r->n_cols, r->first_row_line);
  if ((r->n_rows + 1) * r->n_cols > r->cap)
    {
      size_t ncap = r->cap ? 2 * r->cap : 64 * r->n_cols;
      double *nv;
      while (ncap < (r->n_rows + 1) * r->n_cols)
        ncap *= 2;
      nv = realloc (r->v, ncap * sizeof *nv);
      if (!nv)
        return credo__error (r->ctx, CREDO_ENOMEM, "%s: out of memory",
                             r->path);
      r->v = nv;
      r->cap = ncap;
    }
  for (size_t j = 0; j < nf; j++)
    field_kind (r->fields[j], &r->v[r->n_rows * r->n_cols + j]);
  r->n_rows++;
  return 0;
}

/* Takes in one line: skipped (blank, comment), the header or a data row. */
static int
csv_line (csv_reader *r, char *line, ssize_t len)
{
  size_t nf, j;
  long nfl, bad = -1;
  char *s = line;
  int text = 0, kind = FIELD_NUMBER;
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  while (*s == ' ' || *s == '\t')
    s++;
  if (!*s || *s == '#')
    return 0;
  nfl = split_fields (s, &r->fields, &r->fields_cap);
  if (nfl == -2)
    return credo__error (r->ctx, CREDO_ENOMEM, "%s: out of memory", r->path);
  if (nfl < 0)
    return credo__error (r->ctx, CREDO_ECONFIG, "%s:%ld: empty field",
                         r->path, r->lineno);
  nf = (size_t) nfl;
  for (j = 0; j < nf; j++)
    {
      double x;
      int k = field_kind (r->fields[j], &x);
      if (k == FIELD_TEXT)
        text = 1;
      if (k != FIELD_NUMBER && bad < 0)
        {
          bad = (long) j;
          kind = k;
        }
    }
  if (text && !r->seen_content)
    {
      r->seen_content = 1; /* the header line */
      return 0;
    }
  r->seen_content = 1;
  if (bad >= 0)
    return credo__error (r->ctx, CREDO_ECONFIG, "%s:%ld: '%s' is not a %s "
                         "number", r->path, r->lineno, r->fields[bad],
                         kind == FIELD_NONDECIMAL ? "decimal" : "finite");
  return csv_append_row (r, nf);
}

static int
read_csv (credo_ctx *ctx, const char *path, double **data, size_t *rows,
          size_t *cols)
{
  FILE *f = fopen (path, "r");
  csv_reader r = { .ctx = ctx, .path = path };
  char *line = NULL;
  size_t line_cap = 0;
  int rc = 0;
  ssize_t len;

  if (!f)
    return credo__error (ctx, CREDO_ECONFIG, "%s: cannot open: %s", path,
                         strerror (errno));
  while (!rc && (len = getline (&line, &line_cap, f)) >= 0)
    {
      char *l = line;
      /* a BOM from a spreadsheet's "UTF-8 CSV" export */
      if (++r.lineno == 1 && len >= 3 && !memcmp (line, "\xef\xbb\xbf", 3))
        {
          l += 3;
          len -= 3;
        }
      rc = csv_line (&r, l, len);
    }
  if (!rc && ferror (f))
    rc = credo__error (ctx, CREDO_ECONFIG, "%s: read error: %s", path,
                       strerror (errno));
  if (!rc && r.n_rows == 0)
    rc = credo__error (ctx, CREDO_ECONFIG, "%s: no data rows", path);
  fclose (f);
  free (line);
  free (r.fields);
  if (rc)
    {
      free (r.v);
      return rc;
    }
  *data = r.v;
  *rows = r.n_rows;
  *cols = r.n_cols;
  return 0;
}

/* ---- HDF5 --------------------------------------------------------------- */

/* The HDF5 objects one read holds open, closed together by h5_close. */
typedef struct h5_handles
{
  hid_t file, dset, space, type;
} h5_handles;

/* Closes whatever h5_open_matrix got open, on success and failure alike. */
static void
h5_close (h5_handles *h)
{
  if (h->space >= 0)
    H5Sclose (h->space);
  if (h->type >= 0)
    H5Tclose (h->type);
  if (h->dset >= 0)
    H5Dclose (h->dset);
  if (h->file >= 0)
    H5Fclose (h->file);
}

/* Opens `dataset`, refusing all but a non-empty numeric 1-D or 2-D one. */
static int
h5_open_matrix (credo_ctx *ctx, const char *path, hid_t fapl,
                const char *dataset, h5_handles *h, hsize_t dims[2])
{
  H5T_class_t cls;
  int ndims;

  h->file = H5Fopen (path, H5F_ACC_RDONLY, fapl);
  if (h->file < 0)
    return credo__error (ctx, CREDO_ECONFIG, "%s: not a readable HDF5 file",
                         path);
  /* H5Lexists fails (negative) when an intermediate group is missing */
  if (H5Lexists (h->file, dataset, H5P_DEFAULT) <= 0
      || (h->dset = H5Dopen2 (h->file, dataset, H5P_DEFAULT)) < 0)
    return credo__error (ctx, CREDO_ECONFIG, "%s: no dataset '%s'", path,
                         dataset);
  h->type = H5Dget_type (h->dset);
  cls = h->type >= 0 ? H5Tget_class (h->type) : H5T_NO_CLASS;
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: dataset '%s' does not hold numbers", path,
                         dataset);
  h->space = H5Dget_space (h->dset);
  ndims = h->space >= 0 ? H5Sget_simple_extent_ndims (h->space) : -1;
  if (ndims != 1 && ndims != 2)
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: dataset '%s' has %d dimensions, expected 1 or 2",
                         path, dataset, ndims);
  H5Sget_simple_extent_dims (h->space, dims, NULL);
  if (ndims == 1)
    dims[1] = 1;
  if (dims[0] == 0 || dims[1] == 0)
    return credo__error (ctx, CREDO_ECONFIG, "%s: dataset '%s' is empty",
                         path, dataset);
  /* a corrupt or hostile header: the size must not wrap around */
  if (dims[0] > SIZE_MAX / sizeof (double) / dims[1])
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: dataset '%s' of %llu x %llu values is too "
                         "large", path, dataset,
                         (unsigned long long) dims[0],
                         (unsigned long long) dims[1]);
  return 0;
}

/* Reads the matrix into a new *v (the caller frees it), finite values only. */
static int
h5_read_values (credo_ctx *ctx, const char *path, const char *dataset,
                hid_t dset, const hsize_t dims[2], double **v)
{
  size_t n = (size_t) dims[0] * (size_t) dims[1];
  if (!(*v = credo__calloc (n, sizeof **v)))
    return credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
  if (H5Dread (dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *v)
      < 0)
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: cannot read dataset '%s' as numbers", path,
                         dataset);
  for (size_t i = 0; i < n; i++)
    if (!isfinite ((*v)[i]))
      return credo__error (ctx, CREDO_ECONFIG,
                           "%s: dataset '%s' has a non-finite value at "
                           "[%zu, %zu]", path, dataset,
                           i / (size_t) dims[1], i % (size_t) dims[1]);
  return 0;
}

/* The matrix `dataset` of the HDF5 file `path` opened with fapl. */
static int
read_h5_with (credo_ctx *ctx, const char *path, hid_t fapl,
              const char *dataset, double **data, size_t *rows, size_t *cols)
{
  H5E_auto2_t old_func;
  void *old_data;
  h5_handles h = { -1, -1, -1, -1 };
  hsize_t dims[2] = { 1, 1 };
  double *v = NULL;
  int rc;

  if (!dataset || !dataset[0])
    return credo__error (ctx, CREDO_ECONFIG,
                         "%s: a dataset name is required for HDF5 files",
                         path);
  H5Eget_auto2 (H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  rc = h5_open_matrix (ctx, path, fapl, dataset, &h, dims);
  if (!rc)
    rc = h5_read_values (ctx, path, dataset, h.dset, dims, &v);
  h5_close (&h);
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

static int
read_h5 (credo_ctx *ctx, const char *path, const char *dataset, double **data,
         size_t *rows, size_t *cols)
{
  FILE *probe;
  /* a missing file is named as such, before HDF5's vaguer message */
  if (dataset && dataset[0])
    {
      if (!(probe = fopen (path, "rb")))
        return credo__error (ctx, CREDO_ECONFIG, "%s: cannot open: %s", path,
                             strerror (errno));
      fclose (probe);
    }
  return read_h5_with (ctx, path, H5P_DEFAULT, dataset, data, rows, cols);
}

/* credo__read_matrix for an HDF5 file held in memory (the fuzzer's way in:
 * tests/fuzz/); `name` is for messages. */
int
credo__read_h5_image (credo_ctx *ctx, const char *name, const void *image,
                      size_t len, const char *dataset, double **data,
                      size_t *rows, size_t *cols)
{
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  int rc;
  if (fapl < 0 || H5Pset_fapl_core (fapl, 1 << 16, 0) < 0
      || H5Pset_file_image (fapl, (void *) image, len) < 0)
    rc = credo__error (ctx, CREDO_ECONFIG, "%s: not a readable HDF5 image",
                       name);
  else
    rc = read_h5_with (ctx, name, fapl, dataset, data, rows, cols);
  if (fapl >= 0)
    H5Pclose (fapl);
  return rc;
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
  if (credo__idx_path (path))
    return credo__read_idx (ctx, path, 0, (size_t) -1, 0, data, rows, cols);
  return credo__error (ctx, CREDO_ECONFIG,
                       "%s: unknown data file type (expected .csv, .h5, "
                       ".hdf5 or an IDX file)", path);
}
