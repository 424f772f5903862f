/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The EVS checkers (see sim_check.h).  A message is named by its tag
 * (sender << 40 | counter).  Deliveries are attributed to the ring of the
 * node's last REGULAR configuration, including those between TRANSITIONAL
 * and REGULAR (recovered old-ring messages, §2.13.11 step 6).  Within a ring
 * every node's deliveries before its TRANSITIONAL are a prefix of one
 * canonical sequence (delivery is gap-free there); the tail after it may skip
 * gaps, so tails are compared pairwise when the node reaches REGULAR, and
 * against later growth of the canonical sequence.  Memory failures abort:
 * this is test code and a partial check would lie.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/sim/sim_check.h"
#include "test/sim/sim_payload.h"
#include "test/sim/sim_table.h"
#include "test/sim/sim_prng.h"

/* ---- small containers ---------------------------------------------------- */

/* ---- model --------------------------------------------------------------- */

struct sent {
	uint32_t len;
	bool refused;
	bool trans_q;           /* queued while the sender's srp waited for the sync (trans queue) */
	uint32_t inc;           /* the sender's incarnation */
	int32_t ring;           /* ring it was first delivered in, -1 if none yet */
	uint64_t time_ms;
};

/*
 * A receiver's view of one sender's messages (per-sender FIFO): the highest
 * counters delivered so far of each send queue, for the sender's latest
 * incarnation seen.
 */
struct fifo {
	uint32_t inc;
	uint64_t hi_new, hi_trans;
};

/* A node-incarnation's deliveries in one ring, frozen at its REGULAR for the next ring. */
struct fin {
	uint32_t node;          /* index */
	uint32_t inc;
	size_t p;               /* its deliveries before TRANSITIONAL: C[0..p) */
	struct sim_vec tail;
	struct sim_map tailpos;  /* tag -> index in tail */
	int32_t r2;             /* ring it moved to */
	uint32_t t[SIM_CHECK_NODES_MAX];
	size_t nt;
	long last_matched;      /* highest tail index already present in C */
};

struct ring {
	struct srp_ring_id id;
	uint32_t members[SIM_CHECK_NODES_MAX];
	size_t members_count;
	uint32_t registered_by;
	struct sim_vec c;        /* canonical gap-free sequence */
	struct sim_map cpos;     /* tag -> index in c */
	struct fin **fins;
	size_t fins_count;
};

enum phase { PH_NONE, PH_REGULAR, PH_TRANS };

struct node {
	uint32_t nodeid;
	bool up;
	uint32_t inc;
	enum phase phase;
	int32_t ring;           /* ring of the last REGULAR, -1 if none */
	size_t p;
	struct sim_vec tail;
	struct srp_ring_id trans_id;
	uint32_t t[SIM_CHECK_NODES_MAX];
	size_t nt;
	uint32_t left[SIM_CHECK_NODES_MAX];
	size_t nleft;
	struct sim_map delivered;        /* tag -> ring index */
	struct sim_vec sent_inc;         /* tags sent in this incarnation */
	bool waiting;                    /* srp waits for the sync: srp_mcast() -> trans queue */
	struct fifo fifo[SIM_CHECK_NODES_MAX];  /* by sender index */
	uint64_t stored_seq;
	uint64_t max_seq;               /* highest REGULAR ring seq ever (all incarnations) */
};

struct sim_check {
	uint64_t now_ms;
	size_t nodes_count;
	struct node nodes[SIM_CHECK_NODES_MAX];
	struct sim_map sent_idx;         /* tag -> index in sent[] */
	struct sent *sent;
	size_t sent_count, sent_cap;
	struct ring **rings;
	size_t rings_count;
	bool failed;
	uint32_t fail_node;
	uint64_t fail_time;
	char fail_msg[1024];
	struct sim_check_stats stats;
};

static uint64_t tag_make(uint32_t sender, uint64_t counter)
{
	return ((uint64_t)sender << 40) | (counter & ((1ull << 40) - 1));
}

static uint32_t tag_sender(uint64_t tag)
{
	return (uint32_t)(tag >> 40);
}

static unsigned long long tag_counter(uint64_t tag)
{
	return (unsigned long long)(tag & ((1ull << 40) - 1));
}

void sim_check_fail(struct sim_check *chk, uint32_t nodeid, const char *fmt, ...)
{
	va_list ap;

	if (chk->failed)
		return;
	chk->failed = true;
	chk->fail_node = nodeid;
	chk->fail_time = chk->now_ms;
	va_start(ap, fmt);
	vsnprintf(chk->fail_msg, sizeof(chk->fail_msg), fmt, ap);
	va_end(ap);
}

bool sim_check_failed(const struct sim_check *chk)
{
	return chk->failed;
}

const char *sim_check_failure(const struct sim_check *chk, uint32_t *ret_nodeid,
			      uint64_t *ret_time_ms)
{
	if (!chk->failed)
		return NULL;
	if (ret_nodeid)
		*ret_nodeid = chk->fail_node;
	if (ret_time_ms)
		*ret_time_ms = chk->fail_time;
	return chk->fail_msg;
}

