/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the CPG service (cpg_service/) on the fake host: several
 * fake nodes whose multicasts are delivered to all of them in one total
 * order (node by node, each node's messages in sending order), requests
 * built as libcpg builds them, and the exact layouts of replies, events and
 * exec messages (corosync v3.1.7 include/corosync/ipc_cpg.h, exec/cpg.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_cpg.h>

#include "cpg_service/cpg_int.h"
#include "cpg_service/cpg_service.h"
#include "test/check_common.h"
#include "test/fakes/fake_host.h"

#define NODES_MAX 4

struct cluster {
	struct fake_host *h[NODES_MAX];
	uint32_t id[NODES_MAX];
	size_t n;
};

static void cluster_new(struct cluster *cl, size_t n)
{
	memset(cl, 0, sizeof(*cl));
	cl->n = n;
	for (size_t i = 0; i < n; i++) {
		cl->id[i] = (uint32_t)(i + 1);
		ck_assert_int_eq(fake_host_new(&cpg_service_def, cl->id[i], &cl->h[i]), 0);
	}
}

static void cluster_free(struct cluster *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		fake_host_free(cl->h[i]);
}

static struct cpg_state *node_state(struct cluster *cl, size_t i)
{
	return svc_state(fake_host_svc(cl->h[i]));
}

/* Deliver what every node multicast, to the nodes in mask (bit i: node i),
 * node by node; returns the number of messages. */
static size_t pump_to(struct cluster *cl, unsigned mask)
{
	size_t total = 0;

	for (size_t i = 0; i < cl->n; i++) {
		size_t cnt = fake_host_mcast_count(cl->h[i]);

		for (size_t k = 0; k < cnt; k++) {
			const struct fake_msg *m = fake_host_mcast(cl->h[i], k);

			for (size_t j = 0; j < cl->n; j++)
				if (mask & (1u << j))
					ck_assert_int_eq(fake_host_deliver(cl->h[j], cl->id[i], m->data,
									   m->len, false), 0);
			total++;
		}
		fake_host_mcast_forget(cl->h[i]);
	}
	return total;
}

static size_t pump(struct cluster *cl)
{
	return pump_to(cl, (1u << cl->n) - 1);
}

/* ---- requests ------------------------------------------------------------------ */

static void name_set(mar_cpg_name_t *n, const char *s)
{
	memset(n, 0xee, sizeof(*n));   /* libcpg sends garbage after length */
	n->length = (uint32_t)strlen(s);
	memcpy(n->value, s, n->length);
}

static int32_t last_error(struct svc_conn *c)
{
	size_t n = fake_conn_reply_count(c);
	const struct fake_msg *m;
	struct qb_ipc_response_header h;

	ck_assert_uint_gt(n, 0);
	m = fake_conn_reply(c, n - 1);
	ck_assert_uint_ge(m->len, sizeof(h));
	memcpy(&h, m->data, sizeof(h));
	return h.error;
}

static int32_t last_id(struct svc_conn *c)
{
	const struct fake_msg *m = fake_conn_reply(c, fake_conn_reply_count(c) - 1);

	return ((const struct qb_ipc_response_header *)m->data)->id;
}

static int32_t join_flags(struct svc_conn *c, const char *group, uint32_t pid, uint32_t flags)
{
	struct req_lib_cpg_join r;

	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_JOIN;
	r.header.size = sizeof(r);
	name_set(&r.group_name, group);
	r.pid = pid;
	r.flags = flags;
	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	ck_assert_int_eq(last_id(c), MESSAGE_RES_CPG_JOIN);
	ck_assert_int_eq(fake_conn_reply(c, fake_conn_reply_count(c) - 1)->len, 24);
	return last_error(c);
}

static int32_t join(struct svc_conn *c, const char *group, uint32_t pid)
{
	return join_flags(c, group, pid, 0);
}

static int32_t leave(struct svc_conn *c, const char *group, uint32_t pid)
{
	struct req_lib_cpg_leave r;

	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_LEAVE;
	r.header.size = sizeof(r);
	name_set(&r.group_name, group);
	r.pid = pid;
	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	ck_assert_int_eq(last_id(c), MESSAGE_RES_CPG_LEAVE);
	return last_error(c);
}

static void mcast_raw(struct svc_conn *c, const void *data, uint32_t len, uint32_t msglen)
{
	uint8_t buf[sizeof(struct req_lib_cpg_mcast) + 256];
	struct req_lib_cpg_mcast *r = (void *)buf;
	size_t before = fake_conn_reply_count(c);

	ck_assert_uint_le(len, 256);
	memset(buf, 0, sizeof(buf));
	r->header.id = MESSAGE_REQ_CPG_MCAST;
	r->header.size = (int32_t)(sizeof(*r) + len);
	r->header.error = 0x55aa;   /* uninitialised in libcpg */
	r->guarantee = 2;
	r->msglen = msglen;
	memcpy(r->message, data, len);
	ck_assert_int_eq(fake_conn_request(c, buf, sizeof(*r) + len), 0);
	/* never a reply to MCAST */
	ck_assert_uint_eq(fake_conn_reply_count(c), before);
}

static void mcast(struct svc_conn *c, const char *s)
{
	mcast_raw(c, s, (uint32_t)strlen(s), (uint32_t)strlen(s));
}

static void finalize(struct svc_conn *c)
{
	struct req_lib_cpg_finalize r = { .header = { .id = MESSAGE_REQ_CPG_FINALIZE, .size = 16 } };

	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	ck_assert_int_eq(last_id(c), MESSAGE_RES_CPG_FINALIZE);
	ck_assert_int_eq(last_error(c), CS_OK);
}

/* ---- events ------------------------------------------------------------------- */

struct confchg {
	char group[CPG_WIRE_NAME_MAX + 1];
	uint32_t glen;
	uint32_t m, l, j;
	mar_cpg_address_t a[3 * CPG_WIRE_MEMBERS_MAX];
};

static int32_t ev_id(struct svc_conn *c, size_t i)
{
	const struct fake_msg *m = fake_conn_event(c, i);

	ck_assert_ptr_nonnull(m);
	return ((const struct qb_ipc_response_header *)m->data)->id;
}

static void ev_confchg(struct svc_conn *c, size_t i, struct confchg *out)
{
	const struct fake_msg *m = fake_conn_event(c, i);
	const struct res_lib_cpg_confchg_callback *ev;

	ck_assert_ptr_nonnull(m);
	ev = (const void *)m->data;
	ck_assert_int_eq(ev->header.id, MESSAGE_RES_CPG_CONFCHG_CALLBACK);
	ck_assert_int_eq(ev->header.error, CS_OK);
	memset(out, 0, sizeof(*out));
	out->glen = ev->group_name.length;
	ck_assert_uint_le(out->glen, CPG_WIRE_NAME_MAX);
	memcpy(out->group, ev->group_name.value, out->glen);
	out->m = ev->member_list_entries;
	out->j = ev->joined_list_entries;
	out->l = ev->left_list_entries;
	ck_assert_uint_eq(m->len, 184 + 24 * (out->m + out->j + out->l));
	ck_assert_int_eq(ev->header.size, (int32_t)m->len);
	memcpy(out->a, ev->member_list, 24 * (out->m + out->j + out->l));
}

/* member i, left i, joined i (arrays: member, LEFT, JOINED) */
#define MEM(cc, i) ((cc).a[(i)])
#define LEFT(cc, i) ((cc).a[(cc).m + (i)])
#define JOINED(cc, i) ((cc).a[(cc).m + (cc).l + (i)])

static void ck_addr(mar_cpg_address_t a, uint32_t nodeid, uint32_t pid, uint32_t reason)
{
	ck_assert_uint_eq(a.nodeid, nodeid);
	ck_assert_uint_eq(a.pid, pid);
	ck_assert_uint_eq(a.reason, reason);
}

static void ev_deliver(struct svc_conn *c, size_t i, uint32_t nodeid, uint32_t pid, const char *s)
{
	const struct fake_msg *m = fake_conn_event(c, i);
	const struct res_lib_cpg_deliver_callback *ev;

	ck_assert_ptr_nonnull(m);
	ev = (const void *)m->data;
	ck_assert_int_eq(ev->header.id, MESSAGE_RES_CPG_DELIVER_CALLBACK);
	ck_assert_uint_eq(m->len, 184 + strlen(s));
	ck_assert_int_eq(ev->header.size, (int32_t)m->len);
	ck_assert_uint_eq(ev->msglen, strlen(s));
	ck_assert_uint_eq(ev->nodeid, nodeid);
	ck_assert_uint_eq(ev->pid, pid);
	ck_assert_mem_eq(m->data + 184, s, strlen(s));
}

static void ev_totem(struct svc_conn *c, size_t i, uint32_t rep, uint64_t seq, size_t n,
		     const uint32_t *members)
{
	const struct fake_msg *m = fake_conn_event(c, i);
	const struct res_lib_cpg_totem_confchg_callback *ev;

	ck_assert_ptr_nonnull(m);
	ev = (const void *)m->data;
	ck_assert_int_eq(ev->header.id, MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK);
	ck_assert_uint_eq(m->len, 48 + 4 * n);
	ck_assert_int_eq(ev->header.size, (int32_t)m->len);
	ck_assert_uint_eq(ev->ring_id.nodeid, rep);
	ck_assert_uint_eq(ev->ring_id.seq, seq);
	ck_assert_uint_eq(ev->member_list_entries, n);
	for (size_t k = 0; k < n; k++) {
		uint32_t v;

		memcpy(&v, m->data + 44 + 4 * k, 4);
		ck_assert_uint_eq(v, members[k]);
	}
}

/* ---- sync ----------------------------------------------------------------------- */

/* Run a full sync round on the nodes in mask with the given view. */
/* A sync round on the nodes of mask; cut: the view says a message of the node was cut. */
static void sync_round_cut(struct cluster *cl, unsigned mask, uint32_t rep, uint64_t seq,
			   const uint32_t *members, size_t mcount, const uint32_t *trans,
			   size_t tcount, bool cut)
{
	const struct svc_sync_ops *ops = cpg_service_def.sync;
	struct svc_view v;

	memset(&v, 0, sizeof(v));
	v.own_message_cut = cut;
	v.rep_nodeid = rep;
	v.ring_seq = seq;
	v.members = members;
	v.members_count = mcount;
	v.trans = trans;
	v.trans_count = tcount;
	for (size_t i = 0; i < cl->n; i++)
		if (mask & (1u << i))
			ops->init(fake_host_svc(cl->h[i]), &v);
	for (size_t i = 0; i < cl->n; i++)
		if (mask & (1u << i))
			ck_assert_int_eq(ops->process(fake_host_svc(cl->h[i])), 0);
	pump_to(cl, mask);
	for (size_t i = 0; i < cl->n; i++)
		if (mask & (1u << i))
			ops->activate(fake_host_svc(cl->h[i]));
}

static void sync_round(struct cluster *cl, unsigned mask, uint32_t rep, uint64_t seq,
		       const uint32_t *members, size_t mcount, const uint32_t *trans, size_t tcount)
{
	sync_round_cut(cl, mask, rep, seq, members, mcount, trans, tcount, false);
}

/* ---- tests ---------------------------------------------------------------------- */

START_TEST(test_join_layouts)
{
	struct cluster cl;
	struct svc_conn *c;
	const struct fake_msg *m;
	const struct req_exec_cpg_procjoin *pj;
	struct confchg cc;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 100, 0, 0, &c), 0);
	ck_assert_int_eq(join(c, "grp", 100), CS_OK);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	m = fake_host_mcast(cl.h[0], 0);
	ck_assert_uint_eq(m->fn_id, MESSAGE_REQ_EXEC_CPG_PROCJOIN);
	ck_assert_uint_eq(m->len, 168);
	pj = (const void *)m->data;
	ck_assert_int_eq(pj->header.id, 0x20000);
	ck_assert_int_eq(pj->header.size, 168);
	ck_assert_uint_eq(pj->group_name.length, 3);
	ck_assert_mem_eq(pj->group_name.value, "grp", 3);
	ck_assert_uint_eq(m->data[16 + 8 + 3], 0);   /* no garbage after the name */
	ck_assert_uint_eq(pj->pid, 100);
	ck_assert_uint_eq(pj->reason, CONFCHG_CPG_REASON_JOIN);
	/* reply before confchg: no event until the PROCJOIN is delivered */
	ck_assert_uint_eq(fake_conn_event_count(c), 0);
	ck_assert_int_eq(node_state(&cl, 0)->conns->state, CPD_JOIN_STARTED);
	pump(&cl);
	ck_assert_int_eq(node_state(&cl, 0)->conns->state, CPD_JOIN_COMPLETED);
	ck_assert_uint_eq(fake_conn_event_count(c), 1);
	ev_confchg(c, 0, &cc);
	ck_assert_str_eq(cc.group, "grp");
	ck_assert_uint_eq(cc.m, 1);
	ck_assert_uint_eq(cc.j, 1);
	ck_assert_uint_eq(cc.l, 0);
	ck_addr(MEM(cc, 0), 1, 100, 0);
	ck_addr(JOINED(cc, 0), 1, 100, CONFCHG_CPG_REASON_JOIN);
	/* counts at 160 (member), 168 (joined), 176 (left) */
	{
		const struct fake_msg *e = fake_conn_event(c, 0);
		uint32_t v;

		memcpy(&v, e->data + 160, 4);
		ck_assert_uint_eq(v, 1);
		memcpy(&v, e->data + 168, 4);
		ck_assert_uint_eq(v, 1);
		memcpy(&v, e->data + 176, 4);
		ck_assert_uint_eq(v, 0);
	}
	ck_assert_uint_eq(fake_conn_bad_sizes(c), 0);
	cluster_free(&cl);
}
END_TEST

