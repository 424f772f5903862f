/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the cfg service (services/cfg/cfg_service.c) on the fake
 * host (test/fakes): GET_NODE_ADDRS from the nodelist (local node, other
 * nodes, IPv4/IPv6, several links, names left out, unknown node), LOCAL_GET,
 * tracking, node and link status from the (scripted) transport, KILLNODE,
 * the whole shutdown negotiation (yes, no, REGARDLESS, IMMEDIATE, timer,
 * disconnects, late trackers), the fixed answers, the totem messages, and the built cfg.so loaded the
 * way chorusd loads it.  Requests are built byte for byte as libcfg builds
 * them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <chorus/icmap.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_cfg.h>

#include "services/cfg/cfg_service.h"
#include "test/check_common.h"
#include "test/fakes/fake_host.h"

struct env {
	struct fake_host *h;
	struct svc_conn *c;
	struct icmap *cmap;
};

static void env_init(struct env *e, uint32_t nodeid)
{
	ck_assert_int_eq(fake_host_new(&cfg_service_def, nodeid, &e->h), 0);
	ck_assert_int_eq(fake_conn_open(e->h, 100, 0, 0, &e->c), 0);
	e->cmap = fake_host_cmap(e->h);
}

static void env_fini(struct env *e)
{
	fake_host_free(e->h);
}

static void node_add(struct icmap *m, unsigned pos, uint32_t nodeid, const char *const addrs[8])
{
	char key[128];

	snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", pos);
	ck_assert_int_eq(icmap_set_uint32(m, key, nodeid), 0);
	snprintf(key, sizeof(key), "nodelist.node.%u.name", pos);
	ck_assert_int_eq(icmap_set_string(m, key, "somename"), 0);
	for (unsigned l = 0; l < 8; l++) {
		if (!addrs[l])
			continue;
		snprintf(key, sizeof(key), "nodelist.node.%u.ring%u_addr", pos, l);
		ck_assert_int_eq(icmap_set_string(m, key, addrs[l]), 0);
	}
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

/* GET_NODE_ADDRS as libcfg sends it; checks the size rule, returns the reply. */
static const struct res_lib_cfg_get_node_addrs *get_addrs(struct svc_conn *c, uint32_t nodeid,
							  cs_error_t want_err,
							  uint32_t want_num)
{
	struct req_lib_cfg_get_node_addrs req;
	const struct res_lib_cfg_get_node_addrs *res;
	const struct fake_msg *m;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_GET_NODE_ADDRS;
	req.header.size = sizeof(req);
	req.nodeid = nodeid;
	m = call(c, &req, sizeof(req));
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_GET_NODE_ADDRS, 32 + 16 * want_num),
			 want_err);
	res = (const void *)m->data;
	ck_assert_uint_eq(res->num_addrs, want_num);
	return res;
}

static void slot_is_v4(const struct res_lib_cfg_get_node_addrs *res, unsigned i, const char *text)
{
	uint8_t want[16] = { 0 };

	ck_assert_int_eq(inet_pton(AF_INET, text, want), 1);
	ck_assert_mem_eq(res->addrs + 16 * i, want, 16);
}

static void slot_is_v6(const struct res_lib_cfg_get_node_addrs *res, unsigned i, const char *text)
{
	uint8_t want[16];

	ck_assert_int_eq(inet_pton(AF_INET6, text, want), 1);
	ck_assert_mem_eq(res->addrs + 16 * i, want, 16);
}

/* ---- GET_NODE_ADDRS ---------------------------------------------------------- */

START_TEST(test_addrs_local_and_others)
{
	struct env e;
	const struct res_lib_cfg_get_node_addrs *res;

	env_init(&e, 2);
	node_add(e.cmap, 0, 1, (const char *const[8]){ "192.168.1.1", "10.0.0.1" });
	node_add(e.cmap, 1, 2, (const char *const[8]){ "192.168.1.2", "10.0.0.2" });
	node_add(e.cmap, 2, 7, (const char *const[8]){ "192.168.1.7" });

	/* nodeid 0 is the local node (2) */
	res = get_addrs(e.c, 0, CS_OK, 2);
	ck_assert_uint_eq(res->family, AF_INET);
	slot_is_v4(res, 0, "192.168.1.2");
	slot_is_v4(res, 1, "10.0.0.2");

	res = get_addrs(e.c, 1, CS_OK, 2);
	slot_is_v4(res, 0, "192.168.1.1");
	slot_is_v4(res, 1, "10.0.0.1");

	res = get_addrs(e.c, 7, CS_OK, 1);
	ck_assert_uint_eq(res->family, AF_INET);
	slot_is_v4(res, 0, "192.168.1.7");
	env_fini(&e);
}
END_TEST

START_TEST(test_addrs_link_order_and_gaps)
{
	struct env e;
	const struct res_lib_cfg_get_node_addrs *res;

	env_init(&e, 1);
	/* links 0, 3 and 7: listed in link order, no holes on the wire */
	node_add(e.cmap, 0, 1, (const char *const[8]){ [7] = "10.7.0.1", [0] = "10.0.0.1",
						       [3] = "10.3.0.1" });
	res = get_addrs(e.c, 1, CS_OK, 3);
	slot_is_v4(res, 0, "10.0.0.1");
	slot_is_v4(res, 1, "10.3.0.1");
	slot_is_v4(res, 2, "10.7.0.1");
	/* a node whose first configured link is not 0 takes its family from that one */
	node_add(e.cmap, 5, 9, (const char *const[8]){ [2] = "fd00::9" });
	res = get_addrs(e.c, 9, CS_OK, 1);
	ck_assert_uint_eq(res->family, AF_INET6);
	slot_is_v6(res, 0, "fd00::9");
	env_fini(&e);
}
END_TEST

START_TEST(test_addrs_ipv6)
{
	struct env e;
	const struct res_lib_cfg_get_node_addrs *res;

	env_init(&e, 3);
	node_add(e.cmap, 0, 3, (const char *const[8]){ "fd00:60::3", "fd00:61::3" });
	res = get_addrs(e.c, 3, CS_OK, 2);
	ck_assert_uint_eq(res->family, AF_INET6);
	slot_is_v6(res, 0, "fd00:60::3");
	slot_is_v6(res, 1, "fd00:61::3");
	env_fini(&e);
}
END_TEST

START_TEST(test_addrs_names_left_out)
{
	struct env e;
	const struct res_lib_cfg_get_node_addrs *res;

	env_init(&e, 1);
	/* host names would need a blocking resolver call: only numeric ones are listed */
	node_add(e.cmap, 0, 1, (const char *const[8]){ "node1.example", "10.0.0.1" });
	res = get_addrs(e.c, 1, CS_OK, 1);
	ck_assert_uint_eq(res->family, AF_INET);
	slot_is_v4(res, 0, "10.0.0.1");
	node_add(e.cmap, 1, 2, (const char *const[8]){ "localhost" });
	res = get_addrs(e.c, 2, CS_ERR_NOT_EXIST, 0);
	ck_assert_uint_eq(res->family, 0);
	env_fini(&e);
}
END_TEST

