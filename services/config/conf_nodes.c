/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Nodelist reading and rules (corosync v3.1.7 exec/totemconfig.c): collects
 * nodelist.node.N.* into struct conf_node, resolves addresses honouring
 * ip_version, checks links, families and node ids, and finds the local node.
 * Timers and interfaces are in conf_totem.c.  Reads the map; the only keys
 * written here are generated udp(u) nodeids.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "services/config/conf_int.h"
#include "services/config/conf_nodes.h"

int conf_resolve(const char *addr, enum conf_ip_version ipv, struct sockaddr_storage *ret)
{
	static const int order[4][2] = {
		[CONF_IP_V4] = { AF_INET, AF_UNSPEC },
		[CONF_IP_V6] = { AF_INET6, AF_UNSPEC },
		[CONF_IP_V4_6] = { AF_INET, AF_INET6 },
		[CONF_IP_V6_4] = { AF_INET6, AF_INET },
	};
	int i;

	for (i = 0; i < 2; i++) {
		struct addrinfo hints, *res = NULL;

		if (order[ipv][i] == AF_UNSPEC)
			break;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = order[ipv][i];
		hints.ai_socktype = SOCK_DGRAM;
		if (getaddrinfo(addr, NULL, &hints, &res) != 0 || !res)
			continue;
		memset(ret, 0, sizeof(*ret));
		memcpy(ret, res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
		return 0;
	}
	return -EINVAL;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return false;
}

/* Parse "nodelist.node.<N>.<rest>"; returns N or -1. */
static long node_index(const char *key, const char **ret_rest)
{
	const char *p = key + strlen("nodelist.node.");
	char *end;
	long n;

	if (strncmp(key, "nodelist.node.", strlen("nodelist.node.")) != 0 ||
	    *p < '0' || *p > '9')
		return -1;
	n = strtol(p, &end, 10);
	if (*end != '.' || n < 0 || n >= 1000000)
		return -1;
	*ret_rest = end + 1;
	return n;
}

static int node_cmp(const void *a, const void *b)
{
	const struct conf_node *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int conf_nodes_read(const struct icmap *map, const struct conf_src *src,
		    struct totem_config *tc, bool *ret_link_used, struct conf_error *err)
{
	struct icmap_iter it;
	const char *key;
	const void *val;
	size_t len;
	enum icmap_type type;

	icmap_iter_init(&it, "nodelist.node.");
	while ((key = icmap_iter_next(map, &it, &val, &len, &type)) != NULL) {
		const char *rest;
		long n = node_index(key, &rest);
		struct conf_node *node = NULL;
		size_t i;

		if (n < 0)
			continue;
		for (i = 0; i < tc->node_count; i++)
			if (tc->nodes[i].pos == (unsigned)n)
				node = &tc->nodes[i];
		if (!node) {
			struct conf_node *nn;

			if (tc->node_count >= CONF_NODES_MAX) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, key,
					     "too many nodes in the nodelist (maximum %d)",
					     CONF_NODES_MAX);
				return -EINVAL;
			}
			nn = realloc(tc->nodes, (tc->node_count + 1) * sizeof(*nn));
			if (!nn)
				return -ENOMEM;
			tc->nodes = nn;
			node = &nn[tc->node_count++];
			memset(node, 0, sizeof(*node));
			node->pos = (unsigned)n;
		}
		if (strcmp(rest, "nodeid") == 0 && type == ICMAP_T_UINT32) {
			memcpy(&node->nodeid, val, 4);
		} else if (strcmp(rest, "name") == 0 && type == ICMAP_T_STRING) {
			conf_strlcpy(node->name, val, sizeof(node->name));
		} else if (strncmp(rest, "ring", 4) == 0 && rest[4] >= '0' && rest[4] <= '9') {
			char *end;
			long link = strtol(rest + 4, &end, 10);

			if (strcmp(end, "_addr") != 0 || type != ICMAP_T_STRING)
				continue;
			if (link >= CONF_LINKS_MAX) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, key,
					     "interface ring number %ld is bigger than allowed "
					     "maximum %d", link, CONF_LINKS_MAX - 1);
				return -EINVAL;
			}
			node->has_addr[link] = true;
			conf_strlcpy(node->addr_str[link], val, sizeof(node->addr_str[link]));
			ret_link_used[link] = true;
		}
	}
	if (tc->node_count > 1)
		qsort(tc->nodes, tc->node_count, sizeof(*tc->nodes), node_cmp);
	return 0;
}

static void node_key(char *buf, size_t size, const struct conf_node *n, const char *leaf)
{
	snprintf(buf, size, "nodelist.node.%u.%s", n->pos, leaf);
}

static bool name_matches(const struct conf_node *n, const char *name)
{
	return (n->name[0] && strcmp(n->name, name) == 0) ||
	       (n->has_addr[0] && strcmp(n->addr_str[0], name) == 0);
}

