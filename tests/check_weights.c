/* tests/check_weights.c -- weight snapshots (/weights/<projection>/) and the
 * engine metadata of the output file.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * A pyramidal output cell learns its basal weights (dendritic prediction,
 * nudged to a target) while the recorder takes snapshots every 1000 ms:
 * the snapshots must have the projection's shape, sit exactly at
 * start + k*every, start at the initial weights and end at the weights in
 * the final state.  Static and one-to-one projections, float32, windows,
 * the euler engine's metadata, `credo info`, the summary, bad configs and
 * credo-plot are checked too.
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

/* ---- running ------------------------------------------------------------- */

/* A run with a network of the same layout as the simulation's: for the
 * projections' w_offset. */
typedef struct net_run
{
  run run;
  credo_net *net;
} net_run;

static net_run
run_net (const char *text, const char *out, const char **sets,
         size_t n_sets)
{
  net_run r = { run_text (text, out, sets, n_sets), NULL };
  r.net = credo__net_build (r.run.ctx, r.run.spec);
  ck_assert_msg (r.net != NULL, "net: %s", credo_errmsg (r.run.ctx));
  ck_assert_uint_eq (r.net->n_state, credo_sim_state_size (r.run.sim));
  return r;
}

static void
net_run_free (net_run *r)
{
  credo__net_free (r->net);
  run_free (&r->run);
}

/* The projection called `name` in r's network. */
static const credo_proj *
proj_named (const net_run *r, const char *name)
{
  for (size_t i = 0; i < r->net->n_projs; i++)
    if (strcmp (r->net->projs[i].spec->name, name) == 0)
      return &r->net->projs[i];
  ck_abort_msg ("no projection '%s'", name);
  return NULL;
}

/* ---- reading the file ---------------------------------------------------- */

typedef struct snaps
{
  hsize_t dims[3]; /* snapshots, rows, cols */
  double *w;       /* dims[0] x dims[1] x dims[2] */
  double *t;       /* dims[0] */
  size_t elem;     /* bytes per stored value */
} snaps;

static snaps
read_snaps (const char *path, const char *proj)
{
  snaps s = { { 0, 0, 0 }, NULL, NULL, 0 };
  char name[512];
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT), d, sp, ty;
  hsize_t nt = 0;
  ck_assert_int_ge (f, 0);
  snprintf (name, sizeof name, "/weights/%s/data", proj);
  d = H5Dopen2 (f, name, H5P_DEFAULT);
  ck_assert_msg (d >= 0, "no %s in %s", name, path);
  sp = H5Dget_space (d);
  ck_assert_int_eq (H5Sget_simple_extent_ndims (sp), 3);
  H5Sget_simple_extent_dims (sp, s.dims, NULL);
  ty = H5Dget_type (d);
  ck_assert_int_eq (H5Tget_class (ty), H5T_FLOAT);
  s.elem = H5Tget_size (ty);
  s.w = calloc (s.dims[0] * s.dims[1] * s.dims[2] + 1, sizeof *s.w);
  ck_assert_int_ge (H5Dread (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                             H5P_DEFAULT, s.w), 0);
  H5Tclose (ty);
  H5Sclose (sp);
  H5Dclose (d);

  snprintf (name, sizeof name, "/weights/%s/times", proj);
  d = H5Dopen2 (f, name, H5P_DEFAULT);
  ck_assert_msg (d >= 0, "no %s in %s", name, path);
  sp = H5Dget_space (d);
  ck_assert_int_eq (H5Sget_simple_extent_ndims (sp), 1);
  H5Sget_simple_extent_dims (sp, &nt, NULL);
  ck_assert_uint_eq (nt, s.dims[0]);
  s.t = calloc (nt + 1, sizeof *s.t);
  ck_assert_int_ge (H5Dread (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                             H5P_DEFAULT, s.t), 0);
  H5Sclose (sp);
  H5Dclose (d);
  H5Fclose (f);
  return s;
}

static void
snaps_free (snaps *s)
{
  free (s->w);
  free (s->t);
}

static const double *
snap (const snaps *s, hsize_t k)
{
  return s->w + k * s->dims[1] * s->dims[2];
}

