/* src/learn/ref_hebbian.c -- the Hebbian direction, a baseline reference.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   direction_k = r_k r_{k-1}^T
 *
 * with the rates of the feed-forward pass (Hebb 1949, in rate form, e.g.
 * Dayan & Abbott 2001, Eq. 8.3).  An update close to it follows the
 * correlation of its pre- and postsynaptic rates rather than an error:
 * a useful control beside the backprop angle.  Needs no target.
 */
#include "learn/learn.h"

static size_t
hebb_work (const credo_ff_chain *c)
{
  (void) c;
  return 0;
}

static int
hebb_direction (const credo_ff_chain *c, double *const *dir, double *work)
{
  (void) work;
  for (size_t k = 1; k < c->n_layers; k++)
    {
      const credo_proj *pr = c->L[k].fwd;
      for (size_t i = 0; i < pr->rows; i++)
        for (size_t j = 0; j < pr->cols; j++)
          dir[k][i * pr->cols + j] = c->L[k].r[i] * c->L[k - 1].r[j];
    }
  return 0;
}

const credo_reference_type credo__ref_hebbian = {
  "hebbian",
  "the Hebbian direction r_k r_{k-1}^T of the feed-forward pass: a baseline "
  "that needs no error",
  hebb_work,
  hebb_direction,
};
