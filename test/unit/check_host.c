/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the service host (services/host.c, services/sync.c): the
 * declaration checks (and a "service lint" over every service in the tree),
 * validation before dispatch, generic error replies, totem delivery checks
 * and byte-order conversion, timers, sync order and restarts.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>
#include <qb/qblog.h>

#include <corosync/corotypes.h>
#include <chorus/icmap.h>

#include "services/host.h"
#include "services/sync.h"
#include "test/check_common.h"

extern const struct svc_def cmap_service_def;
extern const struct svc_def example_service_def;

/* ---- a recording environment ---------------------------------------------- */

struct rec {
	int replies;
	struct qb_ipc_response_header last;
	int mcasts;
	unsigned char msg[1024] __attribute__((aligned(8)));
	size_t msg_len;
	/* sync-group messages waiting to be looped back, in order */
	unsigned char sync_q[8][1024] __attribute__((aligned(8)));
	size_t sync_len[8];
	int sync_n;
	int handled, delivered, deadline_calls, ready;
	size_t last_len;
	uint32_t last_from;
	char order[64];
	/* the space op: what it answers, what it was asked last */
	bool no_space;
	size_t space_asked;
	int space_calls;
	bool mcast_fail;            /* totem refuses the next multicasts with -EAGAIN */
	char async_order[64];       /* values of the async requests, as they were sent */
	int flow_on, flow_off;
	/* MODIFY events seen on runtime.services.test.3.tx */
	int tx_events;
	enum icmap_type tx_old_type;
	uint64_t tx_seen;
};

static struct rec R;

static int rec_reply(void *c, const struct iovec *iov, size_t n)
{
	R.replies++;
	memcpy(&R.last, iov[0].iov_base, sizeof(R.last));
	return 0;
}

static int rec_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t n,
		     enum svc_guarantee g)
{
	unsigned char *dst = R.msg;
	size_t i, off = 0;

