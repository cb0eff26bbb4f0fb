/* tests/check_dfc_train.c -- minibatch training of Deep Feedback Control
 * (learn/dfc_train.c) against the continuous protocol.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A 4-5-3 tanh network learns a random data set (CSV, 40 samples).  The
 * continuous protocol (one 10 ms window per sample, the rule averaged by
 * CVODE's quadrature, SGD) and the minibatch trainer with one sample per
 * minibatch, in file order (the rule averaged by Simpson's rule on 400
 * intervals of the dense output, SGD at half the rate: the trainer's
 * descent direction is 2 / B times the batch's sum, as the authors') see
 * the same samples with the same weights: their mean feed-forward losses
 * over 20 updates agree to 1e-7.  Also: rows per epoch with the epoch as
 * their x, a minibatch larger than the data set and a sleep phase for
 * fixed feedback rejected, the same seed giving the same rows bit for bit, shuffling
 * changing them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "testutil.h"

enum { NS = 40, NI = 4, NO = 3 };

static void
data (void)
{
  double x[NS * NI], t[NS * NO];
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 17);
  for (int i = 0; i < NS * NI; i++)
    x[i] = 2 * gsl_rng_uniform (rng) - 1;
  for (int i = 0; i < NS * NO; i++)
    t[i] = gsl_ran_gaussian (rng, 0.5);
  write_csv (tmp_path ("x.csv"), x, NS, NI);
  write_csv (tmp_path ("t.csv"), t, NS, NO);
  gsl_rng_free (rng);
}

static char *
config (double duration, const char *learning)
{
  char *cfg = malloc (8192);
  snprintf (
      cfg, 8192,
      "duration = %g; seed = 3;\n"
      "populations = {\n"
      "  x = { model = \"input\"; size = %d; };\n"
      "  h = { model = \"dfc_neuron\"; size = 5; params = { transfer = "
      "\"tanh\"; tau_v = 0.2; bias = 0.1; }; };\n"
      "  y = { model = \"dfc_neuron\"; size = %d; params = { transfer = "
      "\"linear\"; tau_v = 0.2; bias = -0.05; }; };\n"
      "  ctrl = { model = \"pi_controller\"; size = %d; params = { k_p = "
      "2.0; alpha = 0.05; tau_u = 1.0; }; };\n"
      "  loss = { model = \"loss_target\"; size = %d; params = { loss = "
      "\"mse\"; lambda = 0.2; }; }; };\n"
      "projections = (\n"
      "  { name = \"W1\"; from = \"x.r\"; to = \"h.basal\"; init = { dist = "
      "\"normal\"; std = 0.8; }; plasticity = { rule = \"dfc\"; eta = 1.0; "
      "}; },\n"
      "  { name = \"W2\"; from = \"h.r\"; to = \"y.basal\"; init = { dist = "
      "\"normal\"; std = 0.8; }; plasticity = { rule = \"dfc\"; eta = 1.0; "
      "}; },\n"
      "  { from = \"y.r\"; to = \"loss.output\"; connectivity = "
      "\"one_to_one\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
      "  { from = \"loss.error\"; to = \"ctrl.error\"; connectivity = "
      "\"one_to_one\"; init = { dist = \"constant\"; value = 1.0; }; },\n"
      "  { name = \"Q1\"; from = \"ctrl.u\"; to = \"h.apical\"; init = { "
      "dist = \"constant\"; value = 0.0; }; },\n"
      "  { name = \"Q2\"; from = \"ctrl.u\"; to = \"y.apical\"; init = { "
      "dist = \"constant\"; value = 0.0; }; } );\n"
      "stimuli = (\n"
      "  { to = \"x\"; kind = \"dataset\"; file = \"%s\"; t_pres = 10.0; },\n"
      "  { to = \"loss.label\"; kind = \"dataset\"; file = \"%s\"; t_pres = "
      "10.0; } );\n"
      "learning = { protocol = \"dfc\"; layers = [\"x\", \"h\", \"y\"]; %s "
      "};\n"
      "solver = { rtol = 1e-10; atol = 1e-12; };\n",
      duration, NI, NO, NO, NO, tmp_path ("x.csv"), tmp_path ("t.csv"),
      learning);
  return cfg;
}

static double
mean_of (const char *path, const char *name, size_t first, size_t n)
{
  size_t rows, cols;
  double *d = read_2d (path, name, &rows, &cols), s = 0;
  ck_assert_ptr_nonnull (d);
  ck_assert_uint_ge (rows * cols, first + n);
  for (size_t i = first; i < first + n; i++)
    s += d[i];
  free (d);
  return s / (double) n;
}

START_TEST (test_batch_of_one_is_the_continuous_protocol)
{
  char *cfg;
  run r;
  double cont, batch;
  data ();
  cfg = config (200.0, "every = 10.0; dfc = { variant = \"DFC-fixed\"; "
                       "controller = \"ctrl\"; target = \"loss\"; "
                       "optimizer = \"sgd\"; lr = 0.05; };");
  r = run_text (cfg, tmp_path ("cont.h5"), NULL, 0);
  run_free (&r);
  free (cfg);
  cfg = config (10.0, "dfc = { variant = \"DFC-fixed\"; controller = "
                      "\"ctrl\"; target = \"loss\"; optimizer = \"sgd\"; "
                      "lr = 0.025; batch = 1; shuffle = false; window = 10.0; average_points = 400; relax = { "
                      "rtol = 1e-10; atol = 1e-12; }; }; max_batches = 20;");
  r = run_text (cfg, tmp_path ("batch.h5"), NULL, 0);
  run_free (&r);
  free (cfg);
  cont = mean_of (tmp_path ("cont.h5"), "/learning/loss", 0, 20);
  batch = mean_of (tmp_path ("batch.h5"), "/learning/train_loss", 1, 1);
  ck_assert_msg (fabs (cont - batch) < 1e-7 * fabs (cont),
                 "mean loss over 20 updates: continuous %.12g, minibatch "
                 "%.12g", cont, batch);
  /* and learning happened: the last updates' losses are not the first's */
  ck_assert (mean_of (tmp_path ("cont.h5"), "/learning/loss", 15, 5)
             < mean_of (tmp_path ("cont.h5"), "/learning/loss", 0, 5));
}
END_TEST

