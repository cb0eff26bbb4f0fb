/* src/net/network.c -- the network: state layout, weights, RHS and Jacobians.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Layout of the one state vector: each population owns a contiguous slice
 * stored variable-major (all units' first variable, then the second...),
 * in the order the populations appear in the spec.  Plastic weights will
 * follow the neuron slices as row-major blocks.
 *
 * Evaluation order at (t, y): stimuli fill the input ports, every model
 * fills its output ports from its own state, then each projection adds
 * W * out_pre into in_post with one dgemv, and finally every model computes
 * its derivatives.  Because models are unit-local, the exact Jacobian is
 *   J = blockdiag(df/dy) + sum_proj  diag(df/din) W diag(dout/dy),
 * which gives an analytic J*v (one dgemv per projection) and a dense J in
 * O(n^2) without difference quotients.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "net/net.h"

/* ---- construction ---------------------------------------------------- */

static double **
alloc_ports (size_t n_ports, size_t n)
{
  double **p = credo__calloc (n_ports ? n_ports : 1, sizeof *p);
  if (!p)
    return NULL;
  for (size_t k = 0; k < n_ports; k++)
    if (!(p[k] = credo__calloc (n, sizeof **p)))
      {
        for (size_t j = 0; j < k; j++)
          free (p[j]);
        free (p);
        return NULL;
      }
  return p;
}

static void
free_ports (double **p, size_t n_ports)
{
  if (!p)
    return;
  for (size_t k = 0; k < n_ports; k++)
    free (p[k]);
  free (p);
}

static int
pop_init (credo_pop *pop, const credo_pop_spec *ps, size_t offset)
{
  const credo_model_type *m = ps->model;
  size_t n = ps->size;
  pop->spec = ps;
  pop->model = m;
  pop->n = n;
  pop->offset = offset;
  pop->in = alloc_ports (m->n_in, n);
  pop->out = alloc_ports (m->n_out, n);
  pop->din = alloc_ports (m->n_in, n);
  pop->dout = alloc_ports (m->n_out, n);
  pop->jac.dfdy = credo__calloc (m->n_var * m->n_var * n, sizeof (double));
  pop->jac.dfdin = credo__calloc (m->n_var * m->n_in * n, sizeof (double));
  pop->jac.dody = credo__calloc (m->n_out * m->n_var * n, sizeof (double));
  pop->jac.dodin = credo__calloc (m->n_out * m->n_in * n, sizeof (double));
  pop->view.n = n;
  pop->view.p = ps->params;
  pop->view.in = (const double *const *) pop->in;
  return (pop->in && pop->out && pop->din && pop->dout && pop->jac.dfdy
          && pop->jac.dfdin && pop->jac.dody && pop->jac.dodin)
             ? 0
             : -1;
}

static void
pop_free (credo_pop *pop)
{
  const credo_model_type *m = pop->model;
  if (!m)
    return;
  free_ports (pop->in, m->n_in);
  free_ports (pop->out, m->n_out);
  free_ports (pop->din, m->n_in);
  free_ports (pop->dout, m->n_out);
  free (pop->jac.dfdy);
  free (pop->jac.dfdin);
  free (pop->jac.dody);
  free (pop->jac.dodin);
}

/* Fills proj->w from its initialiser.  Random initialisers draw from `rng`
 * row by row, in projection order, so a seed fixes every weight. */
