/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * icmap: the typed key-value store behind cmap (API in include/chorus/icmap.h).
 *
 * Owns one map instance: a sorted array of entries (binary search, byte-wise
 * strcmp order), the read-only marks and the trackers.  It knows nothing of
 * IPC, cs_error_t or the stats map's special rules (services/cmap does).
 * Invariants: entries are strictly ascending by key; every stored key
 * satisfied icmap_key_valid() when it was created; a value buffer is never
 * NULL (at least one byte is allocated); STRING values end with their NUL.
 * Trackers deleted while notifications run are only marked and are swept
 * when the outermost notification loop ends.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <chorus/icmap.h>

struct icmap_entry {
	char *key;
	enum icmap_type type;
	size_t len;
	void *value;
};

struct icmap_track {
	struct icmap_track *next;
	char *key;              /* "" with PREFIX: everything */
	size_t key_len;
	int flags;
	icmap_notify_fn fn;
	void *ctx;
	bool dead;              /* deleted while a notification loop ran */
};

struct icmap_strlist {
	char **items;
	size_t count;
	size_t cap;
};

struct icmap {
	struct icmap_entry *entries;
	size_t count;
	size_t cap;
	struct icmap_track *tracks;     /* in registration order */
	unsigned int notify_depth;      /* > 0 while trackers are being called */
	bool tracks_dirty;              /* dead trackers wait for the sweep */
	struct icmap_strlist ro_prefixes;
	struct icmap_strlist ro_keys;
};

#define ICMAP_TRACK_ALL (ICMAP_TRACK_ADD | ICMAP_TRACK_DELETE | ICMAP_TRACK_MODIFY | ICMAP_TRACK_PREFIX)

/* ---- types and names ------------------------------------------------------ */

const char *icmap_type_str(enum icmap_type type)
{
	switch (type) {
	case ICMAP_T_NONE: return "none";
	case ICMAP_T_INT8: return "int8";
	case ICMAP_T_UINT8: return "uint8";
	case ICMAP_T_INT16: return "int16";
	case ICMAP_T_UINT16: return "uint16";
	case ICMAP_T_INT32: return "int32";
	case ICMAP_T_UINT32: return "uint32";
	case ICMAP_T_INT64: return "int64";
	case ICMAP_T_UINT64: return "uint64";
	case ICMAP_T_FLOAT: return "float";
	case ICMAP_T_DOUBLE: return "double";
	case ICMAP_T_STRING: return "string";
	case ICMAP_T_BINARY: return "binary";
	}
	return "invalid";
}

int icmap_type_size(enum icmap_type type)
{
	switch (type) {
	case ICMAP_T_INT8:
	case ICMAP_T_UINT8:
		return 1;
	case ICMAP_T_INT16:
	case ICMAP_T_UINT16:
		return 2;
	case ICMAP_T_INT32:
	case ICMAP_T_UINT32:
	case ICMAP_T_FLOAT:
		return 4;
	case ICMAP_T_INT64:
	case ICMAP_T_UINT64:
	case ICMAP_T_DOUBLE:
		return 8;
	case ICMAP_T_STRING:
	case ICMAP_T_BINARY:
		return 0;
	case ICMAP_T_NONE:
		break;
	}
	return -1;
}

static bool icmap_char_valid(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '/' || c == ':' || c == '-';
}

bool icmap_key_valid(const char *key)
{
	size_t i;

	if (!key)
		return false;
	for (i = 0; key[i]; i++) {
		if (i >= ICMAP_KEYNAME_MAXLEN || !icmap_char_valid((unsigned char)key[i]))
			return false;
	}
	return i >= ICMAP_KEYNAME_MINLEN;
}

/* ---- lifetime --------------------------------------------------------------- */

struct icmap *icmap_new(void)
{
	return calloc(1, sizeof(struct icmap));
}

