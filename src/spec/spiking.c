/* src/spec/spiking.c -- validating spiking circuits: projection delays
 * and random connectivity, and the match between spiking populations and
 * the engine (the event engine runs spiking populations only, the
 * continuous engines rate populations only).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "spec/parse.h"

int
credo__spec_proj_spiking (spec_parser *p, const config_setting_t *g,
                          credo_proj_spec *pj)
{
  const config_setting_t *s;
  int rc, found;
  if ((rc = credo__spec_opt_num (p, g, "delay", &pj->delay, &found)))
    return rc;
  if (found)
    {
      s = config_setting_get_member (g, "delay");
      if (!(pj->delay >= 0 && isfinite (pj->delay)))
        return credo__spec_err (p, s, "'delay' must be >= 0 (ms), not %g",
                                pj->delay);
      if ((rc = credo__spec_loc (p, s, &pj->delay_loc)))
        return rc;
    }
  if ((rc = credo__spec_opt_num (p, g, "probability", &pj->prob, &found)))
    return rc;
  s = config_setting_get_member (g, "probability");
  if (found != (pj->conn == CREDO_CONN_RANDOM))
    return credo__spec_err (p, s ? s : g, found
                            ? "'probability' needs connectivity = \"random\""
                            : "connectivity \"random\" needs 'probability'");
  if (found && !(pj->prob > 0 && pj->prob <= 1))
    return credo__spec_err (p, s, "'probability' must be in (0, 1], not %g",
                            pj->prob);
  return 0;
}

static const char *const stdp_keys[] = { "rule", "A_plus", "A_minus",
                                         "tau_plus", "tau_minus", "w_min",
                                         "w_max", NULL };

/* Pair-based STDP with all-to-all traces (Song, Miller & Abbott 2000;
 * Morrison et al. 2008); defaults: Song et al.'s tau_+ = tau_- = 20 ms,
 * A_- / A_+ = 1.05. */
int
credo__spec_plast_stdp (spec_parser *p, const config_setting_t *g,
                        credo_plast_spec *ps)
{
  static const char *const pos[] = { "A_plus", "A_minus", "tau_plus",
                                     "tau_minus" };
  double *val[] = { &ps->A_plus, &ps->A_minus, &ps->tau_plus,
                    &ps->tau_minus };
  int rc;
  if ((rc = credo__spec_check_keys (p, g, "plasticity", stdp_keys))
      || (rc = credo__spec_loc (p, g, &ps->loc)))
    return rc;
  ps->stdp = 1;
  ps->A_plus = 0.01;
  ps->A_minus = 0.0105;
  ps->tau_plus = ps->tau_minus = 20.0;
  ps->w_min = 0;
  ps->w_max = INFINITY;
  ps->start = 0;
  ps->stop = INFINITY;
  for (size_t k = 0; k < 4; k++)
    {
      if ((rc = credo__spec_opt_num (p, g, pos[k], val[k], NULL)))
        return rc;
      if (!(*val[k] >= 0 && isfinite (*val[k])) || (k >= 2 && !(*val[k] > 0)))
        return credo__spec_err (p, config_setting_get_member (g, pos[k]),
                                "'%s' must be %s, not %g", pos[k],
                                k >= 2 ? "> 0 (ms)" : ">= 0", *val[k]);
    }
  if ((rc = credo__spec_opt_num (p, g, "w_min", &ps->w_min, NULL))
      || (rc = credo__spec_opt_num (p, g, "w_max", &ps->w_max, NULL)))
    return rc;
  if (!(ps->w_min < ps->w_max && isfinite (ps->w_max)))
    return credo__spec_err (p, g, "rule stdp: 'w_min' (%g) must be below a "
                            "finite 'w_max' (%g)", ps->w_min, ps->w_max);
  return 0;
}

static int
loc_err (spec_parser *p, const credo_loc *loc, const char *msg)
{
  char where[1100];
  return credo__error (p->ctx, CREDO_ECONFIG, "%s: %s",
                       credo__loc_str (loc, where, sizeof where), msg);
}

