/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Zero-copy multicast as Debian's libcpg 3.1.7 uses it (corosync v3.1.7
 * lib/cpg.c, cpg_zcb_*, and exec/cpg.c, message_handler_req_lib_cpg_zc_*):
 * the client creates /dev/shm/corosync_zerocopy-XXXXXX, the daemon opens,
 * unlinks and maps it, and the client later names the mapping by the
 * server_address the daemon wrote into it.
 *
 * Deliberate differences (corosync trusts the path and the address):
 * only a regular file under one of the two corosync_zerocopy- prefixes,
 * opened with O_NOFOLLOW, owned by the client's uid, of a sane size; the
 * server_address is an opaque per-connection token, looked up before use;
 * msglen + 56 must fit the buffer; at most CPG_ZCB_MAX buffers per
 * connection, all released on close.  The daemon does not map the file: it
 * keeps the descriptor and reads the message with pread(), so a client that
 * shrinks its file gets a short read and an error, never a fault in the
 * daemon (corosync maps it and would die of SIGBUS).  That costs one copy
 * of the payload, which totem makes anyway.
 */
#define LOG_SUBSYS LOG_SUBSYS_CPG

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <corosync/corotypes.h>
#include <chorus/log.h>

#include "cpg_service/cpg_int.h"

#define ZC_MAP_MAX ((size_t)1048576 + CPG_ZC_USER_OFFSET + 65536)

static const char *const zc_prefixes[] = {
	"/dev/shm/corosync_zerocopy-",
	"/var/run/corosync_zerocopy-",
};

static bool zc_path_ok(const char *path)
{
	size_t i, n;

	for (i = 0; i < sizeof(zc_prefixes) / sizeof(zc_prefixes[0]); i++) {
		n = strlen(zc_prefixes[i]);
		/* a name directly in that directory: no further slash */
		if (strncmp(path, zc_prefixes[i], n) == 0 && path[n] && !strchr(path + n, '/'))
			return true;
	}
	return false;
}

static struct cpg_zcb *zcb_find(struct cpg_conn *c, uint64_t token)
{
	size_t i;

	for (i = 0; i < c->zcbs_count; i++)
		if (c->zcbs[i].token == token)
			return &c->zcbs[i];
	return NULL;
}

static void zcb_remove(struct cpg_conn *c, struct cpg_zcb *z)
{
	close(z->fd);
	*z = c->zcbs[--c->zcbs_count];
	memset(&c->zcbs[c->zcbs_count], 0, sizeof(c->zcbs[0]));
}

void cpg_zcb_free_all(struct cpg_conn *c)
{
	while (c->zcbs_count)
		zcb_remove(c, &c->zcbs[0]);
}

static int zc_open(struct svc_conn *conn, const char *path, uint64_t map_size, int *ret_fd)
{
	struct stat sb;
	uid_t uid;
	int fd, r = 0;

	svc_conn_creds(conn, NULL, &uid, NULL);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_uid != uid) {
		r = -EACCES;   /* not the client's file: leave it alone */
		goto out;
	}
	/* the client's own file: it goes away whatever happens next */
	(void)unlink(path);
	if (sb.st_size < 0 || (uint64_t)sb.st_size < map_size) {
		r = -EINVAL;
		goto out;
	}
	*ret_fd = fd;
	return 0;
out:
	close(fd);
	return r;
}

