/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libqb IPC glue (see ipc.h).  Owns the qb_ipcs services and the per-client
 * struct ipc_conn; knows nothing of any particular service.
 *
 * Event ordering: once one event for a client had to be queued, every later
 * event goes behind it, so the client always sees events in the order the
 * services produced them.
 *
 * Statistics: requests and replies only bump counters in struct ipc_conn.
 * A connection's stats.ipcs.* keys are created with it and deleted with it;
 * in between a timer copies the counters that changed every IPC_STATS_MS.
 */
#define LOG_SUBSYS LOG_SUBSYS_IPC

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <qb/qblist.h>
#include <qb/qbutil.h>

#include <chorus/icmap.h>
#include <chorus/log.h>

#include "ipc/ipc.h"

#define IPC_RETRY_MS 1      /* a queued event waits for the client to make room: look often */
#define IPC_REFUSE_LOG_MS 10000  /* at most one line about refused connections per period */
#define IPC_STATS_MS 1500    /* stats.ipcs.<conn>.* refresh, as corosync polls its stats */

struct ipc_service {
	struct ipc *ipc;
	struct svc *svc;
	qb_ipcs_service_t *qb;
	bool flow_controlled;   /* has requests the host gates (SVC_IPC_FLOW_CONTROL) */
	size_t conns;                      /* accepted, not yet destroyed */
};

struct ipc_event {
	struct qb_list_head list;
	size_t len;
	char data[];
};

/* What a connection's stats keys show; compared to decide what to publish. */
struct ipc_conn_stats {
	uint64_t requests, responses, dispatched, invalid, overload;
	uint32_t queued;
};

/* One poll registration of a connection's socket, as libqb asked for it. */
struct ipc_poll {
	int32_t fd;                        /* -1: none */
	enum qb_loop_priority p;
	int32_t events;
	qb_ipcs_dispatch_fn_t fn;
};

struct ipc_conn {
	struct ipc *ipc;
	struct ipc_poll polls[2];          /* libqb polls at most 2 sockets per connection */
	struct qb_list_head list;          /* in ipc->conns once its keys exist */
	struct ipc_service *service;
	qb_ipcs_connection_t *c;
	struct svc_conn *conn;
	struct qb_list_head queue;
	size_t queued_bytes;
	size_t queued_count;
	bool dropped;                      /* disconnected for its queue: events go nowhere */
	uint64_t progress_ms;              /* it last took a queued event (or had none queued) */
	qb_loop_timer_handle retry;
	bool retry_armed;
	uid_t uid;
	gid_t gid;
	uint64_t requests, responses, dispatched, invalid, overload;
	struct ipc_conn_stats published;
	char stats_prefix[128];
};

struct ipc {
	struct host *host;
	struct icmap *cmap;
	struct icmap *stats;
	qb_loop_t *loop;
	enum qb_ipc_type type;
	size_t queue_max;
	size_t queue_total_max;
	size_t queued_total;               /* event bytes queued over all connections */
	size_t conns_service_max, conns_max;
	size_t conns_open;                 /* accepted, not yet destroyed, all services */
	uint64_t refused, refused_logged;  /* connections refused for the limits */
	uint64_t refused_log_ms;
	struct ipc_service services[SVC_ID_MAX + 1];
	size_t count;
	uint64_t active, closed;
	struct qb_list_head conns;         /* struct ipc_conn with published keys */
	qb_loop_timer_handle stats_timer;
	bool stats_armed;
	uint64_t *align_buf;               /* SVC_IPC_MSG_MAX bytes, 8-aligned (on_msg) */
	bool host_fc;                      /* the host holds back (sync, held requests) */
	bool backlog_fc;                   /* a reading client's event queue is long */
	bool fc_applied;                   /* the rate limit libqb was last given */
};

