/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kronosnet transport: turns a struct tknet_config into a configured
 * libknet handle in the order of corosync v3.1.7
 * exec/totemknet.c, totemknet_initialize, moves totem datagrams
 * over knet data channel 0, forwards knet's log pipe and tears the handle
 * down in the §1.1 shutdown order.  It does not parse totem messages beyond
 * the 13-byte common header field target_nodeid (offset 9), which routes.
 * knet's callbacks run on knet's threads: they touch only immutable fields
 * and atomics, and they log by writing records into the log pipe, so every
 * env->log call happens on the caller's thread.  The send/receive calls also
 * reset a peer link that fails locally while another link to that peer works
 * (tk_health_check), so that failover does not wait for knet's pong timeout.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libknet.h>

#include "totemsrp/transport_knet.h"

_Static_assert((int)TKNET_LINK_PASSIVE == KNET_LINK_POLICY_PASSIVE &&
	       (int)TKNET_LINK_ACTIVE == KNET_LINK_POLICY_ACTIVE &&
	       (int)TKNET_LINK_RR == KNET_LINK_POLICY_RR, "link modes are knet's policies");

/* Totem common header: size and position of target_nodeid (§2.2). */
#define TK_HDR_SIZE 13
#define TK_TARGET_OFF 9
/* Marks log pipe records written by this file rather than by knet. */
#define TK_LOG_SELF KNET_MAX_SUBSYSTEMS

/*
 * How often (at most) the data path looks for links that fail locally
 * (tk_health_check); it runs from tknet_send/tknet_recv, so on the caller's
 * thread and only while totem traffic flows.
 */
#define TK_HEALTH_MS 50

/* What knet was told about one peer link, kept to reset the link later. */
struct tk_link_cfg {
	struct sockaddr_storage src, dst;
	uint8_t transport;
	uint8_t priority;
	uint8_t pong_count;
	uint32_t ping_interval, ping_timeout, ping_precision; /* interval 0: knet's */
};

struct tk_host {
	uint16_t nodeid;
	uint8_t links;          /* peer links configured (bit per link id) */
	uint8_t configured;     /* links given to knet, the loopback included */
	uint8_t seen_up;        /* links seen connected at least once */
	uint8_t fast;           /* links pinging at tk_fast_interval (not connected) */
	uint8_t readd;          /* links reset whose re-configuration failed */
	struct tk_link_cfg cfg[TKNET_LINKS_MAX];
	uint32_t tx_errors[TKNET_LINKS_MAX]; /* knet's tx_data_errors last seen */
};

struct tknet {
	knet_handle_t h;
	struct tknet_env env;
	int log_rd, log_wr;
	/*
	 * Our duplicate of knet's end of the data socket pair (the fd knet
	 * returned, which knet closes when the channel is removed): it stays
	 * valid until tknet_destroy, so after a removal reads see the closed
	 * pair (-EPIPE), never a closed or reused fd number.
	 */
	int data_fd;
	int knet_fd;            /* knet's number for it; -1 once removed (caller's thread) */
	uint16_t local_id;
	uint8_t link_mode;      /* knet policy of every host, fixed at creation (as corosync) */
	/*
	 * knet's crypto slot (1 or 2) that holds the configuration in force, and
	 * whether that configuration encrypts at all; see tknet_reconfigure.
	 */
	uint8_t crypto_index;
	bool crypto_on;
	size_t mtu;
	uint32_t grace_ms;
	struct timespec created;
	bool ready;
	uint64_t health_ms;     /* monotonic ms of the last tk_health_check */
	struct tk_host *hosts;
	size_t host_count;
	atomic_bool data_dead;
	atomic_bool hosts_changed;             /* tk_host_status ran; see tknet_hosts_changed */
	atomic_uint_fast64_t rx_full;          /* datagrams knet could not hand us (EAGAIN) */
	uint64_t datafd_removed;               /* channel removals (caller's thread) */
	size_t logbuf_len;
	unsigned char logbuf[sizeof(struct knet_log_msg)];
};

/* knet subsystems whose log level is set (the ones libknet 1.25 has). */
static const uint8_t tk_subsystems[] = {
	KNET_SUB_COMMON, KNET_SUB_HANDLE, KNET_SUB_HOST, KNET_SUB_LISTENER, KNET_SUB_LINK,
	KNET_SUB_TRANSPORT, KNET_SUB_CRYPTO, KNET_SUB_COMPRESS, KNET_SUB_FILTER,
	KNET_SUB_DSTCACHE, KNET_SUB_HEARTBEAT, KNET_SUB_PMTUD, KNET_SUB_TX, KNET_SUB_RX,
	KNET_SUB_TRANSP_LOOPBACK, KNET_SUB_TRANSP_UDP, KNET_SUB_TRANSP_SCTP,
	KNET_SUB_NSSCRYPTO, KNET_SUB_OPENSSLCRYPTO, KNET_SUB_ZLIBCOMP, KNET_SUB_LZ4COMP,
	KNET_SUB_LZ4HCCOMP, KNET_SUB_LZO2COMP, KNET_SUB_LZMACOMP, KNET_SUB_BZIP2COMP,
	KNET_SUB_ZSTDCOMP,
};

