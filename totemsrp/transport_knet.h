/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kronosnet transport for totem: the only file that includes libknet.h
 * lives behind this header (../shared/specs/totem-wire.md §1).  knet's own
 * threads stay behind two file descriptors the main loop watches: the data
 * channel (one totem datagram per read) and the log pipe.  The engine stays
 * single-threaded.
 */
#ifndef CHORUS_TRANSPORT_KNET_H
#define CHORUS_TRANSPORT_KNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "services/config/conf.h"

struct tknet;

/** Link state of one node/link for stats.knet.node<N>.link<L>.* and cfgtool. */
struct tknet_link_status {
	bool enabled;
	bool connected;
	uint32_t mtu;
	uint64_t tx_data_packets, rx_data_packets;
	uint64_t tx_data_bytes, rx_data_bytes;
	uint32_t latency_min, latency_max, latency_ave;
	uint32_t down_count, up_count;
	char src_addr[64], dst_addr[64];
};

struct tknet_env {
	/* A knet log line, already formatted; priority as syslog's. */
	void (*log)(void *ctx, int priority, const char *subsystem, const char *msg);
	void *ctx;
};

/**
 * Open a knet handle for tc->local_nodeid, add every node of tc's nodelist
 * with its links (ports 5405 + link, priorities, link_mode, ping timers),
 * the local loopback link, crypto from tc (key material), data channel 0.
 * Returns 0 or -errno; *ret_why explains a failure.
 */
int tknet_create(const struct totem_config *tc, const struct tknet_env *env,
		 struct tknet **ret_tk, char *why, size_t why_size);
void tknet_destroy(struct tknet *tk);

/** The data fd (readable: a datagram is waiting) and the log fd. */
int tknet_data_fd(const struct tknet *tk);
int tknet_log_fd(const struct tknet *tk);
/** Read one datagram; -EAGAIN when none. */
ssize_t tknet_recv(struct tknet *tk, void *buf, size_t len);
/** Drain the log pipe into env->log. */
void tknet_log_drain(struct tknet *tk);

/**
 * Send a totem datagram: unicast to to_nodeid, or broadcast to every
 * configured node (self included) when to_nodeid is 0.  Stamps the totem
 * header's target_nodeid (offset 9) as corosync does; buf is not modified
 * (a copy is stamped).  0 or -errno.
 */
int tknet_send(struct tknet *tk, uint32_t to_nodeid, const void *buf, size_t len);

/** Has every configured link reported up once? (srp_start() trigger) */
bool tknet_links_ready(struct tknet *tk);
int tknet_link_status(struct tknet *tk, uint32_t nodeid, unsigned link,
		      struct tknet_link_status *ret_status);
/** Largest totem datagram (net_mtu) the handle carries. */
size_t tknet_mtu(const struct tknet *tk);

#endif
