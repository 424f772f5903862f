/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xoshiro256** (Blackman and Vigna, public domain algorithm) seeded by
 * splitmix64, plus the integer-only helpers the simulator draws from.  No
 * floating point anywhere, so results do not depend on the FPU or libm.
 */
#include "config.h"

#include "test/sim/sim_prng.h"

uint64_t sim_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void sim_prng_seed(struct sim_prng *p, uint64_t seed)
{
	uint64_t st = seed;

	for (int i = 0; i < 4; i++)
		p->s[i] = sim_splitmix64(&st);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_prng_next(struct sim_prng *p)
{
	uint64_t *s = p->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t sim_prng_below(struct sim_prng *p, uint64_t bound)
{
	uint64_t threshold, r;

	if (bound == 0)
		return 0;
	/* Rejection sampling: no modulo bias. */
	threshold = -bound % bound;
	do
		r = sim_prng_next(p);
	while (r < threshold);
	return r % bound;
}

uint64_t sim_prng_range(struct sim_prng *p, uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return lo;
	return lo + sim_prng_below(p, hi - lo + 1);
}

bool sim_prng_chance(struct sim_prng *p, uint32_t ppm)
{
	if (ppm == 0)
		return false;
	return sim_prng_below(p, SIM_PPM) < ppm;
}

uint64_t sim_prng_exp(struct sim_prng *p, uint64_t mean)
{
	/*
	 * Sum of a geometric number of uniform draws is awkward; instead use
	 * -ln(U) approximated by counting leading halvings plus a linear
	 * remainder, in fixed point (1/1024 units).  Good enough for delays.
	 */
	uint64_t u = sim_prng_next(p) | 1;
	uint64_t whole = 0, frac;

	while (!(u & (1ull << 63))) {
		u <<= 1;
		whole++;
	}
	/* u in [2^63, 2^64): -ln(u/2^64) ~ (2^64-u)/2^63 * ln2-ish; keep it simple. */
	frac = ((~u) >> 53) * 710 / 1024;              /* 0..709 in 1/1024 units */
	return (mean * (whole * 710 + frac)) / 1024;
}
