/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A simulated node's upper half (see sim_node.h).  The wiring mirrors
 * exec/totem.c: srp deliveries go through pg_deliver() to host_deliver()
 * (group "a") or host_sync_deliver() (group "sync"); a REGULAR
 * configuration switches pg to its sync reassembly context (exec/totem.c
 * does so at the TRANSITIONAL one: see sim_stack_confchg) and starts the
 * host's sync (host_confchg with the transitional and left lists of the
 * preceding TRANSITIONAL); the host's sync_done leaves the sync context and
 * acknowledges the transitional configuration (srp_trans_ack).
 * Admission (host_space) is exec/totem.c's: pg_send_ok() and at most 64
 * frames queued.
 *
 * The fake clients speak the CPG IPC as libcpg does: a request struct from
 * include/corosync/ipc_cpg.h through host_conn_dispatch(); replies and
 * events come back through host_ipc_ops synchronously or later.  Besides
 * JOIN, MCAST and LEAVE (and with cfg.libcpg_calls) they send messages over
 * 1047552 bytes in fragments (PARTIAL_MCAST, as lib/cpg.c send_fragments),
 * send through a zero-copy buffer (ZC_ALLOC/EXECUTE/FREE, a file under
 * /dev/shm) and iterate (ITERATIONINITIALIZE/NEXT/FINALIZE); a blocking
 * call is one request per action, the next one at once after its reply.
 * PARTIAL_DELIVER events are reassembled as libcpg does before the
 * checkers see them.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/corotypes.h>
#include <corosync/ipc_cpg.h>
#include <chorus/icmap.h>

#include "cpg_service/cpg_int.h"
#include "cpg_service/cpg_service.h"
#include "services/cfg/cfg_service.h"
#include "services/cmap/cmap_service.h"
#include "services/host.h"
#include "services/quorum/quorum_service.h"
#include "services/votequorum/votequorum_service.h"
#include "totemsrp/pg.h"
#include "totemsrp/pg_confchg.h"
#include "test/sim/sim_node.h"
#include "test/sim/sim_xcode.h"

#define GROUP_A "a"
#define GROUP_SYNC "sync"
#define QUEUE_SOFT 64                /* exec/totem.c TOTEM_QUEUE_SOFT */
#define PART_ELEMS_MAX 6             /* iovec elements of a fragmented send */

enum cl_state { CL_DOWN, CL_CONN, CL_JOINING, CL_JOINED, CL_LEAVING };

struct sim_client {
	struct sim_stack *stk;
	uint32_t idx;
	enum cl_state state;
	struct svc_conn *conn;
	uint32_t pid;
	uint32_t group;
	uint64_t seq;                 /* last MCAST seq of this pid */
	uint64_t next_at;             /* next action, UINT64_MAX: none */
	int32_t await;                /* request whose reply is due (libcpg blocks), -1 none */
	bool retire;                  /* its LEAVE completed: disconnect */
	/* an iteration (cpg_iteration_*): type 0 none */
	uint32_t it_type;
	uint64_t it_handle;
	bool it_done;
	struct sim_cpg_proc *it_items;
	mar_cpg_name_t *it_names;
	size_t it_n, it_cap;
	uint64_t *it_view;            /* the view at the snapshot, NULL: not settled */
	size_t it_view_n;
	/* a fragmented send (libcpg send_fragments), part_len 0: none */
	uint8_t *part;
	size_t part_len, part_off, part_frag;
	size_t part_ends[PART_ELEMS_MAX];   /* iovec element ends */
	uint32_t part_elems, part_tries;
	/* a zero-copy send (libcpg cpg_zcb_alloc/mcast_joined/free): zc_fd -1 none */
	int zc_fd;
	uint64_t zc_token;
	size_t zc_size, zc_len;
	bool zc_executed;
	char zc_path[40];             /* until the daemon answered ZC_ALLOC */
	/* libcpg's reassembly of PARTIAL_DELIVER events, one per sender */
	struct cl_asm *rx;
	size_t rx_n;
	uint64_t join_delivery;       /* stk->deliveries when its own JOIN confchg came */
};

struct cl_asm {
	uint32_t nodeid, pid;
	uint8_t *buf;                 /* deliver event header + msglen bytes */
	size_t msglen, index;
};

/* One message handed to totempg, in the other byte order (sim_xcode.h). */
struct shadow_msg {
	uint8_t *buf;
	size_t len, off;              /* off: bytes already taken by frames */
};

struct sim_stack {
	struct sim_stack_cfg cfg;
	/* fault "foreign": the shadow stream, oldest first from sh_head */
	struct shadow_msg *sh;
	size_t sh_head, sh_n, sh_cap;
	uint64_t frames_sent;         /* frames srp took, to tell pg's error cases apart */
	uint8_t *other;               /* the other-order twin of the frame being sent */
	size_t other_cap;
	struct pg *pg;
	struct host *host;
	struct icmap *cmap, *stats;
	struct svc *cpg, *vq;
	bool dead, quiet;
	uint32_t *members;            /* the last regular configuration's members */
	size_t members_n;
	uint64_t now;
	struct srp_ring_id regular;
	struct pg_confchg_state cc;   /* as in exec/totem.c */
	struct sim_client clients[SIM_CLIENTS_MAX];
	uint8_t *req;                 /* request scratch, SVC_IPC_MSG_MAX */
	uint8_t *ev;                  /* event flattening scratch */
	size_t ev_cap;
	uint64_t deliveries;          /* totem messages handed to the host so far */
	uint8_t msg[PG_MESSAGE_MAX] __attribute__((aligned(8)));
};

static void slog(struct sim_stack *stk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void slog(struct sim_stack *stk, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!stk->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	stk->cfg.log(stk->cfg.ctx, line);
}


/*
 * Fragmented sends (PARTIAL_MCAST) of the fake clients.  They were off while
 * a CPG bug they found was open (seeds 8, 27, 176: a process that joined a
 * group while a fragmented message was in progress got only its later
 * fragments, its libcpg dropped them, the older members delivered it;
 * corosync 3.1.7 does the same).  Fixed by replaying the kept fragments to
 * a local joiner (cpg_service/cpg_partial.c; docs/compat.md).  0 turns the
 * sends off again while keeping their draw.
 */
#define SIM_PARTIAL_SENDS 1

/* ---- totempg callbacks (exec/totem.c pg_env_*) ------------------------------ */

static void xfail(struct sim_stack *stk, const char *what, const char *why)
{
	sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid, "transcoder: %s: %s", what, why);
}

/* Drop the shadow messages frames have taken whole; compact the array. */
static void shadow_trim(struct sim_stack *stk)
{
	while (stk->sh_head < stk->sh_n && stk->sh[stk->sh_head].off == stk->sh[stk->sh_head].len)
		free(stk->sh[stk->sh_head++].buf);
	if (stk->sh_head == stk->sh_n)
		stk->sh_head = stk->sh_n = 0;
}

/*
 * The frame a node of the other order would emit: header and lengths
 * swapped, data taken from the shadow stream (peeked; taken on success).
 */
