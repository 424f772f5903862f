/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the cmap service (services/cmap/cmap_service.c) on the fake
 * host (test/fakes): every request's success and error paths with the exact
 * reply ids and sizes libcmap.so.4 expects, handle tables, disconnect
 * cleanup, notification layout, the stats map rules and the config_version
 * totem message.  Requests are built byte for byte as libcmap builds them.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chorus/icmap.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_cmap.h>

#include "services/cmap/cmap_service.h"
#include "test/check_common.h"
#include "test/fakes/fake_host.h"

struct env {
	struct fake_host *h;
	struct svc_conn *c;
	struct icmap *cmap;
	struct icmap *stats;
};

static void env_init(struct env *e)
{
	ck_assert_int_eq(fake_host_new(&cmap_service_def, 1, &e->h), 0);
	ck_assert_int_eq(fake_conn_open(e->h, 100, 0, 0, &e->c), 0);
	e->cmap = fake_host_cmap(e->h);
	e->stats = fake_host_stats(e->h);
}

static void env_fini(struct env *e)
{
	fake_host_free(e->h);
}

/* ---- request helpers -------------------------------------------------------- */

union set_buf {
	struct req_lib_cmap_set req;
	uint8_t bytes[sizeof(struct req_lib_cmap_set) + ICMAP_VALUE_MAXLEN + 64];
};

static void hdr_fill(void *req, int32_t id, size_t len)
{
	struct qb_ipc_request_header *h = req;

	h->id = id;
	h->size = (int32_t)len;
}

/* Run one request that must get exactly one well-formed reply. */
static const struct fake_msg *call(struct svc_conn *c, const void *req, size_t len)
{
	size_t n = fake_conn_reply_count(c);

	ck_assert_int_eq(fake_conn_request(c, req, len), 0);
	ck_assert_uint_eq(fake_conn_reply_count(c), n + 1);
	ck_assert_uint_eq(fake_conn_bad_sizes(c), 0);
	return fake_conn_reply(c, n);
}

static cs_error_t reply_check(const struct fake_msg *m, int32_t id, size_t size)
{
	const struct qb_ipc_response_header *h = (const void *)m->data;

	ck_assert_int_eq(h->id, id);
	ck_assert_int_eq(h->size, (int32_t)size);
	ck_assert_uint_eq(m->len, size);
	return (cs_error_t)h->error;
}

static cs_error_t set_claim(struct svc_conn *c, const char *key, uint8_t type, const void *value,
			    size_t vlen, uint64_t claimed_len)
{
	static const size_t head = sizeof(struct req_lib_cmap_set);
	union set_buf *b = calloc(1, sizeof(*b));
	const struct fake_msg *m;

	ck_assert_ptr_nonnull(b);
	mar_name_set(&b->req.key_name, key);
	b->req.value_len = claimed_len;
	b->req.type = type;
	if (vlen)
		memcpy(b->bytes + head, value, vlen);
	hdr_fill(b, MESSAGE_REQ_CMAP_SET, head + vlen);
	m = call(c, b, head + vlen);
	free(b);
	return reply_check(m, MESSAGE_RES_CMAP_SET, 24);
}

static cs_error_t set_raw(struct svc_conn *c, const char *key, uint8_t type, const void *value,
			  size_t vlen)
{
	return set_claim(c, key, type, value, vlen, vlen);
}

/* As libcmap's cmap_set_string: the string without its NUL. */
static cs_error_t set_str(struct svc_conn *c, const char *key, const char *s)
{
	return set_raw(c, key, ICMAP_T_STRING, s, strlen(s));
}

static cs_error_t set_u32(struct svc_conn *c, const char *key, uint32_t v)
{
	return set_raw(c, key, ICMAP_T_UINT32, &v, sizeof(v));
}

static cs_error_t del(struct svc_conn *c, const char *key)
{
	struct req_lib_cmap_delete req;

	memset(&req, 0, sizeof(req));
	mar_name_set(&req.key_name, key);
	hdr_fill(&req, MESSAGE_REQ_CMAP_DELETE, sizeof(req));
	return reply_check(call(c, &req, sizeof(req)), MESSAGE_RES_CMAP_DELETE, 24);
}

/* GET with capacity cap; returns the reply, checks id and the size rule. */
static const struct res_lib_cmap_get *get(struct svc_conn *c, const char *key, uint64_t cap,
					  size_t expect_size, cs_error_t expect_err)
{
	struct req_lib_cmap_get req;
	const struct fake_msg *m;

	memset(&req, 0, sizeof(req));
	mar_name_set(&req.key_name, key);
	req.value_len = cap;
	hdr_fill(&req, MESSAGE_REQ_CMAP_GET, sizeof(req));
	m = call(c, &req, sizeof(req));
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CMAP_GET, expect_size), expect_err);
	return (const void *)m->data;
}

static cs_error_t adjust(struct svc_conn *c, const char *key, int32_t step)
{
	struct req_lib_cmap_adjust_int req;

	memset(&req, 0, sizeof(req));
	mar_name_set(&req.key_name, key);
	req.step = step;
	hdr_fill(&req, MESSAGE_REQ_CMAP_ADJUST_INT, sizeof(req));
	return reply_check(call(c, &req, sizeof(req)), MESSAGE_RES_CMAP_ADJUST_INT, 24);
}

static cs_error_t iter_init(struct svc_conn *c, const char *prefix, uint64_t *ret_handle)
{
	struct req_lib_cmap_iter_init req;
	const struct fake_msg *m;
	const struct res_lib_cmap_iter_init *res;
	cs_error_t err;

	memset(&req, 0, sizeof(req));
	if (prefix)
		mar_name_set(&req.prefix, prefix);
	hdr_fill(&req, MESSAGE_REQ_CMAP_ITER_INIT, sizeof(req));
	m = call(c, &req, sizeof(req));
	err = reply_check(m, MESSAGE_RES_CMAP_ITER_INIT, 32);
	res = (const void *)m->data;
	*ret_handle = res->iter_handle;
	return err;
}

static cs_error_t iter_next(struct svc_conn *c, uint64_t handle, char *ret_key,
			    uint64_t *ret_len, uint8_t *ret_type)
{
	struct req_lib_cmap_iter_next req;
	const struct res_lib_cmap_iter_next *res;
	const struct fake_msg *m;
	cs_error_t err;

	memset(&req, 0, sizeof(req));
	req.iter_handle = handle;
	hdr_fill(&req, MESSAGE_REQ_CMAP_ITER_NEXT, sizeof(req));
	m = call(c, &req, sizeof(req));
	err = reply_check(m, MESSAGE_RES_CMAP_ITER_NEXT, 304);
	res = (const void *)m->data;
	if (err == CS_OK) {
		ck_assert_uint_eq(res->key_name.length, strlen((const char *)res->key_name.value));
		if (ret_key)
			memcpy(ret_key, res->key_name.value, 256);
		if (ret_len)
			*ret_len = res->value_len;
		if (ret_type)
			*ret_type = res->type;
	}
	return err;
}

static cs_error_t iter_fin(struct svc_conn *c, uint64_t handle)
{
	struct req_lib_cmap_iter_finalize req;

	memset(&req, 0, sizeof(req));
	req.iter_handle = handle;
	hdr_fill(&req, MESSAGE_REQ_CMAP_ITER_FINALIZE, sizeof(req));
	return reply_check(call(c, &req, sizeof(req)), MESSAGE_RES_CMAP_ITER_FINALIZE, 24);
}

