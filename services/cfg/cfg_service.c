/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cfg service (corosync v3.1.7 exec/cfg.c): the daemon side of libcfg.so.7.
 *
 * What works now: accepting connections, GET_NODE_ADDRS (the node's
 * configured link addresses, read from the nodelist in cmap), LOCAL_GET,
 * RINGREENABLE (always CS_ERR_NOT_SUPPORTED, as in corosync 3.1.7) and
 * TRACKSTART/TRACKSTOP bookkeeping.  Every other request (RINGSTATUSGET,
 * KILLNODE, TRYSHUTDOWN, REPLYTOSHUTDOWN, RELOAD_CONFIG, REOPEN_LOG_FILES,
 * NODESTATUSGET) is answered at once with its own reply id, a reply of the
 * size libcfg reads, and CS_ERR_NOT_SUPPORTED, so no client ever waits.  The
 * five totem messages a corosync peer may send are declared so the host
 * accepts them; their handlers only count and log for now.  The full
 * service (shutdown negotiation, kill, reload, link status) comes with the
 * cfg issue: each unimplemented request has its own handler to fill in.
 *
 * Owns no file-scope state: per-instance counters in struct cfg_state and a
 * tracking flag per connection.  Requests reach the handlers with a length
 * the host already checked against the declared bounds.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define LOG_SUBSYS LOG_SUBSYS_CFG
#include <chorus/icmap.h>
#include <chorus/log.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_cfg.h>

#include "services/cfg/cfg_service.h"

/* Links a node can have (corosync's INTERFACE_MAX / CFG_MAX_LINKS). */
#define CFG_LINKS_MAX CFG_MAX_LINKS
#define CFG_NODELIST_PREFIX "nodelist.node."

/* ---- state ------------------------------------------------------------------ */

struct cfg_state {
	struct svc *svc;
	uint64_t exec_rx[CFG_EXEC_FN_COUNT];
	uint64_t trackers;                  /* connections that called TRACKSTART */
};

struct cfg_conn {
	bool tracking;
};

uint64_t cfg_exec_rx_count(struct svc *svc, enum cfg_exec_fn fn)
{
	struct cfg_state *st = svc_state(svc);

	return (unsigned)fn < CFG_EXEC_FN_COUNT ? st->exec_rx[fn] : 0;
}

static void cfg_reply_fill(void *res, size_t size, int32_t id, cs_error_t err)
{
	struct qb_ipc_response_header *h = res;

	h->id = id;
	h->size = (int32_t)size;
	h->error = err;
}

static void cfg_reply(struct svc_conn *conn, void *res, size_t size, int32_t id, cs_error_t err)
{
	struct iovec iov = { .iov_base = res, .iov_len = size };

	cfg_reply_fill(res, size, id, err);
	svc_reply(conn, &iov, 1);
}

/* ---- GET_NODE_ADDRS --------------------------------------------------------- */

/*
 * The N of the nodelist entry whose nodeid (u32) is nodeid, or -ENOENT.
 * Keys are exactly "nodelist.node.<N>.nodeid"; anything else is skipped.
 */
static long cfg_node_pos(const struct icmap *map, uint32_t nodeid)
{
	struct icmap_iter it;
	const char *key;
	const void *val;
	size_t len;
	enum icmap_type type;

	icmap_iter_init(&it, CFG_NODELIST_PREFIX);
	while ((key = icmap_iter_next(map, &it, &val, &len, &type)) != NULL) {
		const char *p = key + strlen(CFG_NODELIST_PREFIX);
		char *end;
		unsigned long n;
		uint32_t id;

		if (*p < '0' || *p > '9')
			continue;
		n = strtoul(p, &end, 10);
		if (strcmp(end, ".nodeid") != 0 || n > 1000000 || type != ICMAP_T_UINT32 ||
		    len != sizeof(id))
			continue;
		memcpy(&id, val, sizeof(id));
		if (id == nodeid)
			return (long)n;
	}
	return -ENOENT;
}

