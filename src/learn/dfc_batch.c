/* src/learn/dfc_batch.c -- a minibatch of Deep Feedback Control samples
 * (Meulemans et al. 2021, NeurIPS) as one ODE system whose projections
 * are matrix products over the batch (OpenBLAS dgemm).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The same equations as the continuous circuit of dfc_neuron layers
 * (tau_A = 0) and a pi_controller (models/neurons/): per sample b,
 *
 *   tau_v,k dv_k/dt = -v_k + a_k W_k phi(v_{k-1}) + b_k + Q_k u,  v_0 = x
 *   e = r* - phi(v_N),  u = k_i u_int + k_p e,
 *   tau_u du_int/dt = e - alpha u      (form "code")
 *                   = e - alpha u_int  (form "paper").
 *
 * The state is the deviation from the feed-forward pass, z = (v_1 - v_1^-,
 * ..., v_N - v_N^-, u_int), so that absolute tolerances apply to what the
 * controller changes, not to the potentials' full size; samples are
 * stacked batch-major (sample b's P = nv + m values at b P), every layer a
 * [B x n_k] block with leading dimension P that dgemm reads in place.
 * Layer 1's basal input a W_1 x + b_1 is its feed-forward potential,
 * constant through the relaxation: its deviation obeys tau dz_1/dt = -z_1
 * + Q_1 u, and the largest product of the network (W_1 x, 784 inputs in
 * the authors' set-up) is computed once per minibatch, by the forward
 * pass.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cblas.h>

#include "learn/dfc_batch.h"

struct credo_dfc_batch
{
  credo_ctx *ctx;
  const credo_ff_chain *c;
  credo_dfc_lin lin;
  size_t N, B, nb, m, nv, P; /* layers, capacity, in use, outputs, ... */
  size_t *off;               /* per layer k >= 1: offset in a sample */
  /* per minibatch (setup) */
  const double *const *W;    /* borrowed: W[k] n_k x n_{k-1} */
  const double *const *bias; /* borrowed: bias[k] (n_k) or NULL */
  const double *Q;           /* borrowed: nv x m stacked */
  const double *X;           /* borrowed: B x n_0 */
  double **vff, **rff;       /* [k]: B x n_k feed-forward pass (k = 0: X) */
  double *rstar, *e0;        /* B x m target, B: ||r* - r_N^-|| */
  double *rffn;              /* B: ||r_N^-|| */
  /* work at the current state */
  double **r, **d;           /* [k]: B x n_k rates and phi' */
  double *U, *E, *dU, *dE;   /* B x m */
  double *acc1;              /* B x n_1: layer 1's rule summed over time */
  int *status;               /* B: convergence status */
  double *atol;
  credo_system sys;
};

static void
tr_eval (const credo_ff_layer *L, size_t n, const double *u, double *r,
         double *d)
{
  credo__transfer_eval_batch (&L->phi, n, u, r, d);
}

void
credo__dfc_batch_free (credo_dfc_batch *b)
{
  if (!b)
    return;
  for (size_t k = 0; k < b->N; k++)
    {
      if (b->vff)
        free (b->vff[k]);
      if (b->rff && k)
        free (b->rff[k]);
      if (b->r)
        free (b->r[k]);
      if (b->d)
        free (b->d[k]);
    }
  free (b->vff);
  free (b->rff);
  free (b->r);
  free (b->d);
  free (b->off);
  free (b->rstar);
  free (b->e0);
  free (b->rffn);
  free (b->U);
  free (b->E);
  free (b->dU);
  free (b->dE);
  free (b->acc1);
  free (b->status);
  free (b->atol);
  free (b);
}

/* v_k (B x n_k, row stride n_k) of the state z: the feed-forward
 * potential plus the deviation; r and phi' there. */
static void
layer_state (credo_dfc_batch *b, size_t k, const double *z)
{
  const credo_ff_layer *L = &b->c->L[k];
  size_t n = L->n;
  double *v = b->d[k]; /* v first, overwritten by phi' below */
  for (size_t s = 0; s < b->nb; s++)
    for (size_t i = 0; i < n; i++)
      v[s * n + i] = b->vff[k][s * n + i] + z[s * b->P + b->off[k] + i];
  tr_eval (L, b->nb * n, v, b->r[k], b->d[k]);
}