static const uint8_t *shadow_frame(struct sim_stack *stk, const struct iovec *iov, size_t iovcnt,
				   size_t *ret_len)
{
	size_t len = 0, o = 0, need, i, off;
	uint16_t count;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > stk->other_cap) {
		free(stk->other);
		stk->other = malloc(len);
		if (!stk->other)
			abort();
		stk->other_cap = len;
	}
	for (i = 0; i < iovcnt; i++) {
		memcpy(stk->other + o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	if (len < SIM_XCODE_PG_FRAME_HDR) {
		xfail(stk, "a totempg frame", "shorter than its header");
		return NULL;
	}
	memcpy(&count, stk->other + 6, 2);
	need = SIM_XCODE_PG_FRAME_HDR + 2 * (size_t)count;
	if (sim_xcode_pg_frame_header(stk->other, len) < 0 || need > len) {
		xfail(stk, "a totempg frame", "its lengths do not fit");
		return NULL;
	}
	/* the data: the same number of bytes of the shadow stream */
	for (i = stk->sh_head, off = need; off < len && i < stk->sh_n; i++) {
		struct shadow_msg *m = &stk->sh[i];
		size_t take = m->len - m->off < len - off ? m->len - m->off : len - off;

		memcpy(stk->other + off, m->buf + m->off, take);
		off += take;
	}
	if (off != len) {
		xfail(stk, "a totempg frame", "carries bytes that were not handed to totempg");
		return NULL;
	}
	*ret_len = len;
	return stk->other;
}

static void shadow_take(struct sim_stack *stk, size_t bytes)
{
	for (size_t i = stk->sh_head; bytes && i < stk->sh_n; i++) {
		struct shadow_msg *m = &stk->sh[i];
		size_t take = m->len - m->off < bytes ? m->len - m->off : bytes;

		m->off += take;
		bytes -= take;
	}
	shadow_trim(stk);
}

static int pg_env_mcast(void *ctx, const struct iovec *iov, size_t iovcnt)
{
	struct sim_stack *stk = ctx;
	const uint8_t *other = NULL;
	size_t other_len = 0;
	int r;

	if (stk->dead)
		return -ENOTCONN;
	if (stk->cfg.xcode)
		other = shadow_frame(stk, iov, iovcnt, &other_len);
	r = stk->cfg.frame_mcast(stk->cfg.ctx, iov, iovcnt, other, other_len);
	if (r == 0) {
		stk->frames_sent++;
		if (other) {
			uint16_t count;

			memcpy(&count, (const uint8_t *)iov[0].iov_base + 6, 2);
			shadow_take(stk, other_len - SIM_XCODE_PG_FRAME_HDR - 2 * (size_t)count);
		}
	}
	return r;
}

/* A message goes to totempg: its other-order twin joins the shadow stream. */
static void shadow_push(struct sim_stack *stk, const char *group, size_t group_len,
			const struct iovec *iov, size_t iovcnt)
{
	struct shadow_msg *m;
	size_t len = 4 + group_len, o;
	uint16_t v;
	const char *why = "";

	for (size_t i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (stk->sh_n == stk->sh_cap) {
		stk->sh_cap = stk->sh_cap ? 2 * stk->sh_cap : 16;
		stk->sh = realloc(stk->sh, stk->sh_cap * sizeof(*stk->sh));
		if (!stk->sh)
			abort();
	}
	m = &stk->sh[stk->sh_n++];
	m->buf = malloc(len);
	if (!m->buf)
		abort();
	m->len = len;
	m->off = 0;
	/* the group header as totempg writes it (pg.c pg_mcast) */
	v = 1;
	memcpy(m->buf, &v, 2);
	v = (uint16_t)group_len;
	memcpy(m->buf + 2, &v, 2);
	memcpy(m->buf + 4, group, group_len);
	o = 4 + group_len;
	for (size_t i = 0; i < iovcnt; i++) {
		memcpy(m->buf + o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	if (sim_xcode_pg_message(m->buf, len, &why) < 0)
		xfail(stk, "a service message", why);
}

/*
 * pg_mcast failed: if no frame went out, the message was not taken (the
 * last shadow message goes); if some did, totempg dropped the rest of the
 * message and its packing buffer (pg.c pack_message: "start clean").
 */
static void shadow_refused(struct sim_stack *stk, uint64_t frames_before)
{
	if (stk->frames_sent == frames_before) {
		free(stk->sh[--stk->sh_n].buf);
	} else {
		for (size_t i = stk->sh_head; i < stk->sh_n; i++)
			stk->sh[i].off = stk->sh[i].len;
	}
	shadow_trim(stk);
}

static void shadow_free(struct sim_stack *stk)
{
	for (size_t i = stk->sh_head; i < stk->sh_n; i++)
		free(stk->sh[i].buf);
	free(stk->sh);
	free(stk->other);
	stk->sh = NULL;
	stk->other = NULL;
	stk->sh_head = stk->sh_n = stk->sh_cap = stk->other_cap = 0;
}

static size_t pg_env_space(void *ctx)
{
	struct sim_stack *stk = ctx;

	return stk->dead ? 0 : srp_queue_space(stk->cfg.srp);
}

static void pg_env_pending(void *ctx)
{
	struct sim_stack *stk = ctx;

	if (!stk->dead)
		srp_hold_cancel(stk->cfg.srp);
}

static void pg_env_deliver(void *ctx, uint32_t from, const char *group, size_t group_len,
			   const void *msg, size_t len, bool foreign)
{
	struct sim_stack *stk = ctx;

	if (len > sizeof(stk->msg))
		return;
	memcpy(stk->msg, msg, len);
	if (foreign && stk->cfg.foreign_rx)
		(*stk->cfg.foreign_rx)++;
	stk->deliveries++;
	if (group_len == 1 && group[0] == 'a')
		host_deliver(stk->host, from, stk->msg, len, foreign);
	else if (group_len == 4 && memcmp(group, GROUP_SYNC, 4) == 0)
		host_sync_deliver(stk->host, from, stk->msg, len, foreign);
}

/* ---- the host's totem ops (exec/totem.c host_mcast, host_space) ------------- */

static int host_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t iovcnt,
		      enum svc_guarantee g)
{
	struct sim_stack *stk = ctx;
	const char *name = group == HOST_GROUP_SYNC ? GROUP_SYNC : GROUP_A;
	size_t name_len = group == HOST_GROUP_SYNC ? 4 : 1;
	uint64_t frames_before = stk->frames_sent;
	int r;

	(void)g;
	if (stk->dead)
		return -ENOTCONN;
	if (stk->cfg.xcode)
		shadow_push(stk, name, name_len, iov, iovcnt);
	r = pg_mcast(stk->pg, name, name_len, iov, iovcnt);
	if (r < 0 && stk->cfg.xcode)
		shadow_refused(stk, frames_before);
	return r;
}

static bool host_space(void *ctx, size_t len)
{
	struct sim_stack *stk = ctx;

	return !stk->dead && pg_send_ok(stk->pg, len) &&
	       stk->cfg.queue_cap - srp_queue_space(stk->cfg.srp) <= QUEUE_SOFT;
}

static const struct host_totem_ops sim_totem_ops = {
	.mcast = host_mcast,
	.space = host_space,
};

/* A snapshot of the CPG process list for the group-agreement checker. */
static void report_sync_done(struct sim_stack *stk)
{
	struct cpg_state *st = svc_state(stk->cpg);
	struct sim_cpg_proc *v = calloc(st->procs_count ? st->procs_count : 1, sizeof(*v));

	if (!v)
		abort();
	for (size_t i = 0; i < st->procs_count; i++) {
		v[i].nodeid = st->procs[i].nodeid;
		v[i].pid = st->procs[i].pid;
		v[i].name_len = st->procs[i].name.len;
		v[i].name = st->procs[i].name.value;
	}
	sim_cpg_sync_done(stk->cfg.cc, stk->cfg.nodeid, stk->regular, v, st->procs_count);
	free(v);
}

/* What votequorum and the host decided, for the quorum checker. */
static void report_quorum(struct sim_stack *stk)
{
	struct sim_quorum_report r;
	struct vq_status vs;
	struct svc_quorum q;

	if (!stk->cfg.qc || !stk->vq)
		return;
	memset(&r, 0, sizeof(r));
	vq_status_get(stk->vq, &vs);
	r.ring = stk->regular;
	r.ring_members = stk->members;
	r.ring_n = stk->members_n;
	r.quorate = vs.quorate;
	r.total_votes = vs.total_votes;
	r.expected_votes = vs.expected_votes;
	r.quorum = vs.quorum;
	r.vq_ring.rep = vs.ring_rep;
	r.vq_ring.seq = vs.ring_seq;
	r.vq_members = vs.members;
	r.vq_n = vs.members_count;
	if (svc_quorum_get(stk->vq, &q) == 0) {
		r.host_known = true;
		r.host_quorate = q.quorate;
		r.host_ring.rep = q.rep_nodeid;
		r.host_ring.seq = q.ring_seq;
		r.host_members = q.members;
		r.host_n = q.members_count;
	}
	slog(stk, "votequorum after the sync of ring %u/%" PRIu64 ": %squorate, votes %u of %u expected, quorum %u",
	     stk->regular.rep, stk->regular.seq, vs.quorate ? "" : "not ", vs.total_votes,
	     vs.expected_votes, vs.quorum);
	sim_quorum_sync_done(stk->cfg.qc, stk->cfg.nodeid, &r);
}

/* exec/totem.c totem_sync_done */
static void on_sync_done(void *ctx)
{
	struct sim_stack *stk = ctx;

	slog(stk, "sync of ring %u/%" PRIu64 " done", stk->regular.rep, stk->regular.seq);
	report_sync_done(stk);
	report_quorum(stk);
	if (pg_confchg_sync_done(&stk->cc, stk->pg)) {
		srp_trans_ack(stk->cfg.srp);
		sim_check_trans_ack(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid);
	}
}

/* ---- IPC towards the fake clients ------------------------------------------- */

static const void *flatten(struct sim_stack *stk, const struct iovec *iov, size_t iovcnt,
			   size_t *ret_len)
{
	size_t total = 0, o = 0;

	for (size_t i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > stk->ev_cap) {
		free(stk->ev);
		stk->ev = malloc(total);
		if (!stk->ev)
			abort();
		stk->ev_cap = total;
	}
	for (size_t i = 0; i < iovcnt; i++) {
		memcpy(stk->ev + o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	*ret_len = total;
	return stk->ev;
}

static void cl_reply(struct sim_client *cl, int32_t id, int32_t err, const void *r, size_t len);
static void rx_done(struct sim_client *cl, const void *ev);

static size_t fmt_addrs(char *buf, size_t cap, const mar_cpg_address_t *a, size_t n, bool reasons)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && o + 32 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%u/%u", i ? "," : "", a[i].nodeid, a[i].pid);
	if (reasons && n && o + 8 < cap)
		o += (size_t)snprintf(buf + o, cap - o, " r%u", a[0].reason);
	return o;
}

/* --verbose: every event a client gets, one line. */
static void trace_event(struct sim_stack *stk, struct sim_client *cl, const void *ev, size_t len)
{
	const struct qb_ipc_response_header *h = ev;
	char m[400], l[200], j[200];

	if (h->id == MESSAGE_RES_CPG_CONFCHG_CALLBACK && len >= sizeof(struct res_lib_cpg_confchg_callback)) {
		const struct res_lib_cpg_confchg_callback *c = ev;
		size_t nm = c->member_list_entries, nl = c->left_list_entries, nj = c->joined_list_entries;

		if (len < sizeof(*c) + (nm + nl + nj) * sizeof(mar_cpg_address_t))
			return;
		fmt_addrs(m, sizeof(m), c->member_list, nm, false);
		fmt_addrs(l, sizeof(l), c->member_list + nm, nl, true);
		fmt_addrs(j, sizeof(j), c->member_list + nm + nl, nj, true);
		slog(stk, "cpg %u <- confchg %.*s members {%s} left {%s} joined {%s}", cl->pid,
		     (int)c->group_name.length, c->group_name.value, m, l, j);
	} else if (h->id == MESSAGE_RES_CPG_DELIVER_CALLBACK &&
		   len >= sizeof(struct res_lib_cpg_deliver_callback) + 24) {
		const struct res_lib_cpg_deliver_callback *d = ev;
		uint64_t seq;

		memcpy(&seq, d->message + 16, 8);
		slog(stk, "cpg %u <- deliver %u/%u#%" PRIu64 " (%u bytes)%s", cl->pid, d->nodeid, d->pid,
		     seq, d->msglen, stk->cc.in_trans ? " in a transitional configuration" : "");
	} else if (h->id == MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK) {
		const struct res_lib_cpg_totem_confchg_callback *t = ev;

		slog(stk, "cpg %u <- totem confchg ring %u/%" PRIu64 " %u members", cl->pid,
		     t->ring_id.nodeid, t->ring_id.seq, t->member_list_entries);
	}
}

static int ipc_reply(void *ipc_conn, const struct iovec *iov, size_t iovcnt)
{
	struct sim_client *cl = ipc_conn;
	struct qb_ipc_response_header h;
	const void *r;
	size_t len;

	if (iovcnt == 0 || iov[0].iov_len < sizeof(h))
		return -EINVAL;
	r = flatten(cl->stk, iov, iovcnt, &len);
	memcpy(&h, r, sizeof(h));
	if (cl->await < 0) {
		sim_check_fail(sim_cpg_check_sim(cl->stk->cfg.cc), cl->stk->cfg.nodeid,
			       "client pid %u got an unexpected reply id %d (error %d)", cl->pid, h.id,
			       h.error);
		return 0;
	}
	cl_reply(cl, h.id, h.error, r, len);
	return 0;
}

/*
 * libcpg's reassembly of PARTIAL_DELIVER events (corosync v3.1.7 lib/cpg.c
 * cpg_dispatch): per (nodeid, pid); FIRST drops an unfinished one and
 * starts over, CONTINUED and LAST without one are ignored, LAST delivers
 * the whole message as one deliver callback.  Returns the deliver event to
 * pass on (in *ret, *ret_len) or NULL.  A fragment beyond the announced
 * length, or a LAST that leaves a hole, would reach the application as a
 * corrupt message: a failure.
 */
static const void *rx_partial(struct sim_client *cl, const void *ev, size_t len, size_t *ret_len)
{
	struct sim_stack *stk = cl->stk;
	const struct res_lib_cpg_partial_deliver_callback *pe = ev;
	struct res_lib_cpg_deliver_callback *d;
	struct cl_asm *a = NULL;
	size_t i;

	if (len < sizeof(*pe) || len != sizeof(*pe) + pe->fraglen) {
		sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid,
			       "PARTIAL_DELIVER of %zu bytes to pid %u is malformed", len, cl->pid);
		return NULL;
	}
	for (i = 0; i < cl->rx_n; i++)
		if (cl->rx[i].nodeid == pe->nodeid && cl->rx[i].pid == pe->pid)
			a = &cl->rx[i];
	slog(stk, "cpg %u <- partial %u/%u type %u (%u of %u bytes)", cl->pid, pe->nodeid, pe->pid,
	     pe->type, pe->fraglen, pe->msglen);
	if (pe->type == LIBCPG_PARTIAL_FIRST) {
		if (!a) {
			cl->rx = realloc(cl->rx, (cl->rx_n + 1) * sizeof(*cl->rx));
			if (!cl->rx)
				abort();
			a = &cl->rx[cl->rx_n++];
			memset(a, 0, sizeof(*a));
			a->nodeid = pe->nodeid;
			a->pid = pe->pid;
		}
		free(a->buf);
		a->buf = malloc(sizeof(*d) + pe->msglen);
		if (!a->buf)
			abort();
		a->msglen = pe->msglen;
		a->index = 0;
	} else if (!a || !a->buf) {
		return NULL;
	}
	if (a->index + pe->fraglen > a->msglen) {
		sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid,
			       "PARTIAL_DELIVER from %u/%u to pid %u overflows its message (%zu + %u > %zu)",
			       pe->nodeid, pe->pid, cl->pid, a->index, pe->fraglen, a->msglen);
		return NULL;
	}
	memcpy(a->buf + sizeof(*d) + a->index, pe->message, pe->fraglen);
	a->index += pe->fraglen;
	if (pe->type != LIBCPG_PARTIAL_LAST)
		return NULL;
	if (a->index != a->msglen) {
		sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid,
			       "pid %u assembled a message from %u/%u with %zu of its %zu bytes", cl->pid,
			       pe->nodeid, pe->pid, a->index, a->msglen);
		return NULL;
	}
	d = (void *)a->buf;
	memset(d, 0, sizeof(*d));
	d->header.id = MESSAGE_RES_CPG_DELIVER_CALLBACK;
	d->header.size = (int32_t)(sizeof(*d) + a->msglen);
	d->group_name = pe->group_name;
	d->msglen = (uint32_t)a->msglen;
	d->nodeid = pe->nodeid;
	d->pid = pe->pid;
	*ret_len = sizeof(*d) + a->msglen;
	return d;
}

static void rx_free(struct sim_client *cl)
{
	for (size_t i = 0; i < cl->rx_n; i++)
		free(cl->rx[i].buf);
	free(cl->rx);
	cl->rx = NULL;
	cl->rx_n = 0;
}

static int ipc_event(void *ipc_conn, const struct iovec *iov, size_t iovcnt)
{
	struct sim_client *cl = ipc_conn;
	struct sim_stack *stk = cl->stk;
	const struct res_lib_cpg_confchg_callback *cc;
	size_t len;
	const void *ev = flatten(stk, iov, iovcnt, &len);
	struct qb_ipc_response_header h;

	if (len < sizeof(h))
		return -EINVAL;
	memcpy(&h, ev, sizeof(h));
	if (h.id == MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK) {
		const void *whole;

		/* a fragment in the same delivery as its own JOIN: the service's
		 * replay of a message in progress (cpg_service/cpg_partial.c) */
		if (cl->state == CL_JOINED && cl->join_delivery == stk->deliveries) {
			sim_cpg_check_note_replay(stk->cfg.cc);
			slog(stk, "client pid %u got a kept fragment", cl->pid);
		}
		whole = rx_partial(cl, ev, len, &len);

		if (!whole)
			return 0;
		ev = whole;
		h.id = MESSAGE_RES_CPG_DELIVER_CALLBACK;
	}
	if (h.id == MESSAGE_RES_CPG_DELIVER_CALLBACK && stk->cc.in_trans)
		sim_cpg_check_note_trans_delivery(stk->cfg.cc);
	if (stk->cfg.log)
		trace_event(stk, cl, ev, len);
	sim_cpg_event(stk->cfg.cc, stk->cfg.nodeid, cl->pid, ev, len);
	rx_done(cl, ev);
	if (h.id != MESSAGE_RES_CPG_CONFCHG_CALLBACK || len < sizeof(*cc))
		return 0;
	cc = ev;
	/* Own JOIN / own LEAVE move the client's state, as the application would see it. */
	for (uint32_t i = 0; i < cc->joined_list_entries && cl->state == CL_JOINING; i++) {
		const mar_cpg_address_t *a = &cc->member_list[cc->member_list_entries +
							      cc->left_list_entries + i];

		if ((size_t)((const uint8_t *)(a + 1) - (const uint8_t *)ev) > len)
			break;
		if (a->nodeid == stk->cfg.nodeid && a->pid == cl->pid) {
			cl->state = CL_JOINED;
			cl->join_delivery = stk->deliveries;
		}
	}
	/* libcpg drops the reassembly of every process in the left list */
	for (uint32_t i = 0; i < cc->left_list_entries; i++) {
		const mar_cpg_address_t *a = &cc->member_list[cc->member_list_entries + i];

		if ((size_t)((const uint8_t *)(a + 1) - (const uint8_t *)ev) > len)
			break;
		for (size_t k = 0; k < cl->rx_n; k++)
			if (cl->rx[k].nodeid == a->nodeid && cl->rx[k].pid == a->pid) {
				free(cl->rx[k].buf);
				cl->rx[k] = cl->rx[--cl->rx_n];
				break;
			}
	}
	for (uint32_t i = 0; i < cc->left_list_entries && cl->state == CL_LEAVING; i++) {
		const mar_cpg_address_t *a = &cc->member_list[cc->member_list_entries + i];

		if ((size_t)((const uint8_t *)(a + 1) - (const uint8_t *)ev) > len)
			break;
		if (a->nodeid == stk->cfg.nodeid && a->pid == cl->pid &&
		    a->reason == CONFCHG_CPG_REASON_LEAVE) {
			cl->state = CL_CONN;   /* closes at its next action */
			cl->retire = true;
		}
	}
	return 0;
}

/* A reassembled message was passed on: its assembly is over (libcpg frees it). */
static void rx_done(struct sim_client *cl, const void *ev)
{
	for (size_t i = 0; i < cl->rx_n; i++)
		if (cl->rx[i].buf == ev) {
			free(cl->rx[i].buf);
			cl->rx[i] = cl->rx[--cl->rx_n];
			return;
		}
}

static const struct host_ipc_ops sim_ipc_ops = {
	.reply = ipc_reply,
	.event = ipc_event,
};

/* ---- the fake clients --------------------------------------------------------- */

static uint64_t cl_delay(struct sim_stack *stk)
{
	return stk->now + 1 + sim_prng_exp(stk->cfg.prng, stk->cfg.client_mean_ms);
}

static void cl_group(const struct sim_client *cl, mar_cpg_name_t *n)
{
	memset(n, 0, sizeof(*n));
	n->length = (uint32_t)snprintf(n->value, sizeof(n->value), "g%u", cl->group);
}

static void it_end(struct sim_client *cl)
{
	free(cl->it_items);
	free(cl->it_names);
	free(cl->it_view);
	cl->it_items = NULL;
	cl->it_names = NULL;
	cl->it_view = NULL;
	cl->it_n = cl->it_cap = cl->it_view_n = 0;
	cl->it_type = 0;
}

static void part_end(struct sim_client *cl)
{
	free(cl->part);
	cl->part = NULL;
	cl->part_len = 0;
}

/* Also removes a file the daemon has not taken (it unlinks the ones it takes). */
static void zc_end(struct sim_client *cl)
{
	if (cl->zc_fd >= 0) {
		if (cl->zc_path[0])
			(void)unlink(cl->zc_path);
		close(cl->zc_fd);
	}
	cl->zc_fd = -1;
	cl->zc_path[0] = 0;
}

/* What a client process holds dies with it. */
static void cl_free(struct sim_client *cl)
{
	zc_end(cl);
	it_end(cl);
	part_end(cl);
	rx_free(cl);
}

static void cl_close(struct sim_client *cl, bool crash)
{
	struct sim_stack *stk = cl->stk;

	if (crash)
		sim_cpg_client_crash(stk->cfg.cc, stk->cfg.nodeid, cl->pid);
	slog(stk, "client pid %u %s", cl->pid, crash ? "crashes" : "disconnects");
	host_conn_close(cl->conn);
	cl->conn = NULL;
	cl->state = CL_DOWN;
	cl->await = -1;
	cl_free(cl);
}

static void cl_join_reply(struct sim_client *cl, int32_t err)
{
	struct sim_stack *stk = cl->stk;
	mar_cpg_name_t name;

	if (err == CS_OK) {
		cl->state = CL_JOINING;
		cl->seq = 0;
		cl_group(cl, &name);
		sim_cpg_client_join(stk->cfg.cc, stk->cfg.nodeid, cl->pid, name.value, name.length);
		slog(stk, "client pid %u joins g%u", cl->pid, cl->group);
	} else if (err != CS_ERR_TRY_AGAIN) {
		sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid,
			       "JOIN of pid %u answered %d", cl->pid, err);
	}
}

