/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scenario tests of the totemsrp engine on an in-process perfect network:
 * N engines, one FIFO of datagrams delivered in order with no delay, and a
 * virtual clock advanced to the earliest engine deadline when the FIFO is
 * empty.  A node can be cut off (its datagrams in and out are dropped).
 * Checks ring formation, configuration events, agreed order with self
 * delivery, failure and rejoin timing, and send-queue flow control.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/check_common.h"
#include "totemsrp/srp.h"

#define NMAX 5
#define LOG_MAX 4096
#define CHG_MAX 64

struct net;

struct chg_rec {
	enum srp_confchg_type type;
	struct srp_ring_id ring_id;
	uint32_t members[NMAX], left[NMAX], joined[NMAX];
	size_t members_count, left_count, joined_count;
};

struct node {
	struct net *net;
	struct srp *srp;
	uint32_t id;
	bool cut;
	uint64_t stored_seq;
	uint32_t log_from[LOG_MAX];
	char log_msg[LOG_MAX][16];
	size_t log_count;
	struct chg_rec chg[CHG_MAX];
	size_t chg_count;
};

struct dgram {
	struct dgram *next;
	int from;            /* index */
	uint32_t to;         /* nodeid, 0 = broadcast */
	bool deferred;       /* a copy net->defer put back at the tail */
	size_t len;
	uint8_t data[];
};

struct net {
	struct node node[NMAX];
	int n;
	uint64_t now;
	struct dgram *head, *tail;
	uint64_t datagrams;
	/* Optional fault rule: true drops this datagram for receiver index `to`. */
	bool (*drop)(struct net *net, const struct dgram *d, int to);
	/* Optional: true delivers this datagram to receiver index `to` later (once). */
	bool (*defer)(struct net *net, const struct dgram *d, int to);
	int drop_budget;
	uint64_t encapsulated_seen;
	uint64_t mark;       /* a counter value a stop() predicate compares with */
};


static void net_append(struct net *net, int from, uint32_t to, bool deferred, const void *buf,
		       size_t len)
{
	struct dgram *d = malloc(sizeof(*d) + len);

	ck_assert_ptr_nonnull(d);
	d->next = NULL;
	d->from = from;
	d->to = to;
	d->deferred = deferred;
	d->len = len;
	memcpy(d->data, buf, len);
	if (net->tail)
		net->tail->next = d;
	else
		net->head = d;
	net->tail = d;
}

static void enqueue(struct node *nd, uint32_t to, const void *buf, size_t len)
{
	net_append(nd->net, (int)(nd - nd->net->node), to, false, buf, len);
}

static int env_send_token(void *ctx, uint32_t to, const void *buf, size_t len)
{
	ck_assert_uint_ne(to, 0);
	enqueue(ctx, to, buf, len);
	return 0;
}

static int env_send_mcast(void *ctx, const void *buf, size_t len)
{
	enqueue(ctx, 0, buf, len);
	return 0;
}

static void env_deliver(void *ctx, uint32_t from, const void *msg, size_t len, bool swapped)
{
	struct node *nd = ctx;

	ck_assert(!swapped);
	ck_assert_uint_lt(nd->log_count, LOG_MAX);
	ck_assert_uint_lt(len, sizeof(nd->log_msg[0]));
	nd->log_from[nd->log_count] = from;
	memcpy(nd->log_msg[nd->log_count], msg, len);
	nd->log_msg[nd->log_count][len] = 0;
	nd->log_count++;
}

static void env_confchg(void *ctx, const struct srp_confchg *chg)
{
	struct node *nd = ctx;
	struct chg_rec *r;

	ck_assert_uint_lt(nd->chg_count, CHG_MAX);
	ck_assert_uint_le(chg->members_count, NMAX);
	ck_assert_uint_le(chg->left_count, NMAX);
	ck_assert_uint_le(chg->joined_count, NMAX);
	r = &nd->chg[nd->chg_count++];
	r->type = chg->type;
	r->ring_id = chg->ring_id;
	r->members_count = chg->members_count;
	r->left_count = chg->left_count;
	r->joined_count = chg->joined_count;
	ck_assert(chg->members && chg->left && chg->joined);
	memcpy(r->members, chg->members, chg->members_count * sizeof(uint32_t));
	memcpy(r->left, chg->left, chg->left_count * sizeof(uint32_t));
	memcpy(r->joined, chg->joined, chg->joined_count * sizeof(uint32_t));
	/* A REGULAR configuration starts "sync": acknowledge at once. */
	if (chg->type == SRP_CONFCHG_REGULAR)
		srp_trans_ack(nd->srp);
}

static int env_store(void *ctx, uint64_t seq)
{
	struct node *nd = ctx;

	ck_assert_uint_gt(seq, nd->stored_seq);
	nd->stored_seq = seq;
	return 0;
}

static struct srp_config test_config(uint32_t nodeid)
{
	struct srp_config cfg = {
		.nodeid = nodeid, .token_ms = 3000, .token_retransmit_ms = 714, .hold_ms = 561,
		.token_retransmits_before_loss_const = 4, .join_ms = 50, .consensus_ms = 3600,
		.merge_ms = 200, .fail_recv_const = 2500, .seqno_unchanged_const = 30,
		.max_network_delay_ms = 50, .window_size = 50, .max_messages = 17,
		.miss_count_const = 5, .net_mtu = 1400, .send_queue_max = 64,
	};

	return cfg;
}

static struct net *net_create(int n, uint32_t send_queue_max)
{
	struct net *net = calloc(1, sizeof(*net));
	int i;

	ck_assert_ptr_nonnull(net);
	net->n = n;
	net->now = 1000;
	for (i = 0; i < n; i++) {
		struct node *nd = &net->node[i];
		struct srp_config cfg = test_config((uint32_t)i + 1);
		struct srp_env env = {
			.send_token = env_send_token, .send_mcast = env_send_mcast,
			.deliver = env_deliver, .confchg = env_confchg,
			.ring_seq_store = env_store, .ctx = nd,
		};

		if (send_queue_max)
			cfg.send_queue_max = send_queue_max;
		nd->net = net;
		nd->id = (uint32_t)i + 1;
		ck_assert_int_eq(srp_create(&cfg, &env, net->now, &nd->srp), 0);
	}
	return net;
}

static void net_destroy(struct net *net)
{
	int i;

	while (net->head) {
		struct dgram *d = net->head;

		net->head = d->next;
		free(d);
	}
	for (i = 0; i < net->n; i++)
		srp_destroy(net->node[i].srp);
	free(net);
}

