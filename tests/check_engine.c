/* tests/check_engine.c -- the continuous engine against analytic solutions.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every test compares against an independent reference: closed forms, GSL's
 * linear solver and matrix exponential, finite differences, or a run at a
 * much tighter tolerance.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "testutil.h"

/* ---- single neuron step response ------------------------------------- */

static const char step_cfg[]
    = STEP_CIRCUIT
      "solver = { rtol = 1e-9; atol = 1e-12; };\n";

START_TEST (test_step_response)
{
  char out[300];
  size_t rows, cols;
  path_in_tmp (out, sizeof out, "step.h5");
  run r = run_text (step_cfg, out, NULL, 0);
  credo_solver_stats st;
  credo_sim_stats (r.sim, &st);
  ck_assert_int_eq (st.reinits, 2); /* restarted at both steps */
  ck_assert_int_gt (st.steps, 10);
  run_free (&r);
  double *u = read_2d (out, "/report/h/u/data", &rows, &cols);
  ck_assert_int_eq (rows, 401);
  ck_assert_int_eq (cols, 1);
  double *ex = step_exact_at (NULL, 0.5, rows);
  ck_assert_double_eq (u[0], 0.0);
  assert_close (u + 1, ex + 1, rows - 1, 0, 1e-7, "u(t) vs exact");
  free (u);
  free (ex);
}
END_TEST

/* ---- linear network steady state vs GSL --------------------------------- */

START_TEST (test_linear_steady_state)
{
  enum { N = 20 };
  double W[N * N], I[N * N], b[N], u[N];
  char wpath[300], ipath[300], cfg[4096], bstr[2048];
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 3);
  for (size_t i = 0; i < N * N; i++)
    {
      W[i] = gsl_ran_gaussian (rng, 0.25 / sqrt (N));
      I[i] = (i % (N + 1)) == 0;
    }
  size_t len = 0;
  for (size_t i = 0; i < N; i++)
    {
      b[i] = gsl_ran_flat (rng, -1, 1);
      len += (size_t) snprintf (bstr + len, sizeof bstr - len, "%s%.17g",
                                i ? ", " : "", b[i]);
    }
  gsl_rng_free (rng);
  path_in_tmp (wpath, sizeof wpath, "W.csv");
  path_in_tmp (ipath, sizeof ipath, "I.csv");
  write_csv (wpath, W, N, N);
  write_csv (ipath, I, N, N);
  snprintf (cfg, sizeof cfg,
            "duration = 1500.0;\n"
            "populations = { x = { model = \"input\"; size = %d; };\n"
            "  h = { model = \"rate\"; size = %d; params = { tau = 10.0; transfer = \"linear\"; }; }; };\n"
            "projections = ( { from = \"x\"; to = \"h\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"h.r\"; to = \"h.in\"; init = { file = \"%s\"; }; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [%s]; } );\n"
            "solver = { rtol = 1e-10; atol = 1e-12; };\n",
            N, N, ipath, wpath, bstr);
  run r = run_text (cfg, NULL, NULL, 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "h.u", u, N), 0);
  run_free (&r);

  /* (I - W) u = b with GSL's LU */
  gsl_matrix *A = gsl_matrix_alloc (N, N);
  gsl_vector *bv = gsl_vector_alloc (N), *x = gsl_vector_alloc (N);
  gsl_permutation *perm = gsl_permutation_alloc (N);
  int sign;
  for (size_t i = 0; i < N; i++)
    {
      gsl_vector_set (bv, i, b[i]);
      for (size_t j = 0; j < N; j++)
        gsl_matrix_set (A, i, j, (i == j) - W[i * N + j]);
    }
  gsl_linalg_LU_decomp (A, perm, &sign);
  gsl_linalg_LU_solve (A, perm, bv, x);
  assert_close (u, gsl_vector_const_ptr (x, 0), N, 1e-8, 0,
                "steady state vs GSL");
  gsl_matrix_free (A);
  gsl_vector_free (bv);
  gsl_vector_free (x);
  gsl_permutation_free (perm);
}
END_TEST

/* ---- 2x2 oscillatory linear system vs the matrix exponential ------------- */

