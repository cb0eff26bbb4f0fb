/* src/spec/circuit.c -- validating the populations and projections sections.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Populations come first (every other section refers to them by name), then
 * projections with their weight initialisers.  Arrays in the spec are
 * allocated whole and their counts set at once, so credo_spec_free can
 * release a partly filled spec.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/parse.h"

/* ---- populations ------------------------------------------------------- */

static const char *const pop_keys[] = { "model", "size", "params", "spikes",
                                        NULL };

/* Reads the params group of population `ps` (defaults first), then runs the
 * model's cross-parameter check. */
static int
parse_params (spec_parser *p, credo_pop_spec *ps, const config_setting_t *pop,
              const config_setting_t *g)
{
  const credo_model_type *m = ps->model;
  const char *names[MAX_NAMES];
  size_t n_names = m->n_param < MAX_NAMES ? m->n_param : MAX_NAMES;
  char msg[512], extra[1024];
  int rc, len;

  for (size_t k = 0; k < m->n_param; k++)
    ps->params[k] = m->params[k].def;
  for (size_t k = 0; k < n_names; k++)
    names[k] = m->params[k].name;
  if (g)
    {
      if (!config_setting_is_group (g))
        return credo__spec_err (p, g, "'params' must be a group { ... }, not "
                                "%s", credo__spec_type_name (g));
      len = config_setting_length (g);
      for (int i = 0; i < len; i++)
        {
          const config_setting_t *s = config_setting_get_elem (g,
                                                               (unsigned) i);
          const char *key = config_setting_name (s);
          int idx = credo_model_param_index (m, key);
          const credo_param_desc *d;
          if (idx < 0)
            {
              credo__spec_hint_list (extra, sizeof extra, key, names,
                                     n_names);
              return credo__spec_err (p, s, "unknown parameter '%s' of model "
                                      "%s%s", key, m->name, extra);
            }
          d = &m->params[idx];
          if (d->choices)
            {
              const char *v;
              size_t n_ch = 0, c;
              while (d->choices[n_ch])
                n_ch++;
              credo__spec_choices (extra, sizeof extra, d->choices, n_ch);
              if (config_setting_type (s) != CONFIG_TYPE_STRING)
                return credo__spec_err (p, s, "parameter '%s' of model %s "
                                        "must be a name, not %s%s", key,
                                        m->name, credo__spec_type_name (s),
                                        extra);
              v = config_setting_get_string (s);
              for (c = 0; c < n_ch; c++)
                if (strcmp (d->choices[c], v) == 0)
                  break;
              if (c == n_ch)
                {
                  credo__spec_hint_list (extra, sizeof extra, v, d->choices,
                                         n_ch);
                  return credo__spec_err (p, s, "unknown %s '%s' for model "
                                          "%s%s", key, v, m->name, extra);
                }
              ps->params[idx] = (double) c;
            }
          else
            {
              double v;
              if ((rc = credo__spec_num (p, s, &v)))
                return rc;
              if (v < d->min || v > d->max)
                return credo__spec_err (p, s, "parameter '%s' = %g of model "
                                        "%s is out of range [%g, %g]", key,
                                        v, m->name, d->min, d->max);
              ps->params[idx] = v;
            }
        }
    }
  msg[0] = '\0';
  if (m->check && m->check (ps->params, msg, sizeof msg) != 0)
    return credo__spec_err (p, g ? g : pop, "population '%s' (model %s): %s",
                            ps->name, m->name,
                            msg[0] ? msg : "invalid parameters");
  return 0;
}

