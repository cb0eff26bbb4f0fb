/* tests/check_defaults.c -- every default pinned twice.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * 1. Tables.  Every parameter default of every registered model and every
 *    rule's table entries (name, signals, state blocks) are compared with a
 *    table written here.  The walk goes over credo_model_list() and
 *    credo_rule_list(), so a parameter, model or rule added without a
 *    pinned value fails ("model X parameter Y has no pinned default"), and
 *    a pin whose parameter is gone fails too.
 *
 * 2. Behaviour.  The values that come from the paper, Sacramento, Ponte
 *    Costa, Bengio & Senn 2018 (NeurIPS; "SAC18"): g_lk = 0.1, g_B = 1.0,
 *    g_A = 0.8, g_D = 1.0, g_som = 0.8 (1/ms) and the soft rectifier
 *    phi(u) = gamma log(1 + e^{beta (u - theta)}) with gamma = 0.1,
 *    beta = 1, theta = 3 (the regression task), are checked through the
 *    steady states of default-parameter neurons with constant inputs
 *    (SAC18 Eqs. 1-5, du/dt = 0):
 *
 *      output pyramidal (g_A = 0), gate 1:
 *        u = (g_B v_B + g_som u_trgt) / (g_lk + g_B + g_som)
 *      hidden pyramidal, apical input, no teaching:
 *        u = (g_B v_B + g_A v_A) / (g_lk + g_B + g_A),
 *        v_hat_B = g_B / (g_lk + g_B + g_A) v_B           (SAC18 Eq. 5)
 *      hidden pyramidal, apical input, gate 1:
 *        u = (g_B v_B + g_A v_A + g_som u_trgt) / (g_lk + g_B + g_A + g_som)
 *      interneuron:
 *        u = (g_D v + g_som u_nudge) / (g_lk + g_D + g_som),
 *        v_hat = g_D / (g_lk + g_D) v
 *
 *    each with r = phi(u) of the paper's numbers.  The numbers below are
 *    the paper's, written here, never read from the models.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credo/model.h"
#include "credo/rule.h"
#include "testutil.h"

/* ---- 1. the tables ------------------------------------------------------- */

/* A pinned default: a number, or (choice != NULL) a name of the list. */
typedef struct pin
{
  const char *model, *param;
  double value;
  const char *choice;
} pin;

/* The rest of a dendritic-microcircuit neuron's table: SAC18's soft
 * rectifier 0.1 log(1 + e^{u - 3}), no noise, resting at 0. */
#define SAC18_SOMA(model)                                                     \
  { model, "transfer", 0, "softplus" }, { model, "gain", 1.0, NULL },         \
  { model, "threshold", 3.0, NULL }, { model, "scale", 0.1, NULL },           \
  { model, "sigma", 0.0, NULL }, { model, "u0", 0.0, NULL }