/* Rows per epoch (x = epoch, units "epoch"), reproducible, shuffled. */
START_TEST (test_epochs_rows_and_seed)
{
  const char *learn = "dfc = { variant = \"DFC-fixed\"; controller = "
                      "\"ctrl\"; "
                      "target = \"loss\"; optimizer = \"adam\"; lr = 0.01; "
                      "batch = 8; epochs = 3; window = 6.0; };";
  char *cfg;
  run r;
  size_t rows, cols;
  double *x, *a, *b;
  char *units;
  data ();
  cfg = config (1.0, learn);
  r = run_text (cfg, tmp_path ("e1.h5"), NULL, 0);
  run_free (&r);
  r = run_text (cfg, tmp_path ("e2.h5"), NULL, 0);
  run_free (&r);
  {
    const char *noshuffle[] = { "learning.dfc.shuffle=false" };
    r = run_text (cfg, tmp_path ("e3.h5"), noshuffle, 1);
    run_free (&r);
  }
  free (cfg);
  x = read_2d (tmp_path ("e1.h5"), "/learning/times", &rows, &cols);
  ck_assert_uint_eq (rows * cols, 4);
  for (int e = 0; e < 4; e++)
    ck_assert_double_eq (x[e], e);
  free (x);
  units = h5_string_attr (tmp_path ("e1.h5"), "/learning/times", "units");
  ck_assert_str_eq (units, "epoch");
  free (units);
  a = read_2d (tmp_path ("e1.h5"), "/learning/train_loss", &rows, &cols);
  b = read_2d (tmp_path ("e2.h5"), "/learning/train_loss", &rows, &cols);
  ck_assert (isnan (a[0]));
  for (int e = 1; e < 4; e++)
    ck_assert_double_eq (a[e], b[e]); /* same seed, same losses, exactly */
  ck_assert (a[3] < a[1]);
  free (b);
  /* per minibatch of each epoch (40 samples / 8: 5), the samples that
   * converged and diverged; NaN before training */
  b = read_2d (tmp_path ("e1.h5"), "/learning/batch_diverged", &rows, &cols);
  ck_assert_uint_eq (rows, 4);
  ck_assert_uint_eq (cols, 5);
  ck_assert (isnan (b[0]));
  for (int i = 5; i < 20; i++)
    ck_assert (b[i] >= 0 && b[i] <= 8);
  free (b);
  b = read_2d (tmp_path ("e1.h5"), "/learning/batch_converged", &rows,
               &cols);
  {
    double sum = 0, *f = read_2d (tmp_path ("e1.h5"), "/learning/converged",
                                  &rows, &cols);
    for (int i = 5; i < 10; i++)
      sum += b[i];
    ck_assert_double_eq_tol (sum / 40, f[1], 1e-12); /* epoch 1's fraction */
    free (f);
  }
  free (b);
  /* the mean convergence ratio per minibatch (equal minibatches of 8):
   * their mean is the epoch's */
  b = read_2d (tmp_path ("e1.h5"), "/learning/batch_convergence", &rows,
               &cols);
  {
    double sum = 0, *f = read_2d (tmp_path ("e1.h5"),
                                  "/learning/convergence", &rows, &cols);
    for (int i = 15; i < 20; i++)
      sum += b[i];
    ck_assert_double_eq_tol (sum / 5, f[3], 1e-12 * fabs (f[3]));
    ck_assert (f[3] > 0);
    free (f);
  }
  free (b);
  b = read_2d (tmp_path ("e3.h5"), "/learning/train_loss", &rows, &cols);
  ck_assert (a[2] != b[2]); /* another order, other minibatches */
  free (a);
  free (b);
}
END_TEST

