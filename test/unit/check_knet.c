/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of totemsrp/transport_knet.c on a single-node ring: the local
 * node's loopback link only, so no UDP socket is opened and no namespace is
 * needed.  Covers the datagram path (target_nodeid stamping, the caller's
 * buffer left alone, size and destination checks, truncated reads), log
 * forwarding, link status, crypto and compression set-up and the rejection
 * of bad configurations.  Multi-node behaviour is test/integration/int_knet.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <syslog.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test/check_common.h"
#include "totemsrp/transport_knet.h"

struct log_seen {
	unsigned lines;
	bool all_knet;
	char last_err[512];
};

static void log_cb(void *ctx, int prio, const char *subsys, const char *msg)
{
	struct log_seen *ls = ctx;

	if (prio <= LOG_ERR)
		snprintf(ls->last_err, sizeof(ls->last_err), "%s", msg);
	ls->lines++;
	if (strcmp(subsys, "KNET") != 0 || !msg[0])
		ls->all_knet = false;
}

/* A one-node knet configuration with corosync's defaults (corosync v3.1.7 exec/totemconfig.c). */
static void tc_fill(struct tknet_config *tc, struct tknet_node *node)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&node->addr[0];

	memset(tc, 0, sizeof(*tc));
	memset(node, 0, sizeof(*node));
	node->nodeid = 1;
	node->has_addr[0] = true;
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tc->link_mode = TKNET_LINK_PASSIVE;
	tc->netmtu = 65536;
	tc->start_grace_ms = 3000;
	tc->block_unlisted_ips = true;
	tc->pmtud_interval = 30;
	strcpy(tc->compression_model, "none");
	strcpy(tc->crypto_model, "nss");
	strcpy(tc->crypto_cipher, "none");
	strcpy(tc->crypto_hash, "none");
	tc->links[0].port = 5405;
	tc->links[0].priority = 1;
	tc->links[0].ping_interval = 750;
	tc->links[0].ping_timeout = 1500;
	tc->links[0].ping_precision = 2048;
	tc->links[0].pong_count = 2;
	tc->nodes = node;
	tc->node_count = 1;
	tc->local_nodeid = 1;
}

static struct tknet *open_tk(const struct tknet_config *tc, struct log_seen *ls)
{
	struct tknet_env env = { .log = log_cb, .ctx = ls, .allow_unprivileged = true };
	struct tknet *tk = NULL;
	char why[256];
	int r;

	ls->lines = 0;
	ls->all_knet = true;
	ls->last_err[0] = '\0';
	r = tknet_create(tc, &env, &tk, why, sizeof(why));
	ck_assert_msg(r == 0, "tknet_create: %d %s", r, why);
	ck_assert_ptr_nonnull(tk);
	return tk;
}

/* Wait (bounded) for one datagram. */
static ssize_t recv_one(struct tknet *tk, void *buf, size_t len)
{
	struct pollfd pfd = { .fd = tknet_data_fd(tk), .events = POLLIN };

	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	return tknet_recv(tk, buf, len);
}

static void make_msg(unsigned char *buf, size_t len, uint32_t stale_target)
{
	uint16_t magic = 0xC070;
	uint32_t from = 1;
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)i;
	memcpy(buf, &magic, 2);
	buf[2] = 3;
	memcpy(buf + 5, &from, 4);
	memcpy(buf + 9, &stale_target, 4);
}