static cs_error_t track_add(struct svc_conn *c, const char *key, int32_t flags, uint64_t inst,
			    uint64_t *ret_handle)
{
	struct req_lib_cmap_track_add req;
	const struct res_lib_cmap_track_add *res;
	const struct fake_msg *m;
	cs_error_t err;

	memset(&req, 0, sizeof(req));
	if (key)
		mar_name_set(&req.key_name, key);
	req.track_type = flags;
	req.track_inst_handle = inst;
	hdr_fill(&req, MESSAGE_REQ_CMAP_TRACK_ADD, sizeof(req));
	m = call(c, &req, sizeof(req));
	err = reply_check(m, MESSAGE_RES_CMAP_TRACK_ADD, 32);
	res = (const void *)m->data;
	if (ret_handle)
		*ret_handle = res->track_handle;
	return err;
}

static cs_error_t track_del(struct svc_conn *c, uint64_t handle, uint64_t *ret_inst)
{
	struct req_lib_cmap_track_delete req;
	const struct res_lib_cmap_track_delete *res;
	const struct fake_msg *m;
	cs_error_t err;

	memset(&req, 0, sizeof(req));
	req.track_handle = handle;
	hdr_fill(&req, MESSAGE_REQ_CMAP_TRACK_DELETE, sizeof(req));
	m = call(c, &req, sizeof(req));
	err = reply_check(m, MESSAGE_RES_CMAP_TRACK_DELETE, 32);
	res = (const void *)m->data;
	if (ret_inst)
		*ret_inst = res->track_inst_handle;
	return err;
}

static cs_error_t set_map(struct svc_conn *c, int32_t map)
{
	struct req_lib_cmap_set_current_map req;

	memset(&req, 0, sizeof(req));
	req.map = map;
	hdr_fill(&req, MESSAGE_REQ_CMAP_SET_CURRENT_MAP, sizeof(req));
	return reply_check(call(c, &req, sizeof(req)), MESSAGE_RES_CMAP_SET_CURRENT_MAP, 24);
}

/* ---- declaration -------------------------------------------------------------- */

START_TEST(test_declaration)
{
	const struct svc_def *d = &cmap_service_def;
	static const uint32_t sizes[10] = { 296, 280, 288, 288, 280, 24, 24, 296, 24, 24 };

	ck_assert_uint_eq(d->abi, SVC_ABI);
	ck_assert_uint_eq(d->id, 0);
	ck_assert_str_eq(d->name, "corosync_cmap");
	ck_assert_str_eq(d->ipc_name, "cmap");
	ck_assert_uint_eq(d->ipc_ops_count, 10);
	for (size_t i = 0; i < d->ipc_ops_count; i++) {
		const struct svc_ipc_op *op = &d->ipc_ops[i];

		ck_assert_uint_lt(op->id, 10);
		ck_assert_uint_eq(op->size_min, sizes[op->id]);
		ck_assert_uint_eq(op->size_max, op->id == 0 ? 296 + 16384 : 0);
		ck_assert_uint_eq(op->flags, 0);
		ck_assert_ptr_nonnull(op->handle);
		for (size_t j = 0; j < i; j++)
			ck_assert_uint_ne(d->ipc_ops[j].id, op->id);
	}
	ck_assert_uint_eq(d->totem_ops_count, 1);
	ck_assert_uint_eq(d->totem_ops[0].id, 0);
	ck_assert_uint_eq(d->totem_ops[0].size_min, 48);
	ck_assert_ptr_nonnull(d->sync);
}
END_TEST

START_TEST(test_size_bounds)
{
	struct env e;
	union set_buf *b = calloc(1, sizeof(*b));
	uint8_t small[512];

	env_init(&e);
	memset(small, 0, sizeof(small));
	hdr_fill(small, MESSAGE_REQ_CMAP_SET, 295);
	ck_assert_int_eq(fake_conn_request(e.c, small, 295), -EMSGSIZE);
	hdr_fill(b, MESSAGE_REQ_CMAP_SET, 296 + 16385);
	ck_assert_int_eq(fake_conn_request(e.c, b, 296 + 16385), -EMSGSIZE);
	hdr_fill(small, MESSAGE_REQ_CMAP_GET, 289);
	ck_assert_int_eq(fake_conn_request(e.c, small, 289), -EMSGSIZE);
	hdr_fill(small, 10, 24);
	ck_assert_int_eq(fake_conn_request(e.c, small, 24), -ENOSYS);
	ck_assert_uint_eq(fake_conn_reply_count(e.c), 0);
	free(b);
	env_fini(&e);
}
END_TEST

/* ---- SET ---------------------------------------------------------------------- */

START_TEST(test_set_every_type)
{
	struct env e;
	uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const void *v;
	size_t len;
	enum icmap_type t;
	int sizes[13] = { 0, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 0, 0 };

	env_init(&e);
	for (uint8_t type = ICMAP_T_INT8; type <= ICMAP_T_DOUBLE; type++) {
		char key[32];

		snprintf(key, sizeof(key), "test.type%u", type);
		ck_assert_int_eq(set_raw(e.c, key, type, bytes, (size_t)sizes[type]), CS_OK);
		ck_assert_int_eq(icmap_get(e.cmap, key, &v, &len, &t), 0);
		ck_assert_int_eq(t, type);
		ck_assert_uint_eq(len, (size_t)sizes[type]);
		ck_assert_int_eq(memcmp(v, bytes, len), 0);
	}
	/* libcmap sends strings without their NUL; they are stored with it. */
	ck_assert_int_eq(set_str(e.c, "test.str", "hello"), CS_OK);
	ck_assert_int_eq(icmap_get(e.cmap, "test.str", &v, &len, &t), 0);
	ck_assert_int_eq(t, ICMAP_T_STRING);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(v, "hello");
	/* With the NUL is accepted too. */
	ck_assert_int_eq(set_raw(e.c, "test.str2", ICMAP_T_STRING, "ab", 3), CS_OK);
	ck_assert_int_eq(icmap_get(e.cmap, "test.str2", &v, &len, NULL), 0);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(set_raw(e.c, "test.bin", ICMAP_T_BINARY, "\0\1\0", 3), CS_OK);
	ck_assert_int_eq(icmap_get(e.cmap, "test.bin", &v, &len, &t), 0);
	ck_assert_int_eq(t, ICMAP_T_BINARY);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(set_raw(e.c, "test.empty", ICMAP_T_BINARY, NULL, 0), CS_OK);
	env_fini(&e);
}
END_TEST