__attribute__((format(printf, 3, 4)))
static void tk_why(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (!why || why_size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
}

/* From any thread: queue one of our own log lines behind knet's. */
__attribute__((format(printf, 3, 4)))
static void tk_log_async(const struct tknet *tk, uint8_t level, const char *fmt, ...)
{
	struct knet_log_msg m;
	va_list ap;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	va_start(ap, fmt);
	vsnprintf(m.msg, sizeof(m.msg), fmt, ap);
	va_end(ap);
	m.subsystem = TK_LOG_SELF;
	m.msglevel = level;
	/* One record is smaller than PIPE_BUF: written whole or not at all. */
	n = write(tk->log_wr, &m, sizeof(m));
	(void)n;
}

static int tk_syslog_prio(uint8_t level)
{
	switch (level) {
	case KNET_LOG_ERR:
		return LOG_ERR;
	case KNET_LOG_WARN:
		return LOG_WARNING;
	case KNET_LOG_INFO:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

static void tk_log_record(struct tknet *tk, const struct knet_log_msg *m)
{
	char text[KNET_MAX_LOG_MSG_SIZE + 64];
	char msg[KNET_MAX_LOG_MSG_SIZE + 1];

	if (!tk->env.log)
		return;
	memcpy(msg, m->msg, KNET_MAX_LOG_MSG_SIZE);
	msg[KNET_MAX_LOG_MSG_SIZE] = '\0';
	if (m->subsystem == TK_LOG_SELF) {
		snprintf(text, sizeof(text), "%s", msg);
	} else {
		const char *sub = knet_log_get_subsystem_name(m->subsystem);

		snprintf(text, sizeof(text), "%s: %s", sub ? sub : "unknown", msg);
	}
	tk->env.log(tk->env.ctx, tk_syslog_prio(m->msglevel), "KNET", text);
}

/* Called on the caller's thread only. */
__attribute__((format(printf, 3, 4)))
static void tk_log_now(struct tknet *tk, int prio, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (!tk->env.log)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	tk->env.log(tk->env.ctx, prio, "KNET", text);
}

/*
 * On the caller's thread, once tk_sock_notify declared the channel dead:
 * hand it back to knet (which closes its socket pair) and count it.
 */
static void tk_data_remove(struct tknet *tk)
{
	if (!tk->h || tk->knet_fd < 0 || !atomic_load(&tk->data_dead))
		return;
	if (knet_handle_remove_datafd(tk->h, tk->knet_fd) < 0)
		tk_log_now(tk, LOG_WARNING, "knet_handle_remove_datafd: %s", strerror(errno));
	tk->knet_fd = -1;
	tk->datafd_removed++;
}

void tknet_log_drain(struct tknet *tk)
{
	if (!tk || tk->log_rd < 0)
		return;
	for (;;) {
		ssize_t n = read(tk->log_rd, tk->logbuf + tk->logbuf_len,
				 sizeof(tk->logbuf) - tk->logbuf_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		tk->logbuf_len += (size_t)n;
		if (tk->logbuf_len == sizeof(tk->logbuf)) {
			struct knet_log_msg m;

			memcpy(&m, tk->logbuf, sizeof(m));
			tk->logbuf_len = 0;
			tk_log_record(tk, &m);
		}
	}
	/* The failure's log line was written after data_dead was set. */
	tk_data_remove(tk);
}


/* ---- knet callbacks (knet threads) ----------------------------------- */

/*
 * Destination filter, both directions (§1.3): target_nodeid 0 is a
 * broadcast to every host (self included, over the loopback link), any
 * other value a unicast to that host id (truncated to knet's u16).  On RX
 * knet drops a unicast whose destination is not this host.
 */
static int tk_filter(void *priv, const unsigned char *data, ssize_t len, uint8_t tx_rx,
		     knet_node_id_t this_host_id, knet_node_id_t src_host_id, int8_t *channel,
		     knet_node_id_t *dst_host_ids, size_t *dst_host_ids_entries)
{
	uint32_t target;

	(void)priv;
	(void)tx_rx;
	(void)this_host_id;
	(void)src_host_id;
	if (!data || len < TK_HDR_SIZE || !channel || *channel != 0)
		return -1;
	memcpy(&target, data + TK_TARGET_OFF, sizeof(target));
	if (target == 0)
		return 1;
	dst_host_ids[0] = (knet_node_id_t)target;
	*dst_host_ids_entries = 1;
	return 0;
}

/*
 * knet could not read from or write into the data channel.  Our receive
 * queue being full (RX, EAGAIN) costs that one datagram only (totem
 * retransmits): counted, the channel is kept.  Anything else (an error, or
 * a 0-byte record) is fatal for the channel, which knet wants removed; a TX
 * error included, since knet 1.x stops polling a channel after a failed read
 * (threads_tx.c).  The removal itself happens on the caller's thread
 * (tk_data_remove): knet 1.25 runs this callback holding its global read
 * lock, and knet_handle_remove_datafd takes the write lock, so calling it
 * here would deadlock knet's thread.  corosync v3.1.7 exec/totemknet.c,
 * socket_error_callback_fn, removes it right in the callback, and keeps the
 * channel on EAGAIN in both directions (docs/compat.md).  Runs on knet's
 * threads, maybe repeatedly for one failure: it logs once.
 */
static void tk_sock_notify(void *priv, int datafd, int8_t channel, uint8_t tx_rx, int error,
			   int errorno)
{
	struct tknet *tk = priv;

	(void)datafd;
	if (tx_rx == KNET_NOTIFY_RX && error < 0 && (errorno == EAGAIN || errorno == EWOULDBLOCK)) {
		atomic_fetch_add(&tk->rx_full, 1);
		return;
	}
	if (atomic_exchange(&tk->data_dead, true))
		return;
	/* This line also wakes the caller's loop (log fd), which then removes the channel. */
	tk_log_async(tk, KNET_LOG_ERR,
		     "data channel %d failed (%s, error %d, errno %d), removing it from knet: "
		     "totem can neither send nor receive",
		     (int)channel, tx_rx == KNET_NOTIFY_TX ? "tx" : "rx", error, errorno);
}

static void tk_host_status(void *priv, knet_node_id_t host_id, uint8_t reachable,
			   uint8_t remote, uint8_t external)
{
	struct tknet *tk = priv;

	atomic_store(&tk->hosts_changed, true);
	/* The record also wakes the caller's loop, which asks tknet_hosts_changed(). */
	tk_log_async(tk, KNET_LOG_DEBUG,
		     "host status change: nodeid %u reachable %u remote %u external %u",
		     (unsigned)host_id, (unsigned)reachable, (unsigned)remote,
		     (unsigned)external);
}

static void tk_pmtud_notify(void *priv, unsigned int data_mtu)
{
	const struct tknet *tk = priv;

	/* Logged only: totem's datagram size never follows PMTU (§1.4). */
	tk_log_async(tk, KNET_LOG_INFO, "knet PMTUD: data MTU now %u", data_mtu);
}

/* ---- creation --------------------------------------------------------- */

static int tk_addr_with_port(const struct sockaddr_storage *in, uint16_t port,
			     struct sockaddr_storage *out)
{
	memcpy(out, in, sizeof(*out));
	if (out->ss_family == AF_INET) {
		((struct sockaddr_in *)out)->sin_port = htons(port);
		return 0;
	}
	if (out->ss_family == AF_INET6) {
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static bool tk_is_none(const char *s)
{
	return s[0] == '\0' || strcmp(s, "none") == 0;
}

/* Fill knet's crypto configuration from tc; false when tc has no crypto. */
static bool tk_crypto_fill(const struct tknet_config *tc, struct knet_handle_crypto_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->crypto_model, sizeof(cfg->crypto_model), "%s",
		 tc->crypto_model[0] ? tc->crypto_model : "nss");
	snprintf(cfg->crypto_cipher_type, sizeof(cfg->crypto_cipher_type), "%s",
		 tc->crypto_cipher[0] ? tc->crypto_cipher : "none");
	snprintf(cfg->crypto_hash_type, sizeof(cfg->crypto_hash_type), "%s",
		 tc->crypto_hash[0] ? tc->crypto_hash : "none");
	if (tk_is_none(tc->crypto_cipher) && tk_is_none(tc->crypto_hash))
		return false;
	memcpy(cfg->private_key, tc->key, tc->key_len);
	cfg->private_key_len = (unsigned int)tc->key_len;
	return true;
}

/*
 * Install tc's crypto in slot `slot` (not yet used for TX).  A config
 * without crypto clears the slot (knet: cipher and hash "none").
 */
static int tk_crypto_set(struct tknet *tk, const struct tknet_config *tc, uint8_t slot,
			 char *why, size_t why_size)
{
	struct knet_handle_crypto_cfg *cfg;
	bool on = !(tk_is_none(tc->crypto_cipher) && tk_is_none(tc->crypto_hash));
	int r;

	if (on && (tc->key_len < KNET_MIN_KEY_LEN || tc->key_len > KNET_MAX_KEY_LEN ||
		   tc->key_len > sizeof(tc->key))) {
		tk_why(why, why_size, "crypto key is %zu bytes; knet needs %d..%d", tc->key_len,
		       KNET_MIN_KEY_LEN, KNET_MAX_KEY_LEN);
		return -EINVAL;
	}
	cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return -ENOMEM;
	(void)tk_crypto_fill(tc, cfg);
	r = knet_handle_crypto_set_config(tk->h, cfg, slot);
	/* The key copy is wiped whatever happened. */
	explicit_bzero(cfg, sizeof(*cfg));
	free(cfg);
	if (r != 0) {
		/* -1 with errno, or -2 (crypto library not loaded / init failed). */
		r = r == -1 ? -errno : -ENOTSUP;
		tk_why(why, why_size,
		       "knet_handle_crypto_set_config (slot %u, model %s, cipher %s, hash %s): %s",
		       (unsigned)slot, tc->crypto_model, tc->crypto_cipher, tc->crypto_hash,
		       strerror(-r));
		return r;
	}
	return 0;
}

/* At creation: slot 1 in use, as corosync starts (crypto_index 1). */
static int tk_crypto(struct tknet *tk, const struct tknet_config *tc, char *why,
		     size_t why_size)
{
	int r;

	tk->crypto_index = 1;
	tk->crypto_on = !(tk_is_none(tc->crypto_cipher) && tk_is_none(tc->crypto_hash));
	if (!tk->crypto_on) {
		if (knet_handle_crypto_rx_clear_traffic(tk->h,
							KNET_CRYPTO_RX_ALLOW_CLEAR_TRAFFIC) < 0) {
			r = -errno;
			tk_why(why, why_size, "knet_handle_crypto_rx_clear_traffic: %s",
			       strerror(errno));
			return r;
		}
		return 0;
	}
	r = tk_crypto_set(tk, tc, tk->crypto_index, why, why_size);
	if (r < 0)
		return r;
	if (knet_handle_crypto_use_config(tk->h, tk->crypto_index) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet_handle_crypto_use_config: %s", strerror(errno));
		return r;
	}
	if (knet_handle_crypto_rx_clear_traffic(tk->h, KNET_CRYPTO_RX_DISALLOW_CLEAR_TRAFFIC) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet_handle_crypto_rx_clear_traffic: %s", strerror(errno));
		return r;
	}
	return 0;
}

static int tk_compress(struct tknet *tk, const struct tknet_config *tc, char *why,
		       size_t why_size)
{
	struct knet_handle_compress_cfg cfg;
	int r;

	if (tk_is_none(tc->compression_model))
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	if (strlen(tc->compression_model) >= sizeof(cfg.compress_model)) {
		tk_why(why, why_size, "knet_compression_model '%s' is too long",
		       tc->compression_model);
		return -EINVAL;
	}
	snprintf(cfg.compress_model, sizeof(cfg.compress_model), "%s",
		 tc->compression_model);
	cfg.compress_threshold = tc->compression_threshold;
	cfg.compress_level = tc->compression_level;
	if (knet_handle_compress(tk->h, &cfg) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet_handle_compress (model %s, level %d): %s",
		       cfg.compress_model, cfg.compress_level, strerror(errno));
		return r;
	}
	return 0;
}

/*
 * Deviation from corosync (faster link-up, issue 10): while a link is not
 * connected knet pings at an eighth of its ping interval (at least
 * TK_FAST_PING_MIN_MS), and at the configured interval once it is up
 * (tknet_link_timers_update).  knet marks a link up after pong_count pongs:
 * with the default timers (token 3650 ms: interval 912 ms, pong_count 2)
 * that took about 2 s after the peer started, now a few hundred ms (knet's
 * heartbeat thread wakes every 200 ms).  The ping timeout, pong count and
 * the interval of a connected link are the configured ones, so failure
 * detection does not change.
 */
#define TK_FAST_PING_MIN_MS 50

static uint32_t tk_fast_interval(const struct tk_link_cfg *c)
{
	uint32_t v = c->ping_interval / 8;

	if (v < TK_FAST_PING_MIN_MS)
		v = TK_FAST_PING_MIN_MS;
	return v < c->ping_interval ? v : c->ping_interval;
}

/* knet's ping timers for link l of host id: c's, or the fast interval. */
static int tk_link_timers(struct tknet *tk, uint16_t id, unsigned l, const struct tk_link_cfg *c,
			  bool fast)
{
	return knet_link_set_ping_timers(tk->h, id, (uint8_t)l,
					 fast ? tk_fast_interval(c) : c->ping_interval,
					 c->ping_timeout, c->ping_precision);
}

/* Hand one computed link configuration to knet and enable it (§1.1 step 15). */
static int tk_link_apply(struct tknet *tk, uint16_t id, unsigned l, const struct tk_link_cfg *c,
			 char *why, size_t why_size)
{
	/* knet's prototype takes non-const addresses; it copies them. */
	struct sockaddr_storage src = c->src, dst = c->dst;
	int r;

	if (knet_link_set_config(tk->h, id, (uint8_t)l, c->transport, &src, &dst,
				 KNET_LINK_FLAG_TRAFFICHIPRIO) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet_link_set_config(nodeid %u, link %u): %s", id, l,
		       strerror(errno));
		return r;
	}
	if (knet_link_set_priority(tk->h, id, (uint8_t)l, c->priority) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet_link_set_priority(nodeid %u, link %u): %s", id, l,
		       strerror(errno));
		return r;
	}
	if (c->ping_interval != 0) {
		/* a new link is down: fast pings until it is up */
		if (tk_link_timers(tk, id, l, c, true) < 0) {
			r = -errno;
			tk_why(why, why_size,
			       "knet_link_set_ping_timers(nodeid %u, link %u, %u/%u/%u): %s", id, l,
			       c->ping_interval, c->ping_timeout, c->ping_precision,
			       strerror(errno));
			return r;
		}
		if (knet_link_set_pong_count(tk->h, id, (uint8_t)l, c->pong_count) < 0) {
			r = -errno;
			tk_why(why, why_size, "knet_link_set_pong_count(nodeid %u, link %u): %s", id,
			       l, strerror(errno));
			return r;
		}
	}
	if (knet_link_set_enable(tk->h, id, (uint8_t)l, 1) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet_link_set_enable(nodeid %u, link %u): %s", id, l,
		       strerror(errno));
		return r;
	}
	return 0;
}

/* One peer link (§1.2): validated and kept in *ret_cfg for a later reset. */
static int tk_link_add(struct tknet *tk, const struct tknet_config *tc,
		       const struct tknet_node *local, const struct tknet_node *node, unsigned l,
		       struct tk_link_cfg *ret_cfg, char *why, size_t why_size)
{
	const struct tknet_link *lk = &tc->links[l];
	struct tk_link_cfg c;
	int r;

	memset(&c, 0, sizeof(c));
	if (lk->port == 0) {
		tk_why(why, why_size, "link %u has no port", l);
		return -EINVAL;
	}
	if (!local->has_addr[l]) {
		tk_why(why, why_size, "nodeid %u has link %u but the local node has no ring%u_addr",
		       node->nodeid, l, l);
		return -EINVAL;
	}
	if (local->addr[l].ss_family != node->addr[l].ss_family) {
		tk_why(why, why_size, "link %u: nodeid %u's address family differs from ours", l,
		       node->nodeid);
		return -EINVAL;
	}
	if (tk_addr_with_port(&local->addr[l], lk->port, &c.src) < 0 ||
	    tk_addr_with_port(&node->addr[l], lk->port, &c.dst) < 0) {
		tk_why(why, why_size, "link %u: nodeid %u: unsupported address family", l,
		       node->nodeid);
		return -EAFNOSUPPORT;
	}
	c.transport = lk->sctp ? KNET_TRANSPORT_SCTP : KNET_TRANSPORT_UDP;
	c.priority = lk->priority;
	if (lk->ping_interval != 0) {
		if (lk->pong_count == 0 || lk->pong_count > UINT8_MAX) {
			tk_why(why, why_size, "link %u: knet_pong_count %u out of range 1..255", l,
			       lk->pong_count);
			return -EINVAL;
		}
		c.ping_interval = lk->ping_interval;
		c.ping_timeout = lk->ping_timeout;
		c.ping_precision = lk->ping_precision;
		c.pong_count = (uint8_t)lk->pong_count;
	}
	r = tk_link_apply(tk, (uint16_t)node->nodeid, l, &c, why, why_size);
	if (r < 0)
		return r;
	*ret_cfg = c;
	return 0;
}

/* The local node: one loopback link 0, whatever links are configured. */
static int tk_loopback_add(struct tknet *tk, const struct tknet_node *local, char *why,
			   size_t why_size)
{
	struct sockaddr_storage addr;
	unsigned l;
	int r;

	for (l = 0; l < TKNET_LINKS_MAX && !local->has_addr[l]; l++)
		;
	if (l == TKNET_LINKS_MAX) {
		tk_why(why, why_size, "the local node (nodeid %u) has no address", local->nodeid);
		return -EINVAL;
	}
	memcpy(&addr, &local->addr[l], sizeof(addr));
	if (knet_link_set_config(tk->h, tk->local_id, 0, KNET_TRANSPORT_LOOPBACK, &addr, &addr,
				 KNET_LINK_FLAG_TRAFFICHIPRIO) < 0 ||
	    knet_link_set_enable(tk->h, tk->local_id, 0, 1) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet loopback link for nodeid %u: %s", local->nodeid,
		       strerror(errno));
		return r;
	}
	return 0;
}

