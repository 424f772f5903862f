/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * totemsrp membership discovery (corosync v3.1.7 exec/totemsrp.c,
 * memb_state_gather_enter, memb_join_process, memb_state_consensus_timeout_expired): gather entry, JOIN send and processing, consensus,
 * merge detection, foreign-ring senders and the LEAVE message.
 * Commit-token creation is in srp_commit.c.  Invariant: my own nodeid is in
 * proc, and it is in failed only after I declared myself failed-to-receive.
 */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include "totemsrp/srp_int.h"

static const char *gather_reason_str(enum srp_gather_reason reason)
{
	switch (reason) {
	case SRP_GATHER_START: return "start";
	case SRP_GATHER_TOKEN_LOST_OPERATIONAL: return "token lost in OPERATIONAL";
	case SRP_GATHER_TOKEN_LOST_GATHER: return "token lost in GATHER";
	case SRP_GATHER_TOKEN_LOST_COMMIT: return "token lost in COMMIT";
	case SRP_GATHER_CONSENSUS_TIMEOUT: return "consensus timeout";
	case SRP_GATHER_JOIN_GREW_SETS: return "JOIN with new members or failures";
	case SRP_GATHER_JOIN_IN_OPERATIONAL: return "JOIN while OPERATIONAL";
	case SRP_GATHER_JOIN_IN_COMMIT: return "JOIN while COMMIT";
	case SRP_GATHER_FOREIGN_IN_OPERATIONAL: return "foreign message while OPERATIONAL";
	case SRP_GATHER_FOREIGN_IN_GATHER: return "foreign message while GATHER";
	case SRP_GATHER_RING_ID_NOT_STORED: return "ring id not stored";
	case SRP_GATHER_TOKEN_LOST_RECOVERY: return "token lost in RECOVERY";
	case SRP_GATHER_FAILED_TO_RECEIVE: return "failed to receive";
	case SRP_GATHER_PEER_UNREACHABLE: return "peer unreachable";
	}
	return "?";
}

void srp_join_send(struct srp *srp)
{
	struct srp_join *j = &srp->tx_join;
	int len;

	/* With send_join, the JOIN leaves after a random delay (corosync sleeps). */
	if (srp->cfg.send_join_ms > 0 && srp->env.random && srp->t_join_send == SRP_NEVER &&
	    srp->state == SRP_STATE_GATHER) {
		uint64_t delay = srp->env.random(srp->env.ctx) % srp->cfg.send_join_ms;

		if (delay > 0) {
			srp->t_join_send = srp_deadline(srp, (uint32_t)delay);
			return;
		}
	}
	srp->t_join_send = SRP_NEVER;
	memset(&j->hdr, 0, sizeof(j->hdr));
	j->hdr.nodeid = srp->my_id;
	j->system_from = srp->my_id;
	j->proc_count = srp->proc.n;
	j->failed_count = srp->failed.n;
	memcpy(j->proc, srp->proc.id, srp->proc.n * sizeof(uint32_t));
	memcpy(j->failed, srp->failed.id, srp->failed.n * sizeof(uint32_t));
	j->ring_seq = srp->my_ring_id.seq;
	len = srp_wire_join_encode(j, srp->txbuf, sizeof(srp->txbuf));
	assert(len > 0);
	srp->stats.memb_join_tx++;
	srp_out_mcast(srp, srp->txbuf, (size_t)len);
}

void srp_leave_send(struct srp *srp)
{
	struct srp_join *j = &srp->tx_join;
	struct srp_set proc;
	uint32_t i;
	int len;

	proc = srp->proc;
	srp_set_remove(&proc, srp->my_id);
	memset(&j->hdr, 0, sizeof(j->hdr));
	j->hdr.nodeid = 0;
	j->system_from = srp->my_id;
	j->proc_count = proc.n;
	memcpy(j->proc, proc.id, proc.n * sizeof(uint32_t));
	j->failed_count = 0;
	for (i = 0; i < srp->failed.n; i++)
		if (srp->failed.id[i] != srp->my_id)
			j->failed[j->failed_count++] = srp->failed.id[i];
	j->failed[j->failed_count++] = srp->my_id;          /* me last */
	j->ring_seq = srp->my_ring_id.seq;
	len = srp_wire_join_encode(j, srp->txbuf, sizeof(srp->txbuf));
	assert(len > 0);
	srp->stats.memb_join_tx++;
	srp_out_mcast(srp, srp->txbuf, (size_t)len);
}

