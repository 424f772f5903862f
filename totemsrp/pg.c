/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totempg: the packing/fragmentation layer between services and totemsrp
 * (corosync v3.1.7 exec/totempg.c).  Owns the packing buffer, the fragment
 * id counter, per-sender reassembly in two contexts (normal, sync) and group
 * matching.  Does not own ordering or retransmission (totemsrp does).
 * Invariants: the sender emits the frames corosync 3.1.7 emits for the
 * same sends (including its cut rule, see pack_message()), except that a
 * message of at most pg_whole_max() bytes is never split; between calls
 * the packing buffer always leaves room for one more length and one byte;
 * every received length is checked before it is used; memory per sender is
 * capped at PG_MESSAGE_MAX + frame_max and at PG_SENDERS_MAX senders.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "totemsrp/pg.h"

#define PG_FRAME_HDR       8        /* version, type, fragmented, continuation, msg_count */
#define PG_FRAME_MIN       64
#define PG_FRAME_LIMIT     65545    /* keeps every per-frame length within a u16 */
#define PG_SENDERS_MAX     384      /* SRP_NODES_MAX: senders with reassembly state */
#define PG_ADMIT_SLACK     24       /* corosync divides by net_mtu - 24 for admission */
#define PG_WHOLE_MIN       512      /* pg_whole_max(): at least this, if a frame holds it */

struct pg_group {
	uint16_t len;
	char name[PG_GROUP_NAME_MAX];
};

/* Reassembly state of one sender in one context. */
struct pg_asm {
	uint32_t nodeid;
	uint8_t last_frag;   /* id the next frame's continuation must carry; 0 = none */
	bool discard;        /* the pending message lost a piece: drop the rest of it */
	size_t len;          /* bytes of the pending message held in buf */
	size_t cap;
	uint8_t *buf;
};

/* One set of reassembly states, sorted by nodeid. */
struct pg_ctx {
	struct pg_asm *v;
	size_t n;
};

struct pg {
	struct pg_env env;
	size_t frame_max;
	size_t packet_size;      /* data + lengths room of a frame: frame_max - 8 */
	size_t whole_max;        /* messages up to this size are never split */

	/* sender */
	uint8_t *pack;           /* data of the frame being filled */
	uint16_t *lens;          /* lengths of the messages in it */
	size_t lens_max;
	size_t fill;             /* bytes in pack */
	size_t count;            /* complete or continued messages in pack */
	uint8_t cont;            /* continuation id of the frame being filled */
	uint8_t next_frag;       /* next fragment id, 1..255 */

	/* receiver */
	struct pg_ctx ctx[2];    /* [0] normal, [1] sync */
	int active;
	size_t asm_max;          /* largest pending message */
	struct pg_group groups[PG_GROUPS_MAX];
	size_t groups_n;
	uint64_t dropped;
};

/* The pieces of one outgoing message: group header, group name, payload. */
struct pg_src {
	uint8_t hdr[4];
	const char *name;
	size_t name_len;
	const struct iovec *iov;
	size_t iovcnt;
	size_t total;            /* bytes of all pieces */
};

static const uint8_t *src_piece(const struct pg_src *s, size_t i, size_t *ret_len)
{
	if (i == 0) {
		*ret_len = sizeof(s->hdr);
		return s->hdr;
	}
	if (i == 1) {
		*ret_len = s->name_len;
		return (const uint8_t *)s->name;
	}
	*ret_len = s->iov[i - 2].iov_len;
	return s->iov[i - 2].iov_base;
}

static size_t src_last_nonempty(const struct pg_src *s)
{
	size_t i = s->iovcnt + 2, len;

	while (i-- > 1) {
		src_piece(s, i, &len);
		if (len)
			return i;
	}
	return 0;
}

static uint16_t ld16(const uint8_t *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? (uint16_t)((v >> 8) | (v << 8)) : v;
}

