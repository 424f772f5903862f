/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the cfg, quorum and votequorum services: the real
 * service host (services/host.c, services/sync.c) with the three real
 * services, votequorum as the quorum provider and a 3-node nodelist (this
 * is node 1).  FUZZ_MODE picks what the input feeds:
 *   0 cfg IPC requests, 1 quorum IPC requests, 2 votequorum IPC requests
 *   (through host_conn_dispatch on one client connection),
 *   3 cfg totem messages, 4 votequorum totem messages (through
 *   host_deliver, as a peer sends them).
 * Input: records of [flags u8][len u16 LE][len bytes].  Flags: bit 0 writes
 * the record's length into the header's size field; bit 1 (IPC) closes the
 * connection and opens a new one first; bit 2 the totem message (mode 3/4)
 * or the multicasts the request caused (IPC) arrive in the other byte
 * order; bit 3 starts a membership change (view chosen by bits 5-6: {1},
 * {1,2}, {1,2,3}, {1,3}), driven to completion by the loopback; bit 4
 * (totem) forces the header's service id to the fuzzed service's, keeping
 * the fn id, in the sender's byte order; bits 5-6 (totem) the sender
 * (node 1 + value).  Multicasts loop back from node 1 after every record.
 * Beside the fuzzed connection, trackers stay open on every service
 * (quorum V0 and V1, votequorum, cfg), so events flow.
 * Checked after every reply and event: header.size equals the bytes sent;
 * each service's events use only its event ids with exactly the size their
 * lists give (corosync's layouts, docs/ and include/corosync/ipc_*.h);
 * a V0 quorum client never gets a V1 event nor a V1 client a V0 one.
 * Corpora: test/fuzz/corpus/{ipc_cfg,ipc_quorum,ipc_votequorum,cfg_exec,vq_exec}/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>

#include <chorus/icmap.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_cfg.h>
#include <corosync/ipc_quorum.h>
#include <corosync/ipc_votequorum.h>
#include "services/cfg/cfg_service.h"
#include "services/host.h"
#include "services/quorum/quorum_service.h"
#include "services/votequorum/votequorum_service.h"

#ifndef FUZZ_MODE
#define FUZZ_MODE 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QUEUE_MAX 64

struct queued {
	enum host_group group;
	uint8_t *buf;
	size_t len;
};

/* What the event checker knows about a connection (its ipc_conn pointer). */
struct tag {
	uint16_t service;
	int model;              /* quorum: 0 or 1 (as the tag's MODEL_GETTYPE set it) */
};

struct harness {
	struct queued q[QUEUE_MAX];
	size_t count;
	int shutdowns;
	/* the current view: sync messages loop back from each member */
	const uint32_t *members;
	size_t members_count;
};

static size_t iov_total(const struct iovec *iov, size_t n)
{
	size_t t = 0;

	for (size_t i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

static uint8_t *gather(const struct iovec *iov, size_t n, size_t *ret_len)
{
	size_t total = iov_total(iov, n), off = 0;
	uint8_t *out = malloc(total ? total : 1);

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		memcpy(out + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	*ret_len = total;
	return out;
}

static void check_header(const struct iovec *iov, size_t n)
{
	const struct qb_ipc_response_header *h = iov[0].iov_base;

	if (iov[0].iov_len < sizeof(*h) || (size_t)h->size != iov_total(iov, n))
		abort();
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int fake_reply(void *c, const struct iovec *iov, size_t n)
{
	(void)c;
	check_header(iov, n);
	return 0;
}

static void check_quorum_event(const struct tag *t, const uint8_t *b, size_t total, int32_t id)
{
	switch (id) {
	case MESSAGE_RES_QUORUM_NOTIFICATION:
		/* the flexible arrays start 4 bytes before the struct's end */
		if (t->model != 0 || total < 48 || total != 48 + 4 * (size_t)rd32(b + 40))
			abort();
		break;
	case MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION:
		if (t->model != 1 || total < 56 || total != 56 + 4 * (size_t)rd32(b + 48))
			abort();
		break;
	case MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION:
		if (t->model != 1 || total < 64 ||
		    total != 64 + 4 * ((size_t)rd32(b + 40) + rd32(b + 48) + rd32(b + 56)))
			abort();
		break;
	default:
		abort();
	}
}

static void check_votequorum_event(const uint8_t *b, size_t total, int32_t id)
{
	switch (id) {
	case MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION:
		if (total < 48 || total != 48 + 8 * (size_t)rd32(b + 40))
			abort();
		break;
	case MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION:
		if (total < 56 || total != 56 + 4 * (size_t)rd32(b + 48))
			abort();
		break;
	case MESSAGE_RES_VOTEQUORUM_EXPECTEDVOTES_NOTIFICATION:
		if (total != 40)
			abort();
		break;
	default:
		abort();
	}
}

static int fake_event(void *c, const struct iovec *iov, size_t n)
{
	const struct tag *t = c;
	size_t total;
	uint8_t *b;
	int32_t id;

	check_header(iov, n);
	b = gather(iov, n, &total);
	id = ((const struct qb_ipc_response_header *)(const void *)b)->id;
	switch (t->service) {
	case CFG_SERVICE_ID:
		if (id != MESSAGE_RES_CFG_TESTSHUTDOWN || total != sizeof(struct res_lib_cfg_testshutdown))
			abort();
		break;
	case QUORUM_SERVICE_ID:
		check_quorum_event(t, b, total, id);
		break;
	case VOTEQUORUM_SERVICE_ID:
		check_votequorum_event(b, total, id);
		break;
	default:
		abort();
	}
	free(b);
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
	q->buf = gather(iov, n, &q->len);
	q->group = group;
	hs->count++;
	return 0;
}

static int fake_node_status(void *ctx, uint32_t nodeid, struct svc_node_status *ret)
{
	(void)ctx;
	if (nodeid == 0 || nodeid > 3)
		return -ENOENT;
	memset(ret, 0, sizeof(*ret));
	ret->reachable = true;
	return 0;
}

static int fake_shutdown(void *ctx, int exit_status, const char *reason)
{
	(void)exit_status;
	(void)reason;
	((struct harness *)ctx)->shutdowns++;
	return 0;
}

static int fake_reopen(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct host_ipc_ops ipc_ops = { .reply = fake_reply, .event = fake_event };
static const struct host_totem_ops totem_ops = { .mcast = fake_mcast };
static const struct host_daemon_ops daemon_ops = {
	.node_status = fake_node_status, .shutdown = fake_shutdown, .reopen_logs = fake_reopen,
};

static void swap_header(uint8_t *buf, size_t len)
{
	struct qb_ipc_request_header h;

	if (len < sizeof(h))
		return;
	memcpy(&h, buf, sizeof(h));
	h.id = (int32_t)__builtin_bswap32((uint32_t)h.id);
	h.size = (int32_t)__builtin_bswap32((uint32_t)h.size);
	memcpy(buf, &h, sizeof(h));
}

static void loopback(struct host *host, struct harness *hs, bool foreign)
{
	size_t rounds = 0;

	while (hs->count && rounds++ < 256) {
		struct queued q = hs->q[0];

		memmove(&hs->q[0], &hs->q[1], (hs->count - 1) * sizeof(hs->q[0]));
		hs->count--;
		if (q.group == HOST_GROUP_SYNC) {
			/* the peers of the view answer as this node does, so sync completes */
			for (size_t m = 0; m < hs->members_count; m++)
				host_sync_deliver(host, hs->members[m], q.buf, q.len, false);
		} else {
			if (foreign)
				swap_header(q.buf, q.len);
			host_deliver(host, 1, q.buf, q.len, foreign);
		}
		free(q.buf);
	}
}

static void settle(struct host *host, struct harness *hs, uint64_t *now)
{
	for (int i = 0; i < 64; i++) {
		loopback(host, hs, false);
		*now += 10;
		host_advance(host, *now);
		if (!hs->count && !host_sync_in_progress(host))
			break;
	}
}

static void request(struct svc_conn *c, int32_t id, const void *body, size_t body_len)
{
	uint8_t buf[64] __attribute__((aligned(8)));
	/* the request structs are 8-aligned: their size is rounded up */
	size_t len = (sizeof(struct qb_ipc_request_header) + body_len + 7) & ~(size_t)7;
	struct qb_ipc_request_header h = { .id = id, .size = (int32_t)len };

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), body, body_len);
	if (host_conn_dispatch(c, buf, len) < 0)
		abort();
}

static void view_change(struct host *host, struct harness *hs, uint64_t *now, uint64_t *seq,
			unsigned int which)
{
	static const uint32_t v1[] = { 1 }, v12[] = { 1, 2 }, v123[] = { 1, 2, 3 },
			      v13[] = { 1, 3 };
	static const struct {
		const uint32_t *m;
		size_t n;
	} views[] = { { v1, 1 }, { v12, 2 }, { v123, 3 }, { v13, 2 } };
	struct svc_view v = { .rep_nodeid = 1, .ring_seq = *seq, .members = views[which & 3].m,
			      .members_count = views[which & 3].n, .trans = v1, .trans_count = 1 };

	*seq += 4;
	hs->members = v.members;
	hs->members_count = v.members_count;
	host_confchg(host, &v);
	settle(host, hs, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct harness hs;
	static struct tag t_cfg = { CFG_SERVICE_ID, 0 }, t_q0 = { QUORUM_SERVICE_ID, 0 },
			  t_q1 = { QUORUM_SERVICE_ID, 1 }, t_vq = { VOTEQUORUM_SERVICE_ID, 0 },
			  t_target;
	static const uint16_t targets[] = { CFG_SERVICE_ID, QUORUM_SERVICE_ID, VOTEQUORUM_SERVICE_ID,
					    CFG_SERVICE_ID, VOTEQUORUM_SERVICE_ID };
	const uint16_t target = targets[FUZZ_MODE];
	const bool totem = FUZZ_MODE >= 3;
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	struct host_config hc;
	struct host *host;
	struct svc_conn *conn = NULL, *c_cfg, *c_q0, *c_q1, *c_vq;
	uint64_t now = 0, seq = 4;
	size_t off = 0;
	uint32_t one = 1;
	uint64_t ctx = 7;
	uint8_t track[12];

	if (!cmap || !stats)
		abort();
	icmap_set_string(cmap, "quorum.provider", "corosync_votequorum");
	for (uint32_t i = 0; i < 3; i++) {
		char key[64], addr[32];

		snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", i);
		icmap_set_uint32(cmap, key, i + 1);
		snprintf(key, sizeof(key), "nodelist.node.%u.ring0_addr", i);
		snprintf(addr, sizeof(addr), "192.0.2.%u", i + 1);
		icmap_set_string(cmap, key, addr);
	}
	icmap_set_uint32(cmap, "nodelist.local_node_pos", 0);
	memset(&hs, 0, sizeof(hs));
	memset(&hc, 0, sizeof(hc));
	hc.nodeid = 1;
	hc.cmap = cmap;
	hc.stats = stats;
	hc.ipc = &ipc_ops;
	hc.totem = &totem_ops;
	hc.totem_ctx = &hs;
	hc.daemon = &daemon_ops;
	hc.daemon_ctx = &hs;
	if (host_create(&hc, &host) < 0 || host_add_service(host, &cfg_service_def, NULL, NULL, 0) < 0 ||
	    host_add_service(host, &quorum_service_def, NULL, NULL, 0) < 0 ||
	    host_add_service(host, &votequorum_service_def, NULL, NULL, 0) < 0)
		abort();
	/* the trackers */
	if (host_conn_open(host_service_by_id(host, CFG_SERVICE_ID), &t_cfg, 10, 0, 0, &c_cfg) < 0 ||
	    host_conn_open(host_service_by_id(host, QUORUM_SERVICE_ID), &t_q0, 11, 0, 0, &c_q0) < 0 ||
	    host_conn_open(host_service_by_id(host, QUORUM_SERVICE_ID), &t_q1, 12, 0, 0, &c_q1) < 0 ||
	    host_conn_open(host_service_by_id(host, VOTEQUORUM_SERVICE_ID), &t_vq, 13, 0, 0, &c_vq) < 0)
		abort();
	request(c_cfg, MESSAGE_REQ_CFG_TRACKSTART, &one, 1);
	request(c_q1, MESSAGE_REQ_QUORUM_MODEL_GETTYPE, &one, sizeof(one));
	one = CS_TRACK_CHANGES;
	request(c_q0, MESSAGE_REQ_QUORUM_TRACKSTART, &one, sizeof(one));
	request(c_q1, MESSAGE_REQ_QUORUM_TRACKSTART, &one, sizeof(one));
	memset(track, 0, sizeof(track));
	memcpy(track, &ctx, sizeof(ctx));
	memcpy(track + 8, &one, sizeof(one));
	request(c_vq, MESSAGE_REQ_VOTEQUORUM_TRACKSTART, track, sizeof(track));
	view_change(host, &hs, &now, &seq, 2);

	/*
	 * The fuzzed quorum connection stays V0 unless it asks otherwise: the
	 * checker cannot know its model, so it gets a tag of its own that
	 * accepts what the request stream set (tracked below).
	 */
	t_target.service = target;
	t_target.model = 0;
	if (!totem && host_conn_open(host_service_by_id(host, target), &t_target, 100, 0, 0, &conn) < 0)
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
		if ((flags & 8))
			view_change(host, &hs, &now, &seq, (flags >> 5) & 3);
		if ((flags & 1) && len >= sizeof(struct qb_ipc_request_header)) {
			int32_t sz = (int32_t)len;

			if (totem && (flags & 4))
				sz = (int32_t)__builtin_bswap32((uint32_t)sz);
			memcpy(msg + offsetof(struct qb_ipc_request_header, size), &sz, sizeof(sz));
		}
		if (totem) {
			if ((flags & 16) && len >= sizeof(struct qb_ipc_request_header)) {
				uint32_t id;

				memcpy(&id, msg, sizeof(id));
				if (flags & 4)
					id = __builtin_bswap32(id);
				id = ((uint32_t)target << 16) | (id & 0xffff);
				if (flags & 4)
					id = __builtin_bswap32(id);
				memcpy(msg, &id, sizeof(id));
			}
			host_deliver(host, 1 + ((flags >> 5) & 3), msg, len, flags & 4);
		} else {
			if (flags & 2) {
				host_conn_close(conn);
				t_target.model = 0;
				if (host_conn_open(host_service_by_id(host, target), &t_target, 100, 0, 0,
						   &conn) < 0)
					abort();
			}
			/* a MODEL_GETTYPE the service accepts makes the connection V1 */
			if (target == QUORUM_SERVICE_ID && len >= 20) {
				struct qb_ipc_request_header h;
				uint32_t model;

				memcpy(&h, msg, sizeof(h));
				memcpy(&model, msg + 16, sizeof(model));
				if (h.id == MESSAGE_REQ_QUORUM_MODEL_GETTYPE && model <= 1 &&
				    (size_t)h.size == len && len == sizeof(struct req_lib_quorum_model_gettype))
					t_target.model = (int)model;
			}
			(void)host_conn_dispatch(conn, msg, len);
		}
		free(msg);
		loopback(host, &hs, !totem && (flags & 4));
		now += 10;
		host_advance(host, now);
		loopback(host, &hs, false);
	}
	if (conn)
		host_conn_close(conn);
	host_conn_close(c_vq);
	host_conn_close(c_q1);
	host_conn_close(c_q0);
	host_conn_close(c_cfg);
	loopback(host, &hs, false);
	host_destroy(host);
	while (hs.count)
		free(hs.q[--hs.count].buf);
	icmap_free(stats);
	icmap_free(cmap);
	return 0;
}
