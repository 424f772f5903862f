/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totempg: packing of application messages into totem MCAST payloads,
 * fragmentation of large ones, reassembly per sender, and group addressing
 * (corosync v3.1.7 exec/totempg.c), wire-compatible with corosync 3.1.7
 * (small messages are never split: pg_whole_max()).
 *
 * Sending: pg_mcast() appends a message (group header + payload) to the
 * packing buffer; frames go to totem through env->mcast() when full and at
 * each token visit (pg_token_received()).  Receiving: pg_deliver() takes
 * each MCAST payload in agreed order and calls env->deliver() once per
 * complete message for a group this node joined.  Instance-based, no
 * globals, no clock; bounded buffers.
 */
#ifndef CHORUS_PG_H
#define CHORUS_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define PG_GROUPS_MAX       32          /* group names per message */
#define PG_GROUP_NAME_MAX   255
#define PG_MESSAGE_MAX      (1024 * 1024)  /* largest reassembled message */

struct pg;

struct pg_env {
	/* Queue one frame with totem (srp_mcast). 0, -EAGAIN when totem is full. */
	int (*mcast)(void *ctx, const struct iovec *iov, size_t iovcnt);
	/* Free frames totem can queue now (srp_queue_space). */
	size_t (*space)(void *ctx);
	/*
	 * Optional: a message waits in the packing buffer for the next token
	 * visit (srp_hold_cancel: an idle ring must not hold the token now).
	 */
	void (*pending)(void *ctx);
	/* A complete message for a joined group; group is not NUL-terminated. */
	void (*deliver)(void *ctx, uint32_t from_nodeid, const char *group, size_t group_len,
			const void *msg, size_t len, bool foreign_endian);
	void *ctx;
};

struct pg_config {
	/*
	 * srp_mcast_max(): largest frame totem takes.  This is corosync's
	 * totem net_mtu (65446 with knet, 1410 with udpu at netmtu 1500); the
	 * frames are those corosync builds only with the same value (small
	 * messages aside: pg_whole_max()).  64..65545, else pg_create() says
	 * -EINVAL.
	 */
	size_t frame_max;
};

int pg_create(const struct pg_config *cfg, const struct pg_env *env, struct pg **ret_pg);
void pg_destroy(struct pg *pg);

/**
 * Deliver messages addressed to this group name (1..255 bytes) here.
 * -EEXIST, -ENOSPC (PG_GROUPS_MAX names), -EINVAL; pg_leave(): -ENOENT.
 */
int pg_join(struct pg *pg, const char *group, size_t group_len);
int pg_leave(struct pg *pg, const char *group, size_t group_len);

/**
 * Send one message to one group.  Accepted whole or not at all: -EAGAIN
 * when totem's queue cannot take all its frames now, -EMSGSIZE beyond
 * PG_MESSAGE_MAX.  Frames may wait in the packing buffer until the next
 * token visit.
 */
int pg_mcast(struct pg *pg, const char *group, size_t group_len, const struct iovec *iov,
	     size_t iovcnt);
/**
 * Would a message of len bytes be accepted now? (admission control, §3.2)
 * len is the payload; the header of one group with the longest name is
 * counted, so true guarantees that pg_mcast() of that payload in at most
 * one iovec to any one group succeeds.
 */
bool pg_send_ok(const struct pg *pg, size_t len);

/** Token visit: flush the packing buffer as one frame. */
void pg_token_received(struct pg *pg);

/**
 * One MCAST payload in agreed order.  Malformed frames are dropped and
 * counted; returns 0 or -EBADMSG.  A message listing several joined group
 * names is delivered once, under the first of them.  env->deliver() may
 * call pg_mcast(), pg_send_ok(), pg_join(), pg_leave(), but not
 * pg_deliver(), pg_confchg() or pg_destroy().
 */
int pg_deliver(struct pg *pg, uint32_t from_nodeid, const void *frame, size_t len,
	       bool foreign_endian);

/**
 * A configuration change: flush the packing buffer to totem (its messages
 * belong to the old configuration; call it before totem switches to the
 * transitional queue, i.e. from the TRANSITIONAL confchg), then forget the
 * reassembly state of nodes that left.
 */
void pg_confchg(struct pg *pg, const uint32_t *left, size_t left_count);
/**
 * A REGULAR configuration with joined members: drop every partly
 * assembled message (the joined members cannot assemble it either).
 * True when one of them was sent by own_nodeid (this node).
 */
bool pg_ring_merged(struct pg *pg, uint32_t own_nodeid);
/** Switch between the normal and the sync reassembly contexts (§3.5). */
void pg_sync_context(struct pg *pg, bool in_sync);

/** Malformed frames and messages, plus messages lost to a missing piece. */
uint64_t pg_dropped(const struct pg *pg);

/**
 * Messages of at most this many bytes (group header, name and payload:
 * 4 + group_len + payload) never span two frames, so pg_ring_merged() never
 * drops them: an eighth of a frame, at least 512 bytes if a frame holds
 * that much.  Larger ones are split as corosync splits them.
 */
size_t pg_whole_max(const struct pg *pg);

#endif
