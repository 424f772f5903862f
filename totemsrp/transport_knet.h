/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kronosnet transport for totem: the only file that includes libknet.h
 * lives behind this header (corosync v3.1.7 exec/totemknet.c).  knet's own
 * threads stay behind two file descriptors the main loop watches: the data
 * channel (one totem datagram per read) and the log pipe.  The engine stays
 * single-threaded.
 */
#ifndef CHORUS_TRANSPORT_KNET_H
#define CHORUS_TRANSPORT_KNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct tknet;

/*
 * What the transport needs of the configuration (the daemon fills it from
 * the parsed corosync.conf, exec/knet_config.c): the transport depends on
 * nothing above totemsrp/.
 */
#define TKNET_LINKS_MAX 8

/* knet's link policies (KNET_LINK_POLICY_*), totem.link_mode. */
enum tknet_link_mode { TKNET_LINK_PASSIVE = 0, TKNET_LINK_ACTIVE = 1, TKNET_LINK_RR = 2 };

/* One link (totem.interface.L). */
struct tknet_link {
	uint16_t port;                  /* mcastport; 0 is refused for a used link */
	bool sctp;                      /* knet_transport sctp, else udp */
	uint8_t priority;               /* knet_link_priority */
	uint32_t ping_interval;         /* ms; 0: knet's defaults for the ping timers */
	uint32_t ping_timeout;
	uint32_t ping_precision;
	uint32_t pong_count;            /* 1..255 when ping_interval is set */
};

/* One nodelist entry. */
struct tknet_node {
	uint32_t nodeid;
	bool has_addr[TKNET_LINKS_MAX];
	struct sockaddr_storage addr[TKNET_LINKS_MAX];
};

struct tknet_config {
	uint32_t local_nodeid;
	enum tknet_link_mode link_mode;
	uint32_t netmtu;                /* largest datagram (capped at 65536) */
	uint32_t start_grace_ms;        /* tknet_links_ready's deadline (totem.token) */
	bool block_unlisted_ips;
	uint32_t pmtud_interval;        /* s */
	uint32_t knet_mtu;              /* 0: PMTUD */
	char compression_model[64];     /* "" or "none": off */
	uint32_t compression_threshold;
	int32_t compression_level;
	char crypto_model[16];          /* "" means nss */
	char crypto_cipher[16];         /* cipher and hash "" or "none": no crypto */
	char crypto_hash[16];
	uint8_t key[4096];
	size_t key_len;
	struct tknet_link links[TKNET_LINKS_MAX];
	const struct tknet_node *nodes; /* not owned; read by tknet_create only */
	size_t node_count;
};

/** Link state of one node/link for stats.knet.node<N>.link<L>.* and cfgtool. */
struct tknet_link_status {
	bool enabled;
	bool connected;
	bool dynconnected;
	uint32_t mtu;
	uint64_t tx_data_packets, rx_data_packets;
	uint64_t tx_data_bytes, rx_data_bytes;
	uint32_t latency_min, latency_max, latency_ave;
	uint32_t down_count, up_count;
	char src_addr[64], dst_addr[64];
};

struct tknet_env {
	/*
	 * A knet log line, already formatted; priority as syslog's.  subsystem
	 * is "KNET" (the logsys subsystem corosync uses) and msg starts with
	 * knet's own subsystem name ("host: ...", "link: ..."), as corosync
	 * prints it.  Called only from tknet_create/tknet_log_drain/
	 * tknet_destroy, i.e. on the caller's thread.  May be NULL.
	 */
	void (*log)(void *ctx, int priority, const char *subsystem, const char *msg);
	void *ctx;
	/* knet subsystems log at DEBUG instead of INFO. */
	bool debug;
	/*
	 * system.allow_knet_handle_fallback: when the privileged handle cannot
	 * be created (socket buffers, ENAMETOOLONG) retry unprivileged.
	 */
	bool allow_unprivileged;
};

/**
 * Open a knet handle for tc->local_nodeid, add every node of tc's nodelist
 * with its links (ports, priorities, link_mode, ping timers),
 * the local loopback link, crypto from tc (key material), data channel 0.
 * Returns 0 or -errno; *ret_why explains a failure.
 */
int tknet_create(const struct tknet_config *tc, const struct tknet_env *env,
		 struct tknet **ret_tk, char *why, size_t why_size);
void tknet_destroy(struct tknet *tk);
/**
 * Configuration reload: make knet's hosts and links follow tc's nodelist
 * (hosts added with their links, hosts removed, links added to or removed
 * from a kept host).  A kept link is not reconfigured: the caller refused a
 * changed address (corosync v3.1.7 does too).  0 or -errno with why filled.
 */
int tknet_hosts_update(struct tknet *tk, const struct tknet_config *tc, char *why,
		       size_t why_size);

/* tknet_reconfigure flags */
#define TKNET_RECONF_RELOAD 1u   /* a configuration reload: compression too */
#define TKNET_RECONF_CRYPTO 2u   /* with RELOAD: the crypto settings changed */

/**
 * New settings at run time (corosync v3.1.7 exec/totemknet.c,
 * totemknet_refresh_config and totemknet_reconfigure): access lists,
 * PMTUD interval and knet_mtu; for every link of every kept peer, priority,
 * ping timers and pong count (address, port and transport stay); with
 * TKNET_RECONF_RELOAD the compression; with TKNET_RECONF_CRYPTO as well the
 * new crypto goes into knet's other crypto slot, where it decrypts at once
 * but is not used to send until tknet_crypto_phase(ACTIVATE) (a config
 * without crypto lets clear traffic in at once).  Every step is tried; 0,
 * or the first failure (-errno, why filled; each one is logged).
 */
