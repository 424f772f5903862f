/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated cluster (see sim_world.h): nodes and their srp_env, the event
 * loop, the fault scheduler and the application traffic.  Engines are only
 * entered from the loop (never from a callback), and after every entry the
 * node's single timer event is re-armed at srp_next_deadline().  Events for
 * a paused node wait until it resumes (datagrams up to a socket-buffer cap);
 * events for a crashed incarnation are dropped.
 *
 * Liveness bound, counted from the moment faults stop:
 *     3 x token + 2 x consensus + 20 x join + 2 x merge + 2000 ms
 * One round of failure detection (token), up to two gather rounds (consensus
 * each: a node that answered late is first excluded, then merged back), the
 * JOIN exchange, merge detection between two healthy rings, one more token
 * for datagrams still held by a clogged link or a pause, and a margin for the
 * commit/ORF token rotations.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <qb/qblog.h>

#include <chorus/log.h>

#include "totemsrp/pg.h"
#include "totemsrp/srp.h"
#include "test/sim/sim_check.h"
#include "test/sim/sim_cpg_check.h"
#include "test/sim/sim_heap.h"
#include "test/sim/sim_net.h"
#include "test/sim/sim_xcode.h"
#include "test/sim/sim_node.h"
#include "test/sim/sim_prng.h"
#include "test/sim/sim_quorum_check.h"
#include "test/sim/sim_world.h"

#define SIM_EVENTS_MAX          20000000ull
#define SIM_STORM_EVENTS        300000ull  /* per virtual second: a datagram/timer storm */
#define SIM_STORM_SAME_MS       30000ull   /* at one virtual millisecond */
#define SIM_SAME_TIME_FIRES_MAX 10000u
#define SIM_DEFERRED_MAX        1024u      /* "socket buffer" of a paused node */
#define SIM_APP_BUF             4096u
#define RAGGED_PPM              900000u    /* seeds with the "ragged" fault */

enum ev_kind {
	EV_PACKET, EV_TIMER, EV_START, EV_APP, EV_ACK, EV_RESUME,
	EV_CRASH_TICK, EV_RESTART, EV_PAUSE_TICK, EV_PART_TICK, EV_CLOG_TICK,
	EV_SWIZZLE_TICK, EV_SWIZZLE_STEP, EV_HEAL, EV_DEADLINE, EV_END,
	EV_LOST,        /* a datagram dropped while in flight */
	EV_STACK,       /* the node's host timers, sync work and clients */
	EV_REACH_TICK,  /* knet's view of the links: srp_peer_reachable() */
	EV_LEAVE_TICK,  /* an orderly stop */
	EV_CUT,         /* a ragged partition cuts one more link */
};

struct sim_world;

struct sim_node {
	struct sim_world *w;
	uint32_t idx, nodeid;
	struct srp *srp;
	bool up, paused, timer_armed;
	bool foreign;                    /* "foreign": the other byte order */
	uint32_t inc;
	uint64_t pause_until;
	uint64_t disk_seq;
	uint64_t timer_gen, timer_at;
	uint64_t counter;                /* application tags, across incarnations */
	uint32_t deferred;
	uint32_t same_time_fires;
	uint64_t last_fire_at;
	uint64_t storm_tx;               /* datagrams sent in the current storm window */
	struct srp_ring_id regular;      /* last REGULAR ring id, for trans_ack */
	/* whole-stack mode */
	struct sim_stack *stk;
	bool stk_armed;
	uint64_t stk_gen, stk_at, stk_last_fire;
	uint32_t pid_next;               /* client pids, never reused on this node */
	uint32_t clients;
	uint64_t frame_counter;          /* tags of wrapped frames, across incarnations */
};

struct sim_world {
	struct sim_options opt;
	FILE *log;
	struct sim_prng prng;
	struct sim_net net;
	struct sim_heap heap;
	struct sim_check *chk;
	struct sim_cpg_check *cchk;
	struct sim_quorum_cfg qcfg;      /* whole-stack mode: quorum.* of every node */
	struct sim_quorum_check *qchk;
	struct sim_node nodes[SIM_NODES_MAX];
	uint32_t nodeids[SIM_NODES_MAX];
	struct srp_config cfg;
	struct srp_env env;
	uint64_t now;
	/* application */
	uint32_t app_mean_ms, app_burst_max, app_size_max;
	bool traffic;
	/* fault schedule */
	bool healed, converged, ended, partitioned;
	uint64_t part_gen;               /* partitions so far: stale EV_CUTs are ignored */
	uint64_t ragged_until;           /* end of the current ragged partition, 0 if none */
	bool ragged_pending;             /* the next partition is ragged: waits for ragged_ready() */
	uint64_t ragged_mark;            /* deliveries at the last ragged_ready() */
	uint64_t heal_at, bound_ms, drain_ms, end_gen;
	uint64_t storm_second, storm_events, storm_packets, same_ms_at, same_ms_events;
	uint64_t deliveries, drain_mark;    /* all nodes' deliveries; count at the last EV_END */
	struct srp_ring_id conv_ring;
	uint32_t swz_order[SIM_NODES_MAX];
	uint64_t swz_until[SIM_NODES_MAX];
	uint32_t swz_count, swz_step;
	struct sim_result *res;
	uint32_t groups, client_mean_ms;
	uint32_t cur_node;               /* node being entered, for --trace log lines */
	/* knet reachability (reach_tick): since when [x][y] is bad (0: good), what x was told */
	uint64_t reach_bad_since[SIM_NODES_MAX][SIM_NODES_MAX];
	uint8_t reach_told[SIM_NODES_MAX][SIM_NODES_MAX];    /* 0 nothing, 1 up, 2 down */
	int32_t log_target;              /* qb_log target of --trace, -1 none */
	uint8_t appbuf[SIM_APP_BUF];
	uint8_t framebuf[65536 + SIM_MSG_HDR_LEN];
	/* fault "foreign" in whole-stack mode: the message-level transcoder (sim_xcode.h) */
	bool xcode;
	struct sim_xcode_store patches;   /* by frame tag: the frame's other-order twin */
	uint64_t foreign_rx;              /* service messages delivered from the other order */
	uint64_t xcoded;                  /* MCAST bodies transcoded on the way */
	uint8_t xbuf[65536 + SIM_MSG_HDR_LEN];
};

/* ---- logging and events --------------------------------------------------- */

static void wlog(struct sim_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wlog(struct sim_world *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->opt.verbose || !w->log)
		return;
	fprintf(w->log, "[%8" PRIu64 "] ", w->now);
	va_start(ap, fmt);
	vfprintf(w->log, fmt, ap);
	va_end(ap);
	fputc('\n', w->log);
}

static struct sim_event *ev_new(int kind, uint32_t node, uint32_t inc)
{
	struct sim_event *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		fputs("totemsim: out of memory\n", stderr);
		abort();
	}
	ev->kind = kind;
	ev->node = node;
	ev->inc = inc;
	return ev;
}

static void ev_push(struct sim_world *w, struct sim_event *ev, uint64_t at)
{
	ev->at_ms = at < w->now ? w->now : at;
	if (sim_heap_push(&w->heap, ev) < 0) {
		fputs("totemsim: out of memory\n", stderr);
		abort();
	}
}

static void ev_free(struct sim_event *ev)
{
	if (ev) {
		free(ev->buf);
		free(ev);
	}
}

static void sched(struct sim_world *w, int kind, uint32_t node, uint32_t inc, uint64_t at)
{
	ev_push(w, ev_new(kind, node, inc), at);
}

/* ---- engine entry and timers ------------------------------------------------ */

static void stack_rearm(struct sim_node *n)
{
	struct sim_world *w = n->w;
	struct sim_event *ev;
	uint64_t d;

	if (!n->stk)
		return;
	d = sim_stack_next_deadline(n->stk);
	/*
	 * The host asks for "now" while sync work is pending, also when totem
	 * refused the send (-EAGAIN) and nothing can change before the next
	 * token: poll every millisecond instead of spinning at one instant.
	 */
	if (d <= w->now && n->stk_last_fire == w->now)
		d = w->now + 1;
	if (n->stk_armed && d == n->stk_at)
		return;
	n->stk_gen++;
	n->stk_armed = false;
	if (d == UINT64_MAX)
		return;
	n->stk_at = d;
	n->stk_armed = true;
	ev = ev_new(EV_STACK, n->idx, n->inc);
	ev->arg = n->stk_gen;
	ev_push(w, ev, d);
}

static void node_rearm(struct sim_node *n)
{
	struct sim_world *w = n->w;
	struct sim_event *ev;
	uint64_t d;

	if (!n->srp || !n->up || n->paused)
		return;
	stack_rearm(n);
	d = srp_next_deadline(n->srp);
	if (n->timer_armed && d == n->timer_at)
		return;
	n->timer_gen++;
	n->timer_armed = false;
	if (d == UINT64_MAX)
		return;
	n->timer_at = d;
	n->timer_armed = true;
	ev = ev_new(EV_TIMER, n->idx, n->inc);
	ev->arg = n->timer_gen;
	ev_push(w, ev, d);
}

static int node_index(const struct sim_world *w, uint32_t nodeid)
{
	for (uint32_t i = 0; i < w->opt.nodes; i++)
		if (w->nodeids[i] == nodeid)
			return (int)i;
	return -1;
}

