/* src/cli/cli.h -- what the files of the `credo` program share: the
 * progress printer.  Private to src/cli; the program uses libcredo only
 * through include/credo.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_CLI_H
#define CREDO_CLI_H

#include <stddef.h>

#include "credo/credo.h"

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
} cli_progress;

/* Fills `ev` with callbacks that print to stderr through `p`. */
void cli_progress_init (cli_progress *p, credo_run_events *ev);

#endif /* CREDO_CLI_H */
