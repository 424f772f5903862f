/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of services/config: grammar edge cases, structural rewrites,
 * typed keys and range errors, computed totem timers and the published
 * runtime.config.totem.* keys with their exact types.  Local node
 * identification uses a conf_host override, so no test depends on the host.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/check_common.h"
#include "services/config/conf.h"

static const char *const lo_addrs[] = { "127.0.0.1" };
static const struct conf_host lo_host = { "testhost", lo_addrs, 1 };

static const char node1[] = "nodelist {\n node {\n  nodeid: 1\n  ring0_addr: 127.0.0.1\n }\n}\n";

static int parse(struct icmap *map, const char *text, struct conf_src **src, struct conf_error *err)
{
	return conf_parse_string(map, "t.conf", text, strlen(text), NULL, src, err);
}

static const char *str_of(const struct icmap *map, const char *key)
{
	const char *s = NULL;

	ck_assert_int_eq(icmap_get_string(map, key, &s), 0);
	return s;
}

static uint32_t u32_of(const struct icmap *map, const char *key)
{
	uint32_t v = 0;

	ck_assert_msg(icmap_get_uint32(map, key, &v) == 0, "u32 %s", key);
	return v;
}

static void expect_parse_error(const char *text, unsigned line, const char *reason)
{
	struct icmap *map = icmap_new();
	struct conf_error err;

	ck_assert_int_lt(parse(map, text, NULL, &err), 0);
	ck_assert_int_eq(err.exit_code, 8);
	ck_assert_uint_eq(err.line, line);
	ck_assert_msg(strstr(err.msg, reason) != NULL, "'%s' lacks '%s'", err.msg, reason);
	ck_assert_msg(strncmp(err.msg, "parser error: t.conf:", 21) == 0, "%s", err.msg);
	icmap_free(map);
}

START_TEST(test_grammar_basics)
{
	struct icmap *map = icmap_new();
	struct conf_error err;
	struct conf_src *src = NULL;
	const char *file;
	unsigned line;
	const char *text =
		"# comment\r\n"
		"totem: {\r\n"
		"\tversion: 2   \t\r\n"
		"    cluster_name:   a b c  \r\n"
		"    token: 3000 # not a comment\n"
		"}\n";

	ck_assert_int_lt(parse(map, text, &src, &err), 0);
	ck_assert_msg(strstr(err.reason, "\"3000 # not a comment\"") != NULL, "%s", err.reason);
	icmap_free(map);

	map = icmap_new();
	text = "# comment\r\n"
	       "totem: {\r\n"
	       "\tversion: 2   \t\r\n"
	       "    cluster_name:   a b c  \r\n"
	       "    empty:\n"
	       "}\n"
	       "extra {\n"
	       "  addr: fe80::1:2\n"
	       "  url: http://x:80/y\n"
	       "  a {\n"
	       "    b {\n"
	       "      c: deep\n"
	       "    }\n"
	       "  }\n"
	       "  dup: first\n"
	       "  dup: last\n"
	       "}\n";
	ck_assert_int_eq(parse(map, text, &src, &err), 0);
	ck_assert_uint_eq(u32_of(map, "totem.version"), 2);
	ck_assert_str_eq(str_of(map, "totem.cluster_name"), "a b c");
	ck_assert_str_eq(str_of(map, "totem.empty"), "");
	ck_assert_str_eq(str_of(map, "extra.addr"), "fe80::1:2");
	ck_assert_str_eq(str_of(map, "extra.url"), "http://x:80/y");
	ck_assert_str_eq(str_of(map, "extra.a.b.c"), "deep");
	ck_assert_str_eq(str_of(map, "extra.dup"), "last");
	ck_assert_int_eq(conf_src_lookup(src, "extra.dup", &file, &line), 0);
	ck_assert_str_eq(file, "t.conf");
	ck_assert_uint_eq(line, 16);
	ck_assert_int_eq(conf_src_lookup(src, "totem.version", NULL, &line), 0);
	ck_assert_uint_eq(line, 3);
	conf_src_free(src);
	icmap_free(map);
}
END_TEST

