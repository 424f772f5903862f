/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPG checkers of the whole-stack simulator.  They see what a libcpg client
 * sees (the raw IPC events: confchg, deliver, totem confchg), what the
 * clients did (join, leave, crash, multicast), the node's totem
 * configurations and, after each completed sync, a snapshot of the node's
 * process list.  Failures go to the sim_check given at creation (first one
 * wins, with node and virtual time).  Properties:
 *   - a client's view changes only by its confchgs, consistently (left were
 *     members, joined were not, members = view - left + joined); its first
 *     event is its own JOIN; nothing reaches it after its own LEAVE;
 *   - a delivered message: the client is in the group, the sender is in the
 *     client's view, the payload was sent by that (node, pid) (tag and
 *     checksum), per sender FIFO without duplicates, own messages gap-free
 *     (but for messages a merge may cut: sim_cpg_client_sent);
 *   - reasons: LEAVE only for a client that asked to leave, PROCDOWN never
 *     for a client still alive and joined, NODEDOWN only for a process whose
 *     node is not in the receiver's transitional configuration;
 *   - after each completed sync: every node that completed the sync of a
 *     ring has the same process list, and each local member's view of its
 *     group equals that list;
 *   - group histories: clients of a group on nodes that went through the
 *     same configurations since the ring's sync deliver the same events in
 *     the same order while both are members (the events they share are one
 *     contiguous run in both), and clients that parted still agree up to
 *     the first transitional configuration;
 *   - at the end: every live member's view is exactly the set of live
 *     members, and it received all its own messages.
 */
#ifndef CHORUS_SIM_CPG_CHECK_H
#define CHORUS_SIM_CPG_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test/sim/sim_check.h"

#define SIM_CPG_HDR_LEN 32u
#define SIM_CPG_MAGIC   0x4350474du   /* "CPGM" */

struct sim_cpg_check;

/** One entry of a node's process list (for sim_cpg_sync_done). */
struct sim_cpg_proc {
	uint32_t nodeid, pid;
	uint32_t name_len;
	const uint8_t *name;
};

/** Failures are recorded in chk (not owned). */
struct sim_cpg_check *sim_cpg_check_new(struct sim_check *chk);
void sim_cpg_check_free(struct sim_cpg_check *cc);
/** The sim_check failures go to. */
struct sim_check *sim_cpg_check_sim(struct sim_cpg_check *cc);
/** A deliver event reached a client between TRANSITIONAL and REGULAR (statistics). */
void sim_cpg_check_note_trans_delivery(struct sim_cpg_check *cc);
/** A fragment replayed to a client right after its own JOIN (counted only). */
void sim_cpg_check_note_replay(struct sim_cpg_check *cc);

/**
 * A client payload: header {magic, nodeid, pid, seq, len, sum} and a fill
 * derived from the tag.  len >= SIM_CPG_HDR_LEN, <= cap; returns len or 0.
 */
size_t sim_cpg_msg_build(void *buf, size_t cap, uint32_t nodeid, uint32_t pid, uint64_t seq,
			 size_t len);

/* What the clients do. */
void sim_cpg_client_open(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid);
/** JOIN answered CS_OK for this group. */
void sim_cpg_client_join(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			 const void *group, size_t group_len);
/** LEAVE answered CS_OK. */
void sim_cpg_client_leave(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid);
/** The connection closed without LEAVE (client crash or node crash). */
void sim_cpg_client_crash(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid);
/**
 * The client handed this payload (sim_cpg_msg_build) to MCAST, or the last
 * fragment of it to PARTIAL_MCAST (answered CS_OK: it must reach every
 * member).  cuttable: a merge may cut it (PARTIAL_MCAST, or a MCAST larger
 * than totempg's pg_whole_max()); any other own message must arrive.
 */
void sim_cpg_client_sent(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			 const void *msg, size_t len, bool cuttable);

/**
 * A client's iteration (libcpg cpg_iteration_initialize/next/finalize)
 * answered items (NAME_ONLY: one per group, nodeid and pid 0).  view_at_init:
 * the client was a settled member (joined, its node outside a sync) when
 * the daemon answered ITERATIONINITIALIZE (the snapshot); view is then its
 * view at that moment, sorted keys nodeid << 32 | pid (sim_cpg_client_view).
 * Always: nothing listed twice, ONE_GROUP lists only that group.  With a
 * settled view: the client's group is exactly its view (ALL, ONE_GROUP), or
 * listed (NAME_ONLY).  type: 1 NAME_ONLY, 2 ONE_GROUP, 3 ALL.
 */
void sim_cpg_client_iteration(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			      uint32_t type, const struct sim_cpg_proc *items, size_t n,
			      const uint64_t *view, size_t view_n);
/** The client's current view (sorted keys); returns its size, 0 if unknown. */
size_t sim_cpg_client_view(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			   const uint64_t **ret_view);


/** The node's process died: every client there is gone. */
void sim_cpg_node_down(struct sim_cpg_check *cc, uint32_t nodeid);
/** A totem configuration of the node (TRANSITIONAL or REGULAR). */
void sim_cpg_srp_confchg(struct sim_cpg_check *cc, uint32_t nodeid, const struct srp_confchg *chg);
/** One IPC event (as libcpg reads it) for client (nodeid, pid). */
void sim_cpg_event(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid, const void *ev,
		   size_t len);
/**
 * The node completed the sync of ring; procs is its process list right
 * after activation.  Also closes the node's group-history epoch.
 */
void sim_cpg_sync_done(struct sim_cpg_check *cc, uint32_t nodeid, struct srp_ring_id ring,
		       const struct sim_cpg_proc *procs, size_t n);
/** End of run (one ring, traffic drained): views equal the live members. */
void sim_cpg_final(struct sim_cpg_check *cc);

struct sim_cpg_stats {
	uint64_t sent, delivered, confchgs, joins, leaves, crashes, syncs;
	uint64_t trans_delivered;     /* deliveries between TRANSITIONAL and REGULAR */
	uint64_t histories;           /* pairs of group histories compared */
	uint64_t replayed;            /* fragments replayed to joiners */
};
void sim_cpg_stats_get(const struct sim_cpg_check *cc, struct sim_cpg_stats *ret);

#endif
