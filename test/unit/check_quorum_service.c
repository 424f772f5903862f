/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the quorum service (services/quorum/) on the fake host:
 * quorum type with and without a provider, GETQUORATE, the V0/V1 models and
 * which events each may get (libquorum fails on a foreign id), the
 * TRACKSTART snapshot before the reply, TRACKSTOP always OK, the NODELIST
 * event's joined/left lists, the notification layouts with their 4 bytes of
 * slack, and "Invalid quorum provider".  Requests are built as libquorum
 * builds them.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <chorus/icmap.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_quorum.h>

#include "services/quorum/quorum_service.h"
#include "test/check_common.h"
#include "test/fakes/fake_host.h"

static struct fake_host *host_new(const char *provider)
{
	struct icmap *m = icmap_new();
	struct fake_host *h = NULL;

	ck_assert_ptr_nonnull(m);
	if (provider)
		ck_assert_int_eq(icmap_set_string(m, "quorum.provider", provider), 0);
	ck_assert_int_eq(fake_host_new_cmap(&quorum_service_def, 1, m, &h), 0);
	return h;
}

static const struct fake_msg *call(struct svc_conn *c, const void *req, size_t len)
{
	size_t n = fake_conn_reply_count(c);

	ck_assert_int_eq(fake_conn_request(c, req, len), 0);
	ck_assert_uint_eq(fake_conn_reply_count(c), n + 1);
	ck_assert_uint_eq(fake_conn_bad_sizes(c), 0);
	return fake_conn_reply(c, n);
}

static uint32_t call_u32(struct svc_conn *c, int32_t req_id, uint32_t arg, bool with_arg,
			 int32_t res_id, cs_error_t want)
{
	struct req_lib_quorum_model_gettype req;   /* header + u32: trackstart's layout too */
	const struct fake_msg *m;
	const struct res_lib_quorum_getquorate *res;

	memset(&req, 0, sizeof(req));
	req.header.id = req_id;
	req.header.size = with_arg ? sizeof(req) : sizeof(struct req_lib_quorum_header_only);
	req.model = arg;
	m = call(c, &req, (size_t)req.header.size);
	ck_assert_uint_eq(m->len, 32);
	res = (const void *)m->data;
	ck_assert_int_eq(res->header.id, res_id);
	ck_assert_int_eq(res->header.size, 32);
	ck_assert_int_eq(res->header.error, want);
	return res->quorate;
}

static cs_error_t trackstart(struct svc_conn *c, uint32_t flags)
{
	struct req_lib_quorum_trackstart req;
	const struct fake_msg *m;
	const struct qb_ipc_response_header *h;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_QUORUM_TRACKSTART;
	req.header.size = sizeof(req);
	req.track_flags = flags;
	m = call(c, &req, sizeof(req));
	ck_assert_uint_eq(m->len, 24);
	h = (const void *)m->data;
	ck_assert_int_eq(h->id, MESSAGE_RES_QUORUM_TRACKSTART);
	return h->error;
}

static cs_error_t trackstop(struct svc_conn *c)
{
	struct req_lib_quorum_header_only req;
	const struct fake_msg *m;
	const struct qb_ipc_response_header *h;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_QUORUM_TRACKSTOP;
	req.header.size = sizeof(req);
	m = call(c, &req, sizeof(req));
	ck_assert_uint_eq(m->len, 24);
	h = (const void *)m->data;
	ck_assert_int_eq(h->id, MESSAGE_RES_QUORUM_TRACKSTOP);
	return h->error;
}

static void view_sync(struct fake_host *h, uint32_t rep, uint64_t seq, const uint32_t *members,
		      size_t n, const uint32_t *trans, size_t tn)
{
	struct svc_view v;

	memset(&v, 0, sizeof(v));
	v.rep_nodeid = rep;
	v.ring_seq = seq;
	v.members = members;
	v.members_count = n;
	v.trans = trans;
	v.trans_count = tn;
	ck_assert_int_eq(fake_host_sync(h, &v, 4), 0);
}

static void decide(struct fake_host *h, bool quorate, uint32_t rep, uint64_t seq,
		   const uint32_t *members, size_t n)
{
	struct svc_quorum q = { quorate, rep, seq, members, n };

	ck_assert_int_eq(svc_quorum_set(fake_host_svc(h), &q), 0);
}