START_TEST(test_set_errors)
{
	struct env e;
	uint32_t u = 1;
	char *big = malloc(ICMAP_VALUE_MAXLEN + 1);

	env_init(&e);
	memset(big, 'b', ICMAP_VALUE_MAXLEN + 1);
	/* A value_len larger than what was sent. */
	ck_assert_int_eq(set_claim(e.c, "test.k", ICMAP_T_UINT32, &u, 4, 5), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_claim(e.c, "test.k", ICMAP_T_BINARY, big, 16, UINT64_MAX),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_claim(e.c, "test.k", ICMAP_T_BINARY, big, 0, 1u << 20),
			 CS_ERR_INVALID_PARAM);
	/* Bad types and sizes. */
	ck_assert_int_eq(set_raw(e.c, "test.k", 0, &u, 4), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.k", 0, NULL, 0), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.k", 13, NULL, 0), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.k", 255, &u, 4), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.k", ICMAP_T_UINT32, &u, 2), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.k", ICMAP_T_UINT8, &u, 4), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.k", ICMAP_T_DOUBLE, &u, 4), CS_ERR_INVALID_PARAM);
	/* Nothing may follow a string's NUL. */
	ck_assert_int_eq(set_raw(e.c, "test.k", ICMAP_T_STRING, "ab\0c", 4), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.k", ICMAP_T_STRING, "ab\0\0", 4), CS_ERR_INVALID_PARAM);
	/* Largest values: 16384 bytes of binary; a string of 16384 chars needs 16385. */
	ck_assert_int_eq(set_raw(e.c, "test.big", ICMAP_T_BINARY, big, ICMAP_VALUE_MAXLEN), CS_OK);
	ck_assert_int_eq(set_raw(e.c, "test.bigs", ICMAP_T_STRING, big, ICMAP_VALUE_MAXLEN),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(set_raw(e.c, "test.bigs", ICMAP_T_STRING, big, ICMAP_VALUE_MAXLEN - 1),
			 CS_OK);
	/* New key names: 3..255 chars of [A-Za-z0-9._/:-]. */
	ck_assert_int_eq(set_u32(e.c, "ab", 1), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(set_u32(e.c, "to$ken", 1), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(set_u32(e.c, "", 1), CS_ERR_NAME_TOO_LONG);
	ck_assert_uint_eq(icmap_count(e.cmap), 2);
	free(big);
	env_fini(&e);
}
END_TEST

START_TEST(test_set_key_not_terminated)
{
	struct env e;
	union set_buf *b = calloc(1, sizeof(*b));
	uint32_t u = 7, got;
	char key[256];

	env_init(&e);
	/* 256 name bytes without a NUL: the last one is dropped, giving 255 chars. */
	memset(b->req.key_name.value, 'k', sizeof(b->req.key_name.value));
	b->req.key_name.length = 256;
	b->req.value_len = 4;
	b->req.type = ICMAP_T_UINT32;
	memcpy(b->bytes + 296, &u, 4);
	hdr_fill(b, MESSAGE_REQ_CMAP_SET, 300);
	ck_assert_int_eq(reply_check(call(e.c, b, 300), MESSAGE_RES_CMAP_SET, 24), CS_OK);
	memset(key, 'k', 255);
	key[255] = '\0';
	ck_assert_int_eq(icmap_get_uint32(e.cmap, key, &got), 0);
	ck_assert_uint_eq(got, 7);
	free(b);
	env_fini(&e);
}
END_TEST

START_TEST(test_set_ro)
{
	struct env e;
	uint32_t u = 1;

	env_init(&e);
	ck_assert_int_eq(icmap_set_ro_prefix(e.cmap, "nodelist."), 0);
	ck_assert_int_eq(icmap_set_ro_key(e.cmap, "totem.version"), 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "totem.version", 2), 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "nodelist.node.0.nodeid", 1), 0);
	/* Checked first: even for a missing key, and before value validation. */
	ck_assert_int_eq(set_u32(e.c, "nodelist.node.9.nodeid", 1), CS_ERR_ACCESS);
	ck_assert_int_eq(set_raw(e.c, "nodelist.x", 0, &u, 3), CS_ERR_ACCESS);
	ck_assert_int_eq(set_claim(e.c, "totem.version", ICMAP_T_UINT32, &u, 4, 999), CS_ERR_ACCESS);
	ck_assert_int_eq(set_u32(e.c, "totem.version", 3), CS_ERR_ACCESS);
	ck_assert_int_eq(del(e.c, "totem.version"), CS_ERR_ACCESS);
	ck_assert_int_eq(del(e.c, "nodelist.node.0.nodeid"), CS_ERR_ACCESS);
	ck_assert_int_eq(del(e.c, "nodelist.missing"), CS_ERR_ACCESS);
	ck_assert_int_eq(adjust(e.c, "totem.version", 1), CS_ERR_ACCESS);
	ck_assert_int_eq(adjust(e.c, "nodelist.node.0.nodeid", 1), CS_ERR_ACCESS);
	ck_assert_int_eq(icmap_get_uint32(e.cmap, "totem.version", &u), 0);
	ck_assert_uint_eq(u, 2);
	ck_assert_uint_eq(icmap_count(e.cmap), 2);
	/* Neighbours are writable. */
	ck_assert_int_eq(set_u32(e.c, "totem.version2", 1), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "nodelistX", 1), CS_OK);
	env_fini(&e);
}
END_TEST

/* ---- DELETE / ADJUST ----------------------------------------------------------- */

