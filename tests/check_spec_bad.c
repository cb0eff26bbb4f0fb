/* tests/check_spec_bad.c -- circuit files (src/spec*.c) that must be
 * rejected, with a message that names the file and line (c.cfg:LINE:) and
 * says what is wrong.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every test works in its own mkdtemp directory, where the configs (and
 * the data files they name) are written and loaded back.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "testutil.h"

/* ---- bad input ---------------------------------------------------------- */

START_TEST (test_syntax_and_files)
{
  char path[1024];
  /* a missing ';' is reported where the next token is */
  expect_fail ("duration = 100.0;\npopulations = {\n  x = { model = "
               "\"rate\"; size = = 2; };\n};\n", 3, "syntax error", NULL);
  expect_fail ("duration = 100.0;\npopulations = {\n  x = { model = "
               "\"rate\"; size = 2; };\n\n", 5, "syntax error", NULL);
  snprintf (path, sizeof path, "%s/absent.cfg", tmpdir);
  ck_assert_ptr_null (credo_spec_load (test_ctx, path, NULL, 0));
  expect_msg ("absent.cfg: cannot open: No such file or directory");
  ck_assert_ptr_null (credo_spec_load (test_ctx, tmpdir, NULL, 0));
  expect_msg (": cannot open: Is a directory");
  expect_fail ("duration = 1.0;\n@include \"nope.cfg\"\n", 2,
               "cannot open include file", NULL);
}
END_TEST

START_TEST (test_top_level)
{
  expect_fail ("durration = 100.0;\n", 1, "unknown key 'durration' in the "
               "top level; did you mean 'duration'? (one of: duration, seed",
               NULL);
  expect_fail ("seed = 1;\npopulations = { a = { model = \"rate\"; size = 1; "
               "}; };\n", 0, "missing 'duration' in the top level", NULL);
  expect_fail ("duration = 1.0;\n", 0, "missing 'populations'", NULL);
  expect_fail ("duration = \"long\";\n", 1,
               "'duration' must be a number, not a string", NULL);
  expect_fail ("duration = 0;\n", 1, "'duration' must be > 0", NULL);
  expect_fail (BASE "seed = 1.5;\n", 6, "'seed' must be an integer", NULL);
  expect_fail (BASE "seed = -1;\n", 6, "'seed' must be >= 0", NULL);
  expect_fail (BASE "output = ( 1 );\n", 6, "'output' must be a group", NULL);
  expect_fail (BASE "output = { path = 3; };\n", 6,
               "'path' must be a string, not an integer", NULL);
  expect_fail (BASE "output = {\n flush = 0.0; };\n", 7,
               "'flush' must be > 0", NULL);
  expect_fail (BASE "output = { compression = 10; };\n", 6,
               "'compression' must be in 0..9", NULL);
  expect_fail (BASE "output = { compresion = 1; };\n", 6,
               "unknown key 'compresion' in output; did you mean "
               "'compression'?", NULL);
}
END_TEST

