/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The CPG checkers (see sim_cpg_check.h).  A client is named by (nodeid,
 * pid); the simulator never reuses a pid on a node, so a name is one
 * process joining one group at most once.
 *
 * Group histories: every node processes the CPG messages of a ring in the
 * same order, and the activation of a sync at the same point of it, so
 * after a completed sync of ring R each group has one sequence S of events
 * (confchgs and deliveries) on every node that then goes through the same
 * configurations until its next completed sync (an "epoch" with the same
 * "path").  A client's events of one epoch are a contiguous run of S (it is
 * a member over one interval).  Events have unique keys (a delivery is its
 * tag; a confchg hashes its lists and reasons, unique within an epoch), so
 * two clients' runs must share their common events as one contiguous run in
 * both.  Nodes with different paths only share the part before their first
 * TRANSITIONAL (delivery is gap-free there); later their common events must
 * still come in the same order.  Memory failures abort (test code).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/ipc_cpg.h>

#include "test/sim/sim_cpg_check.h"
#include "test/sim/sim_payload.h"
#include "test/sim/sim_table.h"
#include "test/sim/sim_prng.h"

/* ---- containers ----------------------------------------------------------- */

static uint64_t mix(uint64_t h, uint64_t x)
{
	uint64_t s = h ^ (x + 0x9e3779b97f4a7c15ull);

	return sim_splitmix64(&s);
}

/* ---- model ---------------------------------------------------------------- */

/* A client's events of one epoch of its node. */
struct win {
	uint32_t client;
	int32_t ring;                /* index in rings[] of the epoch's ring */
	uint64_t group;              /* hash of the group name */
	uint64_t path;               /* configurations after the ring's sync (at close) */
	bool closed;
	struct sim_vec keys;
	size_t pre;                  /* events before the node's first TRANSITIONAL */
};

struct ccl {
	uint32_t nodeid, pid;
	bool alive, join_req, in_group, left, leave_req;
	uint8_t group[CPG_WIRE_NAME_MAX];
	uint32_t glen;
	struct sim_vec view;             /* sorted member keys */
	uint64_t sent_seq, self_next;
	uint64_t merge_cut;          /* sent_seq at its node's last merging configuration */
	struct sim_map from_last;        /* sender key -> last seq delivered */
	int32_t win;                 /* current window, -1 none */
};

struct cnode {
	uint32_t nodeid;
	bool up;
	uint32_t trans[SIM_CHECK_NODES_MAX];
	size_t trans_count;
	bool epoch_open;
	int32_t ring;                /* ring of the epoch */
	uint64_t path;
	bool after_trans;
};

struct ring_snap {
	struct srp_ring_id id;
	bool have;
	uint32_t first_node;
	struct sim_vec procs;            /* sorted proc keys */
};

struct sim_cpg_check {
	struct sim_check *chk;
	struct ccl *cl;
	size_t cl_count, cl_cap;
	struct sim_map cl_idx;           /* client key -> index + 1 */
	struct cnode nodes[SIM_CHECK_NODES_MAX];
	size_t nodes_count;
	struct sim_map sent;             /* tag -> len | SENT_CUTTABLE */
	struct ring_snap *rings;
	size_t rings_count;
	struct win *wins;
	size_t wins_count, wins_cap;
	struct sim_cpg_stats stats;
	uint8_t *buf;                /* scratch for expected payloads */
};

#define FAIL(cc, node, ...) sim_check_fail((cc)->chk, (node), __VA_ARGS__)

/* In a sent length: a merge may cut this message (sim_cpg_client_sent). */
#define SENT_CUTTABLE (1ull << 32)

static uint64_t ckey(uint32_t nodeid, uint32_t pid)
{
	return ((uint64_t)nodeid << 32) | pid;
}

static uint64_t tag_make(uint32_t nodeid, uint32_t pid, uint64_t seq)
{
	/* nodeids < 2^20, pids < 2^20, seqs < 2^24 in the simulator */
	return ((uint64_t)(nodeid & 0xfffff) << 44) | ((uint64_t)(pid & 0xfffff) << 24) |
	       (seq & 0xffffff);
}

static uint64_t name_hash(const void *name, size_t len)
{
	uint64_t h = 0x67726f7570ull;
	const uint8_t *b = name;

	for (size_t i = 0; i < len; i++)
		h = mix(h, b[i]);
	return mix(h, len) | 1;
}

struct sim_cpg_check *sim_cpg_check_new(struct sim_check *chk)
{
	struct sim_cpg_check *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return NULL;
	cc->chk = chk;
	return cc;
}

void sim_cpg_check_free(struct sim_cpg_check *cc)
{
	if (!cc)
		return;
	for (size_t i = 0; i < cc->cl_count; i++) {
		sim_vec_free(&cc->cl[i].view);
		sim_map_free(&cc->cl[i].from_last);
	}
	for (size_t i = 0; i < cc->rings_count; i++)
		sim_vec_free(&cc->rings[i].procs);
	for (size_t i = 0; i < cc->wins_count; i++)
		sim_vec_free(&cc->wins[i].keys);
	free(cc->wins);
	free(cc->rings);
	free(cc->cl);
	sim_map_free(&cc->cl_idx);
	sim_map_free(&cc->sent);
	free(cc->buf);
	free(cc);
}

