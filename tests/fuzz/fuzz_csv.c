/* tests/fuzz/fuzz_csv.c -- libFuzzer harness: the CSV reader of weight,
 * table and data-set files (credo__read_matrix on a .csv file).  Any input
 * must give a matrix of finite numbers or a message naming the line.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char path[64];
  credo_ctx *ctx = credo_ctx_new ();
  double *m = NULL;
  size_t rows = 0, cols = 0;
  FILE *f;
  if (!path[0])
    snprintf (path, sizeof path, "/tmp/credo-fuzz-%ld.csv", (long) getpid ());
  if (!ctx || !(f = fopen (path, "wb")) || fwrite (data, 1, size, f) != size
      || fclose (f) != 0)
    abort ();
  credo_ctx_set_log_level (ctx, -1);
  if (credo__read_matrix (ctx, path, NULL, &m, &rows, &cols) == 0)
    {
      if (rows == 0 || cols == 0)
        abort ();
      for (size_t i = 0; i < rows * cols; i++)
        if (!isfinite (m[i]))
          abort ();
    }
  else if (!strstr (credo_errmsg (ctx), path))
    abort (); /* every message names the file */
  free (m);
  credo_ctx_free (ctx);
  return 0;
}
