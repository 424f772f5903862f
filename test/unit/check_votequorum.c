/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the votequorum service (services/votequorum/) on fake hosts
 * (test/fakes): a small in-process cluster of fake hosts whose multicasts are
 * delivered to every member in one total order, driven through the sync
 * steps, checks the quorum arithmetic row by row (nodes, votes, features,
 * membership changes -> quorum, total votes, expected votes, quorate); then
 * the IPC requests and events byte for byte as libvotequorum sees them, the
 * totem messages as a corosync peer sends them, configuration errors and the
 * runtime.votequorum.* keys.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chorus/icmap.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_votequorum.h>

#include "services/votequorum/votequorum_service.h"
#include "test/check_common.h"
#include "test/fakes/fake_host.h"

#define NODES_MAX 8

/* Feature switches of a row; -1 leaves the key out of the configuration. */
struct cfg {
	int two_node, wfa, lms, atb, downscale;
	int64_t expected_votes;
	const char *atb_node;
	uint32_t lms_window;
	const char *device_model;
	int64_t device_votes;
};

#define CFG_DEFAULT { -1, -1, -1, -1, -1, -1, NULL, 0, NULL, -1 }

struct cluster {
	size_t n;
	struct fake_host *h[NODES_MAX];
	uint32_t seq;
	uint32_t members;     /* bitmask of the current membership */
};

static struct icmap *config_map(size_t n, const uint32_t *votes, size_t local, const struct cfg *c)
{
	struct icmap *m = icmap_new();
	char key[128];

	ck_assert_ptr_nonnull(m);
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "nodelist.node.%zu.nodeid", i);
		ck_assert_int_eq(icmap_set_uint32(m, key, (uint32_t)i + 1), 0);
		snprintf(key, sizeof(key), "nodelist.node.%zu.ring0_addr", i);
		ck_assert_int_eq(icmap_set_string(m, key, "192.0.2.1"), 0);
		if (votes && votes[i]) {
			snprintf(key, sizeof(key), "nodelist.node.%zu.quorum_votes", i);
			ck_assert_int_eq(icmap_set_uint32(m, key, votes[i]), 0);
		}
	}
	ck_assert_int_eq(icmap_set_uint32(m, "nodelist.local_node_pos", (uint32_t)local), 0);
	ck_assert_int_eq(icmap_set_string(m, "quorum.provider", "corosync_votequorum"), 0);
	if (c->two_node >= 0)
		icmap_set_uint8(m, "quorum.two_node", (uint8_t)c->two_node);
	if (c->wfa >= 0)
		icmap_set_uint8(m, "quorum.wait_for_all", (uint8_t)c->wfa);
	if (c->lms >= 0)
		icmap_set_uint8(m, "quorum.last_man_standing", (uint8_t)c->lms);
	if (c->lms_window)
		icmap_set_uint32(m, "quorum.last_man_standing_window", c->lms_window);
	if (c->atb >= 0)
		icmap_set_uint8(m, "quorum.auto_tie_breaker", (uint8_t)c->atb);
	if (c->atb_node)
		icmap_set_string(m, "quorum.auto_tie_breaker_node", c->atb_node);
	if (c->downscale >= 0)
		icmap_set_uint8(m, "quorum.allow_downscale", (uint8_t)c->downscale);
	if (c->expected_votes >= 0)
		icmap_set_uint32(m, "quorum.expected_votes", (uint32_t)c->expected_votes);
	if (c->device_model)
		icmap_set_string(m, "quorum.device.model", c->device_model);
	if (c->device_votes >= 0)
		icmap_set_uint32(m, "quorum.device.votes", (uint32_t)c->device_votes);
	return m;
}

static void cluster_new(struct cluster *cl, size_t n, const uint32_t *votes, const struct cfg *c)
{
	memset(cl, 0, sizeof(*cl));
	cl->n = n;
	for (size_t i = 0; i < n; i++) {
		struct icmap *m = config_map(n, votes, i, c);
		int r = fake_host_new_cmap(&votequorum_service_def, (uint32_t)i + 1, m, &cl->h[i]);

		ck_assert_msg(r == 0, "init: %s", fake_host_error(cl->h[i]));
	}
}

static void cluster_free(struct cluster *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		fake_host_free(cl->h[i]);
}

/*
 * Deliver every pending multicast of the members of part to the members of
 * part, node by node in the order sent (one total order), until none is left.
 * Multicasts of nodes outside part are dropped (they are in another partition).
 */
static void pump(struct cluster *cl, uint32_t part)
{
	bool more = true;

	while (more) {
		more = false;
		for (size_t i = 0; i < cl->n; i++) {
			struct fake_host *h = cl->h[i];

			if (!h)
				continue;
			if (!(part & (1u << i))) {
				fake_host_mcast_forget(h);
				continue;
			}
			size_t count = fake_host_mcast_count(h);
			struct fake_msg **copies;

			if (count == 0)
				continue;
			/* take the whole queue: delivery may multicast again */
			copies = calloc(count, sizeof(*copies));
			ck_assert_ptr_nonnull(copies);
			for (size_t k = 0; k < count; k++) {
				const struct fake_msg *m = fake_host_mcast(h, k);

				copies[k] = malloc(sizeof(*m) + m->len);
				ck_assert_ptr_nonnull(copies[k]);
				memcpy(copies[k], m, sizeof(*m) + m->len);
			}
			fake_host_mcast_forget(h);
			for (size_t k = 0; k < count; k++) {
				for (size_t j = 0; j < cl->n; j++)
					if (cl->h[j] && (part & (1u << j)))
						ck_assert_int_eq(fake_host_deliver(cl->h[j], (uint32_t)i + 1,
										   copies[k]->data,
										   copies[k]->len, false), 0);
				free(copies[k]);
			}
			free(copies);
			more = true;
		}
	}
}

/*
 * A membership change to part, synchronised inside part: init, then process
 * on every member and the NODEINFOs delivered (order NULL), or process on
 * the n node indexes of order one by one, each one's NODEINFOs delivered
 * before the next; then activate, unless the round is to end there
 * (aborted).
 */
