/* src/record/h5.c -- the recorder's error reporting and small HDF5
 * helpers (attributes, scalar and 1-D data sets, groups, handles).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_impl.h"

/* ---- errors ------------------------------------------------------------ */

static herr_t
innermost (unsigned n, const H5E_error2_t *e, void *ud)
{
  char *reason = ud;
  const char *msg;
  if (n != 0 || !e->desc)
    return 0;
  /* a failed write(2) comes with the time, file name, buffer and offsets
   * on several lines: keep what failed and why, on one */
  msg = strstr (e->desc, "error message = '");
  if (msg)
    {
      const char *end = strchr (msg += strlen ("error message = '"), '\'');
      const char *colon = strchr (e->desc, ':');
      int head = colon ? (int) (colon - e->desc) : 0;
      snprintf (reason, 512, "%.*s%s%.*s", head, e->desc, head ? ": " : "",
                end ? (int) (end - msg) : 200, msg);
    }
  else
    snprintf (reason, 512, "%s", e->desc);
  return 0;
}

/* HDF5's description of the failure that just happened (the innermost
 * entry of the error stack); call it before any other HDF5 call. */
void
credo__h5_reason (char *reason)
{
  reason[0] = '\0';
  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, innermost, reason);
  if (!reason[0])
    snprintf (reason, 512, "HDF5 error");
}

/* Records an I/O failure: "PATH.part: what obj: reason".  The first failure
 * is kept in r->err for the status attribute; every one goes to the
 * context.  Returns CREDO_EIO. */
int
credo__rec_fail (credo_recorder *r, const char *what, const char *obj,
                 const char *reason)
{
  char msg[sizeof r->err], at[64] = "";
  /* when, in the run: "failed: <what> at t = ..." */
  if (isfinite (r->t_now))
    snprintf (at, sizeof at, " at t = %.6g ms", r->t_now);
  snprintf (msg, sizeof msg, "%s: %s%s%s: %s%s", r->part, what,
            obj ? " " : "", obj ? obj : "", reason, at);
  if (!r->failed)
    {
      memcpy (r->err, msg, sizeof msg);
      r->failed = 1;
    }
  return credo__error (r->ctx, CREDO_EIO, "%s", msg);
}

/* credo__rec_fail with HDF5's reason for the call that just failed. */
int
credo__rec_h5_fail (credo_recorder *r, const char *what, const char *obj)
{
  char reason[512];
  credo__h5_reason (reason);
  return credo__rec_fail (r, what, obj, reason);
}

/* ---- small HDF5 helpers -------------------------------------------------- */

void
credo__h5_close (hid_t *id)
{
  if (*id >= 0)
    H5Oclose (*id);
  *id = H5I_INVALID_HID;
}

void
credo__h5_close_space (hid_t *id)
{
  if (*id >= 0)
    H5Sclose (*id);
  *id = H5I_INVALID_HID;
}

void
credo__h5_close_plist (hid_t *id)
{
  if (*id >= 0)
    H5Pclose (*id);
  *id = H5I_INVALID_HID;
}

void
credo__h5_close_type (hid_t *id)
{
  if (*id >= 0)
    H5Tclose (*id);
  *id = H5I_INVALID_HID;
}

/* A scalar attribute `name` on `loc`, replacing an existing one. */
herr_t
credo__h5_attr (hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                const void *buf)
{
  hid_t space = H5I_INVALID_HID, a = H5I_INVALID_HID;
  htri_t exists = H5Aexists (loc, name);
  herr_t rc = -1;
  if (exists < 0 || (exists > 0 && H5Adelete (loc, name) < 0))
    return -1;
  space = H5Screate (H5S_SCALAR);
  if (space >= 0)
    a = H5Acreate2 (loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0)
    rc = H5Awrite (a, mtype, buf);
  if (a >= 0 && H5Aclose (a) < 0)
    rc = -1;
  credo__h5_close_space (&space);
  return rc;
}

/* Whether s is well-formed UTF-8 (then the attribute says so and h5py
 * decodes it; otherwise it is stored as ASCII-tagged bytes). */
