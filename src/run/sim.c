/* src/run/sim.c -- the run driver: protocol segments, sampling, output, and
 * the events a front end shows (progress, learning curves); prints nothing.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A run is cut into segments at every stimulus discontinuity.  The engine
 * integrates each segment up to its end exactly and is restarted there, so
 * no step ever crosses a jump of the right-hand side.  Samples are taken by
 * the engine's dense output on the recorder's grid, never by shortening
 * steps.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "learn/learn.h"
#include "record/record.h"
#include "run/record_net.h"

/* a training's engine, for one system */
#define TRAIN_ENGINES 64
typedef struct
{
  const credo_engine_type *type;
  void *engine;
  const credo_system *sys;
  size_t n;
} train_engine;

struct credo_sim
{
  credo_ctx *ctx;
  const credo_spec *spec;
  credo_net *net;
  credo_system sys;  /* the network as the engine sees it */
  const credo_engine_type *engine_type;
  void *engine;
  double *y0;
  char *out_path;
  char *cmdline;
  credo_recorder *rec;
  const credo_protocol_type *proto; /* the learning protocol, or NULL */
  void *learn;                       /* its state */
  double *lrow;
  credo_solver_stats stats;
  credo_run_events ev;   /* what the front end is told; members may be NULL */
  double wall0;          /* wall clock at the start of the run */
  unsigned long long n_samples; /* grid sample times so far */
  /* minibatch training (credo_protocol_type.train): an engine per system
   * (the pieces of a minibatch relax on threads of their own, each its
   * own system), kept while the system's size and engine stay the same */
  train_engine tr[TRAIN_ENGINES];
  size_t n_tr;
  pthread_mutex_t tr_lock;
  credo_solver_stats tr_stats;
};

static void train_engines_free (credo_sim *sim);

credo_sim *
credo_sim_new (credo_ctx *ctx, const credo_spec *spec, const char *out_path)
{
  credo_sim *sim = credo__calloc (1, sizeof *sim);
  if (!sim)
    {
      credo__error (ctx, CREDO_ENOMEM, "out of memory");
      return NULL;
    }
  sim->ctx = ctx;
  pthread_mutex_init (&sim->tr_lock, NULL);
  sim->spec = spec;
  sim->engine_type = spec->solver.engine;
  /* a destination that cannot be written fails now, not after the run */
  if ((out_path && credo__check_output_path (ctx, out_path))
      || !(sim->net = credo__net_build (ctx, spec)))
    goto fail;
  sim->y0 = credo__calloc (sim->net->n_state, sizeof (double));
  if (!sim->y0 || (out_path && !(sim->out_path = credo__strdup (out_path))))
    {
      credo__error (ctx, CREDO_ENOMEM, "out of memory");
      goto fail;
    }
  credo__net_init_state (sim->net, sim->y0);
  if (spec->learning.every > 0)
    {
      const char *const *names, *const *docs;
      sim->proto = spec->learning.protocol
                       ? credo__protocol_find (spec->learning.protocol)
                       : credo__protocol_default ();
      if (!sim->proto)
        {
          credo__error (ctx, CREDO_ECONFIG, "unknown learning protocol '%s'",
                        spec->learning.protocol);
          goto fail;
        }
      if (!(sim->learn = sim->proto->alloc (ctx, spec))
          || (sim->proto->bind && sim->proto->bind (sim->learn, sim->net)))
        goto fail;
      if (!(sim->lrow = credo__calloc (
                sim->proto->columns (sim->learn, &names, &docs) + 1,
                sizeof *sim->lrow)))
        {
          credo__error (ctx, CREDO_ENOMEM, "out of memory");
          goto fail;
        }
    }
  credo__net_system (sim->net, &sim->sys);
  sim->engine = sim->engine_type->alloc (&sim->sys, &spec->solver, 0.0,
                                         sim->y0);
  if (!sim->engine)
    goto fail;
  credo__log (ctx, CREDO_LOG_INFO,
              "%zu populations, %zu state variables, engine %s, linear solver %s",
              sim->net->n_pops, sim->net->n_state, sim->engine_type->name,
              sim->engine_type->linear_solver (sim->engine));
  return sim;
fail:
  credo_sim_free (sim);
  return NULL;
}

