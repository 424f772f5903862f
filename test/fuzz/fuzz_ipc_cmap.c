/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for IPC request dispatch: the real service host
 * (services/host.c) and the real cmap service, fed a sequence of requests
 * from one client connection.  Input: records of [flags u8][len u16 LE][len
 * bytes]; flags bit 0 makes the harness write the record's length into the
 * request header's size field (so the fuzzer gets past the size check),
 * bit 1 switches the connection to the stats map first.  Multicasts a
 * handler sends are delivered back through host_deliver() after each
 * request.  Every reply and event must carry a header whose size equals the
 * bytes sent; anything else aborts.  Corpus: test/fuzz/corpus/ipc_cmap/.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>

#include <chorus/icmap.h>
#include "services/cmap/cmap_service.h"
#include "services/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pending {
	uint8_t buf[70000];
	size_t len;
	int have;
};

static size_t iov_total(const struct iovec *iov, size_t n)
{
	size_t t = 0, i;

	for (i = 0; i < n; i++)
		t += iov[i].iov_len;
	return t;
}

static int check_out(const struct iovec *iov, size_t n)
{
	const struct qb_ipc_response_header *h = iov[0].iov_base;

	assert(iov[0].iov_len >= sizeof(*h));
	assert((size_t)h->size == iov_total(iov, n));
	return 0;
}

static int fake_reply(void *c, const struct iovec *iov, size_t n) { return check_out(iov, n); }
static int fake_event(void *c, const struct iovec *iov, size_t n) { return check_out(iov, n); }

static int fake_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t n,
		      enum svc_guarantee g)
{
	struct pending *p = ctx;
	size_t off = 0, i, total = iov_total(iov, n);

	if (group != HOST_GROUP_SERVICES || p->have || total > sizeof(p->buf))
		return -EAGAIN;
	for (i = 0; i < n; i++) {
		memcpy(p->buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	p->len = total;
	p->have = 1;
	return 0;
}

static const struct host_ipc_ops ipc_ops = { .reply = fake_reply, .event = fake_event };
static const struct host_totem_ops totem_ops = { .mcast = fake_mcast };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pending pending;
	struct host_config hc;
	struct host *host;
	struct svc_conn *conn;
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	size_t off = 0;

	if (!cmap || !stats)
		abort();
	(void)icmap_set_uint32(cmap, "totem.version", 2);
	(void)icmap_set_string(cmap, "totem.cluster_name", "fuzz");
	(void)icmap_set_ro_prefix(cmap, "runtime.config.");
	(void)icmap_set_uint64(stats, "stats.ipcs.global.active", 1);
	memset(&hc, 0, sizeof(hc));
	hc.nodeid = 1;
	hc.cmap = cmap;
	hc.stats = stats;
	hc.ipc = &ipc_ops;
	hc.totem = &totem_ops;
	hc.totem_ctx = &pending;
	pending.have = 0;
	if (host_create(&hc, &host) < 0 || host_add_service(host, &cmap_service_def, NULL, NULL, 0) < 0 ||
	    host_conn_open(host_service_by_id(host, 0), &pending, 1, 0, 0, &conn) < 0)
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
			struct { struct qb_ipc_request_header h; int32_t map; int32_t pad; } m;

			memset(&m, 0, sizeof(m));
			m.h.id = 9;
			m.h.size = sizeof(m);
			m.map = 1;
			(void)host_conn_dispatch(conn, &m, sizeof(m));
		}
		(void)host_conn_dispatch(conn, msg, len);
		free(msg);
		if (pending.have) {
			uint8_t *copy = malloc(pending.len);

			if (!copy)
				abort();
			memcpy(copy, pending.buf, pending.len);
			pending.have = 0;
			host_deliver(host, 2, copy, pending.len, flags & 4);
			free(copy);
		}
	}
	host_conn_close(conn);
	host_destroy(host);
	icmap_free(stats);
	icmap_free(cmap);
	return 0;
}
