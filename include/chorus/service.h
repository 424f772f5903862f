/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The chorus service-module interface: the only host header a service includes.
 *
 * A service is a shared object in the module directory that exports
 *
 *     const struct svc_def *chorus_service_module(void);
 *
 * The definition *declares* everything the host needs to know before the
 * service runs: its IPC requests (id and size bounds), its totem messages,
 * its sync steps and the sizes of its per-instance and per-connection state.
 * The host checks the declaration at load time (ABI number, unique ids, sane
 * bounds) and checks every request and every totem message against it before
 * a handler sees it, so a handler always gets a length that it can trust to
 * be within the declared bounds.
 *
 * Services keep no file-scope mutable state: everything lives in the state
 * the host allocates (svc_state(), svc_conn_state()), so several hosts (nodes)
 * can run in one process.  The host functions below are plain exported
 * functions of chorusd (and of the test harnesses that link the host
 * statically); they may only be called from the main-loop thread.
 *
 * Return conventions: 0 or a positive count on success, -errno on failure.
 */
#ifndef CHORUS_SERVICE_H
#define CHORUS_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped whenever struct svc_def or the host API changes incompatibly. */
#define SVC_ABI 3   /* 3: struct svc_view.own_message_cut */

/** Exported symbol a module must define. */
#define SVC_MODULE_SYMBOL "chorus_service_module"

/** Limits the host enforces on a declaration. */
#define SVC_ID_MAX          63     /* service ids are 0..63 (corosync's SERVICES_COUNT_MAX) */
#define SVC_NAME_MAX        64
#define SVC_IPC_MSG_MAX     (1024 * 1024)  /* libqb buffer the clients negotiate */
#define SVC_STATE_MAX       (16u * 1024 * 1024)

struct svc;       /* a service instance inside one host (one node) */
struct svc_conn;  /* one client IPC connection to a service */
struct icmap;     /* the typed key-value store, include/chorus/icmap.h */

/** Totem delivery guarantees (values as corosync's TOTEM_AGREED / TOTEM_SAFE). */
enum svc_guarantee {
	SVC_AGREED = 0,
	SVC_SAFE = 1,
};

/** A membership as a service sees it. Arrays are sorted ascending. */
struct svc_view {
	uint32_t rep_nodeid;          /* ring id: representative ... */
	uint64_t ring_seq;            /* ... and sequence number */
	const uint32_t *members;      /* the new regular configuration */
	size_t members_count;
	const uint32_t *trans;        /* members that came from our previous configuration */
	size_t trans_count;
	const uint32_t *left;         /* in the previous configuration, not in this one */
	size_t left_count;
	const uint32_t *joined;       /* in this configuration, not in the previous one */
	size_t joined_count;
	/* A message this node sent, begun in the previous configuration, was cut
	 * at this one (it merged members) and will not be delivered anywhere. */
	bool own_message_cut;
};

enum svc_ipc_flag {
	/* Refused with CS_ERR_TRY_AGAIN while a sync is in progress or totem's queue is full. */
	SVC_IPC_FLOW_CONTROL = 1u << 0,
	/* Asynchronous request: the client does not wait for a reply, so the host
	 * sends none for errors it detects (it counts and logs them instead). */
	SVC_IPC_NO_REPLY = 1u << 1,
	/* Refused with CS_ERR_TRY_AGAIN while the node is not quorate. */
	SVC_IPC_QUORATE = 1u << 2,
	/* With SVC_IPC_FLOW_CONTROL: while the gate is closed the request is held
	 * and run (and answered) once it opens, instead of being answered
	 * CS_ERR_TRY_AGAIN.  For a request whose refusal would waste work the
	 * client already did: a fragment of a message whose first part is sent. */
	SVC_IPC_FLOW_PARK = 1u << 3,
};

/**
 * What the quorum provider (votequorum) decided: the quorate flag and the
 * membership it was decided on (sorted as the provider keeps it).
 */
