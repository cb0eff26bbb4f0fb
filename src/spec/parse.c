/* src/spec/parse.c -- the helpers every section parser shares.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Locations and messages (FILE:LINE, or "--set KEY=VALUE" for a setting an
 * override created), typed getters, key checks, "did you mean" hints,
 * choices, data-file kinds, and the lookups of populations and ports by
 * name.  The bottom of src/spec/: it calls no section parser.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spec/parse.h"

/* ---- locations and messages ------------------------------------------- */

/* The override that created `s` or one of its ancestors, or NULL when the
 * setting comes from a file.  A setting with a line of its own is from a
 * file unless it carries a hook itself (an array element set in place). */
static const char *
override_of (const config_setting_t *s)
{
  for (; s; s = config_setting_parent (s))
    {
      if (config_setting_get_hook (s))
        return config_setting_get_hook (s);
      if (config_setting_source_line (s) > 0)
        return NULL;
    }
  return NULL;
}

/* The setting itself or its nearest ancestor that has a source line. */
static const config_setting_t *
located (const config_setting_t *s)
{
  for (; s; s = config_setting_parent (s))
    if (config_setting_source_line (s) > 0)
      return s;
  return NULL;
}

/* The name of a file libconfig read: the main file as given; an included
 * file, which libconfig names as written in @include, joined to the include
 * directory (the main file's). */
void
credo__spec_file_name (spec_parser *p, const char *file, char *buf,
                       size_t len)
{
  size_t ld;
  if (!file)
    file = p->name;
  if (file[0] == '/' || strcmp (file, p->name) == 0 || !p->dir
      || strcmp (p->dir, ".") == 0)
    {
      snprintf (buf, len, "%s", file);
      return;
    }
  ld = strlen (p->dir);
  snprintf (buf, len, "%s%s%s", p->dir,
            ld && p->dir[ld - 1] == '/' ? "" : "/", file);
}

static void
format_loc (spec_parser *p, const config_setting_t *s, char *buf, size_t len)
{
  const char *ov = override_of (s);
  const config_setting_t *l = located (s);
  char file[900];
  if (ov)
    snprintf (buf, len, "--set %s", ov);
  else if (l)
    {
      credo__spec_file_name (p, config_setting_source_file (l), file,
                             sizeof file);
      snprintf (buf, len, "%s:%u", file, config_setting_source_line (l));
    }
  else
    snprintf (buf, len, "%s", p->name);
}

int
credo__spec_err (spec_parser *p, const config_setting_t *s, const char *fmt,
                 ...)
{
  char loc[1024], msg[3000];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  format_loc (p, s, loc, sizeof loc);
  return credo__error (p->ctx, CREDO_ECONFIG, "%s: %s", loc, msg);
}

int
credo__spec_file_err (spec_parser *p, const config_setting_t *s, int rc)
{
  char msg[sizeof p->ctx->msg];
  if (rc == CREDO_ENOMEM)
    return rc;
  snprintf (msg, sizeof msg, "%s", credo_errmsg (p->ctx));
  return credo__spec_err (p, s, "%s", msg);
}

int
credo__spec_nomem (spec_parser *p)
{
  return credo__error (p->ctx, CREDO_ENOMEM, "%s: out of memory", p->name);
}

/* Returns the pooled copy of `s`, adding it when new; NULL when out of
 * memory. */
static const char *
intern (credo_spec *spec, const char *s)
{
  char **pool, *copy;
  for (size_t i = 0; i < spec->n_strings; i++)
    if (strcmp (spec->strings[i], s) == 0)
      return spec->strings[i];
  copy = credo__strdup (s);
  if (!copy)
    return NULL;
  pool = realloc (spec->strings, (spec->n_strings + 1) * sizeof *pool);
  if (!pool)
    {
      free (copy);
      return NULL;
    }
  spec->strings = pool;
  spec->strings[spec->n_strings++] = copy;
  return copy;
}

int
credo__spec_loc (spec_parser *p, const config_setting_t *s, credo_loc *loc)
{
  const char *ov = override_of (s);
  const config_setting_t *l = located (s);
  char buf[1024];
  if (ov)
    {
      snprintf (buf, sizeof buf, "--set %s", ov);
      loc->line = 0;
    }
  else if (l)
    {
      credo__spec_file_name (p, config_setting_source_file (l), buf,
                             sizeof buf);
      loc->line = (int) config_setting_source_line (l);
    }
  else
    {
      snprintf (buf, sizeof buf, "%s", p->name);
      loc->line = 0;
    }
  loc->file = intern (p->spec, buf);
  return loc->file ? 0 : credo__spec_nomem (p);
}

