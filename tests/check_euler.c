/* tests/check_euler.c -- the fixed-step (Euler-Maruyama) engine.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Deterministic runs are checked against closed forms (first-order
 * convergence) and against a tight CVODE run; noisy runs against the
 * Ornstein-Uhlenbeck statistics and for bit-reproducibility.  No built-in
 * model declares noise yet, so the noisy tests load a `rate` population and
 * then swap in `noisy_rate`, a test-only copy of the rate equations with a
 * noise amplitude `sigma` (parameter 7), before the simulation is built.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "testutil.h"

/* ---- the test-only noisy model --------------------------------------- */

/* The rate model's parameters in its order, then sigma. */
enum { P_TAU, P_BIAS, P_TRANSFER, P_GAIN, P_THRESHOLD, P_SCALE, P_U0,
       P_SIGMA, N_PARAM };

static const credo_var_desc nr_vars[] = {
  { "u", "mV", 1.0, "potential" },
};
static const credo_port_desc nr_inputs[] = {
  { "in", "mV", 0, "summed input" },
};
static const credo_port_desc nr_outputs[] = {
  { "r", "1", 0, "rate (linear: beta gamma (u - theta))" },
  { "u", "mV", 0, "the potential" },
};
static const credo_param_desc nr_params[] = {
  { "tau", 10.0, "ms", 1e-9, 1e12, NULL, "time constant" },
  { "bias", 0.0, "mV", -1e12, 1e12, NULL, "bias" },
  { "transfer", 0, "", 0, 5, NULL, "ignored: linear" },
  { "gain", 1.0, "1/mV", -1e12, 1e12, NULL, "beta" },
  { "threshold", 0.0, "mV", -1e12, 1e12, NULL, "theta" },
  { "scale", 1.0, "1", -1e12, 1e12, NULL, "gamma" },
  { "u0", 0.0, "mV", -1e12, 1e12, NULL, "initial potential" },
  { "sigma", 0.0, "mV/sqrt(ms)", 0, 1e12, NULL, "noise amplitude" },
};

static void
nr_init (const credo_pop_view *v, double *y)
{
  for (size_t i = 0; i < v->n; i++)
    y[i] = v->p[P_U0];
}

static void
nr_output (const credo_pop_view *v, double t, const double *y,
           double *const *out)
{
  const double *p = v->p;
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    {
      out[0][i] = p[P_SCALE] * p[P_GAIN] * (y[i] - p[P_THRESHOLD]);
      out[1][i] = y[i];
    }
}

static void
nr_rhs (const credo_pop_view *v, double t, const double *y, double *ydot)
{
  (void) t;
  for (size_t i = 0; i < v->n; i++)
    ydot[i] = (v->in[0][i] + v->p[P_BIAS] - y[i]) / v->p[P_TAU];
}

static double
nr_noise (const double *p, size_t var)
{
  return var == 0 ? p[P_SIGMA] : 0.0;
}

static const credo_model_type noisy_rate = {
  .version = CREDO_MODEL_VERSION,
  .name = "noisy_rate",
  .doc = "test only: tau du = (-u + in + bias) dt + tau sigma dW",
  .n_var = 1,
  .vars = nr_vars,
  .n_in = 1,
  .inputs = nr_inputs,
  .n_out = 2,
  .outputs = nr_outputs,
  .n_param = N_PARAM,
  .params = nr_params,
  .init = nr_init,
  .output = nr_output,
  .rhs = nr_rhs,
  .noise = nr_noise,
};

/* Turns population `pop` (a loaded `rate` population) into noisy_rate with
 * noise amplitude sigma (or sets rate's own sigma, once it has one). */
