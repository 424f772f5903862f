/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cfgtool: link and node status, addresses, kill, shutdown, log
 * reopen and reload through the cfg service.  Options, call sequence,
 * stderr messages, exit codes and output bytes are corosync-cfgtool
 * 3.1.7's (tools/corosync-cfgtool.c in corosync v3.1.7), so scripts written
 * for corosync keep working; --json (-j) prints the same facts as one JSON
 * document.  Owns the command line and the libcfg/libcmap calls; the
 * output is written by cfgtool_fmt.c.  All state lives in main()'s locals.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/corotypes.h>
#include <corosync/cfg.h>
#include <corosync/cmap.h>

#include "cfgtool_fmt.h"

enum cfgtool_action {
	ACTION_NOOP = 0,
	ACTION_LINKSTATUS_GET,
	ACTION_NODESTATUS_GET,
	ACTION_RELOAD_CONFIG,
	ACTION_REOPEN_LOG_FILES,
	ACTION_SHUTDOWN,
	ACTION_SHOWADDR,
	ACTION_KILL_NODE,
};

/* corosync's INTERFACE_MAX: the most addresses -a asks for. */
#define CFGTOOL_ADDRS_MAX 8
#define CFGTOOL_KILL_REASON "Killed by corosync-cfgtool"

static void cfgtool_usage(const char *prog)
{
	printf("%s [[-i <interface ip>] [-b] -s] [-R] [-L] [-k nodeid] [-a nodeid] [-h] [-H]\n\n",
	       prog);
	printf("A tool for displaying and configuring active parameters within corosync.\n");
	printf("options:\n");
	printf("\t-i\tFinds only information about the specified interface IP address or link id when used with -s..\n");
	printf("\t-s\tDisplays the status of the current links on this node.\n");
	printf("\t-n\tDisplays the status of the connected nodes and their links.\n");
	printf("\t-b\tDisplays the brief status of the current links on this node when used with -s.\n");
	printf("\t-R\tTell all instances of corosync in this cluster to reload corosync.conf.\n");
	printf("\t-L\tTell corosync to reopen all logging files.\n");
	printf("\t-k\tKill a node identified by node id.\n");
	printf("\t-a\tDisplay the IP address(es) of a node\n");
	printf("\t-h\tPrint basic usage.\n");
	printf("\t-H\tShutdown corosync cleanly on this node.\n");
	printf("\t\t--force will shut down corosync regardless of daemon vetos\n");
	printf("\t-j\t(--json) Print the result as one JSON document.\n");
}

/* corosync's util_strtonum: the whole string, base 10, within [min, max]. */
static int cfgtool_strtonum(const char *s, long long min, long long max, long long *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*ret = v;
	return 0;
}

static int cfgtool_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static corosync_cfg_handle_t cfgtool_cfg_init(bool strerror_form)
{
	corosync_cfg_handle_t h;
	cs_error_t err = corosync_cfg_initialize(&h, NULL);

	if (err != CS_OK) {
		if (strerror_form)
			fprintf(stderr, "Could not initialize corosync configuration API error %s\n",
				cs_strerror(err));
		else
			fprintf(stderr, "Could not initialize corosync configuration API error %d\n",
				err);
		exit(EXIT_FAILURE);
	}
	return h;
}

/* The nodelist's node ids ("nodelist.node.<n>.nodeid" read as u32), sorted. */
static size_t cfgtool_nodeids(cmap_handle_t cmap, uint32_t **ret_ids)
{
	char key[CMAP_KEYNAME_MAXLEN + 1];
	cmap_iter_handle_t it;
	cmap_value_types_t type;
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0, len;

	if (cmap_iter_init(cmap, "nodelist.node.", &it) != CS_OK) {
		*ret_ids = NULL;
		return SIZE_MAX;
	}
	while (cmap_iter_next(cmap, it, key, &len, &type) == CS_OK) {
		int guard = 0;
		uint32_t id;

		if (sscanf(key, "nodelist.node.%*u.nodeid%n", &guard) != 0 ||
		    (size_t)guard != strlen(key))
			continue;
		if (cmap_get_uint32(cmap, key, &id) != CS_OK)
			continue;
		if (n == cap) {
			uint32_t *bigger = realloc(ids, (cap ? cap * 2 : 16) * sizeof(*ids));

			if (!bigger)
				break;
			ids = bigger;
			cap = cap ? cap * 2 : 16;
		}
		ids[n++] = id;
	}
	cmap_iter_finalize(cmap, it);
	qsort(ids, n, sizeof(*ids), cfgtool_u32_cmp);
	*ret_ids = ids;
	return n;
}