const char *
credo__spec_sname (const config_setting_t *s, char *buf, size_t len)
{
  const config_setting_t *parent = config_setting_parent (s);
  if (config_setting_name (s))
    snprintf (buf, len, "%s", config_setting_name (s));
  else if (parent && config_setting_name (parent))
    snprintf (buf, len, "%s[%d]", config_setting_name (parent),
              config_setting_index (s));
  else
    snprintf (buf, len, "element %d", config_setting_index (s));
  return buf;
}

const char *
credo__spec_type_name (const config_setting_t *s)
{
  switch (config_setting_type (s))
    {
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a number";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_ARRAY: return "an array";
    case CONFIG_TYPE_LIST: return "a list";
    default: return "nothing";
    }
}

void
credo__spec_choices (char *buf, size_t len, const char *const *cands,
                     size_t n)
{
  size_t total = 0, used;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++)
    total += strlen (cands[i]) + 2;
  if (n == 0 || n > 12 || total > 100)
    return;
  used = (size_t) snprintf (buf, len, " (one of: ");
  for (size_t i = 0; i < n && used < len; i++)
    used += (size_t) snprintf (buf + used, len - used, "%s%s", cands[i],
                               i + 1 < n ? ", " : ")");
}

void
credo__spec_hint (char *buf, size_t len, const char *word,
                  const char *const *cands, size_t n)
{
  const char *best = credo__closest (word, cands, n);
  if (best)
    snprintf (buf, len, "; did you mean '%s'?", best);
  else
    buf[0] = '\0';
}

/* ---- group members and typed values ----------------------------------- */

int
credo__spec_check_keys (spec_parser *p, const config_setting_t *g,
                        const char *what, const char *const *allowed)
{
  size_t n_allowed = 0;
  int len;
  if (!config_setting_is_group (g))
    return credo__spec_err (p, g, "%s must be a group { ... }, not %s", what,
                            credo__spec_type_name (g));
  while (allowed[n_allowed])
    n_allowed++;
  len = config_setting_length (g);
  for (int i = 0; i < len; i++)
    {
      const config_setting_t *m = config_setting_get_elem (g, (unsigned) i);
      const char *name = config_setting_name (m);
      size_t k;
      char hint[256], list[512];
      for (k = 0; k < n_allowed; k++)
        if (strcmp (allowed[k], name) == 0)
          break;
      if (k < n_allowed)
        continue;
      credo__spec_hint (hint, sizeof hint, name, allowed, n_allowed);
      credo__spec_choices (list, sizeof list, allowed, n_allowed);
      return credo__spec_err (p, m, "unknown key '%s' in %s%s%s", name, what,
                              hint, list);
    }
  return 0;
}

config_setting_t *
credo__spec_group (spec_parser *p, config_setting_t *g, const char *key,
                   int *rc)
{
  config_setting_t *s = config_setting_get_member (g, key);
  *rc = 0;
  if (s && !config_setting_is_group (s))
    {
      *rc = credo__spec_err (p, s, "'%s' must be a group { ... }, not %s",
                             key, credo__spec_type_name (s));
      return NULL;
    }
  return s;
}

int
credo__spec_num (spec_parser *p, const config_setting_t *s, double *out)
{
  char name[256];
  double v;
  switch (config_setting_type (s))
    {
    case CONFIG_TYPE_INT:
      v = config_setting_get_int (s);
      break;
    case CONFIG_TYPE_INT64:
      v = (double) config_setting_get_int64 (s);
      break;
    case CONFIG_TYPE_FLOAT:
      v = config_setting_get_float (s);
      break;
    default:
      return credo__spec_err (p, s, "'%s' must be a number, not %s",
                              credo__spec_sname (s, name, sizeof name),
                              credo__spec_type_name (s));
    }
  if (!isfinite (v))
    return credo__spec_err (p, s, "'%s' must be a finite number",
                            credo__spec_sname (s, name, sizeof name));
  *out = v;
  return 0;
}

int
credo__spec_long (spec_parser *p, const config_setting_t *s, long *out)
{
  char name[256];
  double v;
  switch (config_setting_type (s))
    {
    case CONFIG_TYPE_INT:
      *out = config_setting_get_int (s);
      return 0;
    case CONFIG_TYPE_INT64:
      *out = (long) config_setting_get_int64 (s);
      return 0;
    case CONFIG_TYPE_FLOAT:
      /* an integral float (e.g. from --set x=30.0) is an integer */
      v = config_setting_get_float (s);
      if (v == floor (v) && fabs (v) < 9e15)
        {
          *out = (long) v;
          return 0;
        }
      return credo__spec_err (p, s, "'%s' must be an integer, not %g",
                              credo__spec_sname (s, name, sizeof name), v);
    default:
      return credo__spec_err (p, s, "'%s' must be an integer, not %s",
                              credo__spec_sname (s, name, sizeof name),
                              credo__spec_type_name (s));
    }
}

