/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totemsrp engine: construction, the public entry points of srp.h, datagram
 * dispatch by type, and the timer wheel (deadline fields fired in a fixed
 * order by srp_advance).  Protocol logic lives in srp_gather.c (JOIN,
 * consensus, merge, LEAVE), srp_commit.c, srp_recovery.c, srp_token.c and
 * srp_mcast.c.  This file never reads a clock: `now` is always an argument.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "totemsrp/srp_int.h"

const char *srp_state_str(enum srp_state state)
{
	switch (state) {
	case SRP_STATE_OPERATIONAL:
		return "OPERATIONAL";
	case SRP_STATE_GATHER:
		return "GATHER";
	case SRP_STATE_COMMIT:
		return "COMMIT";
	case SRP_STATE_RECOVERY:
		return "RECOVERY";
	}
	return "UNKNOWN";
}

static int config_check(const struct srp_config *c)
{
	if (c->nodeid == 0 || c->token_ms == 0 || c->token_retransmit_ms == 0 ||
	    c->hold_ms == 0 || c->join_ms == 0 || c->consensus_ms == 0 || c->merge_ms == 0)
		return -EINVAL;
	if (c->window_size == 0 || c->max_messages == 0 ||
	    (uint64_t)c->window_size + c->max_messages >= SRP_SORT_QUEUE_MAX)
		return -EINVAL;
	if (c->net_mtu <= SRP_WIRE_MCAST_SIZE || c->net_mtu > (1u << 20))
		return -EINVAL;
	if (c->send_queue_max == 0 || c->send_queue_max > (1u << 20) ||
	    c->miss_count_const > UINT16_MAX)
		return -EINVAL;
	return 0;
}

int srp_create(const struct srp_config *cfg, const struct srp_env *env, uint64_t now_ms,
	       struct srp **ret_srp)
{
	struct srp *srp;
	int r;

	if (!cfg || !env || !ret_srp || !env->send_token || !env->send_mcast ||
	    !env->deliver || !env->confchg || !env->ring_seq_store)
		return -EINVAL;
	r = config_check(cfg);
	if (r < 0)
		return r;
	srp = calloc(1, sizeof(*srp));
	if (!srp)
		return -ENOMEM;
	srp->cfg = *cfg;
	srp->env = *env;
	srp->now = now_ms;
	srp->state = SRP_STATE_OPERATIONAL;
	srp->my_id = cfg->nodeid;
	srp->my_ring_id.rep = cfg->nodeid;
	srp->my_ring_id.seq = cfg->ring_seq_stored + 1;
	srp->my_old_ring_id = srp->my_ring_id;
	srp->token_ring_id_seq = srp->my_ring_id.seq;
	srp->my_token_seq = SRP_SEQNO_START_TOKEN - 1;
	srp->my_last_seq = SRP_SEQNO_START_MSG;
	srp->my_received_flg = true;
	srp->t_token = srp->t_token_retrans = srp->t_hold = srp->t_merge = SRP_NEVER;
	srp->t_join = srp->t_consensus = srp->t_join_send = SRP_NEVER;
	srp->regular = &srp->sq_storage[0];
	srp->recovery = &srp->sq_storage[1];
	if (srp_sq_init(srp->regular) < 0 || srp_sq_init(srp->recovery) < 0 ||
	    srp_fifo_init(&srp->new_q, cfg->send_queue_max) < 0 ||
	    srp_fifo_init(&srp->trans_q, cfg->send_queue_max) < 0 ||
	    srp_fifo_init(&srp->retrans_q, SRP_SORT_QUEUE_MAX) < 0) {
		srp_destroy(srp);
		return -ENOMEM;
	}
	*ret_srp = srp;
	return 0;
}

/*
 * New timers and limits at run time (a configuration reload or a cmap write
 * to totem.*).  corosync's engine reads its totem_config at each use
 * (corosync v3.1.7 exec/totemsrp.c; exec/totempg.c, totempg_put_config and
 * exec/totemconfig.c, totem_change_notify update it in place): a timer
 * already armed keeps its deadline and the new value counts from the next
 * time that timer is armed; window_size, max_messages and the counters'
 * limits count from the next token.  So only the values change here.
 */
int srp_reconfigure(struct srp *srp, const struct srp_config *cfg, uint64_t now_ms)
{
	struct srp_config next;
	int r;

	if (!srp || !cfg)
		return -EINVAL;
	/* What cannot change: the identity, the buffers sized at creation. */
	if (cfg->nodeid != srp->cfg.nodeid || cfg->net_mtu != srp->cfg.net_mtu ||
	    cfg->send_queue_max != srp->cfg.send_queue_max)
		return -EINVAL;
	next = *cfg;
	next.ring_seq_stored = srp->cfg.ring_seq_stored;
	r = config_check(&next);
	if (r < 0)
		return r;
	if (now_ms > srp->now)
		srp->now = now_ms;
	srp->cfg = next;
	return 0;
}

