/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcmap.so.4: the corosync 3.1.7 cmap client API over libqb IPC
 * (corosync v3.1.7 lib/cmap.c).  Owns the per-process handle table, one IPC
 * connection per handle and that connection's trackers.  Does not interpret
 * keys or values beyond the type checks of the typed getters; never logs.
 * Invariants: output parameters are written only on CS_OK; one request/
 * response exchange at a time per connection (req_lock); callbacks run with
 * no library lock held, so they may call any cmap function, even finalize.
 * The handle table is process-wide state by necessity: handles are plain
 * integers shared by every caller in the process.  The handle, connection
 * and dispatch skeleton is lib/ipc_client.c, shared with the other libraries.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <corosync/corotypes.h>
#include <corosync/cmap.h>
#include <corosync/ipc_cmap.h>
#include <corosync/wire_asserts.h>

#include "lib/ipc_client.h"

#define CS_EXPORT __attribute__((visibility("default")))

/* Largest value the service stores (icmap's limit); GET capacities are clamped to it. */
#define CMAP_VALUE_MAX 16384

struct cmap_track {
	struct cmap_track *next;
	uint64_t inst_id;                 /* echoed by the daemon in notifications */
	cmap_track_handle_t track_handle; /* the daemon's handle, 0 until TRACK_ADD answers */
	cmap_notify_fn_t notify_fn;
	void *user_data;
};

struct cmap_inst {
	struct ipcc ipc;                  /* first: the shared skeleton's part */
	pthread_mutex_t track_lock;       /* protects tracks and next_track_id */
	struct cmap_track *tracks;
	uint64_t next_track_id;
};

static void cmap_inst_destructor(void *instance);

QB_HDB_DECLARE(cmap_handle_db, cmap_inst_destructor);

static void cmap_tracks_free(struct cmap_track *t)
{
	while (t) {
		struct cmap_track *next = t->next;

		free(t);
		t = next;
	}
}

static void cmap_inst_destructor(void *instance)
{
	struct cmap_inst *inst = instance;

	if (!inst)
		return;
	cmap_tracks_free(inst->tracks);
	inst->tracks = NULL;
	pthread_mutex_destroy(&inst->track_lock);
	ipcc_destructor(&inst->ipc);
}

static cs_error_t cmap_inst_get(cmap_handle_t handle, struct cmap_inst **ret_inst)
{
	return ipcc_get(&cmap_handle_db, handle, (struct ipcc **)ret_inst);
}

static void cmap_inst_put(cmap_handle_t handle)
{
	ipcc_put(&cmap_handle_db, handle);
}

static cs_error_t cmap_call(struct cmap_inst *inst, const struct iovec *iov, unsigned int iov_len,
			    void *res, size_t res_size, size_t *ret_received)
{
	return ipcc_call(&inst->ipc, iov, iov_len, res, res_size, ret_received);
}

/* Fill a mar_name_t from a key; NULL allowed only where the wire means "none". */
static cs_error_t cmap_name_fill(mar_name_t *dst, const char *key, bool allow_null)
{
	if (!key) {
		if (!allow_null)
			return CS_ERR_INVALID_PARAM;
		memset(dst, 0, sizeof(*dst));
		return CS_OK;
	}
	if (mar_name_set(dst, key) < 0)
		return CS_ERR_NAME_TOO_LONG;
	return CS_OK;
}

/* ---------------------------------------------------------------- lifecycle */

CS_EXPORT cs_error_t cmap_initialize(cmap_handle_t *handle)
{
	struct cmap_inst *inst;
	struct ipcc *ipc;
	uint64_t h;
	cs_error_t err;

	if (!handle)
		return CS_ERR_INVALID_PARAM;
	err = ipcc_create(&cmap_handle_db, sizeof(*inst), "cmap", &h, &ipc);
	if (err != CS_OK)
		return err;
	inst = (struct cmap_inst *)ipc;
	pthread_mutex_init(&inst->track_lock, NULL);
	inst->next_track_id = 1;
	cmap_inst_put(h);
	*handle = h;
	return CS_OK;
}

