/* models/neurons/poisson.c -- a Poisson spike source: each unit fires
 * with exponential intervals of mean 1/rate, independently of the others,
 * or, with stimuli on its port `rate`, as an inhomogeneous Poisson process
 * of rate rate + stimuli (clipped at 0).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * No state: the event engine draws the intervals (GSL's exponential
 * distribution) from one stream per unit seeded from the run's seed, the
 * population and the unit, so that a seed fixes every spike whatever the
 * rest of the network.  A varying rate is generated exactly by thinning
 * (Lewis & Shedler 1979): candidates at the unit's bound on the rate over
 * the run, each kept with probability rate(t)/bound at its exact time t.
 */
#include "spike_port.h"

static const credo_port_desc inputs[] = {
  { "rate", "Hz", CREDO_PORT_STIMULUS_ONLY,
    "stimuli add to the rate (a varying rate: stimuli only)" },
};

static const credo_param_desc params[] = {
  { "rate", 10.0, "Hz", 0.0, 1e6, NULL,
    "mean rate of each unit (plus the stimuli on port rate)" },
};

static const credo_spiking_desc poisson_spiking = {
  -1, -1, -1, -1, -1, -1, -1, 0, NULL, NULL, NULL, 1, 0, NULL,
};

const credo_model_type credo_model_poisson = {
  CREDO_MODEL_VERSION,
  "poisson",
  "Poisson spike source: each unit fires with exponential intervals of "
  "mean 1/rate, independently; stimuli on port rate make the rate "
  "rate + stimuli (Hz, clipped at 0), spikes drawn exactly by thinning "
  "(Lewis & Shedler 1979) (event engine).",
  0, NULL,
  1, inputs,
  1, credo_spike_outputs,
  1, params,
  NULL, NULL,
  credo_spike_output,
  NULL, NULL, NULL, NULL, NULL, NULL,
  &poisson_spiking,
};
