/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Typed keys and parser-level value checks (corosync v3.1.7 exec/coroparse.c).
 * Only per-key facts live here; cross-key rules are in conf_totem.c and
 * conf_logging.c.  Tables are const: no mutable state.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "services/config/conf_int.h"
#include "services/config/conf_keys.h"

const char *const conf_crypto_models[] = { "nss", "openssl", NULL };
const char *const conf_compress_models[] = { "zlib", "lz4", "lz4hc", "lzo2", "lzma", "bzip2",
					     "zstd", NULL };

struct typed {
	const char *key;
	enum icmap_type type;
};

static const struct typed totem_keys[] = {
	{ "version", ICMAP_T_UINT32 }, { "nodeid", ICMAP_T_UINT32 },
	{ "threads", ICMAP_T_UINT32 }, { "token", ICMAP_T_UINT32 },
	{ "token_coefficient", ICMAP_T_UINT32 }, { "token_retransmit", ICMAP_T_UINT32 },
	{ "token_warning", ICMAP_T_UINT32 }, { "hold", ICMAP_T_UINT32 },
	{ "token_retransmits_before_loss_const", ICMAP_T_UINT32 }, { "join", ICMAP_T_UINT32 },
	{ "send_join", ICMAP_T_UINT32 }, { "consensus", ICMAP_T_UINT32 },
	{ "merge", ICMAP_T_UINT32 }, { "downcheck", ICMAP_T_UINT32 },
	{ "fail_recv_const", ICMAP_T_UINT32 }, { "seqno_unchanged_const", ICMAP_T_UINT32 },
	{ "rrp_token_expired_timeout", ICMAP_T_UINT32 },
	{ "rrp_problem_count_timeout", ICMAP_T_UINT32 },
	{ "rrp_problem_count_threshold", ICMAP_T_UINT32 },
	{ "rrp_problem_count_mcast_threshold", ICMAP_T_UINT32 },
	{ "rrp_autorecovery_check_timeout", ICMAP_T_UINT32 },
	{ "heartbeat_failures_allowed", ICMAP_T_UINT32 },
	{ "max_network_delay", ICMAP_T_UINT32 }, { "window_size", ICMAP_T_UINT32 },
	{ "max_messages", ICMAP_T_UINT32 }, { "miss_count_const", ICMAP_T_UINT32 },
	{ "knet_pmtud_interval", ICMAP_T_UINT32 }, { "knet_mtu", ICMAP_T_UINT32 },
	{ "knet_compression_threshold", ICMAP_T_UINT32 }, { "netmtu", ICMAP_T_UINT32 },
	{ "knet_compression_level", ICMAP_T_INT32 }, { "config_version", ICMAP_T_UINT64 },
	{ NULL, ICMAP_T_NONE },
};

static const struct typed interface_keys[] = {
	{ "knet_ping_interval", ICMAP_T_UINT32 }, { "knet_ping_timeout", ICMAP_T_UINT32 },
	{ "knet_ping_precision", ICMAP_T_UINT32 }, { "knet_pong_count", ICMAP_T_UINT32 },
	{ "ttl", ICMAP_T_UINT8 }, { "knet_link_priority", ICMAP_T_UINT8 },
	{ "mcastport", ICMAP_T_UINT16 }, { NULL, ICMAP_T_NONE },
};

static const struct typed node_keys[] = {
	{ "nodeid", ICMAP_T_UINT32 }, { "quorum_votes", ICMAP_T_UINT32 }, { NULL, ICMAP_T_NONE },
};

static const struct typed quorum_keys[] = {
	{ "expected_votes", ICMAP_T_UINT32 }, { "votes", ICMAP_T_UINT32 },
	{ "last_man_standing_window", ICMAP_T_UINT32 }, { "leaving_timeout", ICMAP_T_UINT32 },
	{ "two_node", ICMAP_T_UINT8 }, { "expected_votes_tracking", ICMAP_T_UINT8 },
	{ "allow_downscale", ICMAP_T_UINT8 }, { "wait_for_all", ICMAP_T_UINT8 },
	{ "auto_tie_breaker", ICMAP_T_UINT8 }, { "last_man_standing", ICMAP_T_UINT8 },
	{ NULL, ICMAP_T_NONE },
};

