/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcpg.so.4: the corosync 3.1.7 CPG client API over libqb IPC
 * (wire: include/corosync/ipc_cpg.h).  Owns the per-process handle tables
 * (connections and iterations), one IPC connection per handle, the
 * reassembly of fragmented messages and the zero-copy mappings of a handle.
 * Never logs.
 *
 * Invariants: one request/response exchange (or one fragment series) at a
 * time per connection (req_lock); one event read at a time (dispatch_lock);
 * lists and flags under state_lock; lock order dispatch -> req -> state.
 * Callbacks run with no library lock held, so they may call any cpg
 * function, including cpg_finalize().  MCAST (id 2) is sent without reading
 * a reply: the daemon never answers it.
 * The handle tables are process-wide state by necessity: handles are plain
 * integers shared by every caller in the process.  The handle, connection
 * and dispatch skeleton is lib/ipc_client.c, shared with the other
 * libraries (req_lock and dispatch_lock live in its struct ipcc).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <qb/qbhdb.h>
#include <qb/qbipcc.h>

#include <corosync/corotypes.h>
#include <corosync/cpg.h>
#include <corosync/ipc_cpg.h>
#include <corosync/wire_asserts.h>

#include "lib/ipc_client.h"

#define CS_EXPORT __attribute__((visibility("default")))

/* What corosync's libcpg negotiates and the largest unfragmented message. */
#define CPG_IPC_SIZE CHORUS_IPC_BUFFER_SIZE
#define CPG_ATOMIC_MAX CPG_WIRE_ATOMIC_MAX
/* A fragment refused with TRY_AGAIN is re-sent every 10 ms, 100 times at most. */
#define CPG_FRAG_RETRIES 100
#define CPG_FRAG_RETRY_NS (10 * 1000 * 1000L)
/* Up to this many caller iovecs go to libqb as they are; more are copied into one buffer. */
#define CPG_IOV_DIRECT_MAX 63
/* zcb files: /dev/shm first, then /var/run (the two places a 3.1.7 daemon accepts). */
#define CPG_ZC_TEMPLATE "corosync_zerocopy-XXXXXX"
#define CPG_ZC_HEAD ((size_t)CPG_ZC_USER_OFFSET)

_Static_assert(CPG_ZC_USER_OFFSET == 56, "zcb user buffer offset");
_Static_assert(sizeof(struct cpg_name) == 132, "struct cpg_name");
_Static_assert(sizeof(cpg_model_v1_data_t) == 40, "cpg_model_v1_data_t");

/* A fragmented message being put together, per sending (nodeid, pid). */
struct cpg_assembly {
	struct cpg_assembly *next;
	uint32_t nodeid;
	uint32_t pid;
	uint32_t msglen;
	uint32_t filled;
	uint8_t *buf;
};

/* A zero-copy mapping handed out by cpg_zcb_alloc(). */
struct cpg_zcb_map {
	struct cpg_zcb_map *next;
	uint8_t *base;
	size_t map_size;
};

/* An iteration handle that belongs to a connection (freed by its finalize). */
struct cpg_iter_ref {
	struct cpg_iter_ref *next;
	cpg_iteration_handle_t handle;
};

struct cpg_inst {
	struct ipcc ipc;                  /* first: the shared skeleton's part */
	cpg_model_v1_data_t model;        /* callbacks and flags, copied at initialize */
	bool finalizing;                  /* cpg_finalize() has started */
	pthread_mutex_t state_lock;
	struct cpg_assembly *assemblies;
	struct cpg_zcb_map *zcbs;
	struct cpg_iter_ref *iters;
};

struct cpg_iter_inst {
	cpg_handle_t owner;               /* the connection the daemon's handle lives on */
	uint64_t daemon_handle;
};

static void cpg_inst_destructor(void *instance);

QB_HDB_DECLARE(cpg_handle_db, cpg_inst_destructor);
QB_HDB_DECLARE(cpg_iter_db, NULL);

static void cpg_assembly_free(struct cpg_assembly *a)
{
	if (a) {
		free(a->buf);
		free(a);
	}
}

static void cpg_inst_destructor(void *instance)
{
	struct cpg_inst *inst = instance;

	if (!inst)
		return;
	while (inst->assemblies) {
		struct cpg_assembly *a = inst->assemblies;

		inst->assemblies = a->next;
		cpg_assembly_free(a);
	}
	/*
	 * corosync leaves zcb mappings of a finalized handle mapped for ever;
	 * the handle owns them, so they go with it (docs/compat.md).
	 */
	while (inst->zcbs) {
		struct cpg_zcb_map *z = inst->zcbs;

		inst->zcbs = z->next;
		munmap(z->base, z->map_size);
		free(z);
	}
	while (inst->iters) {
		struct cpg_iter_ref *r = inst->iters;

		inst->iters = r->next;
		free(r);
	}
	pthread_mutex_destroy(&inst->state_lock);
	ipcc_destructor(&inst->ipc);
}

static cs_error_t cpg_inst_get(cpg_handle_t handle, struct cpg_inst **ret_inst)
{
	return ipcc_get(&cpg_handle_db, handle, (struct ipcc **)ret_inst);
}

static void cpg_inst_put(cpg_handle_t handle)
{
	ipcc_put(&cpg_handle_db, handle);
}

/*
 * One request/response exchange; the transport result only (callers read
 * header.error themselves: some replies' error fields are garbage).
 */
static cs_error_t cpg_call_locked(struct cpg_inst *inst, const struct iovec *iov, unsigned int iov_len,
				  void *res, size_t res_size, size_t *ret_received)
{
	ssize_t r;

	memset(res, 0, res_size);
	if (!inst->ipc.c)
		return CS_ERR_BAD_HANDLE;
	r = qb_ipcc_sendv_recv(inst->ipc.c, iov, iov_len, res, res_size, CS_IPC_TIMEOUT_MS);
	if (r < 0)
		return qb_to_cs_error((int)r);
	if ((size_t)r < sizeof(struct qb_ipc_response_header))
		return CS_ERR_MESSAGE_ERROR;
	if (ret_received)
		*ret_received = (size_t)r;
	return CS_OK;
}

