/* models/neurons/spike_port.h -- what every spiking model shares: its
 * output port `spikes`, whose events the event engine delivers (the port
 * itself holds zeros: continuous engines refuse spiking models).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_SPIKE_PORT_H
#define CREDO_SPIKE_PORT_H

#include "credo/model.h"

static const credo_port_desc credo_spike_outputs[] = {
  { "spikes", "1", 0, "the spike train (source of projections)" },
};

static inline void
credo_spike_output (const credo_pop_view *v, double t, const double *y,
                    double *const *out)
{
  (void) t;
  (void) y;
  for (size_t i = 0; i < v->n; i++)
    out[0][i] = 0.0;
}

#endif /* CREDO_SPIKE_PORT_H */