START_TEST(test_state_table)
{
	struct cluster cl;
	struct svc_conn *a, *b;
	struct confchg cc;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 100, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 100, 0, 0, &b), 0);
	ck_assert_int_eq(leave(a, "g", 100), CS_ERR_NOT_EXIST);      /* unjoined */
	ck_assert_int_eq(join(a, "g", 100), CS_OK);
	ck_assert_int_eq(leave(a, "g", 100), CS_ERR_BUSY);           /* join started */
	ck_assert_int_eq(join(a, "g", 100), CS_ERR_EXIST);
	ck_assert_int_eq(join(a, "other", 100), CS_ERR_EXIST);
	ck_assert_int_eq(join(b, "g", 100), CS_ERR_EXIST);           /* same pid, same group */
	pump(&cl);
	ck_assert_int_eq(join(a, "g", 100), CS_ERR_EXIST);           /* join completed */
	fake_host_mcast_forget(cl.h[0]);
	ck_assert_int_eq(leave(a, "wrong", 100), CS_ERR_NOT_EXIST);  /* fix (c) */
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
	ck_assert_int_eq(leave(a, "g", 100), CS_OK);
	ck_assert_int_eq(leave(a, "g", 100), CS_ERR_NOT_EXIST);      /* leave started */
	ck_assert_int_eq(join(a, "g", 100), CS_ERR_EXIST);           /* check 1 comes first */
	ck_assert_int_eq(join(a, "other", 100), CS_ERR_BUSY);
	/* another connection of the same process while a is leaving: EXIST */
	ck_assert_int_eq(join(b, "g", 100), CS_ERR_EXIST);
	fake_conn_forget(a);
	pump(&cl);
	/* own leave confchg, then unjoined (fix a) */
	ck_assert_uint_eq(fake_conn_event_count(a), 1);
	ev_confchg(a, 0, &cc);
	ck_assert_uint_eq(cc.m, 0);
	ck_assert_uint_eq(cc.l, 1);
	ck_addr(LEFT(cc, 0), 1, 100, CONFCHG_CPG_REASON_LEAVE);
	ck_assert_int_eq(node_state(&cl, 0)->conns->next->state, CPD_UNJOINED);
	ck_assert_int_eq(join(a, "g2", 100), CS_OK);
	pump(&cl);
	ck_assert_int_eq(leave(a, "g2", 100), CS_OK);
	pump(&cl);
	ck_assert_int_eq(join(a, "g2", 100), CS_OK);                /* the same group again */
	pump(&cl);
	ck_assert_int_eq(node_state(&cl, 0)->procs_count, 1);
	/* no more events for g after the leave */
	fake_conn_forget(a);
	ck_assert_int_eq(join(b, "g", 100), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(a), 0);
	/* b goes away; its PROCDOWN is still on the way when the process joins
	 * again on a new connection: TRY_AGAIN until it is delivered */
	fake_conn_close(b);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 100, 0, 0, &b), 0);
	ck_assert_int_eq(join(b, "g", 100), CS_ERR_TRY_AGAIN);
	pump(&cl);
	ck_assert_int_eq(join(b, "g", 100), CS_OK);
	cluster_free(&cl);
}
END_TEST

START_TEST(test_mcast_delivery)
{
	struct cluster cl;
	struct svc_conn *a, *b, *c, *u;
	const struct fake_msg *m;
	const struct req_exec_cpg_mcast *em;

	cluster_new(&cl, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &c), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 21, 0, 0, &u), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(b, "g", 11), CS_OK);
	ck_assert_int_eq(join(c, "g", 20), CS_OK);
	ck_assert_int_eq(join(u, "other", 21), CS_OK);
	pump(&cl);
	fake_conn_forget(a);
	fake_conn_forget(b);
	fake_conn_forget(c);
	fake_conn_forget(u);
	mcast(a, "hello");
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	m = fake_host_mcast(cl.h[0], 0);
	ck_assert_uint_eq(m->fn_id, MESSAGE_REQ_EXEC_CPG_MCAST);
	ck_assert_uint_eq(m->len, 184 + 5);
	em = (const void *)m->data;
	ck_assert_int_eq(em->header.id, 0x20003);
	ck_assert_uint_eq(em->msglen, 5);
	ck_assert_uint_eq(em->pid, 10);
	ck_assert_uint_eq(em->source.nodeid, 1);
	ck_assert_uint_eq(em->group_name.length, 1);
	ck_assert_mem_eq(m->data + 184, "hello", 5);
	pump(&cl);
	ev_deliver(a, 0, 1, 10, "hello");     /* the sender too */
	ev_deliver(b, 0, 1, 10, "hello");
	ev_deliver(c, 0, 1, 10, "hello");
	ck_assert_uint_eq(fake_conn_event_count(u), 0);
	/* msglen must equal the payload length: dropped silently, counted */
	mcast_raw(a, "abc", 3, 4);
	mcast_raw(a, "abc", 3, 2);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.ipc_dropped, 2);
	/* not joined: dropped, no reply */
	{
		struct svc_conn *x;

		ck_assert_int_eq(fake_conn_open(cl.h[0], 12, 0, 0, &x), 0);
		mcast(x, "zz");
		ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
		ck_assert_uint_eq(fake_conn_reply_count(x), 0);
	}
	cluster_free(&cl);
}
END_TEST

static void exec_mcast_build(uint8_t *buf, const char *group, uint32_t pid, const char *s)
{
	struct req_exec_cpg_mcast *m = (void *)buf;

	memset(buf, 0, sizeof(*m) + strlen(s));
	m->header.id = 0x20003;
	m->header.size = (int32_t)(sizeof(*m) + strlen(s));
	m->group_name.length = (uint32_t)strlen(group);
	memcpy(m->group_name.value, group, strlen(group));
	m->msglen = (uint32_t)strlen(s);
	m->pid = pid;
	memcpy(m->message, s, strlen(s));
}

START_TEST(test_mcast_unknown_node)
{
	struct cluster cl;
	struct svc_conn *a;
	uint8_t buf[256];

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	fake_conn_forget(a);
	exec_mcast_build(buf, "g", 99, "x");
	ck_assert_int_eq(fake_host_deliver(cl.h[0], 7, buf, 185, false), 0);
	ck_assert_uint_eq(fake_conn_event_count(a), 0);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.unknown_sender, 1);
	/* msglen beyond the delivered length: dropped and counted */
	exec_mcast_build(buf, "g", 10, "xy");
	ck_assert_int_eq(fake_host_deliver(cl.h[0], 1, buf, 185, false), 0);
	ck_assert_uint_eq(fake_conn_event_count(a), 0);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.peer_dropped, 1);
	/* 129-byte name from a peer */
	exec_mcast_build(buf, "g", 10, "x");
	((struct req_exec_cpg_mcast *)buf)->group_name.length = 129;
	ck_assert_int_eq(fake_host_deliver(cl.h[0], 1, buf, 185, false), 0);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.peer_dropped, 2);
	exec_mcast_build(buf, "g", 10, "x");
	ck_assert_int_eq(fake_host_deliver(cl.h[0], 1, buf, 185, false), 0);
	ev_deliver(a, 0, 1, 10, "x");
	cluster_free(&cl);
}
END_TEST

START_TEST(test_procdown_on_close)
{
	struct cluster cl;
	struct svc_conn *a, *b, *f;
	struct confchg cc;
	const struct req_exec_cpg_procjoin *pj;

	cluster_new(&cl, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &f), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &b), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(f, "g", 11), CS_OK);
	ck_assert_int_eq(join(b, "g", 20), CS_OK);
	pump(&cl);
	fake_conn_forget(b);
	fake_conn_forget(f);
	fake_conn_close(a);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	pj = (const void *)fake_host_mcast(cl.h[0], 0)->data;
	ck_assert_int_eq(pj->header.id, 0x20001);
	ck_assert_uint_eq(pj->reason, CONFCHG_CPG_REASON_PROCDOWN);
	ck_assert_uint_eq(pj->pid, 10);
	pump(&cl);
	ev_confchg(b, 0, &cc);
	ck_assert_uint_eq(cc.m, 2);
	ck_assert_uint_eq(cc.l, 1);
	ck_addr(LEFT(cc, 0), 1, 10, CONFCHG_CPG_REASON_PROCDOWN);
	/* FINALIZE: no more events, but the close still leaves with PROCDOWN */
	finalize(f);
	fake_conn_forget(f);
	mcast(b, "m");
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(f), 0);
	fake_conn_forget(b);
	fake_conn_close(f);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ev_confchg(b, 0, &cc);
	ck_addr(LEFT(cc, 0), 1, 11, CONFCHG_CPG_REASON_PROCDOWN);
	ck_assert_uint_eq(cc.m, 1);
	cluster_free(&cl);
}
END_TEST

/* totem full: the MCAST is handed back to the host (which runs it again
 * later), not dropped, and nothing was multicast or counted as dropped */
START_TEST(test_mcast_handed_back)
{
	struct cluster cl;
	struct svc_conn *a;
	uint8_t buf[sizeof(struct req_lib_cpg_mcast) + 8];
	struct req_lib_cpg_mcast *r = (void *)buf;
	size_t n;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	n = fake_host_mcast_count(cl.h[0]);
	memset(buf, 0, sizeof(buf));
	r->header.id = MESSAGE_REQ_CPG_MCAST;
	r->header.size = (int32_t)sizeof(buf);
	r->msglen = 8;
	memcpy(r->message, "12345678", 8);
	fake_host_mcast_fail(cl.h[0], -EAGAIN);
	ck_assert_int_eq(fake_conn_request(a, buf, sizeof(buf)), -EAGAIN);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), n);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.ipc_dropped, 0);
	fake_host_mcast_fail(cl.h[0], 0);
	ck_assert_int_eq(fake_conn_request(a, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), n + 1);
	ck_assert_uint_eq(fake_conn_reply_count(a), 1);   /* the join's only */
	cluster_free(&cl);
}
END_TEST