START_TEST(test_addrs_unknown_node)
{
	struct env e;
	const struct res_lib_cfg_get_node_addrs *res;

	env_init(&e, 1);
	/* empty nodelist: not even the local node is known */
	res = get_addrs(e.c, 0, CS_ERR_NOT_EXIST, 0);
	ck_assert_uint_eq(res->family, 0);
	node_add(e.cmap, 0, 1, (const char *const[8]){ "10.0.0.1" });
	get_addrs(e.c, 0, CS_OK, 1);
	get_addrs(e.c, 2, CS_ERR_NOT_EXIST, 0);
	get_addrs(e.c, UINT32_MAX, CS_ERR_NOT_EXIST, 0);
	/* a nodeid of the wrong type or a stray key does not match */
	ck_assert_int_eq(icmap_set_uint64(e.cmap, "nodelist.node.4.nodeid", 5), 0);
	ck_assert_int_eq(icmap_set_string(e.cmap, "nodelist.node.4.ring0_addr", "10.0.0.5"), 0);
	get_addrs(e.c, 5, CS_ERR_NOT_EXIST, 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "nodelist.node.x.nodeid", 6), 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "nodelist.node.8.nodeidx", 6), 0);
	get_addrs(e.c, 6, CS_ERR_NOT_EXIST, 0);
	/* a node with an id but no address */
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "nodelist.node.9.nodeid", 8), 0);
	get_addrs(e.c, 8, CS_ERR_NOT_EXIST, 0);
	env_fini(&e);
}
END_TEST

START_TEST(test_addrs_bad_size)
{
	struct env e;
	struct req_lib_cfg_get_node_addrs req;

	env_init(&e, 1);
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_GET_NODE_ADDRS;
	req.header.size = 16;
	/* the host refuses a request shorter than declared: the handler never runs */
	ck_assert_int_eq(fake_conn_request(e.c, &req, 16), -EMSGSIZE);
	ck_assert_uint_eq(fake_conn_reply_count(e.c), 0);
	env_fini(&e);
}
END_TEST

/* ---- LOCAL_GET, tracking, NOT_SUPPORTED ------------------------------------------ */

static const struct fake_msg *call_hdr(struct svc_conn *c, int32_t id, size_t len)
{
	uint8_t req[64] __attribute__((aligned(8)));
	struct qb_ipc_request_header h = { .id = id, .size = (int32_t)len };

	memset(req, 0, sizeof(req));
	memcpy(req, &h, sizeof(h));
	return call(c, req, len);
}

START_TEST(test_local_get)
{
	struct env e;
	const struct fake_msg *m;
	const struct res_lib_cfg_local_get *res;

	env_init(&e, 0x12345678);
	m = call_hdr(e.c, MESSAGE_REQ_CFG_LOCAL_GET, 16);
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_LOCAL_GET, 32), CS_OK);
	res = (const void *)m->data;
	ck_assert_uint_eq(res->local_nodeid, 0x12345678);
	env_fini(&e);
}
END_TEST

START_TEST(test_trackstart_stop)
{
	struct env e;
	struct svc_conn *c2;

	env_init(&e, 1);
	ck_assert_int_eq(fake_conn_open(e.h, 101, 0, 0, &c2), 0);
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_TRACKSTART, 24),
				     MESSAGE_RES_CFG_STATETRACKSTART, 24), CS_OK);
	/* idempotent */
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_TRACKSTART, 24),
				     MESSAGE_RES_CFG_STATETRACKSTART, 24), CS_OK);
	ck_assert_int_eq(reply_check(call_hdr(c2, MESSAGE_REQ_CFG_TRACKSTART, 24),
				     MESSAGE_RES_CFG_STATETRACKSTART, 24), CS_OK);
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_TRACKSTOP, 16),
				     MESSAGE_RES_CFG_STATETRACKSTOP, 24), CS_OK);
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_TRACKSTOP, 16),
				     MESSAGE_RES_CFG_STATETRACKSTOP, 24), CS_OK);
	/* closing a tracking connection untracks it (test_dump checks the count) */
	fake_conn_close(c2);
	env_fini(&e);
}
END_TEST

START_TEST(test_fixed_replies)
{
	struct env e;

	env_init(&e, 1);
	/* corosync 3.1.7 refuses RINGREENABLE too */
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_RINGREENABLE, 16),
				     MESSAGE_RES_CFG_RINGREENABLE, 24), CS_ERR_NOT_SUPPORTED);
	/* no shutdown negotiation runs: a reply to one is refused */
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_REPLYTOSHUTDOWN, 24),
				     MESSAGE_RES_CFG_REPLYTOSHUTDOWN, 24), CS_ERR_ACCESS);
	/* log files: no daemon behind the host, then the daemon's answer */
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_REOPEN_LOG_FILES, 16),
				     MESSAGE_RES_CFG_REOPEN_LOG_FILES, 24), CS_ERR_NOT_SUPPORTED);
	fake_host_reopen_result(e.h, 0);
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_REOPEN_LOG_FILES, 16),
				     MESSAGE_RES_CFG_REOPEN_LOG_FILES, 24), CS_OK);
	fake_host_reopen_result(e.h, -EACCES);
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_REOPEN_LOG_FILES, 16),
				     MESSAGE_RES_CFG_REOPEN_LOG_FILES, 24), CS_ERR_LIBRARY);
	ck_assert_uint_eq(fake_host_reopens(e.h), 2);
	env_fini(&e);
}
END_TEST

/* ---- RELOAD_CONFIG ---------------------------------------------------------------- */

/* Bring the multicast RELOAD_CONFIG number index back as node from delivers it. */
static void reload_deliver(struct env *e, size_t index, uint32_t from)
{
	const struct fake_msg *m = fake_host_mcast(e->h, index);

	ck_assert_uint_eq(m->len, 32);
	ck_assert_int_eq(fake_host_deliver(e->h, from, m->data, m->len, false), 0);
}

