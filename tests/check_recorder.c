/* tests/check_recorder.c -- the HDF5 recorder (src/recorder.c) and
 * `credo info` (src/info.c).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Builds a spec and a network by hand (one population "exc" of a fake model
 * with 2 state variables, 1 input and 1 output port, n = 3), drives the
 * recorder the way the run driver does (grid samples at the times it asks
 * for, step samples after each "integrator step"), then reads the file back
 * with the HDF5 C API.  The network is not linked: credo__net_eval below
 * fills the ports from the state.  Build with -DCREDO_TEST_STUB_VERSION when
 * src/version.c is not linked.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "testutil.h"

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

/* ---- a fake model and network ------------------------------------------- */

#define N_UNITS 3
#define OFFSET 2 /* the population's state starts at y[2] */
#define N_STATE (OFFSET + 2 * N_UNITS)

static const credo_var_desc fake_vars[] = {
  { "v", "mV", 1.0, "potential" },
  { "w", "pA", 1.0, "adaptation" },
};
static const credo_port_desc fake_in[] = { { "I", "nA", 0, "current" } };
static const credo_port_desc fake_out[] = { { "r", "Hz", 0, "rate" } };

static const credo_model_type fake_model = {
  CREDO_MODEL_VERSION, "fake", "a test model", 2, fake_vars, 1, fake_in, 1,
  fake_out, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

/* The state at time t: variable a of unit i is 100 a + 10 i + t. */
static void
fill_state (double *y, double t)
{
  size_t a, i;
  y[0] = y[1] = -999; /* not the population's */
  for (a = 0; a < 2; a++)
    for (i = 0; i < N_UNITS; i++)
      y[OFFSET + a * N_UNITS + i] = 100.0 * a + 10.0 * i + t;
}

static int n_evals;

/* Stub of network.c: out r = 2 v + 1, in I = t + unit index. */
void
credo__net_eval (credo_net *net, double t, const double *y)
{
  size_t p, i;
  for (p = 0; p < net->n_pops; p++)
    {
      credo_pop *pop = &net->pops[p];
      for (i = 0; i < pop->n; i++)
        {
          pop->out[0][i] = 2.0 * y[pop->offset + i] + 1.0;
          pop->in[0][i] = t + (double) i;
        }
    }
  n_evals++;
}

typedef struct fixture
{
  credo_ctx *ctx;
  credo_spec spec;
  credo_pop_spec pop_spec;
  credo_pop pop;
  credo_net net;
  double out0[N_UNITS], in0[N_UNITS];
  double *outs[1], *ins[1];
  credo_rec_spec recs[8];
  size_t all[N_UNITS], u02[2], u1[1], u2[1];
  char dir[64], path[128], part[136];
  char warning[512];
} fixture;

static fixture F;

static void
sink (int level, const char *msg, void *ud)
{
  (void) ud;
  if (level == CREDO_LOG_WARN)
    snprintf (F.warning, sizeof F.warning, "%s", msg);
}

static const char config_text[] =
  "# test circuit\nduration = 1.0;\nseed = 7;\n"
  "populations = ( { name = \"exc\"; } );\n";

static void
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

  F.pop_spec.name = "exc";
  F.pop_spec.model = &fake_model;
  F.pop_spec.size = N_UNITS;
  F.pop.spec = &F.pop_spec;
  F.pop.model = &fake_model;
  F.pop.n = N_UNITS;
  F.pop.offset = OFFSET;
  F.outs[0] = F.out0;
  F.ins[0] = F.in0;
  F.pop.out = F.outs;
  F.pop.in = F.ins;
  F.net.ctx = F.ctx;
  F.net.spec = &F.spec;
  F.net.n_pops = 1;
  F.net.pops = &F.pop;
  F.net.n_state = N_STATE;

  F.spec.text = (char *) config_text;
  F.spec.path = "test.cfg";
  F.spec.duration = 1.0;
  F.spec.seed = 7;
  F.spec.flush_seconds = 0;
  F.spec.compression = 4;
  F.spec.n_pops = 1;
  F.spec.pops = &F.pop_spec;
  F.spec.recs = F.recs;
  F.spec.solver.method = CREDO_METHOD_BDF;
  F.spec.solver.rtol = 1e-6;
  F.spec.solver.atol = 1e-8;

  for (i = 0; i < N_UNITS; i++)
    F.all[i] = i;
  F.u02[0] = 0;
  F.u02[1] = 2;
  F.u1[0] = 1;
  F.u2[0] = 2;
  n_evals = 0;
}

