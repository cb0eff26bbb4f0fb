/* tests/check_dataset.c -- data-set stimuli (src/stimulus.c,
 * src/spec_sections.c) and the generated data sets (src/dataset.c,
 * `credo data`).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every test works in its own mkdtemp directory.  The CLI tests run
 * $CREDO_BUILDDIR/credo (default: ./credo).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>

#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* Reads matrix `dset` of `path`; checks its shape. */
static double *
h5_get (const char *path, const char *dset, size_t rows, size_t cols)
{
  double *m = NULL;
  size_t r, c;
  int rc = credo__read_matrix (test_ctx, path, dset, &m, &r, &c);
  ck_assert_msg (rc == 0, "%s", credo_errmsg (test_ctx));
  ck_assert_uint_eq (r, rows);
  ck_assert_uint_eq (c, cols);
  return m;
}

/* 4 samples x 3 values: sample k, unit i = 10 (k + 1) + i. */
static const double samples4x3[12] = { 10, 11, 12, 20, 21, 22,
                                       30, 31, 32, 40, 41, 42 };

/* A dataset stimulus over `values` (n_rows x n), not from a file. */
static credo_stim_spec
make_stim (const double *values, size_t n_rows, size_t n, double start,
           double t_pres, int repeat)
{
  credo_stim_spec s;
  memset (&s, 0, sizeof s);
  s.kind = CREDO_STIM_DATASET;
  s.n = n;
  s.n_rows = n_rows;
  s.values = (double *) values;
  s.start = start;
  s.stop = INFINITY;
  s.t_pres = t_pres;
  s.repeat = repeat;
  return s;
}

/* The stimulus' first value at t (n <= 8). */
static double
value_at (const credo_stim_spec *s, double t)
{
  double out[8] = { 0 };
  credo__stim_add (s, t, t, out);
  return out[0];
}

/* ---- evaluation and breaks --------------------------------------------- */

START_TEST (test_values)
{
  /* t_pres = 0.1 and start = 0.3 are not exact in binary: the value at
   * every switch time (as credo__stim_breaks computes it) must already be
   * the new sample, and just before it still the old one */
  credo_stim_spec s = make_stim (samples4x3, 4, 3, 0.3, 0.1, 1);
  double out[3] = { 1, 1, 1 };
  ck_assert_double_eq (value_at (&s, 0.0), 0);
  ck_assert_double_eq (value_at (&s, nextafter (0.3, 0)), 0);
  for (long k = 0; k < 20000; k++)
    {
      double tk = 0.3 + (double) k * 0.1, t1 = 0.3 + (double) (k + 1) * 0.1;
      double want = 10.0 * (double) (k % 4 + 1);
      ck_assert_msg (value_at (&s, tk) == want, "k %ld: %g at t = %.17g, "
                     "want %g", k, value_at (&s, tk), tk, want);
      ck_assert_double_eq (value_at (&s, 0.5 * (tk + t1)), want);
      ck_assert_msg (value_at (&s, nextafter (t1, 0)) == want,
                     "k %ld: %g just before %.17g, want %g", k,
                     value_at (&s, nextafter (t1, 0)), t1, want);
    }
  /* all units, added to what is there */
  credo__stim_add (&s, 0.3 + 2 * 0.1 + 0.05, 0.3 + 2 * 0.1 + 0.05, out);
  ck_assert_double_eq (out[0], 31);
  ck_assert_double_eq (out[1], 32);
  ck_assert_double_eq (out[2], 33);

  /* integer grid: sample k mod 4 at k t_pres + t_pres / 2 */
  s = make_stim (samples4x3, 4, 3, 0.0, 100.0, 1);
  for (long k = 0; k < 1000; k++)
    ck_assert_double_eq (value_at (&s, 100.0 * (double) k + 50.0),
                         10.0 * (double) (k % 4 + 1));

  /* no repeat: 0 from start + n t_pres on */
  s = make_stim (samples4x3, 4, 3, 5.0, 10.0, 0);
  ck_assert_double_eq (value_at (&s, 5.0), 10);
  ck_assert_double_eq (value_at (&s, 44.999), 40);
  ck_assert_double_eq (value_at (&s, 45.0), 0);
  ck_assert_double_eq (value_at (&s, 1e9), 0);

  /* the active window still applies */
  s = make_stim (samples4x3, 4, 3, 0.0, 10.0, 1);
  s.stop = 25.0;
  ck_assert_double_eq (value_at (&s, 24.9), 30);
  ck_assert_double_eq (value_at (&s, 25.0), 0);
}
END_TEST