void sim_check_stats_get(const struct sim_check *chk, struct sim_check_stats *ret_stats)
{
	*ret_stats = chk->stats;
	ret_stats->rings = chk->rings_count;
}

void sim_check_set_now(struct sim_check *chk, uint64_t now_ms)
{
	chk->now_ms = now_ms;
}

static struct node *node_find(struct sim_check *chk, uint32_t nodeid)
{
	for (size_t i = 0; i < chk->nodes_count; i++)
		if (chk->nodes[i].nodeid == nodeid)
			return &chk->nodes[i];
	return NULL;
}

struct sim_check *sim_check_new(const uint32_t *nodeids, size_t n)
{
	struct sim_check *chk;

	if (n == 0 || n > SIM_CHECK_NODES_MAX)
		return NULL;
	chk = calloc(1, sizeof(*chk));
	if (!chk)
		return NULL;
	chk->nodes_count = n;
	for (size_t i = 0; i < n; i++) {
		chk->nodes[i].nodeid = nodeids[i];
		chk->nodes[i].ring = -1;
	}
	return chk;
}

static void fin_free(struct fin *f)
{
	if (!f)
		return;
	sim_vec_free(&f->tail);
	sim_map_free(&f->tailpos);
	free(f);
}

void sim_check_free(struct sim_check *chk)
{
	if (!chk)
		return;
	for (size_t i = 0; i < chk->nodes_count; i++) {
		sim_vec_free(&chk->nodes[i].tail);
		sim_map_free(&chk->nodes[i].delivered);
		sim_vec_free(&chk->nodes[i].sent_inc);
	}
	for (size_t r = 0; r < chk->rings_count; r++) {
		struct ring *ring = chk->rings[r];

		for (size_t f = 0; f < ring->fins_count; f++)
			fin_free(ring->fins[f]);
		free(ring->fins);
		sim_vec_free(&ring->c);
		sim_map_free(&ring->cpos);
		free(ring);
	}
	free(chk->rings);
	sim_map_free(&chk->sent_idx);
	free(chk->sent);
	free(chk);
}

static void node_reset(struct node *n)
{
	n->phase = PH_NONE;
	n->ring = -1;
	n->p = 0;
	n->tail.n = 0;
	n->nt = 0;
	sim_map_free(&n->delivered);
	n->sent_inc.n = 0;
	n->waiting = false;
	memset(n->fifo, 0, sizeof(n->fifo));
}

void sim_check_node_up(struct sim_check *chk, uint32_t nodeid)
{
	struct node *n = node_find(chk, nodeid);

	if (!n) {
		sim_check_fail(chk, nodeid, "unknown node %u started", nodeid);
		return;
	}
	node_reset(n);
	n->up = true;
	n->inc++;
}

void sim_check_node_down(struct sim_check *chk, uint32_t nodeid)
{
	struct node *n = node_find(chk, nodeid);

	if (!n)
		return;
	node_reset(n);
	n->up = false;
}

void sim_check_ring_seq_stored(struct sim_check *chk, uint32_t nodeid, uint64_t seq)
{
	struct node *n = node_find(chk, nodeid);

	if (!n)
		return;
	n->stored_seq = seq;
}

/* ---- payloads ------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

#define SIM_MSG_SALT 0xd1b54a32d192ed03ull

size_t sim_msg_build(void *buf, size_t cap, uint32_t sender, uint64_t counter, size_t len)
{
	uint8_t *b = buf;
	uint64_t tag = tag_make(sender, counter);
	uint32_t sum;

	if (len < SIM_MSG_HDR_LEN || len > cap || len > UINT32_MAX)
		return 0;
	sim_fill(b, SIM_MSG_HDR_LEN, len, tag, SIM_MSG_SALT);
	sum = sim_sum(b, SIM_MSG_HDR_LEN, len);
	put32(b, SIM_MSG_MAGIC);
	put32(b + 4, sender);
	memcpy(b + 8, &counter, 8);
	put32(b + 16, (uint32_t)len);
	put32(b + 20, sum);
	return len;
}

size_t sim_msg_wrap(void *buf, size_t cap, uint32_t sender, uint64_t counter,
		    const struct iovec *iov, size_t iovcnt)
{
	uint8_t *b = buf;
	size_t len = SIM_MSG_HDR_LEN;
	uint32_t sum;

	for (size_t i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > cap || len > cap - iov[i].iov_len)
			return 0;
		memcpy(b + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (len > UINT32_MAX)
		return 0;
	sum = sim_sum(b, SIM_MSG_HDR_LEN, len);
	put32(b, SIM_FRAME_MAGIC);
	put32(b + 4, sender);
	memcpy(b + 8, &counter, 8);
	put32(b + 16, (uint32_t)len);
	put32(b + 20, sum);
	return len;
}

/* 0 and the tag, or -1 with a reason. */
static int msg_parse(const void *msg, size_t len, uint64_t *ret_tag, const char **ret_why)
{
	const uint8_t *b = msg;
	uint64_t counter;
	uint64_t tag;

	if (len < SIM_MSG_HDR_LEN) {
		*ret_why = "shorter than the application header";
		return -1;
	}
	if (get32(b) != SIM_MSG_MAGIC && get32(b) != SIM_FRAME_MAGIC) {
		*ret_why = "bad magic";
		return -1;
	}
	memcpy(&counter, b + 8, 8);
	if (counter == 0 || counter >= (1ull << 40) || get32(b + 4) >= (1u << 24)) {
		*ret_why = "bad tag";
		return -1;
	}
	if (get32(b + 16) != len) {
		*ret_why = "length differs from the sent length";
		return -1;
	}
	tag = tag_make(get32(b + 4), counter);
	if (get32(b) == SIM_MSG_MAGIC && !sim_fill_ok(b, SIM_MSG_HDR_LEN, len, tag, SIM_MSG_SALT)) {
		*ret_why = "body corrupted";
		return -1;
	}
	if (sim_sum(b, SIM_MSG_HDR_LEN, len) != get32(b + 20)) {
		*ret_why = "checksum mismatch";
		return -1;
	}
	*ret_tag = tag;
	return 0;
}

