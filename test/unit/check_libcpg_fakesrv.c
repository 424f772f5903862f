/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcpg against a scripted libqb "cpg" server in the same process: the
 * dispatch paths a real daemon cannot be made to take on demand (unknown
 * event ids, fragment reassembly and its reset by a confchg, oversized
 * lists, finalize inside a callback), what the library puts on the wire
 * (fragment cuts, >63 iovecs), and local answers on a live handle.
 * Each test runs in its own forked process, moved into private network and
 * mount namespaces (its own @cpg socket and /dev/shm), so it needs root;
 * without it the tests pass as skipped.  The server answers every request
 * but MCAST and, on JOIN, queues the events the test scripted before it.
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
#include <sys/uio.h>
#include <unistd.h>

#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#include <corosync/cpg.h>
#include <corosync/ipc_cpg.h>

#include "../check_common.h"

#define MAX_SCRIPT 16

struct event { uint8_t *buf; size_t len; };

/* The server's state: one per test process (each test is its own fork). */
static struct {
	qb_loop_t *loop;
	qb_ipcs_service_t *svc;
	pthread_t thread;
	pthread_mutex_t lock;
	struct event script[MAX_SCRIPT];   /* sent on the next JOIN */
	int nscript;
	uint32_t member_count;             /* MEMBERSHIP reply count */
	/* what the client sent */
	uint8_t *mcast;
	size_t mcast_len;
	int nfrag;
	uint32_t frag_type[16];
	uint32_t frag_len[16];
	uint32_t frag_total;
} srv;

/* ------------------------------------------------------------ fake server */

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

static void srv_reply(qb_ipcs_connection_t *c, int32_t id, size_t size, void *res)
{
	struct qb_ipc_response_header *h = res;

	h->id = id;
	h->size = (int32_t)size;
	h->error = CS_OK;
	ck_assert_int_ge(qb_ipcs_response_send(c, res, size), 0);
}