static int
proj_init_weights (credo_net *net, credo_proj *pr, gsl_rng *rng)
{
  const credo_proj_spec *ps = pr->spec;
  const credo_init_spec *in = &ps->init;
  size_t nw = pr->rows * pr->cols, k;
  double *w = pr->w;
  char loc[512];
  switch (in->kind)
    {
    case CREDO_INIT_CONSTANT:
    case CREDO_INIT_UNIFORM:
    case CREDO_INIT_NORMAL:
      credo__net_draw_weights (in, rng, nw, w);
      break;
    case CREDO_INIT_FILE:
      {
        double *data = NULL;
        size_t r = 0, c = 0;
        int rc = credo__read_matrix (net->ctx, in->path, in->dataset, &data,
                                     &r, &c);
        if (rc && rc != CREDO_ENOMEM)
          {
            /* the file's own message after the config line naming it */
            char msg[sizeof net->ctx->msg];
            snprintf (msg, sizeof msg, "%s", credo_errmsg (net->ctx));
            return credo__error (net->ctx, rc, "%s: %s",
                                 credo__loc_str (&ps->loc, loc, sizeof loc),
                                 msg);
          }
        if (rc)
          return rc;
        if (r != pr->rows || c != pr->cols)
          {
            free (data);
            return credo__error (
                net->ctx, CREDO_ECONFIG,
                "%s: weight file '%s' has shape %zu x %zu, projection '%s' "
                "needs %zu x %zu (post x pre)",
                credo__loc_str (&ps->loc, loc, sizeof loc), in->path, r, c, ps->name, pr->rows,
                pr->cols);
          }
        memcpy (w, data, nw * sizeof *w);
        free (data);
        break;
      }
    case CREDO_INIT_COPY:
      /* the source already carries its gain; apply only ours below */
      memcpy (w, net->projs[in->transpose_of].w, nw * sizeof *w);
      break;
    case CREDO_INIT_TRANSPOSE:
      {
        const credo_proj *src = &net->projs[in->transpose_of];
        if (src->spec->conn == CREDO_CONN_ONE_TO_ONE
            || ps->conn == CREDO_CONN_ONE_TO_ONE)
          {
            if (src->rows * src->cols != nw)
              return credo__error (net->ctx, CREDO_ECONFIG,
                                   "%s: projection '%s' cannot be the "
                                   "transpose of '%s'",
                                   credo__loc_str (&ps->loc, loc, sizeof loc), ps->name,
                                   src->spec->name);
            memcpy (w, src->w, nw * sizeof *w); /* a diagonal is symmetric */
            break;
          }
        if (src->rows != pr->cols || src->cols != pr->rows)
          return credo__error (net->ctx, CREDO_ECONFIG,
                               "%s: projection '%s' cannot be the transpose "
                               "of '%s' (%zu x %zu vs %zu x %zu)",
                               credo__loc_str (&ps->loc, loc, sizeof loc), ps->name,
                               src->spec->name, pr->rows, pr->cols, src->rows,
                               src->cols);
        for (size_t i = 0; i < pr->rows; i++)
          for (size_t j = 0; j < pr->cols; j++)
            w[i * pr->cols + j] = src->w[j * src->cols + i];
        /* the source already carries its gain; apply only ours below */
        break;
      }
    }
  if (ps->gain != 1.0)
    for (k = 0; k < nw; k++)
      w[k] *= ps->gain;
  return 0;
}

/* Tolerance scales of the weight blocks (atol_var names "w" and "dw"). */
static const credo_var_desc weight_var = { "w", "1", 1.0, "plastic weight" };

static double
atol_for (const credo_solver_spec *s, const credo_var_desc *v)
{
  for (size_t k = 0; k < s->n_atol_var; k++)
    if (strcmp (s->atol_var_names[k], v->name) == 0)
      return s->atol_var_values[k];
  return s->atol * v->atol_scale;
}

/* Weights of projection spec ps: post x pre, or post for one-to-one. */
static size_t
weight_count (const credo_spec *spec, const credo_proj_spec *ps)
{
  return ps->conn == CREDO_CONN_ONE_TO_ONE
             ? spec->pops[ps->post].size
             : spec->pops[ps->post].size * spec->pops[ps->pre].size;
}

/* The state layout: population slices, then each plastic projection's W
 * and its rule's blocks.  0 or an error code. */