static const char osc_cfg[]
    = "duration = 100.0;\n"
      "populations = { h = { model = \"rate\"; size = 2; params = { tau = 10.0; transfer = \"linear\"; u0 = 1.0; }; }; };\n"
      "projections = ( { from = \"h.r\"; to = \"h.in\"; init = { file = \"%s\"; }; } );\n"
      "record = ( { what = \"h.u\"; every = 1.0; } );\n"
      "solver = { atol = 1e-14; };\n";

/* Max error of the recorded trajectory against expm(A t) u0 at one rtol. */
static double
osc_error_on (double rtol, const char *method, const char *engine)
{
  char wpath[300], out[300], cfg[2048], set_rtol[64], set_method[64],
      set_engine[64];
  const double Wm[4] = { 0.0, -3.0, 3.0, 0.0 };
  size_t rows, cols;
  path_in_tmp (wpath, sizeof wpath, "osc.csv");
  path_in_tmp (out, sizeof out, "osc.h5");
  write_csv (wpath, Wm, 2, 2);
  snprintf (cfg, sizeof cfg, osc_cfg, wpath);
  snprintf (set_rtol, sizeof set_rtol, "solver.rtol=%g", rtol);
  snprintf (set_method, sizeof set_method, "solver.method=%s", method);
  snprintf (set_engine, sizeof set_engine, "solver.engine=\"%s\"", engine);
  const char *sets[] = { set_rtol, set_method, set_engine };
  run r = run_text (cfg, out, sets, 3);
  run_free (&r);
  double *u = read_2d (out, "/report/h/u/data", &rows, &cols);
  ck_assert_int_eq (rows, 101);
  gsl_matrix *A = gsl_matrix_alloc (2, 2), *E = gsl_matrix_alloc (2, 2);
  double *ex = malloc (rows * 2 * sizeof *ex), err;
  for (size_t k = 0; k < rows; k++)
    {
      double t = (double) k;
      /* A = (W - I)/tau */
      for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
          gsl_matrix_set (A, i, j, t * (Wm[i * 2 + j] - (i == j)) / 10.0);
      gsl_linalg_exponential_ss (A, E, GSL_PREC_DOUBLE);
      for (int i = 0; i < 2; i++)
        ex[k * 2 + i] = gsl_matrix_get (E, i, 0) + gsl_matrix_get (E, i, 1);
    }
  err = max_diff (u, ex, rows * 2); /* NaN when a sample is not finite */
  gsl_matrix_free (A);
  gsl_matrix_free (E);
  free (u);
  free (ex);
  return err;
}

static double
osc_error (double rtol, const char *method)
{
  return osc_error_on (rtol, method, "cvode");
}

START_TEST (test_oscillator_expm)
{
  double e4 = osc_error (1e-4, "bdf"), e6 = osc_error (1e-6, "bdf");
  double e8 = osc_error (1e-8, "bdf"), e10 = osc_error (1e-10, "bdf");
  ck_assert_msg (e10 < 1e-8, "rtol 1e-10: error %g", e10);
  ck_assert_msg (e8 < e6 && e6 < e4, "errors do not shrink: %g %g %g", e4, e6,
                 e8);
  ck_assert_msg (e10 < e8, "errors do not shrink: %g %g", e8, e10);
  /* each factor 100 in rtol buys at least a factor 10 in error */
  ck_assert_msg (e6 < e4 / 10 && e8 < e6 / 10, "slow convergence %g %g %g", e4,
                 e6, e8);
  double a8 = osc_error (1e-8, "adams");
  ck_assert_msg (a8 < 1e-5, "adams error %g", a8);
}
END_TEST

/* The explicit Runge-Kutta engines (ARKODE ERKStep) on the same damped
 * oscillator: errors shrink with the tolerance, at least 10x per 100x in
 * rtol, down to 1e-8 at rtol 1e-10 (both pairs). */