static void
make_noisy (credo_spec *spec, int pop, double sigma)
{
  credo_pop_spec *ps = &spec->pops[pop];
  int idx = credo_model_param_index (ps->model, "sigma");
  double *p;
  ck_assert_str_eq (ps->model->name, "rate");
  if (idx >= 0 && ps->model->noise)
    {
      /* rate has learnt noise itself */
      ps->params[idx] = sigma;
      ck_assert_double_eq (ps->model->noise (ps->params, 0), sigma);
      return;
    }
  ck_assert_int_eq (ps->model->n_param, P_SIGMA);
  p = realloc (ps->params, N_PARAM * sizeof *p);
  ck_assert_ptr_nonnull (p);
  p[P_SIGMA] = sigma;
  ps->params = p;
  ps->model = &noisy_rate;
}

/* ---- runs --------------------------------------------------------------- */

/* Loads `text` with overrides; when sigma > 0 the first population becomes
 * noisy_rate; then builds and runs the simulation writing `out` (may be
 * NULL). */
static run
run_noisy (const char *text, const char *out, const char **sets,
           size_t n_sets, double sigma)
{
  run r = run_load (text, sets, n_sets);
  if (sigma > 0)
    make_noisy (r.spec, 0, sigma);
  run_start (&r, out);
  return r;
}

/* A root string attribute, malloc'd; the test fails when it is absent. */
static char *
read_root_string (const char *path, const char *name)
{
  char *s = h5_string_attr (path, "/", name);
  ck_assert_msg (s != NULL, "%s: no root attribute '%s'", path, name);
  return s;
}

/* ---- (a) first-order convergence on the step response ------------------ */

static const char step_cfg[]
    = STEP_CIRCUIT
      "solver = { engine = \"euler\"; dt = 0.1; };\n";

/* Max error of the recorded step response at one dt; checks the counters. */
static double
step_error (double dt)
{
  char out[300], set_dt[64];
  size_t rows, cols;
  double err;
  credo_solver_stats st;
  path_in_tmp (out, sizeof out, "step.h5");
  snprintf (set_dt, sizeof set_dt, "solver.dt=%.17g", dt);
  const char *sets[] = { set_dt };
  run r = run_text (step_cfg, out, sets, 1);
  credo_sim_stats (r.sim, &st);
  ck_assert_str_eq (credo_sim_linear_solver (r.sim), "none");
  ck_assert_int_eq (st.steps, lround (200.0 / dt));
  ck_assert_int_eq (st.rhs_evals, st.steps);
  ck_assert_int_eq (st.reinits, 2);
  ck_assert_int_eq (st.jac_evals + st.nonlin_iters + st.lin_iters, 0);
  run_free (&r);
  char *engine = read_root_string (out, "engine");
  ck_assert_str_eq (engine, "euler");
  free (engine);
  double *u = read_2d (out, "/report/h/u/data", &rows, &cols);
  double *ex = step_exact_at (NULL, 0.5, rows);
  ck_assert_int_eq (rows, 401);
  ck_assert_double_eq (u[0], 0.0);
  err = max_diff (u, ex, rows); /* NaN when a sample is not finite */
  free (u);
  free (ex);
  return err;
}

START_TEST (test_first_order)
{
  double e1 = step_error (0.1), e2 = step_error (0.05), e3 = step_error (0.025);
  double q1 = e1 / e2, q2 = e2 / e3;
  printf ("# step response: max error %.4g, %.4g, %.4g at dt = 0.1, 0.05, "
          "0.025 ms; ratios %.4f, %.4f\n", e1, e2, e3, q1, q2);
  fflush (stdout);
  ck_assert_msg (e1 < 0.01, "dt = 0.1: error %g", e1);
  ck_assert_msg (q1 >= 1.8 && q1 <= 2.2, "ratio %g (errors %g %g)", q1, e1,
                 e2);
  ck_assert_msg (q2 >= 1.8 && q2 <= 2.2, "ratio %g (errors %g %g)", q2, e2,
                 e3);
}
END_TEST

/* ---- grid: segment ends, shortened steps, interpolated samples ---------- */

