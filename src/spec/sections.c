/* src/spec/sections.c -- validating the stimuli, record, solver and weights
 * sections.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * One function per section turns the libconfig tree into spec fields,
 * checking keys, types, ranges and names.  Arrays in the spec are allocated
 * whole and their counts set at once, so credo_spec_free can release a
 * partly filled spec.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/parse.h"
#include "engine/engine.h"

/* ---- stimuli ----------------------------------------------------------- */

static const char *const stim_kinds[] = { "constant", "sine", "steps",
                                          "table", "dataset", NULL };
static const char *const stim_keys_all[] = {
  "to", "kind", "start", "stop", "value", "amplitude", "period", "phase",
  "offset", "times", "values", "file", "dataset", "times_dataset",
  "interpolate", "t_pres", "repeat", NULL
};
static const char *const stim_keys[5][10] = {
  { "to", "kind", "start", "stop", "value", NULL },
  { "to", "kind", "start", "stop", "amplitude", "period", "phase", "offset",
    NULL },
  { "to", "kind", "start", "stop", "times", "values", NULL },
  { "to", "kind", "start", "stop", "file", "dataset", "times_dataset",
    "interpolate", NULL },
  { "to", "kind", "start", "stop", "file", "dataset", "t_pres", "repeat",
    NULL }
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

/* kind = "dataset": an [n_samples x size] matrix (an HDF5 dataset, or a
 * CSV file with one row per sample) presented one sample per t_pres. */
static int
parse_dataset (spec_parser *p, credo_stim_spec *st, const config_setting_t *g,
               const char *what, const char *popname)
{
  const config_setting_t *fs, *ds = NULL, *ts, *rs;
  const char *path, *dataset = NULL;
  char *resolved;
  size_t rows, cols, lp, ld;
  int rc, h5;

  if (!(ts = credo__spec_need (p, g, "t_pres", what))
      || (rc = credo__spec_num (p, ts, &st->t_pres)))
    return ts ? rc : CREDO_ECONFIG;
  if (!(st->t_pres > 0 && isfinite (st->t_pres)))
    return credo__spec_err (p, ts, "'t_pres' must be > 0 (ms), not %g",
                            st->t_pres);
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
  if ((h5 = credo__spec_data_kind (p, fs, path, "dataset file")) < 0)
    return CREDO_ECONFIG;
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
  if ((rc = credo__read_matrix (p->ctx, st->source, st->ds_name, &st->values,
                                &rows, &cols)))
    return credo__spec_file_err (p, h5 ? ds : fs, rc);
  st->n_rows = rows;
  if (cols != st->n)
    {
      if (h5)
        return credo__spec_err (p, ds, "dataset '%s' of '%s' is %zu x %zu "
                                "(samples x values), expected %zu x %zu (one "
                                "column per unit of '%s')", st->ds_name,
                                st->source, rows, cols, rows, st->n, popname);
      return credo__spec_err (p, fs, "dataset file '%s' is %zu x %zu "
                              "(samples x values), expected %zu x %zu (one "
                              "column per unit of '%s')", st->source, rows,
                              cols, rows, st->n, popname);
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
          if ((rc = parse_dataset (p, st, g, what, spec->pops[st->pop].name)))
            return rc;
          break;
        }
    }
  return 0;
}

/* ---- record ------------------------------------------------------------ */

static const char *const rec_keys[] = { "what", "units", "every", "start",
                                        "stop", "dtype", NULL };
static const char *const dtypes[] = { "float64", "float32", NULL };

/* Finds `name` among the variables, outputs and inputs of population `pop`
 * (in that order). */
