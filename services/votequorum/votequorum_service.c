/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The votequorum service (corosync v3.1.7 exec/votequorum.c): the daemon
 * side of libvotequorum.so.8 and the quorum provider of the quorum service.
 *
 * Every node keeps a table of every node it ever heard of (votes, expected
 * votes, flags, state) fed by the NODEINFO messages each node multicasts in
 * every sync and on every change, and computes quorum from it the same way
 * on every node:
 *
 *     quorum = max((highest_expected + 2) / 2, (total_votes + 2) / 2)
 *
 * never decreasing unless allowed (setexpected, setvotes, a LEAVING node,
 * last_man_standing), 1 with two_node and at most two voters, and the
 * features wait_for_all, auto_tie_breaker, last_man_standing,
 * allow_downscale/expected_votes_tracking and the quorum device (qdevice)
 * on top.  The arithmetic and the message handling follow corosync's
 * functions of the same role (calculate_quorum, are_we_quorate,
 * recalculate_quorum, votequorum_readconfig, the exec handlers), so that
 * corosync-quorumtool prints the same numbers on a chorus node as on a
 * corosync node, and mixed clusters agree.
 *
 * No file-scope state: everything lives in struct vq_state (one per host).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_SUBSYS LOG_SUBSYS_VOTEQ
#include <chorus/icmap.h>
#include <chorus/log.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_votequorum.h>

#include "services/votequorum/votequorum_service.h"

/* corosync's PROCESSOR_COUNT_MAX, plus room for us and the qdevice */
#define VQ_MEMBERS_MAX 384
#define VQ_NODES_MAX (VQ_MEMBERS_MAX + 2)
#define VQ_DEFAULT_LMS_WINDOW 10000

/* node states, on the wire in the NODELIST event: corosync/votequorum.h's */
#define VQ_STATE_MEMBER VOTEQUORUM_NODESTATE_MEMBER
#define VQ_STATE_DEAD VOTEQUORUM_NODESTATE_DEAD
#define VQ_STATE_LEAVING VOTEQUORUM_NODESTATE_LEAVING

enum vq_atb {
	VQ_ATB_NONE = 0,
	VQ_ATB_LOWEST = 1,
	VQ_ATB_HIGHEST = 2,
	VQ_ATB_LIST = 3,
};

struct vq_node {
	uint32_t nodeid;
	uint32_t state;            /* VQ_STATE_*; 0 for the qdevice, as corosync */
	uint32_t votes;
	uint32_t expected_votes;
	uint32_t flags;            /* VQ_NODE_* */
};

struct vq_conn {
	struct svc_conn *conn;
	bool tracking;
	uint64_t context;
	struct vq_conn *next;      /* trackers list */
};

struct vq_state {
	struct svc *svc;
	struct icmap *cmap;
	uint32_t our_id;

	/* every node ever heard of, sorted by nodeid; the qdevice is apart */
	struct vq_node nodes[VQ_NODES_MAX];
	size_t nodes_count;
	struct vq_node qdevice;
	char qdevice_name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
	uint32_t qdevice_timeout;
	uint32_t qdevice_sync_timeout;
	bool qdevice_can_operate;
	bool qdevice_master_wins;
	struct svc_conn *qdevice_reg_conn;   /* referenced while its REGISTER is in flight */
	struct svc_timer qdevice_timer;

	/* configuration */
	bool two_node;
	bool wait_for_all;
	bool wait_for_all_status;
	bool wait_for_all_autoset;           /* wait_for_all follows two_node */
	enum vq_atb atb, initial_atb;
	uint32_t atb_list[VQ_MEMBERS_MAX];
	size_t atb_list_count;
	bool lms;
	uint32_t lms_window;
	struct svc_timer lms_timer;
	bool allow_downscale;
	uint32_t ev_barrier;
	bool ev_tracking;
	uint32_t ev_tracking_barrier;
	int ev_tracking_fd;

	/* the outcome */
	uint32_t quorum;
	bool quorate;
	/* quorate and wait_for_all_status when the sync in progress began */
	bool sync_start_quorate, sync_start_wfa;
	uint32_t lowest_node_id, highest_node_id;

	/* memberships as sync saw them */
	uint32_t members[VQ_MEMBERS_MAX];
	size_t members_count;
	uint32_t prev_members[VQ_MEMBERS_MAX];
	size_t prev_members_count;
	uint32_t ring_rep;
	uint64_t ring_seq;
	bool sync_in_progress;
	bool sync_nodeinfo_sent;
	bool sync_wait_for_qdevice;