int
credo__spec_populations (spec_parser *p, config_setting_t *s)
{
  credo_spec *spec = p->spec;
  const credo_model_type *const *reg = credo_model_list ();
  const char *model_names[MAX_NAMES];
  size_t n_models = 0, len;
  int rc;

  while (reg[n_models] && n_models < MAX_NAMES)
    {
      model_names[n_models] = reg[n_models]->name;
      n_models++;
    }
  if (!config_setting_is_group (s))
    return credo__spec_err (p, s, "'populations' must be a group { NAME = { "
                            "model = ...; size = ...; }; ... }, not %s",
                            credo__spec_type_name (s));
  len = (size_t) config_setting_length (s);
  if (len == 0)
    return credo__spec_err (p, s, "'populations' is empty: define at least "
                            "one population");
  if (!(spec->pops = credo__calloc (len, sizeof *spec->pops)))
    return credo__spec_nomem (p);
  spec->n_pops = len;

  for (size_t i = 0; i < len; i++)
    {
      config_setting_t *g = config_setting_get_elem (s, (unsigned) i), *m;
      credo_pop_spec *ps = &spec->pops[i];
      char what[300], extra[1024];
      const char *model;
      long size;

      snprintf (what, sizeof what, "population '%s'", config_setting_name (g));
      if ((rc = credo__spec_check_keys (p, g, what, pop_keys)))
        return rc;
      if (!(ps->name = credo__strdup (config_setting_name (g))))
        return credo__spec_nomem (p);
      if ((rc = credo__spec_loc (p, g, &ps->loc)))
        return rc;

      if (!(m = credo__spec_need (p, g, "model", what)))
        return CREDO_ECONFIG;
      if ((rc = credo__spec_str (p, m, &model)))
        return rc;
      if (!(ps->model = credo_model_find (model)))
        {
          credo__spec_hint_list (extra, sizeof extra, model, model_names,
                                 n_models);
          return credo__spec_err (p, m, "unknown model '%s'%s", model, extra);
        }

      if (!(m = credo__spec_need (p, g, "size", what)))
        return CREDO_ECONFIG;
      if ((rc = credo__spec_long (p, m, &size)))
        return rc;
      if (size < 1 || size > CREDO_MAX_UNITS)
        return credo__spec_err (p, m, "'size' must be in 1..%ld, not %ld",
                                (long) CREDO_MAX_UNITS, size);
      ps->size = (size_t) size;

      if (!(ps->params = credo__calloc (ps->model->n_param,
                                        sizeof *ps->params)))
        return credo__spec_nomem (p);
      if ((rc = parse_params (p, ps, g, config_setting_get_member (g,
                                                                 "params")))
          || (rc = credo__spec_pop_spikes (p, g, ps)))
        return rc;
    }
  return 0;
}

/* ---- projections ------------------------------------------------------- */

static const char *const proj_keys[] = { "name", "from", "to", "gain", "init",
                                         "connectivity", "plasticity", "delay",
                                         "probability", NULL };
static const char *const conn_names[] = { "dense", "one_to_one", "random",
                                          NULL };
static const char *const plast_keys[] = { "rule", "eta", "tau_w", "w_min",
                                          "w_max", "start", "stop", "decay",
                                          NULL };

/* The settings the rule cannot honour: a weight decay it does not read
 * (decay > 0 needs uses_decay), and what its own check refuses (sizes are
 * not known yet). */
static int
check_rule_settings (spec_parser *p, const config_setting_t *g,
                     const credo_plast_spec *ps)
{
  credo_syn_view v = { 0 };
  char msg[512] = "";
  if (ps->decay > 0 && !ps->rule->uses_decay)
    return credo__spec_err (p, config_setting_get_member (g, "decay"),
                            "rule %s has no weight decay: 'decay' must be 0, "
                            "not %g", ps->rule->name, ps->decay);
  if (!ps->rule->check)
    return 0;
  v.eta = ps->eta;
  v.tau_w = ps->tau_w;
  v.w_min = ps->w_min;
  v.w_max = ps->w_max;
  v.decay = ps->decay;
  if (ps->rule->check (&v, msg, sizeof msg))
    return credo__spec_err (p, g, "rule %s: %s", ps->rule->name, msg);
  return 0;
}

/* plasticity = { rule = "dendritic_prediction"; eta = 1e-3; tau_w = 30.0;
 *                w_min = -4.0; w_max = 4.0; start = 0.0; stop = 1e6; }
 * and, for rules with a weight decay (dfc_feedback), decay = 1e-5
 * (beta >= 0, default 0: dW/dt gets -eta beta W). */
