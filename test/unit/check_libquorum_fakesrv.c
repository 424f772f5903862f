/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libquorum and libvotequorum against a scripted libqb server ("quorum" and
 * "votequorum") in the same process: what the libraries put on the wire,
 * how they read every reply and event (V0/V1 models, lists at their real
 * offsets, a foreign or oversized event is CS_ERR_LIBRARY), getinfo on an
 * error reply, qdevice name checks, context and finalize.
 * Each test runs in its own forked process, moved into private network and
 * mount namespaces (its own abstract sockets and /dev/shm), so it needs
 * root; without it the tests pass as skipped.  The server answers every
 * request; on a TRACKSTART it first sends the events the test scripted.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#include <corosync/quorum.h>
#include <corosync/votequorum.h>
#include <corosync/ipc_quorum.h>
#include <corosync/ipc_votequorum.h>

#include "../check_common.h"

#define MAX_SCRIPT 8

struct event { uint8_t *buf; size_t len; };

/* The server's state: one per test process (each test is its own fork). */
static struct {
	qb_loop_t *loop;
	qb_ipcs_service_t *q, *vq;
	pthread_t thread;
	pthread_mutex_t lock;
	struct event script[MAX_SCRIPT];
	int nscript;
	cs_error_t getinfo_error;
	/* the last request of each kind, as received */
	uint8_t last[16][600];
	size_t last_len[16];
	int32_t last_q_id, last_vq_id;
} srv;

static int32_t srv_job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(srv.loop, p, data, fn);
}

static int32_t srv_poll_add(enum qb_loop_priority p, int32_t fd, int32_t evts, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(srv.loop, p, fd, evts, data, fn);
}

static int32_t srv_poll_mod(enum qb_loop_priority p, int32_t fd, int32_t evts, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(srv.loop, p, fd, evts, data, fn);
}

static int32_t srv_poll_del(int32_t fd)
{
	return qb_loop_poll_del(srv.loop, fd);
}

static int32_t srv_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	return 0;
}

static void srv_reply(qb_ipcs_connection_t *c, int32_t id, size_t size, void *res, cs_error_t err)
{
	struct qb_ipc_response_header *h = res;

	h->id = id;
	h->size = (int32_t)size;
	h->error = err;
	ck_assert_int_ge(qb_ipcs_response_send(c, res, size), 0);
}

static void send_script(qb_ipcs_connection_t *c)
{
	for (int i = 0; i < srv.nscript; i++) {
		ck_assert_int_ge(qb_ipcs_event_send(c, srv.script[i].buf, srv.script[i].len), 0);
		free(srv.script[i].buf);
	}
	srv.nscript = 0;
}

/* Requests are read from an aligned copy: libqb's shm chunks are only 4-aligned. */
static uint64_t aligned[(1024 * 1024) / 8];

static int32_t srv_msg_q(qb_ipcs_connection_t *c, void *raw, size_t size)
{
	struct qb_ipc_request_header *req = (void *)aligned;
	union {
		struct res_lib_quorum_getquorate u32;
		struct qb_ipc_response_header h;
	} res;

	memset(&res, 0, sizeof(res));
	pthread_mutex_lock(&srv.lock);
	memcpy(aligned, raw, size < sizeof(aligned) ? size : sizeof(aligned));
	srv.last_q_id = req->id;
	switch (req->id) {
	case MESSAGE_REQ_QUORUM_GETQUORATE:
		res.u32.quorate = 1;
		srv_reply(c, MESSAGE_RES_QUORUM_GETQUORATE, sizeof(res.u32), &res, CS_OK);
		break;
	case MESSAGE_REQ_QUORUM_GETTYPE:
		res.u32.quorate = 1;
		srv_reply(c, MESSAGE_RES_QUORUM_GETTYPE, sizeof(res.u32), &res, CS_OK);
		break;
	case MESSAGE_REQ_QUORUM_MODEL_GETTYPE:
		memcpy(srv.last[4], aligned, size);
		res.u32.quorate = 1;
		srv_reply(c, MESSAGE_RES_QUORUM_MODEL_GETTYPE, sizeof(res.u32), &res, CS_OK);
		break;
	case MESSAGE_REQ_QUORUM_TRACKSTART:
		memcpy(srv.last[1], aligned, size);
		send_script(c);
		srv_reply(c, MESSAGE_RES_QUORUM_TRACKSTART, sizeof(res.h), &res, CS_OK);
		break;
	default:
		srv_reply(c, req->id, sizeof(res.h), &res, CS_OK);
		break;
	}
	pthread_mutex_unlock(&srv.lock);
	return 0;
}

