/* tests/check_extend.c -- what the layout promises a newcomer: an engine, a
 * rule of a new form and a reference gradient are each one file plus one
 * registry line, and each runs from a config.  The three added that way
 * (src/engine/midpoint.c, models/rules/oja.c, src/learn/ref_hebbian.c) are
 * checked against theory here:
 *
 *   - the explicit midpoint engine on the step-response circuit: error
 *     against the exact solution falls 4x when dt halves (second order),
 *     where the euler engine's falls 2x;
 *   - Oja's rule: a linear neuron's weights converge to x / |x| for a
 *     constant input x (Oja 1982), and the rule's J*v equals the central
 *     difference of the RHS;
 *   - the Hebbian reference: /learning/angle_hebbian_<W> at t = 0 equals
 *     the angle, computed here by hand, between dW/dt and r_k r_{k-1}^T of
 *     the feed-forward pass; adding it leaves the backprop columns bit for
 *     bit as they were.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <hdf5_hl.h>

#include "testutil.h"

/* ---- the midpoint engine ------------------------------------------------- */

/* Max |u - exact| of the step circuit run by `engine` at step dt. */
static double
step_error (const char *engine, double dt)
{
  char solver[200], name[64];
  const char *sets[] = { solver };
  size_t rows, cols;
  double *u, *t, *ex, err;
  run r;
  snprintf (solver, sizeof solver, "solver={engine=\"%s\"; dt=%g;}", engine,
            dt);
  snprintf (name, sizeof name, "step_%s_%g.h5", engine, dt);
  r = run_text (STEP_CIRCUIT, tmp_path (name), sets, 1);
  run_free (&r);
  u = read_2d (tmp_path (name), "/report/h/u/data", &rows, &cols);
  t = read_2d (tmp_path (name), "/report/h/u/mapping/timestamps", &rows,
               &cols);
  ck_assert_uint_eq (rows, 401);
  ex = step_exact_at (t, 0, rows);
  assert_finite (u, rows, "u(t)");
  err = max_diff (u, ex, rows);
  free (u), free (t), free (ex);
  return err;
}

START_TEST (test_midpoint_second_order)
{
  double e1 = step_error ("midpoint", 1.0), e2 = step_error ("midpoint", 0.5);
  double f1 = step_error ("euler", 1.0), f2 = step_error ("euler", 0.5);
  /* the local error of one step of -u/tau is (h/tau)^3 / 6 per unit */
  ck_assert_msg (e1 < 5e-3 && e1 > 1e-6, "midpoint error at dt 1: %g", e1);
  ck_assert_msg (e1 / e2 > 3.6 && e1 / e2 < 4.4,
                 "midpoint: error ratio %g (%g / %g), expected 4", e1 / e2,
                 e1, e2);
  ck_assert_msg (f1 / f2 > 1.8 && f1 / f2 < 2.2,
                 "euler: error ratio %g, expected 2", f1 / f2);
  ck_assert_msg (e1 < f1 / 10, "midpoint %g not far below euler %g", e1, f1);
}
END_TEST

START_TEST (test_midpoint_metadata)
{
  const char *sets[] = { "solver={engine=\"midpoint\"; dt=0.25;}" };
  run r = run_text (STEP_CIRCUIT, tmp_path ("meta.h5"), sets, 1);
  char *engine = h5_string_attr (tmp_path ("meta.h5"), "/", "engine");
  ck_assert_str_eq (engine, "midpoint");
  ck_assert (h5_attr (tmp_path ("meta.h5"), "/", "dt") == 0.25);
  /* 200 ms in steps of 0.25 ms, three segments: 800 steps, 3 RHS each */
  {
    credo_solver_stats st;
    credo_sim_stats (r.sim, &st);
    ck_assert_int_eq (st.steps, 800);
    ck_assert_int_eq (st.rhs_evals, 2400);
  }
  free (engine);
  run_free (&r);
  /* noise needs an engine that integrates it */
  expect_fail_ov ("duration = 10.0;\n"
                  "populations = { p = { model = \"pyramidal\"; size = 2;\n"
                  "  params = { sigma = 0.25; }; }; };\n",
                  sets, 1, 2, "the midpoint engine cannot integrate noise",
                  NULL);
}
END_TEST

