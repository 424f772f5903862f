/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wire codec of the totemsrp datagrams (corosync v3.1.7 exec/totemsrp.c structs): packed
 * on-wire structs pinned by _Static_assert, decoders that validate one
 * received datagram against its length and byte-swap every fixed field into
 * a native copy, and encoders that write the sender's native order.
 * It owns no state and knows nothing of the protocol state machine.
 * Invariant: a decoder either returns 0 with every count bounded by the
 * buffer and by the spec's limits, or -EBADMSG (the contents of *ret are
 * then unspecified: JOIN and commit-token lists are decoded in place).
 */
#ifndef CHORUS_SRP_WIRE_H
#define CHORUS_SRP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "totemsrp/srp.h"

#define SRP_WIRE_MAGIC           0xC070
#define SRP_WIRE_MAGIC_SWAPPED   0x70C0
#define SRP_WIRE_VERSION         3
#define SRP_WIRE_ENCAPSULATED    1
#define SRP_WIRE_NOT_ENCAPSULATED 2

enum srp_wire_type {
	SRP_MSG_ORF_TOKEN = 0,
	SRP_MSG_MCAST = 1,
	SRP_MSG_MERGE_DETECT = 2,
	SRP_MSG_JOIN = 3,
	SRP_MSG_COMMIT_TOKEN = 4,
	SRP_MSG_TOKEN_HOLD_CANCEL = 5,
};

/* ---- on-wire layouts (packed, sender's byte order) ---- */

struct srp_wire_ring_id {
	uint32_t rep;
	uint64_t seq;
} __attribute__((packed));

struct srp_wire_header {
	uint16_t magic;
	uint8_t version;
	uint8_t type;
	uint8_t encapsulated;
	uint32_t nodeid;
	uint32_t target_nodeid;
} __attribute__((packed));

struct srp_wire_rtr_item {
	struct srp_wire_ring_id ring_id;
	uint32_t seq;
} __attribute__((packed));

struct srp_wire_orf_token {
	struct srp_wire_header header;
	uint32_t seq;
	uint32_t token_seq;
	uint32_t aru;
	uint32_t aru_addr;
	struct srp_wire_ring_id ring_id;
	uint32_t backlog;
	uint32_t fcc;
	int32_t retrans_flg;
	int32_t rtr_list_entries;
} __attribute__((packed));

struct srp_wire_mcast {
	struct srp_wire_header header;
	uint32_t system_from;
	uint32_t seq;
	int32_t this_seqno;
	struct srp_wire_ring_id ring_id;
	uint32_t node_id;
	int32_t guarantee;
} __attribute__((packed));

struct srp_wire_join {
	struct srp_wire_header header;
	uint32_t system_from;
	uint32_t proc_list_entries;
	uint32_t failed_list_entries;
	uint64_t ring_seq;
} __attribute__((packed));

struct srp_wire_commit_entry {
	struct srp_wire_ring_id ring_id;
	uint32_t aru;
	uint32_t high_delivered;
	uint32_t received_flg;
} __attribute__((packed));

struct srp_wire_commit_token {
	struct srp_wire_header header;
	uint32_t token_seq;
	struct srp_wire_ring_id ring_id;
	uint32_t retrans_flg;
	int32_t memb_index;
	int32_t addr_entries;
} __attribute__((packed));

struct srp_wire_merge_detect {
	struct srp_wire_header header;
	uint32_t system_from;
	struct srp_wire_ring_id ring_id;
} __attribute__((packed));

struct srp_wire_hold_cancel {
	struct srp_wire_header header;
	struct srp_wire_ring_id ring_id;
} __attribute__((packed));

#define SRP_WIRE_HEADER_SIZE   13
#define SRP_WIRE_ORF_SIZE      57
#define SRP_WIRE_RTR_SIZE      16
#define SRP_WIRE_MCAST_SIZE    45
#define SRP_WIRE_JOIN_SIZE     33
#define SRP_WIRE_COMMIT_SIZE   41
#define SRP_WIRE_COMMIT_ENTRY_SIZE 24
#define SRP_WIRE_MERGE_SIZE    29
#define SRP_WIRE_HOLD_CANCEL_SIZE 25
#define SRP_WIRE_ORF_MAX       (SRP_WIRE_ORF_SIZE + SRP_WIRE_RTR_SIZE * SRP_RTR_ITEMS_MAX)
#define SRP_WIRE_JOIN_MAX      (SRP_WIRE_JOIN_SIZE + 4 * 2 * SRP_NODES_MAX)
#define SRP_WIRE_COMMIT_MAX    (SRP_WIRE_COMMIT_SIZE + 28 * SRP_NODES_MAX)

