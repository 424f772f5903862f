/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the icmap store (services/cmap/icmap.c): every value type,
 * byte-wise ordering, prefix iteration under concurrent modification,
 * tracking events, read-only marks, the key-name rule and integer adjust
 * wrap-around.  Tests only the public API of include/chorus/icmap.h.
 */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chorus/icmap.h>

#include "test/check_common.h"

/* ---- event recorder ------------------------------------------------------- */

#define REC_MAX 64

struct rec_event {
	int event;
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	enum icmap_type new_type, old_type;
	size_t new_len, old_len;
	unsigned char new_value[64], old_value[64];
	bool new_null, old_null;
};

struct rec {
	struct rec_event ev[REC_MAX];
	size_t n;
	struct icmap *map;              /* for callbacks that act on the map */
	struct icmap_track *self;       /* deleted by rec_delete_self_fn */
	struct icmap_track *other;      /* added by rec_add_other_fn */
	size_t seen_count;              /* icmap_count seen inside the callback */
};

static void rec_fn(void *ctx, int event, const char *key,
		   enum icmap_type new_type, const void *new_value, size_t new_len,
		   enum icmap_type old_type, const void *old_value, size_t old_len)
{
	struct rec *r = ctx;
	struct rec_event *e;

	ck_assert_uint_lt(r->n, REC_MAX);
	e = &r->ev[r->n++];
	memset(e, 0, sizeof(*e));
	e->event = event;
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->new_type = new_type;
	e->old_type = old_type;
	e->new_len = new_len;
	e->old_len = old_len;
	e->new_null = new_value == NULL;
	e->old_null = old_value == NULL;
	if (new_value)
		memcpy(e->new_value, new_value, new_len < 64 ? new_len : 64);
	if (old_value)
		memcpy(e->old_value, old_value, old_len < 64 ? old_len : 64);
	if (r->map)
		r->seen_count = icmap_count(r->map);
}

static void rec_delete_self_fn(void *ctx, int event, const char *key,
			       enum icmap_type new_type, const void *new_value, size_t new_len,
			       enum icmap_type old_type, const void *old_value, size_t old_len)
{
	struct rec *r = ctx;

	rec_fn(ctx, event, key, new_type, new_value, new_len, old_type, old_value, old_len);
	icmap_track_delete(r->map, r->self);
	r->self = NULL;
}

static void rec_add_other_fn(void *ctx, int event, const char *key,
			     enum icmap_type new_type, const void *new_value, size_t new_len,
			     enum icmap_type old_type, const void *old_value, size_t old_len)
{
	struct rec *r = ctx;

	rec_fn(ctx, event, key, new_type, new_value, new_len, old_type, old_value, old_len);
	if (!r->other)
		ck_assert_int_eq(icmap_track_add(r->map, "", ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD |
						 ICMAP_TRACK_MODIFY, rec_fn, r, &r->other), 0);
}

/* ---- types ---------------------------------------------------------------- */

START_TEST(test_type_helpers)
{
	ck_assert_int_eq(icmap_type_size(ICMAP_T_INT8), 1);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_UINT8), 1);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_INT16), 2);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_UINT16), 2);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_INT32), 4);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_UINT32), 4);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_INT64), 8);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_UINT64), 8);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_FLOAT), 4);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_DOUBLE), 8);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_STRING), 0);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_BINARY), 0);
	ck_assert_int_eq(icmap_type_size(ICMAP_T_NONE), -1);
	ck_assert_int_eq(icmap_type_size((enum icmap_type)13), -1);
	ck_assert_str_eq(icmap_type_str(ICMAP_T_UINT32), "uint32");
	ck_assert_str_eq(icmap_type_str(ICMAP_T_STRING), "string");
	ck_assert_ptr_nonnull(icmap_type_str((enum icmap_type)99));
}
END_TEST