static void
assert_attr (const char *path, const char *obj, const char *name,
             const char *want)
{
  char *v = h5_string_attr (path, obj, name);
  ck_assert_msg (v != NULL, "%s: no attribute %s of %s", path, name, obj);
  ck_assert_msg (strcmp (v, want) == 0, "%s %s: '%s', expected '%s'", obj,
                 name, v, want);
  free (v);
}

static int
has_link (const char *path, const char *name)
{
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  htri_t e;
  ck_assert_int_ge (f, 0);
  e = H5Lexists (f, name, H5P_DEFAULT);
  H5Fclose (f);
  return e > 0;
}

static int
has_root_attr (const char *path, const char *name)
{
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  htri_t e;
  ck_assert_int_ge (f, 0);
  e = H5Aexists (f, name);
  H5Fclose (f);
  return e > 0;
}

/* What a print function writes, as a malloc'd string. */
static char *
file_info (const char *path)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  credo_ctx *ctx = credo_ctx_new ();
  ck_assert_int_eq (credo_file_info (ctx, path, f), 0);
  fclose (f);
  credo_ctx_free (ctx);
  return buf;
}

static char *
summary (const credo_spec *spec)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  credo_spec_print_summary (spec, f);
  fclose (f);
  return buf;
}

#define HAS(hay, needle)                                                    \
  ck_assert_msg (strstr ((hay), (needle)) != NULL, "'%s' not in:\n%s",      \
                 (needle), (hay))

/* ---- the learning cell ----------------------------------------------------- */

/* An input x (3 units) drives the basal dendrites of two pyramidal cells
 * through W (plastic, constant 0.1 at first); the somata are nudged to
 * targets, so W moves until the dendrites predict them. */
static const char learn_cfg[]
    = "duration = 20000.0;\nseed = 2;\n"
      "populations = { x = { model = \"input\"; size = 3; };\n"
      "  o = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; transfer = \"softplus\"; gain = 1.0; threshold = 0.0; scale = 1.0; }; }; };\n"
      "projections = ( { name = \"W\"; from = \"x\"; to = \"o.basal\"; init = { dist = \"constant\"; value = 0.1; };\n"
      "  plasticity = { rule = \"dendritic_prediction\"; eta = 0.01; tau_w = 30.0; }; } );\n"
      "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [1.0, 0.5, -1.0]; },\n"
      "  { to = \"o.nudge\"; kind = \"constant\"; value = [1.2, -0.7]; },\n"
      "  { to = \"o.gate\"; kind = \"constant\"; value = 1.0; } );\n"
      "record = ( { what = \"o.u\"; every = 250.0; } );\n"
      "weights = { every = 1000.0; };\n"
      "solver = { rtol = 1e-9; atol = 1e-11; linear = \"spgmr\"; };\n";

