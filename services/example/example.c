/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An example service module, the companion of docs/writing-a-service.md.
 * It shows every part of the interface: IPC ops with size bounds, a totem
 * message with a byte-order converter, per-connection state, a deferred
 * reply (ECHO answers only once its own multicast came back in total
 * order), and sync ops.  It is not loaded unless a config names it:
 *
 *     service {
 *         name: example
 *     }
 */
#define LOG_SUBSYS LOG_SUBSYS_EXAMPLE

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/corotypes.h>
#include <chorus/log.h>
#include <chorus/service.h>

#include "services/example/example.h"

#define PENDING_MAX 64

/*
 * Requests waiting for their own multicast to come back.  The token in the
 * totem message ties a delivery to its request; the connection is
 * referenced while it waits, so a client that leaves meanwhile is safe
 * (svc_reply() then just reports -ENOTCONN).
 */
struct example_state {
	uint64_t delivered;
	uint64_t next_token;
	struct {
		uint64_t token;
		struct svc_conn *conn;
	} pending[PENDING_MAX];
};

static void echo_reply(struct svc_conn *conn, uint64_t delivered, const char *payload, uint32_t len)
{
	struct res_example_echo res;
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };

	memset(&res, 0, sizeof(res));
	res.header.id = EXAMPLE_RES_ECHO;
	res.header.size = sizeof(res);
	res.header.error = CS_OK;
	res.delivered = delivered;
	res.len = len;
	memcpy(res.payload, payload, len);
	(void)svc_reply(conn, &iov, 1);
}

static void handle_echo(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_example_echo *req = msg;
	struct svc *svc = svc_conn_svc(conn);
	struct example_state *st = svc_state(svc);
	struct totem_example_echo hdr;
	struct iovec iov[2];
	size_t slot;
	int r;

	/* The host checked len against the bounds; the embedded length is ours to check. */
	if (req->len > len - sizeof(*req)) {
		(void)svc_reply_error(conn, EXAMPLE_RES_ECHO, CS_ERR_INVALID_PARAM);
		return;
	}
	for (slot = 0; slot < PENDING_MAX && st->pending[slot].conn; slot++)
		;
	if (slot == PENDING_MAX) {
		(void)svc_reply_error(conn, EXAMPLE_RES_ECHO, CS_ERR_TRY_AGAIN);
		return;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.nodeid = svc_nodeid(svc);
	hdr.len = req->len;
	hdr.conn_token = ++st->next_token;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)req->payload;
	iov[1].iov_len = req->len;
	r = svc_mcast(svc, EXAMPLE_TOTEM_ECHO, iov, 2, SVC_AGREED);
	if (r < 0) {
		(void)svc_reply_error(conn, EXAMPLE_RES_ECHO,
				      r == -EAGAIN ? CS_ERR_TRY_AGAIN : CS_ERR_INVALID_PARAM);
		return;
	}
	svc_conn_ref(conn);
	st->pending[slot].token = hdr.conn_token;
	st->pending[slot].conn = conn;
}

static void handle_count(struct svc_conn *conn, const void *msg, size_t len)
{
	struct example_state *st = svc_state(svc_conn_svc(conn));
	struct res_example_count res;
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };

	memset(&res, 0, sizeof(res));
	res.header.id = EXAMPLE_RES_COUNT;
	res.header.size = sizeof(res);
	res.header.error = CS_OK;
	res.delivered = st->delivered;
	(void)svc_reply(conn, &iov, 1);
}

static void echo_to_host(void *msg, size_t len)
{
	struct totem_example_echo *m = msg;

	m->nodeid = __builtin_bswap32(m->nodeid);
	m->len = __builtin_bswap32(m->len);
	m->conn_token = __builtin_bswap64(m->conn_token);
}

static void deliver_echo(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	const struct totem_example_echo *m = msg;
	struct example_state *st = svc_state(svc);
	size_t slot;

	/* A peer's message: never trust its length field. */
	if (m->len > len - sizeof(*m) || m->len > EXAMPLE_PAYLOAD_MAX) {
		log_warn("dropping malformed ECHO from node %u", from);
		return;
	}
	st->delivered++;
	if (from != svc_nodeid(svc))
		return;
	for (slot = 0; slot < PENDING_MAX; slot++) {
		struct svc_conn *conn = st->pending[slot].conn;

		if (!conn || st->pending[slot].token != m->conn_token)
			continue;
		st->pending[slot].conn = NULL;
		echo_reply(conn, st->delivered, m->payload, m->len);
		svc_conn_unref(conn);
		break;
	}
}

static void example_fini(struct svc *svc)
{
	struct example_state *st = svc_state(svc);
	size_t slot;

	for (slot = 0; slot < PENDING_MAX; slot++)
		if (st->pending[slot].conn)
			svc_conn_unref(st->pending[slot].conn);
}

static void example_dump(struct svc *svc, FILE *out)
{
	struct example_state *st = svc_state(svc);

	fprintf(out, "example: %lu ECHO messages delivered\n", (unsigned long)st->delivered);
}

/* The example takes no part in sync beyond showing the hooks. */
static void example_sync_init(struct svc *svc, const struct svc_view *view) { }
static int example_sync_process(struct svc *svc) { return 0; }
static void example_sync_activate(struct svc *svc) { }
static void example_sync_abort(struct svc *svc) { }

static const struct svc_ipc_op example_ipc_ops[] = {
	{ .id = EXAMPLE_REQ_ECHO, .flags = SVC_IPC_FLOW_CONTROL,
	  .size_min = sizeof(struct req_example_echo),
	  .size_max = sizeof(struct req_example_echo) + EXAMPLE_PAYLOAD_MAX,
	  .handle = handle_echo },
	{ .id = EXAMPLE_REQ_COUNT, .size_min = sizeof(struct qb_ipc_request_header),
	  .handle = handle_count },
};

static const struct svc_totem_op example_totem_ops[] = {
	{ .id = EXAMPLE_TOTEM_ECHO, .size_min = sizeof(struct totem_example_echo),
	  .to_host = echo_to_host, .handle = deliver_echo },
};

static const struct svc_sync_ops example_sync = {
	.init = example_sync_init,
	.process = example_sync_process,
	.activate = example_sync_activate,
	.abort = example_sync_abort,
};

const struct svc_def example_service_def = {
	.abi = SVC_ABI,
	.id = EXAMPLE_SERVICE_ID,
	.priority = 100,
	.name = "chorus_example",
	.ipc_name = "example",
	.state_size = sizeof(struct example_state),
	.ipc_ops = example_ipc_ops,
	.ipc_ops_count = sizeof(example_ipc_ops) / sizeof(example_ipc_ops[0]),
	.totem_ops = example_totem_ops,
	.totem_ops_count = sizeof(example_totem_ops) / sizeof(example_totem_ops[0]),
	.sync = &example_sync,
	.fini = example_fini,
	.dump = example_dump,
};
