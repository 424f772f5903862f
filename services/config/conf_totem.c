/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totem section semantics (corosync v3.1.7 exec/totemconfig.c):
 * transport, crypto and key, interfaces, timers with token_coefficient and
 * their minimums, then publication of runtime.config.totem.*, generated
 * interface keys and nodelist.local_node_pos.  Nodelist rules are in
 * conf_nodes.c.  Nothing is published unless every check passed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services/config/conf_int.h"
#include "services/config/conf_nodes.h"

#define MIN_TIMEOUT 30          /* 3 * (1000 / HZ), HZ = 100 */
#define MIN_HOLD    14
#define KEY_MIN     128
#define KEY_MAX     4096

#ifndef CHORUS_SYSCONFDIR
#define CHORUS_SYSCONFDIR "/etc"
#endif
#define DEFAULT_KEYFILE CHORUS_SYSCONFDIR "/chorus/authkey"

void conf_totem_config_clear(struct totem_config *tc)
{
	if (!tc)
		return;
	free(tc->nodes);
	memset(tc, 0, sizeof(*tc));
}

static const char *get_str(const struct icmap *map, const char *key)
{
	const char *s = NULL;

	if (icmap_get_string(map, key, &s) < 0)
		return NULL;
	return s;
}

/* u32 key with default; *ret_set tells whether the file had it (non-zero). */
static uint32_t get_u32(const struct icmap *map, const char *key, uint32_t def, bool zero_is_default,
			bool *ret_set)
{
	uint32_t v;

	if (ret_set)
		*ret_set = false;
	if (icmap_get_uint32(map, key, &v) < 0)
		return def;
	if (v == 0 && zero_is_default)
		return def;
	if (ret_set)
		*ret_set = true;
	return v;
}

/* ---- timers ------------------------------------------------------------- */

struct timer_desc {
	const char *key;        /* under totem. */
	size_t off;
	uint32_t def;
	bool zero_default;
};

#define TC_OFF(f) offsetof(struct totem_config, f)

static const struct timer_desc timers[] = {
	{ "max_network_delay", TC_OFF(max_network_delay), 50, true },
	{ "window_size", TC_OFF(window_size), 50, true },
	{ "max_messages", TC_OFF(max_messages), 17, true },
	{ "miss_count_const", TC_OFF(miss_count_const), 5, true },
	{ "knet_pmtud_interval", TC_OFF(knet_pmtud_interval), 30, true },
	{ "knet_mtu", TC_OFF(knet_mtu), 0, false },
	{ "knet_compression_threshold", TC_OFF(knet_compression_threshold), 0, false },
	{ "token_retransmits_before_loss_const", TC_OFF(token_retransmits_before_loss_const), 4,
	  true },
	{ "join", TC_OFF(join), 50, true },
	{ "send_join", TC_OFF(send_join), 0, false },
	{ "merge", TC_OFF(merge), 200, true },
	{ "downcheck", TC_OFF(downcheck), 1000, true },
	{ "fail_recv_const", TC_OFF(fail_recv_const), 2500, true },
	{ "seqno_unchanged_const", TC_OFF(seqno_unchanged_const), 30, true },
	{ "heartbeat_failures_allowed", TC_OFF(heartbeat_failures_allowed), 0, false },
};

static unsigned nodes_on_link0(const struct totem_config *tc)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < tc->node_count; i++)
		n += tc->nodes[i].has_addr[0];
	return n;
}

/*
 * Read the volatile timers into tc and check them.  The derived defaults
 * (token_retransmit, hold, consensus) are computed from the effective token
 * before the configured values are looked at, as in corosync.
 */
static int timers_read(const struct icmap *map, const struct conf_src *src, struct totem_config *tc,
		       struct conf_error *err)
{
	bool set_retr, set_hold, set_cons;
	unsigned members = nodes_on_link0(tc);
	uint32_t v;
	size_t i;
	const char *s;
	int32_t level;

