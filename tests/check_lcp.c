/* tests/check_lcp.c -- least-control learning (Meulemans, Zucchet,
 * Kobayashi, von Oswald & Sacramento 2022): the chain example against its
 * closed form, recurrent backprop against finite differences, the
 * dynamic-inversion fixed point against the augmented energy, the
 * weak-control limit against recurrent backprop, Kolen-Pollack alignment.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   - examples/lcp_chain (x = 1, U = 2, W = 0.5, identity sigma, L = 1/2
 *     (y - 1.5)^2): at rest e_h = W u, v_h = 2 + u/2, v_y = 1 + 5u/4,
 *     g = v_y - 1.5; alpha = 0: g = 0, u = 0.4; alpha > 0: u_i = -g/alpha,
 *     u = -(k_i/alpha + k_p) g = -c g, so u = 0.5 c / (1 + 1.25 c).  The
 *     updates e_h x = u/2 (U) and u v_h (W); H = 1/2 (e_h^2 + u^2) =
 *     5u^2/8; recurrent backprop at the free point (v_h = 2, v_y = 1):
 *     -dL/dU = 0.25, -dL/dW = 1, L = 0.125.
 *   - a random tanh RNN, 6 units, ||W||_2 = 0.5, U 6 x 3, readout D 2 x 6
 *     (linear readout layer), MSE, k_i = 1, k_p = 0:
 *     (adjoint) the adjoint's gradient against central differences of L at the
 *     fixed point, h = 1e-6; (energy) alpha = 0.1: the circuit's rest state
 *     is a stationary point of E = 1/2 ||v - f||^2 + 1/2 ||v_pred -
 *     dec(v)||^2 + L/alpha, computed here from the states alone; (weak control)
 *     alpha = 1e4: the updates' angles to recurrent backprop below
 *     acos(0.9999); (least control) alpha = 0: the loss gradient at the readout
 *     vanishes and the state is stationary for the least-control problem.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "testutil.h"

/* Row `row` (-1: the last) of a learning column or matrix of file path
 * (its first value). */
static double
learned_row (const char *path, const char *what, long row)
{
  char name[256];
  size_t rows, cols;
  double *d, v;
  snprintf (name, sizeof name, "/learning/%s", what);
  d = read_2d (path, name, &rows, &cols);
  ck_assert_uint_ge (rows, 1);
  v = d[(row < 0 ? rows - 1 : (size_t) row) * cols];
  free (d);
  return v;
}

static double
learned (const char *path, const char *what)
{
  return learned_row (path, what, -1);
}

static double
get1 (run *r, const char *what)
{
  double v;
  ck_assert_int_eq (credo_sim_get (r->sim, what, &v, 1), 0);
  return v;
}

/* ---- the lcp_chain example ----------------------------------------------- */

typedef struct chain_case
{
  const char *sets[3];
  size_t n_sets;
  double alpha, k_i, k_p;
} chain_case;