/*
 * Deviation from corosync (faster failure detection, issue 10): a member
 * of my current ring, in proc, whose every link the transport reports down
 * (srp_peer_reachable) is failed now, not at the consensus timeout.  It
 * could not answer our JOINs anyway, so the consensus timeout would fail
 * it; without the wait a killed node leaves the ring about one `consensus`
 * period sooner (token + consensus becomes token + a few JOIN rounds).
 * Everything else (the JOINs, their sets, the adoption by the other
 * members) is the usual gather; a peer failed this way that comes back
 * merges in the next round.
 *
 * Only members of my ring: a peer from another ring (a partition healing)
 * is still "down" for the moment its links take to come up, and the links
 * come up pair by pair; failing those peers split the healing ring into
 * short-lived subsets (int_cpg5.sh under load: {2}, {2,4}, {1,3,5},
 * {1,2,4} before all five, each a NODEDOWN and NODEUP for CPG clients of
 * nodes that never lost each other).  They get the usual consensus wait.
 */
static bool fails_unreachable(const struct srp *srp, uint32_t id)
{
	return id != srp->my_id && srp_set_has(&srp->memb, id) && srp_set_has(&srp->proc, id) &&
	       srp_set_has(&srp->unreachable, id);
}

static void fail_unreachable(struct srp *srp)
{
	uint32_t i, id;

	for (i = 0; i < srp->unreachable.n; i++) {
		id = srp->unreachable.id[i];
		if (fails_unreachable(srp, id))
			(void)srp_set_add(&srp->failed, id);
	}
}

void srp_peer_reachable(struct srp *srp, uint64_t now_ms, uint32_t nodeid, bool reachable)
{
	assert(srp);
	if (now_ms > srp->now)
		srp->now = now_ms;
	if (nodeid == srp->my_id || nodeid == 0)
		return;
	if (reachable) {
		srp_set_remove(&srp->unreachable, nodeid);
		(void)srp_set_add(&srp->reached, nodeid);
		return;
	}
	if (!srp_set_has(&srp->reached, nodeid) || srp_set_has(&srp->unreachable, nodeid) ||
	    srp_set_add(&srp->unreachable, nodeid) < 0)
		return;
	if (srp->started && !srp->left && srp->state == SRP_STATE_GATHER &&
	    fails_unreachable(srp, nodeid) && !srp_set_has(&srp->failed, nodeid))
		srp_gather_enter(srp, SRP_GATHER_PEER_UNREACHABLE);
}

void srp_gather_enter(struct srp *srp, enum srp_gather_reason reason)
{
	srp->discard_tokens = true;
	(void)srp_set_add(&srp->proc, srp->my_id);
	fail_unreachable(srp);
	if (srp->env.log) {
		char p[256], f[256];

		srp_log(srp, LOG_DEBUG, "entering GATHER from %s (%d): proc %s failed %s",
			gather_reason_str(reason), (int)reason, srp_set_str(&srp->proc, p, sizeof(p)),
			srp_set_str(&srp->failed, f, sizeof(f)));
	}
	srp->state = SRP_STATE_GATHER;
	srp->t_join_send = SRP_NEVER;
	srp_join_send(srp);
	srp->t_join = srp_deadline(srp, srp->cfg.join_ms);
	srp->t_consensus = srp_deadline(srp, srp->cfg.consensus_ms);
	srp->t_token = SRP_NEVER;
	srp->t_token_retrans = SRP_NEVER;
	srp->t_merge = SRP_NEVER;
	srp->t_hold = SRP_NEVER;
	srp->consensus.n = 0;
	(void)srp_set_add(&srp->consensus, srp->my_id);
	srp->stats.gather_entered++;
	srp->stats.continuous_gather++;
}

