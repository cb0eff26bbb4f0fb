/* src/record/info.c -- `credo info`: what a recorded HDF5 file holds.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Reads the layout written by recorder.c (root attributes, /report/<pop>/
 * <var>/{data,mapping}, /weights/<proj>/{data,times}, /solver) and prints
 * the run's metadata, one table row per report, one line per projection
 * with weight snapshots and the solver statistics.  Read-only; tolerant of
 * missing pieces (a file left as PATH.part by a killed run has no /solver).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "record/record_impl.h"

/* ---- walking groups ------------------------------------------------------ */

/* Name of the idx-th link of group g, in creation order when the group
 * tracks it, else by name; newly allocated or NULL. */
static char *
link_name (hid_t g, hsize_t idx)
{
  static const H5_index_t orders[] = { H5_INDEX_CRT_ORDER, H5_INDEX_NAME };
  size_t o;
  for (o = 0; o < 2; o++)
    {
      ssize_t len = H5Lget_name_by_idx (g, ".", orders[o], H5_ITER_INC, idx,
                                        NULL, 0, H5P_DEFAULT);
      char *name;
      if (len < 0)
        continue;
      name = malloc ((size_t) len + 1);
      if (name && H5Lget_name_by_idx (g, ".", orders[o], H5_ITER_INC, idx,
                                      name, (size_t) len + 1, H5P_DEFAULT) >= 0)
        return name;
      free (name);
    }
  return NULL;
}

static hsize_t
n_links (hid_t g)
{
  H5G_info_t info;
  return H5Gget_info (g, &info) < 0 ? 0 : info.nlinks;
}

static int
is_group (hid_t loc, const char *name)
{
  H5O_info_t info;
  return H5Lexists (loc, name, H5P_DEFAULT) > 0
         && H5Oget_info_by_name2 (loc, name, &info, H5O_INFO_BASIC,
                                  H5P_DEFAULT) >= 0
         && info.type == H5O_TYPE_GROUP;
}

/* ---- formatting ---------------------------------------------------------- */

static void
human_size (double bytes, char *buf, size_t size)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  int u = 0;
  while (bytes >= 1024 && u < 4)
    {
      bytes /= 1024;
      u++;
    }
  if (u == 0)
    snprintf (buf, size, "%.0f B", bytes);
  else
    snprintf (buf, size, "%.1f %s", bytes, units[u]);
}

/* One line of the report table. */
typedef struct row
{
  char col[8][128];
} row;

enum
{
  COL_POP,
  COL_VAR,
  COL_UNITS,
  COL_SAMPLES,
  COL_SAMPLING,
  COL_DTYPE,
  COL_STORED,
  COL_RAW,
  N_COLS
};

static const char *const headers[N_COLS] = {
  "population", "variable", "units", "samples", "sampling", "dtype",
  "stored", "raw"
};

/* Element i of the 1-D double data set d; 0 or -1. */
static int
read_element (hid_t d, hsize_t i, double *v)
{
  hid_t fs = H5Dget_space (d), ms = H5I_INVALID_HID;
  hsize_t one = 1;
  int rc = -1;
  if (fs >= 0
      && H5Sselect_hyperslab (fs, H5S_SELECT_SET, &i, NULL, &one, NULL) >= 0
      && (ms = H5Screate_simple (1, &one, NULL)) >= 0
      && H5Dread (d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, v) >= 0)
    rc = 0;
  if (ms >= 0)
    H5Sclose (ms);
  if (fs >= 0)
    H5Sclose (fs);
  return rc;
}

/* First and the n-th value of the 1-D double data set `name` under g. */
static int
first_last (hid_t g, const char *name, hsize_t n, double *first, double *last)
{
  hid_t d = H5Dopen2 (g, name, H5P_DEFAULT);
  int rc = -1;
  if (d >= 0 && n > 0 && read_element (d, 0, first) == 0
      && read_element (d, n - 1, last) == 0)
    rc = 0;
  if (d >= 0)
    H5Dclose (d);
  return rc;
}

