/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cfg service (corosync v3.1.7 exec/cfg.c): the daemon side of libcfg.so.7.
 *
 * Every request of corosync 3.1.7 with its reply id and size: link and node
 * status from the transport (svc_node_status), GET_NODE_ADDRS from the
 * nodelist in cmap, KILLNODE and SHUTDOWN over totem, the TRYSHUTDOWN
 * negotiation with the tracking clients (TESTSHUTDOWN events, a timer of
 * cfg.shutdown_timeout ms), REOPEN_LOG_FILES through the daemon.
 * RELOAD_CONFIG goes over totem (SAFE): every node reloads its own file
 * through the daemon and the origin answers its client.
 *
 * Owns no file-scope state: the negotiation and counters live in struct
 * cfg_state, the tracking flag and answer in each connection's state.
 * Requests reach the handlers with a length the host already checked
 * against the declared bounds.
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
/* cfg.shutdown_timeout's default (corosync's DEFAULT_SHUTDOWN_TIMEOUT), ms. */
#define CFG_SHUTDOWN_TIMEOUT_DEFAULT 5000
/* corosync_fatal_error(COROSYNC_FATAL_ERROR_EXIT) is exit(-1). */
#define CFG_KILLNODE_EXIT_STATUS 255

/* ---- state ------------------------------------------------------------------ */

/* A tracker's answer in the running negotiation. */
enum cfg_reply {
	CFG_REPLY_NONE = 0,     /* not asked (no negotiation, or the requester itself) */
	CFG_REPLY_UNKNOWN,      /* asked, no answer yet */
	CFG_REPLY_YES,
	CFG_REPLY_NO,
};

struct cfg_conn {
	struct svc_conn *conn;
	struct cfg_conn *next;              /* in cfg_state.trackers_head while tracking */
	bool tracking;
	enum cfg_reply reply;
	/* RELOAD_CONFIG sent, answer due on delivery: the token carried as the
	 * message's "connection" (0: none pending); in cfg_state.reloads_head */
	uint64_t reload_token;
	struct cfg_conn *reload_next;
};

/* Members tracked for the crypto change (corosync's PROCESSOR_COUNT_MAX). */
#define CFG_MEMBERS_MAX 384

