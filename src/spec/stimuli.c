/* src/spec/stimuli.c -- validating the `stimuli` list: which input port
 * each stimulus drives, its kind (constant, sine, steps, table, dataset),
 * its window and its values, read from files where the kind says so
 * (data sets also from IDX files: base/idx.c).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Arrays in the spec are allocated whole and their counts set at once, so
 * credo_spec_free can release a partly filled spec.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/parse.h"

/* ---- stimuli ----------------------------------------------------------- */

static const char *const stim_kinds[] = { "constant", "sine", "steps",
                                          "table", "dataset", NULL };
static const char *const stim_keys_all[] = {
  "to", "kind", "start", "stop", "value", "amplitude", "period", "phase",
  "offset", "times", "values", "file", "dataset", "times_dataset",
  "interpolate", "t_pres", "repeat", "rows", NULL
};
static const char *const stim_keys[5][10] = {
  { "to", "kind", "start", "stop", "value", NULL },
  { "to", "kind", "start", "stop", "amplitude", "period", "phase", "offset",
    NULL },
  { "to", "kind", "start", "stop", "times", "values", NULL },
  { "to", "kind", "start", "stop", "file", "dataset", "times_dataset",
    "interpolate", NULL },
  { "to", "kind", "start", "stop", "file", "dataset", "t_pres", "repeat",
    "rows", NULL }
};
static const char *const interpolations[] = { "previous", "linear", NULL };

/* Times must increase strictly; `s` locates the message. */
static int
check_times (spec_parser *p, const config_setting_t *s, const double *t,
             size_t n, const char *source)
{
  for (size_t k = 1; k < n; k++)
    if (!(t[k] > t[k - 1]))
      {
        if (source)
          return credo__spec_err (p, s, "table '%s': times must be "
                                  "strictly increasing, but row %zu has t = "
                                  "%g after %g", source, k, t[k], t[k - 1]);
        return credo__spec_err (p, s, "'times' must be strictly increasing, "
                                "but times[%zu] = %g follows %g", k, t[k],
                                t[k - 1]);
      }
  return 0;
}

/* kind = "steps": times and values given inline. */
static int
parse_steps (spec_parser *p, credo_stim_spec *st, const config_setting_t *g,
             const char *what)
{
  const config_setting_t *ts, *vs;
  size_t n_rows, len;
  int rc;

  if (!(ts = credo__spec_need (p, g, "times", what)))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_num_vec (p, ts, 0, &st->times, &n_rows)))
    return rc;
  st->n_rows = n_rows;
  if ((rc = check_times (p, ts, st->times, n_rows, NULL)))
    return rc;
  if (!(vs = credo__spec_need (p, g, "values", what)))
    return CREDO_ECONFIG;
  if (!config_setting_is_array (vs) && !config_setting_is_list (vs))
    return credo__spec_err (p, vs, "'values' must be an array of numbers or "
                            "a list of arrays, not %s",
                            credo__spec_type_name (vs));
  len = (size_t) config_setting_length (vs);
  if (len != n_rows)
    return credo__spec_err (p, vs, "'values' has %zu entries, expected one "
                            "per time (%zu)", len, n_rows);
  if (!(st->values = credo__calloc (n_rows * st->n, sizeof *st->values)))
    return credo__spec_nomem (p);
  for (size_t k = 0; k < n_rows; k++)
    {
      const config_setting_t *e = config_setting_get_elem (vs, (unsigned) k);
      double *row;
      if ((rc = credo__spec_num_vec (p, e, st->n, &row, NULL)))
        return rc;
      memcpy (st->values + k * st->n, row, st->n * sizeof *row);
      free (row);
    }
  st->interpolate = 0;
  return 0;
}