START_TEST (test_erk_oscillator)
{
  const char *const engines[] = { "erk", "erk3" };
  for (int k = 0; k < 2; k++)
    {
      double e4 = osc_error_on (1e-4, "bdf", engines[k]);
      double e6 = osc_error_on (1e-6, "bdf", engines[k]);
      double e8 = osc_error_on (1e-8, "bdf", engines[k]);
      double e10 = osc_error_on (1e-10, "bdf", engines[k]);
      ck_assert_msg (e10 < 1e-8 && e8 < e6 / 10 && e6 < e4 / 10,
                     "%s: errors %g %g %g %g at rtol 1e-4 .. 1e-10",
                     engines[k], e4, e6, e8, e10);
    }
}
END_TEST

/* ... and across the step response's discontinuities (restarts there). */
START_TEST (test_erk_step_response)
{
  const char *engines[] = { "solver.engine=\"erk\"",
                            "solver.engine=\"erk3\"" };
  for (int k = 0; k < 2; k++)
    {
      char out[300];
      size_t rows, cols;
      credo_solver_stats st;
      run r;
      double *u, *ex;
      path_in_tmp (out, sizeof out, "step_erk.h5");
      r = run_text (step_cfg, out, &engines[k], 1);
      credo_sim_stats (r.sim, &st);
      ck_assert_int_eq (st.reinits, 2);
      /* new stages per step: 6 for the 5(4) pair, 3 for the 3(2) pair
       * (the first stage is the last step's last); restarts add a few */
      ck_assert_msg (k == 0 ? st.rhs_evals > 5 * st.steps
                            : st.rhs_evals > 3 * st.steps
                                  && st.rhs_evals < 4 * st.steps,
                     "%s: %ld right-hand sides in %ld steps", engines[k],
                     st.rhs_evals, st.steps);
      run_free (&r);
      u = read_2d (out, "/report/h/u/data", &rows, &cols);
      ck_assert_int_eq (rows, 401);
      ex = step_exact_at (NULL, 0.5, rows);
      assert_close (u + 1, ex + 1, rows - 1, 0, 1e-7, engines[k]);
      free (u);
      free (ex);
    }
}
END_TEST

/* ---- dense, SPGMR and Adams agree on a 200-unit tanh network ------------- */

static const char tanh_cfg[]
    = "duration = 200.0;\nseed = 11;\n"
      "populations = { x = { model = \"input\"; size = 10; };\n"
      "  h = { model = \"rate\"; size = 200; params = { tau = 10.0; transfer = \"tanh\"; }; }; };\n"
      "projections = ( { from = \"x\"; to = \"h\"; init = { dist = \"normal\"; std = 1.0; scale = \"1/sqrt(fan_in)\"; }; },\n"
      "  { from = \"h\"; to = \"h\"; gain = 0.9; init = { dist = \"normal\"; std = 1.0; scale = \"1/sqrt(fan_in)\"; }; } );\n"
      "stimuli = ( { to = \"x\"; kind = \"sine\"; amplitude = 1.0; period = 50.0; },\n"
      "  { to = \"x\"; kind = \"steps\"; times = [0.0, 100.0]; values = [0.5, -0.5]; } );\n"
      "solver = { rtol = 1e-8; atol = 1e-10; };\n";

static void
final_u (const char *linear, const char *method, double *u, char *used)
{
  char s1[64], s2[64];
  snprintf (s1, sizeof s1, "solver.linear=%s", linear);
  snprintf (s2, sizeof s2, "solver.method=%s", method);
  const char *sets[] = { s1, s2 };
  run r = run_text (tanh_cfg, NULL, sets, 2);
  ck_assert_int_eq (credo_sim_get (r.sim, "h.u", u, 200), 0);
  strcpy (used, credo_sim_linear_solver (r.sim));
  run_free (&r);
}

START_TEST (test_solvers_agree)
{
  double ud[200], us[200], ua[200];
  char l1[32], l2[32], l3[32];
  final_u ("dense", "bdf", ud, l1);
  final_u ("spgmr", "bdf", us, l2);
  final_u ("auto", "adams", ua, l3);
  ck_assert_str_eq (l1, "dense");
  ck_assert_str_eq (l2, "spgmr");
  ck_assert_str_eq (l3, "fixedpoint");
  ck_assert_msg (max_abs (ud, 200) > 0.1, "network silent");
  assert_close (us, ud, 200, 1e-6, 0, "spgmr vs dense");
  assert_close (ua, ud, 200, 1e-6, 0, "adams vs dense");
}
END_TEST

