/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcfg.so.7: the corosync 3.1.7 cfg client API over libqb IPC
 * (corosync v3.1.7 lib/cfg.c).  Owns the per-process handle table and one IPC
 * connection per handle.  Never logs.
 *
 * Implemented now: initialize, finalize, fd_get, dispatch (the TESTSHUTDOWN
 * callback), get_node_addrs and local_get.  The other exported functions
 * exist with corosync's signatures and symbol versions but return
 * CS_ERR_NOT_SUPPORTED without contacting the daemon: the full library
 * comes with the cfg issue.
 *
 * Invariants: output parameters are written only on CS_OK (get_node_addrs
 * also sets *num_addrs = 0 when the daemon answers with an error, as
 * corosync's library effectively does); one request/response exchange at a
 * time per connection (req_lock); callbacks run with no library lock held,
 * so they may call any cfg function, even finalize.  The handle table is
 * process-wide state by necessity: handles are plain integers shared by
 * every caller in the process.
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

#include <qb/qbhdb.h>
#include <qb/qbipcc.h>

#include <corosync/corotypes.h>
#include <corosync/cfg.h>
#include <corosync/ipc_cfg.h>

#define CS_EXPORT __attribute__((visibility("default")))

/* A blocking dispatch re-checks for a concurrent corosync_cfg_finalize() this often. */
#define CFG_DISPATCH_SLICE_MS 200

struct cfg_inst {
	qb_ipcc_connection_t *c;          /* NULL once finalized */
	corosync_cfg_callbacks_t callbacks;
	pthread_mutex_t req_lock;         /* serialises request/response exchanges */
	pthread_mutex_t dispatch_lock;    /* serialises event reads */
};

static void cfg_inst_destructor(void *instance);

QB_HDB_DECLARE(cfg_handle_db, cfg_inst_destructor);

static void cfg_inst_destructor(void *instance)
{
	struct cfg_inst *inst = instance;

	if (!inst)
		return;
	if (inst->c)
		qb_ipcc_disconnect(inst->c);
	pthread_mutex_destroy(&inst->req_lock);
	pthread_mutex_destroy(&inst->dispatch_lock);
}

static cs_error_t cfg_inst_get(corosync_cfg_handle_t handle, struct cfg_inst **ret_inst)
{
	void *p = NULL;
	cs_error_t err = hdb_error_to_cs(qb_hdb_handle_get(&cfg_handle_db, handle, &p));

	if (err == CS_OK)
		*ret_inst = p;
	return err;
}

static void cfg_inst_put(corosync_cfg_handle_t handle)
{
	(void)qb_hdb_handle_put(&cfg_handle_db, handle);
}

/*
 * One request/response exchange.  The reply's header.error is the result
 * when the transport succeeded; ret_received (optional) gets the byte count.
 */
static cs_error_t cfg_call(struct cfg_inst *inst, const struct iovec *iov, unsigned int iov_len,
			   void *res, size_t res_size, size_t *ret_received)
{
	ssize_t r;

	memset(res, 0, res_size);
	pthread_mutex_lock(&inst->req_lock);
	if (!inst->c)
		r = -EBADF;
	else
		r = qb_ipcc_sendv_recv(inst->c, iov, iov_len, res, res_size, CS_IPC_TIMEOUT_MS);
	pthread_mutex_unlock(&inst->req_lock);

	if (r < 0)
		return qb_to_cs_error((int)r);
	if ((size_t)r < sizeof(struct qb_ipc_response_header))
		return CS_ERR_MESSAGE_ERROR;
	if (ret_received)
		*ret_received = (size_t)r;
	return (cs_error_t)((struct qb_ipc_response_header *)res)->error;
}

/* For the functions that are not implemented yet: a valid handle, then NOT_SUPPORTED. */
static cs_error_t cfg_not_supported(corosync_cfg_handle_t handle)
{
	struct cfg_inst *inst;
	cs_error_t err = cfg_inst_get(handle, &inst);

	if (err != CS_OK)
		return err;
	cfg_inst_put(handle);
	return CS_ERR_NOT_SUPPORTED;
}

/* ---------------------------------------------------------------- lifecycle */

CS_EXPORT cs_error_t corosync_cfg_initialize(corosync_cfg_handle_t *cfg_handle,
					     const corosync_cfg_callbacks_t *cfg_callbacks)
{
	struct cfg_inst *inst;
	qb_handle_t h;
	cs_error_t err;
	int saved_errno;

	if (!cfg_handle)
		return CS_ERR_INVALID_PARAM;

	err = hdb_error_to_cs(qb_hdb_handle_create(&cfg_handle_db, sizeof(*inst), &h));
	if (err != CS_OK)
		return err;
	err = cfg_inst_get(h, &inst);
	if (err != CS_OK) {
		(void)qb_hdb_handle_destroy(&cfg_handle_db, h);
		return err;
	}

	/* qb_hdb hands out zeroed memory */
	pthread_mutex_init(&inst->req_lock, NULL);
	pthread_mutex_init(&inst->dispatch_lock, NULL);
	if (cfg_callbacks)
		inst->callbacks = *cfg_callbacks;

	/* Connecting sends no request (corosync-cpgtool relies on nothing more). */
	errno = 0;
	inst->c = qb_ipcc_connect("cfg", CHORUS_IPC_BUFFER_SIZE);
	saved_errno = errno;
	if (!inst->c) {
		err = saved_errno > 0 ? qb_to_cs_error(-saved_errno) : CS_ERR_LIBRARY;
		if (err == CS_OK)
			err = CS_ERR_LIBRARY;
		cfg_inst_put(h);
		(void)qb_hdb_handle_destroy(&cfg_handle_db, h);
		return err;
	}

	cfg_inst_put(h);
	*cfg_handle = h;
	return CS_OK;
}

CS_EXPORT cs_error_t corosync_cfg_finalize(corosync_cfg_handle_t cfg_handle)
{
	struct cfg_inst *inst;
	cs_error_t err;

	err = cfg_inst_get(cfg_handle, &inst);
	if (err != CS_OK)
		return err;

	/* Both locks: no exchange and no event read may be using the connection. */
	pthread_mutex_lock(&inst->dispatch_lock);
	pthread_mutex_lock(&inst->req_lock);
	if (!inst->c) {
		/* another thread is finalizing this handle */
		pthread_mutex_unlock(&inst->req_lock);
		pthread_mutex_unlock(&inst->dispatch_lock);
		cfg_inst_put(cfg_handle);
		return CS_ERR_BAD_HANDLE;
	}
	qb_ipcc_disconnect(inst->c);
	inst->c = NULL;
	pthread_mutex_unlock(&inst->req_lock);
	pthread_mutex_unlock(&inst->dispatch_lock);

	(void)qb_hdb_handle_destroy(&cfg_handle_db, cfg_handle);
	cfg_inst_put(cfg_handle);
	return CS_OK;
}

CS_EXPORT cs_error_t corosync_cfg_fd_get(corosync_cfg_handle_t cfg_handle, int32_t *selection_fd)
{
	struct cfg_inst *inst;
	cs_error_t err;
	int32_t f = -1;
	int r;

	if (!selection_fd)
		return CS_ERR_INVALID_PARAM;
	err = cfg_inst_get(cfg_handle, &inst);
	if (err != CS_OK)
		return err;
	pthread_mutex_lock(&inst->req_lock);
	r = inst->c ? qb_ipcc_fd_get(inst->c, &f) : -EBADF;
	pthread_mutex_unlock(&inst->req_lock);
	cfg_inst_put(cfg_handle);

	err = qb_to_cs_error(r);
	if (err == CS_OK)
		*selection_fd = f;
	return err;
}

/* ----------------------------------------------------------------- dispatch */

/* Validate one received event and run its callback; CS_ERR_LIBRARY if it is not TESTSHUTDOWN. */
static cs_error_t cfg_event_deliver(corosync_cfg_handle_t handle, struct cfg_inst *inst,
				    const uint8_t *buf, size_t len)
{
	struct res_lib_cfg_testshutdown ev;
	corosync_cfg_shutdown_callback_t cb;

	if (len < sizeof(struct qb_ipc_response_header))
		return CS_ERR_LIBRARY;
	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, buf, len < sizeof(ev) ? len : sizeof(ev));
	if (ev.header.id != MESSAGE_RES_CFG_TESTSHUTDOWN || len < sizeof(ev))
		return CS_ERR_LIBRARY;

	pthread_mutex_lock(&inst->req_lock);
	cb = inst->callbacks.corosync_cfg_shutdown_callback;
	pthread_mutex_unlock(&inst->req_lock);
	if (cb)
		cb(handle, (corosync_cfg_shutdown_flags_t)ev.flags);
	return CS_OK;
}

