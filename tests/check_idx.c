/* tests/check_idx.c -- IDX files (src/base/idx.c: the format of MNIST and
 * Fashion-MNIST), plain and gzip, as data-set stimuli with a row range
 * (src/spec/stimuli.c), and the bad files a config can name.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Every test writes its own small IDX files into its mkdtemp directory, so
 * no data package is needed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "testutil.h"

/* ---- writing IDX files -------------------------------------------------- */

/* 5 images of 2 x 3 pixels, with 0 and 255 among them. */
#define N_IMG 5
#define ITEM 6
static unsigned char pixels[N_IMG * ITEM];
static const unsigned char labels5[N_IMG] = { 3, 0, 9, 1, 2 };

static void
fill_pixels (void)
{
  for (size_t k = 0; k < sizeof pixels; k++)
    pixels[k] = (unsigned char) ((k * 37 + 11) % 256);
  pixels[7] = 0;
  pixels[8] = 255;
}

/* The bytes of an IDX file: magic 0x000008nd, the sizes, then `body`
 * (len bytes).  Returns the malloc'd bytes; *total their count. */
static unsigned char *
idx_bytes (int nd, const unsigned dims[], const unsigned char *body,
           size_t len, size_t *total)
{
  unsigned char *b = malloc (4 + 4 * (size_t) nd + len);
  ck_assert_ptr_nonnull (b);
  b[0] = b[1] = 0;
  b[2] = 0x08;
  b[3] = (unsigned char) nd;
  for (int d = 0; d < nd; d++)
    for (int j = 0; j < 4; j++)
      b[4 + 4 * d + j] = (unsigned char) (dims[d] >> (24 - 8 * j));
  memcpy (b + 4 + 4 * nd, body, len);
  *total = 4 + 4 * (size_t) nd + len;
  return b;
}

/* Writes `len` bytes to tmpdir/name, gzip-compressed when it ends in .gz. */
static void
put_bytes (const char *name, const unsigned char *b, size_t len)
{
  const char *path = tmp_path (name);
  size_t ln = strlen (name);
  if (ln > 3 && strcmp (name + ln - 3, ".gz") == 0)
    {
      gzFile f = gzopen (path, "wb");
      ck_assert_ptr_nonnull (f);
      ck_assert_int_eq (gzwrite (f, b, (unsigned) len), (int) len);
      ck_assert_int_eq (gzclose (f), Z_OK);
      return;
    }
  {
    FILE *f = fopen (path, "wb");
    ck_assert_ptr_nonnull (f);
    ck_assert_uint_eq (fwrite (b, 1, len, f), len);
    ck_assert_int_eq (fclose (f), 0);
  }
}

/* An IDX file of `count` items (header) holding body[0..len). */
static void
put_idx (const char *name, int nd, const unsigned dims[],
         const unsigned char *body, size_t len)
{
  size_t total;
  unsigned char *b = idx_bytes (nd, dims, body, len, &total);
  put_bytes (name, b, total);
  free (b);
}

/* The images (5 x 2 x 3) and labels (5) in plain and gzip files. */
static void
put_set (void)
{
  const unsigned img[3] = { N_IMG, 2, 3 }, lab[1] = { N_IMG };
  fill_pixels ();
  put_idx ("img-ubyte", 3, img, pixels, sizeof pixels);
  put_idx ("img-ubyte.gz", 3, img, pixels, sizeof pixels);
  put_idx ("lab-ubyte", 1, lab, labels5, N_IMG);
  put_idx ("lab.idx.gz", 1, lab, labels5, N_IMG);
}

/* Reads `name` whole through credo__read_idx; checks its shape. */
static double *
read_idx (const char *name, size_t first, size_t last, size_t classes,
          size_t rows, size_t cols)
{
  double *m = NULL;
  size_t r, c;
  int rc = credo__read_idx (test_ctx, tmp_path (name), first, last, classes,
                            &m, &r, &c);
  ck_assert_msg (rc == 0, "%s", credo_errmsg (test_ctx));
  ck_assert_uint_eq (r, rows);
  ck_assert_uint_eq (c, cols);
  return m;
}

