/* tests/check_chain_refs.c -- the feed-forward chain's output error and
 * Jacobian (learn/chain.c) and the Gauss-Newton references
 * (ref_gauss_newton.c, ref_gn_nonlinear.c) against hand computations on
 * the 3-3-2 DFC net of dfc_fixture.h, whose output layer has no target
 * port: the error comes from credo__chain_set_delta, as a loss-based
 * protocol sets it.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   - no error until one is set (every error-based reference undefined);
 *     then backprop starts from it; NULL clears it; J by hand.
 *   - Gauss-Newton with damping gamma in {0, 0.3, 2} and with r_pre, by a
 *     hand 2 x 2 solve; J du = delta undamped.
 *   - the nonlinear variant: (phi(u + du) - phi(u)) r^T by hand, phi'(u)
 *     du r^T in the limit of a small delta (cosine > 1 - 1e-6; so with
 *     tanh not the linear reference du r^T, cosine 0.9986 here), the
 *     linear reference for a linear transfer; in a run (teacher_student)
 *     beside gauss_newton, whose columns stay bit for bit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfc_fixture.h"

/* dir[1] (NH x NX) and dir[2] (NY x NH) in one array of 15. */
typedef struct dirs
{
  double a[NH * NX + NY * NH];
  double *k[3];
} dirs;

static void
dirs_init (dirs *D)
{
  memset (D->a, 0, sizeof D->a);
  D->k[0] = NULL, D->k[1] = D->a, D->k[2] = D->a + NH * NX;
}

/* ref's direction on d's chain into D; its return value. */
static int
direction (const credo_reference_type *ref, const dfc_net *d, dirs *D)
{
  double *work = calloc (ref->work_size (d->c) + 1, sizeof *work);
  int rc;
  dirs_init (D);
  rc = ref->direction (d->c, D->k, work);
  free (work);
  return rc;
}

/* x_k pre_k^T for x = (x_h, x_y), pre = (pre_1, pre_2), as one array. */
static void
outer (const double *x, const double *pre1, const double *pre2, double *out)
{
  for (int i = 0; i < NH; i++)
    for (int j = 0; j < NX; j++)
      out[i * NX + j] = x[i] * pre1[j];
  for (int o = 0; o < NY; o++)
    for (int j = 0; j < NH; j++)
      out[NH * NX + o * NH + j] = x[NH + o] * pre2[j];
}

static double
cosine (const double *a, const double *b, size_t n)
{
  double ab = 0;
  for (size_t i = 0; i < n; i++)
    ab += a[i] * b[i];
  return ab / sqrt (fro2 (a, n) * fro2 (b, n));
}

/* The potential of unit j of (h, y) and its phi'. */
static double
pot (const dfc_net *d, int j)
{
  return j < NH ? d->uh[j] : d->uy[j - NH];
}

static double
slope (const dfc_net *d, int j)
{
  return j < NH ? d->dh[j] : d->dy[j - NH];
}

/* du = J^T (J J^T + gamma I)^-1 delta by hand (2 x 2 inverse). */
static void
gn_by_hand (const dfc_net *d, double gamma, const double *delta, double *du)
{
  double G[4] = { 0 }, det, z[2];
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      for (int j = 0; j < NV; j++)
        G[a * 2 + b] += d->J[a * NV + j] * d->J[b * NV + j];
  G[0] += gamma, G[3] += gamma;
  det = G[0] * G[3] - G[1] * G[2];
  z[0] = (G[3] * delta[0] - G[1] * delta[1]) / det;
  z[1] = (-G[2] * delta[0] + G[0] * delta[1]) / det;
  for (int j = 0; j < NV; j++)
    du[j] = d->J[j] * z[0] + d->J[NV + j] * z[1];
}

/* The DFC chain has no target port: no output error until a protocol sets
 * one; then backprop starts from it, set_delta (NULL) clears it; the
 * Jacobian equals the hand one. */