/*
 * Back-pressure from slow readers: while a client that still reads has more
 * than IPC_BACKLOG_HIGH bytes of events queued (until every such queue is
 * under IPC_BACKLOG_LOW), senders of flow-controlled services get TRY_AGAIN,
 * so a fast sender (often the slow reader itself) waits instead of growing
 * the queue until the client is disconnected.  A client that took nothing
 * for IPC_STUCK_MS is stuck, not slow: it holds no one back and only meets
 * the queue bound.  corosync has no such back-pressure (and no bound).
 */
#define IPC_BACKLOG_HIGH ((size_t)32 << 20)
#define IPC_BACKLOG_LOW  ((size_t)8 << 20)
#define IPC_STUCK_MS     3000

/*
 * While the rate limit is set, libqb's dispatch of a connection returns
 * without reading (v2.0.6 lib/ipcs.c, qb_ipcs_dispatch_connection_request:
 * "if (c->fc_enabled)"), so the notification byte of a request the client
 * sent before it saw the limit keeps the socket readable, and the
 * level-triggered loop came back to it at once: chorusd's main thread spun
 * for as long as the limit lasted (3 nodes, one 1 KiB sender: 160 k empty
 * dispatches and 1.1 M epoll_wait calls in 2 s for 45 k requests), taking
 * a core from the client and from knet.  So the sockets of a connection of
 * a flow-controlled service are polled without POLLIN while the limit is
 * set (fc_polls_apply), and with it again once it is cleared; hang-ups
 * still come (epoll always reports them), and POLLOUT still resends event
 * notifications.  Each connection keeps what libqb registered (libqb moves
 * only one of a socket connection's two sockets when the limit changes).
 * corosync (v3.1.7 exec/ipc_glue.c) has the same spin, but sets the limit
 * only when totem's queue is critical.
 */
static struct ipc_conn *poll_conn(int32_t fd, void *data)
{
	const struct ipc_service *s;
	int listening = 0;
	socklen_t len = sizeof(listening);

	/* the listening socket's data is the service, not a connection */
	if (!data || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || listening)
		return NULL;
	s = qb_ipcs_connection_service_context_get(data);
	if (!s || !s->flow_controlled)
		return NULL;
	/* on_accept made it before libqb polls the connection's sockets */
	return qb_ipcs_context_get(data);
}

static int32_t poll_record(struct ipc_conn *ic, enum qb_loop_priority p, int32_t fd,
			   int32_t events, qb_ipcs_dispatch_fn_t fn)
{
	struct ipc_poll *e = NULL;
	size_t i;

	if (!ic)
		return events;
	for (i = 0; i < 2 && !e; i++)
		if (ic->polls[i].fd == fd)
			e = &ic->polls[i];
	for (i = 0; i < 2 && !e; i++)
		if (ic->polls[i].fd < 0)
			e = &ic->polls[i];
	if (!e)
		return events;
	e->fd = fd;
	e->p = p;
	e->events = events;
	e->fn = fn;
	return ic->ipc->fc_applied ? events & ~POLLIN : events;
}

/* libqb's poll handlers carry no context; the daemon has one loop (NULL = libqb's default). */
static int32_t poll_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	events = poll_record(poll_conn(fd, data), p, fd, events, fn);
	return qb_loop_poll_add(NULL, p, fd, events, data, fn);
}

static int32_t poll_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	events = poll_record(poll_conn(fd, data), p, fd, events, fn);
	return qb_loop_poll_mod(NULL, p, fd, events, data, fn);
}

/* The rate limit changed: poll the flow-controlled connections' sockets accordingly. */
static void fc_polls_apply(struct ipc *ipc)
{
	struct ipc_conn *ic;
	size_t i;

	qb_list_for_each_entry(ic, &ipc->conns, list) {
		if (!ic->service->flow_controlled)
			continue;
		for (i = 0; i < 2; i++) {
			const struct ipc_poll *e = &ic->polls[i];

			if (e->fd >= 0)
				(void)qb_loop_poll_mod(NULL, e->p, e->fd,
						       ipc->fc_applied ? e->events & ~POLLIN : e->events,
						       ic->c, e->fn);
		}
	}
}

