/* src/run/record_net.h -- the recorder's view of a network: the run layer
 * describes each record entry and weight snapshot (names, units, sizes,
 * where the values lie) for the recorder, which never sees the network.
 * Never installed
 *
 * Copyright (C) 2026 the credo developers.  GPL-3.0-or-later, see COPYING.
 */
#ifndef CREDO_RECORD_NET_H
#define CREDO_RECORD_NET_H

#include "net/net.h"
#include "record/record.h"

/* Fills *src from net for spec's record entries and weight snapshots.  An
 * entry that points outside the network gets a NULL population (or
 * projection) name, which credo__rec_open refuses.  The names and values
 * point into net, which must outlive the recorder.  Returns 0 or
 * CREDO_ENOMEM; free with credo__rec_sources_free. */
int credo__rec_sources_of_net (credo_ctx *ctx, const credo_spec *spec,
                               credo_net *net, credo_rec_sources *src);
void credo__rec_sources_free (credo_rec_sources *src);

/* credo__rec_open with the sources of net. */
credo_recorder *credo__rec_open_net (credo_ctx *ctx, const char *path,
                                     const credo_spec *spec, credo_net *net,
                                     const credo_run_meta *meta);

#endif /* CREDO_RECORD_NET_H */