CS_EXPORT cs_error_t cmap_initialize_map(cmap_handle_t *handle, cmap_map_t map)
{
	struct req_lib_cmap_set_current_map req;
	struct res_lib_cmap_set_current_map res;
	struct iovec iov;
	struct cmap_inst *inst;
	cmap_handle_t h;
	cs_error_t err;

	if (!handle)
		return CS_ERR_INVALID_PARAM;
	err = cmap_initialize(&h);
	if (err != CS_OK)
		return err;
	err = cmap_inst_get(h, &inst);
	if (err != CS_OK)
		return err;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CMAP_SET_CURRENT_MAP;
	req.header.size = sizeof(req);
	req.map = (int32_t)map;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cmap_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cmap_inst_put(h);

	/*
	 * corosync leaves the connection open when the map cannot be selected
	 * (and returns no handle); we close it instead of leaking it.
	 */
	if (err != CS_OK) {
		(void)cmap_finalize(h);
		return err;
	}
	*handle = h;
	return CS_OK;
}

/* The trackers go with the handle (cmap_inst_destructor). */
CS_EXPORT cs_error_t cmap_finalize(cmap_handle_t handle)
{
	return ipcc_finalize(&cmap_handle_db, handle);
}

CS_EXPORT cs_error_t cmap_fd_get(cmap_handle_t handle, int *fd)
{
	return ipcc_fd_get(&cmap_handle_db, handle, fd);
}

CS_EXPORT cs_error_t cmap_context_get(cmap_handle_t handle, const void **context)
{
	return ipcc_context_get(&cmap_handle_db, handle, context);
}

CS_EXPORT cs_error_t cmap_context_set(cmap_handle_t handle, const void *context)
{
	return ipcc_context_set(&cmap_handle_db, handle, context);
}

/* ----------------------------------------------------------------- dispatch */

