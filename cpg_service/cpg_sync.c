/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPG's part of sync (behaviour of corosync v3.1.7 exec/cpg.c, cpg_sync_init/process/activate/
 * abort) and the queue of multicasts that must not be lost.
 *
 * init:     remember ring id and members, compute MY downlist (my last
 *           activated members minus the transitional members), forget any
 *           JOINLIST stored so far.
 * process:  DOWNLIST once (informational), then JOINLIST(s) of the local
 *           processes; -EAGAIN when totem is full, to be called again.
 * activate: NODEDOWN per group, NODEUP per group, PROCDOWN per zombie, then
 *           the totem membership to every connection; when the new ring
 *           cut a message of mine (svc_view.own_message_cut), the PROCLEAVEs
 *           of my gone processes still listed and the PROCJOINs of my
 *           joining ones not listed are queued again (resend_lost_leaves,
 *           resend_lost_joins).
 * abort:    forget the stored JOINLISTs.  corosync 3.1.7 kept them after an
 *           aborted round (ghost members); we drop them on abort and on
 *           every init, so a round aborted in its barrier phase (where the
 *           sync engine does not call abort) is covered too.
 */
#define LOG_SUBSYS LOG_SUBSYS_CPG

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <chorus/log.h>

#include "cpg_service/cpg_int.h"

static bool id_in(const uint32_t *ids, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void joinlists_drop(struct cpg_state *st)
{
	free(st->joinlists);
	st->joinlists = NULL;
	st->joinlists_count = st->joinlists_cap = 0;
}

void cpg_sync_init(struct svc *svc, const struct svc_view *view)
{
	struct cpg_state *st = svc_state(svc);
	size_t i, n;

	joinlists_drop(st);
	st->counters.joinlist_overflow = 0;
	st->syncing = true;
	st->downlist_sent = false;
	st->joinlist_sent = 0;
	st->ring_nodeid = view->rep_nodeid;
	st->ring_seq = view->ring_seq;
	/* kept over an aborted round: the cut message stays lost */
	if (view->own_message_cut)
		st->resend_cut = true;
	n = view->members_count < CPG_WIRE_PROCESSORS_MAX ? view->members_count :
							    CPG_WIRE_PROCESSORS_MAX;
	memcpy(st->members, view->members, n * sizeof(uint32_t));
	st->members_count = n;
	st->downlist_count = 0;
	for (i = 0; i < st->old_members_count; i++)
		if (!id_in(view->trans, view->trans_count, st->old_members[i]))
			st->downlist[st->downlist_count++] = st->old_members[i];
	/* Nodes that were not in my transitional configuration never got the
	 * first fragments of the messages in progress: cut them (cpg_partial.c). */
	for (i = 0; i < n; i++)
		if (!id_in(view->trans, view->trans_count, st->members[i])) {
			cpg_partial_cut_all(st);
			break;
		}
	log_debug("sync init: ring %" PRIx32 ".%" PRIx64 ", %zu members, %zu nodes down",
		  st->ring_nodeid, st->ring_seq, st->members_count, st->downlist_count);
}

static size_t local_procs(const struct cpg_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->procs_count; i++)
		n += st->procs[i].nodeid == st->nodeid;
	return n;
}

static int send_joinlist(struct cpg_state *st, size_t total)
{
	size_t count = total - st->joinlist_sent, i, skip = st->joinlist_sent, k = 0;
	struct req_exec_cpg_joinlist *m;
	struct join_list_entry *e;
	struct iovec iov;
	size_t size;
	int r;

	if (count > CPG_JOINLIST_MAX)
		count = CPG_JOINLIST_MAX;
	size = sizeof(*m) + count * sizeof(*e);
	m = calloc(1, size);
	if (!m)
		return -ENOMEM;
	e = (struct join_list_entry *)(m + 1);
	for (i = 0; i < st->procs_count && k < count; i++) {
		if (st->procs[i].nodeid != st->nodeid)
			continue;
		if (skip) {
			skip--;
			continue;
		}
		e[k].pid = st->procs[i].pid;
		cpg_gname_to_mar(&e[k].group_name, &st->procs[i].name);
		k++;
	}
	m->header.error = 0;
	iov.iov_base = m;
	iov.iov_len = sizeof(*m) + k * sizeof(*e);
	r = svc_mcast(st->svc, MESSAGE_REQ_EXEC_CPG_JOINLIST, &iov, 1, SVC_AGREED);
	free(m);
	if (r == 0)
		st->joinlist_sent += k;
	return r;
}

