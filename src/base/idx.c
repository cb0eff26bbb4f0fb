/* src/base/idx.c -- reading IDX files, the format of MNIST (LeCun et al.
 * 1998) and Fashion-MNIST (Xiao, Rasul & Vollgraf 2017), plain or gzip.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * An IDX file is a big-endian header -- the magic 0x0000TTDD (TT the value
 * type, DD the number of dimensions), then DD 32-bit sizes -- followed by
 * the values, row-major.  Only unsigned bytes (TT = 0x08) are read: images
 * (0x00000803, n x 28 x 28) become n rows of 784 values scaled to [0, 1]
 * (pixel / 255, no mean or std normalisation), labels (0x00000801) become
 * one-hot rows or one column holding the class.  zlib reads plain files
 * as they are, so one path serves both; the whole file is read, so that a
 * truncated or over-long file is caught whatever rows are kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "base/base.h"

#define IDX_UBYTE 0x08
#define IDX_MAX_DIMS 4

static int
has_suffix (const char *path, const char *suffix)
{
  size_t lp = strlen (path), ls = strlen (suffix);
  return lp >= ls && strcasecmp (path + lp - ls, suffix) == 0;
}

int
credo__idx_path (const char *path)
{
  return has_suffix (path, "-ubyte") || has_suffix (path, ".idx")
         || has_suffix (path, "-ubyte.gz") || has_suffix (path, ".idx.gz");
}

/* The message for a short or failed gzread: corrupt gzip data, a read
 * error, or a file that ends early. */
static int
short_read (credo_ctx *ctx, gzFile f, const char *path, const char *what)
{
  int err;
  const char *msg = gzerror (f, &err);
  if (err == Z_ERRNO)
    return credo__error (ctx, CREDO_ECONFIG, "%s: read error: %s", path,
                         strerror (errno));
  size_t lp = strlen (path);
  if (strncmp (msg, path, lp) == 0 && strncmp (msg + lp, ": ", 2) == 0)
    msg += lp + 2; /* zlib names the file too */
  if (err != Z_OK && err != Z_BUF_ERROR)
    return credo__error (ctx, CREDO_ECONFIG, "%s: corrupt gzip data (%s)",
                         path, msg);
  return credo__error (ctx, CREDO_ECONFIG, "%s: truncated IDX file (%s)",
                       path, what);
}

/* Reads the header of the open file into *info; checks the magic. */
static int
read_header (credo_ctx *ctx, gzFile f, const char *path,
             credo_idx_info *info)
{
  unsigned char b[4 * (1 + IDX_MAX_DIMS)];
  int nd;
  uint64_t item = 1;

  if (gzread (f, b, 4) != 4)
    return short_read (ctx, f, path, "no complete header");
  nd = b[3];
  if (b[0] != 0 || b[1] != 0 || b[2] != IDX_UBYTE || nd < 1
      || nd > IDX_MAX_DIMS)
    return credo__error (ctx, CREDO_ECONFIG, "%s: not an IDX file of "
                         "unsigned bytes: magic 0x%02x%02x%02x%02x, expected "
                         "0x00000803 (images) or 0x00000801 (labels)", path,
                         b[0], b[1], b[2], b[3]);
  if (gzread (f, b + 4, (unsigned) (4 * nd)) != 4 * nd)
    return short_read (ctx, f, path, "no complete header");
  info->n_dims = nd;
  for (int d = 0; d < nd; d++)
    {
      const unsigned char *s = b + 4 + 4 * d;
      info->dims[d] = (size_t) s[0] << 24 | (size_t) s[1] << 16
                      | (size_t) s[2] << 8 | (size_t) s[3];
      if (d > 0)
        item *= info->dims[d];
    }
  if (item == 0 || item > ((uint64_t) 1 << 31))
    return credo__error (ctx, CREDO_ECONFIG, "%s: IDX items of %llu values "
                         "are not supported", path,
                         (unsigned long long) item);
  info->n = info->dims[0];
  info->item = (size_t) item;
  info->labels = nd == 1;
  return 0;
}