START_TEST (test_lcp_chain_closed_form)
{
  const chain_case cases[] = {
    { { NULL }, 0, 0.0, 1.0, 0.0 },
    { { "populations.ctrl.params.k_i=2.0" }, 1, 0.0, 2.0, 0.0 },
    { { "populations.ctrl.params.alpha=0.1" }, 1, 0.1, 1.0, 0.0 },
    { { "populations.ctrl.params.alpha=0.1",
        "populations.ctrl.params.k_p=2.0" }, 2, 0.1, 1.0, 2.0 },
    { { "populations.ctrl.params.alpha=1.0" }, 1, 1.0, 1.0, 0.0 },
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    {
      const chain_case *k = &cases[c];
      const char *out = tmp_path ("lcp_chain.h5");
      run r = run_file ("examples/lcp_chain/lcp_chain.cfg", out,
                        (const char **) k->sets, k->n_sets);
      double gain = k->alpha > 0 ? k->k_i / k->alpha + k->k_p : INFINITY;
      double u = isinf (gain) ? 0.4 : 0.5 * gain / (1 + 1.25 * gain);
      double vh = 2 + 0.5 * u, vy = 1 + 1.25 * u, g = vy - 1.5;
      double dU = 0.5 * u, dW = u * vh;
      double cs = (0.25 * dU + dW) / (hypot (dU, dW) * hypot (0.25, 1.0));
      assert_close1 (get1 (&r, "ctrl.u"), u, 0, 1e-8, "u");
      assert_close1 (get1 (&r, "e_h.e"), 0.5 * u, 0, 1e-8, "e_h");
      assert_close1 (get1 (&r, "h.v"), vh, 0, 1e-8, "v_h");
      assert_close1 (get1 (&r, "y.v"), vy, 0, 1e-8, "v_y");
      if (k->alpha > 0)
        assert_close1 (get1 (&r, "ctrl.u_int"), -g / k->alpha, 0, 1e-8,
                       "u_int = -g / alpha");
      else
        assert_close1 (get1 (&r, "ctrl.u_int"), 0.4 / k->k_i, 0, 1e-8,
                       "u_int = u / k_i");
      run_free (&r);
      assert_close1 (learned (out, "update/U"), dU, 0, 1e-8, "update U");
      assert_close1 (learned (out, "update/W"), dW, 0, 1e-8, "update W");
      assert_close1 (learned (out, "reference/rbp/U"), 0.25, 0, 1e-12,
                     "rbp U");
      assert_close1 (learned (out, "reference/rbp/W"), 1.0, 0, 1e-12,
                     "rbp W");
      assert_close1 (learned (out, "loss"), 0.125, 0, 1e-12, "loss");
      assert_close1 (learned (out, "control_cost"), 0.625 * u * u, 0, 1e-8,
                     "H");
      ck_assert (fabs (learned (out, "loss_controlled") - 0.5 * g * g)
                 < 1e-8 * 0.125);
      ck_assert (fabs (learned (out, "angle_U")) < 1e-6);
      ck_assert (fabs (learned (out, "angle_W")) < 1e-6);
      assert_close1 (learned (out, "angle"), acos (cs) * 180 / M_PI, 1e-6,
                     1e-6, "angle");
    }
}
END_TEST

/* ---- a random tanh RNN ---------------------------------------------------- */

enum { NX = 3, NH = 6, NO = 2 };

typedef struct rnn
{
  double U[NH * NX], W[NH * NH], D[NO * NH], x[NX], t[NO], bh, bo;
  char files[3][300];
} rnn;

/* U, D ~ N(0, 1/fan_in), W ~ N(0, 1) rescaled to spectral norm 0.5. */
static void
draw_rnn (rnn *n, unsigned long seed)
{
  gsl_rng *g = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_matrix *A = gsl_matrix_alloc (NH, NH), *V = gsl_matrix_alloc (NH, NH);
  gsl_vector *S = gsl_vector_alloc (NH), *w = gsl_vector_alloc (NH);
  gsl_rng_set (g, seed);
  for (int i = 0; i < NH * NX; i++)
    n->U[i] = gsl_ran_gaussian (g, 1.0 / sqrt (NX));
  for (int i = 0; i < NO * NH; i++)
    n->D[i] = gsl_ran_gaussian (g, 1.0 / sqrt (NH));
  for (int i = 0; i < NH * NH; i++)
    n->W[i] = A->data[i] = gsl_ran_gaussian (g, 1.0);
  gsl_linalg_SV_decomp (A, V, S, w);
  for (int i = 0; i < NH * NH; i++)
    n->W[i] *= 0.5 / gsl_vector_get (S, 0);
  for (int i = 0; i < NX; i++)
    n->x[i] = gsl_ran_gaussian (g, 1.0);
  for (int i = 0; i < NO; i++)
    n->t[i] = gsl_ran_gaussian (g, 1.0);
  n->bh = 0.1;
  n->bo = -0.2;
  gsl_matrix_free (A);
  gsl_matrix_free (V);
  gsl_vector_free (S);
  gsl_vector_free (w);
  gsl_rng_free (g);
}

/* The circuit's config: the RNN, a dynamic inversion through W^T and D^T
 * (or, kp, learned feedback from B.csv / Dt.csv with rule kolen_pollack),
 * the controller with leak alpha; protocol lcp, windows of `every` ms. */
static void
rnn_config (rnn *n, double alpha, double every, double duration,
            const char *extra_lcp, int kp, char *cfg, size_t len)
{
  char xs[200], ts[200], fb[2][300], fbw[1400];
  const char *names[3] = { "U.csv", "W.csv", "D.csv" };
  for (int i = 0; i < 3; i++)
    path_in_tmp (n->files[i], sizeof n->files[i], names[i]);
  write_csv (n->files[0], n->U, NH, NX);
  write_csv (n->files[1], n->W, NH, NH);
  write_csv (n->files[2], n->D, NO, NH);
  list_of (xs, sizeof xs, n->x, NX);
  list_of (ts, sizeof ts, n->t, NO);
  if (kp)
    {
      path_in_tmp (fb[0], sizeof fb[0], "B.csv");
      path_in_tmp (fb[1], sizeof fb[1], "Dt.csv");
      snprintf (fbw, sizeof fbw,
                "  { name = \"D_T\"; from = \"ctrl.u\"; to = \"e_h.feedback\"; "
                "init = { file = \"%s\"; }; plasticity = { rule = "
                "\"kolen_pollack\"; eta = 1.0; }; },\n"
                "  { name = \"W_T\"; from = \"e_h.e\"; to = \"e_h.feedback\"; "
                "init = { file = \"%s\"; }; plasticity = { rule = "
                "\"kolen_pollack\"; eta = 1.0; }; },\n"
                "  { from = \"h.r\"; to = \"e_h.rate\"; connectivity = "
                "\"one_to_one\"; init = { dist = \"constant\"; value = 1.0; "
                "}; },\n", fb[1], fb[0]);
    }
  else
    snprintf (fbw, sizeof fbw,
              "  { name = \"D_T\"; from = \"ctrl.u\"; to = \"e_h.feedback\"; "
              "init = { transpose = \"D\"; }; },\n"
              "  { name = \"W_T\"; from = \"e_h.e\"; to = \"e_h.feedback\"; "
              "init = { transpose = \"W\"; }; },\n");
  snprintf (cfg, len,
            "duration = %g;\n"
            "populations = { x = { model = \"input\"; size = %d; };\n"
            "  h = { model = \"implicit_rate\"; size = %d; params = { bias = "
            "%g; }; };\n"
            "  o = { model = \"implicit_rate\"; size = %d; params = { "
            "transfer = \"linear\"; bias = %g; }; };\n"
            "  e_h = { model = \"dynamic_inversion\"; size = %d; };\n"
            "  ctrl = { model = \"leaky_integral_controller\"; size = %d; "
            "params = { alpha = %g; }; }; };\n"
            "projections = (\n"
            "  { name = \"U\"; from = \"x.r\"; to = \"h.input\"; init = { file "
            "= \"%s\"; }; plasticity = { rule = \"lcp\"; eta = 1.0; }; },\n"
            "  { name = \"W\"; from = \"h.r\"; to = \"h.recurrent\"; init = { "
            "file = \"%s\"; }; plasticity = { rule = \"lcp\"; eta = 1.0; }; "
            "},\n"
            "  { name = \"D\"; from = \"h.r\"; to = \"o.input\"; init = { file "
            "= \"%s\"; }; plasticity = { rule = \"lcp\"; eta = 1.0; }; },\n"
            "  { from = \"o.v\"; to = \"ctrl.output\"; connectivity = "
            "\"one_to_one\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
            "  { from = \"ctrl.u\"; to = \"o.control\"; connectivity = "
            "\"one_to_one\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
            "%s"
            "  { from = \"h.r_prime\"; to = \"e_h.gain\"; connectivity = "
            "\"one_to_one\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
            "  { from = \"e_h.e\"; to = \"h.control\"; connectivity = "
            "\"one_to_one\"; init = { dist = \"constant\"; value = 1.0; }; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = %s; },\n"
            "  { to = \"ctrl.label\"; kind = \"constant\"; value = %s; } );\n"
            "learning = { protocol = \"lcp\"; every = %g; layers = [\"x\", "
            "\"h\", \"o\"]; record_updates = true;\n"
            "  lcp = { controller = \"ctrl\"; %s }; };\n"
            "weights = { every = %g; projections = [\"W\", \"D\", \"W_T\", "
            "\"D_T\"]; };\n"
            "solver = { rtol = 1e-11; atol = 1e-13; };\n",
            duration, NX, NH, n->bh, NO, n->bo, NH, NO, alpha, n->files[0],
            n->files[1], n->files[2], fbw, xs, ts, every,
            extra_lcp ? extra_lcp : "optimizer = \"none\";", duration);
}

/* ---- recurrent backprop against central differences ---------------------- */

/* L = 1/2 ||v_o - t||^2 at the free fixed point with the weights at y. */
static double
loss_at (credo_net *net, credo_ff_chain *c, credo_rbp *rb, const rnn *n,
         double *y, double *v)
{
  double l = 0;
  credo__net_eval (net, 0.0, y);
  credo__chain_forward (c, y);
  ck_assert_int_eq (credo__rbp_fixed_point (rb, y, v), 0);
  for (int o = 0; o < NO; o++)
    l += 0.5 * (v[NH + o] - n->t[o]) * (v[NH + o] - n->t[o]);
  return l;
}

START_TEST (test_rbp_finite_differences)
{
  rnn n;
  char cfg[8192];
  const int layers[3] = { 0, 1, 2 };
  int fwd[3] = { -1, 0, 2 }, rec[1] = { 1 };
  double v[NH + NO], dldv[NH + NO] = { 0 }, *dir[3], h = 1e-6;
  double err2 = 0, ref2 = 0;
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec;
  credo_net *net;
  credo_ff_chain *c;
  credo_rbp *rb;
  double *y;
  draw_rnn (&n, 17);
  rnn_config (&n, 0.1, 10.0, 10.0, NULL, 0, cfg, sizeof cfg);
  spec = credo_spec_load_string (ctx, cfg, "rnn.cfg", NULL, 0);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  net = credo__net_build (ctx, spec);
  ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
  c = credo__chain_new (ctx, net, 3, layers, fwd);
  ck_assert_msg (c != NULL, "%s", credo_errmsg (ctx));
  rb = credo__rbp_new (ctx, net, c, rec, 1);
  ck_assert_msg (rb != NULL, "%s", credo_errmsg (ctx));
  ck_assert_uint_eq (credo__rbp_n_params (rb), 3);
  y = calloc (net->n_state, sizeof *y);
  credo__net_init_state (net, y);
  loss_at (net, c, rb, &n, y, v);
  /* the fixed point by hand: v_h = W tanh(v_h) + U x + b_h, v_o = D
   * tanh(v_h) + b_o */
  for (int i = 0; i < NH; i++)
    {
      double s = n.bh;
      for (int j = 0; j < NH; j++)
        s += n.W[i * NH + j] * tanh (v[j]);
      for (int j = 0; j < NX; j++)
        s += n.U[i * NX + j] * n.x[j];
      ck_assert_msg (fabs (s - v[i]) < 1e-12, "v_h[%d] = %.15g, f = %.15g",
                     i, v[i], s);
    }
  for (int o = 0; o < NO; o++)
    {
      double s = n.bo;
      for (int j = 0; j < NH; j++)
        s += n.D[o * NH + j] * tanh (v[j]);
      ck_assert (fabs (s - v[NH + o]) < 1e-12);
      dldv[NH + o] = v[NH + o] - n.t[o];
    }
  for (int q = 0; q < 3; q++)
    {
      const credo_proj *pr = credo__rbp_param (rb, (size_t) q);
      dir[q] = calloc (pr->rows * pr->cols, sizeof (double));
    }
  ck_assert_int_eq (credo__rbp_directions (rb, dldv, dir), 0);
  for (int q = 0; q < 3; q++)
    {
      const credo_proj *pr = credo__rbp_param (rb, (size_t) q);
      ck_assert (pr->plastic);
      for (size_t i = 0; i < pr->rows * pr->cols; i++)
        {
          double *w = y + pr->w_offset + i, w0 = *w, lp, lm, fd;
          *w = w0 + h;
          lp = loss_at (net, c, rb, &n, y, v);
          *w = w0 - h;
          lm = loss_at (net, c, rb, &n, y, v);
          *w = w0;
          fd = (lp - lm) / (2 * h);
          /* the directions are minus the gradient */
          err2 += (fd + dir[q][i]) * (fd + dir[q][i]);
          ref2 += fd * fd;
        }
    }
  fprintf (stderr, "adjoint: relative error %.3g, |grad| %.3g\n",
           sqrt (err2 / ref2), sqrt (ref2));
  ck_assert_msg (sqrt (err2 / ref2) < 1e-6,
                 "recurrent backprop vs central differences: relative error "
                 "%.3g (|grad| %.3g)", sqrt (err2 / ref2), sqrt (ref2));
  for (int q = 0; q < 3; q++)
    free (dir[q]);
  free (y);
  credo__rbp_free (rb);
  credo__chain_free (c);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- the dynamic-inversion rest state -------------------------------------- */

typedef struct rest
{
  double vh[NH], vo[NO], u[NO], e[NH];
  double grad_e[NH], grad_u[NO]; /* e, u recomputed from v alone */
} rest;

/* The circuit with leak alpha run for `duration` ms (one window); the rest
 * state and its augmented-energy gradient, computed here from v, v_pred:
 * e = v - f(v), u = v_pred - dec(v), dE/dv = e - sigma' (W^T e + D^T u),
 * dE/dv_pred = u + (v_pred - t) / alpha. */
static void
run_rest_loss (rnn *n, double alpha, double duration, const char *out,
               int ce, rest *s, double *dEdv, double *dEdvp)
{
  char cfg[8192];
  const char *sets[1] = { "populations.ctrl.params.loss=\"cross_entropy\"" };
  run r;
  double sp[NH], g[NO], z = 0;
  rnn_config (n, alpha, duration, duration, NULL, 0, cfg, sizeof cfg);
  r = run_text (cfg, out, sets, ce ? 1 : 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "h.v", s->vh, NH), 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "o.v", s->vo, NO), 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "ctrl.u", s->u, NO), 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "e_h.e", s->e, NH), 0);
  run_free (&r);
  for (int i = 0; i < NH; i++)
    {
      double f = n->bh;
      for (int j = 0; j < NH; j++)
        f += n->W[i * NH + j] * tanh (s->vh[j]);
      for (int j = 0; j < NX; j++)
        f += n->U[i * NX + j] * n->x[j];
      s->grad_e[i] = s->vh[i] - f;
      sp[i] = 1 - tanh (s->vh[i]) * tanh (s->vh[i]);
    }
  /* dL/dv_pred: mse v - t; cross_entropy softmax(v) - t (sum t = 1) */
  for (int o = 0; o < NO; o++)
    z += exp (s->vo[o]);
  for (int o = 0; o < NO; o++)
    g[o] = ce ? exp (s->vo[o]) / z - n->t[o] : s->vo[o] - n->t[o];
  for (int o = 0; o < NO; o++)
    {
      double d = n->bo;
      for (int j = 0; j < NH; j++)
        d += n->D[o * NH + j] * tanh (s->vh[j]);
      s->grad_u[o] = s->vo[o] - d;
      if (dEdvp)
        dEdvp[o] = s->grad_u[o] + g[o] / alpha;
    }
  for (int i = 0; i < NH; i++)
    {
      double b = 0;
      for (int j = 0; j < NH; j++)
        b += n->W[j * NH + i] * s->grad_e[j];
      for (int o = 0; o < NO; o++)
        b += n->D[o * NH + i] * s->grad_u[o];
      dEdv[i] = s->grad_e[i] - sp[i] * b;
    }
}

