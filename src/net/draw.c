/* src/net/draw.c -- weights drawn from an initialiser's distribution, for
 * dense projections (network.c) and random synapses (spiking.c) alike.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "net/net.h"

void
credo__net_draw_weights (const credo_init_spec *in, gsl_rng *rng, size_t n,
                         double *w)
{
  size_t k;
  switch (in->kind)
    {
    case CREDO_INIT_CONSTANT:
      for (k = 0; k < n; k++)
        w[k] = in->value;
      break;
    case CREDO_INIT_UNIFORM:
      for (k = 0; k < n; k++)
        w[k] = in->scale * (in->low + (in->high - in->low) * gsl_rng_uniform (rng));
      break;
    default: /* CREDO_INIT_NORMAL */
      for (k = 0; k < n; k++)
        w[k] = in->scale * (in->mean + gsl_ran_gaussian_ziggurat (rng, in->std));
      break;
    }
}
