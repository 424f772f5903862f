/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Public client API of the configuration map (libcmap.so.4).  Names, values
 * and signatures match corosync 3.1.7 so programs built for corosync compile
 * and link unchanged; all prose here is chorus's own.
 * Not declared here: the wire structs (corosync/ipc_cmap.h, private).
 * Difference: corosync's cmap.h also pulls in <corosync/hdb.h>; chorus does
 * not ship that header (see docs/compat.md).
 */
#ifndef COROSYNC_CMAP_H_DEFINED
#define COROSYNC_CMAP_H_DEFINED

#include <stddef.h>
#include <stdint.h>
#include <corosync/corotypes.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque handle of one connection to the cmap service. */
typedef uint64_t cmap_handle_t;

/** Opaque handle of one key iteration, valid on the connection that made it. */
typedef uint64_t cmap_iter_handle_t;

/** Opaque handle of one change tracker, valid on the connection that made it. */
typedef uint64_t cmap_track_handle_t;

/** Longest key name in bytes, not counting the terminating NUL. */
#define CMAP_KEYNAME_MAXLEN            255

/** Shortest key name the service accepts for a new key. */
#define CMAP_KEYNAME_MINLEN            3

/** Tracker flags (combine with |); a notification carries exactly one of ADD/DELETE/MODIFY. */
#define CMAP_TRACK_ADD		4
#define CMAP_TRACK_DELETE	1
#define CMAP_TRACK_MODIFY	2
/** Match every key that starts with the tracked name, not only the name itself. */
#define CMAP_TRACK_PREFIX	8

/** Type tag stored with each value. */
typedef enum {
	CMAP_VALUETYPE_INT8	=  1,
	CMAP_VALUETYPE_UINT8	=  2,
	CMAP_VALUETYPE_INT16	=  3,
	CMAP_VALUETYPE_UINT16	=  4,
	CMAP_VALUETYPE_INT32	=  5,
	CMAP_VALUETYPE_UINT32	=  6,
	CMAP_VALUETYPE_INT64	=  7,
	CMAP_VALUETYPE_UINT64	=  8,
	CMAP_VALUETYPE_FLOAT	=  9,
	CMAP_VALUETYPE_DOUBLE	= 10,
	CMAP_VALUETYPE_STRING	= 11,
	CMAP_VALUETYPE_BINARY	= 12,
} cmap_value_types_t;

/** Which map a connection reads and writes. */
typedef enum {
	CMAP_MAP_DEFAULT        = 0,
	CMAP_MAP_ICMAP          = 0,
	CMAP_MAP_STATS          = 1,
} cmap_map_t;

/**
 * One value as handed to a tracker callback.  @c data points into the
 * library's receive buffer and is valid only during the callback.  Strings
 * count their terminating NUL in @c len.
 */
struct cmap_notify_value {
	cmap_value_types_t type;
	size_t len;
	const void *data;
};

/**
 * Tracker callback, run from cmap_dispatch().
 * @param cmap_handle       connection the tracker belongs to
 * @param cmap_track_handle tracker that matched
 * @param event             CMAP_TRACK_ADD, CMAP_TRACK_DELETE or CMAP_TRACK_MODIFY
 * @param key_name          key that changed (NUL-terminated)
 * @param new_value         value after the change (empty for DELETE)
 * @param old_value         value before the change (empty for ADD)
 * @param user_data         pointer given to cmap_track_add()
 */
typedef void (*cmap_notify_fn_t) (
	cmap_handle_t cmap_handle,
	cmap_track_handle_t cmap_track_handle,
	int32_t event,
	const char *key_name,
	struct cmap_notify_value new_value,
	struct cmap_notify_value old_value,
	void *user_data);

/**
 * Connect to the cmap service, using the default map.
 * @param[out] handle set to the new connection on CS_OK only
 * @return CS_OK, CS_ERR_LIBRARY when no service listens, CS_ERR_TRY_AGAIN
 *         while the daemon is starting, CS_ERR_ACCESS when refused.
 */
extern cs_error_t cmap_initialize (
	cmap_handle_t *handle);

