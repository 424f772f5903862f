/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcfg without a daemon: our cfg.h against Debian's (sizes, offsets, enum
 * values; prototypes are pinned at compile time), our libcfg.so.7 against
 * Debian's (file name, soname, the set of exported symbols with their
 * versions), and the calls that need no connection: connecting fails with
 * CS_ERR_LIBRARY and leaves the handle alone, stale handles give
 * CS_ERR_BAD_HANDLE, NULL arguments CS_ERR_INVALID_PARAM.  The comparisons
 * with Debian's files are skipped when those are not installed.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/cfg.h>

#include "../check_common.h"
#include "cfg_abi.h"

#define SENTINEL ((corosync_cfg_handle_t)0x5a5a5a5a5a5a5a5aULL)
#define DEBIAN_LIBCFG "/usr/lib/x86_64-linux-gnu/libcfg.so.7"

/* 1 if a socket named @cfg is listening on this host (per /proc/net/unix). */
static int cfg_socket_present(void)
{
	char line[512];
	FILE *f = fopen("/proc/net/unix", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		if (n >= 5 && strcmp(line + n - 5, " @cfg") == 0)
			found = 1;
	}
	fclose(f);
	return found;
}

START_TEST(test_header_matches_debian)
{
	struct cfg_abi ours, deb;

	memset(&ours, 0, sizeof(ours));
	memset(&deb, 0, sizeof(deb));
	cfg_abi_ours(&ours);
	cfg_abi_debian(&deb);
	ck_assert_int_eq(ours.present, 1);
	if (!deb.present)
		return; /* Debian's header is not installed: nothing to compare with */
#define CFG_ABI_CMP(name) \
	ck_assert_msg(ours.name == deb.name, #name ": ours %ld, Debian's %ld", ours.name, deb.name);
	CFG_ABI_FIELDS(CFG_ABI_CMP)
#undef CFG_ABI_CMP
	/* and the numbers are the ones the wire needs */
	ck_assert_int_eq(ours.sizeof_node_status, 4176);
	ck_assert_int_eq(ours.sizeof_link_status, 520);
	ck_assert_int_eq(ours.sizeof_node_address, 32);
}
END_TEST

/*
 * "VERSION NAME" lines of the defined dynamic symbols of a library, sorted,
 * from objdump -T; NULL when objdump cannot read it.
 */
static char *dynsyms(const char *path)
{
	char cmd[1024], line[512];
	char *out = NULL;
	size_t size = 0;
	FILE *mem, *p;
	int status;

	snprintf(cmd, sizeof(cmd),
		 "objdump -T '%s' 2>/dev/null | awk '$2 == \"g\" && $4 != \"*UND*\" "
		 "{ print $(NF-1), $NF }' | sort", path);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	mem = open_memstream(&out, &size);
	ck_assert_ptr_nonnull(mem);
	while (fgets(line, sizeof(line), p))
		fputs(line, mem);
	fclose(mem);
	status = pclose(p);
	if (status != 0 || size == 0) {
		free(out);
		return NULL;
	}
	return out;
}

START_TEST(test_symbols_match_debian)
{
	char *ours, *deb;

	ck_assert_msg(access(LIBCFG_BUILT, R_OK) == 0, "%s not built", LIBCFG_BUILT);
	ck_assert_msg(access(LIBCFG_BUILT_FILE, R_OK) == 0, "%s not built", LIBCFG_BUILT_FILE);
	if (access(DEBIAN_LIBCFG, R_OK) != 0 || system("objdump --version >/dev/null 2>&1") != 0)
		return; /* nothing to compare with */
	ours = dynsyms(LIBCFG_BUILT);
	deb = dynsyms(DEBIAN_LIBCFG);
	ck_assert_ptr_nonnull(ours);
	ck_assert_ptr_nonnull(deb);
	ck_assert_str_eq(ours, deb);
	/* both name the same soname */
	ck_assert_int_eq(system("objdump -p '" LIBCFG_BUILT "' | grep -q 'SONAME *libcfg.so.7$'"), 0);
	ck_assert_int_eq(system("objdump -p '" DEBIAN_LIBCFG "' | grep -q 'SONAME *libcfg.so.7$'"),
			 0);
	free(ours);
	free(deb);
}
END_TEST

START_TEST(test_initialize_without_daemon)
{
	corosync_cfg_handle_t h = SENTINEL;
	cs_error_t err = corosync_cfg_initialize(&h, NULL);

	if (cfg_socket_present()) {
		/* someone's daemon listens: only check the result is coherent */
		if (err == CS_OK)
			ck_assert_int_eq(corosync_cfg_finalize(h), CS_OK);
		else
			ck_assert_uint_eq(h, SENTINEL);
		return;
	}
	ck_assert_int_eq(err, CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
	/* repeated failures must not leak or wedge the handle table */
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(corosync_cfg_initialize(&h, NULL), CS_ERR_LIBRARY);
	ck_assert_uint_eq(h, SENTINEL);
}
END_TEST

START_TEST(test_bad_handles_and_arguments)
{
	corosync_cfg_node_address_t addrs[2];
	struct corosync_cfg_node_status_v1 st;
	corosync_cfg_handle_t h = SENTINEL;
	char **names, **status;
	unsigned int count, id;
	int32_t fd;
	int n = -1;

	ck_assert_int_eq(corosync_cfg_initialize(NULL, NULL), CS_ERR_INVALID_PARAM);
	/* argument checks come before the handle lookup */
	ck_assert_int_eq(corosync_cfg_fd_get(h, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(corosync_cfg_local_get(h, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(corosync_cfg_get_node_addrs(h, 0, 2, NULL, addrs), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(corosync_cfg_get_node_addrs(h, 0, 2, &n, NULL), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(corosync_cfg_dispatch(h, 0), CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(corosync_cfg_dispatch(h, 5), CS_ERR_INVALID_PARAM);

	ck_assert_int_eq(corosync_cfg_finalize(h), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_fd_get(h, &fd), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_dispatch(h, CS_DISPATCH_ALL), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_local_get(h, &id), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_get_node_addrs(h, 0, 2, &n, addrs), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(n, -1);
	ck_assert_int_eq(corosync_cfg_get_node_addrs(h, 0, 0, &n, NULL), CS_ERR_BAD_HANDLE);
	/* the other calls check the handle before anything reaches a daemon */
	ck_assert_int_eq(corosync_cfg_ring_status_get(h, &names, &status, &count),
			 CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_node_status_get(h, 1, CFG_NODE_STATUS_V1, &st),
			 CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_kill_node(h, 1, "x"), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_trackstart(h, 0), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_trackstop(h), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_try_shutdown(h, COROSYNC_CFG_SHUTDOWN_FLAG_IMMEDIATE),
			 CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_replyto_shutdown(h, COROSYNC_CFG_SHUTDOWN_FLAG_NO),
			 CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_reload_config(h), CS_ERR_BAD_HANDLE);
	ck_assert_int_eq(corosync_cfg_reopen_log_files(h), CS_ERR_BAD_HANDLE);
	/* as corosync's, a reason of 256 bytes is refused before the handle is looked at */
	{
		char reason[257];

		memset(reason, 'r', 256);
		reason[256] = '\0';
		ck_assert_int_eq(corosync_cfg_kill_node(h, 1, reason), CS_ERR_NAME_TOO_LONG);
	}
	ck_assert_int_eq(corosync_cfg_node_status_get(h, 1, 2, &st), CS_ERR_INVALID_PARAM);
	/* handle 0 is never valid either */
	ck_assert_int_eq(corosync_cfg_finalize(0), CS_ERR_BAD_HANDLE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("libcfg");
	TCase *tc;

	add_tcase(s, tc, test_header_matches_debian);
	add_tcase(s, tc, test_symbols_match_debian);
	add_tcase(s, tc, test_initialize_without_daemon);
	add_tcase(s, tc, test_bad_handles_and_arguments);
	return check_run_suite(s);
}
