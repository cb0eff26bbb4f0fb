/* tests/check_dfc.c -- Deep Feedback Control (Meulemans et al. 2021): the
 * dfc_neuron and pi_controller models against closed-form steady states.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * For a linear network the controlled steady state is exact: with the
 * output error e = r* - r_L, the feedback Q u into the apical compartments
 * and the controller's leak alpha on u (the authors' code), e = alpha u and
 *
 *   u = (J Q + alpha I)^-1 delta_L,   v_A,i = Q_i u,
 *
 * J_i = d r_L / d v_i the network's Jacobian, delta_L = r* - r_L^- the
 * target's distance from the feed-forward output; with the leak on u_int
 * (the paper's equations) alpha becomes alpha / (k_i + alpha k_p).
 *
 *   - examples/dfc_chain: x = 1, W = (2, 0.5), Q = (0.5, 1), r* = 1.5:
 *     J Q = 0.5 * 0.5 + 1 = 1.25, delta = 0.5, so u = 0.4, v_h = 2.2,
 *     v_y = 1.5, and the DFC updates at the steady state (phi(v) -
 *     phi(v_B)) r_pre are 0.2 (W1) and 0.4 * 2.2 = 0.88 (W2); with
 *     alpha = 0.1, u = 0.5 / 1.35 for any k_p (code form), 0.5 / (1.25 +
 *     0.1 / 1.2) with k_p = 2 in the paper form.
 *   - a random linear 5-4-3-2 network, Q = J^T + 0.1 N(0, 1), alpha = 0.01,
 *     k_p = 0 and 2: u and every layer's v_A to 1e-8 (relative).
 *   - the exact J*v through the controller's derived output u = k_i u_int +
 *     k_p e, against the central difference.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "testutil.h"

/* The last recorded row of report `what` ("pop/var") of file `path`. */
static void
last_row (const char *path, const char *what, double *out, size_t n)
{
  char name[256];
  size_t rows, cols;
  double *d;
  snprintf (name, sizeof name, "/report/%s/data", what);
  d = read_2d (path, name, &rows, &cols);
  ck_assert_uint_eq (cols, n);
  memcpy (out, d + (rows - 1) * cols, n * sizeof *out);
  free (d);
}

/* ---- the dfc_chain example ------------------------------------------------ */

typedef struct chain_case
{
  const char *sets[3];
  size_t n_sets;
  double u; /* the closed-form control */
} chain_case;