static int32_t srv_msg(qb_ipcs_connection_t *c, void *raw, size_t size)
{
	/* libqb's shm chunks are only 4-aligned: read the request from an
	 * aligned copy (UBSan) */
	static uint64_t aligned[(1024 * 1024 + 4096) / 8];
	void *data = aligned;
	struct qb_ipc_request_header *req = data;
	union {
		struct qb_ipc_response_header h;
		struct res_lib_cpg_local_get local;
		struct res_lib_cpg_membership_get memb;
		struct res_lib_cpg_iterationinitialize iter;
	} res;

	memset(&res, 0, sizeof(res));
	pthread_mutex_lock(&srv.lock);
	memcpy(aligned, raw, size < sizeof(aligned) ? size : sizeof(aligned));
	switch (req->id) {
	case MESSAGE_REQ_CPG_MCAST: {
		struct req_lib_cpg_mcast *m = data;

		free(srv.mcast);
		srv.mcast_len = m->msglen;
		srv.mcast = malloc(m->msglen + 1);
		memcpy(srv.mcast, m->message, m->msglen);
		break;                     /* never answered */
	}
	case MESSAGE_REQ_CPG_PARTIAL_MCAST: {
		struct req_lib_cpg_partial_mcast *m = data;

		if (srv.nfrag < 16) {
			srv.frag_type[srv.nfrag] = m->type;
			srv.frag_len[srv.nfrag] = m->fraglen;
		}
		srv.nfrag++;
		srv.frag_total = m->msglen;
		srv_reply(c, MESSAGE_RES_CPG_PARTIAL_SEND, sizeof(res.h), &res);
		break;
	}
	case MESSAGE_REQ_CPG_JOIN:
		for (int i = 0; i < srv.nscript; i++) {
			ck_assert_int_ge(qb_ipcs_event_send(c, srv.script[i].buf, srv.script[i].len), 0);
			free(srv.script[i].buf);
		}
		srv.nscript = 0;
		srv_reply(c, MESSAGE_RES_CPG_JOIN, sizeof(res.h), &res);
		break;
	case MESSAGE_REQ_CPG_LOCAL_GET:
		res.local.local_nodeid = 42;
		srv_reply(c, MESSAGE_RES_CPG_LOCAL_GET, sizeof(res.local), &res);
		break;
	case MESSAGE_REQ_CPG_MEMBERSHIP:
		res.memb.member_count = srv.member_count;
		for (uint32_t i = 0; i < srv.member_count && i < CPG_WIRE_PROCESSORS_MAX; i++) {
			res.memb.member_list[i].nodeid = 1;
			res.memb.member_list[i].pid = 1000 + i;
		}
		srv_reply(c, MESSAGE_RES_CPG_MEMBERSHIP, sizeof(res.memb), &res);
		break;
	default:
		srv_reply(c, 0, sizeof(res.h), &res);
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

/* Private namespaces and the server; false if this process may not have them. */
static bool srv_start(void)
{
	static struct qb_ipcs_service_handlers h = {
		.connection_accept = srv_accept,
		.msg_process = srv_msg,
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
	srv.loop = qb_loop_create();
	ck_assert_ptr_nonnull(srv.loop);
	srv.svc = qb_ipcs_create("cpg", 2, QB_IPC_NATIVE, &h);
	ck_assert_ptr_nonnull(srv.svc);
	qb_ipcs_poll_handlers_set(srv.svc, &ph);
	ck_assert_int_eq(qb_ipcs_run(srv.svc), 0);
	ck_assert_int_eq(pthread_create(&srv.thread, NULL, srv_run, NULL), 0);
	return true;
}

/* ------------------------------------------------------- scripted events */

static void script_add(void *buf, size_t len)
{
	ck_assert_int_lt(srv.nscript, MAX_SCRIPT);
	srv.script[srv.nscript].buf = buf;
	srv.script[srv.nscript].len = len;
	srv.nscript++;
}

static void wire_name(mar_cpg_name_t *n, const char *s)
{
	n->length = (uint32_t)strlen(s);
	memcpy(n->value, s, n->length);
}

static void ev_partial(uint32_t nodeid, uint32_t pid, uint32_t type, uint32_t total,
		       const char *frag)
{
	size_t fl = strlen(frag), len = sizeof(struct res_lib_cpg_partial_deliver_callback) + fl;
	struct res_lib_cpg_partial_deliver_callback *e = calloc(1, len);

	e->header.id = MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK;
	e->header.size = (int32_t)len;
	e->header.error = CS_OK;
	wire_name(&e->group_name, "g");
	e->msglen = total;
	e->fraglen = (uint32_t)fl;
	e->nodeid = nodeid;
	e->pid = pid;
	e->type = type;
	memcpy(e->message, frag, fl);
	script_add(e, len);
}

static void ev_confchg(uint32_t members, uint32_t left_pid)
{
	size_t n = members + (left_pid ? 1 : 0);
	size_t len = sizeof(struct res_lib_cpg_confchg_callback) + n * sizeof(mar_cpg_address_t);
	struct res_lib_cpg_confchg_callback *e = calloc(1, len);

	e->header.id = MESSAGE_RES_CPG_CONFCHG_CALLBACK;
	e->header.size = (int32_t)len;
	e->header.error = CS_OK;
	wire_name(&e->group_name, "g");
	e->member_list_entries = members;
	e->left_list_entries = left_pid ? 1 : 0;
	for (uint32_t i = 0; i < members; i++) {
		e->member_list[i].nodeid = 1;
		e->member_list[i].pid = 5000 + i;
	}
	if (left_pid) {
		e->member_list[members].nodeid = 1;
		e->member_list[members].pid = left_pid;
		e->member_list[members].reason = CPG_REASON_PROCDOWN;
	}
	script_add(e, len);
}

static void ev_raw_id(int32_t id)
{
	struct qb_ipc_response_header *e = calloc(1, 32);

	e->id = id;
	e->size = 32;
	e->error = CS_OK;
	script_add(e, 32);
}

/* -------------------------------------------------------------- the client */

static struct {
	int delivered;
	char last[64];
	uint32_t last_pid;
	size_t confchg_members;
	int confchgs;
	bool finalize_in_callback;
	cs_error_t finalize_err;
} seen;

static void on_deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid, uint32_t pid,
		       void *msg, size_t len)
{
	seen.delivered++;
	seen.last_pid = pid;
	snprintf(seen.last, sizeof(seen.last), "%.*s", (int)len, (const char *)msg);
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *g,
		       const struct cpg_address *m, size_t mn, const struct cpg_address *l, size_t ln,
		       const struct cpg_address *j, size_t jn)
{
	seen.confchgs++;
	seen.confchg_members = mn;
	for (size_t i = 0; i < mn; i++)
		ck_assert_uint_eq(m[i].pid, 5000 + i);
	if (seen.finalize_in_callback)
		seen.finalize_err = cpg_finalize(h);
}

static cpg_handle_t client(bool with_deliver)
{
	cpg_callbacks_t cb = { with_deliver ? on_deliver : NULL, on_confchg };
	cpg_handle_t h;

	ck_assert_int_eq(cpg_initialize(&h, &cb), CS_OK);
	return h;
}

static void join(cpg_handle_t h)
{
	struct cpg_name g = { .length = 1, .value = "g" };

	ck_assert_int_eq(cpg_join(h, &g), CS_OK);
}

/* ------------------------------------------------------------------ tests */

START_TEST(test_live_handle_locals)
{
	cpg_flow_control_state_t fc = CPG_FLOW_CONTROL_ENABLED;
	unsigned int nodeid = 0;
	uint32_t max = 0;
	void *ctx = NULL;
	int fd = -1, marker;
	cpg_model_v1_data_t data;
	cpg_handle_t h;

	if (!srv_start())
		return;
	memset(&data, 0, sizeof(data));
	data.model = CPG_MODEL_V1;
	data.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF;
	ck_assert_int_eq(cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&data, &marker),
			 CS_OK);
	ck_assert_int_eq(cpg_context_get(h, &ctx), CS_OK);
	ck_assert_ptr_eq(ctx, &marker);
	ck_assert_int_eq(cpg_context_set(h, &fd), CS_OK);
	ck_assert_int_eq(cpg_context_get(h, &ctx), CS_OK);
	ck_assert_ptr_eq(ctx, &fd);
	ck_assert_int_eq(cpg_max_atomic_msgsize_get(h, &max), CS_OK);
	ck_assert_uint_eq(max, 1047552);
	ck_assert_int_eq(cpg_flow_control_state_get(h, &fc), CS_OK);
	ck_assert_int_eq(fc, CPG_FLOW_CONTROL_DISABLED);
	ck_assert_int_eq(cpg_fd_get(h, &fd), CS_OK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cpg_local_get(h, &nodeid), CS_OK);
	ck_assert_uint_eq(nodeid, 42);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_TRY_AGAIN);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	ck_assert_int_eq(cpg_finalize(h), CS_OK);
	/* stale afterwards */
	ck_assert_int_eq(cpg_local_get(h, &nodeid), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_finalize(h), CS_ERR_BAD_HANDLE);
}
END_TEST

