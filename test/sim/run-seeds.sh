#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The fixed seed list of `make check-sim`: seeds 1..SIM_SEEDS (default 500)
# of the whole stack (srp + totempg + host + sync + cmap, cfg, CPG with fake
# clients, quorum, votequorum),
# node count, faults and duration derived from each seed, split over
# SIM_JOBS (default 2) processes.  Then the pinned regressions: srp engine
# bugs in --srp-only mode (the mode they were found in) and stack bugs;
# SIM_PINNED=no leaves them out (distcheck, which tests the tarball).
# Prints every failing seed with the command that replays it, and the share
# of seeds with CPG deliveries in a transitional configuration; exit 0 only
# when every seed passed.
set -u
TOTEMSIM=${TOTEMSIM:-${top_builddir:-.}/test/sim/totemsim}
SEEDS=${SIM_SEEDS:-500}
JOBS=${SIM_JOBS:-2}
if [ ! -x "$TOTEMSIM" ]; then
	echo "run-seeds: $TOTEMSIM not built" >&2
	exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-seeds.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

export TMPD="$tmp"
# Pinned regressions with explicit options (each replays one fixed bug; see
# README.md "Pinned seeds"): one totemsim command line per line.
pinned() {
	sed -n '/^--/p' <<'PINNED'
--seed=106 --nodes=4 --faults=dup,asym,clog,crash --duration-ms=9342 --srp-only
--seed=388 --nodes=10 --faults=partition,swizzle,pause --duration-ms=9711 --srp-only
--seed=99 --nodes=12 --faults=loss,reorder,asym,isolate,pause --duration-ms=15123 --srp-only
--seed=166 --nodes=14 --faults=dup,partition,isolate,swizzle,crash --duration-ms=16114 --srp-only
--seed=293 --nodes=14 --faults=asym,swizzle --duration-ms=17801 --srp-only
--seed=378 --nodes=15 --faults=loss,reorder,partition,asym,isolate,swizzle,pause --duration-ms=17293 --srp-only
--seed=252584424631159 --nodes=13 --faults=reorder,asym,isolate,clog --duration-ms=11169 --srp-only
--seed=97078654626651 --nodes=13 --faults=dup,reorder,isolate,pause --duration-ms=10518 --srp-only
--seed=196216894681352 --nodes=16 --faults=reorder,isolate,clog,crash --duration-ms=18579 --srp-only
--seed=20550798750403 --nodes=13 --faults=loss,isolate --duration-ms=18214 --srp-only
--seed=108949969198438 --nodes=7 --faults=partition,asym,isolate,clog,swizzle,crash,pause --duration-ms=14741 --srp-only
--seed=68028522735042 --nodes=10 --faults=dup,reorder,asym,clog,crash,pause --duration-ms=8706 --srp-only
--seed=646 --nodes=13 --faults=dup,asym,swizzle,pause --duration-ms=9263 --srp-only
--seed=1809 --nodes=14 --faults=dup,partition,asym,pause --duration-ms=17642 --srp-only
--seed=91790763380104 --nodes=16 --faults=loss,reorder,partition,swizzle,pause --duration-ms=14643 --srp-only
--seed=1000234 --nodes=13 --faults=dup,reorder,partition,asym,crash,pause --duration-ms=9441 --srp-only
--seed=1002025 --nodes=15 --faults=loss,dup,reorder,partition,asym,isolate --duration-ms=11264 --srp-only
--seed=1003291 --nodes=9 --faults=reorder,partition,isolate,clog,crash --duration-ms=6875 --srp-only
--seed=186687222218384 --nodes=11 --faults=partition,isolate,clog,crash,pause --duration-ms=16677 --srp-only
--seed=60410895374662 --nodes=2 --faults=loss,dup,asym,pause --duration-ms=8386 --srp-only
--seed=230783286856173 --nodes=2 --faults=loss,dup,asym,pause --duration-ms=8244 --srp-only
--seed=264973376412639 --nodes=2 --faults=dup,partition,asym,isolate,crash,pause --duration-ms=17147 --srp-only
--seed=29 --nodes=5 --faults=partition,asym,isolate,clog,crash --duration-ms=18011
--seed=42 --nodes=5 --faults=dup,reorder,isolate,clog,swizzle --duration-ms=13685
--seed=52 --nodes=8 --faults=loss,partition,clog,crash --duration-ms=12527
--seed=1771 --nodes=8 --faults=loss,crash --duration-ms=10181
--seed=1792 --nodes=5 --faults=loss,partition,isolate,clog,swizzle,crash --duration-ms=12748
--seed=277 --nodes=13 --faults=partition,clog,swizzle,pause,ragged --duration-ms=18390
# A process joining a group while a fragmented message (PARTIAL_MCAST) is in
# progress: before cpg_service/cpg_partial.c its libcpg got only the later
# fragments and the older members' histories differed from its own (8, 27,
# 176: fragments replayed to the joiner; 289: a node merged in after the
# FIRST, the message is cut; 30: a LAST not of the assembly in progress)
--seed=8 --nodes=11 --faults=isolate,pause,libcpg,ragged --duration-ms=7439
--seed=27 --nodes=13 --faults=dup,swizzle,crash,pause,foreign,libcpg,ragged --duration-ms=15090
--seed=176 --nodes=6 --faults=partition,pause,late,jitter,libcpg --duration-ms=17171
--seed=289 --nodes=13 --faults=reorder,clog,crash,pause,late,foreign,libcpg,ragged --duration-ms=12152
--seed=30 --nodes=13 --faults=reorder,partition,asym,isolate,swizzle,pause,foreign,libcpg,ragged --duration-ms=17578
# Once with all services (above: a new run with the same options), once as they
# were found, with the CPG service alone (--services=cpg replays that run).
--seed=29 --nodes=5 --faults=partition,asym,isolate,clog,crash --duration-ms=18011 --services=cpg
--seed=42 --nodes=5 --faults=dup,reorder,isolate,clog,swizzle --duration-ms=13685 --services=cpg
--seed=52 --nodes=8 --faults=loss,partition,clog,crash --duration-ms=12527 --services=cpg
--seed=1771 --nodes=8 --faults=loss,crash --duration-ms=10181 --services=cpg
--seed=1792 --nodes=5 --faults=loss,partition,isolate,clog,swizzle,crash --duration-ms=12748 --services=cpg
--seed=277 --nodes=13 --faults=partition,clog,swizzle,pause,ragged --duration-ms=18390 --services=cpg
--seed=8 --nodes=11 --faults=isolate,pause,libcpg,ragged --duration-ms=7439 --services=cpg
--seed=27 --nodes=13 --faults=dup,swizzle,crash,pause,foreign,libcpg,ragged --duration-ms=15090 --services=cpg
--seed=176 --nodes=6 --faults=partition,pause,late,jitter,libcpg --duration-ms=17171 --services=cpg
--seed=289 --nodes=13 --faults=reorder,clog,crash,pause,late,foreign,libcpg,ragged --duration-ms=12152 --services=cpg
--seed=30 --nodes=13 --faults=reorder,partition,asym,isolate,swizzle,pause,foreign,libcpg,ragged --duration-ms=17578 --services=cpg
# A crashed client's PROCLEAVE sent between CPG's sync and votequorum's (through
# the transitional queue, ahead of its PROCJOIN queued in a long GATHER)
--seed=118 --nodes=11 --faults=none --duration-ms=13645
# wait_for_all: a decision in the middle of a sync (a member's NODEINFO still
# to come) set wait_for_all_status again; a node of the quorate partition then
# waited for all nodes for good while its merged peers were quorate (found by
# the quorum checker in the hour's soak; services/votequorum, decide())
--seed=277885590933814 --nodes=8 --faults=asym,clog,crash,jitter,ragged --duration-ms=15174
--seed=263394255533044 --nodes=12 --faults=swizzle,crash,leave,jitter,ragged --duration-ms=16744
# ... and a quorate node that had counted only some of its merged peers'
# NODEINFOs when it sent its own said "not quorate" in it, so the peers that
# waited for all were not released while it was quorate (the soak, 2026-12-07;
# services/votequorum, send_nodeinfo; check_votequorum's
# wfa_merge_nodeinfo_says_settled_quorate fails without the fix)
--seed=235135044368973 --nodes=5 --faults=dup,isolate,clog,crash,late,jitter,libcpg,ragged --duration-ms=15223
# The CPG checker: a node down and up twice in one epoch gives the same confchg
# twice; its key must not collide (test/sim/sim_cpg_check.c, win_add)
--seed=12685980250379 --nodes=9 --faults=dup,reorder,swizzle,late,libcpg,ragged --duration-ms=17588
# A node alone in its transitional configuration after a ragged partition
# re-sent its 5,673 old-ring messages in RECOVERY: an event storm (the soak,
# 2026-12-07, at c9f611a; since the rep uses its held token the run takes
# another course and passes without the fix too, as do the three below:
# check_srp's
# test_alone_does_not_reoriginate is the test that fails without it;
# totemsrp/srp_recovery.c, srp_recovery_enter)
--seed=196864835613181 --nodes=15 --faults=partition,clog,swizzle,jitter,ragged --duration-ms=9803
# The same soak, same course since: a merge cut a PROCJOIN (dropped everywhere)
# while the MCASTs behind it went through, and CPG delivered them by node, out
# of view (cpg_service/cpg_groups.c, cpg_exec_mcast: by process now) ...
--seed=187472129711508 --nodes=12 --faults=asym,crash,pause,libcpg,ragged --duration-ms=14364
--seed=9673757647861 --nodes=9 --faults=dup,reorder,partition,isolate,late,jitter,foreign,libcpg,ragged --duration-ms=6605
# ... and a crashed client's PROCLEAVE cut by a merge left its process in the
# group for good (cpg_service/cpg_sync.c, resend_lost_leaves; the tests that
# fail without these fixes are check_cpg_service's test_mcast_unknown_process
# and test_sync_resends_lost_leave)
--seed=50001540110935 --nodes=16 --faults=dup,reorder,asym,crash,jitter,libcpg,ragged --duration-ms=5547
# The rep that took its own held token back (hold_reuse) freed up to the aru
# the aru_addr node had just raised above a member still missing a message;
# RECOVERY left that message to the rep, which no longer had it (totemsrp/
# srp_token.c, hold_reuse; check_srp's test_hold_reuse_keeps_missing)
--seed=241940271334246 --nodes=13 --faults=dup,pause,late,leave,jitter,libcpg,ragged --duration-ms=17750
# RECOVERY never ended: the token overtook the old-ring copies a member had
# just re-sent, the next member sent them again, and the doubled copies of
# 11,248 old messages filled the recovery window (totemsrp/srp_mcast.c,
# resend_shared; check_srp's test_recovery_resends_shared_once)
--seed=171227518984771 --nodes=12 --faults=dup,partition,asym,leave,ragged --duration-ms=18476
# The CPG checker: a merge cut a client's PROCJOIN while all its 9 MCASTs were
# queued behind it; they were dropped everywhere as from a non-member before
# the copy of the join came in (the loss docs/compat.md describes), and the
# end check allowed only one lost message (test/sim/sim_cpg_check.c, join_cut;
# check_sim_checkers' test_cpg_final_join_cut)
--seed=64915546370179 --nodes=7 --faults=partition,clog,swizzle,late,leave,libcpg,ragged --duration-ms=16397
# Not an engine bug: an "event storm" that was a swizzle-clog releasing the
# datagrams n14 sent as a ring of one over 2.3 s (~3,000 a second to each of
# 13 peers) all at t=19812; datagrams held by a clog or pause no longer count
# towards the storm limits (test/sim/sim_world.c, sim_run)
--seed=24481950483691 --nodes=14 --faults=asym,isolate,swizzle,late,leave,jitter,ragged --duration-ms=11290
PINNED
}

