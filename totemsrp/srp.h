/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Totem single-ring ordering and membership engine (totemsrp), as a pure
 * state machine: it never reads a clock, opens a socket, touches a file or
 * the main loop.  Time is an argument of every entry point; datagrams leave
 * through struct srp_env; persistence of the ring sequence is a callback.
 * Behaviour and wire layouts are corosync 3.1.7's
 * (corosync v3.1.7 exec/totemsrp.c), so chorus nodes can ring with corosync.
 *
 * Driving it (exec/ or the simulator):
 *     srp_create(cfg, env, now, &srp);
 *     loop: on a datagram  -> srp_receive(srp, now, buf, len);
 *           at deadlines   -> srp_advance(srp, now);
 *           re-arm one timer at srp_next_deadline(srp).
 * Upward, the engine calls env->deliver() for each MCAST payload in agreed
 * order and env->confchg() for each TRANSITIONAL then REGULAR configuration.
 *
 * State machine (§2.7):
 *     OPERATIONAL --token loss / foreign ring / JOIN / fail-to-recv--> GATHER
 *     GATHER --consensus, lowest id creates commit token--> COMMIT
 *     GATHER --commit token for my proc set--> COMMIT
 *     COMMIT --commit token second rotation--> RECOVERY
 *     RECOVERY --ORF token, rotation counter 2--> OPERATIONAL (+ TRANS, REG confchg)
 *     COMMIT/RECOVERY --token loss or JOIN from a new member--> GATHER
 *
 * Every queue is bounded: the send queue by cfg->send_queue_max messages
 * (srp_mcast() answers -EAGAIN beyond), the retransmit/sort window by
 * SRP_SORT_QUEUE_MAX.  Callbacks may call srp_mcast() but not srp_receive(),
 * srp_advance() or srp_destroy().  Everything is single-threaded.
 */
#ifndef CHORUS_SRP_H
#define CHORUS_SRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define SRP_NODES_MAX        384    /* PROCESSOR_COUNT_MAX */
#define SRP_SORT_QUEUE_MAX   16384  /* QUEUE_RTR_ITEMS_SIZE_MAX */
#define SRP_RTR_ITEMS_MAX    30     /* RETRANSMIT_ENTRIES_MAX */

struct srp;

enum srp_state {
	SRP_STATE_OPERATIONAL = 1,
	SRP_STATE_GATHER = 2,
	SRP_STATE_COMMIT = 3,
	SRP_STATE_RECOVERY = 4,
};
const char *srp_state_str(enum srp_state state);

struct srp_ring_id {
	uint32_t rep;   /* lowest nodeid of the ring */
	uint64_t seq;
};

enum srp_confchg_type {
	SRP_CONFCHG_TRANSITIONAL = 0,
	SRP_CONFCHG_REGULAR = 1,
};

/** A configuration change; arrays are sorted ascending and valid during the call. */
struct srp_confchg {
	enum srp_confchg_type type;
	struct srp_ring_id ring_id;          /* the NEW ring id for both types */
	const uint32_t *members;
	size_t members_count;
	const uint32_t *left;
	size_t left_count;
	const uint32_t *joined;
	size_t joined_count;
};

/** Effective timeouts and limits (services/config: struct totem_config). */
struct srp_config {
	uint32_t nodeid;                     /* 1..65535 with knet */
	uint32_t token_ms;
	uint32_t token_retransmit_ms;
	uint32_t hold_ms;
	uint32_t token_retransmits_before_loss_const;
	uint32_t join_ms;
	uint32_t send_join_ms;
	uint32_t consensus_ms;
	uint32_t merge_ms;
	uint32_t fail_recv_const;
	uint32_t seqno_unchanged_const;
	uint32_t max_network_delay_ms;
	uint32_t heartbeat_failures_allowed;
	uint32_t window_size;
	uint32_t max_messages;
	uint32_t miss_count_const;
	bool cancel_token_hold_on_retransmit;
	uint32_t net_mtu;                    /* largest MCAST payload + headers the transport takes */
	uint32_t send_queue_max;             /* messages; srp_mcast() says -EAGAIN beyond */
	uint64_t ring_seq_stored;            /* from the ring id file; the first ring uses +1 */
};

struct srp_env {
	/* Unicast (ORF token, commit token) to the next ring member. 0 or -errno. */
	int (*send_token)(void *ctx, uint32_t to_nodeid, const void *buf, size_t len);
	/* Broadcast to every configured node, this one included. 0 or -errno. */
	int (*send_mcast)(void *ctx, const void *buf, size_t len);
	/* One MCAST payload (a totempg frame) in agreed order. */
	void (*deliver)(void *ctx, uint32_t from_nodeid, const void *msg, size_t len,
			bool foreign_endian);
	void (*confchg)(void *ctx, const struct srp_confchg *chg);
	/* An ORF token arrived and may carry messages: pg flushes its packing buffer. */
	void (*token_received)(void *ctx);
	/* Persist a new ring sequence before it is used (§2.11). 0 or -errno (fatal). */
	int (*ring_seq_store)(void *ctx, uint64_t seq);
	/* Optional: uniform random for send_join jitter; NULL when send_join is 0. */
	uint64_t (*random)(void *ctx);
	/*
	 * Optional: one line of protocol detail (state changes and why, sets at
	 * a consensus timeout).  prio is a syslog level; NULL turns tracing off
	 * and then nothing is formatted.
	 */
	void (*log)(void *ctx, int prio, const char *line);
	void *ctx;
};

