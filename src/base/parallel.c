/* src/base/parallel.c -- n pieces of work on n threads (POSIX threads),
 * for data-parallel minibatches.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The split is the caller's (a setting, never the number of cores), so a
 * result does not depend on the machine or on which thread finishes
 * first: each piece writes only its own output, and the caller combines
 * them in index order after all have finished.
 */
#include <pthread.h>
#include <stdlib.h>

#include "base/base.h"

typedef struct
{
  int (*fn) (void *ud, size_t i);
  void *ud;
  size_t i;
  int rc;
} piece;

static void *
run_piece (void *arg)
{
  piece *p = arg;
  p->rc = p->fn (p->ud, p->i);
  return NULL;
}

int
credo__parallel (size_t n, int (*fn) (void *ud, size_t i), void *ud)
{
  piece *p;
  pthread_t *th;
  int *started, rc = 0;
  if (n <= 1)
    return n ? fn (ud, 0) : 0;
  p = calloc (n, sizeof *p);
  th = calloc (n, sizeof *th);
  started = calloc (n, sizeof *started);
  if (!p || !th || !started)
    {
      /* no room for threads: the same pieces, one after another */
      free (p);
      free (th);
      free (started);
      for (size_t i = 0; i < n; i++)
        {
          int r = fn (ud, i);
          rc = rc ? rc : r;
        }
      return rc;
    }
  for (size_t i = 0; i < n; i++)
    p[i] = (piece){ fn, ud, i, 0 };
  for (size_t i = 1; i < n; i++)
    started[i] = pthread_create (&th[i], NULL, run_piece, &p[i]) == 0;
  run_piece (&p[0]);
  for (size_t i = 1; i < n; i++)
    if (started[i])
      pthread_join (th[i], NULL);
    else
      run_piece (&p[i]); /* a thread refused: this one does it */
  for (size_t i = 0; i < n && !rc; i++)
    rc = p[i].rc;
  free (p);
  free (th);
  free (started);
  return rc;
}
