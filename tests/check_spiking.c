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

/* Runs cfg (with the overrides sets) into tmp/name, whose path goes to out,
 * and reads population pop's spikes: their count, times and units (NULL:
 * not wanted). */
static size_t
run_spikes (const char *cfg, const char *name, const char **sets, size_t n,
            const char *pop, char *out, size_t len, double **t, double **id)
{
  char ds[128];
  size_t rows, cols;
  path_in_tmp (out, len, name);
  run r = run_text (cfg, out, sets, n);
  run_free (&r);
  snprintf (ds, sizeof ds, "/spikes/%s/timestamps", pop);
  *t = read_2d (out, ds, &rows, &cols);
  if (id)
    {
      snprintf (ds, sizeof ds, "/spikes/%s/node_ids", pop);
      *id = read_2d (out, ds, &rows, &cols);
    }
  return rows;
}

/* The time of the first input of weight w onto I_e (column col of the
 * [rows x cols] samples every dt from 0), from the first nonzero sample
 * k: I_e = w exp(-(k dt - t_a)/tau_e) there.  Checks that no sample
 * before the arrival `want` is nonzero. */
static double
first_arrival (const double *Ie, size_t rows, size_t cols, size_t col,
               double w, double tau_e, double dt, double want)
{
  for (size_t k = 0; k < rows; k++)
    {
      double tg = (double) k * dt;
      if (Ie[k * cols + col] != 0.0)
        {
          double ta = tg + tau_e * log (Ie[k * cols + col] / w);
          ck_assert (ta > tg - dt && ta <= tg);
          return ta;
        }
      ck_assert_msg (tg < want, "no arrival by t = %g ms", tg);
    }
  return NAN;
}

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
  size_t n, nv, cv, seen[3] = { 0 };
  double last[3], *t, *id, *v0;
  n = run_spikes (regular_cfg, "regular.h5", NULL, 0, "a", out, sizeof out,
                  &t, &id);
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
    /* credo info lists the spikes */
    char *text = NULL, want[64];
    size_t len = 0;
    FILE *f = open_memstream (&text, &len);
    credo_ctx *ctx = credo_ctx_new ();
    ck_assert_int_eq (credo_file_info (ctx, out, f), 0);
    fclose (f);
    credo_ctx_free (ctx);
    snprintf (want, sizeof want, "%zu spikes from", n);
    ck_assert_msg (strstr (text, "\nspikes\n") && strstr (text, want)
                       && strstr (text, "/spikes/a/{timestamps,node_ids}"),
                   "credo info says:\n%s", text);
    free (text);
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
  size_t n, rows, cols;
  double *t, *Ie, ta;
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
  n = run_spikes (cfg, "delay.h5", sets, 1, "a", out, sizeof out, &t, NULL);
  Ie = read_2d (out, "/report/b/I_e/data", &rows, &cols);
  ck_assert_uint_ge (n, 1);
  ta = first_arrival (Ie, rows, cols, 0, 3.0, 5.0, 0.1, t[0] + delay);
  ck_assert_msg (fabs (ta - (t[0] + delay)) < 1e-12,
                 "delay %g: arrival %.17g, emission + delay %.17g", delay, ta,
                 t[0] + delay);
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

/* An input that lifts a unit across the threshold within its arrival
 * step, in the third step of a window of 7 (d_min = 0.75 ms): b rests 0.01
 * mV below v_th, a spike of weight 10 mV arrives at 3.75 ms, and v - v_rest
 * = w R(s), R(s) = (e^{-s/tau_m} - e^{-s/tau_e})/3 for tau_m = 20, tau_e =
 * 5 ms, reaches 0.01 mV about 0.02 ms later.  Only the margin of that step
 * (the rise its inputs can cause) sends b to the exact path; without it
 * the crossing would be seen a step late. */
