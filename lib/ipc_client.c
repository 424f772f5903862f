/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client libraries' shared handle/connection/dispatch skeleton (see
 * ipc_client.h).  Never logs; every result is a cs_error_t.
 */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/ipc_common.h>

#include "lib/ipc_client.h"

/* A blocking dispatch re-checks for a concurrent finalize this often. */
#define IPCC_DISPATCH_SLICE_MS 200

void ipcc_destructor(void *instance)
{
	struct ipcc *inst = instance;

	if (!inst)
		return;
	if (inst->c)
		qb_ipcc_disconnect(inst->c);
	inst->c = NULL;
	free(atomic_exchange(&inst->evbuf, NULL));
	pthread_mutex_destroy(&inst->req_lock);
	pthread_mutex_destroy(&inst->dispatch_lock);
	pthread_mutex_destroy(&inst->ctx_lock);
}

cs_error_t ipcc_get(struct qb_hdb *db, uint64_t handle, struct ipcc **ret_inst)
{
	void *p = NULL;
	cs_error_t err = hdb_error_to_cs(qb_hdb_handle_get(db, handle, &p));

	if (err == CS_OK)
		*ret_inst = p;
	return err;
}

void ipcc_put(struct qb_hdb *db, uint64_t handle)
{
	(void)qb_hdb_handle_put(db, handle);
}

cs_error_t ipcc_create(struct qb_hdb *db, size_t inst_size, const char *service,
		       uint64_t *ret_handle, struct ipcc **ret_inst)
{
	struct ipcc *inst;
	qb_handle_t h;
	cs_error_t err;
	int saved_errno;

	err = hdb_error_to_cs(qb_hdb_handle_create(db, (int32_t)inst_size, &h));
	if (err != CS_OK)
		return err;
	err = ipcc_get(db, h, &inst);
	if (err != CS_OK) {
		(void)qb_hdb_handle_destroy(db, h);
		return err;
	}
	/* qb_hdb hands out zeroed memory */
	pthread_mutex_init(&inst->req_lock, NULL);
	pthread_mutex_init(&inst->dispatch_lock, NULL);
	pthread_mutex_init(&inst->ctx_lock, NULL);
	errno = 0;
	inst->c = qb_ipcc_connect(service, CHORUS_IPC_BUFFER_SIZE);
	saved_errno = errno;
	if (!inst->c) {
		err = saved_errno > 0 ? qb_to_cs_error(-saved_errno) : CS_ERR_LIBRARY;
		if (err == CS_OK)
			err = CS_ERR_LIBRARY;
		ipcc_put(db, h);
		(void)qb_hdb_handle_destroy(db, h);
		return err;
	}
	/* without its fd the handle could never be polled: fail now, not later */
	if (qb_ipcc_fd_get(inst->c, &inst->fd) < 0) {
		qb_ipcc_disconnect(inst->c);
		inst->c = NULL;
		ipcc_put(db, h);
		(void)qb_hdb_handle_destroy(db, h);
		return CS_ERR_LIBRARY;
	}
	*ret_handle = h;
	*ret_inst = inst;
	return CS_OK;
}

bool ipcc_disconnect(struct ipcc *inst)
{
	bool was = false;

	/* Both locks: no exchange and no event read may be using the connection. */
	pthread_mutex_lock(&inst->dispatch_lock);
	pthread_mutex_lock(&inst->req_lock);
	if (inst->c) {
		qb_ipcc_disconnect(inst->c);
		inst->c = NULL;
		was = true;
	}
	pthread_mutex_unlock(&inst->req_lock);
	pthread_mutex_unlock(&inst->dispatch_lock);
	return was;
}

cs_error_t ipcc_finalize(struct qb_hdb *db, uint64_t handle)
{
	struct ipcc *inst;
	cs_error_t err = ipcc_get(db, handle, &inst);

	if (err != CS_OK)
		return err;
	if (!ipcc_disconnect(inst)) {
		/* another thread is finalizing this handle */
		ipcc_put(db, handle);
		return CS_ERR_BAD_HANDLE;
	}
	(void)qb_hdb_handle_destroy(db, handle);
	ipcc_put(db, handle);
	return CS_OK;
}

cs_error_t ipcc_fd_get(struct qb_hdb *db, uint64_t handle, int *fd)
{
	struct ipcc *inst;
	cs_error_t err;

	if (!fd)
		return CS_ERR_INVALID_PARAM;
	err = ipcc_get(db, handle, &inst);
	if (err != CS_OK)
		return err;
	*fd = inst->fd;
	ipcc_put(db, handle);
	return CS_OK;
}

