/* src/learn/monitor.c -- the "continuous" protocol: learning curves of a
 * circuit that learns all the time (test error, apical error, alignment
 * with reference gradients).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The circuit's own dynamics are the schedule: plasticity runs inside each
 * rule's window, the stimuli teach; this protocol adds no phase.  Every
 * `learning.every` ms the driver hands it the current state and gets back
 * one row of /learning/:
 *
 *   test_error     mean over the test samples of sum_j (out_j - target_j)^2,
 *                  `out` the compared output port at the STEADY STATE of
 *                  the frozen circuit (weights as they are now, the test
 *                  input replacing the input layer's stimulus, no stimulus
 *                  on the output layer, i.e. no teaching, no noise);
 *   test_accuracy  (classify) fraction of samples with argmax out = argmax
 *                  target;
 *   apical_error   RMS of the hidden layers' error compartments now (the
 *                  ports their model's feed-forward descriptor names: the
 *                  apical potential v_A of a pyramidal neuron);
 *   angle_<W>      for each plastic forward projection W: the angle in
 *                  degrees between dW/dt now and the backprop direction of
 *                  the equivalent feed-forward network (learn/chain.c,
 *                  learn/ref_backprop.c; Sacramento et al. 2018, Fig. 2);
 *                  angle_<ref>_<W> likewise for every further reference.
 *                  NaN where a reference is undefined (no target).
 *
 * All of it runs on a second network built from the same spec (the
 * "probe"), so the engine's Jacobian data are never touched: recording
 * learning curves does not change the trajectory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"

typedef struct monitor
{
  credo_ctx *ctx;
  const credo_learning_spec *ls;
  credo_net *net; /* the probe */
  credo_steady *steady;
  credo_ff_chain *chain; /* NULL: no output target, no angles */
  unsigned long long k, planned;
  double next;
  size_t n_cols;
  char **names;
  const char **docs;
  int col_test, col_acc, col_apical;
  int *angle_col;        /* [n_refs * n_layers]: column or -1 */
  size_t n_refs;
  const credo_reference_type **refs;
  double **dir;          /* [n_layers]: one direction block per layer */
  double *work;
  double mean_predictor_error;
  double *y, *f;         /* a full state and its derivative */
  unsigned long failures;
} monitor;

static void
mon_free (void *p)
{
  monitor *m = p;
  if (!m)
    return;
  credo__chain_free (m->chain);
  credo__steady_free (m->steady);
  credo__net_free (m->net);
  if (m->names)
    for (size_t i = 0; i < m->n_cols; i++)
      free (m->names[i]);
  free (m->names);
  free (m->docs);
  free (m->angle_col);
  free (m->refs);
  if (m->dir)
    for (size_t k = 0; k < m->ls->n_layers; k++)
      free (m->dir[k]);
  free (m->dir);
  free (m->work);
  free (m->y);
  free (m->f);
  free (m);
}

static int
add_col (monitor *m, const char *name, const char *doc)
{
  if (!(m->names[m->n_cols] = credo__strdup (name)))
    return -1;
  m->docs[m->n_cols] = doc;
  return (int) m->n_cols++;
}

/* The port indices of a hidden layer's error compartment into idx[]
 * (-1 terminated); how many. */
static size_t
error_ports (const credo_pop *pop, int *idx, size_t max)
{
  const credo_ff_desc *ff = pop->model->ff;
  size_t n = 0;
  for (size_t i = 0; ff && ff->error && ff->error[i] && n + 1 < max; i++)
    {
      int q = credo_model_input_index (pop->model, ff->error[i]);
      if (q >= 0)
        idx[n++] = q;
    }
  idx[n] = -1;
  return n;
}

/* The reference columns: backprop's keep the name angle_<W>. */
static int
add_angle_cols (monitor *m)
{
  const credo_learning_spec *ls = m->ls;
  size_t N = ls->n_layers;
  static const char doc[] = "angle (degrees) between dW/dt and the "
                            "backprop direction of the equivalent "
                            "feed-forward network; NaN without a target";
  static const char doc_other[] = "angle (degrees) between dW/dt and a "
                                  "reference direction (see /learning "
                                  "attributes); NaN where undefined";
  for (size_t r = 0; r < m->n_refs; r++)
    for (size_t k = 1; k < N; k++)
      {
        const credo_proj *pr = &m->net->projs[ls->fwd[k]];
        char name[300];
        int first = r == 0 && strcmp (m->refs[r]->name, "backprop") == 0;
        m->angle_col[r * N + k] = -1;
        if (!pr->plastic)
          continue;
        if (first)
          snprintf (name, sizeof name, "angle_%s", pr->spec->name);
        else
          snprintf (name, sizeof name, "angle_%s_%s", m->refs[r]->name,
                    pr->spec->name);
        if ((m->angle_col[r * N + k]
             = add_col (m, name, first ? doc : doc_other)) < 0)
          return -1;
      }
  return 0;
}

/* The references named in the spec (default: backprop), their work
 * space and one direction block per forward projection. */