int pg_create(const struct pg_config *cfg, const struct pg_env *env, struct pg **ret_pg)
{
	struct pg *pg;
	int i;

	if (!cfg || !env || !ret_pg || !env->mcast || !env->space || !env->deliver)
		return -EINVAL;
	if (cfg->frame_max < PG_FRAME_MIN || cfg->frame_max > PG_FRAME_LIMIT)
		return -EINVAL;
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	pg->env = *env;
	pg->frame_max = cfg->frame_max;
	pg->packet_size = cfg->frame_max - PG_FRAME_HDR;
	/*
	 * An eighth of a frame (8 KiB with knet) or PG_WHOLE_MIN bytes, and
	 * never more than an empty frame takes whole (pack_message()).
	 */
	pg->whole_max = pg->packet_size / 8;
	if (pg->whole_max < PG_WHOLE_MIN)
		pg->whole_max = PG_WHOLE_MIN;
	if (pg->whole_max > pg->packet_size - 5)
		pg->whole_max = pg->packet_size - 5;
	pg->lens_max = pg->packet_size / 2 + 1;
	pg->next_frag = 1;
	pg->asm_max = PG_MESSAGE_MAX + cfg->frame_max;
	pg->pack = malloc(pg->packet_size);
	pg->lens = calloc(pg->lens_max, sizeof(*pg->lens));
	for (i = 0; i < 2; i++)
		pg->ctx[i].v = calloc(PG_SENDERS_MAX, sizeof(struct pg_asm));
	if (!pg->pack || !pg->lens || !pg->ctx[0].v || !pg->ctx[1].v) {
		pg_destroy(pg);
		return -ENOMEM;
	}
	*ret_pg = pg;
	return 0;
}

void pg_destroy(struct pg *pg)
{
	size_t i;
	int c;

	if (!pg)
		return;
	for (c = 0; c < 2; c++) {
		for (i = 0; i < pg->ctx[c].n; i++)
			free(pg->ctx[c].v[i].buf);
		free(pg->ctx[c].v);
	}
	free(pg->pack);
	free(pg->lens);
	free(pg);
}

/* ---- groups ---- */

static struct pg_group *group_find(struct pg *pg, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < pg->groups_n; i++)
		if (pg->groups[i].len == len && memcmp(pg->groups[i].name, name, len) == 0)
			return &pg->groups[i];
	return NULL;
}

int pg_join(struct pg *pg, const char *group, size_t group_len)
{
	struct pg_group *g;

	if (!pg || !group || group_len == 0 || group_len > PG_GROUP_NAME_MAX)
		return -EINVAL;
	if (group_find(pg, group, group_len))
		return -EEXIST;
	if (pg->groups_n == PG_GROUPS_MAX)
		return -ENOSPC;
	g = &pg->groups[pg->groups_n++];
	g->len = (uint16_t)group_len;
	memcpy(g->name, group, group_len);
	return 0;
}

int pg_leave(struct pg *pg, const char *group, size_t group_len)
{
	struct pg_group *g;

	if (!pg || !group || group_len == 0 || group_len > PG_GROUP_NAME_MAX)
		return -EINVAL;
	g = group_find(pg, group, group_len);
	if (!g)
		return -ENOENT;
	*g = pg->groups[--pg->groups_n];
	return 0;
}

/* ---- sending ---- */

static int frame_emit(struct pg *pg, uint8_t frag, uint8_t cont, size_t count,
		      const uint8_t *data, size_t data_len)
{
	uint8_t hdr[PG_FRAME_HDR] = { 0 };
	uint16_t n = (uint16_t)count;
	struct iovec iov[3];

	/* version and type stay 0 (i16 each) */
	hdr[4] = frag;
	hdr[5] = cont;
	memcpy(&hdr[6], &n, sizeof(n));
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = pg->lens;
	iov[1].iov_len = count * sizeof(uint16_t);
	iov[2].iov_base = (void *)data;
	iov[2].iov_len = data_len;
	return pg->env.mcast(pg->env.ctx, iov, 3);
}