static gzFile
open_idx (credo_ctx *ctx, const char *path)
{
  gzFile f = gzopen (path, "rb");
  if (!f)
    credo__error (ctx, CREDO_ECONFIG, "%s: cannot open: %s", path,
                  errno ? strerror (errno) : "out of memory");
  return f;
}

int
credo__idx_header (credo_ctx *ctx, const char *path, credo_idx_info *info)
{
  gzFile f = open_idx (ctx, path);
  int rc;
  if (!f)
    return CREDO_ECONFIG;
  rc = read_header (ctx, f, path, info);
  gzclose (f);
  return rc;
}

/* Stores item `k` (bytes b) as row `row` of v: scaled pixels, a one-hot
 * row of `classes`, or the class itself when classes is 0. */
static int
store_item (credo_ctx *ctx, const char *path, const credo_idx_info *info,
            size_t classes, const unsigned char *b, size_t k, double *row)
{
  if (!info->labels)
    {
      for (size_t i = 0; i < info->item; i++)
        row[i] = b[i] / 255.0;
      return 0;
    }
  if (!classes)
    {
      row[0] = b[0];
      return 0;
    }
  if (b[0] >= classes)
    return credo__error (ctx, CREDO_ECONFIG, "%s: label %u of item %zu is "
                         "not one of the %zu classes (0..%zu) of a one-hot "
                         "row", path, b[0], k, classes, classes - 1);
  row[b[0]] = 1.0;
  return 0;
}

/* Reads every item, keeping those in [first, last) as rows of v. */
static int
read_items (credo_ctx *ctx, gzFile f, const char *path,
            const credo_idx_info *info, size_t first, size_t last,
            size_t classes, size_t cols, double *v)
{
  size_t per = info->item, block = per < 65536 ? 65536 / per : 1;
  unsigned char *buf = malloc (block * per), extra;
  char what[128];
  int rc = 0;

  snprintf (what, sizeof what, "fewer bytes than the header's %zu items of "
            "%zu values", info->n, per);

  if (!buf)
    return credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
  for (size_t k = 0; k < info->n && !rc; k += block)
    {
      size_t m = info->n - k < block ? info->n - k : block;
      if ((size_t) gzread (f, buf, (unsigned) (m * per)) != m * per)
        {
          rc = short_read (ctx, f, path, what);
          break;
        }
      for (size_t j = 0; j < m && !rc; j++)
        if (k + j >= first && k + j < last)
          rc = store_item (ctx, path, info, classes, buf + j * per, k + j,
                           v + (k + j - first) * cols);
    }
  free (buf);
  if (!rc && gzread (f, &extra, 1) != 0)
    {
      int err;
      gzerror (f, &err);
      rc = err != Z_OK ? short_read (ctx, f, path, what)
                       : credo__error (ctx, CREDO_ECONFIG, "%s: more bytes "
                                       "than the IDX header says (%zu items "
                                       "of %zu)", path, info->n, per);
    }
  return rc;
}

int
credo__read_idx (credo_ctx *ctx, const char *path, size_t first,
                 size_t last, size_t classes, double **data, size_t *rows,
                 size_t *cols)
{
  credo_idx_info info;
  gzFile f = open_idx (ctx, path);
  double *v = NULL;
  size_t c;
  int rc;

  if (!f)
    return CREDO_ECONFIG;
  if ((rc = read_header (ctx, f, path, &info)))
    goto done;
  if (last > info.n)
    last = info.n;
  if (!(first < last))
    {
      rc = credo__error (ctx, CREDO_ECONFIG, "%s: no items in rows [%zu, "
                         "%zu) of the %zu in the file", path, first, last,
                         info.n);
      goto done;
    }
  c = info.labels ? (classes ? classes : 1) : info.item;
  if (!(v = credo__calloc ((last - first) * c, sizeof *v)))
    {
      rc = credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
      goto done;
    }
  if ((rc = read_items (ctx, f, path, &info, first, last, classes, c, v)))
    goto done;
  *data = v;
  v = NULL;
  *rows = last - first;
  *cols = c;
done:
  free (v);
  gzclose (f);
  return rc;
}
