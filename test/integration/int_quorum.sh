#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# votequorum on three nodes (own network namespaces, one knet link):
# Debian's corosync-quorumtool -s shows the same votes, quorum, flags, ring
# and membership on every node; after kill -9 of node 3 the two others
# stay quorate (2 of 3), after a kill -9 of node 2 the survivor is not
# quorate ("Activity blocked", exit 2).
# MIX lists the kinds of nodes 1..3: c = chorusd (default "c c c"),
# k = Debian's corosync 3.1.7.  QT_SAVE=DIR keeps each step's quorumtool
# output there (int_quorum_compat.sh diffs chorusd's against corosync's).
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
QUORUMTOOL=${QUORUMTOOL:-/usr/sbin/corosync-quorumtool}
[ -x "$QUORUMTOOL" ] || { echo "SKIP: no corosync-quorumtool"; exit 77; }
MIX=${MIX:-"c c c"}
case "$MIX" in *k*) [ -x "$COROSYNC" ] || { echo "SKIP: no $COROSYNC"; exit 77; } ;; esac
kind() { echo "$MIX" | cut -d' ' -f"$1"; }
mkdir -p "$IT_TMP/clients"

QUORUM_CONF="quorum {
	provider: corosync_votequorum
}"

it_cluster_setup 3 1 || { it_fail "namespaces"; it_done; exit 1; }
for n in 1 2 3; do
	if [ "$(kind "$n")" = c ]; then
		it_node_start "$n" "$QUORUM_CONF"
	else
		it_corosync_start "$n" "$QUORUM_CONF"
	fi || { it_fail "node $n ($(kind "$n")) starts"; it_done; exit 1; }
done

# qt N: corosync-quorumtool -s on node N, with its exit status last;
# the Date line dropped (it is the only time-dependent line).  With
# QT_OURLIBS=1 the tool runs on our libquorum, libvotequorum, libcmap,
# libcfg and libcorosync_common instead of Debian's.
qt() {
	if [ "${QT_OURLIBS:-0}" = 1 ]; then
		out=$(it_exec "$1" env LD_LIBRARY_PATH="$top_builddir/lib/.libs" \
			timeout 20 "$QUORUMTOOL" -s 2>&1)
	else
		out=$(it_exec "$1" timeout 20 "$QUORUMTOOL" -s 2>&1)
	fi
	rc=$?
	printf '%s\n' "$out" | grep -v '^Date:'
	echo "exit=$rc"
}

# norm: what must be equal on every node (the local marker and id removed)
norm() { grep -v '^Node ID:' | sed 's/ (local)$//'; }