START_TEST (test_plastic_snapshots)
{
  char out[300];
  path_in_tmp (out, sizeof out, "learn.h5");
  net_run r = run_net (learn_cfg, out, NULL, 0);
  const credo_proj *pr = proj_named (&r, "W");
  const double *y = credo_sim_state (r.run.sim);
  snaps s = read_snaps (out, "W");

  ck_assert_int_eq (pr->plastic, 1);
  /* [snapshot x post x pre], one snapshot per 1000 ms including both ends */
  ck_assert_uint_eq (s.dims[0], 21);
  ck_assert_uint_eq (s.dims[1], 2);
  ck_assert_uint_eq (s.dims[2], 3);
  ck_assert_uint_eq (s.elem, 8);
  for (hsize_t k = 0; k < s.dims[0]; k++)
    ck_assert_msg (s.t[k] == (double) k * 1000.0, "times[%llu] = %.17g",
                   (unsigned long long) k, s.t[k]);
  /* the first is the initial matrix, the last the final state */
  for (size_t j = 0; j < 6; j++)
    ck_assert_double_eq (snap (&s, 0)[j], 0.1);
  assert_close (snap (&s, 20), y + pr->w_offset, 6, 1e-12, 0,
                "last snapshot vs final state");
  /* learning moved them, fast at first, then settling */
  {
    double d01 = max_diff (snap (&s, 0), snap (&s, 1), 6);
    double d_end = max_diff (snap (&s, 19), snap (&s, 20), 6);
    printf ("# W moved %.4g in the first second, %.4g in the last\n", d01,
            d_end);
    ck_assert_msg (d01 > 1e-3, "weights did not change: %g", d01);
    ck_assert_msg (d_end < d01, "no convergence: %g then %g", d01, d_end);
  }
  /* metadata */
  assert_attr (out, "/weights/W", "pre", "x");
  assert_attr (out, "/weights/W", "post", "o");
  assert_attr (out, "/weights/W", "pre_port", "r");
  assert_attr (out, "/weights/W", "post_port", "basal");
  assert_attr (out, "/weights/W", "connectivity", "dense");
  assert_attr (out, "/weights/W", "rule", "dendritic_prediction");
  assert_attr (out, "/weights/W/times", "units", "ms");
  assert_attr (out, "/", "engine_kind", "cvode");
  ck_assert (!has_root_attr (out, "dt"));
  ck_assert (has_link (out, "/report/o/u/data"));
  {
    double every = 0;
    hid_t f = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge (H5LTget_attribute_double (f, "/weights", "every",
                                                &every), 0);
    H5Fclose (f);
    ck_assert_double_eq (every, 1000.0);
  }
  /* credo info and the summary */
  {
    char *info = file_info (out), *sum = summary (r.run.spec);
    HAS (info, "W (x -> o, dendritic_prediction): 21 snapshots of 2 x 3, "
               "t 0..20000 ms, float64");
    HAS (info, "tolerances      rtol 1e-09, atol 1e-11");
    /* 21 snapshots x (6 values x 8 bytes + 8 for the time) */
    HAS (sum, "weights (1 projection)");
    HAS (sum, "every 1000 ms in [0, 20000] ms: 21 snapshots, float64, "
              "estimated 1.1 KiB");
    free (info);
    free (sum);
  }

  /* credo-plot draws them.  tools/setup installs python3-numpy, -h5py and
   * -matplotlib, so an interpreter ($PYTHON3, as configure found it, else
   * Debian's /usr/bin/python3) without them is a failure, not a skip. */
  {
    const char *py = getenv ("PYTHON3");
    char cmd[1200], png[300];
    if (!py || !*py)
      py = "/usr/bin/python3";
    snprintf (cmd, sizeof cmd, "'%s' -c 'import numpy, h5py, matplotlib'",
              py);
    ck_assert_msg (system (cmd) == 0,
                   "%s cannot import numpy, h5py and matplotlib (run "
                   "tools/setup): credo-plot cannot be checked", py);
    path_in_tmp (png, sizeof png, "w.png");
    snprintf (cmd, sizeof cmd, "PYTHON3='%s' '%s/tools/credo-plot' "
              "weights '%s' -o '%s'", py, srcdir (), out, png);
    ck_assert_msg (system (cmd) == 0, "failed: %s", cmd);
    ck_assert_int_eq (access (png, R_OK), 0);
  }
  snaps_free (&s);
  net_run_free (&r);
}
END_TEST

/* ---- static, one-to-one, float32, the default selection ------------------- */

/* W (plastic, dense), D (plastic, one-to-one from z) and S (static, on the
 * apical input, which g_A = 0 ignores). */
static const char mixed_cfg[]
    = "duration = 3000.0;\n"
      "populations = { x = { model = \"input\"; size = 3; };\n"
      "  z = { model = \"input\"; size = 2; };\n"
      "  o = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; transfer = \"softplus\"; }; }; };\n"
      "projections = (\n"
      "  { name = \"W\"; from = \"x\"; to = \"o.basal\"; init = { dist = \"uniform\"; low = -0.5; high = 0.5; scale = 1.0; };\n"
      "    plasticity = { rule = \"dendritic_prediction\"; eta = 0.02; }; },\n"
      "  { name = \"D\"; from = \"z\"; to = \"o.basal\"; connectivity = \"one_to_one\"; init = { dist = \"constant\"; value = 0.3; };\n"
      "    plasticity = { rule = \"dendritic_prediction\"; eta = 0.02; }; },\n"
      "  { name = \"S\"; from = \"x\"; to = \"o.apical\"; init = { dist = \"normal\"; std = 1.0; }; } );\n"
      "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [1.0, 0.5, -1.0]; },\n"
      "  { to = \"z\"; kind = \"constant\"; value = [0.8, -0.4]; },\n"
      "  { to = \"o.nudge\"; kind = \"constant\"; value = [1.2, -0.7]; },\n"
      "  { to = \"o.gate\"; kind = \"constant\"; value = 1.0; } );\n"
      "weights = { every = 500.0; };\n";

