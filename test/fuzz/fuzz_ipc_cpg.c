/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for CPG IPC requests: the real service host
 * (services/host.c, services/sync.c) with the real CPG service, fed a
 * sequence of requests from one client connection.  Input: records of
 * [flags u8][len u16 LE][len bytes].  Flags: bit 0 writes the record's
 * length into the request header's size field (past the host's size
 * check); bit 1 closes the connection and opens a new one first (the
 * disconnect cleanup); bit 2 delivers the resulting multicasts as from a
 * node of the other byte order (only the header is swapped, so every
 * other field arrives byte-reversed: lengths become huge); bit 3 starts a membership change (a sync round on this one
 * node, driven to completion by the loopback).  Multicasts loop back
 * through host_deliver() / host_sync_deliver() after each request.
 * Checked after every output: header.size equals the bytes sent; events
 * only use ids 4, 5, 13 and 17 and lists of at most 128 entries; no reply
 * ever answers an MCAST (id 2); a membership reply is at most 9248 bytes.
 * Corpus: test/fuzz/corpus/ipc_cpg/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>

#include <chorus/icmap.h>
#include <corosync/ipc_cpg.h>
#include "cpg_service/cpg_service.h"
#include "services/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QUEUE_MAX 64

struct queued {
	enum host_group group;
	uint8_t *buf;
	size_t len;
};

struct harness {
	struct queued q[QUEUE_MAX];
	size_t count;
	int32_t current_req;    /* id of the request being dispatched */
};