/* Look a tracker up by the id the daemon echoed; copies what the callback needs. */
static bool cmap_track_lookup(struct cmap_inst *inst, uint64_t inst_id, struct cmap_track *ret_copy)
{
	struct cmap_track *t;
	bool found = false;

	pthread_mutex_lock(&inst->track_lock);
	for (t = inst->tracks; t; t = t->next) {
		if (t->inst_id == inst_id) {
			*ret_copy = *t;
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&inst->track_lock);
	return found;
}

/* Validate one received event and run its callback; CS_ERR_LIBRARY if it is not a notification. */
static cs_error_t cmap_event_deliver(uint64_t handle, struct ipcc *ipc, uint8_t *buf, size_t len)
{
	struct cmap_inst *inst = (struct cmap_inst *)ipc;
	struct res_lib_cmap_notify_callback *ev = (struct res_lib_cmap_notify_callback *)buf;
	struct cmap_notify_value new_val, old_val;
	struct cmap_track t;
	size_t room;

	if (len < sizeof(struct qb_ipc_response_header) || ev->header.id != MESSAGE_RES_CMAP_NOTIFY_CALLBACK)
		return CS_ERR_LIBRARY;
	if (len < sizeof(*ev))
		return CS_ERR_LIBRARY;
	room = len - sizeof(*ev);
	if (ev->new_value_len > room || ev->old_value_len > room - ev->new_value_len)
		return CS_ERR_LIBRARY;
	ev->key_name.value[sizeof(ev->key_name.value) - 1] = '\0';

	/* A tracker deleted meanwhile: drop the event silently, as corosync does. */
	if (!cmap_track_lookup(inst, ev->track_inst_handle, &t))
		return CS_OK;

	new_val.type = (cmap_value_types_t)ev->new_value_type;
	new_val.len = ev->new_value_len;
	new_val.data = ev->new_value;
	old_val.type = (cmap_value_types_t)ev->old_value_type;
	old_val.len = ev->old_value_len;
	old_val.data = ev->new_value + ev->new_value_len;

	t.notify_fn(handle, t.track_handle, ev->event, (const char *)ev->key_name.value,
		    new_val, old_val, t.user_data);
	return CS_OK;
}

/* A handle finalized by a callback after an event was delivered ends the dispatch with CS_OK. */
CS_EXPORT cs_error_t cmap_dispatch(cmap_handle_t handle, cs_dispatch_flags_t dispatch_types)
{
	return ipcc_dispatch(&cmap_handle_db, handle, dispatch_types, cmap_event_deliver,
			     IPCC_OK_AFTER_DELIVERY);
}

/* ------------------------------------------------------------- set / delete */

CS_EXPORT cs_error_t cmap_set(cmap_handle_t handle, const char *key_name, const void *value,
			      size_t value_len, cmap_value_types_t type)
{
	struct req_lib_cmap_set req;
	struct res_lib_cmap_set res;
	struct iovec iov[2];
	struct cmap_inst *inst;
	cs_error_t err;

	if (!value && value_len > 0)
		return CS_ERR_INVALID_PARAM;
	if (value_len > CHORUS_IPC_BUFFER_SIZE - sizeof(req))
		return CS_ERR_TOO_BIG;
	memset(&req, 0, sizeof(req));
	err = cmap_name_fill(&req.key_name, key_name, false);
	if (err != CS_OK)
		return err;
	req.header.id = MESSAGE_REQ_CMAP_SET;
	req.header.size = (int32_t)(sizeof(req) + value_len);
	req.value_len = value_len;
	req.type = (uint8_t)type;

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	iov[0].iov_base = &req;
	iov[0].iov_len = sizeof(req);
	iov[1].iov_base = (void *)value;
	iov[1].iov_len = value_len;
	err = cmap_call(inst, iov, value_len ? 2 : 1, &res, sizeof(res), NULL);
	cmap_inst_put(handle);
	return err;
}

#define CMAP_SET_TYPED(fn, ctype, vtype)                                            \
	CS_EXPORT cs_error_t fn(cmap_handle_t handle, const char *key_name, ctype value) \
	{                                                                           \
		return cmap_set(handle, key_name, &value, sizeof(value), vtype);    \
	}

CMAP_SET_TYPED(cmap_set_int8, int8_t, CMAP_VALUETYPE_INT8)
CMAP_SET_TYPED(cmap_set_uint8, uint8_t, CMAP_VALUETYPE_UINT8)
CMAP_SET_TYPED(cmap_set_int16, int16_t, CMAP_VALUETYPE_INT16)
CMAP_SET_TYPED(cmap_set_uint16, uint16_t, CMAP_VALUETYPE_UINT16)
CMAP_SET_TYPED(cmap_set_int32, int32_t, CMAP_VALUETYPE_INT32)
CMAP_SET_TYPED(cmap_set_uint32, uint32_t, CMAP_VALUETYPE_UINT32)
CMAP_SET_TYPED(cmap_set_int64, int64_t, CMAP_VALUETYPE_INT64)
CMAP_SET_TYPED(cmap_set_uint64, uint64_t, CMAP_VALUETYPE_UINT64)
CMAP_SET_TYPED(cmap_set_float, float, CMAP_VALUETYPE_FLOAT)
CMAP_SET_TYPED(cmap_set_double, double, CMAP_VALUETYPE_DOUBLE)

/* Strings travel without their NUL; the daemon stores and reports it. */
CS_EXPORT cs_error_t cmap_set_string(cmap_handle_t handle, const char *key_name, const char *value)
{
	if (!value)
		return CS_ERR_INVALID_PARAM;
	return cmap_set(handle, key_name, value, strlen(value), CMAP_VALUETYPE_STRING);
}

/* The three requests that carry only a key name and answer with a bare header. */
static cs_error_t cmap_key_request(cmap_handle_t handle, const char *key_name, int32_t id, int32_t step)
{
	union {
		struct req_lib_cmap_delete del;
		struct req_lib_cmap_adjust_int adj;
	} req;
	struct qb_ipc_response_header res;
	struct iovec iov;
	struct cmap_inst *inst;
	cs_error_t err;

	memset(&req, 0, sizeof(req));
	if (id == MESSAGE_REQ_CMAP_DELETE) {
		err = cmap_name_fill(&req.del.key_name, key_name, false);
		req.del.header.size = sizeof(req.del);
		iov.iov_len = sizeof(req.del);
	} else {
		err = cmap_name_fill(&req.adj.key_name, key_name, false);
		req.adj.header.size = sizeof(req.adj);
		req.adj.step = step;
		iov.iov_len = sizeof(req.adj);
	}
	if (err != CS_OK)
		return err;
	req.del.header.id = id;
	iov.iov_base = &req;

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	err = cmap_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cmap_inst_put(handle);
	return err;
}

CS_EXPORT cs_error_t cmap_delete(cmap_handle_t handle, const char *key_name)
{
	return cmap_key_request(handle, key_name, MESSAGE_REQ_CMAP_DELETE, 0);
}

CS_EXPORT cs_error_t cmap_inc(cmap_handle_t handle, const char *key_name)
{
	return cmap_key_request(handle, key_name, MESSAGE_REQ_CMAP_ADJUST_INT, 1);
}

CS_EXPORT cs_error_t cmap_dec(cmap_handle_t handle, const char *key_name)
{
	return cmap_key_request(handle, key_name, MESSAGE_REQ_CMAP_ADJUST_INT, -1);
}

/* ---------------------------------------------------------------------- get */

CS_EXPORT cs_error_t cmap_get(cmap_handle_t handle, const char *key_name, void *value,
			      size_t *value_len, cmap_value_types_t *type)
{
	struct req_lib_cmap_get req;
	struct res_lib_cmap_get *res;
	struct iovec iov;
	struct cmap_inst *inst;
	size_t capacity = 0, res_size, received = 0, copy;
	cs_error_t err;

	/* corosync would copy an unknown number of bytes here; we refuse. */
	if (value && !value_len)
		return CS_ERR_INVALID_PARAM;
	if (value)
		capacity = *value_len;
	/* The service never stores more than CMAP_VALUE_MAX bytes; asking for more only grows the reply. */
	if (capacity > CMAP_VALUE_MAX)
		capacity = CMAP_VALUE_MAX;

	memset(&req, 0, sizeof(req));
	err = cmap_name_fill(&req.key_name, key_name, false);
	if (err != CS_OK)
		return err;
	req.header.id = MESSAGE_REQ_CMAP_GET;
	req.header.size = sizeof(req);
	req.value_len = capacity;

	res_size = sizeof(*res) + capacity;
	res = malloc(res_size);
	if (!res)
		return CS_ERR_NO_MEMORY;

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK) {
		free(res);
		return err;
	}
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cmap_call(inst, &iov, 1, res, res_size, &received);
	cmap_inst_put(handle);

	if (err == CS_OK && received < sizeof(*res))
		err = CS_ERR_MESSAGE_ERROR;
	if (err == CS_OK && value && res->value_len > capacity)
		err = CS_ERR_INVALID_PARAM;
	if (err == CS_OK) {
		if (value) {
			copy = res->value_len;
			if (copy > received - sizeof(*res))
				copy = received - sizeof(*res);
			memcpy(value, res->value, copy);
		}
		if (value_len)
			*value_len = res->value_len;
		if (type)
			*type = (cmap_value_types_t)res->type;
	}
	free(res);
	return err;
}

