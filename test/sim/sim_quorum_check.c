/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The quorum checker (see sim_quorum_check.h).  The expected arithmetic is
 * corosync v3.1.7's (exec/votequorum.c, calculate_quorum and
 * are_we_quorate) for the configurations the simulator draws: N nodes of
 * one vote each, expected votes from the nodelist, no qdevice.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/sim/sim_prng.h"
#include "test/sim/sim_quorum_check.h"

struct ring_entry {
	struct srp_ring_id ring;
	uint32_t first;                     /* the node that reported first */
	bool quorate;
	uint32_t total, expected;
	uint32_t members[SIM_CHECK_NODES_MAX];
	size_t n;
};

struct node_entry {
	uint32_t nodeid;
	bool up, reported;
	struct srp_ring_id ring;            /* its last report */
	bool quorate;
};

struct sim_quorum_check {
	struct sim_check *chk;
	struct sim_quorum_cfg cfg;
	size_t nodes;                       /* N: the nodelist */
	struct ring_entry *rings;
	size_t rings_n, rings_cap;
	struct node_entry node[SIM_CHECK_NODES_MAX];
	struct sim_quorum_stats stats;
};

/* ---- configuration ------------------------------------------------------------ */

void sim_quorum_cfg_from_seed(uint64_t seed, uint32_t nodes, struct sim_quorum_cfg *ret)
{
	struct sim_prng p;

	memset(ret, 0, sizeof(*ret));
	sim_prng_seed(&p, seed ^ 0x71756f72756dull);     /* "quorum" */
	/* draws in a fixed order, each made whatever the earlier ones gave */
	ret->two_node = sim_prng_chance(&p, 700000) && nodes == 2;
	ret->wait_for_all = sim_prng_chance(&p, 250000);
	ret->last_man_standing = sim_prng_chance(&p, 150000);
	ret->lms_window_ms = (uint32_t)sim_prng_range(&p, 500, 5000);
	ret->auto_tie_breaker = sim_prng_chance(&p, 150000) && !ret->two_node;
	ret->config_version = sim_prng_chance(&p, 300000) ? sim_prng_range(&p, 1, 5) : 0;
	if (!ret->last_man_standing)
		ret->lms_window_ms = 0;
	/* votequorum refuses auto_tie_breaker and last_man_standing on an odd
	 * cluster without wait_for_all, and drops auto_tie_breaker alone there */
	if (ret->auto_tie_breaker && (nodes % 2))
		ret->wait_for_all = true;
}

void sim_quorum_cfg_format(const struct sim_quorum_cfg *c, char *buf, size_t cap)
{
	size_t o = 0;

	buf[0] = '\0';
#define ADD(...) do { \
		int k_ = snprintf(buf + o, cap > o ? cap - o : 0, __VA_ARGS__); \
		if (k_ > 0) \
			o += (size_t)k_; \
	} while (0)
	if (c->two_node)
		ADD("%stwo_node", o ? "," : "");
	if (c->wait_for_all)
		ADD("%swait_for_all", o ? "," : "");
	if (c->last_man_standing)
		ADD("%slast_man_standing(window %" PRIu32 " ms)", o ? "," : "", c->lms_window_ms);
	if (c->auto_tie_breaker)
		ADD("%sauto_tie_breaker", o ? "," : "");
	if (!o)
		ADD("default");
	if (c->config_version)
		ADD(", config_version %" PRIu64, c->config_version);
#undef ADD
}

/* ---- the checker --------------------------------------------------------------- */

struct sim_quorum_check *sim_quorum_check_new(struct sim_check *chk,
					      const struct sim_quorum_cfg *cfg, size_t n)
{
	struct sim_quorum_check *qc;

	if (n == 0 || n > SIM_CHECK_NODES_MAX)
		return NULL;
	qc = calloc(1, sizeof(*qc));
	if (!qc)
		return NULL;
	qc->chk = chk;
	qc->cfg = *cfg;
	qc->nodes = n;
	return qc;
}

void sim_quorum_check_free(struct sim_quorum_check *qc)
{
	if (!qc)
		return;
	free(qc->rings);
	free(qc);
}

static struct node_entry *node_get(struct sim_quorum_check *qc, uint32_t nodeid)
{
	for (size_t i = 0; i < SIM_CHECK_NODES_MAX; i++)
		if (qc->node[i].nodeid == nodeid && nodeid != 0)
			return &qc->node[i];
	for (size_t i = 0; i < SIM_CHECK_NODES_MAX; i++)
		if (qc->node[i].nodeid == 0) {
			qc->node[i].nodeid = nodeid;
			return &qc->node[i];
		}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A sorted copy (at most SIM_CHECK_NODES_MAX; more is a failure of its own). */
static size_t sorted(const uint32_t *in, size_t n, uint32_t *out)
{
	if (n > SIM_CHECK_NODES_MAX)
		n = SIM_CHECK_NODES_MAX;
	if (n)
		memcpy(out, in, n * sizeof(*out));
	qsort(out, n, sizeof(*out), cmp_u32);
	return n;
}

static bool same_list(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an * sizeof(*a)) == 0);
}

