/* src/record/record_impl.h -- what the recorder's source files share: the
 * recorder's state, the reports of reports.c, the HDF5 helpers of h5.c
 * and the weight snapshots of learning.c.  Private to src/record/; the
 * recorder's interface is in record.h.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_RECORDER_IMPL_H
#define CREDO_RECORDER_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include <hdf5.h>

#include "record/record.h"

#define CHUNK_BYTES (128 * 1024) /* target size of one data chunk */
#define CHUNK_MIN_ROWS 16
#define CHUNK_MAX_ROWS 4096
#define CHUNK_MAX_COLS 8192
#define TIMES_MIN_CHUNK 1024 /* rows per chunk of mapping/timestamps */

typedef struct report
{
  const credo_rec_spec *spec;
  credo_rec_source src;
  char *var;   /* group name: var_name, made unique within the pop */
  char *where; /* "/report/<pop>/<var>", for messages */
  hid_t data;  /* data [time x units] */
  hid_t times; /* mapping/timestamps */
  hid_t grid;  /* mapping/time, rewritten at close */
  hid_t mem_type;
  size_t elem; /* bytes per value in the buffer: 4 or 8 */
  size_t n_units;
  size_t chunk_rows;          /* rows per chunk = buffer capacity */
  size_t fill;                /* rows in the buffer */
  size_t block;               /* rows the buffer takes before it is written */
  void *buf;                  /* chunk_rows x n_units values, row-major */
  double *tbuf;               /* the buffered rows' times */
  hsize_t rows;               /* rows already in the file */
  unsigned long long planned; /* grid: rows expected, 0 for step reports */
  unsigned long long k;       /* grid: index of the next sample */
  double next;                /* grid: start + k*every, INFINITY when done */
  int warned;
} report;

/* The snapshots of one projection's weights. */
typedef struct wsnap
{
  credo_rec_weights src;
  char *where;  /* "/weights/<projection>", for messages */
  hid_t data;   /* [snapshot x rows x cols] */
  hid_t times;  /* [snapshot] */
  hsize_t rows; /* snapshots already in the file */
} wsnap;

struct credo_recorder
{
  credo_ctx *ctx;
  const credo_spec *spec;
  void (*eval) (void *ud, double t, const double *y); /* see credo_rec_sources */
  void *eval_ud;
  char *path, *part;
  hid_t file;
  size_t n_reps;
  report *reps;
  size_t n_ws;
  wsnap *ws;
  void *wbuf;                  /* one snapshot of the largest projection */
  unsigned long long wk;       /* index of the next snapshot */
  unsigned long long wplanned; /* snapshots expected */
  double wnext;                /* its time, INFINITY when done */
  int wwarned;
  /* /learning/: times and one 1-D dataset per column */
  hid_t lgroup, ltimes;
  size_t n_lcols;
  hid_t *ldata;
  hsize_t lrows;
  /* /learning/<path>: one rows x cols matrix per learning row */
  size_t n_lmat;
  hid_t *lmat;
  hsize_t *lmat_shape; /* [2 n_lmat]: rows, cols */
  double last_flush;
  /* live reading (live.c): /progress and SWMR */
  hid_t prog_t, prog_state, prog_flushes, prog_wall;
  int swmr;            /* 0: not yet, 1: SWMR writing, -1: it failed */
  int learning;        /* /learning was opened */
  double wall_open;    /* when the file was opened (credo__wall_seconds) */
  double t_now;        /* time of the sample being recorded, for messages */
  double t_sampled;    /* last sample time recorded (NaN: none) */
  double t_complete;   /* t_sampled at the last successful flush */
  unsigned long long n_flushes;
  int failed; /* an I/O error happened; err holds the first one */
  char err[1024];
};

/* ---- reports.c: one report per record entry ------------------------------ */

/* Group, data set, mapping and buffers of report i, whose values come from
 * src.  Refuses an entry that points outside the network. */
int credo__rec_report_open (credo_recorder *r, size_t i,
                            const credo_rec_source *src);

/* Records every report due at t (see credo__rec_sample). */
int credo__rec_reports_sample (credo_recorder *r, double t, const double *y,
                               int step);

/* Appends the buffered rows of p to its data set and timestamps. */
int credo__rec_report_flush (credo_recorder *r, report *p);

/* Flushes p and rewrites its mapping/time with the rows recorded. */
int credo__rec_report_finish (credo_recorder *r, report *p);

/* ---- spikes.c: /spikes/<population> ------------------------------------- */

/* The group and extendible data sets of spike report p (kind
 * CREDO_REC_SPIKES): node_ids in p->data, timestamps in p->times. */
int credo__rec_spikes_open (credo_recorder *r, report *p);
/* Appends the buffered spikes of p. */
int credo__rec_spikes_flush (credo_recorder *r, report *p);

