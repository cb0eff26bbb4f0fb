/* tests/check_spec_override.c -- the --set overrides of circuit files
 * (src/spec/override.c): new and replaced keys, list and array paths,
 * appended list elements, the recorded text, and the messages of bad
 * overrides.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every test works in its own mkdtemp directory, where the config is
 * written and loaded back.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* ---- overrides ---------------------------------------------------------- */

static const char *const ov_cfg =
  BASE
  "projections = ( { name = \"w\"; from = \"input\"; to = \"hidden\"; },\n"
  "                { name = \"v\"; from = \"hidden\"; to = \"hidden\"; } );\n"
  "record = ( { what = \"hidden.u\"; units = [0, 1]; } );\n"
  "solver = { rtol = 1e-5; };\n";

START_TEST (test_overrides)
{
  static const char *const ov[] = {
    "duration=500",                             /* existing key, int */
    "seed = 11",                                /* new key, spaces */
    "output.flush=\"x\"",                       /* replaced again below */
    "output.flush=2",
    "solver.linear=dense",                      /* bare string */
    "output.path=results/run 1.h5",             /* new group, bare string */
    "projections.[1].gain=2.5",                 /* list index path */
    "projections[0].init={dist=\"constant\"; value=0.25;}", /* group value */
    "populations.hidden.params.tau=20",         /* new params group */
    "populations.hidden.params.transfer=relu",  /* bare choice */
    "populations.input.size=4",                 /* keeps population order */
    "record.[0].units.[1]=1.0",                 /* array element, converted */
    "solver.atol_var.u=1e-9",
    "populations.extra={ model = \"rate\"; size = 7; }",
  };
  credo_spec *spec = load_n (ov_cfg, ov, sizeof ov / sizeof *ov);
  const char *text;
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  ck_assert_double_eq (spec->duration, 500.0);
  ck_assert_uint_eq (spec->seed, 11);
  ck_assert_int_eq (spec->solver.linear, CREDO_LINEAR_DENSE);
  ck_assert_double_eq (spec->solver.rtol, 1e-5);
  ck_assert_str_eq (credo_spec_output_path (spec), "results/run 1.h5");
  ck_assert_double_eq (spec->flush_seconds, 2.0);
  ck_assert_double_eq (spec->projs[1].gain, 2.5);
  ck_assert_str_eq (spec->projs[1].name, "v");
  ck_assert_int_eq (spec->projs[0].init.kind, CREDO_INIT_CONSTANT);
  ck_assert_double_eq (spec->projs[0].init.value, 0.25);
  ck_assert_str_eq (spec->projs[0].name, "w");
  ck_assert_uint_eq (spec->n_pops, 3);
  ck_assert_str_eq (spec->pops[0].name, "input");
  ck_assert_str_eq (spec->pops[1].name, "hidden");
  ck_assert_str_eq (spec->pops[2].name, "extra");
  ck_assert_uint_eq (spec->pops[0].size, 4);
  ck_assert_uint_eq (spec->pops[2].size, 7);
  ck_assert_double_eq (spec->pops[1].params[0], 20.0);
  ck_assert_double_eq (spec->pops[1].params[2], (double) CREDO_TF_RELU);
  ck_assert_uint_eq (spec->recs[0].units[1], 1);
  ck_assert_double_eq (spec->solver.atol_var_values[0], 1e-9);
  ck_assert_double_eq (spec->recs[0].stop, 500.0);
  /* the location of an overridden population is still its file line */
  ck_assert_int_eq (spec->pops[0].loc.line, 3);
  /* one created by --set says so */
  ck_assert_int_eq (spec->pops[2].loc.line, 0);
  ck_assert_ptr_nonnull (strstr (spec->pops[2].loc.file,
                                 "--set populations.extra"));

  text = credo_spec_text (spec);
  ck_assert_ptr_nonnull (strstr (text, "gain = 2.5"));
  ck_assert_ptr_nonnull (strstr (text, "\"dense\""));
  ck_assert_ptr_nonnull (strstr (text, "duration = 500"));
  ck_assert_ptr_null (strstr (text, "duration = 100"));
  credo_spec_free (spec);

  /* the recorded text parses back to the same spec */
  {
    static const char *const ov2[] = { "projections.[1].gain=2.5" };
    credo_spec *a = load_n (ov_cfg, ov2, 1), *b;
    ck_assert_msg (a != NULL, "%s", credo_errmsg (test_ctx));
    b = credo_spec_load_string (test_ctx, credo_spec_text (a), "again", NULL,
                                0);
    ck_assert_msg (b != NULL, "%s", credo_errmsg (test_ctx));
    ck_assert_double_eq (b->projs[1].gain, 2.5);
    ck_assert_uint_eq (b->n_pops, a->n_pops);
    credo_spec_free (a);
    credo_spec_free (b);
  }

  /* appending to a list */
  {
    static const char *const ov3[] = {
      "stimuli=()",
      "stimuli.[0]={ to = \"input\"; kind = \"constant\"; value = 2.0; }"
    };
    spec = load_n (ov_cfg, ov3, 2);
    ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
    ck_assert_uint_eq (spec->n_stims, 1);
    ck_assert_double_eq (spec->stims[0].value[0], 2.0);
    credo_spec_free (spec);
  }
}
END_TEST