static void fmt_list(char *buf, size_t cap, const uint32_t *l, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 12 < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%" PRIu32, i ? " " : "", l[i]);
}

static bool same_ring(struct srp_ring_id a, struct srp_ring_id b)
{
	return a.rep == b.rep && a.seq == b.seq;
}

static struct ring_entry *ring_find(struct sim_quorum_check *qc, struct srp_ring_id ring)
{
	for (size_t i = qc->rings_n; i > 0; i--)
		if (same_ring(qc->rings[i - 1].ring, ring))
			return &qc->rings[i - 1];
	return NULL;
}

static struct ring_entry *ring_add(struct sim_quorum_check *qc)
{
	if (qc->rings_n == qc->rings_cap) {
		size_t cap = qc->rings_cap ? 2 * qc->rings_cap : 64;
		struct ring_entry *r = realloc(qc->rings, cap * sizeof(*r));

		if (!r)
			abort();
		qc->rings = r;
		qc->rings_cap = cap;
	}
	memset(&qc->rings[qc->rings_n], 0, sizeof(qc->rings[0]));
	return &qc->rings[qc->rings_n++];
}

/* The provider's own view: its ring and members are the ring's; the host has them too. */
static bool check_views(struct sim_quorum_check *qc, uint32_t nodeid,
			const struct sim_quorum_report *r, const uint32_t *ring, size_t rn)
{
	uint32_t l[SIM_CHECK_NODES_MAX];
	char a[200], b[200];
	size_t n;

	if (r->ring_n > SIM_CHECK_NODES_MAX || r->vq_n > SIM_CHECK_NODES_MAX ||
	    r->host_n > SIM_CHECK_NODES_MAX) {
		sim_check_fail(qc->chk, nodeid, "quorum: a member list longer than the cluster");
		return false;
	}
	fmt_list(a, sizeof(a), ring, rn);
	n = sorted(r->vq_members, r->vq_n, l);
	if (!same_ring(r->vq_ring, r->ring) || !same_list(l, n, ring, rn)) {
		fmt_list(b, sizeof(b), l, n);
		sim_check_fail(qc->chk, nodeid,
			       "quorum: after the sync of ring %" PRIu32 "/%" PRIu64 " {%s} votequorum "
			       "reports ring %" PRIu32 "/%" PRIu64 " {%s}", r->ring.rep, r->ring.seq, a,
			       r->vq_ring.rep, r->vq_ring.seq, b);
		return false;
	}
	if (!r->host_known) {
		sim_check_fail(qc->chk, nodeid, "quorum: after the sync of ring %" PRIu32 "/%" PRIu64
			       " the host has no quorum decision (svc_quorum_get)", r->ring.rep, r->ring.seq);
		return false;
	}
	n = sorted(r->host_members, r->host_n, l);
	if (r->host_quorate != r->quorate || !same_ring(r->host_ring, r->ring) ||
	    !same_list(l, n, ring, rn)) {
		fmt_list(b, sizeof(b), l, n);
		sim_check_fail(qc->chk, nodeid,
			       "quorum: after the sync of ring %" PRIu32 "/%" PRIu64 " {%s} votequorum "
			       "says %squorate but the host (quorum service) has %squorate, ring %" PRIu32
			       "/%" PRIu64 " {%s}", r->ring.rep, r->ring.seq, a, r->quorate ? "" : "not ",
			       r->host_quorate ? "" : "not ", r->host_ring.rep, r->host_ring.seq, b);
		return false;
	}
	return true;
}

