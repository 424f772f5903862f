/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPG IPC wire structs between libcpg.so.4 and the daemon (not installed).
 * Layouts are corosync 3.1.7's (include/corosync/ipc_cpg.h at v3.1.7 is the
 * reference; nothing here is copied from it).  Every member sits in an
 * 8-byte-aligned slot except the two u32 of mar_cpg_iteration_description_t;
 * include/corosync/wire_asserts.h pins every size and offset.
 *
 * Traps worth repeating where the structs are declared:
 *  - the MCAST and PARTIAL_MCAST requests start with a 24-byte *response*
 *    header, every other request with the 16-byte request header;
 *  - MCAST (id 2) is never answered, not even with an error;
 *  - the confchg event stores its counts as member, joined, left but its
 *    arrays as member, LEFT, JOINED;
 *  - only event ids 4, 5, 13 and 17 may be sent to a client.
 */
#ifndef CHORUS_IPC_CPG_H
#define CHORUS_IPC_CPG_H

#include <stdint.h>
#include <string.h>

#include <corosync/ipc_common.h>

#define CPG_WIRE_NAME_MAX        128       /* CPG_MAX_NAME_LENGTH */
#define CPG_WIRE_MEMBERS_MAX     128       /* libcpg's callback arrays (CPG_MEMBERS_MAX) */
#define CPG_WIRE_PROCESSORS_MAX  384       /* PROCESSOR_COUNT_MAX: membership reply slots */
#define CPG_WIRE_ATOMIC_MAX      1047552   /* IPC request size - 1024: largest unfragmented mcast */
#define CPG_WIRE_ZC_PATH_LEN     128

enum req_cpg_types {
	MESSAGE_REQ_CPG_JOIN = 0,
	MESSAGE_REQ_CPG_LEAVE = 1,
	MESSAGE_REQ_CPG_MCAST = 2,
	MESSAGE_REQ_CPG_MEMBERSHIP = 3,
	MESSAGE_REQ_CPG_LOCAL_GET = 4,
	MESSAGE_REQ_CPG_ITERATIONINITIALIZE = 5,
	MESSAGE_REQ_CPG_ITERATIONNEXT = 6,
	MESSAGE_REQ_CPG_ITERATIONFINALIZE = 7,
	MESSAGE_REQ_CPG_FINALIZE = 8,
	MESSAGE_REQ_CPG_ZC_ALLOC = 9,
	MESSAGE_REQ_CPG_ZC_FREE = 10,
	MESSAGE_REQ_CPG_ZC_EXECUTE = 11,
	MESSAGE_REQ_CPG_PARTIAL_MCAST = 12,
};

enum res_cpg_types {
	MESSAGE_RES_CPG_JOIN = 0,
	MESSAGE_RES_CPG_LEAVE = 1,
	MESSAGE_RES_CPG_MCAST = 2,
	MESSAGE_RES_CPG_MEMBERSHIP = 3,
	MESSAGE_RES_CPG_CONFCHG_CALLBACK = 4,        /* event */
	MESSAGE_RES_CPG_DELIVER_CALLBACK = 5,        /* event */
	MESSAGE_RES_CPG_FLOW_CONTROL_STATE_SET = 6,  /* dead: never send */
	MESSAGE_RES_CPG_LOCAL_GET = 7,
	MESSAGE_RES_CPG_FLOWCONTROL_CALLBACK = 8,    /* dead: never send */
	MESSAGE_RES_CPG_ITERATIONINITIALIZE = 9,
	MESSAGE_RES_CPG_ITERATIONNEXT = 10,
	MESSAGE_RES_CPG_ITERATIONFINALIZE = 11,
	MESSAGE_RES_CPG_FINALIZE = 12,
	MESSAGE_RES_CPG_TOTEM_CONFCHG_CALLBACK = 13, /* event */
	MESSAGE_RES_CPG_ZC_ALLOC = 14,
	MESSAGE_RES_CPG_ZC_FREE = 15,
	MESSAGE_RES_CPG_ZC_EXECUTE = 16,
	MESSAGE_RES_CPG_PARTIAL_DELIVER_CALLBACK = 17, /* event */
	MESSAGE_RES_CPG_PARTIAL_SEND = 18,
};

enum lib_cpg_confchg_reason {
	CONFCHG_CPG_REASON_JOIN = 1,
	CONFCHG_CPG_REASON_LEAVE = 2,
	CONFCHG_CPG_REASON_NODEDOWN = 3,
	CONFCHG_CPG_REASON_NODEUP = 4,
	CONFCHG_CPG_REASON_PROCDOWN = 5,
};

enum lib_cpg_partial_types {
	LIBCPG_PARTIAL_FIRST = 1,
	LIBCPG_PARTIAL_CONTINUED = 2,
	LIBCPG_PARTIAL_LAST = 3,
};

/* ---- building blocks ------------------------------------------------------ */

/** A group name: length, then up to 128 bytes, not NUL-terminated.  Names are
 *  equal when the lengths are and the first `length` bytes are. */
typedef struct {
	uint32_t length __attribute__((aligned(8)));
	char value[CPG_WIRE_NAME_MAX] __attribute__((aligned(8)));
} mar_cpg_name_t;

