/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compile-time pins of the IPC wire layouts against the tables in
 * ../shared/specs (x86-64).  Included by the daemon and by the libraries, so a
 * layout drift breaks the build rather than a client.
 */
#ifndef CHORUS_WIRE_ASSERTS_H
#define CHORUS_WIRE_ASSERTS_H

#include <stddef.h>
#include <corosync/ipc_cmap.h>

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

#endif