START_TEST (test_populations)
{
  expect_fail ("duration = 1.0;\npopulations = {};\n", 2, "is empty", NULL);
  expect_fail ("duration = 1.0;\npopulations = ( 1 );\n", 2,
               "'populations' must be a group", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = 5; };\n", 3,
               "population 'a' must be a group { ... }, not an integer", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rtae\"; "
               "size = 1; }; };\n", 3, "unknown model 'rtae'; did you mean "
               "'rate'?", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = 3; size = 1; "
               "}; };\n", 3, "'model' must be a string", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { size = 1; }; };\n", 3,
               "missing 'model' in population 'a'", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "}; };\n", 3, "missing 'size' in population 'a'", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 0; }; };\n", 3, "'size' must be in 1..100000000, not 0", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 2.5; }; };\n", 3, "'size' must be an integer, not 2.5",
               NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = \"four\"; }; };\n", 3,
               "'size' must be an integer, not a string", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1; sise = 2; }; };\n", 3, "unknown key 'sise' in "
               "population 'a'; did you mean 'size'?", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1;\n params = { taus = 1.0; }; }; };\n", 4,
               "unknown parameter 'taus' of model rate; did you mean 'tau'?",
               NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1;\n params = {\n tau = -1.0; }; }; };\n", 5,
               "parameter 'tau' = -1 of model rate is out of range [1e-09, "
               "1e+12]", NULL);
  /* above the maximum, not only below the minimum */
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1;\n params = {\n tau = 2e12; }; }; };\n", 5,
               "parameter 'tau' = 2e+12 of model rate is out of range [1e-09, "
               "1e+12]", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1;\n params = { tau = \"slow\"; }; }; };\n", 4,
               "'tau' must be a number, not a string", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1;\n params = { transfer = \"softplu\"; }; }; };\n", 4,
               "unknown transfer 'softplu' for model rate; did you mean "
               "'softplus'? (one of: linear, tanh", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1;\n params = { transfer = 2; }; }; };\n", 4,
               "parameter 'transfer' of model rate must be a name, not an "
               "integer", NULL);
  expect_fail ("duration = 1.0;\npopulations = {\n a = { model = \"rate\"; "
               "size = 1;\n params = 2.0; }; };\n", 4,
               "'params' must be a group", NULL);
}
END_TEST

