/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmap IPC wire structs between libcmap.so.4 and the daemon (not installed).
 * Layouts are corosync 3.1.7's; the reference is corosync v3.1.7
 * include/corosync/ipc_cmap.h (nothing copied from it).
 */
#ifndef CHORUS_IPC_CMAP_H
#define CHORUS_IPC_CMAP_H

#include <corosync/ipc_common.h>

enum req_cmap_types {
	MESSAGE_REQ_CMAP_SET = 0,
	MESSAGE_REQ_CMAP_DELETE = 1,
	MESSAGE_REQ_CMAP_GET = 2,
	MESSAGE_REQ_CMAP_ADJUST_INT = 3,
	MESSAGE_REQ_CMAP_ITER_INIT = 4,
	MESSAGE_REQ_CMAP_ITER_NEXT = 5,
	MESSAGE_REQ_CMAP_ITER_FINALIZE = 6,
	MESSAGE_REQ_CMAP_TRACK_ADD = 7,
	MESSAGE_REQ_CMAP_TRACK_DELETE = 8,
	MESSAGE_REQ_CMAP_SET_CURRENT_MAP = 9,
};

enum res_cmap_types {
	MESSAGE_RES_CMAP_SET = 0,
	MESSAGE_RES_CMAP_DELETE = 1,
	MESSAGE_RES_CMAP_GET = 2,
	MESSAGE_RES_CMAP_ADJUST_INT = 3,
	MESSAGE_RES_CMAP_ITER_INIT = 4,
	MESSAGE_RES_CMAP_ITER_NEXT = 5,
	MESSAGE_RES_CMAP_ITER_FINALIZE = 6,
	MESSAGE_RES_CMAP_TRACK_ADD = 7,
	MESSAGE_RES_CMAP_TRACK_DELETE = 8,
	MESSAGE_RES_CMAP_NOTIFY_CALLBACK = 9,
	MESSAGE_RES_CMAP_SET_CURRENT_MAP = 10,
};

#define CMAP_SETMAP_DEFAULT 0
#define CMAP_SETMAP_STATS   1

struct req_lib_cmap_set {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_name_t key_name __attribute__((aligned(8)));
	mar_size_t value_len __attribute__((aligned(8)));
	uint8_t type __attribute__((aligned(8)));
	uint8_t value[] __attribute__((aligned(8)));
};

struct res_lib_cmap_set {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

struct req_lib_cmap_delete {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_name_t key_name __attribute__((aligned(8)));
};

struct res_lib_cmap_delete {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

struct req_lib_cmap_get {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_name_t key_name __attribute__((aligned(8)));
	mar_size_t value_len __attribute__((aligned(8)));
};

struct res_lib_cmap_get {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	mar_size_t value_len __attribute__((aligned(8)));
	uint8_t type __attribute__((aligned(8)));
	uint8_t value[] __attribute__((aligned(8)));
};

struct req_lib_cmap_adjust_int {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_name_t key_name __attribute__((aligned(8)));
	int32_t step __attribute__((aligned(8)));
};

struct res_lib_cmap_adjust_int {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

struct req_lib_cmap_iter_init {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_name_t prefix __attribute__((aligned(8)));
};

struct res_lib_cmap_iter_init {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint64_t iter_handle __attribute__((aligned(8)));
};

struct req_lib_cmap_iter_next {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t iter_handle __attribute__((aligned(8)));
};

struct res_lib_cmap_iter_next {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	mar_name_t key_name __attribute__((aligned(8)));
	mar_size_t value_len __attribute__((aligned(8)));
	uint8_t type __attribute__((aligned(8)));
};

struct req_lib_cmap_iter_finalize {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t iter_handle __attribute__((aligned(8)));
};

struct res_lib_cmap_iter_finalize {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

struct req_lib_cmap_track_add {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	mar_name_t key_name __attribute__((aligned(8)));
	int32_t track_type __attribute__((aligned(8)));
	uint64_t track_inst_handle __attribute__((aligned(8)));
};

struct res_lib_cmap_track_add {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint64_t track_handle __attribute__((aligned(8)));
};

struct req_lib_cmap_track_delete {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint64_t track_handle __attribute__((aligned(8)));
};

struct res_lib_cmap_track_delete {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint64_t track_inst_handle __attribute__((aligned(8)));
};

struct res_lib_cmap_notify_callback {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint64_t track_inst_handle __attribute__((aligned(8)));
	mar_name_t key_name __attribute__((aligned(8)));
	int32_t event __attribute__((aligned(8)));
	uint8_t new_value_type __attribute__((aligned(8)));
	uint8_t old_value_type __attribute__((aligned(8)));
	mar_size_t new_value_len __attribute__((aligned(8)));
	mar_size_t old_value_len __attribute__((aligned(8)));
	/* new value bytes, then old value bytes, back to back */
	uint8_t new_value[] __attribute__((aligned(8)));
};

struct req_lib_cmap_set_current_map {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	int32_t map __attribute__((aligned(8)));
};

struct res_lib_cmap_set_current_map {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

#endif