static int
layout (credo_net *net)
{
  const credo_spec *spec = net->spec;
  size_t off = 0;
  int rc;
  for (size_t p = 0; p < spec->n_pops; p++)
    {
      if (pop_init (&net->pops[p], &spec->pops[p], off))
        return CREDO_ENOMEM;
      off += spec->pops[p].size * spec->pops[p].model->n_var;
    }
  net->n_neuron = off;
  for (size_t k = 0; k < spec->n_projs; k++)
    {
      const credo_proj_spec *ps = &spec->projs[k];
      credo_proj *pr = &net->projs[k];
      if (!ps->plast.rule)
        continue;
      pr->spec = ps;
      pr->plastic = 1;
      net->has_plastic = 1;
      if ((rc = credo__plast_layout (
               net, pr, spec->pops[ps->post].size,
               ps->conn == CREDO_CONN_ONE_TO_ONE ? 1
                                                 : spec->pops[ps->pre].size)))
        return rc;
      pr->w_offset = off;
      off += weight_count (spec, ps) * (1 + pr->n_blocks);
    }
  net->n_state = off;
  return 0;
}

/* Per-component absolute tolerances: each variable's (or weight block's)
 * by name, else the solver's atol times its scale. */
static int
fill_atol (credo_net *net)
{
  const credo_spec *spec = net->spec;
  net->atol = credo__calloc (net->n_state, sizeof *net->atol);
  net->y_jac = credo__calloc (net->n_state, sizeof *net->y_jac);
  if (!net->atol || !net->y_jac)
    return CREDO_ENOMEM;
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      for (size_t a = 0; a < pop->model->n_var; a++)
        for (size_t i = 0; i < pop->n; i++)
          net->atol[pop->offset + a * pop->n + i]
              = atol_for (&spec->solver, &pop->model->vars[a]);
    }
  for (size_t k = 0; k < spec->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      size_t nw = weight_count (spec, &spec->projs[k]);
      if (!pr->plastic)
        continue;
      for (size_t i = 0; i < nw; i++)
        net->atol[pr->w_offset + i] = atol_for (&spec->solver, &weight_var);
      for (size_t b = 0; b < pr->n_blocks; b++)
        {
          /* a rule's state blocks take the tolerance of their name */
          credo_var_desc block = weight_var;
          block.name = b >= pr->n_rule_blocks ? "acc"
                       : pr->rule->block_names ? pr->rule->block_names[b]
                                               : "w";
          for (size_t i = 0; i < nw; i++)
            net->atol[pr->w_offset + (1 + b) * nw + i]
                = atol_for (&spec->solver, &block);
        }
    }
  return 0;
}

/* Every projection's weights from its initialiser (one seeded stream, in
 * projection order) and the plastic ones' rule bindings. */
static int
init_projections (credo_net *net)
{
  const credo_spec *spec = net->spec;
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  int rc = 0;
  if (!rng)
    return CREDO_ENOMEM;
  gsl_rng_set (rng, spec->seed);
  for (size_t k = 0; rc == 0 && k < spec->n_projs; k++)
    {
      credo_proj *pr = &net->projs[k];
      pr->spec = &spec->projs[k];
      pr->pre = &net->pops[pr->spec->pre];
      pr->post = &net->pops[pr->spec->post];
      pr->rows = pr->post->n;
      pr->cols = pr->spec->conn == CREDO_CONN_ONE_TO_ONE ? 1 : pr->pre->n;
      if (pr->spec->conn == CREDO_CONN_RANDOM)
        {
          /* sparse: only the synapses, for the event engine */
          rc = credo__spk_random (net, pr, rng);
          continue;
        }
      if (!(pr->w = credo__calloc (pr->rows * pr->cols, sizeof *pr->w)))
        rc = CREDO_ENOMEM;
      pr->w_cur = pr->w;
      if (rc == 0)
        rc = proj_init_weights (net, pr, rng);
      if (rc == 0 && pr->plastic)
        rc = credo__plast_resolve (net, pr);
    }
  gsl_rng_free (rng);
  return rc;
}