/* ---- Oja's rule ----------------------------------------------------------- */

/* x = (3, 4, 0) into a linear rate neuron, tau 1 ms, Oja's rule on W. */
#define OJA_CIRCUIT                                                           \
  "duration = 1000.0;\n"                                                      \
  "populations = { x = { model = \"input\"; size = 3; };\n"                   \
  "  y = { model = \"rate\"; size = 1; params = { tau = 1.0; transfer = "     \
  "\"linear\"; }; }; };\n"                                                    \
  "projections = ( { name = \"W\"; from = \"x.r\"; to = \"y.in\";\n"          \
  "  init = { dist = \"constant\"; value = 0.1; };\n"                         \
  "  plasticity = { rule = \"oja\"; eta = 0.002; }; } );\n"                   \
  "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [3.0, 4.0, 0.0]; "  \
  "} );\n"                                                                    \
  "weights = { every = 1000.0; };\n"                                         \
  "solver = { rtol = 1e-10; atol = 1e-12; };\n"

START_TEST (test_oja_principal_component)
{
  run r = run_text (OJA_CIRCUIT, tmp_path ("oja.h5"), NULL, 0);
  const double want[3] = { 0.6, 0.8, 0.0 };
  double w[6];
  hsize_t dims[3];
  hid_t f = H5Fopen (tmp_path ("oja.h5"), H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert (f >= 0);
  /* snapshots at 0 and 1000 ms, 1 x 3 each */
  ck_assert (H5LTget_dataset_info (f, "/weights/W/data", dims, NULL, NULL)
             >= 0);
  ck_assert (dims[0] == 2 && dims[1] == 1 && dims[2] == 3);
  ck_assert (H5LTread_dataset_double (f, "/weights/W/data", w) >= 0);
  H5Fclose (f);
  for (int j = 0; j < 3; j++)
    ck_assert_double_eq_tol (w[j], 0.1, 1e-15);
  assert_close (w + 3, want, 3, 1e-7, 0, "W vs x/|x| = (0.6, 0.8, 0)");
  run_free (&r);
}
END_TEST

/* The OJA_CIRCUIT with two output units as a network (two potentials,
 * then the 2 x 3 weight block), with a random state y and direction v
 * (uniform in [-1, 1], seed 3), both new arrays of net->n_state. */
static credo_net *
oja_net (credo_ctx *ctx, credo_spec **spec, double **y, double **v)
{
  const char *sets[] = { "populations.y.size=2" };
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  credo_net *net;
  size_t n;
  *spec = credo_spec_load_string (ctx, OJA_CIRCUIT, "oja.cfg", sets, 1);
  ck_assert_msg (*spec != NULL, "%s", credo_errmsg (ctx));
  net = credo__net_build (ctx, *spec);
  ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
  n = net->n_state;
  ck_assert_uint_eq (n, 2 + 6); /* two potentials, a 2 x 3 weight block */
  *y = calloc (n, sizeof **y), *v = calloc (n, sizeof **v);
  gsl_rng_set (rng, 3);
  for (size_t i = 0; i < n; i++)
    {
      (*y)[i] = 2 * gsl_rng_uniform (rng) - 1;
      (*v)[i] = 2 * gsl_rng_uniform (rng) - 1;
    }
  gsl_rng_free (rng);
  return net;
}

START_TEST (test_oja_jtimes)
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec;
  double *y, *v, *jv, *fd, scale;
  credo_net *net = oja_net (ctx, &spec, &y, &v);
  size_t n = net->n_state;
  jv = calloc (n, sizeof *jv), fd = calloc (n, sizeof *fd);
  credo__net_jac_setup (net, 5.0, y);
  credo__net_jtimes (net, v, jv);
  rhs_central_diff (net, 5.0, y, v, 1e-6, fd);
  scale = max_abs (jv, n);
  /* the weight rows must depend on the state: not a zero J*v */
  ck_assert_msg (max_abs (jv + 2, 6) > 1e-4, "J*v of W vanishes");
  assert_close (fd, jv, n, 1e-8 * fmax (1, scale), 0, "FD vs J*v");
  free (y), free (v), free (jv), free (fd);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* The Jacobi preconditioner's diagonal is exact here: y is a state, not a
 * function of W, so d(dW_ij)/dW_ij = -eta y_i^2, and the linear neurons
 * give -1/tau = -1.  Both equal the diagonal of J found column by column,
 * J e_k from the exact J*v. */
START_TEST (test_oja_diagonal)
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec;
  double *y, *v, d[8], e[8], jv[8], col[8], want[8];
  credo_net *net = oja_net (ctx, &spec, &y, &v);
  credo__net_jac_setup (net, 5.0, y);
  credo__net_jac_diag (net, d);
  for (size_t k = 0; k < 8; k++)
    {
      memset (e, 0, sizeof e);
      e[k] = 1.0;
      credo__net_jtimes (net, e, jv);
      col[k] = jv[k];
    }
  want[0] = want[1] = -1.0;
  for (size_t i = 0; i < 2; i++)
    for (size_t j = 0; j < 3; j++)
      want[2 + i * 3 + j] = -0.002 * y[i] * y[i];
  ck_assert_msg (max_abs (want + 2, 6) > 1e-5, "degenerate state");
  assert_close (col, want, 8, 1e-15, 1e-12, "(J e_k)_k vs closed form");
  assert_close (d, col, 8, 1e-15, 1e-12, "jac_diag vs (J e_k)_k");
  free (y), free (v);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- the Hebbian reference ------------------------------------------------ */

/* x (2) -> h (3) -> o (2), pyramidal, log(1 + e^u), both forward
 * projections plastic, the output nudged. */
#define CHAIN_CIRCUIT                                                         \
  "duration = 20.0; seed = 5;\n"                                              \
  "populations = { x = { model = \"input\"; size = 2; };\n"                   \
  "  h = { model = \"pyramidal\"; size = 3; params = { threshold = 0.0; "     \
  "scale = 1.0; }; };\n"                                                      \
  "  o = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; "           \
  "threshold = 0.0; scale = 1.0; }; }; };\n"                                  \
  "projections = (\n"                                                         \
  "  { name = \"W10\"; from = \"x.r\"; to = \"h.basal\";\n"                  \
  "    init = { dist = \"uniform\"; low = -1.0; high = 1.0; };\n"             \
  "    plasticity = { rule = \"dendritic_prediction\"; eta = 0.01; }; },\n"   \
  "  { name = \"W21\"; from = \"h.r\"; to = \"o.basal\";\n"                  \
  "    init = { dist = \"uniform\"; low = -1.0; high = 1.0; };\n"             \
  "    plasticity = { rule = \"dendritic_prediction\"; eta = 0.01; }; },\n"   \
  "  { name = \"W12\"; from = \"o.r\"; to = \"h.apical\";\n"                 \
  "    init = { dist = \"uniform\"; low = -1.0; high = 1.0; }; } );\n"        \
  "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [0.7, -0.4]; },\n"  \
  "  { to = \"o.nudge\"; kind = \"constant\"; value = [1.5, -0.5]; },\n"      \
  "  { to = \"o.gate\"; kind = \"constant\"; value = 1.0; } );\n"             \
  "learning = { every = 10.0; layers = [\"x\", \"h\", \"o\"];\n"

/* The angle between dW/dt at (0, y0) and r_k r_{k-1}^T of the feed-forward
 * pass u_k = a_k W_k r_{k-1}, r = log(1 + e^u), by hand. */
static void
hebbian_by_hand (const credo_spec *spec, double angle[3])
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_net *net = credo__net_build (ctx, spec);
  double *y = calloc (net->n_state, sizeof *y);
  double *f = calloc (net->n_state, sizeof *f);
  double r[3][3] = { { 0.7, -0.4 } }, a[3] = { 0, 1 / 1.9, 1 / 1.1 };
  size_t n[3] = { 2, 3, 2 };
  credo__net_init_state (net, y);
  ck_assert_int_eq (credo__net_rhs (net, 0.0, y, f), 0);
  for (int k = 1; k < 3; k++)
    {
      const credo_proj *pr = &net->projs[k - 1];
      const double *W = y + pr->w_offset, *dW = f + pr->w_offset;
      double ab = 0, aa = 0, bb = 0;
      for (size_t i = 0; i < n[k]; i++)
        {
          double u = 0;
          for (size_t j = 0; j < n[k - 1]; j++)
            u += W[i * n[k - 1] + j] * r[k - 1][j];
          r[k][i] = log1p (exp (a[k] * u));
        }
      for (size_t i = 0; i < n[k]; i++)
        for (size_t j = 0; j < n[k - 1]; j++)
          {
            double d = r[k][i] * r[k - 1][j], g = dW[i * n[k - 1] + j];
            ab += d * g, aa += d * d, bb += g * g;
          }
      angle[k] = acos (ab / sqrt (aa * bb)) * 180 / M_PI;
    }
  free (y), free (f);
  credo__net_free (net);
  credo_ctx_free (ctx);
}