/*
 * A numeric address (IPv4, or IPv6 with an optional %scope) as its raw wire
 * slot.  AI_NUMERICHOST never touches DNS, so this cannot block the loop.
 * Returns the family, or 0 when text is not a numeric address.
 */
static int cfg_addr_parse(const char *text, uint8_t slot[CFG_WIRE_ADDRLEN])
{
	struct addrinfo hints, *res = NULL;
	int family = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(text, NULL, &hints, &res) != 0 || !res)
		return 0;
	memset(slot, 0, CFG_WIRE_ADDRLEN);
	if (res->ai_family == AF_INET && res->ai_addrlen >= sizeof(struct sockaddr_in)) {
		memcpy(slot, &((const struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
		family = AF_INET;
	} else if (res->ai_family == AF_INET6 && res->ai_addrlen >= sizeof(struct sockaddr_in6)) {
		memcpy(slot, &((const struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
		family = AF_INET6;
	}
	freeaddrinfo(res);
	return family;
}

/*
 * corosync 3.1.7 exec/cfg.c, message_handler_req_lib_cfg_get_node_addrs:
 * one address per link on which the node is configured, in link order;
 * family of the first; unknown node or no address -> CS_ERR_NOT_EXIST with
 * no addresses.  Differences (docs/compat.md): the addresses come from the
 * nodelist in cmap, and an address given as a host name is left out (it
 * would need a blocking resolver call in the main loop); all-zero
 * addresses are never sent, so header.size is always 32 + 16 * num_addrs.
 */
static void cfg_handle_get_node_addrs(struct svc_conn *conn, const void *msg, size_t len)
{
	struct svc *svc = svc_conn_svc(conn);
	const struct icmap *map = svc_cmap(svc);
	struct req_lib_cfg_get_node_addrs req;
	struct res_lib_cfg_get_node_addrs res;
	uint8_t out[sizeof(res) + CFG_LINKS_MAX * CFG_WIRE_ADDRLEN] __attribute__((aligned(8)));
	struct iovec iov;
	uint32_t nodeid;
	unsigned int n = 0;
	long pos;

	memcpy(&req, msg, sizeof(req));
	memset(&res, 0, sizeof(res));
	memset(out, 0, sizeof(out));
	nodeid = req.nodeid ? req.nodeid : svc_nodeid(svc);
	pos = map ? cfg_node_pos(map, nodeid) : -ENOENT;
	for (unsigned int link = 0; pos >= 0 && link < CFG_LINKS_MAX; link++) {
		char key[ICMAP_KEYNAME_MAXLEN + 1];
		const char *text;
		int family;

		snprintf(key, sizeof(key), CFG_NODELIST_PREFIX "%ld.ring%u_addr", pos, link);
		if (icmap_get_string(map, key, &text) < 0)
			continue;
		family = cfg_addr_parse(text, out + sizeof(res) + n * CFG_WIRE_ADDRLEN);
		if (!family) {
			log_debug("node %" PRIu32 " link %u: '%s' is not a numeric address, not listed",
				  nodeid, link, text);
			continue;
		}
		if (n == 0)
			res.family = (uint32_t)family;
		n++;
	}
	res.num_addrs = n;
	cfg_reply_fill(&res, sizeof(res) + n * CFG_WIRE_ADDRLEN, MESSAGE_RES_CFG_GET_NODE_ADDRS,
		       n ? CS_OK : CS_ERR_NOT_EXIST);
	memcpy(out, &res, sizeof(res));
	iov.iov_base = out;
	iov.iov_len = sizeof(res) + n * CFG_WIRE_ADDRLEN;
	svc_reply(conn, &iov, 1);
}

/* ---- LOCAL_GET, RINGREENABLE, TRACKSTART, TRACKSTOP -------------------------- */

static void cfg_handle_local_get(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cfg_local_get res;

	memset(&res, 0, sizeof(res));
	res.local_nodeid = svc_nodeid(svc_conn_svc(conn));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_LOCAL_GET, CS_OK);
}

/* corosync 3.1.7 answers RINGREENABLE with CS_ERR_NOT_SUPPORTED too: nothing to re-enable with knet. */
static void cfg_handle_ringreenable(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cfg_header_only res;

	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_RINGREENABLE, CS_ERR_NOT_SUPPORTED);
}

/*
 * Tracking only records the wish: no shutdown negotiation exists yet, so
 * no TESTSHUTDOWN event can be due.  The negotiation (exec/cfg.c, shutdown_*)
 * will count these connections.
 */
static void cfg_handle_trackstart(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cfg_state *st = svc_state(svc_conn_svc(conn));
	struct cfg_conn *cc = svc_conn_state(conn);
	struct res_lib_cfg_header_only res;

	if (!cc->tracking) {
		cc->tracking = true;
		st->trackers++;
	}
	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_STATETRACKSTART, CS_OK);
}

static void cfg_untrack(struct svc_conn *conn)
{
	struct cfg_state *st = svc_state(svc_conn_svc(conn));
	struct cfg_conn *cc = svc_conn_state(conn);

	if (cc->tracking) {
		cc->tracking = false;
		st->trackers--;
	}
}

static void cfg_handle_trackstop(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cfg_header_only res;

	cfg_untrack(conn);
	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_STATETRACKSTOP, CS_OK);
}

/* ---- not implemented yet: answered with CS_ERR_NOT_SUPPORTED ------------------ */

/* Debian's libcfg reads interface_count even on error: send the whole reply, count 0. */
static void cfg_handle_ringstatusget(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cfg_ringstatusget *res = calloc(1, sizeof(*res));

	if (!res) {
		svc_reply_error(conn, MESSAGE_RES_CFG_RINGSTATUSGET, CS_ERR_NO_MEMORY);
		return;
	}
	cfg_reply(conn, res, sizeof(*res), MESSAGE_RES_CFG_RINGSTATUSGET, CS_ERR_NOT_SUPPORTED);
	free(res);
}

/* The 32-byte error form that libcfg expects for a refused status request. */
static void cfg_handle_nodestatusget(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cfg_nodestatusget_version res;

	memset(&res, 0, sizeof(res));
	res.version = CFG_NODE_STATUS_V1;
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_NODESTATUSGET, CS_ERR_NOT_SUPPORTED);
}