struct sim_check *sim_cpg_check_sim(struct sim_cpg_check *cc)
{
	return cc->chk;
}

void sim_cpg_check_note_trans_delivery(struct sim_cpg_check *cc)
{
	cc->stats.trans_delivered++;
}

void sim_cpg_check_note_replay(struct sim_cpg_check *cc)
{
	cc->stats.replayed++;
}

void sim_cpg_stats_get(const struct sim_cpg_check *cc, struct sim_cpg_stats *ret)
{
	*ret = cc->stats;
}

static struct cnode *node_get(struct sim_cpg_check *cc, uint32_t nodeid)
{
	for (size_t i = 0; i < cc->nodes_count; i++)
		if (cc->nodes[i].nodeid == nodeid)
			return &cc->nodes[i];
	if (cc->nodes_count == SIM_CHECK_NODES_MAX)
		return NULL;
	cc->nodes[cc->nodes_count] = (struct cnode){ .nodeid = nodeid, .up = true, .ring = -1 };
	return &cc->nodes[cc->nodes_count++];
}

static struct ccl *client_find(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid)
{
	uint64_t i;

	if (!sim_map_get(&cc->cl_idx, ckey(nodeid, pid), &i))
		return NULL;
	return &cc->cl[i - 1];
}

/* ---- payloads --------------------------------------------------------------- */

#define SIM_CPG_SALT 0xbf58476d1ce4e5b9ull

size_t sim_cpg_msg_build(void *buf, size_t cap, uint32_t nodeid, uint32_t pid, uint64_t seq,
			 size_t len)
{
	uint8_t *b = buf;
	uint64_t tag = tag_make(nodeid, pid, seq);
	uint32_t sum, v;

	if (len < SIM_CPG_HDR_LEN || len > cap || len > UINT32_MAX)
		return 0;
	sim_fill(b, SIM_CPG_HDR_LEN, len, tag, SIM_CPG_SALT);
	sum = sim_sum(b, SIM_CPG_HDR_LEN, len);
	v = SIM_CPG_MAGIC;
	memcpy(b, &v, 4);
	memcpy(b + 4, &nodeid, 4);
	memcpy(b + 8, &pid, 4);
	v = (uint32_t)len;
	memcpy(b + 12, &v, 4);
	memcpy(b + 16, &seq, 8);
	memcpy(b + 24, &sum, 4);
	memset(b + 28, 0, 4);
	return len;
}

/* 0 with (nodeid, pid, seq), or -1 with a reason. */
static int msg_parse(const void *msg, size_t len, uint32_t *nodeid, uint32_t *pid, uint64_t *seq,
		     const char **why)
{
	const uint8_t *b = msg;
	uint32_t magic, l, want;
	uint64_t tag;

	if (len < SIM_CPG_HDR_LEN) {
		*why = "shorter than the header";
		return -1;
	}
	memcpy(&magic, b, 4);
	memcpy(nodeid, b + 4, 4);
	memcpy(pid, b + 8, 4);
	memcpy(&l, b + 12, 4);
	memcpy(seq, b + 16, 8);
	memcpy(&want, b + 24, 4);
	if (magic != SIM_CPG_MAGIC) {
		*why = "bad magic";
		return -1;
	}
	if (l != len) {
		*why = "length differs from the sent length";
		return -1;
	}
	tag = tag_make(*nodeid, *pid, *seq);
	if (!sim_fill_ok(b, SIM_CPG_HDR_LEN, len, tag, SIM_CPG_SALT)) {
		*why = "body corrupted";
		return -1;
	}
	if (sim_sum(b, SIM_CPG_HDR_LEN, len) != want) {
		*why = "checksum mismatch";
		return -1;
	}
	return 0;
}

/* ---- client actions ------------------------------------------------------------ */

void sim_cpg_client_open(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid)
{
	struct ccl *c;

	if (client_find(cc, nodeid, pid)) {
		FAIL(cc, nodeid, "simulator reused pid %u", pid);
		return;
	}
	if (cc->cl_count == cc->cl_cap) {
		cc->cl_cap = cc->cl_cap ? cc->cl_cap * 2 : 32;
		cc->cl = sim_xrealloc(cc->cl, cc->cl_cap * sizeof(*cc->cl));
	}
	c = &cc->cl[cc->cl_count];
	memset(c, 0, sizeof(*c));
	c->nodeid = nodeid;
	c->pid = pid;
	c->alive = true;
	c->self_next = 1;
	c->win = -1;
	sim_map_put(&cc->cl_idx, ckey(nodeid, pid), ++cc->cl_count);
	(void)node_get(cc, nodeid);
}

