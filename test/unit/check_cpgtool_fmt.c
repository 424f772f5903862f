/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cpgtool's output formats (tools/cpgtool_fmt.c) byte for byte as
 * corosync-cpgtool 3.1.7 prints them: the default table with addresses,
 * -d ';', -n, -n -d ',', name escaping (\\, \x01, bytes >= 0x80 as
 * \xFFFFFFE9) and -e raw names.  No daemon, no library calls.
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../check_common.h"
#include "tools/cpgtool_fmt.h"

/* A memory stream whose bytes are compared (with their length) at the end. */
struct out {
	FILE *f;
	char *buf;
	size_t size;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->size = 0;
	o->f = open_memstream(&o->buf, &o->size);
	ck_assert_ptr_nonnull(o->f);
}

static void out_check(struct out *o, const char *want, size_t want_len)
{
	fclose(o->f);
	ck_assert_msg(o->size == want_len && memcmp(o->buf, want, want_len) == 0,
		      "got [%.*s] (%zu bytes), want [%.*s] (%zu bytes)", (int)o->size, o->buf,
		      o->size, (int)want_len, want, want_len);
	free(o->buf);
}

#define OUT_CHECK(o, lit) out_check((o), (lit), sizeof(lit) - 1)

static void addr4(corosync_cfg_node_address_t *a, const char *text)
{
	struct sockaddr_in sin;

	memset(a, 0, sizeof(*a));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, text, &sin.sin_addr), 1);
	memcpy(a->address, &sin, sizeof(sin));
	a->address_length = sizeof(sin);
}

static void addr6(corosync_cfg_node_address_t *a, const char *text)
{
	struct sockaddr_in6 sin6;

	memset(a, 0, sizeof(*a));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, text, &sin6.sin6_addr), 1);
	memcpy(a->address, &sin6, sizeof(sin6));
	a->address_length = sizeof(sin6);
}

/* "agroup" + 0x01 + '\' : the group of the spec's example */
static const char agroup[] = "agroup\x01\\";
#define AGROUP_LEN (sizeof(agroup) - 1)

START_TEST(test_default_table)
{
	corosync_cfg_node_address_t a[2];
	struct cpgtool_list l;
	struct out o;

	addr4(&a[0], "192.168.1.1");
	addr4(&a[1], "10.0.0.1");
	out_open(&o);
	cpgtool_list_begin(&l, o.f, 0, 1);
	cpgtool_list_member(&l, o.f, agroup, AGROUP_LEN, 100, 1, a, 2);
	/* the address call failed (NOT_EXIST): empty parentheses */
	cpgtool_list_member(&l, o.f, agroup, AGROUP_LEN, 200, 2, NULL, -1);
	/* it succeeded with no address */
	cpgtool_list_member(&l, o.f, agroup, AGROUP_LEN, 300, 3, a, 0);
	cpgtool_list_member(&l, o.f, "zgroup", 6, 4294967295u, 4294967295u, a, 1);
	OUT_CHECK(&o, "Group Name\t       PID\t   Node ID\n"
		      "agroup\\x01\\\\\n"
		      "\t\t       100\t         1 (192.168.1.1 10.0.0.1)\n"
		      "\t\t       200\t         2 ()\n"
		      "\t\t       300\t         3 ()\n"
		      "zgroup\n"
		      "\t\t4294967295\t4294967295 (192.168.1.1)\n");
}
END_TEST

