/* models/neurons/compartments.h -- what the dendritic-microcircuit neurons
 * (pyramidal.c, interneuron.c) share: a somatic potential u with a rate
 * phi(u), and a dendritic prediction of the soma, hat = c v (v a dendrite's
 * potential, c its attenuation g_dend / (sum of the soma's conductances
 * without nudging)) and pred = phi(hat), the signal the dendritic-
 * prediction rule compares with phi(u).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_MODELS_COMPARTMENTS_H
#define CREDO_MODELS_COMPARTMENTS_H

#include <stddef.h>

#include "credo/model.h"
#include "credo/transfer.h"

/* The table entries every such neuron has: its one state variable, its
 * first two outputs (in this order: r, then u) and its last two
 * parameters (noise, initial potential). */
#define CREDO_SOMA_VAR { "u", "mV", 1.0, "somatic potential" }
#define CREDO_SOMA_OUTPUTS                                                     \
  { "r", "1", 0, "rate phi(u)" }, { "u", "mV", 0, "somatic potential" }
#define CREDO_SOMA_NOISE_U0_PARAMS                                             \
  { "sigma", 0.0, "mV/sqrt(ms)", 0, 1e6, NULL,                                 \
    "somatic white-noise amplitude" },                                         \
  { "u0", 0.0, "mV", -1e12, 1e12, NULL, "initial potential" }

/* Every soma starts at u0. */
static inline void
credo_soma_init (size_t n, double u0, double *y)
{
  for (size_t i = 0; i < n; i++)
    y[i] = u0;
}

/* r = phi(u) and the potential itself. */
static inline void
credo_soma_output (const credo_transfer *f, size_t n, const double *y,
                   double *r, double *u)
{
  credo_transfer_eval (f, n, y, r, NULL);
  for (size_t i = 0; i < n; i++)
    u[i] = y[i];
}

/* hat = c v, pred = phi(hat). */
static inline void
credo_soma_prediction (const credo_transfer *f, size_t n, double c,
                       const double *v, double *hat, double *pred)
{
  for (size_t i = 0; i < n; i++)
    hat[i] = c * v[i];
  credo_transfer_eval (f, n, hat, pred, NULL);
}

/* Their derivatives by v: dhat = c, dpred = phi'(c v) c. */
static inline void
credo_soma_prediction_jac (const credo_transfer *f, size_t n, double c,
                           const double *v, double *dhat, double *dpred)
{
  for (size_t i = 0; i < n; i++)
    {
      dhat[i] = c;
      dpred[i] = c * v[i];
    }
  credo_transfer_eval (f, n, dpred, NULL, dpred);
  for (size_t i = 0; i < n; i++)
    dpred[i] *= c;
}

#endif /* CREDO_MODELS_COMPARTMENTS_H */