START_TEST (test_dfc_chain_closed_form)
{
  const chain_case cases[] = {
    { { NULL }, 0, 0.4 },
    { { "populations.ctrl.params.alpha=0.1" }, 1, 0.5 / 1.35 },
    { { "populations.ctrl.params.alpha=0.1",
        "populations.ctrl.params.k_p=2.0" }, 2, 0.5 / 1.35 },
    { { "populations.ctrl.params.alpha=0.1",
        "populations.ctrl.params.k_p=2.0",
        "populations.ctrl.params.form=\"paper\"" }, 3,
      0.5 / (1.25 + 0.1 / 1.2) },
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    {
      const chain_case *k = &cases[c];
      run r = run_file ("examples/dfc_chain/dfc_chain.cfg",
                        tmp_path ("chain.h5"), (const char **) k->sets,
                        k->n_sets);
      double u, vh, vy, ph, py, rh;
      /* v_h = W1 x + Q1 u, v_y = W2 v_h + Q2 u */
      double want_vh = 2.0 + 0.5 * k->u, want_vy = 0.5 * want_vh + k->u;
      run_free (&r);
      last_row (tmp_path ("chain.h5"), "ctrl/u", &u, 1);
      last_row (tmp_path ("chain.h5"), "h/v", &vh, 1);
      last_row (tmp_path ("chain.h5"), "y/v", &vy, 1);
      last_row (tmp_path ("chain.h5"), "h/basal_pred", &ph, 1);
      last_row (tmp_path ("chain.h5"), "y/basal_pred", &py, 1);
      last_row (tmp_path ("chain.h5"), "h/r", &rh, 1);
      assert_close1 (u, k->u, 0, 1e-8, "u");
      assert_close1 (vh, want_vh, 0, 1e-8, "v_h");
      assert_close1 (vy, want_vy, 0, 1e-8, "v_y");
      /* the DFC-SS updates (phi(v) - phi(v_B)) r_pre, identity phi */
      assert_close1 ((vh - ph) * 1.0, want_vh - 2.0, 0, 1e-8, "dW1");
      assert_close1 ((vy - py) * rh, (want_vy - 0.5 * want_vh) * want_vh, 0,
                     1e-8, "dW2");
      if (c == 0)
        {
          /* the protocol's own records: the DFC-SS updates, backprop's
           * -lambda dl/dW at the feed-forward point (delta = 0.5: 0.25,
           * 1) and Gauss-Newton's du r^T (du = J^T 0.5 / 1.25 = (0.2,
           * 0.4): 0.2, 0.8), one row each */
          const char *recs[6] = { "update/W1", "update/W2",
                                  "reference/backprop/W1",
                                  "reference/backprop/W2",
                                  "reference/gauss_newton/W1",
                                  "reference/gauss_newton/W2" };
          const double want[6] = { 0.2, 0.88, 0.25, 1.0, 0.2, 0.8 };
          assert_close1 ((vh - ph) * 1.0, 0.2, 0, 1e-8, "dW1 = 0.2");
          assert_close1 ((vy - py) * rh, 0.88, 0, 1e-8, "dW2 = 0.88");
          for (int i = 0; i < 6; i++)
            {
              char name[128];
              size_t rows, cols;
              double *d;
              snprintf (name, sizeof name, "/learning/%s", recs[i]);
              d = read_2d (tmp_path ("chain.h5"), name, &rows, &cols);
              ck_assert_uint_eq (rows, 1);
              ck_assert_uint_eq (cols, 1);
              assert_close1 (d[0], want[i], 0, 1e-8, recs[i]);
              free (d);
            }
        }
    }
}
END_TEST

/* ---- a random linear network (5-4-3-2) ------------------------------------- */

enum { N0 = 5, N1 = 4, N2 = 3, N3 = 2, NQ = N1 + N2 + N3 };

/* C (m x n) = A (m x k) B (k x n), row-major. */
static void
matmul (const double *A, const double *B, double *C, int m, int k, int n)
{
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      {
        double s = 0;
        for (int l = 0; l < k; l++)
          s += A[i * k + l] * B[l * n + j];
        C[i * n + j] = s;
      }
}

typedef struct linear_net
{
  double W1[N1 * N0], W2[N2 * N1], W3[N3 * N2];
  double Q[NQ * N3]; /* rows: layer 1, then 2, then 3 */
  double x[N0], target[N3];
  double u[N3];      /* the closed-form control */
} linear_net;

/* Draws the network, Q = J^T + 0.1 N(0,1) with Re lambda(J Q) > 0, and the
 * closed form u = (J Q + alpha I)^-1 delta. */
static void
draw_linear (linear_net *L, double alpha, unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  double v1[N1], v2[N2], v3[N3], J[N3 * NQ], JQ[N3 * N3], d[N3];
  gsl_rng_set (rng, seed);
  for (int i = 0; i < N1 * N0; i++)
    L->W1[i] = gsl_ran_gaussian (rng, 1.0 / sqrt (N0));
  for (int i = 0; i < N2 * N1; i++)
    L->W2[i] = gsl_ran_gaussian (rng, 1.0 / sqrt (N1));
  for (int i = 0; i < N3 * N2; i++)
    L->W3[i] = gsl_ran_gaussian (rng, 1.0 / sqrt (N2));
  for (int i = 0; i < N0; i++)
    L->x[i] = gsl_rng_uniform (rng) * 2 - 1;
  matmul (L->W1, L->x, v1, N1, N0, 1);
  matmul (L->W2, v1, v2, N2, N1, 1);
  matmul (L->W3, v2, v3, N3, N2, 1);
  /* J = [W3 W2, W3, I] (N3 x NQ) */
  {
    double W32[N3 * N1];
    matmul (L->W3, L->W2, W32, N3, N2, N1);
    for (int i = 0; i < N3; i++)
      for (int j = 0; j < NQ; j++)
        J[i * NQ + j] = j < N1        ? W32[i * N1 + j]
                        : j < N1 + N2 ? L->W3[i * N2 + j - N1]
                                      : (j - N1 - N2 == i);
  }
  for (int j = 0; j < NQ; j++)
    for (int i = 0; i < N3; i++)
      L->Q[j * N3 + i] = J[i * NQ + j] + gsl_ran_gaussian (rng, 0.1);
  for (int i = 0; i < N3; i++)
    {
      d[i] = 0.1 * (gsl_rng_uniform (rng) * 2 - 1);
      L->target[i] = v3[i] + d[i];
    }
  matmul (J, L->Q, JQ, N3, NQ, N3);
  /* stability: both eigenvalues of the 2 x 2 J Q in the right half plane */
  {
    double tr = JQ[0] + JQ[3], det = JQ[0] * JQ[3] - JQ[1] * JQ[2];
    ck_assert_msg (tr > 0 && det > 0, "J Q not stable (tr %g, det %g)", tr,
                   det);
  }
  for (int i = 0; i < N3; i++)
    JQ[i * N3 + i] += alpha;
  {
    gsl_matrix_view A = gsl_matrix_view_array (JQ, N3, N3);
    gsl_vector_view b = gsl_vector_view_array (d, N3);
    gsl_vector_view xu = gsl_vector_view_array (L->u, N3);
    gsl_permutation *perm = gsl_permutation_alloc (N3);
    int signum;
    gsl_linalg_LU_decomp (&A.matrix, perm, &signum);
    gsl_linalg_LU_solve (&A.matrix, perm, &b.vector, &xu.vector);
    gsl_permutation_free (perm);
  }
  gsl_rng_free (rng);
}

/* The config of network L with controller gain k_p and leak alpha; weight
 * files written into tmpdir. */
static char *
linear_config (const linear_net *L, double alpha, double k_p)
{
  char f[6][300], xs[600], ts[300], *cfg = malloc (8192);
  const char *names[6] = { "W1.csv", "W2.csv", "W3.csv", "Q1.csv", "Q2.csv",
                           "Q3.csv" };
  for (int i = 0; i < 6; i++)
    path_in_tmp (f[i], sizeof f[i], names[i]);
  write_csv (f[0], L->W1, N1, N0);
  write_csv (f[1], L->W2, N2, N1);
  write_csv (f[2], L->W3, N3, N2);
  write_csv (f[3], L->Q, N1, N3);
  write_csv (f[4], L->Q + N1 * N3, N2, N3);
  write_csv (f[5], L->Q + (N1 + N2) * N3, N3, N3);
  list_of (xs, sizeof xs, L->x, N0);
  list_of (ts, sizeof ts, L->target, N3);
  snprintf (cfg, 8192,
            "duration = 300.0;\n"
            "populations = { x = { model = \"input\"; size = %d; };\n"
            "  l1 = { model = \"dfc_neuron\"; size = %d; params = { transfer "
            "= \"linear\"; tau_v = 0.2; }; };\n"
            "  l2 = { model = \"dfc_neuron\"; size = %d; params = { transfer "
            "= \"linear\"; tau_v = 0.2; }; };\n"
            "  l3 = { model = \"dfc_neuron\"; size = %d; params = { transfer "
            "= \"linear\"; tau_v = 0.2; }; };\n"
            "  c = { model = \"pi_controller\"; size = %d; params = { alpha = "
            "%.17g; k_p = %g; }; }; };\n"
            "projections = (\n"
            "  { from = \"x.r\"; to = \"l1.basal\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"l1.r\"; to = \"l2.basal\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"l2.r\"; to = \"l3.basal\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"l3.r\"; to = \"c.error\"; connectivity = "
            "\"one_to_one\"; init = { dist = \"constant\"; value = -1.0; }; },\n"
            "  { from = \"c.u\"; to = \"l1.apical\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"c.u\"; to = \"l2.apical\"; init = { file = \"%s\"; }; },\n"
            "  { from = \"c.u\"; to = \"l3.apical\"; init = { file = \"%s\"; }; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = %s; },\n"
            "  { to = \"c.error\"; kind = \"constant\"; value = %s; } );\n"
            "record = ( { what = \"c.u\"; every = 10.0; },\n"
            "  { what = \"l1.v_A\"; every = 10.0; },\n"
            "  { what = \"l2.v_A\"; every = 10.0; },\n"
            "  { what = \"l3.v_A\"; every = 10.0; } );\n"
            "solver = { rtol = 1e-11; atol = 1e-13; };\n",
            N0, N1, N2, N3, N3, alpha, k_p, f[0], f[1], f[2], f[3], f[4],
            f[5], xs, ts);
  return cfg;
}

START_TEST (test_dfc_linear_steady_state)
{
  const double alpha = 0.01, kps[2] = { 0.0, 2.0 };
  linear_net L;
  draw_linear (&L, alpha, 20211);
  for (int k = 0; k < 2; k++)
    {
      char *cfg = linear_config (&L, alpha, kps[k]);
      run r = run_text (cfg, tmp_path ("lin.h5"), NULL, 0);
      double u[N3], va[NQ], want[NQ];
      const char *layers[3] = { "l1/v_A", "l2/v_A", "l3/v_A" };
      const int n[3] = { N1, N2, N3 }, off[3] = { 0, N1, N1 + N2 };
      run_free (&r);
      free (cfg);
      last_row (tmp_path ("lin.h5"), "c/u", u, N3);
      assert_close (u, L.u, N3, 0, 1e-8, "u = (J Q + alpha I)^-1 delta");
      matmul (L.Q, L.u, want, NQ, N3, 1);
      for (int l = 0; l < 3; l++)
        last_row (tmp_path ("lin.h5"), layers[l], va + off[l], (size_t) n[l]);
      assert_close (va, want, NQ, 1e-12, 1e-8, "v_A = Q u");
    }
}
END_TEST

/* ---- J*v through the controller ---------------------------------------------- */

START_TEST (test_dfc_jtimes)
{
  credo_ctx *ctx = credo_ctx_new ();
  const char *sets[] = { "populations.ctrl.params.k_p=2.0",
                         "populations.ctrl.params.alpha=0.1",
                         "populations.ctrl.params.k_i=1.5",
                         "populations.h.params.transfer=\"tanh\"",
                         "populations.y.params.tau_A=0.3" };
  char path[512];
  credo_spec *spec;
  credo_net *net;
  double y[8], v[8], jv[8], fd[8], J[64], Jv[8];
  size_t n;
  snprintf (path, sizeof path, "%s/tests/configs/dfc_chain_dynamics.cfg",
            srcdir ());
  spec = credo_spec_load (ctx, path, sets, 5);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  net = credo__net_build (ctx, spec);
  ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
  n = net->n_state; /* h: v, a; y: v, a; ctrl: u_int */
  ck_assert_uint_eq (n, 5);
  for (size_t i = 0; i < n; i++)
    y[i] = 0.4 * (double) i - 0.7, v[i] = 1.0 - 0.3 * (double) i;
  credo__net_jac_setup (net, 1.0, y);
  credo__net_jtimes (net, v, jv);
  rhs_central_diff (net, 1.0, y, v, 1e-6, fd);
  assert_close (jv, fd, n, 1e-8, 1e-7, "J*v vs central difference");
  credo__net_jac_dense (net, J, n);
  for (size_t i = 0; i < n; i++)
    {
      Jv[i] = 0;
      for (size_t j = 0; j < n; j++)
        Jv[i] += J[j * n + i] * v[j];
    }
  assert_close (Jv, jv, n, 1e-14, 1e-13, "dense J v vs J*v");
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- bias, apical outputs, noise, the chain ------------------------------------ */

/* x = 1 -> h (W = 1, bias 0.3, tanh) -> z.basal from h's apical output;
 * h's apical input is 0.2 from a stimulus plus 0.5 k.v (tau_A = 0: v_A
 * follows it at once, a path J*v must follow); k's apical input is the
 * stimulus 0.2 through its time constant 0.5 ms. */
#define BIAS_CIRCUIT                                                          \
  "duration = 40.0;\n"                                                       \
  "populations = { x = { model = \"input\"; size = 1; };\n"                 \
  "  h = { model = \"dfc_neuron\"; size = 1; params = { bias = 0.3; }; };\n" \
  "  k = { model = \"dfc_neuron\"; size = 1; params = { tau_A = 0.5; }; };\n" \
  "  z = { model = \"dfc_neuron\"; size = 1; params = { transfer = "        \
  "\"linear\"; }; }; };\n"                                                   \
  "projections = ( { from = \"x.r\"; to = \"h.basal\"; init = { dist = "    \
  "\"constant\"; value = 1.0; }; },\n"                                      \
  "  { from = \"h.v_A\"; to = \"z.basal\"; init = { dist = \"constant\"; "  \
  "value = 2.0; }; },\n"                                                     \
  "  { from = \"k.v_A\"; to = \"z.basal\"; init = { dist = \"constant\"; "  \
  "value = -1.0; }; },\n"                                                    \
  "  { from = \"k.v\"; to = \"h.apical\"; init = { dist = \"constant\"; "   \
  "value = 0.5; }; } );\n"                                                   \
  "stimuli = ( { to = \"x\"; kind = \"constant\"; value = 1.0; },\n"        \
  "  { to = \"h.apical\"; kind = \"constant\"; value = 0.2; },\n"           \
  "  { to = \"k.apical\"; kind = \"constant\"; value = 0.2; } );\n"         \
  "record = ( { what = \"h.basal_hat\"; }, { what = \"h.basal_pred\"; },\n" \
  "  { what = \"h.v\"; }, { what = \"z.v\"; } );\n"                         \
  "solver = { rtol = 1e-10; atol = 1e-12; };\n"

/* Steady states: k.v = v_A(k) = 0.2, so v_A(h) = 0.2 + 0.5 * 0.2 = 0.3;
 * v_B = 1 + 0.3, v_h = v_B + v_A = 1.6, basal prediction tanh(1.3); z sums
 * 2 v_A(h) - v_A(k) = 0.6 - 0.2.  And the exact J*v through both apical
 * outputs (instantaneous and with a time constant). */
START_TEST (test_dfc_bias_and_apical_outputs)
{
  run r = run_text (BIAS_CIRCUIT, tmp_path ("bias.h5"), NULL, 0);
  double v;
  run_free (&r);
  last_row (tmp_path ("bias.h5"), "h/basal_hat", &v, 1);
  assert_close1 (v, 1.3, 1e-12, 0, "v_B = basal + bias");
  last_row (tmp_path ("bias.h5"), "h/basal_pred", &v, 1);
  assert_close1 (v, tanh (1.3), 1e-12, 0, "phi(v_B)");
  last_row (tmp_path ("bias.h5"), "h/v", &v, 1);
  assert_close1 (v, 1.6, 1e-8, 0, "v = v_B + v_A");
  last_row (tmp_path ("bias.h5"), "z/v", &v, 1);
  assert_close1 (v, 0.4, 1e-8, 0, "z = 2 v_A(h) - v_A(k)");
  {
    credo_ctx *ctx = credo_ctx_new ();
    credo_spec *spec = credo_spec_load_string (ctx, BIAS_CIRCUIT, "b.cfg",
                                               NULL, 0);
    credo_net *net = spec ? credo__net_build (ctx, spec) : NULL;
    double y[6], w[6], jv[6], fd[6];
    ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
    ck_assert_uint_eq (net->n_state, 6);
    for (int i = 0; i < 6; i++)
      y[i] = 0.3 * i - 0.4, w[i] = 0.9 - 0.25 * i;
    credo__net_jac_setup (net, 1.0, y);
    credo__net_jtimes (net, w, jv);
    rhs_central_diff (net, 1.0, y, w, 1e-6, fd);
    assert_close (jv, fd, 6, 1e-8, 1e-7, "J*v through v_A outputs");
    credo__net_free (net);
    credo_spec_free (spec);
    credo_ctx_free (ctx);
  }
}
END_TEST

/* The apical noise: tau_A dv_A = (...) dt + sigma dW is dv_A = ... +
 * (sigma / tau_A) dW, so the per-variable amplitude is sigma / tau_A. */
START_TEST (test_dfc_noise_amplitude)
{
  const credo_model_type *m = credo_model_find ("dfc_neuron");
  double p[16];
  ck_assert_ptr_nonnull (m);
  ck_assert_uint_le (m->n_param, 16);
  for (size_t i = 0; i < m->n_param; i++)
    p[i] = m->params[i].def;
  p[credo_model_param_index (m, "sigma")] = 0.3;
  p[credo_model_param_index (m, "tau_A")] = 1.5;
  assert_close1 (m->noise (p, 1), 0.2, 1e-15, 0, "noise of v_A");
  assert_close1 (m->noise (p, 0), 0.0, 0, 0, "noise of v");
}
END_TEST

/* The feed-forward chain of DFC layers includes their biases: u_k = W_k
 * r_{k-1} + b_k (gain 1). */
START_TEST (test_dfc_chain_bias)
{
  credo_ctx *ctx = credo_ctx_new ();
  const char *sets[] = { "populations.h.params.bias=0.25",
                         "populations.y.params.bias=-0.5" };
  char path[512];
  credo_spec *spec;
  credo_net *net;
  credo_ff_chain *c;
  const int layers[3] = { 0, 1, 2 }, fwd[3] = { -1, 0, 1 };
  double y[5] = { 0 }, f[5];
  snprintf (path, sizeof path, "%s/tests/configs/dfc_chain_dynamics.cfg",
            srcdir ());
  spec = credo_spec_load (ctx, path, sets, 2);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  net = credo__net_build (ctx, spec);
  c = net ? credo__chain_new (ctx, net, 3, layers, fwd) : NULL;
  ck_assert_msg (c != NULL, "%s", credo_errmsg (ctx));
  credo__net_rhs (net, 0.0, y, f);
  credo__chain_forward (c, y);
  /* x = 1, W1 = 2, W2 = 0.5, identity transfer */
  assert_close1 (c->L[1].u[0], 2.0 + 0.25, 1e-15, 0, "u_h");
  assert_close1 (c->L[2].u[0], 0.5 * 2.25 - 0.5, 1e-15, 0, "u_y");
  credo__chain_free (c);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- the steady-state solver where Newton cannot start ---------------------- */

/* The chain without feedback (Q = 0) and a target equal to the
 * feed-forward output (r* = 1): the controller's integral u_int appears in
 * no equation, so the Jacobian is singular everywhere and Newton's first
 * step fails; pseudo-transient continuation must still find the steady
 * state v_h = 2, v_y = 1 (and not abort on the singular matrix). */
START_TEST (test_steady_singular_jacobian)
{
  credo_ctx *ctx = credo_ctx_new ();
  const char *sets[] = { "projections.[3].init.value=0.0",
                         "projections.[4].init.value=0.0",
                         "stimuli.[1].value=1.0" };
  char path[512];
  credo_spec *spec;
  credo_net *net;
  credo_steady *st;
  double y[5] = { 0.3, 0, -0.2, 0, 0 };
  snprintf (path, sizeof path, "%s/tests/configs/dfc_chain_dynamics.cfg",
            srcdir ());
  spec = credo_spec_load (ctx, path, sets, 3);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  net = credo__net_build (ctx, spec);
  st = net ? credo__steady_new (net) : NULL;
  ck_assert_msg (st != NULL, "%s", credo_errmsg (ctx));
  ck_assert_uint_eq (net->n_neuron, 5); /* h: v, a; y: v, a; ctrl: u_int */
  ck_assert_int_eq (credo__steady_solve (st, 1.0, y), 0);
  assert_close1 (y[0], 2.0, 1e-9, 0, "v_h");
  assert_close1 (y[2], 1.0, 1e-9, 0, "v_y");
  assert_finite (y, 5, "steady state");
  credo__steady_free (st);
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- an unstable loop ---------------------------------------------------------- */

/* Feedback of the wrong sign, Q = -(0.5, 1): J Q = -1.25 < -alpha = 0, so
 * the loop is unstable (with an instantaneous network, tau_u du/dt =
 * -(J Q + alpha) u + delta grows at 1.25 / tau_u).  With tau_v = 0.2 ms the
 * state (v_h, v_y, u_int) obeys y' = A y + b, A = [[-5, 0, -2.5], [2.5,
 * -5, -5], [0, -1, 0]] per ms, b = (10, 0, 1.5): eigenvalues -5.50 +-
 * 0.89i and +1.0058, and the exact solution from 0 crosses |u_int| = 1e6
 * at t = 14.14 ms.  The run must stop at the first step after that with
 * an error naming the time and the controller, and close its file as
 * failed. */
START_TEST (test_dfc_diverging_controller)
{
  const char *sets[] = { "projections.[3].init.value=-0.5",
                         "projections.[4].init.value=-1.0" };
  char path[512];
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec;
  credo_sim *sim;
  const char *msg, *at;
  double t;
  int rc;
  snprintf (path, sizeof path, "%s/tests/configs/dfc_chain_dynamics.cfg",
            srcdir ());
  spec = credo_spec_load (ctx, path, sets, 2);
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (ctx));
  sim = credo_sim_new (ctx, spec, tmp_path ("div.h5"));
  ck_assert_msg (sim != NULL, "%s", credo_errmsg (ctx));
  rc = credo_sim_run (sim);
  msg = credo_errmsg (ctx);
  ck_assert_int_eq (rc, CREDO_ESOLVER);
  ck_assert_int_eq (credo_exit_code (rc), 1);
  ck_assert_msg (strstr (msg, "population 'ctrl' (model pi_controller): "
                              "the controller diverges"),
                 "message: %s", msg);
  at = strstr (msg, "t = ");
  ck_assert_msg (at && sscanf (at, "t = %lf", &t) == 1, "no time: %s", msg);
  ck_assert_msg (t >= 14.13 && t < 14.4, "diverged at t = %g ms, expected "
                 "the first step after 14.14 ms", t);
  credo_sim_free (sim);
  {
    char *status = h5_string_attr (tmp_path ("div.h5"), "/", "status");
    ck_assert_msg (status && strncmp (status, "failed: ", 8) == 0,
                   "status %s", status ? status : "(none)");
    free (status);
  }
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}
END_TEST

/* ---- bad input --------------------------------------------------------------- */

#define CTRL_CIRCUIT(params, extra)                                           \
  "duration = 10.0;\n"                                                        \
  "populations = { y = { model = \"dfc_neuron\"; size = 2; };\n"              \
  "  c = { model = \"pi_controller\"; size = 2; params = { " params " }; };\n" \
  "};\n"                                                                       \
  "projections = ( { from = \"y.r\"; to = \"c.error\"; },\n"                  \
  "  { from = \"c.u\"; to = \"y.apical\"; }" extra " );\n"

START_TEST (test_dfc_bad_input)
{
  expect_fail (CTRL_CIRCUIT ("alpha = -0.1;", ""), 3, "alpha", "-0.1",
               "out of range", NULL);
  expect_fail (CTRL_CIRCUIT ("form = \"papr\";", ""), 3,
               "unknown form 'papr'", "did you mean 'paper'", NULL);
  /* u feeding its own error: an algebraic loop through k_p e */
  expect_fail (CTRL_CIRCUIT ("k_p = 2.0;",
                             ",\n  { from = \"c.u\"; to = \"c.error\"; }"),
               7, "projection 'c.u->c.error' is on a loop through outputs "
               "that depend on", NULL);
  /* apical noise needs an apical time constant */
  expect_fail ("duration = 10.0;\n"
               "populations = { y = { model = \"dfc_neuron\"; size = 2;\n"
               "  params = { sigma = 0.01; }; }; };\n",
               3, "needs an apical time constant tau_A > 0", NULL);
}
END_TEST

static Suite *
dfc_suite (void)
{
  Suite *s = suite_create ("dfc");
  TCase *tc = tcase_create ("dfc");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_dfc_chain_closed_form);
  tcase_add_test (tc, test_dfc_linear_steady_state);
  tcase_add_test (tc, test_dfc_jtimes);
  tcase_add_test (tc, test_dfc_diverging_controller);
  tcase_add_test (tc, test_dfc_bias_and_apical_outputs);
  tcase_add_test (tc, test_dfc_noise_amplitude);
  tcase_add_test (tc, test_dfc_chain_bias);
  tcase_add_test (tc, test_steady_singular_jacobian);
  tcase_add_test (tc, test_dfc_bad_input);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (dfc_suite ());
}