/* kind = "table": a CSV file (time column + one per unit) or HDF5 datasets. */
static int
parse_table (spec_parser *p, credo_stim_spec *st, const config_setting_t *g,
             const char *what, const char *popname)
{
  const config_setting_t *fs;
  const char *path, *dataset = NULL, *times_ds = NULL;
  double *m = NULL;
  size_t rows, cols;
  int rc, h5;

  if (!(fs = credo__spec_need (p, g, "file", what)))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_str (p, fs, &path)))
    return rc;
  if ((rc = credo__spec_opt_choice (p, g, "interpolate", interpolations,
                                    &st->interpolate)))
    return rc;
  if (!path[0])
    return credo__spec_err (p, fs, "'file' must not be empty");
  if ((h5 = credo__spec_data_kind (p, fs, path, "table file")) < 0)
    return CREDO_ECONFIG;
  if (!(st->source = credo__spec_resolve (p, path)))
    return credo__spec_nomem (p);
  if ((rc = credo__spec_opt_str (p, g, "dataset", &dataset, NULL))
      || (rc = credo__spec_opt_str (p, g, "times_dataset", &times_ds, NULL)))
    return rc;
  if (!h5)
    {
      const char *bad = dataset    ? "dataset"
                        : times_ds ? "times_dataset"
                                   : NULL;
      if (bad)
        return credo__spec_err (p, config_setting_get_member (g, bad),
                                "'%s' is only for HDF5 files, not '%s'", bad,
                                path);
      if ((rc = credo__read_matrix (p->ctx, st->source, NULL, &m, &rows,
                                    &cols)))
        return credo__spec_file_err (p, fs, rc);
      if (cols != st->n + 1)
        {
          free (m);
          return credo__spec_err (p, fs, "table '%s' has %zu columns, "
                                  "expected %zu (time, then one per unit of "
                                  "'%s')", st->source, cols, st->n + 1,
                                  popname);
        }
      st->n_rows = rows;
      st->times = credo__calloc (rows, sizeof *st->times);
      st->values = credo__calloc (rows * st->n, sizeof *st->values);
      if (!st->times || !st->values)
        {
          free (m);
          return credo__spec_nomem (p);
        }
      for (size_t k = 0; k < rows; k++)
        {
          st->times[k] = m[k * cols];
          memcpy (st->values + k * st->n, m + k * cols + 1,
                  st->n * sizeof *m);
        }
      free (m);
    }
  else
    {
      double *t;
      size_t trows, tcols;
      if (!dataset || !times_ds)
        return credo__spec_err (p, g, "missing '%s' in %s (HDF5 table '%s')",
                                dataset ? "times_dataset" : "dataset", what,
                                path);
      if ((rc = credo__read_matrix (p->ctx, st->source, dataset, &m, &rows,
                                    &cols)))
        return credo__spec_file_err (p, fs, rc);
      if (cols != st->n)
        {
          free (m);
          return credo__spec_err (p, fs, "table '%s': dataset '%s' is %zu x "
                                  "%zu, expected %zu columns (one per unit of "
                                  "'%s')", st->source, dataset, rows, cols,
                                  st->n, popname);
        }
      st->values = m;
      st->n_rows = rows;
      if ((rc = credo__read_matrix (p->ctx, st->source, times_ds, &t, &trows,
                                    &tcols)))
        return credo__spec_file_err (p, fs, rc);
      st->times = t;
      if (trows * tcols != rows || (trows != 1 && tcols != 1))
        return credo__spec_err (p, fs, "table '%s': times dataset '%s' is "
                                "%zu x %zu, expected %zu times (one per row "
                                "of '%s')", st->source, times_ds, trows,
                                tcols, rows, dataset);
    }
  return check_times (p, fs, st->times, st->n_rows, st->source);
}

/* Reads the samples of a dataset stimulus, only the `rows` range when
 * given: IDX labels one-hot as wide as the population, or the class when
 * it has one unit. */
static int
read_samples (spec_parser *p, credo_stim_spec *st, const config_setting_t *g,
              const config_setting_t *at, size_t *cols)
{
  spec_data d;
  int rc = credo__spec_read_rows (p, g, at, st->source, st->ds_name,
                                  st->n > 1 ? st->n : 0, &d);
  st->values = d.values;
  if (rc)
    return rc;
  st->n_rows = d.rows;
  st->row_first = d.first;
  st->file_rows = d.file_rows;
  *cols = d.cols;
  return 0;
}

/* `source` (FILE or FILE:DATASET) of a dataset stimulus into buf. */
static const char *
sample_source (const credo_stim_spec *st, char *buf, size_t len)
{
  snprintf (buf, len, "%s%s%s", st->source, st->ds_name ? ":" : "",
            st->ds_name ? st->ds_name : "");
  return buf;
}

/* Dataset stimuli with the same start and t_pres present their samples in
 * step (an image and its label): their sample counts must agree, else the
 * pairs drift apart after the shorter one's end. */