static void
run_rest (rnn *n, double alpha, double duration, const char *out, rest *s,
          double *dEdv, double *dEdvp)
{
  run_rest_loss (n, alpha, duration, out, 0, s, dEdv, dEdvp);
}

START_TEST (test_di_energy_stationary)
{
  rnn n;
  rest s;
  double dEdv[NH], dEdvp[NO], g = 0, scale = 0;
  const char *out = tmp_path ("g8a.h5");
  int ce = _i; /* 0: mse, 1: cross_entropy on probabilities t */
  draw_rnn (&n, 17);
  if (ce)
    {
      /* a label distribution: softmax of the drawn targets */
      double z = exp (n.t[0]) + exp (n.t[1]);
      n.t[0] = exp (n.t[0]) / z;
      n.t[1] = 1 - n.t[0];
    }
  run_rest_loss (&n, 0.1, 400.0, out, ce, &s, dEdv, dEdvp);
  for (int i = 0; i < NH; i++)
    {
      g += dEdv[i] * dEdv[i];
      scale += s.grad_e[i] * s.grad_e[i];
      /* the controller's state is the control v - f(v) */
      assert_close1 (s.e[i], s.grad_e[i], 1e-11, 1e-8, "e = v - f");
    }
  for (int o = 0; o < NO; o++)
    {
      g += dEdvp[o] * dEdvp[o];
      assert_close1 (s.u[o], s.grad_u[o], 1e-11, 1e-8, "u = v_pred - dec");
    }
  fprintf (stderr, "energy (%s): ||grad E|| = %.3g, ||e|| = %.3g\n",
           ce ? "cross_entropy" : "mse", sqrt (g), sqrt (scale));
  ck_assert_msg (scale > 1e-4, "a trivial control: ||e||^2 = %g", scale);
  ck_assert_msg (sqrt (g) < 1e-10, "||grad E|| = %.3g at the rest state",
                 sqrt (g));
}
END_TEST

