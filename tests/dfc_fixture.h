/* tests/dfc_fixture.h -- a small Deep Feedback Control network for the
 * tests of the chain's references (check_chain_refs.c) and of the DFC
 * diagnostics (check_dfc_diag.c).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * x (3 inputs) -> h (3 dfc_neurons) -> y (2 dfc_neurons), a pi_controller
 * c (2) with e = r* - r_y (a -1 one-to-one projection plus the target
 * stimulus) feeding u back to both layers' apical compartments through Q:
 * random weights, biases 0.1 and -0.2, built through the public API and
 * relaxed by credo's steady-state solver; beside it the same network's
 * forward pass and Jacobian J = d r_y / d (u_h, u_y) computed by hand.
 */
#ifndef CREDO_DFC_FIXTURE_H
#define CREDO_DFC_FIXTURE_H

#include "testutil.h"

enum { NX = 3, NH = 3, NY = 2, NV = NH + NY, NS = NV + NY };

typedef struct dfc_case
{
  const char *form;
  double alpha, k_i, k_p, tau_u, tau_v[2];
  int linear; /* transfer: linear (1) or tanh (0) */
} dfc_case;

typedef struct dfc_net
{
  double W1[NH * NX], W2[NY * NH], b[2], x[NX];
  double Q[NV * NY], target[NY];
  /* the feed-forward pass by hand */
  double uh[NH], rh[NH], dh[NH], uy[NY], ry[NY], dy[NY], J[NY * NV];
  /* built */
  credo_ctx *ctx;
  credo_spec *spec;
  credo_net *net;
  credo_ff_chain *c;
  double *y;
  size_t idx[NS]; /* state index of v_h, v_y, u_int */
} dfc_net;

/* code form, alpha 0.1, k_i 1, k_p 0, tau_u 1, tau_v 0.2: tanh, linear */
extern const dfc_case dfc_tanh, dfc_linear;

/* phi(u) and phi'(u): identity (lin) or tanh. */
double phi (int lin, double u);
double dphi (int lin, double u);

/* Random weights, biases and input (seed), the forward pass by hand, J,
 * a loss-free target (r* = r_y of the forward pass) and Q = J^T + 0.2
 * N(0, 1).  The caller may change target and Q before build_net. */
void draw_net (dfc_net *d, const dfc_case *k, unsigned long seed);

/* Builds d's network with controller k (weights in tmpdir), relaxes it to
 * its steady state from v = 0 and runs the chain's forward pass there. */
void build_net (dfc_net *d, const dfc_case *k);
void free_net (dfc_net *d);

/* C = A B (row-major: A m x k, B k x n), or A^T B when ta (A k x m). */
void mul (const double *A, const double *B, double *C, int m, int k, int n,
          int ta);
/* sum of a[i]^2 */
double fro2 (const double *a, size_t n);

#endif /* CREDO_DFC_FIXTURE_H */