START_TEST(test_reload_config)
{
	struct env e;
	struct svc_conn *c2;
	const struct req_exec_cfg_source *x;
	const struct fake_msg *m;

	env_init(&e, 1);
	ck_assert_int_eq(fake_conn_open(e.h, 101, 0, 0, &c2), 0);
	/* no reply before the message came back from totem */
	ck_assert_int_eq(fake_conn_request(e.c, &(struct req_lib_cfg_header_only){
		.header = { .id = MESSAGE_REQ_CFG_RELOAD_CONFIG, .size = 16 } }, 16), 0);
	ck_assert_uint_eq(fake_conn_reply_count(e.c), 0);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	m = fake_host_mcast(e.h, 0);
	x = (const void *)m->data;
	ck_assert_int_eq(x->header.id, 1 << 16 | MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG);
	ck_assert_uint_eq(x->source.nodeid, 1);
	ck_assert_uint_ne(x->source.conn, 0);
	ck_assert_uint_eq(m->guarantee, SVC_SAFE);

	/* no daemon behind the host: NOT_SUPPORTED, to the right client only */
	reload_deliver(&e, 0, 1);
	ck_assert_uint_eq(fake_conn_reply_count(c2), 0);
	ck_assert_uint_eq(fake_conn_reply_count(e.c), 1);
	ck_assert_int_eq(reply_check(fake_conn_reply(e.c, 0), MESSAGE_RES_CFG_RELOAD_CONFIG, 24),
			 CS_ERR_NOT_SUPPORTED);

	/* a reload from another node reloads here, answers nobody here */
	fake_host_reload_result(e.h, 0);
	ck_assert_int_eq(fake_conn_request(c2, &(struct req_lib_cfg_header_only){
		.header = { .id = MESSAGE_REQ_CFG_RELOAD_CONFIG, .size = 16 } }, 16), 0);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 2);
	x = (const void *)fake_host_mcast(e.h, 1)->data;
	{
		struct req_exec_cfg_source other = *x;

		other.source.nodeid = 2;
		ck_assert_int_eq(fake_host_deliver(e.h, 2, &other, sizeof(other), false), 0);
	}
	ck_assert_uint_eq(fake_host_reloads(e.h), 1);
	ck_assert_uint_eq(fake_conn_reply_count(c2), 0);
	/* its own comes back: CS_OK */
	reload_deliver(&e, 1, 1);
	ck_assert_uint_eq(fake_host_reloads(e.h), 2);
	ck_assert_uint_eq(fake_conn_reply_count(c2), 1);
	ck_assert_int_eq(reply_check(fake_conn_reply(c2, 0), MESSAGE_RES_CFG_RELOAD_CONFIG, 24), CS_OK);
	/* delivered again (a replay): nobody waits, no reply */
	reload_deliver(&e, 1, 1);
	ck_assert_uint_eq(fake_conn_reply_count(c2), 1);

	/* a bad file: INVALID_PARAM */
	fake_host_reload_result(e.h, -EINVAL);
	ck_assert_int_eq(fake_conn_request(e.c, &(struct req_lib_cfg_header_only){
		.header = { .id = MESSAGE_REQ_CFG_RELOAD_CONFIG, .size = 16 } }, 16), 0);
	reload_deliver(&e, 2, 1);
	ck_assert_int_eq(reply_check(fake_conn_reply(e.c, 1), MESSAGE_RES_CFG_RELOAD_CONFIG, 24),
			 CS_ERR_INVALID_PARAM);

	/* the client leaves before delivery: the reload still happens, no reply */
	ck_assert_int_eq(fake_conn_request(c2, &(struct req_lib_cfg_header_only){
		.header = { .id = MESSAGE_REQ_CFG_RELOAD_CONFIG, .size = 16 } }, 16), 0);
	fake_conn_close(c2);
	fake_host_reload_result(e.h, 0);
	reload_deliver(&e, 3, 1);
	ck_assert_uint_eq(fake_host_reloads(e.h), 5);

	/* totem full: TRY_AGAIN at once */
	fake_host_mcast_fail(e.h, -EAGAIN);
	ck_assert_int_eq(reply_check(call_hdr(e.c, MESSAGE_REQ_CFG_RELOAD_CONFIG, 16),
				     MESSAGE_RES_CFG_RELOAD_CONFIG, 24), CS_ERR_TRY_AGAIN);
	env_fini(&e);
}
END_TEST

/*
 * A reload that changed crypto (the daemon answers 1): this node sends its
 * own ACTIVATE; the first ACTIVATE delivered, any node's, switches the
 * transport; its own ACTIVATE sends CLEANUP; its own CLEANUP forgets the
 * old crypto once every other member's CLEANUP came back (none here: no
 * view yet); a phase totem refuses is sent again.
 */
static void crypto_deliver(struct env *e, size_t index, uint32_t from, uint32_t want_phase)
{
	const struct fake_msg *m = fake_host_mcast(e->h, index);
	const struct req_exec_cfg_crypto_reconfig *x = (const void *)m->data;

	ck_assert_uint_eq(m->len, 24);
	ck_assert_int_eq(x->header.id, 1 << 16 | MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG);
	ck_assert_uint_eq(x->phase, want_phase);
	ck_assert_uint_eq(m->guarantee, SVC_SAFE);
	ck_assert_int_eq(fake_host_deliver(e->h, from, m->data, m->len, false), 0);
}

START_TEST(test_crypto_reconfig)
{
	struct env e;
	enum svc_crypto_phase last;

	env_init(&e, 1);
	/* crypto unchanged: no phase is sent */
	fake_host_reload_result(e.h, 0);
	ck_assert_int_eq(fake_conn_request(e.c, &(struct req_lib_cfg_header_only){
		.header = { .id = MESSAGE_REQ_CFG_RELOAD_CONFIG, .size = 16 } }, 16), 0);
	reload_deliver(&e, 0, 1);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	ck_assert_int_eq(reply_check(fake_conn_reply(e.c, 0), MESSAGE_RES_CFG_RELOAD_CONFIG, 24),
			 CS_OK);
	/* another node's ACTIVATE with nothing loaded here: nothing happens */
	{
		struct req_exec_cfg_crypto_reconfig act;

		memset(&act, 0, sizeof(act));
		act.header.id = 1 << 16 | MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG;
		act.header.size = sizeof(act);
		act.phase = CFG_CRYPTO_PHASE_ACTIVATE;
		ck_assert_int_eq(fake_host_deliver(e.h, 2, &act, sizeof(act), false), 0);
		ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 0);
	}

	/* a reload from node 2 that changed crypto here: ACTIVATE from this node */
	fake_host_reload_result(e.h, 1);
	{
		struct req_exec_cfg_source other = *(const struct req_exec_cfg_source *)
			fake_host_mcast(e.h, 0)->data;

		other.source.nodeid = 2;
		ck_assert_int_eq(fake_host_deliver(e.h, 2, &other, sizeof(other), false), 0);
	}
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 2);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 0);
	/* node 2's ACTIVATE comes first: the transport switches, nothing is sent */
	ck_assert_int_eq(fake_host_deliver(e.h, 2, fake_host_mcast(e.h, 1)->data, 24, false), 0);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 1);
	ck_assert_int_eq(last, SVC_CRYPTO_ACTIVATE);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 2);
	/* our ACTIVATE: switched already; CLEANUP goes out */
	crypto_deliver(&e, 1, 1, CFG_CRYPTO_PHASE_ACTIVATE);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 1);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 3);
	/* our CLEANUP: the old crypto goes, nothing more is sent */
	crypto_deliver(&e, 2, 1, CFG_CRYPTO_PHASE_CLEANUP);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 2);
	ck_assert_int_eq(last, SVC_CRYPTO_CLEANUP);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 3);
	ck_assert_uint_eq(cfg_exec_rx_count(fake_host_svc(e.h), MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG), 4);

	/* totem full when ACTIVATE is due: sent again once it has room */
	fake_host_mcast_fail(e.h, -EAGAIN);
	reload_deliver(&e, 0, 1);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 3);
	fake_host_advance(e.h, 100);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 3);
	fake_host_mcast_fail(e.h, 0);
	fake_host_advance(e.h, 100);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 4);
	crypto_deliver(&e, 3, 1, CFG_CRYPTO_PHASE_ACTIVATE);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 3);
	/* sent once only */
	fake_host_advance(e.h, 100);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 5);
	env_fini(&e);
}
END_TEST

