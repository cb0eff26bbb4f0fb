/* tests/check_microcircuit.c -- dendritic cortical microcircuits (SAC18)
 * against closed forms: the steady states of SAC18 Eqs. 1-5, the
 * self-predicting state and the weak-feedback limit of Sect. 3.1 (checks
 * G13-G15 below).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "testutil.h"

/* credo_sim_get, failing the test when the variable cannot be read */
#define GET(sim, what, out, n)                                                \
  ck_assert_msg (credo_sim_get (sim, what, out, n) == 0, "cannot read %s",   \
                 what)

/* ---- G13: the self-predicting state ------------------------------------- */

START_TEST (test_g13_sps_output_upper)
{
  run r = run_file ("tests/configs/good/microcircuit_sps.cfg", NULL, NULL, 0);
  double va[3], ui[2], up[2], u1[3];
  ck_assert_int_eq (credo_sim_get (r.sim, "p1.apical", va, 3), 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "i1.u", ui, 2), 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "p2.u", up, 2), 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "p1.u", u1, 3), 0);
  ck_assert_msg (max_abs (u1, 3) > 0.1, "hidden layer silent");
  ck_assert_msg (max_abs (up, 2) > 0.01, "output layer silent");
  assert_close (va, NULL, 3, 1e-10, 0, "v_A vs 0");
  assert_close (ui, up, 2, 1e-10, 0, "u_I vs u_P");
  run_free (&r);
}
END_TEST

START_TEST (test_g13_sps_hidden_upper)
{
  run r = run_file ("tests/configs/good/microcircuit_sps2.cfg", NULL, NULL, 0);
  double va1[3], va2[3], ui1[3], up2[3], ui2[2], up3[2];
  GET (r.sim, "p1.apical", va1, 3);
  GET (r.sim, "p2.apical", va2, 3);
  GET (r.sim, "i1.u", ui1, 3);
  GET (r.sim, "p2.u", up2, 3);
  GET (r.sim, "i2.u", ui2, 2);
  GET (r.sim, "p3.u", up3, 2);
  ck_assert_msg (max_abs (up2, 3) > 0.01, "second layer silent");
  assert_close (va1, NULL, 3, 1e-10, 0, "v_A1 vs 0");
  assert_close (va2, NULL, 3, 1e-10, 0, "v_A2 vs 0");
  assert_close (ui1, up2, 3, 1e-10, 0, "u_I1 vs u_P2");
  assert_close (ui2, up3, 2, 1e-10, 0, "u_I2 vs u_P3");
  /* a wrong factor (1.0 instead of 0.578947) breaks the cancellation */
  const char *wrong[] = { "projections.[5].gain=1.0" };
  run w = run_file ("tests/configs/good/microcircuit_sps2.cfg", NULL, wrong,
                    1);
  GET (w.sim, "p1.apical", va1, 3);
  ck_assert_msg (max_abs (va1, 3) > 1e-3, "cancellation without the factor");
  run_free (&w);
  run_free (&r);
}
END_TEST

/* Plasticity on (rules 8-9) from random W_IP, W_PI (Fig. S1 rates): the
 * apical error decreases towards 0 over training. */
START_TEST (test_g13_sps_emerges)
{
  const char *sets[] = {
    "projections.[3].init={dist=\"uniform\"; low=-1.0; high=1.0; scale=1.0;}",
    "projections.[4].init={dist=\"uniform\"; low=-1.0; high=1.0; scale=1.0;}",
    "projections.[3].plasticity={rule=\"dendritic_prediction\"; eta=0.05;}",
    "projections.[4].plasticity={rule=\"apical_silencing\"; eta=0.05;}",
    "duration=5.0", "solver.rtol=1e-8", "solver.atol=1e-10",
  };
  double va0[3], va1[3];
  run r = run_file ("tests/configs/good/microcircuit_sps.cfg", NULL, sets, 7);
  GET (r.sim, "p1.apical", va0, 3);
  run_free (&r);
  sets[4] = "duration=20000.0";
  r = run_file ("tests/configs/good/microcircuit_sps.cfg", NULL, sets, 7);
  GET (r.sim, "p1.apical", va1, 3);
  ck_assert_msg (max_abs (va0, 3) > 0.05, "no initial apical error (%g)",
                 max_abs (va0, 3));
  assert_close (va1, NULL, 3, max_abs (va0, 3) / 100, 0,
                "apical error after training vs 1/100 of before");
  run_free (&r);
}
END_TEST