/* The order of projections and derived outputs (acyclic: the parser
 * rejected loops). */
static int
eval_order (credo_net *net)
{
  const credo_spec *spec = net->spec;
  net->steps = credo__calloc (spec->n_projs + spec->n_pops + 1,
                              sizeof *net->steps);
  if (!net->steps)
    return CREDO_ENOMEM;
  if (credo__spec_eval_order (spec, net->steps, &net->n_steps, NULL))
    return credo__error (net->ctx, CREDO_ECONFIG, "projections form a loop "
                         "through outputs that depend on inputs");
  for (size_t k = 0; k < net->n_projs; k++)
    {
      const credo_proj *pr = &net->projs[k];
      if (pr->pre->model->outputs[pr->spec->pre_port].flags
          & CREDO_PORT_DERIVED)
        net->derived_sources = 1;
    }
  return 0;
}

credo_net *
credo__net_build (credo_ctx *ctx, const credo_spec *spec)
{
  credo_net *net = credo__calloc (1, sizeof *net);
  int rc = CREDO_ENOMEM;
  if (!net)
    goto fail;
  net->ctx = ctx;
  net->clamp.pop = net->clamp.port = net->clamp.mute = -1;
  net->piece_t = NAN;
  net->spec = spec;
  net->n_pops = spec->n_pops;
  net->n_projs = spec->n_projs;
  net->n_stims = spec->n_stims;
  net->pops = credo__calloc (spec->n_pops, sizeof *net->pops);
  net->projs = credo__calloc (spec->n_projs, sizeof *net->projs);
  if (!net->pops || !net->projs)
    goto fail;
  if ((rc = layout (net)) || (rc = fill_atol (net))
      || (rc = init_projections (net)) || (rc = eval_order (net))
      || (rc = credo__spk_build (net)))
    goto fail;
  return net;

fail:
  if (rc == CREDO_ENOMEM)
    credo__error (ctx, rc, "out of memory building the network");
  credo__net_free (net);
  return NULL;
}

void
credo__net_free (credo_net *net)
{
  if (!net)
    return;
  for (size_t p = 0; net->pops && p < net->n_pops; p++)
    pop_free (&net->pops[p]);
  for (size_t k = 0; net->projs && k < net->n_projs; k++)
    {
      free (net->projs[k].w);
      free (net->projs[k].view.scratch);
      free (net->projs[k].r_saved);
    }
  credo__spk_free (net);
  free (net->y_jac);
  free (net->steps);
  free (net->pops);
  free (net->projs);
  free (net->atol);
  free (net);
}

void
credo__net_init_state (const credo_net *net, double *y)
{
  memset (y, 0, net->n_state * sizeof *y);
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *pop = &net->pops[p];
      if (pop->model->init)
        pop->model->init (&pop->view, y + pop->offset);
    }
  for (size_t k = 0; k < net->n_projs; k++)
    {
      const credo_proj *pr = &net->projs[k];
      if (pr->plastic)
        memcpy (y + pr->w_offset, pr->w, pr->rows * pr->cols * sizeof *y);
    }
}

/* in += W out for one projection (dense: one dgemv; one-to-one: a product
 * per unit). */
static void
project (const credo_proj *pr, const double *W, const double *out, double *in)
{
  if (pr->spec->conn == CREDO_CONN_ONE_TO_ONE)
    for (size_t i = 0; i < pr->rows; i++)
      in[i] += W[i] * out[i];
  else
    cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) pr->rows, (int) pr->cols,
                 1.0, W, (int) pr->cols, out, 1, 1.0, in, 1);
}

/* ---- evaluation ------------------------------------------------------- */

void
credo__net_clamp (credo_net *net, int pop, int port, int mute,
                  const double *values)
{
  net->clamp.pop = pop;
  net->clamp.port = port;
  net->clamp.mute = mute;
  net->clamp.values = values;
}