/* ---- h5.c: errors and small HDF5 helpers --------------------------------- */

/* HDF5's description of the failure that just happened (the innermost
 * entry of the error stack); call it before any other HDF5 call. */
void credo__h5_reason (char *reason);

/* Records an I/O failure: "PATH.part: what obj: reason".  The first failure
 * is kept in r->err for the status attribute; every one goes to the
 * context.  Returns CREDO_EIO. */
int credo__rec_fail (credo_recorder *r, const char *what, const char *obj,
                     const char *reason);

/* credo__rec_fail with HDF5's reason for the call that just failed. */
int credo__rec_h5_fail (credo_recorder *r, const char *what, const char *obj);

/* Close a handle (object, data space, property list, data type) if it is
 * open and mark it closed, so cleanup paths can close everything. */
void credo__h5_close (hid_t *id);
void credo__h5_close_space (hid_t *id);
void credo__h5_close_plist (hid_t *id);
void credo__h5_close_type (hid_t *id);

/* A scalar attribute `name` on `loc`, replacing an existing one. */
herr_t credo__h5_attr (hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       const void *buf);

/* A scalar variable-length string attribute (NULL stands for ""). */
herr_t credo__h5_attr_string (hid_t loc, const char *name, const char *s);

/* n such attributes, named kv[i][0] with the values kv[i][1], in order. */
herr_t credo__h5_attr_strings (hid_t loc, size_t n, const char *const kv[][2]);

herr_t credo__h5_attr_double (hid_t loc, const char *name, double v);
herr_t credo__h5_attr_u64 (hid_t loc, const char *name, uint64_t v);

/* A fixed 1-D dataset of n values, written at once. */
herr_t credo__h5_dataset_1d (hid_t loc, const char *name, hid_t ftype,
                             hid_t mtype, size_t n, const void *buf);

/* A scalar dataset holding one value. */
herr_t credo__h5_dataset_scalar (hid_t loc, const char *name, hid_t ftype,
                                 hid_t mtype, const void *buf);

/* A group whose links remember their creation order, so that readers list
 * populations and variables in config order. */
hid_t credo__h5_group (hid_t loc, const char *name);

/* Creation property list of an extendible dataset: chunked, shuffled and
 * deflated at `level` (no filters at level 0). */
hid_t credo__h5_chunked_dcpl (int rank, const hsize_t *chunk, int level);

/* ---- live.c: SWMR writing and /progress --------------------------------- */

#define CREDO_REC_STATE_LEN 256 /* bytes of /progress/state */

/* /progress and its data sets, kept open for rewriting. */
int credo__rec_progress_open (credo_recorder *r);
/* Switches SWMR writing on (once; every object must exist by then). */
int credo__rec_live (credo_recorder *r);
/* Rewrites /progress (complete up to t, n flushes) and flushes the file. */
int credo__rec_progress_write (credo_recorder *r, double t, uint64_t n);

/* ---- recorder.c ----------------------------------------------------------- */

/* Writes every buffered row, then /progress, and flushes the file. */
int credo__rec_flush (credo_recorder *r);
/* /progress/state gets the final status. */
int credo__rec_progress_final (credo_recorder *r, const char *status);

/* ---- follow.c: reading (info.c, credo info --follow) -------------------- */

/* The string attribute `name` of object `obj` under loc (fixed or
 * variable length), newly allocated; NULL when absent or not a string. */
char *credo__h5_read_str (hid_t loc, const char *obj, const char *name);
/* A one-element numeric attribute converted to `mtype`; 0 or -1. */
int credo__h5_read_num (hid_t loc, const char *obj, const char *name,
                        hid_t mtype, void *v);
/* Opens `path` read-only (as a SWMR reader when it is being written). */
int credo__h5_open_read (credo_ctx *ctx, const char *path, hid_t *file);
/* The "progress" line of credo info (nothing for a file without one). */
void credo__info_progress (FILE *out, hid_t file);

/* ---- learning.c: weight snapshots ---------------------------------------- */

/* Points the snapshot grid at index k, or at INFINITY past the stop. */
void credo__rec_weights_seek (credo_recorder *r, unsigned long long k);

/* Whether a snapshot is due at exactly t.  A snapshot time before t means
 * the driver skipped it: warn once and move on to t. */
int credo__rec_weights_due (credo_recorder *r, double t);

/* The /weights group and one subgroup per recorded projection, whose
 * weights come from src[0 .. spec->weights.n - 1]. */
int credo__rec_weights_open (credo_recorder *r, const credo_rec_weights *src);

/* Appends the weights of w's projection at time t (plastic: from the state
 * y; static: the fixed matrix) and the time. */
int credo__rec_weights_write (credo_recorder *r, wsnap *w, double t,
                              const double *y);

#endif /* CREDO_RECORDER_IMPL_H */