/* ---- G15: derived constants --------------------------------------------- */

/* One unit of each kind, driven by constant stimuli; returns the output of
 * `what` at the steady state. */
static const char g15_cfg[]
    = "duration = 400.0;\n"
      "populations = { x = { model = \"input\"; size = 1; };\n"
      "  h = { model = \"pyramidal\"; size = 1; params = { g_lk = %g; g_B = %g; g_A = %g; g_som = %g; }; };\n"
      "  o = { model = \"pyramidal\"; size = 1; params = { g_lk = %g; g_B = %g; g_A = 0.0; g_som = %g; }; };\n"
      "  i = { model = \"interneuron\"; size = 1; params = { g_lk = %g; g_D = %g; g_som = %g; }; }; };\n"
      "projections = ( { from = \"x\"; to = \"h.basal\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
      "  { from = \"x\"; to = \"o.basal\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
      "  { from = \"x\"; to = \"i.dendrite\"; init = { dist = \"constant\"; value = 1.0; }; } );\n"
      "stimuli = ( { to = \"x\"; kind = \"constant\"; value = 1.0; } );\n"
      "solver = { rtol = 1e-11; atol = 1e-13; };\n";

static void
g15_check (double gl, double gb, double ga, double gd, double gs,
           double lambda, double tau_eff, double att_h, double att_o,
           double att_i, double sps)
{
  char cfg[4096];
  double v, vh, vi;
  snprintf (cfg, sizeof cfg, g15_cfg, gl, gb, ga, gs, gl, gb, gs, gl, gd, gs);
  run r = run_text (cfg, NULL, NULL, 0);
  /* basal attenuations from the derived outputs (v_B = 1) */
  GET (r.sim, "h.basal_hat", &vh, 1);
  ck_assert_double_eq_tol (vh, att_h, 1e-6);
  GET (r.sim, "o.basal_hat", &v, 1);
  ck_assert_double_eq_tol (v, att_o, 1e-6);
  GET (r.sim, "i.dendrite_hat", &vi, 1);
  ck_assert_double_eq_tol (vi, att_i, 1e-6);
  /* the SPS factor of an interneuron mirroring a hidden layer is the ratio
   * of the two attenuations, g_B (g_lk + g_D) / (g_D (g_lk + g_B + g_A)):
   * the gain of WIP1 in microcircuit_sps2.cfg */
  assert_close1 (vh / vi, sps, 1e-6, 0, "SPS factor att_h / att_i");
  /* the steady state of the hidden cell is att_h v_B (no apical input) */
  GET (r.sim, "h.u", &v, 1);
  ck_assert_double_eq_tol (v, gb / (gl + gb + ga), 1e-9);
  /* tau_eff: the hidden cell's Jacobian is -1/tau_eff */
  credo_net *net = credo__net_build (r.ctx, r.spec);
  double *y = calloc (net->n_state, sizeof *y);
  credo__net_jac_setup (net, 0.0, y);
  ck_assert_double_eq_tol (-1.0 / net->pops[1].jac.dfdy[0], tau_eff, 1e-6);
  free (y);
  credo__net_free (net);
  run_free (&r);
  /* lambda_out: output nudged to u_trgt = 1 with v_B = 0 settles at
   * lambda u_trgt */
  snprintf (cfg, sizeof cfg,
            "duration = 400.0;\n"
            "populations = { o = { model = \"pyramidal\"; size = 1; params = "
            "{ g_lk = %g; g_B = %g; g_A = 0.0; g_som = %g; }; }; };\n"
            "stimuli = ( { to = \"o.nudge\"; kind = \"constant\"; value = 1.0; },\n"
            "  { to = \"o.gate\"; kind = \"constant\"; value = 1.0; } );\n"
            "solver = { rtol = 1e-11; atol = 1e-13; };\n",
            gl, gb, gs);
  r = run_text (cfg, NULL, NULL, 0);
  GET (r.sim, "o.u", &v, 1);
  ck_assert_double_eq_tol (v, lambda, 1e-6);
  run_free (&r);
}

