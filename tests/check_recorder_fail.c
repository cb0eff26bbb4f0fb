/* tests/check_recorder_fail.c -- the HDF5 recorder (src/record/) when
 * things go wrong: a failed run's status, files that cannot be created or
 * renamed, record entries outside the network; PATH.part is removed or
 * left complete, and no HDF5 object stays open.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Uses the hand-made description of recorder_fixture.c (no network).
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "recorder_fixture.h"

START_TEST (test_failed_status)
{
  credo_recorder *r;
  hid_t f;
  double y[N_STATE];
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, NULL);
  ck_assert (r != NULL);
  fill_state (y, 0);
  ck_assert_int_eq (credo__rec_sample (r, 0, y, 0), 0);
  ck_assert_int_eq (credo__rec_close (r, NULL, 0.35,
                                      "failed: solver gave up at t=0.35 ms"), 0);
  ck_assert (!exists (F.part));
  f = H5Fopen (F.path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert (f >= 0);
  assert_attr (f, "/", "status", "failed: solver gave up at t=0.35 ms");
  assert_attr (f, "/", "engine", "");
  ck_assert (attr_num (f, "/", "t_end") == 0.35);
  {
    hsize_t dims[2];
    int rank;
    double *d = read_doubles (f, "/report/exc/v/data", dims, &rank);
    double *tm = read_doubles (f, "/report/exc/v/mapping/time", dims + 1, &rank);
    ck_assert_uint_eq (dims[0], 1);
    ck_assert (tm[0] == 0 && tm[1] == 0.1 && tm[2] == 0.1);
    free (d);
    free (tm);
  }
  H5Fclose (f);
}
END_TEST

START_TEST (test_open_error)
{
  credo_recorder *r;
  char bad[200];
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  snprintf (bad, sizeof bad, "%s/missing/out.h5", F.dir);
  r = credo__rec_open (F.ctx, bad, &F.spec, &F.src, &meta);
  ck_assert (r == NULL);
  ck_assert_msg (strstr (credo_errmsg (F.ctx), bad) != NULL, "%s",
                 credo_errmsg (F.ctx));
  ck_assert_msg (strstr (credo_errmsg (F.ctx), "No such file or directory"),
                 "%s", credo_errmsg (F.ctx));
  ck_assert (!exists (bad));
  ck_assert_int_eq (H5Fget_obj_count ((hid_t) H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}
END_TEST

/* A record entry that points outside the population, or that the driver
 * found outside the network, is refused at open. */
START_TEST (test_open_malformed)
{
  static size_t bad_units[2] = { 0, 7 };
  credo_rec_spec *rs;
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  rs = add_rec (CREDO_REC_OUTPUT, 0, "r", bad_units, 2, 0.1, 0, 1.0, 0);
  ck_assert (credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta) == NULL);
  ck_assert_msg (strstr (credo_errmsg (F.ctx), "record entry 1 (r)") != NULL,
                 "%s", credo_errmsg (F.ctx));
  /* a port the model lacks: the driver describes it without a population */
  rs->units = F.u02;
  F.srcs[1].pop = NULL;
  ck_assert (credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta) == NULL);
  ck_assert (!exists (F.part));
  ck_assert (!exists (F.path));
}
END_TEST

/* A report whose group HDF5 cannot create (a population name with a '/'
 * pointing into a missing group): open fails, removes its PATH.part and
 * never creates PATH. */
START_TEST (test_open_error_cleans_up)
{
  credo_recorder *r;
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  F.srcs[0].pop = "a/b"; /* "/report/a" does not exist */
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta);
  ck_assert (r == NULL);
  ck_assert_msg (strstr (credo_errmsg (F.ctx), F.part) != NULL, "%s",
                 credo_errmsg (F.ctx));
  ck_assert (!exists (F.part));
  ck_assert (!exists (F.path));
  ck_assert_int_eq (H5Fget_obj_count ((hid_t) H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}
END_TEST

/* When PATH cannot be replaced, close reports it and leaves PATH.part,
 * complete, in place. */
START_TEST (test_rename_failure)
{
  credo_recorder *r;
  char inner[200];
  FILE *fp;
  hid_t f;
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.src, &meta);
  ck_assert (r != NULL);
  drive (r, F.spec.duration, 0.07, NULL);
  /* a non-empty directory at PATH: rename(2) cannot replace it */
  ck_assert_int_eq (mkdir (F.path, 0700), 0);
  snprintf (inner, sizeof inner, "%s/x", F.path);
  fp = fopen (inner, "w");
  ck_assert (fp != NULL);
  fclose (fp);
  ck_assert_int_eq (credo__rec_close (r, NULL, 1.0, NULL), CREDO_EIO);
  ck_assert_msg (strstr (credo_errmsg (F.ctx), "cannot rename") != NULL, "%s",
                 credo_errmsg (F.ctx));
  ck_assert_msg (strstr (credo_errmsg (F.ctx), F.part) != NULL, "%s",
                 credo_errmsg (F.ctx));
  ck_assert (exists (F.part));
  ck_assert_int_eq (H5Fget_obj_count ((hid_t) H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
  f = H5Fopen (F.part, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert (f >= 0);
  assert_attr (f, "/", "status", "ok");
  H5Fclose (f);
  remove (inner);
  rmdir (F.path);
}
END_TEST

static Suite *
recorder_fail_suite (void)
{
  Suite *s = suite_create ("recorder_fail");
  TCase *tc = tcase_create ("recorder_fail");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_failed_status);
  tcase_add_test (tc, test_open_error);
  tcase_add_test (tc, test_open_malformed);
  tcase_add_test (tc, test_open_error_cleans_up);
  tcase_add_test (tc, test_rename_failure);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (recorder_fail_suite ());
}