void sim_cpg_client_join(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			 const void *group, size_t group_len)
{
	struct ccl *c = client_find(cc, nodeid, pid);

	if (!c || !c->alive || c->join_req || group_len > CPG_WIRE_NAME_MAX) {
		FAIL(cc, nodeid, "JOIN accepted for pid %u which cannot join", pid);
		return;
	}
	c->join_req = true;
	memcpy(c->group, group, group_len);
	c->glen = (uint32_t)group_len;
	cc->stats.joins++;
}

void sim_cpg_client_leave(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid)
{
	struct ccl *c = client_find(cc, nodeid, pid);

	if (!c || !c->in_group || c->left || c->leave_req) {
		FAIL(cc, nodeid, "LEAVE accepted for pid %u which is not a member", pid);
		return;
	}
	c->leave_req = true;
	cc->stats.leaves++;
}

void sim_cpg_client_crash(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid)
{
	struct ccl *c = client_find(cc, nodeid, pid);

	if (c && c->alive) {
		c->alive = false;
		cc->stats.crashes++;
	}
}

void sim_cpg_client_sent(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			 const void *msg, size_t len, bool cuttable)
{
	struct ccl *c = client_find(cc, nodeid, pid);
	uint32_t n, p;
	uint64_t seq;
	const char *why = NULL;

	if (!c || msg_parse(msg, len, &n, &p, &seq, &why) < 0 || n != nodeid || p != pid ||
	    seq != c->sent_seq + 1) {
		FAIL(cc, nodeid, "client %u sent a malformed payload (%s)", pid, why ? why : "tag");
		return;
	}
	c->sent_seq = seq;
	sim_map_put(&cc->sent, tag_make(n, p, seq), len | (cuttable ? SENT_CUTTABLE : 0));
	cc->stats.sent++;
}

/* ---- windows (group histories) -------------------------------------------------- */

/*
 * The keys both windows share must be one contiguous run in both (same
 * path), or the shared keys of their pre-TRANSITIONAL parts must (other
 * paths); in either case shared keys come in the same order.
 */
static bool win_compare(struct sim_cpg_check *cc, const struct win *a, const struct win *b,
			char *why, size_t cap)
{
	bool same = a->path == b->path;
	size_t an = same ? a->keys.n : a->pre, bn = same ? b->keys.n : b->pre;
	struct sim_map pos = { 0 };
	size_t j, i0 = 0, run = 0;
	bool started = false, ended = false;
	uint64_t ai, last = 0;
	bool have_last = false;

	(void)cc;
	for (size_t i = 0; i < a->keys.n; i++)
		sim_map_put(&pos, a->keys.v[i], i + 1);
	/* order over everything both have */
	for (j = 0; j < b->keys.n; j++) {
		if (!sim_map_get(&pos, b->keys.v[j], &ai))
			continue;
		if (have_last && ai <= last) {
			snprintf(why, cap, "shared events in another order (event %zu of one is "
				 "event %" PRIu64 " of the other)", j, ai - 1);
			sim_map_free(&pos);
			return false;
		}
		last = ai;
		have_last = true;
	}
	/* contiguity within the comparable parts */
	for (j = 0; j < bn; j++) {
		bool in_a = sim_map_get(&pos, b->keys.v[j], &ai) && ai - 1 < an;

		if (!started) {
			if (!in_a)
				continue;
			started = true;
			i0 = (size_t)(ai - 1);
			run = 1;
			continue;
		}
		if (ended) {
			if (in_a) {
				snprintf(why, cap, "%s: event %zu of one history is shared again after "
					 "the histories differed", same ? "same configurations" :
					 "before the first transitional configuration", j);
				sim_map_free(&pos);
				return false;
			}
			continue;
		}
		if (i0 + run < an && a->keys.v[i0 + run] == b->keys.v[j]) {
			run++;
			continue;
		}
		/* The runs part here: fine only when one of them ends. */
		if (i0 + run < an) {
			snprintf(why, cap, "%s: the histories differ after %zu shared events "
				 "(one has event %zu, the other event %zu)", same ?
				 "same configurations" : "before the first transitional configuration",
				 run, j, i0 + run);
			sim_map_free(&pos);
			return false;
		}
		ended = true;
		if (in_a) {
			snprintf(why, cap, "an event appears after the end of the other history");
			sim_map_free(&pos);
			return false;
		}
	}
	sim_map_free(&pos);
	return true;
}

static void win_close(struct sim_cpg_check *cc, struct win *w, uint64_t path)
{
	char why[300];

	w->closed = true;
	w->path = path;
	for (size_t k = 0; k < cc->wins_count; k++) {
		const struct win *v = &cc->wins[k];

		if (v == w || !v->closed || v->ring != w->ring || v->group != w->group)
			continue;
		cc->stats.histories++;
		if (!win_compare(cc, w, v, why, sizeof(why))) {
			const struct ccl *a = &cc->cl[w->client], *b = &cc->cl[v->client];

			FAIL(cc, a->nodeid, "group history of %u/%u and %u/%u after the sync of ring "
			     "%u/%" PRIu64 " disagree: %s", a->nodeid, a->pid, b->nodeid, b->pid,
			     cc->rings[w->ring].id.rep, cc->rings[w->ring].id.seq, why);
			return;
		}
	}
}

