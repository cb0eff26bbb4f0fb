/* src/net/system.c -- the network seen as a system of ODEs (net/system.h):
 * the slots engines call, the names of state components for their
 * messages, the models' guards checked after every step, and looking up
 * "pop.var" names.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "net/net.h"

static int
sys_rhs (void *ud, double t, const double *y, double *ydot)
{
  return credo__net_rhs (ud, t, y, ydot);
}

static void
sys_jac_setup (void *ud, double t, const double *y)
{
  credo__net_jac_setup (ud, t, y);
}

static void
sys_jtimes (void *ud, const double *v, double *jv)
{
  credo__net_jtimes (ud, v, jv);
}

static void
sys_jac_dense (void *ud, double *J, size_t ld)
{
  credo__net_jac_dense (ud, J, ld);
}

static void
sys_jac_diag (void *ud, double *d)
{
  credo__net_jac_diag (ud, d);
}

/* The population holding neuron state component idx, or NULL. */
static const credo_pop *
pop_of (const credo_net *net, size_t idx, size_t *var, size_t *unit)
{
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *pop = &net->pops[p];
      size_t len = pop->n * pop->model->n_var;
      if (idx >= pop->offset && idx < pop->offset + len)
        {
          *var = (idx - pop->offset) / pop->n;
          *unit = (idx - pop->offset) % pop->n;
          return pop;
        }
    }
  return NULL;
}

static int
sys_describe (void *ud, size_t i, char *buf, size_t len)
{
  size_t var = 0, unit = 0;
  const credo_pop *pop = pop_of (ud, i, &var, &unit);
  if (!pop)
    return -1;
  snprintf (buf, len, "population '%s', variable '%s', unit %zu",
            pop->spec->name, pop->model->vars[var].name, unit);
  return 0;
}

/* The models' noise slots, component by component. */
static int
sys_noise (void *ud, double *sigma, int *any)
{
  const credo_net *net = ud;
  *any = 0;
  for (size_t i = 0; i < net->n_state; i++)
    sigma[i] = 0;
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *pop = &net->pops[p];
      const credo_model_type *m = pop->model;
      if (!m->noise)
        continue;
      for (size_t a = 0; a < m->n_var; a++)
        {
          double s = m->noise (pop->view.p, a);
          if (!(s >= 0) || !isfinite (s))
            return credo__error (net->ctx, CREDO_EINVAL,
                                 "model %s gives the invalid noise amplitude "
                                 "%g for variable '%s' of population '%s'",
                                 m->name, s, m->vars[a].name, pop->spec->name);
          if (s > 0)
            *any = 1;
          for (size_t i = 0; i < pop->n; i++)
            sigma[pop->offset + a * pop->n + i] = s;
        }
    }
  return 0;
}

void
credo__net_system (credo_net *net, credo_system *sys)
{
  *sys = (credo_system){ 0 };
  sys->ctx = net->ctx;
  sys->n = net->n_state;
  sys->batch = 1;
  sys->atol = net->atol;
  sys->duration = net->spec->duration;
  sys->seed = net->spec->seed;
  sys->ud = net;
  sys->rhs = sys_rhs;
  sys->jac_setup = sys_jac_setup;
  sys->jtimes = sys_jtimes;
  sys->jac_dense = sys_jac_dense;
  sys->jac_diag = sys_jac_diag;
  sys->noise = sys_noise;
  sys->describe = sys_describe;
  sys->spk = net->spk.pops ? &net->spk : NULL;
}

/* ---- guards -------------------------------------------------------------- */

int
credo__net_guard (credo_net *net, double t, const double *y)
{
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *pop = &net->pops[p];
      char msg[512] = "";
      if (pop->model->guard
          && pop->model->guard (&pop->view, y + pop->offset, msg, sizeof msg))
        return credo__error (net->ctx, CREDO_ESOLVER,
                             "t = %g ms: population '%s' (model %s): %s", t,
                             pop->spec->name, pop->model->name, msg);
    }
  return 0;
}

/* ---- lookup ------------------------------------------------------------ */

int
credo__net_lookup (const credo_net *net, const char *what, int *pop,
                   credo_rec_kind *kind, int *index)
{
  const char *dot = strrchr (what, '.');
  if (!dot)
    return -1;
  for (size_t p = 0; p < net->n_pops; p++)
    {
      const credo_pop *ps = &net->pops[p];
      const char *name = ps->spec->name;
      int k;
      if (strlen (name) != (size_t) (dot - what)
          || strncmp (name, what, (size_t) (dot - what)) != 0)
        continue;
      *pop = (int) p;
      if ((k = credo_model_var_index (ps->model, dot + 1)) >= 0)
        *kind = CREDO_REC_VAR;
      else if ((k = credo_model_output_index (ps->model, dot + 1)) >= 0)
        *kind = CREDO_REC_OUTPUT;
      else if ((k = credo_model_input_index (ps->model, dot + 1)) >= 0)
        *kind = CREDO_REC_INPUT;
      else
        return -1;
      *index = k;
      return 0;
    }
  return -1;
}
