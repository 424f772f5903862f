/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The CPG service: the daemon side of libcpg.so.4's IPC (semantics of
 * corosync v3.1.7 exec/cpg.c, message_handler_req_lib_cpg_*) and its
 * declaration.  Per-connection state is struct cpg_conn; the cluster-wide
 * process list, events and totem handlers are in cpg_groups.c, sync in
 * cpg_sync.c, zero copy in cpg_zcb.c.
 *
 * Traps kept in mind here: MCAST (id 2) is never answered, not even with an
 * error; join/leave replies go out before the matching confchg; lists sent
 * to a client never exceed 128 entries; every request gets its reply with
 * exactly the size libcpg reads.
 */
#define LOG_SUBSYS LOG_SUBSYS_CPG

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/corotypes.h>
#include <corosync/wire_asserts.h>
#include <chorus/log.h>

#include "cpg_service/cpg_int.h"
#include "cpg_service/cpg_service.h"

static struct cpg_conn *conn_of(struct svc_conn *conn)
{
	return svc_conn_state(conn);
}

static struct cpg_state *state_of(struct svc_conn *conn)
{
	return svc_state(svc_conn_svc(conn));
}

void cpg_procmsg_build(struct req_exec_cpg_procjoin *m, const struct cpg_gname *group,
		       uint32_t pid, uint32_t reason)
{
	memset(m, 0, sizeof(*m));
	m->header.size = sizeof(*m);
	cpg_gname_to_mar(&m->group_name, group);
	m->pid = pid;
	m->reason = reason;
}

/* ---- JOIN / LEAVE / FINALIZE --------------------------------------------------- */

static void handle_join(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_join *req = msg;
	struct cpg_state *st = state_of(conn);
	struct cpg_conn *c = conn_of(conn), *o;
	struct req_exec_cpg_procjoin m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct cpg_gname name;
	int32_t err = CS_OK;
	bool valid;

	(void)len;
	valid = cpg_gname_from_mar(&name, &req->group_name);
	/* the checks of corosync v3.1.7 exec/cpg.c, message_handler_req_lib_cpg_join, in order */
	if (valid) {
		for (o = st->conns; o && err == CS_OK; o = o->next)
			if (!o->finalized && o->state != CPD_UNJOINED && o->pid == req->pid &&
			    cpg_gname_eq(&o->group, &name))
				err = CS_ERR_EXIST;
		/* its old leave is still on the way, or a copy of it waits to be
		 * sent (cpg_sync.c, resend_lost_leaves): a new join before it
		 * would be undone by it */
		if (err == CS_OK && (cpg_proc_find(st, st->nodeid, req->pid, &name) ||
				     cpg_msg_queued(st, MESSAGE_REQ_EXEC_CPG_PROCLEAVE, req->pid, &name)))
			err = CS_ERR_TRY_AGAIN;
	} else {
		err = CS_ERR_NAME_TOO_LONG;
	}
	if (err == CS_OK) {
		switch (c->state) {
		case CPD_UNJOINED:
			break;
		case CPD_LEAVE_STARTED:
			err = CS_ERR_BUSY;
			break;
		case CPD_JOIN_STARTED:
		case CPD_JOIN_COMPLETED:
			err = CS_ERR_EXIST;
			break;
		}
	}
	if (err == CS_OK) {
		cpg_procmsg_build(&m, &name, req->pid, CONFCHG_CPG_REASON_JOIN);
		if (svc_mcast(st->svc, MESSAGE_REQ_EXEC_CPG_PROCJOIN, &iov, 1, SVC_AGREED) < 0) {
			err = CS_ERR_TRY_AGAIN;
		} else {
			c->state = CPD_JOIN_STARTED;
			c->group = name;
			c->pid = req->pid;
			c->flags = req->flags;
			c->initial_totem_conf_sent = false;
		}
	}
	(void)svc_reply_error(conn, MESSAGE_RES_CPG_JOIN, err);
}

