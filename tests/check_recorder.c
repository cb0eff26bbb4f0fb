/* tests/check_recorder.c -- the HDF5 recorder (src/record/) and
 * `credo info` (src/record/info.c): layout and values of what it writes.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Describes one population by hand (recorder_fixture.c: no network is
 * built), drives the recorder the way the run driver does (grid samples at
 * the times it asks for, step samples after each "integrator step"), then
 * reads the file back with the HDF5 C API.  Failures and cleanup are in
 * check_recorder_fail.c.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "recorder_fixture.h"

/* ---- checks ------------------------------------------------------------- */

/* Checks a grid report: rows exactly at start + k*every up to stop (and
 * the duration), timestamps, mapping/time, and values val(t, unit). */
static void
check_grid (hid_t f, const char *where, const credo_rec_spec *rs,
            double (*val) (double t, size_t unit))
{
  char name[256];
  hsize_t dims[2], tdims[2], k, rows = 0;
  int rank, trank;
  double *data, *ts, *tm;
  size_t j;
  double limit = fmin (rs->stop, F.spec.duration);

  while (rs->start + (double) rows * rs->every <= limit)
    rows++;
  snprintf (name, sizeof name, "%s/data", where);
  data = read_doubles (f, name, dims, &rank);
  ck_assert_int_eq (rank, 2);
  ck_assert_uint_eq (dims[0], rows);
  ck_assert_uint_eq (dims[1], rs->n_units);
  snprintf (name, sizeof name, "%s/mapping/timestamps", where);
  ts = read_doubles (f, name, tdims, &trank);
  ck_assert_int_eq (trank, 1);
  ck_assert_uint_eq (tdims[0], rows);
  for (k = 0; k < rows; k++)
    {
      double t = rs->start + (double) k * rs->every;
      ck_assert_msg (ts[k] == t, "%s: timestamp %llu is %.17g, not %.17g",
                     where, (unsigned long long) k, ts[k], t);
      for (j = 0; j < rs->n_units; j++)
        {
          double want = val (t, rs->units[j]), got = data[k * rs->n_units + j];
          if (rs->float32)
            ck_assert_msg (got == (double) (float) want, "%s[%llu,%zu] %g != %g",
                           where, (unsigned long long) k, j, got, want);
          else
            ck_assert_msg (got == want, "%s[%llu,%zu] %g != %g", where,
                           (unsigned long long) k, j, got, want);
        }
    }
  snprintf (name, sizeof name, "%s/mapping/time", where);
  tm = read_doubles (f, name, tdims, &trank);
  ck_assert_uint_eq (tdims[0], 3);
  ck_assert (tm[0] == rs->start);
  ck_assert (tm[1] == rs->start + (double) rows * rs->every);
  ck_assert (tm[2] == rs->every);
  free (tm);
  /* the report group states its grid as configured */
  ck_assert (attr_num (f, where, "start") == rs->start);
  ck_assert (attr_num (f, where, "stop") == rs->stop);
  ck_assert (attr_num (f, where, "every") == rs->every);
  free (ts);
  free (data);
}

static double
val_v (double t, size_t i)
{
  return 10.0 * (double) i + t;
}

static double
val_w (double t, size_t i)
{
  return 100.0 + 10.0 * (double) i + t;
}

static double
val_r (double t, size_t i)
{
  return 2.0 * (10.0 * (double) i + t) + 1.0;
}

static double
val_in (double t, size_t i)
{
  return t + (double) i;
}

/* ---- tests -------------------------------------------------------------- */

