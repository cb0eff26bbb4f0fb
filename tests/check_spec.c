/* tests/check_spec.c -- circuit files (src/spec*.c) that load: the
 * parsed values, defaults, includes and the summary; data files
 * (src/datafile.c) and stimuli (src/stimulus.c).  The --set overrides are
 * in check_spec_override.c, the rejected configs in check_spec_bad.c.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every test works in its own mkdtemp directory: configs, CSV and HDF5 files
 * are written there and loaded back.  Uses the built-in models "input" and
 * "rate" (src/models.c, models/).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "testutil.h"

/* ---- good configs ------------------------------------------------------- */

#define TEN "1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0"

static const char *const full_cfg =
  "duration = 2000;\n"                                              /* 1 */
  "seed = 7;\n"                                                     /* 2 */
  "output = { path = \"out.h5\"; flush_every = 2.5; compression = 6; };\n"
  "populations = {\n"                                               /* 4 */
  "  input  = { model = \"input\"; size = 30; };\n"
  "  hidden = { model = \"rate\"; size = 50;\n"                     /* 6 */
  "             params = { tau = 20; transfer = \"softplus\"; }; };\n"
  "  out = { model = \"rate\"; size = 4; };\n"                      /* 8 */
  "};\n"
  "projections = (\n"                                               /* 10 */
  "  { name = \"w1\"; from = \"input.r\"; to = \"hidden.in\"; gain = 2;\n"
  "    init = { dist = \"constant\"; value = 0.1; }; },\n"          /* 12 */
  "  { from = \"hidden\"; to = \"out\";\n"
  "    init = { dist = \"uniform\"; low = -2.0; high = 3.0;"
  " scale = \"1/fan_out\"; }; },\n"
  "  { name = \"fb\"; from = \"out.r\"; to = \"hidden.in\";\n"      /* 15 */
  "    init = { transpose = \"hidden.r->out.in\"; }; },\n"
  "  { name = \"wf\"; from = \"hidden.u\"; to = \"out.in\";"
  " init = { file = \"w.csv\"; }; },\n"
  "  { name = \"wh\"; from = \"out\"; to = \"out\";\n"              /* 18 */
  "    init = { file = \"w.h5\"; dataset = \"W\"; }; },\n"
  "  { name = \"wn\"; from = \"hidden\"; to = \"hidden\";\n"        /* 20 */
  "    init = { dist = \"normal\"; mean = 0.5; std = 2.0; scale = 0.25; }; }\n"
  ");\n"
  "stimuli = (\n"                                                   /* 23 */
  "  { to = \"input\"; kind = \"constant\"; value = 1.5; start = 10;"
  " stop = 20; },\n"
  "  { to = \"hidden.in\"; kind = \"sine\"; amplitude = [" TEN ",\n"
  "      " TEN ", " TEN ",\n"
  "      " TEN ", " TEN "];\n"
  "    period = 200.0; phase = 0.5; offset = -1.0; },\n"
  "  { to = \"out\"; kind = \"steps\"; times = [0.0, 100.0, 300.0];\n"
  "    values = ( [1.0, 2.0, 3.0, 4.0], [5, 6, 7, 8], 0.5 ); },\n"
  "  { to = \"out\"; kind = \"table\"; file = \"in.csv\";"
  " interpolate = \"linear\"; },\n"
  "  { to = \"out\"; kind = \"table\"; file = \"in.h5\"; dataset = \"x\";"
  " times_dataset = \"t\"; }\n"
  ");\n"
  "record = (\n"
  "  { what = \"hidden.u\"; units = [0, 1, 2]; every = 1.0; start = 0.0;"
  " stop = 500.0; dtype = \"float32\"; },\n"
  "  { what = \"hidden.r\"; every = 0; },\n"
  "  { what = \"out.in\"; units = \"all\"; stop = 5000; }\n"
  ");\n"
  "solver = { method = \"adams\"; rtol = 1e-4; atol = 1e-7;"
  " atol_var = { u = 1e-6; };\n"
  "  linear = \"spgmr\"; max_step = 5.0; init_step = 0.01; max_steps = 5000;\n"
  "  krylov_dim = 10; dense_max = 50; };\n";

static void
write_full_data (void)
{
  double w[16], x[3 * 4], t[3] = { 0, 10, 20 };
  hsize_t d2[2] = { 4, 4 }, dx[2] = { 3, 4 }, dt[1] = { 3 };
  for (int i = 0; i < 16; i++)
    w[i] = i;
  for (int i = 0; i < 12; i++)
    x[i] = 0.5 * i;
  write_file ("w.csv", "# weights\n1,2\n3,4\n");
  write_file ("in.csv",
              "t, a, b, c, d\n0 1 2 3 4\n# comment\n50, 5, 6, 7, 8\n");
  h5_put ("w.h5", 1, "W", 2, d2, w);
  h5_put ("in.h5", 1, "x", 2, dx, x);
  h5_put ("in.h5", 0, "t", 1, dt, t);
}

