/* tests/check_spiking.c -- the event engine and the lif model against
 * closed forms: spike times under constant input, arrival times after a
 * delay, bit-identical reruns, the SONATA spike layout.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- constant input: the closed form ----------------------------------- */

/* v_inf = v_rest + bias = -45 mV above v_th = -50 mV: regular firing with
 * interval t_ref + tau_m ln((v_inf - v_reset)/(v_inf - v_th)); t_ref 2.03
 * is no multiple of dt, so refractory ends fall between grid points. */
static const char regular_cfg[]
    = "duration = 400.0;\n"
      "populations = { a = { model = \"lif\"; size = 3; params = {\n"
      "  tau_m = 10.0; v_rest = -65.0; bias = 20.0; v_th = -50.0;\n"
      "  v_reset = -70.0; t_ref = 2.03; v0 = -70.0; v0_spread = 15.0; }; };\n"
      "};\n"
      "record = ( { what = \"a.spikes\"; }, { what = \"a.v\"; every = 0.1;\n"
      "             stop = 0.1; } );\n"
      "solver = { engine = \"event\"; dt = 0.1; };\n";

START_TEST (test_lif_closed_form)
{
  const double tau_m = 10, v_inf = -45, v_th = -50, v_reset = -70;
  const double isi = 2.03 + tau_m * log ((v_inf - v_reset) / (v_inf - v_th));
  char out[300];
  size_t n, c, nv, cv, seen[3] = { 0 };
  double last[3], *t, *id, *v0;
  path_in_tmp (out, sizeof out, "regular.h5");
  run r = run_text (regular_cfg, out, NULL, 0);
  run_free (&r);
  t = read_2d (out, "/spikes/a/timestamps", &n, &c);
  id = read_2d (out, "/spikes/a/node_ids", &n, &c);
  v0 = read_2d (out, "/report/a/v/data", &nv, &cv);
  ck_assert_uint_eq (cv, 3);
  for (size_t i = 0; i < 3; i++)
    last[i] = tau_m * log ((v_inf - v0[i]) / (v_inf - v_th)) - isi;
  for (size_t s = 0; s < n; s++)
    {
      size_t i = (size_t) id[s];
      double want = last[i] + isi;
      ck_assert_uint_lt (i, 3);
      ck_assert_msg (fabs (t[s] - want) < 1e-9,
                     "unit %zu spike %zu at %.15g ms, closed form %.15g", i,
                     seen[i], t[s], want);
      ck_assert (s == 0 || t[s] >= t[s - 1]); /* sorted by time */
      last[i] = want;
      seen[i]++;
    }
  for (size_t i = 0; i < 3; i++)
    {
      /* every spike of the run is there: none missing at the end */
      ck_assert_msg (seen[i] > 10 && last[i] + isi > 400.0,
                     "unit %zu: %zu spikes", i, seen[i]);
      ck_assert (h5_attr (out, "/", "t_end") == 400.0);
    }
  {
    char *sorting = h5_string_attr (out, "/spikes/a", "sorting");
    char *units = h5_string_attr (out, "/spikes/a/timestamps", "units");
    ck_assert_str_eq (sorting, "by_time");
    ck_assert_str_eq (units, "ms");
    free (sorting);
    free (units);
  }
  free (t);
  free (id);
  free (v0);
}
END_TEST

/* ---- delays: arrival = emission + delay -------------------------------- */

/* a fires regularly; b (silent, far below threshold) receives each spike
 * `delay` later on I_e, whose value at the grid point after the arrival
 * t_a is w exp(-(t_g - t_a)/tau_syn_e): t_a = t_g + tau ln(I_e / w). */
