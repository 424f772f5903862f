/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * votequorum IPC wire structs between libvotequorum.so.8 and the daemon
 * (not installed).  Layouts are corosync 3.1.7's
 * (include/corosync/ipc_votequorum.h at v3.1.7 is the reference; nothing
 * here is copied from it).  Unlike cmap's, most members are plain
 * consecutive u32s after the 8-aligned header; the notifications put their
 * members and lists in 8-byte slots.  The pins at the end keep every size
 * and offset honest.
 *
 * Traps:
 *  - every request but GETINFO is answered with the bare STATUS reply (id 0),
 *    TRACKSTART included (its own id 2 is never used);
 *  - GETINFO's reply is 320 bytes even for an unknown node.
 */
#ifndef CHORUS_IPC_VOTEQUORUM_H
#define CHORUS_IPC_VOTEQUORUM_H

#include <stddef.h>
#include <stdint.h>

#include <corosync/corotypes.h>
#include <corosync/ipc_common.h>
#include <corosync/votequorum.h>

enum req_votequorum_types {
	MESSAGE_REQ_VOTEQUORUM_GETINFO = 0,
	MESSAGE_REQ_VOTEQUORUM_SETEXPECTED = 1,
	MESSAGE_REQ_VOTEQUORUM_SETVOTES = 2,
	MESSAGE_REQ_VOTEQUORUM_TRACKSTART = 3,
	MESSAGE_REQ_VOTEQUORUM_TRACKSTOP = 4,
	MESSAGE_REQ_VOTEQUORUM_QDEVICE_REGISTER = 5,
	MESSAGE_REQ_VOTEQUORUM_QDEVICE_UNREGISTER = 6,
	MESSAGE_REQ_VOTEQUORUM_QDEVICE_UPDATE = 7,
	MESSAGE_REQ_VOTEQUORUM_QDEVICE_POLL = 8,
	MESSAGE_REQ_VOTEQUORUM_QDEVICE_MASTER_WINS = 9,
};

enum res_votequorum_types {
	MESSAGE_RES_VOTEQUORUM_STATUS = 0,
	MESSAGE_RES_VOTEQUORUM_GETINFO = 1,
	MESSAGE_RES_VOTEQUORUM_TRACKSTART = 2,          /* never sent */
	MESSAGE_RES_VOTEQUORUM_QUORUM_NOTIFICATION = 3,
	MESSAGE_RES_VOTEQUORUM_EXPECTEDVOTES_NOTIFICATION = 4,
	MESSAGE_RES_VOTEQUORUM_NODELIST_NOTIFICATION = 5,
};

struct votequorum_wire_ring_id {
	uint32_t nodeid;
	uint64_t seq;
};

struct req_lib_votequorum_general {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
};

struct req_lib_votequorum_getinfo {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	int32_t nodeid;
};

struct req_lib_votequorum_setexpected {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t expected_votes;
};

struct req_lib_votequorum_setvotes {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t votes;
	int32_t nodeid;
};

struct req_lib_votequorum_trackstart {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t context;
	uint32_t track_flags;
};

/* REGISTER and UNREGISTER */
struct req_lib_votequorum_qdevice_register {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	char name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
};