/* U and E at z (every layer's rates r[k] evaluated). */
static void
control (credo_dfc_batch *b, const double *z)
{
  size_t m = b->m, N = b->N;
  for (size_t s = 0; s < b->nb; s++)
    for (size_t o = 0; o < m; o++)
      {
        double e = b->rstar[s * m + o] - b->r[N - 1][s * m + o];
        b->E[s * m + o] = e;
        b->U[s * m + o] = b->lin.k_i * z[s * b->P + b->nv + o]
                          + b->lin.k_p * e;
      }
}

static int
batch_rhs (void *ud, double t, const double *z, double *zdot)
{
  credo_dfc_batch *b = ud;
  size_t N = b->N, m = b->m, P = b->P, nb = b->nb;
  (void) t;
  for (size_t k = 1; k < N; k++)
    layer_state (b, k, z);
  control (b, z);
  for (size_t k = 1; k < N; k++)
    {
      const credo_ff_layer *L = &b->c->L[k];
      size_t n = L->n, o = b->off[k];
      double inv = 1.0 / b->lin.tau_v[k - 1];
      /* zdot_k = Q_k u: (nb x m) (m x n) into the strided block */
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb, (int) n,
                   (int) m, 1.0, b->U, (int) m, b->Q + o * m, (int) m, 0.0,
                   zdot + o, (int) P);
      if (k > 1)
        /* + a W_k phi(v_{k-1}) - v_k^- : the basal change */
        cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb,
                     (int) n, (int) b->c->L[k - 1].n, L->a, b->r[k - 1],
                     (int) b->c->L[k - 1].n, b->W[k],
                     (int) b->c->L[k - 1].n, 1.0, zdot + o, (int) P);
      for (size_t s = 0; s < nb; s++)
        {
          double *zd = zdot + s * P + o;
          const double *zk = z + s * P + o;
          const double *vb = b->vff[k] + s * n;
          const double *bk = b->bias ? b->bias[k] : NULL;
          for (size_t i = 0; i < n; i++)
            {
              /* layer 1: the basal input is v^- itself */
              double basal_minus_ff = k > 1 ? (bk ? bk[i] : 0) - vb[i] : 0;
              zd[i] = (zd[i] + basal_minus_ff - zk[i]) * inv;
            }
        }
    }
  for (size_t s = 0; s < nb; s++)
    for (size_t o = 0; o < m; o++)
      {
        double leak = b->lin.paper_form ? z[s * P + b->nv + o]
                                        : b->U[s * m + o];
        zdot[s * P + b->nv + o] = (b->E[s * m + o] - b->lin.alpha * leak)
                                  / b->lin.tau_u;
      }
  for (size_t i = 0; i < nb * P; i++)
    if (!isfinite (zdot[i]))
      return 1;
  return 0;
}

static void
batch_jac_setup (void *ud, double t, const double *z)
{
  credo_dfc_batch *b = ud;
  (void) t;
  for (size_t k = 1; k < b->N; k++)
    layer_state (b, k, z);
}

/* jv = J w at the state of the last jac_setup (phi' in d[k]). */
static void
batch_jtimes (void *ud, const double *w, double *jv)
{
  credo_dfc_batch *b = ud;
  size_t N = b->N, m = b->m, P = b->P, nb = b->nb;
  double *dR = b->r[0]; /* scratch: B x widest, see credo__dfc_batch_new */
  for (size_t s = 0; s < nb; s++)
    for (size_t o = 0; o < m; o++)
      {
        double de = -b->d[N - 1][s * m + o] * w[s * P + b->off[N - 1] + o];
        b->dE[s * m + o] = de;
        b->dU[s * m + o] = b->lin.k_i * w[s * P + b->nv + o]
                           + b->lin.k_p * de;
      }
  for (size_t k = 1; k < N; k++)
    {
      const credo_ff_layer *L = &b->c->L[k];
      size_t n = L->n, o = b->off[k], np = b->c->L[k - 1].n;
      double inv = 1.0 / b->lin.tau_v[k - 1];
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb, (int) n,
                   (int) m, 1.0, b->dU, (int) m, b->Q + o * m, (int) m, 0.0,
                   jv + o, (int) P);
      if (k > 1)
        {
          for (size_t s = 0; s < nb; s++)
            for (size_t j = 0; j < np; j++)
              dR[s * np + j] = b->d[k - 1][s * np + j]
                               * w[s * P + b->off[k - 1] + j];
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb,
                       (int) n, (int) np, L->a, dR, (int) np, b->W[k],
                       (int) np, 1.0, jv + o, (int) P);
        }
      for (size_t s = 0; s < nb; s++)
        for (size_t i = 0; i < n; i++)
          jv[s * P + o + i] = (jv[s * P + o + i] - w[s * P + o + i]) * inv;
    }
  for (size_t s = 0; s < nb; s++)
    for (size_t o = 0; o < m; o++)
      {
        double leak = b->lin.paper_form ? w[s * P + b->nv + o]
                                        : b->dU[s * m + o];
        jv[s * P + b->nv + o] = (b->dE[s * m + o] - b->lin.alpha * leak)
                                / b->lin.tau_u;
      }
}