/* Images k = first.. of m are exactly pixels / 255. */
static void
check_images (const double *m, size_t first, size_t rows)
{
  for (size_t k = 0; k < rows; k++)
    for (size_t i = 0; i < ITEM; i++)
      ck_assert_msg (m[k * ITEM + i] == pixels[(first + k) * ITEM + i] / 255.0,
                     "image %zu pixel %zu: %.17g", first + k, i,
                     m[k * ITEM + i]);
}

/* Rows of m are one-hot rows of width `classes` for labels first.. */
static void
check_one_hot (const double *m, size_t first, size_t rows, size_t classes)
{
  for (size_t k = 0; k < rows; k++)
    for (size_t c = 0; c < classes; c++)
      ck_assert_double_eq (m[k * classes + c],
                           c == labels5[first + k] ? 1.0 : 0.0);
}

/* ---- the reader --------------------------------------------------------- */

START_TEST (test_round_trip)
{
  static const char *const img[2] = { "img-ubyte", "img-ubyte.gz" };
  static const char *const lab[2] = { "lab-ubyte", "lab.idx.gz" };
  double *m;
  size_t r, c;
  put_set ();
  ck_assert (credo__idx_path ("train-images-idx3-ubyte.gz"));
  ck_assert (credo__idx_path ("T10K-LABELS-IDX1-UBYTE"));
  ck_assert (credo__idx_path ("a.idx"));
  ck_assert (!credo__idx_path ("a.csv.gz"));
  ck_assert (!credo__idx_path ("a.gz"));
  for (int z = 0; z < 2; z++)
    {
      credo_idx_info info;
      ck_assert_int_eq (credo__idx_header (test_ctx, tmp_path (img[z]),
                                           &info), 0);
      ck_assert_int_eq (info.n_dims, 3);
      ck_assert_uint_eq (info.n, N_IMG);
      ck_assert_uint_eq (info.item, ITEM);
      ck_assert_int_eq (info.labels, 0);
      m = read_idx (img[z], 0, (size_t) -1, 0, N_IMG, ITEM);
      check_images (m, 0, N_IMG);
      free (m);
      m = read_idx (img[z], 1, 4, 0, 3, ITEM);
      check_images (m, 1, 3);
      free (m);
      /* a range past the end keeps what there is */
      m = read_idx (img[z], 3, 99, 0, 2, ITEM);
      check_images (m, 3, 2);
      free (m);
      m = read_idx (lab[z], 0, (size_t) -1, 10, N_IMG, 10);
      check_one_hot (m, 0, N_IMG, 10);
      free (m);
      m = read_idx (lab[z], 2, 5, 10, 3, 10);
      check_one_hot (m, 2, 3, 10);
      free (m);
      m = read_idx (lab[z], 0, (size_t) -1, 0, N_IMG, 1);
      for (size_t k = 0; k < N_IMG; k++)
        ck_assert_double_eq (m[k], labels5[k]);
      free (m);
      /* the generic reader: every item, labels as the class */
      ck_assert_int_eq (credo__read_matrix (test_ctx, tmp_path (img[z]), NULL,
                                            &m, &r, &c), 0);
      ck_assert_uint_eq (r, N_IMG);
      ck_assert_uint_eq (c, ITEM);
      check_images (m, 0, N_IMG);
      free (m);
    }
  /* a size above 255 needs every byte of the header's sizes */
  {
    const unsigned wide[3] = { 1, 1, 300 };
    unsigned char w[300];
    for (size_t i = 0; i < 300; i++)
      w[i] = (unsigned char) i;
    put_idx ("wide-ubyte", 3, wide, w, 300);
    m = read_idx ("wide-ubyte", 0, 1, 0, 1, 300);
    ck_assert_double_eq (m[299], 43 / 255.0);
    free (m);
  }
  ck_assert_int_eq (credo__read_idx (test_ctx, tmp_path ("img-ubyte"), 5, 9,
                                     0, &m, &r, &c), CREDO_ECONFIG);
  expect_msg ("img-ubyte: no items in rows [5, 5) of the 5 in the file");
  ck_assert_int_eq (credo__read_idx (test_ctx, tmp_path ("lab-ubyte"), 0, 5,
                                     9, &m, &r, &c), CREDO_ECONFIG);
  expect_msg ("lab-ubyte: label 9 of item 2 is not one of the 9 classes "
              "(0..8) of a one-hot row");
}
END_TEST

