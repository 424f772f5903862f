/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the totemsrp wire codec and engine input path.
 * One input = one datagram.  It is decoded by every decoder; an accepted
 * native-order datagram must re-encode to the same bytes; then it is fed to
 * a started single-node engine (and to one that formed its ring), which must
 * neither crash nor assert.  Corpus: test/fuzz/corpus/srp_wire/.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "totemsrp/srp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_send_token(void *ctx, uint32_t to, const void *buf, size_t len)
{
	(void)ctx; (void)to; (void)buf; (void)len;
	return 0;
}

static int fz_send_mcast(void *ctx, const void *buf, size_t len)
{
	(void)ctx; (void)buf; (void)len;
	return 0;
}

static void fz_deliver(void *ctx, uint32_t from, const void *msg, size_t len, bool swapped)
{
	(void)ctx; (void)from; (void)msg; (void)len; (void)swapped;
}

static void fz_confchg(void *ctx, const struct srp_confchg *chg)
{
	(void)ctx; (void)chg;
}

static int fz_store(void *ctx, uint64_t seq)
{
	(void)ctx; (void)seq;
	return 0;
}

static void roundtrip(const uint8_t *data, size_t size)
{
	static struct srp_join j;
	static struct srp_commit c;
	static uint8_t out[SRP_WIRE_COMMIT_MAX];
	struct srp_orf o;
	struct srp_mcast_hdr m;
	struct srp_merge_detect md;
	struct srp_hold_cancel hc;
	struct srp_hdr h;
	int len = -1;

	if (srp_wire_header_decode(data, size, &h) < 0 || h.swapped)
		return;
	switch (h.type) {
	case SRP_MSG_ORF_TOKEN:
		if (srp_wire_orf_decode(data, size, &o) == 0)
			len = srp_wire_orf_encode(&o, out, sizeof(out));
		break;
	case SRP_MSG_MCAST:
		if (srp_wire_mcast_decode(data, size, &m) == 0) {
			len = srp_wire_mcast_encode(&m, out, sizeof(out));
			if (len != 45 || m.body_len != size - 45)
				abort();
			size = 45;
		}
		break;
	case SRP_MSG_JOIN:
		if (srp_wire_join_decode(data, size, &j) == 0)
			len = srp_wire_join_encode(&j, out, sizeof(out));
		break;
	case SRP_MSG_COMMIT_TOKEN:
		if (srp_wire_commit_decode(data, size, &c) == 0)
			len = srp_wire_commit_encode(&c, out, sizeof(out));
		break;
	case SRP_MSG_MERGE_DETECT:
		if (srp_wire_merge_detect_decode(data, size, &md) == 0)
			len = srp_wire_merge_detect_encode(&md, out, sizeof(out));
		break;
	case SRP_MSG_TOKEN_HOLD_CANCEL:
		if (srp_wire_hold_cancel_decode(data, size, &hc) == 0)
			len = srp_wire_hold_cancel_encode(&hc, out, sizeof(out));
		break;
	}
	if (len >= 0 && ((size_t)len != size || memcmp(out, data, size) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srp_config cfg = {
		.nodeid = 1, .token_ms = 3000, .token_retransmit_ms = 714, .hold_ms = 561,
		.token_retransmits_before_loss_const = 4, .join_ms = 50, .consensus_ms = 3600,
		.merge_ms = 200, .fail_recv_const = 2500, .seqno_unchanged_const = 30,
		.max_network_delay_ms = 50, .window_size = 50, .max_messages = 17,
		.miss_count_const = 5, .net_mtu = 1400, .send_queue_max = 16,
	};
	struct srp_env env = {
		.send_token = fz_send_token, .send_mcast = fz_send_mcast,
		.deliver = fz_deliver, .confchg = fz_confchg, .ring_seq_store = fz_store,
	};
	struct srp *srp;
	uint64_t now = 1000;

	roundtrip(data, size);
	if (srp_create(&cfg, &env, now, &srp) < 0)
		return 0;
	srp_start(srp, now);
	(void)srp_receive(srp, now, data, size);
	srp_advance(srp, now + 5000);
	(void)srp_receive(srp, now + 5000, data, size);
	srp_advance(srp, now + 20000);
	srp_destroy(srp);
	return 0;
}
