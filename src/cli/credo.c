/* src/cli/credo.c -- the `credo` command: a thin front end on libcredo.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   credo run FILE [-o OUT.h5] [--set key=value]... [-q] [-v]
 *   credo check FILE [--set key=value]...
 *   credo models [NAME]
 *   credo info OUT.h5
 *   credo data teacher|bars -o FILE.h5 [OPTIONS]
 *   credo --version | --help
 *
 * Exit codes: 0 ok, 1 runtime failure, 2 bad input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <sundials/sundials_config.h>

#include "cli/cli.h"

static credo_ctx *g_ctx; /* for the SIGINT handler */

static void
on_sigint (int sig)
{
  (void) sig;
  if (g_ctx)
    credo_ctx_request_stop (g_ctx);
}

static const char usage_main[]
    = "usage: credo COMMAND [OPTIONS]\n"
      "\n"
      "Simulate credit-assignment microcircuits in continuous time.\n"
      "\n"
      "commands:\n"
      "  run FILE      simulate a circuit file and record it to HDF5\n"
      "  check FILE    validate a circuit file and summarise it\n"
      "  models [NAME] list models, or show one model's ports, variables and\n"
      "                parameters\n"
      "  info OUT.h5   describe a recorded file\n"
      "  data teacher|bars -o FILE.h5\n"
      "                generate a data set for \"dataset\" stimuli\n"
      "\n"
      "options:\n"
      "  --version     print version and libraries\n"
      "  --help        this text; `credo COMMAND --help` for a command\n"
      "\n"
      "exit codes: 0 ok, 1 runtime failure, 2 bad input\n";

static const char usage_run[]
    = "usage: credo run FILE [-o OUT.h5] [--set KEY=VALUE]... [-q] [-v]\n"
      "\n"
      "Simulate the circuit in FILE and record it to HDF5.\n"
      "\n"
      "  -o, --output OUT.h5   output file (default: output.path of the config,\n"
      "                        else FILE's base name with .h5)\n"
      "  -s, --set KEY=VALUE   override a config value, e.g. --set duration=500\n"
      "                        or --set solver.linear=spgmr (repeatable)\n"
      "  -q, --quiet           no progress and no summary\n"
      "  -v, --verbose         log solver choices and segments\n"
      "  -h, --help            this text\n";

static const char usage_check[]
    = "usage: credo check FILE [--set KEY=VALUE]...\n"
      "\n"
      "Validate FILE and print populations, units, state size, projections,\n"
      "stimuli, recordings and the estimated output size.  Writes nothing.\n";

static const char usage_models[]
    = "usage: credo models [NAME]\n"
      "\n"
      "Without NAME: every model with a one-line description.\n"
      "With NAME: its ports, state variables and parameters (default, unit,\n"
      "meaning), read from the model's own tables.\n";

static const char usage_info[]
    = "usage: credo info OUT.h5\n"
      "\n"
      "Describe a file written by `credo run`: run attributes, recorded\n"
      "reports and solver statistics.\n";

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

static int
wants_help (int argc, char **argv)
{
  for (int i = 2; i < argc; i++)
    if (!strcmp (argv[i], "--help") || !strcmp (argv[i], "-h"))
      return 1;
  return 0;
}

static char *
join_argv (int argc, char **argv)
{
  size_t len = 1;
  char *s;
  for (int i = 0; i < argc; i++)
    len += strlen (argv[i]) + 3;
  s = malloc (len);
  if (!s)
    return NULL;
  s[0] = 0;
  for (int i = 0; i < argc; i++)
    {
      int quote = strpbrk (argv[i], " \t\"'") != NULL;
      if (i)
        strcat (s, " ");
      if (quote)
        strcat (s, "'");
      strcat (s, argv[i]);
      if (quote)
        strcat (s, "'");
    }
  return s;
}

/* Default output: FILE's base name with .h5, in the current directory. */
static char *
default_output (const char *cfg)
{
  const char *base = strrchr (cfg, '/');
  const char *dot;
  char *out;
  base = base ? base + 1 : cfg;
  dot = strrchr (base, '.');
  size_t len = dot ? (size_t) (dot - base) : strlen (base);
  out = malloc (len + 4);
  if (out)
    {
      memcpy (out, base, len);
      strcpy (out + len, ".h5");
    }
  return out;
}

