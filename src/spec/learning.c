/* src/spec/learning.c -- validating the `learning` group (learning curves).
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 *   learning = {
 *     every = 1000.0;                  # ms between evaluations
 *     layers = ["x", "p1", "p2"];      # input, hidden..., output population
 *     test = { file = "teacher.h5"; inputs = "test_inputs";
 *              targets = "test_target_rates"; samples = 200;
 *              compare = "r"; };       # output port compared with targets
 *     # or, without `file`, files of their own (IDX or CSV), a row range:
 *     # test = { inputs = "train-images-idx3-ubyte.gz";
 *     #          targets = "train-labels-idx1-ubyte.gz";
 *     #          rows = [55000, 60000]; };
 *     classify = false;                # also the argmax accuracy
 *     protocol = "continuous";         # the learning protocol
 *     references = ["backprop"];       # gradients to compare updates with
 *   };
 *
 * The layers name the feed-forward chain the circuit approximates: each
 * layer k >= 1 must have a model with a feed-forward reading (its forward
 * input port, e.g. the pyramidal `basal`, fed by exactly one dense
 * projection from layer k-1; the gain and transfer function that define
 * the equivalent network u_k = a_k W_k phi(u_{k-1})).  `protocol` names
 * the learning protocol (default "continuous"), `references` the reference
 * gradients the updates are compared with (default ["backprop"]).
 * Test data are read here, so `credo check` sees shape errors.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"
#include "spec/parse.h"

static const char *const learning_keys[] = { "every", "start", "stop",
                                             "layers", "test", "classify",
                                             "protocol", "references",
                                             "record_updates",
                                             "diagnostics_every", "dfc",
                                             "max_batches", "lcp",
                                             NULL };
static const char *const test_keys[] = { "file", "inputs", "targets",
                                         "rows", "samples", "compare",
                                         NULL };

/* The layer population named by element `e`. */
static int
layer_pop (spec_parser *p, const config_setting_t *e, int *pop)
{
  const credo_spec *spec = p->spec;
  const char *names[MAX_NAMES];
  char extra[1024];
  size_t n = 0;
  const char *name;
  if (config_setting_type (e) != CONFIG_TYPE_STRING)
    return credo__spec_err (p, e, "'layers' must hold population names, not "
                            "%s", credo__spec_type_name (e));
  name = config_setting_get_string (e);
  if ((*pop = credo__spec_pop_index (spec, name)) >= 0)
    return 0;
  for (size_t i = 0; i < spec->n_pops && n < MAX_NAMES; i++)
    names[n++] = spec->pops[i].name;
  credo__spec_hint_list (extra, sizeof extra, name, names, n);
  return credo__spec_err (p, e, "unknown population '%s' in learning "
                          "layers%s", name, extra);
}

/* Layer k >= 1: a model with a feed-forward reading (credo_model_type.ff:
 * the forward input port, its gain, the transfer function) and a single
 * dense projection from layer k-1 into that port. */
