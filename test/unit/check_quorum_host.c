/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The quorum and votequorum services together on the real service host
 * (services/host.c, services/sync.c), one node looping its totem messages
 * back: the provider's decisions reach the host (svc_quorate) and the
 * quorum service's clients, and a membership change produces corosync's
 * event order: quorum V1 NODELIST (quorum activate), votequorum NODELIST
 * (votequorum process), then the QUORUM events (votequorum activate).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>

#include <chorus/icmap.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_quorum.h>
#include <corosync/ipc_votequorum.h>

#include "services/host.h"
#include "services/quorum/quorum_service.h"
#include "services/votequorum/votequorum_service.h"
#include "test/check_common.h"

#define QMAX 64

/* Totem loopback and an event log shared by the connections (test-only state). */
struct loop {
	unsigned char q[QMAX][1024] __attribute__((aligned(8)));
	size_t len[QMAX];
	enum host_group group[QMAX];
	size_t n;
	/* events: which connection tag got which id, in order */
	char tag[128];
	int32_t id[128];
	size_t events;
	uint64_t now;
};

static struct loop L;

static int on_reply(void *c, const struct iovec *iov, size_t n)
{
	(void)c, (void)iov, (void)n;
	return 0;
}

static int on_event(void *c, const struct iovec *iov, size_t n)
{
	const struct qb_ipc_response_header *h = iov[0].iov_base;

	(void)n;
	ck_assert_uint_lt(L.events, 128);
	L.tag[L.events] = *(const char *)c;
	L.id[L.events] = h->id;
	L.events++;
	return 0;
}

static int on_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t n,
		    enum svc_guarantee g)
{
	size_t off = 0;

	(void)ctx, (void)g;
	ck_assert_uint_lt(L.n, QMAX);
	for (size_t i = 0; i < n; i++) {
		memcpy(L.q[L.n] + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	L.len[L.n] = off;
	L.group[L.n] = group;
	L.n++;
	return 0;
}

static const struct host_ipc_ops ipc_ops = { .reply = on_reply, .event = on_event };
static const struct host_totem_ops totem_ops = { .mcast = on_mcast };

static void run(struct host *host)
{
	for (int rounds = 0; rounds < 1000; rounds++) {
		host_advance(host, ++L.now);
		if (L.n == 0 && !host_sync_in_progress(host))
			return;
		while (L.n > 0) {
			unsigned char m[1024] __attribute__((aligned(8)));
			size_t len = L.len[0];
			enum host_group g = L.group[0];

			memcpy(m, L.q[0], len);
			memmove(L.q[0], L.q[1], sizeof(L.q[0]) * (QMAX - 1));
			memmove(&L.len[0], &L.len[1], sizeof(L.len[0]) * (QMAX - 1));
			memmove(&L.group[0], &L.group[1], sizeof(L.group[0]) * (QMAX - 1));
			L.n--;
			if (g == HOST_GROUP_SYNC)
				host_sync_deliver(host, 1, m, len, false);
			else
				host_deliver(host, 1, m, len, false);
		}
	}
	ck_abort_msg("the host did not settle");
}

static struct host *make(struct icmap *cmap, struct icmap *stats)
{
	struct host_config hc = { .nodeid = 1, .ipc = &ipc_ops, .totem = &totem_ops };
	struct host *host;
	char why[256];

	memset(&L, 0, sizeof(L));
	hc.cmap = cmap;
	hc.stats = stats;
	ck_assert_int_eq(host_create(&hc, &host), 0);
	ck_assert_msg(host_add_service(host, &quorum_service_def, NULL, why, sizeof(why)) == 0, "%s", why);
	ck_assert_msg(host_add_service(host, &votequorum_service_def, NULL, why, sizeof(why)) == 0,
		      "%s", why);
	return host;
}

static void request(struct svc_conn *c, int32_t id, uint32_t arg, size_t len)
{
	struct {
		struct qb_ipc_request_header h;
		uint64_t a;
		uint32_t b;
	} __attribute__((aligned(8))) req;

	memset(&req, 0, sizeof(req));
	req.h.id = id;
	req.h.size = (int32_t)len;
	memcpy(&req.a, &arg, sizeof(arg));
	ck_assert_int_eq(host_conn_dispatch(c, &req, len), 0);
}

START_TEST(order_of_events)
{
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	struct host *host;
	static char tq0 = 'a', tq1 = 'b', tvq = 'c';
	struct svc_conn *q0, *q1, *vq;
	static const uint32_t me[] = { 1 };
	struct svc_view v = { .rep_nodeid = 1, .ring_seq = 4, .members = me, .members_count = 1,
			      .joined = me, .joined_count = 1 };
	struct req_lib_votequorum_trackstart ts;
	size_t i;

	icmap_set_string(cmap, "quorum.provider", "corosync_votequorum");
	icmap_set_uint32(cmap, "nodelist.node.0.nodeid", 1);
	icmap_set_string(cmap, "nodelist.node.0.ring0_addr", "192.0.2.1");
	icmap_set_uint32(cmap, "nodelist.local_node_pos", 0);
	host = make(cmap, stats);
	/* a one-node cluster (expected 1) is quorate from votequorum's init on, as in corosync */
	ck_assert(svc_quorate(host_service_by_id(host, QUORUM_SERVICE_ID)));
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, QUORUM_SERVICE_ID), &tq0, 10, 0, 0,
					&q0), 0);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, QUORUM_SERVICE_ID), &tq1, 11, 0, 0,
					&q1), 0);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, VOTEQUORUM_SERVICE_ID), &tvq, 12, 0,
					0, &vq), 0);
	request(q1, MESSAGE_REQ_QUORUM_MODEL_GETTYPE, 1, sizeof(struct req_lib_quorum_model_gettype));
	request(q0, MESSAGE_REQ_QUORUM_TRACKSTART, CS_TRACK_CHANGES_ONLY,
		sizeof(struct req_lib_quorum_trackstart));
	request(q1, MESSAGE_REQ_QUORUM_TRACKSTART, CS_TRACK_CHANGES_ONLY,
		sizeof(struct req_lib_quorum_trackstart));
	memset(&ts, 0, sizeof(ts));
	ts.header.id = MESSAGE_REQ_VOTEQUORUM_TRACKSTART;
	ts.header.size = sizeof(ts);
	ts.track_flags = CS_TRACK_CHANGES_ONLY;
	ck_assert_int_eq(host_conn_dispatch(vq, &ts, sizeof(ts)), 0);
	run(host);
	L.events = 0;

	host_confchg(host, &v);
	run(host);
	ck_assert(host_ready(host));
	ck_assert(svc_quorate(host_service_by_id(host, QUORUM_SERVICE_ID)));
	/* b:7 (quorum activate), c:5 (votequorum process), then the QUORUM events */
	ck_assert_uint_ge(L.events, 5);
	ck_assert_int_eq(L.tag[0], 'b');
	ck_assert_int_eq(L.id[0], MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION);
	ck_assert_int_eq(L.tag[1], 'c');
	ck_assert_int_eq(L.id[1], MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION);
	for (i = 2; i < L.events; i++) {
		if (L.tag[i] == 'a')
			ck_assert_int_eq(L.id[i], MESSAGE_RES_QUORUM_NOTIFICATION);
		else if (L.tag[i] == 'b')
			ck_assert_int_eq(L.id[i], MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION);
		else
			ck_assert(L.id[i] == MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION ||
				  L.id[i] == MESSAGE_RES_VOTEQUORUM_EXPECTEDVOTES_NOTIFICATION);
	}
	/* each QUORUM event exactly once per client for the change */
	{
		int a = 0, b = 0, c = 0;

		for (i = 2; i < L.events; i++) {
			a += L.tag[i] == 'a';
			b += L.tag[i] == 'b';
			c += L.tag[i] == 'c' && L.id[i] == MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION;
		}
		ck_assert_int_eq(a, 1);
		ck_assert_int_eq(b, 1);
		ck_assert_int_eq(c, 1);
	}
	host_conn_close(q0);
	host_conn_close(q1);
	host_conn_close(vq);
	host_destroy(host);
	icmap_free(cmap);
	icmap_free(stats);
}
END_TEST