	if (group == HOST_GROUP_SERVICES && R.mcast_fail)
		return -EAGAIN;
	if (group == HOST_GROUP_SYNC) {
		ck_assert_int_lt(R.sync_n, 8);
		dst = R.sync_q[R.sync_n];
	}
	for (i = 0; i < n; i++) {
		ck_assert(off + iov[i].iov_len <= sizeof(R.msg));
		memcpy(dst + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	if (group == HOST_GROUP_SYNC) {
		R.sync_len[R.sync_n++] = off;
		return 0;
	}
	R.msg_len = off;
	R.mcasts++;
	return 0;
}

/* Loop the queued sync messages back, as totem would deliver them. */
static void pump(struct host *host)
{
	while (R.sync_n > 0) {
		unsigned char m[1024] __attribute__((aligned(8)));
		size_t len = R.sync_len[0];

		memcpy(m, R.sync_q[0], len);
		memmove(R.sync_q[0], R.sync_q[1], sizeof(R.sync_q[0]) * 7);
		memmove(&R.sync_len[0], &R.sync_len[1], sizeof(R.sync_len[0]) * 7);
		R.sync_n--;
		host_sync_deliver(host, 7, m, len, false);
	}
}

static bool rec_space(void *ctx, size_t len)
{
	R.space_calls++;
	R.space_asked = len;
	return !R.no_space;
}

static const struct host_ipc_ops ipc_ops = { .reply = rec_reply, .event = rec_reply };
static const struct host_totem_ops totem_ops = { .mcast = rec_mcast, .space = rec_space };

static void on_ready(void *ctx) { R.ready++; }
static void on_deadline(void *ctx) { R.deadline_calls++; }

static struct icmap *cmap, *stats;

static struct host *make_host(void)
{
	struct host_config hc = {
		.nodeid = 7, .ipc = &ipc_ops, .totem = &totem_ops,
		.ready = on_ready, .deadline_changed = on_deadline,
	};
	struct host *host;

	memset(&R, 0, sizeof(R));
	cmap = icmap_new();
	stats = icmap_new();
	hc.cmap = cmap;
	hc.stats = stats;
	ck_assert_int_eq(host_create(&hc, &host), 0);
	return host;
}

static void free_host(struct host *host)
{
	host_destroy(host);
	icmap_free(cmap);
	icmap_free(stats);
}

/* ---- a test service ------------------------------------------------------- */

struct req_fixed {
	struct qb_ipc_request_header header;
	uint64_t value;
};

static void handle_fixed(struct svc_conn *conn, const void *msg, size_t len)
{
	R.handled++;
	R.last_len = len;
	(void)svc_reply_error(conn, 5, CS_OK);
}

static void handle_mcast(struct svc_conn *conn, const void *msg, size_t len)
{
	struct req_fixed m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	int r;

	memset(&m, 0, sizeof(m));
	m.value = 0x0102030405060708ULL;
	r = svc_mcast(svc_conn_svc(conn), 3, &iov, 1, SVC_AGREED);
	(void)svc_reply_error(conn, 6, r == 0 ? CS_OK : r == -EAGAIN ? CS_ERR_TRY_AGAIN :
			      CS_ERR_LIBRARY);
}

static void to_host_fixed(void *msg, size_t len)
{
	struct req_fixed *m = msg;

	m->value = __builtin_bswap64(m->value);
}

static void deliver_fixed(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	const struct req_fixed *m = msg;

	R.delivered++;
	R.last_from = from;
	ck_assert_uint_eq(m->value, 0x0102030405060708ULL);
}

/* An asynchronous request (like cpg_mcast_joined): never answered, and
 * handed back to the host when totem has no room. */
static void handle_async(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_fixed *req = msg;
	struct req_fixed m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	char c[2] = { (char)('0' + req->value), 0 };

	memset(&m, 0, sizeof(m));
	m.value = 0x0102030405060708ULL;
	if (svc_mcast(svc_conn_svc(conn), 3, &iov, 1, SVC_AGREED) == -EAGAIN) {
		ck_assert_int_eq(svc_request_again(conn), 0);
		return;
	}
	strcat(R.async_order, c);
}

static void on_flow(void *ctx, bool on)
{
	if (on)
		R.flow_on++;
	else
		R.flow_off++;
}

static const struct svc_ipc_op t_ipc[] = {
	{ .id = 0, .size_min = sizeof(struct req_fixed), .handle = handle_fixed },
	{ .id = 1, .size_min = sizeof(struct qb_ipc_request_header), .size_max = 1000,
	  .handle = handle_fixed },
	{ .id = 2, .flags = SVC_IPC_FLOW_CONTROL, .size_min = sizeof(struct qb_ipc_request_header),
	  .handle = handle_fixed },
	{ .id = 3, .size_min = sizeof(struct qb_ipc_request_header), .handle = handle_mcast },
	{ .id = 4, .flags = SVC_IPC_FLOW_CONTROL | SVC_IPC_NO_REPLY,
	  .size_min = sizeof(struct req_fixed), .handle = handle_async },
	{ .id = 5, .flags = SVC_IPC_FLOW_CONTROL | SVC_IPC_FLOW_PARK,
	  .size_min = sizeof(struct qb_ipc_request_header), .handle = handle_fixed },
};

static const struct svc_totem_op t_totem[] = {
	{ .id = 3, .size_min = sizeof(struct req_fixed), .to_host = to_host_fixed,
	  .handle = deliver_fixed },
};

static int sync_steps;

static void s_init(struct svc *svc, const struct svc_view *v) { strcat(R.order, "i"); }
static int s_process(struct svc *svc)
{
	strcat(R.order, "p");
	return ++sync_steps < 3 ? -EAGAIN : 0;
}
static void s_activate(struct svc *svc) { strcat(R.order, "a"); }
static void s_abort(struct svc *svc) { strcat(R.order, "x"); }

static const struct svc_sync_ops t_sync = {
	.init = s_init, .process = s_process, .activate = s_activate, .abort = s_abort,
};

static struct svc_def test_def(void)
{
	struct svc_def d = {
		.abi = SVC_ABI, .id = 30, .name = "chorus_test", .ipc_name = "test",
		.state_size = 8, .conn_state_size = 8,
		.ipc_ops = t_ipc, .ipc_ops_count = 6,
		.totem_ops = t_totem, .totem_ops_count = 1,
		.sync = &t_sync,
	};
	return d;
}

/* ---- declaration checks ----------------------------------------------------- */

START_TEST(test_def_check)
{
	static struct svc_ipc_op dup[2], small[1];
	struct svc_def d = test_def();
	char why[256];

	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), 0);
	d.abi = SVC_ABI + 1;
	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "ABI version"));

	d = test_def();
	d.id = 64;
	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), -EINVAL);

	d = test_def();
	d.name = "bad name";
	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), -EINVAL);

	d = test_def();
	dup[0] = t_ipc[0];
	dup[1] = t_ipc[1];
	dup[1].id = 0;
	d.ipc_ops = dup;
	d.ipc_ops_count = 2;
	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "duplicate IPC op id 0"));

	d = test_def();
	small[0] = t_ipc[0];
	small[0].size_min = 8;
	d.ipc_ops = small;
	d.ipc_ops_count = 1;
	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), -EINVAL);

	d = test_def();
	small[0] = t_ipc[0];
	small[0].size_max = 4;  /* below size_min */
	d.ipc_ops = small;
	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), -EINVAL);

	d = test_def();
	d.ipc_name = NULL;
	ck_assert_int_eq(host_def_check(&d, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(host_def_check(NULL, why, sizeof(why)), -EINVAL);
}
END_TEST

/* Every service built in the tree passes the host's checks. */
START_TEST(test_service_lint)
{
	const struct svc_def *defs[] = { &cmap_service_def, &example_service_def };
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(host_def_check(defs[i], why, sizeof(why)) == 0, "%s: %s", defs[i]->name, why);
	}
}
END_TEST

START_TEST(test_add_service)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_def d2 = test_def();
	char why[256];
	uint16_t sid;

	ck_assert_int_eq(host_add_service(host, &d, NULL, why, sizeof(why)), 0);
	ck_assert_int_eq(icmap_get_uint16(cmap, "runtime.services.test.service_id", &sid), 0);
	ck_assert_uint_eq(sid, 30);
	ck_assert_int_eq(icmap_get(cmap, "runtime.services.test.3.tx", NULL, NULL, NULL), 0);
	/* the same id twice, then the same IPC name under another id */
	ck_assert_int_eq(host_add_service(host, &d2, NULL, why, sizeof(why)), -EINVAL);
	d2.id = 31;
	d2.name = "chorus_other";
	ck_assert_int_eq(host_add_service(host, &d2, NULL, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "IPC name test"));
	free_host(host);
}
END_TEST

/* ---- dispatch ----------------------------------------------------------------- */

