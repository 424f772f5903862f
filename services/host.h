/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service host: one per node.  It owns the loaded services, their state,
 * their client connections and timers, checks every declaration at load and
 * every request and totem message before a handler sees it, and runs the
 * sync steps after each membership change.
 *
 * The host never touches a socket, a clock or the main loop: the daemon
 * (exec/) or a test harness drives it.  Replies and events leave through
 * struct host_ipc_ops, totem messages through struct host_totem_ops; time is
 * set with host_set_time() and timers fire from host_advance().
 */
#ifndef CHORUS_HOST_H
#define CHORUS_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <chorus/service.h>

struct host;

/** How replies and events reach a client (ipc/ or a fake). */
struct host_ipc_ops {
	int (*reply)(void *ipc_conn, const struct iovec *iov, size_t iovcnt);
	int (*event)(void *ipc_conn, const struct iovec *iov, size_t iovcnt);
};

/** The two totempg groups the host sends in (corosync's "a" and "sync"). */
enum host_group {
	HOST_GROUP_SERVICES = 0,   /* "a": service (exec) messages → host_deliver() */
	HOST_GROUP_SYNC = 1,       /* "sync": sync engine messages → host_sync_deliver() */
};

/** How a service's totem messages leave the node (totem, or the solo loopback). */
struct host_totem_ops {
	/* iov[0] starts with the message's qb_ipc_request_header. 0 or -errno. */
	int (*mcast)(void *ctx, enum host_group group, const struct iovec *iov, size_t iovcnt,
		     enum svc_guarantee g);
	/* Would totem take a message of len bytes now (totempg's admission
	 * check, pg_send_ok)?  Asked by svc_mcast() with the message length and
	 * by the flow-control gate with the request length.  NULL: always. */
	bool (*space)(void *ctx, size_t len);
};

/**
 * What the daemon does for services (svc_node_status, svc_shutdown,
 * svc_reopen_logs).  Any member may be NULL: the call answers -ENOTSUP.
 */
struct host_daemon_ops {
	int (*node_status)(void *ctx, uint32_t nodeid, struct svc_node_status *ret_status);
	/* See svc_shutdown(): 0 asks for an orderly stop, anything else is fatal. */
	int (*shutdown)(void *ctx, int exit_status, const char *reason);
	int (*reopen_logs)(void *ctx);
	/* svc_reload_config(); may be NULL (-ENOTSUP) */
	int (*reload_config)(void *ctx);
	/* svc_crypto_reconfig_phase(); may be NULL (-ENOTSUP) */
	int (*crypto_phase)(void *ctx, enum svc_crypto_phase phase);
	/* svc_stats_clear(); may be NULL (-ENOTSUP) */
	int (*stats_clear)(void *ctx, unsigned groups);
};

struct host_config {
	uint32_t nodeid;
	struct icmap *cmap;    /* not owned */
	struct icmap *stats;   /* not owned */
	const struct host_ipc_ops *ipc;
	const struct host_totem_ops *totem;
	void *totem_ctx;
	/* Called once when the first sync completed (daemon: READY=1). May be NULL. */
	void (*ready)(void *ctx);
	void *ready_ctx;
	/* Called after every completed sync round (totem: transitional ack). May be NULL. */
	void (*sync_done)(void *ctx);
	void *sync_done_ctx;
	/* Called whenever host_next_deadline() may have moved earlier, so the
	 * driver re-arms its one timer. May be NULL (the driver polls). */
	void (*deadline_changed)(void *ctx);
	void *deadline_ctx;
	/* The daemon behind the host; NULL in tests (svc_* daemon calls: -ENOTSUP). */
	const struct host_daemon_ops *daemon;
	void *daemon_ctx;
};

/** Counters of what the host refused, for the stats map and tests. */
struct host_counters {
	uint64_t ipc_invalid;     /* unknown id or size out of bounds */
	uint64_t ipc_overload;    /* refused with TRY_AGAIN by a gate */
	uint64_t totem_dropped;   /* malformed totem messages */
	uint64_t totem_unknown;   /* messages for services not loaded here */
	uint64_t ipc_parked;      /* NO_REPLY requests held until totem had room */
	uint64_t ipc_lost;        /* requests that could not even be held */
};