static void cluster_sync_steps(struct cluster *cl, uint32_t part, const size_t *order, size_t n,
			       bool activate)
{
	uint32_t ids[NODES_MAX];
	size_t k = 0;
	struct svc_view v;
	const struct svc_sync_ops *ops = votequorum_service_def.sync;

	for (size_t i = 0; i < cl->n; i++)
		if (part & (1u << i))
			ids[k++] = (uint32_t)i + 1;
	memset(&v, 0, sizeof(v));
	v.rep_nodeid = ids[0];
	v.ring_seq = (cl->seq += 4);
	v.members = ids;
	v.members_count = k;
	pump(cl, part);
	for (size_t i = 0; i < cl->n; i++)
		if (part & (1u << i))
			ops->init(fake_host_svc(cl->h[i]), &v);
	if (order) {
		for (size_t i = 0; i < n; i++) {
			(void)ops->process(fake_host_svc(cl->h[order[i]]));
			pump(cl, part);
		}
	} else {
		for (size_t i = 0; i < cl->n; i++)
			if (part & (1u << i))
				(void)ops->process(fake_host_svc(cl->h[i]));
		pump(cl, part);
	}
	if (!activate)
		return;
	for (size_t i = 0; i < cl->n; i++)
		if (part & (1u << i))
			ops->activate(fake_host_svc(cl->h[i]));
	pump(cl, part);
	cl->members = part;
}

static void cluster_sync(struct cluster *cl, uint32_t part)
{
	cluster_sync_steps(cl, part, NULL, 0, true);
}

static void cluster_advance(struct cluster *cl, uint64_t ms, uint32_t part)
{
	for (size_t i = 0; i < cl->n; i++)
		if (part & (1u << i))
			fake_host_advance(cl->h[i], ms);
	pump(cl, part);
}

/* ---- the arithmetic, row by row ----------------------------------------------------- */

struct step {
	uint32_t part;       /* membership (bitmask of node index), 0 ends the list */
	uint64_t advance;    /* ms to let pass afterwards (LMS window) */
};

struct row {
	const char *name;
	size_t n;
	uint32_t votes[NODES_MAX];   /* 0: no quorum_votes key (1) */
	struct cfg cfg;
	struct step steps[5];
	size_t check;                /* index of the node whose view is checked */
	uint32_t quorum, total, expected, highest;
	bool quorate;
	uint32_t flags;              /* VOTEQUORUM_INFO_* expected in getinfo */
};

#define ALL3 0x7u
#define ALL4 0xfu
#define ALL5 0x1fu
#define Q VOTEQUORUM_INFO_QUORATE
#define TWO VOTEQUORUM_INFO_TWONODE
#define WFA VOTEQUORUM_INFO_WAIT_FOR_ALL
#define LMS VOTEQUORUM_INFO_LAST_MAN_STANDING
#define ATB VOTEQUORUM_INFO_AUTO_TIE_BREAKER
#define DS VOTEQUORUM_INFO_ALLOW_DOWNSCALE

