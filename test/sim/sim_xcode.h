/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The message-level half of the "foreign" transcoder (the srp half is
 * sim_net_swap_datagram): what a node of the other byte order puts inside
 * its MCASTs.  Layouts of corosync v3.1.7 (exec/totempg.c frame and group
 * headers, exec/sync.c, exec/cpg.c, exec/cmap.c, exec/cfg.c,
 * exec/votequorum.c); every integer field a big-endian
 * corosync would write in its order is swapped, names and payload bytes and
 * padding are not.  Nothing here draws from the PRNG.
 *
 * Why at the sender, before fragmentation: a totempg frame header is
 * self-contained, but a group header or a service message may be cut
 * anywhere by totempg's fragmentation (a u32 can straddle two frames), so a
 * frame cannot be transcoded alone.  The sending node transcodes each whole
 * message as it hands it to totempg (sim_xcode_pg_message) and keeps the
 * result as a shadow byte stream; each frame totempg emits takes the same
 * number of bytes from the shadow stream, which gives the frame as the
 * other-order node would have emitted it.  The difference between the two
 * frames is kept as a patch (sim_xcode_patch_*), keyed by the frame's
 * checker tag; the network applies it to the MCAST body of every datagram
 * that crosses between byte orders (an involution, so either direction).
 */
#ifndef CHORUS_SIM_XCODE_H
#define CHORUS_SIM_XCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_XCODE_PG_FRAME_HDR 8   /* exec/totempg.c struct totempg_mcast */

/*
 * One service message (after totempg's group header) from native order to
 * the other one, in place.  sync_group: the message was sent in totempg
 * group "sync" (exec/sync.c), else a service's exec message (group "a").
 * Returns 0, or -1 with *why set when the message has no known layout.
 */
int sim_xcode_service(uint8_t *m, size_t len, bool sync_group, const char **why);

/* A whole totempg message (group header, names, service message), in place. */
int sim_xcode_pg_message(uint8_t *m, size_t len, const char **why);

/* A totempg frame's header and length array (the first 8 + 2 x count bytes). */
int sim_xcode_pg_frame_header(uint8_t *f, size_t len);

/* The difference of two equally long frame bodies: runs of differing bytes. */
struct sim_xcode_patch;
struct sim_xcode_patch *sim_xcode_patch_make(const uint8_t *native, const uint8_t *other, size_t len);
/*
 * Swap a body between the two orders: each run that holds one side's bytes
 * gets the other's.  -1 when a run matches neither (the body is not the one
 * the patch was made for).
 */
int sim_xcode_patch_apply(const struct sim_xcode_patch *p, uint8_t *body, size_t len);
void sim_xcode_patch_free(struct sim_xcode_patch *p);

/* Patches by (sender nodeid, frame counter): open addressing, grows. */
struct sim_xcode_store {
	struct sim_xcode_slot *slots;
	size_t cap, used;
};
void sim_xcode_store_put(struct sim_xcode_store *s, uint32_t nodeid, uint64_t counter,
			 struct sim_xcode_patch *p);
const struct sim_xcode_patch *sim_xcode_store_get(const struct sim_xcode_store *s, uint32_t nodeid,
						  uint64_t counter);
void sim_xcode_store_free(struct sim_xcode_store *s);

#endif