START_TEST(test_grammar_errors)
{
	char big[700];

	expect_parse_error("totem {\n name: a{b\n}\n", 2, "Extra characters after opening bracket '{'");
	expect_parse_error("{\n}\n", 1, "Missing section name before opening bracket '{'");
	expect_parse_error("totem {\n version: 2\n", 2, "Missing closing brace");
	expect_parse_error("}\n", 1, "Unexpected closing brace");
	expect_parse_error("a {\n} x\n", 2, "Extra characters before or after closing bracket '}'");
	expect_parse_error("a {\n just words\n}\n", 2,
			   "Line is not opening or closing section or key value");
	expect_parse_error("totem {\n to$ken: 5\n}\n", 2,
			   "Can't store key \"totem.to$ken\" into icmap, returned error is "
			   "CS_ERR_NAME_TOO_LONG");
	memset(big, 'x', sizeof(big));
	memcpy(big, "a: ", 3);
	big[511] = '\0'; /* 511 characters: one too many */
	expect_parse_error(big, 1, "Line too long");
	big[510] = '\0'; /* exactly 510 is fine */
	{
		struct icmap *map = icmap_new();
		struct conf_error err;

		ck_assert_int_lt(parse(map, big, NULL, &err), 0); /* "a" is too short a key */
		ck_assert_msg(strstr(err.msg, "Line too long") == NULL, "%s", err.msg);
		icmap_free(map);
	}
	{
		struct icmap *map = icmap_new();
		struct conf_error err;
		static const char nul[] = "totem {\n ver\0sion: 2\n}\n";

		ck_assert_int_lt(conf_parse_string(map, "t.conf", nul, sizeof(nul) - 1, NULL, NULL,
						   &err), 0);
		ck_assert_uint_eq(err.line, 2);
		icmap_free(map);
	}
}
END_TEST

