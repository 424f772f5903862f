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
 * So the service keeps, on every node, the fragments it delivered of each
 * message in progress (per group and sender node+pid), from its FIRST until
 * its LAST, until its sender leaves the group (any confchg left list:
 * LEAVE, PROCDOWN, NODEDOWN, as libcpg drops the assembly), until the
 * sender's next FIRST, or until a fragment would overrun the announced
 * length (libcpg drops the assembly).  That is exactly what an old member's
 * libcpg holds at each point of the event stream, also for a group with no
 * local member (a local process may join it).  Right after a local
 * process's own JOIN confchg, the kept fragments of its group go to it
 * alone as the ordinary PARTIAL_DELIVER events, in their original order,
 * so its libcpg (any libcpg.so.4) assembles the messages as the others do
 * and delivers them at their LAST.
 *
 * Bound: CPG_REPLAY_BYTES_MAX per node.  A message reserves its announced
 * length at its FIRST (plus bookkeeping per fragment as they come); one
 * that does not fit is not kept (counted in replay_over, logged at warning
 * level at the 1st, 2nd, 4th, 8th... time, then a peer cannot flood the
 * log): a process that joins while it is in progress does not get it, as
 * with corosync.  Nothing else changes: the message still reaches the
 * older members.  Messages are only kept while in progress, so groups
 * without one cost nothing.
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

/* Unlink *pp and free it with its fragments. */
static void partial_drop(struct cpg_state *st, struct cpg_partial **pp)
{
	struct cpg_partial *p = *pp;
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
	*pp = p->next;
	st->partial_bytes -= p->bytes;
	st->partials_count--;
	free(p);
}

static void over_bound(struct cpg_state *st, const struct cpg_gname *group, uint32_t nodeid,
		       uint32_t pid, uint64_t msglen)
{
	uint64_t n = ++st->counters.replay_over;

	(void)group;
	if ((n & (n - 1)) == 0)
		log_warn("fragmented message of %" PRIu64 " bytes from %" PRIu32 "/%" PRIu32
			 " not kept for joiners: %zu of %u bytes already kept (%" PRIu64
			 " such messages so far); a local process joining its group before its "
			 "last fragment will not get it", msglen, nodeid, pid, st->partial_bytes,
			 CPG_REPLAY_BYTES_MAX, n);
	else
		log_debug("fragmented message from %" PRIu32 "/%" PRIu32 " not kept for joiners",
			  nodeid, pid);
}

static bool fits(const struct cpg_state *st, uint64_t bytes)
{
	return bytes <= CPG_REPLAY_BYTES_MAX - st->partial_bytes;
}

void cpg_partial_keep(struct cpg_state *st, const struct cpg_gname *group, uint32_t nodeid,
		      const struct req_exec_cpg_partial_mcast *m)
{
	struct cpg_partial **pp = partial_find(st, group, nodeid, m->pid), *p;
	struct cpg_pfrag *f;

	if (m->type == LIBCPG_PARTIAL_FIRST) {
		uint64_t need = sizeof(*p) + (uint64_t)m->msglen;

		if (pp)
			partial_drop(st, pp);   /* libcpg starts over */
		if (!fits(st, need)) {
			over_bound(st, group, nodeid, m->pid, m->msglen);
			return;
		}
		p = calloc(1, sizeof(*p));
		if (!p) {
			log_err("out of memory keeping a fragmented message for joiners");
			return;
		}
		p->group = *group;
		p->nodeid = nodeid;
		p->pid = m->pid;
		p->msglen = m->msglen;
		p->bytes = (size_t)need;
		p->next = st->partials;
		st->partials = p;
		st->partials_count++;
		st->partial_bytes += p->bytes;
		pp = &st->partials;
	} else if (!pp) {
		return;                         /* no FIRST: every libcpg here ignores it */
	}
	p = *pp;
	/* libcpg drops an assembly that a fragment would overrun; a LAST completes it */
	if (m->fraglen > p->msglen - p->filled || m->type == LIBCPG_PARTIAL_LAST) {
		partial_drop(st, pp);
		return;
	}
	if (!fits(st, sizeof(*f))) {
		over_bound(st, group, nodeid, m->pid, p->msglen);
		partial_drop(st, pp);
		return;
	}
	f = malloc(sizeof(*f) + m->fraglen);
	if (!f) {
		log_err("out of memory keeping a fragment for joiners");
		partial_drop(st, pp);
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
	p->filled += m->fraglen;
	p->bytes += sizeof(*f);
	st->partial_bytes += sizeof(*f);
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
		memset(&ev, 0, sizeof(ev));
		ev.header.id = MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK;
		ev.header.size = (int32_t)(sizeof(ev) + f->fraglen);
		ev.header.error = CS_OK;
		cpg_gname_to_mar(&ev.group_name, &p->group);
		ev.msglen = f->msglen;
		ev.fraglen = f->fraglen;
		ev.nodeid = p->nodeid;
		ev.pid = p->pid;
		ev.type = f->type;
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