static void sent_register(struct sim_check *chk, uint32_t nodeid, const void *msg, size_t len,
			  bool refused)
{
	struct node *n = node_find(chk, nodeid);
	const char *why = NULL;
	uint64_t tag;
	uint64_t idx;

	if (!n || msg_parse(msg, len, &tag, &why) < 0 || tag_sender(tag) != nodeid) {
		sim_check_fail(chk, nodeid, "application sent a malformed payload (%s)",
			       why ? why : "wrong sender");
		return;
	}
	if (sim_map_get(&chk->sent_idx, tag, &idx)) {
		if (refused && !chk->sent[idx].refused) {
			chk->sent[idx].refused = true;
			chk->stats.sent--;
			return;
		}
		sim_check_fail(chk, nodeid, "application reused tag %u:%llu",
			       nodeid, tag_counter(tag));
		return;
	}
	if (chk->sent_count == chk->sent_cap) {
		chk->sent_cap = chk->sent_cap ? chk->sent_cap * 2 : 256;
		chk->sent = sim_xrealloc(chk->sent, chk->sent_cap * sizeof(*chk->sent));
	}
	chk->sent[chk->sent_count] = (struct sent){ .len = (uint32_t)len, .refused = refused,
						    .trans_q = n->waiting, .inc = n->inc,
						    .ring = -1, .time_ms = chk->now_ms };
	sim_map_put(&chk->sent_idx, tag, chk->sent_count);
	chk->sent_count++;
	if (!refused) {
		chk->stats.sent++;
		sim_vec_push(&n->sent_inc, tag);
	}
}

void sim_check_sent(struct sim_check *chk, uint32_t nodeid, const void *msg, size_t len)
{
	sent_register(chk, nodeid, msg, len, false);
}

void sim_check_refused(struct sim_check *chk, uint32_t nodeid, const void *msg, size_t len)
{
	struct node *n = node_find(chk, nodeid);

	sent_register(chk, nodeid, msg, len, true);
	/* It was pushed on sent_inc by sim_check_sent: drop it again. */
	if (n && n->sent_inc.n) {
		const char *why;
		uint64_t tag;

		if (msg_parse(msg, len, &tag, &why) == 0 && n->sent_inc.v[n->sent_inc.n - 1] == tag)
			n->sent_inc.n--;
	}
}

/* ---- rings --------------------------------------------------------------- */

static bool ring_id_eq(struct srp_ring_id a, struct srp_ring_id b)
{
	return a.rep == b.rep && a.seq == b.seq;
}

static int32_t ring_find(const struct sim_check *chk, struct srp_ring_id id)
{
	for (size_t r = chk->rings_count; r-- > 0;)
		if (ring_id_eq(chk->rings[r]->id, id))
			return (int32_t)r;
	return -1;
}

static const char *list_str(const uint32_t *v, size_t n, char *buf, size_t cap)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && off + 12 < cap; i++)
		off += (size_t)snprintf(buf + off, cap - off, "%s%u", i ? "," : "", v[i]);
	return buf;
}

static bool list_has(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool list_eq(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

/* Sorted ascending, no duplicates, bounded. */
static bool list_valid(const uint32_t *v, size_t n)
{
	if (n > SIM_CHECK_NODES_MAX || (n && !v))
		return false;
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] >= v[i])
			return false;
	return true;
}

/* out = a \ b (a sorted) */
static size_t list_minus(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < na; i++)
		if (!list_has(b, nb, a[i]))
			out[k++] = a[i];
	return k;
}

/* Position of tag in the full sequence of fin f within ring r, or -1. */
static long fin_pos(const struct ring *r, const struct fin *f, uint64_t tag)
{
	uint64_t k;

	if (sim_map_get(&r->cpos, tag, &k) && k < f->p)
		return (long)k;
	if (sim_map_get(&f->tailpos, tag, &k))
		return (long)(f->p + k);
	return -1;
}