struct cfg_state {
	struct svc *svc;
	uint64_t exec_rx[CFG_EXEC_FN_COUNT];
	uint64_t trackers;                  /* connections that called TRACKSTART */
	struct cfg_conn *trackers_head;
	/* The shutdown negotiation (corosync 3.1.7 exec/cfg.c, shutdown_*):
	 * running while shutdown_conn (the requester) is set. */
	struct svc_conn *shutdown_conn;
	uint32_t shutdown_flags;
	unsigned int shutdown_yes, shutdown_no, shutdown_expected;
	struct svc_timer shutdown_timer;
	/* clients waiting for their RELOAD_CONFIG to come back from totem */
	struct cfg_conn *reloads_head;
	uint64_t reload_tokens;
	/* a CRYPTO_RECONFIG phase totem did not take (queue full), sent again
	 * from crypto_timer; 0: none */
	uint32_t crypto_pending;
	struct svc_timer crypto_timer;
	/*
	 * The crypto change in progress (docs/compat.md, "Crypto change at
	 * reload"): crypto_loaded while the new crypto waits in the spare slot
	 * for the first ACTIVATE delivered (any node's); crypto_cleanup_due
	 * once our own CLEANUP came back while crypto_wait still lists members
	 * whose CLEANUP did not (they may still send with the old crypto), with
	 * crypto_cleanup_timer as the bound on that wait.
	 */
	bool crypto_loaded;
	bool crypto_cleanup_due;
	uint32_t crypto_wait[CFG_MEMBERS_MAX];
	size_t crypto_wait_count;
	struct svc_timer crypto_cleanup_timer;
	/* the regular configuration, from view_change (none before the first) */
	uint32_t members[CFG_MEMBERS_MAX];
	size_t members_count;
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

/* ---- LOCAL_GET, RINGREENABLE ------------------------------------------------- */

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

/* ---- RINGSTATUSGET ------------------------------------------------------------ */

static int cfg_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Every node id of the nodelist, sorted; returns the count (at most max). */
static size_t cfg_nodelist_ids(const struct icmap *map, uint32_t *ids, size_t max)
{
	struct icmap_iter it;
	const char *key;
	const void *val;
	size_t len, n = 0;
	enum icmap_type type;

	icmap_iter_init(&it, CFG_NODELIST_PREFIX);
	while (n < max && (key = icmap_iter_next(map, &it, &val, &len, &type)) != NULL) {
		const char *p = key + strlen(CFG_NODELIST_PREFIX);
		char *end;

		if (*p < '0' || *p > '9')
			continue;
		(void)strtoul(p, &end, 10);
		if (strcmp(end, ".nodeid") != 0 || type != ICMAP_T_UINT32 || len != sizeof(uint32_t))
			continue;
		memcpy(&ids[n++], val, sizeof(uint32_t));
	}
	qsort(ids, n, sizeof(ids[0]), cfg_u32_cmp);
	return n;
}

/* Does the transport report link l of this node at all (knet lists only configured links)? */
static bool cfg_link_present(const struct svc_link_status *l)
{
	return l->enabled || l->connected || l->dynconnected || l->mtu || l->src_ipaddr[0] ||
	       l->dst_ipaddr[0];
}

/*
 * corosync 3.1.7 exec/cfg.c, message_handler_req_lib_cfg_ringstatusget with
 * exec/totemsrp.c, totemsrp_ifaces_get and exec/totemknet.c,
 * totemknet_ifaces_get: one interface per link on which the local node is
 * configured, named "<link> <local address>".  The status strings have one
 * character per node of the nodelist in node id order: 'n' for the local
 * node, 'd' where a node has no entry; a node's links, in link order, fill
 * strings 0, 1, ... with '0' + (enabled | connected << 1 | dynconnected << 2)
 * (corosync's packing: with the same links everywhere string i is link i's),
 * '?' when the transport could not say.  The reply always goes whole:
 * libcfg reads interface_count whatever the error.
 */
static void cfg_handle_ringstatusget(struct svc_conn *conn, const void *msg, size_t len)
{
	struct svc *svc = svc_conn_svc(conn);
	const struct icmap *map = svc_cmap(svc);
	struct res_lib_cfg_ringstatusget *res = calloc(1, sizeof(*res));
	struct svc_node_status *ns = calloc(1, sizeof(*ns));
	uint32_t ids[CFG_INTERFACE_STATUS_MAX_LEN - 1];
	char (*status)[CFG_INTERFACE_STATUS_MAX_LEN];
	size_t nids;
	cs_error_t err = CS_OK;
	long pos;

	if (!res || !ns) {
		free(res);
		free(ns);
		svc_reply_error(conn, MESSAGE_RES_CFG_RINGSTATUSGET, CS_ERR_NO_MEMORY);
		return;
	}
	status = res->interface_status;
	nids = cfg_nodelist_ids(map, ids, sizeof(ids) / sizeof(ids[0]));
	for (unsigned int k = 0; k < CFG_LINKS_MAX; k++) {
		memset(status[k], 'd', nids);
		status[k][nids] = '\0';
	}
	for (size_t i = 0; i < nids; i++) {
		unsigned int k = 0;

		if (ids[i] == svc_nodeid(svc)) {
			for (k = 0; k < CFG_LINKS_MAX; k++)
				status[k][i] = 'n';
			continue;
		}
		if (svc_node_status(svc, ids[i], ns) < 0) {
			for (k = 0; k < CFG_LINKS_MAX; k++)
				status[k][i] = '?';
			continue;
		}
		for (unsigned int link = 0; link < CFG_LINKS_MAX; link++) {
			const struct svc_link_status *l = &ns->link[link];

			if (cfg_link_present(l))
				status[k++][i] = (char)('0' + (l->enabled | l->connected << 1 |
							       l->dynconnected << 2));
		}
	}
	pos = cfg_node_pos(map, svc_nodeid(svc));
	for (unsigned int link = 0; pos >= 0 && link < CFG_LINKS_MAX; link++) {
		char key[ICMAP_KEYNAME_MAXLEN + 1];
		const char *addr;
		unsigned int idx = res->interface_count;

		snprintf(key, sizeof(key), CFG_NODELIST_PREFIX "%ld.ring%u_addr", pos, link);
		if (icmap_get_string(map, key, &addr) < 0)
			continue;
		if (strlen(addr) >= CFG_INTERFACE_NAME_MAX_LEN - 3) {
			log_err("String representation of interface %u is too long", idx);
			err = CS_ERR_NAME_TOO_LONG;
			break;
		}
		snprintf(res->interface_name[idx], CFG_INTERFACE_NAME_MAX_LEN, "%u %s", link, addr);
		res->interface_count = idx + 1;
	}
	/* strings past the interfaces stay empty, as a reader expects */
	for (unsigned int k = res->interface_count; k < CFG_MAX_INTERFACES; k++)
		memset(status[k], 0, sizeof(status[k]));
	cfg_reply(conn, res, sizeof(*res), MESSAGE_RES_CFG_RINGSTATUSGET, err);
	free(ns);
	free(res);
}

/* ---- NODESTATUSGET ------------------------------------------------------------ */

/*
 * corosync 3.1.7 exec/cfg.c, message_handler_req_lib_cfg_nodestatusget: the
 * transport is asked first (an unknown node is CS_ERR_FAILED_OPERATION in the
 * 32-byte form, whatever the version), then the version is checked
 * (CS_ERR_NOT_SUPPORTED, 32 bytes).  node_status.nodeid is the requested id.
 */
static void cfg_handle_nodestatusget(struct svc_conn *conn, const void *msg, size_t len)
{
	struct svc *svc = svc_conn_svc(conn);
	struct req_lib_cfg_nodestatusget req;
	struct res_lib_cfg_nodestatusget_version short_res;
	struct res_lib_cfg_nodestatusget_v1 *res;
	struct svc_node_status ns;
	int r;

	memcpy(&req, msg, sizeof(req));
	memset(&short_res, 0, sizeof(short_res));
	r = svc_node_status(svc, req.nodeid, &ns);
	if (r < 0 || req.version != CFG_NODE_STATUS_V1) {
		if (r < 0)
			log_debug("status of node %" PRIu32 " unavailable: %s", req.nodeid,
				  strerror(-r));
		short_res.version = CFG_NODE_STATUS_V1;
		cfg_reply(conn, &short_res, sizeof(short_res), MESSAGE_RES_CFG_NODESTATUSGET,
			  r < 0 ? CS_ERR_FAILED_OPERATION : CS_ERR_NOT_SUPPORTED);
		return;
	}
	res = calloc(1, sizeof(*res));
	if (!res) {
		cfg_reply(conn, &short_res, sizeof(short_res), MESSAGE_RES_CFG_NODESTATUSGET,
			  CS_ERR_NO_MEMORY);
		return;
	}
	res->node_status.version = CFG_NODE_STATUS_V1;
	res->node_status.nodeid = req.nodeid;
	res->node_status.reachable = ns.reachable;
	res->node_status.remote = ns.remote;
	res->node_status.external = ns.external;
	res->node_status.onwire_min = ns.onwire_min;
	res->node_status.onwire_max = ns.onwire_max;
	res->node_status.onwire_ver = ns.onwire_ver;
	for (unsigned int i = 0; i < CFG_MAX_LINKS && i < SVC_LINKS_MAX; i++) {
		struct corosync_knet_link_status_v1 *l = &res->node_status.link_status[i];

		l->enabled = ns.link[i].enabled;
		l->connected = ns.link[i].connected;
		l->dynconnected = ns.link[i].dynconnected;
		l->mtu = ns.link[i].mtu;
		snprintf(l->src_ipaddr, sizeof(l->src_ipaddr), "%s", ns.link[i].src_ipaddr);
		snprintf(l->dst_ipaddr, sizeof(l->dst_ipaddr), "%s", ns.link[i].dst_ipaddr);
	}
	cfg_reply(conn, res, sizeof(*res), MESSAGE_RES_CFG_NODESTATUSGET, CS_OK);
	free(res);
}

/* ---- KILLNODE -------------------------------------------------------------------- */

/*
 * corosync 3.1.7 exec/cfg.c, message_handler_req_lib_cfg_killnode: only a
 * node whose runtime.members.<id>.status is "joined" can be killed; the
 * order travels SAFE and the reply does not wait for it.
 */
static void cfg_handle_killnode(struct svc_conn *conn, const void *msg, size_t len)
{
	struct svc *svc = svc_conn_svc(conn);
	struct req_lib_cfg_killnode req;
	struct req_exec_cfg_killnode ex;
	struct res_lib_cfg_header_only res;
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	const char *status;
	cs_error_t err = CS_OK;
	struct iovec iov;
	int r;

	memcpy(&req, msg, sizeof(req));
	snprintf(key, sizeof(key), "runtime.members.%" PRIu32 ".status", req.nodeid);
	r = icmap_get_string(svc_cmap(svc), key, &status);
	if (r == -ENOENT)
		err = CS_ERR_NOT_EXIST;
	else if (r < 0)
		err = CS_ERR_LIBRARY;
	else if (strcmp(status, "joined") != 0)
		err = CS_ERR_NOT_EXIST;
	if (err == CS_OK) {
		memset(&ex, 0, sizeof(ex));
		ex.nodeid = req.nodeid;
		ex.reason.length = req.reason.length;
		memcpy(ex.reason.value, req.reason.value, sizeof(ex.reason.value));
		iov.iov_base = &ex;
		iov.iov_len = sizeof(ex);
		/* corosync ignores a failed send too; the client was admitted by flow control. */
		r = svc_mcast(svc, MESSAGE_REQ_EXEC_CFG_KILLNODE, &iov, 1, SVC_SAFE);
		if (r < 0)
			log_warn("cannot send the order to kill node %" PRIu32 ": %s",
				    req.nodeid, strerror(-r));
	}
	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_KILLNODE, err);
}