START_TEST(test_rewrites)
{
	struct icmap *map = icmap_new();
	struct conf_error err;
	const char *text =
		"totem {\n"
		" interface {\n"
		"  knet_link_priority: 3\n"
		"  linknumber: 2\n"
		"  mcastport: 6000\n"
		"  member {\n"
		"   memberaddr: 10.0.0.1\n"
		"  }\n"
		" }\n"
		" interface {\n"
		"  ttl: 4\n"
		" }\n"
		"}\n"
		"nodelist {\n"
		" node {\n  nodeid: 7\n  name: a\n }\n"
		" node {\n  name: b\n  quorum_votes: 2\n }\n"
		"}\n"
		"logging {\n"
		" logger_subsys {\n  debug: on\n  subsys: QUORUM\n }\n"
		" logging_daemon {\n  name: corosync\n  to_syslog: no\n }\n"
		"}\n";
	uint8_t u8;
	uint16_t u16;

	ck_assert_int_eq(parse(map, text, NULL, &err), 0);
	ck_assert_int_eq(icmap_get_uint8(map, "totem.interface.2.knet_link_priority", &u8), 0);
	ck_assert_uint_eq(u8, 3);
	ck_assert_int_eq(icmap_get_uint16(map, "totem.interface.2.mcastport", &u16), 0);
	ck_assert_uint_eq(u16, 6000);
	ck_assert_str_eq(str_of(map, "totem.interface.2.member.0"), "10.0.0.1");
	ck_assert_int_eq(icmap_get(map, "totem.interface.2.linknumber", NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(icmap_get_uint8(map, "totem.interface.0.ttl", &u8), 0);
	ck_assert_uint_eq(u8, 4);
	ck_assert_uint_eq(u32_of(map, "nodelist.node.0.nodeid"), 7);
	ck_assert_str_eq(str_of(map, "nodelist.node.1.name"), "b");
	ck_assert_uint_eq(u32_of(map, "nodelist.node.1.quorum_votes"), 2);
	ck_assert_str_eq(str_of(map, "logging.logger_subsys.QUORUM.debug"), "on");
	ck_assert_str_eq(str_of(map, "logging.logger_subsys.QUORUM.subsys"), "QUORUM");
	ck_assert_str_eq(str_of(map, "logging.to_syslog"), "no");
	icmap_free(map);

	expect_parse_error("logging {\n logger_subsys {\n  debug: on\n }\n}\n", 4,
			   "No subsys key in logger_subsys directive");
	expect_parse_error("uidgid {\n user: root\n}\n", 2,
			   "uidgid: Only uid and gid are allowed items");
	map = icmap_new();
	ck_assert_int_eq(parse(map, "uidgid {\n uid: root\n gid: 0\n}\n", NULL, &err), 0);
	ck_assert_int_eq(icmap_get_uint8(map, "uidgid.config.uid.0", &u8), 0);
	ck_assert_uint_eq(u8, 1);
	ck_assert_int_eq(icmap_get_uint8(map, "uidgid.config.gid.0", &u8), 0);
	icmap_free(map);
}
END_TEST

START_TEST(test_typed_keys)
{
	struct icmap *map = icmap_new();
	struct conf_error err;
	enum icmap_type t;
	int32_t i32;
	uint64_t u64;

	ck_assert_int_eq(parse(map,
			       "totem {\n knet_compression_level: -5\n config_version: "
			       "18446744073709551615\n ip_version: ipv4-6\n}\n"
			       "quorum {\n two_node: 1\n expected_votes: 3\n device {\n  votes: 1\n"
			       "  master_wins: 1\n }\n}\n"
			       "resources {\n system {\n  memory_used {\n   poll_period: 5000\n  }\n"
			       " }\n}\n",
			       NULL, &err), 0);
	ck_assert_int_eq(icmap_get_int32(map, "totem.knet_compression_level", &i32), 0);
	ck_assert_int_eq(i32, -5);
	ck_assert_int_eq(icmap_get_uint64(map, "totem.config_version", &u64), 0);
	ck_assert(u64 == UINT64_MAX);
	ck_assert_int_eq(icmap_get(map, "quorum.two_node", NULL, NULL, &t), 0);
	ck_assert_int_eq(t, ICMAP_T_UINT8);
	ck_assert_uint_eq(u32_of(map, "quorum.expected_votes"), 3);
	ck_assert_uint_eq(u32_of(map, "quorum.device.votes"), 1);
	ck_assert_int_eq(icmap_get(map, "quorum.device.master_wins", NULL, NULL, &t), 0);
	ck_assert_int_eq(t, ICMAP_T_UINT8);
	ck_assert_int_eq(icmap_get_uint64(map, "resources.system.memory_used.poll_period", &u64), 0);
	ck_assert(u64 == 5000);
	icmap_free(map);

	expect_parse_error("totem {\n token: 4294967296\n}\n", 2,
			   "Value of key \"totem.token\" is expected to be integer in range "
			   "(0..4294967295), but \"4294967296\" was given");
	expect_parse_error("quorum {\n two_node: 256\n}\n", 2, "(0..255)");
	expect_parse_error("totem {\n interface {\n  mcastport: -1\n }\n}\n", 3,
			   "\"totem.interface.mcastport\" is expected to be integer in range "
			   "(0..65535)");
	/* Deliberate difference: corosync aborts on this one. */
	expect_parse_error("totem {\n config_version: abc\n}\n", 2,
			   "(0..18446744073709551615), but \"abc\" was given");
	expect_parse_error("totem {\n ip_version: ipv5\n}\n", 2, "Invalid ip_version type");
	expect_parse_error("totem {\n crypto_hash: crc\n}\n", 2, "Invalid hash type.");
	expect_parse_error("system {\n qb_ipc_type: pipe\n}\n", 2, "Invalid system.qb_ipc_type");
}
END_TEST

/* Parse + validate; returns the map (caller frees) and fills tc. */
static struct icmap *validated(const char *text, struct totem_config *tc)
{
	struct icmap *map = icmap_new();
	struct conf_src *src = NULL;
	struct conf_error err;
	int r;

	ck_assert_int_eq(parse(map, text, &src, &err), 0);
	memset(tc, 0, sizeof(*tc));
	r = conf_totem_validate(map, src, &lo_host, tc, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	conf_src_free(src);
	return map;
}

static void expect_invalid(const char *text, const char *key, const char *reason)
{
	struct icmap *map = icmap_new();
	struct conf_src *src = NULL;
	struct conf_error err;
	struct totem_config tc;

	memset(&tc, 0, sizeof(tc));
	ck_assert_int_eq(parse(map, text, &src, &err), 0);
	ck_assert_int_lt(conf_totem_validate(map, src, &lo_host, &tc, &err), 0);
	ck_assert_int_eq(err.exit_code, 8);
	ck_assert_msg(strstr(err.msg, reason) != NULL, "'%s' lacks '%s'", err.msg, reason);
	if (key)
		ck_assert_str_eq(err.key, key);
	ck_assert_int_eq(icmap_get(map, "runtime.config.totem.token", NULL, NULL, NULL), -ENOENT);
	conf_src_free(src);
	icmap_free(map);
}

START_TEST(test_timers_default)
{
	struct totem_config tc;
	char text[512];
	struct icmap *map;
	const void *v;
	size_t len;
	enum icmap_type t;
	int32_t i32;

	snprintf(text, sizeof(text), "totem {\n version: 2\n}\n%s", node1);
	map = validated(text, &tc);
	ck_assert_uint_eq(tc.token, 3000);
	ck_assert_uint_eq(tc.token_retransmit, 714);
	ck_assert_uint_eq(tc.hold, 561);
	ck_assert_uint_eq(tc.consensus, 3600);
	ck_assert_uint_eq(tc.local_nodeid, 1);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token"), 3000);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token_retransmit"), 714);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.hold"), 561);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.consensus"), 3600);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.join"), 50);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.merge"), 200);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.downcheck"), 1000);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.fail_recv_const"), 2500);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.seqno_unchanged_const"), 30);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.window_size"), 50);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.max_messages"), 17);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.miss_count_const"), 5);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token_warning"), 75);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.knet_pmtud_interval"), 30);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.block_unlisted_ips"), 1);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.cancel_token_hold_on_retransmit"), 0);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.max_network_delay"), 50);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.heartbeat_failures_allowed"), 0);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.send_join"), 0);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token_retransmits_before_loss_const"), 4);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.knet_mtu"), 0);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.knet_compression_threshold"), 0);
	ck_assert_int_eq(icmap_get_int32(map, "runtime.config.totem.knet_compression_level", &i32), 0);
	ck_assert_int_eq(i32, 0);
	ck_assert_str_eq(str_of(map, "runtime.config.totem.knet_compression_model"), "none");
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.interface.0.knet_ping_interval"), 750);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.interface.0.knet_ping_timeout"), 1500);
	ck_assert_int_eq(icmap_get(map, "runtime.config.totem.interface.1.knet_ping_timeout", NULL,
				   NULL, NULL), -ENOENT);
	ck_assert_uint_eq(u32_of(map, "nodelist.local_node_pos"), 0);
	ck_assert(icmap_is_ro(map, "nodelist.local_node_pos"));
	ck_assert_int_eq(icmap_get(map, "totem.interface.0.bindnetaddr", &v, &len, &t), 0);
	ck_assert_int_eq(t, ICMAP_T_STRING);
	ck_assert_str_eq((const char *)v, "127.0.0.1");
	conf_totem_config_clear(&tc);
	icmap_free(map);
}
END_TEST

