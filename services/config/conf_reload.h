/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runtime reload of the configuration file (corosync v3.1.7 exec/cfg.c,
 * message_handler_req_exec_cfg_reload_config): parse into a scratch map,
 * validate it, then make the live map equal to it under the reloadable
 * prefixes, with the keys that cannot change at run time kept.
 */
#ifndef CHORUS_SERVICES_CONF_RELOAD_H
#define CHORUS_SERVICES_CONF_RELOAD_H

#include "services/config/conf.h"

struct conf_reload_args {
	const struct conf_host *host;   /* local node identification; NULL: the system */
	/* corosync's notices ("Modified entry '...' cannot be changed at run-time"); may be NULL */
	void (*notice)(void *ctx, const char *msg);
	void *notice_ctx;
};

/**
 * Apply fresh (a parse of the new file; modified: fixed keys restored and
 * regenerated keys added) to live: validation (logging, totem, nodelist),
 * a node's address on a link it keeps may not change, then
 * config.reload_in_progress = 1, deletion of live keys under logging.,
 * totem., nodelist., quorum., uidgid.config., nozzle. that fresh lacks, and
 * the copy of every fresh key (trackers see only real changes).  On success
 * *ret_tc (if not NULL) receives the new effective totem config (caller
 * clears it).  Does not touch the flags' final values nor reload_status.
 * Returns 0, -EINVAL (err filled, live unchanged) or -errno.
 */
int conf_reload_apply(struct icmap *live, struct icmap *fresh, const struct conf_src *src,
		      const struct totem_config *old_tc, const struct conf_reload_args *args,
		      struct totem_config *ret_tc, struct conf_error *err);

/**
 * The whole reload of one node (§8.7): config.totemconfig_reload_in_progress
 * = 1, parse path (failure: -EINVAL with the flag left at 1 and no
 * reload_status, as corosync 3.1.7), conf_reload_apply, then
 * config.reload_status (cs_error_t) and both flags = 0.
 */
int conf_reload_file(struct icmap *live, const char *path, const struct totem_config *old_tc,
		     const struct conf_reload_args *args, struct totem_config *ret_tc,
		     struct conf_error *err);

const struct conf_node *conf_reload_find_node(const struct totem_config *tc, uint32_t nodeid);
/** Did crypto model, cipher, hash or key change between a and b? */
bool conf_reload_crypto_changed(const struct totem_config *a, const struct totem_config *b);
/** Were nodes added or removed, or links added to/removed from a node? */
bool conf_reload_nodes_changed(const struct totem_config *a, const struct totem_config *b);

#endif