START_TEST(test_dispatch_bounds)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_conn *conn;
	unsigned char buf[2000];
	struct qb_ipc_request_header *h = (void *)buf;

	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), NULL, 1, 0, 0, &conn), 0);
	/* A connection without an ipc handle cannot send; use one that can. */
	host_conn_close(conn);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 1, 0, 0, &conn), 0);

	memset(buf, 0, sizeof(buf));
	/* exact size: handled */
	h->id = 0;
	h->size = sizeof(struct req_fixed);
	ck_assert_int_eq(host_conn_dispatch(conn, buf, sizeof(struct req_fixed)), 0);
	ck_assert_int_eq(R.handled, 1);
	ck_assert_int_eq(R.last.error, CS_OK);
	/* one byte short, one byte long, header disagreeing: generic INVALID_PARAM */
	h->size = sizeof(struct req_fixed) - 1;
	ck_assert_int_eq(host_conn_dispatch(conn, buf, sizeof(struct req_fixed) - 1), -EBADMSG);
	ck_assert_int_eq(R.last.error, CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(R.last.id, 0);
	ck_assert_int_eq(R.last.size, sizeof(struct qb_ipc_response_header));
	h->size = sizeof(struct req_fixed) + 1;
	ck_assert_int_eq(host_conn_dispatch(conn, buf, sizeof(struct req_fixed) + 1), -EBADMSG);
	h->size = 1;
	ck_assert_int_eq(host_conn_dispatch(conn, buf, sizeof(struct req_fixed)), -EBADMSG);
	/* variable op: 16..1000 */
	h->id = 1;
	h->size = 1000;
	ck_assert_int_eq(host_conn_dispatch(conn, buf, 1000), 0);
	ck_assert_uint_eq(R.last_len, 1000);
	h->size = 1001;
	ck_assert_int_eq(host_conn_dispatch(conn, buf, 1001), -EBADMSG);
	/* unknown and negative ids, shorter than a header */
	h->id = 77;
	h->size = 16;
	ck_assert_int_eq(host_conn_dispatch(conn, buf, 16), -ENOSYS);
	h->id = -1;
	ck_assert_int_eq(host_conn_dispatch(conn, buf, 16), -ENOSYS);
	ck_assert_int_eq(host_conn_dispatch(conn, buf, 8), -EBADMSG);
	ck_assert_int_eq(R.handled, 2);
	ck_assert_uint_eq(host_counters(host)->ipc_invalid, 7);
	host_conn_close(conn);
	/* after close nothing is dispatched */
	free_host(host);
}
END_TEST

START_TEST(test_flow_control_during_sync)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_conn *conn;
	struct qb_ipc_request_header h = { .id = 2, .size = sizeof(h) };
	uint32_t me = 7;
	struct svc_view v = { .rep_nodeid = 7, .ring_seq = 4, .members = &me, .members_count = 1 };

	sync_steps = 0;
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 1, 0, 0, &conn), 0);
	host_confchg(host, &v);
	ck_assert(host_sync_in_progress(host));
	ck_assert(!host_ready(host));
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), -EAGAIN);
	ck_assert_int_eq(R.last.error, CS_ERR_TRY_AGAIN);
	/* SERVICE_BUILD sent, then delivered: the service's process() runs */
	ck_assert_int_eq(R.sync_n, 1);
	ck_assert_uint_eq(R.sync_len[0], 552);
	pump(host);
	ck_assert_int_eq(host_next_deadline(host), 0);
	/* process() asks to be called again twice, then a BARRIER goes out;
	 * asked again, it is retried a millisecond later, not at once */
	host_advance(host, 1);
	ck_assert_uint_eq(host_next_deadline(host), 2);
	host_advance(host, 2);
	ck_assert(host_sync_in_progress(host));
	host_advance(host, 3);
	ck_assert_int_eq(R.sync_n, 1);
	ck_assert_uint_eq(R.sync_len[0], 32);
	ck_assert(host_sync_in_progress(host));
	pump(host);
	ck_assert(!host_sync_in_progress(host));
	ck_assert(host_ready(host));
	ck_assert_int_eq(R.ready, 1);
	ck_assert_str_eq(R.order, "ipppa");
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), 0);
	ck_assert_int_eq(R.last.error, CS_OK);
	/* totem is asked about the request's size plus the service's slack; when
	 * it says no: TRY_AGAIN */
	ck_assert_uint_eq(R.space_asked, sizeof(h) + 512);
	R.no_space = true;
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), -EAGAIN);
	ck_assert_int_eq(R.last.error, CS_ERR_TRY_AGAIN);
	ck_assert_uint_eq(host_counters(host)->ipc_overload, 2);
	/* ops without SVC_IPC_FLOW_CONTROL do not ask */
	R.space_calls = 0;
	h.id = 1;
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), 0);
	ck_assert_int_eq(R.space_calls, 0);
	host_conn_close(conn);
	free_host(host);
}
END_TEST

static void sync_one_round(struct host *host, uint64_t seq)
{
	uint32_t me = 7;
	struct svc_view v = { .rep_nodeid = 7, .ring_seq = seq, .members = &me, .members_count = 1 };
	uint64_t t = 100 * seq;

	sync_steps = 0;
	host_confchg(host, &v);
	while (host_sync_in_progress(host)) {
		pump(host);
		host_advance(host, ++t);
	}
}

static int send_async(struct svc_conn *conn, uint64_t value)
{
	struct req_fixed req = { .header = { .id = 4, .size = sizeof(req) }, .value = value };

	return host_conn_dispatch(conn, &req, sizeof(req));
}

/* A NO_REPLY request is never lost: held during sync, while totem is full
 * and when its handler hands it back, then run in the order it was sent. */