int tknet_reconfigure(struct tknet *tk, const struct tknet_config *tc, unsigned flags,
		      char *why, size_t why_size);

/* The phases of cfg's CRYPTO_RECONFIG message (corosync's values). */
enum tknet_crypto_phase { TKNET_CRYPTO_ACTIVATE = 1, TKNET_CRYPTO_CLEANUP = 2 };
/**
 * ACTIVATE: send with the slot tknet_reconfigure filled (or in clear when
 * the new configuration has no crypto).  CLEANUP: clear the other slot and,
 * with crypto on, refuse clear traffic again.  corosync v3.1.7
 * totemknet_crypto_reconfigure_phase.  0, -EINVAL for another phase, -errno
 * (logged).
 */
int tknet_crypto_phase(struct tknet *tk, enum tknet_crypto_phase phase);
/** The crypto slot in force (1 or 2) and whether it encrypts; -EINVAL without tk. */
int tknet_crypto_slot(const struct tknet *tk, bool *ret_on);

/** The data fd (readable: a datagram is waiting) and the log fd. */
int tknet_data_fd(const struct tknet *tk);
int tknet_log_fd(const struct tknet *tk);
/**
 * Read one datagram into buf; returns its length, -EAGAIN when none,
 * -EMSGSIZE when it was longer than len (it is consumed and dropped),
 * -EPIPE once the channel was removed (tknet_get_stats) or on an empty record.
 */
ssize_t tknet_recv(struct tknet *tk, void *buf, size_t len);
/** Drain the log pipe into env->log. */
void tknet_log_drain(struct tknet *tk);

/**
 * Send a totem datagram: unicast to to_nodeid, or broadcast to every
 * configured node (self included) when to_nodeid is 0.  Stamps the totem
 * header's target_nodeid (offset 9) as corosync does; buf is not modified
 * (a copy is stamped).  0 or -errno: -EINVAL (shorter than the 13-byte
 * header), -EMSGSIZE (longer than tknet_mtu()), -EHOSTUNREACH (to_nodeid not
 * in the nodelist), -EAGAIN (channel full), -EPIPE (knet dropped the channel).
 *
 * tknet_send and tknet_recv also check, at most every 50 ms, whether a
 * connected peer link had local send errors (knet's tx_data_errors, e.g.
 * ENETUNREACH with the local interface down) while another link to that
 * peer works; such a link is cleared and configured again in knet, so it
 * leaves the active links at once and comes back through ping/pong.  knet
 * 1.x drops a datagram for every link once one link's socket fails, so
 * without this the ring would wait for the pong timeout (docs/compat.md).
 * Its stats.knet counters restart from 0 then.
 */
int tknet_send(struct tknet *tk, uint32_t to_nodeid, const void *buf, size_t len);

/**
 * Start trigger for the engine (srp_start()); poll it from a timer (e.g.
 * every 100 ms).  True, and latched, once every configured peer link has
 * been seen connected at least once, at the first call when the nodelist
 * has no peer (single-node ring), or once tc->start_grace_ms have passed since
 * tknet_create returned, so that a dead peer never stops a node from starting
 * (corosync simply starts after a 100 ms one-shot).
 */
bool tknet_links_ready(struct tknet *tk);
/**
 * Status and counters of one link, from knet_link_get_status.  The local
 * node has only link 0 (loopback).  -EINVAL for out-of-range arguments,
 * -ENOENT for a node or link that is not configured.
 */
int tknet_link_status(struct tknet *tk, uint32_t nodeid, unsigned link,
		      struct tknet_link_status *ret_status);
/**
 * Links that are not connected ping at a fraction of their interval, links
 * that are up at the configured one (faster link-up, docs/compat.md).
 * Called while starting (tknet_links_ready) and whenever knet reports a
 * host status change.
 */
void tknet_link_timers_update(struct tknet *tk);
/**
 * knet reported a host status change since the last call (its callback runs
 * on knet's thread and its log record makes the log fd readable): the
 * caller then asks tknet_host_status() for each host.
 */
bool tknet_hosts_changed(struct tknet *tk);
/**
 * knet's view of a host (knet_host_get_status), for cfg NODESTATUSGET:
 * reachable = knet can send to it on some link.  -EINVAL, -ENOENT for a
 * node that is not configured, or -errno from knet.
 */
int tknet_host_status(struct tknet *tk, uint32_t nodeid, bool *ret_reachable, bool *ret_remote,
		      bool *ret_external);
/** Data channel events knet reported through its socket callback. */
struct tknet_stats {
	/* Received datagrams knet dropped because our queue was full (EAGAIN). */
	uint64_t rx_full;
	/* The channel was removed after an error: tknet_send/tknet_recv return
	 * -EPIPE from then on and the data fd only reports the closed pair. */
	uint64_t datafd_removed;
};

/** stats.clear.knet: knet's handle and link counters back to 0. */
void tknet_stats_clear(struct tknet *tk);
/** Counters of the data channel (any thread may have raised them). tk may be NULL. */
void tknet_get_stats(const struct tknet *tk, struct tknet_stats *ret_stats);

/**
 * Largest totem datagram the handle carries: min(tc->netmtu, 65536).  The
 * engine's net_mtu is this minus 2 x 45 (exec/totemknet.c).
 */
size_t tknet_mtu(const struct tknet *tk);

#endif
