/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totemsrp ORF token (corosync v3.1.7 exec/totemsrp.c,
 * message_handler_orf_token): one visit of
 * the token in its spec order (merge/hold decision, free, duplicate drop,
 * flow control, retransmission, sends, aru, fail-to-receive, RECOVERY
 * counters, forward, deliver, timers), the initial token, retransmission of
 * the saved copy and TOKEN_HOLD_CANCEL.
 * Idle rings: the rep withholds the token once seq has not moved for
 * seqno_unchanged_const visits and lets the hold timer re-send it, so an
 * idle ring rotates once per `hold` ms instead of spinning.
 */
#include "config.h"

#include <string.h>

#include "totemsrp/srp_int.h"

static void token_send(struct srp *srp, struct srp_orf *token, bool forward)
{
	uint8_t buf[SRP_WIRE_ORF_MAX];
	int len;

	token->hdr.nodeid = srp->my_id;
	token->hdr.target_nodeid = srp->next_nodeid;
	token->hdr.encapsulated = 0;
	len = srp_wire_orf_encode(token, buf, sizeof(buf));
	assert(len > 0);
	srp_token_copy_save(srp, srp->next_nodeid, buf, (size_t)len);
	srp->token_withheld = !forward;
	if (!forward)
		return;
	srp->stats.orf_token_tx++;
	srp_out_token(srp, srp->next_nodeid, buf, (size_t)len);
}

void srp_orf_send_initial(struct srp *srp)
{
	struct srp_orf token;

	memset(&token, 0, sizeof(token));
	token.seq = SRP_SEQNO_START_MSG;
	token.token_seq = SRP_SEQNO_START_TOKEN;
	token.aru = SRP_SEQNO_START_MSG - 1;
	token.aru_addr = srp->my_id;
	token.ring_id = srp->my_ring_id;
	srp->my_set_retrans_flg = srp->retrans_q.count > 0;
	token.retrans_flg = srp->my_set_retrans_flg ? 1 : 0;
	token_send(srp, &token, true);
}

void srp_token_retransmit(struct srp *srp)
{
	if (srp->token_copy_len == 0)
		return;
	srp->token_withheld = false;
	srp_out_token(srp, srp->token_copy_to, srp->token_copy, srp->token_copy_len);
}

static uint32_t backlog_get(struct srp *srp)
{
	if (srp->state == SRP_STATE_OPERATIONAL)
		return (uint32_t)(srp->waiting_trans_ack ? srp->trans_q.count
				  : srp->new_q.count + srp->trans_q.count);
	if (srp->state == SRP_STATE_RECOVERY)
		return (uint32_t)srp->retrans_q.count;
	return 0;
}

static uint32_t fcc_calculate(struct srp *srp, const struct srp_orf *token)
{
	uint32_t allowed = srp->cfg.max_messages, denom;

	if (allowed > srp->cfg.window_size - token->fcc)
		allowed = srp->cfg.window_size - token->fcc;
	srp->my_cbl = backlog_get(srp);
	denom = token->backlog + srp->my_cbl - srp->my_pbl;
	if (denom != 0) {
		uint64_t x = (uint64_t)srp->cfg.window_size * srp->my_pbl / denom;

		srp->stats.avg_backlog_calc = (uint32_t)x;
		if (x > 0 && allowed > x)
			allowed = (uint32_t)x;
	}
	return allowed;
}

static void fcc_rtr_limit(struct srp *srp, const struct srp_orf *token, uint32_t *allowed)
{
	const struct srp_sq *sq = srp->state == SRP_STATE_RECOVERY ? srp->recovery : srp->regular;

	assert(*allowed + srp->cfg.window_size < SRP_SORT_QUEUE_MAX);
	if (srp_seq_lt(sq->base + SRP_SORT_QUEUE_MAX - *allowed - srp->cfg.window_size,
		       token->seq))
		*allowed = 0;
}

static void fcc_token_update(struct srp *srp, struct srp_orf *token, uint32_t sent)
{
	token->fcc += sent - srp->my_trc;
	token->backlog += srp->my_cbl - srp->my_pbl;
	srp->my_trc = sent;
	srp->my_pbl = srp->my_cbl;
}

/* §2.13.4 RECOVERY bookkeeping; may enter OPERATIONAL. */
static void recovery_counters(struct srp *srp, struct srp_orf *token)
{
	if (srp->retrans_q.count > 0) {
		if (token->retrans_flg == 0) {
			token->retrans_flg = 1;
			srp->my_set_retrans_flg = true;
		}
	} else if (token->retrans_flg == 1 && srp->my_set_retrans_flg) {
		token->retrans_flg = 0;
		srp->my_set_retrans_flg = false;
	}
	if (token->retrans_flg == 0)
		srp->my_retrans_flg_count++;
	else
		srp->my_retrans_flg_count = 0;
	if (srp->my_retrans_flg_count == 2)
		srp->my_install_seq = token->seq;
	if (srp->my_retrans_flg_count >= 2 && !srp->my_received_flg &&
	    srp_seq_lte(srp->my_install_seq, srp->my_aru)) {
		srp->my_received_flg = true;
		srp->deliver_memb = srp->trans_memb;
	}
	if (srp->my_retrans_flg_count >= 3 && srp_seq_lte(srp->my_install_seq, token->aru))
		srp->my_rotation_counter++;
	else
		srp->my_rotation_counter = 0;
	if (srp->my_rotation_counter == 2) {
		srp_operational_enter(srp);
		srp->my_rotation_counter = 0;
		srp->my_retrans_flg_count = 0;
	}
}