void
credo_sim_set_command_line (credo_sim *sim, const char *cmdline)
{
  free (sim->cmdline);
  sim->cmdline = credo__strdup (cmdline);
}

void
credo_sim_set_events (credo_sim *sim, const credo_run_events *ev)
{
  if (ev)
    sim->ev = *ev;
  else
    memset (&sim->ev, 0, sizeof sim->ev);
}

void
credo_sim_free (credo_sim *sim)
{
  if (!sim)
    return;
  if (sim->engine)
    sim->engine_type->free (sim->engine);
  train_engines_free (sim);
  pthread_mutex_destroy (&sim->tr_lock);
  if (sim->learn)
    sim->proto->free (sim->learn);
  free (sim->lrow);
  credo__net_free (sim->net);
  free (sim->y0);
  free (sim->out_path);
  free (sim->cmdline);
  free (sim);
}

/* ---- observer: recorder, learning curves, events ---------------------- */

static double
obs_next_time (void *ud)
{
  credo_sim *sim = ud;
  double t = sim->rec ? credo__rec_next_time (sim->rec) : INFINITY;
  double tl = sim->learn ? sim->proto->next_time (sim->learn) : INFINITY;
  return tl < t ? tl : t;
}

/* A /learning/ row at x: to the front end, then the protocol's matrices
 * and the row to the file. */
static int
learning_row (credo_sim *sim, double x, const double *row)
{
  const char *const *names, *const *docs, *const *paths;
  const size_t *rows, *cols;
  size_t n = sim->proto->columns (sim->learn, &names, &docs);
  size_t nm = sim->proto->matrices
                  ? sim->proto->matrices (sim->learn, &paths, &rows, &cols)
                  : 0;
  int rc = 0;
  if (sim->ev.learning_row)
    sim->ev.learning_row (sim->ev.ud, x, n, row);
  for (size_t i = 0; sim->rec && rc == 0 && i < nm; i++)
    rc = credo__rec_learning_matrix (sim->rec, i,
                                     sim->proto->matrix (sim->learn, i));
  if (!sim->rec || rc || (rc = credo__rec_learning_row (sim->rec, x, row)))
    return rc;
  /* minibatch training writes rows without steps: flush here too */
  return credo__rec_tick (sim->rec);
}

static int
obs_sample (void *ud, double t, const double *y)
{
  credo_sim *sim = ud;
  double piece_t = sim->net->piece_t;
  int rc;
  /* recorded inputs follow the stimuli as defined, right-continuous: a
   * sample at a switch time shows the new piece (the state is continuous) */
  sim->net->piece_t = NAN;
  sim->n_samples++;
  rc = sim->rec ? credo__rec_sample (sim->rec, t, y, 0) : 0;
  sim->net->piece_t = piece_t;
  if (rc == 0 && sim->learn && sim->proto->next_time (sim->learn) <= t)
    {
      if ((rc = sim->proto->sample (sim->learn, t, y, sim->lrow)) < 0)
        return rc;
      rc = learning_row (sim, t, sim->lrow);
    }
  return rc;
}

/* Tells the front end where the run is (see credo_run_events.progress). */
static void
progress (credo_sim *sim, double t, int final)
{
  if (sim->ev.progress)
    sim->ev.progress (sim->ev.ud, t, sim->spec->duration, sim->n_samples,
                      credo__wall_seconds () - sim->wall0, final);
}

static int
obs_step (void *ud, double t, const double *y)
{
  credo_sim *sim = ud;
  int rc;
  progress (sim, t, 0);
  if ((rc = credo__net_guard (sim->net, t, y)))
    return rc;
  if (sim->rec && (rc = credo__rec_tick (sim->rec)))
    return rc;
  if (sim->rec && credo__rec_wants_steps (sim->rec))
    return credo__rec_sample (sim->rec, t, y, 1);
  return 0;
}

