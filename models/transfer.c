/* models/transfer.c -- neuronal transfer functions and their derivatives.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Written to stay finite for any finite input: logistic and softplus use
 * the forms that never exponentiate a large positive number.
 */
#include <math.h>

#include "credo/transfer.h"

const char *const credo_transfer_names[] = {
  "linear", "tanh", "logistic", "relu", "softplus", "hard-sigmoid", NULL
};

/* logistic(x) = 1/(1+e^-x), computed without overflow */
static double
logistic (double x)
{
  if (x >= 0)
    return 1.0 / (1.0 + exp (-x));
  double e = exp (x);
  return e / (1.0 + e);
}

/* log(1+e^x) = max(x,0) + log1p(e^-|x|) */
static double
softplus (double x)
{
  return (x > 0 ? x : 0.0) + log1p (exp (-fabs (x)));
}

void
credo_transfer_eval (const credo_transfer *f, size_t n, const double *u,
                     double *r, double *dr)
{
  const double b = f->gain, th = f->threshold, g = f->scale;
  size_t i;
  switch (f->kind)
    {
    case CREDO_TF_LINEAR:
      for (i = 0; i < n; i++)
        {
          if (r)
            r[i] = g * b * (u[i] - th);
          if (dr)
            dr[i] = g * b;
        }
      break;
    case CREDO_TF_TANH:
      for (i = 0; i < n; i++)
        {
          double t = tanh (b * (u[i] - th));
          if (r)
            r[i] = g * t;
          if (dr)
            dr[i] = g * b * (1.0 - t * t);
        }
      break;
    case CREDO_TF_LOGISTIC:
      for (i = 0; i < n; i++)
        {
          double s = logistic (b * (u[i] - th));
          if (r)
            r[i] = g * s;
          if (dr)
            dr[i] = g * b * s * (1.0 - s);
        }
      break;
    case CREDO_TF_RELU:
      for (i = 0; i < n; i++)
        {
          double x = b * (u[i] - th);
          if (r)
            r[i] = x > 0 ? g * x : 0.0;
          if (dr)
            dr[i] = x > 0 ? g * b : 0.0;
        }
      break;
    case CREDO_TF_SOFTPLUS:
      for (i = 0; i < n; i++)
        {
          double x = b * (u[i] - th);
          if (dr)
            dr[i] = g * b * logistic (x);
          if (r)
            r[i] = g * softplus (x);
        }
      break;
    case CREDO_TF_HARD_SIGMOID:
      for (i = 0; i < n; i++)
        {
          double x = b * (u[i] - th) + 0.5;
          int inside = x > 0 && x < 1;
          if (r)
            r[i] = g * (x <= 0 ? 0.0 : (x >= 1 ? 1.0 : x));
          if (dr)
            dr[i] = inside ? g * b : 0.0;
        }
      break;
    }
}
