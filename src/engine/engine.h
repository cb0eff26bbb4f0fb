/* src/engine/engine.h -- engines: the ops table every integrator
 * fills and the observer it reports samples to.  Never installed
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_ENGINE_H
#define CREDO_ENGINE_H

#include "net/net.h"

/* ---- engines ----------------------------------------------------------- */

/* What an engine reports to while it advances: the driver's samplers. */
typedef struct credo_observer
{
  /* The next time (> the last sampled one) at which a sample is wanted,
   * or INFINITY. */
  double (*next_time) (void *ud);
  /* Sample at time t with state y (interpolated). Nonzero = stop. */
  int (*sample) (void *ud, double t, const double *y);
  /* Called after every internal step (t, y at the step). Nonzero = stop. */
  int (*step) (void *ud, double t, const double *y);
  void *ud;
} credo_observer;

typedef struct credo_engine_type
{
  const char *name;
  void *(*alloc) (credo_net *net, const credo_solver_spec *s, double t0,
                  const double *y0);
  /* Restart at (t, y) after a discontinuity. */
  int (*reset) (void *e, double t, const double *y);
  /* Integrate to exactly t_stop without evaluating the RHS past it,
   * sampling on the way. */
  int (*advance) (void *e, double t_stop, const credo_observer *obs);
  /* The current state (at the last reached time). */
  const double *(*state) (void *e, double *t);
  void (*stats) (void *e, credo_solver_stats *st);
  const char *(*linear_solver) (void *e);
  void (*free) (void *e);
} credo_engine_type;

extern const credo_engine_type credo__engine_cvode;

/* Replaces the arithmetic ops of a serial N_Vector with compiled kernels
 * (nvector_fast.c); declared through the struct tag to keep SUNDIALS'
 * headers out of this one. */
struct _generic_N_Vector;
void credo__nvector_fast (struct _generic_N_Vector *v);
extern const credo_engine_type credo__engine_euler;


#endif /* CREDO_ENGINE_H */
