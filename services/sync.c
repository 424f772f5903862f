/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sync rounds (see sync.h).  States of a round:
 *   BUILD    our SERVICE_BUILD is (to be) sent; waiting for every member's
 *   PROCESS  the current service's process() runs until it returns 0
 *   BARRIER  our BARRIER is (to be) sent; waiting for every member's
 * A send that totem refuses (-EAGAIN) is retried from sync_run().  A
 * round owns a copy of its view.  Messages of another ring are ignored.
 */
#define LOG_SUBSYS LOG_SUBSYS_SYNC

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <chorus/log.h>

#include "services/host.h"
#include "services/sync.h"

enum sync_state {
	SYNC_IDLE,
	SYNC_BUILD,
	SYNC_PROCESS,
	SYNC_BARRIER,
};

struct sync_list {
	uint32_t *ids;
	size_t count;
};

struct sync {
	struct host *host;
	enum sync_state state;
	bool send_pending;            /* our BUILD/BARRIER still to be sent */
	bool stalled;                 /* sync_run() stopped at -EAGAIN; see sync_stalled() */
	struct sync_ring_id ring;
	struct svc_view view;
	struct sync_list members, trans, left, joined;
	bool *marked;                 /* per member: its BUILD/BARRIER arrived */
	int32_t services[SYNC_SERVICES_MAX];  /* union, ascending */
	size_t services_count;
	size_t current;               /* index into services */
};

static const char *state_str(enum sync_state s)
{
	switch (s) {
	case SYNC_IDLE: return "idle";
	case SYNC_BUILD: return "build";
	case SYNC_PROCESS: return "process";
	case SYNC_BARRIER: return "barrier";
	}
	return "?";
}

int sync_create(struct host *host, struct sync **ret_sync)
{
	struct sync *sync = calloc(1, sizeof(*sync));

	if (!sync)
		return -ENOMEM;
	sync->host = host;
	*ret_sync = sync;
	return 0;
}

static void list_free(struct sync_list *l)
{
	free(l->ids);
	l->ids = NULL;
	l->count = 0;
}

void sync_destroy(struct sync *sync)
{
	if (!sync)
		return;
	list_free(&sync->members);
	list_free(&sync->trans);
	list_free(&sync->left);
	list_free(&sync->joined);
	free(sync->marked);
	free(sync);
}

static int list_copy(struct sync_list *dst, const uint32_t *ids, size_t count)
{
	uint32_t *copy = NULL;

	if (count) {
		copy = malloc(count * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, ids, count * sizeof(*copy));
	}
	free(dst->ids);
	dst->ids = copy;
	dst->count = count;
	return 0;
}

bool sync_in_progress(const struct sync *sync)
{
	return sync->state != SYNC_IDLE;
}

bool sync_stalled(const struct sync *sync)
{
	return sync->stalled;
}

bool sync_has_work(const struct sync *sync)
{
	return sync->send_pending || sync->state == SYNC_PROCESS;
}

static struct svc *sync_svc(struct sync *sync, int32_t id)
{
	struct svc *svc = id >= 0 && id <= SVC_ID_MAX ? host_service_by_id(sync->host, (uint16_t)id) : NULL;

	return svc && svc_def(svc)->sync ? svc : NULL;
}

static int member_index(const struct sync *sync, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < sync->members.count; i++)
		if (sync->members.ids[i] == nodeid)
			return (int)i;
	return -1;
}

static bool all_marked(const struct sync *sync)
{
	size_t i;

	for (i = 0; i < sync->members.count; i++)
		if (!sync->marked[i])
			return false;
	return true;
}

static void marks_clear(struct sync *sync)
{
	if (sync->marked)
		memset(sync->marked, 0, sync->members.count * sizeof(*sync->marked));
}

static void union_add(struct sync *sync, int32_t id)
{
	size_t i;

	for (i = 0; i < sync->services_count; i++)
		if (sync->services[i] == id)
			return;
	if (sync->services_count == SYNC_SERVICES_MAX)
		return;
	for (i = sync->services_count; i > 0 && sync->services[i - 1] > id; i--)
		sync->services[i] = sync->services[i - 1];
	sync->services[i] = id;
	sync->services_count++;
}