START_TEST(test_delete)
{
	struct env e;

	env_init(&e);
	ck_assert_int_eq(del(e.c, "test.k"), CS_ERR_NOT_EXIST);
	ck_assert_int_eq(set_u32(e.c, "test.k", 1), CS_OK);
	ck_assert_int_eq(del(e.c, "test.k"), CS_OK);
	ck_assert_int_eq(icmap_get(e.cmap, "test.k", NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(del(e.c, "test.k"), CS_ERR_NOT_EXIST);
	env_fini(&e);
}
END_TEST

START_TEST(test_adjust)
{
	struct env e;
	uint8_t u8;
	int16_t i16;

	env_init(&e);
	ck_assert_int_eq(adjust(e.c, "test.k", 1), CS_ERR_NOT_EXIST);
	ck_assert_int_eq(icmap_set_uint8(e.cmap, "test.u8", 250), 0);
	ck_assert_int_eq(adjust(e.c, "test.u8", 10), CS_OK);
	ck_assert_int_eq(icmap_get_uint8(e.cmap, "test.u8", &u8), 0);
	ck_assert_uint_eq(u8, 4);
	ck_assert_int_eq(icmap_set_int16(e.cmap, "test.i16", INT16_MIN), 0);
	ck_assert_int_eq(adjust(e.c, "test.i16", -1), CS_OK);
	ck_assert_int_eq(icmap_get_int16(e.cmap, "test.i16", &i16), 0);
	ck_assert_int_eq(i16, INT16_MAX);
	ck_assert_int_eq(icmap_set_string(e.cmap, "test.s", "1"), 0);
	ck_assert_int_eq(adjust(e.c, "test.s", 1), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(icmap_set_float(e.cmap, "test.f", 1.0f), 0);
	ck_assert_int_eq(adjust(e.c, "test.f", 1), CS_ERR_INVALID_PARAM);
	env_fini(&e);
}
END_TEST

/* ---- GET ---------------------------------------------------------------------- */

START_TEST(test_get)
{
	struct env e;
	const struct res_lib_cmap_get *r;
	uint32_t u = 0xdeadbeef;

	env_init(&e);
	ck_assert_int_eq(set_str(e.c, "test.s", "value"), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "test.u", u), CS_OK);

	/* Capacity 0: type and length only, 40 bytes. */
	r = get(e.c, "test.s", 0, 40, CS_OK);
	ck_assert_uint_eq(r->value_len, 6);
	ck_assert_uint_eq(r->type, ICMAP_T_STRING);
	/* Exact capacity. */
	r = get(e.c, "test.s", 6, 46, CS_OK);
	ck_assert_uint_eq(r->value_len, 6);
	ck_assert_str_eq((const char *)r->value, "value");
	/* Larger capacity: the reply is 40 + capacity, zero-filled. */
	r = get(e.c, "test.s", 100, 140, CS_OK);
	ck_assert_uint_eq(r->value_len, 6);
	ck_assert_str_eq((const char *)r->value, "value");
	for (size_t i = 6; i < 100; i++)
		ck_assert_uint_eq(r->value[i], 0);
	r = get(e.c, "test.u", 4, 44, CS_OK);
	ck_assert_uint_eq(r->type, ICMAP_T_UINT32);
	ck_assert_int_eq(memcmp(r->value, &u, 4), 0);
	/* Too small a capacity. */
	r = get(e.c, "test.s", 5, 40, CS_ERR_INVALID_PARAM);
	ck_assert_uint_eq(r->value_len, 0);
	/* Missing key. */
	get(e.c, "test.none", 0, 40, CS_ERR_NOT_EXIST);
	get(e.c, "test.none", 64, 40, CS_ERR_NOT_EXIST);
	/* A capacity beyond any value's size is clamped (docs/compat.md). */
	r = get(e.c, "test.s", 1ull << 40, 40 + ICMAP_VALUE_MAXLEN, CS_OK);
	ck_assert_uint_eq(r->value_len, 6);
	env_fini(&e);
}
END_TEST

/* ---- iteration ------------------------------------------------------------------ */

START_TEST(test_iter)
{
	struct env e;
	uint64_t h1, h2, vlen;
	uint8_t type;
	char key[256];

	env_init(&e);
	ck_assert_int_eq(set_u32(e.c, "nodelist.node.2.nodeid", 3), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "nodelist.node.10.nodeid", 11), CS_OK);
	ck_assert_int_eq(set_str(e.c, "nodelist.node.10.name", "n11"), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "nodelistX", 0), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "totem.token", 1000), CS_OK);

	ck_assert_int_eq(iter_init(e.c, "nodelist.node.", &h1), CS_OK);
	ck_assert_uint_ne(h1, 0);
	ck_assert_int_eq(iter_next(e.c, h1, key, &vlen, &type), CS_OK);
	ck_assert_str_eq(key, "nodelist.node.10.name");
	ck_assert_uint_eq(vlen, 4);
	ck_assert_uint_eq(type, ICMAP_T_STRING);
	ck_assert_int_eq(iter_next(e.c, h1, key, &vlen, &type), CS_OK);
	ck_assert_str_eq(key, "nodelist.node.10.nodeid");
	ck_assert_uint_eq(vlen, 4);
	ck_assert_uint_eq(type, ICMAP_T_UINT32);
	/* Concurrent modification: delete the next key, add one further on. */
	ck_assert_int_eq(del(e.c, "nodelist.node.2.nodeid"), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "nodelist.node.3.nodeid", 4), CS_OK);
	ck_assert_int_eq(iter_next(e.c, h1, key, NULL, NULL), CS_OK);
	ck_assert_str_eq(key, "nodelist.node.3.nodeid");
	ck_assert_int_eq(iter_next(e.c, h1, key, NULL, NULL), CS_ERR_NO_SECTIONS);
	ck_assert_int_eq(iter_next(e.c, h1, key, NULL, NULL), CS_ERR_NO_SECTIONS);

	/* Empty prefix (length 0): everything; a prefix with no match is not an error. */
	ck_assert_int_eq(iter_init(e.c, NULL, &h2), CS_OK);
	ck_assert_uint_ne(h2, h1);
	ck_assert_int_eq(iter_next(e.c, h2, key, NULL, NULL), CS_OK);
	ck_assert_str_eq(key, "nodelist.node.10.name");
	ck_assert_int_eq(iter_fin(e.c, h2), CS_OK);
	ck_assert_int_eq(iter_init(e.c, "zzz", &h2), CS_OK);
	ck_assert_int_eq(iter_next(e.c, h2, key, NULL, NULL), CS_ERR_NO_SECTIONS);

	/* Handles: finalised and unknown ones are BAD_HANDLE. */
	ck_assert_int_eq(iter_fin(e.c, h1), CS_OK);
	ck_assert_int_eq(iter_fin(e.c, h1), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(iter_next(e.c, h1, key, NULL, NULL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(iter_next(e.c, 0, key, NULL, NULL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(iter_next(e.c, UINT64_MAX, key, NULL, NULL), CS_ERR_BAD_HANDLE);
	env_fini(&e);
}
END_TEST

START_TEST(test_handles_per_connection)
{
	struct env e;
	struct svc_conn *c2;
	uint64_t h1, h2, t1;
	char key[256];

	env_init(&e);
	ck_assert_int_eq(fake_conn_open(e.h, 101, 0, 0, &c2), 0);
	ck_assert_int_eq(set_u32(e.c, "test.k", 1), CS_OK);
	ck_assert_int_eq(iter_init(e.c, "test.", &h1), CS_OK);
	ck_assert_int_eq(track_add(e.c, "test.k", ICMAP_TRACK_MODIFY, 5, &t1), CS_OK);
	ck_assert_uint_ne(h1, t1);
	/* Another connection cannot use them. */
	ck_assert_int_eq(iter_next(c2, h1, key, NULL, NULL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(iter_fin(c2, h1), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(track_del(c2, t1, NULL), CS_ERR_BAD_HANDLE);
	/* A tracker handle is not an iterator handle and vice versa. */
	ck_assert_int_eq(iter_next(e.c, t1, key, NULL, NULL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(track_del(e.c, h1, NULL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(iter_init(c2, "test.", &h2), CS_OK);
	ck_assert_int_eq(iter_next(c2, h2, key, NULL, NULL), CS_OK);
	ck_assert_str_eq(key, "test.k");
	/* Many handles stay distinct. */
	for (int i = 0; i < 100; i++) {
		uint64_t h;

		ck_assert_int_eq(iter_init(e.c, "test.", &h), CS_OK);
		ck_assert_uint_ne(h, h1);
		ck_assert_uint_ne(h, t1);
		ck_assert_int_eq(iter_next(e.c, h, key, NULL, NULL), CS_OK);
	}
	ck_assert_int_eq(iter_next(e.c, h1, key, NULL, NULL), CS_OK);
	ck_assert_int_eq(iter_next(e.c, h1, key, NULL, NULL), CS_ERR_NO_SECTIONS);
	env_fini(&e);
}
END_TEST

/* A connection holds at most CMAP_CONN_ITERS_MAX iterators and CMAP_CONN_TRACKS_MAX trackers. */
START_TEST(test_handle_limits)
{
	struct env e;
	struct svc_conn *c2;
	uint64_t h, first_iter = 0, first_track = 0;
	char key[256];
	int i;

	env_init(&e);
	ck_assert_int_eq(set_u32(e.c, "test.k", 1), CS_OK);
	for (i = 0; i < CMAP_CONN_ITERS_MAX; i++) {
		ck_assert_int_eq(iter_init(e.c, "test.", &h), CS_OK);
		if (i == 0)
			first_iter = h;
		if (i % 256 == 255)
			fake_conn_forget(e.c);
	}
	ck_assert_int_eq(iter_init(e.c, "test.", &h), CS_ERR_NO_RESOURCES);
	ck_assert_int_eq(iter_init(e.c, NULL, &h), CS_ERR_NO_RESOURCES);
	/* the open ones still work; finalizing one makes room for one */
	ck_assert_int_eq(iter_next(e.c, first_iter, key, NULL, NULL), CS_OK);
	ck_assert_int_eq(iter_fin(e.c, first_iter), CS_OK);
	ck_assert_int_eq(iter_init(e.c, "test.", &h), CS_OK);
	ck_assert_int_eq(iter_init(e.c, "test.", &h), CS_ERR_NO_RESOURCES);
	fake_conn_forget(e.c);

	for (i = 0; i < CMAP_CONN_TRACKS_MAX; i++) {
		ck_assert_int_eq(track_add(e.c, "test.k", ICMAP_TRACK_MODIFY, (uint64_t)i, &h), CS_OK);
		if (i == 0)
			first_track = h;
		if (i % 256 == 255)
			fake_conn_forget(e.c);
	}
	ck_assert_int_eq(track_add(e.c, "test.k", ICMAP_TRACK_MODIFY, 1, &h), CS_ERR_NO_RESOURCES);
	ck_assert_int_eq(track_del(e.c, first_track, NULL), CS_OK);
	ck_assert_int_eq(track_add(e.c, "test.k", ICMAP_TRACK_MODIFY, 1, &h), CS_OK);
	ck_assert_int_eq(track_add(e.c, "test.", ICMAP_TRACK_ADD | ICMAP_TRACK_PREFIX, 1, &h),
			 CS_ERR_NO_RESOURCES);
	fake_conn_forget(e.c);
	/* the limits are per connection */
	ck_assert_int_eq(fake_conn_open(e.h, 101, 0, 0, &c2), 0);
	ck_assert_int_eq(iter_init(c2, "test.", &h), CS_OK);
	ck_assert_int_eq(track_add(c2, "test.k", ICMAP_TRACK_MODIFY, 1, &h), CS_OK);
	/* every tracker of the full connection still fires */
	ck_assert_int_eq(set_u32(e.c, "test.k", 2), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(e.c), CMAP_CONN_TRACKS_MAX);
	ck_assert_uint_eq(fake_conn_event_count(c2), 1);
	env_fini(&e);
}
END_TEST

/* ---- tracking ------------------------------------------------------------------- */

static const struct res_lib_cmap_notify_callback *event_at(struct svc_conn *c, size_t i,
							   size_t *ret_len)
{
	const struct fake_msg *m = fake_conn_event(c, i);
	const struct res_lib_cmap_notify_callback *ev;

	ck_assert_ptr_nonnull(m);
	ev = (const void *)m->data;
	ck_assert_int_eq(ev->header.id, MESSAGE_RES_CMAP_NOTIFY_CALLBACK);
	ck_assert_int_eq(ev->header.error, CS_OK);
	ck_assert_uint_eq(m->len, 336 + ev->new_value_len + ev->old_value_len);
	ck_assert_int_eq(ev->header.size, (int32_t)m->len);
	ck_assert_uint_eq(ev->key_name.length, strlen((const char *)ev->key_name.value));
	*ret_len = m->len;
	return ev;
}

START_TEST(test_track_notifications)
{
	struct env e;
	const struct res_lib_cmap_notify_callback *ev;
	uint64_t th, inst;
	uint32_t u;
	size_t len;

	env_init(&e);
	ck_assert_int_eq(track_add(e.c, "test.k", ICMAP_TRACK_ADD | ICMAP_TRACK_MODIFY |
				   ICMAP_TRACK_DELETE, 0xabcdef0123ull, &th), CS_OK);
	ck_assert_uint_ne(th, 0);

	/* ADD: new filled, old empty. */
	ck_assert_int_eq(set_u32(e.c, "test.k", 7), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(e.c), 1);
	ev = event_at(e.c, 0, &len);
	ck_assert_uint_eq(len, 340);
	ck_assert(ev->track_inst_handle == 0xabcdef0123ull);
	ck_assert_str_eq((const char *)ev->key_name.value, "test.k");
	ck_assert_int_eq(ev->event, ICMAP_TRACK_ADD);
	ck_assert_uint_eq(ev->new_value_type, ICMAP_T_UINT32);
	ck_assert_uint_eq(ev->new_value_len, 4);
	ck_assert_uint_eq(ev->old_value_type, 0);
	ck_assert_uint_eq(ev->old_value_len, 0);
	memcpy(&u, ev->new_value, 4);
	ck_assert_uint_eq(u, 7);

	/* Equal value: silent. */
	ck_assert_int_eq(set_u32(e.c, "test.k", 7), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(e.c), 1);

	/* MODIFY to a string: new bytes then old bytes, back to back. */
	ck_assert_int_eq(set_str(e.c, "test.k", "abc"), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(e.c), 2);
	ev = event_at(e.c, 1, &len);
	ck_assert_uint_eq(len, 336 + 4 + 4);
	ck_assert_int_eq(ev->event, ICMAP_TRACK_MODIFY);
	ck_assert_uint_eq(ev->new_value_type, ICMAP_T_STRING);
	ck_assert_uint_eq(ev->new_value_len, 4);
	ck_assert_uint_eq(ev->old_value_type, ICMAP_T_UINT32);
	ck_assert_uint_eq(ev->old_value_len, 4);
	ck_assert_int_eq(memcmp(ev->new_value, "abc", 4), 0);
	memcpy(&u, ev->new_value + 4, 4);
	ck_assert_uint_eq(u, 7);

	/* ADJUST fires MODIFY too; so does a daemon-side fast adjust (old empty). */
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "test.k", 1), 0);
	ck_assert_int_eq(adjust(e.c, "test.k", 1), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(e.c), 4);
	ev = event_at(e.c, 3, &len);
	ck_assert_int_eq(ev->event, ICMAP_TRACK_MODIFY);
	ck_assert_uint_eq(ev->old_value_len, 8);
	ck_assert_int_eq(icmap_fast_adjust_int(e.cmap, "test.k", 1), 0);
	ev = event_at(e.c, 4, &len);
	ck_assert_uint_eq(len, 344);
	ck_assert_uint_eq(ev->old_value_type, 0);
	ck_assert_uint_eq(ev->old_value_len, 0);

	/* DELETE: old filled, new empty. */
	ck_assert_int_eq(del(e.c, "test.k"), CS_OK);
	ev = event_at(e.c, 5, &len);
	ck_assert_uint_eq(len, 344);
	ck_assert_int_eq(ev->event, ICMAP_TRACK_DELETE);
	ck_assert_uint_eq(ev->new_value_type, 0);
	ck_assert_uint_eq(ev->new_value_len, 0);
	ck_assert_uint_eq(ev->old_value_type, ICMAP_T_UINT64);
	ck_assert_uint_eq(ev->old_value_len, 8);

	/* TRACK_DELETE echoes the instance handle; afterwards nothing fires. */
	ck_assert_int_eq(track_del(e.c, th, &inst), CS_OK);
	ck_assert(inst == 0xabcdef0123ull);
	ck_assert_int_eq(track_del(e.c, th, &inst), CS_ERR_BAD_HANDLE);
	ck_assert_uint_eq(inst, 0);
	ck_assert_int_eq(set_u32(e.c, "test.k", 1), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(e.c), 6);
	env_fini(&e);
}
END_TEST

START_TEST(test_track_prefix_and_flags)
{
	struct env e;
	struct svc_conn *c2;
	const struct res_lib_cmap_notify_callback *ev;
	uint64_t th;
	size_t len;

	env_init(&e);
	ck_assert_int_eq(fake_conn_open(e.h, 101, 0, 0, &c2), 0);
	ck_assert_int_eq(track_add(e.c, "x", 16, 1, &th), CS_ERR_INVALID_PARAM);
	ck_assert_uint_eq(th, 0);
	ck_assert_int_eq(track_add(e.c, "x", -1, 1, &th), CS_ERR_INVALID_PARAM);
	/* Flags 0 is accepted and never fires. */
	ck_assert_int_eq(track_add(e.c, "nodelist.a", 0, 1, &th), CS_OK);
	/* Pure string prefix: "nodelist" also sees "nodelistX". */
	ck_assert_int_eq(track_add(e.c, "nodelist", ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD, 2, &th),
			 CS_OK);
	/* Empty key with PREFIX: everything, on the other connection. */
	ck_assert_int_eq(track_add(c2, NULL, ICMAP_TRACK_PREFIX | ICMAP_TRACK_DELETE, 3, &th), CS_OK);

	ck_assert_int_eq(set_u32(e.c, "nodelist.a", 1), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "nodelistX", 1), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "totem.token", 1), CS_OK);
	ck_assert_int_eq(set_u32(e.c, "nodelist.a", 2), CS_OK);
	ck_assert_int_eq(del(e.c, "totem.token"), CS_OK);

	ck_assert_uint_eq(fake_conn_event_count(e.c), 2);
	ev = event_at(e.c, 0, &len);
	ck_assert_uint_eq(ev->track_inst_handle, 2);
	ck_assert_str_eq((const char *)ev->key_name.value, "nodelist.a");
	ev = event_at(e.c, 1, &len);
	ck_assert_str_eq((const char *)ev->key_name.value, "nodelistX");
	ck_assert_uint_eq(fake_conn_event_count(c2), 1);
	ev = event_at(c2, 0, &len);
	ck_assert_uint_eq(ev->track_inst_handle, 3);
	ck_assert_int_eq(ev->event, ICMAP_TRACK_DELETE);
	ck_assert_str_eq((const char *)ev->key_name.value, "totem.token");
	env_fini(&e);
}
END_TEST

START_TEST(test_disconnect_cleanup)
{
	struct env e;
	struct svc_conn *c2;
	uint64_t h;

	env_init(&e);
	ck_assert_int_eq(fake_conn_open(e.h, 101, 0, 0, &c2), 0);
	ck_assert_int_eq(track_add(e.c, NULL, ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD |
				   ICMAP_TRACK_MODIFY | ICMAP_TRACK_DELETE, 1, &h), CS_OK);
	ck_assert_int_eq(track_add(e.c, "test.k", ICMAP_TRACK_MODIFY, 2, &h), CS_OK);
	ck_assert_int_eq(iter_init(e.c, NULL, &h), CS_OK);
	ck_assert_int_eq(track_add(c2, "test.k", ICMAP_TRACK_ADD | ICMAP_TRACK_MODIFY, 9, &h),
			 CS_OK);
	fake_conn_close(e.c);   /* frees the connection: trackers must be gone */
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "test.k", 1), 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "test.k", 2), 0);
	ck_assert_int_eq(icmap_delete(e.cmap, "test.k"), 0);
	ck_assert_uint_eq(fake_conn_event_count(c2), 2);
	fake_conn_close(c2);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "test.k", 1), 0);
	env_fini(&e);
}
END_TEST

/* ---- SET_CURRENT_MAP and the stats map ----------------------------------------------- */

START_TEST(test_set_current_map)
{
	struct env e;
	uint64_t h;

	env_init(&e);
	ck_assert_int_eq(set_map(e.c, 0), CS_OK);
	ck_assert_int_eq(set_map(e.c, 2), CS_ERR_NOT_EXIST);
	ck_assert_int_eq(set_map(e.c, -1), CS_ERR_NOT_EXIST);
	ck_assert_int_eq(iter_init(e.c, NULL, &h), CS_OK);
	ck_assert_int_eq(set_map(e.c, 1), CS_ERR_BUSY);
	ck_assert_int_eq(iter_fin(e.c, h), CS_OK);
	ck_assert_int_eq(track_add(e.c, "test.k", ICMAP_TRACK_ADD, 1, &h), CS_OK);
	ck_assert_int_eq(set_map(e.c, 1), CS_ERR_BUSY);
	ck_assert_int_eq(track_del(e.c, h, NULL), CS_OK);
	ck_assert_int_eq(set_map(e.c, 1), CS_OK);
	ck_assert_int_eq(set_map(e.c, 0), CS_OK);
	env_fini(&e);
}
END_TEST

START_TEST(test_stats_map)
{
	struct env e;
	const struct res_lib_cmap_get *r;
	uint64_t h, vlen;
	uint8_t type;
	char key[256];
	uint32_t u = 1;
	unsigned int groups = 0;

	env_init(&e);
	ck_assert_int_eq(icmap_set_uint64(e.stats, "stats.srp.mcast_tx", 42), 0);
	ck_assert_int_eq(icmap_set_uint64(e.stats, "stats.ipcs.global.active", 1), 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "totem.token", 1000), 0);
	ck_assert_int_eq(set_map(e.c, 1), CS_OK);

	r = get(e.c, "stats.srp.mcast_tx", 8, 48, CS_OK);
	ck_assert_uint_eq(r->type, ICMAP_T_UINT64);
	get(e.c, "totem.token", 0, 40, CS_ERR_NOT_EXIST);

	/* Iteration sees only the stats keys. */
	ck_assert_int_eq(iter_init(e.c, NULL, &h), CS_OK);
	ck_assert_int_eq(iter_next(e.c, h, key, &vlen, &type), CS_OK);
	ck_assert_str_eq(key, "stats.ipcs.global.active");
	ck_assert_int_eq(iter_next(e.c, h, key, &vlen, &type), CS_OK);
	ck_assert_str_eq(key, "stats.srp.mcast_tx");
	ck_assert_uint_eq(vlen, 8);
	ck_assert_int_eq(iter_next(e.c, h, key, NULL, NULL), CS_ERR_NO_SECTIONS);
	ck_assert_int_eq(iter_fin(e.c, h), CS_OK);

	/* Writes: only stats.clear.<group>, which the daemon clears (any type, any value). */
	ck_assert_int_eq(set_u32(e.c, "stats.clear.all", 1), CS_OK);
	ck_assert_uint_eq(fake_host_stats_clears(e.h, &groups), 1);
	ck_assert_uint_eq(groups, SVC_STATS_KNET | SVC_STATS_IPC | SVC_STATS_TOTEM |
				  SVC_STATS_SCHEDMISS);
	ck_assert_int_eq(set_u32(e.c, "stats.clear.knet", 1), CS_OK);
	ck_assert_uint_eq(fake_host_stats_clears(e.h, &groups), 2);
	ck_assert_uint_eq(groups, SVC_STATS_KNET);
	ck_assert_int_eq(set_str(e.c, "stats.clear.ipc", "x"), CS_OK);
	ck_assert_uint_eq(fake_host_stats_clears(e.h, &groups), 3);
	ck_assert_uint_eq(groups, SVC_STATS_IPC);
	ck_assert_int_eq(set_u32(e.c, "stats.clear.totem", 1), CS_OK);
	ck_assert_uint_eq(fake_host_stats_clears(e.h, &groups), 4);
	ck_assert_uint_eq(groups, SVC_STATS_TOTEM);
	ck_assert_int_eq(set_u32(e.c, "stats.clear.schedmiss", 1), CS_OK);
	ck_assert_uint_eq(fake_host_stats_clears(e.h, &groups), 5);
	ck_assert_uint_eq(groups, SVC_STATS_SCHEDMISS);
	/* prefixes, as corosync 3.1.7 compares them */
	ck_assert_int_eq(set_u32(e.c, "stats.clear.totemXYZ", 1), CS_OK);
	ck_assert_uint_eq(fake_host_stats_clears(e.h, &groups), 6);
	ck_assert_uint_eq(groups, SVC_STATS_TOTEM);
	ck_assert_int_eq(set_u32(e.c, "stats.clear.other", 1), CS_ERR_NOT_SUPPORTED);
	ck_assert_int_eq(set_u32(e.c, "stats.clear.", 1), CS_ERR_NOT_SUPPORTED);
	ck_assert_int_eq(set_u32(e.c, "stats.clear.kne", 1), CS_ERR_NOT_SUPPORTED);
	ck_assert_uint_eq(fake_host_stats_clears(e.h, NULL), 6);
	ck_assert_int_eq(set_u32(e.c, "stats.srp.mcast_tx", 1), CS_ERR_ACCESS);
	ck_assert_int_eq(set_u32(e.c, "totem.token", 1), CS_ERR_ACCESS);
	ck_assert_int_eq(set_raw(e.c, "stats.new", ICMAP_T_UINT32, &u, 4), CS_ERR_ACCESS);
	ck_assert_int_eq(del(e.c, "stats.srp.mcast_tx"), CS_ERR_ACCESS);
	ck_assert_int_eq(del(e.c, "stats.missing"), CS_ERR_ACCESS);
	ck_assert_int_eq(adjust(e.c, "stats.srp.mcast_tx", 1), CS_ERR_ACCESS);
	ck_assert_uint_eq(icmap_count(e.stats), 2);
	ck_assert_int_eq(icmap_get(e.stats, "stats.clear.all", NULL, NULL, NULL), -ENOENT);

	/* Prefix tracking needs both ADD and DELETE. */
	ck_assert_int_eq(track_add(e.c, "stats.", ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD, 1, &h),
			 CS_ERR_NOT_SUPPORTED);
	ck_assert_int_eq(track_add(e.c, "stats.", ICMAP_TRACK_PREFIX | ICMAP_TRACK_DELETE, 1, &h),
			 CS_ERR_NOT_SUPPORTED);
	ck_assert_int_eq(track_add(e.c, "stats.", ICMAP_TRACK_PREFIX | ICMAP_TRACK_ADD |
				   ICMAP_TRACK_DELETE, 1, &h), CS_OK);
	ck_assert_int_eq(track_add(e.c, "stats.srp.mcast_tx", ICMAP_TRACK_MODIFY, 2, &h), CS_OK);
	ck_assert_int_eq(icmap_set_uint64(e.stats, "stats.ipcs.global.closed", 0), 0);
	ck_assert_int_eq(icmap_set_uint64(e.stats, "stats.srp.mcast_tx", 43), 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "stats.srp.mcast_tx", 1), 0);
	ck_assert_uint_eq(fake_conn_event_count(e.c), 2);
	env_fini(&e);
}
END_TEST

