/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal state of the totemsrp engine, shared by its srp_*.c files only.
 * One struct srp holds everything (no file-scope state), so several nodes
 * can run in one process.  Timers are absolute deadlines in ms, SRP_NEVER
 * when disarmed.  Sort queues are preallocated windows of SRP_SORT_QUEUE_MAX
 * slots indexed by seq % SRP_SORT_QUEUE_MAX; message buffers come from a
 * per-engine free list, so the steady state allocates nothing per message.
 */
#ifndef CHORUS_SRP_INT_H
#define CHORUS_SRP_INT_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "totemsrp/srp.h"
#include "totemsrp/srp_wire.h"

#define SRP_NEVER UINT64_MAX
#define SRP_POOL_KEEP 256          /* idle message buffers kept for reuse */
#define SRP_SEQNO_START_MSG 0u
#define SRP_SEQNO_START_TOKEN 0u
/* Quiet rotations after which a fully delivered ring holds its token. */
#define SRP_IDLE_ROTATIONS 2u

/* A sorted set of nodeids without duplicates. */
struct srp_set {
	uint32_t n;
	uint32_t id[SRP_NODES_MAX];
};

struct srp_buf {
	struct srp_buf *next;
	size_t cap;
	uint8_t data[];
};

struct srp_slot {
	struct srp_buf *buf;        /* the datagram as received/sent (its byte order) */
	uint32_t len;
	uint32_t seq;
	uint32_t from;              /* header.nodeid, native */
	uint16_t miss;              /* token visits this seq was seen missing */
	bool used;
	bool swapped;
	bool encapsulated;
	bool resent;                /* old ring, in RECOVERY: a member's copy of it came in */
};

/* Window (base, base + SRP_SORT_QUEUE_MAX): base is the last released seq. */
struct srp_sq {
	struct srp_slot *slot;
	uint32_t base;
};

struct srp_fifo_item {
	struct srp_buf *buf;
	uint32_t len;
};

struct srp_fifo {
	struct srp_fifo_item *item;
	size_t cap, head, count;
};

struct srp {
	struct srp_config cfg;
	struct srp_env env;
	struct srp_stats stats;
	uint64_t now;
	enum srp_state state;
	bool started;
	bool left;                  /* srp_leave() was called: inert */

	uint32_t my_id;
	struct srp_ring_id my_ring_id;
	struct srp_ring_id my_old_ring_id;
	uint64_t token_ring_id_seq;

	struct srp_set proc, failed, consensus;
	struct srp_set memb;        /* current (old, until OPERATIONAL entry) ring */
	struct srp_set new_memb;    /* ring being formed (commit token addr) */
	struct srp_set trans_memb, deliver_memb, left_memb;
	bool failed_to_recv;
	/* Peers the transport reported reachable at least once / down now. */
	struct srp_set reached, unreachable;
	/* The failed set of the gather that formed my ring; see srp_join_receive(). */
	struct srp_set recent_failed;
	uint64_t recent_failed_until;

	uint32_t my_aru, my_high_seq_received, my_high_delivered;
	uint32_t my_last_aru, my_token_seq, my_last_seq;
	uint32_t my_install_seq, my_rotation_counter, my_retrans_flg_count;
	bool my_set_retrans_flg, my_received_flg, originated_orf_token;
	uint32_t my_seq_unchanged, my_aru_count;
	uint32_t my_trc, my_pbl, my_cbl;
	bool my_token_held;
	bool token_withheld;        /* the rep kept the idle ring's token (token_copy) */
	uint32_t withheld_last_aru; /* my_last_aru before the visit that withheld it */
	bool old_ring_state_saved;
	uint32_t old_ring_state_aru, old_ring_state_high_seq_received;
	/* RECOVERY: old-ring seqs above it are above every member's aru (each holder may re-send them) */
	uint32_t resend_shared_after;
	bool waiting_trans_ack;
	bool discard_tokens;
	uint32_t global_seqno;
	uint32_t next_nodeid;       /* token target on the ring being formed / current */

	uint64_t t_token, t_token_retrans, t_hold, t_merge, t_join, t_consensus, t_join_send;

	struct srp_sq *regular, *recovery;
	struct srp_sq sq_storage[2];
	struct srp_fifo new_q, trans_q, retrans_q;
	struct srp_buf *pool;
	size_t pool_count;

	uint8_t token_copy[SRP_WIRE_COMMIT_MAX];   /* last token/commit token sent */
	size_t token_copy_len;
	uint32_t token_copy_to;

	struct srp_commit commit;                  /* working commit token */
	union {
		struct srp_join join;
		struct srp_commit commit;
	} rx;                                      /* decode space */
	struct srp_join tx_join;
	uint8_t txbuf[SRP_WIRE_COMMIT_MAX];

	uint64_t last_token_rx;
};