static int
parse_plasticity (spec_parser *p, credo_proj_spec *pj,
                  const config_setting_t *g)
{
  credo_plast_spec *ps = &pj->plast;
  const credo_rule_type *const *reg = credo_rule_list ();
  const char *names[MAX_NAMES], *rule;
  char extra[1024];
  size_t n = 0;
  config_setting_t *s;
  int rc;
  if ((s = config_setting_get_member (g, "rule"))
      && config_setting_type (s) == CONFIG_TYPE_STRING
      && strcmp (config_setting_get_string (s), "stdp") == 0)
    return credo__spec_plast_stdp (p, g, ps); /* spikes, not an ODE */
  if ((rc = credo__spec_check_keys (p, g, "plasticity", plast_keys)))
    return rc;
  if ((rc = credo__spec_loc (p, g, &ps->loc)))
    return rc;
  if (!(s = credo__spec_need (p, g, "rule", "plasticity")))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_str (p, s, &rule)))
    return rc;
  if (!(ps->rule = credo_rule_find (rule)))
    {
      while (reg[n] && n < MAX_NAMES)
        {
          names[n] = reg[n]->name;
          n++;
        }
      credo__spec_hint_list (extra, sizeof extra, rule, names, n);
      return credo__spec_err (p, s, "unknown plasticity rule '%s'%s", rule,
                              extra);
    }
  if (!(s = credo__spec_need (p, g, "eta", "plasticity")))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_num (p, s, &ps->eta)))
    return rc;
  if (!(ps->eta >= 0))
    return credo__spec_err (p, s, "'eta' must be >= 0, not %g", ps->eta);
  ps->tau_w = 0;
  ps->w_min = -INFINITY;
  ps->w_max = INFINITY;
  ps->start = 0;
  ps->stop = INFINITY;
  ps->decay = 0;
  if ((rc = credo__spec_opt_num (p, g, "tau_w", &ps->tau_w, NULL))
      || (rc = credo__spec_opt_num (p, g, "w_min", &ps->w_min, NULL))
      || (rc = credo__spec_opt_num (p, g, "w_max", &ps->w_max, NULL))
      || (rc = credo__spec_opt_num (p, g, "start", &ps->start, NULL))
      || (rc = credo__spec_opt_num (p, g, "stop", &ps->stop, NULL))
      || (rc = credo__spec_opt_num (p, g, "decay", &ps->decay, NULL)))
    return rc;
  if (!(ps->tau_w >= 0))
    return credo__spec_err (p, config_setting_get_member (g, "tau_w"),
                            "'tau_w' must be >= 0 (ms; 0 = no filter), not %g",
                            ps->tau_w);
  if (!(ps->decay >= 0))
    return credo__spec_err (p, config_setting_get_member (g, "decay"),
                            "'decay' must be >= 0, not %g", ps->decay);
  if (!(ps->w_min < ps->w_max))
    return credo__spec_err (p, g, "'w_min' (%g) must be below 'w_max' (%g)",
                            ps->w_min, ps->w_max);
  if (!(ps->start < ps->stop) || ps->start < 0)
    return credo__spec_err (p, g, "learning window [start, stop) = [%g, %g) "
                            "is empty or negative", ps->start, ps->stop);
  return check_rule_settings (p, g, ps);
}
static const char *const dists[] = { "constant", "uniform", "normal", NULL };
static const char *const init_keys_constant[] = { "dist", "value", NULL };
static const char *const init_keys_uniform[] = { "dist", "low", "high",
                                                 "scale", NULL };
static const char *const init_keys_normal[] = { "dist", "mean", "std",
                                                "scale", NULL };
static const char *const init_keys_file[] = { "file", "dataset", NULL };
static const char *const init_keys_transpose[] = { "transpose", NULL };
static const char *const init_keys_copy[] = { "copy", NULL };
static const char *const scale_names[] = { "1/sqrt(fan_in)", "1/fan_in",
                                           "1/sqrt(fan_out)", "1/fan_out",
                                           NULL };

/* The numeric scale factor from a number or one of scale_names. */
static int
parse_scale (spec_parser *p, const config_setting_t *g, double fan_in,
             double fan_out, double *scale)
{
  const config_setting_t *s = config_setting_get_member (g, "scale");
  char extra[1024];
  const char *v;
  if (!s)
    return 0;
  if (config_setting_is_number (s))
    return credo__spec_num (p, s, scale);
  credo__spec_choices (extra, sizeof extra, scale_names, 4);
  if (config_setting_type (s) != CONFIG_TYPE_STRING)
    return credo__spec_err (p, s, "'scale' must be a number or a name, not "
                            "%s%s", credo__spec_type_name (s), extra);
  v = config_setting_get_string (s);
  if (strcmp (v, "1/sqrt(fan_in)") == 0)
    *scale = 1 / sqrt (fan_in);
  else if (strcmp (v, "1/fan_in") == 0)
    *scale = 1 / fan_in;
  else if (strcmp (v, "1/sqrt(fan_out)") == 0)
    *scale = 1 / sqrt (fan_out);
  else if (strcmp (v, "1/fan_out") == 0)
    *scale = 1 / fan_out;
  else
    {
      credo__spec_hint_list (extra, sizeof extra, v, scale_names, 4);
      return credo__spec_err (p, s, "unknown scale '%s'%s", v, extra);
    }
  return 0;
}