static int tk_hosts_add(struct tknet *tk, const struct tknet_config *tc, char *why,
			size_t why_size)
{
	const struct tknet_node *local = NULL;
	size_t i, j;
	int r;

	for (i = 0; i < tc->node_count; i++) {
		if (tc->nodes[i].nodeid == 0 || tc->nodes[i].nodeid >= KNET_MAX_HOST) {
			tk_why(why, why_size, "nodeid %u is out of knet's range 1..%d",
			       tc->nodes[i].nodeid, KNET_MAX_HOST - 1);
			return -EINVAL;
		}
		for (j = 0; j < i; j++)
			if (tc->nodes[j].nodeid == tc->nodes[i].nodeid) {
				tk_why(why, why_size, "nodeid %u appears twice in the nodelist",
				       tc->nodes[i].nodeid);
				return -EINVAL;
			}
		if (tc->nodes[i].nodeid == tc->local_nodeid)
			local = &tc->nodes[i];
	}
	if (!local) {
		tk_why(why, why_size, "local nodeid %u is not in the nodelist", tc->local_nodeid);
		return -EINVAL;
	}
	tk->hosts = calloc(tc->node_count, sizeof(*tk->hosts));
	if (!tk->hosts)
		return -ENOMEM;
	for (i = 0; i < tc->node_count; i++) {
		const struct tknet_node *node = &tc->nodes[i];
		struct tk_host *host = &tk->hosts[tk->host_count];
		uint16_t id = (uint16_t)node->nodeid;
		unsigned l;

		if (knet_host_add(tk->h, id) < 0) {
			r = -errno;
			tk_why(why, why_size, "knet_host_add(%u): %s", node->nodeid, strerror(errno));
			return r;
		}
		host->nodeid = id;
		tk->host_count++;
		if (knet_host_set_policy(tk->h, id, (uint8_t)tc->link_mode) < 0) {
			r = -errno;
			tk_why(why, why_size, "knet_host_set_policy(%u, %d): %s", node->nodeid,
			       (int)tc->link_mode, strerror(errno));
			return r;
		}
		if (node == local) {
			r = tk_loopback_add(tk, local, why, why_size);
			if (r < 0)
				return r;
			host->configured = 1u;
			continue;
		}
		for (l = 0; l < TKNET_LINKS_MAX && l < KNET_MAX_LINK; l++) {
			if (!node->has_addr[l])
				continue;
			r = tk_link_add(tk, tc, local, node, l, &host->cfg[l], why, why_size);
			if (r < 0)
				return r;
			host->links |= (uint8_t)(1u << l);
			host->configured = host->links;
			host->fast = host->links;       /* tk_link_apply: down, fast pings */
		}
		if (!host->links) {
			tk_why(why, why_size, "nodeid %u has no link address", node->nodeid);
			return -EINVAL;
		}
	}
	return 0;
}

