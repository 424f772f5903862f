/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* struct totem_config → struct tknet_config (see knet_config.h). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec/knet_config.h"

_Static_assert(CONF_LINKS_MAX == TKNET_LINKS_MAX, "one transport link per totem interface");
_Static_assert((int)CONF_LINK_PASSIVE == (int)TKNET_LINK_PASSIVE &&
	       (int)CONF_LINK_ACTIVE == (int)TKNET_LINK_ACTIVE &&
	       (int)CONF_LINK_RR == (int)TKNET_LINK_RR, "link modes");

/* Bounded copy into an array of the same or larger size. */
#define COPY_STR(dst, src) \
	do { \
		_Static_assert(sizeof(dst) >= sizeof(src), #dst " is smaller than " #src); \
		memcpy((dst), (src), sizeof(src)); \
		(dst)[sizeof(dst) - 1] = '\0'; \
	} while (0)

int knet_config_from_totem(const struct totem_config *tc, struct tknet_config *kc,
			   struct tknet_node **ret_nodes)
{
	struct tknet_node *nodes;
	size_t i;
	unsigned l;

	memset(kc, 0, sizeof(*kc));
	*ret_nodes = NULL;
	nodes = calloc(tc->node_count ? tc->node_count : 1, sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	for (i = 0; i < tc->node_count; i++) {
		nodes[i].nodeid = tc->nodes[i].nodeid;
		for (l = 0; l < CONF_LINKS_MAX; l++) {
			nodes[i].has_addr[l] = tc->nodes[i].has_addr[l];
			nodes[i].addr[l] = tc->nodes[i].addr[l];
		}
	}
	kc->local_nodeid = tc->local_nodeid;
	kc->link_mode = (enum tknet_link_mode)tc->link_mode;
	kc->netmtu = tc->netmtu;
	kc->start_grace_ms = tc->token;
	kc->block_unlisted_ips = tc->block_unlisted_ips;
	kc->pmtud_interval = tc->knet_pmtud_interval;
	kc->knet_mtu = tc->knet_mtu;
	COPY_STR(kc->compression_model, tc->knet_compression_model);
	kc->compression_threshold = tc->knet_compression_threshold;
	kc->compression_level = tc->knet_compression_level;
	COPY_STR(kc->crypto_model, tc->crypto_model);
	COPY_STR(kc->crypto_cipher, tc->crypto_cipher);
	COPY_STR(kc->crypto_hash, tc->crypto_hash);
	_Static_assert(sizeof(kc->key) >= sizeof(tc->key), "key size");
	kc->key_len = tc->key_len <= sizeof(kc->key) ? tc->key_len : sizeof(kc->key);
	memcpy(kc->key, tc->key, kc->key_len);
	for (l = 0; l < CONF_LINKS_MAX; l++) {
		const struct conf_link *lk = &tc->links[l];

		kc->links[l].port = lk->mcastport;
		kc->links[l].sctp = lk->knet_transport_sctp;
		kc->links[l].priority = lk->knet_link_priority;
		kc->links[l].ping_interval = lk->knet_ping_interval;
		kc->links[l].ping_timeout = lk->knet_ping_timeout;
		kc->links[l].ping_precision = lk->knet_ping_precision;
		kc->links[l].pong_count = lk->knet_pong_count;
	}
	kc->nodes = nodes;
	kc->node_count = tc->node_count;
	*ret_nodes = nodes;
	return 0;
}