START_TEST (test_g15_constants)
{
  /* SAC18 set: g_lk 0.1, g_B 1, g_A 0.8, g_D 1, g_som 0.8 */
  g15_check (0.1, 1.0, 0.8, 1.0, 0.8, 0.421053, 0.526316, 0.526316, 0.909091,
             0.909091, 0.578947);
  /* LE-bars set: 0.03, 0.1, 0.06, 0.1, 0.06 (lambda of the output layer is
   * g_som/(g_lk+g_B+g_som) = 0.06/0.19) */
  g15_check (0.03, 0.1, 0.06, 0.1, 0.06, 0.315789, 5.263158, 0.526316,
             0.769231, 0.769231, 0.684211);
}
END_TEST

/* ---- G14: the weak-feedback limit approximates backprop ------------------ */

static double
logistic (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

static double
cosine (const double *a, const double *b, size_t n)
{
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < n; i++)
    ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  return ab / sqrt (aa * bb);
}

START_TEST (test_g14_backprop_limit)
{
  enum { N0 = 4, N1 = 3, N2 = 2 };
  double W10[N1 * N0], W21[N2 * N1], W12[N1 * N2], x[N0] = { 1.0, -0.5, 2.0, 0.3 };
  double utr[N2] = { 1.5, -1.0 };
  char dir[] = "/tmp/credo-g14-XXXXXX", p10[256], p21[256], cfg[8192];
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  const double gl = 0.1, gb = 1.0, ga = 1e-3, gs = 1e-3, gd = 1.0;
  ck_assert_ptr_nonnull (mkdtemp (dir));
  gsl_rng_set (rng, 21);
  for (int k = 0; k < N1 * N0; k++)
    W10[k] = gsl_ran_flat (rng, -1.5, 1.5);
  for (int k = 0; k < N2 * N1; k++)
    W21[k] = gsl_ran_flat (rng, -2, 2);
  for (int i = 0; i < N1; i++)
    for (int j = 0; j < N2; j++)
      W12[i * N2 + j] = W21[j * N1 + i];
  gsl_rng_free (rng);
  snprintf (p10, sizeof p10, "%s/W10.csv", dir);
  snprintf (p21, sizeof p21, "%s/W21.csv", dir);
  write_csv (p10, W10, N1, N0);
  write_csv (p21, W21, N2, N1);
  /* SPS: W_IP = W21 (upper = output, factor 1), W_PI = -W12, W12 = W21^T */
  snprintf (cfg, sizeof cfg,
            "duration = 3000.0;\n"
            "populations = { x = { model = \"input\"; size = 4; };\n"
            "  p1 = { model = \"pyramidal\"; size = 3; params = { g_lk = %g; g_B = %g; g_A = %g; g_som = %g;\n"
            "         transfer = \"logistic\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; };\n"
            "  p2 = { model = \"pyramidal\"; size = 2; params = { g_lk = %g; g_B = %g; g_A = 0.0; g_som = %g;\n"
            "         transfer = \"logistic\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; };\n"
            "  i1 = { model = \"interneuron\"; size = 2; params = { g_lk = %g; g_D = %g; g_som = %g;\n"
            "         transfer = \"logistic\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; }; };\n"
            "projections = (\n"
            "  { name = \"W10\"; from = \"x\"; to = \"p1.basal\"; init = { file = \"%s\"; }; },\n"
            "  { name = \"W21\"; from = \"p1.r\"; to = \"p2.basal\"; init = { file = \"%s\"; }; },\n"
            "  { name = \"W12\"; from = \"p2.r\"; to = \"p1.apical\"; init = { transpose = \"W21\"; }; },\n"
            "  { name = \"WIP\"; from = \"p1.r\"; to = \"i1.dendrite\"; init = { copy = \"W21\"; }; },\n"
            "  { name = \"WPI\"; from = \"i1.r\"; to = \"p1.apical\"; gain = -1.0; init = { copy = \"W12\"; }; },\n"
            "  { from = \"p2.u\"; to = \"i1.nudge\"; connectivity = \"one_to_one\"; init = { dist = \"constant\"; value = 1.0; }; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [%.17e, %.17e, %.17e, %.17e]; },\n"
            "  { to = \"p2.nudge\"; kind = \"constant\"; value = [%.17e, %.17e]; },\n"
            "  { to = \"p2.gate\"; kind = \"constant\"; value = 1.0; } );\n"
            "solver = { rtol = 1e-12; atol = 1e-14; };\n",
            gl, gb, ga, gs, gl, gb, gs, gl, gd, gs, p10, p21, x[0], x[1], x[2],
            x[3], utr[0], utr[1]);
  run r = run_text (cfg, NULL, NULL, 0);
  double r1[N1], pred1[N1], r2[N2], pred2[N2];
  GET (r.sim, "p1.r", r1, N1);
  GET (r.sim, "p1.basal_pred", pred1, N1);
  GET (r.sim, "p2.r", r2, N2);
  GET (r.sim, "p2.basal_pred", pred2, N2);
  run_free (&r);

  /* the microcircuit's Eq.-7 errors (the updates are these times r_pre^T,
   * the same r_pre for both, so the cosine of the updates is that of the
   * errors... up to the O(lambda) change of r_pre itself, included below) */
  double e1[N1], e2[N2];
  for (int i = 0; i < N1; i++)
    e1[i] = r1[i] - pred1[i];
  for (int i = 0; i < N2; i++)
    e2[i] = r2[i] - pred2[i];

  /* equivalent feed-forward network u_k = a_k W phi(u_{k-1}) */
  const double a1 = gb / (gl + gb + ga), a2 = gb / (gl + gb);
  double u1[N1], f1[N1], d1[N1], u2[N2], d2[N2], delta2[N2], delta1[N1];
  for (int i = 0; i < N1; i++)
    {
      double s = 0;
      for (int j = 0; j < N0; j++)
        s += W10[i * N0 + j] * x[j];
      u1[i] = a1 * s;
      f1[i] = logistic (u1[i]);
      d1[i] = f1[i] * (1 - f1[i]);
    }
  for (int i = 0; i < N2; i++)
    {
      double s = 0;
      for (int j = 0; j < N1; j++)
        s += W21[i * N1 + j] * f1[j];
      u2[i] = a2 * s;
      double f = logistic (u2[i]);
      d2[i] = f * (1 - f);
      delta2[i] = d2[i] * (utr[i] - u2[i]);
    }
  for (int i = 0; i < N1; i++)
    {
      double s = 0;
      for (int j = 0; j < N2; j++)
        s += W12[i * N2 + j] * delta2[j];
      delta1[i] = d1[i] * s;
    }
  /* compare the full updates e r_pre^T with the backprop ones */
  double g1[N1 * N0], b1[N1 * N0], g2[N2 * N1], b2[N2 * N1];
  for (int i = 0; i < N1; i++)
    for (int j = 0; j < N0; j++)
      g1[i * N0 + j] = e1[i] * x[j], b1[i * N0 + j] = delta1[i] * x[j];
  for (int i = 0; i < N2; i++)
    for (int j = 0; j < N1; j++)
      g2[i * N1 + j] = e2[i] * r1[j], b2[i * N1 + j] = delta2[i] * f1[j];
  double c1 = cosine (g1, b1, N1 * N0), c2 = cosine (g2, b2, N2 * N1);
  fprintf (stderr, "G14: cos(hidden update, BP) = %.10f, cos(output, BP) = %.12f\n",
           c1, c2);
  ck_assert_msg (c1 > 0.99, "hidden cos %g", c1);
  ck_assert_msg (c2 > 0.999, "output cos %g", c2);
  ck_assert_int_eq (rm_tree (dir), 0);
}
END_TEST