static cs_error_t cpg_call(struct cpg_inst *inst, const struct iovec *iov, unsigned int iov_len,
			   void *res, size_t res_size, size_t *ret_received)
{
	cs_error_t err;

	pthread_mutex_lock(&inst->ipc.req_lock);
	err = cpg_call_locked(inst, iov, iov_len, res, res_size, ret_received);
	pthread_mutex_unlock(&inst->ipc.req_lock);
	return err;
}

/* Only `length` bytes are copied; the rest of the wire name is zero. */
static void cpg_name_to_wire(mar_cpg_name_t *dst, const struct cpg_name *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->length = src->length;
	memcpy(dst->value, src->value, src->length);
}

static void cpg_name_from_wire(struct cpg_name *dst, const mar_cpg_name_t *src)
{
	/* A daemon's length above 128 is cut so callers may trust it as a bound. */
	dst->length = src->length <= CPG_MAX_NAME_LENGTH ? src->length : CPG_MAX_NAME_LENGTH;
	memcpy(dst->value, src->value, CPG_MAX_NAME_LENGTH);
}

static void cpg_sleep_ns(long ns)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ns };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---------------------------------------------------------------- lifecycle */

CS_EXPORT cs_error_t cpg_initialize(cpg_handle_t *handle, cpg_callbacks_t *callbacks)
{
	cpg_model_v1_data_t data;

	memset(&data, 0, sizeof(data));
	data.model = CPG_MODEL_V1;
	if (callbacks) {
		data.cpg_deliver_fn = callbacks->cpg_deliver_fn;
		data.cpg_confchg_fn = callbacks->cpg_confchg_fn;
	}
	return cpg_model_initialize(handle, CPG_MODEL_V1, (cpg_model_data_t *)&data, NULL);
}

CS_EXPORT cs_error_t cpg_model_initialize(cpg_handle_t *handle, cpg_model_t model,
					  cpg_model_data_t *model_data, void *context)
{
	cpg_model_v1_data_t data;
	struct cpg_inst *inst;
	struct ipcc *ipc;
	uint64_t h;
	cs_error_t err;

	if (!handle || model != CPG_MODEL_V1)
		return CS_ERR_INVALID_PARAM;
	memset(&data, 0, sizeof(data));
	if (model_data)
		memcpy(&data, model_data, sizeof(data));
	/*
	 * corosync checks the flags only after connecting (so without a daemon
	 * it reports CS_ERR_LIBRARY); checking first saves a connection.
	 */
	if (data.flags & ~(unsigned int)CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF)
		return CS_ERR_INVALID_PARAM;
	data.model = model;

	err = ipcc_create(&cpg_handle_db, sizeof(*inst), "cpg", &h, &ipc);
	if (err != CS_OK)
		return err;
	inst = (struct cpg_inst *)ipc;
	pthread_mutex_init(&inst->state_lock, NULL);
	inst->model = data;
	inst->ipc.context = context;

	cpg_inst_put(h);
	*handle = h;
	return CS_OK;
}

CS_EXPORT cs_error_t cpg_finalize(cpg_handle_t handle)
{
	struct req_lib_cpg_finalize req;
	struct qb_ipc_response_header res;
	struct iovec iov;
	struct cpg_inst *inst;
	struct cpg_iter_ref *iters;
	cs_error_t err;

	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;

	pthread_mutex_lock(&inst->state_lock);
	if (inst->finalizing) {
		/* another thread (or an outer call) is finalizing this handle */
		pthread_mutex_unlock(&inst->state_lock);
		cpg_inst_put(handle);
		return CS_ERR_BAD_HANDLE;
	}
	inst->finalizing = true;
	pthread_mutex_unlock(&inst->state_lock);

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_FINALIZE;
	req.header.size = sizeof(req);
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	/* The result is the transport's, as corosync's; the daemon's reply is always OK. */
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);

	(void)ipcc_disconnect(&inst->ipc);

	pthread_mutex_lock(&inst->state_lock);
	iters = inst->iters;
	inst->iters = NULL;
	pthread_mutex_unlock(&inst->state_lock);
	while (iters) {
		struct cpg_iter_ref *r = iters;

		iters = r->next;
		(void)qb_hdb_handle_destroy(&cpg_iter_db, r->handle);
		free(r);
	}

	(void)qb_hdb_handle_destroy(&cpg_handle_db, handle);
	cpg_inst_put(handle);
	return err;
}

CS_EXPORT cs_error_t cpg_fd_get(cpg_handle_t handle, int *fd)
{
	return ipcc_fd_get(&cpg_handle_db, handle, fd);
}

CS_EXPORT cs_error_t cpg_max_atomic_msgsize_get(cpg_handle_t handle, uint32_t *size)
{
	struct cpg_inst *inst;
	cs_error_t err;

	if (!size)
		return CS_ERR_INVALID_PARAM;
	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	*size = CPG_ATOMIC_MAX;
	cpg_inst_put(handle);
	return CS_OK;
}

CS_EXPORT cs_error_t cpg_context_get(cpg_handle_t handle, void **context)
{
	return ipcc_context_get(&cpg_handle_db, handle, (const void **)context);
}

CS_EXPORT cs_error_t cpg_context_set(cpg_handle_t handle, void *context)
{
	return ipcc_context_set(&cpg_handle_db, handle, context);
}