static void cl_leave_reply(struct sim_client *cl, int32_t err)
{
	struct sim_stack *stk = cl->stk;

	if (err == CS_OK) {
		cl->state = CL_LEAVING;
		sim_cpg_client_leave(stk->cfg.cc, stk->cfg.nodeid, cl->pid);
		slog(stk, "client pid %u leaves g%u", cl->pid, cl->group);
	} else if (err != CS_ERR_TRY_AGAIN && err != CS_ERR_BUSY) {
		sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid,
			       "LEAVE of pid %u answered %d", cl->pid, err);
	}
}

/*
 * A reply: JOIN and LEAVE complete here, also when the host held the
 * request behind the connection's parked MCASTs and answers later.  libcpg
 * reads only the error of a reply (the host's TRY_AGAIN has id 0, as
 * corosync's flow-control answer).
 */
static void cl_iter_reply(struct sim_client *cl, int32_t want, int32_t err, const void *r,
			  size_t len);
static void cl_part_reply(struct sim_client *cl, int32_t err);
static void cl_zc_reply(struct sim_client *cl, int32_t want, int32_t err);

static void cl_reply(struct sim_client *cl, int32_t id, int32_t err, const void *r, size_t len)
{
	int32_t want = cl->await;

	(void)id;
	cl->await = -1;
	switch (want) {
	case MESSAGE_REQ_CPG_JOIN:
		cl_join_reply(cl, err);
		break;
	case MESSAGE_REQ_CPG_LEAVE:
		cl_leave_reply(cl, err);
		break;
	case MESSAGE_REQ_CPG_PARTIAL_MCAST:
		cl_part_reply(cl, err);
		break;
	case MESSAGE_REQ_CPG_ZC_ALLOC:
	case MESSAGE_REQ_CPG_ZC_EXECUTE:
	case MESSAGE_REQ_CPG_ZC_FREE:
		cl_zc_reply(cl, want, err);
		break;
	default:
		cl_iter_reply(cl, want, err, r, len);
		break;
	}
}