int host_create(const struct host_config *cfg, struct host **ret_host);
/** Runs every service's fini() in reverse load order, then frees. Takes NULL. */
void host_destroy(struct host *host);

/**
 * Check a declaration without loading it.  On failure returns -EINVAL and
 * writes the reason into why (when why_size > 0).
 */
int host_def_check(const struct svc_def *def, char *why, size_t why_size);

/**
 * Add a service: check it, allocate its state, run its init(), publish its
 * internal_configuration.* and runtime.services.* keys.  dl is the module's
 * dlopen handle (closed with the service) or NULL for a linked-in one.
 * On failure returns -errno and writes the reason into why.
 */
int host_add_service(struct host *host, const struct svc_def *def, void *dl,
		     char *why, size_t why_size);
/** dlopen dir/name.so and add the service it exports. */
int host_load_module(struct host *host, const char *dir, const char *name,
		     char *why, size_t why_size);

struct svc *host_service_by_id(struct host *host, uint16_t id);
/** Iterate services in load order: index 0..; NULL past the end. */
struct svc *host_service_at(struct host *host, size_t index);

void host_set_time(struct host *host, uint64_t now_ms);
/** Fire due timers and run pending sync work. */
void host_advance(struct host *host, uint64_t now_ms);
/** Earliest timer deadline, 0 if sync work is pending (now + 1 ms if it last
 * met -EAGAIN), UINT64_MAX if none. */
uint64_t host_next_deadline(const struct host *host);
/**
 * Totem may have room again (a token visit sent frames): run the requests
 * parked for room now, rather than at the next millisecond's look.
 */
void host_totem_room(struct host *host);

/* ---- IPC side ---------------------------------------------------------- */

/** True once the first sync completed: clients may connect. */
bool host_ready(const struct host *host);
bool host_sync_in_progress(const struct host *host);
void host_set_quorate(struct host *host, bool quorate);

int host_conn_open(struct svc *svc, void *ipc_conn, pid_t pid, uid_t uid, gid_t gid,
		   struct svc_conn **ret_conn);
/**
 * Validate a request and run its handler.  Errors the host detects are
 * answered with a generic 24-byte reply (unless the op is NO_REPLY).
 * Returns 0 when a handler ran, -errno when the host refused the request.
 */
int host_conn_dispatch(struct svc_conn *conn, const void *msg, size_t len);
/** The client went away: conn_close() runs, the host drops its reference. */
void host_conn_close(struct svc_conn *conn);
void *host_conn_ipc(struct svc_conn *conn);

/* ---- totem side -------------------------------------------------------- */

/**
 * Deliver one service message in agreed order.  Messages that are too short,
 * name an unknown fn or are shorter than the op's size_min are dropped and
 * counted; messages for services not loaded here are ignored.
 */
void host_deliver(struct host *host, uint32_t from_nodeid, void *msg, size_t len,
		  bool foreign_endian);
/** One message of the "sync" group, in agreed order. */
void host_sync_deliver(struct host *host, uint32_t from_nodeid, const void *msg, size_t len,
		       bool foreign_endian);
/** A new regular configuration: start sync. */
void host_confchg(struct host *host, const struct svc_view *view);

const struct host_counters *host_counters(const struct host *host);

/**
 * Flow control towards clients: on while a sync runs or requests are parked
 * (see svc_request_again()); the IPC layer then rate-limits the connections
 * of services with SVC_IPC_FLOW_CONTROL ops, so their clients get TRY_AGAIN
 * at once instead of filling the daemon.  fn is called on every change.
 */
void host_set_flow_control_hook(struct host *host, void (*fn)(void *ctx, bool on), void *ctx);
bool host_flow_control(const struct host *host);

/**
 * Bring runtime.services.<name>.<fn>.tx/.rx up to the counts kept since the
 * last call (the send and delivery paths only count).  The driver calls it
 * periodically (chorusd: with stats.srp.*, every 1.5 s).  Takes NULL.
 */
void host_publish_stats(struct host *host);

/** Write every service's dump() to the log (SIGUSR2, runtime.blackbox.dump_state). */
void host_dump(struct host *host);

#endif