/* ---- shutdown negotiation ------------------------------------------------------ */

static void cfg_send_shutdown(struct svc *svc)
{
	struct req_exec_cfg_shutdown ex;
	struct iovec iov = { .iov_base = &ex, .iov_len = sizeof(ex) };
	int r;

	memset(&ex, 0, sizeof(ex));
	r = svc_mcast(svc, MESSAGE_REQ_EXEC_CFG_SHUTDOWN, &iov, 1, SVC_SAFE);
	if (r < 0)
		log_warn("cannot send the shutdown message: %s", strerror(-r));
}

static void cfg_tryshutdown_reply(struct svc_conn *conn, cs_error_t err)
{
	struct res_lib_cfg_header_only res;

	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_TRYSHUTDOWN, err);
}

/* TESTSHUTDOWN to one connection, or (only NULL) to every tracker but exclude. */
static void cfg_send_test_shutdown(struct cfg_state *st, struct cfg_conn *only,
				   const struct cfg_conn *exclude, cs_error_t status)
{
	struct res_lib_cfg_testshutdown ev;
	struct iovec iov = { .iov_base = &ev, .iov_len = sizeof(ev) };

	memset(&ev, 0, sizeof(ev));
	ev.header.id = MESSAGE_RES_CFG_TESTSHUTDOWN;
	ev.header.size = sizeof(ev);
	ev.header.error = status;
	ev.flags = st->shutdown_flags;
	if (only) {
		svc_event(only->conn, &iov, 1);
		return;
	}
	for (struct cfg_conn *cc = st->trackers_head; cc; cc = cc->next) {
		if (cc != exclude)
			svc_event(cc->conn, &iov, 1);
	}
}