START_TEST (test_full_config)
{
  credo_spec *spec;
  char expect[1100];
  write_full_data ();
  spec = load (full_cfg);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));

  ck_assert_double_eq (spec->duration, 2000.0);
  ck_assert_uint_eq (spec->seed, 7);
  ck_assert_str_eq (credo_spec_output_path (spec), "out.h5");
  ck_assert_double_eq (spec->flush_seconds, 2.5);
  ck_assert_int_eq (spec->compression, 6);

  /* populations, in file order */
  ck_assert_uint_eq (spec->n_pops, 3);
  ck_assert_str_eq (spec->pops[0].name, "input");
  ck_assert_str_eq (spec->pops[1].name, "hidden");
  ck_assert_str_eq (spec->pops[2].name, "out");
  ck_assert_ptr_eq (spec->pops[1].model, credo_model_find ("rate"));
  ck_assert_uint_eq (spec->pops[0].size, 30);
  ck_assert_uint_eq (spec->pops[1].size, 50);
  ck_assert_double_eq (spec->pops[1].params[credo_model_param_index (
                           spec->pops[1].model, "tau")], 20.0);
  ck_assert_double_eq (spec->pops[1].params[credo_model_param_index (
                           spec->pops[1].model, "transfer")],
                       (double) CREDO_TF_SOFTPLUS);
  ck_assert_double_eq (spec->pops[2].params[0],
                       spec->pops[2].model->params[0].def);
  ck_assert_int_eq (spec->pops[1].loc.line, 6);
  ck_assert_ptr_nonnull (strstr (spec->pops[1].loc.file, "c.cfg"));

  /* projections */
  ck_assert_uint_eq (spec->n_projs, 6);
  ck_assert_str_eq (spec->projs[0].name, "w1");
  ck_assert_int_eq (spec->projs[0].pre, 0);
  ck_assert_int_eq (spec->projs[0].post, 1);
  ck_assert_int_eq (spec->projs[0].pre_port, 0);
  ck_assert_int_eq (spec->projs[0].post_port, 0);
  ck_assert_double_eq (spec->projs[0].gain, 2.0);
  ck_assert_int_eq (spec->projs[0].init.kind, CREDO_INIT_CONSTANT);
  ck_assert_double_eq (spec->projs[0].init.value, 0.1);
  ck_assert_double_eq (spec->projs[0].init.scale, 1.0);
  ck_assert_int_eq (spec->projs[0].loc.line, 11);

  ck_assert_str_eq (spec->projs[1].name, "hidden.r->out.in");
  ck_assert_double_eq (spec->projs[1].gain, 1.0);
  ck_assert_int_eq (spec->projs[1].init.kind, CREDO_INIT_UNIFORM);
  ck_assert_double_eq (spec->projs[1].init.low, -2.0);
  ck_assert_double_eq (spec->projs[1].init.high, 3.0);
  ck_assert_double_eq_tol (spec->projs[1].init.scale, 1.0 / 4, 1e-15);

  ck_assert_int_eq (spec->projs[2].init.kind, CREDO_INIT_TRANSPOSE);
  ck_assert_int_eq (spec->projs[2].init.transpose_of, 1);

  ck_assert_int_eq (spec->projs[3].pre_port, 1); /* hidden.u */
  ck_assert_int_eq (spec->projs[3].init.kind, CREDO_INIT_FILE);
  snprintf (expect, sizeof expect, "%s/w.csv", tmpdir);
  ck_assert_str_eq (spec->projs[3].init.path, expect);
  ck_assert_ptr_null (spec->projs[3].init.dataset);
  snprintf (expect, sizeof expect, "%s/w.h5", tmpdir);
  ck_assert_str_eq (spec->projs[4].init.path, expect);
  ck_assert_str_eq (spec->projs[4].init.dataset, "W");

  ck_assert_int_eq (spec->projs[5].init.kind, CREDO_INIT_NORMAL);
  ck_assert_double_eq (spec->projs[5].init.mean, 0.5);
  ck_assert_double_eq (spec->projs[5].init.std, 2.0);
  ck_assert_double_eq (spec->projs[5].init.scale, 0.25);

  /* stimuli */
  ck_assert_uint_eq (spec->n_stims, 5);
  ck_assert_int_eq (spec->stims[0].kind, CREDO_STIM_CONSTANT);
  ck_assert_int_eq (spec->stims[0].pop, 0);
  ck_assert_uint_eq (spec->stims[0].n, 30);
  ck_assert_double_eq (spec->stims[0].value[29], 1.5);
  ck_assert_double_eq (spec->stims[0].start, 10.0);
  ck_assert_double_eq (spec->stims[0].stop, 20.0);
  ck_assert_int_eq (spec->stims[1].kind, CREDO_STIM_SINE);
  ck_assert_int_eq (spec->stims[1].pop, 1);
  ck_assert_double_eq (spec->stims[1].amplitude[3], 4.0);
  ck_assert_double_eq (spec->stims[1].amplitude[49], 10.0);
  ck_assert_double_eq (spec->stims[1].offset[7], -1.0);
  ck_assert_double_eq (spec->stims[1].period, 200.0);
  ck_assert_double_eq (spec->stims[1].phase, 0.5);
  ck_assert (isinf (spec->stims[1].stop));
  ck_assert_int_eq (spec->stims[2].kind, CREDO_STIM_TABLE);
  ck_assert_uint_eq (spec->stims[2].n_rows, 3);
  ck_assert_int_eq (spec->stims[2].interpolate, 0);
  ck_assert_double_eq (spec->stims[2].times[2], 300.0);
  ck_assert_double_eq (spec->stims[2].values[1 * 4 + 2], 7.0);
  ck_assert_double_eq (spec->stims[2].values[2 * 4 + 3], 0.5);
  ck_assert_ptr_null (spec->stims[2].source);
  ck_assert_uint_eq (spec->stims[3].n_rows, 2);
  ck_assert_int_eq (spec->stims[3].interpolate, 1);
  ck_assert_double_eq (spec->stims[3].times[1], 50.0);
  ck_assert_double_eq (spec->stims[3].values[1 * 4 + 0], 5.0);
  snprintf (expect, sizeof expect, "%s/in.csv", tmpdir);
  ck_assert_str_eq (spec->stims[3].source, expect);
  ck_assert_uint_eq (spec->stims[4].n_rows, 3);
  ck_assert_double_eq (spec->stims[4].times[2], 20.0);
  ck_assert_double_eq (spec->stims[4].values[2 * 4 + 1], 0.5 * 9);

  /* record */
  ck_assert_uint_eq (spec->n_recs, 3);
  ck_assert_int_eq (spec->recs[0].kind, CREDO_REC_VAR);
  ck_assert_int_eq (spec->recs[0].index, 0);
  ck_assert_str_eq (spec->recs[0].var_name, "u");
  ck_assert_uint_eq (spec->recs[0].n_units, 3);
  ck_assert_uint_eq (spec->recs[0].units[2], 2);
  ck_assert_double_eq (spec->recs[0].stop, 500.0);
  ck_assert_int_eq (spec->recs[0].float32, 1);
  ck_assert_int_eq (spec->recs[1].kind, CREDO_REC_OUTPUT);
  ck_assert_int_eq (spec->recs[1].index, 0);
  ck_assert_double_eq (spec->recs[1].every, 0.0);
  ck_assert_uint_eq (spec->recs[1].n_units, 50);
  ck_assert_uint_eq (spec->recs[1].units[49], 49);
  ck_assert_double_eq (spec->recs[1].stop, 2000.0);
  ck_assert_int_eq (spec->recs[1].float32, 0);
  ck_assert_int_eq (spec->recs[2].kind, CREDO_REC_INPUT);
  ck_assert_uint_eq (spec->recs[2].n_units, 4);
  ck_assert_double_eq (spec->recs[2].stop, 2000.0); /* clipped */

  /* solver */
  ck_assert_int_eq (spec->solver.method, CREDO_METHOD_ADAMS);
  ck_assert_int_eq (spec->solver.linear, CREDO_LINEAR_SPGMR);
  ck_assert_double_eq (spec->solver.rtol, 1e-4);
  ck_assert_double_eq (spec->solver.atol, 1e-7);
  ck_assert_uint_eq (spec->solver.n_atol_var, 1);
  ck_assert_str_eq (spec->solver.atol_var_names[0], "u");
  ck_assert_double_eq (spec->solver.atol_var_values[0], 1e-6);
  ck_assert_double_eq (spec->solver.max_step, 5.0);
  ck_assert_double_eq (spec->solver.init_step, 0.01);
  ck_assert_int_eq (spec->solver.max_steps, 5000);
  ck_assert_int_eq (spec->solver.krylov_dim, 10);
  ck_assert_uint_eq (spec->solver.dense_max, 50);

  ck_assert_ptr_nonnull (strstr (credo_spec_text (spec), "softplus"));
  credo_spec_free (spec);
}
END_TEST