/* The breaks of s in (t0, t1): strictly increasing, inside the interval,
 * and the value changes at each one. */
static size_t
check_breaks (const credo_stim_spec *s, double t0, double t1, double **b)
{
  size_t n = 0, cap = 0;
  *b = NULL;
  ck_assert_int_eq (credo__stim_breaks (s, t0, t1, b, &n, &cap), 0);
  for (size_t i = 0; i < n; i++)
    {
      double t = (*b)[i];
      ck_assert_msg (t > t0 && t < t1, "break %.17g outside (%g, %g)", t, t0,
                     t1);
      if (i > 0)
        ck_assert_msg (t > (*b)[i - 1], "breaks not increasing at %zu", i);
      ck_assert_msg (value_at (s, t) != value_at (s, nextafter (t, -1e300)),
                     "no jump at break %.17g", t);
    }
  return n;
}

START_TEST (test_breaks)
{
  credo_stim_spec s = make_stim (samples4x3, 4, 3, 0.0, 10.0, 1);
  double *b;
  size_t n, cap;

  /* repeat, start 0: 10, 20, ..., 990 in (0, 1000) */
  ck_assert_uint_eq (check_breaks (&s, 0, 1000, &b), 99);
  ck_assert_double_eq (b[0], 10);
  ck_assert_double_eq (b[98], 990);
  free (b);
  /* a window in the middle: 30, 40, 50 */
  ck_assert_uint_eq (check_breaks (&s, 23, 57, &b), 3);
  ck_assert_double_eq (b[0], 30);
  free (b);
  /* an end point on a switch time is not inside (t0, t1) */
  ck_assert_uint_eq (check_breaks (&s, 30, 50, &b), 1);
  ck_assert_double_eq (b[0], 40);
  free (b);

  /* start 5: the start, then 15, ..., 995 */
  s.start = 5;
  ck_assert_uint_eq (check_breaks (&s, 0, 1000, &b), 100);
  ck_assert_double_eq (b[0], 5);
  ck_assert_double_eq (b[1], 15);
  free (b);

  /* no repeat: 10, 20, 30 and the drop to 0 at 40 */
  s = make_stim (samples4x3, 4, 3, 0.0, 10.0, 0);
  ck_assert_uint_eq (check_breaks (&s, 0, 1000, &b), 4);
  ck_assert_double_eq (b[3], 40);
  free (b);
  /* stop on a switch time: listed once */
  s.stop = 20;
  ck_assert_uint_eq (check_breaks (&s, 0, 1000, &b), 2);
  ck_assert_double_eq (b[0], 10);
  ck_assert_double_eq (b[1], 20);
  free (b);

  /* a long run: 10^5 switches, with inexact t_pres */
  s = make_stim (samples4x3, 4, 3, 0.0, 0.1, 1);
  ck_assert_uint_eq (check_breaks (&s, 0, 10000.05, &b), 100000);
  free (b);

  /* infinitely many switches */
  b = NULL;
  n = cap = 0;
  ck_assert_int_eq (credo__stim_breaks (&s, 0, INFINITY, &b, &n, &cap),
                    CREDO_EINVAL);
  free (b);
  s.repeat = 0;
  ck_assert_uint_eq (check_breaks (&s, 0, INFINITY, &b), 4);
  free (b);
}
END_TEST

/* ---- the config -------------------------------------------------------- */

#define POPS                                                                  \
  "duration = 100.0;\n"                                                       \
  "populations = {\n"                                                         \
  "  x = { model = \"input\"; size = 3; };\n"                                 \
  "  h = { model = \"rate\"; size = 2; };\n"                                  \
  "};\n"