START_TEST (test_override_errors)
{
  static const char *const bad_paths[][2] = {
    { "duration", "--set duration: expected KEY=VALUE" },
    { "=3", "expected KEY=VALUE" },
    { "projections.[5].gain=1",
      "--set projections.[5].gain: index [5] out of range (2 elements)" },
    { "duration.[0]=1", "--set duration.[0]: cannot index [0] into a number" },
    { "duration.x=1", "--set duration.x: cannot set 'x' in a number" },
    { "solver..rtol=1", "--set solver..rtol: malformed key" },
    { "projections.[x]=1", "malformed key" },
    { "record.[0].units.[0]=\"a\"",
      "--set record.[0].units.[0]: the array holds values of another type" },
    { "record.[0].units.[0]=1.5", "the array holds integers, not 1.5" },
  };
  for (size_t i = 0; i < sizeof bad_paths / sizeof *bad_paths; i++)
    {
      const char *ov[1] = { bad_paths[i][0] };
      ck_assert_ptr_null (load_n (ov_cfg, ov, 1));
      expect_msg (bad_paths[i][1]);
    }

  /* validation errors in overridden values point at the override */
  {
    const char *ov[] = { "solver.rtol=-1" };
    expect_fail_ov (ov_cfg, ov, 1, -1,
                    "--set solver.rtol=-1: 'rtol' must be > 0 and < 1", NULL);
  }
  {
    const char *ov[] = { "duration=abc" };
    expect_fail_ov (ov_cfg, ov, 1, -1, "--set duration=abc: 'duration' must "
                    "be a number, not a string", NULL);
  }
  {
    const char *ov[] = { "solver.rtl=1e-3" };
    expect_fail_ov (ov_cfg, ov, 1, -1, "--set solver.rtl=1e-3: unknown key "
                    "'rtl' in solver; did you mean 'rtol'?", NULL);
  }
  {
    const char *ov[] = { "populations.new={ model = \"rate\"; }" };
    expect_fail_ov (ov_cfg, ov, 1, -1, "--set populations.new={ model = "
                    "\"rate\"; }: missing 'size' in population 'new'", NULL);
  }
  {
    const char *ov[] = { "populations.hidden.params.tau=-5" };
    expect_fail_ov (ov_cfg, ov, 1, -1,
                    "--set populations.hidden.params.tau=-5: parameter 'tau' "
                    "= -5 of model rate is out of range", NULL);
  }
  {
    /* an array element set in place */
    const char *ov[] = { "record.[0].units.[1]=9" };
    expect_fail_ov (ov_cfg, ov, 1, -1, "--set record.[0].units.[1]=9: unit 9 "
                    "is out of range [0, 2)", NULL);
  }
  {
    /* a file error is still reported at the file line */
    const char *ov[] = { "seed=2" };
    expect_fail_ov (BASE "solver = { method = \"bfd\"; };\n", ov, 1, 6,
                    "did you mean 'bdf'?", NULL);
  }
}
END_TEST


static Suite *
spec_override_suite (void)
{
  Suite *s = suite_create ("spec_override");
  TCase *tc = tcase_create ("overrides");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_add_test (tc, test_overrides);
  tcase_add_test (tc, test_override_errors);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (spec_override_suite ());
}