struct svc_quorum {
	bool quorate;
	uint32_t rep_nodeid;          /* ring id of the membership */
	uint64_t ring_seq;
	const uint32_t *members;
	size_t members_count;
};

struct svc_ipc_op {
	uint16_t id;        /* request id on the wire (qb_ipc_request_header.id) */
	uint16_t flags;     /* enum svc_ipc_flag */
	uint32_t size_min;  /* >= sizeof(struct qb_ipc_request_header) */
	uint32_t size_max;  /* 0: exactly size_min */
	/* len is the request length, already checked against the bounds.  The
	 * handler must answer through svc_reply() (now or later) unless the
	 * op has SVC_IPC_NO_REPLY. */
	void (*handle)(struct svc_conn *conn, const void *req, size_t len);
};

struct svc_totem_op {
	uint16_t id;        /* fn id: the low 16 bits of the message id */
	uint32_t size_min;  /* >= sizeof(struct qb_ipc_request_header) */
	/* Convert a message from a sender of the other byte order in place;
	 * len is already checked against size_min. NULL: nothing to convert. */
	void (*to_host)(void *msg, size_t len);
	void (*handle)(struct svc *svc, uint32_t from_nodeid, const void *msg, size_t len);
};

/*
 * The sync contract, run after every membership change in ascending service
 * id order: init() once, then process() until it returns 0 (it returns
 * -EAGAIN to be called again, e.g. after multicasting part of its state),
 * then activate() once every member finished process().  abort() replaces
 * activate() when the membership changes again in the middle.
 */
struct svc_sync_ops {
	void (*init)(struct svc *svc, const struct svc_view *view);
	int (*process)(struct svc *svc);
	void (*activate)(struct svc *svc);
	void (*abort)(struct svc *svc);
};

struct svc_def {
	uint32_t abi;                  /* SVC_ABI */
	uint16_t id;                   /* wire-stable service id (CMAP 0, CFG 1, CPG 2, ...) */
	uint16_t priority;             /* load order: lower first; unload in reverse */
	const char *name;              /* "corosync_cmap": published in internal_configuration.* */
	const char *ipc_name;          /* "cmap": libqb IPC service name, NULL for no IPC */
	size_t state_size;             /* zeroed, allocated by the host per instance */
	size_t conn_state_size;        /* zeroed, allocated by the host per connection */
	const struct svc_ipc_op *ipc_ops;
	size_t ipc_ops_count;
	const struct svc_totem_op *totem_ops;
	size_t totem_ops_count;
	const struct svc_sync_ops *sync;  /* NULL: takes no part in sync */

	int (*init)(struct svc *svc);                /* 0 or -errno; svc_set_error() explains */
	void (*fini)(struct svc *svc);
	int (*conn_open)(struct svc_conn *conn);     /* 0, or -errno to refuse the client */
	void (*conn_close)(struct svc_conn *conn);   /* the connection is going; no replies now */
	void (*view_change)(struct svc *svc, const struct svc_view *view);
	void (*dump)(struct svc *svc, FILE *out);    /* SIGUSR2 / blackbox state dump */
	/* The provider called svc_quorum_set() (quorate or not, changed or not:
	 * corosync's quorum service tells its clients on every call). */
	void (*quorum_changed)(struct svc *svc, const struct svc_quorum *q);
};

/** Type of the symbol a module exports. */
typedef const struct svc_def *(*svc_module_fn)(void);

/* ---- host API: instance and connection ---------------------------------- */

void *svc_state(struct svc *svc);
const struct svc_def *svc_def(struct svc *svc);
struct svc *svc_conn_svc(struct svc_conn *conn);
void *svc_conn_state(struct svc_conn *conn);
/** The client's pid, euid and egid as libqb authenticated them. */
void svc_conn_creds(struct svc_conn *conn, pid_t *ret_pid, uid_t *ret_uid, gid_t *ret_gid);
/** Keep a connection alive past its close (for deferred replies). */
void svc_conn_ref(struct svc_conn *conn);
void svc_conn_unref(struct svc_conn *conn);
/** True once the client went away: replies and events are then dropped. */
bool svc_conn_closed(const struct svc_conn *conn);