/* ---- totem: config_version ------------------------------------------------------- */

union mcast_buf {
	struct req_exec_cmap_mcast head;
	uint8_t bytes[1024];
};

/* Build a message with one config_version item; type 0 leaves it absent. */
static size_t mcast_build(union mcast_buf *b, uint8_t reason, uint8_t type, uint64_t version)
{
	struct req_exec_cmap_mcast_item item;
	size_t len = sizeof(b->head) + sizeof(item);

	memset(b, 0, sizeof(*b));
	b->head.header.id = 0;
	b->head.reason = reason;
	b->head.no_items = 1;
	memset(&item, 0, sizeof(item));
	mar_name_set(&item.key_name, "totem.config_version");
	item.value_type = type;
	if (type) {
		item.value_len = 8;
		memcpy(b->bytes + len, &version, 8);
		len += 8;
	}
	memcpy(b->bytes + sizeof(b->head), &item, sizeof(item));
	b->head.header.size = (int32_t)len;
	return len;
}

START_TEST(test_mcast_deliver)
{
	struct env e;
	union mcast_buf b;
	uint64_t v;
	size_t len;

	env_init(&e);
	len = mcast_build(&b, CMAP_MCAST_REASON_SYNC, ICMAP_T_UINT64, 5);
	ck_assert_uint_eq(len, 336);
	ck_assert_int_eq(fake_host_deliver(e.h, 2, &b, len, false), 0);
	ck_assert_int_eq(icmap_get_uint64(e.cmap, "runtime.members.2.config_version", &v), 0);
	ck_assert(v == 5);
	/* Absent on the sender: stored as 0. */
	len = mcast_build(&b, CMAP_MCAST_REASON_NEW_CONFIG_VERSION, 0, 0);
	ck_assert_int_eq(fake_host_deliver(e.h, 2, &b, len, false), 0);
	ck_assert_int_eq(icmap_get_uint64(e.cmap, "runtime.members.2.config_version", &v), 0);
	ck_assert(v == 0);

	/* From a big-endian node. */
	len = mcast_build(&b, CMAP_MCAST_REASON_SYNC, ICMAP_T_UINT64, __builtin_bswap64(77));
	{
		struct req_exec_cmap_mcast_item item;

		memcpy(&item, b.bytes + 48, sizeof(item));
		item.key_name.length = __builtin_bswap16(item.key_name.length);
		item.value_len = __builtin_bswap64(item.value_len);
		memcpy(b.bytes + 48, &item, sizeof(item));
		b.head.header.size = (int32_t)__builtin_bswap32((uint32_t)len);
	}
	ck_assert_int_eq(fake_host_deliver(e.h, 3, &b, len, true), 0);
	ck_assert_int_eq(icmap_get_uint64(e.cmap, "runtime.members.3.config_version", &v), 0);
	ck_assert(v == 77);

	/* Malformed: too short, lying item counts and lengths are ignored safely. */
	ck_assert_int_eq(fake_host_deliver(e.h, 4, &b, 47, false), -EMSGSIZE);
	len = mcast_build(&b, CMAP_MCAST_REASON_SYNC, ICMAP_T_UINT64, 9);
	b.head.no_items = 255;
	ck_assert_int_eq(fake_host_deliver(e.h, 4, &b, len, false), 0);
	ck_assert_int_eq(icmap_get_uint64(e.cmap, "runtime.members.4.config_version", &v), 0);
	ck_assert(v == 9);
	ck_assert_int_eq(fake_host_deliver(e.h, 5, &b, 48, false), 0);
	ck_assert_int_eq(fake_host_deliver(e.h, 5, &b, 100, false), 0);
	ck_assert_int_eq(fake_host_deliver(e.h, 5, &b, 100, true), 0);
	len = mcast_build(&b, CMAP_MCAST_REASON_SYNC, ICMAP_T_UINT64, 9);
	{
		struct req_exec_cmap_mcast_item item;

		memcpy(&item, b.bytes + 48, sizeof(item));
		item.value_len = UINT64_MAX - 3;
		memcpy(b.bytes + 48, &item, sizeof(item));
	}
	ck_assert_int_eq(fake_host_deliver(e.h, 6, &b, len, false), 0);
	ck_assert_int_eq(fake_host_deliver(e.h, 6, &b, len, true), 0);
	ck_assert_int_eq(icmap_get(e.cmap, "runtime.members.5.config_version", NULL, NULL, NULL),
			 -ENOENT);
	ck_assert_int_eq(icmap_get(e.cmap, "runtime.members.6.config_version", NULL, NULL, NULL),
			 -ENOENT);
	env_fini(&e);
}
END_TEST

