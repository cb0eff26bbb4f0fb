/* src/cli/cli.h -- what the files of the `credo` program share: the
 * subcommands, their common helpers and the progress printer.  Private to
 * src/cli; the program uses libcredo only through include/credo.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_CLI_H
#define CREDO_CLI_H

#include <stddef.h>

#include "credo/credo.h"

/* ---- the subcommands: argv[1] is the command, exit code returned ------- */

int cli_cmd_run (int argc, char **argv);      /* cmd_run.c */
int cli_cmd_check (int argc, char **argv);    /* cmd_check.c */
int cli_cmd_models (int argc, char **argv);   /* cmd_models.c */
int cli_cmd_info (int argc, char **argv);     /* cmd_info.c */
int cli_cmd_data (int argc, char **argv);     /* cmd_data.c (own --help) */

/* Their --help texts (main.c prints them for `credo COMMAND --help`). */
extern const char cli_usage_run[], cli_usage_check[], cli_usage_models[],
    cli_usage_info[];

/* ---- shared by the subcommands (common.c) ------------------------------ */

/* A context whose log messages up to `level` go to stderr as
 * "credo: warning: ...".  NULL when out of memory. */
credo_ctx *cli_ctx_new (int level);

/* FILE, -o, --set, -q, -v of run and check. */
typedef struct cli_args
{
  const char *file, *output;
  const char **sets; /* malloc'd: free (a->sets) in every case */
  size_t n_sets;
  int quiet, verbose;
  double max_samples, max_memory; /* --max-samples, --max-memory; 0: none */
} cli_args;

/* 0, 1 (out of memory) or 2 (bad arguments, after a message). */
int cli_parse_args (int argc, char **argv, cli_args *a, int allow_output);

/* SIGINT, SIGTERM or SIGHUP asks ctx to stop, a second one exits at once
 * with 128 + signal (main.c).  Release restores the defaults and returns
 * the signal caught, 0 if none. */
void cli_catch_signals (credo_ctx *ctx);
int cli_release_signals (void);

/* ---- progress and learning curves on stderr (progress.c) --------------- */

/* The printer's state: one per run, zeroed by cli_progress_init. */
typedef struct cli_progress
{
  int tty;                    /* stderr is a terminal */
  int printed;                /* a progress line was printed */
  int line_open;              /* ... and the cursor is still on it */
  double wall_last, t_last;   /* wall time and t of the last line */
  /* the learning table, printed with its first row */
  size_t n_cols;
  const char *const *names;
  double mean_predictor_error;
  int header_printed;
  const char *axis;           /* learning rows per "epoch"; NULL: t in ms */
  double done_last;           /* training: minibatches at the last line */
} cli_progress;

/* Fills `ev` with callbacks that print to stderr through `p`. */
void cli_progress_init (cli_progress *p, credo_run_events *ev);

#endif /* CREDO_CLI_H */