/* ---- dendritic-prediction fixed point ------------------------------------- */

START_TEST (test_urbanczik_senn_fixed_point)
{
  /* one output cell nudged to u_trgt learns its basal weights until the
   * dendrite predicts the soma: then phi(u) = phi(v_hat) and u = u_trgt */
  static const char cfg[]
      = "duration = 20000.0;\nseed = 2;\n"
        "populations = { x = { model = \"input\"; size = 3; };\n"
        "  o = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; transfer = \"softplus\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; }; };\n"
        "projections = ( { from = \"x\"; to = \"o.basal\"; init = { dist = \"uniform\"; low = -0.5; high = 0.5; scale = 1.0; };\n"
        "  plasticity = { rule = \"dendritic_prediction\"; eta = 0.01; tau_w = 30.0; }; } );\n"
        "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [1.0, 0.5, -1.0]; },\n"
        "  { to = \"o.nudge\"; kind = \"constant\"; value = [1.2, -0.7]; },\n"
        "  { to = \"o.gate\"; kind = \"constant\"; value = 1.0; } );\n"
        "solver = { rtol = 1e-9; atol = 1e-11; linear = \"spgmr\"; };\n";
  run r = run_text (cfg, NULL, NULL, 0);
  double rate[2], pred[2], u[2];
  GET (r.sim, "o.r", rate, 2);
  GET (r.sim, "o.basal_pred", pred, 2);
  GET (r.sim, "o.u", u, 2);
  assert_close (rate, pred, 2, 1e-6, 0, "phi(u) vs phi(v_hat)");
  ck_assert_double_eq_tol (u[0], 1.2, 1e-5);
  ck_assert_double_eq_tol (u[1], -0.7, 1e-5);
  credo_solver_stats st;
  credo_sim_stats (r.sim, &st);
  ck_assert_int_gt (st.jtimes_evals, 0); /* the analytic J*v was used */
  run_free (&r);
}
END_TEST