	tc->token = get_u32(map, "totem.token", 3000, true, NULL);
	tc->token_coefficient = get_u32(map, "totem.token_coefficient", 650, false, NULL);
	if (members > 2)
		tc->token += (members - 2) * tc->token_coefficient;
	for (i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		char key[128];

		snprintf(key, sizeof(key), "totem.%s", timers[i].key);
		v = get_u32(map, key, timers[i].def, timers[i].zero_default, NULL);
		memcpy((char *)tc + timers[i].off, &v, sizeof(v));
	}
	tc->token_retransmit =
		(uint32_t)(tc->token / (tc->token_retransmits_before_loss_const + 0.2));
	tc->hold = (uint32_t)(tc->token_retransmit * 0.8 - 10);
	if (tc->token_retransmit * 0.8 < 10)
		tc->hold = 0;
	tc->consensus = (uint32_t)(1.2 * tc->token);
	tc->token_retransmit = get_u32(map, "totem.token_retransmit", tc->token_retransmit, true,
				       &set_retr);
	tc->hold = get_u32(map, "totem.hold", tc->hold, true, &set_hold);
	tc->consensus = get_u32(map, "totem.consensus", tc->consensus, true, &set_cons);
	tc->token_warning = get_u32(map, "totem.token_warning", 75, false, NULL);

	tc->knet_compression_level = 0;
	if (icmap_get_int32(map, "totem.knet_compression_level", &level) == 0)
		tc->knet_compression_level = level;
	s = get_str(map, "totem.knet_compression_model");
	conf_strlcpy(tc->knet_compression_model, s ? s : "none", sizeof(tc->knet_compression_model));
	s = get_str(map, "totem.block_unlisted_ips");
	tc->block_unlisted_ips = !(s && strcmp(s, "no") == 0);
	s = get_str(map, "totem.cancel_token_hold_on_retransmit");
	tc->cancel_token_hold_on_retransmit = s && strcmp(s, "yes") == 0;

	if (tc->max_network_delay < MIN_TIMEOUT) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.max_network_delay",
			     "The max_network_delay parameter (%u ms) may not be less than (%d ms).",
			     tc->max_network_delay, MIN_TIMEOUT);
		return -EINVAL;
	}
	if (tc->token < MIN_TIMEOUT) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.token",
			     "The token timeout parameter (%u ms) may not be less than (%d ms).",
			     tc->token, MIN_TIMEOUT);
		return -EINVAL;
	}
	if (tc->token_warning > 100) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.token_warning",
			     "The token warning parameter (%u%%) must be between 0 (disabled) and "
			     "100.", tc->token_warning);
		return -EINVAL;
	}
	if (tc->token_retransmit < MIN_TIMEOUT) {
		if (set_retr)
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.token_retransmit",
				     "The token retransmit timeout parameter (%u ms) may not be "
				     "less than (%d ms).", tc->token_retransmit, MIN_TIMEOUT);
		else
			conf_err_key(err, CONF_EXIT_CONFIG, src,
				     "totem.token_retransmits_before_loss_const",
				     "Not appropriate token or token_retransmits_before_loss_const "
				     "value set");
		return -EINVAL;
	}
	if (tc->hold < MIN_HOLD) {
		if (set_hold)
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.hold",
				     "The token hold timeout parameter (%u ms) may not be less "
				     "than (%d ms).", tc->hold, MIN_HOLD);
		else
			conf_err_key(err, CONF_EXIT_CONFIG, src,
				     "totem.token_retransmits_before_loss_const",
				     "Not appropriate token or token_retransmits_before_loss_const "
				     "value set");
		return -EINVAL;
	}
	if (tc->join < MIN_TIMEOUT) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.join",
			     "The join timeout parameter (%u ms) may not be less than (%d ms).",
			     tc->join, MIN_TIMEOUT);
		return -EINVAL;
	}
	if (tc->consensus < MIN_TIMEOUT) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.consensus",
			     "The consensus timeout parameter (%u ms) may not be less than (%d ms).",
			     tc->consensus, MIN_TIMEOUT);
		return -EINVAL;
	}
	if (tc->consensus < tc->join) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, set_cons ? "totem.consensus" : "totem.join",
			     "The consensus timeout parameter (%u ms) may not be less than join "
			     "timeout (%u ms).", tc->consensus, tc->join);
		return -EINVAL;
	}
	if (tc->merge < MIN_TIMEOUT) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.merge",
			     "The merge timeout parameter (%u ms) may not be less than (%d ms).",
			     tc->merge, MIN_TIMEOUT);
		return -EINVAL;
	}
	if (tc->downcheck < MIN_TIMEOUT) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.downcheck",
			     "The downcheck timeout parameter (%u ms) may not be less than (%d ms).",
			     tc->downcheck, MIN_TIMEOUT);
		return -EINVAL;
	}
	return 0;
}

