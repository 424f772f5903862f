/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvotequorum.so.8: the corosync 3.1.7 votequorum client API over libqb
 * IPC (corosync v3.1.7 lib/votequorum.c).  The handle/connection/dispatch
 * skeleton is lib/ipc_client.c.  Never logs.
 *
 * votequorum_getinfo fills *info from any whole reply, an error reply
 * included (corosync-quorumtool prints the fields of a NOT_EXIST answer).
 * qdevice names must be 1..254 characters (CS_ERR_INVALID_PARAM), as in
 * corosync.  Dispatch accepts the QUORUM, EXPECTEDVOTES and NODELIST events
 * only (CS_ERR_LIBRARY otherwise) and never reads a list past what was
 * received.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/corotypes.h>
#include <corosync/votequorum.h>
#include <corosync/ipc_votequorum.h>

#include "lib/ipc_client.h"

#define CS_EXPORT __attribute__((visibility("default")))

struct votequorum_inst {
	struct ipcc ipc;                  /* first: the shared skeleton's part */
	votequorum_callbacks_t callbacks;
};

QB_HDB_DECLARE(votequorum_handle_db, ipcc_destructor);

static cs_error_t inst_get(votequorum_handle_t handle, struct votequorum_inst **ret)
{
	return ipcc_get(&votequorum_handle_db, handle, (struct ipcc **)ret);
}

static void inst_put(votequorum_handle_t handle)
{
	ipcc_put(&votequorum_handle_db, handle);
}

/* One request answered by the bare STATUS reply. */
static cs_error_t status_call(votequorum_handle_t handle, void *req, size_t size, int32_t id)
{
	struct votequorum_inst *inst;
	struct qb_ipc_request_header *h = req;
	struct res_lib_votequorum_status res;
	cs_error_t err = inst_get(handle, &inst);

	if (err != CS_OK)
		return err;
	h->id = id;
	h->size = (int32_t)size;
	err = ipcc_call_fixed(&inst->ipc, req, size, &res, sizeof(res));
	inst_put(handle);
	return err;
}

static bool name_ok(const char *name)
{
	return name && name[0] && strlen(name) < VOTEQUORUM_QDEVICE_MAX_NAME_LEN;
}

CS_EXPORT cs_error_t votequorum_initialize(votequorum_handle_t *handle,
					   votequorum_callbacks_t *callbacks)
{
	struct ipcc *ipc;
	uint64_t h;
	cs_error_t err;

	if (!handle)
		return CS_ERR_INVALID_PARAM;
	err = ipcc_create(&votequorum_handle_db, sizeof(struct votequorum_inst), "votequorum", &h,
			  &ipc);
	if (err != CS_OK)
		return err;
	if (callbacks)
		((struct votequorum_inst *)ipc)->callbacks = *callbacks;
	inst_put(h);
	*handle = h;
	return CS_OK;
}

CS_EXPORT cs_error_t votequorum_finalize(votequorum_handle_t handle)
{
	return ipcc_finalize(&votequorum_handle_db, handle);
}

CS_EXPORT cs_error_t votequorum_fd_get(votequorum_handle_t handle, int *fd)
{
	return ipcc_fd_get(&votequorum_handle_db, handle, fd);
}

CS_EXPORT cs_error_t votequorum_context_get(votequorum_handle_t handle, void **context)
{
	return ipcc_context_get(&votequorum_handle_db, handle, (const void **)context);
}

CS_EXPORT cs_error_t votequorum_context_set(votequorum_handle_t handle, void *context)
{
	return ipcc_context_set(&votequorum_handle_db, handle, context);
}

CS_EXPORT cs_error_t votequorum_getinfo(votequorum_handle_t handle, unsigned int nodeid,
					struct votequorum_info *info)
{
	struct votequorum_inst *inst;
	struct req_lib_votequorum_getinfo req;
	struct res_lib_votequorum_getinfo res;
	struct iovec iov = { .iov_base = &req, .iov_len = sizeof(req) };
	size_t received = 0;
	cs_error_t err;