static int32_t poll_del(int32_t fd)
{
	return qb_loop_poll_del(NULL, fd);
}

static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(NULL, p, data, fn);
}

static struct qb_ipcs_poll_handlers poll_handlers = {
	.job_add = job_add,
	.dispatch_add = poll_add,
	.dispatch_mod = poll_mod,
	.dispatch_del = poll_del,
};

int ipc_type_from_str(const char *s, enum qb_ipc_type *ret_type)
{
	if (!s || strcmp(s, "native") == 0)
		*ret_type = QB_IPC_NATIVE;
	else if (strcmp(s, "shm") == 0)
		*ret_type = QB_IPC_SHM;
	else if (strcmp(s, "socket") == 0)
		*ret_type = QB_IPC_SOCKET;
	else
		return -EINVAL;
	return 0;
}

/* ---- statistics ----------------------------------------------------------- */

static void stats_global(struct ipc *ipc)
{
	(void)icmap_set_uint64(ipc->stats, "stats.ipcs.global.active", ipc->active);
	(void)icmap_set_uint64(ipc->stats, "stats.ipcs.global.closed", ipc->closed);
}

static void stats_set_u64(struct ipc_conn *ic, const char *field, uint64_t v)
{
	char key[ICMAP_KEYNAME_MAXLEN + 1];

	snprintf(key, sizeof(key), "%s.%s", ic->stats_prefix, field);
	(void)icmap_set_uint64(ic->ipc->stats, key, v);
}

/* Write the keys whose counter moved since the last call (all of them when all is set). */
static void stats_conn_publish(struct ipc_conn *ic, bool all)
{
	struct ipc_conn_stats *pub = &ic->published;
	const struct { const char *name; uint64_t now; uint64_t *shown; } u64[] = {
		{ "requests", ic->requests, &pub->requests },
		{ "responses", ic->responses, &pub->responses },
		{ "dispatched", ic->dispatched, &pub->dispatched },
		{ "invalid_request", ic->invalid, &pub->invalid },
		{ "overload", ic->overload, &pub->overload },
	};
	uint32_t queued = (uint32_t)ic->queued_count;
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	size_t i;

	for (i = 0; i < sizeof(u64) / sizeof(u64[0]); i++) {
		if (!all && u64[i].now == *u64[i].shown)
			continue;
		stats_set_u64(ic, u64[i].name, u64[i].now);
		*u64[i].shown = u64[i].now;
	}
	if (all || queued != pub->queued) {
		snprintf(key, sizeof(key), "%s.queued", ic->stats_prefix);
		(void)icmap_set_uint32(ic->ipc->stats, key, queued);
		snprintf(key, sizeof(key), "%s.queueing", ic->stats_prefix);
		(void)icmap_set_int32(ic->ipc->stats, key, queued > 0);
		pub->queued = queued;
	}
}

/*
 * stats.clear.ipc (corosync v3.1.7 exec/ipc_glue.c, cs_ipcs_clear_stats):
 * every connection's counters and the count of closed connections.
 * corosync also zeroes the count of active connections, which then wraps
 * below zero at the next close; that one is kept (docs/compat.md).
 */
void ipc_stats_clear(struct ipc *ipc)
{
	struct ipc_conn *ic;

	ipc->closed = 0;
	stats_global(ipc);
	qb_list_for_each_entry(ic, &ipc->conns, list) {
		ic->requests = ic->responses = ic->dispatched = ic->invalid = ic->overload = 0;
		stats_conn_publish(ic, false);
	}
}

static void stats_tick(void *data)
{
	struct ipc *ipc = data;
	struct ipc_conn *ic;

	ipc->stats_armed = false;
	qb_list_for_each_entry(ic, &ipc->conns, list)
		stats_conn_publish(ic, false);
	if (qb_loop_timer_add(ipc->loop, QB_LOOP_LOW, IPC_STATS_MS * QB_TIME_NS_IN_MSEC, ipc,
			      stats_tick, &ipc->stats_timer) == 0)
		ipc->stats_armed = true;
}

