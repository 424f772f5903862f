/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * knet_probe: one node of a knet ring built by totemsrp/transport_knet.c
 * from a chorus.conf, for test/integration/int_knet.sh.  Per round it
 * broadcasts hellos until every expected peer is heard and reachable (a
 * barrier, so nothing is sent into a link that is not up yet), then
 * broadcasts --send totem-like datagrams and unicasts one to every peer, and
 * checks what arrived: --expect broadcasts and one unicast from each
 * expected peer, its own broadcasts over the loopback link, and nothing at
 * all from peers not in --from.  Every wait is bounded by --timeout.
 * Exit 0 when every check passed, 1 otherwise, 2 on usage/setup errors.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "exec/knet_config.h"
#include "services/config/conf.h"
#include "totemsrp/transport_knet.h"

#define PROBE_MAGIC 0xC070
#define PROBE_VERSION 3
#define PROBE_HDR 13
#define PROBE_MAX_SEQ 1024
#define PROBE_MAX_ROUNDS 4
#define PROBE_HELLO_MS 200

enum probe_type { PT_HELLO = 0x10, PT_BCAST = 0x11, PT_UCAST = 0x12 };

struct probe_peer {
	uint32_t nodeid;
	bool expected;          /* in --from (or every peer when --from is absent) */
	bool self;
	unsigned heard_round;   /* highest round of a hello/data heard */
	bool ready[PROBE_MAX_ROUNDS + 1];
	bool ucast[PROBE_MAX_ROUNDS + 1];
	unsigned bcast_n[PROBE_MAX_ROUNDS + 1];
	bool bcast[PROBE_MAX_ROUNDS + 1][PROBE_MAX_SEQ];
	unsigned unexpected;    /* datagrams that must not have arrived */
};

struct probe {
	struct tknet *tk;
	const struct totem_config *tc;
	struct probe_peer *peers;
	size_t npeers;
	unsigned send, expect, rounds, timeout_ms, linger_ms;
	const char *go_file;
	bool verbose;
	unsigned bad;           /* malformed or misrouted datagrams */
	uint64_t next_hello;
	unsigned char *rxbuf;   /* 65536 bytes */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void probe_log(void *ctx, int prio, const char *subsys, const char *msg)
{
	const struct probe *p = ctx;

	if (prio <= LOG_NOTICE || (p && p->verbose))
		fprintf(stderr, "[%-6s] %s\n", subsys, msg);
}

static struct probe_peer *peer_find(struct probe *p, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < p->npeers; i++)
		if (p->peers[i].nodeid == nodeid)
			return &p->peers[i];
	return NULL;
}

static int probe_send(struct probe *p, uint32_t to, enum probe_type type, const char *text)
{
	unsigned char buf[256];
	uint16_t magic = PROBE_MAGIC;
	uint32_t me = p->tc->local_nodeid, zero = 0;
	size_t n = strlen(text);
	int r;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &magic, 2);
	buf[2] = PROBE_VERSION;
	buf[3] = (unsigned char)type;
	memcpy(buf + 5, &me, 4);
	memcpy(buf + 9, &zero, 4);      /* tknet_send stamps the target */
	memcpy(buf + PROBE_HDR, text, n);
	r = tknet_send(p->tk, to, buf, PROBE_HDR + n);
	if (r < 0 && p->verbose)
		fprintf(stderr, "probe: send to %u: %s\n", to, strerror(-r));
	return r;
}

/* Expected peers are reachable from here and heard in round r. */
static bool round_heard_all(struct probe *p, unsigned r)
{
	size_t i;

	for (i = 0; i < p->npeers; i++) {
		struct probe_peer *pe = &p->peers[i];
		bool up = false;
		unsigned l;

		if (!pe->expected || pe->self)
			continue;
		if (pe->heard_round < r)
			return false;
		for (l = 0; l < CONF_LINKS_MAX && !up; l++) {
			struct tknet_link_status st;

			if (tknet_link_status(p->tk, pe->nodeid, l, &st) == 0 && st.connected)
				up = true;
		}
		if (!up)
			return false;
	}
	return true;
}

static bool round_ready_all(const struct probe *p, unsigned r)
{
	size_t i;

	for (i = 0; i < p->npeers; i++)
		if (p->peers[i].expected && !p->peers[i].self && !p->peers[i].ready[r])
			return false;
	return true;
}

