#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The common Pacemaker setup, two nodes with two_node (and so wait_for_all):
# run once on two chorusd nodes and once on two Debian corosync 3.1.7 nodes;
# at every step Debian's corosync-quorumtool -s must print the same on both
# kinds (Date dropped, ring sequence normalised):
#   both up (quorum 1, flags 2Node Quorate WaitForAll);
#   node 2 killed with -9: node 1 stays quorate alone;
#   node 1 restarted alone: wait_for_all keeps it inquorate (exit 2).
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
QUORUMTOOL=${QUORUMTOOL:-/usr/sbin/corosync-quorumtool}
[ -x "$QUORUMTOOL" ] && [ -x "$COROSYNC" ] || { echo "SKIP: no corosync/quorumtool"; exit 77; }
mkdir -p "$IT_TMP/clients"
CONF="quorum {
	provider: corosync_votequorum
	two_node: 1
}"

qt() {
	out=$(it_exec "$1" timeout 20 "$QUORUMTOOL" -s 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^Date:' |
		sed 's/^\(Ring ID: *[0-9a-f]*\)\.[0-9a-f]*$/\1.X/'
	echo "exit=$rc"
}
wait_qt() {
	end=$(( $(date +%s) + 30 ))
	until qt "$1" | grep -q "$2"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
start() {
	if [ "$1" = c ]; then it_node_start "$2" "$CONF"; else it_corosync_start "$2" "$CONF"; fi
}

# Two nodes 1 and 2 of kind $1 (c or k) in namespaces "$1"1, "$1"2.
it_cluster_setup 2 1 || { it_fail "namespaces"; it_done; exit 1; }
for kind in c k; do
	for n in 1 2; do
		start "$kind" "$n" || { it_fail "$kind node $n starts"; it_done; exit 1; }
	done
	for n in 1 2; do
		wait_qt "$n" '^Nodes: *2$' || it_fail "$kind node $n sees 2 nodes"
		qt "$n" > "$IT_TMP/$kind.both.$n"
	done
	kill -KILL "$(it_node_pid 2)"
	wait_qt 1 '^Nodes: *1$' || it_fail "$kind node 1 sees itself alone"
	qt 1 > "$IT_TMP/$kind.alone.1"
	kill -KILL "$(it_node_pid 1)"
	until [ -f "$IT_TMP/node1/exit" ]; do sleep 0.05; done
	start "$kind" 1 || it_fail "$kind node 1 restarts"
	wait_qt 1 '^Nodes: *1$' || it_fail "$kind node 1 restarted alone"
	qt 1 > "$IT_TMP/$kind.restart.1"
	kill -KILL "$(it_node_pid 1)"
	until [ -f "$IT_TMP/node1/exit" ]; do sleep 0.05; done
	until [ -f "$IT_TMP/node2/exit" ]; do sleep 0.05; done
done

cat "$IT_TMP/c.both.1" "$IT_TMP/c.restart.1"
grep -q '^Flags: *2Node Quorate WaitForAll $' "$IT_TMP/c.both.1" &&
	grep -q '^Quorum: *1  $' "$IT_TMP/c.both.1" && it_pass "chorusd: two_node flags and quorum 1" ||
	it_fail "chorusd: two_node flags"
grep -q '^Quorate: *Yes$' "$IT_TMP/c.alone.1" && it_pass "chorusd: the survivor stays quorate" ||
	it_fail "chorusd: the survivor"
grep -q '^exit=2$' "$IT_TMP/c.restart.1" && grep -q '^Flags: *2Node WaitForAll $' "$IT_TMP/c.restart.1" &&
	it_pass "chorusd: restarted alone, waits for all" || it_fail "chorusd: wait_for_all after restart"
for f in both.1 both.2 alone.1 restart.1; do
	if diff -u "$IT_TMP/k.$f" "$IT_TMP/c.$f"; then
		it_pass "$f: chorusd prints what corosync prints"
	else
		it_fail "$f differs (- corosync, + chorusd)"
	fi
done
it_done