CS_EXPORT cs_error_t cpg_flow_control_state_get(cpg_handle_t handle,
						cpg_flow_control_state_t *flow_control_enabled)
{
	struct cpg_inst *inst;
	cs_error_t err;

	if (!flow_control_enabled)
		return CS_ERR_INVALID_PARAM;
	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	/* Flow control lives in the transport (TRY_AGAIN from mcast); this never reports it. */
	*flow_control_enabled = CPG_FLOW_CONTROL_DISABLED;
	cpg_inst_put(handle);
	return CS_OK;
}

/* ----------------------------------------------------------------- dispatch */

/* Unlink the assembly of (nodeid, pid), if any; the caller frees it. */
static struct cpg_assembly *cpg_assembly_take(struct cpg_inst *inst, uint32_t nodeid, uint32_t pid)
{
	struct cpg_assembly **pp;

	for (pp = &inst->assemblies; *pp; pp = &(*pp)->next) {
		struct cpg_assembly *a = *pp;

		if (a->nodeid == nodeid && a->pid == pid) {
			*pp = a->next;
			a->next = NULL;
			return a;
		}
	}
	return NULL;
}

static cs_error_t cpg_event_deliver(cpg_handle_t handle, struct cpg_inst *inst,
				    const cpg_model_v1_data_t *cb, uint8_t *buf, size_t len)
{
	const struct res_lib_cpg_deliver_callback *ev = (const void *)buf;
	struct cpg_name group;

	if (len < sizeof(*ev) || ev->msglen > len - sizeof(*ev))
		return CS_ERR_LIBRARY;
	(void)inst;
	if (!cb->cpg_deliver_fn)
		return CS_OK;
	cpg_name_from_wire(&group, &ev->group_name);
	cb->cpg_deliver_fn(handle, &group, ev->nodeid, ev->pid, buf + sizeof(*ev), ev->msglen);
	return CS_OK;
}

/*
 * One fragment of a large message.  FIRST starts over for its sender; any
 * other type appends to a running assembly (ignored when there is none);
 * LAST delivers.  A fragment that would overrun the announced length drops
 * the assembly instead of writing past it.
 */
static cs_error_t cpg_event_partial(cpg_handle_t handle, struct cpg_inst *inst,
				    const cpg_model_v1_data_t *cb, uint8_t *buf, size_t len)
{
	const struct res_lib_cpg_partial_deliver_callback *ev = (const void *)buf;
	struct cpg_assembly *a, *done = NULL, *stale = NULL, *bad = NULL;
	struct cpg_name group;
	cs_error_t err = CS_OK;

	if (len < sizeof(*ev) || ev->fraglen > len - sizeof(*ev))
		return CS_ERR_LIBRARY;

	pthread_mutex_lock(&inst->state_lock);
	a = cpg_assembly_take(inst, ev->nodeid, ev->pid);
	if (ev->type == LIBCPG_PARTIAL_FIRST) {
		stale = a;
		a = calloc(1, sizeof(*a));
		if (a) {
			a->nodeid = ev->nodeid;
			a->pid = ev->pid;
			a->msglen = ev->msglen;
			a->buf = malloc(ev->msglen ? ev->msglen : 1);
			if (!a->buf) {
				free(a);
				a = NULL;
			}
		}
		if (!a)
			err = CS_ERR_NO_MEMORY;
	}
	if (a && ev->fraglen > a->msglen - a->filled) {
		bad = a;
		a = NULL;
	}
	if (a) {
		memcpy(a->buf + a->filled, ev->message, ev->fraglen);
		a->filled += ev->fraglen;
		if (ev->type == LIBCPG_PARTIAL_LAST) {
			done = a;
		} else {
			a->next = inst->assemblies;
			inst->assemblies = a;
		}
	}
	pthread_mutex_unlock(&inst->state_lock);
	cpg_assembly_free(stale);
	cpg_assembly_free(bad);

	if (done) {
		/*
		 * corosync 3.1.7 calls a NULL deliver callback here and crashes;
		 * we skip it, as for unfragmented messages.
		 */
		if (done->filled == done->msglen && cb->cpg_deliver_fn) {
			cpg_name_from_wire(&group, &ev->group_name);
			cb->cpg_deliver_fn(handle, &group, done->nodeid, done->pid, done->buf, done->msglen);
		}
		cpg_assembly_free(done);
	}
	return err;
}

static void cpg_address_from_wire(struct cpg_address *dst, const mar_cpg_address_t *src,
				  uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		dst[i].nodeid = src[i].nodeid;
		dst[i].pid = src[i].pid;
		dst[i].reason = src[i].reason;
	}
}

static cs_error_t cpg_event_confchg(cpg_handle_t handle, struct cpg_inst *inst,
				    const cpg_model_v1_data_t *cb, uint8_t *buf, size_t len)
{
	const struct res_lib_cpg_confchg_callback *ev = (const void *)buf;
	struct cpg_address member[CPG_MEMBERS_MAX], left[CPG_MEMBERS_MAX], joined[CPG_MEMBERS_MAX];
	const mar_cpg_address_t *m, *l, *j;
	uint32_t nm, nl, nj;
	uint64_t total;
	struct cpg_name group;

	if (len < sizeof(*ev))
		return CS_ERR_LIBRARY;
	total = (uint64_t)ev->member_list_entries + ev->left_list_entries + ev->joined_list_entries;
	if (total > (len - sizeof(*ev)) / sizeof(mar_cpg_address_t))
		return CS_ERR_LIBRARY;
	/* On the wire: members, then LEFT, then JOINED. */
	m = ev->member_list;
	l = m + ev->member_list_entries;
	j = l + ev->left_list_entries;

	if (cb->cpg_confchg_fn) {
		/* corosync overflows its 128-entry arrays on longer lists; we cut them. */
		nm = ev->member_list_entries < CPG_MEMBERS_MAX ? ev->member_list_entries : CPG_MEMBERS_MAX;
		nl = ev->left_list_entries < CPG_MEMBERS_MAX ? ev->left_list_entries : CPG_MEMBERS_MAX;
		nj = ev->joined_list_entries < CPG_MEMBERS_MAX ? ev->joined_list_entries : CPG_MEMBERS_MAX;
		cpg_address_from_wire(member, m, nm);
		cpg_address_from_wire(left, l, nl);
		cpg_address_from_wire(joined, j, nj);
		cpg_name_from_wire(&group, &ev->group_name);
		cb->cpg_confchg_fn(handle, &group, member, nm, left, nl, joined, nj);
	}

	/* A half-received message of a process that left will never complete. */
	for (uint32_t i = 0; i < ev->left_list_entries; i++) {
		struct cpg_assembly *a;

		pthread_mutex_lock(&inst->state_lock);
		a = cpg_assembly_take(inst, l[i].nodeid, l[i].pid);
		pthread_mutex_unlock(&inst->state_lock);
		cpg_assembly_free(a);
	}
	return CS_OK;
}

