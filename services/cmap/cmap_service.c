/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cmap service: the daemon side of libcmap.so.4's IPC (corosync
 * v3.1.7 exec/cmap.c) over the host's two icmap maps, and cmap's one totem message,
 * the config_version exchange (§2.6).
 *
 * Owns per-connection state only: the current map (0 default, 1 stats) and
 * two tables of opaque u64 handles (iterators, trackers), all freed in
 * conn_close.  It does not publish keys, check client credentials or gate
 * requests (the host does), and it never trusts a length field from the
 * wire: every embedded length is checked against the real request length.
 * Every request gets exactly one reply of exactly the size libcmap expects.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_SUBSYS LOG_SUBSYS_CMAP
#include <chorus/icmap.h>
#include <chorus/log.h>
#include <chorus/service.h>
#include <corosync/corotypes.h>
#include <corosync/ipc_cmap.h>
#include <corosync/wire_asserts.h>

#include "services/cmap/cmap_service.h"

#define CMAP_MAP_DEFAULT CMAP_SETMAP_DEFAULT
#define CMAP_MAP_STATS   CMAP_SETMAP_STATS

#define CMAP_TRACK_ALL (ICMAP_TRACK_ADD | ICMAP_TRACK_DELETE | ICMAP_TRACK_MODIFY | \
			ICMAP_TRACK_PREFIX)
#define CMAP_CONFIG_VERSION_KEY "totem.config_version"
#define CMAP_RETRY_MS 100

/* ---- state ------------------------------------------------------------------ */

struct cmap_state {
	struct svc *svc;
	struct icmap_track *cfgver_track;    /* totem.config_version in the default map */
	struct svc_timer retry;              /* re-send a NEW_CONFIG_VERSION that got -EAGAIN */
	/* the config_version policy (corosync v3.1.7 exec/cmap.c, cmap_sync_activate) */
	bool synced_with_others;             /* a sync with other members happened */
	size_t sync_members_count;
	uint64_t my_config_version;          /* at sync start; 0: absent */
	uint64_t highest_config_version;     /* highest received from another node */
};

struct cmap_iter_slot {
	uint64_t handle;
	int map_id;
	struct icmap_iter it;
};

struct cmap_track_slot {
	uint64_t handle;
	uint64_t inst_handle;                /* the client's, echoed in notifications */
	struct icmap *map;                   /* the map the tracker lives in */
	struct icmap_track *track;
	struct svc_conn *conn;
};

/* An unordered table of slot pointers (a connection has a handful). */
struct cmap_table {
	void **items;
	size_t count;
	size_t cap;
};

struct cmap_conn {
	int map_id;
	uint64_t last_handle;                /* handles are unique per connection */
	struct cmap_table iters;             /* struct cmap_iter_slot * */
	struct cmap_table tracks;            /* struct cmap_track_slot * */
};

/* Slots start with their handle, so one lookup serves both tables. */
_Static_assert(offsetof(struct cmap_iter_slot, handle) == 0, "iter slot handle first");
_Static_assert(offsetof(struct cmap_track_slot, handle) == 0, "track slot handle first");

static int cmap_table_add(struct cmap_table *t, void *item)
{
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		void **n = realloc(t->items, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->items = n;
		t->cap = cap;
	}
	t->items[t->count++] = item;
	return 0;
}

static void *cmap_table_find(const struct cmap_table *t, uint64_t handle, size_t *ret_idx)
{
	for (size_t i = 0; i < t->count; i++) {
		uint64_t h;

		memcpy(&h, t->items[i], sizeof(h));
		if (h == handle) {
			if (ret_idx)
				*ret_idx = i;
			return t->items[i];
		}
	}
	return NULL;
}

static void cmap_table_remove(struct cmap_table *t, size_t idx)
{
	t->items[idx] = t->items[--t->count];
}

static void cmap_table_free(struct cmap_table *t)
{
	free(t->items);
	memset(t, 0, sizeof(*t));
}

static struct icmap *cmap_map(struct svc *svc, int map_id)
{
	return map_id == CMAP_MAP_STATS ? svc_stats(svc) : svc_cmap(svc);
}

static struct cmap_conn *cmap_conn(struct svc_conn *conn)
{
	return svc_conn_state(conn);
}

