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
		  uint64_t ret_at[2])
{
	int copies = 1;

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
		if (net->clog_until[from][to] > now_ms && ret_at[i] < net->clog_until[from][to])
			ret_at[i] = net->clog_until[from][to] + (ret_at[i] - now_ms);
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