/* ---- biases and a shared input port -------------------------------------- */

/* x = s + bias_x (input), and h.in sums a stimulus, a dense projection A
 * and a one-to-one projection D (in that order of evaluation):
 * in = c + A x + D .* x, and the linear rate neuron settles at
 * u = in + bias_h (tau du/dt = -u + in + bias). */
START_TEST (test_bias_and_shared_port)
{
  const char *cfg
      = "duration = 100.0;\n"
        "populations = { x = { model = \"input\"; size = 2; params = { bias = 0.5; }; };\n"
        "  h = { model = \"rate\"; size = 2; params = { tau = 1.0; transfer = \"linear\"; bias = 0.3; }; }; };\n"
        "projections = ( { name = \"A\"; from = \"x.r\"; to = \"h.in\"; init = { dist = \"constant\"; value = 0.1; }; },\n"
        "  { name = \"D\"; from = \"x.r\"; to = \"h.in\"; connectivity = \"one_to_one\"; init = { dist = \"constant\"; value = 2.0; }; } );\n"
        "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [1.0, 2.0]; },\n"
        "  { to = \"h.in\"; kind = \"constant\"; value = [0.25, 0.75]; } );\n"
        "solver = { rtol = 1e-10; atol = 1e-12; };\n";
  const double xr[2] = { 1.5, 2.5 }; /* s + 0.5 */
  const double in[2] = { 0.25 + 0.1 * 4.0 + 2.0 * xr[0],
                         0.75 + 0.1 * 4.0 + 2.0 * xr[1] };
  const double uw[2] = { in[0] + 0.3, in[1] + 0.3 };
  double got[2];
  run r = run_text (cfg, NULL, NULL, 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "x.r", got, 2), 0);
  assert_close (got, xr, 2, 1e-14, 0, "x.r = s + bias");
  ck_assert_int_eq (credo_sim_get (r.sim, "h.in", got, 2), 0);
  assert_close (got, in, 2, 1e-14, 1e-14, "h.in = c + A x + D .* x");
  ck_assert_int_eq (credo_sim_get (r.sim, "h.u", got, 2), 0);
  assert_close (got, uw, 2, 1e-8, 0, "h.u = in + bias");
  run_free (&r);
}
END_TEST

/* ---- the linear solver and its preconditioner --------------------------- */

/* linear = "auto" is dense up to dense_max states, SPGMR above. */
START_TEST (test_auto_linear_solver)
{
  const char *at1[] = { "solver.linear=\"auto\"", "solver.dense_max=1" };
  const char *at0[] = { "solver.linear=\"auto\"", "solver.dense_max=0" };
  run r = run_text (step_cfg, NULL, at1, 2); /* 1 state */
  ck_assert_str_eq (credo_sim_linear_solver (r.sim), "dense");
  run_free (&r);
  r = run_text (step_cfg, NULL, at0, 2);
  ck_assert_str_eq (credo_sim_linear_solver (r.sim), "spgmr");
  run_free (&r);
}
END_TEST

/* Three uncoupled linear rate populations with time constants 0.01, 1 and
 * 100 ms: J = diag(-1/tau) exactly, so the Jacobi preconditioner
 * P = I - gamma diag(J) is the Newton matrix itself and SPGMR solves each
 * Newton system in one iteration (P^-1 M = I): never more linear than
 * nonlinear iterations, no linear convergence failure.  A wrong P leaves
 * P^-1 M with three distinct eigenvalues (up to three iterations each). */
