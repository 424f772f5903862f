/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cfgtool's output without a daemon (tools/cfgtool_fmt.c): the -s,
 * -s -b, -n and -a texts byte for byte as corosync-cfgtool 3.1.7 prints
 * them (spec examples and quirks: the address and the links come from the
 * last non-local node's status, a failed status shows node id 0, udpu has
 * no "->"), and the --json documents.
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../check_common.h"
#include "tools/cfgtool_fmt.h"

struct out {
	FILE *f;
	char *buf;
	size_t size;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->f = open_memstream(&o->buf, &o->size);
	ck_assert_ptr_nonnull(o->f);
}

static void out_is(struct out *o, const char *want)
{
	fclose(o->f);
	ck_assert_str_eq(o->buf, want);
	free(o->buf);
}

/* Three nodes seen from node 1: 2 connected on links 0 and 1, 3 down on link 1. */
struct fixture {
	uint32_t ids[3];
	struct corosync_cfg_node_status_v1 st[3];
	cs_error_t err[3];
	struct cfgtool_view v;
};

static void link_set(struct corosync_cfg_node_status_v1 *s, unsigned l, int en, int co, int dyn,
		     uint32_t mtu, const char *src, const char *dst)
{
	s->link_status[l].enabled = (uint8_t)en;
	s->link_status[l].connected = (uint8_t)co;
	s->link_status[l].dynconnected = (uint8_t)dyn;
	s->link_status[l].mtu = mtu;
	snprintf(s->link_status[l].src_ipaddr, sizeof(s->link_status[l].src_ipaddr), "%s", src);
	snprintf(s->link_status[l].dst_ipaddr, sizeof(s->link_status[l].dst_ipaddr), "%s", dst);
}

static void fixture_init(struct fixture *x)
{
	memset(x, 0, sizeof(*x));
	for (unsigned i = 0; i < 3; i++) {
		x->ids[i] = i + 1;
		x->err[i] = CS_OK;
		x->st[i].version = CFG_NODE_STATUS_V1;
		x->st[i].nodeid = i + 1;
		x->st[i].reachable = 1;
	}
	/* knet's view of the local node: its loopback link 0 */
	link_set(&x->st[0], 0, 1, 1, 0, 65536, "127.0.0.1", "127.0.0.1");
	link_set(&x->st[1], 0, 1, 1, 0, 1397, "10.0.0.1", "10.0.0.2");
	link_set(&x->st[1], 1, 1, 1, 1, 1397, "10.1.0.1", "10.1.0.2");
	link_set(&x->st[2], 0, 1, 1, 0, 1397, "10.0.0.1", "10.0.0.3");
	link_set(&x->st[2], 1, 1, 0, 0, 1397, "10.1.0.1", "10.1.0.3");
	x->v.local_nodeid = 1;
	x->v.transport = "knet";
	x->v.knet = 1;
	for (unsigned l = 0; l < CFG_MAX_LINKS; l++)
		x->v.link_transport[l] = "udp";
	x->v.link_transport[1] = "sctp";
	x->v.count = 3;
	x->v.nodeids = x->ids;
	x->v.status = x->st;
	x->v.status_err = x->err;
}

START_TEST(test_header)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	out_open(&o);
	cfgtool_print_header(o.f, &x.v);
	out_is(&o, "Local node ID 1, transport knet\n");
}
END_TEST

START_TEST(test_links)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	out_open(&o);
	cfgtool_print_links(o.f, &x.v, 0);
	out_is(&o, "LINK ID 0 udp\n"
		   "\taddr\t= 10.0.0.1\n"
		   "\tstatus:\n"
		   "\t\tnodeid:          1:\tlocalhost\n"
		   "\t\tnodeid:          2:\tconnected\n"
		   "\t\tnodeid:          3:\tconnected\n"
		   "LINK ID 1 sctp\n"
		   "\taddr\t= 10.1.0.1\n"
		   "\tstatus:\n"
		   "\t\tnodeid:          1:\tlocalhost\n"
		   "\t\tnodeid:          2:\tconnected\n"
		   "\t\tnodeid:          3:\tdisconnected\n");
	out_open(&o);
	cfgtool_print_links(o.f, &x.v, 1);
	out_is(&o, "LINK ID 0 udp\n"
		   "\taddr\t= 10.0.0.1\n"
		   "\tstatus\t= n33\n"
		   "LINK ID 1 sctp\n"
		   "\taddr\t= 10.1.0.1\n"
		   "\tstatus\t= n31\n");
}
END_TEST

