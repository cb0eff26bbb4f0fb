/* src/base/version.c -- version and build information.
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

#include <gsl/gsl_cblas.h>

#include "config.h"
#include "base/base.h"

const char *
credo_version (void)
{
  return PACKAGE_VERSION;
}

/* The BLAS really used is whichever library the dynamic linker bound
 * cblas_dgemv to; ask it rather than trusting the build flags. */
const char *
credo_blas_name (void)
{
  static char name[512];
  Dl_info info;
  void *sym = dlsym (RTLD_DEFAULT, "cblas_dgemv");
  if (!sym)
    sym = (void *) &cblas_dgemv;
  if (dladdr (sym, &info) && info.dli_fname)
    snprintf (name, sizeof name, "%s", info.dli_fname);
  else
    snprintf (name, sizeof name, "unknown");
  return name;
}
