/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the reload rules (services/config/conf_reload.c) on scratch
 * maps: what is deleted, what is kept with corosync's notice, which
 * notifications fire, the address rule, and the flags and status written by
 * a whole reload from a file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/corotypes.h>

#include "test/check_common.h"
#include "services/config/conf.h"
#include "services/config/conf_reload.h"

static const char *const lo_addrs[] = { "127.0.0.1" };
static const struct conf_host lo_host = { "testhost", lo_addrs, 1 };

#define TOTEM(extra) "totem {\n version: 2\n cluster_name: one\n" extra "}\n"
#define NODE(id, addr) " node {\n  nodeid: " #id "\n  ring0_addr: " addr "\n }\n"

static const char old_text[] =
	TOTEM(" token: 3000\n")
	"logging {\n to_syslog: no\n debug: off\n}\n"
	"quorum {\n provider: corosync_votequorum\n expected_votes: 2\n}\n"
	"nodelist {\n" NODE(1, "127.0.0.1") NODE(2, "127.0.0.2") "}\n";

struct notes {
	unsigned n;
	char last[512];
};

static void on_notice(void *ctx, const char *msg)
{
	struct notes *no = ctx;

	no->n++;
	snprintf(no->last, sizeof(no->last), "%s", msg);
}

struct events {
	unsigned add, del, mod;
};

static void on_event(void *ctx, int event, const char *key, enum icmap_type nt, const void *nv,
		     size_t nl, enum icmap_type ot, const void *ov, size_t ol)
{
	struct events *ev = ctx;

	if (event == ICMAP_TRACK_ADD)
		ev->add++;
	else if (event == ICMAP_TRACK_DELETE)
		ev->del++;
	else
		ev->mod++;
}

/* The live map as the daemon has it after start-up. */
static struct icmap *live_map(const char *text, struct totem_config *tc)
{
	struct icmap *map = icmap_new();
	struct conf_src *src = NULL;
	struct conf_error err;

	ck_assert_int_eq(conf_parse_string(map, "old.conf", text, strlen(text), NULL, &src, &err), 0);
	memset(tc, 0, sizeof(*tc));
	ck_assert_msg(conf_totem_validate(map, src, &lo_host, tc, &err) == 0, "%s", err.msg);
	conf_src_free(src);
	return map;
}

static int reload_text(struct icmap *live, const struct totem_config *old_tc, const char *text,
		       struct notes *no, struct totem_config *ret_tc, struct conf_error *err)
{
	struct conf_reload_args args = { &lo_host, on_notice, no };
	struct icmap *fresh = icmap_new();
	struct conf_src *src = NULL;
	int r;

	ck_assert_int_eq(conf_parse_string(fresh, "new.conf", text, strlen(text), NULL, &src, err), 0);
	r = conf_reload_apply(live, fresh, src, old_tc, &args, ret_tc, err);
	conf_src_free(src);
	icmap_free(fresh);
	return r;
}