START_TEST(test_every_type)
{
	struct icmap *m = icmap_new();
	int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;
	int64_t i64; uint64_t u64; float f; double d; const char *s;
	const void *v; size_t len; enum icmap_type t;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(icmap_set_int8(m, "t.i8", -5), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "t.u8", 250), 0);
	ck_assert_int_eq(icmap_set_int16(m, "t.i16", -30000), 0);
	ck_assert_int_eq(icmap_set_uint16(m, "t.u16", 65000), 0);
	ck_assert_int_eq(icmap_set_int32(m, "t.i32", INT32_MIN), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "t.u32", UINT32_MAX), 0);
	ck_assert_int_eq(icmap_set_int64(m, "t.i64", INT64_MIN), 0);
	ck_assert_int_eq(icmap_set_uint64(m, "t.u64", UINT64_MAX), 0);
	ck_assert_int_eq(icmap_set_float(m, "t.flt", 1.5f), 0);
	ck_assert_int_eq(icmap_set_double(m, "t.dbl", -2.25), 0);
	ck_assert_int_eq(icmap_set_string(m, "t.str", "hello"), 0);
	ck_assert_int_eq(icmap_set(m, "t.bin", "\0\1\2", 3, ICMAP_T_BINARY), 0);
	ck_assert_uint_eq(icmap_count(m), 12);

	ck_assert_int_eq(icmap_get_int8(m, "t.i8", &i8), 0);       ck_assert_int_eq(i8, -5);
	ck_assert_int_eq(icmap_get_uint8(m, "t.u8", &u8), 0);      ck_assert_uint_eq(u8, 250);
	ck_assert_int_eq(icmap_get_int16(m, "t.i16", &i16), 0);    ck_assert_int_eq(i16, -30000);
	ck_assert_int_eq(icmap_get_uint16(m, "t.u16", &u16), 0);   ck_assert_uint_eq(u16, 65000);
	ck_assert_int_eq(icmap_get_int32(m, "t.i32", &i32), 0);    ck_assert_int_eq(i32, INT32_MIN);
	ck_assert_int_eq(icmap_get_uint32(m, "t.u32", &u32), 0);   ck_assert_uint_eq(u32, UINT32_MAX);
	ck_assert_int_eq(icmap_get_int64(m, "t.i64", &i64), 0);    ck_assert(i64 == INT64_MIN);
	ck_assert_int_eq(icmap_get_uint64(m, "t.u64", &u64), 0);   ck_assert(u64 == UINT64_MAX);
	ck_assert_int_eq(icmap_get_float(m, "t.flt", &f), 0);      ck_assert(f == 1.5f);
	ck_assert_int_eq(icmap_get_double(m, "t.dbl", &d), 0);     ck_assert(d == -2.25);
	ck_assert_int_eq(icmap_get_string(m, "t.str", &s), 0);     ck_assert_str_eq(s, "hello");

	/* STRING is stored with its NUL and the length counts it. */
	ck_assert_int_eq(icmap_get(m, "t.str", &v, &len, &t), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_int_eq(t, ICMAP_T_STRING);
	ck_assert_int_eq(memcmp(v, "hello", 6), 0);
	ck_assert_int_eq(icmap_get(m, "t.bin", &v, &len, &t), 0);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(t, ICMAP_T_BINARY);
	ck_assert_int_eq(memcmp(v, "\0\1\2", 3), 0);
	ck_assert_int_eq(icmap_get(m, "t.u32", NULL, NULL, NULL), 0);

	/* Typed getters need the exact type, and leave the output alone on failure. */
	u32 = 7;
	ck_assert_int_eq(icmap_get_uint32(m, "t.u8", &u32), -EINVAL);
	ck_assert_uint_eq(u32, 7);
	ck_assert_int_eq(icmap_get_uint8(m, "t.i8", &u8), -EINVAL);
	ck_assert_int_eq(icmap_get_string(m, "t.bin", &s), -EINVAL);
	ck_assert_int_eq(icmap_get_double(m, "t.flt", &d), -EINVAL);
	ck_assert_int_eq(icmap_get_uint32(m, "t.none", &u32), -ENOENT);
	ck_assert_int_eq(icmap_get(m, "t.none", &v, &len, &t), -ENOENT);

	/* An existing key may change type. */
	ck_assert_int_eq(icmap_set_string(m, "t.u8", "now a string"), 0);
	ck_assert_int_eq(icmap_get_string(m, "t.u8", &s), 0);
	ck_assert_str_eq(s, "now a string");
	ck_assert_uint_eq(icmap_count(m), 12);
	icmap_free(m);
}
END_TEST

