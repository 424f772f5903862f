/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Built twice: against our include/corosync/cpg.h (cpg_abi_ours) and, with
 * none of our include directories, against the installed corosync 3.1.7
 * header (cpg_abi_debian).  The _Static_asserts spell out every prototype
 * and callback type once, so both headers must declare exactly these types;
 * the printed sizes, offsets, enum values and macros are diffed by
 * check_cpg_abi.sh.
 */
#include <stddef.h>
#include <stdio.h>

#include <corosync/cpg.h>

#define SAME_TYPE(a, b) _Static_assert(__builtin_types_compatible_p(a, b), #a)
#define PROTO(fn, type) SAME_TYPE(__typeof__(&fn), type)

SAME_TYPE(cpg_handle_t, uint64_t);
SAME_TYPE(cpg_iteration_handle_t, uint64_t);
SAME_TYPE(cpg_deliver_fn_t, void (*)(cpg_handle_t, const struct cpg_name *, uint32_t, uint32_t,
				     void *, size_t));
SAME_TYPE(cpg_confchg_fn_t, void (*)(cpg_handle_t, const struct cpg_name *,
				     const struct cpg_address *, size_t,
				     const struct cpg_address *, size_t,
				     const struct cpg_address *, size_t));
SAME_TYPE(cpg_totem_confchg_fn_t, void (*)(cpg_handle_t, struct cpg_ring_id, uint32_t,
					   const uint32_t *));

PROTO(cpg_initialize, cs_error_t (*)(cpg_handle_t *, cpg_callbacks_t *));
PROTO(cpg_model_initialize, cs_error_t (*)(cpg_handle_t *, cpg_model_t, cpg_model_data_t *, void *));
PROTO(cpg_finalize, cs_error_t (*)(cpg_handle_t));
PROTO(cpg_fd_get, cs_error_t (*)(cpg_handle_t, int *));
PROTO(cpg_max_atomic_msgsize_get, cs_error_t (*)(cpg_handle_t, uint32_t *));
PROTO(cpg_context_get, cs_error_t (*)(cpg_handle_t, void **));
PROTO(cpg_context_set, cs_error_t (*)(cpg_handle_t, void *));
PROTO(cpg_dispatch, cs_error_t (*)(cpg_handle_t, cs_dispatch_flags_t));
PROTO(cpg_join, cs_error_t (*)(cpg_handle_t, const struct cpg_name *));
PROTO(cpg_leave, cs_error_t (*)(cpg_handle_t, const struct cpg_name *));
PROTO(cpg_mcast_joined, cs_error_t (*)(cpg_handle_t, cpg_guarantee_t, const struct iovec *,
				       unsigned int));
PROTO(cpg_membership_get, cs_error_t (*)(cpg_handle_t, struct cpg_name *, struct cpg_address *,
					 int *));
PROTO(cpg_local_get, cs_error_t (*)(cpg_handle_t, unsigned int *));
PROTO(cpg_flow_control_state_get, cs_error_t (*)(cpg_handle_t, cpg_flow_control_state_t *));
PROTO(cpg_zcb_alloc, cs_error_t (*)(cpg_handle_t, size_t, void **));
PROTO(cpg_zcb_free, cs_error_t (*)(cpg_handle_t, void *));
PROTO(cpg_zcb_mcast_joined, cs_error_t (*)(cpg_handle_t, cpg_guarantee_t, void *, size_t));
PROTO(cpg_iteration_initialize, cs_error_t (*)(cpg_handle_t, cpg_iteration_type_t,
					       const struct cpg_name *, cpg_iteration_handle_t *));
PROTO(cpg_iteration_next, cs_error_t (*)(cpg_iteration_handle_t,
					 struct cpg_iteration_description_t *));
PROTO(cpg_iteration_finalize, cs_error_t (*)(cpg_iteration_handle_t));

#define SIZE(t) printf("sizeof(%s) = %zu align %zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, m) printf("offsetof(%s, %s) = %zu size %zu\n", #t, #m, offsetof(t, m), \
			 sizeof(((t *)0)->m))
#define VAL(v) printf("%s = %lld\n", #v, (long long)(v))

int main(void)
{
	SIZE(cpg_handle_t);
	SIZE(cpg_iteration_handle_t);
	SIZE(cpg_guarantee_t);
	SIZE(cpg_flow_control_state_t);
	SIZE(cpg_reason_t);
	SIZE(cpg_iteration_type_t);
	SIZE(cpg_model_t);

	SIZE(struct cpg_address);
	OFF(struct cpg_address, nodeid);
	OFF(struct cpg_address, pid);
	OFF(struct cpg_address, reason);
	SIZE(struct cpg_name);
	OFF(struct cpg_name, length);
	OFF(struct cpg_name, value);
	SIZE(struct cpg_iteration_description_t);
	OFF(struct cpg_iteration_description_t, group);
	OFF(struct cpg_iteration_description_t, nodeid);
	OFF(struct cpg_iteration_description_t, pid);
	SIZE(struct cpg_ring_id);
	OFF(struct cpg_ring_id, nodeid);
	OFF(struct cpg_ring_id, seq);
	SIZE(cpg_callbacks_t);
	OFF(cpg_callbacks_t, cpg_deliver_fn);
	OFF(cpg_callbacks_t, cpg_confchg_fn);
	SIZE(cpg_model_data_t);
	OFF(cpg_model_data_t, model);
	SIZE(cpg_model_v1_data_t);
	OFF(cpg_model_v1_data_t, model);
	OFF(cpg_model_v1_data_t, cpg_deliver_fn);
	OFF(cpg_model_v1_data_t, cpg_confchg_fn);
	OFF(cpg_model_v1_data_t, cpg_totem_confchg_fn);
	OFF(cpg_model_v1_data_t, flags);

	VAL(CPG_TYPE_UNORDERED);
	VAL(CPG_TYPE_FIFO);
	VAL(CPG_TYPE_AGREED);
	VAL(CPG_TYPE_SAFE);
	VAL(CPG_FLOW_CONTROL_DISABLED);
	VAL(CPG_FLOW_CONTROL_ENABLED);
	VAL(CPG_REASON_UNDEFINED);
	VAL(CPG_REASON_JOIN);
	VAL(CPG_REASON_LEAVE);
	VAL(CPG_REASON_NODEDOWN);
	VAL(CPG_REASON_NODEUP);
	VAL(CPG_REASON_PROCDOWN);
	VAL(CPG_ITERATION_NAME_ONLY);
	VAL(CPG_ITERATION_ONE_GROUP);
	VAL(CPG_ITERATION_ALL);
	VAL(CPG_MODEL_V1);
	VAL(CPG_MAX_NAME_LENGTH);
	VAL(CPG_MEMBERS_MAX);
	VAL(CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF);
	/* from corotypes.h, as cpg.h users see it */
	VAL(CS_DISPATCH_ONE);
	VAL(CS_DISPATCH_ALL);
	VAL(CS_DISPATCH_BLOCKING);
	VAL(CS_DISPATCH_ONE_NONBLOCKING);
	VAL(CS_OK);
	VAL(CS_ERR_NO_SECTIONS);
	return 0;
}