int
credo__spec_str (spec_parser *p, const config_setting_t *s, const char **out)
{
  char name[256];
  if (config_setting_type (s) != CONFIG_TYPE_STRING)
    return credo__spec_err (p, s, "'%s' must be a string, not %s",
                            credo__spec_sname (s, name, sizeof name),
                            credo__spec_type_name (s));
  *out = config_setting_get_string (s);
  return 0;
}

int
credo__spec_opt_num (spec_parser *p, const config_setting_t *g,
                     const char *key, double *out, int *found)
{
  const config_setting_t *s = config_setting_get_member (g, key);
  if (found)
    *found = s != NULL;
  return s ? credo__spec_num (p, s, out) : 0;
}

int
credo__spec_opt_long (spec_parser *p, const config_setting_t *g,
                      const char *key, long *out, int *found)
{
  const config_setting_t *s = config_setting_get_member (g, key);
  if (found)
    *found = s != NULL;
  return s ? credo__spec_long (p, s, out) : 0;
}

int
credo__spec_opt_str (spec_parser *p, const config_setting_t *g,
                     const char *key, const char **out, int *found)
{
  const config_setting_t *s = config_setting_get_member (g, key);
  if (found)
    *found = s != NULL;
  return s ? credo__spec_str (p, s, out) : 0;
}

config_setting_t *
credo__spec_need (spec_parser *p, const config_setting_t *g, const char *key,
                  const char *what)
{
  config_setting_t *s = config_setting_get_member (g, key);
  if (!s)
    credo__spec_err (p, g, "missing '%s' in %s", key, what);
  return s;
}

int
credo__spec_opt_choice (spec_parser *p, const config_setting_t *g,
                        const char *key, const char *const *choices, int *out)
{
  const config_setting_t *s = config_setting_get_member (g, key);
  const char *v;
  size_t n = 0;
  char hint[256], list[512];
  int rc;
  if (!s)
    return 0;
  while (choices[n])
    n++;
  credo__spec_choices (list, sizeof list, choices, n);
  if (config_setting_type (s) != CONFIG_TYPE_STRING)
    return credo__spec_err (p, s, "'%s' must be a string, not %s%s", key,
                            credo__spec_type_name (s), list);
  if ((rc = credo__spec_str (p, s, &v)))
    return rc;
  for (size_t i = 0; i < n; i++)
    if (strcmp (choices[i], v) == 0)
      {
        *out = (int) i;
        return 0;
      }
  credo__spec_hint (hint, sizeof hint, v, choices, n);
  return credo__spec_err (p, s, "unknown %s '%s'%s%s", key, v, hint, list);
}

int
credo__spec_num_vec (spec_parser *p, const config_setting_t *s, size_t n,
                     double **out, size_t *n_out)
{
  char name[256];
  double *v;
  size_t len;
  int rc;
  /* the name only for messages: an element's name is its index, a linear
   * search in libconfig, and a table of n rows would parse in n^2 */
#define NAME credo__spec_sname (s, name, sizeof name)
  if (config_setting_is_number (s))
    {
      double x;
      if (n == 0)
        n = 1;
      if ((rc = credo__spec_num (p, s, &x)))
        return rc;
      if (!(v = credo__calloc (n, sizeof *v)))
        return credo__spec_nomem (p);
      for (size_t i = 0; i < n; i++)
        v[i] = x;
      *out = v;
      if (n_out)
        *n_out = n;
      return 0;
    }
  if (!config_setting_is_array (s) && !config_setting_is_list (s))
    return credo__spec_err (p, s, "'%s' must be a number or an array of "
                            "numbers, not %s", NAME,
                            credo__spec_type_name (s));
  len = (size_t) config_setting_length (s);
  if (len == 0)
    return credo__spec_err (p, s, "'%s' is empty", NAME);
  if (n && len != n)
    return credo__spec_err (p, s, "'%s' has %zu values, expected %zu (one "
                            "per unit)", NAME, len, n);
  if (!(v = credo__calloc (len, sizeof *v)))
    return credo__spec_nomem (p);
  for (size_t i = 0; i < len; i++)
    if ((rc = credo__spec_num (p, config_setting_get_elem (s, (unsigned) i),
                               &v[i])))
      {
        free (v);
        return rc;
      }
  *out = v;
  if (n_out)
    *n_out = len;
  return 0;
#undef NAME
}