START_TEST(no_provider_always_quorate)
{
	struct fake_host *h = host_new(NULL);
	struct svc_conn *c;
	const struct fake_msg *ev;
	const struct res_lib_quorum_notification *n;
	static const uint32_t m3[] = { 1, 2, 3 };

	ck_assert_uint_eq(quorum_service_type(fake_host_svc(h)), QUORUM_FREE);
	ck_assert_int_eq(fake_conn_open(h, 10, 0, 0, &c), 0);
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_GETTYPE, 0, false,
				   MESSAGE_RES_QUORUM_GETTYPE, CS_OK), 0);
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_GETQUORATE, 0, false,
				   MESSAGE_RES_QUORUM_GETQUORATE, CS_OK), 1);
	/* the snapshot: quorate, ring 0, no members, 4 bytes of slack */
	ck_assert_int_eq(trackstart(c, CS_TRACK_CURRENT | CS_TRACK_CHANGES), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(c), 1);
	ev = fake_conn_event(c, 0);
	n = (const void *)ev->data;
	ck_assert_uint_eq(ev->len, 48);
	ck_assert_int_eq(n->header.id, MESSAGE_RES_QUORUM_NOTIFICATION);
	ck_assert_int_eq(n->header.size, 48);
	ck_assert_int_eq(n->quorate, 1);
	ck_assert_uint_eq(n->ring_seq, 0);
	ck_assert_uint_eq(n->view_list_entries, 0);
	/* syncs alone send V0 clients nothing */
	view_sync(h, 1, 8, m3, 3, m3, 1);
	ck_assert_uint_eq(fake_conn_event_count(c), 1);
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_GETQUORATE, 0, false,
				   MESSAGE_RES_QUORUM_GETQUORATE, CS_OK), 1);
	fake_host_free(h);
}
END_TEST

START_TEST(invalid_provider)
{
	struct icmap *m = icmap_new();
	struct fake_host *h = NULL;

	ck_assert_int_eq(icmap_set_string(m, "quorum.provider", "corosync_ykd"), 0);
	ck_assert_int_lt(fake_host_new_cmap(&quorum_service_def, 1, m, &h), 0);
	ck_assert_str_eq(fake_host_error(h), "Invalid quorum provider");
	fake_host_free(h);
}
END_TEST

START_TEST(v0_client_with_provider)
{
	struct fake_host *h = host_new("corosync_votequorum");
	struct svc_conn *c;
	const struct fake_msg *ev;
	const struct res_lib_quorum_notification *n;
	static const uint32_t m3[] = { 1, 2, 3 };

	ck_assert_uint_eq(quorum_service_type(fake_host_svc(h)), QUORUM_SET);
	ck_assert_int_eq(fake_conn_open(h, 10, 0, 0, &c), 0);
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_GETTYPE, 0, false,
				   MESSAGE_RES_QUORUM_GETTYPE, CS_OK), 1);
	/* the provider has not decided yet: not quorate */
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_GETQUORATE, 0, false,
				   MESSAGE_RES_QUORUM_GETQUORATE, CS_OK), 0);
	ck_assert_int_eq(trackstart(c, CS_TRACK_CHANGES), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(c), 1);
	/* a sync: V0 gets no nodelist event */
	view_sync(h, 1, 8, m3, 3, NULL, 0);
	ck_assert_uint_eq(fake_conn_event_count(c), 1);
	/* the provider decides: one V0 event with seq and members */
	decide(h, true, 1, 8, m3, 3);
	ck_assert_uint_eq(fake_conn_event_count(c), 2);
	ev = fake_conn_event(c, 1);
	n = (const void *)ev->data;
	ck_assert_uint_eq(ev->len, 48 + 12);
	ck_assert_int_eq(n->header.id, MESSAGE_RES_QUORUM_NOTIFICATION);
	ck_assert_int_eq(n->header.size, 48 + 12);
	ck_assert_int_eq(n->quorate, 1);
	ck_assert_uint_eq(n->ring_seq, 8);
	ck_assert_uint_eq(n->view_list_entries, 3);
	/* the list starts at 44, not at sizeof */
	ck_assert_uint_eq(*(const uint32_t *)(ev->data + 44), 1);
	ck_assert_uint_eq(*(const uint32_t *)(ev->data + 52), 3);
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_GETQUORATE, 0, false,
				   MESSAGE_RES_QUORUM_GETQUORATE, CS_OK), 1);
	/* every decision is announced, changed or not */
	decide(h, true, 1, 8, m3, 3);
	ck_assert_uint_eq(fake_conn_event_count(c), 3);
	/* tracking twice: snapshot sent, then EXIST */
	ck_assert_int_eq(trackstart(c, CS_TRACK_CURRENT), CS_ERR_EXIST);
	ck_assert_uint_eq(fake_conn_event_count(c), 4);
	/* TRACKSTOP: OK, and OK again */
	ck_assert_int_eq(trackstop(c), CS_OK);
	ck_assert_int_eq(trackstop(c), CS_OK);
	decide(h, false, 1, 12, m3, 1);
	ck_assert_uint_eq(fake_conn_event_count(c), 4);
	fake_host_free(h);
}
END_TEST

