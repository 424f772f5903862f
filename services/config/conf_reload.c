/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runtime reload of corosync.conf (`corosync-cfgtool -R`): the rules by
 * which a freshly parsed file replaces the live configuration, as corosync
 * v3.1.7 applies them (exec/cfg.c, message_handler_req_exec_cfg_reload_config
 * and its helpers; docs/compat.md "reload path").  Pure map work: applying
 * node, link and crypto changes to the transport is the caller's.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/corotypes.h>

#include "services/config/conf_int.h"
#include "services/config/conf_reload.h"

/* Live keys under these prefixes that the new file lacks are deleted. */
static const char *const reload_prefixes[] = {
	"logging.", "totem.", "nodelist.", "quorum.", "uidgid.config.", "nozzle.",
};

/*
 * Keys that keep their running value.  The crypto keys are not listed: the
 * Debian build has knet crypto reconfiguration, so they are reloadable.
 */
static const char *const fixed_keys[] = {
	"totem.version", "totem.threads", "totem.ip_version", "totem.rrp_mode",
	"totem.netmtu", "totem.transport", "totem.cluster_name", "quorum.provider",
	"system.move_to_root_cgroup", "system.allow_knet_handle_fallback", "system.sched_rr",
	"system.priority", "system.qb_ipc_type", "system.state_dir",
};

/* ... and totem.interface.<L>.<one of these>. */
static const char *const fixed_iface_leaves[] = {
	"ringnumber", "bindnetaddr", "mcastaddr", "broadcast", "mcastport", "ttl",
};

static bool same_value(const struct icmap *a, const struct icmap *b, const char *key)
{
	const void *va, *vb;
	size_t la, lb;
	enum icmap_type ta, tb;
	int ra = icmap_get(a, key, &va, &la, &ta), rb = icmap_get(b, key, &vb, &lb, &tb);

	if (ra < 0 || rb < 0)
		return ra < 0 && rb < 0;
	return ta == tb && la == lb && memcmp(va, vb, la) == 0;
}

static int copy_key(struct icmap *dst, const struct icmap *src, const char *key)
{
	const void *v;
	size_t len;
	enum icmap_type type;

	int r;

	if (icmap_get(src, key, &v, &len, &type) < 0) {
		r = icmap_delete(dst, key);
		return r == -ENOENT ? 0 : r;
	}
	return icmap_set(dst, key, v, len, type);
}

static int copy_prefix(struct icmap *dst, const struct icmap *src, const char *prefix)
{
	struct icmap_iter it;
	const char *key;
	const void *v;
	size_t len;
	enum icmap_type type;
	int r;

	if ((r = icmap_iter_init(&it, prefix)) < 0)
		return r;
	while ((key = icmap_iter_next(src, &it, &v, &len, &type)) != NULL)
		if ((r = icmap_set(dst, key, v, len, type)) < 0)
			return r;
	return 0;
}

static void notice_fixed(const struct conf_reload_args *args, const char *key)
{
	char msg[512];

	if (!args || !args->notice)
		return;
	snprintf(msg, sizeof(msg),
		 "Modified entry '%s' in corosync.conf cannot be changed at run-time", key);
	args->notice(args->notice_ctx, msg);
}

/*
 * A fixed key the new file sets to another value keeps its running value
 * (corosync's notice).  A fixed key the new file leaves out is deleted with
 * the rest of its prefix, as in corosync, where the deletion pass runs first.
 */
static int keep_fixed_key(const struct icmap *live, struct icmap *fresh, const char *key,
			  const struct conf_reload_args *args)
{
	if (icmap_get(fresh, key, NULL, NULL, NULL) < 0 || same_value(live, fresh, key))
		return 0;
	notice_fixed(args, key);
	return copy_key(fresh, live, key);
}