START_TEST (test_all_projections)
{
  const char *sets[] = { "weights.projections=\"all\"",
                         "weights.dtype=\"float32\"" };
  char out[300];
  path_in_tmp (out, sizeof out, "all.h5");
  net_run r = run_net (mixed_cfg, out, sets, 2);
  const double *y = credo_sim_state (r.run.sim);
  const credo_proj *pw = proj_named (&r, "W"), *pd = proj_named (&r, "D");
  const credo_proj *ps = proj_named (&r, "S");
  snaps sw = read_snaps (out, "W"), sd = read_snaps (out, "D");
  snaps ss = read_snaps (out, "S");

  ck_assert_int_eq (ps->plastic, 0);
  ck_assert_int_eq (pd->plastic, 1);
  /* shapes: 7 snapshots (0, 500, ..., 3000); one-to-one as post x 1 */
  ck_assert_uint_eq (sw.dims[0], 7);
  ck_assert_uint_eq (sw.dims[1], 2);
  ck_assert_uint_eq (sw.dims[2], 3);
  ck_assert_uint_eq (sd.dims[0], 7);
  ck_assert_uint_eq (sd.dims[1], 2);
  ck_assert_uint_eq (sd.dims[2], 1);
  ck_assert_uint_eq (ss.dims[0], 7);
  ck_assert_uint_eq (ss.dims[1], 2);
  ck_assert_uint_eq (ss.dims[2], 3);
  ck_assert_uint_eq (sw.elem, 4);
  ck_assert_uint_eq (ss.elem, 4);
  for (hsize_t k = 0; k < 7; k++)
    {
      ck_assert (sw.t[k] == 500.0 * (double) k);
      ck_assert (ss.t[k] == sw.t[k] && sd.t[k] == sw.t[k]);
      /* the static projection never changes: its stored (float) matrix */
      for (size_t j = 0; j < 6; j++)
        ck_assert (snap (&ss, k)[j] == (double) (float) ps->w[j]);
    }
  for (size_t j = 0; j < 6; j++)
    ck_assert (snap (&sw, 0)[j] == (double) (float) pw->w[j]);
  for (size_t j = 0; j < 2; j++)
    {
      ck_assert (snap (&sd, 0)[j] == (double) (float) 0.3);
      ck_assert (snap (&sd, 6)[j] == (double) (float) y[pd->w_offset + j]);
    }
  for (size_t j = 0; j < 6; j++)
    ck_assert (snap (&sw, 6)[j] == (double) (float) y[pw->w_offset + j]);
  ck_assert_msg (max_diff (snap (&sd, 0), snap (&sd, 6), 2) > 1e-3,
                 "one-to-one weights did not change");
  ck_assert_msg (max_diff (snap (&sw, 0), snap (&sw, 6), 6) > 1e-3,
                 "dense weights did not change");
  assert_attr (out, "/weights/D", "connectivity", "one_to_one");
  assert_attr (out, "/weights/S", "rule", "static");
  assert_attr (out, "/weights/S", "post_port", "apical");
  snaps_free (&sw);
  snaps_free (&sd);
  snaps_free (&ss);
  net_run_free (&r);

  /* the default: plastic projections only, float64 */
  path_in_tmp (out, sizeof out, "plastic.h5");
  r = run_net (mixed_cfg, out, NULL, 0);
  ck_assert (has_link (out, "/weights/W/data"));
  ck_assert (has_link (out, "/weights/D/data"));
  ck_assert (!has_link (out, "/weights/S"));
  sw = read_snaps (out, "W");
  ck_assert_uint_eq (sw.elem, 8);
  snaps_free (&sw);
  net_run_free (&r);

  /* one named projection, as a string: only it */
  {
    const char *one[] = { "weights.projections=\"S\"" };
    path_in_tmp (out, sizeof out, "one.h5");
    r = run_net (mixed_cfg, out, one, 1);
    ck_assert (has_link (out, "/weights/S/data"));
    ck_assert (!has_link (out, "/weights/W"));
    ck_assert (!has_link (out, "/weights/D"));
    net_run_free (&r);
  }

  /* no weights group: no /weights */
  {
    const char *none[] = { "weights={}" };
    credo_ctx *ctx = credo_ctx_new ();
    credo_spec *spec = credo_spec_load_string (ctx, mixed_cfg, "t.cfg", none,
                                               1);
    /* an empty group lacks 'every' */
    ck_assert_ptr_null (spec);
    ck_assert_msg (strstr (credo_errmsg (ctx), "missing 'every' in weights"),
                   "%s", credo_errmsg (ctx));
    credo_ctx_free (ctx);
  }
}
END_TEST

