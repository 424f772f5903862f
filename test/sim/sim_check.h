/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Extended-virtual-synchrony checkers of the simulator.  They see only the
 * streams a node's upper layer sees (deliver and confchg callbacks), what the
 * application sent, crashes/restarts and persisted ring sequences; they never
 * look inside the engine, so they work on hand-made streams too.  The first
 * violation is recorded with its node and virtual time; later ones are
 * ignored.  Properties (extended virtual synchrony as corosync v3.1.7
 * exec/totemsrp.c provides it): agreed order, no duplicates, nothing
 * invented, self-delivery, ring id -> one member list, TRANSITIONAL then
 * REGULAR, and per configuration (the regular one and the transitional one
 * apart): nodes moving together deliver the same messages in each, a
 * message is delivered only in a configuration its sender is a member of,
 * and per-sender FIFO as srp's two send queues allow it.
 */
#ifndef CHORUS_SIM_CHECK_H
#define CHORUS_SIM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/uio.h>

#include "totemsrp/srp.h"

#define SIM_CHECK_NODES_MAX 16
#define SIM_MSG_HDR_LEN     24u
#define SIM_MSG_MAGIC       0x53494d4du   /* "SIMM" */
#define SIM_FRAME_MAGIC     0x53494d46u   /* "SIMF": a wrapped totempg frame */

struct sim_check;

/** Checker over the nodes nodeids[0..n) (n <= SIM_CHECK_NODES_MAX).  NULL on OOM or bad n. */
struct sim_check *sim_check_new(const uint32_t *nodeids, size_t n);
/** Takes NULL. */
void sim_check_free(struct sim_check *chk);

/** Virtual time of the events that follow (for failure reports). */
void sim_check_set_now(struct sim_check *chk, uint64_t now_ms);

/** A node's process starts (first start or restart): a new incarnation. */
void sim_check_node_up(struct sim_check *chk, uint32_t nodeid);
/** A node's process dies: its incarnation ends, nothing more is expected from it. */
void sim_check_node_down(struct sim_check *chk, uint32_t nodeid);
/** The engine of nodeid persisted ring sequence seq (ring_seq_store callback). */
void sim_check_ring_seq_stored(struct sim_check *chk, uint32_t nodeid, uint64_t seq);

/**
 * Build an application payload: header {magic, sender, counter, len, sum}
 * then a fill derived from (sender, counter).  len >= SIM_MSG_HDR_LEN and
 * <= cap.  Returns len, or 0 if it does not fit.
 */
size_t sim_msg_build(void *buf, size_t cap, uint32_t sender, uint64_t counter, size_t len);
/**
 * Wrap an opaque body (a totempg frame, iov[0..iovcnt)) in the same header
 * with magic SIM_FRAME_MAGIC: the checkers then check tag, length and
 * checksum but not the body's content.  Returns the length or 0.
 */
size_t sim_msg_wrap(void *buf, size_t cap, uint32_t sender, uint64_t counter,
		    const struct iovec *iov, size_t iovcnt);
/** The application of nodeid hands this payload (built by sim_msg_build) to the engine. */
void sim_check_sent(struct sim_check *chk, uint32_t nodeid, const void *msg, size_t len);
/** ... and the engine refused it (srp_mcast failed): it must never be delivered. */
void sim_check_refused(struct sim_check *chk, uint32_t nodeid, const void *msg, size_t len);

/** deliver callback of nodeid. */
void sim_check_deliver(struct sim_check *chk, uint32_t nodeid, uint32_t from_nodeid,
		       const void *msg, size_t len);
/** confchg callback of nodeid. */
void sim_check_confchg(struct sim_check *chk, uint32_t nodeid, const struct srp_confchg *chg);
/**
 * The confchg callback of nodeid returned.  After a TRANSITIONAL one the
 * engine waits for the sync's acknowledgement: srp_mcast() queues into its
 * transitional queue, which goes out before anything still in the regular
 * one (corosync v3.1.7 exec/totemsrp.c, memb_state_operational_enter and
 * totemsrp_mcast), until sim_check_trans_ack().
 */
void sim_check_confchg_done(struct sim_check *chk, uint32_t nodeid);
/** The world called srp_trans_ack() on nodeid (the sync of its ring ended). */
void sim_check_trans_ack(struct sim_check *chk, uint32_t nodeid);

/**
 * True when every node of live[0..n) is in a REGULAR configuration whose
 * members are exactly live[] (sorted ascending), all with the same ring id.
 */
bool sim_check_converged(const struct sim_check *chk, const uint32_t *live, size_t n,
			 struct srp_ring_id *ret_ring);
/**
 * End-of-run checks once the ring is stable and traffic has drained: each
 * live node delivered every message it sent in its current incarnation, and
 * every live node delivered the same sequence in the final ring.
 */
void sim_check_final(struct sim_check *chk, const uint32_t *live, size_t n);

/** Record a failure found outside the streams (liveness, engine misuse). */
void sim_check_fail(struct sim_check *chk, uint32_t nodeid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool sim_check_failed(const struct sim_check *chk);
/** The first failure's text; node and virtual time through ret_ parameters. */
const char *sim_check_failure(const struct sim_check *chk, uint32_t *ret_nodeid,
			      uint64_t *ret_time_ms);

struct sim_check_stats {
	uint64_t sent, delivered, confchgs, rings;
	uint64_t trans_delivered;       /* deliveries in a transitional configuration */
};
void sim_check_stats_get(const struct sim_check *chk, struct sim_check_stats *ret_stats);

#endif