/*
 * The body of an MCAST crossing between byte orders: a wrapped totempg frame
 * gets its other-order twin (the patch its sender's frame left); the raw
 * application's payloads of --srp-only have no inner layout to swap.
 */
static int xcode_body(void *ctx, uint8_t *body, size_t len)
{
	struct sim_world *w = ctx;
	const struct sim_xcode_patch *p;
	uint32_t magic, sender;
	uint64_t counter;

	if (!w->xcode)
		return 0;
	if (len < SIM_MSG_HDR_LEN)
		return -1;
	memcpy(&magic, body, 4);
	memcpy(&sender, body + 4, 4);
	memcpy(&counter, body + 8, 8);
	if (magic != SIM_FRAME_MAGIC)
		return -1;
	p = sim_xcode_store_get(&w->patches, sender, counter);
	if (!p || sim_xcode_patch_apply(p, body + SIM_MSG_HDR_LEN, len - SIM_MSG_HDR_LEN) < 0)
		return -1;
	w->xcoded++;
	return 0;
}

static void net_send(struct sim_world *w, struct sim_node *from, uint32_t to, const void *buf,
		     size_t len)
{
	uint64_t at[2];
	bool held[2];
	int copies = sim_net_route(&w->net, from->idx, to, w->now, at, held);
	bool swap = from->idx != to && from->foreign != w->nodes[to].foreign;

	from->storm_tx++;

	for (int i = 0; i < copies; i++) {
		struct sim_event *ev = ev_new(EV_PACKET, to, 0);

		ev->buf = malloc(len ? len : 1);
		if (!ev->buf) {
			fputs("totemsim: out of memory\n", stderr);
			abort();
		}
		memcpy(ev->buf, buf, len);
		/* between byte orders: what the other machine would have sent */
		if (swap && sim_net_swap_datagram(ev->buf, len, xcode_body, w) < 0)
			sim_check_fail(w->chk, from->nodeid, "transcoder: a %zu-byte datagram does not parse",
				       len);
		ev->len = len;
		ev->arg = w->now;        /* sent at */
		ev->arg2 = from->nodeid;
		ev->held = held[i];
		ev_push(w, ev, at[i]);
	}
}

/*
 * A datagram must fit net_mtu, plus one 45-byte MCAST header: RECOVERY wraps
 * a whole old-ring MCAST in a new one (§2.13.10 step 3), as corosync does, so
 * a full-size message re-sent there exceeds net_mtu by that header.
 */
#define SIM_ENCAP_SLACK 45u

static bool datagram_ok(struct sim_node *n, size_t len)
{
	if (len == 0 || len > n->w->cfg.net_mtu + SIM_ENCAP_SLACK) {
		sim_check_fail(n->w->chk, n->nodeid, "engine sent a datagram of %zu bytes (net_mtu %u + %u)",
			       len, n->w->cfg.net_mtu, SIM_ENCAP_SLACK);
		return false;
	}
	return true;
}

/* ---- srp_env --------------------------------------------------------------- */

static int env_send_token(void *ctx, uint32_t to_nodeid, const void *buf, size_t len)
{
	struct sim_node *n = ctx;
	int to = node_index(n->w, to_nodeid);

	if (!n->up)
		sim_check_fail(n->w->chk, n->nodeid, "engine callback on a crashed node");
	if (!datagram_ok(n, len))
		return -EMSGSIZE;
	if (to < 0) {
		sim_check_fail(n->w->chk, n->nodeid, "token sent to unconfigured node %u", to_nodeid);
		return -EHOSTUNREACH;
	}
	net_send(n->w, n, (uint32_t)to, buf, len);
	return 0;
}

static int env_send_mcast(void *ctx, const void *buf, size_t len)
{
	struct sim_node *n = ctx;

	if (!datagram_ok(n, len))
		return -EMSGSIZE;
	for (uint32_t i = 0; i < n->w->opt.nodes; i++)
		net_send(n->w, n, i, buf, len);
	return 0;
}

static void env_deliver(void *ctx, uint32_t from_nodeid, const void *msg, size_t len,
			bool foreign_endian)
{
	struct sim_node *n = ctx;
	int fi = node_index(n->w, from_nodeid);
	bool other = fi >= 0 && n->w->nodes[fi].foreign != n->foreign;

	/*
	 * The engine reads the order from the (inner) MCAST header, also for a
	 * message retransmitted or re-sent in RECOVERY by a node of the other
	 * order.  In whole-stack mode the body (the wrapped totempg frame)
	 * crossed the byte orders an odd number of times, so it is in its
	 * origin's order: the checkers get it back in ours (the patch is an
	 * involution), totempg and the services get it as it came.
	 */
	if (foreign_endian != other)
		sim_check_fail(n->w->chk, n->nodeid, "message from %u %sflagged foreign-endian", from_nodeid,
			       foreign_endian ? "" : "not ");
	if (other && n->w->xcode && len >= SIM_MSG_HDR_LEN && len <= sizeof(n->w->xbuf)) {
		memcpy(n->w->xbuf, msg, len);
		if (xcode_body(n->w, n->w->xbuf, len) < 0)
			sim_check_fail(n->w->chk, n->nodeid, "transcoder: no twin for a frame from %u",
				       from_nodeid);
		sim_check_deliver(n->w->chk, n->nodeid, from_nodeid, n->w->xbuf, len);
		n->w->xcoded--;          /* counts the network's transcodings only */
	} else {
		sim_check_deliver(n->w->chk, n->nodeid, from_nodeid, msg, len);
	}
	n->w->deliveries++;
	if (n->stk && len >= SIM_MSG_HDR_LEN)
		sim_stack_deliver(n->stk, from_nodeid, (const uint8_t *)msg + SIM_MSG_HDR_LEN,
				  len - SIM_MSG_HDR_LEN, foreign_endian);
}

/* totempg's frames travel wrapped in the checkers' header (tag, checksum). */
static int stack_frame_mcast(void *ctx, const struct iovec *iov, size_t iovcnt,
			     const uint8_t *other, size_t other_len)
{
	struct sim_node *n = ctx;
	struct sim_world *w = n->w;
	struct iovec one;
	size_t len = sim_msg_wrap(w->framebuf, sizeof(w->framebuf), n->nodeid, ++n->frame_counter,
				  iov, iovcnt);
	int r;

	if (len == 0) {
		sim_check_fail(w->chk, n->nodeid, "totempg handed over a frame larger than 64 KiB");
		return -EMSGSIZE;
	}
	one.iov_base = w->framebuf;
	one.iov_len = len;
	sim_check_sent(w->chk, n->nodeid, w->framebuf, len);
	r = srp_mcast(n->srp, &one, 1);
	if (r == 0 && w->xcode) {
		if (!other || other_len != len - SIM_MSG_HDR_LEN)
			sim_check_fail(w->chk, n->nodeid, "transcoder: a frame without its twin");
		else
			sim_xcode_store_put(&w->patches, n->nodeid, n->frame_counter,
					    sim_xcode_patch_make(w->framebuf + SIM_MSG_HDR_LEN, other,
								 other_len));
	}
	if (r < 0) {
		sim_check_refused(w->chk, n->nodeid, w->framebuf, len);
		if (r != -EAGAIN)
			sim_check_fail(w->chk, n->nodeid, "srp_mcast of a %zu-byte frame returned %d", len, r);
	}
	return r;
}

static void stack_log(void *ctx, const char *line)
{
	struct sim_node *n = ctx;

	wlog(n->w, "n%u %s", n->nodeid, line);
}

static void env_confchg(void *ctx, const struct srp_confchg *chg)
{
	struct sim_node *n = ctx;
	struct sim_world *w = n->w;

	if (w->opt.verbose) {
		char mb[200] = "", lb[200] = "", jb[200] = "";
		size_t o = 0;

		for (size_t i = 0; i < chg->members_count && o + 12 < sizeof(mb); i++)
			o += (size_t)snprintf(mb + o, sizeof(mb) - o, "%s%u", i ? "," : "", chg->members[i]);
		o = 0;
		for (size_t i = 0; i < chg->left_count && o + 12 < sizeof(lb); i++)
			o += (size_t)snprintf(lb + o, sizeof(lb) - o, "%s%u", i ? "," : "", chg->left[i]);
		o = 0;
		for (size_t i = 0; i < chg->joined_count && o + 12 < sizeof(jb); i++)
			o += (size_t)snprintf(jb + o, sizeof(jb) - o, "%s%u", i ? "," : "", chg->joined[i]);
		wlog(w, "n%u confchg %s ring %u/%" PRIu64 " members {%s} left {%s} joined {%s}",
		     n->nodeid, chg->type == SRP_CONFCHG_REGULAR ? "REGULAR" : "TRANSITIONAL",
		     chg->ring_id.rep, chg->ring_id.seq, mb, lb, jb);
	}
	sim_check_confchg(w->chk, n->nodeid, chg);
	if (n->stk) {
		/* The real sync engine acknowledges (sim_node.c, on_sync_done). */
		sim_stack_confchg(n->stk, chg);
	} else if (chg->type == SRP_CONFCHG_REGULAR) {
		/* The sync engine would run now; acknowledge after a short while. */
		struct sim_event *ev = ev_new(EV_ACK, n->idx, n->inc);

		n->regular = chg->ring_id;
		ev->arg = chg->ring_id.rep;
		ev->arg2 = chg->ring_id.seq;
		ev_push(w, ev, w->now + sim_prng_range(&w->prng, 0, 20));
	}
	sim_check_confchg_done(w->chk, n->nodeid);
}