START_TEST (test_layout_and_values)
{
  credo_rec_spec *r0, *r1, *r3, *r4;
  credo_recorder *r;
  credo_solver_stats st = some_stats ();
  double steps[64], *d, *ts, *tm;
  size_t n_steps, i;
  hsize_t dims[2], n, k;
  int rank;
  hid_t f;
  uint64_t *u;
  H5T_class_t cls;
  size_t size;
  H5T_sign_t sign;

  r0 = add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  r1 = add_rec (CREDO_REC_OUTPUT, 0, "r", F.u02, 2, 0.25, 0.5, 10, 1);
  add_rec (CREDO_REC_VAR, 0, "v", F.u1, 1, 0, 0.2, 0.8, 0);
  r3 = add_rec (CREDO_REC_INPUT, 0, "I", F.u1, 1, 0.5, 0, 1.0, 0);
  r4 = add_rec (CREDO_REC_VAR, 1, "w", F.u2, 1, 0.3, 0.1, 1.0, 0);

  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta);
  ck_assert_msg (r != NULL, "%s", credo_errmsg (F.ctx));
  ck_assert (exists (F.part));
  ck_assert (!exists (F.path));
  ck_assert_int_eq (credo__rec_wants_steps (r), 1);
  ck_assert (credo__rec_next_time (r) == 0);
  n_steps = drive (r, F.spec.duration, 0.07, steps);
  /* only r's grid (up to 10 ms) goes on past the duration */
  ck_assert (credo__rec_next_time (r) == 1.25);
  /* ports evaluated once per sample call that needed them:
   * t = 0, 0.5, 0.75, 1 (r at 0.5, 0.75, 1; I at 0, 0.5, 1) */
  ck_assert_int_eq (F.n_evals, 4);
  ck_assert_int_eq (credo__rec_close (r, &st, 1.0, NULL), 0);
  ck_assert (!exists (F.part));
  ck_assert (exists (F.path));
  ck_assert_int_eq (H5Fget_obj_count ((hid_t) H5F_OBJ_ALL, H5F_OBJ_ALL), 0);

  f = H5Fopen (F.path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert (f >= 0);

  /* root attributes */
  assert_attr (f, "/", "config", config_text);
  assert_attr (f, "/", "config_path", "test.cfg");
  assert_attr (f, "/", "status", "ok");
  assert_attr (f, "/", "credo_version", credo_version ());
  assert_attr (f, "/", "method", "bdf");
  assert_attr (f, "/", "engine", "cvode");
  assert_attr (f, "/", "linear_solver", "dense");
  assert_attr (f, "/", "command_line", "credo run test.cfg");
  assert_attr (f, "/", "blas", credo_blas_name ());
  assert_attr (f, "/", "sundials_version", "6.4.1");
  {
    char *s = attr_str (f, "/", "start_time");
    ck_assert_msg (strlen (s) == 25 && s[4] == '-' && s[10] == 'T'
                   && s[22] == ':', "start_time %s", s);
    free (s);
    s = attr_str (f, "/", "hdf5_version");
    ck_assert_str_eq (s, "1.10.8");
    free (s);
    s = attr_str (f, "/", "host");
    ck_assert (strlen (s) > 0);
    free (s);
  }
  ck_assert (attr_num (f, "/", "seed") == 7);
  ck_assert (attr_num (f, "/", "duration") == 1.0);
  ck_assert (attr_num (f, "/", "rtol") == 1e-6);
  ck_assert (attr_num (f, "/", "atol") == 1e-8);
  ck_assert (attr_num (f, "/", "t_end") == 1.0);

  /* reports */
  check_grid (f, "/report/exc/v", r0, val_v);
  check_grid (f, "/report/exc/r", r1, val_r);
  check_grid (f, "/report/exc/I", r3, val_in);
  check_grid (f, "/report/exc/w", r4, val_w);

  /* the duplicate pop/var got a suffix; it samples at the steps in
   * [0.2, 0.8] */
  d = read_doubles (f, "/report/exc/v_1/data", dims, &rank);
  ts = read_doubles (f, "/report/exc/v_1/mapping/timestamps", &n, &rank);
  k = 0;
  for (i = 0; i < n_steps; i++)
    if (steps[i] >= 0.2 && steps[i] <= 0.8)
      {
        ck_assert (k < n);
        ck_assert (ts[k] == steps[i]);
        ck_assert (d[k] == val_v (steps[i], 1));
        k++;
      }
  ck_assert_uint_eq (k, n);
  ck_assert_uint_eq (dims[0], n);
  ck_assert_uint_eq (n, 9); /* 0.21, 0.28, ..., 0.77 */
  free (d);
  free (ts);
  tm = read_doubles (f, "/report/exc/v_1/mapping/time", &n, &rank);
  ck_assert (tm[0] == 0.2 && tm[1] == 0.2 && tm[2] == 0);
  free (tm);
  assert_attr (f, "/report/exc/v_1", "variable", "v");

  /* report group attributes and units */
  assert_attr (f, "/report/exc/v", "variable", "v");
  assert_attr (f, "/report/exc/v", "kind", "state");
  assert_attr (f, "/report/exc/v", "population", "exc");
  assert_attr (f, "/report/exc/v", "model", "fake");
  assert_attr (f, "/report/exc/r", "kind", "output");
  assert_attr (f, "/report/exc/I", "kind", "input");
  assert_attr (f, "/report/exc/v/data", "units", "mV");
  assert_attr (f, "/report/exc/w/data", "units", "pA");
  assert_attr (f, "/report/exc/r/data", "units", "Hz");
  assert_attr (f, "/report/exc/I/data", "units", "nA");
  assert_attr (f, "/report/exc/v/mapping/time", "units", "ms");
  ck_assert (attr_num (f, "/report/exc/r", "every") == 0.25);

  /* dtypes */
  dtype_of (f, "/report/exc/v/data", &cls, &size, &sign);
  ck_assert (cls == H5T_FLOAT && size == 8);
  dtype_of (f, "/report/exc/r/data", &cls, &size, &sign);
  ck_assert (cls == H5T_FLOAT && size == 4);

  /* SONATA mapping */
  u = read_u64 (f, "/report/exc/r/mapping/node_ids", &n);
  ck_assert_uint_eq (n, 2);
  ck_assert (u[0] == 0 && u[1] == 2);
  free (u);
  dtype_of (f, "/report/exc/r/mapping/node_ids", &cls, &size, &sign);
  ck_assert (cls == H5T_INTEGER && size == 8 && sign == H5T_SGN_NONE);
  u = read_u64 (f, "/report/exc/v/mapping/index_pointers", &n);
  ck_assert_uint_eq (n, 4);
  for (i = 0; i < 4; i++)
    ck_assert_uint_eq (u[i], i);
  free (u);
  u = read_u64 (f, "/report/exc/v/mapping/element_ids", &n);
  ck_assert_uint_eq (n, 3);
  ck_assert (u[0] == 0 && u[1] == 0 && u[2] == 0);
  free (u);
  dtype_of (f, "/report/exc/v/mapping/element_ids", &cls, &size, &sign);
  ck_assert (cls == H5T_INTEGER && size == 4 && sign == H5T_SGN_NONE);

  /* chunked, shuffled, deflated */
  {
    hid_t dset = H5Dopen2 (f, "/report/exc/v/data", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist (dset);
    hsize_t chunk[2];
    unsigned flags, cd[4];
    size_t ncd = 4;
    ck_assert_int_eq (H5Pget_layout (dcpl), H5D_CHUNKED);
    ck_assert_int_eq (H5Pget_chunk (dcpl, 2, chunk), 2);
    ck_assert_uint_eq (chunk[1], 3);
    ck_assert_uint_eq (chunk[0], 16); /* 11 rows planned: the minimum */
    ck_assert_int_eq (H5Pget_nfilters (dcpl), 2);
    ck_assert_int_eq (H5Pget_filter2 (dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL),
                      H5Z_FILTER_SHUFFLE);
    ncd = 4;
    ck_assert_int_eq (H5Pget_filter2 (dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL),
                      H5Z_FILTER_DEFLATE);
    ck_assert_uint_eq (cd[0], 4);
    H5Pclose (dcpl);
    H5Dclose (dset);
  }

  /* solver statistics */
  ck_assert_int_eq (scalar_ll (f, "/solver/steps"), 123);
  ck_assert_int_eq (scalar_ll (f, "/solver/rhs_evals"), 456);
  ck_assert_int_eq (scalar_ll (f, "/solver/jac_evals"), 7);
  ck_assert_int_eq (scalar_ll (f, "/solver/reinits"), 2);
  ck_assert_int_eq (scalar_ll (f, "/solver/prec_evals"), 11);
  ck_assert_int_eq (scalar_ll (f, "/solver/lin_conv_fails"), 0);
  d = read_doubles (f, "/solver/wall_seconds", dims, &rank);
  ck_assert (rank == 0 && d[0] == 0.25);
  free (d);
  d = read_doubles (f, "/solver/t_end", dims, &rank);
  ck_assert (d[0] == 1.0);
  free (d);
  H5Fclose (f);
}
END_TEST

/* More rows than a chunk (several block writes plus a partial one), with
 * and without a flush after every sample, float64 and float32, deflated and
 * not. */
static void
long_run (double flush_seconds, int float32, int compression)
{
  credo_rec_spec *rs;
  credo_recorder *r;
  hid_t f;
  F.spec.duration = 10.0;
  F.spec.flush_seconds = flush_seconds;
  F.spec.compression = compression;
  rs = add_rec (CREDO_REC_VAR, 1, "w", F.all, 3, 0.001, 0, 10.0, float32);
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta);
  ck_assert_msg (r != NULL, "%s", credo_errmsg (F.ctx));
  ck_assert_int_eq (credo__rec_wants_steps (r), 0);
  drive (r, F.spec.duration, 0.37, NULL);
  ck_assert_int_eq (credo__rec_close (r, NULL, 10.0, NULL), 0);
  f = H5Fopen (F.path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert (f >= 0);
  check_grid (f, "/report/exc/w", rs, val_w);
  {
    /* 24-byte rows: 128 KiB / 24 = 5461 rows, capped at 4096 */
    hid_t dset = H5Dopen2 (f, "/report/exc/w/data", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist (dset);
    hsize_t chunk[2];
    ck_assert_int_eq (H5Pget_chunk (dcpl, 2, chunk), 2);
    ck_assert_uint_eq (chunk[0], 4096);
    ck_assert_uint_eq (chunk[1], 3);
    ck_assert_int_eq (H5Pget_nfilters (dcpl), compression ? 2 : 0);
    H5Pclose (dcpl);
    H5Dclose (dset);
  }
  /* without statistics /solver holds t_end only */
  ck_assert (H5Lexists (f, "/solver/t_end", H5P_DEFAULT) > 0);
  ck_assert (H5Lexists (f, "/solver/steps", H5P_DEFAULT) == 0);
  H5Fclose (f);
}

START_TEST (test_many_rows)
{
  long_run (0, 0, 4);
}
END_TEST

START_TEST (test_many_rows_float32_flushing)
{
  long_run (1e-9, 1, 0); /* deflating 10001 partial chunks takes 15 s */
}
END_TEST

START_TEST (test_skipped_grid_time)
{
  credo_recorder *r;
  double y[N_STATE];
  hid_t f;
  hsize_t n;
  int rank;
  double *ts;
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 1.0, 0, 10.0, 0);
  F.spec.duration = 10;
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta);
  ck_assert (r != NULL);
  fill_state (y, 0);
  ck_assert_int_eq (credo__rec_sample (r, 0, y, 0), 0);
  ck_assert (credo__rec_next_time (r) == 1.0);
  /* a step sample does not touch grid reports */
  ck_assert_int_eq (credo__rec_sample (r, 0.5, y, 1), 0);
  ck_assert (credo__rec_next_time (r) == 1.0);
  /* the driver skipped 1 and 2: warned, and the grid moves on */
  ck_assert_int_eq (credo__rec_sample (r, 2.5, y, 0), 0);
  ck_assert_msg (strstr (F.warning, "skipped") != NULL, "warning: %s", F.warning);
  ck_assert (credo__rec_next_time (r) == 3.0);
  ck_assert_int_eq (credo__rec_sample (r, 3.0, y, 0), 0);
  ck_assert (credo__rec_next_time (r) == 4.0);
  ck_assert_int_eq (credo__rec_close (r, NULL, 3.0, NULL), 0);
  f = H5Fopen (F.path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ts = read_doubles (f, "/report/exc/v/mapping/timestamps", &n, &rank);
  ck_assert_uint_eq (n, 2);
  ck_assert (ts[0] == 0 && ts[1] == 3);
  free (ts);
  H5Fclose (f);
}
END_TEST

/* A config far above HDF5's 64 KiB limit for compact attributes. */
/* ---- grid counts ------------------------------------------------------- */

/* credo__grid_count counts the k >= 0 with start + k*every <= stop (as
 * rounded in double): a stop that is itself a grid time, start + m*every,
 * gives m + 1 -- also where (stop - start) / every rounds below m, as for
 * 1.0, 1.1, 1.2 (0.19999999999999996 / 0.1 = 1.9999999999999996). */
START_TEST (test_grid_count)
{
  static const double every[] = { 0.1, 0.7, 1.0 / 3.0, 0.05, 0.3 };
  size_t below = 0;
  ck_assert (1.0 + 2.0 * 0.1 == 1.2 && floor ((1.2 - 1.0) / 0.1) == 1.0);
  ck_assert_uint_eq (credo__grid_count (1.0, 0.1, 1.2, 1e9), 3);
  ck_assert_uint_eq (credo__grid_count (1.0, 0.1, 1.25, 1e9), 3);
  ck_assert_uint_eq (credo__grid_count (1.0, 0.1, 0.9, 1e9), 0);
  for (size_t e = 0; e < sizeof every / sizeof *every; e++)
    for (int i = 0; i < 20; i++)
      for (unsigned long long m = 0; m < 60; m++)
        {
          double start = 0.1 * i, stop = start + (double) m * every[e];
          ck_assert_msg (credo__grid_count (start, every[e], stop, 1e9)
                             == m + 1,
                         "grid %g + k*%g up to %.17g: %llu times, not %llu",
                         start, every[e], stop,
                         credo__grid_count (start, every[e], stop, 1e9),
                         m + 1);
          below += floor ((stop - start) / every[e]) < (double) m;
        }
  /* the sweep met the rounding case many times */
  ck_assert_msg (below > 100, "only %zu quotients rounded low", below);
}
END_TEST

START_TEST (test_big_config)
{
  credo_recorder *r;
  size_t len = 300000, i;
  char *text = malloc (len + 1), *back;
  hid_t f;
  for (i = 0; i < len; i++)
    text[i] = i % 60 == 59 ? '\n' : (char) ('a' + i % 26);
  text[len] = '\0';
  F.spec.text = text;
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta);
  ck_assert_msg (r != NULL, "%s", credo_errmsg (F.ctx));
  ck_assert_int_eq (credo__rec_close (r, NULL, 0, NULL), 0);
  f = H5Fopen (F.path, H5F_ACC_RDONLY, H5P_DEFAULT);
  back = attr_str (f, "/", "config");
  ck_assert (strcmp (back, text) == 0);
  free (back);
  H5Fclose (f);
  free (text);
}
END_TEST

