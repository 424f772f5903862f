/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From srp's configuration changes to the service host's view, with the
 * totempg steps around them in the one order that keeps every group's
 * history whole.  Shared by chorusd (exec/totem.c) and the simulator
 * (test/sim/sim_node.c), so that the simulator runs the daemon's wiring.
 *
 * Pure: no clock, no I/O; the caller owns the state and passes the view on
 * (host_confchg) after its own logging.
 */
#ifndef CHORUS_PG_CONFCHG_H
#define CHORUS_PG_CONFCHG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <chorus/service.h>

#include "totemsrp/pg.h"
#include "totemsrp/srp.h"

struct pg_confchg_state {
	uint32_t nodeid;             /* this node (the caller sets it): see own_message_cut */
	/* the last transitional configuration, for the next regular one's view */
	uint32_t trans[SRP_NODES_MAX];
	size_t trans_count;
	uint32_t left[SRP_NODES_MAX];
	size_t left_count;
	bool in_sync;                /* from a configuration change until sync is done */
	bool in_trans;               /* between the TRANSITIONAL and the REGULAR one */
};

/**
 * Apply one configuration change to pg.  For a REGULAR configuration,
 * fill *view (its arrays point into chg and st: valid until the next call)
 * and return true; the caller then hands it to the host.
 */
bool pg_confchg_apply(struct pg_confchg_state *st, struct pg *pg, const struct srp_confchg *chg,
		      struct svc_view *view);

/**
 * Sync completed: reassembly goes back to the normal context.  Returns
 * false when no configuration change was waiting for it (nothing to ack);
 * true: the caller acknowledges the transitional configuration to srp.
 */
bool pg_confchg_sync_done(struct pg_confchg_state *st, struct pg *pg);

#endif
