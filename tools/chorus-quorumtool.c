/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-quorumtool: quorum status, membership, expected votes, node votes
 * and qdevice removal through the quorum, votequorum, cfg and cmap
 * services.  Options, call sequence, messages, exit codes and output bytes
 * are corosync-quorumtool 3.1.7's (corosync v3.1.7
 * tools/corosync-quorumtool.c); -j/--json prints the same facts as JSON
 * (with -m one document per line).  The output is written by
 * quorumtool_fmt.c; all state lives in main()'s locals and is handed to
 * the library callbacks through the handles' contexts.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <corosync/corotypes.h>
#include <corosync/cfg.h>
#include <corosync/cmap.h>
#include <corosync/quorum.h>
#include <corosync/votequorum.h>

#include "quorumtool_fmt.h"

#define QT_EXIT_NOT_QUORATE 2
/* corosync's INTERFACE_MAX: the most addresses asked per node. */
#define QT_ADDRS_MAX 8
#define QT_VERSION "3.1.7"

enum qt_cmd { CMD_SHOWNODES, CMD_SHOWSTATUS, CMD_SETVOTES, CMD_SETEXPECTED, CMD_MONITOR,
	      CMD_UNREGISTER_QDEVICE };

struct qt {
	cmap_handle_t cmap;
	quorum_handle_t q;
	uint32_t q_type;
	corosync_cfg_handle_t cfg;
	votequorum_handle_t vq;
	uint32_t our_nodeid;
	int using_vq;           /* corosync's using_votequorum(): -1, 0 or 1 */
	char provider[256];
	bool have_provider;

	/* -a, -i, -H, -p, -o, -j */
	bool all_addrs;
	bool numeric;
	bool hex;
	bool parsable;
	bool json;
	enum qt_sort sort;

	/* the last quorum (V0) and votequorum nodelist events */
	bool called;
	bool vq_called;
	uint32_t quorate;
	uint64_t ring_seq;
	uint32_t ring_rep;
	size_t view_count;
	uint32_t *view;
};

/* corosync's util_strtonum: the whole string, base 10, within [min, max]. */
static int qt_strtonum(const char *s, long long min, long long max, long long *ret)
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

static void qt_quorum_cb(quorum_handle_t h, uint32_t quorate, uint64_t ring_seq,
			 uint32_t count, uint32_t *view)
{
	const void *ctx = NULL;
	struct qt *qt;
	uint32_t *copy;

	if (quorum_context_get(h, &ctx) != CS_OK || !ctx)
		return;
	qt = (struct qt *)ctx;
	qt->called = true;
	qt->quorate = quorate;
	qt->ring_seq = ring_seq;
	copy = calloc(count ? count : 1, sizeof(*copy));
	if (!copy) {
		qt->view_count = 0;
		return;
	}
	memcpy(copy, view, (size_t)count * sizeof(*copy));
	free(qt->view);
	qt->view = copy;
	qt->view_count = count;
}

static void qt_vq_nodelist_cb(votequorum_handle_t h, uint64_t context,
			      votequorum_ring_id_t ring_id, uint32_t count, uint32_t *nodes)
{
	void *ctx = NULL;

	(void)context;
	(void)count;
	(void)nodes;
	if (votequorum_context_get(h, &ctx) != CS_OK || !ctx)
		return;
	((struct qt *)ctx)->ring_rep = ring_id.nodeid;
	((struct qt *)ctx)->vq_called = true;
}

/* corosync's get_quorum_type: the provider only when the quorum type is set. */
static int qt_get_provider(struct qt *qt)
{
	char *str = NULL;
	cs_error_t err;

	qt->have_provider = false;
	if (qt->q_type == QUORUM_FREE)
		return -1;
	err = cmap_get_string(qt->cmap, "quorum.provider", &str);
	if (err != CS_OK)
		return err;
	if (!str)
		return -1;
	snprintf(qt->provider, sizeof(qt->provider), "%s", str);
	free(str);
	qt->have_provider = true;
	return 0;
}