/* ---- plastic top-down (SAC18 Eq. 10) --------------------------------------- */

START_TEST (test_topdown_prediction_fixed_point)
{
  /* a hidden cell with basal input v_B and a plastic top-down projection
   * from constant upper rates onto its `topdown` port: the rule stops when
   * phi(v_TD) = phi(u), i.e. v_TD = u, and then the steady state
   * u = (g_B v_B + g_A v_TD) / (g_lk + g_B + g_A) gives
   * u = g_B v_B / (g_lk + g_B): the top-down input predicts the soma and
   * no longer moves it */
  static const char cfg[]
      = "duration = 30000.0;\nseed = 4;\n"
        "populations = { x = { model = \"input\"; size = 2; };\n"
        "  z = { model = \"input\"; size = 3; };\n"
        "  h = { model = \"pyramidal\"; size = 2; params = { transfer = \"softplus\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; }; };\n"
        "projections = ( { from = \"x\"; to = \"h.basal\"; init = { dist = \"constant\"; value = 0.75; }; },\n"
        "  { from = \"z\"; to = \"h.topdown\"; init = { dist = \"uniform\"; low = -1.0; high = 1.0; scale = 1.0; };\n"
        "    plasticity = { rule = \"dendritic_prediction\"; eta = 0.01; tau_w = 30.0; }; } );\n"
        "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [1.0, -0.2]; },\n"
        "  { to = \"z\"; kind = \"constant\"; value = [0.5, 1.0, -1.5]; } );\n"
        "solver = { rtol = 1e-9; atol = 1e-11; linear = \"spgmr\"; };\n";
  run r = run_text (cfg, NULL, NULL, 0);
  double rate[2], pred[2], u[2], vtd[2];
  const double v_b = 0.75 * (1.0 - 0.2), want = 1.0 * v_b / (0.1 + 1.0);
  GET (r.sim, "h.r", rate, 2);
  GET (r.sim, "h.topdown_pred", pred, 2);
  GET (r.sim, "h.topdown_hat", vtd, 2);
  GET (r.sim, "h.u", u, 2);
  assert_close (rate, pred, 2, 1e-6, 0, "phi(u) vs phi(v_TD)");
  for (int i = 0; i < 2; i++)
    {
      ck_assert_double_eq_tol (vtd[i], u[i], 1e-5);
      ck_assert_double_eq_tol (u[i], want, 1e-5);
    }
  run_free (&r);
}
END_TEST