START_TEST(test_unknown_event_id)
{
	cpg_handle_t h;

	if (!srv_start())
		return;
	h = client(true);
	ev_raw_id(MESSAGE_RES_CPG_FLOWCONTROL_CALLBACK);   /* 8: dead in corosync too */
	join(h);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_LIBRARY);
	ck_assert_int_eq(cpg_finalize(h), CS_OK);
}
END_TEST

START_TEST(test_reassembly)
{
	cpg_handle_t h;

	if (!srv_start())
		return;
	h = client(true);
	/* two senders interleaved; 200 leaves before its LAST, which is then ignored */
	ev_partial(1, 100, LIBCPG_PARTIAL_FIRST, 9, "abc");
	ev_partial(1, 200, LIBCPG_PARTIAL_FIRST, 6, "xyz");
	ev_partial(1, 100, LIBCPG_PARTIAL_CONTINUED, 9, "def");
	ev_confchg(2, 200);
	ev_partial(1, 200, LIBCPG_PARTIAL_LAST, 6, "uvw");
	ev_partial(1, 100, LIBCPG_PARTIAL_LAST, 9, "ghi");
	/* a fragment past the announced length drops that assembly */
	ev_partial(1, 300, LIBCPG_PARTIAL_FIRST, 4, "abc");
	ev_partial(1, 300, LIBCPG_PARTIAL_LAST, 4, "de");
	join(h);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	ck_assert_int_eq(seen.delivered, 1);
	ck_assert_str_eq(seen.last, "abcdefghi");
	ck_assert_uint_eq(seen.last_pid, 100);
	ck_assert_int_eq(seen.confchgs, 1);
	ck_assert_int_eq(cpg_finalize(h), CS_OK);
}
END_TEST