/* The Jacobian's diagonal (the Jacobi preconditioner): -1 / tau_v, the
 * output layer's own proportional feedback, the controller's leak. */
static void
batch_jac_diag (void *ud, double *dg)
{
  credo_dfc_batch *b = ud;
  size_t N = b->N, m = b->m, P = b->P, oN = b->off[N - 1];
  for (size_t s = 0; s < b->nb; s++)
    {
      for (size_t k = 1; k < N; k++)
        for (size_t i = 0; i < b->c->L[k].n; i++)
          dg[s * P + b->off[k] + i] = -1.0 / b->lin.tau_v[k - 1];
      for (size_t o = 0; o < m; o++)
        {
          dg[s * P + oN + o] -= b->lin.k_p * b->Q[(oN + o) * m + o]
                                * b->d[N - 1][s * m + o]
                                / b->lin.tau_v[N - 2];
          dg[s * P + b->nv + o] = -b->lin.alpha
                                  * (b->lin.paper_form ? 1.0 : b->lin.k_i)
                                  / b->lin.tau_u;
        }
    }
}

static int
batch_describe (void *ud, size_t i, char *buf, size_t len)
{
  const credo_dfc_batch *b = ud;
  size_t s = i / b->P, j = i % b->P;
  if (j >= b->nv)
    snprintf (buf, len, "sample %zu, population '%s', variable 'u_int', "
              "unit %zu", s, b->c->L[b->N - 1].pop->spec->name, j - b->nv);
  else
    for (size_t k = b->N - 1; k >= 1; k--)
      if (j >= b->off[k])
        {
          snprintf (buf, len, "sample %zu, population '%s', variable 'v', "
                    "unit %zu", s, b->c->L[k].pop->spec->name, j - b->off[k]);
          break;
        }
  return 0;
}

credo_dfc_batch *
credo__dfc_batch_new (credo_ctx *ctx, const credo_ff_chain *c,
                      const credo_dfc_lin *lin, size_t B, double atol)
{
  size_t N = c->n_layers, widest = credo__chain_widest (c);
  credo_dfc_batch *b = credo__calloc (1, sizeof *b);
  if (!b)
    goto nomem;
  b->ctx = ctx;
  b->c = c;
  b->lin = *lin;
  b->N = N;
  b->B = B;
  b->nb = B;
  b->m = c->L[N - 1].n;
  b->nv = credo__chain_units (c, 1);
  b->P = b->nv + b->m;
  if (!(b->off = credo__calloc (N, sizeof *b->off))
      || !(b->vff = credo__calloc (N, sizeof *b->vff))
      || !(b->rff = credo__calloc (N, sizeof *b->rff))
      || !(b->r = credo__calloc (N, sizeof *b->r))
      || !(b->d = credo__calloc (N, sizeof *b->d)))
    goto nomem;
  for (size_t k = 0, o = 0; k < N; k++)
    {
      /* r[0] and d[0] are scratch for jtimes (B x widest) */
      size_t n = k ? c->L[k].n : widest;
      b->off[k] = o;
      o += k ? c->L[k].n : 0;
      if (!(b->vff[k] = credo__calloc (B * n, sizeof (double)))
          || (k && !(b->rff[k] = credo__calloc (B * n, sizeof (double))))
          || !(b->r[k] = credo__calloc (B * n, sizeof (double)))
          || !(b->d[k] = credo__calloc (B * n, sizeof (double))))
        goto nomem;
    }
  if (!(b->rstar = credo__calloc (B * b->m, sizeof (double)))
      || !(b->e0 = credo__calloc (B, sizeof (double)))
      || !(b->rffn = credo__calloc (B, sizeof (double)))
      || !(b->U = credo__calloc (B * b->m, sizeof (double)))
      || !(b->E = credo__calloc (B * b->m, sizeof (double)))
      || !(b->dU = credo__calloc (B * b->m, sizeof (double)))
      || !(b->dE = credo__calloc (B * b->m, sizeof (double)))
      || !(b->acc1 = credo__calloc (B * c->L[1].n, sizeof (double)))
      || !(b->status = credo__calloc (B, sizeof (int)))
      || !(b->atol = credo__calloc (B * b->P, sizeof (double))))
    goto nomem;
  for (size_t i = 0; i < B * b->P; i++)
    b->atol[i] = atol;
  b->sys.ctx = ctx;
  b->sys.batch = B;
  b->sys.atol = b->atol;
  b->sys.ud = b;
  b->sys.rhs = batch_rhs;
  b->sys.jac_setup = batch_jac_setup;
  b->sys.jtimes = batch_jtimes;
  b->sys.jac_diag = batch_jac_diag;
  b->sys.describe = batch_describe;
  return b;
nomem:
  credo__error (ctx, CREDO_ENOMEM, "out of memory");
  credo__dfc_batch_free (b);
  return NULL;
}