/* Close the windows of the node's epoch; path UINT64_MAX: node died (never the same). */
static void epoch_close(struct sim_cpg_check *cc, struct cnode *n, uint64_t path)
{
	for (size_t i = 0; i < cc->cl_count; i++) {
		struct ccl *c = &cc->cl[i];

		if (c->nodeid != n->nodeid || c->win < 0)
			continue;
		win_close(cc, &cc->wins[c->win], path == UINT64_MAX ? mix(path, i) : path);
		c->win = -1;
	}
	n->epoch_open = false;
}

/* key is one of w's events already (the keys are in event order, not sorted) */
static bool win_has(const struct win *w, uint64_t key)
{
	for (size_t i = 0; i < w->keys.n; i++)
		if (w->keys.v[i] == key)
			return true;
	return false;
}

static void win_add(struct sim_cpg_check *cc, struct ccl *c, uint64_t key)
{
	struct cnode *n = node_get(cc, c->nodeid);
	struct win *w;

	if (!n || !n->epoch_open)
		return;
	if (c->win < 0) {
		if (cc->wins_count == cc->wins_cap) {
			cc->wins_cap = cc->wins_cap ? cc->wins_cap * 2 : 64;
			cc->wins = sim_xrealloc(cc->wins, cc->wins_cap * sizeof(*cc->wins));
		}
		w = &cc->wins[cc->wins_count];
		memset(w, 0, sizeof(*w));
		w->client = (uint32_t)(c - cc->cl);
		w->ring = n->ring;
		w->group = name_hash(c->group, c->glen);
		c->win = (int32_t)cc->wins_count++;
	}
	w = &cc->wins[c->win];
	/*
	 * A confchg's key is its lists and reasons, and the same lists can
	 * come twice in one epoch: a node that goes down and up again while
	 * no sync completes gives its processes NODEUP twice with the same
	 * members (seed 12685980250379 of the soak, a checker bug that made
	 * two agreeing histories look reordered).  The n-th occurrence in the
	 * window gets its own key; every client listed saw the earlier ones
	 * in this epoch too, so the numbering agrees between clients.
	 */
	while ((key & 1) && win_has(w, key))
		key = mix(key, 0x6f6363757273ull) | 1;
	sim_vec_push(&w->keys, key);
	if (!n->after_trans)
		w->pre = w->keys.n;
}

/* ---- events ---------------------------------------------------------------------- */

