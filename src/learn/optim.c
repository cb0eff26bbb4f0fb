/* src/learn/optim.c -- the optimizers of the learning protocols: plain
 * SGD and Adam (Kingma & Ba 2015) in PyTorch's bias-corrected form, with
 * per-tensor gradient-norm clipping as torch.nn.utils.clip_grad_norm_
 * (what the Deep Feedback Control authors' code uses, Meulemans et al.
 * 2021).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Updates are descent directions (what is added to the weights before the
 * learning rate); Adam is fed their negative as the gradient.
 */
#include <math.h>
#include <string.h>

#include "learn/learn.h"

/* Per-tensor norm clipping as torch.nn.utils.clip_grad_norm_. */
static double
clip_scale (const double *g, size_t n, double max_norm)
{
  double norm = 0;
  if (!(max_norm > 0))
    return 1.0;
  for (size_t i = 0; i < n; i++)
    norm += g[i] * g[i];
  norm = sqrt (norm);
  return norm > max_norm ? max_norm / (norm + 1e-6) : 1.0;
}

void
credo__optim_apply (const credo_dfc_spec *d, double lr,
                    unsigned long long t, double *W, const double *u,
                    size_t n, double *m1, double *m2)
{
  double c = clip_scale (u, n, d->clip);
  double bc1 = 1 - pow (d->beta1, (double) t);
  double bc2 = 1 - pow (d->beta2, (double) t);
  for (size_t i = 0; i < n; i++)
    {
      double g = -c * u[i]; /* the gradient the authors' Adam descends */
      if (!isfinite (g))
        continue;
      if (d->optimizer == CREDO_OPT_SGD)
        W[i] -= lr * g;
      else if (d->optimizer == CREDO_OPT_ADAM)
        {
          m1[i] = d->beta1 * m1[i] + (1 - d->beta1) * g;
          m2[i] = d->beta2 * m2[i] + (1 - d->beta2) * g * g;
          W[i] -= lr / bc1 * m1[i] / (sqrt (m2[i]) / sqrt (bc2) + d->epsilon);
        }
    }
}
