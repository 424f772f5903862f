/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totemsrp wire codec: decode (validate + convert to native) and encode.
 * Validation is stricter than corosync 3.1.7's (§2.6): every count is bounded
 * by the buffer and by SRP_NODES_MAX / SRP_RTR_ITEMS_MAX, fixed-size messages
 * must have their exact length, and member lists may not hold nodeid 0.
 * The byte order of a datagram is detected from its magic (§2.4).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "totemsrp/srp_wire.h"

_Static_assert(sizeof(struct srp_wire_ring_id) == 12, "ring id");
_Static_assert(sizeof(struct srp_wire_header) == SRP_WIRE_HEADER_SIZE, "header");
_Static_assert(offsetof(struct srp_wire_header, nodeid) == 5, "header.nodeid");
_Static_assert(offsetof(struct srp_wire_header, target_nodeid) == 9, "header.target");
_Static_assert(sizeof(struct srp_wire_rtr_item) == SRP_WIRE_RTR_SIZE, "rtr item");
_Static_assert(sizeof(struct srp_wire_orf_token) == SRP_WIRE_ORF_SIZE, "orf token");
_Static_assert(offsetof(struct srp_wire_orf_token, ring_id) == 29, "orf.ring_id");
_Static_assert(offsetof(struct srp_wire_orf_token, backlog) == 41, "orf.backlog");
_Static_assert(offsetof(struct srp_wire_orf_token, rtr_list_entries) == 53, "orf.rtr");
_Static_assert(sizeof(struct srp_wire_mcast) == SRP_WIRE_MCAST_SIZE, "mcast");
_Static_assert(offsetof(struct srp_wire_mcast, ring_id) == 25, "mcast.ring_id");
_Static_assert(offsetof(struct srp_wire_mcast, guarantee) == 41, "mcast.guarantee");
_Static_assert(sizeof(struct srp_wire_join) == SRP_WIRE_JOIN_SIZE, "join");
_Static_assert(offsetof(struct srp_wire_join, ring_seq) == 25, "join.ring_seq");
_Static_assert(sizeof(struct srp_wire_commit_entry) == SRP_WIRE_COMMIT_ENTRY_SIZE, "entry");
_Static_assert(sizeof(struct srp_wire_commit_token) == SRP_WIRE_COMMIT_SIZE, "commit");
_Static_assert(offsetof(struct srp_wire_commit_token, memb_index) == 33, "commit.index");
_Static_assert(sizeof(struct srp_wire_merge_detect) == SRP_WIRE_MERGE_SIZE, "merge");
_Static_assert(sizeof(struct srp_wire_hold_cancel) == SRP_WIRE_HOLD_CANCEL_SIZE, "cancel");

static uint32_t sw32(uint32_t v, bool s) { return s ? __builtin_bswap32(v) : v; }
static uint64_t sw64(uint64_t v, bool s) { return s ? __builtin_bswap64(v) : v; }

static struct srp_ring_id ring_id_from_wire(const struct srp_wire_ring_id *w, bool s)
{
	struct srp_ring_id r = { .rep = sw32(w->rep, s), .seq = sw64(w->seq, s) };

	return r;
}

static struct srp_wire_ring_id ring_id_to_wire(const struct srp_ring_id *r)
{
	struct srp_wire_ring_id w = { .rep = r->rep, .seq = r->seq };

	return w;
}

bool srp_ring_id_eq(const struct srp_ring_id *a, const struct srp_ring_id *b)
{
	return a->rep == b->rep && a->seq == b->seq;
}

int srp_wire_header_decode(const void *buf, size_t len, struct srp_hdr *ret_hdr)
{
	struct srp_wire_header w;
	bool s;

	if (!buf || len < sizeof(w))
		return -EBADMSG;
	memcpy(&w, buf, sizeof(w));
	if (w.magic == SRP_WIRE_MAGIC)
		s = false;
	else if (w.magic == SRP_WIRE_MAGIC_SWAPPED)
		s = true;
	else
		return -EBADMSG;
	if (w.version != SRP_WIRE_VERSION || w.type > SRP_MSG_TOKEN_HOLD_CANCEL)
		return -EBADMSG;
	ret_hdr->type = w.type;
	ret_hdr->encapsulated = w.encapsulated;
	ret_hdr->nodeid = sw32(w.nodeid, s);
	ret_hdr->target_nodeid = sw32(w.target_nodeid, s);
	ret_hdr->swapped = s;
	return 0;
}