/* The phase message of node `from`, delivered. */
static void phase_from(struct env *e, uint32_t from, uint32_t phase)
{
	struct req_exec_cfg_crypto_reconfig x;

	memset(&x, 0, sizeof(x));
	x.header.id = 1 << 16 | MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG;
	x.header.size = sizeof(x);
	x.phase = phase;
	ck_assert_int_eq(fake_host_deliver(e->h, from, &x, sizeof(x), false), 0);
}

static void view_of(struct env *e, const uint32_t *members, size_t n)
{
	struct svc_view v;

	memset(&v, 0, sizeof(v));
	v.rep_nodeid = members[0];
	v.ring_seq = 8;
	v.members = members;
	v.members_count = n;
	fake_host_view(e->h, &v);
}

/* A reload with a crypto change up to our own CLEANUP delivered. */
static void crypto_round(struct env *e, unsigned phases_before)
{
	size_t k = fake_host_mcast_count(e->h);

	reload_deliver(e, 0, 1);
	ck_assert_uint_eq(fake_host_mcast_count(e->h), k + 1);
	crypto_deliver(e, k, 1, CFG_CRYPTO_PHASE_ACTIVATE);
	ck_assert_uint_eq(fake_host_crypto_phases(e->h, NULL), phases_before + 1);
	crypto_deliver(e, k + 1, 1, CFG_CRYPTO_PHASE_CLEANUP);
}

/*
 * The old crypto is kept until every other member of the configuration
 * sent its CLEANUP (it switched before), a member that left no longer
 * counts, and CFG_CRYPTO_CLEANUP_WAIT_MS (5 s) bounds the wait.
 */
START_TEST(test_crypto_cleanup_waits)
{
	struct env e;
	enum svc_crypto_phase last;
	static const uint32_t three[] = { 1, 2, 3 }, two[] = { 1, 2 };

	env_init(&e, 1);
	ck_assert_int_eq(fake_conn_request(e.c, &(struct req_lib_cfg_header_only){
		.header = { .id = MESSAGE_REQ_CFG_RELOAD_CONFIG, .size = 16 } }, 16), 0);
	fake_host_reload_result(e.h, 1);
	view_of(&e, three, 3);

	/* node 2 cleans up, then ours: node 3 is still awaited ... */
	reload_deliver(&e, 0, 1);
	crypto_deliver(&e, 1, 1, CFG_CRYPTO_PHASE_ACTIVATE);
	phase_from(&e, 2, CFG_CRYPTO_PHASE_CLEANUP);
	crypto_deliver(&e, 2, 1, CFG_CRYPTO_PHASE_CLEANUP);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 1);
	ck_assert_int_eq(last, SVC_CRYPTO_ACTIVATE);
	/* ... until it leaves the configuration */
	view_of(&e, two, 2);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 2);
	ck_assert_int_eq(last, SVC_CRYPTO_CLEANUP);

	/* the last CLEANUP awaited forgets the old crypto */
	view_of(&e, three, 3);
	crypto_round(&e, 2);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 3);
	phase_from(&e, 3, CFG_CRYPTO_PHASE_CLEANUP);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 3);
	phase_from(&e, 3, CFG_CRYPTO_PHASE_CLEANUP);       /* twice: counts once */
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 3);
	phase_from(&e, 2, CFG_CRYPTO_PHASE_CLEANUP);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 4);
	ck_assert_int_eq(last, SVC_CRYPTO_CLEANUP);

	/* every other CLEANUP before ours: ours forgets at once */
	reload_deliver(&e, 0, 1);
	phase_from(&e, 2, CFG_CRYPTO_PHASE_ACTIVATE);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 5);
	ck_assert_int_eq(last, SVC_CRYPTO_ACTIVATE);
	phase_from(&e, 2, CFG_CRYPTO_PHASE_CLEANUP);
	phase_from(&e, 3, CFG_CRYPTO_PHASE_CLEANUP);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 5);
	crypto_deliver(&e, fake_host_mcast_count(e.h) - 1, 1, CFG_CRYPTO_PHASE_ACTIVATE);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 5);
	crypto_deliver(&e, fake_host_mcast_count(e.h) - 1, 1, CFG_CRYPTO_PHASE_CLEANUP);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 6);
	ck_assert_int_eq(last, SVC_CRYPTO_CLEANUP);

	/* a member that never sends its CLEANUP: forgotten after 5 s */
	crypto_round(&e, 6);
	phase_from(&e, 2, CFG_CRYPTO_PHASE_CLEANUP);
	fake_host_advance(e.h, 4999);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 7);
	fake_host_advance(e.h, 1);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, &last), 8);
	ck_assert_int_eq(last, SVC_CRYPTO_CLEANUP);
	fake_host_advance(e.h, 10000);
	ck_assert_uint_eq(fake_host_crypto_phases(e.h, NULL), 8);
	env_fini(&e);
}
END_TEST

/* ---- NODESTATUSGET, RINGSTATUSGET ------------------------------------------------ */

static const struct fake_msg *nodestatus(struct svc_conn *c, uint32_t nodeid, uint32_t version)
{
	struct req_lib_cfg_nodestatusget req;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_NODESTATUSGET;
	req.header.size = sizeof(req);
	req.nodeid = nodeid;
	req.version = version;
	return call(c, &req, sizeof(req));
}

static void link_set(struct svc_node_status *ns, unsigned l, bool en, bool co, bool dyn,
		     uint32_t mtu, const char *src, const char *dst)
{
	ns->link[l].enabled = en;
	ns->link[l].connected = co;
	ns->link[l].dynconnected = dyn;
	ns->link[l].mtu = mtu;
	snprintf(ns->link[l].src_ipaddr, sizeof(ns->link[l].src_ipaddr), "%s", src);
	snprintf(ns->link[l].dst_ipaddr, sizeof(ns->link[l].dst_ipaddr), "%s", dst);
}

