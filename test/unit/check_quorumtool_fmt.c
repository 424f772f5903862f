/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-quorumtool's output without a daemon (tools/quorumtool_fmt.c): the
 * -s and -l texts byte for byte as corosync-quorumtool 3.1.7 printed them on
 * a 3-node votequorum cluster (Debian 12's binary, captured by
 * test/integration/int_quorumtool.sh), the variants of its source (no
 * votequorum, -H, -p, a registered qdevice, a failed GETINFO, -o sorting),
 * and the --json documents.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check_common.h"
#include "tools/quorumtool_fmt.h"

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

/* Node 1's view of a quorate 3-node cluster, ring 1.d, one vote each. */
struct fixture {
	struct qt_node nodes[3];
	char names[3][16];
	struct qt_view v;
};

static void fixture_init(struct fixture *x)
{
	memset(x, 0, sizeof(*x));
	for (int i = 0; i < 3; i++) {
		struct qt_node *n = &x->nodes[i];

		snprintf(x->names[i], sizeof(x->names[i]), "node%d", i + 1);
		n->nodeid = (uint32_t)i + 1;
		n->name = x->names[i];
		n->info_err = CS_OK;
		n->info.node_id = n->nodeid;
		n->info.node_state = 1;
		n->info.node_votes = 1;
		n->info.node_expected_votes = 3;
		n->info.highest_expected = 3;
		n->info.total_votes = 3;
		n->info.quorum = 2;
		n->info.flags = VOTEQUORUM_INFO_QUORATE;
	}
	x->v.date = "Sun Dec  6 22:38:15 2026\n";
	x->v.provider = "corosync_votequorum";
	x->v.votequorum = 1;
	x->v.our_nodeid = 1;
	x->v.ring_rep = 1;
	x->v.ring_seq = 0xd;
	x->v.quorate = 1;
	x->v.local = x->nodes[0].info;
	x->v.local_err = CS_OK;
	x->v.count = 3;
	x->v.nodes = x->nodes;
}

#define STATUS_HEAD                                           \
	"Quorum information\n"                                \
	"------------------\n"                                \
	"Date:             Sun Dec  6 22:38:15 2026\n"        \
	"Quorum provider:  corosync_votequorum\n"             \
	"Nodes:            3\n"                               \
	"Node ID:          1\n"                               \
	"Ring ID:          1.d\n"                             \
	"Quorate:          Yes\n"                             \
	"\n"                                                  \
	"Votequorum information\n"                            \
	"----------------------\n"                            \
	"Expected votes:   3\n"                               \
	"Highest expected: 3\n"                               \
	"Total votes:      3\n"                               \
	"Quorum:           2  \n"                             \
	"Flags:            Quorate \n"

#define MEMBERS                                               \
	"\n"                                                  \
	"Membership information\n"                            \
	"----------------------\n"                            \
	"    Nodeid      Votes Name\n"                        \
	"         1          1 node1 (local)\n"               \
	"         2          1 node2\n"                       \
	"         3          1 node3\n"

START_TEST(test_status_captured)
{
	struct fixture x;
	struct out o, e;

	fixture_init(&x);
	out_open(&o);
	out_open(&e);
	qt_print_status(o.f, e.f, &x.v);
	qt_print_nodes(o.f, &x.v);
	out_is(&o, STATUS_HEAD MEMBERS);
	out_is(&e, "");
}
END_TEST