static bool round_complete(const struct probe *p, unsigned r)
{
	size_t i;

	for (i = 0; i < p->npeers; i++) {
		const struct probe_peer *pe = &p->peers[i];

		if (pe->self && pe->bcast_n[r] < p->send)
			return false;
		if (pe->expected && !pe->self && (pe->bcast_n[r] < p->expect || !pe->ucast[r]))
			return false;
	}
	return true;
}

static void handle_datagram(struct probe *p, const unsigned char *buf, size_t len)
{
	uint16_t magic;
	uint32_t from, target;
	unsigned node, round, val, me = p->tc->local_nodeid;
	struct probe_peer *pe;
	char text[256];
	int all;

	if (len < PROBE_HDR || len - PROBE_HDR >= sizeof(text)) {
		p->bad++;
		return;
	}
	memcpy(&magic, buf, 2);
	memcpy(&from, buf + 5, 4);
	memcpy(&target, buf + 9, 4);
	memcpy(text, buf + PROBE_HDR, len - PROBE_HDR);
	text[len - PROBE_HDR] = '\0';
	pe = peer_find(p, from);
	if (magic != PROBE_MAGIC || buf[2] != PROBE_VERSION || !pe) {
		p->bad++;
		return;
	}
	if (!pe->expected && !pe->self) {
		pe->unexpected++;
		fprintf(stderr, "probe: UNEXPECTED datagram from %u: %s\n", from, text);
		return;
	}
	switch (buf[3]) {
	case PT_HELLO:
		if (target != 0 || sscanf(text, "hello node=%u round=%u all=%d", &node, &round,
					  &all) != 3 || node != from || round > PROBE_MAX_ROUNDS)
			break;
		if (round > pe->heard_round)
			pe->heard_round = round;
		if (all)
			pe->ready[round] = true;
		return;
	case PT_BCAST:
		if (target != 0 || sscanf(text, "bcast node=%u round=%u seq=%u", &node, &round,
					  &val) != 3 || node != from || round == 0 ||
		    round > PROBE_MAX_ROUNDS || val >= PROBE_MAX_SEQ)
			break;
		if (round > pe->heard_round)
			pe->heard_round = round;
		pe->ready[round] = true;        /* data implies the sender was ready */
		if (!pe->bcast[round][val]) {
			pe->bcast[round][val] = true;
			pe->bcast_n[round]++;
		}
		return;
	case PT_UCAST:
		if (target != me || sscanf(text, "ucast node=%u round=%u to=%u", &node, &round,
					   &val) != 3 || node != from || val != me || round == 0 ||
		    round > PROBE_MAX_ROUNDS)
			break;
		if (round > pe->heard_round)
			pe->heard_round = round;
		pe->ready[round] = true;
		pe->ucast[round] = true;
		return;
	default:
		break;
	}
	p->bad++;
	fprintf(stderr, "probe: malformed or misrouted datagram from %u (target %u): %s\n", from,
		target, text);
}

/* Receive and log for up to wait_ms; sends periodic hellos for round r. */
static int pump(struct probe *p, unsigned r, bool all, unsigned wait_ms)
{
	struct pollfd pfd[2];
	uint64_t now = now_ms();
	int n;

	if (now >= p->next_hello) {
		char text[64];

		snprintf(text, sizeof(text), "hello node=%u round=%u all=%d", p->tc->local_nodeid,
			 r, all ? 1 : 0);
		probe_send(p, 0, PT_HELLO, text);
		p->next_hello = now + PROBE_HELLO_MS;
	}
	if (wait_ms > p->next_hello - now)
		wait_ms = (unsigned)(p->next_hello - now);
	pfd[0].fd = tknet_data_fd(p->tk);
	pfd[0].events = POLLIN;
	pfd[1].fd = tknet_log_fd(p->tk);
	pfd[1].events = POLLIN;
	n = poll(pfd, 2, (int)wait_ms);
	if (n < 0 && errno != EINTR)
		return -errno;
	if (n > 0 && (pfd[1].revents & POLLIN))
		tknet_log_drain(p->tk);
	if (n > 0 && (pfd[0].revents & POLLIN)) {
		for (;;) {
			ssize_t len = tknet_recv(p->tk, p->rxbuf, 65536);

			if (len == -EAGAIN)
				break;
			if (len < 0) {
				p->bad++;
				continue;
			}
			handle_datagram(p, p->rxbuf, (size_t)len);
		}
	}
	return 0;
}

