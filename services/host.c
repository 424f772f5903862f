/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service host (see host.h): registry, validation before dispatch,
 * connections, timers and the svc_* API services call.
 *
 * Invariants: a handler only ever sees a request whose length lies within
 * the bounds its op declared; a totem handler only a message at least
 * size_min long, already converted to host byte order.  Everything a
 * service owns hangs off struct svc or struct svc_conn; nothing is global.
 * Message counts are plain array increments on the delivery and send paths;
 * host_publish_stats() copies them into runtime.services.* off that path.
 */
#define LOG_SUBSYS LOG_SUBSYS_SERV

#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>

#include <corosync/corotypes.h>
#include <chorus/icmap.h>
#include <chorus/log.h>

#include "services/host.h"
#include "services/sync.h"

#define HOST_SERVICES_MAX (SVC_ID_MAX + 1)
/* At most one notice about malformed totem messages per this period. */
#define HOST_DROP_NOTICE_MS 10000

/* Sends and deliveries of one totem op, and what its cmap keys show so far. */
struct svc_op_count {
	uint64_t tx, rx;
	uint64_t tx_published, rx_published;
};

struct svc {
	struct host *host;
	const struct svc_def *def;
	void *dl;
	void *state;
	const char *short_name;      /* part of name after the last '_' */
	char error[256];
	struct svc_op_count *counts; /* per totem op, indexed like def->totem_ops */
};

struct svc_conn {
	struct svc *svc;
	void *ipc_conn;
	unsigned refs;
	bool closed;
	bool close_pending;          /* client gone; conn_close() waits for its parked requests */
	unsigned parked;             /* its requests in host->parked */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	void *state;
};

/*
 * A request that could not run yet: a NO_REPLY request whose client was
 * told it was sent, refused by the flow-control gate or handed back by its
 * handler (svc_request_again()).  Parked requests run in arrival order once
 * the gate opens; a connection with parked requests parks every later one
 * too, so its requests never overtake each other.
 */
struct parked_req {
	struct parked_req *next;
	struct svc_conn *conn;       /* referenced */
	const struct svc_ipc_op *op;
	size_t len;
	uint64_t data[];             /* the request, 8-aligned like the IPC ring */
};

struct host {
	uint32_t nodeid;
	struct icmap *cmap;
	struct icmap *stats;
	const struct host_ipc_ops *ipc;
	const struct host_totem_ops *totem;
	void *totem_ctx;
	void (*ready_fn)(void *ctx);
	void *ready_ctx;
	void (*deadline_fn)(void *ctx);
	void *deadline_ctx;
	void (*sync_done_fn)(void *ctx);
	void *sync_done_ctx;
	const struct host_daemon_ops *daemon;
	void *daemon_ctx;

	uint64_t now_ms;
	bool ready;
	bool quorate;
	/* the quorum provider's last decision (svc_quorum_set) */
	bool quorum_known;
	uint32_t quorum_rep;
	uint64_t quorum_seq;
	uint32_t *quorum_members;
	size_t quorum_members_count;
	struct svc *by_id[HOST_SERVICES_MAX];
	struct svc *order[HOST_SERVICES_MAX];   /* load order (priority, then id) */
	size_t count;
	struct svc_timer *timers;                /* sorted by deadline */
	struct sync *sync;
	struct host_counters counters;

	struct parked_req *parked, **parked_tail;
	size_t parked_bytes;
	bool flow_control;                       /* last state told to flow_fn */
	void (*flow_fn)(void *ctx, bool on);
	void *flow_ctx;
	/* The request whose handler runs now, for svc_request_again(). */
	struct svc_conn *cur_conn;
	const struct svc_ipc_op *cur_op;
	const void *cur_msg;
	size_t cur_len;
	bool cur_again;
	/* malformed totem messages not yet summarised in a notice (host_deliver) */
	uint64_t drops_unreported;
	uint64_t drop_notice_ms;
	bool drop_noticed;
};

/* ---- declaration checks --------------------------------------------------- */

