/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Containers of the totemsrp engine: sorted nodeid sets, the message buffer
 * free list, the sort-queue window and bounded FIFOs.  Nothing here knows
 * the protocol.  Invariants: sets are sorted without duplicates and never
 * exceed SRP_NODES_MAX; a sort-queue slot is used only for a seq inside the
 * window (base, base + SRP_SORT_QUEUE_MAX); a buffer has exactly one owner.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "totemsrp/srp_int.h"

static size_t set_find(const struct srp_set *s, uint32_t id, bool *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->n && s->id[lo] == id;
	return lo;
}

bool srp_set_has(const struct srp_set *s, uint32_t id)
{
	bool found;

	(void)set_find(s, id, &found);
	return found;
}

int srp_set_add(struct srp_set *s, uint32_t id)
{
	bool found;
	size_t pos = set_find(s, id, &found);

	if (found)
		return 0;
	if (s->n >= SRP_NODES_MAX)
		return -ENOSPC;
	memmove(&s->id[pos + 1], &s->id[pos], (s->n - pos) * sizeof(s->id[0]));
	s->id[pos] = id;
	s->n++;
	return 0;
}

void srp_set_remove(struct srp_set *s, uint32_t id)
{
	bool found;
	size_t pos = set_find(s, id, &found);

	if (!found)
		return;
	memmove(&s->id[pos], &s->id[pos + 1], (s->n - pos - 1) * sizeof(s->id[0]));
	s->n--;
}

int srp_set_merge(struct srp_set *dst, const struct srp_set *src)
{
	uint32_t i;
	int r = 0;

	for (i = 0; i < src->n; i++)
		if (srp_set_add(dst, src->id[i]) < 0)
			r = -ENOSPC;
	return r;
}

void srp_set_from_list(struct srp_set *s, const uint32_t *list, uint32_t n)
{
	uint32_t i;

	assert(n <= SRP_NODES_MAX);
	s->n = 0;
	for (i = 0; i < n; i++)
		(void)srp_set_add(s, list[i]);
}

bool srp_set_equal(const struct srp_set *a, const struct srp_set *b)
{
	return a->n == b->n && memcmp(a->id, b->id, a->n * sizeof(a->id[0])) == 0;
}

bool srp_set_subset(const struct srp_set *a, const struct srp_set *b)
{
	uint32_t i;

	for (i = 0; i < a->n; i++)
		if (!srp_set_has(b, a->id[i]))
			return false;
	return true;
}

void srp_set_subtract(struct srp_set *out, const struct srp_set *a, const struct srp_set *b)
{
	uint32_t i;

	assert(out != a && out != b);
	out->n = 0;
	for (i = 0; i < a->n; i++)
		if (!srp_set_has(b, a->id[i]))
			out->id[out->n++] = a->id[i];
}

struct srp_buf *srp_buf_get(struct srp *srp, size_t size)
{
	struct srp_buf *b = srp->pool;

	if (b) {
		srp->pool = b->next;
		srp->pool_count--;
		if (b->cap < size) {
			struct srp_buf *nb = realloc(b, sizeof(*b) + size);

			if (!nb) {
				free(b);
				return NULL;
			}
			b = nb;
			b->cap = size;
		}
	} else {
		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->cap = size;
	}
	b->next = NULL;
	return b;
}

void srp_buf_put(struct srp *srp, struct srp_buf *buf)
{
	if (!buf)
		return;
	if (srp->pool_count >= SRP_POOL_KEEP) {
		free(buf);
		return;
	}
	buf->next = srp->pool;
	srp->pool = buf;
	srp->pool_count++;
}

void srp_pool_free(struct srp *srp)
{
	while (srp->pool) {
		struct srp_buf *b = srp->pool;

		srp->pool = b->next;
		free(b);
	}
	srp->pool_count = 0;
}