/* The dtype, stored and raw columns: how the data is kept and compressed. */
static void
describe_storage (hid_t d, hid_t type, int rank, const hsize_t dims[2],
                  row *rw)
{
  size_t tsize = 0;
  char a[64], b[64];
  if (type >= 0)
    {
      tsize = H5Tget_size (type);
      if (H5Tget_class (type) == H5T_FLOAT)
        snprintf (rw->col[COL_DTYPE], sizeof rw->col[COL_DTYPE], "float%zu",
                  8 * tsize);
      else
        snprintf (rw->col[COL_DTYPE], sizeof rw->col[COL_DTYPE], "%zu-byte",
                  tsize);
    }
  if (d >= 0)
    {
      double stored = (double) H5Dget_storage_size (d);
      human_size (stored, a, sizeof a);
      snprintf (rw->col[COL_STORED], sizeof rw->col[COL_STORED], "%s", a);
      if (rank == 2 && tsize)
        {
          double raw = (double) dims[0] * (double) dims[1] * (double) tsize;
          human_size (raw, b, sizeof b);
          snprintf (rw->col[COL_RAW], sizeof rw->col[COL_RAW], "%s", b);
          if (raw > 0)
            snprintf (rw->col[COL_STORED], sizeof rw->col[COL_STORED],
                      "%s (%.0f%%)", a, 100.0 * stored / raw);
        }
    }
}

/* A report's sampling interval, from older files too; -1 when unknown. */
static double
sampling_interval (hid_t g)
{
  double every = -1, triple[3];
  /* the group's attribute, else SONATA's time */
  if (credo__h5_read_num (g, ".", "every", H5T_NATIVE_DOUBLE, &every) < 0
      && H5Lexists (g, "mapping", H5P_DEFAULT) > 0
      && H5Lexists (g, "mapping/time", H5P_DEFAULT) > 0)
    {
      hid_t td = H5Dopen2 (g, "mapping/time", H5P_DEFAULT);
      hid_t ts = td >= 0 ? H5Dget_space (td) : H5I_INVALID_HID;
      if (ts >= 0 && H5Sget_simple_extent_npoints (ts) == 3
          && H5Dread (td, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                      triple) >= 0)
        every = triple[2];
      if (ts >= 0)
        H5Sclose (ts);
      if (td >= 0)
        H5Dclose (td);
    }
  return every;
}

/* Fills the table row of report group `var` in population group pg. */
static void
describe_report (hid_t pg, const char *pop, const char *var, row *rw)
{
  hid_t g = H5Gopen2 (pg, var, H5P_DEFAULT);
  hid_t d = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
  hsize_t dims[2] = { 0, 0 };
  double every, first, last;
  char *unit = NULL;
  int rank = -1, i;

  for (i = 0; i < N_COLS; i++)
    snprintf (rw->col[i], sizeof rw->col[i], "?");
  snprintf (rw->col[COL_POP], sizeof rw->col[COL_POP], "%s", pop);
  snprintf (rw->col[COL_VAR], sizeof rw->col[COL_VAR], "%s", var);
  if (g < 0)
    return;
  if (H5Lexists (g, "data", H5P_DEFAULT) > 0)
    d = H5Dopen2 (g, "data", H5P_DEFAULT);
  if (d >= 0)
    {
      space = H5Dget_space (d);
      type = H5Dget_type (d);
      unit = credo__h5_read_str (d, ".", "units");
    }
  if (space >= 0)
    rank = H5Sget_simple_extent_dims (space, dims, NULL);
  if (unit && *unit)
    snprintf (rw->col[COL_VAR], sizeof rw->col[COL_VAR], "%s (%s)", var, unit);
  if (rank == 2)
    {
      snprintf (rw->col[COL_UNITS], sizeof rw->col[COL_UNITS], "%llu",
                (unsigned long long) dims[1]);
      snprintf (rw->col[COL_SAMPLES], sizeof rw->col[COL_SAMPLES], "%llu",
                (unsigned long long) dims[0]);
    }
  describe_storage (d, type, rank, dims, rw);

  every = sampling_interval (g);
  if (every == 0)
    snprintf (rw->col[COL_SAMPLING], sizeof rw->col[COL_SAMPLING],
              "every step");
  else if (every > 0 && rank == 2 && dims[0] > 0
           && H5Lexists (g, "mapping", H5P_DEFAULT) > 0
           && H5Lexists (g, "mapping/timestamps", H5P_DEFAULT) > 0
           && first_last (g, "mapping/timestamps", dims[0], &first, &last) == 0)
    snprintf (rw->col[COL_SAMPLING], sizeof rw->col[COL_SAMPLING],
              "every %g ms from %g to %g", every, first, last);
  else if (every > 0)
    snprintf (rw->col[COL_SAMPLING], sizeof rw->col[COL_SAMPLING],
              "every %g ms", every);

  free (unit);
  if (type >= 0)
    H5Tclose (type);
  if (space >= 0)
    H5Sclose (space);
  if (d >= 0)
    H5Dclose (d);
  H5Gclose (g);
}