static int
parse_what (spec_parser *p, credo_rec_spec *r, const config_setting_t *s)
{
  const char *text, *dot, *names[3 * MAX_NAMES];
  char popname[256], extra[1024];
  const credo_model_type *m;
  size_t n = 0, plen;
  int rc, idx;

  if ((rc = credo__spec_str (p, s, &text)))
    return rc;
  dot = strchr (text, '.');
  if (!dot || dot == text || !dot[1])
    return credo__spec_err (p, s, "'what' must be 'population.variable', not "
                            "'%s'", text);
  plen = (size_t) (dot - text);
  if (plen >= sizeof popname)
    return credo__spec_err (p, s, "population name too long in '%s'", text);
  memcpy (popname, text, plen);
  popname[plen] = '\0';
  if ((r->pop = credo__spec_pop_index (p->spec, popname)) < 0)
    {
      size_t np = p->spec->n_pops < MAX_NAMES ? p->spec->n_pops : MAX_NAMES;
      for (size_t i = 0; i < np; i++)
        names[i] = p->spec->pops[i].name;
      credo__spec_hint_list (extra, sizeof extra, popname, names, np);
      return credo__spec_err (p, s, "unknown population '%s'%s", popname,
                              extra);
    }
  m = p->spec->pops[r->pop].model;
  if (!(r->var_name = credo__strdup (dot + 1)))
    return credo__spec_nomem (p);
  if ((idx = credo_model_var_index (m, dot + 1)) >= 0)
    r->kind = CREDO_REC_VAR;
  else if ((idx = credo_model_output_index (m, dot + 1)) >= 0)
    r->kind = CREDO_REC_OUTPUT;
  else if ((idx = credo_model_input_index (m, dot + 1)) >= 0)
    r->kind = CREDO_REC_INPUT;
  if (idx >= 0)
    {
      r->index = idx;
      return 0;
    }
  /* candidates without repeats (a variable may also be an output) */
  for (int pass = 0; pass < 3; pass++)
    {
      size_t cnt = pass == 0 ? m->n_var : pass == 1 ? m->n_out : m->n_in;
      for (size_t i = 0; i < cnt && n < 3 * MAX_NAMES; i++)
        {
          const char *c = pass == 0 ? m->vars[i].name
                          : pass == 1 ? m->outputs[i].name
                                      : m->inputs[i].name;
          size_t j;
          for (j = 0; j < n && strcmp (names[j], c) != 0; j++)
            ;
          if (j == n)
            names[n++] = c;
        }
    }
  credo__spec_hint_list (extra, sizeof extra, dot + 1, names, n);
  return credo__spec_err (p, s, "unknown variable or port '%s' of model %s%s",
                          dot + 1, m->name, extra);
}

/* units: "all" (or absent) or strictly increasing indices in [0, size). */
static int
parse_units (spec_parser *p, credo_rec_spec *r, const config_setting_t *s,
             size_t size)
{
  size_t len;
  int rc;
  if (!s || (config_setting_type (s) == CONFIG_TYPE_STRING
             && strcmp (config_setting_get_string (s), "all") == 0))
    {
      if (!(r->units = credo__calloc (size, sizeof *r->units)))
        return credo__spec_nomem (p);
      for (size_t i = 0; i < size; i++)
        r->units[i] = i;
      r->n_units = size;
      return 0;
    }
  if (!config_setting_is_array (s) && !config_setting_is_list (s))
    return credo__spec_err (p, s, "'units' must be \"all\" or an array of "
                            "unit indices, not %s%s%s%s",
                            credo__spec_type_name (s),
                            config_setting_type (s) == CONFIG_TYPE_STRING
                                ? " '" : "",
                            config_setting_type (s) == CONFIG_TYPE_STRING
                                ? config_setting_get_string (s) : "",
                            config_setting_type (s) == CONFIG_TYPE_STRING
                                ? "'" : "");
  len = (size_t) config_setting_length (s);
  if (len == 0)
    return credo__spec_err (p, s, "'units' is empty");
  if (!(r->units = credo__calloc (len, sizeof *r->units)))
    return credo__spec_nomem (p);
  r->n_units = len;
  for (size_t k = 0; k < len; k++)
    {
      const config_setting_t *e = config_setting_get_elem (s, (unsigned) k);
      long u;
      if ((rc = credo__spec_long (p, e, &u)))
        return rc;
      if (u < 0 || (size_t) u >= size)
        return credo__spec_err (p, e, "unit %ld is out of range [0, %zu)",
                                u, size);
      if (k > 0 && (size_t) u <= r->units[k - 1])
        return credo__spec_err (p, e, "'units' must be strictly increasing, "
                                "but %ld follows %zu", u, r->units[k - 1]);
      r->units[k] = (size_t) u;
    }
  return 0;
}