static int tk_handle_setup(struct tknet *tk, const struct tknet_config *tc, char *why,
			   size_t why_size)
{
	int8_t channel = 0;
	int knet_fd = 0;        /* 0: knet creates the socket pair */
	size_t i;
	int r;

	tk->h = knet_handle_new_ex(tk->local_id, tk->log_wr, KNET_LOG_DEBUG,
				   KNET_HANDLE_FLAG_PRIVILEGED);
	if (!tk->h && errno == ENAMETOOLONG && tk->env.allow_unprivileged) {
		tk_log_now(tk, LOG_WARNING,
			   "privileged knet handle failed (socket buffers); retrying unprivileged");
		tk->h = knet_handle_new_ex(tk->local_id, tk->log_wr, KNET_LOG_DEBUG, 0);
	}
	if (!tk->h) {
		r = -errno;
		tk_why(why, why_size, "knet_handle_new(nodeid %u): %s", tc->local_nodeid,
		       strerror(errno));
		return r ? r : -EIO;
	}
#define TK_STEP(call, what)                                                   \
	do {                                                                  \
		if ((call) < 0) {                                             \
			r = -errno;                                           \
			tk_why(why, why_size, "%s: %s", what, strerror(errno)); \
			return r;                                             \
		}                                                             \
	} while (0)
	TK_STEP(knet_handle_enable_access_lists(tk->h, tc->block_unlisted_ips ? 1 : 0),
		"knet_handle_enable_access_lists");
	TK_STEP(knet_handle_pmtud_setfreq(tk->h, tc->pmtud_interval),
		"knet_handle_pmtud_setfreq");
	TK_STEP(knet_handle_pmtud_set(tk->h, tc->knet_mtu), "knet_handle_pmtud_set");
	TK_STEP(knet_handle_enable_filter(tk->h, tk, tk_filter), "knet_handle_enable_filter");
	TK_STEP(knet_handle_enable_sock_notify(tk->h, tk, tk_sock_notify),
		"knet_handle_enable_sock_notify");
	TK_STEP(knet_host_enable_status_change_notify(tk->h, tk, tk_host_status),
		"knet_host_enable_status_change_notify");
	TK_STEP(knet_handle_enable_pmtud_notify(tk->h, tk, tk_pmtud_notify),
		"knet_handle_enable_pmtud_notify");
	for (i = 0; i < sizeof(tk_subsystems); i++)
		/* A subsystem this libknet lacks is not an error. */
		(void)knet_log_set_loglevel(tk->h, tk_subsystems[i],
					    tk->env.debug ? KNET_LOG_DEBUG : KNET_LOG_INFO);
	TK_STEP(knet_handle_add_datafd(tk->h, &knet_fd, &channel), "knet_handle_add_datafd");
	tk->knet_fd = knet_fd;
	if (channel != 0) {
		tk_why(why, why_size, "knet gave data channel %d, not 0", (int)channel);
		return -EIO;
	}
	TK_STEP(tk->data_fd = fcntl(knet_fd, F_DUPFD_CLOEXEC, 0), "fcntl(datafd, F_DUPFD)");
	TK_STEP(fcntl(tk->data_fd, F_SETFL, fcntl(tk->data_fd, F_GETFL) | O_NONBLOCK),
		"fcntl(datafd, O_NONBLOCK)");
#undef TK_STEP
	r = tk_crypto(tk, tc, why, why_size);
	if (r < 0)
		return r;
	r = tk_compress(tk, tc, why, why_size);
	if (r < 0)
		return r;
	if (knet_handle_setfwd(tk->h, 1) < 0) {
		r = -errno;
		tk_why(why, why_size, "knet_handle_setfwd(1): %s", strerror(errno));
		return r;
	}
	return tk_hosts_add(tk, tc, why, why_size);
}

int tknet_create(const struct tknet_config *tc, const struct tknet_env *env,
		 struct tknet **ret_tk, char *why, size_t why_size)
{
	struct tknet *tk;
	int fds[2];
	int r;