START_TEST(test_links_quirks)
{
	struct fixture x;
	struct out o;

	/* the links shown are those of the last other node (3): its link 1 is gone */
	fixture_init(&x);
	memset(&x.st[2].link_status[1], 0, sizeof(x.st[2].link_status[1]));
	/* a failed status is zeroed: node id 0, disconnected, '0' in -b */
	memset(&x.st[1], 0, sizeof(x.st[1]));
	x.err[1] = CS_ERR_FAILED_OPERATION;
	out_open(&o);
	cfgtool_print_links(o.f, &x.v, 0);
	out_is(&o, "LINK ID 0 udp\n"
		   "\taddr\t= 10.0.0.1\n"
		   "\tstatus:\n"
		   "\t\tnodeid:          1:\tlocalhost\n"
		   "\t\tnodeid:          0:\tdisconnected\n"
		   "\t\tnodeid:          3:\tconnected\n");
	out_open(&o);
	cfgtool_print_links(o.f, &x.v, 1);
	out_is(&o, "LINK ID 0 udp\n\taddr\t= 10.0.0.1\n\tstatus\t= n03\n");

	/* alone: the local node's own loopback link */
	fixture_init(&x);
	x.v.count = 1;
	out_open(&o);
	cfgtool_print_links(o.f, &x.v, 0);
	out_is(&o, "LINK ID 0 udp\n"
		   "\taddr\t= 127.0.0.1\n"
		   "\tstatus:\n"
		   "\t\tnodeid:          1:\tlocalhost\n");
}
END_TEST

START_TEST(test_nodes)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	x.st[2].remote = 1;
	x.st[2].external = 1;
	out_open(&o);
	cfgtool_print_nodes(o.f, &x.v);
	out_is(&o, "nodeid: 2 reachable\n"
		   "   LINK: 0 udp (10.0.0.1->10.0.0.2) enabled connected mtu: 1397\n"
		   "   LINK: 1 sctp (10.1.0.1->10.1.0.2) enabled connected dynconnected mtu: 1397\n"
		   "\n"
		   "nodeid: 3 reachable remote external\n"
		   "   LINK: 0 udp (10.0.0.1->10.0.0.3) enabled connected mtu: 1397\n"
		   "   LINK: 1 sctp (10.1.0.1->10.1.0.3) enabled mtu: 1397\n"
		   "\n");
	/* unreachable and failed nodes are left out; udpu prints no arrow */
	x.st[2].reachable = 0;
	x.err[1] = CS_ERR_FAILED_OPERATION;
	out_open(&o);
	cfgtool_print_nodes(o.f, &x.v);
	out_is(&o, "");
	fixture_init(&x);
	x.v.knet = 0;
	x.v.transport = "udpu";
	x.v.count = 2;
	memset(&x.st[1].link_status[1], 0, sizeof(x.st[1].link_status[1]));
	snprintf(x.st[1].link_status[0].src_ipaddr, sizeof(x.st[1].link_status[0].src_ipaddr),
		 "10.0.0.2");
	x.st[1].link_status[0].dst_ipaddr[0] = '\0';
	x.v.link_transport[0] = "";
	out_open(&o);
	cfgtool_print_nodes(o.f, &x.v);
	out_is(&o, "nodeid: 2 reachable\n   LINK: 0  (10.0.0.2) enabled connected mtu: 1397\n\n");
}
END_TEST

