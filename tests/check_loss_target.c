/* tests/check_loss_target.c -- DFC's output target (Meulemans et al.
 * 2021): the loss_target model against hand-computed numbers, its loss
 * gradient against finite differences of its own loss, the batch scaling,
 * and a run in which its error drives a controller.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   r* = r_ff - c dl/dr (r_ff),  c = lambda / B (batch_mean 1) or lambda
 *   mse            l = (1/n) sum (r - t)^2,      dl/dr = 2 (r - t) / n
 *   cross_entropy  l = -sum t log softmax(r),    dl/dr = softmax(r) sum t - t
 *
 *   - hand-computed: n = 1 mse r_ff = 1, t = 1.5, lambda = 0.5 gives
 *     r* = 1.5, l = 0.25; cross_entropy r_ff = (0, ln 3) (softmax 1/4,
 *     3/4), t = (1, 0), lambda = 0.2 gives r* = (0.15, ln 3 - 0.15),
 *     l = (ln 4, 0); logits near 1000 give finite numbers;
 *   - dl/dr = (r_ff - r*) / lambda against the central difference of the
 *     summed `loss` port, random r_ff and t, both losses (relative 1e-7);
 *   - batch = 4: r_ff - r* is lambda / 4 dl/dr with batch_mean 1, lambda
 *     dl/dr with batch_mean 0;
 *   - a run: rates y(t) = s (1 - e^{-t}) into `output`, `error` one-to-one
 *     into a PI controller: error = r* - y at every recorded time and
 *     u_int(T) = r* T - s (T - 1 + e^{-T});
 *   - J*v of the circuit and d error (the derived output's perturbation)
 *     against central differences, and the model's local derivatives
 *     unit by unit;
 *   - bad parameters rejected with the config's line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "testutil.h"

#define NMAX 8

/* ---- the model alone ------------------------------------------------------ */

static const credo_model_type *
lt_model (void)
{
  const credo_model_type *m = credo_model_find ("loss_target");
  ck_assert_msg (m != NULL, "model loss_target is not registered");
  return m;
}

/* The parameters: defaults, then lambda, the loss named `loss`, batch and
 * batch_mean. */
static void
lt_params (double *p, double lambda, const char *loss, double batch,
           double batch_mean)
{
  const credo_model_type *m = lt_model ();
  int k = credo_model_param_index (m, "loss");
  ck_assert_uint_le (m->n_param, 16);
  for (size_t i = 0; i < m->n_param; i++)
    p[i] = m->params[i].def;
  p[credo_model_param_index (m, "lambda")] = lambda;
  p[credo_model_param_index (m, "batch")] = batch;
  p[credo_model_param_index (m, "batch_mean")] = batch_mean;
  ck_assert_int_ge (k, 0);
  for (size_t c = 0;; c++)
    {
      ck_assert_msg (m->params[k].choices[c] != NULL, "no loss %s", loss);
      if (strcmp (m->params[k].choices[c], loss) == 0)
        {
          p[k] = (double) c;
          break;
        }
    }
  ck_assert_int_eq (m->check (p, (char[128]){ 0 }, 128), 0);
}

/* Evaluates n units at state r_ff with label t and output rates rl (NULL:
 * 0): the outputs target, loss and error (each may be NULL). */
static void
lt_eval (const double *p, size_t n, const double *rff, const double *t,
         const double *rl, double *target, double *loss, double *error)
{
  const credo_model_type *m = lt_model ();
  static const double zeros[NMAX];
  double bufs[3][NMAX], *out[3];
  const double *in[2];
  credo_pop_view v;
  int ie = credo_model_output_index (m, "error");
  int it = credo_model_output_index (m, "target");
  int il = credo_model_output_index (m, "loss");
  ck_assert_uint_le (n, NMAX);
  ck_assert (ie >= 0 && it >= 0 && il >= 0 && m->n_out == 3);
  ck_assert (m->n_in == 2 && m->n_var == 1);
  in[credo_model_input_index (m, "output")] = rl ? rl : zeros;
  in[credo_model_input_index (m, "label")] = t;
  for (int k = 0; k < 3; k++)
    out[k] = bufs[k];
  v.n = n;
  v.p = p;
  v.in = in;
  m->output (&v, 0.0, rff, out);
  m->derived (&v, 0.0, rff, out);
  if (target)
    memcpy (target, out[it], n * sizeof *target);
  if (loss)
    memcpy (loss, out[il], n * sizeof *loss);
  if (error)
    memcpy (error, out[ie], n * sizeof *error);
}