START_TEST(test_blocked_and_flags)
{
	struct fixture x;
	struct out o, e;

	fixture_init(&x);
	x.v.quorate = 0;
	x.v.local.total_votes = 1;
	x.v.local.flags = VOTEQUORUM_INFO_TWONODE | VOTEQUORUM_INFO_WAIT_FOR_ALL |
			  VOTEQUORUM_INFO_LAST_MAN_STANDING | VOTEQUORUM_INFO_AUTO_TIE_BREAKER |
			  VOTEQUORUM_INFO_ALLOW_DOWNSCALE | VOTEQUORUM_INFO_QDEVICE_REGISTERED;
	x.v.count = 0;
	out_open(&o);
	out_open(&e);
	qt_print_status(o.f, e.f, &x.v);
	out_is(&o, "Quorum information\n"
		   "------------------\n"
		   "Date:             Sun Dec  6 22:38:15 2026\n"
		   "Quorum provider:  corosync_votequorum\n"
		   "Nodes:            0\n"
		   "Node ID:          1\n"
		   "Ring ID:          1.d\n"
		   "Quorate:          No\n"
		   "\n"
		   "Votequorum information\n"
		   "----------------------\n"
		   "Expected votes:   3\n"
		   "Highest expected: 3\n"
		   "Total votes:      1\n"
		   "Quorum:           2 Activity blocked\n"
		   "Flags:            2Node WaitForAll LastManStanding AutoTieBreaker "
		   "AllowDownscale Qdevice \n");
	out_is(&e, "");
}
END_TEST

START_TEST(test_getinfo_errors)
{
	struct fixture x;
	struct out o, e;

	/* NOT_EXIST still prints the (zeroed) block; others go to stderr */
	fixture_init(&x);
	x.v.local_err = CS_ERR_BAD_HANDLE;
	x.nodes[1].info_err = CS_ERR_NOT_EXIST;
	memset(&x.nodes[1].info, 0, sizeof(x.nodes[1].info));
	out_open(&o);
	out_open(&e);
	qt_print_status(o.f, e.f, &x.v);
	qt_print_nodes(o.f, &x.v);
	out_is(&o, "Quorum information\n"
		   "------------------\n"
		   "Date:             Sun Dec  6 22:38:15 2026\n"
		   "Quorum provider:  corosync_votequorum\n"
		   "Nodes:            3\n"
		   "Node ID:          1\n"
		   "Ring ID:          1.d\n"
		   "Quorate:          Yes\n"
		   "Unable to get node 2 info\n"
		   "\n"
		   "Membership information\n"
		   "----------------------\n"
		   "    Nodeid      Votes Name\n"
		   "         1          1 node1 (local)\n"
		   "         2          0 node2\n"
		   "         3          1 node3\n");
	out_is(&e, "Unable to get node info: CS_ERR_BAD_HANDLE\n");
}
END_TEST

START_TEST(test_no_votequorum)
{
	struct fixture x;
	struct out o, e;

	fixture_init(&x);
	x.v.votequorum = 0;
	x.v.provider = NULL;
	x.v.our_nodeid = 0;
	x.v.ring_seq = 0x1c;
	out_open(&o);
	out_open(&e);
	qt_print_status(o.f, e.f, &x.v);
	qt_print_nodes(o.f, &x.v);
	out_is(&o, "Quorum information\n"
		   "------------------\n"
		   "Date:             Sun Dec  6 22:38:15 2026\n"
		   "Quorum provider:  Not configured\n"
		   "Nodes:            3\n"
		   "Node ID:          0\n"
		   "Ring ID:          1c\n"
		   "Quorate:          Yes\n"
		   "\n"
		   "Membership information\n"
		   "----------------------\n"
		   "    Nodeid Name\n"
		   "         1 node1\n"
		   "         2 node2\n"
		   "         3 node3\n");
	out_is(&e, "");
}
END_TEST

START_TEST(test_hex_parsable)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	x.v.hex = 1;
	x.v.machine_parsable = 1;
	x.nodes[2].nodeid = 0x1234abcd;
	out_open(&o);
	qt_print_nodes(o.f, &x.v);
	out_is(&o, "\n"
		   "Membership information\n"
		   "----------------------\n"
		   "    Nodeid      Votes    Qdevice Name\n"
		   "0x00000001          1         NR node1 (local)\n"
		   "0x00000002          1         NR node2\n"
		   "0x1234abcd          1         NR node3\n");
}
END_TEST