static bool vec_has_raw(const uint64_t *v, size_t n, uint64_t k)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v[mid] == k)
			return true;
		if (v[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool vec_has(const struct sim_vec *v, uint64_t k)
{
	return vec_has_raw(v->v, v->n, k);
}

static int u64cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool in_ids(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static const char *reason_str(uint32_t r)
{
	switch (r) {
	case CONFCHG_CPG_REASON_JOIN: return "JOIN";
	case CONFCHG_CPG_REASON_LEAVE: return "LEAVE";
	case CONFCHG_CPG_REASON_NODEDOWN: return "NODEDOWN";
	case CONFCHG_CPG_REASON_NODEUP: return "NODEUP";
	case CONFCHG_CPG_REASON_PROCDOWN: return "PROCDOWN";
	}
	return "?";
}

static void ev_confchg(struct sim_cpg_check *cc, struct ccl *c, const void *ev, size_t len)
{
	const struct res_lib_cpg_confchg_callback *e = ev;
	const mar_cpg_address_t *a = e->member_list;
	struct cnode *node = node_get(cc, c->nodeid);
	size_t nm, nl, nj;
	struct sim_vec next = { 0 };
	uint64_t key = 0x636f6e66ull, self = ckey(c->nodeid, c->pid);
	bool own_join = false, own_leave = false;

	cc->stats.confchgs++;
	if (len < sizeof(*e)) {
		FAIL(cc, c->nodeid, "confchg event of %zu bytes", len);
		return;
	}
	nm = e->member_list_entries;
	nl = e->left_list_entries;
	nj = e->joined_list_entries;
	if (nm + nl + nj > 3 * CPG_WIRE_MEMBERS_MAX ||
	    len != sizeof(*e) + (nm + nl + nj) * sizeof(*a) || (size_t)e->header.size != len) {
		FAIL(cc, c->nodeid, "confchg event with inconsistent sizes");
		return;
	}
	if (e->group_name.length != c->glen || memcmp(e->group_name.value, c->group, c->glen) != 0) {
		FAIL(cc, c->nodeid, "client %u/%u got a confchg of another group", c->nodeid, c->pid);
		return;
	}
	if (!c->join_req || c->left) {
		FAIL(cc, c->nodeid, "client %u/%u got a confchg %s", c->nodeid, c->pid,
		     c->left ? "after its own LEAVE" : "without having joined");
		return;
	}
	for (size_t i = 0; i < nm; i++) {
		sim_vec_push(&next, ckey(a[i].nodeid, a[i].pid));
		key = mix(key, ckey(a[i].nodeid, a[i].pid));
	}
	if (next.n)
		qsort(next.v, next.n, sizeof(*next.v), u64cmp);
	for (size_t i = 1; i < next.n; i++)
		if (next.v[i] == next.v[i - 1]) {
			FAIL(cc, c->nodeid, "confchg to %u/%u lists member %u/%u twice", c->nodeid, c->pid,
			     (uint32_t)(next.v[i] >> 32), (uint32_t)next.v[i]);
			goto out;
		}
	/* left: were members, not any more; the reason fits what happened */
	for (size_t i = 0; i < nl; i++) {
		const mar_cpg_address_t *l = &a[nm + i];
		uint64_t k = ckey(l->nodeid, l->pid);
		const struct ccl *o = client_find(cc, l->nodeid, l->pid);

		key = mix(mix(key, k), l->reason | 0x100);
		if (k == self) {
			if (l->reason != CONFCHG_CPG_REASON_LEAVE) {
				FAIL(cc, c->nodeid, "client %u/%u told it left with %s", c->nodeid,
				     c->pid, reason_str(l->reason));
				goto out;
			}
			own_leave = true;
		}
		if (c->in_group && !vec_has(&c->view, k)) {
			FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u left (%s) but was not a member",
			     c->nodeid, c->pid, l->nodeid, l->pid, reason_str(l->reason));
			goto out;
		}
		if (vec_has(&next, k)) {
			FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u left but is still listed",
			     c->nodeid, c->pid, l->nodeid, l->pid);
			goto out;
		}
		switch (l->reason) {
		case CONFCHG_CPG_REASON_LEAVE:
			if (!o || !o->leave_req) {
				FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u left with LEAVE but never "
				     "asked to leave", c->nodeid, c->pid, l->nodeid, l->pid);
				goto out;
			}
			break;
		case CONFCHG_CPG_REASON_PROCDOWN:
			if (o && o->alive && o->in_group && !o->left && !o->leave_req) {
				FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u left with PROCDOWN but is "
				     "alive and joined", c->nodeid, c->pid, l->nodeid, l->pid);
				goto out;
			}
			break;
		case CONFCHG_CPG_REASON_NODEDOWN:
			if (node && in_ids(node->trans, node->trans_count, l->nodeid)) {
				FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u left with NODEDOWN but its "
				     "node is in the transitional configuration", c->nodeid, c->pid,
				     l->nodeid, l->pid);
				goto out;
			}
			break;
		default:
			FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u left with reason %u", c->nodeid,
			     c->pid, l->nodeid, l->pid, l->reason);
			goto out;
		}
	}
	for (size_t i = 0; i < nj; i++) {
		const mar_cpg_address_t *jn = &a[nm + nl + i];
		uint64_t k = ckey(jn->nodeid, jn->pid);

		key = mix(mix(key, k), jn->reason | 0x200);
		if (k == self && jn->reason == CONFCHG_CPG_REASON_JOIN)
			own_join = true;
		if (c->in_group && vec_has(&c->view, k)) {
			FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u joined but was a member already",
			     c->nodeid, c->pid, jn->nodeid, jn->pid);
			goto out;
		}
		if (!vec_has(&next, k)) {
			FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u joined but is not listed",
			     c->nodeid, c->pid, jn->nodeid, jn->pid);
			goto out;
		}
		if (jn->reason != CONFCHG_CPG_REASON_JOIN && jn->reason != CONFCHG_CPG_REASON_NODEUP) {
			FAIL(cc, c->nodeid, "confchg to %u/%u: %u/%u joined with reason %s",
			     c->nodeid, c->pid, jn->nodeid, jn->pid, reason_str(jn->reason));
			goto out;
		}
	}
	if (!c->in_group) {
		if (!own_join) {
			FAIL(cc, c->nodeid, "the first confchg to %u/%u is not its own JOIN", c->nodeid,
			     c->pid);
			goto out;
		}
		c->in_group = true;
	} else {
		/* members = view - left + joined */
		size_t expect = c->view.n - nl + nj;

		if (own_join) {
			FAIL(cc, c->nodeid, "client %u/%u joined twice", c->nodeid, c->pid);
			goto out;
		}
		if (next.n != expect) {
			FAIL(cc, c->nodeid, "confchg to %u/%u: %zu members, but %zu before, %zu left, "
			     "%zu joined", c->nodeid, c->pid, next.n, c->view.n, nl, nj);
			goto out;
		}
	}
	if (!own_leave && !vec_has(&next, self)) {
		FAIL(cc, c->nodeid, "confchg to %u/%u does not list it", c->nodeid, c->pid);
		goto out;
	}
	win_add(cc, c, key | 1);
	sim_vec_free(&c->view);
	c->view = next;
	next.v = NULL;
	if (own_leave) {
		c->left = true;
		c->in_group = false;
		sim_vec_free(&c->view);
	}