START_TEST(test_fragments_null_deliver)
{
	cpg_handle_t h;

	if (!srv_start())
		return;
	h = client(false);
	ev_partial(1, 100, LIBCPG_PARTIAL_FIRST, 6, "abc");
	ev_partial(1, 100, LIBCPG_PARTIAL_LAST, 6, "def");
	join(h);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	ck_assert_int_eq(cpg_finalize(h), CS_OK);
}
END_TEST

START_TEST(test_long_lists_cut)
{
	struct cpg_address list[CPG_MEMBERS_MAX + 8];
	struct cpg_name g = { .length = 1, .value = "g" };
	int n = 0;
	cpg_handle_t h;

	if (!srv_start())
		return;
	h = client(true);
	ev_confchg(300, 0);
	join(h);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ONE), CS_OK);
	ck_assert_int_eq(seen.confchgs, 1);
	ck_assert_uint_eq(seen.confchg_members, CPG_MEMBERS_MAX);

	memset(list, 0xee, sizeof(list));
	srv.member_count = 384;
	ck_assert_int_eq(cpg_membership_get(h, &g, list, &n), CS_OK);
	ck_assert_int_eq(n, CPG_MEMBERS_MAX);
	ck_assert_uint_eq(list[CPG_MEMBERS_MAX - 1].pid, 1000 + CPG_MEMBERS_MAX - 1);
	ck_assert_uint_eq(list[CPG_MEMBERS_MAX].pid, 0xeeeeeeeeu);
	ck_assert_int_eq(cpg_finalize(h), CS_OK);
}
END_TEST

