/* src/cli/cmd_check.c -- `credo check FILE`: validate a circuit file, build
 * its network (weight files, shapes) and print a summary; writes nothing.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

const char cli_usage_check[]
    = "usage: credo check FILE [--set KEY=VALUE]... [--max-samples N]\n"
      "                   [--max-memory SIZE]\n"
      "\n"
      "Validate FILE and print populations, units, state size, projections,\n"
      "stimuli, recordings and the estimated output size.  Writes nothing.\n"
      "--max-samples and --max-memory as for `credo run`.\n";

int
cli_cmd_check (int argc, char **argv)
{
  cli_args a;
  credo_ctx *ctx;
  credo_spec *spec;
  credo_sim *sim;
  int rc = cli_parse_args (argc, argv, &a, 0);
  if (rc)
    {
      if (rc == 2)
        fputs (cli_usage_check, stderr);
      free (a.sets);
      return rc;
    }
  ctx = cli_ctx_new (CREDO_LOG_WARN);
  if (!ctx)
    return 1;
  credo_ctx_set_limits (ctx, a.max_samples, a.max_memory);
  spec = credo_spec_load (ctx, a.file, a.sets, a.n_sets);
  if (!spec)
    {
      fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
      credo_ctx_free (ctx);
      free (a.sets);
      return 2;
    }
  /* build the network too: weight files and shapes are checked there */
  sim = credo_sim_new (ctx, spec, NULL);
  if (!sim)
    {
      fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
      rc = credo_exit_code (credo_errcode (ctx));
    }
  else
    {
      credo_spec_print_summary (spec, stdout);
      printf ("linear solver: %s\n", credo_sim_linear_solver (sim));
      printf ("%s: ok\n", a.file);
    }
  credo_sim_free (sim);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
  free (a.sets);
  return rc;
}
