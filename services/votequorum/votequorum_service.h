/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The votequorum service's declaration and its totem ("exec") messages.
 *
 * votequorum_service_def is what services/votequorum/module.c exports to
 * chorusd and what tests link statically.  The totem layouts are corosync
 * 3.1.7's MESSAGE_REQ_EXEC_VOTEQUORUM_* (exec/votequorum.c): packed structs
 * behind an 8-aligned header, so a corosync node and a chorus node read each
 * other's messages byte for byte.
 */
#ifndef CHORUS_VOTEQUORUM_SERVICE_H
#define CHORUS_VOTEQUORUM_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <chorus/service.h>
#include <corosync/ipc_common.h>
#include <corosync/votequorum.h>

#define VOTEQUORUM_SERVICE_ID 5

/** fn ids of votequorum's totem messages (message id = 5 << 16 | fn). */
enum vq_exec_fn {
	VQ_EXEC_NODEINFO = 0,
	VQ_EXEC_RECONFIGURE = 1,
	VQ_EXEC_QDEVICE_REG = 2,
	VQ_EXEC_QDEVICE_RECONFIGURE = 3,
	VQ_EXEC_FN_COUNT = 4,
};

/* NODEINFO flags on the wire */
#define VQ_NODE_QUORATE              1u
#define VQ_NODE_LEAVING              2u
#define VQ_NODE_WFASTATUS            4u
#define VQ_NODE_FIRST                8u
#define VQ_NODE_QDEVICE_REGISTERED  16u
#define VQ_NODE_QDEVICE_ALIVE       32u
#define VQ_NODE_QDEVICE_CAST_VOTE   64u
#define VQ_NODE_QDEVICE_MASTER_WINS 128u

/* RECONFIGURE param */
#define VQ_RECONFIG_EXPECTED_VOTES 1
#define VQ_RECONFIG_NODE_VOTES     2
#define VQ_RECONFIG_CANCEL_WFA     3

/* QDEVICE_REG operation */
#define VQ_QDEVICE_OP_UNREGISTER 0
#define VQ_QDEVICE_OP_REGISTER   1

/* NODEINFO (32): one node's (or, nodeid 0, the qdevice's) votes and flags. */
struct vq_exec_nodeinfo {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t nodeid;
	uint32_t votes;
	uint32_t expected_votes;
	uint32_t flags;
} __attribute__((packed));

/* RECONFIGURE (32) */
struct vq_exec_reconfigure {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t nodeid;
	uint32_t value;
	uint8_t param;
	uint8_t pad[3];
} __attribute__((packed));

/* QDEVICE_REG (280) */
struct vq_exec_qdevice_reg {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	uint32_t operation;
	char name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
} __attribute__((packed));

/* QDEVICE_RECONFIGURE (528): a rename */
struct vq_exec_qdevice_reconfigure {
	struct qb_ipc_request_header header __attribute__((aligned(8)));
	char oldname[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
	char newname[VOTEQUORUM_QDEVICE_MAX_NAME_LEN];
} __attribute__((packed));

_Static_assert(sizeof(struct vq_exec_nodeinfo) == 32, "nodeinfo size");
_Static_assert(offsetof(struct vq_exec_nodeinfo, nodeid) == 16, "nodeinfo.nodeid");
_Static_assert(offsetof(struct vq_exec_nodeinfo, flags) == 28, "nodeinfo.flags");
_Static_assert(sizeof(struct vq_exec_reconfigure) == 32, "reconfigure size");
_Static_assert(offsetof(struct vq_exec_reconfigure, value) == 20, "reconfigure.value");
_Static_assert(offsetof(struct vq_exec_reconfigure, param) == 24, "reconfigure.param");
_Static_assert(sizeof(struct vq_exec_qdevice_reg) == 280, "qdevice_reg size");
_Static_assert(offsetof(struct vq_exec_qdevice_reg, name) == 20, "qdevice_reg.name");
_Static_assert(sizeof(struct vq_exec_qdevice_reconfigure) == 528, "qdevice_reconfigure size");
_Static_assert(offsetof(struct vq_exec_qdevice_reconfigure, newname) == 271,
	       "qdevice_reconfigure.newname");

extern const struct svc_def votequorum_service_def;

/** A snapshot of the arithmetic's outcome, for tests and the dump. */
struct vq_status {
	uint32_t quorum;
	bool quorate;
	uint32_t total_votes;          /* MEMBER votes + qdevice votes if we cast them */
	uint32_t expected_votes;       /* this node's */
	uint32_t highest_expected;
	uint32_t votes;                /* this node's */
	uint32_t qdevice_votes;
	bool wait_for_all_status;
	uint32_t flags;                /* VOTEQUORUM_INFO_* as GETINFO reports for this node */
	/* the membership of the last sync (NODELIST event); members points into
	 * the service's state, valid until its next sync */
	uint32_t ring_rep;
	uint64_t ring_seq;
	const uint32_t *members;
	size_t members_count;
};

void vq_status_get(struct svc *svc, struct vq_status *ret);

#endif