static int run_round(struct probe *p, unsigned r, uint64_t deadline)
{
	unsigned i;
	size_t k;
	bool sent = false;

	p->next_hello = 0;
	while (now_ms() < deadline) {
		bool all = round_heard_all(p, r);

		if (all && !sent && round_ready_all(p, r)) {
			char text[96];

			for (i = 0; i < p->send; i++) {
				snprintf(text, sizeof(text), "bcast node=%u round=%u seq=%u",
					 p->tc->local_nodeid, r, i);
				probe_send(p, 0, PT_BCAST, text);
			}
			for (k = 0; k < p->npeers; k++) {
				if (p->peers[k].self)
					continue;
				snprintf(text, sizeof(text), "ucast node=%u round=%u to=%u",
					 p->tc->local_nodeid, r, p->peers[k].nodeid);
				probe_send(p, p->peers[k].nodeid, PT_UCAST, text);
			}
			sent = true;
		}
		if (sent && round_complete(p, r))
			return 0;
		if (pump(p, r, all, 50) < 0)
			return -EIO;
	}
	return -ETIMEDOUT;
}

static void report(struct probe *p)
{
	size_t i;
	unsigned r, l;

	for (i = 0; i < p->npeers; i++) {
		struct probe_peer *pe = &p->peers[i];

		for (r = 1; r <= p->rounds; r++)
			printf("node %u round %u: from %u%s: bcast %u ucast %d unexpected %u\n",
			       p->tc->local_nodeid, r, pe->nodeid,
			       pe->self ? " (self)" : pe->expected ? "" : " (not expected)",
			       pe->bcast_n[r], pe->ucast[r] ? 1 : 0, pe->unexpected);
		for (l = 0; l < CONF_LINKS_MAX; l++) {
			struct tknet_link_status st;

			if (tknet_link_status(p->tk, pe->nodeid, l, &st) < 0 || !st.enabled)
				continue;
			printf("node %u link to %u/%u: connected %d up %u down %u tx %llu rx %llu "
			       "src %s dst %s\n",
			       p->tc->local_nodeid, pe->nodeid, l, st.connected ? 1 : 0, st.up_count,
			       st.down_count, (unsigned long long)st.tx_data_packets,
			       (unsigned long long)st.rx_data_packets, st.src_addr, st.dst_addr);
		}
	}
	fflush(stdout);
}

static int wait_file(struct probe *p, const char *path, uint64_t deadline)
{
	/* Keep receiving; hellos for the next round are not sent yet. */
	p->next_hello = UINT64_MAX;
	while (access(path, F_OK) != 0) {
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		if (pump(p, 0, false, 50) < 0)
			return -EIO;
	}
	return 0;
}

