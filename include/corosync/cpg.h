/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Closed Process Group (CPG) client API, libcpg.so.4.
 *
 * Source- and binary-compatible with corosync 3.1.7's <corosync/cpg.h>: the
 * same type names, enum values, struct layouts, macros and prototypes
 * (test/unit/check_cpg_abi.c compares them with the installed Debian header).
 * The text is chorus's own.
 *
 * A process opens a handle (one IPC connection to the daemon), joins one
 * group on it, and then receives, in one agreed order on every member, the
 * membership changes of that group (confchg) and the messages multicast to it
 * (deliver).  Events are read by cpg_dispatch(); the descriptor from
 * cpg_fd_get() becomes readable when one is waiting.
 */
#ifndef COROSYNC_CPG_H_DEFINED
#define COROSYNC_CPG_H_DEFINED

/* corosync's header pulls these in; programs may rely on it (struct iovec, ...). */
#include <netinet/in.h>
#include <sys/uio.h>
#include <corosync/corotypes.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A library handle (not a file descriptor). */
typedef uint64_t cpg_handle_t;

/** A handle of one membership iteration (cpg_iteration_*). */
typedef uint64_t cpg_iteration_handle_t;

/** Ordering asked for by a sender; every message is delivered in agreed order. */
typedef enum {
	CPG_TYPE_UNORDERED = 0,
	CPG_TYPE_FIFO = 1,
	CPG_TYPE_AGREED = 2,
	CPG_TYPE_SAFE = 3
} cpg_guarantee_t;

/** cpg_flow_control_state_get() always reports DISABLED. */
typedef enum {
	CPG_FLOW_CONTROL_DISABLED = 0,
	CPG_FLOW_CONTROL_ENABLED = 1
} cpg_flow_control_state_t;

/** Why a process appears in a left or joined list. */
typedef enum {
	CPG_REASON_UNDEFINED = 0,
	CPG_REASON_JOIN = 1,
	CPG_REASON_LEAVE = 2,
	CPG_REASON_NODEDOWN = 3,
	CPG_REASON_NODEUP = 4,
	CPG_REASON_PROCDOWN = 5
} cpg_reason_t;

/** What cpg_iteration_initialize() walks. */
typedef enum {
	CPG_ITERATION_NAME_ONLY = 1,
	CPG_ITERATION_ONE_GROUP = 2,
	CPG_ITERATION_ALL = 3,
} cpg_iteration_type_t;

typedef enum {
	CPG_MODEL_V1 = 1,
} cpg_model_t;

/** One process of a group: node, process id, and (in change lists) why. */
struct cpg_address {
	uint32_t nodeid;
	uint32_t pid;
	uint32_t reason;
};

#define CPG_MAX_NAME_LENGTH 128

/** A group name: `length` bytes of `value`, not NUL-terminated, any bytes. */
struct cpg_name {
	uint32_t length;
	char value[CPG_MAX_NAME_LENGTH];
};

/** Size of the lists handed to the confchg and totem callbacks. */
#define CPG_MEMBERS_MAX 128

struct cpg_iteration_description_t {
	struct cpg_name group;
	uint32_t nodeid;
	uint32_t pid;
};

/** A totem ring: representative node and sequence number. */
struct cpg_ring_id {
	uint32_t nodeid;
	uint64_t seq;
};

/**
 * A message of the group.  msg points into library memory valid until the
 * callback returns; it is writable so a receiver may convert it in place.
 */
typedef void (*cpg_deliver_fn_t)(cpg_handle_t handle, const struct cpg_name *group_name,
				 uint32_t nodeid, uint32_t pid, void *msg, size_t msg_len);

/** A membership change of the group: the new members, who left, who joined. */
typedef void (*cpg_confchg_fn_t)(cpg_handle_t handle, const struct cpg_name *group_name,
				 const struct cpg_address *member_list, size_t member_list_entries,
				 const struct cpg_address *left_list, size_t left_list_entries,
				 const struct cpg_address *joined_list, size_t joined_list_entries);

/** A new totem ring (model V1 only): its id and its node ids. */
typedef void (*cpg_totem_confchg_fn_t)(cpg_handle_t handle, struct cpg_ring_id ring_id,
				       uint32_t member_list_entries, const uint32_t *member_list);

typedef struct {
	cpg_deliver_fn_t cpg_deliver_fn;
	cpg_confchg_fn_t cpg_confchg_fn;
} cpg_callbacks_t;