/*
 * corosync 3.1.7 exec/cfg.c, check_shutdown_status: once every asked
 * tracker answered (or went away), the requester gets CS_OK and the node
 * announces its shutdown, unless someone said no and the request was not
 * REGARDLESS: then CS_ERR_BUSY.
 */
static void cfg_shutdown_check(struct cfg_state *st)
{
	struct svc_conn *requester = st->shutdown_conn;

	if (!requester || st->shutdown_yes + st->shutdown_no < st->shutdown_expected)
		return;
	svc_timer_stop(&st->shutdown_timer);
	st->shutdown_conn = NULL;
	if (st->shutdown_yes >= st->shutdown_expected ||
	    st->shutdown_flags == COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS) {
		cfg_tryshutdown_reply(requester, CS_OK);
		cfg_send_shutdown(st->svc);
	} else {
		cfg_tryshutdown_reply(requester, CS_ERR_BUSY);
	}
	log_debug("shutdown decision is: (yes count: %u, no count: %u) flags=%x",
		  st->shutdown_yes, st->shutdown_no, st->shutdown_flags);
}

/* Nobody decided in time: the undecided count as no, then every tracker hears of the timeout. */
static void cfg_shutdown_timeout(struct svc *svc, struct svc_timer *timer)
{
	struct cfg_state *st = svc_state(svc);

	st->shutdown_no = st->shutdown_yes < st->shutdown_expected ?
			  st->shutdown_expected - st->shutdown_yes : 0;
	cfg_shutdown_check(st);
	cfg_send_test_shutdown(st, NULL, NULL, CS_ERR_TIMEOUT);
}

static void cfg_handle_tryshutdown(struct svc_conn *conn, const void *msg, size_t len)
{
	struct svc *svc = svc_conn_svc(conn);
	struct cfg_state *st = svc_state(svc);
	struct cfg_conn *me = svc_conn_state(conn);
	struct req_lib_cfg_tryshutdown req;
	uint32_t timeout = CFG_SHUTDOWN_TIMEOUT_DEFAULT;

	memcpy(&req, msg, sizeof(req));
	if (req.flags == COROSYNC_CFG_SHUTDOWN_FLAG_IMMEDIATE) {
		cfg_send_shutdown(svc);
		cfg_tryshutdown_reply(conn, CS_OK);
		return;
	}
	if (st->shutdown_conn) {
		cfg_tryshutdown_reply(conn, CS_ERR_EXIST);
		return;
	}
	st->shutdown_flags = req.flags;
	st->shutdown_yes = 0;
	st->shutdown_no = 0;
	st->shutdown_expected = 0;
	for (struct cfg_conn *cc = st->trackers_head; cc; cc = cc->next) {
		cc->reply = CFG_REPLY_NONE;
		if (cc != me) {
			cc->reply = CFG_REPLY_UNKNOWN;
			st->shutdown_expected++;
		}
	}
	if (st->shutdown_expected == 0) {
		/* corosync keeps the requester recorded here until it disconnects
		 * (a later TRYSHUTDOWN would get CS_ERR_EXIST); the node is going
		 * down anyway, so nothing is kept. */
		cfg_tryshutdown_reply(conn, CS_OK);
		cfg_send_shutdown(svc);
		return;
	}
	st->shutdown_conn = conn;
	(void)icmap_get_uint32(svc_cmap(svc), "cfg.shutdown_timeout", &timeout);
	svc_timer_start(&st->shutdown_timer, timeout);
	cfg_send_test_shutdown(st, NULL, me, CS_OK);
	/* The requester's reply waits for the decision (cfg_shutdown_check). */
}

/*
 * A tracker's answer.  Difference from corosync (docs/compat.md): corosync
 * counts every REPLYTOSHUTDOWN, so one tracker answering yes twice outvotes
 * another that was never heard, and a connection that was not asked still
 * counts; here only an asked connection's latest answer counts.
 */
static void cfg_handle_replytoshutdown(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cfg_state *st = svc_state(svc_conn_svc(conn));
	struct cfg_conn *cc = svc_conn_state(conn);
	struct req_lib_cfg_replytoshutdown req;
	struct res_lib_cfg_header_only res;
	cs_error_t err = CS_OK;

	memcpy(&req, msg, sizeof(req));
	if (!st->shutdown_conn) {
		err = CS_ERR_ACCESS;
	} else if (cc->tracking && cc->reply != CFG_REPLY_NONE) {
		if (cc->reply == CFG_REPLY_YES)
			st->shutdown_yes--;
		else if (cc->reply == CFG_REPLY_NO)
			st->shutdown_no--;
		cc->reply = req.response ? CFG_REPLY_YES : CFG_REPLY_NO;
		if (req.response)
			st->shutdown_yes++;
		else
			st->shutdown_no++;
	}
	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_REPLYTOSHUTDOWN, err);
	if (err == CS_OK)
		cfg_shutdown_check(st);
}