static void cfg_reply_not_supported(struct svc_conn *conn, int32_t res_id)
{
	struct res_lib_cfg_header_only res;

	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), res_id, CS_ERR_NOT_SUPPORTED);
}

static void cfg_handle_killnode(struct svc_conn *conn, const void *msg, size_t len)
{
	cfg_reply_not_supported(conn, MESSAGE_RES_CFG_KILLNODE);
}

static void cfg_handle_tryshutdown(struct svc_conn *conn, const void *msg, size_t len)
{
	cfg_reply_not_supported(conn, MESSAGE_RES_CFG_TRYSHUTDOWN);
}

static void cfg_handle_replytoshutdown(struct svc_conn *conn, const void *msg, size_t len)
{
	cfg_reply_not_supported(conn, MESSAGE_RES_CFG_REPLYTOSHUTDOWN);
}

static void cfg_handle_reload_config(struct svc_conn *conn, const void *msg, size_t len)
{
	cfg_reply_not_supported(conn, MESSAGE_RES_CFG_RELOAD_CONFIG);
}

static void cfg_handle_reopen_log_files(struct svc_conn *conn, const void *msg, size_t len)
{
	cfg_reply_not_supported(conn, MESSAGE_RES_CFG_REOPEN_LOG_FILES);
}

/* ---- totem messages: counted and logged only -------------------------------- */