static void handle_leave(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_leave *req = msg;
	struct cpg_state *st = state_of(conn);
	struct cpg_conn *c = conn_of(conn);
	struct req_exec_cpg_procjoin m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct cpg_gname name;
	int32_t err = CS_OK;

	(void)len;
	switch (c->state) {
	case CPD_UNJOINED:
	case CPD_LEAVE_STARTED:
		err = CS_ERR_NOT_EXIST;
		break;
	case CPD_JOIN_STARTED:
		err = CS_ERR_BUSY;
		break;
	case CPD_JOIN_COMPLETED:
		/* Deliberate difference (docs/compat.md): corosync multicasts a
		 * leave for whatever group and pid the request names; we refuse a
		 * name other than the joined group and leave with the stored pid. */
		if (!cpg_gname_from_mar(&name, &req->group_name) || !cpg_gname_eq(&name, &c->group))
			err = CS_ERR_NOT_EXIST;
		/* a copy of its PROCJOIN waits to be sent (cpg_sync.c,
		 * resend_lost_joins): the leave must not overtake it */
		else if (cpg_join_queued(st, c))
			err = CS_ERR_TRY_AGAIN;
		break;
	}
	if (err == CS_OK) {
		cpg_procmsg_build(&m, &c->group, c->pid, CONFCHG_CPG_REASON_LEAVE);
		if (svc_mcast(st->svc, MESSAGE_REQ_EXEC_CPG_PROCLEAVE, &iov, 1, SVC_AGREED) < 0)
			err = CS_ERR_TRY_AGAIN;
		else
			c->state = CPD_LEAVE_STARTED;
	}
	(void)svc_reply_error(conn, MESSAGE_RES_CPG_LEAVE, err);
}

static void handle_finalize(struct svc_conn *conn, const void *msg, size_t len)
{
	(void)msg;
	(void)len;
	/* No more events; the group and state stay for the disconnect cleanup. */
	conn_of(conn)->finalized = true;
	(void)svc_reply_error(conn, MESSAGE_RES_CPG_FINALIZE, CS_OK);
}

/* ---- MCAST / PARTIAL_MCAST -------------------------------------------------------- */

int cpg_mcast_send(struct cpg_state *st, struct cpg_conn *c, const void *payload, uint32_t msglen)
{
	struct req_exec_cpg_mcast m;
	struct iovec iov[2];

	memset(&m, 0, sizeof(m));
	cpg_gname_to_mar(&m.group_name, &c->group);
	m.msglen = msglen;
	m.pid = c->pid;
	m.source.nodeid = st->nodeid;
	iov[0].iov_base = &m;
	iov[0].iov_len = sizeof(m);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = msglen;
	return svc_mcast(st->svc, MESSAGE_REQ_EXEC_CPG_MCAST, iov, 2, SVC_AGREED);
}

static bool joined_for_send(const struct cpg_conn *c)
{
	return c->state == CPD_JOIN_STARTED || c->state == CPD_JOIN_COMPLETED;
}

/* Never answered (the client does not read a reply): errors are counted. */
static void handle_mcast(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_mcast *req = msg;
	struct cpg_state *st = state_of(conn);
	struct cpg_conn *c = conn_of(conn);
	int r;

	if (!joined_for_send(c)) {
		st->counters.ipc_dropped++;
		log_debug("MCAST from a connection that is not joined dropped");
		return;
	}
	/* corosync trusts msglen; it must describe exactly the request's payload. */
	if (req->msglen != len - sizeof(*req)) {
		st->counters.ipc_dropped++;
		log_debug("MCAST with msglen %" PRIu32 " in a %zu-byte request dropped", req->msglen, len);
		return;
	}
	r = cpg_mcast_send(st, c, req->message, req->msglen);
	/* The client was told it was sent: when totem is full the host keeps
	 * the request and runs this again (corosync drops it). */
	if (r == -EAGAIN && svc_request_again(conn) == 0)
		return;
	if (r < 0) {
		st->counters.ipc_dropped++;
		log_debug("MCAST not sent: %s", strerror(-r));
	}
}