int cpg_sync_process(struct svc *svc)
{
	struct cpg_state *st = svc_state(svc);
	size_t total;
	int r;

	if (!st->downlist_sent) {
		struct req_exec_cpg_downlist dl;
		struct iovec iov = { .iov_base = &dl, .iov_len = sizeof(dl) };

		memset(&dl, 0, sizeof(dl));
		dl.old_members = (uint32_t)st->old_members_count;
		dl.left_nodes = (uint32_t)st->downlist_count;
		memcpy(dl.nodeids, st->downlist, st->downlist_count * sizeof(uint32_t));
		r = svc_mcast(svc, MESSAGE_REQ_EXEC_CPG_DOWNLIST, &iov, 1, SVC_AGREED);
		if (r == -EAGAIN)
			return -EAGAIN;
		if (r < 0)
			log_err("cannot send DOWNLIST: %s", strerror(-r));
		st->downlist_sent = true;
	}
	total = local_procs(st);
	while (st->joinlist_sent < total) {
		r = send_joinlist(st, total);
		if (r == -EAGAIN)
			return -EAGAIN;
		if (r < 0) {
			log_err("cannot send JOINLIST: %s", strerror(-r));
			break;
		}
	}
	return 0;
}

static int group_ptr_cmp(const void *a, const void *b)
{
	const struct cpg_proc *const *pa = a, *const *pb = b;

	return cpg_gname_cmp(&(*pa)->name, &(*pb)->name);
}

/*
 * One confchg per group of entries (in group byte order), with the group's
 * entries as the left list (in their order) or as the joined list (in
 * reverse order, as corosync builds it).
 */
static void confchg_grouped(struct cpg_state *st, const struct cpg_proc *entries, size_t n,
			    bool left, uint32_t reason)
{
	const struct cpg_proc **groups;
	struct cpg_proc *tmp;
	size_t g = 0, i, j, k;

	if (n == 0)
		return;
	groups = malloc(n * sizeof(*groups));
	tmp = malloc(n * sizeof(*tmp));
	if (!groups || !tmp) {
		log_err("out of memory building membership events");
		free(groups);
		free(tmp);
		return;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < g; j++)
			if (cpg_gname_eq(&groups[j]->name, &entries[i].name))
				break;
		if (j == g)
			groups[g++] = &entries[i];
	}
	qsort(groups, g, sizeof(*groups), group_ptr_cmp);
	for (j = 0; j < g; j++) {
		k = 0;
		for (i = 0; i < n; i++)
			if (cpg_gname_eq(&entries[i].name, &groups[j]->name))
				tmp[k++] = entries[i];
		if (left)
			cpg_confchg(st, &groups[j]->name, tmp, k, reason, NULL, 0, 0);
		else
			cpg_confchg(st, &groups[j]->name, NULL, 0, 0, tmp, k, reason);
	}
	free(groups);
	free(tmp);
}

static bool in_joinlists(const struct cpg_state *st, const struct cpg_proc *p)
{
	size_t i;

	for (i = 0; i < st->joinlists_count; i++) {
		const struct cpg_proc *j = &st->joinlists[i];

		if (j->nodeid == p->nodeid && j->pid == p->pid && cpg_gname_eq(&j->name, &p->name))
			return true;
	}
	return false;
}

