/* models/neurons/replay.c -- replays given spike times: an array
 * in the config, a CSV file of (unit, time) rows, or the /spikes/<pop> of
 * an earlier credo run (frozen input).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * No state and no parameters: the population's `spikes` group holds the
 * times (spec/spiking.c checks them: sorted, >= 0, units in range).
 */
#include "spike_port.h"

static const credo_spiking_desc replay_spiking = {
  -1, -1, -1, -1, -1, -1, -1, 0, NULL, NULL, NULL, 2, -1, NULL,
};

const credo_model_type credo_model_replay = {
  CREDO_MODEL_VERSION,
  "replay",
  "Replays given spike times: the population's spikes = { times = [...]; "
  "units = [...]; } (units default 0), or { file = \"x.csv\"; } (rows "
  "unit, time in ms; one column: times of unit 0) or { file = \"run.h5\"; "
  "population = \"e\"; } (the /spikes/e of an earlier credo run); times "
  "sorted, >= 0 (event engine).",
  0, NULL,
  0, NULL,
  1, credo_spike_outputs,
  0, NULL,
  NULL, NULL,
  credo_spike_output,
  NULL, NULL, NULL, NULL, NULL, NULL,
  &replay_spiking,
};