void srp_destroy(struct srp *srp)
{
	if (!srp)
		return;
	srp_sq_free(srp, &srp->sq_storage[0]);
	srp_sq_free(srp, &srp->sq_storage[1]);
	srp_fifo_free(srp, &srp->new_q);
	srp_fifo_free(srp, &srp->trans_q);
	srp_fifo_free(srp, &srp->retrans_q);
	srp_pool_free(srp);
	free(srp);
}

void srp_start(struct srp *srp, uint64_t now_ms)
{
	assert(srp);
	srp->now = now_ms;
	if (srp->started || srp->left)
		return;
	srp->started = true;
	srp->my_ring_id.rep = srp->my_id;
	srp->my_ring_id.seq = srp->cfg.ring_seq_stored + 1;
	srp->my_old_ring_id = srp->my_ring_id;
	if (srp->token_ring_id_seq < srp->my_ring_id.seq)
		srp->token_ring_id_seq = srp->my_ring_id.seq;
	/*
	 * The first gather asks for every peer the transport reaches now, not
	 * for me alone.  corosync starts with itself (exec/totemsrp.c,
	 * memb_state_gather_enter from totemsrp_initialize at v3.1.7): its
	 * own JOIN comes back at once and it forms a ring of one, and the
	 * others join it through a merge, which waits for the representative's
	 * next merge detect (up to `merge` ms, 200 by default) and a second
	 * round of sync; on a cluster started together this is most of the time
	 * from links up to the full ring.  A peer in my proc set is one more
	 * node whose JOIN my consensus waits for, as after any JOIN that names
	 * it: one that never answers is failed at the consensus timeout.  The
	 * exec starts the engine only when all links are up or after `token`
	 * ms, which is less than `consensus`, and a peer whose links are up
	 * is running: its engine answers before then.  The JOINs on the wire
	 * are the usual ones.
	 */
	for (uint32_t i = 0; i < srp->reached.n; i++)
		if (!srp_set_has(&srp->unreachable, srp->reached.id[i]))
			(void)srp_set_add(&srp->proc, srp->reached.id[i]);
	srp_gather_enter(srp, SRP_GATHER_START);
}

void srp_log(const struct srp *srp, int prio, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!srp->env.log)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	srp->env.log(srp->env.ctx, prio, line);
}

const char *srp_set_str(const struct srp_set *s, char *buf, size_t size)
{
	size_t o = 0;
	uint32_t i;

	assert(size >= 8);
	buf[o++] = '{';
	for (i = 0; i < s->n; i++) {
		int w = snprintf(buf + o, size - o, "%s%u", i ? "," : "", s->id[i]);

		if (w < 0 || (size_t)w >= size - o - 4) {
			memcpy(buf + (o < size - 5 ? o : size - 5), "...}", 5);
			return buf;
		}
		o += (size_t)w;
	}
	buf[o++] = '}';
	buf[o] = '\0';
	return buf;
}

void srp_out_mcast(struct srp *srp, const void *buf, size_t len)
{
	if (srp->env.send_mcast(srp->env.ctx, buf, len) < 0)
		srp->stats.continuous_sendmsg_failures++;
	else
		srp->stats.continuous_sendmsg_failures = 0;
}

void srp_out_token(struct srp *srp, uint32_t to, const void *buf, size_t len)
{
	if (srp->env.send_token(srp->env.ctx, to, buf, len) < 0)
		srp->stats.continuous_sendmsg_failures++;
	else
		srp->stats.continuous_sendmsg_failures = 0;
}

void srp_token_copy_save(struct srp *srp, uint32_t to, const void *buf, size_t len)
{
	assert(len <= sizeof(srp->token_copy));
	memcpy(srp->token_copy, buf, len);
	srp->token_copy_len = len;
	srp->token_copy_to = to;
	srp->token_withheld = false;
}

static int drop(struct srp *srp)
{
	srp->stats.rx_msg_dropped++;
	return -EBADMSG;
}

