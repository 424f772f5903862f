/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for totempg (totemsrp/pg.c): byte-exact frames as corosync
 * 3.1.7 builds them, fragment ids, round trips through a fake totemsrp (a
 * FIFO delivering frames in order), group filtering, loss handling,
 * configuration changes, the sync context, admission control and foreign
 * byte order.  Expected bytes are written in host order (totem is native).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/check_common.h"
#include "totemsrp/pg.h"

/* ---- the fake totemsrp ---- */

struct frame {
	uint32_t from;
	size_t len;
	uint8_t *data;
};

struct net {
	struct frame *q;
	size_t n, cap;
};

struct dl {
	uint32_t from;
	char group[PG_GROUP_NAME_MAX];
	size_t glen;
	uint8_t *msg;
	size_t len;
	bool fe;
};

struct node {
	struct net *net;
	struct pg *pg;
	uint32_t id;
	size_t space;         /* SIZE_MAX: unlimited */
	struct dl *d;
	size_t dn, dcap;
	/* round trip mode: verify instead of recording */
	const size_t (*sizes)[64];
	size_t next[4];
	size_t verified;
	size_t pending;       /* pending() calls: a partial frame waits */
};

static int fake_mcast(void *ctx, const struct iovec *iov, size_t iovcnt)
{
	struct node *nd = ctx;
	struct net *net = nd->net;
	struct frame *f;
	size_t i, len = 0;

	if (nd->space == 0)
		return -EAGAIN;
	if (nd->space != SIZE_MAX)
		nd->space--;
	if (net->n == net->cap) {
		net->cap = net->cap ? net->cap * 2 : 64;
		net->q = realloc(net->q, net->cap * sizeof(*net->q));
		ck_assert_ptr_nonnull(net->q);
	}
	f = &net->q[net->n++];
	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	f->from = nd->id;
	f->len = len;
	f->data = malloc(len);
	ck_assert_ptr_nonnull(f->data);
	len = 0;
	for (i = 0; i < iovcnt; i++) {
		memcpy(f->data + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	return 0;
}

static size_t fake_space(void *ctx)
{
	struct node *nd = ctx;

	return nd->space == SIZE_MAX ? 1000000 : nd->space;
}

static void fake_pending(void *ctx)
{
	((struct node *)ctx)->pending++;
}

static uint8_t pattern(uint32_t from, size_t idx, size_t off)
{
	return (uint8_t)(from * 31 + idx * 131 + off * 7 + (off >> 9));
}

static void fake_deliver(void *ctx, uint32_t from, const char *group, size_t group_len,
			 const void *msg, size_t len, bool fe)
{
	struct node *nd = ctx;
	struct dl *d;

	if (nd->sizes) {
		const uint8_t *m = msg;
		size_t idx, off;

		ck_assert_uint_ge(from, 1);
		ck_assert_uint_le(from, 3);
		idx = nd->next[from]++;
		ck_assert_uint_eq(len, nd->sizes[from][idx]);
		for (off = 0; off < len; off++)
			if (m[off] != pattern(from, idx, off))
				ck_abort_msg("byte %zu of message %zu from %u differs", off, idx, from);
		nd->verified++;
		return;
	}
	if (nd->dn == nd->dcap) {
		nd->dcap = nd->dcap ? nd->dcap * 2 : 16;
		nd->d = realloc(nd->d, nd->dcap * sizeof(*nd->d));
		ck_assert_ptr_nonnull(nd->d);
	}
	d = &nd->d[nd->dn++];
	d->from = from;
	memcpy(d->group, group, group_len);
	d->glen = group_len;
	d->msg = malloc(len ? len : 1);
	memcpy(d->msg, msg, len);
	d->len = len;
	d->fe = fe;
}

static void node_init(struct node *nd, struct net *net, uint32_t id, size_t frame_max)
{
	struct pg_config cfg = { .frame_max = frame_max };
	struct pg_env env = { .mcast = fake_mcast, .space = fake_space, .pending = fake_pending,
			      .deliver = fake_deliver, .ctx = nd };

	memset(nd, 0, sizeof(*nd));
	nd->net = net;
	nd->id = id;
	nd->space = SIZE_MAX;
	ck_assert_int_eq(pg_create(&cfg, &env, &nd->pg), 0);
	ck_assert_int_eq(pg_join(nd->pg, "a", 1), 0);
}

static void node_fini(struct node *nd)
{
	size_t i;

	for (i = 0; i < nd->dn; i++)
		free(nd->d[i].msg);
	free(nd->d);
	pg_destroy(nd->pg);
}

static void net_clear(struct net *net)
{
	size_t i;

	for (i = 0; i < net->n; i++)
		free(net->q[i].data);
	net->n = 0;
}

static void net_fini(struct net *net)
{
	net_clear(net);
	free(net->q);
}

static int send_str(struct node *nd, const char *group, const char *s)
{
	struct iovec iov = { (void *)s, strlen(s) };

	return pg_mcast(nd->pg, group, strlen(group), &iov, 1);
}

static int send_pattern(struct node *nd, size_t idx, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct iovec iov = { buf, len };
	size_t i;
	int r;

	for (i = 0; i < len; i++)
		buf[i] = pattern(nd->id, idx, i);
	r = pg_mcast(nd->pg, "a", 1, &iov, 1);
	free(buf);
	return r;
}

/* Deliver frames [from, to) of the net to rx, skipping index skip. */
static void net_feed(struct net *net, size_t from, size_t to, size_t skip, struct node *rx)
{
	size_t i;

	for (i = from; i < to && i < net->n; i++)
		if (i != skip)
			ck_assert_int_eq(pg_deliver(rx->pg, net->q[i].from, net->q[i].data,
						    net->q[i].len, false), 0);
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void assert_pattern_msg(const struct dl *d, uint32_t from, size_t idx, size_t len)
{
	size_t i;

	ck_assert_uint_eq(d->from, from);
	ck_assert_uint_eq(d->len, len);
	for (i = 0; i < len; i++)
		ck_assert_uint_eq(d->msg[i], pattern(from, idx, i));
}

/* ---- byte-exact sending ---- */

START_TEST(test_small_frame_exact)
{
	struct net net = { 0 };
	struct node s;
	uint8_t exp[20] = { 0, 0, 0, 0, 0, 0 };

	node_init(&s, &net, 1, 1410);
	ck_assert_int_eq(send_str(&s, "a", "hello"), 0);
	ck_assert_uint_eq(net.n, 0);        /* waits for the token */
	ck_assert_uint_eq(s.pending, 1);    /* ... and says so (token hold cancel) */
	pg_token_received(s.pg);
	ck_assert_uint_eq(net.n, 1);
	put16(exp + 6, 1);
	put16(exp + 8, 10);
	put16(exp + 10, 1);
	put16(exp + 12, 1);
	memcpy(exp + 14, "ahello", 6);
	ck_assert_uint_eq(net.q[0].len, sizeof(exp));
	ck_assert_mem_eq(net.q[0].data, exp, sizeof(exp));
	pg_token_received(s.pg);            /* nothing left */
	ck_assert_uint_eq(net.n, 1);

	/* spec appendix A: group "a" + 189-byte payload -> msg_len 194 (0xc2) */
	{
		uint8_t payload[189];
		struct iovec iov = { payload, sizeof(payload) };

		memset(payload, 0x5a, sizeof(payload));
		ck_assert_int_eq(pg_mcast(s.pg, "a", 1, &iov, 1), 0);
		pg_token_received(s.pg);
		ck_assert_uint_eq(net.n, 2);
		ck_assert_uint_eq(net.q[1].len, 8 + 2 + 194);
		ck_assert_uint_eq(get16(net.q[1].data + 8), 0xc2);
		ck_assert_mem_eq(net.q[1].data + 10, exp + 10, 5);
	}
	node_fini(&s);
	net_fini(&net);
}
END_TEST

START_TEST(test_packed_frame_exact)
{
	struct net net = { 0 };
	struct node s;
	uint8_t exp[8 + 6 + 6 + 10 + 5] = { 0 };

	node_init(&s, &net, 1, 1410);
	ck_assert_int_eq(send_str(&s, "a", "x"), 0);
	ck_assert_int_eq(send_str(&s, "sync", "yy"), 0);
	ck_assert_int_eq(pg_mcast(s.pg, "a", 1, NULL, 0), 0);   /* empty payload */
	pg_token_received(s.pg);
	ck_assert_uint_eq(net.n, 1);
	put16(exp + 6, 3);
	put16(exp + 8, 6);
	put16(exp + 10, 10);
	put16(exp + 12, 5);
	put16(exp + 14, 1);
	put16(exp + 16, 1);
	memcpy(exp + 18, "ax", 2);
	put16(exp + 20, 1);
	put16(exp + 22, 4);
	memcpy(exp + 24, "syncyy", 6);
	put16(exp + 30, 1);
	put16(exp + 32, 1);
	exp[34] = 'a';
	ck_assert_uint_eq(net.q[0].len, sizeof(exp));
	ck_assert_mem_eq(net.q[0].data, exp, sizeof(exp));
	node_fini(&s);
	net_fini(&net);
}
END_TEST

/*
 * frame_max 64: 56 bytes for lengths + data.  "a" + 100 bytes: the header
 * and name fit; the payload is cut after 49 bytes (frame full, 64 bytes,
 * fragmented 1); its remaining 51 bytes are sent AT ONCE as their own frame
 * (continuation 1, fragmented 0), because corosync tests the whole piece
 * length (100) against the room, not the rest.
 */
START_TEST(test_split_exact)
{
	struct net net = { 0 };
	struct node s, r;
	uint8_t exp1[64] = { 0 }, exp2[61] = { 0 };
	size_t i;

	node_init(&s, &net, 1, 64);
	node_init(&r, &net, 9, 64);
	ck_assert_int_eq(send_pattern(&s, 0, 100), 0);
	ck_assert_uint_eq(net.n, 2);
	exp1[4] = 1;
	put16(exp1 + 6, 1);
	put16(exp1 + 8, 54);
	put16(exp1 + 10, 1);
	put16(exp1 + 12, 1);
	exp1[14] = 'a';
	for (i = 0; i < 49; i++)
		exp1[15 + i] = pattern(1, 0, i);
	exp2[5] = 1;
	put16(exp2 + 6, 1);
	put16(exp2 + 8, 51);
	for (i = 0; i < 51; i++)
		exp2[10 + i] = pattern(1, 0, 49 + i);
	ck_assert_uint_eq(net.q[0].len, 64);
	ck_assert_mem_eq(net.q[0].data, exp1, 64);
	ck_assert_uint_eq(net.q[1].len, 61);
	ck_assert_mem_eq(net.q[1].data, exp2, 61);
	pg_token_received(s.pg);
	ck_assert_uint_eq(net.n, 2);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 1);
	assert_pattern_msg(&r.d[0], 1, 0, 100);

	/* A buffered small message shares the first frame of a large one. */
	net_clear(&net);
	ck_assert_int_eq(send_str(&s, "a", "xyz"), 0);
	ck_assert_int_eq(send_pattern(&s, 1, 100), 0);
	ck_assert_uint_ge(net.n, 2);
	ck_assert_uint_eq(get16(net.q[0].data + 6), 2);
	ck_assert_uint_eq(get16(net.q[0].data + 8), 8);
	ck_assert_uint_eq(net.q[0].data[4], 1);
	ck_assert_uint_eq(net.q[0].data[5], 0);
	ck_assert_uint_eq(net.q[0].len, 64);
	pg_token_received(s.pg);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 3);
	ck_assert_uint_eq(r.d[1].len, 3);
	ck_assert_mem_eq(r.d[1].msg, "xyz", 3);
	assert_pattern_msg(&r.d[2], 1, 1, 100);
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

/* Fragment ids along a message cut into n frames: 1, 2, ... wrapping 255 -> 1. */
static void check_ids(struct net *net, size_t frame_max)
{
	size_t i;

	ck_assert_uint_eq(net->q[0].data[5], 0);
	for (i = 0; i < net->n; i++) {
		uint8_t frag = net->q[i].data[4];

		ck_assert_uint_le(net->q[i].len, frame_max);
		if (i + 1 == net->n) {
			ck_assert_uint_eq(frag, 0);
		} else {
			ck_assert_uint_eq(frag, i % 255 + 1);
			ck_assert_uint_eq(net->q[i + 1].data[5], frag);
		}
	}
}

START_TEST(test_fragment_ids)
{
	struct net net = { 0 };
	struct node s, r;
	size_t len, nframes;

	node_init(&s, &net, 1, 64);
	node_init(&r, &net, 9, 64);
	for (nframes = 2; nframes <= 20; nframes++) {
		/* 54 data bytes per frame; the 5-byte group header rides in the first */
		len = nframes * 54 - 5 - 3;
		net_clear(&net);
		r.dn = 0;
		ck_assert_int_eq(send_pattern(&s, nframes, len), 0);
		pg_token_received(s.pg);
		ck_assert_uint_eq(net.n, nframes);
		check_ids(&net, 64);
		net_feed(&net, 0, net.n, SIZE_MAX, &r);
		ck_assert_uint_eq(r.dn, 1);
		assert_pattern_msg(&r.d[0], 1, nframes, len);
		free(r.d[0].msg);
	}
	/* 20000 bytes: 371 frames, the ids wrap 255 -> 1 */
	net_clear(&net);
	r.dn = 0;
	ck_assert_int_eq(send_pattern(&s, 99, 20000), 0);
	pg_token_received(s.pg);
	ck_assert_uint_gt(net.n, 256);
	check_ids(&net, 64);
	ck_assert_uint_eq(net.q[254].data[4], 255);
	ck_assert_uint_eq(net.q[255].data[4], 1);
	ck_assert_uint_eq(net.q[255].data[5], 255);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 1);
	assert_pattern_msg(&r.d[0], 1, 99, 20000);
	ck_assert_uint_eq(pg_dropped(r.pg), 0);
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

/* ---- round trip ---- */

static uint64_t rnd(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static void round_trip(size_t frame_max, unsigned senders, uint64_t seed)
{
	struct net net = { 0 };
	struct node s[4], r;
	size_t sizes[4][64] = { { 0 } };
	size_t sent[4] = { 0 }, per = 12, i, done = 0, fed = 0;
	uint64_t st = seed;

	node_init(&r, &net, 9, frame_max);
	r.sizes = (const size_t (*)[64])sizes;
	for (i = 1; i <= senders; i++) {
		size_t k;

		node_init(&s[i], &net, (uint32_t)i, frame_max);
		for (k = 0; k < per; k++) {
			uint64_t x = rnd(&st);

			switch (x % 4) {
			case 0: sizes[i][k] = (size_t)(x >> 8) % (PG_MESSAGE_MAX + 1); break;
			case 1: sizes[i][k] = (size_t)(x >> 8) % 4000; break;
			case 2: sizes[i][k] = (size_t)(x >> 8) % 70000; break;
			default: sizes[i][k] = (size_t)(x >> 8) % 64; break;
			}
		}
		sizes[i][0] = PG_MESSAGE_MAX;
		sizes[i][1] = 0;
	}
	while (done < senders * per) {
		uint64_t x = rnd(&st);
		unsigned who = (unsigned)(x % senders) + 1;

		if ((x >> 20) % 3 == 0) {
			pg_token_received(s[who].pg);
		} else if (sent[who] < per) {
			size_t k = sent[who], len = sizes[who][k], cut1, cut2, j;
			uint8_t *buf = malloc(len ? len : 1);
			struct iovec iov[4];

			for (j = 0; j < len; j++)
				buf[j] = pattern(who, k, j);
			/* up to three cuts, empty pieces included */
			cut1 = len ? (size_t)(rnd(&st) % (len + 1)) : 0;
			cut2 = cut1 + (len - cut1 ? (size_t)(rnd(&st) % (len - cut1 + 1)) : 0);
			iov[0] = (struct iovec){ buf, cut1 };
			iov[1] = (struct iovec){ NULL, 0 };
			iov[2] = (struct iovec){ buf + cut1, cut2 - cut1 };
			iov[3] = (struct iovec){ buf + cut2, len - cut2 };
			ck_assert_int_eq(pg_mcast(s[who].pg, "a", 1, iov, 4), 0);
			free(buf);
			sent[who]++;
			done++;
		}
		/* the ring delivers what was sent so far, in order */
		net_feed(&net, fed, net.n, SIZE_MAX, &r);
		fed = net.n;
		if (net.n > 4096) {
			net_clear(&net);
			fed = 0;
		}
	}
	for (i = 1; i <= senders; i++)
		pg_token_received(s[i].pg);
	net_feed(&net, fed, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.verified, senders * per);
	for (i = 1; i <= senders; i++) {
		ck_assert_uint_eq(r.next[i], per);
		node_fini(&s[i]);
	}
	ck_assert_uint_eq(pg_dropped(r.pg), 0);
	node_fini(&r);
	net_fini(&net);
}

START_TEST(test_round_trip)
{
	unsigned senders;

	for (senders = 1; senders <= 3; senders++) {
		round_trip(65446, senders, 0x1234567ull + senders);
		round_trip(1410, senders, 0x7654321ull + senders);
	}
	round_trip(64, 2, 99);
}
END_TEST

/* ---- groups ---- */

START_TEST(test_groups)
{
	struct net net = { 0 };
	struct node s, r;
	uint8_t f[32] = { 0 };
	char name[8];
	int i;

	node_init(&s, &net, 1, 1410);
	node_init(&r, &net, 2, 1410);
	ck_assert_int_eq(pg_join(r.pg, "sync", 4), 0);
	ck_assert_int_eq(pg_join(r.pg, "a", 1), -EEXIST);
	ck_assert_int_eq(pg_join(r.pg, "", 0), -EINVAL);
	ck_assert_int_eq(send_str(&s, "b", "nope"), 0);
	ck_assert_int_eq(send_str(&s, "sync", "s1"), 0);
	ck_assert_int_eq(send_str(&s, "a", "a1"), 0);
	pg_token_received(s.pg);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 2);
	ck_assert_uint_eq(r.d[0].glen, 4);
	ck_assert_mem_eq(r.d[0].group, "sync", 4);
	ck_assert_mem_eq(r.d[0].msg, "s1", 2);
	ck_assert_uint_eq(r.d[1].glen, 1);
	ck_assert_mem_eq(r.d[1].msg, "a1", 2);

	/* a message listing two names ("zz", "a") is delivered once, as "a" */
	put16(f + 6, 1);
	put16(f + 8, 2 + 4 + 3 + 3);
	put16(f + 10, 2);
	put16(f + 12, 2);
	put16(f + 14, 1);
	memcpy(f + 16, "zzaHI!", 6);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 22, false), 0);
	ck_assert_uint_eq(r.dn, 3);
	ck_assert_uint_eq(r.d[2].glen, 1);
	ck_assert_mem_eq(r.d[2].group, "a", 1);
	ck_assert_uint_eq(r.d[2].len, 3);
	ck_assert_mem_eq(r.d[2].msg, "HI!", 3);
	/* zero groups: valid, delivered nowhere */
	put16(f + 8, 3);
	put16(f + 10, 0);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 13, false), 0);
	ck_assert_uint_eq(r.dn, 3);
	ck_assert_uint_eq(pg_dropped(r.pg), 0);

	/* leave: no longer delivered */
	ck_assert_int_eq(pg_leave(r.pg, "a", 1), 0);
	ck_assert_int_eq(pg_leave(r.pg, "a", 1), -ENOENT);
	net_clear(&net);
	ck_assert_int_eq(send_str(&s, "a", "a2"), 0);
	pg_token_received(s.pg);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 3);

	/* at most PG_GROUPS_MAX joined names */
	for (i = 1; i < PG_GROUPS_MAX; i++) {
		int n = snprintf(name, sizeof(name), "g%d", i);

		ck_assert_int_eq(pg_join(r.pg, name, (size_t)n), 0);
	}
	ck_assert_int_eq(pg_join(r.pg, "x", 1), -ENOSPC);
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

