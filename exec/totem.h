/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's totem stack (knet → totemsrp → totempg → host), see totem.c.
 * It replaces the single-node stand-in (solo.c) behind the same
 * struct host_totem_ops seam.
 */
#ifndef CHORUS_EXEC_TOTEM_H
#define CHORUS_EXEC_TOTEM_H

#include <qb/qbloop.h>

#include "services/config/conf.h"
#include "services/host.h"

struct totem;

extern const struct host_totem_ops totem_host_ops;

struct totem_create_args {
	qb_loop_t *loop;
	const struct totem_config *tc;
	struct host *host;          /* may be set later with totem_set_host() */
	struct icmap *stats;
	const char *state_dir;
	void (*confchg)(void *ctx, const struct svc_view *view);
	void *confchg_ctx;
	/* A new ring id could not be stored (logged); called with confchg_ctx.
	 * The daemon exits.  NULL: the engine gathers again. */
	void (*ringid_lost)(void *ctx);
};

int totem_create(const struct totem_create_args *args, struct totem **ret_totem, char *why,
		 size_t why_size);
void totem_set_host(struct totem *t, struct host *host);
/** Watch the transport's fds and form the first ring once links are up. */
int totem_start(struct totem *t);
/** Sync finished after a regular configuration (srp_trans_ack). */
void totem_sync_done(struct totem *t);
/**
 * cfg NODESTATUSGET's view of a node (corosync 3.1.7 exec/totemknet.c,
 * totemknet_nodestatus_get): knet's host status and the status of every
 * link configured in the nodelist (the local node: its loopback link 0).
 * 0, -ENOENT for a node knet does not know, -errno.
 */
int totem_node_status(struct totem *t, uint32_t nodeid, struct svc_node_status *ret_status);
/**
 * After a configuration reload that changed the nodelist: knet hosts and
 * links follow tc (nodes added and removed).  0 or -errno with why filled.
 */
int totem_nodes_update(struct totem *t, const struct totem_config *tc, char *why, size_t why_size);
#define TOTEM_RECONF_RELOAD 1u   /* a configuration reload (not a cmap write) */
#define TOTEM_RECONF_CRYPTO 2u   /* ... that changed the crypto settings */
/**
 * New timers and transport settings at run time (corosync v3.1.7
 * exec/totemconfig.c, totemconfig_commit_new_params and totem_change_notify):
 * the engine takes tc's timers (armed deadlines stay), knet the handle and
 * kept links' settings (tknet_reconfigure), and with TOTEM_RECONF_CRYPTO
 * the new crypto in its spare slot.  Every part is tried; 0 or the first
 * failure (-errno, why filled).
 */
int totem_reconfigure(struct totem *t, const struct totem_config *tc, unsigned flags, char *why,
		      size_t why_size);
/** A CRYPTO_RECONFIG phase (cfg): tknet_crypto_phase. */
int totem_crypto_phase(struct totem *t, enum svc_crypto_phase phase);
/**
 * stats.clear: the totem counters (stats.srp.*), with transport also knet's
 * handle and link counters; the stats map is republished at once.
 */
void totem_stats_clear(struct totem *t, bool transport);
/** Sends LEAVE, then tears down.  Takes NULL. */
void totem_destroy(struct totem *t);

#endif