/* The sleep phase (learn/dfc_sleep.c) on a linear 4-5-3 network with the
 * output block frozen at I: the hidden block learns W2^T, the solution of
 * the column-space condition when Q_N = I (cos 0.93 after 40 sleep epochs
 * of 5 minibatches, 0.98 after 120; 0.14 after one). */
static double
sleep_cos (long epochs_init, long threads)
{
  char set[128], set_threads[64], *cfg;
  const char *ov[] = { set, "populations.h.params.transfer=\"linear\"",
                       "projections.[4].init={dist=\"normal\"; std=0.5;}",
                       set_threads };
  size_t rows, cols;
  double *W2, *Q1, *Q2, dot = 0, nw = 0, nq = 0;
  run r;
  data ();
  snprintf (set, sizeof set, "learning.dfc.sleep.epochs_init=%ld",
            epochs_init);
  snprintf (set_threads, sizeof set_threads, "learning.dfc.threads=%ld",
            threads);
  /* config ()'s network, its hidden layer linear, Q1 random */
  cfg = config (0.01, "dfc = { variant = \"DFC-SS\"; controller = "
                      "\"ctrl\"; target = \"loss\"; optimizer = \"none\"; "
                      "batch = 8; epochs = 1; sleep = { sigma = 0.1; "
                      "extra_epochs = 0; lr = 0.01; lr_init = 0.01; "
                      "weight_decay = 0.001; }; }; }; weights = { every = "
                      "1.0; projections = [\"W2\", \"Q1\", \"Q2\"];");
  r = run_text (cfg, tmp_path ("sleep.h5"), ov, 4);
  run_free (&r);
  free (cfg);
  /* one snapshot at t = 0, after training: W2 3 x 5, Q1 5 x 3, Q2 3 x 3 */
  W2 = read_2d (tmp_path ("sleep.h5"), "/weights/W2/data", &rows, &cols);
  ck_assert_uint_eq (cols, 15);
  Q1 = read_2d (tmp_path ("sleep.h5"), "/weights/Q1/data", &rows, &cols);
  ck_assert_uint_eq (cols, 15);
  Q2 = read_2d (tmp_path ("sleep.h5"), "/weights/Q2/data", &rows, &cols);
  ck_assert_uint_eq (cols, 9);
  for (size_t i = 0; i < 5; i++)
    for (size_t o = 0; o < 3; o++)
      {
        dot += Q1[i * 3 + o] * W2[o * 5 + i];
        nq += Q1[i * 3 + o] * Q1[i * 3 + o];
        nw += W2[o * 5 + i] * W2[o * 5 + i];
      }
  for (size_t i = 0; i < 9; i++)
    ck_assert_double_eq (Q2[i], i / 3 == i % 3); /* frozen at I */
  free (W2);
  free (Q1);
  free (Q2);
  return dot / sqrt (nq * nw);
}