int srp_sq_init(struct srp_sq *sq)
{
	sq->slot = calloc(SRP_SORT_QUEUE_MAX, sizeof(sq->slot[0]));
	sq->base = SRP_SEQNO_START_MSG;
	return sq->slot ? 0 : -ENOMEM;
}

void srp_sq_reset(struct srp *srp, struct srp_sq *sq, uint32_t base)
{
	size_t i;

	for (i = 0; i < SRP_SORT_QUEUE_MAX; i++) {
		if (sq->slot[i].used)
			srp_buf_put(srp, sq->slot[i].buf);
		memset(&sq->slot[i], 0, sizeof(sq->slot[i]));
	}
	sq->base = base;
}

void srp_sq_free(struct srp *srp, struct srp_sq *sq)
{
	if (!sq->slot)
		return;
	srp_sq_reset(srp, sq, 0);
	free(sq->slot);
	sq->slot = NULL;
}

bool srp_sq_in_range(const struct srp_sq *sq, uint32_t seq)
{
	uint32_t d = seq - sq->base;

	return d >= 1 && d < SRP_SORT_QUEUE_MAX;
}

struct srp_slot *srp_sq_slot(struct srp_sq *sq, uint32_t seq)
{
	assert(srp_sq_in_range(sq, seq));
	return &sq->slot[seq % SRP_SORT_QUEUE_MAX];
}

struct srp_slot *srp_sq_get(struct srp_sq *sq, uint32_t seq)
{
	struct srp_slot *s;

	if (!srp_sq_in_range(sq, seq))
		return NULL;
	s = &sq->slot[seq % SRP_SORT_QUEUE_MAX];
	return s->used && s->seq == seq ? s : NULL;
}

void srp_sq_put(struct srp_sq *sq, uint32_t seq, struct srp_buf *buf, uint32_t len,
		uint32_t from, bool swapped, bool encapsulated)
{
	struct srp_slot *s = srp_sq_slot(sq, seq);

	assert(!s->used);
	s->buf = buf;
	s->len = len;
	s->seq = seq;
	s->from = from;
	s->miss = 0;
	s->used = true;
	s->swapped = swapped;
	s->encapsulated = encapsulated;
	s->resent = false;
}

void srp_sq_release_to(struct srp *srp, struct srp_sq *sq, uint32_t upto)
{
	uint32_t range = upto - sq->base, i;

	assert(range < SRP_SORT_QUEUE_MAX);
	for (i = 1; i <= range; i++) {
		struct srp_slot *s = &sq->slot[(sq->base + i) % SRP_SORT_QUEUE_MAX];

		if (s->used)
			srp_buf_put(srp, s->buf);
		memset(s, 0, sizeof(*s));
	}
	sq->base = upto;
}

int srp_fifo_init(struct srp_fifo *f, size_t cap)
{
	f->item = calloc(cap ? cap : 1, sizeof(f->item[0]));
	f->cap = cap;
	f->head = f->count = 0;
	return f->item ? 0 : -ENOMEM;
}

void srp_fifo_reset(struct srp *srp, struct srp_fifo *f)
{
	struct srp_fifo_item it;

	while (srp_fifo_pop(f, &it))
		srp_buf_put(srp, it.buf);
	f->head = 0;
}

void srp_fifo_free(struct srp *srp, struct srp_fifo *f)
{
	if (!f->item)
		return;
	srp_fifo_reset(srp, f);
	free(f->item);
	f->item = NULL;
}

int srp_fifo_push(struct srp_fifo *f, struct srp_buf *buf, uint32_t len)
{
	if (f->count >= f->cap)
		return -EAGAIN;
	f->item[(f->head + f->count) % f->cap].buf = buf;
	f->item[(f->head + f->count) % f->cap].len = len;
	f->count++;
	return 0;
}

bool srp_fifo_pop(struct srp_fifo *f, struct srp_fifo_item *ret)
{
	if (f->count == 0)
		return false;
	*ret = f->item[f->head];
	f->head = (f->head + 1) % f->cap;
	f->count--;
	return true;
}