/* Does a connection of this node still hold the process (joined or leaving)? */
static bool local_proc_held(const struct cpg_state *st, const struct cpg_proc *p)
{
	const struct cpg_conn *c;

	for (c = st->conns; c; c = c->next)
		if (c->state != CPD_UNJOINED && c->pid == p->pid && cpg_gname_eq(&c->group, &p->name))
			return true;
	return false;
}

/* Is a message of fn for (pid, name) waiting in the queue of cpg_send_reliable()? */
bool cpg_msg_queued(const struct cpg_state *st, uint16_t fn, uint32_t pid,
		    const struct cpg_gname *name)
{
	struct cpg_gname n;
	size_t i;

	for (i = 0; i < st->pending_count; i++) {
		const struct req_exec_cpg_procjoin *m =
			&st->pending[(st->pending_head + i) % CPG_PENDING_MAX];

		if (m->header.id == fn && m->pid == pid && cpg_gname_from_mar(&n, &m->group_name) &&
		    cpg_gname_eq(&n, name))
			return true;
	}
	return false;
}

/* Is a PROCLEAVE for the process still waiting in the queue of cpg_send_reliable()? */
static bool leave_queued(const struct cpg_state *st, const struct cpg_proc *p)
{
	return cpg_msg_queued(st, MESSAGE_REQ_EXEC_CPG_PROCLEAVE, p->pid, &p->name);
}

/*
 * My processes whose connection is gone but which are still members: their
 * PROCLEAVE was sent and has not come back yet.  It may never come: a
 * message whose first fragments were delivered in the old ring and whose
 * rest comes in a ring that merged other members is dropped by every
 * member (totemsrp/pg.c, pg_ring_merged()), and then the process stays in
 * its group on every node for good (the JOINLISTs of this sync named it
 * too; simulator seed 50001540110935).  Send the leave again; it is queued
 * until the host's sync is over, so it comes after everything the process
 * sent.  Only after a ring that cut a message of mine (own_message_cut):
 * the leave that was cut is then among those still listed.  When one of
 * them was not lost but only late, its copy finds the process gone on every
 * chorus node and is ignored (cpg_exec_procleave); corosync 3.1.7 tells its
 * members about any PROCLEAVE (exec/cpg.c, do_proc_leave), so there the
 * copy shows as a second left entry for that pid, which is why the copy is
 * not sent after every sync.  Only for closed
 * connections: nothing joins again on them, while a leaving connection may
 * rejoin the same group once its LEAVE is delivered, and a second LEAVE
 * would then remove the new membership.  Since totempg keeps messages of up
 * to pg_whole_max() bytes in one frame, a merge cannot cut a PROCLEAVE
 * unless frames are under 186 bytes: this and resend_lost_joins() are a
 * guard that finds nothing to send with any real transport.
 */
static void resend_lost_leaves(struct cpg_state *st)
{
	struct req_exec_cpg_procjoin m;
	size_t i;

	for (i = 0; i < st->procs_count; i++) {
		const struct cpg_proc *p = &st->procs[i];

		if (p->nodeid != st->nodeid || local_proc_held(st, p) || leave_queued(st, p))
			continue;
		cpg_procmsg_build(&m, &p->name, p->pid, CONFCHG_CPG_REASON_PROCDOWN);
		log_debug("PROCLEAVE of gone process %" PRIu32 " sent again", p->pid);
		cpg_send_reliable(st, MESSAGE_REQ_EXEC_CPG_PROCLEAVE, &m);
	}
}

bool cpg_join_queued(const struct cpg_state *st, const struct cpg_conn *c)
{
	return cpg_msg_queued(st, MESSAGE_REQ_EXEC_CPG_PROCJOIN, c->pid, &c->group);
}