START_TEST (test_weak_control_is_rbp)
{
  rnn n;
  rest s;
  double dEdv[NH];
  const char *out = tmp_path ("g8b.h5"), *cols[3] = { "angle_U", "angle_W",
                                                       "angle_D" };
  draw_rnn (&n, 17);
  run_rest (&n, 1e4, 100.0, out, &s, dEdv, NULL);
  for (int i = 0; i < 3; i++)
    {
      double a = learned (out, cols[i]);
      fprintf (stderr, "weak control: %s = %.3g degrees\n", cols[i], a);
      ck_assert_msg (cos (a * M_PI / 180) > 0.9999, "%s = %g degrees",
                     cols[i], a);
    }
}
END_TEST

START_TEST (test_strong_control_least_control)
{
  rnn n;
  rest s;
  double dEdv[NH], g2 = 0, upd[NH * NX];
  const char *out = tmp_path ("g8c.h5");
  char name[64];
  size_t rows, cols;
  double *d;
  draw_rnn (&n, 17);
  run_rest (&n, 0.0, 400.0, out, &s, dEdv, NULL);
  ck_assert_msg (learned (out, "grad_norm") < 1e-8, "||grad L|| = %g",
                 learned (out, "grad_norm"));
  for (int o = 0; o < NO; o++)
    ck_assert (fabs (s.vo[o] - n.t[o]) < 1e-8);
  /* stationary for 1/2 ||v - f||^2 + 1/2 ||t - dec||^2 over v */
  for (int i = 0; i < NH; i++)
    g2 += dEdv[i] * dEdv[i];
  fprintf (stderr, "least control: ||grad L|| = %.3g, ||grad_v H|| = %.3g\n",
           learned (out, "grad_norm"), sqrt (g2));
  ck_assert_msg (sqrt (g2) < 1e-9, "||grad_v H|| = %g", sqrt (g2));
  /* Delta U = e* x^T from the states */
  for (int i = 0; i < NH; i++)
    for (int j = 0; j < NX; j++)
      upd[i * NX + j] = s.grad_e[i] * n.x[j];
  snprintf (name, sizeof name, "/learning/update/U");
  d = read_2d (out, name, &rows, &cols);
  ck_assert_uint_eq (cols, NH * NX);
  for (int i = 0; i < NH * NX; i++)
    assert_close1 (d[i], upd[i], 1e-10, 1e-7, "Delta U = e x^T");
  free (d);
}
END_TEST


