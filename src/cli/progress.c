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

/* Whether a progress line is due now (x: where the run is, *last: where
 * the last line was): after a second, then 4 times a second on a
 * terminal, every 10 s elsewhere, and a final line when it says more. */
static int
line_due (cli_progress *p, double x, double *last, double wall, int final)
{
  if (!final
      && (wall < 1.0 || wall - p->wall_last < (p->tty ? 0.25 : 10.0)))
    return 0;
  if (final && (!p->printed || (!p->tty && x == *last)))
    return 0;
  *last = x;
  p->wall_last = wall;
  p->printed = 1;
  return 1;
}

/* The end of a progress line: fraction done, wall time, ETA. */
static void
line_end (cli_progress *p, double frac, double wall, int final)
{
  fprintf (stderr, "  %5.1f%%  wall %.1f s  ETA %.1f s%s", 100 * frac, wall,
           frac > 0 ? wall * (1 - frac) / frac : 0.0,
           p->tty && !final ? "   " : "\n");
  p->line_open = p->tty && !final;
  fflush (stderr);
}

static void
on_progress (void *ud, double t, double T, unsigned long long samples,
             double wall, int final)
{
  cli_progress *p = ud;
  if (!line_due (p, t, &p->t_last, wall, final))
    return;
  fprintf (stderr, "%s  t = %.1f / %.1f ms  %llu samples",
           p->tty ? "\r" : "", t, T, samples);
  line_end (p, T > 0 ? t / T : 1, wall, final);
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
  fprintf (stderr, "%10s", p->axis ? p->axis : "t (s)");
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
  if (p->axis)
    fprintf (stderr, "%10g", t);
  else
    fprintf (stderr, "%10.3f", t / 1000.0);
  for (size_t i = 0; i < n && i < p->n_cols; i++)
    fprintf (stderr, " %*.6g", col_width (p->names[i]), row[i]);
  fputc ('\n', stderr);
  if (p->tty)
    p->wall_last = -INFINITY; /* redraw the progress line below the table */
}

static void
on_learning_axis (void *ud, const char *name)
{
  ((cli_progress *) ud)->axis = name;
}

/* Minibatch training: minibatches done of the total, as on_progress. */
static void
on_training_progress (void *ud, double done, double total, double wall,
                      int final)
{
  cli_progress *p = ud;
  if (!line_due (p, done, &p->done_last, wall, final))
    return;
  fprintf (stderr, "%s  minibatch %.0f / %.0f", p->tty ? "\r" : "", done,
           total);
  line_end (p, total > 0 ? done / total : 1, wall, final);
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
  ev->learning_axis = on_learning_axis;
  ev->training_progress = on_training_progress;
  ev->ud = p;
}