START_TEST (test_grid_and_interpolation)
{
  char out[300];
  size_t ns, cs, nt, ct, ng, cg;
  char what[80];
  credo_solver_stats st;
  const char *sets[]
      = { "solver.dt=0.3",
          "record=({what=\"h.u\"; every=0.0;}, {what=\"h.r\"; every=0.25;})" };
  path_in_tmp (out, sizeof out, "grid.h5");
  run r = run_text (step_cfg, out, sets, 2);
  credo_sim_stats (r.sim, &st);
  /* segments of 50, 70 and 80 ms: 167 + 234 + 267 steps, the last of each
   * shortened to land on the discontinuity */
  ck_assert_int_eq (st.steps, 167 + 234 + 267);
  run_free (&r);
  double *us = read_2d (out, "/report/h/u/data", &ns, &cs);
  double *ts = read_2d (out, "/report/h/u/mapping/timestamps", &nt, &ct);
  double *ug = read_2d (out, "/report/h/r/data", &ng, &cg);
  ck_assert_int_eq (ns, 668);
  ck_assert_int_eq (nt, ns);
  ck_assert_int_eq (ng, 801);
  ck_assert_double_eq (ts[166], 50.0);
  ck_assert_double_eq (ts[166 + 234], 120.0);
  ck_assert_double_eq (ts[ns - 1], 200.0);
  ck_assert_double_eq_tol (ts[165], 49.8, 1e-12);
  ck_assert_double_eq_tol (ts[0], 0.3, 1e-15);
  for (size_t k = 1; k < nt; k++)
    ck_assert_msg (ts[k] > ts[k - 1] && ts[k] - ts[k - 1] <= 0.3 + 1e-12,
                   "step %zu: %.17g -> %.17g", k, ts[k - 1], ts[k]);
  /* every grid sample (r = u here) is the linear interpolation between the
   * two steps around it */
  for (size_t j = 1; j < ng; j++)
    {
      double t = 0.25 * (double) j, ta = 0, ua = 0, ex;
      size_t k = 0;
      while (ts[k] < t)
        k++;
      if (k > 0)
        ta = ts[k - 1], ua = us[k - 1];
      ex = ua + (t - ta) / (ts[k] - ta) * (us[k] - ua);
      snprintf (what, sizeof what, "t = %g: grid sample vs interpolation", t);
      assert_close1 (ug[j], ex, 1e-13, 0, what);
    }
  free (us);
  free (ts);
  free (ug);
}
END_TEST

/* ---- (b) Euler approaches CVODE on a nonlinear network ------------------- */

static const char tanh_cfg[]
    = "duration = 200.0;\nseed = 11;\n"
      "populations = { x = { model = \"input\"; size = 10; };\n"
      "  h = { model = \"rate\"; size = 50; params = { tau = 10.0; transfer = \"tanh\"; }; }; };\n"
      "projections = ( { from = \"x\"; to = \"h\"; init = { dist = \"normal\"; std = 1.0; scale = \"1/sqrt(fan_in)\"; }; },\n"
      "  { from = \"h\"; to = \"h\"; gain = 0.9; init = { dist = \"normal\"; std = 1.0; scale = \"1/sqrt(fan_in)\"; }; } );\n"
      "stimuli = ( { to = \"x\"; kind = \"sine\"; amplitude = 1.0; period = 50.0; },\n"
      "  { to = \"x\"; kind = \"steps\"; times = [0.0, 100.0]; values = [0.5, -0.5]; } );\n"
      "record = ( { what = \"h.u\"; every = 1.0; } );\n"
      "solver = { rtol = 1e-10; atol = 1e-12; };\n";

static double *
tanh_run (const char *engine, double dt, size_t *rows, size_t *cols)
{
  char out[300], s1[64], s2[64];
  path_in_tmp (out, sizeof out, "tanh.h5");
  snprintf (s1, sizeof s1, "solver.engine=\"%s\"", engine);
  snprintf (s2, sizeof s2, "solver.dt=%.17g", dt);
  const char *sets[] = { s1, s2 };
  run r = run_text (tanh_cfg, out, sets, 2);
  run_free (&r);
  return read_2d (out, "/report/h/u/data", rows, cols);
}

