/* src/cli/cmd_data.c -- `credo data teacher|bars -o FILE.h5`: generate the
 * data sets read by stimuli of kind "dataset" (the generators are in
 * libcredo; here their options are parsed and checked).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_data[]
    = "usage: credo data teacher -o FILE.h5 [OPTIONS]\n"
      "       credo data bars -o FILE.h5 [OPTIONS]\n"
      "\n"
      "Generate a data set ([samples x values] matrices in HDF5) for stimuli\n"
      "of kind \"dataset\".  `credo data teacher --help`, `credo data bars\n"
      "--help` for the options.\n"
      "\n"
      "  teacher   SAC18's teacher-student regression: inputs, targets (the\n"
      "            teacher's output potentials), target_rates, test_*, W10,\n"
      "            W21\n"
      "  bars      the 3x3 bars task (9 inputs, 3 classes): inputs, labels,\n"
      "            targets, target_rates\n";

static const char usage_teacher[]
    = "usage: credo data teacher -o FILE.h5 [--samples N] [--test N] [--seed S]\n"
      "                          [--sizes N0,N1,N2] [--k10 K] [--k21 K]\n"
      "                          [--transfer NAME] [--phi GAIN,THRESHOLD,SCALE]\n"
      "\n"
      "SAC18's teacher network N0-N1-N2: weights W10, W21 and inputs r0 drawn\n"
      "from U(-1,1) (GSL mt19937 seeded with S), targets u = k21 W21 phi(k10 W10\n"
      "r0) (output potentials), target_rates = phi(u).\n"
      "\n"
      "  -o, --output FILE.h5   the file to write (required)\n"
      "  -n, --samples N        training samples (default 10000)\n"
      "  -t, --test N           test samples, 0 for none (default 1000)\n"
      "  -S, --seed S           random seed (default 1)\n"
      "      --sizes N0,N1,N2   layer sizes (default 30,20,10)\n"
      "      --k10 K            gain of the hidden layer input (default 2)\n"
      "      --k21 K            gain of the output layer input (default 10)\n"
      "      --transfer NAME    phi: linear, tanh, logistic, relu, softplus\n"
      "                         (default), hard-sigmoid\n"
      "      --phi G,T,S        phi's gain, threshold and scale (default\n"
      "                         1,3,0.1: 0.1 log(1 + exp(u - 3)))\n"
      "  -h, --help             this text\n";

static const char usage_bars[]
    = "usage: credo data bars -o FILE.h5 [--seed S] [--noise SIGMA] [--copies R]\n"
      "                       [--on R] [--off R] [--transfer NAME]\n"
      "                       [--phi GAIN,THRESHOLD,SCALE]\n"
      "\n"
      "The 3x3 bars task: pixel (row, col) is input 3 row + col, on 1, off 0.\n"
      "Patterns: class 0 the horizontal bars (rows 0-2), class 1 the vertical\n"
      "bars (columns 0-2), class 2 the diagonals (0-4-8, 2-4-6); R copies of the\n"
      "8 patterns, each pixel plus N(0, SIGMA^2).  target_rates are --on for the\n"
      "right class and --off otherwise; targets are the potentials u with\n"
      "phi(u) = target_rates.\n"
      "\n"
      "  -o, --output FILE.h5   the file to write (required)\n"
      "  -S, --seed S           random seed of the noise (default 1)\n"
      "      --noise SIGMA      std of the pixel noise (default 0)\n"
      "      --copies R         copies of the 8 patterns (default 1)\n"
      "      --on R             target rate of the right class (default 1.0)\n"
      "      --off R            target rate of the other classes (default 0.1)\n"
      "      --transfer NAME    phi (default softplus)\n"
      "      --phi G,T,S        phi's gain, threshold and scale (default\n"
      "                         1,0,1: LE's soft-ReLU log(1 + exp(u)))\n"
      "  -h, --help             this text\n";

/* A whole-string number; 0 or -1 with a message. */
static int
opt_double (const char *opt, const char *arg, double *out)
{
  char *end;
  double v = strtod (arg, &end);
  if (end == arg || *end || !isfinite (v))
    {
      fprintf (stderr, "credo data: %s needs a number, not '%s'\n", opt, arg);
      return -1;
    }
  *out = v;
  return 0;
}

static int
opt_count (const char *opt, const char *arg, unsigned long long max,
           unsigned long long *out)
{
  char *end;
  unsigned long long v;
  errno = 0;
  v = strtoull (arg, &end, 10);
  if (end == arg || *end || errno || arg[0] == '-' || v > max)
    {
      fprintf (stderr, "credo data: %s needs an integer in 0..%llu, not "
               "'%s'\n", opt, max, arg);
      return -1;
    }
  *out = v;
  return 0;
}