START_TEST(test_loopback_datapath)
{
	struct tknet_config tc;
	struct tknet_node node;
	struct log_seen ls;
	struct tknet *tk;
	unsigned char msg[300], copy[300], in[1024];
	uint32_t target;
	ssize_t n;

	tc_fill(&tc, &node);
	tk = open_tk(&tc, &ls);
	ck_assert_uint_gt(ls.lines, 0);
	ck_assert(ls.all_knet);
	ck_assert_int_ge(tknet_data_fd(tk), 0);
	ck_assert_int_ge(tknet_log_fd(tk), 0);
	ck_assert_uint_eq(tknet_mtu(tk), 65536);
	/* No peer: ready at the first check. */
	ck_assert(tknet_links_ready(tk));

	/* Nothing waiting yet. */
	ck_assert_int_eq(tknet_recv(tk, in, sizeof(in)), -EAGAIN);

	/* Broadcast: comes back over loopback with target 0; msg untouched. */
	make_msg(msg, sizeof(msg), 0xdeadbeef);
	memcpy(copy, msg, sizeof(msg));
	ck_assert_int_eq(tknet_send(tk, 0, msg, sizeof(msg)), 0);
	ck_assert_mem_eq(msg, copy, sizeof(msg));
	n = recv_one(tk, in, sizeof(in));
	ck_assert_int_eq(n, (ssize_t)sizeof(msg));
	memcpy(&target, in + 9, 4);
	ck_assert_uint_eq(target, 0);
	ck_assert_mem_eq(in, msg, 9);
	ck_assert_mem_eq(in + 13, msg + 13, sizeof(msg) - 13);

	/* Unicast to self: target stamped with our id. */
	ck_assert_int_eq(tknet_send(tk, 1, msg, 13), 0);
	n = recv_one(tk, in, sizeof(in));
	ck_assert_int_eq(n, 13);
	memcpy(&target, in + 9, 4);
	ck_assert_uint_eq(target, 1);

	/* A datagram longer than the reader's buffer is consumed and reported. */
	ck_assert_int_eq(tknet_send(tk, 0, msg, sizeof(msg)), 0);
	{
		struct pollfd pfd = { .fd = tknet_data_fd(tk), .events = POLLIN };

		ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	}
	ck_assert_int_eq(tknet_recv(tk, in, 20), -EMSGSIZE);
	ck_assert_int_eq(tknet_recv(tk, in, sizeof(in)), -EAGAIN);

	/* Link status of the loopback link. */
	{
		struct tknet_link_status st;

		ck_assert_int_eq(tknet_link_status(tk, 1, 0, &st), 0);
		ck_assert(st.enabled);
		ck_assert(st.connected);
		ck_assert_int_eq(tknet_link_status(tk, 1, 8, &st), -EINVAL);
		ck_assert_int_eq(tknet_link_status(tk, 0, 0, &st), -EINVAL);
		ck_assert_int_eq(tknet_link_status(tk, 70000, 0, &st), -EINVAL);
		ck_assert_int_eq(tknet_link_status(tk, 1, 0, NULL), -EINVAL);
		ck_assert_int_eq(tknet_link_status(tk, 1, 1, &st), -ENOENT);
		ck_assert_int_eq(tknet_link_status(tk, 2, 0, &st), -ENOENT);
	}
	tknet_destroy(tk);
}
END_TEST

START_TEST(test_send_rejects)
{
	struct tknet_config tc;
	struct tknet_node node;
	struct log_seen ls;
	struct tknet *tk;
	unsigned char *big = malloc(65537);
	unsigned char in[64];

	ck_assert_ptr_nonnull(big);
	tc_fill(&tc, &node);
	tk = open_tk(&tc, &ls);
	make_msg(big, 65537, 0);
	ck_assert_int_eq(tknet_send(tk, 0, big, 12), -EINVAL);
	ck_assert_int_eq(tknet_send(tk, 0, big, 0), -EINVAL);
	ck_assert_int_eq(tknet_send(tk, 0, NULL, 100), -EINVAL);
	ck_assert_int_eq(tknet_send(NULL, 0, big, 100), -EINVAL);
	ck_assert_int_eq(tknet_send(tk, 0, big, 65537), -EMSGSIZE);
	ck_assert_int_eq(tknet_send(tk, 7, big, 100), -EHOSTUNREACH);
	ck_assert_int_eq(tknet_send(tk, 65537, big, 100), -EHOSTUNREACH);
	/* The largest datagram goes through. */
	ck_assert_int_eq(tknet_send(tk, 0, big, 65536), 0);
	ck_assert_int_eq(tknet_recv(tk, NULL, 10), -EINVAL);
	ck_assert_int_eq(tknet_recv(tk, in, 0), -EINVAL);
	ck_assert_int_eq(tknet_recv(NULL, in, sizeof(in)), -EINVAL);
	tknet_destroy(tk);
	tknet_destroy(NULL);
	tknet_log_drain(NULL);
	ck_assert(!tknet_links_ready(NULL));
	ck_assert_int_eq(tknet_data_fd(NULL), -1);
	free(big);
}
END_TEST

