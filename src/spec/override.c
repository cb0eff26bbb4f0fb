/* src/spec/override.c -- applying "--set key=value" overrides to a config.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * The key is a libconfig path ("solver.rtol", "projections.[0].gain",
 * "populations.hidden.params.tau"); the value is libconfig syntax, or a bare
 * string when it does not parse as such.  An existing setting is replaced in
 * place (same position among its siblings), a missing one is created along
 * with its missing parent groups.  Every setting an override creates carries
 * the override string as its libconfig hook, so that later messages can say
 * "--set KEY=VALUE" instead of a file line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/parse.h"

#define MAX_KEY_PARTS 32

/* ---- overrides --------------------------------------------------------- */

typedef struct key_part
{
  char name[128]; /* empty for an index */
  long index;     /* -1 for a name */
} key_part;

/* Splits "a.b.[2].c" (also "a.b[2].c") into parts.  Returns the number of
 * parts, or -1 on a malformed key. */
static int
split_key (const char *key, key_part *parts, int max)
{
  int n = 0;
  const char *k = key;
  if (!*k)
    return -1;
  while (*k)
    {
      key_part *part;
      if (n == max)
        return -1;
      part = &parts[n++];
      if (*k == '[')
        {
          char *end;
          k++;
          if (*k < '0' || *k > '9')
            return -1;
          part->index = strtol (k, &end, 10);
          if (*end != ']')
            return -1;
          part->name[0] = '\0';
          k = end + 1;
        }
      else
        {
          size_t len = strcspn (k, ".[");
          if (len == 0 || len >= sizeof part->name)
            return -1;
          memcpy (part->name, k, len);
          part->name[len] = '\0';
          part->index = -1;
          k += len;
        }
      if (*k == '.')
        {
          k++;
          if (!*k)
            return -1;
        }
      else if (*k && *k != '[')
        return -1;
    }
  return n;
}

/* Copies the value of `src` (any type) into `dst`, which has src's type. */
static int
copy_value (config_setting_t *dst, const config_setting_t *src)
{
  int len;
  switch (config_setting_type (src))
    {
    case CONFIG_TYPE_INT:
      return config_setting_set_int (dst, config_setting_get_int (src));
    case CONFIG_TYPE_INT64:
      return config_setting_set_int64 (dst, config_setting_get_int64 (src));
    case CONFIG_TYPE_FLOAT:
      return config_setting_set_float (dst, config_setting_get_float (src));
    case CONFIG_TYPE_BOOL:
      return config_setting_set_bool (dst, config_setting_get_bool (src));
    case CONFIG_TYPE_STRING:
      return config_setting_set_string (dst, config_setting_get_string (src));
    case CONFIG_TYPE_GROUP:
    case CONFIG_TYPE_LIST:
    case CONFIG_TYPE_ARRAY:
      len = config_setting_length (src);
      for (int i = 0; i < len; i++)
        {
          const config_setting_t *e = config_setting_get_elem (src,
                                                               (unsigned) i);
          config_setting_t *c = config_setting_add (
              dst, config_setting_is_group (src) ? config_setting_name (e)
                                                 : NULL,
              config_setting_type (e));
          if (!c || !copy_value (c, e))
            return CONFIG_FALSE;
        }
      return CONFIG_TRUE;
    default:
      return CONFIG_FALSE;
    }
}

/* Moves element `from` of an aggregate to position `to`, keeping the order
 * of the others.  libconfig 1.5 appends new settings at the end and has no
 * insert; its list structure is public, so a replaced setting goes back to
 * where it was (population order is significant). */
static void
move_elem (config_setting_t *parent, unsigned from, unsigned to)
{
  config_list_t *l = parent->value.list;
  config_setting_t *s;
  if (!l || from >= l->length || to >= l->length || from == to)
    return;
  s = l->elements[from];
  if (from > to)
    memmove (&l->elements[to + 1], &l->elements[to],
             (from - to) * sizeof *l->elements);
  else
    memmove (&l->elements[from], &l->elements[from + 1],
             (to - from) * sizeof *l->elements);
  l->elements[to] = s;
}

/* Sets element `idx` of array `arr` (idx == length appends) to the scalar
 * `v`, converting between numeric types when that loses nothing. */