/*
 * My joining connections whose process no member lists: their PROCJOIN was
 * sent and has not come back.  Cut by a merge the same way as the leaves
 * above, it never will, and the client would stay joining for good (its
 * LEAVE answers CS_ERR_BUSY until it disconnects).  Send the join again,
 * queued until the host's sync is over.  If it was only late, the original
 * comes first (one sender's messages keep their order) and the copy finds
 * the process in its group: chorus and corosync 3.1.7 (exec/cpg.c,
 * do_proc_join) both ignore it.  A LEAVE on the connection waits
 * (CS_ERR_TRY_AGAIN) while the copy is queued, so that it cannot overtake
 * it (cpg_service.c, handle_leave).  MCASTs are not held: the ones the cut
 * took with the join are lost, and so is one the client sends while the
 * copy is queued (until the host's sync ends and the retry timer sends it);
 * everything it sends after that reaches the group.
 */
static void resend_lost_joins(struct cpg_state *st)
{
	struct req_exec_cpg_procjoin m;
	struct cpg_conn *c;

	for (c = st->conns; c; c = c->next) {
		if (c->state != CPD_JOIN_STARTED || cpg_proc_find(st, st->nodeid, c->pid, &c->group) ||
		    cpg_join_queued(st, c))
			continue;
		cpg_procmsg_build(&m, &c->group, c->pid, CONFCHG_CPG_REASON_JOIN);
		log_debug("PROCJOIN of joining process %" PRIu32 " sent again", c->pid);
		cpg_send_reliable(st, MESSAGE_REQ_EXEC_CPG_PROCJOIN, &m);
	}
}

void cpg_sync_activate(struct svc *svc)
{
	struct cpg_state *st = svc_state(svc);
	struct cpg_proc *list;
	struct cpg_conn *c;
	size_t i, n = 0, cap;

	memcpy(st->old_members, st->members, st->members_count * sizeof(uint32_t));
	st->old_members_count = st->members_count;

	cap = st->procs_count > st->joinlists_count ? st->procs_count : st->joinlists_count;
	list = malloc((cap ? cap : 1) * sizeof(*list));
	if (!list) {
		log_err("out of memory activating CPG sync");
		goto out;
	}
	/* 1. processes of the nodes in MY downlist leave with NODEDOWN */
	for (i = 0; i < st->procs_count;) {
		if (id_in(st->downlist, st->downlist_count, st->procs[i].nodeid)) {
			list[n++] = st->procs[i];
			cpg_proc_remove_at(st, i);
		} else {
			i++;
		}
	}
#if CPG_SIM_PLANT == 1
	/* test/sim's planted bug 1: the NODEDOWN confchgs are not sent */
#else
	confchg_grouped(st, list, n, true, CONFCHG_CPG_REASON_NODEDOWN);
#endif

	/* 2. processes other nodes listed that we did not know join with NODEUP,
	 * newest entry first as corosync walks its joinlists (v3.1.7 exec/cpg.c,
	 * joinlist_inform_clients, over a list built by prepending): that order
	 * decides where a process in several groups lands among equal keys,
	 * which iteration (corosync-cpgtool) shows, and the joined lists' order */
	n = 0;
	for (i = st->joinlists_count; i-- > 0;) {
		const struct cpg_proc *j = &st->joinlists[i];

		if (j->nodeid == st->nodeid || cpg_proc_find(st, j->nodeid, j->pid, &j->name))
			continue;
#if CPG_SIM_PLANT == 3
		/* test/sim's planted bug 3: the lowest node ignores the JOINLISTs */
		if (st->nodeid == st->members[0])
			continue;
#endif
		if (cpg_proc_insert(st, j->nodeid, j->pid, &j->name) < 0) {
			log_err("out of memory adding a group member");
			break;
		}
		list[n++] = *j;
	}
	confchg_grouped(st, list, n, false, CONFCHG_CPG_REASON_NODEUP);

	/* 3. remote processes no JOINLIST confirmed leave with PROCDOWN, one by one */
	for (i = 0; i < st->procs_count;) {
		struct cpg_proc gone = st->procs[i];

		if (gone.nodeid == st->nodeid || in_joinlists(st, &gone)) {
			i++;
			continue;
		}
		cpg_proc_remove_at(st, i);
		cpg_confchg(st, &gone.name, &gone, 1, CONFCHG_CPG_REASON_PROCDOWN, NULL, 0, 0);
	}
	free(list);

	/* 4. the new totem membership to every connection, joined or not */
	for (c = st->conns; c; c = c->next)
		if (!c->finalized)
			cpg_totem_confchg(st, c);
out:
	/* while st->syncing still holds the leaves back until the host's sync ends */
	if (st->resend_cut) {
		resend_lost_leaves(st);
		resend_lost_joins(st);
	}
	st->resend_cut = false;
	st->syncing = false;
	joinlists_drop(st);
}