char *
credo__spec_resolve (spec_parser *p, const char *path)
{
  char *r;
  size_t ld, lp;
  if (path[0] == '/' || !p->dir || !p->dir[0] || strcmp (p->dir, ".") == 0)
    return credo__strdup (path);
  ld = strlen (p->dir);
  lp = strlen (path);
  if (!(r = malloc (ld + lp + 2)))
    return NULL;
  memcpy (r, p->dir, ld);
  if (p->dir[ld - 1] != '/')
    r[ld++] = '/';
  memcpy (r + ld, path, lp + 1);
  return r;
}

/* ---- shared by the section parsers ----------------------------------- */

/* Appends the hint and the list of choices for `word` among `cands`. */
void
credo__spec_hint_list (char *buf, size_t len, const char *word,
                       const char *const *cands, size_t n)
{
  char hint[256], list[1024];
  credo__spec_hint (hint, sizeof hint, word, cands, n);
  credo__spec_choices (list, sizeof list, cands, n);
  snprintf (buf, len, "%s%s", hint, list);
}

/* A list of groups: a list, or an empty array / group (`[]`, `{}`). */
int
credo__spec_list (spec_parser *p, const config_setting_t *s,
                  const char *what, size_t *len)
{
  *len = (size_t) config_setting_length (s);
  if (config_setting_is_list (s)
      || ((config_setting_is_array (s) || config_setting_is_group (s))
          && *len == 0))
    return 0;
  return credo__spec_err (p, s, "'%s' must be a list ( { ... }, ... ), not %s",
                          what, credo__spec_type_name (s));
}

static int
has_suffix (const char *path, const char *suffix)
{
  size_t lp = strlen (path), ls = strlen (suffix);
  return lp >= ls && strcasecmp (path + lp - ls, suffix) == 0;
}

/* 1 for HDF5, 0 for CSV, -1 (with the error set at `s`) otherwise. */
int
credo__spec_data_kind (spec_parser *p, const config_setting_t *s,
                       const char *path, const char *what)
{
  if (has_suffix (path, ".csv"))
    return 0;
  if (has_suffix (path, ".h5") || has_suffix (path, ".hdf5"))
    return 1;
  credo__spec_err (p, s, "%s '%s' must end in .csv, .h5 or .hdf5", what, path);
  return -1;
}

/* ---- lookups by name --------------------------------------------------- */

int
credo__spec_pop_index (const credo_spec *spec, const char *name)
{
  for (size_t i = 0; i < spec->n_pops; i++)
    if (spec->pops[i].name && strcmp (spec->pops[i].name, name) == 0)
      return (int) i;
  return -1;
}

/* Resolves "pop.port" or "pop" (the first port) of setting `s` against the
 * populations; `input` selects input ports, else output ports. */
int
credo__spec_endpoint (spec_parser *p, const config_setting_t *s, int input,
                      int *pop, int *port)
{
  credo_spec *spec = p->spec;
  const char *text, *dot, *names[MAX_NAMES];
  char popname[256], extra[1024];
  const credo_model_type *m;
  size_t n, plen;
  int rc;

  if ((rc = credo__spec_str (p, s, &text)))
    return rc;
  dot = strchr (text, '.');
  plen = dot ? (size_t) (dot - text) : strlen (text);
  if (plen == 0 || plen >= sizeof popname)
    return credo__spec_err (p, s, "'%s' is not 'population' or "
                            "'population.port'", text);
  memcpy (popname, text, plen);
  popname[plen] = '\0';
  if ((*pop = credo__spec_pop_index (spec, popname)) < 0)
    {
      n = spec->n_pops < MAX_NAMES ? spec->n_pops : MAX_NAMES;
      for (size_t i = 0; i < n; i++)
        names[i] = spec->pops[i].name;
      credo__spec_hint_list (extra, sizeof extra, popname, names, n);
      return credo__spec_err (p, s, "unknown population '%s'%s", popname,
                              extra);
    }
  m = spec->pops[*pop].model;
  n = input ? m->n_in : m->n_out;
  if (n > MAX_NAMES)
    n = MAX_NAMES;
  for (size_t i = 0; i < n; i++)
    names[i] = input ? m->inputs[i].name : m->outputs[i].name;
  if (!dot)
    {
      if (n == 0)
        return credo__spec_err (p, s, "population '%s' (model %s) has no %s "
                                "ports", popname, m->name,
                                input ? "input" : "output");
      *port = 0;
      return 0;
    }
  *port = input ? credo_model_input_index (m, dot + 1)
                : credo_model_output_index (m, dot + 1);
  if (*port < 0)
    {
      credo__spec_hint_list (extra, sizeof extra, dot + 1, names, n);
      return credo__spec_err (p, s, "unknown %s port '%s' of model %s%s",
                              input ? "input" : "output", dot + 1, m->name,
                              extra);
    }
  return 0;
}
