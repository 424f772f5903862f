/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wire types shared by the client libraries and the daemon (not installed).
 * Every member of an IPC struct sits in an 8-byte-aligned slot, as corosync
 * lays them out; include/corosync/wire_asserts.h pins sizes and offsets.
 */
#ifndef CHORUS_IPC_COMMON_H
#define CHORUS_IPC_COMMON_H

#include <stdint.h>
#include <string.h>
#include <qb/qbipc_common.h>

#define CHORUS_IPC_BUFFER_SIZE (8192 * 128)  /* what every client negotiates */

/** Key names on the cmap wire: value is NUL-padded, length excludes the NUL. */
typedef struct {
	uint16_t length __attribute__((aligned(8)));
	uint8_t value[256] __attribute__((aligned(8)));
} mar_name_t;

typedef uint64_t mar_size_t;

/** Copy a C string into a mar_name_t; -1 if it does not fit (>= 256 bytes). */
static inline int mar_name_set(mar_name_t *dst, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	memset(dst, 0, sizeof(*dst));
	if (len >= sizeof(dst->value))
		return -1;
	dst->length = (uint16_t)len;
	if (len)
		memcpy(dst->value, src, len);
	return 0;
}

#endif