static const struct row rows[] = {
	{ "3 nodes all up", 3, { 0 }, CFG_DEFAULT, { { ALL3, 0 } }, 0, 2, 3, 3, 3, true, Q },
	{ "3 nodes, one lost", 3, { 0 }, CFG_DEFAULT, { { ALL3, 0 }, { 0x3, 0 } }, 0, 2, 2, 3, 3, true, Q },
	{ "3 nodes, two lost", 3, { 0 }, CFG_DEFAULT, { { ALL3, 0 }, { 0x1, 0 } }, 0, 2, 1, 3, 3, false, 0 },
	{ "3 nodes, lone survivor never quorate", 3, { 0 }, CFG_DEFAULT, { { 0x1, 0 } }, 0, 2, 1, 3, 3, false, 0 },
	{ "3 nodes, quorum never decreases", 3, { 0 }, CFG_DEFAULT,
	  { { ALL3, 0 }, { 0x1, 0 }, { 0x3, 0 } }, 1, 2, 2, 3, 3, true, Q },
	{ "5 nodes, weighted votes", 5, { 1, 1, 1, 1, 3 }, CFG_DEFAULT, { { ALL5, 0 } }, 0, 4, 7, 7, 7, true, Q },
	{ "5 nodes, weighted, heavy node lost", 5, { 1, 1, 1, 1, 3 }, CFG_DEFAULT,
	  { { ALL5, 0 }, { 0xf, 0 } }, 0, 4, 4, 7, 7, true, Q },
	{ "5 nodes, weighted, heavy node alone", 5, { 1, 1, 1, 1, 3 }, CFG_DEFAULT,
	  { { ALL5, 0 }, { 0x10, 0 } }, 4, 4, 3, 7, 7, false, 0 },
	{ "two_node both up", 2, { 0 }, { 1, -1, -1, -1, -1, -1, NULL, 0, NULL, -1 },
	  { { 0x3, 0 } }, 0, 1, 2, 2, 2, true, Q | TWO | WFA },
	{ "two_node one lost", 2, { 0 }, { 1, -1, -1, -1, -1, -1, NULL, 0, NULL, -1 },
	  { { 0x3, 0 }, { 0x1, 0 } }, 0, 1, 1, 2, 2, true, Q | TWO | WFA },
	{ "two_node alone at start waits for all", 2, { 0 }, { 1, -1, -1, -1, -1, -1, NULL, 0, NULL, -1 },
	  { { 0x1, 0 } }, 0, 1, 1, 2, 2, false, TWO | WFA },
	{ "two_node without wait_for_all", 2, { 0 }, { 1, 0, -1, -1, -1, -1, NULL, 0, NULL, -1 },
	  { { 0x1, 0 } }, 0, 1, 1, 2, 2, true, Q | TWO },
	{ "wait_for_all, 2 of 3 at start", 3, { 0 }, { -1, 1, -1, -1, -1, -1, NULL, 0, NULL, -1 },
	  { { 0x3, 0 } }, 0, 2, 2, 3, 3, false, WFA },
	{ "wait_for_all, 2 of 3 after all were seen", 3, { 0 }, { -1, 1, -1, -1, -1, -1, NULL, 0, NULL, -1 },
	  { { ALL3, 0 }, { 0x3, 0 } }, 0, 2, 2, 3, 3, true, Q | WFA },
	{ "expected_votes above the nodelist", 3, { 0 }, { -1, -1, -1, -1, -1, 5, NULL, 0, NULL, -1 },
	  { { ALL3, 0 } }, 0, 3, 3, 5, 5, true, Q },
	{ "expected_votes above the nodelist, one lost", 3, { 0 },
	  { -1, -1, -1, -1, -1, 5, NULL, 0, NULL, -1 }, { { ALL3, 0 }, { 0x3, 0 } }, 0, 3, 2, 5, 5, false, 0 },
	{ "votes above expected raise expected", 3, { 0 }, { -1, -1, -1, -1, -1, 2, NULL, 0, NULL, -1 },
	  { { ALL3, 0 } }, 0, 2, 3, 3, 3, true, Q },
	{ "atb lowest keeps the half with node 1", 4, { 0 }, { -1, -1, -1, 1, -1, -1, NULL, 0, NULL, -1 },
	  { { ALL4, 0 }, { 0x3, 0 } }, 0, 3, 2, 4, 4, true, Q | ATB },
	{ "atb lowest blocks the other half", 4, { 0 }, { -1, -1, -1, 1, -1, -1, NULL, 0, NULL, -1 },
	  { { ALL4, 0 }, { 0xc, 0 } }, 2, 3, 2, 4, 4, false, ATB },
	{ "atb highest keeps the half with node 4", 4, { 0 },
	  { -1, -1, -1, 1, -1, -1, "highest", 0, NULL, -1 }, { { ALL4, 0 }, { 0xc, 0 } }, 2, 3, 2, 4, 4, true, Q | ATB },
	{ "atb highest blocks the half with node 1", 4, { 0 },
	  { -1, -1, -1, 1, -1, -1, "highest", 0, NULL, -1 }, { { ALL4, 0 }, { 0x3, 0 } }, 0, 3, 2, 4, 4, false, ATB },
	{ "atb list: first listed node's half wins", 4, { 0 },
	  { -1, -1, -1, 1, -1, -1, "3 1", 0, NULL, -1 }, { { ALL4, 0 }, { 0xc, 0 } }, 2, 3, 2, 4, 4, true, Q | ATB },
	{ "atb list: a later listed node loses to an earlier one", 4, { 0 },
	  { -1, -1, -1, 1, -1, -1, "3 1", 0, NULL, -1 }, { { ALL4, 0 }, { 0x3, 0 } }, 0, 3, 2, 4, 4, false, ATB },
	{ "atb disabled in an odd cluster without wait_for_all", 3, { 0 },
	  { -1, -1, -1, 1, -1, -1, NULL, 0, NULL, -1 }, { { ALL3, 0 } }, 0, 2, 3, 3, 3, true, Q },
	{ "atb kept in an odd cluster with wait_for_all", 3, { 0 },
	  { -1, 1, -1, 1, -1, -1, NULL, 0, NULL, -1 }, { { ALL3, 0 } }, 0, 2, 3, 3, 3, true, Q | WFA | ATB },
	{ "two_node with atb: two_node off", 2, { 0 },
	  { 1, -1, -1, 1, -1, -1, NULL, 0, NULL, -1 }, { { 0x3, 0 }, { 0x1, 0 } }, 0, 2, 1, 2, 2, true, Q | WFA | ATB },
	{ "lms: no change inside the window", 4, { 0 },
	  { -1, -1, 1, -1, -1, -1, NULL, 1000, NULL, -1 }, { { ALL4, 0 }, { 0x7, 999 } }, 0, 3, 3, 4, 4, true, Q | LMS },
	{ "lms: expected follows the members after the window", 4, { 0 },
	  { -1, -1, 1, -1, -1, -1, NULL, 1000, NULL, -1 }, { { ALL4, 0 }, { 0x7, 1000 } }, 0, 2, 3, 3, 3, true, Q | LMS },
	{ "lms: down to two nodes step by step", 4, { 0 },
	  { -1, -1, 1, -1, -1, -1, NULL, 1000, NULL, -1 },
	  { { ALL4, 0 }, { 0x7, 1000 }, { 0x3, 1000 } }, 0, 2, 2, 2, 2, true, Q | LMS },
	{ "lms: never below two", 4, { 0 },
	  { -1, -1, 1, -1, -1, -1, NULL, 1000, NULL, -1 },
	  { { ALL4, 0 }, { 0x7, 1000 }, { 0x3, 1000 }, { 0x1, 1000 } }, 0, 2, 1, 2, 2, false, LMS },
	{ "qdevice configured: expected grows by nodes - 1", 3, { 0 },
	  { -1, -1, -1, -1, -1, -1, NULL, 0, "net", -1 }, { { ALL3, 0 } }, 0, 3, 3, 5, 5, true, Q },
	{ "qdevice configured, not voting, one lost", 3, { 0 },
	  { -1, -1, -1, -1, -1, -1, NULL, 0, "net", -1 }, { { ALL3, 0 }, { 0x3, 0 } }, 0, 3, 2, 5, 5, false, 0 },
};

static const struct step *row_steps_end(const struct row *r)
{
	size_t i = 0;

	while (i < 5 && r->steps[i].part)
		i++;
	return &r->steps[i];
}

START_TEST(arithmetic_table)
{
	const struct row *r = &rows[_i];
	struct cluster cl;
	struct vq_status s;

	cluster_new(&cl, r->n, r->votes, &r->cfg);
	for (const struct step *st = r->steps; st < row_steps_end(r); st++) {
		cluster_sync(&cl, st->part);
		if (st->advance)
			cluster_advance(&cl, st->advance, st->part);
	}
	vq_status_get(fake_host_svc(cl.h[r->check]), &s);
	ck_assert_msg(s.quorum == r->quorum, "%s: quorum %u, want %u", r->name, s.quorum, r->quorum);
	ck_assert_msg(s.total_votes == r->total, "%s: total %u, want %u", r->name, s.total_votes,
		      r->total);
	ck_assert_msg(s.expected_votes == r->expected, "%s: expected %u, want %u", r->name,
		      s.expected_votes, r->expected);
	ck_assert_msg(s.highest_expected == r->highest, "%s: highest %u, want %u", r->name,
		      s.highest_expected, r->highest);
	ck_assert_msg(s.quorate == r->quorate, "%s: quorate %d", r->name, s.quorate);
	ck_assert_msg(s.flags == r->flags, "%s: flags 0x%x, want 0x%x", r->name, s.flags, r->flags);
	/* the host got the same decision */
	ck_assert_msg(svc_quorate(fake_host_svc(cl.h[r->check])) == r->quorate, "%s: host", r->name);
	/* every node of the checked node's partition agrees */
	for (size_t i = 0; i < r->n; i++) {
		struct vq_status o;

		if (!(cl.members & (1u << i)))
			continue;
		vq_status_get(fake_host_svc(cl.h[i]), &o);
		ck_assert_msg(o.quorum == s.quorum && o.quorate == s.quorate &&
			      o.total_votes == s.total_votes, "%s: node %zu disagrees", r->name, i + 1);
	}
	cluster_free(&cl);
}
END_TEST