static struct icmap *cmap_conn_map(struct svc_conn *conn)
{
	return cmap_map(svc_conn_svc(conn), cmap_conn(conn)->map_id);
}

static cs_error_t cmap_cs_error(int r)
{
	switch (r) {
	case 0: return CS_OK;
	case -ENOENT: return CS_ERR_NOT_EXIST;
	case -EINVAL: return CS_ERR_INVALID_PARAM;
	case -ENAMETOOLONG: return CS_ERR_NAME_TOO_LONG;
	case -ENOMEM: return CS_ERR_NO_MEMORY;
	case -EACCES: return CS_ERR_ACCESS;
	case -EBUSY: return CS_ERR_BUSY;
	case -ENOTSUP: return CS_ERR_NOT_SUPPORTED;
	default: return CS_ERR_LIBRARY;
	}
}

/* A wire key name as a C string; value[255] is forced to NUL, length ignored. */
static void cmap_key_copy(char key[static 256], const mar_name_t *name)
{
	memcpy(key, name->value, 256);
	key[255] = '\0';
}

static void cmap_reply_fill(void *res, size_t size, int32_t id, cs_error_t err)
{
	struct qb_ipc_response_header *h = res;

	h->id = id;
	h->size = (int32_t)size;
	h->error = err;
}

/* Reply with a fixed-size struct whose body the caller filled (or zeroed). */
static void cmap_reply(struct svc_conn *conn, void *res, size_t size, int32_t id, cs_error_t err)
{
	struct iovec iov = { .iov_base = res, .iov_len = size };

	cmap_reply_fill(res, size, id, err);
	svc_reply(conn, &iov, 1);
}

static uint64_t cmap_handle_new(struct cmap_conn *cc)
{
	return ++cc->last_handle;
}

/* ---- SET / DELETE / ADJUST_INT -------------------------------------------------- */

/*
 * stats map writes (§2.5): only stats.clear.<group>; the daemon resets the
 * counters.  Groups are matched as prefixes, as corosync 3.1.7 does
 * (exec/stats.c, stats_map_set: "stats.clear.knetX" clears knet too).
 */
static cs_error_t cmap_stats_set(struct svc *svc, const char *key)
{
	static const struct { const char *name; unsigned groups; } groups[] = {
		{ "knet", SVC_STATS_KNET },
		{ "ipc", SVC_STATS_IPC },
		{ "totem", SVC_STATS_TOTEM },
		{ "schedmiss", SVC_STATS_SCHEDMISS },
		{ "all", SVC_STATS_KNET | SVC_STATS_IPC | SVC_STATS_TOTEM | SVC_STATS_SCHEDMISS },
	};
	const char *prefix = "stats.clear.";
	unsigned mask = 0;
	int r;

	if (strncmp(key, prefix, strlen(prefix)) != 0)
		return CS_ERR_ACCESS;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strncmp(key + strlen(prefix), groups[i].name, strlen(groups[i].name)) == 0)
			mask |= groups[i].groups;
	if (!mask)
		return CS_ERR_NOT_SUPPORTED;
	/* corosync answers CS_OK whatever the clearing did */
	r = svc_stats_clear(svc, mask);
	if (r < 0 && r != -ENOTSUP)
		log_warn("Clearing the statistics (%s) failed: %s", key, strerror(-r));
	return CS_OK;
}

static cs_error_t cmap_value_check(const uint8_t *value, uint64_t value_len, uint8_t type)
{
	int size;

	if (type == ICMAP_T_NONE || type > ICMAP_T_BINARY)
		return CS_ERR_INVALID_PARAM;
	size = icmap_type_size((enum icmap_type)type);
	if (value_len > ICMAP_VALUE_MAXLEN)
		return CS_ERR_INVALID_PARAM;
	if (size > 0 && value_len != (uint64_t)size)
		return CS_ERR_INVALID_PARAM;
	/* A string may be sent without its NUL, but nothing may follow the NUL. */
	if (type == ICMAP_T_STRING && value_len > strnlen((const char *)value, value_len) + 1)
		return CS_ERR_INVALID_PARAM;
	return CS_OK;
}

