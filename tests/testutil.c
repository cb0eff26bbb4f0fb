/* tests/testutil.c -- helpers shared by the Check programs (testutil.h).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5_hl.h>

#include "testutil.h"

/* ---- the temporary directory -------------------------------------------- */

char tmpdir[256];

void
tmpdir_setup (void)
{
  /* named after the program, so that a leftover says where it is from */
  snprintf (tmpdir, sizeof tmpdir, "/tmp/%s.XXXXXX",
            program_invocation_short_name);
  ck_assert_ptr_nonnull (mkdtemp (tmpdir));
}

void
tmpdir_teardown (void)
{
  ck_assert_msg (rm_tree (tmpdir) == 0, "could not remove %s", tmpdir);
}

void
tmpdir_remove (void)
{
  if (rm_tree (tmpdir) != 0)
    fprintf (stderr, "could not remove %s\n", tmpdir);
}

int
rm_tree (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  char path[1024];
  if (!d)
    return -1;
  while ((e = readdir (d)))
    {
      struct stat st;
      if (!strcmp (e->d_name, ".") || !strcmp (e->d_name, ".."))
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
      if (lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
        rm_tree (path);
      else
        unlink (path);
    }
  closedir (d);
  /* fails unless everything below went */
  return rmdir (dir);
}

void
path_in_tmp (char *buf, size_t len, const char *name)
{
  snprintf (buf, len, "%s/%s", tmpdir, name);
}

const char *
tmp_path (const char *name)
{
  static char paths[4][1024];
  static int next;
  char *path = paths[next++ % 4];
  path_in_tmp (path, sizeof paths[0], name);
  return path;
}

const char *
write_file (const char *name, const char *text)
{
  const char *path = tmp_path (name);
  FILE *f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (text, f);
  fclose (f);
  return path;
}

void
write_csv (const char *path, const double *a, size_t rows, size_t cols)
{
  FILE *f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++)
      fprintf (f, "%.17g%s", a[i * cols + j], j + 1 < cols ? "," : "\n");
  fclose (f);
}

void
list_of (char *buf, size_t len, const double *v, size_t n)
{
  size_t off = (size_t) snprintf (buf, len, "[");
  for (size_t i = 0; i < n; i++)
    off += (size_t) snprintf (buf + off, len - off, "%s%.17g", i ? ", " : "",
                              v[i]);
  snprintf (buf + off, len - off, "]");
}

const char *
srcdir (void)
{
  const char *s = getenv ("CREDO_SRCDIR");
  return s ? s : ".";
}

/* ---- the shared context ------------------------------------------------- */

credo_ctx *test_ctx;

void
ctx_setup (void)
{
  tmpdir_setup ();
  test_ctx = credo_ctx_new ();
  ck_assert_ptr_nonnull (test_ctx);
}

void
ctx_teardown (void)
{
  credo_ctx_free (test_ctx);
  test_ctx = NULL;
  tmpdir_teardown ();
}

/* ---- loading configs into test_ctx -------------------------------------- */

credo_spec *
load_n (const char *text, const char *const *ov, size_t n)
{
  const char *path = write_file ("c.cfg", text);
  return credo_spec_load (test_ctx, path, ov, n);
}

credo_spec *
load (const char *text)
{
  return load_n (text, NULL, 0);
}

/* expect_fail and expect_fail_ov with the fragments as a va_list. */
static void
expect_fail_v (const char *text, const char *const *ov, size_t n, int line,
               va_list ap)
{
  credo_spec *spec = load_n (text, ov, n);
  const char *msg = credo_errmsg (test_ctx), *frag;
  char loc[64];
  ck_assert_msg (spec == NULL, "loaded although bad:\n%s", text);
  if (line > 0)
    snprintf (loc, sizeof loc, "c.cfg:%d: ", line);
  else
    snprintf (loc, sizeof loc, "c.cfg: ");
  if (line >= 0)
    ck_assert_msg (strstr (msg, loc) != NULL, "'%s' lacks '%s'", msg, loc);
  while ((frag = va_arg (ap, const char *)))
    ck_assert_msg (strstr (msg, frag) != NULL, "'%s' lacks '%s'", msg, frag);
}

void
(expect_fail) (const char *text, int line, ...)
{
  va_list ap;
  va_start (ap, line);
  expect_fail_v (text, NULL, 0, line, ap);
  va_end (ap);
}

