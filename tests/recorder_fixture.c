/* tests/recorder_fixture.c -- the recorder tests' fixture: see
 * recorder_fixture.h.  Build with -DCREDO_TEST_STUB_VERSION when
 * src/base/version.c is not linked.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recorder_fixture.h"

#ifdef CREDO_TEST_STUB_VERSION
const char *
credo_version (void)
{
  return "0.0-test";
}

const char *
credo_blas_name (void)
{
  return "test-blas.so";
}
#endif

fixture F;

/* The fake model's units: state variables, then the input and output port. */
static const char *const var_units[] = { "mV", "pA" };

/* What the driver's eval does for the fake model: out r = 2 v + 1,
 * in I = t + unit index. */
static void
eval_ports (void *ud, double t, const double *y)
{
  fixture *fx = ud;
  size_t i;
  for (i = 0; i < N_UNITS; i++)
    {
      fx->out0[i] = 2.0 * y[OFFSET + i] + 1.0;
      fx->in0[i] = t + (double) i;
    }
  fx->n_evals++;
}

void
fill_state (double *y, double t)
{
  size_t a, i;
  y[0] = y[1] = -999; /* not the population's */
  for (a = 0; a < 2; a++)
    for (i = 0; i < N_UNITS; i++)
      y[OFFSET + a * N_UNITS + i] = 100.0 * a + 10.0 * i + t;
}

static void
sink (int level, const char *msg, void *ud)
{
  (void) ud;
  if (level == CREDO_LOG_WARN)
    snprintf (F.warning, sizeof F.warning, "%s", msg);
}

const char config_text[] =
  "# test circuit\nduration = 1.0;\nseed = 7;\n"
  "populations = ( { name = \"exc\"; } );\n";

