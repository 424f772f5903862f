/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Binary heap of sim_event pointers ordered by (at_ms, seq); see sim_heap.h.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "test/sim/sim_heap.h"

static bool ev_less(const struct sim_event *a, const struct sim_event *b)
{
	return a->at_ms < b->at_ms || (a->at_ms == b->at_ms && a->seq < b->seq);
}

int sim_heap_push(struct sim_heap *h, struct sim_event *ev)
{
	size_t i;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct sim_event **v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	ev->seq = h->next_seq++;
	i = h->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ev_less(ev, h->v[parent]))
			break;
		h->v[i] = h->v[parent];
		i = parent;
	}
	h->v[i] = ev;
	return 0;
}

struct sim_event *sim_heap_pop(struct sim_heap *h)
{
	struct sim_event *top, *last;
	size_t i = 0;

	if (h->n == 0)
		return NULL;
	top = h->v[0];
	last = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct sim_event *best = last;

		if (l < h->n && ev_less(h->v[l], best)) {
			m = l;
			best = h->v[l];
		}
		if (r < h->n && ev_less(h->v[r], best))
			m = r;
		if (m == i)
			break;
		h->v[i] = h->v[m];
		i = m;
	}
	if (h->n > 0)
		h->v[i] = last;
	return top;
}

void sim_heap_fini(struct sim_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
