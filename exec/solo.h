/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The single-node stand-in for totem, used until the Totem engine lands:
 * a membership of this node alone, and multicasts looped back to the host
 * from a main-loop job (never re-entrantly, so ordering matches what totem
 * will give: every message is delivered after the call that sent it).
 * It implements the same struct host_totem_ops seam the totem adapter will.
 */
#ifndef CHORUS_EXEC_SOLO_H
#define CHORUS_EXEC_SOLO_H

#include <qb/qbloop.h>

#include "services/host.h"

struct solo;

extern const struct host_totem_ops solo_totem_ops;

int solo_create(qb_loop_t *loop, uint32_t nodeid, struct solo **ret_solo);
void solo_set_host(struct solo *solo, struct host *host);
void solo_destroy(struct solo *solo);
/** Queue the first (and only) membership: this node. */
void solo_start(struct solo *solo, void (*confchg)(void *ctx, const struct svc_view *view),
		void *ctx);

#endif
