/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The knet transport's configuration from the parsed corosync.conf: the
 * one place that knows both struct totem_config (services/config) and
 * struct tknet_config (totemsrp/transport_knet.h), so the transport needs
 * nothing above totemsrp/.
 */
#ifndef CHORUS_KNET_CONFIG_H
#define CHORUS_KNET_CONFIG_H

#include "services/config/conf.h"
#include "totemsrp/transport_knet.h"

/**
 * Fill *kc from tc.  kc->nodes points to a new array of tc->node_count
 * entries, also returned in *ret_nodes for the caller to free (after
 * tknet_create).  The caller wipes kc->key when done.  0 or -ENOMEM.
 */
int knet_config_from_totem(const struct totem_config *tc, struct tknet_config *kc,
			   struct tknet_node **ret_nodes);

#endif