static void
teardown (void)
{
  remove (F.path);
  remove (F.part);
  rmdir (F.dir);
  credo_ctx_free (F.ctx);
}

static credo_rec_spec *
add_rec (int kind, int index, const char *name, size_t *units, size_t n,
         double every, double start, double stop, int float32)
{
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
  return r;
}

static const credo_run_meta meta = { "credo run test.cfg", "cvode", "dense" };

/* What the run driver does: sample at t = 0, then integrate in steps of h,
 * sampling on the way every grid time the recorder asks for and the end of
 * each step for every-step reports.  Step times go to steps[]. */
static size_t
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

static credo_solver_stats
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

static int
exists (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0;
}

/* The whole data set `name` as doubles (converted), with its dims. */
static double *
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

static uint64_t *
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
static void
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
static char *
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

static void
assert_attr (hid_t f, const char *obj, const char *name, const char *want)
{
  char *s = attr_str (f, obj, name);
  ck_assert_str_eq (s, want);
  free (s);
}

static double
attr_num (hid_t f, const char *obj, const char *name)
{
  double v = NAN;
  hid_t a = H5Aopen_by_name (f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  ck_assert_msg (a >= 0, "no attribute %s on %s", name, obj);
  ck_assert (H5Aread (a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose (a);
  return v;
}

static long long
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

  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta);
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
  ck_assert_int_eq (n_evals, 4);
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
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta);
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

START_TEST (test_failed_status)
{
  credo_recorder *r;
  hid_t f;
  double y[N_STATE];
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, NULL);
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
  r = credo__rec_open (F.ctx, bad, &F.spec, &F.net, &meta);
  ck_assert (r == NULL);
  ck_assert_msg (strstr (credo_errmsg (F.ctx), bad) != NULL, "%s",
                 credo_errmsg (F.ctx));
  ck_assert_msg (strstr (credo_errmsg (F.ctx), "No such file or directory"),
                 "%s", credo_errmsg (F.ctx));
  ck_assert (!exists (bad));
  ck_assert_int_eq (H5Fget_obj_count ((hid_t) H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}
END_TEST

/* A record entry that points outside the network is refused at open. */
START_TEST (test_open_malformed)
{
  static size_t bad_units[2] = { 0, 7 };
  credo_rec_spec *rs;
  add_rec (CREDO_REC_VAR, 0, "v", F.all, 3, 0.1, 0, 1.0, 0);
  rs = add_rec (CREDO_REC_OUTPUT, 0, "r", bad_units, 2, 0.1, 0, 1.0, 0);
  ck_assert (credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta) == NULL);
  ck_assert_msg (strstr (credo_errmsg (F.ctx), "record entry 1 (r)") != NULL,
                 "%s", credo_errmsg (F.ctx));
  rs->units = F.u02;
  rs->index = 1; /* the model has one output port */
  ck_assert (credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta) == NULL);
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
  F.pop_spec.name = "a/b"; /* "/report/a" does not exist */
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta);
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
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta);
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
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta);
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
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta);
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
  r = credo__rec_open (F.ctx, F.path, &F.spec, &F.net, &meta);
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
  tcase_add_test (tc, test_failed_status);
  tcase_add_test (tc, test_open_error);
  tcase_add_test (tc, test_open_malformed);
  tcase_add_test (tc, test_open_error_cleans_up);
  tcase_add_test (tc, test_rename_failure);
  tcase_add_test (tc, test_skipped_grid_time);
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
