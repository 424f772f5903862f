/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the simulator's EVS checkers (sim_check.c), with hand-made
 * deliver/confchg streams and no engine: a clean history passes, and each
 * property, violated once, is caught with the right node and time.  Also
 * pins the PRNG's determinism.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "test/check_common.h"
#include "test/sim/sim_check.h"
#include "test/sim/sim_prng.h"

#define L(...) ((const uint32_t[]){ __VA_ARGS__ }), (sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))
#define NONE NULL, 0

static const uint32_t ids3[] = { 1, 2, 3 };

static struct sim_check *new3(void)
{
	struct sim_check *chk = sim_check_new(ids3, 3);

	ck_assert_ptr_nonnull(chk);
	for (uint32_t i = 1; i <= 3; i++) {
		sim_check_node_up(chk, i);
		sim_check_ring_seq_stored(chk, i, 1000);
	}
	return chk;
}

static void conf(struct sim_check *chk, uint32_t node, enum srp_confchg_type type, uint32_t rep,
		 uint64_t seq, const uint32_t *m, size_t mc, const uint32_t *l, size_t lc,
		 const uint32_t *j, size_t jc)
{
	struct srp_confchg c = {
		.type = type, .ring_id = { .rep = rep, .seq = seq },
		.members = m, .members_count = mc, .left = l, .left_count = lc,
		.joined = j, .joined_count = jc,
	};

	sim_check_confchg(chk, node, &c);
}

/* TRANSITIONAL {t} left {l}, then REGULAR {m} joined {j}. */
#define TRANS(chk, node, rep, seq, t, l) \
	conf(chk, node, SRP_CONFCHG_TRANSITIONAL, rep, seq, t, l, NONE)
#define REG(chk, node, rep, seq, m, j) \
	conf(chk, node, SRP_CONFCHG_REGULAR, rep, seq, m, NONE, j)

static void msg_send(struct sim_check *chk, uint32_t node, uint64_t counter)
{
	uint8_t buf[64];
	size_t len = sim_msg_build(buf, sizeof(buf), node, counter, 24 + counter % 40);

	ck_assert_uint_ne(len, 0);
	sim_check_sent(chk, node, buf, len);
}

static void msg_deliver(struct sim_check *chk, uint32_t node, uint32_t sender, uint64_t counter)
{
	uint8_t buf[64];
	size_t len = sim_msg_build(buf, sizeof(buf), sender, counter, 24 + counter % 40);

	sim_check_deliver(chk, node, sender, buf, len);
}

/* All three form ring 1/4 {1,2,3} (first configuration: T = {self}). */
static void form3(struct sim_check *chk)
{
	TRANS(chk, 1, 1, 4, L(1), NONE);
	REG(chk, 1, 1, 4, L(1, 2, 3), L(2, 3));
	TRANS(chk, 2, 1, 4, L(2), NONE);
	REG(chk, 2, 1, 4, L(1, 2, 3), L(1, 3));
	TRANS(chk, 3, 1, 4, L(3), NONE);
	REG(chk, 3, 1, 4, L(1, 2, 3), L(1, 2));
}

static void assert_ok(struct sim_check *chk)
{
	const char *msg = sim_check_failure(chk, NULL, NULL);

	ck_assert_msg(msg == NULL, "unexpected failure: %s", msg ? msg : "");
}

static void assert_fail(struct sim_check *chk, uint32_t node, const char *needle)
{
	uint32_t n = 0;
	uint64_t t = 0;
	const char *msg = sim_check_failure(chk, &n, &t);

	ck_assert_msg(msg != NULL, "violation of '%s' not caught", needle);
	ck_assert_msg(strstr(msg, needle) != NULL, "caught '%s', expected '%s'", msg, needle);
	ck_assert_uint_eq(n, node);
}

/* A clean history: ring of 3, traffic, node 3 partitioned away with a tail,
 * nodes 1,2 move together, node 3 alone, then node 3 crashes and the end
 * checks pass on {1,2}. */