START_TEST(test_qdevice)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	for (int i = 0; i < 3; i++) {
		x.nodes[i].info.flags |= VOTEQUORUM_INFO_QDEVICE_REGISTERED |
					 VOTEQUORUM_INFO_QDEVICE_ALIVE |
					 VOTEQUORUM_INFO_QDEVICE_CAST_VOTE;
		x.nodes[i].info.qdevice_votes = 2;
		snprintf(x.nodes[i].info.qdevice_name, sizeof(x.nodes[i].info.qdevice_name),
			 "Qdevice");
	}
	x.nodes[1].info.flags |= VOTEQUORUM_INFO_QDEVICE_MASTER_WINS;
	x.nodes[2].info.flags &= ~(unsigned)(VOTEQUORUM_INFO_QDEVICE_ALIVE |
					     VOTEQUORUM_INFO_QDEVICE_CAST_VOTE);
	out_open(&o);
	qt_print_nodes(o.f, &x.v);
	out_is(&o, "\n"
		   "Membership information\n"
		   "----------------------\n"
		   "    Nodeid      Votes    Qdevice Name\n"
		   "         1          1    A,V,NMW node1 (local)\n"
		   "         2          1     A,V,MW node2\n"
		   "         3          1  NA,NV,NMW node3\n"
		   "         0          2            Qdevice\n");

	/* the local node not casting the device's vote: 0 and "(votes n)" */
	x.nodes[0].info.flags &= ~(unsigned)VOTEQUORUM_INFO_QDEVICE_CAST_VOTE;
	out_open(&o);
	qt_print_nodes(o.f, &x.v);
	out_is(&o, "\n"
		   "Membership information\n"
		   "----------------------\n"
		   "    Nodeid      Votes    Qdevice Name\n"
		   "         1          1   A,NV,NMW node1 (local)\n"
		   "         2          1     A,V,MW node2\n"
		   "         3          1  NA,NV,NMW node3\n"
		   "         0          0            Qdevice (votes 2)\n");
}
END_TEST

START_TEST(test_sort)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	/* daemon order 3, 1, 2; names b, c, a; node 3 has 2 votes */
	x.nodes[0].nodeid = 3;
	x.nodes[0].info.node_votes = 2;
	x.nodes[1].nodeid = 1;
	x.nodes[2].nodeid = 2;
	x.nodes[0].name = "b";
	x.nodes[1].name = "c";
	x.nodes[2].name = "a";
	qt_sort_nodes(&x.v, QT_SORT_ADDR);
	ck_assert_uint_eq(x.nodes[0].nodeid, 3);
	qt_sort_nodes(&x.v, QT_SORT_NODEID);
	out_open(&o);
	qt_print_nodes(o.f, &x.v);
	out_is(&o, "\n"
		   "Membership information\n"
		   "----------------------\n"
		   "    Nodeid      Votes Name\n"
		   "         1          1 c (local)\n"
		   "         2          1 a\n"
		   "         3          2 b\n");
	qt_sort_nodes(&x.v, QT_SORT_NAME);
	/* failed GETINFOs are reported in daemon order (3 then 2), before the block */
	x.nodes[1].info_err = CS_ERR_NOT_EXIST;   /* node 3 "b" */
	x.nodes[0].info_err = CS_ERR_NOT_EXIST;   /* node 2 "a" */
	out_open(&o);
	qt_print_nodes(o.f, &x.v);
	fclose(o.f);
	ck_assert(strncmp(o.buf, "Unable to get node 3 info\nUnable to get node 2 info\n\n", 53) == 0);
	free(o.buf);
	ck_assert_str_eq(x.nodes[0].name, "a");
	ck_assert_str_eq(x.nodes[1].name, "b");
	ck_assert_uint_eq(x.nodes[1].info.node_votes, 2);
	ck_assert_str_eq(x.nodes[2].name, "c");
}
END_TEST

