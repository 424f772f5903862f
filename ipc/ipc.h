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
};

/** The reply/event functions the host calls; ipc_conn is ours. */
extern const struct host_ipc_ops ipc_host_ops;

int ipc_create(const struct ipc_config *cfg, struct ipc **ret_ipc);
/** Disconnect every client (they see the connection close) and stop serving. */
void ipc_destroy(struct ipc *ipc);
/** qb_ipc_type from system.qb_ipc_type ("native", "shm", "socket"); -EINVAL otherwise. */
int ipc_type_from_str(const char *s, enum qb_ipc_type *ret_type);

#endif
