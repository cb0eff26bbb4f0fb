/* tests/check_learning.c -- the /learning/ curves: the test error at the
 * steady state of the frozen circuit (against the closed-form feed-forward
 * output in the self-predicting state and against a long simulation
 * outside it), the alignment angle with backprop in the weak-feedback
 * limit (G14) and away from it, and that recording them leaves the
 * trajectory bit-identical.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "testutil.h"

/* /learning/<name> of file `path` into v (n values expected). */
static void
read_series (const char *path, const char *name, double *v, size_t n)
{
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hsize_t dim = 0;
  char ds[256];
  ck_assert_msg (f >= 0, "cannot open %s", path);
  snprintf (ds, sizeof ds, "/learning/%s", name);
  ck_assert_msg (H5LTget_dataset_info (f, ds, &dim, NULL, NULL) >= 0,
                 "no %s", ds);
  ck_assert_uint_eq (dim, n);
  ck_assert (H5LTread_dataset_double (f, ds, v) >= 0);
  H5Fclose (f);
}

static double
softplus (double u)
{
  return log1p (exp (u));
}

/* A 4-3-2 circuit, soft rectifier log(1+e^u), SAC18 conductances, weights
 * from CSV files; `wpi_gain` -1 gives the closed-form self-predicting
 * state (SAC18 Sect. 3.1). */
#define N0 4
#define N1 3
#define N2 2
static const double W10[N1 * N0] = { 0.9, -1.2, 0.4, 1.5, -0.7, 0.3,
                                     1.1, -0.5, 0.6, 0.8, -1.4, 0.2 };
static const double W21[N2 * N1] = { 1.3, -0.9, 0.7, -0.4, 1.6, 0.5 };
static const double W12[N1 * N2] = { 0.8, -1.1, 0.6, 0.9, -0.3, 1.2 };

static void
circuit_cfg (char *cfg, size_t len, double wpi_gain, const char *plast,
             const char *extra)
{
  snprintf (cfg, len,
            "populations = { x = { model = \"input\"; size = 4; };\n"
            "  p1 = { model = \"pyramidal\"; size = 3; params = { threshold = 0.0; scale = 1.0; }; };\n"
            "  p2 = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; threshold = 0.0; scale = 1.0; }; };\n"
            "  i1 = { model = \"interneuron\"; size = 2; params = { threshold = 0.0; scale = 1.0; }; }; };\n"
            "projections = (\n"
            "  { name = \"W10\"; from = \"x.r\"; to = \"p1.basal\"; init = { file = \"%s/W10.csv\"; }; %s },\n"
            "  { name = \"W21\"; from = \"p1.r\"; to = \"p2.basal\"; init = { file = \"%s/W21.csv\"; }; %s },\n"
            "  { name = \"W12\"; from = \"p2.r\"; to = \"p1.apical\"; init = { file = \"%s/W12.csv\"; }; },\n"
            "  { name = \"WIP\"; from = \"p1.r\"; to = \"i1.dendrite\"; init = { copy = \"W21\"; }; },\n"
            "  { name = \"WPI\"; from = \"i1.r\"; to = \"p1.apical\"; gain = %.17g; init = { copy = \"W12\"; }; },\n"
            "  { from = \"p2.u\"; to = \"i1.nudge\"; connectivity = \"one_to_one\";\n"
            "    init = { dist = \"constant\"; value = 1.0; }; } );\n"
            "solver = { rtol = 1e-10; atol = 1e-12; };\n%s",
            tmpdir, plast, tmpdir, plast, tmpdir, wpi_gain, extra);
}

static void
write_weights (void)
{
  char p[512];
  snprintf (p, sizeof p, "%s/W10.csv", tmpdir);
  write_csv (p, W10, N1, N0);
  snprintf (p, sizeof p, "%s/W21.csv", tmpdir);
  write_csv (p, W21, N2, N1);
  snprintf (p, sizeof p, "%s/W12.csv", tmpdir);
  write_csv (p, W12, N1, N2);
}