START_TEST(no_provider_no_votequorum_needed)
{
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	struct host_config hc = { .nodeid = 1, .ipc = &ipc_ops, .totem = &totem_ops };
	struct host *host;
	char why[256];

	memset(&L, 0, sizeof(L));
	hc.cmap = cmap;
	hc.stats = stats;
	ck_assert_int_eq(host_create(&hc, &host), 0);
	ck_assert_int_eq(host_add_service(host, &quorum_service_def, NULL, why, sizeof(why)), 0);
	ck_assert(svc_quorate(host_service_by_id(host, QUORUM_SERVICE_ID)));
	host_destroy(host);
	icmap_free(cmap);
	icmap_free(stats);
}
END_TEST

START_TEST(votequorum_config_error_refuses)
{
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	struct host_config hc = { .nodeid = 1, .ipc = &ipc_ops, .totem = &totem_ops };
	struct host *host;
	char why[256];

	memset(&L, 0, sizeof(L));
	icmap_set_string(cmap, "quorum.provider", "corosync_votequorum");
	hc.cmap = cmap;
	hc.stats = stats;
	ck_assert_int_eq(host_create(&hc, &host), 0);
	ck_assert_int_eq(host_add_service(host, &quorum_service_def, NULL, why, sizeof(why)), 0);
	ck_assert_int_lt(host_add_service(host, &votequorum_service_def, NULL, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "configuration error: nodelist or quorum.expected_votes must be configured!");
	host_destroy(host);
	icmap_free(cmap);
	icmap_free(stats);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("quorum_host");
	TCase *tc;

	add_tcase(s, tc, order_of_events);
	add_tcase(s, tc, no_provider_no_votequorum_needed);
	add_tcase(s, tc, votequorum_config_error_refuses);
	return s;
}

int main(void)
{
	return check_run_suite(suite());
}