static int qt_using_votequorum(struct qt *qt)
{
	if (qt_get_provider(qt))
		return -1;
	return strcmp(qt->provider, "corosync_votequorum") == 0;
}

static int qt_init(struct qt *qt, quorum_callbacks_t *qcb, votequorum_callbacks_t *vcb,
		   corosync_cfg_callbacks_t *ccb)
{
	if (cmap_initialize(&qt->cmap) != CS_OK) {
		fprintf(stderr, "Cannot initialize CMAP service\n");
		qt->cmap = 0;
		return -1;
	}
	if (quorum_initialize(&qt->q, qcb, &qt->q_type) != CS_OK) {
		fprintf(stderr, "Cannot initialize QUORUM service\n");
		qt->q = 0;
		return -1;
	}
	quorum_context_set(qt->q, qt);
	if (corosync_cfg_initialize(&qt->cfg, ccb) != CS_OK) {
		fprintf(stderr, "Cannot initialise CFG service\n");
		qt->cfg = 0;
		return -1;
	}
	qt->using_vq = qt_using_votequorum(qt);
	if (qt->using_vq <= 0)
		return 0;
	if (votequorum_initialize(&qt->vq, vcb) != CS_OK) {
		fprintf(stderr, "Cannot initialise VOTEQUORUM service\n");
		qt->vq = 0;
		return -1;
	}
	votequorum_context_set(qt->vq, qt);
	if (cmap_get_uint32(qt->cmap, "runtime.votequorum.this_node_id", &qt->our_nodeid) != CS_OK) {
		fprintf(stderr, "Unable to retrieve this_node_id\n");
		return -1;
	}
	return 0;
}

static void qt_close(struct qt *qt)
{
	if (qt->cmap)
		cmap_finalize(qt->cmap);
	if (qt->q)
		quorum_finalize(qt->q);
	if (qt->cfg)
		corosync_cfg_finalize(qt->cfg);
	if (qt->vq)
		votequorum_finalize(qt->vq);
	free(qt->view);
}

/* nodelist.node.<i>.name of the entry whose nodeid matches, or "". */
static void qt_nodelist_name(struct qt *qt, uint32_t nodeid, char *buf, size_t size)
{
	cmap_iter_handle_t iter;
	char key[CMAP_KEYNAME_MAXLEN + 1];

	buf[0] = '\0';
	if (cmap_iter_init(qt->cmap, "nodelist.node.", &iter) != CS_OK)
		return;
	while (cmap_iter_next(qt->cmap, iter, key, NULL, NULL) == CS_OK) {
		char tmp[CMAP_KEYNAME_MAXLEN + 1];
		unsigned int pos;
		uint32_t id;
		char *str = NULL;

		if (sscanf(key, "nodelist.node.%u.%s", &pos, tmp) != 2 || strcmp(tmp, "nodeid"))
			continue;
		if (cmap_get_uint32(qt->cmap, key, &id) != CS_OK || id != nodeid)
			continue;
		snprintf(tmp, sizeof(tmp), "nodelist.node.%u.name", pos);
		if (cmap_get_string(qt->cmap, tmp, &str) != CS_OK || !str)
			continue;
		snprintf(buf, size, "%s", str);
		free(str);
		break;
	}
	cmap_iter_finalize(qt->cmap, iter);
}

/*
 * corosync's node_name: the nodelist name, then (with -a) the node's
 * addresses through getnameinfo; without a name the first address.
 */