static void
human_size (double bytes, char *buf, size_t len)
{
  if (bytes < 1024)
    snprintf (buf, len, "%.0f B", bytes);
  else if (bytes < 1024 * 1024)
    snprintf (buf, len, "%.1f KiB", bytes / 1024);
  else
    snprintf (buf, len, "%.1f MiB", bytes / (1024 * 1024));
}

/* Parses FILE, -o, --set, -q, -v shared by run and check. */
typedef struct cli_args
{
  const char *file, *output;
  const char **sets;
  size_t n_sets;
  int quiet, verbose;
} cli_args;

static int
parse_args (int argc, char **argv, cli_args *a, int allow_output)
{
  static const struct option opts[]
      = { { "output", required_argument, 0, 'o' },
          { "set", required_argument, 0, 's' },
          { "quiet", no_argument, 0, 'q' },
          { "verbose", no_argument, 0, 'v' },
          { 0, 0, 0, 0 } };
  int c;
  memset (a, 0, sizeof *a);
  a->sets = calloc ((size_t) argc, sizeof *a->sets);
  if (!a->sets)
    return 1;
  optind = 2;
  while ((c = getopt_long (argc, argv, "o:s:qv", opts, NULL)) != -1)
    switch (c)
      {
      case 'o':
        if (!allow_output)
          goto bad;
        a->output = optarg;
        break;
      case 's':
        if (!strchr (optarg, '='))
          {
            fprintf (stderr, "credo: --set needs KEY=VALUE, got '%s'\n", optarg);
            return 2;
          }
        a->sets[a->n_sets++] = optarg;
        break;
      case 'q':
        a->quiet = 1;
        break;
      case 'v':
        a->verbose = 1;
        break;
      default:
      bad:
        return 2;
      }
  if (optind != argc - 1)
    {
      fprintf (stderr, "credo %s: expected exactly one FILE\n", argv[1]);
      return 2;
    }
  a->file = argv[optind];
  return 0;
}

static int
cmd_run (int argc, char **argv)
{
  cli_args a;
  credo_ctx *ctx = NULL;
  credo_spec *spec = NULL;
  credo_sim *sim = NULL;
  cli_progress progress;
  credo_run_events events;
  char *out = NULL, *cmdline = NULL;
  /* before getopt permutes argv; argv[0] may be libtool's .libs path */
  char *cmdline_raw = join_argv (argc - 1, argv + 1);
  int rc = parse_args (argc, argv, &a, 1), status;
  if (cmdline_raw && (cmdline = malloc (strlen (cmdline_raw) + 7)))
    sprintf (cmdline, "credo %s", cmdline_raw);
  free (cmdline_raw);
  if (rc)
    {
      if (rc == 2)
        fputs (usage_run, stderr);
      free (a.sets);
      free (cmdline);
      return rc;
    }
  ctx = credo_ctx_new ();
  if (!ctx)
    return 1;
  credo_ctx_set_log_level (ctx, a.quiet ? CREDO_LOG_ERROR
                                : a.verbose ? CREDO_LOG_INFO : CREDO_LOG_WARN);
  spec = credo_spec_load (ctx, a.file, a.sets, a.n_sets);
  if (!spec)
    {
      status = CREDO_ECONFIG;
      goto done;
    }
  if (a.output)
    out = strdup (a.output);
  else if (credo_spec_output_path (spec))
    out = strdup (credo_spec_output_path (spec));
  else
    out = default_output (a.file);
  if (!out)
    {
      status = CREDO_ENOMEM;
      goto done;
    }
  sim = credo_sim_new (ctx, spec, out);
  if (!sim)
    {
      /* building reads weight files: their errors are bad input */
      status = credo_errcode (ctx);
      goto done;
    }
  credo_sim_set_command_line (sim, cmdline ? cmdline : "credo run");
  if (!a.quiet)
    {
      cli_progress_init (&progress, &events);
      credo_sim_set_events (sim, &events);
    }
  g_ctx = ctx;
  signal (SIGINT, on_sigint);
  status = credo_sim_run (sim);
  signal (SIGINT, SIG_DFL);
  g_ctx = NULL;
  if (!a.quiet && (status == CREDO_OK || status == CREDO_ESOLVER
                   || status == CREDO_EINTR))
    {
      credo_solver_stats st;
      struct stat sb;
      char size[64] = "?";
      credo_sim_stats (sim, &st);
      if (stat (out, &sb) == 0)
        human_size ((double) sb.st_size, size, sizeof size);
      printf ("%s: %s\n", a.file, status == CREDO_OK ? "done" : "stopped early");
      printf ("  state size    %zu, linear solver %s\n",
              credo_sim_state_size (sim), credo_sim_linear_solver (sim));
      printf ("  solver        %ld steps, %ld RHS, %ld Jacobian, %ld J*v, "
              "%ld restarts\n",
              st.steps, st.rhs_evals, st.jac_evals, st.jtimes_evals, st.reinits);
      printf ("  wall time     %.3f s\n", st.wall_seconds);
      printf ("  output        %s (%s)\n", out, size);
    }
done:
  if (status != CREDO_OK)
    fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
  credo_sim_free (sim);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
  free (out);
  free (cmdline);
  free (a.sets);
  return credo_exit_code (status);
}

