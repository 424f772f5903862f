/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Nodelist reading and checks, shared by conf_totem.c and the unit test.
 * Internal to services/config.
 */
#ifndef CHORUS_SERVICES_CONF_NODES_H
#define CHORUS_SERVICES_CONF_NODES_H

#include <stdbool.h>

#include "services/config/conf.h"

/** Resolve a numeric address or host name honouring the family preference. */
int conf_resolve(const char *addr, enum conf_ip_version ipv, struct sockaddr_storage *ret);
/** Collect nodelist.node.N.* into tc->nodes (sorted by N); marks links used. */
int conf_nodes_read(const struct icmap *map, const struct conf_src *src,
		    struct totem_config *tc, bool *ret_link_used, struct conf_error *err);
/**
 * §8.4 checks, local node identification and udp(u) nodeid generation.
 * Returns the index of the local node in tc->nodes, or -errno.
 */
int conf_nodes_check(struct icmap *map, const struct conf_src *src, struct totem_config *tc,
		     const struct conf_host *host, const bool *link_used, struct conf_error *err);

#endif