START_TEST (test_projections)
{
  write_file ("w.h5", "not really HDF5");
  expect_fail (BASE "projections = { };\nprojections2 = 1;\n", 7,
               "unknown key 'projections2'", NULL);
  expect_fail (BASE "projections = { a = 1; };\n", 6,
               "'projections' must be a list", NULL);
  expect_fail (BASE "projections = ( 1 );\n", 6,
               "projection 0 must be a group", NULL);
  expect_fail (BASE "projections = ( {\n to = \"hidden\"; } );\n", 6,
               "missing 'from' in projection 0", NULL);
  expect_fail (BASE "projections = ( {\n from = \"inptu.r\"; to = \"hidden\"; "
               "} );\n", 7, "unknown population 'inptu'; did you mean "
               "'input'? (one of: input, hidden)", NULL);
  expect_fail (BASE "projections = ( {\n from = \"input.rr\"; to = "
               "\"hidden\"; } );\n", 7, "unknown output port 'rr' of model "
               "input; did you mean 'r'? (one of: r)", NULL);
  expect_fail (BASE "projections = ( { from = \"input\";\n to = "
               "\"hidden.inn\"; } );\n", 7, "unknown input port 'inn' of "
               "model rate; did you mean 'in'?", NULL);
  expect_fail (BASE "projections = ( { from = \"hidden\";\n to = \"input\"; "
               "} );\n", 7, "input port 'in' of population 'input' (model "
               "input) takes stimuli only, not projections", NULL);
  expect_fail (BASE "projections = ( { from = \"hidden\"; to = \"hidden\"; "
               "gain = \"x\"; } );\n", 6, "'gain' must be a number", NULL);
  expect_fail (BASE "projections = ( { name = \"w\"; from = \"input\"; to = "
               "\"hidden\"; },\n { name = \"w\"; from = \"hidden\"; to = "
               "\"hidden\"; } );\n", 7, "duplicate projection name 'w' (also "
               "at ", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\"; },"
               "\n { from = \"input\"; to = \"hidden\"; } );\n", 7,
               "duplicate projection name 'input.r->hidden.in'", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\"; "
               "init = 1.0; } );\n", 6, "'init' must be a group", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"gauss\"; }; } );\n", 7, "unknown dist "
               "'gauss' (one of: constant, uniform, normal)", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { std = 1.0; }; } );\n", 7, "missing 'dist' in init",
               NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"constant\"; }; } );\n", 7,
               "missing 'value' in init (dist constant)", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"constant\"; value = 1.0; scale = 2.0; }; } "
               ");\n", 7, "unknown key 'scale' in init (dist constant)", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"uniform\"; low = 1.0; high = 1.0; }; } );\n",
               7, "uniform init needs low < high", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"normal\";\n std = -1.0; }; } );\n", 8,
               "'std' must be >= 0", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"normal\";\n mean = 1.0; low = 0.0; }; } "
               ");\n",
               8, "unknown key 'low' in init (dist normal)", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"normal\";\n scale = \"1/sqrt(fanin)\"; }; } "
               ");\n", 8, "unknown scale '1/sqrt(fanin)'; did you mean "
               "'1/sqrt(fan_in)'?", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { dist = \"normal\"; file = \"w.csv\"; }; } );\n", 7,
               "init takes one of 'dist', 'file', 'transpose' or 'copy'", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = {\n file = \"nope.csv\"; }; } );\n", 8,
               "cannot read weight file '", "/nope.csv': No such file or "
               "directory", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = {\n file = \"w.txt\"; }; } );\n", 8,
               "weight file 'w.txt' must end in .csv, .h5 or .hdf5", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { file = \"w.h5\"; }; } );\n", 7,
               "missing 'dataset' in init", NULL);
  write_file ("w.csv", "1,2\n");
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "init = { file = \"w.csv\";\n dataset = \"W\"; }; } );\n", 8,
               "'dataset' is only for HDF5 files", NULL);
  expect_fail (BASE "projections = ( { name = \"a\"; from = \"input\"; to = "
               "\"hidden\"; },\n { from = \"hidden\"; to = \"hidden\";\n "
               "init = { transpose = \"b\"; }; } );\n", 8,
               "unknown projection "
               "'b'; did you mean 'a'?", NULL);
  expect_fail (BASE "projections = ( { from = \"hidden\"; to = \"hidden\";\n "
               "init = { transpose = \"b\"; }; },\n { name = \"b\"; from = "
               "\"input\"; to = \"hidden\"; } );\n", 7, "transpose must name "
               "an earlier projection; 'b' comes later", NULL);
  expect_fail (BASE "projections = ( { name = \"a\"; from = \"input\"; to = "
               "\"hidden\"; },\n { from = \"hidden\"; to = \"hidden\";\n "
               "init = { transpose = \"a\"; }; } );\n", 8, "transpose of 'a' "
               "(input -> hidden, 2 x 3) needs a projection hidden -> input, "
               "not hidden -> hidden (2 x 2)", NULL);
  /* plasticity: the bounds must leave room, the window must lie in t >= 0 */
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "plasticity = { rule = \"oja\"; eta = 0.1;\n w_min = 0.5; "
               "w_max = 0.5; }; } );\n", 7, "'w_min' (0.5) must be below "
               "'w_max' (0.5)", NULL);
  expect_fail (BASE "projections = ( { from = \"input\"; to = \"hidden\";\n "
               "plasticity = { rule = \"oja\"; eta = 0.1;\n start = -1.0; "
               "stop = 10.0; }; } );\n", 7, "learning window [start, stop) = "
               "[-1, 10) is empty or negative", NULL);
}
END_TEST