static const pin pins[] = {
  { "input", "bias", 0.0, NULL },

  { "rate", "tau", 10.0, NULL },
  { "rate", "bias", 0.0, NULL },
  { "rate", "transfer", 0, "tanh" },
  { "rate", "gain", 1.0, NULL },
  { "rate", "threshold", 0.0, NULL },
  { "rate", "scale", 1.0, NULL },
  { "rate", "u0", 0.0, NULL },

  /* SAC18 */
  { "pyramidal", "g_lk", 0.1, NULL },
  { "pyramidal", "g_B", 1.0, NULL },
  { "pyramidal", "g_A", 0.8, NULL },
  { "pyramidal", "g_som", 0.8, NULL },
  SAC18_SOMA ("pyramidal"),

  /* SAC18 */
  { "interneuron", "g_lk", 0.1, NULL },
  { "interneuron", "g_D", 1.0, NULL },
  { "interneuron", "g_som", 0.8, NULL },
  SAC18_SOMA ("interneuron"),

  /* Meulemans et al. 2021: tanh hidden layers, instantaneous apical
   * compartment in the forward phase; the controller of the authors' code
   * (leak on u, k_i = 1) */
  { "dfc_neuron", "tau_v", 1.0, NULL },
  { "dfc_neuron", "tau_A", 0.0, NULL },
  { "dfc_neuron", "bias", 0.0, NULL },
  { "dfc_neuron", "transfer", 0, "tanh" },
  { "dfc_neuron", "gain", 1.0, NULL },
  { "dfc_neuron", "threshold", 0.0, NULL },
  { "dfc_neuron", "scale", 1.0, NULL },
  { "dfc_neuron", "sigma", 0.0, NULL },
  { "dfc_neuron", "v0", 0.0, NULL },
  { "pi_controller", "k_i", 1.0, NULL },
  { "pi_controller", "k_p", 0.0, NULL },
  { "pi_controller", "alpha", 0.0, NULL },
  { "pi_controller", "tau_u", 1.0, NULL },
  { "pi_controller", "form", 0, "code" },
  { "pi_controller", "u_max", 1e6, NULL },
  /* the output target: lambda 0.1 (the authors' runs with fixed feedback;
   * 0.056-0.078 with learned feedback), the mean squared error, PyTorch's
   * batch-mean reduction, one sample per batch */
  { "loss_target", "lambda", 0.1, NULL },
  { "loss_target", "loss", 0, "mse" },
  { "loss_target", "batch", 1.0, NULL },
  { "loss_target", "batch_mean", 1.0, NULL },
  { "loss_target", "r0", 0.0, NULL },
  /* CUBA's neuron (Brette et al. 2007), at rest */
  { "lif", "tau_m", 20.0, NULL },
  { "lif", "v_rest", -60.0, NULL },
  { "lif", "v_th", -50.0, NULL },
  { "lif", "v_reset", -60.0, NULL },
  { "lif", "t_ref", 5.0, NULL },
  { "lif", "tau_syn_e", 5.0, NULL },
  { "lif", "tau_syn_i", 10.0, NULL },
  { "lif", "bias", 0.0, NULL },
  { "lif", "v0", -60.0, NULL },
  { "lif", "v0_spread", 0.0, NULL },
  { "poisson", "rate", 10.0, NULL },
  { "aeif", "C_m", 281.0, NULL },
  { "aeif", "g_L", 30.0, NULL },
  { "aeif", "E_L", -70.6, NULL },
  { "aeif", "V_T", -50.4, NULL },
  { "aeif", "Delta_T", 2.0, NULL },
  { "aeif", "tau_w", 144.0, NULL },
  { "aeif", "a", 4.0, NULL },
  { "aeif", "b", 80.5, NULL },
  { "aeif", "V_reset", -70.6, NULL },
  { "aeif", "V_peak", 0.0, NULL },
  { "aeif", "tau_syn_e", 5.0, NULL },
  { "aeif", "tau_syn_i", 10.0, NULL },
  { "aeif", "I_ext", 0.0, NULL },
  { "aeif", "v0", -70.6, NULL },
  { "aeif", "w0", 0.0, NULL },
  /* least control (Meulemans et al. 2022): the authors' tau = 1, tanh */
  { "implicit_rate", "tau_v", 1.0, NULL },
  { "implicit_rate", "bias", 0.0, NULL },
  { "implicit_rate", "transfer", 0, "tanh" },
  { "implicit_rate", "gain", 1.0, NULL },
  { "implicit_rate", "threshold", 0.0, NULL },
  { "implicit_rate", "scale", 1.0, NULL },
  { "implicit_rate", "v0", 0.0, NULL },
  { "leaky_integral_controller", "k_i", 1.0, NULL },
  { "leaky_integral_controller", "k_p", 0.0, NULL },
  { "leaky_integral_controller", "alpha", 0.0, NULL },
  { "leaky_integral_controller", "tau_u", 1.0, NULL },
  { "leaky_integral_controller", "loss", 0, "mse" },
  { "leaky_integral_controller", "u_max", 1e6, NULL },
  { "dynamic_inversion", "tau_e", 1.0, NULL },
  { "dynamic_inversion", "e0", 0.0, NULL },
};
#define N_PINS (sizeof pins / sizeof pins[0])

