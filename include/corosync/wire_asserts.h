/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compile-time pins of the IPC wire layouts against corosync v3.1.7's
 * include/corosync/ipc_*.h as compiled on x86-64.  Included by the daemon and by the libraries, so a
 * layout drift breaks the build rather than a client.
 */
#ifndef CHORUS_WIRE_ASSERTS_H
#define CHORUS_WIRE_ASSERTS_H

#include <stddef.h>
#include <corosync/ipc_cmap.h>
#include <corosync/ipc_cpg.h>

#define WIRE_SIZE(t, n)      _Static_assert(sizeof(struct t) == (n), #t " size")
#define WIRE_OFF(t, f, n)    _Static_assert(offsetof(struct t, f) == (n), #t "." #f " offset")

_Static_assert(sizeof(struct qb_ipc_request_header) == 16, "request header");
_Static_assert(sizeof(struct qb_ipc_response_header) == 24, "response header");
_Static_assert(sizeof(mar_name_t) == 264, "mar_name_t");
_Static_assert(offsetof(mar_name_t, value) == 8, "mar_name_t.value");

WIRE_SIZE(req_lib_cmap_set, 296);
WIRE_OFF(req_lib_cmap_set, key_name, 16);
WIRE_OFF(req_lib_cmap_set, value_len, 280);
WIRE_OFF(req_lib_cmap_set, type, 288);
WIRE_OFF(req_lib_cmap_set, value, 296);
WIRE_SIZE(req_lib_cmap_delete, 280);
WIRE_SIZE(req_lib_cmap_get, 288);
WIRE_OFF(req_lib_cmap_get, value_len, 280);
WIRE_SIZE(res_lib_cmap_get, 40);
WIRE_OFF(res_lib_cmap_get, value_len, 24);
WIRE_OFF(res_lib_cmap_get, type, 32);
WIRE_OFF(res_lib_cmap_get, value, 40);
WIRE_SIZE(req_lib_cmap_adjust_int, 288);
WIRE_OFF(req_lib_cmap_adjust_int, step, 280);
WIRE_SIZE(req_lib_cmap_iter_init, 280);
WIRE_SIZE(res_lib_cmap_iter_init, 32);
WIRE_SIZE(req_lib_cmap_iter_next, 24);
WIRE_SIZE(res_lib_cmap_iter_next, 304);
WIRE_OFF(res_lib_cmap_iter_next, key_name, 24);
WIRE_OFF(res_lib_cmap_iter_next, value_len, 288);
WIRE_OFF(res_lib_cmap_iter_next, type, 296);
WIRE_SIZE(req_lib_cmap_iter_finalize, 24);
WIRE_SIZE(req_lib_cmap_track_add, 296);
WIRE_OFF(req_lib_cmap_track_add, track_type, 280);
WIRE_OFF(req_lib_cmap_track_add, track_inst_handle, 288);
WIRE_SIZE(res_lib_cmap_track_add, 32);
WIRE_SIZE(req_lib_cmap_track_delete, 24);
WIRE_SIZE(res_lib_cmap_track_delete, 32);
WIRE_SIZE(res_lib_cmap_notify_callback, 336);
WIRE_OFF(res_lib_cmap_notify_callback, track_inst_handle, 24);
WIRE_OFF(res_lib_cmap_notify_callback, key_name, 32);
WIRE_OFF(res_lib_cmap_notify_callback, event, 296);
WIRE_OFF(res_lib_cmap_notify_callback, new_value_type, 304);
WIRE_OFF(res_lib_cmap_notify_callback, old_value_type, 312);
WIRE_OFF(res_lib_cmap_notify_callback, new_value_len, 320);
WIRE_OFF(res_lib_cmap_notify_callback, old_value_len, 328);
WIRE_SIZE(req_lib_cmap_set_current_map, 24);
WIRE_OFF(req_lib_cmap_set_current_map, map, 16);