CS_EXPORT cs_error_t corosync_cfg_dispatch(corosync_cfg_handle_t cfg_handle,
					   cs_dispatch_flags_t dispatch_flags)
{
	struct cfg_inst *inst;
	uint8_t *buf;
	bool wait, once;
	cs_error_t err;

	switch (dispatch_flags) {
	case CS_DISPATCH_ONE:
		wait = true; once = true;
		break;
	case CS_DISPATCH_ALL:
		wait = false; once = false;
		break;
	case CS_DISPATCH_BLOCKING:
		wait = true; once = false;
		break;
	case CS_DISPATCH_ONE_NONBLOCKING:
		wait = false; once = true;
		break;
	default:
		return CS_ERR_INVALID_PARAM;
	}

	err = cfg_inst_get(cfg_handle, &inst);
	if (err != CS_OK)
		return err;
	buf = malloc(CHORUS_IPC_BUFFER_SIZE);
	if (!buf) {
		cfg_inst_put(cfg_handle);
		return CS_ERR_NO_MEMORY;
	}

	for (;;) {
		ssize_t r;

		pthread_mutex_lock(&inst->dispatch_lock);
		if (!inst->c) {
			pthread_mutex_unlock(&inst->dispatch_lock);
			/*
			 * Finalized from a callback of ours or from another
			 * thread: corosync's libcfg also reports BAD_HANDLE then.
			 */
			err = CS_ERR_BAD_HANDLE;
			break;
		}
		r = qb_ipcc_event_recv(inst->c, buf, CHORUS_IPC_BUFFER_SIZE,
				       wait ? CFG_DISPATCH_SLICE_MS : 0);
		pthread_mutex_unlock(&inst->dispatch_lock);

		if (r < 0) {
			err = qb_to_cs_error((int)r);
			if (err == CS_ERR_BAD_HANDLE) {
				err = CS_OK;
				break;
			}
			if (err == CS_ERR_TRY_AGAIN) {
				if (dispatch_flags == CS_DISPATCH_ONE_NONBLOCKING)
					break;
				err = CS_OK;
				if (!wait)
					break;
				continue;
			}
			break;
		}

		err = cfg_event_deliver(cfg_handle, inst, buf, (size_t)r);
		if (err != CS_OK)
			break;
		if (once)
			break;
	}

	free(buf);
	cfg_inst_put(cfg_handle);
	return err;
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

/* ------------------------------------------- not implemented yet (cfg issue) */

CS_EXPORT cs_error_t corosync_cfg_ring_status_get(corosync_cfg_handle_t cfg_handle,
						  char ***interface_names, char ***status,
						  unsigned int *interface_count)
{
	return cfg_not_supported(cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_node_status_get(corosync_cfg_handle_t cfg_handle,
						  unsigned int nodeid,
						  corosync_cfg_node_status_version_t version,
						  void *node_status)
{
	return cfg_not_supported(cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_kill_node(corosync_cfg_handle_t cfg_handle, unsigned int nodeid,
					    const char *reason)
{
	return cfg_not_supported(cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_trackstart(corosync_cfg_handle_t cfg_handle, uint8_t track_flags)
{
	return cfg_not_supported(cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_trackstop(corosync_cfg_handle_t cfg_handle)
{
	return cfg_not_supported(cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_try_shutdown(corosync_cfg_handle_t cfg_handle,
					       corosync_cfg_shutdown_flags_t flags)
{
	return cfg_not_supported(cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_replyto_shutdown(corosync_cfg_handle_t cfg_handle,
						   corosync_cfg_shutdown_reply_flags_t flags)
{
	return cfg_not_supported(cfg_handle);
}

CS_EXPORT cs_error_t corosync_cfg_reload_config(corosync_cfg_handle_t handle)
{
	return cfg_not_supported(handle);
}

CS_EXPORT cs_error_t corosync_cfg_reopen_log_files(corosync_cfg_handle_t handle)
{
	return cfg_not_supported(handle);
}