START_TEST(test_nodestatus)
{
	struct svc_node_status ns;
	const struct res_lib_cfg_nodestatusget_v1 *r;
	const struct res_lib_cfg_nodestatusget_version *rv;
	const struct fake_msg *m;
	struct env e;

	env_init(&e, 1);
	/* no transport behind the host: the 32-byte FAILED_OPERATION form */
	m = nodestatus(e.c, 2, CFG_NODE_STATUS_V1);
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_NODESTATUSGET, 32),
			 CS_ERR_FAILED_OPERATION);

	memset(&ns, 0, sizeof(ns));
	ns.reachable = true;
	ns.external = true;
	link_set(&ns, 0, true, true, false, 1397, "10.0.0.1", "10.0.0.2");
	link_set(&ns, 3, true, false, true, 0, "10.3.0.1", "10.3.0.2");
	ck_assert_int_eq(fake_host_set_node_status(e.h, 2, &ns), 0);
	m = nodestatus(e.c, 2, CFG_NODE_STATUS_V1);
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_NODESTATUSGET, 4200), CS_OK);
	r = (const void *)m->data;
	ck_assert_uint_eq(r->node_status.version, CFG_NODE_STATUS_V1);
	ck_assert_uint_eq(r->node_status.nodeid, 2);
	ck_assert_uint_eq(r->node_status.reachable, 1);
	ck_assert_uint_eq(r->node_status.remote, 0);
	ck_assert_uint_eq(r->node_status.external, 1);
	ck_assert_uint_eq(r->node_status.onwire_ver, 0);
	/* absolute offsets of the wire (spec §3.2) */
	ck_assert_uint_eq(m->data[32], 1);                       /* reachable */
	ck_assert_uint_eq(m->data[40 + 0], 1);                   /* link 0 enabled */
	ck_assert_uint_eq(m->data[40 + 1], 1);                   /* connected */
	ck_assert_str_eq((const char *)m->data + 40 + 8, "10.0.0.1");
	ck_assert_str_eq((const char *)m->data + 40 + 264, "10.0.0.2");
	ck_assert_uint_eq(r->node_status.link_status[0].mtu, 1397);
	ck_assert_uint_eq(r->node_status.link_status[3].enabled, 1);
	ck_assert_uint_eq(r->node_status.link_status[3].connected, 0);
	ck_assert_uint_eq(r->node_status.link_status[3].dynconnected, 1);
	ck_assert_uint_eq(r->node_status.link_status[1].enabled, 0);
	ck_assert_str_eq(r->node_status.link_status[1].src_ipaddr, "");

	/* another version: NOT_SUPPORTED in the 32-byte form */
	m = nodestatus(e.c, 2, 2);
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_NODESTATUSGET, 32), CS_ERR_NOT_SUPPORTED);
	rv = (const void *)m->data;
	ck_assert_uint_eq(rv->version, CFG_NODE_STATUS_V1);
	/* the transport is asked before the version is looked at (corosync's order) */
	m = nodestatus(e.c, 9, 2);
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_NODESTATUSGET, 32),
			 CS_ERR_FAILED_OPERATION);
	env_fini(&e);
}
END_TEST

START_TEST(test_ringstatus)
{
	static const char *const a1[8] = { "10.0.0.1", NULL, "10.2.0.1" };
	static const char *const a2[8] = { "10.0.0.2", NULL, "10.2.0.2" };
	static const char *const a3[8] = { "10.0.0.3" };
	static const char *const a4[8] = { "10.0.0.4", NULL, "10.2.0.4" };
	struct svc_node_status ns;
	const struct res_lib_cfg_ringstatusget *r;
	const struct fake_msg *m;
	struct env e;

	env_init(&e, 2);
	/* nodelist order is not node id order */
	node_add(e.cmap, 0, 3, a3);
	node_add(e.cmap, 1, 1, a1);
	node_add(e.cmap, 2, 2, a2);
	node_add(e.cmap, 3, 4, a4);
	memset(&ns, 0, sizeof(ns));
	link_set(&ns, 0, true, true, false, 1397, "10.0.0.2", "10.0.0.1");
	link_set(&ns, 2, true, false, false, 1397, "10.2.0.2", "10.2.0.1");
	ck_assert_int_eq(fake_host_set_node_status(e.h, 1, &ns), 0);
	memset(&ns, 0, sizeof(ns));
	link_set(&ns, 0, true, true, true, 1397, "10.0.0.2", "10.0.0.3");
	ck_assert_int_eq(fake_host_set_node_status(e.h, 3, &ns), 0);
	/* node 4: the transport does not know it */

	m = call_hdr(e.c, MESSAGE_REQ_CFG_RINGSTATUSGET, 16);
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_RINGSTATUSGET, 10272), CS_OK);
	r = (const void *)m->data;
	ck_assert_uint_eq(r->interface_count, 2);
	ck_assert_str_eq(r->interface_name[0], "0 10.0.0.2");
	ck_assert_str_eq(r->interface_status[0], "3n7?");
	ck_assert_str_eq(r->interface_name[1], "2 10.2.0.2");
	ck_assert_str_eq(r->interface_status[1], "1nd?");
	ck_assert_str_eq(r->interface_status[2], "");

	/* a node's links fill the strings in order (corosync's packing): node 3
	 * with only link 2 shows in string 0 */
	memset(&ns, 0, sizeof(ns));
	link_set(&ns, 2, true, false, false, 1397, "10.2.0.2", "10.2.0.3");
	ck_assert_int_eq(fake_host_set_node_status(e.h, 3, &ns), 0);
	m = call_hdr(e.c, MESSAGE_REQ_CFG_RINGSTATUSGET, 16);
	r = (const void *)m->data;
	ck_assert_str_eq(r->interface_status[0], "3n1?");
	ck_assert_str_eq(r->interface_status[1], "1nd?");
	env_fini(&e);

	/* a node that is not in the nodelist has no interfaces; still the whole reply */
	env_init(&e, 7);
	m = call_hdr(e.c, MESSAGE_REQ_CFG_RINGSTATUSGET, 16);
	ck_assert_int_eq(reply_check(m, MESSAGE_RES_CFG_RINGSTATUSGET, 10272), CS_OK);
	ck_assert_uint_eq(((const struct res_lib_cfg_ringstatusget *)(const void *)m->data)
				  ->interface_count, 0);
	env_fini(&e);
}
END_TEST

/* ---- KILLNODE ----------------------------------------------------------------------- */

static const struct fake_msg *killnode(struct svc_conn *c, uint32_t nodeid, const char *reason)
{
	struct req_lib_cfg_killnode req;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_KILLNODE;
	req.header.size = sizeof(req);
	req.nodeid = nodeid;
	req.reason.length = (uint16_t)(strlen(reason) + 1);   /* libcfg counts the NUL */
	memcpy(req.reason.value, reason, strlen(reason) + 1);
	return call(c, &req, sizeof(req));
}

