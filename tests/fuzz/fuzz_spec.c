/* tests/fuzz/fuzz_spec.c -- libFuzzer harness: a circuit file's text through
 * libconfig and the whole spec validation (credo_spec_load_string).  Any
 * input must give a spec or a message, never a crash, a leak (other than
 * libconfig's own, tests/lsan.supp) or undefined behaviour.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credo/credo.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  credo_ctx *ctx = credo_ctx_new ();
  char *text = malloc (size + 1);
  credo_spec *spec;
  if (!ctx || !text)
    abort ();
  memcpy (text, data, size);
  text[size] = '\0';
  credo_ctx_set_log_level (ctx, -1);
  spec = credo_spec_load_string (ctx, text, "fuzz.cfg", NULL, 0);
  if (!spec && credo_errcode (ctx) == 0)
    abort (); /* a refusal always says why */
  credo_spec_free (spec);
  free (text);
  credo_ctx_free (ctx);
  return 0;
}