static int header_expect(const void *buf, size_t len, uint8_t type, struct srp_hdr *hdr)
{
	if (srp_wire_header_decode(buf, len, hdr) < 0 || hdr->type != type)
		return -EBADMSG;
	return 0;
}

int srp_wire_orf_decode(const void *buf, size_t len, struct srp_orf *ret)
{
	struct srp_wire_orf_token w;
	struct srp_hdr hdr;
	struct srp_orf t;
	const uint8_t *p = buf;
	uint32_t n, i;
	bool s;

	if (header_expect(buf, len, SRP_MSG_ORF_TOKEN, &hdr) < 0 || len < sizeof(w))
		return -EBADMSG;
	s = hdr.swapped;
	memcpy(&w, buf, sizeof(w));
	n = sw32((uint32_t)w.rtr_list_entries, s);
	if (n > SRP_RTR_ITEMS_MAX || len != SRP_WIRE_ORF_SIZE + (size_t)n * SRP_WIRE_RTR_SIZE)
		return -EBADMSG;
	if (hdr.nodeid == 0)
		return -EBADMSG;
	memset(&t, 0, sizeof(t));
	t.hdr = hdr;
	t.seq = sw32(w.seq, s);
	t.token_seq = sw32(w.token_seq, s);
	t.aru = sw32(w.aru, s);
	t.aru_addr = sw32(w.aru_addr, s);
	t.ring_id = ring_id_from_wire(&w.ring_id, s);
	t.backlog = sw32(w.backlog, s);
	t.fcc = sw32(w.fcc, s);
	t.retrans_flg = (int32_t)sw32((uint32_t)w.retrans_flg, s);
	if (t.retrans_flg != 0 && t.retrans_flg != 1)
		return -EBADMSG;
	if (t.ring_id.rep == 0)
		return -EBADMSG;
	t.rtr_count = n;
	for (i = 0; i < n; i++) {
		struct srp_wire_rtr_item r;

		memcpy(&r, p + SRP_WIRE_ORF_SIZE + i * SRP_WIRE_RTR_SIZE, sizeof(r));
		t.rtr[i].ring_id = ring_id_from_wire(&r.ring_id, s);
		t.rtr[i].seq = sw32(r.seq, s);
	}
	*ret = t;
	return 0;
}

static int mcast_decode(const void *buf, size_t len, struct srp_mcast_hdr *ret, int depth)
{
	struct srp_wire_mcast w;
	struct srp_hdr hdr;
	struct srp_mcast_hdr m;
	bool s;

	if (header_expect(buf, len, SRP_MSG_MCAST, &hdr) < 0 || len < sizeof(w))
		return -EBADMSG;
	s = hdr.swapped;
	memcpy(&w, buf, sizeof(w));
	m.hdr = hdr;
	m.system_from = sw32(w.system_from, s);
	m.seq = sw32(w.seq, s);
	m.this_seqno = (int32_t)sw32((uint32_t)w.this_seqno, s);
	m.ring_id = ring_id_from_wire(&w.ring_id, s);
	m.node_id = sw32(w.node_id, s);
	m.guarantee = (int32_t)sw32((uint32_t)w.guarantee, s);
	m.body = (const uint8_t *)buf + sizeof(w);
	m.body_len = len - sizeof(w);
	if (hdr.nodeid == 0 || hdr.nodeid != m.system_from || m.ring_id.rep == 0)
		return -EBADMSG;
	if (hdr.encapsulated == SRP_WIRE_ENCAPSULATED) {
		struct srp_mcast_hdr inner;

		if (depth > 0 || mcast_decode(m.body, m.body_len, &inner, depth + 1) < 0)
			return -EBADMSG;
	} else if (hdr.encapsulated != SRP_WIRE_NOT_ENCAPSULATED) {
		return -EBADMSG;
	}
	*ret = m;
	return 0;
}

int srp_wire_mcast_decode(const void *buf, size_t len, struct srp_mcast_hdr *ret)
{
	return mcast_decode(buf, len, ret, 0);
}