START_TEST(test_clean_history)
{
	struct sim_check *chk = new3();
	struct sim_check_stats st;
	struct srp_ring_id ring;

	form3(chk);
	msg_send(chk, 1, 1);
	msg_send(chk, 2, 1);
	msg_send(chk, 3, 1);
	msg_send(chk, 3, 2);
	for (uint32_t n = 1; n <= 3; n++) {
		msg_deliver(chk, n, 1, 1);
		msg_deliver(chk, n, 2, 1);
	}
	msg_deliver(chk, 3, 3, 1);
	ck_assert(sim_check_converged(chk, ids3, 3, &ring));
	ck_assert_uint_eq(ring.seq, 4);
	/* Split: {1,2} | {3}.  1 and 2 recover 3:1 in their tail, 3 also has 3:2 (gap skipped). */
	TRANS(chk, 1, 1, 8, L(1, 2), L(3));
	msg_deliver(chk, 1, 3, 1);
	REG(chk, 1, 1, 8, L(1, 2), NONE);
	TRANS(chk, 2, 1, 8, L(1, 2), L(3));
	msg_deliver(chk, 2, 3, 1);
	REG(chk, 2, 1, 8, L(1, 2), NONE);
	TRANS(chk, 3, 3, 8, L(3), L(1, 2));
	msg_deliver(chk, 3, 3, 2);
	REG(chk, 3, 3, 8, L(3), NONE);
	ck_assert(!sim_check_converged(chk, ids3, 3, NULL));
	msg_send(chk, 1, 2);
	msg_deliver(chk, 1, 1, 2);
	msg_deliver(chk, 2, 1, 2);
	sim_check_node_down(chk, 3);
	ck_assert(sim_check_converged(chk, L(1, 2), &ring));
	ck_assert_uint_eq(ring.rep, 1);
	ck_assert_uint_eq(ring.seq, 8);
	sim_check_final(chk, L(1, 2));
	assert_ok(chk);
	sim_check_stats_get(chk, &st);
	ck_assert_uint_eq(st.sent, 5);
	ck_assert_uint_eq(st.delivered, 12);
	ck_assert_uint_eq(st.rings, 3);
	sim_check_free(chk);
}
END_TEST

START_TEST(test_restart_clean)
{
	struct sim_check *chk = new3();

	form3(chk);
	sim_check_node_down(chk, 3);
	sim_check_node_up(chk, 3);
	sim_check_ring_seq_stored(chk, 3, 1008);
	TRANS(chk, 3, 3, 1005, L(3), NONE);
	REG(chk, 3, 3, 1005, L(3), NONE);
	assert_ok(chk);
	sim_check_free(chk);
}
END_TEST

/* corosync's first configuration has an empty transitional set; later ones must hold the node. */
START_TEST(test_first_transitional_empty)
{
	struct sim_check *chk = new3();

	conf(chk, 1, SRP_CONFCHG_TRANSITIONAL, 1, 5, NONE, NONE, NONE);
	REG(chk, 1, 1, 5, L(1), L(1));
	assert_ok(chk);
	conf(chk, 1, SRP_CONFCHG_TRANSITIONAL, 1, 9, NONE, L(1), NONE);
	assert_fail(chk, 1, "empty");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_order_regular)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 1, 1);
	msg_send(chk, 2, 1);
	sim_check_set_now(chk, 77);
	msg_deliver(chk, 1, 1, 1);
	msg_deliver(chk, 1, 2, 1);
	msg_deliver(chk, 2, 2, 1);
	{
		uint64_t t;

		assert_fail(chk, 2, "agreed order");
		(void)sim_check_failure(chk, NULL, &t);
		ck_assert_uint_eq(t, 77);
	}
	sim_check_free(chk);
}
END_TEST