static void icmap_strlist_free(struct icmap_strlist *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void icmap_free(struct icmap *map)
{
	struct icmap_track *t, *next;

	if (!map)
		return;
	for (size_t i = 0; i < map->count; i++) {
		free(map->entries[i].key);
		free(map->entries[i].value);
	}
	free(map->entries);
	for (t = map->tracks; t; t = next) {
		next = t->next;
		free(t->key);
		free(t);
	}
	icmap_strlist_free(&map->ro_prefixes);
	icmap_strlist_free(&map->ro_keys);
	free(map);
}

size_t icmap_count(const struct icmap *map)
{
	return map ? map->count : 0;
}

/* ---- lookup --------------------------------------------------------------- */

/* First index whose key is >= key (or > key when after is set). */
static size_t icmap_bound(const struct icmap *map, const char *key, bool after)
{
	size_t lo = 0, hi = map->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(map->entries[mid].key, key);

		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct icmap_entry *icmap_find(const struct icmap *map, const char *key, size_t *ret_idx)
{
	size_t idx = icmap_bound(map, key, false);

	if (ret_idx)
		*ret_idx = idx;
	if (idx < map->count && strcmp(map->entries[idx].key, key) == 0)
		return &map->entries[idx];
	return NULL;
}

/* ---- tracking --------------------------------------------------------------- */

static bool icmap_track_matches(const struct icmap_track *t, const char *key, int event)
{
	if (t->dead || !(t->flags & event))
		return false;
	if (t->flags & ICMAP_TRACK_PREFIX)
		return strncmp(key, t->key, t->key_len) == 0;
	return strcmp(key, t->key) == 0;
}

static void icmap_tracks_sweep(struct icmap *map)
{
	struct icmap_track **pp = &map->tracks;

	while (*pp) {
		struct icmap_track *t = *pp;

		if (t->dead) {
			*pp = t->next;
			free(t->key);
			free(t);
		} else {
			pp = &t->next;
		}
	}
	map->tracks_dirty = false;
}

static void icmap_notify(struct icmap *map, int event, const char *key,
			 enum icmap_type new_type, const void *new_value, size_t new_len,
			 enum icmap_type old_type, const void *old_value, size_t old_len)
{
	struct icmap_track *t, *last;

	if (!map->tracks)
		return;
	/* Trackers added by a callback take effect from the next change. */
	for (last = map->tracks; last->next; last = last->next)
		;
	map->notify_depth++;
	for (t = map->tracks; t; t = t->next) {
		if (icmap_track_matches(t, key, event))
			t->fn(t->ctx, event, key, new_type, new_value, new_len,
			      old_type, old_value, old_len);
		if (t == last)
			break;
	}
	map->notify_depth--;
	if (map->notify_depth == 0 && map->tracks_dirty)
		icmap_tracks_sweep(map);
}

int icmap_track_add(struct icmap *map, const char *key, int flags, icmap_notify_fn fn,
		    void *ctx, struct icmap_track **ret_track)
{
	struct icmap_track *t, **pp;
	size_t key_len;

	if (!map || !fn || (flags & ~ICMAP_TRACK_ALL))
		return -EINVAL;
	if (!key)
		key = "";
	key_len = strlen(key);
	if (key_len > ICMAP_KEYNAME_MAXLEN)
		return -ENAMETOOLONG;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->key = strdup(key);
	if (!t->key) {
		free(t);
		return -ENOMEM;
	}
	t->key_len = key_len;
	t->flags = flags;
	t->fn = fn;
	t->ctx = ctx;
	for (pp = &map->tracks; *pp; pp = &(*pp)->next)
		;
	*pp = t;
	if (ret_track)
		*ret_track = t;
	return 0;
}

void icmap_track_delete(struct icmap *map, struct icmap_track *track)
{
	struct icmap_track **pp;

	if (!map || !track)
		return;
	for (pp = &map->tracks; *pp; pp = &(*pp)->next) {
		if (*pp != track)
			continue;
		if (map->notify_depth > 0) {
			track->dead = true;
			map->tracks_dirty = true;
		} else {
			*pp = track->next;
			free(track->key);
			free(track);
		}
		return;
	}
}

int icmap_track_flags(const struct icmap_track *track)
{
	return track ? track->flags : 0;
}

const char *icmap_track_key(const struct icmap_track *track)
{
	return track ? track->key : NULL;
}

/* ---- set ------------------------------------------------------------------ */

static int icmap_value_check(const void *value, size_t *len, enum icmap_type type)
{
	int size = icmap_type_size(type);

	if (size < 0 || type == ICMAP_T_NONE)
		return -EINVAL;
	if (*len > 0 && !value)
		return -EINVAL;
	if (size > 0)
		return *len == (size_t)size ? 0 : -EINVAL;
	if (type == ICMAP_T_STRING) {
		if (!value)
			return -EINVAL;
		*len = strnlen(value, *len) + 1;
	}
	return *len <= ICMAP_VALUE_MAXLEN ? 0 : -EINVAL;
}

/* Copy len bytes (STRING: len - 1 bytes and a NUL) into a new buffer. */
static void *icmap_value_dup(const void *value, size_t len, enum icmap_type type)
{
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return NULL;
	if (type == ICMAP_T_STRING) {
		memcpy(copy, value, len - 1);
		copy[len - 1] = '\0';
	} else if (len) {
		memcpy(copy, value, len);
	}
	return copy;
}

static int icmap_insert(struct icmap *map, size_t idx, const char *key, void *copy,
			size_t len, enum icmap_type type)
{
	struct icmap_entry *e;

	if (map->count == map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 64;
		struct icmap_entry *n = realloc(map->entries, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		map->entries = n;
		map->cap = cap;
	}
	e = &map->entries[idx];
	memmove(e + 1, e, (map->count - idx) * sizeof(*e));
	e->key = strdup(key);
	if (!e->key) {
		memmove(e, e + 1, (map->count - idx) * sizeof(*e));
		return -ENOMEM;
	}
	e->type = type;
	e->len = len;
	e->value = copy;
	map->count++;
	return 0;
}

int icmap_set(struct icmap *map, const char *key, const void *value, size_t len,
	      enum icmap_type type)
{
	struct icmap_entry *e;
	enum icmap_type old_type;
	size_t idx, old_len;
	void *copy, *old;
	int r;

	if (!map || !key)
		return -EINVAL;
	r = icmap_value_check(value, &len, type);
	if (r < 0)
		return r;
	e = icmap_find(map, key, &idx);
	if (e && e->type == type && e->len == len &&
	    (len == 0 || memcmp(e->value, value, type == ICMAP_T_STRING ? len - 1 : len) == 0))
		return 0;
	if (!e && !icmap_key_valid(key))
		return -ENAMETOOLONG;
	copy = icmap_value_dup(value, len, type);
	if (!copy)
		return -ENOMEM;
	if (!e) {
		r = icmap_insert(map, idx, key, copy, len, type);
		if (r < 0) {
			free(copy);
			return r;
		}
		e = &map->entries[idx];
		icmap_notify(map, ICMAP_TRACK_ADD, e->key, type, e->value, len,
			     ICMAP_T_NONE, NULL, 0);
		return 0;
	}
	old = e->value;
	old_type = e->type;
	old_len = e->len;
	e->value = copy;
	e->type = type;
	e->len = len;
	icmap_notify(map, ICMAP_TRACK_MODIFY, e->key, type, copy, len, old_type, old, old_len);
	free(old);
	return 0;
}

#define ICMAP_DEFINE_SET(suffix, ctype, tag)                                      \
	int icmap_set_##suffix(struct icmap *map, const char *key, ctype v)        \
	{                                                                          \
		return icmap_set(map, key, &v, sizeof(v), tag);                    \
	}

ICMAP_DEFINE_SET(int8, int8_t, ICMAP_T_INT8)
ICMAP_DEFINE_SET(uint8, uint8_t, ICMAP_T_UINT8)
ICMAP_DEFINE_SET(int16, int16_t, ICMAP_T_INT16)
ICMAP_DEFINE_SET(uint16, uint16_t, ICMAP_T_UINT16)
ICMAP_DEFINE_SET(int32, int32_t, ICMAP_T_INT32)
ICMAP_DEFINE_SET(uint32, uint32_t, ICMAP_T_UINT32)
ICMAP_DEFINE_SET(int64, int64_t, ICMAP_T_INT64)
ICMAP_DEFINE_SET(uint64, uint64_t, ICMAP_T_UINT64)
ICMAP_DEFINE_SET(float, float, ICMAP_T_FLOAT)
ICMAP_DEFINE_SET(double, double, ICMAP_T_DOUBLE)

int icmap_set_string(struct icmap *map, const char *key, const char *v)
{
	if (!v)
		return -EINVAL;
	return icmap_set(map, key, v, strlen(v) + 1, ICMAP_T_STRING);
}

/* ---- get ------------------------------------------------------------------ */

int icmap_get(const struct icmap *map, const char *key, const void **ret_value,
	      size_t *ret_len, enum icmap_type *ret_type)
{
	const struct icmap_entry *e;

	if (!map || !key)
		return -EINVAL;
	e = icmap_find(map, key, NULL);
	if (!e)
		return -ENOENT;
	if (ret_value)
		*ret_value = e->value;
	if (ret_len)
		*ret_len = e->len;
	if (ret_type)
		*ret_type = e->type;
	return 0;
}

static int icmap_get_typed(const struct icmap *map, const char *key, void *ret,
			   size_t size, enum icmap_type type)
{
	const void *value;
	enum icmap_type t;
	size_t len;
	int r;

	r = icmap_get(map, key, &value, &len, &t);
	if (r < 0)
		return r;
	if (t != type || len != size)
		return -EINVAL;
	if (ret)
		memcpy(ret, value, size);
	return 0;
}

#define ICMAP_DEFINE_GET(suffix, ctype, tag)                                             \
	int icmap_get_##suffix(const struct icmap *map, const char *key, ctype *ret)      \
	{                                                                                 \
		return icmap_get_typed(map, key, ret, sizeof(*ret), tag);                 \
	}

ICMAP_DEFINE_GET(int8, int8_t, ICMAP_T_INT8)
ICMAP_DEFINE_GET(uint8, uint8_t, ICMAP_T_UINT8)
ICMAP_DEFINE_GET(int16, int16_t, ICMAP_T_INT16)
ICMAP_DEFINE_GET(uint16, uint16_t, ICMAP_T_UINT16)
ICMAP_DEFINE_GET(int32, int32_t, ICMAP_T_INT32)
ICMAP_DEFINE_GET(uint32, uint32_t, ICMAP_T_UINT32)
ICMAP_DEFINE_GET(int64, int64_t, ICMAP_T_INT64)
ICMAP_DEFINE_GET(uint64, uint64_t, ICMAP_T_UINT64)
ICMAP_DEFINE_GET(float, float, ICMAP_T_FLOAT)
ICMAP_DEFINE_GET(double, double, ICMAP_T_DOUBLE)

int icmap_get_string(const struct icmap *map, const char *key, const char **ret)
{
	const void *value;
	enum icmap_type t;
	int r;

	r = icmap_get(map, key, &value, NULL, &t);
	if (r < 0)
		return r;
	if (t != ICMAP_T_STRING)
		return -EINVAL;
	if (ret)
		*ret = value;
	return 0;
}

/* ---- delete --------------------------------------------------------------- */

static void icmap_remove_at(struct icmap *map, size_t idx)
{
	struct icmap_entry e = map->entries[idx];

	memmove(&map->entries[idx], &map->entries[idx + 1],
		(map->count - idx - 1) * sizeof(map->entries[0]));
	map->count--;
	icmap_notify(map, ICMAP_TRACK_DELETE, e.key, ICMAP_T_NONE, NULL, 0,
		     e.type, e.value, e.len);
	free(e.key);
	free(e.value);
}

int icmap_delete(struct icmap *map, const char *key)
{
	size_t idx;

	if (!map || !key)
		return -EINVAL;
	if (!icmap_find(map, key, &idx))
		return -ENOENT;
	icmap_remove_at(map, idx);
	return 0;
}

int icmap_delete_prefix(struct icmap *map, const char *prefix)
{
	size_t idx, plen;
	int n = 0;

	if (!map)
		return -EINVAL;
	if (!prefix)
		prefix = "";
	plen = strlen(prefix);
	idx = icmap_bound(map, prefix, false);
	while (idx < map->count && strncmp(map->entries[idx].key, prefix, plen) == 0) {
		icmap_remove_at(map, idx);
		n++;
	}
	return n;
}

/* ---- adjust --------------------------------------------------------------- */

/* Add step in the unsigned representation of the value's width. */
static int icmap_add_step(void *value, enum icmap_type type, int32_t step)
{
	switch (type) {
	case ICMAP_T_INT8:
	case ICMAP_T_UINT8: {
		uint8_t v;

		memcpy(&v, value, sizeof(v));
		v = (uint8_t)(v + (uint8_t)step);
		memcpy(value, &v, sizeof(v));
		return 0;
	}
	case ICMAP_T_INT16:
	case ICMAP_T_UINT16: {
		uint16_t v;

		memcpy(&v, value, sizeof(v));
		v = (uint16_t)(v + (uint16_t)step);
		memcpy(value, &v, sizeof(v));
		return 0;
	}
	case ICMAP_T_INT32:
	case ICMAP_T_UINT32: {
		uint32_t v;

		memcpy(&v, value, sizeof(v));
		v += (uint32_t)step;
		memcpy(value, &v, sizeof(v));
		return 0;
	}
	case ICMAP_T_INT64:
	case ICMAP_T_UINT64: {
		uint64_t v;

		memcpy(&v, value, sizeof(v));
		v += (uint64_t)(int64_t)step;
		memcpy(value, &v, sizeof(v));
		return 0;
	}
	default:
		return -EINVAL;
	}
}

int icmap_adjust_int(struct icmap *map, const char *key, int32_t step)
{
	const struct icmap_entry *e;
	uint64_t buf;

	if (!map || !key)
		return -EINVAL;
	e = icmap_find(map, key, NULL);
	if (!e)
		return -ENOENT;
	if (icmap_type_size(e->type) <= 0 || e->type == ICMAP_T_FLOAT || e->type == ICMAP_T_DOUBLE)
		return -EINVAL;
	memcpy(&buf, e->value, e->len);
	if (icmap_add_step(&buf, e->type, step) < 0)
		return -EINVAL;
	/* Goes through icmap_set: MODIFY with the old value, nothing for step 0. */
	return icmap_set(map, key, &buf, e->len, e->type);
}

int icmap_fast_adjust_int(struct icmap *map, const char *key, int32_t step)
{
	struct icmap_entry *e;

	if (!map || !key)
		return -EINVAL;
	e = icmap_find(map, key, NULL);
	if (!e)
		return -ENOENT;
	/* Any integer type is accepted, not only the UINT32/UINT64 counters. */
	if (icmap_add_step(e->value, e->type, step) < 0)
		return -EINVAL;
	icmap_notify(map, ICMAP_TRACK_MODIFY, e->key, e->type, e->value, e->len,
		     ICMAP_T_NONE, NULL, 0);
	return 0;
}

/* ---- read-only marks ------------------------------------------------------ */

static int icmap_strlist_add(struct icmap_strlist *l, const char *s)
{
	char *copy;

	if (!s)
		return -EINVAL;
	if (strlen(s) > ICMAP_KEYNAME_MAXLEN)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i], s) == 0)
			return 0;
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **n = realloc(l->items, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->items = n;
		l->cap = cap;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	l->items[l->count++] = copy;
	return 0;
}

int icmap_set_ro_prefix(struct icmap *map, const char *prefix)
{
	if (!map)
		return -EINVAL;
	return icmap_strlist_add(&map->ro_prefixes, prefix);
}

int icmap_set_ro_key(struct icmap *map, const char *key)
{
	if (!map)
		return -EINVAL;
	return icmap_strlist_add(&map->ro_keys, key);
}

bool icmap_is_ro(const struct icmap *map, const char *key)
{
	if (!map || !key)
		return false;
	for (size_t i = 0; i < map->ro_keys.count; i++)
		if (strcmp(map->ro_keys.items[i], key) == 0)
			return true;
	for (size_t i = 0; i < map->ro_prefixes.count; i++) {
		const char *p = map->ro_prefixes.items[i];

		if (strncmp(key, p, strlen(p)) == 0)
			return true;
	}
	return false;
}

/* ---- iteration ------------------------------------------------------------ */

int icmap_iter_init(struct icmap_iter *it, const char *prefix)
{
	size_t len;

	if (!it)
		return -EINVAL;
	if (!prefix)
		prefix = "";
	len = strlen(prefix);
	if (len > ICMAP_KEYNAME_MAXLEN)
		return -ENAMETOOLONG;
	memset(it, 0, sizeof(*it));
	memcpy(it->prefix, prefix, len + 1);
	return 0;
}

const char *icmap_iter_next(const struct icmap *map, struct icmap_iter *it,
			    const void **ret_value, size_t *ret_len, enum icmap_type *ret_type)
{
	const struct icmap_entry *e;
	size_t idx, klen;

	if (!map || !it)
		return NULL;
	it->prefix[ICMAP_KEYNAME_MAXLEN] = '\0';
	it->last[ICMAP_KEYNAME_MAXLEN] = '\0';
	if (it->started)
		idx = icmap_bound(map, it->last, true);
	else
		idx = icmap_bound(map, it->prefix, false);
	if (idx >= map->count)
		return NULL;
	e = &map->entries[idx];
	if (strncmp(e->key, it->prefix, strlen(it->prefix)) != 0)
		return NULL;
	klen = strlen(e->key);
	if (klen > ICMAP_KEYNAME_MAXLEN)
		return NULL;    /* cannot happen: new keys are validated */
	memcpy(it->last, e->key, klen + 1);
	it->started = true;
	if (ret_value)
		*ret_value = e->value;
	if (ret_len)
		*ret_len = e->len;
	if (ret_type)
		*ret_type = e->type;
	return e->key;
}
