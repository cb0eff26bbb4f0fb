/* src/cli/cmd_run.c -- `credo run FILE`: simulate a circuit file, record it
 * to HDF5, show progress (progress.c) and a summary.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

const char cli_usage_run[]
    = "usage: credo run FILE [-o OUT.h5] [--set KEY=VALUE]... [-q] [-v]\n"
      "                 [--max-samples N] [--max-memory SIZE]\n"
      "\n"
      "Simulate the circuit in FILE and record it to HDF5.\n"
      "\n"
      "  -o, --output OUT.h5   output file (default: output.path of the config,\n"
      "                        else FILE's base name with .h5)\n"
      "  -s, --set KEY=VALUE   override a config value, e.g. --set duration=500\n"
      "                        or --set solver.linear=spgmr (repeatable)\n"
      "  -q, --quiet           no progress and no summary\n"
      "  -v, --verbose         log solver choices and segments\n"
      "      --max-samples N   refuse a record entry of more than N sample times\n"
      "                        (default 1e9)\n"
      "      --max-memory SIZE refuse dense weights of more than SIZE bytes (K, M,\n"
      "                        G, T: powers of 1024; default the machine's memory)\n"
      "  -h, --help            this text\n";

/* "credo ARGS...", arguments with blanks or quotes in single quotes. */
static char *
command_line (int argc, char **argv)
{
  size_t len = sizeof "credo";
  char *s;
  for (int i = 0; i < argc; i++)
    len += strlen (argv[i]) + 3;
  s = malloc (len);
  if (!s)
    return NULL;
  strcpy (s, "credo");
  for (int i = 0; i < argc; i++)
    {
      int quote = strpbrk (argv[i], " \t\"'") != NULL;
      strcat (s, " ");
      if (quote)
        strcat (s, "'");
      strcat (s, argv[i]);
      if (quote)
        strcat (s, "'");
    }
  return s;
}

/* Default output: FILE's base name with .h5, in the current directory. */
static char *
default_output (const char *cfg)
{
  const char *base = strrchr (cfg, '/');
  const char *dot;
  char *out;
  base = base ? base + 1 : cfg;
  dot = strrchr (base, '.');
  size_t len = dot ? (size_t) (dot - base) : strlen (base);
  out = malloc (len + 4);
  if (out)
    {
      memcpy (out, base, len);
      strcpy (out + len, ".h5");
    }
  return out;
}

static void
human_size (double bytes, char *buf, size_t len)
{
  if (bytes < 1024)
    snprintf (buf, len, "%.0f B", bytes);
  else if (bytes < 1024 * 1024)
    snprintf (buf, len, "%.1f KiB", bytes / 1024);
  else
    snprintf (buf, len, "%.1f MiB", bytes / (1024 * 1024));
}

/* What stdout shows after a run that wrote its file. */
static void
print_summary (const char *file, const char *out, const credo_sim *sim,
               int status)
{
  credo_solver_stats st;
  struct stat sb;
  char size[64] = "?";
  credo_sim_stats (sim, &st);
  if (stat (out, &sb) == 0)
    human_size ((double) sb.st_size, size, sizeof size);
  printf ("%s: %s\n", file, status == CREDO_OK ? "done" : "stopped early");
  printf ("  state size    %zu, linear solver %s\n",
          credo_sim_state_size (sim), credo_sim_linear_solver (sim));
  printf ("  solver        %ld steps, %ld RHS, %ld Jacobian, %ld J*v, "
          "%ld restarts\n",
          st.steps, st.rhs_evals, st.jac_evals, st.jtimes_evals, st.reinits);
  printf ("  wall time     %.3f s\n", st.wall_seconds);
  printf ("  output        %s (%s)\n", out, size);
}

/* The output path: -o, else output.path of the config, else the default. */
static char *
output_path (const cli_args *a, const credo_spec *spec)
{
  if (a->output)
    return strdup (a->output);
  if (credo_spec_output_path (spec))
    return strdup (credo_spec_output_path (spec));
  return default_output (a->file);
}

int
cli_cmd_run (int argc, char **argv)
{
  cli_args a;
  credo_ctx *ctx = NULL;
  credo_spec *spec = NULL;
  credo_sim *sim = NULL;
  cli_progress progress;
  credo_run_events events;
  char *out = NULL;
  /* before getopt permutes argv; argv[0] may be libtool's .libs path */
  char *cmdline = command_line (argc - 1, argv + 1);
  int rc = cli_parse_args (argc, argv, &a, 1), status, sig = 0;
  if (rc)
    {
      if (rc == 2)
        fputs (cli_usage_run, stderr);
      free (a.sets);
      free (cmdline);
      return rc;
    }
  ctx = cli_ctx_new (a.quiet     ? CREDO_LOG_ERROR
                     : a.verbose ? CREDO_LOG_INFO
                                 : CREDO_LOG_WARN);
  if (!ctx)
    return 1;
  credo_ctx_set_limits (ctx, a.max_samples, a.max_memory);
  spec = credo_spec_load (ctx, a.file, a.sets, a.n_sets);
  if (!spec)
    {
      status = CREDO_ECONFIG;
      goto done;
    }
  if (!(out = output_path (&a, spec)))
    {
      status = CREDO_ENOMEM;
      goto done;
    }
  sim = credo_sim_new (ctx, spec, out);
  if (!sim)
    {
      /* building reads weight files: their errors are bad input */
      status = credo_errcode (ctx);
      goto done;
    }
  credo_sim_set_command_line (sim, cmdline ? cmdline : "credo run");
  if (!a.quiet)
    {
      cli_progress_init (&progress, &events);
      credo_sim_set_events (sim, &events);
    }
  cli_catch_signals (ctx);
  status = credo_sim_run (sim);
  sig = cli_release_signals ();
  if (!a.quiet && (status == CREDO_OK || status == CREDO_ESOLVER
                   || status == CREDO_EINTR))
    print_summary (a.file, out, sim, status);
done:
  if (status != CREDO_OK)
    fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
  credo_sim_free (sim);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
  free (out);
  free (cmdline);
  free (a.sets);
  /* shells report a run killed by signal N as 128 + N: so does a stop */
  return status == CREDO_EINTR && sig ? 128 + sig : credo_exit_code (status);
}