static void proc_name(pid_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	buf[n] = '\0';
	if (n == 0)
		snprintf(buf, size, "unknown");
}

/* ---- events: send or queue ------------------------------------------------ */

static uint64_t ipc_now_ms(void)
{
	return qb_util_nano_current_get() / QB_TIME_NS_IN_MSEC;
}

static void fc_apply(struct ipc *ipc)
{
	bool on = ipc->host_fc || ipc->backlog_fc;
	size_t i;

	if (on == ipc->fc_applied)
		return;
	ipc->fc_applied = on;
	for (i = 0; i < ipc->count; i++)
		if (ipc->services[i].flow_controlled)
			qb_ipcs_request_rate_limit(ipc->services[i].qb,
						   on ? QB_IPCS_RATE_OFF_2 : QB_IPCS_RATE_NORMAL);
	fc_polls_apply(ipc);
}

static void backlog_update(struct ipc *ipc)
{
	size_t mark = ipc->backlog_fc ? IPC_BACKLOG_LOW : IPC_BACKLOG_HIGH;
	uint64_t now = ipc_now_ms();
	struct ipc_conn *ic;
	bool on = false;

	qb_list_for_each_entry(ic, &ipc->conns, list) {
		if (ic->queued_bytes > mark && now - ic->progress_ms < IPC_STUCK_MS) {
			on = true;
			break;
		}
	}
	if (on == ipc->backlog_fc)
		return;
	ipc->backlog_fc = on;
	log_debug("senders %s: a client's event queue %s", on ? "held back" : "released",
		  on ? "is long" : "drained");
	fc_apply(ipc);
}

static void queue_retry(void *data);

static void queue_arm(struct ipc_conn *ic)
{
	if (ic->retry_armed)
		return;
	if (qb_loop_timer_add(ic->ipc->loop, QB_LOOP_MED, IPC_RETRY_MS * QB_TIME_NS_IN_MSEC, ic,
			      queue_retry, &ic->retry) == 0)
		ic->retry_armed = true;
}

static void queue_flush(struct ipc_conn *ic)
{
	while (!qb_list_empty(&ic->queue)) {
		struct ipc_event *ev = qb_list_first_entry(&ic->queue, struct ipc_event, list);
		ssize_t r = qb_ipcs_event_send(ic->c, ev->data, ev->len);

		if (r == -EAGAIN || r == -ENOBUFS) {
			queue_arm(ic);
			break;
		}
		if (r >= 0)
			ic->dispatched++;
		ic->progress_ms = ipc_now_ms();
		qb_list_del(&ev->list);
		ic->queued_bytes -= ev->len;
		ic->ipc->queued_total -= ev->len;
		ic->queued_count--;
		free(ev);
	}
	if (ic->ipc->backlog_fc)
		backlog_update(ic->ipc);
}

static void queue_retry(void *data)
{
	struct ipc_conn *ic = data;

	ic->retry_armed = false;
	queue_flush(ic);
}

static void queue_clear(struct ipc_conn *ic)
{
	struct ipc_event *ev, *tmp;

	if (ic->retry_armed) {
		qb_loop_timer_del(ic->ipc->loop, ic->retry);
		ic->retry_armed = false;
	}
	qb_list_for_each_entry_safe(ev, tmp, &ic->queue, list) {
		qb_list_del(&ev->list);
		free(ev);
	}
	ic->ipc->queued_total -= ic->queued_bytes;
	ic->queued_bytes = 0;
	ic->queued_count = 0;
}

/*
 * Disconnect a client for its queue: the queue is freed now (the memory is
 * the point) and later events for it are dropped.  libqb may destroy the
 * connection inside qb_ipcs_disconnect, so ic is not touched after it.
 */
static void drop_job(void *data)
{
	qb_ipcs_connection_t *c = data;

	qb_ipcs_disconnect(c);
	qb_ipcs_connection_unref(c);
}

