/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the totemsrp wire codec (totemsrp/srp_wire.c): byte-exact
 * vectors of corosync 3.1.7's layouts (exec/totemsrp.c structs), decoding of the other byte order,
 * truncation at every length, trailing bytes, garbage, foreign magic and
 * version, spec limits, and the sequence comparison of §2.10.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>

#include "test/check_common.h"
#include "totemsrp/srp_wire.h"

static const uint8_t join_vec[41] = {
	0x70, 0xc0, 0x03, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
};

static const uint8_t orf_vec[57] = {
	0x70, 0xc0, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00,
	0x00, 0x07, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* The first 45 bytes of the Appendix A MCAST (seq 6, ring (1,12)). */
static const uint8_t mcast_vec[45] = {
	0x70, 0xc0, 0x03, 0x01, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void swap_at(uint8_t *b, size_t off, size_t size)
{
	size_t i;

	for (i = 0; i < size / 2; i++) {
		uint8_t t = b[off + i];

		b[off + i] = b[off + size - 1 - i];
		b[off + size - 1 - i] = t;
	}
}

static void swap_header(uint8_t *b)
{
	swap_at(b, 0, 2);
	swap_at(b, 5, 4);
	swap_at(b, 9, 4);
}

static void swap_ring_id(uint8_t *b, size_t off)
{
	swap_at(b, off, 4);
	swap_at(b, off + 4, 8);
}

START_TEST(test_sizes)
{
	ck_assert_uint_eq(sizeof(struct srp_wire_header), 13);
	ck_assert_uint_eq(sizeof(struct srp_wire_ring_id), 12);
	ck_assert_uint_eq(sizeof(struct srp_wire_orf_token), 57);
	ck_assert_uint_eq(sizeof(struct srp_wire_mcast), 45);
	ck_assert_uint_eq(sizeof(struct srp_wire_join), 33);
	ck_assert_uint_eq(sizeof(struct srp_wire_commit_token), 41);
	ck_assert_uint_eq(sizeof(struct srp_wire_commit_entry), 24);
	ck_assert_uint_eq(sizeof(struct srp_wire_merge_detect), 29);
	ck_assert_uint_eq(sizeof(struct srp_wire_hold_cancel), 25);
	ck_assert_uint_eq(SRP_WIRE_ORF_MAX, 537);
}
END_TEST

static struct srp_join join_native;

START_TEST(test_join_vector)
{
	struct srp_join *j = &join_native;
	uint8_t buf[64];
	int len;

	memset(j, 0, sizeof(*j));
	j->hdr.nodeid = 1;
	j->system_from = 1;
	j->proc_count = 2;
	j->proc[0] = 1;
	j->proc[1] = 2;
	j->ring_seq = 8;
	len = srp_wire_join_encode(j, buf, sizeof(buf));
	ck_assert_int_eq(len, 41);
	ck_assert_mem_eq(buf, join_vec, sizeof(join_vec));
	ck_assert_int_eq(srp_wire_join_encode(j, buf, 40), -ENOSPC);

	memset(j, 0xaa, sizeof(*j));
	ck_assert_int_eq(srp_wire_join_decode(join_vec, sizeof(join_vec), j), 0);
	ck_assert_uint_eq(j->hdr.type, SRP_MSG_JOIN);
	ck_assert(!j->hdr.swapped);
	ck_assert_uint_eq(j->hdr.nodeid, 1);
	ck_assert_uint_eq(j->system_from, 1);
	ck_assert_uint_eq(j->proc_count, 2);
	ck_assert_uint_eq(j->failed_count, 0);
	ck_assert_uint_eq(j->proc[0], 1);
	ck_assert_uint_eq(j->proc[1], 2);
	ck_assert_uint_eq(j->ring_seq, 8);
}
END_TEST

START_TEST(test_join_swapped)
{
	uint8_t b[41];
	size_t i;

	memcpy(b, join_vec, sizeof(b));
	swap_header(b);
	swap_at(b, 13, 4);
	swap_at(b, 17, 4);
	swap_at(b, 21, 4);
	swap_at(b, 25, 8);
	for (i = 33; i < 41; i += 4)
		swap_at(b, i, 4);
	ck_assert_uint_eq(b[0], 0xc0);
	ck_assert_int_eq(srp_wire_join_decode(b, sizeof(b), &join_native), 0);
	ck_assert(join_native.hdr.swapped);
	ck_assert_uint_eq(join_native.hdr.nodeid, 1);
	ck_assert_uint_eq(join_native.proc_count, 2);
	ck_assert_uint_eq(join_native.proc[1], 2);
	ck_assert_uint_eq(join_native.ring_seq, 8);
}
END_TEST

START_TEST(test_orf_vector)
{
	struct srp_orf t;
	uint8_t buf[SRP_WIRE_ORF_MAX], b[57];
	int len;

	memset(&t, 0, sizeof(t));
	t.hdr.nodeid = 1;
	t.hdr.target_nodeid = 2;
	t.seq = 5;
	t.token_seq = 7;
	t.aru = 5;
	t.aru_addr = 0;
	t.ring_id.rep = 1;
	t.ring_id.seq = 12;
	t.fcc = 1;
	len = srp_wire_orf_encode(&t, buf, sizeof(buf));
	ck_assert_int_eq(len, 57);
	ck_assert_mem_eq(buf, orf_vec, sizeof(orf_vec));

	memset(&t, 0x55, sizeof(t));
	ck_assert_int_eq(srp_wire_orf_decode(orf_vec, sizeof(orf_vec), &t), 0);
	ck_assert_uint_eq(t.hdr.nodeid, 1);
	ck_assert_uint_eq(t.hdr.target_nodeid, 2);
	ck_assert_uint_eq(t.seq, 5);
	ck_assert_uint_eq(t.token_seq, 7);
	ck_assert_uint_eq(t.aru, 5);
	ck_assert_uint_eq(t.aru_addr, 0);
	ck_assert_uint_eq(t.ring_id.rep, 1);
	ck_assert_uint_eq(t.ring_id.seq, 12);
	ck_assert_uint_eq(t.fcc, 1);
	ck_assert_uint_eq(t.rtr_count, 0);

	/* The other byte order. */
	memcpy(b, orf_vec, sizeof(b));
	swap_header(b);
	swap_at(b, 13, 4);
	swap_at(b, 17, 4);
	swap_at(b, 21, 4);
	swap_at(b, 25, 4);
	swap_ring_id(b, 29);
	swap_at(b, 41, 4);
	swap_at(b, 45, 4);
	swap_at(b, 49, 4);
	swap_at(b, 53, 4);
	ck_assert_int_eq(srp_wire_orf_decode(b, sizeof(b), &t), 0);
	ck_assert(t.hdr.swapped);
	ck_assert_uint_eq(t.token_seq, 7);
	ck_assert_uint_eq(t.ring_id.seq, 12);
	ck_assert_uint_eq(t.fcc, 1);
	ck_assert_uint_eq(t.hdr.target_nodeid, 2);
}
END_TEST

START_TEST(test_orf_rtr_list)
{
	struct srp_orf t, d;
	uint8_t buf[SRP_WIRE_ORF_MAX + 16];
	int len, i;

	memset(&t, 0, sizeof(t));
	t.hdr.nodeid = 3;
	t.ring_id.rep = 1;
	t.ring_id.seq = 99;
	t.rtr_count = SRP_RTR_ITEMS_MAX;
	for (i = 0; i < SRP_RTR_ITEMS_MAX; i++) {
		t.rtr[i].ring_id = t.ring_id;
		t.rtr[i].seq = 1000 + (uint32_t)i;
	}
	len = srp_wire_orf_encode(&t, buf, sizeof(buf));
	ck_assert_int_eq(len, 537);
	ck_assert_int_eq(srp_wire_orf_decode(buf, (size_t)len, &d), 0);
	ck_assert_uint_eq(d.rtr_count, 30);
	ck_assert_uint_eq(d.rtr[29].seq, 1029);
	ck_assert_uint_eq(d.rtr[29].ring_id.seq, 99);
	/* 31 entries: over the limit even with the bytes present. */
	buf[53] = 31;
	memset(buf + 537, 0, 16);
	ck_assert_int_eq(srp_wire_orf_decode(buf, 553, &d), -EBADMSG);
	/* Count says 30 but 29 present. */
	buf[53] = 30;
	ck_assert_int_eq(srp_wire_orf_decode(buf, 537 - 16, &d), -EBADMSG);
	/* retrans_flg must be 0 or 1. */
	buf[49] = 2;
	ck_assert_int_eq(srp_wire_orf_decode(buf, 537, &d), -EBADMSG);
}
END_TEST

START_TEST(test_mcast_vector)
{
	struct srp_mcast_hdr m;
	uint8_t buf[64], b[50];

	memset(&m, 0, sizeof(m));
	m.hdr.encapsulated = SRP_WIRE_NOT_ENCAPSULATED;
	m.hdr.nodeid = 1;
	m.system_from = 1;
	m.seq = 6;
	m.ring_id.rep = 1;
	m.ring_id.seq = 12;
	ck_assert_int_eq(srp_wire_mcast_encode(&m, buf, sizeof(buf)), 45);
	ck_assert_mem_eq(buf, mcast_vec, 45);

	memcpy(b, mcast_vec, 45);
	memcpy(b + 45, "hello", 5);
	ck_assert_int_eq(srp_wire_mcast_decode(b, sizeof(b), &m), 0);
	ck_assert_uint_eq(m.seq, 6);
	ck_assert_uint_eq(m.hdr.nodeid, 1);
	ck_assert_uint_eq(m.ring_id.seq, 12);
	ck_assert_uint_eq(m.body_len, 5);
	ck_assert_mem_eq(m.body, "hello", 5);

	swap_header(b);
	swap_at(b, 13, 4);
	swap_at(b, 17, 4);
	swap_at(b, 21, 4);
	swap_ring_id(b, 25);
	swap_at(b, 37, 4);
	swap_at(b, 41, 4);
	ck_assert_int_eq(srp_wire_mcast_decode(b, sizeof(b), &m), 0);
	ck_assert(m.hdr.swapped);
	ck_assert_uint_eq(m.seq, 6);
	ck_assert_uint_eq(m.ring_id.seq, 12);
	ck_assert_mem_eq(m.body, "hello", 5);

	/* Header only is a valid (empty) MCAST; 44 bytes is not. */
	ck_assert_int_eq(srp_wire_mcast_decode(mcast_vec, 45, &m), 0);
	ck_assert_int_eq(srp_wire_mcast_decode(mcast_vec, 44, &m), -EBADMSG);
}
END_TEST

START_TEST(test_mcast_encapsulated)
{
	uint8_t b[45 + 50];
	struct srp_mcast_hdr m;

	memcpy(b, mcast_vec, 45);
	b[4] = SRP_WIRE_ENCAPSULATED;
	memcpy(b + 45, mcast_vec, 45);
	memcpy(b + 90, "hello", 5);
	ck_assert_int_eq(srp_wire_mcast_decode(b, sizeof(b), &m), 0);
	ck_assert_uint_eq(m.body_len, 50);
	/* An encapsulated copy must carry a complete MCAST. */
	ck_assert_int_eq(srp_wire_mcast_decode(b, 45 + 44, &m), -EBADMSG);
	/* ...which is not itself encapsulated. */
	b[45 + 4] = SRP_WIRE_ENCAPSULATED;
	ck_assert_int_eq(srp_wire_mcast_decode(b, sizeof(b), &m), -EBADMSG);
	/* encapsulated must be 1 or 2. */
	memcpy(b, mcast_vec, 45);
	b[4] = 0;
	ck_assert_int_eq(srp_wire_mcast_decode(b, 45, &m), -EBADMSG);
	/* nodeid must equal system_from. */
	memcpy(b, mcast_vec, 45);
	b[13] = 2;
	ck_assert_int_eq(srp_wire_mcast_decode(b, 45, &m), -EBADMSG);
}
END_TEST

static struct srp_commit commit_a, commit_b;

static int build_commit(uint8_t *buf, size_t cap)
{
	struct srp_commit *c = &commit_a;

	memset(c, 0, sizeof(*c));
	c->hdr.nodeid = 1;
	c->hdr.target_nodeid = 2;
	c->token_seq = 3;
	c->ring_id.rep = 1;
	c->ring_id.seq = 0x100000004ull;
	c->memb_index = 1;
	c->addr_count = 3;
	c->addr[0] = 1;
	c->addr[1] = 2;
	c->addr[2] = 7;
	c->entry[0].ring_id.rep = 1;
	c->entry[0].ring_id.seq = 0x100000000ull;
	c->entry[0].aru = 77;
	c->entry[0].high_delivered = 76;
	c->entry[0].received_flg = 1;
	return srp_wire_commit_encode(c, buf, cap);
}

START_TEST(test_commit_roundtrip)
{
	uint8_t buf[SRP_WIRE_COMMIT_MAX], b2[SRP_WIRE_COMMIT_MAX];
	int len = build_commit(buf, sizeof(buf));
	size_t i;

	ck_assert_int_eq(len, 41 + 28 * 3);
	ck_assert_uint_eq(buf[37], 3);             /* addr_entries */
	ck_assert_uint_eq(buf[41 + 8], 7);         /* addr[2] */
	ck_assert_uint_eq(buf[41 + 12 + 12], 77);  /* entry[0].aru */
	ck_assert_int_eq(srp_wire_commit_decode(buf, (size_t)len, &commit_b), 0);
	ck_assert_uint_eq(commit_b.ring_id.seq, 0x100000004ull);
	ck_assert_uint_eq(commit_b.memb_index, 1);
	ck_assert_uint_eq(commit_b.addr[2], 7);
	ck_assert_uint_eq(commit_b.entry[0].aru, 77);
	ck_assert_uint_eq(commit_b.entry[0].received_flg, 1);
	ck_assert_int_eq(srp_wire_commit_encode(&commit_b, b2, sizeof(b2)), len);
	ck_assert_mem_eq(buf, b2, (size_t)len);

	/* Swapped. */
	memcpy(b2, buf, (size_t)len);
	swap_header(b2);
	swap_at(b2, 13, 4);
	swap_ring_id(b2, 17);
	swap_at(b2, 29, 4);
	swap_at(b2, 33, 4);
	swap_at(b2, 37, 4);
	for (i = 0; i < 3; i++)
		swap_at(b2, 41 + 4 * i, 4);
	for (i = 0; i < 3; i++) {
		size_t e = 41 + 12 + 24 * i;

		swap_ring_id(b2, e);
		swap_at(b2, e + 12, 4);
		swap_at(b2, e + 16, 4);
		swap_at(b2, e + 20, 4);
	}
	ck_assert_int_eq(srp_wire_commit_decode(b2, (size_t)len, &commit_b), 0);
	ck_assert(commit_b.hdr.swapped);
	ck_assert_uint_eq(commit_b.ring_id.seq, 0x100000004ull);
	ck_assert_uint_eq(commit_b.entry[0].ring_id.seq, 0x100000000ull);
	ck_assert_uint_eq(commit_b.entry[0].high_delivered, 76);
	ck_assert_uint_eq(commit_b.addr[2], 7);
}
END_TEST

START_TEST(test_commit_limits)
{
	uint8_t buf[SRP_WIRE_COMMIT_MAX];
	int len = build_commit(buf, sizeof(buf));

	buf[33] = 4;                               /* memb_index > N */
	ck_assert_int_eq(srp_wire_commit_decode(buf, (size_t)len, &commit_b), -EBADMSG);
	buf[33] = 3;                               /* == N is the second rotation */
	ck_assert_int_eq(srp_wire_commit_decode(buf, (size_t)len, &commit_b), 0);
	buf[41 + 8] = 2;                           /* addr not ascending */
	ck_assert_int_eq(srp_wire_commit_decode(buf, (size_t)len, &commit_b), -EBADMSG);
	len = build_commit(buf, sizeof(buf));
	buf[17] = 2;                               /* rep is not the lowest */
	ck_assert_int_eq(srp_wire_commit_decode(buf, (size_t)len, &commit_b), -EBADMSG);
	len = build_commit(buf, sizeof(buf));
	buf[37] = 0;                               /* N = 0 */
	ck_assert_int_eq(srp_wire_commit_decode(buf, 41, &commit_b), -EBADMSG);
	len = build_commit(buf, sizeof(buf));
	buf[37] = 0x81;                            /* N = 385 */
	buf[38] = 0x01;
	ck_assert_int_eq(srp_wire_commit_decode(buf, sizeof(buf), &commit_b), -EBADMSG);
}
END_TEST

START_TEST(test_join_limits)
{
	uint8_t b[41 + 8];

	memcpy(b, join_vec, 41);
	b[17] = 0x81;                              /* P = 385 */
	b[18] = 0x01;
	ck_assert_int_eq(srp_wire_join_decode(b, 41, &join_native), -EBADMSG);
	memcpy(b, join_vec, 41);
	b[21] = 0xff;                              /* F wraps 33 + 4(P+F) in 32 bits */
	b[22] = 0xff;
	b[23] = 0xff;
	b[24] = 0x3f;
	ck_assert_int_eq(srp_wire_join_decode(b, 41, &join_native), -EBADMSG);
	memcpy(b, join_vec, 41);
	b[33] = 3;                                 /* sender not in its own proc list */
	ck_assert_int_eq(srp_wire_join_decode(b, 41, &join_native), -EBADMSG);
	memcpy(b, join_vec, 41);
	b[37] = 0;                                 /* nodeid 0 in a list */
	ck_assert_int_eq(srp_wire_join_decode(b, 41, &join_native), -EBADMSG);
	/* LEAVE: header nodeid 0, sender in failed. */
	memcpy(b, join_vec, 41);
	b[5] = 0;
	ck_assert_int_eq(srp_wire_join_decode(b, 41, &join_native), -EBADMSG);
	b[17] = 1;                                 /* proc {1}, failed {2}, from 2 */
	b[21] = 1;
	b[13] = 2;
	ck_assert_int_eq(srp_wire_join_decode(b, 41, &join_native), 0);
	ck_assert_uint_eq(join_native.hdr.nodeid, 0);
	ck_assert_uint_eq(join_native.failed[0], 2);
}
END_TEST

START_TEST(test_small_messages)
{
	struct srp_merge_detect md, md2;
	struct srp_hold_cancel hc, hc2;
	uint8_t buf[64];

	memset(&md, 0, sizeof(md));
	md.hdr.nodeid = 4;
	md.system_from = 4;
	md.ring_id.rep = 4;
	md.ring_id.seq = 9;
	ck_assert_int_eq(srp_wire_merge_detect_encode(&md, buf, sizeof(buf)), 29);
	ck_assert_uint_eq(buf[3], SRP_MSG_MERGE_DETECT);
	ck_assert_int_eq(srp_wire_merge_detect_decode(buf, 29, &md2), 0);
	ck_assert_uint_eq(md2.system_from, 4);
	ck_assert_uint_eq(md2.ring_id.seq, 9);
	ck_assert_int_eq(srp_wire_merge_detect_decode(buf, 30, &md2), -EBADMSG);

	memset(&hc, 0, sizeof(hc));
	hc.hdr.nodeid = 2;
	hc.ring_id.rep = 1;
	hc.ring_id.seq = 0xffffffffffull;
	ck_assert_int_eq(srp_wire_hold_cancel_encode(&hc, buf, sizeof(buf)), 25);
	ck_assert_uint_eq(buf[3], SRP_MSG_TOKEN_HOLD_CANCEL);
	ck_assert_int_eq(srp_wire_hold_cancel_decode(buf, 25, &hc2), 0);
	ck_assert_uint_eq(hc2.ring_id.seq, 0xffffffffffull);
	swap_header(buf);
	swap_ring_id(buf, 13);
	ck_assert_int_eq(srp_wire_hold_cancel_decode(buf, 25, &hc2), 0);
	ck_assert(hc2.hdr.swapped);
	ck_assert_uint_eq(hc2.hdr.nodeid, 2);
	ck_assert_uint_eq(hc2.ring_id.seq, 0xffffffffffull);
}
END_TEST

/* Decode one buffer with every decoder; returns how many accepted it. */
static int decode_all(const uint8_t *b, size_t len)
{
	static struct srp_join j;
	static struct srp_commit c;
	struct srp_orf o;
	struct srp_mcast_hdr m;
	struct srp_merge_detect md;
	struct srp_hold_cancel hc;
	struct srp_hdr h;
	int n = 0;

	n += srp_wire_header_decode(b, len, &h) == 0;
	n += srp_wire_orf_decode(b, len, &o) == 0;
	n += srp_wire_mcast_decode(b, len, &m) == 0;
	n += srp_wire_join_decode(b, len, &j) == 0;
	n += srp_wire_commit_decode(b, len, &c) == 0;
	n += srp_wire_merge_detect_decode(b, len, &md) == 0;
	n += srp_wire_hold_cancel_decode(b, len, &hc) == 0;
	return n;
}

START_TEST(test_truncation)
{
	uint8_t commit[SRP_WIRE_COMMIT_MAX], mcast[50];
	int clen = build_commit(commit, sizeof(commit));
	size_t l;

	for (l = 0; l < sizeof(join_vec); l++)
		ck_assert_int_eq(decode_all(join_vec, l), l >= 13 ? 1 : 0);
	for (l = 0; l < sizeof(orf_vec); l++)
		ck_assert_int_eq(decode_all(orf_vec, l), l >= 13 ? 1 : 0);
	for (l = 0; l < (size_t)clen; l++)
		ck_assert_int_eq(decode_all(commit, l), l >= 13 ? 1 : 0);
	memcpy(mcast, mcast_vec, 45);
	memcpy(mcast + 45, "hello", 5);
	for (l = 0; l <= sizeof(mcast); l++)
		ck_assert_int_eq(decode_all(mcast, l), l >= 45 ? 2 : l >= 13 ? 1 : 0);
	/* Exact lengths: one trailing byte is refused for fixed layouts. */
	{
		uint8_t b[64];

		memcpy(b, join_vec, 41);
		b[41] = 0;
		ck_assert_int_eq(decode_all(b, 42), 1);
		memcpy(b, orf_vec, 57);
		b[57] = 0;
		ck_assert_int_eq(decode_all(b, 58), 1);
	}
}
END_TEST

START_TEST(test_foreign_and_garbage)
{
	uint8_t b[600];
	uint32_t x = 12345;
	size_t i, l;

	memcpy(b, join_vec, 41);
	b[2] = 2;                                  /* version 2 */
	ck_assert_int_eq(decode_all(b, 41), 0);
	memcpy(b, join_vec, 41);
	b[0] = 0xfe;                               /* corosync 2.3+ magic */
	b[1] = 0xfe;
	ck_assert_int_eq(decode_all(b, 41), 0);
	b[0] = b[1] = 0xff;                        /* corosync 2.2 */
	ck_assert_int_eq(decode_all(b, 41), 0);
	memcpy(b, join_vec, 41);
	b[3] = 6;                                  /* unknown type */
	ck_assert_int_eq(decode_all(b, 41), 0);
	ck_assert_int_eq(decode_all(NULL, 0), 0);

	for (i = 0; i < 20000; i++) {
		for (l = 0; l < sizeof(b); l++) {
			x = x * 1103515245u + 12345u;
			b[l] = (uint8_t)(x >> 16);
		}
		b[0] = 0x70;
		b[1] = 0xc0;
		b[2] = 3;
		b[3] = (uint8_t)(i % 6);
		l = (x >> 8) % sizeof(b);
		(void)decode_all(b, l);
	}
}
END_TEST

START_TEST(test_seq_compare)
{
	ck_assert(srp_seq_lt(1, 2));
	ck_assert(!srp_seq_lt(2, 2));
	ck_assert(srp_seq_lte(2, 2));
	ck_assert(srp_seq_lt(0xfffffff0u, 5));     /* across the wrap */
	ck_assert(!srp_seq_lt(5, 0xfffffff0u));
	ck_assert(srp_seq_lt(0x80000001u, 0x80000002u));
	ck_assert(srp_seq_lte(0xffffffffu, 0));
}
END_TEST

static Suite *srp_wire_suite(void)
{
	Suite *s = suite_create("srp_wire");
	TCase *tc;

	add_tcase(s, tc, test_sizes);
	add_tcase(s, tc, test_join_vector);
	add_tcase(s, tc, test_join_swapped);
	add_tcase(s, tc, test_orf_vector);
	add_tcase(s, tc, test_orf_rtr_list);
	add_tcase(s, tc, test_mcast_vector);
	add_tcase(s, tc, test_mcast_encapsulated);
	add_tcase(s, tc, test_commit_roundtrip);
	add_tcase(s, tc, test_commit_limits);
	add_tcase(s, tc, test_join_limits);
	add_tcase(s, tc, test_small_messages);
	add_tcase(s, tc, test_truncation);
	add_tcase(s, tc, test_foreign_and_garbage);
	add_tcase(s, tc, test_seq_compare);
	return s;
}

int main(void)
{
	return check_run_suite(srp_wire_suite());
}