static void cmap_handle_set(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cmap_conn *cc = cmap_conn(conn);
	struct icmap *map = cmap_conn_map(conn);
	struct req_lib_cmap_set req;
	struct res_lib_cmap_set res;
	const uint8_t *value = (const uint8_t *)msg + sizeof(req);
	char key[256];
	cs_error_t err;

	memcpy(&req, msg, sizeof(req));
	cmap_key_copy(key, &req.key_name);
	memset(&res, 0, sizeof(res));
	if (!map)
		err = CS_ERR_LIBRARY;
	else if (icmap_is_ro(map, key))
		err = CS_ERR_ACCESS;
	else if (cc->map_id == CMAP_MAP_STATS)
		err = cmap_stats_set(svc_conn_svc(conn), key);
	else if (req.value_len > len - sizeof(req))
		err = CS_ERR_INVALID_PARAM;
	else if ((err = cmap_value_check(value, req.value_len, req.type)) == CS_OK)
		err = cmap_cs_error(icmap_set(map, key, value, (size_t)req.value_len,
					      (enum icmap_type)req.type));
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_SET, err);
}

/* The gate DELETE and ADJUST_INT share: a key that is not read-only, not in the stats map. */
static cs_error_t cmap_modify_allowed(struct svc_conn *conn, struct icmap *map, const char *key)
{
	if (!map)
		return CS_ERR_LIBRARY;
	if (icmap_is_ro(map, key) || cmap_conn(conn)->map_id == CMAP_MAP_STATS)
		return CS_ERR_ACCESS;
	return CS_OK;
}

static void cmap_handle_delete(struct svc_conn *conn, const void *msg, size_t len)
{
	struct icmap *map = cmap_conn_map(conn);
	struct req_lib_cmap_delete req;
	struct res_lib_cmap_delete res;
	char key[256];
	cs_error_t err;

	memcpy(&req, msg, sizeof(req));
	cmap_key_copy(key, &req.key_name);
	memset(&res, 0, sizeof(res));
	if ((err = cmap_modify_allowed(conn, map, key)) == CS_OK)
		err = cmap_cs_error(icmap_delete(map, key));
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_DELETE, err);
}

static void cmap_handle_adjust_int(struct svc_conn *conn, const void *msg, size_t len)
{
	struct icmap *map = cmap_conn_map(conn);
	struct req_lib_cmap_adjust_int req;
	struct res_lib_cmap_adjust_int res;
	char key[256];
	cs_error_t err;

	memcpy(&req, msg, sizeof(req));
	cmap_key_copy(key, &req.key_name);
	memset(&res, 0, sizeof(res));
	if ((err = cmap_modify_allowed(conn, map, key)) == CS_OK)
		err = cmap_cs_error(icmap_adjust_int(map, key, req.step));
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_ADJUST_INT, err);
}

/* ---- GET ------------------------------------------------------------------ */

static void cmap_handle_get(struct svc_conn *conn, const void *msg, size_t len)
{
	static const uint8_t zeros[ICMAP_VALUE_MAXLEN];
	struct icmap *map = cmap_conn_map(conn);
	struct req_lib_cmap_get req;
	struct res_lib_cmap_get res;
	struct iovec iov[3];
	const void *value = NULL;
	size_t value_len = 0, cap;
	enum icmap_type type = ICMAP_T_NONE;
	char key[256];
	cs_error_t err;
	int r;

	memcpy(&req, msg, sizeof(req));
	cmap_key_copy(key, &req.key_name);
	memset(&res, 0, sizeof(res));
	r = map ? icmap_get(map, key, &value, &value_len, &type) : -EIO;
	if (r < 0) {
		cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_GET, cmap_cs_error(r));
		return;
	}
	if (req.value_len > 0 && req.value_len < value_len) {
		cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_GET, CS_ERR_INVALID_PARAM);
		return;
	}
	/*
	 * The client's buffer is 40 + its capacity, and the reply fills it.  No
	 * value is longer than ICMAP_VALUE_MAXLEN, so a larger capacity gets a
	 * reply of 40 + ICMAP_VALUE_MAXLEN (smaller than the buffer, which libqb
	 * accepts) instead of corosync's 40 + capacity: the client's request
	 * length field never decides how much the daemon sends.
	 */
	cap = req.value_len > ICMAP_VALUE_MAXLEN ? ICMAP_VALUE_MAXLEN : (size_t)req.value_len;
	res.value_len = value_len;
	res.type = (uint8_t)type;
	err = CS_OK;
	cmap_reply_fill(&res, sizeof(res) + cap, MESSAGE_RES_CMAP_GET, err);
	iov[0].iov_base = &res;
	iov[0].iov_len = sizeof(res);
	if (cap == 0) {
		svc_reply(conn, iov, 1);
		return;
	}
	iov[1].iov_base = (void *)value;
	iov[1].iov_len = value_len;
	iov[2].iov_base = (void *)zeros;
	iov[2].iov_len = cap - value_len;
	svc_reply(conn, iov, 3);
}