/* ---- TRACKSTART, TRACKSTOP, disconnect ------------------------------------------- */

static void cfg_handle_trackstart(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cfg_state *st = svc_state(svc_conn_svc(conn));
	struct cfg_conn *cc = svc_conn_state(conn);
	struct res_lib_cfg_header_only res;

	/* Only shutdown tracking exists, whatever the flags say. */
	if (!cc->tracking) {
		cc->tracking = true;
		cc->next = st->trackers_head;
		st->trackers_head = cc;
		st->trackers++;
		cc->reply = CFG_REPLY_NONE;
		if (st->shutdown_conn) {
			/* A negotiation runs: the newcomer is asked too, before its reply. */
			cc->reply = CFG_REPLY_UNKNOWN;
			st->shutdown_expected++;
			cfg_send_test_shutdown(st, cc, NULL, CS_OK);
		}
	}
	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_STATETRACKSTART, CS_OK);
}

/*
 * corosync 3.1.7 exec/cfg.c, remove_ci_from_shutdown: the requester going
 * away cancels the negotiation silently; a tracker leaving takes its answer
 * back and counts as a yes.
 */
static void cfg_untrack(struct svc_conn *conn)
{
	struct cfg_state *st = svc_state(svc_conn_svc(conn));
	struct cfg_conn *cc = svc_conn_state(conn);

	if (st->shutdown_conn == conn) {
		st->shutdown_conn = NULL;
		svc_timer_stop(&st->shutdown_timer);
	}
	if (!cc->tracking)
		return;
	for (struct cfg_conn **pp = &st->trackers_head; *pp; pp = &(*pp)->next) {
		if (*pp == cc) {
			*pp = cc->next;
			break;
		}
	}
	cc->next = NULL;
	cc->tracking = false;
	st->trackers--;
	if (st->shutdown_conn && cc->reply != CFG_REPLY_NONE) {
		if (cc->reply == CFG_REPLY_YES)
			st->shutdown_yes--;
		else if (cc->reply == CFG_REPLY_NO)
			st->shutdown_no--;
		st->shutdown_yes++;
	}
	cc->reply = CFG_REPLY_NONE;
	cfg_shutdown_check(st);
}

static void cfg_handle_trackstop(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cfg_header_only res;

	cfg_untrack(conn);
	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_STATETRACKSTOP, CS_OK);
}

/* ---- RELOAD_CONFIG, REOPEN_LOG_FILES ------------------------------------------- */

/*
 * corosync 3.1.7 exec/cfg.c, message_handler_req_lib_cfg_reload_config:
 * multicast SAFE, no reply now.  corosync puts its connection pointer in
 * the message; we put a token naming the waiting connection instead, so a
 * client that went away in between is simply not answered.
 */
static void cfg_handle_reload_config(struct svc_conn *conn, const void *msg, size_t len)
{
	struct svc *svc = svc_conn_svc(conn);
	struct cfg_state *st = svc_state(svc);
	struct cfg_conn *cc = svc_conn_state(conn);
	struct res_lib_cfg_header_only res;
	struct req_exec_cfg_source ex;
	struct iovec iov = { .iov_base = &ex, .iov_len = sizeof(ex) };
	int r;

	if (cc->reload_token) {
		/* libcfg waits for each answer: a second request is a confused client */
		memset(&res, 0, sizeof(res));
		cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_RELOAD_CONFIG, CS_ERR_EXIST);
		return;
	}
	memset(&ex, 0, sizeof(ex));
	ex.source.nodeid = svc_nodeid(svc);
	ex.source.conn = ++st->reload_tokens;
	r = svc_mcast(svc, MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG, &iov, 1, SVC_SAFE);
	if (r < 0) {
		memset(&res, 0, sizeof(res));
		cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_RELOAD_CONFIG,
			  r == -EAGAIN ? CS_ERR_TRY_AGAIN : CS_ERR_LIBRARY);
		return;
	}
	cc->reload_token = ex.source.conn;
	cc->reload_next = st->reloads_head;
	st->reloads_head = cc;
}

/* Take cc off the list of waiting reloads (if it is on it). */
static void cfg_reload_forget(struct cfg_state *st, struct cfg_conn *cc)
{
	for (struct cfg_conn **pp = &st->reloads_head; *pp; pp = &(*pp)->reload_next) {
		if (*pp == cc) {
			*pp = cc->reload_next;
			break;
		}
	}
	cc->reload_next = NULL;
	cc->reload_token = 0;
}