START_TEST(test_pending_retry)
{
	struct cluster cl;
	struct svc_conn *a, *b;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(b, "h", 11), CS_OK);
	pump(&cl);
	fake_host_mcast_fail(cl.h[0], -EAGAIN);
	fake_conn_close(a);
	fake_conn_close(b);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 2);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 2);
	fake_host_mcast_fail(cl.h[0], 0);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 2);
	ck_assert_uint_eq(((const struct req_exec_cpg_procjoin *)fake_host_mcast(cl.h[0], 0)->data)->pid, 10);
	ck_assert_uint_eq(((const struct req_exec_cpg_procjoin *)fake_host_mcast(cl.h[0], 1)->data)->pid, 11);
	ck_assert_int_eq(((const struct qb_ipc_request_header *)fake_host_mcast(cl.h[0], 1)->data)->id,
			 0x20001);
	pump(&cl);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 0);
	cluster_free(&cl);
}
END_TEST

/*
 * A client that goes away while the host's sync still runs after CPG's own
 * steps ended (a service with a higher id, votequorum, still syncing): its
 * PROCLEAVE waits for the end of the whole sync, as it waits for CPG's, so
 * it cannot overtake what the node queued before (found by the simulator
 * with votequorum loaded: seed 118).
 */
START_TEST(test_pending_waits_for_host_sync)
{
	struct cluster cl;
	struct svc_conn *a;
	size_t n;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	n = fake_host_mcast_count(cl.h[0]);
	ck_assert(!node_state(&cl, 0)->syncing);
	fake_host_set_sync(cl.h[0], true);
	fake_conn_close(a);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 1);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), n);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), n);
	fake_host_set_sync(cl.h[0], false);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), n + 1);
	ck_assert_int_eq(((const struct qb_ipc_request_header *)fake_host_mcast(cl.h[0], n)->data)->id,
			 0x20001);
	pump(&cl);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 0);
	cluster_free(&cl);
}
END_TEST

static void membership(struct svc_conn *c, const char *group, struct res_lib_cpg_membership_get *out,
		       size_t *len)
{
	struct req_lib_cpg_membership_get r;
	const struct fake_msg *m;

	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_MEMBERSHIP;
	r.header.size = sizeof(r);
	name_set(&r.group_name, group);
	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	m = fake_conn_reply(c, fake_conn_reply_count(c) - 1);
	ck_assert_uint_le(m->len, 9248);
	memset(out, 0x77, sizeof(*out));
	memcpy(out, m->data, m->len);
	*len = m->len;
}

START_TEST(test_membership_local_get)
{
	struct cluster cl;
	struct svc_conn *a, *b, *x;
	struct res_lib_cpg_membership_get res;
	struct res_lib_cpg_local_get lg;
	struct req_lib_cpg_local_get lr = { .header = { .id = MESSAGE_REQ_CPG_LOCAL_GET, .size = 16 } };
	size_t len;

	cluster_new(&cl, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &b), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &x), 0);
	ck_assert_int_eq(join(b, "g", 20), CS_OK);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	membership(x, "g", &res, &len);
	ck_assert_int_eq(res.header.id, MESSAGE_RES_CPG_MEMBERSHIP);
	ck_assert_int_eq(res.header.error, CS_OK);
	ck_assert_int_eq(res.header.size, (int32_t)len);
	ck_assert_uint_eq(res.member_count, 2);
	ck_assert_uint_eq(len, 32 + 2 * 24);
	ck_addr(res.member_list[0], 1, 10, 0);
	ck_addr(res.member_list[1], 2, 20, 0);
	membership(x, "none", &res, &len);
	ck_assert_uint_eq(res.member_count, 0);
	ck_assert_int_eq(res.header.error, CS_OK);
	ck_assert_int_eq(fake_conn_request(x, &lr, sizeof(lr)), 0);
	ck_assert_uint_eq(fake_conn_reply(x, fake_conn_reply_count(x) - 1)->len, 32);
	memcpy(&lg, fake_conn_reply(x, fake_conn_reply_count(x) - 1)->data, 32);
	ck_assert_int_eq(lg.header.id, MESSAGE_RES_CPG_LOCAL_GET);
	ck_assert_uint_eq(lg.local_nodeid, 1);
	ck_assert_uint_eq(fake_conn_bad_sizes(x), 0);
	cluster_free(&cl);
}
END_TEST

static uint64_t iter_init(struct svc_conn *c, uint32_t type, const char *group, int32_t *err)
{
	struct req_lib_cpg_iterationinitialize r;
	struct res_lib_cpg_iterationinitialize res;
	const struct fake_msg *m;

	memset(&r, 0xcc, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_ITERATIONINITIALIZE;
	r.header.size = sizeof(r);
	if (group)
		name_set(&r.group_name, group);
	r.iteration_type = type;
	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	m = fake_conn_reply(c, fake_conn_reply_count(c) - 1);
	ck_assert_uint_eq(m->len, 32);
	memcpy(&res, m->data, sizeof(res));
	ck_assert_int_eq(res.header.id, MESSAGE_RES_CPG_ITERATIONINITIALIZE);
	*err = res.header.error;
	return res.iteration_handle;
}

static int32_t iter_next(struct svc_conn *c, uint64_t h, struct res_lib_cpg_iterationnext *out)
{
	struct req_lib_cpg_iterationnext r;
	const struct fake_msg *m;

	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_ITERATIONNEXT;
	r.header.size = sizeof(r);
	r.iteration_handle = h;
	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	m = fake_conn_reply(c, fake_conn_reply_count(c) - 1);
	ck_assert_uint_eq(m->len, 168);
	memcpy(out, m->data, sizeof(*out));
	ck_assert_int_eq(out->header.id, MESSAGE_RES_CPG_ITERATIONNEXT);
	return out->header.error;
}

static int32_t iter_fin(struct svc_conn *c, uint64_t h)
{
	struct req_lib_cpg_iterationfinalize r;

	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_ITERATIONFINALIZE;
	r.header.size = sizeof(r);
	r.iteration_handle = h;
	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	ck_assert_int_eq(last_id(c), MESSAGE_RES_CPG_ITERATIONFINALIZE);
	return last_error(c);
}

static void exec_proc(struct fake_host *h, uint32_t from, uint16_t fn, const char *group,
		      uint32_t pid, uint32_t reason)
{
	struct req_exec_cpg_procjoin m;

	memset(&m, 0, sizeof(m));
	m.header.id = (int32_t)(0x20000 | fn);
	m.header.size = sizeof(m);
	m.group_name.length = (uint32_t)strlen(group);
	memcpy(m.group_name.value, group, strlen(group));
	m.pid = pid;
	m.reason = reason;
	ck_assert_int_eq(fake_host_deliver(h, from, &m, sizeof(m), false), 0);
}

START_TEST(test_iteration_order)
{
	struct cluster cl;
	struct svc_conn *c;
	struct res_lib_cpg_iterationnext n;
	static const struct { uint32_t node, pid; const char *g; } want[] = {
		{ 1, 200, "B" }, { 2, 60, "B" }, { 1, 100, "A" }, { 3, 10, "A" }, { 2, 50, "A" },
	};
	uint64_t h, h2;
	int32_t err;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 1, 0, 0, &c), 0);
	/* arrival order differs from the sorted order on purpose */
	exec_proc(cl.h[0], 3, 0, "A", 10, 1);
	exec_proc(cl.h[0], 1, 0, "A", 100, 1);
	exec_proc(cl.h[0], 2, 0, "B", 60, 1);
	exec_proc(cl.h[0], 1, 0, "B", 200, 1);
	exec_proc(cl.h[0], 2, 0, "A", 50, 1);
	h = iter_init(c, CPG_ITER_ALL, NULL, &err);
	ck_assert_int_eq(err, CS_OK);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_int_eq(iter_next(c, h, &n), CS_OK);
		ck_assert_uint_eq(n.description.nodeid, want[i].node);
		ck_assert_uint_eq(n.description.pid, want[i].pid);
		ck_assert_uint_eq(n.description.group.length, 1);
		ck_assert_int_eq(n.description.group.value[0], want[i].g[0]);
	}
	ck_assert_int_eq(iter_next(c, h, &n), CS_ERR_NO_SECTIONS);
	ck_assert_int_eq(iter_next(c, h, &n), CS_ERR_NO_SECTIONS);
	/* NAME_ONLY: B, A with nodeid = pid = 0 */
	h2 = iter_init(c, CPG_ITER_NAME_ONLY, NULL, &err);
	ck_assert_int_eq(err, CS_OK);
	ck_assert_int_eq(iter_next(c, h2, &n), CS_OK);
	ck_assert_int_eq(n.description.group.value[0], 'B');
	ck_assert_uint_eq(n.description.nodeid, 0);
	ck_assert_int_eq(iter_next(c, h2, &n), CS_OK);
	ck_assert_int_eq(n.description.group.value[0], 'A');
	ck_assert_int_eq(iter_next(c, h2, &n), CS_ERR_NO_SECTIONS);
	ck_assert_int_eq(iter_fin(c, h2), CS_OK);
	ck_assert_int_eq(iter_fin(c, h2), CS_ERR_LIBRARY);
	ck_assert_int_eq(iter_next(c, h2, &n), CS_ERR_LIBRARY);
	/* ONE_GROUP A: lowest first, then descending */
	h2 = iter_init(c, CPG_ITER_ONE_GROUP, "A", &err);
	ck_assert_int_eq(iter_next(c, h2, &n), CS_OK);
	ck_assert_uint_eq(n.description.pid, 100);
	ck_assert_int_eq(iter_next(c, h2, &n), CS_OK);
	ck_assert_uint_eq(n.description.pid, 10);
	ck_assert_int_eq(iter_next(c, h2, &n), CS_OK);
	ck_assert_uint_eq(n.description.pid, 50);
	ck_assert_int_eq(iter_next(c, h2, &n), CS_ERR_NO_SECTIONS);
	/* cap on open iterations */
	for (int i = 2; i < CPG_ITER_MAX; i++) {
		iter_init(c, CPG_ITER_ALL, NULL, &err);
		ck_assert_int_eq(err, CS_OK);
	}
	iter_init(c, CPG_ITER_ALL, NULL, &err);
	ck_assert_int_eq(err, CS_ERR_NO_RESOURCES);
	ck_assert_int_eq(iter_fin(c, h), CS_OK);
	iter_init(c, CPG_ITER_ALL, NULL, &err);
	ck_assert_int_eq(err, CS_OK);
	cluster_free(&cl);   /* open snapshots are freed on close (ASan/valgrind) */
}
END_TEST