START_TEST(v1_client)
{
	struct fake_host *h = host_new("corosync_votequorum");
	struct svc_conn *c;
	const struct fake_msg *ev;
	const struct res_lib_quorum_v1_nodelist_notification *nl;
	const struct res_lib_quorum_v1_quorum_notification *qn;
	static const uint32_t m3[] = { 1, 2, 3 }, m2[] = { 1, 2 }, m24[] = { 1, 2, 4 };
	const uint32_t *list;

	ck_assert_int_eq(fake_conn_open(h, 10, 0, 0, &c), 0);
	/* a bad model: INVALID_PARAM, the type still answered, model unchanged */
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_MODEL_GETTYPE, 7, true,
				   MESSAGE_RES_QUORUM_MODEL_GETTYPE, CS_ERR_INVALID_PARAM), 1);
	ck_assert_uint_eq(call_u32(c, MESSAGE_REQ_QUORUM_MODEL_GETTYPE, 1, true,
				   MESSAGE_RES_QUORUM_MODEL_GETTYPE, CS_OK), 1);
	view_sync(h, 1, 8, m3, 3, NULL, 0);
	decide(h, true, 1, 8, m3, 3);
	/* snapshot: NODELIST (joined/left 0) then V1 QUORUM */
	ck_assert_int_eq(trackstart(c, CS_TRACK_CURRENT | CS_TRACK_CHANGES), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(c), 2);
	ev = fake_conn_event(c, 0);
	nl = (const void *)ev->data;
	ck_assert_int_eq(nl->header.id, MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION);
	ck_assert_uint_eq(ev->len, 64 + 12);
	ck_assert_uint_eq(nl->ring_id.nodeid, 1);
	ck_assert_uint_eq(nl->ring_id.seq, 8);
	ck_assert_uint_eq(nl->member_list_entries, 3);
	ck_assert_uint_eq(nl->joined_list_entries, 0);
	ck_assert_uint_eq(nl->left_list_entries, 0);
	ev = fake_conn_event(c, 1);
	qn = (const void *)ev->data;
	ck_assert_int_eq(qn->header.id, MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION);
	ck_assert_uint_eq(ev->len, 56 + 12);
	ck_assert_int_eq(qn->quorate, 1);
	ck_assert_uint_eq(qn->ring_id.nodeid, 1);
	ck_assert_uint_eq(qn->ring_id.seq, 8);
	ck_assert_uint_eq(*(const uint32_t *)(ev->data + 52), 1);
	/* node 3 leaves: nodelist with left {3} at the end of the sync */
	view_sync(h, 1, 12, m2, 2, m2, 2);
	ck_assert_uint_eq(fake_conn_event_count(c), 3);
	ev = fake_conn_event(c, 2);
	nl = (const void *)ev->data;
	ck_assert_int_eq(nl->header.id, MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION);
	ck_assert_uint_eq(nl->member_list_entries, 2);
	ck_assert_uint_eq(nl->joined_list_entries, 0);
	ck_assert_uint_eq(nl->left_list_entries, 1);
	list = (const uint32_t *)(ev->data + 60);
	ck_assert_uint_eq(list[0], 1);
	ck_assert_uint_eq(list[1], 2);
	ck_assert_uint_eq(list[2], 3);
	/* node 4 joins: joined {4} */
	view_sync(h, 1, 16, m24, 3, m2, 2);
	ev = fake_conn_event(c, 3);
	nl = (const void *)ev->data;
	ck_assert_uint_eq(nl->joined_list_entries, 1);
	ck_assert_uint_eq(nl->left_list_entries, 0);
	list = (const uint32_t *)(ev->data + 60);
	ck_assert_uint_eq(list[3], 4);
	ck_assert_uint_eq(ev->len, 64 + 16);
	fake_host_free(h);
}
END_TEST

START_TEST(close_untracks)
{
	struct fake_host *h = host_new("corosync_votequorum");
	struct svc_conn *a, *b;
	static const uint32_t m1[] = { 1 };

	ck_assert_int_eq(fake_conn_open(h, 10, 0, 0, &a), 0);
	ck_assert_int_eq(fake_conn_open(h, 11, 0, 0, &b), 0);
	ck_assert_int_eq(trackstart(a, CS_TRACK_CHANGES_ONLY), CS_OK);
	ck_assert_int_eq(trackstart(b, CS_TRACK_CHANGES_ONLY), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(a), 0);
	fake_conn_close(a);
	decide(h, true, 1, 4, m1, 1);
	ck_assert_uint_eq(fake_conn_event_count(b), 1);
	fake_host_free(h);
}
END_TEST

static Suite *quorum_suite(void)
{
	Suite *s = suite_create("quorum_service");
	TCase *tc;

	add_tcase(s, tc, no_provider_always_quorate);
	add_tcase(s, tc, invalid_provider);
	add_tcase(s, tc, v0_client_with_provider);
	add_tcase(s, tc, v1_client);
	add_tcase(s, tc, close_untracks);
	return s;
}

int main(void)
{
	return check_run_suite(quorum_suite());
}
