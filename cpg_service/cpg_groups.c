/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster-wide process list, the events CPG sends to clients, and the
 * handlers of the totem messages (behaviour of corosync v3.1.7
 * exec/cpg.c: do_proc_join, do_proc_leave, message_handler_req_exec_cpg_*).
 *
 * Everything from a peer is validated before use (name length, msglen and
 * fraglen against the delivered length, JOINLIST entries inside the
 * delivered length); a bad message is counted and logged at debug only, so
 * a peer cannot flood the log.  Delivery builds the event header once and
 * sends the same iovecs to every local member: no copy, no allocation.
 */
#define LOG_SUBSYS LOG_SUBSYS_CPG

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/corotypes.h>
#include <chorus/log.h>

#include "cpg_service/cpg_int.h"

/* ---- names ----------------------------------------------------------------- */

bool cpg_gname_from_mar(struct cpg_gname *dst, const mar_cpg_name_t *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->length > CPG_WIRE_NAME_MAX)
		return false;
	dst->len = src->length;
	memcpy(dst->value, src->value, src->length);
	return true;
}

void cpg_gname_to_mar(mar_cpg_name_t *dst, const struct cpg_gname *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->length = src->len;
	memcpy(dst->value, src->value, src->len);
}

bool cpg_gname_eq(const struct cpg_gname *a, const struct cpg_gname *b)
{
	return a->len == b->len && memcmp(a->value, b->value, a->len) == 0;
}

/* Byte order of the names, then the shorter first: corosync orders its
 * per-group confchgs by strcmp() of the names, which this matches for names
 * without NUL bytes, while also working for names that contain them. */
int cpg_gname_cmp(const struct cpg_gname *a, const struct cpg_gname *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->value, b->value, n);

	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* ---- process list ---------------------------------------------------------- */

struct cpg_proc *cpg_proc_find(struct cpg_state *st, uint32_t nodeid, uint32_t pid,
			       const struct cpg_gname *name)
{
	size_t i;

	for (i = 0; i < st->procs_count; i++) {
		struct cpg_proc *p = &st->procs[i];

		if (p->nodeid == nodeid && p->pid == pid && cpg_gname_eq(&p->name, name))
			return p;
	}
	return NULL;
}

/* Sorted by (nodeid, pid); the same process in another group goes after the
 * entries already there (corosync v3.1.7 exec/cpg.c, do_proc_join). */