START_TEST(test_initial_totem_confchg)
{
	struct cluster cl;
	struct svc_conn *a, *b;
	static const uint32_t members[] = { 1 };
	struct confchg cc;

	cluster_new(&cl, 1);
	sync_round(&cl, 1, 1, 8, members, 1, NULL, 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
	ck_assert_int_eq(join_flags(a, "g", 10, 1), CS_OK);
	ck_assert_int_eq(join(b, "g", 11), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(a), 3);
	ev_confchg(a, 0, &cc);
	ck_assert_uint_eq(cc.m, 1);
	ev_totem(a, 1, 1, 8, 1, members);
	ev_confchg(a, 2, &cc);
	ck_assert_uint_eq(cc.m, 2);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ck_assert_int_eq(ev_id(b, 0), MESSAGE_RES_CPG_CONFCHG_CALLBACK);
	cluster_free(&cl);
}
END_TEST

/* Between a sync's init and its activation the initial totem confchg
 * carries the last activated member list with the new ring id, as
 * corosync's (review finding: it carried the new list). */
START_TEST(test_initial_totem_confchg_during_sync)
{
	struct cluster cl;
	struct svc_conn *a;
	static const uint32_t one[] = { 1 }, m12[] = { 1, 2 };
	struct svc_view v = { .rep_nodeid = 1, .ring_seq = 12, .members = m12, .members_count = 2,
			      .trans = one, .trans_count = 1 };

	cluster_new(&cl, 1);
	sync_round(&cl, 1, 1, 8, one, 1, NULL, 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join_flags(a, "g", 10, 1), CS_OK);
	cpg_service_def.sync->init(fake_host_svc(cl.h[0]), &v);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(a), 2);
	ev_totem(a, 1, 1, 12, 1, one);
	cluster_free(&cl);
}
END_TEST

START_TEST(test_name_lengths)
{
	struct cluster cl;
	struct svc_conn *a;
	char name[130];
	struct confchg cc;
	struct req_lib_cpg_join r;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	memset(name, 'n', 128);
	name[128] = 0;
	ck_assert_int_eq(join(a, name, 10), CS_OK);
	pump(&cl);
	ev_confchg(a, 0, &cc);
	ck_assert_uint_eq(cc.glen, 128);
	ck_assert_mem_eq(cc.group, name, 128);
	ck_assert_int_eq(leave(a, name, 10), CS_OK);
	pump(&cl);
	/* 129 bytes: refused, nothing multicast */
	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_JOIN;
	r.header.size = sizeof(r);
	r.group_name.length = 129;
	r.pid = 10;
	ck_assert_int_eq(fake_conn_request(a, &r, sizeof(r)), 0);
	ck_assert_int_eq(last_error(a), CS_ERR_NAME_TOO_LONG);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
	/* names differing after an embedded NUL are different groups */
	{
		struct svc_conn *b;

		ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
		memset(&r, 0, sizeof(r));
		r.header.id = MESSAGE_REQ_CPG_JOIN;
		r.header.size = sizeof(r);
		r.group_name.length = 3;
		memcpy(r.group_name.value, "a\0b", 3);
		r.pid = 11;
		ck_assert_int_eq(fake_conn_request(b, &r, sizeof(r)), 0);
		memcpy(r.group_name.value, "a\0c", 3);
		r.pid = 10;
		ck_assert_int_eq(fake_conn_request(a, &r, sizeof(r)), 0);
		fake_conn_forget(a);
		pump(&cl);
		ck_assert_uint_eq(fake_conn_event_count(a), 1);
		ev_confchg(a, 0, &cc);
		ck_assert_uint_eq(cc.m, 1);
	}
	cluster_free(&cl);
}
END_TEST

START_TEST(test_truncate_128)
{
	struct cluster cl;
	struct svc_conn *a;
	struct confchg cc;
	struct res_lib_cpg_membership_get res;
	size_t len;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	for (uint32_t p = 0; p < 200; p++)
		exec_proc(cl.h[0], 2, 0, "g", 1000 + p, 1);
	ev_confchg(a, 200, &cc);
	ck_assert_uint_eq(cc.m, 128);
	ck_assert_uint_eq(cc.j, 1);
	ck_addr(JOINED(cc, 0), 2, 1199, 1);
	ck_assert_uint_gt(node_state(&cl, 0)->counters.truncated, 0);
	membership(a, "g", &res, &len);
	ck_assert_uint_eq(res.member_count, 128);
	ck_assert_uint_eq(len, 32 + 128 * 24);
	ck_assert_uint_eq(fake_conn_bad_sizes(a), 0);
	cluster_free(&cl);
}
END_TEST

/* ---- sync ------------------------------------------------------------------------ */

START_TEST(test_sync_nodedown_nodeup)
{
	struct cluster cl;
	struct svc_conn *c1, *c2, *c3, *u;
	static const uint32_t all[] = { 1, 2, 3 }, two[] = { 1, 2 };
	struct confchg cc;
	size_t e;

	cluster_new(&cl, 3);
	sync_round(&cl, 7, 1, 4, all, 3, NULL, 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &c1), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 12, 0, 0, &u), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &c2), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[2], 30, 0, 0, &c3), 0);
	ck_assert_int_eq(join(c1, "b", 10), CS_OK);
	ck_assert_int_eq(join(c2, "b", 20), CS_OK);
	ck_assert_int_eq(join(c3, "b", 30), CS_OK);
	pump(&cl);
	ck_assert_int_eq(join(c3, "a", 31), CS_ERR_EXIST);
	{
		struct svc_conn *c3b;

		ck_assert_int_eq(fake_conn_open(cl.h[2], 31, 0, 0, &c3b), 0);
		ck_assert_int_eq(join(c3b, "a", 31), CS_OK);
		ck_assert_int_eq(fake_conn_open(cl.h[2], 32, 0, 0, &c3b), 0);
		ck_assert_int_eq(join(c3b, "c", 32), CS_OK);
	}
	pump(&cl);
	fake_conn_forget(c1);
	fake_conn_forget(u);

	/* node 3 goes away: nodes 1 and 2 sync without it */
	sync_round(&cl, 3, 1, 8, two, 2, two, 2);
	/* a confchg for b (left 3/30 NODEDOWN) only: c1 is in b; a and c have no local members */
	ck_assert_uint_eq(fake_conn_event_count(c1), 2);
	ev_confchg(c1, 0, &cc);
	ck_assert_str_eq(cc.group, "b");
	ck_assert_uint_eq(cc.m, 2);
	ck_assert_uint_eq(cc.l, 1);
	ck_addr(LEFT(cc, 0), 3, 30, CONFCHG_CPG_REASON_NODEDOWN);
	ev_totem(c1, 1, 1, 8, 2, two);
	/* the totem confchg goes to the unjoined connection too */
	ck_assert_uint_eq(fake_conn_event_count(u), 1);
	ev_totem(u, 0, 1, 8, 2, two);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 2);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 2);

	/* node 3 comes back (it kept its processes: a partition healed) */
	fake_conn_forget(c1);
	fake_conn_forget(c3);
	{
		static const uint32_t t3[] = { 3 };
		const struct svc_sync_ops *ops = cpg_service_def.sync;
		struct svc_view v12 = { .rep_nodeid = 1, .ring_seq = 12, .members = all,
					.members_count = 3, .trans = two, .trans_count = 2 };
		struct svc_view v3 = { .rep_nodeid = 1, .ring_seq = 12, .members = all,
				       .members_count = 3, .trans = t3, .trans_count = 1 };

		ops->init(fake_host_svc(cl.h[0]), &v12);
		ops->init(fake_host_svc(cl.h[1]), &v12);
		ops->init(fake_host_svc(cl.h[2]), &v3);
		for (size_t i = 0; i < 3; i++)
			ck_assert_int_eq(ops->process(fake_host_svc(cl.h[i])), 0);
		pump(&cl);
		for (size_t i = 0; i < 3; i++)
			ops->activate(fake_host_svc(cl.h[i]));
	}
	/* node 1: b gets 3/30 with NODEUP (a and c: no local members) */
	e = fake_conn_event_count(c1);
	ck_assert_uint_eq(e, 2);
	ev_confchg(c1, 0, &cc);
	ck_assert_str_eq(cc.group, "b");
	ck_assert_uint_eq(cc.m, 3);
	ck_assert_uint_eq(cc.j, 1);
	ck_addr(JOINED(cc, 0), 3, 30, CONFCHG_CPG_REASON_NODEUP);
	ev_totem(c1, 1, 1, 12, 3, all);
	/* node 3 last activated {1,2,3} and only 3 is transitional: it first
	 * sees 1/10 and 2/20 leave with NODEDOWN, then join with NODEUP,
	 * in reverse order of receipt */
	ck_assert_uint_eq(fake_conn_event_count(c3), 3);
	ev_confchg(c3, 0, &cc);
	ck_assert_uint_eq(cc.l, 2);
	ck_assert_uint_eq(cc.m, 1);
	ck_addr(LEFT(cc, 0), 1, 10, CONFCHG_CPG_REASON_NODEDOWN);
	ck_addr(LEFT(cc, 1), 2, 20, CONFCHG_CPG_REASON_NODEDOWN);
	ev_confchg(c3, 1, &cc);
	ck_assert_uint_eq(cc.j, 2);
	ck_addr(JOINED(cc, 0), 2, 20, CONFCHG_CPG_REASON_NODEUP);
	ck_addr(JOINED(cc, 1), 1, 10, CONFCHG_CPG_REASON_NODEUP);
	ck_assert_uint_eq(cc.m, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_uint_eq(node_state(&cl, i)->procs_count, 5);
	cluster_free(&cl);
}
END_TEST

START_TEST(test_sync_group_order_and_procdown)
{
	struct cluster cl;
	struct svc_conn *w[3], *x;
	static const uint32_t two[] = { 1, 2 };
	static const char *const groups[] = { "zz", "a", "ab" };
	struct confchg cc;

	cluster_new(&cl, 2);
	sync_round(&cl, 3, 1, 4, two, 2, NULL, 0);
	/* node 1 watches three groups; node 2 has members in all three */
	for (int i = 0; i < 3; i++) {
		struct svc_conn *r;

		ck_assert_int_eq(fake_conn_open(cl.h[0], 10 + i, 0, 0, &w[i]), 0);
		ck_assert_int_eq(join(w[i], groups[i], 10 + i), CS_OK);
		ck_assert_int_eq(fake_conn_open(cl.h[1], 20 + i, 0, 0, &r), 0);
		ck_assert_int_eq(join(r, groups[i], 20 + i), CS_OK);
	}
	pump(&cl);
	/* node 2's process in "a" died but node 1 never saw the PROCLEAVE: a new
	 * ring where both stay members; node 2's JOINLIST lacks it -> PROCDOWN */
	fake_host_mcast_forget(cl.h[1]);
	{
		struct cpg_state *s2 = node_state(&cl, 1);

		for (size_t i = 0; i < s2->procs_count; i++)
			if (s2->procs[i].pid == 21) {
				cpg_proc_remove_at(s2, i);
				break;
			}
	}
	for (int i = 0; i < 3; i++)
		fake_conn_forget(w[i]);
	sync_round(&cl, 3, 1, 8, two, 2, two, 2);
	ck_assert_uint_eq(fake_conn_event_count(w[1]), 2);
	ev_confchg(w[1], 0, &cc);
	ck_assert_str_eq(cc.group, "a");
	ck_assert_uint_eq(cc.l, 1);
	ck_addr(LEFT(cc, 0), 2, 21, CONFCHG_CPG_REASON_PROCDOWN);
	ck_assert_uint_eq(fake_conn_event_count(w[0]), 1);   /* totem only */
	/* node 2 goes down: one NODEDOWN confchg per group, in byte order a, ab, zz */
	(void)x;
	{
		static const uint32_t one[] = { 1 };

		for (int i = 0; i < 3; i++)
			fake_conn_forget(w[i]);
		sync_round(&cl, 1, 1, 12, one, 1, one, 1);
		ev_confchg(w[2], 0, &cc);
		ck_assert_str_eq(cc.group, "ab");
		ck_addr(LEFT(cc, 0), 2, 22, CONFCHG_CPG_REASON_NODEDOWN);
		ev_confchg(w[0], 0, &cc);
		ck_assert_str_eq(cc.group, "zz");
		ck_assert_uint_eq(fake_conn_event_count(w[1]), 1);   /* its member already gone */
		/* the order across groups: node 1 sees ab's confchg before zz's; check
		 * by the transition counters being equal and by the sort helper */
		struct cpg_gname ga = { 1, "a" }, gab = { 2, "ab" }, gzz = { 2, "zz" };

		ck_assert_int_lt(cpg_gname_cmp(&ga, &gab), 0);
		ck_assert_int_lt(cpg_gname_cmp(&gab, &gzz), 0);
	}
	cluster_free(&cl);
}
END_TEST

