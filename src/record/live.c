/* src/record/live.c -- a file that can be read while it is written and
 * that says how much of it is valid: SWMR writing and /progress.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The file is created with the latest HDF5 format (SWMR needs it).  Every
 * group and data set the run will write is created at open (the driver
 * opens /learning right after the reports); the first sample then switches
 * on single-writer/multiple-reader writing (H5Fstart_swmr_write), after
 * which no object or attribute may be added or changed, only data sets
 * written and extended.  So the run's progress lives in small data sets:
 *
 *   /progress/t_complete   float64: every report sample and weight snapshot
 *                          at t <= t_complete is in the file (NaN: none yet)
 *   /progress/state        fixed 256-byte string: "running", then the final
 *                          status (copied from the `status` attribute)
 *   /progress/flushes      uint64: flushes so far
 *   /progress/wall_seconds float64: wall time from open to the last flush
 *
 * rewritten at every flush, at least every output.flush_every seconds of
 * wall time.  A reader (h5py.File(path, "r", swmr=True), `credo info
 * --follow`) sees a consistent file at any time, and a killed run leaves
 * every sample up to t_complete readable in PATH.part.  Spikes and
 * learning rows are flushed at the same times.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "record/record_impl.h"

/* A scalar data set kept open for rewriting. */
static hid_t
scalar (hid_t g, const char *name, hid_t ftype, const char *doc)
{
  hid_t space = H5Screate (H5S_SCALAR), d = H5I_INVALID_HID;
  if (space >= 0)
    d = H5Dcreate2 (g, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT,
                    H5P_DEFAULT);
  credo__h5_close_space (&space);
  if (d >= 0 && credo__h5_attr_string (d, "description", doc) < 0)
    credo__h5_close (&d);
  return d;
}

/* The fixed-length string type of /progress/state. */
static hid_t
state_type (void)
{
  hid_t t = H5Tcopy (H5T_C_S1);
  if (t >= 0 && (H5Tset_size (t, CREDO_REC_STATE_LEN) < 0
                 || H5Tset_strpad (t, H5T_STR_NULLTERM) < 0))
    credo__h5_close_type (&t);
  return t;
}

/* Rewrites /progress/state with s (truncated to fit). */
static herr_t
write_state (credo_recorder *r, const char *s)
{
  char buf[CREDO_REC_STATE_LEN];
  hid_t t = state_type ();
  herr_t rc = -1;
  memset (buf, 0, sizeof buf);
  snprintf (buf, sizeof buf, "%s", s);
  if (t >= 0)
    rc = H5Dwrite (r->prog_state, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  credo__h5_close_type (&t);
  return rc;
}

int
credo__rec_progress_open (credo_recorder *r)
{
  hid_t g = credo__h5_group (r->file, "progress"), t = state_type ();
  double nan = NAN, zero = 0;
  uint64_t flushes = 0;
  int rc = 0;
  r->t_complete = NAN;
  if (g < 0 || t < 0
      || (r->prog_t = scalar (g, "t_complete", H5T_IEEE_F64LE,
                              "every report sample and weight snapshot at "
                              "t <= t_complete (ms) is in the file; NaN: "
                              "none yet")) < 0
      || (r->prog_state = scalar (g, "state", t,
                                  "running, or the final status")) < 0
      || (r->prog_flushes = scalar (g, "flushes", H5T_STD_U64LE,
                                    "flushes so far")) < 0
      || (r->prog_wall = scalar (g, "wall_seconds", H5T_IEEE_F64LE,
                                 "wall time from open to the last flush"))
             < 0
      || H5Dwrite (r->prog_t, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                   H5P_DEFAULT, &nan) < 0
      || write_state (r, "running") < 0
      || H5Dwrite (r->prog_flushes, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL,
                   H5P_DEFAULT, &flushes) < 0
      || H5Dwrite (r->prog_wall, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                   H5P_DEFAULT, &zero) < 0)
    rc = credo__rec_h5_fail (r, "cannot create", "/progress");
  credo__h5_close_type (&t);
  credo__h5_close (&g);
  return rc;
}

/* Switches SWMR writing on before the first write of the run.  Every
 * object must exist by now; groups are closed first. */
int
credo__rec_live (credo_recorder *r)
{
  if (r->swmr)
    return r->swmr < 0 ? CREDO_EIO : 0;
  credo__h5_close (&r->lgroup);
  if (H5Fstart_swmr_write (r->file) < 0)
    {
      r->swmr = -1;
      return credo__rec_h5_fail (r, "cannot start SWMR writing", NULL);
    }
  r->swmr = 1;
  return 0;
}

/* Rewrites /progress: complete up to t, n flushes, wall seconds since
 * open; then flushes the file.  The caller has flushed the data first: a
 * reader must never see t_complete ahead of the rows. */
int
credo__rec_progress_write (credo_recorder *r, double t, uint64_t n)
{
  double wall = credo__wall_seconds () - r->wall_open;
  if (H5Dwrite (r->prog_t, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                &t) < 0
      || H5Dwrite (r->prog_flushes, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL,
                   H5P_DEFAULT, &n) < 0
      || H5Dwrite (r->prog_wall, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                   H5P_DEFAULT, &wall) < 0
      || H5Fflush (r->file, H5F_SCOPE_GLOBAL) < 0)
    return credo__rec_h5_fail (r, "cannot write", "/progress");
  return 0;
}

/* The final state: /progress/state gets the status. */
int
credo__rec_progress_final (credo_recorder *r, const char *status)
{
  if (r->prog_state >= 0
      && (write_state (r, status) < 0
          || H5Fflush (r->file, H5F_SCOPE_GLOBAL) < 0))
    return credo__rec_h5_fail (r, "cannot write", "/progress/state");
  return 0;
}