/* "a,b,c": exactly n numbers. */
static int
opt_list (const char *opt, const char *arg, double *v, size_t n)
{
  const char *s = arg;
  for (size_t i = 0; i < n; i++)
    {
      char *end;
      v[i] = strtod (s, &end);
      if (end == s || !isfinite (v[i])
          || (i + 1 < n ? *end != ',' : *end != '\0'))
        {
          fprintf (stderr, "credo data: %s needs %zu comma-separated "
                   "numbers, not '%s'\n", opt, n, arg);
          return -1;
        }
      s = end + 1;
    }
  return 0;
}

static int
opt_transfer (const char *arg, credo_transfer *phi)
{
  for (int k = 0; credo_transfer_names[k]; k++)
    if (!strcmp (credo_transfer_names[k], arg))
      {
        phi->kind = (credo_transfer_kind) k;
        return 0;
      }
  fprintf (stderr, "credo data: unknown transfer function '%s' (one of:",
           arg);
  for (int k = 0; credo_transfer_names[k]; k++)
    fprintf (stderr, "%s %s", k ? "," : "", credo_transfer_names[k]);
  fprintf (stderr, ")\n");
  return -1;
}

enum
{
  OPT_SIZES = 256,
  OPT_K10,
  OPT_K21,
  OPT_TRANSFER,
  OPT_PHI,
  OPT_NOISE,
  OPT_COPIES,
  OPT_ON,
  OPT_OFF
};

/* --seed, --transfer and --phi, which both generators take. */
static int
common_option (int c, const char *arg, unsigned long *seed,
               credo_transfer *phi)
{
  unsigned long long u;
  double v[3];
  switch (c)
    {
    case 'S':
      if (opt_count ("--seed", arg, ULONG_MAX, &u))
        return -1;
      *seed = (unsigned long) u;
      return 0;
    case OPT_TRANSFER:
      return opt_transfer (arg, phi);
    case OPT_PHI:
      if (opt_list ("--phi", arg, v, 3))
        return -1;
      phi->gain = v[0];
      phi->threshold = v[1];
      phi->scale = v[2];
      return 0;
    default:
      return -1;
    }
}

/* --samples, --test, --sizes, --k10, --k21. */
static int
teacher_option (int c, const char *arg, credo_teacher_opts *to)
{
  unsigned long long u;
  double v[3];
  switch (c)
    {
    case 'n':
      if (opt_count ("--samples", arg, 1ULL << 40, &u))
        return -1;
      to->n_samples = (size_t) u;
      return 0;
    case 't':
      if (opt_count ("--test", arg, 1ULL << 40, &u))
        return -1;
      to->n_test = (size_t) u;
      return 0;
    case OPT_SIZES:
      if (opt_list ("--sizes", arg, v, 3))
        return -1;
      for (int i = 0; i < 3; i++)
        {
          if (!(v[i] >= 1 && v[i] <= 1e6 && v[i] == (double) (size_t) v[i]))
            {
              fprintf (stderr, "credo data: --sizes needs three integers in "
                       "1..1000000, not '%s'\n", arg);
              return -1;
            }
          to->sizes[i] = (size_t) v[i];
        }
      return 0;
    case OPT_K10:
      return opt_double ("--k10", arg, &to->k10);
    case OPT_K21:
      return opt_double ("--k21", arg, &to->k21);
    default:
      return -1;
    }
}

/* --noise, --copies, --on, --off. */
static int
bars_option (int c, const char *arg, credo_bars_opts *bo)
{
  unsigned long long u;
  switch (c)
    {
    case OPT_NOISE:
      if (opt_double ("--noise", arg, &bo->noise))
        return -1;
      if (bo->noise < 0)
        {
          fprintf (stderr, "credo data: --noise must be >= 0\n");
          return -1;
        }
      return 0;
    case OPT_COPIES:
      if (opt_count ("--copies", arg, 1ULL << 32, &u))
        return -1;
      if (u == 0)
        {
          fprintf (stderr, "credo data: --copies must be >= 1\n");
          return -1;
        }
      bo->copies = (size_t) u;
      return 0;
    case OPT_ON:
      return opt_double ("--on", arg, &bo->rate_on);
    case OPT_OFF:
      return opt_double ("--off", arg, &bo->rate_off);
    default:
      return -1;
    }
}