START_TEST(test_json_status)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	x.v.count = 2;
	x.err[1] = CS_ERR_FAILED_OPERATION;
	out_open(&o);
	cfgtool_print_json_status(o.f, &x.v);
	out_is(&o, "{\"local_nodeid\": 1, \"transport\": \"knet\", \"nodes\": [\n"
		   "  {\"nodeid\": 1, \"local\": true, \"reachable\": true, \"remote\": false, "
		   "\"external\": false, \"links\": [\n"
		   "    {\"link\": 0, \"transport\": \"udp\", \"enabled\": true, \"connected\": true, "
		   "\"dynconnected\": false, \"mtu\": 65536, \"src_addr\": \"127.0.0.1\", "
		   "\"dst_addr\": \"127.0.0.1\"}\n"
		   "  ]},\n"
		   "  {\"nodeid\": 2, \"local\": false, \"error\": 21}\n"
		   "]}\n");
	/* strings are escaped */
	x.v.transport = "a\"b\\c\n";
	x.v.count = 0;
	out_open(&o);
	cfgtool_print_json_status(o.f, &x.v);
	out_is(&o, "{\"local_nodeid\": 1, \"transport\": \"a\\\"b\\\\c\\u000a\", \"nodes\": []}\n");
}
END_TEST

static void addr_v4(corosync_cfg_node_address_t *a, const char *text)
{
	struct sockaddr_in sin;

	memset(a, 0, sizeof(*a));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, text, &sin.sin_addr), 1);
	memcpy(a->address, &sin, sizeof(sin));
	a->address_length = sizeof(sin);
}

static void addr_v6(corosync_cfg_node_address_t *a, const char *text)
{
	struct sockaddr_in6 sin6;

	memset(a, 0, sizeof(*a));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, text, &sin6.sin6_addr), 1);
	memcpy(a->address, &sin6, sizeof(sin6));
	a->address_length = sizeof(sin6);
}

START_TEST(test_addrs)
{
	corosync_cfg_node_address_t a[3];
	struct out o;

	addr_v4(&a[0], "10.0.0.1");
	addr_v4(&a[1], "10.1.0.1");
	addr_v6(&a[2], "fd00::1");
	out_open(&o);
	cfgtool_print_addrs(o.f, a, 3);
	out_is(&o, "10.0.0.1 10.1.0.1 fd00::1\n");
	/* family 0 is skipped, the separator still looks at the index */
	memset(&a[0], 0, sizeof(a[0]));
	out_open(&o);
	cfgtool_print_addrs(o.f, a, 3);
	out_is(&o, " 10.1.0.1 fd00::1\n");
	out_open(&o);
	cfgtool_print_addrs(o.f, a, 0);
	out_is(&o, "\n");
	out_open(&o);
	cfgtool_print_json_addrs(o.f, 2, a, 3);
	out_is(&o, "{\"nodeid\": 2, \"addresses\": [\"10.1.0.1\", \"fd00::1\"]}\n");
}
END_TEST

START_TEST(test_json_result)
{
	struct out o;

	out_open(&o);
	cfgtool_print_json_result(o.f, "kill", 3, 1, "CS_OK");
	out_is(&o, "{\"action\": \"kill\", \"nodeid\": 3, \"error\": 1, \"error_name\": \"CS_OK\"}\n");
	out_open(&o);
	cfgtool_print_json_result(o.f, "shutdown", 0, 10, "CS_ERR_BUSY");
	out_is(&o, "{\"action\": \"shutdown\", \"error\": 10, \"error_name\": \"CS_ERR_BUSY\"}\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cfgtool_fmt");
	TCase *tc;

	add_tcase(s, tc, test_header);
	add_tcase(s, tc, test_links);
	add_tcase(s, tc, test_links_quirks);
	add_tcase(s, tc, test_nodes);
	add_tcase(s, tc, test_json_status);
	add_tcase(s, tc, test_addrs);
	add_tcase(s, tc, test_json_result);
	return check_run_suite(s);
}