/* CPG (corosync v3.1.7 include/corosync/ipc_cpg.h) */
_Static_assert(sizeof(mar_cpg_name_t) == 136, "mar_cpg_name_t");
_Static_assert(offsetof(mar_cpg_name_t, value) == 8, "mar_cpg_name_t.value");
_Static_assert(sizeof(mar_cpg_address_t) == 24, "mar_cpg_address_t");
_Static_assert(offsetof(mar_cpg_address_t, reason) == 16, "mar_cpg_address_t.reason");
_Static_assert(sizeof(mar_cpg_ring_id_t) == 16, "mar_cpg_ring_id_t");
_Static_assert(sizeof(mar_cpg_iteration_description_t) == 144, "iteration description");
_Static_assert(offsetof(mar_cpg_iteration_description_t, nodeid) == 136, "description.nodeid");
_Static_assert(offsetof(mar_cpg_iteration_description_t, pid) == 140, "description.pid");
WIRE_SIZE(req_lib_cpg_join, 168);
WIRE_OFF(req_lib_cpg_join, group_name, 16);
WIRE_OFF(req_lib_cpg_join, pid, 152);
WIRE_OFF(req_lib_cpg_join, flags, 160);
WIRE_SIZE(req_lib_cpg_leave, 160);
WIRE_OFF(req_lib_cpg_leave, pid, 152);
WIRE_SIZE(req_lib_cpg_mcast, 40);
WIRE_OFF(req_lib_cpg_mcast, guarantee, 24);
WIRE_OFF(req_lib_cpg_mcast, msglen, 32);
WIRE_OFF(req_lib_cpg_mcast, message, 40);
WIRE_SIZE(req_lib_cpg_partial_mcast, 56);
WIRE_OFF(req_lib_cpg_partial_mcast, msglen, 32);
WIRE_OFF(req_lib_cpg_partial_mcast, fraglen, 40);
WIRE_OFF(req_lib_cpg_partial_mcast, type, 48);
WIRE_OFF(req_lib_cpg_partial_mcast, message, 56);
WIRE_SIZE(req_lib_cpg_membership_get, 152);
WIRE_SIZE(req_lib_cpg_local_get, 16);
WIRE_SIZE(req_lib_cpg_iterationinitialize, 160);
WIRE_OFF(req_lib_cpg_iterationinitialize, iteration_type, 152);
WIRE_SIZE(req_lib_cpg_iterationnext, 24);
WIRE_SIZE(req_lib_cpg_iterationfinalize, 24);
WIRE_SIZE(req_lib_cpg_finalize, 16);
WIRE_SIZE(req_lib_cpg_zc_alloc, 152);
WIRE_OFF(req_lib_cpg_zc_alloc, path_to_file, 24);
WIRE_SIZE(req_lib_cpg_zc_free, 32);
WIRE_OFF(req_lib_cpg_zc_free, server_address, 24);
WIRE_SIZE(req_lib_cpg_zc_execute, 24);
WIRE_SIZE(cpg_zc_header, 16);
_Static_assert(CPG_ZC_USER_OFFSET == 56, "zero-copy user offset");
WIRE_SIZE(res_lib_cpg_local_get, 32);
WIRE_SIZE(res_lib_cpg_membership_get, 9248);
WIRE_OFF(res_lib_cpg_membership_get, member_list, 32);
WIRE_SIZE(res_lib_cpg_iterationinitialize, 32);
WIRE_SIZE(res_lib_cpg_iterationnext, 168);
WIRE_OFF(res_lib_cpg_iterationnext, description.nodeid, 160);
WIRE_OFF(res_lib_cpg_iterationnext, description.pid, 164);
WIRE_SIZE(res_lib_cpg_confchg_callback, 184);
WIRE_OFF(res_lib_cpg_confchg_callback, group_name, 24);
WIRE_OFF(res_lib_cpg_confchg_callback, member_list_entries, 160);
WIRE_OFF(res_lib_cpg_confchg_callback, joined_list_entries, 168);
WIRE_OFF(res_lib_cpg_confchg_callback, left_list_entries, 176);
WIRE_OFF(res_lib_cpg_confchg_callback, member_list, 184);
WIRE_SIZE(res_lib_cpg_deliver_callback, 184);
WIRE_OFF(res_lib_cpg_deliver_callback, msglen, 160);
WIRE_OFF(res_lib_cpg_deliver_callback, nodeid, 168);
WIRE_OFF(res_lib_cpg_deliver_callback, pid, 176);
WIRE_OFF(res_lib_cpg_deliver_callback, message, 184);
WIRE_SIZE(res_lib_cpg_partial_deliver_callback, 200);
WIRE_OFF(res_lib_cpg_partial_deliver_callback, fraglen, 168);
WIRE_OFF(res_lib_cpg_partial_deliver_callback, nodeid, 176);
WIRE_OFF(res_lib_cpg_partial_deliver_callback, pid, 184);
WIRE_OFF(res_lib_cpg_partial_deliver_callback, type, 192);
WIRE_OFF(res_lib_cpg_partial_deliver_callback, message, 200);
WIRE_SIZE(res_lib_cpg_totem_confchg_callback, 48);
WIRE_OFF(res_lib_cpg_totem_confchg_callback, ring_id, 24);
WIRE_OFF(res_lib_cpg_totem_confchg_callback, member_list_entries, 40);
WIRE_OFF(res_lib_cpg_totem_confchg_callback, member_list, 44);

#endif