int
credo__spec_records (spec_parser *p, config_setting_t *list)
{
  credo_spec *spec = p->spec;
  size_t len;
  int rc;

  if ((rc = credo__spec_list (p, list, "record", &len)))
    return rc;
  if (len == 0)
    return 0;
  if (!(spec->recs = credo__calloc (len, sizeof *spec->recs)))
    return credo__spec_nomem (p);
  spec->n_recs = len;

  for (size_t i = 0; i < len; i++)
    {
      config_setting_t *g = config_setting_get_elem (list, (unsigned) i), *s;
      credo_rec_spec *r = &spec->recs[i];
      char what[64];
      int dtype = 0;

      snprintf (what, sizeof what, "record %zu", i);
      if ((rc = credo__spec_check_keys (p, g, what, rec_keys)))
        return rc;
      if ((rc = credo__spec_loc (p, g, &r->loc)))
        return rc;
      if (!(s = credo__spec_need (p, g, "what", what)))
        return CREDO_ECONFIG;
      if ((rc = parse_what (p, r, s)))
        return rc;
      if ((rc = parse_units (p, r, config_setting_get_member (g, "units"),
                             spec->pops[r->pop].size)))
        return rc;
      r->every = 1.0;
      if ((rc = credo__spec_opt_num (p, g, "every", &r->every, NULL)))
        return rc;
      if (r->every < 0)
        return credo__spec_err (p, config_setting_get_member (g, "every"),
                                "'every' must be >= 0 (ms; 0 = every step), "
                                "not %g", r->every);
      r->start = 0;
      r->stop = spec->duration;
      if ((rc = credo__spec_opt_num (p, g, "start", &r->start, NULL))
          || (rc = credo__spec_opt_num (p, g, "stop", &r->stop, NULL)))
        return rc;
      if (r->start < 0)
        return credo__spec_err (p, config_setting_get_member (g, "start"),
                                "'start' must be >= 0, not %g", r->start);
      if (r->stop > spec->duration)
        r->stop = spec->duration; /* the run ends there anyway */
      if (!(r->start < r->stop))
        {
          const config_setting_t *at = config_setting_get_member (g, "start");
          if (!at)
            at = config_setting_get_member (g, "stop");
          return credo__spec_err (p, at ? at : g, "record window [%g, %g] "
                                  "is empty (duration %g ms)", r->start,
                                  r->stop, spec->duration);
        }
      if ((rc = credo__spec_opt_choice (p, g, "dtype", dtypes, &dtype)))
        return rc;
      r->float32 = dtype == 1;
    }
  return 0;
}

/* ---- solver ------------------------------------------------------------ */

static const char *const solver_keys[] = {
  "engine", "dt", "method", "rtol", "atol", "atol_var", "linear", "max_step",
  "init_step", "max_steps", "krylov_dim", "dense_max", NULL
};
static const char *const methods[] = { "bdf", "adams", NULL };
static const char *const linears[] = { "auto", "dense", "spgmr", NULL };