void srp_orf_receive(struct srp *srp, struct srp_orf *token)
{
	uint32_t allowed, retx, sent, last_aru, idle_after;
	bool forward = true, rep = srp->my_ring_id.rep == srp->my_id;

	assert(srp->state == SRP_STATE_OPERATIONAL || srp->state == SRP_STATE_RECOVERY);
	if (token->seq == srp->my_last_seq) {
		if (srp->t_merge == SRP_NEVER)
			srp->t_merge = srp_deadline(srp, srp->cfg.merge_ms);
		srp->my_seq_unchanged++;
	} else {
		srp->t_merge = SRP_NEVER;
		srp->t_hold = SRP_NEVER;
		srp->my_seq_unchanged = 0;
	}
	srp->my_last_seq = token->seq;

	/*
	 * Deviation from corosync, which holds the token only after
	 * seqno_unchanged_const (30) rotations without a new message and so
	 * keeps an idle ring busy after every message (21-28 % of a core per
	 * node at 100 msg/s, measured with the CPG benchmark).  Once the token says
	 * every member has everything (aru == seq, no retransmit request, no
	 * backlog) the ring is idle after SRP_IDLE_ROTATIONS quiet rotations;
	 * anything queued later cancels the hold (srp_mcast, srp_hold_cancel).
	 * While messages are missing somewhere, and in RECOVERY (where a
	 * held token would re-send the old ring's messages one `hold` period
	 * per rotation), corosync's patience applies.
	 */
	idle_after = srp->cfg.seqno_unchanged_const;
	if (srp->state == SRP_STATE_OPERATIONAL && token->aru == token->seq &&
	    token->rtr_count == 0 && token->backlog == 0 && idle_after > SRP_IDLE_ROTATIONS)
		idle_after = SRP_IDLE_ROTATIONS;
	srp->my_token_held = false;
	if (rep && srp->my_seq_unchanged > idle_after)
		srp->my_token_held = true;
	else if (!rep && srp->my_seq_unchanged >= idle_after)
		srp->my_token_held = true;
	if (rep && srp->my_token_held)
		forward = false;

	if (!srp_ring_id_eq(&token->ring_id, &srp->my_ring_id) ||
	    srp_seq_lte(token->token_seq, srp->my_token_seq)) {
		srp->stats.rx_msg_dropped++;
		return;
	}
	/* corosync frees before the ring check; a foreign token must not free ours. */
	if (srp->state == SRP_STATE_OPERATIONAL)
		srp_messages_free(srp, token->aru);

	if (srp->stats.last_token_rx_ms != 0) {
		uint64_t d = srp->now - srp->stats.last_token_rx_ms;

		srp->stats.mtt_rx_token = (uint32_t)((srp->stats.mtt_rx_token * 9ull + d) / 10);
	}
	srp->stats.last_token_rx_ms = srp->now;
	last_aru = srp->my_last_aru;
	srp->my_last_aru = token->aru;

	if (srp->env.token_received)
		srp->env.token_received(srp->env.ctx);

	allowed = fcc_calculate(srp, token);
	retx = srp_rtr_serve_and_request(srp, token, &allowed);
	if (srp->cfg.cancel_token_hold_on_retransmit && srp->my_token_held &&
	    (token->rtr_count > 0 || retx > 0)) {
		srp->my_token_held = false;
		forward = true;
	}
	fcc_rtr_limit(srp, token, &allowed);
	sent = srp_send_new(srp, token, allowed);
	/*
	 * Deviation from corosync: a ring of one withholds its token at the
	 * first visit that has nothing to do, not after SRP_IDLE_ROTATIONS
	 * quiet rotations.  Each rotation is a round trip through knet's
	 * loopback link (two thread hand-overs), and under load from local
	 * clients most rotations came back empty: the client had not been
	 * scheduled in between (1 node, 1 KiB flat out: ~3.6 rotations per
	 * frame sent).  The next message queued hands the token back at once
	 * (hold_reuse), so the first message waits no longer than before, and
	 * what the clients queue while it travels goes in that visit.  Not
	 * while messages wait that this visit could not send (flow control:
	 * with max_messages >= window_size a visit that sent a whole window
	 * leaves none to the next): the clients wait for room in the queue, so
	 * nothing would hand it back before the hold timer.  The merge timer
	 * is armed as an idle rotation would arm it.
	 */
	if (rep && forward && srp->memb.n == 1 && srp->state == SRP_STATE_OPERATIONAL &&
	    retx + sent == 0 && token->rtr_count == 0 && srp->my_aru == token->seq &&
	    srp->retrans_q.count == 0 && backlog_get(srp) == 0) {
		srp->my_token_held = true;
		forward = false;
		if (srp->t_merge == SRP_NEVER)
			srp->t_merge = srp_deadline(srp, srp->cfg.merge_ms);
		srp->stats.token_hold_single++;
	}
	fcc_token_update(srp, token, retx + sent);
	srp->stats.avg_token_workload = retx + sent;

	if (srp_seq_lt(srp->my_aru, token->aru) || token->aru_addr == srp->my_id ||
	    token->aru_addr == 0) {
		token->aru = srp->my_aru;
		token->aru_addr = token->aru == token->seq ? 0 : srp->my_id;
	}
	if (token->aru == last_aru && token->aru_addr != 0)
		srp->my_aru_count++;
	else
		srp->my_aru_count = 0;

	if (srp->my_aru_count > srp->cfg.fail_recv_const && token->aru_addr == srp->my_id) {
		/* Self-exclusion, as corosync does (§2.13.6). */
		(void)srp_set_add(&srp->failed, srp->my_id);
		srp->failed_to_recv = true;
		srp_gather_enter(srp, SRP_GATHER_FAILED_TO_RECEIVE);
		return;
	}
	srp->my_token_seq = token->token_seq;
	token->token_seq++;
	if (srp->state == SRP_STATE_RECOVERY)
		recovery_counters(srp, token);
	if (!forward)
		srp->withheld_last_aru = last_aru;
	token_send(srp, token, forward);
	if (srp->state == SRP_STATE_OPERATIONAL)
		srp_deliver_to_app(srp, false, srp->my_high_seq_received);
	srp->t_token = srp_deadline(srp, srp->cfg.token_ms);
	srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
	if (rep && srp->my_token_held)
		srp->t_hold = srp_deadline(srp, srp->cfg.hold_ms);
}