START_TEST(test_killnode)
{
	const struct req_exec_cfg_killnode *x;
	const struct fake_msg *m;
	struct env e;

	env_init(&e, 1);
	ck_assert_int_eq(icmap_set_string(e.cmap, "runtime.members.2.status", "joined"), 0);
	ck_assert_int_eq(icmap_set_string(e.cmap, "runtime.members.3.status", "left"), 0);
	ck_assert_int_eq(icmap_set_uint32(e.cmap, "runtime.members.4.status", 1), 0);

	ck_assert_int_eq(reply_check(killnode(e.c, 2, "Killed by chorus-cfgtool"),
				     MESSAGE_RES_CFG_KILLNODE, 24), CS_OK);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	m = fake_host_mcast(e.h, 0);
	ck_assert_uint_eq(m->fn_id, MESSAGE_REQ_EXEC_CFG_KILLNODE);
	ck_assert_int_eq(m->guarantee, SVC_SAFE);
	ck_assert_uint_eq(m->len, 288);
	x = (const void *)m->data;
	ck_assert_uint_eq(x->nodeid, 2);
	ck_assert_uint_eq(x->reason.length, strlen("Killed by chorus-cfgtool") + 1);
	ck_assert_str_eq((const char *)x->reason.value, "Killed by chorus-cfgtool");
	ck_assert_uint_eq(((const uint8_t *)m->data)[24], strlen("Killed by chorus-cfgtool") + 1);

	/* left, unknown, or a status that is not a string: nothing is sent */
	ck_assert_int_eq(reply_check(killnode(e.c, 3, "x"), MESSAGE_RES_CFG_KILLNODE, 24),
			 CS_ERR_NOT_EXIST);
	ck_assert_int_eq(reply_check(killnode(e.c, 5, "x"), MESSAGE_RES_CFG_KILLNODE, 24),
			 CS_ERR_NOT_EXIST);
	ck_assert_int_eq(reply_check(killnode(e.c, 4, "x"), MESSAGE_RES_CFG_KILLNODE, 24),
			 CS_ERR_LIBRARY);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 1);
	env_fini(&e);
}
END_TEST

static void exec_killnode(struct fake_host *h, uint32_t from, uint32_t target, const char *reason,
			  uint16_t length, bool foreign)
{
	struct req_exec_cfg_killnode x;

	memset(&x, 0, sizeof(x));
	x.header.id = 1 << 16 | MESSAGE_REQ_EXEC_CFG_KILLNODE;
	x.header.size = sizeof(x);
	x.nodeid = target;
	x.reason.length = length;
	memcpy(x.reason.value, reason, strlen(reason));
	if (foreign) {
		x.header.id = (int32_t)__builtin_bswap32((uint32_t)x.header.id);
		x.header.size = (int32_t)__builtin_bswap32((uint32_t)x.header.size);
		x.nodeid = __builtin_bswap32(x.nodeid);
		x.reason.length = __builtin_bswap16(x.reason.length);
	}
	ck_assert_int_eq(fake_host_deliver(h, from, &x, sizeof(x), foreign), 0);
}

START_TEST(test_exec_killnode)
{
	const char *reason;
	int status;
	struct env e;

	env_init(&e, 1);
	fake_host_daemon(e.h, true);
	exec_killnode(e.h, 2, 3, "not us", 7, false);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, NULL), 0);
	exec_killnode(e.h, 2, 1, "Killed by chorus-cfgtool", 25, false);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, &status, &reason), 1);
	ck_assert_int_eq(status, 255);
	ck_assert_str_eq(reason, "Killed by chorus-cfgtool");
	/* from a node of the other byte order; a length past the buffer is bounded */
	exec_killnode(e.h, 3, 1, "big endian", 0xffff, true);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, &status, &reason), 2);
	ck_assert_int_eq(status, 255);
	ck_assert_str_eq(reason, "big endian");
	/* a length shorter than the text cuts it */
	exec_killnode(e.h, 3, 1, "abcdef", 3, false);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, &reason), 3);
	ck_assert_str_eq(reason, "abc");
	env_fini(&e);
}
END_TEST

START_TEST(test_exec_shutdown)
{
	struct req_exec_cfg_shutdown x;
	int status = -1;
	struct env e;

	env_init(&e, 1);
	fake_host_daemon(e.h, true);
	memset(&x, 0, sizeof(x));
	x.header.id = 1 << 16 | MESSAGE_REQ_EXEC_CFG_SHUTDOWN;
	x.header.size = sizeof(x);
	/* another node going down: logged only */
	ck_assert_int_eq(fake_host_deliver(e.h, 2, &x, sizeof(x), false), 0);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, NULL, NULL), 0);
	/* our own: an orderly stop, exit status 0 */
	ck_assert_int_eq(fake_host_deliver(e.h, 1, &x, sizeof(x), false), 0);
	ck_assert_uint_eq(fake_host_shutdowns(e.h, &status, NULL), 1);
	ck_assert_int_eq(status, 0);
	env_fini(&e);
}
END_TEST

/* ---- the shutdown negotiation -------------------------------------------------------- */

struct neg {
	struct env e;
	struct svc_conn *t1, *t2;   /* trackers */
};

static void neg_init(struct neg *n, unsigned trackers)
{
	env_init(&n->e, 1);
	n->t1 = n->t2 = NULL;
	if (trackers >= 1) {
		ck_assert_int_eq(fake_conn_open(n->e.h, 201, 0, 0, &n->t1), 0);
		ck_assert_int_eq(reply_check(call_hdr(n->t1, MESSAGE_REQ_CFG_TRACKSTART, 24),
					     MESSAGE_RES_CFG_STATETRACKSTART, 24), CS_OK);
	}
	if (trackers >= 2) {
		ck_assert_int_eq(fake_conn_open(n->e.h, 202, 0, 0, &n->t2), 0);
		ck_assert_int_eq(reply_check(call_hdr(n->t2, MESSAGE_REQ_CFG_TRACKSTART, 24),
					     MESSAGE_RES_CFG_STATETRACKSTART, 24), CS_OK);
	}
}

/* TRYSHUTDOWN; returns the reply if one came at once, else NULL. */
static const struct fake_msg *try_shutdown(struct svc_conn *c, uint32_t flags)
{
	struct req_lib_cfg_tryshutdown req;
	size_t n = fake_conn_reply_count(c);

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_TRYSHUTDOWN;
	req.header.size = sizeof(req);
	req.flags = flags;
	ck_assert_int_eq(fake_conn_request(c, &req, sizeof(req)), 0);
	if (fake_conn_reply_count(c) == n)
		return NULL;
	ck_assert_uint_eq(fake_conn_reply_count(c), n + 1);
	return fake_conn_reply(c, n);
}

static cs_error_t reply_to(struct svc_conn *c, uint32_t response)
{
	struct req_lib_cfg_replytoshutdown req;

	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CFG_REPLYTOSHUTDOWN;
	req.header.size = sizeof(req);
	req.response = response;
	return reply_check(call(c, &req, sizeof(req)), MESSAGE_RES_CFG_REPLYTOSHUTDOWN, 24);
}