static void cfg_handle_reopen_log_files(struct svc_conn *conn, const void *msg, size_t len)
{
	struct res_lib_cfg_header_only res;
	int r = svc_reopen_logs(svc_conn_svc(conn));
	cs_error_t err = CS_OK;

	if (r == -ENOTSUP)
		err = CS_ERR_NOT_SUPPORTED;
	else if (r < 0)
		err = CS_ERR_LIBRARY;
	log_debug("Reopening logging files: %s", r < 0 ? strerror(-r) : "done");
	memset(&res, 0, sizeof(res));
	cfg_reply(conn, &res, sizeof(res), MESSAGE_RES_CFG_REOPEN_LOG_FILES, err);
}

/* ---- totem messages ------------------------------------------------------------- */

static const char *const cfg_exec_names[CFG_EXEC_FN_COUNT] = {
	[MESSAGE_REQ_EXEC_CFG_RINGREENABLE] = "RINGREENABLE",
	[MESSAGE_REQ_EXEC_CFG_KILLNODE] = "KILLNODE",
	[MESSAGE_REQ_EXEC_CFG_SHUTDOWN] = "SHUTDOWN",
	[MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG] = "RELOAD_CONFIG",
	[MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG] = "CRYPTO_RECONFIG",
};

static void cfg_exec_count(struct svc *svc, enum cfg_exec_fn fn)
{
	struct cfg_state *st = svc_state(svc);

	st->exec_rx[fn]++;
}

static void cfg_source_to_host(void *msg, size_t len)
{
	struct req_exec_cfg_source m;

	memcpy(&m, msg, sizeof(m));
	m.source.nodeid = __builtin_bswap32(m.source.nodeid);
	m.source.conn = __builtin_bswap64(m.source.conn);
	memcpy(msg, &m, sizeof(m));
}

/* corosync 3.1.7 swaps only the reason's length (exec/cfg.c, exec_cfg_killnode_endian_convert);
 * the node id is swapped here as well, so a kill from a foreign-endian node names the right node. */
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
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_RINGREENABLE);
}

static void cfg_exec_killnode(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct req_exec_cfg_killnode m;
	char reason[sizeof(m.reason.value) + 1];
	size_t n;

	memcpy(&m, msg, sizeof(m));
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_KILLNODE);
	log_debug("request to kill node %" PRIu32 " (us=%" PRIu32 ")", m.nodeid, svc_nodeid(svc));
	if (m.nodeid != svc_nodeid(svc))
		return;
	/* The peer's text: bounded by its buffer and its length, stops at a NUL. */
	n = m.reason.length < sizeof(m.reason.value) ? m.reason.length : sizeof(m.reason.value);
	memcpy(reason, m.reason.value, n);
	reason[n] = '\0';
	log_notice("Killed by node %" PRIu32 " : %s", from, reason);
	/* corosync_fatal_error(COROSYNC_FATAL_ERROR_EXIT): exit(-1), status 255. */
	(void)svc_shutdown(svc, CFG_KILLNODE_EXIT_STATUS, reason);
}

static void cfg_exec_shutdown(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_SHUTDOWN);
	log_notice("Node %" PRIu32 " was shut down by sysadmin", from);
	if (from == svc_nodeid(svc))
		(void)svc_shutdown(svc, 0, "shut down by sysadmin");
}

/* Retry period of a CRYPTO_RECONFIG phase totem did not take. */
#define CFG_CRYPTO_RETRY_MS 20
/* How long our CLEANUP waits for the other members' (see cfg_crypto_cleanup). */
#define CFG_CRYPTO_CLEANUP_WAIT_MS 5000

/*
 * Multicast this node's CRYPTO_RECONFIG phase (SAFE).  corosync asserts
 * that totem took it; here a full queue is retried until it does, since a
 * node that never sends its phases keeps sending with the old crypto.
 */
static void cfg_send_crypto_phase(struct svc *svc, uint32_t phase)
{
	struct cfg_state *st = svc_state(svc);
	struct req_exec_cfg_crypto_reconfig ex;
	struct iovec iov = { .iov_base = &ex, .iov_len = sizeof(ex) };
	int r;

	memset(&ex, 0, sizeof(ex));
	ex.phase = phase;
	r = svc_mcast(svc, MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG, &iov, 1, SVC_SAFE);
	if (r == 0) {
		st->crypto_pending = 0;
		return;
	}
	if (!st->crypto_pending)
		log_warn("cannot send crypto reconfiguration phase %" PRIu32 " yet: %s", phase,
			 strerror(-r));
	st->crypto_pending = phase;
	svc_timer_start(&st->crypto_timer, CFG_CRYPTO_RETRY_MS);
}

static void cfg_crypto_retry(struct svc *svc, struct svc_timer *timer)
{
	struct cfg_state *st = svc_state(svc);

	(void)timer;
	if (st->crypto_pending)
		cfg_send_crypto_phase(svc, st->crypto_pending);
}

static void cfg_crypto_loaded(struct svc *svc);

/*
 * corosync 3.1.7 exec/cfg.c, message_handler_req_exec_cfg_reload_config:
 * every node re-reads its own file; the origin answers its client with its
 * own node's result.  When the crypto settings changed, every node sends
 * its own CRYPTO_RECONFIG ACTIVATE (SAFE) once it has loaded them, so that
 * no node depends on the origin surviving the change.
 */
