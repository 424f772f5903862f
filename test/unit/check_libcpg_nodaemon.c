/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcpg without a daemon: connecting fails with CS_ERR_LIBRARY and leaves
 * the output handle alone; argument checks that need no connection (NULLs,
 * bad model/flags, 129-byte names, iteration types); garbage and stale
 * handles give CS_ERR_BAD_HANDLE from every call.  If something already
 * listens on the abstract socket @cpg (someone's daemon), the connect tests
 * only assert a well-formed result.  Starts no daemon.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include <corosync/cpg.h>

#include "../check_common.h"

#define SENTINEL ((cpg_handle_t)0x5a5a5a5a5a5a5a5aULL)

/* 1 if a socket named @cpg is listening on this host (per /proc/net/unix). */
static int cpg_socket_present(void)
{
	char line[512];
	FILE *f = fopen("/proc/net/unix", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		if (n >= 5 && strcmp(line + n - 5, " @cpg") == 0)
			found = 1;
	}
	fclose(f);
	return found;
}

static void never_deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t n, uint32_t p,
			  void *m, size_t l)
{
	ck_abort_msg("deliver without a connection");
}

static void never_confchg(cpg_handle_t h, const struct cpg_name *g,
			  const struct cpg_address *m, size_t mn, const struct cpg_address *l,
			  size_t ln, const struct cpg_address *j, size_t jn)
{
	ck_abort_msg("confchg without a connection");
}

static void name_set(struct cpg_name *n, const char *s)
{
	memset(n, 0, sizeof(*n));
	n->length = (uint32_t)strlen(s);
	memcpy(n->value, s, n->length);
}