/* Columns two spaces apart, counts right-aligned, the last one unpadded. */
static void
print_line (FILE *out, const char *const *cells, const size_t *w)
{
  int c;
  fprintf (out, " ");
  for (c = 0; c < N_COLS; c++)
    {
      int right = c == COL_UNITS || c == COL_SAMPLES;
      if (c == N_COLS - 1)
        fprintf (out, " %s", cells[c]);
      else
        fprintf (out, right ? " %*s " : " %-*s ", (int) w[c], cells[c]);
    }
  fprintf (out, "\n");
}

static void
print_table (FILE *out, const row *rows, size_t n)
{
  const char *cells[N_COLS];
  size_t w[N_COLS], i;
  int c;
  for (c = 0; c < N_COLS; c++)
    {
      w[c] = strlen (headers[c]);
      for (i = 0; i < n; i++)
        if (strlen (rows[i].col[c]) > w[c])
          w[c] = strlen (rows[i].col[c]);
    }
  print_line (out, headers, w);
  for (i = 0; i < n; i++)
    {
      for (c = 0; c < N_COLS; c++)
        cells[c] = rows[i].col[c];
      print_line (out, cells, w);
    }
}

/* The table of every /report/<pop>/<var> group. */
static void
print_reports (FILE *out, hid_t file)
{
  hid_t rg;
  hsize_t i, j, np;
  row *rows = NULL;
  size_t n = 0, cap = 0;

  fprintf (out, "\nreports\n");
  if (!is_group (file, "report")
      || (rg = H5Gopen2 (file, "report", H5P_DEFAULT)) < 0)
    {
      fprintf (out, "  (none)\n");
      return;
    }
  np = n_links (rg);
  for (i = 0; i < np; i++)
    {
      char *pop = link_name (rg, i);
      hid_t pg = pop && is_group (rg, pop) ? H5Gopen2 (rg, pop, H5P_DEFAULT)
                                           : H5I_INVALID_HID;
      hsize_t nv = pg >= 0 ? n_links (pg) : 0;
      for (j = 0; j < nv; j++)
        {
          char *var = link_name (pg, j);
          if (var && is_group (pg, var))
            {
              if (n == cap)
                {
                  size_t ncap = cap ? 2 * cap : 8;
                  row *nr = realloc (rows, ncap * sizeof *nr);
                  if (!nr)
                    {
                      free (var);
                      break;
                    }
                  rows = nr;
                  cap = ncap;
                }
              describe_report (pg, pop, var, &rows[n++]);
            }
          free (var);
        }
      if (pg >= 0)
        H5Gclose (pg);
      free (pop);
    }
  H5Gclose (rg);
  if (n)
    print_table (out, rows, n);
  else
    fprintf (out, "  (none)\n");
  free (rows);
}

