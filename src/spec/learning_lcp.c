/* src/spec/learning_lcp.c -- validating `learning.lcp`, the settings of
 * the least-control protocol (Meulemans, Zucchet, Kobayashi, von Oswald &
 * Sacramento 2022, NeurIPS), and the wiring of the least-control models.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   learning = {
 *     protocol = "lcp";
 *     every = 50.0;                 # ms: one window per update
 *     layers = ["x", "h", "y"];     # input, implicit_rate layers, readout
 *     record_updates = true;        # /learning/update/<W>, reference/rbp/<W>
 *     lcp = {
 *       controller = "ctrl";        # the leaky_integral_controller
 *       optimizer = "none";         # "sgd" | "adam" | "none"
 *       lr = 1e-3; beta1 = 0.9; beta2 = 0.999; epsilon = 1e-8; clip = 0;
 *       weight_decay = 0;           # W <- (1 - wd) W per update (LCP-KP)
 *       reset = true;               # windows start at the free fixed point
 *     };
 *   };
 *
 * Every plastic projection is frozen inside a window and moved at its end
 * by its rule at the controlled steady state (rule "lcp": psi r_pre^T;
 * "kolen_pollack" for learned feedback).  The network's parameters are the
 * layers' forward projections (the chain) and the projections into a
 * layer's `recurrent` port, which must come from a layer's rate.
 *
 * Wiring checks for any circuit (credo__spec_check_lcp): a
 * leaky_integral_controller needs a readout (a projection into its port
 * `output`); a dynamic_inversion population needs its layer's gain
 * sigma'(v) (one-to-one from an implicit_rate's `r_prime`) and its state
 * must be that layer's control, so the two have the same size.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/parse.h"

static const char *const lcp_keys[] = { "controller", "optimizer", "lr",
                                        "beta1", "beta2", "epsilon", "clip",
                                        "reset", "weight_decay", NULL };
static const char *const optimizers[] = { "sgd", "adam", "none", NULL };

static int
range (spec_parser *p, const config_setting_t *g, const char *key,
       double *out, double lo, double hi, const char *what)
{
  int found = 0, rc;
  if ((rc = credo__spec_opt_num (p, g, key, out, &found)) || !found)
    return rc;
  if (!(isfinite (*out) && *out >= lo && *out < hi))
    return credo__spec_err (p, config_setting_get_member (g, key),
                            "'%s' must be %s, not %g", key, what, *out);
  return 0;
}

static int
is_model (const credo_spec *spec, int pop, const char *model)
{
  return pop >= 0 && strcmp (spec->pops[pop].model->name, model) == 0;
}

/* The index of population pop among the learning layers >= 1, or -1. */
static int
layer_of (const credo_learning_spec *l, int pop)
{
  for (size_t k = 1; k < l->n_layers; k++)
    if (l->layers[k] == pop)
      return (int) k;
  return -1;
}

/* Projections into a layer's `recurrent` port: from a layer's rate. */
static int
find_recurrent (spec_parser *p, const config_setting_t *g)
{
  credo_spec *spec = p->spec;
  credo_lcp_spec *c = &spec->learning.lcp;
  char where[512];
  if (!(c->recurrent = credo__calloc (spec->n_projs + 1, sizeof (int))))
    return credo__spec_nomem (p);
  for (size_t j = 0; j < spec->n_projs; j++)
    {
      const credo_proj_spec *pj = &spec->projs[j];
      const credo_model_type *m = spec->pops[pj->post].model;
      if (layer_of (&spec->learning, pj->post) < 0
          || pj->post_port != credo_model_input_index (m, "recurrent"))
        continue;
      if (layer_of (&spec->learning, pj->pre) < 0
          || pj->pre_port != credo_model_output_index (
                 spec->pops[pj->pre].model, "r")
          || pj->conn != CREDO_CONN_DENSE)
        return credo__spec_err (p, g, "learning.lcp: recurrent projection "
                                "'%s' (%s) must be dense and come from the "
                                "rate r of a learning layer", pj->name,
                                credo__loc_str (&pj->loc, where,
                                                sizeof where));
      c->recurrent[c->n_recurrent++] = (int) j;
    }
  return 0;
}