START_TEST (test_hebbian_reference)
{
  run both = run_text (CHAIN_CIRCUIT
                       "  references = [\"backprop\", \"hebbian\"]; };\n",
                       tmp_path ("both.h5"), NULL, 0);
  run bp = run_text (CHAIN_CIRCUIT "};\n", tmp_path ("bp.h5"), NULL, 0);
  const char *cols[] = { "angle_W10", "angle_W21" };
  double want[3];
  size_t rows, c;
  hebbian_by_hand (both.spec, want);
  for (int k = 1; k < 3; k++)
    {
      char name[64];
      double *got;
      snprintf (name, sizeof name, "/learning/angle_hebbian_W%d%d", k, k - 1);
      got = read_2d (tmp_path ("both.h5"), name, &rows, &c);
      ck_assert_uint_eq (rows, 3); /* t = 0, 10, 20 ms */
      assert_close1 (got[0], want[k], 1e-9, 0, name);
      ck_assert_msg (want[k] > 1 && want[k] < 179, "degenerate angle %g",
                     want[k]);
      free (got);
    }
  /* the backprop columns are the same with or without a second reference */
  for (int k = 0; k < 2; k++)
    {
      char name[64];
      size_t r1, r2;
      double *a, *b;
      snprintf (name, sizeof name, "/learning/%s", cols[k]);
      a = read_2d (tmp_path ("both.h5"), name, &r1, &c);
      b = read_2d (tmp_path ("bp.h5"), name, &r2, &c);
      ck_assert_uint_eq (r1, r2);
      ck_assert_msg (memcmp (a, b, r1 * sizeof *a) == 0, "%s changed", name);
      ck_assert_msg (isfinite (a[0]), "%s is not finite", name);
      free (a), free (b);
    }
  run_free (&both);
  run_free (&bp);
}
END_TEST

