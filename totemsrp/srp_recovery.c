/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totemsrp RECOVERY and the return to OPERATIONAL (corosync v3.1.7
 * exec/totemsrp.c, memb_state_recovery_enter, memb_state_operational_enter): transitional membership, re-origination of old-ring messages
 * encapsulated in new-ring MCASTs, token loss in RECOVERY, and OPERATIONAL
 * entry with the old-ring deliveries and the TRANSITIONAL / REGULAR events.
 * Invariant: during RECOVERY the regular sort queue still holds the old
 * ring (window unchanged) and the recovery queue holds new-ring seqs 1...
 */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include "totemsrp/srp_int.h"

/*
 * Deviation from corosync, where every transitional member re-sends every
 * old-ring message above the lowest aru that it holds: N copies of each.
 * After a long partition the copies outgrow the recovery sort queue
 * (SRP_SORT_QUEUE_MAX seqs, freed only at OPERATIONAL entry), the senders
 * stop and RECOVERY never ends (test/sim soak seed 186687222218384: 10
 * members, ~1,600 old messages each).  Here a message at or below some
 * member's aru is re-sent only by the first such member in ring order (its
 * aru says it holds the message, and nothing above the lowest aru has been
 * freed); above every aru, each holder still re-sends it, unless a copy
 * from another member came in first (srp_mark_resent, srp_send_new): when
 * the members' arus all stop at one gap (a node whose messages reached only
 * its own side before a partition), every message above it is above every
 * aru, and N holders' copies of all of them again outgrew the recovery
 * window (test/sim seed 277: 9 members, RECOVERY stuck until the end).
 * Those messages also wait while a copy sent before my turn has not come in
 * (srp_mcast.c, resend_shared), since it may carry one of them: the token
 * overtook the copies sent just before it and the next member sent them
 * again (test/sim seed 171227518984771).  The members receive the same
 * union of old messages as before: a member skips a message only once
 * another member's copy of it is in the recovery queue, which every member
 * receives before RECOVERY ends.
 */
static bool resend_is_mine(const struct srp *srp, const struct srp_commit *ct, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < ct->addr_count; i++) {
		if (!srp_set_has(&srp->deliver_memb, ct->addr[i]) ||
		    !srp_ring_id_eq(&ct->entry[i].ring_id, &srp->my_old_ring_id))
			continue;
		if (srp_seq_lte(seq, ct->entry[i].aru))
			return ct->addr[i] == srp->my_id;
	}
	return true;
}

static void originate_old_messages(struct srp *srp, const struct srp_commit *ct, uint32_t low)
{
	uint32_t high = srp->old_ring_state_high_seq_received, seq;

	if (!srp_seq_lt(low, high))
		return;
	for (seq = low + 1; seq != high + 1; seq++) {
		struct srp_slot *s = srp_sq_get(srp->regular, seq);
		struct srp_mcast_hdr m;
		struct srp_buf *b;

		if (!s || s->encapsulated || !resend_is_mine(srp, ct, seq))
			continue;
		b = srp_buf_get(srp, SRP_WIRE_MCAST_SIZE + s->len);
		if (!b)
			continue;       /* the others may still have it */
		memset(&m, 0, sizeof(m));
		m.hdr.encapsulated = SRP_WIRE_ENCAPSULATED;
		m.hdr.nodeid = srp->my_id;
		m.system_from = srp->my_id;
		m.ring_id = srp->my_ring_id;
		(void)srp_wire_mcast_encode(&m, b->data, b->cap);
		memcpy(b->data + SRP_WIRE_MCAST_SIZE, s->buf->data, s->len);
		if (srp_fifo_push(&srp->retrans_q, b, SRP_WIRE_MCAST_SIZE + s->len) < 0) {
			srp_buf_put(srp, b);
			break;
		}
	}
}

