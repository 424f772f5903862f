/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totemsrp ordered messages (corosync v3.1.7 exec/totemsrp.c,
 * message_handler_mcast, messages_deliver_to_app): MCAST
 * reception into the sort queues, aru, agreed-order delivery, freeing by
 * the ring aru, retransmission service and requests, and new sends on the
 * token.  Invariant: a message is copied once (datagram -> pooled buffer,
 * or iovec -> pooled buffer at srp_mcast()) and then only moves by pointer;
 * a node's own message enters its sort queue when sent.
 */
#include "config.h"

#include <string.h>

#include "totemsrp/srp_int.h"

int srp_mcast_receive(struct srp *srp, const void *buf, size_t len,
		      const struct srp_mcast_hdr *m)
{
	bool encap = m->hdr.encapsulated == SRP_WIRE_ENCAPSULATED;
	struct srp_sq *sq;

	if (!srp_ring_id_eq(&m->ring_id, &srp->my_ring_id)) {
		srp_foreign_message(srp, m->system_from);
		return 0;
	}
	/*
	 * Encapsulated copies belong to RECOVERY only.  A regular message of
	 * the new ring seen while still in RECOVERY is dropped here (corosync
	 * files it in the old-ring queue); it is requested again later.
	 */
	if (encap != (srp->state == SRP_STATE_RECOVERY)) {
		srp->stats.rx_msg_dropped++;
		return 0;
	}
	sq = encap ? srp->recovery : srp->regular;
	if (encap)
		srp_mark_resent(srp, buf, len);
	if (srp_sq_in_range(sq, m->seq) && !srp_sq_slot(sq, m->seq)->used) {
		struct srp_buf *b = srp_buf_get(srp, len);

		if (!b)
			return 0;       /* retransmission will bring it again */
		memcpy(b->data, buf, len);
		srp_sq_put(sq, m->seq, b, (uint32_t)len, m->hdr.nodeid, m->hdr.swapped, encap);
		if (srp_seq_lt(srp->my_high_seq_received, m->seq))
			srp->my_high_seq_received = m->seq;
	}
	srp_update_aru(srp);
	if (srp->state == SRP_STATE_OPERATIONAL)
		srp_deliver_to_app(srp, false, srp->my_high_seq_received);
	return 0;
}

/*
 * An encapsulated copy (RECOVERY) of old-ring message seq came in, from a
 * member or from this node: nobody else needs to re-send seq.  Deviation
 * from corosync, see srp_recovery.c resend_is_mine.
 */
void srp_mark_resent(struct srp *srp, const void *buf, size_t len)
{
	struct srp_mcast_hdr inner;

	if (len <= SRP_WIRE_MCAST_SIZE ||
	    srp_wire_mcast_decode((const uint8_t *)buf + SRP_WIRE_MCAST_SIZE,
				  len - SRP_WIRE_MCAST_SIZE, &inner) < 0 ||
	    !srp_ring_id_eq(&inner.ring_id, &srp->my_old_ring_id) ||
	    !srp_sq_in_range(srp->regular, inner.seq))
		return;
	srp_sq_slot(srp->regular, inner.seq)->resent = true;
}

/* The old-ring seq an item of the retransmit queue carries, if in my old window. */
static bool resend_old_seq(struct srp *srp, const struct srp_fifo_item *it, uint32_t *seq)
{
	struct srp_mcast_hdr inner;

	if (it->len <= SRP_WIRE_MCAST_SIZE ||
	    srp_wire_mcast_decode(it->buf->data + SRP_WIRE_MCAST_SIZE,
				  it->len - SRP_WIRE_MCAST_SIZE, &inner) < 0 ||
	    !srp_sq_in_range(srp->regular, inner.seq))
		return false;
	*seq = inner.seq;
	return true;
}

void srp_update_aru(struct srp *srp)
{
	struct srp_sq *sq = srp->state == SRP_STATE_RECOVERY ? srp->recovery : srp->regular;
	uint32_t seq = srp->my_aru;

	while (srp_seq_lt(seq, srp->my_high_seq_received) && srp_sq_get(sq, seq + 1))
		seq++;
	srp->my_aru = seq;
}

void srp_deliver_to_app(struct srp *srp, bool skip, uint32_t end_point)
{
	uint32_t seq = srp->my_high_delivered;

	while (srp_seq_lt(seq, end_point)) {
		struct srp_slot *s;

		seq++;
		if (!srp_sq_in_range(srp->regular, seq))
			break;
		s = srp_sq_get(srp->regular, seq);
		if (!s && !skip)
			break;
		srp->my_high_delivered = seq;
		if (!s || s->encapsulated)
			continue;
#if SRP_SIM_PLANT == 3
		/* test/sim's planted bug 3: the transitional configuration delivers non-members' messages */
#else
		if (skip && !srp_set_has(&srp->deliver_memb, s->from))
			continue;
#endif
		srp->env.deliver(srp->env.ctx, s->from, s->buf->data + SRP_WIRE_MCAST_SIZE,
				 s->len - SRP_WIRE_MCAST_SIZE, s->swapped);
	}
}

void srp_messages_free(struct srp *srp, uint32_t token_aru)
{
	uint32_t release_to = token_aru;

	if (srp_seq_lt(srp->my_last_aru, release_to))
		release_to = srp->my_last_aru;
	if (srp_seq_lt(srp->my_high_delivered, release_to))
		release_to = srp->my_high_delivered;
	if (srp_seq_lt(release_to, srp->regular->base) ||
	    release_to - srp->regular->base >= SRP_SORT_QUEUE_MAX)
		return;
	srp_sq_release_to(srp, srp->regular, release_to);
}