START_TEST (test_defaults)
{
  credo_spec *spec = load (
      BASE "projections = ( { from = \"input\"; to = \"hidden\"; } );\n"
      "stimuli = ( { to = \"input\"; kind = \"constant\";"
      " value = [1, 2, 3]; } );\n"
      "record = ( { what = \"hidden.u\"; } );\n");
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  ck_assert_uint_eq (spec->seed, 1);
  ck_assert_ptr_null (credo_spec_output_path (spec));
  ck_assert_double_eq (spec->flush_seconds, 2.0);
  ck_assert_int_eq (spec->compression, 4);
  ck_assert_str_eq (spec->projs[0].name, "input.r->hidden.in");
  ck_assert_double_eq (spec->projs[0].gain, 1.0);
  ck_assert_int_eq (spec->projs[0].init.kind, CREDO_INIT_NORMAL);
  ck_assert_double_eq (spec->projs[0].init.mean, 0.0);
  ck_assert_double_eq (spec->projs[0].init.std, 1.0);
  ck_assert_double_eq_tol (spec->projs[0].init.scale, 1 / sqrt (3.0), 1e-15);
  ck_assert_double_eq (spec->stims[0].value[2], 3.0);
  ck_assert_double_eq (spec->stims[0].start, 0.0);
  ck_assert (isinf (spec->stims[0].stop) && spec->stims[0].stop > 0);
  ck_assert_uint_eq (spec->recs[0].n_units, 2);
  ck_assert_double_eq (spec->recs[0].every, 1.0);
  ck_assert_double_eq (spec->recs[0].start, 0.0);
  ck_assert_double_eq (spec->recs[0].stop, 100.0);
  ck_assert_int_eq (spec->solver.method, CREDO_METHOD_BDF);
  ck_assert_int_eq (spec->solver.linear, CREDO_LINEAR_AUTO);
  ck_assert_double_eq (spec->solver.rtol, 1e-6);
  ck_assert_double_eq (spec->solver.atol, 1e-8);
  ck_assert_double_eq (spec->solver.max_step, 0.0);
  ck_assert_int_eq (spec->solver.max_steps, 100000);
  ck_assert_int_eq (spec->solver.krylov_dim, 0);
  ck_assert_uint_eq (spec->solver.blocks, 1);
  ck_assert_uint_eq (spec->solver.dense_max, 200);
  ck_assert_uint_eq (spec->solver.n_atol_var, 0);
  credo_spec_free (spec);

  /* empty optional lists, a normal init without scale */
  spec = load (BASE "projections = ();\nstimuli = ();\nrecord = [];\n"
               "solver = {};\n");
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  ck_assert_uint_eq (spec->n_projs + spec->n_stims + spec->n_recs, 0);
  credo_spec_free (spec);
  spec = load (BASE "projections = ( { from = \"hidden\"; to = \"hidden\"; "
               "init = { dist = \"uniform\"; }; } );\n");
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  ck_assert_double_eq (spec->projs[0].init.low, -1.0);
  ck_assert_double_eq (spec->projs[0].init.high, 1.0);
  ck_assert_double_eq_tol (spec->projs[0].init.scale, 1 / sqrt (2.0), 1e-15);
  credo_spec_free (spec);
}
END_TEST

