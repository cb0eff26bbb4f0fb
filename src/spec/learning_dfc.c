/* src/spec/learning_dfc.c -- validating `learning.dfc`, the settings of the
 * Deep Feedback Control protocol (Meulemans et al. 2021, NeurIPS).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   learning = {
 *     protocol = "dfc";
 *     every = 20.0;                 # ms: one presentation window per update
 *     layers = ["x", "h", "y"];     # the forward chain (dfc_neuron layers)
 *     references = ["backprop", "gauss_newton"];
 *     record_updates = true;        # /learning/update/<W>, .../reference/
 *     diagnostics_every = 10;       # updates between rho_Q / stability
 *     dfc = {
 *       variant = "DFC-SS";         # "DFC" | "DFC-SS" | "DFC-SSA" | "DFC-fixed"
 *                                   # | "BP" (the baseline; with batch)
 *       controller = "ctrl";        # the pi_controller (one unit per output)
 *       target = "loss";            # the loss_target population (optional)
 *       optimizer = "adam";         # "sgd" | "adam" | "none"
 *       lr = 1e-3;  normalize_lr = true;   # lr / lambda, as the authors
 *       beta1 = 0.99; beta2 = 0.99; epsilon = 1e-8;   # Adam
 *       clip = 1.0;                 # per-tensor norm clip (0 = none)
 *       gamma = 0.0;                # damping of the Gauss-Newton references
 *       reset = true;               # windows start from the feed-forward state
 *       include_non_converged = false;   # as the authors: see below
 *       convergence_tol = 1e-5;  convergence_epsilon = 0.5;
 *     };
 *   };
 *
 * The forward projections of the chain must carry a plasticity rule (the
 * rule the protocol evaluates, e.g. "dfc"); the protocol freezes them
 * (DFC-SS, DFC-SSA) or integrates the rule into a quadrature beside them
 * (DFC, DFC-fixed) and applies discrete updates at the window ends.
 *
 * A window has converged when ||r_L - (r* - alpha u)|| < convergence_tol
 * ||r_L^-|| and ||r* - r_L|| < convergence_epsilon^2 ||r* - r_L^-|| at its
 * end (the authors compare the norms with epsilon_di squared),
 * diverged when the first ratio exceeds 1 (the authors' check_convergence,
 * with alpha the effective leak of the controller's form).  Unless
 * include_non_converged, a non-converged window gives DFC-SS no update
 * and a diverged one gives DFC and DFC-fixed none (the authors drop
 * diverged samples from the running average step by step; credo judges
 * the window by its end).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "spec/parse.h"

static const char *const dfc_keys[] = { "variant", "controller", "target",
                                        "optimizer", "lr", "normalize_lr",
                                        "beta1", "beta2", "epsilon", "clip",
                                        "gamma", "reset",
                                        "include_non_converged",
                                        "convergence_tol",
                                        "convergence_epsilon", "batch",
                                        "epochs", "window",
                                        "shuffle", "average_points", "relax",
                                        "validation", "sleep",
                                        "feedback_product", "threads",
                                        NULL };
static const char *const relax_keys[] = { "engine", "rtol", "atol", "dt",
                                          "max_steps", NULL };

static const char *const sleep_keys[] = {
  "k_p", "alpha", "tau_v", "tau_A", "sigma", "window", "dt", "lr", "lr_init",
  "weight_decay", "epsilon", "clip", "epochs_init", "extra_epochs",
  "freeze_output", NULL
};

static int parse_batch (spec_parser *p, const config_setting_t *g);
static const char *const variants[] = { "DFC", "DFC-SS", "DFC-SSA",
                                        "DFC-fixed", "BP", NULL };
static const char *const optimizers[] = { "sgd", "adam", "none", NULL };

static int
opt_bool (spec_parser *p, const config_setting_t *g, const char *key,
          int *out)
{
  const config_setting_t *s = config_setting_get_member (g, key);
  if (!s)
    return 0;
  if (config_setting_type (s) != CONFIG_TYPE_BOOL)
    return credo__spec_err (p, s, "'%s' must be true or false, not %s", key,
                            credo__spec_type_name (s));
  *out = config_setting_get_bool (s) != 0;
  return 0;
}

/* A number member within [lo, hi] (hi_open: < hi). */
static int
opt_range (spec_parser *p, const config_setting_t *g, const char *key,
           double *out, double lo, double hi, int hi_open, const char *what)
{
  int found = 0, rc;
  if ((rc = credo__spec_opt_num (p, g, key, out, &found)) || !found)
    return rc;
  if (!(isfinite (*out) && *out >= lo && (hi_open ? *out < hi : *out <= hi)))
    return credo__spec_err (p, config_setting_get_member (g, key),
                            "'%s' must be %s, not %g", key, what, *out);
  return 0;
}