static const pin *
find_pin (const char *model, const char *param)
{
  for (size_t i = 0; i < N_PINS; i++)
    if (strcmp (pins[i].model, model) == 0
        && strcmp (pins[i].param, param) == 0)
      return &pins[i];
  return NULL;
}

/* The first disagreement between model m's defaults and the pins, written
 * into msg; 0 when they all agree. */
static int
model_unpinned (const credo_model_type *m, char *msg, size_t len)
{
  for (size_t k = 0; k < m->n_param; k++)
    {
      const credo_param_desc *d = &m->params[k];
      const pin *p = find_pin (m->name, d->name);
      if (!p)
        return snprintf (msg, len, "model %s parameter %s has no pinned "
                         "default", m->name, d->name), -1;
      if (!p->choice != !d->choices)
        return snprintf (msg, len, "model %s parameter %s: pinned as a %s, "
                         "is a %s", m->name, d->name,
                         p->choice ? "choice" : "number",
                         d->choices ? "choice" : "number"), -1;
      if (p->choice && strcmp (d->choices[(size_t) d->def], p->choice) != 0)
        return snprintf (msg, len, "model %s parameter %s: default %s, "
                         "pinned %s", m->name, d->name,
                         d->choices[(size_t) d->def], p->choice), -1;
      if (!p->choice && d->def != p->value)
        return snprintf (msg, len, "model %s parameter %s: default %.15g, "
                         "pinned %.15g", m->name, d->name, d->def, p->value),
               -1;
    }
  return 0;
}

START_TEST (test_model_defaults_pinned)
{
  const credo_model_type *const *list = credo_model_list ();
  char msg[512];
  size_t n_models = 0;
  for (; list[n_models]; n_models++)
    ck_assert_msg (model_unpinned (list[n_models], msg, sizeof msg) == 0,
                   "%s", msg);
  ck_assert_uint_eq (n_models, 14);
  /* and no pin is stale */
  for (size_t i = 0; i < N_PINS; i++)
    {
      const credo_model_type *m = credo_model_find (pins[i].model);
      ck_assert_msg (m != NULL, "pinned model %s is gone", pins[i].model);
      ck_assert_msg (credo_model_param_index (m, pins[i].param) >= 0,
                     "pinned parameter %s of model %s is gone",
                     pins[i].param, pins[i].model);
    }
}
END_TEST

/* The walk catches a parameter added without a pin. */
START_TEST (test_new_parameter_unpinned)
{
  const credo_model_type *pyr = credo_model_find ("pyramidal");
  credo_param_desc params[32];
  credo_model_type m;
  char msg[512] = "";
  ck_assert (pyr && pyr->n_param < 32);
  memcpy (params, pyr->params, pyr->n_param * sizeof *params);
  params[pyr->n_param] = (credo_param_desc){ "g_new", 0.5, "1/ms", 0, 1,
                                             NULL, "a new conductance" };
  m = *pyr;
  m.params = params;
  m.n_param = pyr->n_param + 1;
  ck_assert_int_eq (model_unpinned (&m, msg, sizeof msg), -1);
  ck_assert_str_eq (msg, "model pyramidal parameter g_new has no pinned "
                         "default");
  params[3].def = 0.5; /* g_som */
  m.n_param = pyr->n_param;
  ck_assert_int_eq (model_unpinned (&m, msg, sizeof msg), -1);
  ck_assert_str_eq (msg, "model pyramidal parameter g_som: default 0.5, "
                         "pinned 0.8");
}
END_TEST

/* A rule's pinned table: signals (kind, port), state blocks without and
 * with a filter (-1: the rule refuses a filter), whether it reads the
 * weight decay. */
typedef struct rule_pin
{
  const char *name;
  size_t n_signal;
  credo_rule_signal signals[CREDO_RULE_MAX_SIGNALS];
  int blocks_plain, blocks_filtered;
  int uses_decay;
} rule_pin;