/* ---- the Gauss-Newton reference -------------------------------------------- */

/* With one output unit J J^T is a number: du = J^T delta / |J|^2 is
 * parallel to the backprop errors in every layer, so the two angle columns
 * agree. */
START_TEST (test_gauss_newton_one_output)
{
  const char *sets[] = { "populations.o.size=1", "stimuli.[1].value=[1.5]" };
  run r = run_text (CHAIN_CIRCUIT
                    "  references = [\"backprop\", \"gauss_newton\"]; };\n",
                    tmp_path ("gn1.h5"), sets, 2);
  run_free (&r);
  for (int k = 1; k < 3; k++)
    {
      char bp[64], gn[64];
      size_t rows, c, rows2;
      double *a, *b;
      snprintf (bp, sizeof bp, "/learning/angle_W%d%d", k, k - 1);
      snprintf (gn, sizeof gn, "/learning/angle_gauss_newton_W%d%d", k, k - 1);
      a = read_2d (tmp_path ("gn1.h5"), bp, &rows, &c);
      b = read_2d (tmp_path ("gn1.h5"), gn, &rows2, &c);
      ck_assert_uint_eq (rows, rows2);
      assert_close (b, a, rows, 1e-9, 0, gn);
      free (a), free (b);
    }
}
END_TEST