/* The population named by string member `key`, of model `model` with the
 * output layer's size. */
static int
pop_member (spec_parser *p, const config_setting_t *g, const char *key,
            const char *model, int *pop)
{
  const credo_spec *spec = p->spec;
  const credo_learning_spec *l = &spec->learning;
  const credo_pop_spec *out = &spec->pops[l->layers[l->n_layers - 1]];
  const config_setting_t *s = config_setting_get_member (g, key);
  const char *name;
  int rc;
  if ((rc = credo__spec_str (p, s, &name)))
    return rc;
  if ((*pop = credo__spec_pop_index (spec, name)) < 0)
    return credo__spec_err (p, s, "learning.dfc.%s: unknown population '%s'",
                            key, name);
  if (strcmp (spec->pops[*pop].model->name, model) != 0)
    return credo__spec_err (p, s, "learning.dfc.%s: population '%s' is a %s, "
                            "not a %s", key, name,
                            spec->pops[*pop].model->name, model);
  if (spec->pops[*pop].size != out->size)
    return credo__spec_err (p, s, "learning.dfc.%s: population '%s' has %zu "
                            "units but the output layer '%s' has %zu; it "
                            "needs one per output unit", key, name,
                            spec->pops[*pop].size, out->name, out->size);
  return 0;
}

/* feedback[k]: the projection controller.u -> layers[k].apical. */
static int
find_feedback (spec_parser *p, const config_setting_t *g)
{
  credo_spec *spec = p->spec;
  credo_learning_spec *l = &spec->learning;
  credo_dfc_spec *d = &l->dfc;
  const credo_model_type *cm = spec->pops[d->controller].model;
  int u = credo_model_output_index (cm, "u");
  if (!(d->feedback = credo__calloc (l->n_layers, sizeof *d->feedback)))
    return credo__spec_nomem (p);
  for (size_t k = 0; k < l->n_layers; k++)
    {
      const credo_pop_spec *ps = &spec->pops[l->layers[k]];
      int apical = credo_model_input_index (ps->model, "apical");
      d->feedback[k] = -1;
      for (size_t j = 0; k > 0 && apical >= 0 && j < spec->n_projs; j++)
        {
          const credo_proj_spec *pj = &spec->projs[j];
          if (pj->pre != d->controller || pj->pre_port != u
              || pj->post != l->layers[k] || pj->post_port != apical)
            continue;
          if (d->feedback[k] >= 0)
            return credo__spec_err (p, g, "learning.dfc: layer '%s' gets two "
                                    "feedback projections from the "
                                    "controller ('%s' and '%s')", ps->name,
                                    spec->projs[d->feedback[k]].name,
                                    pj->name);
          if (pj->conn != CREDO_CONN_DENSE)
            return credo__spec_err (p, g, "learning.dfc: feedback projection "
                                    "'%s' must be dense (Q is %zu x %zu)",
                                    pj->name, ps->size,
                                    spec->pops[d->controller].size);
          d->feedback[k] = (int) j;
        }
      if (k > 0 && d->variant == CREDO_DFC_FIXED && d->feedback[k] < 0)
        return credo__spec_err (p, g, "learning.dfc: variant DFC-fixed sets "
                                "every layer's feedback weights, but layer "
                                "'%s' gets no projection from %s.u into its "
                                "apical port", ps->name,
                                spec->pops[d->controller].name);
      if (k > 0 && d->variant == CREDO_DFC_FIXED
          && spec->projs[d->feedback[k]].plast.rule)
        return credo__spec_err (p, g, "learning.dfc: variant DFC-fixed keeps "
                                "the feedback weights frozen, but '%s' is "
                                "plastic", spec->projs[d->feedback[k]].name);
    }
  return 0;
}

