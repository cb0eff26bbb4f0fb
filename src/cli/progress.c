/* src/cli/progress.c -- what `credo run` shows on stderr while a run goes:
 * the progress line and the learning-curve table, printed from the
 * library's credo_run_events (the library itself never prints).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The first progress line comes after a second of wall time.  A terminal
 * gets one line redrawn 4 times a second (with \r); a log file or pipe a
 * whole line every 10 s and no carriage returns.  A table row clears the
 * open progress line, which is redrawn below the table.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static void
on_progress (void *ud, double t, double T, unsigned long long samples,
             double wall, int final)
{
  cli_progress *p = ud;
  double frac = T > 0 ? t / T : 1;
  if (!final
      && (wall < 1.0 || wall - p->wall_last < (p->tty ? 0.25 : 10.0)))
    return;
  if (final && (!p->printed || (!p->tty && t == p->t_last)))
    return;
  p->t_last = t;
  p->wall_last = wall;
  p->printed = 1;
  fprintf (stderr,
           "%s  t = %.1f / %.1f ms  %5.1f%%  %llu samples  wall %.1f s  "
           "ETA %.1f s%s",
           p->tty ? "\r" : "", t, T, 100 * frac, samples, wall,
           frac > 0 ? wall * (1 - frac) / frac : 0.0,
           p->tty && !final ? "   " : "\n");
  p->line_open = p->tty && !final;
  fflush (stderr);
}

static void
on_learning_header (void *ud, size_t n, const char *const *names,
                    double mean_predictor_error)
{
  cli_progress *p = ud;
  p->n_cols = n;
  p->names = names;
  p->mean_predictor_error = mean_predictor_error;
}

/* Width of a learning-table column: its name, at least 12. */
static int
col_width (const char *name)
{
  return strlen (name) > 12 ? (int) strlen (name) : 12;
}

static void
print_learning_header (const cli_progress *p)
{
  if (!isnan (p->mean_predictor_error))
    fprintf (stderr, "learning curves (test error of always predicting "
             "the mean target: %g)\n", p->mean_predictor_error);
  fprintf (stderr, "%10s", "t (s)");
  for (size_t i = 0; i < p->n_cols; i++)
    fprintf (stderr, " %*s", col_width (p->names[i]), p->names[i]);
  fputc ('\n', stderr);
}

static void
on_learning_row (void *ud, double t, size_t n, const double *row)
{
  cli_progress *p = ud;
  if (p->line_open)
    fputs ("\r\033[K", stderr); /* clear the progress line */
  p->line_open = 0;
  if (!p->header_printed)
    {
      print_learning_header (p);
      p->header_printed = 1;
    }
  fprintf (stderr, "%10.3f", t / 1000.0);
  for (size_t i = 0; i < n && i < p->n_cols; i++)
    fprintf (stderr, " %*.6g", col_width (p->names[i]), row[i]);
  fputc ('\n', stderr);
  if (p->tty)
    p->wall_last = -INFINITY; /* redraw the progress line below the table */
}

void
cli_progress_init (cli_progress *p, credo_run_events *ev)
{
  memset (p, 0, sizeof *p);
  p->tty = isatty (2);
  p->wall_last = -INFINITY;
  p->mean_predictor_error = NAN;
  ev->progress = on_progress;
  ev->learning_header = on_learning_header;
  ev->learning_row = on_learning_row;
  ev->ud = p;
}