static int
init_refs (monitor *m)
{
  const credo_learning_spec *ls = m->ls;
  size_t N = ls->n_layers, nw = 0;
  m->n_refs = ls->n_references ? ls->n_references : 1;
  if (!(m->refs = credo__calloc (m->n_refs, sizeof *m->refs))
      || !(m->angle_col = credo__calloc (m->n_refs * N, sizeof (int)))
      || !(m->dir = credo__calloc (N, sizeof *m->dir)))
    return CREDO_ENOMEM;
  for (size_t r = 0; r < m->n_refs; r++)
    {
      const char *name = ls->n_references ? ls->references[r] : "backprop";
      if (!(m->refs[r] = credo__reference_find (name)))
        return credo__error (m->ctx, CREDO_ECONFIG, "learning: unknown "
                             "reference '%s'", name);
      if (m->refs[r]->work_size (m->chain) > nw)
        nw = m->refs[r]->work_size (m->chain);
    }
  for (size_t k = 1; k < N; k++)
    {
      const credo_proj *pr = &m->net->projs[ls->fwd[k]];
      if (!(m->dir[k] = credo__calloc (pr->rows * pr->cols, sizeof (double))))
        return CREDO_ENOMEM;
    }
  if (!(m->work = credo__calloc (nw + 1, sizeof *m->work)))
    return CREDO_ENOMEM;
  return 0;
}

/* The error of always predicting the mean target. */
static double
mean_predictor (const credo_learning_spec *ls, size_t no, double *m)
{
  double s = 0;
  memset (m, 0, no * sizeof *m);
  for (size_t i = 0; i < ls->n_test; i++)
    for (size_t j = 0; j < no; j++)
      m[j] += ls->test_targets[i * no + j] / (double) ls->n_test;
  for (size_t i = 0; i < ls->n_test; i++)
    for (size_t j = 0; j < no; j++)
      {
        double d = ls->test_targets[i * no + j] - m[j];
        s += d * d;
      }
  return s / (double) ls->n_test;
}

/* The output layer has a target port: reference gradients apply. */
static int
has_target (const credo_pop *out)
{
  const credo_ff_desc *ff = out->model->ff;
  return ff && ff->target && credo_model_input_index (out->model, ff->target)
                                 >= 0;
}

static void *
mon_alloc (credo_ctx *ctx, const credo_spec *spec)
{
  const credo_learning_spec *ls = &spec->learning;
  size_t N = ls->n_layers, ncol;
  monitor *m = credo__calloc (1, sizeof *m);
  int rc = CREDO_ENOMEM;
  if (!m)
    goto fail;
  m->ctx = ctx;
  m->ls = ls;
  m->col_test = m->col_acc = m->col_apical = -1;
  if (!(m->net = credo__net_build (ctx, spec))
      || !(m->steady = credo__steady_new (m->net)))
    {
      rc = credo_errcode (ctx);
      goto fail;
    }
  ncol = 3 + N * (ls->n_references ? ls->n_references : 1);
  if (!(m->names = credo__calloc (ncol, sizeof *m->names))
      || !(m->docs = credo__calloc (ncol, sizeof *m->docs))
      || !(m->y = credo__calloc (m->net->n_state, sizeof *m->y))
      || !(m->f = credo__calloc (m->net->n_state, sizeof *m->f)))
    goto fail;
  if (ls->n_test
      && (m->col_test = add_col (m, "test_error", "mean over the test set "
                                 "of sum_j (out_j - target_j)^2 at the "
                                 "steady state of the frozen circuit "
                                 "without teaching")) < 0)
    goto fail;
  if (ls->classify
      && (m->col_acc = add_col (m, "test_accuracy", "fraction of test "
                                "samples with argmax out = argmax "
                                "target")) < 0)
    goto fail;
  for (size_t k = 1; k + 1 < N; k++)
    {
      int idx[8];
      if (!error_ports (&m->net->pops[ls->layers[k]], idx, 8))
        continue;
      if ((m->col_apical = add_col (m, "apical_error", "RMS of the hidden "
                                    "layers' apical potentials v_A (mV)"))
          < 0)
        goto fail;
      break;
    }
  if (has_target (&m->net->pops[ls->layers[N - 1]]))
    {
      if (!(m->chain = credo__chain_new (ctx, m->net, N, ls->layers,
                                         ls->fwd)))
        {
          rc = credo_errcode (ctx);
          goto fail;
        }
      if ((rc = init_refs (m)))
        goto fail;
      if (add_angle_cols (m))
        {
          rc = CREDO_ENOMEM;
          goto fail;
        }
    }
  if (ls->n_test)
    {
      size_t no = m->net->pops[ls->layers[N - 1]].n;
      double *scratch = credo__calloc (no, sizeof *scratch);
      if (!scratch)
        goto fail;
      m->mean_predictor_error = mean_predictor (ls, no, scratch);
      free (scratch);
    }
  m->planned = credo__learning_count (ls);
  m->next = m->planned ? credo__learning_time (ls, 0) : INFINITY;
  return m;
fail:
  if (rc == CREDO_ENOMEM)
    credo__error (ctx, CREDO_ENOMEM, "out of memory");
  mon_free (m);
  return NULL;
}

