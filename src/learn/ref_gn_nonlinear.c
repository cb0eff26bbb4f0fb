/* src/learn/ref_gn_nonlinear.c -- the nonlinear Gauss-Newton reference:
 * the Gauss-Newton potential change taken through each layer's transfer
 * function, the form of the Deep Feedback Control update.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * With du = J^T (J J^T + gamma I)^-1 delta the potential change of the
 * Gauss-Newton reference (ref_gauss_newton.c, credo__chain_gn_du),
 *
 *   direction_k = (phi_k(u_k + du_k) - phi_k(u_k)) r_{k-1}^T,
 *
 * r_{k-1} the chain's r_pre[k] when set, else the feed-forward rates: the
 * authors' "MGNT" update (Meulemans et al. 2021, compute_gnt_parameter_
 * update with nonlinear = True), which the DFC rule (phi(v) - phi(v_B))
 * r_pre^T reaches at a steady state v = v_B + du.  For a small delta it is
 * phi'(u_k) du_k r_{k-1}^T to first order (so for a linear transfer the
 * linear reference's direction, up to the factor phi'); it is undefined
 * where that reference is.
 */
#include "learn/learn.h"

static size_t
gnl_work (const credo_ff_chain *c)
{
  /* du, the Gauss-Newton work, phi(u_k + du_k) of one layer */
  return credo__chain_units (c, 1) + credo__chain_gn_work (c)
         + credo__chain_widest (c);
}

static int
gnl_direction (const credo_ff_chain *c, double *const *dir, double *work)
{
  size_t nv = credo__chain_units (c, 1);
  double *du = work, *s = work + nv + credo__chain_gn_work (c);
  if (credo__chain_gn_du (c, du, work + nv))
    return -1;
  for (size_t k = 1, off = 0; k < c->n_layers; off += c->L[k].n, k++)
    {
      const credo_ff_layer *L = &c->L[k];
      for (size_t i = 0; i < L->n; i++)
        s[i] = L->u[i] + du[off + i];
      credo_transfer_eval (&L->phi, L->n, s, s, NULL);
      for (size_t i = 0; i < L->n; i++)
        du[off + i] = s[i] - L->r[i];
    }
  credo__chain_gn_outer (c, du, dir);
  return 0;
}

const credo_reference_type credo__ref_gauss_newton_nonlinear = {
  "gauss_newton_nonlinear",
  "Gauss-Newton through the transfer functions: du as gauss_newton, "
  "direction (phi(u_k + du_k) - phi(u_k)) r_{k-1}^T",
  gnl_work,
  gnl_direction,
};
