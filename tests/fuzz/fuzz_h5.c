/* tests/fuzz/fuzz_h5.c -- libFuzzer harness: the HDF5 data-set reader
 * (weights, tables, data sets) on an in-memory file image
 * (credo__read_h5_image: HDF5's core driver with H5Pset_file_image), data
 * sets "inputs" and "targets" as in examples/.  Any input must give a
 * matrix of finite numbers or a message.  The fuzzer sees the coverage of
 * credo's code only: the system's libhdf5 is not instrumented.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/base.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const names[] = { "inputs", "targets" };
  credo_ctx *ctx = credo_ctx_new ();
  if (!ctx)
    abort ();
  credo_ctx_set_log_level (ctx, -1);
  for (size_t k = 0; k < 2; k++)
    {
      double *m = NULL;
      size_t rows = 0, cols = 0;
      if (credo__read_h5_image (ctx, "fuzz.h5", data, size, names[k], &m,
                                &rows, &cols) == 0)
        for (size_t i = 0; i < rows * cols; i++)
          if (!isfinite (m[i]))
            abort ();
      free (m);
    }
  credo_ctx_free (ctx);
  return 0;
}