int srp_receive(struct srp *srp, uint64_t now_ms, const void *buf, size_t len)
{
	struct srp_hdr hdr;

	assert(srp);
	if (now_ms > srp->now)
		srp->now = now_ms;
	if (!srp->started || srp->left || srp_wire_header_decode(buf, len, &hdr) < 0)
		return drop(srp);
	/*
	 * A datagram from a peer the transport reported down proves it is back
	 * before knet notices (its next ping): without this, each of its
	 * foreign messages would make me gather, fail it at once and form a
	 * ring without it (srp_peer_reachable), every time until knet says up.
	 */
	if (srp->unreachable.n && hdr.nodeid != 0)
		srp_set_remove(&srp->unreachable, hdr.nodeid);
	switch (hdr.type) {
	case SRP_MSG_ORF_TOKEN: {
		struct srp_orf token;

		if (srp_wire_orf_decode(buf, len, &token) < 0)
			return drop(srp);
		srp->stats.orf_token_rx++;
		if (srp->discard_tokens || srp->state == SRP_STATE_GATHER ||
		    srp->state == SRP_STATE_COMMIT)
			return 0;
		srp_orf_receive(srp, &token);
		return 0;
	}
	case SRP_MSG_MCAST: {
		struct srp_mcast_hdr m;

		if (srp_wire_mcast_decode(buf, len, &m) < 0)
			return drop(srp);
		srp->stats.mcast_rx++;
		return srp_mcast_receive(srp, buf, len, &m);
	}
	case SRP_MSG_MERGE_DETECT: {
		struct srp_merge_detect md;

		if (srp_wire_merge_detect_decode(buf, len, &md) < 0)
			return drop(srp);
		srp->stats.memb_merge_detect_rx++;
		srp_merge_detect_receive(srp, &md);
		return 0;
	}
	case SRP_MSG_JOIN:
		if (srp_wire_join_decode(buf, len, &srp->rx.join) < 0)
			return drop(srp);
		srp->stats.memb_join_rx++;
		srp_join_receive(srp, &srp->rx.join);
		return 0;
	case SRP_MSG_COMMIT_TOKEN:
		if (srp_wire_commit_decode(buf, len, &srp->rx.commit) < 0)
			return drop(srp);
		srp->stats.memb_commit_token_rx++;
		srp_commit_receive(srp, &srp->rx.commit);
		return 0;
	case SRP_MSG_TOKEN_HOLD_CANCEL: {
		struct srp_hold_cancel hc;

		if (srp_wire_hold_cancel_decode(buf, len, &hc) < 0)
			return drop(srp);
		srp->stats.token_hold_cancel_rx++;
		srp_hold_cancel_receive(srp, &hc);
		return 0;
	}
	}
	return drop(srp);
}

static void timer_token(struct srp *srp)
{
	switch (srp->state) {
	case SRP_STATE_OPERATIONAL:
		srp->stats.operational_token_lost++;
		srp_gather_enter(srp, SRP_GATHER_TOKEN_LOST_OPERATIONAL);
		break;
	case SRP_STATE_GATHER:
		srp->stats.gather_token_lost++;
		srp_consensus_timeout(srp);
		srp_gather_enter(srp, SRP_GATHER_TOKEN_LOST_GATHER);
		break;
	case SRP_STATE_COMMIT:
		srp->stats.commit_token_lost++;
		srp_gather_enter(srp, SRP_GATHER_TOKEN_LOST_COMMIT);
		break;
	case SRP_STATE_RECOVERY:
		srp->stats.recovery_token_lost++;
		srp_recovery_token_loss(srp);
		break;
	}
}

static void timer_token_retrans(struct srp *srp)
{
	if (srp->state == SRP_STATE_GATHER)
		return;
	srp_token_retransmit(srp);
	srp->t_token_retrans = srp_deadline(srp, srp->cfg.token_retransmit_ms);
}

static void timer_hold(struct srp *srp)
{
	if (srp->state == SRP_STATE_OPERATIONAL || srp->state == SRP_STATE_RECOVERY)
		srp_token_retransmit(srp);
}

static void timer_merge(struct srp *srp)
{
	if (srp->state == SRP_STATE_OPERATIONAL && srp->my_ring_id.rep == srp->my_id)
		srp_merge_detect_send(srp);
}

static void timer_join(struct srp *srp)
{
	if (srp->state != SRP_STATE_GATHER && srp->state != SRP_STATE_COMMIT)
		return;
	srp_join_send(srp);
	srp->t_join = srp_deadline(srp, srp->cfg.join_ms);
}

static void timer_consensus(struct srp *srp)
{
	srp->stats.consensus_timeouts++;
	if (srp->state == SRP_STATE_GATHER)
		srp_consensus_timeout(srp);
}

