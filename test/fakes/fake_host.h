/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tiny in-memory host for unit-testing one service without chorusd: it
 * implements the svc_* functions of include/chorus/service.h, records every
 * reply, event and multicast, owns two icmap maps (cmap and stats), runs
 * timers on a fake clock, and calls handlers only after the same size checks
 * the real host (services/host.c) makes.
 *
 * Test-only: link it into test programs, never into a library chorusd links
 * (it defines the same svc_* symbols as the real host).  One fake host hosts
 * one service; several fake hosts may live in one process.
 */
#ifndef CHORUS_FAKE_HOST_H
#define CHORUS_FAKE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <chorus/service.h>

struct fake_host;

/** A recorded reply, event or multicast (bytes gathered from the iovecs). */
struct fake_msg {
	struct fake_msg *next;
	uint16_t fn_id;                 /* multicasts only */
	enum svc_guarantee guarantee;   /* multicasts only */
	size_t len;
	unsigned char data[];           /* 8-aligned: cast to the wire struct */
};

/**
 * Create a host for def with node id nodeid, allocate its state and run its
 * init().  Returns 0 or init()'s -errno (fake_host_error() explains).
 */
int fake_host_new(const struct svc_def *def, uint32_t nodeid, struct fake_host **ret_host);
/** Run fini(), close remaining connections, free everything. Takes NULL. */
/** The same with a configuration map filled before init() runs (owned from now on). */
struct icmap;
int fake_host_new_cmap(const struct svc_def *def, uint32_t nodeid, struct icmap *cmap,
		       struct fake_host **ret_host);
void fake_host_free(struct fake_host *host);
const char *fake_host_error(const struct fake_host *host);

struct svc *fake_host_svc(struct fake_host *host);
struct icmap *fake_host_cmap(struct fake_host *host);
struct icmap *fake_host_stats(struct fake_host *host);
void fake_host_set_quorate(struct fake_host *host, bool quorate);
/** What svc_sync_in_progress() answers (the host's whole sync; false at start). */
void fake_host_set_sync(struct fake_host *host, bool running);
/**
 * svc_quorum_set() records the decision (svc_quorum_get(), svc_quorate())
 * and calls the hosted service's quorum_changed(); this counts the calls.
 */
unsigned int fake_host_quorum_sets(const struct fake_host *host);

/** Open a connection (conn_open runs); -errno if the service refused. */
int fake_conn_open(struct fake_host *host, pid_t pid, uid_t uid, gid_t gid,
		   struct svc_conn **ret_conn);
/** The client goes away: conn_close runs, then the host drops its reference. */
void fake_conn_close(struct svc_conn *conn);

/**
 * Dispatch a request as the real host would: find the op by the header's id
 * (-ENOSYS if none), check len against size_min/size_max (-EMSGSIZE), then
 * call the handler.  Returns 0 when the handler ran, -EAGAIN when it handed
 * the request back (svc_request_again(): the real host would run it again
 * later; a test does so by calling this again).
 */
int fake_conn_request(struct svc_conn *conn, const void *msg, size_t len);

size_t fake_conn_reply_count(const struct svc_conn *conn);
size_t fake_conn_event_count(const struct svc_conn *conn);
/** The index-th reply/event (0 = oldest), or NULL. */
const struct fake_msg *fake_conn_reply(const struct svc_conn *conn, size_t index);
const struct fake_msg *fake_conn_event(const struct svc_conn *conn, size_t index);
/** Replies whose header.size differed from the bytes sent (should stay 0). */
size_t fake_conn_bad_sizes(const struct svc_conn *conn);
void fake_conn_forget(struct svc_conn *conn);

/** Multicasts sent by the service, oldest first. */
size_t fake_host_mcast_count(const struct fake_host *host);
const struct fake_msg *fake_host_mcast(const struct fake_host *host, size_t index);
void fake_host_mcast_forget(struct fake_host *host);
/** Make the next svc_mcast() calls return r (0 to send normally). */
void fake_host_mcast_fail(struct fake_host *host, int r);

/**
 * Deliver a totem message as the real host would: fn from the low 16 bits of
 * the header id (-ENOSYS if unknown), len >= size_min (-EMSGSIZE).  With
 * foreign_endian the header is swapped and to_host() runs first.  msg is
 * copied, so it may be const.
 */
int fake_host_deliver(struct fake_host *host, uint32_t from_nodeid, const void *msg, size_t len,
		      bool foreign_endian);

/** Run the sync steps for view: init, process until 0 (at most max_rounds), activate. */
int fake_host_sync(struct fake_host *host, const struct svc_view *view, unsigned int max_rounds);
/** The end of a sync as the host tells it: the service's view_change(view), if it has one. */
void fake_host_view(struct fake_host *host, const struct svc_view *view);

/*
 * The scripted daemon.  Off by default: svc_node_status, svc_shutdown and
 * svc_reopen_logs answer -ENOTSUP as the real host without a daemon does.
 * fake_host_set_node_status and fake_host_reopen_result turn it on.
 */
#define FAKE_NODE_STATUS_MAX 16
void fake_host_daemon(struct fake_host *host, bool on);
/** What svc_node_status() answers for nodeid (others: -ENOENT). */
int fake_host_set_node_status(struct fake_host *host, uint32_t nodeid,
			      const struct svc_node_status *st);
/** svc_shutdown() calls so far, with the last status and reason (may be NULL). */
unsigned int fake_host_shutdowns(const struct fake_host *host, int *ret_status,
				 const char **ret_reason);
/** svc_reopen_logs() calls so far, and what the next ones return. */
unsigned int fake_host_reopens(const struct fake_host *host);
void fake_host_reopen_result(struct fake_host *host, int r);
/** svc_reload_config() calls so far, and what the next ones return. */
unsigned int fake_host_reloads(const struct fake_host *host);
void fake_host_reload_result(struct fake_host *host, int r);
/** svc_crypto_reconfig_phase() calls so far (with the daemon on) and the last phase. */
unsigned int fake_host_crypto_phases(const struct fake_host *host, enum svc_crypto_phase *ret_last);
/** svc_stats_clear() calls so far (counted with or without the daemon) and the last groups. */
unsigned int fake_host_stats_clears(const struct fake_host *host, unsigned int *ret_groups);

/** Advance the fake clock by ms and fire the timers that fell due. */
void fake_host_advance(struct fake_host *host, uint64_t ms);

#endif