out:
	sim_vec_free(&next);
}

/*
 * May the client's own messages #from..#to all be missing?  Only if a merge
 * came after they were sent and each is one a merge can cut: split across
 * totempg frames (pg_ring_merged() drops it on every node) or sent in
 * PARTIAL_MCAST fragments (cpg_partial.c cuts it at the sync).  A message
 * totempg never splits (pg_whole_max()) is delivered whole or not at all;
 * its loss, or the loss of the MCASTs queued behind a cut PROCJOIN (from a
 * non-member: dropped everywhere), fails here.
 */
static bool own_gap_cut(const struct sim_cpg_check *cc, const struct ccl *c, uint64_t from,
			uint64_t to)
{
	uint64_t v;

	if (to > c->merge_cut)
		return false;
	for (uint64_t seq = from; seq <= to; seq++)
		if (!sim_map_get(&cc->sent, tag_make(c->nodeid, c->pid, seq), &v) ||
		    !(v & SENT_CUTTABLE))
			return false;
	return true;
}

static void ev_deliver(struct sim_cpg_check *cc, struct ccl *c, const void *ev, size_t len)
{
	const struct res_lib_cpg_deliver_callback *e = ev;
	uint32_t n, p;
	uint64_t seq, last = 0, tag, slen;
	const char *why = NULL;

	cc->stats.delivered++;
	if (len < sizeof(*e) || len != sizeof(*e) + e->msglen || (size_t)e->header.size != len) {
		FAIL(cc, c->nodeid, "deliver event with inconsistent sizes");
		return;
	}
	if (!c->in_group || c->left) {
		FAIL(cc, c->nodeid, "message from %u/%u delivered to %u/%u %s", e->nodeid, e->pid,
		     c->nodeid, c->pid, c->left ? "after it left the group" : "before it joined");
		return;
	}
	if (e->group_name.length != c->glen || memcmp(e->group_name.value, c->group, c->glen) != 0) {
		FAIL(cc, c->nodeid, "client %u/%u got a message of another group", c->nodeid, c->pid);
		return;
	}
	if (!vec_has(&c->view, ckey(e->nodeid, e->pid))) {
		FAIL(cc, c->nodeid, "message from %u/%u delivered to %u/%u whose view does not "
		     "have the sender", e->nodeid, e->pid, c->nodeid, c->pid);
		return;
	}
	if (msg_parse(e->message, e->msglen, &n, &p, &seq, &why) < 0) {
		FAIL(cc, c->nodeid, "%u/%u got a payload nobody sent (%s, %u bytes, from %u/%u)",
		     c->nodeid, c->pid, why, e->msglen, e->nodeid, e->pid);
		return;
	}
	tag = tag_make(n, p, seq);
	if (n != e->nodeid || p != e->pid) {
		FAIL(cc, c->nodeid, "message %u/%u#%" PRIu64 " delivered to %u/%u as from %u/%u", n,
		     p, seq, c->nodeid, c->pid, e->nodeid, e->pid);
		return;
	}
	if (!sim_map_get(&cc->sent, tag, &slen) || (slen & ~SENT_CUTTABLE) != e->msglen) {
		FAIL(cc, c->nodeid, "message %u/%u#%" PRIu64 " delivered to %u/%u was never sent",
		     n, p, seq, c->nodeid, c->pid);
		return;
	}
	(void)sim_map_get(&c->from_last, ckey(n, p), &last);
	if (seq <= last) {
		FAIL(cc, c->nodeid, "message %u/%u#%" PRIu64 " delivered to %u/%u %s", n, p, seq,
		     c->nodeid, c->pid, seq == last ? "twice" : "out of FIFO order");
		return;
	}
	sim_map_put(&c->from_last, ckey(n, p), seq);
	if (n == c->nodeid && p == c->pid) {
		if (seq > c->self_next && own_gap_cut(cc, c, c->self_next, seq - 1))
			c->self_next = seq;
		if (seq != c->self_next) {
			FAIL(cc, c->nodeid, "client %u/%u got its own message #%" PRIu64 " but #%" PRIu64
			     " is missing", c->nodeid, c->pid, seq, c->self_next);
			return;
		}
		c->self_next++;
	}
	win_add(cc, c, tag << 1);
}