static int
check_layer (spec_parser *p, const config_setting_t *e, size_t k)
{
  credo_learning_spec *l = &p->spec->learning;
  const credo_spec *spec = p->spec;
  const credo_pop_spec *ps = &spec->pops[l->layers[k]];
  const credo_pop_spec *prev = &spec->pops[l->layers[k - 1]];
  const credo_model_type *m = ps->model;
  const char *rate = prev->model->ff ? prev->model->ff->rate : "r";
  int basal = m->ff ? credo_model_input_index (m, m->ff->input) : -1;
  int found = -1;
  char where[512];

  if (basal < 0)
    return credo__spec_err (p, e, "learning layer '%s' (model %s) has no "
                            "feed-forward reading (a forward input port "
                            "like the pyramidal 'basal', its gain and "
                            "transfer function): layers after the first "
                            "must be dendritic (e.g. pyramidal)", ps->name,
                            m->name);
  for (size_t j = 0; j < spec->n_projs; j++)
    {
      const credo_proj_spec *pj = &spec->projs[j];
      if (pj->post != l->layers[k] || pj->post_port != basal)
        continue;
      if (pj->pre != l->layers[k - 1])
        return credo__spec_err (p, e, "learning layer '%s': its basal input "
                                "comes from '%s' (projection '%s', %s), not "
                                "from the previous layer '%s'", ps->name,
                                spec->pops[pj->pre].name, pj->name,
                                credo__loc_str (&pj->loc, where,
                                                sizeof where),
                                prev->name);
      if (found >= 0)
        return credo__spec_err (p, e, "learning layer '%s' has two basal "
                                "projections ('%s' and '%s'); the forward "
                                "chain needs exactly one", ps->name,
                                spec->projs[found].name, pj->name);
      if (pj->conn != CREDO_CONN_DENSE)
        return credo__spec_err (p, e, "learning layer '%s': projection '%s' "
                                "is one-to-one; the forward chain needs "
                                "dense weights", ps->name, pj->name);
      if (credo_model_output_index (prev->model, rate) != pj->pre_port)
        return credo__spec_err (p, e, "learning layer '%s': projection '%s' "
                                "must come from %s.%s (the rate), not %s.%s",
                                ps->name, pj->name, prev->name, rate,
                                prev->name,
                                prev->model->outputs[pj->pre_port].name);
      found = (int) j;
    }
  if (found < 0)
    return credo__spec_err (p, e, "learning layer '%s' gets no projection "
                            "from '%s' into its %s port", ps->name,
                            prev->name, m->ff->input);
  l->fwd[k] = found;
  return 0;
}

static int
parse_layers (spec_parser *p, const config_setting_t *g)
{
  credo_learning_spec *l = &p->spec->learning;
  const credo_spec *spec = p->spec;
  config_setting_t *s = credo__spec_need (p, g, "layers", "learning");
  size_t n;
  int rc;
  if (!s)
    return CREDO_ECONFIG;
  if (!config_setting_is_array (s) && !config_setting_is_list (s))
    return credo__spec_err (p, s, "'layers' must be a list of population "
                            "names (input, hidden..., output), not %s",
                            credo__spec_type_name (s));
  n = (size_t) config_setting_length (s);
  if (n < 2)
    return credo__spec_err (p, s, "'layers' needs at least an input and an "
                            "output population, not %zu", n);
  l->n_layers = n;
  if (!(l->layers = credo__calloc (n, sizeof *l->layers))
      || !(l->fwd = credo__calloc (n, sizeof *l->fwd)))
    return credo__spec_nomem (p);
  l->fwd[0] = -1;
  for (size_t k = 0; k < n; k++)
    {
      const config_setting_t *e = config_setting_get_elem (s, (unsigned) k);
      if ((rc = layer_pop (p, e, &l->layers[k])))
        return rc;
      for (size_t j = 0; j < k; j++)
        if (l->layers[j] == l->layers[k])
          return credo__spec_err (p, e, "population '%s' is listed twice in "
                                  "learning layers",
                                  spec->pops[l->layers[k]].name);
      if (k > 0 && (rc = check_layer (p, e, k)))
        return rc;
    }
  /* the test inputs replace the input layer's stimulus */
  l->in_port = -1;
  for (size_t i = 0; i < spec->n_stims; i++)
    if (spec->stims[i].pop == l->layers[0])
      {
        l->in_port = spec->stims[i].port;
        break;
      }
  if (l->in_port < 0)
    return credo__spec_err (p, config_setting_get_elem (s, 0),
                            "learning input layer '%s' gets no stimulus; the "
                            "test inputs replace its stimulus, so it needs "
                            "one", spec->pops[l->layers[0]].name);
  return 0;
}

/* One matrix of the test set into *out; its columns must be `cols`.
 * With a test `file` (HDF5) `key` names its dataset, else a file of its
 * own (IDX or CSV; IDX labels one-hot of `cols` classes); either way only
 * the optional `rows` range is kept. */