static int why_set(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int why_set(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool name_ok(const char *s)
{
	size_t n;

	if (!s)
		return false;
	n = strlen(s);
	if (n == 0 || n >= SVC_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

int host_def_check(const struct svc_def *def, char *why, size_t why_size)
{
	size_t i, j;

	if (!def)
		return why_set(why, why_size, "module returned no definition");
	if (def->abi != SVC_ABI)
		return why_set(why, why_size, "ABI version %" PRIu32 " does not match the daemon's %d",
			       def->abi, SVC_ABI);
	if (!name_ok(def->name))
		return why_set(why, why_size, "invalid service name");
	if (def->id > SVC_ID_MAX)
		return why_set(why, why_size, "service id %u is out of range 0..%d", def->id, SVC_ID_MAX);
	if (def->ipc_name && !name_ok(def->ipc_name))
		return why_set(why, why_size, "invalid IPC name");
	if (def->state_size > SVC_STATE_MAX || def->conn_state_size > SVC_STATE_MAX)
		return why_set(why, why_size, "state size too large");
	if (def->ipc_ops_count && (!def->ipc_ops || !def->ipc_name))
		return why_set(why, why_size, "IPC ops declared without an IPC name");
	for (i = 0; i < def->ipc_ops_count; i++) {
		const struct svc_ipc_op *op = &def->ipc_ops[i];

		if (!op->handle)
			return why_set(why, why_size, "IPC op %u has no handler", op->id);
		if (op->size_min < sizeof(struct qb_ipc_request_header))
			return why_set(why, why_size, "IPC op %u: size_min %" PRIu32 " is below the header size",
				       op->id, op->size_min);
		if (op->size_max && (op->size_max < op->size_min || op->size_max > SVC_IPC_MSG_MAX))
			return why_set(why, why_size, "IPC op %u: bad size_max %" PRIu32, op->id, op->size_max);
		if (op->size_min > SVC_IPC_MSG_MAX)
			return why_set(why, why_size, "IPC op %u: size_min too large", op->id);
		if (op->flags & ~(SVC_IPC_FLOW_CONTROL | SVC_IPC_NO_REPLY | SVC_IPC_QUORATE |
				  SVC_IPC_FLOW_PARK))
			return why_set(why, why_size, "IPC op %u: unknown flags 0x%x", op->id, op->flags);
		for (j = 0; j < i; j++)
			if (def->ipc_ops[j].id == op->id)
				return why_set(why, why_size, "duplicate IPC op id %u", op->id);
	}
	if (def->totem_ops_count && !def->totem_ops)
		return why_set(why, why_size, "totem ops count without a table");
	for (i = 0; i < def->totem_ops_count; i++) {
		const struct svc_totem_op *op = &def->totem_ops[i];

		if (!op->handle)
			return why_set(why, why_size, "totem op %u has no handler", op->id);
		if (op->size_min < sizeof(struct qb_ipc_request_header))
			return why_set(why, why_size, "totem op %u: size_min below the header size", op->id);
		for (j = 0; j < i; j++)
			if (def->totem_ops[j].id == op->id)
				return why_set(why, why_size, "duplicate totem op id %u", op->id);
	}
	if (def->sync && (!def->sync->init || !def->sync->process || !def->sync->activate ||
			  !def->sync->abort))
		return why_set(why, why_size, "incomplete sync ops");
	if (def->ipc_name && (!def->conn_open != !def->conn_close))
		return why_set(why, why_size, "conn_open and conn_close come together");
	return 0;
}

/* ---- registry ------------------------------------------------------------- */

int host_create(const struct host_config *cfg, struct host **ret_host)
{
	struct host *host;
	int r;

	if (!cfg || !cfg->cmap || !cfg->stats || !cfg->ipc || !cfg->totem || !cfg->totem->mcast)
		return -EINVAL;
	host = calloc(1, sizeof(*host));
	if (!host)
		return -ENOMEM;
	host->nodeid = cfg->nodeid;
	host->cmap = cfg->cmap;
	host->stats = cfg->stats;
	host->ipc = cfg->ipc;
	host->totem = cfg->totem;
	host->totem_ctx = cfg->totem_ctx;
	host->ready_fn = cfg->ready;
	host->ready_ctx = cfg->ready_ctx;
	host->sync_done_fn = cfg->sync_done;
	host->sync_done_ctx = cfg->sync_done_ctx;
	host->deadline_fn = cfg->deadline_changed;
	host->deadline_ctx = cfg->deadline_ctx;
	host->daemon = cfg->daemon;
	host->daemon_ctx = cfg->daemon_ctx;
	host->quorate = true;
	host->parked_tail = &host->parked;
	r = sync_create(host, &host->sync);
	if (r < 0) {
		free(host);
		return r;
	}
	*ret_host = host;
	return 0;
}

static void svc_free(struct svc *svc)
{
	if (!svc)
		return;
	free(svc->counts);
	free(svc->state);
	if (svc->dl)
		dlclose(svc->dl);
	free(svc);
}

static void conn_close_now(struct svc_conn *conn);

void host_destroy(struct host *host)
{
	size_t i;

	if (!host)
		return;
	/* Held requests are dropped; a connection that waited for them closes
	 * now, while its service still runs. */
	while (host->parked) {
		struct parked_req *p = host->parked;
		struct svc_conn *conn = p->conn;

		host->parked = p->next;
		if (--conn->parked == 0 && conn->close_pending && !conn->closed)
			conn_close_now(conn);
		svc_conn_unref(conn);
		free(p);
	}
	for (i = host->count; i-- > 0;) {
		struct svc *svc = host->order[i];

		if (svc->def->fini)
			svc->def->fini(svc);
		log_info("Service engine unloaded: %s", svc->def->name);
		svc_free(svc);
	}
	sync_destroy(host->sync);
	free(host->quorum_members);
	free(host);
}

static void publish_service_keys(struct host *host, struct svc *svc)
{
	const struct svc_def *def = svc->def;
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	size_t i;

	snprintf(key, sizeof(key), "internal_configuration.service.%u.name", def->id);
	(void)icmap_set_string(host->cmap, key, def->name);
	snprintf(key, sizeof(key), "internal_configuration.service.%u.ver", def->id);
	(void)icmap_set_uint32(host->cmap, key, 0);
	snprintf(key, sizeof(key), "runtime.services.%s.service_id", svc->short_name);
	(void)icmap_set_uint16(host->cmap, key, def->id);
	for (i = 0; i < def->totem_ops_count; i++) {
		snprintf(key, sizeof(key), "runtime.services.%s.%u.tx", svc->short_name,
			 def->totem_ops[i].id);
		(void)icmap_set_uint64(host->cmap, key, 0);
		snprintf(key, sizeof(key), "runtime.services.%s.%u.rx", svc->short_name,
			 def->totem_ops[i].id);
		(void)icmap_set_uint64(host->cmap, key, 0);
	}
}

int host_add_service(struct host *host, const struct svc_def *def, void *dl,
		     char *why, size_t why_size)
{
	struct svc *svc;
	size_t i, pos;
	int r;

	r = host_def_check(def, why, why_size);
	if (r < 0)
		return r;
	if (host->by_id[def->id])
		return why_set(why, why_size, "service id %u is already taken by %s", def->id,
			       host->by_id[def->id]->def->name);
	for (i = 0; i < host->count; i++) {
		const struct svc_def *o = host->order[i]->def;

		if (strcmp(o->name, def->name) == 0)
			return why_set(why, why_size, "service %s is already loaded", def->name);
		if (def->ipc_name && o->ipc_name && strcmp(o->ipc_name, def->ipc_name) == 0)
			return why_set(why, why_size, "IPC name %s is already used by %s", def->ipc_name,
				       o->name);
	}
	svc = calloc(1, sizeof(*svc));
	if (!svc)
		return -ENOMEM;
	svc->host = host;
	svc->def = def;
	svc->short_name = strrchr(def->name, '_') ? strrchr(def->name, '_') + 1 : def->name;
	if (def->state_size && !(svc->state = calloc(1, def->state_size)))
		goto nomem;
	if (def->totem_ops_count &&
	    !(svc->counts = calloc(def->totem_ops_count, sizeof(*svc->counts))))
		goto nomem;
	host->by_id[def->id] = svc;
	if (def->init) {
		r = def->init(svc);
		if (r < 0) {
			host->by_id[def->id] = NULL;
			why_set(why, why_size, "%s", svc->error[0] ? svc->error : strerror(-r));
			svc->dl = NULL;  /* the caller still owns dl on failure */
			svc_free(svc);
			return r;
		}
	}
	svc->dl = dl;
	publish_service_keys(host, svc);
	/* keep load order: priority, then id */
	for (pos = host->count; pos > 0; pos--) {
		const struct svc_def *o = host->order[pos - 1]->def;

		if (o->priority < def->priority || (o->priority == def->priority && o->id < def->id))
			break;
		host->order[pos] = host->order[pos - 1];
	}
	host->order[pos] = svc;
	host->count++;
	log_info("Service engine loaded: %s [%u]", def->name, def->id);
	return 0;
nomem:
	svc_free(svc);
	return -ENOMEM;
}

int host_load_module(struct host *host, const char *dir, const char *name,
		     char *why, size_t why_size)
{
	char path[4096];
	svc_module_fn fn;
	void *dl;
	int r;

	if (!name_ok(name))
		return why_set(why, why_size, "invalid service module name '%s'", name ? name : "");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.so", dir, name) >= sizeof(path))
		return why_set(why, why_size, "module path too long");
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		why_set(why, why_size, "cannot load %s: %s", path, dlerror());
		return -ENOENT;
	}
	*(void **)&fn = dlsym(dl, SVC_MODULE_SYMBOL);
	if (!fn) {
		dlclose(dl);
		return why_set(why, why_size, "%s does not export %s", path, SVC_MODULE_SYMBOL);
	}
	r = host_add_service(host, fn(), dl, why, why_size);
	if (r < 0)
		dlclose(dl);
	return r;
}

struct svc *host_service_by_id(struct host *host, uint16_t id)
{
	return id <= SVC_ID_MAX ? host->by_id[id] : NULL;
}

struct svc *host_service_at(struct host *host, size_t index)
{
	return index < host->count ? host->order[index] : NULL;
}

const struct host_counters *host_counters(const struct host *host)
{
	return &host->counters;
}

/*
 * Raise one runtime.services.<name>.<fn>.<dir> key by what was counted since
 * the last call: an in-place increment, so a tracker sees a MODIFY with an
 * empty old value, the shape corosync's per-message increment has.  A key
 * that went missing is recreated with the full count.
 */
static void publish_count(struct host *host, const struct svc *svc, uint16_t fn, const char *dir,
			  uint64_t count, uint64_t *published)
{
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	uint64_t delta = count - *published;
	int r = 0;

	if (delta == 0)
		return;
	snprintf(key, sizeof(key), "runtime.services.%s.%u.%s", svc->short_name, fn, dir);
	while (delta > 0 && r == 0) {
		int32_t step = delta > INT32_MAX ? INT32_MAX : (int32_t)delta;

		r = icmap_fast_adjust_int(host->cmap, key, step);
		delta -= (uint64_t)step;
	}
	if (r < 0)
		(void)icmap_set_uint64(host->cmap, key, count);
	*published = count;
}

void host_publish_stats(struct host *host)
{
	size_t i, j;

	if (!host)
		return;
	for (i = 0; i < host->count; i++) {
		struct svc *svc = host->order[i];

		for (j = 0; j < svc->def->totem_ops_count; j++) {
			struct svc_op_count *c = &svc->counts[j];
			uint16_t fn = svc->def->totem_ops[j].id;

			publish_count(host, svc, fn, "tx", c->tx, &c->tx_published);
			publish_count(host, svc, fn, "rx", c->rx, &c->rx_published);
		}
	}
}

void host_dump(struct host *host)
{
	size_t i;

	for (i = 0; i < host->count; i++) {
		struct svc *svc = host->order[i];
		char *buf = NULL, *line, *save = NULL;
		size_t size = 0;
		FILE *f;

		if (!svc->def->dump)
			continue;
		f = open_memstream(&buf, &size);
		if (!f)
			continue;
		svc->def->dump(svc, f);
		fclose(f);
		log_notice("State of %s:", svc->def->name);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			log_notice("  %s", line);
		free(buf);
	}
}

/* ---- svc_* API: instance ------------------------------------------------- */

void *svc_state(struct svc *svc) { return svc->state; }
const struct svc_def *svc_def(struct svc *svc) { return svc->def; }
uint32_t svc_nodeid(struct svc *svc) { return svc->host->nodeid; }
uint64_t svc_now_ms(struct svc *svc) { return svc->host->now_ms; }
bool svc_quorate(struct svc *svc) { return svc->host->quorate; }
bool svc_sync_in_progress(struct svc *svc) { return sync_in_progress(svc->host->sync); }
struct icmap *svc_cmap(struct svc *svc) { return svc->host->cmap; }
struct icmap *svc_stats(struct svc *svc) { return svc->host->stats; }

/* ---- the daemon behind the host --------------------------------------------- */

int svc_node_status(struct svc *svc, uint32_t nodeid, struct svc_node_status *ret_status)
{
	const struct host *h = svc->host;

	if (!ret_status)
		return -EINVAL;
	if (!h->daemon || !h->daemon->node_status)
		return -ENOTSUP;
	memset(ret_status, 0, sizeof(*ret_status));
	return h->daemon->node_status(h->daemon_ctx, nodeid, ret_status);
}

int svc_shutdown(struct svc *svc, int exit_status, const char *reason)
{
	const struct host *h = svc->host;

	if (!h->daemon || !h->daemon->shutdown)
		return -ENOTSUP;
	return h->daemon->shutdown(h->daemon_ctx, exit_status, reason ? reason : "");
}

int svc_reopen_logs(struct svc *svc)
{
	const struct host *h = svc->host;

	if (!h->daemon || !h->daemon->reopen_logs)
		return -ENOTSUP;
	return h->daemon->reopen_logs(h->daemon_ctx);
}

int svc_reload_config(struct svc *svc)
{
	const struct host *h = svc->host;

	if (!h->daemon || !h->daemon->reload_config)
		return -ENOTSUP;
	return h->daemon->reload_config(h->daemon_ctx);
}

int svc_crypto_reconfig_phase(struct svc *svc, enum svc_crypto_phase phase)
{
	const struct host *h = svc->host;

	if (!h->daemon || !h->daemon->crypto_phase)
		return -ENOTSUP;
	if (phase != SVC_CRYPTO_ACTIVATE && phase != SVC_CRYPTO_CLEANUP)
		return -EINVAL;
	return h->daemon->crypto_phase(h->daemon_ctx, phase);
}

int svc_stats_clear(struct svc *svc, unsigned groups)
{
	const struct host *h = svc->host;

	if (!h->daemon || !h->daemon->stats_clear)
		return -ENOTSUP;
	return h->daemon->stats_clear(h->daemon_ctx, groups);
}

void svc_set_error(struct svc *svc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(svc->error, sizeof(svc->error), fmt, ap);
	va_end(ap);
}

/* ---- connections ---------------------------------------------------------- */

struct svc *svc_conn_svc(struct svc_conn *conn) { return conn->svc; }
void *svc_conn_state(struct svc_conn *conn) { return conn->state; }
bool svc_conn_closed(const struct svc_conn *conn) { return conn->closed; }
void *host_conn_ipc(struct svc_conn *conn) { return conn->ipc_conn; }

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
	if (!conn)
		return;
	if (--conn->refs > 0)
		return;
	free(conn->state);
	free(conn);
}

int host_conn_open(struct svc *svc, void *ipc_conn, pid_t pid, uid_t uid, gid_t gid,
		   struct svc_conn **ret_conn)
{
	struct svc_conn *conn;
	int r;

	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return -ENOMEM;
	if (svc->def->conn_state_size && !(conn->state = calloc(1, svc->def->conn_state_size))) {
		free(conn);
		return -ENOMEM;
	}
	conn->svc = svc;
	conn->ipc_conn = ipc_conn;
	conn->refs = 1;
	conn->pid = pid;
	conn->uid = uid;
	conn->gid = gid;
	if (svc->def->conn_open) {
		r = svc->def->conn_open(conn);
		if (r < 0) {
			free(conn->state);
			free(conn);
			return r;
		}
	}
	*ret_conn = conn;
	return 0;
}

static void conn_close_now(struct svc_conn *conn)
{
	conn->closed = true;
	if (conn->svc->def->conn_close)
		conn->svc->def->conn_close(conn);
	conn->ipc_conn = NULL;
	svc_conn_unref(conn);
}

void host_conn_close(struct svc_conn *conn)
{
	if (!conn || conn->closed || conn->close_pending)
		return;
	if (conn->parked) {
		/* Its parked requests still run (the client was told they were
		 * sent); replies are dropped from now on and the service sees the
		 * close after the last of them. */
		conn->close_pending = true;
		conn->ipc_conn = NULL;
		return;
	}
	conn_close_now(conn);
}

static const struct svc_ipc_op *ipc_op_find(const struct svc_def *def, int32_t id)
{
	size_t i;

	for (i = 0; i < def->ipc_ops_count; i++)
		if (def->ipc_ops[i].id == id)
			return &def->ipc_ops[i];
	return NULL;
}

/* ---- flow control and parked requests -------------------------------------- */

static void deadline_changed(struct host *host);

/* Room a service may add to a request when it turns it into a totem message. */
#define HOST_MCAST_SLACK 512
/* Parked bytes over all connections; libqb stops reading requests once the
 * rate limit is set, so this is only reached by a misbehaving path. */
#define HOST_PARKED_MAX (256u << 20)

static bool gate_closed(const struct host *host, const struct svc_ipc_op *op, size_t len)
{
	if (!(op->flags & SVC_IPC_FLOW_CONTROL))
		return false;
	return sync_in_progress(host->sync) ||
	       (host->totem->space && !host->totem->space(host->totem_ctx, len + HOST_MCAST_SLACK));
}

/* Tell the IPC layer whether clients of flow-controlled services must hold
 * back (libqb rate limit): during sync and while requests are parked. */
static void flow_update(struct host *host)
{
	bool on = sync_in_progress(host->sync) || host->parked != NULL;

	if (on == host->flow_control)
		return;
	host->flow_control = on;
	log_debug("IPC flow control %s", on ? "on" : "off");
	if (host->flow_fn)
		host->flow_fn(host->flow_ctx, on);
}

void host_set_flow_control_hook(struct host *host, void (*fn)(void *ctx, bool on), void *ctx)
{
	host->flow_fn = fn;
	host->flow_ctx = ctx;
}

bool host_flow_control(const struct host *host)
{
	return host->flow_control;
}

static int park(struct host *host, struct svc_conn *conn, const struct svc_ipc_op *op,
		const void *msg, size_t len, bool at_head)
{
	struct parked_req *p;

	if (host->parked_bytes + len > HOST_PARKED_MAX ||
	    !(p = malloc(sizeof(*p) + len))) {
		/* the first, then every 1000th: a client must not flood the log */
		if (host->counters.ipc_lost++ % 1000 == 0)
			log_err("%s: request %u from pid %d lost: no room to hold it "
				"(%" PRIu64 " lost so far)", conn->svc->def->name, op->id,
				(int)conn->pid, host->counters.ipc_lost);
		return -ENOBUFS;
	}
	memcpy(p->data, msg, len);
	p->len = len;
	p->op = op;
	p->conn = conn;
	svc_conn_ref(conn);
	conn->parked++;
	host->parked_bytes += len;
	host->counters.ipc_parked++;
	if (at_head) {
		p->next = host->parked;
		if (!host->parked)
			host->parked_tail = &p->next;
		host->parked = p;
	} else {
		p->next = NULL;
		*host->parked_tail = p;
		host->parked_tail = &p->next;
	}
	flow_update(host);
	deadline_changed(host);
	return 0;
}

/* Run a handler; true when it handed the request back (svc_request_again). */
static bool run_handler(struct host *host, struct svc_conn *conn, const struct svc_ipc_op *op,
			const void *msg, size_t len)
{
	struct svc_conn *prev_conn = host->cur_conn;
	const struct svc_ipc_op *prev_op = host->cur_op;
	const void *prev_msg = host->cur_msg;
	size_t prev_len = host->cur_len;
	bool prev_again = host->cur_again, again;

	host->cur_conn = conn;
	host->cur_op = op;
	host->cur_msg = msg;
	host->cur_len = len;
	host->cur_again = false;
	/* The handler may drop the last outside reference (e.g. by disconnecting). */
	svc_conn_ref(conn);
	op->handle(conn, msg, len);
	svc_conn_unref(conn);
	again = host->cur_again;
	host->cur_conn = prev_conn;
	host->cur_op = prev_op;
	host->cur_msg = prev_msg;
	host->cur_len = prev_len;
	host->cur_again = prev_again;
	return again;
}

int svc_request_again(struct svc_conn *conn)
{
	struct host *host = conn->svc->host;

	if (host->cur_conn != conn || host->cur_again)
		return -EINVAL;
	host->cur_again = true;
	return 0;
}

/* Run parked requests while the gate lets them through. */
static void replay_parked(struct host *host)
{
	while (host->parked) {
		struct parked_req *p = host->parked;
		struct svc_conn *conn = p->conn;

		if (gate_closed(host, p->op, p->len))
			break;
		host->parked = p->next;
		if (!host->parked)
			host->parked_tail = &host->parked;
		host->parked_bytes -= p->len;
		conn->parked--;
		/* Once the client is gone only what it was told was sent still runs
		 * (NO_REPLY); a request whose reply it never read is dropped, as
		 * corosync drops a dead connection's unread requests. */
		if (!conn->closed &&
		    (!conn->close_pending || (p->op->flags & SVC_IPC_NO_REPLY)) &&
		    run_handler(host, conn, p->op, p->data, p->len)) {
			/* Still no room: back to the front, in its place. */
			conn->parked++;
			host->parked_bytes += p->len;
			p->next = host->parked;
			if (!host->parked)
				host->parked_tail = &p->next;
			host->parked = p;
			break;
		}
		if (conn->close_pending && conn->parked == 0 && !conn->closed)
			conn_close_now(conn);
		svc_conn_unref(conn);
		free(p);
	}
	flow_update(host);
}

int host_conn_dispatch(struct svc_conn *conn, const void *msg, size_t len)
{
	struct host *host = conn->svc->host;
	const struct qb_ipc_request_header *hdr = msg;
	const struct svc_ipc_op *op;
	int32_t id;
	size_t max;

	if (conn->closed)
		return -ENOTCONN;
	if (len < sizeof(*hdr) || len > SVC_IPC_MSG_MAX) {
		host->counters.ipc_invalid++;
		/* Not even a header we could trust: answer the generic error. */
		(void)svc_reply_error(conn, 0, CS_ERR_INVALID_PARAM);
		return -EBADMSG;
	}
	id = hdr->id;
	op = ipc_op_find(conn->svc->def, id);
	if (!op) {
		host->counters.ipc_invalid++;
		log_debug("%s: unknown request id %" PRId32 " from pid %d", conn->svc->def->name, id,
			  (int)conn->pid);
		(void)svc_reply_error(conn, 0, CS_ERR_INVALID_PARAM);
		return -ENOSYS;
	}
	max = op->size_max ? op->size_max : op->size_min;
	if (len < op->size_min || len > max || (size_t)hdr->size != len) {
		host->counters.ipc_invalid++;
		log_debug("%s: request %" PRId32 " has bad size %zu (header says %" PRId32 ")",
			  conn->svc->def->name, id, len, hdr->size);
		if (!(op->flags & SVC_IPC_NO_REPLY))
			(void)svc_reply_error(conn, 0, CS_ERR_INVALID_PARAM);
		return -EBADMSG;
	}
	/* Behind its own parked requests: keep the connection's order. */
	if (conn->parked)
		return park(host, conn, op, msg, len, false);
	if ((op->flags & SVC_IPC_QUORATE) && !host->quorate) {
		host->counters.ipc_overload++;
		if (!(op->flags & SVC_IPC_NO_REPLY))
			(void)svc_reply_error(conn, 0, CS_ERR_TRY_AGAIN);
		return -EAGAIN;
	}
	if (gate_closed(host, op, len)) {
		/* The client of a NO_REPLY request was told it was sent: hold it
		 * (corosync drops it), and a FLOW_PARK one is held by request.
		 * Others get TRY_AGAIN, as corosync answers. */
		if (op->flags & (SVC_IPC_NO_REPLY | SVC_IPC_FLOW_PARK))
			return park(host, conn, op, msg, len, false);
		host->counters.ipc_overload++;
		(void)svc_reply_error(conn, 0, CS_ERR_TRY_AGAIN);
		return -EAGAIN;
	}
	if (run_handler(host, conn, op, msg, len))
		return park(host, conn, op, msg, len, false);
	return 0;
}

int svc_reply(struct svc_conn *conn, const struct iovec *iov, size_t iovcnt)
{
	if (conn->closed || !conn->ipc_conn)
		return -ENOTCONN;
	return conn->svc->host->ipc->reply(conn->ipc_conn, iov, iovcnt);
}

int svc_reply_error(struct svc_conn *conn, int32_t id, int32_t cs_error)
{
	struct qb_ipc_response_header res;
	struct iovec iov = { .iov_base = &res, .iov_len = sizeof(res) };

	memset(&res, 0, sizeof(res));
	res.id = id;
	res.size = sizeof(res);
	res.error = cs_error;
	return svc_reply(conn, &iov, 1);
}

int svc_event(struct svc_conn *conn, const struct iovec *iov, size_t iovcnt)
{
	if (conn->closed || !conn->ipc_conn)
		return -ENOTCONN;
	return conn->svc->host->ipc->event(conn->ipc_conn, iov, iovcnt);
}

/* ---- totem ---------------------------------------------------------------- */

static int totem_op_index(const struct svc_def *def, uint16_t fn)
{
	size_t i;

	for (i = 0; i < def->totem_ops_count; i++)
		if (def->totem_ops[i].id == fn)
			return (int)i;
	return -1;
}

int svc_mcast(struct svc *svc, uint16_t fn_id, const struct iovec *iov, size_t iovcnt,
	      enum svc_guarantee guarantee)
{
	struct host *host = svc->host;
	struct qb_ipc_request_header hdr;
	struct iovec out[9];
	size_t total = 0, i;
	int idx, r;

	idx = totem_op_index(svc->def, fn_id);
	if (idx < 0 || iovcnt == 0 || iovcnt > 8 || iov[0].iov_len < sizeof(hdr))
		return -EINVAL;
	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > SVC_IPC_MSG_MAX)
		return -EMSGSIZE;
	if (host->totem->space && !host->totem->space(host->totem_ctx, total))
		return -EAGAIN;
	memcpy(&hdr, iov[0].iov_base, sizeof(hdr));
	hdr.id = (int32_t)(((uint32_t)svc->def->id << 16) | fn_id);
	hdr.size = (int32_t)total;
	out[0].iov_base = &hdr;
	out[0].iov_len = sizeof(hdr);
	out[1].iov_base = (char *)iov[0].iov_base + sizeof(hdr);
	out[1].iov_len = iov[0].iov_len - sizeof(hdr);
	for (i = 1; i < iovcnt; i++)
		out[i + 1] = iov[i];
	r = host->totem->mcast(host->totem_ctx, HOST_GROUP_SERVICES, out, iovcnt + 1, guarantee);
	if (r < 0)
		return r;
	svc->counts[idx].tx++;
	return 0;
}

/*
 * A malformed totem message: counted, logged at debug, and summarised in at
 * most one notice per HOST_DROP_NOTICE_MS (the count since the previous
 * notice), so a peer cannot flood the log.  Drops inside the window are
 * reported with the first drop after it.
 */
static void drop_totem(struct host *host, uint32_t from_nodeid, const char *svc_name,
		       const char *what, uint32_t fn, size_t len)
{
	host->counters.totem_dropped++;
	host->drops_unreported++;
	log_debug("%s: dropping totem message fn %" PRIu32 " (%zu bytes) from node %" PRIu32 ": %s",
		  svc_name, fn, len, from_nodeid, what);
	if (host->drop_noticed && host->now_ms - host->drop_notice_ms < HOST_DROP_NOTICE_MS)
		return;
	log_notice("dropped %" PRIu64 " malformed totem message%s since the last notice "
		   "(the last one from node %" PRIu32 ": %s)", host->drops_unreported,
		   host->drops_unreported == 1 ? "" : "s", from_nodeid, what);
	host->drops_unreported = 0;
	host->drop_notice_ms = host->now_ms;
	host->drop_noticed = true;
}

void host_deliver(struct host *host, uint32_t from_nodeid, void *msg, size_t len,
		  bool foreign_endian)
{
	struct qb_ipc_request_header *hdr = msg;
	const struct svc_totem_op *op;
	struct svc *svc;
	uint32_t id;
	int idx;

	if (len < sizeof(*hdr)) {
		drop_totem(host, from_nodeid, "?", "shorter than a header", 0, len);
		return;
	}
	id = (uint32_t)hdr->id;
	if (foreign_endian)
		id = __builtin_bswap32(id);
	svc = (id >> 16) <= SVC_ID_MAX ? host->by_id[id >> 16] : NULL;
	if (!svc) {
		host->counters.totem_unknown++;
		return;
	}
	idx = totem_op_index(svc->def, id & 0xffff);
	if (idx < 0) {
		drop_totem(host, from_nodeid, svc->def->name, "unknown fn", id & 0xffff, len);
		return;
	}
	op = &svc->def->totem_ops[idx];
	if (len < op->size_min) {
		drop_totem(host, from_nodeid, svc->def->name, "too short", op->id, len);
		return;
	}
	if (foreign_endian) {
		hdr->id = (int32_t)id;
		hdr->size = (int32_t)__builtin_bswap32((uint32_t)hdr->size);
		if (op->to_host)
			op->to_host(msg, len);
	}
	svc->counts[idx].rx++;
	op->handle(svc, from_nodeid, msg, len);
}

/* ---- membership and sync -------------------------------------------------- */

bool host_ready(const struct host *host) { return host->ready; }
bool host_sync_in_progress(const struct host *host) { return sync_in_progress(host->sync); }
void host_set_quorate(struct host *host, bool quorate) { host->quorate = quorate; }

int svc_quorum_set(struct svc *svc, const struct svc_quorum *q)
{
	struct host *host = svc->host;
	struct svc_quorum copy;
	size_t i;

	if (q->members_count > host->quorum_members_count || !host->quorum_members) {
		uint32_t *m = realloc(host->quorum_members,
				      (q->members_count ? q->members_count : 1) * sizeof(*m));

		if (!m)
			return -ENOMEM;
		host->quorum_members = m;
	}
	if (q->members_count)
		memmove(host->quorum_members, q->members, q->members_count * sizeof(uint32_t));
	host->quorum_members_count = q->members_count;
	host->quorum_rep = q->rep_nodeid;
	host->quorum_seq = q->ring_seq;
	host->quorum_known = true;
	host->quorate = q->quorate;
	svc_quorum_get(svc, &copy);
	for (i = 0; i < host->count; i++)
		if (host->order[i]->def->quorum_changed)
			host->order[i]->def->quorum_changed(host->order[i], &copy);
	return 0;
}

int svc_quorum_get(struct svc *svc, struct svc_quorum *ret_q)
{
	struct host *host = svc->host;

	if (!host->quorum_known)
		return -ENOENT;
	ret_q->quorate = host->quorate;
	ret_q->rep_nodeid = host->quorum_rep;
	ret_q->ring_seq = host->quorum_seq;
	ret_q->members = host->quorum_members;
	ret_q->members_count = host->quorum_members_count;
	return 0;
}

void host_sync_done(struct host *host, const struct svc_view *view)
{
	size_t i;

	for (i = 0; i < host->count; i++)
		if (host->order[i]->def->view_change)
			host->order[i]->def->view_change(host->order[i], view);
	if (host->sync_done_fn)
		host->sync_done_fn(host->sync_done_ctx);
	replay_parked(host);
	/* After every round, as corosync v3.1.7 exec/main.c corosync_sync_completed
	 * logs it: operators (and scripts) read it as "the cluster settled". */
	log_notice("Completed service synchronization, ready to provide service.");
	if (!host->ready) {
		host->ready = true;
		if (host->ready_fn)
			host->ready_fn(host->ready_ctx);
	}
}

static void deadline_changed(struct host *host)
{
	if (host->deadline_fn)
		host->deadline_fn(host->deadline_ctx);
}

void host_confchg(struct host *host, const struct svc_view *view)
{
	sync_start(host->sync, view);
	flow_update(host);
	deadline_changed(host);
}

int host_sync_mcast(struct host *host, const void *msg, size_t len)
{
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };

	return host->totem->mcast(host->totem_ctx, HOST_GROUP_SYNC, &iov, 1, SVC_AGREED);
}