# One job list, run SIM_JOBS at a time: the fixed seeds in chunks of 25,
# then the pinned regressions above.  Small jobs keep both processes busy to
# the end; each writes its output to out.NAME and its exit code to rc.NAME.
CHUNK=25
first=1
n=0
while [ "$first" -le "$SEEDS" ]; do
	last=$(( first + CHUNK - 1 ))
	[ "$last" -gt "$SEEDS" ] && last=$SEEDS
	echo "s$n --seeds=$first-$last"
	n=$((n + 1))
	first=$((last + 1))
done > "$tmp/jobs"
chunks=$n
if [ "${SIM_PINNED:-yes}" = no ]; then
	: > "$tmp/pinned"
else
	pinned > "$tmp/pinned"
fi
n=0
while read -r args; do
	echo "p$n $args"
	n=$((n + 1))
done < "$tmp/pinned" >> "$tmp/jobs"
# shellcheck disable=SC2016
xargs -L 1 -P "$JOBS" sh -c \
	'name=$1; shift; "$0" "$@" > "$TMPD/out.$name" 2>&1; echo $? > "$TMPD/rc.$name"' \
	"$TOTEMSIM" < "$tmp/jobs" || true

# Seeds of open engine bugs (test/sim/known-failing.txt: "seed reason"):
# their failure is reported as a known failure, not counted as a pass; a
# known seed that passes is reported so that it can leave the list.
known=$(sed -n 's/^\([0-9][0-9]*\).*/\1/p' "$(dirname "$0")/known-failing.txt" 2>/dev/null)
is_known() {
	for k in $known; do [ "$k" = "$1" ] && return 0; done
	return 1
}