START_TEST (test_stimuli)
{
  expect_fail (BASE "stimuli = ( { to = \"input\"; value = 1.0; } );\n", 6,
               "missing 'kind' in stimulus 0", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"sinus\"; } );\n",
               6, "unknown kind 'sinus'; did you mean 'sine'? (one of: "
               "constant, sine, steps, table, dataset)", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"constant\";\n "
               "value = 1.0; period = 3.0; } );\n", 7, "unknown key 'period' "
               "in stimulus 0 (kind constant)", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"constant\";\n "
               "valeu = 1.0; } );\n", 7, "unknown key 'valeu' in stimulus 0; "
               "did you mean 'value'?", NULL);
  expect_fail (BASE "stimuli = ( { to = \"inpt\"; kind = \"constant\"; value "
               "= 1.0; } );\n", 6, "unknown population 'inpt'; did you mean "
               "'input'?", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"constant\";\n "
               "value = [1.0, 2.0]; } );\n", 7, "'value' has 2 values, "
               "expected 3 (one per unit)", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"constant\";\n "
               "value = [1.0, \"a\", 2.0]; } );\n", 7, "mismatched element "
               "type in array", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"constant\";\n "
               "value = ( 1.0, \"a\", 2.0 ); } );\n", 7, "'value[1]' must be "
               "a number, not a string", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"constant\"; "
               "value = 1.0;\n start = 5.0; stop = 5.0; } );\n", 7,
               "stimulus needs start < stop", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"sine\"; "
               "amplitude = 1.0;\n period = 0.0; } );\n", 7,
               "'period' must be > 0", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"sine\"; "
               "period = 1.0; } );\n", 6, "missing 'amplitude' in stimulus 0 "
               "(kind sine)", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"steps\";\n times "
               "= [0.0, 50.0, 20.0]; values = [1.0, 2.0, 3.0]; } );\n", 7,
               "'times' must be strictly increasing, but times[2] = 20 "
               "follows 50",
               NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"steps\"; times "
               "= [0.0, 50.0];\n values = [1.0, 2.0, 3.0]; } );\n", 7,
               "'values' has 3 entries, expected one per time (2)", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"steps\"; times "
               "= [0.0, 50.0];\n values = ( [1.0, 2.0, 3.0], [1.0] ); } );\n",
               7, "'values[1]' has 1 values, expected 3", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\";\n file "
               "= \"absent.csv\"; } );\n", 7,
               "absent.csv: cannot open: No such "
               "file or directory", NULL);
  write_file ("t.csv", "0, 1, 2, 3\n10, 1, 2\n");
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\";\n file "
               "= \"t.csv\"; } );\n", 7, "t.csv:2: 3 values, expected 4 as on "
               "line 1", NULL);
  write_file ("t.csv", "0, 1, 2\n10, 1, 2\n");
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\";\n file "
               "= \"t.csv\"; } );\n", 7, "has 3 columns, expected 4 (time, "
               "then one per unit of 'input')", NULL);
  write_file ("t.csv", "0, 1, 2, 3\n0, 1, 2, 3\n");
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\";\n file "
               "= \"t.csv\"; } );\n", 7, "times must be strictly increasing, "
               "but row 1 has t = 0 after 0", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\"; file = "
               "\"t.csv\";\n interpolate = \"cubic\"; } );\n", 7, "unknown "
               "interpolate 'cubic' (one of: previous, linear)", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\"; file = "
               "\"t.csv\";\n dataset = \"x\"; } );\n", 7, "'dataset' is only "
               "for HDF5 files", NULL);
  {
    double x[6] = { 1, 2, 3, 4, 5, 6 }, t[3] = { 0, 1, 2 };
    hsize_t dx[2] = { 2, 3 }, dt[1] = { 3 };
    h5_put ("s.h5", 1, "x", 2, dx, x);
    h5_put ("s.h5", 0, "t", 1, dt, t);
  }
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\"; file = "
               "\"s.h5\"; dataset = \"x\"; } );\n", 6, "missing "
               "'times_dataset' in stimulus 0 (kind table)", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\";\n file = "
               "\"s.h5\"; dataset = \"x\"; times_dataset = \"t\"; } );\n", 7,
               "times dataset 't' is 3 x 1, expected 2 times", NULL);
  expect_fail (BASE "stimuli = ( { to = \"input\"; kind = \"table\";\n file = "
               "\"s.h5\"; dataset = \"y\"; times_dataset = \"t\"; } );\n", 7,
               "s.h5: no dataset 'y'", NULL);
}
END_TEST