	struct vq_conn *trackers;
	struct icmap_track *track_nodelist, *track_quorum, *track_reload;
};

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Votes come from clients, peers and the config unchecked (as in corosync):
 * sums saturate instead of wrapping, so a huge value can only make quorum
 * harder to reach, never easy (corosync's sums wrap). */
static uint32_t add_votes(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* ---- the node table --------------------------------------------------------- */

static struct vq_node *node_find(struct vq_state *st, uint32_t nodeid)
{
	if (nodeid == VOTEQUORUM_QDEVICE_NODEID)
		return &st->qdevice;
	for (size_t i = 0; i < st->nodes_count; i++)
		if (st->nodes[i].nodeid == nodeid)
			return &st->nodes[i];
	return NULL;
}

/* This node's entry: allocated at init, never removed. */
static struct vq_node *us(struct vq_state *st)
{
	return node_find(st, st->our_id);
}

/*
 * A new zeroed entry in nodeid order.  When the table is full a DEAD node's
 * slot is reused, as corosync does; NULL if none.  Pointers to entries are
 * only valid until the next call.
 */
static struct vq_node *node_add(struct vq_state *st, uint32_t nodeid)
{
	size_t pos;

	if (st->nodes_count == VQ_NODES_MAX) {
		for (pos = 0; pos < st->nodes_count; pos++)
			if (st->nodes[pos].state == VQ_STATE_DEAD)
				break;
		if (pos == st->nodes_count) {
			log_err("no room for node " "%" PRIu32 " in the votequorum table", nodeid);
			return NULL;
		}
		memmove(&st->nodes[pos], &st->nodes[pos + 1],
			(st->nodes_count - pos - 1) * sizeof(st->nodes[0]));
		st->nodes_count--;
	}
	for (pos = 0; pos < st->nodes_count && st->nodes[pos].nodeid < nodeid; pos++)
		;
	memmove(&st->nodes[pos + 1], &st->nodes[pos],
		(st->nodes_count - pos) * sizeof(st->nodes[0]));
	st->nodes_count++;
	memset(&st->nodes[pos], 0, sizeof(st->nodes[pos]));
	st->nodes[pos].nodeid = nodeid;
	return &st->nodes[pos];
}

static bool in_list(uint32_t nodeid, const uint32_t *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (list[i] == nodeid)
			return true;
	return false;
}

static bool member_present(struct vq_state *st, uint32_t nodeid)
{
	for (size_t i = 0; i < st->nodes_count; i++)
		if (st->nodes[i].state == VQ_STATE_MEMBER && st->nodes[i].nodeid == nodeid)
			return true;
	return false;
}

/* ---- runtime.votequorum.* ----------------------------------------------------- */

static void set_wfa_status(struct vq_state *st, bool on)
{
	st->wait_for_all_status = on;
	if (on)
		us(st)->flags |= VQ_NODE_WFASTATUS;
	else
		us(st)->flags &= ~VQ_NODE_WFASTATUS;
	icmap_set_uint8(st->cmap, "runtime.votequorum.wait_for_all_status", on);
}

static void set_quorate(struct vq_state *st, bool quorate)
{
	st->quorate = quorate;
	if (quorate)
		us(st)->flags |= VQ_NODE_QUORATE;
	else
		us(st)->flags &= ~VQ_NODE_QUORATE;
}

static void set_ev_barrier(struct vq_state *st, uint32_t ev)
{
	st->ev_barrier = ev;
	icmap_set_uint32(st->cmap, "runtime.votequorum.ev_barrier", ev);
}

static void set_qdevice_can_operate(struct vq_state *st, bool on)
{
	st->qdevice_can_operate = on;
	icmap_set_uint8(st->cmap, "runtime.votequorum.qdevice_can_operate", on);
}

static void set_atb(struct vq_state *st, enum vq_atb atb)
{
	st->atb = atb;
	icmap_set_uint32(st->cmap, "runtime.votequorum.atb_type", atb);
}

/*
 * The barrier is kept in <state_dir>/ev_tracking (4 raw bytes).  corosync
 * 3.1.7 closes that file right after loading it, so its later updates fail
 * with a warning and only the first value ever persists; we keep the file
 * open and really write each update (docs/compat.md).
 */
static void set_ev_tracking_barrier(struct vq_state *st, uint32_t v)
{
	st->ev_tracking_barrier = v;
	icmap_set_uint32(st->cmap, "runtime.votequorum.ev_tracking_barrier", v);
	if (st->ev_tracking_fd < 0)
		return;
	if (pwrite(st->ev_tracking_fd, &v, sizeof(v), 0) != (ssize_t)sizeof(v) ||
	    fdatasync(st->ev_tracking_fd) < 0)
		log_warn("Unable to update ev_tracking_barrier on disk data!!!");
}

static int load_ev_tracking(struct vq_state *st)
{
	const char *dir;
	char path[4096];
	uint32_t v = 0;

	if (icmap_get_string(st->cmap, "system.state_dir", &dir) == 0)
		snprintf(path, sizeof(path), "%s/ev_tracking", dir);
	else
		snprintf(path, sizeof(path), "ev_tracking");  /* chorusd runs in its state dir */
	st->ev_tracking_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->ev_tracking_fd < 0) {
		log_warn("Unable to create %s file", path);
		return -errno;
	}
	if (pread(st->ev_tracking_fd, &v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = 0;
	st->ev_tracking_barrier = v;
	return 0;
}

/* ---- notifications to clients ------------------------------------------------- */

static void send_quorum_event(struct vq_state *st, struct svc_conn *only, uint64_t context)
{
	struct vq_node *me = us(st);
	size_t n = st->nodes_count + ((me->flags & VQ_NODE_QDEVICE_REGISTERED) ? 1 : 0);
	size_t size = sizeof(struct res_lib_votequorum_quorum_notification) +
		      n * sizeof(struct votequorum_wire_node);
	struct res_lib_votequorum_quorum_notification *ev = calloc(1, size);
	struct iovec iov = { .iov_base = ev, .iov_len = size };
	size_t i;

	if (!ev)
		return;
	ev->header.id = MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION;
	ev->header.size = (int32_t)size;
	ev->header.error = CS_OK;
	ev->quorate = st->quorate;
	ev->node_list_entries = (uint32_t)n;
	for (i = 0; i < st->nodes_count; i++) {
		ev->node_list[i].nodeid = st->nodes[i].nodeid;
		ev->node_list[i].state = st->nodes[i].state;
	}
	if (i < n) {
		ev->node_list[i].nodeid = VOTEQUORUM_QDEVICE_NODEID;
		ev->node_list[i].state = st->qdevice.state;
	}
	if (only) {
		ev->context = context;
		svc_event(only, &iov, 1);
	} else {
		for (struct vq_conn *t = st->trackers; t; t = t->next) {
			ev->context = t->context;
			svc_event(t->conn, &iov, 1);
		}
	}
	free(ev);
}

static void send_nodelist_event(struct vq_state *st, struct svc_conn *only, uint64_t context)
{
	size_t size = sizeof(struct res_lib_votequorum_nodelist_notification) +
		      st->members_count * sizeof(uint32_t);
	struct res_lib_votequorum_nodelist_notification *ev = calloc(1, size);
	struct iovec iov = { .iov_base = ev, .iov_len = size };

	if (!ev)
		return;
	ev->header.id = MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION;
	ev->header.size = (int32_t)size;
	ev->header.error = CS_OK;
	ev->ring_id.nodeid = st->ring_rep;
	ev->ring_id.seq = st->ring_seq;
	ev->node_list_entries = (uint32_t)st->members_count;
	if (st->members_count)
		memcpy(ev->node_list, st->members, st->members_count * sizeof(uint32_t));
	if (only) {
		ev->context = context;
		svc_event(only, &iov, 1);
	} else {
		for (struct vq_conn *t = st->trackers; t; t = t->next) {
			ev->context = t->context;
			svc_event(t->conn, &iov, 1);
		}
	}
	free(ev);
}

static void send_expectedvotes_event(struct vq_state *st)
{
	struct res_lib_votequorum_expectedvotes_notification ev;
	struct iovec iov = { .iov_base = &ev, .iov_len = sizeof(ev) };

	memset(&ev, 0, sizeof(ev));
	ev.header.id = MESSAGE_RES_VOTEQUORUM_EXPECTEDVOTES_NOTIFICATION;
	ev.header.size = sizeof(ev);
	ev.header.error = CS_OK;
	ev.expected_votes = us(st)->expected_votes;
	for (struct vq_conn *t = st->trackers; t; t = t->next) {
		ev.context = t->context;
		svc_event(t->conn, &iov, 1);
	}
}

/* Tell the host (and through it the quorum service) what we decided. */
static void tell_host(struct vq_state *st)
{
	struct svc_quorum q = {
		.quorate = st->quorate,
		.rep_nodeid = st->ring_rep,
		.ring_seq = st->ring_seq,
		.members = st->members,
		.members_count = st->members_count,
	};

	if (svc_quorum_set(st->svc, &q) < 0)
		log_err("cannot record the quorum state: out of memory");
}

/* ---- totem messages out ------------------------------------------------------ */

static int vq_mcast(struct vq_state *st, enum vq_exec_fn fn, void *msg, size_t len)
{
	struct iovec iov = { .iov_base = msg, .iov_len = len };
	int r = svc_mcast(st->svc, (uint16_t)fn, &iov, 1, SVC_AGREED);

	if (r < 0)
		log_debug("cannot multicast votequorum message %d: %s", fn, strerror(-r));
	return r;
}

static int send_nodeinfo(struct vq_state *st, uint32_t nodeid)
{
	struct vq_node *node = node_find(st, nodeid);
	struct vq_exec_nodeinfo m;

	if (!node)
		return -ENOENT;
	memset(&m, 0, sizeof(m));
	m.nodeid = nodeid;
	m.votes = node->votes;
	m.expected_votes = node->expected_votes;
	m.flags = node->flags;
	/*
	 * Knowing difference (docs/compat.md, votequorum): during a sync our
	 * NODEINFO says whether we were quorate when the sync began, not what
	 * a decision on the part of the members' NODEINFOs that came in before
	 * it made of that (see decide()).
	 */
	if (nodeid == st->our_id && st->sync_in_progress) {
		m.flags &= ~VQ_NODE_QUORATE;
		if (st->sync_start_quorate)
			m.flags |= VQ_NODE_QUORATE;
	}
	return vq_mcast(st, VQ_EXEC_NODEINFO, &m, sizeof(m));
}

static int send_reconfigure(struct vq_state *st, uint8_t param, uint32_t nodeid, uint32_t value)
{
	struct vq_exec_reconfigure m;

	memset(&m, 0, sizeof(m));
	m.nodeid = nodeid;
	m.value = value;
	m.param = param;
	return vq_mcast(st, VQ_EXEC_RECONFIGURE, &m, sizeof(m));
}

static int send_qdevice_reg(struct vq_state *st, uint32_t op, const char *name)
{
	struct vq_exec_qdevice_reg m;

	memset(&m, 0, sizeof(m));
	m.operation = op;
	snprintf(m.name, sizeof(m.name), "%s", name);
	return vq_mcast(st, VQ_EXEC_QDEVICE_REG, &m, sizeof(m));
}

static int send_qdevice_reconfigure(struct vq_state *st, const char *oldname, const char *newname)
{
	struct vq_exec_qdevice_reconfigure m;

	memset(&m, 0, sizeof(m));
	snprintf(m.oldname, sizeof(m.oldname), "%s", oldname);
	snprintf(m.newname, sizeof(m.newname), "%s", newname);
	return vq_mcast(st, VQ_EXEC_QDEVICE_RECONFIGURE, &m, sizeof(m));
}

/* ---- the arithmetic ------------------------------------------------------------ */

/*
 * Votes and highest expected votes of the MEMBER nodes, plus the qdevice's
 * votes when `voter` says it casts them.  Returns the number counted.
 */
static uint32_t member_totals(const struct vq_state *st, const struct vq_node *voter,
			      uint32_t *ret_total, uint32_t *ret_highest)
{
	uint32_t total = 0, highest = 0, count = 0;

	for (size_t i = 0; i < st->nodes_count; i++) {
		const struct vq_node *n = &st->nodes[i];

		if (n->state != VQ_STATE_MEMBER)
			continue;
		highest = max_u32(highest, n->expected_votes);
		total = add_votes(total, n->votes);
		count++;
	}
	if (voter->flags & VQ_NODE_QDEVICE_CAST_VOTE) {
		total = add_votes(total, st->qdevice.votes);
		count++;
	}
	*ret_total = total;
	*ret_highest = highest;
	return count;
}

/* The cluster-wide INFO flags and `node`'s qdevice bits (GETINFO, status). */
static uint32_t info_flags(const struct vq_state *st, const struct vq_node *node)
{
	uint32_t f = 0;

	if (st->two_node)
		f |= VOTEQUORUM_INFO_TWONODE;
	if (st->quorate)
		f |= VOTEQUORUM_INFO_QUORATE;
	if (st->wait_for_all)
		f |= VOTEQUORUM_INFO_WAIT_FOR_ALL;
	if (st->lms)
		f |= VOTEQUORUM_INFO_LAST_MAN_STANDING;
	if (st->atb != VQ_ATB_NONE)
		f |= VOTEQUORUM_INFO_AUTO_TIE_BREAKER;
	if (st->allow_downscale)
		f |= VOTEQUORUM_INFO_ALLOW_DOWNSCALE;
	if (node->flags & VQ_NODE_QDEVICE_REGISTERED)
		f |= VOTEQUORUM_INFO_QDEVICE_REGISTERED;
	if (node->flags & VQ_NODE_QDEVICE_ALIVE)
		f |= VOTEQUORUM_INFO_QDEVICE_ALIVE;
	if (node->flags & VQ_NODE_QDEVICE_CAST_VOTE)
		f |= VOTEQUORUM_INFO_QDEVICE_CAST_VOTE;
	if (node->flags & VQ_NODE_QDEVICE_MASTER_WINS)
		f |= VOTEQUORUM_INFO_QDEVICE_MASTER_WINS;
	return f;
}

/*
 * The quorum the current table gives (corosync's calculate_quorum).
 * max_expected > 0 replaces the highest expected votes (setexpected, LMS);
 * allow_decrease lets quorum go down.
 */
static uint32_t calculate_quorum(struct vq_state *st, bool allow_decrease, uint32_t max_expected,
				 uint32_t *ret_total_votes)
{
	uint32_t total_votes, highest_expected, total_nodes, q;

	if (st->allow_downscale && allow_decrease && max_expected)
		max_expected = max_u32(st->ev_barrier, max_expected);
	total_nodes = member_totals(st, us(st), &total_votes, &highest_expected);
	if (max_expected > 0)
		highest_expected = max_expected;
	/* in 64 bits: (x + 2) / 2 of a saturated 32-bit value must not wrap */
	q = (uint32_t)(((uint64_t)max_u32(highest_expected, total_votes) + 2) / 2);
	if (!allow_decrease)
		q = max_u32(st->quorum, q);
	/* two_node: each of two nodes keeps quorum alone (fencing decides) */
	if (st->two_node && total_nodes <= 2)
		q = 1;
	if (ret_total_votes)
		*ret_total_votes = total_votes;
	return q;
}

static void set_members_expected(struct vq_state *st, uint32_t expected)
{
	if (!expected)
		return;
	for (size_t i = 0; i < st->nodes_count; i++)
		if (st->nodes[i].state == VQ_STATE_MEMBER)
			st->nodes[i].expected_votes = expected;
}

static void update_lowest_highest(struct vq_state *st)
{
	uint32_t lo = st->our_id, hi = st->our_id;

	for (size_t i = 0; i < st->nodes_count; i++) {
		if (st->nodes[i].state != VQ_STATE_MEMBER)
			continue;
		if (st->nodes[i].nodeid < lo)
			lo = st->nodes[i].nodeid;
		if (st->nodes[i].nodeid > hi)
			hi = st->nodes[i].nodeid;
	}
	st->lowest_node_id = lo;
	st->highest_node_id = hi;
	icmap_set_uint32(st->cmap, "runtime.votequorum.lowest_node_id", lo);
	icmap_set_uint32(st->cmap, "runtime.votequorum.highest_node_id", hi);
}

/*
 * auto_tie_breaker for a list: the first listed node present here wins,
 * unless a node listed before it was in the previous membership (it may be
 * alive in the other half).
 */
static bool atb_decides_for_us(struct vq_state *st)
{
	switch (st->atb) {
	case VQ_ATB_LOWEST:
		return member_present(st, st->lowest_node_id);
	case VQ_ATB_HIGHEST:
		return member_present(st, st->highest_node_id);
	case VQ_ATB_LIST:
		for (size_t i = 0; i < st->atb_list_count; i++) {
			if (!in_list(st->atb_list[i], st->members, st->members_count))
				continue;
			for (size_t j = 0; j < i; j++)
				if (in_list(st->atb_list[j], st->prev_members, st->prev_members_count))
					return false;
			return true;
		}
		return false;
	default:
		return false;
	}
}

static bool qdevice_master_present(struct vq_state *st)
{
	for (size_t i = 0; i < st->nodes_count; i++) {
		const struct vq_node *n = &st->nodes[i];

		if (n->state == VQ_STATE_MEMBER && (n->flags & VQ_NODE_QDEVICE_MASTER_WINS) &&
		    (n->flags & VQ_NODE_QDEVICE_CAST_VOTE))
			return true;
	}
	return false;
}

/* corosync's are_we_quorate: decide, and tell everyone if it changed outside a sync. */
static void decide(struct vq_state *st, uint32_t total_votes)
{
	struct vq_node *me = us(st);
	bool quorate, changed;

	if (st->wait_for_all && st->wait_for_all_status) {
		if (total_votes != me->expected_votes) {
			log_notice("Waiting for all cluster members. Current votes: %" PRIu32
				   " expected_votes: %" PRIu32, total_votes, me->expected_votes);
			return;
		}
		set_wfa_status(st, false);
	}
	quorate = st->quorum <= total_votes;
	if (quorate)
		update_lowest_highest(st);
	/* an exact half (or half - 1) split: the tie breaker's half wins, if
	 * the other half cannot have quorum itself */
	if (st->atb != VQ_ATB_NONE && total_votes == me->expected_votes / 2 &&
	    (long)st->prev_members_count - (long)st->members_count < (long)st->quorum &&
	    atb_decides_for_us(st))
		quorate = true;
	if (st->qdevice_master_wins && !quorate && qdevice_master_present(st)) {
		log_debug("node is quorate as part of master_wins partition");
		quorate = true;
	}
	changed = quorate != st->quorate;
	if (changed)
		log_debug(quorate ? "quorum regained, resuming activity"
				  : "quorum lost, blocking activity");
	set_quorate(st, quorate);
	/*
	 * Knowing difference (docs/compat.md, votequorum): corosync sets
	 * wait_for_all_status again at every decision that finds the node not
	 * quorate, also those in the middle of a sync, while the members'
	 * NODEINFOs are still coming in and the total is still low; a node of
	 * a quorate partition that merges then waits for all nodes for good
	 * while its peers, whose status a quorate NODEINFO had cleared, are
	 * quorate (found by the simulator's quorum checker; seeds pinned in
	 * test/sim/run-seeds.sh).  Here a sync only clears the status; whether
	 * the node waits again is decided once, at the end of the sync
	 * (vq_sync_activate).
	 */
	if (st->wait_for_all && (quorate || !st->sync_in_progress))
		set_wfa_status(st, !quorate);
	if (changed && !st->sync_in_progress) {
		tell_host(st);
		send_quorum_event(st, NULL, 0);
	}
}

/* corosync's recalculate_quorum. by_current_nodes: expected follows the members (LMS, leave). */
static void recalculate(struct vq_state *st, bool allow_decrease, bool by_current_nodes)
{
	struct vq_node *me = us(st);
	uint32_t total_votes = 0, members = 0;

	for (size_t i = 0; i < st->nodes_count; i++) {
		if (st->nodes[i].state == VQ_STATE_MEMBER) {
			members++;
			total_votes = add_votes(total_votes, st->nodes[i].votes);
		}
	}
	/* as corosync: a configured qdevice counts here whether it votes or not */
	if (st->qdevice.votes) {
		total_votes = add_votes(total_votes, st->qdevice.votes);
		members++;
	}
	if (!by_current_nodes)
		members = 0;
	/* expected votes never stay below the votes present */
	if (total_votes > me->expected_votes) {
		me->expected_votes = total_votes;
		send_expectedvotes_event(st);
	}
	if (st->ev_tracking && me->expected_votes > st->ev_tracking_barrier)
		set_ev_tracking_barrier(st, me->expected_votes);
	st->quorum = calculate_quorum(st, allow_decrease, members, &total_votes);
	set_members_expected(st, members);
	decide(st, total_votes);
}

/* ---- configuration ---------------------------------------------------------------- */

struct vq_config {
	bool have_nodelist;
	uint32_t node_count;
	uint32_t node_votes;           /* ours, from the nodelist */
	uint32_t nodelist_expected;    /* sum of the nodelist's votes */
	uint32_t expected_votes;       /* quorum.expected_votes, 0 if unset */
	bool have_qdevice;
	int64_t qdevice_votes;         /* -1: not configured */
};

static void read_nodelist(struct vq_state *st, struct vq_config *c)
{
	struct icmap_iter it;
	const char *key;
	uint32_t our_pos, last = UINT32_MAX;
	char k[ICMAP_KEYNAME_MAXLEN + 1];

	if (icmap_get_uint32(st->cmap, "nodelist.local_node_pos", &our_pos) < 0) {
		log_debug("No nodelist defined or our node is not in the nodelist");
		return;
	}
	c->have_nodelist = true;
	icmap_iter_init(&it, "nodelist.node.");
	while ((key = icmap_iter_next(st->cmap, &it, NULL, NULL, NULL)) != NULL) {
		const char *p = key + strlen("nodelist.node.");
		char *end;
		unsigned long pos;
		uint32_t votes;

		if (*p < '0' || *p > '9')
			continue;
		pos = strtoul(p, &end, 10);
		if (*end != '.' || end[1] == '\0' || pos > UINT32_MAX)
			continue;
		/* keys of one node are contiguous: count each node once */
		if (pos == last)
			continue;
		last = (uint32_t)pos;
		c->node_count++;
		snprintf(k, sizeof(k), "nodelist.node.%lu.quorum_votes", pos);
		if (icmap_get_uint32(st->cmap, k, &votes) < 0)
			votes = 1;
		c->nodelist_expected += votes;
		if (pos == our_pos)
			c->node_votes = votes;
	}
}

static void read_qdevice(struct vq_state *st, struct vq_config *c)
{
	const char *model;
	uint32_t v;

	c->qdevice_votes = -1;
	if (icmap_get_string(st->cmap, "quorum.device.model", &model) < 0 || !*model)
		return;
	c->have_qdevice = true;
	if (icmap_get_uint32(st->cmap, "quorum.device.votes", &v) == 0)
		c->qdevice_votes = v;
	if (icmap_get_uint32(st->cmap, "quorum.device.timeout", &st->qdevice_timeout) < 0)
		st->qdevice_timeout = VOTEQUORUM_QDEVICE_DEFAULT_TIMEOUT;
	if (icmap_get_uint32(st->cmap, "quorum.device.sync_timeout", &st->qdevice_sync_timeout) < 0)
		st->qdevice_sync_timeout = VOTEQUORUM_QDEVICE_DEFAULT_SYNC_TIMEOUT;
	set_qdevice_can_operate(st, true);
}

/* "lowest", "highest" or a list of node ids separated by spaces. */
static void parse_atb_node(struct vq_state *st, const char *s)
{
	enum vq_atb atb = VQ_ATB_NONE;

	if (strcmp(s, "lowest") == 0)
		atb = VQ_ATB_LOWEST;
	else if (strcmp(s, "highest") == 0)
		atb = VQ_ATB_HIGHEST;
	else if (atoi(s) != 0) {
		const char *p = s;
		char *end;

		st->atb_list_count = 0;
		for (;;) {
			long v = strtol(p, &end, 10);

			if (v == 0 || st->atb_list_count == VQ_MEMBERS_MAX)
				break;
			st->atb_list[st->atb_list_count++] = (uint32_t)v;
			p = end;
		}
		if (st->atb_list_count)
			atb = VQ_ATB_LIST;
	}
	set_atb(st, atb);
	if (atb == VQ_ATB_NONE)
		log_warn("auto_tie_breaker_nodes is not valid. It must be 'lowest', 'highest' or a "
			 "space-separated list of node IDs. auto_tie_breaker is disabled");
}

/*
 * A configuration conflict: fatal at startup (the message is corosync's,
 * naming the keys), only disables qdevice operation at runtime.
 */
static int conflict(struct vq_state *st, bool runtime, const char **ret_error, const char *msg)
{
	if (!runtime) {
		*ret_error = msg;
		return -EINVAL;
	}
	log_err("%s", msg);
	log_err("disabling quorum device operations");
	set_qdevice_can_operate(st, false);
	return 0;
}

/*
 * corosync's votequorum_readconfig: read quorum.* and the nodelist, check
 * the combinations, set our votes and expected votes.  At startup a
 * conflict fails the service with *ret_error; at runtime (cmap changes)
 * conflicts only disable the qdevice, as corosync does.
 */
static int read_config(struct vq_state *st, bool runtime, const char **ret_error)
{
	struct vq_config c;
	struct vq_node *me = us(st);
	uint8_t u8;
	const char *atb_node = NULL;

	memset(&c, 0, sizeof(c));
	if (runtime) {
		st->two_node = false;
		set_atb(st, st->initial_atb);
	}
	(void)icmap_get_uint32(st->cmap, "quorum.expected_votes", &c.expected_votes);
	read_nodelist(st, &c);
	read_qdevice(st, &c);
	if (icmap_get_uint8(st->cmap, "quorum.two_node", &u8) == 0)
		st->two_node = u8 != 0;

	if (!c.have_nodelist && !c.expected_votes) {
		const char *msg = "configuration error: nodelist or quorum.expected_votes must be configured!";

		if (!runtime) {
			*ret_error = msg;
			return -EINVAL;
		}
		log_err("%s", msg);
		log_err("will continue with current runtime data");
		return 0;
	}
	if (st->two_node && c.have_qdevice) {
		const char *msg = "configuration error: two_node and quorum device cannot be configured at the same time!";

		if (!runtime) {
			*ret_error = msg;
			return -EINVAL;
		}
		log_err("%s", msg);
		if (me->flags & VQ_NODE_QDEVICE_REGISTERED) {
			log_err("quorum device is registered, disabling two_node");
			st->two_node = false;
		} else {
			log_err("quorum device is not registered, allowing two_node");
			set_qdevice_can_operate(st, false);
		}
	}

	if (!runtime) {
		bool atb_on = false;

		if (icmap_get_uint8(st->cmap, "quorum.allow_downscale", &u8) == 0)
			st->allow_downscale = u8 != 0;
		if (icmap_get_uint8(st->cmap, "quorum.wait_for_all", &u8) == 0)
			st->wait_for_all = u8 != 0;
		else
			st->wait_for_all_autoset = true;
		if (icmap_get_uint8(st->cmap, "quorum.last_man_standing", &u8) == 0)
			st->lms = u8 != 0;
		(void)icmap_get_uint32(st->cmap, "quorum.last_man_standing_window", &st->lms_window);
		if (icmap_get_uint8(st->cmap, "quorum.expected_votes_tracking", &u8) == 0)
			st->ev_tracking = u8 != 0;
		if (icmap_get_uint8(st->cmap, "quorum.auto_tie_breaker", &u8) == 0)
			atb_on = u8 != 0;
		(void)icmap_get_string(st->cmap, "quorum.auto_tie_breaker_node", &atb_node);
		if (atb_on) {
			set_atb(st, VQ_ATB_LOWEST);
			if (atb_node)
				parse_atb_node(st, atb_node);
		} else {
			st->atb = VQ_ATB_NONE;
			if (atb_node)
				log_warn("auto_tie_breaker_node: is meaningless if auto_tie_breaker is set to 0");
		}
		st->initial_atb = st->atb;
		if (st->allow_downscale)
			st->ev_tracking = true;  /* downscale needs the barrier */
		if (st->ev_tracking) {
			if (load_ev_tracking(st) < 0) {
				*ret_error = "Unable to load ev_tracking file!";
				return -EIO;
			}
			set_ev_tracking_barrier(st, st->ev_tracking_barrier);
		}
	}

	/* wait_for_all not configured follows two_node, at runtime too */
	if (st->wait_for_all_autoset)
		st->wait_for_all = st->two_node;
	/* two_node races by fencing, auto_tie_breaker by node id: not both */
	if (st->two_node && st->atb != VQ_ATB_NONE) {
		log_err("two_node and auto_tie_breaker are both specified but are not compatible.");
		log_err("two_node has been disabled, please fix your corosync.conf");
		st->two_node = false;
	}
	/* an odd cluster with ATB needs wait_for_all, or an isolated majority
	 * without the tie breaker would be quorate after a reboot */
	if (st->atb != VQ_ATB_NONE && (c.nodelist_expected % 2) && !st->wait_for_all) {
		if (st->lms) {
			*ret_error = "configuration error: auto_tie_breaker & last_man_standing not available in odd sized cluster";
			return -EINVAL;
		}
		log_err("auto_tie_breaker is set and the cluster has an odd number of nodes.");
		log_err("wait_for_all needs to be set for this configuration but it is missing");
		log_err("Therefore auto_tie_breaker has been disabled. Please fix your corosync.conf");
		set_atb(st, VQ_ATB_NONE);
	}
	if (c.have_qdevice && st->lms &&
	    conflict(st, runtime, ret_error,
		     "configuration error: quorum.device is not compatible with last_man_standing") < 0)
		return -EINVAL;
	if (c.have_qdevice && st->atb != VQ_ATB_NONE &&
	    conflict(st, runtime, ret_error,
		     "configuration error: quorum.device is not compatible with auto_tie_breaker") < 0)
		return -EINVAL;
	if (c.have_qdevice && st->allow_downscale &&
	    conflict(st, runtime, ret_error,
		     "configuration error: quorum.device is not compatible with allow_downscale") < 0)
		return -EINVAL;
	if (c.expected_votes && c.have_qdevice && c.qdevice_votes == -1 &&
	    conflict(st, runtime, ret_error,
		     "configuration error: quorum.device.votes must be specified when quorum.expected_votes is set") < 0)
		return -EINVAL;
	if (c.have_qdevice && c.qdevice_votes == -1 && c.have_nodelist &&
	    c.node_count != c.nodelist_expected &&
	    conflict(st, runtime, ret_error,
		     "configuration error: quorum.device.votes must be specified when not all nodes votes 1") < 0)
		return -EINVAL;
	if (c.qdevice_votes > 0 && c.expected_votes &&
	    (int64_t)c.expected_votes - c.qdevice_votes < 2 &&
	    conflict(st, runtime, ret_error,
		     "configuration error: quorum.device.votes is too high or expected_votes is too low") < 0)
		return -EINVAL;
	/* a qdevice with default votes gets nodes - 1, and expected grows by that */
	if (c.have_qdevice && c.qdevice_votes == -1 && !c.expected_votes && c.have_nodelist &&
	    c.node_count == c.nodelist_expected) {
		c.qdevice_votes = c.nodelist_expected - 1;
		c.nodelist_expected += (uint32_t)c.qdevice_votes;
	}

	if (st->ev_tracking)
		c.expected_votes = st->ev_tracking_barrier;
	if (c.have_nodelist) {
		me->votes = c.node_votes;
		me->expected_votes = c.nodelist_expected;
	} else {
		me->votes = 1;
		(void)icmap_get_uint32(st->cmap, "quorum.votes", &me->votes);
	}
	if (c.expected_votes)
		me->expected_votes = c.expected_votes;
	if (!c.have_qdevice)
		st->qdevice.votes = 0;
	if (c.qdevice_votes != -1)
		st->qdevice.votes = (uint32_t)c.qdevice_votes;

	set_ev_barrier(st, me->expected_votes);
	icmap_set_uint8(st->cmap, "runtime.votequorum.two_node", st->two_node);
	if (st->wait_for_all) {
		if (!runtime)
			set_wfa_status(st, true);
	} else if (st->wait_for_all_autoset && st->wait_for_all_status) {
		set_wfa_status(st, false);
	}
	return 0;
}

/* cmap changed under nodelist., quorum. or the reload flag (corosync's votequorum_refresh_config). */
static void config_changed(void *ctx, int event, const char *key, enum icmap_type new_type,
			   const void *new_value, size_t new_len, enum icmap_type old_type,
			   const void *old_value, size_t old_len)
{
	struct vq_state *st = ctx;
	uint8_t reloading = 0, cancel = 0;
	int32_t status;
	uint32_t old_votes, old_expected;
	const char *unused;

	(void)event, (void)new_type, (void)new_value, (void)new_len;
	(void)old_type, (void)old_value, (void)old_len;
	/* a full reload applies everything at once when it is over */
	if (icmap_get_uint8(st->cmap, "config.totemconfig_reload_in_progress", &reloading) == 0 &&
	    reloading)
		return;
	if (strcmp(key, "config.totemconfig_reload_in_progress") == 0 &&
	    icmap_get_int32(st->cmap, "config.reload_status", &status) == 0 && status != CS_OK)
		return;
	(void)icmap_get_uint8(st->cmap, "quorum.cancel_wait_for_all", &cancel);
	if (strcmp(key, "quorum.cancel_wait_for_all") == 0 && cancel >= 1) {
		icmap_set_uint8(st->cmap, "quorum.cancel_wait_for_all", 0);
		if (send_reconfigure(st, VQ_RECONFIG_CANCEL_WFA, st->our_id, 0) < 0)
			log_err("Failed to send Cancel WFA message to other nodes");
		return;
	}
	old_votes = us(st)->votes;
	old_expected = us(st)->expected_votes;
	(void)read_config(st, true, &unused);
	send_nodeinfo(st, st->our_id);
	send_nodeinfo(st, VOTEQUORUM_QDEVICE_NODEID);
	if (us(st)->votes != old_votes &&
	    send_reconfigure(st, VQ_RECONFIG_NODE_VOTES, st->our_id, us(st)->votes) < 0)
		log_err("Failed to send new votes message to other nodes");
	if (us(st)->expected_votes != old_expected &&
	    send_reconfigure(st, VQ_RECONFIG_EXPECTED_VOTES, st->our_id, us(st)->expected_votes) < 0)
		log_err("Failed to send expected votes message to other nodes");
}

/* ---- totem messages in ---------------------------------------------------------- */

static void nodeinfo_to_host(void *msg, size_t len)
{
	struct vq_exec_nodeinfo *m = msg;

	(void)len;
	m->nodeid = __builtin_bswap32(m->nodeid);
#if VQ_SIM_PLANT != 2   /* test/sim plant: a foreign NODEINFO's votes left unswapped */
	m->votes = __builtin_bswap32(m->votes);
#endif
	m->expected_votes = __builtin_bswap32(m->expected_votes);
	m->flags = __builtin_bswap32(m->flags);
}

static void reconfigure_to_host(void *msg, size_t len)
{
	struct vq_exec_reconfigure *m = msg;

	(void)len;
	m->nodeid = __builtin_bswap32(m->nodeid);
	m->value = __builtin_bswap32(m->value);
}

static void qdevice_reg_to_host(void *msg, size_t len)
{
	struct vq_exec_qdevice_reg *m = msg;

	(void)len;
	m->operation = __builtin_bswap32(m->operation);
}

static void exec_nodeinfo(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc);
	const struct vq_exec_nodeinfo *m = msg;
	uint32_t nodeid = m->nodeid;
	struct vq_node *node = node_find(st, nodeid);
	struct vq_node old;
	bool new_node = false, allow_decrease = false, by_node = false;

	(void)len;
	log_debug("nodeinfo from %" PRIu32 " for %" PRIu32 ": votes %" PRIu32 " expected %" PRIu32
		  " flags 0x%" PRIx32, from, nodeid, m->votes, m->expected_votes, m->flags);
	if (!node) {
		node = node_add(st, nodeid);
		if (!node)
			return;
		new_node = true;
		memset(&old, 0, sizeof(old));
		old.state = VQ_STATE_DEAD;
	} else {
		old = *node;
	}

	if (nodeid == VOTEQUORUM_QDEVICE_NODEID) {
		const struct vq_node *sender = node_find(st, from);

		/* an inquorate node takes the qdevice votes of a quorate one */
		if (!st->quorate && sender && (sender->flags & VQ_NODE_QUORATE))
			node->votes = m->votes;
		else
			node->votes = max_u32(node->votes, m->votes);
	} else {
		node->flags = m->flags;
		node->votes = m->votes;
		node->state = VQ_STATE_MEMBER;
		if (node->flags & VQ_NODE_LEAVING) {
			node->state = VQ_STATE_LEAVING;
			allow_decrease = true;
			by_node = true;
		}
		/* joining a quorate partition: adopt its expected votes */
		if (!st->quorate && (node->flags & VQ_NODE_QUORATE)) {
			allow_decrease = true;
			us(st)->expected_votes = m->expected_votes;
		}
		if ((node->flags & VQ_NODE_QUORATE) || st->ev_tracking)
			node->expected_votes = m->expected_votes;
		else
			node->expected_votes = us(st)->expected_votes;
#if VQ_SIM_PLANT == 1
		/* test/sim plant: the ring's lowest node counts no vote for a node
		 * that comes back from DEAD, until its next NODEINFO */
		if (!new_node && old.state == VQ_STATE_DEAD && st->ring_rep == st->our_id)
			node->votes = 0;
#endif
		if (st->lms && node->votes > 1) {
			log_warn("Last Man Standing feature is supported only when all cluster nodes "
				 "votes are set to 1. Disabling LMS.");
			st->lms = false;
			svc_timer_stop(&st->lms_timer);
		}
	}
	/* node stays valid: only node_add() moves entries */
	if (new_node || nodeid == st->our_id || (node->flags & VQ_NODE_FIRST) ||
	    old.votes != node->votes || old.expected_votes != node->expected_votes ||
	    old.flags != node->flags || old.state != node->state)
		recalculate(st, allow_decrease, by_node);
	if (st->wait_for_all && !(node->flags & VQ_NODE_WFASTATUS) &&
	    (node->flags & VQ_NODE_QUORATE))
		set_wfa_status(st, false);
}

static void exec_reconfigure(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc);
	const struct vq_exec_reconfigure *m = msg;
	struct vq_node *node;

	(void)len;
	log_debug("reconfigure from %" PRIu32 " for %" PRIu32 ": param %u value %" PRIu32, from,
		  m->nodeid, m->param, m->value);
	switch (m->param) {
	case VQ_RECONFIG_EXPECTED_VOTES:
		set_members_expected(st, m->value);
		send_expectedvotes_event(st);
		set_ev_barrier(st, m->value);
		if (st->ev_tracking)
			us(st)->expected_votes = max_u32(us(st)->expected_votes, st->ev_tracking_barrier);
		recalculate(st, true, false);
		break;
	case VQ_RECONFIG_NODE_VOTES:
		node = node_find(st, m->nodeid);
		if (!node)
			return;
		node->votes = m->value;
		recalculate(st, true, false);
		break;
	case VQ_RECONFIG_CANCEL_WFA:
		set_wfa_status(st, false);
		log_info("wait_for_all_status reset by user on node %" PRIu32 ".", m->nodeid);
		recalculate(st, false, false);
		break;
	default:
		break;
	}
}

static void reply_status(struct svc_conn *conn, cs_error_t err);

static void finish_register(struct vq_state *st, cs_error_t err)
{
	struct svc_conn *conn = st->qdevice_reg_conn;

	st->qdevice_reg_conn = NULL;
	reply_status(conn, err);
	svc_conn_unref(conn);
}

static void exec_qdevice_reg(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc);
	const struct vq_exec_qdevice_reg *m = msg;
	char name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
	bool wipe = true;

	(void)len;
	/* a peer's name is not trusted to be terminated */
	memcpy(name, m->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	log_debug("qdevice op %" PRIu32 " from %" PRIu32 " [%s]", m->operation, from, name);
	switch (m->operation) {
	case VQ_QDEVICE_OP_REGISTER:
		if (from != st->our_id) {
			if (!st->qdevice_name[0])
				memcpy(st->qdevice_name, name, sizeof(name));
			return;
		}
		/* our own registration echoed in a later sync: nothing pending */
		if (us(st)->flags & VQ_NODE_QDEVICE_REGISTERED)
			return;
		if (!st->qdevice_reg_conn) {
			log_warn("Unable to determine origin of the qdevice register call!");
			return;
		}
		if (!st->qdevice_name[0])
			memcpy(st->qdevice_name, name, sizeof(name));
		if (strcmp(name, st->qdevice_name) == 0) {
			us(st)->flags |= VQ_NODE_QDEVICE_REGISTERED;
			send_nodeinfo(st, VOTEQUORUM_QDEVICE_NODEID);
			send_nodeinfo(st, st->our_id);
			finish_register(st, CS_OK);
		} else {
			log_warn("A new qdevice with different name (new: %s old: %s) is trying to register!",
				 name, st->qdevice_name);
			finish_register(st, CS_ERR_EXIST);
		}
		break;
	case VQ_QDEVICE_OP_UNREGISTER:
		for (size_t i = 0; i < st->nodes_count; i++)
			if (st->nodes[i].state == VQ_STATE_MEMBER &&
			    (st->nodes[i].flags & VQ_NODE_QDEVICE_REGISTERED))
				wipe = false;
		if (wipe)
			memset(st->qdevice_name, 0, sizeof(st->qdevice_name));
		break;
	default:
		break;
	}
}

static void exec_qdevice_reconfigure(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc);
	const struct vq_exec_qdevice_reconfigure *m = msg;
	char oldname[VOTEQUORUM_QDEVICE_MAX_NAME_LEN], newname[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];

	(void)len;
	memcpy(oldname, m->oldname, sizeof(oldname));
	oldname[sizeof(oldname) - 1] = '\0';
	memcpy(newname, m->newname, sizeof(newname));
	newname[sizeof(newname) - 1] = '\0';
	log_debug("qdevice rename from %" PRIu32 " [%s -> %s]", from, oldname, newname);
	if (strcmp(oldname, st->qdevice_name) == 0) {
		memset(st->qdevice_name, 0, sizeof(st->qdevice_name));
		memcpy(st->qdevice_name, newname, sizeof(newname));
	}
}