/* A projection on the event engine: delay >= solver.dt (so d_min, the
 * smallest delay, is at least a step), static weights drawn per synapse. */
static int
check_proj (spec_parser *p, const credo_proj_spec *pj, double d_min)
{
  char msg[600];
  if (pj->delay < d_min * (1 - 1e-12))
    {
      snprintf (msg, sizeof msg, "projection '%s': delay %g ms is below "
                "solver.dt = %g ms (the window d_min, the smallest delay, "
                "must hold a step)", pj->name, pj->delay, d_min);
      return loc_err (p, pj->delay_loc.line ? &pj->delay_loc : &pj->loc, msg);
    }
  if (pj->plast.rule)
    {
      snprintf (msg, sizeof msg, "projection '%s': rule %s is a rate rule; "
                "spiking projections learn by rule \"stdp\"", pj->name,
                pj->plast.rule->name);
      return loc_err (p, &pj->plast.loc, msg);
    }
  if (pj->conn == CREDO_CONN_RANDOM && pj->init.kind != CREDO_INIT_CONSTANT
      && pj->init.kind != CREDO_INIT_UNIFORM
      && pj->init.kind != CREDO_INIT_NORMAL)
    {
      snprintf (msg, sizeof msg, "projection '%s': random connectivity "
                "draws its weights from a distribution (constant, uniform "
                "or normal), not a file or another projection", pj->name);
      return loc_err (p, &pj->loc, msg);
    }
  return 0;
}

/* Whether x is a whole multiple of dt (to rounding). */
static int
on_grid (double x, double dt)
{
  return fabs (x / dt - nearbyint (x / dt)) <= 1e-9 * fmax (1, x / dt);
}

/* What the event engine cannot run yet. */
static int
check_event (spec_parser *p)
{
  const credo_spec *spec = p->spec;
  double dt = spec->solver.dt;
  char msg[600];
  int rc;
  if (!on_grid (spec->duration, dt))
    {
      snprintf (msg, sizeof msg, "the duration %g ms is not a whole number "
                "of event-engine steps (solver.dt = %g ms)", spec->duration,
                dt);
      return credo__error (p->ctx, CREDO_ECONFIG, "%s: %s", p->name, msg);
    }
  for (size_t k = 0; k < spec->n_projs; k++)
    if ((rc = check_proj (p, &spec->projs[k], dt)))
      return rc;
  for (size_t k = 0; k < spec->n_stims; k++)
    {
      const credo_stim_spec *st = &spec->stims[k];
      const credo_model_type *m = spec->pops[st->pop].model;
      if (m->spiking->source == 1
          && st->port == credo_model_input_index (m, "rate"))
        continue; /* a Poisson source's varying rate */
      snprintf (msg, sizeof msg, "population '%s' (model %s): stimuli feed "
                "spiking populations only as the rate of a Poisson source "
                "(its port 'rate'); drive neurons by a spike source or the "
                "bias", spec->pops[st->pop].name, m->name);
      return loc_err (p, &st->loc, msg);
    }
  if (spec->learning.every > 0)
    return loc_err (p, &spec->learning.loc, "the event engine has no "
                    "learning protocols yet");
  for (size_t k = 0; k < spec->weights.n && spec->weights.every > 0; k++)
    if (spec->projs[spec->weights.projs[k]].conn == CREDO_CONN_RANDOM)
      return loc_err (p, &spec->weights.loc, "the event engine records "
                      "weight snapshots of dense and one-to-one projections "
                      "only, not of random ones");
  for (size_t r = 0; r < spec->n_recs; r++)
    {
      const credo_rec_spec *s = &spec->recs[r];
      if (s->kind == CREDO_REC_SPIKES)
        continue;
      if (s->kind != CREDO_REC_VAR)
        {
          snprintf (msg, sizeof msg, "'%s': the event engine records state "
                    "variables and spikes, not ports", s->var_name);
          return loc_err (p, &s->loc, msg);
        }
      if (!on_grid (s->every, dt) || !on_grid (s->start, dt))
        {
          snprintf (msg, sizeof msg, "'every' and 'start' must be multiples "
                    "of solver.dt = %g ms on the event engine", dt);
          return loc_err (p, &s->loc, msg);
        }
    }
  return 0;
}