START_TEST(test_async_requests_held)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct qb_ipc_request_header h = { .id = 0, .size = sizeof(struct req_fixed) };
	struct req_fixed fixed = { .header = h };
	struct svc_conn *conn;

	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	host_set_flow_control_hook(host, on_flow, NULL);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 1, 0, 0, &conn), 0);
	sync_one_round(host, 4);
	ck_assert_int_eq(R.flow_on, 1);
	ck_assert_int_eq(R.flow_off, 1);

	/* during sync: held, flow control stays on, run in order after sync */
	{
		uint32_t me = 7;
		struct svc_view v = { .rep_nodeid = 7, .ring_seq = 8, .members = &me,
				      .members_count = 1 };

		sync_steps = 0;
		host_confchg(host, &v);
	}
	ck_assert(host_flow_control(host));
	ck_assert_int_eq(send_async(conn, 1), 0);
	ck_assert_int_eq(send_async(conn, 2), 0);
	ck_assert_str_eq(R.async_order, "");
	ck_assert_uint_eq(host_counters(host)->ipc_parked, 2);
	while (host_sync_in_progress(host)) {
		pump(host);
		host_advance(host, 900);
	}
	ck_assert_str_eq(R.async_order, "12");
	ck_assert(!host_flow_control(host));
	ck_assert_int_eq(R.flow_off, 2);

	/* totem full at the gate: held; a later plain request waits behind it */
	R.no_space = true;
	ck_assert_int_eq(send_async(conn, 3), 0);
	ck_assert(host_flow_control(host));
	ck_assert_uint_eq(host_next_deadline(host), 901);
	R.handled = 0;
	ck_assert_int_eq(host_conn_dispatch(conn, &fixed, sizeof(fixed)), 0);
	ck_assert_int_eq(R.handled, 0);
	host_advance(host, 901);
	ck_assert_str_eq(R.async_order, "12");
	R.no_space = false;
	host_advance(host, 902);
	ck_assert_str_eq(R.async_order, "123");
	ck_assert_int_eq(R.handled, 1);
	ck_assert(!host_flow_control(host));

	/* the handler hands it back (totem refused the multicast) */
	R.mcast_fail = true;
	ck_assert_int_eq(send_async(conn, 4), 0);
	ck_assert_int_eq(send_async(conn, 5), 0);
	host_advance(host, 903);
	ck_assert_str_eq(R.async_order, "123");
	R.mcast_fail = false;
	host_advance(host, 904);
	ck_assert_str_eq(R.async_order, "12345");

	/* the client goes away with requests held: they still go out */
	R.no_space = true;
	ck_assert_int_eq(send_async(conn, 6), 0);
	host_conn_close(conn);
	R.no_space = false;
	host_advance(host, 905);
	ck_assert_str_eq(R.async_order, "123456");
	ck_assert_uint_eq(host_counters(host)->ipc_lost, 0);

	/* ... but a held request that wanted a reply is dropped: the client
	 * that would have read it is gone */
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 2, 0, 0, &conn), 0);
	R.no_space = true;
	ck_assert_int_eq(send_async(conn, 7), 0);
	R.handled = 0;
	ck_assert_int_eq(host_conn_dispatch(conn, &fixed, sizeof(fixed)), 0);
	host_conn_close(conn);
	R.no_space = false;
	host_advance(host, 906);
	ck_assert_str_eq(R.async_order, "1234567");
	ck_assert_int_eq(R.handled, 0);
	ck_assert(!host_flow_control(host));
	free_host(host);
}
END_TEST

/* A FLOW_PARK request that meets a closed gate is held, not refused: no
 * TRY_AGAIN, and it runs (and is answered) once totem has room. */
START_TEST(test_flow_park)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_conn *conn;
	struct qb_ipc_request_header h = { .id = 5, .size = sizeof(h) };

	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	host_set_flow_control_hook(host, on_flow, NULL);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 1, 0, 0, &conn), 0);
	sync_one_round(host, 4);
	R.handled = 0;
	R.last.error = -1;
	R.no_space = true;
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), 0);
	ck_assert_int_eq(R.handled, 0);
	ck_assert_int_eq(R.last.error, -1);
	ck_assert_uint_eq(host_counters(host)->ipc_overload, 0);
	ck_assert_uint_eq(host_counters(host)->ipc_parked, 1);
	ck_assert(host_flow_control(host));
	host_advance(host, 901);
	ck_assert_int_eq(R.handled, 0);
	R.no_space = false;
	host_advance(host, 902);
	ck_assert_int_eq(R.handled, 1);
	ck_assert_int_eq(R.last.error, CS_OK);
	ck_assert(!host_flow_control(host));
	/* the same op without FLOW_PARK is refused at once (id 2) */
	R.no_space = true;
	h.id = 2;
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), -EAGAIN);
	ck_assert_int_eq(R.last.error, CS_ERR_TRY_AGAIN);
	R.no_space = false;
	host_conn_close(conn);
	free_host(host);
}
END_TEST

/*
 * host_totem_room(): requests parked for totem room run as soon as the
 * daemon says a token visit may have made some, without waiting for the
 * next millisecond's look (host_advance); not while there is still none,
 * and not during a sync.
 */
START_TEST(test_totem_room_runs_parked)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_conn *conn;

	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	host_set_flow_control_hook(host, on_flow, NULL);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 1, 0, 0, &conn), 0);
	sync_one_round(host, 4);
	R.async_order[0] = 0;
	R.no_space = true;
	ck_assert_int_eq(send_async(conn, 1), 0);
	ck_assert_int_eq(send_async(conn, 2), 0);
	ck_assert(host_flow_control(host));
	host_totem_room(host);                 /* still full: nothing runs */
	ck_assert_str_eq(R.async_order, "");
	R.no_space = false;
	host_totem_room(host);                 /* same time: no host_advance */
	ck_assert_str_eq(R.async_order, "12");
	ck_assert(!host_flow_control(host));
	ck_assert_uint_eq(host_next_deadline(host), UINT64_MAX);

	/* during a sync they wait for its end (flow-controlled requests meet a
	 * closed gate then, so this also holds through replay_parked alone) */
	{
		uint32_t me = 7;
		struct svc_view v = { .rep_nodeid = 7, .ring_seq = 8, .members = &me,
				      .members_count = 1 };

		sync_steps = 0;
		host_confchg(host, &v);
	}
	ck_assert_int_eq(send_async(conn, 3), 0);
	host_totem_room(host);
	ck_assert_str_eq(R.async_order, "12");
	while (host_sync_in_progress(host)) {
		pump(host);
		host_advance(host, 900);
	}
	ck_assert_str_eq(R.async_order, "123");
	host_conn_close(conn);
	free_host(host);
}
END_TEST