static int
check_in_step (spec_parser *p, const config_setting_t *g, size_t i)
{
  const credo_stim_spec *st = &p->spec->stims[i];
  const config_setting_t *at = config_setting_get_member (g, "rows");
  char a[1024], b[1024], where[512];
  for (size_t j = 0; j < i; j++)
    {
      const credo_stim_spec *o = &p->spec->stims[j];
      if (o->kind != CREDO_STIM_DATASET || o->start != st->start
          || o->t_pres != st->t_pres || o->n_rows == st->n_rows)
        continue;
      return credo__spec_err (p, at ? at : config_setting_get_member (g,
                                                                      "file"),
                              "dataset '%s' has %zu samples, but '%s' "
                              "(stimulus %zu, %s), presented in step with it "
                              "(same start and t_pres), has %zu: give both "
                              "the same number of rows",
                              sample_source (st, a, sizeof a), st->n_rows,
                              sample_source (o, b, sizeof b), j,
                              credo__loc_str (&o->loc, where, sizeof where),
                              o->n_rows);
    }
  return 0;
}

/* kind = "dataset": an [n_samples x size] matrix (an HDF5 dataset, a CSV
 * file with one row per sample, or an IDX file) presented one sample per
 * t_pres. */
static int
parse_dataset (spec_parser *p, credo_stim_spec *st, const config_setting_t *g,
               const char *what, const char *popname)
{
  const config_setting_t *fs, *ds = NULL, *ts, *rs;
  const char *path, *dataset = NULL;
  char *resolved;
  size_t cols, lp, ld;
  int rc, h5 = 0, idx;

  if (!(ts = credo__spec_need (p, g, "t_pres", what))
      || (rc = credo__spec_num (p, ts, &st->t_pres)))
    return ts ? rc : CREDO_ECONFIG;
  if (!(st->t_pres > 0 && isfinite (st->t_pres)))
    return credo__spec_err (p, ts, "'t_pres' must be > 0 (ms), not %g",
                            st->t_pres);
  /* every switch restarts the solver: a bound that a real run never meets
   * (with repeat = false the samples may end sooner; the data are not
   * read yet) */
  if (p->spec->duration / st->t_pres > CREDO_MAX_SWITCHES)
    return credo__spec_err (p, ts, "'t_pres' = %g ms gives up to %.3g sample "
                            "switches (solver restarts) in the %g ms run; at "
                            "most %g are allowed", st->t_pres,
                            p->spec->duration / st->t_pres,
                            p->spec->duration, CREDO_MAX_SWITCHES);
  st->repeat = 1;
  if ((rs = config_setting_get_member (g, "repeat")))
    {
      if (config_setting_type (rs) != CONFIG_TYPE_BOOL)
        return credo__spec_err (p, rs, "'repeat' must be true or false, not "
                                "%s", credo__spec_type_name (rs));
      st->repeat = config_setting_get_bool (rs) != 0;
    }
  if (!(fs = credo__spec_need (p, g, "file", what)))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_str (p, fs, &path)))
    return rc;
  if (!path[0])
    return credo__spec_err (p, fs, "'file' must not be empty");
  idx = credo__idx_path (path);
  if (!idx && (h5 = credo__spec_data_kind (p, fs, path, "dataset file")) < 0)
    return credo__spec_err (p, fs, "dataset file '%s' must end in .csv, .h5, "
                            ".hdf5, or -ubyte or .idx (IDX, optionally "
                            "followed by .gz)", path);
  if ((rc = credo__spec_opt_str (p, g, "dataset", &dataset, NULL)))
    return rc;
  ds = config_setting_get_member (g, "dataset");
  if (h5 && !dataset)
    return credo__spec_err (p, g, "missing 'dataset' in %s (HDF5 file '%s')",
                            what, path);
  if (!h5 && dataset)
    return credo__spec_err (p, ds, "'dataset' is only for HDF5 files, not "
                            "'%s'", path);
  if (h5 && !dataset[0])
    return credo__spec_err (p, ds, "'dataset' must not be empty");
  /* source = "PATH\0DATASET": one allocation, freed with the spec */
  if (!(resolved = credo__spec_resolve (p, path)))
    return credo__spec_nomem (p);
  lp = strlen (resolved);
  ld = dataset ? strlen (dataset) : 0;
  st->source = malloc (lp + ld + 2);
  if (!st->source)
    {
      free (resolved);
      return credo__spec_nomem (p);
    }
  memcpy (st->source, resolved, lp + 1);
  free (resolved);
  if (dataset)
    {
      memcpy (st->source + lp + 1, dataset, ld + 1);
      st->ds_name = st->source + lp + 1;
    }
  {
    FILE *probe = fopen (st->source, "rb");
    if (!probe)
      return credo__spec_err (p, fs, "dataset file '%s' cannot be opened: "
                              "%s", st->source, strerror (errno));
    fclose (probe);
  }
  if ((rc = read_samples (p, st, g, h5 ? ds : fs, &cols)))
    return rc;
  if (cols != st->n)
    {
      if (h5)
        return credo__spec_err (p, ds, "dataset '%s' of '%s' is %zu x %zu "
                                "(samples x values), expected %zu x %zu (one "
                                "column per unit of '%s')", st->ds_name,
                                st->source, st->n_rows, cols, st->n_rows,
                                st->n, popname);
      return credo__spec_err (p, fs, "dataset file '%s' is %zu x %zu "
                              "(samples x values), expected %zu x %zu (one "
                              "column per unit of '%s')", st->source,
                              st->n_rows, cols, st->n_rows, st->n, popname);
    }
  return 0;
}

