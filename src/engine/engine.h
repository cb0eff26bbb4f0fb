/* src/engine/engine.h -- engines: the versioned ops table every integrator
 * fills, its capability flags, the observer it reports samples to, and the
 * registry.  Never installed.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * An engine advances a system of ODEs (net/system.h) through one segment
 * between discontinuities at a time; it sees the system and the solver
 * settings, never the network, the spec's circuit or the recorder.  Adding
 * an engine: one file here defining a credo_engine_type, one line in
 * engine/registry.c.  `solver.engine` in a circuit file names it.
 * May include: net/system.h, spec/spec.h (solver settings), base/.
 */
#ifndef CREDO_ENGINE_H
#define CREDO_ENGINE_H

#include "net/system.h"
#include "spec/spec.h" /* credo_solver_spec */

#define CREDO_ENGINE_VERSION 1

/* What an engine can do (credo_engine_type.caps). */
enum
{
  CREDO_ENGINE_NOISE = 1,      /* integrates dy = f dt + sigma dW */
  CREDO_ENGINE_ROOTS = 2,      /* locates the system's roots (events) */
  CREDO_ENGINE_BATCH = 4,      /* integrates a batched system */
  CREDO_ENGINE_FIXED_STEP = 8, /* steps by solver.dt (else: adaptive, by
                                  solver.rtol and atol) */
};


typedef struct credo_engine_type
{
  int version;      /* CREDO_ENGINE_VERSION; later slots are appended */
  const char *name; /* as in solver.engine */
  const char *doc;  /* one line for `credo check` and the docs */
  unsigned caps;    /* CREDO_ENGINE_* */
  /* An engine for `sys` (borrowed: it must outlive the engine) starting at
   * (t0, y0); NULL with the error in sys->ctx. */
  void *(*alloc) (const credo_system *sys, const credo_solver_spec *s,
                  double t0, const double *y0);
  /* Restart at (t, y) after a discontinuity. */
  int (*reset) (void *e, double t, const double *y);
  /* Integrate to exactly t_stop without evaluating the RHS past it,
   * sampling on the way (or to the step where the observer says
   * CREDO_OBSERVER_DONE).  0, CREDO_OBSERVER_DONE or a CREDO_E* code. */
  int (*advance) (void *e, double t_stop, const credo_observer *obs);
  /* The current state (at the last reached time). */
  const double *(*state) (void *e, double *t);
  void (*stats) (void *e, credo_solver_stats *st);
  /* "dense", "spgmr", "fixedpoint", "none" or, for engines without a
   * linear solver, a word saying so. */
  const char *(*linear_solver) (void *e);
  void (*free) (void *e);
} credo_engine_type;

/* ---- the registry (engine/registry.c) ------------------------------------ */

/* The engine called `name`, or NULL. */
const credo_engine_type *credo__engine_find (const char *name);
/* Every engine, NULL-terminated, in the order `credo check` lists them. */
const credo_engine_type *const *credo__engine_list (void);
/* The default engine (cvode). */
const credo_engine_type *credo__engine_default (void);

/* Replaces the arithmetic ops of a serial N_Vector with compiled kernels
 * (nvector_fast.c); declared through the struct tag to keep SUNDIALS'
 * headers out of this one. */
struct _generic_N_Vector;
void credo__nvector_fast (struct _generic_N_Vector *v);
/* Error norms per sample of a batched system: while set to P > 0 (on
 * this thread), the weighted RMS norms of vectors whose length is a
 * multiple of P are the largest of the norms of their blocks of P (one
 * sample each), so that every sample meets the tolerance on its own,
 * whatever its companions.  Returns the previous value. */
size_t credo__nvector_batch_block (size_t P);

#endif /* CREDO_ENGINE_H */