void
credo__net_eval (credo_net *net, double t, const double *y)
{
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      for (size_t q = 0; q < pop->model->n_in; q++)
        memset (pop->in[q], 0, pop->n * sizeof (double));
    }
  for (size_t s = 0; s < net->n_stims; s++)
    {
      const credo_stim_spec *st = &net->spec->stims[s];
      if (net->clamp.values
          && (st->pop == net->clamp.pop || st->pop == net->clamp.mute))
        continue;
      credo__stim_add (st, t, credo__net_piece_time (net, t),
                       net->pops[st->pop].in[st->port]);
    }
  if (net->clamp.values)
    memcpy (net->pops[net->clamp.pop].in[net->clamp.port], net->clamp.values,
            net->pops[net->clamp.pop].n * sizeof (double));
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      pop->model->output (&pop->view, t, y + pop->offset, pop->out);
    }
  for (size_t s = 0; s < net->n_steps; s++)
    if (net->steps[s].kind == CREDO_STEP_PROJECT)
      {
        credo_proj *pr = &net->projs[net->steps[s].index];
        if (pr->plastic)
          pr->w_cur = y + pr->w_offset;
        if (!pr->w_cur)
          continue; /* random connectivity: spikes only */
        project (pr, pr->w_cur, pr->pre->out[pr->spec->pre_port],
                 pr->post->in[pr->spec->post_port]);
      }
    else
      {
        credo_pop *pop = &net->pops[net->steps[s].index];
        pop->model->derived (&pop->view, t, y + pop->offset, pop->out);
      }
}

int
credo__net_rhs (credo_net *net, double t, const double *y, double *ydot)
{
  credo__net_eval (net, t, y);
  net->rhs_evals++;
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      size_t len = pop->n * pop->model->n_var;
      if (!len)
        continue;
      pop->model->rhs (&pop->view, t, y + pop->offset, ydot + pop->offset);
      for (size_t i = 0; i < len; i++)
        if (!isfinite (ydot[pop->offset + i]))
          return 1; /* recoverable: the solver retries with a smaller step */
    }
  if (net->has_plastic)
    {
      credo__plast_rhs (net, t, y, ydot);
      for (size_t i = net->n_neuron; i < net->n_state; i++)
        if (!isfinite (ydot[i]))
          return 1;
    }
  return 0;
}

void
credo__net_jac_setup (credo_net *net, double t, const double *y)
{
  memcpy (net->y_jac, y, net->n_state * sizeof *y);
  credo__net_eval (net, t, y);
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      if (pop->model->n_var && pop->model->jacobian)
        pop->model->jacobian (&pop->view, t, y + pop->offset, &pop->jac);
    }
  if (net->has_plastic)
    credo__plast_jac_setup (net, t, y);
}

/* dout_o = sum_b dody[o,b] v_b (+ sum_q dodin[o,q] din_q for derived o) */
static void
output_jvp (credo_pop *pop, const double *v, int derived)
{
  const credo_model_type *m = pop->model;
  size_t n = pop->n;
  for (size_t o = 0; o < m->n_out; o++)
    {
      double *d = pop->dout[o];
      int is_derived = (m->outputs[o].flags & CREDO_PORT_DERIVED) != 0;
      if (is_derived != derived)
        continue;
      memset (d, 0, n * sizeof (double));
      for (size_t b = 0; b < m->n_var; b++)
        {
          const double *g = pop->jac.dody + (o * m->n_var + b) * n;
          const double *vb = v + pop->offset + b * n;
          for (size_t i = 0; i < n; i++)
            d[i] += g[i] * vb[i];
        }
      if (derived)
        for (size_t q = 0; q < m->n_in; q++)
          {
            const double *g = pop->jac.dodin + (o * m->n_in + q) * n;
            for (size_t i = 0; i < n; i++)
              d[i] += g[i] * pop->din[q][i];
          }
    }
}