START_TEST (test_sleep_learns_the_column_space)
{
  double c0 = sleep_cos (0, 1), c40 = sleep_cos (40, 1);
  double p40 = sleep_cos (40, 3);
  ck_assert_msg (c0 < 0.5 && c40 > 0.9 && p40 > 0.9,
                 "cos(Q1, W2^T): %g after one sleep epoch, %g after 41, %g "
                 "with minibatches in 3 parts", c0, c40, p40);
  /* the noise is the seed's: the same run again, the same Q bit for bit,
   * and another split another noise */
  ck_assert_double_eq (sleep_cos (40, 1), c40);
  ck_assert_double_eq (sleep_cos (40, 3), p40);
  ck_assert (p40 != c40);
}
END_TEST

/* learning.dfc.threads: a minibatch of 8 in parts of 3, 3 and 2 relaxed
 * on threads of their own.  With fixed steps (euler) each sample's
 * trajectory is the same in any part: the losses equal the undivided
 * run's up to the order of the update's sum (1e-12); with CVODE each part
 * picks its own steps, every sample within the tolerance (rtol 1e-10):
 * the losses agree to 1e-8 (1e-12 seen).  The same split twice: bit for
 * bit. */
static void
train_parts (const char *name, const char *engine, const char *variant,
             long threads)
{
  char learn[1024], *cfg;
  run r;
  snprintf (learn, sizeof learn,
            "dfc = { variant = \"%s\"; controller = \"ctrl\"; target = "
            "\"loss\"; optimizer = \"adam\"; lr = 0.01; batch = 8; epochs "
            "= 3; window = 2.0; threads = %ld; relax = { engine = \"%s\"; "
            "dt = 0.01; rtol = 1e-10; atol = 1e-12; }; };",
            variant, threads,
            engine);
  cfg = config (1.0, learn);
  r = run_text (cfg, tmp_path (name), NULL, 0);
  run_free (&r);
  free (cfg);
}

static double
max_rel_diff (const char *a_path, const char *b_path, const char *what)
{
  size_t rows, cols;
  double *a = read_2d (tmp_path (a_path), what, &rows, &cols), worst = 0;
  double *b = read_2d (tmp_path (b_path), what, &rows, &cols);
  for (size_t e = 1; e < rows * cols; e++)
    worst = fmax (worst, fabs (a[e] - b[e]) / fabs (a[e]));
  free (a);
  free (b);
  return worst;
}