/*
 * wait_for_all, 5 nodes: {1,2,3} stays quorate, {4,5} loses quorum and waits
 * for all nodes.  Then 1 merges with 4 and 5 (2 and 3 gone): 4's NODEINFO
 * comes first, and with 4 alone node 1 counts 2 votes of 3 needed for a
 * moment; its own NODEINFO, sent then, must still say quorate, as it was
 * when the sync began, so that 4 and 5 stop waiting and all three agree on
 * 3 votes of 5, quorate (the soak's seed 235135044368973: node 1 said
 * quorate and 4 and 5 waited for all).
 */
START_TEST(wfa_merge_nodeinfo_says_settled_quorate)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	const size_t order[] = { 3, 0, 4 };

	c.wfa = 1;
	cluster_new(&cl, 5, NULL, &c);
	cluster_sync(&cl, ALL5);
	cluster_sync(&cl, 0x7);
	cluster_sync(&cl, 0x18);
	for (size_t i = 0; i < 5; i++) {
		struct vq_status s;

		vq_status_get(fake_host_svc(cl.h[i]), &s);
		ck_assert_msg(s.quorate == (i < 3), "node %zu before the merge: quorate %d", i + 1,
			      s.quorate);
	}
	cluster_sync_steps(&cl, 0x19, order, 3, true);
	for (size_t i = 0; i < 5; i++) {
		struct vq_status s;

		if (!(0x19u & (1u << i)))
			continue;
		vq_status_get(fake_host_svc(cl.h[i]), &s);
		ck_assert_msg(s.quorate && s.total_votes == 3,
			      "node %zu after the merge: quorate %d, total votes %u", i + 1, s.quorate,
			      s.total_votes);
	}
	cluster_free(&cl);
}
END_TEST

/*
 * wait_for_all, 5 nodes: {1,2,3} quorate, {4,5} waiting; node 3 restarts
 * (waiting).  A sync of {1,2,3} where 1's quorate NODEINFO released node 3
 * and 2's made it count 3 votes is aborted before activate; then {3,4,5}
 * forms.  Node 3 must be back where the aborted sync found it, waiting like
 * 4 and 5: all three agree (found in review: node 3 kept the aborted
 * round's quorate state and was quorate alone).
 */
START_TEST(wfa_aborted_sync_undone)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	const size_t order[] = { 0, 1 };
	struct vq_status s0;

	c.wfa = 1;
	cluster_new(&cl, 5, NULL, &c);
	cluster_sync(&cl, ALL5);
	cluster_sync(&cl, 0x7);
	cluster_sync(&cl, 0x18);
	fake_host_free(cl.h[2]);
	ck_assert_int_eq(fake_host_new_cmap(&votequorum_service_def, 3, config_map(5, NULL, 2, &c),
					    &cl.h[2]), 0);
	cluster_sync_steps(&cl, 0x7, order, 2, false);
	vq_status_get(fake_host_svc(cl.h[2]), &s0);
	ck_assert_msg(s0.quorate, "node 3 is quorate in the middle of the aborted sync");
	cluster_sync(&cl, 0x1c);
	for (size_t i = 2; i < 5; i++) {
		struct vq_status s;

		vq_status_get(fake_host_svc(cl.h[i]), &s);
		ck_assert_msg(!s.quorate && s.total_votes == 3,
			      "node %zu after {3,4,5}: quorate %d, total votes %u", i + 1, s.quorate,
			      s.total_votes);
	}
	cluster_free(&cl);
}
END_TEST

/* ---- one node's IPC -------------------------------------------------------------------- */

static const struct fake_msg *call(struct svc_conn *c, const void *req, size_t len)
{
	size_t n = fake_conn_reply_count(c);

	ck_assert_int_eq(fake_conn_request(c, req, len), 0);
	ck_assert_uint_eq(fake_conn_reply_count(c), n + 1);
	ck_assert_uint_eq(fake_conn_bad_sizes(c), 0);
	return fake_conn_reply(c, n);
}

static cs_error_t status_of(const struct fake_msg *m)
{
	const struct qb_ipc_response_header *h = (const void *)m->data;

	ck_assert_uint_eq(m->len, sizeof(struct res_lib_votequorum_status));
	ck_assert_int_eq(h->id, MESSAGE_RES_VOTEQUORUM_STATUS);
	ck_assert_int_eq(h->size, (int32_t)sizeof(struct res_lib_votequorum_status));
	return h->error;
}

#define REQ(var, type, req_id)                        \
	struct type var;                              \
	memset(&var, 0, sizeof(var));                 \
	var.header.id = (req_id);                     \
	var.header.size = sizeof(var)

static const struct res_lib_votequorum_getinfo *getinfo(struct svc_conn *c, int32_t nodeid)
{
	REQ(req, req_lib_votequorum_getinfo, MESSAGE_REQ_VOTEQUORUM_GETINFO);
	const struct fake_msg *m;
	const struct res_lib_votequorum_getinfo *res;

	req.nodeid = nodeid;
	m = call(c, &req, sizeof(req));
	ck_assert_uint_eq(m->len, 320);
	res = (const void *)m->data;
	ck_assert_int_eq(res->header.id, MESSAGE_RES_VOTEQUORUM_GETINFO);
	ck_assert_int_eq(res->header.size, 320);
	return res;
}

START_TEST(getinfo_fields)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	struct svc_conn *conn;
	const struct res_lib_votequorum_getinfo *res;

	c.two_node = 1;
	cluster_new(&cl, 2, NULL, &c);
	cluster_sync(&cl, 0x3);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &conn), 0);
	res = getinfo(conn, 0);
	ck_assert_int_eq(res->header.error, CS_OK);
	ck_assert_uint_eq(res->nodeid, 1);
	ck_assert_uint_eq(res->state, VOTEQUORUM_NODESTATE_MEMBER);
	ck_assert_uint_eq(res->votes, 1);
	ck_assert_uint_eq(res->expected_votes, 2);
	ck_assert_uint_eq(res->highest_expected, 2);
	ck_assert_uint_eq(res->total_votes, 2);
	ck_assert_uint_eq(res->quorum, 1);
	ck_assert_uint_eq(res->flags, TWO | Q | WFA);
	ck_assert_str_eq(res->qdevice_name, "");
	/* another node, by id */
	res = getinfo(conn, 2);
	ck_assert_int_eq(res->header.error, CS_OK);
	ck_assert_uint_eq(res->nodeid, 2);
	/* a dead node keeps its entry, state 2 */
	cluster_sync(&cl, 0x1);
	res = getinfo(conn, 2);
	ck_assert_int_eq(res->header.error, CS_OK);
	ck_assert_uint_eq(res->state, VOTEQUORUM_NODESTATE_DEAD);
	/* unknown: NOT_EXIST, full size */
	res = getinfo(conn, 77);
	ck_assert_int_eq(res->header.error, CS_ERR_NOT_EXIST);
	cluster_free(&cl);
}
END_TEST