/* ---- timers -------------------------------------------------------------------- */

static void lms_timer_fn(struct svc *svc, struct svc_timer *t)
{
	struct vq_state *st = svc_state(svc);

	(void)t;
	if (st->quorate)
		recalculate(st, true, true);
}

static void qdevice_timer_fn(struct svc *svc, struct svc_timer *t)
{
	struct vq_state *st = svc_state(svc);

	(void)t;
	if (!(us(st)->flags & VQ_NODE_QDEVICE_ALIVE))
		return;
	us(st)->flags &= ~(VQ_NODE_QDEVICE_ALIVE | VQ_NODE_QDEVICE_CAST_VOTE);
	log_info("lost contact with quorum device %s", st->qdevice_name);
	send_nodeinfo(st, st->our_id);
	st->sync_wait_for_qdevice = false;
}

/* ---- sync ------------------------------------------------------------------------ */

/*
 * A sync that ended without activate (aborted, also in its barrier phase,
 * where the sync engine calls no abort): undo what its decisions on part of
 * the members' NODEINFOs did, the quorate state and a cleared
 * wait_for_all_status.  Kept, a node could be quorate after the next sync
 * while the NODEINFO it sends there says it was not (send_nodeinfo), and its
 * peers that wait for all stay waiting (found in review; check_votequorum
 * wfa_aborted_sync_undone).
 */