/* -s, -s -b and -n (corosync-cfgtool's nodestatusget_do). */
static int cfgtool_status(enum cfgtool_action action, int brief, bool json)
{
	struct cfgtool_view v;
	struct corosync_cfg_node_status_v1 *status;
	cs_error_t *status_err;
	corosync_cfg_handle_t h;
	cmap_handle_t cmap;
	char *transport = NULL, *link_tr[CFG_MAX_LINKS] = { NULL };
	uint32_t *ids;
	unsigned int local;
	cs_error_t err;
	size_t n;

	memset(&v, 0, sizeof(v));
	h = cfgtool_cfg_init(false);
	err = cmap_initialize(&cmap);
	if (err != CS_OK) {
		fprintf(stderr, "Could not initialize corosync cmap API error %d\n", err);
		exit(EXIT_FAILURE);
	}
	if (cmap_get_string(cmap, "totem.transport", &transport) != CS_OK)
		transport = NULL;
	v.transport = transport ? transport : "knet";
	v.knet = !(transport && (strcmp(transport, "udpu") == 0 || strcmp(transport, "udp") == 0));

	err = corosync_cfg_local_get(h, &local);
	if (err != CS_OK) {
		fprintf(stderr, "Could not get the local node id, the error is: %d\n", err);
		free(transport);
		cmap_finalize(cmap);
		corosync_cfg_finalize(h);
		return EXIT_FAILURE;
	}
	v.local_nodeid = local;
	n = cfgtool_nodeids(cmap, &ids);
	if (n == SIZE_MAX) {
		fprintf(stderr, "Could not get nodelist from cmap. error %d\n", CS_ERR_LIBRARY);
		exit(EXIT_FAILURE);
	}
	if (n == 0) {
		fprintf(stderr, "No nodes found in nodelist\n");
		exit(EXIT_FAILURE);
	}

	/* knet links default to udp; other transports print no link transport */
	for (unsigned int l = 0; l < CFG_MAX_LINKS; l++) {
		char key[CMAP_KEYNAME_MAXLEN + 1];

		v.link_transport[l] = v.knet ? "udp" : "";
		snprintf(key, sizeof(key), "totem.interface.%u.knet_transport", l);
		if (cmap_get_string(cmap, key, &link_tr[l]) == CS_OK)
			v.link_transport[l] = link_tr[l];
		else
			link_tr[l] = NULL;
	}
	cmap_finalize(cmap);

	status = calloc(n, sizeof(*status));
	status_err = calloc(n, sizeof(*status_err));
	if (!status || !status_err) {
		fprintf(stderr, "Out of memory\n");
		exit(EXIT_FAILURE);
	}
	for (size_t i = 0; i < n; i++) {
		status_err[i] = corosync_cfg_node_status_get(h, ids[i], CFG_NODE_STATUS_V1,
							     &status[i]);
		if (status_err[i] != CS_OK) {
			memset(&status[i], 0, sizeof(status[i]));
			/* -s reports failures; -n skips such nodes silently */
			if (action == ACTION_LINKSTATUS_GET)
				fprintf(stderr, "Could not get the node status for nodeid %d, "
					"the error is: %d\n", (int)ids[i], status_err[i]);
		}
	}
	v.count = n;
	v.nodeids = ids;
	v.status = status;
	v.status_err = status_err;
	if (json) {
		cfgtool_print_json_status(stdout, &v);
	} else {
		cfgtool_print_header(stdout, &v);
		if (action == ACTION_NODESTATUS_GET)
			cfgtool_print_nodes(stdout, &v);
		else
			cfgtool_print_links(stdout, &v, brief);
	}
	for (unsigned int l = 0; l < CFG_MAX_LINKS; l++)
		free(link_tr[l]);
	free(status);
	free(status_err);
	free(ids);
	free(transport);
	corosync_cfg_finalize(h);
	return EXIT_SUCCESS;
}