static cs_error_t cpg_event_totem(cpg_handle_t handle, const cpg_model_v1_data_t *cb,
				  uint8_t *buf, size_t len)
{
	const struct res_lib_cpg_totem_confchg_callback *ev = (const void *)buf;
	size_t head = offsetof(struct res_lib_cpg_totem_confchg_callback, member_list);
	uint32_t nodes[CPG_MEMBERS_MAX];
	struct cpg_ring_id ring;
	uint32_t n;

	if (len < head || ev->member_list_entries > (len - head) / sizeof(uint32_t))
		return CS_ERR_LIBRARY;
	if (!cb->cpg_totem_confchg_fn)
		return CS_OK;
	n = ev->member_list_entries < CPG_MEMBERS_MAX ? ev->member_list_entries : CPG_MEMBERS_MAX;
	memcpy(nodes, (const uint8_t *)buf + head, n * sizeof(uint32_t));
	memset(&ring, 0, sizeof(ring));
	ring.nodeid = ev->ring_id.nodeid;
	ring.seq = ev->ring_id.seq;
	cb->cpg_totem_confchg_fn(handle, ring, n, nodes);
	return CS_OK;
}

/* Validate one received event and run its callback; CS_ERR_LIBRARY for an id libcpg never gets. */
static cs_error_t cpg_event_dispatch(cpg_handle_t handle, struct cpg_inst *inst,
				     uint8_t *buf, size_t len)
{
	const struct qb_ipc_response_header *hdr = (const void *)buf;
	cpg_model_v1_data_t cb;

	if (len < sizeof(*hdr))
		return CS_ERR_LIBRARY;
	cb = inst->model;       /* set once at initialize; read-only afterwards */
	switch (hdr->id) {
	case MESSAGE_RES_CPG_DELIVER_CALLBACK:
		return cpg_event_deliver(handle, inst, &cb, buf, len);
	case MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK:
		return cpg_event_partial(handle, inst, &cb, buf, len);
	case MESSAGE_RES_CPG_CONFCHG_CALLBACK:
		return cpg_event_confchg(handle, inst, &cb, buf, len);
	case MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK:
		return cpg_event_totem(handle, &cb, buf, len);
	default:
		return CS_ERR_LIBRARY;
	}
}

/*
 * One event through cpg_event_dispatch; a handle finalized by the callback
 * (or another thread) meanwhile ends the dispatch with CS_ERR_BAD_HANDLE.
 */
static cs_error_t cpg_event_one(uint64_t handle, struct ipcc *ipc, uint8_t *buf, size_t len)
{
	struct cpg_inst *inst = (struct cpg_inst *)ipc;
	bool finalized;
	cs_error_t err = cpg_event_dispatch(handle, inst, buf, len);

	if (err != CS_OK)
		return err;
	pthread_mutex_lock(&inst->state_lock);
	finalized = inst->finalizing;
	pthread_mutex_unlock(&inst->state_lock);
	return finalized ? CS_ERR_BAD_HANDLE : CS_OK;
}

/* corosync blocks for ever on an unknown flag; we answer CS_ERR_INVALID_PARAM (docs/compat.md). */
CS_EXPORT cs_error_t cpg_dispatch(cpg_handle_t handle, cs_dispatch_flags_t dispatch_types)
{
	return ipcc_dispatch(&cpg_handle_db, handle, dispatch_types, cpg_event_one, 0);
}

/* ------------------------------------------------------- join, leave, query */

/* JOIN and LEAVE: re-sent while the daemon answers BUSY (an earlier join/leave still in flight). */
static cs_error_t cpg_join_leave(cpg_handle_t handle, const struct cpg_name *group, bool join)
{
	struct req_lib_cpg_join req;    /* LEAVE is its prefix */
	struct qb_ipc_response_header res;
	struct iovec iov;
	struct cpg_inst *inst;
	unsigned int busy = 0;
	cs_error_t err;

	if (!group)
		return CS_ERR_INVALID_PARAM;
	if (group->length > CPG_MAX_NAME_LENGTH)
		return CS_ERR_NAME_TOO_LONG;
	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;

	memset(&req, 0, sizeof(req));
	cpg_name_to_wire(&req.group_name, group);
	req.pid = (uint32_t)getpid();
	if (join) {
		req.header.id = MESSAGE_REQ_CPG_JOIN;
		req.header.size = sizeof(struct req_lib_cpg_join);
		req.flags = inst->model.flags;
	} else {
		req.header.id = MESSAGE_REQ_CPG_LEAVE;
		req.header.size = sizeof(struct req_lib_cpg_leave);
	}
	iov.iov_base = &req;
	iov.iov_len = (size_t)req.header.size;

	for (;;) {
		err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
		if (err != CS_OK)
			break;
		err = (cs_error_t)res.error;
		if (err != CS_ERR_BUSY)
			break;
		/* corosync spins without pause; after a few quick tries we pause 1 ms */
		if (++busy > 10)
			cpg_sleep_ns(1000 * 1000L);
	}
	cpg_inst_put(handle);
	return err;
}