START_TEST (test_agrees_with_cvode)
{
  size_t rr, rc, r1, c1;
  double *ref = tanh_run ("cvode", 0.1, &rr, &rc), err[3], scale;
  const double dts[3] = { 0.1, 0.05, 0.025 };
  ck_assert_int_eq (rr, 201);
  ck_assert_int_eq (rc, 50);
  scale = max_abs (ref, rr * rc);
  ck_assert_msg (scale > 0.1, "network silent");
  for (int j = 0; j < 3; j++)
    {
      double *u = tanh_run ("euler", dts[j], &r1, &c1);
      ck_assert_int_eq (r1, rr);
      ck_assert_int_eq (c1, rc);
      err[j] = max_diff (u, ref, rr * rc); /* NaN if any is not finite */
      free (u);
    }
  printf ("# tanh network vs CVODE: max error %.4g, %.4g, %.4g at dt = 0.1, "
          "0.05, 0.025 ms; ratios %.4f, %.4f (scale %.3g)\n", err[0], err[1],
          err[2], err[0] / err[1], err[1] / err[2], scale);
  fflush (stdout);
  free (ref);
  ck_assert_msg (err[0] < 0.05 * scale, "dt = 0.1: error %g", err[0]);
  for (int j = 0; j < 2; j++)
    ck_assert_msg (err[j] / err[j + 1] >= 1.7 && err[j] / err[j + 1] <= 2.3,
                   "not first order: errors %g %g", err[j], err[j + 1]);
}
END_TEST

/* ---- noisy runs ---------------------------------------------------------- */

static const char ou_cfg[]
    = "duration = 2100.0;\nseed = 5;\n"
      "populations = { h = { model = \"rate\"; size = 200; params = { tau = 10.0; transfer = \"linear\"; }; }; };\n"
      "record = ( { what = \"h.u\"; every = 1.0; start = 100.0; } );\n"
      "solver = { engine = \"euler\"; dt = 0.1; };\n";

/* (c) the same seed gives the same noisy trajectory, bit for bit. */
START_TEST (test_noise_determinism)
{
  char a[300], b[300], c[300];
  size_t na, ca, nb, cb, nc, cc;
  const char *sets[] = { "duration=200.0", "populations.h.size=20" };
  const char *sets2[] = { "duration=200.0", "populations.h.size=20",
                          "seed=6" };
  path_in_tmp (a, sizeof a, "na.h5");
  path_in_tmp (b, sizeof b, "nb.h5");
  path_in_tmp (c, sizeof c, "nc.h5");
  run r = run_noisy (ou_cfg, a, sets, 2, 0.5);
  run_free (&r);
  r = run_noisy (ou_cfg, b, sets, 2, 0.5);
  run_free (&r);
  r = run_noisy (ou_cfg, c, sets2, 3, 0.5);
  run_free (&r);
  double *ua = read_2d (a, "/report/h/u/data", &na, &ca);
  double *ub = read_2d (b, "/report/h/u/data", &nb, &cb);
  double *uc = read_2d (c, "/report/h/u/data", &nc, &cc);
  ck_assert_int_eq (na, 101);
  ck_assert_int_eq (ca, 20);
  ck_assert_int_eq (nb, na);
  ck_assert_int_eq (nc, na);
  ck_assert_msg (ua[0] != 0.0 && ua[1] != ua[0], "no noise");
  ck_assert_mem_eq (ua, ub, na * ca * sizeof *ua);
  ck_assert_msg (memcmp (ua, uc, na * ca * sizeof *ua) != 0,
                 "another seed gave the same trajectory");
  free (ua);
  free (ub);
  free (uc);
}
END_TEST