START_TEST(test_crypto_and_compression)
{
	struct tknet_config tc;
	struct tknet_node node;
	struct log_seen ls;
	struct tknet *tk;
	unsigned char msg[200], in[256];
	size_t i;

	tc_fill(&tc, &node);
	strcpy(tc.crypto_cipher, "aes256");
	strcpy(tc.crypto_hash, "sha256");
	for (i = 0; i < 128; i++)
		tc.key[i] = (uint8_t)(i * 7 + 1);
	tc.key_len = 128;
	strcpy(tc.compression_model, "zlib");
	tc.compression_level = 6;
	tk = open_tk(&tc, &ls);
	make_msg(msg, sizeof(msg), 0);
	ck_assert_int_eq(tknet_send(tk, 0, msg, sizeof(msg)), 0);
	ck_assert_int_eq(recv_one(tk, in, sizeof(in)), (ssize_t)sizeof(msg));
	tknet_destroy(tk);
}
END_TEST

/* Two nodes on 127.0.0.1 and 127.0.0.2 over UDP, as node local_id; fast pings. */
static void tc_fill_pair(struct tknet_config *tc, struct tknet_node nodes[2], uint32_t local_id,
			 uint16_t port)
{
	unsigned i;

	tc_fill(tc, &nodes[0]);
	nodes[1] = nodes[0];
	for (i = 0; i < 2; i++) {
		struct sockaddr_in *in = (struct sockaddr_in *)&nodes[i].addr[0];

		nodes[i].nodeid = i + 1;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK + i);
	}
	tc->nodes = nodes;
	tc->node_count = 2;
	tc->local_nodeid = local_id;
	tc->links[0].port = port;
	tc->links[0].ping_interval = 100;
	tc->links[0].ping_timeout = 2000;
	tc->links[0].pong_count = 1;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The receiver's queue full: knet's write of a received datagram into the
 * data channel fails with EAGAIN (that datagram is lost) and knet reports it
 * through the socket callback.  The channel must survive it: after draining,
 * datagrams flow again.  (The loopback link writes directly and never calls
 * the callback, hence two nodes over UDP on 127.0.0.x.)
 */
/* Bounded: until both links of the pair are connected. */
static void pair_wait_up(struct tknet *a, struct tknet *b)
{
	uint64_t deadline = mono_ms() + 15000;

	for (;;) {
		struct tknet_link_status sa, sb;
		struct pollfd pfd[2] = { { .fd = tknet_log_fd(a), .events = POLLIN },
					 { .fd = tknet_log_fd(b), .events = POLLIN } };

		if (tknet_link_status(a, 2, 0, &sa) == 0 && sa.connected &&
		    tknet_link_status(b, 1, 0, &sb) == 0 && sb.connected)
			return;
		ck_assert_msg(mono_ms() < deadline, "knet links did not come up");
		(void)poll(pfd, 2, 100);
		tknet_log_drain(a);
		tknet_log_drain(b);
	}
}