/* /learning/: its rows (over what x), the x span, its columns. */
static void
print_learning (FILE *out, hid_t file)
{
  hid_t lg, d, space;
  hsize_t n_rows = 0, n, i;
  char *unit;
  double first = 0, last = 0;
  int cols = 0;
  if (!is_group (file, "learning")
      || (lg = H5Gopen2 (file, "learning", H5P_DEFAULT)) < 0)
    return;
  fprintf (out, "\nlearning\n");
  if (H5Lexists (lg, "times", H5P_DEFAULT) > 0
      && (d = H5Dopen2 (lg, "times", H5P_DEFAULT)) >= 0)
    {
      if ((space = H5Dget_space (d)) >= 0)
        {
          H5Sget_simple_extent_dims (space, &n_rows, NULL);
          H5Sclose (space);
        }
      H5Dclose (d);
    }
  unit = credo__h5_read_str (lg, "times", "units");
  if (n_rows)
    first_last (lg, "times", n_rows, &first, &last);
  fprintf (out, "  %llu rows, %s %g..%g; columns:",
           (unsigned long long) n_rows,
           unit && strcmp (unit, "ms") != 0 ? unit : "t (ms)", first, last);
  n = n_links (lg);
  for (i = 0; i < n; i++)
    {
      char *name = link_name (lg, i);
      if (name && strcmp (name, "times") != 0 && !is_group (lg, name))
        fprintf (out, "%s%s", cols++ % 6 ? " " : "\n    ", name);
      free (name);
    }
  fputc ('\n', out);
  free (unit);
  H5Gclose (lg);
}

/* One line per /spikes/<pop> (SONATA spike layout): spikes, their time
 * span, the sorting. */
static void
print_spikes (FILE *out, hid_t file)
{
  hid_t sg;
  hsize_t n;
  if (!is_group (file, "spikes")
      || (sg = H5Gopen2 (file, "spikes", H5P_DEFAULT)) < 0)
    return; /* no spikes were asked for */
  fprintf (out, "\nspikes\n");
  n = n_links (sg);
  for (hsize_t i = 0; i < n; i++)
    {
      char *pop = link_name (sg, i), *sorting;
      hid_t g = pop && is_group (sg, pop) ? H5Gopen2 (sg, pop, H5P_DEFAULT)
                                          : H5I_INVALID_HID;
      hid_t d = g >= 0 ? H5Dopen2 (g, "timestamps", H5P_DEFAULT)
                       : H5I_INVALID_HID;
      hid_t space = d >= 0 ? H5Dget_space (d) : H5I_INVALID_HID;
      hsize_t count = 0;
      double first, last;
      if (space >= 0)
        H5Sget_simple_extent_dims (space, &count, NULL);
      sorting = g >= 0 ? credo__h5_read_str (g, ".", "sorting") : NULL;
      fprintf (out, "  %-10s %10llu spikes", pop ? pop : "?",
               (unsigned long long) count);
      if (count && first_last (g, "timestamps", count, &first, &last) == 0)
        fprintf (out, " from %g to %g ms", first, last);
      fprintf (out, ", /spikes/%s/{timestamps,node_ids}, sorted %s\n",
               pop ? pop : "?", sorting ? sorting : "?");
      free (sorting);
      if (space >= 0)
        H5Sclose (space);
      if (d >= 0)
        H5Dclose (d);
      if (g >= 0)
        H5Gclose (g);
      free (pop);
    }
  H5Gclose (sg);
}

/* One line per /weights/<projection>: shape, snapshots, time span, rule. */
static void
print_weights (FILE *out, hid_t file)
{
  hid_t wg;
  hsize_t i, n;
  if (!is_group (file, "weights")
      || (wg = H5Gopen2 (file, "weights", H5P_DEFAULT)) < 0)
    return; /* no snapshots were asked for */
  fprintf (out, "\nweights\n");
  n = n_links (wg);
  for (i = 0; i < n; i++)
    {
      char *name = link_name (wg, i), *rule = NULL, *pre = NULL, *post = NULL;
      hid_t g = name && is_group (wg, name) ? H5Gopen2 (wg, name, H5P_DEFAULT)
                                            : H5I_INVALID_HID;
      hid_t d = H5I_INVALID_HID, space = H5I_INVALID_HID;
      hid_t type = H5I_INVALID_HID;
      hsize_t dims[3] = { 0, 0, 0 };
      double first, last;
      char span[128], stored[64];
      int rank = -1;

      if (g < 0)
        {
          free (name);
          continue;
        }
      rule = credo__h5_read_str (g, ".", "rule");
      pre = credo__h5_read_str (g, ".", "pre");
      post = credo__h5_read_str (g, ".", "post");
      if (H5Lexists (g, "data", H5P_DEFAULT) > 0
          && (d = H5Dopen2 (g, "data", H5P_DEFAULT)) >= 0)
        {
          space = H5Dget_space (d);
          type = H5Dget_type (d);
        }
      if (space >= 0)
        rank = H5Sget_simple_extent_dims (space, dims, NULL);
      snprintf (span, sizeof span, "no snapshots");
      if (rank == 3 && dims[0] > 0 && H5Lexists (g, "times", H5P_DEFAULT) > 0
          && first_last (g, "times", dims[0], &first, &last) == 0)
        snprintf (span, sizeof span, "t %g..%g ms", first, last);
      human_size (d >= 0 ? (double) H5Dget_storage_size (d) : 0, stored,
                  sizeof stored);
      if (rank == 3)
        fprintf (out, "  %s (%s -> %s, %s): %llu snapshots of %llu x %llu, "
                 "%s, float%zu, %s\n", name, pre ? pre : "?",
                 post ? post : "?", rule ? rule : "?",
                 (unsigned long long) dims[0], (unsigned long long) dims[1],
                 (unsigned long long) dims[2], span,
                 type >= 0 ? 8 * H5Tget_size (type) : 0, stored);
      else
        fprintf (out, "  %s: ?\n", name);
      if (type >= 0)
        H5Tclose (type);
      if (space >= 0)
        H5Sclose (space);
      if (d >= 0)
        H5Dclose (d);
      H5Gclose (g);
      free (rule);
      free (pre);
      free (post);
      free (name);
    }
  H5Gclose (wg);
}