START_TEST (test_chain_delta_and_jacobian)
{
  dfc_net d;
  dirs D;
  const double delta[NY] = { 0.3, -0.2 };
  double *J = calloc (NY * NV, sizeof *J), want[NH * NX + NY * NH], eh[NH];
  double *w;
  draw_net (&d, &dfc_tanh, 11);
  build_net (&d, &dfc_tanh);
  w = calloc (credo__chain_jacobian_work (d.c), sizeof *w);
  ck_assert_int_eq (credo__chain_jacobian (d.c, J, w), 0);
  assert_close (J, d.J, NY * NV, 1e-15, 1e-13, "J by hand");
  ck_assert_int_eq (d.c->has_delta, 0);
  ck_assert_int_eq (direction (&credo__ref_backprop, &d, &D), -1);
  ck_assert_int_eq (direction (&credo__ref_gauss_newton, &d, &D), -1);
  ck_assert_int_eq (direction (&credo__ref_gauss_newton_nonlinear, &d, &D),
                    -1);
  credo__chain_set_delta (d.c, delta);
  ck_assert_int_eq (d.c->has_delta, 1);
  ck_assert_int_eq (direction (&credo__ref_backprop, &d, &D), 0);
  /* e_y = delta, e_h = D_h W2^T delta */
  for (int j = 0; j < NH; j++)
    eh[j] = d.dh[j] * (d.W2[j] * delta[0] + d.W2[NH + j] * delta[1]);
  {
    double e[NV] = { eh[0], eh[1], eh[2], delta[0], delta[1] };
    outer (e, d.x, d.rh, want);
  }
  assert_close (D.a, want, NH * NX + NY * NH, 1e-15, 1e-13, "backprop");
  credo__chain_set_delta (d.c, NULL);
  ck_assert_int_eq (direction (&credo__ref_backprop, &d, &D), -1);
  free (J), free (w);
  free_net (&d);
}
END_TEST

/* du = J^T (J J^T + gamma I)^-1 delta against the hand solve, with and
 * without damping and with the presynaptic rates r_pre. */
START_TEST (test_gauss_newton_gamma)
{
  dfc_net d;
  dirs D;
  const double delta[NY] = { 0.25, 0.4 }, gammas[3] = { 0.0, 0.3, 2.0 };
  const double p1[NX] = { 0.5, -1, 2 }, p2[NH] = { -0.3, 0.7, 1.1 };
  const double *r_pre[3] = { NULL, p1, p2 };
  double du[NV], want[NH * NX + NY * NH];
  draw_net (&d, &dfc_tanh, 12);
  build_net (&d, &dfc_tanh);
  credo__chain_set_delta (d.c, delta);
  for (int g = 0; g < 3; g++)
    {
      d.c->gamma = gammas[g];
      gn_by_hand (&d, gammas[g], delta, du);
      ck_assert_int_eq (direction (&credo__ref_gauss_newton, &d, &D), 0);
      outer (du, d.x, d.rh, want);
      assert_close (D.a, want, NH * NX + NY * NH, 1e-15, 1e-12, "GN");
      d.c->r_pre = r_pre;
      ck_assert_int_eq (direction (&credo__ref_gauss_newton, &d, &D), 0);
      outer (du, p1, p2, want);
      assert_close (D.a, want, NH * NX + NY * NH, 1e-15, 1e-12, "GN r_pre");
      d.c->r_pre = NULL;
      if (g == 0) /* undamped: J du = delta */
        for (int o = 0; o < NY; o++)
          {
            double s = 0;
            for (int j = 0; j < NV; j++)
              s += d.J[o * NV + j] * du[j];
            assert_close1 (s, delta[o], 1e-14, 0, "J du = delta");
          }
    }
  free_net (&d);
}
END_TEST

/* The nonlinear variant: (phi(u + du) - phi(u)) r^T by hand; for a small
 * delta it approaches phi'(u) du r^T (the finite difference of phi along
 * du), and for a linear transfer it is the linear reference. */