static uint64_t fin_at(const struct ring *r, const struct fin *f, size_t i)
{
	return i < f->p ? r->c.v[i] : f->tail.v[i - f->p];
}

static size_t fin_len(const struct fin *f)
{
	return f->p + f->tail.n;
}

/* Common messages of a and b in the same order. */
static void fin_order_check(struct sim_check *chk, const struct ring *r, const struct fin *a,
			    const struct fin *b)
{
	long last_q = -1;
	uint64_t last_tag = 0;
	size_t start = a->p < b->p ? a->p : b->p;   /* common prefix of C is consistent */

	for (size_t i = start; i < fin_len(a); i++) {
		uint64_t tag = fin_at(r, a, i);
		long q = fin_pos(r, b, tag);

		if (q < 0)
			continue;
		if (q <= last_q) {
			sim_check_fail(chk, chk->nodes[a->node].nodeid,
				       "agreed order violated in ring %u/%llu: node %u delivered %u:%llu before %u:%llu, node %u the other way round",
				       r->id.rep, (unsigned long long)r->id.seq,
				       chk->nodes[a->node].nodeid, tag_sender(last_tag),
				       tag_counter(last_tag), tag_sender(tag), tag_counter(tag),
				       chk->nodes[b->node].nodeid);
			return;
		}
		last_q = q;
		last_tag = tag;
	}
}

/*
 * Nodes moving together from ring r to the same next ring (same transitional
 * set) delivered the same messages in r's regular configuration, and the
 * same messages in the transitional configuration between r and the next
 * ring (EVS failure atomicity, per configuration: a message moved from one
 * to the other on one node is a violation even when the union is the same).
 * The regular deliveries are prefixes of r's canonical sequence, so the same
 * count means the same messages; the order of the transitional ones is
 * fin_order_check's.
 */
static void fin_same_set_check(struct sim_check *chk, const struct ring *r, const struct fin *a,
			       const struct fin *b)
{
	uint32_t an = chk->nodes[a->node].nodeid, bn = chk->nodes[b->node].nodeid;
	char b1[200], b2[200];

	if (!list_eq(a->t, a->nt, b->t, b->nt)) {
		sim_check_fail(chk, an,
			       "nodes %u and %u moved from ring %u/%llu to the same ring with different transitional sets {%s} and {%s}",
			       an, bn, r->id.rep, (unsigned long long)r->id.seq,
			       list_str(a->t, a->nt, b1, sizeof(b1)), list_str(b->t, b->nt, b2, sizeof(b2)));
		return;
	}
	if (a->p != b->p) {
		const struct fin *more = a->p > b->p ? a : b;
		const struct fin *less = more == a ? b : a;
		uint64_t tag = r->c.v[less->p];

		sim_check_fail(chk, an,
			       "nodes %u and %u moved together from ring %u/%llu but delivered different messages in its regular configuration (%zu vs %zu; %u:%llu delivered there by %u, by %u %s)",
			       an, bn, r->id.rep, (unsigned long long)r->id.seq, a->p, b->p,
			       tag_sender(tag), tag_counter(tag), chk->nodes[more->node].nodeid,
			       chk->nodes[less->node].nodeid,
			       sim_map_get(&less->tailpos, tag, NULL) ? "in the transitional configuration"
								      : "not at all");
		return;
	}
	for (int k = 0; k < 2; k++) {
		const struct fin *x = k ? b : a, *y = k ? a : b;

		for (size_t i = 0; i < x->tail.n; i++) {
			uint64_t tag = x->tail.v[i];

			if (sim_map_get(&y->tailpos, tag, NULL))
				continue;
			sim_check_fail(chk, an,
				       "nodes %u and %u moved together from ring %u/%llu but delivered different messages in the transitional configuration (%zu vs %zu; %u:%llu delivered there by %u only)",
				       an, bn, r->id.rep, (unsigned long long)r->id.seq, a->tail.n,
				       b->tail.n, tag_sender(tag), tag_counter(tag),
				       chk->nodes[x->node].nodeid);
			return;
		}
	}
}