void
credo__net_jtimes (credo_net *net, const double *v, double *jv)
{
  const double *y = net->y_jac;
  /* output perturbations of every population */
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      for (size_t q = 0; q < pop->model->n_in; q++)
        memset (pop->din[q], 0, pop->n * sizeof (double));
      output_jvp (pop, v, 0);
    }
  /* propagate them through the projections, d(W out) = W dout + dW out,
   * and the derived outputs, in the order of evaluation */
  for (size_t s = 0; s < net->n_steps; s++)
    if (net->steps[s].kind == CREDO_STEP_PROJECT)
      {
        const credo_proj *pr = &net->projs[net->steps[s].index];
        const credo_port_desc *src
            = &pr->pre->model->outputs[pr->spec->pre_port];
        double *din = pr->post->din[pr->spec->post_port];
        if (pr->pre->model->n_var || (src->flags & CREDO_PORT_DERIVED))
          project (pr, pr->plastic ? y + pr->w_offset : pr->w,
                   pr->pre->dout[pr->spec->pre_port], din);
        if (pr->plastic)
          project (pr, v + pr->w_offset, pr->r_saved, din);
      }
    else
      output_jvp (&net->pops[net->steps[s].index], v, 1);
  /* local part plus the input part */
  for (size_t p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      const credo_model_type *m = pop->model;
      size_t n = pop->n;
      for (size_t a = 0; a < m->n_var; a++)
        {
          double *ja = jv + pop->offset + a * n;
          memset (ja, 0, n * sizeof (double));
          for (size_t b = 0; b < m->n_var; b++)
            {
              const double *g = pop->jac.dfdy + (a * m->n_var + b) * n;
              const double *vb = v + pop->offset + b * n;
              for (size_t i = 0; i < n; i++)
                ja[i] += g[i] * vb[i];
            }
          for (size_t q = 0; q < m->n_in; q++)
            {
              const double *g = pop->jac.dfdin + (a * m->n_in + q) * n;
              const double *dq = pop->din[q];
              for (size_t i = 0; i < n; i++)
                ja[i] += g[i] * dq[i];
            }
        }
    }
  if (net->has_plastic)
    credo__plast_jtimes (net, y, v, jv);
}

static int
all_zero (const double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (x[i] != 0.0)
      return 0;
  return 1;
}

void
credo__net_jac_dense (credo_net *net, double *J, size_t ld)
{
  size_t N = net->n_state;
  if (net->has_plastic || net->derived_sources)
    {
      /* weights in the state, or chains through derived outputs: assemble
       * J column by column from the exact J*v (n products; the Krylov
       * solver is the right choice for large such systems) */
      double *e = credo__calloc (N, sizeof *e);
      if (!e)
        return;
      for (size_t c = 0; c < N; c++)
        {
          e[c] = 1.0;
          credo__net_jtimes (net, e, J + c * ld);
          e[c] = 0.0;
        }
      free (e);
      return;
    }
  credo__net_jac_neurons (net, J, ld);
}

/* The neuron block of J from J*v columns (weights held: their
 * perturbation is 0), for chains through derived outputs. */
static void
neuron_columns (credo_net *net, double *J, size_t ld)
{
  size_t N = net->n_neuron;
  double *e = credo__calloc (net->n_state + 1, sizeof *e);
  double *col = credo__calloc (net->n_state + 1, sizeof *col);
  if (e && col)
    for (size_t c = 0; c < N; c++)
      {
        e[c] = 1.0;
        credo__net_jtimes (net, e, col);
        memcpy (J + c * ld, col, N * sizeof *col);
        e[c] = 0.0;
      }
  free (e);
  free (col);
}

