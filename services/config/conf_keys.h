/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The typed-key table and parser-level value checks of corosync.conf
 * (corosync v3.1.7 exec/coroparse.c), keyed by the parser's section state.
 * Internal to services/config.
 */
#ifndef CHORUS_SERVICES_CONF_KEYS_H
#define CHORUS_SERVICES_CONF_KEYS_H

#include <stddef.h>

#include "chorus/icmap.h"

/* Which section the parser is in; decides key types and checks. */
enum conf_state {
	CS_NORMAL = 0,
	CS_TOTEM,
	CS_INTERFACE,
	CS_MEMBER,
	CS_LOGGING,
	CS_LOGGER_SUBSYS,
	CS_LOGGING_DAEMON,
	CS_NODELIST,
	CS_NODE,
	CS_UIDGID,
	CS_QUORUM,
	CS_QDEVICE,
	CS_RESOURCES,
	CS_RES_POLL,     /* resources.{system,process}[.memory_used] */
	CS_SYSTEM,
	CS_PLOAD,
};

/**
 * Decide the type of `key` (the last path element) in `state` and check its
 * value.  On failure writes corosync's reason (naming shown_key for integer
 * errors) into reason and returns -EINVAL.
 */
int conf_check_key(enum conf_state state, const char *key, const char *shown_key,
		   const char *value, enum icmap_type *ret_type, char *reason, size_t reason_size);

/** Convert value (already checked) to type and store it. Returns icmap's result. */
int conf_store_value(struct icmap *map, const char *path, const char *value, enum icmap_type type);

/** Allowed knet crypto models and compression models (Debian's libknet). */
extern const char *const conf_crypto_models[];
extern const char *const conf_compress_models[];

#endif