static int parse_from(struct probe *p, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;
	size_t i;

	if (!copy)
		return -ENOMEM;
	for (i = 0; i < p->npeers; i++)
		p->peers[i].expected = false;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long id = strtoul(tok, NULL, 10);
		struct probe_peer *pe = peer_find(p, (uint32_t)id);

		if (strcmp(tok, "none") == 0)
			continue;
		if (!pe) {
			free(copy);
			return -EINVAL;
		}
		pe->expected = true;
	}
	free(copy);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: knet_probe --config FILE --hostname NAME [--addr A]... --send N "
		"--expect M\n"
		"       [--from ID,ID|none] [--rounds R --go-file F] [--linger MS] "
		"[--timeout MS] [-v]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "addr", required_argument, NULL, 'a' },
		{ "send", required_argument, NULL, 's' },
		{ "expect", required_argument, NULL, 'e' },
		{ "from", required_argument, NULL, 'f' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "go-file", required_argument, NULL, 'g' },
		{ "linger", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *from = NULL, *addrs[8];
	struct conf_host host = { .hostname = NULL, .addrs = addrs, .n_addrs = 0 };
	struct totem_config tc;
	struct conf_error err;
	struct conf_src *src = NULL;
	struct icmap *map;
	struct probe p;
	struct tknet_env env;
	char why[512];
	uint64_t deadline, t_create;
	unsigned r, me;
	size_t i;
	int c, rc = 0, ret;

	memset(&p, 0, sizeof(p));
	p.send = 5;
	p.expect = 5;
	p.rounds = 1;
	p.timeout_ms = 20000;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'H': host.hostname = optarg; break;
		case 'a':
			if (host.n_addrs == 8) {
				usage();
				return 2;
			}
			addrs[host.n_addrs++] = optarg;
			break;
		case 's': p.send = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'e': p.expect = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'f': from = optarg; break;
		case 'r': p.rounds = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'g': p.go_file = optarg; break;
		case 'l': p.linger_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': p.timeout_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'v': p.verbose = true; break;
		default: usage(); return 2;
		}
	}
	if (!config || p.send > PROBE_MAX_SEQ || p.expect > PROBE_MAX_SEQ || p.rounds == 0 ||
	    p.rounds > PROBE_MAX_ROUNDS || (p.rounds > 1 && !p.go_file)) {
		usage();
		return 2;
	}
	memset(&err, 0, sizeof(err));
	memset(&tc, 0, sizeof(tc));
	map = icmap_new();
	if (!map)
		return 2;
	if (conf_parse_file(map, config, &src, &err) < 0 ||
	    conf_totem_validate(map, src, &host, &tc, &err) < 0) {
		fprintf(stderr, "knet_probe: %s\n", err.msg);
		conf_src_free(src);
		icmap_free(map);
		return 2;
	}
	conf_src_free(src);
	icmap_free(map);
	p.tc = &tc;
	p.npeers = tc.node_count;
	me = tc.local_nodeid;
	p.peers = calloc(tc.node_count, sizeof(*p.peers));
	p.rxbuf = malloc(65536);
	if (!p.peers || !p.rxbuf)
		return 2;
	for (i = 0; i < tc.node_count; i++) {
		p.peers[i].nodeid = tc.nodes[i].nodeid;
		p.peers[i].self = tc.nodes[i].nodeid == tc.local_nodeid;
		p.peers[i].expected = !p.peers[i].self;
	}
	if (from && parse_from(&p, from) < 0) {
		fprintf(stderr, "knet_probe: --from names a node not in the nodelist\n");
		return 2;
	}
	for (i = 0; i < p.npeers; i++)
		if (p.peers[i].self)
			p.peers[i].expected = false;
	memset(&env, 0, sizeof(env));
	env.log = probe_log;
	env.ctx = &p;
	env.debug = p.verbose;
	t_create = now_ms();
	{
		struct tknet_config *kc = malloc(sizeof(*kc));
		struct tknet_node *kn = NULL;

		ret = kc ? knet_config_from_totem(&tc, kc, &kn) : -ENOMEM;
		if (ret == 0)
			ret = tknet_create(kc, &env, &p.tk, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "knet configuration: %s", strerror(-ret));
		free(kc);
		free(kn);
	}
	t_create = now_ms() - t_create;
	if (ret < 0) {
		fprintf(stderr, "knet_probe: tknet_create: %s (%s)\n", why, strerror(-ret));
		free(p.peers);
		conf_totem_config_clear(&tc);
		return 2;
	}
	printf("node %u: knet up in %llu ms, mtu %zu\n", tc.local_nodeid,
	       (unsigned long long)t_create, tknet_mtu(p.tk));
	fflush(stdout);
	deadline = now_ms() + p.timeout_ms;
	{
		/* The engine's start trigger, polled as the engine would. */
		uint64_t t0 = now_ms();

		while (!tknet_links_ready(p.tk) && now_ms() < deadline)
			if (pump(&p, 1, false, 50) < 0)
				break;
		printf("node %u: links ready %d after %llu ms\n", me, tknet_links_ready(p.tk),
		       (unsigned long long)(now_ms() - t0));
		fflush(stdout);
	}
	for (r = 1; r <= p.rounds && rc == 0; r++) {
		if (r > 1) {
			char path[4096];

			snprintf(path, sizeof(path), "%s.%u", p.go_file, r);
			if (wait_file(&p, path, deadline) < 0) {
				fprintf(stderr, "knet_probe: timed out waiting for %s\n", path);
				rc = 1;
				break;
			}
		}
		ret = run_round(&p, r, deadline);
		if (ret < 0) {
			fprintf(stderr, "knet_probe: node %u round %u: %s\n", tc.local_nodeid, r,
				strerror(-ret));
			rc = 1;
		} else {
			printf("node %u: round %u complete\n", tc.local_nodeid, r);
			fflush(stdout);
		}
	}
	if (rc == 0 && p.linger_ms) {
		/* Keep serving, and watch for traffic that must not arrive. */
		uint64_t end = now_ms() + p.linger_ms;

		while (now_ms() < end)
			if (pump(&p, p.rounds, true, 50) < 0)
				break;
	}
	for (i = 0; i < p.npeers; i++)
		if (p.peers[i].unexpected)
			rc = 1;
	if (p.bad) {
		fprintf(stderr, "knet_probe: %u malformed/misrouted datagrams\n", p.bad);
		rc = 1;
	}
	report(&p);
	tknet_destroy(p.tk);
	free(p.peers);
	conf_totem_config_clear(&tc);
	free(p.rxbuf);
	printf("node %u: %s\n", me, rc ? "FAILED" : "OK");
	return rc;
}