/* One hand-computed case: n units at r_ff with label t and output rates
 * r_L, and the outputs they give. */
typedef struct hand_case
{
  const char *loss;
  double lambda;
  size_t n;
  double rff[3], t[3], rl[3];
  double target[3], loss_terms[3], error[3];
  double tol;
} hand_case;

START_TEST (test_lt_hand_computed)
{
  const double ln3 = log (3.0), ln4 = log (4.0);
  const double z = exp (1.0) + exp (2.0) + 1.0;
  const hand_case cases[] = {
    /* mse, one unit: dl/dr = 2 (1 - 1.5) = -1, r* = 1 + 0.5 */
    { "mse", 0.5, 1, { 1.0 }, { 1.5 }, { 1.2 }, { 1.5 }, { 0.25 },
      { 1.5 - 1.2 }, 1e-15 },
    /* mse, two units: dl/dr = (r - t) = (1, -2), r* = r - 0.1 (1, -2) */
    { "mse", 0.1, 2, { 1.0, -1.0 }, { 0.0, 1.0 }, { 0 }, { 0.9, -0.8 },
      { 0.5, 2.0 }, { 0.9, -0.8 }, 1e-15 },
    /* softmax(0, ln 3) = (1/4, 3/4), dl/dr = (-3/4, 3/4) */
    { "cross_entropy", 0.2, 2, { 0.0, ln3 }, { 1.0, 0.0 }, { 0.1, 1.0 },
      { 0.15, ln3 - 0.15 }, { ln4, 0.0 }, { 0.05, ln3 - 1.15 }, 1e-15 },
    /* t = (1, 1), sum 2: dl/dr = 2 softmax - t = (-1/2, 1/2) */
    { "cross_entropy", 1.0, 2, { 0.0, ln3 }, { 1.0, 1.0 }, { 0 },
      { 0.5, ln3 - 0.5 }, { ln4, ln4 - ln3 }, { 0.5, ln3 - 0.5 }, 1e-15 },
    /* logits near 1000: softmax of (1, 2, 0); l_2 = log(e + e^2 + 1) */
    { "cross_entropy", 1.0, 3, { 1000.0, 1001.0, 999.0 }, { 0, 0, 1 },
      { 0 }, { 1000.0 - exp (1.0) / z, 1001.0 - exp (2.0) / z,
               999.0 + 1.0 - 1.0 / z },
      { 0, 0, log (z) }, { 1000.0 - exp (1.0) / z, 1001.0 - exp (2.0) / z,
                           999.0 + 1.0 - 1.0 / z }, 1e-12 },
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
    {
      const hand_case *c = &cases[k];
      double p[16], tg[3], l[3], e[3];
      char what[3][64];
      snprintf (what[0], sizeof what[0], "case %zu (%s): r*", k, c->loss);
      snprintf (what[1], sizeof what[1], "case %zu (%s): l", k, c->loss);
      snprintf (what[2], sizeof what[2], "case %zu (%s): error", k, c->loss);
      lt_params (p, c->lambda, c->loss, 1, 1);
      lt_eval (p, c->n, c->rff, c->t, c->rl, tg, l, e);
      assert_close (tg, c->target, c->n, c->tol, 0, what[0]);
      assert_close (l, c->loss_terms, c->n, c->tol, 0, what[1]);
      assert_close (e, c->error, c->n, c->tol, 0, what[2]);
    }
}
END_TEST

/* L(r) = sum_j l_j, the summed `loss` port at state r. */
static double
loss_sum (const double *p, size_t n, const double *r, const double *t)
{
  double l[NMAX], s = 0;
  lt_eval (p, n, r, t, NULL, NULL, l, NULL);
  for (size_t j = 0; j < n; j++)
    s += l[j];
  return s;
}

/* dl/dr = (r_ff - r*) / lambda (B = 1) against the central difference of
 * the summed loss port. */
static void
expect_grad_fd (const char *loss, size_t n, const double *r, const double *t)
{
  const double lambda = 0.7, h = 1e-5;
  double p[16], tg[NMAX], g[NMAX], fd[NMAX], rp[NMAX], gmax = 0;
  char what[64];
  lt_params (p, lambda, loss, 1, 1);
  lt_eval (p, n, r, t, NULL, tg, NULL, NULL);
  for (size_t j = 0; j < n; j++)
    {
      double lp, lm;
      g[j] = (r[j] - tg[j]) / lambda;
      gmax = fmax (gmax, fabs (g[j]));
      memcpy (rp, r, n * sizeof *rp);
      rp[j] = r[j] + h;
      lp = loss_sum (p, n, rp, t);
      rp[j] = r[j] - h;
      lm = loss_sum (p, n, rp, t);
      fd[j] = (lp - lm) / (2 * h);
    }
  ck_assert_msg (gmax > 1e-3, "%s: a vanishing gradient tests nothing", loss);
  snprintf (what, sizeof what, "%s dl/dr vs central difference", loss);
  assert_close (g, fd, n, 1e-7 * gmax, 1e-7, what);
}

START_TEST (test_lt_gradient_fd)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  enum { N = 5 };
  gsl_rng_set (rng, 2021);
  for (int rep = 0; rep < 4; rep++)
    {
      double r[N], t[N], tp[N], s = 0;
      for (int j = 0; j < N; j++)
        {
          r[j] = 4 * gsl_rng_uniform (rng) - 2;
          t[j] = 2 * gsl_rng_uniform (rng) - 1;
          tp[j] = gsl_rng_uniform (rng);
          s += tp[j];
        }
      expect_grad_fd ("mse", N, r, t);
      /* unnormalised weights (sum t != 1), then a probability vector, then
       * one-hot */
      expect_grad_fd ("cross_entropy", N, r, tp);
      for (int j = 0; j < N; j++)
        tp[j] /= s;
      expect_grad_fd ("cross_entropy", N, r, tp);
      for (int j = 0; j < N; j++)
        tp[j] = j == rep;
      expect_grad_fd ("cross_entropy", N, r, tp);
    }
  gsl_rng_free (rng);
}
END_TEST