static int32_t srv_msg_vq(qb_ipcs_connection_t *c, void *raw, size_t size)
{
	struct qb_ipc_request_header *req = (void *)aligned;
	union {
		struct res_lib_votequorum_getinfo info;
		struct qb_ipc_response_header h;
	} res;

	memset(&res, 0, sizeof(res));
	pthread_mutex_lock(&srv.lock);
	memcpy(aligned, raw, size < sizeof(aligned) ? size : sizeof(aligned));
	srv.last_vq_id = req->id;
	if (req->id >= 0 && req->id < 16) {
		memcpy(srv.last[req->id], aligned, size < 600 ? size : 600);
		srv.last_len[req->id] = size;
	}
	switch (req->id) {
	case MESSAGE_REQ_VOTEQUORUM_GETINFO:
		res.info.nodeid = 7;
		res.info.state = 1;
		res.info.votes = 2;
		res.info.expected_votes = 5;
		res.info.highest_expected = 5;
		res.info.total_votes = 4;
		res.info.quorum = 3;
		res.info.flags = VOTEQUORUM_INFO_QUORATE | VOTEQUORUM_INFO_WAIT_FOR_ALL;
		res.info.qdevice_votes = 1;
		strcpy(res.info.qdevice_name, "Qdev");
		srv_reply(c, MESSAGE_RES_VOTEQUORUM_GETINFO, sizeof(res.info), &res, srv.getinfo_error);
		break;
	case MESSAGE_REQ_VOTEQUORUM_TRACKSTART:
		send_script(c);
		/* fall through */
	default:
		srv_reply(c, MESSAGE_RES_VOTEQUORUM_STATUS, sizeof(res.h), &res, CS_OK);
		break;
	}
	pthread_mutex_unlock(&srv.lock);
	return 0;
}

static void *srv_run(void *arg)
{
	qb_loop_run(srv.loop);
	return NULL;
}

static bool srv_start(void)
{
	static struct qb_ipcs_service_handlers hq = {
		.connection_accept = srv_accept, .msg_process = srv_msg_q,
	};
	static struct qb_ipcs_service_handlers hvq = {
		.connection_accept = srv_accept, .msg_process = srv_msg_vq,
	};
	static struct qb_ipcs_poll_handlers ph = {
		.job_add = srv_job_add,
		.dispatch_add = srv_poll_add,
		.dispatch_mod = srv_poll_mod,
		.dispatch_del = srv_poll_del,
	};

	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL) < 0) {
		fprintf(stderr, "skipped: no private namespaces (%s)\n", strerror(errno));
		return false;
	}
	pthread_mutex_init(&srv.lock, NULL);
	srv.getinfo_error = CS_OK;
	srv.loop = qb_loop_create();
	ck_assert_ptr_nonnull(srv.loop);
	srv.q = qb_ipcs_create("quorum", 3, QB_IPC_NATIVE, &hq);
	srv.vq = qb_ipcs_create("votequorum", 5, QB_IPC_NATIVE, &hvq);
	ck_assert_ptr_nonnull(srv.q);
	ck_assert_ptr_nonnull(srv.vq);
	qb_ipcs_poll_handlers_set(srv.q, &ph);
	qb_ipcs_poll_handlers_set(srv.vq, &ph);
	ck_assert_int_eq(qb_ipcs_run(srv.q), 0);
	ck_assert_int_eq(qb_ipcs_run(srv.vq), 0);
	ck_assert_int_eq(pthread_create(&srv.thread, NULL, srv_run, NULL), 0);
	return true;
}

static void script_add(void *buf, size_t len)
{
	ck_assert_int_lt(srv.nscript, MAX_SCRIPT);
	srv.script[srv.nscript].buf = buf;
	srv.script[srv.nscript].len = len;
	srv.nscript++;
}

/* A V0 notification exactly as corosync lays it out: list at 44, 4 bytes of slack. */
static void ev_v0(int32_t quorate, uint64_t seq, uint32_t n, uint32_t claimed)
{
	size_t len = sizeof(struct res_lib_quorum_notification) + n * 4;
	struct res_lib_quorum_notification *e = calloc(1, len);

	e->header.id = MESSAGE_RES_QUORUM_NOTIFICATION;
	e->header.size = (int32_t)len;
	e->quorate = quorate;
	e->ring_seq = seq;
	e->view_list_entries = claimed;
	for (uint32_t i = 0; i < n; i++)
		e->view_list[i] = 10 + i;
	script_add(e, len);
}