START_TEST(test_rx_queue_full_keeps_channel)
{
	struct tknet_config tc1, tc2;
	struct tknet_node n1[2], n2[2];
	struct log_seen ls1, ls2;
	struct tknet *a, *b;
	static unsigned char msg[60000], in[65536];
	uint16_t port = (uint16_t)(20000 + getpid() % 20000);
	unsigned sent = 0, i;
	ssize_t n;
	int r;

	tc_fill_pair(&tc1, n1, 1, port);
	tc_fill_pair(&tc2, n2, 2, port);
	a = open_tk(&tc1, &ls1);
	b = open_tk(&tc2, &ls2);
	/* Both links up (bounded: knet pings every 100 ms). */
	pair_wait_up(a, b);
	make_msg(msg, sizeof(msg), 0);
	/*
	 * b does not read until knet reports its queue full (the socket pair
	 * holds a few MiB; some of the flood may also be lost in UDP before).
	 */
	for (;;) {
		struct tknet_stats st;

		if (sent % 100 == 0) {
			tknet_get_stats(b, &st);
			if (st.rx_full > 0)
				break;
			ck_assert_msg(sent < 100000, "knet never reported a full queue");
		}
		r = tknet_send(a, 2, msg, sizeof(msg));
		if (r == -EAGAIN) {
			struct pollfd pfd = { .fd = tknet_data_fd(a), .events = POLLOUT };

			ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
			continue;
		}
		ck_assert_int_eq(r, 0);
		sent++;
	}
	/*
	 * b drains what it got; then small datagrams still arrive, many times
	 * over (late big ones from the flood may come first: skipped).
	 */
	n = recv_one(b, in, sizeof(in));
	ck_assert_int_eq(n, (ssize_t)sizeof(msg));
	for (i = 0; i < 20; i++) {
		unsigned tries = 0;

		msg[20] = (unsigned char)(i + 1);
		ck_assert_int_eq(tknet_send(a, 2, msg, 100), 0);
		for (;;) {
			struct pollfd pfd = { .fd = tknet_data_fd(b), .events = POLLIN };

			if (poll(&pfd, 1, 500) == 0) {
				/* lost (UDP, or b's queue still full when it came):
				 * datagrams may be, totem retransmits; send again */
				ck_assert_uint_lt(++tries, 20);
				ck_assert_int_eq(tknet_send(a, 2, msg, 100), 0);
				continue;
			}
			n = tknet_recv(b, in, sizeof(in));
			if (n == -EAGAIN)
				continue;
			ck_assert_int_gt(n, 0);
			if (n == 100 && in[20] == i + 1)
				break;
		}
	}
	/* It happened (so the test proved something), and was only counted. */
	{
		struct tknet_stats st;

		tknet_get_stats(b, &st);
		ck_assert_uint_gt(st.rx_full, 0);
		ck_assert_uint_eq(st.datafd_removed, 0);
	}
	tknet_destroy(a);
	tknet_destroy(b);
}
END_TEST

/*
 * from sends a tagged datagram to node to_id until `to` reads it: true, or
 * false after `tries` sends 200 ms apart (UDP may lose one; knet may not
 * have seen the link up yet).
 */
static bool pair_delivers(struct tknet *from, uint32_t to_id, struct tknet *to, unsigned char tag,
			  unsigned tries)
{
	unsigned char msg[100], in[256];
	unsigned i;

	make_msg(msg, sizeof(msg), 0);
	msg[20] = tag;
	for (i = 0; i < tries; i++) {
		uint64_t until = mono_ms() + 200;

		(void)tknet_send(from, to_id, msg, sizeof(msg));
		while (mono_ms() < until) {
			struct pollfd pfd = { .fd = tknet_data_fd(to), .events = POLLIN };
			ssize_t n;

			if (poll(&pfd, 1, 50) <= 0)
				continue;
			while ((n = tknet_recv(to, in, sizeof(in))) > 0)
				if (n == (ssize_t)sizeof(msg) && in[20] == tag)
					return true;
		}
		tknet_log_drain(from);
		tknet_log_drain(to);
	}
	return false;
}

static void crypto_set(struct tknet_config *tc, const char *cipher, const char *hash, uint8_t seed)
{
	size_t i;

	strcpy(tc->crypto_cipher, cipher);
	strcpy(tc->crypto_hash, hash);
	for (i = 0; i < 128; i++)
		tc->key[i] = (uint8_t)(i * 7 + seed);
	tc->key_len = 128;
}

/*
 * Crypto reconfiguration with knet's two slots, in corosync's order
 * (tknet_reconfigure on every node, then ACTIVATE, then CLEANUP): the pair
 * talks at every step, in both directions; afterwards a node that comes
 * back with the old key cannot talk to it, one with the new key can.
 * Then crypto is switched off the same way.
 */