static void ring_finish(struct sim_check *chk, struct node *n, int32_t r2)
{
	struct ring *r = chk->rings[n->ring];
	struct fin *f = calloc(1, sizeof(*f));
	long last = -1;

	if (!f) {
		fputs("sim_check: out of memory\n", stderr);
		abort();
	}
	f->node = (uint32_t)(n - chk->nodes);
	f->inc = n->inc;
	f->p = n->p;
	f->r2 = r2;
	memcpy(f->t, n->t, n->nt * sizeof(*n->t));
	f->nt = n->nt;
	for (size_t i = 0; i < n->tail.n; i++) {
		uint64_t k;

		sim_vec_push(&f->tail, n->tail.v[i]);
		sim_map_put(&f->tailpos, n->tail.v[i], i);
		if (sim_map_get(&r->cpos, n->tail.v[i], &k))
			last = (long)i;
	}
	f->last_matched = last;
	/* Tail members already in C must be in C's order. */
	{
		long lastk = -1;

		for (size_t i = 0; i < f->tail.n; i++) {
			uint64_t k;

			if (!sim_map_get(&r->cpos, f->tail.v[i], &k))
				continue;
			if ((long)k <= lastk) {
				sim_check_fail(chk, n->nodeid,
					       "agreed order violated in ring %u/%llu: node %u delivered %u:%llu out of the ring's order",
					       r->id.rep, (unsigned long long)r->id.seq, n->nodeid,
					       tag_sender(f->tail.v[i]), tag_counter(f->tail.v[i]));
				break;
			}
			lastk = k;
		}
	}
	for (size_t i = 0; i < r->fins_count; i++) {
		struct fin *o = r->fins[i];

		fin_order_check(chk, r, f, o);
		if (o->r2 == r2 && r2 >= 0)
			fin_same_set_check(chk, r, f, o);
	}
	r->fins = sim_xrealloc(r->fins, (r->fins_count + 1) * sizeof(*r->fins));
	r->fins[r->fins_count++] = f;
}

/* ---- callbacks ------------------------------------------------------------ */

/*
 * A message is delivered only in a configuration its sender belongs to: the
 * regular configuration of the ring, or the transitional one (srp delivers
 * there only old-ring messages from the transitional members, §2.13.11
 * step 6; corosync v3.1.7 exec/totemsrp.c, messages_deliver_to_app with skip).
 */
static bool member_check(struct sim_check *chk, struct node *n, uint64_t tag)
{
	const struct ring *r = chk->rings[n->ring];
	uint32_t from = tag_sender(tag);
	char b1[200];

	if (n->phase == PH_TRANS && !list_has(n->t, n->nt, from)) {
		sim_check_fail(chk, n->nodeid,
			       "delivered %u:%llu in the transitional configuration {%s} (ring %u/%llu to %u/%llu): its sender %u is not a member",
			       from, tag_counter(tag), list_str(n->t, n->nt, b1, sizeof(b1)), r->id.rep,
			       (unsigned long long)r->id.seq, n->trans_id.rep,
			       (unsigned long long)n->trans_id.seq, from);
		return false;
	}
	if (n->phase == PH_REGULAR && !list_has(r->members, r->members_count, from)) {
		sim_check_fail(chk, n->nodeid,
			       "delivered %u:%llu in the regular configuration %u/%llu {%s}: its sender %u is not a member",
			       from, tag_counter(tag), r->id.rep, (unsigned long long)r->id.seq,
			       list_str(r->members, r->members_count, b1, sizeof(b1)), from);
		return false;
	}
	return true;
}

/*
 * Per-sender FIFO at a receiver.  srp sends a node's messages from two
 * queues: what srp_mcast() got while the node waited for the sync of a new
 * ring (after its TRANSITIONAL configuration, until srp_trans_ack) goes to
 * the transitional queue, everything else to the regular one, and the
 * transitional queue is emptied first, also after the ack (srp_send_new in
 * totemsrp/srp_mcast.c; corosync v3.1.7 exec/totemsrp.c orf_token_mcast
 * leaves it until the next sync, docs/compat.md).  So FIFO holds within each queue; a transitional-queue
 * message may go ahead of older regular-queue ones (still queued from the
 * previous ring) but never behind a newer message of either queue.  Messages
 * of an earlier incarnation of the sender never follow a later one's.
 */
static void fifo_check(struct sim_check *chk, struct node *n, uint64_t tag, const struct sent *s)
{
	struct node *sn = node_find(chk, tag_sender(tag));
	struct fifo *f;
	uint64_t c = tag_counter(tag), hi;

	if (!sn)
		return;
	f = &n->fifo[sn - chk->nodes];
	if (s->inc < f->inc) {
		sim_check_fail(chk, n->nodeid,
			       "per-sender FIFO violated: %u:%llu (incarnation %u of node %u) delivered after a message of its incarnation %u",
			       tag_sender(tag), (unsigned long long)c, s->inc, sn->nodeid, f->inc);
		return;
	}
	if (s->inc > f->inc) {
		f->inc = s->inc;
		f->hi_new = f->hi_trans = 0;
	}
	hi = f->hi_new;
	if (s->trans_q && f->hi_trans > hi)
		hi = f->hi_trans;
	if (hi > c) {
		sim_check_fail(chk, n->nodeid,
			       "per-sender FIFO violated: %u:%llu (%s queue) delivered after %u:%llu (%s queue), which node %u sent later",
			       tag_sender(tag), (unsigned long long)c, s->trans_q ? "transitional" : "regular",
			       tag_sender(tag), (unsigned long long)hi,
			       hi == f->hi_new ? "regular" : "transitional", sn->nodeid);
		return;
	}
	if (s->trans_q) {
		if (c > f->hi_trans)
			f->hi_trans = c;
	} else if (c > f->hi_new) {
		f->hi_new = c;
	}
}

