/* src/spec/read.c -- reading a circuit file's text before libconfig parses
 * it: the whole file at once, and every @include checked.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 *
 * libconfig's scanner re-reads a token from its start each time it refills
 * its buffer from a FILE, so a 5 MB string took minutes; handed the whole
 * text as a string it scans in linear time.  libconfig 1.5 also exits the
 * process ("input in flex scanner failed") when an @include names a
 * directory and says only "cannot open include file" otherwise, so every
 * @include line (libconfig's rule: `^[ \t]*@include[ \t]+"...`, the path
 * relative to the include directory, at most 10 levels deep) is checked
 * here first, with the file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec/parse.h"

#define MAX_INCLUDE_DEPTH 10 /* libconfig's */

char *
credo__spec_slurp (credo_ctx *ctx, const char *path, const char *what)
{
  FILE *f = fopen (path, "rb");
  struct stat st;
  char *text = NULL;
  size_t n = 0;
  int err = 0;
  if (!f || fstat (fileno (f), &st) != 0)
    err = errno;
  else if (S_ISDIR (st.st_mode))
    err = EISDIR;
  else if (!S_ISREG (st.st_mode))
    err = -1; /* a device or fifo could be endless */
  else if (!(text = malloc ((size_t) st.st_size + 1)))
    err = ENOMEM;
  else if ((n = fread (text, 1, (size_t) st.st_size, f)) != (size_t) st.st_size
           && ferror (f))
    err = errno ? errno : EIO;
  if (f)
    fclose (f);
  if (err)
    {
      free (text);
      credo__error (ctx, CREDO_ECONFIG, "%s: cannot %s: %s", path, what,
                    err < 0 ? "not a regular file" : strerror (err));
      return NULL;
    }
  text[n] = '\0';
  return text;
}

/* The path of the @include on the line at `s` (after "@include" and its
 * blanks, at the opening quote), unescaped into buf; NULL when the line is
 * not one. */
static const char *
include_path (const char *s, char *buf, size_t size)
{
  size_t n = 0;
  while (*s == ' ' || *s == '\t')
    s++;
  if (strncmp (s, "@include", 8) != 0 || (s[8] != ' ' && s[8] != '\t'))
    return NULL;
  for (s += 8; *s == ' ' || *s == '\t'; s++)
    ;
  if (*s++ != '"')
    return NULL;
  for (; *s && *s != '"' && *s != '\n' && n + 1 < size; s++)
    buf[n++] = *s == '\\' && s[1] ? *++s : *s;
  buf[n] = '\0';
  return *s == '"' ? buf : NULL;
}

int
credo__spec_check_includes (credo_ctx *ctx, const char *text,
                            const char *file, const char *dir, int depth)
{
  long line = 1;
  char path[4096], full[8192];
  for (const char *s = text; *s; line++)
    {
      const char *eol = strchr (s, '\n');
      struct stat st;
      if (include_path (s, path, sizeof path) && depth < MAX_INCLUDE_DEPTH)
        {
          char *sub;
          int rc;
          if (path[0] == '/' || !dir)
            snprintf (full, sizeof full, "%s", path);
          else
            snprintf (full, sizeof full, "%s/%s", dir, path);
          if (stat (full, &st) != 0 || !S_ISREG (st.st_mode))
            return credo__error (ctx, CREDO_ECONFIG,
                                 "%s:%ld: cannot include '%s': %s", file,
                                 line, full,
                                 stat (full, &st) != 0 ? strerror (errno)
                                 : S_ISDIR (st.st_mode)
                                     ? "it is a directory"
                                     : "not a regular file");
          if (!(sub = credo__spec_slurp (ctx, full, "include")))
            return credo_errcode (ctx);
          rc = credo__spec_check_includes (ctx, sub, full, dir, depth + 1);
          free (sub);
          if (rc)
            return rc;
        }
      if (!eol)
        break;
      s = eol + 1;
    }
  return 0;
}