static void sync_undo(struct vq_state *st)
{
	set_quorate(st, st->sync_start_quorate);
	if (st->wait_for_all_status != st->sync_start_wfa)
		set_wfa_status(st, st->sync_start_wfa);
}

static void vq_sync_init(struct svc *svc, const struct svc_view *view)
{
	struct vq_state *st = svc_state(svc);
	bool left = false;
	size_t n = view->members_count < VQ_MEMBERS_MAX ? view->members_count : VQ_MEMBERS_MAX;

	if (st->sync_in_progress) {
		sync_undo(st);
	} else {
		st->sync_start_quorate = st->quorate;
		st->sync_start_wfa = st->wait_for_all_status;
	}
	st->sync_in_progress = true;
	st->sync_nodeinfo_sent = false;
	st->sync_wait_for_qdevice = false;
	if (view->members_count > 1)
		us(st)->flags &= ~VQ_NODE_FIRST;
	for (size_t i = 0; i < st->members_count; i++) {
		if (in_list(st->members[i], view->members, view->members_count))
			continue;
		left = true;
		struct vq_node *node = node_find(st, st->members[i]);

		if (node)
			node->state = VQ_STATE_DEAD;
	}
	/* last_man_standing: after the window, expected votes follow the members */
	if (st->lms &&
	    ((view->members_count >= st->quorum && left) ||
	     (view->members_count <= st->quorum && st->atb != VQ_ATB_NONE &&
	      member_present(st, st->lowest_node_id))))
		svc_timer_start(&st->lms_timer, st->lms_window);

	memcpy(st->prev_members, st->members, st->members_count * sizeof(uint32_t));
	st->prev_members_count = st->members_count;
	memcpy(st->members, view->members, n * sizeof(uint32_t));
	st->members_count = n;
	st->ring_rep = view->rep_nodeid;
	st->ring_seq = view->ring_seq;

	if ((us(st)->flags & VQ_NODE_QDEVICE_REGISTERED) &&
	    (us(st)->flags & VQ_NODE_QDEVICE_ALIVE)) {
		/* wait for a poll with the new ring id, or the sync timeout */
		svc_timer_start(&st->qdevice_timer, st->qdevice_sync_timeout);
		st->sync_wait_for_qdevice = true;
		log_info("waiting for quorum device %s poll (but maximum for %" PRIu32 " ms)",
			 st->qdevice_name, st->qdevice_sync_timeout);
	}
}