/* Every scalar data set of /solver, "name value" per line. */
static void
print_solver (FILE *out, hid_t file)
{
  hid_t g;
  hsize_t i, n;
  fprintf (out, "\nsolver\n");
  if (!is_group (file, "solver")
      || (g = H5Gopen2 (file, "solver", H5P_DEFAULT)) < 0)
    {
      fprintf (out, "  (no statistics: the run did not finish)\n");
      return;
    }
  n = n_links (g);
  for (i = 0; i < n; i++)
    {
      char *name = link_name (g, i);
      hid_t d = name ? H5Dopen2 (g, name, H5P_DEFAULT) : H5I_INVALID_HID;
      hid_t t = d >= 0 ? H5Dget_type (d) : H5I_INVALID_HID;
      hid_t s = d >= 0 ? H5Dget_space (d) : H5I_INVALID_HID;
      if (t >= 0 && s >= 0 && H5Sget_simple_extent_npoints (s) == 1)
        {
          long long iv;
          double dv;
          if (H5Tget_class (t) == H5T_INTEGER
              && H5Dread (d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                          &iv) >= 0)
            fprintf (out, "  %-20s %lld\n", name, iv);
          else if (H5Tget_class (t) == H5T_FLOAT
                   && H5Dread (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                               H5P_DEFAULT, &dv) >= 0)
            fprintf (out, "  %-20s %g\n", name, dv);
        }
      if (s >= 0)
        H5Sclose (s);
      if (t >= 0)
        H5Tclose (t);
      if (d >= 0)
        H5Dclose (d);
      free (name);
    }
  H5Gclose (g);
}

/* "name   value" for a string attribute of the root, "-" when absent. */
static void
print_attr (FILE *out, hid_t file, const char *label, const char *name)
{
  char *s = credo__h5_read_str (file, ".", name);
  fprintf (out, "%-16s%s\n", label, s && *s ? s : "-");
  free (s);
}

static size_t
count_lines (const char *s)
{
  size_t n = 0;
  if (!s || !*s)
    return 0;
  for (; *s; s++)
    n += *s == '\n';
  return n + (s[-1] != '\n');
}

/* The "duration" line, saying whether the run reached its end. */
static void
print_duration (FILE *out, hid_t file)
{
  double duration, t_end;
  int have_t_end;
  have_t_end
      = credo__h5_read_num (file, ".", "t_end", H5T_NATIVE_DOUBLE, &t_end) == 0;
  if (credo__h5_read_num (file, ".", "duration", H5T_NATIVE_DOUBLE, &duration)
      == 0)
    {
      if (have_t_end)
        fprintf (out, "%-16s%g ms (reached t = %g ms)\n", "duration", duration,
                 t_end);
      else
        fprintf (out, "%-16s%g ms (no end time: the run did not finish)\n",
                 "duration", duration);
    }
}