START_TEST(test_order_tails)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 3, 1);
	msg_send(chk, 3, 2);
	/* 1 and 3 see the ring break and deliver 3:1 and 3:2 in different orders. */
	TRANS(chk, 1, 1, 8, L(1), L(2, 3));
	msg_deliver(chk, 1, 3, 1);
	msg_deliver(chk, 1, 3, 2);
	REG(chk, 1, 1, 8, L(1), NONE);
	assert_ok(chk);
	TRANS(chk, 3, 3, 8, L(3), L(1, 2));
	msg_deliver(chk, 3, 3, 2);
	msg_deliver(chk, 3, 3, 1);
	REG(chk, 3, 3, 8, L(3), NONE);
	assert_fail(chk, 3, "agreed order");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_order_tail_then_prefix)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 3, 1);
	msg_send(chk, 3, 2);
	TRANS(chk, 1, 1, 8, L(1), L(2, 3));
	msg_deliver(chk, 1, 3, 1);
	msg_deliver(chk, 1, 3, 2);
	REG(chk, 1, 1, 8, L(1), NONE);
	/* 2 is still in ring 1/4 and delivers them gap-free, but reversed. */
	msg_deliver(chk, 2, 3, 2);
	assert_ok(chk);
	msg_deliver(chk, 2, 3, 1);
	assert_fail(chk, 2, "agreed order");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_duplicate)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 1, 1);
	msg_deliver(chk, 2, 1, 1);
	assert_ok(chk);
	msg_deliver(chk, 2, 1, 1);
	assert_fail(chk, 2, "duplicate");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_duplicate_across_rings)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 1, 1);
	msg_deliver(chk, 1, 1, 1);
	TRANS(chk, 2, 1, 8, L(1, 2), L(3));
	REG(chk, 2, 1, 8, L(1, 2), NONE);
	msg_deliver(chk, 2, 1, 1);
	assert_fail(chk, 2, "elsewhere");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_invented)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_deliver(chk, 3, 2, 5);
	assert_fail(chk, 3, "never sent");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_wrong_sender)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 1, 1);
	{
		uint8_t buf[64];
		size_t len = sim_msg_build(buf, sizeof(buf), 1, 1, 25);

		sim_check_deliver(chk, 2, 3, buf, len);
	}
	assert_fail(chk, 2, "as coming from node 3");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_corrupted)
{
	struct sim_check *chk = new3();
	uint8_t buf[64];
	size_t len;

	form3(chk);
	msg_send(chk, 1, 7);
	len = sim_msg_build(buf, sizeof(buf), 1, 7, 24 + 7);
	buf[len - 1] ^= 0x40;
	sim_check_deliver(chk, 2, 1, buf, len);
	assert_fail(chk, 2, "nobody sent");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_refused_delivered)
{
	struct sim_check *chk = new3();
	uint8_t buf[64];
	size_t len;

	form3(chk);
	len = sim_msg_build(buf, sizeof(buf), 1, 3, 30);
	sim_check_sent(chk, 1, buf, len);
	sim_check_refused(chk, 1, buf, len);
	sim_check_deliver(chk, 1, 1, buf, len);
	assert_fail(chk, 1, "refused");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_refused_not_required)
{
	struct sim_check *chk = new3();
	uint8_t buf[64];
	size_t len;

	form3(chk);
	len = sim_msg_build(buf, sizeof(buf), 1, 3, 30);
	sim_check_sent(chk, 1, buf, len);
	sim_check_refused(chk, 1, buf, len);
	sim_check_final(chk, ids3, 3);
	assert_ok(chk);
	sim_check_free(chk);
}
END_TEST

START_TEST(test_self_delivery)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 2, 1);
	msg_send(chk, 2, 2);
	msg_deliver(chk, 1, 2, 1);
	msg_deliver(chk, 2, 2, 1);
	msg_deliver(chk, 3, 2, 1);
	sim_check_final(chk, ids3, 3);
	assert_fail(chk, 2, "self-delivery");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_self_delivery_forgiven_after_crash)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 2, 1);
	sim_check_node_down(chk, 2);
	sim_check_final(chk, L(1, 3));                 /* 2 failed: its message is not required */
	assert_ok(chk);
	sim_check_free(chk);

	chk = new3();
	form3(chk);
	msg_send(chk, 2, 1);
	sim_check_node_down(chk, 2);
	sim_check_node_up(chk, 2);
	sim_check_ring_seq_stored(chk, 2, 1010);
	TRANS(chk, 2, 2, 1009, L(2), NONE);
	REG(chk, 2, 2, 1009, L(2), NONE);
	sim_check_final(chk, L(2));
	assert_ok(chk);
	sim_check_free(chk);
}
END_TEST