START_TEST(test_set_validation)
{
	struct icmap *m = icmap_new();
	char *big = malloc(ICMAP_VALUE_MAXLEN + 2);
	const void *v;
	size_t len;
	uint32_t u32 = 1;

	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(icmap_set(m, "v.key", &u32, 4, ICMAP_T_NONE), -EINVAL);
	ck_assert_int_eq(icmap_set(m, "v.key", &u32, 4, (enum icmap_type)13), -EINVAL);
	ck_assert_int_eq(icmap_set(m, "v.key", &u32, 2, ICMAP_T_UINT32), -EINVAL);
	ck_assert_int_eq(icmap_set(m, "v.key", &u32, 8, ICMAP_T_UINT32), -EINVAL);
	ck_assert_int_eq(icmap_set(m, "v.key", NULL, 4, ICMAP_T_UINT32), -EINVAL);
	ck_assert_int_eq(icmap_set(m, NULL, &u32, 4, ICMAP_T_UINT32), -EINVAL);
	ck_assert_int_eq(icmap_set_string(m, "v.key", NULL), -EINVAL);
	ck_assert_uint_eq(icmap_count(m), 0);

	/* BINARY: 0..16384 bytes. */
	memset(big, 'x', ICMAP_VALUE_MAXLEN + 2);
	ck_assert_int_eq(icmap_set(m, "v.bin", big, ICMAP_VALUE_MAXLEN + 1, ICMAP_T_BINARY), -EINVAL);
	ck_assert_int_eq(icmap_set(m, "v.bin", big, ICMAP_VALUE_MAXLEN, ICMAP_T_BINARY), 0);
	ck_assert_int_eq(icmap_set(m, "v.empty", NULL, 0, ICMAP_T_BINARY), 0);
	ck_assert_int_eq(icmap_get(m, "v.empty", &v, &len, NULL), 0);
	ck_assert_uint_eq(len, 0);

	/* STRING: stored length (with NUL) at most 16384. */
	big[ICMAP_VALUE_MAXLEN] = '\0';
	ck_assert_int_eq(icmap_set_string(m, "v.str", big), -EINVAL);
	big[ICMAP_VALUE_MAXLEN - 1] = '\0';
	ck_assert_int_eq(icmap_set_string(m, "v.str", big), 0);
	ck_assert_int_eq(icmap_get(m, "v.str", NULL, &len, NULL), 0);
	ck_assert_uint_eq(len, ICMAP_VALUE_MAXLEN);

	/* STRING takes up to len bytes or the first NUL, and adds the NUL. */
	ck_assert_int_eq(icmap_set(m, "v.s2", "abcdef", 3, ICMAP_T_STRING), 0);
	ck_assert_int_eq(icmap_get(m, "v.s2", &v, &len, NULL), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_str_eq(v, "abc");
	ck_assert_int_eq(icmap_set(m, "v.s3", "ab\0cd", 5, ICMAP_T_STRING), 0);
	ck_assert_int_eq(icmap_get(m, "v.s3", &v, &len, NULL), 0);
	ck_assert_uint_eq(len, 3);
	ck_assert_str_eq(v, "ab");
	ck_assert_int_eq(icmap_set(m, "v.s4", "", 0, ICMAP_T_STRING), 0);
	ck_assert_int_eq(icmap_get(m, "v.s4", &v, &len, NULL), 0);
	ck_assert_uint_eq(len, 1);
	ck_assert_str_eq(v, "");
	free(big);
	icmap_free(m);
}
END_TEST

START_TEST(test_key_names)
{
	struct icmap *m = icmap_new();
	char name[300];

	ck_assert(!icmap_key_valid(NULL));
	ck_assert(!icmap_key_valid(""));
	ck_assert(!icmap_key_valid("ab"));
	ck_assert(icmap_key_valid("abc"));
	ck_assert(icmap_key_valid("A-Z_a.z/0:9"));
	ck_assert(!icmap_key_valid("to$ken"));
	ck_assert(!icmap_key_valid("with space"));
	ck_assert(!icmap_key_valid("tab\tkey"));
	ck_assert(!icmap_key_valid("utf\xc3\xa9"));

	ck_assert_int_eq(icmap_set_uint8(m, "ab", 1), -ENAMETOOLONG);
	ck_assert_int_eq(icmap_set_uint8(m, "to$ken", 1), -ENAMETOOLONG);
	ck_assert_int_eq(icmap_set_uint8(m, "a b c", 1), -ENAMETOOLONG);
	memset(name, 'k', sizeof(name));
	name[255] = '\0';
	ck_assert(icmap_key_valid(name));
	ck_assert_int_eq(icmap_set_uint8(m, name, 1), 0);
	name[255] = 'k';
	name[256] = '\0';
	ck_assert(!icmap_key_valid(name));
	ck_assert_int_eq(icmap_set_uint8(m, name, 1), -ENAMETOOLONG);
	ck_assert_int_eq(icmap_get(m, name, NULL, NULL, NULL), -ENOENT);
	ck_assert_uint_eq(icmap_count(m), 1);
	icmap_free(m);
}
END_TEST

/* ---- ordering and iteration ------------------------------------------------- */

static const char *const order_keys[] = {
	"nodelist.node.2.nodeid", "nodelist.node.10.nodeid", "nodelist.local_node_pos",
	"nodelist.node.1.ring0_addr", "nodelistX", "runtime.config.totem.token_retransmit",
	"runtime.config.totem.token", "totem.Upper", "totem._under", "totem.lower", "totem.0digit",
	"totem.", "abc", "abd", "Abc", "ab_c",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(test_ordering)
{
	struct icmap *m = icmap_new();
	size_t n = sizeof(order_keys) / sizeof(order_keys[0]);
	const char *sorted[sizeof(order_keys) / sizeof(order_keys[0])];
	struct icmap_iter it;
	const char *k;
	size_t i = 0;

	for (size_t j = 0; j < n; j++)
		ck_assert_int_eq(icmap_set_uint32(m, order_keys[j], (uint32_t)j), 0);
	memcpy(sorted, order_keys, sizeof(sorted));
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);

	ck_assert_int_eq(icmap_iter_init(&it, NULL), 0);
	while ((k = icmap_iter_next(m, &it, NULL, NULL, NULL)) != NULL) {
		ck_assert_uint_lt(i, n);
		ck_assert_str_eq(k, sorted[i]);
		i++;
	}
	ck_assert_uint_eq(i, n);
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));

	/* Spot checks of the byte order the spec promises. */
	ck_assert_int_lt(strcmp("nodelist.node.10.nodeid", "nodelist.node.2.nodeid"), 0);
	ck_assert_int_eq(icmap_iter_init(&it, "nodelist.node."), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "nodelist.node.1.ring0_addr");
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "nodelist.node.10.nodeid");
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "nodelist.node.2.nodeid");
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));

	ck_assert_int_eq(icmap_iter_init(&it, "runtime.config.totem.token"), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "runtime.config.totem.token");
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL),
			 "runtime.config.totem.token_retransmit");
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));

	/* '.' < digits < upper case < '_' < lower case */
	ck_assert_int_eq(icmap_iter_init(&it, "totem."), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "totem.");
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "totem.0digit");
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "totem.Upper");
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "totem._under");
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "totem.lower");
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));
	icmap_free(m);
}
END_TEST

