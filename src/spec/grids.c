/* src/spec/grids.c -- the sampling grids of the weights and learning
 * sections (start + k*every <= stop), for the recorder, the learning
 * monitor and the summary.  Functions of the spec types only: no parsing.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include "spec/spec.h"

double
credo__weights_time (const credo_weights_spec *w, unsigned long long k)
{
  return credo__grid_time (w->start, w->every, k);
}

unsigned long long
credo__weights_count (const credo_weights_spec *w)
{
  return credo__grid_count (w->start, w->every, w->stop,
                            CREDO_MAX_SNAPSHOTS);
}

double
credo__learning_time (const credo_learning_spec *l, unsigned long long k)
{
  return credo__grid_time (l->start, l->every, k);
}

unsigned long long
credo__learning_count (const credo_learning_spec *l)
{
  return credo__grid_count (l->start, l->every, l->stop,
                            CREDO_MAX_LEARNING_SAMPLES);
}