/* The Gauss-Newton du reaches the target to first order: the derivative
 * of the output rates along du (a central difference of a forward pass
 * written here) equals delta = phi'(u_N) (u* - u_N), with two output
 * units, where it differs from backprop. */
START_TEST (test_gauss_newton_reaches_target)
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec = credo_spec_load_string (
      ctx, CHAIN_CIRCUIT "  references = [\"gauss_newton\"]; };\n", "gn.cfg",
      NULL, 0);
  const credo_learning_spec *ls;
  credo_net *net;
  credo_ff_chain *c;
  double *y, *f, *dir[3] = { NULL }, *work, du[3][3], rate[2][2];
  const double a[3] = { 0, 1 / 1.9, 1 / 1.1 }, x[2] = { 0.7, -0.4 };
  const double ustar[2] = { 1.5, -0.5 }, h = 1e-5;
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  ls = &spec->learning;
  net = credo__net_build (ctx, spec);
  c = credo__chain_new (ctx, net, ls->n_layers, ls->layers, ls->fwd);
  ck_assert_msg (net && c, "%s", credo_errmsg (ctx));
  y = calloc (net->n_state, sizeof *y), f = calloc (net->n_state, sizeof *f);
  credo__net_init_state (net, y);
  credo__net_rhs (net, 0.0, y, f);
  credo__chain_forward (c, y);
  for (int k = 1; k < 3; k++)
    dir[k] = calloc (c->L[k].n * c->L[k - 1].n, sizeof (double));
  work = calloc (credo__ref_gauss_newton.work_size (c) + 1, sizeof *work);
  ck_assert_int_eq (credo__ref_gauss_newton.direction (c, dir, work), 0);
  /* du_k from direction_k = du_k r_{k-1}^T (r_{k-1, 0} != 0) */
  for (int k = 1; k < 3; k++)
    for (size_t i = 0; i < c->L[k].n; i++)
      du[k][i] = dir[k][i * c->L[k - 1].n] / c->L[k - 1].r[0];
  for (int s = 0; s < 2; s++)
    {
      /* forward pass with the potentials moved by (+-h) du */
      double eps = s ? -h : h, r0[3], r1[3], u;
      memcpy (r0, x, sizeof x);
      for (int k = 1; k < 3; k++)
        {
          const double *W = c->W[k];
          for (size_t i = 0; i < c->L[k].n; i++)
            {
              u = 0;
              for (size_t j = 0; j < c->L[k - 1].n; j++)
                u += W[i * c->L[k - 1].n + j] * r0[j];
              r1[i] = log1p (exp (a[k] * u + eps * du[k][i]));
            }
          memcpy (r0, r1, sizeof r1);
        }
      memcpy (rate[s], r0, 2 * sizeof (double));
    }
  for (int o = 0; o < 2; o++)
    {
      double u = c->L[2].u[o], want = (ustar[o] - u) / (1 + exp (-u));
      double got = (rate[0][o] - rate[1][o]) / (2 * h);
      assert_close1 (got, want, 1e-8, 1e-6, "J du vs delta");
    }
  for (int k = 1; k < 3; k++)
    free (dir[k]);
  free (work), free (y), free (f);
  credo__chain_free (c);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- outputs that depend on inputs, feeding projections ------------------ */