int
credo__spec_check_spiking (spec_parser *p)
{
  const credo_spec *spec = p->spec;
  int event = (spec->solver.engine->caps & CREDO_ENGINE_SPIKES) != 0;
  char msg[600];
  for (size_t i = 0; i < spec->n_pops; i++)
    {
      const credo_pop_spec *ps = &spec->pops[i];
      if (!ps->model->spiking == !event)
        continue;
      if (event)
        snprintf (msg, sizeof msg, "population '%s' (model %s) is a rate "
                  "population: the %s engine runs spiking populations only "
                  "(mixing rate and spiking populations comes later)",
                  ps->name, ps->model->name, spec->solver.engine->name);
      else
        snprintf (msg, sizeof msg, "population '%s' (model %s) spikes: set "
                  "solver.engine = \"event\"", ps->name, ps->model->name);
      return loc_err (p, &ps->loc, msg);
    }
  if (event)
    return check_event (p);
  for (size_t k = 0; k < spec->n_projs; k++)
    {
      const credo_proj_spec *pj = &spec->projs[k];
      if (pj->conn == CREDO_CONN_RANDOM)
        return loc_err (p, &pj->loc, "random connectivity needs spiking "
                        "populations (solver.engine = \"event\")");
      if (pj->plast.stdp)
        return loc_err (p, &pj->plast.loc, "rule stdp learns from spikes: "
                        "it needs spiking populations (solver.engine = "
                        "\"event\")");
      if (pj->delay > 0)
        return loc_err (p, pj->delay_loc.line ? &pj->delay_loc : &pj->loc,
                        "delays need spiking populations (solver.engine = "
                        "\"event\"); rate projections act at once");
    }
  return 0;
}

/* ---- a replay's spikes ------------------------------------------ */

static const char *const spikes_keys[] = { "times", "units", "file",
                                           "population", NULL };

/* From a file: rows (unit, time) of a CSV (one column: times of unit 0),
 * or /spikes/<population>/{node_ids,timestamps} of a credo file. */
static int
spikes_from_file (spec_parser *p, const config_setting_t *g,
                  credo_pop_spec *ps, double **t, double **u, size_t *n)
{
  const config_setting_t *s = config_setting_get_member (g, "file");
  const char *file, *pop = NULL;
  char *path, ds[600];
  size_t r, c, r2, c2;
  int rc, h5, found;
  double *m = NULL;
  if ((rc = credo__spec_str (p, s, &file)))
    return rc;
  if ((h5 = credo__spec_data_kind (p, s, file, "spike file")) < 0)
    return CREDO_ECONFIG;
  if ((rc = credo__spec_opt_str (p, g, "population", &pop, &found)))
    return rc;
  if (found != h5)
    return credo__spec_err (p, found ? config_setting_get_member (g, "population") : s,
                            found ? "'population' names the /spikes group of "
                                    "an HDF5 file, not of a CSV"
                                  : "an HDF5 spike file needs 'population' "
                                    "(its /spikes/<population>)");
  if (!(path = credo__spec_resolve (p, file)))
    return credo__spec_nomem (p);
  if (!h5)
    {
      rc = credo__read_matrix (p->ctx, path, NULL, &m, &r, &c);
      if (rc == 0 && c != 1 && c != 2)
        rc = credo__spec_err (p, s, "spike file '%s' must have 1 (times) or "
                              "2 (unit, time) columns, not %zu", file, c);
      if (rc == 0 && (!(*t = credo__calloc (r + 1, sizeof **t))
                      || !(*u = credo__calloc (r + 1, sizeof **u))))
        rc = CREDO_ENOMEM;
      for (size_t k = 0; rc == 0 && k < r; k++)
        {
          (*t)[k] = m[k * c + c - 1];
          (*u)[k] = c == 2 ? m[k * c] : 0;
        }
      free (m);
      *n = r;
    }
  else
    {
      snprintf (ds, sizeof ds, "/spikes/%s/timestamps", pop);
      rc = credo__read_matrix (p->ctx, path, ds, t, &r, &c);
      snprintf (ds, sizeof ds, "/spikes/%s/node_ids", pop);
      if (rc == 0)
        rc = credo__read_matrix (p->ctx, path, ds, u, &r2, &c2);
      if (rc == 0 && (c != 1 || c2 != 1 || r2 != r))
        rc = credo__spec_err (p, s, "'%s': /spikes/%s has timestamps and "
                              "node_ids of different shapes", file, pop);
      *n = r;
    }
  free (path);
  (void) ps;
  return rc == CREDO_ECONFIG || rc == CREDO_EIO ? credo__spec_file_err (p, s, rc)
                                                : rc;
}