/* The chain's forward projections: plastic, unfiltered, moved by us. */
static int
claim_forward (spec_parser *p, const config_setting_t *g)
{
  credo_spec *spec = p->spec;
  credo_learning_spec *l = &spec->learning;
  char where[512];
  for (size_t k = 1; k < l->n_layers; k++)
    {
      credo_proj_spec *pj = &spec->projs[l->fwd[k]];
      if (!pj->plast.rule)
        return credo__spec_err (p, g, "learning.dfc: forward projection '%s' "
                                "(%s) has no plasticity rule; the protocol "
                                "evaluates it at every window's end (add "
                                "plasticity = { rule = \"dfc\"; eta = 1.0; "
                                "})", pj->name,
                                credo__loc_str (&pj->loc, where,
                                                sizeof where));
      if (pj->plast.tau_w > 0)
        return credo__spec_err (p, g, "learning.dfc: forward projection '%s' "
                                "(%s) low-pass filters its rule (tau_w = %g); "
                                "the protocol's updates need tau_w = 0",
                                pj->name,
                                credo__loc_str (&pj->plast.loc, where,
                                                sizeof where),
                                pj->plast.tau_w);
      pj->plast.mode = (l->dfc.variant == CREDO_DFC_AVERAGE
                        || l->dfc.variant == CREDO_DFC_FIXED)
                           ? CREDO_PLAST_ACCUMULATE
                           : CREDO_PLAST_FROZEN;
    }
  return 0;
}