/* Why GATHER was entered (log only; the values are corosync's gather_state_from codes). */
enum srp_gather_reason {
	SRP_GATHER_START = 0,
	SRP_GATHER_TOKEN_LOST_OPERATIONAL = 2,
	SRP_GATHER_TOKEN_LOST_GATHER = 3,
	SRP_GATHER_TOKEN_LOST_COMMIT = 4,
	SRP_GATHER_CONSENSUS_TIMEOUT = 5,
	SRP_GATHER_JOIN_GREW_SETS = 6,
	SRP_GATHER_JOIN_IN_OPERATIONAL = 7,
	SRP_GATHER_JOIN_IN_COMMIT = 8,
	SRP_GATHER_FOREIGN_IN_OPERATIONAL = 9,
	SRP_GATHER_FOREIGN_IN_GATHER = 10,
	SRP_GATHER_RING_ID_NOT_STORED = 11,
	SRP_GATHER_TOKEN_LOST_RECOVERY = 12,
	SRP_GATHER_FAILED_TO_RECEIVE = 13,
	SRP_GATHER_PEER_UNREACHABLE = 14,   /* ours: srp_peer_reachable() */
};

/* srp_set.c: sets and queues */
bool srp_set_has(const struct srp_set *s, uint32_t id);
int srp_set_add(struct srp_set *s, uint32_t id);
int srp_set_merge(struct srp_set *dst, const struct srp_set *src);
void srp_set_from_list(struct srp_set *s, const uint32_t *list, uint32_t n);
bool srp_set_equal(const struct srp_set *a, const struct srp_set *b);
bool srp_set_subset(const struct srp_set *a, const struct srp_set *b);
void srp_set_subtract(struct srp_set *out, const struct srp_set *a, const struct srp_set *b);
void srp_set_remove(struct srp_set *s, uint32_t id);

struct srp_buf *srp_buf_get(struct srp *srp, size_t size);
void srp_buf_put(struct srp *srp, struct srp_buf *buf);
void srp_pool_free(struct srp *srp);

int srp_sq_init(struct srp_sq *sq);
void srp_sq_free(struct srp *srp, struct srp_sq *sq);
void srp_sq_reset(struct srp *srp, struct srp_sq *sq, uint32_t base);
bool srp_sq_in_range(const struct srp_sq *sq, uint32_t seq);
struct srp_slot *srp_sq_get(struct srp_sq *sq, uint32_t seq);
struct srp_slot *srp_sq_slot(struct srp_sq *sq, uint32_t seq);
void srp_sq_put(struct srp_sq *sq, uint32_t seq, struct srp_buf *buf, uint32_t len,
		uint32_t from, bool swapped, bool encapsulated);
void srp_sq_release_to(struct srp *srp, struct srp_sq *sq, uint32_t upto);

int srp_fifo_init(struct srp_fifo *f, size_t cap);
void srp_fifo_free(struct srp *srp, struct srp_fifo *f);
void srp_fifo_reset(struct srp *srp, struct srp_fifo *f);
int srp_fifo_push(struct srp_fifo *f, struct srp_buf *buf, uint32_t len);
bool srp_fifo_pop(struct srp_fifo *f, struct srp_fifo_item *ret);

/* srp.c: output */
void srp_log(const struct srp *srp, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "{1,2,3}" into buf (truncated with "..." when too small); returns buf. */
const char *srp_set_str(const struct srp_set *s, char *buf, size_t size);
void srp_out_mcast(struct srp *srp, const void *buf, size_t len);
void srp_out_token(struct srp *srp, uint32_t to, const void *buf, size_t len);
void srp_token_copy_save(struct srp *srp, uint32_t to, const void *buf, size_t len);

/* srp_gather.c */
void srp_gather_enter(struct srp *srp, enum srp_gather_reason reason);
void srp_join_send(struct srp *srp);
void srp_join_receive(struct srp *srp, const struct srp_join *join);
void srp_consensus_timeout(struct srp *srp);
void srp_merge_detect_receive(struct srp *srp, const struct srp_merge_detect *md);
void srp_merge_detect_send(struct srp *srp);
void srp_foreign_message(struct srp *srp, uint32_t from);
void srp_leave_send(struct srp *srp);
bool srp_consensus_agreed(const struct srp *srp);

/* srp_commit.c */
void srp_commit_token_create(struct srp *srp);
void srp_commit_enter(struct srp *srp);
void srp_commit_receive(struct srp *srp, const struct srp_commit *ct);

/* srp_recovery.c */
void srp_recovery_enter(struct srp *srp, const struct srp_commit *ct);
void srp_recovery_token_loss(struct srp *srp);
void srp_operational_enter(struct srp *srp);

/* srp_token.c */
void srp_orf_receive(struct srp *srp, struct srp_orf *token);
void srp_orf_send_initial(struct srp *srp);
void srp_token_retransmit(struct srp *srp);
void srp_hold_cancel_send(struct srp *srp);
void srp_hold_cancel_receive(struct srp *srp, const struct srp_hold_cancel *hc);

/* srp_mcast.c */
int srp_mcast_receive(struct srp *srp, const void *buf, size_t len,
		      const struct srp_mcast_hdr *m);
void srp_update_aru(struct srp *srp);
void srp_mark_resent(struct srp *srp, const void *buf, size_t len);
void srp_deliver_to_app(struct srp *srp, bool skip, uint32_t end_point);
uint32_t srp_rtr_serve_and_request(struct srp *srp, struct srp_orf *token, uint32_t *allowed);
uint32_t srp_send_new(struct srp *srp, struct srp_orf *token, uint32_t allowed);
void srp_messages_free(struct srp *srp, uint32_t token_aru);
struct srp_fifo *srp_active_queue(struct srp *srp);

static inline uint64_t srp_deadline(const struct srp *srp, uint32_t ms)
{
	return srp->now + ms;
}

#endif