/*
 * The disconnect runs from a loop job, never here: this is reached from
 * svc_event(), inside a service walking its connections, and libqb would
 * destroy the connection (and the service's state for it) at once.
 */
static void queue_drop_client(struct ipc_conn *ic)
{
	queue_clear(ic);
	if (ic->dropped)
		return;
	ic->dropped = true;
	qb_ipcs_connection_ref(ic->c);
	if (qb_loop_job_add(ic->ipc->loop, QB_LOOP_HIGH, ic->c, drop_job) != 0) {
		log_err("cannot schedule the disconnect of %s", ic->stats_prefix);
		qb_ipcs_connection_unref(ic->c);
	}
}

/* The connection with the most queued event bytes (there is one: the total is not 0). */
static struct ipc_conn *queue_longest(struct ipc *ipc)
{
	struct ipc_conn *ic, *max = NULL;

	qb_list_for_each_entry(ic, &ipc->conns, list)
		if (!max || ic->queued_bytes > max->queued_bytes)
			max = ic;
	return max;
}

static int queue_add(struct ipc_conn *ic, const struct iovec *iov, size_t iovcnt)
{
	struct ipc *ipc = ic->ipc;
	struct ipc_event *ev;
	size_t len = 0, off = 0, i;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (ic->queued_bytes + len > ipc->queue_max) {
		log_warn("client %s does not read its events (%zu bytes queued), disconnecting",
			 ic->stats_prefix, ic->queued_bytes);
		queue_drop_client(ic);
		return -ENOBUFS;
	}
	/* Over the total: the longest queue goes first (maybe this one). */
	while (ipc->queued_total + len > ipc->queue_total_max) {
		struct ipc_conn *victim = queue_longest(ipc);

		if (!victim || victim->queued_bytes == 0)
			break;
		log_warn("events queued for all clients exceed %zu bytes; disconnecting %s, "
			 "which has the most (%zu bytes)", ipc->queue_total_max,
			 victim->stats_prefix, victim->queued_bytes);
		if (victim == ic) {
			queue_drop_client(ic);
			return -ENOBUFS;
		}
		queue_drop_client(victim);
	}
	ev = malloc(sizeof(*ev) + len);
	if (!ev)
		return -ENOMEM;
	for (i = 0; i < iovcnt; i++) {
		memcpy(ev->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	ev->len = len;
	if (qb_list_empty(&ic->queue))
		ic->progress_ms = ipc_now_ms();
	qb_list_add_tail(&ev->list, &ic->queue);
	ic->queued_bytes += len;
	ipc->queued_total += len;
	ic->queued_count++;
	queue_arm(ic);
	if (!ipc->backlog_fc && ic->queued_bytes > IPC_BACKLOG_HIGH)
		backlog_update(ipc);
	return 0;
}

static int op_event(void *ipc_conn, const struct iovec *iov, size_t iovcnt)
{
	struct ipc_conn *ic = ipc_conn;
	ssize_t r;

	if (ic->dropped)
		return -ENOTCONN;
	/* Whatever the client read since the last try makes room for queued
	 * events first (in order): a client that reads keeps up even while
	 * events come faster than the retry timer. */
	if (!qb_list_empty(&ic->queue))
		queue_flush(ic);
	if (qb_list_empty(&ic->queue)) {
		r = qb_ipcs_event_sendv(ic->c, iov, iovcnt);
		if (r >= 0) {
			ic->dispatched++;
			return 0;
		}
		if (r != -EAGAIN && r != -ENOBUFS)
			return (int)r;
	}
	return queue_add(ic, iov, iovcnt);
}

static int op_reply(void *ipc_conn, const struct iovec *iov, size_t iovcnt)
{
	struct ipc_conn *ic = ipc_conn;
	ssize_t r = qb_ipcs_response_sendv(ic->c, iov, iovcnt);

	if (r < 0) {
		log_debug("reply to %s failed: %s", ic->stats_prefix, strerror((int)-r));
		return (int)r;
	}
	ic->responses++;
	return 0;
}

const struct host_ipc_ops ipc_host_ops = {
	.reply = op_reply,
	.event = op_event,
};

/* ---- libqb callbacks ------------------------------------------------------ */

static bool uidgid_allowed(struct icmap *cmap, uid_t uid, gid_t gid)
{
	static const char *const kinds[] = { "uid", "config.uid", "gid", "config.gid" };
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	uint8_t v;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(key, sizeof(key), "uidgid.%s.%u", kinds[i],
			 i < 2 ? (unsigned)uid : (unsigned)gid);
		if (icmap_get_uint8(cmap, key, &v) == 0 && v == 1)
			return true;
	}
	return false;
}

/* A connection over the limits: one warning per IPC_REFUSE_LOG_MS with the count since. */
static void conn_refused(struct ipc_service *s)
{
	struct ipc *ipc = s->ipc;
	uint64_t now = qb_util_nano_current_get() / QB_TIME_NS_IN_MSEC;

	ipc->refused++;
	if (ipc->refused_logged != 0 && now - ipc->refused_log_ms < IPC_REFUSE_LOG_MS)
		return;
	log_warn("Refused %" PRIu64 " connection%s since the last notice: too many clients "
		 "(%s has %zu of at most %zu, %zu of at most %zu in all)",
		 ipc->refused - ipc->refused_logged, ipc->refused - ipc->refused_logged == 1 ? "" : "s",
		 svc_def(s->svc)->ipc_name, s->conns, ipc->conns_service_max, ipc->conns_open,
		 ipc->conns_max);
	ipc->refused_logged = ipc->refused;
	ipc->refused_log_ms = now;
}

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	struct ipc_service *s = qb_ipcs_connection_service_context_get(c);
	struct ipc_conn *ic;

	if (!s)
		return -ENOSYS;
	if (!host_ready(s->ipc->host)) {
		log_debug("Denied connection, chorus is not ready");
		return -EAGAIN;
	}
	if (uid != 0 && gid != 0 && !uidgid_allowed(s->ipc->cmap, uid, gid)) {
		log_err("Denied connection attempt from %u:%u", (unsigned)uid, (unsigned)gid);
		return -EACCES;
	}
	if (s->conns >= s->ipc->conns_service_max || s->ipc->conns_open >= s->ipc->conns_max) {
		conn_refused(s);
		return -EMFILE;
	}
	ic = calloc(1, sizeof(*ic));
	if (!ic)
		return -ENOMEM;
	s->conns++;
	s->ipc->conns_open++;
	ic->ipc = s->ipc;
	ic->service = s;
	ic->c = c;
	ic->polls[0].fd = ic->polls[1].fd = -1;
	ic->uid = uid;
	ic->gid = gid;
	qb_list_init(&ic->queue);
	qb_ipcs_context_set(c, ic);
	return 0;
}

