/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPG's node-to-node ("exec") messages, byte-compatible with corosync 3.1.7
 * (layouts as in corosync v3.1.7 exec/cpg.c; nothing copied).  Every field
 * sits in an 8-byte-aligned slot; the asserts below pin sizes and offsets.
 * All fields are in the sender's byte order; the receiver converts with the
 * to_host functions of cpg_service.c when the sender's order differs.
 *
 * JOINLIST is the odd one: it starts with the 24-byte *response* header
 * (error 0), then 144-byte entries.  PARTIAL_MCAST's padding is garbage in
 * corosync's messages (never read it).
 */
#ifndef CHORUS_CPG_WIRE_H
#define CHORUS_CPG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <corosync/ipc_cpg.h>

#define CPG_SERVICE_ID 2

enum cpg_exec_fn {
	MESSAGE_REQ_EXEC_CPG_PROCJOIN = 0,
	MESSAGE_REQ_EXEC_CPG_PROCLEAVE = 1,
	MESSAGE_REQ_EXEC_CPG_JOINLIST = 2,
	MESSAGE_REQ_EXEC_CPG_MCAST = 3,
	MESSAGE_REQ_EXEC_CPG_DOWNLIST_OLD = 4,
	MESSAGE_REQ_EXEC_CPG_DOWNLIST = 5,
	MESSAGE_REQ_EXEC_CPG_PARTIAL_MCAST = 6,
};

/* corosync's mar_message_source_t: the sender node and its local connection
 * pointer (meaningless on other nodes; we send an opaque 0). */
typedef struct {
	uint32_t nodeid __attribute__((aligned(8)));
	uint64_t conn __attribute__((aligned(8)));
} mar_message_source_t;

/* PROCJOIN and PROCLEAVE (reason JOIN 1, LEAVE 2 or PROCDOWN 5). */
struct req_exec_cpg_procjoin {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
	uint32_t reason __attribute__((aligned(8)));
};

struct req_exec_cpg_mcast {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t msglen __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
	mar_message_source_t source __attribute__((aligned(8)));
	uint8_t message[] __attribute__((aligned(8)));
};

struct req_exec_cpg_partial_mcast {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t msglen __attribute__((aligned(8)));
	uint32_t fraglen __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
	uint32_t type __attribute__((aligned(8)));
	mar_message_source_t source __attribute__((aligned(8)));
	uint8_t message[] __attribute__((aligned(8)));
};

struct req_exec_cpg_downlist_old {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t left_nodes __attribute__((aligned(8)));
	uint32_t nodeids[CPG_WIRE_PROCESSORS_MAX] __attribute__((aligned(8)));
};

struct req_exec_cpg_downlist {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t old_members __attribute__((aligned(8)));
	uint32_t left_nodes __attribute__((aligned(8)));
	uint32_t nodeids[CPG_WIRE_PROCESSORS_MAX] __attribute__((aligned(8)));
};

struct join_list_entry {
	uint32_t pid __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
};

/* JOINLIST: this header, then (size - 24) / 144 entries. */
struct req_exec_cpg_joinlist {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

_Static_assert(sizeof(mar_message_source_t) == 16, "mar_message_source_t");
_Static_assert(offsetof(mar_message_source_t, conn) == 8, "source.conn");
_Static_assert(sizeof(struct req_exec_cpg_procjoin) == 168, "procjoin size");
_Static_assert(offsetof(struct req_exec_cpg_procjoin, group_name) == 16, "procjoin.group_name");
_Static_assert(offsetof(struct req_exec_cpg_procjoin, pid) == 152, "procjoin.pid");
_Static_assert(offsetof(struct req_exec_cpg_procjoin, reason) == 160, "procjoin.reason");
_Static_assert(sizeof(struct req_exec_cpg_mcast) == 184, "mcast size");
_Static_assert(offsetof(struct req_exec_cpg_mcast, group_name) == 16, "mcast.group_name");
_Static_assert(offsetof(struct req_exec_cpg_mcast, msglen) == 152, "mcast.msglen");
_Static_assert(offsetof(struct req_exec_cpg_mcast, pid) == 160, "mcast.pid");
_Static_assert(offsetof(struct req_exec_cpg_mcast, source) == 168, "mcast.source");
_Static_assert(offsetof(struct req_exec_cpg_mcast, message) == 184, "mcast.message");
_Static_assert(sizeof(struct req_exec_cpg_partial_mcast) == 200, "partial size");
_Static_assert(offsetof(struct req_exec_cpg_partial_mcast, msglen) == 152, "partial.msglen");
_Static_assert(offsetof(struct req_exec_cpg_partial_mcast, fraglen) == 160, "partial.fraglen");
_Static_assert(offsetof(struct req_exec_cpg_partial_mcast, pid) == 168, "partial.pid");
_Static_assert(offsetof(struct req_exec_cpg_partial_mcast, type) == 176, "partial.type");
_Static_assert(offsetof(struct req_exec_cpg_partial_mcast, source) == 184, "partial.source");
_Static_assert(offsetof(struct req_exec_cpg_partial_mcast, message) == 200, "partial.message");
_Static_assert(sizeof(struct req_exec_cpg_downlist_old) == 1560, "downlist_old size");
_Static_assert(offsetof(struct req_exec_cpg_downlist_old, nodeids) == 24, "downlist_old.nodeids");
_Static_assert(sizeof(struct req_exec_cpg_downlist) == 1568, "downlist size");
_Static_assert(offsetof(struct req_exec_cpg_downlist, old_members) == 16, "downlist.old_members");
_Static_assert(offsetof(struct req_exec_cpg_downlist, left_nodes) == 24, "downlist.left_nodes");
_Static_assert(offsetof(struct req_exec_cpg_downlist, nodeids) == 32, "downlist.nodeids");
_Static_assert(sizeof(struct join_list_entry) == 144, "join_list_entry size");
_Static_assert(offsetof(struct join_list_entry, group_name) == 8, "join_list_entry.group_name");
_Static_assert(sizeof(struct req_exec_cpg_joinlist) == 24, "joinlist header");

/* Client-side layouts this service builds (also pinned in wire_asserts.h). */
_Static_assert(sizeof(struct res_lib_cpg_confchg_callback) == 184, "confchg size");
_Static_assert(offsetof(struct res_lib_cpg_confchg_callback, member_list_entries) == 160, "confchg.m");
_Static_assert(offsetof(struct res_lib_cpg_confchg_callback, joined_list_entries) == 168, "confchg.j");
_Static_assert(offsetof(struct res_lib_cpg_confchg_callback, left_list_entries) == 176, "confchg.l");
_Static_assert(sizeof(struct res_lib_cpg_deliver_callback) == 184, "deliver size");
_Static_assert(sizeof(struct res_lib_cpg_partial_deliver_callback) == 200, "partial deliver size");
_Static_assert(offsetof(struct res_lib_cpg_totem_confchg_callback, member_list) == 44, "totem list");
_Static_assert(sizeof(struct res_lib_cpg_membership_get) == 9248, "membership reply size");
_Static_assert(sizeof(struct res_lib_cpg_iterationnext) == 168, "iterationnext size");
_Static_assert(sizeof(struct req_lib_cpg_zc_alloc) == 152, "zc alloc size");
_Static_assert(CPG_ZC_USER_OFFSET == 56, "zc user offset");

#endif
