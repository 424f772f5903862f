/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cfg service's declaration and its totem ("exec") messages.
 *
 * cfg_service_def is what services/cfg/module.c exports to chorusd and what
 * tests link statically.  The totem layouts below are corosync 3.1.7's
 * MESSAGE_REQ_EXEC_CFG_* (exec/cfg.c); they are private to cfg
 * and its tests, not part of the client wire (include/corosync/ipc_cfg.h).
 */
#ifndef CHORUS_CFG_SERVICE_H
#define CHORUS_CFG_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <chorus/service.h>
#include <corosync/ipc_common.h>

#define CFG_SERVICE_ID 1

/** fn ids of cfg's totem messages (message id = 1 << 16 | fn). */
enum cfg_exec_fn {
	MESSAGE_REQ_EXEC_CFG_RINGREENABLE = 0,    /* never sent by 3.1.7 */
	MESSAGE_REQ_EXEC_CFG_KILLNODE = 1,
	MESSAGE_REQ_EXEC_CFG_SHUTDOWN = 2,
	MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG = 3,
	MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG = 4,
	CFG_EXEC_FN_COUNT = 5,
};

/** Who sent a request: node id and the origin's connection (opaque elsewhere). */
struct cfg_exec_source {
	uint32_t nodeid __attribute__((aligned(8)));
	uint64_t conn __attribute__((aligned(8)));
};

/* RINGREENABLE (32) and RELOAD_CONFIG (32) */
struct req_exec_cfg_source {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	struct cfg_exec_source source __attribute__((aligned(8)));
};

/* KILLNODE (288): the node to stop and why. */
struct req_exec_cfg_killnode {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t nodeid __attribute__((aligned(8)));
	mar_name_t reason __attribute__((aligned(8)));
};

/* SHUTDOWN (16): header only; the sender is the node going down. */
struct req_exec_cfg_shutdown {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
};

enum cfg_crypto_phase {
	CFG_CRYPTO_PHASE_ACTIVATE = 1,
	CFG_CRYPTO_PHASE_CLEANUP = 2,
};

/* CRYPTO_RECONFIG (24) */
struct req_exec_cfg_crypto_reconfig {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t phase __attribute__((aligned(8)));
};

_Static_assert(sizeof(struct req_exec_cfg_source) == 32, "exec ringreenable/reload size");
_Static_assert(offsetof(struct req_exec_cfg_source, source.conn) == 24, "exec source.conn");
_Static_assert(sizeof(struct req_exec_cfg_killnode) == 288, "exec killnode size");
_Static_assert(offsetof(struct req_exec_cfg_killnode, reason) == 24, "exec killnode.reason");
_Static_assert(sizeof(struct req_exec_cfg_shutdown) == 16, "exec shutdown size");
_Static_assert(sizeof(struct req_exec_cfg_crypto_reconfig) == 24, "exec crypto_reconfig size");

extern const struct svc_def cfg_service_def;

/** Totem messages of each fn delivered so far (tests, dump). */
uint64_t cfg_exec_rx_count(struct svc *svc, enum cfg_exec_fn fn);

#endif