static int
set_array_elem (spec_parser *p, const char *ov, const char *key,
                config_setting_t *arr, unsigned idx, const config_setting_t *v)
{
  int len = config_setting_length (arr);
  int et = len > 0 ? config_setting_type (config_setting_get_elem (arr, 0))
                   : config_setting_type (v);
  int vt = config_setting_type (v);
  config_setting_t *e = NULL;
  if (!config_setting_is_scalar (v))
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: an array element must be a scalar", key);
  if ((et == CONFIG_TYPE_INT || et == CONFIG_TYPE_INT64)
      && vt == CONFIG_TYPE_FLOAT)
    {
      double x = config_setting_get_float (v);
      if (x != floor (x) || fabs (x) > 2e9)
        return credo__error (p->ctx, CREDO_ECONFIG,
                             "--set %s: the array holds integers, not %g", key,
                             x);
      e = config_setting_set_int_elem (arr, (int) (idx < (unsigned) len
                                                   ? (int) idx : -1),
                                       (int) x);
    }
  else if (et == CONFIG_TYPE_FLOAT
           && (vt == CONFIG_TYPE_INT || vt == CONFIG_TYPE_INT64))
    {
      double x = vt == CONFIG_TYPE_INT
                     ? (double) config_setting_get_int (v)
                     : (double) config_setting_get_int64 (v);
      e = config_setting_set_float_elem (arr, idx < (unsigned) len
                                                  ? (int) idx : -1, x);
    }
  else if (et != vt)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: the array holds values of another type "
                         "than %s", key, credo__spec_type_name (v));
  else
    {
      int i = idx < (unsigned) len ? (int) idx : -1;
      switch (vt)
        {
        case CONFIG_TYPE_INT:
          e = config_setting_set_int_elem (arr, i, config_setting_get_int (v));
          break;
        case CONFIG_TYPE_INT64:
          e = config_setting_set_int64_elem (arr, i,
                                             config_setting_get_int64 (v));
          break;
        case CONFIG_TYPE_FLOAT:
          e = config_setting_set_float_elem (arr, i,
                                             config_setting_get_float (v));
          break;
        case CONFIG_TYPE_BOOL:
          e = config_setting_set_bool_elem (arr, i,
                                            config_setting_get_bool (v));
          break;
        default:
          e = config_setting_set_string_elem (arr, i,
                                              config_setting_get_string (v));
          break;
        }
    }
  if (!e)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: cannot set the array element", key);
  config_setting_set_hook (e, (void *) ov);
  return 0;
}

/* Replaces (or creates) member `name` of group/list `parent` (name NULL and
 * `idx` for list elements; idx == length appends) by a copy of `v`. */
static int
replace_setting (spec_parser *p, const char *ov, const char *key,
                 config_setting_t *parent, const char *name, unsigned idx,
                 const config_setting_t *v)
{
  config_setting_t *old, *s;
  int pos = -1;
  if (name)
    old = config_setting_get_member (parent, name);
  else
    old = idx < (unsigned) config_setting_length (parent)
              ? config_setting_get_elem (parent, idx) : NULL;
  if (old)
    {
      pos = config_setting_index (old);
      if (!config_setting_remove_elem (parent, (unsigned) pos))
        return credo__error (p->ctx, CREDO_ECONFIG,
                             "--set %s: cannot replace the setting", key);
    }
  s = config_setting_add (parent, name, config_setting_type (v));
  if (!s)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: cannot create '%s' (invalid name?)", key,
                         name ? name : "element");
  if (!copy_value (s, v))
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: cannot copy the value", key);
  config_setting_set_hook (s, (void *) ov);
  if (pos >= 0)
    move_elem (parent, (unsigned) config_setting_length (parent) - 1,
               (unsigned) pos);
  return 0;
}

/* Splits "KEY=VALUE" into the key (blanks around it dropped; into `key`,
 * `key_len` bytes) and the value (*val, *vlen: blanks, a newline and one
 * ';' at its end dropped).  *ov moves past blanks before the key: the
 * settings the override creates carry it as their hook. */
static int
split_override (spec_parser *p, const char **ov, char *key, size_t key_len,
                const char **val, size_t *vlen)
{
  const char *eq = strchr (*ov, '=');
  const char *v;
  size_t klen, n;

  if (!eq)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: expected KEY=VALUE", *ov);
  /* trim the key and the value */
  while (**ov == ' ' || **ov == '\t')
    (*ov)++;
  klen = (size_t) (eq - *ov);
  while (klen && ((*ov)[klen - 1] == ' ' || (*ov)[klen - 1] == '\t'))
    klen--;
  if (klen == 0 || klen >= key_len)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: expected KEY=VALUE", *ov);
  memcpy (key, *ov, klen);
  key[klen] = '\0';
  v = eq + 1;
  while (*v == ' ' || *v == '\t')
    v++;
  n = strlen (v);
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n'))
    n--;
  if (n && v[n - 1] == ';')
    n--;
  if (n > 4000)
    return credo__error (p->ctx, CREDO_ECONFIG, "--set %s: value too long",
                         key);
  *val = v;
  *vlen = n;
  return 0;
}

/* Reads the value text into `scratch` as setting "v": libconfig syntax,
 * else a bare string.  On success the caller destroys `scratch`. */