static void env_token_received(void *ctx)
{
	struct sim_node *n = ctx;

	if (n->stk)
		sim_stack_token_received(n->stk);
}

static int env_ring_seq_store(void *ctx, uint64_t seq)
{
	struct sim_node *n = ctx;

	n->disk_seq = seq;
	sim_check_ring_seq_stored(n->w->chk, n->nodeid, seq);
	return 0;
}

static uint64_t env_random(void *ctx)
{
	struct sim_node *n = ctx;

	return sim_prng_next(&n->w->prng);
}

static void env_log(void *ctx, int prio, const char *line)
{
	struct sim_node *n = ctx;

	(void)prio;
	wlog(n->w, "n%u %s", n->nodeid, line);
}

/* ---- node lifecycle --------------------------------------------------------- */

static void node_boot(struct sim_world *w, struct sim_node *n)
{
	struct srp_config cfg = w->cfg;
	struct srp_env env = {
		.send_token = env_send_token,
		.send_mcast = env_send_mcast,
		.deliver = env_deliver,
		.confchg = env_confchg,
		.token_received = env_token_received,
		.ring_seq_store = env_ring_seq_store,
		.random = env_random,
		.log = w->opt.trace ? env_log : NULL,
		.ctx = n,
	};
	int r;

	cfg.nodeid = n->nodeid;
	cfg.ring_seq_stored = n->disk_seq;
	memset(w->reach_told[n->idx], 0, sizeof(w->reach_told[n->idx]));   /* a new engine */
	w->cur_node = n->nodeid;
	n->inc++;
	n->paused = false;
	n->timer_armed = false;
	n->timer_gen++;
	n->same_time_fires = 0;
	sim_check_node_up(w->chk, n->nodeid);
	r = srp_create(&cfg, &env, w->now, &n->srp);
	if (r < 0) {
		sim_check_fail(w->chk, n->nodeid, "srp_create failed: %s", strerror(-r));
		n->srp = NULL;
		return;
	}
	n->up = true;
	wlog(w, "n%u boot (incarnation %u, stored ring seq %" PRIu64 ")", n->nodeid, n->inc, n->disk_seq);
	if (!w->opt.srp_only) {
		struct sim_stack_cfg sc = {
			.nodeid = n->nodeid,
			.srp = n->srp,
			.queue_cap = cfg.send_queue_max,
			.frame_max = srp_mcast_max(n->srp) - SIM_MSG_HDR_LEN,
			.clients = n->clients,
			.groups = w->groups,
			.client_mean_ms = w->client_mean_ms,
			.libcpg_calls = (w->opt.faults & SIM_FAULT_LIBCPG) != 0,
			.pid_next = &n->pid_next,
			.prng = &w->prng,
			.cc = w->cchk,
			.nodeids = w->nodeids,
			.node_count = w->opt.nodes,
			.quorum = w->opt.cpg_only ? NULL : &w->qcfg,
			.qc = w->qchk,
			.xcode = w->xcode,
			.foreign_rx = &w->foreign_rx,
			.frame_mcast = stack_frame_mcast,
			.log = w->opt.verbose ? stack_log : NULL,
			.ctx = n,
		};

		n->stk_armed = false;
		n->stk_gen++;
		r = sim_stack_create(&sc, w->now, &n->stk);
		if (r < 0) {
			sim_check_fail(w->chk, n->nodeid, "sim_stack_create failed: %s", strerror(-r));
			n->stk = NULL;
		}
		if (!w->traffic && n->stk)
			sim_stack_quiesce(n->stk);
	}
	/* knet reports its links up about 100 ms after start. */
	sched(w, EV_START, n->idx, n->inc, w->now + sim_prng_range(&w->prng, 1, 100));
	if (w->opt.srp_only)
		sched(w, EV_APP, n->idx, n->inc, w->now + 1 + sim_prng_exp(&w->prng, w->app_mean_ms));
	node_rearm(n);
}

/*
 * A crash, or an orderly stop (orderly: chorusd's exit path, exec/main.c:
 * clients disconnected and services gone (ipc_destroy, host_destroy), then
 * totem_destroy broadcasts the LEAVE (srp_leave, corosync v3.1.7
 * totemsrp.c memb_leave_message_send) before the engine goes.  Whatever the
 * services queued meanwhile is never sent, as in chorusd.)  To the other
 * nodes and to the checkers both are a node leaving the membership; the
 * LEAVE only makes them notice at once instead of at the token timeout.
 */
static void node_stop(struct sim_world *w, struct sim_node *n, bool orderly)
{
	wlog(w, "n%u %s", n->nodeid, orderly ? "orderly stop (srp_leave)" : "crash");
	if (n->stk) {
		sim_cpg_node_down(w->cchk, n->nodeid);
		sim_quorum_node_down(w->qchk, n->nodeid);
		sim_stack_destroy(n->stk);
		n->stk = NULL;
		n->stk_armed = false;
		n->stk_gen++;
	}
	if (orderly)
		srp_leave(n->srp, w->now);
	srp_destroy(n->srp);
	n->srp = NULL;
	n->up = false;
	n->paused = false;
	n->timer_armed = false;
	n->timer_gen++;
	sim_check_node_down(w->chk, n->nodeid);
	if (orderly)
		w->res->leaves++;
	else
		w->res->crashes++;
}

static void node_resume(struct sim_world *w, struct sim_node *n)
{
	wlog(w, "n%u resume", n->nodeid);
	n->paused = false;
	n->timer_armed = false;
	n->same_time_fires = 0;
	node_rearm(n);
}

/* Defer an event for a paused node to its resume time; true if deferred. */
static bool node_defer(struct sim_world *w, struct sim_node *n, struct sim_event *ev)
{
	if (!n->paused)
		return false;
	ev_push(w, ev, n->pause_until);
	return true;
}

/* ---- application ---------------------------------------------------------- */

static void app_tick(struct sim_world *w, struct sim_node *n)
{
	uint32_t burst = (uint32_t)sim_prng_range(&w->prng, 1, w->app_burst_max);
	size_t max = srp_mcast_max(n->srp);

	if (max > w->app_size_max)
		max = w->app_size_max;
	for (uint32_t i = 0; i < burst && max >= SIM_MSG_HDR_LEN; i++) {
		size_t len = (size_t)sim_prng_range(&w->prng, SIM_MSG_HDR_LEN, max);
		struct iovec iov;
		int r;

		len = sim_msg_build(w->appbuf, sizeof(w->appbuf), n->nodeid, ++n->counter, len);
		iov.iov_base = w->appbuf;
		iov.iov_len = len;
		sim_check_sent(w->chk, n->nodeid, w->appbuf, len);
		r = srp_mcast(n->srp, &iov, 1);
		if (r == 0)
			continue;
		sim_check_refused(w->chk, n->nodeid, w->appbuf, len);
		if (r != -EAGAIN)
			sim_check_fail(w->chk, n->nodeid, "srp_mcast(%zu bytes, max %zu) returned %d",
				       len, srp_mcast_max(n->srp), r);
		break;
	}
	node_rearm(n);
	sched(w, EV_APP, n->idx, n->inc, w->now + 1 + sim_prng_exp(&w->prng, w->app_mean_ms));
}

/* ---- faults ----------------------------------------------------------------- */

static uint32_t pick_up_node(struct sim_world *w, bool want_unpaused)
{
	uint32_t cand[SIM_NODES_MAX], k = 0;

	for (uint32_t i = 0; i < w->opt.nodes; i++)
		if (w->nodes[i].up && (!want_unpaused || !w->nodes[i].paused))
			cand[k++] = i;
	if (k == 0)
		return UINT32_MAX;
	return cand[sim_prng_below(&w->prng, k)];
}

static uint64_t fault_gap(struct sim_world *w)
{
	return 200 + sim_prng_exp(&w->prng, 2ull * w->cfg.token_ms);
}

static void fault_crash_tick(struct sim_world *w)
{
	uint32_t i = pick_up_node(w, false);

	if (i != UINT32_MAX) {
		struct sim_node *n = &w->nodes[i];

		node_stop(w, n, false);
		sched(w, EV_RESTART, i, n->inc, w->now + sim_prng_range(&w->prng, 200, 2ull * w->cfg.token_ms));
	}
	sched(w, EV_CRASH_TICK, 0, 0, w->now + fault_gap(w));
}

/* An orderly stop of a running node; it starts again later (or at heal). */
static void fault_leave_tick(struct sim_world *w)
{
	uint32_t i = pick_up_node(w, true);

	if (i != UINT32_MAX) {
		struct sim_node *n = &w->nodes[i];

		node_stop(w, n, true);
		sched(w, EV_RESTART, i, n->inc, w->now + sim_prng_range(&w->prng, 200, 3ull * w->cfg.token_ms));
	}
	sched(w, EV_LEAVE_TICK, 0, 0, w->now + fault_gap(w));
}