/* The transpose initialiser: `name` must be an earlier projection running
 * the other way, or one of the transposed shape (post x pre = its pre x
 * post). */
static int
parse_transpose (spec_parser *p, size_t index, const config_setting_t *s,
                 const config_setting_t *list, int copy)
{
  credo_spec *spec = p->spec;
  credo_proj_spec *pj = &spec->projs[index];
  const char *name, *names[MAX_NAMES];
  char extra[1024];
  size_t n = index < MAX_NAMES ? index : MAX_NAMES;
  int rc;

  if ((rc = credo__spec_str (p, s, &name)))
    return rc;
  for (size_t i = 0; i < index; i++)
    if (strcmp (spec->projs[i].name, name) == 0)
      {
        const credo_proj_spec *o = &spec->projs[i];
        if (copy)
          {
            size_t r = spec->pops[o->post].size, c = spec->pops[o->pre].size;
            if (r != spec->pops[pj->post].size
                || c != spec->pops[pj->pre].size || o->conn != pj->conn)
              return credo__spec_err (
                  p, s, "copy of '%s' (%zu x %zu) needs a projection of the "
                  "same shape and connectivity, not %zu x %zu", name, r, c,
                  spec->pops[pj->post].size, spec->pops[pj->pre].size);
            pj->init.transpose_of = (int) i;
            return 0;
          }
        /* the other way, or of the transposed shape between other
         * populations (a dynamic-inversion feedback W^T) */
        if ((o->pre != pj->post || o->post != pj->pre)
            && (spec->pops[o->pre].size != spec->pops[pj->post].size
                || spec->pops[o->post].size != spec->pops[pj->pre].size
                || o->conn != pj->conn))
          return credo__spec_err (
              p, s, "transpose of '%s' (%s -> %s, %zu x %zu) needs a "
              "projection %s -> %s, not %s -> %s (%zu x %zu)", name,
              spec->pops[o->pre].name, spec->pops[o->post].name,
              spec->pops[o->post].size, spec->pops[o->pre].size,
              spec->pops[o->post].name, spec->pops[o->pre].name,
              spec->pops[pj->pre].name, spec->pops[pj->post].name,
              spec->pops[pj->post].size, spec->pops[pj->pre].size);
        pj->init.transpose_of = (int) i;
        return 0;
      }
  /* a later projection of that name? */
  for (int i = (int) index + 1; i < config_setting_length (list); i++)
    {
      const char *later;
      config_setting_t *e = config_setting_get_elem (list, (unsigned) i);
      if (config_setting_is_group (e)
          && config_setting_lookup_string (e, "name", &later)
          && strcmp (later, name) == 0)
        return credo__spec_err (p, s, "%s must name an earlier "
                                "projection; '%s' comes later",
                                copy ? "copy" : "transpose", name);
    }
  for (size_t i = 0; i < n; i++)
    names[i] = spec->projs[i].name;
  credo__spec_hint_list (extra, sizeof extra, name, names, n);
  return credo__spec_err (p, s, "unknown projection '%s'%s", name, extra);
}

/* init = { file = "w.csv"; } or { file = "w.h5"; dataset = "W"; }: the
 * weights from a data file (`file` is that member of `g`). */
