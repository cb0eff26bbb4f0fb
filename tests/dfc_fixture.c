/* tests/dfc_fixture.c -- the small DFC network of dfc_fixture.h.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dfc_fixture.h"

const dfc_case dfc_tanh = { "code", 0.1, 1.0, 0.0, 1.0, { 0.2, 0.2 }, 0 };
const dfc_case dfc_linear = { "code", 0.1, 1.0, 0.0, 1.0, { 0.2, 0.2 }, 1 };

double
phi (int lin, double u)
{
  return lin ? u : tanh (u);
}

double
dphi (int lin, double u)
{
  return lin ? 1.0 : 1.0 - tanh (u) * tanh (u);
}

/* Random weights, biases and input (seed), the forward pass by hand and J
 * = d r_y / d (u_h, u_y): [D_y W2 D_h, D_y]. */
void
draw_net (dfc_net *d, const dfc_case *k, unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  memset (d, 0, sizeof *d);
  gsl_rng_set (rng, seed);
  for (int i = 0; i < NH * NX; i++)
    d->W1[i] = gsl_ran_gaussian (rng, 1.0 / sqrt (NX));
  for (int i = 0; i < NY * NH; i++)
    d->W2[i] = gsl_ran_gaussian (rng, 1.0 / sqrt (NH));
  for (int i = 0; i < NX; i++)
    d->x[i] = 2 * gsl_rng_uniform (rng) - 1;
  d->b[0] = 0.1, d->b[1] = -0.2;
  for (int i = 0; i < NH; i++)
    {
      d->uh[i] = d->b[0];
      for (int j = 0; j < NX; j++)
        d->uh[i] += d->W1[i * NX + j] * d->x[j];
      d->rh[i] = phi (k->linear, d->uh[i]), d->dh[i] = dphi (k->linear, d->uh[i]);
    }
  for (int o = 0; o < NY; o++)
    {
      d->uy[o] = d->b[1];
      for (int j = 0; j < NH; j++)
        d->uy[o] += d->W2[o * NH + j] * d->rh[j];
      d->ry[o] = phi (k->linear, d->uy[o]), d->dy[o] = dphi (k->linear, d->uy[o]);
      for (int j = 0; j < NV; j++)
        d->J[o * NV + j] = j < NH ? d->dy[o] * d->W2[o * NH + j] * d->dh[j]
                                  : (j - NH == o) * d->dy[o];
      d->target[o] = d->ry[o]; /* loss-free */
    }
  /* Q = J^T + 0.2 N(0, 1) */
  for (int j = 0; j < NV; j++)
    for (int o = 0; o < NY; o++)
      d->Q[j * NY + o] = d->J[o * NV + j] + gsl_ran_gaussian (rng, 0.2);
  gsl_rng_free (rng);
}

static int
pop_index (const credo_net *net, const char *name)
{
  for (size_t p = 0; p < net->n_pops; p++)
    if (strcmp (net->pops[p].spec->name, name) == 0)
      return (int) p;
  ck_abort_msg ("no population %s", name);
  return -1;
}

/* Builds the network of d with controller k, relaxes it to its steady state
 * (credo's steady-state solver, from v = 0) and runs the chain's forward
 * pass there. */
void
build_net (dfc_net *d, const dfc_case *k)
{
  char f[4][300], xs[200], ts[200], cfg[4096];
  const char *tf = k->linear ? "linear" : "tanh";
  const int layers[3] = { 0, 1, 2 }, fwd[3] = { -1, 0, 1 };
  credo_steady *st;
  const char *names[4] = { "W1.csv", "W2.csv", "Q1.csv", "Q2.csv" };
  for (int i = 0; i < 4; i++)
    path_in_tmp (f[i], sizeof f[i], names[i]);
  write_csv (f[0], d->W1, NH, NX);
  write_csv (f[1], d->W2, NY, NH);
  write_csv (f[2], d->Q, NH, NY);
  write_csv (f[3], d->Q + NH * NY, NY, NY);
  list_of (xs, sizeof xs, d->x, NX);
  list_of (ts, sizeof ts, d->target, NY);
  snprintf (cfg, sizeof cfg,
            "duration = 10.0;\n"
            "populations = { x = { model = \"input\"; size = %d; };\n"
            "  h = { model = \"dfc_neuron\"; size = %d; params = { transfer = "
            "\"%s\"; tau_v = %g; bias = %g; }; };\n"
            "  y = { model = \"dfc_neuron\"; size = %d; params = { transfer = "
            "\"%s\"; tau_v = %g; bias = %g; }; };\n"
            "  c = { model = \"pi_controller\"; size = %d; params = { alpha = "
            "%g; k_i = %g; k_p = %g; tau_u = %g; form = \"%s\"; }; }; };\n"
            "projections = (\n"
            "  { from = \"x.r\"; to = \"h.basal\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"h.r\"; to = \"y.basal\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"y.r\"; to = \"c.error\"; connectivity = "
            "\"one_to_one\"; init = { dist = \"constant\"; value = -1.0; }; },\n"
            "  { from = \"c.u\"; to = \"h.apical\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"c.u\"; to = \"y.apical\"; init = { file = \"%s\"; }; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = %s; },\n"
            "  { to = \"c.error\"; kind = \"constant\"; value = %s; } );\n",
            NX, NH, tf, k->tau_v[0], d->b[0], NY, tf, k->tau_v[1], d->b[1], NY,
            k->alpha, k->k_i, k->k_p, k->tau_u, k->form, f[0], f[1], f[2],
            f[3], xs, ts);
  d->ctx = credo_ctx_new ();
  d->spec = credo_spec_load_string (d->ctx, cfg, "dfc.cfg", NULL, 0);
  ck_assert_msg (d->spec != NULL, "%s", credo_errmsg (d->ctx));
  d->net = credo__net_build (d->ctx, d->spec);
  ck_assert_msg (d->net != NULL, "%s", credo_errmsg (d->ctx));
  d->c = credo__chain_new (d->ctx, d->net, 3, layers, fwd);
  ck_assert_msg (d->c != NULL, "%s", credo_errmsg (d->ctx));
  for (int i = 0; i < NH; i++)
    d->idx[i] = d->net->pops[pop_index (d->net, "h")].offset + (size_t) i;
  for (int o = 0; o < NY; o++)
    {
      d->idx[NH + o] = d->net->pops[pop_index (d->net, "y")].offset + (size_t) o;
      d->idx[NV + o] = d->net->pops[pop_index (d->net, "c")].offset + (size_t) o;
    }
  d->y = calloc (d->net->n_state, sizeof *d->y);
  credo__net_init_state (d->net, d->y);
  st = credo__steady_new (d->net);
  ck_assert_int_eq (credo__steady_solve (st, 1.0, d->y), 0);
  credo__steady_free (st);
  credo__chain_forward (d->c, d->y);
}

void
free_net (dfc_net *d)
{
  free (d->y);
  credo__chain_free (d->c);
  credo__net_free (d->net);
  credo_spec_free (d->spec);
  credo_ctx_free (d->ctx);
}

void
mul (const double *A, const double *B, double *C, int m, int k, int n,
     int ta)
{
  cblas_dgemm (CblasRowMajor, ta ? CblasTrans : CblasNoTrans, CblasNoTrans,
               m, n, k, 1.0, A, ta ? m : k, B, n, 0.0, C, n);
}

double
fro2 (const double *a, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += a[i] * a[i];
  return s;
}
