/* src/learn/protocol.c -- the registry of learning protocols.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Adding a protocol (phases, minibatches, a data split): a file in
 * src/learn/ defining `credo__protocol_<name>`, one extern line and one
 * table row here.  The first row is the default.
 */
#include <string.h>

#include "learn/learn.h"

extern const credo_protocol_type credo__protocol_continuous,
    credo__protocol_dfc, credo__protocol_lcp;

static const credo_protocol_type *const registry[] = {
  &credo__protocol_continuous,
  &credo__protocol_dfc,
  &credo__protocol_lcp,
  NULL
};

const credo_protocol_type *
credo__protocol_default (void)
{
  return registry[0];
}

const credo_protocol_type *
credo__protocol_find (const char *name)
{
  for (size_t i = 0; registry[i]; i++)
    if (strcmp (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

const char *const *
credo__protocol_names (void)
{
  /* the registry's names, filled on first use (same every time) */
  static const char *names[sizeof registry / sizeof registry[0]];
  for (size_t i = 0; registry[i]; i++)
    names[i] = registry[i]->name;
  return names;
}