static int
cmd_check (int argc, char **argv)
{
  cli_args a;
  credo_ctx *ctx;
  credo_spec *spec;
  credo_sim *sim;
  int rc = parse_args (argc, argv, &a, 0);
  if (rc)
    {
      if (rc == 2)
        fputs (usage_check, stderr);
      free (a.sets);
      return rc;
    }
  ctx = credo_ctx_new ();
  if (!ctx)
    return 1;
  spec = credo_spec_load (ctx, a.file, a.sets, a.n_sets);
  if (!spec)
    {
      fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
      credo_ctx_free (ctx);
      free (a.sets);
      return 2;
    }
  /* build the network too: weight files and shapes are checked there */
  sim = credo_sim_new (ctx, spec, NULL);
  if (!sim)
    {
      fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
      rc = credo_exit_code (credo_errcode (ctx));
    }
  else
    {
      credo_spec_print_summary (spec, stdout);
      printf ("linear solver: %s\n", credo_sim_linear_solver (sim));
      printf ("%s: ok\n", a.file);
    }
  credo_sim_free (sim);
  credo_spec_free (spec);
  credo_ctx_free (ctx);
  free (a.sets);
  return rc;
}

/* Width of the name column of `credo models NAME`: the longest name of a
 * port, variable or parameter, at least 12. */
static int
name_width (const credo_model_type *m)
{
  size_t w = 12;
  for (size_t i = 0; i < m->n_in; i++)
    w = strlen (m->inputs[i].name) > w ? strlen (m->inputs[i].name) : w;
  for (size_t i = 0; i < m->n_out; i++)
    w = strlen (m->outputs[i].name) > w ? strlen (m->outputs[i].name) : w;
  for (size_t i = 0; i < m->n_var; i++)
    w = strlen (m->vars[i].name) > w ? strlen (m->vars[i].name) : w;
  for (size_t i = 0; i < m->n_param; i++)
    w = strlen (m->params[i].name) > w ? strlen (m->params[i].name) : w;
  return (int) w;
}