/* batch = 4: the step is lambda / 4 with batch_mean, lambda without. */
START_TEST (test_lt_batch_mean)
{
  const char *const names[2] = { "mse", "cross_entropy" };
  const double r[3] = { 0.3, -1.2, 0.8 }, t[3] = { 0.0, 1.0, 0.0 };
  for (int k = 0; k < 2; k++)
    {
      double p[16], ref[3], mean[3], sum[3], one[3], d1[3], d4[3], d0[3];
      lt_params (p, 1.0, names[k], 1, 1);
      lt_eval (p, 3, r, t, NULL, ref, NULL, NULL);
      lt_params (p, 0.5, names[k], 4, 1);
      lt_eval (p, 3, r, t, NULL, mean, NULL, NULL);
      lt_params (p, 0.5, names[k], 4, 0);
      lt_eval (p, 3, r, t, NULL, sum, NULL, NULL);
      lt_params (p, 0.5, names[k], 1, 0);
      lt_eval (p, 3, r, t, NULL, one, NULL, NULL);
      for (int j = 0; j < 3; j++)
        {
          d1[j] = r[j] - ref[j]; /* dl/dr */
          d4[j] = (r[j] - mean[j]) * 8.0;
          d0[j] = (r[j] - sum[j]) * 2.0;
          ck_assert_msg (one[j] == sum[j], "%s: batch_mean 0 depends on the "
                         "batch size", names[k]);
        }
      assert_close (d4, d1, 3, 1e-14, 1e-14, "batch_mean 1: lambda / B");
      assert_close (d0, d1, 3, 1e-14, 1e-14, "batch_mean 0: lambda");
    }
}
END_TEST

/* ---- in a circuit ---------------------------------------------------------- */

/* Linear rates y = s (1 - e^{-t}) (tau 1 ms, s = (0.5, -1)) into lt's
 * output; lt.error into a PI controller's error (k_i 1, no leak, tau_u
 * 1 ms), so u_int = int_0^t (r* - y); r_ff = r0 = 0.25, t = (1, 0),
 * lambda = 0.5.  mse: r* = 0.25 - 0.5 (r_ff - t) = (0.625, 0.125);
 * cross_entropy: softmax = (1/2, 1/2), r* = 0.25 - 0.5 (-1/2, 1/2) =
 * (0.5, 0). */