static void cfg_exec_reload_config(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct cfg_state *st = svc_state(svc);
	struct req_exec_cfg_source m;
	struct res_lib_cfg_header_only res;
	cs_error_t err = CS_OK;
	int r;

	memcpy(&m, msg, sizeof(m));
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG);
	log_notice("Config reload requested by node " CS_PRI_NODE_ID, from);
	r = svc_reload_config(svc);
	if (r == -EINVAL)
		err = CS_ERR_INVALID_PARAM;
	else if (r == -ENOTSUP)
		err = CS_ERR_NOT_SUPPORTED;
	else if (r == -ENOMEM)
		err = CS_ERR_NO_MEMORY;
	else if (r < 0)
		err = CS_ERR_LIBRARY;
	if (r == 1) {
		cfg_crypto_loaded(svc);
		cfg_send_crypto_phase(svc, CFG_CRYPTO_PHASE_ACTIVATE);
	}
	if (from != svc_nodeid(svc) || m.source.nodeid != from || m.source.conn == 0)
		return;
	for (struct cfg_conn *cc = st->reloads_head; cc; cc = cc->reload_next) {
		if (cc->reload_token != m.source.conn)
			continue;
		cfg_reload_forget(st, cc);
		memset(&res, 0, sizeof(res));
		cfg_reply(cc->conn, &res, sizeof(res), MESSAGE_RES_CFG_RELOAD_CONFIG, err);
		return;
	}
}

/* Forget the old crypto now (our CLEANUP came back and nobody is waited for). */
static void cfg_crypto_cleanup_now(struct svc *svc)
{
	struct cfg_state *st = svc_state(svc);
	int r;

	st->crypto_cleanup_due = false;
	st->crypto_wait_count = 0;
	svc_timer_stop(&st->crypto_cleanup_timer);
	r = svc_crypto_reconfig_phase(svc, SVC_CRYPTO_CLEANUP);
	if (r < 0)
		log_err("Crypto reconfiguration phase %u failed: %s", CFG_CRYPTO_PHASE_CLEANUP,
			strerror(-r));
}

/* Drop nodeid from the members whose CLEANUP is awaited. */
static void cfg_crypto_unwait(struct cfg_state *st, uint32_t nodeid)
{
	for (size_t i = 0; i < st->crypto_wait_count; i++)
		if (st->crypto_wait[i] == nodeid) {
			st->crypto_wait[i] = st->crypto_wait[--st->crypto_wait_count];
			return;
		}
}

static void cfg_crypto_check(struct svc *svc)
{
	struct cfg_state *st = svc_state(svc);

	if (st->crypto_cleanup_due && st->crypto_wait_count == 0)
		cfg_crypto_cleanup_now(svc);
}

/*
 * The reload loaded new crypto into the spare slot: ACTIVATE is due, and
 * the old crypto stays until every member of this configuration has sent
 * its CLEANUP (each sends it after switching to the new crypto).
 */
static void cfg_crypto_loaded(struct svc *svc)
{
	struct cfg_state *st = svc_state(svc);

	st->crypto_loaded = true;
	/* a cleanup still due from an earlier change: its old slot was just
	 * overwritten by this load */
	st->crypto_cleanup_due = false;
	svc_timer_stop(&st->crypto_cleanup_timer);
	st->crypto_wait_count = 0;
	for (size_t i = 0; i < st->members_count; i++)
		if (st->members[i] != svc_nodeid(svc))
			st->crypto_wait[st->crypto_wait_count++] = st->members[i];
}

static void cfg_crypto_cleanup_timeout(struct svc *svc, struct svc_timer *timer)
{
	struct cfg_state *st = svc_state(svc);
	char list[128];
	size_t o = 0;

	(void)timer;
	if (!st->crypto_cleanup_due)
		return;
	for (size_t i = 0; i < st->crypto_wait_count && o + 12 < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, " " CS_PRI_NODE_ID, st->crypto_wait[i]);
	list[o] = '\0';
	log_notice("Crypto reconfiguration: no CLEANUP from node(s)%s in %u ms; forgetting the "
		   "old crypto", list, CFG_CRYPTO_CLEANUP_WAIT_MS);
	cfg_crypto_cleanup_now(svc);
}