/* ---- Kolen-Pollack: the learned feedback aligns with the forward weights -- */

/* cos of the angle between B and A^T (A rows x cols, B cols x rows). */
static double
cos_transpose (const double *A, const double *B, size_t rows, size_t cols)
{
  double d = 0, a = 0, b = 0;
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++)
      {
        d += A[i * cols + j] * B[j * rows + i];
        a += A[i * cols + j] * A[i * cols + j];
        b += B[j * rows + i] * B[j * rows + i];
      }
  return d / sqrt (a * b);
}

/* The last snapshot of projection name (rows x cols values). */
static void
snapshot (const char *path, const char *name, double *out, size_t n)
{
  char ds[128];
  size_t rows, cols;
  double *d;
  snprintf (ds, sizeof ds, "/weights/%s/data", name);
  d = read_2d (path, ds, &rows, &cols);
  ck_assert_uint_eq (cols, n);
  memcpy (out, d + (rows - 1) * cols, n * sizeof *out);
  free (d);
}

/* Random feedback B, D_t (rule kolen_pollack), SGD with weight decay wd on
 * every plastic projection: B and W^T get the same updates, so B - W^T =
 * (1 - wd)^k (B_0 - W_0^T) after k updates while the updates keep W up.
 * 100 windows of 10 ms, one sample. */
