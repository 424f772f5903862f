/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cpgtool: list the CPG groups of the cluster and their members.
 * Options, call sequence, stderr messages, exit codes and output bytes are
 * corosync-cpgtool 3.1.7's (tools/corosync-cpgtool.c in
 * corosync v3.1.7), so scripts written for corosync keep working.  Owns the
 * command line and the libcpg/libcfg calls; the output bytes are written
 * by cpgtool_fmt.c.  -j/--json prints the same facts as one JSON document.
 * All state lives in main()'s locals.
 */
#include <config.h>

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/corotypes.h>
#include <corosync/cfg.h>
#include <corosync/cpg.h>

#include "cpgtool_fmt.h"

struct cpgtool {
	cpg_handle_t cpg;
	corosync_cfg_handle_t cfg;
	char delimiter;        /* 0: none */
	int escape;
	int json;              /* -j / --json */
};

static void cpgtool_usage(const char *prog_name)
{
	printf("%s [-d delimiter] [-e] [-n] [-h]\n\n", prog_name);
	printf("A tool for displaying cpg groups and members.\n");
	printf("options:\n");
	printf("\t-d\tDelimiter between fields.\n");
	printf("\t-e\tDon't escape unprintable characters in group name.\n");
	printf("\t-n\tDisplay only all existing group names.\n");
	printf("\t-h\tDisplay this help.\n");
	printf("\t-j\t(--json) Print the groups and members as one JSON document.\n");
}

/* -n: names only.  As corosync's, the end of the iteration is not checked. */
static int cpgtool_names(struct cpgtool *t)
{
	struct cpg_iteration_description_t d;
	cpg_iteration_handle_t it;
	cs_error_t err;

	err = cpg_iteration_initialize(t->cpg, CPG_ITERATION_NAME_ONLY, NULL, &it);
	if (err != CS_OK) {
		fprintf(stderr, "Cannot initialize cpg iterator error %d\n", err);
		return 0;
	}
	if (t->json) {
		struct cpgtool_json j;

		cpgtool_json_begin(&j, stdout, 1);
		while (cpg_iteration_next(it, &d) == CS_OK)
			cpgtool_json_entry(&j, stdout, d.group.value, d.group.length, 0, 0, NULL, -1);
		cpgtool_json_end(&j, stdout);
		cpg_iteration_finalize(it);
		return 1;
	}
	while (cpg_iteration_next(it, &d) == CS_OK)
		cpgtool_print_name_only(stdout, t->delimiter, t->escape, d.group.value,
					d.group.length);
	cpgtool_print_names_end(stdout, t->delimiter);
	cpg_iteration_finalize(it);
	return 1;
}

/*
 * Default and -d: one line per member.  Addresses are asked for only in the
 * default table.  An iteration that ends with anything but NO_SECTIONS is an
 * error, reported before (and instead of) finalizing the iterator.
 */
static int cpgtool_members(struct cpgtool *t)
{
	struct cpg_iteration_description_t d;
	struct cpgtool_list list;
	struct cpgtool_json j;
	cpg_iteration_handle_t it;
	cs_error_t err;

	err = cpg_iteration_initialize(t->cpg, CPG_ITERATION_ALL, NULL, &it);
	if (err != CS_OK) {
		fprintf(stderr, "Cannot initialize cpg iterator error %d\n", err);
		return 0;
	}
	if (t->json)
		cpgtool_json_begin(&j, stdout, 0);
	else
		cpgtool_list_begin(&list, stdout, t->delimiter, t->escape);
	while ((err = cpg_iteration_next(it, &d)) == CS_OK) {
		corosync_cfg_node_address_t addrs[CFG_MAX_LINKS];
		int n = -1;

		if ((t->json || !t->delimiter) &&
		    corosync_cfg_get_node_addrs(t->cfg, d.nodeid, CFG_MAX_LINKS, &n, addrs) != CS_OK)
			n = -1;
		if (t->json)
			cpgtool_json_entry(&j, stdout, d.group.value, d.group.length, d.pid,
					   d.nodeid, addrs, n);
		else
			cpgtool_list_member(&list, stdout, d.group.value, d.group.length, d.pid,
					    d.nodeid, addrs, n);
	}
	if (t->json)
		cpgtool_json_end(&j, stdout);
	if (err != CS_ERR_NO_SECTIONS) {
		fprintf(stderr, "cpg iteration error %d\n", err);
		return 0;
	}
	cpg_iteration_finalize(it);
	return 1;
}

int main(int argc, char *argv[])
{
	struct cpgtool t = { .escape = 1 };
	const char *prog_name = basename(argv[0]);
	int names_only = 0;
	cs_error_t err;
	int opt, ok;

	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "hd:nej", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			t.json = 1;
			break;
		case 'd':
			/* the first character; an empty argument keeps the default */
			if (optarg[0] != '\0')
				t.delimiter = optarg[0];
			break;
		case 'n':
			names_only = 1;
			break;
		case 'e':
			t.escape = 0;
			break;
		case 'h':
			cpgtool_usage(prog_name);
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}

	err = cpg_initialize(&t.cpg, NULL);
	if (err != CS_OK) {
		fprintf(stderr, "Could not initialize corosync cpg API error %d\n", err);
		return EXIT_FAILURE;
	}
	/* Connects only; the cfg service is asked for addresses in the default table. */
	err = corosync_cfg_initialize(&t.cfg, NULL);
	if (err != CS_OK) {
		fprintf(stderr, "Could not initialize corosync configuration API error %d\n", err);
		return EXIT_FAILURE;
	}

	ok = names_only ? cpgtool_names(&t) : cpgtool_members(&t);

	cpg_finalize(t.cpg);
	corosync_cfg_finalize(t.cfg);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