START_TEST (test_crossing_in_arrival_step)
{
  static const char cfg[]
      = "duration = 10.0;\n"
        "populations = {\n"
        "  s = { model = \"replay\"; size = 1; spikes = { times = [3.0]; }; };\n"
        "  b = { model = \"lif\"; size = 1; params = { v_rest = -50.01;\n"
        "        v0 = -50.01; v_th = -50.0; tau_m = 20.0; tau_syn_e = 5.0; };\n"
        "  };\n"
        "};\n"
        "projections = ( { from = \"s.spikes\"; to = \"b.exc\"; delay = 0.75;\n"
        "  init = { dist = \"constant\"; value = 10.0; }; } );\n"
        "record = ( { what = \"b.spikes\"; } );\n"
        "solver = { engine = \"event\"; dt = 0.1; };\n";
  char out[300];
  double *t, lo = 0, hi = 0.1;
  size_t n = run_spikes (cfg, "crossing.h5", NULL, 0, "b", out, sizeof out,
                         &t, NULL);
  for (int it = 0; it < 200; it++)
    {
      double m = 0.5 * (lo + hi);
      double v = 10 * (exp (-m / 20) - exp (-m / 5)) / 3;
      if (v < 0.01)
        lo = m;
      else
        hi = m;
    }
  ck_assert_uint_eq (n, 1);
  ck_assert_msg (fabs (t[0] - (3.75 + hi)) < 1e-9,
                 "spike at %.15g ms, closed form %.15g", t[0], 3.75 + hi);
  free (t);
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
  double *t;
  *n = run_spikes (cfg, name, sets, n_sets, "e", out, sizeof out, &t, NULL);
  return t;
}

/* Exact integration makes the spikes independent of the step: with delays
 * that are multiples of both, dt = 0.1 and dt = 0.025 ms give the same
 * spikes to rounding (a bound that missed crossings, or inputs applied at
 * the wrong time, would shift spikes by up to a step). */
START_TEST (test_step_independent)
{
  const char *fine[] = { "solver.dt=0.025" };
  size_t n1, n2;
  double *a = spikes_of (net_cfg, "dt1.h5", NULL, 0, &n1);
  double *b = spikes_of (net_cfg, "dt2.h5", fine, 1, &n2);
  ck_assert_uint_gt (n1, 100);
  ck_assert_uint_eq (n1, n2);
  for (size_t s = 0; s < n1; s++)
    ck_assert_msg (fabs (a[s] - b[s]) < 1e-9, "spike %zu: %.15g vs %.15g ms",
                   s, a[s], b[s]);
  free (a);
  free (b);
}
END_TEST

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

/* ---- blocks: the split does not change a spike ----------------------- */

/* A recurrent network driven by Poisson and replay sources, delays from
 * 0.25 ms (d_min: windows of 5 steps of 0.05 ms) to 0.6 ms, none a
 * multiple of another, and a state record every 1.85 ms (a window ends at
 * each sample). */
static const char block_cfg[]
    = "duration = 300.0;\n"
      "seed = 5;\n"
      "populations = {\n"
      "  x = { model = \"poisson\"; size = 50; params = { rate = 40.0; }; };\n"
      "  r = { model = \"replay\"; size = 3; spikes = {\n"
      "        times = [1.0, 1.0, 2.37, 50.0, 50.01, 120.5];\n"
      "        units = [0, 2, 1, 1, 0, 2]; }; };\n"
      "  e = { model = \"lif\"; size = 160; params = { v_rest = -52.0;\n"
      "        v0 = -60.0; v0_spread = 10.0; }; };\n"
      "  i = { model = \"lif\"; size = 41; params = { v_rest = -52.0;\n"
      "        v0 = -60.0; v0_spread = 10.0; }; };\n"
      "};\n"
      "projections = (\n"
      "  { from = \"x.spikes\"; to = \"e.exc\"; connectivity = \"random\";\n"
      "    probability = 0.2; delay = 0.45;\n"
      "    init = { dist = \"constant\"; value = 2.0; }; },\n"
      "  { from = \"r.spikes\"; to = \"i.exc\"; connectivity = \"random\";\n"
      "    probability = 0.5; delay = 0.6;\n"
      "    init = { dist = \"constant\"; value = 20.0; }; },\n"
      "  { from = \"e.spikes\"; to = \"e.exc\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.3;\n"
      "    init = { dist = \"uniform\"; low = 0.5; high = 2.5; scale = 1.0; }; },\n"
      "  { from = \"e.spikes\"; to = \"i.exc\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.25;\n"
      "    init = { dist = \"constant\"; value = 1.62; }; },\n"
      "  { from = \"i.spikes\"; to = \"e.inh\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.55;\n"
      "    init = { dist = \"constant\"; value = -9.0; }; },\n"
      "  { from = \"i.spikes\"; to = \"i.inh\"; connectivity = \"random\";\n"
      "    probability = 0.1; delay = 0.35;\n"
      "    init = { dist = \"constant\"; value = -9.0; }; }\n"
      ");\n"
      "record = ( { what = \"e.spikes\"; }, { what = \"i.spikes\"; },\n"
      "           { what = \"e.v\"; every = 1.85; } );\n"
      "solver = { engine = \"event\"; dt = 0.05; };\n";