START_TEST (test_jacobi_preconditioner_exact)
{
  const char *cfg
      = "duration = 200.0;\n"
        "populations = { x = { model = \"input\"; size = 2; };\n"
        "  a = { model = \"rate\"; size = 2; params = { tau = 0.01; transfer = \"linear\"; }; };\n"
        "  b = { model = \"rate\"; size = 2; params = { tau = 1.0; transfer = \"linear\"; }; };\n"
        "  c = { model = \"rate\"; size = 2; params = { tau = 100.0; transfer = \"linear\"; }; }; };\n"
        "projections = ( { from = \"x.r\"; to = \"a.in\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
        "  { from = \"x.r\"; to = \"b.in\"; init = { dist = \"constant\"; value = -0.5; }; },\n"
        "  { from = \"x.r\"; to = \"c.in\"; init = { dist = \"constant\"; value = 2.0; }; } );\n"
        "stimuli = ( { to = \"x\"; kind = \"sine\"; amplitude = 1.0; period = 50.0; } );\n"
        "solver = { rtol = 1e-8; atol = 1e-10; linear = \"spgmr\"; };\n";
  credo_solver_stats st;
  run r = run_text (cfg, NULL, NULL, 0);
  ck_assert_str_eq (credo_sim_linear_solver (r.sim), "spgmr");
  credo_sim_stats (r.sim, &st);
  ck_assert_int_gt (st.nonlin_iters, 100);
  ck_assert_msg (st.lin_iters <= st.nonlin_iters,
                 "%ld linear iterations for %ld nonlinear ones", st.lin_iters,
                 st.nonlin_iters);
  ck_assert_int_eq (st.lin_conv_fails, 0);
  run_free (&r);
}
END_TEST

/* ---- sampling grid and dense output -------------------------------------- */

START_TEST (test_sampling_grid)
{
  char out1[300], out2[300];
  size_t n1, c1, n2, c2, nt, ct;
  const char *loose[] = { "record.[0].every=0.7", "record.[0].start=0.3",
                          "record.[0].stop=151.0", "solver.rtol=1e-6",
                          "solver.atol=1e-8" };
  const char *tight[] = { "record.[0].every=0.7", "record.[0].start=0.3",
                          "record.[0].stop=151.0", "solver.rtol=1e-11",
                          "solver.atol=1e-13" };
  path_in_tmp (out1, sizeof out1, "s1.h5");
  path_in_tmp (out2, sizeof out2, "s2.h5");
  run r1 = run_text (step_cfg, out1, loose, 5);
  run_free (&r1);
  run r2 = run_text (step_cfg, out2, tight, 5);
  run_free (&r2);
  double *u1 = read_2d (out1, "/report/h/u/data", &n1, &c1);
  double *u2 = read_2d (out2, "/report/h/u/data", &n2, &c2);
  double *ts = read_2d (out1, "/report/h/u/mapping/timestamps", &nt, &ct);
  ck_assert_int_eq (n1, 216); /* 0.3 + 215*0.7 = 150.8 <= 151 */
  ck_assert_int_eq (n1, n2);
  ck_assert_int_eq (nt, n1);
  for (size_t k = 0; k < n1; k++)
    ck_assert_msg (ts[k] == 0.3 + (double) k * 0.7, "t[%zu] = %.17g", k,
                   ts[k]);
  double *ex = step_exact_at (ts, 0, n1);
  assert_close (u1, u2, n1, 1e-4, 0, "loose vs tight");
  assert_close (u2, ex, n1, 1e-8, 0, "tight vs exact");
  free (ex);
  free (u1);
  free (u2);
  free (ts);
}
END_TEST

/* ---- determinism --------------------------------------------------------- */

START_TEST (test_determinism)
{
  char a[300], b[300], c[300];
  size_t na, ca, nb, cb, nc, cc;
  const char *rec[] = { "record=({what=\"h.u\"; every=1.0; units=[0,5,199];})",
                        "duration=50.0" };
  const char *rec2[] = { "record=({what=\"h.u\"; every=1.0; units=[0,5,199];})",
                         "duration=50.0", "seed=12" };
  path_in_tmp (a, sizeof a, "da.h5");
  path_in_tmp (b, sizeof b, "db.h5");
  path_in_tmp (c, sizeof c, "dc.h5");
  run r = run_text (tanh_cfg, a, rec, 2);
  run_free (&r);
  r = run_text (tanh_cfg, b, rec, 2);
  run_free (&r);
  r = run_text (tanh_cfg, c, rec2, 3);
  run_free (&r);
  double *ua = read_2d (a, "/report/h/u/data", &na, &ca);
  double *ub = read_2d (b, "/report/h/u/data", &nb, &cb);
  double *uc = read_2d (c, "/report/h/u/data", &nc, &cc);
  ck_assert_int_eq (ca, 3);
  ck_assert_int_eq (na, 51);
  ck_assert_int_eq (na, nb);
  ck_assert_mem_eq (ua, ub, na * ca * sizeof *ua);
  ck_assert_msg (memcmp (ua, uc, na * ca * sizeof *ua) != 0,
                 "another seed gave the same trajectory");
  free (ua);
  free (ub);
  free (uc);
}
END_TEST