START_TEST(test_initialize_without_daemon)
{
	cpg_callbacks_t cb = { never_deliver, never_confchg };
	cpg_handle_t h = SENTINEL;
	cs_error_t err = cpg_initialize(&h, &cb);

	if (cpg_socket_present()) {
		if (err == CS_OK)
			ck_assert_int_eq(cpg_finalize(h), CS_OK);
		else
			ck_assert_uint_eq(h, SENTINEL);
		return;
	}
	ck_assert_int_eq(err, CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
	ck_assert_int_eq(cpg_initialize(&h, NULL), CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
}
END_TEST

START_TEST(test_model_initialize_without_daemon)
{
	cpg_model_v1_data_t data;
	cpg_handle_t h = SENTINEL;
	int ctx;

	if (cpg_socket_present())
		return;
	memset(&data, 0, sizeof(data));
	data.model = CPG_MODEL_V1;
	data.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF;
	ck_assert_int_eq(cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&data, &ctx),
			 CS_ERR_LIBRARY);
	ck_assert_int_eq(cpg_model_initialize(&h, CPG_MODEL_V1, NULL, NULL), CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
	/* repeated failures must not leak or wedge the handle table */
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(cpg_initialize(&h, NULL), CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
}
END_TEST

START_TEST(test_model_and_flags)
{
	cpg_model_v1_data_t data;
	cpg_handle_t h = SENTINEL;

	memset(&data, 0, sizeof(data));
	data.model = CPG_MODEL_V1;
	ck_assert_int_eq(cpg_model_initialize(&h, (cpg_model_t)0, (cpg_model_data_t *)&data, NULL),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_model_initialize(&h, (cpg_model_t)2, (cpg_model_data_t *)&data, NULL),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_model_initialize(&h, (cpg_model_t)2, NULL, NULL), CS_ERR_INVALID_PARAM);
	data.flags = 0x02;
	ck_assert_int_eq(cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&data, NULL),
			 CS_ERR_INVALID_PARAM);
	data.flags = 0x80000001u;
	ck_assert_int_eq(cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&data, NULL),
			 CS_ERR_INVALID_PARAM);
	ck_assert_uint_eq(h, SENTINEL);
	ck_assert_int_eq(cpg_model_initialize(NULL, CPG_MODEL_V1, NULL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_initialize(NULL, NULL), CS_ERR_INVALID_PARAM);
}
END_TEST

START_TEST(test_null_arguments)
{
	struct cpg_name g;
	struct cpg_address members[CPG_MEMBERS_MAX];
	cpg_iteration_handle_t ih = 7;
	int n = -1;

	name_set(&g, "group");
	/* argument checks come before the handle is looked up */
	ck_assert_int_eq(cpg_join(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_leave(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_membership_get(SENTINEL, &g, NULL, &n), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_membership_get(SENTINEL, &g, members, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_membership_get(SENTINEL, NULL, members, &n), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(n, -1);
	ck_assert_int_eq(cpg_fd_get(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_context_get(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_max_atomic_msgsize_get(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_local_get(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_flow_control_state_get(SENTINEL, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_zcb_alloc(SENTINEL, 16, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_mcast_joined(SENTINEL, CPG_TYPE_AGREED, NULL, 1), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_iteration_next(ih, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_dispatch(SENTINEL, (cs_dispatch_flags_t)0), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_dispatch(SENTINEL, (cs_dispatch_flags_t)5), CS_ERR_INVALID_PARAM);
}
END_TEST

START_TEST(test_iteration_arguments)
{
	struct cpg_name g;
	cpg_iteration_handle_t ih = 7;

	name_set(&g, "group");
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, CPG_ITERATION_ALL, NULL, NULL),
			 CS_ERR_INVALID_PARAM);
	/* only ONE_GROUP takes a group, and it needs one */
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, CPG_ITERATION_ONE_GROUP, NULL, &ih),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, CPG_ITERATION_ALL, &g, &ih),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, CPG_ITERATION_NAME_ONLY, &g, &ih),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, (cpg_iteration_type_t)0, NULL, &ih),
			 CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, (cpg_iteration_type_t)4, NULL, &ih),
			 CS_ERR_INVALID_PARAM);
	ck_assert_uint_eq(ih, 7);
	/* well-formed: the handle decides */
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, CPG_ITERATION_ALL, NULL, &ih),
			 CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, CPG_ITERATION_ONE_GROUP, &g, &ih),
			 CS_ERR_BAD_HANDLE);
	ck_assert_uint_eq(ih, 7);
}
END_TEST

START_TEST(test_name_too_long)
{
	struct cpg_name g;
	struct cpg_address members[CPG_MEMBERS_MAX];
	cpg_iteration_handle_t ih = 7;
	int n = -1;

	memset(&g, 'a', sizeof(g));
	g.length = CPG_MAX_NAME_LENGTH + 1;
	ck_assert_int_eq(cpg_join(SENTINEL, &g), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(cpg_leave(SENTINEL, &g), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(cpg_membership_get(SENTINEL, &g, members, &n), CS_ERR_NAME_TOO_LONG);
	ck_assert_int_eq(cpg_iteration_initialize(SENTINEL, CPG_ITERATION_ONE_GROUP, &g, &ih),
			 CS_ERR_NAME_TOO_LONG);
	g.length = 0xffffffffu;
	ck_assert_int_eq(cpg_join(SENTINEL, &g), CS_ERR_NAME_TOO_LONG);
	/* exactly 128 is a valid name: the handle decides */
	g.length = CPG_MAX_NAME_LENGTH;
	ck_assert_int_eq(cpg_join(SENTINEL, &g), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_leave(SENTINEL, &g), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_membership_get(SENTINEL, &g, members, &n), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(n, -1);
}
END_TEST

/* Every call on a handle that is not (or no longer) one. */
static void assert_all_bad(cpg_handle_t h)
{
	struct cpg_name g;
	struct cpg_address members[CPG_MEMBERS_MAX];
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	cpg_flow_control_state_t fc = (cpg_flow_control_state_t)77;
	cpg_iteration_handle_t ih = 7;
	void *ctx = &ctx, *buf = NULL;
	unsigned int nodeid = 77;
	uint32_t size = 77;
	int fd = -77, n = -77;

	name_set(&g, "group");
	ck_assert_int_eq(cpg_fd_get(h, &fd), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_max_atomic_msgsize_get(h, &size), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_context_get(h, &ctx), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_context_set(h, ctx), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ONE), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_BLOCKING), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_dispatch(h, CS_DISPATCH_ONE_NONBLOCKING), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_join(h, &g), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_leave(h, &g), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_mcast_joined(h, CPG_TYPE_AGREED, NULL, 0), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_membership_get(h, &g, members, &n), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_local_get(h, &nodeid), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_flow_control_state_get(h, &fc), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_zcb_alloc(h, 100, &buf), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_zcb_free(h, members), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_zcb_mcast_joined(h, CPG_TYPE_AGREED, members, 10), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_iteration_initialize(h, CPG_ITERATION_ALL, NULL, &ih), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_finalize(h), CS_ERR_BAD_HANDLE);
	/* outputs untouched */
	ck_assert_int_eq(fd, -77);
	ck_assert_uint_eq(size, 77);
	ck_assert_ptr_eq(ctx, &ctx);
	ck_assert_int_eq(n, -77);
	ck_assert_uint_eq(nodeid, 77);
	ck_assert_int_eq(fc, 77);
	ck_assert_ptr_null(buf);
	ck_assert_uint_eq(ih, 7);
}

START_TEST(test_bad_handle)
{
	assert_all_bad(SENTINEL);
	assert_all_bad(0);
	assert_all_bad(1);
	assert_all_bad(~(cpg_handle_t)0);
	/* handles of failed connects were never handed out, and are not valid */
	assert_all_bad((cpg_handle_t)0);
	assert_all_bad(((cpg_handle_t)1 << 32));
}
END_TEST

START_TEST(test_bad_iteration_handle)
{
	struct cpg_iteration_description_t d;

	memset(&d, 0x55, sizeof(d));
	ck_assert_int_eq(cpg_iteration_next(0, &d), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_iteration_next(0x123456789ULL, &d), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_iteration_finalize(0), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(cpg_iteration_finalize(~0ULL), CS_ERR_BAD_HANDLE);
	ck_assert_uint_eq(d.nodeid, 0x55555555u);
}
END_TEST

START_TEST(test_mcast_huge_iovec_sum)
{
	/* lengths summing past 32 bits: refused before the handle or any memory is touched */
	struct iovec iov[2] = {
		{ .iov_base = (void *)1, .iov_len = 0x80000000u },
		{ .iov_base = (void *)1, .iov_len = 0x80000000u },
	};

	ck_assert_int_eq(cpg_mcast_joined(SENTINEL, CPG_TYPE_AGREED, iov, 2), CS_ERR_TOO_BIG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libcpg_nodaemon");
	TCase *tc;

	add_tcase(s, tc, test_initialize_without_daemon);
	add_tcase(s, tc, test_model_initialize_without_daemon);
	add_tcase(s, tc, test_model_and_flags);
	add_tcase(s, tc, test_null_arguments);
	add_tcase(s, tc, test_iteration_arguments);
	add_tcase(s, tc, test_name_too_long);
	add_tcase(s, tc, test_bad_handle);
	add_tcase(s, tc, test_bad_iteration_handle);
	add_tcase(s, tc, test_mcast_huge_iovec_sum);
	return check_run_suite(s);
}
