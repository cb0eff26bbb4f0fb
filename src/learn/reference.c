/* src/learn/reference.c -- the registry of reference gradients and the
 * angle every comparison uses.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Adding a reference: a file learn/ref_<name>.c defining
 * `credo__ref_<name>`, one extern line and one table row here.
 */
#include <math.h>
#include <string.h>

#include "learn/learn.h"

extern const credo_reference_type credo__ref_backprop;
extern const credo_reference_type credo__ref_hebbian;
extern const credo_reference_type credo__ref_gauss_newton;
extern const credo_reference_type credo__ref_gauss_newton_nonlinear;

static const credo_reference_type *const registry[] = {
  &credo__ref_backprop,
  &credo__ref_hebbian,
  &credo__ref_gauss_newton,
  &credo__ref_gauss_newton_nonlinear,
  NULL
};

const credo_reference_type *const *
credo__reference_list (void)
{
  return registry;
}

const credo_reference_type *
credo__reference_find (const char *name)
{
  for (size_t i = 0; registry[i]; i++)
    if (strcmp (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

double
credo__angle_deg (const double *a, const double *b, size_t n)
{
  double ab = 0, aa = 0, bb = 0, c;
  for (size_t i = 0; i < n; i++)
    {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
  if (!(aa > 0 && bb > 0))
    return NAN;
  c = ab / sqrt (aa * bb);
  if (c > 1)
    c = 1;
  if (c < -1)
    c = -1;
  return acos (c) * (180.0 / M_PI);
}

const char *const *
credo__reference_names (void)
{
  /* the registry's names, filled on first use (same every time) */
  static const char *names[sizeof registry / sizeof registry[0]];
  for (size_t i = 0; registry[i]; i++)
    names[i] = registry[i]->name;
  return names;
}
