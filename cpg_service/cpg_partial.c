/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fragmented messages in progress, replayed to local joiners.
 *
 * libcpg sends a message over 1 MiB as PARTIAL_MCAST fragments (FIRST,
 * CONTINUED..., LAST) and the daemon delivers each fragment to the group's
 * local members as it comes (corosync v3.1.7 exec/cpg.c,
 * message_handler_req_exec_cpg_partial_mcast); each member's libcpg
 * reassembles per sender (v3.1.7 lib/cpg.c, cpg_dispatch: a FIRST starts
 * over, a CONTINUED or LAST without one is ignored, a confchg's left list
 * drops its processes' assemblies).  A process that joins between a
 * message's FIRST and LAST gets only the later fragments, so its libcpg
 * drops the message while the older members deliver it (corosync 3.1.7 has
 * this; docs/compat.md).
 *
 * So every node tracks each message in progress (per group and sender
 * node+pid) from its FIRST until its LAST, until the sender's next FIRST,
 * or until the sender leaves the group (any confchg left list: LEAVE,
 * PROCDOWN, NODEDOWN): what an old member's libcpg holds at each point of
 * the event stream, also for a group with no local member (a local process
 * may join it).  It keeps the fragments it delivered of each, and right
 * after a local process's own JOIN confchg they go to that process alone as
 * the ordinary PARTIAL_DELIVER events, in their original order, so its
 * libcpg (any libcpg.so.4) assembles the messages as the others do and
 * delivers them at their LAST.
 *
 * Two cases no replay can mend; the rest of such a message is delivered to
 * nobody (withheld, counted):
 *  - a ring that gained nodes (a merge, a node back): those nodes never got
 *    the first fragments, so they cannot replay them to their own joiners.
 *    Every node that delivered the first fragments goes through the same
 *    ring change and cuts the message at its sync (cpg_sync_init), as
 *    totempg cuts its own half-delivered messages at a merge
 *    (pg_ring_merged); the sender's next fragment gets CS_ERR_INTERRUPT.
 *  - a fragment that is not of the assembly in progress (another msglen,
 *    one that would overrun it, a LAST that leaves a hole): seen when a
 *    merge cut a message's FIRST in totempg while a stale assembly of the
 *    sender's abandoned message waits in libcpg.  corosync's libcpg would
 *    write past its buffer or deliver the hole.
 *
 * Bounds: CPG_REPLAY_BYTES_MAX of kept fragments per node.  A message
 * reserves its announced length at its FIRST (plus bookkeeping per
 * fragment as they come); one that does not fit is tracked but its
 * fragments are not kept (counted in replay_over, logged at warning level
 * the 1st, 2nd, 4th, 8th... time, so a peer cannot flood the log): a
 * process that joins while it is in progress does not get it, as with
 * corosync, while the older members do.  At most CPG_PARTIALS_MAX messages
 * are tracked; a FIRST beyond that is delivered untracked, as by corosync.
 * Only messages in progress cost anything.
 */
#define LOG_SUBSYS LOG_SUBSYS_CPG

#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/corotypes.h>
#include <chorus/log.h>

#include "cpg_service/cpg_int.h"

static struct cpg_partial **partial_find(struct cpg_state *st, const struct cpg_gname *group,
					 uint32_t nodeid, uint32_t pid)
{
	struct cpg_partial **pp;

	for (pp = &st->partials; *pp; pp = &(*pp)->next)
		if ((*pp)->nodeid == nodeid && (*pp)->pid == pid && cpg_gname_eq(&(*pp)->group, group))
			return pp;
	return NULL;
}

/* Free the kept fragments of p and release its reservation. */
static void unkeep(struct cpg_state *st, struct cpg_partial *p)
{
	struct cpg_pfrag *f, *next;

	for (f = p->frags; f; f = next) {
		next = f->msg_next;
		if (f->prev)
			f->prev->next = f->next;
		else
			st->pfrags = f->next;
		if (f->next)
			f->next->prev = f->prev;
		else
			st->pfrags_tail = f->prev;
		free(f);
	}
	p->frags = p->frags_tail = NULL;
	st->partial_bytes -= p->bytes;
	p->bytes = 0;
	p->kept = false;
}

/* Unlink *pp and free it with its fragments. */
static void partial_drop(struct cpg_state *st, struct cpg_partial **pp)
{
	struct cpg_partial *p = *pp;

	unkeep(st, p);
	*pp = p->next;
	st->partials_count--;
	free(p);
}

static void over_bound(struct cpg_state *st, const struct cpg_partial *p)
{
	uint64_t n = ++st->counters.replay_over;

	if ((n & (n - 1)) == 0)
		log_warn("fragmented message of %" PRIu64 " bytes from %" PRIu32 "/%" PRIu32
			 " not kept for joiners: %zu of %u bytes already kept (%" PRIu64
			 " such messages so far); a local process joining its group before its "
			 "last fragment will not get it", p->msglen, p->nodeid, p->pid,
			 st->partial_bytes, CPG_REPLAY_BYTES_MAX, n);
	else
		log_debug("fragmented message from %" PRIu32 "/%" PRIu32 " not kept for joiners",
			  p->nodeid, p->pid);
}

static bool fits(const struct cpg_state *st, uint64_t bytes)
{
	return bytes <= CPG_REPLAY_BYTES_MAX - st->partial_bytes;
}

static void frag_keep(struct cpg_state *st, struct cpg_partial *p,
		      const struct req_exec_cpg_partial_mcast *m)
{
	struct cpg_pfrag *f;

	if (!fits(st, sizeof(*f))) {
		over_bound(st, p);
		unkeep(st, p);
		return;
	}
	f = malloc(sizeof(*f) + m->fraglen);
	if (!f) {
		log_err("out of memory keeping a fragment for joiners");
		unkeep(st, p);
		return;
	}
	f->msg = p;
	f->type = m->type;
	f->msglen = m->msglen;
	f->fraglen = m->fraglen;
	memcpy(f->data, m->message, m->fraglen);
	f->msg_next = NULL;
	if (p->frags_tail)
		p->frags_tail->msg_next = f;
	else
		p->frags = f;
	p->frags_tail = f;
	f->next = NULL;
	f->prev = st->pfrags_tail;
	if (st->pfrags_tail)
		st->pfrags_tail->next = f;
	else
		st->pfrags = f;
	st->pfrags_tail = f;
	p->bytes += sizeof(*f);
	st->partial_bytes += sizeof(*f);
}

/* A FIRST: track the message (the sender's previous one is dropped already). */
static void first(struct cpg_state *st, const struct cpg_gname *group, uint32_t nodeid,
		  const struct req_exec_cpg_partial_mcast *m)
{
	struct cpg_partial *p;

	if (st->partials_count >= CPG_PARTIALS_MAX) {
		if (st->counters.partial_untracked++ == 0)
			log_warn("more than %u fragmented messages in progress: the FIRST from "
				 "%" PRIu32 "/%" PRIu32 " on are not tracked (a process joining "
				 "meanwhile misses them, as with corosync)", CPG_PARTIALS_MAX,
				 nodeid, m->pid);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		log_err("out of memory tracking a fragmented message");
		return;
	}
	p->group = *group;
	p->nodeid = nodeid;
	p->pid = m->pid;
	p->msglen = m->msglen;
	p->filled = m->fraglen;
	p->next = st->partials;
	st->partials = p;
	st->partials_count++;
	if (!fits(st, p->msglen)) {
		over_bound(st, p);
		return;
	}
	p->kept = true;
	p->bytes = (size_t)p->msglen;
	st->partial_bytes += p->bytes;
	frag_keep(st, p, m);
}

bool cpg_partial_admit(struct cpg_state *st, const struct cpg_gname *group, uint32_t nodeid,
		       const struct req_exec_cpg_partial_mcast *m)
{
	struct cpg_partial **pp = partial_find(st, group, nodeid, m->pid), *p;

	if (m->type == LIBCPG_PARTIAL_FIRST) {
		if (pp)
			partial_drop(st, pp);   /* libcpg starts over */
		first(st, group, nodeid, m);
		return true;
	}
	if (!pp)
		return true;                    /* no FIRST here: every libcpg here ignores it */
	p = *pp;
	if (p->cut || m->msglen != p->msglen || m->fraglen > p->msglen - p->filled ||
	    (m->type == LIBCPG_PARTIAL_LAST && m->fraglen != p->msglen - p->filled)) {
		st->counters.partial_withheld++;
		log_debug("fragment of %" PRIu32 " bytes from %" PRIu32 "/%" PRIu32 " withheld: %s",
			  m->fraglen, nodeid, m->pid, p->cut ? "its message was cut by a merge" :
			  "not of the message in progress");
		return false;
	}
	if (m->type == LIBCPG_PARTIAL_LAST) {
		partial_drop(st, pp);           /* delivered whole */
		return true;
	}
	p->filled += m->fraglen;
	if (p->kept)
		frag_keep(st, p, m);
	return true;
}

void cpg_partial_cut_all(struct cpg_state *st)
{
	struct cpg_partial *p;
	size_t n = 0;

	st->merges++;
	for (p = st->partials; p; p = p->next) {
		if (p->cut)
			continue;
		unkeep(st, p);
		p->cut = true;
		n++;
	}
	st->counters.partial_cut += n;
	if (n)
		log_info("the ring gained nodes: %zu fragmented messages in progress cut "
			 "(their senders' next fragment fails with CS_ERR_INTERRUPT)", n);
}

void cpg_partial_left(struct cpg_state *st, const struct cpg_gname *group, uint32_t nodeid,
		      uint32_t pid)
{
	struct cpg_partial **pp = partial_find(st, group, nodeid, pid);

	if (pp)
		partial_drop(st, pp);
}

void cpg_partial_replay(struct cpg_state *st, struct cpg_conn *c)
{
	struct res_lib_cpg_partial_deliver_callback ev;
	struct iovec iov[2];
	const struct cpg_pfrag *f;

	if (!st->partials || !cpg_conn_gets_events(c, &c->group))
		return;
	for (f = st->pfrags; f; f = f->next) {
		const struct cpg_partial *p = f->msg;

		if (!cpg_gname_eq(&p->group, &c->group))
			continue;
		cpg_partial_ev_fill(&ev, &p->group, p->nodeid, p->pid, f->type, f->msglen,
				    f->fraglen);
		iov[0].iov_base = &ev;
		iov[0].iov_len = sizeof(ev);
		iov[1].iov_base = (void *)f->data;
		iov[1].iov_len = f->fraglen;
		(void)svc_event(c->conn, iov, 2);
		st->counters.replayed++;
	}
}

void cpg_partial_free_all(struct cpg_state *st)
{
	while (st->partials)
		partial_drop(st, &st->partials);
}