static void
check_arrival (double delay)
{
  char cfg[2048], out[300], set[64];
  const char *sets[1] = { set };
  size_t n, c, rows, cols;
  double *t, *Ie;
  snprintf (set, sizeof set, "projections.[0].delay=%.17g", delay);
  snprintf (cfg, sizeof cfg,
            "duration = 60.0;\n"
            "populations = {\n"
            "  a = { model = \"lif\"; size = 1; params = { bias = 15.0;\n"
            "        t_ref = 2.0; }; };\n"
            "  b = { model = \"lif\"; size = 1; params = { v_th = 100.0; }; };\n"
            "};\n"
            "projections = ( { from = \"a.spikes\"; to = \"b.exc\";\n"
            "  delay = 1.0; init = { dist = \"constant\"; value = 3.0; }; } );\n"
            "record = ( { what = \"a.spikes\"; },\n"
            "           { what = \"b.I_e\"; every = 0.1; } );\n"
            "solver = { engine = \"event\"; dt = 0.1; };\n");
  path_in_tmp (out, sizeof out, "delay.h5");
  run r = run_text (cfg, out, sets, 1);
  run_free (&r);
  t = read_2d (out, "/spikes/a/timestamps", &n, &c);
  Ie = read_2d (out, "/report/b/I_e/data", &rows, &cols);
  ck_assert_uint_ge (n, 1);
  for (size_t k = 0; k < rows; k++)
    if (Ie[k] != 0.0)
      {
        double tg = (double) k * 0.1;
        double ta = tg + 5.0 * log (Ie[k] / 3.0);
        ck_assert_msg (fabs (ta - (t[0] + delay)) < 1e-12,
                       "delay %g: arrival %.17g, emission + delay %.17g",
                       delay, ta, t[0] + delay);
        ck_assert (ta > tg - 0.1 && ta <= tg);
        break;
      }
    else
      ck_assert_msg ((double) k * 0.1 < t[0] + delay,
                     "no arrival by t = %g ms", (double) k * 0.1);
  free (t);
  free (Ie);
}

START_TEST (test_delay_arrival)
{
  check_arrival (1.0);   /* whole steps */
  check_arrival (1.537); /* steps plus an offset: carries into the next */
  check_arrival (0.1);   /* the minimum delay */
}
END_TEST

/* ---- same seed, same spikes -------------------------------------------- */

/* 300 units in a random recurrent network with excitation and inhibition
 * and a spread of initial potentials: many spikes, many inputs inside the
 * steps of units near threshold. */
static const char net_cfg[]
    = "duration = 200.0;\n"
      "seed = 7;\n"
      "populations = {\n"
      "  e = { model = \"lif\"; size = 240; params = { v_rest = -49.0;\n"
      "        v0 = -60.0; v0_spread = 10.0; }; };\n"
      "  i = { model = \"lif\"; size = 60; params = { v_rest = -49.0;\n"
      "        v0 = -60.0; v0_spread = 10.0; }; };\n"
      "};\n"
      "projections = (\n"
      "  { from = \"e.spikes\"; to = \"e.exc\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.3;\n"
      "    init = { dist = \"constant\"; value = 1.62; }; },\n"
      "  { from = \"e.spikes\"; to = \"i.exc\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.25;\n"
      "    init = { dist = \"uniform\"; low = 0.5; high = 2.0; scale = 1.0; }; },\n"
      "  { from = \"i.spikes\"; to = \"e.inh\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.1;\n"
      "    init = { dist = \"constant\"; value = -9.0; }; },\n"
      "  { from = \"i.spikes\"; to = \"i.inh\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.1;\n"
      "    init = { dist = \"constant\"; value = -9.0; }; }\n"
      ");\n"
      "record = ( { what = \"e.spikes\"; }, { what = \"i.spikes\"; } );\n"
      "solver = { engine = \"event\"; dt = 0.1; };\n";

static double *
spikes_of (const char *cfg, const char *name, const char **sets, size_t n_sets,
           size_t *n)
{
  char out[300];
  size_t c;
  path_in_tmp (out, sizeof out, name);
  run r = run_text (cfg, out, sets, n_sets);
  run_free (&r);
  return read_2d (out, "/spikes/e/timestamps", n, &c);
}

START_TEST (test_same_seed_same_spikes)
{
  const char *other[] = { "seed=8" };
  size_t n1, n2, n3;
  double *a = spikes_of (net_cfg, "seed1.h5", NULL, 0, &n1);
  double *b = spikes_of (net_cfg, "seed2.h5", NULL, 0, &n2);
  double *c = spikes_of (net_cfg, "seed3.h5", other, 1, &n3);
  ck_assert_uint_gt (n1, 100);
  ck_assert_uint_eq (n1, n2);
  ck_assert (memcmp (a, b, n1 * sizeof *a) == 0);
  /* the seed draws the connections: another seed, other spikes */
  ck_assert (n3 != n1 || memcmp (a, c, n1 * sizeof *a) != 0);
  free (a);
  free (b);
  free (c);
}
END_TEST

static Suite *
spiking_suite (void)
{
  Suite *s = suite_create ("spiking");
  TCase *tc = tcase_create ("spiking");
  tcase_add_unchecked_fixture (tc, tmpdir_setup, tmpdir_remove);
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_lif_closed_form);
  tcase_add_test (tc, test_delay_arrival);
  tcase_add_test (tc, test_same_seed_same_spikes);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (spiking_suite ());
}