/* Bad files read directly: the message names the file and the fault. */
START_TEST (test_bad_files)
{
  const unsigned img[3] = { N_IMG, 2, 3 };
  unsigned char *b;
  size_t total;
  double *m = NULL;
  size_t r, c;
  FILE *f;
  static const struct
  {
    const char *name, *msg;
  } cases[] = {
    { "absent-ubyte", "absent-ubyte: cannot open: No such file" },
    { "short-ubyte", "short-ubyte: truncated IDX file (fewer bytes than the "
                     "header's 5 items of 6 values)" },
    { "short-ubyte.gz", "short-ubyte.gz: truncated IDX file (fewer bytes" },
    { "cut-ubyte.gz", "cut-ubyte.gz: truncated IDX file (fewer bytes" },
    { "long-ubyte", "long-ubyte: more bytes than the IDX header says (5 "
                    "items of 6)" },
    { "head-ubyte", "head-ubyte: truncated IDX file (no complete header)" },
    { "magic-ubyte", "magic-ubyte: not an IDX file of unsigned bytes: magic "
                     "0x00000d03, expected 0x00000803 (images) or 0x00000801 "
                     "(labels)" },
    { "crc-ubyte.gz", "crc-ubyte.gz: corrupt gzip data (incorrect data "
                      "check)" },
    { "block-ubyte.gz", "block-ubyte.gz: corrupt gzip data (invalid block "
                        "type)" },
  };

  fill_pixels ();
  put_idx ("short-ubyte", 3, img, pixels, sizeof pixels - 1);
  put_idx ("short-ubyte.gz", 3, img, pixels, ITEM * 2);
  put_idx ("long-ubyte", 3, img, pixels, sizeof pixels);
  f = fopen (tmp_path ("long-ubyte"), "ab");
  ck_assert_int_eq (fputc (7, f), 7);
  fclose (f);
  put_bytes ("head-ubyte", (const unsigned char[]) { 0, 0, 8, 3, 0, 0 }, 6);
  b = idx_bytes (3, img, pixels, sizeof pixels, &total);
  b[2] = 0x0d; /* floats: not read */
  put_bytes ("magic-ubyte", b, total);
  free (b);
  /* gzip files: cut in half, a wrong CRC (last 8 bytes are CRC32 and
   * length), a reserved block type right after the 10-byte header */
  put_idx ("cut-ubyte.gz", 3, img, pixels, sizeof pixels);
  put_idx ("crc-ubyte.gz", 3, img, pixels, sizeof pixels);
  put_idx ("block-ubyte.gz", 3, img, pixels, sizeof pixels);
  {
    char *text;
    size_t len;
    FILE *g = fopen (tmp_path ("crc-ubyte.gz"), "rb");
    text = malloc (4096);
    len = fread (text, 1, 4096, g);
    fclose (g);
    ck_assert_uint_gt (len, 30);
    put_bytes ("cut-ubyte", (unsigned char *) text, len / 2);
    rename (tmp_path ("cut-ubyte"), tmp_path ("cut-ubyte.gz"));
    text[len - 8] ^= 0x55;
    put_bytes ("crc-ubyte", (unsigned char *) text, len);
    rename (tmp_path ("crc-ubyte"), tmp_path ("crc-ubyte.gz"));
    text[len - 8] ^= 0x55;
    text[10] = (char) 0xff;
    put_bytes ("block-ubyte", (unsigned char *) text, len);
    rename (tmp_path ("block-ubyte"), tmp_path ("block-ubyte.gz"));
    free (text);
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      ck_assert_msg (credo__read_idx (test_ctx, tmp_path (cases[i].name), 0,
                                      (size_t) -1, 0, &m, &r, &c)
                         == CREDO_ECONFIG,
                     "%s was read", cases[i].name);
      ck_assert_ptr_null (m);
      expect_msg (cases[i].msg);
    }
}
END_TEST

/* ---- as stimuli --------------------------------------------------------- */

#define POPS                                                                  \
  "duration = 100.0;\n"                                                       \
  "populations = {\n"                                                         \
  "  x = { model = \"input\"; size = 6; };\n"                                 \
  "  y = { model = \"input\"; size = 10; };\n"                                \
  "  z = { model = \"input\"; size = 1; };\n"                                 \
  "};\n"