/* Local addresses as numeric strings and sockaddrs. */
struct local_addrs {
	char str[64][INET6_ADDRSTRLEN];
	struct sockaddr_storage sa[64];
	size_t n;
};

static void local_addrs_get(const struct conf_host *host, struct local_addrs *la)
{
	la->n = 0;
	if (host && host->addrs) {
		size_t i;

		for (i = 0; i < host->n_addrs && la->n < 64; i++) {
			struct addrinfo hints, *res = NULL;

			memset(&hints, 0, sizeof(hints));
			hints.ai_flags = AI_NUMERICHOST;
			if (getaddrinfo(host->addrs[i], NULL, &hints, &res) != 0 || !res)
				continue;
			memset(&la->sa[la->n], 0, sizeof(la->sa[0]));
			memcpy(&la->sa[la->n], res->ai_addr, res->ai_addrlen);
			conf_strlcpy(la->str[la->n], host->addrs[i], sizeof(la->str[0]));
			freeaddrinfo(res);
			la->n++;
		}
		return;
	}
	{
		struct ifaddrs *ifa = NULL, *i;

		if (getifaddrs(&ifa) < 0)
			return;
		for (i = ifa; i && la->n < 64; i = i->ifa_next) {
			const void *a;

			if (!i->ifa_addr)
				continue;
			if (i->ifa_addr->sa_family == AF_INET)
				a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			else if (i->ifa_addr->sa_family == AF_INET6)
				a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			else
				continue;
			memset(&la->sa[la->n], 0, sizeof(la->sa[0]));
			memcpy(&la->sa[la->n], i->ifa_addr,
			       i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
								 : sizeof(struct sockaddr_in6));
			inet_ntop(i->ifa_addr->sa_family, a, la->str[la->n], sizeof(la->str[0]));
			la->n++;
		}
		freeifaddrs(ifa);
	}
}

/*
 * §8.4 find_local_node.  Deliberate difference: the reverse lookup of local
 * interface addresses (step 3, by name) is not done; numeric forms and
 * forward resolution of node addresses cover the same configurations
 * without depending on DNS.
 */
static long find_local(const struct totem_config *tc, const struct conf_host *host)
{
	char hostname[256];
	struct local_addrs *la;
	struct utsname u;
	size_t i, j;
	long found = -1;

	if (host && host->hostname) {
		conf_strlcpy(hostname, host->hostname, sizeof(hostname));
	} else {
		if (uname(&u) < 0)
			u.nodename[0] = '\0';
		conf_strlcpy(hostname, u.nodename, sizeof(hostname));
	}
	/* (1) exact host name; (2) shorter dot-stripped forms. */
	if (hostname[0]) {
		char h[256];

		conf_strlcpy(h, hostname, sizeof(h));
		for (;;) {
			char *dot;

			for (i = 0; i < tc->node_count; i++)
				if (name_matches(&tc->nodes[i], h))
					return (long)i;
			dot = strrchr(h, '.');
			if (!dot)
				break;
			*dot = '\0';
		}
		/* domain-stripped comparison on both sides */
		conf_strlcpy(h, hostname, sizeof(h));
		if (strchr(h, '.'))
			*strchr(h, '.') = '\0';
		for (i = 0; i < tc->node_count; i++) {
			char nn[256];

			conf_strlcpy(nn, tc->nodes[i].name[0] ? tc->nodes[i].name :
					 tc->nodes[i].addr_str[0], sizeof(nn));
			if (strchr(nn, '.'))
				*strchr(nn, '.') = '\0';
			if (nn[0] && strcmp(nn, h) == 0)
				return (long)i;
		}
	}
	la = calloc(1, sizeof(*la));
	if (!la)
		return -1;
	local_addrs_get(host, la);
	/* (3) numeric forms of local addresses */
	for (j = 0; j < la->n && found < 0; j++)
		for (i = 0; i < tc->node_count && found < 0; i++)
			if (name_matches(&tc->nodes[i], la->str[j]))
				found = (long)i;
	/* (4) node addresses resolved and compared with local addresses */
	for (i = 0; i < tc->node_count && found < 0; i++) {
		struct sockaddr_storage sa;
		const char *names[2] = { tc->nodes[i].name,
					 tc->nodes[i].has_addr[0] ? tc->nodes[i].addr_str[0] : "" };
		int k;

		for (k = 0; k < 2 && found < 0; k++) {
			if (!names[k][0] || conf_resolve(names[k], tc->ip_version, &sa) < 0)
				continue;
			for (j = 0; j < la->n; j++)
				if (same_addr(&sa, &la->sa[j]))
					found = (long)i;
		}
	}
	free(la);
	return found;
}