START_TEST(test_crypto_reconfigure)
{
	struct tknet_config tc1, tc2, old2;
	struct tknet_node n1[2], n2[2];
	struct log_seen ls1, ls2;
	struct tknet *a, *b;
	uint16_t port = (uint16_t)(20000 + (getpid() + 7) % 20000);
	unsigned char tag = 0;
	char why[256];
	bool on;

	tc_fill_pair(&tc1, n1, 1, port);
	tc_fill_pair(&tc2, n2, 2, port);
	crypto_set(&tc1, "aes256", "sha256", 1);
	crypto_set(&tc2, "aes256", "sha256", 1);
	old2 = tc2;
	a = open_tk(&tc1, &ls1);
	b = open_tk(&tc2, &ls2);
	ck_assert_int_eq(tknet_crypto_slot(a, &on), 1);
	ck_assert(on);
	pair_wait_up(a, b);
	ck_assert(pair_delivers(a, 2, b, ++tag, 25));
	ck_assert(pair_delivers(b, 1, a, ++tag, 25));

	/* New cipher, hash and key, installed on a: it still sends the old way. */
	crypto_set(&tc1, "aes128", "sha1", 3);
	crypto_set(&tc2, "aes128", "sha1", 3);
	ck_assert_int_eq(tknet_reconfigure(a, &tc1, TKNET_RECONF_RELOAD | TKNET_RECONF_CRYPTO, why,
					   sizeof(why)), 0);
	ck_assert_int_eq(tknet_crypto_slot(a, &on), 2);
	ck_assert(pair_delivers(a, 2, b, ++tag, 25));
	ck_assert(pair_delivers(b, 1, a, ++tag, 25));
	ck_assert_int_eq(tknet_reconfigure(b, &tc2, TKNET_RECONF_RELOAD | TKNET_RECONF_CRYPTO, why,
					   sizeof(why)), 0);
	/* a sends with the new slot, b still with the old one: both decrypt both. */
	ck_assert_int_eq(tknet_crypto_phase(a, TKNET_CRYPTO_ACTIVATE), 0);
	ck_assert(pair_delivers(a, 2, b, ++tag, 25));
	ck_assert(pair_delivers(b, 1, a, ++tag, 25));
	ck_assert_int_eq(tknet_crypto_phase(b, TKNET_CRYPTO_ACTIVATE), 0);
	ck_assert_int_eq(tknet_crypto_phase(a, TKNET_CRYPTO_CLEANUP), 0);
	ck_assert_int_eq(tknet_crypto_phase(b, TKNET_CRYPTO_CLEANUP), 0);
	ck_assert_int_eq(tknet_crypto_phase(b, 0), -EINVAL);
	ck_assert(pair_delivers(a, 2, b, ++tag, 25));
	ck_assert(pair_delivers(b, 1, a, ++tag, 25));

	/* b restarts with the old key: a has cleared it. */
	tknet_destroy(b);
	b = open_tk(&old2, &ls2);
	ck_assert(!pair_delivers(b, 1, a, ++tag, 15));
	/* ... with the new one (in its slot 1; a has it in slot 2): fine. */
	tknet_destroy(b);
	b = open_tk(&tc2, &ls2);
	ck_assert_int_eq(tknet_crypto_slot(b, NULL), 1);
	ck_assert(pair_delivers(b, 1, a, ++tag, 50));
	ck_assert(pair_delivers(a, 2, b, ++tag, 50));

	/* Crypto off, the same way; then a node with crypto cannot talk to a. */
	crypto_set(&tc1, "none", "none", 0);
	crypto_set(&tc2, "none", "none", 0);
	ck_assert_int_eq(tknet_reconfigure(a, &tc1, TKNET_RECONF_RELOAD | TKNET_RECONF_CRYPTO, why,
					   sizeof(why)), 0);
	ck_assert_int_eq(tknet_reconfigure(b, &tc2, TKNET_RECONF_RELOAD | TKNET_RECONF_CRYPTO, why,
					   sizeof(why)), 0);
	/* slots alternate: a is back on slot 1 */
	ck_assert_int_eq(tknet_crypto_slot(a, &on), 1);
	ck_assert(!on);
	ck_assert_int_eq(tknet_crypto_phase(a, TKNET_CRYPTO_ACTIVATE), 0);
	ck_assert(pair_delivers(a, 2, b, ++tag, 25));
	ck_assert(pair_delivers(b, 1, a, ++tag, 25));
	ck_assert_int_eq(tknet_crypto_phase(b, TKNET_CRYPTO_ACTIVATE), 0);
	ck_assert_int_eq(tknet_crypto_phase(a, TKNET_CRYPTO_CLEANUP), 0);
	ck_assert_int_eq(tknet_crypto_phase(b, TKNET_CRYPTO_CLEANUP), 0);
	ck_assert(pair_delivers(a, 2, b, ++tag, 25));
	ck_assert(pair_delivers(b, 1, a, ++tag, 25));
	tknet_destroy(b);
	b = open_tk(&old2, &ls2);
	ck_assert(!pair_delivers(b, 1, a, ++tag, 15));
	tknet_destroy(a);
	tknet_destroy(b);
}
END_TEST

