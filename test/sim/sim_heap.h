/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's event queue: a binary min-heap of events keyed by
 * (at_ms, seq).  seq is assigned at push time from a counter, so events due
 * at the same virtual millisecond pop in push order, deterministically.
 * The heap owns no payload memory; callers free what they pop.
 */
#ifndef CHORUS_SIM_HEAP_H
#define CHORUS_SIM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_event {
	uint64_t at_ms;
	uint64_t seq;
	int kind;
	uint32_t node;
	uint32_t inc;
	uint64_t arg;
	uint64_t arg2;
	void *buf;
	size_t len;
	bool held;       /* a datagram whose arrival a clog or pause set (sim_world.c) */
};

struct sim_heap {
	struct sim_event **v;
	size_t n, cap;
	uint64_t next_seq;
};

/** Push ev (seq is assigned here).  0 or -ENOMEM. */
int sim_heap_push(struct sim_heap *h, struct sim_event *ev);
/** The earliest event or NULL when empty. */
struct sim_event *sim_heap_pop(struct sim_heap *h);
/** Frees the array only (events are the caller's). */
void sim_heap_fini(struct sim_heap *h);

#endif