static int
parse_init_file (spec_parser *p, credo_init_spec *in,
                 const config_setting_t *g, const config_setting_t *file)
{
  const char *path, *dataset = NULL;
  int rc, h5;
  if ((rc = credo__spec_check_keys (p, g, "init (file)", init_keys_file))
      || (rc = credo__spec_str (p, file, &path)))
    return rc;
  if (!path[0])
    return credo__spec_err (p, file, "'file' must not be empty");
  in->kind = CREDO_INIT_FILE;
  in->scale = 1;
  if (!(in->path = credo__spec_resolve (p, path)))
    return credo__spec_nomem (p);
  if ((h5 = credo__spec_data_kind (p, file, path, "weight file")) < 0)
    return CREDO_ECONFIG;
  if (access (in->path, R_OK) != 0)
    return credo__spec_err (p, file, "cannot read weight file '%s': %s",
                            in->path, strerror (errno));
  if ((rc = credo__spec_opt_str (p, g, "dataset", &dataset, NULL)))
    return rc;
  if (h5 && !dataset)
    return credo__spec_err (p, g, "missing 'dataset' in init (HDF5 "
                            "weight file '%s')", path);
  if (!h5 && dataset)
    return credo__spec_err (p, config_setting_get_member (g, "dataset"),
                            "'dataset' is only for HDF5 files, not '%s'",
                            path);
  if (dataset && !(in->dataset = credo__strdup (dataset)))
    return credo__spec_nomem (p);
  return 0;
}

/* init = { dist = "constant" | "uniform" | "normal"; ... }: a constant or
 * random weights, scaled (by default) by 1/sqrt(fan_in). */
static int
parse_init_dist (spec_parser *p, credo_init_spec *in,
                 const config_setting_t *g, double fan_in, double fan_out)
{
  int rc, kind = -1;
  char what[64];

  if ((rc = credo__spec_opt_choice (p, g, "dist", dists, &kind)))
    return rc;
  snprintf (what, sizeof what, "init (dist %s)", dists[kind]);
  switch (kind)
    {
    case 0:
      {
        const config_setting_t *v;
        if ((rc = credo__spec_check_keys (p, g, what, init_keys_constant)))
          return rc;
        in->kind = CREDO_INIT_CONSTANT;
        in->scale = 1;
        if (!(v = credo__spec_need (p, g, "value", what)))
          return CREDO_ECONFIG;
        return credo__spec_num (p, v, &in->value);
      }
    case 1:
      if ((rc = credo__spec_check_keys (p, g, what, init_keys_uniform)))
        return rc;
      in->kind = CREDO_INIT_UNIFORM;
      in->low = -1;
      in->high = 1;
      in->scale = 1 / sqrt (fan_in);
      if ((rc = credo__spec_opt_num (p, g, "low", &in->low, NULL))
          || (rc = credo__spec_opt_num (p, g, "high", &in->high, NULL)))
        return rc;
      if (!(in->low < in->high))
        return credo__spec_err (p, g, "uniform init needs low < high, not "
                                "[%g, %g)", in->low, in->high);
      return parse_scale (p, g, fan_in, fan_out, &in->scale);
    default:
      if ((rc = credo__spec_check_keys (p, g, what, init_keys_normal)))
        return rc;
      in->kind = CREDO_INIT_NORMAL;
      in->mean = 0;
      in->std = 1;
      in->scale = 1 / sqrt (fan_in);
      if ((rc = credo__spec_opt_num (p, g, "mean", &in->mean, NULL))
          || (rc = credo__spec_opt_num (p, g, "std", &in->std, NULL)))
        return rc;
      if (in->std < 0)
        return credo__spec_err (p, config_setting_get_member (g, "std"),
                                "'std' must be >= 0, not %g", in->std);
      return parse_scale (p, g, fan_in, fan_out, &in->scale);
    }
}

/* The init group of projection `index` (fan-in/out from its populations). */
static int
parse_init (spec_parser *p, size_t index, const config_setting_t *g,
            const config_setting_t *list)
{
  credo_proj_spec *pj = &p->spec->projs[index];
  credo_init_spec *in = &pj->init;
  double fan_in = (double) p->spec->pops[pj->pre].size;
  double fan_out = (double) p->spec->pops[pj->post].size;
  const config_setting_t *file = config_setting_get_member (g, "file");
  const config_setting_t *tr = config_setting_get_member (g, "transpose");
  const config_setting_t *cp = config_setting_get_member (g, "copy");
  const config_setting_t *dist = config_setting_get_member (g, "dist");
  int rc;

  if ((file != NULL) + (tr != NULL) + (cp != NULL) + (dist != NULL) > 1)
    return credo__spec_err (p, g, "init takes one of 'dist', 'file', "
                            "'transpose' or 'copy', not several");
  if (file)
    return parse_init_file (p, in, g, file);
  if (tr)
    {
      if ((rc = credo__spec_check_keys (p, g, "init (transpose)",
                                        init_keys_transpose)))
        return rc;
      in->kind = CREDO_INIT_TRANSPOSE;
      in->scale = 1;
      return parse_transpose (p, index, tr, list, 0);
    }
  if (cp)
    {
      if ((rc = credo__spec_check_keys (p, g, "init (copy)", init_keys_copy)))
        return rc;
      in->kind = CREDO_INIT_COPY;
      in->scale = 1;
      return parse_transpose (p, index, cp, list, 1);
    }
  if (!dist)
    {
      static const char *const all[] = { "dist", "value", "low", "high",
                                         "mean", "std", "scale", "file",
                                         "dataset", "transpose", "copy",
                                         NULL };
      if ((rc = credo__spec_check_keys (p, g, "init", all)))
        return rc;
      return credo__spec_err (p, g, "missing 'dist' in init (one of: "
                              "constant, uniform, normal), or give 'file', "
                              "'transpose' or 'copy'");
    }
  return parse_init_dist (p, in, g, fan_in, fan_out);
}

