/* src/cli/common.c -- helpers the subcommands share: the context with the
 * program's log sink, and the FILE/-o/--set/-q/-v parser of run and check.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* "credo: warning: ...", "credo: ..." for info. */
static void
log_to_stderr (int level, const char *msg, void *ud)
{
  static const char *const names[] = { "error", "warning", "info", "debug" };
  int plain = level == CREDO_LOG_INFO || level < 0 || level > CREDO_LOG_DEBUG;
  (void) ud;
  fprintf (stderr, "credo: %s%s%s\n", plain ? "" : names[level],
           plain ? "" : ": ", msg);
}

credo_ctx *
cli_ctx_new (int level)
{
  credo_ctx *ctx = credo_ctx_new ();
  if (!ctx)
    return NULL;
  credo_ctx_set_log_level (ctx, level);
  credo_ctx_set_log_sink (ctx, log_to_stderr, NULL);
  return ctx;
}

/* A --max-samples count or a --max-memory size (`bytes`: an optional K,
 * M, G or T suffix, powers of 1024) into *out; -1 unless it is a finite
 * number > 0. */
static int
parse_limit (const char *s, int bytes, double *out)
{
  static const char suffixes[] = "KMGT";
  char *end;
  const char *k;
  double v;
  errno = 0;
  v = strtod (s, &end);
  if (end == s || errno || !(v > 0) || !isfinite (v))
    return -1;
  if (bytes && *end && (k = strchr (suffixes, *end)) && !end[1])
    {
      for (long i = 0; i <= k - suffixes; i++)
        v *= 1024;
      end++;
    }
  if (*end || !isfinite (v))
    return -1;
  *out = v;
  return 0;
}

int
cli_parse_args (int argc, char **argv, cli_args *a, int allow_output)
{
  static const struct option opts[]
      = { { "output", required_argument, 0, 'o' },
          { "set", required_argument, 0, 's' },
          { "quiet", no_argument, 0, 'q' },
          { "verbose", no_argument, 0, 'v' },
          { "max-samples", required_argument, 0, 'S' },
          { "max-memory", required_argument, 0, 'M' },
          { 0, 0, 0, 0 } };
  int c;
  memset (a, 0, sizeof *a);
  a->sets = calloc ((size_t) argc, sizeof *a->sets);
  if (!a->sets)
    return 1;
  optind = 2;
  while ((c = getopt_long (argc, argv, "o:s:qv", opts, NULL)) != -1)
    switch (c)
      {
      case 'o':
        if (!allow_output)
          return 2;
        a->output = optarg;
        break;
      case 's':
        if (!strchr (optarg, '='))
          {
            fprintf (stderr, "credo: --set needs KEY=VALUE, got '%s'\n", optarg);
            return 2;
          }
        a->sets[a->n_sets++] = optarg;
        break;
      case 'q':
        a->quiet = 1;
        break;
      case 'v':
        a->verbose = 1;
        break;
      case 'S':
      case 'M':
        if (parse_limit (optarg, c == 'M', c == 'S' ? &a->max_samples
                                                   : &a->max_memory))
          {
            fprintf (stderr, "credo: %s needs a number > 0%s, got '%s'\n",
                     c == 'S' ? "--max-samples" : "--max-memory",
                     c == 'M' ? " of bytes (suffix K, M, G or T: powers of "
                                "1024)" : "", optarg);
            return 2;
          }
        break;
      default:
        return 2;
      }
  if (optind != argc - 1)
    {
      fprintf (stderr, "credo %s: expected exactly one FILE\n", argv[1]);
      return 2;
    }
  a->file = argv[optind];
  return 0;
}