START_TEST (test_scales)
{
  static const char *const scales[] = { "\"1/sqrt(fan_in)\"", "\"1/fan_in\"",
                                        "\"1/sqrt(fan_out)\"", "\"1/fan_out\"",
                                        "3" };
  const double expect[] = { 1 / sqrt (3.0), 1 / 3.0, 1 / sqrt (2.0), 0.5, 3 };
  for (int i = 0; i < 5; i++)
    {
      char text[1024];
      credo_spec *spec;
      snprintf (text, sizeof text, BASE "projections = ( { from = \"input\"; "
                "to = \"hidden\"; init = { dist = \"normal\"; scale = %s; }; "
                "} );\n", scales[i]);
      spec = load (text);
      ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
      ck_assert_double_eq_tol (spec->projs[0].init.scale, expect[i], 1e-15);
      credo_spec_free (spec);
    }
}
END_TEST

START_TEST (test_include)
{
  credo_spec *spec;
  char sub[512];
  write_file ("pops.cfg", "populations = { a = { model = \"rate\"; size = 3; "
              "}; };\n");
  spec = load ("duration = 10.0;\n@include \"pops.cfg\"\n");
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  ck_assert_uint_eq (spec->pops[0].size, 3);
  /* the recorded text has the included settings inline */
  ck_assert_ptr_nonnull (strstr (credo_spec_text (spec), "size = 3"));
  credo_spec_free (spec);

  /* errors inside an included file name it */
  write_file ("pops.cfg",
              "populations = {\n a = { model = \"rate\"; size = 0; }; };\n");
  ck_assert_ptr_null (load ("duration = 10.0;\n@include \"pops.cfg\"\n"));
  snprintf (sub, sizeof sub, "%s/pops.cfg:2: ", tmpdir);
  expect_msg (sub);
  expect_msg ("'size' must be in 1..100000000");

  /* relative to the config file, not the working directory */
  snprintf (sub, sizeof sub, "%s/sub", tmpdir);
  ck_assert_int_eq (mkdir (sub, 0700), 0);
  write_file ("sub/inc.cfg", "duration = 5.0;\n");
  write_file ("sub/main.cfg", "@include \"inc.cfg\"\n"
              "populations = { a = { model = \"rate\"; size = 1; }; };\n");
  snprintf (sub, sizeof sub, "%s/sub/main.cfg", tmpdir);
  spec = credo_spec_load (test_ctx, sub, NULL, 0);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  ck_assert_double_eq (spec->duration, 5.0);
  credo_spec_free (spec);
}
END_TEST