/**
 * Connect to the cmap service and select @p map for this connection.
 * @param[out] handle set to the new connection on CS_OK only
 * @param map CMAP_MAP_DEFAULT / CMAP_MAP_ICMAP or CMAP_MAP_STATS
 */
extern cs_error_t cmap_initialize_map (
	cmap_handle_t *handle,
	cmap_map_t map);

/**
 * Close the connection and forget its trackers.  The handle is invalid
 * afterwards.
 */
extern cs_error_t cmap_finalize (
	cmap_handle_t handle);

/**
 * File descriptor that becomes readable when notifications are pending;
 * poll it, then call cmap_dispatch().
 * @param[out] fd the descriptor (owned by the library, do not close it)
 */
extern cs_error_t cmap_fd_get (
	cmap_handle_t handle,
	int *fd);

/**
 * Deliver pending notifications to tracker callbacks.
 * @param dispatch_types CS_DISPATCH_ONE (wait for and run one),
 *        CS_DISPATCH_ALL (run what is pending, do not wait),
 *        CS_DISPATCH_BLOCKING (run notifications until the connection ends),
 *        CS_DISPATCH_ONE_NONBLOCKING (run at most one; CS_ERR_TRY_AGAIN if none).
 */
extern cs_error_t cmap_dispatch (
	cmap_handle_t handle,
	cs_dispatch_flags_t dispatch_types);

/**
 * Read the caller's pointer stored with cmap_context_set().
 * @param[out] context the stored pointer (NULL if never set)
 */
extern cs_error_t cmap_context_get (
	cmap_handle_t handle,
	const void **context);

/** Store an arbitrary caller pointer with the connection. */
extern cs_error_t cmap_context_set (
	cmap_handle_t handle,
	const void *context);

/**
 * Create or replace a key.
 * @param key_name  NUL-terminated name, at most CMAP_KEYNAME_MAXLEN bytes
 * @param value     @p value_len bytes of value
 * @param value_len length; must equal the type's size for numeric types
 * @param type      type tag to store
 * @return CS_OK, CS_ERR_ACCESS (read-only key), CS_ERR_NAME_TOO_LONG (bad
 *         new key name), CS_ERR_INVALID_PARAM (bad length or type), ...
 */
extern cs_error_t cmap_set(
	cmap_handle_t handle,
	const char *key_name,
	const void *value,
	size_t value_len,
	cmap_value_types_t type);

/* Typed forms of cmap_set(); the string form stores strlen(value) bytes. */
extern cs_error_t cmap_set_int8(cmap_handle_t handle, const char *key_name, int8_t value);
extern cs_error_t cmap_set_uint8(cmap_handle_t handle, const char *key_name, uint8_t value);
extern cs_error_t cmap_set_int16(cmap_handle_t handle, const char *key_name, int16_t value);
extern cs_error_t cmap_set_uint16(cmap_handle_t handle, const char *key_name, uint16_t value);
extern cs_error_t cmap_set_int32(cmap_handle_t handle, const char *key_name, int32_t value);
extern cs_error_t cmap_set_uint32(cmap_handle_t handle, const char *key_name, uint32_t value);
extern cs_error_t cmap_set_int64(cmap_handle_t handle, const char *key_name, int64_t value);
extern cs_error_t cmap_set_uint64(cmap_handle_t handle, const char *key_name, uint64_t value);
extern cs_error_t cmap_set_float(cmap_handle_t handle, const char *key_name, float value);
extern cs_error_t cmap_set_double(cmap_handle_t handle, const char *key_name, double value);
extern cs_error_t cmap_set_string(cmap_handle_t handle, const char *key_name, const char *value);

/**
 * Remove a key.
 * @return CS_OK, CS_ERR_NOT_EXIST, CS_ERR_ACCESS, ...
 */
extern cs_error_t cmap_delete(cmap_handle_t handle, const char *key_name);

/**
 * Read a key.
 * @param[out] value     buffer for the value, or NULL to ask only for type and length
 * @param[in,out] value_len in: size of @p value; out: the value's real length
 * @param[out] type      the stored type (may be NULL)
 * @return CS_OK, CS_ERR_NOT_EXIST, CS_ERR_INVALID_PARAM when the buffer is too small.
 */