START_TEST(tracking_events)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	struct svc_conn *conn;
	const struct fake_msg *ev;
	const struct res_lib_votequorum_nodelist_notification *nl;
	const struct res_lib_votequorum_quorum_notification *qn;
	size_t before;

	cluster_new(&cl, 3, NULL, &c);
	cluster_sync(&cl, ALL3);
	ck_assert_int_eq(fake_conn_open(cl.h[1], 10, 0, 0, &conn), 0);
	{
		REQ(req, req_lib_votequorum_trackstart, MESSAGE_REQ_VOTEQUORUM_TRACKSTART);
		req.context = 0x1122334455667788ull;
		req.track_flags = CS_TRACK_CURRENT | CS_TRACK_CHANGES;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		/* the snapshot: NODELIST then QUORUM, before the reply */
		ck_assert_uint_eq(fake_conn_event_count(conn), 2);
		ev = fake_conn_event(conn, 0);
		nl = (const void *)ev->data;
		ck_assert_int_eq(nl->header.id, MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION);
		ck_assert_uint_eq(ev->len, 56 + 3 * 4);
		ck_assert_int_eq(nl->header.size, 56 + 3 * 4);
		ck_assert_uint_eq(nl->context, 0x1122334455667788ull);
		ck_assert_uint_eq(nl->ring_id.nodeid, 1);
		ck_assert_uint_eq(nl->node_list_entries, 3);
		ck_assert_uint_eq(nl->node_list[2], 3);
		ev = fake_conn_event(conn, 1);
		qn = (const void *)ev->data;
		ck_assert_int_eq(qn->header.id, MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION);
		ck_assert_uint_eq(ev->len, 48 + 3 * 8);
		ck_assert_uint_eq(qn->quorate, 1);
		ck_assert_uint_eq(qn->node_list_entries, 3);
		ck_assert_uint_eq(qn->node_list[0].nodeid, 1);
		ck_assert_uint_eq(qn->node_list[0].state, VOTEQUORUM_NODESTATE_MEMBER);
		/* again: EXIST, snapshot still sent */
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_EXIST);
		ck_assert_uint_eq(fake_conn_event_count(conn), 4);
	}
	/* a membership change: NODELIST in process, QUORUM at activate; all ever-seen nodes listed */
	before = fake_conn_event_count(conn);
	cluster_sync(&cl, 0x3);
	ck_assert_uint_ge(fake_conn_event_count(conn), before + 2);
	ev = fake_conn_event(conn, before);
	nl = (const void *)ev->data;
	ck_assert_int_eq(nl->header.id, MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION);
	ck_assert_uint_eq(nl->node_list_entries, 2);
	ev = fake_conn_event(conn, fake_conn_event_count(conn) - 1);
	qn = (const void *)ev->data;
	ck_assert_int_eq(qn->header.id, MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION);
	ck_assert_uint_eq(qn->context, 0x1122334455667788ull);
	ck_assert_uint_eq(qn->node_list_entries, 3);
	ck_assert_uint_eq(qn->node_list[2].nodeid, 3);
	ck_assert_uint_eq(qn->node_list[2].state, VOTEQUORUM_NODESTATE_DEAD);
	/* losing quorum outside a sync is also announced: node 1 lost too, node 2 alone */
	before = fake_conn_event_count(conn);
	cluster_sync(&cl, 0x2);
	ev = fake_conn_event(conn, fake_conn_event_count(conn) - 1);
	qn = (const void *)ev->data;
	ck_assert_uint_eq(qn->quorate, 0);
	ck_assert(!svc_quorate(fake_host_svc(cl.h[1])));
	{
		REQ(stop, req_lib_votequorum_general, MESSAGE_REQ_VOTEQUORUM_TRACKSTOP);
		ck_assert_int_eq(status_of(call(conn, &stop, sizeof(stop))), CS_OK);
		ck_assert_int_eq(status_of(call(conn, &stop, sizeof(stop))), CS_ERR_NOT_EXIST);
	}
	before = fake_conn_event_count(conn);
	cluster_sync(&cl, 0x3);
	ck_assert_uint_eq(fake_conn_event_count(conn), before);
	cluster_free(&cl);
}
END_TEST

START_TEST(setexpected_setvotes)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	struct svc_conn *conn;
	struct vq_status s;

	cluster_new(&cl, 3, NULL, &c);
	cluster_sync(&cl, ALL3);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &conn), 0);
	{
		REQ(req, req_lib_votequorum_setexpected, MESSAGE_REQ_VOTEQUORUM_SETEXPECTED);
		/* below the votes present */
		req.expected_votes = 2;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_INVALID_PARAM);
		ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
		/* a quorate cluster must stay quorate: 7 -> quorum 4 > 3 votes */
		req.expected_votes = 7;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_INVALID_PARAM);
		req.expected_votes = 4;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
		{
			const struct fake_msg *m = fake_host_mcast(cl.h[0], 0);
			const struct vq_exec_reconfigure *rc = (const void *)m->data;

			ck_assert_uint_eq(m->fn_id, VQ_EXEC_RECONFIGURE);
			ck_assert_uint_eq(m->len, 32);
			ck_assert_uint_eq(rc->nodeid, 1);
			ck_assert_uint_eq(rc->value, 4);
			ck_assert_uint_eq(rc->param, VQ_RECONFIG_EXPECTED_VOTES);
		}
		pump(&cl, ALL3);
		for (size_t i = 0; i < 3; i++) {
			vq_status_get(fake_host_svc(cl.h[i]), &s);
			ck_assert_uint_eq(s.expected_votes, 4);
			ck_assert_uint_eq(s.quorum, 3);
			ck_assert(s.quorate);
		}
		/* near UINT32_MAX: the sums saturate, quorum is out of reach (refused),
		 * where 32-bit (x + 2) / 2 wrapped to 0 and made it easy */
		req.expected_votes = UINT32_MAX - 1;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_INVALID_PARAM);
		/* lowering is allowed too */
		req.expected_votes = 3;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		pump(&cl, ALL3);
		vq_status_get(fake_host_svc(cl.h[2]), &s);
		ck_assert_uint_eq(s.expected_votes, 3);
		ck_assert_uint_eq(s.quorum, 2);
	}
	{
		REQ(req, req_lib_votequorum_setvotes, MESSAGE_REQ_VOTEQUORUM_SETVOTES);
		req.nodeid = 99;
		req.votes = 2;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_NAME_NOT_FOUND);
		req.nodeid = 2;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		pump(&cl, ALL3);
		vq_status_get(fake_host_svc(cl.h[1]), &s);
		ck_assert_uint_eq(s.votes, 2);
		ck_assert_uint_eq(s.total_votes, 4);
		ck_assert_uint_eq(s.expected_votes, 4);
		ck_assert_uint_eq(s.quorum, 3);
		/* out of range: quorum would exceed the votes present */
		req.votes = 0;
		req.nodeid = 1;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
	}
	cluster_free(&cl);
}
END_TEST