void cpg_handle_zc_alloc(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_zc_alloc *req = msg;
	struct cpg_conn *c = svc_conn_state(conn);
	char path[CPG_WIRE_ZC_PATH_LEN];
	struct cpg_zcb *z;
	uint64_t token;
	int32_t err = CS_OK;
	int fd = -1, r;

	(void)len;
	if (!memchr(req->path_to_file, '\0', sizeof(req->path_to_file))) {
		err = CS_ERR_NAME_TOO_LONG;
	} else {
		memcpy(path, req->path_to_file, sizeof(path));
		if (!zc_path_ok(path))
			err = CS_ERR_ACCESS;
		else if (req->map_size < CPG_ZC_USER_OFFSET || req->map_size > ZC_MAP_MAX)
			err = CS_ERR_INVALID_PARAM;
		else if (c->zcbs_count == CPG_ZCB_MAX)
			err = CS_ERR_NO_RESOURCES;
	}
	if (err == CS_OK) {
		r = zc_open(conn, path, req->map_size, &fd);
		if (r < 0) {
			log_debug("zero-copy buffer %s refused: %s", path, strerror(-r));
			err = r == -EACCES || r == -ELOOP ? CS_ERR_ACCESS : CS_ERR_INVALID_PARAM;
		}
	}
	if (err == CS_OK) {
		/* opaque, never 0, unique within the connection */
		token = ++c->next_handle ^ 0x7a63620000000000ULL;
		if (pwrite(fd, &token, sizeof(token), offsetof(struct cpg_zc_header, server_address)) !=
		    (ssize_t)sizeof(token)) {
			close(fd);
			err = CS_ERR_INVALID_PARAM;
		} else {
			z = &c->zcbs[c->zcbs_count++];
			z->fd = fd;
			z->size = req->map_size;
			z->token = token;
		}
	}
	/* corosync answers id 0; libcpg ignores the error (and the id). */
	(void)svc_reply_error(conn, 0, err);
}

void cpg_handle_zc_free(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_zc_free *req = msg;
	struct cpg_conn *c = svc_conn_state(conn);
	struct cpg_zcb *z = zcb_find(c, req->server_address);

	(void)len;
	if (z)
		zcb_remove(c, z);
	(void)svc_reply_error(conn, 0, z ? CS_OK : CS_ERR_INVALID_PARAM);
}

/* The buffer a zero-copy message is read into: kept between calls, so the
 * send path allocates only when a larger message comes. */
static void *zc_buf(struct cpg_state *st, size_t len)
{
	void *n;

	if (len <= st->zc_buf_cap)
		return st->zc_buf;
	n = realloc(st->zc_buf, len);
	if (!n)
		return NULL;
	st->zc_buf = n;
	st->zc_buf_cap = len;
	return n;
}

void cpg_handle_zc_execute(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_lib_cpg_zc_execute *req = msg;
	struct cpg_conn *c = svc_conn_state(conn);
	struct cpg_state *st = svc_state(svc_conn_svc(conn));
	struct cpg_zcb *z = zcb_find(c, req->server_address);
	struct req_lib_cpg_mcast head;
	int32_t err = CS_OK;
	void *data = NULL;

	(void)len;
	if (!z) {
		err = CS_ERR_INVALID_PARAM;
	} else if (c->state != CPD_JOIN_STARTED && c->state != CPD_JOIN_COMPLETED) {
		err = CS_ERR_NOT_EXIST;
	} else if (pread(z->fd, &head, sizeof(head), sizeof(struct cpg_zc_header)) !=
		   (ssize_t)sizeof(head)) {
		err = CS_ERR_INVALID_PARAM;
	} else if ((uint64_t)head.msglen + CPG_ZC_USER_OFFSET > z->size ||
		   (uint64_t)head.msglen + sizeof(struct req_exec_cpg_mcast) > SVC_IPC_MSG_MAX) {
		/* never TRY_AGAIN for what can never go: the caller would spin */
		err = CS_ERR_TOO_BIG;
	} else if (head.msglen && !(data = zc_buf(st, head.msglen))) {
		err = CS_ERR_NO_MEMORY;
	} else if (head.msglen &&
		   pread(z->fd, data, head.msglen, CPG_ZC_USER_OFFSET) != (ssize_t)head.msglen) {
		err = CS_ERR_INVALID_PARAM;   /* the client shrank its file */
	} else if (cpg_mcast_send(st, c, data ? data : "", head.msglen) < 0) {
		err = CS_ERR_TRY_AGAIN;
	}
	(void)svc_reply_error(conn, MESSAGE_RES_CPG_MCAST, err);
}
