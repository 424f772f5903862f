/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A whole cluster of totemsrp engines on virtual time in one thread: N nodes
 * (2..16), one event heap keyed by (virtual_ms, seq), the simulated network,
 * node faults (crash with a surviving "disk" ring seq, restart, pause) and an
 * application per node multicasting tagged payloads.  Everything random comes
 * from one PRNG seeded by the run's seed, and nothing reads the wall clock
 * or prints an address, so a seed replays byte for byte.
 * A run: faults for duration_ms, then heal everything, require convergence
 * within the liveness bound, stop traffic, drain, and run the end checks.
 */
#ifndef CHORUS_SIM_WORLD_H
#define CHORUS_SIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_NODES_MIN 2
#define SIM_NODES_MAX 16

enum sim_fault {
	SIM_FAULT_LOSS      = 1u << 0,   /* datagram loss */
	SIM_FAULT_DUP       = 1u << 1,   /* duplication */
	SIM_FAULT_REORDER   = 1u << 2,   /* wide delay spread */
	SIM_FAULT_PARTITION = 1u << 3,   /* symmetric partitions of uniform size */
	SIM_FAULT_ASYM      = 1u << 4,   /* asymmetric partitions */
	SIM_FAULT_ISOLATE   = 1u << 5,   /* partitions isolating one node */
	SIM_FAULT_CLOG      = 1u << 6,   /* single clogged links */
	SIM_FAULT_SWIZZLE   = 1u << 7,   /* swizzle-clog */
	SIM_FAULT_CRASH     = 1u << 8,   /* crash and restart */
	SIM_FAULT_PAUSE     = 1u << 9,   /* process pauses */
	SIM_FAULT_LATE      = 1u << 10,  /* stragglers; datagrams in flight survive heal */
	SIM_FAULT_LEAVE     = 1u << 11,  /* orderly stop (srp_leave) and restart */
	SIM_FAULT_JITTER    = 1u << 12,  /* send_join jitter from the seed's PRNG */
	SIM_FAULT_FOREIGN   = 1u << 13,  /* nodes of the other byte order (srp level) */
	SIM_FAULT_LIBCPG    = 1u << 14,  /* not a fault: clients also send fragmented and
					    iterate (listed so that older seeds replay) */
	SIM_FAULT_RAGGED    = 1u << 15,  /* partitions that cut their links one by one */
	SIM_FAULT_ALL       = (1u << 16) - 1,
};

struct sim_options {
	uint64_t seed;
	uint32_t nodes;
	uint32_t faults;                /* enum sim_fault bits */
	uint64_t duration_ms;           /* length of the fault phase */
	bool verbose;                   /* event trace on the log stream */
	bool trace;                     /* and the engines' protocol log lines */
	bool srp_only;                  /* bare srp engines with a raw application and a
					   faked sync (the original mode; pinned seeds) */
	bool cpg_only;                  /* whole stack with the CPG service alone (the
					   stack before cmap, cfg, quorum and votequorum
					   joined: older replay commands, pinned seeds) */
};

struct sim_result {
	bool ok;
	char failure[1100];
	uint32_t fail_nodeid;
	uint64_t fail_time_ms;
	uint64_t heal_ms, converged_ms, end_ms, bound_ms;
	uint64_t events, sent, delivered, confchgs, rings;
	uint64_t trans_delivered;       /* srp deliveries in a transitional configuration */
	uint32_t crashes, pauses, partitions, leaves;
	uint64_t late;                  /* datagrams sent before heal, received after it */
	/* whole-stack mode: CPG activity */
	uint64_t cpg_sent, cpg_delivered, cpg_confchgs, cpg_joins, cpg_leaves, cpg_crashes;
	uint64_t cpg_syncs, cpg_trans_delivered, cpg_histories;
	/* fault "foreign", whole stack: frames transcoded in datagrams, service messages delivered foreign */
	uint64_t xcoded, foreign_rx;
	uint64_t cpg_replayed;        /* fragments replayed to joiners (cpg_partial.c) */
	uint64_t quorum_reports, quorum_quorate;   /* completed syncs checked, of them quorate */
};

/** Defaults derived from the seed alone: node count, fault set, duration. */
void sim_options_from_seed(uint64_t seed, struct sim_options *ret_opt);
/** "loss,dup,...", "all", "none" or "auto" (from the seed).  0 or -EINVAL. */
int sim_faults_parse(const char *list, uint64_t seed, uint32_t *ret_faults);
/** Canonical comma list ("none" when empty). */
void sim_faults_format(uint32_t faults, char *buf, size_t cap);

/** Run one seed.  0 when the run completed (ret->ok tells pass/fail), -errno on setup failure. */
int sim_run(const struct sim_options *opt, FILE *log, struct sim_result *ret);

#endif