/* atol_var: per-variable absolute tolerances, names from any model. */
static int
parse_atol_var (spec_parser *p, credo_solver_spec *sv,
                const config_setting_t *g)
{
  const credo_model_type *const *reg = credo_model_list ();
  const char *names[MAX_NAMES];
  size_t n = 0, len;
  int rc;

  if (!config_setting_is_group (g))
    return credo__spec_err (p, g, "'atol_var' must be a group { VAR = "
                            "VALUE; ... }, not %s", credo__spec_type_name (g));
  for (size_t m = 0; reg[m]; m++)
    for (size_t v = 0; v < reg[m]->n_var && n < MAX_NAMES; v++)
      {
        size_t j;
        for (j = 0; j < n && strcmp (names[j], reg[m]->vars[v].name) != 0; j++)
          ;
        if (j == n)
          names[n++] = reg[m]->vars[v].name;
      }
  len = (size_t) config_setting_length (g);
  if (len == 0)
    return 0;
  sv->atol_var_names = credo__calloc (len, sizeof *sv->atol_var_names);
  sv->atol_var_values = credo__calloc (len, sizeof *sv->atol_var_values);
  if (!sv->atol_var_names || !sv->atol_var_values)
    return credo__spec_nomem (p);
  sv->n_atol_var = len;
  for (size_t i = 0; i < len; i++)
    {
      const config_setting_t *s = config_setting_get_elem (g, (unsigned) i);
      const char *name = config_setting_name (s);
      size_t j;
      char extra[1024];
      for (j = 0; j < n && strcmp (names[j], name) != 0; j++)
        ;
      if (j == n)
        {
          credo__spec_hint_list (extra, sizeof extra, name, names, n);
          return credo__spec_err (p, s, "unknown state variable '%s' in "
                                  "atol_var%s", name, extra);
        }
      if ((rc = credo__spec_num (p, s, &sv->atol_var_values[i])))
        return rc;
      if (!(sv->atol_var_values[i] > 0))
        return credo__spec_err (p, s, "atol_var '%s' must be > 0, not %g",
                                name, sv->atol_var_values[i]);
      if (!(sv->atol_var_names[i] = credo__strdup (name)))
        return credo__spec_nomem (p);
    }
  return 0;
}

/* A non-negative number member. */
static int
opt_nonneg (spec_parser *p, const config_setting_t *g, const char *key,
            double *out)
{
  int found, rc;
  if ((rc = credo__spec_opt_num (p, g, key, out, &found)))
    return rc;
  if (found && *out < 0)
    return credo__spec_err (p, config_setting_get_member (g, key),
                            "'%s' must be >= 0, not %g", key, *out);
  return 0;
}

/* Longest fixed-step run, in steps (as in engine/euler.c). */
#define MAX_FIXED_STEPS 1e12

/* engine and dt: the choice of engine (by the names in the engine
 * registry) and the fixed step. */
static int
parse_engine (spec_parser *p, credo_solver_spec *sv, const config_setting_t *g)
{
  const credo_engine_type *const *reg = credo__engine_list ();
  const char *names[MAX_NAMES + 1];
  size_t n = 0;
  int engine = 0, rc, found;
  while (reg[n] && n < MAX_NAMES)
    {
      names[n] = reg[n]->name;
      if (reg[n] == sv->engine)
        engine = (int) n;
      n++;
    }
  names[n] = NULL;
  if ((rc = credo__spec_opt_choice (p, g, "engine", names, &engine)))
    return rc;
  sv->engine = reg[engine];
  if ((rc = credo__spec_opt_num (p, g, "dt", &sv->dt, &found)))
    return rc;
  if (found && !(sv->dt > 0 && isfinite (sv->dt)))
    return credo__spec_err (p, config_setting_get_member (g, "dt"),
                            "'dt' must be > 0 (ms), not %g", sv->dt);
  if ((sv->engine->caps & CREDO_ENGINE_FIXED_STEP)
      && p->spec->duration / sv->dt > MAX_FIXED_STEPS)
    return credo__spec_err (p, config_setting_get_member (g, found ? "dt"
                                                                 : "engine"),
                            "'dt' = %g ms needs %.3g steps for the duration "
                            "of %g ms; the %s engine takes at most %g",
                            sv->dt, p->spec->duration / sv->dt,
                            p->spec->duration, sv->engine->name,
                            MAX_FIXED_STEPS);
  return 0;
}