/* ---- windows, odd intervals and the euler engine's metadata ---------------- */

START_TEST (test_window_euler)
{
  /* start 0.1, every 0.3: neither is a binary fraction, the times must
   * still be exactly start + k*every, k = 0 .. 9 (up to 2.8 <= 3.0) */
  const char *sets[] = { "duration=5.0",
                         "weights={every=0.3; start=0.1; stop=3.0; "
                         "projections=[\"D\",\"W\"];}",
                         "solver={engine=\"euler\"; dt=0.1;}" };
  char out[300];
  path_in_tmp (out, sizeof out, "euler.h5");
  net_run r = run_net (mixed_cfg, out, sets, 3);
  snaps sd = read_snaps (out, "D");
  unsigned long long n = credo__weights_count (&r.run.spec->weights);

  ck_assert_uint_eq (n, 10);
  ck_assert_uint_eq (sd.dims[0], 10);
  for (hsize_t k = 0; k < sd.dims[0]; k++)
    ck_assert_msg (sd.t[k] == 0.1 + (double) k * 0.3, "times[%llu] = %.17g",
                   (unsigned long long) k, sd.t[k]);
  ck_assert (!has_link (out, "/weights/S"));
  /* the recorded projections come in the listed order */
  {
    hid_t f = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
    char name[16];
    H5Lget_name_by_idx (f, "/weights", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0,
                        name, sizeof name, H5P_DEFAULT);
    ck_assert_str_eq (name, "D");
    H5Fclose (f);
  }
  assert_attr (out, "/", "engine_kind", "euler");
  {
    double dt = 0;
    hid_t f = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge (H5LTget_attribute_double (f, "/", "dt", &dt), 0);
    H5Fclose (f);
    ck_assert_double_eq (dt, 0.1);
  }
  {
    char *info = file_info (out), *sum = summary (r.run.spec);
    HAS (info, "engine          euler, dt 0.1 ms\n");
    ck_assert_msg (!strstr (info, "tolerances"), "%s", info);
    ck_assert_msg (!strstr (info, "linear solver"), "%s", info);
    HAS (info, "D (z -> o, dendritic_prediction): 10 snapshots of 2 x 1, "
               "t 0.1..2.8 ms");
    HAS (sum, "solver      engine euler, dt 0.1 ms");
    ck_assert_msg (!strstr (sum, "rtol"), "%s", sum);
    HAS (sum, "every 0.3 ms in [0.1, 3] ms: 10 snapshots");
    free (info);
    free (sum);
  }
  snaps_free (&sd);
  net_run_free (&r);

  /* stop past the duration is clamped; a single snapshot at the end */
  {
    const char *end[] = { "weights={every=100.0; start=3000.0; "
                          "stop=1e9;}" };
    path_in_tmp (out, sizeof out, "end.h5");
    r = run_net (mixed_cfg, out, end, 1);
    ck_assert_double_eq (r.run.spec->weights.stop, 3000.0);
    sd = read_snaps (out, "D");
    ck_assert_uint_eq (sd.dims[0], 1);
    ck_assert_double_eq (sd.t[0], 3000.0);
    ck_assert (snap (&sd, 0)[1]
               == credo_sim_state (r.run.sim)[proj_named (&r, "D")->w_offset + 1]);
    snaps_free (&sd);
    net_run_free (&r);
  }
}
END_TEST

/* ---- bad configs ------------------------------------------------------------ */

static void
expect_bad (const char *set, const char *needle)
{
  credo_ctx *ctx = credo_ctx_new ();
  char *text = malloc (strlen (mixed_cfg) + strlen (set) + 2);
  credo_spec *spec;
  /* replace the weights line of mixed_cfg by `set` */
  strcpy (text, mixed_cfg);
  *strstr (text, "weights = {") = '\0';
  strcat (text, set);
  strcat (text, "\n");
  spec = credo_spec_load_string (ctx, text, "bad.cfg", NULL, 0);
  ck_assert_msg (spec == NULL, "accepted: %s", set);
  expect_config_error (ctx, needle);
  free (text);
  credo_ctx_free (ctx);
}

