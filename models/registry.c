/* models/registry.c -- the registries of built-in models and plasticity
 * rules.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Adding a model: one file in models/neurons/ exporting `credo_model_<name>`,
 * one extern line and one table row here; a rule likewise in models/rules/
 * (`credo_rule_<name>`).  `credo models` lists these tables in order.
 */
#include <string.h>

#include "credo/model.h"
#include "credo/rule.h"

extern const credo_model_type credo_model_input;
extern const credo_model_type credo_model_rate;
extern const credo_model_type credo_model_pyramidal;
extern const credo_model_type credo_model_interneuron;
extern const credo_model_type credo_model_dfc_neuron;
extern const credo_model_type credo_model_pi_controller;
extern const credo_model_type credo_model_loss_target;
extern const credo_model_type credo_model_lif;
extern const credo_model_type credo_model_aeif;
extern const credo_model_type credo_model_poisson;
extern const credo_model_type credo_model_replay;
extern const credo_model_type credo_model_implicit_rate;
extern const credo_model_type credo_model_leaky_integral_controller;
extern const credo_model_type credo_model_dynamic_inversion;

static const credo_model_type *const registry[] = {
  &credo_model_input,
  &credo_model_rate,
  &credo_model_pyramidal,
  &credo_model_interneuron,
  &credo_model_dfc_neuron,
  &credo_model_pi_controller,
  &credo_model_loss_target,
  &credo_model_lif,
  &credo_model_aeif,
  &credo_model_poisson,
  &credo_model_replay,
  &credo_model_implicit_rate,
  &credo_model_leaky_integral_controller,
  &credo_model_dynamic_inversion,
  NULL
};

const credo_model_type *const *
credo_model_list (void)
{
  return registry;
}

const credo_model_type *
credo_model_find (const char *name)
{
  for (size_t i = 0; registry[i]; i++)
    if (strcmp (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

static int
index_of (const char *name, size_t n, const void *table, size_t stride)
{
  const char *p = table;
  for (size_t i = 0; i < n; i++, p += stride)
    if (strcmp (*(const char *const *) p, name) == 0)
      return (int) i;
  return -1;
}

int
credo_model_var_index (const credo_model_type *m, const char *name)
{
  return index_of (name, m->n_var, m->vars, sizeof *m->vars);
}

int
credo_model_input_index (const credo_model_type *m, const char *name)
{
  return index_of (name, m->n_in, m->inputs, sizeof *m->inputs);
}

int
credo_model_output_index (const credo_model_type *m, const char *name)
{
  return index_of (name, m->n_out, m->outputs, sizeof *m->outputs);
}

int
credo_model_param_index (const credo_model_type *m, const char *name)
{
  return index_of (name, m->n_param, m->params, sizeof *m->params);
}

/* ---- rules ---------------------------------------------------------- */

extern const credo_rule_type credo_rule_dendritic_prediction;
extern const credo_rule_type credo_rule_apical_silencing;
extern const credo_rule_type credo_rule_oja;
extern const credo_rule_type credo_rule_dfc;
extern const credo_rule_type credo_rule_dfc_voltage;
extern const credo_rule_type credo_rule_dfc_feedback;
extern const credo_rule_type credo_rule_lcp;
extern const credo_rule_type credo_rule_kolen_pollack;

static const credo_rule_type *const rule_registry[] = {
  &credo_rule_dendritic_prediction,
  &credo_rule_apical_silencing,
  &credo_rule_oja,
  &credo_rule_dfc,
  &credo_rule_dfc_voltage,
  &credo_rule_dfc_feedback,
  &credo_rule_lcp,
  &credo_rule_kolen_pollack,
  NULL
};

const credo_rule_type *const *
credo_rule_list (void)
{
  return rule_registry;
}

const credo_rule_type *
credo_rule_find (const char *name)
{
  for (size_t i = 0; rule_registry[i]; i++)
    if (strcmp (rule_registry[i]->name, name) == 0)
      return rule_registry[i];
  return NULL;
}