/* Typed getters: the stored type must match exactly (corosync v3.1.7 lib/cmap.c, cmap_get_*). */
static cs_error_t cmap_get_typed(cmap_handle_t handle, const char *key_name, void *ret_value,
				 size_t size, cmap_value_types_t want)
{
	uint8_t buf[16];
	size_t len = sizeof(buf);
	cmap_value_types_t type;
	cs_error_t err;

	if (!ret_value)
		return CS_ERR_INVALID_PARAM;
	memset(buf, 0, sizeof(buf));
	err = cmap_get(handle, key_name, buf, &len, &type);
	if (err != CS_OK)
		return err;
	if (type != want || len != size)
		return CS_ERR_INVALID_PARAM;
	memcpy(ret_value, buf, size);
	return CS_OK;
}

#define CMAP_GET_TYPED(fn, ctype, vtype)                                                  \
	CS_EXPORT cs_error_t fn(cmap_handle_t handle, const char *key_name, ctype *ret)  \
	{                                                                                 \
		return cmap_get_typed(handle, key_name, ret, sizeof(*ret), vtype);        \
	}

CMAP_GET_TYPED(cmap_get_int8, int8_t, CMAP_VALUETYPE_INT8)
CMAP_GET_TYPED(cmap_get_uint8, uint8_t, CMAP_VALUETYPE_UINT8)
CMAP_GET_TYPED(cmap_get_int16, int16_t, CMAP_VALUETYPE_INT16)
CMAP_GET_TYPED(cmap_get_uint16, uint16_t, CMAP_VALUETYPE_UINT16)
CMAP_GET_TYPED(cmap_get_int32, int32_t, CMAP_VALUETYPE_INT32)
CMAP_GET_TYPED(cmap_get_uint32, uint32_t, CMAP_VALUETYPE_UINT32)
CMAP_GET_TYPED(cmap_get_int64, int64_t, CMAP_VALUETYPE_INT64)
CMAP_GET_TYPED(cmap_get_uint64, uint64_t, CMAP_VALUETYPE_UINT64)
CMAP_GET_TYPED(cmap_get_float, float, CMAP_VALUETYPE_FLOAT)
CMAP_GET_TYPED(cmap_get_double, double, CMAP_VALUETYPE_DOUBLE)

