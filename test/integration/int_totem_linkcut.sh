#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Two knet links per node; cutting one link of node 3 (its own veth down, or
# with CUT_SIDE=hub the bridge end) keeps the ring: no membership change, and
# node 3's traffic to node 1 moves to link 1.  LINK_MODE=passive (default) or
# active.  Timers are corosync's defaults for 3 nodes (token 3650 ms, knet
# ping interval 912 / timeout 1825 ms), as an operator would run them.
#
# Two knet 1.x behaviours shape the test (docs/compat.md, knet transport:
# "Link cut" and "Pong timeout back-off"):
# - the pong timeout of a link is multiplied by a back-off that starts at 10
#   when the link is configured and drops by 1 a second, so during the first
#   ~10 s after a node started knet needs up to 18 s (> token) to declare a
#   cut link down.  The cut is made once that is over (SETTLE seconds after
#   node 3 started; nothing observable marks it, hence a bounded delay).
# - a send error on one link (ENETUNREACH once the local interface is down)
#   makes knet drop the whole datagram, for the other links too, in active
#   mode as well.  transport_knet.c resets such a link so that traffic fails
#   over at once; this is what the node-side cut exercises.
. "$top_srcdir/test/integration/lib.sh"
it_require_root
LINK_MODE=${LINK_MODE:-passive}
CUT_SIDE=${CUT_SIDE:-node}
SETTLE=${SETTLE:-12}
TOKEN=3650      # 3000 + (3 - 2) x 650: the token timeout of a 3-node nodelist
CONSENSUS=4380  # 1.2 x token

it_cluster_setup 3 2 || { it_fail "network setup"; it_done; exit 1; }
for n in 1 2 3; do
	it_node_start "$n" "totem {" "	link_mode: $LINK_MODE" "}" || it_fail "node $n starts"
done
started3=$(date +%s)
it_wait_members 1 "1 2 3" 60
it_eq "three nodes on two links" "1 2 3" "$(it_members 1)"

# stat N KEY: one value of node N's stats map (empty when absent).
stat() { it_exec "$1" /usr/sbin/corosync-cmapctl -m stats -q -g "$2" 2>/dev/null; }
links_up() {
	for a in 1 2 3; do
		for b in 1 2 3; do
			[ "$a" = "$b" ] && continue
			for l in 0 1; do
				[ "$(stat "$a" "stats.knet.node$b.link$l.connected")" = 1 ] || return 1
			done
		done
	done
}
# Until CMD succeeds or SECONDS pass.
wait_for() {
	secs=$1
	shift
	end=$(( $(date +%s) + secs ))
	until "$@"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
wait_for 30 links_up
it_check "both links up between all nodes" links_up
now=$(date +%s)
[ "$now" -lt $((started3 + SETTLE)) ] && sleep $((started3 + SETTLE - now))

memberships() { grep -c 'A new membership' "$IT_TMP/node$1/log"; }
before1=$(memberships 1) before3=$(memberships 3)
op_before=$(stat 1 stats.srp.operational_entered)
tx1_before=$(stat 3 stats.knet.node1.link1.tx_data_packets)
rx1_before=$(stat 1 stats.knet.node3.link1.rx_data_packets)
it_link_set 3 0 down "$CUT_SIDE"
t_cut=$(date +%s)

# knet on nodes 1 and 2 notices that link 0 to node 3 is gone (pong timeout)
# and node 3 no longer uses its link 0 (reset, or pong timeout).
link0_gone() {
	[ "$(stat 1 stats.knet.node3.link0.connected)" != 1 ] &&
		[ "$(stat 2 stats.knet.node3.link0.connected)" != 1 ] &&
		[ "$(stat 3 stats.knet.node1.link0.connected)" != 1 ]
}
it_check "knet notices the cut link" wait_for 20 link0_gone
t_gone=$(date +%s)
echo "link 0 of node 3 gone after $((t_gone - t_cut)) s"
# A token lost around the cut shows up as a new ring within token +
# consensus; watch that long (plus a stats refresh) after knet noticed.
it_steady $(( t_gone + (TOKEN + CONSENSUS) / 1000 + 2 - $(date +%s) )) "$before1" memberships 1
it_eq "no membership change on node 1" "$before1" "$(memberships 1)"
it_eq "no membership change on node 3" "$before3" "$(memberships 3)"
it_eq "node 3 still a member" "1 2 3" "$(it_members 1)"
it_eq "ring not re-formed (stats.srp.operational_entered)" "$op_before" \
	"$(stat 1 stats.srp.operational_entered)"
tx1_after=$(stat 3 stats.knet.node1.link1.tx_data_packets)
rx1_after=$(stat 1 stats.knet.node3.link1.rx_data_packets)
echo "node 3 -> node 1 on link 1: tx $tx1_before -> $tx1_after, rx at node 1 $rx1_before -> $rx1_after"
it_check "node 3 sends to node 1 over link 1" [ "${tx1_after:-0}" -gt "${tx1_before:-0}" ]
it_check "node 1 receives from node 3 over link 1" [ "${rx1_after:-0}" -gt "${rx1_before:-0}" ]

it_link_set 3 0 up "$CUT_SIDE"
link0_back() {
	[ "$(stat 1 stats.knet.node3.link0.connected)" = 1 ] &&
		[ "$(stat 3 stats.knet.node1.link0.connected)" = 1 ]
}
it_check "link 0 comes back" wait_for 30 link0_back
it_eq "no membership change after the link came back" "$before1" "$(memberships 1)"

for n in 1 2 3; do
	it_eq "node $n exits 0 on SIGTERM" 0 "$(it_node_stop "$n")"
done
it_done