START_TEST(test_sync_restart_aborts)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	uint32_t me = 7;
	struct svc_view v = { .rep_nodeid = 7, .ring_seq = 4, .members = &me, .members_count = 1 };

	sync_steps = 0;
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	host_confchg(host, &v);
	pump(host);
	host_advance(host, 1);
	v.ring_seq = 8;
	host_confchg(host, &v);    /* aborts the round in process() */
	/* the old round's BUILD is still in flight: ignored (other ring) */
	pump(host);
	host_advance(host, 2);
	host_advance(host, 3);
	pump(host);
	ck_assert_str_eq(R.order, "ipxippa");
	ck_assert_int_eq(R.ready, 1);
	free_host(host);
}
END_TEST

/* Two members; the other one lists a service this node does not have. */
START_TEST(test_sync_two_members)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	uint32_t members[2] = { 7, 9 };
	struct svc_view v = { .rep_nodeid = 7, .ring_seq = 12, .members = members, .members_count = 2 };
	struct sync_msg_service_build b;
	struct sync_msg_barrier bar;

	sync_steps = 2;   /* process() finishes at once */
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	host_confchg(host, &v);
	pump(host);                       /* our BUILD: still waiting for node 9 */
	ck_assert_str_eq(R.order, "i");
	memset(&b, 0, sizeof(b));
	b.header.id = SYNC_MSG_SERVICE_BUILD;
	b.header.size = sizeof(b);
	b.ring_id.rep = 7;
	b.ring_id.seq = 12;
	b.service_list_entries = 2;
	b.service_list[0] = 30;
	b.service_list[1] = 31;
	b.ring_id.seq = 8;                /* an old ring's message: ignored */
	host_sync_deliver(host, 9, &b, sizeof(b), false);
	host_advance(host, 1);
	ck_assert_str_eq(R.order, "i");
	b.ring_id.seq = 12;
	host_sync_deliver(host, 9, &b, sizeof(b), false);
	host_advance(host, 1);            /* process() of 30, then our BARRIER */
	ck_assert_str_eq(R.order, "ip");
	pump(host);
	ck_assert_str_eq(R.order, "ip");  /* node 9's barrier is missing */
	memset(&bar, 0, sizeof(bar));
	bar.header.id = SYNC_MSG_BARRIER;
	bar.header.size = sizeof(bar);
	bar.ring_id = b.ring_id;
	host_sync_deliver(host, 9, &bar, sizeof(bar), false);
	ck_assert_str_eq(R.order, "ipa");
	/* service 31 is not here: a no-op step that still needs both barriers */
	host_advance(host, 2);
	pump(host);
	ck_assert(host_sync_in_progress(host));
	host_sync_deliver(host, 9, &bar, sizeof(bar), false);
	ck_assert(!host_sync_in_progress(host));
	ck_assert_int_eq(R.ready, 1);
	free_host(host);
}
END_TEST

/* A BARRIER and SERVICE_BUILD as a node of the other byte order sends them. */
static void build_swap(struct sync_msg_service_build *b)
{
	int32_t i, n = b->service_list_entries;

	b->header.id = (int32_t)__builtin_bswap32((uint32_t)b->header.id);
	b->header.size = (int32_t)__builtin_bswap32((uint32_t)b->header.size);
	b->ring_id.rep = __builtin_bswap32(b->ring_id.rep);
	b->ring_id.seq = __builtin_bswap64(b->ring_id.seq);
	for (i = 0; i < n; i++)
		b->service_list[i] = (int32_t)__builtin_bswap32((uint32_t)b->service_list[i]);
	b->service_list_entries = (int32_t)__builtin_bswap32((uint32_t)n);
}

static void barrier_swap(struct sync_msg_barrier *bar)
{
	bar->header.id = (int32_t)__builtin_bswap32((uint32_t)bar->header.id);
	bar->header.size = (int32_t)__builtin_bswap32((uint32_t)bar->header.size);
	bar->ring_id.rep = __builtin_bswap32(bar->ring_id.rep);
	bar->ring_id.seq = __builtin_bswap64(bar->ring_id.seq);
}

/* The other member has the other byte order: its sync messages still count. */
START_TEST(test_sync_foreign_endian)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	uint32_t members[2] = { 7, 9 };
	struct svc_view v = { .rep_nodeid = 7, .ring_seq = 12, .members = members, .members_count = 2 };
	struct sync_msg_service_build b;
	struct sync_msg_barrier bar;

	sync_steps = 2;   /* process() finishes at once */
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	host_confchg(host, &v);
	pump(host);
	memset(&b, 0, sizeof(b));
	b.header.id = SYNC_MSG_SERVICE_BUILD;
	b.header.size = sizeof(b);
	b.ring_id.rep = 7;
	b.ring_id.seq = 12;
	b.service_list_entries = 1;
	b.service_list[0] = 30;
	build_swap(&b);
	host_sync_deliver(host, 9, &b, sizeof(b), true);
	host_advance(host, 1);
	ck_assert_str_eq(R.order, "ip");
	pump(host);
	memset(&bar, 0, sizeof(bar));
	bar.header.id = SYNC_MSG_BARRIER;
	bar.header.size = sizeof(bar);
	bar.ring_id.rep = 7;
	bar.ring_id.seq = 12;
	barrier_swap(&bar);
	host_sync_deliver(host, 9, &bar, sizeof(bar), true);
	ck_assert_str_eq(R.order, "ipa");
	ck_assert(!host_sync_in_progress(host));
	ck_assert_int_eq(R.ready, 1);
	free_host(host);
}
END_TEST