/* ---- iterators ---------------------------------------------------------------- */

static void cmap_handle_iter_init(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cmap_conn *cc = cmap_conn(conn);
	struct req_lib_cmap_iter_init req;
	struct res_lib_cmap_iter_init res;
	struct cmap_iter_slot *slot;
	char prefix[256];
	cs_error_t err = CS_ERR_NO_SECTIONS;

	memcpy(&req, msg, sizeof(req));
	cmap_key_copy(prefix, &req.prefix);
	memset(&res, 0, sizeof(res));
	if (cc->iters.count >= CMAP_CONN_ITERS_MAX) {
		log_debug("client has %zu open iterators; refusing another", cc->iters.count);
		cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_ITER_INIT,
			   CS_ERR_NO_RESOURCES);
		return;
	}
	slot = calloc(1, sizeof(*slot));
	if (slot && icmap_iter_init(&slot->it, req.prefix.length ? prefix : NULL) == 0 &&
	    cmap_table_add(&cc->iters, slot) == 0) {
		slot->handle = cmap_handle_new(cc);
		slot->map_id = cc->map_id;
		res.iter_handle = slot->handle;
		err = CS_OK;
	} else {
		free(slot);
	}
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_ITER_INIT, err);
}

static void cmap_handle_iter_next(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cmap_conn *cc = cmap_conn(conn);
	struct req_lib_cmap_iter_next req;
	struct res_lib_cmap_iter_next res;
	struct cmap_iter_slot *slot;
	struct icmap *map;
	const char *key;
	size_t value_len;
	enum icmap_type type;
	cs_error_t err = CS_ERR_BAD_HANDLE;

	memcpy(&req, msg, sizeof(req));
	memset(&res, 0, sizeof(res));
	slot = cmap_table_find(&cc->iters, req.iter_handle, NULL);
	if (slot) {
		map = cmap_map(svc_conn_svc(conn), slot->map_id);
		key = map ? icmap_iter_next(map, &slot->it, NULL, &value_len, &type) : NULL;
		err = CS_ERR_NO_SECTIONS;
		if (key && mar_name_set(&res.key_name, key) == 0) {
			res.value_len = value_len;
			res.type = (uint8_t)type;
			err = CS_OK;
		}
	}
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_ITER_NEXT, err);
}

static void cmap_handle_iter_finalize(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cmap_conn *cc = cmap_conn(conn);
	struct req_lib_cmap_iter_finalize req;
	struct res_lib_cmap_iter_finalize res;
	struct cmap_iter_slot *slot;
	cs_error_t err = CS_ERR_BAD_HANDLE;
	size_t idx;

	memcpy(&req, msg, sizeof(req));
	memset(&res, 0, sizeof(res));
	slot = cmap_table_find(&cc->iters, req.iter_handle, &idx);
	if (slot) {
		cmap_table_remove(&cc->iters, idx);
		free(slot);
		err = CS_OK;
	}
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_ITER_FINALIZE, err);
}

/* ---- trackers --------------------------------------------------------------- */

static void cmap_notify(void *ctx, int event, const char *key,
			enum icmap_type new_type, const void *new_value, size_t new_len,
			enum icmap_type old_type, const void *old_value, size_t old_len)
{
	struct cmap_track_slot *slot = ctx;
	struct res_lib_cmap_notify_callback ev;
	struct iovec iov[3];
	size_t n = 1;