/* Every plastic projection: unfiltered, frozen, moved by the protocol. */
static int
claim_plastic (spec_parser *p, const config_setting_t *g)
{
  credo_spec *spec = p->spec;
  char where[512];
  for (size_t j = 0; j < spec->n_projs; j++)
    {
      credo_proj_spec *pj = &spec->projs[j];
      if (!pj->plast.rule)
        continue;
      if (pj->plast.tau_w > 0)
        return credo__spec_err (p, g, "learning.lcp: projection '%s' (%s) "
                                "low-pass filters its rule (tau_w = %g); the "
                                "protocol's updates need tau_w = 0",
                                pj->name,
                                credo__loc_str (&pj->plast.loc, where,
                                                sizeof where),
                                pj->plast.tau_w);
      pj->plast.mode = CREDO_PLAST_FROZEN;
    }
  return 0;
}

int
credo__spec_learning_lcp (spec_parser *p, config_setting_t *lg)
{
  credo_spec *spec = p->spec;
  credo_learning_spec *l = &spec->learning;
  credo_lcp_spec *c = &l->lcp;
  int is_lcp = l->protocol && strcmp (l->protocol, "lcp") == 0;
  const config_setting_t *s;
  const char *name;
  config_setting_t *g;
  int rc;
  c->controller = -1;
  c->optimizer = CREDO_OPT_SGD;
  c->beta1 = 0.9; /* PyTorch's Adam, as the least-control authors' runs */
  c->beta2 = 0.999;
  c->epsilon = 1e-8;
  c->reset = 1;
  if (!(g = credo__spec_group (p, lg, "lcp", &rc)))
    {
      if (rc)
        return rc;
      if (is_lcp)
        return credo__spec_err (p, lg, "learning protocol \"lcp\" needs an "
                                "'lcp' group (at least controller = "
                                "\"NAME\")");
      return 0;
    }
  if (!is_lcp)
    return credo__spec_err (p, g, "'lcp' settings apply to protocol \"lcp\" "
                            "only (learning.protocol is \"%s\")",
                            l->protocol ? l->protocol : "continuous");
  if ((rc = credo__spec_check_keys (p, g, "learning.lcp", lcp_keys))
      || (rc = credo__spec_loc (p, g, &c->loc))
      || (rc = credo__spec_opt_choice (p, g, "optimizer", optimizers,
                                       &c->optimizer)))
    return rc;
  if (!(s = credo__spec_need (p, g, "controller", "learning.lcp")))
    return CREDO_ECONFIG;
  if ((rc = credo__spec_str (p, s, &name)))
    return rc;
  c->controller = credo__spec_pop_index (spec, name);
  if (!is_model (spec, c->controller, "leaky_integral_controller"))
    return credo__spec_err (p, s, "learning.lcp.controller: '%s' is not a "
                            "population of model leaky_integral_controller",
                            name);
  if ((rc = range (p, g, "lr", &c->lr, 0, INFINITY, ">= 0 and finite"))
      || (rc = range (p, g, "beta1", &c->beta1, 0, 1, "in [0, 1)"))
      || (rc = range (p, g, "beta2", &c->beta2, 0, 1, "in [0, 1)"))
      || (rc = range (p, g, "epsilon", &c->epsilon, 0, INFINITY,
                      ">= 0 and finite"))
      || (rc = range (p, g, "clip", &c->clip, 0, INFINITY,
                      ">= 0 (0: no clipping)"))
      || (rc = range (p, g, "weight_decay", &c->weight_decay, 0, 1,
                      "in [0, 1)")))
    return rc;
  if ((s = config_setting_get_member (g, "reset")))
    {
      if (config_setting_type (s) != CONFIG_TYPE_BOOL)
        return credo__spec_err (p, s, "'reset' must be true or false, not "
                                "%s", credo__spec_type_name (s));
      c->reset = config_setting_get_bool (s) != 0;
    }
  if (c->optimizer != CREDO_OPT_NONE && !config_setting_get_member (g, "lr"))
    return credo__spec_err (p, g, "learning.lcp: optimizer \"%s\" needs a "
                            "learning rate 'lr' (or optimizer = \"none\" to "
                            "record updates without applying them)",
                            optimizers[c->optimizer]);
  if (l->n_references)
    return credo__spec_err (p, config_setting_get_member (lg, "references"),
                            "learning protocol \"lcp\" compares with "
                            "recurrent backprop (the exact gradient) "
                            "always; remove 'references'");
  if ((rc = find_recurrent (p, g)))
    return rc;
  return claim_plastic (p, g);
}

