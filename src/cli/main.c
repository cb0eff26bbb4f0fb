/* src/cli/main.c -- the `credo` command: a thin front end on libcredo.
 * Here: dispatch to the subcommands (cmd_*.c), --version, --help, and the
 * SIGINT/SIGTERM/SIGHUP handler that asks a run to stop.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   credo run FILE [-o OUT.h5] [--set key=value]... [-q] [-v]
 *   credo check FILE [--set key=value]...
 *   credo models [NAME]
 *   credo info OUT.h5
 *   credo data teacher|bars -o FILE.h5 [OPTIONS]
 *   credo --version | --help
 *
 * Exit codes: 0 ok, 1 runtime failure, 2 bad input, 128 + N stopped by
 * signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <sundials/sundials_config.h>

#include "cli/cli.h"

/* For the handlers: the run to stop and the first signal caught. */
static credo_ctx *g_ctx;
static volatile sig_atomic_t g_signal;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* The first signal asks the run to stop at its next step, so the file is
 * closed with its status; a second one means the user will not wait. */
static void
on_stop_signal (int sig)
{
  if (g_signal)
    _exit (128 + sig);
  g_signal = sig;
  if (g_ctx)
    credo_ctx_request_stop (g_ctx);
}

void
cli_catch_signals (credo_ctx *ctx)
{
  struct sigaction sa;
  size_t i, n = sizeof stop_signals / sizeof *stop_signals;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  /* one handler at a time, so the first signal is the one recorded */
  sigemptyset (&sa.sa_mask);
  for (i = 0; i < n; i++)
    sigaddset (&sa.sa_mask, stop_signals[i]);
  g_ctx = ctx;
  g_signal = 0;
  for (i = 0; i < n; i++)
    sigaction (stop_signals[i], &sa, NULL);
}

int
cli_release_signals (void)
{
  for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
    signal (stop_signals[i], SIG_DFL);
  g_ctx = NULL;
  return g_signal;
}

static const char usage_main[]
    = "usage: credo COMMAND [OPTIONS]\n"
      "\n"
      "Simulate credit-assignment microcircuits in continuous time.\n"
      "\n"
      "commands:\n"
      "  run FILE      simulate a circuit file and record it to HDF5\n"
      "  check FILE    validate a circuit file and summarise it\n"
      "  models [NAME] list models, or show one model's ports, variables and\n"
      "                parameters\n"
      "  info OUT.h5   describe a recorded file; info --follow OUT.h5 watches\n"
      "                a running one until it ends\n"
      "  data teacher|bars -o FILE.h5\n"
      "                generate a data set for \"dataset\" stimuli\n"
      "\n"
      "options:\n"
      "  --version     print version and libraries\n"
      "  --help        this text; `credo COMMAND --help` for a command\n"
      "\n"
      "exit codes: 0 ok, 1 runtime failure, 2 bad input, 128 + N stopped by\n"
      "signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP)\n";

/* The subcommands; usage NULL: the command handles --help itself. */
static const struct
{
  const char *name;
  int (*fn) (int argc, char **argv);
  const char *usage;
} commands[] = { { "run", cli_cmd_run, cli_usage_run },
                 { "check", cli_cmd_check, cli_usage_check },
                 { "models", cli_cmd_models, cli_usage_models },
                 { "info", cli_cmd_info, cli_usage_info },
                 { "data", cli_cmd_data, NULL } };

static int
wants_help (int argc, char **argv)
{
  for (int i = 2; i < argc; i++)
    if (!strcmp (argv[i], "--help") || !strcmp (argv[i], "-h"))
      return 1;
  return 0;
}

static void
print_version (void)
{
  unsigned maj, min, rel;
  H5get_libversion (&maj, &min, &rel);
  printf ("credo %s\n", credo_version ());
  printf ("  SUNDIALS %s, HDF5 %u.%u.%u, GSL %s\n", SUNDIALS_VERSION, maj, min,
          rel, GSL_VERSION);
  printf ("  BLAS: %s\n", credo_blas_name ());
  printf ("Copyright (C) 2026 the credo developers. License GPLv3+.\n");
}

int
main (int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : NULL;
  /* No HDF5 clean-up at exit: credo closes every file it writes itself,
   * and after a close that failed (a full disk) HDF5 1.10 keeps a
   * half-closed object that crashes its exit handler. */
  H5dont_atexit ();
  if (!cmd)
    {
      fputs (usage_main, stderr);
      return 2;
    }
  if (!strcmp (cmd, "--help") || !strcmp (cmd, "-h") || !strcmp (cmd, "help"))
    {
      fputs (usage_main, stdout);
      return 0;
    }
  if (!strcmp (cmd, "--version") || !strcmp (cmd, "-V"))
    {
      print_version ();
      return 0;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp (cmd, commands[i].name))
      {
        if (commands[i].usage && wants_help (argc, argv))
          {
            fputs (commands[i].usage, stdout);
            return 0;
          }
        return commands[i].fn (argc, argv);
      }
  fprintf (stderr, "credo: unknown command '%s'\n\n%s", cmd, usage_main);
  return 2;
}
