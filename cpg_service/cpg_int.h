/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by the files of the CPG service (cpg_service.c: IPC and
 * the declaration; cpg_groups.c: the process list, events and totem
 * handlers; cpg_sync.c: sync and the pending-send queue; cpg_zcb.c: zero
 * copy; cpg_partial.c: fragmented messages in progress, replayed to local
 * joiners).  Everything lives in struct cpg_state (one per node) and struct
 * cpg_conn (one per client connection); nothing is global.
 */
#ifndef CHORUS_CPG_INT_H
#define CHORUS_CPG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <chorus/service.h>

#include "cpg_service/cpg_wire.h"

#define CPG_ITER_MAX        64     /* open iterations per connection */
#define CPG_ZCB_MAX         32     /* zero-copy mappings per connection */
#define CPG_PENDING_MAX     1024   /* must-not-lose multicasts waiting for totem */
#define CPG_RETRY_MS        5
#define CPG_JOINLIST_MAX    7000   /* entries per JOINLIST message (7000 * 144 < 1 MiB) */
/* JOINLIST entries kept per sync round from all peers (corosync keeps any
 * number): far above what real clusters have (each entry is a process in a
 * group), low enough that a peer cannot make a sync round eat the memory. */
#define CPG_JOINLIST_ROUND_MAX 65536
/* Bytes of fragmented messages in progress kept per node for local joiners
 * (cpg_partial.c): each message's announced length, reserved at its FIRST,
 * plus the bookkeeping of the message and of each fragment.  About 60
 * messages of just over 1 MiB (one of libcpg's fragmented messages with
 * two fragments) in progress at once fit. */
#define CPG_REPLAY_BYTES_MAX (64u * 1024 * 1024)
/* Fragmented messages in progress tracked per node (one per group and
 * sender process at most; a few hundred bytes each, fragments apart). */
#define CPG_PARTIALS_MAX 65536

/* cpg_iteration_type_t values (cpg.h) */
#define CPG_ITER_NAME_ONLY  1
#define CPG_ITER_ONE_GROUP  2
#define CPG_ITER_ALL        3

/* A group name as (length, bytes); bytes past length are zero. */
struct cpg_gname {
	uint32_t len;
	uint8_t value[CPG_WIRE_NAME_MAX];
};

/* One member of a group anywhere in the cluster (corosync's process_info). */
struct cpg_proc {
	uint32_t nodeid;
	uint32_t pid;
	struct cpg_gname name;
};

enum cpd_state {
	CPD_UNJOINED = 0,
	CPD_LEAVE_STARTED = 1,
	CPD_JOIN_STARTED = 2,
	CPD_JOIN_COMPLETED = 3,
};

struct cpg_iter {
	uint64_t handle;
	struct cpg_proc *items;
	size_t count, pos;
};

struct cpg_zcb {
	uint64_t token;        /* what the client sees as server_address */
	int fd;                /* the client's unlinked file, read with pread */
	size_t size;
};

struct cpg_conn {
	struct cpg_conn *next, *prev;   /* the service's list of connections */
	struct svc_conn *conn;
	enum cpd_state state;
	struct cpg_gname group;
	uint32_t pid;
	uint32_t flags;
	bool finalized;                 /* FINALIZE seen: no more events */
	bool initial_totem_conf_sent;
	uint64_t transition_counter;    /* confchgs sent to this connection */
	uint64_t initial_transition_counter;
	uint64_t initial_merges;        /* cpg_state.merges at its last FIRST fragment */
	uint64_t next_handle;
	struct cpg_iter iters[CPG_ITER_MAX];
	size_t iters_count;
	struct cpg_zcb zcbs[CPG_ZCB_MAX];
	size_t zcbs_count;
};

/* Counters shown in dump(); a peer or a client can raise them, never the log level. */
struct cpg_counters {
	uint64_t peer_dropped;       /* malformed messages from peers */
	uint64_t unknown_sender;     /* MCAST from a process not in the group */
	uint64_t ipc_dropped;        /* client MCASTs dropped (not joined, bad msglen, no space) */
	uint64_t truncated;          /* lists cut to 128 entries for a client */
	uint64_t pending_dropped;    /* must-not-lose sends dropped because the queue was full */
	uint64_t joinlist_ignored;   /* JOINLISTs outside a sync round */
	uint64_t joinlist_overflow;  /* JOINLIST entries over CPG_JOINLIST_ROUND_MAX */
	uint64_t delivered;          /* MCAST/PARTIAL messages delivered to local clients */
	uint64_t replayed;           /* kept fragments replayed to local joiners */
	uint64_t replay_over;        /* fragmented messages not kept: over CPG_REPLAY_BYTES_MAX */
	uint64_t partial_untracked;  /* FIRSTs not tracked: CPG_PARTIALS_MAX messages in progress */
	uint64_t partial_cut;        /* messages in progress cut by a ring that gained nodes */
	uint64_t partial_withheld;   /* fragments not delivered: cut or not of the assembly */
};

