/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Malformed CPG requests over a real libqb connection to a running chorusd
 * ("cpg"): each must get the right error reply, MCAST (id 2) none at all,
 * and nothing may crash the daemon or make it touch a file it must not.
 * After every MCAST a LOCAL_GET proves no stray reply was queued (libcpg
 * would read it as the answer to its next call).
 *
 *   cpg_abuse VICTIM_FILE   (a file the zero-copy requests try to get unlinked)
 * Exit 0 when every check passed.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qb/qbipcc.h>

#include <corosync/corotypes.h>
#include <corosync/ipc_cpg.h>

#define BUF_SIZE (1024 * 1024)

static int failures, checks;
static qb_ipcc_connection_t *conn;
static char res[BUF_SIZE] __attribute__((aligned(8)));

static void check(int ok, const char *what)
{
	checks++;
	if (!ok) {
		failures++;
		printf("FAIL: %s\n", what);
	}
}

/* Send and wait for one reply; its error, or -1 when none came. */
static int32_t call(const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct qb_ipc_response_header *hdr = (void *)res;
	ssize_t r = qb_ipcc_sendv_recv(conn, &iov, 1, res, sizeof(res), 5000);

	if (r < (ssize_t)sizeof(*hdr))
		return -1;
	return hdr->error;
}

/* The connection still answers in step: LOCAL_GET gets its own reply. */
static void in_step(const char *after)
{
	struct req_lib_cpg_local_get req = { .header = { .id = MESSAGE_REQ_CPG_LOCAL_GET,
							 .size = sizeof(req) } };
	struct res_lib_cpg_local_get *out = (void *)res;
	char what[256];
	int32_t e = call(&req, sizeof(req));

	snprintf(what, sizeof(what), "after %s: LOCAL_GET answered in step", after);
	check(e == CS_OK && out->header.id == MESSAGE_RES_CPG_LOCAL_GET, what);
}

static void send_only(const void *buf, size_t len, const char *what)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	check(qb_ipcc_sendv(conn, &iov, 1) == (ssize_t)len, what);
	in_step(what);
}

static void expect(const void *buf, size_t len, int32_t want, const char *what)
{
	char msg[256];
	int32_t e = call(buf, len);

	snprintf(msg, sizeof(msg), "%s: error %d, want %d", what, e, want);
	check(e == want, msg);
}

static void expect_not_ok(const void *buf, size_t len, const char *what)
{
	char msg[256];
	int32_t e = call(buf, len);

	snprintf(msg, sizeof(msg), "%s: error %d, want an error reply", what, e);
	check(e > CS_OK, msg);
}

static void set_name(mar_cpg_name_t *n, uint32_t len)
{
	memset(n, 0, sizeof(*n));
	n->length = len;
	memset(n->value, 'x', sizeof(n->value));
}

static int file_intact(const char *path, const struct stat *before)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_ino == before->st_ino && st.st_size == before->st_size;
}

