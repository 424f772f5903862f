/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmap trackers of the daemon (see watch.h).  Tracker callbacks may not
 * modify the map (icmap's rule), so changes that need a write (resetting
 * runtime.force_gather, republishing timers) are done from a main-loop job.
 */
#define LOG_SUBSYS LOG_SUBSYS_MAIN

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <chorus/log.h>

#include "exec/logging.h"
#include "exec/watch.h"

struct watch {
	struct icmap *cmap;
	struct totem_config *tc;
	struct host *host;
	const char *state_dir;
	struct icmap_track *logging, *totem, *blackbox, *state, *gather;
	void (*totem_changed)(void *ctx);
	void *totem_ctx;
	qb_loop_t *loop;
	bool scheduled;
	bool logging_dirty, totem_dirty, gather_dirty;
};

static void run_later(void *data);

static void defer(struct watch *w)
{
	if (!w->scheduled && qb_loop_job_add(w->loop, QB_LOOP_LOW, w, run_later) == 0)
		w->scheduled = true;
}

static void on_logging(void *ctx, int event, const char *key, enum icmap_type nt, const void *nv,
		       size_t nl, enum icmap_type ot, const void *ov, size_t ol)
{
	struct watch *w = ctx;

	w->logging_dirty = true;
	defer(w);
}

static void on_totem(void *ctx, int event, const char *key, enum icmap_type nt, const void *nv,
		     size_t nl, enum icmap_type ot, const void *ov, size_t ol)
{
	struct watch *w = ctx;

	w->totem_dirty = true;
	defer(w);
}

static void on_blackbox(void *ctx, int event, const char *key, enum icmap_type nt, const void *nv,
			size_t nl, enum icmap_type ot, const void *ov, size_t ol)
{
	struct watch *w = ctx;
	int r;

	if (event == ICMAP_TRACK_DELETE)
		return;
	r = logging_blackbox_dump(w->state_dir);
	if (r < 0)
		log_warn("Failed to write the blackbox to %s: %s", w->state_dir, strerror(-r));
	else
		log_notice("Blackbox written to %s/fdata", w->state_dir);
}

static void on_state(void *ctx, int event, const char *key, enum icmap_type nt, const void *nv,
		     size_t nl, enum icmap_type ot, const void *ov, size_t ol)
{
	struct watch *w = ctx;

	if (event == ICMAP_TRACK_DELETE)
		return;
	host_dump(w->host);
}

static void on_gather(void *ctx, int event, const char *key, enum icmap_type nt, const void *nv,
		      size_t nl, enum icmap_type ot, const void *ov, size_t ol)
{
	struct watch *w = ctx;

	if (event == ICMAP_TRACK_DELETE || (nt == ICMAP_T_STRING && strcmp(nv, "no") == 0))
		return;
	/* With the single-node membership there is no ring to re-form yet. */
	log_notice("runtime.force_gather requested; nothing to gather in a single-node membership");
	w->gather_dirty = true;
	defer(w);
}

static void run_later(void *data)
{
	struct watch *w = data;
	struct conf_error err;
	char why[512];

	w->scheduled = false;
	if (w->logging_dirty) {
		w->logging_dirty = false;
		if (logging_apply(w->cmap, why, sizeof(why)) < 0)
			log_err("New logging configuration not applied: %s", why);
		else
			log_info("Logging configuration re-applied");
	}
	if (w->totem_dirty) {
		w->totem_dirty = false;
		memset(&err, 0, sizeof(err));
		if (conf_totem_volatile_update(w->cmap, w->tc, &err) < 0)
			log_err("New totem timers not applied: %s", err.msg);
		else if (w->totem_changed)
			w->totem_changed(w->totem_ctx);
	}
	if (w->gather_dirty) {
		w->gather_dirty = false;
		(void)icmap_set_string(w->cmap, "runtime.force_gather", "no");
	}
}

int watch_create(qb_loop_t *loop, struct icmap *cmap, struct totem_config *tc,
		 struct host *host, const char *state_dir, void (*totem_changed)(void *ctx),
		 void *totem_ctx, struct watch **ret_watch)
{
	struct watch *w = calloc(1, sizeof(*w));
	const int all = ICMAP_TRACK_ADD | ICMAP_TRACK_DELETE | ICMAP_TRACK_MODIFY;
	int r;

	if (!w)
		return -ENOMEM;
	w->cmap = cmap;
	w->tc = tc;
	w->host = host;
	w->state_dir = state_dir;
	w->loop = loop;
	w->totem_changed = totem_changed;
	w->totem_ctx = totem_ctx;
	if ((r = icmap_track_add(cmap, "logging.", all | ICMAP_TRACK_PREFIX, on_logging, w, &w->logging)) < 0 ||
	    (r = icmap_track_add(cmap, "totem.", all | ICMAP_TRACK_PREFIX, on_totem, w, &w->totem)) < 0 ||
	    (r = icmap_track_add(cmap, "runtime.blackbox.dump_flight_data", all, on_blackbox, w,
				 &w->blackbox)) < 0 ||
	    (r = icmap_track_add(cmap, "runtime.blackbox.dump_state", all, on_state, w, &w->state)) < 0 ||
	    (r = icmap_track_add(cmap, "runtime.force_gather", all, on_gather, w, &w->gather)) < 0) {
		watch_destroy(w);
		return r;
	}
	*ret_watch = w;
	return 0;
}

void watch_destroy(struct watch *w)
{
	if (!w)
		return;
	if (w->scheduled)
		qb_loop_job_del(w->loop, QB_LOOP_LOW, w, run_later);
	icmap_track_delete(w->cmap, w->logging);
	icmap_track_delete(w->cmap, w->totem);
	icmap_track_delete(w->cmap, w->blackbox);
	icmap_track_delete(w->cmap, w->state);
	icmap_track_delete(w->cmap, w->gather);
	free(w);
}