static int vq_sync_process(struct svc *svc)
{
	struct vq_state *st = svc_state(svc);

	if (!st->sync_nodeinfo_sent) {
		send_nodeinfo(st, st->our_id);
		send_nodeinfo(st, VOTEQUORUM_QDEVICE_NODEID);
		if (st->qdevice_name[0])
			send_qdevice_reg(st, VQ_QDEVICE_OP_REGISTER, st->qdevice_name);
		send_nodelist_event(st, NULL, 0);
		st->sync_nodeinfo_sent = true;
	}
	if ((us(st)->flags & VQ_NODE_QDEVICE_REGISTERED) && st->sync_wait_for_qdevice)
		return -EAGAIN;
	return 0;
}

static void vq_sync_activate(struct svc *svc)
{
	struct vq_state *st = svc_state(svc);

	recalculate(st, false, false);
	if (st->wait_for_all && !st->quorate)
		set_wfa_status(st, true);       /* see decide() */
	tell_host(st);
	send_quorum_event(st, NULL, 0);
	st->sync_in_progress = false;
}

static void vq_sync_abort(struct svc *svc)
{
	struct vq_state *st = svc_state(svc);

	/* still in a sync until the next init or activate, as in corosync */
	if (st->sync_in_progress)
		sync_undo(st);
}