/** Counters published as stats.srp.* (corosync v3.1.7 exec/stats.c). */
struct srp_stats {
	uint64_t orf_token_tx, orf_token_rx;
	uint64_t memb_merge_detect_tx, memb_merge_detect_rx;
	uint64_t memb_join_tx, memb_join_rx;
	uint64_t mcast_tx, mcast_retx, mcast_rx;
	uint64_t memb_commit_token_tx, memb_commit_token_rx;
	uint64_t token_hold_cancel_tx, token_hold_cancel_rx;
	/* the rep sent its withheld token to itself (srp_token.c, hold_reuse) */
	uint64_t token_hold_reuse;
	/* a ring of one withheld its token at an empty visit (srp_token.c) */
	uint64_t token_hold_single;
	uint64_t operational_entered, operational_token_lost;
	uint64_t gather_entered, gather_token_lost;
	uint64_t commit_entered, commit_token_lost;
	uint64_t recovery_entered, recovery_token_lost;
	uint64_t consensus_timeouts;
	uint64_t rx_msg_dropped;             /* malformed, foreign or unexpected datagrams */
	uint32_t continuous_gather;
	uint32_t continuous_sendmsg_failures;
	uint32_t mtt_rx_token;
	uint32_t avg_token_workload;
	uint32_t avg_backlog_calc;
	uint64_t last_token_rx_ms;           /* for time_since_token_last_received */
};

/**
 * Create an engine in OPERATIONAL with an empty membership.  It enters
 * GATHER at srp_start() (the transport's "links are up").  All of *cfg and
 * *env are copied.  Returns 0, -EINVAL for a bad config, -ENOMEM.
 */
int srp_create(const struct srp_config *cfg, const struct srp_env *env, uint64_t now_ms,
	       struct srp **ret_srp);
/**
 * Take new timers and limits (token_ms ... cancel_token_hold_on_retransmit)
 * at run time, as corosync does on a configuration reload: deadlines
 * already armed stay where they are, each new value counts from the next
 * time it is used.  nodeid, net_mtu and send_queue_max cannot change
 * (-EINVAL if they differ); ring_seq_stored is ignored.  0, or -EINVAL for
 * a bad config (the engine keeps the old one).
 */
int srp_reconfigure(struct srp *srp, const struct srp_config *cfg, uint64_t now_ms);
/** Takes NULL. Sends nothing (see srp_leave()). */
void srp_destroy(struct srp *srp);

/** The transport is ready: form the first ring (enter GATHER). */
void srp_start(struct srp *srp, uint64_t now_ms);

/**
 * One datagram from the transport.  Malformed, truncated, foreign-version
 * or unexpected datagrams are dropped and counted (stats.rx_msg_dropped);
 * returns 0 when processed, -EBADMSG when dropped.  Never asserts on input.
 */
int srp_receive(struct srp *srp, uint64_t now_ms, const void *buf, size_t len);

/** Fire every deadline <= now_ms. */
void srp_advance(struct srp *srp, uint64_t now_ms);
/** The earliest pending deadline, UINT64_MAX if none. */
uint64_t srp_next_deadline(const struct srp *srp);

/**
 * Queue one message (the MCAST payload, a totempg frame of at most
 * srp_mcast_max()) for ordered delivery to the ring.  It is sent on a later
 * token visit.  Returns 0, -EAGAIN when the send queue is full, -EMSGSIZE.
 */
int srp_mcast(struct srp *srp, const struct iovec *iov, size_t iovcnt);
/** Free slots in the send queue in use now (trans queue during sync). */
size_t srp_queue_space(const struct srp *srp);
/** Largest payload srp_mcast() takes (net_mtu minus the MCAST header). */
size_t srp_mcast_max(const struct srp *srp);
/**
 * Something waits to be sent at the next token visit but was not queued
 * with srp_mcast() (totempg keeps a partly filled frame until the token
 * comes): if this node holds the token (idle ring), send a hold cancel so
 * the token moves now instead of after `hold` ms.  corosync's
 * TOTEM_EVENT_NEW_MSG.
 */
void srp_hold_cancel(struct srp *srp);

/**
 * The sync engine finished after a REGULAR configuration: leave the
 * "waiting for transitional ack" mode (§4.5), normal queue sends again.
 */
void srp_trans_ack(struct srp *srp);

/**
 * The transport's view of a peer: reachable = false when every link to it
 * is down (knet's host status), true when one is up.  A peer that was
 * reachable and is now down is failed at once while gathering (at GATHER
 * entry, or now if the node is in GATHER) instead of at the consensus
 * timeout; a down report for a peer never seen reachable (links still
 * coming up at start) is ignored.  Nothing else changes: in OPERATIONAL,
 * COMMIT and RECOVERY only the token timeout decides a loss, and no
 * message or timer of the wire protocol differs (docs/compat.md).  Any
 * datagram from such a peer (srp_receive) counts as reachable again.
 */
void srp_peer_reachable(struct srp *srp, uint64_t now_ms, uint32_t nodeid, bool reachable);

/** Shutdown: broadcast the LEAVE message (§2.13.7). */
void srp_leave(struct srp *srp, uint64_t now_ms);

enum srp_state srp_state(const struct srp *srp);
struct srp_ring_id srp_ring_id(const struct srp *srp);
/** Current regular membership (sorted); returns its size. */
size_t srp_members(const struct srp *srp, const uint32_t **ret_members);
const struct srp_stats *srp_stats(const struct srp *srp);
/** stats.clear.totem: every counter back to 0. */
void srp_stats_clear(struct srp *srp);

/** Wrap-around sequence comparison of §2.10. */
bool srp_seq_lt(uint32_t a, uint32_t b);
bool srp_seq_lte(uint32_t a, uint32_t b);

#endif