/* Send the packing buffer as one frame (not fragmented) and empty it. */
static int pack_flush(struct pg *pg)
{
	int r = frame_emit(pg, 0, pg->cont, pg->count, pg->pack, pg->fill);

	if (r < 0)
		return r;
	pg->cont = 0;
	pg->count = 0;
	pg->fill = 0;
	return 0;
}

#if PG_SIM_PLANT != 1
/*
 * Would pack_message()'s loop split src (last: its last non-empty piece),
 * starting at fill with this budget?  It does when a piece before the last
 * ends within 2 bytes of the budget (the frame closes there, fragmented) or
 * when the last piece overruns it; a last piece that just fits closes the
 * frame whole.
 */
static bool whole_splits(const struct pg_src *src, size_t last, size_t fill, size_t budget)
{
	size_t last_len;

	src_piece(src, last, &last_len);
	return fill + src->total > budget || fill + src->total - last_len + 2 >= budget;
}
#endif

/*
 * The packing rule of corosync's mcast_msg(), restated.  Pieces are added in
 * order (empty ones skipped).  A piece goes into the buffer whole when its
 * FULL length (not what is left of it after a cut -- corosync's quirk, kept
 * for identical frames) plus the fill stays two bytes short of the budget;
 * adding a whole piece also resets the fragment id counter to 1.  Otherwise
 * as much as fits closes the frame, which is sent at once; it is marked
 * fragmented with the next id unless it ended the message exactly.
 * With emit false nothing is touched: the function only counts frames.
 * Returns the number of frames sent, or -errno from env->mcast (state is
 * unchanged if the first frame failed).
 */
static int pack_message(struct pg *pg, const struct pg_src *src, bool emit)
{
	size_t fill = pg->fill, count = pg->count, cur = 0;
	size_t budget = pg->packet_size - 2 * (count + 1);
	size_t last = src_last_nonempty(src), pieces = src->iovcnt + 2, i;
	uint8_t cont = pg->cont, next = pg->next_frag;
	int frames = 0, r;

	/*
	 * Where we differ from corosync: a message of at most whole_max bytes
	 * that does not fit whole in the frame being filled is not split; that
	 * frame is sent first, shorter (as at a token visit), and the message
	 * starts the next one.  A message in one frame is delivered whole or
	 * not at all, so a merge (pg_ring_merged()) can never cut it: not a
	 * CPG PROCJOIN, whose loss also lost every MCAST its process sent
	 * before the join was confirmed again (docs/compat.md, "Small messages
	 * are never cut").  Only a message the loop below would split is
	 * moved (whole_splits()), so frames stay corosync's otherwise.
	 */
#if PG_SIM_PLANT != 1
	if (count > 0 && src->total <= pg->whole_max && whole_splits(src, last, fill, budget)) {
		if (emit && (r = pack_flush(pg)) < 0)
			return r;
		frames++;
		fill = 0;
		count = 0;
		cont = 0;
		budget = pg->packet_size - 2;
	}
#endif
	for (i = 0; i < pieces; i++) {
		size_t plen, off = 0;
		const uint8_t *p = src_piece(src, i, &plen);

		while (off < plen) {
			size_t rem = plen - off, take;
			const uint8_t *data = pg->pack;
			uint8_t frag = 0;
			bool more;

			if (plen + fill + 2 < budget) {
				if (emit)
					memcpy(pg->pack + fill, p + off, rem);
				fill += rem;
				cur += rem;
				next = 1;
				break;
			}
			take = rem < budget - fill ? rem : budget - fill;
			if (emit) {
				if (fill == 0 && take == budget)
					data = p + off;   /* a whole frame of caller data: no copy */
				else
					memcpy(pg->pack + fill, p + off, take);
			}
			cur += take;
			more = i != last || off + take < plen;
			if (more) {
				if (next == 0)
					next = 1;
				frag = next++;
			}
			if (emit) {
				pg->lens[count] = (uint16_t)cur;
				r = frame_emit(pg, frag, cont, count + 1, data, fill + take);
				if (r < 0) {
					if (frames > 0) {
						/* Part of the message is out: start clean. */
						pg->fill = 0;
						pg->count = 0;
						pg->cont = 0;
						pg->next_frag = next;
					}
					return r;
				}
			}
			cont = more ? frag : 0;
			frames++;
			count = 0;
			fill = 0;
			cur = 0;
			budget = pg->packet_size - 2;
			off += take;
		}
	}
	if (emit) {
		if (cur) {
			pg->lens[count] = (uint16_t)cur;
			count++;
		}
		pg->fill = fill;
		pg->count = count;
		pg->cont = cont;
		pg->next_frag = next;
	}
	return frames;
}