void
setup (void)
{
  size_t i;
  memset (&F, 0, sizeof F);
  F.ctx = credo_ctx_new ();
  credo_ctx_set_log_sink (F.ctx, sink, NULL);
  snprintf (F.dir, sizeof F.dir, "/tmp/credo_rec_XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (F.dir));
  snprintf (F.path, sizeof F.path, "%s/out.h5", F.dir);
  snprintf (F.part, sizeof F.part, "%s.part", F.path);

  F.spec.text = (char *) config_text;
  F.spec.path = "test.cfg";
  F.spec.duration = 1.0;
  F.spec.seed = 7;
  F.spec.flush_seconds = 0;
  F.spec.compression = 4;
  F.spec.recs = F.recs;
  F.spec.solver.method = CREDO_METHOD_BDF;
  F.spec.solver.rtol = 1e-6;
  F.spec.solver.atol = 1e-8;
  F.src.recs = F.srcs;
  F.src.eval = eval_ports;
  F.src.ud = &F;

  for (i = 0; i < N_UNITS; i++)
    F.all[i] = i;
  F.u02[0] = 0;
  F.u02[1] = 2;
  F.u1[0] = 1;
  F.u2[0] = 2;
}

void
teardown (void)
{
  remove (F.path);
  remove (F.part);
  rmdir (F.dir);
  credo_ctx_free (F.ctx);
}

credo_rec_spec *
add_rec (int kind, int index, const char *name, size_t *units, size_t n,
         double every, double start, double stop, int float32)
{
  credo_rec_source *src = &F.srcs[F.spec.n_recs];
  credo_rec_spec *r = &F.recs[F.spec.n_recs++];
  r->pop = 0;
  r->kind = (credo_rec_kind) kind;
  r->index = index;
  r->var_name = (char *) name;
  r->units = units;
  r->n_units = n;
  r->every = every;
  r->start = start;
  r->stop = stop;
  r->float32 = float32;
  src->pop = "exc";
  src->model = "fake";
  src->pop_size = N_UNITS;
  if (kind == CREDO_REC_VAR)
    {
      src->unit = var_units[index];
      src->offset = OFFSET + (size_t) index * N_UNITS;
    }
  else
    {
      src->unit = kind == CREDO_REC_OUTPUT ? "Hz" : "nA";
      src->values = kind == CREDO_REC_OUTPUT ? F.out0 : F.in0;
    }
  return r;
}

const credo_run_meta meta = { "credo run test.cfg", "cvode", "dense", 0 };

size_t
drive (credo_recorder *r, double duration, double h, double *steps)
{
  double y[N_STATE], t = 0, ts;
  size_t n = 0;
  fill_state (y, 0);
  ck_assert_int_eq (credo__rec_sample (r, 0, y, 0), 0);
  while (t < duration)
    {
      double tn = fmin (t + h, duration);
      while ((ts = credo__rec_next_time (r)) <= tn)
        {
          ck_assert (ts > t || (t == 0 && ts > 0));
          fill_state (y, ts);
          ck_assert_int_eq (credo__rec_sample (r, ts, y, 0), 0);
        }
      t = tn;
      fill_state (y, t);
      if (credo__rec_wants_steps (r))
        {
          ck_assert_int_eq (credo__rec_sample (r, t, y, 1), 0);
          if (steps)
            steps[n] = t;
          n++;
        }
    }
  return n;
}

credo_solver_stats
some_stats (void)
{
  credo_solver_stats st;
  memset (&st, 0, sizeof st);
  st.steps = 123;
  st.rhs_evals = 456;
  st.jac_evals = 7;
  st.reinits = 2;
  st.prec_evals = 11;
  st.wall_seconds = 0.25;
  return st;
}

/* ---- reading back ------------------------------------------------------- */

int
exists (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0;
}

/* The whole data set `name` as doubles (converted), with its dims. */
double *
read_doubles (hid_t f, const char *name, hsize_t *dims, int *rank)
{
  hid_t d = H5Dopen2 (f, name, H5P_DEFAULT), s;
  hssize_t n;
  double *v;
  ck_assert_msg (d >= 0, "no data set %s", name);
  s = H5Dget_space (d);
  *rank = H5Sget_simple_extent_dims (s, dims, NULL);
  n = H5Sget_simple_extent_npoints (s);
  v = malloc ((size_t) (n ? n : 1) * sizeof *v);
  ck_assert (H5Dread (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v)
             >= 0);
  H5Sclose (s);
  H5Dclose (d);
  return v;
}

uint64_t *
read_u64 (hid_t f, const char *name, hsize_t *n)
{
  hid_t d = H5Dopen2 (f, name, H5P_DEFAULT), s, t;
  uint64_t *v;
  ck_assert_msg (d >= 0, "no data set %s", name);
  s = H5Dget_space (d);
  t = H5Dget_type (d);
  ck_assert_int_eq (H5Sget_simple_extent_ndims (s), 1);
  H5Sget_simple_extent_dims (s, n, NULL);
  v = malloc ((size_t) (*n ? *n : 1) * sizeof *v);
  ck_assert (H5Dread (d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v)
             >= 0);
  H5Tclose (t);
  H5Sclose (s);
  H5Dclose (d);
  return v;
}

/* The file type of a data set: class and size. */
void
dtype_of (hid_t f, const char *name, H5T_class_t *cls, size_t *size,
          H5T_sign_t *sign)
{
  hid_t d = H5Dopen2 (f, name, H5P_DEFAULT), t;
  ck_assert (d >= 0);
  t = H5Dget_type (d);
  *cls = H5Tget_class (t);
  *size = H5Tget_size (t);
  *sign = *cls == H5T_INTEGER ? H5Tget_sign (t) : H5T_SGN_ERROR;
  H5Tclose (t);
  H5Dclose (d);
}

/* A variable-length string attribute of object obj (malloc'd). */
char *
attr_str (hid_t f, const char *obj, const char *name)
{
  hid_t a = H5Aopen_by_name (f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  hid_t t = H5Tcopy (H5T_C_S1), ft, s;
  char *vl = NULL, *copy;
  ck_assert_msg (a >= 0, "no attribute %s on %s", name, obj);
  ft = H5Aget_type (a);
  ck_assert (H5Tis_variable_str (ft) > 0);
  ck_assert_int_eq (H5Tget_cset (ft), H5T_CSET_UTF8);
  H5Tset_size (t, H5T_VARIABLE);
  H5Tset_cset (t, H5T_CSET_UTF8);
  ck_assert (H5Aread (a, t, &vl) >= 0);
  copy = strdup (vl);
  s = H5Aget_space (a);
  ck_assert_int_eq (H5Sget_simple_extent_type (s), H5S_SCALAR);
  H5Dvlen_reclaim (t, s, H5P_DEFAULT, &vl);
  H5Sclose (s);
  H5Tclose (ft);
  H5Tclose (t);
  H5Aclose (a);
  return copy;
}

void
assert_attr (hid_t f, const char *obj, const char *name, const char *want)
{
  char *s = attr_str (f, obj, name);
  ck_assert_str_eq (s, want);
  free (s);
}

double
attr_num (hid_t f, const char *obj, const char *name)
{
  double v = NAN;
  hid_t a = H5Aopen_by_name (f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  ck_assert_msg (a >= 0, "no attribute %s on %s", name, obj);
  ck_assert (H5Aread (a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose (a);
  return v;
}

long long
scalar_ll (hid_t f, const char *name)
{
  long long v = -1;
  hid_t d = H5Dopen2 (f, name, H5P_DEFAULT);
  ck_assert_msg (d >= 0, "no data set %s", name);
  ck_assert (H5Dread (d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v)
             >= 0);
  H5Dclose (d);
  return v;
}