/* ---- exact J*v with plastic weights and filters ---------------------------- */

/* J*v of the 4-3-2 circuit with the given plasticity against central
 * differences of the RHS, and the dense Jacobian against J*v. */
static void
check_plastic_jacobian (const char **sets, size_t n_sets)
{
  char path[1024];
  credo_ctx *ctx = credo_ctx_new ();
  snprintf (path, sizeof path, "%s/tests/configs/good/microcircuit_sps.cfg",
            srcdir ());
  credo_spec *spec = credo_spec_load (ctx, path, sets, n_sets);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  credo_net *net = credo__net_build (ctx, spec);
  ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
  size_t n = net->n_state;
  ck_assert_int_gt (n, net->n_neuron + 20);
  double *y = calloc (n, 8), *v = calloc (n, 8), *jv = calloc (n, 8);
  double *fd = calloc (n, 8);
  double *J = calloc (n * n, 8);
  credo__net_init_state (net, y);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  for (size_t i = 0; i < n; i++)
    {
      y[i] += gsl_ran_gaussian (rng, 1.0);
      v[i] = gsl_ran_gaussian (rng, 1.0);
    }
  const double h = 1e-6, t = 10.0;
  credo__net_jac_setup (net, t, y);
  credo__net_jtimes (net, v, jv);
  rhs_central_diff (net, t, y, v, h, fd);
  double scale = max_abs (jv, n);
  ck_assert_msg (scale > 0, "J*v vanishes");
  /* elements from n_neuron on are the weights' */
  assert_close (fd, jv, n, 1e-7 * fmax (1, scale), 0, "FD vs J*v");
  /* the dense Jacobian of a plastic network agrees with J*v */
  credo__net_jac_setup (net, t, y);
  credo__net_jac_dense (net, J, n);
  double *dj = calloc (n, 8);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      dj[i] += J[j * n + i] * v[j];
  assert_close (dj, jv, n, 1e-10 * fmax (1, scale), 0, "dense J v vs J*v");
  free (y), free (v), free (jv), free (fd), free (J), free (dj);
  gsl_rng_free (rng);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}

#define PLASTIC_SETS                                                          \
  "projections.[0].plasticity={rule=\"dendritic_prediction\"; eta=0.3; "     \
  "tau_w=30.0;}",                                                            \
      "projections.[1].plasticity={rule=\"dendritic_prediction\"; eta=0.2;}", \
      "projections.[3].plasticity={rule=\"dendritic_prediction\"; eta=0.1;}", \
      "projections.[4].plasticity={rule=\"apical_silencing\"; eta=0.4; "     \
      "tau_w=5.0;}",                                                         \
      "stimuli=({to=\"x\"; kind=\"constant\"; value=[3.0,-2.0,5.0,4.0];},"  \
      "{to=\"p2.nudge\"; kind=\"constant\"; value=[1.0,-1.0];},"            \
      "{to=\"p2.gate\"; kind=\"constant\"; value=1.0;})"

START_TEST (test_plastic_jacobian_fd)
{
  const char *sets[] = { PLASTIC_SETS };
  check_plastic_jacobian (sets, sizeof sets / sizeof *sets);
}
END_TEST

START_TEST (test_plastic_topdown_jacobian_fd)
{
  /* the top-down projection W12 onto the `topdown` port, plastic */
  const char *sets[] = {
    PLASTIC_SETS, "projections.[2].to=\"p1.topdown\"",
    "projections.[2].plasticity={rule=\"dendritic_prediction\"; eta=0.25; "
    "tau_w=10.0;}",
  };
  check_plastic_jacobian (sets, sizeof sets / sizeof *sets);
}
END_TEST

