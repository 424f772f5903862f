/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The quorum service (corosync v3.1.7 exec/vsf_quorum.c): the daemon side of
 * libquorum.so.5.  It reports the quorum provider's decision (votequorum,
 * through svc_quorum_get() and the quorum_changed() hook) or, with no
 * provider configured, "always quorate".
 *
 * A connection starts in model V0 (quorum_initialize sends GETTYPE) or
 * switches to V1 (quorum_model_initialize sends MODEL_GETTYPE).  V0 clients
 * (Pacemaker) only ever get the V0 QUORUM event (id 3), V1 clients only the
 * V1 QUORUM (6) and NODELIST (7) events: libquorum fails dispatch on any
 * other id.  QUORUM events go out every time the provider decides (end of
 * every sync, and quorum flips outside one); V1 NODELIST events at the end
 * of every sync, with the joined and left lists against the previous
 * membership.
 *
 * No file-scope state: struct quorum_state per host, struct quorum_conn per
 * connection.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_SUBSYS LOG_SUBSYS_QUORUM
#include <chorus/icmap.h>
#include <chorus/log.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_quorum.h>

#include "services/quorum/quorum_service.h"

#define QUORUM_MEMBERS_MAX 384   /* corosync's PROCESSOR_COUNT_MAX */

struct quorum_conn {
	struct svc_conn *conn;
	bool tracking;
	uint32_t model;              /* enum lib_quorum_model */
	struct quorum_conn *next;    /* trackers list */
};

struct quorum_state {
	struct svc *svc;
	uint32_t quorum_type;        /* QUORUM_FREE 0 / QUORUM_SET 1 */
	bool primary;                /* last quorate flag logged */
	struct quorum_conn *trackers;

	/* the last sync's membership and how it differs from the one before */
	uint32_t ring_rep;
	uint64_t ring_seq;
	uint32_t members[QUORUM_MEMBERS_MAX];
	size_t members_count;
	uint32_t old_members[QUORUM_MEMBERS_MAX];
	size_t old_members_count;
	uint32_t joined[QUORUM_MEMBERS_MAX];
	size_t joined_count;
	uint32_t left[QUORUM_MEMBERS_MAX];
	size_t left_count;
};

/* What the provider last decided; no provider: quorate, no ring, no members. */
static void current(struct quorum_state *st, struct svc_quorum *q)
{
	if (svc_quorum_get(st->svc, q) == 0)
		return;
	memset(q, 0, sizeof(*q));
	q->quorate = st->quorum_type == QUORUM_FREE;
}

static bool in_list(uint32_t id, const uint32_t *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == id)
			return true;
	return false;
}

/* "Members[3]: 1 2 3" as corosync logs a view (one line; long views are cut). */
static void log_view(const char *what, const uint32_t *list, size_t n)
{
	char buf[256];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < sizeof(buf) - 12; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %" PRIu32, list[i]);
	log_notice("%s[%zu]:%s", what, n, buf);
}

/* ---- events --------------------------------------------------------------------- */

static void send_quorum_event(struct quorum_state *st, struct quorum_conn *only)
{
	struct svc_quorum q;
	size_t n, size0, size1;
	struct res_lib_quorum_notification *v0;
	struct res_lib_quorum_v1_quorum_notification *v1;

	current(st, &q);
	n = q.members_count;
	/* header.size = sizeof + 4n with the list 4 bytes before sizeof: 4 bytes of slack */
	size0 = sizeof(*v0) + n * sizeof(uint32_t);
	size1 = sizeof(*v1) + n * sizeof(uint32_t);
	v0 = calloc(1, size0);
	v1 = calloc(1, size1);
	if (!v0 || !v1)
		goto out;
	v0->header.id = MESSAGE_RES_QUORUM_NOTIFICATION;
	v0->header.size = (int32_t)size0;
	v0->header.error = CS_OK;
	v0->quorate = q.quorate;
	v0->ring_seq = q.ring_seq;
	v0->view_list_entries = (uint32_t)n;
	if (n)
		memcpy(v0->view_list, q.members, n * sizeof(uint32_t));
	v1->header.id = MESSAGE_RES_QUORUM_V1_QUORUM_NOTIFICATION;
	v1->header.size = (int32_t)size1;
	v1->header.error = CS_OK;
	v1->quorate = q.quorate;
	v1->ring_id.nodeid = q.rep_nodeid;
	v1->ring_id.seq = q.ring_seq;
	v1->view_list_entries = (uint32_t)n;
	if (n)
		memcpy(v1->view_list, q.members, n * sizeof(uint32_t));
	for (struct quorum_conn *c = only ? only : st->trackers; c; c = only ? NULL : c->next) {
		struct iovec iov;

		if (c->model == LIB_QUORUM_MODEL_V0) {
			iov.iov_base = v0;
			iov.iov_len = size0;
		} else {
			iov.iov_base = v1;
			iov.iov_len = size1;
		}
		svc_event(c->conn, &iov, 1);
	}
out:
	free(v0);
	free(v1);
}