static void fault_pause_tick(struct sim_world *w)
{
	uint32_t i = pick_up_node(w, true);

	if (i != UINT32_MAX) {
		struct sim_node *n = &w->nodes[i];
		uint64_t len = sim_prng_range(&w->prng, w->cfg.token_ms / 4, 2ull * w->cfg.token_ms);

		n->paused = true;
		n->pause_until = w->now + len;
		n->deferred = 0;
		n->timer_gen++;
		n->timer_armed = false;
		wlog(w, "n%u pause for %" PRIu64 " ms", n->nodeid, len);
		sched(w, EV_RESUME, i, n->inc, n->pause_until);
		w->res->pauses++;
	}
	sched(w, EV_PAUSE_TICK, 0, 0, w->now + fault_gap(w));
}

/*
 * A ragged partition waits until it can leave gaps that matter: something
 * delivered since the last try (traffic in flight) and a ring of three
 * nodes or more (two of two) in OPERATIONAL.  Returns the largest such ring's member indexes in ring
 * (token) order.
 */
static bool ragged_ready(struct sim_world *w, uint32_t ring_idx[SIM_NODES_MAX], uint32_t *ret_k)
{
	bool busy = w->deliveries != w->ragged_mark;
	const uint32_t *best = NULL;
	size_t best_n = 0;

	w->ragged_mark = w->deliveries;
	for (uint32_t i = 0; i < w->opt.nodes; i++) {
		struct sim_node *n = &w->nodes[i];
		const uint32_t *m;
		size_t mc;

		if (!n->up || !n->srp || srp_state(n->srp) != SRP_STATE_OPERATIONAL)
			continue;
		mc = srp_members(n->srp, &m);
		if (mc > best_n) {
			best = m;
			best_n = mc;
		}
	}
	if (!busy || best_n < (w->opt.nodes > 2 ? 3u : 2u))
		return false;
	*ret_k = 0;
	for (size_t j = 0; j < best_n; j++) {
		int x = node_index(w, best[j]);

		if (x >= 0)
			ring_idx[(*ret_k)++] = (uint32_t)x;
	}
	return true;
}

/*
 * A ragged partition (fault "ragged"): a symmetric partition whose cut
 * reaches the nodes one at a time.  First some nodes whose successor on the
 * ring is on their own side lose their links to the other side: the token
 * still goes round, but their messages reach their own side only, so the
 * other side holds later messages, its own among them, after gaps (a gap is
 * asked for again only after miss_count_const visits, and a re-send from a
 * cut node is lost too).  A moment later every other link across fails, the
 * ring breaks, and each side's new ring delivers what follows its gaps in
 * the transitional configuration (§2.13.11 step 6).  A clean cut of all
 * links at once rarely leaves such gaps (issue 8: about 1 seed in 80), and
 * a partition that heals before consensus gives them back: this one lasts
 * until both sides formed their rings.
 */