void host_sync_deliver(struct host *host, uint32_t from_nodeid, const void *msg, size_t len,
		       bool foreign_endian)
{
	sync_deliver(host->sync, from_nodeid, msg, len, foreign_endian);
	if (sync_has_work(host->sync))
		deadline_changed(host);
}

/* ---- time and timers ------------------------------------------------------ */

void host_set_time(struct host *host, uint64_t now_ms)
{
	if (now_ms > host->now_ms)
		host->now_ms = now_ms;
}

void svc_timer_init(struct svc *svc, struct svc_timer *timer,
		    void (*fn)(struct svc *svc, struct svc_timer *timer))
{
	memset(timer, 0, sizeof(*timer));
	timer->svc = svc;
	timer->fn = fn;
}

void svc_timer_stop(struct svc_timer *timer)
{
	struct svc_timer **p;

	if (!timer->armed)
		return;
	for (p = &timer->svc->host->timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = timer->next;
			break;
		}
	}
	timer->armed = false;
	timer->next = NULL;
}

void svc_timer_start(struct svc_timer *timer, uint64_t after_ms)
{
	struct host *host = timer->svc->host;
	struct svc_timer **p;

	svc_timer_stop(timer);
	timer->deadline_ms = host->now_ms + after_ms;
	for (p = &host->timers; *p && (*p)->deadline_ms <= timer->deadline_ms; p = &(*p)->next)
		;
	timer->next = *p;
	*p = timer;
	timer->armed = true;
	if (host->timers == timer)
		deadline_changed(host);
}