/* A round aborted after JOINLISTs arrived must not replay them (ghost test). */
START_TEST(test_sync_abort_ghost)
{
	struct cluster cl;
	struct svc_conn *a, *b;
	static const uint32_t two[] = { 1, 2 }, one[] = { 1 };
	const struct svc_sync_ops *ops = cpg_service_def.sync;
	struct svc_view v = { .rep_nodeid = 1, .ring_seq = 8, .members = two, .members_count = 2,
			      .trans = one, .trans_count = 1 };

	cluster_new(&cl, 2);
	sync_round(&cl, 1, 1, 4, one, 1, NULL, 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump_to(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &b), 0);
	{
		/* node 2 has a process of its own (joined while alone) */
		static const uint32_t two_only[] = { 2 };

		sync_round(&cl, 2, 2, 4, two_only, 1, NULL, 0);
		ck_assert_int_eq(join(b, "g", 20), CS_OK);
		pump_to(&cl, 2);
	}
	/* merge starts: node 2's JOINLIST reaches node 1, then the round aborts */
	ops->init(fake_host_svc(cl.h[0]), &v);
	ops->init(fake_host_svc(cl.h[1]), &v);
	ck_assert_int_eq(ops->process(fake_host_svc(cl.h[0])), 0);
	ck_assert_int_eq(ops->process(fake_host_svc(cl.h[1])), 0);
	pump(&cl);
	ck_assert_uint_gt(node_state(&cl, 0)->joinlists_count, 0);
	ops->abort(fake_host_svc(cl.h[0]));
	ops->abort(fake_host_svc(cl.h[1]));
	ck_assert_uint_eq(node_state(&cl, 0)->joinlists_count, 0);
	/* node 2's process goes away meanwhile, and node 1 syncs alone again */
	fake_conn_close(b);
	fake_host_mcast_forget(cl.h[1]);
	fake_conn_forget(a);
	sync_round(&cl, 1, 1, 12, one, 1, one, 1);
	/* no ghost: node 1 never learns 2/20 */
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 1);
	ck_assert_uint_eq(fake_conn_event_count(a), 1);   /* the totem confchg only */
	ck_assert_int_eq(ev_id(a, 0), MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK);
	/* a barrier-phase abort (no abort call): the next init drops them too */
	ops->init(fake_host_svc(cl.h[0]), &v);
	ck_assert_int_eq(ops->process(fake_host_svc(cl.h[0])), 0);
	pump_to(&cl, 1);
	ck_assert_uint_gt(node_state(&cl, 0)->joinlists_count, 0);
	ops->init(fake_host_svc(cl.h[0]), &v);
	ck_assert_uint_eq(node_state(&cl, 0)->joinlists_count, 0);
	cluster_free(&cl);
}
END_TEST

/* Take node i's multicast k out of the stream (a copy; the stream is forgotten). */
static uint8_t *mcast_take(struct cluster *cl, size_t i, size_t k, size_t *ret_len)
{
	const struct fake_msg *m = fake_host_mcast(cl->h[i], k);
	uint8_t *copy = malloc(m->len);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, m->data, m->len);
	*ret_len = m->len;
	fake_host_mcast_forget(cl->h[i]);
	return copy;
}

/*
 * A crashed client's PROCLEAVE that never arrives (totempg drops a message
 * cut by a merge on every node, pg_ring_merged()): the sync of the ring that
 * cut a message of the node (own_message_cut) queues it
 * again, sent once the host's sync is over, and every node drops the
 * process; when the first one was only late, the copy is ignored.  A
 * process whose connection still holds it (here: leaving) is left alone.
 * Before, the process stayed in its group on every node for good
 * (simulator seed 50001540110935).
 */
START_TEST(test_sync_resends_lost_leave)
{
	struct cluster cl;
	struct svc_conn *a, *b, *c, *d;
	static const uint32_t two[] = { 1, 2 };
	const struct req_exec_cpg_procjoin *pj;
	uint8_t *d_leave, *c_leave;
	size_t d_len, c_len;
	struct confchg cc;

	cluster_new(&cl, 2);
	sync_round(&cl, 3, 1, 4, two, 2, two, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &c), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 12, 0, 0, &d), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &b), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(c, "g", 11), CS_OK);
	ck_assert_int_eq(join(d, "h", 12), CS_OK);
	ck_assert_int_eq(join(b, "g", 20), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 4);

	/* a crashes and its leave is lost; d leaves, its LEAVE still on the way */
	fake_conn_close(a);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	fake_host_mcast_forget(cl.h[0]);
	ck_assert_int_eq(leave(d, "h", 12), CS_OK);
	d_leave = mcast_take(&cl, 0, 0, &d_len);
	/* a ring that cut nothing of mine: no copy (corosync shows any leave) */
	sync_round(&cl, 3, 1, 6, two, 2, two, 2);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 0);
	sync_round_cut(&cl, 3, 1, 8, two, 2, two, 2, true);
	/* queued again (d's is not), not sent while the sync runs */
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 1);
	ck_assert_uint_eq(node_state(&cl, 1)->pending_count, 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	pj = (const void *)fake_host_mcast(cl.h[0], 0)->data;
	ck_assert_int_eq(pj->header.id, 0x20001);
	ck_assert_uint_eq(pj->pid, 10);
	ck_assert_uint_eq(pj->reason, CONFCHG_CPG_REASON_PROCDOWN);
	fake_conn_forget(b);
	fake_conn_forget(c);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ev_confchg(b, 0, &cc);
	ck_assert_uint_eq(cc.m, 2);
	ck_assert_uint_eq(cc.l, 1);
	ck_addr(LEFT(cc, 0), 1, 10, CONFCHG_CPG_REASON_PROCDOWN);
	ev_confchg(c, 0, &cc);
	ck_addr(LEFT(cc, 0), 1, 10, CONFCHG_CPG_REASON_PROCDOWN);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 3);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 3);

	/* c crashes and its leave is only late: the copy finds it gone */
	fake_conn_close(c);
	c_leave = mcast_take(&cl, 0, 0, &c_len);
	sync_round_cut(&cl, 3, 1, 12, two, 2, two, 2, true);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 1);
	fake_conn_forget(b);
	for (size_t i = 0; i < cl.n; i++) {
		ck_assert_int_eq(fake_host_deliver(cl.h[i], 1, c_leave, c_len, false), 0);
		ck_assert_int_eq(fake_host_deliver(cl.h[i], 1, d_leave, d_len, false), 0);
	}
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ev_confchg(b, 0, &cc);
	ck_addr(LEFT(cc, 0), 1, 11, CONFCHG_CPG_REASON_PROCDOWN);
	/* the same process joins again: not before the copy of its leave,
	 * which would undo the new join */
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &c), 0);
	ck_assert_int_eq(join(c, "g", 11), CS_ERR_TRY_AGAIN);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 1);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 1);
	ck_assert_int_eq(join(c, "g", 11), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 2);
	free(c_leave);
	free(d_leave);
	cluster_free(&cl);
}
END_TEST

/* A joining client's PROCJOIN cut by a merge is sent again after the sync;
 * one that was only late is sent again too and the copy changes nothing. */
START_TEST(test_sync_resends_lost_join)
{
	struct cluster cl;
	struct svc_conn *a, *b, *c;
	static const uint32_t two[] = { 1, 2 };
	const struct req_exec_cpg_procjoin *pj;
	uint8_t *c_join;
	size_t c_len;
	struct confchg cc;

	cluster_new(&cl, 2);
	sync_round(&cl, 3, 1, 4, two, 2, two, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &c), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &b), 0);
	ck_assert_int_eq(join(b, "g", 20), CS_OK);
	pump(&cl);

	/* a's PROCJOIN is lost */
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	fake_host_mcast_forget(cl.h[0]);
	ck_assert_int_eq(leave(a, "g", 10), CS_ERR_BUSY);
	/* a ring that cut nothing of mine: no copy */
	sync_round(&cl, 3, 1, 6, two, 2, two, 2);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 0);
	sync_round_cut(&cl, 3, 1, 8, two, 2, two, 2, true);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 1);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	pj = (const void *)fake_host_mcast(cl.h[0], 0)->data;
	ck_assert_int_eq(pj->header.id, 0x20000);
	ck_assert_uint_eq(pj->pid, 10);
	ck_assert_uint_eq(pj->reason, CONFCHG_CPG_REASON_JOIN);
	fake_conn_forget(b);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ev_confchg(b, 0, &cc);
	ck_assert_uint_eq(cc.m, 2);
	ck_assert_uint_eq(cc.j, 1);
	ck_addr(JOINED(cc, 0), 1, 10, CONFCHG_CPG_REASON_JOIN);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 2);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 2);

	/* c's PROCJOIN is only late: the original confirms it, its leave waits
	 * for the copy, which changes nothing */
	ck_assert_int_eq(join(c, "g", 11), CS_OK);
	c_join = mcast_take(&cl, 0, 0, &c_len);
	sync_round_cut(&cl, 3, 1, 12, two, 2, two, 2, true);
	ck_assert_uint_eq(node_state(&cl, 0)->pending_count, 1);
	fake_conn_forget(b);
	for (size_t i = 0; i < cl.n; i++)
		ck_assert_int_eq(fake_host_deliver(cl.h[i], 1, c_join, c_len, false), 0);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ck_assert_int_eq(leave(c, "g", 11), CS_ERR_TRY_AGAIN);
	fake_host_advance(cl.h[0], CPG_RETRY_MS);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 3);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 3);
	ck_assert_int_eq(leave(c, "g", 11), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(node_state(&cl, 1)->procs_count, 2);
	free(c_join);
	cluster_free(&cl);
}
END_TEST