START_TEST (test_threads)
{
  double d_euler, d_cvode, d_ss;
  data ();
  train_parts ("p_e1.h5", "euler", "DFC-fixed", 1);
  train_parts ("p_e3.h5", "euler", "DFC-fixed", 3);
  train_parts ("p_c1.h5", "cvode", "DFC-fixed", 1);
  train_parts ("p_c3.h5", "cvode", "DFC-fixed", 3);
  train_parts ("p_c3b.h5", "cvode", "DFC-fixed", 3);
  train_parts ("p_s1.h5", "cvode", "DFC-SS", 1);
  train_parts ("p_s3.h5", "cvode", "DFC-SS", 3);
  train_parts ("p_k1.h5", "erk3", "DFC-fixed", 1);
  train_parts ("p_k3.h5", "erk3", "DFC-fixed", 3);
  d_euler = fmax (max_rel_diff ("p_e1.h5", "p_e3.h5", "/learning/train_loss"),
                  max_rel_diff ("p_e1.h5", "p_e3.h5", "/learning/test_loss"));
  d_cvode = fmax (max_rel_diff ("p_c1.h5", "p_c3.h5", "/learning/train_loss"),
                  max_rel_diff ("p_c1.h5", "p_c3.h5", "/learning/test_loss"));
  d_ss = fmax (max_rel_diff ("p_s1.h5", "p_s3.h5", "/learning/train_loss"),
               max_rel_diff ("p_s1.h5", "p_s3.h5", "/learning/test_loss"));
  ck_assert_msg (d_euler < 1e-12 && d_cvode < 1e-8 && d_ss < 1e-8,
                 "threads 3 vs 1: euler %g, cvode %g, DFC-SS %g", d_euler,
                 d_cvode, d_ss);
  /* the explicit Runge-Kutta engine: the same, and the same run as CVODE's
   * within both tolerances */
  ck_assert_double_le (
      max_rel_diff ("p_k1.h5", "p_k3.h5", "/learning/train_loss"), 1e-8);
  ck_assert_double_le (
      max_rel_diff ("p_k1.h5", "p_c1.h5", "/learning/train_loss"), 1e-8);
  /* the parts do split the work (else both would be the same run) */
  ck_assert (d_cvode > 0);
  ck_assert_double_eq (max_rel_diff ("p_c3.h5", "p_c3b.h5",
                                     "/learning/train_loss"), 0);
  /* DFC-SS: a minibatch relaxes until its last part has converged */
  {
    size_t rows, cols;
    double *a = read_2d (tmp_path ("p_s1.h5"), "/learning/relax_time", &rows,
                         &cols);
    double *b = read_2d (tmp_path ("p_s3.h5"), "/learning/relax_time", &rows,
                         &cols);
    ck_assert_msg (fabs (b[1] - a[1]) < 0.02 * a[1],
                   "mean relaxation: %g ms in one part, %g in three", a[1],
                   b[1]);
    free (a);
    free (b);
  }
  /* every sample was counted, in whichever part */
  ck_assert_double_eq_tol (
      max_rel_diff ("p_c1.h5", "p_c3.h5", "/learning/converged"), 0, 1e-12);
}
END_TEST

/* Only converged samples teach DFC-SS (include_non_converged false): in a
 * window of 0.05 ms nothing converges, and the samples whose output error
 * exceeds their output (lambda = 5) count as diverged -- neither kind may
 * move the weights, so the epochs' mean losses stay as they were. */
START_TEST (test_ss_excludes_diverged)
{
  const char *ov[] = { "populations.loss.params.lambda=5.0",
                       "projections.[4].init={dist=\"constant\"; value=0.3;}",
                       "projections.[5].init={dist=\"constant\"; value=0.3;}" };
  char *cfg;
  size_t rows, cols;
  double *loss, *div, *conv;
  run r;
  data ();
  cfg = config (0.01, "dfc = { variant = \"DFC-SS\"; controller = \"ctrl\"; "
                      "target = \"loss\"; optimizer = \"sgd\"; lr = 0.1; "
                      "batch = 8; epochs = 2; window = 0.05; threads = 2; "
                      "};");
  r = run_text (cfg, tmp_path ("ss.h5"), ov, 3);
  run_free (&r);
  free (cfg);
  loss = read_2d (tmp_path ("ss.h5"), "/learning/train_loss", &rows, &cols);
  div = read_2d (tmp_path ("ss.h5"), "/learning/diverged", &rows, &cols);
  conv = read_2d (tmp_path ("ss.h5"), "/learning/converged", &rows, &cols);
  ck_assert_msg (div[1] > 0.2 && conv[1] == 0, "diverged %g, converged %g",
                 div[1], conv[1]);
  /* the mean over the same 40 samples, in another order */
  ck_assert_double_eq_tol (loss[2], loss[1], 1e-12 * loss[1]);
  free (loss);
  free (div);
  free (conv);
}
END_TEST