START_TEST(test_default_table_group_changes)
{
	struct cpgtool_list l;
	struct out o;

	out_open(&o);
	cpgtool_list_begin(&l, o.f, 0, 1);
	/* the first entry's name is empty: like corosync's zeroed "previous group",
	 * it does not differ, so no name line is printed */
	cpgtool_list_member(&l, o.f, "", 0, 1, 1, NULL, -1);
	cpgtool_list_member(&l, o.f, "ab", 2, 2, 1, NULL, -1);
	/* same bytes, different length: a new group */
	cpgtool_list_member(&l, o.f, "abc", 2 + 1, 3, 1, NULL, -1);
	cpgtool_list_member(&l, o.f, "ab", 2, 4, 1, NULL, -1);
	/* interleaved groups print their name again (the daemon keeps groups contiguous) */
	cpgtool_list_member(&l, o.f, "ab", 2, 5, 1, NULL, -1);
	OUT_CHECK(&o, "Group Name\t       PID\t   Node ID\n"
		      "\t\t         1\t         1 ()\n"
		      "ab\n"
		      "\t\t         2\t         1 ()\n"
		      "abc\n"
		      "\t\t         3\t         1 ()\n"
		      "ab\n"
		      "\t\t         4\t         1 ()\n"
		      "\t\t         5\t         1 ()\n");
}
END_TEST

START_TEST(test_addresses)
{
	corosync_cfg_node_address_t a[4];
	struct out o;

	addr6(&a[0], "fd00:60::3");
	addr4(&a[1], "10.0.0.3");
	out_open(&o);
	cpgtool_print_addrs(o.f, a, 2);
	OUT_CHECK(&o, "fd00:60::3 10.0.0.3");

	/* an unused slot (family 0) is skipped; the separator goes by index */
	memset(&a[0], 0, sizeof(a[0]));
	addr4(&a[1], "10.0.0.1");
	addr4(&a[2], "10.0.0.2");
	out_open(&o);
	cpgtool_print_addrs(o.f, a, 3);
	OUT_CHECK(&o, " 10.0.0.1 10.0.0.2");
}
END_TEST

START_TEST(test_delimited)
{
	struct cpgtool_list l;
	struct out o;

	out_open(&o);
	cpgtool_list_begin(&l, o.f, ';', 1);
	/* addresses are ignored with a delimiter */
	cpgtool_list_member(&l, o.f, agroup, AGROUP_LEN, 100, 1, NULL, -1);
	cpgtool_list_member(&l, o.f, agroup, AGROUP_LEN, 200, 2, NULL, -1);
	cpgtool_list_member(&l, o.f, "zgroup", 6, 4294967295u, 7, NULL, -1);
	OUT_CHECK(&o, "GRP_NAME;PID;NODEID\n"
		      "agroup\\x01\\\\;100;1\n"
		      "agroup\\x01\\\\;200;2\n"
		      "zgroup;4294967295;7\n");
}
END_TEST

START_TEST(test_names_only)
{
	struct out o;

	out_open(&o);
	cpgtool_print_name_only(o.f, 0, 1, "zgroup", 6);
	cpgtool_print_name_only(o.f, 0, 1, agroup, AGROUP_LEN);
	cpgtool_print_names_end(o.f, 0);
	OUT_CHECK(&o, "zgroup\nagroup\\x01\\\\\n");

	out_open(&o);
	cpgtool_print_name_only(o.f, ',', 1, "zgroup", 6);
	cpgtool_print_name_only(o.f, ',', 1, agroup, AGROUP_LEN);
	cpgtool_print_names_end(o.f, ',');
	OUT_CHECK(&o, "zgroup,agroup\\x01\\\\,\n");

	/* no groups at all: an empty line with a delimiter, nothing without */
	out_open(&o);
	cpgtool_print_names_end(o.f, ',');
	OUT_CHECK(&o, "\n");
	out_open(&o);
	cpgtool_print_names_end(o.f, 0);
	OUT_CHECK(&o, "");
}
END_TEST

START_TEST(test_escaping)
{
	static const char name[] = "a b~\x7f\x1f\x01\xe9\x80\xff\\\t";
	struct out o;

	out_open(&o);
	cpgtool_print_group(o.f, 1, name, sizeof(name) - 1);
	OUT_CHECK(&o, "a b~\\x7F\\x1F\\x01\\xFFFFFFE9\\xFFFFFF80\\xFFFFFFFF\\\\\\x09");

	/* an embedded NUL is part of the name */
	out_open(&o);
	cpgtool_print_group(o.f, 1, "x\0y", 3);
	OUT_CHECK(&o, "x\\x00y");
}
END_TEST