/* Per-link knet ping timers from the effective token. */
static void links_timers(const struct icmap *map, struct totem_config *tc)
{
	int l;

	for (l = 0; l < CONF_LINKS_MAX; l++) {
		struct conf_link *lk = &tc->links[l];
		char key[96];

		snprintf(key, sizeof(key), "totem.interface.%d.knet_pong_count", l);
		lk->knet_pong_count = get_u32(map, key, 2, true, NULL);
		snprintf(key, sizeof(key), "totem.interface.%d.knet_ping_timeout", l);
		lk->knet_ping_timeout = get_u32(map, key, tc->token / lk->knet_pong_count, true,
						NULL);
		snprintf(key, sizeof(key), "totem.interface.%d.knet_ping_interval", l);
		lk->knet_ping_interval = get_u32(map, key, tc->token / (2 * lk->knet_pong_count),
						 true, NULL);
		snprintf(key, sizeof(key), "totem.interface.%d.knet_ping_precision", l);
		lk->knet_ping_precision = get_u32(map, key, 2048, true, NULL);
	}
}

static int publish_timers(struct icmap *map, const struct totem_config *tc)
{
	const struct {
		const char *name;
		uint32_t v;
	} u32s[] = {
		{ "token", tc->token },
		{ "token_warning", tc->token_warning },
		{ "token_retransmit", tc->token_retransmit },
		{ "hold", tc->hold },
		{ "token_retransmits_before_loss_const", tc->token_retransmits_before_loss_const },
		{ "join", tc->join },
		{ "send_join", tc->send_join },
		{ "consensus", tc->consensus },
		{ "merge", tc->merge },
		{ "downcheck", tc->downcheck },
		{ "fail_recv_const", tc->fail_recv_const },
		{ "seqno_unchanged_const", tc->seqno_unchanged_const },
		{ "heartbeat_failures_allowed", tc->heartbeat_failures_allowed },
		{ "max_network_delay", tc->max_network_delay },
		{ "window_size", tc->window_size },
		{ "max_messages", tc->max_messages },
		{ "miss_count_const", tc->miss_count_const },
		{ "knet_pmtud_interval", tc->knet_pmtud_interval },
		{ "knet_mtu", tc->knet_mtu },
		{ "knet_compression_threshold", tc->knet_compression_threshold },
		{ "block_unlisted_ips", tc->block_unlisted_ips },
		{ "cancel_token_hold_on_retransmit", tc->cancel_token_hold_on_retransmit },
	};
	char key[128];
	size_t i;
	int l, r;

	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		snprintf(key, sizeof(key), "runtime.config.totem.%s", u32s[i].name);
		r = icmap_set_uint32(map, key, u32s[i].v);
		if (r < 0)
			return r;
	}
	r = icmap_set_int32(map, "runtime.config.totem.knet_compression_level",
			    tc->knet_compression_level);
	if (r == 0)
		r = icmap_set_string(map, "runtime.config.totem.knet_compression_model",
				     tc->knet_compression_model);
	for (l = 0; r == 0 && l < CONF_LINKS_MAX; l++) {
		if (!tc->links[l].configured)
			continue;
		snprintf(key, sizeof(key), "runtime.config.totem.interface.%d.knet_ping_interval", l);
		r = icmap_set_uint32(map, key, tc->links[l].knet_ping_interval);
		if (r < 0)
			break;
		snprintf(key, sizeof(key), "runtime.config.totem.interface.%d.knet_ping_timeout", l);
		r = icmap_set_uint32(map, key, tc->links[l].knet_ping_timeout);
	}
	return r;
}