START_TEST (test_gauss_newton_nonlinear)
{
  dfc_net d;
  dirs D, G;
  const double delta[NY] = { 0.35, -0.3 };
  double du[NV], x[NV], want[NH * NX + NY * NH], small[NY];
  draw_net (&d, &dfc_tanh, 13);
  build_net (&d, &dfc_tanh);
  d.c->gamma = 0.01;
  credo__chain_set_delta (d.c, delta);
  gn_by_hand (&d, 0.01, delta, du);
  for (int j = 0; j < NV; j++)
    x[j] = tanh (pot (&d, j) + du[j]) - tanh (pot (&d, j));
  outer (x, d.x, d.rh, want);
  ck_assert_int_eq (direction (&credo__ref_gauss_newton_nonlinear, &d, &D),
                    0);
  assert_close (D.a, want, NH * NX + NY * NH, 1e-15, 1e-12, "nonlinear GN");
  /* delta -> 0: phi'(u) du r^T */
  for (int o = 0; o < NY; o++)
    small[o] = 1e-4 * delta[o];
  credo__chain_set_delta (d.c, small);
  gn_by_hand (&d, 0.01, small, du);
  for (int j = 0; j < NV; j++)
    x[j] = slope (&d, j) * du[j];
  outer (x, d.x, d.rh, want);
  ck_assert_int_eq (direction (&credo__ref_gauss_newton_nonlinear, &d, &D),
                    0);
  ck_assert_msg (cosine (D.a, want, 15) > 1 - 1e-6, "cos %.12f",
                 cosine (D.a, want, 15));
  /* which is not the linear reference's du r^T where phi' varies */
  outer (du, d.x, d.rh, want);
  ck_assert_msg (cosine (D.a, want, 15) < 1 - 1e-4, "cos %.12f",
                 cosine (D.a, want, 15)); /* 0.99856 */
  free_net (&d);
  /* linear transfer: the linear Gauss-Newton direction */
  draw_net (&d, &dfc_linear, 14);
  build_net (&d, &dfc_linear);
  credo__chain_set_delta (d.c, delta);
  ck_assert_int_eq (direction (&credo__ref_gauss_newton_nonlinear, &d, &D),
                    0);
  ck_assert_int_eq (direction (&credo__ref_gauss_newton, &d, &G), 0);
  ck_assert_msg (cosine (D.a, G.a, 15) > 1 - 1e-12, "cos %.15f",
                 cosine (D.a, G.a, 15));
  assert_close (D.a, G.a, 15, 1e-14, 1e-12, "linear: nonlinear = GN");
  free_net (&d);
}
END_TEST

/* The reference in a run: its columns next to the linear one's, which
 * stay bit for bit as they were without it. */
START_TEST (test_nonlinear_reference_run)
{
  const char *with[] = { "duration=2000.0", "learning.every=1000.0",
                         "learning.references=[\"gauss_newton\", "
                         "\"gauss_newton_nonlinear\"]" };
  const char *without[] = { "duration=2000.0", "learning.every=1000.0",
                            "learning.references=[\"gauss_newton\"]" };
  const char *cfg = "examples/teacher_student/teacher_student.cfg";
  run a = run_file (cfg, tmp_path ("gnl.h5"), with, 3);
  run b = run_file (cfg, tmp_path ("gn.h5"), without, 3);
  run_free (&a), run_free (&b);
  for (int k = 1; k < 3; k++)
    {
      char name[80];
      size_t r1, r2, c;
      double *x, *y;
      snprintf (name, sizeof name,
                "/learning/angle_gauss_newton_nonlinear_W%d%d", k, k - 1);
      x = read_2d (tmp_path ("gnl.h5"), name, &r1, &c);
      ck_assert_uint_eq (r1, 3); /* t = 0 (dW/dt = 0: NaN), 1, 2 s */
      for (size_t i = 1; i < r1; i++)
        ck_assert_msg (x[i] > 0 && x[i] < 180, "%s = %g", name, x[i]);
      free (x);
      snprintf (name, sizeof name, "/learning/angle_gauss_newton_W%d%d", k,
                k - 1);
      x = read_2d (tmp_path ("gnl.h5"), name, &r1, &c);
      y = read_2d (tmp_path ("gn.h5"), name, &r2, &c);
      ck_assert_uint_eq (r1, r2);
      ck_assert_msg (memcmp (x, y, r1 * sizeof *x) == 0, "%s changed", name);
      free (x), free (y);
    }
}
END_TEST

static Suite *
chain_refs_suite (void)
{
  Suite *s = suite_create ("chain_refs");
  TCase *tc = tcase_create ("chain_refs");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_chain_delta_and_jacobian);
  tcase_add_test (tc, test_gauss_newton_gamma);
  tcase_add_test (tc, test_gauss_newton_nonlinear);
  tcase_add_test (tc, test_nonlinear_reference_run);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (chain_refs_suite ());
}