START_TEST(test_json)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	x.names[1][0] = '"';
	out_open(&o);
	qt_print_json(o.f, &x.v, 1);
	out_is(&o, "{\"date\": \"Sun Dec  6 22:38:15 2026\", \"quorum_provider\": "
		   "\"corosync_votequorum\", \"nodes\": 3, \"node_id\": 1, \"ring_id\": "
		   "{\"nodeid\": 1, \"seq\": 13}, \"quorate\": true, \"votequorum\": "
		   "{\"expected_votes\": 3, \"highest_expected\": 3, \"total_votes\": 3, "
		   "\"quorum\": 2, \"activity_blocked\": false, \"flags\": [\"Quorate\"]}, "
		   "\"members\": [{\"nodeid\": 1, \"votes\": 1, \"name\": \"node1\", "
		   "\"local\": true}, {\"nodeid\": 2, \"votes\": 1, \"name\": \"\\\"ode2\", "
		   "\"local\": false}, {\"nodeid\": 3, \"votes\": 1, \"name\": \"node3\", "
		   "\"local\": false}]}\n");

	x.v.votequorum = 0;
	x.v.provider = NULL;
	x.v.count = 1;
	out_open(&o);
	qt_print_json(o.f, &x.v, 1);
	out_is(&o, "{\"date\": \"Sun Dec  6 22:38:15 2026\", \"quorum_provider\": null, "
		   "\"nodes\": 1, \"node_id\": 1, \"ring_id\": {\"seq\": 13}, \"quorate\": true, "
		   "\"members\": [{\"nodeid\": 1, \"name\": \"node1\", \"local\": true}]}\n");

	out_open(&o);
	qt_print_json(o.f, &x.v, 0);
	out_is(&o, "{\"members\": [{\"nodeid\": 1, \"name\": \"node1\", \"local\": true}]}\n");

	out_open(&o);
	qt_print_json_result(o.f, "set_votes", 2, 3, CS_ERR_INVALID_PARAM, "CS_ERR_INVALID_PARAM");
	out_is(&o, "{\"action\": \"set_votes\", \"value\": 2, \"nodeid\": 3, \"error\": 7, "
		   "\"error_name\": \"CS_ERR_INVALID_PARAM\"}\n");
}
END_TEST

START_TEST(test_json_qdevice)
{
	struct fixture x;
	struct out o;

	fixture_init(&x);
	x.v.count = 1;
	x.nodes[0].info.flags |= VOTEQUORUM_INFO_QDEVICE_REGISTERED;
	x.nodes[0].info.qdevice_votes = 1;
	memset(x.nodes[0].info.qdevice_name, 'q', sizeof(x.nodes[0].info.qdevice_name));
	x.nodes[0].info.qdevice_name[3] = '\n';
	x.nodes[0].info.qdevice_name[4] = '\0';
	out_open(&o);
	qt_print_json(o.f, &x.v, 0);
	out_is(&o, "{\"members\": [{\"nodeid\": 1, \"votes\": 1, \"qdevice\": \"NA,NV,NMW\", "
		   "\"name\": \"node1\", \"local\": true}], \"qdevice\": {\"name\": "
		   "\"qqq\\u000a\", \"votes\": 1, \"cast_vote\": false}}\n");
}
END_TEST

START_TEST(test_usage)
{
	struct out o;

	out_open(&o);
	qt_print_usage(o.f, "chorus-quorumtool");
	fclose(o.f);
	ck_assert(strncmp(o.buf, "usage: \nchorus-quorumtool <options>\n\n  options:\n\n"
			  "  -s             show quorum status\n", 84) == 0);
	ck_assert_ptr_nonnull(strstr(o.buf, "\n  (*) Starred items only work if votequorum is "
				    "the quorum provider for corosync\n\n"));
	free(o.buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("quorumtool_fmt");
	TCase *tc;

	add_tcase(s, tc, test_status_captured);
	add_tcase(s, tc, test_blocked_and_flags);
	add_tcase(s, tc, test_getinfo_errors);
	add_tcase(s, tc, test_no_votequorum);
	add_tcase(s, tc, test_hex_parsable);
	add_tcase(s, tc, test_qdevice);
	add_tcase(s, tc, test_sort);
	add_tcase(s, tc, test_json);
	add_tcase(s, tc, test_json_qdevice);
	add_tcase(s, tc, test_usage);
	return check_run_suite(s);
}