/* V1 only.  with_changes: the end of a sync (joined/left filled); else a snapshot. */
static void send_nodelist_event(struct quorum_state *st, struct quorum_conn *only,
				bool with_changes)
{
	size_t j = with_changes ? st->joined_count : 0, l = with_changes ? st->left_count : 0;
	size_t m = st->members_count;
	size_t size = sizeof(struct res_lib_quorum_v1_nodelist_notification) +
		      (m + j + l) * sizeof(uint32_t);
	struct res_lib_quorum_v1_nodelist_notification *ev = calloc(1, size);
	uint32_t *p;

	if (!ev)
		return;
	ev->header.id = MESSAGE_RES_QUORUM_V1_NODELIST_NOTIFICATION;
	ev->header.size = (int32_t)size;
	ev->header.error = CS_OK;
	ev->ring_id.nodeid = st->ring_rep;
	ev->ring_id.seq = st->ring_seq;
	ev->member_list_entries = (uint32_t)m;
	ev->joined_list_entries = (uint32_t)j;
	ev->left_list_entries = (uint32_t)l;
	p = ev->member_list;
	memcpy(p, st->members, m * sizeof(uint32_t));
	memcpy(p + m, st->joined, j * sizeof(uint32_t));
	memcpy(p + m + j, st->left, l * sizeof(uint32_t));
	for (struct quorum_conn *c = only ? only : st->trackers; c; c = only ? NULL : c->next) {
		struct iovec iov = { .iov_base = ev, .iov_len = size };

		if (c->model == LIB_QUORUM_MODEL_V1)
			svc_event(c->conn, &iov, 1);
	}
	free(ev);
}

/* The provider decided (votequorum's sync activate, or a flip outside sync). */
static void quorum_changed(struct svc *svc, const struct svc_quorum *q)
{
	struct quorum_state *st = svc_state(svc);

	if (q->quorate && !st->primary)
		log_notice("This node is within the primary component and will provide service.");
	else if (!q->quorate && st->primary)
		log_notice("This node is within the non-primary component and will NOT provide any services.");
	st->primary = q->quorate;
	log_view("Members", q->members, q->members_count);
	send_quorum_event(st, NULL);
}

/* ---- sync ------------------------------------------------------------------------ */

static void quorum_sync_init(struct svc *svc, const struct svc_view *view)
{
	struct quorum_state *st = svc_state(svc);
	size_t n = view->members_count < QUORUM_MEMBERS_MAX ? view->members_count : QUORUM_MEMBERS_MAX;

	memcpy(st->members, view->members, n * sizeof(uint32_t));
	st->members_count = n;
	st->ring_rep = view->rep_nodeid;
	st->ring_seq = view->ring_seq;
	/* left: in the old membership and not carried over into this one */
	st->left_count = 0;
	for (size_t i = 0; i < st->old_members_count; i++) {
		uint32_t id = st->old_members[i];

		if (!in_list(id, view->trans, view->trans_count) || !in_list(id, st->members, n))
			st->left[st->left_count++] = id;
	}
	/* joined: new, or left and back in the same change */
	st->joined_count = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t id = st->members[i];

		if (!in_list(id, st->old_members, st->old_members_count) ||
		    in_list(id, st->left, st->left_count))
			st->joined[st->joined_count++] = id;
	}
	log_view("Sync members", st->members, st->members_count);
	if (st->joined_count)
		log_view("Sync joined", st->joined, st->joined_count);
	if (st->left_count)
		log_view("Sync left", st->left, st->left_count);
}