/*
 * A round aborted while the service waits for the barrier (its process()
 * already ran) calls its abort(); corosync 3.1.7 does not (fixed upstream).
 */
START_TEST(test_sync_abort_in_barrier)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	uint32_t members[2] = { 7, 9 };
	struct svc_view v = { .rep_nodeid = 7, .ring_seq = 12, .members = members, .members_count = 2 };
	struct sync_msg_service_build b;

	sync_steps = 2;
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	host_confchg(host, &v);
	pump(host);
	memset(&b, 0, sizeof(b));
	b.header.id = SYNC_MSG_SERVICE_BUILD;
	b.header.size = sizeof(b);
	b.ring_id.rep = 7;
	b.ring_id.seq = 12;
	b.service_list_entries = 1;
	b.service_list[0] = 30;
	host_sync_deliver(host, 9, &b, sizeof(b), false);
	host_advance(host, 1);
	pump(host);                      /* our barrier; node 9's never comes */
	ck_assert_str_eq(R.order, "ip");
	ck_assert(host_sync_in_progress(host));
	/* node 9 left: the new configuration aborts the round in BARRIER */
	v.ring_seq = 16;
	v.members_count = 1;
	host_confchg(host, &v);
	ck_assert_str_eq(R.order, "ipxi");
	/* a completed round is not aborted again by the next configuration */
	sync_steps = 2;
	pump(host);
	host_advance(host, 2);
	pump(host);
	ck_assert(!host_sync_in_progress(host));
	ck_assert_str_eq(R.order, "ipxipa");
	v.ring_seq = 20;
	host_confchg(host, &v);
	ck_assert_str_eq(R.order, "ipxipai");
	free_host(host);
}
END_TEST

/* ---- totem ----------------------------------------------------------------------- */

START_TEST(test_mcast_and_deliver)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_conn *conn;
	struct qb_ipc_request_header h = { .id = 3, .size = sizeof(h) };
	const struct qb_ipc_request_header *out = (void *)R.msg;
	uint64_t tx = 0, rx = 0;
	struct req_fixed m;

	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 1, 0, 0, &conn), 0);
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), 0);
	ck_assert_int_eq(R.mcasts, 1);
	ck_assert_uint_eq(R.msg_len, sizeof(struct req_fixed));
	ck_assert_int_eq(out->id, (30 << 16) | 3);
	ck_assert_int_eq(out->size, sizeof(struct req_fixed));
	ck_assert_uint_eq(R.space_asked, sizeof(struct req_fixed));
	/* counted now, published by host_publish_stats() */
	ck_assert_int_eq(icmap_get_uint64(cmap, "runtime.services.test.3.tx", &tx), 0);
	ck_assert_uint_eq(tx, 0);
	host_publish_stats(host);
	ck_assert_int_eq(icmap_get_uint64(cmap, "runtime.services.test.3.tx", &tx), 0);
	ck_assert_uint_eq(tx, 1);

	host_deliver(host, 9, R.msg, R.msg_len, false);
	ck_assert_int_eq(R.delivered, 1);
	ck_assert_uint_eq(R.last_from, 9);
	host_publish_stats(host);
	ck_assert_int_eq(icmap_get_uint64(cmap, "runtime.services.test.3.rx", &rx), 0);
	ck_assert_uint_eq(rx, 1);

	/* the same message from a node of the other byte order */
	memcpy(&m, R.msg, sizeof(m));
	m.header.id = (int32_t)__builtin_bswap32((uint32_t)m.header.id);
	m.header.size = (int32_t)__builtin_bswap32((uint32_t)m.header.size);
	m.value = __builtin_bswap64(m.value);
	host_deliver(host, 10, &m, sizeof(m), true);
	ck_assert_int_eq(R.delivered, 2);

	/* short, unknown fn, unknown service: dropped and counted, never handled */
	host_deliver(host, 9, R.msg, sizeof(struct req_fixed) - 1, false);
	((struct qb_ipc_request_header *)R.msg)->id = (30 << 16) | 9;
	host_deliver(host, 9, R.msg, R.msg_len, false);
	((struct qb_ipc_request_header *)R.msg)->id = (50 << 16) | 3;
	host_deliver(host, 9, R.msg, R.msg_len, false);
	host_deliver(host, 9, R.msg, 3, false);
	ck_assert_int_eq(R.delivered, 2);
	ck_assert_uint_eq(host_counters(host)->totem_dropped, 3);
	ck_assert_uint_eq(host_counters(host)->totem_unknown, 1);
	host_publish_stats(host);
	ck_assert_int_eq(icmap_get_uint64(cmap, "runtime.services.test.3.rx", &rx), 0);
	ck_assert_uint_eq(rx, 2);
	host_conn_close(conn);
	free_host(host);
}
END_TEST

/* Notices (and more severe lines) the host logs, captured through a qb_log target. */
static int notices;
static char last_notice[512];

static void log_capture(int32_t t, struct qb_log_callsite *cs, struct timespec *ts, const char *msg)
{
	(void)t;
	(void)ts;
	if (cs->priority > LOG_NOTICE)
		return;
	notices++;
	snprintf(last_notice, sizeof(last_notice), "%s", msg);
}

