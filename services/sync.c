/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Local sync rounds (see sync.h).  A round owns a copy of its view, so the
 * caller's arrays may go away after sync_start().  A new view in the middle
 * of a round aborts the service whose process() was running and starts over.
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
	SYNC_PROCESS,
};

struct sync_list {
	uint32_t *ids;
	size_t count;
};

struct sync {
	struct host *host;
	enum sync_state state;
	int current;                  /* service id whose process() runs, -1 before the first */
	struct svc_view view;
	struct sync_list members, trans, left, joined;
};

int sync_create(struct host *host, struct sync **ret_sync)
{
	struct sync *sync = calloc(1, sizeof(*sync));

	if (!sync)
		return -ENOMEM;
	sync->host = host;
	sync->current = -1;
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

bool sync_has_work(const struct sync *sync)
{
	return sync->state == SYNC_PROCESS;
}

static struct svc *next_sync_service(struct sync *sync, int after)
{
	int id;

	for (id = after + 1; id <= SVC_ID_MAX; id++) {
		struct svc *svc = host_service_by_id(sync->host, (uint16_t)id);

		if (svc && svc_def(svc)->sync)
			return svc;
	}
	return NULL;
}

void sync_start(struct sync *sync, const struct svc_view *view)
{
	struct svc *svc;

	if (sync->state == SYNC_PROCESS && sync->current >= 0) {
		svc = host_service_by_id(sync->host, (uint16_t)sync->current);
		if (svc)
			svc_def(svc)->sync->abort(svc);
		log_debug("sync aborted by a new configuration");
	}
	if (list_copy(&sync->members, view->members, view->members_count) < 0 ||
	    list_copy(&sync->trans, view->trans, view->trans_count) < 0 ||
	    list_copy(&sync->left, view->left, view->left_count) < 0 ||
	    list_copy(&sync->joined, view->joined, view->joined_count) < 0) {
		/* Out of memory: run the round with an empty view rather than none. */
		log_err("out of memory copying the sync view");
	}
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

	for (svc = next_sync_service(sync, -1); svc; svc = next_sync_service(sync, svc_def(svc)->id))
		svc_def(svc)->sync->init(svc, &sync->view);
	svc = next_sync_service(sync, -1);
	sync->current = svc ? svc_def(svc)->id : -1;
	sync->state = SYNC_PROCESS;
	log_debug("sync started for ring %" PRIx32 ".%" PRIx64 " with %zu members",
		  view->rep_nodeid, view->ring_seq, view->members_count);
}

void sync_run(struct sync *sync)
{
	while (sync->state == SYNC_PROCESS) {
		struct svc *svc = sync->current >= 0 ?
			host_service_by_id(sync->host, (uint16_t)sync->current) : NULL;

		if (svc) {
			if (svc_def(svc)->sync->process(svc) == -EAGAIN)
				return;
			svc_def(svc)->sync->activate(svc);
			svc = next_sync_service(sync, sync->current);
		}
		if (svc) {
			sync->current = svc_def(svc)->id;
			continue;
		}
		sync->state = SYNC_IDLE;
		sync->current = -1;
		host_sync_done(sync->host, &sync->view);
	}
}
