/* src/spec/spiking.c -- validating spiking circuits: projection delays
 * and random connectivity, and the match between spiking populations and
 * the engine (the event engine runs spiking populations only, the
 * continuous engines rate populations only).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>

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

static int
loc_err (spec_parser *p, const credo_loc *loc, const char *msg)
{
  char where[1100];
  return credo__error (p->ctx, CREDO_ECONFIG, "%s: %s",
                       credo__loc_str (loc, where, sizeof where), msg);
}

/* A projection on the event engine: delay >= d_min, static weights drawn
 * per synapse. */
static int
check_proj (spec_parser *p, const credo_proj_spec *pj, double d_min)
{
  char msg[600];
  if (pj->delay < d_min * (1 - 1e-12))
    {
      snprintf (msg, sizeof msg, "projection '%s': delay %g ms is below the "
                "minimum delay d_min = solver.dt = %g ms", pj->name,
                pj->delay, d_min);
      return loc_err (p, pj->delay_loc.line ? &pj->delay_loc : &pj->loc, msg);
    }
  if (pj->plast.rule)
    {
      snprintf (msg, sizeof msg, "projection '%s': the event engine has no "
                "plasticity yet", pj->name);
      return loc_err (p, &pj->loc, msg);
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
  if (spec->n_stims)
    return loc_err (p, &spec->stims[0].loc, "stimuli cannot feed spiking "
                    "populations yet: use a spike source or the bias");
  if (spec->learning.every > 0)
    return loc_err (p, &spec->learning.loc, "the event engine has no "
                    "learning protocols yet");
  if (spec->weights.every > 0)
    return loc_err (p, &spec->weights.loc, "the event engine records no "
                    "weight snapshots yet");
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
    if (spec->projs[k].conn == CREDO_CONN_RANDOM)
      return loc_err (p, &spec->projs[k].loc, "random connectivity needs "
                      "spiking populations (solver.engine = \"event\")");
  return 0;
}