/* -R: the exit status is the cs_error_t itself on failure. */
static int cfgtool_reload(bool json)
{
	corosync_cfg_handle_t h;
	cs_error_t err;
	int rc = EXIT_SUCCESS;

	if (!json)
		printf("Reloading corosync.conf...\n");
	fflush(stdout);
	h = cfgtool_cfg_init(true);
	err = corosync_cfg_reload_config(h);
	if (err != CS_OK) {
		fprintf(stderr, "Could not reload configuration. Error %s\n", cs_strerror(err));
		rc = (int)err;
	} else if (!json) {
		printf("Done\n");
	}
	if (json)
		cfgtool_print_json_result(stdout, "reload", 0, err, cs_strerror(err));
	(void)corosync_cfg_finalize(h);
	return rc;
}

/* -L: silent on success; the exit status is the cs_error_t on failure. */
static int cfgtool_reopen(bool json)
{
	corosync_cfg_handle_t h = cfgtool_cfg_init(true);
	cs_error_t err = corosync_cfg_reopen_log_files(h);
	int rc = EXIT_SUCCESS;

	if (err != CS_OK) {
		fprintf(stderr, "Could not reopen corosync logging files. Error %s\n",
			cs_strerror(err));
		rc = (int)err;
	}
	if (json)
		cfgtool_print_json_result(stdout, "reopen_log_files", 0, err, cs_strerror(err));
	(void)corosync_cfg_finalize(h);
	return rc;
}

/* -H [--force]: retried on TRY_AGAIN (30 x 1 s); the exit status is 0 whatever happens. */
static void cfgtool_shutdown(bool force, bool json)
{
	corosync_cfg_callbacks_t cb = { .corosync_cfg_shutdown_callback = NULL };
	corosync_cfg_shutdown_flags_t flag = force ? COROSYNC_CFG_SHUTDOWN_FLAG_REGARDLESS
						   : COROSYNC_CFG_SHUTDOWN_FLAG_REQUEST;
	corosync_cfg_handle_t h;
	cs_error_t err;

	err = corosync_cfg_initialize(&h, &cb);
	if (err != CS_OK) {
		fprintf(stderr, "Could not initialize corosync configuration API error %d\n", err);
		exit(EXIT_FAILURE);
	}
	if (!json)
		printf("Shutting down corosync\n");
	fflush(stdout);
	for (int tries = 0; tries < 30; tries++) {
		err = corosync_cfg_try_shutdown(h, flag);
		if (err != CS_ERR_TRY_AGAIN)
			break;
		sleep(1);
	}
	if (err != CS_OK)
		fprintf(stderr, "Could not shutdown (error = %d)\n", err);
	if (json)
		cfgtool_print_json_result(stdout, "shutdown", 0, err, cs_strerror(err));
	(void)corosync_cfg_finalize(h);
}

static int cfgtool_showaddrs(unsigned int nodeid, bool json)
{
	corosync_cfg_node_address_t addrs[CFGTOOL_ADDRS_MAX];
	corosync_cfg_handle_t h = cfgtool_cfg_init(false);
	int count = 0, rc = EXIT_SUCCESS;

	if (corosync_cfg_get_node_addrs(h, nodeid, CFGTOOL_ADDRS_MAX, &count, addrs) == CS_OK) {
		if (json)
			cfgtool_print_json_addrs(stdout, nodeid, addrs, count);
		else
			cfgtool_print_addrs(stdout, addrs, count);
	} else {
		fprintf(stderr, "Could not get node address for nodeid %d\n", (int)nodeid);
		rc = EXIT_FAILURE;
	}
	(void)corosync_cfg_finalize(h);
	return rc;
}