static char *qt_node_name(struct qt *qt, uint32_t nodeid)
{
	corosync_cfg_node_address_t addrs[QT_ADDRS_MAX];
	char buf[(NI_MAXHOST + 2) * QT_ADDRS_MAX];
	size_t len = 0;
	int count = 0, start = 0;
	cs_error_t err;

	buf[0] = '\0';
	if (!qt->numeric) {
		qt_nodelist_name(qt, nodeid, buf, sizeof(buf) / 2);
		if (buf[0]) {
			start = 1;
			len = strlen(buf);
		}
	}
	err = corosync_cfg_get_node_addrs(qt->cfg, nodeid, QT_ADDRS_MAX, &count, addrs);
	if (err != CS_OK) {
		fprintf(stderr, "Unable to get node address for nodeid " CS_PRI_NODE_ID ": %s\n",
			nodeid, cs_strerror(err));
		return strdup("");
	}
	if (!qt->all_addrs)
		count = 1;
	for (int i = start; i < count && i < QT_ADDRS_MAX; i++) {
		struct sockaddr_storage ss;
		socklen_t alen;

		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, addrs[i].address,
		       sizeof(addrs[i].address) < sizeof(ss) ? sizeof(addrs[i].address) : sizeof(ss));
		if (!ss.ss_family)
			continue;
		alen = ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						: sizeof(struct sockaddr_in);
		if (i && len + 2 < sizeof(buf)) {
			buf[len++] = ',';
			buf[len++] = ' ';
			buf[len] = '\0';
		}
		if (getnameinfo((struct sockaddr *)&ss, alen, buf + len, sizeof(buf) - len, NULL, 0,
				qt->numeric ? NI_NUMERICHOST : 0) == 0)
			len += strlen(buf + len);
		else
			buf[len] = '\0';
	}
	return strdup(buf);
}

/* Fills the view's member list (GETINFO and name of every member). */
static int qt_gather_nodes(struct qt *qt, struct qt_view *v)
{
	v->nodes = calloc(qt->view_count ? qt->view_count : 1, sizeof(*v->nodes));
	if (!v->nodes)
		return -ENOMEM;
	v->count = qt->view_count;
	for (size_t n = 0; n < v->count; n++) {
		struct qt_node *q = &v->nodes[n];

		q->nodeid = qt->view[n];
		if (qt->vq) {
			q->info_err = votequorum_getinfo(qt->vq, q->nodeid, &q->info);
			if (q->info_err != CS_OK)
				memset(&q->info, 0, sizeof(q->info));
		}
	}
	for (size_t n = 0; n < v->count; n++) {
		v->nodes[n].name = qt_node_name(qt, v->nodes[n].nodeid);
		if (!v->nodes[n].name)
			return -ENOMEM;
	}
	qt_sort_nodes(v, qt->sort);
	return 0;
}

static void qt_free_view(struct qt_view *v)
{
	for (size_t n = 0; n < v->count; n++)
		free(v->nodes[n].name);
	free(v->nodes);
	v->nodes = NULL;
	v->count = 0;
}

static void qt_init_view(struct qt *qt, struct qt_view *v, char *date, size_t date_size)
{
	time_t t = time(NULL);
	struct tm tm;

	memset(v, 0, sizeof(*v));
	/* ctime()'s text, newline included */
	if (!localtime_r(&t, &tm) || !strftime(date, date_size, "%a %b %e %H:%M:%S %Y\n", &tm))
		snprintf(date, date_size, "\n");
	v->date = date;
	v->votequorum = qt->vq != 0;
	v->hex = qt->hex;
	v->machine_parsable = qt->parsable;
	v->our_nodeid = qt->our_nodeid;
	v->ring_rep = qt->ring_rep;
	v->ring_seq = qt->ring_seq;
}

/* corosync's display_quorum_data: the result of the local GETINFO. */
static cs_error_t qt_display(struct qt *qt, int quorate)
{
	struct qt_view v;
	char date[64];
	cs_error_t err = CS_OK;

	qt_init_view(qt, &v, date, sizeof(date));
	v.quorate = quorate;
	if (qt_get_provider(qt) == 0)
		v.provider = qt->provider;
	v.count = qt->view_count;
	if (!qt->vq) {
		if (qt->json) {
			v.count = 0;
			if (qt_gather_nodes(qt, &v) == 0)
				qt_print_json(stdout, &v, 1);
			qt_free_view(&v);
		} else {
			qt_print_status(stdout, stderr, &v);
		}
		return CS_OK;
	}
	err = votequorum_getinfo(qt->vq, qt->our_nodeid, &v.local);
	v.local_err = err;
	if (qt->json) {
		if (qt_gather_nodes(qt, &v) == 0)
			qt_print_json(stdout, &v, 1);
	} else {
		/* the status block shows the view's size before the members are read */
		qt_print_status(stdout, stderr, &v);
		if (qt_gather_nodes(qt, &v) == 0)
			qt_print_nodes(stdout, &v);
	}
	qt_free_view(&v);
	return err;
}