static size_t
mon_columns (const void *p, const char *const **names,
             const char *const **docs)
{
  const monitor *m = p;
  *names = (const char *const *) m->names;
  *docs = m->docs;
  return m->n_cols;
}

static double
mon_mean_predictor_error (const void *p)
{
  const monitor *m = p;
  return m->ls->n_test ? m->mean_predictor_error : NAN;
}

static double
mon_next_time (const void *p)
{
  return ((const monitor *) p)->next;
}

static unsigned long
mon_failures (const void *p)
{
  return ((const monitor *) p)->failures;
}

static size_t
argmax (const double *x, size_t n)
{
  size_t k = 0;
  for (size_t i = 1; i < n; i++)
    if (x[i] > x[k])
      k = i;
  return k;
}

/* test_error (and test_accuracy) into row. */
static void
test_set (monitor *m, double t, const double *y, double *row)
{
  const credo_learning_spec *ls = m->ls;
  credo_net *net = m->net;
  const credo_pop *in = &net->pops[ls->layers[0]];
  const credo_pop *out = &net->pops[ls->layers[ls->n_layers - 1]];
  size_t no = out->n, ok = 0, good = 0;
  double err = 0;
  for (size_t i = 0; i < ls->n_test; i++)
    {
      const double *target = ls->test_targets + i * no, *o;
      credo__net_clamp (net, ls->layers[0], ls->in_port,
                        ls->layers[ls->n_layers - 1],
                        ls->test_inputs + i * in->n);
      memcpy (m->y, y, net->n_state * sizeof *y);
      if (credo__steady_solve (m->steady, t, m->y))
        {
          m->failures++;
          continue;
        }
      o = out->out[ls->out_port];
      for (size_t j = 0; j < no; j++)
        err += (o[j] - target[j]) * (o[j] - target[j]);
      good += argmax (o, no) == argmax (target, no);
      ok++;
    }
  credo__net_clamp (net, -1, -1, -1, NULL);
  if (m->col_test >= 0)
    row[m->col_test] = ok == ls->n_test ? err / (double) ok : NAN;
  if (m->col_acc >= 0)
    row[m->col_acc] = ok == ls->n_test ? (double) good / (double) ok : NAN;
}

/* RMS of the hidden layers' error compartments, from the ports now. */
static double
apical_rms (const monitor *m)
{
  const credo_learning_spec *ls = m->ls;
  double s = 0;
  size_t cnt = 0;
  for (size_t k = 1; k + 1 < ls->n_layers; k++)
    {
      const credo_pop *pop = &m->net->pops[ls->layers[k]];
      int idx[8];
      if (!error_ports (pop, idx, 8))
        continue;
      for (size_t j = 0; j < pop->n; j++)
        {
          double v = pop->in[idx[0]][j];
          for (size_t q = 1; idx[q] >= 0; q++)
            v += pop->in[idx[q]][j];
          s += v * v;
        }
      cnt += pop->n;
    }
  return cnt ? sqrt (s / (double) cnt) : NAN;
}

/* Every reference's angle with dW/dt (in m->f) into row. */
static void
angles (monitor *m, const double *y, double *row)
{
  size_t N = m->ls->n_layers;
  credo__chain_forward (m->chain, y);
  for (size_t r = 0; r < m->n_refs; r++)
    {
      if (m->refs[r]->direction (m->chain, m->dir, m->work))
        continue;
      for (size_t k = 1; k < N; k++)
        {
          const credo_proj *pr = m->chain->L[k].fwd;
          int col = m->angle_col[r * N + k];
          if (col >= 0)
            row[col] = credo__angle_deg (m->f + pr->w_offset, m->dir[k],
                                         pr->rows * pr->cols);
        }
    }
}

static int
mon_sample (void *p, double t, const double *y, double *row)
{
  monitor *m = p;
  /* the circuit just before t: at a sample switch time the new sample's
   * stimulus must not meet the old sample's settled state */
  double te = t > 0 ? nextafter (t, -INFINITY) : t;
  for (size_t i = 0; i < m->n_cols; i++)
    row[i] = NAN;
  if (m->ls->n_test)
    test_set (m, te, y, row);
  credo__net_rhs (m->net, te, y, m->f); /* ports and dW/dt now */
  if (m->col_apical >= 0)
    row[m->col_apical] = apical_rms (m);
  if (m->chain)
    angles (m, y, row);
  m->k++;
  m->next = m->k < m->planned ? credo__learning_time (m->ls, m->k)
                              : INFINITY;
  return 0;
}

const credo_protocol_type credo__protocol_continuous = {
  "continuous",
  "learning all the time, as the circuit's stimuli and rule windows say; "
  "every learning.every ms: test error on the frozen circuit, apical "
  "error, angles to the references",
  mon_alloc,
  mon_free,
  mon_columns,
  mon_mean_predictor_error,
  mon_next_time,
  mon_sample,
  NULL,
  mon_failures,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL, /* follows the circuit: no training of its own */
  NULL,
};
