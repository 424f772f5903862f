/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-quorumtool's output (see quorumtool_fmt.h).  The text formats
 * follow corosync v3.1.7 tools/corosync-quorumtool.c (show_usage,
 * display_quorum_data, display_nodes_data).
 */
#include <config.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "quorumtool_fmt.h"
#include "tool_json.h"

void qt_print_usage(FILE *f, const char *name)
{
	fprintf(f, "usage: \n");
	fprintf(f, "%s <options>\n", name);
	fprintf(f, "\n");
	fprintf(f, "  options:\n");
	fprintf(f, "\n");
	fprintf(f, "  -s             show quorum status\n");
	fprintf(f, "  -m             constantly monitor quorum status\n");
	fprintf(f, "  -l             list nodes\n");
	fprintf(f, "  -a             show all names or addresses for each node\n");
	fprintf(f, "  -p             when used with -s or -l, generates machine parsable output\n");
	fprintf(f, "  -v <votes>     change the number of votes for a node (*)\n");
	fprintf(f, "  -n <nodeid>    optional nodeid of node for -v\n");
	fprintf(f, "  -e <expected>  change expected votes for the cluster (*)\n");
	fprintf(f, "  -H             show nodeids in hexadecimal rather than decimal\n");
	fprintf(f, "  -i             show node IP addresses instead of the resolved name\n");
	fprintf(f, "  -o <a|n|i>     order by [a] IP address (default), [n] name, [i] nodeid\n");
	fprintf(f, "  -f             forcefully unregister a quorum device *DANGEROUS* (*)\n");
	fprintf(f, "  -h             show this help text\n");
	fprintf(f, "  -V             show version and exit\n");
	fprintf(f, "  -j, --json     print the same facts as JSON (chorus only)\n");
	fprintf(f, "\n");
	fprintf(f, "  (*) Starred items only work if votequorum is the quorum provider for corosync\n");
	fprintf(f, "\n");
}

static int qt_cmp_nodeid(const void *a, const void *b)
{
	const struct qt_node *x = a, *y = b;

	return x->nodeid < y->nodeid ? -1 : x->nodeid > y->nodeid;
}