static void on_created(qb_ipcs_connection_t *c)
{
	struct ipc_conn *ic = qb_ipcs_context_get(c);
	struct qb_ipcs_connection_stats st;
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	char comm[64];
	pid_t pid = 0;
	int r;

	if (!ic)
		return;
	if (qb_ipcs_connection_stats_get(c, &st, 0) == 0)
		pid = st.client_pid;
	snprintf(ic->stats_prefix, sizeof(ic->stats_prefix), "stats.ipcs.service%u.%d.%p",
		 svc_def(ic->service->svc)->id, (int)pid, (void *)ic);
	/* libqb rate-limits only the connections that exist when it is told:
	 * one that arrives while the host holds back gets the level too. */
	if (ic->service->flow_controlled && ic->ipc->fc_applied)
		qb_ipcs_request_rate_limit(ic->service->qb, QB_IPCS_RATE_OFF_2);
	r = host_conn_open(ic->service->svc, ic, pid, ic->uid, ic->gid, &ic->conn);
	if (r < 0) {
		log_warn("%s refused a client (pid %d): %s", svc_def(ic->service->svc)->name,
			 (int)pid, strerror(-r));
		qb_ipcs_disconnect(c);
		return;
	}
	ic->ipc->active++;
	stats_global(ic->ipc);
	proc_name(pid, comm, sizeof(comm));
	snprintf(key, sizeof(key), "%s.procname", ic->stats_prefix);
	(void)icmap_set_string(ic->ipc->stats, key, comm);
	stats_conn_publish(ic, true);
	qb_list_add_tail(&ic->list, &ic->ipc->conns);
	log_debug("connection created: %s (%s)", ic->stats_prefix, comm);
}