static void handle_partial_mcast(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_partial_mcast *req = msg;
	struct cpg_state *st = state_of(conn);
	struct cpg_conn *c = conn_of(conn);
	struct req_exec_cpg_partial_mcast m;
	struct iovec iov[2];
	int32_t err = CS_OK;
	int r;

	if (!joined_for_send(c)) {
		err = CS_ERR_NOT_EXIST;
	} else if (req->fraglen != len - sizeof(*req) || req->fraglen > req->msglen ||
		   req->type < LIBCPG_PARTIAL_FIRST || req->type > LIBCPG_PARTIAL_LAST) {
		err = CS_ERR_INVALID_PARAM;
	} else {
		if (req->type == LIBCPG_PARTIAL_FIRST) {
			c->initial_transition_counter = c->transition_counter;
			c->initial_merges = st->merges;
		}
		/* A confchg reached this connection since the first fragment, or
		 * a ring that gained nodes cut the message (cpg_partial.c). */
		if (c->transition_counter != c->initial_transition_counter ||
		    c->initial_merges != st->merges)
			err = CS_ERR_INTERRUPT;
	}
	if (err == CS_OK) {
		memset(&m, 0, sizeof(m));
		cpg_gname_to_mar(&m.group_name, &c->group);
		m.msglen = req->msglen;
		m.fraglen = req->fraglen;
		m.pid = c->pid;
		m.type = req->type;
		m.source.nodeid = st->nodeid;
		iov[0].iov_base = &m;
		iov[0].iov_len = sizeof(m);
		iov[1].iov_base = (void *)req->message;
		iov[1].iov_len = req->fraglen;
		r = svc_mcast(st->svc, MESSAGE_REQ_EXEC_CPG_PARTIAL_MCAST, iov, 2, SVC_AGREED);
		/* Held and run again once totem has room (see the op table). */
		if (r == -EAGAIN && svc_request_again(conn) == 0)
			return;
		if (r < 0)
			err = CS_ERR_TRY_AGAIN;
	}
	(void)svc_reply_error(conn, MESSAGE_RES_CPG_PARTIAL_SEND, err);
}

/* ---- MEMBERSHIP / LOCAL_GET ----------------------------------------------------- */

static void handle_membership(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_membership_get *req = msg;
	struct cpg_state *st = state_of(conn);
	struct res_lib_cpg_membership_get full;
	struct res_lib_cpg_membership_get *res = &full;
	struct cpg_gname name;
	struct iovec iov;
	size_t i, n = 0, total = 0;

	(void)len;
	memset(res, 0, offsetof(struct res_lib_cpg_membership_get, member_list) +
	       CPG_WIRE_MEMBERS_MAX * sizeof(mar_cpg_address_t));
	res->header.id = MESSAGE_RES_CPG_MEMBERSHIP;
	res->header.error = CS_OK;
	if (!cpg_gname_from_mar(&name, &req->group_name)) {
		res->header.error = CS_ERR_NAME_TOO_LONG;
	} else {
		for (i = 0; i < st->procs_count; i++) {
			const struct cpg_proc *p = &st->procs[i];

			if (!cpg_gname_eq(&p->name, &name))
				continue;
			total++;
			/* At most 128 (libcpg's array); reason 0 (docs/compat.md). */
			if (n < CPG_WIRE_MEMBERS_MAX) {
				res->member_list[n].nodeid = p->nodeid;
				res->member_list[n].pid = p->pid;
				n++;
			}
		}
		if (total > n) {
			st->counters.truncated++;
			log_debug("membership reply of %zu entries cut to %zu", total, n);
		}
	}
	res->member_count = (uint32_t)n;
	/* Shorter than the 9248-byte struct: libcpg reads only what it needs. */
	res->header.size = (int32_t)(offsetof(struct res_lib_cpg_membership_get, member_list) +
				     n * sizeof(mar_cpg_address_t));
	iov.iov_base = res;
	iov.iov_len = (size_t)res->header.size;
	(void)svc_reply(conn, &iov, 1);
}

static void handle_local_get(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cpg_local_get res;
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };

	(void)msg;
	(void)len;
	memset(&res, 0, sizeof(res));
	res.header.id = MESSAGE_RES_CPG_LOCAL_GET;
	res.header.size = sizeof(res);
	res.header.error = CS_OK;
	res.local_nodeid = state_of(conn)->nodeid;
	(void)svc_reply(conn, &iov, 1);
}

/* ---- iteration -------------------------------------------------------------------- */

static struct cpg_iter *iter_find(struct cpg_conn *c, uint64_t handle)
{
	size_t i;

	for (i = 0; i < c->iters_count; i++)
		if (c->iters[i].handle == handle)
			return &c->iters[i];
	return NULL;
}

static void iter_remove(struct cpg_conn *c, struct cpg_iter *it)
{
	free(it->items);
	*it = c->iters[--c->iters_count];
	memset(&c->iters[c->iters_count], 0, sizeof(c->iters[0]));
}