/*
 * The current service's abort() runs in PROCESS and in BARRIER: a service
 * waiting for the barrier already ran process() and may hold round state
 * (cpg's joinlists).  corosync 3.1.7 calls it in PROCESS only; fixed
 * upstream after 3.1.7 ("sync: call abort cb also in barrier phase");
 * docs/compat.md.
 */
static void abort_round(struct sync *sync)
{
	struct svc *svc;

	if ((sync->state == SYNC_PROCESS || sync->state == SYNC_BARRIER) &&
	    sync->current < sync->services_count) {
		svc = sync_svc(sync, sync->services[sync->current]);
		if (svc)
			svc_def(svc)->sync->abort(svc);
	}
	if (sync->state != SYNC_IDLE)
		log_debug("sync round of ring %" PRIx32 ".%" PRIx64 " aborted in %s",
			  sync->ring.rep, sync->ring.seq, state_str(sync->state));
	sync->state = SYNC_IDLE;
	sync->send_pending = false;
}

void sync_start(struct sync *sync, const struct svc_view *view)
{
	struct svc *svc;
	bool *marked;
	int id;

	abort_round(sync);
	sync->stalled = false;
	marked = calloc(view->members_count ? view->members_count : 1, sizeof(*marked));
	if (!marked || list_copy(&sync->members, view->members, view->members_count) < 0 ||
	    list_copy(&sync->trans, view->trans, view->trans_count) < 0 ||
	    list_copy(&sync->left, view->left, view->left_count) < 0 ||
	    list_copy(&sync->joined, view->joined, view->joined_count) < 0) {
		free(marked);
		log_err("out of memory starting a sync round");
		return;
	}
	free(sync->marked);
	sync->marked = marked;
	sync->view.rep_nodeid = view->rep_nodeid;
	sync->view.ring_seq = view->ring_seq;
	sync->view.members = sync->members.ids;
	sync->view.members_count = sync->members.count;
	sync->view.trans = sync->trans.ids;
	sync->view.trans_count = sync->trans.count;
	sync->view.left = sync->left.ids;
	sync->view.left_count = sync->left.count;
	sync->view.joined = sync->joined.ids;
	sync->view.joined_count = sync->joined.count;
	/* every service's init sees it now; CPG keeps it over an aborted round */
	sync->view.own_message_cut = view->own_message_cut;
	sync->ring.rep = view->rep_nodeid;
	sync->ring.seq = view->ring_seq;

	sync->services_count = 0;
	sync->current = 0;
	for (id = 0; id <= SVC_ID_MAX; id++) {
		svc = sync_svc(sync, id);
		if (!svc)
			continue;
		union_add(sync, id);
		svc_def(svc)->sync->init(svc, &sync->view);
	}
	sync->state = SYNC_BUILD;
	sync->send_pending = true;
	log_debug("sync started for ring %" PRIx32 ".%" PRIx64 " with %zu members",
		  view->rep_nodeid, view->ring_seq, view->members_count);
	sync_run(sync);
}

static int send_build(struct sync *sync)
{
	struct sync_msg_service_build m;
	size_t i, n = 0;

	memset(&m, 0, sizeof(m));
	m.header.id = SYNC_MSG_SERVICE_BUILD;
	m.header.size = sizeof(m);
	m.ring_id = sync->ring;
	for (i = 0; i < sync->services_count; i++)
		if (sync_svc(sync, sync->services[i]))
			m.service_list[n++] = sync->services[i];
	m.service_list_entries = (int32_t)n;
	return host_sync_mcast(sync->host, &m, sizeof(m));
}

static int send_barrier(struct sync *sync)
{
	struct sync_msg_barrier m;

	memset(&m, 0, sizeof(m));
	m.header.id = SYNC_MSG_BARRIER;
	m.header.size = sizeof(m);
	m.ring_id = sync->ring;
	return host_sync_mcast(sync->host, &m, sizeof(m));
}