static int
parse_value (spec_parser *p, config_t *scratch, const char *val, size_t vlen,
             config_setting_t **out)
{
  char text[4200];
  config_setting_t *v;

  config_init (scratch);
  config_set_options (scratch, CONFIG_OPTION_AUTOCONVERT);
  snprintf (text, sizeof text, "v = %.*s;", (int) vlen, val);
  if (!config_read_string (scratch, text)
      || config_setting_length (config_root_setting (scratch)) != 1
      || !config_setting_get_member (config_root_setting (scratch), "v"))
    {
      config_destroy (scratch);
      config_init (scratch);
      v = config_setting_add (config_root_setting (scratch), "v",
                              CONFIG_TYPE_STRING);
      snprintf (text, sizeof text, "%.*s", (int) vlen, val);
      if (!v || !config_setting_set_string (v, text))
        {
          config_destroy (scratch);
          return credo__spec_nomem (p);
        }
    }
  *out = config_setting_get_member (config_root_setting (scratch), "v");
  return 0;
}

/* Walks p->cfg along all parts but the last into *cur, creating missing
 * groups (hooked with `ov`). */
static int
walk_to_parent (spec_parser *p, const char *ov, const char *key,
                const key_part *parts, int n_parts, config_setting_t **out)
{
  config_setting_t *cur = config_root_setting (p->cfg), *next;
  for (int i = 0; i < n_parts - 1; i++)
    {
      if (parts[i].index < 0)
        {
          if (!config_setting_is_group (cur))
            return credo__error (p->ctx, CREDO_ECONFIG,
                                 "--set %s: cannot look up '%s' in %s", key,
                                 parts[i].name, credo__spec_type_name (cur));
          next = config_setting_get_member (cur, parts[i].name);
          if (!next)
            {
              next = config_setting_add (cur, parts[i].name,
                                         CONFIG_TYPE_GROUP);
              if (!next)
                return credo__error (p->ctx, CREDO_ECONFIG,
                                     "--set %s: cannot create group '%s'",
                                     key, parts[i].name);
              config_setting_set_hook (next, (void *) ov);
            }
        }
      else
        {
          if (!config_setting_is_list (cur) && !config_setting_is_array (cur))
            return credo__error (p->ctx, CREDO_ECONFIG,
                                 "--set %s: cannot index [%ld] into %s", key,
                                 parts[i].index, credo__spec_type_name (cur));
          if (parts[i].index >= config_setting_length (cur))
            return credo__error (p->ctx, CREDO_ECONFIG,
                                 "--set %s: index [%ld] out of range (%d "
                                 "elements)", key, parts[i].index,
                                 config_setting_length (cur));
          next = config_setting_get_elem (cur, (unsigned) parts[i].index);
        }
      cur = next;
    }
  *out = cur;
  return 0;
}

/* Sets the last part of the key, member or element of `cur`, to `v`. */
static int
set_last (spec_parser *p, const char *ov, const char *key,
          const key_part *last, config_setting_t *cur,
          const config_setting_t *v)
{
  if (last->index < 0)
    {
      if (!config_setting_is_group (cur))
        return credo__error (p->ctx, CREDO_ECONFIG,
                             "--set %s: cannot set '%s' in %s", key,
                             last->name, credo__spec_type_name (cur));
      return replace_setting (p, ov, key, cur, last->name, 0, v);
    }
  if (!config_setting_is_list (cur) && !config_setting_is_array (cur))
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: cannot index [%ld] into %s", key,
                         last->index, credo__spec_type_name (cur));
  if (last->index > config_setting_length (cur))
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: index [%ld] out of range (%d elements)",
                         key, last->index, config_setting_length (cur));
  if (config_setting_is_array (cur))
    return set_array_elem (p, ov, key, cur, (unsigned) last->index, v);
  return replace_setting (p, ov, key, cur, NULL, (unsigned) last->index, v);
}

/* Applies one "key=value" override to p->cfg.  See the file comment. */
int
credo__spec_override (spec_parser *p, const char *ov)
{
  char key[512];
  const char *val = NULL;
  size_t vlen = 0;
  key_part parts[MAX_KEY_PARTS];
  int n_parts, rc;
  config_t scratch;
  config_setting_t *v = NULL, *cur = NULL;

  if ((rc = split_override (p, &ov, key, sizeof key, &val, &vlen)))
    return rc;
  n_parts = split_key (key, parts, MAX_KEY_PARTS);
  if (n_parts < 0)
    return credo__error (p->ctx, CREDO_ECONFIG,
                         "--set %s: malformed key (expected a path like "
                         "solver.rtol or projections.[0].gain)", key);
  if ((rc = parse_value (p, &scratch, val, vlen, &v)))
    return rc;
  rc = walk_to_parent (p, ov, key, parts, n_parts, &cur);
  if (!rc)
    rc = set_last (p, ov, key, &parts[n_parts - 1], cur, v);
  config_destroy (&scratch);
  return rc;
}
