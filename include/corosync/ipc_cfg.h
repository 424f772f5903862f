/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cfg IPC wire structs between libcfg.so.7 and the daemon (not installed).
 * Layouts are corosync 3.1.7's (include/corosync/ipc_cfg.h at v3.1.7 is the
 * reference; nothing here is copied from it).  Unlike cmap's, not every
 * member sits in an 8-byte slot: the u32 after the header of TRYSHUTDOWN,
 * REPLYTOSHUTDOWN, TESTSHUTDOWN and GET_NODE_ADDRS is packed right behind it,
 * and KILLNODE carries an unaligned 258-byte cs_name_t.  The pins at the end
 * of this file keep every size and offset honest.
 *
 * Traps:
 *  - request and reply ids differ (GET_NODE_ADDRS 5 -> 11, TRACKSTART 10 -> 2);
 *  - Debian's libcfg trusts RINGSTATUSGET's interface_count whatever the
 *    error, so that reply must always be sent whole (10272 bytes);
 *  - GET_NODE_ADDRS replies are 32 + 16 bytes per address.
 */
#ifndef CHORUS_IPC_CFG_H
#define CHORUS_IPC_CFG_H

#include <stddef.h>
#include <stdint.h>

#include <corosync/cfg.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_common.h>

#define CFG_INTERFACE_NAME_MAX_LEN   128
#define CFG_INTERFACE_STATUS_MAX_LEN 512
#define CFG_MAX_INTERFACES           16
#define CFG_WIRE_ADDRLEN             16     /* one address slot (TOTEMIP_ADDRLEN) */

enum req_lib_cfg_types {
	MESSAGE_REQ_CFG_RINGSTATUSGET = 0,
	MESSAGE_REQ_CFG_RINGREENABLE = 1,
	MESSAGE_REQ_CFG_KILLNODE = 2,
	MESSAGE_REQ_CFG_TRYSHUTDOWN = 3,
	MESSAGE_REQ_CFG_REPLYTOSHUTDOWN = 4,
	MESSAGE_REQ_CFG_GET_NODE_ADDRS = 5,
	MESSAGE_REQ_CFG_LOCAL_GET = 6,
	MESSAGE_REQ_CFG_RELOAD_CONFIG = 7,
	MESSAGE_REQ_CFG_REOPEN_LOG_FILES = 8,
	MESSAGE_REQ_CFG_NODESTATUSGET = 9,
	MESSAGE_REQ_CFG_TRACKSTART = 10,
	MESSAGE_REQ_CFG_TRACKSTOP = 11,
};

enum res_lib_cfg_types {
	MESSAGE_RES_CFG_RINGSTATUSGET = 0,
	MESSAGE_RES_CFG_RINGREENABLE = 1,
	MESSAGE_RES_CFG_STATETRACKSTART = 2,
	MESSAGE_RES_CFG_STATETRACKSTOP = 3,
	MESSAGE_RES_CFG_ADMINISTRATIVESTATESET = 4,  /* unused */
	MESSAGE_RES_CFG_ADMINISTRATIVESTATEGET = 5,  /* unused */
	MESSAGE_RES_CFG_SERVICELOAD = 6,             /* unused */
	MESSAGE_RES_CFG_SERVICEUNLOAD = 7,           /* unused */
	MESSAGE_RES_CFG_KILLNODE = 8,
	MESSAGE_RES_CFG_TRYSHUTDOWN = 9,
	MESSAGE_RES_CFG_TESTSHUTDOWN = 10,           /* the only event */
	MESSAGE_RES_CFG_GET_NODE_ADDRS = 11,
	MESSAGE_RES_CFG_LOCAL_GET = 12,
	MESSAGE_RES_CFG_REPLYTOSHUTDOWN = 13,
	MESSAGE_RES_CFG_RELOAD_CONFIG = 14,
	MESSAGE_RES_CFG_REOPEN_LOG_FILES = 15,
	MESSAGE_RES_CFG_NODESTATUSGET = 16,
};

/* ---- header-only messages ------------------------------------------------- */

struct req_lib_cfg_header_only {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
};

struct res_lib_cfg_header_only {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
};

/* ---- RINGSTATUSGET (0) ------------------------------------------------------ */

struct res_lib_cfg_ringstatusget {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t interface_count __attribute__((aligned(8)));
	char interface_name[CFG_MAX_INTERFACES][CFG_INTERFACE_NAME_MAX_LEN]
		__attribute__((aligned(8)));
	char interface_status[CFG_MAX_INTERFACES][CFG_INTERFACE_STATUS_MAX_LEN]
		__attribute__((aligned(8)));
};

/* ---- KILLNODE (2) ----------------------------------------------------------- */

struct req_lib_cfg_killnode {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t nodeid __attribute__((aligned(8)));
	cs_name_t reason __attribute__((aligned(8)));
};

/* ---- TRYSHUTDOWN (3), REPLYTOSHUTDOWN (4), TESTSHUTDOWN event (10) ------------ */

struct req_lib_cfg_tryshutdown {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t flags;
};

struct req_lib_cfg_replytoshutdown {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t response;
};

struct res_lib_cfg_testshutdown {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t flags;
};

/* ---- GET_NODE_ADDRS (5) -------------------------------------------------- */