static int qt_show_status(struct qt *qt)
{
	cs_error_t err;
	int quorate = 0;

	err = quorum_getquorate(qt->q, &quorate);
	if (err != CS_OK) {
		fprintf(stderr, "Unable to get cluster quorate status: %s\n", cs_strerror(err));
		return EXIT_FAILURE;
	}
	err = quorum_trackstart(qt->q, CS_TRACK_CURRENT);
	if (err != CS_OK) {
		fprintf(stderr, "Unable to start quorum status tracking: %s\n", cs_strerror(err));
		return EXIT_FAILURE;
	}
	qt->called = false;
	while (!qt->called && err == CS_OK) {
		err = quorum_dispatch(qt->q, CS_DISPATCH_ONE);
		if (err != CS_OK)
			fprintf(stderr, "Unable to dispatch quorum status: %s\n", cs_strerror(err));
	}
	/* corosync prints the dispatch result here, not the trackstop one */
	if (quorum_trackstop(qt->q) != CS_OK)
		fprintf(stderr, "Unable to stop quorum status tracking: %s\n", cs_strerror(err));
	/*
	 * corosync tests using_votequorum() for truth, so -1 (no provider)
	 * also goes here and fails on the unopened handle, as corosync does;
	 * --json (ours alone) shows the quorum facts instead.
	 */
	if (qt->using_vq > 0 || (qt->using_vq && !qt->json)) {
		err = votequorum_trackstart(qt->vq, 0, CS_TRACK_CURRENT);
		if (err != CS_OK) {
			fprintf(stderr, "Unable to start votequorum status tracking: %s\n",
				cs_strerror(err));
			return EXIT_FAILURE;
		}
		qt->vq_called = false;
		while (!qt->vq_called && err == CS_OK) {
			err = votequorum_dispatch(qt->vq, CS_DISPATCH_ONE);
			if (err != CS_OK)
				fprintf(stderr, "Unable to dispatch votequorum status: %s\n",
					cs_strerror(err));
		}
	}
	if (err != CS_OK)
		return EXIT_FAILURE;
	if (qt_display(qt, quorate) != CS_OK)
		return EXIT_FAILURE;
	return quorate ? EXIT_SUCCESS : QT_EXIT_NOT_QUORATE;
}

static int qt_monitor(struct qt *qt)
{
	cs_error_t err;

	if (qt->q_type == QUORUM_FREE) {
		if (!qt->json)
			printf("\nQuorum is not configured - cannot monitor\n");
		return qt_show_status(qt);
	}
	err = quorum_trackstart(qt->q, CS_TRACK_CHANGES);
	if (err != CS_OK) {
		fprintf(stderr, "Unable to start quorum status tracking: %s\n", cs_strerror(err));
		return EXIT_FAILURE;
	}
	if (qt->using_vq) {
		err = votequorum_trackstart(qt->vq, 0, CS_TRACK_CHANGES);
		if (err != CS_OK) {
			fprintf(stderr, "Unable to start votequorum status tracking: %s\n",
				cs_strerror(err));
			return EXIT_FAILURE;
		}
	}
	for (;;) {
		err = quorum_dispatch(qt->q, CS_DISPATCH_ONE);
		if (err != CS_OK) {
			fprintf(stderr, "Unable to dispatch quorum status: %s\n", cs_strerror(err));
			return EXIT_FAILURE;
		}
		if (qt->using_vq) {
			qt->vq_called = false;
			while (!qt->vq_called) {
				err = votequorum_dispatch(qt->vq, CS_DISPATCH_ONE);
				if (err != CS_OK) {
					fprintf(stderr, "Unable to dispatch votequorum status: %s\n",
						cs_strerror(err));
					return EXIT_FAILURE;
				}
			}
		}
		err = qt_display(qt, (int)qt->quorate);
		if (!qt->json)
			printf("\n");
		/* a reader of a pipe sees every event as it happens */
		fflush(stdout);
		if (err != CS_OK) {
			fprintf(stderr, "Unable to display quorum data: %s\n", cs_strerror(err));
			return EXIT_FAILURE;
		}
	}
}