	memset(&ev, 0, sizeof(ev));
	if (mar_name_set(&ev.key_name, key) < 0)
		return;
	ev.track_inst_handle = slot->inst_handle;
	ev.event = event;
	ev.new_value_type = (uint8_t)new_type;
	ev.old_value_type = (uint8_t)old_type;
	ev.new_value_len = new_len;
	ev.old_value_len = old_len;
	cmap_reply_fill(&ev, sizeof(ev) + new_len + old_len, MESSAGE_RES_CMAP_NOTIFY_CALLBACK, CS_OK);
	iov[0].iov_base = &ev;
	iov[0].iov_len = sizeof(ev);
	if (new_len) {
		iov[n].iov_base = (void *)new_value;
		iov[n++].iov_len = new_len;
	}
	if (old_len) {
		iov[n].iov_base = (void *)old_value;
		iov[n++].iov_len = old_len;
	}
	svc_event(slot->conn, iov, n);
}

static void cmap_handle_track_add(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cmap_conn *cc = cmap_conn(conn);
	struct icmap *map = cmap_conn_map(conn);
	struct req_lib_cmap_track_add req;
	struct res_lib_cmap_track_add res;
	struct cmap_track_slot *slot = NULL;
	char key[256];
	int flags;
	cs_error_t err;

	memcpy(&req, msg, sizeof(req));
	cmap_key_copy(key, &req.key_name);
	memset(&res, 0, sizeof(res));
	flags = req.track_type;
	if (!map) {
		err = CS_ERR_LIBRARY;
	} else if (flags & ~CMAP_TRACK_ALL) {
		err = CS_ERR_INVALID_PARAM;
	} else if (cc->map_id == CMAP_MAP_STATS && (flags & ICMAP_TRACK_PREFIX) &&
		   (!(flags & ICMAP_TRACK_ADD) || !(flags & ICMAP_TRACK_DELETE))) {
		err = CS_ERR_NOT_SUPPORTED;
	} else if (cc->tracks.count >= CMAP_CONN_TRACKS_MAX) {
		log_debug("client has %zu trackers; refusing another", cc->tracks.count);
		err = CS_ERR_NO_RESOURCES;
	} else if (!(slot = calloc(1, sizeof(*slot)))) {
		err = CS_ERR_NO_MEMORY;
	} else {
		slot->inst_handle = req.track_inst_handle;
		slot->map = map;
		slot->conn = conn;
		err = cmap_cs_error(icmap_track_add(map, req.key_name.length ? key : NULL, flags,
						    cmap_notify, slot, &slot->track));
		if (err == CS_OK && cmap_table_add(&cc->tracks, slot) < 0) {
			icmap_track_delete(map, slot->track);
			err = CS_ERR_NO_MEMORY;
		}
		if (err == CS_OK) {
			slot->handle = cmap_handle_new(cc);
			res.track_handle = slot->handle;
		} else {
			free(slot);
		}
	}
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_TRACK_ADD, err);
}

static void cmap_track_slot_free(struct cmap_track_slot *slot)
{
	icmap_track_delete(slot->map, slot->track);
	free(slot);
}

static void cmap_handle_track_delete(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cmap_conn *cc = cmap_conn(conn);
	struct req_lib_cmap_track_delete req;
	struct res_lib_cmap_track_delete res;
	struct cmap_track_slot *slot;
	cs_error_t err = CS_ERR_BAD_HANDLE;
	size_t idx;

	memcpy(&req, msg, sizeof(req));
	memset(&res, 0, sizeof(res));
	slot = cmap_table_find(&cc->tracks, req.track_handle, &idx);
	if (slot) {
		res.track_inst_handle = slot->inst_handle;
		cmap_table_remove(&cc->tracks, idx);
		cmap_track_slot_free(slot);
		err = CS_OK;
	}
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_TRACK_DELETE, err);
}

/* ---- SET_CURRENT_MAP ---------------------------------------------------------- */

static void cmap_handle_set_current_map(struct svc_conn *conn, const void *msg, size_t len)
{
	struct cmap_conn *cc = cmap_conn(conn);
	struct req_lib_cmap_set_current_map req;
	struct res_lib_cmap_set_current_map res;
	cs_error_t err;

	memcpy(&req, msg, sizeof(req));
	memset(&res, 0, sizeof(res));
	if (cc->iters.count || cc->tracks.count)
		err = CS_ERR_BUSY;
	else if ((req.map != CMAP_MAP_DEFAULT && req.map != CMAP_MAP_STATS) ||
		 !cmap_map(svc_conn_svc(conn), req.map))
		err = CS_ERR_NOT_EXIST;
	else {
		cc->map_id = req.map;
		err = CS_OK;
	}
	cmap_reply(conn, &res, sizeof(res), MESSAGE_RES_CMAP_SET_CURRENT_MAP, err);
}

