/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * srp configuration changes -> totempg -> the host's view (pg_confchg.h).
 * Every step's place here was found by the whole-stack simulator (test/sim,
 * seeds pinned in test/sim/run-seeds.sh).
 */
#include <config.h>

#include <string.h>

#include "totemsrp/pg_confchg.h"

static size_t copy_ids(uint32_t *dst, const uint32_t *src, size_t n)
{
	if (n > SRP_NODES_MAX)
		n = SRP_NODES_MAX;
	if (n)
		memcpy(dst, src, n * sizeof(*dst));
	return n;
}

bool pg_confchg_apply(struct pg_confchg_state *st, struct pg *pg, const struct srp_confchg *chg,
		      struct svc_view *view)
{
	/* First the packing buffer goes to totem, behind the old
	 * configuration's frames (at the TRANSITIONAL configuration, before
	 * srp switches to its transitional queue: seed 1771), and the
	 * reassembly state of nodes that left goes. */
	pg_confchg(pg, chg->left, chg->left_count);
	if (chg->type == SRP_CONFCHG_TRANSITIONAL) {
		st->trans_count = copy_ids(st->trans, chg->members, chg->members_count);
		st->left_count = copy_ids(st->left, chg->left, chg->left_count);
		st->in_sync = true;
		st->in_trans = true;
		return false;
	}
	st->in_trans = false;
	/*
	 * From the REGULAR configuration until sync completes, reassembly uses
	 * the sync context.  Not from the TRANSITIONAL one: srp delivers the
	 * recovered old-ring messages between the two, and their fragments
	 * belong to the normal context (a message begun before and ended in a
	 * recovered frame was dropped on that node only: seed 1792).
	 * corosync v3.1.7 exec/totemsrp.c switches totempg's buffers after the
	 * recovered messages too.  A configuration that merged members drops
	 * the messages it cut, which the joined members could not assemble
	 * (seed 42, docs/compat.md).
	 */
	memset(view, 0, sizeof(*view));
	if (chg->joined_count)
		view->own_message_cut = pg_ring_merged(pg, st->nodeid);
	pg_sync_context(pg, true);
	view->rep_nodeid = chg->ring_id.rep;
	view->ring_seq = chg->ring_id.seq;
	view->members = chg->members;
	view->members_count = chg->members_count;
	view->trans = st->trans;
	view->trans_count = st->trans_count;
	view->joined = chg->joined;
	view->joined_count = chg->joined_count;
	/* The regular configuration carries no left list: the transitional one did. */
	view->left = st->left;
	view->left_count = st->left_count;
	return true;
}

bool pg_confchg_sync_done(struct pg_confchg_state *st, struct pg *pg)
{
	if (!st->in_sync)
		return false;
	st->in_sync = false;
	pg_sync_context(pg, false);
	return true;
}