struct req_lib_cfg_get_node_addrs {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t nodeid;               /* 0: the local node */
};

struct res_lib_cfg_get_node_addrs {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t family;               /* AF_INET or AF_INET6, of the first address */
	uint32_t num_addrs;
	/* num_addrs slots of CFG_WIRE_ADDRLEN bytes: raw in_addr (rest zero) or in6_addr */
	uint8_t addrs[];
};

/* ---- LOCAL_GET (6) ------------------------------------------------------- */

struct res_lib_cfg_local_get {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t local_nodeid __attribute__((aligned(8)));
};

/* ---- NODESTATUSGET (9) --------------------------------------------------- */

struct req_lib_cfg_nodestatusget {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t nodeid __attribute__((aligned(8)));
	uint32_t version __attribute__((aligned(8)));
};

/* The error form: only the version the daemon speaks. */
struct res_lib_cfg_nodestatusget_version {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	uint32_t version __attribute__((aligned(8)));
};

struct res_lib_cfg_nodestatusget_v1 {
	struct qb_ipc_response_header header __attribute__((aligned(8)));
	struct corosync_cfg_node_status_v1 node_status __attribute__((aligned(8)));
};

/* ---- TRACKSTART (10) -------------------------------------------------------- */

struct req_lib_cfg_trackstart {
	struct qb_ipc_request_header header;
	uint8_t track_flags;
};

/* ---- pins (x86-64; corosync v3.1.7 include/corosync/ipc_cfg.h) -------------- */

#define CFG_WIRE_SIZE(t, n)   _Static_assert(sizeof(struct t) == (n), #t " size")
#define CFG_WIRE_OFF(t, f, n) _Static_assert(offsetof(struct t, f) == (n), #t "." #f " offset")

CFG_WIRE_SIZE(req_lib_cfg_header_only, 16);
CFG_WIRE_SIZE(res_lib_cfg_header_only, 24);
CFG_WIRE_SIZE(res_lib_cfg_ringstatusget, 10272);
CFG_WIRE_OFF(res_lib_cfg_ringstatusget, interface_count, 24);
CFG_WIRE_OFF(res_lib_cfg_ringstatusget, interface_name, 32);
CFG_WIRE_OFF(res_lib_cfg_ringstatusget, interface_status, 2080);
CFG_WIRE_SIZE(req_lib_cfg_killnode, 288);
CFG_WIRE_OFF(req_lib_cfg_killnode, nodeid, 16);
CFG_WIRE_OFF(req_lib_cfg_killnode, reason, 24);
CFG_WIRE_SIZE(req_lib_cfg_tryshutdown, 24);
CFG_WIRE_OFF(req_lib_cfg_tryshutdown, flags, 16);
CFG_WIRE_SIZE(req_lib_cfg_replytoshutdown, 24);
CFG_WIRE_OFF(req_lib_cfg_replytoshutdown, response, 16);
CFG_WIRE_SIZE(res_lib_cfg_testshutdown, 32);
CFG_WIRE_OFF(res_lib_cfg_testshutdown, flags, 24);
CFG_WIRE_SIZE(req_lib_cfg_get_node_addrs, 24);
CFG_WIRE_OFF(req_lib_cfg_get_node_addrs, nodeid, 16);
CFG_WIRE_SIZE(res_lib_cfg_get_node_addrs, 32);
CFG_WIRE_OFF(res_lib_cfg_get_node_addrs, family, 24);
CFG_WIRE_OFF(res_lib_cfg_get_node_addrs, num_addrs, 28);
CFG_WIRE_OFF(res_lib_cfg_get_node_addrs, addrs, 32);
CFG_WIRE_SIZE(res_lib_cfg_local_get, 32);
CFG_WIRE_OFF(res_lib_cfg_local_get, local_nodeid, 24);
CFG_WIRE_SIZE(req_lib_cfg_nodestatusget, 32);
CFG_WIRE_OFF(req_lib_cfg_nodestatusget, nodeid, 16);
CFG_WIRE_OFF(req_lib_cfg_nodestatusget, version, 24);
CFG_WIRE_SIZE(res_lib_cfg_nodestatusget_version, 32);
CFG_WIRE_OFF(res_lib_cfg_nodestatusget_version, version, 24);
CFG_WIRE_SIZE(res_lib_cfg_nodestatusget_v1, 4200);
CFG_WIRE_OFF(res_lib_cfg_nodestatusget_v1, node_status, 24);
CFG_WIRE_SIZE(corosync_cfg_node_status_v1, 4176);
CFG_WIRE_OFF(corosync_cfg_node_status_v1, link_status, 16);
CFG_WIRE_SIZE(corosync_knet_link_status_v1, 520);
CFG_WIRE_OFF(corosync_knet_link_status_v1, mtu, 4);
CFG_WIRE_OFF(corosync_knet_link_status_v1, src_ipaddr, 8);
CFG_WIRE_OFF(corosync_knet_link_status_v1, dst_ipaddr, 264);
CFG_WIRE_SIZE(req_lib_cfg_trackstart, 24);
CFG_WIRE_OFF(req_lib_cfg_trackstart, track_flags, 16);

#undef CFG_WIRE_SIZE
#undef CFG_WIRE_OFF

#endif
