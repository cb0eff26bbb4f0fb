/* tools/bench/record_throughput.c -- how fast credo records, against a raw
 * sequential write(2) of the same number of bytes.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The circuit: one `input` population of UNITS units (stateless) driven by
 * a sine with per-unit pseudo-random amplitudes and offsets (full-mantissa
 * doubles: not trivially compressible); its output r is recorded every 1 ms
 * for SAMPLES ms, i.e. SAMPLES + 1 rows (t = 0 and t = SAMPLES included) of
 * float64.  The run's time is the recording.
 *
 * Plus one unconnected 1-unit rate neuron at rest (du/dt = 0: CVODE takes a
 * handful of ever longer steps).  It is there because credo 0.1.0 cannot
 * record a network without state: the stateless path of engine_advance
 * (src/engine_cvode.c) samples with y = NULL, which credo__rec_sample
 * rejects ("credo__rec_sample: missing argument", status failed at t = 0).
 * Once that is fixed, `dummy` can go.
 *
 * In one process, for each compression level (output.compression 0 and 4)
 * and REPEAT times, median reported:
 *   credo: credo_spec_load + credo_sim_new + credo_sim_run (which closes
 *          and renames the HDF5 file), then open + fsync + close of the file;
 *   raw:   open + write(2) of the same UNITS * (SAMPLES + 1) * 8 bytes in
 *          1 MiB blocks + fsync + close, in the same directory.
 * Both sides are fsynced, and sync(2) runs before each timed section so
 * that neither pays for the other's write-back.  MB/s are of the logical
 * data (1 MB = 1e6 bytes) whatever the file size on disk.
 *
 * Usage: record_throughput DIR [REPEAT [UNITS [SAMPLES [LEVELS]]]]
 * LEVELS: the compression levels to measure, e.g. "0,1,4" (default "0,4").
 * (tools/bench/record_throughput.sh builds and runs it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "credo/credo.h"

#define RAW_BLOCK (1 << 20)

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void
die (const char *what, const char *detail)
{
  fprintf (stderr, "record_throughput: %s%s%s\n", what, detail ? ": " : "",
           detail ? detail : "");
  exit (1);
}

/* xorshift64*: reproducible uniform doubles in [0, 1) */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double
uniform (void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (double) ((rng_state * 0x2545F4914F6CDD1Dull) >> 11) * 0x1.0p-53;
}

/* The circuit file; returns its path (malloc'd). */
static char *
write_config (const char *dir, size_t units, size_t samples)
{
  size_t len = strlen (dir) + 32;
  char *path = malloc (len);
  FILE *f;
  if (!path)
    die ("out of memory", NULL);
  snprintf (path, len, "%s/record.cfg", dir);
  if (!(f = fopen (path, "w")))
    die ("cannot create", path);
  fprintf (f,
           "# written by tools/bench/record_throughput.c\n"
           "duration = %zu.0;\nseed = 1;\n"
           "output = { compression = 0; };\n"
           "populations = { input = { model = \"input\"; size = %zu; };\n"
           "  dummy = { model = \"rate\"; size = 1; }; };\n"
           "stimuli = ( { to = \"input\"; kind = \"sine\"; period = 97.3;\n"
           "  amplitude = [",
           samples, units);
  for (size_t i = 0; i < units; i++)
    fprintf (f, "%s%.17g", i ? ", " : "", 0.5 + uniform ());
  fprintf (f, "];\n  offset = [");
  for (size_t i = 0; i < units; i++)
    fprintf (f, "%s%.17g", i ? ", " : "", uniform () - 0.5);
  fprintf (f, "]; } );\n"
              "record = ( { what = \"input.r\"; every = 1.0; } );\n");
  if (fclose (f) != 0)
    die ("cannot write", path);
  return path;
}

static double
fsync_path (const char *path)
{
  double t0 = now ();
  int fd = open (path, O_RDONLY);
  if (fd < 0 || fsync (fd) != 0)
    die ("cannot fsync", path);
  close (fd);
  return now () - t0;
}

static off_t
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? st.st_size : -1;
}

typedef struct result
{
  double total, run, fsync, solver_wall;
  off_t size;
} result;

static void
run_credo (credo_ctx *ctx, const char *cfg, const char *out, int level,
           result *r)
{
  char ov[64];
  const char *overrides[1] = { ov };
  credo_spec *spec;
  credo_sim *sim;
  credo_solver_stats st;
  double t0, t1;
  int rc;
  snprintf (ov, sizeof ov, "output.compression=%d", level);
  unlink (out);
  sync ();
  t0 = now ();
  spec = credo_spec_load (ctx, cfg, overrides, 1);
  if (!spec)
    die ("credo_spec_load", credo_errmsg (ctx));
  sim = credo_sim_new (ctx, spec, out);
  if (!sim)
    die ("credo_sim_new", credo_errmsg (ctx));
  t1 = now ();
  rc = credo_sim_run (sim);
  if (rc)
    die ("credo_sim_run", credo_errmsg (ctx));
  r->run = now () - t1;
  r->fsync = fsync_path (out);
  r->total = now () - t0;
  credo_sim_stats (sim, &st);
  r->solver_wall = st.wall_seconds;
  credo_sim_free (sim);
  credo_spec_free (spec);
  r->size = file_size (out);
  unlink (out);
}