static int
is_utf8 (const char *s)
{
  const unsigned char *p = (const unsigned char *) s;
  while (*p)
    {
      int extra = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2
                  : (*p >> 3) == 30 ? 3 : -1;
      if (extra < 0)
        return 0;
      for (p++; extra > 0; extra--, p++)
        if ((*p & 0xC0) != 0x80)
          return 0;
    }
  return 1;
}

/* A scalar variable-length string attribute (NULL stands for ""). */
herr_t
credo__h5_attr_string (hid_t loc, const char *name, const char *s)
{
  hid_t t = H5Tcopy (H5T_C_S1);
  herr_t rc = -1;
  if (!s)
    s = "";
  if (t >= 0 && H5Tset_size (t, H5T_VARIABLE) >= 0
      && H5Tset_cset (t, is_utf8 (s) ? H5T_CSET_UTF8 : H5T_CSET_ASCII) >= 0)
    rc = credo__h5_attr (loc, name, t, t, &s);
  credo__h5_close_type (&t);
  return rc;
}

herr_t
credo__h5_attr_strings (hid_t loc, size_t n, const char *const kv[][2])
{
  for (size_t i = 0; i < n; i++)
    if (credo__h5_attr_string (loc, kv[i][0], kv[i][1]) < 0)
      return -1;
  return 0;
}

herr_t
credo__h5_attr_double (hid_t loc, const char *name, double v)
{
  return credo__h5_attr (loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

herr_t
credo__h5_attr_u64 (hid_t loc, const char *name, uint64_t v)
{
  return credo__h5_attr (loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
}

/* A fixed 1-D dataset of n values, written at once. */
herr_t
credo__h5_dataset_1d (hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                      size_t n, const void *buf)
{
  hsize_t dim = n;
  hid_t space = H5Screate_simple (1, &dim, NULL), d = H5I_INVALID_HID;
  herr_t rc = -1;
  if (space >= 0)
    d = H5Dcreate2 (loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT,
                    H5P_DEFAULT);
  if (d >= 0)
    rc = n ? H5Dwrite (d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
  if (d >= 0 && H5Dclose (d) < 0)
    rc = -1;
  credo__h5_close_space (&space);
  return rc;
}

/* A scalar dataset holding one value. */
herr_t
credo__h5_dataset_scalar (hid_t loc, const char *name, hid_t ftype,
                          hid_t mtype, const void *buf)
{
  hid_t space = H5Screate (H5S_SCALAR), d = H5I_INVALID_HID;
  herr_t rc = -1;
  if (space >= 0)
    d = H5Dcreate2 (loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT,
                    H5P_DEFAULT);
  if (d >= 0)
    rc = H5Dwrite (d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  if (d >= 0 && H5Dclose (d) < 0)
    rc = -1;
  credo__h5_close_space (&space);
  return rc;
}

/* A group whose links remember their creation order, so that readers list
 * populations and variables in config order. */
hid_t
credo__h5_group (hid_t loc, const char *name)
{
  hid_t gcpl = H5Pcreate (H5P_GROUP_CREATE), g = H5I_INVALID_HID;
  if (gcpl >= 0
      && H5Pset_link_creation_order (gcpl, H5P_CRT_ORDER_TRACKED
                                               | H5P_CRT_ORDER_INDEXED) >= 0)
    g = H5Gcreate2 (loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  credo__h5_close_plist (&gcpl);
  return g;
}

/* Creation property list of an extendible dataset: chunked, shuffled and
 * deflated at `level` (no filters at level 0). */
hid_t
credo__h5_chunked_dcpl (int rank, const hsize_t *chunk, int level)
{
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  if (dcpl < 0)
    return dcpl;
  if (H5Pset_chunk (dcpl, rank, chunk) < 0
      || (level > 0
          && (H5Pset_shuffle (dcpl) < 0
              || H5Pset_deflate (dcpl, (unsigned) level) < 0)))
    credo__h5_close_plist (&dcpl);
  return dcpl;
}