#define LT_CIRCUIT                                                            \
  "duration = 5.0;\n"                                                         \
  "populations = {\n"                                                         \
  "  y = { model = \"rate\"; size = 2; params = { tau = 1.0; transfer = "    \
  "\"linear\"; }; };\n"                                                       \
  "  lt = { model = \"loss_target\"; size = 2; params = { lambda = 0.5; r0 " \
  "= 0.25; }; };\n"                                                           \
  "  c = { model = \"pi_controller\"; size = 2; }; };\n"                      \
  "projections = (\n"                                                         \
  "  { from = \"y.r\"; to = \"lt.output\"; connectivity = \"one_to_one\";\n"  \
  "    init = { dist = \"constant\"; value = 1.0; }; },\n"                    \
  "  { from = \"lt.error\"; to = \"c.error\"; connectivity = "               \
  "\"one_to_one\";\n"                                                         \
  "    init = { dist = \"constant\"; value = 1.0; }; } );\n"                  \
  "stimuli = ( { to = \"y.in\"; kind = \"constant\"; value = [0.5, -1.0]; "  \
  "},\n"                                                                      \
  "  { to = \"lt.label\"; kind = \"constant\"; value = [1.0, 0.0]; } );\n"    \
  "record = ( { what = \"lt.error\"; every = 0.5; },\n"                       \
  "  { what = \"lt.target\"; every = 0.5; }, { what = \"y.r\"; every = 0.5; " \
  "} );\n"                                                                    \
  "solver = { rtol = 1e-10; atol = 1e-12; };\n"

/* Without a feed-forward chain nothing sets r_ff: the circuit above is
 * refused where the population is defined (its run through a protocol is
 * in check_dfc_learning and the dfc_chain example). */
START_TEST (test_lt_needs_chain)
{
  expect_fail (LT_CIRCUIT, 4, "population 'lt' (model loss_target) needs a "
               "feed-forward chain", "protocol = \"dfc\"", NULL);
}
END_TEST

/* ---- Jacobians ------------------------------------------------------------- */

/* The circuit with a loop through the target: tanh dfc_neuron rates y
 * (the output layer of a one-layer DFC chain x -> y, so that lt has the
 * feed-forward pass it needs), lt.error into the controller with k_p = 2
 * (u depends on error at once), u back into y.apical.  State: y.v, y.a
 * (6), lt.r_ff (3), c.u_int (3), then the frozen forward weights W (9). */
#define LT_LOOP                                                               \
  "duration = 1.0;\n"                                                         \
  "populations = {\n"                                                         \
  "  y = { model = \"dfc_neuron\"; size = 3; params = { tau_v = 2.0; }; };\n" \
  "  lt = { model = \"loss_target\"; size = 3; params = { lambda = 0.3; "     \
  "batch = 2.0; }; };\n"                                                      \
  "  c = { model = \"pi_controller\"; size = 3; params = { k_p = 2.0; "       \
  "alpha = 0.1; }; };\n"                                                      \
  "  x = { model = \"input\"; size = 3; }; };\n"                             \
  "projections = (\n"                                                         \
  "  { from = \"y.r\"; to = \"lt.output\"; connectivity = \"one_to_one\";\n"  \
  "    init = { dist = \"constant\"; value = 1.0; }; },\n"                    \
  "  { from = \"lt.error\"; to = \"c.error\"; connectivity = "               \
  "\"one_to_one\";\n"                                                         \
  "    init = { dist = \"constant\"; value = 1.0; }; },\n"                    \
  "  { from = \"c.u\"; to = \"y.apical\"; init = { dist = \"normal\"; std = " \
  "1.0; }; },\n"                                                              \
  "  { from = \"x.r\"; to = \"y.basal\"; init = { dist = \"normal\"; std = " \
  "1.0; }; plasticity = { rule = \"dfc\"; eta = 1.0; }; } );\n"              \
  "stimuli = ( { to = \"lt.label\"; kind = \"constant\"; value = [0.2, 0.7, " \
  "0.1]; },\n"                                                                \
  "  { to = \"x\"; kind = \"constant\"; value = [0.5, -0.3, 0.9]; } );\n"     \
  "learning = { protocol = \"dfc\"; every = 1.0; layers = [\"x\", \"y\"];\n"  \
  "  dfc = { controller = \"c\"; target = \"lt\"; optimizer = \"none\"; }; "  \
  "};\n"