START_TEST(test_sync_process_eagain)
{
	struct cluster cl;
	struct svc_conn *a;
	static const uint32_t one[] = { 1 };
	const struct svc_sync_ops *ops = cpg_service_def.sync;
	struct svc_view v = { .rep_nodeid = 1, .ring_seq = 8, .members = one, .members_count = 1,
			      .trans = one, .trans_count = 1 };
	const struct fake_msg *m;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	ops->init(fake_host_svc(cl.h[0]), &v);
	fake_host_mcast_fail(cl.h[0], -EAGAIN);
	ck_assert_int_eq(ops->process(fake_host_svc(cl.h[0])), -EAGAIN);
	fake_host_mcast_fail(cl.h[0], 0);
	ck_assert_int_eq(ops->process(fake_host_svc(cl.h[0])), 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 2);
	m = fake_host_mcast(cl.h[0], 0);
	ck_assert_uint_eq(m->fn_id, MESSAGE_REQ_EXEC_CPG_DOWNLIST);
	ck_assert_uint_eq(m->len, 1568);
	m = fake_host_mcast(cl.h[0], 1);
	ck_assert_uint_eq(m->fn_id, MESSAGE_REQ_EXEC_CPG_JOINLIST);
	ck_assert_uint_eq(m->len, 24 + 144);
	ck_assert_int_eq(((const struct qb_ipc_response_header *)m->data)->error, 0);
	ck_assert_uint_eq(((const struct join_list_entry *)(m->data + 24))->pid, 10);
	ck_assert_uint_eq(((const struct join_list_entry *)(m->data + 24))->group_name.length, 1);
	/* no local processes: no JOINLIST */
	fake_host_mcast_forget(cl.h[0]);
	ck_assert_int_eq(leave(a, "g", 10), CS_OK);
	pump(&cl);
	ops->init(fake_host_svc(cl.h[0]), &v);
	ck_assert_int_eq(ops->process(fake_host_svc(cl.h[0])), 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
	cluster_free(&cl);
}
END_TEST

/* ---- byte order -------------------------------------------------------------------- */

static void be32(void *p) { uint32_t v; memcpy(&v, p, 4); v = __builtin_bswap32(v); memcpy(p, &v, 4); }
static void be64(void *p) { uint64_t v; memcpy(&v, p, 8); v = __builtin_bswap64(v); memcpy(p, &v, 8); }

START_TEST(test_foreign_endian)
{
	struct cluster cl;
	struct svc_conn *a;
	uint8_t buf[512];
	struct confchg cc;
	const struct fake_msg *e;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	fake_conn_forget(a);

	/* PROCJOIN from big-endian node 5 */
	{
		struct req_exec_cpg_procjoin *m = (void *)buf;

		memset(buf, 0, sizeof(buf));
		m->header.id = 0x20000;
		m->header.size = 168;
		m->group_name.length = 1;
		m->group_name.value[0] = 'g';
		m->pid = 0x01020304;
		m->reason = 1;
		be32(&m->header.id); be32(&m->header.size); be32(&m->group_name.length);
		be32(&m->pid); be32(&m->reason);
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 5, buf, 168, true), 0);
		ev_confchg(a, 0, &cc);
		ck_assert_uint_eq(cc.m, 2);
		ck_addr(JOINED(cc, 0), 5, 0x01020304, 1);
	}
	/* MCAST */
	{
		struct req_exec_cpg_mcast *m = (void *)buf;

		exec_mcast_build(buf, "g", 0x01020304, "be!");
		m->source.nodeid = 5;
		m->source.conn = 0x1122334455667788ULL;
		be32(&m->header.id); be32(&m->header.size); be32(&m->group_name.length);
		be32(&m->msglen); be32(&m->pid); be32(&m->source.nodeid); be64(&m->source.conn);
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 5, buf, 187, true), 0);
		ev_deliver(a, 1, 5, 0x01020304, "be!");
	}
	/* PARTIAL_MCAST */
	{
		struct req_exec_cpg_partial_mcast *m = (void *)buf;
		const struct res_lib_cpg_partial_deliver_callback *ev;

		memset(buf, 0, sizeof(buf));
		m->header.id = 0x20006;
		m->header.size = 202;
		m->group_name.length = 1;
		m->group_name.value[0] = 'g';
		m->msglen = 10;
		m->fraglen = 2;
		m->pid = 0x01020304;
		m->type = LIBCPG_PARTIAL_FIRST;
		m->source.nodeid = 5;
		memcpy(m->message, "pq", 2);
		be32(&m->header.id); be32(&m->header.size); be32(&m->group_name.length);
		be32(&m->msglen); be32(&m->fraglen); be32(&m->pid); be32(&m->type);
		be32(&m->source.nodeid);
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 5, buf, 202, true), 0);
		e = fake_conn_event(a, 2);
		ck_assert_ptr_nonnull(e);
		ev = (const void *)e->data;
		ck_assert_int_eq(ev->header.id, MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK);
		ck_assert_uint_eq(e->len, 202);
		ck_assert_uint_eq(ev->msglen, 10);
		ck_assert_uint_eq(ev->fraglen, 2);
		ck_assert_uint_eq(ev->nodeid, 5);
		ck_assert_uint_eq(ev->pid, 0x01020304);
		ck_assert_uint_eq(ev->type, LIBCPG_PARTIAL_FIRST);
		ck_assert_mem_eq(e->data + 200, "pq", 2);
	}
	/* DOWNLIST and DOWNLIST_OLD: accepted and only logged */
	{
		struct req_exec_cpg_downlist d;

		memset(&d, 0, sizeof(d));
		d.header.id = 0x20005;
		d.header.size = sizeof(d);
		d.old_members = 3;
		d.left_nodes = 1;
		d.nodeids[0] = 9;
		be32(&d.header.id); be32(&d.header.size); be32(&d.old_members); be32(&d.left_nodes);
		be32(&d.nodeids[0]);
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 5, &d, sizeof(d), true), 0);
		d.header.id = (int32_t)__builtin_bswap32(0x20004);
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 5, &d, 1560, true), 0);
		ck_assert_uint_eq(fake_conn_event_count(a), 3);
	}
	/* JOINLIST during sync, then PROCLEAVE */
	{
		static const uint32_t m15[] = { 1, 5 }, m1[] = { 1 };
		struct svc_view v = { .rep_nodeid = 1, .ring_seq = 4, .members = m15,
				      .members_count = 2, .trans = m1, .trans_count = 1 };
		struct req_exec_cpg_joinlist *j = (void *)buf;
		struct join_list_entry *je = (void *)(buf + 24);

		cpg_service_def.sync->init(fake_host_svc(cl.h[0]), &v);
		memset(buf, 0, sizeof(buf));
		j->header.id = 0x20002;
		j->header.size = 24 + 2 * 144;
		je[0].pid = 0x01020304;
		je[0].group_name.length = 1;
		je[0].group_name.value[0] = 'g';
		je[1].pid = 77;
		je[1].group_name.length = 1;
		je[1].group_name.value[0] = 'g';
		be32(&j->header.id); be32(&j->header.size);
		be32(&je[0].pid); be32(&je[0].group_name.length);
		be32(&je[1].pid); be32(&je[1].group_name.length);
		/* a trailing partial entry must be ignored */
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 5, buf, 24 + 2 * 144 + 100, true), 0);
		ck_assert_uint_eq(node_state(&cl, 0)->joinlists_count, 2);
		ck_assert_uint_eq(node_state(&cl, 0)->joinlists[0].pid, 0x01020304);
		ck_assert_uint_eq(node_state(&cl, 0)->joinlists[1].pid, 77);
		cpg_service_def.sync->activate(fake_host_svc(cl.h[0]));
		ev_confchg(a, 3, &cc);
		ck_assert_uint_eq(cc.j, 1);
		ck_addr(JOINED(cc, 0), 5, 77, CONFCHG_CPG_REASON_NODEUP);
	}
	{
		struct req_exec_cpg_procjoin *m = (void *)buf;

		memset(buf, 0, sizeof(buf));
		m->header.id = 0x20001;
		m->header.size = 168;
		m->group_name.length = 1;
		m->group_name.value[0] = 'g';
		m->pid = 77;
		m->reason = 2;
		be32(&m->header.id); be32(&m->header.size); be32(&m->group_name.length);
		be32(&m->pid); be32(&m->reason);
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 5, buf, 168, true), 0);
		ev_confchg(a, 5, &cc);
		ck_assert_uint_eq(cc.l, 1);
		ck_addr(LEFT(cc, 0), 5, 77, CONFCHG_CPG_REASON_LEAVE);
	}
	cluster_free(&cl);
}
END_TEST

/* ---- partial mcast ------------------------------------------------------------------- */

static int32_t partial(struct svc_conn *c, uint32_t type, uint32_t msglen, const char *frag)
{
	uint8_t buf[sizeof(struct req_lib_cpg_partial_mcast) + 64];
	struct req_lib_cpg_partial_mcast *r = (void *)buf;
	size_t fl = strlen(frag);

	memset(buf, 0, sizeof(buf));
	r->header.id = MESSAGE_REQ_CPG_PARTIAL_MCAST;
	r->header.size = (int32_t)(sizeof(*r) + fl);
	r->msglen = msglen;
	r->fraglen = (uint32_t)fl;
	r->type = type;
	memcpy(r->message, frag, fl);
	ck_assert_int_eq(fake_conn_request(c, buf, sizeof(*r) + fl), 0);
	ck_assert_int_eq(last_id(c), MESSAGE_RES_CPG_PARTIAL_SEND);
	return last_error(c);
}

/*
 * A process whose PROCJOIN never arrived (a merge cut it in totempg, which
 * drops such a message on every node) while its node has other members in
 * the group: its MCAST and PARTIAL_MCAST behind the lost PROCJOIN reach no
 * client, on its own node or another (test/sim seeds 187472129711508,
 * 9673757647861: delivered to members whose view did not have the sender).
 */
START_TEST(test_mcast_unknown_process)
{
	struct cluster cl;
	struct svc_conn *a, *b, *c;
	size_t k;

	cluster_new(&cl, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 20, 0, 0, &c), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(c, "g", 20), CS_OK);
	pump(&cl);
	fake_conn_forget(a);
	fake_conn_forget(c);
	ck_assert_int_eq(join(b, "g", 11), CS_OK);
	mcast(b, "x");
	ck_assert_int_eq(partial(b, LIBCPG_PARTIAL_FIRST, 4, "ab"), CS_OK);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 3);
	/* every message but the PROCJOIN (the first) reaches both nodes */
	for (k = 1; k < 3; k++) {
		const struct fake_msg *m = fake_host_mcast(cl.h[0], k);

		for (size_t j = 0; j < cl.n; j++)
			ck_assert_int_eq(fake_host_deliver(cl.h[j], cl.id[0], m->data, m->len,
							   false), 0);
	}
	fake_host_mcast_forget(cl.h[0]);
	ck_assert_uint_eq(fake_conn_event_count(a), 0);
	ck_assert_uint_eq(fake_conn_event_count(b), 0);
	ck_assert_uint_eq(fake_conn_event_count(c), 0);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.unknown_sender, 2);
	ck_assert_uint_eq(node_state(&cl, 1)->counters.unknown_sender, 2);
	/* a member's messages still go through */
	mcast(a, "y");
	pump(&cl);
	ev_deliver(a, 0, 1, 10, "y");
	ev_deliver(c, 0, 1, 10, "y");
	cluster_free(&cl);
}
END_TEST

START_TEST(test_partial_interrupt)
{
	struct cluster cl;
	struct svc_conn *a, *b;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
	ck_assert_int_eq(partial(a, 1, 4, "ab"), CS_ERR_NOT_EXIST);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	fake_conn_forget(a);
	ck_assert_int_eq(partial(a, 1, 4, "ab"), CS_OK);
	ck_assert_int_eq(partial(a, 3, 4, "cd"), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(a), 2);
	ck_assert_int_eq(ev_id(a, 0), MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK);
	/* a confchg between fragments interrupts the send */
	ck_assert_int_eq(partial(a, 1, 4, "ab"), CS_OK);
	ck_assert_int_eq(join(b, "g", 11), CS_OK);
	pump(&cl);
	fake_host_mcast_forget(cl.h[0]);
	ck_assert_int_eq(partial(a, 3, 4, "cd"), CS_ERR_INTERRUPT);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
	/* fraglen must match the request and not exceed msglen */
	ck_assert_int_eq(partial(a, 1, 1, "ab"), CS_ERR_INVALID_PARAM);
	cluster_free(&cl);
}
END_TEST

static void ev_partial(struct svc_conn *c, size_t i, uint32_t nodeid, uint32_t pid,
		       uint32_t type, uint32_t msglen, const char *s)
{
	const struct fake_msg *m = fake_conn_event(c, i);
	const struct res_lib_cpg_partial_deliver_callback *ev;

	ck_assert_ptr_nonnull(m);
	ev = (const void *)m->data;
	ck_assert_int_eq(ev->header.id, MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK);
	ck_assert_uint_eq(m->len, sizeof(*ev) + strlen(s));
	ck_assert_int_eq(ev->header.size, (int32_t)m->len);
	ck_assert_uint_eq(ev->group_name.length, 1);
	ck_assert_uint_eq(ev->nodeid, nodeid);
	ck_assert_uint_eq(ev->pid, pid);
	ck_assert_uint_eq(ev->type, type);
	ck_assert_uint_eq(ev->msglen, msglen);
	ck_assert_uint_eq(ev->fraglen, strlen(s));
	ck_assert_mem_eq(ev->message, s, strlen(s));
}