/*
 * Ask for the length (capacity 0), then fetch with exactly that capacity.
 * If the value grew in between, the second GET fails with INVALID_PARAM and
 * we ask again (a few times).  The copy is always NUL-terminated.
 */
CS_EXPORT cs_error_t cmap_get_string(cmap_handle_t handle, const char *key_name, char **str)
{
	cmap_value_types_t type;
	size_t len, got;
	cs_error_t err = CS_ERR_INVALID_PARAM;
	char *s;
	int attempt;

	if (!str)
		return CS_ERR_INVALID_PARAM;
	for (attempt = 0; attempt < 3; attempt++) {
		err = cmap_get(handle, key_name, NULL, &len, &type);
		if (err != CS_OK)
			return err;
		if (type != CMAP_VALUETYPE_STRING)
			return CS_ERR_INVALID_PARAM;
		s = malloc(len + 1);
		if (!s)
			return CS_ERR_NO_MEMORY;
		got = len;
		err = len ? cmap_get(handle, key_name, s, &got, &type) : CS_OK;
		if (err == CS_OK && type != CMAP_VALUETYPE_STRING)
			err = CS_ERR_INVALID_PARAM;
		if (err == CS_OK) {
			s[got <= len ? got : len] = '\0';
			*str = s;
			return CS_OK;
		}
		free(s);
		if (err != CS_ERR_INVALID_PARAM)
			return err;
	}
	return err;
}

/* ---------------------------------------------------------------- iteration */

CS_EXPORT cs_error_t cmap_iter_init(cmap_handle_t handle, const char *prefix,
				    cmap_iter_handle_t *cmap_iter_handle)
{
	struct req_lib_cmap_iter_init req;
	struct res_lib_cmap_iter_init res;
	struct iovec iov;
	struct cmap_inst *inst;
	cs_error_t err;

	if (!cmap_iter_handle)
		return CS_ERR_INVALID_PARAM;
	memset(&req, 0, sizeof(req));
	err = cmap_name_fill(&req.prefix, prefix, true);
	if (err != CS_OK)
		return err;
	req.header.id = MESSAGE_REQ_CMAP_ITER_INIT;
	req.header.size = sizeof(req);

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cmap_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cmap_inst_put(handle);
	if (err == CS_OK)
		*cmap_iter_handle = res.iter_handle;
	return err;
}

CS_EXPORT cs_error_t cmap_iter_next(cmap_handle_t handle, cmap_iter_handle_t iter_handle,
				    char key_name[], size_t *value_len, cmap_value_types_t *type)
{
	struct req_lib_cmap_iter_next req;
	struct res_lib_cmap_iter_next res;
	struct iovec iov;
	struct cmap_inst *inst;
	cs_error_t err;
	size_t n;

	if (!key_name)
		return CS_ERR_INVALID_PARAM;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CMAP_ITER_NEXT;
	req.header.size = sizeof(req);
	req.iter_handle = iter_handle;

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cmap_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cmap_inst_put(handle);
	if (err != CS_OK)
		return err;

	n = strnlen((const char *)res.key_name.value, CMAP_KEYNAME_MAXLEN);
	memcpy(key_name, res.key_name.value, n);
	key_name[n] = '\0';
	if (value_len)
		*value_len = res.value_len;
	if (type)
		*type = (cmap_value_types_t)res.type;
	return CS_OK;
}