void sim_cpg_event(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid, const void *ev,
		   size_t len)
{
	struct ccl *c = client_find(cc, nodeid, pid);
	struct qb_ipc_response_header h;

	if (!c) {
		FAIL(cc, nodeid, "event for unknown client %u/%u", nodeid, pid);
		return;
	}
	if (!c->alive) {
		FAIL(cc, nodeid, "event for client %u/%u after it was gone", nodeid, pid);
		return;
	}
	if (len < sizeof(h)) {
		FAIL(cc, nodeid, "event of %zu bytes", len);
		return;
	}
	memcpy(&h, ev, sizeof(h));
	switch (h.id) {
	case MESSAGE_RES_CPG_CONFCHG_CALLBACK:
		ev_confchg(cc, c, ev, len);
		break;
	case MESSAGE_RES_CPG_DELIVER_CALLBACK:
		ev_deliver(cc, c, ev, len);
		break;
	case MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK:
		break;
	default:
		FAIL(cc, nodeid, "client %u/%u got event id %d", nodeid, pid, h.id);
		break;
	}
}

/* ---- node level ------------------------------------------------------------------- */

void sim_cpg_node_down(struct sim_cpg_check *cc, uint32_t nodeid)
{
	struct cnode *n = node_get(cc, nodeid);

	for (size_t i = 0; i < cc->cl_count; i++)
		if (cc->cl[i].nodeid == nodeid)
			sim_cpg_client_crash(cc, nodeid, cc->cl[i].pid);
	if (n) {
		if (n->epoch_open)
			epoch_close(cc, n, UINT64_MAX);
		n->trans_count = 0;
		n->after_trans = false;
	}
}

void sim_cpg_srp_confchg(struct sim_cpg_check *cc, uint32_t nodeid, const struct srp_confchg *chg)
{
	struct cnode *n = node_get(cc, nodeid);

	if (!n)
		return;
	if (chg->type == SRP_CONFCHG_REGULAR && chg->joined_count)
		for (size_t i = 0; i < cc->cl_count; i++)
			if (cc->cl[i].nodeid == nodeid)
				cc->cl[i].merge_cut = cc->cl[i].sent_seq;
	if (chg->type == SRP_CONFCHG_TRANSITIONAL) {
		n->trans_count = chg->members_count < SIM_CHECK_NODES_MAX ? chg->members_count :
									     SIM_CHECK_NODES_MAX;
		if (n->trans_count)
			memcpy(n->trans, chg->members, n->trans_count * sizeof(n->trans[0]));
		n->after_trans = true;
	}
	n->path = mix(mix(mix(n->path, chg->type + 1), chg->ring_id.rep), chg->ring_id.seq);
	for (size_t i = 0; i < chg->members_count; i++)
		n->path = mix(n->path, chg->members[i]);
}

static int32_t ring_get(struct sim_cpg_check *cc, struct srp_ring_id id)
{
	for (size_t r = cc->rings_count; r-- > 0;)
		if (cc->rings[r].id.rep == id.rep && cc->rings[r].id.seq == id.seq)
			return (int32_t)r;
	cc->rings = sim_xrealloc(cc->rings, (cc->rings_count + 1) * sizeof(*cc->rings));
	memset(&cc->rings[cc->rings_count], 0, sizeof(cc->rings[0]));
	cc->rings[cc->rings_count].id = id;
	return (int32_t)cc->rings_count++;
}

static uint64_t proc_key(const struct sim_cpg_proc *p)
{
	return mix(mix(ckey(p->nodeid, p->pid), name_hash(p->name, p->name_len)), 0x70726f63ull) | 1;
}

void sim_cpg_sync_done(struct sim_cpg_check *cc, uint32_t nodeid, struct srp_ring_id ring,
		       const struct sim_cpg_proc *procs, size_t n)
{
	struct cnode *node = node_get(cc, nodeid);
	struct sim_vec v = { 0 };
	struct ring_snap *rs;
	int32_t r;

	if (!node)
		return;
	cc->stats.syncs++;
	if (node->epoch_open)
		epoch_close(cc, node, node->path);
	r = ring_get(cc, ring);
	rs = &cc->rings[r];
	for (size_t i = 0; i < n; i++)
		sim_vec_push(&v, proc_key(&procs[i]));
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), u64cmp);
	if (!rs->have) {
		rs->have = true;
		rs->first_node = nodeid;
		rs->procs = v;
		v.v = NULL;
	} else if (rs->procs.n != v.n || (v.n && memcmp(rs->procs.v, v.v, v.n * sizeof(*v.v)) != 0)) {
		FAIL(cc, nodeid, "after the sync of ring %u/%" PRIu64 " node %u has %zu group members "
		     "and node %u %zu, or other ones", ring.rep, ring.seq, nodeid, v.n, rs->first_node,
		     rs->procs.n);
	}
	sim_vec_free(&v);
	/* each local member's view equals the list of its group */
	for (size_t i = 0; i < cc->cl_count; i++) {
		struct ccl *c = &cc->cl[i];
		struct sim_vec g = { 0 };
		bool eq;

		if (c->nodeid != nodeid || !c->alive || !c->in_group || c->left)
			continue;
		for (size_t k = 0; k < n; k++)
			if (procs[k].name_len == c->glen && memcmp(procs[k].name, c->group, c->glen) == 0)
				sim_vec_push(&g, ckey(procs[k].nodeid, procs[k].pid));
		qsort(g.v, g.n, sizeof(*g.v), u64cmp);
		eq = g.n == c->view.n && (g.n == 0 || memcmp(g.v, c->view.v, g.n * sizeof(*g.v)) == 0);
		if (!eq)
			FAIL(cc, nodeid, "after the sync of ring %u/%" PRIu64 " client %u/%u sees %zu "
			     "members but its node lists %zu (or other ones)", ring.rep, ring.seq,
			     nodeid, c->pid, c->view.n, g.n);
		sim_vec_free(&g);
	}
	node->epoch_open = true;
	node->ring = r;
	node->path = 0;
	node->after_trans = false;
}