static void
run_raw (const char *path, const char *block, size_t bytes, result *r)
{
  double t0, t1;
  size_t left = bytes;
  int fd;
  unlink (path);
  sync ();
  t0 = now ();
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    die ("cannot create", path);
  while (left > 0)
    {
      size_t n = left < RAW_BLOCK ? left : RAW_BLOCK, done = 0;
      while (done < n)
        {
          ssize_t w = write (fd, block + done, n - done);
          if (w < 0 && errno == EINTR)
            continue;
          if (w <= 0)
            die ("write failed", path);
          done += (size_t) w;
        }
      left -= n;
    }
  t1 = now ();
  if (fsync (fd) != 0 || close (fd) != 0)
    die ("cannot fsync", path);
  r->total = now () - t0;
  r->run = t1 - t0;
  r->fsync = r->total - r->run;
  r->solver_wall = 0;
  r->size = file_size (path);
  unlink (path);
}

static int
cmp_result (const void *a, const void *b)
{
  double x = ((const result *) a)->total, y = ((const result *) b)->total;
  return (x > y) - (x < y);
}

/* The run with the median total time (the lower middle one when even). */
static result
median (result *r, int n)
{
  qsort (r, (size_t) n, sizeof *r, cmp_result);
  return r[(n - 1) / 2];
}

int
main (int argc, char **argv)
{
  const char *dir;
  int repeat = 3, levels[10] = { 0, 4 }, n_levels = 2;
  size_t units = 2000, samples = 10000, rows, bytes;
  char *cfg, out[4096], raw[4096], *block;
  credo_ctx *ctx;
  double mb;

  if (argc < 2 || argc > 6)
    {
      fprintf (stderr, "usage: record_throughput DIR [REPEAT [UNITS [SAMPLES "
                       "[LEVELS]]]]\n");
      return 2;
    }
  dir = argv[1];
  if (argc > 2)
    repeat = atoi (argv[2]);
  if (argc > 3)
    units = (size_t) strtoul (argv[3], NULL, 10);
  if (argc > 4)
    samples = (size_t) strtoul (argv[4], NULL, 10);
  if (argc > 5)
    {
      char *p = argv[5], *end;
      for (n_levels = 0; *p && n_levels < 10; n_levels++)
        {
          long v = strtol (p, &end, 10);
          if (end == p || v < 0 || v > 9)
            die ("bad compression levels", argv[5]);
          levels[n_levels] = (int) v;
          p = *end == ',' ? end + 1 : end;
          if (*end && *end != ',')
            die ("bad compression levels", argv[5]);
        }
    }
  if (repeat < 1 || repeat > 100 || units < 1 || samples < 1 || n_levels < 1)
    die ("bad arguments", NULL);
  rows = samples + 1; /* t = 0, 1, ..., samples ms */
  bytes = units * rows * sizeof (double);
  mb = (double) bytes / 1e6;
  snprintf (out, sizeof out, "%s/credo.h5", dir);
  snprintf (raw, sizeof raw, "%s/raw.bin", dir);
  cfg = write_config (dir, units, samples);

  /* the raw writer's block: the same kind of values as the recording */
  block = malloc (RAW_BLOCK);
  if (!block)
    die ("out of memory", NULL);
  for (size_t i = 0; i < RAW_BLOCK / sizeof (double); i++)
    ((double *) block)[i] = uniform () - 0.5;

  ctx = credo_ctx_new ();
  if (!ctx)
    die ("out of memory", NULL);
  credo_ctx_set_log_level (ctx, CREDO_LOG_WARN);

  printf ("recording %zu units x %zu rows (every 1 ms for %zu ms) of float64"
          " = %.1f MB,\n  median of %d run(s); fsync on both sides;"
          " raw = write(2) in %d KiB blocks\n",
          units, rows, samples, mb, repeat, RAW_BLOCK / 1024);
  printf ("\n%-6s %-6s %9s %9s %9s %9s %10s %8s\n", "compr", "writer",
          "total s", "write s", "fsync s", "MB/s", "file MB", "ratio");
  fflush (stdout);
  for (int l = 0; l < n_levels; l++)
    {
      result rc[100], rr[100], c, r;
      for (int k = 0; k < repeat; k++)
        {
          /* alternate the order, so that neither writer always runs
             right after the other's file was deleted */
          if (k % 2 == 0)
            run_raw (raw, block, bytes, &rr[k]);
          run_credo (ctx, cfg, out, levels[l], &rc[k]);
          if (k % 2 == 1)
            run_raw (raw, block, bytes, &rr[k]);
          fprintf (stderr, "  compression %d, run %d/%d: raw %.2f s, credo "
                   "%.2f s\n", levels[l], k + 1, repeat, rr[k].total,
                   rc[k].total);
        }
      r = median (rr, repeat);
      c = median (rc, repeat);
      printf ("%-6d %-6s %9.2f %9.2f %9.2f %9.1f %10.1f %8s\n", levels[l],
              "raw", r.total, r.run, r.fsync, mb / r.total,
              (double) r.size / 1e6, "");
      printf ("%-6d %-6s %9.2f %9.2f %9.2f %9.1f %10.1f %8.2f\n", levels[l],
              "credo", c.total, c.run, c.fsync, mb / c.total,
              (double) c.size / 1e6, r.total / c.total);
      fflush (stdout);
    }
  printf ("\ncredo: total = spec load + sim new + run (incl. close/rename) +"
          " fsync;\n  write s = credo_sim_run alone.  ratio = credo MB/s /"
          " raw MB/s (target >= 0.5).\n");

  credo_ctx_free (ctx);
  free (block);
  unlink (cfg);
  free (cfg);
  return 0;
}