/* ---- IPC ------------------------------------------------------------------------- */

static void reply_status(struct svc_conn *conn, cs_error_t err)
{
	svc_reply_error(conn, MESSAGE_RES_VOTEQUORUM_STATUS, err);
}

/* A name from a client: 1 to 254 characters and a NUL within the field (libvotequorum
 * refuses an empty one; a raw client must not register one either). */
static bool name_ok(const char *name)
{
	return name[0] != '\0' && memchr(name, '\0', VOTEQUORUM_QDEVICE_MAX_NAME_LEN) != NULL;
}

static void handle_getinfo(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_getinfo *req = msg;
	struct res_lib_votequorum_getinfo res;
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };
	uint32_t nodeid = (uint32_t)req->nodeid;
	const struct vq_node *node;

	(void)len;
	memset(&res, 0, sizeof(res));
	res.header.id = MESSAGE_RES_VOTEQUORUM_GETINFO;
	res.header.size = sizeof(res);
	res.header.error = CS_OK;
	if (nodeid == VOTEQUORUM_QDEVICE_NODEID)
		nodeid = st->our_id;
	node = node_find(st, nodeid);
	if (!node) {
		res.header.error = CS_ERR_NOT_EXIST;
		svc_reply(conn, &iov, 1);
		return;
	}
	(void)member_totals(st, node, &res.total_votes, &res.highest_expected);
	res.nodeid = node->nodeid;
	res.state = node->state;
	res.votes = node->votes;
	res.expected_votes = node->expected_votes;
	res.quorum = st->quorum;
	res.flags = info_flags(st, node);
	res.qdevice_votes = st->qdevice.votes;
	memcpy(res.qdevice_name, st->qdevice_name, sizeof(res.qdevice_name));
	svc_reply(conn, &iov, 1);
}

static void handle_setexpected(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_setexpected *req = msg;
	bool downscale = st->allow_downscale;
	uint32_t total_votes, newquorum;

	(void)len;
	/* validate as if downscale were off */
	st->allow_downscale = false;
	newquorum = calculate_quorum(st, true, req->expected_votes, &total_votes);
	st->allow_downscale = downscale;
	/* below the votes present makes no sense; a quorate cluster must stay so */
	if (req->expected_votes < total_votes || (st->quorate && newquorum > total_votes)) {
		reply_status(conn, CS_ERR_INVALID_PARAM);
		return;
	}
	set_members_expected(st, req->expected_votes);
	if (send_reconfigure(st, VQ_RECONFIG_EXPECTED_VOTES, st->our_id, req->expected_votes) < 0) {
		reply_status(conn, CS_ERR_NO_RESOURCES);
		return;
	}
	reply_status(conn, CS_OK);
}