void
(expect_fail_ov) (const char *text, const char *const *ov, size_t n,
                  int line, ...)
{
  va_list ap;
  va_start (ap, line);
  expect_fail_v (text, ov, n, line, ap);
  va_end (ap);
}

void
(expect_msg) (const char *frag)
{
  ck_assert_msg (strstr (credo_errmsg (test_ctx), frag) != NULL,
                 "'%s' lacks '%s'", credo_errmsg (test_ctx), frag);
}

void
(expect_config_error) (credo_ctx *ctx, const char *needle)
{
  ck_assert_int_eq (credo_errcode (ctx), CREDO_ECONFIG);
  ck_assert_msg (strstr (credo_errmsg (ctx), needle) != NULL,
                 "message '%s' lacks '%s'", credo_errmsg (ctx), needle);
  ck_assert_msg (strstr (credo_errmsg (ctx), "bad.cfg:") != NULL,
                 "message '%s' names no location", credo_errmsg (ctx));
}

/* ---- running ------------------------------------------------------------ */

credo_sim *
sim_run (credo_ctx *ctx, const credo_spec *spec, const char *out)
{
  credo_sim *sim;
  ck_assert_msg (spec != NULL, "spec: %s", credo_errmsg (ctx));
  sim = credo_sim_new (ctx, spec, out);
  ck_assert_msg (sim != NULL, "sim: %s", credo_errmsg (ctx));
  ck_assert_msg (credo_sim_run (sim) == 0, "run: %s", credo_errmsg (ctx));
  return sim;
}

run
run_load (const char *text, const char **sets, size_t n_sets)
{
  run r = { credo_ctx_new (), NULL, NULL };
  r.spec = credo_spec_load_string (r.ctx, text, "test.cfg", sets, n_sets);
  ck_assert_msg (r.spec != NULL, "spec: %s", credo_errmsg (r.ctx));
  return r;
}

void
run_start (run *r, const char *out)
{
  r->sim = sim_run (r->ctx, r->spec, out);
}

run
run_text (const char *text, const char *out, const char **sets,
          size_t n_sets)
{
  run r = run_load (text, sets, n_sets);
  run_start (&r, out);
  return r;
}

run
run_file (const char *rel, const char *out, const char **sets,
          size_t n_sets)
{
  run r = { credo_ctx_new (), NULL, NULL };
  char path[1024];
  snprintf (path, sizeof path, "%s/%s", srcdir (), rel);
  r.spec = credo_spec_load (r.ctx, path, sets, n_sets);
  run_start (&r, out);
  return r;
}

void
run_free (run *r)
{
  credo_sim_free (r->sim);
  credo_spec_free (r->spec);
  credo_ctx_free (r->ctx);
}

/* ---- HDF5 files --------------------------------------------------------- */

void
h5_put (const char *name, int create, const char *dset, int rank,
        const hsize_t *dims, const double *data)
{
  const char *path = tmp_path (name);
  hid_t f = create ? H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)
                   : H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  ck_assert (f >= 0);
  ck_assert (H5LTmake_dataset_double (f, dset, rank, dims, data) >= 0);
  H5Fclose (f);
}

double *
read_2d (const char *path, const char *name, size_t *rows, size_t *cols)
{
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hsize_t dims[8] = { 0, 1, 1, 1, 1, 1, 1, 1 };
  int rank = 0;
  H5T_class_t cls;
  size_t sz;
  double *buf;
  ck_assert_int_ge (f, 0);
  ck_assert_int_ge (H5LTget_dataset_ndims (f, name, &rank), 0);
  ck_assert_int_le (rank, 8);
  ck_assert_int_ge (H5LTget_dataset_info (f, name, dims, &cls, &sz), 0);
  *rows = dims[0];
  *cols = 1; /* the trailing dimensions, flattened row-major */
  for (int i = 1; i < rank; i++)
    *cols *= dims[i];
  buf = malloc (*rows * *cols * sizeof *buf);
  ck_assert_int_ge (H5LTread_dataset_double (f, name, buf), 0);
  H5Fclose (f);
  return buf;
}

double
h5_attr (const char *path, const char *obj, const char *name)
{
  double v = NAN;
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert (f >= 0);
  ck_assert (H5LTget_attribute_double (f, obj, name, &v) >= 0);
  H5Fclose (f);
  return v;
}