static void ev_raw(int32_t id, size_t len)
{
	struct qb_ipc_response_header *e = calloc(1, len);

	e->id = id;
	e->size = (int32_t)len;
	script_add(e, len);
}

/* ------------------------------------------------------------------ clients */

static struct {
	int v0_calls;
	uint32_t quorate;
	uint64_t seq;
	uint32_t n;
	uint32_t list[8];
	int v1_quorum, v1_nodelist;
	struct quorum_ring_id ring;
	uint32_t m, j, l, all[8];
	int vq_quorum, vq_nodelist, vq_expected;
	uint64_t context;
	uint32_t expected;
	votequorum_node_t nodes[4];
	votequorum_ring_id_t vring;
} seen;

static void on_v0(quorum_handle_t h, uint32_t quorate, uint64_t seq, uint32_t n, uint32_t *list)
{
	seen.v0_calls++;
	seen.quorate = quorate;
	seen.seq = seq;
	seen.n = n;
	memcpy(seen.list, list, (n < 8 ? n : 8) * sizeof(uint32_t));
}

static void on_v1_quorum(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring,
			 uint32_t n, const uint32_t *list)
{
	seen.v1_quorum++;
	seen.quorate = quorate;
	seen.ring = ring;
	seen.n = n;
	memcpy(seen.list, list, (n < 8 ? n : 8) * sizeof(uint32_t));
}

static void on_v1_nodelist(quorum_handle_t h, struct quorum_ring_id ring, uint32_t m,
			   const uint32_t *ml, uint32_t j, const uint32_t *jl, uint32_t l,
			   const uint32_t *ll)
{
	seen.v1_nodelist++;
	seen.ring = ring;
	seen.m = m;
	seen.j = j;
	seen.l = l;
	ck_assert_uint_le(m + j + l, 8);
	memcpy(seen.all, ml, m * 4);
	memcpy(seen.all + m, jl, j * 4);
	memcpy(seen.all + m + j, ll, l * 4);
}