/* ---- crypto ------------------------------------------------------------- */

static int crypto_read(const struct icmap *map, const struct conf_src *src, struct totem_config *tc,
		       struct conf_error *err)
{
	const char *cipher = "none", *hash = "none", *s;

	s = get_str(map, "totem.secauth");
	if (s && strcmp(s, "on") == 0) {
		cipher = "aes256";
		hash = "sha256";
	}
	if ((s = get_str(map, "totem.crypto_cipher")) != NULL)
		cipher = s;
	if ((s = get_str(map, "totem.crypto_hash")) != NULL)
		hash = s;
	if (strcmp(cipher, "none") != 0 && strcmp(hash, "none") == 0) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.crypto_cipher",
			     "crypto_cipher requires crypto_hash with value other than none");
		return -EINVAL;
	}
	conf_strlcpy(tc->crypto_cipher, cipher, sizeof(tc->crypto_cipher));
	conf_strlcpy(tc->crypto_hash, hash, sizeof(tc->crypto_hash));
	s = get_str(map, "totem.crypto_model");
	conf_strlcpy(tc->crypto_model, s ? s : "nss", sizeof(tc->crypto_model));
	return 0;
}

static int key_read(const struct icmap *map, const struct conf_src *src, struct totem_config *tc,
		    struct conf_error *err)
{
	const char *file = get_str(map, "totem.keyfile");
	const char *key_name = "totem.keyfile";
	const void *val;
	size_t len;
	enum icmap_type type;
	ssize_t n;
	int fd;

	if (strcmp(tc->crypto_cipher, "none") == 0 && strcmp(tc->crypto_hash, "none") == 0)
		return 0;
	if (!file && icmap_get(map, "totem.key", &val, &len, &type) == 0 &&
	    type == ICMAP_T_STRING) {
		/* The stored length counts the NUL, which is part of the key. */
		if (len < KEY_MIN) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.key", "key is too short");
			return -EINVAL;
		}
		if (len > KEY_MAX) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.key", "key is too long");
			return -EINVAL;
		}
		memcpy(tc->key, val, len);
		tc->key_len = len;
		tc->keyfile[0] = '\0';
		return 0;
	}
	if (!file) {
		file = DEFAULT_KEYFILE;
		key_name = NULL;
	}
	conf_strlcpy(tc->keyfile, file, sizeof(tc->keyfile));
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, key_name, "Could not open %s: %s", file,
			     strerror(errno));
		return -EINVAL;
	}
	n = read(fd, tc->key, sizeof(tc->key));
	close(fd);
	if (n < 0) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, key_name, "Could not read %s: %s", file,
			     strerror(errno));
		return -EINVAL;
	}
	if (n < KEY_MIN) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, key_name,
			     "Could only read %d bits of minimum %d bits from %s.", (int)n * 8,
			     KEY_MIN * 8, file);
		return -EINVAL;
	}
	tc->key_len = (size_t)n;
	return 0;
}

/* ---- interfaces --------------------------------------------------------- */

