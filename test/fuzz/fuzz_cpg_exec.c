/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for CPG totem messages from a peer: the real service
 * host (services/host.c) with the real CPG service and two local clients
 * joined to groups "g" and "h" (one asked for the initial totem confchg),
 * fed messages through host_deliver() as a peer would send them.  Input:
 * records of [flags u8][len u16 LE][len bytes]; flags: bit 0 the sender's
 * byte order is the other one; bits 4-6 the sender node (1 + value); bit 7
 * forces the service id in the header to CPG's (2), keeping the fn id, in
 * the sender's byte order; bit 1 starts a CPG sync round (init with members
 * {1, sender}), bit 2 runs it to activation (process, loopback, activate),
 * bit 3 aborts it.  Events sent to the clients are checked as in
 * fuzz_ipc_cpg.c.  Corpus: test/fuzz/corpus/cpg_exec/.
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

#define QUEUE_MAX 16

struct queued {
	uint8_t *buf;
	size_t len;
};

struct harness {
	struct queued q[QUEUE_MAX];
	size_t count;
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
	(void)c;
	check_header(iov, n);
	return 0;
}

static int fake_event(void *c, const struct iovec *iov, size_t n)
{
	size_t total = iov_total(iov, n);
	uint8_t *buf;
	const struct res_lib_cpg_confchg_callback *cc;
	const struct res_lib_cpg_totem_confchg_callback *tc;
	const struct res_lib_cpg_deliver_callback *dc;
	const struct res_lib_cpg_partial_deliver_callback *pc;

	(void)c;
	check_header(iov, n);
	buf = malloc(total);
	if (!buf)
		abort();
	gather(iov, n, buf);
	cc = (const void *)buf;
	tc = (const void *)buf;
	dc = (const void *)buf;
	pc = (const void *)buf;
	switch (cc->header.id) {
	case MESSAGE_RES_CPG_CONFCHG_CALLBACK:
		if (total < sizeof(*cc) || cc->member_list_entries > 128 || cc->left_list_entries > 128 ||
		    cc->joined_list_entries > 128 || cc->group_name.length > 128 ||
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
		if (total < sizeof(*dc) || total != sizeof(*dc) + dc->msglen)
			abort();
		break;
	case MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK:
		if (total < sizeof(*pc) || total != sizeof(*pc) + pc->fraglen || pc->fraglen > pc->msglen)
			abort();
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
	if (group != HOST_GROUP_SERVICES)
		return 0;   /* the sync engine is not driven here */
	if (hs->count == QUEUE_MAX)
		return -EAGAIN;
	q = &hs->q[hs->count++];
	q->len = iov_total(iov, n);
	q->buf = malloc(q->len ? q->len : 1);
	if (!q->buf)
		abort();
	gather(iov, n, q->buf);
	return 0;
}

static const struct host_ipc_ops ipc_ops = { .reply = fake_reply, .event = fake_event };
static const struct host_totem_ops totem_ops = { .mcast = fake_mcast };

static void loopback(struct host *host, struct harness *hs)
{
	size_t i;

	for (i = 0; i < hs->count; i++) {
		host_deliver(host, 1, hs->q[i].buf, hs->q[i].len, false);
		free(hs->q[i].buf);
	}
	hs->count = 0;
}

static void join(struct svc_conn *conn, const char *group, uint32_t pid, uint32_t flags)
{
	struct req_lib_cpg_join r;

	memset(&r, 0, sizeof(r));
	r.header.id = MESSAGE_REQ_CPG_JOIN;
	r.header.size = sizeof(r);
	r.group_name.length = (uint32_t)strlen(group);
	memcpy(r.group_name.value, group, strlen(group));
	r.pid = pid;
	r.flags = flags;
	if (host_conn_dispatch(conn, &r, sizeof(r)) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct harness hs;
	struct host_config hc;
	struct host *host;
	struct svc *svc;
	struct svc_conn *c1, *c2;
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	uint32_t members[2];
	uint64_t seq = 4;
	size_t off = 0;

	if (!cmap || !stats)
		abort();
	memset(&hs, 0, sizeof(hs));
	memset(&hc, 0, sizeof(hc));
	hc.nodeid = 1;
	hc.cmap = cmap;
	hc.stats = stats;
	hc.ipc = &ipc_ops;
	hc.totem = &totem_ops;
	hc.totem_ctx = &hs;
	if (host_create(&hc, &host) < 0 || host_add_service(host, &cpg_service_def, NULL, NULL, 0) < 0)
		abort();
	svc = host_service_by_id(host, CPG_SERVICE_ID);
	if (host_conn_open(svc, &hs, 100, 0, 0, &c1) < 0 || host_conn_open(svc, &hs, 101, 0, 0, &c2) < 0)
		abort();
	join(c1, "g", 100, 1);
	join(c2, "h", 101, 0);
	loopback(host, &hs);

	while (off + 3 <= size) {
		uint8_t flags = data[off];
		size_t len = (size_t)data[off + 1] | ((size_t)data[off + 2] << 8);
		uint32_t from = 1 + ((flags >> 4) & 7);
		bool foreign = flags & 1;
		uint8_t *msg;

		off += 3;
		if (len > size - off)
			len = size - off;
		if (flags & 2) {
			struct svc_view v = { .rep_nodeid = 1, .ring_seq = seq, .members = members,
					      .members_count = from == 1 ? 1 : 2, .trans = members,
					      .trans_count = 1 };

			members[0] = 1;
			members[1] = from;
			seq += 4;
			svc_def(svc)->sync->init(svc, &v);
		}
		msg = malloc(len ? len : 1);
		if (!msg)
			abort();
		memcpy(msg, data + off, len);
		off += len;
		if ((flags & 0x80) && len >= sizeof(struct qb_ipc_request_header)) {
			struct qb_ipc_request_header *h = (void *)msg;
			uint32_t id = foreign ? __builtin_bswap32((uint32_t)h->id) : (uint32_t)h->id;

			id = (2u << 16) | (id & 0xffff);
			h->id = (int32_t)(foreign ? __builtin_bswap32(id) : id);
		}
		host_deliver(host, from, msg, len, foreign);
		free(msg);
		if (flags & 4) {
			while (svc_def(svc)->sync->process(svc) == -EAGAIN)
				loopback(host, &hs);
			loopback(host, &hs);
			svc_def(svc)->sync->activate(svc);
		}
		if (flags & 8)
			svc_def(svc)->sync->abort(svc);
		loopback(host, &hs);
	}
	host_conn_close(c1);
	host_conn_close(c2);
	loopback(host, &hs);
	host_destroy(host);
	icmap_free(stats);
	icmap_free(cmap);
	return 0;
}