static int
read_test_matrix (spec_parser *p, const config_setting_t *g, const char *key,
                  int h5, size_t cols, const char *popname, double **out,
                  size_t *rows)
{
  credo_learning_spec *l = &p->spec->learning;
  const config_setting_t *s = credo__spec_need (p, g, key, "learning test");
  const char *name;
  char *own = NULL;
  spec_data d;
  int rc;
  if (!s)
    return CREDO_ECONFIG;
  if ((rc = credo__spec_str (p, s, &name)))
    return rc;
  if (h5 == 0)
    return credo__spec_err (p, s, "learning test data must be an HDF5 file "
                            "(.h5) with datasets '%s' and the like", name);
  if (h5 < 0)
    {
      if (!credo__idx_path (name)
          && credo__spec_data_kind (p, s, name, "test file") != 0)
        return credo__spec_err (p, s, "without a test 'file', '%s' names a "
                                "file of its own: IDX (-ubyte, .idx, "
                                "optionally .gz) or CSV, not '%s'", key,
                                name);
      if (!(own = credo__spec_resolve (p, name)))
        return credo__spec_nomem (p);
    }
  rc = credo__spec_read_rows (p, g, s, own ? own : l->test_source,
                              own ? NULL : name, cols > 1 ? cols : 0, &d);
  *out = d.values;
  if (!rc && d.cols != cols)
    rc = credo__spec_err (p, s, "test %s '%s' of '%s' is %zu x %zu, expected "
                          "%zu columns (the units of '%s')", key, name,
                          own ? own : l->test_source, d.rows, d.cols, cols,
                          popname);
  *rows = d.rows;
  if (!rc && own && !l->test_source)
    l->test_source = own; /* the inputs' file names the set */
  else
    free (own);
  return rc;
}

/* test.file: the HDF5 file of the test datasets (1), or none (-1): the
 * inputs and targets are files of their own. */
static int
test_file (spec_parser *p, const config_setting_t *g, int *h5)
{
  credo_learning_spec *l = &p->spec->learning;
  const config_setting_t *fs = config_setting_get_member (g, "file");
  const char *path;
  FILE *f;
  int rc;
  *h5 = -1;
  if (!fs)
    return 0;
  if ((rc = credo__spec_str (p, fs, &path)))
    return rc;
  if ((*h5 = credo__spec_data_kind (p, fs, path, "test file")) < 0)
    return CREDO_ECONFIG;
  if (!(l->test_source = credo__spec_resolve (p, path)))
    return credo__spec_nomem (p);
  if (!(f = fopen (l->test_source, "rb")))
    return credo__spec_err (p, fs, "test file '%s' cannot be opened: %s",
                            l->test_source, strerror (errno));
  fclose (f);
  return 0;
}

static int
parse_test (spec_parser *p, const config_setting_t *g)
{
  credo_learning_spec *l = &p->spec->learning;
  const credo_spec *spec = p->spec;
  const credo_pop_spec *in = &spec->pops[l->layers[0]];
  const credo_pop_spec *out = &spec->pops[l->layers[l->n_layers - 1]];
  const char *compare = "r";
  size_t ri, rt;
  long samples = -1;
  int rc, h5;

  if ((rc = credo__spec_check_keys (p, g, "learning test", test_keys))
      || (rc = test_file (p, g, &h5)))
    return rc;
  if ((rc = credo__spec_opt_str (p, g, "compare", &compare, NULL)))
    return rc;
  if ((l->out_port = credo_model_output_index (out->model, compare)) < 0
      || (out->model->outputs[l->out_port].flags & CREDO_PORT_DERIVED))
    return credo__spec_err (p, config_setting_get_member (g, "compare"),
                            "'compare' must be an output port of the output "
                            "layer '%s' (model %s), e.g. \"r\" or \"u\"; not "
                            "'%s'", out->name, out->model->name, compare);
  if ((rc = read_test_matrix (p, g, "inputs", h5, in->size, in->name,
                              &l->test_inputs, &ri))
      || (rc = read_test_matrix (p, g, "targets", h5, out->size, out->name,
                                 &l->test_targets, &rt)))
    return rc;
  if (ri != rt)
    return credo__spec_err (p, g, "test inputs have %zu samples but targets "
                            "%zu", ri, rt);
  l->n_test = ri;
  if ((rc = credo__spec_opt_long (p, g, "samples", &samples, NULL)))
    return rc;
  if (config_setting_get_member (g, "samples"))
    {
      if (samples < 1 || (size_t) samples > ri)
        return credo__spec_err (p, config_setting_get_member (g, "samples"),
                                "'samples' must be in 1..%zu (the test set's "
                                "size), not %ld", ri, samples);
      l->n_test = (size_t) samples;
    }
  if (l->n_test == 0)
    return credo__spec_err (p, g, "the test set in '%s' is empty",
                            l->test_source);
  return 0;
}