struct req_lib_votequorum_qdevice_update {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	char oldname[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
	char newname[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
};

struct req_lib_votequorum_qdevice_poll {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	char name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
	int32_t cast_vote;
	struct votequorum_wire_ring_id ring_id __attribute__((aligned(8)));
};

struct req_lib_votequorum_qdevice_master_wins {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	char name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
	uint32_t allow;
};

struct res_lib_votequorum_status {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

struct res_lib_votequorum_getinfo {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t nodeid;
	uint32_t state;
	uint32_t votes;
	uint32_t expected_votes;
	uint32_t highest_expected;
	uint32_t total_votes;
	uint32_t quorum;
	uint32_t flags;
	uint32_t qdevice_votes;
	char qdevice_name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
};

struct votequorum_wire_node {
	uint32_t nodeid;
	uint32_t state;
};

struct res_lib_votequorum_quorum_notification {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t quorate __attribute__((aligned(8)));
	uint64_t context __attribute__((aligned(8)));
	uint32_t node_list_entries __attribute__((aligned(8)));
	struct votequorum_wire_node node_list[] __attribute__((aligned(8)));
};

struct res_lib_votequorum_nodelist_notification {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint64_t context __attribute__((aligned(8)));
	struct votequorum_wire_ring_id ring_id __attribute__((aligned(8)));
	uint32_t node_list_entries __attribute__((aligned(8)));
	uint32_t node_list[] __attribute__((aligned(8)));
};

struct res_lib_votequorum_expectedvotes_notification {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint64_t context __attribute__((aligned(8)));
	uint32_t expected_votes __attribute__((aligned(8)));
};

#define VW_SIZE(t, n)    _Static_assert(sizeof(struct t) == (n), #t " size")
#define VW_OFF(t, f, n)  _Static_assert(offsetof(struct t, f) == (n), #t "." #f " offset")
VW_SIZE(req_lib_votequorum_general, 16);
VW_SIZE(req_lib_votequorum_getinfo, 24);
VW_OFF(req_lib_votequorum_getinfo, nodeid, 16);
VW_SIZE(req_lib_votequorum_setexpected, 24);
VW_SIZE(req_lib_votequorum_setvotes, 24);
VW_OFF(req_lib_votequorum_setvotes, votes, 16);
VW_OFF(req_lib_votequorum_setvotes, nodeid, 20);
VW_SIZE(req_lib_votequorum_trackstart, 32);
VW_OFF(req_lib_votequorum_trackstart, context, 16);
VW_OFF(req_lib_votequorum_trackstart, track_flags, 24);
VW_SIZE(req_lib_votequorum_qdevice_register, 272);
VW_OFF(req_lib_votequorum_qdevice_register, name, 16);
VW_SIZE(req_lib_votequorum_qdevice_update, 528);
VW_OFF(req_lib_votequorum_qdevice_update, newname, 271);
VW_SIZE(req_lib_votequorum_qdevice_poll, 296);
VW_OFF(req_lib_votequorum_qdevice_poll, cast_vote, 272);
VW_OFF(req_lib_votequorum_qdevice_poll, ring_id.nodeid, 280);
VW_OFF(req_lib_votequorum_qdevice_poll, ring_id.seq, 288);
VW_SIZE(req_lib_votequorum_qdevice_master_wins, 280);
VW_OFF(req_lib_votequorum_qdevice_master_wins, allow, 272);
VW_SIZE(res_lib_votequorum_status, 24);
VW_SIZE(res_lib_votequorum_getinfo, 320);
VW_OFF(res_lib_votequorum_getinfo, nodeid, 24);
VW_OFF(res_lib_votequorum_getinfo, flags, 52);
VW_OFF(res_lib_votequorum_getinfo, qdevice_votes, 56);
VW_OFF(res_lib_votequorum_getinfo, qdevice_name, 60);
VW_SIZE(res_lib_votequorum_quorum_notification, 48);
VW_OFF(res_lib_votequorum_quorum_notification, quorate, 24);
VW_OFF(res_lib_votequorum_quorum_notification, context, 32);
VW_OFF(res_lib_votequorum_quorum_notification, node_list_entries, 40);
VW_OFF(res_lib_votequorum_quorum_notification, node_list, 48);
VW_SIZE(res_lib_votequorum_nodelist_notification, 56);
VW_OFF(res_lib_votequorum_nodelist_notification, context, 24);
VW_OFF(res_lib_votequorum_nodelist_notification, ring_id.nodeid, 32);
VW_OFF(res_lib_votequorum_nodelist_notification, ring_id.seq, 40);
VW_OFF(res_lib_votequorum_nodelist_notification, node_list_entries, 48);
VW_OFF(res_lib_votequorum_nodelist_notification, node_list, 56);
VW_SIZE(res_lib_votequorum_expectedvotes_notification, 40);
VW_OFF(res_lib_votequorum_expectedvotes_notification, expected_votes, 32);
#undef VW_SIZE
#undef VW_OFF

#endif
