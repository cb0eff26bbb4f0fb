/* src/base/context.c -- the simulation context: error messages, logging, stop flag.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"

/* errors and log lines from the threads of credo__parallel, one at a time */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void
default_sink (int level, const char *msg, void *ud)
{
  static const char *const names[] = { "error", "warning", "info", "debug" };
  (void) ud;
  fprintf (stderr, "credo: %s%s%s\n", level == CREDO_LOG_INFO ? "" : names[level],
           level == CREDO_LOG_INFO ? "" : ": ", msg);
}

credo_ctx *
credo_ctx_new (void)
{
  credo_ctx *ctx = calloc (1, sizeof *ctx);
  if (!ctx)
    return NULL;
  ctx->log_level = CREDO_LOG_WARN;
  ctx->sink = default_sink;
  return ctx;
}

void
credo_ctx_free (credo_ctx *ctx)
{
  free (ctx);
}

void
credo_ctx_set_limits (credo_ctx *ctx, double max_samples, double max_memory)
{
  ctx->max_samples = max_samples > 0 ? max_samples : 0;
  ctx->max_memory = max_memory > 0 ? max_memory : 0;
}

double
credo__max_samples (const credo_ctx *ctx)
{
  return ctx && ctx->max_samples > 0 ? ctx->max_samples : 1e9;
}

double
credo__max_memory (const credo_ctx *ctx)
{
  double ram = (double) sysconf (_SC_PHYS_PAGES)
               * (double) sysconf (_SC_PAGE_SIZE);
  if (ctx && ctx->max_memory > 0 && !(ram > 0 && ram < ctx->max_memory))
    return ctx->max_memory;
  return ram > 0 ? ram : INFINITY;
}

void
credo_ctx_set_log_level (credo_ctx *ctx, int level)
{
  ctx->log_level = level;
}

void
credo_ctx_set_log_sink (credo_ctx *ctx,
                        void (*sink) (int level, const char *msg, void *ud),
                        void *ud)
{
  ctx->sink = sink ? sink : default_sink;
  ctx->sink_ud = sink ? ud : NULL;
}

void
credo_ctx_request_stop (credo_ctx *ctx)
{
  ctx->stop_requested = 1;
}

const char *
credo_errmsg (const credo_ctx *ctx)
{
  return ctx ? ctx->msg : "no context";
}

int
credo_errcode (const credo_ctx *ctx)
{
  return ctx ? ctx->code : CREDO_EINVAL;
}

const char *
credo_strerror (int code)
{
  switch (code)
    {
    case CREDO_OK: return "success";
    case CREDO_ENOMEM: return "out of memory";
    case CREDO_EINVAL: return "invalid argument";
    case CREDO_ECONFIG: return "bad input";
    case CREDO_ESOLVER: return "solver failure";
    case CREDO_EIO: return "output error";
    case CREDO_EINTR: return "interrupted";
    default: return "unknown error";
    }
}

int
credo_exit_code (int status)
{
  if (status == CREDO_OK)
    return 0;
  return (status == CREDO_ECONFIG || status == CREDO_EINVAL) ? 2 : 1;
}

int
credo__error (credo_ctx *ctx, int code, const char *fmt, ...)
{
  if (ctx)
    {
      va_list ap;
      /* pieces of a minibatch may fail on several threads at once */
      pthread_mutex_lock (&lock);
      ctx->code = code;
      va_start (ap, fmt);
      vsnprintf (ctx->msg, sizeof ctx->msg, fmt, ap);
      va_end (ap);
      pthread_mutex_unlock (&lock);
    }
  return code;
}

void
credo__log (credo_ctx *ctx, int level, const char *fmt, ...)
{
  char buf[2048];
  va_list ap;
  if (!ctx || level > ctx->log_level)
    return;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  pthread_mutex_lock (&lock);
  ctx->sink (level, buf, ctx->sink_ud);
  pthread_mutex_unlock (&lock);
}