static void log_capture_start(void)
{
	int32_t t;

	qb_log_init("check_host", LOG_USER, LOG_EMERG);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_FALSE);
	t = qb_log_custom_open(log_capture, NULL, NULL, NULL);
	ck_assert_int_ge(t, 0);
	ck_assert_int_eq(qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
					   LOG_DEBUG), 0);
	ck_assert_int_eq(qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE), 0);
	notices = 0;
	last_notice[0] = '\0';
}

/*
 * A peer that sends malformed messages: every one is counted, but the log
 * gets at most one notice per 10 s, which states how many were dropped
 * since the previous one.
 */
START_TEST(test_drop_notice_rate_limited)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct req_fixed m;
	int i;

	log_capture_start();
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	memset(&m, 0, sizeof(m));
	m.header.id = (30 << 16) | 9;         /* unknown fn */
	m.header.size = sizeof(m);
	host_set_time(host, 1000);
	for (i = 0; i < 500; i++)
		host_deliver(host, 9, &m, sizeof(m), false);
	ck_assert_uint_eq(host_counters(host)->totem_dropped, 500);
	ck_assert_int_eq(notices, 1);         /* the first drop only */
	ck_assert_ptr_nonnull(strstr(last_notice, "dropped 1 malformed totem message since"));
	/* too short for op 3, and shorter than a header: the same budget */
	m.header.id = (30 << 16) | 3;
	host_set_time(host, 10999);
	host_deliver(host, 9, &m, sizeof(m) - 1, false);
	host_deliver(host, 9, &m, 3, false);
	ck_assert_int_eq(notices, 1);
	ck_assert_uint_eq(host_counters(host)->totem_dropped, 502);
	/* 10 s after the first notice: one more, with the count since then */
	host_set_time(host, 11000);
	host_deliver(host, 4, &m, sizeof(m) - 1, false);
	ck_assert_int_eq(notices, 2);
	ck_assert_ptr_nonnull(strstr(last_notice, "dropped 502 malformed totem messages since"));
	ck_assert_ptr_nonnull(strstr(last_notice, "node 4"));
	host_deliver(host, 4, &m, sizeof(m) - 1, false);
	ck_assert_int_eq(notices, 2);
	/* well-formed messages are not affected */
	m.header.size = sizeof(m);
	m.value = 0x0102030405060708ULL;
	host_deliver(host, 4, &m, sizeof(m), false);
	ck_assert_int_eq(R.delivered, 1);
	ck_assert_uint_eq(host_counters(host)->totem_dropped, 504);
	free_host(host);
}
END_TEST

static void on_tx_key(void *ctx, int event, const char *key, enum icmap_type new_type,
		      const void *new_value, size_t new_len, enum icmap_type old_type,
		      const void *old_value, size_t old_len)
{
	ck_assert_int_eq(event, ICMAP_TRACK_MODIFY);
	ck_assert_int_eq(new_type, ICMAP_T_UINT64);
	ck_assert_uint_eq(new_len, sizeof(uint64_t));
	R.tx_events++;
	R.tx_old_type = old_type;
	memcpy(&R.tx_seen, new_value, sizeof(R.tx_seen));
}

START_TEST(test_counts_published)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_conn *conn;
	struct icmap_track *track;
	struct qb_ipc_request_header h = { .id = 3, .size = sizeof(h) };
	uint64_t tx = 1;
	int i;

	d.sync = NULL;
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	/* the keys exist from registration on, at 0 */
	ck_assert_int_eq(icmap_get_uint64(cmap, "runtime.services.test.3.tx", &tx), 0);
	ck_assert_uint_eq(tx, 0);
	ck_assert_int_eq(icmap_track_add(cmap, "runtime.services.test.3.tx", ICMAP_TRACK_MODIFY,
					 on_tx_key, NULL, &track), 0);
	ck_assert_int_eq(host_conn_open(host_service_by_id(host, 30), &R, 1, 0, 0, &conn), 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), 0);
	ck_assert_int_eq(R.mcasts, 5);
	ck_assert_int_eq(R.tx_events, 0);          /* nothing on the send path */
	/* one in-place increment per publication, with an empty old value */
	host_publish_stats(host);
	ck_assert_int_eq(R.tx_events, 1);
	ck_assert_int_eq(R.tx_old_type, ICMAP_T_NONE);
	ck_assert_uint_eq(R.tx_seen, 5);
	host_publish_stats(host);
	ck_assert_int_eq(R.tx_events, 1);          /* unchanged: no event */

	/* totem full: -EAGAIN to the service, nothing counted */
	R.no_space = true;
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), 0);
	ck_assert_int_eq(R.last.error, CS_ERR_TRY_AGAIN);
	ck_assert_int_eq(R.mcasts, 5);
	R.no_space = false;

	/* a key that went missing is recreated with the whole count */
	icmap_track_delete(cmap, track);
	ck_assert_int_eq(icmap_delete(cmap, "runtime.services.test.3.tx"), 0);
	ck_assert_int_eq(host_conn_dispatch(conn, &h, sizeof(h)), 0);
	host_publish_stats(host);
	ck_assert_int_eq(icmap_get_uint64(cmap, "runtime.services.test.3.tx", &tx), 0);
	ck_assert_uint_eq(tx, 6);
	host_publish_stats(NULL);
	host_conn_close(conn);
	free_host(host);
}
END_TEST

/* ---- timers ----------------------------------------------------------------------- */

static int fired[3];

static void fire0(struct svc *svc, struct svc_timer *t) { fired[0]++; }
static void fire1(struct svc *svc, struct svc_timer *t) { fired[1]++; svc_timer_start(t, 10); }