static int
obs_spikes (void *ud, size_t pop, size_t n, const uint32_t *ids,
            const double *t)
{
  credo_sim *sim = ud;
  return sim->rec ? credo__rec_spikes (sim->rec, (int) pop, n, ids, t) : 0;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Sorted, unique segment ends in (0, duration), then duration: stimulus
 * discontinuities, learning-window edges and protocol phase edges. */
static int
segment_ends (credo_sim *sim, double **out, size_t *n_out)
{
  double *t = NULL, T = sim->spec->duration;
  size_t n = 0, cap = 0, m = 0;
  int rc = 0;
  double *t2;
  /* stimulus switches, learning-window edges, the protocol's phase edges */
  for (size_t s = 0; rc == 0 && s < sim->spec->n_stims; s++)
    rc = credo__stim_breaks (&sim->spec->stims[s], 0.0, T, &t, &n, &cap);
  if (rc == 0)
    rc = credo__plast_breaks (sim->spec, 0.0, T, &t, &n, &cap);
  if (rc == 0 && sim->learn && sim->proto->breaks)
    rc = sim->proto->breaks (sim->learn, 0.0, T, &t, &n, &cap);
  if (rc || !(t2 = realloc (t, (n + 1) * sizeof *t)))
    {
      free (t);
      return credo__error (sim->ctx, CREDO_ENOMEM, "out of memory");
    }
  t = t2;
  t[n++] = T;
  qsort (t, n, sizeof *t, cmp_double);
  for (size_t i = 0; i < n; i++)
    if (t[i] > 0 && t[i] <= T && (m == 0 || t[i] > t[m - 1]))
      t[m++] = t[i];
  *out = t;
  *n_out = m;
  return 0;
}

/* The protocol's turn at t (0 or a segment end), then the engine goes on
 * from the state it leaves (`restart`: a segment follows; the engine is
 * restarted there anyway, and after the last only if the state changed,
 * so that the final state holds the last update). */
static int
protocol_act (credo_sim *sim, double t, int restart)
{
  const credo_engine_type *E = sim->engine_type;
  int changed = 0;
  if (sim->learn && sim->proto->act)
    {
      /* y0 is free after the start: it holds the state the engine resumes */
      if (t > 0)
        memcpy (sim->y0, E->state (sim->engine, NULL),
                sim->net->n_state * sizeof *sim->y0);
      if ((changed = sim->proto->act (sim->learn, t, sim->y0)) < 0)
        return changed;
      if (changed)
        return E->reset (sim->engine, t, sim->y0);
    }
  if (restart && t > 0)
    return E->reset (sim->engine, t, E->state (sim->engine, NULL));
  return 0;
}

/* ---- minibatch training: what the driver lends the protocol ---------- */


/* Every engine's statistics into the run's, every engine freed. */
static void
train_engines_free (credo_sim *sim)
{
  credo_solver_stats st;
  for (size_t i = 0; i < sim->n_tr; i++)
    {
      sim->tr[i].type->stats (sim->tr[i].engine, &st);
      credo__solver_stats_add (&sim->tr_stats, &st);
      sim->tr[i].type->free (sim->tr[i].engine);
    }
  sim->n_tr = 0;
}

/* The engine of a relaxation: restarted when the system was relaxed
 * before (same size and engine), else built anew.  Called from several
 * threads at once, each with a system of its own. */
static int
train_relax (void *ud, const credo_system *sys, const credo_solver_spec *s,
             double t_max, const credo_observer *obs, double *z, double *t)
{
  credo_sim *sim = ud;
  const credo_engine_type *E = s->engine;
  credo_solver_stats st;
  train_engine *te = NULL;
  int rc = 0;
  pthread_mutex_lock (&sim->tr_lock);
  for (size_t i = 0; i < sim->n_tr && !te; i++)
    if (sim->tr[i].sys == sys)
      te = &sim->tr[i];
  if (!te && sim->n_tr < TRAIN_ENGINES)
    te = &sim->tr[sim->n_tr++], te->engine = NULL, te->sys = sys;
  if (te && te->engine && (E != te->type || sys->n != te->n))
    {
      te->type->stats (te->engine, &st);
      credo__solver_stats_add (&sim->tr_stats, &st);
      te->type->free (te->engine);
      te->engine = NULL;
    }
  pthread_mutex_unlock (&sim->tr_lock);
  if (!te)
    return credo__error (sim->ctx, CREDO_EINVAL, "more than %d systems in "
                         "one training", TRAIN_ENGINES);
  if (te->engine)
    rc = E->reset (te->engine, 0.0, z);
  else if (!(te->engine = E->alloc (sys, s, 0.0, z)))
    rc = credo_errcode (sim->ctx) ? credo_errcode (sim->ctx) : CREDO_ESOLVER;
  if (rc)
    return rc;
  te->type = E, te->n = sys->n;
  rc = E->advance (te->engine, t_max, obs);
  if (rc == 0 || rc == CREDO_OBSERVER_DONE)
    memcpy (z, E->state (te->engine, t), sys->n * sizeof *z);
  return rc;
}

static int
train_row (void *ud, double x, const double *row)
{
  return learning_row (ud, x, row);
}

static void
train_progress (void *ud, double done, double total)
{
  credo_sim *sim = ud;
  if (sim->ev.training_progress)
    sim->ev.training_progress (sim->ev.ud, done, total,
                               credo__wall_seconds () - sim->wall0,
                               done >= total);
}

/* Minibatch training before the circuit runs; the trained weights become
 * the circuit's initial state. */
static int
train (credo_sim *sim)
{
  credo_train_env env = { train_relax, train_row, train_progress, sim };
  int rc = sim->proto->train (sim->learn, &env, sim->y0);
  train_engines_free (sim);
  if (rc == 0)
    rc = sim->engine_type->reset (sim->engine, 0.0, sim->y0);
  return rc;
}

int
credo_sim_run (credo_sim *sim)
{
  const credo_engine_type *E = sim->engine_type;
  credo_observer obs = { obs_next_time, obs_sample, obs_step, obs_spikes,
                         sim };
  double *ends = NULL, t_end = 0;
  size_t n_ends = 0;
  int rc;
  if ((rc = segment_ends (sim, &ends, &n_ends)))
    return rc;
  credo__log (sim->ctx, CREDO_LOG_INFO, "%zu segments between discontinuities",
              n_ends);
  if (sim->out_path)
    {
      credo_run_meta meta = { sim->cmdline ? sim->cmdline : "", E->name,
                              E->linear_solver (sim->engine),
                              (E->caps & CREDO_ENGINE_FIXED_STEP)
                                  ? sim->spec->solver.dt
                                  : 0 };
      sim->rec = credo__rec_open_net (sim->ctx, sim->out_path, sim->spec,
                                      sim->net, &meta);
      if (!sim->rec)
        {
          free (ends);
          return credo_errcode (sim->ctx);
        }
    }
  if (sim->learn)
    {
      const char *const *names, *const *docs;
      size_t n = sim->proto->columns (sim->learn, &names, &docs);
      double mpe = sim->proto->mean_predictor_error (sim->learn);
      const char *axis = sim->proto->axis ? sim->proto->axis (sim->learn)
                                          : NULL;
      if (axis && sim->ev.learning_axis)
        sim->ev.learning_axis (sim->ev.ud, axis);
      if (sim->rec)
        rc = credo__rec_learning_open (sim->rec, n, names, docs, mpe, axis);
      if (rc == 0 && sim->rec && sim->proto->matrices)
        {
          const char *const *paths;
          const size_t *rows, *cols;
          size_t nm = sim->proto->matrices (sim->learn, &paths, &rows, &cols);
          rc = credo__rec_learning_matrices (sim->rec, nm, paths, rows, cols);
        }
      if (rc == 0 && sim->ev.learning_header)
        sim->ev.learning_header (sim->ev.ud, n, names, mpe);
    }
  sim->wall0 = credo__wall_seconds ();
  if (rc == 0 && sim->learn && sim->proto->axis
      && sim->proto->axis (sim->learn) && sim->proto->train)
    rc = train (sim);
  if (rc == 0)
    rc = protocol_act (sim, 0.0, 1);
  if (rc == 0 && obs_next_time (sim) <= 0.0)
    rc = obs_sample (sim, 0.0, sim->y0);
  for (size_t k = 0; rc == 0 && k < n_ends; k++)
    {
      /* pieces are chosen inside the segment: see credo_net.piece_t */
      sim->net->piece_t = 0.5 * ((k ? ends[k - 1] : 0.0) + ends[k]);
      rc = E->advance (sim->engine, ends[k], &obs);
      if (rc == 0)
        rc = protocol_act (sim, ends[k], k + 1 < n_ends);
    }
  E->state (sim->engine, &t_end);
  progress (sim, t_end, 1);
  if (sim->learn && sim->proto->failures
      && sim->proto->failures (sim->learn))
    credo__log (sim->ctx, CREDO_LOG_WARN,
                "learning: the steady state of %lu test evaluations was not "
                "found (Newton did not converge); their rows hold NaN",
                sim->proto->failures (sim->learn));
  E->stats (sim->engine, &sim->stats);
  credo__solver_stats_add (&sim->stats, &sim->tr_stats);
  sim->stats.wall_seconds = credo__wall_seconds () - sim->wall0;
  free (ends);
  if (sim->rec)
    {
      char status[4200];
      int rc2;
      if (rc)
        snprintf (status, sizeof status, "failed: %s", credo_errmsg (sim->ctx));
      /* keep the first error's message: closing reports only its own */
      {
        char saved[sizeof sim->ctx->msg];
        memcpy (saved, sim->ctx->msg, sizeof saved);
        rc2 = credo__rec_close (sim->rec, &sim->stats, t_end, rc ? status : NULL);
        /* ... unless closing's message says more about it (the file left
         * in place after the write failure that stopped the run) */
        if (rc && !(rc2 && strstr (sim->ctx->msg, saved)))
          memcpy (sim->ctx->msg, saved, sizeof saved);
      }
      sim->rec = NULL;
      if (!rc)
        rc = rc2;
    }
  return rc;
}

/* ---- inspection ------------------------------------------------------- */

size_t
credo_sim_state_size (const credo_sim *sim)
{
  return sim->net->n_state;
}

const double *
credo_sim_state (const credo_sim *sim)
{
  return sim->engine_type->state (sim->engine, NULL);
}

int
credo_sim_get (credo_sim *sim, const char *what, double *out, size_t size)
{
  int p, index;
  credo_rec_kind kind;
  double t;
  const double *y = sim->engine_type->state (sim->engine, &t);
  const credo_pop *pop;
  if (credo__net_lookup (sim->net, what, &p, &kind, &index))
    return credo__error (sim->ctx, CREDO_EINVAL, "unknown variable '%s'", what);
  pop = &sim->net->pops[p];
  if (size != pop->n)
    return credo__error (sim->ctx, CREDO_EINVAL,
                         "'%s' has %zu values, buffer has %zu", what, pop->n,
                         size);
  if (kind == CREDO_REC_VAR)
    memcpy (out, y + pop->offset + (size_t) index * pop->n,
            pop->n * sizeof *out);
  else
    {
      credo__net_eval (sim->net, t, y);
      memcpy (out, kind == CREDO_REC_OUTPUT ? pop->out[index] : pop->in[index],
              pop->n * sizeof *out);
    }
  return 0;
}

void
credo_sim_stats (const credo_sim *sim, credo_solver_stats *out)
{
  if (sim->stats.steps || sim->stats.wall_seconds > 0)
    *out = sim->stats;
  else
    sim->engine_type->stats (sim->engine, out);
}

const char *
credo_sim_linear_solver (const credo_sim *sim)
{
  return sim->engine_type->linear_solver (sim->engine);
}