/* ---- native (decoded) forms ---- */

struct srp_hdr {
	uint8_t type;
	uint8_t encapsulated;
	uint32_t nodeid;
	uint32_t target_nodeid;
	bool swapped;           /* the datagram was in the other byte order */
};

struct srp_rtr {
	struct srp_ring_id ring_id;
	uint32_t seq;
};

struct srp_orf {
	struct srp_hdr hdr;
	uint32_t seq, token_seq, aru, aru_addr;
	struct srp_ring_id ring_id;
	uint32_t backlog, fcc;
	int32_t retrans_flg;
	uint32_t rtr_count;
	struct srp_rtr rtr[SRP_RTR_ITEMS_MAX];
};

struct srp_mcast_hdr {
	struct srp_hdr hdr;
	uint32_t system_from;
	uint32_t seq;
	int32_t this_seqno;
	struct srp_ring_id ring_id;
	uint32_t node_id;
	int32_t guarantee;
	const uint8_t *body;    /* points into the decoded buffer */
	size_t body_len;
};

struct srp_join {
	struct srp_hdr hdr;
	uint32_t system_from;
	uint32_t proc_count, failed_count;
	uint64_t ring_seq;
	uint32_t proc[SRP_NODES_MAX];
	uint32_t failed[SRP_NODES_MAX];
};

struct srp_commit_entry {
	struct srp_ring_id ring_id;
	uint32_t aru, high_delivered, received_flg;
};

struct srp_commit {
	struct srp_hdr hdr;
	uint32_t token_seq;
	struct srp_ring_id ring_id;
	uint32_t retrans_flg;
	uint32_t memb_index, addr_count;
	uint32_t addr[SRP_NODES_MAX];
	struct srp_commit_entry entry[SRP_NODES_MAX];
};

struct srp_merge_detect {
	struct srp_hdr hdr;
	uint32_t system_from;
	struct srp_ring_id ring_id;
};

struct srp_hold_cancel {
	struct srp_hdr hdr;
	struct srp_ring_id ring_id;
};

/* Common header: length, magic (either order), version 3, known type. */
int srp_wire_header_decode(const void *buf, size_t len, struct srp_hdr *ret_hdr);

int srp_wire_orf_decode(const void *buf, size_t len, struct srp_orf *ret);
/* MCAST: len >= 45, encapsulated 1 or 2, nodeid == system_from != 0; an
 * encapsulated body must itself decode as a non-encapsulated MCAST. */
int srp_wire_mcast_decode(const void *buf, size_t len, struct srp_mcast_hdr *ret);
int srp_wire_join_decode(const void *buf, size_t len, struct srp_join *ret);
int srp_wire_commit_decode(const void *buf, size_t len, struct srp_commit *ret);
int srp_wire_merge_detect_decode(const void *buf, size_t len, struct srp_merge_detect *ret);
int srp_wire_hold_cancel_decode(const void *buf, size_t len, struct srp_hold_cancel *ret);

/*
 * Encoders write magic, version and type themselves, then the other fields
 * of the native struct (hdr.encapsulated, nodeid, target_nodeid included).
 * They return the datagram length, or -ENOSPC if cap is too small.
 */
int srp_wire_orf_encode(const struct srp_orf *t, void *buf, size_t cap);
/* Writes only the 45-byte header; body is the caller's. */
int srp_wire_mcast_encode(const struct srp_mcast_hdr *m, void *buf, size_t cap);
int srp_wire_join_encode(const struct srp_join *j, void *buf, size_t cap);
int srp_wire_commit_encode(const struct srp_commit *c, void *buf, size_t cap);
int srp_wire_merge_detect_encode(const struct srp_merge_detect *m, void *buf, size_t cap);
int srp_wire_hold_cancel_encode(const struct srp_hold_cancel *h, void *buf, size_t cap);

/* Patch seq (and ring id) of a native-order MCAST header in place (send time). */
void srp_wire_mcast_set_seq(void *buf, uint32_t seq, int32_t this_seqno,
			    const struct srp_ring_id *ring_id);

bool srp_ring_id_eq(const struct srp_ring_id *a, const struct srp_ring_id *b);

#endif
