/* tests/check_plasticity.c -- a rule's hard bounds (w_min, w_max) and its
 * learning window (start, stop) against closed forms.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The circuit: a 4-unit input x clamped to the rates r, one pyramidal
 * cell y with g_lk = g_B = 0, g_A = 1, a linear transfer function and its
 * apical dendrite clamped to its initial potential u0 = U, so that
 * u = U for all t, and its basal prediction basal_hat = g_B/(g_lk + g_B +
 * g_A) v_B = 0 whatever the weights.  The plastic projection W: x.r ->
 * y.basal under the dendritic-prediction rule, e = phi(u) - phi(basal_hat)
 * = U, has the constant drift
 *
 *   k_j = eta U r_j,
 *
 * and, with the learning window [a, b) and b(t) = min(max(t, a), b):
 *
 *   tau_w = 0:  W(t) = W(0) + k (b(t) - a)
 *   tau_w > 0:  D(t) = U r^T (1 - e^{-t/tau_w}) (D(0) = 0, never gated),
 *               W(t) = W(0) + k [(b(t) - a) - tau_w (e^{-a/tau_w}
 *                                                   - e^{-b(t)/tau_w})]
 *
 * until W reaches the bound its drift points to, where it stays.  A weight
 * beyond a bound with its drift pointing back inward moves; pointing
 * outward, it stays where it is.  Weights are read from the snapshots
 * /weights/W/data [snapshot x 1 x 4] at /weights/W/times.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "testutil.h"

#define NW 4
static const double ETA = 0.5, U = 0.5;
static const double R[NW] = { 1.0, 0.5, -2.0, -1.0 }; /* presynaptic rates */

/* k = eta U r = (0.25, 0.125, -0.5, -0.25) per ms */
static double
drift (size_t j)
{
  return ETA * U * R[j];
}

/* The settings of one run: initial weights, filter, bounds, window. */
typedef struct plast
{
  double w0[NW];
  double tau_w, w_min, w_max, start, stop;
  double duration, every;
  /* switch a stimulus 0.25 ms before and after each window edge: the
   * engine restarts there, as at the sample switches of a data set */
  int near_edges;
} plast;

/* sum of the gate over [0, t] weighted by the filter's rise */
static double
induction (const plast *p, double t)
{
  double a = p->start, b = fmin (fmax (t, p->start), p->stop);
  if (p->tau_w == 0)
    return b - a;
  return (b - a) - p->tau_w * (exp (-a / p->tau_w) - exp (-b / p->tau_w));
}

/* The closed-form W_j(t) */
static double
closed_form (const plast *p, size_t j, double t)
{
  double k = drift (j), w0 = p->w0[j];
  double w = w0 + k * induction (p, t);
  if (k > 0)
    return w0 >= p->w_max ? w0 : fmin (w, p->w_max);
  return w0 <= p->w_min ? w0 : fmax (w, p->w_min);
}

/* A number for the config: libconfig has no infinity, and
 * reads 1 (not 1.0 or 1e+00) as an integer. */
static void
opt_num (char *buf, size_t len, const char *key, double v)
{
  if (isfinite (v))
    snprintf (buf, len, "%s = %.17e; ", key, v);
  else
    buf[0] = 0;
}

/* Runs p's circuit into tmpdir/name and returns its snapshots (*n of them,
 * 1 x NW each), after checking they sit at k * every. */