static void
print_model (const credo_model_type *m)
{
  int w = name_width (m);
  printf ("model %s\n  %s\n", m->name, m->doc);
  printf ("\ninput ports:\n");
  for (size_t i = 0; i < m->n_in; i++)
    printf ("  %-*s %-6s %s%s\n", w, m->inputs[i].name, m->inputs[i].unit,
            m->inputs[i].doc,
            (m->inputs[i].flags & CREDO_PORT_STIMULUS_ONLY) ? " [stimuli only]"
                                                            : "");
  printf ("\noutput ports:\n");
  for (size_t i = 0; i < m->n_out; i++)
    printf ("  %-*s %-6s %s\n", w, m->outputs[i].name, m->outputs[i].unit,
            m->outputs[i].doc);
  printf ("\nstate variables:%s\n", m->n_var ? "" : " none");
  for (size_t i = 0; i < m->n_var; i++)
    printf ("  %-*s %-6s %s (atol scale %g)\n", w, m->vars[i].name,
            m->vars[i].unit, m->vars[i].doc, m->vars[i].atol_scale);
  printf ("\nparameters:\n");
  printf ("  %-*s %-14s %-6s %s\n", w, "name", "default", "unit", "meaning");
  for (size_t i = 0; i < m->n_param; i++)
    {
      const credo_param_desc *p = &m->params[i];
      char def[64];
      if (p->choices)
        snprintf (def, sizeof def, "\"%s\"", p->choices[(int) p->def]);
      else
        snprintf (def, sizeof def, "%g", p->def);
      printf ("  %-*s %-14s %-6s %s", w, p->name, def, p->unit, p->doc);
      if (p->choices)
        {
          printf (" (one of:");
          for (size_t k = 0; p->choices[k]; k++)
            printf ("%s %s", k ? "," : "", p->choices[k]);
          printf (")");
        }
      printf ("\n");
    }
}

static int
cmd_models (int argc, char **argv)
{
  const credo_model_type *const *list = credo_model_list ();
  if (argc > 3)
    {
      fputs (usage_models, stderr);
      return 2;
    }
  if (argc == 2)
    {
      for (size_t i = 0; list[i]; i++)
        printf ("%-14s %s\n", list[i]->name, list[i]->doc);
      return 0;
    }
  const credo_model_type *m = credo_model_find (argv[2]);
  if (!m)
    {
      fprintf (stderr, "credo: unknown model '%s' (see `credo models`)\n",
               argv[2]);
      return 2;
    }
  print_model (m);
  return 0;
}

static int
cmd_info (int argc, char **argv)
{
  credo_ctx *ctx;
  int rc;
  if (argc != 3)
    {
      fputs (usage_info, stderr);
      return 2;
    }
  ctx = credo_ctx_new ();
  if (!ctx)
    return 1;
  rc = credo_file_info (ctx, argv[2], stdout);
  if (rc)
    fprintf (stderr, "credo: %s\n", credo_errmsg (ctx));
  credo_ctx_free (ctx);
  return credo_exit_code (rc);
}

/* ---- credo data ------------------------------------------------------- */

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

