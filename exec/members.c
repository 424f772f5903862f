/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Publishes membership in cmap (see members.h).  Addresses come from the
 * resolved nodelist; a node missing from the nodelist gets an empty ip.
 */
#include <config.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "exec/members.h"

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = NULL;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (!a || !inet_ntop(ss->ss_family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

static void ip_line(const struct totem_config *tc, uint32_t nodeid, char *out, size_t size)
{
	size_t i, used = 0;
	unsigned l, index = 0;

	out[0] = '\0';
	for (i = 0; i < tc->node_count; i++) {
		const struct conf_node *n = &tc->nodes[i];

		if (n->nodeid != nodeid)
			continue;
		for (l = 0; l < CONF_LINKS_MAX; l++) {
			char a[INET6_ADDRSTRLEN];
			int w;

			if (!n->has_addr[l])
				continue;
			addr_str(&n->addr[l], a, sizeof(a));
			w = snprintf(out + used, size - used, "r(%u) ip(%s) ", index++, a);
			if (w < 0 || (size_t)w >= size - used)
				return;
			used += (size_t)w;
		}
		return;
	}
}

void members_publish(struct icmap *cmap, const struct totem_config *tc,
		     const struct svc_view *view)
{
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	char ip[512];
	uint32_t count;
	size_t i;

	for (i = 0; i < view->joined_count; i++) {
		uint32_t id = view->joined[i];

		snprintf(key, sizeof(key), "runtime.members.%" PRIu32 ".ip", id);
		ip_line(tc, id, ip, sizeof(ip));
		(void)icmap_set_string(cmap, key, ip);
		snprintf(key, sizeof(key), "runtime.members.%" PRIu32 ".join_count", id);
		count = 0;
		(void)icmap_get_uint32(cmap, key, &count);
		(void)icmap_set_uint32(cmap, key, count + 1);
		snprintf(key, sizeof(key), "runtime.members.%" PRIu32 ".status", id);
		(void)icmap_set_string(cmap, key, "joined");
	}
	for (i = 0; i < view->left_count; i++) {
		snprintf(key, sizeof(key), "runtime.members.%" PRIu32 ".status", view->left[i]);
		(void)icmap_set_string(cmap, key, "left");
	}
}