START_TEST (test_parse)
{
  credo_spec *spec;
  const credo_stim_spec *st;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
  double wide[20] = { 0 };

  h5_put ("d.h5", 1, "inputs", 2, (const hsize_t[]) { 4, 3 }, samples4x3);
  h5_put ("d.h5", 0, "wide", 2, (const hsize_t[]) { 4, 5 }, wide);
  write_file ("d.csv", "# samples\n1, 2, 3\n4, 5, 6\n");

  spec = load (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\"; dataset = \"inputs\"; t_pres = 10.0; } );\n");
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  st = &spec->stims[0];
  ck_assert_int_eq (st->kind, CREDO_STIM_DATASET);
  ck_assert_uint_eq (st->n_rows, 4);
  ck_assert_uint_eq (st->n, 3);
  ck_assert_double_eq (st->t_pres, 10);
  ck_assert_int_eq (st->repeat, 1); /* the default */
  ck_assert_str_eq (st->ds_name, "inputs");
  ck_assert_str_eq (st->source, tmp_path ("d.h5"));
  ck_assert_double_eq (st->values[11], 42);
  ck_assert_double_eq (value_at (st, 35), 40);
  ck_assert_double_eq (value_at (st, 45), 10);
  /* the summary: samples, t_pres, one epoch */
  f = open_memstream (&buf, &len);
  credo_spec_print_summary (spec, f);
  fclose (f);
  ck_assert_msg (strstr (buf, "x.in  dataset ") != NULL, "%s", buf);
  ck_assert_msg (strstr (buf, "d.h5:inputs: 4 samples x 3, t_pres 10 ms, "
                         "epoch 40 ms, repeated") != NULL, "%s", buf);
  free (buf);
  credo_spec_free (spec);

  /* repeat = false, a start, and CSV */
  spec = load (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.csv\"; t_pres = 2.5; repeat = false; start = 1.0; } );\n");
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  st = &spec->stims[0];
  ck_assert_int_eq (st->repeat, 0);
  ck_assert_ptr_null (st->ds_name);
  ck_assert_uint_eq (st->n_rows, 2);
  ck_assert_double_eq (value_at (st, 0.5), 0);
  ck_assert_double_eq (value_at (st, 1.0), 1);
  ck_assert_double_eq (value_at (st, 3.5), 4);
  ck_assert_double_eq (value_at (st, 6.0), 0);
  credo_spec_free (spec);

  /* errors, with the config's file and line */
  expect_fail (POPS "stimuli = (\n { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\";\n   dataset = \"wide\"; t_pres = 10.0; } );\n", 8,
               "dataset 'wide' of '", "d.h5' is 4 x 5", "expected 4 x 3",
               "'x'", NULL);
  expect_fail (POPS "stimuli = ( { to = \"h.in\"; kind = \"dataset\";\n file "
               "= \"d.csv\"; t_pres = 10.0; } );\n", 7, "d.csv' is 2 x 3",
               "expected 2 x 2", "'h'", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\";\n file = "
               "\"absent.h5\"; dataset = \"inputs\"; t_pres = 10.0; } );\n",
               7, "absent.h5' cannot be opened", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\";\n dataset = \"nope\"; t_pres = 10.0; } );\n", 7,
               "no dataset 'nope'", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\";\n t_pres = 10.0; } );\n", 6, "missing 'dataset' in "
               "stimulus 0 (kind dataset)", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.csv\";\n dataset = \"a\"; t_pres = 10.0; } );\n", 7,
               "'dataset' is only for HDF5 files", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\";\n dataset = \"inputs\"; t_pres = 0.0; } );\n", 7,
               "'t_pres' must be > 0 (ms), not 0", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\";\n dataset = \"inputs\"; } );\n", 6, "missing "
               "'t_pres' in stimulus 0 (kind dataset)", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\"; dataset = \"inputs\";\n t_pres = 1.0; repeat = 1; "
               "} );\n", 7, "'repeat' must be true or false", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = "
               "\"d.h5\"; dataset = \"inputs\";\n t_pres = 1.0; interpolate = "
               "\"linear\"; } );\n", 7, "unknown key 'interpolate' in "
               "stimulus 0 (kind dataset)", NULL);
  expect_fail (POPS "stimuli = ( { to = \"x\"; kind = \"datset\"; } );\n", 6,
               "unknown kind 'datset'; did you mean 'dataset'?", NULL);
}
END_TEST

/* ---- a run ------------------------------------------------------------- */

/* Reads /report/POP/VAR/data of a recorded file: [times x units]. */
static double *
read_report (const char *path, const char *pop, const char *var,
             size_t *n_t, size_t *n_u)
{
  char name[256];
  double *m = NULL;
  int rc;
  snprintf (name, sizeof name, "/report/%s/%s/data", pop, var);
  rc = credo__read_matrix (test_ctx, path, name, &m, n_t, n_u);
  ck_assert_msg (rc == 0, "%s", credo_errmsg (test_ctx));
  return m;
}