START_TEST(exec_wire)
{
	struct cfg c = CFG_DEFAULT;
	struct fake_host *h;
	const struct fake_msg *m;
	const struct vq_exec_nodeinfo *ni;
	struct vq_exec_nodeinfo in;
	struct vq_status s;

	ck_assert_int_eq(fake_host_new_cmap(&votequorum_service_def, 1, config_map(3, NULL, 0, &c), &h), 0);
	/* init announces us: NODEINFO, 32 bytes, votes 1, expected 3, flag FIRST */
	ck_assert_uint_eq(fake_host_mcast_count(h), 1);
	m = fake_host_mcast(h, 0);
	ck_assert_uint_eq(m->fn_id, VQ_EXEC_NODEINFO);
	ck_assert_int_eq(m->guarantee, SVC_AGREED);
	ck_assert_uint_eq(m->len, 32);
	ni = (const void *)m->data;
	ck_assert_uint_eq(ni->nodeid, 1);
	ck_assert_uint_eq(ni->votes, 1);
	ck_assert_uint_eq(ni->expected_votes, 3);
	ck_assert_uint_eq(ni->flags, VQ_NODE_FIRST);
	fake_host_mcast_forget(h);
	/* a big-endian corosync peer's NODEINFO: node 2, quorate, 1 vote, expected 3 */
	memset(&in, 0, sizeof(in));
	in.header.id = (int32_t)__builtin_bswap32((VOTEQUORUM_SERVICE_ID << 16) | VQ_EXEC_NODEINFO);
	in.header.size = (int32_t)__builtin_bswap32(sizeof(in));
	in.nodeid = __builtin_bswap32(2);
	in.votes = __builtin_bswap32(1);
	in.expected_votes = __builtin_bswap32(3);
	in.flags = __builtin_bswap32(VQ_NODE_QUORATE);
	ck_assert_int_eq(fake_host_deliver(h, 2, &in, sizeof(in), true), 0);
	vq_status_get(fake_host_svc(h), &s);
	ck_assert_uint_eq(s.total_votes, 2);
	ck_assert(s.quorate);
	/* a short message never reaches the handler */
	in.header.id = (VOTEQUORUM_SERVICE_ID << 16) | VQ_EXEC_NODEINFO;
	ck_assert_int_eq(fake_host_deliver(h, 2, &in, 20, false), -EMSGSIZE);
	/* a RECONFIGURE cancel-wait-for-all as a little-endian peer sends it */
	{
		struct vq_exec_reconfigure rc;

		memset(&rc, 0, sizeof(rc));
		rc.header.id = (VOTEQUORUM_SERVICE_ID << 16) | VQ_EXEC_RECONFIGURE;
		rc.header.size = sizeof(rc);
		rc.nodeid = 2;
		rc.param = VQ_RECONFIG_CANCEL_WFA;
		ck_assert_int_eq(fake_host_deliver(h, 2, &rc, sizeof(rc), false), 0);
	}
	/* QDEVICE_REG from a peer with an unterminated name is cut, not overrun */
	{
		struct vq_exec_qdevice_reg qr;

		memset(&qr, 'x', sizeof(qr));
		qr.header.id = (VOTEQUORUM_SERVICE_ID << 16) | VQ_EXEC_QDEVICE_REG;
		qr.header.size = sizeof(qr);
		qr.operation = VQ_QDEVICE_OP_REGISTER;
		ck_assert_int_eq(fake_host_deliver(h, 2, &qr, sizeof(qr), false), 0);
	}
	fake_host_free(h);
}
END_TEST

START_TEST(runtime_keys)
{
	struct cfg c = CFG_DEFAULT;
	struct fake_host *h;
	struct icmap *m;
	uint32_t u32;
	uint8_t u8;

	c.two_node = 1;
	ck_assert_int_eq(fake_host_new_cmap(&votequorum_service_def, 1, config_map(2, NULL, 0, &c), &h), 0);
	m = fake_host_cmap(h);
	ck_assert_int_eq(icmap_get_uint32(m, "runtime.votequorum.this_node_id", &u32), 0);
	ck_assert_uint_eq(u32, 1);
	ck_assert_int_eq(icmap_get_uint8(m, "runtime.votequorum.two_node", &u8), 0);
	ck_assert_uint_eq(u8, 1);
	ck_assert_int_eq(icmap_get_uint32(m, "runtime.votequorum.ev_barrier", &u32), 0);
	ck_assert_uint_eq(u32, 2);
	ck_assert_int_eq(icmap_get_uint8(m, "runtime.votequorum.wait_for_all_status", &u8), 0);
	ck_assert_uint_eq(u8, 1);
	/* quorum.* feature keys are read-only for clients now */
	ck_assert(icmap_is_ro(m, "quorum.wait_for_all"));
	ck_assert(icmap_is_ro(m, "quorum.auto_tie_breaker_node"));
	ck_assert(!icmap_is_ro(m, "quorum.expected_votes"));
	/* cancel_wait_for_all through cmap: reset to 0, RECONFIGURE param 3 sent */
	fake_host_mcast_forget(h);
	ck_assert_int_eq(icmap_set_uint8(m, "quorum.cancel_wait_for_all", 1), 0);
	ck_assert_int_eq(icmap_get_uint8(m, "quorum.cancel_wait_for_all", &u8), 0);
	ck_assert_uint_eq(u8, 0);
	{
		bool found = false;

		for (size_t i = 0; i < fake_host_mcast_count(h); i++) {
			const struct fake_msg *mc = fake_host_mcast(h, i);
			const struct vq_exec_reconfigure *rc = (const void *)mc->data;

			if (mc->fn_id == VQ_EXEC_RECONFIGURE && rc->param == VQ_RECONFIG_CANCEL_WFA)
				found = true;
		}
		ck_assert(found);
	}
	/* a runtime change of expected_votes is announced */
	fake_host_mcast_forget(h);
	ck_assert_int_eq(icmap_set_uint32(m, "quorum.expected_votes", 5), 0);
	{
		bool found = false;

		for (size_t i = 0; i < fake_host_mcast_count(h); i++) {
			const struct fake_msg *mc = fake_host_mcast(h, i);
			const struct vq_exec_reconfigure *rc = (const void *)mc->data;

			if (mc->fn_id == VQ_EXEC_RECONFIGURE && rc->param == VQ_RECONFIG_EXPECTED_VOTES &&
			    rc->value == 5)
				found = true;
		}
		ck_assert(found);
	}
	fake_host_free(h);
}
END_TEST