START_TEST(test_prefix_iteration)
{
	struct icmap *m = icmap_new();
	struct icmap_iter it;
	const void *v;
	size_t len;
	enum icmap_type t;
	char big[300];
	int count = 0;

	ck_assert_int_eq(icmap_set_uint32(m, "nodelist.node.0.nodeid", 1), 0);
	ck_assert_int_eq(icmap_set_string(m, "nodelist.node.0.name", "n1"), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "nodelist.local_node_pos", 0), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "nodelistX", 9), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "nodelisa", 9), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "nodelisu", 9), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "totem.version", 2), 0);

	/* Plain string prefix: "nodelist" also matches "nodelistX". */
	ck_assert_int_eq(icmap_iter_init(&it, "nodelist"), 0);
	while (icmap_iter_next(m, &it, NULL, NULL, NULL))
		count++;
	ck_assert_int_eq(count, 4);

	ck_assert_int_eq(icmap_iter_init(&it, "nodelist.node.0.name"), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, &v, &len, &t), "nodelist.node.0.name");
	ck_assert_int_eq(t, ICMAP_T_STRING);
	ck_assert_uint_eq(len, 3);
	ck_assert_str_eq(v, "n1");
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));

	ck_assert_int_eq(icmap_iter_init(&it, "zzz"), 0);
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));
	ck_assert_int_eq(icmap_iter_init(&it, "a"), 0);
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));
	ck_assert_int_eq(icmap_iter_init(&it, ""), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "nodelisa");

	memset(big, 'p', sizeof(big));
	big[256] = '\0';
	ck_assert_int_eq(icmap_iter_init(&it, big), -ENAMETOOLONG);
	big[255] = '\0';
	ck_assert_int_eq(icmap_iter_init(&it, big), 0);
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));

	/* An empty map iterates nothing. */
	icmap_free(m);
	m = icmap_new();
	ck_assert_int_eq(icmap_iter_init(&it, NULL), 0);
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));
	icmap_free(m);
}
END_TEST

START_TEST(test_iteration_concurrent_modification)
{
	struct icmap *m = icmap_new();
	struct icmap_iter it;

	ck_assert_int_eq(icmap_set_uint8(m, "p.b", 1), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "p.d", 1), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "p.f", 1), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "p.h", 1), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "q.x", 1), 0);

	ck_assert_int_eq(icmap_iter_init(&it, "p."), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "p.b");
	/* Delete the current key and the next one, add one before and one after. */
	ck_assert_int_eq(icmap_delete(m, "p.b"), 0);
	ck_assert_int_eq(icmap_delete(m, "p.d"), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "p.a", 1), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "p.e", 1), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "p.e");
	/* Re-adding the last returned key does not make it come back. */
	ck_assert_int_eq(icmap_set_uint8(m, "p.e", 2), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "p.f");
	/* Wipe everything: the iterator ends cleanly. */
	ck_assert_int_eq(icmap_delete_prefix(m, "p."), 4);
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));
	ck_assert_int_eq(icmap_set_uint8(m, "p.z", 1), 0);
	ck_assert_str_eq(icmap_iter_next(m, &it, NULL, NULL, NULL), "p.z");
	ck_assert_ptr_null(icmap_iter_next(m, &it, NULL, NULL, NULL));
	ck_assert_uint_eq(icmap_count(m), 2);
	icmap_free(m);
}
END_TEST

START_TEST(test_many_keys)
{
	struct icmap *m = icmap_new();
	struct icmap_iter it;
	char key[64], prev[ICMAP_KEYNAME_MAXLEN + 1] = "";
	const char *k;
	uint32_t v;
	size_t n = 0;

	/* Insert in a scrambled order. */
	for (uint32_t i = 0; i < 3000; i++) {
		uint32_t j = (i * 7919u) % 3000u;

		snprintf(key, sizeof(key), "runtime.members.%u.config_version", j);
		ck_assert_int_eq(icmap_set_uint32(m, key, j), 0);
	}
	ck_assert_uint_eq(icmap_count(m), 3000);
	for (uint32_t j = 0; j < 3000; j += 37) {
		snprintf(key, sizeof(key), "runtime.members.%u.config_version", j);
		ck_assert_int_eq(icmap_get_uint32(m, key, &v), 0);
		ck_assert_uint_eq(v, j);
	}
	ck_assert_int_eq(icmap_iter_init(&it, "runtime.members.1"), 0);
	while ((k = icmap_iter_next(m, &it, NULL, NULL, NULL)) != NULL) {
		ck_assert_int_lt(strcmp(prev, k), 0);
		snprintf(prev, sizeof(prev), "%s", k);
		n++;
	}
	ck_assert_uint_eq(n, 1 + 10 + 100 + 1000);
	ck_assert_int_eq(icmap_delete_prefix(m, "runtime.members.2"), 1111);
	ck_assert_uint_eq(icmap_count(m), 3000 - 1111);
	ck_assert_int_eq(icmap_delete_prefix(m, NULL), 3000 - 1111);
	ck_assert_uint_eq(icmap_count(m), 0);
	icmap_free(m);
}
END_TEST