START_TEST (test_run)
{
  /* inputs [5 x 3] to an input population and targets [5 x 2] to the
   * nudging port of a pyramidal output layer, in step; recorded every
   * 5 ms with t_pres 10 ms, so the sample at t = 10 k + 5 is k mod 5 */
  double in[15], tg[10], *x, *nu;
  const char *cfg, *out = tmp_path ("run.h5");
  credo_spec *spec;
  credo_sim *sim;
  size_t nt, nu_, nt2, nu2;
  for (int k = 0; k < 5; k++)
    {
      for (int i = 0; i < 3; i++)
        in[k * 3 + i] = k + 0.1 * i;
      for (int i = 0; i < 2; i++)
        tg[k * 2 + i] = -(k + 0.5 * i);
    }
  h5_put ("train.h5", 1, "inputs", 2, (const hsize_t[]) { 5, 3 }, in);
  h5_put ("train.h5", 0, "targets", 2, (const hsize_t[]) { 5, 2 }, tg);
  cfg = write_file ("run.cfg",
    "duration = 200.0;\n"
    "populations = {\n"
    "  x = { model = \"input\"; size = 3; };\n"
    "  out = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; }; };\n"
    "};\n"
    "projections = ( { from = \"x.r\"; to = \"out.basal\";\n"
    "  init = { dist = \"constant\"; value = 0.1; }; } );\n"
    "stimuli = (\n"
    "  { to = \"x\"; kind = \"dataset\"; file = \"train.h5\";\n"
    "    dataset = \"inputs\"; t_pres = 10.0; },\n"
    "  { to = \"out.nudge\"; kind = \"dataset\"; file = \"train.h5\";\n"
    "    dataset = \"targets\"; t_pres = 10.0; },\n"
    "  { to = \"out.gate\"; kind = \"constant\"; value = 1.0; }\n"
    ");\n"
    "record = ( { what = \"x.r\"; every = 5.0; },\n"
    "           { what = \"out.nudge\"; every = 5.0; } );\n");
  spec = credo_spec_load (test_ctx, cfg, NULL, 0);
  sim = sim_run (test_ctx, spec, out);
  credo_sim_free (sim);
  credo_spec_free (spec);

  x = read_report (out, "x", "r", &nt, &nu_);
  nu = read_report (out, "out", "nudge", &nt2, &nu2);
  ck_assert_uint_eq (nt, 41); /* t = 0, 5, ..., 200 */
  ck_assert_uint_eq (nu_, 3);
  ck_assert_uint_eq (nt2, 41);
  ck_assert_uint_eq (nu2, 2);
  for (size_t k = 0; k < 20; k++)
    {
      size_t j = 2 * k + 1, s = k % 5; /* t = 10 k + 5 */
      char what[64];
      snprintf (what, sizeof what, "x.r at t = %zu", 10 * k + 5);
      assert_close (x + j * 3, in + s * 3, 3, 1e-12, 0, what);
      snprintf (what, sizeof what, "out.nudge at t = %zu", 10 * k + 5);
      assert_close (nu + j * 2, tg + s * 2, 2, 1e-12, 0, what);
      /* at the switch time t = 10 k itself the new sample is recorded */
      snprintf (what, sizeof what, "x.r at the switch t = %zu", 10 * k);
      assert_close (x + (j - 1) * 3, in + s * 3, 3, 1e-12, 0, what);
    }
  free (x);
  free (nu);
}
END_TEST

/* CVODE lands on every switch time (tstop); the step that lands there must
 * not see the next sample, or it fails its error test over and over and
 * halves towards the switch.  A neuron driven by a dataset with large
 * jumps: before the fix 46 error-test failures per segment, after it 7
 * (the restart's own). */
