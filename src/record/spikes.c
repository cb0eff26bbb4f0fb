/* src/record/spikes.c -- spike times in the SONATA spike layout:
 * /spikes/<population>/timestamps (float64, ms) and node_ids (uint64),
 * `sorting` = "by_time" and `n_nodes` (the population's size) on the
 * population's group, appended in chunks as
 * the run produces them.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_impl.h"

#define SPIKE_CHUNK 8192 /* spikes per chunk and per buffer */

/* An extendible 1-D data set `name` in g, chunked. */
static hid_t
extendible (credo_recorder *r, hid_t g, const char *name, hid_t ftype)
{
  hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = SPIKE_CHUNK;
  hid_t space = H5Screate_simple (1, &dims, &maxdims);
  hid_t dcpl = credo__h5_chunked_dcpl (1, &chunk, r->spec->compression);
  hid_t d = H5I_INVALID_HID;
  if (space >= 0 && dcpl >= 0)
    d = H5Dcreate2 (g, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  credo__h5_close_plist (&dcpl);
  credo__h5_close_space (&space);
  return d;
}

int
credo__rec_spikes_open (credo_recorder *r, report *p)
{
  hid_t top, g = H5I_INVALID_HID;
  size_t len = strlen (p->src.pop) + 16;
  htri_t have = H5Lexists (r->file, "/spikes", H5P_DEFAULT);
  int rc = 0;
  p->next = INFINITY;
  p->n_units = p->spec->n_units;
  p->chunk_rows = p->block = SPIKE_CHUNK;
  p->buf = credo__calloc (SPIKE_CHUNK, sizeof (uint64_t));
  p->tbuf = credo__calloc (SPIKE_CHUNK, sizeof (double));
  p->where = malloc (len);
  if (!p->buf || !p->tbuf || !p->where)
    return credo__error (r->ctx, CREDO_ENOMEM, "out of memory");
  snprintf (p->where, len, "/spikes/%s", p->src.pop);
  top = have > 0 ? H5Gopen2 (r->file, "/spikes", H5P_DEFAULT)
                 : have == 0 ? credo__h5_group (r->file, "spikes")
                             : H5I_INVALID_HID;
  if (top >= 0)
    g = credo__h5_group (top, p->src.pop);
  if (g < 0 || credo__h5_attr_string (g, "sorting", "by_time") < 0
      || credo__h5_attr_string (g, "model", p->src.model) < 0
      || credo__h5_attr_u64 (g, "n_nodes", p->n_units) < 0
      || (p->times = extendible (r, g, "timestamps", H5T_IEEE_F64LE)) < 0
      || credo__h5_attr_string (p->times, "units", "ms") < 0
      || (p->data = extendible (r, g, "node_ids", H5T_STD_U64LE)) < 0)
    rc = credo__rec_h5_fail (r, "cannot create", p->where);
  credo__h5_close (&g);
  credo__h5_close (&top);
  return rc;
}

/* Appends n values of mtype from buf to the 1-D data set d at row `at`. */
static herr_t
append (hid_t d, hid_t mtype, hsize_t at, hsize_t n, const void *buf)
{
  hsize_t dims = at + n;
  hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
  herr_t rc = -1;
  if (H5Dset_extent (d, &dims) >= 0 && (fs = H5Dget_space (d)) >= 0
      && H5Sselect_hyperslab (fs, H5S_SELECT_SET, &at, NULL, &n, NULL) >= 0
      && (ms = H5Screate_simple (1, &n, NULL)) >= 0)
    rc = H5Dwrite (d, mtype, ms, fs, H5P_DEFAULT, buf);
  credo__h5_close_space (&fs);
  credo__h5_close_space (&ms);
  return rc;
}

int
credo__rec_spikes_flush (credo_recorder *r, report *p)
{
  if (p->fill == 0)
    return 0;
  if (append (p->times, H5T_NATIVE_DOUBLE, p->rows, p->fill, p->tbuf) < 0
      || append (p->data, H5T_NATIVE_UINT64, p->rows, p->fill, p->buf) < 0)
    return credo__rec_h5_fail (r, "cannot write", p->where);
  p->rows += p->fill;
  p->fill = 0;
  return 0;
}

static int
cmp_size (const void *a, const void *b)
{
  size_t x = *(const size_t *) a, y = *(const size_t *) b;
  return (x > y) - (x < y);
}

/* Whether unit u is among the recorded (increasing) units of s. */
static int
recorded (const credo_rec_spec *s, size_t pop_size, uint32_t u)
{
  size_t key = u;
  return s->n_units == pop_size
         || bsearch (&key, s->units, s->n_units, sizeof key, cmp_size);
}

int
credo__rec_spikes (credo_recorder *r, int pop, size_t n, const uint32_t *ids,
                   const double *t)
{
  int rc = 0;
  if (r && r->failed)
    return CREDO_EIO;
  if (r && (rc = credo__rec_live (r)))
    return rc;
  for (size_t i = 0; r && i < r->n_reps; i++)
    {
      report *p = &r->reps[i];
      if (p->spec->kind != CREDO_REC_SPIKES || p->spec->pop != pop)
        continue;
      for (size_t s = 0; s < n && rc == 0; s++)
        {
          if (!recorded (p->spec, p->src.pop_size, ids[s]))
            continue;
          ((uint64_t *) p->buf)[p->fill] = ids[s];
          p->tbuf[p->fill++] = t[s];
          if (p->fill == p->chunk_rows)
            rc = credo__rec_spikes_flush (r, p);
        }
    }
  return rc;
}
