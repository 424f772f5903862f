/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Datagram fate decisions for the simulated network (see sim_net.h).  Every
 * random draw comes from the world's PRNG in a fixed order, so the fate of a
 * datagram depends only on the seed and on what was sent before it.
 */
#include "config.h"

#include <string.h>

#include "test/sim/sim_net.h"

void sim_net_init(struct sim_net *net, uint32_t nodes, const struct sim_net_options *opt,
		  struct sim_prng *prng)
{
	memset(net, 0, sizeof(*net));
	net->nodes = nodes;
	net->opt = *opt;
	net->prng = prng;
	net->lossy = true;
}

static uint64_t delay_draw(struct sim_net *net)
{
	return net->opt.delay_min_ms + sim_prng_exp(net->prng, net->opt.delay_mean_ms);
}

int sim_net_route(struct sim_net *net, uint32_t from, uint32_t to, uint64_t now_ms,
		  uint64_t ret_at[2], bool ret_held[2])
{
	int copies = 1;

	ret_held[0] = ret_held[1] = false;

	net->tx++;
	if (from == to) {
		ret_at[0] = now_ms;
		return 1;
	}
	if (net->blocked[from][to]) {
		net->rx_lost++;
		return 0;
	}
	if (net->lossy && sim_prng_chance(net->prng, net->opt.loss_ppm)) {
		net->rx_lost++;
		return 0;
	}
	ret_at[0] = now_ms + delay_draw(net);
	/* No draw without the fault: seeds without it replay as before. */
	if (net->lossy && net->opt.straggle_ppm && sim_prng_chance(net->prng, net->opt.straggle_ppm)) {
		ret_at[0] += sim_prng_range(net->prng, net->opt.straggle_lo_ms, net->opt.straggle_hi_ms);
		net->straggled++;
	}
	if (net->lossy && sim_prng_chance(net->prng, net->opt.dup_ppm)) {
		ret_at[1] = now_ms + delay_draw(net) + delay_draw(net);
		copies = 2;
		net->dup++;
	}
	for (int i = 0; i < copies; i++)
		if (net->clog_until[from][to] > now_ms && ret_at[i] < net->clog_until[from][to]) {
			ret_at[i] = net->clog_until[from][to] + (ret_at[i] - now_ms);
			ret_held[i] = true;
		}
	return copies;
}

void sim_net_partition(struct sim_net *net, enum sim_partition_kind kind, bool asymmetric,
		       bool ret_side[SIM_NET_NODES_MAX])
{
	bool side[SIM_NET_NODES_MAX] = { false };
	uint32_t n = net->nodes;

	if (kind == SIM_PARTITION_ISOLATE) {
		side[sim_prng_below(net->prng, n)] = true;
	} else {
		/* Fisher-Yates prefix of a permutation: k distinct nodes on side A. */
		uint32_t perm[SIM_NET_NODES_MAX];
		uint32_t k = (uint32_t)sim_prng_range(net->prng, 1, n - 1);

		for (uint32_t i = 0; i < n; i++)
			perm[i] = i;
		for (uint32_t i = 0; i < k; i++) {
			uint32_t j = i + (uint32_t)sim_prng_below(net->prng, n - i);
			uint32_t t = perm[i];

			perm[i] = perm[j];
			perm[j] = t;
			side[perm[i]] = true;
		}
	}
	for (uint32_t a = 0; a < n; a++) {
		for (uint32_t b = 0; b < n; b++) {
			net->blocked[a][b] = false;
			if (side[a] == side[b])
				continue;
			if (!asymmetric || side[a])
				net->blocked[a][b] = true;
		}
	}
	if (ret_side)
		memcpy(ret_side, side, sizeof(side));
}

void sim_net_unpartition(struct sim_net *net)
{
	memset(net->blocked, 0, sizeof(net->blocked));
}

void sim_net_clog(struct sim_net *net, uint32_t from, uint32_t to, uint64_t until_ms)
{
	if (from != to)
		net->clog_until[from][to] = until_ms;
}

void sim_net_unclog(struct sim_net *net, uint32_t from, uint32_t to)
{
	net->clog_until[from][to] = 0;
}

void sim_net_heal(struct sim_net *net)
{
	sim_net_unpartition(net);
	memset(net->clog_until, 0, sizeof(net->clog_until));
	net->lossy = false;
}

/* ---- foreign byte order --------------------------------------------------- */