/* ---- HDF5 round trip of a real run ------------------------------------- */

/* Reads a string attribute of the root group (variable or fixed length). */
static char *
read_root_string (hid_t f, const char *name)
{
  hid_t a = H5Aopen (f, name, H5P_DEFAULT), ft = H5Aget_type (a);
  char *out = NULL;
  ck_assert_int_ge (a, 0);
  if (H5Tis_variable_str (ft) > 0)
    {
      hid_t mt = H5Tcopy (H5T_C_S1);
      char *vl = NULL;
      H5Tset_size (mt, H5T_VARIABLE);
      H5Tset_cset (mt, H5Tget_cset (ft));
      ck_assert_int_ge (H5Aread (a, mt, &vl), 0);
      out = strdup (vl);
      H5free_memory (vl);
      H5Tclose (mt);
    }
  else
    {
      size_t len = H5Tget_size (ft);
      out = calloc (len + 1, 1);
      ck_assert_int_ge (H5Aread (a, ft, out), 0);
    }
  H5Tclose (ft);
  H5Aclose (a);
  return out;
}

START_TEST (test_hdf5_roundtrip)
{
  char out[300];
  const char *sets[] = { "seed=99", "solver.rtol=1e-7" };
  path_in_tmp (out, sizeof out, "rt.h5");
  run r = run_text (tanh_cfg, out, sets, 2);
  char *summary1 = NULL, *summary2 = NULL;
  size_t len1 = 0, len2 = 0;
  FILE *m1 = open_memstream (&summary1, &len1);
  credo_spec_print_summary (r.spec, m1);
  fclose (m1);
  run_free (&r);

  hid_t f = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert_int_ge (f, 0);
  /* the embedded config reproduces the same spec, overrides included */
  char *cfg = read_root_string (f, "config");
  char *status = read_root_string (f, "status");
  char *version = read_root_string (f, "credo_version");
  ck_assert_str_eq (status, "ok");
  ck_assert_str_eq (version, credo_version ());
  ck_assert_ptr_nonnull (strstr (cfg, "99"));
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec2 = credo_spec_load_string (ctx, cfg, "test.cfg", NULL, 0);
  ck_assert_msg (spec2 != NULL, "embedded config does not load: %s",
                 credo_errmsg (ctx));
  ck_assert_int_eq (spec2->seed, 99);
  ck_assert_double_eq (spec2->solver.rtol, 1e-7);
  FILE *m2 = open_memstream (&summary2, &len2);
  credo_spec_print_summary (spec2, m2);
  fclose (m2);
  ck_assert_str_eq (summary1, summary2);
  /* numeric attributes and solver statistics */
  double seed = 0, rtol = 0;
  ck_assert_int_ge (H5LTget_attribute_double (f, "/", "seed", &seed), 0);
  ck_assert_int_ge (H5LTget_attribute_double (f, "/", "rtol", &rtol), 0);
  ck_assert_double_eq (seed, 99);
  ck_assert_double_eq (rtol, 1e-7);
  ck_assert_int_gt (H5Lexists (f, "/solver", H5P_DEFAULT), 0);
  H5Fclose (f);
  free (cfg), free (status), free (version), free (summary1), free (summary2);
  credo_spec_free (spec2);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- analytic Jacobians vs finite differences ---------------------------- */

START_TEST (test_jacobian_fd)
{
  credo_ctx *ctx = credo_ctx_new ();
  const char *sets[] = { "populations.h.size=30", "populations.h.params.transfer=\"softplus\"" };
  credo_spec *spec = credo_spec_load_string (ctx, tanh_cfg, "t.cfg", sets, 2);
  ck_assert_ptr_nonnull (spec);
  credo_net *net = credo__net_build (ctx, spec);
  ck_assert_ptr_nonnull (net);
  size_t n = net->n_state;
  double *y = calloc (n, 8), *v = calloc (n, 8), *jv = calloc (n, 8);
  double *fd = calloc (n, 8), *J = calloc (n * n, 8);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  for (size_t i = 0; i < n; i++)
    {
      y[i] = gsl_ran_gaussian (rng, 2.0);
      v[i] = gsl_ran_gaussian (rng, 1.0);
    }
  const double t = 37.0, h = 1e-6;
  credo__net_jac_setup (net, t, y);
  credo__net_jtimes (net, v, jv);
  credo__net_jac_dense (net, J, n);
  rhs_central_diff (net, t, y, v, h, fd);
  double *dj = calloc (n, 8), scale = max_abs (jv, n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      dj[i] += J[j * n + i] * v[j];
  ck_assert_msg (scale > 1e-3, "J*v vanishes");
  assert_close (fd, jv, n, 1e-7 * fmax (1, scale), 0, "FD vs J*v");
  assert_close (dj, jv, n, 1e-12 * fmax (1, scale), 0, "dense J v vs J*v");
  free (y), free (v), free (jv), free (fd), free (J), free (dj);
  gsl_rng_free (rng);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

START_TEST (test_transfer_derivatives)
{
  for (int k = 0; credo_transfer_names[k]; k++)
    {
      credo_transfer f = { (credo_transfer_kind) k, 1.7, 0.3, 0.8 };
      double u[7] = { -40.0, -2.0, -0.11, 0.05, 0.61, 3.0, 800.0 };
      double r[7], dr[7], rp[7], rm[7], up[7], um[7];
      const double h = 1e-6;
      for (int i = 0; i < 7; i++)
        up[i] = u[i] + h, um[i] = u[i] - h;
      credo_transfer_eval (&f, 7, u, r, dr);
      credo_transfer_eval (&f, 7, up, rp, NULL);
      credo_transfer_eval (&f, 7, um, rm, NULL);
      double fd[7];
      for (int i = 0; i < 7; i++)
        fd[i] = (rp[i] - rm[i]) / (2 * h);
      /* r finite everywhere, the derivative within 1e-6 of the central
       * difference */
      assert_finite (r, 7, credo_transfer_names[k]);
      assert_close (fd, dr, 7, 1e-6, 0, credo_transfer_names[k]);
    }
  /* spot values: softplus is SAC18's gamma log(1+exp(beta(u-theta))) */
  credo_transfer sp = { CREDO_TF_SOFTPLUS, 1.0, 3.0, 0.1 };
  double u = 3.0, r;
  credo_transfer_eval (&sp, 1, &u, &r, NULL);
  ck_assert_double_eq_tol (r, 0.1 * log (2.0), 1e-15);
}
END_TEST

static Suite *
engine_suite (void)
{
  Suite *s = suite_create ("engine");
  TCase *tc = tcase_create ("analytic");
  tcase_add_unchecked_fixture (tc, tmpdir_setup, tmpdir_remove);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_step_response);
  tcase_add_test (tc, test_linear_steady_state);
  tcase_add_test (tc, test_oscillator_expm);
  tcase_add_test (tc, test_solvers_agree);
  tcase_add_test (tc, test_bias_and_shared_port);
  tcase_add_test (tc, test_auto_linear_solver);
  tcase_add_test (tc, test_jacobi_preconditioner_exact);
  tcase_add_test (tc, test_sampling_grid);
  tcase_add_test (tc, test_determinism);
  tcase_add_test (tc, test_hdf5_roundtrip);
  tcase_add_test (tc, test_jacobian_fd);
  tcase_add_test (tc, test_transfer_derivatives);
  tcase_add_test (tc, test_erk_oscillator);
  tcase_add_test (tc, test_erk_step_response);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (engine_suite ());
}