void sim_check_deliver(struct sim_check *chk, uint32_t nodeid, uint32_t from_nodeid,
		       const void *msg, size_t len)
{
	struct node *n = node_find(chk, nodeid);
	const char *why = NULL;
	struct ring *r;
	uint64_t tag;
	uint64_t idx, k;
	struct sent *s;

	chk->stats.delivered++;
	if (!n || !n->up) {
		sim_check_fail(chk, nodeid, "delivery on a node that is not running");
		return;
	}
	if (msg_parse(msg, len, &tag, &why) < 0) {
		sim_check_fail(chk, nodeid, "delivered a payload nobody sent (%s, %zu bytes, from %u)",
			       why, len, from_nodeid);
		return;
	}
	if (tag_sender(tag) != from_nodeid) {
		sim_check_fail(chk, nodeid, "delivered %u:%llu as coming from node %u",
			       tag_sender(tag), tag_counter(tag), from_nodeid);
		return;
	}
	if (!sim_map_get(&chk->sent_idx, tag, &idx)) {
		sim_check_fail(chk, nodeid, "delivered %u:%llu which was never sent",
			       tag_sender(tag), tag_counter(tag));
		return;
	}
	s = &chk->sent[idx];
	if (s->refused) {
		sim_check_fail(chk, nodeid, "delivered %u:%llu which srp_mcast refused",
			       tag_sender(tag), tag_counter(tag));
		return;
	}
	if (sim_map_get(&n->delivered, tag, &k)) {
		sim_check_fail(chk, nodeid, "duplicate delivery of %u:%llu (first in ring %u/%llu)",
			       tag_sender(tag), tag_counter(tag), chk->rings[k]->id.rep,
			       (unsigned long long)chk->rings[k]->id.seq);
		return;
	}
	if (n->phase == PH_NONE || n->ring < 0) {
		sim_check_fail(chk, nodeid, "delivered %u:%llu outside any configuration",
			       tag_sender(tag), tag_counter(tag));
		return;
	}
	if (!member_check(chk, n, tag))
		return;
	r = chk->rings[n->ring];
	if (s->ring < 0) {
		s->ring = n->ring;
	} else if (s->ring != n->ring) {
		sim_check_fail(chk, nodeid,
			       "%u:%llu delivered in ring %u/%llu here but in ring %u/%llu elsewhere",
			       tag_sender(tag), tag_counter(tag), r->id.rep,
			       (unsigned long long)r->id.seq, chk->rings[s->ring]->id.rep,
			       (unsigned long long)chk->rings[s->ring]->id.seq);
		return;
	}
	sim_map_put(&n->delivered, tag, (uint64_t)n->ring);   /* >= 0: checked above */
	fifo_check(chk, n, tag, s);

	if (n->phase == PH_TRANS) {
		chk->stats.trans_delivered++;
		sim_vec_push(&n->tail, tag);
		return;
	}
	/* Regular phase: gap-free, so a prefix of the ring's canonical sequence. */
	if (n->p < r->c.n) {
		if (r->c.v[n->p] != tag) {
			uint64_t other = r->c.v[n->p];

			sim_check_fail(chk, nodeid,
				       "agreed order violated in ring %u/%llu: message #%zu is %u:%llu here but %u:%llu at another node",
				       r->id.rep, (unsigned long long)r->id.seq, n->p, tag_sender(tag),
				       tag_counter(tag), tag_sender(other), tag_counter(other));
			return;
		}
	} else {
		sim_vec_push(&r->c, tag);
		sim_map_put(&r->cpos, tag, r->c.n - 1);
		for (size_t i = 0; i < r->fins_count; i++) {
			struct fin *f = r->fins[i];

			if (!sim_map_get(&f->tailpos, tag, &k))
				continue;
			if ((long)k <= f->last_matched) {
				sim_check_fail(chk, nodeid,
					       "agreed order violated in ring %u/%llu: node %u delivered %u:%llu before %u:%llu, node %u the other way round",
					       r->id.rep, (unsigned long long)r->id.seq,
					       chk->nodes[f->node].nodeid, tag_sender(tag),
					       tag_counter(tag), tag_sender(f->tail.v[f->last_matched]),
					       tag_counter(f->tail.v[f->last_matched]), nodeid);
				return;
			}
			f->last_matched = k;
		}
	}
	n->p++;
}