static int list_decode(const uint8_t *p, uint32_t n, bool s, uint32_t *out)
{
	uint32_t i, v;

	for (i = 0; i < n; i++) {
		memcpy(&v, p + 4 * (size_t)i, 4);
		out[i] = sw32(v, s);
		if (out[i] == 0)
			return -EBADMSG;
	}
	return 0;
}

static bool list_has(const uint32_t *l, uint32_t n, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (l[i] == id)
			return true;
	return false;
}

int srp_wire_join_decode(const void *buf, size_t len, struct srp_join *ret)
{
	struct srp_wire_join w;
	struct srp_hdr hdr;
	const uint8_t *p = buf;
	uint32_t np, nf, from;
	bool s;

	if (header_expect(buf, len, SRP_MSG_JOIN, &hdr) < 0 || len < sizeof(w))
		return -EBADMSG;
	s = hdr.swapped;
	memcpy(&w, buf, sizeof(w));
	np = sw32(w.proc_list_entries, s);
	nf = sw32(w.failed_list_entries, s);
	if (np > SRP_NODES_MAX || nf > SRP_NODES_MAX ||
	    len != SRP_WIRE_JOIN_SIZE + 4 * ((size_t)np + nf))
		return -EBADMSG;
	from = sw32(w.system_from, s);
	if (from == 0 || (hdr.nodeid != 0 && hdr.nodeid != from))
		return -EBADMSG;
	if (list_decode(p + SRP_WIRE_JOIN_SIZE, np, s, ret->proc) < 0 ||
	    list_decode(p + SRP_WIRE_JOIN_SIZE + 4 * (size_t)np, nf, s, ret->failed) < 0)
		return -EBADMSG;
	/* A JOIN names its sender in proc; a LEAVE (nodeid 0) names it in failed. */
	if (hdr.nodeid != 0 ? !list_has(ret->proc, np, from) : !list_has(ret->failed, nf, from))
		return -EBADMSG;
	ret->hdr = hdr;
	ret->system_from = from;
	ret->proc_count = np;
	ret->failed_count = nf;
	ret->ring_seq = sw64(w.ring_seq, s);
	return 0;
}

int srp_wire_commit_decode(const void *buf, size_t len, struct srp_commit *ret)
{
	struct srp_wire_commit_token w;
	struct srp_hdr hdr;
	const uint8_t *p = buf;
	uint32_t n, idx, i;
	bool s;

	if (header_expect(buf, len, SRP_MSG_COMMIT_TOKEN, &hdr) < 0 || len < sizeof(w))
		return -EBADMSG;
	s = hdr.swapped;
	memcpy(&w, buf, sizeof(w));
	n = sw32((uint32_t)w.addr_entries, s);
	idx = sw32((uint32_t)w.memb_index, s);
	if (n < 1 || n > SRP_NODES_MAX || idx > n ||
	    len != SRP_WIRE_COMMIT_SIZE + 28 * (size_t)n || hdr.nodeid == 0)
		return -EBADMSG;
	if (list_decode(p + SRP_WIRE_COMMIT_SIZE, n, s, ret->addr) < 0)
		return -EBADMSG;
	for (i = 1; i < n; i++)
		if (ret->addr[i] <= ret->addr[i - 1])
			return -EBADMSG;
	ret->ring_id = ring_id_from_wire(&w.ring_id, s);
	if (ret->ring_id.rep != ret->addr[0])
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		struct srp_wire_commit_entry e;

		memcpy(&e, p + SRP_WIRE_COMMIT_SIZE + 4 * (size_t)n + 24 * (size_t)i, sizeof(e));
		ret->entry[i].ring_id = ring_id_from_wire(&e.ring_id, s);
		ret->entry[i].aru = sw32(e.aru, s);
		ret->entry[i].high_delivered = sw32(e.high_delivered, s);
		ret->entry[i].received_flg = sw32(e.received_flg, s);
	}
	ret->hdr = hdr;
	ret->token_seq = sw32(w.token_seq, s);
	ret->retrans_flg = sw32(w.retrans_flg, s);
	ret->memb_index = idx;
	ret->addr_count = n;
	return 0;
}