/* ---- bad input ------------------------------------------------------------- */

static void
expect_bad (const char *text, const char *needle)
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec = credo_spec_load_string (ctx, text, "bad.cfg", NULL, 0);
  credo_sim *sim = spec ? credo_sim_new (ctx, spec, NULL) : NULL;
  ck_assert_msg (sim == NULL, "accepted: %s", text);
  expect_config_error (ctx, needle);
  credo_sim_free (sim);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}

START_TEST (test_bad_microcircuits)
{
  /* a projection onto a port the model lacks */
  expect_bad ("duration = 10.0;\n"
              "populations = { x = { model = \"input\"; size = 2; };\n"
              "  p = { model = \"pyramidal\"; size = 2; }; };\n"
              "projections = ( { from = \"x\"; to = \"p.dendrite\"; } );\n",
              "unknown input port 'dendrite' of model pyramidal");
  /* a rule on a projection whose post-synaptic model has no prediction */
  expect_bad ("duration = 10.0;\n"
              "populations = { x = { model = \"input\"; size = 2; };\n"
              "  p = { model = \"pyramidal\"; size = 2; }; };\n"
              "projections = ( { from = \"x\"; to = \"p.nudge\";\n"
              "  plasticity = { rule = \"dendritic_prediction\"; eta = 0.1; }; } );\n",
              "nudge_pred");
  /* a rule on a rate neuron, which predicts nothing */
  expect_bad ("duration = 10.0;\n"
              "populations = { x = { model = \"input\"; size = 2; };\n"
              "  h = { model = \"rate\"; size = 2; }; };\n"
              "projections = ( { from = \"x\"; to = \"h\";\n"
              "  plasticity = { rule = \"dendritic_prediction\"; eta = 0.1; }; } );\n",
              "model rate");
  /* mismatched interneuron / upper-layer sizes */
  expect_bad ("duration = 10.0;\n"
              "populations = { p = { model = \"pyramidal\"; size = 3; };\n"
              "  i = { model = \"interneuron\"; size = 2; }; };\n"
              "projections = ( { from = \"p.u\"; to = \"i.nudge\"; connectivity = \"one_to_one\"; } );\n",
              "equal sizes");
  /* an unknown rule */
  expect_bad ("duration = 10.0;\n"
              "populations = { x = { model = \"input\"; size = 2; };\n"
              "  p = { model = \"pyramidal\"; size = 2; }; };\n"
              "projections = ( { from = \"x\"; to = \"p.basal\";\n"
              "  plasticity = { rule = \"dendritic_predction\"; eta = 0.1; }; } );\n",
              "did you mean 'dendritic_prediction'");
  /* a derived output may feed a projection, but not in a loop */
  expect_bad ("duration = 10.0;\n"
              "populations = { p = { model = \"pyramidal\"; size = 2; };\n"
              "  q = { model = \"pyramidal\"; size = 2; }; };\n"
              "projections = ( { from = \"p.basal_hat\"; to = \"q.basal\"; },\n"
              "  { name = \"back\"; from = \"q.basal_hat\"; to = \"p.basal\"; } );\n",
              "is on a loop through outputs that depend on");
}
END_TEST

static Suite *
microcircuit_suite (void)
{
  Suite *s = suite_create ("microcircuit");
  TCase *tc = tcase_create ("sac18");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_g13_sps_output_upper);
  tcase_add_test (tc, test_g13_sps_hidden_upper);
  tcase_add_test (tc, test_g13_sps_emerges);
  tcase_add_test (tc, test_g15_constants);
  tcase_add_test (tc, test_g14_backprop_limit);
  tcase_add_test (tc, test_urbanczik_senn_fixed_point);
  tcase_add_test (tc, test_topdown_prediction_fixed_point);
  tcase_add_test (tc, test_plastic_topdown_jacobian_fd);
  tcase_add_test (tc, test_plastic_jacobian_fd);
  tcase_add_test (tc, test_bad_microcircuits);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (microcircuit_suite ());
}