char *
h5_string_attr (const char *path, const char *obj, const char *name)
{
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT), a, ft, mt;
  char *vl = NULL, *out;
  ck_assert_int_ge (f, 0);
  if (H5Aexists_by_name (f, obj, name, H5P_DEFAULT) <= 0)
    {
      H5Fclose (f);
      return NULL;
    }
  a = H5Aopen_by_name (f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  ft = H5Aget_type (a);
  mt = H5Tcopy (H5T_C_S1);
  ck_assert_int_gt (H5Tis_variable_str (ft), 0);
  H5Tset_size (mt, H5T_VARIABLE);
  H5Tset_cset (mt, H5Tget_cset (ft));
  ck_assert_int_ge (H5Aread (a, mt, &vl), 0);
  out = strdup (vl);
  H5free_memory (vl);
  H5Tclose (mt);
  H5Tclose (ft);
  H5Aclose (a);
  H5Fclose (f);
  return out;
}

/* ---- Jacobians ---------------------------------------------------------- */

void
rhs_central_diff (credo_net *net, double t, const double *y, const double *v,
                  double h, double *fd)
{
  size_t n = net->n_state;
  double *yp = calloc (n, sizeof *yp), *f0 = calloc (n, sizeof *f0);
  ck_assert (yp && f0);
  for (size_t i = 0; i < n; i++)
    yp[i] = y[i] - h * v[i];
  credo__net_rhs (net, t, yp, f0);
  for (size_t i = 0; i < n; i++)
    yp[i] = y[i] + h * v[i];
  credo__net_rhs (net, t, yp, fd);
  for (size_t i = 0; i < n; i++)
    fd[i] = (fd[i] - f0[i]) / (2 * h);
  free (yp);
  free (f0);
}

/* ---- the step-response circuit ------------------------------------------ */

double
step_exact (double t)
{
  const double tau = 10, t1 = 50, t2 = 120;
  double u1 = 1 - exp (-t1 / tau);
  double u2 = 2 + (u1 - 2) * exp (-(t2 - t1) / tau);
  if (t < t1)
    return 1 - exp (-t / tau);
  if (t < t2)
    return 2 + (u1 - 2) * exp (-(t - t1) / tau);
  return 0.5 + (u2 - 0.5) * exp (-(t - t2) / tau);
}

double *
step_exact_at (const double *t, double every, size_t n)
{
  double *u = malloc ((n ? n : 1) * sizeof *u);
  ck_assert_ptr_nonnull (u);
  for (size_t k = 0; k < n; k++)
    u[k] = step_exact (t ? t[k] : every * (double) k);
  return u;
}

/* ---- numbers ------------------------------------------------------------ */

/* Whether g is within atol + rtol |w| of w, both finite; written as
 * `d <= bound` so that a NaN bound is not met either. */
static int
is_close (double g, double w, double atol, double rtol)
{
  return isfinite (g) && isfinite (w)
         && fabs (g - w) <= atol + rtol * fabs (w);
}

long
first_not_close (const double *got, const double *want, size_t n,
                 double atol, double rtol)
{
  for (size_t i = 0; i < n; i++)
    if (!is_close (got[i], want ? want[i] : 0.0, atol, rtol))
      return (long) i;
  return -1;
}

long
describe_not_close (char *msg, size_t len, const double *got,
                    const double *want, size_t n, double atol, double rtol,
                    const char *what)
{
  long i = first_not_close (got, want, n, atol, rtol);
  double g, w;
  msg[0] = '\0';
  if (i < 0)
    return i;
  g = got[i];
  w = want ? want[i] : 0.0;
  snprintf (msg, len,
            "%s: element %ld of %zu: got %.17g, want %.17g "
            "(|difference| %.3g, allowed %.3g + %.3g * |want|)",
            what, i, n, g, w, fabs (g - w), atol, rtol);
  return i;
}

double
max_abs (const double *a, size_t n)
{
  return max_diff (a, NULL, n);
}

double
max_diff (const double *a, const double *b, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    {
      double d = fabs (a[i] - (b ? b[i] : 0.0));
      if (!isfinite (a[i]) || (b && !isfinite (b[i])))
        return NAN;
      if (d > m)
        m = d;
    }
  return m;
}

/* ---- main --------------------------------------------------------------- */

int
run_suite (Suite *s)
{
  SRunner *sr = srunner_create (s);
  int failed;
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
