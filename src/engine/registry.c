/* src/engine/registry.c -- the engines `solver.engine` can name.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Adding an engine: a file in src/engine/ defining `credo__engine_<name>`,
 * one extern line and one table row here.  The first row is the default.
 */
#include <string.h>

#include "engine/engine.h"

extern const credo_engine_type credo__engine_cvode;
extern const credo_engine_type credo__engine_euler;
extern const credo_engine_type credo__engine_midpoint;
extern const credo_engine_type credo__engine_event;

static const credo_engine_type *const registry[] = {
  &credo__engine_cvode,
  &credo__engine_euler,
  &credo__engine_midpoint,
  &credo__engine_event,
  NULL
};

const credo_engine_type *const *
credo__engine_list (void)
{
  return registry;
}

const credo_engine_type *
credo__engine_default (void)
{
  return registry[0];
}

const credo_engine_type *
credo__engine_find (const char *name)
{
  for (size_t i = 0; registry[i]; i++)
    if (strcmp (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}
