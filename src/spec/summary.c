/* src/spec/summary.c -- the human-readable summary of a spec (`credo check`).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spec/spec.h"
#include "engine/engine.h"

/* ---- summary ----------------------------------------------------------- */

static void
print_bytes (FILE *out, double bytes)
{
  if (bytes < 1024)
    fprintf (out, "%.0f B", bytes);
  else if (bytes < 1024.0 * 1024)
    fprintf (out, "%.1f KiB", bytes / 1024);
  else if (bytes < 1024.0 * 1024 * 1024)
    fprintf (out, "%.1f MiB", bytes / (1024.0 * 1024));
  else
    fprintf (out, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
}

static void
print_init (FILE *out, const credo_spec *spec, const credo_init_spec *in)
{
  switch (in->kind)
    {
    case CREDO_INIT_CONSTANT:
      fprintf (out, "constant %g", in->value);
      break;
    case CREDO_INIT_UNIFORM:
      fprintf (out, "uniform [%g, %g) x %g", in->low, in->high, in->scale);
      break;
    case CREDO_INIT_NORMAL:
      fprintf (out, "normal (mean %g, std %g) x %g", in->mean, in->std,
               in->scale);
      break;
    case CREDO_INIT_FILE:
      fprintf (out, "file %s%s%s", in->path, in->dataset ? ":" : "",
               in->dataset ? in->dataset : "");
      break;
    case CREDO_INIT_TRANSPOSE:
    case CREDO_INIT_COPY:
      fprintf (out, "%s of %s",
               in->kind == CREDO_INIT_COPY ? "copy" : "transpose",
               in->transpose_of >= 0 && (size_t) in->transpose_of
                                            < spec->n_projs
                   ? spec->projs[in->transpose_of].name : "?");
      break;
    }
}

/* One value, or the range of per-unit values. */
static void
print_values (FILE *out, const double *v, size_t n)
{
  double lo = v[0], hi = v[0];
  for (size_t i = 1; i < n; i++)
    {
      lo = v[i] < lo ? v[i] : lo;
      hi = v[i] > hi ? v[i] : hi;
    }
  if (lo == hi)
    fprintf (out, "%g", lo);
  else
    fprintf (out, "%g..%g per unit", lo, hi);
}

/* Samples of a record entry (grid times start + k every <= stop, as the
 * recorder takes them); 0 for "every step". */
static double
record_samples (const credo_rec_spec *r)
{
  if (r->every <= 0)
    return 0;
  return floor ((r->stop - r->start) / r->every + 1e-9) + 1;
}

/* The learning section: the layer chain, the test set, the evaluations. */
static void
print_learning (FILE *out, const credo_spec *spec)
{
  const credo_learning_spec *l = &spec->learning;
  const credo_dfc_spec *d = &l->dfc;
  if (d->batch)
    fprintf (out, "\nlearning    minibatches of %zu from %zu training "
             "samples, %ld epoch%s%s, relaxations of at most %g ms (%s, "
             "rtol %g, atol %g), before the circuit runs\n", d->batch,
             spec->stims[d->train_input].n_rows, d->epochs,
             d->epochs == 1 ? "" : "s",
             d->max_batches > 0 ? " (or max_batches)" : "", d->window,
             d->relax.engine->name, d->relax.rtol, d->relax.atol);
  else
    fprintf (out, "\nlearning    every %g ms in [%g, %g] ms: %llu "
             "evaluations\n", l->every, l->start, l->stop,
             credo__learning_count (l));
  fprintf (out, "  layers    ");
  for (size_t k = 0; k < l->n_layers; k++)
    {
      fprintf (out, "%s%s", k ? " -> " : "", spec->pops[l->layers[k]].name);
      if (k > 0)
        fprintf (out, " (%s)", spec->projs[l->fwd[k]].name);
    }
  fputc ('\n', out);
  if (l->n_test)
    fprintf (out, "  test set  %zu samples from %s, compared port %s.%s%s\n",
             l->n_test, l->test_source,
             spec->pops[l->layers[l->n_layers - 1]].name,
             spec->pops[l->layers[l->n_layers - 1]].model->outputs[l->out_port].name,
             l->classify ? ", with accuracy" : "");
}

/* The weights section: projections, snapshot count, estimated size. */
static void
print_weights (FILE *out, const credo_spec *spec)
{
  const credo_weights_spec *w = &spec->weights;
  double snaps = (double) credo__weights_count (w), total = 0;
  size_t es = w->float32 ? 4 : 8;

  fprintf (out, "\nweights (%zu projection%s)\n", w->n, w->n == 1 ? "" : "s");
  for (size_t i = 0; i < w->n; i++)
    {
      const credo_proj_spec *pj = &spec->projs[w->projs[i]];
      size_t rows = spec->pops[pj->post].size;
      size_t cols = pj->conn == CREDO_CONN_ONE_TO_ONE
                        ? 1 : spec->pops[pj->pre].size;
      double bytes = snaps * ((double) rows * (double) cols * (double) es + 8);
      fprintf (out, "  %-32s %zu x %zu, %s, ~", pj->name, rows, cols,
               pj->plast.rule ? pj->plast.rule->name : "static");
      print_bytes (out, bytes);
      fputc ('\n', out);
      total += bytes;
    }
  fprintf (out, "  every %g ms in [%g, %g] ms: %.0f snapshots, %s, "
           "estimated ", w->every, w->start, w->stop, snaps,
           w->float32 ? "float32" : "float64");
  print_bytes (out, total);
  fputc ('\n', out);
}

/* The populations with their non-default parameters; returns the state
 * size. */
static size_t
print_pops (FILE *out, const credo_spec *spec)
{
  size_t n_state = 0, n_units = 0;
  fprintf (out, "\npopulations (%zu)\n", spec->n_pops);
  for (size_t i = 0; i < spec->n_pops; i++)
    {
      const credo_pop_spec *ps = &spec->pops[i];
      const credo_model_type *m = ps->model;
      int first = 1;
      fprintf (out, "  %-12s %-10s %6zu units, %zu state var%s", ps->name,
               m->name, ps->size, m->n_var, m->n_var == 1 ? "" : "s");
      for (size_t k = 0; k < m->n_param; k++)
        {
          const credo_param_desc *d = &m->params[k];
          if (ps->params[k] == d->def)
            continue;
          fprintf (out, "%s%s=", first ? "; " : ", ", d->name);
          if (d->choices)
            fprintf (out, "%s", d->choices[(int) ps->params[k]]);
          else
            fprintf (out, "%g", ps->params[k]);
          first = 0;
        }
      fputc ('\n', out);
      n_state += ps->size * m->n_var;
      n_units += ps->size;
    }
  fprintf (out, "  units %zu, state size %zu\n", n_units, n_state);
  return n_state;
}

static int
any_random (const credo_spec *spec)
{
  for (size_t i = 0; i < spec->n_projs; i++)
    if (spec->projs[i].conn == CREDO_CONN_RANDOM)
      return 1;
  return 0;
}

/* The projections: route, shape, gain, init, plasticity, delay; the
 * weight count (expected, for random connectivity). */
static void
print_projs (FILE *out, const credo_spec *spec)
{
  size_t n_w = 0;
  fprintf (out, "\nprojections (%zu)\n", spec->n_projs);
  for (size_t i = 0; i < spec->n_projs; i++)
    {
      const credo_proj_spec *pj = &spec->projs[i];
      const credo_pop_spec *pre = &spec->pops[pj->pre];
      const credo_pop_spec *post = &spec->pops[pj->post];
      char route[600];
      snprintf (route, sizeof route, "%s.%s->%s.%s", pre->name,
                pre->model->outputs[pj->pre_port].name, post->name,
                post->model->inputs[pj->post_port].name);
      if (strcmp (route, pj->name) == 0)
        fprintf (out, "  %-32s", route);
      else
        fprintf (out, "  %-12s %-19s", pj->name, route);
      if (pj->conn == CREDO_CONN_ONE_TO_ONE)
        fprintf (out, "  one-to-one %zu, gain %g, init ", post->size,
                 pj->gain);
      else if (pj->conn == CREDO_CONN_RANDOM)
        fprintf (out, "  %zu x %zu random p %g, gain %g, init ", post->size,
                 pre->size, pj->prob, pj->gain);
      else
        fprintf (out, "  %zu x %zu, gain %g, init ", post->size,
                 pre->size, pj->gain);
      print_init (out, spec, &pj->init);
      if (pj->plast.rule)
        {
          fprintf (out, ", plastic: %s, eta %g", pj->plast.rule->name,
                   pj->plast.eta);
          if (pj->plast.tau_w > 0)
            fprintf (out, ", tau_w %g ms", pj->plast.tau_w);
          if (pj->plast.decay > 0)
            fprintf (out, ", decay %g", pj->plast.decay);
        }
      if (pj->delay > 0)
        fprintf (out, ", delay %g ms", pj->delay);
      fputc ('\n', out);
      n_w += pj->conn == CREDO_CONN_ONE_TO_ONE ? post->size
             : pj->conn == CREDO_CONN_RANDOM
                 ? (size_t) (pj->prob * (double) post->size * (double) pre->size)
                 : post->size * pre->size;
    }
  fprintf (out, "  weights %s%zu (", any_random (spec) ? "~" : "", n_w);
  print_bytes (out, 8.0 * (double) n_w);
  fprintf (out, ")\n");
}

/* One stimulus: its port, kind and values, and its window. */
static void
print_stim (FILE *out, const credo_spec *spec, const credo_stim_spec *s)
{
  const credo_pop_spec *ps = &spec->pops[s->pop];
  fprintf (out, "  %s.%s  ", ps->name, ps->model->inputs[s->port].name);
  switch (s->kind)
    {
    case CREDO_STIM_CONSTANT:
      fprintf (out, "constant ");
      print_values (out, s->value, s->n);
      break;
    case CREDO_STIM_SINE:
      fprintf (out, "sine amplitude ");
      print_values (out, s->amplitude, s->n);
      fprintf (out, ", period %g ms, phase %g, offset ", s->period,
               s->phase);
      print_values (out, s->offset, s->n);
      break;
    case CREDO_STIM_TABLE:
      fprintf (out, "%s %zu rows, %s, t %g..%g ms",
               s->source ? "table" : "steps", s->n_rows,
               s->interpolate ? "linear" : "previous", s->times[0],
               s->times[s->n_rows - 1]);
      if (s->source)
        fprintf (out, ", from %s", s->source);
      break;
    case CREDO_STIM_DATASET:
      fprintf (out, "dataset %s%s%s: %zu samples x %zu, t_pres %g "
               "ms, epoch %g ms, %s", s->source,
               s->ds_name ? ":" : "", s->ds_name ? s->ds_name : "",
               s->n_rows, s->n, s->t_pres,
               (double) s->n_rows * s->t_pres,
               s->repeat ? "repeated" : "once, then 0");
      if (s->n_rows != s->file_rows)
        fprintf (out, ", rows [%zu, %zu) of %zu", s->row_first,
                 s->row_first + s->n_rows, s->file_rows);
      break;
    }
  fprintf (out, ", active [%g, %g) ms\n", s->start, s->stop);
}

/* The record section: each entry with its samples and estimated size. */
static void
print_records (FILE *out, const credo_spec *spec)
{
  static const char *const kinds[] = { "variable", "output", "input",
                                       "spike times" };
  double total = 0;
  int unknown = 0;
  fprintf (out, "\nrecord (%zu)\n", spec->n_recs);
  for (size_t i = 0; i < spec->n_recs; i++)
    {
      const credo_rec_spec *r = &spec->recs[i];
      double samples = record_samples (r);
      size_t es = r->float32 ? 4 : 8;
      fprintf (out, "  %s.%s (%s) %zu unit%s, [%g, %g] ms, ",
               spec->pops[r->pop].name, r->var_name, kinds[r->kind],
               r->n_units, r->n_units == 1 ? "" : "s", r->start, r->stop);
      if (r->kind == CREDO_REC_SPIKES)
        fprintf (out, "/spikes/%s, size depends on the rates",
                 spec->pops[r->pop].name);
      else if (samples > 0)
        {
          double bytes = samples * ((double) r->n_units * (double) es + 8);
          fprintf (out, "every %g ms: %.0f samples, %s, ~", r->every,
                   samples, r->float32 ? "float32" : "float64");
          print_bytes (out, bytes);
          total += bytes;
        }
      else
        {
          fprintf (out, "every step, %s, size depends on the solver",
                   r->float32 ? "float32" : "float64");
          unknown = 1;
        }
      fputc ('\n', out);
    }
  fprintf (out, "  estimated output ");
  print_bytes (out, total);
  fprintf (out, "%s\n", unknown ? " plus every-step records" : "");
}

/* The solver: the engine and its step, or CVODE's settings (the linear
 * solver "auto" picks by the state size `n_state`). */
static void
print_solver (FILE *out, const credo_spec *spec, size_t n_state)
{
  static const char *const methods[] = { "bdf", "adams" };
  static const char *const linears[] = { "auto", "dense", "spgmr" };
  const credo_solver_spec *sv = &spec->solver;
  if (sv->engine->caps & CREDO_ENGINE_FIXED_STEP)
    {
      fprintf (out, "\nsolver      engine %s, dt %g ms (fixed step)\n",
               sv->engine->name, sv->dt);
      return;
    }
  fprintf (out, "\nsolver      %s, linear %s", methods[sv->method],
           linears[sv->linear]);
  if (sv->linear == CREDO_LINEAR_AUTO)
    fprintf (out, " (dense up to %zu states: %s here)", sv->dense_max,
             n_state <= sv->dense_max ? "dense" : "spgmr");
  fprintf (out, "\n            rtol %g, atol %g", sv->rtol, sv->atol);
  for (size_t i = 0; i < sv->n_atol_var; i++)
    fprintf (out, ", atol(%s) %g", sv->atol_var_names[i],
             sv->atol_var_values[i]);
  fprintf (out, "\n            max_step %g, init_step %g, max_steps %ld, "
           "krylov_dim %d\n", sv->max_step, sv->init_step, sv->max_steps,
           sv->krylov_dim);
}

void
credo_spec_print_summary (const credo_spec *spec, FILE *out)
{
  size_t n_state;

  if (!spec || !out)
    return;
  fprintf (out, "circuit     %s\n", spec->path ? spec->path : "(string)");
  fprintf (out, "duration    %g ms\n", spec->duration);
  fprintf (out, "seed        %lu\n", spec->seed);
  fprintf (out, "output      %s (flush every %g s, compression %d)\n",
           spec->output_path ? spec->output_path : "(from the command line)",
           spec->flush_seconds, spec->compression);
  n_state = print_pops (out, spec);
  if (spec->n_projs)
    print_projs (out, spec);
  if (spec->n_stims)
    {
      fprintf (out, "\nstimuli (%zu)\n", spec->n_stims);
      for (size_t i = 0; i < spec->n_stims; i++)
        print_stim (out, spec, &spec->stims[i]);
    }
  if (spec->n_recs)
    print_records (out, spec);
  else
    fprintf (out, "\nrecord: nothing\n");
  if (spec->weights.n)
    print_weights (out, spec);
  if (spec->learning.every > 0)
    print_learning (out, spec);
  print_solver (out, spec, n_state);
}