#define NT 5
static const double X[NT * N0] = { 1.0, -0.5, 2.0, 0.3,  -1.0, 1.5, 0.2, 0.7,
                                   0.0, 0.0, 0.0, 0.0,   2.0, 1.0, -1.0, -2.0,
                                   0.5, 0.5, 0.5, 0.5 };
static const double Y[NT * N2] = { 0.8, 0.1, 0.3, 1.2, 0.5, 0.5, 1.9, 0.0,
                                   0.7, 0.9 };

static void
write_test_set (void)
{
  char p[512];
  hsize_t dx[2] = { NT, N0 }, dy[2] = { NT, N2 };
  hid_t f;
  snprintf (p, sizeof p, "%s/test.h5", tmpdir);
  f = H5Fcreate (p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ck_assert (f >= 0);
  ck_assert (H5LTmake_dataset_double (f, "X", 2, dx, X) >= 0);
  ck_assert (H5LTmake_dataset_double (f, "Y", 2, dy, Y) >= 0);
  H5Fclose (f);
}

/* The feed-forward output phi(a2 W21 phi(a1 W10 x)) of the SPS circuit. */
static void
ff_output (const double *x, double *out)
{
  const double a1 = 1.0 / 1.9, a2 = 1.0 / 1.1;
  double r1[N1];
  for (size_t i = 0; i < N1; i++)
    {
      double s = 0;
      for (size_t j = 0; j < N0; j++)
        s += W10[i * N0 + j] * x[j];
      r1[i] = softplus (a1 * s);
    }
  for (size_t i = 0; i < N2; i++)
    {
      double s = 0;
      for (size_t j = 0; j < N1; j++)
        s += W21[i * N1 + j] * r1[j];
      out[i] = softplus (a2 * s);
    }
}

START_TEST (test_sps_test_error_closed_form)
{
  char cfg[8192], extra[2048], out[512];
  double want = 0, got[3], mean[N2] = { 0 }, mpe = 0;
  run r;
  write_weights ();
  write_test_set ();
  for (size_t i = 0; i < NT; i++)
    {
      double o[N2];
      ff_output (X + i * N0, o);
      for (size_t j = 0; j < N2; j++)
        want += (o[j] - Y[i * N2 + j]) * (o[j] - Y[i * N2 + j]) / NT;
    }
  for (size_t i = 0; i < NT; i++)
    for (size_t j = 0; j < N2; j++)
      mean[j] += Y[i * N2 + j] / NT;
  for (size_t i = 0; i < NT; i++)
    for (size_t j = 0; j < N2; j++)
      mpe += (Y[i * N2 + j] - mean[j]) * (Y[i * N2 + j] - mean[j]) / NT;
  /* a training stimulus and a target that the test evaluation must ignore */
  snprintf (extra, sizeof extra,
            "duration = 100.0;\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [3.0, -2.0, 5.0, 4.0]; },\n"
            "  { to = \"p2.nudge\"; kind = \"constant\"; value = [4.0, -3.0]; },\n"
            "  { to = \"p2.gate\"; kind = \"constant\"; value = 1.0; } );\n"
            "learning = { every = 50.0; layers = [\"x\", \"p1\", \"p2\"];\n"
            "  test = { file = \"%s/test.h5\"; inputs = \"X\"; targets = \"Y\"; }; };\n",
            tmpdir);
  circuit_cfg (cfg, sizeof cfg, -1.0, "", extra);
  snprintf (out, sizeof out, "%s/sps.h5", tmpdir);
  r = run_text (cfg, out, NULL, 0);
  read_series (out, "test_error", got, 3);
  const double wants[3] = { want, want, want };
  assert_close (got, wants, 3, 0, 1e-10,
                "test_error vs feed-forward closed form");
  assert_close1 (h5_attr (out, "/learning", "mean_predictor_error"), mpe,
                 1e-14, 0, "mean predictor error");
  run_free (&r);
}
END_TEST

/* Away from the SPS the apical input changes the hidden layer: the test
 * error must be the circuit's own steady state, here checked against a
 * long simulation of the same circuit with the test input clamped. */
START_TEST (test_test_error_matches_simulation)
{
  char cfg[8192], extra[2048], out[512];
  double got[2], r[N2], want = 0, ff = 0, o[N2];
  run a, b;
  write_weights ();
  write_test_set ();
  snprintf (extra, sizeof extra,
            "duration = 10.0;\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [3.0, -2.0, 5.0, 4.0]; },\n"
            "  { to = \"p2.nudge\"; kind = \"constant\"; value = [4.0, -3.0]; },\n"
            "  { to = \"p2.gate\"; kind = \"constant\"; value = 1.0; } );\n"
            "learning = { every = 10.0; layers = [\"x\", \"p1\", \"p2\"];\n"
            "  test = { file = \"%s/test.h5\"; inputs = \"X\"; targets = \"Y\"; samples = 1; }; };\n",
            tmpdir);
  circuit_cfg (cfg, sizeof cfg, -0.3, "", extra);
  snprintf (out, sizeof out, "%s/nosps.h5", tmpdir);
  a = run_text (cfg, out, NULL, 0);
  read_series (out, "test_error", got, 2);
  run_free (&a);
  /* the same circuit, input X[0] clamped, no target, run to rest */
  snprintf (extra, sizeof extra,
            "duration = 400.0;\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [%.17e, %.17e, %.17e, %.17e]; } );\n",
            X[0], X[1], X[2], X[3]);
  circuit_cfg (cfg, sizeof cfg, -0.3, "", extra);
  b = run_text (cfg, NULL, NULL, 0);
  ck_assert_int_eq (credo_sim_get (b.sim, "p2.r", r, N2), 0);
  ff_output (X, o);
  for (size_t j = 0; j < N2; j++)
    {
      want += (r[j] - Y[j]) * (r[j] - Y[j]);
      ff += (o[j] - Y[j]) * (o[j] - Y[j]);
    }
  fprintf (stderr, "non-SPS test error: Newton %.12g, simulated %.12g, "
           "feed-forward %.12g\n", got[1], want, ff);
  assert_close1 (got[1], want, 0, 1e-8, "test error: Newton vs simulation");
  /* and the check can fail: the apical input moved the output */
  ck_assert_msg (fabs (ff - want) > 1e-3 * want, "no apical effect");
  run_free (&b);
}
END_TEST

/* G14 through /learning/: weak feedback (g_A = g_som = 1e-3), logistic,
 * top-down = W21^T, SPS, a target: the angle between dW/dt and backprop
 * is ~0 for both layers; with a random top-down matrix it is not. */
static void
g14_angles (int transposed, double *a10, double *a21)
{
  char cfg[8192], out[512], p[512];
  const double gs = 1e-3;
  double v[2];
  run r;
  write_weights ();
  snprintf (p, sizeof p, "%s/W10.csv", tmpdir);
  snprintf (cfg, sizeof cfg,
            "duration = 3000.0;\n"
            "populations = { x = { model = \"input\"; size = 4; };\n"
            "  p1 = { model = \"pyramidal\"; size = 3; params = { g_A = %g; g_som = %g;\n"
            "         transfer = \"logistic\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; };\n"
            "  p2 = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; g_som = %g;\n"
            "         transfer = \"logistic\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; };\n"
            "  i1 = { model = \"interneuron\"; size = 2; params = { g_som = %g;\n"
            "         transfer = \"logistic\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; }; };\n"
            "projections = (\n"
            "  { name = \"W10\"; from = \"x.r\"; to = \"p1.basal\"; init = { file = \"%s/W10.csv\"; };\n"
            "    plasticity = { rule = \"dendritic_prediction\"; eta = 1e-9; }; },\n"
            "  { name = \"W21\"; from = \"p1.r\"; to = \"p2.basal\"; init = { file = \"%s/W21.csv\"; };\n"
            "    plasticity = { rule = \"dendritic_prediction\"; eta = 1e-9; }; },\n"
            "  { name = \"W12\"; from = \"p2.r\"; to = \"p1.apical\"; init = %s; },\n"
            "  { name = \"WIP\"; from = \"p1.r\"; to = \"i1.dendrite\"; init = { copy = \"W21\"; }; },\n"
            "  { name = \"WPI\"; from = \"i1.r\"; to = \"p1.apical\"; gain = -1.0; init = { copy = \"W12\"; }; },\n"
            "  { from = \"p2.u\"; to = \"i1.nudge\"; connectivity = \"one_to_one\";\n"
            "    init = { dist = \"constant\"; value = 1.0; }; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [1.0, -0.5, 2.0, 0.3]; },\n"
            "  { to = \"p2.nudge\"; kind = \"constant\"; value = [2.5, -1.5]; },\n"
            "  { to = \"p2.gate\"; kind = \"constant\"; value = 1.0; } );\n"
            "learning = { every = 3000.0; layers = [\"x\", \"p1\", \"p2\"]; };\n"
            "solver = { rtol = 1e-12; atol = 1e-14; };\n",
            gs, gs, gs, gs, tmpdir, tmpdir,
            transposed ? "{ transpose = \"W21\"; }"
                       : "{ dist = \"uniform\"; low = -1.0; high = 1.0; scale = 1.0; }");
  snprintf (out, sizeof out, "%s/g14-%d.h5", tmpdir, transposed);
  r = run_text (cfg, out, NULL, 0);
  read_series (out, "angle_W10", v, 2);
  *a10 = v[1];
  read_series (out, "angle_W21", v, 2);
  *a21 = v[1];
  run_free (&r);
}

START_TEST (test_g14_angles)
{
  double a10, a21, r10, r21;
  g14_angles (1, &a10, &a21);
  g14_angles (0, &r10, &r21);
  fprintf (stderr, "G14 angles: transposed top-down W10 %.6f deg, W21 "
           "%.6f deg; random top-down W10 %.3f deg, W21 %.6f deg\n", a10,
           a21, r10, r21);
  /* cos > 0.99 (hidden) and > 0.999 (output) of G14, as angles */
  ck_assert_msg (a10 < acos (0.99) * 180 / M_PI, "hidden angle %g", a10);
  ck_assert_msg (a21 < acos (0.999) * 180 / M_PI, "output angle %g", a21);
  ck_assert_msg (a21 < 0.1 && a10 < 0.5, "angles %g %g", a10, a21);
  /* random feedback: the output layer is still exact, the hidden not */
  ck_assert_msg (r21 < 0.1, "output angle with random top-down %g", r21);
  ck_assert_msg (r10 > 5.0, "hidden angle with random top-down %g", r10);
}
END_TEST

/* /learning/apical_error is the RMS over the hidden units of the whole
 * apical potential v_A = apical + topdown (SAC18 Eq. 10 splits v_A into
 * the interneurons' and the top-down part): here p1 gets both, W12 and
 * WPI on `apical` and a stimulus on `topdown`, and the RMS is computed
 * from the two recorded ports at the learning times 0, 10, ..., 40 ms. */
START_TEST (test_apical_error_with_topdown)
{
  char cfg[8192], extra[2048], out[512];
  double got[5], want[5], *va, *vt;
  size_t rows, cols, rt, ct;
  run r;
  write_weights ();
  snprintf (extra, sizeof extra,
            "duration = 40.0;\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [3.0, -2.0, 5.0, 4.0]; },\n"
            "  { to = \"p1.topdown\"; kind = \"constant\"; value = [0.4, -0.7, 1.1]; },\n"
            "  { to = \"p2.nudge\"; kind = \"constant\"; value = [4.0, -3.0]; },\n"
            "  { to = \"p2.gate\"; kind = \"constant\"; value = 1.0; } );\n"
            "record = ( { what = \"p1.apical\"; every = 10.0; },\n"
            "  { what = \"p1.topdown\"; every = 10.0; } );\n"
            "learning = { every = 10.0; layers = [\"x\", \"p1\", \"p2\"]; };\n");
  circuit_cfg (cfg, sizeof cfg, -0.3, "", extra);
  snprintf (out, sizeof out, "%s/apical.h5", tmpdir);
  r = run_text (cfg, out, NULL, 0);
  run_free (&r);
  read_series (out, "apical_error", got, 5);
  va = read_2d (out, "/report/p1/apical/data", &rows, &cols);
  vt = read_2d (out, "/report/p1/topdown/data", &rt, &ct);
  ck_assert (rows == 5 && cols == N1 && rt == 5 && ct == N1);
  for (size_t k = 0; k < 5; k++)
    {
      double s = 0;
      for (size_t i = 0; i < N1; i++)
        {
          double v = va[k * N1 + i] + vt[k * N1 + i];
          s += v * v;
        }
      want[k] = sqrt (s / N1);
      /* both parts matter: neither alone gives the RMS */
      ck_assert_msg (max_abs (va + k * N1, N1) > 0.01, "apical silent");
      ck_assert (vt[k * N1 + 2] == 1.1);
    }
  assert_close (got, want, 5, 1e-12, 1e-10,
                "apical_error vs RMS(apical + topdown)");
  free (va), free (vt);
}
END_TEST

/* Recording learning curves evaluates a second network: the trajectory
 * must be bit-identical with and without them. */
START_TEST (test_learning_does_not_perturb)
{
  char cfg[8192], extra[4096];
  const double *y1, *y2;
  size_t n;
  run m1, m2;
  write_weights ();
  write_test_set ();
  for (int with = 0; with < 2; with++)
    {
      char learning[1024] = "";
      if (with)
        snprintf (learning, sizeof learning,
                  "learning = { every = 30.0; layers = [\"x\", \"p1\", \"p2\"];\n"
                  "  test = { file = \"%s/test.h5\"; inputs = \"X\"; targets = \"Y\"; }; };\n",
                  tmpdir);
      snprintf (extra, sizeof extra,
                "duration = 300.0;\n"
                "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = \"%s/test.h5\"; dataset = \"X\"; t_pres = 20.0; },\n"
                "  { to = \"p2.nudge\"; kind = \"dataset\"; file = \"%s/test.h5\"; dataset = \"Y\"; t_pres = 20.0; },\n"
                "  { to = \"p2.gate\"; kind = \"constant\"; value = 1.0; } );\n%s",
                tmpdir, tmpdir, learning);
      circuit_cfg (cfg, sizeof cfg, -0.3,
                   "plasticity = { rule = \"dendritic_prediction\"; eta = 0.01; tau_w = 30.0; };",
                   extra);
      if (with)
        m2 = run_text (cfg, NULL, NULL, 0);
      else
        m1 = run_text (cfg, NULL, NULL, 0);
    }
  n = credo_sim_state_size (m1.sim);
  ck_assert_uint_eq (n, credo_sim_state_size (m2.sim));
  y1 = credo_sim_state (m1.sim);
  y2 = credo_sim_state (m2.sim);
  ck_assert_msg (memcmp (y1, y2, n * sizeof *y1) == 0,
                 "the state differs with learning curves recorded");
  run_free (&m1);
  run_free (&m2);
}
END_TEST

static Suite *
learning_suite (void)
{
  Suite *s = suite_create ("learning");
  TCase *tc = tcase_create ("learning");
  tcase_add_checked_fixture (tc, tmpdir_setup, tmpdir_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_sps_test_error_closed_form);
  tcase_add_test (tc, test_test_error_matches_simulation);
  tcase_add_test (tc, test_g14_angles);
  tcase_add_test (tc, test_learning_does_not_perturb);
  tcase_add_test (tc, test_apical_error_with_topdown);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (learning_suite ());
}