/* ---- configuration errors (corosync's messages) ------------------------------------------- */

struct bad_cfg {
	struct cfg cfg;
	bool no_nodelist;
	const char *error;
};

static const struct bad_cfg bad_cfgs[] = {
	{ CFG_DEFAULT, true, "configuration error: nodelist or quorum.expected_votes must be configured!" },
	{ { 1, -1, -1, -1, -1, -1, NULL, 0, "net", -1 }, false,
	  "configuration error: two_node and quorum device cannot be configured at the same time!" },
	{ { -1, -1, 1, 1, -1, -1, NULL, 0, NULL, -1 }, false,
	  "configuration error: auto_tie_breaker & last_man_standing not available in odd sized cluster" },
	{ { -1, -1, 1, -1, -1, -1, NULL, 0, "net", -1 }, false,
	  "configuration error: quorum.device is not compatible with last_man_standing" },
	{ { -1, 1, -1, 1, -1, -1, NULL, 0, "net", -1 }, false,
	  "configuration error: quorum.device is not compatible with auto_tie_breaker" },
	{ { -1, -1, -1, -1, -1, 5, NULL, 0, "net", -1 }, false,
	  "configuration error: quorum.device.votes must be specified when quorum.expected_votes is set" },
	{ { -1, -1, -1, -1, -1, 4, NULL, 0, "net", 3 }, false,
	  "configuration error: quorum.device.votes is too high or expected_votes is too low" },
};

START_TEST(config_errors)
{
	const struct bad_cfg *b = &bad_cfgs[_i];
	struct icmap *m;
	struct fake_host *h = NULL;

	if (b->no_nodelist) {
		m = icmap_new();
		ck_assert_ptr_nonnull(m);
	} else {
		m = config_map(3, NULL, 0, &b->cfg);
	}
	ck_assert_int_lt(fake_host_new_cmap(&votequorum_service_def, 1, m, &h), 0);
	ck_assert_str_eq(fake_host_error(h), b->error);
	fake_host_free(h);
}
END_TEST

START_TEST(config_uneven_device_votes)
{
	static const uint32_t votes[3] = { 1, 2, 1 };
	struct cfg c = CFG_DEFAULT;
	struct fake_host *h = NULL;

	c.device_model = "net";
	ck_assert_int_lt(fake_host_new_cmap(&votequorum_service_def, 1, config_map(3, votes, 0, &c),
					    &h), 0);
	ck_assert_str_eq(fake_host_error(h),
			 "configuration error: quorum.device.votes must be specified when not all nodes votes 1");
	fake_host_free(h);
}
END_TEST

/* ---- the qdevice API -------------------------------------------------------------------- */

static void qdev_name(char *dst, const char *name)
{
	memset(dst, 0, VOTEQUORUM_QDEVICE_MAX_NAME_LEN);
	strcpy(dst, name);
}

START_TEST(qdevice_flow)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	struct svc_conn *conn;
	struct vq_status s;
	const struct res_lib_votequorum_getinfo *gi;

	c.device_model = "net";
	cluster_new(&cl, 3, NULL, &c);
	cluster_sync(&cl, ALL3);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &conn), 0);
	{
		REQ(req, req_lib_votequorum_qdevice_register, MESSAGE_REQ_VOTEQUORUM_QDEVICE_REGISTER);
		qdev_name(req.name, "Qdevice");
		/* deferred: no reply until our QDEVICE_REG comes back */
		ck_assert_int_eq(fake_conn_request(conn, &req, sizeof(req)), 0);
		ck_assert_uint_eq(fake_conn_reply_count(conn), 0);
		ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 1);
		ck_assert_uint_eq(fake_host_mcast(cl.h[0], 0)->fn_id, VQ_EXEC_QDEVICE_REG);
		ck_assert_uint_eq(fake_host_mcast(cl.h[0], 0)->len, 280);
		pump(&cl, ALL3);
		ck_assert_uint_eq(fake_conn_reply_count(conn), 1);
		ck_assert_int_eq(status_of(fake_conn_reply(conn, 0)), CS_OK);
		/* same name again: OK at once; another name: EXIST */
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		qdev_name(req.name, "Other");
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_EXIST);
	}
	gi = getinfo(conn, 0);
	ck_assert_uint_eq(gi->flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED, VOTEQUORUM_INFO_QDEVICE_REGISTERED);
	ck_assert_str_eq(gi->qdevice_name, "Qdevice");
	ck_assert_uint_eq(gi->qdevice_votes, 2);
	{
		REQ(req, req_lib_votequorum_qdevice_poll, MESSAGE_REQ_VOTEQUORUM_QDEVICE_POLL);
		qdev_name(req.name, "Qdevice");
		req.cast_vote = 1;
		req.ring_id.nodeid = 1;
		req.ring_id.seq = 99;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_MESSAGE_ERROR);
		req.ring_id.seq = cl.seq;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		pump(&cl, ALL3);
		vq_status_get(fake_host_svc(cl.h[0]), &s);
		ck_assert_uint_eq(s.total_votes, 5);
		gi = getinfo(conn, 0);
		ck_assert_uint_eq(gi->flags & (VOTEQUORUM_INFO_QDEVICE_ALIVE | VOTEQUORUM_INFO_QDEVICE_CAST_VOTE),
				  VOTEQUORUM_INFO_QDEVICE_ALIVE | VOTEQUORUM_INFO_QDEVICE_CAST_VOTE);
		/* the device's vote keeps a lone node quorate: 1 + 2 of 5 */
		cluster_sync(&cl, 0x1);
		req.ring_id.nodeid = 1;
		req.ring_id.seq = cl.seq;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		pump(&cl, 0x1);
		vq_status_get(fake_host_svc(cl.h[0]), &s);
		ck_assert_uint_eq(s.total_votes, 3);
		ck_assert(s.quorate);
		/* no poll for the timeout: alive and cast-vote are cleared */
		cluster_advance(&cl, VOTEQUORUM_QDEVICE_DEFAULT_TIMEOUT, 0x1);
		gi = getinfo(conn, 0);
		ck_assert_uint_eq(gi->flags & VOTEQUORUM_INFO_QDEVICE_ALIVE, 0);
	}
	{
		REQ(req, req_lib_votequorum_qdevice_master_wins, MESSAGE_REQ_VOTEQUORUM_QDEVICE_MASTER_WINS);
		uint8_t u8;

		qdev_name(req.name, "Wrong");
		req.allow = 1;
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_INVALID_PARAM);
		qdev_name(req.name, "Qdevice");
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		ck_assert_int_eq(icmap_get_uint8(fake_host_cmap(cl.h[0]),
						 "runtime.votequorum.qdevice_master_wins", &u8), 0);
		ck_assert_uint_eq(u8, 1);
	}
	{
		REQ(req, req_lib_votequorum_qdevice_update, MESSAGE_REQ_VOTEQUORUM_QDEVICE_UPDATE);
		qdev_name(req.oldname, "Qdevice");
		qdev_name(req.newname, "Renamed");
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		pump(&cl, 0x1);
		gi = getinfo(conn, 0);
		ck_assert_str_eq(gi->qdevice_name, "Renamed");
	}
	{
		REQ(req, req_lib_votequorum_qdevice_register, MESSAGE_REQ_VOTEQUORUM_QDEVICE_UNREGISTER);
		qdev_name(req.name, "Qdevice");
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_INVALID_PARAM);
		qdev_name(req.name, "Renamed");
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_OK);
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_NOT_EXIST);
		pump(&cl, 0x1);
		gi = getinfo(conn, 0);
		ck_assert_uint_eq(gi->flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED, 0);
		ck_assert_str_eq(gi->qdevice_name, "");
	}
	cluster_free(&cl);
}
END_TEST

