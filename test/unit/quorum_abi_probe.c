/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Built twice: against our include/corosync/quorum.h and votequorum.h
 * (quorum_abi_ours) and, with none of our include directories, against the
 * installed corosync 3.1.7 headers (quorum_abi_debian).  The _Static_asserts
 * spell out every prototype and callback type once, so both sets of headers
 * must declare exactly these types; the printed sizes, offsets, values and
 * macros are diffed by check_quorum_abi.sh.
 */
#include <stddef.h>
#include <stdio.h>

#include <corosync/quorum.h>
#include <corosync/votequorum.h>

#define SAME_TYPE(a, b) _Static_assert(__builtin_types_compatible_p(a, b), #a)
#define PROTO(fn, type) SAME_TYPE(__typeof__(&fn), type)

SAME_TYPE(quorum_handle_t, uint64_t);
SAME_TYPE(votequorum_handle_t, uint64_t);
SAME_TYPE(quorum_notification_fn_t, void (*)(quorum_handle_t, uint32_t, uint64_t, uint32_t,
					     uint32_t *));
SAME_TYPE(quorum_v1_quorum_notification_fn_t, void (*)(quorum_handle_t, uint32_t,
						       struct quorum_ring_id, uint32_t,
						       const uint32_t *));
SAME_TYPE(quorum_v1_nodelist_notification_fn_t,
	  void (*)(quorum_handle_t, struct quorum_ring_id, uint32_t, const uint32_t *, uint32_t,
		   const uint32_t *, uint32_t, const uint32_t *));
SAME_TYPE(votequorum_quorum_notification_fn_t,
	  void (*)(votequorum_handle_t, uint64_t, uint32_t, uint32_t, votequorum_node_t *));
SAME_TYPE(votequorum_nodelist_notification_fn_t,
	  void (*)(votequorum_handle_t, uint64_t, votequorum_ring_id_t, uint32_t, uint32_t *));
SAME_TYPE(votequorum_expectedvotes_notification_fn_t,
	  void (*)(votequorum_handle_t, uint64_t, uint32_t));

PROTO(quorum_initialize, cs_error_t (*)(quorum_handle_t *, quorum_callbacks_t *, uint32_t *));
PROTO(quorum_model_initialize, cs_error_t (*)(quorum_handle_t *, quorum_model_t,
					      quorum_model_data_t *, uint32_t *, void *));
PROTO(quorum_finalize, cs_error_t (*)(quorum_handle_t));
PROTO(quorum_fd_get, cs_error_t (*)(quorum_handle_t, int *));
PROTO(quorum_dispatch, cs_error_t (*)(quorum_handle_t, cs_dispatch_flags_t));
PROTO(quorum_getquorate, cs_error_t (*)(quorum_handle_t, int *));
PROTO(quorum_trackstart, cs_error_t (*)(quorum_handle_t, unsigned int));
PROTO(quorum_trackstop, cs_error_t (*)(quorum_handle_t));
PROTO(quorum_context_set, cs_error_t (*)(quorum_handle_t, const void *));
PROTO(quorum_context_get, cs_error_t (*)(quorum_handle_t, const void **));

PROTO(votequorum_initialize, cs_error_t (*)(votequorum_handle_t *, votequorum_callbacks_t *));
PROTO(votequorum_finalize, cs_error_t (*)(votequorum_handle_t));
PROTO(votequorum_dispatch, cs_error_t (*)(votequorum_handle_t, cs_dispatch_flags_t));
PROTO(votequorum_fd_get, cs_error_t (*)(votequorum_handle_t, int *));
PROTO(votequorum_getinfo, cs_error_t (*)(votequorum_handle_t, unsigned int,
					 struct votequorum_info *));
PROTO(votequorum_setexpected, cs_error_t (*)(votequorum_handle_t, unsigned int));
PROTO(votequorum_setvotes, cs_error_t (*)(votequorum_handle_t, unsigned int, unsigned int));
PROTO(votequorum_trackstart, cs_error_t (*)(votequorum_handle_t, uint64_t, unsigned int));
PROTO(votequorum_trackstop, cs_error_t (*)(votequorum_handle_t));
PROTO(votequorum_context_get, cs_error_t (*)(votequorum_handle_t, void **));
PROTO(votequorum_context_set, cs_error_t (*)(votequorum_handle_t, void *));
PROTO(votequorum_qdevice_register, cs_error_t (*)(votequorum_handle_t, const char *));
PROTO(votequorum_qdevice_unregister, cs_error_t (*)(votequorum_handle_t, const char *));
PROTO(votequorum_qdevice_update, cs_error_t (*)(votequorum_handle_t, const char *, const char *));
PROTO(votequorum_qdevice_poll, cs_error_t (*)(votequorum_handle_t, const char *, unsigned int,
					      votequorum_ring_id_t));