void srp_advance(struct srp *srp, uint64_t now_ms)
{
	assert(srp);
	if (now_ms > srp->now)
		srp->now = now_ms;
	for (;;) {
		/* Ties fire in this fixed order; every handler re-arms into the future. */
		uint64_t *t[] = { &srp->t_token, &srp->t_consensus, &srp->t_join,
				  &srp->t_join_send, &srp->t_token_retrans, &srp->t_hold,
				  &srp->t_merge };
		size_t i, best = SIZE_MAX;

		if (!srp->started || srp->left)
			return;
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			if (*t[i] <= srp->now && (best == SIZE_MAX || *t[i] < *t[best]))
				best = i;
		if (best == SIZE_MAX)
			return;
		*t[best] = SRP_NEVER;
		switch (best) {
		case 0: timer_token(srp); break;
		case 1: timer_consensus(srp); break;
		case 2: timer_join(srp); break;
		case 3: srp_join_send(srp); break;
		case 4: timer_token_retrans(srp); break;
		case 5: timer_hold(srp); break;
		case 6: timer_merge(srp); break;
		}
	}
}

uint64_t srp_next_deadline(const struct srp *srp)
{
	uint64_t m = SRP_NEVER;
	const uint64_t t[] = { srp->t_token, srp->t_consensus, srp->t_join, srp->t_join_send,
			       srp->t_token_retrans, srp->t_hold, srp->t_merge };
	size_t i;

	if (!srp->started || srp->left)
		return SRP_NEVER;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i] < m)
			m = t[i];
	return m;
}

struct srp_fifo *srp_active_queue(struct srp *srp)
{
	return srp->waiting_trans_ack ? &srp->trans_q : &srp->new_q;
}

size_t srp_mcast_max(const struct srp *srp)
{
	return srp->cfg.net_mtu - SRP_WIRE_MCAST_SIZE;
}

int srp_mcast(struct srp *srp, const struct iovec *iov, size_t iovcnt)
{
	struct srp_fifo *q;
	struct srp_mcast_hdr m;
	struct srp_buf *b;
	size_t total = 0, i, off;

	assert(srp);
	if (srp->left)
		return -ESHUTDOWN;
	for (i = 0; i < iovcnt; i++) {
		total += iov[i].iov_len;
		if (total > srp_mcast_max(srp))
			return -EMSGSIZE;
	}
	q = srp_active_queue(srp);
#if SRP_SIM_PLANT == 6
	/* test/sim's planted bug 6: now and then a message overtakes the regular queue */
	if (!srp->waiting_trans_ack && srp->new_q.count > 0 && srp->stats.mcast_tx % 8 == 7)
		q = &srp->trans_q;
#endif
	if (q->count >= q->cap)
		return -EAGAIN;
	b = srp_buf_get(srp, SRP_WIRE_MCAST_SIZE + total);
	if (!b)
		return -ENOMEM;
	memset(&m, 0, sizeof(m));
	m.hdr.encapsulated = SRP_WIRE_NOT_ENCAPSULATED;
	m.hdr.nodeid = srp->my_id;
	m.system_from = srp->my_id;
	m.ring_id = srp->my_ring_id;
	(void)srp_wire_mcast_encode(&m, b->data, b->cap);
	off = SRP_WIRE_MCAST_SIZE;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len)
			memcpy(b->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	if (srp_fifo_push(q, b, (uint32_t)off) < 0) {
		srp_buf_put(srp, b);
		return -EAGAIN;
	}
	srp->stats.mcast_tx++;
	srp_hold_cancel_send(srp);
	return 0;
}

void srp_hold_cancel(struct srp *srp)
{
	assert(srp);
	if (srp->started && !srp->left)
		srp_hold_cancel_send(srp);
}

size_t srp_queue_space(const struct srp *srp)
{
	const struct srp_fifo *q = srp->waiting_trans_ack ? &srp->trans_q : &srp->new_q;

	return q->cap - q->count;
}

void srp_trans_ack(struct srp *srp)
{
	assert(srp);
	srp->waiting_trans_ack = false;
}

void srp_leave(struct srp *srp, uint64_t now_ms)
{
	assert(srp);
	if (now_ms > srp->now)
		srp->now = now_ms;
	if (!srp->started || srp->left)
		return;
	srp_leave_send(srp);
	srp->left = true;
}

enum srp_state srp_state(const struct srp *srp)
{
	return srp->state;
}

struct srp_ring_id srp_ring_id(const struct srp *srp)
{
	return srp->my_ring_id;
}

size_t srp_members(const struct srp *srp, const uint32_t **ret_members)
{
	if (ret_members)
		*ret_members = srp->memb.id;
	return srp->memb.n;
}

const struct srp_stats *srp_stats(const struct srp *srp)
{
	return &srp->stats;
}

/* All of them, the running averages included (corosync v3.1.7 totemsrp_stats_clear). */
void srp_stats_clear(struct srp *srp)
{
	memset(&srp->stats, 0, sizeof(srp->stats));
}