passed=0
failed=0
xfail=0
i=0
while [ "$i" -lt "$chunks" ]; do
	trans=$(sed -n 's/^delivered in a transitional configuration: srp \([0-9]*\) of .*/\1/p' "$tmp/out.s$i")
	trans_total=$(( ${trans_total:-0} + ${trans:-0} ))
	trans=$(sed -n 's/^delivered in a transitional configuration: .*, CPG \([0-9]*\) .*/\1/p' "$tmp/out.s$i")
	cpg_trans_total=$(( ${cpg_trans_total:-0} + ${trans:-0} ))
	replays=$(grep -c ' replayed=' "$tmp/out.s$i")
	replay_total=$(( ${replay_total:-0} + replays ))
	if ! grep -q '^[0-9]* passed, [0-9]* failed$' "$tmp/out.s$i"; then
		echo "run-seeds: a totemsim process died; its output:"
		tail -n 20 "$tmp/out.s$i"
		failed=$((failed + 1))
	fi
	while read -r line; do
		seed=$(printf '%s\n' "$line" | sed -n 's/^seed=\([0-9]*\) .*/\1/p')
		case "$line" in
		*" OK "*)
			passed=$((passed + 1))
			is_known "$seed" && echo "run-seeds: known-failing seed $seed passes now; take it off test/sim/known-failing.txt"
			;;
		*" FAIL")
			if is_known "$seed"; then
				xfail=$((xfail + 1))
				echo "run-seeds: known failure: $line"
			else
				failed=$((failed + 1))
				grep -A2 -F "$line" "$tmp/out.s$i"
			fi
			;;
		esac
	done < "$tmp/out.s$i"
	i=$((i + 1))
done
i=0
while read -r args; do
	if [ "$(cat "$tmp/rc.p$i" 2>/dev/null)" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "run-seeds: pinned regression failed: $TOTEMSIM $args"
		grep -A2 ' FAIL$' "$tmp/out.p$i"
	fi
	i=$((i + 1))
done < "$tmp/pinned"
echo "run-seeds: delivered in a transitional configuration: srp in ${trans_total:-0} of $SEEDS seeds ($(( ${trans_total:-0} * 100 / SEEDS )) %), CPG in ${cpg_trans_total:-0} ($(( ${cpg_trans_total:-0} * 100 / SEEDS )) %)"
echo "run-seeds: fragments of messages in progress replayed to joiners in ${replay_total:-0} of $SEEDS seeds"
echo "run-seeds: seeds 1-$SEEDS + $(wc -l < "$tmp/pinned") pinned; $xfail known failures (open engine bugs, not counted as passed)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
