/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loads the built cmap module (cmap.so) the way chorusd does, from a program
 * that exports the svc_* (fake host) and icmap_* symbols with -export-dynamic,
 * and runs a request through it: proves the module links nothing it should
 * not, resolves everything at load, and exports its entry point.
 */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <chorus/icmap.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_cmap.h>

#include "test/check_common.h"
#include "test/fakes/fake_host.h"

START_TEST(test_module_loads)
{
	void *dl = dlopen(CMAP_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
	svc_module_fn fn;
	const struct svc_def *def;
	struct fake_host *h;
	struct svc_conn *c;
	struct req_lib_cmap_get req;
	const struct res_lib_cmap_get *res;
	void *sym;

	ck_assert_msg(dl != NULL, "dlopen: %s", dlerror());
	sym = dlsym(dl, SVC_MODULE_SYMBOL);
	ck_assert_ptr_nonnull(sym);
	memcpy(&fn, &sym, sizeof(fn));
	/* Only the entry point is exported. */
	ck_assert_ptr_null(dlsym(dl, "cmap_service_def"));
	def = fn();
	ck_assert_ptr_nonnull(def);
	ck_assert_uint_eq(def->abi, SVC_ABI);
	ck_assert_uint_eq(def->id, 0);
	ck_assert_str_eq(def->ipc_name, "cmap");

	ck_assert_int_eq(fake_host_new(def, 1, &h), 0);
	ck_assert_int_eq(icmap_set_string(fake_host_cmap(h), "totem.cluster_name", "demo"), 0);
	ck_assert_int_eq(fake_conn_open(h, 1, 0, 0, &c), 0);
	memset(&req, 0, sizeof(req));
	req.header.id = MESSAGE_REQ_CMAP_GET;
	req.header.size = sizeof(req);
	mar_name_set(&req.key_name, "totem.cluster_name");
	req.value_len = 5;
	ck_assert_int_eq(fake_conn_request(c, &req, sizeof(req)), 0);
	ck_assert_uint_eq(fake_conn_reply_count(c), 1);
	res = (const void *)fake_conn_reply(c, 0)->data;
	ck_assert_int_eq(res->header.error, CS_OK);
	ck_assert_int_eq(res->header.size, 45);
	ck_assert_str_eq((const char *)res->value, "demo");
	fake_host_free(h);
	dlclose(dl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmap_module");
	TCase *tc;

	add_tcase(s, tc, test_module_loads);
	return check_run_suite(s);
}