typedef struct {
	uint32_t nodeid __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
	uint32_t reason __attribute__((aligned(8)));
} mar_cpg_address_t;

typedef struct {
	uint32_t nodeid __attribute__((aligned(8)));
	uint64_t seq __attribute__((aligned(8)));
} mar_cpg_ring_id_t;

typedef struct {
	mar_cpg_name_t group;
	uint32_t nodeid;
	uint32_t pid;
} mar_cpg_iteration_description_t;

static inline int mar_cpg_name_equal(const mar_cpg_name_t *a, const mar_cpg_name_t *b)
{
	return a->length == b->length && a->length <= CPG_WIRE_NAME_MAX &&
	       memcmp(a->value, b->value, a->length) == 0;
}

/* ---- requests ------------------------------------------------------------- */

struct req_lib_cpg_join {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
	uint32_t flags __attribute__((aligned(8)));
};

struct req_lib_cpg_leave {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
};

/* Starts with the *response* header (its error field is garbage). */
struct req_lib_cpg_mcast {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t guarantee __attribute__((aligned(8)));
	uint32_t msglen __attribute__((aligned(8)));
	uint8_t message[] __attribute__((aligned(8)));
};

/* Starts with the *response* header too. */
struct req_lib_cpg_partial_mcast {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t guarantee __attribute__((aligned(8)));
	uint32_t msglen __attribute__((aligned(8)));
	uint32_t fraglen __attribute__((aligned(8)));
	uint32_t type __attribute__((aligned(8)));
	uint8_t message[] __attribute__((aligned(8)));
};

struct req_lib_cpg_membership_get {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
};

struct req_lib_cpg_local_get {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
};

struct req_lib_cpg_iterationinitialize {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));   /* garbage unless ONE_GROUP */
	uint32_t iteration_type __attribute__((aligned(8)));
};

struct req_lib_cpg_iterationnext {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t iteration_handle __attribute__((aligned(8)));
};

struct req_lib_cpg_iterationfinalize {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t iteration_handle __attribute__((aligned(8)));
};

struct req_lib_cpg_finalize {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
};

/* Zero-copy: the client maps a file, the daemon maps it too (corosync v3.1.7 lib/cpg.c, cpg_zcb_alloc). */
struct req_lib_cpg_zc_alloc {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t map_size __attribute__((aligned(8)));
	char path_to_file[CPG_WIRE_ZC_PATH_LEN] __attribute__((aligned(8)));
};

struct req_lib_cpg_zc_free {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t map_size __attribute__((aligned(8)));
	uint64_t server_address __attribute__((aligned(8)));
};

struct req_lib_cpg_zc_execute {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t server_address __attribute__((aligned(8)));
};

/* The head of a zero-copy mapping; the user buffer starts right after it. */
struct cpg_zc_header {
	int32_t map_size __attribute__((aligned(8)));         /* written by the client */
	uint64_t server_address __attribute__((aligned(8)));  /* written by the daemon */
};
#define CPG_ZC_USER_OFFSET (sizeof(struct cpg_zc_header) + sizeof(struct req_lib_cpg_mcast))

/* ---- responses ------------------------------------------------------------ */

/* join, leave, finalize, iterationfinalize, partial_send, zc replies: the bare header. */
struct res_lib_cpg_local_get {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t local_nodeid __attribute__((aligned(8)));
};

struct res_lib_cpg_membership_get {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t member_count __attribute__((aligned(8)));
	mar_cpg_address_t member_list[CPG_WIRE_PROCESSORS_MAX];
};

struct res_lib_cpg_iterationinitialize {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint64_t iteration_handle __attribute__((aligned(8)));
};

struct res_lib_cpg_iterationnext {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	mar_cpg_iteration_description_t description __attribute__((aligned(8)));
};

/* ---- events --------------------------------------------------------------- */

/* Counts member, joined, left; arrays member, LEFT, JOINED. */
struct res_lib_cpg_confchg_callback {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t member_list_entries __attribute__((aligned(8)));
	uint32_t joined_list_entries __attribute__((aligned(8)));
	uint32_t left_list_entries __attribute__((aligned(8)));
	mar_cpg_address_t member_list[] __attribute__((aligned(8)));
};

struct res_lib_cpg_deliver_callback {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t msglen __attribute__((aligned(8)));
	uint32_t nodeid __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
	uint8_t message[] __attribute__((aligned(8)));
};

struct res_lib_cpg_partial_deliver_callback {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	mar_cpg_name_t group_name __attribute__((aligned(8)));
	uint32_t msglen __attribute__((aligned(8)));
	uint32_t fraglen __attribute__((aligned(8)));
	uint32_t nodeid __attribute__((aligned(8)));
	uint32_t pid __attribute__((aligned(8)));
	uint32_t type __attribute__((aligned(8)));
	uint8_t message[] __attribute__((aligned(8)));
};

/* header.size is 48 + 4n although the array starts at 44. */
struct res_lib_cpg_totem_confchg_callback {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	mar_cpg_ring_id_t ring_id __attribute__((aligned(8)));
	uint32_t member_list_entries;
	uint32_t member_list[];
};

#endif