/* ---- delete --------------------------------------------------------------- */

START_TEST(test_delete)
{
	struct icmap *m = icmap_new();

	ck_assert_int_eq(icmap_delete(m, "d.key"), -ENOENT);
	ck_assert_int_eq(icmap_set_uint8(m, "d.key", 1), 0);
	ck_assert_int_eq(icmap_delete(m, "d.key"), 0);
	ck_assert_int_eq(icmap_delete(m, "d.key"), -ENOENT);
	ck_assert_int_eq(icmap_get(m, "d.key", NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(icmap_delete_prefix(m, "d."), 0);
	ck_assert_uint_eq(icmap_count(m), 0);
	icmap_free(NULL);
	icmap_free(m);
}
END_TEST

/* ---- tracking --------------------------------------------------------------- */

START_TEST(test_track_exact)
{
	struct icmap *m = icmap_new();
	struct rec *r = calloc(1, sizeof(*r));
	struct icmap_track *t = NULL;
	uint32_t u;

	ck_assert_int_eq(icmap_track_add(m, "a.key", ICMAP_TRACK_ADD | ICMAP_TRACK_MODIFY |
					 ICMAP_TRACK_DELETE, rec_fn, r, &t), 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(icmap_track_key(t), "a.key");
	ck_assert_int_eq(icmap_track_flags(t), 7);

	/* Tracking a key that does not exist yet: ADD fires on creation. */
	ck_assert_int_eq(icmap_set_uint32(m, "a.key", 5), 0);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_int_eq(r->ev[0].event, ICMAP_TRACK_ADD);
	ck_assert_str_eq(r->ev[0].key, "a.key");
	ck_assert_int_eq(r->ev[0].new_type, ICMAP_T_UINT32);
	ck_assert_uint_eq(r->ev[0].new_len, 4);
	memcpy(&u, r->ev[0].new_value, 4);
	ck_assert_uint_eq(u, 5);
	ck_assert_int_eq(r->ev[0].old_type, ICMAP_T_NONE);
	ck_assert_uint_eq(r->ev[0].old_len, 0);
	ck_assert(r->ev[0].old_null);

	/* Same value: nothing. */
	ck_assert_int_eq(icmap_set_uint32(m, "a.key", 5), 0);
	ck_assert_uint_eq(r->n, 1);
	/* Same bytes, other type: MODIFY. */
	ck_assert_int_eq(icmap_set_int32(m, "a.key", 5), 0);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_int_eq(r->ev[1].event, ICMAP_TRACK_MODIFY);
	ck_assert_int_eq(r->ev[1].new_type, ICMAP_T_INT32);
	ck_assert_int_eq(r->ev[1].old_type, ICMAP_T_UINT32);
	/* New value and type, old value kept for the callback. */
	ck_assert_int_eq(icmap_set_string(m, "a.key", "str"), 0);
	ck_assert_uint_eq(r->n, 3);
	ck_assert_int_eq(r->ev[2].event, ICMAP_TRACK_MODIFY);
	ck_assert_int_eq(r->ev[2].new_type, ICMAP_T_STRING);
	ck_assert_uint_eq(r->ev[2].new_len, 4);
	ck_assert_str_eq((char *)r->ev[2].new_value, "str");
	ck_assert_uint_eq(r->ev[2].old_len, 4);
	memcpy(&u, r->ev[2].old_value, 4);
	ck_assert_uint_eq(u, 5);
	ck_assert_int_eq(icmap_set_string(m, "a.key", "str"), 0);
	ck_assert_uint_eq(r->n, 3);

	/* Other keys, including extensions of the tracked name, do not fire. */
	ck_assert_int_eq(icmap_set_uint8(m, "a.key2", 1), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "a.ke", 1), 0);
	ck_assert_uint_eq(r->n, 3);

	ck_assert_int_eq(icmap_delete(m, "a.key"), 0);
	ck_assert_uint_eq(r->n, 4);
	ck_assert_int_eq(r->ev[3].event, ICMAP_TRACK_DELETE);
	ck_assert_int_eq(r->ev[3].new_type, ICMAP_T_NONE);
	ck_assert_uint_eq(r->ev[3].new_len, 0);
	ck_assert(r->ev[3].new_null);
	ck_assert_int_eq(r->ev[3].old_type, ICMAP_T_STRING);
	ck_assert_str_eq((char *)r->ev[3].old_value, "str");

	icmap_track_delete(m, t);
	ck_assert_int_eq(icmap_set_uint8(m, "a.key", 1), 0);
	ck_assert_uint_eq(r->n, 4);
	icmap_track_delete(m, NULL);
	icmap_free(m);
	free(r);
}
END_TEST

START_TEST(test_track_flags_and_prefix)
{
	struct icmap *m = icmap_new();
	struct rec *adds = calloc(1, sizeof(*adds)), *all = calloc(1, sizeof(*all));
	struct rec *none = calloc(1, sizeof(*none)), *mod = calloc(1, sizeof(*mod));
	struct icmap_track *t = NULL;

	ck_assert_int_eq(icmap_track_add(m, "x.y", 16, rec_fn, none, &t), -EINVAL);
	ck_assert_int_eq(icmap_track_add(m, "x.y", -1, rec_fn, none, &t), -EINVAL);
	ck_assert_int_eq(icmap_track_add(m, "x.y", ICMAP_TRACK_ADD, NULL, none, &t), -EINVAL);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(icmap_track_add(m, "nodelist", ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD,
					 rec_fn, adds, NULL), 0);
	ck_assert_int_eq(icmap_track_add(m, NULL, ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD |
					 ICMAP_TRACK_DELETE | ICMAP_TRACK_MODIFY, rec_fn, all, &t), 0);
	ck_assert_str_eq(icmap_track_key(t), "");
	ck_assert_int_eq(icmap_track_add(m, "nodelist.node.0.nodeid", 0, rec_fn, none, NULL), 0);
	ck_assert_int_eq(icmap_track_add(m, "nodelist.node.0.", ICMAP_TRACK_PREFIX |
					 ICMAP_TRACK_MODIFY, rec_fn, mod, NULL), 0);

	ck_assert_int_eq(icmap_set_uint32(m, "nodelist.node.0.nodeid", 1), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "nodelistX", 1), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "totem.token", 1000), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "nodelist.node.0.nodeid", 2), 0);
	ck_assert_int_eq(icmap_delete(m, "nodelist.node.0.nodeid"), 0);

	ck_assert_uint_eq(adds->n, 2);
	ck_assert_str_eq(adds->ev[0].key, "nodelist.node.0.nodeid");
	ck_assert_str_eq(adds->ev[1].key, "nodelistX");
	ck_assert_int_eq(adds->ev[1].event, ICMAP_TRACK_ADD);
	ck_assert_uint_eq(all->n, 5);
	ck_assert_int_eq(all->ev[0].event, ICMAP_TRACK_ADD);
	ck_assert_int_eq(all->ev[3].event, ICMAP_TRACK_MODIFY);
	ck_assert_int_eq(all->ev[4].event, ICMAP_TRACK_DELETE);
	ck_assert_uint_eq(none->n, 0);
	ck_assert_uint_eq(mod->n, 1);
	ck_assert_int_eq(mod->ev[0].event, ICMAP_TRACK_MODIFY);

	/* delete_prefix fires one DELETE per key. */
	ck_assert_int_eq(icmap_delete_prefix(m, "nodelist"), 1);
	ck_assert_uint_eq(all->n, 6);
	ck_assert_int_eq(all->ev[5].event, ICMAP_TRACK_DELETE);
	ck_assert_str_eq(all->ev[5].key, "nodelistX");

	/* Freeing a map with live trackers frees them without calling them. */
	icmap_free(m);
	ck_assert_uint_eq(all->n, 6);
	free(adds); free(all); free(none); free(mod);
}
END_TEST