int
credo__spec_stimuli (spec_parser *p, config_setting_t *list)
{
  credo_spec *spec = p->spec;
  size_t len;
  int rc;

  if ((rc = credo__spec_list (p, list, "stimuli", &len)))
    return rc;
  if (len == 0)
    return 0;
  if (!(spec->stims = credo__calloc (len, sizeof *spec->stims)))
    return credo__spec_nomem (p);
  spec->n_stims = len;

  for (size_t i = 0; i < len; i++)
    {
      config_setting_t *g = config_setting_get_elem (list, (unsigned) i), *s;
      credo_stim_spec *st = &spec->stims[i];
      char what[64];
      int kind = -1;
      const config_setting_t *vs;

      snprintf (what, sizeof what, "stimulus %zu", i);
      if ((rc = credo__spec_check_keys (p, g, what, stim_keys_all)))
        return rc;
      if ((rc = credo__spec_loc (p, g, &st->loc)))
        return rc;
      if (!(s = credo__spec_need (p, g, "kind", what)))
        return CREDO_ECONFIG;
      if ((rc = credo__spec_opt_choice (p, g, "kind", stim_kinds, &kind)))
        return rc;
      snprintf (what, sizeof what, "stimulus %zu (kind %s)", i,
                stim_kinds[kind]);
      if ((rc = credo__spec_check_keys (p, g, what, stim_keys[kind])))
        return rc;
      if (!(s = credo__spec_need (p, g, "to", what))
          || (rc = credo__spec_endpoint (p, s, 1, &st->pop, &st->port)))
        return s ? rc : CREDO_ECONFIG;
      st->n = spec->pops[st->pop].size;

      st->start = 0;
      st->stop = INFINITY;
      if ((rc = credo__spec_opt_num (p, g, "start", &st->start, NULL))
          || (rc = credo__spec_opt_num (p, g, "stop", &st->stop, NULL)))
        return rc;
      if (!(st->start < st->stop))
        return credo__spec_err (p, config_setting_get_member (g, "stop"),
                                "stimulus needs start < stop, not [%g, %g)",
                                st->start, st->stop);

      switch (kind)
        {
        case 0:
          st->kind = CREDO_STIM_CONSTANT;
          if (!(vs = credo__spec_need (p, g, "value", what)))
            return CREDO_ECONFIG;
          if ((rc = credo__spec_num_vec (p, vs, st->n, &st->value, NULL)))
            return rc;
          break;
        case 1:
          st->kind = CREDO_STIM_SINE;
          if (!(vs = credo__spec_need (p, g, "amplitude", what))
              || (rc = credo__spec_num_vec (p, vs, st->n, &st->amplitude,
                                            NULL)))
            return vs ? rc : CREDO_ECONFIG;
          if (!(vs = credo__spec_need (p, g, "period", what))
              || (rc = credo__spec_num (p, vs, &st->period)))
            return vs ? rc : CREDO_ECONFIG;
          if (!(st->period > 0))
            return credo__spec_err (p, vs, "'period' must be > 0 (ms), not "
                                    "%g", st->period);
          if ((rc = credo__spec_opt_num (p, g, "phase", &st->phase, NULL)))
            return rc;
          if ((vs = config_setting_get_member (g, "offset")))
            rc = credo__spec_num_vec (p, vs, st->n, &st->offset, NULL);
          else if (!(st->offset = credo__calloc (st->n, sizeof *st->offset)))
            rc = credo__spec_nomem (p);
          if (rc)
            return rc;
          break;
        case 2:
          st->kind = CREDO_STIM_TABLE;
          if ((rc = parse_steps (p, st, g, what)))
            return rc;
          break;
        case 3:
          st->kind = CREDO_STIM_TABLE;
          if ((rc = parse_table (p, st, g, what, spec->pops[st->pop].name)))
            return rc;
          break;
        default:
          st->kind = CREDO_STIM_DATASET;
          if ((rc = parse_dataset (p, st, g, what, spec->pops[st->pop].name))
              || (rc = check_in_step (p, g, i)))
            return rc;
          break;
        }
    }
  return 0;
}