/* protocol = "NAME": one of the protocol registry (learn/protocol.c). */
static int
parse_protocol (spec_parser *p, const config_setting_t *g)
{
  const config_setting_t *s = config_setting_get_member (g, "protocol");
  const char *const *reg = credo__protocol_names (), *name;
  char extra[1024];
  size_t n = 0;
  int rc;
  if (!s)
    return 0;
  if ((rc = credo__spec_str (p, s, &name)))
    return rc;
  while (reg[n])
    n++;
  for (size_t i = 0; i < n; i++)
    if (strcmp (reg[i], name) == 0)
      return (p->spec->learning.protocol = credo__strdup (name))
                 ? 0
                 : credo__spec_nomem (p);
  credo__spec_hint_list (extra, sizeof extra, name, reg, n);
  return credo__spec_err (p, s, "unknown learning protocol '%s'%s", name,
                          extra);
}

/* references = ["backprop", ...]: names from the reference registry
 * (learn/reference.c), each once. */
static int
parse_references (spec_parser *p, const config_setting_t *g)
{
  credo_learning_spec *l = &p->spec->learning;
  const config_setting_t *s = config_setting_get_member (g, "references");
  const char *const *reg = credo__reference_names ();
  size_t n = 0, len;
  int rc;
  if (!s)
    return 0;
  while (reg[n])
    n++;
  if (!config_setting_is_array (s) && !config_setting_is_list (s))
    return credo__spec_err (p, s, "'references' must be a list of names "
                            "such as [\"backprop\"], not %s",
                            credo__spec_type_name (s));
  len = (size_t) config_setting_length (s);
  if (len == 0)
    return credo__spec_err (p, s, "'references' is empty; leave it out for "
                            "the default [\"backprop\"]");
  if (!(l->references = credo__calloc (len, sizeof *l->references)))
    return credo__spec_nomem (p);
  for (size_t k = 0; k < len; k++)
    {
      const config_setting_t *e = config_setting_get_elem (s, (unsigned) k);
      const char *name;
      char extra[1024];
      size_t i;
      if ((rc = credo__spec_str (p, e, &name)))
        return rc;
      for (i = 0; i < n && strcmp (reg[i], name) != 0; i++)
        ;
      if (i == n)
        {
          credo__spec_hint_list (extra, sizeof extra, name, reg, n);
          return credo__spec_err (p, e, "unknown reference gradient '%s'%s",
                                  name, extra);
        }
      for (i = 0; i < l->n_references; i++)
        if (strcmp (l->references[i], name) == 0)
          return credo__spec_err (p, e, "reference '%s' is listed twice",
                                  name);
      if (!(l->references[l->n_references] = credo__strdup (name)))
        return credo__spec_nomem (p);
      l->n_references++;
    }
  return 0;
}