static void mcast_check(const struct fake_msg *m, uint8_t reason, uint8_t type, uint64_t version)
{
	const struct req_exec_cmap_mcast *head = (const void *)m->data;
	const struct req_exec_cmap_mcast_item *item = (const void *)(m->data + 48);
	uint64_t v;

	ck_assert_uint_eq(m->fn_id, MESSAGE_REQ_EXEC_CMAP_MCAST);
	ck_assert_int_eq(m->guarantee, SVC_AGREED);
	ck_assert_int_eq(head->header.id, 0);
	ck_assert_int_eq(head->header.size, (int32_t)m->len);
	ck_assert_uint_eq(head->reason, reason);
	ck_assert_uint_eq(head->no_items, 1);
	ck_assert_str_eq((const char *)item->key_name.value, "totem.config_version");
	ck_assert_uint_eq(item->key_name.length, 20);
	ck_assert_uint_eq(item->value_type, type);
	if (type) {
		ck_assert_uint_eq(m->len, 336);
		ck_assert_uint_eq(item->value_len, 8);
		memcpy(&v, item->value, 8);
		ck_assert(v == version);
	} else {
		ck_assert_uint_eq(m->len, 328);
		ck_assert_uint_eq(item->value_len, 0);
	}
}

/* One sync of view in steps, with deliveries between process and activate. */
static void sync_with(struct env *e, const struct svc_view *view, uint32_t from, uint64_t version)
{
	const struct svc_sync_ops *ops = cmap_service_def.sync;
	struct svc *svc = fake_host_svc(e->h);
	union mcast_buf b;
	size_t len;

	ops->init(svc, view);
	ck_assert_int_eq(ops->process(svc), 0);
	if (from) {
		len = mcast_build(&b, CMAP_MCAST_REASON_SYNC, version ? ICMAP_T_UINT64 : 0, version);
		ck_assert_int_eq(fake_host_deliver(e->h, from, &b, len, false), 0);
	}
	ops->activate(svc);
}