/* A relaxation that fails in any part fails the run, naming the phase:
 * forward Euler at dt = 5 tau_v grows by 4 per step until it overflows. */
START_TEST (test_part_failure_reported)
{
  char *cfg;
  run r;
  credo_sim *sim;
  data ();
  cfg = config (0.01, "dfc = { variant = \"DFC-fixed\"; controller = "
                      "\"ctrl\"; target = \"loss\"; optimizer = \"sgd\"; "
                      "lr = 0.1; batch = 8; window = 1000.0; threads = 3; "
                      "relax = { engine = \"euler\"; dt = 1.0; }; };");
  r = run_load (cfg, NULL, 0);
  free (cfg);
  sim = credo_sim_new (r.ctx, r.spec, tmp_path ("fail.h5"));
  ck_assert_ptr_nonnull (sim);
  ck_assert_int_eq (credo_sim_run (sim), CREDO_ESOLVER);
  ck_assert_msg (strstr (credo_errmsg (r.ctx), "forward phase, epoch 1, "
                                               "minibatch 1: euler step "
                                               "failed"),
                 "%s", credo_errmsg (r.ctx));
  credo_sim_free (sim);
  run_free (&r);
}
END_TEST

START_TEST (test_bad_batch_settings)
{
  char *cfg;
  data ();
  cfg = config (1.0, "dfc = { controller = \"ctrl\"; target = \"loss\"; "
                     "optimizer = \"none\"; batch = 41; };");
  /* line 18 of config (): learning */
  expect_fail (cfg, 18, "learning.dfc.batch = 41 is larger than the "
               "training set (40 samples", NULL);
  free (cfg);
  cfg = config (1.0, "dfc = { variant = \"DFC-fixed\"; controller = "
                     "\"ctrl\"; target = \"loss\"; optimizer = \"none\"; "
                     "batch = 4; sleep = { sigma = 0.1; }; };");
  expect_fail (cfg, 18, "only DFC and DFC-SS learn them", NULL);
  free (cfg);
  cfg = config (1.0, "every = 10.0; dfc = { controller = \"ctrl\"; target "
                     "= \"loss\"; optimizer = \"none\"; epochs = 3; };");
  expect_fail (cfg, 18, "applies to minibatch training only", NULL);
  free (cfg);
  cfg = config (1.0, "every = 10.0; max_batches = 3; dfc = { controller = "
                     "\"ctrl\"; target = \"loss\"; optimizer = \"none\"; "
                     "};");
  expect_fail (cfg, 18, "learning.max_batches", "(learning.dfc.batch) only",
               NULL);
  free (cfg);
  cfg = config (1.0, "dfc = { controller = \"ctrl\"; target = \"loss\"; "
                     "optimizer = \"none\"; batch = 8; threads = 9; };");
  expect_fail (cfg, 18, "learning.dfc.threads must be in 1..8", NULL);
  free (cfg);
}
END_TEST

static Suite *
suite (void)
{
  Suite *s = suite_create ("dfc_train");
  TCase *tc = tcase_create ("train");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_batch_of_one_is_the_continuous_protocol);
  tcase_add_test (tc, test_epochs_rows_and_seed);
  tcase_add_test (tc, test_sleep_learns_the_column_space);
  tcase_add_test (tc, test_threads);
  tcase_add_test (tc, test_ss_excludes_diverged);
  tcase_add_test (tc, test_part_failure_reported);
  tcase_add_test (tc, test_bad_batch_settings);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (suite ());
}