/* From arrays in the config. */
static int
spikes_from_arrays (spec_parser *p, const config_setting_t *g, double **t,
                    double **u, size_t *n)
{
  const config_setting_t *s = config_setting_get_member (g, "times");
  const config_setting_t *su = config_setting_get_member (g, "units");
  size_t nu;
  int rc;
  if (!s)
    return credo__spec_err (p, g, "'spikes' needs 'times' or 'file'");
  if ((rc = credo__spec_num_vec (p, s, 0, t, n)))
    return rc;
  if (!su)
    return (*u = credo__calloc (*n, sizeof **u)) ? 0 : credo__spec_nomem (p);
  if ((rc = credo__spec_num_vec (p, su, *n, u, &nu)))
    return rc;
  return 0;
}

int
credo__spec_pop_spikes (spec_parser *p, const config_setting_t *pop,
                        credo_pop_spec *ps)
{
  const config_setting_t *g = config_setting_get_member (pop, "spikes");
  const credo_spiking_desc *d = ps->model->spiking;
  double *t = NULL, *u = NULL;
  size_t n = 0;
  int rc;
  if (!g != !(d && d->source == 2))
    return credo__spec_err (p, g ? g : pop, g
                            ? "only replay populations take 'spikes'"
                            : "a replay population needs 'spikes'");
  if (!g)
    return 0;
  if ((rc = credo__spec_check_keys (p, g, "spikes", spikes_keys)))
    return rc;
  rc = config_setting_get_member (g, "file")
           ? spikes_from_file (p, g, ps, &t, &u, &n)
           : spikes_from_arrays (p, g, &t, &u, &n);
  if (rc == 0 && (!(ps->spike_times = credo__calloc (n + 1, sizeof (double)))
                  || !(ps->spike_units = credo__calloc (n + 1,
                                                        sizeof (uint32_t)))))
    rc = credo__spec_nomem (p);
  for (size_t k = 0; rc == 0 && k < n; k++)
    {
      if (!(t[k] >= 0 && isfinite (t[k])))
        rc = credo__spec_err (p, g, "spike %zu: time %g ms is negative or "
                              "not finite", k, t[k]);
      else if (k > 0 && t[k] < t[k - 1])
        rc = credo__spec_err (p, g, "spike %zu: times must be sorted, but "
                              "%g ms follows %g ms", k, t[k], t[k - 1]);
      else if (!(u[k] >= 0 && u[k] < (double) ps->size && u[k] == floor (u[k])))
        rc = credo__spec_err (p, g, "spike %zu: unit %g is not in [0, %zu)",
                              k, u[k], ps->size);
      else
        {
          ps->spike_times[k] = t[k];
          ps->spike_units[k] = (uint32_t) u[k];
        }
    }
  if (rc == 0)
    ps->n_spikes = n;
  free (t);
  free (u);
  return rc;
}
