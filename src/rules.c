/* src/rules.c -- the registry of plasticity rules.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Adding a rule: one file in models/ exporting `credo_rule_<name>`, one
 * extern line and one table row here.
 */
#include <string.h>

#include "credo/rule.h"

extern const credo_rule_type credo_rule_dendritic_prediction;
extern const credo_rule_type credo_rule_apical_silencing;

static const credo_rule_type *const registry[] = {
  &credo_rule_dendritic_prediction,
  &credo_rule_apical_silencing,
  NULL
};

const credo_rule_type *const *
credo_rule_list (void)
{
  return registry;
}

const credo_rule_type *
credo_rule_find (const char *name)
{
  for (size_t i = 0; registry[i]; i++)
    if (strcmp (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}