/* The stimulus' value for unit i at t. */
static double
stim_at (const credo_stim_spec *s, double t, size_t i)
{
  double out[10] = { 0 };
  ck_assert_uint_le (s->n, 10);
  credo__stim_add (s, t, t, out);
  return out[i];
}

START_TEST (test_stimulus)
{
  credo_spec *spec;
  const credo_stim_spec *st;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;

  put_set ();
  write_file ("d.csv", "1,2,3,4,5,6\n7,8,9,10,11,12\n13,14,15,16,17,18\n");
  spec = load (POPS "stimuli = (\n"
               " { to = \"x\"; kind = \"dataset\"; file = \"img-ubyte.gz\"; "
               "rows = [1, 4]; t_pres = 10.0; },\n"
               " { to = \"y\"; kind = \"dataset\"; file = \"lab-ubyte\"; "
               "rows = [1, 4]; t_pres = 10.0; },\n"
               " { to = \"z\"; kind = \"dataset\"; file = \"lab.idx.gz\"; "
               "t_pres = 3.0; repeat = false; },\n"
               " { to = \"x\"; kind = \"dataset\"; file = \"d.csv\"; "
               "rows = [2, 3]; t_pres = 7.0; } );\n");
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  st = &spec->stims[0];
  ck_assert_uint_eq (st->n_rows, 3);
  ck_assert_uint_eq (st->row_first, 1);
  ck_assert_uint_eq (st->file_rows, N_IMG);
  check_images (st->values, 1, 3);
  /* sample k is the file's row 1 + k, cycling over the range */
  ck_assert_double_eq (stim_at (st, 5.0, 2), pixels[1 * ITEM + 2] / 255.0);
  ck_assert_double_eq (stim_at (st, 25.0, 0), pixels[3 * ITEM] / 255.0);
  ck_assert_double_eq (stim_at (st, 35.0, 0), pixels[1 * ITEM] / 255.0);
  st = &spec->stims[1];
  ck_assert_uint_eq (st->n_rows, 3);
  check_one_hot (st->values, 1, 3, 10);
  ck_assert_double_eq (stim_at (st, 5.0, 0), 1.0);  /* label 0 */
  ck_assert_double_eq (stim_at (st, 15.0, 9), 1.0); /* label 9 */
  st = &spec->stims[2];
  ck_assert_uint_eq (st->n_rows, N_IMG);
  ck_assert_uint_eq (st->file_rows, N_IMG);
  ck_assert_double_eq (stim_at (st, 7.0, 0), 9.0); /* the class itself */
  ck_assert_double_eq (stim_at (st, 16.0, 0), 0.0);
  st = &spec->stims[3];
  ck_assert_uint_eq (st->n_rows, 1);
  ck_assert_uint_eq (st->row_first, 2);
  ck_assert_uint_eq (st->file_rows, 3);
  ck_assert_double_eq (stim_at (st, 1.0, 0), 13.0);
  ck_assert_double_eq (stim_at (st, 1.0, 5), 18.0);
  f = open_memstream (&buf, &len);
  credo_spec_print_summary (spec, f);
  fclose (f);
  ck_assert_msg (strstr (buf, "img-ubyte.gz: 3 samples x 6, t_pres 10 ms, "
                         "epoch 30 ms, repeated, rows [1, 4) of 5") != NULL,
                 "%s", buf);
  ck_assert_msg (strstr (buf, "lab.idx.gz: 5 samples x 1, t_pres 3 ms, "
                         "epoch 15 ms, once, then 0, active") != NULL, "%s",
                 buf);
  free (buf);
  credo_spec_free (spec);
}
END_TEST