/* The projection into population pop's input port `port` (name), the
 * first one, or NULL. */
static const credo_proj_spec *
feeding (const credo_spec *spec, int pop, const char *port)
{
  int q = credo_model_input_index (spec->pops[pop].model, port);
  for (size_t j = 0; j < spec->n_projs; j++)
    if (spec->projs[j].post == pop && spec->projs[j].post_port == q)
      return &spec->projs[j];
  return NULL;
}

/* A dynamic_inversion population: the layer whose gain it reads, whose
 * control it is, of its size. */
static int
check_inversion (spec_parser *p, int i)
{
  const credo_spec *spec = p->spec;
  const credo_pop_spec *ps = &spec->pops[i];
  const credo_proj_spec *gain = feeding (spec, i, "gain");
  char where[512];
  const credo_pop_spec *layer;
  int found = 0;
  credo__loc_str (&ps->loc, where, sizeof where);
  if (!gain || !is_model (spec, gain->pre, "implicit_rate")
      || gain->pre_port != credo_model_output_index (
             spec->pops[gain->pre].model, "r_prime"))
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "%s: dynamic_inversion '%s' needs the gain "
                         "sigma'(v) of the layer it controls: a one-to-one "
                         "projection of weight 1 from an implicit_rate's "
                         "r_prime into '%s.gain'", where, ps->name,
                         ps->name);
  layer = &spec->pops[gain->pre];
  if (layer->size != ps->size)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "%s: dynamic_inversion '%s' has %zu units but the "
                         "layer it controls, '%s', has %zu: it needs one per "
                         "unit", where, ps->name, ps->size, layer->name,
                         layer->size);
  for (size_t j = 0; j < spec->n_projs; j++)
    {
      const credo_proj_spec *pj = &spec->projs[j];
      if (pj->pre == i && pj->post == gain->pre
          && pj->post_port == credo_model_input_index (layer->model,
                                                       "control"))
        found = 1;
    }
  if (!found)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "%s: dynamic_inversion '%s' reads the gain of '%s' "
                         "but is not its control: add a one-to-one "
                         "projection from '%s.e' into '%s.control'", where,
                         ps->name, layer->name, ps->name, layer->name);
  return 0;
}

int
credo__spec_check_lcp (spec_parser *p)
{
  const credo_spec *spec = p->spec;
  char where[512];
  int rc;
  for (size_t i = 0; i < spec->n_pops; i++)
    {
      const credo_pop_spec *ps = &spec->pops[i];
      if (is_model (spec, (int) i, "dynamic_inversion")
          && (rc = check_inversion (p, (int) i)))
        return rc;
      if (is_model (spec, (int) i, "leaky_integral_controller")
          && !feeding (spec, (int) i, "output"))
        return credo__error (p->ctx, CREDO_ECONFIG,
                             "%s: controller '%s' (leaky_integral_controller) "
                             "has no readout: nothing feeds its port "
                             "'output' (add a one-to-one projection of "
                             "weight 1 from the readout's v, the network's "
                             "output layer)",
                             credo__loc_str (&ps->loc, where, sizeof where),
                             ps->name);
    }
  return 0;
}