void
credo__batch_forward (const credo_ff_chain *c, size_t nb,
                      const double *const *W, const double *const *bias,
                      double *const *v, double *const *r, double *const *d)
{
  for (size_t k = 1; k < c->n_layers; k++)
    {
      const credo_ff_layer *L = &c->L[k];
      size_t n = L->n, np = c->L[k - 1].n;
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) nb, (int) n,
                   (int) np, L->a, r[k - 1], (int) np, W[k], (int) np, 0.0,
                   v[k], (int) n);
      if (bias && bias[k])
        for (size_t s = 0; s < nb; s++)
          for (size_t i = 0; i < n; i++)
            v[k][s * n + i] += bias[k][i];
      tr_eval (L, nb * n, v[k], r[k], d ? d[k] : NULL);
    }
}

int
credo__dfc_batch_setup (credo_dfc_batch *b, size_t nb,
                        const double *const *W, const double *const *bias,
                        const double *Q, const double *X,
                        const double *rstar)
{
  if (nb == 0 || nb > b->B)
    return credo__error (b->ctx, CREDO_EINVAL, "a minibatch of %zu samples "
                         "(1 to %zu)", nb, b->B);
  b->nb = nb;
  b->W = W;
  b->bias = bias;
  b->Q = Q;
  b->X = X;
  b->sys.n = nb * b->P;
  b->sys.batch = nb;
  b->rff[0] = (double *) X;
  credo__batch_forward (b->c, nb, W, bias, b->vff, b->rff, b->d);
  return rstar ? credo__dfc_batch_targets (b, rstar) : 0;
}

int
credo__dfc_batch_targets (credo_dfc_batch *b, const double *rstar)
{
  size_t N = b->N, m = b->m, nb = b->nb;
  memcpy (b->rstar, rstar, nb * m * sizeof *rstar);
  for (size_t s = 0; s < nb; s++)
    {
      double e2 = 0, r2 = 0;
      for (size_t o = 0; o < m; o++)
        {
          double e = rstar[s * m + o] - b->rff[N - 1][s * m + o];
          e2 += e * e;
          r2 += b->rff[N - 1][s * m + o] * b->rff[N - 1][s * m + o];
        }
      b->e0[s] = sqrt (e2);
      b->rffn[s] = sqrt (r2);
    }
  return 0;
}

const credo_system *
credo__dfc_batch_system (credo_dfc_batch *b)
{
  return &b->sys;
}

const double *
credo__dfc_batch_ff (const credo_dfc_batch *b, size_t k)
{
  return b->rff[k];
}

