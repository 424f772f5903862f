/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cmap service's declaration and its one totem message.
 *
 * cmap_service_def is what services/cmap/module.c exports to chorusd and what
 * tests link statically.  The totem layouts below are corosync 3.1.7's
 * MESSAGE_REQ_EXEC_CMAP_MCAST (exec/cmap.c); they are private to
 * cmap and its tests, not part of the client wire (include/corosync).
 */
#ifndef CHORUS_CMAP_SERVICE_H
#define CHORUS_CMAP_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <chorus/service.h>
#include <corosync/ipc_cmap.h>

#define CMAP_SERVICE_ID 0

/*
 * Open iterators and trackers one connection may hold; beyond them ITER_INIT
 * and TRACK_ADD answer CS_ERR_NO_RESOURCES.  corosync has no limit (a client
 * could exhaust the daemon's memory); real clients hold a handful.
 */
#define CMAP_CONN_ITERS_MAX 1024
#define CMAP_CONN_TRACKS_MAX 4096

/** fn id of cmap's only totem message. */
#define MESSAGE_REQ_EXEC_CMAP_MCAST 0

enum cmap_mcast_reason {
	CMAP_MCAST_REASON_SYNC = 0,
	CMAP_MCAST_REASON_NEW_CONFIG_VERSION = 1,
};

/** Message head (48 bytes); no_items items follow. */
struct req_exec_cmap_mcast {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint8_t reason __attribute__((aligned(8)));
	uint8_t no_items __attribute__((aligned(8)));
	uint8_t reserved1 __attribute__((aligned(8)));
	uint8_t reserved2 __attribute__((aligned(8)));
};

/** One item (280 bytes + value_len, padded to a multiple of 8). value_type 0: key absent. */
struct req_exec_cmap_mcast_item {
	mar_name_t key_name __attribute__((aligned(8)));
	uint8_t value_type __attribute__((aligned(8)));
	mar_size_t value_len __attribute__((aligned(8)));
	uint8_t value[] __attribute__((aligned(8)));
};

_Static_assert(sizeof(struct req_exec_cmap_mcast) == 48, "req_exec_cmap_mcast size");
_Static_assert(offsetof(struct req_exec_cmap_mcast, reason) == 16, "mcast.reason");
_Static_assert(offsetof(struct req_exec_cmap_mcast, no_items) == 24, "mcast.no_items");
_Static_assert(sizeof(struct req_exec_cmap_mcast_item) == 280, "mcast item size");
_Static_assert(offsetof(struct req_exec_cmap_mcast_item, value_type) == 264, "item.value_type");
_Static_assert(offsetof(struct req_exec_cmap_mcast_item, value_len) == 272, "item.value_len");
_Static_assert(offsetof(struct req_exec_cmap_mcast_item, value) == 280, "item.value");

extern const struct svc_def cmap_service_def;

#endif