static int parse_numeric(const char *s, struct sockaddr_storage *ret)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ret;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ret;

	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static bool is_multicast(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return IN_MULTICAST(ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr));
	return IN6_IS_ADDR_MULTICAST(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

/* Default udp multicast address derived from the cluster name. */
static void mcast_from_name(const char *name, int link, bool v6, char *buf, size_t size)
{
	uint32_t h = 0;
	unsigned id;

	for (; *name; name++)
		h = h * 2 + (uint32_t)(int32_t)(signed char)*name;
	id = (h & 0xFFFF) + (unsigned)link;
	if (v6)
		snprintf(buf, size, "ff15::%x", id);
	else
		snprintf(buf, size, "239.192.%u.%u", (id >> 8) & 0xFF, id % 0xFF);
}

static int interfaces_check(struct icmap *map, const struct conf_src *src, struct totem_config *tc,
			    const bool *link_used, struct conf_error *err)
{
	struct icmap_iter it;
	const char *key;
	char k[128];
	int l;

	/* Interface keys with a link number above the maximum. */
	icmap_iter_init(&it, "totem.interface.");
	while ((key = icmap_iter_next(map, &it, NULL, NULL, NULL)) != NULL) {
		char *end;
		long n = strtol(key + strlen("totem.interface."), &end, 10);

		if (end != key + strlen("totem.interface.") && *end == '.' && n >= CONF_LINKS_MAX) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, key,
				     "interface ring number %ld is bigger than allowed maximum %d",
				     n, CONF_LINKS_MAX - 1);
			return -EINVAL;
		}
	}
	for (l = 0; l < CONF_LINKS_MAX; l++) {
		struct conf_link *lk = &tc->links[l];
		const char *s;
		uint8_t u8;
		uint16_t u16;

		lk->configured = link_used[l];
		snprintf(k, sizeof(k), "totem.interface.%d.broadcast", l);
		s = get_str(map, k);
		lk->broadcast = s && strcmp(s, "yes") == 0;
		lk->mcastport = (uint16_t)(5405 + (lk->broadcast ? 2 * l : l));
		snprintf(k, sizeof(k), "totem.interface.%d.mcastport", l);
		if (icmap_get_uint16(map, k, &u16) == 0)
			lk->mcastport = u16;
		lk->ttl = 1;
		snprintf(k, sizeof(k), "totem.interface.%d.ttl", l);
		if (icmap_get_uint8(map, k, &u8) == 0) {
			lk->ttl = u8;
			if (u8 != 1 && tc->transport != CONF_TRANSPORT_UDP) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, k,
					     "Can only set ttl on multicast transport types for "
					     "interface %d", l);
				return -EINVAL;
			}
		}
		lk->knet_link_priority = 1;
		snprintf(k, sizeof(k), "totem.interface.%d.knet_link_priority", l);
		if (icmap_get_uint8(map, k, &u8) == 0) {
			lk->knet_link_priority = u8;
			if (u8 != 1 && tc->transport != CONF_TRANSPORT_KNET) {
				conf_err_key(err, CONF_EXIT_CONFIG, src, k,
					     "Can only set link priority on knet transport type "
					     "for interface %d", l);
				return -EINVAL;
			}
		}
		snprintf(k, sizeof(k), "totem.interface.%d.knet_transport", l);
		s = get_str(map, k);
		if (s && strcmp(s, "udp") != 0 && strcmp(s, "sctp") != 0) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, k,
				     "Unrecognised knet_transport. expected 'udp' or 'sctp'");
			return -EINVAL;
		}
		lk->knet_transport_sctp = s && strcmp(s, "sctp") == 0;
	}
	return 0;
}