START_TEST (test_records)
{
  expect_fail (BASE "record = ( {\n what = \"hidden\"; } );\n", 7,
               "'what' must be 'population.variable', not 'hidden'", NULL);
  expect_fail (BASE "record = ( {\n what = \"hiden.u\"; } );\n", 7,
               "unknown population 'hiden'; did you mean 'hidden'?", NULL);
  expect_fail (BASE "record = ( {\n what = \"hidden.v\"; } );\n", 7,
               "unknown variable or port 'v' of model rate; did you mean "
               "'u'? (one of: u, r, in)", NULL);
  expect_fail (BASE "record = ( { what = \"hidden.u\";\n units = [0, 9]; } "
               ");\n",
               7, "unit 9 is out of range [0, 2)", NULL);
  expect_fail (BASE "record = ( { what = \"hidden.u\";\n units = [1, 0]; } "
               ");\n",
               7, "'units' must be strictly increasing, but 0 follows "
               "1", NULL);
  expect_fail (BASE "record = ( { what = \"hidden.u\";\n units = \"some\"; } "
               ");\n", 7, "'units' must be \"all\" or an array of unit "
               "indices, not a string 'some'", NULL);
  expect_fail (BASE "record = ( { what = \"hidden.u\";\n units = []; } );\n",
               7, "'units' is empty", NULL);
  expect_fail (BASE "record = ( { what = \"hidden.u\";\n every = -1.0; } );\n",
               7, "'every' must be >= 0", NULL);
  expect_fail (BASE "record = ( { what = \"hidden.u\";\n dtype = \"float16\"; "
               "} );\n", 7, "unknown dtype 'float16'", NULL);
  expect_fail (BASE "record = ( {\n what = \"hidden.u\"; start = 200.0; } "
               ");\n",
               7, "record window [200, 100] is empty", NULL);
  expect_fail (BASE "record = ( { what = \"hidden.u\";\n evry = 1.0; } );\n",
               7, "unknown key 'evry' in record 0; did you mean 'every'?",
               NULL);
}
END_TEST

START_TEST (test_solver)
{
  expect_fail (BASE "solver = {\n method = \"bfd\"; };\n", 7, "unknown method "
               "'bfd'; did you mean 'bdf'? (one of: bdf, adams)", NULL);
  expect_fail (BASE "solver = {\n linear = \"klu\"; };\n", 7,
               "unknown linear 'klu' (one of: auto, dense, spgmr)", NULL);
  expect_fail (BASE "solver = {\n rtol = 1.0; };\n", 7,
               "'rtol' must be > 0 and < 1, not 1", NULL);
  expect_fail (BASE "solver = {\n atol = 0; };\n", 7, "'atol' must be > 0",
               NULL);
  expect_fail (BASE "solver = { atol_var = {\n uu = 1e-6; }; };\n", 7,
               "unknown state variable 'uu' in atol_var; did you mean 'u'?",
               NULL);
  expect_fail (BASE "solver = { atol_var = {\n u = -1e-6; }; };\n", 7,
               "atol_var 'u' must be > 0", NULL);
  expect_fail (BASE "solver = { atol_var = 1.0; };\n", 6,
               "'atol_var' must be a group", NULL);
  expect_fail (BASE "solver = {\n max_step = -1.0; };\n", 7,
               "'max_step' must be >= 0", NULL);
  expect_fail (BASE "solver = {\n max_steps = \"many\"; };\n", 7,
               "'max_steps' must be an integer, not a string", NULL);
  expect_fail (BASE "solver = {\n krylov_dim = -1; };\n", 7,
               "'krylov_dim' must be in 0..10000", NULL);
  expect_fail (BASE "solver = {\n dense_max = -1; };\n", 7,
               "'dense_max' must be >= 0", NULL);
  expect_fail (BASE "solver = {\n rtoll = 1e-3; };\n", 7,
               "unknown key 'rtoll' in solver; did you mean 'rtol'?", NULL);
  expect_fail (BASE "solver = ( 1 );\n", 6, "solver must be a group", NULL);
}
END_TEST

static Suite *
spec_bad_suite (void)
{
  Suite *s = suite_create ("spec_bad");
  TCase *tc = tcase_create ("bad");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_add_test (tc, test_syntax_and_files);
  tcase_add_test (tc, test_top_level);
  tcase_add_test (tc, test_populations);
  tcase_add_test (tc, test_projections);
  tcase_add_test (tc, test_stimuli);
  tcase_add_test (tc, test_records);
  tcase_add_test (tc, test_solver);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (spec_bad_suite ());
}