	if (why && why_size)
		why[0] = '\0';
	if (!tc || !ret_tk) {
		tk_why(why, why_size, "no configuration");
		return -EINVAL;
	}
	if (tc->local_nodeid == 0 || tc->local_nodeid >= KNET_MAX_HOST) {
		tk_why(why, why_size, "local nodeid %u is out of knet's range 1..%d",
		       tc->local_nodeid, KNET_MAX_HOST - 1);
		return -EINVAL;
	}
	if ((unsigned)tc->link_mode > KNET_LINK_POLICY_RR) {
		tk_why(why, why_size, "link_mode %d is not passive/active/rr", (int)tc->link_mode);
		return -EINVAL;
	}
	if (!tc->nodes || tc->node_count == 0) {
		tk_why(why, why_size, "empty nodelist");
		return -EINVAL;
	}
	tk = calloc(1, sizeof(*tk));
	if (!tk)
		return -ENOMEM;
	if (env)
		tk->env = *env;
	tk->log_rd = tk->log_wr = tk->data_fd = tk->knet_fd = -1;
	tk->local_id = (uint16_t)tc->local_nodeid;
	tk->link_mode = (uint8_t)tc->link_mode;
	tk->mtu = tc->netmtu && tc->netmtu < KNET_MAX_PACKET_SIZE ? tc->netmtu
								  : KNET_MAX_PACKET_SIZE;
	tk->grace_ms = tc->start_grace_ms;
	atomic_init(&tk->data_dead, false);
	atomic_init(&tk->hosts_changed, false);
	atomic_init(&tk->rx_full, 0);
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) {
		r = -errno;
		tk_why(why, why_size, "pipe: %s", strerror(errno));
		free(tk);
		return r;
	}
	tk->log_rd = fds[0];
	tk->log_wr = fds[1];
	r = tk_handle_setup(tk, tc, why, why_size);
	if (r < 0) {
		tk_log_now(tk, LOG_ERR, "knet transport setup failed: %s", why ? why : "");
		tknet_destroy(tk);
		return r;
	}
	tknet_log_drain(tk);
	/* The grace period counts from here: knet's start-up takes ~1 s. */
	clock_gettime(CLOCK_MONOTONIC, &tk->created);
	*ret_tk = tk;
	return 0;
}

/* ---- nodelist changes at run time (configuration reload) -------------- */

static void tk_host_forget(struct tknet *tk, size_t idx)
{
	knet_node_id_t id = tk->hosts[idx].nodeid;
	uint8_t links[KNET_MAX_LINK];
	size_t nl = 0, j;

	if (knet_link_get_link_list(tk->h, id, links, &nl) < 0)
		nl = 0;
	for (j = 0; j < nl && j < KNET_MAX_LINK; j++) {
		(void)knet_link_set_enable(tk->h, id, links[j], 0);
		(void)knet_link_clear_config(tk->h, id, links[j]);
	}
	if (knet_host_remove(tk->h, id) < 0)
		tk_log_now(tk, LOG_WARNING, "knet_host_remove(%u): %s", (unsigned)id,
			   strerror(errno));
	memmove(&tk->hosts[idx], &tk->hosts[idx + 1],
		(tk->host_count - idx - 1) * sizeof(tk->hosts[0]));
	tk->host_count--;
}

int tknet_hosts_update(struct tknet *tk, const struct tknet_config *tc, char *why,
		       size_t why_size)
{
	const struct tknet_node *local = NULL;
	struct tk_host *hosts;
	size_t i, j;
	int r;

	if (why && why_size)
		why[0] = '\0';
	if (!tk || !tk->h || !tc || !tc->nodes)
		return -EINVAL;
	for (i = 0; i < tc->node_count; i++) {
		if (tc->nodes[i].nodeid == 0 || tc->nodes[i].nodeid >= KNET_MAX_HOST) {
			tk_why(why, why_size, "nodeid %u is out of knet's range 1..%d",
			       tc->nodes[i].nodeid, KNET_MAX_HOST - 1);
			return -EINVAL;
		}
		if (tc->nodes[i].nodeid == tk->local_id)
			local = &tc->nodes[i];
	}
	if (!local) {
		tk_why(why, why_size, "local nodeid %u is not in the nodelist", tk->local_id);
		return -EINVAL;
	}
	/* hosts gone from the nodelist (never the local one) */
	for (i = 0; i < tk->host_count;) {
		bool keep = tk->hosts[i].nodeid == tk->local_id;

		for (j = 0; !keep && j < tc->node_count; j++)
			keep = tc->nodes[j].nodeid == tk->hosts[i].nodeid;
		if (keep) {
			i++;
			continue;
		}
		tk_log_now(tk, LOG_NOTICE, "host: %u: removed from the nodelist",
			   (unsigned)tk->hosts[i].nodeid);
		tk_host_forget(tk, i);
	}
	hosts = realloc(tk->hosts, (tk->host_count + tc->node_count) * sizeof(*hosts));
	if (!hosts)
		return -ENOMEM;
	tk->hosts = hosts;
	for (i = 0; i < tc->node_count; i++) {
		const struct tknet_node *node = &tc->nodes[i];
		uint16_t id = (uint16_t)node->nodeid;
		struct tk_host *host = NULL;
		unsigned l;

		if (node == local)
			continue;
		for (j = 0; j < tk->host_count; j++)
			if (tk->hosts[j].nodeid == id)
				host = &tk->hosts[j];
		if (!host) {
			if (knet_host_add(tk->h, id) < 0) {
				r = -errno;
				tk_why(why, why_size, "knet_host_add(%u): %s", (unsigned)id,
				       strerror(errno));
				return r;
			}
			host = &tk->hosts[tk->host_count++];
			memset(host, 0, sizeof(*host));
			host->nodeid = id;
			/* corosync v3.1.7 totemknet_member_add: the policy read at start */
			if (knet_host_set_policy(tk->h, id, tk->link_mode) < 0) {
				r = -errno;
				tk_why(why, why_size, "knet_host_set_policy(%u): %s", (unsigned)id,
				       strerror(errno));
				return r;
			}
			tk_log_now(tk, LOG_NOTICE, "host: %u: added to the nodelist", (unsigned)id);
		}
		/* links this host gains; a kept link keeps its address (the caller checked) */
		for (l = 0; l < TKNET_LINKS_MAX && l < KNET_MAX_LINK; l++) {
			if (!node->has_addr[l] || (host->links & (1u << l)))
				continue;
			r = tk_link_add(tk, tc, local, node, l, &host->cfg[l], why, why_size);
			if (r < 0)
				return r;
			host->links |= (uint8_t)(1u << l);
			host->configured |= (uint8_t)(1u << l);
			host->fast |= (uint8_t)(1u << l);
		}
		/* links it lost */
		for (l = 0; l < TKNET_LINKS_MAX && l < KNET_MAX_LINK; l++) {
			uint8_t bit = (uint8_t)(1u << l);

			if (node->has_addr[l] || !(host->links & bit))
				continue;
			(void)knet_link_set_enable(tk->h, id, (uint8_t)l, 0);
			(void)knet_link_clear_config(tk->h, id, (uint8_t)l);
			host->links &= (uint8_t)~bit;
			host->configured &= (uint8_t)~bit;
			host->seen_up &= (uint8_t)~bit;
			host->readd &= (uint8_t)~bit;
		}
	}
	tknet_log_drain(tk);
	return 0;
}

/* ---- settings at run time (configuration reload, cmap writes) --------- */

/* Keep the first failure for the caller; log every one. */
__attribute__((format(printf, 4, 5)))
static void tk_reconf_fail(struct tknet *tk, int *first, char *why_first, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	tk_log_now(tk, LOG_ERR, "%s", text);
	if (*first == 0) {
		*first = -EIO;
		snprintf(why_first, 256, "%s", text);
	}
}