void host_totem_room(struct host *host)
{
	if (host->parked && !sync_in_progress(host->sync))
		replay_parked(host);
}

void host_advance(struct host *host, uint64_t now_ms)
{
	host_set_time(host, now_ms);
	while (host->timers && host->timers->deadline_ms <= host->now_ms) {
		struct svc_timer *t = host->timers;

		host->timers = t->next;
		t->next = NULL;
		t->armed = false;
		t->fn(t->svc, t);
	}
	sync_run(host->sync);
	host_totem_room(host);
}

uint64_t host_next_deadline(const struct host *host)
{
	uint64_t next = host->timers ? host->timers->deadline_ms : UINT64_MAX;

	/* Sync work runs at once; work that just met -EAGAIN (totem full, a
	 * service waiting for something) is retried every millisecond, not in
	 * a loop that spins until the next token. */
	if (sync_has_work(host->sync)) {
		if (!sync_stalled(host->sync))
			return 0;
		if (host->now_ms + 1 < next)
			next = host->now_ms + 1;
	}
	/* Parked requests wait for totem room: the daemon says when a token
	 * visit may have made some (host_totem_room); look again every
	 * millisecond too (corosync re-checks its flow control as often). */
	if (host->parked && !sync_in_progress(host->sync) && host->now_ms + 1 < next)
		next = host->now_ms + 1;
	return next;
}
