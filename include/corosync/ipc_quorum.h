/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * quorum IPC wire structs between libquorum.so.5 and the daemon (not
 * installed).  Layouts are corosync 3.1.7's (include/corosync/ipc_quorum.h
 * at v3.1.7 is the reference; nothing here is copied from it).
 *
 * Trap: the notifications' flexible lists start 4 bytes before
 * sizeof(struct) (the last count is a plain u32 in an 8-byte slot), and the
 * daemon sets header.size = sizeof(struct) + 4 * entries, so every
 * notification carries 4 bytes of slack.  Clients read the lists at the
 * offsets pinned below.
 */
#ifndef CHORUS_IPC_QUORUM_H
#define CHORUS_IPC_QUORUM_H

#include <stddef.h>
#include <stdint.h>

#include <corosync/corotypes.h>
#include <corosync/ipc_common.h>

enum req_quorum_types {
	MESSAGE_REQ_QUORUM_GETQUORATE = 0,
	MESSAGE_REQ_QUORUM_TRACKSTART = 1,
	MESSAGE_REQ_QUORUM_TRACKSTOP = 2,
	MESSAGE_REQ_QUORUM_GETTYPE = 3,
	MESSAGE_REQ_QUORUM_MODEL_GETTYPE = 4,
};

enum res_quorum_types {
	MESSAGE_RES_QUORUM_GETQUORATE = 0,
	MESSAGE_RES_QUORUM_TRACKSTART = 1,
	MESSAGE_RES_QUORUM_TRACKSTOP = 2,
	MESSAGE_RES_QUORUM_NOTIFICATION = 3,            /* V0 event */
	MESSAGE_RES_QUORUM_GETTYPE = 4,
	MESSAGE_RES_QUORUM_MODEL_GETTYPE = 5,
	MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION = 6,  /* V1 events */
	MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION = 7,
};

/** The connection's model as the daemon records it (MODEL_GETTYPE). */
enum lib_quorum_model {
	LIB_QUORUM_MODEL_V0 = 0,
	LIB_QUORUM_MODEL_V1 = 1,
};

struct quorum_wire_ring_id {
	uint32_t nodeid __attribute__((aligned(8)));
	uint64_t seq __attribute__((aligned(8)));
};

struct req_lib_quorum_header_only {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
};

struct req_lib_quorum_trackstart {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t track_flags;
};

struct req_lib_quorum_model_gettype {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t model;
};

struct res_lib_quorum_header_only {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

struct res_lib_quorum_getquorate {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t quorate;
};

struct res_lib_quorum_gettype {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t quorum_type;
};

struct res_lib_quorum_model_gettype {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t quorum_type;
};

struct res_lib_quorum_notification {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	int32_t quorate __attribute__((aligned(8)));
	uint64_t ring_seq __attribute__((aligned(8)));
	uint32_t view_list_entries __attribute__((aligned(8)));
	uint32_t view_list[];
};

struct res_lib_quorum_v1_quorum_notification {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	int32_t quorate __attribute__((aligned(8)));
	struct quorum_wire_ring_id ring_id __attribute__((aligned(8)));
	uint32_t view_list_entries __attribute__((aligned(8)));
	uint32_t view_list[];
};

/* member_list[member_list_entries], then the joined, then the left list */
struct res_lib_quorum_v1_nodelist_notification {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	struct quorum_wire_ring_id ring_id __attribute__((aligned(8)));
	uint32_t member_list_entries __attribute__((aligned(8)));
	uint32_t joined_list_entries __attribute__((aligned(8)));
	uint32_t left_list_entries __attribute__((aligned(8)));
	uint32_t member_list[];
};

#define QW_SIZE(t, n)    _Static_assert(sizeof(struct t) == (n), #t " size")
#define QW_OFF(t, f, n)  _Static_assert(offsetof(struct t, f) == (n), #t "." #f " offset")
QW_SIZE(req_lib_quorum_header_only, 16);
QW_SIZE(req_lib_quorum_trackstart, 24);
QW_OFF(req_lib_quorum_trackstart, track_flags, 16);
QW_SIZE(req_lib_quorum_model_gettype, 24);
QW_OFF(req_lib_quorum_model_gettype, model, 16);
QW_SIZE(res_lib_quorum_header_only, 24);
QW_SIZE(res_lib_quorum_getquorate, 32);
QW_OFF(res_lib_quorum_getquorate, quorate, 24);
QW_SIZE(res_lib_quorum_gettype, 32);
QW_SIZE(res_lib_quorum_model_gettype, 32);
QW_SIZE(res_lib_quorum_notification, 48);
QW_OFF(res_lib_quorum_notification, quorate, 24);
QW_OFF(res_lib_quorum_notification, ring_seq, 32);
QW_OFF(res_lib_quorum_notification, view_list_entries, 40);
QW_OFF(res_lib_quorum_notification, view_list, 44);
QW_SIZE(res_lib_quorum_v1_quorum_notification, 56);
QW_OFF(res_lib_quorum_v1_quorum_notification, ring_id.nodeid, 32);
QW_OFF(res_lib_quorum_v1_quorum_notification, ring_id.seq, 40);
QW_OFF(res_lib_quorum_v1_quorum_notification, view_list_entries, 48);
QW_OFF(res_lib_quorum_v1_quorum_notification, view_list, 52);
QW_SIZE(res_lib_quorum_v1_nodelist_notification, 64);
QW_OFF(res_lib_quorum_v1_nodelist_notification, ring_id.nodeid, 24);
QW_OFF(res_lib_quorum_v1_nodelist_notification, ring_id.seq, 32);
QW_OFF(res_lib_quorum_v1_nodelist_notification, member_list_entries, 40);
QW_OFF(res_lib_quorum_v1_nodelist_notification, joined_list_entries, 48);
QW_OFF(res_lib_quorum_v1_nodelist_notification, left_list_entries, 56);
QW_OFF(res_lib_quorum_v1_nodelist_notification, member_list, 60);
#undef QW_SIZE
#undef QW_OFF

#endif