/*
 * A kept link takes the priority, ping timers and pong count of tc
 * (corosync v3.1.7 exec/totemknet.c, totemknet_refresh_config, which sets
 * them for every host knet knows).  Its address, port and transport stay
 * (the caller refused changes to them).  The stored copy follows, so a
 * later reset (tk_link_reset) re-applies the new values.
 */
static void tk_link_refresh(struct tknet *tk, struct tk_host *host, unsigned l,
			    const struct tknet_link *lk, int *first, char *why_first)
{
	struct tk_link_cfg *c = &host->cfg[l];
	uint8_t id = (uint8_t)l;

	if (knet_link_set_priority(tk->h, host->nodeid, id, lk->priority) < 0)
		tk_reconf_fail(tk, first, why_first,
			       "knet_link_set_priority(nodeid %u, link %u): %s",
			       (unsigned)host->nodeid, l, strerror(errno));
	else
		c->priority = lk->priority;
	if (lk->ping_interval == 0)
		return;
	if (lk->pong_count == 0 || lk->pong_count > UINT8_MAX) {
		tk_reconf_fail(tk, first, why_first, "link %u: knet_pong_count %u out of range 1..255",
			       l, lk->pong_count);
		return;
	}
	{
		struct tk_link_cfg next = *c;

		next.ping_interval = lk->ping_interval;
		next.ping_timeout = lk->ping_timeout;
		next.ping_precision = lk->ping_precision;
		if (tk_link_timers(tk, host->nodeid, l, &next, (host->fast >> l) & 1u) < 0)
			tk_reconf_fail(tk, first, why_first,
				       "knet_link_set_ping_timers(nodeid %u, link %u, %u/%u/%u): %s",
				       (unsigned)host->nodeid, l, lk->ping_interval,
				       lk->ping_timeout, lk->ping_precision, strerror(errno));
		else
			*c = next;
	}
	if (knet_link_set_pong_count(tk->h, host->nodeid, id, (uint8_t)lk->pong_count) < 0)
		tk_reconf_fail(tk, first, why_first, "knet_link_set_pong_count(nodeid %u, link %u): %s",
			       (unsigned)host->nodeid, l, strerror(errno));
	else
		c->pong_count = (uint8_t)lk->pong_count;
}

int tknet_reconfigure(struct tknet *tk, const struct tknet_config *tc, unsigned flags,
		      char *why, size_t why_size)
{
	char why_first[256] = "";
	int first = 0, r;
	size_t i;

	if (why && why_size)
		why[0] = '\0';
	if (!tk || !tk->h || !tc)
		return -EINVAL;
	/* handle settings: totemknet_refresh_config */
	if (knet_handle_enable_access_lists(tk->h, tc->block_unlisted_ips ? 1 : 0) < 0)
		tk_reconf_fail(tk, &first, why_first, "knet_handle_enable_access_lists: %s",
			       strerror(errno));
	if (knet_handle_pmtud_setfreq(tk->h, tc->pmtud_interval) < 0)
		tk_reconf_fail(tk, &first, why_first, "knet_handle_pmtud_setfreq(%u): %s",
			       tc->pmtud_interval, strerror(errno));
	if (knet_handle_pmtud_set(tk->h, tc->knet_mtu) < 0)
		tk_reconf_fail(tk, &first, why_first, "knet_handle_pmtud_set(%u): %s", tc->knet_mtu,
			       strerror(errno));
	for (i = 0; i < tk->host_count; i++) {
		struct tk_host *host = &tk->hosts[i];
		unsigned l;

		if (host->nodeid == tk->local_id)
			continue;
		for (l = 0; l < TKNET_LINKS_MAX && l < KNET_MAX_LINK; l++)
			if (host->links & (1u << l))
				tk_link_refresh(tk, host, l, &tc->links[l], &first, why_first);
	}
	/* totemknet_reconfigure: compression, then crypto into the other slot */
	if (flags & TKNET_RECONF_RELOAD) {
		struct knet_handle_compress_cfg cc;

		memset(&cc, 0, sizeof(cc));
		if (strlen(tc->compression_model) >= sizeof(cc.compress_model))
			tk_reconf_fail(tk, &first, why_first, "knet_compression_model '%s' is too long",
				       tc->compression_model);
		else
			memcpy(cc.compress_model,
			       tk_is_none(tc->compression_model) ? "none" : tc->compression_model,
			       tk_is_none(tc->compression_model) ? sizeof("none")
								 : strlen(tc->compression_model) + 1);
		cc.compress_threshold = tc->compression_threshold;
		cc.compress_level = tc->compression_level;
		if (cc.compress_model[0] && knet_handle_compress(tk->h, &cc) < 0)
			tk_reconf_fail(tk, &first, why_first,
				       "knet_handle_compress (model %s, level %d): %s",
				       cc.compress_model, cc.compress_level, strerror(errno));
	}
	if ((flags & TKNET_RECONF_RELOAD) && (flags & TKNET_RECONF_CRYPTO)) {
		uint8_t slot = (uint8_t)(3 - tk->crypto_index);
		bool on = !(tk_is_none(tc->crypto_cipher) && tk_is_none(tc->crypto_hash));
		char cwhy[200];

		/* Clear traffic must be let in before anyone stops encrypting. */
		if (!on && knet_handle_crypto_rx_clear_traffic(tk->h,
							       KNET_CRYPTO_RX_ALLOW_CLEAR_TRAFFIC) < 0)
			tk_reconf_fail(tk, &first, why_first,
				       "knet_handle_crypto_rx_clear_traffic(ALLOW): %s",
				       strerror(errno));
		r = tk_crypto_set(tk, tc, slot, cwhy, sizeof(cwhy));
		if (r < 0) {
			/*
			 * The slot in force stays in force: the phases then
			 * re-select it and clear the failed one (corosync flips
			 * its index whatever happened).
			 */
			tk_reconf_fail(tk, &first, why_first, "%s", cwhy);
		} else {
			tk->crypto_index = slot;
			tk->crypto_on = on;
			tk_log_now(tk, LOG_INFO, "kronosnet crypto reconfigured on index %u: %s/%s/%s",
				   (unsigned)slot, tc->crypto_model[0] ? tc->crypto_model : "nss",
				   tc->crypto_cipher[0] ? tc->crypto_cipher : "none",
				   tc->crypto_hash[0] ? tc->crypto_hash : "none");
		}
	}
	tknet_log_drain(tk);
	if (first < 0 && why && why_size)
		snprintf(why, why_size, "%s", why_first);
	return first;
}

int tknet_crypto_phase(struct tknet *tk, enum tknet_crypto_phase phase)
{
	struct knet_handle_crypto_cfg none;
	uint8_t use, old;
	int r = 0;

	if (!tk || !tk->h)
		return -EINVAL;
	switch (phase) {
	case TKNET_CRYPTO_ACTIVATE:
		/* TX switches to the slot in force; 0 sends in clear. */
		use = tk->crypto_on ? tk->crypto_index : 0;
		tk_log_now(tk, LOG_DEBUG, "crypto reconfiguration: TX now uses slot %u",
			   (unsigned)use);
		if (knet_handle_crypto_use_config(tk->h, use) < 0) {
			r = -errno;
			tk_log_now(tk, LOG_ERR, "knet_handle_crypto_use_config %u failed: %s",
				   (unsigned)use, strerror(errno));
		}
		break;
	case TKNET_CRYPTO_CLEANUP:
		old = (uint8_t)(3 - tk->crypto_index);
		tk_log_now(tk, LOG_DEBUG, "Clearing old knet crypto config %u", (unsigned)old);
		memset(&none, 0, sizeof(none));
		snprintf(none.crypto_model, sizeof(none.crypto_model), "none");
		snprintf(none.crypto_cipher_type, sizeof(none.crypto_cipher_type), "none");
		snprintf(none.crypto_hash_type, sizeof(none.crypto_hash_type), "none");
		if (knet_handle_crypto_set_config(tk->h, &none, old) != 0) {
			r = -EIO;
			tk_log_now(tk, LOG_ERR, "knet_handle_crypto_set_config to clear index %u failed: %s",
				   (unsigned)old, strerror(errno));
		}
		if (tk->crypto_on &&
		    knet_handle_crypto_rx_clear_traffic(tk->h, KNET_CRYPTO_RX_DISALLOW_CLEAR_TRAFFIC) < 0) {
			r = -errno;
			tk_log_now(tk, LOG_ERR, "knet_handle_crypto_rx_clear_traffic(DISALLOW) failed: %s",
				   strerror(errno));
		}
		break;
	default:
		return -EINVAL;
	}
	tknet_log_drain(tk);
	return r;
}