/* The name of projection `i` (group `g`): its `name`, else
 * "pre.port->post.port"; names must differ. */
static int
parse_proj_name (spec_parser *p, size_t i, const config_setting_t *g)
{
  credo_spec *spec = p->spec;
  credo_proj_spec *pj = &spec->projs[i];
  const credo_pop_spec *pre = &spec->pops[pj->pre];
  const credo_pop_spec *post = &spec->pops[pj->post];
  const char *user_name = NULL;
  char name[1024];
  int rc;

  if ((rc = credo__spec_opt_str (p, g, "name", &user_name, NULL)))
    return rc;
  if (user_name && !user_name[0])
    return credo__spec_err (p, config_setting_get_member (g, "name"),
                            "'name' must not be empty");
  if (user_name)
    snprintf (name, sizeof name, "%s", user_name);
  else
    snprintf (name, sizeof name, "%s.%s->%s.%s", pre->name,
              pre->model->outputs[pj->pre_port].name, post->name,
              post->model->inputs[pj->post_port].name);
  for (size_t k = 0; k < i; k++)
    if (strcmp (spec->projs[k].name, name) == 0)
      return credo__spec_err (
          p, user_name ? config_setting_get_member (g, "name") : g,
          "duplicate projection name '%s' (also at %s:%d)%s", name,
          spec->projs[k].loc.file, spec->projs[k].loc.line,
          user_name ? "" : "; give the projections distinct names");
  if (!(pj->name = credo__strdup (name)))
    return credo__spec_nomem (p);
  return 0;
}

/* The weights of projection `i` (group `g`): its `init` group, or by
 * default normal (mean 0, std 1) x 1/sqrt(fan_in). */
static int
parse_proj_init (spec_parser *p, size_t i, const config_setting_t *g,
                 const config_setting_t *list)
{
  credo_proj_spec *pj = &p->spec->projs[i];
  const config_setting_t *s = config_setting_get_member (g, "init");
  if (!s)
    {
      pj->init.kind = CREDO_INIT_NORMAL;
      pj->init.mean = 0;
      pj->init.std = 1;
      pj->init.scale = 1 / sqrt ((double) p->spec->pops[pj->pre].size);
      return 0;
    }
  if (!config_setting_is_group (s))
    return credo__spec_err (p, s, "'init' must be a group { ... }, not "
                            "%s", credo__spec_type_name (s));
  return parse_init (p, i, s, list);
}

/* Outputs that depend on inputs may feed projections (a controller's
 * u = k_i u_int + k_p e) but not in a loop: that would be an algebraic
 * equation, not an ODE. */
static int
check_loops (spec_parser *p)
{
  const credo_spec *spec = p->spec;
  credo_eval_step *steps = credo__calloc (spec->n_projs + spec->n_pops + 1,
                                          sizeof *steps);
  size_t n;
  int stuck = 0, rc;
  char where[512];
  if (!steps)
    return credo__spec_nomem (p);
  rc = credo__spec_eval_order (spec, steps, &n, &stuck);
  free (steps);
  if (rc == CREDO_ENOMEM)
    return credo__spec_nomem (p);
  if (rc == 0)
    return 0;
  {
    const credo_proj_spec *pj = &spec->projs[stuck];
    const credo_pop_spec *pre = &spec->pops[pj->pre];
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "%s: projection '%s' is on a loop through outputs "
                         "that depend on their population's inputs (such as "
                         "%s.%s): that is an algebraic equation, not an "
                         "ODE; break it with a state (e.g. a model with a "
                         "time constant)",
                         credo__loc_str (&pj->loc, where, sizeof where),
                         pj->name, pre->name,
                         pre->model->outputs[pj->pre_port].name);
  }
}

