/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cfg client API (libcfg.so.7): node addresses, the local node id,
 * link and node status, shutdown negotiation, killing a node, reloading the
 * configuration.  Declarations match corosync 3.1.7's cfg.h so that programs
 * written for corosync build and run unchanged (test/unit/check_libcfg.c
 * compares sizes, offsets and enum values with Debian's header); the text is
 * chorus's own.
 */
#ifndef COROSYNC_CFG_H_DEFINED
#define COROSYNC_CFG_H_DEFINED

#include <netinet/in.h>
#include <corosync/corotypes.h>

typedef uint64_t corosync_cfg_handle_t;

/** How insistent a shutdown request is. */
typedef enum {
	/* ask every tracking client; any "no" stops the shutdown */
	COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST = 0,
	/* ask the clients, then shut down whatever they answer */
	COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS = 1,
	/* shut down at once (the other nodes are still told) */
	COROSYNC_CFG_SHUTDOWN_FLAG_IMMEDIATE = 2,
} corosync_cfg_shutdown_flags_t;

/** A tracking client's answer to a shutdown request. */
typedef enum {
	COROSYNC_CFG_SHUTDOWN_FLAG_NO = 0,
	COROSYNC_CFG_SHUTDOWN_FLAG_YES = 1,
} corosync_cfg_shutdown_reply_flags_t;

/** Called from corosync_cfg_dispatch() when a shutdown is being negotiated. */
typedef void (*corosync_cfg_shutdown_callback_t)(corosync_cfg_handle_t cfg_handle,
						 corosync_cfg_shutdown_flags_t flags);

typedef struct {
	corosync_cfg_shutdown_callback_t corosync_cfg_shutdown_callback;
} corosync_cfg_callbacks_t;

/**
 * One address of a node: `address` holds a struct sockaddr_in or
 * sockaddr_in6 (look at its family first; 0 means an unused slot).  Only the
 * family and the address bytes are meaningful.
 */
typedef struct {
	int address_length;
	char address[sizeof(struct sockaddr_in6)];
} corosync_cfg_node_address_t;

#ifdef __cplusplus
extern "C" {
#endif

/** Connect to the daemon's cfg service.  cfg_callbacks may be NULL. */
cs_error_t corosync_cfg_initialize(corosync_cfg_handle_t *cfg_handle,
				   const corosync_cfg_callbacks_t *cfg_callbacks);

/** The descriptor to poll for events before calling corosync_cfg_dispatch(). */
cs_error_t corosync_cfg_fd_get(corosync_cfg_handle_t cfg_handle, int32_t *selection_fd);

/** Run callbacks for pending events (CS_DISPATCH_ONE/ALL/BLOCKING/ONE_NONBLOCKING). */
cs_error_t corosync_cfg_dispatch(corosync_cfg_handle_t cfg_handle,
				 cs_dispatch_flags_t dispatch_flags);

/** Disconnect and free the handle. */
cs_error_t corosync_cfg_finalize(corosync_cfg_handle_t cfg_handle);

/**
 * Legacy link status: *interface_names and *status are malloc'ed arrays of
 * *interface_count malloc'ed strings, freed by the caller.
 */
cs_error_t corosync_cfg_ring_status_get(corosync_cfg_handle_t cfg_handle,
					char ***interface_names, char ***status,
					unsigned int *interface_count);

typedef enum {
	CFG_NODE_STATUS_V1 = 1,
} corosync_cfg_node_status_version_t;

#define CFG_MAX_HOST_LEN 256
#define CFG_MAX_LINKS 8

/** One knet link as seen from this node. */
struct corosync_knet_link_status_v1 {
	uint8_t enabled;       /* configured and administratively up */
	uint8_t connected;     /* usable for data, by our own measure */
	uint8_t dynconnected;  /* brought up by the peer's dynamic address */
	unsigned int mtu;      /* path MTU found on the link */
	char src_ipaddr[CFG_MAX_HOST_LEN];
	char dst_ipaddr[CFG_MAX_HOST_LEN];
};

struct corosync_cfg_node_status_v1 {
	corosync_cfg_node_status_version_t version;
	unsigned int nodeid;
	uint8_t reachable;
	uint8_t remote;
	uint8_t external;
	uint8_t onwire_min;
	uint8_t onwire_max;
	uint8_t onwire_ver;
	struct corosync_knet_link_status_v1 link_status[CFG_MAX_LINKS];
};

/**
 * Status of node nodeid; node_status points to the struct of the given
 * version (struct corosync_cfg_node_status_v1 for CFG_NODE_STATUS_V1).
 */
cs_error_t corosync_cfg_node_status_get(corosync_cfg_handle_t cfg_handle, unsigned int nodeid,
					corosync_cfg_node_status_version_t version,
					void *node_status);

/** Make node nodeid exit; reason (shorter than 256 bytes) is logged there. */
cs_error_t corosync_cfg_kill_node(corosync_cfg_handle_t cfg_handle, unsigned int nodeid,
				  const char *reason);

/** Receive shutdown requests through the callback (track_flags: none defined). */
cs_error_t corosync_cfg_trackstart(corosync_cfg_handle_t cfg_handle, uint8_t track_flags);

/** Stop receiving shutdown requests. */
cs_error_t corosync_cfg_trackstop(corosync_cfg_handle_t cfg_handle);

/** Ask the local daemon to shut down. */
cs_error_t corosync_cfg_try_shutdown(corosync_cfg_handle_t cfg_handle,
				     corosync_cfg_shutdown_flags_t flags);

/** Answer a shutdown request received through the callback. */
cs_error_t corosync_cfg_replyto_shutdown(corosync_cfg_handle_t cfg_handle,
					 corosync_cfg_shutdown_reply_flags_t flags);

/**
 * The configured addresses of node nodeid (0: the local node), at most
 * max_addrs of them written to addrs; *num_addrs gets how many were written.
 */
cs_error_t corosync_cfg_get_node_addrs(corosync_cfg_handle_t cfg_handle, unsigned int nodeid,
				       size_t max_addrs, int *num_addrs,
				       corosync_cfg_node_address_t *addrs);

/** The local node id. */
cs_error_t corosync_cfg_local_get(corosync_cfg_handle_t handle, unsigned int *local_nodeid);

/** Re-read the configuration file on every node. */
cs_error_t corosync_cfg_reload_config(corosync_cfg_handle_t handle);

/** Reopen the daemon's log files (CS_ERR_NOT_SUPPORTED where that is impossible). */
cs_error_t corosync_cfg_reopen_log_files(corosync_cfg_handle_t handle);

#ifdef __cplusplus
}
#endif

#endif /* COROSYNC_CFG_H_DEFINED */
