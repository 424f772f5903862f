/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcmap without a daemon: connecting fails with CS_ERR_LIBRARY and leaves
 * the output handle alone; stale handles give CS_ERR_BAD_HANDLE; argument
 * checks that need no connection.  If something already listens on the
 * abstract socket @cmap (a daemon of someone else), the connect test only
 * asserts a well-formed result.  Starts no daemon.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <corosync/cmap.h>

#include "../check_common.h"

#define SENTINEL ((cmap_handle_t)0x5a5a5a5a5a5a5a5aULL)

/* 1 if a socket named @cmap is listening on this host (per /proc/net/unix). */
static int cmap_socket_present(void)
{
	char line[512];
	FILE *f = fopen("/proc/net/unix", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		if (n >= 6 && strcmp(line + n - 6, " @cmap") == 0)
			found = 1;
	}
	fclose(f);
	return found;
}

START_TEST(test_initialize_without_daemon)
{
	cmap_handle_t h = SENTINEL;
	cs_error_t err = cmap_initialize(&h);

	if (cmap_socket_present()) {
		/* someone's daemon listens: only check the result is coherent */
		if (err == CS_OK)
			ck_assert_int_eq(cmap_finalize(h), CS_OK);
		else
			ck_assert_uint_eq(h, SENTINEL);
		return;
	}
	ck_assert_int_eq(err, CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
}
END_TEST

START_TEST(test_initialize_map_without_daemon)
{
	cmap_handle_t h = SENTINEL;
	cs_error_t err;

	if (cmap_socket_present())
		return;
	err = cmap_initialize_map(&h, CMAP_MAP_STATS);
	ck_assert_int_eq(err, CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
	/* repeated failures must not leak or wedge the handle table */
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(cmap_initialize(&h), CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
}
END_TEST

START_TEST(test_null_arguments)
{
	ck_assert_int_eq(cmap_initialize(NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_initialize_map(NULL, CMAP_MAP_DEFAULT), CS_ERR_INVALID_PARAM);
	/* key checks happen before the handle is looked up */
	ck_assert_int_eq(cmap_set_uint8(SENTINEL, NULL, 1), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_set_string(SENTINEL, "a.b.c", NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_set(SENTINEL, "a.b.c", NULL, 4, CMAP_VALUETYPE_UINT32),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_delete(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_get(SENTINEL, NULL, NULL, NULL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_get_string(SENTINEL, "a.b.c", NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_get_uint32(SENTINEL, "a.b.c", NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_fd_get(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_context_get(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_iter_init(SENTINEL, NULL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_dispatch(SENTINEL, (cs_dispatch_flags_t)0), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cmap_dispatch(SENTINEL, (cs_dispatch_flags_t)5), CS_ERR_INVALID_PARAM);
}
END_TEST

START_TEST(test_key_too_long)
{
	char key[CMAP_KEYNAME_MAXLEN + 2];

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	ck_assert_int_eq(cmap_set_uint8(SENTINEL, key, 1), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(cmap_delete(SENTINEL, key), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(cmap_inc(SENTINEL, key), CS_ERR_NAME_TOO_LONG);
}
END_TEST

static void never_called(cmap_handle_t h, cmap_track_handle_t t, int32_t ev, const char *k,
			 struct cmap_notify_value n, struct cmap_notify_value o, void *u)
{
	ck_abort_msg("callback without a connection");
}

START_TEST(test_bad_handle)
{
	const void *ctx = &ctx;
	cmap_iter_handle_t it = 7;
	cmap_track_handle_t tr = 9;
	char key[CMAP_KEYNAME_MAXLEN + 1];
	char *s = NULL;
	uint32_t u32 = 42;
	size_t len = 3;
	int fd = -7;

	ck_assert_int_eq(cmap_finalize(SENTINEL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_fd_get(SENTINEL, &fd), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(fd, -7);
	ck_assert_int_eq(cmap_dispatch(SENTINEL, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_context_set(SENTINEL, ctx), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_context_get(SENTINEL, &ctx), CS_ERR_BAD_HANDLE);
	ck_assert_ptr_eq(ctx, &ctx);
	ck_assert_int_eq(cmap_set_uint32(SENTINEL, "a.b.c", 1), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_get_uint32(SENTINEL, "a.b.c", &u32), CS_ERR_BAD_HANDLE);
	ck_assert_uint_eq(u32, 42);
	ck_assert_int_eq(cmap_get(SENTINEL, "a.b.c", NULL, &len, NULL), CS_ERR_BAD_HANDLE);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(cmap_get_string(SENTINEL, "a.b.c", &s), CS_ERR_BAD_HANDLE);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(cmap_delete(SENTINEL, "a.b.c"), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_dec(SENTINEL, "a.b.c"), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_iter_init(SENTINEL, "a", &it), CS_ERR_BAD_HANDLE);
	ck_assert_uint_eq(it, 7);
	ck_assert_int_eq(cmap_iter_next(SENTINEL, it, key, NULL, NULL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_iter_finalize(SENTINEL, it), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cmap_track_add(SENTINEL, "a", CMAP_TRACK_ADD, never_called, NULL, &tr),
			 CS_ERR_BAD_HANDLE);
	ck_assert_uint_eq(tr, 9);
	ck_assert_int_eq(cmap_track_delete(SENTINEL, tr), CS_ERR_BAD_HANDLE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libcmap_nodaemon");
	TCase *tc;

	add_tcase(s, tc, test_initialize_without_daemon);
	add_tcase(s, tc, test_initialize_map_without_daemon);
	add_tcase(s, tc, test_null_arguments);
	add_tcase(s, tc, test_key_too_long);
	add_tcase(s, tc, test_bad_handle);
	return check_run_suite(s);
}
