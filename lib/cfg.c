/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcfg.so.7: the corosync 3.1.7 cfg client API over libqb IPC
 * (corosync v3.1.7 lib/cfg.c).  Owns the per-process handle table and one IPC
 * connection per handle.  Never logs.
 *
 * Every function of corosync's libcfg.so.7 with its symbol version; where
 * corosync's library has a bug that a caller could trip over, the
 * difference is named at the function and in docs/compat.md.
 *
 * Invariants: output parameters are written only on CS_OK (get_node_addrs
 * also sets *num_addrs = 0 when the daemon answers with an error, as
 * corosync's library effectively does); one request/response exchange at a
 * time per connection (req_lock); callbacks run with no library lock held,
 * so they may call any cfg function, even finalize.  The handle table is
 * process-wide state by necessity: handles are plain integers shared by
 * every caller in the process.  The handle, connection and dispatch
 * skeleton is lib/ipc_client.c, shared with libquorum and libvotequorum.
 */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <corosync/corotypes.h>
#include <corosync/cfg.h>
#include <corosync/ipc_cfg.h>

#include "lib/ipc_client.h"

#define CS_EXPORT __attribute__((visibility("default")))

struct cfg_inst {
	struct ipcc ipc;                  /* first: the shared skeleton's part */
	corosync_cfg_callbacks_t callbacks;
};

QB_HDB_DECLARE(cfg_handle_db, ipcc_destructor);

static cs_error_t cfg_inst_get(corosync_cfg_handle_t handle, struct cfg_inst **ret_inst)
{
	return ipcc_get(&cfg_handle_db, handle, (struct ipcc **)ret_inst);
}

static void cfg_inst_put(corosync_cfg_handle_t handle)
{
	ipcc_put(&cfg_handle_db, handle);
}

static cs_error_t cfg_call(struct cfg_inst *inst, const struct iovec *iov, unsigned int iov_len,
			   void *res, size_t res_size, size_t *ret_received)
{
	return ipcc_call(&inst->ipc, iov, iov_len, res, res_size, ret_received);
}

/* ---------------------------------------------------------------- lifecycle */

CS_EXPORT cs_error_t corosync_cfg_initialize(corosync_cfg_handle_t *cfg_handle,
					     const corosync_cfg_callbacks_t *cfg_callbacks)
{
	struct ipcc *ipc;
	uint64_t h;
	cs_error_t err;

	if (!cfg_handle)
		return CS_ERR_INVALID_PARAM;
	/* Connecting sends no request (corosync-cpgtool relies on nothing more). */
	err = ipcc_create(&cfg_handle_db, sizeof(struct cfg_inst), "cfg", &h, &ipc);
	if (err != CS_OK)
		return err;
	if (cfg_callbacks)
		((struct cfg_inst *)ipc)->callbacks = *cfg_callbacks;
	cfg_inst_put(h);
	*cfg_handle = h;
	return CS_OK;
}

CS_EXPORT cs_error_t corosync_cfg_finalize(corosync_cfg_handle_t cfg_handle)
{
	return ipcc_finalize(&cfg_handle_db, cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_fd_get(corosync_cfg_handle_t cfg_handle, int32_t *selection_fd)
{
	return ipcc_fd_get(&cfg_handle_db, cfg_handle, selection_fd);
}

/* ----------------------------------------------------------------- dispatch */

/* Validate one received event and run its callback; CS_ERR_LIBRARY if it is not TESTSHUTDOWN. */
static cs_error_t cfg_event_deliver(uint64_t handle, struct ipcc *ipc, uint8_t *buf,
				    size_t len)
{
	struct cfg_inst *inst = (struct cfg_inst *)ipc;
	struct res_lib_cfg_testshutdown ev;
	corosync_cfg_shutdown_callback_t cb;

	if (len < sizeof(struct qb_ipc_response_header))
		return CS_ERR_LIBRARY;
	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, buf, len < sizeof(ev) ? len : sizeof(ev));
	if (ev.header.id != MESSAGE_RES_CFG_TESTSHUTDOWN || len < sizeof(ev))
		return CS_ERR_LIBRARY;

	cb = inst->callbacks.corosync_cfg_shutdown_callback;   /* fixed at initialize */
	if (cb)
		cb(handle, (corosync_cfg_shutdown_flags_t)ev.flags);
	return CS_OK;
}

CS_EXPORT cs_error_t corosync_cfg_dispatch(corosync_cfg_handle_t cfg_handle,
					   cs_dispatch_flags_t dispatch_flags)
{
	return ipcc_dispatch(&cfg_handle_db, cfg_handle, dispatch_flags, cfg_event_deliver, 0);
}

/* ------------------------------------------------------- node addresses, id */

/*
 * corosync 3.1.7 lib/cfg.c, corosync_cfg_get_node_addrs: each 16-byte slot
 * becomes a sockaddr_in/in6 of the reply's family (port 0; an all-zero slot
 * gets family 0).  Differences (docs/compat.md): *num_addrs is the number of
 * entries written, never more than max_addrs or than the reply holds
 * (corosync reports the daemon's count even when it wrote fewer), and each
 * entry is zeroed before it is filled.
 */
CS_EXPORT cs_error_t corosync_cfg_get_node_addrs(corosync_cfg_handle_t cfg_handle,
						 unsigned int nodeid, size_t max_addrs,
						 int *num_addrs, corosync_cfg_node_address_t *addrs)
{
	struct req_lib_cfg_get_node_addrs req;
	struct res_lib_cfg_get_node_addrs res;
	struct cfg_inst *inst;
	struct iovec iov;
	uint8_t *buf;
	size_t received = 0, n;
	cs_error_t err;

	if (!num_addrs || (!addrs && max_addrs > 0))
		return CS_ERR_INVALID_PARAM;
	err = cfg_inst_get(cfg_handle, &inst);
	if (err != CS_OK)
		return err;
	/* The whole IPC buffer: a reply larger than the receive buffer would wedge the ring. */
	buf = malloc(CHORUS_IPC_BUFFER_SIZE);
	if (!buf) {
		cfg_inst_put(cfg_handle);
		return CS_ERR_NO_MEMORY;
	}

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_GET_NODE_ADDRS;
	req.header.size = sizeof(req);
	req.nodeid = nodeid;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cfg_call(inst, &iov, 1, buf, CHORUS_IPC_BUFFER_SIZE, &received);
	cfg_inst_put(cfg_handle);

	if (received < sizeof(res)) {
		/* transport error, or a reply too short to carry a count */
		free(buf);
		if (err == CS_OK)
			err = CS_ERR_MESSAGE_ERROR;
		if (received >= sizeof(struct qb_ipc_response_header))
			*num_addrs = 0;
		return err;
	}
	memcpy(&res, buf, sizeof(res));
	if (err != CS_OK) {
		free(buf);
		*num_addrs = 0;
		return err;
	}

	n = res.num_addrs;
	if (n > (received - sizeof(res)) / CFG_WIRE_ADDRLEN)
		n = (received - sizeof(res)) / CFG_WIRE_ADDRLEN;
	if (n > max_addrs)
		n = max_addrs;
	for (size_t i = 0; i < n; i++) {
		static const uint8_t zero[CFG_WIRE_ADDRLEN];
		const uint8_t *slot = buf + sizeof(res) + i * CFG_WIRE_ADDRLEN;
		bool empty = memcmp(slot, zero, sizeof(zero)) == 0;

		memset(&addrs[i], 0, sizeof(addrs[i]));
		if (res.family == AF_INET) {
			struct sockaddr_in sin;

			memset(&sin, 0, sizeof(sin));
			sin.sin_family = empty ? 0 : AF_INET;
			memcpy(&sin.sin_addr, slot, sizeof(sin.sin_addr));
			memcpy(addrs[i].address, &sin, sizeof(sin));
			addrs[i].address_length = sizeof(sin);
		} else if (res.family == AF_INET6) {
			struct sockaddr_in6 sin6;

			memset(&sin6, 0, sizeof(sin6));
			sin6.sin6_family = empty ? 0 : AF_INET6;
			memcpy(&sin6.sin6_addr, slot, sizeof(sin6.sin6_addr));
			memcpy(addrs[i].address, &sin6, sizeof(sin6));
			addrs[i].address_length = sizeof(sin6);
		}
	}
	free(buf);
	*num_addrs = (int)n;
	return CS_OK;
}

CS_EXPORT cs_error_t corosync_cfg_local_get(corosync_cfg_handle_t handle,
					    unsigned int *local_nodeid)
{
	struct res_lib_cfg_local_get res;
	struct qb_ipc_request_header req;
	struct cfg_inst *inst;
	struct iovec iov;
	size_t received = 0;
	cs_error_t err;

	if (!local_nodeid)
		return CS_ERR_INVALID_PARAM;
	err = cfg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	memset(&req, 0, sizeof(req));
	req.id = MESSAGE_REQ_CFG_LOCAL_GET;
	req.size = sizeof(req);
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cfg_call(inst, &iov, 1, &res, sizeof(res), &received);
	cfg_inst_put(handle);
	if (err != CS_OK)
		return err;
	if (received < sizeof(res))
		return CS_ERR_MESSAGE_ERROR;
	*local_nodeid = res.local_nodeid;
	return CS_OK;
}

/*
 * One exchange where only the transport's verdict matters (corosync's
 * qb_to_cs_error(qb_ipcc_sendv_recv(...))): CS_OK once a reply of at least
 * a response header came back, whatever its header.error.
 */
static cs_error_t cfg_call_transport(struct cfg_inst *inst, const void *req, size_t req_size,
				     void *res, size_t res_size, size_t *ret_received)
{
	struct iovec iov = { .iov_base = (void *)req, .iov_len = req_size };
	size_t received = 0;
	cs_error_t err = cfg_call(inst, &iov, 1, res, res_size, &received);

	if (ret_received)
		*ret_received = received;
	if (received >= sizeof(struct qb_ipc_response_header))
		return CS_OK;
	return err != CS_OK ? err : CS_ERR_MESSAGE_ERROR;
}

/* A header-only (or small fixed) request whose reply's header.error is the result. */
static cs_error_t cfg_simple(corosync_cfg_handle_t handle, const void *req, size_t req_size,
			     void *res, size_t res_size)
{
	struct cfg_inst *inst;
	cs_error_t err = cfg_inst_get(handle, &inst);

	if (err != CS_OK)
		return err;
	err = ipcc_call_fixed(&inst->ipc, req, req_size, res, res_size);
	cfg_inst_put(handle);
	return err;
}

/* ------------------------------------------------------- ring and node status */

static void cfg_strv_free(char **v, unsigned int n)
{
	if (!v)
		return;
	for (unsigned int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * corosync 3.1.7 lib/cfg.c, corosync_cfg_ring_status_get: the reply's
 * header.error is not looked at (the daemon always sends every field), and
 * the caller gets two malloc'ed arrays of interface_count malloc'ed strings,
 * which it frees (each string, then the array).  Difference (docs/compat.md):
 * a count above CFG_MAX_INTERFACES is cut to it instead of read past the
 * reply, and nothing is written or leaked when an allocation fails.
 */
CS_EXPORT cs_error_t corosync_cfg_ring_status_get(corosync_cfg_handle_t cfg_handle,
						  char ***interface_names, char ***status,
						  unsigned int *interface_count)
{
	struct res_lib_cfg_ringstatusget *res;
	struct req_lib_cfg_header_only req;
	struct cfg_inst *inst;
	char **names = NULL, **stat = NULL;
	size_t received = 0;
	unsigned int n, i;
	cs_error_t err;

	if (!interface_names || !status || !interface_count)
		return CS_ERR_INVALID_PARAM;
	err = cfg_inst_get(cfg_handle, &inst);
	if (err != CS_OK)
		return err;
	res = malloc(sizeof(*res));
	if (!res) {
		cfg_inst_put(cfg_handle);
		return CS_ERR_NO_MEMORY;
	}
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_RINGSTATUSGET;
	req.header.size = sizeof(req);
	err = cfg_call_transport(inst, &req, sizeof(req), res, sizeof(*res), &received);
	cfg_inst_put(cfg_handle);
	if (err == CS_OK && received < sizeof(*res))
		err = CS_ERR_MESSAGE_ERROR;
	if (err != CS_OK) {
		free(res);
		return err;
	}
	n = res->interface_count < CFG_MAX_INTERFACES ? res->interface_count : CFG_MAX_INTERFACES;
	/* calloc(0) may be NULL: ask for one slot so that a zero count still succeeds */
	names = calloc(n ? n : 1, sizeof(*names));
	stat = calloc(n ? n : 1, sizeof(*stat));
	if (!names || !stat)
		goto nomem;
	for (i = 0; i < n; i++) {
		names[i] = strndup(res->interface_name[i], CFG_INTERFACE_NAME_MAX_LEN - 1);
		stat[i] = strndup(res->interface_status[i], CFG_INTERFACE_STATUS_MAX_LEN - 1);
		if (!names[i] || !stat[i])
			goto nomem;
	}
	free(res);
	*interface_names = names;
	*status = stat;
	*interface_count = n;
	return CS_OK;
nomem:
	cfg_strv_free(names, n);
	cfg_strv_free(stat, n);
	free(res);
	return CS_ERR_NO_MEMORY;
}

/*
 * corosync 3.1.7 lib/cfg.c, corosync_cfg_node_status_get: only version 1
 * is known here (others: CS_ERR_INVALID_PARAM before any exchange); a reply
 * that carries another version is CS_ERR_NOT_SUPPORTED; node_status is
 * written only on CS_OK.
 */
CS_EXPORT cs_error_t corosync_cfg_node_status_get(corosync_cfg_handle_t cfg_handle,
						  unsigned int nodeid,
						  corosync_cfg_node_status_version_t version,
						  void *node_status)
{
	struct req_lib_cfg_nodestatusget req;
	struct res_lib_cfg_nodestatusget_v1 *res;
	struct cfg_inst *inst;
	size_t received = 0;
	struct iovec iov;
	cs_error_t err;

	if (!node_status || version != CFG_NODE_STATUS_V1)
		return CS_ERR_INVALID_PARAM;
	err = cfg_inst_get(cfg_handle, &inst);
	if (err != CS_OK)
		return err;
	res = calloc(1, sizeof(*res));
	if (!res) {
		cfg_inst_put(cfg_handle);
		return CS_ERR_NO_MEMORY;
	}
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_NODESTATUSGET;
	req.header.size = sizeof(req);
	req.nodeid = nodeid;
	req.version = version;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cfg_call(inst, &iov, 1, res, sizeof(*res), &received);
	cfg_inst_put(cfg_handle);
	if (err == CS_OK) {
		/* the version sits at offset 24 in both the short and the full form */
		if (received < sizeof(struct res_lib_cfg_nodestatusget_version))
			err = CS_ERR_MESSAGE_ERROR;
		else if (res->node_status.version != version)
			err = CS_ERR_NOT_SUPPORTED;
		else if (received < sizeof(*res))
			err = CS_ERR_MESSAGE_ERROR;
	}
	if (err == CS_OK)
		memcpy(node_status, &res->node_status, sizeof(res->node_status));
	free(res);
	return err;
}

/* ------------------------------------------------------------ kill, shutdown */

/*
 * corosync 3.1.7 lib/cfg.c, corosync_cfg_kill_node: a reason of 256 bytes
 * or more is CS_ERR_NAME_TOO_LONG before anything is sent; its length on
 * the wire counts the NUL.  Difference: a NULL reason is
 * CS_ERR_INVALID_PARAM (corosync crashes), and a transport failure is
 * returned as such (corosync returns an uninitialised header.error).
 */
CS_EXPORT cs_error_t corosync_cfg_kill_node(corosync_cfg_handle_t cfg_handle, unsigned int nodeid,
					    const char *reason)
{
	struct req_lib_cfg_killnode req;
	struct res_lib_cfg_header_only res;
	size_t len;

	if (!reason)
		return CS_ERR_INVALID_PARAM;
	len = strlen(reason);
	if (len >= CS_MAX_NAME_LENGTH)
		return CS_ERR_NAME_TOO_LONG;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_KILLNODE;
	req.header.size = sizeof(req);
	req.nodeid = nodeid;
	memcpy(req.reason.value, reason, len + 1);
	req.reason.length = (uint16_t)(len + 1);
	return cfg_simple(cfg_handle, &req, sizeof(req), &res, sizeof(res));
}

CS_EXPORT cs_error_t corosync_cfg_trackstart(corosync_cfg_handle_t cfg_handle, uint8_t track_flags)
{
	struct req_lib_cfg_trackstart req;
	struct res_lib_cfg_header_only res;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_TRACKSTART;
	req.header.size = sizeof(req);
	req.track_flags = track_flags;
	return cfg_simple(cfg_handle, &req, sizeof(req), &res, sizeof(res));
}

CS_EXPORT cs_error_t corosync_cfg_trackstop(corosync_cfg_handle_t cfg_handle)
{
	struct req_lib_cfg_header_only req;
	struct res_lib_cfg_header_only res;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_TRACKSTOP;
	req.header.size = sizeof(req);
	return cfg_simple(cfg_handle, &req, sizeof(req), &res, sizeof(res));
}

/* The reply waits for the negotiation (up to cfg.shutdown_timeout in the daemon). */
CS_EXPORT cs_error_t corosync_cfg_try_shutdown(corosync_cfg_handle_t cfg_handle,
					       corosync_cfg_shutdown_flags_t flags)
{
	struct req_lib_cfg_tryshutdown req;
	struct res_lib_cfg_header_only res;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_TRYSHUTDOWN;
	req.header.size = sizeof(req);
	req.flags = (uint32_t)flags;
	return cfg_simple(cfg_handle, &req, sizeof(req), &res, sizeof(res));
}

/*
 * corosync 3.1.7 lib/cfg.c, corosync_cfg_replyto_shutdown returns only the
 * transport's verdict, never the reply's header.error (CS_ERR_ACCESS when
 * no negotiation runs is not seen).  Difference: corosync never releases
 * the handle reference it takes here; this does.
 */
CS_EXPORT cs_error_t corosync_cfg_replyto_shutdown(corosync_cfg_handle_t cfg_handle,
						   corosync_cfg_shutdown_reply_flags_t flags)
{
	struct req_lib_cfg_replytoshutdown req;
	struct res_lib_cfg_header_only res;
	struct cfg_inst *inst;
	cs_error_t err;

	err = cfg_inst_get(cfg_handle, &inst);
	if (err != CS_OK)
		return err;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_REPLYTOSHUTDOWN;
	req.header.size = sizeof(req);
	req.response = (uint32_t)flags;
	err = cfg_call_transport(inst, &req, sizeof(req), &res, sizeof(res), NULL);
	cfg_inst_put(cfg_handle);
	return err;
}

/* ---------------------------------------------------------- reload, log files */

CS_EXPORT cs_error_t corosync_cfg_reload_config(corosync_cfg_handle_t handle)
{
	struct req_lib_cfg_header_only req;
	struct res_lib_cfg_header_only res;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_RELOAD_CONFIG;
	req.header.size = sizeof(req);
	return cfg_simple(handle, &req, sizeof(req), &res, sizeof(res));
}

CS_EXPORT cs_error_t corosync_cfg_reopen_log_files(corosync_cfg_handle_t handle)
{
	struct req_lib_cfg_header_only req;
	struct res_lib_cfg_header_only res;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_REOPEN_LOG_FILES;
	req.header.size = sizeof(req);
	return cfg_simple(handle, &req, sizeof(req), &res, sizeof(res));
}