/* The first engine that integrates noise, for the hint below. */
static const char *
noise_engine (void)
{
  const credo_engine_type *const *reg = credo__engine_list ();
  for (size_t i = 0; reg[i]; i++)
    if (reg[i]->caps & CREDO_ENGINE_NOISE)
      return reg[i]->name;
  return "?";
}

/* A population whose model declares noise for its parameters needs an
 * engine that integrates noise (CVODE integrates ODEs only).  Runs after
 * the populations and the solver section are both known. */
static int
check_noise (spec_parser *p)
{
  const credo_spec *spec = p->spec;
  if (spec->solver.engine->caps & CREDO_ENGINE_NOISE)
    return 0;
  for (size_t i = 0; i < spec->n_pops; i++)
    {
      const credo_pop_spec *ps = &spec->pops[i];
      const credo_model_type *m = ps->model;
      if (!m->noise)
        continue;
      for (size_t a = 0; a < m->n_var; a++)
        {
          double sigma = m->noise (ps->params, a);
          char loc[1100];
          if (!(sigma > 0))
            continue;
          if (ps->loc.line > 0)
            snprintf (loc, sizeof loc, "%s:%d", ps->loc.file, ps->loc.line);
          else
            snprintf (loc, sizeof loc, "%s",
                      ps->loc.file ? ps->loc.file : p->name);
          return credo__error (p->ctx, CREDO_ECONFIG,
                               "%s: population '%s' has noise (sigma = %g "
                               "on '%s'): the %s engine cannot integrate "
                               "noise; set solver.engine = \"%s\"",
                               loc, ps->name, sigma, m->vars[a].name,
                               spec->solver.engine->name, noise_engine ());
        }
    }
  return 0;
}

/* The solver section proper (present). */
static int
parse_solver (spec_parser *p, config_setting_t *g)
{
  credo_solver_spec *sv = &p->spec->solver;
  const config_setting_t *s;
  int method = CREDO_METHOD_BDF, linear = CREDO_LINEAR_AUTO, rc, found;
  long v;

  if ((rc = credo__spec_check_keys (p, g, "solver", solver_keys)))
    return rc;
  if ((rc = parse_engine (p, sv, g)))
    return rc;
  if ((rc = credo__spec_opt_choice (p, g, "method", methods, &method))
      || (rc = credo__spec_opt_choice (p, g, "linear", linears, &linear)))
    return rc;
  sv->method = (credo_method) method;
  sv->linear = (credo_linear) linear;
  if ((rc = credo__spec_opt_num (p, g, "rtol", &sv->rtol, &found)))
    return rc;
  if (found && !(sv->rtol > 0 && sv->rtol < 1))
    return credo__spec_err (p, config_setting_get_member (g, "rtol"),
                            "'rtol' must be > 0 and < 1, not %g", sv->rtol);
  if ((rc = credo__spec_opt_num (p, g, "atol", &sv->atol, &found)))
    return rc;
  if (found && !(sv->atol > 0))
    return credo__spec_err (p, config_setting_get_member (g, "atol"),
                            "'atol' must be > 0, not %g", sv->atol);
  if ((s = config_setting_get_member (g, "atol_var"))
      && (rc = parse_atol_var (p, sv, s)))
    return rc;
  if ((rc = opt_nonneg (p, g, "max_step", &sv->max_step))
      || (rc = opt_nonneg (p, g, "init_step", &sv->init_step)))
    return rc;
  if ((rc = credo__spec_opt_long (p, g, "max_steps", &sv->max_steps, NULL)))
    return rc;
  if ((rc = credo__spec_opt_long (p, g, "krylov_dim", &v, &found)))
    return rc;
  if (found)
    {
      if (v < 0 || v > 10000)
        return credo__spec_err (p, config_setting_get_member (g, "krylov_dim"),
                                "'krylov_dim' must be in 0..10000 (0 = "
                                "default), not %ld", v);
      sv->krylov_dim = (int) v;
    }
  if ((rc = credo__spec_opt_long (p, g, "dense_max", &v, &found)))
    return rc;
  if (found)
    {
      if (v < 0)
        return credo__spec_err (p, config_setting_get_member (g, "dense_max"),
                                "'dense_max' must be >= 0, not %ld", v);
      sv->dense_max = (size_t) v;
    }
  return 0;
}