	if (!info)
		return CS_ERR_INVALID_PARAM;
	err = inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_VOTEQUORUM_GETINFO;
	req.header.size = sizeof(req);
	req.nodeid = (int32_t)nodeid;
	err = ipcc_call(&inst->ipc, &iov, 1, &res, sizeof(res), &received);
	inst_put(handle);
	if (received < sizeof(res))
		return err == CS_OK ? CS_ERR_MESSAGE_ERROR : err;
	info->node_id = res.nodeid;
	info->node_state = res.state;
	info->node_votes = res.votes;
	info->node_expected_votes = res.expected_votes;
	info->highest_expected = res.highest_expected;
	info->total_votes = res.total_votes;
	info->quorum = res.quorum;
	info->flags = res.flags;
	info->qdevice_votes = res.qdevice_votes;
	memset(info->qdevice_name, 0, sizeof(info->qdevice_name));
	memcpy(info->qdevice_name, res.qdevice_name, sizeof(info->qdevice_name) - 1);
	return err;
}

CS_EXPORT cs_error_t votequorum_setexpected(votequorum_handle_t handle, unsigned int expected_votes)
{
	struct req_lib_votequorum_setexpected req;

	memset(&req, 0, sizeof(req));
	req.expected_votes = expected_votes;
	return status_call(handle, &req, sizeof(req), MESSAGE_REQ_VOTEQUORUM_SETEXPECTED);
}

CS_EXPORT cs_error_t votequorum_setvotes(votequorum_handle_t handle, unsigned int nodeid,
					 unsigned int votes)
{
	struct req_lib_votequorum_setvotes req;

	memset(&req, 0, sizeof(req));
	req.nodeid = (int32_t)nodeid;
	req.votes = votes;
	return status_call(handle, &req, sizeof(req), MESSAGE_REQ_VOTEQUORUM_SETVOTES);
}

CS_EXPORT cs_error_t votequorum_trackstart(votequorum_handle_t handle, uint64_t context,
					   unsigned int flags)
{
	struct req_lib_votequorum_trackstart req;

	memset(&req, 0, sizeof(req));
	req.context = context;
	req.track_flags = flags;
	return status_call(handle, &req, sizeof(req), MESSAGE_REQ_VOTEQUORUM_TRACKSTART);
}

CS_EXPORT cs_error_t votequorum_trackstop(votequorum_handle_t handle)
{
	struct req_lib_votequorum_general req;

	memset(&req, 0, sizeof(req));
	return status_call(handle, &req, sizeof(req), MESSAGE_REQ_VOTEQUORUM_TRACKSTOP);
}

static cs_error_t name_call(votequorum_handle_t handle, const char *name, int32_t id)
{
	struct req_lib_votequorum_qdevice_register req;

	if (!name_ok(name))
		return CS_ERR_INVALID_PARAM;
	memset(&req, 0, sizeof(req));
	strcpy(req.name, name);
	return status_call(handle, &req, sizeof(req), id);
}

CS_EXPORT cs_error_t votequorum_qdevice_register(votequorum_handle_t handle, const char *name)
{
	return name_call(handle, name, MESSAGE_REQ_VOTEQUORUM_QDEVICE_REGISTER);
}

CS_EXPORT cs_error_t votequorum_qdevice_unregister(votequorum_handle_t handle, const char *name)
{
	return name_call(handle, name, MESSAGE_REQ_VOTEQUORUM_QDEVICE_UNREGISTER);
}

CS_EXPORT cs_error_t votequorum_qdevice_update(votequorum_handle_t handle, const char *oldname,
					       const char *newname)
{
	struct req_lib_votequorum_qdevice_update req;

	if (!name_ok(oldname) || !name_ok(newname))
		return CS_ERR_INVALID_PARAM;
	memset(&req, 0, sizeof(req));
	strcpy(req.oldname, oldname);
	strcpy(req.newname, newname);
	return status_call(handle, &req, sizeof(req), MESSAGE_REQ_VOTEQUORUM_QDEVICE_UPDATE);
}

CS_EXPORT cs_error_t votequorum_qdevice_poll(votequorum_handle_t handle, const char *name,
					     unsigned int cast_vote, votequorum_ring_id_t ring_id)
{
	struct req_lib_votequorum_qdevice_poll req;

	if (!name_ok(name))
		return CS_ERR_INVALID_PARAM;
	memset(&req, 0, sizeof(req));
	strcpy(req.name, name);
	req.cast_vote = (int32_t)cast_vote;
	req.ring_id.nodeid = ring_id.nodeid;
	req.ring_id.seq = ring_id.seq;
	return status_call(handle, &req, sizeof(req), MESSAGE_REQ_VOTEQUORUM_QDEVICE_POLL);
}

