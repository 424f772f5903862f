/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's totem stack: kronosnet transport → totemsrp engine → totempg
 * → the service host, driven from the main loop.  This file only wires:
 * it reads the clock, owns the file descriptors and the one timer, and
 * persists the ring sequence (<state_dir>/ringid_<nodeid>, 8 raw bytes in
 * host order, as corosync).  Protocol lives in totemsrp/.
 *
 * Messages delivered to the host are copied once into an 8-byte-aligned
 * buffer: services read their structs in place and byte-swap them there.
 */
#define LOG_SUBSYS LOG_SUBSYS_TOTEM

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <qb/qbutil.h>

#include <chorus/icmap.h>
#include <chorus/log.h>

#include "exec/knet_config.h"
#include "exec/deadline.h"
#include "exec/totem.h"
#include "totemsrp/pg.h"
#include "totemsrp/pg_confchg.h"
#include "totemsrp/srp.h"
#include "totemsrp/transport_knet.h"

#define TOTEM_RX_BATCH     64      /* datagrams per wakeup before yielding */
#define TOTEM_START_POLL_MS 100    /* link readiness check, as corosync */
#define TOTEM_STATS_MS     1500    /* stats.srp.* refresh */
#define GROUP_A "a"
#define GROUP_SYNC "sync"

struct totem {
	qb_loop_t *loop;
	struct host *host;
	struct icmap *stats;
	const struct totem_config *tc;
	void (*confchg)(void *ctx, const struct svc_view *view);
	void *confchg_ctx;
	void (*ringid_lost)(void *ctx);
	char ringid_path[4096];

	struct tknet *tk;
	struct srp *srp;
	struct pg *pg;
	struct deadline timer;       /* srp_next_deadline() */
	qb_loop_timer_handle start_timer, stats_timer, warn_timer;
	bool started;
	bool data_polled;           /* the knet data fd is in the loop */
	uint64_t rx_full_logged;    /* tknet rx_full count at the last notice */
	bool token_warned;          /* this silence was logged already */
	uint64_t rng;               /* xorshift64 state for send_join jitter */
	size_t queue_cap;           /* srp's send queue, in frames */
	size_t queue_soft;          /* admission stops above this many queued frames */

	struct pg_confchg_state cc;  /* configuration changes -> pg -> the host's view */

	uint8_t rx[65536] __attribute__((aligned(8)));
	uint8_t msg[PG_MESSAGE_MAX] __attribute__((aligned(8)));
};

static uint64_t now_ms(void)
{
	return qb_util_nano_current_get() / QB_TIME_NS_IN_MSEC;
}

/* ---- the engine's timer ----------------------------------------------------- */

static void rearm(struct totem *t);
static void totem_begin(struct totem *t);

static void on_timer(void *data)
{
	struct totem *t = data;

	srp_advance(t->srp, now_ms());
	rearm(t);
}

static void rearm(struct totem *t)
{
	deadline_set(&t->timer, srp_next_deadline(t->srp));
}

/* ---- ring id file ------------------------------------------------------------- */

static int ringid_load(const char *path, uint64_t *ret_seq)
{
	uint64_t seq = 0;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, &seq, sizeof(seq));
	if (n != (ssize_t)sizeof(seq)) {
		seq = 0;
		if (pwrite(fd, &seq, sizeof(seq), 0) != (ssize_t)sizeof(seq)) {
			int e = errno;

			close(fd);
			return -e;
		}
	}
	close(fd);
	*ret_seq = seq;
	return 0;
}

/*
 * A ring id that is not on disk must never be used: after a restart the
 * node could form a ring with an id it used before.  The daemon exits
 * (ringid_lost), as corosync does.  The engine alone would go back to
 * GATHER and try again, which a node without peers does at once and for
 * ever (a few thousand failed writes and error lines a second once its
 * state directory was removed).  The ring goes on without this node.
 */