START_TEST (test_switch_left_limit)
{
  double in[15] = { 1, 2, 3, -3, -1, 0, 2, 2, 2, 0, 0, -4, 5, 1, 1 };
  const char *cfg;
  credo_spec *spec;
  credo_sim *sim;
  credo_solver_stats st;
  h5_put ("jumps.h5", 1, "inputs", 2, (const hsize_t[]) { 5, 3 }, in);
  cfg = write_file ("jumps.cfg",
    "duration = 2000.0;\n"
    "populations = {\n"
    "  x = { model = \"input\"; size = 3; };\n"
    "  out = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; }; };\n"
    "};\n"
    "projections = ( { from = \"x.r\"; to = \"out.basal\";\n"
    "  init = { dist = \"constant\"; value = 0.5; }; } );\n"
    "stimuli = ( { to = \"x\"; kind = \"dataset\"; file = \"jumps.h5\";\n"
    "  dataset = \"inputs\"; t_pres = 100.0; } );\n");
  spec = credo_spec_load (test_ctx, cfg, NULL, 0);
  sim = sim_run (test_ctx, spec, NULL);
  credo_sim_stats (sim, &st);
  ck_assert_int_eq (st.reinits, 19);
  ck_assert_msg (st.err_test_fails < 20 * 20,
                 "%ld error-test failures in 20 segments", st.err_test_fails);
  credo_sim_free (sim);
  credo_spec_free (spec);
}
END_TEST

/* ---- generators -------------------------------------------------------- */

static void
small_teacher (credo_teacher_opts *o, unsigned long seed)
{
  credo_teacher_opts_default (o);
  o->sizes[0] = 6;
  o->sizes[1] = 4;
  o->sizes[2] = 3;
  o->n_samples = 25;
  o->n_test = 7;
  o->seed = seed;
}

