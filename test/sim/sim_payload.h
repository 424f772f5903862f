/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's message bodies: a fill derived from a message's tag, and a
 * checksum, both eight bytes at a time.  Checking every delivered copy of
 * every body byte by byte took most of a seed's CPU time; word by word the
 * same check (every byte compared, every byte summed) costs a fraction.
 *
 * Byte i of a body (i counted from the start of the message; bodies start at
 * a multiple of 8) is byte i % 8, little-endian, of sim_fill_word(tag, i / 8).
 */
#ifndef CHORUS_SIM_PAYLOAD_H
#define CHORUS_SIM_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Eight fill bytes: a splitmix64 step on (tag, word index); salt keeps the
 * checkers' fills apart. */
static inline uint64_t sim_fill_word(uint64_t tag, uint64_t salt, size_t w)
{
	uint64_t x = tag * 0x9e3779b97f4a7c15ull + (uint64_t)w * salt;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

static inline uint64_t sim_le64(uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

/* Bytes [from, len) of b: the fill; from % 8 == 0. */
static inline void sim_fill(uint8_t *b, size_t from, size_t len, uint64_t tag, uint64_t salt)
{
	size_t i = from;

	for (; i + 8 <= len; i += 8) {
		uint64_t v = sim_le64(sim_fill_word(tag, salt, i / 8));

		memcpy(b + i, &v, 8);
	}
	if (i < len) {
		uint64_t v = sim_le64(sim_fill_word(tag, salt, i / 8));

		memcpy(b + i, &v, len - i);
	}
}

/* Whether bytes [from, len) of b are the fill; from % 8 == 0. */
static inline bool sim_fill_ok(const uint8_t *b, size_t from, size_t len, uint64_t tag,
			       uint64_t salt)
{
	uint64_t diff = 0;
	size_t i = from;

	for (; i + 8 <= len; i += 8) {
		uint64_t v;

		memcpy(&v, b + i, 8);
		diff |= v ^ sim_le64(sim_fill_word(tag, salt, i / 8));
	}
	if (i < len) {
		uint64_t f = sim_le64(sim_fill_word(tag, salt, i / 8));

		diff |= memcmp(b + i, &f, len - i) != 0;
	}
	return diff == 0;
}

/* One word into a lane: FNV-1a's xor and multiply carry a change only to
 * higher bits, so two flips of a word's top bit would cancel; the shift
 * brings high bits down again. */
static inline uint64_t sim_sum_step(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

/* A checksum of bytes [from, len) of b: FNV-1a over 64-bit words in four
 * interleaved lanes (word k goes to lane k % 4), the tail zero-padded, the
 * length mixed in, folded to 32 bits. */
static inline uint32_t sim_sum(const uint8_t *b, size_t from, size_t len)
{
	uint64_t h[4] = { 0xcbf29ce484222325ull ^ (uint64_t)(len - from), 0x84222325cbf29ce4ull,
			  0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull };
	size_t i = from;

	for (; i + 32 <= len; i += 32) {
		uint64_t v[4];

		memcpy(v, b + i, 32);
		h[0] = sim_sum_step(h[0], v[0]);
		h[1] = sim_sum_step(h[1], v[1]);
		h[2] = sim_sum_step(h[2], v[2]);
		h[3] = sim_sum_step(h[3], v[3]);
	}
	for (size_t k = 0; i < len; i += 8, k++) {
		uint64_t v = 0;

		memcpy(&v, b + i, len - i < 8 ? len - i : 8);
		h[k] = sim_sum_step(h[k], v);
	}
	h[0] = sim_sum_step(h[0], h[1]);
	h[0] = sim_sum_step(h[0], h[2]);
	h[0] = sim_sum_step(h[0], h[3]);
	return (uint32_t)(h[0] ^ (h[0] >> 32));
}

#endif