static const char *const cfg_exec_names[CFG_EXEC_FN_COUNT] = {
	[MESSAGE_REQ_EXEC_CFG_RINGREENABLE] = "RINGREENABLE",
	[MESSAGE_REQ_EXEC_CFG_KILLNODE] = "KILLNODE",
	[MESSAGE_REQ_EXEC_CFG_SHUTDOWN] = "SHUTDOWN",
	[MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG] = "RELOAD_CONFIG",
	[MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG] = "CRYPTO_RECONFIG",
};

static void cfg_exec_count(struct svc *svc, enum cfg_exec_fn fn, uint32_t from_nodeid)
{
	struct cfg_state *st = svc_state(svc);

	st->exec_rx[fn]++;
	log_debug("cfg %s from node %" PRIu32 " ignored (not implemented yet)",
		  cfg_exec_names[fn], from_nodeid);
}

static void cfg_source_to_host(void *msg, size_t len)
{
	struct req_exec_cfg_source m;

	memcpy(&m, msg, sizeof(m));
	m.source.nodeid = __builtin_bswap32(m.source.nodeid);
	m.source.conn = __builtin_bswap64(m.source.conn);
	memcpy(msg, &m, sizeof(m));
}

static void cfg_killnode_to_host(void *msg, size_t len)
{
	struct req_exec_cfg_killnode m;

	memcpy(&m, msg, sizeof(m));
	m.nodeid = __builtin_bswap32(m.nodeid);
	m.reason.length = __builtin_bswap16(m.reason.length);
	memcpy(msg, &m, sizeof(m));
}

static void cfg_crypto_reconfig_to_host(void *msg, size_t len)
{
	struct req_exec_cfg_crypto_reconfig m;

	memcpy(&m, msg, sizeof(m));
	m.phase = __builtin_bswap32(m.phase);
	memcpy(msg, &m, sizeof(m));
}

static void cfg_exec_ringreenable(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_RINGREENABLE, from);
}

static void cfg_exec_killnode(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct req_exec_cfg_killnode m;

	memcpy(&m, msg, sizeof(m));
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_KILLNODE, from);
	log_debug("cfg KILLNODE names node %" PRIu32 "%s", m.nodeid,
		  m.nodeid == svc_nodeid(svc) ? " (this node; not acted on yet)" : "");
}

static void cfg_exec_shutdown(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_SHUTDOWN, from);
}

static void cfg_exec_reload_config(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG, from);
}

static void cfg_exec_crypto_reconfig(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG, from);
}

/* ---- lifetime ------------------------------------------------------------------ */

static int cfg_init(struct svc *svc)
{
	struct cfg_state *st = svc_state(svc);

	st->svc = svc;
	if (!svc_cmap(svc)) {
		svc_set_error(svc, "no configuration map");
		return -EINVAL;
	}
	return 0;
}

static int cfg_conn_open(struct svc_conn *conn)
{
	return 0;
}

static void cfg_conn_close(struct svc_conn *conn)
{
	cfg_untrack(conn);
}

static void cfg_dump(struct svc *svc, FILE *out)
{
	struct cfg_state *st = svc_state(svc);

	fprintf(out, "cfg: %" PRIu64 " shutdown trackers; totem rx", st->trackers);
	for (unsigned int i = 0; i < CFG_EXEC_FN_COUNT; i++)
		fprintf(out, " %s=%" PRIu64, cfg_exec_names[i], st->exec_rx[i]);
	fprintf(out, "\n");
}

/* ---- declaration --------------------------------------------------------------- */

#define REQ_HDR sizeof(struct req_lib_cfg_header_only)