START_TEST (test_teacher)
{
  credo_teacher_opts o;
  const char *p1 = tmp_path ("t1.h5"), *p2 = tmp_path ("t2.h5"),
             *p3 = tmp_path ("t3.h5");
  double *W10, *W21, *in, *tg, *rt, *a, *b;
  static const char *const names[] = { "inputs", "test_inputs", "W10",
                                       "W21", "targets", "test_targets" };

  /* the SAC18 defaults */
  credo_teacher_opts_default (&o);
  ck_assert_uint_eq (o.sizes[0], 30);
  ck_assert_uint_eq (o.sizes[1], 20);
  ck_assert_uint_eq (o.sizes[2], 10);
  ck_assert_double_eq (o.k10, 2);
  ck_assert_double_eq (o.k21, 10);
  ck_assert_int_eq (o.phi.kind, CREDO_TF_SOFTPLUS);
  ck_assert_double_eq (o.phi.gain, 1);
  ck_assert_double_eq (o.phi.threshold, 3);
  ck_assert_double_eq (o.phi.scale, 0.1);

  small_teacher (&o, 42);
  ck_assert_msg (credo_dataset_teacher (test_ctx, p1, &o) == 0, "%s",
                 credo_errmsg (test_ctx));
  W10 = h5_get (p1, "W10", 4, 6);
  W21 = h5_get (p1, "W21", 3, 4);
  ck_assert_double_eq (h5_attr (p1, "/", "k10"), 2);
  ck_assert_double_eq (h5_attr (p1, "/", "k21"), 10);
  ck_assert_double_eq (h5_attr (p1, "/", "phi_threshold"), 3);
  for (int set = 0; set < 2; set++)
    {
      size_t n = set ? 7 : 25;
      in = h5_get (p1, set ? "test_inputs" : "inputs", n, 6);
      tg = h5_get (p1, set ? "test_targets" : "targets", n, 3);
      rt = h5_get (p1, set ? "test_target_rates" : "target_rates", n, 3);
      for (size_t k = 0; k < n; k++)
        {
          double h[4], u[3], r[3];
          for (size_t j = 0; j < 6; j++)
            ck_assert (in[k * 6 + j] >= -1 && in[k * 6 + j] < 1);
          /* the teacher's forward pass, recomputed from the file */
          for (size_t i = 0; i < 4; i++)
            {
              h[i] = 0;
              for (size_t j = 0; j < 6; j++)
                h[i] += W10[i * 6 + j] * in[k * 6 + j];
              h[i] *= 2;
            }
          credo_transfer_eval (&o.phi, 4, h, h, NULL);
          for (size_t i = 0; i < 3; i++)
            {
              u[i] = 0;
              for (size_t j = 0; j < 4; j++)
                u[i] += W21[i * 4 + j] * h[j];
              u[i] *= 10;
            }
          credo_transfer_eval (&o.phi, 3, u, r, NULL);
          assert_close (tg + k * 3, u, 3, 1e-12, 0, "target vs forward pass");
          assert_close (rt + k * 3, r, 3, 1e-12, 0, "target rate vs phi(u)");
          for (size_t i = 0; i < 3; i++) /* 0.1 log(1 + exp(u - 3)) */
            assert_close1 (r[i], 0.1 * log1p (exp (u[i] - 3)), 1e-12, 0,
                           "phi(u) vs 0.1 log(1 + exp(u - 3))");
        }
      free (in);
      free (tg);
      free (rt);
    }
  for (size_t i = 0; i < 24; i++)
    ck_assert (W10[i] >= -1 && W10[i] < 1);

  /* the same seed gives the same file, another seed other numbers */
  ck_assert_int_eq (credo_dataset_teacher (test_ctx, p2, &o), 0);
  small_teacher (&o, 43);
  ck_assert_int_eq (credo_dataset_teacher (test_ctx, p3, &o), 0);
  for (size_t d = 0; d < 6; d++)
    {
      size_t rows = d == 0 ? 25 : d == 1 ? 7 : d == 2 ? 4 : d == 3 ? 3
                    : d == 4 ? 25 : 7;
      size_t cols = d < 2 ? 6 : d == 2 ? 6 : d == 3 ? 4 : 3;
      a = h5_get (p1, names[d], rows, cols);
      b = h5_get (p2, names[d], rows, cols);
      ck_assert_msg (memcmp (a, b, rows * cols * sizeof *a) == 0,
                     "%s differs with the same seed", names[d]);
      free (b);
      b = h5_get (p3, names[d], rows, cols);
      ck_assert_msg (memcmp (a, b, rows * cols * sizeof *a) != 0,
                     "%s equal with another seed", names[d]);
      free (a);
      free (b);
    }
  free (W10);
  free (W21);

  /* no test set */
  small_teacher (&o, 42);
  o.n_test = 0;
  ck_assert_int_eq (credo_dataset_teacher (test_ctx, p2, &o), 0);
  ck_assert_int_ne (credo__read_matrix (test_ctx, p2, "test_inputs", &a,
                                        &(size_t){ 0 }, &(size_t){ 0 }), 0);
  /* the training part does not depend on the size of the test set */
  a = h5_get (p1, "targets", 25, 3);
  b = h5_get (p2, "targets", 25, 3);
  ck_assert (memcmp (a, b, 75 * sizeof *a) == 0);
  free (a);
  free (b);

  /* bad options; an unwritable path leaves nothing behind */
  small_teacher (&o, 1);
  o.sizes[1] = 0;
  ck_assert_int_eq (credo_dataset_teacher (test_ctx, p3, &o), CREDO_EINVAL);
  small_teacher (&o, 1);
  o.n_samples = 0;
  ck_assert_int_eq (credo_dataset_teacher (test_ctx, p3, &o), CREDO_EINVAL);
  small_teacher (&o, 1);
  /* a missing directory is bad input, found before anything is drawn */
  ck_assert_int_eq (credo_dataset_teacher (test_ctx, tmp_path ("no/dir/x.h5"),
                                           &o), CREDO_ECONFIG);
  ck_assert_int_eq (credo_dataset_teacher (test_ctx, tmp_path ("."), &o),
                    CREDO_ECONFIG); /* a directory */
  ck_assert_int_ne (access (tmp_path ("no/dir/x.h5.part"), F_OK), 0);
}
END_TEST