/* Runs credo_file_info on `path`; returns its status, output in *text. */
static int
info_of (const char *path, char **text)
{
  size_t size;
  FILE *out = open_memstream (text, &size);
  int rc;
  ck_assert (out != NULL);
  rc = credo_file_info (F.ctx, path, out);
  fclose (out);
  return rc;
}

START_TEST (test_info)
{
  credo_recorder *r;
  credo_solver_stats st = some_stats ();
  char *text = NULL, missing[160];
  hid_t f;

  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  add_rec (CREDO_REC_OUTPUT, 0, "r", F.u02, 2, 0.25, 0.5, 10, 1);
  add_rec (CREDO_REC_VAR, 0, "v", F.u1, 1, 0, 0.2, 0.8, 0);
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta);
  ck_assert (r != NULL);
  drive (r, F.spec.duration, 0.07, NULL);
  ck_assert_int_eq (credo__rec_close (r, &st, 1.0, NULL), 0);

  ck_assert_int_eq (info_of (F.path, &text), 0);
#define HAS(s)                                                                \
  ck_assert_msg (strstr (text, s) != NULL, "no \"%s\" in:\n%s", s, text)
  {
    char want[128];
    snprintf (want, sizeof want, "credo version   %s\n", credo_version ());
    HAS (want);
  }
  HAS ("status          ok");
  HAS ("duration        1 ms (reached t = 1 ms)");
  HAS ("seed            7");
  HAS ("cvode, bdf, linear solver dense");
  HAS ("rtol 1e-06, atol 1e-08");
  HAS ("command line    credo run test.cfg");
  HAS ("config          4 lines embedded (from test.cfg)");
  HAS ("\n  population  variable  units  samples  sampling");
  HAS ("\n  exc         v (mV)        3       11  every 0.1 ms from 0 to 1     "
       "float64  ");
  HAS ("every 0.25 ms from 0.5 to 1  float32");
  HAS ("v_1 (mV)");
  HAS ("every step");
  HAS ("steps                123");
  HAS ("wall_seconds         0.25");