bool srp_consensus_agreed(const struct srp *srp)
{
	struct srp_set memb;

	srp_set_subtract(&memb, &srp->proc, &srp->failed);
	if (!srp_set_subset(&memb, &srp->consensus))
		return false;
	if (srp->failed_to_recv)
		return true;
	return memb.n >= 1;
}

static bool lowest_in_config(const struct srp *srp)
{
	struct srp_set memb;

	srp_set_subtract(&memb, &srp->proc, &srp->failed);
	return memb.n >= 1 && memb.id[0] == srp->my_id;
}

void srp_consensus_timeout(struct srp *srp)
{
	uint32_t i;

	if (srp_consensus_agreed(srp)) {
		srp->consensus.n = 0;
		(void)srp_set_add(&srp->consensus, srp->my_id);
		srp->t_token = srp_deadline(srp, srp->cfg.token_ms);
		return;
	}
	if (srp->env.log) {
		char p[256], c[256];

		srp_log(srp, LOG_DEBUG, "consensus timeout: proc %s agreed %s",
			srp_set_str(&srp->proc, p, sizeof(p)),
			srp_set_str(&srp->consensus, c, sizeof(c)));
	}
	for (i = 0; i < srp->proc.n; i++)
		if (!srp_set_has(&srp->consensus, srp->proc.id[i]))
			(void)srp_set_add(&srp->failed, srp->proc.id[i]);
	srp_gather_enter(srp, SRP_GATHER_CONSENSUS_TIMEOUT);
}

/*
 * Deviation from corosync, which only ever adds to the agreement between
 * gather entries: a member whose latest JOIN carries other sets than mine
 * (and did not make me gather again) does not agree with me any more, so
 * it leaves my consensus set.  Kept, a stale agreement makes nodes with
 * identical sets fail different members at the consensus timeout (one
 * still counts the changed node as agreed, the other does not), so they
 * disagree again and every extra round costs a whole `consensus` period
 * (test/sim seeds 166, 293).  Exception: same_timeout_move().  Local only;
 * the JOINs sent are unchanged.
 */
static void stale_agreement_drop(struct srp *srp, uint32_t from)
{
	if (from != srp->my_id)
		srp_set_remove(&srp->consensus, from);
}

/*
 * The sender (same proc, failed a superset of mine) failed exactly the
 * nodes my own consensus timeout would fail now: its timer fired a moment
 * before mine, and once mine fires we hold the same sets again.  Dropping
 * it would make me fail it instead, and split us (test/sim seed 378).
 */
static bool same_timeout_move(const struct srp *srp, const struct srp_set *jfailed)
{
	struct srp_set extra, live, notagreed;

	srp_set_subtract(&extra, jfailed, &srp->failed);
	srp_set_subtract(&live, &srp->proc, &srp->failed);
	srp_set_subtract(&notagreed, &live, &srp->consensus);
	return srp_set_equal(&extra, &notagreed);
}

/* Would merging these lists overflow a set?  (Input-driven: refuse, never assert.) */
static bool merge_fits(const struct srp_set *dst, const struct srp_set *src)
{
	uint32_t i, extra = 0;

	for (i = 0; i < src->n; i++)
		if (!srp_set_has(dst, src->id[i]))
			extra++;
	return dst->n + extra <= SRP_NODES_MAX;
}