/* p's basal prediction basal_hat = g_B/(g_lk+g_B+g_A) v_B (a derived
 * output) drives q: the network sums it after p's inputs, and the exact
 * J*v and dense Jacobian follow the chain. */
#define DERIVED_CIRCUIT                                                       \
  "duration = 10.0; seed = 9;\n"                                             \
  "populations = { x = { model = \"input\"; size = 2; };\n"                 \
  "  p = { model = \"pyramidal\"; size = 3; };\n"                           \
  "  q = { model = \"pyramidal\"; size = 2; params = { g_A = 0.0; }; }; };\n" \
  "projections = (\n"                                                       \
  "  { name = \"A\"; from = \"x.r\"; to = \"p.basal\";\n"                 \
  "    init = { dist = \"normal\"; std = 1.0; }; },\n"                     \
  "  { name = \"B\"; from = \"p.basal_hat\"; to = \"q.basal\";\n"         \
  "    init = { dist = \"normal\"; std = 1.0; }; } );\n"                   \
  "stimuli = ( { to = \"x\"; kind = \"constant\"; value = [0.3, -1.2]; } );\n"

START_TEST (test_derived_source)
{
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec = credo_spec_load_string (ctx, DERIVED_CIRCUIT, "d.cfg",
                                             NULL, 0);
  credo_net *net;
  double y[5], v[5], jv[5], fd[5], J[25], want[2];
  const double a = 1.0 / (0.1 + 1.0 + 0.8); /* p's basal attenuation */
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  net = credo__net_build (ctx, spec);
  ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
  ck_assert_uint_eq (net->n_state, 5);
  for (int i = 0; i < 5; i++)
    y[i] = 0.3 * i - 0.5, v[i] = 1.0 - 0.37 * i;
  credo__net_eval (net, 1.0, y);
  /* q.basal = B (a A x): the chain summed in the right order */
  {
    const credo_proj *A = &net->projs[0], *B = &net->projs[1];
    const double x[2] = { 0.3, -1.2 };
    for (int i = 0; i < 2; i++)
      {
        want[i] = 0;
        for (int j = 0; j < 3; j++)
          want[i] += B->w[i * 3 + j] * a
                     * (A->w[j * 2] * x[0] + A->w[j * 2 + 1] * x[1]);
      }
    assert_close (net->pops[2].in[0], want, 2, 1e-14, 1e-14, "q.basal");
  }
  credo__net_jac_setup (net, 1.0, y);
  credo__net_jtimes (net, v, jv);
  rhs_central_diff (net, 1.0, y, v, 1e-6, fd);
  assert_close (jv, fd, 5, 1e-8, 1e-8, "J*v vs central difference");
  credo__net_jac_dense (net, J, 5);
  for (int i = 0; i < 5; i++)
    {
      double d = 0;
      for (int j = 0; j < 5; j++)
        d += J[j * 5 + i] * v[j];
      fd[i] = d;
    }
  assert_close (fd, jv, 5, 1e-14, 1e-14, "dense J v vs J*v");
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

static Suite *
extend_suite (void)
{
  Suite *s = suite_create ("extend");
  TCase *tc = tcase_create ("extend");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_midpoint_second_order);
  tcase_add_test (tc, test_midpoint_metadata);
  tcase_add_test (tc, test_oja_principal_component);
  tcase_add_test (tc, test_oja_jtimes);
  tcase_add_test (tc, test_oja_diagonal);
  tcase_add_test (tc, test_hebbian_reference);
  tcase_add_test (tc, test_derived_source);
  tcase_add_test (tc, test_gauss_newton_one_output);
  tcase_add_test (tc, test_gauss_newton_reaches_target);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (extend_suite ());
}
