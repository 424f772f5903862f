/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ABI facts of <corosync/cfg.h> as plain numbers, filled once from our
 * header (cfg_abi_ours.c) and once from Debian's (cfg_abi_debian.c, built
 * without our include directory) so check_libcfg.c can compare them.
 * cfg_abi_protos.h pins every prototype at compile time in both units.
 */
#ifndef CHORUS_TEST_CFG_ABI_H
#define CHORUS_TEST_CFG_ABI_H

#include <stddef.h>

#define CFG_ABI_FIELDS(X) \
	X(sizeof_handle) X(sizeof_callbacks) X(off_callbacks_shutdown) \
	X(sizeof_node_address) X(off_address_length) X(off_address) \
	X(sizeof_link_status) X(off_ls_enabled) X(off_ls_connected) X(off_ls_dynconnected) \
	X(off_ls_mtu) X(off_ls_src_ipaddr) X(off_ls_dst_ipaddr) \
	X(sizeof_node_status) X(off_ns_version) X(off_ns_nodeid) X(off_ns_reachable) \
	X(off_ns_remote) X(off_ns_external) X(off_ns_onwire_min) X(off_ns_onwire_max) \
	X(off_ns_onwire_ver) X(off_ns_link_status) \
	X(sizeof_shutdown_flags) X(sizeof_reply_flags) X(sizeof_status_version) \
	X(flag_request) X(flag_regardless) X(flag_immediate) X(flag_no) X(flag_yes) \
	X(node_status_v1) X(max_host_len) X(max_links)

struct cfg_abi {
	int present;    /* 0: that header is not installed */
#define CFG_ABI_MEMBER(name) long name;
	CFG_ABI_FIELDS(CFG_ABI_MEMBER)
#undef CFG_ABI_MEMBER
};

void cfg_abi_ours(struct cfg_abi *abi);
void cfg_abi_debian(struct cfg_abi *abi);

/* Fill *abi from whichever cfg.h the including unit sees. */
#define CFG_ABI_FILL(abi) do { \
	(abi)->present = 1; \
	(abi)->sizeof_handle = sizeof(corosync_cfg_handle_t); \
	(abi)->sizeof_callbacks = sizeof(corosync_cfg_callbacks_t); \
	(abi)->off_callbacks_shutdown = offsetof(corosync_cfg_callbacks_t, corosync_cfg_shutdown_callback); \
	(abi)->sizeof_node_address = sizeof(corosync_cfg_node_address_t); \
	(abi)->off_address_length = offsetof(corosync_cfg_node_address_t, address_length); \
	(abi)->off_address = offsetof(corosync_cfg_node_address_t, address); \
	(abi)->sizeof_link_status = sizeof(struct corosync_knet_link_status_v1); \
	(abi)->off_ls_enabled = offsetof(struct corosync_knet_link_status_v1, enabled); \
	(abi)->off_ls_connected = offsetof(struct corosync_knet_link_status_v1, connected); \
	(abi)->off_ls_dynconnected = offsetof(struct corosync_knet_link_status_v1, dynconnected); \
	(abi)->off_ls_mtu = offsetof(struct corosync_knet_link_status_v1, mtu); \
	(abi)->off_ls_src_ipaddr = offsetof(struct corosync_knet_link_status_v1, src_ipaddr); \
	(abi)->off_ls_dst_ipaddr = offsetof(struct corosync_knet_link_status_v1, dst_ipaddr); \
	(abi)->sizeof_node_status = sizeof(struct corosync_cfg_node_status_v1); \
	(abi)->off_ns_version = offsetof(struct corosync_cfg_node_status_v1, version); \
	(abi)->off_ns_nodeid = offsetof(struct corosync_cfg_node_status_v1, nodeid); \
	(abi)->off_ns_reachable = offsetof(struct corosync_cfg_node_status_v1, reachable); \
	(abi)->off_ns_remote = offsetof(struct corosync_cfg_node_status_v1, remote); \
	(abi)->off_ns_external = offsetof(struct corosync_cfg_node_status_v1, external); \
	(abi)->off_ns_onwire_min = offsetof(struct corosync_cfg_node_status_v1, onwire_min); \
	(abi)->off_ns_onwire_max = offsetof(struct corosync_cfg_node_status_v1, onwire_max); \
	(abi)->off_ns_onwire_ver = offsetof(struct corosync_cfg_node_status_v1, onwire_ver); \
	(abi)->off_ns_link_status = offsetof(struct corosync_cfg_node_status_v1, link_status); \
	(abi)->sizeof_shutdown_flags = sizeof(corosync_cfg_shutdown_flags_t); \
	(abi)->sizeof_reply_flags = sizeof(corosync_cfg_shutdown_reply_flags_t); \
	(abi)->sizeof_status_version = sizeof(corosync_cfg_node_status_version_t); \
	(abi)->flag_request = COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST; \
	(abi)->flag_regardless = COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS; \
	(abi)->flag_immediate = COROSYNC_CFG_SHUTDOWN_FLAG_IMMEDIATE; \
	(abi)->flag_no = COROSYNC_CFG_SHUTDOWN_FLAG_NO; \
	(abi)->flag_yes = COROSYNC_CFG_SHUTDOWN_FLAG_YES; \
	(abi)->node_status_v1 = CFG_NODE_STATUS_V1; \
	(abi)->max_host_len = CFG_MAX_HOST_LEN; \
	(abi)->max_links = CFG_MAX_LINKS; \
} while (0)

#endif