extern cs_error_t cmap_get(
	cmap_handle_t handle,
	const char *key_name,
	void *value,
	size_t *value_len,
	cmap_value_types_t *type);

/*
 * Typed forms of cmap_get(): each succeeds only when the key is stored with
 * exactly that type, and returns CS_ERR_INVALID_PARAM otherwise.
 * cmap_get_string() returns a NUL-terminated copy in *str; free() it.
 */
extern cs_error_t cmap_get_int8(cmap_handle_t handle, const char *key_name, int8_t *i8);
extern cs_error_t cmap_get_uint8(cmap_handle_t handle, const char *key_name, uint8_t *u8);
extern cs_error_t cmap_get_int16(cmap_handle_t handle, const char *key_name, int16_t *i16);
extern cs_error_t cmap_get_uint16(cmap_handle_t handle, const char *key_name, uint16_t *u16);
extern cs_error_t cmap_get_int32(cmap_handle_t handle, const char *key_name, int32_t *i32);
extern cs_error_t cmap_get_uint32(cmap_handle_t handle, const char *key_name, uint32_t *u32);
extern cs_error_t cmap_get_int64(cmap_handle_t handle, const char *key_name, int64_t *i64);
extern cs_error_t cmap_get_uint64(cmap_handle_t handle, const char *key_name, uint64_t *u64);
extern cs_error_t cmap_get_float(cmap_handle_t handle, const char *key_name, float *flt);
extern cs_error_t cmap_get_double(cmap_handle_t handle, const char *key_name, double *dbl);
extern cs_error_t cmap_get_string(cmap_handle_t handle, const char *key_name, char **str);

/** Add one to an integer key (wraps around); CS_ERR_INVALID_PARAM for other types. */
extern cs_error_t cmap_inc(cmap_handle_t handle, const char *key_name);

/** Subtract one from an integer key (wraps around); CS_ERR_INVALID_PARAM for other types. */
extern cs_error_t cmap_dec(cmap_handle_t handle, const char *key_name);

/**
 * Start iterating over keys in byte-wise sorted order.
 * @param prefix only keys starting with this string; NULL for all keys
 * @param[out] cmap_iter_handle the new iterator
 */
extern cs_error_t cmap_iter_init(cmap_handle_t handle, const char *prefix, cmap_iter_handle_t *cmap_iter_handle);

/**
 * Fetch the next key of an iteration.
 * @param[out] key_name  buffer of at least CMAP_KEYNAME_MAXLEN + 1 bytes
 * @param[out] value_len length of the value (may be NULL)
 * @param[out] type      type of the value (may be NULL)
 * @return CS_OK, or CS_ERR_NO_SECTIONS after the last key.
 */
extern cs_error_t cmap_iter_next(
		cmap_handle_t handle,
		cmap_iter_handle_t iter_handle,
		char key_name[],
		size_t *value_len,
		cmap_value_types_t *type);

/** Release an iterator. */
extern cs_error_t cmap_iter_finalize(cmap_handle_t handle, cmap_iter_handle_t iter_handle);

/**
 * Ask to be told about changes of @p key_name (or, with CMAP_TRACK_PREFIX,
 * of every key starting with it; NULL with PREFIX means all keys).
 * @param track_type  CMAP_TRACK_* flags
 * @param notify_fn   callback run from cmap_dispatch()
 * @param user_data   handed back to @p notify_fn
 * @param[out] cmap_track_handle the new tracker
 */
extern cs_error_t cmap_track_add(
	cmap_handle_t handle,
	const char *key_name,
	int32_t track_type,
	cmap_notify_fn_t notify_fn,
	void *user_data,
	cmap_track_handle_t *cmap_track_handle);

/** Remove a tracker; notifications already queued for it are dropped. */
extern cs_error_t cmap_track_delete(cmap_handle_t handle, cmap_track_handle_t track_handle);

#ifdef __cplusplus
}
#endif

#endif /* COROSYNC_CMAP_H_DEFINED */