START_TEST (test_load_string)
{
  credo_spec *spec = credo_spec_load_string (
      test_ctx, BASE "seed = 3;\n", "inline.cfg", NULL, 0);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  ck_assert_uint_eq (spec->seed, 3);
  ck_assert_int_eq (spec->pops[1].loc.line, 4);
  ck_assert_str_eq (spec->pops[1].loc.file, "inline.cfg");
  credo_spec_free (spec);

  ck_assert_ptr_null (credo_spec_load_string (test_ctx, BASE "seed = -3;\n",
                                              "inline.cfg", NULL, 0));
  ck_assert_str_eq (credo_errmsg (test_ctx),
                    "inline.cfg:6: 'seed' must be >= 0, not -3");
  ck_assert_ptr_null (credo_spec_load_string (test_ctx, "duration = ;\n", NULL,
                                              NULL, 0));
  expect_msg ("<string>:1: syntax error");
}
END_TEST

START_TEST (test_summary)
{
  credo_spec *spec;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
#define HAS(frag) \
  ck_assert_msg (strstr (buf, frag) != NULL, "summary lacks '%s':\n%s", \
                 frag, buf)
  write_full_data ();
  spec = load (full_cfg);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  f = open_memstream (&buf, &len);
  credo_spec_print_summary (spec, f);
  fclose (f);
  HAS ("duration    2000 ms");
  HAS ("seed        7");
  HAS ("out.h5");
  HAS ("tau=20, transfer=softplus");
  HAS ("state size 54"); /* 50 + 4 */
  HAS ("hidden.r->out.in                  4 x 50, gain 1, init uniform "
       "[-2, 3) x 0.25");
  HAS ("input.in  constant 1.5, active [10, 20) ms");
  HAS ("sine amplitude 1..10 per unit, period 200 ms, phase 0.5, "
       "offset -1,");
  HAS ("fb           out.r->hidden.in     50 x 4, gain 1, init transpose "
       "of hidden.r->out.in");
  HAS ("every step");
  /* The estimate from the config: a record of n units with S samples takes
   * S (n e + 8) bytes (e = 4 for float32, 8 for float64; 8 for the time).
   * hidden.u: 3 units, [0, 500] every 1 ms, float32: 501 samples of
   * 3 x 4 + 8 bytes = 10020 B.  out.in: all 4 units, the default every
   * = 1 ms, stop 5000 clamped to the duration 2000: 2001 samples of 4 x 8 +
   * 8 bytes = 80040 B.  hidden.r (every step) has no estimate.  The total,
   * 90060 B, is 87.949 KiB. */
  {
    const double hid_u = 501.0 * (3 * 4 + 8), out_in = 2001.0 * (4 * 8 + 8);
    char frag[128];
    HAS ("hidden.u (variable) 3 units, [0, 500] ms");
    snprintf (frag, sizeof frag, "501 samples, float32, ~%.1f KiB",
              hid_u / 1024);
    HAS (frag);
    ck_assert_str_eq (frag, "501 samples, float32, ~9.8 KiB");
    HAS ("out.in (input) 4 units, [0, 2000] ms");
    snprintf (frag, sizeof frag, "2001 samples, float64, ~%.1f KiB",
              out_in / 1024);
    HAS (frag);
    snprintf (frag, sizeof frag,
              "estimated output %.1f KiB plus every-step records",
              (hid_u + out_in) / 1024);
    HAS (frag);
    ck_assert_str_eq (frag, "estimated output 87.9 KiB plus every-step "
                            "records");
  }
  HAS ("solver      adams, linear spgmr");
  free (buf);
  credo_spec_free (spec);
#undef HAS
}
END_TEST