static void join_process(struct srp *srp, const struct srp_join *join)
{
	struct srp_set jproc, jfailed;
	bool is_leave = join->hdr.nodeid == 0;
	bool gathered = false, same, ahead;

	srp_set_from_list(&jproc, join->proc, join->proc_count);
	srp_set_from_list(&jfailed, join->failed, join->failed_count);

	same = srp_set_equal(&jproc, &srp->proc) && srp_set_equal(&jfailed, &srp->failed);
	ahead = srp_set_equal(&srp->proc, &jproc) && srp_set_subset(&srp->failed, &jfailed) &&
		same_timeout_move(srp, &jfailed);
	if (same) {
		if (!is_leave)
			(void)srp_set_add(&srp->consensus, join->system_from);
		if (srp_consensus_agreed(srp) && srp->failed_to_recv) {
			srp->failed_to_recv = false;
			srp->proc.n = 0;
			(void)srp_set_add(&srp->proc, srp->my_id);
			srp->failed.n = 0;
			srp_commit_token_create(srp);
			srp_commit_enter(srp);
			return;
		}
		if (srp_consensus_agreed(srp) && lowest_in_config(srp)) {
			srp_commit_token_create(srp);
			srp_commit_enter(srp);
			return;
		}
	} else if (srp_set_subset(&jproc, &srp->proc) && srp_set_subset(&jfailed, &srp->failed)) {
		/* nothing new */
	} else if (srp_set_has(&srp->failed, join->system_from)) {
		/* a sender I consider failed */
	} else {
		uint32_t proc_n = srp->proc.n, failed_n = srp->failed.n;

		if (!merge_fits(&srp->proc, &jproc)) {
			srp->stats.rx_msg_dropped++;
			return;
		}
		(void)srp_set_merge(&srp->proc, &jproc);
		if (srp_set_has(&jfailed, srp->my_id)) {
			(void)srp_set_add(&srp->failed, join->system_from);
		} else {
			/*
			 * Deviation from corosync, which adopts the failed set only
			 * from a member of my old ring: I adopt it from every sender
			 * that has not failed me.  Otherwise two gathering nodes of
			 * different old rings that failed different nodes never
			 * reconcile: each waits for its consensus timeout and fails
			 * the other, then their JOINs fail the rings formed meanwhile,
			 * and after a heal ten nodes needed five `consensus` periods
			 * (test/sim soak seed 68028522735042; 0.23 % of random seeds).
			 * Adopted, the failures spread to every gathering node within
			 * a few JOIN periods, the live nodes agree on one set, and the
			 * nodes left out form their own ring and merge back in the
			 * next round with clean sets.  Only liveness depends on this.
			 */
			if (!merge_fits(&srp->failed, &jfailed)) {
				srp->stats.rx_msg_dropped++;
				return;
			}
			(void)srp_set_merge(&srp->failed, &jfailed);
		}
		/*
		 * Deviation from corosync: re-enter GATHER (and so answer with a
		 * JOIN) only when my sets grew.  A sender whose failed set I may
		 * not adopt (it is not of my old ring) would otherwise make two
		 * such nodes answer each other's JOINs forever, a datagram storm
		 * once duplication joins in.  The join timer still re-sends my
		 * JOIN every `join` ms, and the consensus timer settles the
		 * disagreement.  Merges only add, so a count change is a change.
		 */
		if (srp->proc.n != proc_n || srp->failed.n != failed_n) {
			srp_gather_enter(srp, SRP_GATHER_JOIN_GREW_SETS);
			gathered = true;
		}
	}
	/* The sender's sets differ from mine: it does not agree (any more). */
	if (!same && !gathered && !ahead)
		stale_agreement_drop(srp, join->system_from);
	if (!gathered && srp->state == SRP_STATE_OPERATIONAL)
		srp_gather_enter(srp, SRP_GATHER_JOIN_IN_OPERATIONAL);
}

/*
 * Deviation from corosync: for `merge` ms after my ring formed, a JOIN from
 * a node that ring's gather failed is ignored.  Two nodes that failed each
 * other send, at each gather entry, first a JOIN with an empty failed set
 * and right after one that fails the other; the first wakes the other's
 * fresh singleton ring, the second splits it again, and the pair re-forms
 * singleton rings every few ms forever (test/sim soak seeds
 * 60410895374662, 230783286856173, 264973376412639: ring seq ~17,000).
 * After the quarantine the two merge as usual (merge detection, JOINs).
 */