static int qt_cmp_name(const void *a, const void *b)
{
	const struct qt_node *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void qt_sort_nodes(struct qt_view *v, enum qt_sort sort)
{
	if (v->count && !v->have_first) {
		v->first = v->nodes[0].info;
		v->have_first = 1;
		for (size_t n = 0; n < v->count; n++)
			v->nodes[n].pos = n;
	}
	/* qsort is not stable; neither is corosync's order for equal names */
	if (sort == QT_SORT_NODEID)
		qsort(v->nodes, v->count, sizeof(*v->nodes), qt_cmp_nodeid);
	else if (sort == QT_SORT_NAME)
		qsort(v->nodes, v->count, sizeof(*v->nodes), qt_cmp_name);
}

static void qt_nodeid(FILE *f, const struct qt_view *v, uint32_t id)
{
	if (v->hex)
		fprintf(f, "0x%08" PRIx32, id);
	else
		fprintf(f, "%" PRIu32, id);
}

void qt_print_status(FILE *f, FILE *err, const struct qt_view *v)
{
	const struct votequorum_info *i = &v->local;

	fprintf(f, "Quorum information\n");
	fprintf(f, "------------------\n");
	fprintf(f, "Date:             %s", v->date);
	fprintf(f, "Quorum provider:  %s\n", v->provider ? v->provider : "Not configured");
	fprintf(f, "Nodes:            %zu\n", v->count);
	fprintf(f, "Node ID:          ");
	qt_nodeid(f, v, v->our_nodeid);
	fputc('\n', f);
	if (v->votequorum)
		fprintf(f, "Ring ID:          " CS_PRI_RING_ID "\n", v->ring_rep, v->ring_seq);
	else
		fprintf(f, "Ring ID:          " CS_PRI_RING_ID_SEQ "\n", v->ring_seq);
	fprintf(f, "Quorate:          %s\n", v->quorate ? "Yes" : "No");
	if (!v->votequorum)
		return;
	if (v->local_err != CS_OK && v->local_err != CS_ERR_NOT_EXIST) {
		fprintf(err, "Unable to get node info: %s\n", cs_strerror(v->local_err));
		return;
	}
	/* corosync prints these unsigned values with %d */
	fprintf(f, "\nVotequorum information\n");
	fprintf(f, "----------------------\n");
	fprintf(f, "Expected votes:   %d\n", (int)i->node_expected_votes);
	fprintf(f, "Highest expected: %d\n", (int)i->highest_expected);
	fprintf(f, "Total votes:      %d\n", (int)i->total_votes);
	fprintf(f, "Quorum:           %d %s\n", (int)i->quorum,
		(i->flags & VOTEQUORUM_INFO_QUORATE) ? " " : "Activity blocked");
	fprintf(f, "Flags:            ");
	if (i->flags & VOTEQUORUM_INFO_TWONODE)
		fprintf(f, "2Node ");
	if (i->flags & VOTEQUORUM_INFO_QUORATE)
		fprintf(f, "Quorate ");
	if (i->flags & VOTEQUORUM_INFO_WAIT_FOR_ALL)
		fprintf(f, "WaitForAll ");
	if (i->flags & VOTEQUORUM_INFO_LAST_MAN_STANDING)
		fprintf(f, "LastManStanding ");
	if (i->flags & VOTEQUORUM_INFO_AUTO_TIE_BREAKER)
		fprintf(f, "AutoTieBreaker ");
	if (i->flags & VOTEQUORUM_INFO_ALLOW_DOWNSCALE)
		fprintf(f, "AllowDownscale ");
	if (i->flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED)
		fprintf(f, "Qdevice ");
	fputc('\n', f);
}

/* A cell: the text right-aligned in 10 columns, then a space. */
static void qt_cell(FILE *f, const char *s)
{
	fprintf(f, "%10s ", s);
}

static void qt_cell_u32(FILE *f, uint32_t n)
{
	char buf[12];

	snprintf(buf, sizeof(buf), "%" PRIu32, n);
	qt_cell(f, buf);
}

static void qt_qdevice_state(const struct votequorum_info *i, char *buf, size_t size)
{
	if (!(i->flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED)) {
		snprintf(buf, size, "NR");
		return;
	}
	snprintf(buf, size, "%s,%s,%s",
		 (i->flags & VOTEQUORUM_INFO_QDEVICE_ALIVE) ? "A" : "NA",
		 (i->flags & VOTEQUORUM_INFO_QDEVICE_CAST_VOTE) ? "V" : "NV",
		 (i->flags & VOTEQUORUM_INFO_QDEVICE_MASTER_WINS) ? "MW" : "NMW");
}

static bool qt_any_qdevice(const struct qt_view *v)
{
	if (!v->votequorum)
		return false;
	for (size_t n = 0; n < v->count; n++)
		if (v->nodes[n].info.flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED)
			return true;
	return false;
}

static const struct votequorum_info *qt_first_info(const struct qt_view *v)
{
	return v->have_first ? &v->first : &v->nodes[0].info;
}

void qt_print_nodes(FILE *f, const struct qt_view *v)
{
	bool qdev = qt_any_qdevice(v);
	uint32_t our_flags = 0;

	/* corosync prints a failed GETINFO on stdout, before the block, in daemon order */
	if (v->votequorum) {
		for (size_t p = 0; p < v->count; p++) {
			for (size_t n = 0; n < v->count; n++) {
				const struct qt_node *q = &v->nodes[n];

				if ((v->have_first ? q->pos : n) != p)
					continue;
				if (q->info_err != CS_OK)
					fprintf(f, "Unable to get node %" PRIu32 " info\n", q->nodeid);
				break;
			}
		}
	}
	fprintf(f, "\nMembership information\n");
	fprintf(f, "----------------------\n");
	qt_cell(f, "Nodeid");
	if (v->votequorum) {
		qt_cell(f, "Votes");
		if (qdev || v->machine_parsable)
			qt_cell(f, "Qdevice");
	}
	fprintf(f, "Name\n");
	for (size_t n = 0; n < v->count; n++) {
		const struct qt_node *q = &v->nodes[n];

		if (v->hex)
			fprintf(f, "0x%08" PRIx32 " ", q->nodeid);
		else
			qt_cell_u32(f, q->nodeid);
		/*
		 * corosync v3.1.7 indexes its GETINFO cache by the position
		 * before -o sorted the list, so a sorted listing could show
		 * another node's votes; ours are the node's own.
		 */
		if (v->votequorum) {
			qt_cell_u32(f, q->info.node_votes);
			if (qdev || v->machine_parsable) {
				char buf[16];

				qt_qdevice_state(&q->info, buf, sizeof(buf));
				qt_cell(f, buf);
			}
		}
		fputs(q->name, f);
		if (q->nodeid == v->our_nodeid) {
			fprintf(f, " (local)");
			if (v->votequorum)
				our_flags = q->info.flags;
		}
		fputc('\n', f);
	}
	if (qdev) {
		const struct votequorum_info *first = qt_first_info(v);
		bool cast = our_flags & VOTEQUORUM_INFO_QDEVICE_CAST_VOTE;

		if (v->hex)
			fprintf(f, "0x%08x ", VOTEQUORUM_QDEVICE_NODEID);
		else
			qt_cell_u32(f, VOTEQUORUM_QDEVICE_NODEID);
		/* an inactive device shows 0 votes on this node */
		qt_cell_u32(f, cast ? first->qdevice_votes : 0);
		fprintf(f, "           %.*s", VOTEQUORUM_QDEVICE_MAX_NAME_LEN, first->qdevice_name);
		if (cast)
			fputc('\n', f);
		else
			fprintf(f, " (votes %d)\n", (int)first->qdevice_votes);
	}
}

/* ---- JSON ----------------------------------------------------------------------- */

static const char *qt_bool(int b)
{
	return b ? "true" : "false";
}

static void qt_json_flags(FILE *f, uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ VOTEQUORUM_INFO_TWONODE, "2Node" },
		{ VOTEQUORUM_INFO_QUORATE, "Quorate" },
		{ VOTEQUORUM_INFO_WAIT_FOR_ALL, "WaitForAll" },
		{ VOTEQUORUM_INFO_LAST_MAN_STANDING, "LastManStanding" },
		{ VOTEQUORUM_INFO_AUTO_TIE_BREAKER, "AutoTieBreaker" },
		{ VOTEQUORUM_INFO_ALLOW_DOWNSCALE, "AllowDownscale" },
		{ VOTEQUORUM_INFO_QDEVICE_REGISTERED, "Qdevice" },
	};
	bool first = true;

	fputc('[', f);
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		if (!(flags & names[n].bit))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ", ", names[n].name);
		first = false;
	}
	fputc(']', f);
}