START_TEST (test_kolen_pollack_aligns)
{
  rnn n;
  char cfg[8192], b_csv[300], d_csv[300];
  double B[NH * NH], Dt[NH * NO], W[NH * NH], D[NO * NH];
  double c0w, c0d, c1w, c1d, d0 = 0, d1 = 0, B0[NH * NH];
  const char *out = tmp_path ("kp.h5");
  gsl_rng *g = gsl_rng_alloc (gsl_rng_mt19937);
  run r;
  gsl_rng_set (g, 5);
  draw_rnn (&n, 17);
  for (int i = 0; i < NH * NH; i++)
    B[i] = gsl_ran_gaussian (g, 1.0 / sqrt (NH));
  for (int i = 0; i < NH * NO; i++)
    Dt[i] = gsl_ran_gaussian (g, 1.0 / sqrt (NO * NH));
  gsl_rng_free (g);
  path_in_tmp (b_csv, sizeof b_csv, "B.csv");
  path_in_tmp (d_csv, sizeof d_csv, "Dt.csv");
  write_csv (b_csv, B, NH, NH);
  write_csv (d_csv, Dt, NH, NO);
  c0w = cos_transpose (n.W, B, NH, NH);
  memcpy (B0, B, sizeof B0);
  c0d = cos_transpose (n.D, Dt, NO, NH);
  rnn_config (&n, 0.1, 10.0, 1000.0,
              "optimizer = \"sgd\"; lr = 0.1; weight_decay = 0.05;", 1,
              cfg, sizeof cfg);
  r = run_text (cfg, out, NULL, 0);
  run_free (&r);
  snapshot (out, "W", W, NH * NH);
  snapshot (out, "W_T", B, NH * NH);
  snapshot (out, "D", D, NO * NH);
  snapshot (out, "D_T", Dt, NH * NO);
  c1w = cos_transpose (W, B, NH, NH);
  for (int i = 0; i < NH; i++)
    for (int j = 0; j < NH; j++)
      {
        d0 += pow (B0[j * NH + i] - n.W[i * NH + j], 2);
        d1 += pow (B[j * NH + i] - W[i * NH + j], 2);
      }
  fprintf (stderr, "KP: ||B - W^T|| / ||B_0 - W_0^T|| = %.15g, 0.95^99 = "
           "%.15g\n", sqrt (d1 / d0), pow (0.95, 99));
  c1d = cos_transpose (D, Dt, NO, NH);
  fprintf (stderr, "KP: cos(B, W^T) %.4f -> %.6f, cos(D_t, D^T) %.4f -> "
           "%.6f, loss %.3g -> %.3g\n", c0w, c1w, c0d, c1d,
           learned_row (out, "loss", 0), learned (out, "loss"));
  /* 99 updates applied (the 100th waits for a window that never comes) */
  assert_close1 (sqrt (d1 / d0), pow (0.95, 99), 0, 1e-9,
                 "||B - W^T|| shrinks by exactly 1 - wd per update");
  ck_assert (learned (out, "loss") < 0.1 * learned_row (out, "loss", 0));
  ck_assert_msg (c0w < 0.5 && c0d < 0.5, "aligned from the start: %g %g",
                 c0w, c0d);
  ck_assert_msg (c1w > 0.999 && c1d > 0.999, "cos(B, W^T) = %g, cos(D_t, "
                 "D^T) = %g after training", c1w, c1d);
}
END_TEST