CS_EXPORT cs_error_t cpg_join(cpg_handle_t handle, const struct cpg_name *group)
{
	return cpg_join_leave(handle, group, true);
}

CS_EXPORT cs_error_t cpg_leave(cpg_handle_t handle, const struct cpg_name *group)
{
	return cpg_join_leave(handle, group, false);
}

CS_EXPORT cs_error_t cpg_membership_get(cpg_handle_t handle, struct cpg_name *groupName,
					struct cpg_address *member_list, int *member_list_entries)
{
	struct req_lib_cpg_membership_get req;
	struct res_lib_cpg_membership_get *res;
	size_t head = offsetof(struct res_lib_cpg_membership_get, member_list);
	size_t received = 0, n;
	struct iovec iov;
	struct cpg_inst *inst;
	cs_error_t err;

	if (!groupName || !member_list || !member_list_entries)
		return CS_ERR_INVALID_PARAM;
	if (groupName->length > CPG_MAX_NAME_LENGTH)
		return CS_ERR_NAME_TOO_LONG;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_MEMBERSHIP;
	req.header.size = sizeof(req);
	cpg_name_to_wire(&req.group_name, groupName);
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);

	res = malloc(sizeof(*res));   /* 9248 bytes: the most a daemon may answer */
	if (!res)
		return CS_ERR_NO_MEMORY;
	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK) {
		free(res);
		return err;
	}
	err = cpg_call(inst, &iov, 1, res, sizeof(*res), &received);
	cpg_inst_put(handle);

	if (err == CS_OK) {
		err = (cs_error_t)res->header.error;
		/*
		 * The API gives no array size: the caller's array is taken to hold
		 * CPG_MEMBERS_MAX entries (corosync copies up to 384 into it).  The
		 * count returned is the number copied; a short reply copies what came.
		 */
		n = received >= head + sizeof(uint32_t) ? res->member_count : 0;
		if (n > CPG_MEMBERS_MAX)
			n = CPG_MEMBERS_MAX;
		if (received < head)
			n = 0;
		else if (n > (received - head) / sizeof(mar_cpg_address_t))
			n = (received - head) / sizeof(mar_cpg_address_t);
		cpg_address_from_wire(member_list, res->member_list, (uint32_t)n);
		*member_list_entries = (int)n;
	}
	free(res);
	return err;
}

CS_EXPORT cs_error_t cpg_local_get(cpg_handle_t handle, unsigned int *local_nodeid)
{
	struct req_lib_cpg_local_get req;
	struct res_lib_cpg_local_get res;
	struct iovec iov;
	struct cpg_inst *inst;
	cs_error_t err;

	if (!local_nodeid)
		return CS_ERR_INVALID_PARAM;
	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_LOCAL_GET;
	req.header.size = sizeof(req);
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cpg_inst_put(handle);
	if (err != CS_OK)
		return err;
	*local_nodeid = res.local_nodeid;
	return (cs_error_t)res.header.error;
}

/* -------------------------------------------------------------------- mcast */

/* One PARTIAL_MCAST fragment, re-sent while the transport says TRY_AGAIN. */
static cs_error_t cpg_send_fragment(struct cpg_inst *inst, struct req_lib_cpg_partial_mcast *req,
				    const void *data, size_t len)
{
	struct qb_ipc_response_header res;
	struct iovec iov[2];
	cs_error_t err;
	int tries = 0;

	req->fraglen = (uint32_t)len;
	req->header.size = (int32_t)(sizeof(*req) + len);
	iov[0].iov_base = req;
	iov[0].iov_len = sizeof(*req);
	iov[1].iov_base = (void *)data;
	iov[1].iov_len = len;
	for (;;) {
		err = cpg_call_locked(inst, iov, 2, &res, sizeof(res), NULL);
		if (err != CS_ERR_TRY_AGAIN)
			break;
		/* corosync also prints "sleep. counter=N" to stderr here; a library should not */
		if (++tries > CPG_FRAG_RETRIES)
			return err;
		cpg_sleep_ns(CPG_FRAG_RETRY_NS);
	}
	if (err != CS_OK)
		return err;
	return (cs_error_t)res.error;
}

/*
 * A message above CPG_ATOMIC_MAX as PARTIAL_MCAST requests, each answered.
 * Like corosync, a fragment never spans two caller iovecs; empty iovecs are
 * skipped.  The whole series holds req_lock so that no other request of this
 * connection lands between two fragments.
 */
static cs_error_t cpg_send_fragments(struct cpg_inst *inst, cpg_guarantee_t guarantee, size_t total,
				     const struct iovec *iovec, unsigned int iov_len)
{
	struct req_lib_cpg_partial_mcast req;
	cs_error_t err = CS_OK;
	size_t sent = 0;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_PARTIAL_MCAST;
	req.guarantee = (uint32_t)guarantee;
	req.msglen = (uint32_t)total;

	pthread_mutex_lock(&inst->ipc.req_lock);
	if (!inst->ipc.c) {
		pthread_mutex_unlock(&inst->ipc.req_lock);
		return CS_ERR_BAD_HANDLE;
	}
	/* Fragments are refused (TRY_AGAIN) at the daemon's flow-control level 2, like mcast. */
	qb_ipcc_fc_enable_max_set(inst->ipc.c, 2);
	for (unsigned int i = 0; i < iov_len && err == CS_OK; i++) {
		const uint8_t *p = iovec[i].iov_base;
		size_t left = iovec[i].iov_len;

		while (left > 0 && err == CS_OK) {
			size_t len = left > CPG_ATOMIC_MAX ? CPG_ATOMIC_MAX : left;

			if (sent == 0)
				req.type = LIBCPG_PARTIAL_FIRST;
			else if (sent + len == total)
				req.type = LIBCPG_PARTIAL_LAST;
			else
				req.type = LIBCPG_PARTIAL_CONTINUED;
			err = cpg_send_fragment(inst, &req, p, len);
			p += len;
			left -= len;
			sent += len;
		}
	}
	if (inst->ipc.c)
		qb_ipcc_fc_enable_max_set(inst->ipc.c, 1);
	pthread_mutex_unlock(&inst->ipc.req_lock);
	return err;
}