static double *
run_snapshots (const plast *p, const char *name, size_t *n)
{
  char cfg[4096], keys[5][64], path[512], csv[512], edges[512] = "";
  size_t rows, cols;
  hsize_t dims[3];
  double *w, *times;
  hid_t f;
  run r;
  snprintf (csv, sizeof csv, "%s/%s.csv", tmpdir, name);
  write_csv (csv, p->w0, 1, NW);
  opt_num (keys[0], 64, "tau_w", p->tau_w);
  opt_num (keys[1], 64, "w_min", p->w_min);
  opt_num (keys[2], 64, "w_max", p->w_max);
  opt_num (keys[3], 64, "start", p->start);
  opt_num (keys[4], 64, "stop", p->stop);
  /* the nudge does nothing without a gate: only the restarts count */
  if (p->near_edges)
    snprintf (edges, sizeof edges,
              ",\n  { to = \"y.nudge\"; kind = \"steps\"; times = [0.0, "
              "%.17e, %.17e, %.17e, %.17e]; values = [0.0, 1.0, 2.0, 3.0, "
              "4.0]; }",
              p->start - 0.25, p->start + 0.25, p->stop - 0.25,
              p->stop + 0.25);
  snprintf (cfg, sizeof cfg,
            "duration = %.17e;\n"
            "populations = { x = { model = \"input\"; size = 4; };\n"
            "  y = { model = \"pyramidal\"; size = 1; params = { g_lk = 0.0; "
            "g_B = 0.0; g_A = 1.0;\n"
            "    transfer = \"linear\"; gain = 1.0; threshold = 0.0; "
            "scale = 1.0; u0 = %.17e; }; }; };\n"
            "projections = ( { name = \"W\"; from = \"x.r\"; to = "
            "\"y.basal\";\n"
            "  init = { file = \"%s\"; };\n"
            "  plasticity = { rule = \"dendritic_prediction\"; eta = %.17e; "
            "%s%s%s%s%s}; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [%.17e, "
            "%.17e, %.17e, %.17e]; },\n"
            "  { to = \"y.apical\"; kind = \"constant\"; value = %.17e; }%s "
            ");\n"
            "weights = { every = %.17e; };\n"
            "solver = { rtol = 1e-10; atol = 1e-12; };\n",
            p->duration, U, csv, ETA, keys[0], keys[1], keys[2], keys[3],
            keys[4], R[0], R[1], R[2], R[3], U, edges, p->every);
  path_in_tmp (path, sizeof path, name);
  r = run_text (cfg, path, NULL, 0);
  run_free (&r);
  f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert (f >= 0);
  ck_assert (H5LTget_dataset_info (f, "/weights/W/data", dims, NULL, NULL)
             >= 0);
  ck_assert (dims[1] == 1 && dims[2] == NW);
  *n = dims[0];
  ck_assert_uint_eq (*n, (size_t) floor (p->duration / p->every) + 1);
  w = malloc (*n * NW * sizeof *w);
  ck_assert (w && H5LTread_dataset_double (f, "/weights/W/data", w) >= 0);
  H5Fclose (f);
  times = read_2d (path, "/weights/W/times", &rows, &cols);
  ck_assert_uint_eq (rows, *n);
  for (size_t s = 0; s < *n; s++)
    ck_assert (times[s] == (double) s * p->every);
  free (times);
  return w;
}

/* Every snapshot of p's run against the closed form, within tol. */
static void
expect_closed_form (const plast *p, const char *name, double tol)
{
  size_t n;
  double *w = run_snapshots (p, name, &n), worst = 0;
  for (size_t s = 0; s < n; s++)
    for (size_t j = 0; j < NW; j++)
      {
        double t = (double) s * p->every, want = closed_form (p, j, t);
        double got = w[s * NW + j];
        ck_assert_msg (fabs (got - want) <= tol,
                       "%s: W[%zu](%g ms) = %.15g, closed form %.15g", name,
                       j, t, got, want);
        worst = fmax (worst, fabs (got - want));
      }
  fprintf (stderr, "%s: %zu snapshots, max |W - closed form| = %.3g\n",
           name, n, worst);
  free (w);
}

/* ---- bounds --------------------------------------------------------------- */

/* From W = 0 every weight drifts linearly to the bound it points to:
 * w_max = 1.6 at t = 6.4 and 12.8 ms, w_min = -2.2 at t = 4.4 and 8.8. */
static const plast inside = { .w0 = { 0, 0, 0, 0 }, .w_min = -2.2,
                              .w_max = 1.6, .stop = INFINITY,
                              .duration = 20.0, .every = 0.5 };

/* Beyond the bounds: W0 = -3 < w_min drifts up across the whole range to
 * w_max (t = 18.4); W2 = 2.5 > w_max drifts down to w_min (t = 9.4);
 * W1 = 2 > w_max and W3 = -2.5 < w_min drift outwards: held. */
static const plast beyond = { .w0 = { -3.0, 2.0, 2.5, -2.5 },
                              .w_min = -2.2, .w_max = 1.6, .stop = INFINITY,
                              .duration = 20.0, .every = 0.5 };

START_TEST (test_bounds_linear)
{
  expect_closed_form (&inside, "inside.h5", 1e-7);
}
END_TEST