int tknet_crypto_slot(const struct tknet *tk, bool *ret_on)
{
	if (!tk)
		return -EINVAL;
	if (ret_on)
		*ret_on = tk->crypto_on;
	return tk->crypto_index;
}

/* ---- teardown --------------------------------------------------------- */

void tknet_destroy(struct tknet *tk)
{
	if (!tk)
		return;
	if (tk->h) {
		size_t i;

		/* Flushes knet's TX queue (a LEAVE written just before goes out). */
		(void)knet_handle_setfwd(tk->h, 0);
		/* tk->hosts lists exactly the hosts added, even after a partial setup. */
		for (i = 0; i < tk->host_count; i++) {
			knet_node_id_t id = tk->hosts[i].nodeid;
			uint8_t links[KNET_MAX_LINK];
			size_t nl = 0, j;

			if (knet_link_get_link_list(tk->h, id, links, &nl) < 0)
				nl = 0;
			for (j = 0; j < nl && j < KNET_MAX_LINK; j++) {
				(void)knet_link_set_enable(tk->h, id, links[j], 0);
				(void)knet_link_clear_config(tk->h, id, links[j]);
			}
			if (knet_host_remove(tk->h, id) < 0)
				tk_log_now(tk, LOG_WARNING, "knet_host_remove(%u): %s",
					   (unsigned)id, strerror(errno));
		}
		if (knet_handle_free(tk->h) < 0)
			tk_log_now(tk, LOG_ERR, "knet_handle_free: %s", strerror(errno));
		tk->h = NULL;
	}
	tknet_log_drain(tk);
	if (tk->data_fd >= 0)
		close(tk->data_fd);
	if (tk->log_rd >= 0)
		close(tk->log_rd);
	if (tk->log_wr >= 0)
		close(tk->log_wr);
	free(tk->hosts);
	free(tk);
}

/* ---- data path -------------------------------------------------------- */

int tknet_data_fd(const struct tknet *tk)
{
	return tk ? tk->data_fd : -1;
}

int tknet_log_fd(const struct tknet *tk)
{
	return tk ? tk->log_rd : -1;
}

size_t tknet_mtu(const struct tknet *tk)
{
	return tk ? tk->mtu : 0;
}

void tknet_stats_clear(struct tknet *tk)
{
	if (tk && tk->h && knet_handle_clear_stats(tk->h, KNET_CLEARSTATS_HANDLE_AND_LINK) < 0)
		tk_log_now(tk, LOG_WARNING, "knet_handle_clear_stats: %s", strerror(errno));
}

void tknet_get_stats(const struct tknet *tk, struct tknet_stats *ret_stats)
{
	memset(ret_stats, 0, sizeof(*ret_stats));
	if (!tk)
		return;
	ret_stats->rx_full = atomic_load(&tk->rx_full);
	ret_stats->datafd_removed = tk->datafd_removed;
}

static bool tk_host_known(const struct tknet *tk, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < tk->host_count; i++)
		if (tk->hosts[i].nodeid == nodeid)
			return true;
	return false;
}

static uint64_t tk_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/*
 * Make knet forget link l of host: disabled and cleared, it leaves the
 * host's active links at once, then it is configured again from host->cfg
 * and must come up through knet's ping/pong like a new link.
 */
static void tk_link_reset(struct tknet *tk, struct tk_host *host, unsigned l)
{
	uint8_t bit = (uint8_t)(1u << l);
	char why[256];

	(void)knet_link_set_enable(tk->h, host->nodeid, (uint8_t)l, 0);
	if (knet_link_clear_config(tk->h, host->nodeid, (uint8_t)l) < 0) {
		tk_log_now(tk, LOG_WARNING, "host: %u link: %u: knet_link_clear_config: %s",
			   (unsigned)host->nodeid, l, strerror(errno));
		(void)knet_link_set_enable(tk->h, host->nodeid, (uint8_t)l, 1);
		return;
	}
	host->configured &= (uint8_t)~bit;
	host->tx_errors[l] = 0;
	why[0] = '\0';
	if (tk_link_apply(tk, host->nodeid, l, &host->cfg[l], why, sizeof(why)) < 0) {
		/* Retried by the next tk_health_check. */
		host->readd |= bit;
		tk_log_now(tk, LOG_WARNING, "host: %u link: %u: re-adding the link failed: %s",
			   (unsigned)host->nodeid, l, why);
		return;
	}
	host->configured |= bit;
	host->fast |= bit;
}

/*
 * knet 1.x gives up a whole send at the first link whose socket reports an
 * unrecoverable error: with a local interface down (ENETUNREACH) the
 * remaining links of that host, and the remaining hosts of a broadcast, get
 * nothing, in active mode too, until knet's pong timeout takes the link
 * down (pong_timeout x a back-off of up to 10 in the first seconds after a
 * link was configured: longer than the token timeout).  So a connected link
 * whose tx_data_errors counter grew is reset here (tk_link_reset), provided
 * the host has another connected link without errors to fail over to.
 */
static void tk_health_check(struct tknet *tk)
{
	uint64_t now = tk_now_ms();
	size_t i;

	if (now - tk->health_ms < TK_HEALTH_MS)
		return;
	tk->health_ms = now;
	for (i = 0; i < tk->host_count; i++) {
		struct tk_host *host = &tk->hosts[i];
		uint8_t connected = 0, failing = 0;
		uint32_t errors[TKNET_LINKS_MAX] = { 0 };
		unsigned l;

		/* One link has nowhere to fail over to: nothing to look at. */
		if (__builtin_popcount(host->links) < 2)
			continue;
		for (l = 0; l < TKNET_LINKS_MAX && l < KNET_MAX_LINK; l++) {
			uint8_t bit = (uint8_t)(1u << l);
			struct knet_link_status st;

			if (!(host->links & bit))
				continue;
			if (host->readd & bit) {
				char why[256];

				why[0] = '\0';
				if (tk_link_apply(tk, host->nodeid, l, &host->cfg[l], why,
						  sizeof(why)) == 0) {
					host->readd &= (uint8_t)~bit;
					host->configured |= bit;
					host->fast |= bit;
				}
				continue;
			}
			memset(&st, 0, sizeof(st));
			if (knet_link_get_status(tk->h, host->nodeid, (uint8_t)l, &st, sizeof(st)) < 0)
				continue;
			errors[l] = st.stats.tx_data_errors;
			if (st.enabled && st.connected) {
				connected |= bit;
				if (errors[l] > host->tx_errors[l])
					failing |= bit;
			}
			host->tx_errors[l] = errors[l];
		}
		if (!failing || !(connected & (uint8_t)~failing))
			continue;
		for (l = 0; l < TKNET_LINKS_MAX && l < KNET_MAX_LINK; l++) {
			if (!(failing & (1u << l)))
				continue;
			tk_log_now(tk, LOG_NOTICE,
				   "host: %u link: %u: local send errors (knet tx_data_errors %u); "
				   "resetting the link so that traffic fails over",
				   (unsigned)host->nodeid, l, errors[l]);
			tk_link_reset(tk, host, l);
		}
	}
}