static void fault_ragged_partition(struct sim_world *w, const uint32_t *ring_idx, uint32_t k)
{
	bool side[SIM_NET_NODES_MAX], early[SIM_NET_NODES_MAX] = { false };
	uint64_t later = sim_prng_range(&w->prng, w->cfg.token_ms / 8, w->cfg.token_ms / 2);
	uint32_t n = w->opt.nodes, na;
	char sb[64], eb[64];
	size_t o = 0, oe = 0;

	/*
	 * Each side an arc of the ring (two nodes or more when it has four or
	 * more); nodes outside the ring join a random side.  The first node of
	 * each arc is cut early: the far side's requests for the lost messages
	 * reach it first (ring order) and its re-sends are lost as well.
	 */
	na = k >= 4 ? (uint32_t)sim_prng_range(&w->prng, 2, k - 2) : (k + 1) / 2;
	{
		uint32_t start = k ? (uint32_t)sim_prng_below(&w->prng, k) : 0;

		for (uint32_t i = 0; i < n; i++)
			side[i] = sim_prng_chance(&w->prng, 500000);
		for (uint32_t j = 0; j < k; j++)
			side[ring_idx[(start + j) % k]] = j < na;
		if (k >= 2) {
			early[ring_idx[start]] = na >= 2;
			early[ring_idx[(start + na) % k]] = k - na >= 2;
		}
	}
	for (uint32_t a = 0; a < n; a++)
		for (uint32_t b = 0; b < n; b++)
			w->net.blocked[a][b] = side[a] != side[b];
	for (uint32_t j = 0; j < k; j++) {
		uint32_t x = ring_idx[j], next = ring_idx[(j + 1) % k];

		if (side[x] == side[next] && x != next && sim_prng_chance(&w->prng, 300000))
			early[x] = true;
	}
	for (uint32_t a = 0; a < n; a++) {
		uint64_t at = w->now + (early[a] ? 0 : later + sim_prng_below(&w->prng, 10));

		for (uint32_t b = 0; b < n; b++) {
			struct sim_event *ev;

			if (!w->net.blocked[a][b])
				continue;
			w->net.blocked[a][b] = false;
			ev = ev_new(EV_CUT, a, 0);
			ev->arg = b;
			ev->arg2 = w->part_gen;
			ev_push(w, ev, at);
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		if (side[i] && o + 8 < sizeof(sb))
			o += (size_t)snprintf(sb + o, sizeof(sb) - o, "%s%u", o ? "," : "", w->nodeids[i]);
		if (early[i] && oe + 8 < sizeof(eb))
			oe += (size_t)snprintf(eb + oe, sizeof(eb) - oe, "%s%u", oe ? "," : "", w->nodeids[i]);
	}
	if (!oe)
		eb[0] = 0;
	wlog(w, "net ragged partition {%s} | rest: {%s} cut now, the rest in %" PRIu64 " ms", sb, eb,
	     later);
}

static void fault_cut(struct sim_world *w, uint32_t a, uint32_t b, uint64_t gen)
{
	if (!w->partitioned || gen != w->part_gen || a >= w->opt.nodes || b >= w->opt.nodes)
		return;
	w->net.blocked[a][b] = true;
}

static void fault_part_tick(struct sim_world *w)
{
	uint32_t f = w->opt.faults;
	bool uniform = f & (SIM_FAULT_PARTITION | SIM_FAULT_ASYM);
	bool isolate = f & SIM_FAULT_ISOLATE;
	bool side[SIM_NET_NODES_MAX];
	enum sim_partition_kind kind;
	bool asym;
	char sb[64];
	size_t o = 0;
	uint32_t ring_idx[SIM_NODES_MAX], k = 0;

	if (w->partitioned) {
		sim_net_unpartition(&w->net);
		w->partitioned = false;
		w->ragged_until = 0;
		wlog(w, "net unpartition");
		sched(w, EV_PART_TICK, 0, 0, w->now + fault_gap(w));
		return;
	}
	if (!w->ragged_pending)
		w->ragged_pending = (f & SIM_FAULT_RAGGED) &&
				    (w->part_gen == 0 || !(uniform || isolate) ||
				     sim_prng_chance(&w->prng, 500000));
	if (w->ragged_pending && !ragged_ready(w, ring_idx, &k)) {
		sched(w, EV_PART_TICK, 0, 0, w->now + sim_prng_range(&w->prng, 10, 100));
		return;
	}
	w->part_gen++;
	if (w->ragged_pending) {
		w->ragged_pending = false;
		fault_ragged_partition(w, ring_idx, k);
		w->partitioned = true;
		w->res->partitions++;
		/*
		 * Long enough for each side to form its own ring (token loss,
		 * consensus, commit), also past the end of the fault phase
		 * (EV_HEAL waits for it): healed before, the sides merge back
		 * and recovery fills every gap.
		 */
		w->ragged_until = w->now + w->cfg.token_ms + w->cfg.consensus_ms +
				  sim_prng_range(&w->prng, w->cfg.token_ms / 2, 2ull * w->cfg.token_ms);
		sched(w, EV_PART_TICK, 0, 0, w->ragged_until);
		return;
	}
	kind = (uniform && (!isolate || sim_prng_chance(&w->prng, 500000))) ?
	       SIM_PARTITION_UNIFORM : SIM_PARTITION_ISOLATE;
	if (f & SIM_FAULT_ASYM)
		asym = !(f & (SIM_FAULT_PARTITION | SIM_FAULT_ISOLATE)) || sim_prng_chance(&w->prng, 500000);
	else
		asym = false;
	sim_net_partition(&w->net, kind, asym, side);
	for (uint32_t i = 0; i < w->opt.nodes && o + 8 < sizeof(sb); i++)
		if (side[i])
			o += (size_t)snprintf(sb + o, sizeof(sb) - o, "%s%u", o ? "," : "", w->nodeids[i]);
	wlog(w, "net partition %s%s {%s} | rest", kind == SIM_PARTITION_ISOLATE ? "isolate" : "uniform",
	     asym ? " asymmetric (side A cannot send)" : "", sb);
	w->partitioned = true;
	w->res->partitions++;
	sched(w, EV_PART_TICK, 0, 0, w->now + w->cfg.token_ms / 2 + sim_prng_exp(&w->prng, 2ull * w->cfg.token_ms));
}

static void fault_clog_tick(struct sim_world *w)
{
	uint32_t a = (uint32_t)sim_prng_below(&w->prng, w->opt.nodes);
	uint32_t b = (uint32_t)sim_prng_below(&w->prng, w->opt.nodes - 1);
	uint64_t until = w->now + sim_prng_range(&w->prng, w->cfg.token_ms / 4, w->cfg.token_ms);

	if (b >= a)
		b++;
	sim_net_clog(&w->net, a, b, until);
	wlog(w, "net clog %u->%u until %" PRIu64, w->nodeids[a], w->nodeids[b], until);
	sched(w, EV_CLOG_TICK, 0, 0, w->now + fault_gap(w) / 2);
}

/* FoundationDB's swizzle-clog: clog a random subset of nodes one by one, unclog in random order. */
static void fault_swizzle_tick(struct sim_world *w)
{
	uint32_t n = w->opt.nodes, perm[SIM_NODES_MAX], k;
	uint64_t step = 20 + w->cfg.token_ms / (2 * n), t;

	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)sim_prng_below(&w->prng, i + 1), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
	k = (uint32_t)sim_prng_range(&w->prng, 1, n > 2 ? n - 1 : 1);
	/* Clog at now + step*i; unclog times in another random order after all are clogged. */
	t = w->now + step * k;
	for (uint32_t i = 0; i < k; i++)
		w->swz_order[i] = perm[i];
	for (uint32_t i = k - 1; i > 0; i--) {
		uint32_t j = (uint32_t)sim_prng_below(&w->prng, i + 1), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
	for (uint32_t i = 0; i < k; i++) {
		t += sim_prng_range(&w->prng, 10, step);
		w->swz_until[perm[i]] = t;
	}
	w->swz_count = k;
	w->swz_step = 0;
	wlog(w, "net swizzle-clog of %u nodes", k);
	for (uint32_t i = 0; i < k; i++)
		sched(w, EV_SWIZZLE_STEP, w->swz_order[i], 0, w->now + step * i);
	sched(w, EV_SWIZZLE_TICK, 0, 0, t + fault_gap(w));
}

static void fault_swizzle_step(struct sim_world *w, uint32_t x)
{
	for (uint32_t y = 0; y < w->opt.nodes; y++) {
		if (y == x)
			continue;
		if (w->net.clog_until[x][y] < w->swz_until[x])
			sim_net_clog(&w->net, x, y, w->swz_until[x]);
		if (w->net.clog_until[y][x] < w->swz_until[x])
			sim_net_clog(&w->net, y, x, w->swz_until[x]);
	}
	wlog(w, "net swizzle clog n%u until %" PRIu64, w->nodeids[x], w->swz_until[x]);
}

/*
 * knet's host status as chorusd feeds it to the engine (exec/totem.c
 * peers_update): every ping interval (token / 4) each live node learns
 * whether each peer is reachable.  A link is bad while either direction is
 * blocked or clogged or the peer is down or paused (no pongs); knet
 * reports the host down once it has been bad for the ping timeout (token /
 * 2, corosync's knet_ping_timeout with knet_pong_count 2) and up again at
 * the first good ping.  Loss and duplication do not take a link down.
 * No PRNG draw: the model only follows the faults.
 */
static bool reach_good(const struct sim_world *w, uint32_t x, uint32_t y)
{
	const struct sim_node *ny = &w->nodes[y];

	return ny->up && !ny->paused && !w->net.blocked[x][y] && !w->net.blocked[y][x] &&
	       w->net.clog_until[x][y] <= w->now && w->net.clog_until[y][x] <= w->now;
}

/* Tell node x's engine what changed in knet's view of its peers. */
static void reach_node(struct sim_world *w, uint32_t x)
{
	struct sim_node *nx = &w->nodes[x];
	uint32_t timeout = w->cfg.token_ms / 2;

	for (uint32_t y = 0; y < w->opt.nodes; y++) {
		uint8_t want;

		if (y == x)
			continue;
		if (reach_good(w, x, y)) {
			w->reach_bad_since[x][y] = 0;
			want = 1;
		} else {
			if (!w->reach_bad_since[x][y])
				w->reach_bad_since[x][y] = w->now;
			want = w->now - w->reach_bad_since[x][y] >= timeout ? 2 : 0;
		}
		if (!nx->up || nx->paused || !want || w->reach_told[x][y] == want)
			continue;
		w->reach_told[x][y] = want;
		w->cur_node = nx->nodeid;
		if (want == 2)
			wlog(w, "n%u: knet: host n%u unreachable", nx->nodeid, w->nodeids[y]);
		srp_peer_reachable(nx->srp, w->now, w->nodeids[y], want == 1);
		node_rearm(nx);
	}
}

static void reach_tick(struct sim_world *w)
{
	for (uint32_t x = 0; x < w->opt.nodes; x++)
		reach_node(w, x);
	sched(w, EV_REACH_TICK, 0, 0, w->now + (w->cfg.token_ms / 4 ? w->cfg.token_ms / 4 : 1));
}

static void heal(struct sim_world *w)
{
	w->healed = true;
	w->heal_at = w->now;
	w->res->heal_ms = w->now;
	sim_net_heal(&w->net);
	w->partitioned = false;
	/*
	 * Without the "late" fault, datagrams still in flight or held by a clog
	 * or a pause are lost at heal: after heal the network is clean.  With
	 * it they arrive at the time the network gave them (stragglers, clogged
	 * links) or when the paused node resumes, often after their ring ended:
	 * the engines must drop or use them, and the liveness bound covers them
	 * (a straggler is at most token ms late, a clog or pause at most 2 x
	 * token).  (Changing the kind keeps the heap order intact.)
	 */
	if (!(w->opt.faults & SIM_FAULT_LATE)) {
		for (size_t i = 0; i < w->heap.n; i++)
			if (w->heap.v[i]->kind == EV_PACKET)
				w->heap.v[i]->kind = EV_LOST;
	} else {
		size_t k = 0;

		for (size_t i = 0; i < w->heap.n; i++)
			k += w->heap.v[i]->kind == EV_PACKET;
		wlog(w, "heal: %zu datagrams still in flight arrive late", k);
	}
	wlog(w, "heal: no more faults; liveness bound %" PRIu64 " ms", w->bound_ms);
	for (uint32_t i = 0; i < w->opt.nodes; i++) {
		struct sim_node *n = &w->nodes[i];

		if (!n->up)
			node_boot(w, n);
		else if (n->paused)
			node_resume(w, n);
	}
	sched(w, EV_DEADLINE, 0, 0, w->now + w->bound_ms + 1);
}

/* ---- liveness ----------------------------------------------------------------- */

/*
 * After heal: converged = every node OPERATIONAL in one ring of all nodes.
 * Losing it again is allowed within the bound (a token lost to the faults
 * just before heal is detected a little later); after the bound it fails.
 */
static void liveness_check(struct sim_world *w)
{
	struct srp_ring_id ring;
	bool conv;

	if (!w->healed || w->ended)
		return;
	conv = sim_check_converged(w->chk, w->nodeids, w->opt.nodes, &ring);
	for (uint32_t i = 0; conv && i < w->opt.nodes; i++)
		if (!w->nodes[i].srp || srp_state(w->nodes[i].srp) != SRP_STATE_OPERATIONAL)
			conv = false;
	if (w->converged) {
		if (conv && ring.rep == w->conv_ring.rep && ring.seq == w->conv_ring.seq)
			return;
		if (w->now > w->heal_at + w->bound_ms) {
			sim_check_fail(w->chk, 0,
				       "membership left ring %u/%" PRIu64 " %" PRIu64 " ms after faults stopped (bound %" PRIu64 " ms), with no fault",
				       w->conv_ring.rep, w->conv_ring.seq, w->now - w->heal_at, w->bound_ms);
			return;
		}
		wlog(w, "left converged ring %u/%" PRIu64 " within the bound; waiting again",
		     w->conv_ring.rep, w->conv_ring.seq);
		w->converged = false;
		w->end_gen++;
	}
	if (!conv)
		return;
	w->converged = true;
	w->conv_ring = ring;
	w->res->converged_ms = w->now;
	w->traffic = false;
	for (uint32_t i = 0; i < w->opt.nodes; i++)
		if (w->nodes[i].stk)
			sim_stack_quiesce(w->nodes[i].stk);
	wlog(w, "converged on ring %u/%" PRIu64 " after %" PRIu64 " ms; traffic stops, draining",
	     ring.rep, ring.seq, w->now - w->heal_at);
	{
		struct sim_event *ev = ev_new(EV_END, 0, 0);

		ev->arg = w->end_gen;
		w->drain_mark = w->deliveries;
		ev_push(w, ev, w->now + w->drain_ms);
	}
}

static void liveness_fail(struct sim_world *w)
{
	char desc[700];
	size_t o = 0;

	for (uint32_t i = 0; i < w->opt.nodes && o + 60 < sizeof(desc); i++) {
		struct sim_node *n = &w->nodes[i];
		struct srp_ring_id r = n->srp ? srp_ring_id(n->srp) : (struct srp_ring_id){ 0, 0 };
		const uint32_t *m;
		size_t mc = n->srp ? srp_members(n->srp, &m) : 0;

		o += (size_t)snprintf(desc + o, sizeof(desc) - o, " n%u:%s@%u/%" PRIu64 "x%zu",
				      n->nodeid, n->srp ? srp_state_str(srp_state(n->srp)) : "down",
				      r.rep, r.seq, mc);
	}
	sim_check_fail(w->chk, 0,
		       "liveness: %u nodes not in one ring %" PRIu64 " ms after faults stopped (bound %" PRIu64 " ms):%s",
		       w->opt.nodes, w->now - w->heal_at, w->bound_ms, desc);
}

static void end_of_run(struct sim_world *w)
{
	struct srp_ring_id ring;

	w->ended = true;
	if (!sim_check_converged(w->chk, w->nodeids, w->opt.nodes, &ring) ||
	    ring.rep != w->conv_ring.rep || ring.seq != w->conv_ring.seq) {
		sim_check_fail(w->chk, 0, "membership changed after convergence with no faults");
		return;
	}
	sim_check_final(w->chk, w->nodeids, w->opt.nodes);
	if (!w->opt.srp_only && !sim_check_failed(w->chk))
		sim_cpg_final(w->cchk);
	if (!w->opt.srp_only && !sim_check_failed(w->chk))
		sim_quorum_final(w->qchk, w->nodeids, w->opt.nodes, ring);
}

/*
 * The drain ends after a whole drain period with no delivery anywhere.
 * With traffic stopped, the send queues hold a finite backlog that the ring
 * empties at about window_size messages per rotation (flow control, §2.12):
 * with 16 nodes x send_queue_max 256 and slow links that takes far longer
 * than any fixed period.  A ring that stops delivering still ends the run
 * within one period, and the final checks then fail.
 */
static void drain_end(struct sim_world *w, uint64_t gen)
{
	if (!w->converged || gen != w->end_gen)
		return;
	if (w->deliveries != w->drain_mark) {
		struct sim_event *ev = ev_new(EV_END, 0, 0);

		ev->arg = w->end_gen;
		w->drain_mark = w->deliveries;
		ev_push(w, ev, w->now + w->drain_ms);
		return;
	}
	end_of_run(w);
}

/* ---- event loop ---------------------------------------------------------------- */

static void storm_fail(struct sim_world *w, const char *what)
{
	char desc[400];
	size_t o = 0;

	for (uint32_t i = 0; i < w->opt.nodes && o + 40 < sizeof(desc); i++) {
		struct sim_node *n = &w->nodes[i];

		o += (size_t)snprintf(desc + o, sizeof(desc) - o, " n%u:%s/tx%" PRIu64, n->nodeid,
				      n->srp ? srp_state_str(srp_state(n->srp)) : "down", n->storm_tx);
	}
	sim_check_fail(w->chk, 0, "event storm: %s; state/datagrams sent:%s", what, desc);
}

static void storm_reset(struct sim_world *w)
{
	for (uint32_t i = 0; i < w->opt.nodes; i++)
		w->nodes[i].storm_tx = 0;
}

/*
 * Count ev towards the event-storm limits; true (and the run failed) when one
 * is over.  A datagram held back by a clog or a pause arrives when the fault
 * ends, with every other one sent over that link (or to that node) during
 * it: their number at this instant measures how long the fault lasted and
 * how much the senders had to say, not a loop in the protocol.  A
 * swizzle-clog holds a node's links for up to token ms x the node count, and
 * a ring of one sends its clients' traffic flat out meanwhile (seed
 * 24481950483691: n14's 2.3 s as a ring of one, ~3,000 datagrams a second to
 * each of 13 peers, all due at t=19812).  They are not counted; whatever the
 * receivers send in answer is.  A loop cannot hide behind a clog: its sender
 * acts on fresh events (timers, datagrams from itself or from links that are
 * not clogged), and those count.
 */
static bool storm_over(struct sim_world *w, const struct sim_event *ev)
{
	char what[120];

	if (ev->kind == EV_PACKET && ev->held)
		return false;
	w->storm_packets += ev->kind == EV_PACKET;
	if (w->now != w->same_ms_at) {
		w->same_ms_at = w->now;
		w->same_ms_events = 0;
	}
	if (++w->same_ms_events > SIM_STORM_SAME_MS) {
		snprintf(what, sizeof(what), "over %llu events at virtual time %llu ms",
			 (unsigned long long)SIM_STORM_SAME_MS, (unsigned long long)w->now);
		storm_fail(w, what);
		return true;
	}
	if (++w->storm_events > SIM_STORM_EVENTS) {
		snprintf(what, sizeof(what), "over %llu events (%llu datagrams) in virtual second %llu",
			 (unsigned long long)SIM_STORM_EVENTS, (unsigned long long)w->storm_packets,
			 (unsigned long long)w->storm_second);
		storm_fail(w, what);
		return true;
	}
	return false;
}


static void handle(struct sim_world *w, struct sim_event *ev)
{
	struct sim_node *n = ev->node < w->opt.nodes ? &w->nodes[ev->node] : NULL;

	if (n && n->stk)
		sim_stack_set_time(n->stk, w->now);
	w->cur_node = n ? n->nodeid : 0;
	switch (ev->kind) {
	case EV_STACK:
		if (!n->up || !n->stk || ev->inc != n->inc || ev->arg != n->stk_gen)
			break;
		if (node_defer(w, n, ev))
			return;
		n->stk_armed = false;
		sim_stack_advance(n->stk, w->now);
		n->stk_last_fire = w->now;
		node_rearm(n);
		break;
	case EV_PACKET:
		if (!n->up)
			break;
		if (n->paused) {
			if (n->deferred >= SIM_DEFERRED_MAX)
				break;
			n->deferred++;
			ev->inc = 1;     /* counted in deferred */
			ev->held = true;
			ev_push(w, ev, n->pause_until);
			return;
		}
		if (ev->inc && n->deferred)
			n->deferred--;
		if (w->healed && ev->arg < w->heal_at) {
			w->res->late++;
			wlog(w, "n%u late datagram from %u sent at %" PRIu64 " (%zu bytes, type %u)",
			     n->nodeid, (uint32_t)ev->arg2, ev->arg, ev->len,
			     ev->len > 3 ? ((const uint8_t *)ev->buf)[3] : 0xffu);
		}
		(void)srp_receive(n->srp, w->now, ev->buf, ev->len);
		if (n->stk)
			sim_stack_totem_room(n->stk);
		node_rearm(n);
		break;
	case EV_TIMER:
		if (!n->up || n->paused || ev->inc != n->inc || ev->arg != n->timer_gen)
			break;
		n->timer_armed = false;
		if (n->last_fire_at == w->now) {
			if (++n->same_time_fires > SIM_SAME_TIME_FIRES_MAX) {
				sim_check_fail(w->chk, n->nodeid,
					       "engine deadline stays <= now after srp_advance (livelock)");
				break;
			}
		} else {
			n->same_time_fires = 0;
			n->last_fire_at = w->now;
		}
		srp_advance(n->srp, w->now);
		node_rearm(n);
		break;
	case EV_START:
		if (!n->up || ev->inc != n->inc)
			break;
		if (node_defer(w, n, ev))
			return;
		/* chorusd starts the engine when knet has brought the links
		 * up, after telling it every peer that became reachable
		 * (exec/totem.c peers_update, on_start_check). */
		reach_node(w, n->idx);
		srp_start(n->srp, w->now);
		node_rearm(n);
		break;
	case EV_APP:
		if (!n->up || ev->inc != n->inc || !w->traffic)
			break;
		if (node_defer(w, n, ev))
			return;
		app_tick(w, n);
		break;
	case EV_ACK:
		if (!n->up || ev->inc != n->inc || n->regular.rep != ev->arg || n->regular.seq != ev->arg2)
			break;
		if (node_defer(w, n, ev))
			return;
		srp_trans_ack(n->srp);
		sim_check_trans_ack(w->chk, n->nodeid);
		node_rearm(n);
		break;
	case EV_RESUME:
		if (n->up && n->paused && ev->inc == n->inc && !w->healed)
			node_resume(w, n);
		break;
	case EV_CRASH_TICK:
		if (!w->healed)
			fault_crash_tick(w);
		break;
	case EV_RESTART:
		if (!n->up && ev->inc == n->inc && !w->healed)
			node_boot(w, n);
		break;
	case EV_PAUSE_TICK:
		if (!w->healed)
			fault_pause_tick(w);
		break;
	case EV_LEAVE_TICK:
		if (!w->healed)
			fault_leave_tick(w);
		break;
	case EV_PART_TICK:
		if (!w->healed)
			fault_part_tick(w);
		break;
	case EV_CLOG_TICK:
		if (!w->healed)
			fault_clog_tick(w);
		break;
	case EV_SWIZZLE_TICK:
		if (!w->healed)
			fault_swizzle_tick(w);
		break;
	case EV_SWIZZLE_STEP:
		if (!w->healed)
			fault_swizzle_step(w, ev->node);
		break;
	case EV_CUT:
		if (!w->healed)
			fault_cut(w, ev->node, (uint32_t)ev->arg, ev->arg2);
		break;
	case EV_HEAL:
		if (w->ragged_until > w->now) {
			wlog(w, "heal waits for the ragged partition until %" PRIu64, w->ragged_until);
			ev_push(w, ev, w->ragged_until);
			return;
		}
		heal(w);
		break;
	case EV_REACH_TICK:
		reach_tick(w);
		break;
	case EV_DEADLINE:
		if (!w->converged)
			liveness_fail(w);
		break;
	case EV_END:
		drain_end(w, ev->arg);
		break;
	default:
		break;
	}
	ev_free(ev);
}

/* ---- setup ------------------------------------------------------------------------ */

static void config_derive(struct sim_world *w)
{
	struct srp_config *c = &w->cfg;
	uint32_t n = w->opt.nodes;
	static const uint32_t bases[] = { 1000, 2000, 3000 };
	static const uint32_t mtus[] = { 1410, 8192, 65446 };
	static const uint32_t queues[] = { 16, 64, 256 };

	memset(c, 0, sizeof(*c));
	/* corosync v3.1.7 exec/totemconfig.c formulas, with the base token drawn from the seed. */
	c->token_ms = bases[sim_prng_below(&w->prng, 3)];
	if (n > 2)
		c->token_ms += (n - 2) * 650;
	c->token_retransmits_before_loss_const = 4;
	c->token_retransmit_ms = c->token_ms * 10 / (c->token_retransmits_before_loss_const * 10 + 2);
	c->hold_ms = c->token_retransmit_ms * 8 / 10 - 10;
	c->join_ms = 50;
	c->send_join_ms = 0;
	c->consensus_ms = c->token_ms * 12 / 10;
	c->merge_ms = 200;
	c->fail_recv_const = 2500;
	c->seqno_unchanged_const = 30;
	c->max_network_delay_ms = 50;
	c->heartbeat_failures_allowed = 0;
	c->window_size = 50;
	c->max_messages = 17;
	c->miss_count_const = 5;
	c->cancel_token_hold_on_retransmit = false;
	c->net_mtu = mtus[sim_prng_below(&w->prng, 3)];
	c->send_queue_max = queues[sim_prng_below(&w->prng, 3)];
	if (!w->opt.srp_only)
		/* exec/totem.c: the soft limit of 64 frames plus one largest message */
		c->send_queue_max = 64 + 8 + (uint32_t)((PG_MESSAGE_MAX + PG_MESSAGE_MAX / 16) /
							(c->net_mtu - 45 - 64));

	if (w->opt.faults & SIM_FAULT_JITTER)
		/* corosync's send_join (exec/totemconfig.c, 0 by default; 80 ms is the
		 * advice for large clusters): each JOIN leaves 0..send_join ms late,
		 * drawn through srp_env.random from the run's PRNG. */
		c->send_join_ms = (uint32_t)sim_prng_range(&w->prng, 1, 100);
	/* (with send_join, the JOIN exchange of the bound takes up to 20 x send_join more) */
	w->bound_ms = 3ull * c->token_ms + 2ull * c->consensus_ms + 20ull * c->join_ms +
		      2ull * c->merge_ms + 2000 + 20ull * c->send_join_ms;
	w->drain_ms = 3ull * c->token_ms + 5000;
}

static void world_setup(struct sim_world *w)
{
	struct sim_net_options no = { 0 };
	uint32_t f = w->opt.faults;
	uint32_t n = w->opt.nodes;

	config_derive(w);
	/* Node ids: 1..n, or distinct random ids below 1000 (ascending by index). */
	if (sim_prng_chance(&w->prng, 500000)) {
		for (uint32_t i = 0; i < n; i++)
			w->nodeids[i] = i + 1;
	} else {
		uint32_t next = 0;

		for (uint32_t i = 0; i < n; i++) {
			next += 1 + (uint32_t)sim_prng_below(&w->prng, 60);
			w->nodeids[i] = next;
		}
	}
	no.delay_min_ms = (uint32_t)sim_prng_range(&w->prng, 0, 2);
	no.delay_mean_ms = (f & SIM_FAULT_REORDER) ? (uint32_t)sim_prng_range(&w->prng, 5, 30) :
			   (uint32_t)sim_prng_range(&w->prng, 0, 3);
	/*
	 * A datagram must be able to take virtual time: with 0+exp(0) every hop
	 * lands in the same virtual ms, so legitimate protocol work (a full
	 * backlog flushed on one rotation, seqno_unchanged_const idle rotations
	 * per hold cancel, the fail_recv_const rotations of §2.13.6) all counts
	 * at one instant and trips the per-time storm limits below.  Such a world
	 * gets a 1 ms mean instead (most hops still take 0 ms).
	 */
	if (no.delay_min_ms == 0 && no.delay_mean_ms == 0)
		no.delay_mean_ms = 1;
	no.loss_ppm = (f & SIM_FAULT_LOSS) ? (uint32_t)sim_prng_range(&w->prng, 1000, 50000) : 0;
	no.dup_ppm = (f & SIM_FAULT_DUP) ? (uint32_t)sim_prng_range(&w->prng, 1000, 30000) : 0;
	if (f & SIM_FAULT_LATE) {
		/* a few datagrams per thousand arrive up to a token timeout late */
		no.straggle_ppm = (uint32_t)sim_prng_range(&w->prng, 500, 10000);
		no.straggle_lo_ms = w->cfg.token_ms / 8;
		no.straggle_hi_ms = w->cfg.token_ms;
	}
	sim_net_init(&w->net, n, &no, &w->prng);

	w->app_mean_ms = (uint32_t)sim_prng_range(&w->prng, 5, 300);
	w->app_burst_max = (uint32_t)sim_prng_range(&w->prng, 1, 8);
	w->app_size_max = (uint32_t)sim_prng_range(&w->prng, SIM_MSG_HDR_LEN, SIM_APP_BUF);
	w->traffic = true;
	/* whole-stack mode: 0..3 CPG clients per node in 1..3 groups (no draw
	 * in srp-only mode: its seeds replay as before) */
	if (!w->opt.srp_only) {
		w->groups = (uint32_t)sim_prng_range(&w->prng, 1, 3);
		w->client_mean_ms = (uint32_t)sim_prng_range(&w->prng, 5, 200);
		for (uint32_t i = 0; i < n; i++)
			w->nodes[i].clients = (uint32_t)sim_prng_range(&w->prng, 0, 3);
	}

	wlog(w, "world: nodes=%u token=%u token_retransmit=%u hold=%u consensus=%u join=%u merge=%u net_mtu=%u send_queue_max=%u",
	     n, w->cfg.token_ms, w->cfg.token_retransmit_ms, w->cfg.hold_ms, w->cfg.consensus_ms,
	     w->cfg.join_ms, w->cfg.merge_ms, w->cfg.net_mtu, w->cfg.send_queue_max);
	if (w->cfg.send_join_ms)
		wlog(w, "world: send_join=%u (JOINs leave 0..send_join ms late)", w->cfg.send_join_ms);
	wlog(w, "world: delay=%u+exp(%u) loss=%uppm dup=%uppm app every ~%u ms burst<=%u size<=%u",
	     no.delay_min_ms, no.delay_mean_ms, no.loss_ppm, no.dup_ppm, w->app_mean_ms,
	     w->app_burst_max, w->app_size_max);
	if (f & SIM_FAULT_LATE)
		wlog(w, "world: stragglers %uppm, %u..%u ms late; datagrams in flight survive heal",
		     no.straggle_ppm, no.straggle_lo_ms, no.straggle_hi_ms);
	if (!w->opt.srp_only) {
		char cb[100];
		size_t o = 0;

		for (uint32_t i = 0; i < n && o + 4 < sizeof(cb); i++)
			o += (size_t)snprintf(cb + o, sizeof(cb) - o, "%u", w->nodes[i].clients);
		wlog(w, "world: whole stack (the app line above is unused); CPG clients per node %s, "
		     "%u groups, a client acts every ~%u ms", cb, w->groups, w->client_mean_ms);
		/* its own PRNG stream: the run's draws stay as they were */
		sim_quorum_cfg_from_seed(w->opt.seed, n, &w->qcfg);
		sim_quorum_cfg_format(&w->qcfg, cb, sizeof(cb));
		if (w->opt.cpg_only)
			wlog(w, "world: services cpg alone");
		else
			wlog(w, "world: services cmap, cfg, cpg, quorum, votequorum; quorum: %s", cb);
	}

	if (f & SIM_FAULT_FOREIGN) {
		/* 1..n/2 nodes of the other byte order (at least one stays native) */
		uint32_t k = 1 + (uint32_t)sim_prng_below(&w->prng, n / 2);
		char fb[100];
		size_t o = 0;

		for (uint32_t i = 0; i < k; i++)
			w->nodes[sim_prng_below(&w->prng, n)].foreign = true;
		for (uint32_t i = 0; i < n && o + 8 < sizeof(fb); i++)
			if (w->nodes[i].foreign)
				o += (size_t)snprintf(fb + o, sizeof(fb) - o, " %u", w->nodeids[i]);
		wlog(w, "world: foreign-endian nodes:%s", fb);
		w->xcode = !w->opt.srp_only;
	}
	for (uint32_t i = 0; i < n; i++) {
		w->nodes[i].w = w;
		w->nodes[i].idx = i;
		w->nodes[i].nodeid = w->nodeids[i];
		w->nodes[i].pid_next = 1000;
	}
}

/*
 * --trace: the host's, sync engine's and CPG service's log lines (libqb,
 * include/chorus/log.h) go to the run's log with the node being entered.
 */
static void trace_qb_line(int32_t t, struct qb_log_callsite *cs, struct timespec *ts,
			  const char *msg)
{
	struct sim_world *w = qb_log_target_user_data_get(t);

	(void)ts;
	if (w && w->log)
		fprintf(w->log, "[%8" PRIu64 "] n%u %s: %s\n", w->now, w->cur_node,
			log_subsys_str((enum log_subsys)cs->tags), msg);
}

static void trace_start(struct sim_world *w)
{
	w->log_target = -1;
	if (!w->opt.trace || w->opt.srp_only)
		return;
	w->log_target = qb_log_custom_open(trace_qb_line, NULL, NULL, w);
	if (w->log_target < 0)
		return;
	(void)qb_log_filter_ctl(w->log_target, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_DEBUG);
	(void)qb_log_ctl(w->log_target, QB_LOG_CONF_ENABLED, QB_TRUE);
}

static void trace_stop(struct sim_world *w)
{
	if (w->log_target >= 0)
		qb_log_custom_close(w->log_target);
	w->log_target = -1;
}

int sim_run(const struct sim_options *opt, FILE *log, struct sim_result *ret)
{
	struct sim_world *w;
	struct sim_check_stats st;
	struct sim_event *ev;
	const char *msg;

	if (opt->nodes < SIM_NODES_MIN || opt->nodes > SIM_NODES_MAX)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(ret, 0, sizeof(*ret));
	w->opt = *opt;
	w->log = log;
	w->res = ret;
	sim_prng_seed(&w->prng, opt->seed);
	world_setup(w);
	w->chk = sim_check_new(w->nodeids, opt->nodes);
	w->cchk = w->chk ? sim_cpg_check_new(w->chk) : NULL;
	w->qchk = w->cchk && !opt->srp_only && !opt->cpg_only ?
		  sim_quorum_check_new(w->chk, &w->qcfg, opt->nodes) : NULL;
	if (!w->cchk || (!opt->srp_only && !opt->cpg_only && !w->qchk)) {
		sim_cpg_check_free(w->cchk);
		sim_check_free(w->chk);
		free(w);
		return -ENOMEM;
	}
	ret->bound_ms = w->bound_ms;
	trace_start(w);

	for (uint32_t i = 0; i < opt->nodes; i++)
		node_boot(w, &w->nodes[i]);
	if (opt->faults & SIM_FAULT_CRASH)
		sched(w, EV_CRASH_TICK, 0, 0, fault_gap(w));
	if (opt->faults & SIM_FAULT_PAUSE)
		sched(w, EV_PAUSE_TICK, 0, 0, fault_gap(w));
	if (opt->faults & SIM_FAULT_LEAVE)
		sched(w, EV_LEAVE_TICK, 0, 0, fault_gap(w));
	if (opt->faults & (SIM_FAULT_PARTITION | SIM_FAULT_ASYM | SIM_FAULT_ISOLATE | SIM_FAULT_RAGGED))
		/* the first ragged partition: once the ring carries traffic, within the fault phase */
		sched(w, EV_PART_TICK, 0, 0, (opt->faults & SIM_FAULT_RAGGED) ?
		      sim_prng_range(&w->prng, 300, opt->duration_ms > 600 ? opt->duration_ms / 2 : 300) :
		      fault_gap(w));
	if (opt->faults & SIM_FAULT_CLOG)
		sched(w, EV_CLOG_TICK, 0, 0, fault_gap(w));
	if (opt->faults & SIM_FAULT_SWIZZLE)
		sched(w, EV_SWIZZLE_TICK, 0, 0, fault_gap(w));
	sched(w, EV_HEAL, 0, 0, opt->duration_ms);
	sched(w, EV_REACH_TICK, 0, 0, w->cfg.token_ms / 4);

	while (!w->ended && !sim_check_failed(w->chk) && (ev = sim_heap_pop(&w->heap))) {
		w->now = ev->at_ms;
		sim_check_set_now(w->chk, w->now);
		if (++ret->events > SIM_EVENTS_MAX) {
			sim_check_fail(w->chk, 0, "event budget of %llu exhausted",
				       (unsigned long long)SIM_EVENTS_MAX);
			ev_free(ev);
			break;
		}
		if (w->now / 1000 != w->storm_second) {
			w->storm_second = w->now / 1000;
			w->storm_events = w->storm_packets = 0;
			storm_reset(w);
		}
		if (storm_over(w, ev)) {
			ev_free(ev);
			break;
		}
		handle(w, ev);
		liveness_check(w);
	}
	if (!w->ended && !sim_check_failed(w->chk))
		sim_check_fail(w->chk, 0, "event queue ran dry before the end of the run");

	ret->end_ms = w->now;
	msg = sim_check_failure(w->chk, &ret->fail_nodeid, &ret->fail_time_ms);
	ret->ok = msg == NULL;
	if (msg)
		snprintf(ret->failure, sizeof(ret->failure), "%s", msg);
	sim_check_stats_get(w->chk, &st);
	ret->sent = st.sent;
	ret->delivered = st.delivered;
	ret->confchgs = st.confchgs;
	ret->rings = st.rings;
	ret->trans_delivered = st.trans_delivered;
	{
		struct sim_cpg_stats cs;

		sim_cpg_stats_get(w->cchk, &cs);
		ret->cpg_sent = cs.sent;
		ret->cpg_delivered = cs.delivered;
		ret->cpg_confchgs = cs.confchgs;
		ret->cpg_joins = cs.joins;
		ret->cpg_leaves = cs.leaves;
		ret->cpg_crashes = cs.crashes;
		ret->cpg_syncs = cs.syncs;
		ret->cpg_trans_delivered = cs.trans_delivered;
		ret->cpg_histories = cs.histories;
		ret->cpg_replayed = cs.replayed;
	}
	ret->xcoded = w->xcoded;
	ret->foreign_rx = w->foreign_rx;
	{
		struct sim_quorum_stats qs;

		sim_quorum_stats_get(w->qchk, &qs);
		ret->quorum_reports = qs.reports;
		ret->quorum_quorate = qs.quorate;
	}

	while ((ev = sim_heap_pop(&w->heap)))
		ev_free(ev);
	sim_heap_fini(&w->heap);
	for (uint32_t i = 0; i < opt->nodes; i++) {
		sim_stack_destroy(w->nodes[i].stk);
		srp_destroy(w->nodes[i].srp);
	}
	trace_stop(w);
	sim_xcode_store_free(&w->patches);
	sim_quorum_check_free(w->qchk);
	sim_cpg_check_free(w->cchk);
	sim_check_free(w->chk);
	free(w);
	return 0;
}

/* ---- options ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	uint32_t bit;
} fault_names[] = {
	{ "loss", SIM_FAULT_LOSS }, { "dup", SIM_FAULT_DUP }, { "reorder", SIM_FAULT_REORDER },
	{ "partition", SIM_FAULT_PARTITION }, { "asym", SIM_FAULT_ASYM },
	{ "isolate", SIM_FAULT_ISOLATE }, { "clog", SIM_FAULT_CLOG },
	{ "swizzle", SIM_FAULT_SWIZZLE }, { "crash", SIM_FAULT_CRASH }, { "pause", SIM_FAULT_PAUSE },
	/* appended: a seed's draws for the faults above are unchanged */
	{ "late", SIM_FAULT_LATE }, { "leave", SIM_FAULT_LEAVE }, { "jitter", SIM_FAULT_JITTER },
	{ "foreign", SIM_FAULT_FOREIGN }, { "libcpg", SIM_FAULT_LIBCPG },
	{ "ragged", SIM_FAULT_RAGGED },
};