/* ---- data files --------------------------------------------------------- */

START_TEST (test_csv)
{
  double *d = NULL;
  size_t r = 0, c = 0;
  char path[1024];
  const char *p = write_file ("a.csv", "# a comment\n\npre0,pre1, pre2\n"
                              "1, 2.5 ,-3\n  # another\n4 5 6e-1\r\n\n"
                              "7,8,9\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c), 0);
  ck_assert_uint_eq (r, 3);
  ck_assert_uint_eq (c, 3);
  ck_assert_double_eq (d[1], 2.5);
  ck_assert_double_eq (d[2], -3.0);
  ck_assert_double_eq (d[5], 0.6);
  ck_assert_double_eq (d[8], 9.0);
  free (d);

  p = write_file ("b.csv", "1,2\n3\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  snprintf (path, sizeof path, "%s/b.csv:2: 1 values, expected 2 as on line 1",
            tmpdir);
  ck_assert_str_eq (credo_errmsg (test_ctx), path);
  p = write_file ("c.csv", "a,b\n1,2\nx,y\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("c.csv:3: 'x' is not a finite number");
  p = write_file ("d.csv", "1,,2\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("d.csv:1: empty field");
  p = write_file ("e.csv", "# only a comment\nheader\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("e.csv: no data rows");
  p = write_file ("f.csv", "1,nan\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  p = write_file ("g.csv", "1,2,\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  /* a BOM is skipped; a header needs a text field, "inf0" or "x" */
  p = write_file ("h.csv", "\xef\xbb\xbf" "1,2\n3,4\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c), 0);
  ck_assert (r == 2 && d[0] == 1.0);
  free (d);
  p = write_file ("i.csv", "\xef\xbb\xbf" "inf0,x\n1e-999,+.5e+1\n");
  ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c), 0);
  ck_assert (r == 1 && d[0] == 0.0 && d[1] == 5.0);
  free (d);
  snprintf (path, sizeof path, "%s/none.csv", tmpdir);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("none.csv: cannot open: No such file or directory");
  snprintf (path, sizeof path, "%s/x.txt", tmpdir);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("unknown data file type");

  /* a long row */
  {
    char line[20000];
    size_t used = 0;
    for (int i = 0; i < 1000; i++)
      used += (size_t) snprintf (line + used, sizeof line - used, "%d%s", i,
                                 i < 999 ? "," : "\n");
    p = write_file ("long.csv", line);
    ck_assert_int_eq (credo__read_matrix (test_ctx, p, NULL, &d, &r, &c), 0);
    ck_assert_uint_eq (r, 1);
    ck_assert_uint_eq (c, 1000);
    ck_assert_double_eq (d[999], 999.0);
    free (d);
  }
}
END_TEST

START_TEST (test_hdf5)
{
  double w[6] = { 1, 2, 3, 4, 5, 6 }, *d = NULL;
  hsize_t d2[2] = { 2, 3 }, d1[1] = { 4 };
  size_t r = 0, c = 0;
  char path[1024], errfile[1100], buf[1100];
  int saved, fd;
  FILE *ef;

  h5_put ("m.h5", 1, "W", 2, d2, w);
  h5_put ("m.h5", 0, "v", 1, d1, w);
  snprintf (path, sizeof path, "%s/m.h5", tmpdir);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, "W", &d, &r, &c), 0);
  ck_assert_uint_eq (r, 2);
  ck_assert_uint_eq (c, 3);
  ck_assert_double_eq (d[5], 6.0);
  free (d);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, "v", &d, &r, &c), 0);
  ck_assert_uint_eq (r, 4);
  ck_assert_uint_eq (c, 1);
  ck_assert_double_eq (d[3], 4.0);
  free (d);

  /* failures say what is wrong and HDF5 prints nothing */
  snprintf (errfile, sizeof errfile, "%s/stderr.txt", tmpdir);
  fflush (stderr);
  saved = dup (2);
  fd = open (errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert (fd >= 0);
  dup2 (fd, 2);
  close (fd);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, "nope", &d, &r, &c),
                    CREDO_ECONFIG);
  snprintf (buf, sizeof buf, "%s: no dataset 'nope'", path);
  ck_assert_str_eq (credo_errmsg (test_ctx), buf);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, "g/deep", &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("no dataset 'g/deep'");
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, NULL, &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("a dataset name is required");
  write_file ("fake.h5", "this is not HDF5\n");
  snprintf (path, sizeof path, "%s/fake.h5", tmpdir);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, "W", &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("fake.h5: not a readable HDF5 file");
  snprintf (path, sizeof path, "%s/absent.hdf5", tmpdir);
  ck_assert_int_eq (credo__read_matrix (test_ctx, path, "W", &d, &r, &c),
                    CREDO_ECONFIG);
  expect_msg ("absent.hdf5: cannot open: No such file or directory");
  fflush (stderr);
  dup2 (saved, 2);
  close (saved);
  ef = fopen (errfile, "r");
  ck_assert_ptr_nonnull (ef);
  ck_assert_int_eq (fgetc (ef), EOF);
  fclose (ef);
}
END_TEST