/*
 * corosync 3.1.7 exec/cfg.c, message_handler_req_exec_cfg_reconfig_crypto
 * acts on the node's own messages only: at its own ACTIVATE the transport
 * sends with the new crypto and CLEANUP goes out; at its own CLEANUP the
 * old crypto is forgotten.  That assumes every node switched before any
 * node forgets, which a node that delivers its own ACTIVATE late (it lost
 * the token while loading, say) breaks: a peer that already forgot the old
 * crypto drops all it sends and the ring re-forms.  Here (docs/compat.md):
 *  - the transport switches at the first ACTIVATE delivered, whoever sent
 *    it (every node loads the new crypto at the RELOAD_CONFIG, which comes
 *    before any ACTIVATE in the total order; the sender itself switched).
 *    Not earlier, at our own RELOAD_CONFIG: tried (fbe4bb0), and a peer
 *    that had yet to get the RELOAD_CONFIG could then read neither our
 *    token nor our re-sends of it, and never loaded the new crypto
 *    (int_reload_crypto.sh, all chorusd, in CI);
 *  - the old crypto is forgotten once our own CLEANUP and one from every
 *    other member came back (a member sends it only after it switched), a
 *    member leaving the configuration no longer counts, and after
 *    CFG_CRYPTO_CLEANUP_WAIT_MS it is forgotten anyway (a member whose file
 *    did not change crypto sends no phases).
 * What goes on the wire is corosync's: each node's own ACTIVATE, then its
 * CLEANUP.
 */
static void cfg_exec_crypto_reconfig(struct svc *svc, uint32_t from, const void *msg, size_t len)
{
	struct cfg_state *st = svc_state(svc);
	struct req_exec_cfg_crypto_reconfig m;
	bool own = from == svc_nodeid(svc);
	int r;

	memcpy(&m, msg, sizeof(m));
	cfg_exec_count(svc, MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG);
	if (own)
		log_debug("Crypto reconfiguration phase %" PRIu32, m.phase);
	if (m.phase == CFG_CRYPTO_PHASE_ACTIVATE && st->crypto_loaded) {
		if (!own)
			log_debug("Crypto reconfiguration: ACTIVATE from node " CS_PRI_NODE_ID
				  " switches this node too", from);
		st->crypto_loaded = false;
		r = svc_crypto_reconfig_phase(svc, SVC_CRYPTO_ACTIVATE);
		if (r < 0)
			log_err("Crypto reconfiguration phase %" PRIu32 " failed: %s", m.phase,
				strerror(-r));
	}
	if (m.phase == CFG_CRYPTO_PHASE_CLEANUP) {
		cfg_crypto_unwait(st, from);
		if (own) {
			st->crypto_cleanup_due = true;
			if (st->crypto_wait_count)
				svc_timer_start(&st->crypto_cleanup_timer,
						CFG_CRYPTO_CLEANUP_WAIT_MS);
		}
		cfg_crypto_check(svc);
	}
	/* corosync moves on from any phase below CLEANUP */
	if (own && m.phase < CFG_CRYPTO_PHASE_CLEANUP)
		cfg_send_crypto_phase(svc, CFG_CRYPTO_PHASE_CLEANUP);
}

/* The regular configuration: members gone are no longer waited for. */
static void cfg_view_change(struct svc *svc, const struct svc_view *view)
{
	struct cfg_state *st = svc_state(svc);
	size_t n = view->members_count < CFG_MEMBERS_MAX ? view->members_count : CFG_MEMBERS_MAX;

	memcpy(st->members, view->members, n * sizeof(st->members[0]));
	st->members_count = n;
	for (size_t i = 0; i < st->crypto_wait_count;) {
		bool in = false;

		for (size_t j = 0; j < n && !in; j++)
			in = st->members[j] == st->crypto_wait[i];
		if (in)
			i++;
		else
			cfg_crypto_unwait(st, st->crypto_wait[i]);
	}
	cfg_crypto_check(svc);
}

/* ---- lifetime ------------------------------------------------------------------ */

static int cfg_init(struct svc *svc)
{
	struct cfg_state *st = svc_state(svc);

	st->svc = svc;
	svc_timer_init(svc, &st->shutdown_timer, cfg_shutdown_timeout);
	svc_timer_init(svc, &st->crypto_timer, cfg_crypto_retry);
	svc_timer_init(svc, &st->crypto_cleanup_timer, cfg_crypto_cleanup_timeout);
	if (!svc_cmap(svc)) {
		svc_set_error(svc, "no configuration map");
		return -EINVAL;
	}
	return 0;
}

static void cfg_fini(struct svc *svc)
{
	struct cfg_state *st = svc_state(svc);

	svc_timer_stop(&st->shutdown_timer);
	svc_timer_stop(&st->crypto_timer);
	svc_timer_stop(&st->crypto_cleanup_timer);
}

static int cfg_conn_open(struct svc_conn *conn)
{
	struct cfg_conn *cc = svc_conn_state(conn);

	cc->conn = conn;
	return 0;
}

static void cfg_conn_close(struct svc_conn *conn)
{
	cfg_reload_forget(svc_state(svc_conn_svc(conn)), svc_conn_state(conn));
	cfg_untrack(conn);
}

static void cfg_dump(struct svc *svc, FILE *out)
{
	struct cfg_state *st = svc_state(svc);

	fprintf(out, "cfg: %" PRIu64 " shutdown trackers; negotiation %s (yes %u no %u of %u); totem rx",
		st->trackers, st->shutdown_conn ? "running" : "idle", st->shutdown_yes,
		st->shutdown_no, st->shutdown_expected);
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
	.view_change = cfg_view_change,
	.fini = cfg_fini,
	.conn_open = cfg_conn_open,
	.conn_close = cfg_conn_close,
	.dump = cfg_dump,
};