#undef HAS
  free (text);
  text = NULL;

  /* missing file */
  snprintf (missing, sizeof missing, "%s/nothing.h5", F.dir);
  ck_assert_int_eq (info_of (missing, &text), CREDO_ECONFIG);
  free (text);
  text = NULL;
  {
    char want[256];
    snprintf (want, sizeof want, "%s: cannot open: No such file or directory",
              missing);
    ck_assert_str_eq (credo_errmsg (F.ctx), want);
  }

  /* an HDF5 file without credo's attributes */
  f = H5Fcreate (missing, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ck_assert (f >= 0);
  H5Fclose (f);
  ck_assert_int_eq (info_of (missing, &text), CREDO_ECONFIG);
  ck_assert (strstr (credo_errmsg (F.ctx), "not a credo output file") != NULL);
  free (text);
  text = NULL;

  /* not HDF5 at all */
  {
    FILE *fp = fopen (missing, "w");
    fputs ("hello\n", fp);
    fclose (fp);
  }
  ck_assert_int_eq (info_of (missing, &text), CREDO_ECONFIG);
  ck_assert (strstr (credo_errmsg (F.ctx), "not a credo output file") != NULL);
  free (text);
  remove (missing);
}
END_TEST

static Suite *
recorder_suite (void)
{
  Suite *s = suite_create ("recorder");
  TCase *tc = tcase_create ("recorder");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_layout_and_values);
  tcase_add_test (tc, test_many_rows);
  tcase_add_test (tc, test_many_rows_float32_flushing);
  tcase_add_test (tc, test_skipped_grid_time);
  tcase_add_test (tc, test_grid_count);
  tcase_add_test (tc, test_big_config);
  tcase_add_test (tc, test_info);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (recorder_suite ());
}