/* (d) du = -(u/tau) dt + sigma dW: stationary variance sigma^2 tau / 2 and
 * autocorrelation exp(-|s|/tau).  What the engine computes is the
 * Euler-Maruyama chain u' = a u + sigma sqrt(dt) xi with a = 1 - dt/tau,
 * whose stationary variance is sigma^2 dt / (1 - a^2) = sigma^2 tau /
 * (2 - dt/tau) (var_em) and whose autocorrelation after m steps is a^m: the
 * statistics are checked against the chain.
 *
 * Tolerances from the sample size, not from a run: every unit (200,
 * independent) is sampled every 1 ms = 10 steps, so its 2001 samples are an
 * AR(1) sequence with lag-one correlation phi = a^10 = 0.904; N = 400200
 * samples in all.  For a stationary Gaussian AR(1) sequence the standard
 * errors of the estimates are
 *   mean:      sqrt (var / N * (1 + phi) / (1 - phi))          = 0.0079
 *   variance:  var sqrt (2 / N * (1 + phi^2) / (1 - phi^2))    = 0.0071 var
 *   autocorrelation at lag m samples (Bartlett, m = 10):
 *     sqrt (((1 + phi^2) (1 - phi^2m) / (1 - phi^2) - 2 m phi^2m) / N)
 *                                                              = 0.0039
 * (the factors are N / the effective number of independent samples), and
 * each estimate must be within 4 standard errors (two-sided false-failure
 * probability 6e-5 for an arbitrary seed; seed 5 is fixed, so the outcome is
 * reproducible).  The 100 ms before recording starts are 1000 steps: the
 * variance is then within a^2000 = 2e-9 of stationary.  var_em and var_sde
 * differ by 0.5 %, less than one standard error: telling them apart would
 * need some 30 times the samples, so var_sde is printed, not asserted. */
START_TEST (test_ou_statistics)
{
  const double tau = 10.0, sigma = 0.5, dt = 0.1;
  const double var_sde = sigma * sigma * tau / 2;
  const double var_em = sigma * sigma * tau / (2 - dt / tau);
  char out[300];
  size_t rows, cols, n = 0, n_lag = 0;
  const size_t lag = 10; /* samples every 1 ms: 10 ms = tau */
  const double phi = pow (1 - dt / tau, 1.0 / dt), phi2 = phi * phi;
  const double rho_em = pow (phi, (double) lag);
  double mean = 0, m2 = 0, c_lag = 0;
  path_in_tmp (out, sizeof out, "ou.h5");
  run r = run_noisy (ou_cfg, out, NULL, 0, sigma);
  run_free (&r);
  double *u = read_2d (out, "/report/h/u/data", &rows, &cols);
  ck_assert_int_eq (rows, 2001);
  ck_assert_int_eq (cols, 200);
  for (size_t k = 0; k < rows; k++)
    for (size_t i = 0; i < cols; i++)
      {
        double x = u[k * cols + i];
        mean += x, m2 += x * x, n++;
        if (k >= lag)
          c_lag += x * u[(k - lag) * cols + i], n_lag++;
      }
  mean /= (double) n;
  m2 /= (double) n;
  c_lag /= (double) n_lag;
  double var = m2 - mean * mean, rho = c_lag / m2;
  const double N = (double) n, m = (double) lag, phi2m = pow (phi2, m);
  const double se_mean = sqrt (var_em / N * (1 + phi) / (1 - phi));
  const double se_var = var_em * sqrt (2 / N * (1 + phi2) / (1 - phi2));
  const double se_rho = sqrt (((1 + phi2) * (1 - phi2m) / (1 - phi2)
                               - 2 * m * phi2m) / N);
  printf ("# OU: variance %.5f (Euler-Maruyama %.5f, SDE %.5f; %.2f "
          "standard errors of %.5f off), mean %.4f (%.2f s.e. of %.4f), "
          "autocorrelation at tau %.4f (chain %.4f, exp(-1) = %.4f; %.2f "
          "s.e. of %.4f)\n", var, var_em, var_sde, (var - var_em) / se_var,
          se_var, mean, mean / se_mean, se_mean, rho, rho_em, exp (-1.0),
          (rho - rho_em) / se_rho, se_rho);
  fflush (stdout);
  assert_close1 (var, var_em, 4 * se_var, 0, "variance vs Euler-Maruyama");
  assert_close1 (mean, 0.0, 4 * se_mean, 0, "mean");
  assert_close1 (rho, rho_em, 4 * se_rho, 0, "autocorrelation at lag tau");
  free (u);
}
END_TEST