static const rule_pin rule_pins[] = {
  { "dendritic_prediction", 2,
    { { CREDO_SIGNAL_OUTPUT, "r" }, { CREDO_SIGNAL_OWN_PRED, NULL } }, 0, 1,
    0 },
  { "apical_silencing", 2,
    { { CREDO_SIGNAL_ZERO, NULL }, { CREDO_SIGNAL_OWN_INPUT, NULL } }, 0, 1,
    0 },
  { "oja", 1, { { CREDO_SIGNAL_OUTPUT, "r" } }, 0, -1, 0 },
  { "dfc", 2,
    { { CREDO_SIGNAL_OUTPUT, "r" }, { CREDO_SIGNAL_OUTPUT, "basal_pred" } }, 0,
    1, 0 },
  { "dfc_voltage", 2,
    { { CREDO_SIGNAL_OUTPUT, "v" }, { CREDO_SIGNAL_OUTPUT, "basal_hat" } }, 0,
    1, 0 },
  { "dfc_feedback", 1, { { CREDO_SIGNAL_OUTPUT, "v_A" } }, 0, -1, 1 },
  { "lcp", 2,
    { { CREDO_SIGNAL_INPUT, "control" }, { CREDO_SIGNAL_ZERO, NULL } }, 0, 1,
    0 },
  { "kolen_pollack", 2,
    { { CREDO_SIGNAL_INPUT, "rate" }, { CREDO_SIGNAL_ZERO, NULL } }, 0, 1,
    0 },
};
#define N_RULE_PINS (sizeof rule_pins / sizeof rule_pins[0])

static const rule_pin *
find_rule_pin (const char *name)
{
  for (size_t i = 0; i < N_RULE_PINS; i++)
    if (strcmp (rule_pins[i].name, name) == 0)
      return &rule_pins[i];
  return NULL;
}

/* The number of blocks rule r keeps with filter tau_w, or -1 when its check
 * refuses the setting. */
static int
rule_blocks (const credo_rule_type *r, double tau_w)
{
  credo_syn_view v = { 0 };
  char msg[256];
  v.rows = v.cols = 1;
  v.eta = 1;
  v.tau_w = tau_w;
  v.w_min = -INFINITY;
  v.w_max = INFINITY;
  if (r->check && r->check (&v, msg, sizeof msg))
    return -1;
  return r->n_blocks ? (int) r->n_blocks (&v) : 0;
}

static int
same_port (const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp (a, b) == 0);
}

START_TEST (test_rule_tables_pinned)
{
  const credo_rule_type *const *list = credo_rule_list ();
  size_t n = 0;
  for (; list[n]; n++)
    {
      const credo_rule_type *r = list[n];
      const rule_pin *p = find_rule_pin (r->name);
      ck_assert_msg (p != NULL, "rule %s has no pinned table", r->name);
      ck_assert_int_eq (r->version, CREDO_RULE_VERSION);
      ck_assert_msg (r->n_signal == p->n_signal, "rule %s reads %zu signals, "
                     "pinned %zu", r->name, r->n_signal, p->n_signal);
      for (size_t k = 0; k < p->n_signal; k++)
        ck_assert_msg (r->signals[k].kind == p->signals[k].kind
                           && same_port (r->signals[k].port,
                                         p->signals[k].port),
                       "rule %s signal %zu: kind %d port %s, pinned kind %d "
                       "port %s", r->name, k, (int) r->signals[k].kind,
                       r->signals[k].port ? r->signals[k].port : "-",
                       (int) p->signals[k].kind,
                       p->signals[k].port ? p->signals[k].port : "-");
      ck_assert_msg (rule_blocks (r, 0) == p->blocks_plain,
                     "rule %s: %d blocks without a filter, pinned %d",
                     r->name, rule_blocks (r, 0), p->blocks_plain);
      ck_assert_msg (rule_blocks (r, 30) == p->blocks_filtered,
                     "rule %s: %d blocks with tau_w = 30, pinned %d",
                     r->name, rule_blocks (r, 30), p->blocks_filtered);
      ck_assert_msg (r->uses_decay == p->uses_decay, "rule %s: uses_decay "
                     "%d, pinned %d", r->name, r->uses_decay, p->uses_decay);
      if (p->blocks_filtered > 0)
        ck_assert_str_eq (r->block_names[0], "dw");
      ck_assert_ptr_eq (credo_rule_find (r->name), r);
    }
  ck_assert_uint_eq (n, N_RULE_PINS);
}
END_TEST