START_TEST(test_timers_coefficient)
{
	struct totem_config tc;
	char text[1024];
	struct icmap *map;
	int n, i;

	n = snprintf(text, sizeof(text), "totem {\n version: 2\n}\nnodelist {\n");
	for (i = 1; i <= 5; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      " node {\n  nodeid: %d\n  ring0_addr: 127.0.0.%d\n }\n", i, i);
	snprintf(text + n, sizeof(text) - (size_t)n, "}\n");
	map = validated(text, &tc);
	ck_assert_uint_eq(tc.node_count, 5);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token"), 4950);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token_retransmit"), 1178);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.hold"), 932);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.consensus"), 5940);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.interface.0.knet_ping_timeout"), 2475);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.interface.0.knet_ping_interval"), 1237);
	conf_totem_config_clear(&tc);
	icmap_free(map);

	/* token_coefficient 0 disables; 0 values are replaced by defaults. */
	n = snprintf(text, sizeof(text),
		     "totem {\n version: 2\n token_coefficient: 0\n join: 0\n window_size: 0\n"
		     " token_warning: 0\n}\nnodelist {\n");
	for (i = 1; i <= 3; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      " node {\n  nodeid: %d\n  ring0_addr: 127.0.0.%d\n }\n", i, i);
	snprintf(text + n, sizeof(text) - (size_t)n, "}\n");
	map = validated(text, &tc);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token"), 3000);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.join"), 50);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.window_size"), 50);
	ck_assert_uint_eq(u32_of(map, "runtime.config.totem.token_warning"), 0);
	conf_totem_config_clear(&tc);
	icmap_free(map);
}
END_TEST