/** Local node id, current time (host clock, ms), quorum state. */
uint32_t svc_nodeid(struct svc *svc);
uint64_t svc_now_ms(struct svc *svc);
bool svc_quorate(struct svc *svc);
/**
 * True from a new configuration until the sync of every service completed
 * (after the last service's activate(); a service's own sync steps may end
 * earlier).  totem sends what is multicast meanwhile ahead of what was
 * queued before (corosync's transitional queue), so a message that must
 * not overtake older ones of this node waits for this to turn false.
 */
bool svc_sync_in_progress(struct svc *svc);

/**
 * For the quorum provider: record a quorum decision.  The host keeps a copy
 * (svc_quorate(), the SVC_IPC_QUORATE gate, svc_quorum_get()) and calls every
 * service's quorum_changed() in load order.  0 or -ENOMEM.
 */
int svc_quorum_set(struct svc *svc, const struct svc_quorum *q);
/**
 * The last decision recorded by svc_quorum_set(); members point into the
 * host's copy, valid until the next call.  -ENOENT when no provider ever
 * decided (the node is then quorate: corosync without a provider).
 */
int svc_quorum_get(struct svc *svc, struct svc_quorum *ret_q);

/** The node's configuration and runtime map (cmap's default map). */
struct icmap *svc_cmap(struct svc *svc);
/** The statistics map (cmap's map 1, "stats"). */
struct icmap *svc_stats(struct svc *svc);