/* Offsets and sizes of totemsrp/srp_wire.h (asserted there). */
#define W_HDR       13
#define W_ORF       57
#define W_RTR       16
#define W_MCAST     45
#define W_JOIN      33
#define W_COMMIT    41
#define W_ENTRY     24
#define W_MERGE     29
#define W_CANCEL    25
#define W_MAGIC     0xC070
#define W_MAGIC_SW  0x70C0

static void sw16_at(uint8_t *p)
{
	uint8_t t = p[0];

	p[0] = p[1];
	p[1] = t;
}

static void sw32_at(uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static void sw64_at(uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

/* A u32 read in the datagram's order (before the swap). */
static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static void sw_ring_id(uint8_t *p)
{
	sw32_at(p);
	sw64_at(p + 4);
}

static int swap_one(uint8_t *p, size_t len, int depth, sim_net_body_fn body, void *ctx)
{
	uint16_t magic;
	bool s;
	uint32_t n, m;

	if (len < W_HDR)
		return -1;
	memcpy(&magic, p, 2);
	if (magic != W_MAGIC && magic != W_MAGIC_SW)
		return -1;
	s = magic == W_MAGIC_SW;
	switch (p[3]) {
	case 0:         /* ORF token */
		if (len < W_ORF)
			return -1;
		n = rd32(p + 53, s);
		if (n > 64 || len != W_ORF + (size_t)n * W_RTR)
			return -1;
		for (size_t o = 13; o < 29; o += 4)
			sw32_at(p + o);
		sw_ring_id(p + 29);
		for (size_t o = 41; o < 57; o += 4)
			sw32_at(p + o);
		for (uint32_t i = 0; i < n; i++) {
			sw_ring_id(p + W_ORF + i * W_RTR);
			sw32_at(p + W_ORF + i * W_RTR + 12);
		}
		break;
	case 1:         /* MCAST */
		if (len < W_MCAST)
			return -1;
		if (p[4] == 1) {     /* encapsulated: the body is an MCAST of its own order */
			if (depth > 0 || swap_one(p + W_MCAST, len - W_MCAST, depth + 1, body, ctx) < 0)
				return -1;
		} else if (body && body(ctx, p + W_MCAST, len - W_MCAST) < 0) {
			return -1;
		}
		for (size_t o = 13; o < 25; o += 4)
			sw32_at(p + o);
		sw_ring_id(p + 25);
		sw32_at(p + 37);
		sw32_at(p + 41);
		break;
	case 2:         /* merge detect */
		if (len != W_MERGE)
			return -1;
		sw32_at(p + 13);
		sw_ring_id(p + 17);
		break;
	case 3:         /* JOIN */
		if (len < W_JOIN)
			return -1;
		n = rd32(p + 17, s);
		m = rd32(p + 21, s);
		if (n > 1024 || m > 1024 || len != W_JOIN + 4 * ((size_t)n + m))
			return -1;
		for (size_t o = 13; o < 25; o += 4)
			sw32_at(p + o);
		sw64_at(p + 25);
		for (uint32_t i = 0; i < n + m; i++)
			sw32_at(p + W_JOIN + 4 * i);
		break;
	case 4:         /* commit token: header, addr[n], entry[n] */
		if (len < W_COMMIT)
			return -1;
		n = rd32(p + 37, s);
		if (n > 1024 || len != W_COMMIT + (size_t)n * (4 + W_ENTRY))
			return -1;
		sw32_at(p + 13);
		sw_ring_id(p + 17);
		for (size_t o = 29; o < 41; o += 4)
			sw32_at(p + o);
		for (uint32_t i = 0; i < n; i++)
			sw32_at(p + W_COMMIT + 4 * i);
		for (uint32_t i = 0; i < n; i++) {
			uint8_t *e = p + W_COMMIT + 4 * (size_t)n + (size_t)i * W_ENTRY;

			sw_ring_id(e);
			sw32_at(e + 12);
			sw32_at(e + 16);
			sw32_at(e + 20);
		}
		break;
	case 5:         /* token hold cancel */
		if (len != W_CANCEL)
			return -1;
		sw_ring_id(p + 13);
		break;
	default:
		return -1;
	}
	sw16_at(p);             /* magic */
	sw32_at(p + 5);         /* nodeid */
	sw32_at(p + 9);         /* target_nodeid */
	return 0;
}

int sim_net_swap_datagram(void *buf, size_t len, sim_net_body_fn body, void *ctx)
{
	return swap_one(buf, len, 0, body, ctx);
}