size_t sim_cpg_client_view(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			   const uint64_t **ret_view)
{
	struct ccl *c = client_find(cc, nodeid, pid);

	if (!c || !c->in_group || c->left)
		return 0;
	*ret_view = c->view.v;
	return c->view.n;
}

void sim_cpg_client_iteration(struct sim_cpg_check *cc, uint32_t nodeid, uint32_t pid,
			      uint32_t type, const struct sim_cpg_proc *items, size_t n,
			      const uint64_t *view, size_t view_n)
{
	struct ccl *c = client_find(cc, nodeid, pid);
	size_t mine = 0, named = 0;

	if (!c)
		return;
	for (size_t i = 0; i < n; i++) {
		bool same = items[i].name_len == c->glen &&
			    memcmp(items[i].name, c->group, c->glen) == 0;

		for (size_t k = 0; k < i; k++)
			if (items[k].nodeid == items[i].nodeid && items[k].pid == items[i].pid &&
			    items[k].name_len == items[i].name_len &&
			    memcmp(items[k].name, items[i].name, items[i].name_len) == 0) {
				FAIL(cc, nodeid, "iteration (type %u) of client %u/%u lists %u/%u in %.*s twice",
				     type, nodeid, pid, items[i].nodeid, items[i].pid,
				     (int)items[i].name_len, (const char *)items[i].name);
				return;
			}
		if (type == 2 && !same) {
			FAIL(cc, nodeid, "ONE_GROUP iteration of client %u/%u lists group %.*s", nodeid,
			     pid, (int)items[i].name_len, (const char *)items[i].name);
			return;
		}
		if (!same)
			continue;
		named++;
		if (type == 1) {
			if (items[i].nodeid || items[i].pid) {
				FAIL(cc, nodeid, "NAME_ONLY iteration of client %u/%u gives a process",
				     nodeid, pid);
				return;
			}
			continue;
		}
		if (view && !vec_has_raw(view, view_n, ckey(items[i].nodeid, items[i].pid))) {
			FAIL(cc, nodeid, "iteration (type %u) of client %u/%u lists %u/%u, not in its view",
			     type, nodeid, pid, items[i].nodeid, items[i].pid);
			return;
		}
		mine++;
	}
	if (!view)
		return;
	if (type == 1 ? named != 1 : mine != view_n)
		FAIL(cc, nodeid, "iteration (type %u) of client %u/%u lists %zu of its group, its view "
		     "has %zu", type, nodeid, pid, type == 1 ? named : mine, view_n);
}

void sim_cpg_final(struct sim_cpg_check *cc)
{
	/* close open epochs: all nodes are in one ring, none moved since */
	for (size_t i = 0; i < cc->nodes_count; i++)
		if (cc->nodes[i].epoch_open)
			epoch_close(cc, &cc->nodes[i], cc->nodes[i].path);
	for (size_t i = 0; i < cc->cl_count; i++) {
		struct ccl *c = &cc->cl[i];
		size_t expect = 0;

		if (!c->alive || !c->in_group || c->left)
			continue;
		/* its last messages, cut by a merge (as in ev_deliver) */
		if (c->self_next <= c->sent_seq && own_gap_cut(cc, c, c->self_next, c->sent_seq))
			c->self_next = c->sent_seq + 1;
		if (c->self_next != c->sent_seq + 1) {
			FAIL(cc, c->nodeid, "client %u/%u got %" PRIu64 " of its %" PRIu64 " messages",
			     c->nodeid, c->pid, c->self_next - 1, c->sent_seq);
			return;
		}
		for (size_t k = 0; k < cc->cl_count; k++) {
			const struct ccl *o = &cc->cl[k];

			if (!o->alive || !o->in_group || o->left || o->glen != c->glen ||
			    memcmp(o->group, c->group, c->glen) != 0)
				continue;
			expect++;
			if (!vec_has(&c->view, ckey(o->nodeid, o->pid))) {
				FAIL(cc, c->nodeid, "at the end %u/%u does not see member %u/%u",
				     c->nodeid, c->pid, o->nodeid, o->pid);
				return;
			}
		}
		if (expect != c->view.n) {
			FAIL(cc, c->nodeid, "at the end %u/%u sees %zu members, %zu are alive", c->nodeid,
			     c->pid, c->view.n, expect);
			return;
		}
	}
}
