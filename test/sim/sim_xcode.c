/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The message-level transcoder of fault "foreign" (see sim_xcode.h).  The
 * field lists are written from corosync v3.1.7's layouts (pinned by the
 * static asserts of cpg_service/cpg_wire.h, services/sync.h and the
 * services' headers), not from
 * the services' to_host functions, so a field a service forgets to swap
 * shows as a wrong value at the receiver.  Counts are read before the swap
 * (the input is always in the simulating machine's order).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <corosync/cmap.h>
#include <corosync/ipc_cpg.h>

#include "cpg_service/cpg_wire.h"
#include "services/cfg/cfg_service.h"
#include "services/cmap/cmap_service.h"
#include "services/sync.h"
#include "services/votequorum/votequorum_service.h"
#include "test/sim/sim_xcode.h"

static void sw16(uint8_t *p, size_t len, size_t off)
{
	uint8_t t;

	if (off + 2 > len)
		return;
	t = p[off];
	p[off] = p[off + 1];
	p[off + 1] = t;
}

static void sw32(uint8_t *p, size_t len, size_t off)
{
	uint32_t v;

	if (off + 4 > len)
		return;
	memcpy(&v, p + off, 4);
	v = __builtin_bswap32(v);
	memcpy(p + off, &v, 4);
}

static void sw64(uint8_t *p, size_t len, size_t off)
{
	uint64_t v;

	if (off + 8 > len)
		return;
	memcpy(&v, p + off, 8);
	v = __builtin_bswap64(v);
	memcpy(p + off, &v, 8);
}

/* qb_ipc_request_header: id and size, i32 each in an 8-byte slot. */
static void sw_req_header(uint8_t *m, size_t len)
{
	sw32(m, len, offsetof(struct qb_ipc_request_header, id));
	sw32(m, len, offsetof(struct qb_ipc_request_header, size));
}

/* mar_cpg_name_t: the length is a u32, the value bytes are a string. */
static void sw_name(uint8_t *m, size_t len, size_t off)
{
	sw32(m, len, off + offsetof(mar_cpg_name_t, length));
}

static void sw_source(uint8_t *m, size_t len, size_t off)
{
	sw32(m, len, off + offsetof(mar_message_source_t, nodeid));
	sw64(m, len, off + offsetof(mar_message_source_t, conn));
}

/* exec/cpg.c's req_exec_cpg_* messages, corosync's service id 2. */
static int xcode_cpg(uint8_t *m, size_t len, uint32_t fn, const char **why)
{
	size_t off;

	switch (fn) {
	case MESSAGE_REQ_EXEC_CPG_PROCJOIN:
	case MESSAGE_REQ_EXEC_CPG_PROCLEAVE:
		sw_req_header(m, len);
		sw_name(m, len, offsetof(struct req_exec_cpg_procjoin, group_name));
		sw32(m, len, offsetof(struct req_exec_cpg_procjoin, pid));
		sw32(m, len, offsetof(struct req_exec_cpg_procjoin, reason));
		return 0;
	case MESSAGE_REQ_EXEC_CPG_JOINLIST:
		/* a response header (id, size, error), then join_list_entry[] */
		sw32(m, len, offsetof(struct qb_ipc_response_header, id));
		sw32(m, len, offsetof(struct qb_ipc_response_header, size));
		sw32(m, len, offsetof(struct qb_ipc_response_header, error));
		for (off = sizeof(struct req_exec_cpg_joinlist);
		     off + sizeof(struct join_list_entry) <= len; off += sizeof(struct join_list_entry)) {
			sw32(m, len, off + offsetof(struct join_list_entry, pid));
			sw_name(m, len, off + offsetof(struct join_list_entry, group_name));
		}
		return 0;
	case MESSAGE_REQ_EXEC_CPG_MCAST:
		sw_req_header(m, len);
		sw_name(m, len, offsetof(struct req_exec_cpg_mcast, group_name));
		sw32(m, len, offsetof(struct req_exec_cpg_mcast, msglen));
		sw32(m, len, offsetof(struct req_exec_cpg_mcast, pid));
		sw_source(m, len, offsetof(struct req_exec_cpg_mcast, source));
		return 0;   /* the payload is the application's bytes */
	case MESSAGE_REQ_EXEC_CPG_PARTIAL_MCAST:
		sw_req_header(m, len);
		sw_name(m, len, offsetof(struct req_exec_cpg_partial_mcast, group_name));
		sw32(m, len, offsetof(struct req_exec_cpg_partial_mcast, msglen));
		sw32(m, len, offsetof(struct req_exec_cpg_partial_mcast, fraglen));
		sw32(m, len, offsetof(struct req_exec_cpg_partial_mcast, pid));
		sw32(m, len, offsetof(struct req_exec_cpg_partial_mcast, type));
		sw_source(m, len, offsetof(struct req_exec_cpg_partial_mcast, source));
		return 0;
	case MESSAGE_REQ_EXEC_CPG_DOWNLIST_OLD:
		sw_req_header(m, len);
		sw32(m, len, offsetof(struct req_exec_cpg_downlist_old, left_nodes));
		for (off = offsetof(struct req_exec_cpg_downlist_old, nodeids); off + 4 <= len; off += 4)
			sw32(m, len, off);
		return 0;
	case MESSAGE_REQ_EXEC_CPG_DOWNLIST:
		sw_req_header(m, len);
		sw32(m, len, offsetof(struct req_exec_cpg_downlist, old_members));
		sw32(m, len, offsetof(struct req_exec_cpg_downlist, left_nodes));
		/* every slot of the array: unused ones are zero either way */
		for (off = offsetof(struct req_exec_cpg_downlist, nodeids);
		     off + 4 <= len && off < sizeof(struct req_exec_cpg_downlist); off += 4)
			sw32(m, len, off);
		return 0;
	default:
		*why = "a CPG exec message of unknown function";
		return -1;
	}
}

/*
 * exec/cmap.c req_exec_cmap_mcast (the config_version exchange): a head
 * with u8 fields (reason, no_items; nothing to swap), then no_items items,
 * each mar_name_t key_name (u16 length, then the name's bytes), u8
 * value_type, u64 value_len and the value, padded to a multiple of 8.  A
 * numeric value is in the sender's order (corosync's
 * exec_cmap_mcast_endian_convert swaps 16-, 32- and 64-bit integers, float
 * and double); strings and binary values are bytes.
 */
static int xcode_cmap(uint8_t *m, size_t len, uint32_t fn, const char **why)
{
	size_t off = sizeof(struct req_exec_cmap_mcast);
	unsigned items;

	if (fn != MESSAGE_REQ_EXEC_CMAP_MCAST || len < off) {
		*why = fn != MESSAGE_REQ_EXEC_CMAP_MCAST ? "a cmap exec message of unknown function"
							  : "a cmap exec message shorter than its head";
		return -1;
	}
	items = m[offsetof(struct req_exec_cmap_mcast, no_items)];
	sw_req_header(m, len);
	for (unsigned i = 0; i < items; i++) {
		struct req_exec_cmap_mcast_item item;
		size_t v = off + sizeof(item);

		if (len - off < sizeof(item)) {
			*why = "a cmap exec message shorter than its items";
			return -1;
		}
		memcpy(&item, m + off, sizeof(item));
		if (item.value_len > len - v) {
			*why = "a cmap exec message item longer than the message";
			return -1;
		}
		sw16(m, len, off + offsetof(struct req_exec_cmap_mcast_item, key_name) +
			     offsetof(mar_name_t, length));
		sw64(m, len, off + offsetof(struct req_exec_cmap_mcast_item, value_len));
		switch (item.value_type) {
		case CMAP_VALUETYPE_INT16:
		case CMAP_VALUETYPE_UINT16:
			sw16(m, len, v);
			break;
		case CMAP_VALUETYPE_INT32:
		case CMAP_VALUETYPE_UINT32:
		case CMAP_VALUETYPE_FLOAT:
			sw32(m, len, v);
			break;
		case CMAP_VALUETYPE_INT64:
		case CMAP_VALUETYPE_UINT64:
		case CMAP_VALUETYPE_DOUBLE:
			sw64(m, len, v);
			break;
		default:
			break;
		}
		off = v + ((item.value_len + 7) & ~(uint64_t)7);
	}
	return 0;
}

/*
 * exec/cfg.c's req_exec_cfg_* messages: RINGREENABLE and RELOAD_CONFIG
 * carry a mar_message_source_t, KILLNODE a u32 node id and a mar_name_t
 * reason, CRYPTO_RECONFIG a u32 phase, SHUTDOWN the header only.
 */
static int xcode_cfg(uint8_t *m, size_t len, uint32_t fn, const char **why)
{
	switch (fn) {
	case MESSAGE_REQ_EXEC_CFG_RINGREENABLE:
	case MESSAGE_REQ_EXEC_CFG_RELOAD_CONFIG:
		sw_req_header(m, len);
		sw_source(m, len, offsetof(struct req_exec_cfg_source, source));
		return 0;
	case MESSAGE_REQ_EXEC_CFG_KILLNODE:
		sw_req_header(m, len);
		sw32(m, len, offsetof(struct req_exec_cfg_killnode, nodeid));
		sw16(m, len, offsetof(struct req_exec_cfg_killnode, reason) + offsetof(mar_name_t, length));
		return 0;
	case MESSAGE_REQ_EXEC_CFG_SHUTDOWN:
		sw_req_header(m, len);
		return 0;
	case MESSAGE_REQ_EXEC_CFG_CRYPTO_RECONFIG:
		sw_req_header(m, len);
		sw32(m, len, offsetof(struct req_exec_cfg_crypto_reconfig, phase));
		return 0;
	default:
		*why = "a cfg exec message of unknown function";
		return -1;
	}
}

/*
 * exec/votequorum.c: req_exec_quorum_nodeinfo (u32 nodeid, votes,
 * expected_votes, flags), req_exec_quorum_reconfigure (u32 nodeid, value,
 * u8 param and padding), req_exec_quorum_qdevice_reg (u32 operation, the
 * name's bytes), req_exec_quorum_qdevice_reconfigure (two names: bytes).
 */
static int xcode_votequorum(uint8_t *m, size_t len, uint32_t fn, const char **why)
{
	switch (fn) {
	case VQ_EXEC_NODEINFO:
		sw_req_header(m, len);
		sw32(m, len, offsetof(struct vq_exec_nodeinfo, nodeid));
		sw32(m, len, offsetof(struct vq_exec_nodeinfo, votes));
		sw32(m, len, offsetof(struct vq_exec_nodeinfo, expected_votes));
		sw32(m, len, offsetof(struct vq_exec_nodeinfo, flags));
		return 0;
	case VQ_EXEC_RECONFIGURE:
		sw_req_header(m, len);
		sw32(m, len, offsetof(struct vq_exec_reconfigure, nodeid));
		sw32(m, len, offsetof(struct vq_exec_reconfigure, value));
		return 0;
	case VQ_EXEC_QDEVICE_REG:
		sw_req_header(m, len);
		sw32(m, len, offsetof(struct vq_exec_qdevice_reg, operation));
		return 0;
	case VQ_EXEC_QDEVICE_RECONFIGURE:
		sw_req_header(m, len);
		return 0;
	default:
		*why = "a votequorum exec message of unknown function";
		return -1;
	}
}

/* exec/sync.c: barrier and service build, in totempg group "sync". */
static int xcode_sync(uint8_t *m, size_t len, const char **why)
{
	int32_t id;

	if (len < sizeof(struct sync_msg_barrier)) {
		*why = "a sync message shorter than a barrier";
		return -1;
	}
	memcpy(&id, m + offsetof(struct qb_ipc_request_header, id), 4);
	sw_req_header(m, len);
	sw32(m, len, offsetof(struct sync_msg_barrier, ring_id) + offsetof(struct sync_ring_id, rep));
	sw64(m, len, offsetof(struct sync_msg_barrier, ring_id) + offsetof(struct sync_ring_id, seq));
	if (id == SYNC_MSG_BARRIER)
		return 0;
	if (id != SYNC_MSG_SERVICE_BUILD) {
		*why = "a sync message of unknown id";
		return -1;
	}
	sw32(m, len, offsetof(struct sync_msg_service_build, service_list_entries));
	for (size_t i = 0; i < SYNC_SERVICES_MAX; i++)
		sw32(m, len, offsetof(struct sync_msg_service_build, service_list) + 4 * i);
	return 0;
}

int sim_xcode_service(uint8_t *m, size_t len, bool sync_group, const char **why)
{
	int32_t id;

	if (sync_group)
		return xcode_sync(m, len, why);
	if (len < sizeof(struct qb_ipc_request_header)) {
		*why = "a service message shorter than its header";
		return -1;
	}
	memcpy(&id, m + offsetof(struct qb_ipc_request_header, id), 4);
	switch ((uint32_t)id >> 16) {
	case CMAP_SERVICE_ID:
		return xcode_cmap(m, len, (uint32_t)id & 0xffff, why);
	case CFG_SERVICE_ID:
		return xcode_cfg(m, len, (uint32_t)id & 0xffff, why);
	case CPG_SERVICE_ID:
		return xcode_cpg(m, len, (uint32_t)id & 0xffff, why);
	case VOTEQUORUM_SERVICE_ID:
		return xcode_votequorum(m, len, (uint32_t)id & 0xffff, why);
	default:
		break;
	}
	*why = "a message of a service the transcoder does not know";
	return -1;
}

/*
 * exec/totempg.c: a message starts with u16 group_len[0] = the number of
 * groups, u16 group_len[1..n] their name lengths, then the names (bytes).
 */
int sim_xcode_pg_message(uint8_t *m, size_t len, const char **why)
{
	uint16_t count, glen, names = 0;
	size_t hdr;
	bool sync_group;

	if (len < 2) {
		*why = "a totempg message without a group header";
		return -1;
	}
	memcpy(&count, m, 2);
	hdr = 2 + 2 * (size_t)count;
	if (count != 1 || hdr > len) {
		*why = "a totempg message not sent to one group";
		return -1;
	}
	memcpy(&glen, m + 2, 2);
	names = glen;
	if (names > len - hdr) {
		*why = "a totempg message shorter than its group names";
		return -1;
	}
	sync_group = glen == 4 && memcmp(m + hdr, "sync", 4) == 0;
	sw16(m, len, 0);
	sw16(m, len, 2);
	return sim_xcode_service(m + hdr + names, len - hdr - names, sync_group, why);
}

/*
 * struct totempg_mcast: i16 version, i16 type, u8 fragmented, u8
 * continuation, u16 msg_count, then u16 msg_len[msg_count].
 */
int sim_xcode_pg_frame_header(uint8_t *f, size_t len)
{
	uint16_t count;

	if (len < SIM_XCODE_PG_FRAME_HDR)
		return -1;
	memcpy(&count, f + 6, 2);
	if (len < SIM_XCODE_PG_FRAME_HDR + 2 * (size_t)count)
		return -1;
	sw16(f, len, 0);
	sw16(f, len, 2);
	sw16(f, len, 6);
	for (size_t k = 0; k < count; k++)
		sw16(f, len, SIM_XCODE_PG_FRAME_HDR + 2 * k);
	return 0;
}

/* ---- patches ---------------------------------------------------------------------- */

struct sim_xcode_run {
	uint32_t off, len;
};

struct sim_xcode_patch {
	size_t body_len;
	uint32_t runs;
	struct sim_xcode_run *run;
	uint8_t *bytes;             /* per run: its native bytes, then its other bytes */
};

/* Runs closer than this are merged (fewer, longer runs). */
#define RUN_GAP 8

struct sim_xcode_patch *sim_xcode_patch_make(const uint8_t *native, const uint8_t *other, size_t len)
{
	struct sim_xcode_patch *p = calloc(1, sizeof(*p));
	size_t i = 0, total = 0, cap = 0, o = 0;

	if (!p)
		abort();
	p->body_len = len;
	while (i < len) {
		size_t start, end;

		if (native[i] == other[i]) {
			i++;
			continue;
		}
		start = i;
		end = i + 1;
		for (i = end; i < len && i < end + RUN_GAP; i++)
			if (native[i] != other[i])
				end = i + 1;
		i = end;
		if (p->runs == cap) {
			cap = cap ? 2 * cap : 8;
			p->run = realloc(p->run, cap * sizeof(*p->run));
			if (!p->run)
				abort();
		}
		p->run[p->runs].off = (uint32_t)start;
		p->run[p->runs].len = (uint32_t)(end - start);
		p->runs++;
		total += end - start;
	}
	p->bytes = malloc(2 * total + 1);
	if (!p->bytes)
		abort();
	for (uint32_t r = 0; r < p->runs; r++) {
		memcpy(p->bytes + o, native + p->run[r].off, p->run[r].len);
		memcpy(p->bytes + o + p->run[r].len, other + p->run[r].off, p->run[r].len);
		o += 2 * (size_t)p->run[r].len;
	}
	return p;
}

int sim_xcode_patch_apply(const struct sim_xcode_patch *p, uint8_t *body, size_t len)
{
	size_t o = 0;

	if (len != p->body_len)
		return -1;
	for (uint32_t r = 0; r < p->runs; r++) {
		const uint8_t *nat = p->bytes + o, *oth = nat + p->run[r].len;
		uint8_t *at = body + p->run[r].off;

		if (memcmp(at, nat, p->run[r].len) == 0)
			memcpy(at, oth, p->run[r].len);
		else if (memcmp(at, oth, p->run[r].len) == 0)
			memcpy(at, nat, p->run[r].len);
		else
			return -1;
		o += 2 * (size_t)p->run[r].len;
	}
	return 0;
}

void sim_xcode_patch_free(struct sim_xcode_patch *p)
{
	if (!p)
		return;
	free(p->run);
	free(p->bytes);
	free(p);
}

/* ---- the store ------------------------------------------------------------------- */

struct sim_xcode_slot {
	uint32_t nodeid;
	uint64_t counter;           /* 0: empty (frame counters start at 1) */
	struct sim_xcode_patch *patch;
};

static size_t slot_hash(uint32_t nodeid, uint64_t counter, size_t cap)
{
	uint64_t h = counter * 0x9e3779b97f4a7c15ull ^ ((uint64_t)nodeid * 0xc2b2ae3d27d4eb4full);

	h ^= h >> 29;
	return (size_t)(h & (cap - 1));
}

static void store_insert(struct sim_xcode_slot *slots, size_t cap, const struct sim_xcode_slot *s)
{
	size_t i = slot_hash(s->nodeid, s->counter, cap);

	while (slots[i].counter != 0 && !(slots[i].counter == s->counter && slots[i].nodeid == s->nodeid))
		i = (i + 1) & (cap - 1);
	if (slots[i].counter != 0)
		sim_xcode_patch_free(slots[i].patch);
	slots[i] = *s;
}

void sim_xcode_store_put(struct sim_xcode_store *s, uint32_t nodeid, uint64_t counter,
			 struct sim_xcode_patch *p)
{
	struct sim_xcode_slot one = { .nodeid = nodeid, .counter = counter, .patch = p };

	if (counter == 0) {
		sim_xcode_patch_free(p);
		return;
	}
	if ((s->used + 1) * 2 > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		struct sim_xcode_slot *n = calloc(cap, sizeof(*n));

		if (!n)
			abort();
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i].counter != 0)
				store_insert(n, cap, &s->slots[i]);
		free(s->slots);
		s->slots = n;
		s->cap = cap;
	}
	if (!sim_xcode_store_get(s, nodeid, counter))
		s->used++;
	store_insert(s->slots, s->cap, &one);
}

const struct sim_xcode_patch *sim_xcode_store_get(const struct sim_xcode_store *s, uint32_t nodeid,
						  uint64_t counter)
{
	size_t i;

	if (!s->cap || counter == 0)
		return NULL;
	for (i = slot_hash(nodeid, counter, s->cap); s->slots[i].counter != 0; i = (i + 1) & (s->cap - 1))
		if (s->slots[i].counter == counter && s->slots[i].nodeid == nodeid)
			return s->slots[i].patch;
	return NULL;
}

void sim_xcode_store_free(struct sim_xcode_store *s)
{
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].counter != 0)
			sim_xcode_patch_free(s->slots[i].patch);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
