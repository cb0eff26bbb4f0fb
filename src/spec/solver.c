/* src/spec/solver.c -- validating the `solver` group: the engine (by its
 * name in the engine registry), the fixed step, the CVODE method, linear
 * solver and tolerances; and that noisy populations get an engine that
 * integrates noise.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spec/parse.h"
#include "engine/engine.h"

/* ---- solver ------------------------------------------------------------ */

static const char *const solver_keys[] = {
  "engine", "dt", "method", "rtol", "atol", "atol_var", "linear", "max_step",
  "init_step", "max_steps", "krylov_dim", "dense_max", "blocks", NULL
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
  if ((rc = credo__spec_opt_long (p, g, "blocks", &v, &found)))
    return rc;
  if (found)
    {
      const config_setting_t *b = config_setting_get_member (g, "blocks");
      if (!(sv->engine->caps & CREDO_ENGINE_SPIKES))
        return credo__spec_err (p, b, "'blocks' splits a spiking network "
                                "for the event engine, not for the %s "
                                "engine", sv->engine->name);
      if (v < 1 || v > CREDO_MAX_BLOCKS)
        return credo__spec_err (p, b, "'blocks' must be in 1..%d, not %ld",
                                CREDO_MAX_BLOCKS, v);
      sv->blocks = (size_t) v;
    }
  return 0;
}

int
credo__spec_solver (spec_parser *p, config_setting_t *g)
{
  int rc;
  if (g && (rc = parse_solver (p, g)))
    return rc;
  if ((rc = check_noise (p)))
    return rc;
  return credo__spec_check_spiking (p);
}