static void handle_iter_init(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_iterationinitialize *req = msg;
	struct cpg_state *st = state_of(conn);
	struct cpg_conn *c = conn_of(conn);
	struct res_lib_cpg_iterationinitialize res;
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };
	struct cpg_gname name;
	uint32_t type = req->iteration_type;
	struct cpg_iter *it;

	(void)len;
	memset(&res, 0, sizeof(res));
	res.header.id = MESSAGE_RES_CPG_ITERATIONINITIALIZE;
	res.header.size = sizeof(res);
	res.header.error = CS_OK;
	/* Any type but NAME_ONLY and ONE_GROUP lists everything, as corosync. */
	if (type != CPG_ITER_NAME_ONLY && type != CPG_ITER_ONE_GROUP)
		type = CPG_ITER_ALL;
	memset(&name, 0, sizeof(name));
	if (type == CPG_ITER_ONE_GROUP && !cpg_gname_from_mar(&name, &req->group_name)) {
		res.header.error = CS_ERR_NAME_TOO_LONG;
	} else if (c->iters_count == CPG_ITER_MAX) {
		res.header.error = CS_ERR_NO_RESOURCES;
	} else {
		it = &c->iters[c->iters_count];
		if (cpg_iter_build(st, it, type, &name) < 0) {
			res.header.error = CS_ERR_NO_MEMORY;
		} else {
			/* opaque to the client; unique within the connection, never 0 */
			it->handle = ++c->next_handle ^ 0x6370670000000000ULL;
			res.iteration_handle = it->handle;
			c->iters_count++;
		}
	}
	(void)svc_reply(conn, &iov, 1);
}

static void handle_iter_next(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_iterationnext *req = msg;
	struct cpg_conn *c = conn_of(conn);
	struct res_lib_cpg_iterationnext res;
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };
	struct cpg_iter *it = iter_find(c, req->iteration_handle);

	(void)len;
	memset(&res, 0, sizeof(res));
	res.header.id = MESSAGE_RES_CPG_ITERATIONNEXT;
	res.header.size = sizeof(res);
	if (!it) {
		res.header.error = CS_ERR_LIBRARY;
	} else if (it->pos >= it->count) {
		res.header.error = CS_ERR_NO_SECTIONS;
	} else {
		const struct cpg_proc *p = &it->items[it->pos++];

		res.header.error = CS_OK;
		cpg_gname_to_mar(&res.description.group, &p->name);
		res.description.nodeid = p->nodeid;
		res.description.pid = p->pid;
	}
	(void)svc_reply(conn, &iov, 1);
}

static void handle_iter_finalize(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_iterationfinalize *req = msg;
	struct cpg_conn *c = conn_of(conn);
	struct cpg_iter *it = iter_find(c, req->iteration_handle);

	(void)len;
	if (it)
		iter_remove(c, it);
	(void)svc_reply_error(conn, MESSAGE_RES_CPG_ITERATIONFINALIZE, it ? CS_OK : CS_ERR_LIBRARY);
}

/* ---- connections ------------------------------------------------------------------ */

static int cpg_conn_open(struct svc_conn *conn)
{
	struct cpg_state *st = state_of(conn);
	struct cpg_conn *c = conn_of(conn);

	c->conn = conn;
	c->next = st->conns;
	if (st->conns)
		st->conns->prev = c;
	st->conns = c;
	st->conns_count++;
	return 0;
}