int
credo__spec_learning_dfc (spec_parser *p, config_setting_t *lg)
{
  credo_learning_spec *l = &p->spec->learning;
  credo_dfc_spec *d = &l->dfc;
  int is_dfc = l->protocol && strcmp (l->protocol, "dfc") == 0;
  config_setting_t *g;
  int rc;
  d->controller = d->target = -1;
  d->optimizer = CREDO_OPT_SGD;
  d->variant = CREDO_DFC_SS;
  d->lr = 0;
  d->beta1 = d->beta2 = 0.99; /* the authors' Adam (Meulemans et al.) */
  d->epsilon = 1e-8;
  d->reset = 1;
  d->convergence_tol = 1e-5; /* the authors' check_convergence */
  d->convergence_epsilon = 0.5;
  if (!(g = credo__spec_group (p, lg, "dfc", &rc)))
    {
      if (rc)
        return rc;
      if (is_dfc)
        return credo__spec_err (p, lg, "learning protocol \"dfc\" needs a "
                                "'dfc' group (at least controller = "
                                "\"NAME\")");
      return 0;
    }
  if (!is_dfc)
    return credo__spec_err (p, g, "'dfc' settings apply to protocol \"dfc\" "
                            "only (learning.protocol is \"%s\")",
                            l->protocol ? l->protocol : "continuous");
  if ((rc = credo__spec_check_keys (p, g, "learning.dfc", dfc_keys))
      || (rc = credo__spec_loc (p, g, &d->loc))
      || (rc = credo__spec_opt_choice (p, g, "variant", variants,
                                       &d->variant))
      || (rc = credo__spec_opt_choice (p, g, "optimizer", optimizers,
                                       &d->optimizer)))
    return rc;
  if (!credo__spec_need (p, g, "controller", "learning.dfc"))
    return CREDO_ECONFIG;
  if ((rc = pop_member (p, g, "controller", "pi_controller", &d->controller)))
    return rc;
  if (config_setting_get_member (g, "target")
      && (rc = pop_member (p, g, "target", "loss_target", &d->target)))
    return rc;
  if ((rc = opt_range (p, g, "lr", &d->lr, 0, INFINITY, 1, ">= 0 and finite"))
      || (rc = opt_range (p, g, "beta1", &d->beta1, 0, 1, 1, "in [0, 1)"))
      || (rc = opt_range (p, g, "beta2", &d->beta2, 0, 1, 1, "in [0, 1)"))
      || (rc = opt_range (p, g, "epsilon", &d->epsilon, 0, INFINITY, 1,
                          ">= 0 and finite"))
      || (rc = opt_range (p, g, "clip", &d->clip, 0, INFINITY, 1,
                          ">= 0 (0: no clipping)"))
      || (rc = opt_range (p, g, "gamma", &d->gamma, 0, INFINITY, 1,
                          ">= 0 and finite"))
      || (rc = opt_bool (p, g, "normalize_lr", &d->normalize_lr))
      || (rc = opt_range (p, g, "convergence_tol", &d->convergence_tol, 0,
                          INFINITY, 1, ">= 0 and finite"))
      || (rc = opt_range (p, g, "convergence_epsilon",
                          &d->convergence_epsilon, 0, INFINITY, 1,
                          ">= 0 and finite"))
      || (rc = opt_bool (p, g, "include_non_converged",
                         &d->include_non_converged))
      || (rc = opt_bool (p, g, "reset", &d->reset)))
    return rc;
  if (d->optimizer != CREDO_OPT_NONE && !config_setting_get_member (g, "lr"))
    return credo__spec_err (p, g, "learning.dfc: optimizer \"%s\" needs a "
                            "learning rate 'lr' (or optimizer = \"none\" to "
                            "record updates without applying them)",
                            optimizers[d->optimizer]);
  if (d->normalize_lr && d->target < 0)
    return credo__spec_err (p, config_setting_get_member (g, "normalize_lr"),
                            "normalize_lr divides the learning rate by the "
                            "loss_target's lambda: it needs "
                            "learning.dfc.target");
  if ((rc = find_feedback (p, g)) || (rc = parse_batch (p, g)))
    return rc;
  return claim_forward (p, g);
}

/* The dataset stimulus on population pop's port, or -1. */
static int
dataset_on (const credo_spec *spec, int pop, int port)
{
  for (size_t i = 0; i < spec->n_stims; i++)
    if (spec->stims[i].pop == pop && spec->stims[i].port == port
        && spec->stims[i].kind == CREDO_STIM_DATASET)
      return (int) i;
  return -1;
}

/* relax = { engine; rtol; atol; dt; max_steps; }: how a minibatch relaxes
 * (default: CVODE, rtol 1e-6, atol 1e-8). */
static int
parse_relax (spec_parser *p, const config_setting_t *g, credo_solver_spec *r)
{
  const config_setting_t *e;
  const char *name;
  long steps = 0;
  int rc, found = 0;
  *r = p->spec->solver;
  r->engine = credo__engine_default ();
  r->rtol = 1e-6;
  r->atol = 1e-8;
  r->max_steps = 100000;
  r->linear = CREDO_LINEAR_SPGMR;
  if (!g)
    return 0;
  if ((rc = credo__spec_check_keys (p, g, "learning.dfc.relax", relax_keys)))
    return rc;
  if ((e = config_setting_get_member (g, "engine")))
    {
      if ((rc = credo__spec_str (p, e, &name)))
        return rc;
      if (!(r->engine = credo__engine_find (name)))
        return credo__spec_err (p, e, "learning.dfc.relax: unknown engine "
                                "'%s'", name);
    }
  if ((rc = opt_range (p, g, "rtol", &r->rtol, 0, INFINITY, 1,
                       ">= 0 and finite"))
      || (rc = opt_range (p, g, "atol", &r->atol, 0, INFINITY, 1,
                          ">= 0 and finite"))
      || (rc = credo__spec_opt_num (p, g, "dt", &r->dt, &found)))
    return rc;
  if (found && !(r->dt > 0 && isfinite (r->dt)))
    return credo__spec_err (p, config_setting_get_member (g, "dt"),
                            "'dt' must be > 0 (ms), not %g", r->dt);
  if ((rc = credo__spec_opt_long (p, g, "max_steps", &steps, &found)))
    return rc;
  if (found)
    r->max_steps = steps;
  return 0;
}

