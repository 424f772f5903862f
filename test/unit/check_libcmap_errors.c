/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcorosync_common: the errno -> cs_error_t table (corosync v3.1.7 common_lib/error_conversion.c),
 * the handle-table table and every cs_strerror() string (§1.3).  When
 * Debian's libcorosync_common.so.4 is installed, ours is also compared with
 * it over a wide input range; without it that test is a no-op.
 */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include <corosync/corotypes.h>

#include "../check_common.h"

#define DEBIAN_COMMON "/usr/lib/x86_64-linux-gnu/libcorosync_common.so.4"

static const struct { int err; cs_error_t cs; } errno_table[] = {
	{ EBADF, CS_ERR_BAD_HANDLE }, { ENOMEM, CS_ERR_NO_MEMORY },
	{ ENOMSG, CS_ERR_TRY_AGAIN }, { ENOBUFS, CS_ERR_TRY_AGAIN },
	{ ETIMEDOUT, CS_ERR_TRY_AGAIN }, { EAGAIN, CS_ERR_TRY_AGAIN },
	{ EBADE, CS_ERR_FAILED_OPERATION }, { ETIME, CS_ERR_TIMEOUT },
	{ EINVAL, CS_ERR_INVALID_PARAM }, { EBUSY, CS_ERR_BUSY },
	{ EACCES, CS_ERR_ACCESS }, { EOVERFLOW, CS_ERR_NAME_TOO_LONG },
	{ EEXIST, CS_ERR_EXIST }, { ENOSPC, CS_ERR_NO_SPACE },
	{ EINTR, CS_ERR_INTERRUPT }, { ENOENT, CS_ERR_NOT_EXIST },
	{ ENODEV, CS_ERR_NOT_EXIST }, { ENOSYS, CS_ERR_NOT_SUPPORTED },
	{ ENOTSUP, CS_ERR_NOT_SUPPORTED }, { EBADMSG, CS_ERR_MESSAGE_ERROR },
	{ EMSGSIZE, CS_ERR_TOO_BIG }, { E2BIG, CS_ERR_TOO_BIG },
	/* everything else is a library error */
	{ ECONNREFUSED, CS_ERR_LIBRARY }, { ENOTCONN, CS_ERR_LIBRARY },
	{ EMFILE, CS_ERR_LIBRARY }, { EPERM, CS_ERR_LIBRARY },
	{ EPIPE, CS_ERR_LIBRARY }, { ECONNRESET, CS_ERR_LIBRARY },
	{ 4095, CS_ERR_LIBRARY },
};