/* ---- connections -------------------------------------------------------------- */

static int cmap_conn_open(struct svc_conn *conn)
{
	cmap_conn(conn)->map_id = CMAP_MAP_DEFAULT;
	return 0;
}

static void cmap_conn_close(struct svc_conn *conn)
{
	struct cmap_conn *cc = cmap_conn(conn);

	for (size_t i = 0; i < cc->tracks.count; i++)
		cmap_track_slot_free(cc->tracks.items[i]);
	for (size_t i = 0; i < cc->iters.count; i++)
		free(cc->iters.items[i]);
	cmap_table_free(&cc->tracks);
	cmap_table_free(&cc->iters);
}

/* ---- totem: config_version exchange (§2.6) ---------------------------------------- */

/* Multicast our totem.config_version (type 0 when absent). */
static int cmap_mcast_config_version(struct svc *svc, enum cmap_mcast_reason reason)
{
	struct req_exec_cmap_mcast head;
	struct req_exec_cmap_mcast_item item;
	struct iovec iov[3];
	uint64_t version = 0;
	size_t n = 2;

	memset(&head, 0, sizeof(head));
	memset(&item, 0, sizeof(item));
	head.reason = (uint8_t)reason;
	head.no_items = 1;
	mar_name_set(&item.key_name, CMAP_CONFIG_VERSION_KEY);
	iov[0].iov_base = &head;
	iov[0].iov_len = sizeof(head);
	iov[1].iov_base = &item;
	iov[1].iov_len = sizeof(item);
	if (icmap_get_uint64(svc_cmap(svc), CMAP_CONFIG_VERSION_KEY, &version) == 0) {
		item.value_type = ICMAP_T_UINT64;
		item.value_len = sizeof(version);
		iov[2].iov_base = &version;
		iov[2].iov_len = sizeof(version);
		n = 3;
	}
	return svc_mcast(svc, MESSAGE_REQ_EXEC_CMAP_MCAST, iov, n, SVC_AGREED);
}

static void cmap_retry_fn(struct svc *svc, struct svc_timer *timer)
{
	struct cmap_state *st = svc_state(svc);
	int r = cmap_mcast_config_version(svc, CMAP_MCAST_REASON_NEW_CONFIG_VERSION);

	if (r == -EAGAIN)
		svc_timer_start(&st->retry, CMAP_RETRY_MS);
	else if (r < 0)
		log_warn("cannot multicast the new config_version: %s", strerror(-r));
}

static void cmap_config_version_changed(void *ctx, int event, const char *key,
					enum icmap_type new_type, const void *new_value,
					size_t new_len, enum icmap_type old_type,
					const void *old_value, size_t old_len)
{
	struct cmap_state *st = ctx;

	/* The multicast is delivered later (never re-entrantly), so it is safe here. */
	svc_timer_stop(&st->retry);
	cmap_retry_fn(st->svc, &st->retry);
}

/* Byte-swap a message from a node of the other endianness (header done by the host). */
static void cmap_mcast_to_host(void *msg, size_t len)
{
	struct req_exec_cmap_mcast head;
	size_t off = sizeof(head);

	memcpy(&head, msg, sizeof(head));
	for (unsigned int i = 0; i < head.no_items; i++) {
		struct req_exec_cmap_mcast_item item;
		uint8_t *p = (uint8_t *)msg + off;

		if (len - off < sizeof(item))
			return;
		memcpy(&item, p, sizeof(item));
		item.key_name.length = __builtin_bswap16(item.key_name.length);
		item.value_len = __builtin_bswap64(item.value_len);
		memcpy(p, &item, sizeof(item));
		if (item.value_len > len - off - sizeof(item))
			return;
		if (item.value_len > 1 && item.value_len <= 8 && item.value_type <= ICMAP_T_BINARY &&
		    icmap_type_size((enum icmap_type)item.value_type) == (int)item.value_len) {
			uint8_t *v = p + sizeof(item);

			for (size_t a = 0, b = item.value_len - 1; a < b; a++, b--) {
				uint8_t t = v[a];

				v[a] = v[b];
				v[b] = t;
			}
		}
		off += (sizeof(item) + item.value_len + 7) & ~(size_t)7;
		if (off > len)
			return;
	}
}

