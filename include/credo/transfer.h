/* include/credo/transfer.h -- neuronal transfer functions r = f(u).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every function is written with a gain beta, a threshold theta and an
 * amplitude gamma, x = beta (u - theta):
 *   linear        gamma x
 *   tanh          gamma tanh(x)
 *   logistic      gamma / (1 + exp(-x))
 *   relu          gamma max(0, x)
 *   softplus      gamma log(1 + exp(x))     (SAC18's soft rectifier)
 *   hard-sigmoid  gamma min(1, max(0, x + 1/2))
 */
#ifndef CREDO_TRANSFER_H
#define CREDO_TRANSFER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum credo_transfer_kind
{
  CREDO_TF_LINEAR = 0,
  CREDO_TF_TANH,
  CREDO_TF_LOGISTIC,
  CREDO_TF_RELU,
  CREDO_TF_SOFTPLUS,
  CREDO_TF_HARD_SIGMOID
} credo_transfer_kind;

/* NULL-terminated names, in enum order ("linear", "tanh", ...). */
extern const char *const credo_transfer_names[];

typedef struct credo_transfer
{
  credo_transfer_kind kind;
  double gain;      /* beta, 1/mV */
  double threshold; /* theta, mV */
  double scale;     /* gamma */
} credo_transfer;

/* r[i] = f(u[i]) for i < n when r is not NULL; when dr is not NULL also
 * dr[i] = f'(u[i]).
 * Overflow-safe for any finite u.  r and u may alias. */
void credo_transfer_eval (const credo_transfer *f, size_t n, const double *u,
                          double *r, double *dr);

/* The four parameter-table rows of a transfer function, for models'
 * descriptor tables: transfer, gain, threshold, scale (in this order). */
#define CREDO_TRANSFER_PARAMS(kind, gain, threshold, scale)                  \
  { "transfer", (kind), "", 0, 5, credo_transfer_names,                      \
    "transfer function f" },                                                 \
  { "gain", (gain), "1/mV", -1e12, 1e12, NULL, "slope beta of f" },          \
  { "threshold", (threshold), "mV", -1e12, 1e12, NULL, "threshold theta of f" }, \
  { "scale", (scale), "1", -1e12, 1e12, NULL, "amplitude gamma of f" }

/* The transfer function from four consecutive parameters laid out by
 * CREDO_TRANSFER_PARAMS. */
static inline credo_transfer
credo_transfer_from (const double *p)
{
  credo_transfer f = { (credo_transfer_kind) p[0], p[1], p[2], p[3] };
  return f;
}

#ifdef __cplusplus
}
#endif

#endif /* CREDO_TRANSFER_H */
