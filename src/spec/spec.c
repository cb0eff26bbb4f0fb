/* src/spec/spec.c -- circuit files: loading, the order of the sections,
 * defaults and freeing.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A circuit file is libconfig text.  Loading reads it (with AUTOCONVERT and
 * @include relative to the file's directory), applies the "--set key=value"
 * overrides to the parsed tree (override.c), records the resulting text,
 * then validates every section into a credo_spec (circuit.c, stimuli.c,
 * record.c, learning.c, solver.c), in an order where each section only
 * refers to sections before it.  Every message names the offending setting
 * as FILE:LINE, or as "--set KEY=VALUE" when an override created it
 * (override.c marks such settings with the override string as their
 * libconfig hook; parse.c formats the locations).
 *
 * The files call downwards only: spec.c -> the sections -> parse.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec/parse.h"
#include "engine/engine.h"

/* ---- the top level ----------------------------------------------------- */

static const char *const top_keys[] = {
  "duration", "seed", "output", "populations", "projections", "stimuli",
  "record", "solver", "weights", "learning", NULL
};

static const char *const output_keys[] = { "path", "flush_every", "flush",
                                           "compression", NULL };

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
  /* `flush` is the older name of flush_every */
  s = config_setting_get_member (g, "flush_every");
  if (s && config_setting_get_member (g, "flush"))
    return credo__spec_err (p, config_setting_get_member (g, "flush"),
                            "give 'flush_every' or its older name 'flush', "
                            "not both");
  if (s || (s = config_setting_get_member (g, "flush")))
    {
      if ((rc = credo__spec_num (p, s, &spec->flush_seconds)))
        return rc;
      if (!(spec->flush_seconds > 0))
        return credo__spec_err (p, s, "'%s' must be > 0 (seconds of wall "
                                "time between flushes), not %g",
                                config_setting_name (s), spec->flush_seconds);
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
  if ((rc = credo__spec_check_loss_targets (p))
      || (rc = credo__spec_check_lcp (p)))
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
  spec->flush_seconds = 2.0;
  spec->compression = 4;
  spec->solver.engine = credo__engine_default ();
  spec->solver.dt = 0.1;
  spec->solver.method = CREDO_METHOD_BDF;
  spec->solver.linear = CREDO_LINEAR_AUTO;
  spec->solver.rtol = 1e-6;
  spec->solver.atol = 1e-8;
  spec->solver.max_steps = 100000;
  spec->solver.dense_max = 200;
  spec->solver.blocks = 1;
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
  credo__spec_file_name (p, config_error_file (p->cfg)
                                 ? config_error_file (p->cfg)
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
  char *dir, *text;
  const char *slash;
  credo_spec *spec;
  int rc;

  if (!path)
    {
      credo__error (ctx, CREDO_EINVAL, "credo_spec_load: no path");
      return NULL;
    }
  /* the whole text (libconfig only says "file I/O error", and scans a
   * FILE in quadratic time: read.c) */
  if (!(text = credo__spec_slurp (ctx, path, "open")))
    return NULL;
  if (!(spec = spec_new ()))
    {
      free (text);
      credo__error (ctx, CREDO_ENOMEM, "%s: out of memory", path);
      return NULL;
    }
  slash = strrchr (path, '/');
  dir = slash ? malloc ((size_t) (slash - path) + 2) : credo__strdup (".");
  if (!dir || !(spec->path = credo__strdup (path)))
    {
      free (dir);
      free (text);
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
  if ((rc = credo__spec_check_includes (ctx, text, path, dir, 0)) != 0
      || !config_read_string (&cfg, text))
    {
      if (!rc)
        read_error (&p, path);
      config_destroy (&cfg);
      credo_spec_free (spec);
      free (dir);
      free (text);
      return NULL;
    }
  free (text);
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
  /* an @include of a directory would end the process inside libconfig
   * (read.c); relative paths are taken from the working directory */
  if (credo__spec_check_includes (ctx, text, name, NULL, 0))
    {
      config_destroy (&cfg);
      credo_spec_free (spec);
      return NULL;
    }
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
      free (spec->pops[i].spike_times);
      free (spec->pops[i].spike_units);
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