/* J*v against the central difference of the RHS, J v from the dense J,
 * and the perturbation of lt.error against its central difference; v_rff
 * scales v's r_ff components (cross_entropy's coupling through the softmax
 * is outside the unit-local interface: its J*v holds for v_rff = 0). */
static void
expect_jtimes (const char *loss, double v_rff)
{
  enum { NS = 21 };
  const char *sets[1];
  char set[128];
  credo_ctx *ctx = credo_ctx_new ();
  credo_spec *spec;
  credo_net *net;
  double y[NS], v[NS], jv[NS], fd[NS], J[NS * NS], Jv[NS], yp[NS], de[3],
      ep[3], em[3];
  const double h = 1e-6;
  int lt, oe;
  size_t r0, r1;
  snprintf (set, sizeof set, "populations.lt.params.loss=\"%s\"", loss);
  sets[0] = set;
  spec = credo_spec_load_string (ctx, LT_LOOP, "loop.cfg", sets, 1);
  net = spec ? credo__net_build (ctx, spec) : NULL;
  ck_assert_msg (net != NULL, "%s", credo_errmsg (ctx));
  ck_assert_uint_eq (net->n_state, NS);
  lt = 1;
  ck_assert_str_eq (net->pops[lt].model->name, "loss_target");
  oe = credo_model_output_index (net->pops[lt].model, "error");
  r0 = net->pops[lt].offset; /* lt.r_ff */
  r1 = r0 + 3;
  for (int i = 0; i < NS; i++)
    {
      y[i] = 0.35 * (i % 9) - 1.1;
      v[i] = ((size_t) i >= r0 && (size_t) i < r1 ? v_rff : 1.0)
             * (0.8 - 0.23 * (i % 9));
    }
  credo__net_jac_setup (net, 0.5, y);
  credo__net_jtimes (net, v, jv);
  memcpy (de, net->pops[lt].dout[oe], sizeof de);
  rhs_central_diff (net, 0.5, y, v, 1e-6, fd);
  assert_close (jv, fd, NS, 1e-8, 1e-7, "J*v vs central difference");
  credo__net_jac_dense (net, J, NS);
  for (int i = 0; i < NS; i++)
    {
      Jv[i] = 0;
      for (int j = 0; j < NS; j++)
        Jv[i] += J[j * NS + i] * v[j];
    }
  assert_close (Jv, jv, NS, 1e-14, 1e-13, "dense J v vs J*v");
  /* d error = d r* - d r_L, r_L the output port's perturbation */
  for (int sign = -1; sign <= 1; sign += 2)
    {
      for (int i = 0; i < NS; i++)
        yp[i] = y[i] + sign * h * v[i];
      credo__net_eval (net, 0.5, yp);
      memcpy (sign < 0 ? em : ep, net->pops[lt].out[oe], sizeof ep);
    }
  for (int i = 0; i < 3; i++)
    ep[i] = (ep[i] - em[i]) / (2 * h);
  assert_close (de, ep, 3, 1e-8, 1e-7, "d error vs central difference");
  credo__net_free (net);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
}

START_TEST (test_lt_jtimes)
{
  expect_jtimes ("mse", 1.0);
  expect_jtimes ("cross_entropy", 0.0);
}
END_TEST

/* The local derivatives the model reports, unit by unit: d out_i / d
 * r_ff,i of error, target and loss (perturbing r_ff,i alone), d error_i /
 * d output_i = -1, and no dynamics (df/dy = df/din = 0), against central
 * differences of lt_eval. */