CS_EXPORT cs_error_t cpg_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
				      const struct iovec *iovec, unsigned int iov_len)
{
	struct req_lib_cpg_mcast req;
	struct iovec direct[CPG_IOV_DIRECT_MAX + 1], *iov = direct;
	unsigned int iov_n;
	uint8_t *flat = NULL;
	struct cpg_inst *inst;
	size_t total = 0;
	cs_error_t err;
	ssize_t r;

	if (!iovec && iov_len > 0)
		return CS_ERR_INVALID_PARAM;
	for (unsigned int i = 0; i < iov_len; i++) {
		if (!iovec[i].iov_base && iovec[i].iov_len > 0)
			return CS_ERR_INVALID_PARAM;
		if (iovec[i].iov_len > UINT32_MAX - total)
			return CS_ERR_TOO_BIG;   /* msglen is 32 bits on the wire */
		total += iovec[i].iov_len;
	}

	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	if (total > CPG_ATOMIC_MAX) {
		err = cpg_send_fragments(inst, guarantee, total, iovec, iov_len);
		cpg_inst_put(handle);
		return err;
	}

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_MCAST;
	req.header.size = (int32_t)(sizeof(req) + total);
	req.guarantee = (uint32_t)guarantee;
	req.msglen = (uint32_t)total;
	direct[0].iov_base = &req;
	direct[0].iov_len = sizeof(req);
	if (iov_len <= CPG_IOV_DIRECT_MAX) {
		if (iov_len)
			memcpy(&direct[1], iovec, iov_len * sizeof(*iovec));
		iov_n = iov_len + 1;
	} else {
		/*
		 * corosync copies the iovec into a 64-slot array and overflows it
		 * past 63 entries; we gather them into one buffer instead.
		 */
		size_t off = 0;

		flat = malloc(total ? total : 1);
		if (!flat) {
			cpg_inst_put(handle);
			return CS_ERR_NO_MEMORY;
		}
		for (unsigned int i = 0; i < iov_len; i++) {
			if (iovec[i].iov_len)
				memcpy(flat + off, iovec[i].iov_base, iovec[i].iov_len);
			off += iovec[i].iov_len;
		}
		direct[1].iov_base = flat;
		direct[1].iov_len = total;
		iov_n = 2;
	}

	pthread_mutex_lock(&inst->ipc.req_lock);
	if (!inst->ipc.c) {
		r = -EBADF;
	} else {
		/* Refused at flow-control level 2 too (the daemon's "sync/queue critical"). */
		qb_ipcc_fc_enable_max_set(inst->ipc.c, 2);
		r = qb_ipcc_sendv(inst->ipc.c, iov, iov_n);
		qb_ipcc_fc_enable_max_set(inst->ipc.c, 1);
	}
	pthread_mutex_unlock(&inst->ipc.req_lock);
	cpg_inst_put(handle);
	free(flat);
	return qb_to_cs_error(r < 0 ? (int)r : 0);
}

/* ---------------------------------------------------------------- zero copy */

/*
 * corosync 3.1.7's zero-copy send: the client creates and maps a file, the
 * daemon maps it too (and unlinks it) on ZC_ALLOC and multicasts from it on
 * ZC_EXECUTE.  Layout: map_size (i32) at 0, the daemon's token at 8, an MCAST
 * request header at 16, the caller's bytes at 56.  Every failure is an error
 * code (corosync asserts); buffers are looked up, never trusted.
 */
static int cpg_zcb_map_create(size_t map_size, char *path, size_t path_size, uint8_t **ret_base)
{
	static const char *const dirs[] = { "/dev/shm/", "/var/run/" };
	void *base;
	int fd = -1, err;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && fd < 0; i++) {
		if ((size_t)snprintf(path, path_size, "%s%s", dirs[i], CPG_ZC_TEMPLATE) >= path_size)
			return -ENAMETOOLONG;
		/* mkstemp creates mode 0600 (corosync sets umask 077 around it, which is process-wide) */
		fd = mkstemp(path);
	}
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)map_size) < 0) {
		err = -errno;
		goto fail;
	}
	/* Reserve the pages now: a full tmpfs fails here, not with SIGBUS later. */
	err = posix_fallocate(fd, 0, (off_t)map_size);
	if (err != 0) {
		err = -err;
		goto fail;
	}
	base = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	close(fd);
	*ret_base = base;
	return 0;
fail:
	close(fd);
	unlink(path);
	return err;
}