static void confchg_transitional(struct sim_check *chk, struct node *n, const struct srp_confchg *c)
{
	char b1[200], b2[200];
	uint32_t want[SIM_CHECK_NODES_MAX];
	size_t nwant;
	int32_t r2;

	if (n->phase == PH_TRANS) {
		sim_check_fail(chk, n->nodeid, "two TRANSITIONAL configurations in a row (%u/%llu then %u/%llu)",
			       n->trans_id.rep, (unsigned long long)n->trans_id.seq,
			       c->ring_id.rep, (unsigned long long)c->ring_id.seq);
		return;
	}
	if (c->joined_count != 0) {
		sim_check_fail(chk, n->nodeid, "TRANSITIONAL configuration with a joined list");
		return;
	}
	/* A first configuration has no old one: T may be empty then (corosync does so). */
	if (!list_has(c->members, c->members_count, n->nodeid) &&
	    (n->phase != PH_NONE || c->members_count != 0)) {
		sim_check_fail(chk, n->nodeid, "TRANSITIONAL members {%s} without the node itself",
			       list_str(c->members, c->members_count, b1, sizeof(b1)));
		return;
	}
	if (n->phase == PH_REGULAR) {
		const struct ring *r1 = chk->rings[n->ring];

		for (size_t i = 0; i < c->members_count; i++) {
			if (!list_has(r1->members, r1->members_count, c->members[i])) {
				sim_check_fail(chk, n->nodeid,
					       "TRANSITIONAL member %u was not in the previous ring %u/%llu {%s}",
					       c->members[i], r1->id.rep, (unsigned long long)r1->id.seq,
					       list_str(r1->members, r1->members_count, b1, sizeof(b1)));
				return;
			}
		}
		nwant = list_minus(r1->members, r1->members_count, c->members, c->members_count, want);
		if (!list_eq(want, nwant, c->left, c->left_count)) {
			sim_check_fail(chk, n->nodeid, "TRANSITIONAL left list {%s}, expected {%s}",
				       list_str(c->left, c->left_count, b1, sizeof(b1)),
				       list_str(want, nwant, b2, sizeof(b2)));
			return;
		}
	}
	r2 = ring_find(chk, c->ring_id);
	if (r2 >= 0) {
		const struct ring *r = chk->rings[r2];

		for (size_t i = 0; i < c->members_count; i++) {
			if (!list_has(r->members, r->members_count, c->members[i])) {
				sim_check_fail(chk, n->nodeid,
					       "TRANSITIONAL member %u is not in ring %u/%llu {%s}",
					       c->members[i], r->id.rep, (unsigned long long)r->id.seq,
					       list_str(r->members, r->members_count, b1, sizeof(b1)));
				return;
			}
		}
	}
	n->phase = PH_TRANS;
	n->trans_id = c->ring_id;
	if (c->members_count)
		memcpy(n->t, c->members, c->members_count * sizeof(*n->t));
	n->nt = c->members_count;
	n->tail.n = 0;
}

static void confchg_regular(struct sim_check *chk, struct node *n, const struct srp_confchg *c)
{
	char b1[200], b2[200];
	uint32_t want[SIM_CHECK_NODES_MAX];
	size_t nwant;
	int32_t r2;

	if (n->phase != PH_TRANS || !ring_id_eq(n->trans_id, c->ring_id)) {
		sim_check_fail(chk, n->nodeid,
			       "REGULAR configuration %u/%llu not preceded by a TRANSITIONAL with the same ring id",
			       c->ring_id.rep, (unsigned long long)c->ring_id.seq);
		return;
	}
	if (c->left_count != 0) {
		sim_check_fail(chk, n->nodeid, "REGULAR configuration with a left list");
		return;
	}
	if (!list_has(c->members, c->members_count, n->nodeid)) {
		sim_check_fail(chk, n->nodeid, "REGULAR members {%s} without the node itself",
			       list_str(c->members, c->members_count, b1, sizeof(b1)));
		return;
	}
	if (c->ring_id.rep != c->members[0]) {
		sim_check_fail(chk, n->nodeid, "ring id rep %u is not the lowest member of {%s}",
			       c->ring_id.rep, list_str(c->members, c->members_count, b1, sizeof(b1)));
		return;
	}
	for (size_t i = 0; i < n->nt; i++) {
		if (!list_has(c->members, c->members_count, n->t[i])) {
			sim_check_fail(chk, n->nodeid,
				       "transitional member %u missing from REGULAR members {%s}",
				       n->t[i], list_str(c->members, c->members_count, b1, sizeof(b1)));
			return;
		}
	}
	nwant = list_minus(c->members, c->members_count, n->t, n->nt, want);
	if (!list_eq(want, nwant, c->joined, c->joined_count)) {
		sim_check_fail(chk, n->nodeid, "REGULAR joined list {%s}, expected {%s}",
			       list_str(c->joined, c->joined_count, b1, sizeof(b1)),
			       list_str(want, nwant, b2, sizeof(b2)));
		return;
	}
	r2 = ring_find(chk, c->ring_id);
	if (r2 >= 0) {
		struct ring *r = chk->rings[r2];

		if (!list_eq(r->members, r->members_count, c->members, c->members_count)) {
			sim_check_fail(chk, n->nodeid,
				       "ring %u/%llu has members {%s} here but {%s} at node %u",
				       c->ring_id.rep, (unsigned long long)c->ring_id.seq,
				       list_str(c->members, c->members_count, b1, sizeof(b1)),
				       list_str(r->members, r->members_count, b2, sizeof(b2)),
				       r->registered_by);
			return;
		}
	} else {
		struct ring *r = calloc(1, sizeof(*r));

		if (!r) {
			fputs("sim_check: out of memory\n", stderr);
			abort();
		}
		r->id = c->ring_id;
		if (c->members_count)
			memcpy(r->members, c->members, c->members_count * sizeof(*r->members));
		r->members_count = c->members_count;
		r->registered_by = n->nodeid;
		chk->rings = sim_xrealloc(chk->rings, (chk->rings_count + 1) * sizeof(*chk->rings));
		r2 = (int32_t)chk->rings_count;
		chk->rings[chk->rings_count++] = r;
	}
	if (n->ring >= 0)
		ring_finish(chk, n, r2);
	n->ring = r2;
	n->phase = PH_REGULAR;
	n->p = 0;
	n->tail.n = 0;
	if (c->ring_id.seq > n->max_seq)
		n->max_seq = c->ring_id.seq;
}