size_t
credo__dfc_batch_converged (credo_dfc_batch *b, const double *z, double tol,
                            double eps, int *status, double *ratio)
{
  size_t N = b->N, m = b->m, n_ok = 0;
  double a = credo__dfc_alpha_eff (&b->lin);
  layer_state (b, N - 1, z);
  control (b, z);
  for (size_t s = 0; s < b->nb; s++)
    {
      double x2 = 0, e2 = 0, q;
      for (size_t o = 0; o < m; o++)
        {
          /* r_N - (r* - alpha u) = alpha u - e */
          double x = a * b->U[s * m + o] - b->E[s * m + o];
          x2 += x * x;
          e2 += b->E[s * m + o] * b->E[s * m + o];
        }
      q = b->rffn[s] > 0 ? sqrt (x2) / b->rffn[s] : NAN;
      if (ratio)
        ratio[s] = q;
      status[s] = credo__dfc_convergence_status (q, sqrt (e2) / b->e0[s],
                                                 tol, eps);
      n_ok += status[s] == 1;
    }
  return n_ok;
}

/* dphi_k = phi(v_k) - phi(v_B,k) (nb x n_k, into d[k]) at the state of
 * the last layer_state calls, rows of samples not kept set to 0; returns
 * the presynaptic rates (nb x n_{k-1}). */
static const double *
rule_rows (credo_dfc_batch *b, size_t k, const int *keep)
{
  const credo_ff_layer *L = &b->c->L[k];
  size_t n = L->n, np = b->c->L[k - 1].n;
  const double *pre = k > 1 ? b->r[k - 1] : b->X;
  double *dphi = b->d[k]; /* phi' is not needed any more */
  /* the basal prediction phi(v_B), v_B = a W_k r_{k-1} + b_k; layer 1's
   * is its feed-forward rate, the input being constant */
  if (k == 1)
    memcpy (dphi, b->rff[1], b->nb * n * sizeof *dphi);
  else
    {
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) b->nb,
                   (int) n, (int) np, L->a, pre, (int) np, b->W[k], (int) np,
                   0.0, dphi, (int) n);
      for (size_t s = 0; s < b->nb; s++)
        for (size_t i = 0; i < n; i++)
          dphi[s * n + i] += b->bias && b->bias[k] ? b->bias[k][i] : 0;
      tr_eval (L, b->nb * n, dphi, dphi, NULL);
    }
  for (size_t s = 0; s < b->nb; s++)
    for (size_t i = 0; i < n; i++)
      dphi[s * n + i] = keep && !keep[s]
                            ? 0.0
                            : b->r[k][s * n + i] - dphi[s * n + i];
  return pre;
}

/* upd_bias[k] = (or +=, beta 1) scale times the column sums of rows. */
static void
bias_sum (const double *rows, size_t nb, size_t n, double scale, double beta,
          double *out)
{
  for (size_t i = 0; i < n; i++)
    {
      double sum = 0;
      for (size_t s = 0; s < nb; s++)
        sum += rows[s * n + i];
      out[i] = (beta != 0 ? beta * out[i] : 0.0) + scale * sum;
    }
}

void
credo__dfc_batch_update (credo_dfc_batch *b, const double *z,
                         const int *keep, double scale, double *const *upd,
                         double *const *upd_bias)
{
  size_t N = b->N;
  for (size_t k = 1; k < N; k++)
    layer_state (b, k, z);
  for (size_t k = 1; k < N; k++)
    {
      size_t n = b->c->L[k].n, np = b->c->L[k - 1].n;
      const double *pre = rule_rows (b, k, keep);
      /* sum over samples of (phi(v) - phi(v_B)) r_pre^T */
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n, (int) np,
                   (int) b->nb, scale, b->d[k], (int) n, pre, (int) np, 0.0,
                   upd[k], (int) np);
      if (upd_bias && upd_bias[k])
        bias_sum (b->d[k], b->nb, n, scale, 0.0, upd_bias[k]);
    }
}

void
credo__dfc_batch_average_begin (credo_dfc_batch *b, double *const *upd,
                                double *const *upd_bias)
{
  memset (b->acc1, 0, b->nb * b->c->L[1].n * sizeof *b->acc1);
  for (size_t k = 1; k < b->N; k++)
    {
      const credo_ff_layer *L = &b->c->L[k];
      memset (upd[k], 0, L->n * b->c->L[k - 1].n * sizeof (double));
      if (upd_bias && upd_bias[k])
        memset (upd_bias[k], 0, L->n * sizeof (double));
    }
}

