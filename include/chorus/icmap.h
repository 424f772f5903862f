/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * icmap: the typed key-value store behind cmap.
 *
 * A flat map from key names to (type, length, bytes), iterated in byte-wise
 * lexicographic order of the key names, with plain string-prefix semantics
 * for iteration and tracking.  One instance per map (the configuration and
 * runtime map, the stats map); no global state.
 *
 * Values are stored by copy.  STRING values are stored with their
 * terminating NUL and their length counts it.  Read-only marks are only
 * advice for the cmap IPC service (icmap_is_ro()): the store itself lets
 * the daemon change any key.
 *
 * Tracking callbacks run synchronously inside the call that changed the key.
 * A callback may read the map but must not modify it and must not delete
 * trackers other than its own.
 *
 * Return conventions: 0 on success, -errno on failure:
 *   -ENOENT        no such key
 *   -EINVAL        bad type, length or argument; wrong type for a typed getter
 *   -ENAMETOOLONG  key name outside 3..255 chars or with a char outside [A-Za-z0-9._/:-]
 *   -ENOMEM        allocation failure
 */
#ifndef CHORUS_ICMAP_H
#define CHORUS_ICMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Same numbers as cmap_value_types_t. */
enum icmap_type {
	ICMAP_T_NONE = 0,
	ICMAP_T_INT8 = 1,
	ICMAP_T_UINT8 = 2,
	ICMAP_T_INT16 = 3,
	ICMAP_T_UINT16 = 4,
	ICMAP_T_INT32 = 5,
	ICMAP_T_UINT32 = 6,
	ICMAP_T_INT64 = 7,
	ICMAP_T_UINT64 = 8,
	ICMAP_T_FLOAT = 9,
	ICMAP_T_DOUBLE = 10,
	ICMAP_T_STRING = 11,
	ICMAP_T_BINARY = 12,
};

/** Tracking flags and event codes, same numbers as CMAP_TRACK_*. */
#define ICMAP_TRACK_DELETE 1
#define ICMAP_TRACK_MODIFY 2
#define ICMAP_TRACK_ADD    4
#define ICMAP_TRACK_PREFIX 8

#define ICMAP_KEYNAME_MINLEN 3
#define ICMAP_KEYNAME_MAXLEN 255
#define ICMAP_VALUE_MAXLEN   16384

struct icmap;

/** "int8", ... for logs; cmapctl short names are in the tools. */
const char *icmap_type_str(enum icmap_type type);
/** Fixed size of a type, 0 for STRING and BINARY, -1 for an invalid type. */
int icmap_type_size(enum icmap_type type);
/** Does the name satisfy the rule for new keys? */
bool icmap_key_valid(const char *key);

struct icmap *icmap_new(void);
/** Frees the map and all its trackers (without calling them). Takes NULL. */
void icmap_free(struct icmap *map);
size_t icmap_count(const struct icmap *map);

/**
 * Store a value.  Fixed-size types need len == icmap_type_size(type);
 * STRING takes the bytes up to len or the first NUL, whichever comes first,
 * and stores them NUL-terminated; BINARY takes 0..ICMAP_VALUE_MAXLEN bytes.
 * Setting an existing key to an identical type and value is a no-op and
 * fires no tracker.  Returns 0 or -errno.
 */
int icmap_set(struct icmap *map, const char *key, const void *value, size_t len,
	      enum icmap_type type);
int icmap_set_int8(struct icmap *map, const char *key, int8_t v);
int icmap_set_uint8(struct icmap *map, const char *key, uint8_t v);
int icmap_set_int16(struct icmap *map, const char *key, int16_t v);
int icmap_set_uint16(struct icmap *map, const char *key, uint16_t v);
int icmap_set_int32(struct icmap *map, const char *key, int32_t v);
int icmap_set_uint32(struct icmap *map, const char *key, uint32_t v);
int icmap_set_int64(struct icmap *map, const char *key, int64_t v);
int icmap_set_uint64(struct icmap *map, const char *key, uint64_t v);
int icmap_set_float(struct icmap *map, const char *key, float v);
int icmap_set_double(struct icmap *map, const char *key, double v);
int icmap_set_string(struct icmap *map, const char *key, const char *v);

/**
 * Look a key up.  *ret_value points into the store and stays valid until
 * the key is next modified or deleted.  Any ret_ pointer may be NULL.
 */