START_TEST(test_config_version_policy)
{
	struct env e;
	struct svc_view view;
	uint32_t members[2] = { 1, 2 }, trans[1] = { 1 };
	int status = -1;

	/* alone: no decision, the first-sync mark is kept */
	env_init(&e);
	fake_host_daemon(e.h, true);
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "totem.config_version", 2), 0);
	memset(&view, 0, sizeof(view));
	view.members = members;
	view.members_count = 1;
	sync_with(&e, &view, 0, 0);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, NULL), 0);
	/* first sync with others: node 2 has 3, we have 2: orderly exit */
	view.members_count = 2;
	view.trans = trans;
	view.trans_count = 1;
	sync_with(&e, &view, 2, 3);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, &status, NULL), 1);
	ck_assert_int_eq(status, 0);
	env_fini(&e);

	/* the first ring already holds the others (no transitional list): it decides */
	env_init(&e);
	fake_host_daemon(e.h, true);
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "totem.config_version", 1), 0);
	memset(&view, 0, sizeof(view));
	view.members = members;
	view.members_count = 2;
	sync_with(&e, &view, 2, 2);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, &status, NULL), 1);
	ck_assert_int_eq(status, 0);
	env_fini(&e);

	/* a lower version elsewhere: we stay */
	env_init(&e);
	fake_host_daemon(e.h, true);
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "totem.config_version", 5), 0);
	memset(&view, 0, sizeof(view));
	view.members = members;
	view.members_count = 2;
	view.trans = trans;
	view.trans_count = 1;
	sync_with(&e, &view, 2, 4);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, NULL), 0);
	/* only the first such sync decides */
	sync_with(&e, &view, 2, 9);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, NULL), 0);
	env_fini(&e);

	/* our version 0 (absent): never */
	env_init(&e);
	fake_host_daemon(e.h, true);
	memset(&view, 0, sizeof(view));
	view.members = members;
	view.members_count = 2;
	view.trans = trans;
	view.trans_count = 1;
	sync_with(&e, &view, 2, 7);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, NULL), 0);
	env_fini(&e);

	/* our own message does not count, even with a higher version */
	env_init(&e);
	fake_host_daemon(e.h, true);
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "totem.config_version", 1), 0);
	memset(&view, 0, sizeof(view));
	view.members = members;
	view.members_count = 2;
	view.trans = trans;
	view.trans_count = 1;
	sync_with(&e, &view, 1, 8);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, NULL), 0);
	env_fini(&e);
}
END_TEST