/* ---- losses, configuration changes, sync ---- */

START_TEST(test_lost_frame)
{
	struct net net = { 0 };
	struct node s, r;
	size_t skip, n_m1;

	node_init(&s, &net, 1, 64);
	node_init(&r, &net, 2, 64);
	for (skip = 0; skip < 8; skip++) {
		uint64_t dropped = pg_dropped(r.pg);

		net_clear(&net);
		r.dn = 0;
		ck_assert_int_eq(send_pattern(&s, 1, 300), 0);   /* M1: 6 frames */
		n_m1 = net.n;
		ck_assert_int_eq(send_pattern(&s, 2, 10), 0);
		ck_assert_int_eq(send_pattern(&s, 3, 20), 0);
		pg_token_received(s.pg);
		ck_assert_int_eq(send_pattern(&s, 4, 200), 0);   /* recovery */
		pg_token_received(s.pg);
		ck_assert_uint_eq(n_m1, 6);
		net_feed(&net, 0, net.n, skip, &r);
		if (skip < n_m1) {
			/* M1 is lost, the rest arrives */
			ck_assert_uint_eq(r.dn, 3);
			assert_pattern_msg(&r.d[0], 1, 2, 10);
			assert_pattern_msg(&r.d[1], 1, 3, 20);
			assert_pattern_msg(&r.d[2], 1, 4, 200);
			ck_assert_uint_gt(pg_dropped(r.pg), dropped);
		} else {
			ck_assert_uint_eq(r.dn, skip == n_m1 ? 2 : 3);
			assert_pattern_msg(&r.d[0], 1, 1, 300);
		}
		while (r.dn)
			free(r.d[--r.dn].msg);
	}
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

START_TEST(test_confchg_resets)
{
	struct net net = { 0 };
	struct node s, r;
	uint32_t other = 3, left = 1;

	node_init(&s, &net, 1, 64);
	node_init(&r, &net, 2, 64);
	ck_assert_int_eq(send_pattern(&s, 1, 300), 0);
	net_feed(&net, 0, 2, SIZE_MAX, &r);
	pg_confchg(r.pg, &other, 1);          /* someone else left: no effect */
	net_feed(&net, 2, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 1);
	assert_pattern_msg(&r.d[0], 1, 1, 300);

	net_clear(&net);
	ck_assert_int_eq(send_pattern(&s, 2, 300), 0);
	net_feed(&net, 0, 2, SIZE_MAX, &r);
	pg_confchg(r.pg, &left, 1);           /* the sender left: its prefix is gone */
	net_feed(&net, 2, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 1);
	net_clear(&net);
	ck_assert_int_eq(send_pattern(&s, 3, 300), 0);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 2);
	assert_pattern_msg(&r.d[1], 1, 3, 300);
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

START_TEST(test_sync_context)
{
	struct net net = { 0 }, net2 = { 0 };
	struct node s, s_sync, r;
	size_t nf;

	node_init(&s, &net, 1, 64);
	node_init(&s_sync, &net2, 1, 64);     /* node 1's sync-time frames */
	node_init(&r, &net, 2, 64);
	ck_assert_int_eq(send_pattern(&s, 1, 300), 0);
	nf = net.n;
	net_feed(&net, 0, 3, SIZE_MAX, &r);   /* half of it before the ring change */
	pg_sync_context(r.pg, true);
	ck_assert_int_eq(send_pattern(&s_sync, 5, 150), 0);
	ck_assert_int_eq(send_pattern(&s_sync, 6, 5), 0);
	pg_token_received(s_sync.pg);
	net_feed(&net2, 0, net2.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 2);
	assert_pattern_msg(&r.d[0], 1, 5, 150);
	assert_pattern_msg(&r.d[1], 1, 6, 5);
	pg_sync_context(r.pg, false);
	net_feed(&net, 3, nf, SIZE_MAX, &r);  /* the rest after sync */
	ck_assert_uint_eq(r.dn, 3);
	assert_pattern_msg(&r.d[2], 1, 1, 300);
	ck_assert_uint_eq(pg_dropped(r.pg), 0);
	node_fini(&s);
	node_fini(&s_sync);
	node_fini(&r);
	net_fini(&net);
	net_fini(&net2);
}
END_TEST

/* A message cut by a merging configuration is dropped (a joined member could
 * not assemble it); the sender's next message is delivered whole. */
START_TEST(test_ring_merged)
{
	struct net net = { 0 };
	struct node s, r;

	node_init(&s, &net, 1, 64);
	node_init(&r, &net, 2, 64);
	ck_assert_int_eq(send_pattern(&s, 1, 300), 0);
	net_feed(&net, 0, 2, SIZE_MAX, &r);   /* the start in the old ring */
	ck_assert(!pg_ring_merged(r.pg, 2));   /* node 1's message, not node 2's */
	net_feed(&net, 2, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 0);
	ck_assert_uint_ge(pg_dropped(r.pg), 1);
	net_clear(&net);
	ck_assert_int_eq(send_pattern(&s, 2, 300), 0);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 1);
	assert_pattern_msg(&r.d[0], 1, 2, 300);
	ck_assert(!pg_ring_merged(NULL, 1));
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

/*
 * A message of at most pg_whole_max() bytes never spans two frames: when it
 * does not fit whole in the frame being filled, that frame goes first,
 * shorter, and a merge after it cannot cut the small message (corosync
 * splits it; a cut PROCJOIN lost every MCAST queued behind it).  A larger
 * one is still split as corosync splits it.
 */
START_TEST(test_small_never_split)
{
	struct net net = { 0 };
	struct node s, r, t;

	node_init(&s, &net, 1, 1410);         /* 1402 bytes for lengths and data */
	node_init(&r, &net, 2, 1410);
	ck_assert_uint_eq(pg_whole_max(s.pg), 512);
	ck_assert_int_eq(send_pattern(&s, 0, 1000), 0);   /* 1005 bytes buffered */
	ck_assert_uint_eq(net.n, 0);
	/* 405 bytes do not fit in the 1398 - 1005 left: the first frame goes alone */
	ck_assert_int_eq(send_pattern(&s, 1, 400), 0);
	ck_assert_uint_eq(net.n, 1);
	ck_assert_uint_eq(net.q[0].len, 8 + 2 + 1005);
	ck_assert_uint_eq(net.q[0].data[4], 0);           /* not fragmented */
	ck_assert_uint_eq(get16(net.q[0].data + 6), 1);
	pg_token_received(s.pg);
	ck_assert_uint_eq(net.n, 2);
	ck_assert_uint_eq(net.q[1].len, 8 + 2 + 405);
	ck_assert_uint_eq(net.q[1].data[4], 0);
	ck_assert_uint_eq(net.q[1].data[5], 0);           /* no continuation */
	/* r saw the first frame in the old ring, the second after a merge */
	net_feed(&net, 0, 1, SIZE_MAX, &r);
	ck_assert(!pg_ring_merged(r.pg, 2));
	net_feed(&net, 1, 2, SIZE_MAX, &r);
	ck_assert_uint_eq(r.dn, 2);
	assert_pattern_msg(&r.d[0], 1, 0, 1000);
	assert_pattern_msg(&r.d[1], 1, 1, 400);
	ck_assert_uint_eq(pg_dropped(r.pg), 0);

	/*
	 * A small message that just fits at the end of the frame (its last
	 * piece within the last 2 bytes of room) is not split by corosync
	 * either: it closes the frame whole, as corosync's frame.
	 */
	net_clear(&net);
	ck_assert_int_eq(send_pattern(&s, 10, 1000), 0);
	ck_assert_int_eq(send_pattern(&s, 11, 386), 0);   /* 1005 + 391 = 1396 of 1398 */
	ck_assert_uint_eq(net.n, 1);
	ck_assert_uint_eq(net.q[0].len, 8 + 4 + 1396);
	ck_assert_uint_eq(net.q[0].data[4], 0);
	ck_assert_uint_eq(get16(net.q[0].data + 6), 2);
	pg_token_received(s.pg);
	ck_assert_uint_eq(net.n, 1);                      /* nothing left behind */

	/* 513 bytes (pg_whole_max() + 1) are split as corosync splits them */
	net_clear(&net);
	ck_assert_int_eq(send_pattern(&s, 2, 1000), 0);
	ck_assert_int_eq(send_pattern(&s, 3, 508), 0);
	ck_assert_uint_eq(net.n, 1);
	ck_assert_uint_eq(net.q[0].len, 1410);            /* a full frame */
	ck_assert_uint_eq(net.q[0].data[4], 1);           /* fragmented */
	ck_assert_uint_eq(get16(net.q[0].data + 6), 2);
	pg_token_received(s.pg);
	ck_assert_uint_eq(net.n, 2);
	ck_assert_uint_eq(net.q[1].data[5], 1);           /* continues it */

	/* the limit is an eighth of a frame when that is more, and what an empty frame holds */
	node_init(&t, &net, 3, 65446);
	ck_assert_uint_eq(pg_whole_max(t.pg), (65446 - 8) / 8);
	node_fini(&t);
	node_init(&t, &net, 3, 64);
	ck_assert_uint_eq(pg_whole_max(t.pg), 51);
	net_clear(&net);
	ck_assert_int_eq(send_pattern(&t, 4, 10), 0);    /* 15 bytes */
	ck_assert_int_eq(send_pattern(&t, 5, 46), 0);    /* 51 bytes: 15 + 51 do not fit */
	ck_assert_uint_eq(net.n, 1);
	pg_token_received(t.pg);
	ck_assert_uint_eq(net.n, 2);
	ck_assert_uint_eq(net.q[1].len, 8 + 2 + 51);      /* whole, in its own frame */
	ck_assert_uint_eq(pg_whole_max(NULL), 0);
	node_fini(&t);
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

/* A configuration change sends what waits in the packing buffer: it belongs
 * to the old configuration (before totem switches to its transitional queue). */
START_TEST(test_confchg_flushes)
{
	struct net net = { 0 };
	struct node s;
	uint32_t left = 9;

	node_init(&s, &net, 1, 1400);
	ck_assert_int_eq(send_str(&s, "a", "hello"), 0);
	ck_assert_uint_eq(net.n, 0);
	pg_confchg(s.pg, &left, 1);
	ck_assert_uint_eq(net.n, 1);
	ck_assert_int_eq(send_str(&s, "a", "again"), 0);
	pg_confchg(s.pg, NULL, 0);
	ck_assert_uint_eq(net.n, 2);
	node_fini(&s);
	net_fini(&net);
}
END_TEST

/* ---- admission ---- */

START_TEST(test_eagain)
{
	struct net net = { 0 };
	struct node s, r;
	uint8_t big[1400];
	struct iovec iov = { big, 0 };
	size_t space, len;

	memset(big, 1, sizeof(big));
	node_init(&s, &net, 1, 1410);
	node_init(&r, &net, 2, 1410);
	s.space = 0;
	ck_assert(!pg_send_ok(s.pg, 1));
	ck_assert_int_eq(send_str(&s, "a", "x"), -EAGAIN);
	/* one slot: slots >= bytes / (1410 - 24) + 1, bytes = 5 + payload */
	s.space = 1;
	iov.iov_len = 1381;
	ck_assert_int_eq(pg_mcast(s.pg, "a", 1, &iov, 1), -EAGAIN);
	iov.iov_len = 1380;
	ck_assert_int_eq(pg_mcast(s.pg, "a", 1, &iov, 1), 0);
	ck_assert_uint_eq(net.n, 0);
	ck_assert_uint_eq(s.space, 1);
	pg_token_received(s.pg);
	ck_assert_uint_eq(net.n, 1);
	ck_assert_uint_eq(s.space, 0);
	pg_token_received(s.pg);              /* nothing pending, no space: no-op */
	ck_assert_int_eq(send_str(&s, "a", "y"), -EAGAIN);

	/* too big at all */
	s.space = SIZE_MAX;
	{
		struct iovec huge = { big, PG_MESSAGE_MAX + 1 };

		ck_assert_int_eq(pg_mcast(s.pg, "a", 1, &huge, 1), -EMSGSIZE);
		ck_assert(!pg_send_ok(s.pg, PG_MESSAGE_MAX + 1));
	}

	/* send_ok true => accepted whole; refused => nothing emitted */
	for (space = 0; space < 8; space++) {
		for (len = 0; len < 12000; len += 397) {
			uint8_t *buf = calloc(1, len + 1);
			size_t before = net.n;
			bool ok;
			int rc;

			s.space = space;
			ok = pg_send_ok(s.pg, len);
			iov.iov_base = buf;
			iov.iov_len = len;
			rc = pg_mcast(s.pg, "a", 1, &iov, 1);
			if (ok)
				ck_assert_int_eq(rc, 0);
			if (rc == -EAGAIN)
				ck_assert_uint_eq(net.n, before);
			else
				ck_assert_int_eq(rc, 0);
			free(buf);
		}
	}
	s.space = SIZE_MAX;
	pg_token_received(s.pg);
	net_feed(&net, 0, net.n, SIZE_MAX, &r);
	ck_assert_uint_eq(pg_dropped(r.pg), 0);
	node_fini(&s);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

/* ---- byte order and malformed input ---- */

static uint16_t sw(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

START_TEST(test_foreign_endian)
{
	struct net net = { 0 };
	struct node r;
	uint8_t f[64] = { 0 }, f2[32] = { 0 }, f3[32] = { 0 };

	node_init(&r, &net, 2, 1410);
	/* two packed messages in the other byte order */
	put16(f + 6, sw(2));
	put16(f + 8, sw(7));
	put16(f + 10, sw(9));
	put16(f + 12, sw(1));
	put16(f + 14, sw(1));
	memcpy(f + 16, "aXY", 3);
	put16(f + 19, sw(1));
	put16(f + 21, sw(1));
	memcpy(f + 23, "aPQRS", 5);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 28, false), -EBADMSG);
	ck_assert_uint_eq(pg_dropped(r.pg), 1);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 28, true), 0);
	ck_assert_uint_eq(r.dn, 2);
	ck_assert(r.d[0].fe);
	ck_assert_uint_eq(r.d[0].len, 2);
	ck_assert_mem_eq(r.d[0].msg, "XY", 2);
	ck_assert_uint_eq(r.d[1].len, 4);
	ck_assert_mem_eq(r.d[1].msg, "PQRS", 4);

	/* a fragmented one: 4+1+3 bytes, then 5 more */
	f2[4] = 7;
	put16(f2 + 6, sw(1));
	put16(f2 + 8, sw(8));
	put16(f2 + 10, sw(1));
	put16(f2 + 12, sw(1));
	memcpy(f2 + 14, "a123", 4);
	f3[5] = 7;
	put16(f3 + 6, sw(1));
	put16(f3 + 8, sw(5));
	memcpy(f3 + 10, "45678", 5);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f2, 18, true), 0);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f3, 15, true), 0);
	ck_assert_uint_eq(r.dn, 3);
	ck_assert_uint_eq(r.d[2].len, 8);
	ck_assert_mem_eq(r.d[2].msg, "12345678", 8);
	ck_assert_uint_eq(pg_dropped(r.pg), 1);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

