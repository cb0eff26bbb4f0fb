/* src/spec/spec.c -- circuit files: reading, validation helpers, the top level.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A circuit file is libconfig text.  Loading reads it (with AUTOCONVERT and
 * @include relative to the file's directory), applies the "--set key=value"
 * overrides to the parsed tree, records the resulting text, then validates
 * every section into a credo_spec (spec_circuit.c, spec_sections.c).  Every
 * message names the offending setting as FILE:LINE, or as "--set KEY=VALUE"
 * when an override created it (spec_override.c marks such settings with the
 * override string as their libconfig hook).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "spec/parse.h"
#include "engine/engine.h"

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
static void
file_name (spec_parser *p, const char *file, char *buf, size_t len)
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
      file_name (p, config_setting_source_file (l), file, sizeof file);
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
      file_name (p, config_setting_source_file (l), buf, sizeof buf);
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
  credo__spec_sname (s, name, sizeof name);
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
                            "numbers, not %s", name,
                            credo__spec_type_name (s));
  len = (size_t) config_setting_length (s);
  if (len == 0)
    return credo__spec_err (p, s, "'%s' is empty", name);
  if (n && len != n)
    return credo__spec_err (p, s, "'%s' has %zu values, expected %zu (one "
                            "per unit)", name, len, n);
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

/* ---- the top level ----------------------------------------------------- */

static const char *const top_keys[] = {
  "duration", "seed", "output", "populations", "projections", "stimuli",
  "record", "solver", "weights", "learning", NULL
};

static const char *const output_keys[] = { "path", "flush", "compression",
                                           NULL };

static int
parse_output (spec_parser *p, config_setting_t *root)
{
  credo_spec *spec = p->spec;
  config_setting_t *g, *s;
  const char *path;
  long level;
  int rc;
  g = credo__spec_group (p, root, "output", &rc);
  if (!g)
    return rc;
  if ((rc = credo__spec_check_keys (p, g, "output", output_keys)))
    return rc;
  if ((s = config_setting_get_member (g, "path")))
    {
      if ((rc = credo__spec_str (p, s, &path)))
        return rc;
      if (!path[0])
        return credo__spec_err (p, s, "'path' must not be empty");
      if (!(spec->output_path = credo__strdup (path)))
        return credo__spec_nomem (p);
    }
  if ((s = config_setting_get_member (g, "flush")))
    {
      if ((rc = credo__spec_num (p, s, &spec->flush_seconds)))
        return rc;
      if (!(spec->flush_seconds > 0))
        return credo__spec_err (p, s, "'flush' must be > 0 (seconds between "
                                "flushes), not %g", spec->flush_seconds);
    }
  if ((s = config_setting_get_member (g, "compression")))
    {
      if ((rc = credo__spec_long (p, s, &level)))
        return rc;
      if (level < 0 || level > 9)
        return credo__spec_err (p, s, "'compression' must be in 0..9, not %ld",
                                level);
      spec->compression = (int) level;
    }
  return 0;
}

/* Validates the whole tree into p->spec. */
static int
parse_root (spec_parser *p)
{
  credo_spec *spec = p->spec;
  config_setting_t *root = config_root_setting (p->cfg), *s;
  long seed = 1;
  int rc;

  if ((rc = credo__spec_check_keys (p, root, "the top level", top_keys)))
    return rc;
  if (!(s = credo__spec_need (p, root, "duration", "the top level")))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_num (p, s, &spec->duration)))
    return rc;
  if (!(spec->duration > 0))
    return credo__spec_err (p, s, "'duration' must be > 0 (ms), not %g",
                            spec->duration);
  if ((s = config_setting_get_member (root, "seed")))
    {
      if ((rc = credo__spec_long (p, s, &seed)))
        return rc;
      if (seed < 0)
        return credo__spec_err (p, s, "'seed' must be >= 0, not %ld", seed);
    }
  spec->seed = (unsigned long) seed;
  if ((rc = parse_output (p, root)))
    return rc;
  if (!(s = credo__spec_need (p, root, "populations", "the top level")))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_populations (p, s)))
    return rc;
  if ((s = config_setting_get_member (root, "projections"))
      && (rc = credo__spec_projections (p, s)))
    return rc;
  if ((s = config_setting_get_member (root, "stimuli"))
      && (rc = credo__spec_stimuli (p, s)))
    return rc;
  if ((s = config_setting_get_member (root, "record"))
      && (rc = credo__spec_records (p, s)))
    return rc;
  if ((s = config_setting_get_member (root, "weights"))
      && (rc = credo__spec_weights (p, s)))
    return rc;
  if ((s = config_setting_get_member (root, "learning"))
      && (rc = credo__spec_learning (p, s)))
    return rc;
  return credo__spec_solver (p, config_setting_get_member (root, "solver"));
}