START_TEST(test_final_behind)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 1, 1);
	msg_deliver(chk, 1, 1, 1);
	msg_deliver(chk, 2, 1, 1);
	sim_check_final(chk, ids3, 3);
	assert_fail(chk, 3, "final ring");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_same_set)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 3, 1);
	msg_send(chk, 3, 2);
	/* 1 and 2 move together to 1/8 but 1 recovered 3:2 and 2 did not. */
	TRANS(chk, 1, 1, 8, L(1, 2), L(3));
	msg_deliver(chk, 1, 3, 1);
	msg_deliver(chk, 1, 3, 2);
	REG(chk, 1, 1, 8, L(1, 2), NONE);
	TRANS(chk, 2, 1, 8, L(1, 2), L(3));
	msg_deliver(chk, 2, 3, 1);
	REG(chk, 2, 1, 8, L(1, 2), NONE);
	assert_fail(chk, 2, "different sets");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_same_set_prefix)
{
	struct sim_check *chk = new3();

	form3(chk);
	msg_send(chk, 1, 1);
	msg_deliver(chk, 1, 1, 1);
	TRANS(chk, 1, 1, 8, L(1, 2), L(3));
	REG(chk, 1, 1, 8, L(1, 2), NONE);
	TRANS(chk, 2, 1, 8, L(1, 2), L(3));
	REG(chk, 2, 1, 8, L(1, 2), NONE);
	assert_fail(chk, 2, "different sets");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_transitional_sets_differ)
{
	struct sim_check *chk = new3();

	form3(chk);
	TRANS(chk, 1, 1, 8, L(1, 2), L(3));
	REG(chk, 1, 1, 8, L(1, 2, 3), L(3));
	TRANS(chk, 2, 1, 8, L(1, 2, 3), NONE);
	REG(chk, 2, 1, 8, L(1, 2, 3), NONE);
	assert_fail(chk, 2, "transitional sets");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_ring_members_differ)
{
	struct sim_check *chk = new3();

	form3(chk);
	TRANS(chk, 1, 1, 8, L(1), L(2, 3));
	REG(chk, 1, 1, 8, L(1, 2, 3), L(2, 3));
	TRANS(chk, 2, 1, 8, L(2), L(1, 3));
	REG(chk, 2, 1, 8, L(1, 2), L(1));
	assert_fail(chk, 2, "has members");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_regular_without_transitional)
{
	struct sim_check *chk = new3();

	form3(chk);
	REG(chk, 2, 1, 8, L(1, 2, 3), NONE);
	assert_fail(chk, 2, "not preceded");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_regular_other_ring_id)
{
	struct sim_check *chk = new3();

	form3(chk);
	TRANS(chk, 2, 1, 8, L(1, 2, 3), NONE);
	REG(chk, 2, 1, 12, L(1, 2, 3), NONE);
	assert_fail(chk, 2, "not preceded");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_two_transitionals)
{
	struct sim_check *chk = new3();

	form3(chk);
	TRANS(chk, 2, 1, 8, L(1, 2, 3), NONE);
	TRANS(chk, 2, 1, 12, L(1, 2, 3), NONE);
	assert_fail(chk, 2, "two TRANSITIONAL");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_lists)
{
	struct sim_check *chk = new3();

	form3(chk);
	TRANS(chk, 2, 1, 8, L(1, 2), NONE);     /* left must be {3} */
	assert_fail(chk, 2, "left list");
	sim_check_free(chk);

	chk = new3();
	form3(chk);
	TRANS(chk, 2, 1, 8, L(1, 2), L(3));
	REG(chk, 2, 1, 8, L(1, 2), L(1));       /* joined must be empty */
	assert_fail(chk, 2, "joined list");
	sim_check_free(chk);

	chk = new3();
	form3(chk);
	TRANS(chk, 2, 2, 8, L(2), L(1, 3));
	REG(chk, 2, 2, 8, L(1, 2), L(1));       /* rep must be 1 */
	assert_fail(chk, 2, "lowest member");
	sim_check_free(chk);

	chk = new3();
	form3(chk);
	TRANS(chk, 2, 1, 8, L(2, 1), NONE);     /* unsorted */
	assert_fail(chk, 2, "unsorted");
	sim_check_free(chk);

	chk = new3();
	form3(chk);
	TRANS(chk, 2, 1, 8, L(1, 3), L(2));     /* without itself */
	assert_fail(chk, 2, "without the node itself");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_ring_seq)
{
	struct sim_check *chk = new3();

	form3(chk);
	TRANS(chk, 2, 1, 4, L(1, 2, 3), NONE);  /* same seq again */
	assert_fail(chk, 2, "does not move past");
	sim_check_free(chk);

	chk = new3();
	form3(chk);
	TRANS(chk, 2, 1, 2000, L(1, 2, 3), NONE);  /* stored is 1000 */
	assert_fail(chk, 2, "before its seq was persisted");
	sim_check_free(chk);

	/* A restarted node must not go back below a ring it had before its crash. */
	chk = new3();
	form3(chk);
	sim_check_node_down(chk, 3);
	sim_check_node_up(chk, 3);
	TRANS(chk, 3, 3, 3, L(3), NONE);
	assert_fail(chk, 3, "does not move past");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_outside_configuration)
{
	struct sim_check *chk = new3();

	msg_send(chk, 1, 1);
	msg_deliver(chk, 1, 1, 1);
	assert_fail(chk, 1, "outside any configuration");
	sim_check_free(chk);

	chk = new3();
	form3(chk);
	msg_send(chk, 1, 1);
	sim_check_node_down(chk, 2);
	msg_deliver(chk, 2, 1, 1);
	assert_fail(chk, 2, "not running");
	sim_check_free(chk);
}
END_TEST

