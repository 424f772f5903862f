/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake service host (see fake_host.h): svc_* over in-memory lists.
 *
 * Owns the service state, the two maps, the connections and what they were
 * sent.  It does not do IPC, totem, credentials checks or flow control.
 * Invariant: a connection's memory lives until both the client closed it and
 * the service dropped every svc_conn_ref(); handlers are only called with a
 * length inside the op's declared bounds.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>

#include <chorus/icmap.h>
#include <chorus/service.h>

#include "test/fakes/fake_host.h"

struct fake_list {
	struct fake_msg *head, *tail;
	size_t count;
};

struct svc_conn {
	struct svc_conn *next;
	struct fake_host *host;
	void *state;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	unsigned int refs;
	bool closed;
	struct fake_list replies;
	struct fake_list events;
	size_t bad_sizes;
	bool in_handler;     /* a request handler runs now */
	bool again;          /* ... and handed its request back */
};

struct svc {
	struct fake_host *host;
	const struct svc_def *def;
	void *state;
};

struct fake_host {
	struct svc svc;
	uint32_t nodeid;
	bool quorate;
	bool inited;
	bool sync_running;          /* svc_sync_in_progress() (fake_host_set_sync) */
	/* the last svc_quorum_set() */
	bool quorum_known;
	uint32_t quorum_rep;
	uint64_t quorum_seq;
	uint32_t *quorum_members;
	size_t quorum_members_count;
	unsigned int quorum_sets;
	uint64_t now_ms;
	struct icmap *cmap;
	struct icmap *stats;
	struct svc_conn *conns;
	struct svc_timer *timers;
	struct fake_list mcasts;
	int mcast_result;
	char error[256];
	/* the scripted daemon (fake_host_set_node_status, svc_shutdown, svc_reopen_logs) */
	bool daemon;
	struct {
		uint32_t nodeid;
		struct svc_node_status st;
	} status[FAKE_NODE_STATUS_MAX];
	size_t status_count;
	unsigned int shutdowns;
	int shutdown_status;
	char shutdown_reason[256];
	unsigned int reopens;
	int reopen_result;
	unsigned int reloads;
	int reload_result;
	unsigned int crypto_phases;
	enum svc_crypto_phase crypto_phase_last;
	unsigned int stats_clears;
	unsigned int stats_cleared;     /* groups of the last svc_stats_clear */
};

/* ---- message lists ---------------------------------------------------------- */

static struct fake_msg *fake_msg_gather(const struct iovec *iov, size_t iovcnt)
{
	struct fake_msg *m;
	size_t total = 0, off = 0;