static void cmap_mcast_deliver(struct svc *svc, uint32_t from_nodeid, const void *msg, size_t len)
{
	struct req_exec_cmap_mcast head;
	size_t off = sizeof(head);
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	int r;

	memcpy(&head, msg, sizeof(head));
	for (unsigned int i = 0; i < head.no_items; i++) {
		struct req_exec_cmap_mcast_item item;
		const uint8_t *p = (const uint8_t *)msg + off;
		char name[256];
		uint64_t version = 0;

		if (len - off < sizeof(item)) {
			log_debug("short cmap mcast from node %" PRIu32, from_nodeid);
			return;
		}
		memcpy(&item, p, sizeof(item));
		if (item.value_len > len - off - sizeof(item)) {
			log_debug("bad cmap mcast item length from node %" PRIu32, from_nodeid);
			return;
		}
		cmap_key_copy(name, &item.key_name);
		if (strcmp(name, CMAP_CONFIG_VERSION_KEY) == 0) {
			if (item.value_type == ICMAP_T_UINT64 && item.value_len == sizeof(version))
				memcpy(&version, p + sizeof(item), sizeof(version));
			snprintf(key, sizeof(key), "runtime.members.%" PRIu32 ".config_version",
				 from_nodeid);
			r = icmap_set_uint64(svc_cmap(svc), key, version);
			if (r < 0)
				log_warn("cannot store %s: %s", key, strerror(-r));
			if (from_nodeid != svc_nodeid(svc)) {
				struct cmap_state *st = svc_state(svc);

				if (version > st->highest_config_version)
					st->highest_config_version = version;
			}
		}
		/*
		 * Padding to a multiple of 8.  off never passes len: value_len
		 * fits in what is left and len - off stays >= 0 below.
		 */
		off += sizeof(item) + item.value_len;
		off += (8 - (off & 7)) & 7;
		if (off > len)
			return;
	}
}

static int cmap_sync_process(struct svc *svc)
{
	int r = cmap_mcast_config_version(svc, CMAP_MCAST_REASON_SYNC);

	if (r == -EAGAIN)
		return -EAGAIN;
	if (r < 0)
		log_warn("cannot multicast config_version for sync: %s", strerror(-r));
	return 0;
}

static void cmap_sync_init(struct svc *svc, const struct svc_view *view)
{
	struct cmap_state *st = svc_state(svc);

	st->sync_members_count = view ? view->members_count : 0;
	if (icmap_get_uint64(svc_cmap(svc), CMAP_CONFIG_VERSION_KEY, &st->my_config_version) < 0)
		st->my_config_version = 0;
	st->highest_config_version = st->my_config_version;
}

/*
 * corosync v3.1.7 exec/cmap.c, cmap_sync_activate: the first sync with other
 * nodes decides; a node with a config_version (not 0) that someone else's
 * exceeds stops (an orderly shutdown, exit status 0).  A node whose version
 * is higher than everyone else's stays.  corosync tests for a transitional
 * list instead of other members: its first ring is always a ring of one
 * (empty list) and the cluster joins at a merge.  Our engine's first ring
 * can already hold the others (srp_start), with an empty transitional list,
 * and the check would never run (docs/compat.md).
 */
static void cmap_sync_activate(struct svc *svc)
{
	struct cmap_state *st = svc_state(svc);

	if (st->sync_members_count <= 1 || st->synced_with_others)
		return;
	st->synced_with_others = true;
	if (st->my_config_version == 0 || st->highest_config_version == st->my_config_version)
		return;
	log_err("Received config version (%" PRIu64 ") is different than my config version "
		"(%" PRIu64 ")! Exiting", st->highest_config_version, st->my_config_version);
	(void)svc_shutdown(svc, 0, "config_version differs from the cluster's");
}

static void cmap_sync_abort(struct svc *svc)
{
}

/* ---- lifetime ------------------------------------------------------------------ */

