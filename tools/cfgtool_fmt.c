/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cfgtool's output (see cfgtool_fmt.h).  The text formats follow
 * corosync v3.1.7 tools/corosync-cfgtool.c, nodestatusget_do and
 * showaddrs_do; the Debian build prints no onwire part.
 */
#include <config.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "cfgtool_fmt.h"
#include "tool_json.h"

void cfgtool_print_header(FILE *f, const struct cfgtool_view *v)
{
	fprintf(f, "Local node ID %" PRIu32 ", transport %s\n", v->local_nodeid, v->transport);
}

/* corosync's indexes: the local node (0 when absent) and the last other node. */
static void cfgtool_indexes(const struct cfgtool_view *v, size_t *ret_local, size_t *ret_other)
{
	size_t local = 0, other = 0;

	for (size_t i = 0; i < v->count; i++) {
		if (v->nodeids[i] == v->local_nodeid)
			local = i;
		else
			other = i;
	}
	*ret_local = local;
	*ret_other = other;
}

void cfgtool_print_links(FILE *f, const struct cfgtool_view *v, int brief)
{
	size_t local, other;

	if (v->count == 0)
		return;
	cfgtool_indexes(v, &local, &other);
	for (unsigned int l = 0; l < CFG_MAX_LINKS; l++) {
		const struct corosync_knet_link_status_v1 *ol = &v->status[other].link_status[l];

		if (!ol->enabled)
			continue;
		fprintf(f, "LINK ID %u %s\n", l, v->link_transport[l]);
		fprintf(f, "\taddr\t= %.*s\n", (int)sizeof(ol->src_ipaddr), ol->src_ipaddr);
		if (brief) {
			fprintf(f, "\tstatus\t= ");
			for (size_t j = 0; j < v->count; j++) {
				const struct corosync_knet_link_status_v1 *s =
					&v->status[j].link_status[l];
				/* the raw bytes, as corosync adds them */
				char c = (char)('0' + (s->enabled | (s->connected << 1)));

				fputc(j == local ? 'n' : c, f);
			}
			fputc('\n', f);
			continue;
		}
		fprintf(f, "\tstatus:\n");
		for (size_t j = 0; j < v->count; j++) {
			/* the status's own node id: 0 for a node whose status call failed */
			fprintf(f, "\t\tnodeid: %10" PRIu32 ":\t", v->status[j].nodeid);
			if (j == local)
				fprintf(f, "localhost");
			else if (v->status[j].link_status[l].connected)
				fprintf(f, "connected");
			else
				fprintf(f, "disconnected");
			fputc('\n', f);
		}
	}
}

void cfgtool_print_nodes(FILE *f, const struct cfgtool_view *v)
{
	for (size_t i = 0; i < v->count; i++) {
		const struct corosync_cfg_node_status_v1 *s = &v->status[i];

		if (v->status_err[i] != CS_OK || !s->reachable || s->nodeid == v->local_nodeid)
			continue;
		fprintf(f, "nodeid: %" PRIu32 " reachable", s->nodeid);
		if (s->remote)
			fprintf(f, " remote");
		if (s->external)
			fprintf(f, " external");
		fputc('\n', f);
		for (unsigned int l = 0; l < CFG_MAX_LINKS; l++) {
			const struct corosync_knet_link_status_v1 *ls = &s->link_status[l];

			if (!ls->enabled)
				continue;
			fprintf(f, "   LINK: %u %s (%.*s%s%.*s) enabled", l, v->link_transport[l],
				(int)sizeof(ls->src_ipaddr), ls->src_ipaddr, v->knet ? "->" : "",
				(int)sizeof(ls->dst_ipaddr), ls->dst_ipaddr);
			if (ls->connected)
				fprintf(f, " connected");
			if (ls->dynconnected)
				fprintf(f, " dynconnected");
			fprintf(f, " mtu: %d\n", (int)ls->mtu);
		}
		fputc('\n', f);
	}
}

/* ---- JSON ----------------------------------------------------------------------- */

/* A fixed-size, maybe unterminated, address field as a JSON string. */
static void cfgtool_json_field(FILE *f, const char *field, size_t size)
{
	char buf[CFG_MAX_HOST_LEN + 1];
	size_t n = strnlen(field, size < CFG_MAX_HOST_LEN ? size : CFG_MAX_HOST_LEN);

	memcpy(buf, field, n);
	buf[n] = '\0';
	tool_json_string(f, buf);
}

