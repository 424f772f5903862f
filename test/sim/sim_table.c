/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Vectors and hash maps of the simulator's checkers (sim_table.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/sim/sim_prng.h"
#include "test/sim/sim_table.h"

void *sim_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("simulator: out of memory\n", stderr);
		abort();
	}
	return q;
}

void sim_vec_push(struct sim_vec *v, uint64_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = sim_xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	v->v[v->n++] = x;
}

void sim_vec_free(struct sim_vec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

static size_t map_slot(const struct sim_map *m, uint64_t k)
{
	uint64_t h = k;

	return (size_t)sim_splitmix64(&h) & (m->cap - 1);
}

bool sim_map_get(const struct sim_map *m, uint64_t k, uint64_t *ret)
{
	if (m->cap == 0)
		return false;
	for (size_t i = map_slot(m, k); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == k) {
			if (ret)
				*ret = m->vals[i];
			return true;
		}
	return false;
}

static void map_grow(struct sim_map *m)
{
	struct sim_map old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->count = 0;
	m->keys = sim_xrealloc(NULL, m->cap * sizeof(*m->keys));
	m->vals = sim_xrealloc(NULL, m->cap * sizeof(*m->vals));
	memset(m->keys, 0, m->cap * sizeof(*m->keys));
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i])
			sim_map_put(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

void sim_map_put(struct sim_map *m, uint64_t k, uint64_t val)
{
	size_t i;

	if ((m->count + 1) * 2 > m->cap)
		map_grow(m);
	for (i = map_slot(m, k); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == k) {
			m->vals[i] = val;
			return;
		}
	m->keys[i] = k;
	m->vals[i] = val;
	m->count++;
}

void sim_map_free(struct sim_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
