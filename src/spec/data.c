/* src/spec/data.c -- reading the matrices of data files for the spec:
 * CSV, HDF5 datasets and IDX files (base/idx.c), whole or a range of rows
 * (`rows = [first, last]`: the 55 000 / 5 000 train / validation split of
 * Fashion-MNIST's 60 000 training images is two ranges of one file).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdlib.h>
#include <string.h>

#include "spec/parse.h"

/* rows = [first, last] of group g; *given = 0 when the key is absent. */
static int
parse_rows (spec_parser *p, const config_setting_t *g, size_t *first,
            size_t *last, int *given)
{
  const config_setting_t *rs = config_setting_get_member (g, "rows");
  long v[2];
  int rc;
  *given = rs != NULL;
  if (!rs)
    return 0;
  if (!config_setting_is_array (rs) && !config_setting_is_list (rs))
    return credo__spec_err (p, rs, "'rows' must be [first, last] (samples "
                            "first..last-1 of the file), not %s",
                            credo__spec_type_name (rs));
  if (config_setting_length (rs) != 2)
    return credo__spec_err (p, rs, "'rows' must be [first, last], not %d "
                            "numbers", config_setting_length (rs));
  for (unsigned k = 0; k < 2; k++)
    if ((rc = credo__spec_long (p, config_setting_get_elem (rs, k), &v[k])))
      return rc;
  if (!(v[0] >= 0 && v[0] < v[1]))
    return credo__spec_err (p, rs, "'rows' = [%ld, %ld] is empty or "
                            "negative: need 0 <= first < last", v[0], v[1]);
  *first = (size_t) v[0];
  *last = (size_t) v[1];
  return 0;
}

/* The error for rows [first, last) outside a file of n rows. */
static int
rows_outside (spec_parser *p, const config_setting_t *g, size_t first,
              size_t last, const char *path, size_t n)
{
  return credo__spec_err (p, config_setting_get_member (g, "rows"),
                          "'rows' = [%zu, %zu] is outside data file '%s' "
                          "(%zu samples): need last <= %zu", first, last,
                          path, n, n);
}

int
credo__spec_read_rows (spec_parser *p, const config_setting_t *g,
                       const config_setting_t *at, const char *path,
                       const char *dataset, size_t classes, spec_data *d)
{
  size_t first = 0, last = (size_t) -1, rows;
  int ranged, rc, idx = credo__idx_path (path);
  memset (d, 0, sizeof *d);
  if ((rc = parse_rows (p, g, &first, &last, &ranged)))
    return rc;
  if (idx)
    {
      /* the header first: an IDX file is read only in the range */
      credo_idx_info info;
      if ((rc = credo__idx_header (p->ctx, path, &info)))
        return credo__spec_file_err (p, at, rc);
      if (ranged && last > info.n)
        return rows_outside (p, g, first, last, path, info.n);
      d->file_rows = info.n;
      rc = credo__read_idx (p->ctx, path, first, last, classes, &d->values,
                            &rows, &d->cols);
    }
  else
    rc = credo__read_matrix (p->ctx, path, dataset, &d->values, &rows,
                             &d->cols);
  if (rc)
    return credo__spec_file_err (p, at, rc);
  if (!idx)
    {
      d->file_rows = rows;
      if (ranged && last > rows)
        return rows_outside (p, g, first, last, path, rows);
      if (ranged)
        {
          rows = last - first;
          memmove (d->values, d->values + first * d->cols,
                   rows * d->cols * sizeof *d->values);
        }
    }
  d->first = first;
  d->rows = rows;
  return 0;
}
