/* src/spec/order.c -- the order in which the network sums its projections
 * and computes outputs that depend on inputs (derived outputs, e.g. a
 * controller's u = k_i u_int + k_p e): over the spec types only, so that
 * the parser can reject a loop with its file and line and the network can
 * follow the same order.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A projection can be summed once its source is known: an output computed
 * from the state alone, or a derived output whose population has all its
 * inputs.  A population's derived outputs can be computed once every
 * projection into it is summed.  Passes over the projections (in index
 * order) and the populations alternate until all are done; a pass without
 * progress means a loop through derived outputs (an algebraic loop).
 * Without derived sources the order is every projection, then every
 * population's derived outputs, as it always was.
 */
#include <stdlib.h>

#include "spec/spec.h"

static int
is_derived_source (const credo_spec *spec, const credo_proj_spec *pj)
{
  const credo_model_type *m = spec->pops[pj->pre].model;
  return (m->outputs[pj->pre_port].flags & CREDO_PORT_DERIVED) != 0;
}

/* All projections into population p are summed. */
static int
inputs_done (const credo_spec *spec, size_t p, const char *proj_done)
{
  for (size_t k = 0; k < spec->n_projs; k++)
    if ((size_t) spec->projs[k].post == p && !proj_done[k])
      return 0;
  return 1;
}

/* A projection on a loop of pending ones: every pending projection comes
 * from a population whose derived outputs wait for a pending projection
 * into it, so walking back n_pops + 1 times ends inside a loop. */
static int
on_loop (const credo_spec *spec, const char *pd)
{
  int last = -1, q = -1;
  for (size_t k = 0; k < spec->n_projs && q < 0; k++)
    if (!pd[k])
      q = spec->projs[k].pre;
  for (size_t step = 0; q >= 0 && step <= spec->n_pops; step++)
    {
      int found = -1;
      for (size_t k = 0; k < spec->n_projs && found < 0; k++)
        if (!pd[k] && spec->projs[k].post == q)
          found = (int) k;
      if (found < 0)
        break;
      last = found;
      q = spec->projs[found].pre;
    }
  return last < 0 ? 0 : last;
}

int
credo__spec_eval_order (const credo_spec *spec, credo_eval_step *steps,
                        size_t *n_steps, int *stuck)
{
  char *pd = calloc (spec->n_projs + 1, 1), *dd = calloc (spec->n_pops + 1, 1);
  size_t n = 0, todo = spec->n_projs;
  int rc = 0;
  if (!pd || !dd)
    {
      free (pd), free (dd);
      return CREDO_ENOMEM;
    }
  for (size_t p = 0; p < spec->n_pops; p++)
    if (!spec->pops[p].model->derived)
      dd[p] = 1; /* nothing to compute */
    else
      todo++;
  while (todo)
    {
      size_t before = todo;
      for (size_t k = 0; k < spec->n_projs; k++)
        if (!pd[k] && (!is_derived_source (spec, &spec->projs[k])
                       || dd[spec->projs[k].pre]))
          {
            pd[k] = 1, todo--;
            steps[n++] = (credo_eval_step){ CREDO_STEP_PROJECT, (int) k };
          }
      for (size_t p = 0; p < spec->n_pops; p++)
        if (!dd[p] && inputs_done (spec, p, pd))
          {
            dd[p] = 1, todo--;
            steps[n++] = (credo_eval_step){ CREDO_STEP_DERIVE, (int) p };
          }
      if (todo == before)
        {
          if (stuck)
            *stuck = on_loop (spec, pd);
          rc = 1;
          break;
        }
    }
  *n_steps = n;
  free (pd), free (dd);
  return rc;
}