static void handle_setvotes(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_setvotes *req = msg;
	uint32_t nodeid = (uint32_t)req->nodeid;
	struct vq_node *node = node_find(st, nodeid);
	uint32_t saved, total_votes, newquorum;

	(void)len;
	if (!node) {
		reply_status(conn, CS_ERR_NAME_NOT_FOUND);
		return;
	}
	saved = node->votes;
	node->votes = req->votes;
	newquorum = calculate_quorum(st, true, 0, &total_votes);
	if (newquorum < total_votes / 2 || newquorum > total_votes) {
		node->votes = saved;
		reply_status(conn, CS_ERR_INVALID_PARAM);
		return;
	}
	if (send_reconfigure(st, VQ_RECONFIG_NODE_VOTES, nodeid, req->votes) < 0) {
		reply_status(conn, CS_ERR_NO_RESOURCES);
		return;
	}
	reply_status(conn, CS_OK);
}

static void handle_trackstart(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	struct vq_conn *c = svc_conn_state(conn);
	const struct req_lib_votequorum_trackstart *req = msg;

	(void)len;
	if (req->track_flags & (CS_TRACK_CURRENT | CS_TRACK_CHANGES)) {
		send_nodelist_event(st, conn, req->context);
		send_quorum_event(st, conn, req->context);
	}
	if (c->tracking) {
		reply_status(conn, CS_ERR_EXIST);
		return;
	}
	if (req->track_flags & (CS_TRACK_CHANGES | CS_TRACK_CHANGES_ONLY)) {
		c->conn = conn;
		c->tracking = true;
		c->context = req->context;
		c->next = st->trackers;
		st->trackers = c;
	}
	reply_status(conn, CS_OK);
}