static credo_spec *
spec_new (void)
{
  credo_spec *spec = credo__calloc (1, sizeof *spec);
  if (!spec)
    return NULL;
  spec->seed = 1;
  spec->flush_seconds = 10.0;
  spec->compression = 4;
  spec->solver.engine = credo__engine_default ();
  spec->solver.dt = 0.1;
  spec->solver.method = CREDO_METHOD_BDF;
  spec->solver.linear = CREDO_LINEAR_AUTO;
  spec->solver.rtol = 1e-6;
  spec->solver.atol = 1e-8;
  spec->solver.max_steps = 100000;
  spec->solver.dense_max = 200;
  return spec;
}

/* The text of the tree as libconfig writes it, malloc'd, or NULL. */
static char *
write_text (const config_t *cfg)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  if (!f)
    return NULL;
  config_write (cfg, f);
  if (fclose (f) != 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

/* Shared tail of both loaders: the config has been read into p->cfg. */
static credo_spec *
finish_load (spec_parser *p, const char *const *overrides, size_t n_overrides)
{
  int rc = 0;
  if (!overrides)
    n_overrides = 0;
  for (size_t i = 0; i < n_overrides && !rc; i++)
    rc = credo__spec_override (p, overrides[i]);
  if (!rc && !(p->spec->text = write_text (p->cfg)))
    rc = credo__spec_nomem (p);
  if (!rc)
    rc = parse_root (p);
  config_destroy (p->cfg);
  if (rc)
    {
      credo_spec_free (p->spec);
      return NULL;
    }
  return p->spec;
}

static void
read_error (spec_parser *p, const char *fallback_file)
{
  char file[1024];
  file_name (p, config_error_file (p->cfg) ? config_error_file (p->cfg)
                                           : fallback_file,
             file, sizeof file);
  if (config_error_type (p->cfg) == CONFIG_ERR_FILE_IO)
    credo__error (p->ctx, CREDO_ECONFIG, "%s: cannot read: %s", file,
                  config_error_text (p->cfg));
  else
    credo__error (p->ctx, CREDO_ECONFIG, "%s:%d: %s", file,
                  config_error_line (p->cfg), config_error_text (p->cfg));
}

credo_spec *
credo_spec_load (credo_ctx *ctx, const char *path,
                 const char *const *overrides, size_t n_overrides)
{
  spec_parser p;
  config_t cfg;
  char *dir;
  const char *slash;
  FILE *f;
  struct stat st;
  credo_spec *spec;

  if (!path)
    {
      credo__error (ctx, CREDO_EINVAL, "credo_spec_load: no path");
      return NULL;
    }
  /* libconfig only says "file I/O error": look for the reason first */
  if (!(f = fopen (path, "r")) || fstat (fileno (f), &st) != 0
      || S_ISDIR (st.st_mode))
    {
      int err = f && S_ISDIR (st.st_mode) ? EISDIR : errno;
      if (f)
        fclose (f);
      credo__error (ctx, CREDO_ECONFIG, "%s: cannot open: %s", path,
                    strerror (err));
      return NULL;
    }
  fclose (f);
  if (!(spec = spec_new ()))
    {
      credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
      return NULL;
    }
  slash = strrchr (path, '/');
  dir = slash ? malloc ((size_t) (slash - path) + 2) : credo__strdup (".");
  if (!dir || !(spec->path = credo__strdup (path)))
    {
      free (dir);
      credo_spec_free (spec);
      credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
      return NULL;
    }
  if (slash)
    {
      size_t len = slash == path ? 1 : (size_t) (slash - path);
      memcpy (dir, path, len);
      dir[len] = '\0';
    }

  p.ctx = ctx;
  p.spec = spec;
  p.cfg = &cfg;
  p.name = spec->path;
  p.dir = dir;
  config_init (&cfg);
  config_set_options (&cfg, config_get_options (&cfg)
                                | CONFIG_OPTION_AUTOCONVERT);
  config_set_include_dir (&cfg, dir);
  if (!config_read_file (&cfg, path))
    {
      read_error (&p, path);
      config_destroy (&cfg);
      credo_spec_free (spec);
      free (dir);
      return NULL;
    }
  spec = finish_load (&p, overrides, n_overrides);
  free (dir);
  return spec;
}

credo_spec *
credo_spec_load_string (credo_ctx *ctx, const char *text, const char *name,
                        const char *const *overrides, size_t n_overrides)
{
  spec_parser p;
  config_t cfg;
  credo_spec *spec;

  if (!text)
    {
      credo__error (ctx, CREDO_EINVAL, "credo_spec_load_string: no text");
      return NULL;
    }
  if (!name)
    name = "<string>";
  if (!(spec = spec_new ()) || !(spec->path = credo__strdup (name)))
    {
      credo_spec_free (spec);
      credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", name);
      return NULL;
    }
  p.ctx = ctx;
  p.spec = spec;
  p.cfg = &cfg;
  p.name = spec->path;
  p.dir = NULL;
  config_init (&cfg);
  config_set_options (&cfg, config_get_options (&cfg)
                                | CONFIG_OPTION_AUTOCONVERT);
  if (!config_read_string (&cfg, text))
    {
      read_error (&p, name);
      config_destroy (&cfg);
      credo_spec_free (spec);
      return NULL;
    }
  return finish_load (&p, overrides, n_overrides);
}

/* ---- freeing and accessors -------------------------------------------- */

void
credo_spec_free (credo_spec *spec)
{
  if (!spec)
    return;
  for (size_t i = 0; i < spec->n_pops; i++)
    {
      free (spec->pops[i].name);
      free (spec->pops[i].params);
    }
  free (spec->pops);
  for (size_t i = 0; i < spec->n_projs; i++)
    {
      free (spec->projs[i].name);
      free (spec->projs[i].init.path);
      free (spec->projs[i].init.dataset);
    }
  free (spec->projs);
  for (size_t i = 0; i < spec->n_stims; i++)
    {
      credo_stim_spec *s = &spec->stims[i];
      free (s->value);
      free (s->amplitude);
      free (s->offset);
      free (s->times);
      free (s->values);
      free (s->source);
    }
  free (spec->stims);
  for (size_t i = 0; i < spec->n_recs; i++)
    {
      free (spec->recs[i].var_name);
      free (spec->recs[i].units);
    }
  free (spec->recs);
  for (size_t i = 0; i < spec->solver.n_atol_var; i++)
    free (spec->solver.atol_var_names[i]);
  free (spec->solver.atol_var_names);
  free (spec->solver.atol_var_values);
  free (spec->weights.projs);
  credo__spec_learning_free (&spec->learning);
  for (size_t i = 0; i < spec->n_strings; i++)
    free (spec->strings[i]);
  free (spec->strings);
  free (spec->output_path);
  free (spec->path);
  free (spec->text);
  free (spec);
}

const char *
credo_spec_output_path (const credo_spec *spec)
{
  return spec ? spec->output_path : NULL;
}

const char *
credo_spec_text (const credo_spec *spec)
{
  return spec && spec->text ? spec->text : "";
}