# wait_qt N PATTERN: until node N's quorumtool output matches (quorum is
# decided at the end of the sync that follows a membership change).
wait_qt() {
	end=$(( $(date +%s) + 30 ))
	until qt "$1" | grep -q "$2"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

for n in 1 2 3; do
	wait_qt "$n" '^Nodes: *3$' || it_fail "node $n sees 3 nodes"
	wait_qt "$n" '^Total votes: *3$' || it_fail "node $n counts 3 votes"
	qt "$n" > "$IT_TMP/qt3.$n"
done
cat "$IT_TMP/qt3.1"
for n in 1 2 3; do
	grep -q '^exit=0$' "$IT_TMP/qt3.$n" && grep -q '^Quorate: *Yes$' "$IT_TMP/qt3.$n" &&
		grep -q '^Expected votes: *3$' "$IT_TMP/qt3.$n" &&
		grep -q '^Highest expected: *3$' "$IT_TMP/qt3.$n" &&
		grep -q '^Quorum: *2  $' "$IT_TMP/qt3.$n" &&
		grep -q '^Flags: *Quorate $' "$IT_TMP/qt3.$n" &&
		grep -q '^Nodes: *3$' "$IT_TMP/qt3.$n" &&
		grep -q '^Quorum provider: *corosync_votequorum$' "$IT_TMP/qt3.$n" &&
		grep -q "^Node ID: *$n\$" "$IT_TMP/qt3.$n" &&
		grep -q "^ *$n *1 node$n (local)\$" "$IT_TMP/qt3.$n" &&
		it_pass "node $n: quorate, 3 of 3 votes, quorum 2, itself local" ||
		{ it_fail "node $n: -s output"; cat "$IT_TMP/qt3.$n"; }
done
# runtime.votequorum.* as corosync-cmapctl shows it (compared with
# corosync's by int_quorum_compat.sh)
for n in 1 2 3; do
	it_exec "$n" timeout 20 corosync-cmapctl runtime.votequorum. > "$IT_TMP/cmap3.$n" 2>&1
	grep -q "^runtime.votequorum.this_node_id (u32) = $n\$" "$IT_TMP/cmap3.$n" &&
		it_pass "node $n: runtime.votequorum.this_node_id" ||
		{ it_fail "node $n: runtime.votequorum keys"; cat "$IT_TMP/cmap3.$n"; }
done

# The same tool on our client libraries prints the same (Debian's
# corosync nodes too: the libraries speak corosync's IPC).
for n in 1 2 3; do
	QT_OURLIBS=1 qt "$n" > "$IT_TMP/ours.$n"
	if diff -u "$IT_TMP/qt3.$n" "$IT_TMP/ours.$n"; then
		it_pass "node $n ($(kind "$n")): quorumtool on our libraries prints the same"
	else
		it_fail "node $n ($(kind "$n")): quorumtool on our libraries differs"
	fi
done
norm < "$IT_TMP/qt3.1" > "$IT_TMP/n1"
for n in 2 3; do
	norm < "$IT_TMP/qt3.$n" > "$IT_TMP/n$n"
	if diff -u "$IT_TMP/n1" "$IT_TMP/n$n"; then
		it_pass "node $n shows the same ring, votes, quorum, flags and members as node 1"
	else
		it_fail "node $n differs from node 1"
	fi
done

# One node killed: 2 of 3 votes keep quorum.
kill -KILL "$(it_node_pid 3)"
for n in 1 2; do
	wait_qt "$n" '^Nodes: *2$' || it_fail "node $n sees 2 nodes"
	wait_qt "$n" '^Total votes: *2$' || it_fail "node $n counts 2 votes"
	qt "$n" > "$IT_TMP/qt2.$n"
	grep -q '^exit=0$' "$IT_TMP/qt2.$n" && grep -q '^Quorate: *Yes$' "$IT_TMP/qt2.$n" &&
		grep -q '^Expected votes: *3$' "$IT_TMP/qt2.$n" &&
		grep -q '^Quorum: *2  $' "$IT_TMP/qt2.$n" &&
		grep -q '^Nodes: *2$' "$IT_TMP/qt2.$n" &&
		it_pass "node $n: still quorate with 2 of 3 votes" ||
		{ it_fail "node $n after one kill"; cat "$IT_TMP/qt2.$n"; }
done
norm < "$IT_TMP/qt2.1" > "$IT_TMP/m1"
norm < "$IT_TMP/qt2.2" > "$IT_TMP/m2"
diff -u "$IT_TMP/m1" "$IT_TMP/m2" && it_pass "nodes 1 and 2 agree after one kill" ||
	it_fail "nodes 1 and 2 disagree after one kill"

# Expected votes lowered to 2 on node 1 (RECONFIGURE to every node); 1 is
# refused (below the votes present).
out=$(it_exec 1 timeout 20 "$QUORUMTOOL" -e 1 2>&1)
rc=$?
it_eq "-e 1 refused" "1 Unable to set expected votes: CS_ERR_INVALID_PARAM" "$rc $out"
it_exec 1 timeout 20 "$QUORUMTOOL" -e 2 > /dev/null 2>&1
it_eq "-e 2 accepted" 0 "$?"
for n in 1 2; do
	wait_qt "$n" '^Expected votes: *2$' || it_fail "node $n: expected votes 2"
	qt "$n" > "$IT_TMP/qt2e.$n"
	grep -q '^Highest expected: *2$' "$IT_TMP/qt2e.$n" && grep -q '^Quorum: *2  $' "$IT_TMP/qt2e.$n" &&
		grep -q '^Quorate: *Yes$' "$IT_TMP/qt2e.$n" &&
		it_pass "node $n: expected 2, quorum 2, quorate" ||
		{ it_fail "node $n after -e 2"; cat "$IT_TMP/qt2e.$n"; }
done

# A second node killed: 1 of 3 votes, quorum lost.
kill -KILL "$(it_node_pid 2)"
wait_qt 1 '^Nodes: *1$' || it_fail "node 1 sees only itself"
wait_qt 1 '^Quorate: *No$' || it_fail "node 1 loses quorum"
qt 1 > "$IT_TMP/qt1.1"
cat "$IT_TMP/qt1.1"
grep -q '^exit=2$' "$IT_TMP/qt1.1" && grep -q '^Total votes: *1$' "$IT_TMP/qt1.1" &&
	grep -q '^Quorum: *2 Activity blocked$' "$IT_TMP/qt1.1" &&
	grep -q '^Flags: *$' "$IT_TMP/qt1.1" &&
	it_pass "node 1 alone: not quorate, activity blocked, exit 2" ||
	it_fail "node 1 alone"
it_check "node 1 logged the loss of quorum" \
	grep -q 'This node is within the non-primary component' "$IT_TMP/node1/log"
if [ -n "${QT_SAVE:-}" ]; then
	mkdir -p "$QT_SAVE"
	cp "$IT_TMP"/qt3.* "$IT_TMP"/qt2.* "$IT_TMP"/qt2e.* "$IT_TMP"/qt1.* "$IT_TMP"/cmap3.* \
		"$QT_SAVE/"
fi
it_done
