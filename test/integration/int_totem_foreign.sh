#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Foreign traffic on the links of a running ring (chorusd nodes in netns):
#   - a second cluster (another cluster_name, the same node ids 1 and 2, its
#     own addresses) on the same bridge forms its own ring; neither cluster
#     ever sees the other's nodes (knet drops datagrams of unlisted addresses,
#     block_unlisted_ips defaults to yes);
#   - random datagrams sent to the knet port, from an unlisted address and
#     from a listed one, change nothing: same ring id, no new membership, the
#     daemons live on (any that got past knet is counted in
#     stats.srp.rx_msg_dropped, printed for the record).
# "Nothing changes" is watched for token + consensus, the time the protocol
# would need to react to a foreign ring.
. "$top_srcdir/test/integration/lib.sh"
it_require_root

it_cluster_setup 5 1 || { it_fail "network setup"; it_done; exit 1; }
IT_CLUSTER=3                       # cluster A: nodes 1-3; 4 and 5 are cluster B
for n in 1 2 3; do it_node_start "$n" || it_fail "node $n starts"; done
it_wait_members 1 "1 2 3" 60
it_wait_members 3 "1 2 3" 60
it_eq "cluster A: ring of 1 2 3" "1 2 3" "$(it_members 1)"
ring=$(it_ring 1)
memb_lines() { grep -c 'A new membership' "$IT_TMP/node$1/log"; }
before1=$(memb_lines 1)
before3=$(memb_lines 3)
dropped() { it_exec "$1" /usr/sbin/corosync-cmapctl -m stats -q -g stats.srp.rx_msg_dropped; }
drop_before=$(dropped 1)

# Cluster B: node ids 1 and 2 on 192.168.60.4 and .5.
printf 'nodelist {\n\tnode {\n\t\tnodeid: 1\n\t\tring0_addr: 192.168.60.4\n\t}\n\tnode {\n\t\tnodeid: 2\n\t\tring0_addr: 192.168.60.5\n\t}\n}\n' \
	> "$IT_TMP/nodelist-b"
IT_CLUSTER_NAME=other IT_NODELIST_FILE="$IT_TMP/nodelist-b" it_node_start 4 ||
	it_fail "cluster B node 4 starts"
IT_CLUSTER_NAME=other IT_NODELIST_FILE="$IT_TMP/nodelist-b" it_node_start 5 ||
	it_fail "cluster B node 5 starts"
it_wait_members 4 "1 2" 60
it_eq "cluster B: its own ring of ids 1 2" "1 2" "$(it_members 4)"
it_check "cluster B's ring is not cluster A's" test "$(it_ring 4)" != "$ring"

# Random datagrams to node 1's knet port: 300 from an unlisted address (node
# 4's namespace) and 300 from a listed one (node 3's), 1..1400 bytes each.
junk() {
	it_exec "$1" "$top_builddir/test/integration/udp_junk" 192.168.60.1 5405 300 "$1"
}
junk 4 || it_fail "sending junk from an unlisted address"
junk 3 || it_fail "sending junk from a listed address"

token=3650
consensus=$((token * 12 / 10))
it_steady $(( (token + consensus) / 1000 + 1 )) "$before1" memb_lines 1
it_eq "cluster A: no new membership on node 1" "$before1" "$(memb_lines 1)"
it_eq "cluster A: no new membership on node 3" "$before3" "$(memb_lines 3)"
it_eq "cluster A: same ring id" "$ring" "$(it_ring 1)"
it_eq "cluster A: still 1 2 3" "1 2 3" "$(it_members 1)"
it_eq "cluster B: still 1 2" "1 2" "$(it_members 4)"
drop_after=$(dropped 1)
echo "node 1: stats.srp.rx_msg_dropped $drop_before -> $drop_after (junk that got past knet)"
for n in 1 2 3 4 5; do
	it_check "node $n is alive" it_node_alive "$n"
done
for n in 5 4 3 2 1; do
	it_eq "node $n exits 0 on SIGTERM" 0 "$(it_node_stop "$n")"
done
it_done