static void cl_join(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct req_lib_cpg_join req;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_JOIN;
	req.header.size = sizeof(req);
	cl->group = (uint32_t)sim_prng_below(stk->cfg.prng, stk->cfg.groups);
	cl_group(cl, &req.group_name);
	req.pid = cl->pid;
	req.flags = sim_prng_chance(stk->cfg.prng, 300000) ? 1 : 0;
	cl->await = MESSAGE_REQ_CPG_JOIN;
	(void)host_conn_dispatch(cl->conn, &req, sizeof(req));
}

static void cl_leave(struct sim_client *cl)
{
	struct req_lib_cpg_leave req;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_LEAVE;
	req.header.size = sizeof(req);
	cl_group(cl, &req.group_name);
	req.pid = cl->pid;
	cl->await = MESSAGE_REQ_CPG_LEAVE;
	(void)host_conn_dispatch(cl->conn, &req, sizeof(req));
}

/* Payload sizes: mostly small, some over a frame (totempg fragments them),
 * a few tens of KiB, and rarely close to the largest unfragmented MCAST. */
static size_t cl_msg_len(struct sim_stack *stk)
{
	struct sim_prng *p = stk->cfg.prng;
	uint64_t r = sim_prng_below(p, 1000);

	if (r < 700)
		return (size_t)sim_prng_range(p, SIM_CPG_HDR_LEN, 512);
	if (r < 920)
		return (size_t)sim_prng_range(p, 512, 3 * stk->cfg.frame_max);
	if (r < 998)
		return (size_t)sim_prng_range(p, 4096, 65536);
	return (size_t)sim_prng_range(p, CPG_WIRE_ATOMIC_MAX - 4096, CPG_WIRE_ATOMIC_MAX);
}