/* corosync's byte_count_send_ok(): slots >= bytes / (net_mtu - 24) + 1 */
static bool admit_bytes(const struct pg *pg, size_t bytes, size_t space)
{
	return space >= bytes / (pg->frame_max - PG_ADMIT_SLACK) + 1;
}

bool pg_send_ok(const struct pg *pg, size_t len)
{
	size_t space, bytes, per_frame, bound;

	if (!pg || len > PG_MESSAGE_MAX)
		return false;
	space = pg->env.space(pg->env.ctx);
	/* Worst case of one group: the longest name. */
	bytes = 4 + PG_GROUP_NAME_MAX + len;
	if (!admit_bytes(pg, bytes + 2 * pg->count, space))
		return false;
	/* Every sent frame but one per piece (3 pieces) is full. */
	per_frame = pg->packet_size - 2 * (pg->count + 1);
	bound = (pg->fill + bytes) / per_frame + 3;
	return space >= bound;
}

int pg_mcast(struct pg *pg, const char *group, size_t group_len, const struct iovec *iov,
	     size_t iovcnt)
{
	struct pg_src src;
	size_t total = 0, i, space;
	uint16_t v;
	int frames;

	if (!pg || !group || group_len == 0 || group_len > PG_GROUP_NAME_MAX ||
	    (iovcnt && !iov))
		return -EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len && !iov[i].iov_base)
			return -EINVAL;
		if (iov[i].iov_len > PG_MESSAGE_MAX - total)
			return -EMSGSIZE;
		total += iov[i].iov_len;
	}
	v = 1;
	memcpy(&src.hdr[0], &v, 2);
	v = (uint16_t)group_len;
	memcpy(&src.hdr[2], &v, 2);
	src.name = group;
	src.name_len = group_len;
	src.iov = iov;
	src.iovcnt = iovcnt;
	total += sizeof(src.hdr) + group_len;
	src.total = total;

	space = pg->env.space(pg->env.ctx);
	if (!admit_bytes(pg, total + 2 * pg->count, space))
		return -EAGAIN;
	/* corosync would assert here; we refuse instead (see docs/compat.md) */
	frames = pack_message(pg, &src, false);
	if ((size_t)frames > space)
		return -EAGAIN;
	frames = pack_message(pg, &src, true);
	if (frames < 0)
		return frames;
	if (pg->count > 0 && pg->env.pending)
		pg->env.pending(pg->env.ctx);
	return 0;
}

void pg_token_received(struct pg *pg)
{
	if (!pg || pg->count == 0)
		return;
	if (pg->env.space(pg->env.ctx) == 0)
		return;
	(void)pack_flush(pg);   /* on failure it stays for the next visit */
}

/* ---- receiving ---- */

static struct pg_asm *asm_find(struct pg_ctx *c, uint32_t nodeid, size_t *ret_pos)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].nodeid < nodeid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ret_pos)
		*ret_pos = lo;
	return lo < c->n && c->v[lo].nodeid == nodeid ? &c->v[lo] : NULL;
}

