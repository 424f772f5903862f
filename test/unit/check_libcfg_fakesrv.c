/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcfg against a scripted libqb "cfg" server in the same process: what
 * each function puts on the wire and what it makes of the replies,
 * including the replies a real daemon does not send on demand (an error
 * with a full RINGSTATUSGET, a count past the arrays, a status of another
 * version, ACCESS to REPLYTOSHUTDOWN, an unknown event id).
 * Each test runs in its own forked process, moved into private network and
 * mount namespaces (its own @cfg socket and /dev/shm), so it needs root;
 * without it the tests pass as skipped.
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

#include <corosync/cfg.h>
#include <corosync/ipc_cfg.h>

#include "../check_common.h"

/* The server's state: one per test process (each test is its own fork). */
static struct {
	qb_loop_t *loop;
	qb_ipcs_service_t *svc;
	pthread_t thread;
	pthread_mutex_t lock;
	cs_error_t err;                /* header.error of the next replies */
	uint32_t ring_count;           /* RINGSTATUSGET interface_count */
	uint32_t status_version;       /* NODESTATUSGET node_status.version */
	bool status_short;             /* ... in the 32-byte form */
	int32_t event_id;              /* sent before the TRACKSTART reply (0: none) */
	/* what the client sent */
	unsigned int requests;
	int32_t last_id;
	int32_t last_size;
	uint8_t last[512];
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
	h->error = srv.err;
	ck_assert_int_ge(qb_ipcs_response_send(c, res, size), 0);
}