/*
 * Deviation from corosync: the rep that withholds the idle ring's token and
 * now has something to send does not multicast a hold cancel (which comes
 * back to it over knet's loopback link and makes it pass the token on, so
 * its message leaves only when the token has gone once round the ring).  It
 * hands the withheld token to itself instead: the same token, sent to its
 * own node id (knet's loopback link; nothing goes on the wire), received
 * like any token with the message waiting in new_q.  No other node has seen
 * that token (token_withheld: it was neither forwarded nor retransmitted
 * since), so the ring still has one token, and the next nodes see its
 * token_seq grow by two instead of one, which they accept (only a token_seq
 * at or below the last one is a duplicate).  A retransmission of it goes to
 * this node too and is dropped there as a duplicate once the token has been
 * processed.  Measured with the CPG benchmark (3 nodes, 100 msg/s from the
 * rep): send -> own delivery p50 about 700 us before, 230-390 us after (docs/compat.md).
 */
static bool hold_reuse(struct srp *srp)
{
	if (!srp->token_withheld || srp->state != SRP_STATE_OPERATIONAL ||
	    srp->my_ring_id.rep != srp->my_id)
		return false;
	/* The copy goes to me now: the transport routes by this id and writes
	 * it into the header's target_nodeid (transport_knet.c, tknet_send). */
	srp->token_copy_to = srp->my_id;
	/*
	 * My next visit is not a rotation: no other node has seen the token
	 * since my last one.  messages_free() frees up to min(token aru, aru
	 * at my previous visit) on the premise that every member saw the
	 * token in between and lowered its aru if it lacked a message; the
	 * held visit's aru may have just been raised by the aru_addr node
	 * right before me, above a member that still misses a message
	 * (test/sim seed 241940271334246: the rep freed seq 903 that node 289
	 * lacked, and RECOVERY then left it to the rep to re-send it).  The
	 * next visit compares with the aru of the visit before the held one.
	 */
	srp->my_last_aru = srp->withheld_last_aru;
	srp->my_seq_unchanged = 0;
	srp->t_hold = SRP_NEVER;
	srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
	srp->stats.token_hold_reuse++;
	srp_token_retransmit(srp);
	return true;
}

void srp_hold_cancel_send(struct srp *srp)
{
	struct srp_hold_cancel hc;
	int len;

	if (!srp->my_token_held)
		return;
	srp->my_token_held = false;
	if (hold_reuse(srp))
		return;
	memset(&hc, 0, sizeof(hc));
	hc.hdr.nodeid = srp->my_id;
	hc.ring_id = srp->my_ring_id;
	len = srp_wire_hold_cancel_encode(&hc, srp->txbuf, sizeof(srp->txbuf));
	assert(len > 0);
	srp->stats.token_hold_cancel_tx++;
	srp_out_mcast(srp, srp->txbuf, (size_t)len);
}

void srp_hold_cancel_receive(struct srp *srp, const struct srp_hold_cancel *hc)
{
	if (!srp_ring_id_eq(&hc->ring_id, &srp->my_ring_id))
		return;
	srp->my_seq_unchanged = 0;
	if (srp->my_ring_id.rep == srp->my_id && srp->state != SRP_STATE_GATHER) {
		srp->t_hold = SRP_NEVER;
		srp_token_retransmit(srp);
		srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
	}
}