START_TEST(test_track_delete_in_callback)
{
	struct icmap *m = icmap_new();
	struct rec *self = calloc(1, sizeof(*self)), *after = calloc(1, sizeof(*after));
	struct rec *adder = calloc(1, sizeof(*adder));

	self->map = m;
	adder->map = m;
	ck_assert_int_eq(icmap_track_add(m, "k.", ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD |
					 ICMAP_TRACK_MODIFY, rec_delete_self_fn, self, &self->self), 0);
	ck_assert_int_eq(icmap_track_add(m, "k.", ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD |
					 ICMAP_TRACK_MODIFY, rec_fn, after, NULL), 0);
	ck_assert_int_eq(icmap_track_add(m, "k.one", ICMAP_TRACK_ADD, rec_add_other_fn, adder,
					 NULL), 0);

	ck_assert_int_eq(icmap_set_uint8(m, "k.one", 1), 0);
	/* The self-deleting tracker fired once, the next one still ran. */
	ck_assert_uint_eq(self->n, 1);
	ck_assert_ptr_null(self->self);
	ck_assert_uint_eq(after->n, 1);
	/* The callback saw the map after the change. */
	ck_assert_uint_eq(self->seen_count, 1);
	/* A tracker added from a callback fires from the next change on. */
	ck_assert_uint_eq(adder->n, 1);
	ck_assert_ptr_nonnull(adder->other);

	ck_assert_int_eq(icmap_set_uint8(m, "k.one", 2), 0);
	ck_assert_uint_eq(self->n, 1);
	ck_assert_uint_eq(after->n, 2);
	ck_assert_uint_eq(adder->n, 2);     /* through adder->other (MODIFY) */
	ck_assert_int_eq(adder->ev[1].event, ICMAP_TRACK_MODIFY);
	icmap_free(m);
	free(self); free(after); free(adder);
}
END_TEST

