/* src/cli/cmd_info.c -- `credo info OUT.h5`: describe a recorded file (run
 * attributes, reports, solver statistics; the text comes from libcredo);
 * `credo info --follow OUT.h5`: watch a run's file until the run ends.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

const char cli_usage_info[]
    = "usage: credo info OUT.h5\n"
      "       credo info --follow OUT.h5\n"
      "\n"
      "Describe a file written by `credo run`: run attributes, recorded\n"
      "reports and solver statistics.  A file being written (OUT.h5.part)\n"
      "is read as it stands: everything up to its `progress` time is whole.\n"
      "\n"
      "  -f, --follow   watch a running file (OUT.h5 or OUT.h5.part): one\n"
      "                 line at every flush, until the run ends; exit 0 when\n"
      "                 it ends with status ok, 1 when it failed or stopped\n"
      "                 flushing (killed), 2 when there is no such file\n";

int
cli_cmd_info (int argc, char **argv)
{
  credo_ctx *ctx;
  int rc, follow = 0;
  const char *path = NULL;
  for (int i = 2; i < argc; i++)
    if (!strcmp (argv[i], "--follow") || !strcmp (argv[i], "-f"))
      follow = 1;
    else if (path || argv[i][0] == '-')
      path = "", i = argc; /* a second file or an unknown option */
    else
      path = argv[i];
  if (!path || !*path)
    {
      fputs (cli_usage_info, stderr);
      return 2;
    }
  ctx = cli_ctx_new (CREDO_LOG_WARN);
  if (!ctx)
    return 1;
  rc = follow ? credo_file_follow (ctx, path, stdout, 0.5)
              : credo_file_info (ctx, path, stdout);
  if (rc)
    fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
  credo_ctx_free (ctx);
  return credo_exit_code (rc);
}