START_TEST(test_sync_and_config_version)
{
	struct env e;
	struct svc_view view;
	uint32_t members[2] = { 1, 2 };
	uint64_t v;

	env_init(&e);
	memset(&view, 0, sizeof(view));
	view.members = members;
	view.members_count = 2;

	/* Sync without a config_version: type 0. */
	ck_assert_int_eq(fake_host_sync(e.h, &view, 4), 0);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	mcast_check(fake_host_mcast(e.h, 0), CMAP_MCAST_REASON_SYNC, 0, 0);
	/* Our own message comes back like everybody else's. */
	ck_assert_int_eq(fake_host_deliver(e.h, 1, fake_host_mcast(e.h, 0)->data,
					   fake_host_mcast(e.h, 0)->len, false), 0);
	ck_assert_int_eq(icmap_get_uint64(e.cmap, "runtime.members.1.config_version", &v), 0);
	ck_assert(v == 0);
	fake_host_mcast_forget(e.h);

	/* Changing totem.config_version multicasts it at once. */
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "totem.config_version", 3), 0);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	mcast_check(fake_host_mcast(e.h, 0), CMAP_MCAST_REASON_NEW_CONFIG_VERSION,
		    ICMAP_T_UINT64, 3);
	fake_host_mcast_forget(e.h);

	/* A full totem queue: sync process asks to be called again. */
	fake_host_mcast_fail(e.h, -EAGAIN);
	ck_assert_int_eq(fake_host_sync(e.h, &view, 3), -EAGAIN);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 0);
	/* ... and a NEW_CONFIG_VERSION is retried from a timer. */
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "totem.config_version", 4), 0);
	fake_host_advance(e.h, 1000);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 0);
	fake_host_mcast_fail(e.h, 0);
	fake_host_advance(e.h, 1000);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	mcast_check(fake_host_mcast(e.h, 0), CMAP_MCAST_REASON_NEW_CONFIG_VERSION,
		    ICMAP_T_UINT64, 4);
	fake_host_advance(e.h, 1000);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	fake_host_mcast_forget(e.h);

	ck_assert_int_eq(fake_host_sync(e.h, &view, 4), 0);
	mcast_check(fake_host_mcast(e.h, 0), CMAP_MCAST_REASON_SYNC, ICMAP_T_UINT64, 4);

	/* Deleting it multicasts type 0. */
	ck_assert_int_eq(icmap_delete(e.cmap, "totem.config_version"), 0);
	mcast_check(fake_host_mcast(e.h, 1), CMAP_MCAST_REASON_NEW_CONFIG_VERSION, 0, 0);
	/* init() published nothing into the maps. */
	ck_assert_uint_eq(icmap_count(e.stats), 0);
	env_fini(&e);
}
END_TEST

static Suite *cmap_service_suite(void)
{
	Suite *s = suite_create("cmap_service");
	TCase *tc;

	add_tcase(s, tc, test_declaration);
	add_tcase(s, tc, test_size_bounds);
	add_tcase(s, tc, test_set_every_type);
	add_tcase(s, tc, test_set_errors);
	add_tcase(s, tc, test_set_key_not_terminated);
	add_tcase(s, tc, test_set_ro);
	add_tcase(s, tc, test_delete);
	add_tcase(s, tc, test_adjust);
	add_tcase(s, tc, test_get);
	add_tcase(s, tc, test_iter);
	add_tcase(s, tc, test_handles_per_connection);
	add_tcase(s, tc, test_handle_limits);
	add_tcase(s, tc, test_track_notifications);
	add_tcase(s, tc, test_track_prefix_and_flags);
	add_tcase(s, tc, test_disconnect_cleanup);
	add_tcase(s, tc, test_set_current_map);
	add_tcase(s, tc, test_stats_map);
	add_tcase(s, tc, test_mcast_deliver);
	add_tcase(s, tc, test_sync_and_config_version);
	add_tcase(s, tc, test_config_version_policy);
	return s;
}

int main(void)
{
	return check_run_suite(cmap_service_suite());
}