uint32_t srp_rtr_serve_and_request(struct srp *srp, struct srp_orf *token, uint32_t *allowed)
{
	struct srp_sq *sq = srp->state == SRP_STATE_RECOVERY ? srp->recovery : srp->regular;
	uint32_t retx = 0, i = 0, range, j;

	while (retx < *allowed && i < token->rtr_count) {
		struct srp_slot *s;

		if (!srp_ring_id_eq(&token->rtr[i].ring_id, &srp->my_ring_id)) {
			i++;
			continue;
		}
		s = srp_sq_get(sq, token->rtr[i].seq);
		if (!s) {
			i++;
			continue;
		}
		srp_out_mcast(srp, s->buf->data, s->len);
		token->rtr_count--;
		memmove(&token->rtr[i], &token->rtr[i + 1],
			(token->rtr_count - i) * sizeof(token->rtr[0]));
		srp->stats.mcast_retx++;
		retx++;
	}
	*allowed -= retx;

	if (!srp_seq_lt(srp->my_aru, token->seq))
		return retx;
	range = token->seq - srp->my_aru;
	if (range >= SRP_SORT_QUEUE_MAX)
		range = SRP_SORT_QUEUE_MAX - 1;
	for (i = 1; token->rtr_count < SRP_RTR_ITEMS_MAX && i <= range; i++) {
		uint32_t seq = srp->my_aru + i;
		struct srp_slot *s;
		bool found = false;

		if (!srp_sq_in_range(sq, seq))
			break;
		s = srp_sq_slot(sq, seq);
		if (s->used)
			continue;
		if (s->miss < UINT16_MAX)
			s->miss++;
		if (s->miss < srp->cfg.miss_count_const)
			continue;
		for (j = 0; j < token->rtr_count; j++)
			if (token->rtr[j].seq == seq)
				found = true;
		if (!found) {
			token->rtr[token->rtr_count].ring_id = srp->my_ring_id;
			token->rtr[token->rtr_count].seq = seq;
			token->rtr_count++;
		}
	}
	return retx;
}

/*
 * Deviation from corosync (v3.1.7 exec/totemsrp.c, orf_token_mcast, which
 * sends whatever the token allows from the retransmit queue, filled with
 * every old message the member holds; srp_recovery.c, resend_is_mine).  In
 * RECOVERY an old-ring message above every member's aru, which each of its
 * holders may re-send, waits while my recovery queue lacks a copy that the
 * token says was sent before this visit (my aru below its seq): the copy
 * still in flight (the token can overtake the copies sent just before it)
 * or lost may carry that very message, and srp_mark_resent has not seen it.
 * Re-sending anyway doubled much of what the member before me had just sent
 * (test/sim seed 171227518984771: 8 members with 11,248 old messages each;
 * the copies filled the recovery window up to seq 16,330 with about 1,000
 * messages still unsent on every member, and RECOVERY never ended).  Once
 * every earlier copy is in, the marks are complete; the token orders the
 * re-sends, so each such message goes out once.
 */
static bool resend_shared(const struct srp *srp, uint32_t old_seq)
{
	return srp_seq_lt(srp->resend_shared_after, old_seq);
}

uint32_t srp_send_new(struct srp *srp, struct srp_orf *token, uint32_t allowed)
{
	struct srp_fifo *q;
	struct srp_sq *sq;
	bool encap = srp->state == SRP_STATE_RECOVERY;
	uint32_t sent = 0;
	bool behind = encap && srp_seq_lt(srp->my_aru, token->seq);

	if (encap) {
		q = &srp->retrans_q;
		sq = srp->recovery;
		srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
	} else {
		/* Leftover sync traffic goes before normal traffic after the ack. */
		q = srp->waiting_trans_ack || srp->trans_q.count ? &srp->trans_q : &srp->new_q;
		sq = srp->regular;
	}
	while (sent < allowed && q->count > 0) {
		uint32_t seq = token->seq + 1, old_seq;
		struct srp_fifo_item it;

		if (!srp_sq_in_range(sq, seq) || srp_sq_slot(sq, seq)->used)
			break;
		if (encap && resend_old_seq(srp, &q->item[q->head], &old_seq)) {
			if (srp_sq_slot(srp->regular, old_seq)->resent) {
				(void)srp_fifo_pop(q, &it);
				srp_buf_put(srp, it.buf);
				continue;
			}
			if (behind && resend_shared(srp, old_seq))
				break;  /* the queue is in old-seq order: the rest are shared too */
		}
		(void)srp_fifo_pop(q, &it);
		token->seq = seq;
		srp_wire_mcast_set_seq(it.buf->data, seq, (int32_t)srp->global_seqno++, &srp->my_ring_id);
		srp_sq_put(sq, seq, it.buf, it.len, srp->my_id, false, encap);
		if (encap)
			srp_mark_resent(srp, it.buf->data, it.len);
		srp_out_mcast(srp, it.buf->data, it.len);
		if (srp_seq_lt(srp->my_high_seq_received, seq))
			srp->my_high_seq_received = seq;
		sent++;
	}
	srp_update_aru(srp);
	return sent;
}