CS_EXPORT cs_error_t cmap_iter_finalize(cmap_handle_t handle, cmap_iter_handle_t iter_handle)
{
	struct req_lib_cmap_iter_finalize req;
	struct res_lib_cmap_iter_finalize res;
	struct iovec iov;
	struct cmap_inst *inst;
	cs_error_t err;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CMAP_ITER_FINALIZE;
	req.header.size = sizeof(req);
	req.iter_handle = iter_handle;

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cmap_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cmap_inst_put(handle);
	return err;
}

/* ----------------------------------------------------------------- tracking */

static void cmap_track_unlink(struct cmap_inst *inst, uint64_t inst_id)
{
	struct cmap_track **pp, *t = NULL;

	pthread_mutex_lock(&inst->track_lock);
	for (pp = &inst->tracks; *pp; pp = &(*pp)->next) {
		if ((*pp)->inst_id == inst_id) {
			t = *pp;
			*pp = t->next;
			break;
		}
	}
	pthread_mutex_unlock(&inst->track_lock);
	free(t);
}

CS_EXPORT cs_error_t cmap_track_add(cmap_handle_t handle, const char *key_name, int32_t track_type,
				    cmap_notify_fn_t notify_fn, void *user_data,
				    cmap_track_handle_t *cmap_track_handle)
{
	struct req_lib_cmap_track_add req;
	struct res_lib_cmap_track_add res;
	struct iovec iov;
	struct cmap_inst *inst;
	struct cmap_track *t, *it;
	uint64_t id;
	cs_error_t err;

	if (!notify_fn || !cmap_track_handle)
		return CS_ERR_INVALID_PARAM;
	memset(&req, 0, sizeof(req));
	err = cmap_name_fill(&req.key_name, key_name, true);
	if (err != CS_OK)
		return err;

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	t = calloc(1, sizeof(*t));
	if (!t) {
		cmap_inst_put(handle);
		return CS_ERR_NO_MEMORY;
	}
	t->notify_fn = notify_fn;
	t->user_data = user_data;

	/* Registered before asking, so an event racing the reply finds its tracker. */
	pthread_mutex_lock(&inst->track_lock);
	id = t->inst_id = inst->next_track_id++;
	t->next = inst->tracks;
	inst->tracks = t;
	pthread_mutex_unlock(&inst->track_lock);

	req.header.id = MESSAGE_REQ_CMAP_TRACK_ADD;
	req.header.size = sizeof(req);
	req.track_type = track_type;
	req.track_inst_handle = id;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cmap_call(inst, &iov, 1, &res, sizeof(res), NULL);

	if (err == CS_OK) {
		pthread_mutex_lock(&inst->track_lock);
		for (it = inst->tracks; it; it = it->next)
			if (it->inst_id == id)
				it->track_handle = res.track_handle;
		pthread_mutex_unlock(&inst->track_lock);
		*cmap_track_handle = res.track_handle;
	} else {
		cmap_track_unlink(inst, id);
	}
	cmap_inst_put(handle);
	return err;
}

CS_EXPORT cs_error_t cmap_track_delete(cmap_handle_t handle, cmap_track_handle_t track_handle)
{
	struct req_lib_cmap_track_delete req;
	struct res_lib_cmap_track_delete res;
	struct iovec iov;
	struct cmap_inst *inst;
	cs_error_t err;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CMAP_TRACK_DELETE;
	req.header.size = sizeof(req);
	req.track_handle = track_handle;

	err = cmap_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cmap_call(inst, &iov, 1, &res, sizeof(res), NULL);
	if (err == CS_OK)
		cmap_track_unlink(inst, res.track_inst_handle);
	cmap_inst_put(handle);
	return err;
}