/* Blocks advance through a window of d_min on their own and exchange
 * spikes at its end: 1 (unsplit), 2, 3 and 7 blocks (parts of 160, 41, 50
 * and 3 units that do not divide evenly; with 7 blocks some hold no replay
 * unit) give the same spikes and potentials, bit for bit. */
START_TEST (test_blocks_same_spikes)
{
  static const char *blocks[] = { "solver.blocks=1", "solver.blocks=2",
                                  "solver.blocks=3", "solver.blocks=7" };
  double *t0[2] = { NULL, NULL }, *id0[2] = { NULL, NULL }, *v0 = NULL;
  size_t n0[2] = { 0, 0 }, nv0 = 0;
  for (size_t b = 0; b < 4; b++)
    for (size_t p = 0; p < 2; p++)
      {
        const char *pop = p ? "i" : "e";
        char out[300], name[32];
        double *t, *id;
        size_t n, nv, cv;
        snprintf (name, sizeof name, "blocks%zu.h5", b);
        n = run_spikes (block_cfg, name, &blocks[b], 1, pop, out, sizeof out,
                        &t, &id);
        ck_assert_uint_gt (n, p ? 100 : 500);
        if (b == 0)
          {
            t0[p] = t, id0[p] = id, n0[p] = n;
            if (p == 0)
              v0 = read_2d (out, "/report/e/v/data", &nv0, &cv);
            continue;
          }
        ck_assert_msg (n == n0[p], "%s, population %s: %zu spikes, unsplit "
                       "%zu", blocks[b], pop, n, n0[p]);
        ck_assert (memcmp (t, t0[p], n * sizeof *t) == 0);
        ck_assert (memcmp (id, id0[p], n * sizeof *id) == 0);
        if (p == 0)
          {
            double *v = read_2d (out, "/report/e/v/data", &nv, &cv);
            ck_assert_uint_eq (nv, nv0);
            ck_assert_uint_eq (nv, 163);
            ck_assert (memcmp (v, v0, nv * cv * sizeof *v) == 0);
            free (v);
          }
        free (t);
        free (id);
      }
  for (size_t p = 0; p < 2; p++)
    free (t0[p]), free (id0[p]);
  free (v0);
}
END_TEST

/* ---- spike sources -------------------------------------------------- */

/* The mean and coefficient of variation of the intervals between
 * consecutive spikes of each unit (of 100) that both fall before t_max. */
static void
interval_stats (const double *t, const double *id, size_t n, double t_max,
                double *mean, double *cv)
{
  double last[100], sum = 0, sum2 = 0, sd;
  long m = 0;
  for (size_t i = 0; i < 100; i++)
    last[i] = -1;
  for (size_t s = 0; s < n; s++)
    {
      size_t i = (size_t) id[s];
      ck_assert_uint_lt (i, 100);
      if (t[s] < t_max && last[i] >= 0)
        {
          double d = t[s] - last[i];
          sum += d, sum2 += d * d, m++;
        }
      last[i] = t[s];
    }
  *mean = sum / (double) m;
  sd = sqrt (sum2 / (double) m - *mean * *mean);
  *cv = sd / *mean;
}

