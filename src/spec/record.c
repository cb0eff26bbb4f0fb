/* src/spec/record.c -- validating what is recorded: the `record` list
 * (population variables and ports, their units, sampling grid and dtype)
 * and the `weights` group (snapshots of projection weights).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Arrays in the spec are allocated whole and their counts set at once, so
 * credo_spec_free can release a partly filled spec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/parse.h"

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
  if (strcmp (dot + 1, "spikes") == 0)
    {
      if (!m->spiking)
        return credo__spec_err (p, s, "population '%s' (model %s) does not "
                                "spike: 'spikes' needs a spiking model",
                                popname, m->name);
      for (const credo_rec_spec *o = p->spec->recs; o < r; o++)
        if (o->kind == CREDO_REC_SPIKES && o->pop == r->pop)
          return credo__spec_err (p, s, "the spikes of '%s' are already "
                                  "recorded (line %d)", popname, o->loc.line);
      r->kind = CREDO_REC_SPIKES;
      r->index = 0;
      return 0;
    }
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
      if (r->every > 0
          && (r->stop - r->start) / r->every > credo__max_samples (p->ctx))
        return credo__spec_err (p, config_setting_get_member (g, "every"),
                                "'every' = %g ms gives %.3g samples in [%g, "
                                "%g] ms; at most %g are allowed%s", r->every,
                                (r->stop - r->start) / r->every, r->start,
                                r->stop, credo__max_samples (p->ctx),
                                p->ctx && p->ctx->max_samples > 0
                                    ? " (--max-samples)" : "");
      if ((rc = credo__spec_opt_choice (p, g, "dtype", dtypes, &dtype)))
        return rc;
      r->float32 = dtype == 1;
    }
  return 0;
}

/* ---- weights ----------------------------------------------------------- */

static const char *const weights_keys[] = { "every", "projections", "start",
                                            "stop", "dtype", NULL };

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
  if ((w->stop - w->start) / w->every > CREDO_MAX_SNAPSHOTS)
    return credo__spec_err (p, s, "'every' = %g ms gives %.3g snapshots in "
                            "[%g, %g] ms; at most %g are allowed", w->every,
                            (w->stop - w->start) / w->every, w->start,
                            w->stop, CREDO_MAX_SNAPSHOTS);
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
