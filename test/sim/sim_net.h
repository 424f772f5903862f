/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated network: decides, per datagram and per destination, whether
 * it arrives, when, and how many copies (loss, duplication, one-way delay
 * with min/mean so that reordering falls out of the delay draw), and holds
 * the link state that faults change (partitions, clogged links).  It does not
 * queue packets itself: the world turns each decision into heap events.
 * A node's datagrams to itself always arrive, quickly and once.
 */
#ifndef CHORUS_SIM_NET_H
#define CHORUS_SIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "test/sim/sim_prng.h"

#define SIM_NET_NODES_MAX 16

struct sim_net_options {
	uint32_t delay_min_ms;
	uint32_t delay_mean_ms;         /* extra delay above the minimum, exponential */
	uint32_t loss_ppm;
	uint32_t dup_ppm;
	/* stragglers (fault "late"): a datagram held back by lo..hi ms more */
	uint32_t straggle_ppm;
	uint32_t straggle_lo_ms, straggle_hi_ms;
};

enum sim_partition_kind {
	SIM_PARTITION_UNIFORM,          /* random side of random size 1..n-1 */
	SIM_PARTITION_ISOLATE,          /* one node alone */
};

struct sim_net {
	uint32_t nodes;
	struct sim_net_options opt;
	bool lossy;                     /* loss and duplication apply */
	bool blocked[SIM_NET_NODES_MAX][SIM_NET_NODES_MAX];     /* [from][to] */
	uint64_t clog_until[SIM_NET_NODES_MAX][SIM_NET_NODES_MAX];
	struct sim_prng *prng;
	uint64_t tx, rx_lost, dup, straggled;
};

void sim_net_init(struct sim_net *net, uint32_t nodes, const struct sim_net_options *opt,
		  struct sim_prng *prng);

/**
 * Route one datagram from -> to sent at now.  Fills ret_at[] with arrival
 * times and returns how many copies arrive (0, 1 or 2).  ret_held[i] tells
 * whether a clog of the link moved copy i's arrival to the clog's end.
 */
int sim_net_route(struct sim_net *net, uint32_t from, uint32_t to, uint64_t now_ms,
		  uint64_t ret_at[2], bool ret_held[2]);

/**
 * Cut the network in two.  Symmetric: no datagram crosses; asymmetric: only
 * side A -> side B is cut.  Writes side A's membership to ret_side (may be NULL).
 */
void sim_net_partition(struct sim_net *net, enum sim_partition_kind kind, bool asymmetric,
		       bool ret_side[SIM_NET_NODES_MAX]);
void sim_net_unpartition(struct sim_net *net);
/** Hold back datagrams on link from -> to until until_ms. */
void sim_net_clog(struct sim_net *net, uint32_t from, uint32_t to, uint64_t until_ms);
void sim_net_unclog(struct sim_net *net, uint32_t from, uint32_t to);
/** Faults stop: no partition, no clog, no loss, duplication or stragglers
 * (datagrams already in flight keep their arrival times: the world decides
 * whether they arrive). */
void sim_net_heal(struct sim_net *net);

/**
 * The byte-order transcoder of foreign-endian nodes: swap every field of a
 * totemsrp datagram in place (layouts of corosync v3.1.7 exec/totemsrp.c,
 * restated in totemsrp/srp_wire.h), giving the datagram a node of the
 * other byte order sends.  Each header's order is read from its own magic,
 * so this is an involution, and the inner MCAST of an encapsulated one
 * (re-sent in RECOVERY by any node) is swapped on its own order.  The
 * body of each (inner) MCAST goes to body(ctx, body, len) when body is not
 * NULL (the world's message-level transcoder, sim_xcode.h), which swaps it
 * in place or returns -1.  0, or -1 when the datagram does not parse.
 */
typedef int (*sim_net_body_fn)(void *ctx, uint8_t *body, size_t len);
int sim_net_swap_datagram(void *buf, size_t len, sim_net_body_fn body, void *ctx);

#endif