START_TEST (test_stimulus_errors)
{
  const unsigned four[1] = { 4 };
  put_set ();
  put_idx ("lab4-ubyte", 1, four, labels5, 4);
  write_file ("d.csv", "1,2,3,4,5,6\n7,8,9,10,11,12\n");
#define STIM(rest) POPS "stimuli = (\n { to = \"x\"; kind = \"dataset\"; " rest
  expect_fail (STIM ("file = \"img-ubyte\";\n rows = [0, 6]; t_pres = 1.0; } "
                     ");\n"), 9, "'rows' = [0, 6] is outside data file '",
               "img-ubyte' (5 samples): need last <= 5", NULL);
  expect_fail (STIM ("file = \"d.csv\";\n rows = [1, 3]; t_pres = 1.0; } "
                     ");\n"), 9, "'rows' = [1, 3] is outside data file '",
               "d.csv' (2 samples): need last <= 2", NULL);
  expect_fail (STIM ("file = \"img-ubyte\";\n rows = [2, 2]; t_pres = 1.0; } "
                     ");\n"), 9, "'rows' = [2, 2] is empty or negative: need "
               "0 <= first < last", NULL);
  expect_fail (STIM ("file = \"img-ubyte\";\n rows = [-1, 2]; t_pres = 1.0; } "
                     ");\n"), 9, "'rows' = [-1, 2] is empty", NULL);
  expect_fail (STIM ("file = \"img-ubyte\";\n rows = [2]; t_pres = 1.0; } "
                     ");\n"), 9, "'rows' must be [first, last], not 1 "
               "numbers", NULL);
  expect_fail (STIM ("file = \"img-ubyte\";\n rows = 2; t_pres = 1.0; } "
                     ");\n"), 9, "'rows' must be [first, last] (samples "
               "first..last-1 of the file), not an integer", NULL);
  expect_fail (STIM ("file = \"img-ubyte\";\n rows = [0.5, 2.0]; t_pres = "
                     "1.0; } );\n"), 9, "must be an integer", NULL);
  expect_fail (STIM ("file = \"absent-ubyte.gz\";\n t_pres = 1.0; } );\n"), 8,
               "dataset file '", "absent-ubyte.gz' cannot be opened", NULL);
  expect_fail (STIM ("file = \"img-ubyte\";\n dataset = \"a\"; t_pres = 1.0; "
                     "} );\n"), 9, "'dataset' is only for HDF5 files", NULL);
  expect_fail (STIM ("file = \"img.gz\";\n t_pres = 1.0; } );\n"), 8,
               "dataset file 'img.gz' must end in .csv, .h5, .hdf5, or -ubyte "
               "or .idx (IDX, optionally followed by .gz)", NULL);
  /* labels into the 6-unit x: one-hot of 6 classes, and 9 is not one */
  expect_fail (STIM ("\n file = \"lab-ubyte\"; t_pres = 1.0; } );\n"), 9,
               "lab-ubyte: label 9 of item 2 is not one of the 6 classes "
               "(0..5)", NULL);
  expect_fail (POPS "stimuli = ( { to = \"y\"; kind = \"dataset\";\n"
               " file = \"img-ubyte\"; t_pres = 1.0; } );\n", 8,
               "img-ubyte' is 5 x 6 (samples x values), expected 5 x 10 (one "
               "column per unit of 'y')", NULL);
  /* an image count that disagrees with its labels, presented in step */
  expect_fail (POPS "stimuli = (\n { to = \"x\"; kind = \"dataset\"; file = "
               "\"img-ubyte\"; t_pres = 2.0; start = 1.0; },\n"
               " { to = \"y\"; kind = \"dataset\";\n file = \"lab4-ubyte\"; "
               "t_pres = 2.0; start = 1.0; } );\n", 10, "dataset '",
               "lab4-ubyte' has 4 samples, but '", "img-ubyte' (stimulus 0, ",
               "c.cfg:8), presented in step with it (same start and t_pres), "
               "has 5: give both the same number of rows", NULL);
  expect_fail (POPS "stimuli = (\n { to = \"x\"; kind = \"dataset\"; file = "
               "\"img-ubyte\"; t_pres = 2.0; rows = [0, 4]; },\n"
               " { to = \"y\"; kind = \"dataset\"; file = \"lab-ubyte\";\n"
               " rows = [1, 4]; t_pres = 2.0; } );\n", 10,
               "lab-ubyte' has 3 samples, but '", NULL);
  /* the longer one second */
  expect_fail (POPS "stimuli = (\n { to = \"y\"; kind = \"dataset\"; file = "
               "\"lab4-ubyte\"; t_pres = 2.0; },\n"
               " { to = \"x\"; kind = \"dataset\";\n file = \"img-ubyte\"; "
               "t_pres = 2.0; } );\n", 10, "img-ubyte' has 5 samples, but '",
               "lab4-ubyte' (stimulus 0, ", "has 4: give both", NULL);
#undef STIM
  /* not in step (another t_pres or start): counts may differ */
  {
    credo_spec *spec = load (POPS "stimuli = (\n"
                             " { to = \"x\"; kind = \"dataset\"; file = "
                             "\"img-ubyte\"; t_pres = 2.0; },\n"
                             " { to = \"y\"; kind = \"dataset\"; file = "
                             "\"lab4-ubyte\"; t_pres = 3.0; },\n"
                             " { to = \"y\"; kind = \"dataset\"; file = "
                             "\"lab4-ubyte\"; t_pres = 2.0; start = 1.0; } "
                             ");\n");
    ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
    credo_spec_free (spec);
  }
}
END_TEST