static bool join_quarantined(const struct srp *srp, const struct srp_join *join)
{
	return srp->now < srp->recent_failed_until &&
	       srp_set_has(&srp->recent_failed, join->system_from);
}

static bool ignore_join_under_operational(const struct srp *srp, const struct srp_join *join)
{
	uint32_t i;

	if (join_quarantined(srp, join))
		return true;
	for (i = 0; i < join->failed_count; i++)
		if (join->failed[i] == srp->my_id)
			return true;
	return srp_set_has(&srp->memb, join->system_from) && join->ring_seq < srp->my_ring_id.seq;
}

void srp_join_receive(struct srp *srp, const struct srp_join *join)
{
	/* §2.13.1 step 2 (pause flush) needs a scheduler clock: the driver's job. */
	if (srp->token_ring_id_seq < join->ring_seq)
		srp->token_ring_id_seq = join->ring_seq;
	switch (srp->state) {
	case SRP_STATE_OPERATIONAL:
		if (!ignore_join_under_operational(srp, join))
			join_process(srp, join);
		break;
	case SRP_STATE_GATHER:
		join_process(srp, join);
		break;
	/*
	 * COMMIT/RECOVERY: corosync processes the JOIN first and then gathers.
	 * Processing it with the agreement left over from the last GATHER can
	 * create (and send, and persist) a commit token that the gather entry
	 * right after abandons.  We gather first (agreement reset to {me}),
	 * then process the JOIN in GATHER: same sets, same JOINs sent.
	 */
	case SRP_STATE_COMMIT:
		if (srp_set_has(&srp->new_memb, join->system_from) &&
		    join->ring_seq >= srp->my_ring_id.seq) {
			srp_gather_enter(srp, SRP_GATHER_JOIN_IN_COMMIT);
			join_process(srp, join);
		}
		break;
	case SRP_STATE_RECOVERY:
		if (srp_set_has(&srp->new_memb, join->system_from) &&
		    join->ring_seq >= srp->my_ring_id.seq) {
			srp_recovery_token_loss(srp);
			join_process(srp, join);
		}
		break;
	}
}

void srp_foreign_message(struct srp *srp, uint32_t from)
{
	switch (srp->state) {
	case SRP_STATE_OPERATIONAL:
		if (srp_set_add(&srp->proc, from) < 0) {
			srp->stats.rx_msg_dropped++;
			return;
		}
		srp_gather_enter(srp, SRP_GATHER_FOREIGN_IN_OPERATIONAL);
		break;
	case SRP_STATE_GATHER:
		if (!srp_set_has(&srp->proc, from)) {
			if (srp_set_add(&srp->proc, from) < 0) {
				srp->stats.rx_msg_dropped++;
				return;
			}
			srp_gather_enter(srp, SRP_GATHER_FOREIGN_IN_GATHER);
		}
		break;
	case SRP_STATE_COMMIT:
	case SRP_STATE_RECOVERY:
		srp->stats.rx_msg_dropped++;
		break;
	}
}

void srp_merge_detect_receive(struct srp *srp, const struct srp_merge_detect *md)
{
	if (srp_ring_id_eq(&md->ring_id, &srp->my_ring_id))
		return;
	if (srp->state == SRP_STATE_OPERATIONAL || srp->state == SRP_STATE_GATHER)
		srp_foreign_message(srp, md->system_from);
}

void srp_merge_detect_send(struct srp *srp)
{
	struct srp_merge_detect md;
	int len;

	memset(&md, 0, sizeof(md));
	md.hdr.nodeid = srp->my_id;
	md.system_from = srp->my_id;
	md.ring_id = srp->my_ring_id;
	len = srp_wire_merge_detect_encode(&md, srp->txbuf, sizeof(srp->txbuf));
	assert(len > 0);
	srp->stats.memb_merge_detect_tx++;
	srp_out_mcast(srp, srp->txbuf, (size_t)len);
}
