/* src/learn/dfc_sleep.c -- the feedback-learning ("sleep") phase of Deep
 * Feedback Control (Meulemans et al. 2021, NeurIPS, Sect. 5) for a
 * minibatch: one stochastic system whose samples are integrated together,
 * and the anti-Hebbian feedback update read off its trajectory.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Without a teaching signal the output target is the network's own
 * feed-forward output r_N^-; white noise drives the apical compartments
 * and the controller counters it.  Per sample, with the sleep phase's own
 * constants (k_p, alpha, tau_v, tau_A; k_i = 1):
 *
 *   tau_A dv_A,k = (-v_A,k + Q_k u) dt + sigma dW_k
 *   tau_v dv_k/dt = -v_k + a_k W_k phi(v_{k-1}) + b_k + v_A,k,  v_0 = x
 *   e = r_N^- - phi(v_N),  u = u_int + k_p e,
 *   tau_u du_int/dt = e - alpha u          (the authors' "code" form)
 *
 * integrated by Euler-Maruyama (the euler engine) as the authors do, their
 * noise sigma sqrt(dt) / tau_A xi per step on v_A.  The state is (v - v^-,
 * v_A, u_int) per sample, batch-major; layer 1's basal input is constant.
 * Their update (compute_feedback_gradients, fb_learning_rule
 * "normal_controller") is the time and batch average
 *
 *   G_Q,k = 1 / (max(sigma, 0.01)^2 T B) sum_b int v_A,k u^T dt
 *
 * which Adam descends with weight decay: Q moves along -G - wd Q, towards
 * the anti-correlation of apical noise and control, whose fixed point
 * makes Q span the column space of J^T (the paper's condition for
 * Gauss-Newton credit assignment).  The integral is the Riemann sum over
 * the engine's steps, each step's product at its end (the authors pair
 * v_A(t) with u(t + dt)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

#include "learn/dfc_batch.h"
#include "learn/dfc_sleep.h"

struct credo_dfc_sleep
{
  credo_ctx *ctx;
  const credo_ff_chain *c;
  credo_dfc_sleep_params p;
  size_t N, B, nb, m, nv, P;
  size_t *off;               /* per layer k >= 1: offset of v_k in a sample */
  const double *const *W, *const *bias, *Q, *X;
  double **vff, **rff, **r;  /* per layer, B x n_k */
  double *U, *E;             /* B x m */
  double *atol;
  double t_last;             /* the last step's time (the Riemann sum) */
  credo_system sys;
};

void
credo__dfc_sleep_free (credo_dfc_sleep *s)
{
  if (!s)
    return;
  for (size_t k = 0; k < s->N; k++)
    {
      if (s->vff)
        free (s->vff[k]);
      if (s->rff && k)
        free (s->rff[k]);
      if (s->r)
        free (s->r[k]);
    }
  free (s->vff);
  free (s->rff);
  free (s->r);
  free (s->off);
  free (s->U);
  free (s->E);
  free (s->atol);
  free (s);
}

/* Rates of the layers first .. N-1 at state z (into r[k]) and the
 * control (U, E), which needs only the output layer's. */
static void
state (credo_dfc_sleep *s, const double *z, size_t first)
{
  size_t N = s->N, m = s->m, P = s->P;
  for (size_t k = first; k < N; k++)
    {
      const credo_ff_layer *L = &s->c->L[k];
      size_t n = L->n;
      double *v = s->r[k];
      for (size_t b = 0; b < s->nb; b++)
        for (size_t i = 0; i < n; i++)
          v[b * n + i] = s->vff[k][b * n + i] + z[b * P + s->off[k] + i];
      credo__transfer_eval_batch (&L->phi, s->nb * n, v, v, NULL);
    }
  for (size_t b = 0; b < s->nb; b++)
    for (size_t o = 0; o < m; o++)
      {
        /* the target is the network's own feed-forward output */
        double e = s->rff[N - 1][b * m + o] - s->r[N - 1][b * m + o];
        s->E[b * m + o] = e;
        s->U[b * m + o] = z[b * P + 2 * s->nv + o] + s->p.k_p * e;
      }
}

static int
sleep_rhs (void *ud, double t, const double *z, double *zdot)
{
  credo_dfc_sleep *s = ud;
  size_t N = s->N, m = s->m, P = s->P, nb = s->nb, nv = s->nv;
  /* multiplications in the loops below, not divisions */
  const double inv_A = 1.0 / s->p.tau_A, inv_v = 1.0 / s->p.tau_v;
  (void) t;
  state (s, z, 1);
  for (size_t k = 1; k < N; k++)
    {
      const credo_ff_layer *L = &s->c->L[k];
      size_t n = L->n, o = s->off[k], np = s->c->L[k - 1].n;
      /* apical: Q_k u into its block, then (-v_A + Q u) / tau_A */
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb, (int) n,
                   (int) m, 1.0, s->U, (int) m, s->Q + o * m, (int) m, 0.0,
                   zdot + nv + o, (int) P);
      /* soma: the basal change (layer 1: none, its input is constant) */
      if (k > 1)
        cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb,
                     (int) n, (int) np, L->a, s->r[k - 1], (int) np, s->W[k],
                     (int) np, 0.0, zdot + o, (int) P);
      for (size_t b = 0; b < nb; b++)
        {
          double *zd = zdot + b * P;
          const double *zb = z + b * P;
          const double *vb = s->vff[k] + b * n;
          const double *bk = s->bias ? s->bias[k] : NULL;
          for (size_t i = 0; i < n; i++)
            {
              double basal_minus_ff
                  = k > 1 ? zd[o + i] + (bk ? bk[i] : 0) - vb[i] : 0;
              zd[nv + o + i] = (zd[nv + o + i] - zb[nv + o + i]) * inv_A;
              zd[o + i] = (basal_minus_ff - zb[o + i] + zb[nv + o + i])
                          * inv_v;
            }
        }
    }
  for (size_t b = 0; b < nb; b++)
    for (size_t o = 0; o < m; o++)
      zdot[b * P + 2 * nv + o] = (s->E[b * m + o] - s->p.alpha
                                                         * s->U[b * m + o])
                                 / s->p.tau_u;
  for (size_t i = 0; i < nb * P; i++)
    if (!isfinite (zdot[i]))
      return 1;
  return 0;
}