START_TEST(test_qb_to_cs_error_table)
{
	size_t i;

	for (i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		ck_assert_msg(qb_to_cs_error(-errno_table[i].err) == errno_table[i].cs,
			      "errno %d: got %d want %d", errno_table[i].err,
			      qb_to_cs_error(-errno_table[i].err), errno_table[i].cs);
	/* any non-negative result (a byte count) is success */
	ck_assert_int_eq(qb_to_cs_error(0), CS_OK);
	ck_assert_int_eq(qb_to_cs_error(24), CS_OK);
	ck_assert_int_eq(qb_to_cs_error(1 << 30), CS_OK);
	ck_assert_int_eq(qb_to_cs_error(-100000), CS_ERR_LIBRARY);
}
END_TEST

START_TEST(test_hdb_error_to_cs_table)
{
	ck_assert_int_eq(hdb_error_to_cs(0), CS_OK);
	ck_assert_int_eq(hdb_error_to_cs(-EBADF), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(hdb_error_to_cs(-ENOMEM), CS_ERR_NO_MEMORY);
	ck_assert_int_eq(hdb_error_to_cs(-EMFILE), CS_ERR_NO_RESOURCES);
	ck_assert_int_eq(hdb_error_to_cs(-EACCES), CS_ERR_ACCESS);
	ck_assert_int_eq(hdb_error_to_cs(-EINVAL), CS_ERR_LIBRARY);
	ck_assert_int_eq(hdb_error_to_cs(-EAGAIN), CS_ERR_LIBRARY);
	ck_assert_int_eq(hdb_error_to_cs(1), CS_ERR_LIBRARY);
	ck_assert_int_eq(hdb_error_to_cs(-1000), CS_ERR_LIBRARY);
}
END_TEST

static const char *const cs_names[] = {
	[CS_ERR_LIBRARY] = "CS_ERR_LIBRARY", [CS_ERR_VERSION] = "CS_ERR_VERSION",
	[CS_ERR_INIT] = "CS_ERR_INIT", [CS_ERR_TIMEOUT] = "CS_ERR_TIMEOUT",
	[CS_ERR_TRY_AGAIN] = "CS_ERR_TRY_AGAIN", [CS_ERR_INVALID_PARAM] = "CS_ERR_INVALID_PARAM",
	[CS_ERR_NO_MEMORY] = "CS_ERR_NO_MEMORY", [CS_ERR_BAD_HANDLE] = "CS_ERR_BAD_HANDLE",
	[CS_ERR_BUSY] = "CS_ERR_BUSY", [CS_ERR_ACCESS] = "CS_ERR_ACCESS",
	[CS_ERR_NOT_EXIST] = "CS_ERR_NOT_EXIST", [CS_ERR_NAME_TOO_LONG] = "CS_ERR_NAME_TOO_LONG",
	[CS_ERR_EXIST] = "CS_ERR_EXIST", [CS_ERR_NO_SPACE] = "CS_ERR_NO_SPACE",
	[CS_ERR_INTERRUPT] = "CS_ERR_INTERRUPT", [CS_ERR_NAME_NOT_FOUND] = "CS_ERR_NAME_NOT_FOUND",
	[CS_ERR_NO_RESOURCES] = "CS_ERR_NO_RESOURCES", [CS_ERR_NOT_SUPPORTED] = "CS_ERR_NOT_SUPPORTED",
	[CS_ERR_BAD_OPERATION] = "CS_ERR_BAD_OPERATION",
	[CS_ERR_FAILED_OPERATION] = "CS_ERR_FAILED_OPERATION",
	[CS_ERR_MESSAGE_ERROR] = "CS_ERR_MESSAGE_ERROR", [CS_ERR_QUEUE_FULL] = "CS_ERR_QUEUE_FULL",
	[CS_ERR_QUEUE_NOT_AVAILABLE] = "CS_ERR_QUEUE_NOT_AVAILABLE",
	[CS_ERR_BAD_FLAGS] = "CS_ERR_BAD_FLAGS", [CS_ERR_TOO_BIG] = "CS_ERR_TOO_BIG",
	[CS_ERR_NO_SECTIONS] = "CS_ERR_NO_SECTIONS",
	[CS_ERR_CONTEXT_NOT_FOUND] = "CS_ERR_CONTEXT_NOT_FOUND",
	[CS_ERR_TOO_MANY_GROUPS] = "CS_ERR_TOO_MANY_GROUPS",
	[CS_ERR_SECURITY] = "CS_ERR_SECURITY",
};

START_TEST(test_cs_strerror_strings)
{
	int v;

	ck_assert_str_eq(cs_strerror(CS_OK), "success");
	for (v = -3; v <= 130; v++) {
		const char *want = "unknown error";

		if (v == CS_OK)
			continue;
		if (v > 0 && (size_t)v < sizeof(cs_names) / sizeof(cs_names[0]) && cs_names[v])
			want = cs_names[v];
		ck_assert_str_eq(cs_strerror((cs_error_t)v), want);
	}
}
END_TEST

/* Ours against Debian's build, value by value, when it is installed. */
START_TEST(test_matches_debian_library)
{
	cs_error_t (*ref_qb)(int);
	cs_error_t (*ref_hdb)(int);
	const char *(*ref_str)(cs_error_t);
	void *dl;
	int v;

	dl = dlopen(DEBIAN_COMMON, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return; /* reference not installed: nothing to compare with */
	ref_qb = (cs_error_t (*)(int))dlsym(dl, "qb_to_cs_error");
	ref_hdb = (cs_error_t (*)(int))dlsym(dl, "hdb_error_to_cs");
	ref_str = (const char *(*)(cs_error_t))dlsym(dl, "cs_strerror");
	ck_assert_ptr_nonnull(ref_qb);
	ck_assert_ptr_nonnull(ref_hdb);
	ck_assert_ptr_nonnull(ref_str);
	/* make sure we really compare two different implementations */
	ck_assert_ptr_ne((void *)ref_qb, (void *)qb_to_cs_error);

	for (v = -300; v <= 300; v++) {
		ck_assert_int_eq(qb_to_cs_error(v), ref_qb(v));
		ck_assert_int_eq(hdb_error_to_cs(v), ref_hdb(v));
		ck_assert_str_eq(cs_strerror((cs_error_t)v), ref_str((cs_error_t)v));
	}
	dlclose(dl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libcorosync_common");
	TCase *tc;

	add_tcase(s, tc, test_qb_to_cs_error_table);
	add_tcase(s, tc, test_hdb_error_to_cs_table);
	add_tcase(s, tc, test_cs_strerror_strings);
	add_tcase(s, tc, test_matches_debian_library);
	return check_run_suite(s);
}