/* ---- stimuli ------------------------------------------------------------ */

START_TEST (test_stim_values)
{
  double val[2] = { 1.0, -2.0 }, amp[2] = { 1.0, 2.0 }, off[2] = { 0.5, 0.0 };
  double times[3] = { 10, 20, 40 };
  double values[6] = { 1, 10, 2, 20, 4, 40 };
  double out[2];
  credo_stim_spec s;

  memset (&s, 0, sizeof s);
  s.kind = CREDO_STIM_CONSTANT;
  s.n = 2;
  s.start = 5;
  s.stop = 15;
  s.value = val;
  out[0] = 100;
  out[1] = 0;
  credo__stim_add (&s, 4.999, 4.999, out);
  ck_assert_double_eq (out[0], 100);
  credo__stim_add (&s, 5, 5, out); /* right-continuous: on at start */
  ck_assert_double_eq (out[0], 101);
  ck_assert_double_eq (out[1], -2);
  credo__stim_add (&s, 15, 15, out); /* off at stop */
  ck_assert_double_eq (out[0], 101);

  memset (&s, 0, sizeof s);
  s.kind = CREDO_STIM_SINE;
  s.n = 2;
  s.start = 100;
  s.stop = INFINITY;
  s.amplitude = amp;
  s.offset = off;
  s.period = 200;
  s.phase = M_PI / 2;
  out[0] = out[1] = 0;
  credo__stim_add (&s, 150, 150, out); /* sin(pi/2 + pi/2) = 0 */
  ck_assert_double_eq_tol (out[0], 0.5, 1e-12);
  ck_assert_double_eq_tol (out[1], 0.0, 1e-12);
  out[0] = out[1] = 0;
  credo__stim_add (&s, 100, 100, out); /* sin(pi/2) = 1 */
  ck_assert_double_eq_tol (out[0], 1.5, 1e-12);
  ck_assert_double_eq_tol (out[1], 2.0, 1e-12);
  out[0] = out[1] = 0;
  credo__stim_add (&s, 99, 99, out);
  ck_assert_double_eq (out[0], 0);

  memset (&s, 0, sizeof s);
  s.kind = CREDO_STIM_TABLE;
  s.n = 2;
  s.start = 0;
  s.stop = INFINITY;
  s.n_rows = 3;
  s.times = times;
  s.values = values;
  {
    /* t, held unit 0, held unit 1, linear unit 0, linear unit 1 */
    static const double cases[][5] = {
      { 0, 0, 0, 0, 0 },       { 9.99, 0, 0, 0, 0 },  { 10, 1, 10, 1, 10 },
      { 15, 1, 10, 1.5, 15 },  { 20, 2, 20, 2, 20 },  { 30, 2, 20, 3, 30 },
      { 39.9, 2, 20, 3.99, 39.9 }, { 40, 4, 40, 4, 40 }, { 1e6, 4, 40, 4, 40 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
      {
        s.interpolate = 0;
        out[0] = out[1] = 0;
        credo__stim_add (&s, cases[k][0], cases[k][0], out);
        ck_assert_double_eq_tol (out[0], cases[k][1], 1e-12);
        ck_assert_double_eq_tol (out[1], cases[k][2], 1e-12);
        s.interpolate = 1;
        out[0] = out[1] = 0;
        credo__stim_add (&s, cases[k][0], cases[k][0], out);
        ck_assert_double_eq_tol (out[0], cases[k][3], 1e-12);
        ck_assert_double_eq_tol (out[1], cases[k][4], 1e-12);
      }
  }
  /* a window cuts the table */
  s.interpolate = 0;
  s.start = 12;
  s.stop = 30;
  out[0] = out[1] = 0;
  credo__stim_add (&s, 11, 11, out);
  credo__stim_add (&s, 30, 30, out);
  ck_assert_double_eq (out[0], 0);
  credo__stim_add (&s, 12, 12, out);
  ck_assert_double_eq (out[0], 1);
}
END_TEST

START_TEST (test_stim_breaks)
{
  double times[4] = { 10, 20, 40, 50 }, values[4] = { 1, 2, 3, 4 };
  double val[1] = { 1 };
  double *b = NULL;
  size_t n = 0, cap = 0;
  credo_stim_spec s;

  memset (&s, 0, sizeof s);
  s.kind = CREDO_STIM_CONSTANT;
  s.n = 1;
  s.value = val;
  s.start = 5;
  s.stop = 15;
  ck_assert_int_eq (credo__stim_breaks (&s, 0, 100, &b, &n, &cap), 0);
  ck_assert_uint_eq (n, 2);
  ck_assert_double_eq (b[0], 5);
  ck_assert_double_eq (b[1], 15);
  /* open interval: breaks at t0 or t1 are not listed */
  n = 0;
  ck_assert_int_eq (credo__stim_breaks (&s, 5, 15, &b, &n, &cap), 0);
  ck_assert_uint_eq (n, 0);
  s.stop = INFINITY;
  ck_assert_int_eq (credo__stim_breaks (&s, 0, 100, &b, &n, &cap), 0);
  ck_assert_uint_eq (n, 1);

  memset (&s, 0, sizeof s);
  s.kind = CREDO_STIM_TABLE;
  s.n = 1;
  s.n_rows = 4;
  s.times = times;
  s.values = values;
  s.start = 0;
  s.stop = 45;
  n = 0;
  ck_assert_int_eq (credo__stim_breaks (&s, -1, 100, &b, &n, &cap), 0);
  ck_assert_uint_eq (n, 5); /* 0, 10, 20, 40, 45 */
  ck_assert_double_eq (b[0], 0);
  ck_assert_double_eq (b[1], 10);
  ck_assert_double_eq (b[3], 40);
  ck_assert_double_eq (b[4], 45);
  n = 0;
  s.interpolate = 1;
  ck_assert_int_eq (credo__stim_breaks (&s, 10, 40, &b, &n, &cap), 0);
  ck_assert_uint_eq (n, 1);
  ck_assert_double_eq (b[0], 20);
  /* a row at start is listed once */
  s.start = 20;
  n = 0;
  ck_assert_int_eq (credo__stim_breaks (&s, 0, 100, &b, &n, &cap), 0);
  ck_assert_uint_eq (n, 3); /* 20, 40, 45 */
  ck_assert_double_eq (b[1], 40);

  /* appends after existing entries and grows */
  {
    double many_t[100], many_v[100];
    for (int i = 0; i < 100; i++)
      {
        many_t[i] = i;
        many_v[i] = i;
      }
    s.times = many_t;
    s.values = many_v;
    s.n_rows = 100;
    s.start = 0;
    s.stop = INFINITY;
    ck_assert_int_eq (credo__stim_breaks (&s, 0.5, 1000, &b, &n, &cap), 0);
    ck_assert_uint_eq (n, 3 + 99);
    ck_assert_double_eq (b[3], 1);
    ck_assert_double_eq (b[101], 99);
    ck_assert_uint_ge (cap, n);
  }
  free (b);
}
END_TEST

START_TEST (test_spec_stimulus_roundtrip)
{
  credo_spec *spec = load (BASE "stimuli = ( { to = \"input\"; kind = "
                           "\"steps\"; times = [10.0, 20.0];\n values = ( "
                           "[1.0, 2.0, 3.0], 5.0 ); stop = 30.0; } );\n");
  double out[3] = { 0, 0, 0 };
  double *b = NULL;
  size_t n = 0, cap = 0;
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  credo__stim_add (&spec->stims[0], 15, 15, out);
  ck_assert_double_eq (out[2], 3.0);
  credo__stim_add (&spec->stims[0], 25, 25, out);
  ck_assert_double_eq (out[0], 6.0);
  ck_assert_int_eq (credo__stim_breaks (&spec->stims[0], 0, 100, &b, &n,
                                        &cap), 0);
  ck_assert_uint_eq (n, 3);
  ck_assert_double_eq (b[2], 30.0);
  free (b);
  credo_spec_free (spec);
}
END_TEST

static Suite *
spec_suite (void)
{
  Suite *s = suite_create ("spec");
  TCase *tc = tcase_create ("good");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_add_test (tc, test_full_config);
  tcase_add_test (tc, test_defaults);
  tcase_add_test (tc, test_scales);
  tcase_add_test (tc, test_include);
  tcase_add_test (tc, test_load_string);
  tcase_add_test (tc, test_summary);
  suite_add_tcase (s, tc);

  tc = tcase_create ("data");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_add_test (tc, test_csv);
  tcase_add_test (tc, test_hdf5);
  suite_add_tcase (s, tc);

  tc = tcase_create ("stimulus");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_add_test (tc, test_stim_values);
  tcase_add_test (tc, test_stim_breaks);
  tcase_add_test (tc, test_spec_stimulus_roundtrip);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (spec_suite ());
}