void srp_recovery_enter(struct srp *srp, const struct srp_commit *ct)
{
	uint32_t i, low;
	bool local_received = true, resend;

	srp->discard_tokens = false;
	srp_sq_reset(srp, srp->recovery, SRP_SEQNO_START_MSG);
	srp_fifo_reset(srp, &srp->retrans_q);
	/* copies seen in an abandoned RECOVERY are gone with its queue */
	for (i = 0; i < SRP_SORT_QUEUE_MAX; i++)
		srp->regular->slot[i].resent = false;
	srp->my_token_seq = SRP_SEQNO_START_TOKEN - 1;

	srp->trans_memb.n = 0;
	for (i = 0; i < ct->addr_count; i++)
		if (srp_ring_id_eq(&ct->entry[i].ring_id, &srp->my_old_ring_id) &&
		    srp_set_has(&srp->memb, ct->addr[i]))
			(void)srp_set_add(&srp->trans_memb, ct->addr[i]);
	for (i = 0; i < ct->addr_count; i++) {
		if (srp_set_has(&srp->trans_memb, ct->addr[i]) && ct->entry[i].received_flg == 0) {
			srp->deliver_memb = srp->trans_memb;
			local_received = false;
			break;
		}
	}
	srp->my_received_flg = local_received;
	/* corosync leaves a stale deliver set when nobody missed anything; unused then. */
	srp->deliver_memb = srp->trans_memb;
	/*
	 * Deviation from corosync, which re-sends the old messages above its
	 * aru also when it is the only transitional member.  Only transitional
	 * members deliver old-ring messages, and I hold every message I would
	 * re-send, so the copies serve nobody; yet they are the whole backlog
	 * above my first gap, multicast to every node at once.  In a ragged
	 * partition a node's aru stops at a gap its side cannot fill while the
	 * old ring runs on (test/sim seed 196864835613181: left alone, 5,673
	 * old messages re-sent to 14 nodes in one ms, an event storm).
	 */
	resend = !local_received &&
		 !(srp->trans_memb.n == 1 && srp->trans_memb.id[0] == srp->my_id);
	if (resend) {
		low = srp->old_ring_state_high_seq_received;
		srp->resend_shared_after = srp->old_ring_state_aru;
		for (i = 0; i < ct->addr_count; i++) {
			if (!srp_set_has(&srp->deliver_memb, ct->addr[i]) ||
			    !srp_ring_id_eq(&ct->entry[i].ring_id, &srp->my_old_ring_id))
				continue;
			if (srp_seq_lt(ct->entry[i].aru, low))
				low = ct->entry[i].aru;
			if (srp_seq_lt(srp->resend_shared_after, ct->entry[i].aru))
				srp->resend_shared_after = ct->entry[i].aru;
		}
		/* Only what my old window can hold (an aru from input may be anything). */
		if (!srp_sq_in_range(srp->regular, low + 1) && low != srp->regular->base)
			low = srp->regular->base;
		originate_old_messages(srp, ct, low);
	}
	/*
	 * Deviation from corosync, which keeps proc/failed until OPERATIONAL
	 * entry: every new member agreed on this ring, so the sets of the
	 * gather that formed it are settled.  Kept, a stale failed set leaks
	 * into the JOINs sent when RECOVERY is abandoned (a member that already
	 * reached OPERATIONAL saw a foreign ring), peers adopt it, and two
	 * groups that fail each other keep re-forming apart forever.
	 */
	srp->proc = srp->new_memb;
	srp->failed.n = 0;
	srp->my_aru = SRP_SEQNO_START_MSG;
	srp->my_aru_count = 0;
	srp->my_seq_unchanged = 0;
	srp->my_high_seq_received = SRP_SEQNO_START_MSG;
	srp->my_install_seq = SRP_SEQNO_START_MSG;
	srp->my_retrans_flg_count = 0;
	srp->my_rotation_counter = 0;
	srp->my_set_retrans_flg = false;
	srp->my_last_aru = SRP_SEQNO_START_MSG;
	srp->t_token = srp_deadline(srp, srp->cfg.token_ms);
	srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
	srp->state = SRP_STATE_RECOVERY;
	srp->stats.recovery_entered++;
	if (srp->env.log) {
		char t[256];

		srp_log(srp, LOG_DEBUG, "entering RECOVERY: ring %u/%llu transitional %s%s",
			srp->my_ring_id.rep, (unsigned long long)srp->my_ring_id.seq,
			srp_set_str(&srp->trans_memb, t, sizeof(t)),
			resend ? ", re-sending old-ring messages" : "");
	}
	srp->stats.continuous_gather = 0;
}