START_TEST(test_fast_adjust)
{
	struct icmap *m = icmap_new();
	struct rec *r = calloc(1, sizeof(*r));
	uint64_t u64;
	uint32_t u32;

	ck_assert_int_eq(icmap_set_uint64(m, "runtime.services.cmap.0.rx", 0), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "c.u32", UINT32_MAX), 0);
	ck_assert_int_eq(icmap_set_string(m, "c.str", "x"), 0);
	ck_assert_int_eq(icmap_track_add(m, "", ICMAP_TRACK_PREFIX | ICMAP_TRACK_MODIFY, rec_fn, r,
					 NULL), 0);
	ck_assert_int_eq(icmap_fast_adjust_int(m, "runtime.services.cmap.0.rx", 1), 0);
	ck_assert_int_eq(icmap_fast_adjust_int(m, "runtime.services.cmap.0.rx", 1), 0);
	ck_assert_int_eq(icmap_get_uint64(m, "runtime.services.cmap.0.rx", &u64), 0);
	ck_assert(u64 == 2);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_int_eq(r->ev[1].event, ICMAP_TRACK_MODIFY);
	ck_assert_int_eq(r->ev[1].new_type, ICMAP_T_UINT64);
	ck_assert_uint_eq(r->ev[1].new_len, 8);
	memcpy(&u64, r->ev[1].new_value, 8);
	ck_assert(u64 == 2);
	ck_assert_int_eq(r->ev[1].old_type, ICMAP_T_NONE);
	ck_assert_uint_eq(r->ev[1].old_len, 0);
	ck_assert(r->ev[1].old_null);

	ck_assert_int_eq(icmap_fast_adjust_int(m, "c.u32", 1), 0);
	ck_assert_int_eq(icmap_get_uint32(m, "c.u32", &u32), 0);
	ck_assert_uint_eq(u32, 0);
	ck_assert_int_eq(icmap_fast_adjust_int(m, "c.str", 1), -EINVAL);
	ck_assert_int_eq(icmap_fast_adjust_int(m, "c.none", 1), -ENOENT);
	ck_assert_uint_eq(r->n, 3);
	icmap_free(m);
	free(r);
}
END_TEST

/* ---- adjust --------------------------------------------------------------- */

START_TEST(test_adjust_wrap)
{
	struct icmap *m = icmap_new();
	struct rec *r = calloc(1, sizeof(*r));
	int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;
	int64_t i64; uint64_t u64;

	ck_assert_int_eq(icmap_set_int8(m, "a.i8", 127), 0);
	ck_assert_int_eq(icmap_set_uint8(m, "a.u8", 255), 0);
	ck_assert_int_eq(icmap_set_int16(m, "a.i16", INT16_MIN), 0);
	ck_assert_int_eq(icmap_set_uint16(m, "a.u16", 0), 0);
	ck_assert_int_eq(icmap_set_int32(m, "a.i32", INT32_MAX), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "a.u32", 10), 0);
	ck_assert_int_eq(icmap_set_int64(m, "a.i64", INT64_MAX), 0);
	ck_assert_int_eq(icmap_set_uint64(m, "a.u64", 0), 0);
	ck_assert_int_eq(icmap_set_float(m, "a.flt", 1.0f), 0);
	ck_assert_int_eq(icmap_set_double(m, "a.dbl", 1.0), 0);
	ck_assert_int_eq(icmap_set_string(m, "a.str", "1"), 0);
	ck_assert_int_eq(icmap_set(m, "a.bin", "\1", 1, ICMAP_T_BINARY), 0);
	ck_assert_int_eq(icmap_track_add(m, "a.", ICMAP_TRACK_PREFIX | ICMAP_TRACK_MODIFY, rec_fn,
					 r, NULL), 0);

	ck_assert_int_eq(icmap_adjust_int(m, "a.i8", 1), 0);
	ck_assert_int_eq(icmap_get_int8(m, "a.i8", &i8), 0);
	ck_assert_int_eq(i8, -128);
	ck_assert_int_eq(icmap_adjust_int(m, "a.u8", 2), 0);
	ck_assert_int_eq(icmap_get_uint8(m, "a.u8", &u8), 0);
	ck_assert_uint_eq(u8, 1);
	ck_assert_int_eq(icmap_adjust_int(m, "a.i16", -1), 0);
	ck_assert_int_eq(icmap_get_int16(m, "a.i16", &i16), 0);
	ck_assert_int_eq(i16, INT16_MAX);
	ck_assert_int_eq(icmap_adjust_int(m, "a.u16", -1), 0);
	ck_assert_int_eq(icmap_get_uint16(m, "a.u16", &u16), 0);
	ck_assert_uint_eq(u16, 65535);
	ck_assert_int_eq(icmap_adjust_int(m, "a.i32", 1), 0);
	ck_assert_int_eq(icmap_get_int32(m, "a.i32", &i32), 0);
	ck_assert_int_eq(i32, INT32_MIN);
	ck_assert_int_eq(icmap_adjust_int(m, "a.u32", -11), 0);
	ck_assert_int_eq(icmap_get_uint32(m, "a.u32", &u32), 0);
	ck_assert_uint_eq(u32, UINT32_MAX);
	ck_assert_int_eq(icmap_adjust_int(m, "a.i64", 1), 0);
	ck_assert_int_eq(icmap_get_int64(m, "a.i64", &i64), 0);
	ck_assert(i64 == INT64_MIN);
	ck_assert_int_eq(icmap_adjust_int(m, "a.u64", -1), 0);
	ck_assert_int_eq(icmap_get_uint64(m, "a.u64", &u64), 0);
	ck_assert(u64 == UINT64_MAX);
	ck_assert_int_eq(icmap_adjust_int(m, "a.u64", INT32_MIN), 0);
	ck_assert_int_eq(icmap_get_uint64(m, "a.u64", &u64), 0);
	ck_assert(u64 == UINT64_MAX - 2147483648ull);
	ck_assert_uint_eq(r->n, 9);
	ck_assert_int_eq(r->ev[0].event, ICMAP_TRACK_MODIFY);
	ck_assert_int_eq(r->ev[0].old_type, ICMAP_T_INT8);
	ck_assert_int_eq((int8_t)r->ev[0].old_value[0], 127);
	ck_assert_int_eq((int8_t)r->ev[0].new_value[0], -128);

	/* Step 0 changes nothing and fires nothing. */
	ck_assert_int_eq(icmap_adjust_int(m, "a.u32", 0), 0);
	ck_assert_uint_eq(r->n, 9);

	ck_assert_int_eq(icmap_adjust_int(m, "a.flt", 1), -EINVAL);
	ck_assert_int_eq(icmap_adjust_int(m, "a.dbl", 1), -EINVAL);
	ck_assert_int_eq(icmap_adjust_int(m, "a.str", 1), -EINVAL);
	ck_assert_int_eq(icmap_adjust_int(m, "a.bin", 1), -EINVAL);
	ck_assert_int_eq(icmap_adjust_int(m, "a.none", 1), -ENOENT);
	ck_assert_uint_eq(r->n, 9);
	icmap_free(m);
	free(r);
}
END_TEST

