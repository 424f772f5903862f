/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libquorum.so.5: the corosync 3.1.7 quorum client API over libqb IPC
 * (corosync v3.1.7 lib/quorum.c).  The handle/connection/dispatch skeleton
 * is lib/ipc_client.c.  Never logs.
 *
 * A handle is either model V0 (quorum_initialize: one callback with the
 * ring sequence and the member list; what Pacemaker uses) or V1 (quorum
 * callback with the full ring id, plus a nodelist callback with joined and
 * left lists).  Dispatch accepts only its model's events: anything else is
 * CS_ERR_LIBRARY, as corosync's library answers.  The lists of the
 * notifications start 4 bytes before the end of their fixed part
 * (include/corosync/ipc_quorum.h); a list that does not fit in what was
 * received is a CS_ERR_LIBRARY too, never read past the buffer.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/corotypes.h>
#include <corosync/quorum.h>
#include <corosync/ipc_quorum.h>

#include "lib/ipc_client.h"

#define CS_EXPORT __attribute__((visibility("default")))

struct quorum_inst {
	struct ipcc ipc;                  /* first: the shared skeleton's part */
	quorum_model_t model;
	quorum_model_v0_data_t v0;
	quorum_model_v1_data_t v1;
};

QB_HDB_DECLARE(quorum_handle_db, ipcc_destructor);

static cs_error_t inst_get(quorum_handle_t handle, struct quorum_inst **ret)
{
	return ipcc_get(&quorum_handle_db, handle, (struct ipcc **)ret);
}

static void inst_put(quorum_handle_t handle)
{
	ipcc_put(&quorum_handle_db, handle);
}

CS_EXPORT cs_error_t quorum_model_initialize(quorum_handle_t *handle, quorum_model_t model,
					     quorum_model_data_t *model_data,
					     uint32_t *quorum_type, void *context)
{
	struct quorum_inst *inst;
	struct ipcc *ipc;
	struct req_lib_quorum_model_gettype req;
	struct res_lib_quorum_model_gettype res;
	uint64_t h;
	cs_error_t err;

	if (!handle || (model != QUORUM_MODEL_V0 && model != QUORUM_MODEL_V1))
		return CS_ERR_INVALID_PARAM;
	err = ipcc_create(&quorum_handle_db, sizeof(*inst), "quorum", &h, &ipc);
	if (err != CS_OK)
		return err;
	inst = (struct quorum_inst *)ipc;
	/* V0 asks GETTYPE (the connection stays V0), V1 asks MODEL_GETTYPE */
	memset(&req, 0, sizeof(req));
	if (model == QUORUM_MODEL_V0) {
		req.header.id = MESSAGE_REQ_QUORUM_GETTYPE;
		req.header.size = sizeof(struct req_lib_quorum_header_only);
	} else {
		req.header.id = MESSAGE_REQ_QUORUM_MODEL_GETTYPE;
		req.header.size = sizeof(req);
		req.model = LIB_QUORUM_MODEL_V1;
	}
	err = ipcc_call_fixed(ipc, &req, (size_t)req.header.size, &res, sizeof(res));
	if (err != CS_OK) {
		inst_put(h);
		(void)ipcc_finalize(&quorum_handle_db, h);
		return err;
	}
	inst->model = model;
	if (model_data && model == QUORUM_MODEL_V0)
		memcpy(&inst->v0, model_data, sizeof(inst->v0));
	else if (model_data)
		memcpy(&inst->v1, model_data, sizeof(inst->v1));
	inst->ipc.context = context;
	if (quorum_type)
		*quorum_type = res.quorum_type;
	inst_put(h);
	*handle = h;
	return CS_OK;
}

CS_EXPORT cs_error_t quorum_initialize(quorum_handle_t *handle, quorum_callbacks_t *callbacks,
				       uint32_t *quorum_type)
{
	quorum_model_v0_data_t v0;

	memset(&v0, 0, sizeof(v0));
	v0.model = QUORUM_MODEL_V0;
	if (callbacks)
		v0.quorum_notify_fn = callbacks->quorum_notify_fn;
	return quorum_model_initialize(handle, QUORUM_MODEL_V0, (quorum_model_data_t *)&v0,
				       quorum_type, NULL);
}

CS_EXPORT cs_error_t quorum_finalize(quorum_handle_t handle)
{
	return ipcc_finalize(&quorum_handle_db, handle);
}

CS_EXPORT cs_error_t quorum_fd_get(quorum_handle_t handle, int *fd)
{
	return ipcc_fd_get(&quorum_handle_db, handle, fd);
}

CS_EXPORT cs_error_t quorum_context_set(quorum_handle_t handle, const void *context)
{
	return ipcc_context_set(&quorum_handle_db, handle, context);
}

CS_EXPORT cs_error_t quorum_context_get(quorum_handle_t handle, const void **context)
{
	return ipcc_context_get(&quorum_handle_db, handle, context);
}

CS_EXPORT cs_error_t quorum_getquorate(quorum_handle_t handle, int *quorate)
{
	struct quorum_inst *inst;
	struct req_lib_quorum_header_only req;
	struct res_lib_quorum_getquorate res;
	cs_error_t err;

	if (!quorate)
		return CS_ERR_INVALID_PARAM;
	err = inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_QUORUM_GETQUORATE;
	req.header.size = sizeof(req);
	err = ipcc_call_fixed(&inst->ipc, &req, sizeof(req), &res, sizeof(res));
	inst_put(handle);
	if (err == CS_OK)
		*quorate = (int)res.quorate;
	return err;
}