int icmap_get(const struct icmap *map, const char *key, const void **ret_value,
	      size_t *ret_len, enum icmap_type *ret_type);
/** Typed getters: -EINVAL when the stored type differs. */
int icmap_get_int8(const struct icmap *map, const char *key, int8_t *ret);
int icmap_get_uint8(const struct icmap *map, const char *key, uint8_t *ret);
int icmap_get_int16(const struct icmap *map, const char *key, int16_t *ret);
int icmap_get_uint16(const struct icmap *map, const char *key, uint16_t *ret);
int icmap_get_int32(const struct icmap *map, const char *key, int32_t *ret);
int icmap_get_uint32(const struct icmap *map, const char *key, uint32_t *ret);
int icmap_get_int64(const struct icmap *map, const char *key, int64_t *ret);
int icmap_get_uint64(const struct icmap *map, const char *key, uint64_t *ret);
int icmap_get_float(const struct icmap *map, const char *key, float *ret);
int icmap_get_double(const struct icmap *map, const char *key, double *ret);
/** *ret points into the store (see icmap_get). */
int icmap_get_string(const struct icmap *map, const char *key, const char **ret);

int icmap_delete(struct icmap *map, const char *key);
/** Delete every key that starts with prefix; returns the number deleted. */
int icmap_delete_prefix(struct icmap *map, const char *prefix);

/**
 * Add step to an integer key, wrapping in the unsigned representation of its
 * width.  -EINVAL for FLOAT, DOUBLE, STRING, BINARY.  Fires MODIFY.
 */
int icmap_adjust_int(struct icmap *map, const char *key, int32_t step);
/**
 * Add step to a UINT64/UINT32 counter in place.  Fires MODIFY with an empty old
 * value (as corosync's fast increment does).
 */
int icmap_fast_adjust_int(struct icmap *map, const char *key, int32_t step);

/* ---- read-only marks (advice for the cmap IPC service) ------------------- */

int icmap_set_ro_prefix(struct icmap *map, const char *prefix);
int icmap_set_ro_key(struct icmap *map, const char *key);
bool icmap_is_ro(const struct icmap *map, const char *key);

/* ---- iteration ------------------------------------------------------------ */

/**
 * An iterator is plain data: it remembers its prefix and the last key it
 * returned, and each step finds the next key after that one, so it stays
 * valid whatever happens to the map in between.
 */
struct icmap_iter {
	char prefix[ICMAP_KEYNAME_MAXLEN + 1];
	char last[ICMAP_KEYNAME_MAXLEN + 1];
	bool started;
};

/** prefix NULL or "" iterates everything. -ENAMETOOLONG if prefix > 255 chars. */
int icmap_iter_init(struct icmap_iter *it, const char *prefix);
/**
 * The next key in byte order, or NULL at the end.  The returned name and
 * *ret_value point into the store (valid until the next change).
 */
const char *icmap_iter_next(const struct icmap *map, struct icmap_iter *it,
			    const void **ret_value, size_t *ret_len, enum icmap_type *ret_type);

/* ---- tracking ------------------------------------------------------------- */

/**
 * event is exactly one of ICMAP_TRACK_ADD, _DELETE, _MODIFY.  For ADD the old
 * value is (NONE, NULL, 0); for DELETE the new one is.
 */
typedef void (*icmap_notify_fn)(void *ctx, int event, const char *key,
				enum icmap_type new_type, const void *new_value, size_t new_len,
				enum icmap_type old_type, const void *old_value, size_t old_len);

struct icmap_track;

/**
 * Track key (exact) or, with ICMAP_TRACK_PREFIX, every key starting with key.
 * key NULL or "" with PREFIX tracks everything.  flags must be a subset of
 * ADD|DELETE|MODIFY|PREFIX (-EINVAL otherwise); 0 is allowed and never fires.
 */
int icmap_track_add(struct icmap *map, const char *key, int flags, icmap_notify_fn fn,
		    void *ctx, struct icmap_track **ret_track);
/** Safe from inside the tracker's own callback. Takes NULL. */
void icmap_track_delete(struct icmap *map, struct icmap_track *track);
int icmap_track_flags(const struct icmap_track *track);
const char *icmap_track_key(const struct icmap_track *track);

#ifdef __cplusplus
}
#endif
#endif /* CHORUS_ICMAP_H */
