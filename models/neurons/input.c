/* models/neurons/input.c -- input units clamped to a stimulus.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   r = in + bias
 *
 * No state: the rate follows the stimuli feeding the port `in` exactly,
 * discontinuities included (the engine restarts at each one).
 */
#include "credo/model.h"

static const credo_port_desc inputs[] = {
  { "in", "1", CREDO_PORT_STIMULUS_ONLY, "the clamping stimulus (stimuli only)" },
};

static const credo_port_desc outputs[] = {
  { "r", "1", 0, "rate r = in + bias" },
};

static const credo_param_desc params[] = {
  { "bias", 0.0, "1", -1e12, 1e12, NULL, "constant added to the stimulus" },
};

static void
input_output (const credo_pop_view *v, double t, const double *y,
              double *const *out)
{
  (void) t;
  (void) y;
  for (size_t i = 0; i < v->n; i++)
    out[0][i] = v->in[0][i] + v->p[0];
}

const credo_model_type credo_model_input = {
  CREDO_MODEL_VERSION,
  "input",
  "Input units clamped to a stimulus: r = in + bias, no state.",
  0, NULL,
  1, inputs,
  1, outputs,
  1, params,
  NULL,
  NULL,
  input_output,
  NULL,
  NULL,
  NULL, /* noise */
  NULL, /* derived */
  NULL, /* no feed-forward reading */
  NULL, /* no guard */
  NULL, /* a rate model */
};