/*
 * Can a merge cut this MCAST payload?  Only if totempg splits it: its
 * message is group "a", the exec header and the payload (cpg_mcast_send).
 */
static bool mcast_cuttable(const struct sim_stack *stk, size_t len)
{
	return 4 + 1 + sizeof(struct req_exec_cpg_mcast) + len > pg_whole_max(stk->pg);
}

static void cl_mcast(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct req_lib_cpg_mcast *req = (void *)stk->req;
	size_t len = cl_msg_len(stk);

	memset(req, 0, sizeof(*req));
	req->header.id = MESSAGE_REQ_CPG_MCAST;
	req->header.size = (int32_t)(sizeof(*req) + len);
	req->guarantee = 1;     /* CPG_TYPE_AGREED */
	req->msglen = (uint32_t)len;
	len = sim_cpg_msg_build(req->message, SVC_IPC_MSG_MAX - sizeof(*req), stk->cfg.nodeid, cl->pid,
				++cl->seq, len);
	sim_cpg_client_sent(stk->cfg.cc, stk->cfg.nodeid, cl->pid, req->message, len,
			    mcast_cuttable(stk, len));
	slog(stk, "client pid %u mcast #%" PRIu64 " (%zu bytes)", cl->pid, cl->seq, len);
	/* never answered: a reply would reach ipc_reply with nothing awaited */
	(void)host_conn_dispatch(cl->conn, req, sizeof(*req) + len);
}

/* ---- iteration (libcpg cpg_iteration_initialize/next/finalize) ---- */

static void cl_iter_start(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct req_lib_cpg_iterationinitialize req;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ITERATIONINITIALIZE;
	req.header.size = sizeof(req);
	cl->it_type = 1 + (uint32_t)sim_prng_below(stk->cfg.prng, 3);
	req.iteration_type = cl->it_type;
	if (cl->it_type == CPG_ITER_ONE_GROUP)
		cl_group(cl, &req.group_name);
	cl->it_done = false;
	cl->await = MESSAGE_REQ_CPG_ITERATIONINITIALIZE;
	(void)host_conn_dispatch(cl->conn, &req, sizeof(req));
}

/* NEXT until NO_SECTIONS, then FINALIZE; one request per action. */
static void cl_iter_step(struct sim_client *cl)
{
	struct req_lib_cpg_iterationnext req;

	memset(&req, 0, sizeof(req));
	req.header.id = cl->it_done ? MESSAGE_REQ_CPG_ITERATIONFINALIZE :
				      MESSAGE_REQ_CPG_ITERATIONNEXT;
	req.header.size = sizeof(req);   /* FINALIZE has the same layout */
	req.iteration_handle = cl->it_handle;
	cl->await = req.header.id;
	(void)host_conn_dispatch(cl->conn, &req, sizeof(req));
}

static void cl_iter_reply(struct sim_client *cl, int32_t want, int32_t err, const void *r,
			  size_t len)
{
	struct sim_stack *stk = cl->stk;
	struct sim_check *chk = sim_cpg_check_sim(stk->cfg.cc);

	cl->next_at = stk->now;      /* libcpg's caller goes on at once */
	if (want == MESSAGE_REQ_CPG_ITERATIONINITIALIZE) {
		const struct res_lib_cpg_iterationinitialize *res = r;
		const uint64_t *v;
		size_t vn;

		if (err == CS_ERR_TRY_AGAIN || err == CS_ERR_NO_RESOURCES) {
			it_end(cl);
			return;
		}
		if (err != CS_OK || len < sizeof(*res)) {
			sim_check_fail(chk, stk->cfg.nodeid, "ITERATIONINITIALIZE of pid %u answered %d",
				       cl->pid, err);
			it_end(cl);
			return;
		}
		cl->it_handle = res->iteration_handle;
		/* The snapshot is now: the client's view counts if it is settled. */
		if (cl->state == CL_JOINED && !stk->cc.in_trans && !stk->cc.in_sync &&
		    !host_sync_in_progress(stk->host) &&
		    (vn = sim_cpg_client_view(stk->cfg.cc, stk->cfg.nodeid, cl->pid, &v)) > 0) {
			cl->it_view = malloc(vn * sizeof(*v));
			if (!cl->it_view)
				abort();
			memcpy(cl->it_view, v, vn * sizeof(*v));
			cl->it_view_n = vn;
		}
		return;
	}
	if (want == MESSAGE_REQ_CPG_ITERATIONNEXT) {
		const struct res_lib_cpg_iterationnext *res = r;

		if (err == CS_ERR_NO_SECTIONS) {
			cl->it_done = true;
			for (size_t i = 0; i < cl->it_n; i++)
				cl->it_items[i].name = (const uint8_t *)cl->it_names[i].value;
			slog(stk, "client pid %u iteration type %u: %zu entries%s", cl->pid, cl->it_type,
			     cl->it_n, cl->it_view ? " (checked against its view)" : "");
			sim_cpg_client_iteration(stk->cfg.cc, stk->cfg.nodeid, cl->pid, cl->it_type,
						 cl->it_items, cl->it_n, cl->it_view, cl->it_view_n);
			return;
		}
		if (err != CS_OK || len < sizeof(*res) ||
		    res->description.group.length > CPG_WIRE_NAME_MAX) {
			sim_check_fail(chk, stk->cfg.nodeid, "ITERATIONNEXT of pid %u answered %d",
				       cl->pid, err);
			it_end(cl);
			return;
		}
		if (cl->it_n == cl->it_cap) {
			cl->it_cap = cl->it_cap ? 2 * cl->it_cap : 16;
			cl->it_items = realloc(cl->it_items, cl->it_cap * sizeof(*cl->it_items));
			cl->it_names = realloc(cl->it_names, cl->it_cap * sizeof(*cl->it_names));
			if (!cl->it_items || !cl->it_names)
				abort();
		}
		cl->it_names[cl->it_n] = res->description.group;
		cl->it_items[cl->it_n].nodeid = res->description.nodeid;
		cl->it_items[cl->it_n].pid = res->description.pid;
		cl->it_items[cl->it_n].name_len = res->description.group.length;
		cl->it_n++;
		return;
	}
	if (err != CS_OK)
		sim_check_fail(chk, stk->cfg.nodeid, "ITERATIONFINALIZE of pid %u answered %d", cl->pid,
			       err);
	it_end(cl);
}