static int quorum_sync_process(struct svc *svc)
{
	(void)svc;
	return 0;
}

static void quorum_sync_activate(struct svc *svc)
{
	struct quorum_state *st = svc_state(svc);

	memcpy(st->old_members, st->members, st->members_count * sizeof(uint32_t));
	st->old_members_count = st->members_count;
	send_nodelist_event(st, NULL, true);
}

static void quorum_sync_abort(struct svc *svc)
{
	(void)svc;
}

/* ---- IPC ------------------------------------------------------------------------- */

static void reply_u32(struct svc_conn *conn, int32_t id, cs_error_t err, uint32_t value)
{
	struct res_lib_quorum_getquorate res;   /* same layout as GETTYPE / MODEL_GETTYPE */
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };

	memset(&res, 0, sizeof(res));
	res.header.id = id;
	res.header.size = sizeof(res);
	res.header.error = err;
	res.quorate = value;
	svc_reply(conn, &iov, 1);
}

static void handle_getquorate(struct svc_conn *conn, const void *msg, size_t len)
{
	struct quorum_state *st = svc_state(svc_conn_svc(conn));
	struct svc_quorum q;

	(void)msg, (void)len;
	current(st, &q);
	reply_u32(conn, MESSAGE_RES_QUORUM_GETQUORATE, CS_OK, q.quorate);
}