/* ---- (e) CVODE refuses noise --------------------------------------------- */

/* With a registered model that declares noise through a parameter named
 * "sigma", the loader refuses it under CVODE and accepts it under euler.
 * pyramidal and interneuron declare it; a registry without such a model
 * would leave the refusal untested, so the test fails then. */
START_TEST (test_cvode_refuses_noise)
{
  const credo_model_type *const *reg = credo_model_list ();
  int tested = 0;
  for (size_t m = 0; reg[m]; m++)
    {
      char cfg[1024];
      credo_ctx *ctx;
      credo_spec *spec;
      if (!reg[m]->noise || credo_model_param_index (reg[m], "sigma") < 0
          || reg[m]->n_var == 0)
        continue;
      /* noise in a compartment with a time constant of 1 ms where the
       * model needs one (the DFC neuron's apical noise) */
      snprintf (cfg, sizeof cfg,
                "duration = 10.0;\n"
                "populations = { p = { model = \"%s\"; size = 2;\n"
                "  params = { sigma = 0.25;%s }; }; };\n",
                reg[m]->name,
                credo_model_param_index (reg[m], "tau_A") >= 0
                    ? " tau_A = 1.0;"
                    : "");
      ctx = credo_ctx_new ();
      spec = credo_spec_load_string (ctx, cfg, "noise.cfg", NULL, 0);
      ck_assert_msg (spec == NULL, "model %s: CVODE accepted noise",
                     reg[m]->name);
      ck_assert_int_eq (credo_errcode (ctx), CREDO_ECONFIG);
      ck_assert_msg (strstr (credo_errmsg (ctx), "noise.cfg:2: population "
                                                 "'p' has noise (sigma = 0.25")
                         && strstr (credo_errmsg (ctx),
                                    "set solver.engine = \"euler\""),
                     "message: %s", credo_errmsg (ctx));
      const char *sets[] = { "solver.engine=\"euler\"" };
      spec = credo_spec_load_string (ctx, cfg, "noise.cfg", sets, 1);
      ck_assert_msg (spec != NULL, "euler: %s", credo_errmsg (ctx));
      credo_spec_free (spec);
      /* sigma = 0 is deterministic: CVODE is fine */
      const char *zero[] = { "populations.p.params.sigma=0.0" };
      spec = credo_spec_load_string (ctx, cfg, "noise.cfg", zero, 1);
      ck_assert_msg (spec != NULL, "sigma = 0: %s", credo_errmsg (ctx));
      credo_spec_free (spec);
      credo_ctx_free (ctx);
      tested++;
    }
  ck_assert_msg (tested > 0, "no registered model declares noise through a "
                             "'sigma' parameter: the CVODE refusal is not "
                             "exercised");
  printf ("# CVODE refusal checked on %d noisy model(s)\n", tested);
  fflush (stdout);
}
END_TEST

/* ---- configuration and failures -------------------------------------------- */

/* Loading with `set` fails with a message containing `want`. */
static void
load_fails (const char *set, const char *want)
{
  credo_ctx *ctx = credo_ctx_new ();
  const char *sets[] = { set };
  credo_spec *spec = credo_spec_load_string (ctx, step_cfg, "bad.cfg", sets,
                                             1);
  ck_assert_msg (spec == NULL, "'%s' was accepted", set);
  ck_assert_int_eq (credo_errcode (ctx), CREDO_ECONFIG);
  ck_assert_msg (strstr (credo_errmsg (ctx), want), "'%s': message '%s'", set,
                 credo_errmsg (ctx));
  credo_ctx_free (ctx);
}