/* ---- a fragmented send (libcpg send_fragments, messages over 1047552 bytes) ---- */

static void cl_part_send(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct req_lib_cpg_partial_mcast *req = (void *)stk->req;
	size_t end = cl->part_len, frag;

	/* a fragment holds bytes of one iovec element only, at most 1047552 */
	for (uint32_t i = 0; i < cl->part_elems; i++)
		if (cl->part_ends[i] > cl->part_off) {
			end = cl->part_ends[i];
			break;
		}
	frag = end - cl->part_off;
	if (frag > CPG_WIRE_ATOMIC_MAX)
		frag = CPG_WIRE_ATOMIC_MAX;
	memset(req, 0, sizeof(*req));
	req->header.id = MESSAGE_REQ_CPG_PARTIAL_MCAST;
	req->header.size = (int32_t)(sizeof(*req) + frag);
	req->guarantee = 1;
	req->msglen = (uint32_t)cl->part_len;
	req->fraglen = (uint32_t)frag;
	req->type = cl->part_off == 0 ? LIBCPG_PARTIAL_FIRST :
		    cl->part_off + frag == cl->part_len ? LIBCPG_PARTIAL_LAST : LIBCPG_PARTIAL_CONTINUED;
	memcpy(req->message, cl->part + cl->part_off, frag);
	cl->part_frag = frag;
	cl->await = MESSAGE_REQ_CPG_PARTIAL_MCAST;
	(void)host_conn_dispatch(cl->conn, req, sizeof(*req) + frag);
}

static void cl_part_start(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct sim_prng *p = stk->cfg.prng;
	size_t len = (size_t)sim_prng_range(p, CPG_WIRE_ATOMIC_MAX + 1, CPG_WIRE_ATOMIC_MAX + 65536);
	uint32_t k = (uint32_t)sim_prng_range(p, 1, PART_ELEMS_MAX);

	cl->part = malloc(len);
	if (!cl->part)
		abort();
	cl->part_len = sim_cpg_msg_build(cl->part, len, stk->cfg.nodeid, cl->pid, cl->seq + 1, len);
	/* the application's iovec: k elements, cut at random (sorted, distinct) */
	cl->part_elems = 0;
	for (uint32_t i = 0; i + 1 < k; i++) {
		size_t cut = (size_t)sim_prng_range(p, 1, len - 1), j = cl->part_elems;

		while (j > 0 && cl->part_ends[j - 1] > cut) {
			cl->part_ends[j] = cl->part_ends[j - 1];
			j--;
		}
		if (j > 0 && cl->part_ends[j - 1] == cut) {
			memmove(&cl->part_ends[j], &cl->part_ends[j + 1],
				(cl->part_elems - j) * sizeof(cl->part_ends[0]));
			continue;
		}
		cl->part_ends[j] = cut;
		cl->part_elems++;
	}
	cl->part_ends[cl->part_elems++] = len;
	cl->part_off = 0;
	cl->part_tries = 0;
	slog(stk, "client pid %u partial mcast #%" PRIu64 " (%zu bytes, %u iovec elements)", cl->pid,
	     cl->seq + 1, len, cl->part_elems);
	cl_part_send(cl);
}

static void cl_part_reply(struct sim_client *cl, int32_t err)
{
	struct sim_stack *stk = cl->stk;

	if (!cl->part_len)
		return;
	if (err == CS_OK) {
		cl->part_off += cl->part_frag;
		cl->part_tries = 0;
		cl->next_at = stk->now;
		if (cl->part_off < cl->part_len)
			return;
		/* the LAST fragment is in totem: the message counts as sent */
		cl->seq++;
		sim_cpg_client_sent(stk->cfg.cc, stk->cfg.nodeid, cl->pid, cl->part, cl->part_len,
				    true);
		slog(stk, "client pid %u partial mcast #%" PRIu64 " sent", cl->pid, cl->seq);
		part_end(cl);
		return;
	}
	/* libcpg sleeps 10 ms and retries TRY_AGAIN up to 100 times; any other
	 * error (INTERRUPT: a confchg since the first fragment) ends the send */
	if (err == CS_ERR_TRY_AGAIN && ++cl->part_tries <= 100) {
		cl->next_at = stk->now + 10;
		return;
	}
	slog(stk, "client pid %u partial mcast #%" PRIu64 " abandoned at %zu of %zu bytes (error %d)",
	     cl->pid, cl->seq + 1, cl->part_off, cl->part_len, err);
	part_end(cl);
}

/* ---- zero copy (libcpg cpg_zcb_alloc, cpg_zcb_mcast_joined, cpg_zcb_free) ---- */

/*
 * The client creates its buffer file where libcpg does, the daemon opens,
 * checks and unlinks it (cpg_zcb.c) and writes its token into the header;
 * the client writes the MCAST header and the payload and asks the daemon to
 * send them, then frees the buffer.  One request per action; the file is
 * the only state outside the simulator's memory (never printed).
 */
static void cl_zc_start(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct req_lib_cpg_zc_alloc req;

	cl->zc_len = cl_msg_len(stk);
	cl->zc_size = CPG_ZC_USER_OFFSET + cl->zc_len;
	snprintf(cl->zc_path, sizeof(cl->zc_path), "/dev/shm/corosync_zerocopy-XXXXXX");
	cl->zc_fd = mkstemp(cl->zc_path);
	if (cl->zc_fd < 0 || ftruncate(cl->zc_fd, (off_t)cl->zc_size) < 0) {
		sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid,
			       "zero-copy buffer for pid %u: %s", cl->pid, strerror(errno));
		zc_end(cl);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ZC_ALLOC;
	req.header.size = sizeof(req);
	req.map_size = cl->zc_size;
	memcpy(req.path_to_file, cl->zc_path, strlen(cl->zc_path) + 1);
	cl->zc_executed = false;
	cl->zc_token = 0;
	cl->await = MESSAGE_REQ_CPG_ZC_ALLOC;
	(void)host_conn_dispatch(cl->conn, &req, sizeof(req));
}

static void cl_zc_step(struct sim_client *cl)
{
	union {
		struct req_lib_cpg_zc_execute x;
		struct req_lib_cpg_zc_free f;
	} req;

	memset(&req, 0, sizeof(req));
	if (!cl->zc_executed) {
		req.x.header.id = MESSAGE_REQ_CPG_ZC_EXECUTE;
		req.x.header.size = sizeof(req.x);
		req.x.server_address = cl->zc_token;
		cl->await = MESSAGE_REQ_CPG_ZC_EXECUTE;
		(void)host_conn_dispatch(cl->conn, &req.x, sizeof(req.x));
	} else {
		req.f.header.id = MESSAGE_REQ_CPG_ZC_FREE;
		req.f.header.size = sizeof(req.f);
		req.f.map_size = cl->zc_size;
		req.f.server_address = cl->zc_token;
		cl->await = MESSAGE_REQ_CPG_ZC_FREE;
		(void)host_conn_dispatch(cl->conn, &req.f, sizeof(req.f));
	}
}

