/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sync engine (corosync v3.1.7 exec/sync.c): after every
 * regular configuration each member multicasts SERVICE_BUILD with the ids
 * of its services that take part in sync; once every member's list arrived,
 * the services of the union run one by one in ascending id order: process()
 * until done, then a BARRIER; when every member's BARRIER for a service was
 * delivered, activate() runs and the next service starts.  After the last
 * one the host may serve clients again (and totem leaves the "waiting for
 * transitional ack" mode).  Messages travel in the "sync" group, in total
 * order, so every member moves from step to step at the same point of the
 * message order.  A new configuration in the middle aborts the round.
 */
#ifndef CHORUS_SYNC_H
#define CHORUS_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <qb/qbipc_common.h>

#include <chorus/service.h>

#define SYNC_SERVICES_MAX 128

enum sync_msg_id {
	SYNC_MSG_BARRIER = 0,
	SYNC_MSG_SERVICE_BUILD = 1,
};

/* corosync's memb_ring_id: packed, 12 bytes, inside an 8-aligned message. */
struct sync_ring_id {
	uint32_t rep;
	uint64_t seq;
} __attribute__((packed));

struct sync_msg_barrier {
	struct qb_ipc_request_header header;
	struct sync_ring_id ring_id;
	uint8_t pad[4];
};

struct sync_msg_service_build {
	struct qb_ipc_request_header header;
	struct sync_ring_id ring_id;
	uint8_t pad[4];
	int32_t service_list_entries;
	uint8_t pad2[4];
	int32_t service_list[SYNC_SERVICES_MAX];
};

_Static_assert(sizeof(struct sync_msg_barrier) == 32, "barrier size");
_Static_assert(sizeof(struct sync_msg_service_build) == 552, "service build size");
_Static_assert(offsetof(struct sync_msg_service_build, service_list_entries) == 32, "entries");
_Static_assert(offsetof(struct sync_msg_service_build, service_list) == 40, "list");

struct host;
struct sync;

int sync_create(struct host *host, struct sync **ret_sync);
void sync_destroy(struct sync *sync);
/** A regular configuration: start (or restart, aborting the current round). */
void sync_start(struct sync *sync, const struct svc_view *view);
/** One message of the "sync" group, in agreed order. */
void sync_deliver(struct sync *sync, uint32_t from_nodeid, const void *msg, size_t len,
		  bool foreign_endian);
/** Run pending local steps (process() calls, pending sends). */
void sync_run(struct sync *sync);
bool sync_in_progress(const struct sync *sync);
/** Is there local work that sync_run() should do now? */
bool sync_has_work(const struct sync *sync);
/** Did the last sync_run() stop at -EAGAIN (totem full, or process() asked
 * to be called again) with nothing changed since? Then retry in a while. */
bool sync_stalled(const struct sync *sync);

/* Provided by the host. */
void host_sync_done(struct host *host, const struct svc_view *view);
int host_sync_mcast(struct host *host, const void *msg, size_t len);

#endif
