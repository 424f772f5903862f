/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Growable u64 vectors and u64 -> u64 hash maps for the simulator's
 * checkers (sim_check.c, sim_cpg_check.c).  Out of memory aborts: a checker
 * that cannot keep its model cannot judge.
 */
#ifndef CHORUS_SIM_TABLE_H
#define CHORUS_SIM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_vec {
	uint64_t *v;
	size_t n, cap;
};

struct sim_map {                /* open addressing; key 0 means empty (never used as a key) */
	uint64_t *keys;
	uint64_t *vals;
	size_t cap, count;
};

void *sim_xrealloc(void *p, size_t n);

void sim_vec_push(struct sim_vec *v, uint64_t x);
void sim_vec_free(struct sim_vec *v);

/** ret may be NULL (a membership test). */
bool sim_map_get(const struct sim_map *m, uint64_t k, uint64_t *ret);
void sim_map_put(struct sim_map *m, uint64_t k, uint64_t val);
void sim_map_free(struct sim_map *m);

#endif