START_TEST(test_malformed)
{
	struct net net = { 0 };
	struct node r;
	uint8_t f[64] = { 0 };
	struct pg_config cfg = { .frame_max = 10 };
	struct pg_env env = { .mcast = fake_mcast, .space = fake_space, .deliver = fake_deliver };
	struct pg *bad = (struct pg *)&cfg;

	ck_assert_int_eq(pg_create(&cfg, &env, &bad), -EINVAL);
	ck_assert_ptr_eq(bad, (struct pg *)&cfg);
	cfg.frame_max = 70000;
	ck_assert_int_eq(pg_create(&cfg, &env, &bad), -EINVAL);
	pg_destroy(NULL);

	node_init(&r, &net, 2, 1410);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 0, false), -EBADMSG);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 7, false), -EBADMSG);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 8, false), -EBADMSG);    /* 0 messages */
	put16(f + 6, 30);                                                /* lengths beyond */
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 20, false), -EBADMSG);
	put16(f + 6, 1);
	put16(f + 8, 5);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 14, false), -EBADMSG);   /* sum short */
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 16, false), -EBADMSG);   /* sum long */
	ck_assert_uint_eq(pg_dropped(r.pg), 6);
	/* framing fine, group header lies: message dropped, frame accepted */
	put16(f + 10, 5);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 15, false), 0);
	put16(f + 10, 1);
	put16(f + 12, 9);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 15, false), 0);
	put16(f + 8, 1);
	ck_assert_int_eq(pg_deliver(r.pg, 1, f, 11, false), 0);
	ck_assert_uint_eq(pg_dropped(r.pg), 9);
	ck_assert_uint_eq(r.dn, 0);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

