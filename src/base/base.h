/* src/base/base.h -- the bottom layer: the context (errors, logging),
 * allocation and string helpers, "did you mean" hints, time grids, reading
 * matrices from CSV and HDF5 files.  Never installed.
 *
 * May include: the public headers (include/credo) and system libraries;
 * nothing of src/ above it.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_BASE_H
#define CREDO_BASE_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>

#include "credo/credo.h"

/* ---- context --------------------------------------------------------- */

struct credo_ctx
{
  char msg[4096];
  int code; /* status of the last error */
  int log_level;
  volatile sig_atomic_t stop_requested;
  void (*sink) (int level, const char *msg, void *ud);
  void *sink_ud;
  double max_samples, max_memory; /* credo_ctx_set_limits; 0: defaults */
};

/* Sets the error message (printf-style) and returns `code`. */
/* The limits a spec is checked against (credo_ctx_set_limits): sample
 * times of one record entry (default 1e9: more is a typo in `every` that
 * would never finish) and bytes of
 * dense weights (default and upper bound: this machine's memory). */
double credo__max_samples (const credo_ctx *ctx);
double credo__max_memory (const credo_ctx *ctx);

int credo__error (credo_ctx *ctx, int code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
void credo__log (credo_ctx *ctx, int level, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Small helpers (util.c). */
void *credo__calloc (size_t n, size_t size); /* NULL on overflow/failure */
char *credo__strdup (const char *s);
/* Edit distance for "did you mean" hints (optimal string alignment: an
 * adjacent swap is one edit). */
int credo__edit_distance (const char *a, const char *b);
/* The closest of `n` candidates to `word` within a small distance, or NULL. */
const char *credo__closest (const char *word, const char *const *cands,
                            size_t n);
double credo__wall_seconds (void);
/* fn (ud, i) for i = 0 .. n-1, each on a thread of its own (i = 0 on the
 * caller's), all finished on return: 0, or the first nonzero code in the
 * order of i (parallel.c). */
int credo__parallel (size_t n, int (*fn) (void *ud, size_t i), void *ud);
/* Sampling grids start + k*every (k = 0, 1, ...) rounded the same way by
 * every caller: the k-th time, the first index whose time is >= t (every >
 * 0), and how many are <= stop (0 when more than `max` would be, or every
 * <= 0). */
double credo__grid_time (double start, double every, unsigned long long k);
unsigned long long credo__grid_first_at (double start, double every,
                                         double t);
unsigned long long credo__grid_count (double start, double every, double stop,
                                      double max);

/* 0 when PATH may be a run's output: absent or a regular file (never a
 * directory, device, fifo or socket, also not behind a symbolic link), with
 * PATH.part absent or a regular file, in an existing writable directory.
 * Else CREDO_ECONFIG with a message naming PATH: checked before a run, so
 * nothing is computed, or created, for a file that cannot be written. */
int credo__check_output_path (credo_ctx *ctx, const char *path);

/* A place in a config file (spec entries carry one for messages). */
typedef struct credo_loc
{
  const char *file; /* owned by the spec's string pool */
  int line;
} credo_loc;

/* "FILE:LINE" of a spec entry into buf, or the --set text for entries an
 * override created (line 0).  Returns buf. */
const char *credo__loc_str (const credo_loc *loc, char *buf, size_t len);

/* ---- data files (base/datafile.c) ------------------------------------------ */

/* A row-major matrix (1-D datasets as n x 1) from a .csv file, or from
 * `dataset` of a .h5/.hdf5 file; *data is malloc'd.  0 or CREDO_E*. */
int credo__read_matrix (credo_ctx *ctx, const char *path, const char *dataset,
                        double **data, size_t *rows, size_t *cols);
/* The same from an HDF5 file image of len bytes in memory (`name` for
 * messages). */
int credo__read_h5_image (credo_ctx *ctx, const char *name, const void *image,
                          size_t len, const char *dataset, double **data,
                          size_t *rows, size_t *cols);

/* ---- IDX files (base/idx.c) ---------------------------------------------- */

/* The header of an IDX file of unsigned bytes. */
typedef struct credo_idx_info
{
  int n_dims;
  size_t dims[4];
  size_t n;    /* items: dims[0] */
  size_t item; /* values per item: the product of the other sizes */
  int labels;  /* one dimension: one class per item */
} credo_idx_info;

/* 1 when `path` names an IDX file: it ends in -ubyte or .idx, either
 * optionally followed by .gz (gzip). */
int credo__idx_path (const char *path);

/* Reads only the header (checking the magic).  0 or CREDO_E*. */
int credo__idx_header (credo_ctx *ctx, const char *path,
                       credo_idx_info *info);

/* Items [first, min (last, n)) of the IDX file `path` as a malloc'd
 * row-major matrix: images as rows of pixel / 255, labels as one-hot rows
 * of `classes` values (a label >= classes is an error), or, when classes
 * is 0, one column holding the class.  The whole file is checked.  0 or
 * CREDO_E*; *data is untouched on failure. */
int credo__read_idx (credo_ctx *ctx, const char *path, size_t first,
                     size_t last, size_t classes, double **data,
                     size_t *rows, size_t *cols);


#endif /* CREDO_BASE_H */