static void deliver_one(struct net *net, struct dgram *d)
{
	int i;

	if (net->node[d->from].cut)
		return;
	if (d->len > 4 && d->data[3] == 1 && d->data[4] == 1 && !d->deferred)
		net->encapsulated_seen++;
	for (i = 0; i < net->n; i++) {
		struct node *nd = &net->node[i];

		if (nd->cut || (d->to != 0 && d->to != nd->id))
			continue;
		if (net->drop && net->drop(net, d, i))
			continue;
		if (!d->deferred && net->defer && net->defer(net, d, i)) {
			net_append(net, d->from, nd->id, true, d->data, d->len);
			continue;
		}
		if (net->node[d->from].cut)
			return;
		(void)srp_receive(nd->srp, net->now, d->data, d->len);
	}
}

/* Run until virtual time `until` (or until stop() is true). */
static bool net_run(struct net *net, uint64_t until, bool (*stop)(struct net *))
{
	uint64_t steps = 0;

	for (;;) {
		ck_assert_uint_lt(++steps, 20000000);
		if (net->head) {
			struct dgram *d = net->head;

			net->head = d->next;
			if (!net->head)
				net->tail = NULL;
			net->datagrams++;
			deliver_one(net, d);
			free(d);
		} else {
			uint64_t next = UINT64_MAX;
			int i;

			if (stop && stop(net))
				return true;
			for (i = 0; i < net->n; i++) {
				uint64_t t = srp_next_deadline(net->node[i].srp);

				if (t < next)
					next = t;
			}
			if (next > until) {
				net->now = until;
				return stop ? stop(net) : true;
			}
			if (next > net->now)
				net->now = next;
			for (i = 0; i < net->n; i++)
				srp_advance(net->node[i].srp, net->now);
		}
	}
}

static void net_start(struct net *net)
{
	int i;

	for (i = 0; i < net->n; i++)
		srp_start(net->node[i].srp, net->now);
}

/* Every uncut node is OPERATIONAL on one ring made of exactly the uncut nodes. */
static bool one_ring(struct net *net)
{
	struct srp_ring_id rid = { 0, 0 };
	size_t want = 0;
	int i;

	for (i = 0; i < net->n; i++)
		if (!net->node[i].cut)
			want++;
	for (i = 0; i < net->n; i++) {
		struct node *nd = &net->node[i];
		const uint32_t *m;

		if (nd->cut)
			continue;
		if (srp_state(nd->srp) != SRP_STATE_OPERATIONAL ||
		    srp_members(nd->srp, &m) != want)
			return false;
		if (rid.rep == 0)
			rid = srp_ring_id(nd->srp);
		else if (rid.rep != srp_ring_id(nd->srp).rep || rid.seq != srp_ring_id(nd->srp).seq)
			return false;
	}
	return true;
}

static const struct chg_rec *last_chg(const struct node *nd, size_t back)
{
	ck_assert_uint_gt(nd->chg_count, back);
	return &nd->chg[nd->chg_count - 1 - back];
}

static void mcast_str(struct node *nd, const char *s)
{
	struct iovec iov = { .iov_base = (void *)s, .iov_len = strlen(s) };

	ck_assert_int_eq(srp_mcast(nd->srp, &iov, 1), 0);
}

START_TEST(test_single_node)
{
	struct net *net = net_create(1, 0);
	struct node *nd = &net->node[0];
	const uint32_t *m;
	const struct chg_rec *c;

	ck_assert_int_eq(srp_state(nd->srp), SRP_STATE_OPERATIONAL);
	ck_assert_uint_eq(srp_members(nd->srp, &m), 0);
	net_start(net);
	ck_assert_int_eq(srp_state(nd->srp), SRP_STATE_GATHER);
	ck_assert(net_run(net, net->now + 1000, one_ring));
	ck_assert_uint_eq(srp_members(nd->srp, &m), 1);
	ck_assert_uint_eq(m[0], 1);
	ck_assert_uint_eq(srp_ring_id(nd->srp).rep, 1);
	ck_assert_uint_eq(srp_ring_id(nd->srp).seq, 5);      /* stored 0, +1 at start, +4 */
	ck_assert_uint_eq(nd->stored_seq, 5);
	ck_assert_uint_eq(nd->chg_count, 2);
	c = last_chg(nd, 1);
	ck_assert_int_eq(c->type, SRP_CONFCHG_TRANSITIONAL);
	ck_assert_uint_eq(c->members_count, 0);
	c = last_chg(nd, 0);
	ck_assert_int_eq(c->type, SRP_CONFCHG_REGULAR);
	ck_assert_uint_eq(c->members_count, 1);
	ck_assert_uint_eq(c->joined_count, 1);
	ck_assert_uint_eq(c->ring_id.seq, 5);

	/* Self-delivery on a ring of one. */
	mcast_str(nd, "a");
	mcast_str(nd, "b");
	net_run(net, net->now + 100, NULL);
	ck_assert_uint_eq(nd->log_count, 2);
	ck_assert_str_eq(nd->log_msg[0], "a");
	ck_assert_str_eq(nd->log_msg[1], "b");
	ck_assert_uint_eq(nd->log_from[0], 1);

	/*
	 * A ring of one withholds its token at the first empty visit (not
	 * after SRP_IDLE_ROTATIONS quiet ones); messages queued while it is
	 * held go in the one visit that the first of them starts.
	 */
	{
		const struct srp_stats *st = srp_stats(nd->srp);
		uint64_t rx, reuses, holds = st->token_hold_single;

		ck_assert_uint_gt(holds, 0);
		rx = st->orf_token_rx;
		reuses = st->token_hold_reuse;
		mcast_str(nd, "c");
		mcast_str(nd, "d");
		mcast_str(nd, "e");
		ck_assert_uint_eq(st->token_hold_reuse, reuses + 1);
		net_run(net, net->now + 100, NULL);
		ck_assert_uint_eq(nd->log_count, 5);
		ck_assert_str_eq(nd->log_msg[4], "e");
		/* the visit that sent them and one empty one, then held */
		ck_assert_uint_eq(st->orf_token_rx, rx + 2);
		ck_assert_uint_eq(st->token_hold_single, holds + 1);
		/* held, the token moves once per hold period (561 ms), no more */
		net_run(net, net->now + 5000, NULL);
		ck_assert_uint_le(st->orf_token_rx, rx + 2 + 5000 / 561 + 1);
		ck_assert_int_eq(srp_state(nd->srp), SRP_STATE_OPERATIONAL);
	}
	net_destroy(net);
}
END_TEST

/*
 * A ring of one with max_messages >= window_size: a visit that sent a whole
 * window leaves none to the next (fcc), which sends nothing while new_q
 * still holds messages.  That visit must not withhold the token: nothing
 * else would hand it back (the clients wait for room in the queue), so the
 * rest would wait a hold period (561 ms) per window (40 messages, window
 * 10: 1,683 ms instead of 0 with 08b2269 alone).
 */
static bool single_delivered_40(struct net *net)
{
	return net->node[0].log_count >= 40;
}