/* -k: a failure exits 1 at once. */
static void cfgtool_kill(unsigned int nodeid, bool json)
{
	corosync_cfg_handle_t h;
	cs_error_t err;

	if (!json)
		printf("Killing node %u\n", nodeid);
	fflush(stdout);
	h = cfgtool_cfg_init(false);
	err = corosync_cfg_kill_node(h, nodeid, CFGTOOL_KILL_REASON);
	if (json)
		cfgtool_print_json_result(stdout, "kill", nodeid, err, cs_strerror(err));
	if (err != CS_OK) {
		fprintf(stderr, "Could not kill node (error = %s)\n", cs_strerror(err));
		exit(EXIT_FAILURE);
	}
	(void)corosync_cfg_finalize(h);
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "if", required_argument, NULL, 'i' },
		{ "status", no_argument, NULL, 's' },
		{ "nodes", no_argument, NULL, 'n' },
		{ "brief", no_argument, NULL, 'b' },
		{ "reload", no_argument, NULL, 'R' },
		{ "reopen", no_argument, NULL, 'L' },
		{ "kill", required_argument, NULL, 'k' },
		{ "address", required_argument, NULL, 'a' },
		{ "shutdown", no_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 0 },
		{ NULL, 0, NULL, 0 },
	};
	enum cfgtool_action action = ACTION_NOOP;
	unsigned int nodeid = 0;
	bool force = false, json = false;
	int brief = 0, opt, index = 0, rc = EXIT_SUCCESS;
	long long l;

	while ((opt = getopt_long(argc, argv, "i:snbrRLk:a:hHj", long_options, &index)) != -1) {
		switch (opt) {
		case 0:
			if (strcmp(long_options[index].name, "force") == 0)
				force = true;
			break;
		case 'i':
			/* parsed and ignored, as in corosync-cfgtool 3.1.7 */
			break;
		case 's':
			action = ACTION_LINKSTATUS_GET;
			break;
		case 'n':
			action = ACTION_NODESTATUS_GET;
			break;
		case 'b':
			brief = 1;
			break;
		case 'R':
			action = ACTION_RELOAD_CONFIG;
			break;
		case 'L':
			action = ACTION_REOPEN_LOG_FILES;
			break;
		case 'k':
		case 'a':
			if (cfgtool_strtonum(optarg, 1, UINT_MAX, &l) == -1) {
				fprintf(stderr, "The nodeid was not valid, try a positive number\n");
				exit(EXIT_FAILURE);
			}
			nodeid = (unsigned int)l;
			action = opt == 'k' ? ACTION_KILL_NODE : ACTION_SHOWADDR;
			break;
		case 'H':
			action = ACTION_SHUTDOWN;
			break;
		case 'j':
			json = true;
			break;
		case '?':
			return EXIT_FAILURE;
		case 'h':
		default:
			break;
		}
	}
	switch (action) {
	case ACTION_LINKSTATUS_GET:
	case ACTION_NODESTATUS_GET:
		rc = cfgtool_status(action, brief, json);
		break;
	case ACTION_RELOAD_CONFIG:
		rc = cfgtool_reload(json);
		break;
	case ACTION_REOPEN_LOG_FILES:
		rc = cfgtool_reopen(json);
		break;
	case ACTION_KILL_NODE:
		cfgtool_kill(nodeid, json);
		break;
	case ACTION_SHUTDOWN:
		cfgtool_shutdown(force, json);
		break;
	case ACTION_SHOWADDR:
		rc = cfgtool_showaddrs(nodeid, json);
		break;
	case ACTION_NOOP:
	default:
		cfgtool_usage(basename(argv[0]));
		break;
	}
	return rc;
}