	for (size_t i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	m = calloc(1, sizeof(*m) + total + 8);
	if (!m)
		abort();
	for (size_t i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len)
			memcpy(m->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	m->len = total;
	return m;
}

static void fake_list_push(struct fake_list *l, struct fake_msg *m)
{
	if (l->tail)
		l->tail->next = m;
	else
		l->head = m;
	l->tail = m;
	l->count++;
}

static const struct fake_msg *fake_list_at(const struct fake_list *l, size_t index)
{
	const struct fake_msg *m = l->head;

	while (m && index--)
		m = m->next;
	return m;
}

static void fake_list_free(struct fake_list *l)
{
	struct fake_msg *m, *next;

	for (m = l->head; m; m = next) {
		next = m->next;
		free(m);
	}
	memset(l, 0, sizeof(*l));
}

/* ---- host lifetime ------------------------------------------------------------ */

int fake_host_new(const struct svc_def *def, uint32_t nodeid, struct fake_host **ret_host)
{
	return fake_host_new_cmap(def, nodeid, NULL, ret_host);
}

int fake_host_new_cmap(const struct svc_def *def, uint32_t nodeid, struct icmap *cmap,
		       struct fake_host **ret_host)
{
	struct fake_host *h = calloc(1, sizeof(*h));
	int r = 0;

	if (!h) {
		icmap_free(cmap);
		return -ENOMEM;
	}
	h->svc.host = h;
	h->svc.def = def;
	h->nodeid = nodeid;
	h->quorate = true;
	h->cmap = cmap ? cmap : icmap_new();
	h->stats = icmap_new();
	h->svc.state = calloc(1, def->state_size ? def->state_size : 1);
	if (!h->cmap || !h->stats || !h->svc.state) {
		fake_host_free(h);
		return -ENOMEM;
	}
	if (def->init)
		r = def->init(&h->svc);
	h->inited = r == 0;
	*ret_host = h;
	return r;
}

static void fake_conn_free(struct svc_conn *c)
{
	struct svc_conn **pp;

	for (pp = &c->host->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	fake_list_free(&c->replies);
	fake_list_free(&c->events);
	free(c->state);
	free(c);
}

void fake_host_free(struct fake_host *h)
{
	if (!h)
		return;
	while (h->conns) {
		struct svc_conn *c = h->conns;

		if (!c->closed && h->svc.def->conn_close)
			h->svc.def->conn_close(c);
		fake_conn_free(c);
	}
	if (h->inited && h->svc.def->fini)
		h->svc.def->fini(&h->svc);
	fake_list_free(&h->mcasts);
	free(h->quorum_members);
	icmap_free(h->cmap);
	icmap_free(h->stats);
	free(h->svc.state);
	free(h);
}

const char *fake_host_error(const struct fake_host *h)
{
	return h->error;
}

struct svc *fake_host_svc(struct fake_host *h)
{
	return &h->svc;
}

struct icmap *fake_host_cmap(struct fake_host *h)
{
	return h->cmap;
}

struct icmap *fake_host_stats(struct fake_host *h)
{
	return h->stats;
}

void fake_host_set_quorate(struct fake_host *h, bool quorate)
{
	h->quorate = quorate;
}

unsigned int fake_host_quorum_sets(const struct fake_host *h)
{
	return h->quorum_sets;
}

int svc_quorum_set(struct svc *svc, const struct svc_quorum *q)
{
	struct fake_host *h = svc->host;
	struct svc_quorum copy;
	uint32_t *m = calloc(q->members_count + 1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	if (q->members_count)
		memcpy(m, q->members, q->members_count * sizeof(*m));
	free(h->quorum_members);
	h->quorum_members = m;
	h->quorum_members_count = q->members_count;
	h->quorum_rep = q->rep_nodeid;
	h->quorum_seq = q->ring_seq;
	h->quorum_known = true;
	h->quorate = q->quorate;
	h->quorum_sets++;
	svc_quorum_get(svc, &copy);
	if (svc->def->quorum_changed)
		svc->def->quorum_changed(svc, &copy);
	return 0;
}

int svc_quorum_get(struct svc *svc, struct svc_quorum *ret_q)
{
	struct fake_host *h = svc->host;

	if (!h->quorum_known)
		return -ENOENT;
	ret_q->quorate = h->quorate;
	ret_q->rep_nodeid = h->quorum_rep;
	ret_q->ring_seq = h->quorum_seq;
	ret_q->members = h->quorum_members;
	ret_q->members_count = h->quorum_members_count;
	return 0;
}

/* ---- connections ----------------------------------------------------------- */

int fake_conn_open(struct fake_host *h, pid_t pid, uid_t uid, gid_t gid,
		   struct svc_conn **ret_conn)
{
	struct svc_conn *c = calloc(1, sizeof(*c));
	const struct svc_def *def = h->svc.def;
	int r;

	if (!c)
		return -ENOMEM;
	c->state = calloc(1, def->conn_state_size ? def->conn_state_size : 1);
	if (!c->state) {
		free(c);
		return -ENOMEM;
	}
	c->host = h;
	c->pid = pid;
	c->uid = uid;
	c->gid = gid;
	c->refs = 1;
	c->next = h->conns;
	h->conns = c;
	if (def->conn_open) {
		r = def->conn_open(c);
		if (r < 0) {
			fake_conn_free(c);
			return r;
		}
	}
	*ret_conn = c;
	return 0;
}

void fake_conn_close(struct svc_conn *c)
{
	if (!c || c->closed)
		return;
	if (c->host->svc.def->conn_close)
		c->host->svc.def->conn_close(c);
	c->closed = true;
	svc_conn_unref(c);
}

int fake_conn_request(struct svc_conn *c, const void *msg, size_t len)
{
	const struct svc_def *def = c->host->svc.def;
	struct qb_ipc_request_header hdr;
	const struct svc_ipc_op *op = NULL;
	void *copy;

	if (len < sizeof(hdr))
		return -EMSGSIZE;
	memcpy(&hdr, msg, sizeof(hdr));
	for (size_t i = 0; i < def->ipc_ops_count; i++)
		if (hdr.id >= 0 && def->ipc_ops[i].id == (uint32_t)hdr.id)
			op = &def->ipc_ops[i];
	if (!op)
		return -ENOSYS;
	if (len < op->size_min || len > (op->size_max ? op->size_max : op->size_min))
		return -EMSGSIZE;
	/* An exact-size copy, so ASan catches a handler reading past len. */
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, msg, len);
	c->in_handler = true;
	c->again = false;
	op->handle(c, copy, len);
	c->in_handler = false;
	free(copy);
	return c->again ? -EAGAIN : 0;
}

int svc_request_again(struct svc_conn *c)
{
	if (!c->in_handler || c->again)
		return -EINVAL;
	c->again = true;
	return 0;
}

size_t fake_conn_reply_count(const struct svc_conn *c)
{
	return c->replies.count;
}

size_t fake_conn_event_count(const struct svc_conn *c)
{
	return c->events.count;
}

const struct fake_msg *fake_conn_reply(const struct svc_conn *c, size_t index)
{
	return fake_list_at(&c->replies, index);
}

const struct fake_msg *fake_conn_event(const struct svc_conn *c, size_t index)
{
	return fake_list_at(&c->events, index);
}

size_t fake_conn_bad_sizes(const struct svc_conn *c)
{
	return c->bad_sizes;
}

void fake_conn_forget(struct svc_conn *c)
{
	fake_list_free(&c->replies);
	fake_list_free(&c->events);
}

/* ---- totem --------------------------------------------------------------------- */

size_t fake_host_mcast_count(const struct fake_host *h)
{
	return h->mcasts.count;
}

const struct fake_msg *fake_host_mcast(const struct fake_host *h, size_t index)
{
	return fake_list_at(&h->mcasts, index);
}

void fake_host_mcast_forget(struct fake_host *h)
{
	fake_list_free(&h->mcasts);
}

void fake_host_mcast_fail(struct fake_host *h, int r)
{
	h->mcast_result = r;
}

int fake_host_deliver(struct fake_host *h, uint32_t from_nodeid, const void *msg, size_t len,
		      bool foreign_endian)
{
	const struct svc_def *def = h->svc.def;
	const struct svc_totem_op *op = NULL;
	struct qb_ipc_request_header hdr;
	uint32_t id;
	void *copy;

	if (len < sizeof(hdr))
		return -EMSGSIZE;
	memcpy(&hdr, msg, sizeof(hdr));
	id = (uint32_t)hdr.id;
	if (foreign_endian)
		id = __builtin_bswap32(id);
	for (size_t i = 0; i < def->totem_ops_count; i++)
		if (def->totem_ops[i].id == (id & 0xffff))
			op = &def->totem_ops[i];
	if (!op || (id >> 16) != def->id)
		return -ENOSYS;
	if (len < op->size_min)
		return -EMSGSIZE;
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, msg, len);
	if (foreign_endian) {
		struct qb_ipc_request_header *ch = copy;

		ch->id = (int32_t)id;
		ch->size = (int32_t)__builtin_bswap32((uint32_t)ch->size);
		if (op->to_host)
			op->to_host(copy, len);
	}
	op->handle(&h->svc, from_nodeid, copy, len);
	free(copy);
	return 0;
}

int fake_host_sync(struct fake_host *h, const struct svc_view *view, unsigned int max_rounds)
{
	const struct svc_sync_ops *ops = h->svc.def->sync;
	int r = 0;

	if (!ops)
		return 0;
	if (ops->init)
		ops->init(&h->svc, view);
	for (unsigned int i = 0; i < max_rounds; i++) {
		r = ops->process ? ops->process(&h->svc) : 0;
		if (r != -EAGAIN)
			break;
	}
	if (r == 0 && ops->activate)
		ops->activate(&h->svc);
	else if (r != 0 && ops->abort)
		ops->abort(&h->svc);
	return r;
}

void fake_host_view(struct fake_host *h, const struct svc_view *view)
{
	if (h->svc.def->view_change)
		h->svc.def->view_change(&h->svc, view);
}

/* ---- timers --------------------------------------------------------------------- */

void fake_host_advance(struct fake_host *h, uint64_t ms)
{
	h->now_ms += ms;
	for (;;) {
		struct svc_timer *t, *due = NULL;

		for (t = h->timers; t; t = t->next)
			if (t->armed && t->deadline_ms <= h->now_ms &&
			    (!due || t->deadline_ms < due->deadline_ms))
				due = t;
		if (!due)
			return;
		svc_timer_stop(due);
		due->fn(due->svc, due);
	}
}

/* ---- the svc_* host API ------------------------------------------------------- */

void *svc_state(struct svc *svc)
{
	return svc->state;
}

const struct svc_def *svc_def(struct svc *svc)
{
	return svc->def;
}

struct svc *svc_conn_svc(struct svc_conn *conn)
{
	return &conn->host->svc;
}

void *svc_conn_state(struct svc_conn *conn)
{
	return conn->state;
}

void svc_conn_creds(struct svc_conn *conn, pid_t *ret_pid, uid_t *ret_uid, gid_t *ret_gid)
{
	if (ret_pid)
		*ret_pid = conn->pid;
	if (ret_uid)
		*ret_uid = conn->uid;
	if (ret_gid)
		*ret_gid = conn->gid;
}

void svc_conn_ref(struct svc_conn *conn)
{
	conn->refs++;
}

void svc_conn_unref(struct svc_conn *conn)
{
	if (conn && --conn->refs == 0)
		fake_conn_free(conn);
}

bool svc_conn_closed(const struct svc_conn *conn)
{
	return conn->closed;
}

uint32_t svc_nodeid(struct svc *svc)
{
	return svc->host->nodeid;
}

uint64_t svc_now_ms(struct svc *svc)
{
	return svc->host->now_ms;
}

bool svc_quorate(struct svc *svc)
{
	return svc->host->quorate;
}

bool svc_sync_in_progress(struct svc *svc)
{
	return svc->host->sync_running;
}

void fake_host_set_sync(struct fake_host *host, bool running)
{
	host->sync_running = running;
}

struct icmap *svc_cmap(struct svc *svc)
{
	return svc->host->cmap;
}

struct icmap *svc_stats(struct svc *svc)
{
	return svc->host->stats;
}

/* ---- the scripted daemon ------------------------------------------------------ */

void fake_host_daemon(struct fake_host *h, bool on)
{
	h->daemon = on;
}

int fake_host_set_node_status(struct fake_host *h, uint32_t nodeid,
			      const struct svc_node_status *st)
{
	size_t i;

	for (i = 0; i < h->status_count && h->status[i].nodeid != nodeid; i++)
		;
	if (i == FAKE_NODE_STATUS_MAX)
		return -ENOSPC;
	if (i == h->status_count)
		h->status_count++;
	h->status[i].nodeid = nodeid;
	h->status[i].st = *st;
	h->daemon = true;
	return 0;
}

unsigned int fake_host_shutdowns(const struct fake_host *h, int *ret_status,
				 const char **ret_reason)
{
	if (ret_status)
		*ret_status = h->shutdown_status;
	if (ret_reason)
		*ret_reason = h->shutdown_reason;
	return h->shutdowns;
}

unsigned int fake_host_reopens(const struct fake_host *h)
{
	return h->reopens;
}

void fake_host_reopen_result(struct fake_host *h, int r)
{
	h->reopen_result = r;
	h->daemon = true;
}

unsigned int fake_host_reloads(const struct fake_host *h)
{
	return h->reloads;
}

void fake_host_reload_result(struct fake_host *h, int r)
{
	h->reload_result = r;
	h->daemon = true;
}

unsigned int fake_host_stats_clears(const struct fake_host *h, unsigned int *ret_groups)
{
	if (ret_groups)
		*ret_groups = h->stats_cleared;
	return h->stats_clears;
}

int svc_stats_clear(struct svc *svc, unsigned groups)
{
	struct fake_host *h = svc->host;

	h->stats_clears++;
	h->stats_cleared = groups;
	return h->daemon ? 0 : -ENOTSUP;
}

int svc_reload_config(struct svc *svc)
{
	struct fake_host *h = svc->host;

	if (!h->daemon)
		return -ENOTSUP;
	h->reloads++;
	return h->reload_result;
}

int svc_crypto_reconfig_phase(struct svc *svc, enum svc_crypto_phase phase)
{
	struct fake_host *h = svc->host;

	if (!h->daemon)
		return -ENOTSUP;
	h->crypto_phases++;
	h->crypto_phase_last = phase;
	return 0;
}

unsigned int fake_host_crypto_phases(const struct fake_host *h, enum svc_crypto_phase *ret_last)
{
	if (ret_last)
		*ret_last = h->crypto_phase_last;
	return h->crypto_phases;
}

int svc_node_status(struct svc *svc, uint32_t nodeid, struct svc_node_status *ret_status)
{
	struct fake_host *h = svc->host;

	if (!h->daemon)
		return -ENOTSUP;
	for (size_t i = 0; i < h->status_count; i++) {
		if (h->status[i].nodeid == nodeid) {
			*ret_status = h->status[i].st;
			return 0;
		}
	}
	return -ENOENT;
}

int svc_shutdown(struct svc *svc, int exit_status, const char *reason)
{
	struct fake_host *h = svc->host;

	if (!h->daemon)
		return -ENOTSUP;
	h->shutdowns++;
	h->shutdown_status = exit_status;
	snprintf(h->shutdown_reason, sizeof(h->shutdown_reason), "%s", reason ? reason : "");
	return 0;
}

int svc_reopen_logs(struct svc *svc)
{
	struct fake_host *h = svc->host;

	if (!h->daemon)
		return -ENOTSUP;
	h->reopens++;
	return h->reopen_result;
}

void svc_set_error(struct svc *svc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(svc->host->error, sizeof(svc->host->error), fmt, ap);
	va_end(ap);
}

int svc_reply(struct svc_conn *conn, const struct iovec *iov, size_t iovcnt)
{
	struct qb_ipc_response_header hdr;
	struct fake_msg *m;

	if (conn->closed)
		return -ENOTCONN;
	m = fake_msg_gather(iov, iovcnt);
	if (m->len < sizeof(hdr)) {
		conn->bad_sizes++;
	} else {
		memcpy(&hdr, m->data, sizeof(hdr));
		if (hdr.size < 0 || (size_t)hdr.size != m->len)
			conn->bad_sizes++;
	}
	fake_list_push(&conn->replies, m);
	return 0;
}

int svc_reply_error(struct svc_conn *conn, int32_t id, int32_t cs_error)
{
	struct qb_ipc_response_header hdr = { .id = id, .size = sizeof(hdr), .error = cs_error };
	struct iovec iov = { .iov_base = &hdr, .iov_len = sizeof(hdr) };

	return svc_reply(conn, &iov, 1);
}

int svc_event(struct svc_conn *conn, const struct iovec *iov, size_t iovcnt)
{
	struct qb_ipc_response_header hdr;
	struct fake_msg *m;

	if (conn->closed)
		return -ENOTCONN;
	m = fake_msg_gather(iov, iovcnt);
	if (m->len < sizeof(hdr)) {
		conn->bad_sizes++;
	} else {
		memcpy(&hdr, m->data, sizeof(hdr));
		if (hdr.size < 0 || (size_t)hdr.size != m->len)
			conn->bad_sizes++;
	}
	fake_list_push(&conn->events, m);
	return 0;
}

int svc_mcast(struct svc *svc, uint16_t fn_id, const struct iovec *iov, size_t iovcnt,
	      enum svc_guarantee guarantee)
{
	struct fake_host *h = svc->host;
	struct qb_ipc_request_header hdr;
	struct fake_msg *m;
	bool known = false;

	for (size_t i = 0; i < svc->def->totem_ops_count; i++)
		if (svc->def->totem_ops[i].id == fn_id)
			known = true;
	if (!known || iovcnt == 0 || iov[0].iov_len < sizeof(hdr))
		return -EINVAL;
	if (h->mcast_result)
		return h->mcast_result;
	m = fake_msg_gather(iov, iovcnt);
	memcpy(&hdr, m->data, sizeof(hdr));
	hdr.id = (int32_t)(((uint32_t)svc->def->id << 16) | fn_id);
	hdr.size = (int32_t)m->len;
	memcpy(m->data, &hdr, sizeof(hdr));
	m->fn_id = fn_id;
	m->guarantee = guarantee;
	fake_list_push(&h->mcasts, m);
	return 0;
}

void svc_timer_init(struct svc *svc, struct svc_timer *timer,
		    void (*fn)(struct svc *svc, struct svc_timer *timer))
{
	memset(timer, 0, sizeof(*timer));
	timer->svc = svc;
	timer->fn = fn;
}

void svc_timer_start(struct svc_timer *timer, uint64_t after_ms)
{
	struct fake_host *h = timer->svc->host;

	svc_timer_stop(timer);
	timer->deadline_ms = h->now_ms + after_ms;
	timer->armed = true;
	timer->next = h->timers;
	h->timers = timer;
}

void svc_timer_stop(struct svc_timer *timer)
{
	struct svc_timer **pp;

	if (!timer || !timer->svc)
		return;
	for (pp = &timer->svc->host->timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = timer->next;
			break;
		}
	}
	timer->next = NULL;
	timer->armed = false;
}
