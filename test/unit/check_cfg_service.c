/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the cfg service (services/cfg/cfg_service.c) on the fake
 * host (test/fakes): GET_NODE_ADDRS from the nodelist (local node, other
 * nodes, IPv4/IPv6, several links, names left out, unknown node), LOCAL_GET,
 * tracking, the NOT_SUPPORTED answers with their reply ids and sizes, the
 * totem messages a corosync peer may send, and the built cfg.so loaded the
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

START_TEST(test_not_supported_replies)
{
	static const struct {
		int32_t req, res;
		size_t req_len, res_len;
	} t[] = {
		{ MESSAGE_REQ_CFG_RINGSTATUSGET, MESSAGE_RES_CFG_RINGSTATUSGET, 16, 10272 },
		{ MESSAGE_REQ_CFG_RINGREENABLE, MESSAGE_RES_CFG_RINGREENABLE, 16, 24 },
		{ MESSAGE_REQ_CFG_KILLNODE, MESSAGE_RES_CFG_KILLNODE, 288, 24 },
		{ MESSAGE_REQ_CFG_TRYSHUTDOWN, MESSAGE_RES_CFG_TRYSHUTDOWN, 24, 24 },
		{ MESSAGE_REQ_CFG_REPLYTOSHUTDOWN, MESSAGE_RES_CFG_REPLYTOSHUTDOWN, 24, 24 },
		{ MESSAGE_REQ_CFG_RELOAD_CONFIG, MESSAGE_RES_CFG_RELOAD_CONFIG, 16, 24 },
		{ MESSAGE_REQ_CFG_REOPEN_LOG_FILES, MESSAGE_RES_CFG_REOPEN_LOG_FILES, 16, 24 },
		{ MESSAGE_REQ_CFG_NODESTATUSGET, MESSAGE_RES_CFG_NODESTATUSGET, 32, 32 },
	};
	uint8_t req[288] __attribute__((aligned(8)));
	struct env e;

	env_init(&e, 1);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct qb_ipc_request_header h = { .id = t[i].req, .size = (int32_t)t[i].req_len };
		const struct fake_msg *m;

		memset(req, 0, sizeof(req));
		memcpy(req, &h, sizeof(h));
		m = call(e.c, req, t[i].req_len);
		ck_assert_int_eq(reply_check(m, t[i].res, t[i].res_len), CS_ERR_NOT_SUPPORTED);
		if (t[i].req == MESSAGE_REQ_CFG_RINGSTATUSGET) {
			const struct res_lib_cfg_ringstatusget *r = (const void *)m->data;

			ck_assert_uint_eq(r->interface_count, 0);
		}
		if (t[i].req == MESSAGE_REQ_CFG_NODESTATUSGET) {
			const struct res_lib_cfg_nodestatusget_version *r = (const void *)m->data;

			ck_assert_uint_eq(r->version, CFG_NODE_STATUS_V1);
		}
	}
	/* unknown request ids are the host's business: no op, no handler */
	memset(req, 0, sizeof(req));
	((struct qb_ipc_request_header *)req)->id = 12;
	((struct qb_ipc_request_header *)req)->size = 16;
	ck_assert_int_eq(fake_conn_request(e.c, req, 16), -ENOSYS);
	env_fini(&e);
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
	add_tcase(s, tc, test_not_supported_replies);
	add_tcase(s, tc, test_exec_messages_accepted);
	add_tcase(s, tc, test_dump);
	add_tcase(s, tc, test_module_loads);
	return check_run_suite(s);
}