CS_EXPORT cs_error_t votequorum_qdevice_master_wins(votequorum_handle_t handle, const char *name,
						    unsigned int allow)
{
	struct req_lib_votequorum_qdevice_master_wins req;

	if (!name_ok(name))
		return CS_ERR_INVALID_PARAM;
	memset(&req, 0, sizeof(req));
	strcpy(req.name, name);
	req.allow = allow;
	return status_call(handle, &req, sizeof(req), MESSAGE_REQ_VOTEQUORUM_QDEVICE_MASTER_WINS);
}

/* ---- dispatch ---------------------------------------------------------------- */

static cs_error_t deliver(uint64_t handle, struct ipcc *ipc, uint8_t *buf, size_t len)
{
	struct votequorum_inst *inst = (struct votequorum_inst *)ipc;
	struct qb_ipc_response_header hdr;
	votequorum_callbacks_t cb;

	if (len < sizeof(hdr))
		return CS_ERR_LIBRARY;
	memcpy(&hdr, buf, sizeof(hdr));
	cb = inst->callbacks;   /* fixed at initialize */

	switch (hdr.id) {
	case MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION: {
		struct res_lib_votequorum_quorum_notification ev;
		votequorum_node_t *nodes;

		if (len < sizeof(ev))
			return CS_ERR_LIBRARY;
		memcpy(&ev, buf, sizeof(ev));
		if (ev.node_list_entries > (len - sizeof(ev)) / sizeof(votequorum_node_t))
			return CS_ERR_LIBRARY;
		if (!cb.votequorum_quorum_notify_fn)
			return CS_OK;
		nodes = malloc((ev.node_list_entries + 1) * sizeof(*nodes));
		if (!nodes)
			return CS_ERR_NO_MEMORY;
		memcpy(nodes, buf + sizeof(ev), ev.node_list_entries * sizeof(*nodes));
		cb.votequorum_quorum_notify_fn(handle, ev.context, ev.quorate, ev.node_list_entries,
					       nodes);
		free(nodes);
		return CS_OK;
	}
	case MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION: {
		struct res_lib_votequorum_nodelist_notification ev;
		votequorum_ring_id_t ring;
		uint32_t *list;

		if (len < sizeof(ev))
			return CS_ERR_LIBRARY;
		memcpy(&ev, buf, sizeof(ev));
		if (ev.node_list_entries > (len - sizeof(ev)) / sizeof(uint32_t))
			return CS_ERR_LIBRARY;
		if (!cb.votequorum_nodelist_notify_fn)
			return CS_OK;
		list = malloc((ev.node_list_entries + 1) * sizeof(*list));
		if (!list)
			return CS_ERR_NO_MEMORY;
		memcpy(list, buf + sizeof(ev), ev.node_list_entries * sizeof(*list));
		ring.nodeid = ev.ring_id.nodeid;
		ring.seq = ev.ring_id.seq;
		cb.votequorum_nodelist_notify_fn(handle, ev.context, ring, ev.node_list_entries, list);
		free(list);
		return CS_OK;
	}
	case MESSAGE_RES_VOTEQUORUM_EXPECTEDVOTES_NOTIFICATION: {
		struct res_lib_votequorum_expectedvotes_notification ev;

		if (len < sizeof(ev))
			return CS_ERR_LIBRARY;
		memcpy(&ev, buf, sizeof(ev));
		if (cb.votequorum_expectedvotes_notify_fn)
			cb.votequorum_expectedvotes_notify_fn(handle, ev.context, ev.expected_votes);
		return CS_OK;
	}
	default:
		return CS_ERR_LIBRARY;
	}
}

CS_EXPORT cs_error_t votequorum_dispatch(votequorum_handle_t handle,
					 cs_dispatch_flags_t dispatch_types)
{
	return ipcc_dispatch(&votequorum_handle_db, handle, dispatch_types, deliver, 0);
}