/* ---- 2. the paper's values through behaviour ------------------------------ */

/* SAC18's numbers */
static const double G_LK = 0.1, G_B = 1.0, G_A = 0.8, G_D = 1.0, G_SOM = 0.8;

/* SAC18's soft rectifier, gamma 0.1, beta 1, theta 3 */
static double
phi (double u)
{
  return 0.1 * log1p (exp (1.0 * (u - 3.0)));
}

#define N_CELLS 3

/* Runs one population `pop` of `model` (3 cells, the default parameters
 * but `params`) for 60 ms (> 100 membrane time constants) with constant
 * stimuli `stims`, and reads pop.<port> for each of the n ports into
 * got[port][cell]. */
static void
settle (const char *model, const char *params, const char *stims,
        const char *const *ports, size_t n, double got[][N_CELLS])
{
  char cfg[2048], what[64];
  run r;
  snprintf (cfg, sizeof cfg,
            "duration = 60.0;\n"
            "populations = { c = { model = \"%s\"; size = %d; params = { %s "
            "}; }; };\n"
            "stimuli = ( %s );\n"
            "solver = { rtol = 1e-11; atol = 1e-13; };\n",
            model, N_CELLS, params, stims);
  r = run_text (cfg, NULL, NULL, 0);
  for (size_t k = 0; k < n; k++)
    {
      snprintf (what, sizeof what, "c.%s", ports[k]);
      ck_assert_msg (credo_sim_get (r.sim, what, got[k], N_CELLS) == 0,
                     "%s: %s", what, credo_errmsg (r.ctx));
    }
  run_free (&r);
}

/* got[0] must be the potentials u, got[1] the rates phi(u). */
static void
expect_soma (double got[][N_CELLS], const double *u, const char *what)
{
  for (int i = 0; i < N_CELLS; i++)
    {
      ck_assert_msg (fabs (got[0][i] - u[i]) < 1e-9,
                     "%s cell %d: u = %.15g, SAC18 steady state %.15g", what,
                     i, got[0][i], u[i]);
      ck_assert_msg (fabs (got[1][i] - phi (u[i])) < 1e-10,
                     "%s cell %d: r = %.15g, SAC18 phi(u) = %.15g", what, i,
                     got[1][i], phi (u[i]));
    }
}

static const double VB[N_CELLS] = { 2.0, -1.5, 6.0 };
static const double VA[N_CELLS] = { 1.0, 3.0, -2.0 };
static const double TRGT[N_CELLS] = { 5.0, 0.5, 4.0 };

#define BASAL "{ to = \"c.basal\"; kind = \"constant\"; value = [2.0, -1.5, 6.0]; }"
#define APICAL "{ to = \"c.apical\"; kind = \"constant\"; value = [1.0, 3.0, -2.0]; }"
#define NUDGE "{ to = \"c.nudge\"; kind = \"constant\"; value = [5.0, 0.5, 4.0]; }"
#define GATE "{ to = \"c.gate\"; kind = \"constant\"; value = 1.0; }"

START_TEST (test_output_pyramidal_sac18)
{
  static const char *const ports[] = { "u", "r" };
  double got[2][N_CELLS], u[N_CELLS];
  /* SAC18's output layer: g_A = 0, nudged to the target with gate 1 */
  settle ("pyramidal", "g_A = 0.0;", BASAL ", " NUDGE ", " GATE, ports, 2,
          got);
  for (int i = 0; i < N_CELLS; i++)
    u[i] = (G_B * VB[i] + G_SOM * TRGT[i]) / (G_LK + G_B + G_SOM);
  expect_soma (got, u, "output pyramidal");
}
END_TEST