START_TEST(test_single_node_backlog_not_held)
{
	struct net *net = net_create(1, 0);
	struct node *nd = &net->node[0];
	struct srp_config cfg = test_config(1);
	uint64_t t0;
	int k;

	net_start(net);
	ck_assert(net_run(net, net->now + 1000, one_ring));
	net_run(net, net->now + 2000, NULL);
	cfg.window_size = 10;                   /* max_messages stays 17 */
	ck_assert_int_eq(srp_reconfigure(nd->srp, &cfg, net->now), 0);
	nd->log_count = 0;
	t0 = net->now;
	for (k = 0; k < 40; k++) {
		char s[16];

		snprintf(s, sizeof(s), "m%d", k);
		mcast_str(nd, s);
	}
	ck_assert(net_run(net, t0 + 5000, single_delivered_40));
	ck_assert_uint_eq(nd->log_count, 40);
	ck_assert_uint_lt(net->now - t0, 100);
	net_destroy(net);
}
END_TEST

static void check_formed(struct net *net, size_t n)
{
	int i;

	for (i = 0; i < net->n; i++) {
		struct node *nd = &net->node[i];
		const struct chg_rec *t, *r;

		if (nd->cut)
			continue;
		t = last_chg(nd, 1);
		r = last_chg(nd, 0);
		ck_assert_int_eq(t->type, SRP_CONFCHG_TRANSITIONAL);
		ck_assert_int_eq(r->type, SRP_CONFCHG_REGULAR);
		ck_assert_uint_eq(r->members_count, n);
		ck_assert_uint_eq(t->ring_id.seq, r->ring_id.seq);
		ck_assert_uint_eq(r->ring_id.seq, srp_ring_id(nd->srp).seq);
		ck_assert_uint_eq(r->ring_id.rep, r->members[0]);
	}
}

static bool all_delivered_9(struct net *net)
{
	int i;

	for (i = 0; i < net->n; i++)
		if (net->node[i].log_count < 3 * 30)
			return false;
	return true;
}

static bool token_reached_node2(struct net *net)
{
	return srp_stats(net->node[1].srp)->orf_token_rx > net->mark;
}

START_TEST(test_three_nodes_order)
{
	struct net *net = net_create(3, 0);
	int i, k;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	check_formed(net, 3);
	for (i = 0; i < 3; i++) {
		const struct chg_rec *r = last_chg(&net->node[i], 0);

		ck_assert_uint_eq(r->members[0], 1);
		ck_assert_uint_eq(r->members[2], 3);
		ck_assert_uint_eq(r->ring_id.seq, net->node[0].chg[net->node[0].chg_count - 1].ring_id.seq);
	}

	/* Interleaved sends from every node: one agreed order everywhere. */
	for (k = 0; k < 30; k++)
		for (i = 0; i < 3; i++) {
			char s[16];

			snprintf(s, sizeof(s), "%d:%d", i + 1, k);
			mcast_str(&net->node[i], s);
		}
	ck_assert(net_run(net, net->now + 5000, all_delivered_9));
	for (i = 0; i < 3; i++) {
		struct node *nd = &net->node[i];
		int next[3] = { 0, 0, 0 };
		size_t j;

		ck_assert_uint_eq(nd->log_count, 90);
		for (j = 0; j < nd->log_count; j++) {
			int from, seq;

			ck_assert_str_eq(nd->log_msg[j], net->node[0].log_msg[j]);
			ck_assert_uint_eq(nd->log_from[j], net->node[0].log_from[j]);
			/* FIFO per sender, own messages included. */
			ck_assert_int_eq(sscanf(nd->log_msg[j], "%d:%d", &from, &seq), 2);
			ck_assert_uint_eq((uint32_t)from, nd->log_from[j]);
			ck_assert_int_eq(seq, next[from - 1]);
			next[from - 1]++;
		}
	}
	/* Idle: the rep holds the token; few datagrams per virtual second. */
	{
		uint64_t before = net->datagrams;

		net_run(net, net->now + 10000, NULL);
		ck_assert_uint_lt(net->datagrams - before, 10 * 3 * 4 * 2);
		ck_assert(one_ring(net));
	}
	/*
	 * Something waits for the token on node 2 while the rep (node 1)
	 * holds it: srp_hold_cancel() makes the token come at once, not
	 * after `hold` (561 ms) -- totempg's partly filled frame.
	 */
	{
		const struct srp_stats *st = srp_stats(net->node[1].srp);
		uint64_t t0, cancels = srp_stats(net->node[0].srp)->token_hold_cancel_rx;

		net->mark = st->orf_token_rx;
		ck_assert(net_run(net, net->now + 5000, token_reached_node2));
		net->mark = st->orf_token_rx;        /* it went on to 3, then 1 holds it */
		t0 = net->now;
		srp_hold_cancel(net->node[1].srp);
		ck_assert(net_run(net, net->now + 5000, token_reached_node2));
		ck_assert_uint_lt(net->now - t0, 561);
		ck_assert_uint_eq(srp_stats(net->node[0].srp)->token_hold_cancel_rx, cancels + 1);
		/* Without the cancel the next visit waits for the hold. */
		net->mark = st->orf_token_rx;
		t0 = net->now;
		ck_assert(net_run(net, net->now + 5000, token_reached_node2));
		ck_assert_uint_ge(net->now - t0, 561);
	}
	/*
	 * A message queued on the rep while it holds the token: it sends the
	 * held token to itself (no HOLD_CANCEL, no rotation first) and the
	 * message reaches everyone without waiting for `hold`; one token
	 * still goes round (the idle check above, again).
	 */
	{
		const struct srp_stats *st = srp_stats(net->node[0].srp);
		uint64_t t0, cancels = st->token_hold_cancel_tx, reuses = st->token_hold_reuse;
		size_t j, logs[3];

		net_run(net, net->now + 100, NULL);   /* rotations over: the rep holds */
		for (j = 0; j < 3; j++)
			logs[j] = net->node[j].log_count;
		t0 = net->now;
		mcast_str(&net->node[0], "reuse");
		ck_assert_uint_eq(st->token_hold_reuse, reuses + 1);
		ck_assert_uint_eq(st->token_hold_cancel_tx, cancels);
		while (net->now - t0 < 561 && (net->node[0].log_count == logs[0] ||
		       net->node[1].log_count == logs[1] || net->node[2].log_count == logs[2]))
			net_run(net, net->now + 1, NULL);
		for (j = 0; j < 3; j++) {
			ck_assert_uint_eq(net->node[j].log_count, logs[j] + 1);
			ck_assert_str_eq(net->node[j].log_msg[logs[j]], "reuse");
		}
		ck_assert_uint_lt(net->now - t0, 561);
		{
			uint64_t before = net->datagrams;

			net_run(net, net->now + 10000, NULL);
			ck_assert_uint_lt(net->datagrams - before, 10 * 3 * 4 * 2);
			ck_assert(one_ring(net));
		}
	}
	net_destroy(net);
}
END_TEST