static uint32_t faults_from_seed(uint64_t seed)
{
	struct sim_prng p;
	uint32_t f = 0;

	sim_prng_seed(&p, seed ^ 0x6661756c7473ull);
	if (sim_prng_chance(&p, 100000))
		return 0;
	for (size_t i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
		/* the client calls are in most seeds; ragged is drawn below */
		if (fault_names[i].bit != SIM_FAULT_RAGGED &&
		    sim_prng_chance(&p, fault_names[i].bit == SIM_FAULT_LIBCPG ? 750000 : 350000))
			f |= fault_names[i].bit;
	/*
	 * Drawn after the others (their draws stay as they were): ragged
	 * partitions are what makes srp deliver in a transitional configuration
	 * (issue 8), so they come in more seeds than any other fault.
	 */
	if (sim_prng_chance(&p, RAGGED_PPM))
		f |= SIM_FAULT_RAGGED;
	return f;
}

void sim_options_from_seed(uint64_t seed, struct sim_options *ret_opt)
{
	struct sim_prng p;

	sim_prng_seed(&p, seed ^ 0x6f7074696f6e73ull);
	memset(ret_opt, 0, sizeof(*ret_opt));
	ret_opt->seed = seed;
	ret_opt->nodes = (uint32_t)sim_prng_range(&p, SIM_NODES_MIN, SIM_NODES_MAX);
	ret_opt->faults = faults_from_seed(seed);
	ret_opt->duration_ms = sim_prng_range(&p, 3000, 20000);
}

int sim_faults_parse(const char *list, uint64_t seed, uint32_t *ret_faults)
{
	uint32_t f = 0;
	const char *p = list;

	if (strcmp(list, "auto") == 0) {
		*ret_faults = faults_from_seed(seed);
		return 0;
	}
	if (strcmp(list, "all") == 0) {
		*ret_faults = SIM_FAULT_ALL;
		return 0;
	}
	if (strcmp(list, "none") == 0 || *list == 0) {
		*ret_faults = 0;
		return 0;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
			if (strlen(fault_names[i].name) == len && strncmp(p, fault_names[i].name, len) == 0)
				break;
		if (i == sizeof(fault_names) / sizeof(fault_names[0]))
			return -EINVAL;
		f |= fault_names[i].bit;
		p += len;
		if (*p == ',')
			p++;
	}
	*ret_faults = f;
	return 0;
}

void sim_faults_format(uint32_t faults, char *buf, size_t cap)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
		if ((faults & fault_names[i].bit) && o + 12 < cap)
			o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? "," : "", fault_names[i].name);
	if (o == 0)
		snprintf(buf, cap, "none");
}