/* ---- J*v of the least-control circuit ------------------------------------ */

/* The exact J*v (the models' local derivatives, sigma'' in r_prime's,
 * the controller's derived u through k_p) against central differences
 * of the RHS, and the dense Jacobian against J*v (mse: the unit-local
 * Jacobian is exact). */
START_TEST (test_lcp_jtimes)
{
  rnn n;
  char cfg[8192];
  const char *sets[2] = { "populations.ctrl.params.k_p=1.5",
                          "populations.ctrl.params.k_i=0.7" };
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec;
  credo_net *net;
  double *y, *v, *jv, *fd, *J, *Jv;
  size_t m;
  draw_rnn (&n, 3);
  rnn_config (&n, 0.3, 10.0, 10.0, NULL, 0, cfg, sizeof cfg);
  spec = credo_spec_load_string (ctx, cfg, "rnn.cfg", sets, 2);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  net = credo__net_build (ctx, spec);
  ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
  m = net->n_neuron; /* v_h, v_o, e_h, u_int: the weights are frozen */
  ck_assert_uint_eq (m, NH + NO + NH + NO);
  y = calloc (net->n_state, sizeof *y);
  v = calloc (net->n_state, sizeof *v);
  jv = calloc (net->n_state, sizeof *v);
  fd = calloc (net->n_state, sizeof *v);
  Jv = calloc (net->n_state, sizeof *v);
  J = calloc (m * m, sizeof *J);
  credo__net_init_state (net, y);
  for (size_t i = 0; i < m; i++)
    y[i] = 0.3 * sin (1.7 * (double) i + 0.4), v[i] = cos (0.9 * (double) i);
  credo__net_jac_setup (net, 1.0, y);
  credo__net_jtimes (net, v, jv);
  rhs_central_diff (net, 1.0, y, v, 1e-6, fd);
  assert_close (jv, fd, m, 1e-8, 1e-7, "J*v vs central difference");
  credo__net_jac_neurons (net, J, m);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < m; j++)
      Jv[i] += J[j * m + i] * v[j];
  assert_close (Jv, jv, m, 1e-14, 1e-13, "dense J v vs J*v");
  free (y);
  free (v);
  free (jv);
  free (fd);
  free (Jv);
  free (J);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

static Suite *
lcp_suite (void)
{
  Suite *s = suite_create ("lcp");
  TCase *tc = tcase_create ("lcp");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_lcp_chain_closed_form);
  tcase_add_test (tc, test_rbp_finite_differences);
  tcase_add_loop_test (tc, test_di_energy_stationary, 0, 2);
  tcase_add_test (tc, test_weak_control_is_rbp);
  tcase_add_test (tc, test_strong_control_least_control);
  tcase_add_test (tc, test_kolen_pollack_aligns);
  tcase_add_test (tc, test_lcp_jtimes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (lcp_suite ());
}