int srp_wire_merge_detect_decode(const void *buf, size_t len, struct srp_merge_detect *ret)
{
	struct srp_wire_merge_detect w;
	struct srp_hdr hdr;

	if (header_expect(buf, len, SRP_MSG_MERGE_DETECT, &hdr) < 0 || len != sizeof(w))
		return -EBADMSG;
	memcpy(&w, buf, sizeof(w));
	if (sw32(w.system_from, hdr.swapped) == 0 || hdr.nodeid == 0)
		return -EBADMSG;
	ret->hdr = hdr;
	ret->system_from = sw32(w.system_from, hdr.swapped);
	ret->ring_id = ring_id_from_wire(&w.ring_id, hdr.swapped);
	return 0;
}

int srp_wire_hold_cancel_decode(const void *buf, size_t len, struct srp_hold_cancel *ret)
{
	struct srp_wire_hold_cancel w;
	struct srp_hdr hdr;

	if (header_expect(buf, len, SRP_MSG_TOKEN_HOLD_CANCEL, &hdr) < 0 || len != sizeof(w) ||
	    hdr.nodeid == 0)
		return -EBADMSG;
	memcpy(&w, buf, sizeof(w));
	ret->hdr = hdr;
	ret->ring_id = ring_id_from_wire(&w.ring_id, hdr.swapped);
	return 0;
}

static struct srp_wire_header header_to_wire(const struct srp_hdr *h, uint8_t type)
{
	struct srp_wire_header w = {
		.magic = SRP_WIRE_MAGIC,
		.version = SRP_WIRE_VERSION,
		.type = type,
		.encapsulated = h->encapsulated,
		.nodeid = h->nodeid,
		.target_nodeid = h->target_nodeid,
	};

	return w;
}

int srp_wire_orf_encode(const struct srp_orf *t, void *buf, size_t cap)
{
	struct srp_wire_orf_token w;
	size_t len = SRP_WIRE_ORF_SIZE + (size_t)t->rtr_count * SRP_WIRE_RTR_SIZE;
	uint8_t *p = buf;
	uint32_t i;

	if (t->rtr_count > SRP_RTR_ITEMS_MAX || cap < len)
		return -ENOSPC;
	memset(&w, 0, sizeof(w));
	w.header = header_to_wire(&t->hdr, SRP_MSG_ORF_TOKEN);
	w.seq = t->seq;
	w.token_seq = t->token_seq;
	w.aru = t->aru;
	w.aru_addr = t->aru_addr;
	w.ring_id = ring_id_to_wire(&t->ring_id);
	w.backlog = t->backlog;
	w.fcc = t->fcc;
	w.retrans_flg = t->retrans_flg;
	w.rtr_list_entries = (int32_t)t->rtr_count;
	memcpy(p, &w, sizeof(w));
	for (i = 0; i < t->rtr_count; i++) {
		struct srp_wire_rtr_item r = {
			.ring_id = ring_id_to_wire(&t->rtr[i].ring_id),
			.seq = t->rtr[i].seq,
		};

		memcpy(p + SRP_WIRE_ORF_SIZE + i * SRP_WIRE_RTR_SIZE, &r, sizeof(r));
	}
	return (int)len;
}

int srp_wire_mcast_encode(const struct srp_mcast_hdr *m, void *buf, size_t cap)
{
	struct srp_wire_mcast w;

	if (cap < sizeof(w))
		return -ENOSPC;
	memset(&w, 0, sizeof(w));
	w.header = header_to_wire(&m->hdr, SRP_MSG_MCAST);
	w.system_from = m->system_from;
	w.seq = m->seq;
	w.this_seqno = m->this_seqno;
	w.ring_id = ring_id_to_wire(&m->ring_id);
	w.node_id = m->node_id;
	w.guarantee = m->guarantee;
	memcpy(buf, &w, sizeof(w));
	return (int)sizeof(w);
}

void srp_wire_mcast_set_seq(void *buf, uint32_t seq, int32_t this_seqno,
			    const struct srp_ring_id *ring_id)
{
	struct srp_wire_mcast w;

	memcpy(&w, buf, sizeof(w));
	w.seq = seq;
	w.this_seqno = this_seqno;
	w.ring_id = ring_id_to_wire(ring_id);
	memcpy(buf, &w, sizeof(w));
}