START_TEST (test_bars)
{
  credo_bars_opts o;
  const char *p = tmp_path ("bars.h5"), *q = tmp_path ("noisy.h5");
  double *x, *t, *r, *lab, *x2;
  credo_transfer soft = { CREDO_TF_SOFTPLUS, 1, 0, 1 };
  int seen[8] = { 0 };

  credo_bars_opts_default (&o);
  ck_assert_msg (credo_dataset_bars (test_ctx, p, &o) == 0, "%s",
                 credo_errmsg (test_ctx));
  x = h5_get (p, "inputs", 8, 9);
  lab = h5_get (p, "labels", 8, 1);
  t = h5_get (p, "targets", 8, 3);
  r = h5_get (p, "target_rates", 8, 3);
  for (size_t k = 0; k < 8; k++)
    {
      const double *img = x + k * 9;
      int c = (int) lab[k], on = 0, which = -1;
      double phi[3];
      for (size_t j = 0; j < 9; j++)
        {
          ck_assert (img[j] == 0 || img[j] == 1);
          on += img[j] == 1;
        }
      ck_assert_int_eq (on, 3);
      ck_assert_int_eq (c, k < 3 ? 0 : k < 6 ? 1 : 2);
      if (c == 0) /* a full row */
        for (int row = 0; row < 3; row++)
          if (img[3 * row] == 1 && img[3 * row + 1] == 1
              && img[3 * row + 2] == 1)
            which = row;
      if (c == 1) /* a full column */
        for (int col = 0; col < 3; col++)
          if (img[col] == 1 && img[col + 3] == 1 && img[col + 6] == 1)
            which = 3 + col;
      if (c == 2) /* a diagonal */
        {
          if (img[0] == 1 && img[4] == 1 && img[8] == 1)
            which = 6;
          if (img[2] == 1 && img[4] == 1 && img[6] == 1)
            which = 7;
        }
      ck_assert_msg (which >= 0, "pattern %zu is no bar of class %d", k, c);
      seen[which]++;
      /* targets: phi(u) = 1.0 for the class, 0.1 else, phi = log(1+e^u) */
      credo_transfer_eval (&soft, 3, t + k * 3, phi, NULL);
      for (int i = 0; i < 3; i++)
        {
          double want = i == c ? 1.0 : 0.1;
          ck_assert_double_eq (r[k * 3 + (size_t) i], want);
          assert_close1 (phi[i], want, 1e-12, 0, "phi(target) vs rate");
        }
    }
  for (int w = 0; w < 8; w++)
    ck_assert_int_eq (seen[w], 1); /* every bar exactly once */
  ck_assert_double_eq_tol (t[0], log (exp (1.0) - 1), 1e-12);
  ck_assert_double_eq_tol (t[1], log (exp (0.1) - 1), 1e-12);
  free (t);
  free (r);
  free (lab);

  /* noise and copies: the clean patterns plus N(0, sigma^2), by seed.  The
   * 8 bars (3 rows, 3 columns, 2 diagonals) repeated `copies` times give
   * n_rows = 8 copies rows of 9 pixels, n = 9 n_rows independent noise
   * values.  Their mean has standard error sigma / sqrt(n) and their RMS
   * sigma / sqrt(2 n) (normal samples); both must be within 4 standard
   * errors: 0.0133 and 0.0094 for sigma = 0.2, n = 3600. */
  o.noise = 0.2;
  o.copies = 50;
  const size_t n_rows = 8 * o.copies, n = 9 * n_rows;
  ck_assert_int_eq (credo_dataset_bars (test_ctx, q, &o), 0);
  x2 = h5_get (q, "inputs", n_rows, 9);
  {
    double sum = 0, sum2 = 0;
    for (size_t k = 0; k < n_rows; k++)
      for (size_t j = 0; j < 9; j++)
        {
          double d = x2[k * 9 + j] - x[(k % 8) * 9 + j];
          sum += d;
          sum2 += d * d;
        }
    printf ("# bars noise: mean %.5f, RMS %.5f (sigma %g, n %zu)\n",
            sum / (double) n, sqrt (sum2 / (double) n), o.noise, n);
    assert_close1 (sum / (double) n, 0, 4 * o.noise / sqrt ((double) n), 0,
                   "noise mean");
    assert_close1 (sqrt (sum2 / (double) n), o.noise,
                   4 * o.noise / sqrt (2.0 * (double) n), 0, "noise RMS");
  }
  ck_assert_int_eq (credo_dataset_bars (test_ctx, p, &o), 0);
  {
    double *again = h5_get (p, "inputs", n_rows, 9);
    ck_assert (memcmp (again, x2, n * sizeof *x2) == 0);
    free (again);
  }
  free (x2);

  /* SAC18's soft rectifier: the targets are its inverse */
  credo_bars_opts_default (&o);
  o.phi.threshold = 3;
  o.phi.scale = 0.1;
  ck_assert_int_eq (credo_dataset_bars (test_ctx, p, &o), 0);
  t = h5_get (p, "targets", 8, 3);
  for (size_t i = 0; i < 24; i++)
    {
      double v;
      credo_transfer_eval (&o.phi, 1, &t[i], &v, NULL);
      assert_close1 (v, i % 3 == (i / 3 < 3 ? 0 : i / 3 < 6 ? 1 : 2)
                         ? 1.0 : 0.1, 1e-12, 0, "phi(target) vs rate");
    }
  free (t);
  /* a rate phi cannot reach */
  o.phi.kind = CREDO_TF_LOGISTIC;
  o.phi.scale = 1;
  o.rate_on = 1.0;
  ck_assert_int_eq (credo_dataset_bars (test_ctx, p, &o), CREDO_EINVAL);
  free (x);
}
END_TEST