static void untrack(struct quorum_state *st, struct quorum_conn *c)
{
	if (!c->tracking)
		return;
	for (struct quorum_conn **pp = &st->trackers; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->tracking = false;
	c->next = NULL;
}

static void handle_trackstart(struct svc_conn *conn, const void *msg, size_t len)
{
	struct quorum_state *st = svc_state(svc_conn_svc(conn));
	struct quorum_conn *c = svc_conn_state(conn);
	const struct req_lib_quorum_trackstart *req = msg;
	cs_error_t err = CS_OK;

	(void)len;
	/* the current state first, as events, before the reply */
	if (req->track_flags & (CS_TRACK_CURRENT | CS_TRACK_CHANGES)) {
		if (c->model == LIB_QUORUM_MODEL_V1)
			send_nodelist_event(st, c, false);
		send_quorum_event(st, c);
	}
	if (c->tracking) {
		err = CS_ERR_EXIST;
	} else if (req->track_flags & (CS_TRACK_CHANGES | CS_TRACK_CHANGES_ONLY)) {
		c->tracking = true;
		c->next = st->trackers;
		st->trackers = c;
	}
	svc_reply_error(conn, MESSAGE_RES_QUORUM_TRACKSTART, err);
}

/* Always CS_OK, tracking or not, as corosync 3.1.7 answers. */
static void handle_trackstop(struct svc_conn *conn, const void *msg, size_t len)
{
	(void)msg, (void)len;
	untrack(svc_state(svc_conn_svc(conn)), svc_conn_state(conn));
	svc_reply_error(conn, MESSAGE_RES_QUORUM_TRACKSTOP, CS_OK);
}

static void handle_gettype(struct svc_conn *conn, const void *msg, size_t len)
{
	struct quorum_state *st = svc_state(svc_conn_svc(conn));

	(void)msg, (void)len;
	reply_u32(conn, MESSAGE_RES_QUORUM_GETTYPE, CS_OK, st->quorum_type);
}

static void handle_model_gettype(struct svc_conn *conn, const void *msg, size_t len)
{
	struct quorum_state *st = svc_state(svc_conn_svc(conn));
	struct quorum_conn *c = svc_conn_state(conn);
	const struct req_lib_quorum_model_gettype *req = msg;
	cs_error_t err = CS_OK;

	(void)len;
	if (req->model == LIB_QUORUM_MODEL_V0 || req->model == LIB_QUORUM_MODEL_V1)
		c->model = req->model;
	else
		err = CS_ERR_INVALID_PARAM;
	reply_u32(conn, MESSAGE_RES_QUORUM_MODEL_GETTYPE, err, st->quorum_type);
}

/* ---- lifetime --------------------------------------------------------------------- */

/*
 * The provider is chosen by quorum.provider, as corosync's quorum service
 * does; chorusd loads votequorum.so after us when it is corosync_votequorum.
 * corosync_ykd (obsolete) is not provided: it fails like an unknown name.
 */
static int quorum_init(struct svc *svc)
{
	struct quorum_state *st = svc_state(svc);
	const char *provider;

	st->svc = svc;
	if (svc_cmap(svc) && icmap_get_string(svc_cmap(svc), "quorum.provider", &provider) == 0) {
		log_notice("Using quorum provider %s", provider);
		if (strcmp(provider, "corosync_votequorum") != 0) {
			log_err("Quorum provider: %s failed to initialize.", provider);
			svc_set_error(svc, "Invalid quorum provider");
			return -EINVAL;
		}
		st->quorum_type = QUORUM_SET;
	} else {
		st->quorum_type = QUORUM_FREE;
		st->primary = true;
	}
	return 0;
}

static int quorum_conn_open(struct svc_conn *conn)
{
	struct quorum_conn *c = svc_conn_state(conn);

	c->conn = conn;
	c->model = LIB_QUORUM_MODEL_V0;
	return 0;
}

static void quorum_conn_close(struct svc_conn *conn)
{
	untrack(svc_state(svc_conn_svc(conn)), svc_conn_state(conn));
}

static void quorum_dump(struct svc *svc, FILE *out)
{
	struct quorum_state *st = svc_state(svc);
	struct svc_quorum q;
	size_t trackers = 0;

	current(st, &q);
	for (struct quorum_conn *c = st->trackers; c; c = c->next)
		trackers++;
	fprintf(out, "quorum: type %" PRIu32 " quorate %d ring %" PRIx32 ".%" PRIx64
		" members %zu trackers %zu\n", st->quorum_type, q.quorate, st->ring_rep, st->ring_seq,
		st->members_count, trackers);
}

uint32_t quorum_service_type(struct svc *svc)
{
	return ((struct quorum_state *)svc_state(svc))->quorum_type;
}

/* ---- declaration ---------------------------------------------------------------- */

#define REQ_HDR sizeof(struct req_lib_quorum_header_only)

/* All "flow control not required", as corosync 3.1.7's quorum_lib_service. */
static const struct svc_ipc_op quorum_ipc_ops[] = {
	{ MESSAGE_REQ_QUORUM_GETQUORATE, 0, REQ_HDR, 0, handle_getquorate },
	{ MESSAGE_REQ_QUORUM_TRACKSTART, 0, sizeof(struct req_lib_quorum_trackstart), 0,
	  handle_trackstart },
	{ MESSAGE_REQ_QUORUM_TRACKSTOP, 0, REQ_HDR, 0, handle_trackstop },
	{ MESSAGE_REQ_QUORUM_GETTYPE, 0, REQ_HDR, 0, handle_gettype },
	{ MESSAGE_REQ_QUORUM_MODEL_GETTYPE, 0, sizeof(struct req_lib_quorum_model_gettype), 0,
	  handle_model_gettype },
};

static const struct svc_sync_ops quorum_sync_ops = {
	.init = quorum_sync_init,
	.process = quorum_sync_process,
	.activate = quorum_sync_activate,
	.abort = quorum_sync_abort,
};

const struct svc_def quorum_service_def = {
	.abi = SVC_ABI,
	.id = QUORUM_SERVICE_ID,
	.priority = 3,
	.name = "corosync_quorum",
	.ipc_name = "quorum",
	.state_size = sizeof(struct quorum_state),
	.conn_state_size = sizeof(struct quorum_conn),
	.ipc_ops = quorum_ipc_ops,
	.ipc_ops_count = sizeof(quorum_ipc_ops) / sizeof(quorum_ipc_ops[0]),
	.totem_ops = NULL,
	.totem_ops_count = 0,
	.sync = &quorum_sync_ops,
	.init = quorum_init,
	.conn_open = quorum_conn_open,
	.conn_close = quorum_conn_close,
	.dump = quorum_dump,
	.quorum_changed = quorum_changed,
};