/*
 * Kept links take new priority and ping timers; a pong count out of range
 * is refused and logged, the rest still applied.
 */
START_TEST(test_reconfigure_links)
{
	struct tknet_config tc1, tc2;
	struct tknet_node n1[2], n2[2];
	struct log_seen ls1, ls2;
	struct tknet *a, *b;
	uint16_t port = (uint16_t)(20000 + (getpid() + 13) % 20000);
	char why[256];

	tc_fill_pair(&tc1, n1, 1, port);
	tc_fill_pair(&tc2, n2, 2, port);
	a = open_tk(&tc1, &ls1);
	b = open_tk(&tc2, &ls2);
	pair_wait_up(a, b);
	tc1.links[0].priority = 7;
	tc1.links[0].ping_interval = 200;
	tc1.links[0].ping_timeout = 900;
	tc1.links[0].pong_count = 3;
	strcpy(tc1.compression_model, "zlib");
	tc1.compression_level = 5;
	ck_assert_int_eq(tknet_reconfigure(a, &tc1, TKNET_RECONF_RELOAD, why, sizeof(why)), 0);
	ck_assert(pair_delivers(a, 2, b, 1, 25));
	tc1.links[0].pong_count = 256;
	ck_assert_int_eq(tknet_reconfigure(a, &tc1, 0, why, sizeof(why)), -EIO);
	ck_assert_msg(strstr(why, "knet_pong_count 256") != NULL, "%s", why);
	ck_assert(pair_delivers(a, 2, b, 2, 25));
	ck_assert_int_eq(tknet_reconfigure(NULL, &tc1, 0, why, sizeof(why)), -EINVAL);
	tknet_destroy(a);
	tknet_destroy(b);
}
END_TEST

/*
 * A real channel failure (here an empty record, knet's "EOF"): the channel
 * is removed, counted and logged, and the data path reports -EPIPE instead
 * of touching the fd knet closed.
 */
START_TEST(test_channel_removed)
{
	struct tknet_config tc;
	struct tknet_node node;
	struct log_seen ls;
	struct tknet *tk;
	struct tknet_stats st;
	unsigned char msg[100], in[256];
	uint64_t deadline;

	tc_fill(&tc, &node);
	tk = open_tk(&tc, &ls);
	make_msg(msg, sizeof(msg), 0);
	ck_assert_int_eq(tknet_send(tk, 0, msg, sizeof(msg)), 0);
	ck_assert_int_eq(recv_one(tk, in, sizeof(in)), (ssize_t)sizeof(msg));
	tknet_get_stats(tk, &st);
	ck_assert_uint_eq(st.datafd_removed, 0);
	ck_assert_int_eq(send(tknet_data_fd(tk), msg, 0, MSG_DONTWAIT), 0);
	/* The callback's log line is the signal that it ran. */
	deadline = mono_ms() + 10000;
	while (!strstr(ls.last_err, "removing it from knet")) {
		struct pollfd pfd = { .fd = tknet_log_fd(tk), .events = POLLIN };

		ck_assert_msg(mono_ms() < deadline, "no removal logged");
		(void)poll(&pfd, 1, 100);
		tknet_log_drain(tk);
	}
	ck_assert_ptr_nonnull(strstr(ls.last_err, "data channel 0 failed"));
	tknet_get_stats(tk, &st);
	ck_assert_uint_eq(st.datafd_removed, 1);
	ck_assert_uint_eq(st.rx_full, 0);
	ck_assert_int_eq(tknet_recv(tk, in, sizeof(in)), -EPIPE);
	ck_assert_int_eq(tknet_send(tk, 0, msg, sizeof(msg)), -EPIPE);
	/* Our fd is still open (no fd number left dangling): it shows the closed pair. */
	{
		struct pollfd pfd = { .fd = tknet_data_fd(tk), .events = POLLIN };

		ck_assert_int_eq(poll(&pfd, 1, 0), 1);
		ck_assert(!(pfd.revents & POLLNVAL));
	}
	tknet_destroy(tk);
	tknet_get_stats(NULL, &st);
	ck_assert_uint_eq(st.datafd_removed, 0);
}
END_TEST