void srp_recovery_token_loss(struct srp *srp)
{
	srp->my_aru = srp->old_ring_state_aru;
	srp->my_high_seq_received = srp->old_ring_state_high_seq_received;
	srp_fifo_reset(srp, &srp->retrans_q);
	srp_gather_enter(srp, SRP_GATHER_TOKEN_LOST_RECOVERY);
}

/* §2.13.11 step 1: old-ring messages carried by encapsulated copies. */
static void unwrap_recovered(struct srp *srp)
{
	uint32_t seq;

	for (seq = 1; srp_seq_lte(seq, srp->my_aru) && seq != 0; seq++) {
		struct srp_slot *s = srp_sq_get(srp->recovery, seq);
		struct srp_mcast_hdr inner;
		struct srp_buf *b;
		uint32_t ilen;

		if (!s || !s->encapsulated)
			continue;
		ilen = s->len - SRP_WIRE_MCAST_SIZE;
		if (srp_wire_mcast_decode(s->buf->data + SRP_WIRE_MCAST_SIZE, ilen, &inner) < 0 ||
		    inner.hdr.encapsulated != SRP_WIRE_NOT_ENCAPSULATED ||
		    !srp_ring_id_eq(&inner.ring_id, &srp->my_old_ring_id) ||
		    !srp_sq_in_range(srp->regular, inner.seq) ||
		    srp_sq_slot(srp->regular, inner.seq)->used)
			continue;
		b = srp_buf_get(srp, ilen);
		if (!b)
			continue;
		memcpy(b->data, s->buf->data + SRP_WIRE_MCAST_SIZE, ilen);
		srp_sq_put(srp->regular, inner.seq, b, ilen, inner.hdr.nodeid, inner.hdr.swapped,
			   false);
		if (srp_seq_lt(srp->old_ring_state_high_seq_received, inner.seq))
			srp->old_ring_state_high_seq_received = inner.seq;
	}
}

static void regular_confchg(struct srp *srp, const struct srp_set *joined)
{
	struct srp_confchg chg;

	memset(&chg, 0, sizeof(chg));
	chg.type = SRP_CONFCHG_REGULAR;
	chg.ring_id = srp->my_ring_id;
	chg.members = srp->memb.id;
	chg.members_count = srp->memb.n;
	chg.left = srp->left_memb.id;
	chg.left_count = 0;
	chg.joined = joined->id;
	chg.joined_count = joined->n;
	srp->env.confchg(srp->env.ctx, &chg);
}

#if SRP_SIM_PLANT == 5
/*
 * Planted bug 5: the old ring's messages after a gap from members that
 * left, which the transitional configuration skips, are delivered after the
 * REGULAR configuration instead of being dropped.
 */
static void plant5_deliver_skipped(struct srp *srp, uint32_t from, uint32_t end)
{
	for (uint32_t seq = from + 1; srp_seq_lte(seq, end) && srp_sq_in_range(srp->regular, seq);
	     seq++) {
		struct srp_slot *s = srp_sq_get(srp->regular, seq);

		if (s && !s->encapsulated && !srp_set_has(&srp->deliver_memb, s->from))
			srp->env.deliver(srp->env.ctx, s->from, s->buf->data + SRP_WIRE_MCAST_SIZE,
					 s->len - SRP_WIRE_MCAST_SIZE, s->swapped);
	}
}
#endif

/*
 * SRP_SIM_PLANT (test/sim/check-planted.sh): bugs planted in a dedicated
 * simulator binary only, to show that the simulator's EVS checkers catch them.
 */