START_TEST (test_hidden_pyramidal_sac18)
{
  static const char *const ports[] = { "u", "r", "basal_hat" };
  double got[3][N_CELLS], u[N_CELLS];
  settle ("pyramidal", "", BASAL ", " APICAL, ports, 3, got);
  for (int i = 0; i < N_CELLS; i++)
    {
      double hat = G_B / (G_LK + G_B + G_A) * VB[i];
      u[i] = (G_B * VB[i] + G_A * VA[i]) / (G_LK + G_B + G_A);
      ck_assert_msg (fabs (got[2][i] - hat) < 1e-12,
                     "cell %d: basal_hat = %.15g, SAC18 Eq. 5 %.15g", i,
                     got[2][i], hat);
    }
  expect_soma (got, u, "hidden pyramidal");
  /* teaching adds g_som to the soma's conductances */
  settle ("pyramidal", "", BASAL ", " APICAL ", " NUDGE ", " GATE, ports, 2,
          got);
  for (int i = 0; i < N_CELLS; i++)
    u[i] = (G_B * VB[i] + G_A * VA[i] + G_SOM * TRGT[i])
           / (G_LK + G_B + G_A + G_SOM);
  expect_soma (got, u, "nudged hidden pyramidal");
}
END_TEST

START_TEST (test_interneuron_sac18)
{
  static const char *const ports[] = { "u", "r", "dendrite_hat" };
  double got[3][N_CELLS], u[N_CELLS];
  settle ("interneuron", "",
          "{ to = \"c.dendrite\"; kind = \"constant\"; value = [2.0, -1.5, "
          "6.0]; }, { to = \"c.nudge\"; kind = \"constant\"; value = [5.0, "
          "0.5, 4.0]; }",
          ports, 3, got);
  for (int i = 0; i < N_CELLS; i++)
    {
      double hat = G_D / (G_LK + G_D) * VB[i];
      u[i] = (G_D * VB[i] + G_SOM * TRGT[i]) / (G_LK + G_D + G_SOM);
      ck_assert_msg (fabs (got[2][i] - hat) < 1e-12,
                     "cell %d: dendrite_hat = %.15g, SAC18 %.15g", i,
                     got[2][i], hat);
    }
  expect_soma (got, u, "interneuron");
}
END_TEST

/* The rate neuron's default: tau = 10 ms, tanh; u(t) = 1 - e^{-t/tau} for a
 * unit step, so u(10 ms) = 1 - 1/e. */
START_TEST (test_rate_time_constant)
{
  run r = run_text ("duration = 10.0;\n"
                    "populations = { c = { model = \"rate\"; size = 1; }; };\n"
                    "stimuli = ( { to = \"c.in\"; kind = \"constant\"; "
                    "value = 1.0; } );\n"
                    "solver = { rtol = 1e-11; atol = 1e-13; };\n",
                    NULL, NULL, 0);
  double u, rate, want = 1 - exp (-1.0);
  ck_assert_int_eq (credo_sim_get (r.sim, "c.u", &u, 1), 0);
  ck_assert_int_eq (credo_sim_get (r.sim, "c.r", &rate, 1), 0);
  ck_assert_msg (fabs (u - want) < 1e-8, "u(10 ms) = %.15g, expected %.15g",
                 u, want);
  ck_assert_msg (fabs (rate - tanh (want)) < 1e-8, "r = %.15g", rate);
  run_free (&r);
}
END_TEST

static Suite *
defaults_suite (void)
{
  Suite *s = suite_create ("defaults");
  TCase *tc = tcase_create ("defaults");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_model_defaults_pinned);
  tcase_add_test (tc, test_new_parameter_unpinned);
  tcase_add_test (tc, test_rule_tables_pinned);
  tcase_add_test (tc, test_output_pyramidal_sac18);
  tcase_add_test (tc, test_hidden_pyramidal_sac18);
  tcase_add_test (tc, test_interneuron_sac18);
  tcase_add_test (tc, test_rate_time_constant);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (defaults_suite ());
}