CS_EXPORT cs_error_t cpg_zcb_alloc(cpg_handle_t handle, size_t size, void **buffer)
{
	struct req_lib_cpg_zc_alloc req;
	struct qb_ipc_response_header res;
	struct cpg_zcb_map *z;
	struct cpg_inst *inst;
	struct iovec iov;
	char path[PATH_MAX];
	uint8_t *base = NULL;
	size_t map_size;
	int32_t map_size32;
	cs_error_t err;
	int r;

	if (!buffer)
		return CS_ERR_INVALID_PARAM;
	/* The head stores the size as an i32. */
	if (size > (size_t)INT32_MAX - CPG_ZC_HEAD)
		return CS_ERR_TOO_BIG;
	map_size = size + CPG_ZC_HEAD;

	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	z = calloc(1, sizeof(*z));
	if (!z) {
		cpg_inst_put(handle);
		return CS_ERR_NO_MEMORY;
	}
	r = cpg_zcb_map_create(map_size, path, sizeof(path), &base);
	if (r < 0) {
		free(z);
		cpg_inst_put(handle);
		return qb_to_cs_error(r);
	}
	if (strlen(path) >= CPG_WIRE_ZC_PATH_LEN) {
		unlink(path);
		munmap(base, map_size);
		free(z);
		cpg_inst_put(handle);
		return CS_ERR_NAME_TOO_LONG;
	}

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ZC_ALLOC;
	req.header.size = sizeof(req);
	req.map_size = map_size;
	memcpy(req.path_to_file, path, strlen(path) + 1);
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
	/*
	 * A 3.1.7 daemon has opened and unlinked the file before answering; one
	 * that does not implement zcb never does, and corosync's library then
	 * leaves the file in /dev/shm.  Removing it here is a no-op otherwise.
	 */
	unlink(path);
	if (err != CS_OK) {
		munmap(base, map_size);
		free(z);
		cpg_inst_put(handle);
		return err;
	}
	/* header.error is not looked at: corosync 3.1.7 leaves it uninitialised. */
	map_size32 = (int32_t)map_size;
	memcpy(base, &map_size32, sizeof(map_size32));
	z->base = base;
	z->map_size = map_size;
	pthread_mutex_lock(&inst->state_lock);
	z->next = inst->zcbs;
	inst->zcbs = z;
	pthread_mutex_unlock(&inst->state_lock);
	cpg_inst_put(handle);
	*buffer = base + CPG_ZC_HEAD;
	return CS_OK;
}

/* The mapping whose user buffer is `buffer`; with `unlink_it`, also removed from the list. */
static struct cpg_zcb_map *cpg_zcb_find(struct cpg_inst *inst, const void *buffer, bool unlink_it)
{
	struct cpg_zcb_map **pp, *z = NULL;

	pthread_mutex_lock(&inst->state_lock);
	for (pp = &inst->zcbs; *pp; pp = &(*pp)->next) {
		if ((*pp)->base + CPG_ZC_HEAD == (const uint8_t *)buffer) {
			z = *pp;
			if (unlink_it)
				*pp = z->next;
			break;
		}
	}
	pthread_mutex_unlock(&inst->state_lock);
	return z;
}

CS_EXPORT cs_error_t cpg_zcb_free(cpg_handle_t handle, void *buffer)
{
	struct req_lib_cpg_zc_free req;
	struct qb_ipc_response_header res;
	struct cpg_zcb_map *z;
	struct cpg_inst *inst;
	struct iovec iov;
	cs_error_t err;

	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	z = cpg_zcb_find(inst, buffer, true);
	if (!z) {
		cpg_inst_put(handle);
		return CS_ERR_INVALID_PARAM;
	}
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ZC_FREE;
	req.header.size = sizeof(req);
	req.map_size = z->map_size;
	memcpy(&req.server_address, z->base + offsetof(struct cpg_zc_header, server_address),
	       sizeof(req.server_address));
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
	if (err == CS_ERR_TRY_AGAIN) {
		/* the daemon did not take the request: keep the buffer so the caller can retry */
		pthread_mutex_lock(&inst->state_lock);
		z->next = inst->zcbs;
		inst->zcbs = z;
		pthread_mutex_unlock(&inst->state_lock);
		cpg_inst_put(handle);
		return err;
	}
	/* reply error ignored, as corosync does; the daemon's side goes with the connection anyway */
	munmap(z->base, z->map_size);
	free(z);
	cpg_inst_put(handle);
	return err;
}

CS_EXPORT cs_error_t cpg_zcb_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
					  void *msg, size_t msg_len)
{
	struct req_lib_cpg_zc_execute req;
	struct qb_ipc_response_header res;
	struct req_lib_cpg_mcast head;
	struct cpg_zcb_map *z;
	struct cpg_inst *inst;
	struct iovec iov;
	cs_error_t err;

	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK)
		return err;
	if (msg_len > CPG_IPC_SIZE) {
		cpg_inst_put(handle);
		return CS_ERR_TOO_BIG;
	}
	z = cpg_zcb_find(inst, msg, false);
	if (!z) {
		cpg_inst_put(handle);
		return CS_ERR_INVALID_PARAM;
	}
	/* corosync lets the daemon read past the mapping here */
	if (msg_len > z->map_size - CPG_ZC_HEAD) {
		cpg_inst_put(handle);
		return CS_ERR_TOO_BIG;
	}

	memset(&head, 0, sizeof(head));
	head.header.id = MESSAGE_REQ_CPG_MCAST;
	head.header.size = (int32_t)(sizeof(head) + msg_len);
	head.guarantee = (uint32_t)guarantee;
	head.msglen = (uint32_t)msg_len;
	memcpy(z->base + sizeof(struct cpg_zc_header), &head, sizeof(head));

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ZC_EXECUTE;
	req.header.size = sizeof(req);
	memcpy(&req.server_address, z->base + offsetof(struct cpg_zc_header, server_address),
	       sizeof(req.server_address));
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cpg_inst_put(handle);
	if (err != CS_OK)
		return err;
	return (cs_error_t)res.error;
}

/* ---------------------------------------------------------------- iteration */

static cs_error_t cpg_iter_get(cpg_iteration_handle_t handle, struct cpg_iter_inst **ret)
{
	void *p = NULL;
	cs_error_t err = hdb_error_to_cs(qb_hdb_handle_get(&cpg_iter_db, handle, &p));

	if (err == CS_OK)
		*ret = p;
	return err;
}