/* udp: bindnetaddr and multicast address of link 0, generated keys. */
static int udp_check(struct icmap *map, const struct conf_src *src, struct totem_config *tc,
		     int local, struct conf_error *err)
{
	struct conf_link *lk = &tc->links[0];
	char mc[64];
	const char *s;
	int r;

	if (local >= 0 && tc->nodes[local].has_addr[0])
		lk->bindnet = tc->nodes[local].addr[0];
	else if ((s = get_str(map, "totem.interface.0.bindnetaddr")) != NULL)
		conf_resolve(s, tc->ip_version, &lk->bindnet);
	if (lk->broadcast) {
		conf_strlcpy(mc, "255.255.255.255", sizeof(mc));
	} else if ((s = get_str(map, "totem.interface.0.mcastaddr")) != NULL) {
		conf_strlcpy(mc, s, sizeof(mc));
	} else if (tc->cluster_name[0]) {
		mcast_from_name(tc->cluster_name, 0, lk->bindnet.ss_family == AF_INET6, mc,
				sizeof(mc));
		r = icmap_set_string(map, "totem.interface.0.mcastaddr", mc);
		if (r < 0)
			return r;
	} else {
		conf_err_key(err, CONF_EXIT_CONFIG, src, NULL,
			     "No multicast address specified for interface 0");
		return -EINVAL;
	}
	if (parse_numeric(mc, &lk->mcast) < 0) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.interface.0.mcastaddr",
			     "failed to parse mcast address '%s'", mc);
		return -EINVAL;
	}
	if (lk->bindnet.ss_family && lk->mcast.ss_family != lk->bindnet.ss_family) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.interface.0.mcastaddr",
			     "Multicast address family does not match bind address family for "
			     "interface 0");
		return -EINVAL;
	}
	if (!lk->broadcast && !is_multicast(&lk->mcast)) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.interface.0.mcastaddr",
			     "mcastaddr is not a correct multicast address for interface 0");
		return -EINVAL;
	}
	if (icmap_get(map, "totem.interface.0.mcastport", NULL, NULL, NULL) < 0) {
		r = icmap_set_uint16(map, "totem.interface.0.mcastport", lk->mcastport);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- entry points ------------------------------------------------------- */

static int basics_read(const struct icmap *map, const struct conf_src *src, struct totem_config *tc,
		       struct conf_error *err)
{
	const char *s;

	tc->transport = CONF_TRANSPORT_KNET;
	s = get_str(map, "totem.transport");
	if (s) {
		if (strcmp(s, "udpu") == 0)
			tc->transport = CONF_TRANSPORT_UDPU;
		else if (strcmp(s, "udp") == 0)
			tc->transport = CONF_TRANSPORT_UDP;
		else if (strcmp(s, "knet") != 0) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.transport",
				     "Invalid transport type. Should be udpu, udp or knet");
			return -EINVAL;
		}
	}
	tc->ip_version = tc->transport == CONF_TRANSPORT_UDP ? CONF_IP_V4 : CONF_IP_V6_4;
	s = get_str(map, "totem.ip_version");
	if (s) {
		if (strcmp(s, "ipv4") == 0)
			tc->ip_version = CONF_IP_V4;
		else if (strcmp(s, "ipv6") == 0)
			tc->ip_version = CONF_IP_V6;
		else if (strcmp(s, "ipv4-6") == 0)
			tc->ip_version = CONF_IP_V4_6;
		else if (strcmp(s, "ipv6-4") == 0)
			tc->ip_version = CONF_IP_V6_4;
		else {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.ip_version",
				     "Invalid ip_version type");
			return -EINVAL;
		}
	}
	s = get_str(map, "totem.cluster_name");
	conf_strlcpy(tc->cluster_name, s ? s : "", sizeof(tc->cluster_name));
	if (icmap_get_uint64(map, "totem.config_version", &tc->config_version) < 0)
		tc->config_version = 0;
	tc->netmtu = get_u32(map, "totem.netmtu",
			     tc->transport == CONF_TRANSPORT_KNET ? 65536 : 1500, true, NULL);
	tc->threads = get_u32(map, "totem.threads", 0, false, NULL);
	s = get_str(map, "totem.clear_node_high_bit");
	tc->clear_node_high_bit = s && strcmp(s, "yes") == 0;
	tc->link_mode = CONF_LINK_PASSIVE;
	s = get_str(map, "totem.link_mode");
	if (s) {
		if (strlen(s) >= 64) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.link_mode",
				     "totem.link_mode is too long");
			return -EINVAL;
		}
		if (strcmp(s, "active") == 0)
			tc->link_mode = CONF_LINK_ACTIVE;
		else if (strcmp(s, "rr") == 0)
			tc->link_mode = CONF_LINK_RR;
		else if (strcmp(s, "passive") != 0) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.link_mode",
				     "The Knet link mode \"%s\" specified is invalid.  It must be "
				     "active, passive or rr.", s);
			return -EINVAL;
		}
	}
	return 0;
}

int conf_totem_validate(struct icmap *map, const struct conf_src *src,
			const struct conf_host *host, struct totem_config *ret_tc,
			struct conf_error *err)
{
	struct totem_config *tc;
	bool link_used[CONF_LINKS_MAX] = { false };
	int local = -1, r, l;