START_TEST(test_v0)
{
	quorum_callbacks_t cb = { .quorum_notify_fn = on_v0 };
	quorum_handle_t h;
	uint32_t type = 99;
	int quorate = -1, fd = -1;
	const void *ctx = NULL;

	if (!srv_start())
		return;
	ck_assert_int_eq(quorum_initialize(&h, &cb, &type), CS_OK);
	ck_assert_int_eq(srv.last_q_id, MESSAGE_REQ_QUORUM_GETTYPE);
	ck_assert_uint_eq(type, 1);
	ck_assert_int_eq(quorum_getquorate(h, &quorate), CS_OK);
	ck_assert_int_eq(quorate, 1);
	ck_assert_int_eq(quorum_fd_get(h, &fd), CS_OK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(quorum_context_set(h, &cb), CS_OK);
	ck_assert_int_eq(quorum_context_get(h, &ctx), CS_OK);
	ck_assert_ptr_eq(ctx, &cb);

	ev_v0(1, 0x1234, 3, 3);
	ck_assert_int_eq(quorum_trackstart(h, CS_TRACK_CURRENT | CS_TRACK_CHANGES), CS_OK);
	ck_assert_uint_eq(((struct req_lib_quorum_trackstart *)srv.last[1])->track_flags,
			  CS_TRACK_CURRENT | CS_TRACK_CHANGES);
	ck_assert_int_eq(quorum_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	ck_assert_int_eq(seen.v0_calls, 1);
	ck_assert_uint_eq(seen.quorate, 1);
	ck_assert_uint_eq(seen.seq, 0x1234);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_uint_eq(seen.list[0], 10);
	ck_assert_uint_eq(seen.list[2], 12);
	/* a V1 event on a V0 handle, and a list larger than the event */
	ev_raw(MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION, 56);
	ev_v0(1, 1, 1, 1000);
	ck_assert_int_eq(quorum_trackstart(h, CS_TRACK_CURRENT), CS_OK);
	ck_assert_int_eq(quorum_dispatch(h, CS_DISPATCH_ONE), CS_ERR_LIBRARY);
	ck_assert_int_eq(quorum_dispatch(h, CS_DISPATCH_ONE), CS_ERR_LIBRARY);
	ck_assert_int_eq(seen.v0_calls, 1);
	ck_assert_int_eq(quorum_dispatch(h, 99), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(quorum_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	ck_assert_int_eq(quorum_trackstop(h), CS_OK);
	ck_assert_int_eq(quorum_finalize(h), CS_OK);
	ck_assert_int_eq(quorum_finalize(h), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(quorum_getquorate(h, &quorate), CS_ERR_BAD_HANDLE);
}
END_TEST

START_TEST(test_v1)
{
	quorum_model_v1_data_t md = { .model = QUORUM_MODEL_V1, .quorum_notify_fn = on_v1_quorum,
				      .nodelist_notify_fn = on_v1_nodelist };
	quorum_handle_t h;
	uint32_t type = 99;
	const void *ctx = NULL;
	int marker;
	struct res_lib_quorum_v1_nodelist_notification *nl;
	struct res_lib_quorum_v1_quorum_notification *qn;
	size_t len;

	if (!srv_start())
		return;
	ck_assert_int_eq(quorum_model_initialize(&h, 5, (quorum_model_data_t *)&md, &type, NULL),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(quorum_model_initialize(&h, QUORUM_MODEL_V1, (quorum_model_data_t *)&md,
						 &type, &marker), CS_OK);
	ck_assert_int_eq(srv.last_q_id, MESSAGE_REQ_QUORUM_MODEL_GETTYPE);
	ck_assert_uint_eq(((struct req_lib_quorum_model_gettype *)srv.last[4])->model, 1);
	ck_assert_int_eq(quorum_context_get(h, &ctx), CS_OK);
	ck_assert_ptr_eq(ctx, &marker);

	/* nodelist: members {1,2}, joined {2}, left {3}; lists at 60 */
	len = sizeof(*nl) + 4 * 4;
	nl = calloc(1, len);
	nl->header.id = MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION;
	nl->header.size = (int32_t)len;
	nl->ring_id.nodeid = 1;
	nl->ring_id.seq = 44;
	nl->member_list_entries = 2;
	nl->joined_list_entries = 1;
	nl->left_list_entries = 1;
	nl->member_list[0] = 1;
	nl->member_list[1] = 2;
	nl->member_list[2] = 2;
	nl->member_list[3] = 3;
	script_add(nl, len);
	len = sizeof(*qn) + 2 * 4;
	qn = calloc(1, len);
	qn->header.id = MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION;
	qn->header.size = (int32_t)len;
	qn->quorate = 1;
	qn->ring_id.nodeid = 1;
	qn->ring_id.seq = 44;
	qn->view_list_entries = 2;
	qn->view_list[0] = 1;
	qn->view_list[1] = 2;
	script_add(qn, len);
	ev_raw(MESSAGE_RES_QUORUM_NOTIFICATION, 48);
	ck_assert_int_eq(quorum_trackstart(h, CS_TRACK_CURRENT), CS_OK);
	ck_assert_int_eq(quorum_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	ck_assert_int_eq(seen.v1_nodelist, 1);
	ck_assert_uint_eq(seen.ring.nodeid, 1);
	ck_assert_uint_eq(seen.ring.seq, 44);
	ck_assert_uint_eq(seen.m, 2);
	ck_assert_uint_eq(seen.j, 1);
	ck_assert_uint_eq(seen.l, 1);
	ck_assert_uint_eq(seen.all[1], 2);
	ck_assert_uint_eq(seen.all[2], 2);
	ck_assert_uint_eq(seen.all[3], 3);
	ck_assert_int_eq(quorum_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	ck_assert_int_eq(seen.v1_quorum, 1);
	ck_assert_uint_eq(seen.n, 2);
	ck_assert_uint_eq(seen.list[1], 2);
	/* a V0 event on a V1 handle */
	ck_assert_int_eq(quorum_dispatch(h, CS_DISPATCH_ONE), CS_ERR_LIBRARY);
	ck_assert_int_eq(quorum_finalize(h), CS_OK);
}
END_TEST

static void on_vq_quorum(votequorum_handle_t h, uint64_t context, uint32_t quorate, uint32_t n,
			 votequorum_node_t nodes[])
{
	seen.vq_quorum++;
	seen.context = context;
	seen.quorate = quorate;
	seen.n = n;
	memcpy(seen.nodes, nodes, (n < 4 ? n : 4) * sizeof(*nodes));
}

static void on_vq_nodelist(votequorum_handle_t h, uint64_t context, votequorum_ring_id_t ring,
			   uint32_t n, uint32_t list[])
{
	seen.vq_nodelist++;
	seen.context = context;
	seen.vring = ring;
	seen.n = n;
	memcpy(seen.list, list, (n < 8 ? n : 8) * sizeof(uint32_t));
}

static void on_vq_expected(votequorum_handle_t h, uint64_t context, uint32_t expected)
{
	seen.vq_expected++;
	seen.expected = expected;
}

START_TEST(test_votequorum)
{
	votequorum_callbacks_t cb = { on_vq_quorum, on_vq_expected, on_vq_nodelist };
	votequorum_handle_t h;
	struct votequorum_info info;
	char longname[300];
	void *ctx = NULL;
	votequorum_ring_id_t ring = { .nodeid = 3, .seq = 0x55 };

	if (!srv_start())
		return;
	ck_assert_int_eq(votequorum_initialize(&h, &cb), CS_OK);
	ck_assert_int_eq(votequorum_getinfo(h, 0, &info), CS_OK);
	ck_assert_uint_eq(info.node_id, 7);
	ck_assert_uint_eq(info.node_votes, 2);
	ck_assert_uint_eq(info.node_expected_votes, 5);
	ck_assert_uint_eq(info.total_votes, 4);
	ck_assert_uint_eq(info.quorum, 3);
	ck_assert_uint_eq(info.flags, VOTEQUORUM_INFO_QUORATE | VOTEQUORUM_INFO_WAIT_FOR_ALL);
	ck_assert_str_eq(info.qdevice_name, "Qdev");
	/* an error reply still fills info */
	srv.getinfo_error = CS_ERR_NOT_EXIST;
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(votequorum_getinfo(h, 9, &info), CS_ERR_NOT_EXIST);
	ck_assert_int_eq(((struct req_lib_votequorum_getinfo *)srv.last[0])->nodeid, 9);
	ck_assert_uint_eq(info.node_id, 7);

	ck_assert_int_eq(votequorum_setexpected(h, 6), CS_OK);
	ck_assert_uint_eq(srv.last_len[1], 24);
	ck_assert_uint_eq(((struct req_lib_votequorum_setexpected *)srv.last[1])->expected_votes, 6);
	ck_assert_int_eq(votequorum_setvotes(h, 4, 2), CS_OK);
	ck_assert_int_eq(((struct req_lib_votequorum_setvotes *)srv.last[2])->nodeid, 4);
	ck_assert_uint_eq(((struct req_lib_votequorum_setvotes *)srv.last[2])->votes, 2);

	/* qdevice names: 1..254 characters, checked before anything is sent */
	memset(longname, 'a', sizeof(longname));
	longname[255] = '\0';
	srv.last_vq_id = -1;
	ck_assert_int_eq(votequorum_qdevice_register(h, longname), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(votequorum_qdevice_register(h, ""), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(votequorum_qdevice_update(h, "a", longname), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(srv.last_vq_id, -1);
	longname[254] = '\0';
	ck_assert_int_eq(votequorum_qdevice_register(h, longname), CS_OK);
	ck_assert_uint_eq(srv.last_len[5], 272);
	ck_assert_int_eq(votequorum_qdevice_poll(h, "Qdev", 1, ring), CS_OK);
	{
		const struct req_lib_votequorum_qdevice_poll *p = (const void *)srv.last[8];

		ck_assert_uint_eq(srv.last_len[8], 296);
		ck_assert_str_eq(p->name, "Qdev");
		ck_assert_int_eq(p->cast_vote, 1);
		ck_assert_uint_eq(p->ring_id.nodeid, 3);
		ck_assert_uint_eq(p->ring_id.seq, 0x55);
	}
	ck_assert_int_eq(votequorum_qdevice_master_wins(h, "Qdev", 1), CS_OK);
	ck_assert_uint_eq(((struct req_lib_votequorum_qdevice_master_wins *)srv.last[9])->allow, 1);
	ck_assert_int_eq(votequorum_qdevice_update(h, "Qdev", "New"), CS_OK);
	ck_assert_str_eq(((struct req_lib_votequorum_qdevice_update *)srv.last[7])->newname, "New");
	ck_assert_int_eq(votequorum_qdevice_unregister(h, "New"), CS_OK);
	ck_assert_uint_eq(srv.last_len[6], 272);

	/* events: NODELIST, QUORUM, EXPECTEDVOTES, then an unknown id */
	{
		size_t len = sizeof(struct res_lib_votequorum_nodelist_notification) + 2 * 4;
		struct res_lib_votequorum_nodelist_notification *e = calloc(1, len);

		e->header.id = MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION;
		e->header.size = (int32_t)len;
		e->context = 77;
		e->ring_id.nodeid = 1;
		e->ring_id.seq = 8;
		e->node_list_entries = 2;
		e->node_list[0] = 1;
		e->node_list[1] = 2;
		script_add(e, len);
	}
	{
		size_t len = sizeof(struct res_lib_votequorum_quorum_notification) + 2 * 8;
		struct res_lib_votequorum_quorum_notification *e = calloc(1, len);

		e->header.id = MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION;
		e->header.size = (int32_t)len;
		e->quorate = 1;
		e->context = 77;
		e->node_list_entries = 2;
		e->node_list[0].nodeid = 1;
		e->node_list[0].state = 1;
		e->node_list[1].nodeid = 3;
		e->node_list[1].state = 2;
		script_add(e, len);
	}
	{
		struct res_lib_votequorum_expectedvotes_notification *e = calloc(1, sizeof(*e));

		e->header.id = MESSAGE_RES_VOTEQUORUM_EXPECTEDVOTES_NOTIFICATION;
		e->header.size = sizeof(*e);
		e->expected_votes = 9;
		script_add(e, sizeof(*e));
	}
	ev_raw(MESSAGE_RES_VOTEQUORUM_TRACKSTART, 24);
	ck_assert_int_eq(votequorum_trackstart(h, 77, CS_TRACK_CURRENT), CS_OK);
	ck_assert_uint_eq(((struct req_lib_votequorum_trackstart *)srv.last[3])->context, 77);
	ck_assert_int_eq(votequorum_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	ck_assert_int_eq(seen.vq_nodelist, 1);
	ck_assert_uint_eq(seen.context, 77);
	ck_assert_uint_eq(seen.vring.seq, 8);
	ck_assert_uint_eq(seen.list[1], 2);
	ck_assert_int_eq(votequorum_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	ck_assert_int_eq(seen.vq_quorum, 1);
	ck_assert_uint_eq(seen.nodes[1].nodeid, 3);
	ck_assert_uint_eq(seen.nodes[1].state, 2);
	ck_assert_int_eq(votequorum_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	ck_assert_int_eq(seen.vq_expected, 1);
	ck_assert_uint_eq(seen.expected, 9);
	ck_assert_int_eq(votequorum_dispatch(h, CS_DISPATCH_ONE), CS_ERR_LIBRARY);

	ck_assert_int_eq(votequorum_context_set(h, &cb), CS_OK);
	ck_assert_int_eq(votequorum_context_get(h, &ctx), CS_OK);
	ck_assert_ptr_eq(ctx, &cb);
	ck_assert_int_eq(votequorum_trackstop(h), CS_OK);
	ck_assert_int_eq(votequorum_finalize(h), CS_OK);
	ck_assert_int_eq(votequorum_getinfo(h, 0, &info), CS_ERR_BAD_HANDLE);
}
END_TEST

START_TEST(test_no_daemon)
{
	quorum_handle_t q;
	votequorum_handle_t v;
	uint32_t type;

	/* a private network namespace has no server: CS_ERR_LIBRARY, as corosync's */
	if (unshare(CLONE_NEWNET) < 0)
		return;
	ck_assert_int_eq(quorum_initialize(&q, NULL, &type), CS_ERR_LIBRARY);
	ck_assert_int_eq(votequorum_initialize(&v, NULL), CS_ERR_LIBRARY);
	ck_assert_int_eq(quorum_initialize(NULL, NULL, &type), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(quorum_getquorate(12345, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(votequorum_finalize(12345), CS_ERR_BAD_HANDLE);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("libquorum_fakesrv");
	TCase *tc;

	add_tcase(s, tc, test_v0);
	add_tcase(s, tc, test_v1);
	add_tcase(s, tc, test_votequorum);
	add_tcase(s, tc, test_no_daemon);
	return s;
}

int main(void)
{
	return check_run_suite(suite());
}
