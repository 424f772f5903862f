/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for totempg (totemsrp/pg.c).  One input = byte 0 picks
 * the frame size, then records: op (u8), len (u16 LE), len bytes.  op bits:
 * 0-1 sender nodeid-1, 2 foreign endian, 3 toggle the sync context, 4 the
 * sender leaves first, 5 send the bytes with pg_mcast() instead and loop the
 * frames back (token visit included).  Corpus: test/fuzz/corpus/pg/.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "totemsrp/pg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct pg *pg;
	uint8_t frames[8][1500];
	size_t lens[8];
	size_t n;
	uint64_t sum;
};

static int fz_mcast(void *ctx, const struct iovec *iov, size_t iovcnt)
{
	struct fz *z = ctx;
	size_t i, len = 0;

	if (z->n == 8)
		return -11;
	for (i = 0; i < iovcnt; i++) {
		if (len + iov[i].iov_len > sizeof(z->frames[0]))
			return -90;
		memcpy(z->frames[z->n] + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	z->lens[z->n++] = len;
	return 0;
}

static size_t fz_space(void *ctx)
{
	struct fz *z = ctx;

	return 8 - z->n;
}

static void fz_deliver(void *ctx, uint32_t from, const char *group, size_t group_len,
		       const void *msg, size_t len, bool foreign_endian)
{
	struct fz *z = ctx;
	const uint8_t *m = msg;
	size_t i;

	/* Touch every byte so the sanitizers see any out-of-bounds view. */
	for (i = 0; i < group_len; i++)
		z->sum += (uint8_t)group[i];
	for (i = 0; i < len; i++)
		z->sum += m[i];
	z->sum += from + foreign_endian;
}

static void fz_loop_back(struct fz *z)
{
	size_t i;

	for (i = 0; i < z->n; i++)
		pg_deliver(z->pg, 9, z->frames[i], z->lens[i], false);
	z->n = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t frame_sizes[4] = { 64, 100, 1410, 1500 };
	struct fz z;
	struct pg_config cfg;
	struct pg_env env = { .mcast = fz_mcast, .space = fz_space, .deliver = fz_deliver };
	bool sync = false;
	size_t pos = 1;

	if (size < 1)
		return 0;
	memset(&z, 0, sizeof(z));
	env.ctx = &z;
	cfg.frame_max = frame_sizes[data[0] & 3];
	if (pg_create(&cfg, &env, &z.pg) < 0)
		return 0;
	pg_join(z.pg, "a", 1);
	pg_join(z.pg, "sync", 4);
	while (pos + 3 <= size) {
		uint8_t op = data[pos];
		size_t len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
		uint32_t from = (uint32_t)(op & 3) + 1;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		if (op & 8) {
			sync = !sync;
			pg_sync_context(z.pg, sync);
		}
		if (op & 0x10)
			pg_confchg(z.pg, &from, 1);
		if (op & 0x20) {
			struct iovec iov[2];
			size_t half = len / 2;

			iov[0].iov_base = (void *)(data + pos);
			iov[0].iov_len = half;
			iov[1].iov_base = (void *)(data + pos + half);
			iov[1].iov_len = len - half;
			pg_mcast(z.pg, (op & 0x40) ? "sync" : "a", (op & 0x40) ? 4 : 1, iov, 2);
			if (op & 0x80)
				pg_token_received(z.pg);
			fz_loop_back(&z);
		} else {
			/* an exact-size copy so reads past the frame are caught */
			uint8_t *frame = malloc(len ? len : 1);

			if (frame) {
				memcpy(frame, data + pos, len);
				pg_deliver(z.pg, from, frame, len, op & 4);
				free(frame);
			}
		}
		pos += len;
	}
	pg_token_received(z.pg);
	fz_loop_back(&z);
	pg_destroy(z.pg);
	return 0;
}
