/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's only source of randomness: xoshiro256** seeded through
 * splitmix64.  Probabilities are integers in parts per million, never floats,
 * so a seed replays bit for bit on any host.  Owns no global state: every
 * world carries its own struct sim_prng.
 */
#ifndef CHORUS_SIM_PRNG_H
#define CHORUS_SIM_PRNG_H

#include <stdbool.h>
#include <stdint.h>

#define SIM_PPM 1000000u

struct sim_prng {
	uint64_t s[4];
};

void sim_prng_seed(struct sim_prng *p, uint64_t seed);
uint64_t sim_prng_next(struct sim_prng *p);
/** Uniform in [0, bound); bound 0 gives 0. */
uint64_t sim_prng_below(struct sim_prng *p, uint64_t bound);
/** Uniform in [lo, hi] (inclusive); lo > hi gives lo. */
uint64_t sim_prng_range(struct sim_prng *p, uint64_t lo, uint64_t hi);
/** True with probability ppm / 1e6. */
bool sim_prng_chance(struct sim_prng *p, uint32_t ppm);
/** Exponentially distributed integer with the given mean (integer-only approximation). */
uint64_t sim_prng_exp(struct sim_prng *p, uint64_t mean);
/** One step of splitmix64 (also a good 64-bit mixer for hashing tags). */
uint64_t sim_splitmix64(uint64_t *state);

#endif