START_TEST(test_first_failure_kept)
{
	struct sim_check *chk = new3();

	sim_check_set_now(chk, 5);
	sim_check_fail(chk, 2, "first %d", 1);
	sim_check_set_now(chk, 6);
	sim_check_fail(chk, 3, "second");
	assert_fail(chk, 2, "first 1");
	ck_assert(sim_check_failed(chk));
	sim_check_free(chk);
	sim_check_free(NULL);
	ck_assert_ptr_null(sim_check_new(ids3, 0));
}
END_TEST

START_TEST(test_prng)
{
	struct sim_prng a, b;
	uint64_t hist[4] = { 0 }, sum = 0;

	sim_prng_seed(&a, 42);
	sim_prng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(sim_prng_next(&a), sim_prng_next(&b));
	sim_prng_seed(&b, 43);
	ck_assert_uint_ne(sim_prng_next(&a), sim_prng_next(&b));
	for (int i = 0; i < 40000; i++) {
		hist[sim_prng_below(&a, 4)]++;
		sum += sim_prng_exp(&a, 100);
		ck_assert_uint_le(sim_prng_range(&a, 3, 5), 5);
	}
	for (int i = 0; i < 4; i++)
		ck_assert(hist[i] > 9000 && hist[i] < 11000);
	ck_assert_msg(sum / 40000 > 85 && sum / 40000 < 115, "exp mean %llu",
		      (unsigned long long)(sum / 40000));
	ck_assert(!sim_prng_chance(&a, 0));
	ck_assert(sim_prng_chance(&a, SIM_PPM));
	ck_assert_uint_eq(sim_prng_below(&a, 0), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim_checkers");
	TCase *tc;

	add_tcase(s, tc, test_clean_history);
	add_tcase(s, tc, test_restart_clean);
	add_tcase(s, tc, test_first_transitional_empty);
	add_tcase(s, tc, test_order_regular);
	add_tcase(s, tc, test_order_tails);
	add_tcase(s, tc, test_order_tail_then_prefix);
	add_tcase(s, tc, test_duplicate);
	add_tcase(s, tc, test_duplicate_across_rings);
	add_tcase(s, tc, test_invented);
	add_tcase(s, tc, test_wrong_sender);
	add_tcase(s, tc, test_corrupted);
	add_tcase(s, tc, test_refused_delivered);
	add_tcase(s, tc, test_refused_not_required);
	add_tcase(s, tc, test_self_delivery);
	add_tcase(s, tc, test_self_delivery_forgiven_after_crash);
	add_tcase(s, tc, test_final_behind);
	add_tcase(s, tc, test_same_set);
	add_tcase(s, tc, test_same_set_prefix);
	add_tcase(s, tc, test_transitional_sets_differ);
	add_tcase(s, tc, test_ring_members_differ);
	add_tcase(s, tc, test_regular_without_transitional);
	add_tcase(s, tc, test_regular_other_ring_id);
	add_tcase(s, tc, test_two_transitionals);
	add_tcase(s, tc, test_lists);
	add_tcase(s, tc, test_ring_seq);
	add_tcase(s, tc, test_outside_configuration);
	add_tcase(s, tc, test_first_failure_kept);
	add_tcase(s, tc, test_prng);
	return s;
}

int main(void)
{
	return check_run_suite(suite());
}