START_TEST (test_lt_local_jacobian)
{
  const credo_model_type *m = lt_model ();
  const char *const names[2] = { "mse", "cross_entropy" };
  const double r[3] = { 0.4, -0.9, 1.3 }, t[3] = { 0.2, 0.5, 0.3 };
  const double rl[3] = { 0.1, 0.2, -0.3 }, h = 1e-6;
  int ie = credo_model_output_index (m, "error");
  int it = credo_model_output_index (m, "target");
  int il = credo_model_output_index (m, "loss");
  int io = credo_model_input_index (m, "output");
  for (int k = 0; k < 2; k++)
    {
      double p[16], dfdy[3], dfdin[6], dody[9], dodin[18];
      double rp[3], o[2][3][3], got[3][3], fd[3][3], de[3];
      const double *in[2];
      credo_local_jac jac = { dfdy, dfdin, dody, dodin };
      credo_pop_view v = { 3, p, in };
      lt_params (p, 0.6, names[k], 3, 1);
      in[io] = rl;
      in[credo_model_input_index (m, "label")] = t;
      memset (dfdy, 0x7f, sizeof dfdy); /* garbage the model must clear */
      memset (dfdin, 0x7f, sizeof dfdin);
      m->jacobian (&v, 0.0, r, &jac);
      assert_close (dfdy, NULL, 3, 0, 0, "d f / d r_ff");
      assert_close (dfdin, NULL, 6, 0, 0, "d f / d inputs");
      for (int i = 0; i < 3; i++)
        {
          for (int s = 0; s < 2; s++)
            {
              memcpy (rp, r, sizeof rp);
              rp[i] += s ? h : -h;
              lt_eval (p, 3, rp, t, rl, o[s][it], o[s][il], o[s][ie]);
            }
          for (int q = 0; q < 3; q++)
            {
              fd[q][i] = (o[1][q][i] - o[0][q][i]) / (2 * h);
              got[q][i] = dody[q * 3 + i];
            }
          de[i] = dodin[(ie * 2 + io) * 3 + i];
        }
      assert_close (got[ie], fd[ie], 3, 1e-9, 1e-7, "d error_i / d r_ff,i");
      assert_close (got[it], fd[it], 3, 1e-9, 1e-7, "d target_i / d r_ff,i");
      assert_close (got[il], fd[il], 3, 1e-9, 1e-7, "d loss_i / d r_ff,i");
      for (int i = 0; i < 3; i++)
        assert_close1 (de[i], -1.0, 0, 0, "d error / d output");
    }
}
END_TEST

/* ---- bad input ---------------------------------------------------------------- */

#define LT_PARAMS(params)                                                     \
  "duration = 1.0;\n"                                                         \
  "populations = {\n"                                                         \
  "  lt = { model = \"loss_target\"; size = 2; params = { " params " }; };\n" \
  "};\n"

START_TEST (test_lt_bad_input)
{
  expect_fail (LT_PARAMS ("lambda = -0.1;"), 3, "'lambda' = -0.1",
               "out of range", NULL);
  expect_fail (LT_PARAMS ("lambda = 1e999;"), 3, "must be a finite number",
               NULL);
  expect_fail (LT_PARAMS ("batch = 0.0;"), 3, "'batch' = 0", "out of range",
               NULL);
  expect_fail (LT_PARAMS ("batch = 2.5;"), 3, "batch = 2.5 must be a whole "
               "number >= 1", NULL);
  expect_fail (LT_PARAMS ("batch_mean = 0.5;"), 3, "batch_mean = 0.5 must "
               "be 0 or 1", NULL);
  expect_fail (LT_PARAMS ("loss = \"cross_entropi\";"), 3,
               "unknown loss 'cross_entropi' for model loss_target",
               "did you mean 'cross_entropy'", "(one of: mse, cross_entropy)",
               NULL);
  expect_fail (LT_PARAMS ("loss = \"mae\";"), 3, "unknown loss 'mae'",
               "(one of: mse, cross_entropy)", NULL);
  /* the label takes stimuli only */
  expect_fail ("duration = 1.0;\n"
               "populations = { y = { model = \"rate\"; size = 2; };\n"
               "  lt = { model = \"loss_target\"; size = 2; }; };\n"
               "projections = ( { from = \"y.r\"; to = \"lt.label\"; } );\n",
               4, "input port 'label' of population 'lt'", "stimuli only",
               NULL);
}
END_TEST

static Suite *
loss_target_suite (void)
{
  Suite *s = suite_create ("loss_target");
  TCase *tc = tcase_create ("loss_target");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_lt_hand_computed);
  tcase_add_test (tc, test_lt_gradient_fd);
  tcase_add_test (tc, test_lt_batch_mean);
  tcase_add_test (tc, test_lt_needs_chain);
  tcase_add_test (tc, test_lt_jtimes);
  tcase_add_test (tc, test_lt_local_jacobian);
  tcase_add_test (tc, test_lt_bad_input);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (loss_target_suite ());
}