PROTO(votequorum_qdevice_master_wins, cs_error_t (*)(votequorum_handle_t, const char *,
						     unsigned int));

#define SIZE(t) printf("sizeof(%s) = %zu align %zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, m) printf("offsetof(%s, %s) = %zu size %zu\n", #t, #m, offsetof(t, m), \
			 sizeof(((t *)0)->m))
#define VAL(v) printf("%s = %lld\n", #v, (long long)(v))

int main(void)
{
	SIZE(quorum_model_t);
	SIZE(struct quorum_ring_id);
	OFF(struct quorum_ring_id, nodeid);
	OFF(struct quorum_ring_id, seq);
	SIZE(quorum_callbacks_t);
	OFF(quorum_callbacks_t, quorum_notify_fn);
	SIZE(quorum_model_data_t);
	SIZE(quorum_model_v0_data_t);
	OFF(quorum_model_v0_data_t, model);
	OFF(quorum_model_v0_data_t, quorum_notify_fn);
	SIZE(quorum_model_v1_data_t);
	OFF(quorum_model_v1_data_t, model);
	OFF(quorum_model_v1_data_t, quorum_notify_fn);
	OFF(quorum_model_v1_data_t, nodelist_notify_fn);
	VAL(QUORUM_MODEL_V0);
	VAL(QUORUM_MODEL_V1);
	VAL(QUORUM_FREE);
	VAL(QUORUM_SET);

	SIZE(struct votequorum_info);
	OFF(struct votequorum_info, node_id);
	OFF(struct votequorum_info, node_state);
	OFF(struct votequorum_info, node_votes);
	OFF(struct votequorum_info, node_expected_votes);
	OFF(struct votequorum_info, highest_expected);
	OFF(struct votequorum_info, total_votes);
	OFF(struct votequorum_info, quorum);
	OFF(struct votequorum_info, flags);
	OFF(struct votequorum_info, qdevice_votes);
	OFF(struct votequorum_info, qdevice_name);
	SIZE(votequorum_node_t);
	OFF(votequorum_node_t, nodeid);
	OFF(votequorum_node_t, state);
	SIZE(votequorum_ring_id_t);
	OFF(votequorum_ring_id_t, nodeid);
	OFF(votequorum_ring_id_t, seq);
	SIZE(votequorum_callbacks_t);
	OFF(votequorum_callbacks_t, votequorum_quorum_notify_fn);
	OFF(votequorum_callbacks_t, votequorum_expectedvotes_notify_fn);
	OFF(votequorum_callbacks_t, votequorum_nodelist_notify_fn);
	VAL(VOTEQUORUM_INFO_TWONODE);
	VAL(VOTEQUORUM_INFO_QUORATE);
	VAL(VOTEQUORUM_INFO_WAIT_FOR_ALL);
	VAL(VOTEQUORUM_INFO_LAST_MAN_STANDING);
	VAL(VOTEQUORUM_INFO_AUTO_TIE_BREAKER);
	VAL(VOTEQUORUM_INFO_ALLOW_DOWNSCALE);
	VAL(VOTEQUORUM_INFO_QDEVICE_REGISTERED);
	VAL(VOTEQUORUM_INFO_QDEVICE_ALIVE);
	VAL(VOTEQUORUM_INFO_QDEVICE_CAST_VOTE);
	VAL(VOTEQUORUM_INFO_QDEVICE_MASTER_WINS);
	VAL(VOTEQUORUM_QDEVICE_NODEID);
	VAL(VOTEQUORUM_QDEVICE_MAX_NAME_LEN);
	VAL(VOTEQUORUM_QDEVICE_DEFAULT_TIMEOUT);
	VAL(VOTEQUORUM_QDEVICE_DEFAULT_SYNC_TIMEOUT);
	VAL(VOTEQUORUM_NODESTATE_MEMBER);
	VAL(VOTEQUORUM_NODESTATE_DEAD);
	VAL(VOTEQUORUM_NODESTATE_LEAVING);
	VAL(CS_TRACK_CURRENT);
	VAL(CS_TRACK_CHANGES);
	VAL(CS_TRACK_CHANGES_ONLY);
	return 0;
}