/*
 * A process that joins while fragmented messages are in progress gets,
 * right after its own JOIN confchg, the fragments the older members got, in
 * their original order, then the rest live: its libcpg assembles what the
 * others assemble (corosync 3.1.7 sends it only the later fragments, which
 * libcpg drops without their FIRST; docs/compat.md).
 */
START_TEST(test_partial_replay)
{
	struct cluster cl;
	struct svc_conn *a, *b, *c;

	cluster_new(&cl, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 30, 0, 0, &c), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(c, "g", 30), CS_OK);
	pump(&cl);
	fake_conn_forget(a);
	fake_conn_forget(c);
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_FIRST, 6, "ab"), CS_OK);
	ck_assert_int_eq(partial(c, LIBCPG_PARTIAL_FIRST, 4, "xy"), CS_OK);
	pump(&cl);
	/* kept on both nodes, also on node 2 whose member is the sender */
	ck_assert_uint_eq(node_state(&cl, 0)->partials_count, 2);
	ck_assert_uint_eq(node_state(&cl, 1)->partials_count, 2);
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_CONTINUED, 6, "cd"), CS_OK);
	ck_assert_int_eq(join(b, "g", 11), CS_OK);
	/* sent before a saw b's JOIN: no INTERRUPT */
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_LAST, 6, "ef"), CS_OK);
	ck_assert_int_eq(partial(c, LIBCPG_PARTIAL_LAST, 4, "zw"), CS_OK);
	pump(&cl);
	/* b: its JOIN, the kept fragments (a FIRST, c FIRST, a CONTINUED), then live */
	ck_assert_uint_eq(fake_conn_event_count(b), 6);
	ck_assert_int_eq(ev_id(b, 0), MESSAGE_RES_CPG_CONFCHG_CALLBACK);
	ev_partial(b, 1, 1, 10, LIBCPG_PARTIAL_FIRST, 6, "ab");
	ev_partial(b, 2, 2, 30, LIBCPG_PARTIAL_FIRST, 4, "xy");
	ev_partial(b, 3, 1, 10, LIBCPG_PARTIAL_CONTINUED, 6, "cd");
	ev_partial(b, 4, 1, 10, LIBCPG_PARTIAL_LAST, 6, "ef");
	ev_partial(b, 5, 2, 30, LIBCPG_PARTIAL_LAST, 4, "zw");
	ck_assert_uint_eq(node_state(&cl, 0)->counters.replayed, 3);
	/* a got no replay: FIRST, CONTINUED, b's JOIN, LAST, LAST */
	ck_assert_uint_eq(fake_conn_event_count(a), 6);
	ev_partial(a, 2, 1, 10, LIBCPG_PARTIAL_CONTINUED, 6, "cd");
	ck_assert_int_eq(ev_id(a, 3), MESSAGE_RES_CPG_CONFCHG_CALLBACK);
	/* the LASTs ended them everywhere */
	for (size_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(node_state(&cl, i)->partials_count, 0);
		ck_assert_uint_eq(node_state(&cl, i)->partial_bytes, 0);
		ck_assert_ptr_null(node_state(&cl, i)->pfrags);
	}
	cluster_free(&cl);
}
END_TEST

/*
 * What libcpg drops is not replayed: the message of a sender in a confchg's
 * left list, one started over by the sender's next FIRST; a fragment that
 * would overrun its message is delivered to nobody; a message over the
 * bound is tracked but not kept.
 */
START_TEST(test_partial_replay_dropped)
{
	struct cluster cl;
	struct svc_conn *a, *b, *c, *d;

	cluster_new(&cl, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, 0, 0, &b), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 30, 0, 0, &c), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 31, 0, 0, &d), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(c, "g", 30), CS_OK);
	ck_assert_int_eq(join(d, "g", 31), CS_OK);
	pump(&cl);
	fake_conn_forget(c);
	/* a: started over; c: over the bound; d: overrun */
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_FIRST, 6, "ab"), CS_OK);
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_FIRST, 4, "AB"), CS_OK);
	ck_assert_int_eq(partial(c, LIBCPG_PARTIAL_FIRST, 0xffffffffu, "xy"), CS_OK);
	ck_assert_int_eq(partial(d, LIBCPG_PARTIAL_FIRST, 3, "pq"), CS_OK);
	ck_assert_int_eq(partial(d, LIBCPG_PARTIAL_CONTINUED, 3, "rs"), CS_OK);
	pump(&cl);
	/* c got four fragments: the overrunning one reached nobody */
	ck_assert_uint_eq(fake_conn_event_count(c), 4);
	ev_partial(c, 3, 2, 31, LIBCPG_PARTIAL_FIRST, 3, "pq");
	for (size_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(node_state(&cl, i)->partials_count, 3);
		ck_assert_uint_eq(node_state(&cl, i)->counters.replay_over, 1);
		ck_assert_uint_eq(node_state(&cl, i)->counters.partial_withheld, 1);
	}
	fake_conn_forget(b);
	ck_assert_int_eq(join(b, "g", 11), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(b), 3);
	ck_assert_int_eq(ev_id(b, 0), MESSAGE_RES_CPG_CONFCHG_CALLBACK);
	ev_partial(b, 1, 1, 10, LIBCPG_PARTIAL_FIRST, 4, "AB");
	ev_partial(b, 2, 2, 31, LIBCPG_PARTIAL_FIRST, 3, "pq");
	/* a and d leave: their messages are gone, a later joiner gets nothing */
	ck_assert_int_eq(leave(b, "g", 11), CS_OK);
	ck_assert_int_eq(leave(a, "g", 10), CS_OK);
	ck_assert_int_eq(leave(d, "g", 31), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(node_state(&cl, 0)->partials_count, 1);
	ck_assert_uint_eq(node_state(&cl, 1)->partials_count, 1);
	fake_conn_forget(b);
	ck_assert_int_eq(join(b, "g", 11), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	ck_assert_uint_eq(node_state(&cl, 0)->partial_bytes, 0);
	cluster_free(&cl);
}
END_TEST

/*
 * A ring that gained nodes cuts the messages in progress on every node that
 * has their first fragments (the new nodes cannot replay them): the rest is
 * delivered to nobody, and the sender's next fragment gets INTERRUPT.
 */
START_TEST(test_partial_cut_by_merge)
{
	struct cluster cl;
	struct svc_conn *a, *c;
	const uint32_t two[] = { 1, 2 }, three[] = { 1, 2, 3 };

	cluster_new(&cl, 2);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 30, 0, 0, &c), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	ck_assert_int_eq(join(c, "g", 30), CS_OK);
	pump(&cl);
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_FIRST, 6, "ab"), CS_OK);
	pump(&cl);
	/* a ring that lost or kept nodes cuts nothing */
	sync_round(&cl, 3, 1, 8, two, 2, two, 2);
	ck_assert_uint_eq(node_state(&cl, 1)->counters.partial_cut, 0);
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_CONTINUED, 6, "cd"), CS_OK);
	fake_conn_forget(c);
	/* node 3 joins; the CONTINUED comes after the sync's start */
	sync_round(&cl, 3, 1, 12, three, 3, two, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(node_state(&cl, i)->counters.partial_cut, 1);
		ck_assert_uint_eq(node_state(&cl, i)->counters.partial_withheld, 1);
		ck_assert_uint_eq(node_state(&cl, i)->partial_bytes, 0);
	}
	ck_assert_uint_eq(fake_conn_event_count(c), 1);
	ck_assert_int_eq(ev_id(c, 0), MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK);
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_LAST, 6, "ef"), CS_ERR_INTERRUPT);
	/* the next message goes through */
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_FIRST, 4, "gh"), CS_OK);
	ck_assert_int_eq(partial(a, LIBCPG_PARTIAL_LAST, 4, "ij"), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(c), 3);
	ev_partial(c, 2, 1, 10, LIBCPG_PARTIAL_LAST, 4, "ij");
	ck_assert_uint_eq(node_state(&cl, 1)->partials_count, 0);
	cluster_free(&cl);
}
END_TEST

/* totem full under a fragment: handed back to the host (held and run again),
 * never answered TRY_AGAIN, which would make libcpg abandon the message */
START_TEST(test_partial_handed_back)
{
	struct cluster cl;
	struct svc_conn *a;
	uint8_t buf[sizeof(struct req_lib_cpg_partial_mcast) + 2];
	struct req_lib_cpg_partial_mcast *r = (void *)buf;
	size_t n;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	ck_assert_int_eq(partial(a, 1, 4, "ab"), CS_OK);
	n = fake_host_mcast_count(cl.h[0]);
	fake_conn_forget(a);
	memset(buf, 0, sizeof(buf));
	r->header.id = MESSAGE_REQ_CPG_PARTIAL_MCAST;
	r->header.size = (int32_t)sizeof(buf);
	r->msglen = 4;
	r->fraglen = 2;
	r->type = LIBCPG_PARTIAL_LAST;
	memcpy(r->message, "cd", 2);
	fake_host_mcast_fail(cl.h[0], -EAGAIN);
	ck_assert_int_eq(fake_conn_request(a, buf, sizeof(buf)), -EAGAIN);
	ck_assert_uint_eq(fake_conn_reply_count(a), 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), n);
	fake_host_mcast_fail(cl.h[0], 0);
	ck_assert_int_eq(fake_conn_request(a, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), n + 1);
	ck_assert_uint_eq(fake_conn_reply_count(a), 1);
	ck_assert_int_eq(last_error(a), CS_OK);
	pump(&cl);
	ck_assert_uint_eq(fake_conn_event_count(a), 2);
	cluster_free(&cl);
}
END_TEST

/* ---- zero copy ----------------------------------------------------------------------- */

static int32_t zc_alloc(struct svc_conn *c, const char *path, uint64_t size)
{
	struct req_lib_cpg_zc_alloc r;

	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_ZC_ALLOC;
	r.header.size = sizeof(r);
	r.map_size = size;
	snprintf(r.path_to_file, sizeof(r.path_to_file), "%s", path);
	ck_assert_int_eq(fake_conn_request(c, &r, sizeof(r)), 0);
	ck_assert_int_eq(last_id(c), 0);
	return last_error(c);
}

/*
 * The zero-copy files must live under /dev/shm/corosync_zerocopy-.  Where
 * we may (root), this test gets a private /dev/shm so that its files never
 * show up in the host's: an integration test running beside it checks that
 * no zero-copy file is left there.  Elsewhere it uses the host's, as a
 * client would.  Check runs each test in a child of its own, so the
 * namespace ends with the test.
 */
static void zc_private_shm(void)
{
	if (unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
		(void)mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL);
}