	if (!map || !ret_tc)
		return -EINVAL;
	tc = calloc(1, sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	r = basics_read(map, src, tc, err);
	if (r == 0)
		r = crypto_read(map, src, tc, err);
	if (r == 0)
		r = conf_nodes_read(map, src, tc, link_used, err);
	if (r == 0 && tc->node_count == 0) {
		/* Without a nodelist only the legacy udp/udpu interface form remains. */
		if (icmap_get(map, "totem.interface.0.bindnetaddr", NULL, NULL, NULL) < 0 ||
		    tc->transport == CONF_TRANSPORT_KNET) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, NULL, "No interfaces defined");
			r = -EINVAL;
		} else {
			link_used[0] = true;
			tc->link_count = 1;
		}
	} else if (r == 0) {
		r = conf_nodes_check(map, src, tc, host, link_used, err);
		if (r >= 0) {
			local = r;
			r = 0;
		}
	}
	if (r == 0)
		r = key_read(map, src, tc, err);
	/* Checked after the key is read, as corosync does (same first error). */
	if (r == 0 && tc->transport != CONF_TRANSPORT_KNET &&
	    (strcmp(tc->crypto_cipher, "none") != 0 || strcmp(tc->crypto_hash, "none") != 0)) {
		conf_err_key(err, CONF_EXIT_CONFIG, src,
			     strcmp(tc->crypto_cipher, "none") ? "totem.crypto_cipher"
							       : "totem.crypto_hash",
			     "crypto_cipher & crypto_hash are only valid for the Knet transport.");
		r = -EINVAL;
	}
	if (r == 0 && icmap_get_uint32(map, "totem.version", &tc->version) < 0)
		tc->version = 0;
	if (r == 0 && tc->version != 2) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "totem.version",
			     "This totem parser can only parse version 2 configurations.");
		r = -EINVAL;
	}
	if (r == 0)
		r = interfaces_check(map, src, tc, link_used, err);
	if (r == 0)
		r = timers_read(map, src, tc, err);
	if (r == 0 && tc->transport == CONF_TRANSPORT_UDP)
		r = udp_check(map, src, tc, local, err);
	if (r < 0)
		goto fail;

	links_timers(map, tc);
	/* Publication: generated keys, local position, runtime timers. */
	if (local >= 0 && icmap_get(map, "totem.interface.0.bindnetaddr", NULL, NULL, NULL) < 0) {
		for (l = 0; l < CONF_LINKS_MAX && r == 0; l++) {
			char k[64];

			if (!tc->nodes[local].has_addr[l])
				continue;
			snprintf(k, sizeof(k), "totem.interface.%d.bindnetaddr", l);
			r = icmap_set_string(map, k, tc->nodes[local].addr_str[l]);
		}
	}
	if (r == 0 && local >= 0) {
		r = icmap_set_uint32(map, "nodelist.local_node_pos", tc->local_node_pos);
		if (r == 0)
			r = icmap_set_ro_key(map, "nodelist.local_node_pos");
	}
	if (r == 0)
		r = publish_timers(map, tc);
	if (r < 0) {
		if (err && r == -ENOMEM)
			conf_err_key(err, CONF_EXIT_CONFIG, src, NULL, "out of memory");
		goto fail;
	}
	conf_totem_config_clear(ret_tc);
	*ret_tc = *tc;
	free(tc);
	return 0;
fail:
	conf_totem_config_clear(tc);
	free(tc);
	return r == -ENOMEM ? r : -EINVAL;
}

int conf_totem_volatile_update(struct icmap *map, struct totem_config *tc, struct conf_error *err)
{
	struct totem_config tmp;
	int r;

	if (!map || !tc)
		return -EINVAL;
	tmp = *tc;
	r = timers_read(map, NULL, &tmp, err);
	if (r < 0)
		return r;
	links_timers(map, &tmp);
	r = publish_timers(map, &tmp);
	if (r < 0)
		return r;
	*tc = tmp;
	return 0;
}