static const struct typed qdevice_keys[] = {
	{ "timeout", ICMAP_T_UINT32 }, { "sync_timeout", ICMAP_T_UINT32 },
	{ "votes", ICMAP_T_UINT32 }, { "master_wins", ICMAP_T_UINT8 }, { NULL, ICMAP_T_NONE },
};

static const struct typed resources_keys[] = {
	{ "watchdog_timeout", ICMAP_T_UINT32 }, { NULL, ICMAP_T_NONE },
};

static const struct typed poll_keys[] = {
	{ "poll_period", ICMAP_T_UINT64 }, { NULL, ICMAP_T_NONE },
};

static const struct typed pload_keys[] = {
	{ "count", ICMAP_T_UINT32 }, { "size", ICMAP_T_UINT32 }, { NULL, ICMAP_T_NONE },
};

static enum icmap_type lookup(const struct typed *t, const char *key)
{
	for (; t && t->key; t++)
		if (strcmp(t->key, key) == 0)
			return t->type;
	return ICMAP_T_STRING;
}

static const struct typed *table_for(enum conf_state state)
{
	switch (state) {
	case CS_TOTEM:
		return totem_keys;
	case CS_INTERFACE:
		return interface_keys;
	case CS_NODE:
		return node_keys;
	case CS_QUORUM:
		return quorum_keys;
	case CS_QDEVICE:
		return qdevice_keys;
	case CS_RESOURCES:
		return resources_keys;
	case CS_RES_POLL:
		return poll_keys;
	case CS_PLOAD:
		return pload_keys;
	default:
		return NULL;
	}
}

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