/* corosync's arithmetic for this configuration (see the header). */
static void check_arithmetic(struct sim_quorum_check *qc, uint32_t nodeid,
			     const struct sim_quorum_report *r, size_t m)
{
	const struct sim_quorum_cfg *c = &qc->cfg;
	uint32_t nn = (uint32_t)qc->nodes;
	uint32_t q = c->two_node ? 1 : nn / 2 + 1;
	bool wfa = c->wait_for_all || c->two_node;
	bool majority = m >= q;
	const char *what = NULL;

	if (r->total_votes != m)
		what = "total votes are not the members' votes";
	else if (!c->last_man_standing && r->expected_votes != nn)
		what = "expected votes are not the nodelist's votes";
	else if (c->last_man_standing && (r->expected_votes < m || r->expected_votes > nn))
		what = "expected votes (last_man_standing) outside members..nodelist";
	else if (!c->last_man_standing && r->quorate && !majority &&
		 !(c->auto_tie_breaker && m == nn / 2))
		what = "quorate without a majority of votes";
	else if (majority && !r->quorate && !(wfa && m < nn))
		what = "not quorate with a majority of votes";
	if (!what)
		return;
	sim_check_fail(qc->chk, nodeid,
		       "quorum: after the sync of ring %" PRIu32 "/%" PRIu64 " (%zu of %" PRIu32
		       " nodes, quorum %" PRIu32 "): %s: votequorum says %squorate, total votes %"
		       PRIu32 ", expected votes %" PRIu32 ", quorum %" PRIu32, r->ring.rep, r->ring.seq,
		       m, nn, q, what, r->quorate ? "" : "not ", r->total_votes, r->expected_votes,
		       r->quorum);
}

void sim_quorum_sync_done(struct sim_quorum_check *qc, uint32_t nodeid,
			  const struct sim_quorum_report *r)
{
	uint32_t ring[SIM_CHECK_NODES_MAX];
	size_t rn;
	struct ring_entry *e;
	struct node_entry *ne;
	bool strict = !qc->cfg.last_man_standing && !qc->cfg.auto_tie_breaker;

	if (!qc || sim_check_failed(qc->chk))
		return;
	qc->stats.reports++;
	qc->stats.quorate += r->quorate;
	rn = sorted(r->ring_members, r->ring_n, ring);
	ne = node_get(qc, nodeid);
	if (ne) {
		ne->up = true;
		ne->reported = true;
		ne->ring = r->ring;
		ne->quorate = r->quorate;
	}
	if (!check_views(qc, nodeid, r, ring, rn))
		return;
	check_arithmetic(qc, nodeid, r, rn);
	if (sim_check_failed(qc->chk))
		return;
	e = ring_find(qc, r->ring);
	if (!e) {
		e = ring_add(qc);
		e->ring = r->ring;
		e->first = nodeid;
		e->quorate = r->quorate;
		e->total = r->total_votes;
		e->expected = r->expected_votes;
		memcpy(e->members, ring, rn * sizeof(ring[0]));
		e->n = rn;
		return;
	}
	qc->stats.compared++;
	if (!same_list(e->members, e->n, ring, rn) || e->total != r->total_votes ||
	    (strict && (e->quorate != r->quorate || e->expected != r->expected_votes))) {
		char a[200];

		fmt_list(a, sizeof(a), ring, rn);
		sim_check_fail(qc->chk, nodeid,
			       "quorum: nodes disagree after the sync of ring %" PRIu32 "/%" PRIu64
			       " {%s}: node %" PRIu32 " says %squorate, total votes %" PRIu32
			       ", expected votes %" PRIu32 "; node %" PRIu32 " said %squorate, total votes %"
			       PRIu32 ", expected votes %" PRIu32, r->ring.rep, r->ring.seq, a, nodeid,
			       r->quorate ? "" : "not ", r->total_votes, r->expected_votes, e->first,
			       e->quorate ? "" : "not ", e->total, e->expected);
	}
}

void sim_quorum_node_down(struct sim_quorum_check *qc, uint32_t nodeid)
{
	struct node_entry *ne;

	if (!qc)
		return;
	ne = node_get(qc, nodeid);
	if (ne) {
		ne->up = false;
		ne->reported = false;
	}
}

void sim_quorum_final(struct sim_quorum_check *qc, const uint32_t *live, size_t n,
		      struct srp_ring_id ring)
{
	if (!qc || sim_check_failed(qc->chk))
		return;
	for (size_t i = 0; i < n; i++) {
		struct node_entry *ne = node_get(qc, live[i]);

		if (!ne || !ne->reported || !same_ring(ne->ring, ring)) {
			sim_check_fail(qc->chk, live[i], "quorum: at the end node %" PRIu32
				       " has not completed the sync of the final ring %" PRIu32 "/%" PRIu64,
				       live[i], ring.rep, ring.seq);
			return;
		}
		if (n == qc->nodes && !ne->quorate) {
			sim_check_fail(qc->chk, live[i], "quorum: at the end node %" PRIu32
				       " is not quorate in ring %" PRIu32 "/%" PRIu64 " of all %zu nodes",
				       live[i], ring.rep, ring.seq, n);
			return;
		}
	}
}

void sim_quorum_stats_get(const struct sim_quorum_check *qc, struct sim_quorum_stats *ret)
{
	if (qc)
		*ret = qc->stats;
	else
		memset(ret, 0, sizeof(*ret));
}