static void untrack(struct vq_state *st, struct vq_conn *c)
{
	struct vq_conn **pp;

	if (!c->tracking)
		return;
	for (pp = &st->trackers; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->tracking = false;
	c->next = NULL;
}

static void handle_trackstop(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	struct vq_conn *c = svc_conn_state(conn);

	(void)msg, (void)len;
	if (!c->tracking) {
		reply_status(conn, CS_ERR_NOT_EXIST);
		return;
	}
	untrack(st, c);
	reply_status(conn, CS_OK);
}

static void handle_qdevice_register(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_qdevice_register *req = msg;

	(void)len;
	if (!name_ok(req->name)) {
		reply_status(conn, CS_ERR_INVALID_PARAM);
		return;
	}
	if (!st->qdevice_can_operate) {
		log_info("Registration of quorum device is disabled by incorrect corosync.conf. "
			 "See logs for more information");
		reply_status(conn, CS_ERR_ACCESS);
		return;
	}
	if (us(st)->flags & VQ_NODE_QDEVICE_REGISTERED) {
		if (strcmp(req->name, st->qdevice_name) == 0) {
			reply_status(conn, CS_OK);
			return;
		}
		log_warn("A new qdevice with different name (new: %s old: %s) is trying to re-register!",
			 req->name, st->qdevice_name);
		reply_status(conn, CS_ERR_EXIST);
		return;
	}
	if (st->qdevice_reg_conn) {
		log_warn("Registration request already in progress");
		reply_status(conn, CS_ERR_TRY_AGAIN);
		return;
	}
	if (send_qdevice_reg(st, VQ_QDEVICE_OP_REGISTER, req->name) < 0) {
		log_warn("Unable to send qdevice registration request to cluster");
		reply_status(conn, CS_ERR_TRY_AGAIN);
		return;
	}
	/* answered when our message comes back (exec_qdevice_reg) */
	svc_conn_ref(conn);
	st->qdevice_reg_conn = conn;
}

static void handle_qdevice_unregister(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_qdevice_register *req = msg;

	(void)len;
	if (!(us(st)->flags & VQ_NODE_QDEVICE_REGISTERED)) {
		reply_status(conn, CS_ERR_NOT_EXIST);
		return;
	}
	if (!name_ok(req->name) || strcmp(req->name, st->qdevice_name) != 0) {
		reply_status(conn, CS_ERR_INVALID_PARAM);
		return;
	}
	svc_timer_stop(&st->qdevice_timer);
	st->sync_wait_for_qdevice = false;
	us(st)->flags &= ~(VQ_NODE_QDEVICE_REGISTERED | VQ_NODE_QDEVICE_ALIVE |
			   VQ_NODE_QDEVICE_CAST_VOTE | VQ_NODE_QDEVICE_MASTER_WINS);
	send_nodeinfo(st, st->our_id);
	send_qdevice_reg(st, VQ_QDEVICE_OP_UNREGISTER, req->name);
	reply_status(conn, CS_OK);
}

static void handle_qdevice_update(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_qdevice_update *req = msg;

	(void)len;
	if (!(us(st)->flags & VQ_NODE_QDEVICE_REGISTERED)) {
		reply_status(conn, CS_ERR_NOT_EXIST);
		return;
	}
	if (!name_ok(req->oldname) || !name_ok(req->newname) ||
	    strcmp(req->oldname, st->qdevice_name) != 0) {
		reply_status(conn, CS_ERR_INVALID_PARAM);
		return;
	}
	send_qdevice_reconfigure(st, req->oldname, req->newname);
	reply_status(conn, CS_OK);
}

static void handle_qdevice_poll(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_qdevice_poll *req = msg;
	struct vq_node *me = us(st);
	uint32_t oldflags;

	(void)len;
	if (!st->qdevice_can_operate) {
		reply_status(conn, CS_ERR_ACCESS);
		return;
	}
	if (!(me->flags & VQ_NODE_QDEVICE_REGISTERED)) {
		reply_status(conn, CS_ERR_NOT_EXIST);
		return;
	}
	if (req->ring_id.nodeid != st->ring_rep || req->ring_id.seq != st->ring_seq) {
		log_debug("Received poll ring id (%" PRIx32 ".%" PRIx64 ") != last sync ring id "
			  "(%" PRIx32 ".%" PRIx64 "). Ignoring poll call.", req->ring_id.nodeid,
			  req->ring_id.seq, st->ring_rep, st->ring_seq);
		reply_status(conn, CS_ERR_MESSAGE_ERROR);
		return;
	}
	if (!name_ok(req->name) || strcmp(req->name, st->qdevice_name) != 0) {
		reply_status(conn, CS_ERR_INVALID_PARAM);
		return;
	}
	oldflags = me->flags;
	me->flags |= VQ_NODE_QDEVICE_ALIVE;
	if (req->cast_vote)
		me->flags |= VQ_NODE_QDEVICE_CAST_VOTE;
	else
		me->flags &= ~VQ_NODE_QDEVICE_CAST_VOTE;
	if (me->flags != oldflags)
		send_nodeinfo(st, st->our_id);
	svc_timer_start(&st->qdevice_timer, st->qdevice_timeout);
	st->sync_wait_for_qdevice = false;
	reply_status(conn, CS_OK);
}

static void handle_qdevice_master_wins(struct svc_conn *conn, const void *msg, size_t len)
{
	struct vq_state *st = svc_state(svc_conn_svc(conn));
	const struct req_lib_votequorum_qdevice_master_wins *req = msg;
	struct vq_node *me = us(st);
	uint32_t oldflags = me->flags;

	(void)len;
	if (!st->qdevice_can_operate) {
		reply_status(conn, CS_ERR_ACCESS);
		return;
	}
	if (!(me->flags & VQ_NODE_QDEVICE_REGISTERED)) {
		reply_status(conn, CS_ERR_NOT_EXIST);
		return;
	}
	if (!name_ok(req->name) || strcmp(req->name, st->qdevice_name) != 0) {
		reply_status(conn, CS_ERR_INVALID_PARAM);
		return;
	}
	if (req->allow)
		me->flags |= VQ_NODE_QDEVICE_MASTER_WINS;
	else
		me->flags &= ~VQ_NODE_QDEVICE_MASTER_WINS;
	if (me->flags != oldflags)
		send_nodeinfo(st, st->our_id);
	st->qdevice_master_wins = req->allow != 0;
	icmap_set_uint8(st->cmap, "runtime.votequorum.qdevice_master_wins", req->allow != 0);
	reply_status(conn, CS_OK);
}

/* ---- lifetime ------------------------------------------------------------------- */

static const char *const ro_keys[] = {
	"quorum.allow_downscale", "quorum.wait_for_all", "quorum.last_man_standing",
	"quorum.last_man_standing_window", "quorum.expected_votes_tracking",
	"quorum.auto_tie_breaker", "quorum.auto_tie_breaker_node",
};

static int vq_init(struct svc *svc)
{
	struct vq_state *st = svc_state(svc);
	struct svc_quorum none = { .quorate = false };
	struct vq_node *me;
	const char *error = NULL;
	int r;

	st->svc = svc;
	st->cmap = svc_cmap(svc);
	st->our_id = svc_nodeid(svc);
	st->ev_tracking_fd = -1;
	st->qdevice_can_operate = true;
	st->qdevice_timeout = VOTEQUORUM_QDEVICE_DEFAULT_TIMEOUT;
	st->qdevice_sync_timeout = VOTEQUORUM_QDEVICE_DEFAULT_SYNC_TIMEOUT;
	st->lms_window = VQ_DEFAULT_LMS_WINDOW;
	svc_timer_init(svc, &st->lms_timer, lms_timer_fn);
	svc_timer_init(svc, &st->qdevice_timer, qdevice_timer_fn);
	if (!st->cmap || st->our_id == VOTEQUORUM_QDEVICE_NODEID) {
		svc_set_error(svc, "no configuration map or no node id");
		return -EINVAL;
	}
	me = node_add(st, st->our_id);
	me->state = VQ_STATE_MEMBER;
	me->votes = 1;
	me->flags = VQ_NODE_FIRST;
	icmap_set_uint32(st->cmap, "runtime.votequorum.this_node_id", st->our_id);

	/* a provider is loaded: not quorate until we say so */
	svc_quorum_set(svc, &none);
	r = read_config(st, false, &error);
	if (r < 0) {
		svc_set_error(svc, "%s", error ? error : strerror(-r));
		if (st->ev_tracking_fd >= 0)
			close(st->ev_tracking_fd);
		st->ev_tracking_fd = -1;
		return r;
	}
	recalculate(st, false, false);
	for (size_t i = 0; i < sizeof(ro_keys) / sizeof(ro_keys[0]); i++)
		(void)icmap_set_ro_key(st->cmap, ro_keys[i]);
	icmap_track_add(st->cmap, "nodelist.",
			ICMAP_TRACK_ADD | ICMAP_TRACK_DELETE | ICMAP_TRACK_MODIFY | ICMAP_TRACK_PREFIX,
			config_changed, st, &st->track_nodelist);
	icmap_track_add(st->cmap, "quorum.",
			ICMAP_TRACK_ADD | ICMAP_TRACK_DELETE | ICMAP_TRACK_MODIFY | ICMAP_TRACK_PREFIX,
			config_changed, st, &st->track_quorum);
	icmap_track_add(st->cmap, "config.totemconfig_reload_in_progress",
			ICMAP_TRACK_ADD | ICMAP_TRACK_MODIFY, config_changed, st, &st->track_reload);
	send_nodeinfo(st, st->our_id);
	return 0;
}

static void vq_fini(struct svc *svc)
{
	struct vq_state *st = svc_state(svc);

	/* with allow_downscale the others lower expected votes when we leave */
	if (st->allow_downscale) {
		us(st)->flags |= VQ_NODE_LEAVING;
		send_nodeinfo(st, st->our_id);
	}
	icmap_track_delete(st->cmap, st->track_nodelist);
	icmap_track_delete(st->cmap, st->track_quorum);
	icmap_track_delete(st->cmap, st->track_reload);
	svc_timer_stop(&st->lms_timer);
	svc_timer_stop(&st->qdevice_timer);
	if (st->qdevice_reg_conn) {
		svc_conn_unref(st->qdevice_reg_conn);
		st->qdevice_reg_conn = NULL;
	}
	if (st->ev_tracking_fd >= 0)
		close(st->ev_tracking_fd);
	st->ev_tracking_fd = -1;
}

static int vq_conn_open(struct svc_conn *conn)
{
	struct vq_conn *c = svc_conn_state(conn);

	c->conn = conn;
	return 0;
}

/* Tracking ends with the connection; a qdevice registration survives it. */
static void vq_conn_close(struct svc_conn *conn)
{
	untrack(svc_state(svc_conn_svc(conn)), svc_conn_state(conn));
}

void vq_status_get(struct svc *svc, struct vq_status *ret)
{
	struct vq_state *st = svc_state(svc);
	const struct vq_node *me = us(st);

	memset(ret, 0, sizeof(*ret));
	ret->quorum = st->quorum;
	ret->quorate = st->quorate;
	(void)member_totals(st, me, &ret->total_votes, &ret->highest_expected);
	ret->expected_votes = me->expected_votes;
	ret->votes = me->votes;
	ret->qdevice_votes = st->qdevice.votes;
	ret->wait_for_all_status = st->wait_for_all_status;
	ret->flags = info_flags(st, me);
	ret->ring_rep = st->ring_rep;
	ret->ring_seq = st->ring_seq;
	ret->members = st->members;
	ret->members_count = st->members_count;
}

static void vq_dump(struct svc *svc, FILE *out)
{
	struct vq_state *st = svc_state(svc);

	fprintf(out, "votequorum: quorum %" PRIu32 " quorate %d ring %" PRIx32 ".%" PRIx64
		" nodes %zu qdevice '%s' votes %" PRIu32 "\n", st->quorum, st->quorate, st->ring_rep,
		st->ring_seq, st->nodes_count, st->qdevice_name, st->qdevice.votes);
	for (size_t i = 0; i < st->nodes_count; i++)
		fprintf(out, "votequorum: node %" PRIu32 " state %" PRIu32 " votes %" PRIu32
			" expected %" PRIu32 " flags 0x%" PRIx32 "\n", st->nodes[i].nodeid,
			st->nodes[i].state, st->nodes[i].votes, st->nodes[i].expected_votes,
			st->nodes[i].flags);
}

/* ---- declaration ---------------------------------------------------------------- */

/* All "flow control not required", as corosync 3.1.7's votequorum lib handlers. */
static const struct svc_ipc_op vq_ipc_ops[] = {
	{ MESSAGE_REQ_VOTEQUORUM_GETINFO, 0, sizeof(struct req_lib_votequorum_getinfo), 0,
	  handle_getinfo },
	{ MESSAGE_REQ_VOTEQUORUM_SETEXPECTED, 0, sizeof(struct req_lib_votequorum_setexpected), 0,
	  handle_setexpected },
	{ MESSAGE_REQ_VOTEQUORUM_SETVOTES, 0, sizeof(struct req_lib_votequorum_setvotes), 0,
	  handle_setvotes },
	{ MESSAGE_REQ_VOTEQUORUM_TRACKSTART, 0, sizeof(struct req_lib_votequorum_trackstart), 0,
	  handle_trackstart },
	{ MESSAGE_REQ_VOTEQUORUM_TRACKSTOP, 0, sizeof(struct req_lib_votequorum_general), 0,
	  handle_trackstop },
	{ MESSAGE_REQ_VOTEQUORUM_QDEVICE_REGISTER, 0,
	  sizeof(struct req_lib_votequorum_qdevice_register), 0, handle_qdevice_register },
	{ MESSAGE_REQ_VOTEQUORUM_QDEVICE_UNREGISTER, 0,
	  sizeof(struct req_lib_votequorum_qdevice_register), 0, handle_qdevice_unregister },
	{ MESSAGE_REQ_VOTEQUORUM_QDEVICE_UPDATE, 0, sizeof(struct req_lib_votequorum_qdevice_update),
	  0, handle_qdevice_update },
	{ MESSAGE_REQ_VOTEQUORUM_QDEVICE_POLL, 0, sizeof(struct req_lib_votequorum_qdevice_poll), 0,
	  handle_qdevice_poll },
	{ MESSAGE_REQ_VOTEQUORUM_QDEVICE_MASTER_WINS, 0,
	  sizeof(struct req_lib_votequorum_qdevice_master_wins), 0, handle_qdevice_master_wins },
};

static const struct svc_totem_op vq_totem_ops[] = {
	{ VQ_EXEC_NODEINFO, sizeof(struct vq_exec_nodeinfo), nodeinfo_to_host, exec_nodeinfo },
	{ VQ_EXEC_RECONFIGURE, sizeof(struct vq_exec_reconfigure), reconfigure_to_host,
	  exec_reconfigure },
	{ VQ_EXEC_QDEVICE_REG, sizeof(struct vq_exec_qdevice_reg), qdevice_reg_to_host,
	  exec_qdevice_reg },
	{ VQ_EXEC_QDEVICE_RECONFIGURE, sizeof(struct vq_exec_qdevice_reconfigure), NULL,
	  exec_qdevice_reconfigure },
};

static const struct svc_sync_ops vq_sync_ops = {
	.init = vq_sync_init,
	.process = vq_sync_process,
	.activate = vq_sync_activate,
	.abort = vq_sync_abort,
};

const struct svc_def votequorum_service_def = {
	.abi = SVC_ABI,
	.id = VOTEQUORUM_SERVICE_ID,
	.priority = 5,
	.name = "corosync_votequorum",
	.ipc_name = "votequorum",
	.state_size = sizeof(struct vq_state),
	.conn_state_size = sizeof(struct vq_conn),
	.ipc_ops = vq_ipc_ops,
	.ipc_ops_count = sizeof(vq_ipc_ops) / sizeof(vq_ipc_ops[0]),
	.totem_ops = vq_totem_ops,
	.totem_ops_count = sizeof(vq_totem_ops) / sizeof(vq_totem_ops[0]),
	.sync = &vq_sync_ops,
	.init = vq_init,
	.fini = vq_fini,
	.conn_open = vq_conn_open,
	.conn_close = vq_conn_close,
	.dump = vq_dump,
};
