/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cpgtool's output formats (see cpgtool_fmt.h).  Every byte follows
 * corosync-cpgtool 3.1.7 (tools/corosync-cpgtool.c in corosync v3.1.7,
 * functions fprint_group, fprint_addrs, display_groups and
 * display_groups_with_members).
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "cpgtool_fmt.h"
#include "tool_json.h"

static size_t cpgtool_clamp(size_t length)
{
	return length > CPGTOOL_NAME_MAX ? CPGTOOL_NAME_MAX : length;
}

void cpgtool_print_group(FILE *f, int escape, const char *value, size_t length)
{
	length = cpgtool_clamp(length);
	for (size_t i = 0; i < length; i++) {
		/* signed on purpose: bytes >= 0x80 print sign-extended, as corosync's do */
		signed char c = (signed char)value[i];

		if (!escape || (c >= ' ' && c < 0x7f && c != '\\'))
			fputc(c, f);
		else if (c == '\\')
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02X", (unsigned int)(int)c);
	}
}

/* The text of one address; false for an entry with family 0 (skipped). */
static bool cpgtool_addr_text(const corosync_cfg_node_address_t *a, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	const void *raw;

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, a->address, sizeof(a->address));
	if (ss.ss_family == 0)
		return false;
	if (ss.ss_family == AF_INET6)
		raw = &((const struct sockaddr_in6 *)&ss)->sin6_addr;
	else
		raw = &((const struct sockaddr_in *)&ss)->sin_addr;
	if (!inet_ntop(ss.ss_family, raw, buf, (socklen_t)size))
		buf[0] = '\0';
	return true;
}

void cpgtool_print_addrs(FILE *f, const corosync_cfg_node_address_t *addrs, int count)
{
	for (int i = 0; i < count; i++) {
		char buf[INET6_ADDRSTRLEN];

		if (!cpgtool_addr_text(&addrs[i], buf, sizeof(buf)))
			continue;
		if (i != 0)
			fputc(' ', f);
		fputs(buf, f);
	}
}

void cpgtool_print_name_only(FILE *f, char delimiter, int escape, const char *value,
			     size_t length)
{
	cpgtool_print_group(f, escape, value, length);
	fputc(delimiter ? delimiter : '\n', f);
}

void cpgtool_print_names_end(FILE *f, char delimiter)
{
	if (delimiter)
		fputc('\n', f);
}

void cpgtool_list_begin(struct cpgtool_list *l, FILE *f, char delimiter, int escape)
{
	memset(l, 0, sizeof(*l));
	l->delimiter = delimiter;
	l->escape = escape;
	if (delimiter)
		fprintf(f, "GRP_NAME%cPID%cNODEID\n", delimiter, delimiter);
	else
		fprintf(f, "Group Name\t%10s\t%10s\n", "PID", "Node ID");
}

void cpgtool_list_member(struct cpgtool_list *l, FILE *f, const char *value, size_t length,
			 uint32_t pid, uint32_t nodeid, const corosync_cfg_node_address_t *addrs,
			 int addrs_count)
{
	length = cpgtool_clamp(length);
	if (l->delimiter) {
		cpgtool_print_group(f, l->escape, value, length);
		fprintf(f, "%c%u%c%u\n", l->delimiter, pid, l->delimiter, nodeid);
		return;
	}
	if (length != l->last_length || memcmp(value, l->last_value, length) != 0) {
		cpgtool_print_group(f, l->escape, value, length);
		fputc('\n', f);
		l->last_length = length;
		memcpy(l->last_value, value, length);
	}
	fprintf(f, "\t\t%10u\t%10u (", pid, nodeid);
	if (addrs_count > 0)
		cpgtool_print_addrs(f, addrs, addrs_count);
	fputs(")\n", f);
}

/* ---- JSON ----------------------------------------------------------------------- */

void cpgtool_json_group(FILE *f, const char *value, size_t length)
{
	tool_json_bytes(f, value, cpgtool_clamp(length));
}

void cpgtool_json_begin(struct cpgtool_json *j, FILE *f, int names_only)
{
	memset(j, 0, sizeof(*j));
	j->names_only = names_only;
	fprintf(f, "{\"groups\": [");
}

void cpgtool_json_entry(struct cpgtool_json *j, FILE *f, const char *value, size_t length,
			uint32_t pid, uint32_t nodeid, const corosync_cfg_node_address_t *addrs,
			int addrs_count)
{
	bool first_member = false;

	length = cpgtool_clamp(length);
	if (j->names_only) {
		fprintf(f, "%s", j->groups++ ? ", " : "");
		cpgtool_json_group(f, value, length);
		return;
	}
	if (j->groups == 0 || length != j->last_length || memcmp(value, j->last_value, length)) {
		fprintf(f, "%s{\"name\": ", j->groups ? "]}, " : "");
		cpgtool_json_group(f, value, length);
		fprintf(f, ", \"members\": [");
		j->groups++;
		j->last_length = length;
		memcpy(j->last_value, value, length);
		first_member = true;
	}
	fprintf(f, "%s{\"pid\": %u, \"nodeid\": %u", first_member ? "" : ", ", pid, nodeid);
	if (addrs_count >= 0) {
		bool first = true;

		fprintf(f, ", \"addresses\": [");
		for (int i = 0; i < addrs_count; i++) {
			char buf[INET6_ADDRSTRLEN];

			if (!cpgtool_addr_text(&addrs[i], buf, sizeof(buf)))
				continue;
			fprintf(f, "%s\"%s\"", first ? "" : ", ", buf);
			first = false;
		}
		fputc(']', f);
	}
	fputc('}', f);
}

void cpgtool_json_end(struct cpgtool_json *j, FILE *f)
{
	fprintf(f, "%s]}\n", !j->names_only && j->groups ? "]}" : "");
}