/* An option of the other generator: 1 after a message, else 0. */
static int
foreign_option (int c, int teacher, const char *arg)
{
  int only_teacher = c == 'n' || c == 't' || c == OPT_SIZES || c == OPT_K10
                     || c == OPT_K21;
  int only_bars = c == OPT_NOISE || c == OPT_COPIES || c == OPT_ON
                  || c == OPT_OFF;
  if ((only_teacher && !teacher) || (only_bars && teacher))
    {
      fprintf (stderr, "credo data %s: option '%s' is not for this "
               "generator\n", teacher ? "teacher" : "bars", arg);
      return 1;
    }
  return 0;
}

/* The options of `credo data teacher` (teacher = 1) or `credo data bars`
 * into *to or *bo; returns 0, or -1 after printing what was wrong. */
static int
parse_data_args (int argc, char **argv, int teacher, const char **output,
                 credo_teacher_opts *to, credo_bars_opts *bo)
{
  static const struct option opts[]
      = { { "output", required_argument, 0, 'o' },
          { "seed", required_argument, 0, 'S' },
          { "samples", required_argument, 0, 'n' },
          { "test", required_argument, 0, 't' },
          { "sizes", required_argument, 0, OPT_SIZES },
          { "k10", required_argument, 0, OPT_K10 },
          { "k21", required_argument, 0, OPT_K21 },
          { "transfer", required_argument, 0, OPT_TRANSFER },
          { "phi", required_argument, 0, OPT_PHI },
          { "noise", required_argument, 0, OPT_NOISE },
          { "copies", required_argument, 0, OPT_COPIES },
          { "on", required_argument, 0, OPT_ON },
          { "off", required_argument, 0, OPT_OFF },
          { 0, 0, 0, 0 } };
  const char *name = teacher ? "teacher" : "bars";
  int c;
  *output = NULL;
  optind = 3;
  while ((c = getopt_long (argc, argv, "o:S:n:t:", opts, NULL)) != -1)
    {
      int rc = 0;
      if (foreign_option (c, teacher, argv[optind - 1]))
        return -1;
      if (c == 'o')
        *output = optarg;
      else if (c == 'S' || c == OPT_TRANSFER || c == OPT_PHI)
        rc = common_option (c, optarg, teacher ? &to->seed : &bo->seed,
                            teacher ? &to->phi : &bo->phi);
      else
        rc = teacher ? teacher_option (c, optarg, to)
                     : bars_option (c, optarg, bo);
      if (rc)
        return -1;
    }
  if (optind < argc)
    {
      fprintf (stderr, "credo data %s: unexpected argument '%s'\n", name,
               argv[optind]);
      return -1;
    }
  if (!*output)
    {
      fprintf (stderr, "credo data %s: -o FILE.h5 is required\n", name);
      return -1;
    }
  if (teacher && to->n_samples == 0)
    {
      fprintf (stderr, "credo data teacher: --samples must be >= 1\n");
      return -1;
    }
  return 0;
}

int
cli_cmd_data (int argc, char **argv)
{
  credo_teacher_opts to;
  credo_bars_opts bo;
  const char *which = argc > 2 ? argv[2] : NULL, *output;
  const char *usage;
  credo_ctx *ctx;
  int teacher, rc;

  if (!which || !strcmp (which, "--help") || !strcmp (which, "-h"))
    {
      fputs (usage_data, which ? stdout : stderr);
      return which ? 0 : 2;
    }
  if (strcmp (which, "teacher") != 0 && strcmp (which, "bars") != 0)
    {
      fprintf (stderr, "credo data: unknown data set '%s' (one of: teacher, "
               "bars)\n\n%s", which, usage_data);
      return 2;
    }
  teacher = which[0] == 't';
  usage = teacher ? usage_teacher : usage_bars;
  for (int i = 3; i < argc; i++)
    if (!strcmp (argv[i], "--help") || !strcmp (argv[i], "-h"))
      {
        fputs (usage, stdout);
        return 0;
      }
  credo_teacher_opts_default (&to);
  credo_bars_opts_default (&bo);
  if (parse_data_args (argc, argv, teacher, &output, &to, &bo))
    {
      fprintf (stderr, "\n%s", usage);
      return 2;
    }
  if (!(ctx = credo_ctx_new ()))
    return 1;
  rc = teacher ? credo_dataset_teacher (ctx, output, &to)
               : credo_dataset_bars (ctx, output, &bo);
  if (rc)
    fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
  else if (teacher)
    printf ("%s: teacher %zu-%zu-%zu, %zu training + %zu test samples, seed "
            "%lu\n", output, to.sizes[0], to.sizes[1], to.sizes[2],
            to.n_samples, to.n_test, to.seed);
  else
    printf ("%s: bars, %zu samples (%zu x 8 patterns), noise %g, seed %lu\n",
            output, 8 * bo.copies, bo.copies, bo.noise, bo.seed);
  credo_ctx_free (ctx);
  return credo_exit_code (rc);
}