CS_EXPORT cs_error_t quorum_trackstart(quorum_handle_t handle, unsigned int flags)
{
	struct quorum_inst *inst;
	struct req_lib_quorum_trackstart req;
	struct res_lib_quorum_header_only res;
	cs_error_t err;

	err = inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_QUORUM_TRACKSTART;
	req.header.size = sizeof(req);
	req.track_flags = flags;
	err = ipcc_call_fixed(&inst->ipc, &req, sizeof(req), &res, sizeof(res));
	inst_put(handle);
	return err;
}

CS_EXPORT cs_error_t quorum_trackstop(quorum_handle_t handle)
{
	struct quorum_inst *inst;
	struct req_lib_quorum_header_only req;
	struct res_lib_quorum_header_only res;
	cs_error_t err;

	err = inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_QUORUM_TRACKSTOP;
	req.header.size = sizeof(req);
	err = ipcc_call_fixed(&inst->ipc, &req, sizeof(req), &res, sizeof(res));
	inst_put(handle);
	return err;
}

/* ---- dispatch ---------------------------------------------------------------- */

/* A count and its list must fit in len from off: the list is never read past the buffer. */
static bool list_fits(size_t len, size_t off, uint64_t entries)
{
	return off <= len && entries <= (len - off) / sizeof(uint32_t);
}

static cs_error_t deliver(uint64_t handle, struct ipcc *ipc, uint8_t *buf, size_t len)
{
	struct quorum_inst *inst = (struct quorum_inst *)ipc;
	struct qb_ipc_response_header hdr;
	quorum_model_t model;
	quorum_model_v0_data_t v0;
	quorum_model_v1_data_t v1;

	if (len < sizeof(hdr))
		return CS_ERR_LIBRARY;
	memcpy(&hdr, buf, sizeof(hdr));
	/* fixed at initialize, before the handle was returned */
	model = inst->model;
	v0 = inst->v0;
	v1 = inst->v1;

	if (model == QUORUM_MODEL_V0 && hdr.id == MESSAGE_RES_QUORUM_NOTIFICATION) {
		struct res_lib_quorum_notification ev;
		const size_t off = offsetof(struct res_lib_quorum_notification, view_list);

		if (len < off)
			return CS_ERR_LIBRARY;
		memset(&ev, 0, sizeof(ev));
		memcpy(&ev, buf, off);
		if (!list_fits(len, off, ev.view_list_entries))
			return CS_ERR_LIBRARY;
		if (v0.quorum_notify_fn) {
			uint32_t *list = malloc((ev.view_list_entries + 1) * sizeof(uint32_t));

			if (!list)
				return CS_ERR_NO_MEMORY;
			memcpy(list, buf + off, ev.view_list_entries * sizeof(uint32_t));
			v0.quorum_notify_fn(handle, (uint32_t)ev.quorate, ev.ring_seq,
					    ev.view_list_entries, list);
			free(list);
		}
		return CS_OK;
	}
	if (model == QUORUM_MODEL_V1 && hdr.id == MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION) {
		struct res_lib_quorum_v1_quorum_notification ev;
		const size_t off = offsetof(struct res_lib_quorum_v1_quorum_notification, view_list);
		struct quorum_ring_id ring;

		if (len < off)
			return CS_ERR_LIBRARY;
		memset(&ev, 0, sizeof(ev));
		memcpy(&ev, buf, off);
		if (!list_fits(len, off, ev.view_list_entries))
			return CS_ERR_LIBRARY;
		if (v1.quorum_notify_fn) {
			uint32_t *list = malloc((ev.view_list_entries + 1) * sizeof(uint32_t));

			if (!list)
				return CS_ERR_NO_MEMORY;
			memcpy(list, buf + off, ev.view_list_entries * sizeof(uint32_t));
			ring.nodeid = ev.ring_id.nodeid;
			ring.seq = ev.ring_id.seq;
			v1.quorum_notify_fn(handle, (uint32_t)ev.quorate, ring, ev.view_list_entries,
					    list);
			free(list);
		}
		return CS_OK;
	}
	if (model == QUORUM_MODEL_V1 && hdr.id == MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION) {
		struct res_lib_quorum_v1_nodelist_notification ev;
		const size_t off = offsetof(struct res_lib_quorum_v1_nodelist_notification, member_list);
		struct quorum_ring_id ring;
		uint64_t total;

		if (len < off)
			return CS_ERR_LIBRARY;
		memset(&ev, 0, sizeof(ev));
		memcpy(&ev, buf, off);
		total = (uint64_t)ev.member_list_entries + ev.joined_list_entries +
			ev.left_list_entries;
		if (!list_fits(len, off, total))
			return CS_ERR_LIBRARY;
		if (v1.nodelist_notify_fn) {
			uint32_t *list = malloc((total + 1) * sizeof(uint32_t));

			if (!list)
				return CS_ERR_NO_MEMORY;
			memcpy(list, buf + off, total * sizeof(uint32_t));
			ring.nodeid = ev.ring_id.nodeid;
			ring.seq = ev.ring_id.seq;
			v1.nodelist_notify_fn(handle, ring, ev.member_list_entries, list,
					      ev.joined_list_entries, list + ev.member_list_entries,
					      ev.left_list_entries,
					      list + ev.member_list_entries + ev.joined_list_entries);
			free(list);
		}
		return CS_OK;
	}
	return CS_ERR_LIBRARY;
}

CS_EXPORT cs_error_t quorum_dispatch(quorum_handle_t handle, cs_dispatch_flags_t dispatch_types)
{
	return ipcc_dispatch(&quorum_handle_db, handle, dispatch_types, deliver, 0);
}