/* sigma / tau_A on the apical states, nothing elsewhere. */
static int
sleep_noise (void *ud, double *sigma, int *any)
{
  credo_dfc_sleep *s = ud;
  for (size_t b = 0; b < s->nb; b++)
    for (size_t j = 0; j < s->P; j++)
      sigma[b * s->P + j] = j >= s->nv && j < 2 * s->nv
                                ? s->p.sigma / s->p.tau_A
                                : 0.0;
  *any = s->p.sigma > 0;
  return 0;
}

static int
sleep_describe (void *ud, size_t i, char *buf, size_t len)
{
  const credo_dfc_sleep *s = ud;
  size_t b = i / s->P, j = i % s->P;
  const char *var = j < s->nv ? "v" : j < 2 * s->nv ? "v_A" : "u_int";
  snprintf (buf, len, "sleep phase, sample %zu, variable '%s', index %zu", b,
            var, j < 2 * s->nv ? j % s->nv : j - 2 * s->nv);
  return 0;
}

credo_dfc_sleep *
credo__dfc_sleep_new (credo_ctx *ctx, const credo_ff_chain *c,
                      const credo_dfc_sleep_params *p, size_t B)
{
  size_t N = c->n_layers;
  credo_dfc_sleep *s = credo__calloc (1, sizeof *s);
  if (!s)
    goto nomem;
  s->ctx = ctx;
  s->c = c;
  s->p = *p;
  s->N = N;
  s->B = s->nb = B;
  s->m = c->L[N - 1].n;
  s->nv = credo__chain_units (c, 1);
  s->P = 2 * s->nv + s->m;
  if (!(s->off = credo__calloc (N, sizeof *s->off))
      || !(s->vff = credo__calloc (N, sizeof *s->vff))
      || !(s->rff = credo__calloc (N, sizeof *s->rff))
      || !(s->r = credo__calloc (N, sizeof *s->r))
      || !(s->U = credo__calloc (B * s->m, sizeof (double)))
      || !(s->E = credo__calloc (B * s->m, sizeof (double)))
      || !(s->atol = credo__calloc (B * s->P, sizeof (double))))
    goto nomem;
  for (size_t k = 1, o = 0; k < N; k++)
    {
      size_t n = c->L[k].n;
      s->off[k] = o;
      o += n;
      if (!(s->vff[k] = credo__calloc (B * n, sizeof (double)))
          || !(s->rff[k] = credo__calloc (B * n, sizeof (double)))
          || !(s->r[k] = credo__calloc (B * n, sizeof (double))))
        goto nomem;
    }
  s->sys.ctx = ctx;
  s->sys.batch = B;
  s->sys.atol = s->atol;
  s->sys.ud = s;
  s->sys.rhs = sleep_rhs;
  s->sys.noise = sleep_noise;
  s->sys.describe = sleep_describe;
  return s;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
  credo__dfc_sleep_free (s);
  return NULL;
}

void
credo__dfc_sleep_setup (credo_dfc_sleep *s, size_t nb,
                        const double *const *W, const double *const *bias,
                        const double *Q, const double *X, unsigned long seed)
{
  s->nb = nb;
  s->W = W;
  s->bias = bias;
  s->Q = Q;
  s->X = X;
  s->sys.n = nb * s->P;
  s->sys.batch = nb;
  s->sys.seed = seed;
  s->t_last = 0;
  s->rff[0] = (double *) X;
  credo__batch_forward (s->c, nb, W, bias, s->vff, s->rff, NULL);
}

const credo_system *
credo__dfc_sleep_system (credo_dfc_sleep *s)
{
  return &s->sys;
}

void
credo__dfc_sleep_accumulate (credo_dfc_sleep *s, double t, const double *z,
                             double *G)
{
  double dt = t - s->t_last;
  size_t m = s->m;
  s->t_last = t;
  if (!(dt > 0))
    return;
  state (s, z, s->N - 1); /* u needs the output layer only */
  /* G (nv x m) += dt sum_b v_A,b u_b^T, every layer's block at once:
   * v_A is the batch's [nb x nv] block at column nv, leading dimension P */
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) s->nv, (int) m,
               (int) s->nb, dt, z + s->nv, (int) s->P, s->U, (int) m, 1.0, G,
               (int) m);
}

static double
never (void *ud)
{
  (void) ud;
  return INFINITY;
}

static int
window_step (void *ud, double t, const double *z)
{
  void **w = ud;
  credo__dfc_sleep_accumulate (w[0], t, z, w[1]);
  return 0;
}

int
credo__dfc_sleep_window (credo_dfc_sleep *s, const credo_train_env *env,
                         const credo_solver_spec *relax, double window,
                         double *z, double *G, double *T)
{
  void *ud[2] = { s, G };
  credo_observer obs = { never, NULL, window_step, NULL, ud };
  memset (z, 0, s->nb * s->P * sizeof *z);
  memset (G, 0, s->nv * s->m * sizeof *G);
  return env->relax (env->ud, &s->sys, relax, window, &obs, z, T);
}
