/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's own reactions to cmap changes (corosync v3.1.7 exec/main.c and exec/totemconfig.c,
 * the cmap trackers on logging.* and totem.*):
 * logging.* re-applies the log configuration, totem.* recomputes the
 * runtime.config.totem.* timers and then calls totem_changed (the daemon
 * hands them to the engine and knet), runtime.blackbox.dump_flight_data writes
 * the blackbox, runtime.blackbox.dump_state dumps service state to the log,
 * runtime.force_gather is reset to "no".
 */
#ifndef CHORUS_EXEC_WATCH_H
#define CHORUS_EXEC_WATCH_H

#include <qb/qbloop.h>

#include <chorus/icmap.h>

#include "services/config/conf.h"
#include "services/host.h"

struct watch;

int watch_create(qb_loop_t *loop, struct icmap *cmap, struct totem_config *tc,
		 struct host *host, const char *state_dir, void (*totem_changed)(void *ctx),
		 void *totem_ctx, struct watch **ret_watch);
void watch_destroy(struct watch *watch);

#endif