static void qt_json_qdevice_name(FILE *f, const struct votequorum_info *i)
{
	char name[VOTEQUORUM_QDEVICE_MAX_NAME_LEN + 1];
	size_t len = strnlen(i->qdevice_name, VOTEQUORUM_QDEVICE_MAX_NAME_LEN);

	memcpy(name, i->qdevice_name, len);
	name[len] = '\0';
	tool_json_string(f, name);
}

void qt_print_json(FILE *f, const struct qt_view *v, int status)
{
	bool qdev = qt_any_qdevice(v);
	const char *sep = "";

	fputc('{', f);
	if (status) {
		char date[64];
		size_t len = strcspn(v->date, "\n");

		if (len >= sizeof(date))
			len = sizeof(date) - 1;
		memcpy(date, v->date, len);
		date[len] = '\0';
		fprintf(f, "\"date\": ");
		tool_json_string(f, date);
		fprintf(f, ", \"quorum_provider\": ");
		if (v->provider)
			tool_json_string(f, v->provider);
		else
			fprintf(f, "null");
		fprintf(f, ", \"nodes\": %zu, \"node_id\": %" PRIu32 ", \"ring_id\": ",
			v->count, v->our_nodeid);
		if (v->votequorum)
			fprintf(f, "{\"nodeid\": %" PRIu32 ", \"seq\": %" PRIu64 "}",
				v->ring_rep, v->ring_seq);
		else
			fprintf(f, "{\"seq\": %" PRIu64 "}", v->ring_seq);
		fprintf(f, ", \"quorate\": %s", qt_bool(v->quorate));
		if (v->votequorum) {
			const struct votequorum_info *i = &v->local;

			if (v->local_err != CS_OK && v->local_err != CS_ERR_NOT_EXIST) {
				fprintf(f, ", \"votequorum\": {\"error\": %d, \"error_name\": ",
					(int)v->local_err);
				tool_json_string(f, cs_strerror(v->local_err));
				fputc('}', f);
			} else {
				fprintf(f, ", \"votequorum\": {\"expected_votes\": %u"
					", \"highest_expected\": %u, \"total_votes\": %u"
					", \"quorum\": %u, \"activity_blocked\": %s, \"flags\": ",
					i->node_expected_votes, i->highest_expected,
					i->total_votes, i->quorum,
					qt_bool(!(i->flags & VOTEQUORUM_INFO_QUORATE)));
				qt_json_flags(f, i->flags);
				fputc('}', f);
			}
		}
		sep = ", ";
	}
	fprintf(f, "%s\"members\": [", sep);
	for (size_t n = 0; n < v->count; n++) {
		const struct qt_node *q = &v->nodes[n];

		fprintf(f, "%s{\"nodeid\": %" PRIu32, n ? ", " : "", q->nodeid);
		if (v->votequorum) {
			if (q->info_err != CS_OK)
				fprintf(f, ", \"error\": %d", (int)q->info_err);
			else
				fprintf(f, ", \"votes\": %u", q->info.node_votes);
			if (qdev || v->machine_parsable) {
				char buf[16];

				qt_qdevice_state(&q->info, buf, sizeof(buf));
				fprintf(f, ", \"qdevice\": \"%s\"", buf);
			}
		}
		fprintf(f, ", \"name\": ");
		tool_json_string(f, q->name);
		fprintf(f, ", \"local\": %s}", qt_bool(q->nodeid == v->our_nodeid));
	}
	fputc(']', f);
	if (qdev) {
		const struct votequorum_info *first = qt_first_info(v);
		uint32_t our_flags = 0;

		for (size_t n = 0; n < v->count; n++)
			if (v->nodes[n].nodeid == v->our_nodeid)
				our_flags = v->nodes[n].info.flags;
		fprintf(f, ", \"qdevice\": {\"name\": ");
		qt_json_qdevice_name(f, first);
		fprintf(f, ", \"votes\": %u, \"cast_vote\": %s}", first->qdevice_votes,
			qt_bool(our_flags & VOTEQUORUM_INFO_QDEVICE_CAST_VOTE));
	}
	fprintf(f, "}\n");
}

void qt_print_json_result(FILE *f, const char *action, int64_t value, uint32_t nodeid,
			  int err, const char *err_name)
{
	fprintf(f, "{\"action\": ");
	tool_json_string(f, action);
	if (value >= 0)
		fprintf(f, ", \"value\": %" PRId64, value);
	if (nodeid)
		fprintf(f, ", \"nodeid\": %" PRIu32, nodeid);
	fprintf(f, ", \"error\": %d, \"error_name\": ", err);
	tool_json_string(f, err_name ? err_name : "");
	fprintf(f, "}\n");
}