/* sleep = { ... }: the feedback-learning phase (defaults: the authors'
 * Fashion-MNIST DFC values, configs_fmnist/fmnist_dfc.py). */
static int
parse_sleep (spec_parser *p, const config_setting_t *g)
{
  credo_dfc_spec *d = &p->spec->learning.dfc;
  credo_dfc_sleep_spec *sl = &d->sleep;
  long v;
  int rc, found;
  if (!g)
    return 0;
  if ((rc = credo__spec_check_keys (p, g, "learning.dfc.sleep", sleep_keys)))
    return rc;
  if (d->variant == CREDO_DFC_FIXED || d->variant == CREDO_DFC_BP)
    return credo__spec_err (p, g, "learning.dfc.sleep: the %s variant keeps "
                            "its feedback weights; only DFC and DFC-SS learn "
                            "them", d->variant == CREDO_DFC_BP ? "BP"
                                                               : "DFC-fixed");
  sl->on = 1;
  sl->k_p = 0.006426940850583915;
  sl->alpha = 0.23370420882566645;
  sl->tau_v = 0.00547324603685296;
  sl->tau_A = 0.13465111151646356;
  sl->sigma = 0.002451309464861252;
  sl->dt = 0.003097349374603956;
  sl->window = 34 * sl->dt;
  sl->lr = 0.00023725294281298016;
  sl->lr_init = 0.00045372617633919964;
  sl->weight_decay = 0.1;
  sl->epsilon = 3.561070445920531e-08;
  sl->clip = 1.0;
  sl->epochs_init = 10;
  sl->extra_epochs = 2;
  sl->freeze_output = 1;
  if ((rc = opt_range (p, g, "k_p", &sl->k_p, 0, INFINITY, 1, ">= 0"))
      || (rc = opt_range (p, g, "alpha", &sl->alpha, 0, INFINITY, 1,
                          ">= 0"))
      || (rc = opt_range (p, g, "tau_v", &sl->tau_v, 1e-300, INFINITY, 1,
                          "> 0 (ms)"))
      || (rc = opt_range (p, g, "tau_A", &sl->tau_A, 1e-300, INFINITY, 1,
                          "> 0 (ms)"))
      || (rc = opt_range (p, g, "sigma", &sl->sigma, 0, INFINITY, 1,
                          ">= 0"))
      || (rc = opt_range (p, g, "dt", &sl->dt, 1e-300, INFINITY, 1,
                          "> 0 (ms)"))
      || (rc = opt_range (p, g, "window", &sl->window, 1e-300, INFINITY, 1,
                          "> 0 (ms)"))
      || (rc = opt_range (p, g, "lr", &sl->lr, 0, INFINITY, 1, ">= 0"))
      || (rc = opt_range (p, g, "lr_init", &sl->lr_init, 0, INFINITY, 1,
                          ">= 0"))
      || (rc = opt_range (p, g, "weight_decay", &sl->weight_decay, 0,
                          INFINITY, 1, ">= 0"))
      || (rc = opt_range (p, g, "epsilon", &sl->epsilon, 0, INFINITY, 1,
                          ">= 0"))
      || (rc = opt_range (p, g, "clip", &sl->clip, 0, INFINITY, 1, ">= 0"))
      || (rc = opt_bool (p, g, "freeze_output", &sl->freeze_output)))
    return rc;
  sl->relax = d->relax;
  sl->relax.engine = credo__engine_find ("euler");
  sl->relax.dt = sl->dt;
  if ((rc = credo__spec_opt_long (p, g, "epochs_init", &v, &found)))
    return rc;
  if (found && v < 0)
    return credo__spec_err (p, config_setting_get_member (g, "epochs_init"),
                            "'epochs_init' must be >= 0, not %ld", v);
  if (found)
    sl->epochs_init = v;
  if ((rc = credo__spec_opt_long (p, g, "extra_epochs", &v, &found)))
    return rc;
  if (found && v < 0)
    return credo__spec_err (p, config_setting_get_member (g, "extra_epochs"),
                            "'extra_epochs' must be >= 0, not %ld", v);
  if (found)
    sl->extra_epochs = v;
  return 0;
}