static const char *cfgtool_bool(int b)
{
	return b ? "true" : "false";
}

void cfgtool_print_json_status(FILE *f, const struct cfgtool_view *v)
{
	fprintf(f, "{\"local_nodeid\": %" PRIu32 ", \"transport\": ", v->local_nodeid);
	tool_json_string(f, v->transport);
	fprintf(f, ", \"nodes\": [");
	for (size_t i = 0; i < v->count; i++) {
		const struct corosync_cfg_node_status_v1 *s = &v->status[i];
		bool first = true;

		fprintf(f, "%s\n  {\"nodeid\": %" PRIu32 ", \"local\": %s", i ? "," : "",
			v->nodeids[i], cfgtool_bool(v->nodeids[i] == v->local_nodeid));
		if (v->status_err[i] != CS_OK) {
			fprintf(f, ", \"error\": %d}", (int)v->status_err[i]);
			continue;
		}
		fprintf(f, ", \"reachable\": %s, \"remote\": %s, \"external\": %s, \"links\": [",
			cfgtool_bool(s->reachable), cfgtool_bool(s->remote),
			cfgtool_bool(s->external));
		for (unsigned int l = 0; l < CFG_MAX_LINKS; l++) {
			const struct corosync_knet_link_status_v1 *ls = &s->link_status[l];

			if (!ls->enabled)
				continue;
			fprintf(f, "%s\n    {\"link\": %u, \"transport\": ", first ? "" : ",", l);
			tool_json_string(f, v->link_transport[l]);
			fprintf(f, ", \"enabled\": true, \"connected\": %s, \"dynconnected\": %s"
				", \"mtu\": %" PRIu32 ", \"src_addr\": ",
				cfgtool_bool(ls->connected), cfgtool_bool(ls->dynconnected), ls->mtu);
			cfgtool_json_field(f, ls->src_ipaddr, sizeof(ls->src_ipaddr));
			fprintf(f, ", \"dst_addr\": ");
			cfgtool_json_field(f, ls->dst_ipaddr, sizeof(ls->dst_ipaddr));
			fputc('}', f);
			first = false;
		}
		fprintf(f, "%s]}", first ? "" : "\n  ");
	}
	fprintf(f, "%s]}\n", v->count ? "\n" : "");
}

/* The text of one address, or false for an entry to skip (family 0 or unknown). */
static bool cfgtool_addr_text(const corosync_cfg_node_address_t *a, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	const void *raw;

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, a->address, sizeof(a->address) < sizeof(ss) ? sizeof(a->address) : sizeof(ss));
	if (ss.ss_family == AF_INET6)
		raw = &((const struct sockaddr_in6 *)&ss)->sin6_addr;
	else if (ss.ss_family == AF_INET)
		raw = &((const struct sockaddr_in *)&ss)->sin_addr;
	else
		return false;
	return inet_ntop(ss.ss_family, raw, buf, (socklen_t)size) != NULL;
}

void cfgtool_print_addrs(FILE *f, const corosync_cfg_node_address_t *addrs, int count)
{
	for (int i = 0; i < count; i++) {
		char buf[INET6_ADDRSTRLEN];

		if (!cfgtool_addr_text(&addrs[i], buf, sizeof(buf)))
			continue;
		if (i != 0)
			fputc(' ', f);
		fputs(buf, f);
	}
	fputc('\n', f);
}

void cfgtool_print_json_addrs(FILE *f, unsigned int nodeid,
			      const corosync_cfg_node_address_t *addrs, int count)
{
	bool first = true;

	fprintf(f, "{\"nodeid\": %u, \"addresses\": [", nodeid);
	for (int i = 0; i < count; i++) {
		char buf[INET6_ADDRSTRLEN];

		if (!cfgtool_addr_text(&addrs[i], buf, sizeof(buf)))
			continue;
		fprintf(f, "%s", first ? "" : ", ");
		tool_json_string(f, buf);
		first = false;
	}
	fprintf(f, "]}\n");
}

void cfgtool_print_json_result(FILE *f, const char *action, unsigned int nodeid, int err,
			       const char *err_name)
{
	fprintf(f, "{\"action\": ");
	tool_json_string(f, action);
	if (nodeid)
		fprintf(f, ", \"nodeid\": %u", nodeid);
	fprintf(f, ", \"error\": %d, \"error_name\": ", err);
	tool_json_string(f, err_name ? err_name : "");
	fprintf(f, "}\n");
}
