/* tests/recorder_fixture.h -- what the recorder's Check programs
 * (check_recorder.c, check_recorder_fail.c) share: a hand-made description
 * of what to record, the fixture, the driver loop and HDF5 readers.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The recorder never sees a network: the fixture describes one population
 * "exc" (model "fake": state variables v [mV] and w [pA], input port I
 * [nA], output port r [Hz], n = 3, its state at y[2..7]) the way the run
 * driver would, with an eval callback that fills the ports from the state.
 */
#ifndef CREDO_RECORDER_FIXTURE_H
#define CREDO_RECORDER_FIXTURE_H

#include <check.h>
#include <stdint.h>

#include <hdf5.h>

#include "testutil.h"

#define N_UNITS 3
#define OFFSET 2 /* the population's state starts at y[2] */
#define N_STATE (OFFSET + 2 * N_UNITS)

typedef struct fixture
{
  credo_ctx *ctx;
  credo_spec spec;
  credo_rec_spec recs[8];
  credo_rec_source srcs[8]; /* what the driver says about recs[i] */
  credo_rec_sources src;
  double out0[N_UNITS], in0[N_UNITS]; /* the ports, filled by eval */
  int n_evals;                         /* calls of eval */
  size_t all[N_UNITS], u02[2], u1[1], u2[1];
  char dir[64], path[128], part[136];
  char warning[512];
} fixture;

extern fixture F;
extern const char config_text[];
extern const credo_run_meta meta;

/* A fresh F with an empty spec (1 ms, seed 7) and no record entries. */
void setup (void);
void teardown (void);

/* Appends record entry (pop "exc") and its source to F. */
credo_rec_spec *add_rec (int kind, int index, const char *name, size_t *units,
                         size_t n, double every, double start, double stop,
                         int float32);

/* The state at time t: variable a of unit i is 100 a + 10 i + t. */
void fill_state (double *y, double t);

/* What the run driver does: sample at t = 0, then integrate in steps of h,
 * sampling on the way every grid time the recorder asks for and the end of
 * each step for every-step reports.  Step times go to steps[]. */
size_t drive (credo_recorder *r, double duration, double h, double *steps);

credo_solver_stats some_stats (void);

/* ---- reading back ------------------------------------------------------- */

int exists (const char *path);
/* The whole data set `name` as doubles (converted), with its dims. */
double *read_doubles (hid_t f, const char *name, hsize_t *dims, int *rank);
uint64_t *read_u64 (hid_t f, const char *name, hsize_t *n);
/* The file type of a data set: class and size. */
void dtype_of (hid_t f, const char *name, H5T_class_t *cls, size_t *size,
               H5T_sign_t *sign);
/* A variable-length string attribute of object obj (malloc'd). */
char *attr_str (hid_t f, const char *obj, const char *name);
void assert_attr (hid_t f, const char *obj, const char *name,
                  const char *want);
double attr_num (hid_t f, const char *obj, const char *name);
long long scalar_ll (hid_t f, const char *name);

#endif /* CREDO_RECORDER_FIXTURE_H */
