/* src/cli/cmd_info.c -- `credo info OUT.h5`: describe a recorded file (run
 * attributes, reports, solver statistics; the text comes from libcredo).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdio.h>

#include "cli/cli.h"

const char cli_usage_info[]
    = "usage: credo info OUT.h5\n"
      "\n"
      "Describe a file written by `credo run`: run attributes, recorded\n"
      "reports and solver statistics.\n";

int
cli_cmd_info (int argc, char **argv)
{
  credo_ctx *ctx;
  int rc;
  if (argc != 3)
    {
      fputs (cli_usage_info, stderr);
      return 2;
    }
  ctx = cli_ctx_new (CREDO_LOG_WARN);
  if (!ctx)
    return 1;
  rc = credo_file_info (ctx, argv[2], stdout);
  if (rc)
    fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
  credo_ctx_free (ctx);
  return credo_exit_code (rc);
}
