/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sync engine: after every regular configuration, runs each service's
 * sync steps (init, process until done, activate) in ascending service id
 * order, then tells the host that the node may serve clients again.
 *
 * Today it runs the steps locally: with the single-node membership the
 * executive has until the totem engine lands, every member is this node, so
 * the barriers of corosync's protocol (SERVICE_BUILD, BARRIER) are trivially
 * met.  The seam is kept so that the barrier messages slot in between
 * process() and activate() without touching the services.
 */
#ifndef CHORUS_SYNC_H
#define CHORUS_SYNC_H

#include <stdbool.h>
#include <chorus/service.h>

struct host;
struct sync;

int sync_create(struct host *host, struct sync **ret_sync);
void sync_destroy(struct sync *sync);
/** Start (or restart, aborting the current round) a sync for view. */
void sync_start(struct sync *sync, const struct svc_view *view);
/** Run pending steps until a service asks to be called again or all are done. */
void sync_run(struct sync *sync);
bool sync_in_progress(const struct sync *sync);
bool sync_has_work(const struct sync *sync);

/* Provided by the host: the round for view is complete. */
void host_sync_done(struct host *host, const struct svc_view *view);

#endif