static int32_t on_msg(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct ipc_conn *ic = qb_ipcs_context_get(c);
	int r;

	if (!ic || !ic->conn)
		return 0;
	ic->requests++;
	/* libqb's shared-memory ring hands over chunks that are only 4-aligned;
	 * the wire structs need 8 (UBSan caught it): such a request is copied
	 * once into an aligned buffer first. */
	if (((uintptr_t)data & 7) != 0 && size <= SVC_IPC_MSG_MAX) {
		if (!ic->ipc->align_buf)
			ic->ipc->align_buf = malloc(SVC_IPC_MSG_MAX);
		if (ic->ipc->align_buf) {
			memcpy(ic->ipc->align_buf, data, size);
			data = ic->ipc->align_buf;
		}
	}
	/* Handlers may start timers: give the host the time of this event. */
	host_set_time(ic->ipc->host, qb_util_nano_current_get() / QB_TIME_NS_IN_MSEC);
	r = host_conn_dispatch(ic->conn, data, size);
	if (r == -EAGAIN)
		ic->overload++;
	else if (r < 0)
		ic->invalid++;
	return 0;
}

static int32_t on_closed(qb_ipcs_connection_t *c)
{
	struct ipc_conn *ic = qb_ipcs_context_get(c);

	/* libqb has just removed and closed its sockets: their numbers are free */
	if (ic)
		ic->polls[0].fd = ic->polls[1].fd = -1;
	return 0;
}

static void on_destroyed(qb_ipcs_connection_t *c)
{
	struct ipc_conn *ic = qb_ipcs_context_get(c);

	if (!ic)
		return;
	qb_ipcs_context_set(c, NULL);
	queue_clear(ic);
	ic->service->conns--;
	ic->ipc->conns_open--;
	if (ic->conn) {
		qb_list_del(&ic->list);
		if (ic->ipc->backlog_fc)
			backlog_update(ic->ipc);
		host_conn_close(ic->conn);
		icmap_delete_prefix(ic->ipc->stats, ic->stats_prefix);
		ic->ipc->active--;
		ic->ipc->closed++;
		stats_global(ic->ipc);
		log_debug("connection destroyed: %s", ic->stats_prefix);
	}
	free(ic);
}

static struct qb_ipcs_service_handlers handlers = {
	.connection_accept = on_accept,
	.connection_created = on_created,
	.msg_process = on_msg,
	.connection_closed = on_closed,
	.connection_destroyed = on_destroyed,
};

/* ---- flow control ---------------------------------------------------------- */

/*
 * While the host holds back (sync, parked requests) the connections of
 * flow-controlled services get libqb's level 2: the client library's send of
 * an asynchronous request (cpg_mcast_joined) fails at once with TRY_AGAIN
 * and the server stops reading requests until the level is cleared
 * (corosync v3.1.7 exec/ipc_glue.c, cs_ipcs_check_for_flow_control).
 */
static void ipc_flow_control(void *ctx, bool on)
{
	struct ipc *ipc = ctx;

	ipc->host_fc = on;
	fc_apply(ipc);
}

/* ---- lifecycle ------------------------------------------------------------ */