/* Options shared by both generators, and the ones of `which`; returns 0,
 * or -1 after printing what was wrong. */
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
  credo_transfer *phi = teacher ? &to->phi : &bo->phi;
  unsigned long long u;
  double v[3];
  int c;
  *output = NULL;
  optind = 3;
  while ((c = getopt_long (argc, argv, "o:S:n:t:", opts, NULL)) != -1)
    {
      int only_teacher = c == 'n' || c == 't' || c == OPT_SIZES
                         || c == OPT_K10 || c == OPT_K21;
      int only_bars = c == OPT_NOISE || c == OPT_COPIES || c == OPT_ON
                      || c == OPT_OFF;
      if ((only_teacher && !teacher) || (only_bars && teacher))
        {
          fprintf (stderr, "credo data %s: option '%s' is not for this "
                   "generator\n", teacher ? "teacher" : "bars",
                   argv[optind - 1]);
          return -1;
        }
      switch (c)
        {
        case 'o':
          *output = optarg;
          break;
        case 'S':
          if (opt_count ("--seed", optarg, ULONG_MAX, &u))
            return -1;
          if (teacher)
            to->seed = (unsigned long) u;
          else
            bo->seed = (unsigned long) u;
          break;
        case 'n':
          if (opt_count ("--samples", optarg, 1ULL << 40, &u))
            return -1;
          to->n_samples = (size_t) u;
          break;
        case 't':
          if (opt_count ("--test", optarg, 1ULL << 40, &u))
            return -1;
          to->n_test = (size_t) u;
          break;
        case OPT_SIZES:
          if (opt_list ("--sizes", optarg, v, 3))
            return -1;
          for (int i = 0; i < 3; i++)
            {
              if (!(v[i] >= 1 && v[i] <= 1e6
                    && v[i] == (double) (size_t) v[i]))
                {
                  fprintf (stderr, "credo data: --sizes needs three "
                           "integers in 1..1000000, not '%s'\n", optarg);
                  return -1;
                }
              to->sizes[i] = (size_t) v[i];
            }
          break;
        case OPT_K10:
          if (opt_double ("--k10", optarg, &to->k10))
            return -1;
          break;
        case OPT_K21:
          if (opt_double ("--k21", optarg, &to->k21))
            return -1;
          break;
        case OPT_TRANSFER:
          if (opt_transfer (optarg, phi))
            return -1;
          break;
        case OPT_PHI:
          if (opt_list ("--phi", optarg, v, 3))
            return -1;
          phi->gain = v[0];
          phi->threshold = v[1];
          phi->scale = v[2];
          break;
        case OPT_NOISE:
          if (opt_double ("--noise", optarg, &bo->noise))
            return -1;
          if (bo->noise < 0)
            {
              fprintf (stderr, "credo data: --noise must be >= 0\n");
              return -1;
            }
          break;
        case OPT_COPIES:
          if (opt_count ("--copies", optarg, 1ULL << 32, &u))
            return -1;
          if (u == 0)
            {
              fprintf (stderr, "credo data: --copies must be >= 1\n");
              return -1;
            }
          bo->copies = (size_t) u;
          break;
        case OPT_ON:
          if (opt_double ("--on", optarg, &bo->rate_on))
            return -1;
          break;
        case OPT_OFF:
          if (opt_double ("--off", optarg, &bo->rate_off))
            return -1;
          break;
        default:
          return -1;
        }
    }
  if (optind < argc)
    {
      fprintf (stderr, "credo data %s: unexpected argument '%s'\n",
               teacher ? "teacher" : "bars", argv[optind]);
      return -1;
    }
  if (!*output)
    {
      fprintf (stderr, "credo data %s: -o FILE.h5 is required\n",
               teacher ? "teacher" : "bars");
      return -1;
    }
  if (teacher && to->n_samples == 0)
    {
      fprintf (stderr, "credo data teacher: --samples must be >= 1\n");
      return -1;
    }
  return 0;
}

static int
cmd_data (int argc, char **argv)
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

static void
print_version (void)
{
  unsigned maj, min, rel;
  H5get_libversion (&maj, &min, &rel);
  printf ("credo %s\n", credo_version ());
  printf ("  SUNDIALS %s, HDF5 %u.%u.%u, GSL %s\n", SUNDIALS_VERSION, maj, min,
          rel, GSL_VERSION);
  printf ("  BLAS: %s\n", credo_blas_name ());
  printf ("Copyright (C) 2026 the credo developers. License GPLv3+.\n");
}

int
main (int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : NULL;
  if (!cmd)
    {
      fputs (usage_main, stderr);
      return 2;
    }
  if (!strcmp (cmd, "--help") || !strcmp (cmd, "-h") || !strcmp (cmd, "help"))
    {
      fputs (usage_main, stdout);
      return 0;
    }
  if (!strcmp (cmd, "--version") || !strcmp (cmd, "-V"))
    {
      print_version ();
      return 0;
    }
  if (!strcmp (cmd, "run"))
    return wants_help (argc, argv) ? (fputs (usage_run, stdout), 0)
                                   : cmd_run (argc, argv);
  if (!strcmp (cmd, "check"))
    return wants_help (argc, argv) ? (fputs (usage_check, stdout), 0)
                                   : cmd_check (argc, argv);
  if (!strcmp (cmd, "models"))
    return wants_help (argc, argv) ? (fputs (usage_models, stdout), 0)
                                   : cmd_models (argc, argv);
  if (!strcmp (cmd, "info"))
    return wants_help (argc, argv) ? (fputs (usage_info, stdout), 0)
                                   : cmd_info (argc, argv);
  if (!strcmp (cmd, "data"))
    return cmd_data (argc, argv);
  fprintf (stderr, "credo: unknown command '%s'\n\n%s", cmd, usage_main);
  return 2;
}