START_TEST(qdevice_disabled_and_bad_names)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	struct svc_conn *conn;

	c.two_node = 1;
	cluster_new(&cl, 2, NULL, &c);
	cluster_sync(&cl, 0x3);
	ck_assert_int_eq(fake_conn_open(cl.h[0], 10, 0, 0, &conn), 0);
	{
		REQ(req, req_lib_votequorum_qdevice_register, MESSAGE_REQ_VOTEQUORUM_QDEVICE_REGISTER);
		/* unterminated name: refused, nothing multicast */
		memset(req.name, 'a', sizeof(req.name));
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_INVALID_PARAM);
		ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
		/* an empty name (libvotequorum refuses it; a raw client may try) */
		memset(req.name, 0, sizeof(req.name));
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_INVALID_PARAM);
		ck_assert_uint_eq(fake_host_mcast_count(cl.h[0]), 0);
	}
	{
		REQ(req, req_lib_votequorum_qdevice_poll, MESSAGE_REQ_VOTEQUORUM_QDEVICE_POLL);
		qdev_name(req.name, "x");
		ck_assert_int_eq(status_of(call(conn, &req, sizeof(req))), CS_ERR_NOT_EXIST);
	}
	/* a wrong-sized request never reaches a handler */
	{
		REQ(req, req_lib_votequorum_getinfo, MESSAGE_REQ_VOTEQUORUM_GETINFO);
		ck_assert_int_eq(fake_conn_request(conn, &req, 20), -EMSGSIZE);
	}
	cluster_free(&cl);
}
END_TEST

START_TEST(downscale_leave)
{
	struct cfg c = CFG_DEFAULT;
	struct cluster cl;
	struct vq_status s;
	char dir[] = "/tmp/check_vq_XXXXXX";
	char path[64];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	c.downscale = 1;
	memset(&cl, 0, sizeof(cl));
	cl.n = 3;
	for (size_t i = 0; i < 3; i++) {
		struct icmap *m = config_map(3, NULL, i, &c);
		char sd[64];

		snprintf(sd, sizeof(sd), "%s/%zu", dir, i);
		ck_assert_int_eq(mkdir(sd, 0700), 0);
		icmap_set_string(m, "system.state_dir", sd);
		ck_assert_int_eq(fake_host_new_cmap(&votequorum_service_def, (uint32_t)i + 1, m, &cl.h[i]), 0);
	}
	cluster_sync(&cl, ALL3);
	vq_status_get(fake_host_svc(cl.h[0]), &s);
	ck_assert_uint_eq(s.flags, Q | DS);
	/* node 3 stops cleanly: its LEAVING nodeinfo lowers expected votes */
	fake_host_free(cl.h[2]);
	cl.h[2] = NULL;
	cluster_sync(&cl, 0x3);
	vq_status_get(fake_host_svc(cl.h[0]), &s);
	ck_assert(s.quorate);
	ck_assert_uint_eq(s.total_votes, 2);
	/* the barrier was written to <state_dir>/ev_tracking */
	{
		FILE *f;
		uint32_t v = 0;

		snprintf(path, sizeof(path), "%s/0/ev_tracking", dir);
		f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fread(&v, sizeof(v), 1, f), 1);
		fclose(f);
		ck_assert_uint_eq(v, 3);
	}
	cluster_free(&cl);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%zu/ev_tracking", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%zu", dir, i);
		rmdir(path);
	}
	rmdir(dir);
}
END_TEST

static Suite *votequorum_suite(void)
{
	Suite *s = suite_create("votequorum");
	TCase *tc;

	tc = tcase_create("arithmetic_table");
	tcase_add_loop_test(tc, arithmetic_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("config_errors");
	tcase_add_loop_test(tc, config_errors, 0, (int)(sizeof(bad_cfgs) / sizeof(bad_cfgs[0])));
	suite_add_tcase(s, tc);
	add_tcase(s, tc, config_uneven_device_votes);
	add_tcase(s, tc, getinfo_fields);
	add_tcase(s, tc, tracking_events);
	add_tcase(s, tc, setexpected_setvotes);
	add_tcase(s, tc, exec_wire);
	add_tcase(s, tc, runtime_keys);
	add_tcase(s, tc, qdevice_flow);
	add_tcase(s, tc, qdevice_disabled_and_bad_names);
	add_tcase(s, tc, downscale_leave);
	add_tcase(s, tc, wfa_merge_nodeinfo_says_settled_quorate);
	add_tcase(s, tc, wfa_aborted_sync_undone);
	return s;
}

int main(void)
{
	return check_run_suite(votequorum_suite());
}