int tknet_send(struct tknet *tk, uint32_t to_nodeid, const void *buf, size_t len)
{
	unsigned char hdr[TK_HDR_SIZE];
	struct iovec iov[2];
	struct msghdr mh;
	ssize_t n;

	if (!tk || !buf || len < TK_HDR_SIZE)
		return -EINVAL;
	if (len > tk->mtu)
		return -EMSGSIZE;
	if (to_nodeid != 0 && (to_nodeid >= KNET_MAX_HOST || !tk_host_known(tk, to_nodeid)))
		return -EHOSTUNREACH;
	if (atomic_load(&tk->data_dead)) {
		tk_data_remove(tk);
		return -EPIPE;
	}
	/* Before the write, so that this datagram already avoids a failed link. */
	tk_health_check(tk);
	/* The caller's buffer stays untouched: only the header is copied. */
	memcpy(hdr, buf, sizeof(hdr));
	memcpy(hdr + TK_TARGET_OFF, &to_nodeid, sizeof(to_nodeid));
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (unsigned char *)buf + sizeof(hdr);
	iov[1].iov_len = len - sizeof(hdr);
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = iov[1].iov_len ? 2 : 1;
	do {
		n = sendmsg(tk->data_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

ssize_t tknet_recv(struct tknet *tk, void *buf, size_t len)
{
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;

	if (!tk || !buf || len == 0)
		return -EINVAL;
	if (atomic_load(&tk->data_dead)) {
		tk_data_remove(tk);
		return -EPIPE;
	}
	tk_health_check(tk);
	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	do {
		n = recvmsg(tk->data_fd, &mh, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (n == 0)
		return -EPIPE;
	return n;
}

/* ---- status ----------------------------------------------------------- */

static uint64_t tk_elapsed_ms(const struct tknet *tk)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(now.tv_sec - tk->created.tv_sec) * 1000 +
	     (int64_t)(now.tv_nsec - tk->created.tv_nsec) / 1000000;
	return ms > 0 ? (uint64_t)ms : 0;
}

void tknet_link_timers_update(struct tknet *tk)
{
	size_t i;

	if (!tk || !tk->h)
		return;
	for (i = 0; i < tk->host_count; i++) {
		struct tk_host *host = &tk->hosts[i];
		unsigned l;

		for (l = 0; l < TKNET_LINKS_MAX && l < KNET_MAX_LINK; l++) {
			uint8_t bit = (uint8_t)(1u << l);
			struct knet_link_status st;
			bool fast;

			if (!(host->links & bit) || !(host->configured & bit) ||
			    host->cfg[l].ping_interval == 0)
				continue;
			memset(&st, 0, sizeof(st));
			if (knet_link_get_status(tk->h, host->nodeid, (uint8_t)l, &st, sizeof(st)) < 0)
				continue;
			fast = !st.connected;
			if (fast == ((host->fast & bit) != 0))
				continue;
			if (tk_link_timers(tk, host->nodeid, l, &host->cfg[l], fast) < 0)
				continue;
			if (fast)
				host->fast |= bit;
			else
				host->fast &= (uint8_t)~bit;
		}
	}
}

bool tknet_links_ready(struct tknet *tk)
{
	bool all = true;
	size_t i;

	if (!tk || !tk->h)
		return false;
	if (tk->ready)
		return true;
	tknet_link_timers_update(tk);
	for (i = 0; i < tk->host_count; i++) {
		struct tk_host *host = &tk->hosts[i];
		unsigned l;

		for (l = 0; l < KNET_MAX_LINK; l++) {
			struct knet_link_status st;

			if (!(host->links & (1u << l)) || (host->seen_up & (1u << l)))
				continue;
			memset(&st, 0, sizeof(st));
			if (knet_link_get_status(tk->h, host->nodeid, (uint8_t)l, &st,
						 sizeof(st)) == 0 &&
			    st.connected)
				host->seen_up |= (uint8_t)(1u << l);
			else
				all = false;
		}
	}
	if (all || tk_elapsed_ms(tk) >= tk->grace_ms) {
		tk->ready = true;
		if (!all)
			tk_log_now(tk, LOG_NOTICE,
				   "not every knet link came up within %u ms; starting anyway",
				   tk->grace_ms);
	}
	return tk->ready;
}

/* Bounded copy of a possibly unterminated field; truncates. */
static void tk_copy_str(char *dst, size_t dst_size, const char *src, size_t src_size)
{
	size_t n = strnlen(src, src_size);

	if (n >= dst_size)
		n = dst_size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool tknet_hosts_changed(struct tknet *tk)
{
	return tk && atomic_exchange(&tk->hosts_changed, false);
}

int tknet_host_status(struct tknet *tk, uint32_t nodeid, bool *ret_reachable, bool *ret_remote,
		      bool *ret_external)
{
	struct knet_host_status st;
	size_t i;

	if (!tk || !tk->h || !ret_reachable || !ret_remote || !ret_external)
		return -EINVAL;
	if (nodeid == 0 || nodeid >= KNET_MAX_HOST)
		return -EINVAL;
	for (i = 0; i < tk->host_count && tk->hosts[i].nodeid != nodeid; i++)
		;
	if (i == tk->host_count)
		return -ENOENT;
	memset(&st, 0, sizeof(st));
	if (knet_host_get_status(tk->h, (knet_node_id_t)nodeid, &st) < 0)
		return -errno;
	*ret_reachable = st.reachable != 0;
	*ret_remote = st.remote != 0;
	*ret_external = st.external != 0;
	return 0;
}

int tknet_link_status(struct tknet *tk, uint32_t nodeid, unsigned link,
		      struct tknet_link_status *ret_status)
{
	struct knet_link_status st;
	struct tknet_link_status out;
	size_t i;

	if (!tk || !tk->h || !ret_status)
		return -EINVAL;
	if (nodeid == 0 || nodeid >= KNET_MAX_HOST || link >= KNET_MAX_LINK)
		return -EINVAL;
	/* Asking knet about an unconfigured link makes it log an error. */
	for (i = 0; i < tk->host_count && tk->hosts[i].nodeid != nodeid; i++)
		;
	if (i == tk->host_count || !(tk->hosts[i].configured & (1u << link)))
		return -ENOENT;
	memset(&st, 0, sizeof(st));
	if (knet_link_get_status(tk->h, (knet_node_id_t)nodeid, (uint8_t)link, &st,
				 sizeof(st)) < 0)
		return -errno;
	memset(&out, 0, sizeof(out));
	out.enabled = st.enabled != 0;
	out.connected = st.connected != 0;
	out.dynconnected = st.dynconnected != 0;
	out.mtu = st.mtu;
	out.tx_data_packets = st.stats.tx_data_packets;
	out.rx_data_packets = st.stats.rx_data_packets;
	out.tx_data_bytes = st.stats.tx_data_bytes;
	out.rx_data_bytes = st.stats.rx_data_bytes;
	out.latency_min = st.stats.latency_min;
	out.latency_max = st.stats.latency_max;
	out.latency_ave = st.stats.latency_ave;
	out.down_count = st.stats.down_count;
	out.up_count = st.stats.up_count;
	tk_copy_str(out.src_addr, sizeof(out.src_addr), st.src_ipaddr, sizeof(st.src_ipaddr));
	tk_copy_str(out.dst_addr, sizeof(out.dst_addr), st.dst_ipaddr, sizeof(st.dst_ipaddr));
	*ret_status = out;
	return 0;
}