START_TEST(test_raw_names)
{
	static const char name[] = "a\x01\xe9\\\n";
	struct cpgtool_list l;
	struct out o;

	out_open(&o);
	cpgtool_print_group(o.f, 0, name, sizeof(name) - 1);
	out_check(&o, name, sizeof(name) - 1);

	out_open(&o);
	cpgtool_list_begin(&l, o.f, 0, 0);
	cpgtool_list_member(&l, o.f, name, sizeof(name) - 1, 9, 8, NULL, -1);
	OUT_CHECK(&o, "Group Name\t       PID\t   Node ID\n"
		      "a\x01\xe9\\\n\n"
		      "\t\t         9\t         8 ()\n");

	out_open(&o);
	cpgtool_print_name_only(o.f, ',', 0, name, sizeof(name) - 1);
	OUT_CHECK(&o, "a\x01\xe9\\\n,");
}
END_TEST

START_TEST(test_length_clamped)
{
	char name[CPGTOOL_NAME_MAX + 16];
	struct out o;

	memset(name, 'q', sizeof(name));
	out_open(&o);
	cpgtool_print_group(o.f, 1, name, 100000);
	fclose(o.f);
	ck_assert_uint_eq(o.size, CPGTOOL_NAME_MAX);
	free(o.buf);
}
END_TEST

/* --json: groups with their members and addresses; names with any bytes. */
START_TEST(test_json)
{
	corosync_cfg_node_address_t a[2];
	struct cpgtool_json j;
	struct out o;

	addr4(&a[0], "192.168.60.1");
	addr6(&a[1], "fd00::1");
	out_open(&o);
	cpgtool_json_begin(&j, o.f, 0);
	cpgtool_json_entry(&j, o.f, "g1", 2, 100, 1, a, 2);
	cpgtool_json_entry(&j, o.f, "g1", 2, 200, 2, a, 1);
	cpgtool_json_entry(&j, o.f, "a\"\\\x01\xe9", 5, 300, 3, a, -1);
	cpgtool_json_end(&j, o.f);
	OUT_CHECK(&o, "{\"groups\": [{\"name\": \"g1\", \"members\": [{\"pid\": 100, "
		      "\"nodeid\": 1, \"addresses\": [\"192.168.60.1\", \"fd00::1\"]}, "
		      "{\"pid\": 200, \"nodeid\": 2, \"addresses\": [\"192.168.60.1\"]}]}, "
		      "{\"name\": \"a\\\"\\\\\\u0001\\u00e9\", \"members\": [{\"pid\": 300, "
		      "\"nodeid\": 3}]}]}\n");

	out_open(&o);
	cpgtool_json_begin(&j, o.f, 0);
	cpgtool_json_end(&j, o.f);
	OUT_CHECK(&o, "{\"groups\": []}\n");

	out_open(&o);
	cpgtool_json_begin(&j, o.f, 1);
	cpgtool_json_entry(&j, o.f, "x", 1, 0, 0, NULL, -1);
	cpgtool_json_entry(&j, o.f, "y", 1, 0, 0, NULL, -1);
	cpgtool_json_end(&j, o.f);
	OUT_CHECK(&o, "{\"groups\": [\"x\", \"y\"]}\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpgtool_fmt");
	TCase *tc;

	add_tcase(s, tc, test_default_table);
	add_tcase(s, tc, test_default_table_group_changes);
	add_tcase(s, tc, test_addresses);
	add_tcase(s, tc, test_delimited);
	add_tcase(s, tc, test_names_only);
	add_tcase(s, tc, test_escaping);
	add_tcase(s, tc, test_raw_names);
	add_tcase(s, tc, test_length_clamped);
	add_tcase(s, tc, test_json);
	return check_run_suite(s);
}
