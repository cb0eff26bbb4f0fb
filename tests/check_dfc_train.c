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
sleep_cos (long epochs_init)
{
  char set[128], *cfg;
  const char *ov[] = { set, "populations.h.params.transfer=\"linear\"",
                       "projections.[4].init={dist=\"normal\"; std=0.5;}" };
  size_t rows, cols;
  double *W2, *Q1, *Q2, dot = 0, nw = 0, nq = 0;
  run r;
  data ();
  snprintf (set, sizeof set, "learning.dfc.sleep.epochs_init=%ld",
            epochs_init);
  /* config ()'s network, its hidden layer linear, Q1 random */
  cfg = config (0.01, "dfc = { variant = \"DFC-SS\"; controller = "
                      "\"ctrl\"; target = \"loss\"; optimizer = \"none\"; "
                      "batch = 8; epochs = 1; sleep = { sigma = 0.1; "
                      "extra_epochs = 0; lr = 0.01; lr_init = 0.01; "
                      "weight_decay = 0.001; }; }; }; weights = { every = "
                      "1.0; projections = [\"W2\", \"Q1\", \"Q2\"];");
  r = run_text (cfg, tmp_path ("sleep.h5"), ov, 3);
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
  double c0 = sleep_cos (0), c40 = sleep_cos (40);
  ck_assert_msg (c0 < 0.5 && c40 > 0.9, "cos(Q1, W2^T): %g after one sleep "
                 "epoch, %g after 41", c0, c40);
  /* the noise is the seed's: the same run again, the same Q bit for bit */
  ck_assert_double_eq (sleep_cos (40), c40);
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
  tcase_add_test (tc, test_bad_batch_settings);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (suite ());
}
