/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output formatting of chorus-quorumtool, apart from main() so a unit test
 * checks every format without a daemon.  The text bytes are those of
 * corosync-quorumtool 3.1.7 (corosync v3.1.7 tools/corosync-quorumtool.c,
 * display_quorum_data and display_nodes_data); --json carries the same
 * facts.  Nothing here talks to a library: the caller gathers the facts.
 */
#ifndef CHORUS_QUORUMTOOL_FMT_H
#define CHORUS_QUORUMTOOL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <corosync/corotypes.h>
#include <corosync/votequorum.h>

enum qt_sort { QT_SORT_ADDR, QT_SORT_NODEID, QT_SORT_NAME };

/** One member of the quorum view. */
struct qt_node {
	uint32_t nodeid;
	cs_error_t info_err;            /* votequorum GETINFO result (votequorum only) */
	struct votequorum_info info;    /* zeroed when the call failed */
	char *name;                     /* resolved name / addresses, never NULL */
	size_t pos;                     /* daemon order (set by qt_sort_nodes) */
};

/** Everything -s, -l and -m show. */
struct qt_view {
	const char *date;               /* ctime() text, newline included */
	const char *provider;           /* quorum.provider, NULL: "Not configured" */
	int votequorum;                 /* votequorum is the provider (and was opened) */
	int hex;                        /* -H */
	int machine_parsable;           /* -p: the Qdevice column always */
	uint32_t our_nodeid;
	uint32_t ring_rep;              /* votequorum only */
	uint64_t ring_seq;
	int quorate;
	cs_error_t local_err;           /* GETINFO on our_nodeid (votequorum only) */
	struct votequorum_info local;
	size_t count;
	struct qt_node *nodes;
	/*
	 * corosync takes the qdevice line's votes and name from the first
	 * node in daemon order, and reports failed GETINFOs in that order;
	 * qt_sort_nodes keeps the first node's info here and each node's pos.
	 */
	int have_first;
	struct votequorum_info first;
};

/** The usage text (-h, and on a bad option), as corosync's show_usage. */
void qt_print_usage(FILE *f, const char *name);

/** Orders the view's nodes: -o i by node id, -o n by name, -o a keeps them. */
void qt_sort_nodes(struct qt_view *v, enum qt_sort sort);

/**
 * The "Quorum information" block and, with votequorum, the "Votequorum
 * information" block; a GETINFO failure other than CS_ERR_NOT_EXIST
 * writes "Unable to get node info: ..." to err instead.
 */
void qt_print_status(FILE *f, FILE *err, const struct qt_view *v);

/** The membership block (what -l prints), blank line first. */
void qt_print_nodes(FILE *f, const struct qt_view *v);

/**
 * --json: one document on one line with the same facts; status 0 leaves
 * out the status members (-l).
 */
void qt_print_json(FILE *f, const struct qt_view *v, int status);

/** --json with -e, -v, -f: {"action": ..., ..., "error": n, "error_name": ...} */
void qt_print_json_result(FILE *f, const char *action, int64_t value, uint32_t nodeid,
			  int err, const char *err_name);


#endif