int
credo__spec_solver (spec_parser *p, config_setting_t *g)
{
  int rc;
  if (g && (rc = parse_solver (p, g)))
    return rc;
  return check_noise (p);
}

/* ---- weights ----------------------------------------------------------- */

static const char *const weights_keys[] = { "every", "projections", "start",
                                            "stop", "dtype", NULL };

/* More snapshots than this is surely a typo in 'every'. */
#define MAX_SNAPSHOTS 1e9

double
credo__weights_time (const credo_weights_spec *w, unsigned long long k)
{
  return credo__grid_time (w->start, w->every, k);
}

unsigned long long
credo__weights_count (const credo_weights_spec *w)
{
  return credo__grid_count (w->start, w->every, w->stop, MAX_SNAPSHOTS);
}

/* Index of the projection called `name`, or -1. */
static int
proj_index (const credo_spec *spec, const char *name)
{
  for (size_t i = 0; i < spec->n_projs; i++)
    if (strcmp (spec->projs[i].name, name) == 0)
      return (int) i;
  return -1;
}

/* Projection `name` (from setting `s`) into w->projs[w->n++]; unknown names
 * and repeats are errors. */
static int
add_weights_proj (spec_parser *p, const config_setting_t *s, const char *name)
{
  const credo_spec *spec = p->spec;
  credo_weights_spec *w = &p->spec->weights;
  const char *names[MAX_NAMES + 2];
  char extra[1024];
  size_t n = 0;
  int k = proj_index (spec, name);
  if (k < 0)
    {
      for (size_t i = 0; i < spec->n_projs && n < MAX_NAMES; i++)
        names[n++] = spec->projs[i].name;
      names[n++] = "plastic";
      names[n++] = "all";
      credo__spec_hint_list (extra, sizeof extra, name, names, n);
      if (spec->n_projs == 0)
        return credo__spec_err (p, s, "unknown projection '%s' in weights: "
                                "the circuit has no projections", name);
      return credo__spec_err (p, s, "unknown projection '%s' in weights%s",
                              name, extra);
    }
  for (size_t i = 0; i < w->n; i++)
    if (w->projs[i] == k)
      return credo__spec_err (p, s, "projection '%s' is listed twice in "
                              "weights", name);
  w->projs[w->n++] = k;
  return 0;
}

/* projections = "plastic" (default) | "all" | "NAME" | ["NAME", ...] */
static int
parse_weights_projs (spec_parser *p, const config_setting_t *g)
{
  credo_spec *spec = p->spec;
  credo_weights_spec *w = &spec->weights;
  const config_setting_t *s = config_setting_get_member (g, "projections");
  const char *what = "plastic";
  int rc;

  if (!(w->projs = credo__calloc (spec->n_projs ? spec->n_projs : 1,
                                  sizeof *w->projs)))
    return credo__spec_nomem (p);
  if (s && (config_setting_is_array (s) || config_setting_is_list (s)))
    {
      size_t len = (size_t) config_setting_length (s);
      if (len == 0)
        return credo__spec_err (p, s, "'projections' is empty (give names, "
                                "\"plastic\" or \"all\")");
      for (size_t i = 0; i < len; i++)
        {
          const config_setting_t *e
              = config_setting_get_elem (s, (unsigned) i);
          const char *name;
          if (config_setting_type (e) != CONFIG_TYPE_STRING)
            return credo__spec_err (p, e, "'projections' must hold "
                                    "projection names, not %s",
                                    credo__spec_type_name (e));
          name = config_setting_get_string (e);
          /* repeats are refused, so at most n_projs fit */
          if ((rc = add_weights_proj (p, e, name)))
            return rc;
        }
      return 0;
    }
  if (s && config_setting_type (s) != CONFIG_TYPE_STRING)
    return credo__spec_err (p, s, "'projections' must be \"plastic\", "
                            "\"all\" or a list of projection names, not %s",
                            credo__spec_type_name (s));
  if (s)
    what = config_setting_get_string (s);
  if (strcmp (what, "plastic") != 0 && strcmp (what, "all") != 0)
    return add_weights_proj (p, s, what); /* one name */
  for (size_t i = 0; i < spec->n_projs; i++)
    if (what[0] == 'a' || spec->projs[i].plast.rule)
      w->projs[w->n++] = (int) i;
  if (w->n == 0)
    return credo__spec_err (p, s ? s : g, "weights: the circuit has no %s"
                            "projections to record%s",
                            what[0] == 'a' ? "" : "plastic ",
                            what[0] == 'a' || spec->n_projs == 0
                                ? ""
                                : "; set projections = \"all\" or name "
                                  "them");
  return 0;
}