START_TEST (test_bad_weights)
{
  expect_bad ("weights = { every = 10.0; projections = [\"W\", \"Dx\"]; };",
              "bad.cfg:15: unknown projection 'Dx' in weights; did you mean "
              "'D'?");
  expect_bad ("weights = { every = 10.0; projections = \"plastik\"; };",
              "did you mean 'plastic'?");
  expect_bad ("weights = { every = 0.0; };",
              "'every' must be > 0 (ms between weight snapshots), not 0");
  expect_bad ("weights = { every = -5.0; };", "'every' must be > 0");
  expect_bad ("weights = { projections = \"all\"; };",
              "missing 'every' in weights");
  expect_bad ("weights = { every = \"often\"; };",
              "'every' must be a number");
  expect_bad ("weights = { every = 10.0; projections = [\"W\", \"W\"]; };",
              "projection 'W' is listed twice");
  expect_bad ("weights = { every = 10.0; projections = []; };",
              "'projections' is empty");
  expect_bad ("weights = { every = 10.0; projections = 3; };",
              "'projections' must be \"plastic\", \"all\" or a list");
  expect_bad ("weights = { every = 10.0; start = 4000.0; };",
              "weights window [4000, 3000] is empty");
  expect_bad ("weights = { every = 10.0; start = -1.0; };",
              "'start' must be >= 0");
  expect_bad ("weights = { every = 10.0; dtype = \"float16\"; };",
              "unknown dtype 'float16'");
  expect_bad ("weights = { every = 10.0; proj = \"all\"; };",
              "unknown key 'proj' in weights");
  expect_bad ("weights = { every = 1e-9; };", "snapshots in [0, 3000] ms");
  expect_bad ("weights = ( { every = 10.0; } );",
              "weights must be a group");
  expect_bad ("weight = { every = 10.0; };", "did you mean 'weights'?");
  /* no plastic projection to take by default */
  {
    credo_ctx *ctx = credo_ctx_new ();
    static const char cfg[]
        = "duration = 100.0;\n"
          "populations = { x = { model = \"input\"; size = 2; };\n"
          "  h = { model = \"rate\"; size = 2; }; };\n"
          "projections = ( { from = \"x\"; to = \"h.in\"; } );\n"
          "weights = { every = 10.0; };\n";
    credo_spec *spec = credo_spec_load_string (ctx, cfg, "bad.cfg", NULL, 0);
    ck_assert_ptr_null (spec);
    ck_assert_msg (strstr (credo_errmsg (ctx), "bad.cfg:5: weights: the "
                           "circuit has no plastic projections to record; "
                           "set projections = \"all\""),
                   "%s", credo_errmsg (ctx));
    credo_ctx_free (ctx);
  }
  /* a name the HDF5 group cannot take */
  {
    credo_ctx *ctx = credo_ctx_new ();
    static const char cfg[]
        = "duration = 100.0;\n"
          "populations = { x = { model = \"input\"; size = 2; };\n"
          "  h = { model = \"rate\"; size = 2; }; };\n"
          "projections = ( { name = \"x/h\"; from = \"x\"; to = \"h.in\"; } );\n"
          "weights = { every = 10.0; projections = \"all\"; };\n";
    credo_spec *spec = credo_spec_load_string (ctx, cfg, "bad.cfg", NULL, 0);
    ck_assert_ptr_null (spec);
    ck_assert_msg (strstr (credo_errmsg (ctx), "projection 'x/h' (bad.cfg:4) "
                           "cannot have its weights recorded"),
                   "%s", credo_errmsg (ctx));
    credo_ctx_free (ctx);
  }
}
END_TEST

static Suite *
weights_suite (void)
{
  Suite *s = suite_create ("weights");
  TCase *tc = tcase_create ("snapshots");
  tcase_set_timeout (tc, 120);
  tcase_add_unchecked_fixture (tc, tmpdir_setup, tmpdir_remove);
  tcase_add_test (tc, test_plastic_snapshots);
  tcase_add_test (tc, test_all_projections);
  tcase_add_test (tc, test_window_euler);
  tcase_add_test (tc, test_bad_weights);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (weights_suite ());
}