int conf_nodes_check(struct icmap *map, const struct conf_src *src, struct totem_config *tc,
		     const struct conf_host *host, const bool *link_used, struct conf_error *err)
{
	char key[ICMAP_KEYNAME_MAXLEN + 1];
	unsigned links = 0;
	long local;
	size_t i, j;
	int l;

	for (l = 0; l < CONF_LINKS_MAX; l++)
		if (link_used[l])
			links++;
	if (links > 1) {
		for (i = 0; i < tc->node_count; i++)
			if (!tc->nodes[i].name[0]) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, NULL,
					     "for a multi-link configuration, all nodes must "
					     "have a 'name' attribute");
				return -EINVAL;
			}
		for (i = 0; i < tc->node_count; i++) {
			unsigned c = 0;

			for (l = 0; l < CONF_LINKS_MAX; l++)
				c += tc->nodes[i].has_addr[l];
			if (c != links) {
				node_key(key, sizeof(key), &tc->nodes[i], "name");
				conf_err_key(err, CONF_EXIT_CONFIG, src, key,
					     "Not all nodes have the same number of links");
				return -EINVAL;
			}
		}
		if (tc->transport != CONF_TRANSPORT_KNET) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.transport",
				     "%u is too many configured interfaces for non-Knet transport.",
				     links);
			return -EINVAL;
		}
	}
	tc->link_count = links;

	local = find_local(tc, host);
	if (local < 0) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, NULL,
			     "No valid name found for local host");
		return -EINVAL;
	}

	/* Resolve every address; check families per link. */
	for (i = 0; i < tc->node_count; i++) {
		struct conf_node *n = &tc->nodes[i];

		for (l = 0; l < CONF_LINKS_MAX; l++) {
			char leaf[16];

			if (!n->has_addr[l])
				continue;
			snprintf(leaf, sizeof(leaf), "ring%d_addr", l);
			node_key(key, sizeof(key), n, leaf);
			if (conf_resolve(n->addr_str[l], tc->ip_version, &n->addr[l]) < 0) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, key,
					     (long)i == local ? "failed to parse bindnet address '%s'"
							      : "failed to parse node address '%s'",
					     n->addr_str[l]);
				return -EINVAL;
			}
		}
	}
	for (l = 0; l < CONF_LINKS_MAX; l++) {
		const struct conf_node *first = NULL;

		for (i = 0; i < tc->node_count; i++) {
			const struct conf_node *n = &tc->nodes[i];
			char leaf[16];

			if (!n->has_addr[l])
				continue;
			if (!first) {
				first = n;
				continue;
			}
			if (n->addr[l].ss_family == first->addr[l].ss_family)
				continue;
			snprintf(leaf, sizeof(leaf), "ring%d_addr", l);
			node_key(key, sizeof(key), n, leaf);
			conf_err_key(err, CONF_EXIT_CONFIG, src, key,
				     "Nodes for link %d have different IP families (compared %s "
				     "with %s)", l, n->addr_str[l], first->addr_str[l]);
			return -EINVAL;
		}
	}

	/* Node ids. */
	for (i = 0; i < tc->node_count; i++) {
		struct conf_node *n = &tc->nodes[i];

		node_key(key, sizeof(key), n, "nodeid");
		if (tc->transport == CONF_TRANSPORT_KNET) {
			if (n->nodeid == 0) {
				if ((long)i == local)
					conf_err_key(err, CONF_EXIT_CONFIG, src, key,
						     "Knet requires an explicit nodeid for the "
						     "local node");
				else
					conf_err_key(err, CONF_EXIT_CONFIG, src, key,
						     "Knet requires an explicit nodeid to be "
						     "specified for address '%s'.", n->addr_str[0]);
				return -EINVAL;
			}
			if (n->nodeid >= 65536) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, key,
					     "Knet requires nodeid to be less than 65536 for "
					     "address '%s'.", n->addr_str[0]);
				return -EINVAL;
			}
		} else if (n->nodeid == 0) {
			uint32_t id;

			if (!n->has_addr[0] || n->addr[0].ss_family != AF_INET) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, key,
					     "An IPV6 network requires that a node ID be specified");
				return -EINVAL;
			}
			id = ntohl(((struct sockaddr_in *)&n->addr[0])->sin_addr.s_addr);
			if (tc->clear_node_high_bit)
				id &= 0x7FFFFFFFu;
			n->nodeid = id;
			if (icmap_set_uint32(map, key, id) < 0)
				return -ENOMEM;
		}
	}
	for (i = 0; i < tc->node_count; i++)
		for (j = i + 1; j < tc->node_count; j++)
			if (tc->nodes[i].nodeid == tc->nodes[j].nodeid) {
				node_key(key, sizeof(key), &tc->nodes[j], "nodeid");
				conf_err_key(err, CONF_EXIT_CONFIG, src, key,
					     "Nodeid %u appears twice in corosync.conf",
					     tc->nodes[j].nodeid);
				return -EINVAL;
			}

	tc->local_node_pos = tc->nodes[local].pos;
	tc->local_nodeid = tc->nodes[local].nodeid;
	return (int)local;
}
