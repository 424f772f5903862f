#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Pacemaker's view of votequorum's special modes on chorusd nodes:
# 2 nodes with two_node: 1 keep quorum when one chorusd is killed (-9);
# 3 nodes with wait_for_all: 1 are not quorate with 2 of 3 at first start
# (although 2 votes are a majority), and become quorate once the third
# joins.  Skipped (77) with a message where Pacemaker is not installed.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/pcmk_lib.sh"
it_require_root
pm_require

online_q() {
	n=$1
	shift
	want="Online: \[ $(for m in "$@"; do printf 'node%s ' "$m"; done)\]"
	pm_mon "$n" | grep -q "$want" && pm_mon "$n" | grep -q "partition with quorum"
}
no_quorum() { pm_mon "$1" | grep -q "partition WITHOUT quorum"; }
qflags() { pm_exec "$1" corosync-quorumtool -s 2>/dev/null | sed -n 's/^Flags: *//p' | sed 's/ *$//'; }
quorate_line() { pm_exec "$1" corosync-quorumtool -s 2>/dev/null | sed -n 's/^Quorate: *//p'; }

# ---- two_node: nodes 1 and 2 ----
it_cluster_setup 3 1 || { it_fail "namespaces"; it_done; exit 1; }
IT_CLUSTER=2   # the nodelist names nodes 1 and 2 only
for n in 1 2 3; do pm_node_setup "$n" || { it_fail "node $n namespaces"; it_done; exit 1; }; done
for n in 1 2; do
	pm_chorusd_start "$n" "$(it_config "$n" "quorum {" "	provider: corosync_votequorum" \
		"	two_node: 1" "}")"
done
ok=1
for n in 1 2; do it_wait_members "$n" "1 2" 60 || ok=0; done
it_check "two_node: 2 chorusd nodes form one membership" [ "$ok" = 1 ]
for n in 1 2; do pm_pcmk_start "$n"; done
it_check "two_node: crm_mon: node1 node2 online, partition with quorum" pm_wait 240 online_q 1 1 2
it_eq "two_node: corosync-quorumtool flags" "2Node Quorate WaitForAll" "$(qflags 1)"
kill -KILL "$(it_node_pid 2)"
offline2() { pm_mon 1 | grep -q "OFFLINE: \[ node2 \]"; }
it_check "two_node: kill -9 of chorusd on node 2: node2 OFFLINE on node 1" pm_wait 60 offline2
it_eq "two_node: node 1 keeps quorum (crm_node -q)" 1 "$(pm_exec 1 crm_node -q 2>/dev/null)"
it_check "two_node: crm_mon on node 1: partition with quorum" online_q 1 1
for n in 1 2; do pm_pcmk_stop "$n"; done
it_eq "two_node: chorusd on node 1 stops on SIGTERM with status 0" 0 "$(it_node_stop 1)"

# ---- wait_for_all: nodes 1, 2, 3 (fresh state: ev_tracking, CIB) ----
IT_CLUSTER=3
for n in 1 2 3; do
	rm -rf "$IT_TMP/node$n/state"/* "$IT_TMP/node$n/pcmk/lib/cib"/cib.xml.sig \
		"$IT_TMP/node$n/pcmk/lib/cib"/cib-*
	: > "$IT_TMP/node$n/log"
done
for n in 1 2; do
	pm_chorusd_start "$n" "$(it_config "$n" "quorum {" "	provider: corosync_votequorum" \
		"	wait_for_all: 1" "}")"
done
ok=1
for n in 1 2; do it_wait_members "$n" "1 2" 60 || ok=0; done
it_check "wait_for_all: nodes 1 and 2 form a membership" [ "$ok" = 1 ]
for n in 1 2; do pm_pcmk_start "$n"; done
it_check "wait_for_all: crm_mon on node 1: partition WITHOUT quorum with 2 of 3" \
	pm_wait 240 no_quorum 1
it_eq "wait_for_all: corosync-quorumtool: not quorate" No "$(quorate_line 1)"
it_eq "wait_for_all: corosync-quorumtool flags" "WaitForAll" "$(qflags 1)"
pm_chorusd_start 3 "$(it_config 3 "quorum {" "	provider: corosync_votequorum" "	wait_for_all: 1" "}")"
it_check "wait_for_all: node 3 joins" it_wait_members 3 "1 2 3" 60
pm_pcmk_start 3
it_check "wait_for_all: crm_mon: all three online, partition with quorum" pm_wait 240 online_q 1 1 2 3
it_eq "wait_for_all: corosync-quorumtool: quorate" Yes "$(quorate_line 1)"
for n in 1 2 3; do pm_pcmk_stop "$n"; done
it_done