void
credo__net_jac_neurons (credo_net *net, double *J, size_t ld)
{
  size_t N = net->n_neuron;
  if (net->derived_sources)
    {
      neuron_columns (net, J, ld);
      return;
    }
  for (size_t c = 0; c < N; c++)
    memset (J + c * ld, 0, N * sizeof (double));
  /* unit-local blocks: diagonal in the unit index */
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *pop = &net->pops[p];
      const credo_model_type *m = pop->model;
      size_t n = pop->n;
      for (size_t a = 0; a < m->n_var; a++)
        for (size_t b = 0; b < m->n_var; b++)
          {
            const double *g = pop->jac.dfdy + (a * m->n_var + b) * n;
            for (size_t i = 0; i < n; i++)
              J[(pop->offset + b * n + i) * ld + pop->offset + a * n + i] += g[i];
          }
    }
  /* projections: diag(df_a/din_q) W diag(dout_o/dy_b) */
  for (size_t k = 0; k < net->n_projs; k++)
    {
      const credo_proj *pr = &net->projs[k];
      const credo_pop *pre = pr->pre, *post = pr->post;
      const credo_model_type *mi = pre->model, *mo = post->model;
      size_t q = pr->spec->post_port, o = pr->spec->pre_port;
      const double *W = pr->plastic ? net->y_jac + pr->w_offset : pr->w;
      for (size_t a = 0; a < mo->n_var; a++)
        {
          const double *ga = post->jac.dfdin + (a * mo->n_in + q) * post->n;
          if (all_zero (ga, post->n))
            continue;
          for (size_t b = 0; b < mi->n_var; b++)
            {
              const double *gb = pre->jac.dody + (o * mi->n_var + b) * pre->n;
              if (pr->spec->conn == CREDO_CONN_ONE_TO_ONE)
                {
                  for (size_t i = 0; i < post->n; i++)
                    J[(pre->offset + b * pre->n + i) * ld + post->offset
                      + a * post->n + i]
                        += ga[i] * W[i] * gb[i];
                  continue;
                }
              for (size_t j = 0; j < pre->n; j++)
                {
                  double *col = J + (pre->offset + b * pre->n + j) * ld
                                + post->offset + a * post->n;
                  if (gb[j] == 0.0)
                    continue;
                  for (size_t i = 0; i < post->n; i++)
                    col[i] += ga[i] * W[i * pr->cols + j] * gb[j];
                }
            }
        }
    }
}

/* Diagonal of the Jacobian from the last setup, for the Jacobi
 * preconditioner of the Krylov solver. */
void
credo__net_jac_diag (credo_net *net, double *d)
{
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *pop = &net->pops[p];
      const credo_model_type *m = pop->model;
      for (size_t a = 0; a < m->n_var; a++)
        {
          const double *g = pop->jac.dfdy + (a * m->n_var + a) * pop->n;
          memcpy (d + pop->offset + a * pop->n, g, pop->n * sizeof *d);
        }
    }
  for (size_t k = 0; k < net->n_projs; k++)
    {
      const credo_proj *pr = &net->projs[k];
      const credo_pop *pop = pr->post;
      const credo_model_type *m = pop->model;
      size_t q = pr->spec->post_port, o = pr->spec->pre_port;
      const double *W = pr->plastic ? net->y_jac + pr->w_offset : pr->w;
      size_t stride = pr->spec->conn == CREDO_CONN_ONE_TO_ONE ? 1
                                                              : pr->cols + 1;
      if (pr->pre != pr->post
          || (pop->model->outputs[o].flags & CREDO_PORT_DERIVED))
        continue;
      for (size_t a = 0; a < m->n_var; a++)
        {
          const double *ga = pop->jac.dfdin + (a * m->n_in + q) * pop->n;
          const double *gb = pop->jac.dody + (o * m->n_var + a) * pop->n;
          for (size_t i = 0; i < pop->n; i++)
            d[pop->offset + a * pop->n + i] += ga[i] * W[i * stride] * gb[i];
        }
    }
  if (net->has_plastic)
    credo__plast_diag (net, d);
}