/* Flow-control classes as corosync 3.1.7's cfg_lib_engine (exec/cfg.c). */
static const struct svc_ipc_op cfg_ipc_ops[] = {
	{ MESSAGE_REQ_CFG_RINGSTATUSGET, SVC_IPC_FLOW_CONTROL, REQ_HDR, 0,
	  cfg_handle_ringstatusget },
	{ MESSAGE_REQ_CFG_RINGREENABLE, SVC_IPC_FLOW_CONTROL, REQ_HDR, 0,
	  cfg_handle_ringreenable },
	{ MESSAGE_REQ_CFG_KILLNODE, SVC_IPC_FLOW_CONTROL, sizeof(struct req_lib_cfg_killnode), 0,
	  cfg_handle_killnode },
	{ MESSAGE_REQ_CFG_TRYSHUTDOWN, SVC_IPC_FLOW_CONTROL, sizeof(struct req_lib_cfg_tryshutdown), 0,
	  cfg_handle_tryshutdown },
	{ MESSAGE_REQ_CFG_REPLYTOSHUTDOWN, SVC_IPC_FLOW_CONTROL,
	  sizeof(struct req_lib_cfg_replytoshutdown), 0, cfg_handle_replytoshutdown },
	{ MESSAGE_REQ_CFG_GET_NODE_ADDRS, 0, sizeof(struct req_lib_cfg_get_node_addrs), 0,
	  cfg_handle_get_node_addrs },
	{ MESSAGE_REQ_CFG_LOCAL_GET, 0, REQ_HDR, 0, cfg_handle_local_get },
	{ MESSAGE_REQ_CFG_RELOAD_CONFIG, SVC_IPC_FLOW_CONTROL, REQ_HDR, 0, cfg_handle_reload_config },
	{ MESSAGE_REQ_CFG_REOPEN_LOG_FILES, 0, REQ_HDR, 0, cfg_handle_reopen_log_files },
	{ MESSAGE_REQ_CFG_NODESTATUSGET, 0, sizeof(struct req_lib_cfg_nodestatusget), 0,
	  cfg_handle_nodestatusget },
	{ MESSAGE_REQ_CFG_TRACKSTART, SVC_IPC_FLOW_CONTROL, sizeof(struct req_lib_cfg_trackstart), 0,
	  cfg_handle_trackstart },
	{ MESSAGE_REQ_CFG_TRACKSTOP, SVC_IPC_FLOW_CONTROL, REQ_HDR, 0, cfg_handle_trackstop },
};

static const struct svc_totem_op cfg_totem_ops[] = {
	{ MESSAGE_REQ_EXEC_CFG_RINGREENABLE, sizeof(struct req_exec_cfg_source), cfg_source_to_host,
	  cfg_exec_ringreenable },
	{ MESSAGE_REQ_EXEC_CFG_KILLNODE, sizeof(struct req_exec_cfg_killnode), cfg_killnode_to_host,
	  cfg_exec_killnode },
	{ MESSAGE_REQ_EXEC_CFG_SHUTDOWN, sizeof(struct req_exec_cfg_shutdown), NULL,
	  cfg_exec_shutdown },
	{ MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG, sizeof(struct req_exec_cfg_source), cfg_source_to_host,
	  cfg_exec_reload_config },
	{ MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG, sizeof(struct req_exec_cfg_crypto_reconfig),
	  cfg_crypto_reconfig_to_host, cfg_exec_crypto_reconfig },
};

const struct svc_def cfg_service_def = {
	.abi = SVC_ABI,
	.id = CFG_SERVICE_ID,
	.priority = 1,
	.name = "corosync_cfg",
	.ipc_name = "cfg",
	.state_size = sizeof(struct cfg_state),
	.conn_state_size = sizeof(struct cfg_conn),
	.ipc_ops = cfg_ipc_ops,
	.ipc_ops_count = sizeof(cfg_ipc_ops) / sizeof(cfg_ipc_ops[0]),
	.totem_ops = cfg_totem_ops,
	.totem_ops_count = sizeof(cfg_totem_ops) / sizeof(cfg_totem_ops[0]),
	.sync = NULL,
	.init = cfg_init,
	.conn_open = cfg_conn_open,
	.conn_close = cfg_conn_close,
	.dump = cfg_dump,
};