int ipc_create(const struct ipc_config *cfg, struct ipc **ret_ipc)
{
	struct ipc *ipc;
	struct svc *svc;
	size_t i, j;
	int r;

	ipc = calloc(1, sizeof(*ipc));
	if (!ipc)
		return -ENOMEM;
	ipc->host = cfg->host;
	ipc->cmap = cfg->cmap;
	ipc->stats = cfg->stats;
	ipc->loop = cfg->loop;
	ipc->type = cfg->type;
	ipc->queue_max = cfg->event_queue_max_bytes ? cfg->event_queue_max_bytes : IPC_QUEUE_MAX;
	ipc->queue_total_max = cfg->event_queue_total_max_bytes ? cfg->event_queue_total_max_bytes
								  : IPC_QUEUE_TOTAL_MAX;
	ipc->conns_service_max = cfg->conns_per_service_max ? cfg->conns_per_service_max
							    : IPC_CONNS_PER_SERVICE_MAX;
	ipc->conns_max = cfg->conns_max ? cfg->conns_max : IPC_CONNS_MAX;
	qb_list_init(&ipc->conns);
	stats_global(ipc);
	for (i = 0; (svc = host_service_at(cfg->host, i)) != NULL; i++) {
		const struct svc_def *def = svc_def(svc);
		struct ipc_service *s;

		if (!def->ipc_name)
			continue;
		s = &ipc->services[ipc->count];
		s->ipc = ipc;
		s->svc = svc;
		for (j = 0; j < def->ipc_ops_count; j++)
			if (def->ipc_ops[j].flags & SVC_IPC_FLOW_CONTROL)
				s->flow_controlled = true;
		s->qb = qb_ipcs_create(def->ipc_name, def->id, ipc->type, &handlers);
		if (!s->qb) {
			r = errno ? -errno : -ENOMEM;
			log_err("cannot create IPC service %s", def->ipc_name);
			ipc_destroy(ipc);
			return r;
		}
		qb_ipcs_poll_handlers_set(s->qb, &poll_handlers);
		qb_ipcs_service_context_set(s->qb, s);
		ipc->count++;
		r = qb_ipcs_run(s->qb);
		if (r < 0) {
			log_err("cannot start IPC service %s: %s", def->ipc_name, strerror(-r));
			ipc_destroy(ipc);
			return r;
		}
		log_debug("IPC service %s ready", def->ipc_name);
	}
	if (qb_loop_timer_add(ipc->loop, QB_LOOP_LOW, IPC_STATS_MS * QB_TIME_NS_IN_MSEC, ipc,
			      stats_tick, &ipc->stats_timer) == 0)
		ipc->stats_armed = true;
	host_set_flow_control_hook(ipc->host, ipc_flow_control, ipc);
	if (host_flow_control(ipc->host))
		ipc_flow_control(ipc, true);
	*ret_ipc = ipc;
	return 0;
}

size_t ipc_events_unread(struct ipc *ipc)
{
	struct ipc_conn *ic;
	size_t n = 0;

	qb_list_for_each_entry(ic, &ipc->conns, list) {
		struct qb_ipcs_connection_stats_2 *st;

		if (ic->dropped)
			continue;
		n += ic->queued_count;
		st = qb_ipcs_connection_stats_get_2(ic->c, 0);
		if (st) {
			/* -ENOTCONN (no ring) arrives cast to unsigned */
			if ((int32_t)st->event_q_length > 0)
				n += st->event_q_length;
			free(st);
		}
	}
	return n;
}

void ipc_destroy(struct ipc *ipc)
{
	size_t i;

	if (!ipc)
		return;
	host_set_flow_control_hook(ipc->host, NULL, NULL);
	for (i = ipc->count; i-- > 0;) {
		qb_ipcs_connection_t *c, *next;

		/* Disconnect clients first so every one of them sees the close. */
		for (c = qb_ipcs_connection_first_get(ipc->services[i].qb); c; c = next) {
			next = qb_ipcs_connection_next_get(ipc->services[i].qb, c);
			qb_ipcs_disconnect(c);
			qb_ipcs_connection_unref(c);
		}
		qb_ipcs_destroy(ipc->services[i].qb);
	}
	if (ipc->stats_armed)
		qb_loop_timer_del(ipc->loop, ipc->stats_timer);
	free(ipc->align_buf);
	free(ipc);
}