/* ---- read-only marks ------------------------------------------------------ */

START_TEST(test_ro_marks)
{
	struct icmap *m = icmap_new();
	char big[300];

	ck_assert(!icmap_is_ro(m, "nodelist.node.0.nodeid"));
	ck_assert_int_eq(icmap_set_ro_prefix(m, "nodelist."), 0);
	ck_assert_int_eq(icmap_set_ro_prefix(m, "nodelist."), 0);
	ck_assert_int_eq(icmap_set_ro_key(m, "totem.version"), 0);
	ck_assert(icmap_is_ro(m, "nodelist.node.0.nodeid"));
	ck_assert(icmap_is_ro(m, "nodelist."));
	ck_assert(!icmap_is_ro(m, "nodelist"));
	ck_assert(!icmap_is_ro(m, "nodelistX"));
	ck_assert(icmap_is_ro(m, "totem.version"));
	ck_assert(!icmap_is_ro(m, "totem.version2"));
	ck_assert(!icmap_is_ro(m, "totem.versio"));
	ck_assert(!icmap_is_ro(m, NULL));
	/* Advice only: the store itself still accepts changes. */
	ck_assert_int_eq(icmap_set_uint32(m, "totem.version", 2), 0);
	ck_assert_int_eq(icmap_set_uint32(m, "nodelist.node.0.nodeid", 1), 0);
	ck_assert_int_eq(icmap_delete(m, "nodelist.node.0.nodeid"), 0);

	ck_assert_int_eq(icmap_set_ro_key(m, NULL), -EINVAL);
	memset(big, 'r', sizeof(big));
	big[299] = '\0';
	ck_assert_int_eq(icmap_set_ro_prefix(m, big), -ENAMETOOLONG);
	icmap_free(m);
}
END_TEST

static Suite *icmap_suite(void)
{
	Suite *s = suite_create("icmap");
	TCase *tc;

	add_tcase(s, tc, test_type_helpers);
	add_tcase(s, tc, test_every_type);
	add_tcase(s, tc, test_set_validation);
	add_tcase(s, tc, test_key_names);
	add_tcase(s, tc, test_ordering);
	add_tcase(s, tc, test_prefix_iteration);
	add_tcase(s, tc, test_iteration_concurrent_modification);
	add_tcase(s, tc, test_many_keys);
	add_tcase(s, tc, test_delete);
	add_tcase(s, tc, test_track_exact);
	add_tcase(s, tc, test_track_flags_and_prefix);
	add_tcase(s, tc, test_track_delete_in_callback);
	add_tcase(s, tc, test_fast_adjust);
	add_tcase(s, tc, test_adjust_wrap);
	add_tcase(s, tc, test_ro_marks);
	return s;
}

int main(void)
{
	return check_run_suite(icmap_suite());
}