/* At most 384 senders hold state; idle ones are recycled, busy ones are not. */
START_TEST(test_many_senders)
{
	struct net net = { 0 };
	struct node r;
	uint8_t head[8 + 2 + 6] = { 0 }, tail[8 + 2 + 2] = { 0 };
	uint32_t id;
	uint64_t dropped;

	node_init(&r, &net, 1000, 1410);
	/* first piece: group header + "a" + "x", fragmented 1 */
	head[4] = 1;
	put16(head + 6, 1);
	put16(head + 8, 6);
	put16(head + 10, 1);
	put16(head + 12, 1);
	memcpy(head + 14, "ax", 2);
	tail[5] = 1;
	put16(tail + 6, 1);
	put16(tail + 8, 2);
	memcpy(tail + 10, "yz", 2);
	for (id = 1; id <= 384; id++)
		ck_assert_int_eq(pg_deliver(r.pg, id, head, sizeof(head), false), 0);
	dropped = pg_dropped(r.pg);
	ck_assert_int_eq(pg_deliver(r.pg, 385, head, sizeof(head), false), 0);
	ck_assert_uint_eq(pg_dropped(r.pg), dropped + 1);
	ck_assert_int_eq(pg_deliver(r.pg, 385, tail, sizeof(tail), false), 0);
	ck_assert_uint_eq(r.dn, 0);
	ck_assert_int_eq(pg_deliver(r.pg, 7, tail, sizeof(tail), false), 0);
	ck_assert_uint_eq(r.dn, 1);
	ck_assert_mem_eq(r.d[0].msg, "xyz", 3);
	/* node 7 is idle now: 385 can take its place */
	ck_assert_int_eq(pg_deliver(r.pg, 385, head, sizeof(head), false), 0);
	ck_assert_int_eq(pg_deliver(r.pg, 385, tail, sizeof(tail), false), 0);
	ck_assert_uint_eq(r.dn, 2);
	ck_assert_uint_eq(r.d[1].from, 385);
	/* the others still complete */
	for (id = 1; id <= 384; id++)
		ck_assert_int_eq(pg_deliver(r.pg, id, tail, sizeof(tail), false), 0);
	ck_assert_uint_eq(r.dn, 2 + 383);
	node_fini(&r);
	net_fini(&net);
}
END_TEST

static Suite *pg_suite(void)
{
	Suite *s = suite_create("pg");
	TCase *tc;

	add_tcase(s, tc, test_small_frame_exact);
	add_tcase(s, tc, test_packed_frame_exact);
	add_tcase(s, tc, test_split_exact);
	add_tcase(s, tc, test_fragment_ids);
	add_tcase(s, tc, test_round_trip);
	tcase_set_timeout(tc, 120);
	add_tcase(s, tc, test_groups);
	add_tcase(s, tc, test_lost_frame);
	add_tcase(s, tc, test_confchg_resets);
	add_tcase(s, tc, test_sync_context);
	add_tcase(s, tc, test_ring_merged);
	add_tcase(s, tc, test_small_never_split);
	add_tcase(s, tc, test_confchg_flushes);
	add_tcase(s, tc, test_eagain);
	add_tcase(s, tc, test_foreign_endian);
	add_tcase(s, tc, test_malformed);
	add_tcase(s, tc, test_many_senders);
	return s;
}

int main(void)
{
	return check_run_suite(pg_suite());
}