static void cpg_conn_close(struct svc_conn *conn)
{
	struct cpg_state *st = state_of(conn);
	struct cpg_conn *c = conn_of(conn);

	/* A client that goes away while joined (or joining) leaves with PROCDOWN,
	 * also after FINALIZE.  corosync skips zero-length group names here, so
	 * such a member lingers; we do not. */
	if (c->state == CPD_JOIN_STARTED || c->state == CPD_JOIN_COMPLETED) {
		struct req_exec_cpg_procjoin m;

		cpg_procmsg_build(&m, &c->group, c->pid, CONFCHG_CPG_REASON_PROCDOWN);
		cpg_send_reliable(st, MESSAGE_REQ_EXEC_CPG_PROCLEAVE, &m);
	}
	while (c->iters_count)
		iter_remove(c, &c->iters[0]);
	cpg_zcb_free_all(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		st->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	st->conns_count--;
}

/* ---- instance -------------------------------------------------------------------- */

static int cpg_init(struct svc *svc)
{
	struct cpg_state *st = svc_state(svc);

	st->svc = svc;
	st->nodeid = svc_nodeid(svc);
	svc_timer_init(svc, &st->retry, cpg_retry_fn);
	return 0;
}

static void cpg_fini(struct svc *svc)
{
	struct cpg_state *st = svc_state(svc);

	svc_timer_stop(&st->retry);
	free(st->procs);
	st->procs = NULL;
	st->procs_count = st->procs_cap = 0;
	free(st->joinlists);
	st->joinlists = NULL;
	st->joinlists_count = st->joinlists_cap = 0;
	cpg_partial_free_all(st);
	free(st->zc_buf);
	st->zc_buf = NULL;
	st->zc_buf_cap = 0;
}

static void dump_name(FILE *out, const struct cpg_gname *n)
{
	uint32_t i;

	for (i = 0; i < n->len; i++) {
		uint8_t b = n->value[i];

		if (b >= ' ' && b < 0x7f && b != '\\')
			fputc(b, out);
		else
			fprintf(out, "\\x%02X", b);
	}
}

static const char *cpd_state_str(enum cpd_state s)
{
	switch (s) {
	case CPD_UNJOINED: return "unjoined";
	case CPD_LEAVE_STARTED: return "leave-started";
	case CPD_JOIN_STARTED: return "join-started";
	case CPD_JOIN_COMPLETED: return "joined";
	}
	return "?";
}

static void cpg_dump(struct svc *svc, FILE *out)
{
	struct cpg_state *st = svc_state(svc);
	const struct cpg_counters *k = &st->counters;
	struct cpg_conn *c;
	size_t i;

	fprintf(out, "cpg: ring %" PRIu32 ".%" PRIu64 ", %zu members, %zu group members, "
		"%zu connections%s\n", st->ring_nodeid, st->ring_seq, st->members_count,
		st->procs_count, st->conns_count, st->syncing ? ", syncing" : "");
	for (i = 0; i < st->procs_count; i++) {
		fprintf(out, "member ");
		dump_name(out, &st->procs[i].name);
		fprintf(out, " node %" PRIu32 " pid %" PRIu32 "\n", st->procs[i].nodeid,
			st->procs[i].pid);
	}
	for (c = st->conns; c; c = c->next) {
		fprintf(out, "connection %s pid %" PRIu32 "%s group ", cpd_state_str(c->state), c->pid,
			c->finalized ? " finalized" : "");
		dump_name(out, &c->group);
		fprintf(out, " iterations %zu zcb %zu\n", c->iters_count, c->zcbs_count);
	}
	fprintf(out, "counters: peer_dropped %" PRIu64 " unknown_sender %" PRIu64
		" ipc_dropped %" PRIu64 " truncated %" PRIu64 " pending %zu pending_dropped %" PRIu64
		" joinlist_ignored %" PRIu64 " joinlist_overflow %" PRIu64 " delivered %" PRIu64
		" replayed %" PRIu64 " replay_over %" PRIu64 " partial_untracked %" PRIu64
		" partial_cut %" PRIu64 " partial_withheld %" PRIu64 "\n",
		k->peer_dropped, k->unknown_sender, k->ipc_dropped, k->truncated, st->pending_count,
		k->pending_dropped, k->joinlist_ignored, k->joinlist_overflow, k->delivered,
		k->replayed, k->replay_over, k->partial_untracked, k->partial_cut,
		k->partial_withheld);
	fprintf(out, "fragmented messages in progress: %zu (%zu bytes kept for joiners)\n",
		st->partials_count, st->partial_bytes);
}

const struct cpg_counters *cpg_service_counters(struct svc *svc)
{
	return &((struct cpg_state *)svc_state(svc))->counters;
}

/* ---- declaration ------------------------------------------------------------------ */

#define FC SVC_IPC_FLOW_CONTROL

static const struct svc_ipc_op cpg_ipc_ops[] = {
	{ MESSAGE_REQ_CPG_JOIN, FC, sizeof(struct req_lib_cpg_join), 0, handle_join },
	{ MESSAGE_REQ_CPG_LEAVE, FC, sizeof(struct req_lib_cpg_leave), 0, handle_leave },
	{ MESSAGE_REQ_CPG_MCAST, FC | SVC_IPC_NO_REPLY, sizeof(struct req_lib_cpg_mcast),
	  SVC_IPC_MSG_MAX, handle_mcast },
	{ MESSAGE_REQ_CPG_MEMBERSHIP, 0, sizeof(struct req_lib_cpg_membership_get), 0,
	  handle_membership },
	{ MESSAGE_REQ_CPG_LOCAL_GET, 0, sizeof(struct req_lib_cpg_local_get), 0, handle_local_get },
	{ MESSAGE_REQ_CPG_ITERATIONINITIALIZE, 0, sizeof(struct req_lib_cpg_iterationinitialize), 0,
	  handle_iter_init },
	{ MESSAGE_REQ_CPG_ITERATIONNEXT, 0, sizeof(struct req_lib_cpg_iterationnext), 0,
	  handle_iter_next },
	{ MESSAGE_REQ_CPG_ITERATIONFINALIZE, 0, sizeof(struct req_lib_cpg_iterationfinalize), 0,
	  handle_iter_finalize },
	{ MESSAGE_REQ_CPG_FINALIZE, FC, sizeof(struct req_lib_cpg_finalize), 0, handle_finalize },
	{ MESSAGE_REQ_CPG_ZC_ALLOC, FC, sizeof(struct req_lib_cpg_zc_alloc), 0, cpg_handle_zc_alloc },
	{ MESSAGE_REQ_CPG_ZC_FREE, FC, sizeof(struct req_lib_cpg_zc_free), 0, cpg_handle_zc_free },
	{ MESSAGE_REQ_CPG_ZC_EXECUTE, FC, sizeof(struct req_lib_cpg_zc_execute), 0,
	  cpg_handle_zc_execute },
	/* A fragment is held while totem is full, not refused: corosync answers
	 * TRY_AGAIN, libcpg then abandons the message and the application sends
	 * it again from the first fragment, so a queue that only just took the
	 * first fragment refused the last one over and over (docs/compat.md). */
	{ MESSAGE_REQ_CPG_PARTIAL_MCAST, FC | SVC_IPC_FLOW_PARK, sizeof(struct req_lib_cpg_partial_mcast),
	  SVC_IPC_MSG_MAX, handle_partial_mcast },
};

static const struct svc_totem_op cpg_totem_ops[] = {
	{ MESSAGE_REQ_EXEC_CPG_PROCJOIN, sizeof(struct req_exec_cpg_procjoin), cpg_procjoin_to_host,
	  cpg_exec_procjoin },
	{ MESSAGE_REQ_EXEC_CPG_PROCLEAVE, sizeof(struct req_exec_cpg_procjoin), cpg_procjoin_to_host,
	  cpg_exec_procleave },
	{ MESSAGE_REQ_EXEC_CPG_JOINLIST, sizeof(struct req_exec_cpg_joinlist), cpg_joinlist_to_host,
	  cpg_exec_joinlist },
	{ MESSAGE_REQ_EXEC_CPG_MCAST, sizeof(struct req_exec_cpg_mcast), cpg_mcast_to_host,
	  cpg_exec_mcast },
	{ MESSAGE_REQ_EXEC_CPG_DOWNLIST_OLD, sizeof(struct qb_ipc_request_header),
	  cpg_downlist_old_to_host, cpg_exec_downlist_old },
	{ MESSAGE_REQ_EXEC_CPG_DOWNLIST, sizeof(struct qb_ipc_request_header), cpg_downlist_to_host,
	  cpg_exec_downlist },
	{ MESSAGE_REQ_EXEC_CPG_PARTIAL_MCAST, sizeof(struct req_exec_cpg_partial_mcast),
	  cpg_partial_mcast_to_host, cpg_exec_partial_mcast },
};

static const struct svc_sync_ops cpg_sync_ops = {
	.init = cpg_sync_init,
	.process = cpg_sync_process,
	.activate = cpg_sync_activate,
	.abort = cpg_sync_abort,
};

const struct svc_def cpg_service_def = {
	.abi = SVC_ABI,
	.id = CPG_SERVICE_ID,
	.priority = 0,
	.name = "corosync_cpg",
	.ipc_name = "cpg",
	.state_size = sizeof(struct cpg_state),
	.conn_state_size = sizeof(struct cpg_conn),
	.ipc_ops = cpg_ipc_ops,
	.ipc_ops_count = sizeof(cpg_ipc_ops) / sizeof(cpg_ipc_ops[0]),
	.totem_ops = cpg_totem_ops,
	.totem_ops_count = sizeof(cpg_totem_ops) / sizeof(cpg_totem_ops[0]),
	.sync = &cpg_sync_ops,
	.init = cpg_init,
	.fini = cpg_fini,
	.conn_open = cpg_conn_open,
	.conn_close = cpg_conn_close,
	.dump = cpg_dump,
};