/* ---- as a learning test set --------------------------------------------- */

/* A 6-3-10 chain with an IDX test set: `test` is the inside of its group
 * (line 12 of the config). */
static const char *
chain_cfg (const char *test)
{
  static char buf[2048];
  snprintf (buf, sizeof buf,
            "duration = 10.0;\n"
            "populations = {\n"
            "  x = { model = \"input\"; size = 6; };\n"
            "  p1 = { model = \"pyramidal\"; size = 3; };\n"
            "  p2 = { model = \"pyramidal\"; size = 10; };\n"
            "};\n"
            "projections = (\n"
            "  { name = \"W1\"; from = \"x.r\"; to = \"p1.basal\"; },\n"
            "  { name = \"W2\"; from = \"p1.r\"; to = \"p2.basal\"; } );\n"
            "stimuli = ( { to = \"x\"; kind = \"constant\"; value = 0.0; } );\n"
            "learning = { every = 5.0; layers = [\"x\", \"p1\", \"p2\"];\n"
            "  test = { %s }; };\n", test);
  return buf;
}

START_TEST (test_learning_set)
{
  const unsigned four[1] = { 4 };
  const credo_learning_spec *l;
  credo_spec *spec;
  put_set ();
  put_idx ("lab4-ubyte", 1, four, labels5, 4);
  spec = load (chain_cfg ("inputs = \"img-ubyte.gz\"; targets = "
                          "\"lab.idx.gz\"; rows = [1, 4];"));
  ck_assert_msg (spec != NULL, "%s", credo_errmsg (test_ctx));
  l = &spec->learning;
  ck_assert_uint_eq (l->n_test, 3);
  check_images (l->test_inputs, 1, 3);
  check_one_hot (l->test_targets, 1, 3, 10);
  ck_assert_str_eq (l->test_source, tmp_path ("img-ubyte.gz"));
  credo_spec_free (spec);
  expect_fail (chain_cfg ("inputs = \"img-ubyte\"; targets = "
                          "\"lab4-ubyte\";"), 12,
               "test inputs have 5 samples but targets 4", NULL);
  expect_fail (chain_cfg ("inputs = \"img-ubyte\"; targets = \"lab-ubyte\"; "
                          "rows = [4, 6];"), 12,
               "'rows' = [4, 6] is outside data file '", "img-ubyte' (5 "
               "samples)", NULL);
  expect_fail (chain_cfg ("inputs = \"X\"; targets = \"lab-ubyte\";"), 12,
               "without a test 'file', 'inputs' names a file of its own: IDX "
               "(-ubyte, .idx, optionally .gz) or CSV, not 'X'", NULL);
  expect_fail (chain_cfg ("inputs = \"img-ubyte\"; targets = "
                          "\"absent-ubyte\";"), 12,
               "absent-ubyte: cannot open: No such file", NULL);
}
END_TEST

static Suite *
idx_suite (void)
{
  Suite *s = suite_create ("idx");
  TCase *tc = tcase_create ("idx");
  tcase_add_checked_fixture (tc, ctx_setup, ctx_teardown);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_bad_files);
  tcase_add_test (tc, test_stimulus);
  tcase_add_test (tc, test_stimulus_errors);
  tcase_add_test (tc, test_learning_set);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return run_suite (idx_suite ());
}