START_TEST(test_finalize_in_callback)
{
	unsigned int nodeid;
	cpg_handle_t h;

	if (!srv_start())
		return;
	h = client(true);
	ev_confchg(1, 0);
	ev_confchg(1, 0);
	join(h);
	seen.finalize_in_callback = true;
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(seen.confchgs, 1);
	ck_assert_int_eq(seen.finalize_err, CS_OK);
	ck_assert_int_eq(cpg_local_get(h, &nodeid), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
}
END_TEST

START_TEST(test_many_iovecs_and_fragments)
{
	struct iovec iov[100];
	char bytes[100];
	unsigned int nodeid;
	static char big[2000000];
	struct iovec frag_iov[3] = {
		{ .iov_base = bytes, .iov_len = 10 },
		{ .iov_base = big, .iov_len = sizeof(big) },
		{ .iov_base = bytes, .iov_len = 5 },
	};
	cpg_handle_t h;

	if (!srv_start())
		return;
	h = client(true);
	join(h);
	for (int i = 0; i < 100; i++) {
		bytes[i] = (char)('a' + i % 26);
		iov[i].iov_base = &bytes[i];
		iov[i].iov_len = 1;
	}
	ck_assert_int_eq(cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 100), CS_OK);
	ck_assert_int_eq(cpg_mcast_joined(h, CPG_TYPE_AGREED, iov, 63), CS_OK);
	/* a request with a reply orders us after the daemon has read both */
	ck_assert_int_eq(cpg_local_get(h, &nodeid), CS_OK);
	pthread_mutex_lock(&srv.lock);
	ck_assert_uint_eq(srv.mcast_len, 63);
	ck_assert_int_eq(memcmp(srv.mcast, bytes, 63), 0);
	pthread_mutex_unlock(&srv.lock);

	/* one fragment never spans two iovecs; none exceeds 1047552 */
	ck_assert_int_eq(cpg_mcast_joined(h, CPG_TYPE_AGREED, frag_iov, 3), CS_OK);
	pthread_mutex_lock(&srv.lock);
	ck_assert_int_eq(srv.nfrag, 4);
	ck_assert_uint_eq(srv.frag_total, 2000015);
	ck_assert_uint_eq(srv.frag_type[0], LIBCPG_PARTIAL_FIRST);
	ck_assert_uint_eq(srv.frag_len[0], 10);
	ck_assert_uint_eq(srv.frag_type[1], LIBCPG_PARTIAL_CONTINUED);
	ck_assert_uint_eq(srv.frag_len[1], 1047552);
	ck_assert_uint_eq(srv.frag_type[2], LIBCPG_PARTIAL_CONTINUED);
	ck_assert_uint_eq(srv.frag_len[2], 2000000 - 1047552);
	ck_assert_uint_eq(srv.frag_type[3], LIBCPG_PARTIAL_LAST);
	ck_assert_uint_eq(srv.frag_len[3], 5);
	pthread_mutex_unlock(&srv.lock);
	ck_assert_int_eq(cpg_finalize(h), CS_OK);
}
END_TEST

/* Two threads hammer one handle while a third finalizes it: no crash, sane errors. */
static void *hammer(void *arg)
{
	cpg_handle_t h = *(cpg_handle_t *)arg;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	unsigned int nodeid;

	for (int i = 0; i < 2000; i++) {
		cs_error_t e1 = cpg_local_get(h, &nodeid);
		cs_error_t e2 = cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1);
		cs_error_t e3 = cpg_dispatch(h, CS_DISPATCH_ALL);

		ck_assert(e1 == CS_OK || e1 == CS_ERR_BAD_HANDLE || e1 == CS_ERR_LIBRARY);
		ck_assert(e2 == CS_OK || e2 == CS_ERR_BAD_HANDLE || e2 == CS_ERR_TRY_AGAIN ||
			  e2 == CS_ERR_LIBRARY);
		ck_assert(e3 == CS_OK || e3 == CS_ERR_BAD_HANDLE);
		if (e1 == CS_ERR_BAD_HANDLE)
			break;
	}
	return NULL;
}

START_TEST(test_threads)
{
	pthread_t t[2];
	cpg_handle_t h;

	if (!srv_start())
		return;
	h = client(true);
	join(h);
	ck_assert_int_eq(pthread_create(&t[0], NULL, hammer, &h), 0);
	ck_assert_int_eq(pthread_create(&t[1], NULL, hammer, &h), 0);
	/* let both threads get going; the outcome must be sane at any interleaving */
	usleep(20000);
	ck_assert_int_eq(cpg_finalize(h), CS_OK);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libcpg_fakesrv");
	TCase *tc;

	add_tcase(s, tc, test_live_handle_locals);
	add_tcase(s, tc, test_unknown_event_id);
	add_tcase(s, tc, test_reassembly);
	add_tcase(s, tc, test_fragments_null_deliver);
	add_tcase(s, tc, test_long_lists_cut);
	add_tcase(s, tc, test_finalize_in_callback);
	add_tcase(s, tc, test_many_iovecs_and_fragments);
	add_tcase(s, tc, test_threads);
	return check_run_suite(s);
}