/* A delivered fragment of a fragmented message in progress (cpg_partial.c). */
struct cpg_pfrag {
	struct cpg_pfrag *prev, *next;   /* every kept fragment, in delivery order */
	struct cpg_pfrag *msg_next;      /* the next fragment of the same message */
	struct cpg_partial *msg;
	uint32_t type, msglen, fraglen;  /* as delivered */
	uint8_t data[];
};

/* A fragmented message in progress: its FIRST was delivered, its LAST not yet. */
struct cpg_partial {
	struct cpg_partial *next;
	struct cpg_gname group;
	uint32_t nodeid, pid;            /* the sender */
	uint64_t msglen, filled;         /* announced by the FIRST; delivered so far */
	bool kept;                       /* its fragments are kept (within the bound) */
	bool cut;                        /* cut by a merge: the rest is not delivered */
	size_t bytes;                    /* counted in cpg_state.partial_bytes */
	struct cpg_pfrag *frags, *frags_tail;
};

struct cpg_state {
	struct svc *svc;
	uint32_t nodeid;
	struct cpg_conn *conns;
	size_t conns_count;

	struct cpg_proc *procs;      /* sorted by (nodeid, pid); equal keys in arrival order */
	size_t procs_count, procs_cap;

	/* membership as of the last sync init (ring id, members) */
	uint32_t ring_nodeid;
	uint64_t ring_seq;
	uint32_t members[CPG_WIRE_PROCESSORS_MAX];
	size_t members_count;
	/* the members of my last activated sync */
	uint32_t old_members[CPG_WIRE_PROCESSORS_MAX];
	size_t old_members_count;
	uint32_t downlist[CPG_WIRE_PROCESSORS_MAX];
	size_t downlist_count;

	/* sync round */
	bool syncing;
	bool resend_cut;             /* a merge cut a message of mine: resend_lost_leaves/joins() */
	bool downlist_sent;
	size_t joinlist_sent;        /* local entries already sent in JOINLISTs */
	struct cpg_proc *joinlists;  /* received this round, in order of receipt */
	size_t joinlists_count, joinlists_cap;

	/* PROCLEAVEs that totem refused, sent in order from the retry timer */
	struct req_exec_cpg_procjoin pending[CPG_PENDING_MAX];
	size_t pending_head, pending_count;
	struct svc_timer retry;

	/* fragmented messages in progress, kept for local joiners (cpg_partial.c) */
	struct cpg_partial *partials;
	struct cpg_pfrag *pfrags, *pfrags_tail;
	size_t partials_count, partial_bytes;
	uint64_t merges;             /* syncs of rings that gained nodes (cuts) */

	struct cpg_counters counters;
	/* zero-copy execute reads the client's message here (grown, kept) */
	void *zc_buf;
	size_t zc_buf_cap;
	/* scratch for confchg events: header + member, left, joined lists */
	uint64_t evbuf[(sizeof(struct res_lib_cpg_confchg_callback) +
			3 * CPG_WIRE_MEMBERS_MAX * sizeof(mar_cpg_address_t)) / 8];
};

/* names */
bool cpg_gname_from_mar(struct cpg_gname *dst, const mar_cpg_name_t *src);
void cpg_gname_to_mar(mar_cpg_name_t *dst, const struct cpg_gname *src);
bool cpg_gname_eq(const struct cpg_gname *a, const struct cpg_gname *b);
int cpg_gname_cmp(const struct cpg_gname *a, const struct cpg_gname *b);

/* process list (cpg_groups.c) */
struct cpg_proc *cpg_proc_find(struct cpg_state *st, uint32_t nodeid, uint32_t pid,
			       const struct cpg_gname *name);
int cpg_proc_insert(struct cpg_state *st, uint32_t nodeid, uint32_t pid,
		    const struct cpg_gname *name);
void cpg_proc_remove_at(struct cpg_state *st, size_t index);
/* Send a confchg for group to its eligible local connections. */
void cpg_confchg(struct cpg_state *st, const struct cpg_gname *group,
		 const struct cpg_proc *left, size_t left_count, uint32_t left_reason,
		 const struct cpg_proc *joined, size_t joined_count, uint32_t joined_reason);