/* The client's payload into its buffer (libcpg: the application writes it). */
static bool zc_fill(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct req_lib_cpg_mcast head;
	uint8_t *msg = malloc(cl->zc_len);
	bool ok;

	if (!msg)
		abort();
	(void)sim_cpg_msg_build(msg, cl->zc_len, stk->cfg.nodeid, cl->pid, cl->seq + 1, cl->zc_len);
	memset(&head, 0, sizeof(head));
	head.header.id = MESSAGE_REQ_CPG_MCAST;
	head.header.size = (int32_t)(sizeof(head) + cl->zc_len);
	head.guarantee = 1;
	head.msglen = (uint32_t)cl->zc_len;
	ok = pwrite(cl->zc_fd, &head, sizeof(head), sizeof(struct cpg_zc_header)) ==
		     (ssize_t)sizeof(head) &&
	     pwrite(cl->zc_fd, msg, cl->zc_len, CPG_ZC_USER_OFFSET) == (ssize_t)cl->zc_len;
	free(msg);
	return ok;
}

static void cl_zc_reply(struct sim_client *cl, int32_t want, int32_t err)
{
	struct sim_stack *stk = cl->stk;
	struct sim_check *chk = sim_cpg_check_sim(stk->cfg.cc);
	uint64_t token;

	if (cl->zc_fd < 0)
		return;
	cl->next_at = stk->now;
	if (want == MESSAGE_REQ_CPG_ZC_ALLOC) {
		if (err == CS_ERR_TRY_AGAIN) {   /* flow control: given up */
			zc_end(cl);
			return;
		}
		if (err != CS_OK ||
		    pread(cl->zc_fd, &token, sizeof(token),
			  offsetof(struct cpg_zc_header, server_address)) != (ssize_t)sizeof(token) ||
		    token == 0 || !zc_fill(cl)) {
			sim_check_fail(chk, stk->cfg.nodeid, "ZC_ALLOC of pid %u answered %d", cl->pid, err);
			zc_end(cl);
			return;
		}
		cl->zc_token = token;
		cl->zc_path[0] = 0;      /* the daemon unlinked it */
		return;
	}
	if (want == MESSAGE_REQ_CPG_ZC_EXECUTE) {
		cl->zc_executed = true;
		if (err == CS_OK) {
			uint8_t *msg = malloc(cl->zc_len);

			if (!msg || pread(cl->zc_fd, msg, cl->zc_len, CPG_ZC_USER_OFFSET) !=
					    (ssize_t)cl->zc_len)
				abort();
			cl->seq++;
			sim_cpg_client_sent(stk->cfg.cc, stk->cfg.nodeid, cl->pid, msg, cl->zc_len,
					    mcast_cuttable(stk, cl->zc_len));
			slog(stk, "client pid %u zero-copy mcast #%" PRIu64 " (%zu bytes)", cl->pid, cl->seq,
			     cl->zc_len);
			free(msg);
		} else if (err != CS_ERR_TRY_AGAIN) {
			/* libcpg's caller would retry TRY_AGAIN; this one gives up */
			sim_check_fail(chk, stk->cfg.nodeid, "ZC_EXECUTE of pid %u answered %d", cl->pid,
				       err);
		}
		return;
	}
	if (err == CS_ERR_TRY_AGAIN) {   /* flow control: the application tries again */
		cl->next_at = stk->now + 10;
		return;
	}
	if (err != CS_OK)
		sim_check_fail(chk, stk->cfg.nodeid, "ZC_FREE of pid %u answered %d", cl->pid, err);
	zc_end(cl);
}

static void cl_act(struct sim_client *cl)
{
	struct sim_stack *stk = cl->stk;
	struct sim_prng *p = stk->cfg.prng;
	uint64_t r;

	cl->next_at = cl_delay(stk);
	if (cl->await >= 0)
		return;      /* blocked in a libcpg call */
	if (cl->it_type && cl->conn) {
		cl_iter_step(cl);
		return;
	}
	if (cl->part_len && cl->conn) {
		cl_part_send(cl);
		return;
	}
	if (cl->zc_fd >= 0 && cl->conn) {
		cl_zc_step(cl);
		return;
	}
	switch (cl->state) {
	case CL_DOWN:
		if (!host_ready(stk->host) || stk->quiet)
			return;
		cl->pid = (*stk->cfg.pid_next)++;
		/* the real uid: the daemon takes only a zero-copy file of the client's uid */
		if (host_conn_open(stk->cpg, cl, (pid_t)cl->pid, getuid(), getgid(), &cl->conn) < 0) {
			sim_check_fail(sim_cpg_check_sim(stk->cfg.cc), stk->cfg.nodeid,
				       "host_conn_open failed");
			return;
		}
		cl->state = CL_CONN;
		cl->retire = false;
		sim_cpg_client_open(stk->cfg.cc, stk->cfg.nodeid, cl->pid);
		return;
	case CL_CONN:
		if (stk->quiet)
			return;
		/* A client that left goes away and comes back as a new process. */
		if (cl->retire || sim_prng_chance(p, 100000)) {
			cl_close(cl, false);
			return;
		}
		cl_join(cl);
		return;
	case CL_JOINING:
	case CL_JOINED:
		if (stk->quiet)
			return;
		r = sim_prng_below(p, 1000);
		if (r < 15) {
			cl_close(cl, true);
			return;
		}
		if (r < 40 && cl->state == CL_JOINED) {
			cl_leave(cl);
			return;
		}
		if (stk->cfg.libcpg_calls && r < 60) {
			cl_iter_start(cl);
			return;
		}
		if (stk->cfg.libcpg_calls && r < 62) {
			/* drawn, not made: see SIM_PARTIAL_SENDS */
			if (SIM_PARTIAL_SENDS)
				cl_part_start(cl);
			return;
		}
		if (stk->cfg.libcpg_calls && r < 70) {
			cl_zc_start(cl);
			return;
		}
		/* libqb's rate limit while the host holds clients back: try later. */
		if (host_flow_control(stk->host) && sim_prng_chance(p, 500000))
			return;
		for (uint64_t i = sim_prng_range(p, 1, 4); i > 0 && cl->conn; i--)
			cl_mcast(cl);
		return;
	case CL_LEAVING:
		return;
	}
}

/* ---- lifecycle ------------------------------------------------------------------ */

/*
 * The node's configuration as chorusd's parser leaves it in cmap for the
 * simulated cluster (services/config: nodelist.node.N.*, the position of
 * this node, quorum.*): every simulated node in the nodelist with one vote,
 * votequorum as the quorum provider, the seed's quorum options.
 */