static int32_t srv_msg(qb_ipcs_connection_t *c, void *raw, size_t size)
{
	/* libqb's shm chunks are only 4-aligned: read from an aligned copy */
	static uint64_t aligned[4096 / 8];
	static union {
		struct res_lib_cfg_header_only h;
		struct res_lib_cfg_ringstatusget ring;
		struct res_lib_cfg_nodestatusget_v1 st;
		struct res_lib_cfg_testshutdown ev;
	} res;
	struct qb_ipc_request_header *req = (void *)aligned;

	memset(&res, 0, sizeof(res));
	pthread_mutex_lock(&srv.lock);
	memcpy(aligned, raw, size < sizeof(aligned) ? size : sizeof(aligned));
	srv.requests++;
	srv.last_id = req->id;
	srv.last_size = req->size;
	memcpy(srv.last, aligned, size < sizeof(srv.last) ? size : sizeof(srv.last));
	switch (req->id) {
	case MESSAGE_REQ_CFG_RINGSTATUSGET:
		res.ring.interface_count = srv.ring_count;
		for (unsigned i = 0; i < CFG_MAX_INTERFACES; i++) {
			snprintf(res.ring.interface_name[i], CFG_INTERFACE_NAME_MAX_LEN,
				 "%u 10.0.%u.1", i, i);
			snprintf(res.ring.interface_status[i], CFG_INTERFACE_STATUS_MAX_LEN,
				 "n%u", i);
		}
		srv_reply(c, MESSAGE_RES_CFG_RINGSTATUSGET, sizeof(res.ring), &res);
		break;
	case MESSAGE_REQ_CFG_NODESTATUSGET: {
		const struct req_lib_cfg_nodestatusget *r = (const void *)aligned;

		res.st.node_status.version = srv.status_version;
		res.st.node_status.nodeid = r->nodeid;
		res.st.node_status.reachable = 1;
		res.st.node_status.link_status[0].enabled = 1;
		snprintf(res.st.node_status.link_status[0].src_ipaddr,
			 sizeof(res.st.node_status.link_status[0].src_ipaddr), "10.0.0.1");
		srv_reply(c, MESSAGE_RES_CFG_NODESTATUSGET,
			  srv.status_short ? sizeof(struct res_lib_cfg_nodestatusget_version)
					   : sizeof(res.st), &res);
		break;
	}
	case MESSAGE_REQ_CFG_TRACKSTART:
		if (srv.event_id) {
			res.ev.header.id = srv.event_id;
			res.ev.header.size = sizeof(res.ev);
			res.ev.flags = COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS;
			ck_assert_int_ge(qb_ipcs_event_send(c, &res.ev, sizeof(res.ev)), 0);
			memset(&res, 0, sizeof(res));
		}
		srv_reply(c, MESSAGE_RES_CFG_STATETRACKSTART, sizeof(res.h), &res);
		break;
	default:
		srv_reply(c, req->id + 100, sizeof(res.h), &res);
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
	srv.status_version = CFG_NODE_STATUS_V1;
	srv.err = CS_OK;
	srv.loop = qb_loop_create();
	ck_assert_ptr_nonnull(srv.loop);
	srv.svc = qb_ipcs_create("cfg", 1, QB_IPC_NATIVE, &h);
	ck_assert_ptr_nonnull(srv.svc);
	qb_ipcs_poll_handlers_set(srv.svc, &ph);
	ck_assert_int_eq(qb_ipcs_run(srv.svc), 0);
	ck_assert_int_eq(pthread_create(&srv.thread, NULL, srv_run, NULL), 0);
	return true;
}

static void srv_set_err(cs_error_t err)
{
	pthread_mutex_lock(&srv.lock);
	srv.err = err;
	pthread_mutex_unlock(&srv.lock);
}

static unsigned int srv_requests(void)
{
	unsigned int n;

	pthread_mutex_lock(&srv.lock);
	n = srv.requests;
	pthread_mutex_unlock(&srv.lock);
	return n;
}

/* -------------------------------------------------------------- the client */

static struct {
	int calls;
	corosync_cfg_shutdown_flags_t flags;
} seen;

static void on_shutdown(corosync_cfg_handle_t h, corosync_cfg_shutdown_flags_t flags)
{
	seen.calls++;
	seen.flags = flags;
}

static corosync_cfg_handle_t client(void)
{
	corosync_cfg_callbacks_t cb = { .corosync_cfg_shutdown_callback = on_shutdown };
	corosync_cfg_handle_t h;

	ck_assert_int_eq(corosync_cfg_initialize(&h, &cb), CS_OK);
	return h;
}

/* ------------------------------------------------------------------ tests */

START_TEST(test_ring_status)
{
	corosync_cfg_handle_t h;
	char **names = NULL, **status = NULL;
	unsigned int count = 0;

	if (!srv_start())
		return;
	h = client();
	/* header.error is not looked at: the data is used as it is */
	srv.ring_count = 2;
	srv_set_err(CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(corosync_cfg_ring_status_get(h, &names, &status, &count), CS_OK);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_RINGSTATUSGET);
	ck_assert_int_eq(srv.last_size, 16);
	ck_assert_uint_eq(count, 2);
	ck_assert_str_eq(names[0], "0 10.0.0.1");
	ck_assert_str_eq(names[1], "1 10.0.1.1");
	ck_assert_str_eq(status[1], "n1");
	/* the caller frees each string, then each array */
	for (unsigned i = 0; i < count; i++) {
		free(names[i]);
		free(status[i]);
	}
	free(names);
	free(status);
	/* a count past the arrays is cut to them */
	srv.ring_count = 1000;
	ck_assert_int_eq(corosync_cfg_ring_status_get(h, &names, &status, &count), CS_OK);
	ck_assert_uint_eq(count, CFG_MAX_INTERFACES);
	ck_assert_str_eq(names[15], "15 10.0.15.1");
	for (unsigned i = 0; i < count; i++) {
		free(names[i]);
		free(status[i]);
	}
	free(names);
	free(status);
	ck_assert_int_eq(corosync_cfg_ring_status_get(h, NULL, &status, &count),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(corosync_cfg_finalize(h), CS_OK);
}
END_TEST

START_TEST(test_node_status)
{
	struct corosync_cfg_node_status_v1 st;
	const struct req_lib_cfg_nodestatusget *req = (const void *)srv.last;
	corosync_cfg_handle_t h;
	unsigned int before;

	if (!srv_start())
		return;
	h = client();
	memset(&st, 0xaa, sizeof(st));
	ck_assert_int_eq(corosync_cfg_node_status_get(h, 7, CFG_NODE_STATUS_V1, &st), CS_OK);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_NODESTATUSGET);
	ck_assert_int_eq(srv.last_size, 32);
	ck_assert_uint_eq(req->nodeid, 7);
	ck_assert_uint_eq(req->version, CFG_NODE_STATUS_V1);
	ck_assert_uint_eq(st.nodeid, 7);
	ck_assert_uint_eq(st.reachable, 1);
	ck_assert_uint_eq(st.link_status[0].enabled, 1);
	ck_assert_str_eq(st.link_status[0].src_ipaddr, "10.0.0.1");
	ck_assert_uint_eq(st.link_status[1].enabled, 0);

	/* unknown version asked: refused before anything is sent */
	before = srv_requests();
	ck_assert_int_eq(corosync_cfg_node_status_get(h, 7, 2, &st), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(corosync_cfg_node_status_get(h, 7, CFG_NODE_STATUS_V1, NULL),
			 CS_ERR_INVALID_PARAM);
	ck_assert_uint_eq(srv_requests(), before);
	/* the daemon answers another version: NOT_SUPPORTED, nothing written */
	srv.status_version = 2;
	memset(&st, 0xaa, sizeof(st));
	ck_assert_int_eq(corosync_cfg_node_status_get(h, 7, CFG_NODE_STATUS_V1, &st),
			 CS_ERR_NOT_SUPPORTED);
	ck_assert_uint_eq(st.nodeid, 0xaaaaaaaa);
	/* the daemon's error in the short form */
	srv.status_version = CFG_NODE_STATUS_V1;
	srv.status_short = true;
	srv_set_err(CS_ERR_FAILED_OPERATION);
	ck_assert_int_eq(corosync_cfg_node_status_get(h, 9, CFG_NODE_STATUS_V1, &st),
			 CS_ERR_FAILED_OPERATION);
	ck_assert_uint_eq(st.nodeid, 0xaaaaaaaa);
	ck_assert_int_eq(corosync_cfg_finalize(h), CS_OK);
}
END_TEST

START_TEST(test_kill_node)
{
	const struct req_lib_cfg_killnode *req = (const void *)srv.last;
	char reason[300];
	corosync_cfg_handle_t h;
	unsigned int before;

	if (!srv_start())
		return;
	h = client();
	ck_assert_int_eq(corosync_cfg_kill_node(h, 3, "Killed by corosync-cfgtool"), CS_OK);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_KILLNODE);
	ck_assert_int_eq(srv.last_size, 288);
	ck_assert_uint_eq(req->nodeid, 3);
	/* the length counts the NUL */
	ck_assert_uint_eq(req->reason.length, strlen("Killed by corosync-cfgtool") + 1);
	ck_assert_str_eq((const char *)req->reason.value, "Killed by corosync-cfgtool");
	srv_set_err(CS_ERR_NOT_EXIST);
	ck_assert_int_eq(corosync_cfg_kill_node(h, 4, "x"), CS_ERR_NOT_EXIST);
	/* 255 characters fit, 256 do not */
	before = srv_requests();
	memset(reason, 'r', sizeof(reason));
	reason[256] = '\0';
	ck_assert_int_eq(corosync_cfg_kill_node(h, 3, reason), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(corosync_cfg_kill_node(h, 3, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_uint_eq(srv_requests(), before);
	reason[255] = '\0';
	srv_set_err(CS_OK);
	ck_assert_int_eq(corosync_cfg_kill_node(h, 3, reason), CS_OK);
	ck_assert_uint_eq(req->reason.length, 256);
	ck_assert_int_eq(corosync_cfg_finalize(h), CS_OK);
}
END_TEST

START_TEST(test_shutdown_calls)
{
	const struct req_lib_cfg_tryshutdown *tr = (const void *)srv.last;
	const struct req_lib_cfg_replytoshutdown *rp = (const void *)srv.last;
	corosync_cfg_handle_t h;

	if (!srv_start())
		return;
	h = client();
	ck_assert_int_eq(corosync_cfg_try_shutdown(h, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS), CS_OK);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_TRYSHUTDOWN);
	ck_assert_int_eq(srv.last_size, 24);
	ck_assert_uint_eq(tr->flags, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS);
	srv_set_err(CS_ERR_BUSY);
	ck_assert_int_eq(corosync_cfg_try_shutdown(h, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST),
			 CS_ERR_BUSY);
	/* replyto_shutdown: only the transport's verdict, never the daemon's error */
	srv_set_err(CS_ERR_ACCESS);
	ck_assert_int_eq(corosync_cfg_replyto_shutdown(h, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_REPLYTOSHUTDOWN);
	ck_assert_int_eq(srv.last_size, 24);
	ck_assert_uint_eq(rp->response, COROSYNC_CFG_SHUTDOWN_FLAG_NO);
	ck_assert_int_eq(corosync_cfg_replyto_shutdown(h, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_uint_eq(rp->response, COROSYNC_CFG_SHUTDOWN_FLAG_YES);
	/* trackstop, reload, reopen: the daemon's error */
	ck_assert_int_eq(corosync_cfg_trackstop(h), CS_ERR_ACCESS);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_TRACKSTOP);
	ck_assert_int_eq(srv.last_size, 16);
	srv_set_err(CS_ERR_NOT_SUPPORTED);
	ck_assert_int_eq(corosync_cfg_reload_config(h), CS_ERR_NOT_SUPPORTED);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_RELOAD_CONFIG);
	srv_set_err(CS_OK);
	ck_assert_int_eq(corosync_cfg_reopen_log_files(h), CS_OK);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_REOPEN_LOG_FILES);
	ck_assert_int_eq(srv.last_size, 16);
	/* the handle references were all released: finalize frees it */
	ck_assert_int_eq(corosync_cfg_finalize(h), CS_OK);
	ck_assert_int_eq(corosync_cfg_replyto_shutdown(h, 0), CS_ERR_BAD_HANDLE);
}
END_TEST

START_TEST(test_trackstart_event)
{
	const struct req_lib_cfg_trackstart *req = (const void *)srv.last;
	corosync_cfg_handle_t h;

	if (!srv_start())
		return;
	h = client();
	srv.event_id = MESSAGE_RES_CFG_TESTSHUTDOWN;
	ck_assert_int_eq(corosync_cfg_trackstart(h, 0x5), CS_OK);
	ck_assert_int_eq(srv.last_id, MESSAGE_REQ_CFG_TRACKSTART);
	ck_assert_int_eq(srv.last_size, 24);
	ck_assert_uint_eq(req->track_flags, 0x5);
	ck_assert_int_eq(corosync_cfg_dispatch(h, CS_DISPATCH_ALL), CS_OK);
	ck_assert_int_eq(seen.calls, 1);
	ck_assert_int_eq(seen.flags, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS);
	/* any other event id ends the dispatch with CS_ERR_LIBRARY */
	srv.event_id = MESSAGE_RES_CFG_TRYSHUTDOWN;
	ck_assert_int_eq(corosync_cfg_trackstart(h, 0), CS_OK);
	ck_assert_int_eq(corosync_cfg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_LIBRARY);
	ck_assert_int_eq(seen.calls, 1);
	ck_assert_int_eq(corosync_cfg_finalize(h), CS_OK);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libcfg_fakesrv");
	TCase *tc;

	add_tcase(s, tc, test_ring_status);
	add_tcase(s, tc, test_node_status);
	add_tcase(s, tc, test_kill_node);
	add_tcase(s, tc, test_shutdown_calls);
	add_tcase(s, tc, test_trackstart_event);
	return check_run_suite(s);
}