void cpg_totem_confchg(struct cpg_state *st, struct cpg_conn *c);
bool cpg_conn_gets_events(const struct cpg_conn *c, const struct cpg_gname *group);
/* Snapshot for an iteration: fills it->items/count (ALL, NAME_ONLY, ONE_GROUP order). */
int cpg_iter_build(struct cpg_state *st, struct cpg_iter *it, uint32_t type,
		   const struct cpg_gname *group);

/* totem handlers (cpg_groups.c) */
void cpg_exec_procjoin(struct svc *svc, uint32_t from, const void *msg, size_t len);
void cpg_exec_procleave(struct svc *svc, uint32_t from, const void *msg, size_t len);
void cpg_exec_joinlist(struct svc *svc, uint32_t from, const void *msg, size_t len);
void cpg_exec_mcast(struct svc *svc, uint32_t from, const void *msg, size_t len);
void cpg_exec_downlist_old(struct svc *svc, uint32_t from, const void *msg, size_t len);
void cpg_exec_downlist(struct svc *svc, uint32_t from, const void *msg, size_t len);
void cpg_exec_partial_mcast(struct svc *svc, uint32_t from, const void *msg, size_t len);
void cpg_procjoin_to_host(void *msg, size_t len);
void cpg_joinlist_to_host(void *msg, size_t len);
void cpg_mcast_to_host(void *msg, size_t len);
void cpg_downlist_old_to_host(void *msg, size_t len);
void cpg_downlist_to_host(void *msg, size_t len);
void cpg_partial_mcast_to_host(void *msg, size_t len);

/* The PARTIAL_DELIVER event header of one fragment (cpg_groups.c). */
void cpg_partial_ev_fill(struct res_lib_cpg_partial_deliver_callback *ev,
			 const struct cpg_gname *group, uint32_t nodeid, uint32_t pid, uint32_t type,
			 uint32_t msglen, uint32_t fraglen);
/* fragmented messages in progress, replayed to local joiners (cpg_partial.c) */
/* Track (and keep) a delivered fragment; false: deliver it to nobody. */
bool cpg_partial_admit(struct cpg_state *st, const struct cpg_gname *group, uint32_t nodeid,
		       const struct req_exec_cpg_partial_mcast *m);
/* The ring gained nodes: cut every message in progress. */
void cpg_partial_cut_all(struct cpg_state *st);
void cpg_partial_left(struct cpg_state *st, const struct cpg_gname *group, uint32_t nodeid,
		      uint32_t pid);
void cpg_partial_replay(struct cpg_state *st, struct cpg_conn *c);
void cpg_partial_free_all(struct cpg_state *st);

/* sync and pending sends (cpg_sync.c) */
void cpg_sync_init(struct svc *svc, const struct svc_view *view);
int cpg_sync_process(struct svc *svc);
void cpg_sync_activate(struct svc *svc);
void cpg_sync_abort(struct svc *svc);
/* A PROCJOIN/PROCLEAVE for (group, pid) with reason (the layout is the same). */
void cpg_procmsg_build(struct req_exec_cpg_procjoin *m, const struct cpg_gname *group,
		       uint32_t pid, uint32_t reason);
/* Multicast a PROCJOIN/PROCLEAVE that must not be lost (queued on -EAGAIN). */
void cpg_send_reliable(struct cpg_state *st, uint16_t fn, const struct req_exec_cpg_procjoin *m);
/* Is a message of fn for (pid, name) waiting in cpg_send_reliable()'s queue? */
bool cpg_msg_queued(const struct cpg_state *st, uint16_t fn, uint32_t pid,
		    const struct cpg_gname *name);
/* Is a PROCJOIN of c's process still waiting in cpg_send_reliable()'s queue? */
bool cpg_join_queued(const struct cpg_state *st, const struct cpg_conn *c);
void cpg_retry_fn(struct svc *svc, struct svc_timer *timer);

/* The connection's MCAST path (cpg_service.c): one exec MCAST carrying the
 * connection's group and pid with payload (not copied).  0 or -errno. */
int cpg_mcast_send(struct cpg_state *st, struct cpg_conn *c, const void *payload, uint32_t msglen);

/* zero copy (cpg_zcb.c) */
void cpg_handle_zc_alloc(struct svc_conn *conn, const void *req, size_t len);
void cpg_handle_zc_free(struct svc_conn *conn, const void *req, size_t len);
void cpg_handle_zc_execute(struct svc_conn *conn, const void *req, size_t len);
void cpg_zcb_free_all(struct cpg_conn *c);

#endif