/* ---- the CLI ------------------------------------------------------------ */

/* Runs `credo ARGS` quietly; returns the exit code. */
static int
run_cli (const char *args)
{
  const char *dir = getenv ("CREDO_BUILDDIR");
  char cmd[4096], cwd[2048];
  int st;
  if (!dir)
    dir = getcwd (cwd, sizeof cwd);
  ck_assert_ptr_nonnull (dir);
  snprintf (cmd, sizeof cmd, "cd '%s' && '%s/credo' %s >out.txt 2>err.txt",
            tmpdir, dir, args);
  st = system (cmd);
  ck_assert (st != -1 && WIFEXITED (st));
  return WEXITSTATUS (st);
}

START_TEST (test_cli)
{
  double *m;
  ck_assert_int_eq (run_cli ("data teacher -o t.h5 --samples 12 --test 3 "
                             "--seed 5 --sizes 4,3,2 --k10 1 --k21 5"), 0);
  m = h5_get (tmp_path ("t.h5"), "inputs", 12, 4);
  free (m);
  m = h5_get (tmp_path ("t.h5"), "W21", 2, 3);
  free (m);
  ck_assert_double_eq (h5_attr (tmp_path ("t.h5"), "/", "k21"), 5);
  ck_assert_int_eq (run_cli ("data bars -o b.h5 --seed 3 --noise 0.1 "
                             "--copies 2"), 0);
  m = h5_get (tmp_path ("b.h5"), "inputs", 16, 9);
  free (m);
  ck_assert_int_eq (run_cli ("data bars -o b2.h5 --phi 1,3,0.1"), 0);
  ck_assert_int_eq (run_cli ("data --help"), 0);
  ck_assert_int_eq (run_cli ("data teacher --help"), 0);
  ck_assert_int_eq (run_cli ("data bars -h"), 0);
  ck_assert_int_eq (run_cli ("--help"), 0);
  /* bad input: exit 2, no file */
  ck_assert_int_eq (run_cli ("data"), 2);
  ck_assert_int_eq (run_cli ("data teachers -o x.h5"), 2);
  ck_assert_int_eq (run_cli ("data teacher"), 2);
  ck_assert_int_eq (run_cli ("data teacher -o x.h5 --samples ten"), 2);
  ck_assert_int_eq (run_cli ("data teacher -o x.h5 --samples 0"), 2);
  ck_assert_int_eq (run_cli ("data teacher -o x.h5 --sizes 3,2"), 2);
  ck_assert_int_eq (run_cli ("data teacher -o x.h5 --noise 1"), 2);
  ck_assert_int_eq (run_cli ("data teacher -o x.h5 --bogus"), 2);
  ck_assert_int_eq (run_cli ("data teacher -o x.h5 extra"), 2);
  ck_assert_int_eq (run_cli ("data bars -o x.h5 --noise -1"), 2);
  ck_assert_int_eq (run_cli ("data bars -o x.h5 --transfer sigmoid"), 2);
  ck_assert_int_eq (run_cli ("data bars -o x.h5 --transfer logistic"), 2);
  ck_assert_int_ne (access (tmp_path ("x.h5"), F_OK), 0);
}
END_TEST

static Suite *
dataset_suite (void)
{
  Suite *s = suite_create ("dataset");
  TCase *tc = tcase_create ("stimulus");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_add_test (tc, test_values);
  tcase_add_test (tc, test_breaks);
  tcase_add_test (tc, test_parse);
  tcase_add_test (tc, test_run);
  tcase_add_test (tc, test_switch_left_limit);
  suite_add_tcase (s, tc);

  tc = tcase_create ("generators");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_teacher);
  tcase_add_test (tc, test_bars);
  tcase_add_test (tc, test_cli);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (dataset_suite ());
}