static size_t iov_total(const struct iovec *iov, size_t n)
{
	size_t t = 0, i;

	for (i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

static void gather(const struct iovec *iov, size_t n, uint8_t *out)
{
	size_t off = 0, i;

	for (i = 0; i < n; i++) {
		memcpy(out + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
}

static void check_header(const struct iovec *iov, size_t n)
{
	const struct qb_ipc_response_header *h = iov[0].iov_base;

	if (iov[0].iov_len < sizeof(*h) || (size_t)h->size != iov_total(iov, n))
		abort();
}

static int fake_reply(void *c, const struct iovec *iov, size_t n)
{
	struct harness *hs = c;
	const struct qb_ipc_response_header *h = iov[0].iov_base;

	check_header(iov, n);
	if (hs->current_req == MESSAGE_REQ_CPG_MCAST)
		abort();   /* the client would read it as the next call's reply */
	if (h->id == MESSAGE_RES_CPG_MEMBERSHIP && iov_total(iov, n) > 9248)
		abort();
	return 0;
}

static int fake_event(void *c, const struct iovec *iov, size_t n)
{
	size_t total = iov_total(iov, n);
	uint8_t *buf;
	const struct res_lib_cpg_confchg_callback *cc;
	const struct res_lib_cpg_totem_confchg_callback *tc;

	(void)c;
	check_header(iov, n);
	buf = malloc(total);
	if (!buf)
		abort();
	gather(iov, n, buf);
	cc = (const void *)buf;
	tc = (const void *)buf;
	switch (cc->header.id) {
	case MESSAGE_RES_CPG_CONFCHG_CALLBACK:
		if (total < sizeof(*cc) || cc->member_list_entries > 128 || cc->left_list_entries > 128 ||
		    cc->joined_list_entries > 128 ||
		    total != sizeof(*cc) + 24 * ((size_t)cc->member_list_entries +
						 cc->left_list_entries + cc->joined_list_entries))
			abort();
		break;
	case MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK:
		if (total < sizeof(*tc) || tc->member_list_entries > 128 ||
		    total != sizeof(*tc) + 4 * (size_t)tc->member_list_entries)
			abort();
		break;
	case MESSAGE_RES_CPG_DELIVER_CALLBACK:
	case MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK:
		break;
	default:
		abort();
	}
	free(buf);
	return 0;
}

static int fake_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t n,
		      enum svc_guarantee g)
{
	struct harness *hs = ctx;
	struct queued *q;

	(void)g;
	if (hs->count == QUEUE_MAX)
		return -EAGAIN;
	q = &hs->q[hs->count];
	q->len = iov_total(iov, n);
	q->buf = malloc(q->len ? q->len : 1);
	if (!q->buf)
		abort();
	gather(iov, n, q->buf);
	q->group = group;
	hs->count++;
	return 0;
}

static const struct host_ipc_ops ipc_ops = { .reply = fake_reply, .event = fake_event };
static const struct host_totem_ops totem_ops = { .mcast = fake_mcast };

static void loopback(struct host *host, struct harness *hs, bool foreign)
{
	size_t rounds = 0;

	while (hs->count && rounds++ < 64) {
		struct queued q = hs->q[0];

		memmove(&hs->q[0], &hs->q[1], (hs->count - 1) * sizeof(hs->q[0]));
		hs->count--;
		if (q.group == HOST_GROUP_SYNC) {
			host_sync_deliver(host, 1, q.buf, q.len, false);
		} else {
			if (foreign && q.len >= sizeof(struct qb_ipc_request_header)) {
				struct qb_ipc_request_header *h = (void *)q.buf;

				h->id = (int32_t)__builtin_bswap32((uint32_t)h->id);
				h->size = (int32_t)__builtin_bswap32((uint32_t)h->size);
			}
			host_deliver(host, 1, q.buf, q.len, foreign);
		}
		free(q.buf);
		host_advance(host, 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct harness hs;
	static const uint32_t one[] = { 1 };
	struct host_config hc;
	struct host *host;
	struct svc_conn *conn;
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	uint64_t now = 0, seq = 4;
	size_t off = 0;

	if (!cmap || !stats)
		abort();
	memset(&hs, 0, sizeof(hs));
	hs.current_req = -1;
	memset(&hc, 0, sizeof(hc));
	hc.nodeid = 1;
	hc.cmap = cmap;
	hc.stats = stats;
	hc.ipc = &ipc_ops;
	hc.totem = &totem_ops;
	hc.totem_ctx = &hs;
	if (host_create(&hc, &host) < 0 || host_add_service(host, &cpg_service_def, NULL, NULL, 0) < 0 ||
	    host_conn_open(host_service_by_id(host, CPG_SERVICE_ID), &hs, 100, 0, 0, &conn) < 0)
		abort();

	while (off + 3 <= size) {
		uint8_t flags = data[off];
		size_t len = (size_t)data[off + 1] | ((size_t)data[off + 2] << 8);
		uint8_t *msg;

		off += 3;
		if (len > size - off)
			len = size - off;
		msg = malloc(len ? len : 1);
		if (!msg)
			abort();
		memcpy(msg, data + off, len);
		off += len;
		if ((flags & 1) && len >= sizeof(struct qb_ipc_request_header))
			((struct qb_ipc_request_header *)msg)->size = (int32_t)len;
		if (flags & 2) {
			host_conn_close(conn);
			if (host_conn_open(host_service_by_id(host, CPG_SERVICE_ID), &hs, 100, 0, 0,
					   &conn) < 0)
				abort();
		}
		if (flags & 8) {
			struct svc_view v = { .rep_nodeid = 1, .ring_seq = seq, .members = one,
					      .members_count = 1, .trans = one, .trans_count = 1 };

			seq += 4;
			host_confchg(host, &v);
			loopback(host, &hs, false);
		}
		hs.current_req = len >= sizeof(struct qb_ipc_request_header) ?
					 ((struct qb_ipc_request_header *)msg)->id : -1;
		(void)host_conn_dispatch(conn, msg, len);
		hs.current_req = -1;
		free(msg);
		loopback(host, &hs, flags & 4);
		now += 10;
		host_advance(host, now);
		loopback(host, &hs, false);
	}
	host_conn_close(conn);
	loopback(host, &hs, false);
	host_destroy(host);
	while (hs.count)
		free(hs.q[--hs.count].buf);
	icmap_free(stats);
	icmap_free(cmap);
	return 0;
}