/* Minibatch training: batch, epochs, window, the training data. */
static int
parse_batch (spec_parser *p, const config_setting_t *g)
{
  credo_learning_spec *l = &p->spec->learning;
  credo_dfc_spec *d = &l->dfc;
  const config_setting_t *bs = config_setting_get_member (g, "batch");
  const credo_stim_spec *in, *lab;
  long batch = 0, v;
  int rc, found;
  double points = 60;
  d->epochs = 1;
  d->threads = 1;
  d->window = 10.0;
  d->shuffle = 1;
  d->train_input = d->train_label = -1;
  if ((rc = credo__spec_opt_long (p, g, "batch", &batch, NULL)))
    return rc;
  if (!bs && d->variant == CREDO_DFC_BP)
    return credo__spec_err (p, config_setting_get_member (g, "variant"),
                            "learning.dfc: variant \"BP\" (the backprop "
                            "baseline) trains in minibatches: set "
                            "learning.dfc.batch");
  if (!bs)
    {
      static const char *const only[] = { "epochs", "window",
                                          "shuffle", "average_points",
                                          "relax", "validation", "sleep",
                                          "feedback_product", "threads",
                                          NULL };
      for (int i = 0; only[i]; i++)
        if (config_setting_get_member (g, only[i]))
          return credo__spec_err (p, config_setting_get_member (g, only[i]),
                                  "learning.dfc.%s applies to minibatch "
                                  "training only (set learning.dfc.batch)",
                                  only[i]);
      return 0;
    }
  if (batch < 1)
    return credo__spec_err (p, bs, "learning.dfc.batch must be >= 1 "
                            "(samples per minibatch), not %ld", batch);
  d->batch = (size_t) batch;
  if (d->target < 0)
    return credo__spec_err (p, bs, "minibatch training needs "
                            "learning.dfc.target (the loss_target that "
                            "gives each sample its output target)");
  if ((rc = credo__spec_opt_long (p, g, "epochs", &d->epochs, &found)))
    return rc;
  if (d->epochs < 1)
    return credo__spec_err (p, config_setting_get_member (g, "epochs"),
                            "'epochs' must be >= 1, not %ld", d->epochs);
  /* learning.max_batches, the data-set protocols' early stop */
  if ((rc = credo__spec_opt_long (p, config_setting_parent (g),
                                  "max_batches", &d->max_batches, &found)))
    return rc;
  if (d->max_batches < 0)
    return credo__spec_err (p, config_setting_get_member (
                                   config_setting_parent (g), "max_batches"),
                            "'max_batches' must be >= 0 (0: no limit), not "
                            "%ld", d->max_batches);
  if ((rc = opt_range (p, g, "window", &d->window, 0, INFINITY, 1,
                       "> 0 (ms) and finite"))
      || (rc = opt_bool (p, g, "shuffle", &d->shuffle))
      || (rc = opt_bool (p, g, "feedback_product", &d->feedback_product))
      || (rc = opt_range (p, g, "average_points", &points, 2, 1e6, 0,
                          "an even number in 2..1000000")))
    return rc;
  if (!(d->window > 0))
    return credo__spec_err (p, config_setting_get_member (g, "window"),
                            "'window' must be > 0 (ms)");
  v = (long) points;
  if ((double) v != points || v % 2)
    return credo__spec_err (p, config_setting_get_member (g,
                                                          "average_points"),
                            "'average_points' must be an even integer (the "
                            "intervals of Simpson's rule), not %g", points);
  d->average_points = (int) v;
  if ((rc = credo__spec_opt_long (p, g, "threads", &v, &found)))
    return rc;
  if (found && (v < 1 || v > 64 || v > batch))
    return credo__spec_err (p, config_setting_get_member (g, "threads"),
                            "learning.dfc.threads must be in 1..%ld (parts "
                            "of a minibatch relaxed in parallel, at most one "
                            "per sample and 64), not %ld",
                            batch < 64 ? batch : 64, v);
  d->threads = found ? (size_t) v : 1;
  if ((rc = parse_relax (p, config_setting_get_member (g, "relax"),
                         &d->relax))
      || (rc = parse_sleep (p, config_setting_get_member (g, "sleep"))))
    return rc;
  d->train_input = dataset_on (p->spec, l->layers[0], l->in_port);
  if (d->train_input < 0)
    return credo__spec_err (p, bs, "minibatch training takes its samples "
                            "from a dataset stimulus on the input layer "
                            "'%s'; there is none",
                            p->spec->pops[l->layers[0]].name);
  in = &p->spec->stims[d->train_input];
  if (d->target >= 0)
    {
      int label = credo_model_input_index (p->spec->pops[d->target].model,
                                           "label");
      if ((d->train_label = dataset_on (p->spec, d->target, label)) < 0)
        return credo__spec_err (p, bs, "minibatch training needs the labels "
                                "as a dataset stimulus on '%s.label'",
                                p->spec->pops[d->target].name);
      lab = &p->spec->stims[d->train_label];
      if (lab->n_rows != in->n_rows)
        {
          char where[512];
          return credo__spec_err (p, bs, "the training inputs (%s) have %zu "
                                  "samples but the labels (%s, %s) %zu",
                                  in->source ? in->source : "stimulus",
                                  in->n_rows,
                                  lab->source ? lab->source : "stimulus",
                                  credo__loc_str (&lab->loc, where,
                                                  sizeof where),
                                  lab->n_rows);
        }
    }
  if ((rc = credo__spec_opt_long (p, g, "validation", &v, &found)))
    return rc;
  if (found && (v < 0 || (size_t) v >= in->n_rows))
    return credo__spec_err (p, config_setting_get_member (g, "validation"),
                            "learning.dfc.validation must be in 0..%zu (held "
                            "out of the %zu training samples), not %ld",
                            in->n_rows - 1, in->n_rows, v);
  d->validation = found ? (size_t) v : 0;
  if (d->batch > in->n_rows - d->validation)
    return credo__spec_err (p, bs, "learning.dfc.batch = %zu is larger than "
                            "the training set (%zu samples of %s%s)",
                            d->batch, in->n_rows - d->validation,
                            in->source ? in->source : "the input stimulus",
                            d->validation ? ", validation held out" : "");
  return 0;
}

/* A loss_target needs the chain of the protocol that sets its r_ff. */
int
credo__spec_check_loss_targets (spec_parser *p)
{
  const credo_spec *spec = p->spec;
  const credo_learning_spec *l = &spec->learning;
  char where[512];
  for (size_t i = 0; i < spec->n_pops; i++)
    {
      const credo_pop_spec *ps = &spec->pops[i];
      if (strcmp (ps->model->name, "loss_target") != 0)
        continue;
      if (!l->dfc.feedback || l->dfc.target != (int) i)
        return credo__error (p->ctx, CREDO_ECONFIG,
                             "%s: population '%s' (model loss_target) needs "
                             "a feed-forward chain to take its target from: "
                             "learning = { protocol = \"dfc\"; layers = "
                             "[...]; dfc = { target = \"%s\"; ... }; }",
                             credo__loc_str (&ps->loc, where, sizeof where),
                             ps->name, ps->name);
    }
  return 0;
}