/** The common head of every model's data (cast a cpg_model_v1_data_t to it). */
typedef struct {
	cpg_model_t model;
} cpg_model_data_t;

/** Model V1 flag: send the current totem ring to the totem callback right after joining. */
#define CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF 0x01

typedef struct {
	cpg_model_t model;
	cpg_deliver_fn_t cpg_deliver_fn;
	cpg_confchg_fn_t cpg_confchg_fn;
	cpg_totem_confchg_fn_t cpg_totem_confchg_fn;
	unsigned int flags;
} cpg_model_v1_data_t;

/** Connect to the daemon with deliver/confchg callbacks (either may be NULL). */
cs_error_t cpg_initialize(cpg_handle_t *handle, cpg_callbacks_t *callbacks);

/** Connect with a model's data (a cpg_model_v1_data_t for CPG_MODEL_V1) and a context. */
cs_error_t cpg_model_initialize(cpg_handle_t *handle, cpg_model_t model,
				cpg_model_data_t *model_data, void *context);

/** Close the connection; the handle is invalid afterwards whatever the result. */
cs_error_t cpg_finalize(cpg_handle_t handle);

/** The descriptor to poll for events (readable) and daemon loss (hang-up). */
cs_error_t cpg_fd_get(cpg_handle_t handle, int *fd);

/** The largest message cpg_mcast_joined() sends without fragmenting it. */
cs_error_t cpg_max_atomic_msgsize_get(cpg_handle_t handle, uint32_t *size);

cs_error_t cpg_context_get(cpg_handle_t handle, void **context);

cs_error_t cpg_context_set(cpg_handle_t handle, void *context);

/** Run callbacks for waiting events: one, all, forever, or one without waiting. */
cs_error_t cpg_dispatch(cpg_handle_t handle, cs_dispatch_flags_t dispatch_types);

/** Join a group (one group per handle). */
cs_error_t cpg_join(cpg_handle_t handle, const struct cpg_name *group);

/** Leave the group joined on this handle. */
cs_error_t cpg_leave(cpg_handle_t handle, const struct cpg_name *group);

/**
 * Multicast the concatenation of the iovec to the joined group.  Messages
 * above cpg_max_atomic_msgsize_get() are sent in fragments and reassembled
 * by the receiving library.
 */
cs_error_t cpg_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
			    const struct iovec *iovec, unsigned int iov_len);

/**
 * The current members of a group.  member_list must hold CPG_MEMBERS_MAX
 * entries; *member_list_entries receives the count.
 */
cs_error_t cpg_membership_get(cpg_handle_t handle, struct cpg_name *groupName,
			      struct cpg_address *member_list, int *member_list_entries);

/** This node's id. */
cs_error_t cpg_local_get(cpg_handle_t handle, unsigned int *local_nodeid);

cs_error_t cpg_flow_control_state_get(cpg_handle_t handle,
				      cpg_flow_control_state_t *flow_control_enabled);

/** A buffer shared with the daemon (zero-copy send) of `size` usable bytes. */
cs_error_t cpg_zcb_alloc(cpg_handle_t handle, size_t size, void **buffer);

cs_error_t cpg_zcb_free(cpg_handle_t handle, void *buffer);

/** Multicast msg_len bytes of a cpg_zcb_alloc() buffer; waits for the daemon's answer. */
cs_error_t cpg_zcb_mcast_joined(cpg_handle_t handle, cpg_guarantee_t guarantee,
				void *msg, size_t msg_len);

/**
 * Walk a snapshot of the cluster's groups: every (group, process) (ALL),
 * one entry per group (NAME_ONLY), or one group's processes (ONE_GROUP, the
 * only type that takes a group).
 */
cs_error_t cpg_iteration_initialize(cpg_handle_t handle, cpg_iteration_type_t iteration_type,
				    const struct cpg_name *group,
				    cpg_iteration_handle_t *cpg_iteration_handle);

/** The next entry; CS_ERR_NO_SECTIONS after the last. */
cs_error_t cpg_iteration_next(cpg_iteration_handle_t handle,
			      struct cpg_iteration_description_t *description);

cs_error_t cpg_iteration_finalize(cpg_iteration_handle_t handle);

#ifdef __cplusplus
}
#endif

#endif /* COROSYNC_CPG_H_DEFINED */