int srp_wire_join_encode(const struct srp_join *j, void *buf, size_t cap)
{
	struct srp_wire_join w;
	size_t len = SRP_WIRE_JOIN_SIZE + 4 * ((size_t)j->proc_count + j->failed_count);
	uint8_t *p = buf;

	if (j->proc_count > SRP_NODES_MAX || j->failed_count > SRP_NODES_MAX || cap < len)
		return -ENOSPC;
	memset(&w, 0, sizeof(w));
	w.header = header_to_wire(&j->hdr, SRP_MSG_JOIN);
	w.system_from = j->system_from;
	w.proc_list_entries = j->proc_count;
	w.failed_list_entries = j->failed_count;
	w.ring_seq = j->ring_seq;
	memcpy(p, &w, sizeof(w));
	memcpy(p + SRP_WIRE_JOIN_SIZE, j->proc, 4 * (size_t)j->proc_count);
	memcpy(p + SRP_WIRE_JOIN_SIZE + 4 * (size_t)j->proc_count, j->failed,
	       4 * (size_t)j->failed_count);
	return (int)len;
}

int srp_wire_commit_encode(const struct srp_commit *c, void *buf, size_t cap)
{
	struct srp_wire_commit_token w;
	size_t len = SRP_WIRE_COMMIT_SIZE + 28 * (size_t)c->addr_count;
	uint8_t *p = buf;
	uint32_t i;

	if (c->addr_count > SRP_NODES_MAX || cap < len)
		return -ENOSPC;
	memset(&w, 0, sizeof(w));
	w.header = header_to_wire(&c->hdr, SRP_MSG_COMMIT_TOKEN);
	w.token_seq = c->token_seq;
	w.ring_id = ring_id_to_wire(&c->ring_id);
	w.retrans_flg = c->retrans_flg;
	w.memb_index = (int32_t)c->memb_index;
	w.addr_entries = (int32_t)c->addr_count;
	memcpy(p, &w, sizeof(w));
	memcpy(p + SRP_WIRE_COMMIT_SIZE, c->addr, 4 * (size_t)c->addr_count);
	for (i = 0; i < c->addr_count; i++) {
		struct srp_wire_commit_entry e = {
			.ring_id = ring_id_to_wire(&c->entry[i].ring_id),
			.aru = c->entry[i].aru,
			.high_delivered = c->entry[i].high_delivered,
			.received_flg = c->entry[i].received_flg,
		};

		memcpy(p + SRP_WIRE_COMMIT_SIZE + 4 * (size_t)c->addr_count + 24 * (size_t)i,
		       &e, sizeof(e));
	}
	return (int)len;
}

int srp_wire_merge_detect_encode(const struct srp_merge_detect *m, void *buf, size_t cap)
{
	struct srp_wire_merge_detect w;

	if (cap < sizeof(w))
		return -ENOSPC;
	memset(&w, 0, sizeof(w));
	w.header = header_to_wire(&m->hdr, SRP_MSG_MERGE_DETECT);
	w.system_from = m->system_from;
	w.ring_id = ring_id_to_wire(&m->ring_id);
	memcpy(buf, &w, sizeof(w));
	return (int)sizeof(w);
}

int srp_wire_hold_cancel_encode(const struct srp_hold_cancel *h, void *buf, size_t cap)
{
	struct srp_wire_hold_cancel w;

	if (cap < sizeof(w))
		return -ENOSPC;
	memset(&w, 0, sizeof(w));
	w.header = header_to_wire(&h->hdr, SRP_MSG_TOKEN_HOLD_CANCEL);
	w.ring_id = ring_id_to_wire(&h->ring_id);
	memcpy(buf, &w, sizeof(w));
	return (int)sizeof(w);
}

bool srp_seq_lt(uint32_t a, uint32_t b)
{
	if (a > 0x80000000u || b > 0x80000000u)
		return (uint32_t)(a - 0x10000u) < (uint32_t)(b - 0x10000u);
	return a < b;
}

bool srp_seq_lte(uint32_t a, uint32_t b)
{
	if (a > 0x80000000u || b > 0x80000000u)
		return (uint32_t)(a - 0x10000u) <= (uint32_t)(b - 0x10000u);
	return a <= b;
}