static int cmap_init(struct svc *svc)
{
	struct cmap_state *st = svc_state(svc);
	int r;

	st->svc = svc;
	svc_timer_init(svc, &st->retry, cmap_retry_fn);
	if (!svc_cmap(svc)) {
		svc_set_error(svc, "no configuration map");
		return -EINVAL;
	}
	r = icmap_track_add(svc_cmap(svc), CMAP_CONFIG_VERSION_KEY,
			    ICMAP_TRACK_ADD | ICMAP_TRACK_MODIFY | ICMAP_TRACK_DELETE,
			    cmap_config_version_changed, st, &st->cfgver_track);
	if (r < 0) {
		svc_set_error(svc, "cannot track %s: %s", CMAP_CONFIG_VERSION_KEY, strerror(-r));
		return r;
	}
	return 0;
}

static void cmap_fini(struct svc *svc)
{
	struct cmap_state *st = svc_state(svc);

	svc_timer_stop(&st->retry);
	icmap_track_delete(svc_cmap(svc), st->cfgver_track);
	st->cfgver_track = NULL;
}

static void cmap_dump(struct svc *svc, FILE *out)
{
	struct icmap *stats = svc_stats(svc);

	fprintf(out, "cmap: %zu keys, %zu stats keys\n", icmap_count(svc_cmap(svc)),
		stats ? icmap_count(stats) : (size_t)0);
}

/* ---- declaration --------------------------------------------------------------- */

static const struct svc_ipc_op cmap_ipc_ops[] = {
	{ MESSAGE_REQ_CMAP_SET, 0, sizeof(struct req_lib_cmap_set),
	  sizeof(struct req_lib_cmap_set) + ICMAP_VALUE_MAXLEN, cmap_handle_set },
	{ MESSAGE_REQ_CMAP_DELETE, 0, sizeof(struct req_lib_cmap_delete), 0, cmap_handle_delete },
	{ MESSAGE_REQ_CMAP_GET, 0, sizeof(struct req_lib_cmap_get), 0, cmap_handle_get },
	{ MESSAGE_REQ_CMAP_ADJUST_INT, 0, sizeof(struct req_lib_cmap_adjust_int), 0,
	  cmap_handle_adjust_int },
	{ MESSAGE_REQ_CMAP_ITER_INIT, 0, sizeof(struct req_lib_cmap_iter_init), 0,
	  cmap_handle_iter_init },
	{ MESSAGE_REQ_CMAP_ITER_NEXT, 0, sizeof(struct req_lib_cmap_iter_next), 0,
	  cmap_handle_iter_next },
	{ MESSAGE_REQ_CMAP_ITER_FINALIZE, 0, sizeof(struct req_lib_cmap_iter_finalize), 0,
	  cmap_handle_iter_finalize },
	{ MESSAGE_REQ_CMAP_TRACK_ADD, 0, sizeof(struct req_lib_cmap_track_add), 0,
	  cmap_handle_track_add },
	{ MESSAGE_REQ_CMAP_TRACK_DELETE, 0, sizeof(struct req_lib_cmap_track_delete), 0,
	  cmap_handle_track_delete },
	{ MESSAGE_REQ_CMAP_SET_CURRENT_MAP, 0, sizeof(struct req_lib_cmap_set_current_map), 0,
	  cmap_handle_set_current_map },
};

static const struct svc_totem_op cmap_totem_ops[] = {
	{ MESSAGE_REQ_EXEC_CMAP_MCAST, sizeof(struct req_exec_cmap_mcast), cmap_mcast_to_host,
	  cmap_mcast_deliver },
};

static const struct svc_sync_ops cmap_sync_ops = {
	.init = cmap_sync_init,
	.process = cmap_sync_process,
	.activate = cmap_sync_activate,
	.abort = cmap_sync_abort,
};

const struct svc_def cmap_service_def = {
	.abi = SVC_ABI,
	.id = CMAP_SERVICE_ID,
	.priority = 0,
	.name = "corosync_cmap",
	.ipc_name = "cmap",
	.state_size = sizeof(struct cmap_state),
	.conn_state_size = sizeof(struct cmap_conn),
	.ipc_ops = cmap_ipc_ops,
	.ipc_ops_count = sizeof(cmap_ipc_ops) / sizeof(cmap_ipc_ops[0]),
	.totem_ops = cmap_totem_ops,
	.totem_ops_count = sizeof(cmap_totem_ops) / sizeof(cmap_totem_ops[0]),
	.sync = &cmap_sync_ops,
	.init = cmap_init,
	.fini = cmap_fini,
	.conn_open = cmap_conn_open,
	.conn_close = cmap_conn_close,
	.dump = cmap_dump,
};