START_TEST(test_totem_errors)
{
	char text[1024];

	snprintf(text, sizeof(text), "totem {\n version: 2\n token: 20\n}\n%s", node1);
	expect_invalid(text, "totem.token",
		       "t.conf:3: totem.token: The token timeout parameter (20 ms) may not be "
		       "less than (30 ms).");
	snprintf(text, sizeof(text), "totem {\n}\n%s", node1);
	expect_invalid(text, "totem.version",
		       "This totem parser can only parse version 2 configurations.");
	snprintf(text, sizeof(text), "totem {\n version: 2\n crypto_cipher: aes256\n}\n%s", node1);
	expect_invalid(text, NULL, "crypto_cipher requires crypto_hash with value other than none");
	snprintf(text, sizeof(text), "totem {\n version: 2\n join: 100\n consensus: 50\n}\n%s", node1);
	expect_invalid(text, "totem.consensus", "may not be less than join timeout (100 ms).");
	expect_invalid("totem {\n version: 2\n}\nnodelist {\n node {\n  nodeid: 1\n"
		       "  ring0_addr: 127.0.0.9\n }\n}\n", NULL,
		       "No valid name found for local host");
	expect_invalid("totem {\n version: 2\n}\nnodelist {\n node {\n  nodeid: 70000\n"
		       "  ring0_addr: 127.0.0.1\n }\n}\n", "nodelist.node.0.nodeid",
		       "Knet requires nodeid to be less than 65536 for address '127.0.0.1'.");
	expect_invalid("totem {\n version: 2\n}\n", NULL, "No interfaces defined");
}
END_TEST

START_TEST(test_udpu_autoid_and_hostname)
{
	static const char *const none[] = { "192.0.2.1" };
	const struct conf_host byname = { "node2.example.com", none, 1 };
	struct icmap *map = icmap_new();
	struct conf_src *src = NULL;
	struct conf_error err;
	struct totem_config tc;

	memset(&tc, 0, sizeof(tc));
	ck_assert_int_eq(parse(map,
			       "totem {\n version: 2\n transport: udpu\n clear_node_high_bit: yes\n}\n"
			       "nodelist {\n node {\n  ring0_addr: 10.0.0.1\n  name: node1\n }\n"
			       " node {\n  ring0_addr: 200.0.0.2\n  name: node2\n }\n}\n",
			       &src, &err), 0);
	ck_assert_int_eq(conf_totem_validate(map, src, &byname, &tc, &err), 0);
	ck_assert_uint_eq(tc.local_node_pos, 1);
	ck_assert_uint_eq(tc.local_nodeid, 0xC8000002u & 0x7FFFFFFFu);
	ck_assert_uint_eq(u32_of(map, "nodelist.node.0.nodeid"), 0x0A000001u);
	ck_assert_uint_eq(u32_of(map, "nodelist.local_node_pos"), 1);
	ck_assert_uint_eq(tc.netmtu, 1500);
	conf_totem_config_clear(&tc);
	conf_src_free(src);
	icmap_free(map);
}
END_TEST

START_TEST(test_fuzz_entry)
{
	static const uint8_t junk[] = "totem {\n\0\n}}}{{::\n nodelist {\n node {\n ring0_addr: ::1\n";
	char deep[4096];
	size_t i, n = 0;

	ck_assert_int_eq(conf_fuzz_one(junk, sizeof(junk)), 0);
	ck_assert_int_eq(conf_fuzz_one(NULL, 0), 0);
	for (i = 0; i < 1000 && n + 4 < sizeof(deep); i++) {
		memcpy(deep + n, "a {\n", 4);
		n += 4;
	}
	ck_assert_int_eq(conf_fuzz_one((const uint8_t *)deep, n), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	add_tcase(s, tc, test_grammar_basics);
	add_tcase(s, tc, test_grammar_errors);
	add_tcase(s, tc, test_rewrites);
	add_tcase(s, tc, test_typed_keys);
	add_tcase(s, tc, test_timers_default);
	add_tcase(s, tc, test_timers_coefficient);
	add_tcase(s, tc, test_totem_errors);
	add_tcase(s, tc, test_udpu_autoid_and_hostname);
	add_tcase(s, tc, test_fuzz_entry);
	return check_run_suite(s);
}