void sync_run(struct sync *sync)
{
	struct svc *svc;

	sync->stalled = true;     /* until it gets past every -EAGAIN below */
	if (sync->send_pending) {
		int r = sync->state == SYNC_BUILD ? send_build(sync) : send_barrier(sync);

		if (r == -EAGAIN)
			return;
		if (r < 0)
			log_err("sync: cannot send (%s); waiting for the next configuration", strerror(-r));
		sync->send_pending = false;
	}
	while (sync->state == SYNC_PROCESS) {
		svc = sync_svc(sync, sync->services[sync->current]);
		if (svc && svc_def(svc)->sync->process(svc) == -EAGAIN)
			return;
		sync->state = SYNC_BARRIER;
		sync->send_pending = true;
		if (send_barrier(sync) == -EAGAIN)
			return;
		sync->send_pending = false;
	}
	sync->stalled = false;
}

static void next_service(struct sync *sync)
{
	sync->stalled = false;
	marks_clear(sync);
	if (sync->current < sync->services_count) {
		sync->state = SYNC_PROCESS;
		return;
	}
	sync->state = SYNC_IDLE;
	log_debug("sync of ring %" PRIx32 ".%" PRIx64 " complete", sync->ring.rep, sync->ring.seq);
	host_sync_done(sync->host, &sync->view);
}

void sync_deliver(struct sync *sync, uint32_t from_nodeid, const void *msg, size_t len,
		  bool foreign_endian)
{
	struct sync_ring_id ring;
	struct svc *svc;
	int32_t msg_id;
	int idx;

	if (len < sizeof(struct sync_msg_barrier)) {
		log_debug("sync: short message (%zu bytes) from node %" PRIu32 " dropped", len, from_nodeid);
		return;
	}
	memcpy(&msg_id, (const char *)msg + offsetof(struct qb_ipc_request_header, id),
	       sizeof(msg_id));
	memcpy(&ring, (const char *)msg + offsetof(struct sync_msg_barrier, ring_id), sizeof(ring));
	/*
	 * The id is swapped too: corosync 3.1.7 (exec/sync.c, sync_deliver_fn)
	 * switches on it unconverted, so a node of the other byte order never
	 * recognises a SERVICE_BUILD or BARRIER and sync never completes
	 * (docs/compat.md).
	 */
	if (foreign_endian) {
		msg_id = (int32_t)__builtin_bswap32((uint32_t)msg_id);
		ring.rep = __builtin_bswap32(ring.rep);
		ring.seq = __builtin_bswap64(ring.seq);
	}
	if (sync->state == SYNC_IDLE || ring.rep != sync->ring.rep || ring.seq != sync->ring.seq)
		return;
	idx = member_index(sync, from_nodeid);
	if (idx < 0)
		return;

	switch (msg_id) {
	case SYNC_MSG_SERVICE_BUILD: {
		const struct sync_msg_service_build *b = msg;
		int32_t n, i;

		if (sync->state != SYNC_BUILD || len < sizeof(*b))
			return;
		n = foreign_endian ? (int32_t)__builtin_bswap32((uint32_t)b->service_list_entries) :
				     b->service_list_entries;
		if (n < 0 || n > SYNC_SERVICES_MAX)
			return;
		for (i = 0; i < n; i++) {
			int32_t id = foreign_endian ? (int32_t)__builtin_bswap32((uint32_t)b->service_list[i]) :
						      b->service_list[i];

			if (id >= 0 && id <= SVC_ID_MAX)
				union_add(sync, id);  /* unknown here: a no-op step */
		}
		sync->marked[idx] = true;
		if (all_marked(sync)) {
			sync->current = 0;
			next_service(sync);
		}
		break;
	}
	case SYNC_MSG_BARRIER:
		if (sync->state != SYNC_BARRIER && sync->state != SYNC_PROCESS)
			return;
		sync->marked[idx] = true;
		if (sync->state == SYNC_BARRIER && all_marked(sync)) {
			svc = sync_svc(sync, sync->services[sync->current]);
			if (svc)
				svc_def(svc)->sync->activate(svc);
			sync->current++;
			next_service(sync);
		}
		break;
	default:
		log_debug("sync: unknown message id %" PRId32 " from node %" PRIu32, msg_id,
			  from_nodeid);
		break;
	}
}
