/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output formatting of chorus-cfgtool, kept apart from the tool's main() so
 * a unit test can check every format without a daemon.  The text bytes are
 * corosync-cfgtool 3.1.7's (tools/corosync-cfgtool.c in corosync v3.1.7),
 * quirks included; the JSON documents (--json) carry the same facts.
 * Nothing here talks to a library: the caller gathers the node statuses.
 */
#ifndef CHORUS_CFGTOOL_FMT_H
#define CHORUS_CFGTOOL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <corosync/corotypes.h>
#include <corosync/cfg.h>

/** What -s and -n show: the nodelist's nodes and their status. */
struct cfgtool_view {
	uint32_t local_nodeid;
	const char *transport;          /* totem.transport, "knet" when unset */
	int knet;                       /* neither "udp" nor "udpu": "->" between addresses */
	const char *link_transport[CFG_MAX_LINKS];  /* "udp"/"sctp" for knet, "" otherwise */
	size_t count;
	const uint32_t *nodeids;        /* sorted ascending */
	/* per node: the status (zeroed when the call failed) and the call's result */
	const struct corosync_cfg_node_status_v1 *status;
	const cs_error_t *status_err;
};

/** "Local node ID <id>, transport <transport>\n" */
void cfgtool_print_header(FILE *f, const struct cfgtool_view *v);

/**
 * -s (brief 0) and -s -b (brief 1): one block per link enabled in the status
 * of the last non-local node (the local node when it is alone, or the first
 * node when the local one is not listed), its address taken from that
 * status's src_ipaddr, then one line per node (or one character with -b).
 */
void cfgtool_print_links(FILE *f, const struct cfgtool_view *v, int brief);

/** -n: every reachable node other than the local one, with its enabled links. */
void cfgtool_print_nodes(FILE *f, const struct cfgtool_view *v);

/** --json with -s or -n: one document with the header facts and every node. */
void cfgtool_print_json_status(FILE *f, const struct cfgtool_view *v);

/**
 * -a: the addresses as inet_ntop writes them, separated by single spaces,
 * then a newline.  Entries with family 0 are skipped, but (as corosync's)
 * the separator goes before every printed entry except index 0.
 */
void cfgtool_print_addrs(FILE *f, const corosync_cfg_node_address_t *addrs, int count);
/** --json with -a: {"nodeid": N, "addresses": [...]} */
void cfgtool_print_json_addrs(FILE *f, unsigned int nodeid,
			      const corosync_cfg_node_address_t *addrs, int count);

/**
 * --json with -R, -L, -k, -H: {"action": ..., ["nodeid": N,] "error": n,
 * "error_name": ...}; nodeid 0 leaves the member out.
 */
void cfgtool_print_json_result(FILE *f, const char *action, unsigned int nodeid, int err,
			       const char *err_name);


#endif
