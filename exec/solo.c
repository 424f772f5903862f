/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Single-node membership and loopback delivery (see solo.h).  The queue is
 * bounded (SOLO_QUEUE_MAX bytes): space() reports what is left so the host
 * pushes back on senders instead of growing without limit.
 */
#define LOG_SUBSYS LOG_SUBSYS_TOTEM

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qblist.h>
#include <qb/qbutil.h>

#include <chorus/log.h>

#include "exec/solo.h"

#define SOLO_QUEUE_MAX (4u << 20)
#define SOLO_MSG_MAX   (1u << 20)

struct solo_msg {
	struct qb_list_head list;
	enum host_group group;
	size_t len;
	char data[];
};

struct solo {
	qb_loop_t *loop;
	struct host *host;
	uint32_t nodeid;
	struct qb_list_head queue;
	size_t queued;
	bool job;
	void (*confchg)(void *ctx, const struct svc_view *view);
	void *confchg_ctx;
	bool start_pending;
};

static void solo_job(void *data)
{
	struct solo *solo = data;

	solo->job = false;
	host_set_time(solo->host, qb_util_nano_current_get() / QB_TIME_NS_IN_MSEC);
	if (solo->start_pending) {
		uint32_t me = solo->nodeid;
		struct svc_view view = {
			.rep_nodeid = me, .ring_seq = 4,
			.members = &me, .members_count = 1,
			.joined = &me, .joined_count = 1,
		};

		solo->start_pending = false;
		log_notice("A new membership (%x.%lx) was formed. Members joined: %u", me,
			   (unsigned long)view.ring_seq, me);
		solo->confchg(solo->confchg_ctx, &view);
	}
	while (!qb_list_empty(&solo->queue)) {
		struct solo_msg *m = qb_list_first_entry(&solo->queue, struct solo_msg, list);

		qb_list_del(&m->list);
		solo->queued -= m->len;
		if (m->group == HOST_GROUP_SYNC)
			host_sync_deliver(solo->host, solo->nodeid, m->data, m->len, false);
		else
			host_deliver(solo->host, solo->nodeid, m->data, m->len, false);
		free(m);
	}
}

static void schedule(struct solo *solo)
{
	if (!solo->job && qb_loop_job_add(solo->loop, QB_LOOP_HIGH, solo, solo_job) == 0)
		solo->job = true;
}

static int solo_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t iovcnt,
		      enum svc_guarantee g)
{
	struct solo *solo = ctx;
	struct solo_msg *m;
	size_t len = 0, off = 0, i;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len > SOLO_MSG_MAX)
		return -EMSGSIZE;
	if (solo->queued + len > SOLO_QUEUE_MAX)
		return -EAGAIN;
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	for (i = 0; i < iovcnt; i++) {
		memcpy(m->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	m->len = len;
	m->group = group;
	qb_list_add_tail(&m->list, &solo->queue);
	solo->queued += len;
	schedule(solo);
	return 0;
}

static size_t solo_space(void *ctx)
{
	struct solo *solo = ctx;
	size_t left = SOLO_QUEUE_MAX - solo->queued;

	return left < SOLO_MSG_MAX ? left : SOLO_MSG_MAX;
}

const struct host_totem_ops solo_totem_ops = {
	.mcast = solo_mcast,
	.space = solo_space,
};

int solo_create(qb_loop_t *loop, uint32_t nodeid, struct solo **ret_solo)
{
	struct solo *solo = calloc(1, sizeof(*solo));

	if (!solo)
		return -ENOMEM;
	solo->loop = loop;
	solo->nodeid = nodeid;
	qb_list_init(&solo->queue);
	*ret_solo = solo;
	return 0;
}

void solo_set_host(struct solo *solo, struct host *host)
{
	solo->host = host;
}

void solo_start(struct solo *solo, void (*confchg)(void *ctx, const struct svc_view *view),
		void *ctx)
{
	solo->confchg = confchg;
	solo->confchg_ctx = ctx;
	solo->start_pending = true;
	schedule(solo);
}

void solo_destroy(struct solo *solo)
{
	struct solo_msg *m, *tmp;

	if (!solo)
		return;
	if (solo->job)
		qb_loop_job_del(solo->loop, QB_LOOP_HIGH, solo, solo_job);
	qb_list_for_each_entry_safe(m, tmp, &solo->queue, list) {
		qb_list_del(&m->list);
		free(m);
	}
	free(solo);
}