/* A dense projection's weights must fit in this machine's memory: a
 * typo in a size (1e5 x 1e5 = 80 GB) is an error with the line, not an
 * "out of memory" at the start of the run. */
static int
dense_fits (spec_parser *p, const config_setting_t *g,
            const credo_proj_spec *pj, size_t n_pre, size_t n_post)
{
  double bytes = 8.0 * (double) n_pre * (double) n_post;
  double limit = credo__max_memory (p->ctx);
  int asked = p->ctx && p->ctx->max_memory > 0 && p->ctx->max_memory <= limit;
  if (bytes > limit)
    return credo__spec_err (p, g, "dense projection '%s' (%zu x %zu) needs "
                            "%.3g GB for its weights; %s %.3g GB", pj->name,
                            n_post, n_pre, bytes / 1e9,
                            asked ? "the limit (--max-memory) is"
                                  : "this machine has", limit / 1e9);
  return 0;
}

int
credo__spec_projections (spec_parser *p, config_setting_t *list)
{
  credo_spec *spec = p->spec;
  size_t len;
  int rc;

  if ((rc = credo__spec_list (p, list, "projections", &len)))
    return rc;
  if (len == 0)
    return 0;
  if (!(spec->projs = credo__calloc (len, sizeof *spec->projs)))
    return credo__spec_nomem (p);
  spec->n_projs = len;

  for (size_t i = 0; i < len; i++)
    {
      config_setting_t *g = config_setting_get_elem (list, (unsigned) i), *s;
      credo_proj_spec *pj = &spec->projs[i];
      char what[64];
      const credo_pop_spec *pre, *post;

      snprintf (what, sizeof what, "projection %zu", i);
      if ((rc = credo__spec_check_keys (p, g, what, proj_keys)))
        return rc;
      if ((rc = credo__spec_loc (p, g, &pj->loc)))
        return rc;
      pj->gain = 1;
      pj->init.transpose_of = -1;

      if (!(s = credo__spec_need (p, g, "from", what))
          || (rc = credo__spec_endpoint (p, s, 0, &pj->pre,
                                         &pj->pre_port)))
        return s ? rc : CREDO_ECONFIG;
      if (!(s = credo__spec_need (p, g, "to", what))
          || (rc = credo__spec_endpoint (p, s, 1, &pj->post,
                                         &pj->post_port)))
        return s ? rc : CREDO_ECONFIG;
      pre = &spec->pops[pj->pre];
      post = &spec->pops[pj->post];
      if (post->model->inputs[pj->post_port].flags & CREDO_PORT_STIMULUS_ONLY)
        return credo__spec_err (p, s, "input port '%s' of population '%s' "
                                "(model %s) takes stimuli only, not "
                                "projections",
                                post->model->inputs[pj->post_port].name,
                                post->name, post->model->name);

      if ((rc = parse_proj_name (p, i, g)))
        return rc;

      if ((rc = credo__spec_opt_num (p, g, "gain", &pj->gain, NULL)))
        return rc;
      {
        int conn = CREDO_CONN_DENSE;
        if ((rc = credo__spec_opt_choice (p, g, "connectivity", conn_names,
                                          &conn)))
          return rc;
        pj->conn = (credo_conn) conn;
        if (pj->conn == CREDO_CONN_ONE_TO_ONE && pre->size != post->size)
          return credo__spec_err (
              p, config_setting_get_member (g, "connectivity"),
              "one_to_one projection '%s' needs equal sizes, but '%s' has "
              "%zu units and '%s' has %zu",
              pj->name, pre->name, pre->size, post->name, post->size);
        if ((rc = credo__spec_proj_spiking (p, g, pj)))
          return rc;
        if (pj->conn == CREDO_CONN_DENSE
            && (rc = dense_fits (p, g, pj, pre->size, post->size)))
          return rc;
      }
      {
        config_setting_t *pl = config_setting_get_member (g, "plasticity");
        if (pl && (rc = parse_plasticity (p, pj, pl)))
          return rc;
      }
      if ((rc = parse_proj_init (p, i, g, list)))
        return rc;
    }
  return check_loops (p);
}
