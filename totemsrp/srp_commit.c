/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totemsrp commit token (corosync v3.1.7 exec/totemsrp.c, memb_state_commit_*): creation by the lowest
 * member, COMMIT entry (old-ring state saved once, entry filled, ring id
 * persisted before use) and the handling of a received commit token in
 * every state.  RECOVERY entry itself is in srp_recovery.c.
 * Invariant: the ring order is addr[] ascending; my next hop is fixed at
 * COMMIT entry and used by the commit token and the ORF token alike.
 */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include "totemsrp/srp_int.h"

void srp_commit_token_create(struct srp *srp)
{
	struct srp_commit *c = &srp->commit;
	struct srp_set memb;

	srp_set_subtract(&memb, &srp->proc, &srp->failed);
	assert(memb.n >= 1 && memb.id[0] == srp->my_id);
	memset(&c->hdr, 0, sizeof(c->hdr));
	c->token_seq = 0;
	c->ring_id.rep = srp->my_id;
	c->ring_id.seq = srp->token_ring_id_seq + 4;
	c->retrans_flg = 0;
	c->memb_index = 0;
	c->addr_count = memb.n;
	memcpy(c->addr, memb.id, memb.n * sizeof(uint32_t));
	memset(c->entry, 0, memb.n * sizeof(c->entry[0]));
}

static void old_ring_state_save(struct srp *srp)
{
	if (srp->old_ring_state_saved)
		return;
	srp->old_ring_state_saved = true;
	srp->my_old_ring_id = srp->my_ring_id;
	srp->old_ring_state_aru = srp->my_aru;
	srp->old_ring_state_high_seq_received = srp->my_high_seq_received;
}

/* Send (or forward) the working commit token to my next hop and keep a copy. */
static void commit_token_send(struct srp *srp)
{
	struct srp_commit *c = &srp->commit;
	int len;

	c->token_seq++;
	c->hdr.nodeid = srp->my_id;
	c->hdr.target_nodeid = srp->next_nodeid;
	c->hdr.encapsulated = 0;
	len = srp_wire_commit_encode(c, srp->txbuf, sizeof(srp->txbuf));
	assert(len > 0);
	srp_token_copy_save(srp, srp->next_nodeid, srp->txbuf, (size_t)len);
	srp->stats.memb_commit_token_tx++;
	srp_out_token(srp, srp->next_nodeid, srp->txbuf, (size_t)len);
	srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
}

void srp_commit_enter(struct srp *srp)
{
	struct srp_commit *c = &srp->commit;
	uint32_t i, idx = c->memb_index, high_aru;
	struct srp_commit_entry *me;

	assert(idx < c->addr_count && c->addr[idx] == srp->my_id);
	if (srp->env.ring_seq_store(srp->env.ctx, c->ring_id.seq) < 0) {
		/* Persisting failed: never use an unrecorded ring id; try again later. */
		srp_gather_enter(srp, SRP_GATHER_RING_ID_NOT_STORED);
		return;
	}
	old_ring_state_save(srp);
	srp->recent_failed = srp->failed;
	srp_set_remove(&srp->recent_failed, srp->my_id);
	me = &c->entry[idx];
	me->ring_id = srp->my_old_ring_id;
	me->aru = srp->old_ring_state_aru;
	me->high_delivered = srp->my_high_delivered;
	me->received_flg = srp->old_ring_state_aru == srp->old_ring_state_high_seq_received;
	high_aru = me->aru;
	for (i = 0; i <= idx; i++)
		if (srp_ring_id_eq(&c->entry[i].ring_id, &srp->my_old_ring_id) &&
		    srp_seq_lt(high_aru, c->entry[i].aru))
			high_aru = c->entry[i].aru;
	for (i = 0; i <= idx; i++)
		if (srp_ring_id_eq(&c->entry[i].ring_id, &srp->my_old_ring_id) &&
		    srp_seq_lt(c->entry[i].aru, high_aru))
			c->entry[i].received_flg = 0;
	c->memb_index = idx + 1;
	srp_set_from_list(&srp->new_memb, c->addr, c->addr_count);
	srp->next_nodeid = c->addr[(idx + 1) % c->addr_count];
	srp->my_ring_id = c->ring_id;
	srp->token_ring_id_seq = c->ring_id.seq;
	srp->t_join = SRP_NEVER;
	srp->t_join_send = SRP_NEVER;
	srp->t_consensus = SRP_NEVER;
	srp->state = SRP_STATE_COMMIT;
	srp->originated_orf_token = false;
	srp->t_token = srp_deadline(srp, srp->cfg.token_ms);
	srp->stats.commit_entered++;
	srp->stats.continuous_gather = 0;
	srp->my_trc = srp->my_pbl = srp->my_cbl = 0;
	if (srp->env.log) {
		char m[256];

		srp_log(srp, LOG_DEBUG, "entering COMMIT: ring %u/%llu members %s",
			c->ring_id.rep, (unsigned long long)c->ring_id.seq,
			srp_set_str(&srp->new_memb, m, sizeof(m)));
	}
	commit_token_send(srp);
}

void srp_commit_receive(struct srp *srp, const struct srp_commit *ct)
{
	struct srp_set memb, addr;

	switch (srp->state) {
	case SRP_STATE_OPERATIONAL:
		break;
	case SRP_STATE_GATHER:
		srp_set_subtract(&memb, &srp->proc, &srp->failed);
		srp_set_from_list(&addr, ct->addr, ct->addr_count);
		/* Stricter than corosync: the token must be addressed to my slot. */
		if (srp_set_equal(&addr, &memb) && ct->ring_id.seq > srp->my_ring_id.seq &&
		    ct->memb_index < ct->addr_count && ct->addr[ct->memb_index] == srp->my_id) {
			srp->commit = *ct;
			srp_commit_enter(srp);
		}
		break;
	case SRP_STATE_COMMIT:
		srp_set_from_list(&addr, ct->addr, ct->addr_count);
		if (srp_ring_id_eq(&ct->ring_id, &srp->my_ring_id) &&
		    ct->memb_index == ct->addr_count && srp_set_equal(&addr, &srp->new_memb)) {
			srp->commit = *ct;
			srp_recovery_enter(srp, &srp->commit);
			commit_token_send(srp);
		}
		break;
	case SRP_STATE_RECOVERY:
		if (srp->my_ring_id.rep == srp->my_id && !srp->originated_orf_token &&
		    srp_ring_id_eq(&ct->ring_id, &srp->my_ring_id)) {
			srp->originated_orf_token = true;
			srp_orf_send_initial(srp);
			srp->t_token = srp_deadline(srp, srp->cfg.token_ms);
			srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
		}
		break;
	}
}