START_TEST(test_fail_and_rejoin)
{
	struct net *net = net_create(3, 0);
	struct srp_ring_id first, second;
	const struct chg_rec *t, *r;
	uint64_t cut_at;
	int i;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	net_run(net, net->now + 5000, NULL);           /* settle into idle */
	first = srp_ring_id(net->node[0].srp);

	net->node[2].cut = true;
	cut_at = net->now;
	ck_assert(net_run(net, net->now + 3000 + 3600 + 50 + 700, one_ring));
	ck_assert_uint_le(net->now - cut_at, 3000 + 3600 + 50 + 700);
	second = srp_ring_id(net->node[0].srp);
	ck_assert_uint_gt(second.seq, first.seq);
	for (i = 0; i < 2; i++) {
		t = last_chg(&net->node[i], 1);
		r = last_chg(&net->node[i], 0);
		ck_assert_int_eq(t->type, SRP_CONFCHG_TRANSITIONAL);
		ck_assert_uint_eq(t->members_count, 2);
		ck_assert_uint_eq(t->left_count, 1);
		ck_assert_uint_eq(t->left[0], 3);
		ck_assert_int_eq(r->type, SRP_CONFCHG_REGULAR);
		ck_assert_uint_eq(r->members_count, 2);
		ck_assert_uint_eq(r->joined_count, 0);
	}
	/* Messages still flow on the smaller ring. */
	mcast_str(&net->node[1], "x");
	net_run(net, net->now + 1000, NULL);
	ck_assert_str_eq(net->node[0].log_msg[net->node[0].log_count - 1], "x");

	/* Node 3 comes back: one ring of three with a higher seq. */
	net_run(net, net->now + 8000, NULL);           /* node 3 alone meanwhile */
	net->node[2].cut = false;
	ck_assert(net_run(net, net->now + 10000, one_ring));
	ck_assert_uint_gt(srp_ring_id(net->node[0].srp).seq, second.seq);
	ck_assert_uint_gt(srp_ring_id(net->node[2].srp).seq, second.seq);
	check_formed(net, 3);
	r = last_chg(&net->node[0], 0);
	ck_assert_uint_eq(r->joined_count, 1);
	ck_assert_uint_eq(r->joined[0], 3);
	net_destroy(net);
}
END_TEST

/* Every node hears from the transport that every other node is (un)reachable. */
static void net_reachable(struct net *net, int who, bool reachable)
{
	int i;

	for (i = 0; i < net->n; i++)
		if (i != who)
			srp_peer_reachable(net->node[i].srp, net->now, net->node[who].id, reachable);
}

/*
 * A peer whose links went down is failed when gathering instead of at the
 * consensus timeout: the ring re-forms a few JOIN rounds after the token
 * loss, not `consensus` ms later.  A down report while the ring is fine
 * changes nothing (the token timeout decides), and neither does one for a
 * peer never reported reachable.
 */
START_TEST(test_unreachable_fails_at_once)
{
	struct net *net = net_create(3, 0);
	struct srp_ring_id first;
	uint64_t cut_at;
	int i;

	/* down before ever up (links still coming up): ignored */
	net_start(net);
	srp_peer_reachable(net->node[0].srp, net->now, 2, false);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	check_formed(net, 3);
	for (i = 0; i < 3; i++)
		net_reachable(net, i, true);
	net_run(net, net->now + 5000, NULL);
	first = srp_ring_id(net->node[0].srp);

	/* node 3 reported down while the ring works: nothing happens */
	srp_peer_reachable(net->node[0].srp, net->now, 3, false);
	net_run(net, net->now + 10000, NULL);
	ck_assert(one_ring(net));
	ck_assert_uint_eq(srp_ring_id(net->node[0].srp).seq, first.seq);
	srp_peer_reachable(net->node[0].srp, net->now, 3, true);

	/* node 3 dies; its links go down after ~1 s (knet's ping timeout) */
	net->node[2].cut = true;
	cut_at = net->now;
	net_run(net, net->now + 1000, NULL);
	net_reachable(net, 2, false);
	ck_assert(net_run(net, cut_at + 3000 + 3600, one_ring));
	ck_assert_uint_lt(net->now - cut_at, 3000 + 500);
	for (i = 0; i < 2; i++) {
		const struct chg_rec *t = last_chg(&net->node[i], 1);

		ck_assert_int_eq(t->type, SRP_CONFCHG_TRANSITIONAL);
		ck_assert_uint_eq(t->left_count, 1);
		ck_assert_uint_eq(t->left[0], 3);
	}

	/* it comes back: reachable again, it merges as usual */
	net->node[2].cut = false;
	net_reachable(net, 2, true);
	ck_assert(net_run(net, net->now + 10000, one_ring));
	check_formed(net, 3);
	net_destroy(net);
}
END_TEST

/* Start the nodes 30 ms apart, as chorusd's do when their links come up one by one. */
static void net_start_staggered(struct net *net)
{
	for (int i = 0; i < net->n; i++) {
		if (i)
			net_run(net, net->now + 30, NULL);
		srp_start(net->node[i].srp, net->now);
	}
}

/* The regular configurations node i installed, each with n members? */
static bool regulars_all(const struct node *nd, size_t n)
{
	size_t k, regular = 0;

	for (k = 0; k < nd->chg_count; k++) {
		if (nd->chg[k].type != SRP_CONFCHG_REGULAR)
			continue;
		regular++;
		if (nd->chg[k].members_count != n)
			return false;
	}
	return regular > 0;
}

/*
 * The first gather names every peer the transport already reaches
 * (srp_start): nodes started together form one ring of all of them, with
 * no ring of one first and no merge after.  Without the reports, the first
 * node forms a ring of one, as corosync's does.  A reached peer that never
 * answers is failed at the consensus timeout.
 */