int main(int argc, char **argv)
{
	static uint64_t buf[BUF_SIZE / 8];
	struct req_lib_cpg_join join;
	struct req_lib_cpg_leave leave;
	struct req_lib_cpg_mcast *mc = (void *)buf;
	struct req_lib_cpg_partial_mcast *pm = (void *)buf;
	struct req_lib_cpg_membership_get mem;
	struct req_lib_cpg_iterationnext itn;
	struct req_lib_cpg_iterationfinalize itf;
	struct req_lib_cpg_zc_alloc za;
	struct req_lib_cpg_zc_execute ze;
	struct req_lib_cpg_zc_free zf;
	struct qb_ipc_request_header h;
	const char *victim = argc > 1 ? argv[1] : NULL;
	char link_path[64];
	struct stat vst;
	int i;

	if (!victim || stat(victim, &vst) < 0) {
		fprintf(stderr, "usage: cpg_abuse VICTIM_FILE\n");
		return 2;
	}
	conn = qb_ipcc_connect("cpg", BUF_SIZE);
	if (!conn) {
		perror("connect cpg");
		return 1;
	}

	/* sizes the host refuses before any handler: generic reply id 0 */
	memset(&join, 0, sizeof(join));
	join.header.id = MESSAGE_REQ_CPG_JOIN;
	join.header.size = 100;
	expect(&join, 100, CS_ERR_INVALID_PARAM, "truncated JOIN");
	/* (A header size larger than what was sent is not tried: libqb hands the
	 * server header.size bytes of its receive buffer, not the count read.) */
	h.id = 13;
	h.size = sizeof(h);
	expect(&h, sizeof(h), CS_ERR_INVALID_PARAM, "unknown id 13");
	h.id = -7;
	expect(&h, sizeof(h), CS_ERR_INVALID_PARAM, "negative id");
	h.id = 0x20000;
	expect(&h, sizeof(h), CS_ERR_INVALID_PARAM, "an exec id as a request");

	/* names */
	join.header.size = sizeof(join);
	join.pid = 4242;
	set_name(&join.group_name, 129);
	expect(&join, sizeof(join), CS_ERR_NAME_TOO_LONG, "JOIN with a 129-byte name");
	set_name(&join.group_name, 0xffffffffu);
	expect(&join, sizeof(join), CS_ERR_NAME_TOO_LONG, "JOIN with name length 2^32-1");
	memset(&mem, 0, sizeof(mem));
	mem.header.id = MESSAGE_REQ_CPG_MEMBERSHIP;
	mem.header.size = sizeof(mem);
	set_name(&mem.group_name, 5000);
	expect_not_ok(&mem, sizeof(mem), "MEMBERSHIP with name length 5000");
	memset(&leave, 0, sizeof(leave));
	leave.header.id = MESSAGE_REQ_CPG_LEAVE;
	leave.header.size = sizeof(leave);
	set_name(&leave.group_name, 3);
	expect(&leave, sizeof(leave), CS_ERR_NOT_EXIST, "LEAVE while not joined");

	/* MCAST: never a reply, whatever is wrong with it */
	memset(buf, 0, 4096);
	mc->header.id = MESSAGE_REQ_CPG_MCAST;
	mc->header.size = sizeof(*mc) + 100;
	mc->msglen = 100;
	send_only(mc, sizeof(*mc) + 100, "MCAST while not joined");
	set_name(&join.group_name, 5);
	expect(&join, sizeof(join), CS_OK, "JOIN");
	mc->msglen = 1000000;
	send_only(mc, sizeof(*mc) + 100, "MCAST with msglen larger than the request");
	mc->msglen = 10;
	send_only(mc, sizeof(*mc) + 100, "MCAST with msglen smaller than the request");
	mc->msglen = 0xffffffffu;
	send_only(mc, sizeof(*mc) + 100, "MCAST with msglen 2^32-1");
	mc->header.size = 30;
	send_only(mc, 30, "MCAST shorter than its header");

	/* PARTIAL_MCAST with lengths that do not add up */
	memset(pm, 0, sizeof(*pm));
	pm->header.id = MESSAGE_REQ_CPG_PARTIAL_MCAST;
	pm->header.size = sizeof(*pm) + 64;
	pm->msglen = 64;
	pm->fraglen = 5000;
	pm->type = LIBCPG_PARTIAL_FIRST;
	expect_not_ok(pm, sizeof(*pm) + 64, "PARTIAL_MCAST with fraglen beyond the request");
	pm->fraglen = 64;
	pm->msglen = 10;
	expect_not_ok(pm, sizeof(*pm) + 64, "PARTIAL_MCAST with fraglen > msglen");
	pm->msglen = 64;
	pm->type = 77;
	expect_not_ok(pm, sizeof(*pm) + 64, "PARTIAL_MCAST of unknown type");

	/* iteration handles that were never handed out */
	memset(&itn, 0, sizeof(itn));
	itn.header.id = MESSAGE_REQ_CPG_ITERATIONNEXT;
	itn.header.size = sizeof(itn);
	itn.iteration_handle = 0xdeadbeefcafeULL;
	expect(&itn, sizeof(itn), CS_ERR_LIBRARY, "ITERATIONNEXT with a bogus handle");
	memset(&itf, 0, sizeof(itf));
	itf.header.id = MESSAGE_REQ_CPG_ITERATIONFINALIZE;
	itf.header.size = sizeof(itf);
	itf.iteration_handle = 7;
	expect(&itf, sizeof(itf), CS_ERR_LIBRARY, "ITERATIONFINALIZE with a bogus handle");

	/* zero-copy: the daemon must not open, map or unlink what it is not given */
	memset(&za, 0, sizeof(za));
	za.header.id = MESSAGE_REQ_CPG_ZC_ALLOC;
	za.header.size = sizeof(za);
	za.map_size = 4096 + 56;
	snprintf(za.path_to_file, sizeof(za.path_to_file), "%s", victim);
	(void)call(&za, sizeof(za));
	check(file_intact(victim, &vst), "ZC_ALLOC of a path outside the zero-copy prefix left it alone");
	snprintf(link_path, sizeof(link_path), "/dev/shm/corosync_zerocopy-abuse%d", (int)getpid());
	(void)unlink(link_path);
	check(symlink(victim, link_path) == 0, "symlink created");
	snprintf(za.path_to_file, sizeof(za.path_to_file), "%s", link_path);
	(void)call(&za, sizeof(za));
	check(file_intact(victim, &vst), "ZC_ALLOC through a symlink left the target alone");
	(void)unlink(link_path);
	snprintf(za.path_to_file, sizeof(za.path_to_file), "/dev/shm/corosync_zerocopy-../../%s",
		 victim);
	(void)call(&za, sizeof(za));
	check(file_intact(victim, &vst), "ZC_ALLOC with .. left the target alone");
	memset(za.path_to_file, 'A', sizeof(za.path_to_file));
	expect_not_ok(&za, sizeof(za), "ZC_ALLOC with an unterminated path");
	in_step("ZC_ALLOC with an unterminated path");
	memset(&ze, 0, sizeof(ze));
	ze.header.id = MESSAGE_REQ_CPG_ZC_EXECUTE;
	ze.header.size = sizeof(ze);
	ze.server_address = 0x7fff00001000ULL;
	expect_not_ok(&ze, sizeof(ze), "ZC_EXECUTE with a bogus address");
	memset(&zf, 0, sizeof(zf));
	zf.header.id = MESSAGE_REQ_CPG_ZC_FREE;
	zf.header.size = sizeof(zf);
	zf.map_size = 1 << 20;
	zf.server_address = 0x1234;
	(void)call(&zf, sizeof(zf));
	in_step("ZC_FREE with a bogus address");

	/* random requests of every id: replies where one is due, never a crash */
	srandom(7);
	for (i = 0; i < 300; i++) {
		size_t len = 16 + (size_t)(random() % 400);
		struct qb_ipc_request_header *rh = (void *)buf;
		size_t j;
		int32_t id = (int32_t)(random() % 13);

		for (j = 0; j < len / 8 + 1; j++)
			buf[j] = ((uint64_t)random() << 32) | (uint64_t)random();
		rh->id = id;
		rh->size = (int32_t)len;
		if (id == MESSAGE_REQ_CPG_ZC_ALLOC || id == MESSAGE_REQ_CPG_FINALIZE)
			continue;  /* keep the connection; ZC_ALLOC paths were tried above */
		if (id == MESSAGE_REQ_CPG_MCAST) {
			struct iovec iov = { .iov_base = buf, .iov_len = len };

			(void)qb_ipcc_sendv(conn, &iov, 1);
			continue;
		}
		if (call(buf, len) < 0) {
			check(0, "random request answered");
			break;
		}
	}
	in_step("300 random requests");
	check(file_intact(victim, &vst), "victim file intact at the end");
	qb_ipcc_disconnect(conn);
	printf("%d passed, %d failed\n", checks - failures, failures);
	return failures ? 1 : 0;
}