static int create_fails(const struct tknet_config *tc)
{
	struct tknet_env env = { .allow_unprivileged = true };
	struct tknet *tk = (struct tknet *)&env;  /* must stay untouched */
	char why[256] = "";
	int r = tknet_create(tc, &env, &tk, why, sizeof(why));

	ck_assert_int_lt(r, 0);
	ck_assert_ptr_eq(tk, (struct tknet *)&env);
	ck_assert_msg(why[0] != '\0' || r == -ENOMEM, "no reason given for %d", r);
	return r;
}

START_TEST(test_bad_configs)
{
	struct tknet_config tc;
	struct tknet_node nodes[2];
	struct tknet *tk = NULL;

	tc_fill(&tc, &nodes[0]);
	ck_assert_int_eq(tknet_create(NULL, NULL, &tk, NULL, 0), -EINVAL);
	ck_assert_int_eq(tknet_create(&tc, NULL, NULL, NULL, 0), -EINVAL);

	tc.local_nodeid = 70000;
	ck_assert_int_eq(create_fails(&tc), -EINVAL);

	tc_fill(&tc, &nodes[0]);
	tc.local_nodeid = 2;            /* not in the nodelist */
	ck_assert_int_eq(create_fails(&tc), -EINVAL);

	tc_fill(&tc, &nodes[0]);
	tc.node_count = 0;
	ck_assert_int_eq(create_fails(&tc), -EINVAL);

	tc_fill(&tc, &nodes[0]);
	strcpy(tc.crypto_cipher, "aes256");
	strcpy(tc.crypto_hash, "sha256");
	tc.key_len = 127;               /* below KNET_MIN_KEY_LEN */
	ck_assert_int_eq(create_fails(&tc), -EINVAL);

	tc_fill(&tc, &nodes[0]);
	strcpy(tc.crypto_cipher, "rot13");
	strcpy(tc.crypto_hash, "sha256");
	tc.key_len = 256;
	create_fails(&tc);

	tc_fill(&tc, &nodes[0]);
	strcpy(tc.compression_model, "nonexistent");
	create_fails(&tc);

	tc_fill(&tc, &nodes[0]);
	nodes[1] = nodes[0];            /* duplicate nodeid */
	tc.nodes = nodes;
	tc.node_count = 2;
	ck_assert_int_eq(create_fails(&tc), -EINVAL);

	tc_fill(&tc, &nodes[0]);
	nodes[1] = nodes[0];
	nodes[1].nodeid = 2;
	nodes[1].has_addr[0] = false;   /* a peer without any link address */
	tc.nodes = nodes;
	tc.node_count = 2;
	ck_assert_int_eq(create_fails(&tc), -EINVAL);

	tc_fill(&tc, &nodes[0]);
	tc.pmtud_interval = 0;     /* knet refuses 0 */
	create_fails(&tc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("transport_knet");
	TCase *tc;

	add_tcase(s, tc, test_loopback_datapath);
	add_tcase(s, tc, test_send_rejects);
	add_tcase(s, tc, test_crypto_and_compression);
	add_tcase(s, tc, test_rx_queue_full_keeps_channel);
	add_tcase(s, tc, test_channel_removed);
	add_tcase(s, tc, test_crypto_reconfigure);
	add_tcase(s, tc, test_reconfigure_links);
	add_tcase(s, tc, test_bad_configs);
	return check_run_suite(s);
}