static void join_list(char *dst, size_t size, const char *const *list)
{
	size_t n = 0, i, count = 0;

	while (list[count])
		count++;
	dst[0] = '\0';
	for (i = 0; i < count && n < size; i++) {
		const char *sep = i == 0 ? "" : (i + 1 == count ? " or " : ", ");
		int w = snprintf(dst + n, size - n, "%s%s", sep, list[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static int check_int(enum icmap_type type, const char *shown_key, const char *value, char *reason,
		     size_t size)
{
	long long min = 0, max = 0, v;
	unsigned long long uv;

	switch (type) {
	case ICMAP_T_UINT8:
		max = UINT8_MAX;
		break;
	case ICMAP_T_UINT16:
		max = UINT16_MAX;
		break;
	case ICMAP_T_UINT32:
		max = UINT32_MAX;
		break;
	case ICMAP_T_INT32:
		min = INT32_MIN;
		max = INT32_MAX;
		break;
	case ICMAP_T_UINT64:
		/* Deliberate difference: corosync 3.1.7 aborts here (exit 134). */
		if (conf_str_to_ull(value, UINT64_MAX, &uv) == 0)
			return 0;
		snprintf(reason, size,
			 "Value of key \"%s\" is expected to be integer in range (0..%" PRIu64
			 "), but \"%s\" was given", shown_key, UINT64_MAX, value);
		return -EINVAL;
	default:
		return 0;
	}
	if (conf_str_to_ll(value, min, max, &v) == 0)
		return 0;
	snprintf(reason, size,
		 "Value of key \"%s\" is expected to be integer in range (%lld..%lld), but \"%s\" "
		 "was given", shown_key, min, max, value);
	return -EINVAL;
}

static int check_string(enum conf_state state, const char *key, const char *value, char *reason,
			size_t size)
{
	static const char *const ipv[] = { "ipv4", "ipv6", "ipv4-6", "ipv6-4", NULL };
	static const char *const ciphers[] = { "none", "aes256", "aes192", "aes128", NULL };
	static const char *const hashes[] = { "none", "md5", "sha1", "sha256", "sha384", "sha512",
					      NULL };
	static const char *const ipc[] = { "native", "shm", "socket", NULL };
	static const char *const yn[] = { "yes", "no", NULL };
	static const char *const yna[] = { "yes", "no", "auto", NULL };
	char list[256];

	if (state == CS_TOTEM) {
		if (strcmp(key, "ip_version") == 0 && !in_list(value, ipv)) {
			snprintf(reason, size, "Invalid ip_version type");
			return -EINVAL;
		}
		if (strcmp(key, "crypto_cipher") == 0 && !in_list(value, ciphers)) {
			snprintf(reason, size,
				 "Invalid cipher type. Should be none, aes256, aes192 or aes128");
			return -EINVAL;
		}
		if (strcmp(key, "crypto_hash") == 0 && !in_list(value, hashes)) {
			snprintf(reason, size, "Invalid hash type. Should be none, md5, sha1, "
				 "sha256, sha384 or sha512");
			return -EINVAL;
		}
		if (strcmp(key, "crypto_model") == 0 && !in_list(value, conf_crypto_models)) {
			join_list(list, sizeof(list), conf_crypto_models);
			snprintf(reason, size, "Invalid crypto model. Should be %s", list);
			return -EINVAL;
		}
		if (strcmp(key, "knet_compression_model") == 0 && strcmp(value, "none") != 0 &&
		    !in_list(value, conf_compress_models)) {
			join_list(list, sizeof(list), conf_compress_models);
			snprintf(reason, size, "Invalid compression model. Should be %s", list);
			return -EINVAL;
		}
	}
	if (state == CS_SYSTEM) {
		const char *const *allowed = NULL;

		if (strcmp(key, "qb_ipc_type") == 0)
			allowed = ipc;
		else if (strcmp(key, "sched_rr") == 0 ||
			 strcmp(key, "allow_knet_handle_fallback") == 0)
			allowed = yn;
		else if (strcmp(key, "move_to_root_cgroup") == 0)
			allowed = yna;
		if (allowed && !in_list(value, allowed)) {
			snprintf(reason, size, "Invalid system.%s%s", key,
				 strcmp(key, "sched_rr") == 0 ? " value" : "");
			return -EINVAL;
		}
	}
	return 0;
}

int conf_check_key(enum conf_state state, const char *key, const char *shown_key,
		   const char *value, enum icmap_type *ret_type, char *reason, size_t reason_size)
{
	enum icmap_type type = lookup(table_for(state), key);
	int r;

	if (type == ICMAP_T_STRING)
		r = check_string(state, key, value, reason, reason_size);
	else
		r = check_int(type, shown_key, value, reason, reason_size);
	if (r < 0)
		return r;
	*ret_type = type;
	return 0;
}

int conf_store_value(struct icmap *map, const char *path, const char *value, enum icmap_type type)
{
	long long v = 0;
	unsigned long long uv = 0;

	switch (type) {
	case ICMAP_T_UINT8:
		if (conf_str_to_ll(value, 0, UINT8_MAX, &v) < 0)
			return -EINVAL;
		return icmap_set_uint8(map, path, (uint8_t)v);
	case ICMAP_T_UINT16:
		if (conf_str_to_ll(value, 0, UINT16_MAX, &v) < 0)
			return -EINVAL;
		return icmap_set_uint16(map, path, (uint16_t)v);
	case ICMAP_T_UINT32:
		if (conf_str_to_ll(value, 0, UINT32_MAX, &v) < 0)
			return -EINVAL;
		return icmap_set_uint32(map, path, (uint32_t)v);
	case ICMAP_T_INT32:
		if (conf_str_to_ll(value, INT32_MIN, INT32_MAX, &v) < 0)
			return -EINVAL;
		return icmap_set_int32(map, path, (int32_t)v);
	case ICMAP_T_UINT64:
		if (conf_str_to_ull(value, UINT64_MAX, &uv) < 0)
			return -EINVAL;
		return icmap_set_uint64(map, path, (uint64_t)uv);
	default:
		return icmap_set_string(map, path, value);
	}
}
