/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The quorum checker of the whole-stack simulator, and the quorum
 * configuration each simulated node runs with.
 *
 * Every node runs votequorum as chorusd's quorum provider with a nodelist
 * of all simulated nodes (one vote each) and the options of struct
 * sim_quorum_cfg.  After each completed sync the node reports what
 * votequorum and the host decided (struct sim_quorum_report); the checker
 * then asserts:
 *   - votequorum's ring id and member list are the ring's, and the host's
 *     quorum state (svc_quorum_get, what the quorum service reports) is
 *     votequorum's: same quorate flag, ring id and member list;
 *   - every node that completed the sync of one ring reports the same
 *     member list and total votes and, unless last_man_standing or
 *     auto_tie_breaker make them history-dependent, the same quorate flag
 *     and expected votes;
 *   - the arithmetic of corosync v3.1.7 exec/votequorum.c for this config
 *     (N nodes of 1 vote, M members): total votes = M; expected votes = N
 *     (last_man_standing: M <= expected <= N); quorum q = N / 2 + 1 (1 with
 *     two_node); quorate => M >= q (auto_tie_breaker: or M = N / 2, a
 *     "half or half-1" split in corosync's words, integer division; not
 *     checked with last_man_standing); M >= q => quorate unless
 *     wait_for_all may still hold it back (M < N);
 *   - at the end (one ring of all nodes) every live node's last report is
 *     of that ring and quorate.
 * Failures go to the sim_check given at creation.
 */
#ifndef CHORUS_SIM_QUORUM_CHECK_H
#define CHORUS_SIM_QUORUM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test/sim/sim_check.h"

/* quorum.* of the simulated cluster's configuration (the same on every node) */
struct sim_quorum_cfg {
	bool two_node;              /* only with 2 nodes; implies wait_for_all */
	bool wait_for_all;
	bool last_man_standing;
	uint32_t lms_window_ms;     /* last_man_standing_window */
	bool auto_tie_breaker;      /* "lowest"; never with two_node; odd N forces wait_for_all */
	uint64_t config_version;    /* totem.config_version, 0: not set */
};

/*
 * Draw the configuration from its own PRNG stream (seed ^ a constant), so
 * that the run's PRNG draws stay as they were.
 */
void sim_quorum_cfg_from_seed(uint64_t seed, uint32_t nodes, struct sim_quorum_cfg *ret);
/** "two_node,wait_for_all,..." or "default". */
void sim_quorum_cfg_format(const struct sim_quorum_cfg *cfg, char *buf, size_t cap);

/* What one node reported at the end of a sync. */
struct sim_quorum_report {
	struct srp_ring_id ring;            /* the ring whose sync completed */
	const uint32_t *ring_members;       /* its regular configuration (any order) */
	size_t ring_n;
	/* votequorum (vq_status_get, its ring id and member list) */
	bool quorate;
	uint32_t total_votes, expected_votes, quorum;
	struct srp_ring_id vq_ring;
	const uint32_t *vq_members;
	size_t vq_n;
	/* the host's copy (svc_quorum_get); host_known false: never set */
	bool host_known, host_quorate;
	struct srp_ring_id host_ring;
	const uint32_t *host_members;
	size_t host_n;
};

struct sim_quorum_check;

/** n nodes (all in the nodelist); failures go to chk (not owned). */
struct sim_quorum_check *sim_quorum_check_new(struct sim_check *chk,
					      const struct sim_quorum_cfg *cfg, size_t n);
void sim_quorum_check_free(struct sim_quorum_check *qc);

void sim_quorum_sync_done(struct sim_quorum_check *qc, uint32_t nodeid,
			  const struct sim_quorum_report *r);
/** The node's process died or stopped: its reports are history. */
void sim_quorum_node_down(struct sim_quorum_check *qc, uint32_t nodeid);
/** End of run: the live nodes all reported ring, quorate. */
void sim_quorum_final(struct sim_quorum_check *qc, const uint32_t *live, size_t n,
		      struct srp_ring_id ring);

struct sim_quorum_stats {
	uint64_t reports;           /* completed syncs checked */
	uint64_t quorate;           /* of which quorate */
	uint64_t compared;          /* reports compared with another node's of the same ring */
};
void sim_quorum_stats_get(const struct sim_quorum_check *qc, struct sim_quorum_stats *ret);

#endif