static int qt_show_nodes(struct qt *qt)
{
	struct qt_view v;
	char date[64];
	cs_error_t err;

	err = quorum_trackstart(qt->q, CS_TRACK_CURRENT);
	if (err != CS_OK) {
		fprintf(stderr, "Unable to start quorum status tracking: %s\n", cs_strerror(err));
		return EXIT_FAILURE;
	}
	qt->called = false;
	while (!qt->called) {
		err = quorum_dispatch(qt->q, CS_DISPATCH_ONE);
		if (err != CS_OK) {
			fprintf(stderr, "Unable to dispatch quorum status: %s\n", cs_strerror(err));
			return EXIT_FAILURE;
		}
	}
	qt_init_view(qt, &v, date, sizeof(date));
	if (qt_gather_nodes(qt, &v) == 0) {
		if (qt->json)
			qt_print_json(stdout, &v, 0);
		else
			qt_print_nodes(stdout, &v);
	}
	qt_free_view(&v);
	return EXIT_SUCCESS;
}

static int qt_unregister_qdevice(struct qt *qt)
{
	struct votequorum_info info;
	cs_error_t err;

	err = votequorum_getinfo(qt->vq, qt->our_nodeid, &info);
	if (err != CS_OK) {
		fprintf(stderr, "Unable to get quorum device info: %s\n", cs_strerror(err));
	} else if (info.flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED) {
		err = votequorum_qdevice_unregister(qt->vq, info.qdevice_name);
		if (err != CS_OK)
			fprintf(stderr, "Unable to unregister quorum device: %s\n",
				cs_strerror(err));
	}
	if (qt->json)
		qt_print_json_result(stdout, "unregister_qdevice", -1, 0, err, cs_strerror(err));
	return err == CS_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct qt qt = { .sort = QT_SORT_ADDR };
	quorum_callbacks_t qcb = { .quorum_notify_fn = qt_quorum_cb };
	votequorum_callbacks_t vcb = { .votequorum_nodelist_notify_fn = qt_vq_nodelist_cb };
	corosync_cfg_callbacks_t ccb = { .corosync_cfg_shutdown_callback = NULL };
	enum qt_cmd cmd = CMD_SHOWSTATUS;
	uint32_t nodeid = 0;
	bool nodeid_set = false;
	int votes = 0, ret = EXIT_SUCCESS, opt;
	long long l;
	cs_error_t err;

	while ((opt = getopt_long(argc, argv, "VHaslpmfe:v:hin:o:j", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			cmd = CMD_UNREGISTER_QDEVICE;
			break;
		case 's':
			cmd = CMD_SHOWSTATUS;
			break;
		case 'a':
			qt.all_addrs = true;
			break;
		case 'm':
			cmd = CMD_MONITOR;
			break;
		case 'i':
			qt.numeric = true;
			break;
		case 'H':
			qt.hex = true;
			break;
		case 'l':
			cmd = CMD_SHOWNODES;
			break;
		case 'p':
			qt.parsable = true;
			break;
		case 'j':
			qt.json = true;
			break;
		case 'e':
			if (qt_strtonum(optarg, 1, INT_MAX, &l) == -1) {
				fprintf(stderr, "New expected votes value was not valid, try a positive number\n");
				exit(EXIT_FAILURE);
			}
			votes = (int)l;
			cmd = CMD_SETEXPECTED;
			break;
		case 'n':
			if (qt_strtonum(optarg, 1, UINT_MAX, &l) == -1) {
				fprintf(stderr, "The nodeid was not valid, try a positive number\n");
				exit(EXIT_FAILURE);
			}
			nodeid = (uint32_t)l;
			nodeid_set = true;
			break;
		case 'v':
			if (qt_strtonum(optarg, 0, INT_MAX, &l) == -1) {
				fprintf(stderr, "New votes value was not valid, try a positive number or zero\n");
				exit(EXIT_FAILURE);
			}
			votes = (int)l;
			cmd = CMD_SETVOTES;
			break;
		case 'o':
			if (strcmp(optarg, "a") == 0) {
				qt.sort = QT_SORT_ADDR;
			} else if (strcmp(optarg, "i") == 0) {
				qt.sort = QT_SORT_NODEID;
			} else if (strcmp(optarg, "n") == 0) {
				qt.sort = QT_SORT_NAME;
			} else {
				fprintf(stderr, "Invalid ordering option. valid orders are a(address), i(node ID) or n(name)\n");
				exit(EXIT_FAILURE);
			}
			break;
		case 'V':
			printf("corosync-quorumtool version: %s\n", QT_VERSION);
			exit(EXIT_SUCCESS);
		case 'h':
			qt_print_usage(stdout, argv[0]);
			exit(EXIT_SUCCESS);
		default:
			qt_print_usage(stdout, argv[0]);
			exit(EXIT_FAILURE);
		}
	}

	if (qt_init(&qt, &qcb, &vcb, &ccb)) {
		qt_close(&qt);
		exit(EXIT_FAILURE);
	}

	switch (cmd) {
	case CMD_SHOWNODES:
		ret = qt_show_nodes(&qt);
		break;
	case CMD_SHOWSTATUS:
		ret = qt_show_status(&qt);
		break;
	case CMD_SETVOTES:
		if (qt.using_vq <= 0) {
			fprintf(stderr, "You cannot change node votes, corosync is not using votequorum\n");
			ret = EXIT_FAILURE;
			break;
		}
		if (!nodeid_set)
			nodeid = qt.our_nodeid;
		err = votequorum_setvotes(qt.vq, nodeid, votes);
		if (err != CS_OK)
			fprintf(stderr, "Unable to set votes %d for nodeid: " CS_PRI_NODE_ID ": %s\n",
				votes, nodeid, cs_strerror(err));
		if (qt.json)
			qt_print_json_result(stdout, "set_votes", votes, nodeid, err, cs_strerror(err));
		ret = err == CS_OK ? EXIT_SUCCESS : EXIT_FAILURE;
		break;
	case CMD_SETEXPECTED:
		if (qt.using_vq <= 0) {
			fprintf(stderr, "You cannot change expected votes, corosync is not using votequorum\n");
			ret = EXIT_FAILURE;
			break;
		}
		err = votequorum_setexpected(qt.vq, (unsigned int)votes);
		if (err != CS_OK)
			fprintf(stderr, "Unable to set expected votes: %s\n", cs_strerror(err));
		if (qt.json)
			qt_print_json_result(stdout, "set_expected", votes, 0, err, cs_strerror(err));
		ret = err == CS_OK ? EXIT_SUCCESS : EXIT_FAILURE;
		break;
	case CMD_MONITOR:
		ret = qt_monitor(&qt);
		break;
	case CMD_UNREGISTER_QDEVICE:
		if (qt.using_vq <= 0) {
			fprintf(stderr, "You cannot unregister quorum device, corosync is not using votequorum\n");
			ret = EXIT_FAILURE;
			break;
		}
		ret = qt_unregister_qdevice(&qt);
		break;
	}
	qt_close(&qt);
	return ret;
}