/* The "engine" line; 1 for a fixed-step engine, which has no tolerances. */
static int
print_engine (FILE *out, hid_t file)
{
  char *engine = credo__h5_read_str (file, ".", "engine");
  char *kind = credo__h5_read_str (file, ".", "engine_kind");
  char *method = credo__h5_read_str (file, ".", "method");
  char *ls = credo__h5_read_str (file, ".", "linear_solver");
  double dt;
  const char *name = engine && *engine ? engine : kind;
  /* a fixed-step engine writes its step `dt`; files older than that
   * attribute name the euler engine in engine_kind or engine */
  int has_dt
      = credo__h5_read_num (file, ".", "dt", H5T_NATIVE_DOUBLE, &dt) == 0;
  int fixed = has_dt || (kind && strcmp (kind, "euler") == 0)
              || (!kind && engine && strcmp (engine, "euler") == 0);
  if (fixed && has_dt)
    fprintf (out, "%-16s%s, dt %g ms\n", "engine", name ? name : "-", dt);
  else if (fixed)
    fprintf (out, "%-16s%s\n", "engine", name ? name : "-");
  else
    fprintf (out, "%-16s%s, %s, linear solver %s\n", "engine",
             engine && *engine ? engine : "-",
             method && *method ? method : "-", ls && *ls ? ls : "-");
  free (engine);
  free (kind);
  free (method);
  free (ls);
  return fixed;
}

/* The "libraries" line: the versions the run was built against. */
static void
print_libraries (FILE *out, hid_t file)
{
  char *sv = credo__h5_read_str (file, ".", "sundials_version");
  char *hv = credo__h5_read_str (file, ".", "hdf5_version");
  char *bl = credo__h5_read_str (file, ".", "blas");
  fprintf (out, "%-16ssundials %s, hdf5 %s, blas %s\n", "libraries",
           sv ? sv : "-", hv ? hv : "-", bl && *bl ? bl : "-");
  free (sv);
  free (hv);
  free (bl);
}

/* Prints what `credo info PATH` shows.  Returns 0, or CREDO_ECONFIG when
 * the file is missing, unreadable or not written by credo. */
int
credo_file_info (credo_ctx *ctx, const char *path, FILE *out)
{
  hid_t file = H5I_INVALID_HID;
  char *s, *cfg;
  double rtol, atol;
  unsigned long long seed;
  int rc, fixed;

  if (!path || !out)
    return credo__error (ctx, CREDO_EINVAL, "credo_file_info: missing argument");
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if ((rc = credo__h5_open_read (ctx, path, &file)))
    return rc;
  s = credo__h5_read_str (file, ".", "credo_version");
  if (!s)
    {
      H5Fclose (file);
      return credo__error (ctx, CREDO_ECONFIG, "%s: not a credo output file",
                           path);
    }

  fprintf (out, "%-16s%s\n", "file", path);
  fprintf (out, "%-16s%s\n", "credo version", s);
  free (s);
  print_attr (out, file, "status", "status");
  credo__info_progress (out, file);
  print_duration (out, file);
  if (credo__h5_read_num (file, ".", "seed", H5T_NATIVE_ULLONG, &seed) == 0)
    fprintf (out, "%-16s%llu\n", "seed", seed);
  fixed = print_engine (out, file);
  if (!fixed
      && credo__h5_read_num (file, ".", "rtol", H5T_NATIVE_DOUBLE, &rtol) == 0
      && credo__h5_read_num (file, ".", "atol", H5T_NATIVE_DOUBLE, &atol) == 0)
    fprintf (out, "%-16srtol %g, atol %g\n", "tolerances", rtol, atol);
  print_attr (out, file, "command line", "command_line");
  print_attr (out, file, "started", "start_time");
  print_attr (out, file, "host", "host");
  print_libraries (out, file);
  cfg = credo__h5_read_str (file, ".", "config");
  s = credo__h5_read_str (file, ".", "config_path");
  fprintf (out, "%-16s%zu lines embedded (from %s)\n", "config",
           count_lines (cfg), s && *s ? s : "-");
  free (cfg);
  free (s);

  print_reports (out, file);
  print_spikes (out, file);
  print_weights (out, file);
  print_learning (out, file);
  print_solver (out, file);
  H5Fclose (file);
  return 0;
}