int
credo__spec_weights (spec_parser *p, config_setting_t *g)
{
  credo_spec *spec = p->spec;
  credo_weights_spec *w = &spec->weights;
  const config_setting_t *s;
  int rc, dtype = 0;

  if ((rc = credo__spec_check_keys (p, g, "weights", weights_keys)))
    return rc;
  if ((rc = credo__spec_loc (p, g, &w->loc)))
    return rc;
  if (!(s = credo__spec_need (p, g, "every", "weights")))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_num (p, s, &w->every)))
    return rc;
  if (!(w->every > 0))
    return credo__spec_err (p, s, "'every' must be > 0 (ms between weight "
                            "snapshots), not %g", w->every);
  w->start = 0;
  w->stop = spec->duration;
  if ((rc = credo__spec_opt_num (p, g, "start", &w->start, NULL))
      || (rc = credo__spec_opt_num (p, g, "stop", &w->stop, NULL)))
    return rc;
  if (w->start < 0)
    return credo__spec_err (p, config_setting_get_member (g, "start"),
                            "'start' must be >= 0, not %g", w->start);
  if (w->stop > spec->duration)
    w->stop = spec->duration; /* the run ends there anyway */
  if (!(w->start <= w->stop))
    {
      const config_setting_t *at = config_setting_get_member (g, "start");
      if (!at)
        at = config_setting_get_member (g, "stop");
      return credo__spec_err (p, at ? at : g, "weights window [%g, %g] is "
                              "empty (duration %g ms)", w->start, w->stop,
                              spec->duration);
    }
  if ((w->stop - w->start) / w->every > MAX_SNAPSHOTS)
    return credo__spec_err (p, s, "'every' = %g ms gives %.3g snapshots in "
                            "[%g, %g] ms; at most %g are allowed", w->every,
                            (w->stop - w->start) / w->every, w->start,
                            w->stop, MAX_SNAPSHOTS);
  if ((rc = credo__spec_opt_choice (p, g, "dtype", dtypes, &dtype)))
    return rc;
  w->float32 = dtype == 1;
  if ((rc = parse_weights_projs (p, g)))
    return rc;
  /* the name becomes an HDF5 group: no '/' and not "." */
  for (size_t i = 0; i < w->n; i++)
    {
      const char *name = spec->projs[w->projs[i]].name;
      if (strchr (name, '/') || strcmp (name, ".") == 0)
        return credo__spec_err (p, config_setting_get_member (g, "projections")
                                       ? config_setting_get_member (
                                           g, "projections")
                                       : g,
                                "projection '%s' (%s:%d) cannot have its "
                                "weights recorded: its name becomes the "
                                "group /weights/NAME, which must not be '.' "
                                "or contain '/'; rename it", name,
                                spec->projs[w->projs[i]].loc.file,
                                spec->projs[w->projs[i]].loc.line);
    }
  return 0;
}