START_TEST (test_bounds_from_beyond)
{
  expect_closed_form (&beyond, "beyond.h5", 1e-7);
}
END_TEST

/* The same with SAC18's filter, tau_w = 30 ms, for 60 ms */
START_TEST (test_bounds_filtered)
{
  plast a = inside, b = beyond;
  a.tau_w = b.tau_w = 30.0;
  a.duration = b.duration = 60.0;
  expect_closed_form (&a, "inside_tau.h5", 1e-7);
  expect_closed_form (&b, "beyond_tau.h5", 1e-7);
}
END_TEST

/* Weights exactly on the bound their drift points to: held there, to
 * the last bit, however long the drift pushes. */
START_TEST (test_bounds_held_exactly)
{
  plast p = { .w0 = { 1.6, 1.6, -2.2, -2.2 }, .w_min = -2.2, .w_max = 1.6,
              .stop = INFINITY, .duration = 20.0, .every = 5.0 };
  size_t n;
  double *w = run_snapshots (&p, "held.h5", &n);
  for (size_t s = 0; s < n; s++)
    ck_assert_msg (memcmp (w + NW * s, p.w0, sizeof p.w0) == 0,
                   "a weight left its bound at %g ms",
                   (double) s * p.every);
  free (w);
}
END_TEST

/* ---- the learning window --------------------------------------------------- */

/* No bounds, window [20, 60): constant before 20, the closed-form rate
 * inside, constant after 60; snapshots every 0.5 ms around both edges. */
static const plast window = { .w0 = { 0.1, -0.2, 0.3, 0.0 },
                              .w_min = -INFINITY, .w_max = INFINITY,
                              .start = 20.0, .stop = 60.0, .duration = 100.0,
                              .every = 0.5 };

START_TEST (test_window)
{
  expect_closed_form (&window, "window.h5", 1e-7);
}
END_TEST

START_TEST (test_window_filtered)
{
  plast p = window;
  p.tau_w = 30.0;
  expect_closed_form (&p, "window_tau.h5", 1e-7);
}
END_TEST

/* The window is [start, stop) at every time, not only between the engine's
 * restarts: with segments [start - 0.25, start], [start, start + 0.25],
 * [stop - 0.25, stop] and [stop, stop + 0.25], an edge off by a fraction of
 * a millisecond changes W. */
START_TEST (test_window_between_restarts)
{
  plast p = window;
  p.near_edges = 1;
  expect_closed_form (&p, "window_near.h5", 1e-7);
  p.tau_w = 30.0;
  expect_closed_form (&p, "window_near_tau.h5", 1e-7);
}
END_TEST

/* The edges themselves: W(start) = W(0) and W(t) = W(stop) after stop,
 * bit for bit (the gate is off there: nothing is added). */
START_TEST (test_window_edges_exact)
{
  size_t n, s_start = 40, s_stop = 120;
  double *w = run_snapshots (&window, "edges.h5", &n);
  for (size_t s = 0; s <= s_start; s++)
    ck_assert_msg (memcmp (w + NW * s, window.w0, NW * sizeof *w) == 0,
                   "W moved before start, at %g ms", 0.5 * (double) s);
  ck_assert (memcmp (w + NW * (s_start + 1), window.w0, NW * sizeof *w) != 0);
  ck_assert (memcmp (w + NW * (s_stop - 1), w + NW * s_stop, NW * sizeof *w)
             != 0);
  for (size_t s = s_stop; s < n; s++)
    ck_assert_msg (memcmp (w + NW * s, w + NW * s_stop, NW * sizeof *w) == 0,
                   "W moved after stop, at %g ms", 0.5 * (double) s);
  free (w);
}
END_TEST

static Suite *
plasticity_suite (void)
{
  Suite *s = suite_create ("plasticity");
  TCase *tc = tcase_create ("plasticity");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_bounds_linear);
  tcase_add_test (tc, test_bounds_from_beyond);
  tcase_add_test (tc, test_bounds_filtered);
  tcase_add_test (tc, test_bounds_held_exactly);
  tcase_add_test (tc, test_window);
  tcase_add_test (tc, test_window_filtered);
  tcase_add_test (tc, test_window_between_restarts);
  tcase_add_test (tc, test_window_edges_exact);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (plasticity_suite ());
}