static void asm_remove(struct pg_ctx *c, size_t pos)
{
	free(c->v[pos].buf);
	memmove(&c->v[pos], &c->v[pos + 1], (c->n - pos - 1) * sizeof(c->v[0]));
	c->n--;
}

/* The state of nodeid, created idle if absent; NULL when the table is full of busy senders. */
static struct pg_asm *asm_get(struct pg_ctx *c, uint32_t nodeid)
{
	struct pg_asm *a;
	size_t pos, i;

	a = asm_find(c, nodeid, &pos);
	if (a)
		return a;
	if (c->n == PG_SENDERS_MAX) {
		for (i = 0; i < c->n; i++)
			if (c->v[i].last_frag == 0)
				break;
		if (i == c->n)
			return NULL;
		asm_remove(c, i);
		asm_find(c, nodeid, &pos);
	}
	memmove(&c->v[pos + 1], &c->v[pos], (c->n - pos) * sizeof(c->v[0]));
	c->n++;
	a = &c->v[pos];
	memset(a, 0, sizeof(*a));
	a->nodeid = nodeid;
	return a;
}

static void asm_reset(struct pg_asm *a)
{
	a->last_frag = 0;
	a->discard = false;
	a->len = 0;
}

/* Append a piece of the pending message; on overflow the message is discarded. */
static void asm_append(struct pg *pg, struct pg_asm *a, const uint8_t *p, size_t n)
{
	if (a->discard)
		return;
	if (n > pg->asm_max - a->len) {
		a->discard = true;
		a->len = 0;
		pg->dropped++;
		return;
	}
	if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		uint8_t *nb;

		if (cap < a->len + n)
			cap = a->len + n;
		if (cap > pg->asm_max)
			cap = pg->asm_max;
		nb = realloc(a->buf, cap);
		if (!nb) {
			a->discard = true;
			a->len = 0;
			pg->dropped++;
			return;
		}
		a->buf = nb;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

/* One complete message: strip the group header and hand it up if joined. */
static void message_deliver(struct pg *pg, uint32_t from, const uint8_t *m, size_t len,
			    bool swap)
{
	size_t count, hdr, names = 0, i, off;

	if (len < 2)
		goto bad;
	count = ld16(m, swap);
	hdr = 2 + 2 * count;
	if (hdr > len)
		goto bad;
	for (i = 0; i < count; i++)
		names += ld16(m + 2 + 2 * i, swap);
	if (names > len - hdr)
		goto bad;
	off = hdr;
	for (i = 0; i < count; i++) {
		size_t glen = ld16(m + 2 + 2 * i, swap);

		if (group_find(pg, (const char *)m + off, glen)) {
			pg->env.deliver(pg->env.ctx, from, (const char *)m + off, glen,
					m + hdr + names, len - hdr - names, swap);
			return;
		}
		off += glen;
	}
	return;
bad:
	pg->dropped++;
}

int pg_deliver(struct pg *pg, uint32_t from_nodeid, const void *frame, size_t len,
	       bool foreign_endian)
{
	const uint8_t *f = frame;
	struct pg_ctx *c;
	struct pg_asm *a;
	size_t count, expect, k, first = 0;
	const uint8_t *data;
	uint8_t frag, cont;

	if (!pg || (!frame && len))
		return -EINVAL;
	if (len < PG_FRAME_HDR)
		goto bad;
	count = ld16(f + 6, foreign_endian);
	if (count == 0 || len < PG_FRAME_HDR + 2 * count)
		goto bad;
	expect = PG_FRAME_HDR + 2 * count;
	for (k = 0; k < count; k++)
		expect += ld16(f + PG_FRAME_HDR + 2 * k, foreign_endian);
	if (expect != len)
		goto bad;
	frag = f[4];
	cont = f[5];
	data = f + PG_FRAME_HDR + 2 * count;
	c = &pg->ctx[pg->active];
	a = asm_find(c, from_nodeid, NULL);

	if (cont != 0) {
		size_t l0 = ld16(f + PG_FRAME_HDR, foreign_endian);

		if (a && a->last_frag != 0 && a->last_frag == cont) {
			asm_append(pg, a, data, l0);
			if (count == 1 && frag != 0) {
				a->last_frag = frag;       /* a middle piece */
				return 0;
			}
			if (!a->discard)
				message_deliver(pg, from_nodeid, a->buf, a->len, foreign_endian);
			asm_reset(a);
		} else {
			/* The start of this message is lost (or belongs to another context). */
			pg->dropped++;
			if (count == 1 && frag != 0) {
				a = asm_get(c, from_nodeid);
				if (a) {
					a->len = 0;
					a->discard = true;
					a->last_frag = frag;
				}
				return 0;
			}
			if (a)
				asm_reset(a);
		}
		data += l0;
		first = 1;
	} else if (a && a->last_frag != 0) {
		/* The end of the pending message is lost. */
		pg->dropped++;
		asm_reset(a);
	}

	for (k = first; k < count; k++) {
		size_t l = ld16(f + PG_FRAME_HDR + 2 * k, foreign_endian);

		if (k == count - 1 && frag != 0) {
			a = asm_get(c, from_nodeid);
			if (!a) {
				pg->dropped++;
				return 0;
			}
			asm_reset(a);
			asm_append(pg, a, data, l);
			a->last_frag = frag;
			return 0;
		}
		message_deliver(pg, from_nodeid, data, l, foreign_endian);
		data += l;
	}
	return 0;
bad:
	pg->dropped++;
	return -EBADMSG;
}

/*
 * The packing buffer goes to totem first: its messages were accepted in
 * the old configuration.  Called from the TRANSITIONAL configuration, this
 * queues them behind the old configuration's frames; kept for the first
 * token of the new ring, they went through totem's transitional queue,
 * ahead of older frames still queued, and a client's later messages were
 * delivered before its earlier ones (and before its JOIN: dropped).
 * corosync v3.1.7 exec/totempg.c flushes at that first token (test/sim
 * seed 1771; docs/compat.md).
 */
void pg_confchg(struct pg *pg, const uint32_t *left, size_t left_count)
{
	size_t i, pos;
	int c;

	if (!pg)
		return;
	pg_token_received(pg);
	if (!left)
		return;
	for (i = 0; i < left_count; i++)
		for (c = 0; c < 2; c++)
			if (asm_find(&pg->ctx[c], left[i], &pos))
				asm_remove(&pg->ctx[c], pos);
}

/*
 * A message whose first fragments were delivered in the old ring and whose
 * rest comes in the new one can be assembled only by the members that were
 * in the old ring with its sender; a member that joined drops it.  When the
 * new ring merged members (joined not empty), everyone drops such messages,
 * so all members deliver the same ones.  corosync v3.1.7 exec/totempg.c
 * keeps the partial messages of senders that did not leave, and the
 * sender's old-ring members deliver what the joined ones drop
 * (docs/compat.md).  Returns true when one of them was own_nodeid's: a
 * message this node sent will never be delivered anywhere.
 */
bool pg_ring_merged(struct pg *pg, uint32_t own_nodeid)
{
	bool own = false;
	int c;

	if (!pg)
		return false;
	for (c = 0; c < 2; c++)
		while (pg->ctx[c].n) {
			const struct pg_asm *a = &pg->ctx[c].v[pg->ctx[c].n - 1];

			if (a->last_frag != 0) {
				pg->dropped++;
				if (a->nodeid == own_nodeid)
					own = true;
			}
			asm_remove(&pg->ctx[c], pg->ctx[c].n - 1);
		}
	return own;
}

void pg_sync_context(struct pg *pg, bool in_sync)
{
	if (pg)
		pg->active = in_sync ? 1 : 0;
}

uint64_t pg_dropped(const struct pg *pg)
{
	return pg ? pg->dropped : 0;
}

size_t pg_whole_max(const struct pg *pg)
{
	return pg ? pg->whole_max : 0;
}