void srp_operational_enter(struct srp *srp)
{
	struct srp_set joined;
	struct srp_confchg chg;
	struct srp_sq *tmp;
	uint32_t old_high;

	srp->old_ring_state_saved = false;
	unwrap_recovered(srp);
	old_high = srp->old_ring_state_high_seq_received;
	srp_deliver_to_app(srp, false, old_high);
#if SRP_SIM_PLANT == 5
	uint32_t p5_from = srp->my_high_delivered;
#endif

	srp_set_subtract(&srp->left_memb, &srp->memb, &srp->trans_memb);
	srp_set_subtract(&joined, &srp->new_memb, &srp->trans_memb);
	srp->memb = srp->new_memb;

#if SRP_SIM_PLANT == 1
	/* planted bug 1: the lowest transitional member delivers the old ring's
	 * messages after gaps in the regular configuration */
	if (srp->trans_memb.n > 1 && srp->my_id == srp->trans_memb.id[0])
		srp_deliver_to_app(srp, true, old_high);
#endif
	memset(&chg, 0, sizeof(chg));
	chg.type = SRP_CONFCHG_TRANSITIONAL;
	chg.ring_id = srp->my_ring_id;
	chg.members = srp->trans_memb.id;
	chg.members_count = srp->trans_memb.n;
	chg.left = srp->left_memb.id;
	chg.left_count = srp->left_memb.n;
	chg.joined = joined.id;         /* never NULL, even when empty */
	chg.joined_count = 0;
#if SRP_SIM_PLANT == 4
	/* planted bug 4: a joining node is listed in the transitional configuration */
	struct srp_set t_plant = srp->trans_memb;

	if (joined.n > 0 && srp->trans_memb.n > 0) {
		(void)srp_set_add(&t_plant, joined.id[joined.n - 1]);
		chg.members = t_plant.id;
		chg.members_count = t_plant.n;
	}
#endif
	srp->env.confchg(srp->env.ctx, &chg);
	srp->waiting_trans_ack = true;

#if SRP_SIM_PLANT == 2
	/* planted bug 2: the lowest transitional member drops the old ring's
	 * messages after gaps instead of delivering them */
	if (srp->trans_memb.n > 1 && srp->my_id == srp->trans_memb.id[0])
		srp->my_high_delivered = old_high;
#endif
	srp_deliver_to_app(srp, true, old_high);
#if SRP_SIM_PLANT == 5
	regular_confchg(srp, &joined);
	plant5_deliver_skipped(srp, p5_from, old_high);
#endif

	/* The recovery queue becomes the regular one; its copies count as delivered. */
	srp_sq_reset(srp, srp->regular, 0);
	tmp = srp->regular;
	srp->regular = srp->recovery;
	srp->recovery = tmp;
	if (srp_seq_lt(srp->my_high_seq_received, srp->my_aru))
		srp->my_high_seq_received = srp->my_aru;
	srp->my_aru = srp->my_high_seq_received;
	srp->my_high_delivered = srp->my_high_seq_received;
	srp_sq_release_to(srp, srp->regular, srp->my_high_delivered);
	srp->my_last_aru = SRP_SEQNO_START_MSG;
	srp->proc = srp->new_memb;
	srp->failed.n = 0;
	srp->failed_to_recv = false;
	srp->my_received_flg = true;
	srp->my_set_retrans_flg = false;
	srp->my_rotation_counter = 0;
	srp->my_retrans_flg_count = 0;
	srp_fifo_reset(srp, &srp->retrans_q);
	srp->my_old_ring_id = srp->my_ring_id;
	srp->state = SRP_STATE_OPERATIONAL;
	srp->recent_failed_until = srp->now + srp->cfg.merge_ms;
	srp->stats.operational_entered++;
	srp_log(srp, LOG_DEBUG, "entering OPERATIONAL: ring %u/%llu", srp->my_ring_id.rep,
		(unsigned long long)srp->my_ring_id.seq);
	srp->stats.continuous_gather = 0;

#if SRP_SIM_PLANT != 5
	regular_confchg(srp, &joined);
#endif
}