/** Explain a failing init(): the host logs it and refuses the service. */
void svc_set_error(struct svc *svc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- host API: messages -------------------------------------------------- */

/**
 * Send a reply to a request of this connection.  The iovecs are gathered;
 * the first must start with a struct qb_ipc_response_header that the caller
 * filled (id, size, error).  Returns 0, or -ENOTCONN when the client is gone.
 */
int svc_reply(struct svc_conn *conn, const struct iovec *iov, size_t iovcnt);
/**
 * Called from an IPC handler that cannot act now because totem's queue is
 * full (svc_mcast() said -EAGAIN): the host keeps a copy of the request and
 * runs the handler again, in order with the connection's later requests,
 * once totem has room.  Meant for SVC_IPC_NO_REPLY requests, whose client
 * was already told the message was sent; the handler must not have changed
 * any state before calling it.  0, or -errno (the request is then lost).
 */
int svc_request_again(struct svc_conn *conn);
/** Reply with a bare 24-byte response header. */
int svc_reply_error(struct svc_conn *conn, int32_t id, int32_t cs_error);
/**
 * Send an asynchronous event (dispatch channel).  Events that do not fit are
 * queued per connection in order and flushed later.
 */
int svc_event(struct svc_conn *conn, const struct iovec *iov, size_t iovcnt);

/**
 * Multicast a totem message to every node (including this one) in total order.
 * The message starts with a struct qb_ipc_request_header; the host fills its
 * id (from fn_id and the service id) and its size.  Returns 0, -EAGAIN when the
 * totem queue is full, -EMSGSIZE when it is larger than a totem message can be.
 */
int svc_mcast(struct svc *svc, uint16_t fn_id, const struct iovec *iov, size_t iovcnt,
	      enum svc_guarantee guarantee);

/* ---- host API: the daemon --------------------------------------------------- */

/*
 * What the daemon (exec/) does for a service: transport status, stopping
 * the process, reopening log files.  A host without a daemon behind it (the
 * unit-test harnesses) answers -ENOTSUP.
 */

#define SVC_LINKS_MAX     8     /* knet links (KNET_MAX_LINK, CFG_MAX_LINKS) */
#define SVC_HOST_LEN_MAX  256   /* address strings (KNET_MAX_HOST_LEN, CFG_MAX_HOST_LEN) */

/** One transport link to a node, as knet_link_get_status reports it. */
struct svc_link_status {
	bool enabled;
	bool connected;
	bool dynconnected;
	uint32_t mtu;
	char src_ipaddr[SVC_HOST_LEN_MAX];   /* the local end */
	char dst_ipaddr[SVC_HOST_LEN_MAX];   /* the node's end */
};

/** A node as the transport sees it (knet_host_get_status + its links). */
struct svc_node_status {
	bool reachable;
	bool remote;
	bool external;
	uint8_t onwire_min, onwire_max, onwire_ver;
	struct svc_link_status link[SVC_LINKS_MAX];   /* zeroed for links not configured */
};

/**
 * Transport status of nodeid (the local node included: knet's loopback
 * link).  0, -ENOENT when the transport does not know the node, -ENOTSUP
 * without a daemon.
 */
int svc_node_status(struct svc *svc, uint32_t nodeid, struct svc_node_status *ret_status);
/**
 * Stop the daemon.  exit_status 0: an orderly stop once the current handler
 * returned (services finalised in reverse load order, totem left, exit 0).
 * Anything else: a fatal stop, at once, with that exit status (corosync's
 * corosync_fatal_error); reason is logged.  0, or -ENOTSUP without a daemon
 * (the call then returns, whatever the status).
 */
int svc_shutdown(struct svc *svc, int exit_status, const char *reason);
/** Close and reopen the daemon's log files (logrotate). 0 or -errno; -ENOTSUP without a daemon. */
int svc_reopen_logs(struct svc *svc);
/**
 * Re-read this node's configuration file and apply it (cfg RELOAD_CONFIG,
 * corosync-cfgtool -R).  0; 1 when it succeeded and changed the crypto
 * settings, which the transport then holds ready but does not use yet:
 * the caller runs svc_crypto_reconfig_phase() as corosync's cfg runs its
 * CRYPTO_RECONFIG phases; -EINVAL when the file does not parse or validate
 * (the reason is logged), -errno; -ENOTSUP without a daemon.
 */
int svc_reload_config(struct svc *svc);
/* The phases of a crypto change (corosync's CRYPTO_RECONFIG_PHASE_*). */
enum svc_crypto_phase {
	SVC_CRYPTO_ACTIVATE = 1,    /* send with the new crypto */
	SVC_CRYPTO_CLEANUP = 2,     /* forget the old one */
};
/**
 * One phase of the crypto change the last svc_reload_config() prepared
 * (corosync v3.1.7 totempg_crypto_reconfigure_phase).  0, -EINVAL for
 * another phase, -errno (logged); -ENOTSUP without a daemon.
 */
int svc_crypto_reconfig_phase(struct svc *svc, enum svc_crypto_phase phase);

/* Counter groups of the stats map that stats.clear.<group> resets (corosync v3.1.7 exec/stats.c). */
enum svc_stats_group {
	SVC_STATS_KNET = 1,         /* knet handle and link counters, and the totem ones (as corosync) */
	SVC_STATS_IPC = 2,          /* per-connection counters and stats.ipcs.global.closed */
	SVC_STATS_TOTEM = 4,        /* stats.srp.* */
	SVC_STATS_SCHEDMISS = 8,    /* stats.schedmiss.* (none kept yet) */
};
/** Reset the counters of groups (a mask of enum svc_stats_group). 0, or -ENOTSUP without a daemon. */
int svc_stats_clear(struct svc *svc, unsigned groups);

/* ---- host API: timers ---------------------------------------------------- */

/** Embedded in the caller's state (no allocation); opaque to services. */
struct svc_timer {
	struct svc_timer *next;
	struct svc *svc;
	uint64_t deadline_ms;
	bool armed;
	void (*fn)(struct svc *svc, struct svc_timer *timer);
};

void svc_timer_init(struct svc *svc, struct svc_timer *timer,
		    void (*fn)(struct svc *svc, struct svc_timer *timer));
void svc_timer_start(struct svc_timer *timer, uint64_t after_ms);
void svc_timer_stop(struct svc_timer *timer);

#ifdef __cplusplus
}
#endif
#endif /* CHORUS_SERVICE_H */
