/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The upper half of a simulated node: the real totempg (totemsrp/pg.c), the
 * service host (services/host.c) with its sync engine and the services
 * chorusd loads with a votequorum provider (cmap, cfg, CPG, quorum,
 * votequorum), wired as exec/totem.c and exec/main.c wire them in chorusd,
 * plus a few fake libcpg clients driven by the world's PRNG.  The world owns the srp engine and
 * hands its callbacks here; this layer owns no clock (the world passes
 * virtual time) and no global state.
 */
#ifndef CHORUS_SIM_NODE_H
#define CHORUS_SIM_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "totemsrp/srp.h"
#include "test/sim/sim_cpg_check.h"
#include "test/sim/sim_prng.h"
#include "test/sim/sim_quorum_check.h"

#define SIM_CLIENTS_MAX 4

struct sim_stack;

struct sim_stack_cfg {
	uint32_t nodeid;
	struct srp *srp;
	size_t queue_cap;              /* the srp's send_queue_max */
	size_t frame_max;              /* largest totempg frame (after the world's wrapper) */
	uint32_t clients;              /* fake CPG clients, 0..SIM_CLIENTS_MAX */
	uint32_t groups;               /* they join groups "g0".."g<groups-1>" */
	uint32_t client_mean_ms;       /* mean time between client actions */
	bool libcpg_calls;             /* also fragmented sends and iterations */
	uint32_t *pid_next;            /* the node's pid counter (survives crashes) */
	struct sim_prng *prng;
	struct sim_cpg_check *cc;
	/* the cluster's configuration in the node's cmap: every node of the
	 * nodelist (nodeids[0..node_count), this node among them) and quorum.* */
	const uint32_t *nodeids;
	uint32_t node_count;
	const struct sim_quorum_cfg *quorum;   /* NULL: the CPG service alone */
	struct sim_quorum_check *qc;   /* told after each completed sync */
	/*
	 * Fault "foreign": keep the shadow stream of sim_xcode.h, so that each
	 * frame comes with its other-order twin; count (in *foreign_rx) the
	 * service messages delivered from a node of the other order.
	 */
	bool xcode;
	uint64_t *foreign_rx;
	/*
	 * The world: wrap a frame and srp_mcast it (0, -EAGAIN).  other: the
	 * frame as a node of the other byte order would send it (NULL without
	 * xcode), other_len bytes like the frame.
	 */
	int (*frame_mcast)(void *ctx, const struct iovec *iov, size_t iovcnt, const uint8_t *other,
			   size_t other_len);
	/* A trace line (NULL: none). */
	void (*log)(void *ctx, const char *line);
	void *ctx;
};

int sim_stack_create(const struct sim_stack_cfg *cfg, uint64_t now_ms, struct sim_stack **ret);
/** The node crashed: clients die with it; nothing is sent any more. Takes NULL. */
void sim_stack_destroy(struct sim_stack *stk);

/* srp callbacks, in exec/totem.c's order of work */
/* foreign: the frame is in the other byte order (srp's foreign_endian flag) */
void sim_stack_deliver(struct sim_stack *stk, uint32_t from, const void *frame, size_t len,
		       bool foreign);
void sim_stack_confchg(struct sim_stack *stk, const struct srp_confchg *chg);
void sim_stack_token_received(struct sim_stack *stk);
/**
 * Totem may have room: after each datagram srp took (exec/totem.c on_data
 * calls host_totem_room() once per batch of up to TOTEM_RX_BATCH).
 */
void sim_stack_totem_room(struct sim_stack *stk);

/** Virtual time of what follows (the world calls it on every entry). */
void sim_stack_set_time(struct sim_stack *stk, uint64_t now_ms);
/** Host timers, pending sync work and client actions due at now. */
void sim_stack_advance(struct sim_stack *stk, uint64_t now_ms);
/** Earliest deadline of the above (UINT64_MAX: none). */
uint64_t sim_stack_next_deadline(const struct sim_stack *stk);
/** Clients stop acting (traffic stops before the drain). */
void sim_stack_quiesce(struct sim_stack *stk);
/** True while the sync of the current configuration has not completed. */
bool sim_stack_in_sync(const struct sim_stack *stk);

#endif