size_t
credo__dfc_batch_average_add (credo_dfc_batch *b, const double *z, double w,
                              int drop_diverged, double *const *upd,
                              double *const *upd_bias)
{
  size_t N = b->N, n1 = b->c->L[1].n, n_div = 0;
  int *keep = NULL;
  for (size_t k = 1; k < N; k++)
    layer_state (b, k, z);
  if (drop_diverged)
    {
      /* the authors drop a diverged sample's rule step by step */
      credo__dfc_batch_converged (b, z, 0, 0, b->status, NULL);
      for (size_t s = 0; s < b->nb; s++)
        {
          n_div += b->status[s] == -1;
          b->status[s] = b->status[s] != -1;
        }
      keep = b->status;
    }
  for (size_t k = 1; k < N; k++)
    {
      size_t n = b->c->L[k].n, np = b->c->L[k - 1].n;
      const double *pre = rule_rows (b, k, keep);
      if (upd_bias && upd_bias[k])
        bias_sum (b->d[k], b->nb, n, w, 1.0, upd_bias[k]);
      if (k == 1)
        {
          /* x is constant: sum the rows now, multiply by x once at the end */
          cblas_daxpy ((int) (b->nb * n1), w, b->d[1], 1, b->acc1, 1);
          continue;
        }
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n, (int) np,
                   (int) b->nb, w, b->d[k], (int) n, pre, (int) np, 1.0,
                   upd[k], (int) np);
    }
  return n_div;
}

void
credo__dfc_batch_average_end (credo_dfc_batch *b, double scale,
                              double *const *upd, double *const *upd_bias)
{
  size_t n1 = b->c->L[1].n, n0 = b->c->L[0].n;
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n1, (int) n0,
               (int) b->nb, scale, b->acc1, (int) n1, b->X, (int) n0, 0.0,
               upd[1], (int) n0);
  for (size_t k = 2; k < b->N; k++)
    cblas_dscal ((int) (b->c->L[k].n * b->c->L[k - 1].n), scale, upd[k], 1);
  for (size_t k = 1; upd_bias && k < b->N; k++)
    if (upd_bias[k])
      cblas_dscal ((int) b->c->L[k].n, scale, upd_bias[k], 1);
}

void
credo__dfc_batch_backprop (credo_dfc_batch *b, double scale,
                           double *const *upd)
{
  size_t N = b->N, m = b->m, nb = b->nb;
  double *g = b->r[N - 1]; /* delta_k per sample, nb x n_k, in r[k] */
  /* d[k] holds phi'(v_k^-) since the setup; delta_N = phi' (r* - r^-) */
  for (size_t s = 0; s < nb * m; s++)
    g[s] = b->d[N - 1][s] * (b->rstar[s] - b->rff[N - 1][s]);
  for (size_t k = N - 1; k >= 1; k--)
    {
      const credo_ff_layer *L = &b->c->L[k];
      size_t n = L->n, np = b->c->L[k - 1].n;
      g = b->r[k];
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n, (int) np,
                   (int) nb, scale, g, (int) n, b->rff[k - 1], (int) np, 0.0,
                   upd[k], (int) np);
      if (k == 1)
        break;
      /* delta_{k-1} = phi'(v_{k-1}^-) (a W_k^T delta_k) */
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) nb,
                   (int) np, (int) n, L->a, g, (int) n, b->W[k], (int) np,
                   0.0, b->r[k - 1], (int) np);
      for (size_t s = 0; s < nb * np; s++)
        b->r[k - 1][s] *= b->d[k - 1][s];
    }
}

void
credo__batch_weight_product (const credo_ff_chain *c, const double *const *W,
                             double *Q)
{
  size_t N = c->n_layers, m = c->L[N - 1].n, off = credo__chain_units (c, 1);
  for (size_t k = N - 1; k >= 1; k--)
    {
      size_t n = c->L[k].n;
      off -= n;
      if (k == N - 1)
        for (size_t i = 0; i < m * m; i++)
          Q[off * m + i] = i / m == i % m;
      else
        /* Q_k = W_{k+1}^T Q_{k+1}: (n_k x n_{k+1}) (n_{k+1} x m) */
        cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n,
                     (int) m, (int) c->L[k + 1].n, 1.0, W[k + 1], (int) n,
                     Q + (off + n) * m, (int) m, 0.0, Q + off * m, (int) m);
    }
}