static int keep_fixed_keys(const struct icmap *live, struct icmap *fresh,
			   const struct conf_reload_args *args)
{
	struct icmap_iter it;
	const char *key;
	char name[ICMAP_KEYNAME_MAXLEN + 1];
	size_t i;
	int r;

	for (i = 0; i < sizeof(fixed_keys) / sizeof(fixed_keys[0]); i++)
		if ((r = keep_fixed_key(live, fresh, fixed_keys[i], args)) < 0)
			return r;
	if ((r = icmap_iter_init(&it, "totem.interface.")) < 0)
		return r;
	while ((key = icmap_iter_next(fresh, &it, NULL, NULL, NULL)) != NULL) {
		const char *leaf = strrchr(key, '.');

		if (!leaf)
			continue;
		for (i = 0; i < sizeof(fixed_iface_leaves) / sizeof(fixed_iface_leaves[0]); i++) {
			if (strcmp(leaf + 1, fixed_iface_leaves[i]) != 0)
				continue;
			conf_strlcpy(name, key, sizeof(name));
			if ((r = keep_fixed_key(live, fresh, name, args)) < 0)
				return r;
		}
	}
	return 0;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr)) == 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr,
			      sizeof(struct in6_addr)) == 0;
	return memcmp(a, b, sizeof(*a)) == 0;
}

const struct conf_node *conf_reload_find_node(const struct totem_config *tc, uint32_t nodeid)
{
	for (size_t i = 0; i < tc->node_count; i++)
		if (tc->nodes[i].nodeid == nodeid)
			return &tc->nodes[i];
	return NULL;
}

/*
 * A node that stays may not move to another address on a link it keeps,
 * and a kept link may not change its knet transport (corosync v3.1.7
 * exec/totemconfig.c, check_things_have_not_changed; both refuse the reload).
 */
static int check_links(const struct totem_config *old_tc, const struct totem_config *new_tc,
		       const struct conf_src *src, struct conf_error *err)
{
	char key[64];

	for (unsigned l = 0; l < CONF_LINKS_MAX; l++) {
		if (!old_tc->links[l].configured || !new_tc->links[l].configured ||
		    old_tc->links[l].knet_transport_sctp == new_tc->links[l].knet_transport_sctp)
			continue;
		snprintf(key, sizeof(key), "totem.interface.%u.knet_transport", l);
		conf_err_key(err, CONF_EXIT_CONFIG, src, key,
			     "To reconfigure an interface it must be deleted and recreated. "
			     "A working interface needs to be available to corosync at all times");
		return -EINVAL;
	}

	for (size_t i = 0; i < new_tc->node_count; i++) {
		const struct conf_node *n = &new_tc->nodes[i];
		const struct conf_node *o = conf_reload_find_node(old_tc, n->nodeid);

		if (!o)
			continue;
		for (unsigned l = 0; l < CONF_LINKS_MAX; l++) {
			if (!n->has_addr[l] || !o->has_addr[l] || same_addr(&n->addr[l], &o->addr[l]))
				continue;
			snprintf(key, sizeof(key), "nodelist.node.%u.ring%u_addr", n->pos, l);
			conf_err_key(err, CONF_EXIT_CONFIG, src, key,
				     "To reconfigure an interface it must be deleted and recreated. "
				     "A working interface needs to be available to corosync at all times");
			return -EINVAL;
		}
	}
	return 0;
}

bool conf_reload_crypto_changed(const struct totem_config *a, const struct totem_config *b)
{
	return strcmp(a->crypto_model, b->crypto_model) != 0 ||
	       strcmp(a->crypto_cipher, b->crypto_cipher) != 0 ||
	       strcmp(a->crypto_hash, b->crypto_hash) != 0 || a->key_len != b->key_len ||
	       memcmp(a->key, b->key, a->key_len) != 0;
}

bool conf_reload_nodes_changed(const struct totem_config *a, const struct totem_config *b)
{
	if (a->node_count != b->node_count)
		return true;
	for (size_t i = 0; i < b->node_count; i++) {
		const struct conf_node *o = conf_reload_find_node(a, b->nodes[i].nodeid);

		if (!o)
			return true;
		for (unsigned l = 0; l < CONF_LINKS_MAX; l++)
			if (o->has_addr[l] != b->nodes[i].has_addr[l])
				return true;
	}
	return false;
}

int conf_reload_apply(struct icmap *live, struct icmap *fresh, const struct conf_src *src,
		      const struct totem_config *old_tc, const struct conf_reload_args *args,
		      struct totem_config *ret_tc, struct conf_error *err)
{
	struct icmap *checked = NULL;
	struct totem_config tc;
	struct icmap_iter it;
	const char *key;
	const void *v;
	size_t len, i;
	enum icmap_type type;
	int r;

	memset(&tc, 0, sizeof(tc));
	r = keep_fixed_keys(live, fresh, args);
	if (r < 0)
		goto fail_errno;