void cpg_sync_abort(struct svc *svc)
{
	struct cpg_state *st = svc_state(svc);

	st->syncing = false;
	joinlists_drop(st);
}

/* ---- multicasts that must not be lost ----------------------------------------- */

static int send_one(struct cpg_state *st, const struct req_exec_cpg_procjoin *m)
{
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };

	/* The fn id travels in header.id while queued; the host rewrites it. */
	return svc_mcast(st->svc, (uint16_t)m->header.id, &iov, 1, SVC_AGREED);
}

/*
 * Not while a sync runs: totem sends what is queued from the transitional
 * configuration until the sync is done ahead of everything queued before
 * (corosync's trans queue), so a PROCLEAVE sent then would overtake the
 * client's own MCASTs (or its PROCJOIN) still queued from before and they
 * would be delivered after its leave (found by the simulator,
 * test/sim/run-seeds.sh).  The retry timer sends it once the sync completed.
 * The sync is the host's, of every service: CPG's own steps end at its
 * activate, while the services after it (votequorum) still sync and the
 * transitional queue is still in use (simulator seed 118 with votequorum: a
 * crashed client's PROCLEAVE overtook its PROCJOIN queued through a long
 * GATHER, and its group kept it forever).
 */
static bool sync_running(struct cpg_state *st)
{
	return st->syncing || svc_sync_in_progress(st->svc);
}

void cpg_send_reliable(struct cpg_state *st, uint16_t fn, const struct req_exec_cpg_procjoin *m)
{
	struct req_exec_cpg_procjoin *slot;
	int r;

	if (st->pending_count == 0 && !sync_running(st)) {
		struct req_exec_cpg_procjoin copy = *m;

		copy.header.id = fn;
		r = send_one(st, &copy);
		if (r != -EAGAIN) {
			if (r < 0)
				log_err("cannot multicast CPG message %u: %s", fn, strerror(-r));
			return;
		}
	}
	if (st->pending_count == CPG_PENDING_MAX) {
		st->counters.pending_dropped++;
		log_err("CPG send queue full: a group leave is lost");
		return;
	}
	slot = &st->pending[(st->pending_head + st->pending_count) % CPG_PENDING_MAX];
	*slot = *m;
	slot->header.id = fn;
	st->pending_count++;
	if (!st->retry.armed)
		svc_timer_start(&st->retry, CPG_RETRY_MS);
}

void cpg_retry_fn(struct svc *svc, struct svc_timer *timer)
{
	struct cpg_state *st = svc_state(svc);

	if (sync_running(st) && st->pending_count) {
		svc_timer_start(timer, CPG_RETRY_MS);
		return;
	}
	while (st->pending_count) {
		int r = send_one(st, &st->pending[st->pending_head]);

		if (r == -EAGAIN) {
			svc_timer_start(timer, CPG_RETRY_MS);
			return;
		}
		if (r < 0)
			log_err("cannot multicast queued CPG message: %s", strerror(-r));
		st->pending_head = (st->pending_head + 1) % CPG_PENDING_MAX;
		st->pending_count--;
	}
}
