/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libqb IPC front door: one qb_ipcs service per service module that has
 * an IPC name ("cmap", "cpg", ...), with corosync's admission rules
 * (not ready → TRY_AGAIN, root or uidgid.* keys), per-connection statistics
 * in the stats map, and ordered queueing of events a slow client cannot take
 * yet.  Requests go to host_conn_dispatch(), which validates them.
 */
#ifndef CHORUS_IPC_H
#define CHORUS_IPC_H

#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#include "services/host.h"

struct ipc;

struct ipc_config {
	struct host *host;
	struct icmap *cmap;         /* uidgid.* admission keys */
	struct icmap *stats;        /* stats.ipcs.* */
	qb_loop_t *loop;
	enum qb_ipc_type type;
	/* Events queued for one client beyond which it is disconnected. */
	size_t event_queue_max_bytes;
	/* 0 for each: the IPC_* defaults below (corosync has no such keys). */
	size_t event_queue_total_max_bytes;
	size_t conns_per_service_max;
	size_t conns_max;
};

/*
 * Resource bounds (corosync 3.1.7 has none; docs/compat.md).  Events queued
 * over all clients beyond IPC_QUEUE_TOTAL_MAX disconnect the client with the
 * longest queue; a connection beyond IPC_CONNS_PER_SERVICE_MAX to one service
 * or IPC_CONNS_MAX in all is refused with -EMFILE (what corosync answers when
 * it runs short of fds; the client sees CS_ERR_LIBRARY).
 */
#define IPC_QUEUE_MAX (64u << 20)
#define IPC_QUEUE_TOTAL_MAX (256u << 20)
#define IPC_CONNS_PER_SERVICE_MAX 512
#define IPC_CONNS_MAX 2048

/** The reply/event functions the host calls; ipc_conn is ours. */
extern const struct host_ipc_ops ipc_host_ops;

int ipc_create(const struct ipc_config *cfg, struct ipc **ret_ipc);
/** Disconnect every client (they see the connection close) and stop serving. */
void ipc_destroy(struct ipc *ipc);
/**
 * Events not yet read by their clients: queued here, or still in a client's
 * shared-memory ring (libqb's event_q_length).  A stopping daemon waits for
 * 0 before it disconnects: libqb's client gives up on unread events once it
 * sees the server gone.
 */
size_t ipc_events_unread(struct ipc *ipc);
/** stats.clear.ipc: per-connection counters and stats.ipcs.global.closed back to 0. */
void ipc_stats_clear(struct ipc *ipc);
/** qb_ipc_type from system.qb_ipc_type ("native", "shm", "socket"); -EINVAL otherwise. */
int ipc_type_from_str(const char *s, enum qb_ipc_type *ret_type);

#endif