/* The index-th event of c is TESTSHUTDOWN with this error and flags. */
static void testshutdown_is(struct svc_conn *c, size_t index, cs_error_t err, uint32_t flags)
{
	const struct fake_msg *m = fake_conn_event(c, index);
	const struct res_lib_cfg_testshutdown *ev;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->len, 32);
	ev = (const void *)m->data;
	ck_assert_int_eq(ev->header.id, MESSAGE_RES_CFG_TESTSHUTDOWN);
	ck_assert_int_eq(ev->header.size, 32);
	ck_assert_int_eq(ev->header.error, err);
	ck_assert_uint_eq(ev->flags, flags);
}

static const struct fake_msg *last_reply(struct svc_conn *c)
{
	size_t n = fake_conn_reply_count(c);

	return n ? fake_conn_reply(c, n - 1) : NULL;
}

static void shutdown_sent(struct fake_host *h, size_t count)
{
	ck_assert_uint_eq(fake_host_mcast_count(h), count);
	if (count) {
		const struct fake_msg *m = fake_host_mcast(h, count - 1);

		ck_assert_uint_eq(m->fn_id, MESSAGE_REQ_EXEC_CFG_SHUTDOWN);
		ck_assert_int_eq(m->guarantee, SVC_SAFE);
		ck_assert_uint_eq(m->len, 16);
	}
}

