#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Pacemaker 2.1 (Debian's packages, unmodified) on 3 chorusd nodes with
# votequorum: every node online with quorum in crm_mon; an
# ocf:pacemaker:Dummy resource starts; kill -9 of the chorusd of the node
# that runs it: the other two keep quorum and run the resource; chorusd
# restarts there and the node comes back online.  Then 2 nodes with
# two_node: the survivor of a kill -9 keeps quorum.
# Skipped (77) with a message where Pacemaker is not installed.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/pcmk_lib.sh"
it_require_root
pm_require

QUORUM='quorum {
	provider: corosync_votequorum
}'

it_cluster_setup 3 1 || { it_fail "namespaces"; it_done; exit 1; }
for n in 1 2 3; do
	pm_node_setup "$n" || { it_fail "node $n namespaces"; it_done; exit 1; }
	pm_chorusd_start "$n" "$(it_config "$n" "$QUORUM")"
done
ok=1
for n in 1 2 3; do it_wait_members "$n" "1 2 3" 60 || ok=0; done
it_check "3 chorusd nodes form one membership" [ "$ok" = 1 ]

quorate() { pm_exec "$1" corosync-quorumtool -s 2>/dev/null | grep -q '^Quorate: *Yes'; }
pm_wait 30 quorate 1
it_check "corosync-quorumtool -s on node 1: quorate" quorate 1

for n in 1 2 3; do pm_pcmk_start "$n"; done
online() {
	want="Online: \[ $(for n in "$@"; do printf 'node%s ' "$n"; done)\]"
	pm_mon "$mon_node" | grep -q "$want" && pm_mon "$mon_node" | grep -q "partition with quorum"
}
mon_node=1
if pm_wait 240 online 1 2 3; then
	it_pass "crm_mon -1: node1 node2 node3 online, partition with quorum"
else
	it_fail "not all nodes online with quorum"
	pm_mon 1
fi
for n in 1 2 3; do
	it_eq "crm_node -q on node $n (has quorum)" 1 "$(pm_exec "$n" crm_node -q 2>/dev/null)"
done
it_eq "crm_node -n on node 2 (its name, from the nodelist through cmap)" node2 \
	"$(pm_exec 2 crm_node -n 2>/dev/null)"
it_eq "crm_node -l lists the three nodes" "node1 node2 node3" \
	"$(pm_exec 1 crm_node -l 2>/dev/null | awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//')"

pm_exec 1 cibadmin --create -o resources --xml-text \
	'<primitive id="dummy" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="dummy-mon" name="monitor" interval="5s"/></operations></primitive>' \
	> /dev/null 2>&1
# where_dummy M: the node running dummy, as crm_mon on node M sees it
where_dummy() {
	pm_mon "$1" | sed -n 's/.*\* dummy[[:space:]]*(ocf:pacemaker:Dummy):[[:space:]]*Started node\([0-9]*\).*/\1/p'
}
started() { [ -n "$(where_dummy "$mon_node")" ]; }
if pm_wait 60 started; then
	it_pass "ocf:pacemaker:Dummy started"
else
	it_fail "Dummy not started"
	pm_mon 1
fi
x=$(where_dummy 1)
[ -n "$x" ] || x=3
others=$(for n in 1 2 3; do [ "$n" != "$x" ] && printf '%s ' "$n"; done)
set -- $others
a=$1 b=$2

kill -KILL "$(it_node_pid "$x")"
mon_node=$a
offline() { pm_mon "$mon_node" | grep -q "OFFLINE: \[ node$x \]"; }
moved() { y=$(where_dummy "$mon_node"); [ -n "$y" ] && [ "$y" != "$x" ]; }
it_check "kill -9 of chorusd on node $x: node$x OFFLINE on node $a" pm_wait 60 offline
it_eq "node $a keeps quorum" 1 "$(pm_exec "$a" crm_node -q 2>/dev/null)"
it_eq "node $b keeps quorum" 1 "$(pm_exec "$b" crm_node -q 2>/dev/null)"
it_check "dummy runs on node $a or $b" pm_wait 60 moved

pm_chorusd_start "$x" "$IT_TMP/node$x/chorus.conf"
it_check "chorusd restarted on node $x rejoins the membership" it_wait_members "$x" "1 2 3" 60
mon_node=$a
it_check "node$x online again in crm_mon (pacemaker reconnected)" pm_wait 180 online 1 2 3
# crm_mon on node $a shows node $x online once the DC has it as a member;
# node $x's own controller may still be finishing its join and answer
# crm_node with an error (empty output) for a moment: wait for its answer
quorate_x() { [ "$(pm_exec "$x" crm_node -q 2>/dev/null)" = 1 ]; }
if pm_wait 30 quorate_x; then
	it_pass "crm_node -q on node $x: 1"
else
	it_fail "crm_node -q on node $x: [$(pm_exec "$x" crm_node -q 2>&1)]"
fi
for n in 1 2 3; do pm_pcmk_stop "$n"; done
for n in 1 2 3; do
	it_eq "chorusd on node $n stops on SIGTERM with status 0" 0 "$(it_node_stop "$n")"
done

it_done
