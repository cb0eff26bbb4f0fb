/* src/spec/parse.h -- the private interface of the circuit-file parsers.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * Never included outside src/spec/.  The calls go one way:
 *   spec.c (load, the order of the sections, free)
 *     -> override.c ("--set" overrides) and the section parsers:
 *        circuit.c (populations, projections), stimuli.c, record.c
 *        (record, weights), solver.c, learning.c
 *       -> parse.c (locations, typed getters, key checks, hints, lookups).
 * grids.c and summary.c need spec.h only.
 */
#ifndef CREDO_SPEC_PARSE_H
#define CREDO_SPEC_PARSE_H

#include <libconfig.h>

#include "spec/spec.h"

/* The state of one load. */
typedef struct spec_parser
{
  credo_ctx *ctx;
  credo_spec *spec;
  config_t *cfg;
  const char *name; /* the config file name used in messages */
  const char *dir;  /* base directory for relative data paths, or NULL */
} spec_parser;

/* ---- helpers (parse.c) ----------------------------------------------- */

/* Sets the context error to "LOC: message" for setting `s` and returns
 * CREDO_ECONFIG.  LOC is "FILE:LINE", or "--set KEY=VALUE" for settings an
 * override created. */
int credo__spec_err (spec_parser *p, const config_setting_t *s,
                     const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* Re-raises the data-file error in the context (from credo__read_matrix)
 * at setting `s`: "LOC: message".  Returns CREDO_ECONFIG (or ENOMEM). */
int credo__spec_file_err (spec_parser *p, const config_setting_t *s, int rc);
/* Out of memory: sets the message and returns CREDO_ENOMEM. */
int credo__spec_nomem (spec_parser *p);
/* The location of `s` with its file name interned in the spec's pool. */
int credo__spec_loc (spec_parser *p, const config_setting_t *s,
                     credo_loc *loc);
/* The name of a file libconfig read (NULL: the main file), as messages
 * give it: an included file is joined to the include directory. */
void credo__spec_file_name (spec_parser *p, const char *file, char *buf,
                            size_t len);
/* A short name of a setting for messages: "gain", "units[2]". */
const char *credo__spec_sname (const config_setting_t *s, char *buf,
                               size_t len);
/* "a string", "a group", ... */
const char *credo__spec_type_name (const config_setting_t *s);

/* Every member of group `g` must be in the NULL-terminated `allowed`;
 * `what` names the group in messages ("solver", "projection 'w1'").
 * Also fails when `g` is not a group. */
int credo__spec_check_keys (spec_parser *p, const config_setting_t *g,
                            const char *what, const char *const *allowed);
/* The group member `key`, which must be a group, or NULL with *rc = 0 when
 * absent (rc < 0 when present with a wrong type). */
config_setting_t *credo__spec_group (spec_parser *p, config_setting_t *g,
                                     const char *key, int *rc);

/* Typed getters of a setting.  Each returns 0 or CREDO_ECONFIG. */
int credo__spec_num (spec_parser *p, const config_setting_t *s, double *out);
int credo__spec_long (spec_parser *p, const config_setting_t *s, long *out);
int credo__spec_str (spec_parser *p, const config_setting_t *s,
                     const char **out);

/* Optional members of a group: leave *out untouched when absent.  *found
 * (may be NULL) says whether it was there. */
int credo__spec_opt_num (spec_parser *p, const config_setting_t *g,
                         const char *key, double *out, int *found);
int credo__spec_opt_long (spec_parser *p, const config_setting_t *g,
                          const char *key, long *out, int *found);
int credo__spec_opt_str (spec_parser *p, const config_setting_t *g,
                         const char *key, const char **out, int *found);
/* A required member: "missing 'key' in WHAT" at the group's location. */
config_setting_t *credo__spec_need (spec_parser *p, const config_setting_t *g,
                                    const char *key, const char *what);

/* A string member that must be one of `choices` (NULL-terminated); stores
 * its index.  Absent: *out untouched. */
int credo__spec_opt_choice (spec_parser *p, const config_setting_t *g,
                            const char *key, const char *const *choices,
                            int *out);
/* Appends " (one of: a, b, c)" or nothing when the list is long. */
void credo__spec_choices (char *buf, size_t len, const char *const *cands,
                          size_t n);
/* Formats "; did you mean 'x'?" (or "") for `word` among `cands`. */
void credo__spec_hint (char *buf, size_t len, const char *word,
                       const char *const *cands, size_t n);

/* Numbers from a scalar (repeated n times) or an array/list of exactly n
 * numbers (n = 0: any length >= 1, returned in *n_out). */
int credo__spec_num_vec (spec_parser *p, const config_setting_t *s,
                         size_t n, double **out, size_t *n_out);

/* "; did you mean 'x'? (one of: ...)" as far as each part applies. */
void credo__spec_hint_list (char *buf, size_t len, const char *word,
                            const char *const *cands, size_t n);
/* A list of groups: a list, or an empty array / group.  *len = length. */
int credo__spec_list (spec_parser *p, const config_setting_t *s,
                      const char *what, size_t *len);
/* 1 for an HDF5 path (.h5, .hdf5), 0 for .csv, else -1 with the error set
 * at `s` ("WHAT 'PATH' must end in ..."). */
int credo__spec_data_kind (spec_parser *p, const config_setting_t *s,
                           const char *path, const char *what);

/* A matrix of a data file, or a range of its rows (spec/data.c). */
typedef struct spec_data
{
  double *values;   /* rows x cols, row-major, malloc'd (owned by the
                       caller, also after a failure) */
  size_t rows, cols;
  size_t first;     /* the file's row that is row 0 */
  size_t file_rows; /* rows in the file */
} spec_data;

/* Reads the resolved `path` (CSV, `dataset` of an HDF5 file, or IDX with
 * labels one-hot of `classes`, or the class when 0), keeping the rows of
 * g's optional `rows = [first, last]` (checked against the file).  Errors
 * at `at` (the file's setting) or at `rows`. */
int credo__spec_read_rows (spec_parser *p, const config_setting_t *g,
                           const config_setting_t *at, const char *path,
                           const char *dataset, size_t classes,
                           spec_data *d);

/* Resolves a data file path against the config's directory (malloc'd). */
char *credo__spec_resolve (spec_parser *p, const char *path);

/* Room for candidate names in hints. */
#define MAX_NAMES 256

/* ---- lookups by name (parse.c) --------------------------------------- */

/* Index of the population called `name`, or -1. */
int credo__spec_pop_index (const credo_spec *spec, const char *name);
/* "pop.port" or "pop" (the first port) of setting `s`: input ports when
 * `input`, else output ports. */
int credo__spec_endpoint (spec_parser *p, const config_setting_t *s,
                          int input, int *pop, int *port);

/* ---- overrides (override.c) ------------------------------------------ */

/* Applies one "key=value" override to p->cfg. */
int credo__spec_override (spec_parser *p, const char *ov);

/* ---- read.c: the text before libconfig ------------------------------------ */

/* The whole regular file `path`, NUL-terminated, malloc'd; NULL with
 * "PATH: cannot WHAT: reason" in ctx. */
char *credo__spec_slurp (credo_ctx *ctx, const char *path, const char *what);
/* Checks every @include line of `text` (from `file`, for messages) and,
 * recursively, of the files it includes: each must be a regular file,
 * relative paths taken from `dir`.  0 or CREDO_ECONFIG with FILE:LINE. */
int credo__spec_check_includes (credo_ctx *ctx, const char *text,
                                const char *file, const char *dir, int depth);

/* ---- sections, in the order spec.c reads them ------------------------ */

/* circuit.c: populations first (every other section names them). */
int credo__spec_populations (spec_parser *p, config_setting_t *s);
int credo__spec_projections (spec_parser *p, config_setting_t *s);
/* stimuli.c */
int credo__spec_stimuli (spec_parser *p, config_setting_t *s);
/* record.c: the `record` list, and the `weights` group (snapshots; after
 * the projections). */
int credo__spec_records (spec_parser *p, config_setting_t *s);
int credo__spec_weights (spec_parser *p, config_setting_t *s);
/* learning.c: the `learning` group; after the stimuli. */
int credo__spec_learning (spec_parser *p, config_setting_t *s);
void credo__spec_learning_free (credo_learning_spec *l);
/* learning.dfc (learning_dfc.c), after the layers and the protocol; and
 * the check that every loss_target population is such a protocol's. */
int credo__spec_learning_dfc (spec_parser *p, config_setting_t *learning);
int credo__spec_check_loss_targets (spec_parser *p);
/* learning.lcp (spec/learning_lcp.c) and the least-control populations'
 * wiring (a controller's readout, a dynamic inversion's layer). */
int credo__spec_learning_lcp (spec_parser *p, config_setting_t *learning);
int credo__spec_check_lcp (spec_parser *p);
/* solver.c: the `solver` group (NULL when absent); after the populations. */
int credo__spec_solver (spec_parser *p, config_setting_t *s);
/* spiking.c: a projection's `delay` and `probability`, after its
 * connectivity; then, after the solver, whether populations, engine,
 * delays and records fit together. */
int credo__spec_proj_spiking (spec_parser *p, const config_setting_t *g,
                              credo_proj_spec *pj);
int credo__spec_check_spiking (spec_parser *p);
/* A replay population's `spikes` (and no other population's). */
/* plasticity = { rule = "stdp"; A_plus; A_minus; tau_plus; tau_minus;
 * w_min; w_max; } of a spiking projection, into ps. */
int credo__spec_plast_stdp (spec_parser *p, const config_setting_t *g,
                            credo_plast_spec *ps);
int credo__spec_pop_spikes (spec_parser *p, const config_setting_t *pop,
                            credo_pop_spec *ps);

#endif /* CREDO_SPEC_PARSE_H */