START_TEST(test_shutdown_no_trackers)
{
	struct neg n;

	neg_init(&n, 0);
	ck_assert_int_eq(reply_check(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST),
				     MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	env_fini(&n.e);
	/* the requester tracking itself does not count */
	neg_init(&n, 1);
	ck_assert_int_eq(reply_check(try_shutdown(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST),
				     MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	ck_assert_uint_eq(fake_conn_event_count(n.t1), 0);
	shutdown_sent(n.e.h, 1);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_immediate)
{
	struct neg n;

	neg_init(&n, 2);
	ck_assert_int_eq(reply_check(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_IMMEDIATE),
				     MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	ck_assert_uint_eq(fake_conn_event_count(n.t1), 0);
	ck_assert_uint_eq(fake_conn_event_count(n.t2), 0);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_vetoed)
{
	struct neg n;

	neg_init(&n, 2);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	testshutdown_is(n.t1, 0, CS_OK, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST);
	testshutdown_is(n.t2, 0, CS_OK, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST);
	ck_assert_uint_eq(fake_conn_event_count(n.e.c), 0);
	/* one negotiation at a time; even IMMEDIATE-less callers get EXIST */
	ck_assert_int_eq(reply_check(try_shutdown(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS),
				     MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_ERR_EXIST);
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_uint_eq(fake_conn_reply_count(n.e.c), 0);
	ck_assert_int_eq(reply_to(n.t2, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24),
			 CS_ERR_BUSY);
	shutdown_sent(n.e.h, 0);
	/* over: the timer went with it, a late answer is refused */
	fake_host_advance(n.e.h, 60000);
	ck_assert_uint_eq(fake_conn_event_count(n.t1), 1);
	ck_assert_int_eq(reply_to(n.t2, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_ERR_ACCESS);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_agreed)
{
	struct neg n;

	neg_init(&n, 2);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	/* answering twice counts once: the second yes does not stand in for t2 */
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_uint_eq(fake_conn_reply_count(n.e.c), 0);
	/* a connection that was not asked does not vote */
	ck_assert_int_eq(reply_to(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	ck_assert_uint_eq(fake_conn_reply_count(n.e.c), 1);   /* only its REPLYTOSHUTDOWN reply */
	ck_assert_int_eq(reply_to(n.t2, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_regardless)
{
	struct neg n;

	neg_init(&n, 2);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS));
	testshutdown_is(n.t1, 0, CS_OK, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS);
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	ck_assert_int_eq(reply_to(n.t2, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_timeout)
{
	struct neg n;

	neg_init(&n, 2);
	/* the default: 5000 ms */
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	fake_host_advance(n.e.h, 4999);
	ck_assert_uint_eq(fake_conn_reply_count(n.e.c), 0);
	fake_host_advance(n.e.h, 1);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24),
			 CS_ERR_BUSY);
	shutdown_sent(n.e.h, 0);
	/* every tracker hears of the timeout */
	testshutdown_is(n.t1, 1, CS_ERR_TIMEOUT, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST);
	testshutdown_is(n.t2, 1, CS_ERR_TIMEOUT, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST);
	env_fini(&n.e);

	/* cfg.shutdown_timeout from cmap; REGARDLESS goes down at the timeout */
	neg_init(&n, 1);
	ck_assert_int_eq(icmap_set_uint32(n.e.cmap, "cfg.shutdown_timeout", 100), 0);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS));
	fake_host_advance(n.e.h, 99);
	ck_assert_uint_eq(fake_conn_reply_count(n.e.c), 0);
	fake_host_advance(n.e.h, 1);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	testshutdown_is(n.t1, 1, CS_ERR_TIMEOUT, COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_tracker_leaves)
{
	struct neg n;

	/* a tracker closing counts as yes, even after it said no */
	neg_init(&n, 2);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_int_eq(reply_to(n.t2, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24),
			 CS_ERR_BUSY);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	ck_assert_int_eq(reply_to(n.t2, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	fake_conn_close(n.t2);
	ck_assert_uint_eq(fake_conn_reply_count(n.e.c), 1);
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	env_fini(&n.e);

	/* TRACKSTOP is the same as leaving */
	neg_init(&n, 1);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	ck_assert_int_eq(reply_check(call_hdr(n.t1, MESSAGE_REQ_CFG_TRACKSTOP, 16),
				     MESSAGE_RES_CFG_STATETRACKSTOP, 24), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_requester_leaves)
{
	struct svc_conn *r2;
	struct neg n;

	neg_init(&n, 1);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	fake_conn_close(n.e.c);
	/* cancelled silently: no timeout event, answers refused, a new one may start */
	fake_host_advance(n.e.h, 60000);
	ck_assert_uint_eq(fake_conn_event_count(n.t1), 1);
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_ERR_ACCESS);
	ck_assert_int_eq(fake_conn_open(n.e.h, 300, 0, 0, &r2), 0);
	ck_assert_ptr_null(try_shutdown(r2, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(r2), MESSAGE_RES_CFG_TRYSHUTDOWN, 24), CS_OK);
	shutdown_sent(n.e.h, 1);
	env_fini(&n.e);
}
END_TEST

START_TEST(test_shutdown_late_tracker)
{
	struct svc_conn *t3;
	struct neg n;

	neg_init(&n, 1);
	ck_assert_ptr_null(try_shutdown(n.e.c, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST));
	ck_assert_int_eq(fake_conn_open(n.e.h, 203, 0, 0, &t3), 0);
	ck_assert_int_eq(reply_check(call_hdr(t3, MESSAGE_REQ_CFG_TRACKSTART, 24),
				     MESSAGE_RES_CFG_STATETRACKSTART, 24), CS_OK);
	/* the newcomer is asked at once, and counted */
	testshutdown_is(t3, 0, CS_OK, COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST);
	ck_assert_int_eq(reply_to(n.t1, COROSYNC_CFG_SHUTDOWN_FLAG_YES), CS_OK);
	ck_assert_uint_eq(fake_conn_reply_count(n.e.c), 0);
	ck_assert_int_eq(reply_to(t3, COROSYNC_CFG_SHUTDOWN_FLAG_NO), CS_OK);
	ck_assert_int_eq(reply_check(last_reply(n.e.c), MESSAGE_RES_CFG_TRYSHUTDOWN, 24),
			 CS_ERR_BUSY);
	env_fini(&n.e);
}
END_TEST

/* ---- totem messages ------------------------------------------------------------ */

START_TEST(test_exec_messages_accepted)
{
	static const size_t sizes[CFG_EXEC_FN_COUNT] = { 32, 288, 16, 32, 24 };
	uint8_t msg[288] __attribute__((aligned(8)));
	struct env e;

	env_init(&e, 1);
	for (unsigned fn = 0; fn < CFG_EXEC_FN_COUNT; fn++) {
		struct qb_ipc_request_header h = { .id = (int32_t)(1u << 16 | fn),
						   .size = (int32_t)sizes[fn] };

		memset(msg, 0, sizeof(msg));
		memcpy(msg, &h, sizeof(h));
		ck_assert_int_eq(fake_host_deliver(e.h, 2, msg, sizes[fn], false), 0);
		/* from a node of the other byte order */
		h.id = (int32_t)__builtin_bswap32((uint32_t)h.id);
		h.size = (int32_t)__builtin_bswap32((uint32_t)h.size);
		memcpy(msg, &h, sizeof(h));
		ck_assert_int_eq(fake_host_deliver(e.h, 3, msg, sizes[fn], true), 0);
		ck_assert_uint_eq(cfg_exec_rx_count(fake_host_svc(e.h), fn), 2);
		/* too short for the op: dropped before the handler */
		memcpy(msg, &(struct qb_ipc_request_header){ .id = (int32_t)(1u << 16 | fn) },
		       sizeof(h));
		if (sizes[fn] > 16)
			ck_assert_int_eq(fake_host_deliver(e.h, 2, msg, sizes[fn] - 1, false),
					 -EMSGSIZE);
		ck_assert_uint_eq(cfg_exec_rx_count(fake_host_svc(e.h), fn), 2);
	}
	/* no client saw anything, nothing was multicast */
	ck_assert_uint_eq(fake_conn_reply_count(e.c), 0);
	ck_assert_uint_eq(fake_conn_event_count(e.c), 0);
	ck_assert_uint_eq(fake_host_mcast_count(e.h), 0);
	/* fn 5 does not exist */
	memcpy(msg, &(struct qb_ipc_request_header){ .id = 1 << 16 | 5, .size = 32 }, 16);
	ck_assert_int_eq(fake_host_deliver(e.h, 2, msg, 32, false), -ENOSYS);
	ck_assert_uint_eq(cfg_exec_rx_count(fake_host_svc(e.h), CFG_EXEC_FN_COUNT), 0);
	env_fini(&e);
}
END_TEST

START_TEST(test_dump)
{
	struct env e;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	env_init(&e, 1);
	call_hdr(e.c, MESSAGE_REQ_CFG_TRACKSTART, 24);
	ck_assert_ptr_nonnull(f);
	cfg_service_def.dump(fake_host_svc(e.h), f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "cfg: 1 shutdown trackers"));
	free(buf);
	fake_conn_close(e.c);
	f = open_memstream(&buf, &size);
	cfg_service_def.dump(fake_host_svc(e.h), f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "cfg: 0 shutdown trackers"));
	free(buf);
	env_fini(&e);
}
END_TEST

/* ---- the module as chorusd loads it --------------------------------------------- */

START_TEST(test_module_loads)
{
	void *dl = dlopen(CFG_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
	svc_module_fn fn;
	const struct svc_def *def;
	struct fake_host *h;
	struct svc_conn *c;
	const struct res_lib_cfg_local_get *res;
	void *sym;

	ck_assert_msg(dl != NULL, "dlopen: %s", dlerror());
	sym = dlsym(dl, SVC_MODULE_SYMBOL);
	ck_assert_ptr_nonnull(sym);
	memcpy(&fn, &sym, sizeof(fn));
	/* Only the entry point is exported. */
	ck_assert_ptr_null(dlsym(dl, "cfg_service_def"));
	def = fn();
	ck_assert_ptr_nonnull(def);
	ck_assert_ptr_ne(def, &cfg_service_def);
	ck_assert_uint_eq(def->abi, SVC_ABI);
	ck_assert_uint_eq(def->id, 1);
	ck_assert_str_eq(def->name, "corosync_cfg");
	ck_assert_str_eq(def->ipc_name, "cfg");
	ck_assert_ptr_null(def->sync);

	ck_assert_int_eq(fake_host_new(def, 42, &h), 0);
	ck_assert_int_eq(fake_conn_open(h, 1, 0, 0, &c), 0);
	res = (const void *)call_hdr(c, MESSAGE_REQ_CFG_LOCAL_GET, 16)->data;
	ck_assert_int_eq(res->header.error, CS_OK);
	ck_assert_uint_eq(res->local_nodeid, 42);
	fake_host_free(h);
	dlclose(dl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cfg_service");
	TCase *tc;

	add_tcase(s, tc, test_addrs_local_and_others);
	add_tcase(s, tc, test_addrs_link_order_and_gaps);
	add_tcase(s, tc, test_addrs_ipv6);
	add_tcase(s, tc, test_addrs_names_left_out);
	add_tcase(s, tc, test_addrs_unknown_node);
	add_tcase(s, tc, test_addrs_bad_size);
	add_tcase(s, tc, test_local_get);
	add_tcase(s, tc, test_trackstart_stop);
	add_tcase(s, tc, test_fixed_replies);
	add_tcase(s, tc, test_reload_config);
	add_tcase(s, tc, test_crypto_reconfig);
	add_tcase(s, tc, test_crypto_cleanup_waits);
	add_tcase(s, tc, test_nodestatus);
	add_tcase(s, tc, test_ringstatus);
	add_tcase(s, tc, test_killnode);
	add_tcase(s, tc, test_exec_killnode);
	add_tcase(s, tc, test_exec_shutdown);
	add_tcase(s, tc, test_shutdown_no_trackers);
	add_tcase(s, tc, test_shutdown_immediate);
	add_tcase(s, tc, test_shutdown_vetoed);
	add_tcase(s, tc, test_shutdown_agreed);
	add_tcase(s, tc, test_shutdown_regardless);
	add_tcase(s, tc, test_shutdown_timeout);
	add_tcase(s, tc, test_shutdown_tracker_leaves);
	add_tcase(s, tc, test_shutdown_requester_leaves);
	add_tcase(s, tc, test_shutdown_late_tracker);
	add_tcase(s, tc, test_exec_messages_accepted);
	add_tcase(s, tc, test_dump);
	add_tcase(s, tc, test_module_loads);
	return check_run_suite(s);
}