static void *zc_file(char *path, size_t size)
{
	int fd;
	void *p;

	strcpy(path, "/dev/shm/corosync_zerocopy-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	close(fd);
	return p;
}

START_TEST(test_zcb)
{
	struct cluster cl;
	struct svc_conn *a, *other;
	char path[64], link[64];
	size_t size = 4096;
	uint8_t *p;
	struct cpg_zc_header *zh;
	struct req_lib_cpg_mcast *mh;
	struct req_lib_cpg_zc_execute ex;
	struct req_lib_cpg_zc_free fr;

	zc_private_shm();
	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, getuid(), getgid(), &a), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 11, getuid() + 1, getgid(), &other), 0);
	/* another uid's file: refused and left alone */
	p = zc_file(path, size);
	ck_assert_int_eq(zc_alloc(other, path, size), CS_ERR_ACCESS);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* a symlink: refused */
	snprintf(link, sizeof(link), "/dev/shm/corosync_zerocopy-l%d", (int)getpid());
	unlink(link);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(zc_alloc(a, link, size), CS_ERR_ACCESS);
	unlink(link);
	/* outside the allowed prefixes, too small, too big: refused */
	ck_assert_int_eq(zc_alloc(a, "/tmp/corosync_zerocopy-x", size), CS_ERR_ACCESS);
	ck_assert_int_eq(zc_alloc(a, "/dev/shm/corosync_zerocopy-/../x", size), CS_ERR_ACCESS);
	ck_assert_int_eq(zc_alloc(a, path, 10), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(zc_alloc(a, path, 8u << 20), CS_ERR_INVALID_PARAM);
	/* the real thing */
	ck_assert_int_eq(zc_alloc(a, path, size), CS_OK);
	ck_assert_int_ne(access(path, F_OK), 0);   /* unlinked */
	zh = (void *)p;
	ck_assert_uint_ne(zh->server_address, 0);
	ck_assert_uint_eq(node_state(&cl, 0)->conns->next->zcbs_count, 1);
	mh = (void *)(p + 16);
	mh->header.id = MESSAGE_REQ_CPG_MCAST;
	mh->msglen = 5;
	memcpy(p + 56, "zcopy", 5);
	memset(&ex, 0, sizeof(ex));
	ex.header.id = MESSAGE_REQ_CPG_ZC_EXECUTE;
	ex.header.size = sizeof(ex);
	ex.server_address = zh->server_address;
	ck_assert_int_eq(fake_conn_request(a, &ex, sizeof(ex)), 0);
	ck_assert_int_eq(last_id(a), MESSAGE_RES_CPG_MCAST);
	ck_assert_int_eq(last_error(a), CS_ERR_NOT_EXIST);   /* not joined */
	ck_assert_int_eq(join(a, "g", 10), CS_OK);
	pump(&cl);
	fake_conn_forget(a);
	ck_assert_int_eq(fake_conn_request(a, &ex, sizeof(ex)), 0);
	ck_assert_int_eq(last_error(a), CS_OK);
	pump(&cl);
	ev_deliver(a, 0, 1, 10, "zcopy");
	/* msglen beyond the mapping */
	mh->msglen = (uint32_t)size;
	ck_assert_int_eq(fake_conn_request(a, &ex, sizeof(ex)), 0);
	ck_assert_int_eq(last_error(a), CS_ERR_TOO_BIG);
	/* a wrong server_address */
	ex.server_address ^= 1;
	ck_assert_int_eq(fake_conn_request(a, &ex, sizeof(ex)), 0);
	ck_assert_int_eq(last_error(a), CS_ERR_INVALID_PARAM);
	/* free */
	memset(&fr, 0, sizeof(fr));
	fr.header.id = MESSAGE_REQ_CPG_ZC_FREE;
	fr.header.size = sizeof(fr);
	fr.map_size = size;
	fr.server_address = zh->server_address;
	ck_assert_int_eq(fake_conn_request(a, &fr, sizeof(fr)), 0);
	ck_assert_int_eq(last_id(a), 0);
	ck_assert_int_eq(last_error(a), CS_OK);
	ck_assert_uint_eq(node_state(&cl, 0)->conns->next->zcbs_count, 0);
	munmap(p, size);
	/* mappings left open are unmapped on close */
	p = zc_file(path, size);
	ck_assert_int_eq(zc_alloc(a, path, size), CS_OK);
	munmap(p, size);
	cluster_free(&cl);
}
END_TEST

/* One process of node 2 in groups A and B, learned from its JOINLIST
 * [(50,A),(50,B)]: corosync walks the entries newest first, so B goes into
 * the process list before A and an ALL iteration (corosync-cpgtool) lists
 * A 2/50 then B 2/50 (review finding; it listed B first before). */
/* A sync round keeps at most CPG_JOINLIST_ROUND_MAX JOINLIST entries; the
 * rest are counted, not stored (a peer cannot make a round eat the memory) */
START_TEST(test_joinlist_round_cap)
{
	struct cluster cl;
	static const uint32_t one[] = { 1 }, m12[] = { 1, 2 };
	struct svc_view v = { .rep_nodeid = 1, .ring_seq = 8, .members = m12, .members_count = 2,
			      .trans = one, .trans_count = 1 };
	size_t per = CPG_JOINLIST_MAX, sent = 0, len = 24 + per * 144;
	uint8_t *buf = aligned_alloc(8, len);
	struct req_exec_cpg_joinlist *j = (void *)buf;
	struct join_list_entry *je = (void *)(buf + 24);

	ck_assert_ptr_nonnull(buf);
	cluster_new(&cl, 1);
	sync_round(&cl, 1, 1, 4, one, 1, NULL, 0);
	cpg_service_def.sync->init(fake_host_svc(cl.h[0]), &v);
	memset(buf, 0, len);
	j->header.id = 0x20002;
	j->header.size = (int32_t)len;
	while (sent <= CPG_JOINLIST_ROUND_MAX) {
		for (size_t i = 0; i < per; i++) {
			je[i].pid = (uint32_t)(sent + i + 1);
			je[i].group_name.length = 1;
			je[i].group_name.value[0] = 'A';
		}
		ck_assert_int_eq(fake_host_deliver(cl.h[0], 2, buf, len, false), 0);
		sent += per;
	}
	ck_assert_uint_eq(node_state(&cl, 0)->joinlists_count, CPG_JOINLIST_ROUND_MAX);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.joinlist_overflow,
			  sent - CPG_JOINLIST_ROUND_MAX);
	cpg_service_def.sync->abort(fake_host_svc(cl.h[0]));
	ck_assert_uint_eq(node_state(&cl, 0)->joinlists_count, 0);
	/* the next round starts from nothing */
	cpg_service_def.sync->init(fake_host_svc(cl.h[0]), &v);
	ck_assert_uint_eq(node_state(&cl, 0)->counters.joinlist_overflow, 0);
	ck_assert_int_eq(fake_host_deliver(cl.h[0], 2, buf, 24 + 144, false), 0);
	ck_assert_uint_eq(node_state(&cl, 0)->joinlists_count, 1);
	cpg_service_def.sync->activate(fake_host_svc(cl.h[0]));
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 1);
	cluster_free(&cl);
	free(buf);
}
END_TEST

START_TEST(test_joinlist_order)
{
	struct cluster cl;
	struct svc_conn *a;
	static const uint32_t one[] = { 1 }, m12[] = { 1, 2 };
	struct svc_view v = { .rep_nodeid = 1, .ring_seq = 8, .members = m12, .members_count = 2,
			      .trans = one, .trans_count = 1 };
	uint8_t buf[24 + 2 * 144] __attribute__((aligned(8)));
	struct req_exec_cpg_joinlist *j = (void *)buf;
	struct join_list_entry *je = (void *)(buf + 24);
	struct res_lib_cpg_iterationnext out;
	int32_t err;
	uint64_t h;

	cluster_new(&cl, 1);
	sync_round(&cl, 1, 1, 4, one, 1, NULL, 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	cpg_service_def.sync->init(fake_host_svc(cl.h[0]), &v);
	memset(buf, 0, sizeof(buf));
	j->header.id = 0x20002;
	j->header.size = sizeof(buf);
	je[0].pid = 50;
	je[0].group_name.length = 1;
	je[0].group_name.value[0] = 'A';
	je[1].pid = 50;
	je[1].group_name.length = 1;
	je[1].group_name.value[0] = 'B';
	ck_assert_int_eq(fake_host_deliver(cl.h[0], 2, buf, sizeof(buf), false), 0);
	cpg_service_def.sync->activate(fake_host_svc(cl.h[0]));
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 2);
	ck_assert_int_eq(node_state(&cl, 0)->procs[0].name.value[0], 'B');
	h = iter_init(a, CPG_ITER_ALL, NULL, &err);
	ck_assert_int_eq(err, CS_OK);
	ck_assert_int_eq(iter_next(a, h, &out), CS_OK);
	ck_assert_int_eq(out.description.group.value[0], 'A');
	ck_assert_int_eq(iter_next(a, h, &out), CS_OK);
	ck_assert_int_eq(out.description.group.value[0], 'B');
	ck_assert_int_eq(iter_next(a, h, &out), CS_ERR_NO_SECTIONS);
	cluster_free(&cl);
}
END_TEST

/* A connection whose own LEAVE is delivered after its process was already
 * removed (a finalized twin with the same pid completed the join, then went
 * with PROCDOWN) still becomes unjoined and may join again (review finding:
 * it stayed LEAVE_STARTED and libcpg would spin on BUSY). */
START_TEST(test_leave_without_process)
{
	struct cluster cl;
	struct svc_conn *c1, *c2;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &c1), 0);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &c2), 0);
	ck_assert_int_eq(join(c1, "g", 10), CS_OK);
	finalize(c1);
	ck_assert_int_eq(join(c2, "g", 10), CS_OK);
	pump(&cl);
	fake_conn_close(c1);
	pump(&cl);
	ck_assert_uint_eq(node_state(&cl, 0)->procs_count, 0);
	ck_assert_int_eq(leave(c2, "g", 10), CS_OK);
	pump(&cl);
	ck_assert_int_eq(join(c2, "g", 10), CS_OK);
	cluster_free(&cl);
}
END_TEST

START_TEST(test_dump)
{
	struct cluster cl;
	struct svc_conn *a;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	cluster_new(&cl, 1);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &a), 0);
	ck_assert_int_eq(join(a, "g\x01", 10), CS_OK);
	pump(&cl);
	f = open_memstream(&buf, &size);
	cpg_service_def.dump(fake_host_svc(cl.h[0]), f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "member g\\x01 node 1 pid 10"));
	ck_assert_ptr_nonnull(strstr(buf, "connection joined pid 10"));
	ck_assert_ptr_nonnull(strstr(buf, "peer_dropped 0"));
	free(buf);
	cluster_free(&cl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpg_service");
	TCase *tc;

	add_tcase(s, tc, test_join_layouts);
	add_tcase(s, tc, test_state_table);
	add_tcase(s, tc, test_mcast_delivery);
	add_tcase(s, tc, test_mcast_unknown_node);
	add_tcase(s, tc, test_mcast_unknown_process);
	add_tcase(s, tc, test_procdown_on_close);
	add_tcase(s, tc, test_pending_retry);
	add_tcase(s, tc, test_pending_waits_for_host_sync);
	add_tcase(s, tc, test_mcast_handed_back);
	add_tcase(s, tc, test_joinlist_order);
	add_tcase(s, tc, test_joinlist_round_cap);
	add_tcase(s, tc, test_leave_without_process);
	add_tcase(s, tc, test_membership_local_get);
	add_tcase(s, tc, test_iteration_order);
	add_tcase(s, tc, test_initial_totem_confchg);
	add_tcase(s, tc, test_initial_totem_confchg_during_sync);
	add_tcase(s, tc, test_name_lengths);
	add_tcase(s, tc, test_truncate_128);
	add_tcase(s, tc, test_sync_nodedown_nodeup);
	add_tcase(s, tc, test_sync_group_order_and_procdown);
	add_tcase(s, tc, test_sync_abort_ghost);
	add_tcase(s, tc, test_sync_process_eagain);
	add_tcase(s, tc, test_sync_resends_lost_leave);
	add_tcase(s, tc, test_sync_resends_lost_join);
	add_tcase(s, tc, test_foreign_endian);
	add_tcase(s, tc, test_partial_interrupt);
	add_tcase(s, tc, test_partial_replay);
	add_tcase(s, tc, test_partial_replay_dropped);
	add_tcase(s, tc, test_partial_cut_by_merge);
	add_tcase(s, tc, test_partial_handed_back);
	add_tcase(s, tc, test_zcb);
	add_tcase(s, tc, test_dump);
	return check_run_suite(s);
}