cs_error_t ipcc_context_set(struct qb_hdb *db, uint64_t handle, const void *context)
{
	struct ipcc *inst;
	cs_error_t err = ipcc_get(db, handle, &inst);

	if (err != CS_OK)
		return err;
	pthread_mutex_lock(&inst->ctx_lock);
	inst->context = context;
	pthread_mutex_unlock(&inst->ctx_lock);
	ipcc_put(db, handle);
	return CS_OK;
}

cs_error_t ipcc_context_get(struct qb_hdb *db, uint64_t handle, const void **context)
{
	struct ipcc *inst;
	cs_error_t err;

	if (!context)
		return CS_ERR_INVALID_PARAM;
	err = ipcc_get(db, handle, &inst);
	if (err != CS_OK)
		return err;
	pthread_mutex_lock(&inst->ctx_lock);
	*context = inst->context;
	pthread_mutex_unlock(&inst->ctx_lock);
	ipcc_put(db, handle);
	return CS_OK;
}

cs_error_t ipcc_call(struct ipcc *inst, const struct iovec *iov, unsigned int iovcnt, void *res,
		     size_t res_size, size_t *ret_received)
{
	ssize_t r;

	memset(res, 0, res_size);
	pthread_mutex_lock(&inst->req_lock);
	if (!inst->c)
		r = -EBADF;
	else
		r = qb_ipcc_sendv_recv(inst->c, iov, iovcnt, res, res_size, CS_IPC_TIMEOUT_MS);
	pthread_mutex_unlock(&inst->req_lock);
	if (r < 0)
		return qb_to_cs_error((int)r);
	if ((size_t)r < sizeof(struct qb_ipc_response_header))
		return CS_ERR_MESSAGE_ERROR;
	if (ret_received)
		*ret_received = (size_t)r;
	return (cs_error_t)((struct qb_ipc_response_header *)res)->error;
}

cs_error_t ipcc_call_fixed(struct ipcc *inst, const void *req, size_t req_size, void *res,
			   size_t res_size)
{
	struct iovec iov = { .iov_base = (void *)req, .iov_len = req_size };
	size_t received = 0;
	cs_error_t err = ipcc_call(inst, &iov, 1, res, res_size, &received);

	if (err == CS_OK && received < res_size)
		return CS_ERR_MESSAGE_ERROR;
	return err;
}

cs_error_t ipcc_dispatch(struct qb_hdb *db, uint64_t handle, cs_dispatch_flags_t flags,
			 ipcc_event_fn fn, unsigned int opts)
{
	struct ipcc *inst;
	uint8_t *buf;
	bool wait, once;
	unsigned int delivered = 0;
	cs_error_t err;

	switch (flags) {
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
	err = ipcc_get(db, handle, &inst);
	if (err != CS_OK)
		return err;
	/* events are at most one IPC buffer; the kept one unless another thread has it */
	buf = atomic_exchange(&inst->evbuf, NULL);
	if (!buf && !(buf = malloc(CHORUS_IPC_BUFFER_SIZE))) {
		ipcc_put(db, handle);
		return CS_ERR_NO_MEMORY;
	}
	for (;;) {
		ssize_t r;

		pthread_mutex_lock(&inst->dispatch_lock);
		if (!inst->c) {
			/* finalized from a callback or another thread: corosync's libraries say BAD_HANDLE */
			pthread_mutex_unlock(&inst->dispatch_lock);
			err = delivered && (opts & IPCC_OK_AFTER_DELIVERY) ? CS_OK : CS_ERR_BAD_HANDLE;
			break;
		}
		r = qb_ipcc_event_recv(inst->c, buf, CHORUS_IPC_BUFFER_SIZE,
				       wait ? IPCC_DISPATCH_SLICE_MS : 0);
		pthread_mutex_unlock(&inst->dispatch_lock);
		if (r < 0) {
			err = qb_to_cs_error((int)r);
			if (err == CS_ERR_BAD_HANDLE) {
				err = CS_OK;
				break;
			}
			if (err == CS_ERR_TRY_AGAIN) {
				if (flags == CS_DISPATCH_ONE_NONBLOCKING)
					break;
				err = CS_OK;
				if (!wait)
					break;
				continue;
			}
			break;
		}
		err = fn(handle, inst, buf, (size_t)r);
		if (err != CS_OK)
			break;
		delivered++;
		if (once)
			break;
	}
	{
		uint8_t *none = NULL;

		if (!atomic_compare_exchange_strong(&inst->evbuf, &none, buf))
			free(buf);
	}
	ipcc_put(db, handle);
	return err;
}