CS_EXPORT cs_error_t cpg_iteration_initialize(cpg_handle_t handle, cpg_iteration_type_t iteration_type,
					      const struct cpg_name *group,
					      cpg_iteration_handle_t *cpg_iteration_handle)
{
	struct req_lib_cpg_iterationinitialize req;
	struct res_lib_cpg_iterationinitialize res;
	struct cpg_iter_inst *it;
	struct cpg_iter_ref *ref;
	struct cpg_inst *inst;
	struct iovec iov;
	qb_handle_t ih;
	cs_error_t err;

	if (group && group->length > CPG_MAX_NAME_LENGTH)
		return CS_ERR_NAME_TOO_LONG;
	if (!cpg_iteration_handle)
		return CS_ERR_INVALID_PARAM;
	if ((iteration_type == CPG_ITERATION_ONE_GROUP) != (group != NULL))
		return CS_ERR_INVALID_PARAM;
	if (iteration_type != CPG_ITERATION_NAME_ONLY && iteration_type != CPG_ITERATION_ONE_GROUP &&
	    iteration_type != CPG_ITERATION_ALL)
		return CS_ERR_INVALID_PARAM;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ITERATIONINITIALIZE;
	req.header.size = sizeof(req);
	req.iteration_type = (uint32_t)iteration_type;
	if (group)
		cpg_name_to_wire(&req.group_name, group);
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);

	ref = calloc(1, sizeof(*ref));
	if (!ref)
		return CS_ERR_NO_MEMORY;
	err = cpg_inst_get(handle, &inst);
	if (err != CS_OK) {
		free(ref);
		return err;
	}
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
	if (err == CS_OK)
		err = (cs_error_t)res.header.error;
	/* corosync also keeps (and hands out) a library handle when the daemon refuses; we do not */
	if (err == CS_OK)
		err = hdb_error_to_cs(qb_hdb_handle_create(&cpg_iter_db, sizeof(*it), &ih));
	if (err == CS_OK) {
		err = cpg_iter_get(ih, &it);
		if (err == CS_OK) {
			it->owner = handle;
			it->daemon_handle = res.iteration_handle;
			(void)qb_hdb_handle_put(&cpg_iter_db, ih);
			ref->handle = ih;
			pthread_mutex_lock(&inst->state_lock);
			if (inst->finalizing) {
				err = CS_ERR_BAD_HANDLE;
			} else {
				ref->next = inst->iters;
				inst->iters = ref;
				ref = NULL;
			}
			pthread_mutex_unlock(&inst->state_lock);
		}
		if (err != CS_OK)
			(void)qb_hdb_handle_destroy(&cpg_iter_db, ih);
	}
	cpg_inst_put(handle);
	free(ref);
	if (err == CS_OK)
		*cpg_iteration_handle = ih;
	return err;
}

CS_EXPORT cs_error_t cpg_iteration_next(cpg_iteration_handle_t handle,
					struct cpg_iteration_description_t *description)
{
	struct req_lib_cpg_iterationnext req;
	struct res_lib_cpg_iterationnext res;
	struct cpg_iter_inst *it;
	struct cpg_inst *inst;
	struct iovec iov;
	cpg_handle_t owner;
	cs_error_t err;

	if (!description)
		return CS_ERR_INVALID_PARAM;
	err = cpg_iter_get(handle, &it);
	if (err != CS_OK)
		return err;
	owner = it->owner;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ITERATIONNEXT;
	req.header.size = sizeof(req);
	req.iteration_handle = it->daemon_handle;
	(void)qb_hdb_handle_put(&cpg_iter_db, handle);

	err = cpg_inst_get(owner, &inst);
	if (err != CS_OK)
		return err;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
	cpg_inst_put(owner);
	if (err != CS_OK)
		return err;
	err = (cs_error_t)res.header.error;
	if (err == CS_OK) {
		cpg_name_from_wire(&description->group, &res.description.group);
		description->nodeid = res.description.nodeid;
		description->pid = res.description.pid;
	}
	return err;
}

CS_EXPORT cs_error_t cpg_iteration_finalize(cpg_iteration_handle_t handle)
{
	struct req_lib_cpg_iterationfinalize req;
	struct qb_ipc_response_header res;
	struct cpg_iter_ref **pp, *ref = NULL;
	struct cpg_iter_inst *it;
	struct cpg_inst *inst;
	struct iovec iov;
	cpg_handle_t owner;
	cs_error_t err;

	err = cpg_iter_get(handle, &it);
	if (err != CS_OK)
		return err;
	owner = it->owner;
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CPG_ITERATIONFINALIZE;
	req.header.size = sizeof(req);
	req.iteration_handle = it->daemon_handle;
	(void)qb_hdb_handle_put(&cpg_iter_db, handle);

	err = cpg_inst_get(owner, &inst);
	if (err != CS_OK)
		return err;
	iov.iov_base = &req;
	iov.iov_len = sizeof(req);
	err = cpg_call(inst, &iov, 1, &res, sizeof(res), NULL);
	if (err != CS_OK) {
		/* kept, as corosync does: the caller may retry; cpg_finalize() frees it anyway */
		cpg_inst_put(owner);
		return err;
	}
	pthread_mutex_lock(&inst->state_lock);
	for (pp = &inst->iters; *pp; pp = &(*pp)->next) {
		if ((*pp)->handle == handle) {
			ref = *pp;
			*pp = ref->next;
			break;
		}
	}
	pthread_mutex_unlock(&inst->state_lock);
	cpg_inst_put(owner);
	/* only the thread that unlinked it destroys it (two concurrent finalizes) */
	if (ref) {
		(void)qb_hdb_handle_destroy(&cpg_iter_db, handle);
		free(ref);
	}
	return (cs_error_t)res.error;
}