static int fill_cmap(struct sim_stack *stk)
{
	const struct sim_stack_cfg *c = &stk->cfg;
	const struct sim_quorum_cfg *q = c->quorum;
	char key[64], addr[32];
	int r = 0;

	r |= icmap_set_string(stk->cmap, "totem.cluster_name", "totemsim");
	for (uint32_t i = 0; i < c->node_count; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", i);
		r |= icmap_set_uint32(stk->cmap, key, c->nodeids[i]);
		snprintf(key, sizeof(key), "nodelist.node.%u.ring0_addr", i);
		snprintf(addr, sizeof(addr), "10.%u.%u.%u", (c->nodeids[i] >> 16) & 0xff,
			 (c->nodeids[i] >> 8) & 0xff, c->nodeids[i] & 0xff);
		r |= icmap_set_string(stk->cmap, key, addr);
		if (c->nodeids[i] == c->nodeid)
			r |= icmap_set_uint32(stk->cmap, "nodelist.local_node_pos", i);
	}
	if (!q)
		return r < 0 ? -ENOMEM : 0;
	r |= icmap_set_string(stk->cmap, "quorum.provider", "corosync_votequorum");
	if (q->two_node)
		r |= icmap_set_uint8(stk->cmap, "quorum.two_node", 1);
	if (q->wait_for_all)
		r |= icmap_set_uint8(stk->cmap, "quorum.wait_for_all", 1);
	if (q->last_man_standing) {
		r |= icmap_set_uint8(stk->cmap, "quorum.last_man_standing", 1);
		r |= icmap_set_uint32(stk->cmap, "quorum.last_man_standing_window", q->lms_window_ms);
	}
	if (q->auto_tie_breaker)
		r |= icmap_set_uint8(stk->cmap, "quorum.auto_tie_breaker", 1);
	if (q->config_version)
		r |= icmap_set_uint64(stk->cmap, "totem.config_version", q->config_version);
	return r < 0 ? -ENOMEM : 0;
}

/*
 * exec/main.c load_services: the default modules, then the provider
 * quorum.provider names.  Without a quorum configuration (--services=cpg)
 * CPG alone, as the simulator ran before the other services joined.
 */
static int add_services(struct sim_stack *stk, char *why, size_t why_size)
{
	static const struct svc_def *const defs[] = {
		&cmap_service_def, &cfg_service_def, &cpg_service_def, &quorum_service_def,
	};
	int r;

	if (!stk->cfg.quorum)
		return host_add_service(stk->host, &cpg_service_def, NULL, why, why_size);
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		r = host_add_service(stk->host, defs[i], NULL, why, why_size);
		if (r < 0)
			return r;
	}
	r = host_add_service(stk->host, &votequorum_service_def, NULL, why, why_size);
	if (r < 0)
		return r;
	stk->vq = host_service_by_id(stk->host, VOTEQUORUM_SERVICE_ID);
	return 0;
}

int sim_stack_create(const struct sim_stack_cfg *cfg, uint64_t now_ms, struct sim_stack **ret)
{
	struct sim_stack *stk = calloc(1, sizeof(*stk));
	struct host_config hc;
	struct pg_config pc;
	struct pg_env pe;
	char why[256];
	int r;

	if (!stk)
		return -ENOMEM;
	for (uint32_t i = 0; i < SIM_CLIENTS_MAX; i++)
		stk->clients[i].zc_fd = -1;
	stk->cfg = *cfg;
	stk->cc.nodeid = cfg->nodeid;
	stk->now = now_ms;
	stk->req = malloc(SVC_IPC_MSG_MAX);
	stk->cmap = icmap_new();
	stk->stats = icmap_new();
	if (!stk->req || !stk->cmap || !stk->stats) {
		r = -ENOMEM;
		goto fail;
	}
	r = fill_cmap(stk);
	if (r < 0)
		goto fail;
	memset(&pe, 0, sizeof(pe));
	pc.frame_max = cfg->frame_max;
	pe.mcast = pg_env_mcast;
	pe.space = pg_env_space;
	pe.pending = pg_env_pending;
	pe.deliver = pg_env_deliver;
	pe.ctx = stk;
	r = pg_create(&pc, &pe, &stk->pg);
	if (r < 0 || (r = pg_join(stk->pg, GROUP_A, 1)) < 0 || (r = pg_join(stk->pg, GROUP_SYNC, 4)) < 0)
		goto fail;
	memset(&hc, 0, sizeof(hc));
	hc.nodeid = cfg->nodeid;
	hc.cmap = stk->cmap;
	hc.stats = stk->stats;
	hc.ipc = &sim_ipc_ops;
	hc.totem = &sim_totem_ops;
	hc.totem_ctx = stk;
	hc.sync_done = on_sync_done;
	hc.sync_done_ctx = stk;
	r = host_create(&hc, &stk->host);
	if (r < 0)
		goto fail;
	host_set_time(stk->host, now_ms);
	r = add_services(stk, why, sizeof(why));
	if (r < 0) {
		slog(stk, "service failed to load: %s", why);
		goto fail;
	}
	stk->cpg = host_service_by_id(stk->host, CPG_SERVICE_ID);
	for (uint32_t i = 0; i < cfg->clients && i < SIM_CLIENTS_MAX; i++) {
		stk->clients[i].stk = stk;
		stk->clients[i].idx = i;
		stk->clients[i].state = CL_DOWN;
		stk->clients[i].await = -1;
		stk->clients[i].next_at = cl_delay(stk);
	}
	for (uint32_t i = cfg->clients; i < SIM_CLIENTS_MAX; i++)
		stk->clients[i].next_at = UINT64_MAX;
	*ret = stk;
	return 0;
fail:
	sim_stack_destroy(stk);
	return r < 0 ? r : -EINVAL;
}

void sim_stack_destroy(struct sim_stack *stk)
{
	if (!stk)
		return;
	stk->dead = true;
	for (uint32_t i = 0; i < SIM_CLIENTS_MAX; i++) {
		if (stk->clients[i].conn) {
			host_conn_close(stk->clients[i].conn);
			stk->clients[i].conn = NULL;
		}
		cl_free(&stk->clients[i]);
	}
	host_destroy(stk->host);
	pg_destroy(stk->pg);
	icmap_free(stk->cmap);
	icmap_free(stk->stats);
	free(stk->members);
	free(stk->req);
	free(stk->ev);
	shadow_free(stk);
	free(stk);
}

/* ---- srp callbacks (exec/totem.c env_*) ------------------------------------------ */

void sim_stack_set_time(struct sim_stack *stk, uint64_t now_ms)
{
	stk->now = now_ms;
	host_set_time(stk->host, now_ms);
}

void sim_stack_deliver(struct sim_stack *stk, uint32_t from, const void *frame, size_t len,
		       bool foreign)
{
	(void)pg_deliver(stk->pg, from, frame, len, foreign);
}

void sim_stack_token_received(struct sim_stack *stk)
{
	pg_token_received(stk->pg);
}

void sim_stack_totem_room(struct sim_stack *stk)
{
	if (!stk->dead)
		host_totem_room(stk->host);
}

void sim_stack_confchg(struct sim_stack *stk, const struct srp_confchg *chg)
{
	struct svc_view view;

	sim_cpg_srp_confchg(stk->cfg.cc, stk->cfg.nodeid, chg);
	/* the daemon's own wiring (exec/totem.c runs the same) */
	if (!pg_confchg_apply(&stk->cc, stk->pg, chg, &view))
		return;
	stk->regular = chg->ring_id;
	free(stk->members);
	stk->members = malloc((view.members_count ? view.members_count : 1) * sizeof(uint32_t));
	if (!stk->members)
		abort();
	if (view.members_count)
		memcpy(stk->members, view.members, view.members_count * sizeof(uint32_t));
	stk->members_n = view.members_count;
	host_confchg(stk->host, &view);
}

/* ---- time ---------------------------------------------------------------------------- */

void sim_stack_advance(struct sim_stack *stk, uint64_t now_ms)
{
	sim_stack_set_time(stk, now_ms);
	host_advance(stk->host, now_ms);
	for (uint32_t i = 0; i < SIM_CLIENTS_MAX; i++) {
		struct sim_client *cl = &stk->clients[i];

		if (cl->next_at <= now_ms)
			cl_act(cl);
	}
}

uint64_t sim_stack_next_deadline(const struct sim_stack *stk)
{
	uint64_t d = host_next_deadline(stk->host);

	if (d != UINT64_MAX && d < stk->now)
		d = stk->now;
	for (uint32_t i = 0; i < SIM_CLIENTS_MAX; i++)
		if (stk->clients[i].next_at < d)
			d = stk->clients[i].next_at;
	return d;
}

void sim_stack_quiesce(struct sim_stack *stk)
{
	stk->quiet = true;
}

bool sim_stack_in_sync(const struct sim_stack *stk)
{
	return stk->cc.in_sync;
}