	/*
	 * Validate a copy: the checks publish generated keys, and of those only
	 * the ones corosync regenerates on reload go live (the local node's
	 * position, generated node ids, the effective timers).
	 */
	checked = icmap_new();
	if (!checked) {
		r = -ENOMEM;
		goto fail_errno;
	}
	if ((r = copy_prefix(checked, fresh, NULL)) < 0)
		goto fail_errno;
	r = conf_logging_validate(checked, src, err);
	if (r < 0)
		goto fail;
	r = conf_totem_validate(checked, src, args ? args->host : NULL, &tc, err);
	if (r < 0)
		goto fail;
	if (old_tc && (r = check_links(old_tc, &tc, src, err)) < 0)
		goto fail;
	if ((r = copy_key(fresh, checked, "nodelist.local_node_pos")) < 0 ||
	    (r = copy_prefix(fresh, checked, "runtime.config.totem.")) < 0)
		goto fail_errno;
	if ((r = icmap_iter_init(&it, "nodelist.node.")) < 0)
		goto fail_errno;
	while ((key = icmap_iter_next(checked, &it, &v, &len, &type)) != NULL) {
		const char *leaf = strrchr(key, '.');

		if (leaf && strcmp(leaf, ".nodeid") == 0 &&
		    icmap_get(fresh, key, NULL, NULL, NULL) < 0 &&
		    (r = icmap_set(fresh, key, v, len, type)) < 0)
			goto fail_errno;
	}

	/* From here on the live map changes: deletions first, then the copy. */
	if ((r = icmap_set_uint8(live, "config.reload_in_progress", 1)) < 0)
		goto fail_errno;
	for (i = 0; i < sizeof(reload_prefixes) / sizeof(reload_prefixes[0]); i++) {
		if ((r = icmap_iter_init(&it, reload_prefixes[i])) < 0)
			goto fail_errno;
		while ((key = icmap_iter_next(live, &it, NULL, NULL, NULL)) != NULL) {
			char name[ICMAP_KEYNAME_MAXLEN + 1];

			if (icmap_get(fresh, key, NULL, NULL, NULL) == 0)
				continue;
			conf_strlcpy(name, key, sizeof(name));
			(void)icmap_delete(live, name);
		}
	}
	/* icmap_set of an identical value is a no-op: only real changes notify. */
	if ((r = copy_prefix(live, fresh, NULL)) < 0)
		goto fail_errno;
	icmap_free(checked);
	if (ret_tc)
		*ret_tc = tc;
	else
		conf_totem_config_clear(&tc);
	return 0;

fail_errno:
	err->exit_code = CONF_EXIT_CONFIG;
	snprintf(err->reason, sizeof(err->reason), "%s", strerror(-r));
	snprintf(err->msg, sizeof(err->msg), "reload: %s", err->reason);
fail:
	conf_totem_config_clear(&tc);
	icmap_free(checked);
	return r;
}

int conf_reload_file(struct icmap *live, const char *path, const struct totem_config *old_tc,
		     const struct conf_reload_args *args, struct totem_config *ret_tc,
		     struct conf_error *err)
{
	struct conf_src *src = NULL;
	struct icmap *fresh;
	int r;

	memset(err, 0, sizeof(*err));
	(void)icmap_set_uint8(live, "config.totemconfig_reload_in_progress", 1);
	fresh = icmap_new();
	if (!fresh)
		return -ENOMEM;
	/*
	 * corosync 3.1.7 returns at once when the file does not parse: the
	 * in-progress flag stays 1 and config.reload_status is not written.
	 * Kept as it is, since tools and services may look at both.
	 */
	r = conf_parse_file(fresh, path, &src, err);
	if (r < 0) {
		icmap_free(fresh);
		return -EINVAL;
	}
	r = conf_reload_apply(live, fresh, src, old_tc, args, ret_tc, err);
	(void)icmap_set_int32(live, "config.reload_status",
			      r == 0 ? CS_OK : r == -EINVAL ? CS_ERR_INVALID_PARAM : CS_ERR_NO_MEMORY);
	(void)icmap_set_uint8(live, "config.totemconfig_reload_in_progress", 0);
	(void)icmap_set_uint8(live, "config.reload_in_progress", 0);
	conf_src_free(src);
	icmap_free(fresh);
	return r < 0 ? (r == -EINVAL ? -EINVAL : r) : 0;
}