static int env_ring_seq_store(void *ctx, uint64_t seq)
{
	struct totem *t = ctx;
	int fd = open(t->ringid_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	int r = 0;

	if (fd < 0)
		r = -errno;
	else if (pwrite(fd, &seq, sizeof(seq), 0) != (ssize_t)sizeof(seq) || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	if (r == 0)
		return 0;
	(void)log_errno(LOG_ERR, r, "Couldn't store new ring id %" PRIx64 " in %s", seq, t->ringid_path);
	if (t->ringid_lost)
		t->ringid_lost(t->confchg_ctx);
	return r;
}

/* ---- engine callbacks ----------------------------------------------------------- */

static int env_send_token(void *ctx, uint32_t to, const void *buf, size_t len)
{
	return tknet_send(((struct totem *)ctx)->tk, to, buf, len);
}

static int env_send_mcast(void *ctx, const void *buf, size_t len)
{
	return tknet_send(((struct totem *)ctx)->tk, 0, buf, len);
}

static void env_deliver(void *ctx, uint32_t from, const void *msg, size_t len, bool foreign)
{
	struct totem *t = ctx;

	(void)pg_deliver(t->pg, from, msg, len, foreign);
}

static void env_token_received(void *ctx)
{
	pg_token_received(((struct totem *)ctx)->pg);
}

static void env_confchg(void *ctx, const struct srp_confchg *chg)
{
	struct totem *t = ctx;
	struct svc_view view;
	size_t i;

	if (!pg_confchg_apply(&t->cc, t->pg, chg, &view))
		return;
	{
		char line[512];
		size_t used = 0;

		line[0] = '\0';
		for (i = 0; i < chg->members_count && used < sizeof(line) - 12; i++)
			used += (size_t)snprintf(line + used, sizeof(line) - used, " %" PRIu32,
						 chg->members[i]);
		log_notice("A new membership (%" PRIx32 ".%" PRIx64 ") was formed. Members:%s",
			   chg->ring_id.rep, chg->ring_id.seq, line);
	}
	t->confchg(t->confchg_ctx, &view);
}

/* ---- totempg callbacks ------------------------------------------------------------- */

static int pg_env_mcast(void *ctx, const struct iovec *iov, size_t iovcnt)
{
	return srp_mcast(((struct totem *)ctx)->srp, iov, iovcnt);
}

static size_t pg_env_space(void *ctx)
{
	return srp_queue_space(((struct totem *)ctx)->srp);
}

static void pg_env_pending(void *ctx)
{
	srp_hold_cancel(((struct totem *)ctx)->srp);
}

static void pg_env_deliver(void *ctx, uint32_t from, const char *group, size_t group_len,
			   const void *msg, size_t len, bool foreign)
{
	struct totem *t = ctx;

	if (len > sizeof(t->msg))
		return;
	memcpy(t->msg, msg, len);
	if (group_len == 1 && group[0] == 'a')
		host_deliver(t->host, from, t->msg, len, foreign);
	else if (group_len == 4 && memcmp(group, GROUP_SYNC, 4) == 0)
		host_sync_deliver(t->host, from, t->msg, len, foreign);
}

/* ---- the host's totem ops ----------------------------------------------------------- */

static int host_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t iovcnt,
		      enum svc_guarantee g)
{
	struct totem *t = ctx;

	if (group == HOST_GROUP_SYNC)
		return pg_mcast(t->pg, GROUP_SYNC, 4, iov, iovcnt);
	return pg_mcast(t->pg, GROUP_A, 1, iov, iovcnt);
}

/*
 * Admission of a service message: it must fit (pg_send_ok), and the send
 * queue must hold at most queue_soft frames before it, about
 * TOTEM_QUEUE_SOFT_BYTES (8 frames with knet's 64 KB frames, never fewer).
 * The queue itself is sized for one largest message on top of that soft
 * limit, so a 1 MiB message gets in whatever the MTU, while a stream of
 * small messages never queues more than the soft limit: under load a sender
 * gets TRY_AGAIN once ~512 KiB wait, a few token rotations' worth.
 * Measured with the bench (3 nodes, crypto, 1 KiB, one sender): a soft
 * limit of 64 frames (4 MiB) gave a send -> own delivery p50 of 150 ms, 17
 * frames 30 ms, 8 frames 17 ms, all at the same throughput; at 4 frames and
 * below the throughput fell.  corosync queues about 80 ms there.
 */
#define TOTEM_QUEUE_SOFT_BYTES (512u << 10)
#define TOTEM_QUEUE_SOFT_MIN 8

static bool host_space(void *ctx, size_t len)
{
	struct totem *t = ctx;

	return pg_send_ok(t->pg, len) &&
	       t->queue_cap - srp_queue_space(t->srp) <= t->queue_soft;
}

const struct host_totem_ops totem_host_ops = {
	.mcast = host_mcast,
	.space = host_space,
};

void totem_sync_done(struct totem *t)
{
	if (!pg_confchg_sync_done(&t->cc, t->pg))
		return;
	srp_trans_ack(t->srp);
	rearm(t);
}

/* ---- file descriptors ------------------------------------------------------------------ */

static int32_t on_data(int32_t fd, int32_t revents, void *data)
{
	struct totem *t = data;
	int i;

	host_set_time(t->host, now_ms());
	for (i = 0; i < TOTEM_RX_BATCH; i++) {
		ssize_t n = tknet_recv(t->tk, t->rx, sizeof(t->rx));

		if (n == -EPIPE) {
			/* knet removed the channel (logged by the transport): stop polling it. */
			log_err("The knet data channel is gone: this node can neither send nor "
				"receive totem messages");
			(void)qb_loop_poll_del(t->loop, fd);
			t->data_polled = false;
			break;
		}
		if (n < 0)
			break;
		(void)srp_receive(t->srp, now_ms(), t->rx, (size_t)n);
	}
	host_totem_room(t->host);
	rearm(t);
	return 0;
}

/* knet's view of each peer for the engine (srp_peer_reachable: a peer
 * whose every link is down is failed at once when gathering). */
static void peers_update(struct totem *t)
{
	bool reachable, remote, external;
	uint64_t now = now_ms();
	size_t i;

	tknet_link_timers_update(t->tk);
	if (!t->srp)
		return;
	for (i = 0; i < t->tc->node_count; i++) {
		uint32_t id = t->tc->nodes[i].nodeid;

		if (id == t->tc->local_nodeid ||
		    tknet_host_status(t->tk, id, &reachable, &remote, &external) < 0)
			continue;
		srp_peer_reachable(t->srp, now, id, reachable);
	}
	rearm(t);
}

static int32_t on_log(int32_t fd, int32_t revents, void *data)
{
	struct totem *t = data;

	(void)fd;
	(void)revents;
	tknet_log_drain(t->tk);
	if (!tknet_hosts_changed(t->tk))
		return 0;
	/* The last link came up: start now, not at the next poll (up to
	 * TOTEM_START_POLL_MS later, and the first ring waits for the last
	 * node to start; see srp_start). */
	if (t->srp && !t->started && tknet_links_ready(t->tk)) {
		qb_loop_timer_del(t->loop, t->start_timer);
		totem_begin(t);
	} else {
		peers_update(t);
	}
	return 0;
}

static void knet_log(void *ctx, int priority, const char *subsystem, const char *msg)
{
	qb_logt(priority, LOG_SUBSYS_KNET, "%s: %s", subsystem, msg);
}

/* send_join jitter: any decent spread will do, only the delay depends on it. */
static uint64_t env_random(void *ctx)
{
	struct totem *t = ctx;

	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

static void srp_log_line(void *ctx, int priority, const char *line)
{
	(void)ctx;
	qb_logt(priority, LOG_SUBSYS_TOTEM, "%s", line);
}

/*
 * token_warning: a notice once the token has been silent for token_warning %
 * of `token` while the ring is OPERATIONAL (membership states have their own
 * story in the log).  One timer per warning period, none per token: it looks
 * at the engine's last token time and sleeps until the warning could be due.
 */
static uint64_t token_warn_ms(const struct totem *t)
{
	return (uint64_t)t->tc->token * t->tc->token_warning / 100;
}

static void on_token_warn(void *data);

static void token_warn_arm(struct totem *t, uint64_t ms)
{
	if (token_warn_ms(t) == 0)
		return;
	qb_loop_timer_add(t->loop, QB_LOOP_MED, (ms ? ms : 1) * QB_TIME_NS_IN_MSEC, t, on_token_warn,
			  &t->warn_timer);
}

static void on_token_warn(void *data)
{
	struct totem *t = data;
	uint64_t warn = token_warn_ms(t), last = srp_stats(t->srp)->last_token_rx_ms;
	uint64_t silent = last ? now_ms() - last : 0;

	if (srp_state(t->srp) != SRP_STATE_OPERATIONAL || silent < warn) {
		t->token_warned = false;
		token_warn_arm(t, silent < warn ? warn - silent : warn);
		return;
	}
	if (!t->token_warned)
		log_notice("Token has not been received in %" PRIu64 " ms", silent);
	t->token_warned = true;
	token_warn_arm(t, warn);
}

/* Tell the engine every peer knet reaches (its first gather names them,
 * srp_start), whichever check saw the links ready, then start it. */
static void totem_begin(struct totem *t)
{
	peers_update(t);
	t->started = true;
	srp_start(t->srp, now_ms());
	rearm(t);
	token_warn_arm(t, token_warn_ms(t));
}

static void on_start_check(void *data)
{
	struct totem *t = data;

	if (t->started)
		return;
	if (!tknet_links_ready(t->tk)) {
		qb_loop_timer_add(t->loop, QB_LOOP_MED, TOTEM_START_POLL_MS * QB_TIME_NS_IN_MSEC, t,
				  on_start_check, &t->start_timer);
		return;
	}
	totem_begin(t);
}

/* ---- stats.srp.* ----------------------------------------------------------------------- */

/* stats.knet.node<N>.link<L>.* for every configured peer link (and our loopback). */
static void publish_knet_stats(struct totem *t)
{
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	struct tknet_link_status st;
	size_t i;
	unsigned l;

	for (i = 0; i < t->tc->node_count; i++) {
		uint32_t id = t->tc->nodes[i].nodeid;

		for (l = 0; l < CONF_LINKS_MAX; l++) {
			if (tknet_link_status(t->tk, id, l, &st) < 0)
				continue;
#define KS(field, fn, v) do { \
		snprintf(key, sizeof(key), "stats.knet.node%" PRIu32 ".link%u." field, id, l); \
		(void)fn(t->stats, key, v); } while (0)
			KS("enabled", icmap_set_uint8, st.enabled);
			KS("connected", icmap_set_uint8, st.connected);
			KS("mtu", icmap_set_uint32, st.mtu);
			KS("tx_data_packets", icmap_set_uint64, st.tx_data_packets);
			KS("rx_data_packets", icmap_set_uint64, st.rx_data_packets);
			KS("tx_data_bytes", icmap_set_uint64, st.tx_data_bytes);
			KS("rx_data_bytes", icmap_set_uint64, st.rx_data_bytes);
			KS("latency_min", icmap_set_uint32, st.latency_min);
			KS("latency_max", icmap_set_uint32, st.latency_max);
			KS("latency_ave", icmap_set_uint32, st.latency_ave);
			KS("down_count", icmap_set_uint32, st.down_count);
			KS("up_count", icmap_set_uint32, st.up_count);
#undef KS
		}
	}
}

int totem_node_status(struct totem *t, uint32_t nodeid, struct svc_node_status *ret_status)
{
	struct tknet_link_status st;
	int r;

	if (!t || !t->tk)
		return -ENOTSUP;
	memset(ret_status, 0, sizeof(*ret_status));
	r = tknet_host_status(t->tk, nodeid, &ret_status->reachable, &ret_status->remote,
			      &ret_status->external);
	if (r < 0)
		return r;
	/* Links corosync does not use are left out, the loopback link 0 included. */
	for (unsigned l = 0; l < CONF_LINKS_MAX && l < SVC_LINKS_MAX; l++) {
		struct svc_link_status *out = &ret_status->link[l];

		if (!t->tc->links[l].configured || tknet_link_status(t->tk, nodeid, l, &st) < 0)
			continue;
		out->enabled = st.enabled;
		out->connected = st.connected;
		out->dynconnected = st.dynconnected;
		out->mtu = st.mtu;
		snprintf(out->src_ipaddr, sizeof(out->src_ipaddr), "%s", st.src_addr);
		snprintf(out->dst_ipaddr, sizeof(out->dst_ipaddr), "%s", st.dst_addr);
	}
	return 0;
}

static void publish_stats(struct totem *t)
{
	const struct srp_stats *s = srp_stats(t->srp);
	struct { const char *name; uint64_t v; } u64[] = {
		{ "orf_token_tx", s->orf_token_tx }, { "orf_token_rx", s->orf_token_rx },
		{ "memb_merge_detect_tx", s->memb_merge_detect_tx },
		{ "memb_merge_detect_rx", s->memb_merge_detect_rx },
		{ "memb_join_tx", s->memb_join_tx }, { "memb_join_rx", s->memb_join_rx },
		{ "mcast_tx", s->mcast_tx }, { "mcast_retx", s->mcast_retx }, { "mcast_rx", s->mcast_rx },
		{ "memb_commit_token_tx", s->memb_commit_token_tx },
		{ "memb_commit_token_rx", s->memb_commit_token_rx },
		{ "token_hold_cancel_tx", s->token_hold_cancel_tx },
		{ "token_hold_cancel_rx", s->token_hold_cancel_rx },
		{ "operational_entered", s->operational_entered },
		{ "operational_token_lost", s->operational_token_lost },
		{ "gather_entered", s->gather_entered }, { "gather_token_lost", s->gather_token_lost },
		{ "commit_entered", s->commit_entered }, { "commit_token_lost", s->commit_token_lost },
		{ "recovery_entered", s->recovery_entered },
		{ "recovery_token_lost", s->recovery_token_lost },
		{ "consensus_timeouts", s->consensus_timeouts }, { "rx_msg_dropped", s->rx_msg_dropped },
		{ "time_since_token_last_received",
		  s->last_token_rx_ms ? now_ms() - s->last_token_rx_ms : 0 },
	};
	struct { const char *name; uint32_t v; } u32[] = {
		{ "continuous_gather", s->continuous_gather },
		{ "continuous_sendmsg_failures", s->continuous_sendmsg_failures },
		{ "mtt_rx_token", s->mtt_rx_token }, { "avg_token_workload", s->avg_token_workload },
		{ "avg_backlog_calc", s->avg_backlog_calc },
	};
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	size_t i;

	for (i = 0; i < sizeof(u64) / sizeof(u64[0]); i++) {
		snprintf(key, sizeof(key), "stats.srp.%s", u64[i].name);
		(void)icmap_set_uint64(t->stats, key, u64[i].v);
	}
	for (i = 0; i < sizeof(u32) / sizeof(u32[0]); i++) {
		snprintf(key, sizeof(key), "stats.srp.%s", u32[i].name);
		(void)icmap_set_uint32(t->stats, key, u32[i].v);
	}
	(void)icmap_set_uint8(t->stats, "stats.srp.firewall_enabled_or_nic_failure", 0);
	(void)icmap_set_uint64(t->stats, "stats.pg.dropped", pg_dropped(t->pg));
	publish_knet_stats(t);
	{
		struct tknet_stats ks;

		/* chorus's own keys (docs/compat.md) */
		tknet_get_stats(t->tk, &ks);
		(void)icmap_set_uint64(t->stats, "stats.knet.handle.datafd_rx_full", ks.rx_full);
		(void)icmap_set_uint64(t->stats, "stats.knet.handle.datafd_removed",
				       ks.datafd_removed);
		if (ks.rx_full > t->rx_full_logged) {
			log_notice("knet dropped %" PRIu64 " received datagrams: the totem receive "
				   "queue was full", ks.rx_full - t->rx_full_logged);
			t->rx_full_logged = ks.rx_full;
		}
	}
}

static void on_stats(void *data)
{
	struct totem *t = data;

	publish_stats(t);
	host_publish_stats(t->host);
	qb_loop_timer_add(t->loop, QB_LOOP_LOW, TOTEM_STATS_MS * QB_TIME_NS_IN_MSEC, t, on_stats,
			  &t->stats_timer);
}

/* ---- lifecycle --------------------------------------------------------------------------- */

void totem_stats_clear(struct totem *t, bool transport)
{
	srp_stats_clear(t->srp);
	if (transport)
		tknet_stats_clear(t->tk);
	publish_stats(t);
}

int totem_nodes_update(struct totem *t, const struct totem_config *tc, char *why, size_t why_size)
{
	struct tknet_config *kc = malloc(sizeof(*kc));
	struct tknet_node *kn = NULL;
	int r;

	r = kc ? knet_config_from_totem(tc, kc, &kn) : -ENOMEM;
	if (r == 0)
		r = tknet_hosts_update(t->tk, kc, why, why_size);
	else
		snprintf(why, why_size, "Can't prepare the knet configuration: %s", strerror(-r));
	if (kc)
		explicit_bzero(kc->key, sizeof(kc->key));
	free(kc);
	free(kn);
	return r;
}

/* The engine's timers and limits from the configuration (the fixed fields are the caller's). */
static void srp_config_from_totem(const struct totem_config *tc, struct srp_config *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->nodeid = tc->local_nodeid;
	sc->token_ms = tc->token;
	sc->token_retransmit_ms = tc->token_retransmit;
	sc->hold_ms = tc->hold;
	sc->token_retransmits_before_loss_const = tc->token_retransmits_before_loss_const;
	sc->join_ms = tc->join;
	sc->send_join_ms = tc->send_join;
	sc->consensus_ms = tc->consensus;
	sc->merge_ms = tc->merge;
	sc->fail_recv_const = tc->fail_recv_const;
	sc->seqno_unchanged_const = tc->seqno_unchanged_const;
	sc->max_network_delay_ms = tc->max_network_delay;
	sc->heartbeat_failures_allowed = tc->heartbeat_failures_allowed;
	sc->window_size = tc->window_size;
	sc->max_messages = tc->max_messages;
	sc->miss_count_const = tc->miss_count_const;
	sc->cancel_token_hold_on_retransmit = tc->cancel_token_hold_on_retransmit;
}

int totem_reconfigure(struct totem *t, const struct totem_config *tc, unsigned flags, char *why,
		      size_t why_size)
{
	struct tknet_config *kc;
	struct tknet_node *kn = NULL;
	struct srp_config sc;
	unsigned kflags = 0;
	int r, r2;

	srp_config_from_totem(tc, &sc);
	sc.net_mtu = (uint32_t)tknet_mtu(t->tk) - 45;
	sc.send_queue_max = (uint32_t)t->queue_cap;
	r = srp_reconfigure(t->srp, &sc, now_ms());
	if (r < 0)
		snprintf(why, why_size, "the totem engine refused the new timers: %s",
			 strerror(-r));
	else
		log_debug("totem timers now: token %" PRIu32 " ms, retransmit %" PRIu32
			  " ms, hold %" PRIu32 " ms, join %" PRIu32 " ms, consensus %" PRIu32
			  " ms, merge %" PRIu32 " ms, window %" PRIu32 ", max_messages %" PRIu32,
			  tc->token, tc->token_retransmit, tc->hold, tc->join, tc->consensus,
			  tc->merge, tc->window_size, tc->max_messages);
	if (flags & TOTEM_RECONF_RELOAD)
		kflags |= TKNET_RECONF_RELOAD;
	if (flags & TOTEM_RECONF_CRYPTO)
		kflags |= TKNET_RECONF_CRYPTO;
	kc = malloc(sizeof(*kc));
	r2 = kc ? knet_config_from_totem(tc, kc, &kn) : -ENOMEM;
	if (r2 == 0)
		r2 = tknet_reconfigure(t->tk, kc, kflags, r < 0 ? NULL : why, why_size);
	else if (r == 0)
		snprintf(why, why_size, "Can't prepare the knet configuration: %s", strerror(-r2));
	if (kc)
		explicit_bzero(kc->key, sizeof(kc->key));
	free(kc);
	free(kn);
	return r < 0 ? r : r2;
}

int totem_crypto_phase(struct totem *t, enum svc_crypto_phase phase)
{
	if (phase == SVC_CRYPTO_ACTIVATE)
		return tknet_crypto_phase(t->tk, TKNET_CRYPTO_ACTIVATE);
	if (phase == SVC_CRYPTO_CLEANUP)
		return tknet_crypto_phase(t->tk, TKNET_CRYPTO_CLEANUP);
	return -EINVAL;
}

int totem_create(const struct totem_create_args *a, struct totem **ret_totem, char *why,
		 size_t why_size)
{
	const struct totem_config *tc = a->tc;
	struct srp_config sc;
	struct srp_env se;
	struct pg_config pc;
	struct pg_env pe;
	struct tknet_env ke = { .log = knet_log };
	struct totem *t;
	uint64_t seq = 0;
	int r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->loop = a->loop;
	r = deadline_init(&t->timer, t->loop, QB_LOOP_HIGH, on_timer, t);
	if (r < 0) {
		snprintf(why, why_size, "timerfd: %s", strerror(-r));
		free(t);
		return r;
	}
	t->host = a->host;
	t->stats = a->stats;
	t->tc = tc;
	t->cc.nodeid = tc->local_nodeid;
	t->confchg = a->confchg;
	t->confchg_ctx = a->confchg_ctx;
	t->ringid_lost = a->ringid_lost;
	snprintf(t->ringid_path, sizeof(t->ringid_path), "%s/ringid_%" PRIu32, a->state_dir,
		 tc->local_nodeid);
	r = ringid_load(t->ringid_path, &seq);
	if (r < 0) {
		snprintf(why, why_size, "Couldn't load the ring id from %s: %s", t->ringid_path,
			 strerror(-r));
		goto fail;
	}

	ke.ctx = t;
	{
		struct tknet_config *kc = malloc(sizeof(*kc));
		struct tknet_node *kn = NULL;

		r = kc ? knet_config_from_totem(tc, kc, &kn) : -ENOMEM;
		if (r == 0)
			r = tknet_create(kc, &ke, &t->tk, why, why_size);
		else
			snprintf(why, why_size, "Can't prepare the knet configuration: %s",
				 strerror(-r));
		if (kc)
			explicit_bzero(kc->key, sizeof(kc->key));
		free(kc);
		free(kn);
	}
	if (r < 0)
		goto fail;

	srp_config_from_totem(tc, &sc);
	/* corosync's knet net_mtu is the datagram limit minus 90; a totempg frame
	 * fills net_mtu, an MCAST is 45 bytes more, a recovery copy 45 more
	 * again (= the datagram limit).  srp's net_mtu is the MCAST datagram. */
	sc.net_mtu = (uint32_t)tknet_mtu(t->tk) - 45;
	/* the soft limit plus one largest message (1 MiB + its fragment slack) */
	t->queue_soft = TOTEM_QUEUE_SOFT_BYTES / sc.net_mtu;
	if (t->queue_soft < TOTEM_QUEUE_SOFT_MIN)
		t->queue_soft = TOTEM_QUEUE_SOFT_MIN;
	sc.send_queue_max = (uint32_t)t->queue_soft + 8 +
		(uint32_t)((PG_MESSAGE_MAX + PG_MESSAGE_MAX / 16) / (sc.net_mtu > 256 ? sc.net_mtu - 64 : 192));
	t->queue_cap = sc.send_queue_max;
	sc.ring_seq_stored = seq;
	memset(&se, 0, sizeof(se));
	se.send_token = env_send_token;
	se.send_mcast = env_send_mcast;
	se.deliver = env_deliver;
	se.confchg = env_confchg;
	se.token_received = env_token_received;
	se.ring_seq_store = env_ring_seq_store;
	se.log = srp_log_line;
	if (tc->send_join > 0) {
		if (getrandom(&t->rng, sizeof(t->rng), 0) != (ssize_t)sizeof(t->rng))
			t->rng = now_ms() ^ ((uint64_t)getpid() << 32);
		t->rng |= 1;    /* xorshift never leaves 0 */
		se.random = env_random;
	}
	se.ctx = t;
	r = srp_create(&sc, &se, now_ms(), &t->srp);
	if (r < 0) {
		snprintf(why, why_size, "Can't initialize the totem engine: %s", strerror(-r));
		goto fail;
	}

	pc.frame_max = srp_mcast_max(t->srp);
	memset(&pe, 0, sizeof(pe));
	pe.mcast = pg_env_mcast;
	pe.space = pg_env_space;
	pe.pending = pg_env_pending;
	pe.deliver = pg_env_deliver;
	pe.ctx = t;
	r = pg_create(&pc, &pe, &t->pg);
	if (r < 0 || (r = pg_join(t->pg, GROUP_A, 1)) < 0 || (r = pg_join(t->pg, GROUP_SYNC, 4)) < 0) {
		snprintf(why, why_size, "Can't initialize totempg: %s", strerror(-r));
		goto fail;
	}
	*ret_totem = t;
	return 0;
fail:
	totem_destroy(t);
	return r;
}

int totem_start(struct totem *t)
{
	int r;

	r = qb_loop_poll_add(t->loop, QB_LOOP_HIGH, tknet_data_fd(t->tk), POLLIN, t, on_data);
	if (r < 0)
		return r;
	t->data_polled = true;
	r = qb_loop_poll_add(t->loop, QB_LOOP_LOW, tknet_log_fd(t->tk), POLLIN, t, on_log);
	if (r < 0)
		return r;
	log_notice("Initializing transport (Kronosnet).");
	qb_loop_timer_add(t->loop, QB_LOOP_MED, TOTEM_START_POLL_MS * QB_TIME_NS_IN_MSEC, t,
			  on_start_check, &t->start_timer);
	qb_loop_timer_add(t->loop, QB_LOOP_LOW, TOTEM_STATS_MS * QB_TIME_NS_IN_MSEC, t, on_stats,
			  &t->stats_timer);
	return 0;
}

void totem_destroy(struct totem *t)
{
	if (!t)
		return;
	if (t->srp && t->started)
		srp_leave(t->srp, now_ms());
	if (t->loop) {
		deadline_fini(&t->timer);
		qb_loop_timer_del(t->loop, t->start_timer);
		qb_loop_timer_del(t->loop, t->stats_timer);
		qb_loop_timer_del(t->loop, t->warn_timer);
		if (t->tk) {
			if (t->data_polled)
				(void)qb_loop_poll_del(t->loop, tknet_data_fd(t->tk));
			(void)qb_loop_poll_del(t->loop, tknet_log_fd(t->tk));
		}
	}
	pg_destroy(t->pg);
	srp_destroy(t->srp);
	tknet_destroy(t->tk);
	free(t);
}

void totem_set_host(struct totem *t, struct host *host)
{
	t->host = host;
}
