/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every libcfg prototype as corosync 3.1.7 declares it, checked at compile
 * time against whichever <corosync/cfg.h> the including unit sees: included
 * by cfg_abi_ours.c and cfg_abi_debian.c, so a signature that differs from
 * Debian's breaks one of the two builds.
 */
#ifndef CHORUS_TEST_CFG_ABI_PROTOS_H
#define CHORUS_TEST_CFG_ABI_PROTOS_H

#define CFG_PROTO(fn, type) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type), #fn " prototype")

CFG_PROTO(corosync_cfg_initialize,
	  cs_error_t (*)(corosync_cfg_handle_t *, const corosync_cfg_callbacks_t *));
CFG_PROTO(corosync_cfg_fd_get, cs_error_t (*)(corosync_cfg_handle_t, int32_t *));
CFG_PROTO(corosync_cfg_dispatch, cs_error_t (*)(corosync_cfg_handle_t, cs_dispatch_flags_t));
CFG_PROTO(corosync_cfg_finalize, cs_error_t (*)(corosync_cfg_handle_t));
CFG_PROTO(corosync_cfg_ring_status_get,
	  cs_error_t (*)(corosync_cfg_handle_t, char ***, char ***, unsigned int *));
CFG_PROTO(corosync_cfg_node_status_get,
	  cs_error_t (*)(corosync_cfg_handle_t, unsigned int, corosync_cfg_node_status_version_t,
			 void *));
CFG_PROTO(corosync_cfg_kill_node, cs_error_t (*)(corosync_cfg_handle_t, unsigned int, const char *));
CFG_PROTO(corosync_cfg_trackstart, cs_error_t (*)(corosync_cfg_handle_t, uint8_t));
CFG_PROTO(corosync_cfg_trackstop, cs_error_t (*)(corosync_cfg_handle_t));
CFG_PROTO(corosync_cfg_try_shutdown,
	  cs_error_t (*)(corosync_cfg_handle_t, corosync_cfg_shutdown_flags_t));
CFG_PROTO(corosync_cfg_replyto_shutdown,
	  cs_error_t (*)(corosync_cfg_handle_t, corosync_cfg_shutdown_reply_flags_t));
CFG_PROTO(corosync_cfg_get_node_addrs,
	  cs_error_t (*)(corosync_cfg_handle_t, unsigned int, size_t, int *,
			 corosync_cfg_node_address_t *));
CFG_PROTO(corosync_cfg_local_get, cs_error_t (*)(corosync_cfg_handle_t, unsigned int *));
CFG_PROTO(corosync_cfg_reload_config, cs_error_t (*)(corosync_cfg_handle_t));
CFG_PROTO(corosync_cfg_reopen_log_files, cs_error_t (*)(corosync_cfg_handle_t));
_Static_assert(__builtin_types_compatible_p(corosync_cfg_shutdown_callback_t,
		void (*)(corosync_cfg_handle_t, corosync_cfg_shutdown_flags_t)),
	       "corosync_cfg_shutdown_callback_t");

#endif