START_TEST(test_start_with_reachable_peers)
{
	struct net *net = net_create(3, 0);
	int i;

	for (i = 0; i < 3; i++)
		net_reachable(net, i, true);
	net_start_staggered(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	check_formed(net, 3);
	for (i = 0; i < 3; i++)
		ck_assert_msg(regulars_all(&net->node[i], 3), "node %d had a smaller ring", i + 1);
	net_destroy(net);

	/* the same start without the transport's reports: a ring of one first */
	net = net_create(3, 0);
	net_start_staggered(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	check_formed(net, 3);
	ck_assert(!regulars_all(&net->node[0], 3));
	net_destroy(net);

	/* node 3 is reachable but its engine never starts */
	net = net_create(3, 0);
	for (i = 0; i < 3; i++)
		net_reachable(net, i, true);
	net->node[2].cut = true;
	srp_start(net->node[0].srp, net->now);
	srp_start(net->node[1].srp, net->now);
	{
		uint64_t t0 = net->now;

		ck_assert(net_run(net, net->now + 3600 + 2000, one_ring));
		ck_assert_uint_ge(net->now - t0, 3600);
	}
	check_formed(net, 2);
	net_destroy(net);
}
END_TEST

/* Heal: node 3's datagrams do not reach node 2 yet (its link is still coming up). */
static bool drop_3_to_2(struct net *net, const struct dgram *d, int to)
{
	(void)net;
	return d->from == 2 && to == 1;
}

/* Every regular configuration node i installed since its chg index `from` has all n nodes. */
static bool regular_all_since(const struct node *nd, size_t from, size_t n)
{
	for (size_t k = from; k < nd->chg_count; k++)
		if (nd->chg[k].type == SRP_CONFCHG_REGULAR && nd->chg[k].members_count != n)
			return false;
	return true;
}

/*
 * A partition heals (node 3 comes back to the ring {1,2}) while nodes 1
 * and 2 still have node 3 "down" (its links come up pair by pair; here 3's
 * datagrams reach node 1 at once, node 2 only later).  Node 3 is not of
 * their ring: it is not failed at gather entry but gets the consensus
 * wait, so the three merge in one ring; failing it split the healing ring
 * into short-lived subsets (each a NODEDOWN/NODEUP for CPG clients).
 */
START_TEST(test_unreachable_newcomer_waits)
{
	struct net *net = net_create(3, 0);
	size_t c0, c1;
	int i;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	for (i = 0; i < 3; i++)
		net_reachable(net, i, true);
	net_run(net, net->now + 2000, NULL);
	net->node[2].cut = true;
	net_run(net, net->now + 1000, NULL);
	net_reachable(net, 2, false);
	ck_assert(net_run(net, net->now + 10000, one_ring));
	net_run(net, net->now + 3000, NULL);
	c0 = net->node[0].chg_count;
	c1 = net->node[1].chg_count;

	/* heal: 3 -> 1 flows, 3 -> 2 not yet; nodes 1 and 2 still see 3 down */
	net->drop = drop_3_to_2;
	net->node[2].cut = false;
	net_run(net, net->now + 400, NULL);
	/* a moment later (within consensus) 3's datagrams reach node 2 too */
	net->drop = NULL;
	ck_assert(net_run(net, net->now + 10000, one_ring));
	check_formed(net, 3);
	ck_assert(regular_all_since(&net->node[0], c0, 3));
	ck_assert(regular_all_since(&net->node[1], c1, 3));
	net_destroy(net);
}
END_TEST

START_TEST(test_leave)
{
	struct net *net = net_create(3, 0);
	const struct chg_rec *t;
	uint64_t at;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	at = net->now;
	srp_leave(net->node[2].srp, net->now);
	net->node[2].cut = true;
	/* The LEAVE went out before the cut takes effect?  Deliver it first. */
	net->node[2].cut = false;
	{
		struct dgram *d = net->head;

		ck_assert_ptr_nonnull(d);
		net->head = d->next;
		if (!net->head)
			net->tail = NULL;
		deliver_one(net, d);
		free(d);
	}
	net->node[2].cut = true;
	ck_assert(net_run(net, net->now + 3000 + 3600, one_ring));
	/* No token timeout needed: well under token + consensus. */
	ck_assert_uint_lt(net->now - at, 3000);
	t = last_chg(&net->node[0], 1);
	ck_assert_uint_eq(t->left_count, 1);
	ck_assert_uint_eq(t->left[0], 3);
	net_destroy(net);
}
END_TEST

static bool delivered_all_fc(struct net *net)
{
	return net->node[0].log_count >= 200 && net->node[1].log_count >= 200;
}

START_TEST(test_flow_control)
{
	struct net *net = net_create(2, 16);
	struct node *nd = &net->node[0];
	int sent = 0, r, rounds = 0;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	ck_assert_uint_eq(srp_queue_space(nd->srp), 16);
	while (sent < 200) {
		char s[16];
		struct iovec iov = { .iov_base = s };

		snprintf(s, sizeof(s), "m%d", sent);
		iov.iov_len = strlen(s);
		r = srp_mcast(nd->srp, &iov, 1);
		if (r == -EAGAIN) {
			ck_assert_uint_eq(srp_queue_space(nd->srp), 0);
			/* Let one token visit drain some. */
			net_run(net, net->now + 1, NULL);
			rounds++;
			continue;
		}
		ck_assert_int_eq(r, 0);
		sent++;
	}
	ck_assert_int_gt(rounds, 0);
	ck_assert(net_run(net, net->now + 10000, delivered_all_fc));
	ck_assert_str_eq(net->node[1].log_msg[199], "m199");
	ck_assert_uint_eq(srp_queue_space(nd->srp), 16);
	{
		char big[1400];
		struct iovec iov = { .iov_base = big, .iov_len = srp_mcast_max(nd->srp) + 1 };

		memset(big, 0, sizeof(big));
		ck_assert_int_eq(srp_mcast(nd->srp, &iov, 1), -EMSGSIZE);
	}
	net_destroy(net);
}
END_TEST

START_TEST(test_garbage_input)
{
	struct net *net = net_create(1, 0);
	uint8_t junk[64];

	memset(junk, 0x70, sizeof(junk));
	ck_assert_int_eq(srp_receive(net->node[0].srp, net->now, junk, sizeof(junk)), -EBADMSG);
	net_start(net);
	ck_assert_int_eq(srp_receive(net->node[0].srp, net->now, junk, 3), -EBADMSG);
	ck_assert_uint_eq(srp_stats(net->node[0].srp)->rx_msg_dropped, 2);
	ck_assert(net_run(net, net->now + 1000, one_ring));
	net_destroy(net);
}
END_TEST

/* Drop the first drop_budget original MCASTs that node 3 would receive from node 1. */
static bool drop_some_to_3(struct net *net, const struct dgram *d, int to)
{
	if (to == 2 && d->from == 0 && d->data[3] == 1 && d->data[4] == 2 && net->drop_budget > 0) {
		net->drop_budget--;
		return true;
	}
	return false;
}

static bool delivered_60(struct net *net)
{
	int i;

	for (i = 0; i < net->n; i++)
		if (net->node[i].log_count < 60)
			return false;
	return true;
}

START_TEST(test_retransmit)
{
	struct net *net = net_create(3, 0);
	int i, k;
	size_t j;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	net->drop = drop_some_to_3;
	net->drop_budget = 7;
	for (k = 0; k < 20; k++)
		for (i = 0; i < 3; i++) {
			char s[16];

			snprintf(s, sizeof(s), "%d:%d", i + 1, k);
			mcast_str(&net->node[i], s);
		}
	ck_assert(net_run(net, net->now + 5000, delivered_60));
	ck_assert_int_eq(net->drop_budget, 0);
	for (i = 1; i < 3; i++) {
		ck_assert_uint_eq(net->node[i].log_count, 60);
		for (j = 0; j < 60; j++)
			ck_assert_str_eq(net->node[i].log_msg[j], net->node[0].log_msg[j]);
	}
	ck_assert_uint_gt(srp_stats(net->node[0].srp)->mcast_retx +
			  srp_stats(net->node[1].srp)->mcast_retx, 0);
	ck_assert(one_ring(net));
	net_destroy(net);
}
END_TEST

/*
 * Node 2 never gets node 1's last messages, and node 1 dies before anyone
 * asks for them: node 3 re-originates them in RECOVERY and node 2 delivers
 * them before its TRANSITIONAL configuration.
 */
static bool drop_1_to_2_then_die(struct net *net, const struct dgram *d, int to)
{
	if (d->from != 0 || net->drop_budget == 0)
		return false;
	if (d->data[3] == 1 && to == 1)
		return true;
	if (d->data[3] == 1)
		net->drop_budget = 2;            /* seen a message: die on the next token */
	if (d->data[3] == 0 && net->drop_budget == 2) {
		net->node[0].cut = true;
		return true;
	}
	return false;
}

START_TEST(test_recovery_reoriginates)
{
	struct net *net = net_create(3, 0);
	const struct chg_rec *t;
	size_t j, trans_at;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	net->drop = drop_1_to_2_then_die;
	net->drop_budget = 1;
	mcast_str(&net->node[0], "last1");
	mcast_str(&net->node[0], "last2");
	mcast_str(&net->node[0], "last3");
	ck_assert(net_run(net, net->now + 3000 + 3600 + 1000, one_ring));
	ck_assert(net->node[0].cut);
	ck_assert_uint_eq(net->node[1].log_count, 3);
	ck_assert_uint_eq(net->node[2].log_count, 3);
	for (j = 0; j < 3; j++)
		ck_assert_str_eq(net->node[1].log_msg[j], net->node[2].log_msg[j]);
	ck_assert_str_eq(net->node[1].log_msg[2], "last3");
	ck_assert_uint_eq(net->node[1].log_from[0], 1);
	t = last_chg(&net->node[1], 1);
	ck_assert_int_eq(t->type, SRP_CONFCHG_TRANSITIONAL);
	ck_assert_uint_eq(t->left_count, 1);
	ck_assert_uint_eq(t->left[0], 1);
	(void)trans_at;
	ck_assert_uint_ge(net->encapsulated_seen, 3);
	net_destroy(net);
}
END_TEST

/*
 * Node 2 misses node 1's first message and node 1 vanishes before node 2's
 * retransmit request reaches it: node 2 holds the later ones above a gap.
 */
static bool drop_first_to_2_then_die(struct net *net, const struct dgram *d, int to)
{
	if (d->from == 0 && d->data[3] == 1 && to == 1 && net->drop_budget == 1) {
		net->drop_budget = 2;
		return true;
	}
	if (d->from == 1 && d->data[3] == 0 && to == 0 && net->drop_budget == 2) {
		net->node[0].cut = true;
		net->drop_budget = 0;
		return true;
	}
	return false;
}

/*
 * Left alone with a gap, node 2 forms a ring whose transitional
 * configuration is itself.  It re-sends none of the old messages it holds:
 * nobody else could use them (test/sim seed 196864835613181: 5,673 such
 * copies multicast in one ms).  Node 1's messages after the gap are not
 * delivered: node 1 is not a transitional member.
 */
START_TEST(test_alone_does_not_reoriginate)
{
	struct net *net = net_create(2, 0);
	struct node *nd = &net->node[1];
	const struct chg_rec *t;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	net->drop = drop_first_to_2_then_die;
	net->drop_budget = 1;
	mcast_str(&net->node[0], "gap");
	mcast_str(&net->node[0], "after1");
	mcast_str(&net->node[0], "after2");
	ck_assert(net_run(net, net->now + 3000 + 3600 + 1000, one_ring));
	ck_assert(net->node[0].cut);
	ck_assert_int_eq(net->drop_budget, 0);
	ck_assert_uint_eq(srp_ring_id(nd->srp).rep, 2);
	ck_assert_uint_eq(nd->log_count, 0);
	t = last_chg(nd, 1);
	ck_assert_int_eq(t->type, SRP_CONFCHG_TRANSITIONAL);
	ck_assert_uint_eq(t->members_count, 1);
	ck_assert_uint_eq(t->members[0], 2);
	ck_assert_uint_eq(net->encapsulated_seen, 0);
	net_destroy(net);
}
END_TEST

/*
 * The rep must not free a message another member lacks when it reuses its
 * held token (test/sim seed 241940271334246).  Node 3 misses "m1" and node
 * 2 misses "m2" (every regular copy).  Node 3, the aru_addr, holds the
 * token's aru below m1, so node 2 does not lower it; once node 3 has m1 by
 * retransmission it raises the aru to seq right before the rep (node 1),
 * which sees an idle ring and holds the token.  A message queued on the rep
 * then makes it take its own token again (hold_reuse) with no rotation in
 * between; at that visit it may free only what the visit before the held
 * one allowed.  Node 3 dies at once: in the RECOVERY of {1,2} node 1 is
 * the first member whose aru covers m2, so only node 1 re-sends it, and it
 * must still hold it.  Without that, node 2 skips m2 in its transitional
 * configuration while node 1 delivered it in the regular one.
 */
static bool payload_is(const struct dgram *d, const char *s)
{
	size_t n = strlen(s);

	return d->len > 45 /* SRP_WIRE_MCAST_SIZE */ + n && memcmp(d->data + d->len - n, s, n) == 0;
}

static bool drop_for_reuse(struct net *net, const struct dgram *d, int to)
{
	bool regular = d->data[3] == 1 && d->data[4] != 1;

	if (!regular)
		return false;
	if (payload_is(d, ":m1") && to == 2 && net->drop_budget == 1) {
		net->drop_budget = 0;
		return true;
	}
	if (payload_is(d, ":m2") && to == 1)
		return true;
	if (payload_is(d, ":x") && to == 1)
		net->node[2].cut = true;
	return false;
}

static bool always(struct net *net)
{
	(void)net;
	return true;
}

START_TEST(test_hold_reuse_keeps_missing)
{
	struct net *net = net_create(3, 0);
	const struct srp_stats *st = srp_stats(net->node[0].srp);
	size_t base[3], j;
	uint64_t reuses;
	bool found = false;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	for (j = 0; j < 3; j++)
		base[j] = net->node[j].log_count;
	net->drop = drop_for_reuse;
	net->drop_budget = 1;
	mcast_str(&net->node[0], "1:m1");
	mcast_str(&net->node[0], "1:m2");
	ck_assert(net_run(net, net->now + 100, always));  /* the rep holds the token */
	ck_assert_int_eq(net->drop_budget, 0);
	ck_assert_uint_eq(net->node[0].log_count, base[0] + 2);
	ck_assert_uint_eq(net->node[1].log_count, base[1] + 1);   /* m2 missing */
	ck_assert_uint_eq(net->node[2].log_count, base[2] + 2);
	reuses = st->token_hold_reuse;
	mcast_str(&net->node[0], "1:x");
	ck_assert_uint_eq(st->token_hold_reuse, reuses + 1);
	ck_assert(net_run(net, net->now + 3000 + 3600 + 1000, one_ring));
	ck_assert(net->node[2].cut);
	ck_assert_uint_eq(net->node[0].log_count, base[0] + 3);
	ck_assert_uint_eq(net->node[1].log_count, base[1] + 3);
	for (j = 0; j < 3; j++)
		ck_assert_str_eq(net->node[1].log_msg[base[1] + j], net->node[0].log_msg[base[0] + j]);
	for (j = base[1]; j < net->node[1].log_count; j++)
		found |= strcmp(net->node[1].log_msg[j], "1:m2") == 0;
	ck_assert(found);
	net_destroy(net);
}
END_TEST

/*
 * In RECOVERY an old message above every member's aru may be re-sent by any
 * member that holds it, so a member skips one whose copy from another member
 * came in.  The token can overtake the copies the member before it sent
 * just before passing it on (test/sim seed 171227518984771: the copies of
 * 8 members filled the recovery window, RECOVERY never ended).  Here node 4
 * sends "4:g", which nobody else gets, and dies after nodes 1-3 sent six
 * messages behind it: every member of {1,2,3} holds those six above its
 * aru.  Every re-sent copy reaches every other member after the token that
 * follows it.  The member after the first sender must then wait until
 * those copies are in: each of the six is re-sent once, not twice.
 */
static bool drop_gap_then_die(struct net *net, const struct dgram *d, int to)
{
	(void)to;
	if (d->data[3] == 1 && d->data[4] != 1 && payload_is(d, ":g")) {
		if (net->drop_budget == 1) {
			net->drop_budget = 2;
			mcast_str(&net->node[0], "1:a");
			mcast_str(&net->node[0], "1:b");
			mcast_str(&net->node[1], "2:a");
			mcast_str(&net->node[1], "2:b");
			mcast_str(&net->node[2], "3:a");
			mcast_str(&net->node[2], "3:b");
		}
		return true;
	}
	if (d->data[3] == 0 && d->to == 4 && net->drop_budget == 2) {
		net->node[3].cut = true;
		net->drop_budget = 0;
		return true;
	}
	return false;
}

static bool defer_encapsulated(struct net *net, const struct dgram *d, int to)
{
	(void)net;
	(void)to;
	return d->data[3] == 1 && d->data[4] == 1;
}

static bool died_and_one_ring(struct net *net)
{
	return net->drop_budget == 0 && one_ring(net);
}

START_TEST(test_recovery_resends_shared_once)
{
	struct net *net = net_create(4, 0);
	size_t base[3], j, k;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	for (j = 0; j < 3; j++)
		base[j] = net->node[j].log_count;
	net->drop = drop_gap_then_die;
	net->defer = defer_encapsulated;
	net->drop_budget = 1;
	mcast_str(&net->node[3], "4:g");    /* sent when the held token next comes by */
	ck_assert(net_run(net, net->now + 561 + 3000 + 3600 + 1000, died_and_one_ring));
	ck_assert(net->node[3].cut);
	ck_assert_int_eq(net->drop_budget, 0);
	ck_assert_uint_eq(net->encapsulated_seen, 6);
	for (j = 0; j < 3; j++) {
		ck_assert_uint_eq(net->node[j].log_count, base[j] + 6);
		for (k = 0; k < 6; k++)
			ck_assert_str_eq(net->node[j].log_msg[base[j] + k],
					 net->node[0].log_msg[base[0] + k]);
	}
	net_destroy(net);
}
END_TEST

static uint64_t lcg_state;

static bool drop_random(struct net *net, const struct dgram *d, int to)
{
	(void)d;
	(void)to;
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return (lcg_state >> 33) % 1000 < (uint64_t)net->drop_budget;
}

static bool delivered_batch(struct net *net)
{
	int i;

	for (i = 0; i < net->n; i++)
		if (net->node[i].log_count < 5 * 10)
			return false;
	return true;
}

/* Random loss (tokens included) for a while, then a clean network: one ring again,
 * no duplicates, FIFO per sender, and a fresh batch in one agreed order. */
START_TEST(test_lossy_then_heal)
{
	struct net *net = net_create(5, 0);
	int i, k, seed;

	for (seed = 1; seed <= 4; seed++) {
		lcg_state = (uint64_t)seed;
		net_start(net);
		net->drop = drop_random;
		net->drop_budget = 30 * seed;                 /* 3%..12% loss */
		for (k = 0; k < 20; k++)
			for (i = 0; i < 5; i++) {
				char s[16];

				snprintf(s, sizeof(s), "%d:%d", i + 1, k + seed * 100);
				mcast_str(&net->node[i], s);
			}
		net_run(net, net->now + 20000, NULL);
		net->drop = NULL;
		ck_assert(net_run(net, net->now + 30000, one_ring));
		net_run(net, net->now + 2000, NULL);
		for (i = 0; i < 5; i++) {
			struct node *nd = &net->node[i];
			int last[5] = { -1, -1, -1, -1, -1 };
			size_t j;

			for (j = 0; j < nd->log_count; j++) {
				int from, seq;

				ck_assert_int_eq(sscanf(nd->log_msg[j], "%d:%d", &from, &seq), 2);
				ck_assert_int_gt(seq, last[from - 1]);
				last[from - 1] = seq;
			}
			nd->log_count = 0;
		}
		for (k = 0; k < 10; k++)
			for (i = 0; i < 5; i++) {
				char s[16];

				snprintf(s, sizeof(s), "%d:%d", i + 1, k + seed * 100 + 50);
				mcast_str(&net->node[i], s);
			}
		ck_assert(net_run(net, net->now + 10000, delivered_batch));
		for (i = 1; i < 5; i++) {
			size_t j;

			ck_assert_uint_eq(net->node[i].log_count, 50);
			for (j = 0; j < 50; j++)
				ck_assert_str_eq(net->node[i].log_msg[j], net->node[0].log_msg[j]);
		}
		for (i = 0; i < 5; i++)
			net->node[i].log_count = 0;
	}
	net_destroy(net);
}
END_TEST

/*
 * A knet link failover: node 3 is unreachable (every datagram to or from it
 * lost) for a little more than token/2, then back.  The token must survive
 * through retransmission of the saved copy: no configuration change, same
 * ring id.  Timeouts are those of a 3-node corosync cluster (token 3650).
 * The cut starts at many offsets so the token is caught everywhere.
 */
static bool ring_quiet(struct net *net)
{
	(void)net;
	return false;
}

START_TEST(test_blip_keeps_ring)
{
	uint64_t offset;

	for (offset = 0; offset < 4000; offset += 61) {
		struct net *net = net_create(3, 0);
		struct srp_ring_id rid;
		size_t chg[3];
		int i, k;

		for (i = 0; i < 3; i++) {
			struct srp_config cfg = test_config((uint32_t)i + 1);
			struct srp_env env = {
				.send_token = env_send_token, .send_mcast = env_send_mcast,
				.deliver = env_deliver, .confchg = env_confchg,
				.ring_seq_store = env_store, .ctx = &net->node[i],
			};

			cfg.token_ms = 3650;
			cfg.token_retransmit_ms = 869;
			cfg.hold_ms = 685;
			cfg.consensus_ms = 4380;
			srp_destroy(net->node[i].srp);
			ck_assert_int_eq(srp_create(&cfg, &env, net->now, &net->node[i].srp), 0);
		}
		net_start(net);
		ck_assert(net_run(net, net->now + 2000, one_ring));
		/* Let the ring go idle (token held by the rep) or stay busy. */
		ck_assert(!net_run(net, net->now + offset, ring_quiet));
		if (offset % 2)
			for (k = 0; k < 5; k++)
				mcast_str(&net->node[k % 3], "busy");
		rid = srp_ring_id(net->node[0].srp);
		for (i = 0; i < 3; i++)
			chg[i] = net->node[i].chg_count;
		net->node[2].cut = true;
		ck_assert(!net_run(net, net->now + 2000, ring_quiet));
		net->node[2].cut = false;
		ck_assert(!net_run(net, net->now + 12000, ring_quiet));
		for (i = 0; i < 3; i++) {
			ck_assert_msg(net->node[i].chg_count == chg[i],
				      "offset %llu: node %d had a configuration change",
				      (unsigned long long)offset, i + 1);
			ck_assert_uint_eq(srp_ring_id(net->node[i].srp).seq, rid.seq);
		}
		ck_assert(one_ring(net));
		net_destroy(net);
	}
}
END_TEST

/*
 * srp_reconfigure: a shorter token and consensus taken at run time make a
 * dead node be dropped within the new token + consensus (the old ones would
 * take more than twice as long); the deadline armed before the call stays;
 * a bad or identity-changing config is refused and the old one kept.
 */
START_TEST(test_reconfigure_timers)
{
	struct net *net = net_create(3, 0);
	uint64_t before, cut_at;
	int i;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	net_run(net, net->now + 5000, NULL);
	for (i = 0; i < 3; i++) {
		struct srp_config cfg = test_config((uint32_t)i + 1), bad;

		before = srp_next_deadline(net->node[i].srp);
		bad = cfg;
		bad.window_size = SRP_SORT_QUEUE_MAX;
		ck_assert_int_eq(srp_reconfigure(net->node[i].srp, &bad, net->now), -EINVAL);
		bad = cfg;
		bad.nodeid = 9;
		ck_assert_int_eq(srp_reconfigure(net->node[i].srp, &bad, net->now), -EINVAL);
		bad = cfg;
		bad.net_mtu = cfg.net_mtu - 1;
		ck_assert_int_eq(srp_reconfigure(net->node[i].srp, &bad, net->now), -EINVAL);
		cfg.token_ms = 1000;
		cfg.token_retransmit_ms = 238;
		cfg.hold_ms = 180;
		cfg.consensus_ms = 1200;
		ck_assert_int_eq(srp_reconfigure(net->node[i].srp, &cfg, net->now), 0);
		/* armed deadlines do not move (corosync's armed qb timers do not) */
		ck_assert_uint_eq(srp_next_deadline(net->node[i].srp), before);
	}
	/* a few rotations: every timer is re-armed with the new values */
	net_run(net, net->now + 3000, NULL);
	ck_assert(one_ring(net));
	net->node[2].cut = true;
	cut_at = net->now;
	ck_assert(net_run(net, net->now + 1000 + 1200 + 50 + 700, one_ring));
	ck_assert_uint_le(net->now - cut_at, 1000 + 1200 + 50 + 700);
	net_destroy(net);
}
END_TEST

/* The refused calls above leave the old timers: the node is dropped only after them. */
START_TEST(test_reconfigure_refused_keeps_old)
{
	struct net *net = net_create(3, 0);
	uint64_t cut_at;
	int i;

	net_start(net);
	ck_assert(net_run(net, net->now + 2000, one_ring));
	net_run(net, net->now + 5000, NULL);
	for (i = 0; i < 3; i++) {
		struct srp_config cfg = test_config((uint32_t)i + 1);

		cfg.token_ms = 1000;
		cfg.consensus_ms = 1200;
		cfg.max_messages = SRP_SORT_QUEUE_MAX;
		ck_assert_int_eq(srp_reconfigure(net->node[i].srp, &cfg, net->now), -EINVAL);
	}
	net_run(net, net->now + 3000, NULL);
	net->node[2].cut = true;
	cut_at = net->now;
	ck_assert(!net_run(net, net->now + 1000 + 1200 + 50 + 700, one_ring));
	ck_assert(net_run(net, cut_at + 3000 + 3600 + 50 + 700, one_ring));
	net_destroy(net);
}
END_TEST

static Suite *srp_suite(void)
{
	Suite *s = suite_create("srp");
	TCase *tc;

	add_tcase(s, tc, test_single_node);
	add_tcase(s, tc, test_single_node_backlog_not_held);
	add_tcase(s, tc, test_three_nodes_order);
	add_tcase(s, tc, test_fail_and_rejoin);
	add_tcase(s, tc, test_unreachable_fails_at_once);
	add_tcase(s, tc, test_start_with_reachable_peers);
	add_tcase(s, tc, test_unreachable_newcomer_waits);
	add_tcase(s, tc, test_leave);
	add_tcase(s, tc, test_flow_control);
	add_tcase(s, tc, test_garbage_input);
	add_tcase(s, tc, test_retransmit);
	add_tcase(s, tc, test_recovery_reoriginates);
	add_tcase(s, tc, test_alone_does_not_reoriginate);
	add_tcase(s, tc, test_hold_reuse_keeps_missing);
	add_tcase(s, tc, test_recovery_resends_shared_once);
	add_tcase(s, tc, test_lossy_then_heal);
	add_tcase(s, tc, test_blip_keeps_ring);
	add_tcase(s, tc, test_reconfigure_timers);
	add_tcase(s, tc, test_reconfigure_refused_keeps_old);
	return s;
}

int main(void)
{
	return check_run_suite(srp_suite());
}