static const char poisson_cfg[]
    = "duration = 10000.0;\n"
      "seed = 11;\n"
      "populations = { p = { model = \"poisson\"; size = 100;\n"
      "                      params = { rate = 20.0; }; }; };\n"
      "record = ( { what = \"p.spikes\"; } );\n"
      "solver = { engine = \"event\"; dt = 0.1; };\n";

/* Counts and intervals of a homogeneous Poisson process: 100 units x 20 Hz
 * x 10 s = 20000 spikes (sd 141); intervals exponential, mean 50 ms (sd of
 * the mean 0.35; the window shortens the mean by about 0.25), CV 1. */
START_TEST (test_poisson_statistics)
{
  char out[300];
  size_t n;
  double *t, *id, mean, cv;
  n = run_spikes (poisson_cfg, "poisson.h5", NULL, 0, "p", out, sizeof out,
                  &t, &id);
  ck_assert_msg (fabs ((double) n - 20000) < 5 * sqrt (20000.0), "%zu spikes",
                 n);
  for (size_t s = 0; s < n; s++)
    {
      ck_assert (s == 0 || t[s] >= t[s - 1]);
      ck_assert (t[s] >= 0 && t[s] < 10000);
    }
  interval_stats (t, id, n, INFINITY, &mean, &cv);
  ck_assert_msg (fabs (mean - 50) < 1.5, "mean interval %g ms", mean);
  ck_assert_msg (fabs (cv - 1) < 0.03, "CV %g", cv);
  free (t);
  free (id);
}
END_TEST

/* Unit i's stream derives from the seed, the population and i only: the
 * first 10 units fire the same spikes in a population of 10 or of 100. */
START_TEST (test_poisson_per_unit_streams)
{
  const char *small[] = { "populations.p.size=10" };
  char out[300];
  size_t k = 0;
  double *ta, *ia, *tb, *ib;
  size_t na = run_spikes (poisson_cfg, "p100.h5", NULL, 0, "p", out,
                          sizeof out, &ta, &ia);
  size_t nb = run_spikes (poisson_cfg, "p10.h5", small, 1, "p", out,
                          sizeof out, &tb, &ib);
  ck_assert_uint_gt (nb, 100);
  for (size_t s = 0; s < na; s++)
    if (ia[s] < 10)
      {
        ck_assert_uint_lt (k, nb);
        ck_assert (ta[s] == tb[k] && ia[s] == ib[k]);
        k++;
      }
  ck_assert_uint_eq (k, nb);
  {
    /* recording units 0-9 of the 100 keeps exactly those spikes */
    const char *sub10[] = { "record=({what=\"p.spikes\"; "
                            "units=[0,1,2,3,4,5,6,7,8,9];})" };
    double *tc, *ic;
    size_t nc = run_spikes (poisson_cfg, "p100u.h5", sub10, 1, "p", out,
                            sizeof out, &tc, &ic);
    ck_assert_uint_eq (nc, nb);
    ck_assert (memcmp (tc, tb, nb * sizeof *tc) == 0);
    ck_assert (memcmp (ic, ib, nb * sizeof *ic) == 0);
    free (tc);
    free (ic);
  }
  free (ta);
  free (ia);
  free (tb);
  free (ib);
}
END_TEST

/* ---- a Poisson source whose rate follows a stimulus ------------------ */

static const char rate_cfg[]
    = "duration = 10000.0;\n"
      "seed = 3;\n"
      "populations = { p = { model = \"poisson\"; size = 200;\n"
      "                      params = { rate = 0.0; }; }; };\n"
      "stimuli = ( { to = \"p.rate\"; kind = \"sine\"; offset = 20.0;\n"
      "              amplitude = 15.0; period = 100.0; } );\n"
      "record = ( { what = \"p.spikes\"; } );\n"
      "solver = { engine = \"event\"; dt = 0.1; };\n";