START_TEST (test_solver_keys)
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec = credo_spec_load_string (ctx, step_cfg, "ok.cfg", NULL, 0);
  ck_assert_ptr_nonnull (spec);
  ck_assert_str_eq (spec->solver.engine->name, "euler");
  ck_assert_double_eq (spec->solver.dt, 0.1);
  credo_spec_free (spec);
  const char *defaults[] = { "solver={}" };
  spec = credo_spec_load_string (ctx, step_cfg, "ok.cfg", defaults, 1);
  ck_assert_ptr_nonnull (spec);
  ck_assert_str_eq (spec->solver.engine->name, "cvode");
  ck_assert_double_eq (spec->solver.dt, 0.1);
  credo_spec_free (spec);
  /* a tiny dt is harmless for CVODE, which ignores it */
  const char *tiny[] = { "solver={dt=1e-12;}" };
  spec = credo_spec_load_string (ctx, step_cfg, "ok.cfg", tiny, 1);
  ck_assert_ptr_nonnull (spec);
  credo_spec_free (spec);
  credo_ctx_free (ctx);

  load_fails ("solver.engine=\"rk4\"", "engine");
  load_fails ("solver.dt=0.0", "'dt' must be > 0 (ms), not 0");
  load_fails ("solver.dt=-0.1", "'dt' must be > 0 (ms), not -0.1");
  load_fails ("solver.dt=1e-12", "the euler engine takes at most 1e+12");
  load_fails ("solver.step=0.1", "step");
}
END_TEST

START_TEST (test_divergence_fails)
{
  /* u grows by a factor (1 + dt (w - 1) / tau) = 100 per step */
  static const char cfg[]
      = "duration = 1000.0;\n"
        "populations = { h = { model = \"rate\"; size = 1; params = { tau = 10.0; transfer = \"linear\"; u0 = 1.0; }; }; };\n"
        "projections = ( { from = \"h.r\"; to = \"h.in\"; init = { dist = \"constant\"; value = 991.0; }; } );\n"
        "solver = { engine = \"euler\"; dt = 1.0; };\n";
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec = credo_spec_load_string (ctx, cfg, "div.cfg", NULL, 0);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  credo_sim *sim = credo_sim_new (ctx, spec, NULL);
  ck_assert_ptr_nonnull (sim);
  int rc = credo_sim_run (sim);
  ck_assert_int_eq (rc, CREDO_ESOLVER);
  ck_assert_msg (strstr (credo_errmsg (ctx), "euler step failed at t = ")
                     && strstr (credo_errmsg (ctx),
                                "non-finite state in population 'h', "
                                "variable 'u', unit 0"),
                 "message: %s", credo_errmsg (ctx));
  credo_sim_free (sim);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

START_TEST (test_interrupt)
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec = credo_spec_load_string (ctx, step_cfg, "s.cfg", NULL, 0);
  ck_assert_ptr_nonnull (spec);
  credo_sim *sim = credo_sim_new (ctx, spec, NULL);
  ck_assert_ptr_nonnull (sim);
  credo_solver_stats st;
  credo_ctx_request_stop (ctx);
  ck_assert_int_eq (credo_sim_run (sim), CREDO_EINTR);
  credo_sim_stats (sim, &st);
  ck_assert_int_eq (st.steps, 1);
  credo_sim_free (sim);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

static Suite *
euler_suite (void)
{
  Suite *s = suite_create ("euler");
  TCase *tc = tcase_create ("euler");
  tcase_add_unchecked_fixture (tc, tmpdir_setup, tmpdir_remove);
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_first_order);
  tcase_add_test (tc, test_grid_and_interpolation);
  tcase_add_test (tc, test_agrees_with_cvode);
  tcase_add_test (tc, test_noise_determinism);
  tcase_add_test (tc, test_ou_statistics);
  tcase_add_test (tc, test_cvode_refuses_noise);
  tcase_add_test (tc, test_solver_keys);
  tcase_add_test (tc, test_divergence_fails);
  tcase_add_test (tc, test_interrupt);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (euler_suite ());
}