int
credo__spec_learning (spec_parser *p, config_setting_t *g)
{
  credo_spec *spec = p->spec;
  credo_learning_spec *l = &spec->learning;
  config_setting_t *s, *t;
  int rc;

  if ((rc = credo__spec_check_keys (p, g, "learning", learning_keys)))
    return rc;
  if ((rc = credo__spec_loc (p, g, &l->loc)))
    return rc;
  /* minibatch training (learning.dfc.batch) writes a row per epoch and
   * needs no evaluation times */
  s = config_setting_get_member (g, "every");
  t = config_setting_get_member (g, "dfc");
  if (!s && t && config_setting_get_member (t, "batch"))
    l->every = INFINITY;
  else if (!(s = credo__spec_need (p, g, "every", "learning")))
    return CREDO_ECONFIG;
  else if ((rc = credo__spec_num (p, s, &l->every)))
    return rc;
  else if (!(l->every > 0 && isfinite (l->every)))
    return credo__spec_err (p, s, "'every' must be > 0 (ms between "
                            "evaluations), not %g", l->every);
  l->start = 0;
  l->stop = spec->duration;
  if ((rc = credo__spec_opt_num (p, g, "start", &l->start, NULL))
      || (rc = credo__spec_opt_num (p, g, "stop", &l->stop, NULL)))
    return rc;
  if (l->stop > spec->duration)
    l->stop = spec->duration;
  if (!(l->start >= 0 && l->start <= l->stop))
    return credo__spec_err (p, g, "learning window [%g, %g] ms is empty or "
                            "negative (duration %g ms)", l->start, l->stop,
                            spec->duration);
  if ((l->stop - l->start) / l->every > CREDO_MAX_LEARNING_SAMPLES)
    return credo__spec_err (p, s, "'every' = %g ms gives %.3g evaluations; "
                            "at most %g are allowed", l->every,
                            (l->stop - l->start) / l->every,
                            CREDO_MAX_LEARNING_SAMPLES);
  if ((t = config_setting_get_member (g, "classify")))
    {
      if (config_setting_type (t) != CONFIG_TYPE_BOOL)
        return credo__spec_err (p, t, "'classify' must be true or false, not "
                                "%s", credo__spec_type_name (t));
      l->classify = config_setting_get_bool (t) != 0;
    }
  if ((t = config_setting_get_member (g, "record_updates")))
    {
      if (config_setting_type (t) != CONFIG_TYPE_BOOL)
        return credo__spec_err (p, t, "'record_updates' must be true or "
                                "false, not %s", credo__spec_type_name (t));
      l->record_updates = config_setting_get_bool (t) != 0;
    }
  if ((rc = credo__spec_opt_long (p, g, "diagnostics_every",
                                  &l->diagnostics_every, NULL)))
    return rc;
  if (l->diagnostics_every < 0)
    return credo__spec_err (p, config_setting_get_member (g,
                                                          "diagnostics_every"),
                            "'diagnostics_every' must be >= 0 (updates "
                            "between diagnostics; 0 = never), not %ld",
                            l->diagnostics_every);
  if ((rc = parse_layers (p, g)) || (rc = parse_protocol (p, g))
      || (rc = parse_references (p, g))
      || (rc = credo__spec_learning_dfc (p, g))
      || (rc = credo__spec_learning_lcp (p, g)))
    return rc;
  if (config_setting_get_member (g, "max_batches") && !l->dfc.batch)
    return credo__spec_err (p, config_setting_get_member (g, "max_batches"),
                            "learning.max_batches stops a training on a data "
                            "set early; it applies to minibatch training "
                            "(learning.dfc.batch) only");
  if (!(t = credo__spec_group (p, g, "test", &rc)))
    {
      if (rc)
        return rc;
      if (l->classify)
        return credo__spec_err (p, config_setting_get_member (g, "classify"),
                                "'classify' needs a test set (learning.test)");
      return 0;
    }
  return parse_test (p, t);
}

void
credo__spec_learning_free (credo_learning_spec *l)
{
  free (l->layers);
  free (l->fwd);
  free (l->test_inputs);
  free (l->test_targets);
  free (l->test_source);
  free (l->protocol);
  for (size_t i = 0; i < l->n_references; i++)
    free (l->references[i]);
  free (l->references);
  free (l->dfc.feedback);
  free (l->lcp.recurrent);
}