int cpg_proc_insert(struct cpg_state *st, uint32_t nodeid, uint32_t pid,
		    const struct cpg_gname *name)
{
	size_t pos;

	if (st->procs_count == st->procs_cap) {
		size_t cap = st->procs_cap ? st->procs_cap * 2 : 64;
		struct cpg_proc *n = realloc(st->procs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		st->procs = n;
		st->procs_cap = cap;
	}
	for (pos = st->procs_count; pos > 0; pos--) {
		const struct cpg_proc *p = &st->procs[pos - 1];

		if (p->nodeid < nodeid || (p->nodeid == nodeid && p->pid <= pid))
			break;
	}
	memmove(&st->procs[pos + 1], &st->procs[pos], (st->procs_count - pos) * sizeof(*st->procs));
	st->procs[pos].nodeid = nodeid;
	st->procs[pos].pid = pid;
	st->procs[pos].name = *name;
	st->procs_count++;
	return 0;
}

void cpg_proc_remove_at(struct cpg_state *st, size_t index)
{
	memmove(&st->procs[index], &st->procs[index + 1],
		(st->procs_count - index - 1) * sizeof(*st->procs));
	st->procs_count--;
}

/* ---- events ------------------------------------------------------------------ */

bool cpg_conn_gets_events(const struct cpg_conn *c, const struct cpg_gname *group)
{
	return !c->finalized &&
	       (c->state == CPD_JOIN_COMPLETED || c->state == CPD_LEAVE_STARTED) &&
	       cpg_gname_eq(&c->group, group);
}

/* libcpg copies each list into a 128-entry array: never send more (a
 * deliberate difference from corosync, which overflows the client). */
static size_t cap_list(struct cpg_state *st, size_t n, const char *what)
{
	if (n <= CPG_WIRE_MEMBERS_MAX)
		return n;
	st->counters.truncated++;
	log_debug("%s list of %zu entries cut to %d for clients", what, n, CPG_WIRE_MEMBERS_MAX);
	return CPG_WIRE_MEMBERS_MAX;
}

static void addr_set(mar_cpg_address_t *a, uint32_t nodeid, uint32_t pid, uint32_t reason)
{
	memset(a, 0, sizeof(*a));
	a->nodeid = nodeid;
	a->pid = pid;
	a->reason = reason;
}

static void totem_confchg_send(struct cpg_state *st, struct cpg_conn *c, const uint32_t *members,
			       size_t count)
{
	uint8_t buf[sizeof(struct res_lib_cpg_totem_confchg_callback) +
		    CPG_WIRE_MEMBERS_MAX * sizeof(uint32_t)] __attribute__((aligned(8)));
	struct res_lib_cpg_totem_confchg_callback *ev = (void *)buf;
	struct iovec iov;
	size_t n = cap_list(st, count, "totem member");

	memset(buf, 0, sizeof(buf));
	ev->header.id = MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK;
	ev->header.error = CS_OK;
	ev->ring_id.nodeid = st->ring_nodeid;
	ev->ring_id.seq = st->ring_seq;
	ev->member_list_entries = (uint32_t)n;
	memcpy(ev->member_list, members, n * sizeof(uint32_t));
	/* The array starts at 44 but the size is sizeof (48) + 4n, as libcpg expects:
	 * the last 4 bytes are padding. */
	ev->header.size = (int32_t)(sizeof(*ev) + n * sizeof(uint32_t));
	iov.iov_base = buf;
	iov.iov_len = (size_t)ev->header.size;
	(void)svc_event(c->conn, &iov, 1);
}

void cpg_totem_confchg(struct cpg_state *st, struct cpg_conn *c)
{
	totem_confchg_send(st, c, st->members, st->members_count);
}

/* The initial totem confchg (flag 0x01) carries the last activated member
 * list with the current ring id, as corosync's does (v3.1.7 exec/cpg.c,
 * notify_lib_joinlist: my_old_member_list, last_sync_ring_id); they differ
 * from the new list only between a sync's init and its activation. */
static void initial_totem_confchg(struct cpg_state *st, struct cpg_conn *c)
{
	if (st->old_members_count)
		totem_confchg_send(st, c, st->old_members, st->old_members_count);
	else
		totem_confchg_send(st, c, st->members, st->members_count);
}

void cpg_confchg(struct cpg_state *st, const struct cpg_gname *group,
		 const struct cpg_proc *left, size_t left_count, uint32_t left_reason,
		 const struct cpg_proc *joined, size_t joined_count, uint32_t joined_reason)
{
	struct res_lib_cpg_confchg_callback *ev = (void *)st->evbuf;
	mar_cpg_address_t *a = ev->member_list;
	struct cpg_conn *c;
	struct iovec iov;
	size_t i, m = 0, total = 0, n;

	/* libcpg drops the assemblies of the processes in the left list */
	for (i = 0; i < left_count; i++)
		cpg_partial_left(st, group, left[i].nodeid, left[i].pid);
	for (i = 0; i < st->procs_count; i++)
		if (cpg_gname_eq(&st->procs[i].name, group))
			total++;
	n = cap_list(st, total, "member");
	for (i = 0; i < st->procs_count && m < n; i++)
		if (cpg_gname_eq(&st->procs[i].name, group))
			addr_set(&a[m++], st->procs[i].nodeid, st->procs[i].pid, 0);
	left_count = cap_list(st, left_count, "left");
	joined_count = cap_list(st, joined_count, "joined");
	for (i = 0; i < left_count; i++)
		addr_set(&a[m + i], left[i].nodeid, left[i].pid, left_reason);
	for (i = 0; i < joined_count; i++)
		addr_set(&a[m + left_count + i], joined[i].nodeid, joined[i].pid, joined_reason);

	memset(ev, 0, sizeof(*ev));
	ev->header.id = MESSAGE_RES_CPG_CONFCHG_CALLBACK;
	ev->header.error = CS_OK;
	ev->header.size = (int32_t)(sizeof(*ev) + (m + left_count + joined_count) * sizeof(*a));
	cpg_gname_to_mar(&ev->group_name, group);
	ev->member_list_entries = (uint32_t)m;
	ev->left_list_entries = (uint32_t)left_count;
	ev->joined_list_entries = (uint32_t)joined_count;
	iov.iov_base = ev;
	iov.iov_len = (size_t)ev->header.size;

	for (c = st->conns; c; c = c->next) {
		if (!cpg_conn_gets_events(c, group))
			continue;
		(void)svc_event(c->conn, &iov, 1);
		c->transition_counter++;
	}
	/* A connection that asked for it (flag 0x01) gets the current totem
	 * membership right after the first confchg sent after its join. */
	for (c = st->conns; c; c = c->next) {
		if (!c->finalized && (c->flags & 0x01) && !c->initial_totem_conf_sent &&
		    c->state != CPD_UNJOINED) {
			c->initial_totem_conf_sent = true;
			initial_totem_confchg(st, c);
		}
	}
}

/* ---- iteration snapshots -------------------------------------------------------- */

/* Order of corosync v3.1.7 exec/cpg.c, message_handler_req_lib_cpg_iteration_initialize:
 * each entry goes right after the first entry of its group already in the
 * list, or at the front; NAME_ONLY keeps the first of each group only. */
int cpg_iter_build(struct cpg_state *st, struct cpg_iter *it, uint32_t type,
		   const struct cpg_gname *group)
{
	size_t i, j, n = 0;
	struct cpg_proc *items;

	items = malloc((st->procs_count ? st->procs_count : 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (i = 0; i < st->procs_count; i++) {
		const struct cpg_proc *p = &st->procs[i];
		size_t pos = 0;

		if (type == CPG_ITER_ONE_GROUP && !cpg_gname_eq(&p->name, group))
			continue;
		for (j = 0; j < n; j++)
			if (cpg_gname_eq(&items[j].name, &p->name))
				break;
		if (j < n) {
			if (type == CPG_ITER_NAME_ONLY)
				continue;
			pos = j + 1;
		}
		memmove(&items[pos + 1], &items[pos], (n - pos) * sizeof(*items));
		items[pos] = *p;
		if (type == CPG_ITER_NAME_ONLY)
			items[pos].nodeid = items[pos].pid = 0;
		n++;
	}
	it->items = items;
	it->count = n;
	it->pos = 0;
	return 0;
}

/* ---- byte order of foreign senders ----------------------------------------------- */

#define SW32(x) ((x) = __builtin_bswap32(x))
#define SW64(x) ((x) = __builtin_bswap64(x))

void cpg_procjoin_to_host(void *msg, size_t len)
{
	struct req_exec_cpg_procjoin *m = msg;

	(void)len;
	SW32(m->group_name.length);
	SW32(m->pid);
	SW32(m->reason);
}

void cpg_joinlist_to_host(void *msg, size_t len)
{
	struct req_exec_cpg_joinlist *m = msg;
	size_t off;

	m->header.error = (int32_t)__builtin_bswap32((uint32_t)m->header.error);
	for (off = sizeof(*m); off + sizeof(struct join_list_entry) <= len;
	     off += sizeof(struct join_list_entry)) {
		struct join_list_entry *e = (void *)((uint8_t *)msg + off);

		SW32(e->pid);
		SW32(e->group_name.length);
	}
}

void cpg_mcast_to_host(void *msg, size_t len)
{
	struct req_exec_cpg_mcast *m = msg;

	(void)len;
	SW32(m->group_name.length);
	SW32(m->msglen);
#if CPG_SIM_PLANT != 4   /* test/sim plant: a foreign sender's pid left unswapped */
	SW32(m->pid);
#endif
	SW32(m->source.nodeid);
	SW64(m->source.conn);
}

void cpg_partial_mcast_to_host(void *msg, size_t len)
{
	struct req_exec_cpg_partial_mcast *m = msg;

	(void)len;
	SW32(m->group_name.length);
	SW32(m->msglen);
	SW32(m->fraglen);
	SW32(m->pid);
	SW32(m->type);
	SW32(m->source.nodeid);
	SW64(m->source.conn);
}

void cpg_downlist_old_to_host(void *msg, size_t len)
{
	struct req_exec_cpg_downlist_old *m = msg;
	size_t i;

	if (len < offsetof(struct req_exec_cpg_downlist_old, nodeids))
		return;
	SW32(m->left_nodes);
	for (i = 0; i < CPG_WIRE_PROCESSORS_MAX &&
		    offsetof(struct req_exec_cpg_downlist_old, nodeids) + (i + 1) * 4 <= len; i++)
		SW32(m->nodeids[i]);
}

void cpg_downlist_to_host(void *msg, size_t len)
{
	struct req_exec_cpg_downlist *m = msg;
	size_t i;

	if (len < offsetof(struct req_exec_cpg_downlist, nodeids))
		return;
	SW32(m->old_members);
	SW32(m->left_nodes);
	for (i = 0; i < CPG_WIRE_PROCESSORS_MAX &&
		    offsetof(struct req_exec_cpg_downlist, nodeids) + (i + 1) * 4 <= len; i++)
		SW32(m->nodeids[i]);
}

/* ---- totem handlers ---------------------------------------------------------------- */

static void peer_drop(struct cpg_state *st, uint32_t from, const char *what)
{
	st->counters.peer_dropped++;
	log_debug("dropping malformed %s from node %" PRIu32, what, from);
}

void cpg_exec_procjoin(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct cpg_state *st = svc_state(svc);
	const struct req_exec_cpg_procjoin *m = msg;
	struct cpg_gname name;
	struct cpg_proc joined;
	struct cpg_conn *c, *joiner = NULL;

	(void)len;
	if (!cpg_gname_from_mar(&name, &m->group_name)) {
		peer_drop(st, from, "PROCJOIN");
		return;
	}
	if (cpg_proc_find(st, from, m->pid, &name))
		return;
	if (cpg_proc_insert(st, from, m->pid, &name) < 0) {
		log_err("out of memory adding a group member");
		return;
	}
	if (from == st->nodeid)
		for (c = st->conns; c; c = c->next)
			if (c->state == CPD_JOIN_STARTED && c->pid == m->pid &&
			    cpg_gname_eq(&c->group, &name)) {
				c->state = CPD_JOIN_COMPLETED;
				joiner = c;
			}
	joined.nodeid = from;
	joined.pid = m->pid;
	joined.name = name;
	cpg_confchg(st, &name, NULL, 0, 0, &joined, 1, CONFCHG_CPG_REASON_JOIN);
	/* right after its own JOIN: the fragments of the group's messages in
	 * progress that the older members got (cpg_partial.c) */
	if (joiner)
		cpg_partial_replay(st, joiner);
}

void cpg_exec_procleave(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct cpg_state *st = svc_state(svc);
	const struct req_exec_cpg_procjoin *m = msg;
	struct cpg_gname name;
	struct cpg_proc left, *p;
	struct cpg_conn *c;

	(void)len;
	if (!cpg_gname_from_mar(&name, &m->group_name)) {
		peer_drop(st, from, "PROCLEAVE");
		return;
	}
	p = cpg_proc_find(st, from, m->pid, &name);
	if (p) {
		left = *p;
		cpg_proc_remove_at(st, (size_t)(p - st->procs));
		cpg_confchg(st, &name, &left, 1, m->reason, NULL, 0, 0);
	} else {
		/* corosync announces a leave even for an unknown process (e.g. its
		 * LEAVE that names another group); we ignore it: a left entry that
		 * was never a member only confuses clients. */
		log_debug("PROCLEAVE for unknown process %" PRIu32 "/%" PRIu32, from, m->pid);
	}
	/* Deliberate fix of corosync 3.1.7 (exec/cpg.c, notify_lib_joinlist; docs/compat.md): once its own LEAVE
	 * is delivered the connection is unjoined and may join again (also when
	 * the process was already gone from the list, or it would stay
	 * LEAVE_STARTED for ever). */
#if CPG_SIM_PLANT == 2
	/* test/sim's planted bug 2 (corosync 3.1.7's behaviour): the connection
	 * stays LEAVE_STARTED and keeps getting the group's events */
	if (false)
#else
	if (from == st->nodeid && m->reason == CONFCHG_CPG_REASON_LEAVE)
#endif
		for (c = st->conns; c; c = c->next)
			if (c->state == CPD_LEAVE_STARTED && c->pid == m->pid &&
			    cpg_gname_eq(&c->group, &name)) {
				c->state = CPD_UNJOINED;
				c->pid = 0;
				memset(&c->group, 0, sizeof(c->group));
			}
}

void cpg_exec_joinlist(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct cpg_state *st = svc_state(svc);
	size_t off;

	if (!st->syncing) {
		st->counters.joinlist_ignored++;
		log_debug("JOINLIST from node %" PRIu32 " outside a sync round ignored", from);
		return;
	}
	for (off = sizeof(struct req_exec_cpg_joinlist); off + sizeof(struct join_list_entry) <= len;
	     off += sizeof(struct join_list_entry)) {
		const struct join_list_entry *e = (const void *)((const uint8_t *)msg + off);
		struct cpg_proc *p;

		if (e->group_name.length > CPG_WIRE_NAME_MAX) {
			peer_drop(st, from, "JOINLIST entry");
			continue;
		}
		if (st->joinlists_count >= CPG_JOINLIST_ROUND_MAX) {
			if (st->counters.joinlist_overflow == 0)
				log_warn("more than %u JOINLIST entries in one sync round: "
					 "the rest are ignored (from node %" PRIu32 " on)",
					 CPG_JOINLIST_ROUND_MAX, from);
			st->counters.joinlist_overflow += (len - off) / sizeof(struct join_list_entry);
			return;
		}
		if (st->joinlists_count == st->joinlists_cap) {
			size_t cap = st->joinlists_cap ? st->joinlists_cap * 2 : 64;
			struct cpg_proc *n = realloc(st->joinlists, cap * sizeof(*n));

			if (!n) {
				log_err("out of memory storing a JOINLIST");
				return;
			}
			st->joinlists = n;
			st->joinlists_cap = cap;
		}
		p = &st->joinlists[st->joinlists_count++];
		p->nodeid = from;
		p->pid = e->pid;
		(void)cpg_gname_from_mar(&p->name, &e->group_name);
	}
}

void cpg_exec_mcast(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct cpg_state *st = svc_state(svc);
	const struct req_exec_cpg_mcast *m = msg;
	struct res_lib_cpg_deliver_callback ev;
	struct cpg_gname name;
	struct iovec iov[2];
	struct cpg_conn *c;

	if (!cpg_gname_from_mar(&name, &m->group_name) || m->msglen > len - sizeof(*m)) {
		peer_drop(st, from, "MCAST");
		return;
	}
	/*
	 * Only from a member of the group: every local member's view is the
	 * group's process list, so a message from a process outside it is a
	 * delivery out of view.  corosync (v3.1.7 exec/cpg.c,
	 * message_handler_req_exec_cpg_mcast) checks only that the sender's
	 * node has some process in the group.  A process with no entry while
	 * its node has others: its PROCJOIN was the message a merge cut in
	 * totempg (pg_ring_merged(), dropped on every node), its MCASTs
	 * behind it were not (test/sim seeds 187472129711508, 9673757647861;
	 * docs/compat.md).  chorus senders no longer split a PROCJOIN
	 * (totemsrp/pg.c, pg_whole_max()); corosync 3.1.7 senders do.  Every
	 * node has the same list at this point of the total order, so every
	 * node drops the same messages.
	 */
	if (!cpg_proc_find(st, from, m->pid, &name)) {
		st->counters.unknown_sender++;
		log_debug("MCAST from %" PRIu32 "/%" PRIu32 ", not a member of the group: dropped",
			  from, m->pid);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.header.id = MESSAGE_RES_CPG_DELIVER_CALLBACK;
	ev.header.size = (int32_t)(sizeof(ev) + m->msglen);
	ev.header.error = CS_OK;
	cpg_gname_to_mar(&ev.group_name, &name);
	ev.msglen = m->msglen;
	ev.nodeid = from;
	ev.pid = m->pid;
	iov[0].iov_base = &ev;
	iov[0].iov_len = sizeof(ev);
	iov[1].iov_base = (void *)m->message;
	iov[1].iov_len = m->msglen;
	for (c = st->conns; c; c = c->next)
		if (cpg_conn_gets_events(c, &name)) {
			(void)svc_event(c->conn, iov, 2);
			st->counters.delivered++;
		}
}

void cpg_partial_ev_fill(struct res_lib_cpg_partial_deliver_callback *ev,
			 const struct cpg_gname *group, uint32_t nodeid, uint32_t pid, uint32_t type,
			 uint32_t msglen, uint32_t fraglen)
{
	memset(ev, 0, sizeof(*ev));
	ev->header.id = MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK;
	ev->header.size = (int32_t)(sizeof(*ev) + fraglen);
	ev->header.error = CS_OK;
	cpg_gname_to_mar(&ev->group_name, group);
	ev->msglen = msglen;
	ev->fraglen = fraglen;
	ev->nodeid = nodeid;
	ev->pid = pid;
	ev->type = type;
}

void cpg_exec_partial_mcast(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct cpg_state *st = svc_state(svc);
	const struct req_exec_cpg_partial_mcast *m = msg;
	struct res_lib_cpg_partial_deliver_callback ev;
	struct cpg_gname name;
	struct iovec iov[2];
	struct cpg_conn *c;

	if (!cpg_gname_from_mar(&name, &m->group_name) || m->fraglen > len - sizeof(*m) ||
	    m->fraglen > m->msglen) {
		peer_drop(st, from, "PARTIAL_MCAST");
		return;
	}
	/* only from a member of the group, as cpg_exec_mcast() */
	if (!cpg_proc_find(st, from, m->pid, &name)) {
		st->counters.unknown_sender++;
		log_debug("PARTIAL_MCAST from %" PRIu32 "/%" PRIu32 ", not a member of the group: "
			  "dropped", from, m->pid);
		return;
	}
	cpg_partial_ev_fill(&ev, &name, from, m->pid, m->type, m->msglen, m->fraglen);
	iov[0].iov_base = &ev;
	iov[0].iov_len = sizeof(ev);
	iov[1].iov_base = (void *)m->message;
	iov[1].iov_len = m->fraglen;
	/* tracked, and kept for processes of this node that join before its LAST */
	if (!cpg_partial_admit(st, &name, from, m))
		return;
	for (c = st->conns; c; c = c->next)
		if (cpg_conn_gets_events(c, &name)) {
			(void)svc_event(c->conn, iov, 2);
			st->counters.delivered++;
		}
}

/* corosync 3.x only logs received downlists; each node applies its own. */
void cpg_exec_downlist_old(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	(void)svc;
	(void)msg;
	log_debug("old-style DOWNLIST (%zu bytes) from node %" PRIu32 " ignored", len, from);
}

void cpg_exec_downlist(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	const struct req_exec_cpg_downlist *m = msg;

	(void)svc;
	if (len >= offsetof(struct req_exec_cpg_downlist, nodeids))
		log_debug("DOWNLIST from node %" PRIu32 ": %" PRIu32 " old members, %" PRIu32 " left",
			  from, m->old_members, m->left_nodes);
}