START_TEST(test_timers)
{
	struct host *host = make_host();
	struct svc_def d = test_def();
	struct svc_timer a, b;
	struct svc *svc;

	d.sync = NULL;
	memset(fired, 0, sizeof(fired));
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	svc = host_service_by_id(host, 30);
	host_set_time(host, 100);
	ck_assert_uint_eq(host_next_deadline(host), UINT64_MAX);
	svc_timer_init(svc, &a, fire0);
	svc_timer_init(svc, &b, fire1);
	svc_timer_start(&a, 50);
	svc_timer_start(&b, 20);
	ck_assert_uint_eq(host_next_deadline(host), 120);
	ck_assert_int_ge(R.deadline_calls, 2);
	host_advance(host, 119);
	ck_assert_int_eq(fired[1], 0);
	host_advance(host, 120);
	ck_assert_int_eq(fired[1], 1);       /* re-armed itself for 130 */
	ck_assert_uint_eq(host_next_deadline(host), 130);
	svc_timer_stop(&b);
	ck_assert_uint_eq(host_next_deadline(host), 150);
	host_advance(host, 1000);
	ck_assert_int_eq(fired[0], 1);
	ck_assert_int_eq(fired[1], 1);
	ck_assert_uint_eq(host_next_deadline(host), UINT64_MAX);
	free_host(host);
}
END_TEST

/* ---- the daemon behind the host (struct host_daemon_ops) ---------------------- */

static struct {
	uint32_t status_nodeid;
	int shutdown_status;
	char reason[64];
	int reopens;
} D;

static int d_node_status(void *ctx, uint32_t nodeid, struct svc_node_status *st)
{
	ck_assert_ptr_eq(ctx, &D);
	/* the host zeroes the status first */
	ck_assert_int_eq(st->reachable, 0);
	ck_assert_int_eq(st->link[7].mtu, 0);
	D.status_nodeid = nodeid;
	if (nodeid == 9)
		return -ENOENT;
	st->reachable = true;
	st->link[1].enabled = true;
	return 0;
}

static int d_shutdown(void *ctx, int status, const char *reason)
{
	D.shutdown_status = status;
	snprintf(D.reason, sizeof(D.reason), "%s", reason);
	return 0;
}

static int d_reopen(void *ctx)
{
	D.reopens++;
	return -EACCES;
}

START_TEST(test_daemon_ops)
{
	static const struct host_daemon_ops ops = {
		.node_status = d_node_status, .shutdown = d_shutdown, .reopen_logs = d_reopen,
	};
	struct host_config hc = { .nodeid = 7, .ipc = &ipc_ops, .totem = &totem_ops };
	struct svc_node_status st;
	struct svc_def d = test_def();
	struct host *host = make_host();
	struct svc *svc;

	/* no daemon: every call says so */
	d.sync = NULL;
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	svc = host_service_by_id(host, 30);
	ck_assert_int_eq(svc_node_status(svc, 1, &st), -ENOTSUP);
	ck_assert_int_eq(svc_shutdown(svc, 0, "x"), -ENOTSUP);
	ck_assert_int_eq(svc_reopen_logs(svc), -ENOTSUP);
	free_host(host);

	/* with one: passed through, status zeroed before the daemon fills it */
	memset(&D, 0, sizeof(D));
	cmap = icmap_new();
	stats = icmap_new();
	hc.cmap = cmap;
	hc.stats = stats;
	hc.daemon = &ops;
	hc.daemon_ctx = &D;
	ck_assert_int_eq(host_create(&hc, &host), 0);
	ck_assert_int_eq(host_add_service(host, &d, NULL, NULL, 0), 0);
	svc = host_service_by_id(host, 30);
	memset(&st, 0xff, sizeof(st));
	ck_assert_int_eq(svc_node_status(svc, 3, &st), 0);
	ck_assert_uint_eq(D.status_nodeid, 3);
	ck_assert(st.reachable && st.link[1].enabled && !st.link[0].enabled);
	ck_assert_int_eq(svc_node_status(svc, 9, &st), -ENOENT);
	ck_assert_int_eq(svc_node_status(svc, 3, NULL), -EINVAL);
	ck_assert_int_eq(svc_shutdown(svc, 255, "why"), 0);
	ck_assert_int_eq(D.shutdown_status, 255);
	ck_assert_str_eq(D.reason, "why");
	ck_assert_int_eq(svc_shutdown(svc, 0, NULL), 0);
	ck_assert_str_eq(D.reason, "");
	ck_assert_int_eq(svc_reopen_logs(svc), -EACCES);
	ck_assert_int_eq(D.reopens, 1);
	free_host(host);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host");
	TCase *tc;

	add_tcase(s, tc, test_def_check);
	add_tcase(s, tc, test_service_lint);
	add_tcase(s, tc, test_add_service);
	add_tcase(s, tc, test_dispatch_bounds);
	add_tcase(s, tc, test_flow_control_during_sync);
	add_tcase(s, tc, test_async_requests_held);
	add_tcase(s, tc, test_flow_park);
	add_tcase(s, tc, test_totem_room_runs_parked);
	add_tcase(s, tc, test_sync_restart_aborts);
	add_tcase(s, tc, test_sync_two_members);
	add_tcase(s, tc, test_sync_foreign_endian);
	add_tcase(s, tc, test_sync_abort_in_barrier);
	add_tcase(s, tc, test_mcast_and_deliver);
	add_tcase(s, tc, test_drop_notice_rate_limited);
	add_tcase(s, tc, test_counts_published);
	add_tcase(s, tc, test_timers);
	add_tcase(s, tc, test_daemon_ops);
	return check_run_suite(s);
}
