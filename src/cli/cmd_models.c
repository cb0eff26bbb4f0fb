/* src/cli/cmd_models.c -- `credo models [NAME]`: the model and rule
 * registries, or one model's ports, state variables and parameters (one
 * rule's signals and state) from its own tables.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

const char cli_usage_models[]
    = "usage: credo models [NAME]\n"
      "\n"
      "Without NAME: every model and plasticity rule with a one-line\n"
      "description.  With NAME: a model's ports, state variables and\n"
      "parameters (default, unit, meaning), or a rule's signals and state,\n"
      "read from their own tables.\n";

/* Width of the name column of `credo models NAME`: the longest name of a
 * port, variable or parameter, at least 12. */
static int
name_width (const credo_model_type *m)
{
  size_t w = 12;
  for (size_t i = 0; i < m->n_in; i++)
    w = strlen (m->inputs[i].name) > w ? strlen (m->inputs[i].name) : w;
  for (size_t i = 0; i < m->n_out; i++)
    w = strlen (m->outputs[i].name) > w ? strlen (m->outputs[i].name) : w;
  for (size_t i = 0; i < m->n_var; i++)
    w = strlen (m->vars[i].name) > w ? strlen (m->vars[i].name) : w;
  for (size_t i = 0; i < m->n_param; i++)
    w = strlen (m->params[i].name) > w ? strlen (m->params[i].name) : w;
  return (int) w;
}

static void
print_model (const credo_model_type *m)
{
  int w = name_width (m);
  printf ("model %s\n  %s\n", m->name, m->doc);
  printf ("\ninput ports:\n");
  for (size_t i = 0; i < m->n_in; i++)
    printf ("  %-*s %-6s %s%s\n", w, m->inputs[i].name, m->inputs[i].unit,
            m->inputs[i].doc,
            (m->inputs[i].flags & CREDO_PORT_STIMULUS_ONLY) ? " [stimuli only]"
                                                            : "");
  printf ("\noutput ports:\n");
  for (size_t i = 0; i < m->n_out; i++)
    printf ("  %-*s %-6s %s\n", w, m->outputs[i].name, m->outputs[i].unit,
            m->outputs[i].doc);
  printf ("\nstate variables:%s\n", m->n_var ? "" : " none");
  for (size_t i = 0; i < m->n_var; i++)
    printf ("  %-*s %-6s %s (atol scale %g)\n", w, m->vars[i].name,
            m->vars[i].unit, m->vars[i].doc, m->vars[i].atol_scale);
  printf ("\nparameters:\n");
  printf ("  %-*s %-14s %-6s %s\n", w, "name", "default", "unit", "meaning");
  for (size_t i = 0; i < m->n_param; i++)
    {
      const credo_param_desc *p = &m->params[i];
      char def[64];
      if (p->choices)
        snprintf (def, sizeof def, "\"%s\"", p->choices[(int) p->def]);
      else
        snprintf (def, sizeof def, "%g", p->def);
      printf ("  %-*s %-14s %-6s %s", w, p->name, def, p->unit, p->doc);
      if (p->choices)
        {
          printf (" (one of:");
          for (size_t k = 0; p->choices[k]; k++)
            printf ("%s %s", k ? "," : "", p->choices[k]);
          printf (")");
        }
      printf ("\n");
    }
}

static const char *const signal_kinds[] = {
  "the constant 0", "output port", "input port",
  "the input port the projection feeds",
  "the prediction <fed port>_pred of the port the projection feeds",
};

/* A rule: what it reads of the post population and the state it keeps. */
static void
print_rule (const credo_rule_type *r)
{
  printf ("plasticity rule %s\n  %s\n\nsignals read from the post-synaptic "
          "population:\n", r->name, r->doc);
  for (size_t k = 0; k < r->n_signal; k++)
    printf ("  %zu  %s%s%s\n", k, signal_kinds[r->signals[k].kind],
            r->signals[k].port ? " " : "",
            r->signals[k].port ? r->signals[k].port : "");
  printf ("\nstate: the weights w");
  for (size_t b = 0; r->n_blocks && r->block_names && r->block_names[b]; b++)
    printf (", %s (when the rule keeps it)", r->block_names[b]);
  printf ("\nsettings (plasticity group): eta, tau_w, w_min, w_max, start, "
          "stop%s\n", r->uses_decay ? ", decay (weight decay beta >= 0)" : "");
}

/* Not an ODE rule (no credo_rule_type): the event engine's own. */
static const char stdp_doc[]
    = "pair-based STDP of a spiking projection (event engine), all-to-all "
      "traces: a spike arriving at t depresses w by A_minus y_post(t), a "
      "postsynaptic spike potentiates by A_plus x_pre(t), the traces decay "
      "with tau_minus, tau_plus and jump by 1; w clipped to [w_min, w_max] "
      "(Song, Miller & Abbott 2000; Morrison et al. 2008)";

int
cli_cmd_models (int argc, char **argv)
{
  const credo_model_type *const *list = credo_model_list ();
  if (argc > 3)
    {
      fputs (cli_usage_models, stderr);
      return 2;
    }
  if (argc == 2)
    {
      const credo_rule_type *const *rules = credo_rule_list ();
      for (size_t i = 0; list[i]; i++)
        printf ("%-14s %s\n", list[i]->name, list[i]->doc);
      printf ("\nplasticity rules:\n");
      for (size_t i = 0; rules[i]; i++)
        printf ("%-20s %s\n", rules[i]->name, rules[i]->doc);
      printf ("%-20s %s\n", "stdp", stdp_doc);
      return 0;
    }
  if (strcmp (argv[2], "stdp") == 0)
    {
      printf ("rule stdp\n  %s\n", stdp_doc);
      printf ("settings (plasticity group): A_plus (default 0.01), A_minus "
              "(0.0105), tau_plus (20 ms), tau_minus (20 ms), w_min (0), "
              "w_max (required, finite)\n");
      return 0;
    }
  const credo_model_type *m = credo_model_find (argv[2]);
  if (!m && credo_rule_find (argv[2]))
    {
      print_rule (credo_rule_find (argv[2]));
      return 0;
    }
  if (!m)
    {
      fprintf (stderr, "credo: unknown model '%s' (see `credo models`)\n",
               argv[2]);
      return 2;
    }
  print_model (m);
  return 0;
}