/* The integrated rate of rate_cfg, in expected spikes of one unit by t. */
static double
sine_integral (double t)
{
  return (20 * t + 15 * 100 / (2 * M_PI) * (1 - cos (2 * M_PI * t / 100)))
         / 1000;
}

static int
cmp_dbl (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* rate 20 + 15 sin(2 pi t / 100 ms) Hz: the count against the integral of
 * the rate (200 units x 10 s x 20 Hz = 40 000, sd 200), the counts per
 * tenth of the period against its integral over it, and time rescaling
 * (Brown et al. 2002): the intervals of the integrated rate between a
 * unit's spikes are Exp(1), mean 1 and a Kolmogorov-Smirnov distance below
 * 1.95/sqrt(m) (the 0.1 % level).  A rate taken at the wrong time, a
 * thinning without the bound, or times on a grid break one of these. */
START_TEST (test_poisson_rate_stimulus)
{
  char out[300];
  size_t n, bins[10] = { 0 }, m = 0;
  double *t, *id, last[200], *x, mean = 0, ks = 0;
  n = run_spikes (rate_cfg, "rate.h5", NULL, 0, "p", out, sizeof out, &t,
                  &id);
  ck_assert_msg (fabs ((double) n - 40000) < 5 * 200, "%zu spikes", n);
  x = calloc (n, sizeof *x);
  for (size_t i = 0; i < 200; i++)
    last[i] = -1;
  for (size_t s = 0; s < n; s++)
    {
      size_t i = (size_t) id[s];
      bins[(size_t) (fmod (t[s], 100.0) / 10)]++;
      if (last[i] >= 0)
        x[m++] = sine_integral (t[s]) - sine_integral (last[i]);
      last[i] = t[s];
    }
  for (size_t b = 0; b < 10; b++)
    {
      double want = 200 * 100 * (sine_integral (10.0 * (double) (b + 1))
                                 - sine_integral (10.0 * (double) b));
      ck_assert_msg (fabs ((double) bins[b] - want) < 5 * sqrt (want),
                     "phase bin %zu: %zu spikes, expected %g", b, bins[b],
                     want);
    }
  qsort (x, m, sizeof *x, cmp_dbl);
  for (size_t k = 0; k < m; k++)
    {
      double F = 1 - exp (-x[k]);
      mean += x[k] / (double) m;
      ks = fmax (ks, fmax (fabs (F - (double) k / (double) m),
                           fabs (F - (double) (k + 1) / (double) m)));
    }
  ck_assert_msg (fabs (mean - 1) < 5 / sqrt ((double) m), "mean %g", mean);
  ck_assert_msg (ks < 1.95 / sqrt ((double) m), "KS distance %g (m = %zu)",
                 ks, m);
  free (x);
  free (t);
  free (id);
}
END_TEST

/* A step rate (a table held between rows) on top of the rate parameter:
 * 10 + 40 Hz on [0, 2) s, 10 - 20 (clipped: 0) on [2, 4) s, 10 after; per
 * piece the count of 100 units against the integral, and in the first
 * piece the intervals exponential (mean 20 ms, CV 1). */
START_TEST (test_poisson_rate_steps)
{
  static const char *sets[]
      = { "stimuli=({to=\"p.rate\"; kind=\"steps\"; times=[0.0, 2000.0, "
          "4000.0]; values=[40.0, -20.0, 0.0];})",
          "populations.p.params.rate=10.0", "populations.p.size=100",
          "duration=6000.0" };
  char out[300];
  size_t n, cnt[3] = { 0 };
  double *t, *id, mean, cv, want[3] = { 10000, 0, 2000 };
  n = run_spikes (rate_cfg, "steps.h5", sets, 4, "p", out, sizeof out, &t,
                  &id);
  for (size_t s = 0; s < n; s++)
    cnt[(size_t) (t[s] / 2000)]++;
  for (size_t k = 0; k < 3; k++)
    ck_assert_msg (fabs ((double) cnt[k] - want[k])
                       <= 5 * sqrt (want[k]),
                   "piece %zu: %zu spikes, expected %g", k, cnt[k], want[k]);
  interval_stats (t, id, n, 2000, &mean, &cv);
  ck_assert_msg (fabs (mean - 20) < 0.6, "mean interval %g ms", mean);
  ck_assert_msg (fabs (cv - 1) < 0.04, "CV %g", cv);
  free (t);
  free (id);
}
END_TEST

/* Given times come out exactly as given, and arrive exactly `delay`
 * later (seen on I_e as in check_arrival). */
START_TEST (test_replay_arrays)
{
  static const double times[] = { 0.0, 1.0, 2.55, 2.55, 7.3 };
  static const double units[] = { 1, 0, 0, 1, 1 }; /* ties by unit */
  static const char cfg[]
      = "duration = 20.0;\n"
        "populations = {\n"
        "  s = { model = \"replay\"; size = 2;\n"
        "        spikes = { times = [0.0, 1.0, 2.55, 2.55, 7.3];\n"
        "                   units = [1, 0, 1, 0, 1]; }; };\n"
        "  b = { model = \"lif\"; size = 2; params = { v_th = 100.0; }; };\n"
        "};\n"
        "projections = ( { from = \"s.spikes\"; to = \"b.exc\";\n"
        "  connectivity = \"one_to_one\"; delay = 0.37;\n"
        "  init = { dist = \"constant\"; value = 2.0; }; } );\n"
        "record = ( { what = \"s.spikes\"; },\n"
        "           { what = \"b.I_e\"; every = 0.1; },\n"
        "           { what = \"b.v\"; every = 0.1; } );\n"
        "solver = { engine = \"event\"; dt = 0.1; };\n";
  char out[300];
  size_t n, rows, cols;
  double *t, *id, *Ie, *v, ta;
  n = run_spikes (cfg, "replay.h5", NULL, 0, "s", out, sizeof out, &t, &id);
  ck_assert_uint_eq (n, 5);
  for (size_t s = 0; s < n; s++)
    ck_assert_msg (fabs (t[s] - times[s]) < 1e-13 && id[s] == units[s],
                   "spike %zu: unit %g at %.17g ms", s, id[s], t[s]);
  /* unit 0's first input: 1.0 + 0.37 ms */
  Ie = read_2d (out, "/report/b/I_e/data", &rows, &cols);
  ta = first_arrival (Ie, rows, cols, 0, 2.0, 5.0, 0.1, 1.37);
  ck_assert_msg (fabs (ta - 1.37) < 1e-12, "arrival %.17g", ta);
  /* and the PSP on v until unit 0's next input (2.92 ms): the textbook
   * form w tau_e / (tau_e - tau_m) (e^{-x/tau_e} - e^{-x/tau_m}) */
  v = read_2d (out, "/report/b/v/data", &rows, &cols);
  for (size_t k = 14; k <= 29; k++)
    {
      double x = (double) k * 0.1 - 1.37;
      double want = -60.0 + 2.0 * 5.0 / (5.0 - 20.0)
                                * (exp (-x / 5.0) - exp (-x / 20.0));
      ck_assert_msg (fabs (v[k * cols] - want) < 1e-12,
                     "v at %g ms: %.17g, closed form %.17g", (double) k * 0.1,
                     v[k * cols], want);
    }
  free (v);
  free (t);
  free (id);
  free (Ie);
  /* tau_syn_e = tau_m: the PSP's degenerate form w x/tau_m e^{-x/tau_m};
   * and tau_syn_e 0.05 % away from it, where the textbook form cancels
   * (evaluated in long double here) */
  for (int pass = 0; pass < 2; pass++)
    {
      const char *same[] = { pass ? "populations.b.params.tau_syn_e=20.01"
                                  : "populations.b.params.tau_syn_e=20.0" };
      run_spikes (cfg, "replay20.h5", same, 1, "s", out, sizeof out, &t,
                  NULL);
      v = read_2d (out, "/report/b/v/data", &rows, &cols);
      for (size_t k = 14; k <= 29; k++)
        {
          long double x = (long double) k * 0.1L - 1.37L, te = 20.01L;
          long double want
              = pass ? -60.0L + 2.0L * te / (te - 20.0L)
                                    * (expl (-x / te) - expl (-x / 20.0L))
                     : -60.0L + 2.0L * x / 20.0L * expl (-x / 20.0L);
          ck_assert_msg (fabsl ((long double) v[k * cols] - want) < 1e-12L,
                         "tau_syn_e %s tau_m: v at %g ms: %.17g, closed "
                         "form %.17Lg", pass ? "~" : "=", (double) k * 0.1,
                         v[k * cols], want);
        }
      free (t);
      free (v);
    }
}
END_TEST

/* Frozen input: the spikes of one run, replayed from its file (HDF5 and a
 * CSV written from it), are the same times. */
START_TEST (test_replay_files)
{
  char first[300], again[300], csv[300], cfg[1024];
  size_t n, n2;
  double *t, *id, *t2, *rows;
  const char *h5set[1], *csvset[1];
  char s1[600], s2[600];
  n = run_spikes (regular_cfg, "first.h5", NULL, 0, "a", first, sizeof first,
                  &t, &id);
  rows = malloc (2 * n * sizeof *rows);
  for (size_t s = 0; s < n; s++)
    rows[2 * s] = id[s], rows[2 * s + 1] = t[s];
  path_in_tmp (csv, sizeof csv, "frozen.csv");
  write_csv (csv, rows, n, 2);
  snprintf (cfg, sizeof cfg,
            "duration = 400.0;\n"
            "populations = { f = { model = \"replay\"; size = 3;\n"
            "  spikes = { file = \"%s\"; population = \"a\"; }; }; };\n"
            "record = ( { what = \"f.spikes\"; } );\n"
            "solver = { engine = \"event\"; dt = 0.1; };\n", first);
  snprintf (s1, sizeof s1, "populations.f.spikes.file=\"%s\"", first);
  h5set[0] = s1;
  snprintf (s2, sizeof s2, "populations.f.spikes.file=\"%s\"", csv);
  csvset[0] = s2;
  for (int pass = 0; pass < 2; pass++)
    {
      if (pass == 0)
        n2 = run_spikes (cfg, "again.h5", h5set, 1, "f", again, sizeof again,
                         &t2, NULL);
      else
        {
          /* a CSV has no populations: drop the key */
          char *cfg2 = strdup (cfg), *at = strstr (cfg2, " population = ");
          memmove (at, strchr (at, ';') + 1, strlen (strchr (at, ';') + 1) + 1);
          n2 = run_spikes (cfg2, "again.h5", csvset, 1, "f", again,
                           sizeof again, &t2, NULL);
          free (cfg2);
        }
      ck_assert_uint_eq (n2, n);
      for (size_t s = 0; s < n; s++)
        ck_assert_msg (fabs (t2[s] - t[s]) < (pass ? 1e-12 : 1e-13),
                       "pass %d spike %zu: %.17g vs %.17g", pass, s, t2[s],
                       t[s]);
      free (t2);
    }
  free (t);
  free (id);
  free (rows);
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
  tcase_add_test (tc, test_crossing_in_arrival_step);
  tcase_add_test (tc, test_same_seed_same_spikes);
  tcase_add_test (tc, test_step_independent);
  tcase_add_test (tc, test_blocks_same_spikes);
  tcase_add_test (tc, test_poisson_statistics);
  tcase_add_test (tc, test_poisson_per_unit_streams);
  tcase_add_test (tc, test_poisson_rate_stimulus);
  tcase_add_test (tc, test_poisson_rate_steps);
  tcase_add_test (tc, test_replay_arrays);
  tcase_add_test (tc, test_replay_files);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (spiking_suite ());
}