void sim_check_confchg(struct sim_check *chk, uint32_t nodeid, const struct srp_confchg *c)
{
	struct node *n = node_find(chk, nodeid);

	chk->stats.confchgs++;
	if (!n || !n->up) {
		sim_check_fail(chk, nodeid, "configuration change on a node that is not running");
		return;
	}
	if (!list_valid(c->members, c->members_count) || !list_valid(c->left, c->left_count) ||
	    !list_valid(c->joined, c->joined_count) ||
	    (c->members_count == 0 && (c->type != SRP_CONFCHG_TRANSITIONAL || n->phase != PH_NONE))) {
		sim_check_fail(chk, nodeid, "configuration change with an unsorted, duplicated, empty or oversized list");
		return;
	}
	if (c->type != SRP_CONFCHG_TRANSITIONAL && c->type != SRP_CONFCHG_REGULAR) {
		sim_check_fail(chk, nodeid, "configuration change of unknown type %d", (int)c->type);
		return;
	}
	if (c->ring_id.seq <= n->max_seq) {
		sim_check_fail(chk, nodeid,
			       "%s ring %u/%llu does not move past ring seq %llu this node already had",
			       c->type == SRP_CONFCHG_REGULAR ? "REGULAR" : "TRANSITIONAL",
			       c->ring_id.rep, (unsigned long long)c->ring_id.seq,
			       (unsigned long long)n->max_seq);
		return;
	}
	if (c->ring_id.seq > n->stored_seq) {
		sim_check_fail(chk, nodeid, "ring %u/%llu used before its seq was persisted (stored %llu)",
			       c->ring_id.rep, (unsigned long long)c->ring_id.seq,
			       (unsigned long long)n->stored_seq);
		return;
	}
	if (c->type == SRP_CONFCHG_TRANSITIONAL)
		confchg_transitional(chk, n, c);
	else
		confchg_regular(chk, n, c);
}

void sim_check_confchg_done(struct sim_check *chk, uint32_t nodeid)
{
	struct node *n = node_find(chk, nodeid);

	if (n && n->up && n->phase == PH_TRANS)
		n->waiting = true;
}

void sim_check_trans_ack(struct sim_check *chk, uint32_t nodeid)
{
	struct node *n = node_find(chk, nodeid);

	if (n)
		n->waiting = false;
}

/* ---- end of run ---------------------------------------------------------- */

bool sim_check_converged(const struct sim_check *chk, const uint32_t *live, size_t n,
			 struct srp_ring_id *ret_ring)
{
	const struct ring *r0 = NULL;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = NULL;

		for (size_t j = 0; j < chk->nodes_count; j++)
			if (chk->nodes[j].nodeid == live[i])
				nd = &chk->nodes[j];
		if (!nd || !nd->up || nd->phase != PH_REGULAR)
			return false;
		if (!r0)
			r0 = chk->rings[nd->ring];
		else if (chk->rings[nd->ring] != r0)
			return false;
	}
	if (!list_eq(r0->members, r0->members_count, live, n))
		return false;
	if (ret_ring)
		*ret_ring = r0->id;
	return true;
}

void sim_check_final(struct sim_check *chk, const uint32_t *live, size_t n)
{
	for (size_t i = 0; i < n && !chk->failed; i++) {
		struct node *nd = node_find(chk, live[i]);
		struct ring *r;

		if (!nd || !nd->up || nd->phase != PH_REGULAR) {
			sim_check_fail(chk, live[i], "node not in a regular configuration at the end");
			return;
		}
		for (size_t k = 0; k < nd->sent_inc.n; k++) {
			uint64_t tag = nd->sent_inc.v[k];
			uint64_t idx;

			if (sim_map_get(&nd->delivered, tag, NULL))
				continue;
			(void)sim_map_get(&chk->sent_idx, tag, &idx);
			sim_check_fail(chk, live[i],
				       "self-delivery: node %u never delivered its own message %u:%llu (sent at %llu ms)",
				       live[i], live[i], tag_counter(tag),
				       (unsigned long long)chk->sent[idx].time_ms);
			return;
		}
		r = chk->rings[nd->ring];
		if (nd->p != r->c.n) {
			sim_check_fail(chk, live[i],
				       "node %u delivered %zu messages in the final ring %u/%llu, others %zu",
				       live[i], nd->p, r->id.rep, (unsigned long long)r->id.seq, r->c.n);
			return;
		}
	}
}