START_TEST(test_apply_changes)
{
	static const char new_text[] =
		TOTEM(" token: 5000\n")
		"logging {\n to_syslog: no\n}\n"
		"quorum {\n provider: corosync_votequorum\n expected_votes: 3\n}\n"
		"nodelist {\n" NODE(1, "127.0.0.1") NODE(2, "127.0.0.2") NODE(3, "127.0.0.3") "}\n";
	struct totem_config tc, ntc;
	struct icmap *live = live_map(old_text, &tc);
	struct notes no = { 0 };
	struct events quorum_ev = { 0 }, token_ev = { 0 }, name_ev = { 0 }, log_ev = { 0 };
	struct icmap_track *t1, *t2, *t3, *t4;
	struct conf_error err;
	const int all = ICMAP_TRACK_ADD | ICMAP_TRACK_DELETE | ICMAP_TRACK_MODIFY;
	uint32_t u32;
	const char *s;

	ck_assert_int_eq(icmap_track_add(live, "quorum.expected_votes", all, on_event, &quorum_ev, &t1), 0);
	ck_assert_int_eq(icmap_track_add(live, "totem.token", all, on_event, &token_ev, &t2), 0);
	ck_assert_int_eq(icmap_track_add(live, "totem.cluster_name", all, on_event, &name_ev, &t3), 0);
	ck_assert_int_eq(icmap_track_add(live, "logging.", all | ICMAP_TRACK_PREFIX, on_event, &log_ev, &t4), 0);

	ck_assert_int_eq(reload_text(live, &tc, new_text, &no, &ntc, &err), 0);
	ck_assert_int_eq(icmap_get_uint32(live, "totem.token", &u32), 0);
	ck_assert_uint_eq(u32, 5000);
	ck_assert_int_eq(icmap_get_uint32(live, "runtime.config.totem.token", &u32), 0);
	ck_assert_uint_eq(u32, 5000 + 650 * (3 - 2));
	ck_assert_int_eq(icmap_get_uint32(live, "quorum.expected_votes", &u32), 0);
	ck_assert_uint_eq(u32, 3);
	ck_assert_int_eq(icmap_get_string(live, "nodelist.node.2.ring0_addr", &s), 0);
	ck_assert_str_eq(s, "127.0.0.3");
	ck_assert_int_eq(icmap_get(live, "logging.debug", NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(icmap_get_uint32(live, "nodelist.local_node_pos", &u32), 0);
	ck_assert_uint_eq(u32, 0);
	ck_assert_uint_eq(ntc.node_count, 3);
	ck_assert(conf_reload_nodes_changed(&tc, &ntc));
	ck_assert(!conf_reload_crypto_changed(&tc, &ntc));

	/* one change each, one deletion under logging., nothing for untouched keys */
	ck_assert_uint_eq(quorum_ev.mod, 1);
	ck_assert_uint_eq(quorum_ev.add + quorum_ev.del, 0);
	ck_assert_uint_eq(token_ev.mod, 1);
	ck_assert_uint_eq(name_ev.add + name_ev.del + name_ev.mod, 0);
	ck_assert_uint_eq(log_ev.del, 1);
	ck_assert_uint_eq(log_ev.add + log_ev.mod, 0);
	ck_assert_uint_eq(no.n, 0);

	/* a second identical reload changes nothing at all */
	memset(&quorum_ev, 0, sizeof(quorum_ev));
	memset(&token_ev, 0, sizeof(token_ev));
	memset(&log_ev, 0, sizeof(log_ev));
	conf_totem_config_clear(&tc);
	tc = ntc;
	ck_assert_int_eq(reload_text(live, &tc, new_text, &no, &ntc, &err), 0);
	ck_assert_uint_eq(quorum_ev.add + quorum_ev.del + quorum_ev.mod, 0);
	ck_assert_uint_eq(token_ev.add + token_ev.del + token_ev.mod, 0);
	ck_assert_uint_eq(log_ev.add + log_ev.del + log_ev.mod, 0);
	ck_assert(!conf_reload_nodes_changed(&tc, &ntc));

	conf_totem_config_clear(&tc);
	conf_totem_config_clear(&ntc);
	icmap_free(live);
}
END_TEST

START_TEST(test_fixed_keys_kept)
{
	static const char new_text[] =
		"totem {\n version: 2\n cluster_name: two\n token: 3000\n transport: udpu\n}\n"
		"logging {\n to_syslog: no\n debug: off\n}\n"
		"quorum {\n provider: corosync_votequorum\n expected_votes: 2\n}\n"
		"nodelist {\n" NODE(1, "127.0.0.1") NODE(2, "127.0.0.2") "}\n";
	struct totem_config tc, ntc;
	struct icmap *live = live_map(old_text, &tc);
	struct notes no = { 0 };
	struct conf_error err;
	const char *s;

	ck_assert_int_eq(reload_text(live, &tc, new_text, &no, &ntc, &err), 0);
	ck_assert_int_eq(icmap_get_string(live, "totem.cluster_name", &s), 0);
	ck_assert_str_eq(s, "one");
	/* transport was absent (default knet): the new file's udpu is not taken */
	ck_assert_int_eq(icmap_get(live, "totem.transport", NULL, NULL, NULL), -ENOENT);
	ck_assert_uint_eq(ntc.transport, CONF_TRANSPORT_KNET);
	ck_assert_uint_eq(no.n, 2);
	/* in the order of corosync's list: transport, then cluster_name */
	ck_assert_str_eq(no.last, "Modified entry 'totem.cluster_name' in corosync.conf cannot be "
				  "changed at run-time");
	conf_totem_config_clear(&tc);
	conf_totem_config_clear(&ntc);
	icmap_free(live);
}
END_TEST

/*
 * A reload of new_text is refused with corosync's message (prefix want) on
 * key, and the live map is left as it was.
 */
static void check_refused(const char *new_text, const char *want, const char *key)
{
	struct totem_config tc;
	struct icmap *live = live_map(old_text, &tc);
	struct notes no = { 0 };
	struct conf_error err;
	uint32_t u32;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(reload_text(live, &tc, new_text, &no, NULL, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	ck_assert_str_eq(err.key, key);
	/* nothing changed */
	ck_assert_int_eq(icmap_get_uint32(live, "totem.token", &u32), 0);
	ck_assert_uint_eq(u32, 3000);
	ck_assert_int_eq(icmap_get(live, "logging.debug", NULL, NULL, NULL), 0);
	ck_assert_int_eq(icmap_get(live, "config.reload_in_progress", NULL, NULL, NULL), -ENOENT);
	conf_totem_config_clear(&tc);
	icmap_free(live);
}

START_TEST(test_address_change_refused)
{
	check_refused(TOTEM(" token: 9000\n")
		      "quorum {\n provider: corosync_votequorum\n expected_votes: 2\n}\n"
		      "nodelist {\n" NODE(1, "127.0.0.1") NODE(2, "127.0.0.9") "}\n",
		      "To reconfigure an interface it must be deleted and recreated. A working "
		      "interface needs to be available to corosync at all times",
		      "nodelist.node.1.ring0_addr");
}
END_TEST

/* A kept link's knet transport may not change either (corosync refuses the reload). */
START_TEST(test_transport_change_refused)
{
	check_refused(TOTEM(" token: 9000\n interface {\n  linknumber: 0\n  knet_transport: sctp\n }\n")
		      "quorum {\n provider: corosync_votequorum\n expected_votes: 2\n}\n"
		      "nodelist {\n" NODE(1, "127.0.0.1") NODE(2, "127.0.0.2") "}\n",
		      "To reconfigure an interface it must be deleted and recreated.",
		      "totem.interface.0.knet_transport");
}
END_TEST

/*
 * What the daemon hands to the engine and knet: the new timers, the knet
 * ping timers derived from the new token (corosync 3.1.7 derives them from
 * the token in force before the reload: docs/compat.md), a kept link's new
 * priority, and whether crypto changed.
 */
START_TEST(test_new_config_for_runtime)
{
	static const char new_text[] =
		TOTEM(" token: 6000\n consensus: 8000\n window_size: 40\n"
		      " crypto_cipher: aes256\n crypto_hash: sha256\n"
		      " key: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
		      " interface {\n  linknumber: 0\n  knet_link_priority: 5\n }\n")
		"quorum {\n provider: corosync_votequorum\n expected_votes: 2\n}\n"
		"nodelist {\n" NODE(1, "127.0.0.1") NODE(2, "127.0.0.2") "}\n";
	struct totem_config tc, ntc, again;
	struct icmap *live = live_map(old_text, &tc);
	struct notes no = { 0 };
	struct conf_error err;
	uint32_t u32;

	memset(&err, 0, sizeof(err));
	memset(&ntc, 0, sizeof(ntc));
	ck_assert_msg(reload_text(live, &tc, new_text, &no, &ntc, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(ntc.token, 6000);
	ck_assert_uint_eq(ntc.consensus, 8000);
	ck_assert_uint_eq(ntc.window_size, 40);
	ck_assert_uint_eq(ntc.links[0].knet_link_priority, 5);
	ck_assert_uint_eq(ntc.links[0].knet_ping_timeout, 6000 / 2);
	ck_assert_uint_eq(ntc.links[0].knet_ping_interval, 6000 / 4);
	ck_assert_int_eq(icmap_get_uint32(live, "runtime.config.totem.interface.0.knet_ping_timeout",
					  &u32), 0);
	ck_assert_uint_eq(u32, 3000);
	ck_assert(conf_reload_crypto_changed(&tc, &ntc));
	ck_assert(!conf_reload_nodes_changed(&tc, &ntc));
	/* the same file again: nothing changed */
	memset(&again, 0, sizeof(again));
	ck_assert_msg(reload_text(live, &ntc, new_text, &no, &again, &err) == 0, "%s", err.msg);
	ck_assert(!conf_reload_crypto_changed(&ntc, &again));
	/* only the key differs: a change */
	again.key[0] ^= 1;
	ck_assert(conf_reload_crypto_changed(&ntc, &again));
	conf_totem_config_clear(&again);
	conf_totem_config_clear(&ntc);
	conf_totem_config_clear(&tc);
	icmap_free(live);
}
END_TEST

START_TEST(test_invalid_timer_refused)
{
	static const char new_text[] =
		TOTEM(" token: 10\n")
		"nodelist {\n" NODE(1, "127.0.0.1") NODE(2, "127.0.0.2") "}\n";
	struct totem_config tc;
	struct icmap *live = live_map(old_text, &tc);
	struct notes no = { 0 };
	struct conf_error err;
	uint32_t u32;

	ck_assert_int_eq(reload_text(live, &tc, new_text, &no, NULL, &err), -EINVAL);
	ck_assert_str_eq(err.key, "totem.token");
	ck_assert_int_eq(icmap_get_uint32(live, "quorum.expected_votes", &u32), 0);
	ck_assert_uint_eq(u32, 2);
	conf_totem_config_clear(&tc);
	icmap_free(live);
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_reload_file_flags)
{
	struct conf_reload_args args = { &lo_host, NULL, NULL };
	char dir[] = "/tmp/check_reload.XXXXXX", path[64];
	struct totem_config tc, ntc;
	struct icmap *live = live_map(old_text, &tc);
	struct conf_error err;
	uint8_t u8;
	int32_t i32;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/corosync.conf", dir);

	/* a file that does not parse: corosync 3.1.7 leaves the flag at 1, no status */
	write_file(path, "totem {\n");
	ck_assert_int_eq(conf_reload_file(live, path, &tc, &args, NULL, &err), -EINVAL);
	ck_assert_int_eq(icmap_get_uint8(live, "config.totemconfig_reload_in_progress", &u8), 0);
	ck_assert_uint_eq(u8, 1);
	ck_assert_int_eq(icmap_get(live, "config.reload_status", NULL, NULL, NULL), -ENOENT);

	/* a file that parses but is invalid: INVALID_PARAM, flags down */
	write_file(path, TOTEM(" token: 10\n") "nodelist {\n" NODE(1, "127.0.0.1") "}\n");
	ck_assert_int_eq(conf_reload_file(live, path, &tc, &args, NULL, &err), -EINVAL);
	ck_assert_int_eq(icmap_get_int32(live, "config.reload_status", &i32), 0);
	ck_assert_int_eq(i32, CS_ERR_INVALID_PARAM);
	ck_assert_int_eq(icmap_get_uint8(live, "config.totemconfig_reload_in_progress", &u8), 0);
	ck_assert_uint_eq(u8, 0);

	/* a good one */
	write_file(path, old_text);
	ck_assert_int_eq(conf_reload_file(live, path, &tc, &args, &ntc, &err), 0);
	ck_assert_int_eq(icmap_get_int32(live, "config.reload_status", &i32), 0);
	ck_assert_int_eq(i32, CS_OK);
	ck_assert_int_eq(icmap_get_uint8(live, "config.reload_in_progress", &u8), 0);
	ck_assert_uint_eq(u8, 0);
	ck_assert_int_eq(icmap_get_uint8(live, "config.totemconfig_reload_in_progress", &u8), 0);
	ck_assert_uint_eq(u8, 0);

	unlink(path);
	rmdir(dir);
	conf_totem_config_clear(&tc);
	conf_totem_config_clear(&ntc);
	icmap_free(live);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reload");
	TCase *tc;

	add_tcase(s, tc, test_apply_changes);
	add_tcase(s, tc, test_fixed_keys_kept);
	add_tcase(s, tc, test_address_change_refused);
	add_tcase(s, tc, test_transport_change_refused);
	add_tcase(s, tc, test_new_config_for_runtime);
	add_tcase(s, tc, test_invalid_timer_refused);
	add_tcase(s, tc, test_reload_file_flags);
	return check_run_suite(s);
}
