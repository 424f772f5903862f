#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's corosync-notifyd (-f -o -n: foreground, events on stdout) on node
# 1 of 3 nodes: node 3 stops and comes back.  RUNS lists the clusters, each
# a MIX of the kinds of nodes 1..3 (c = chorusd, k = Debian's corosync
# 3.1.7), "|" between them; default: 3 chorusd, then 3 corosync nodes.  The
# quorum, membership and link notifications must be the same as with 3
# corosync nodes (compared after removing pointers and pids); IPC connection
# notifications (stats.ipcs. tracking) must appear with every kind.
# int_notifyd_mixed.sh runs the mixed rings.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
NOTIFYD=/usr/sbin/corosync-notifyd
DEB_CMAPCTL=/usr/sbin/corosync-cmapctl
[ -x "$COROSYNC" ] && [ -x "$NOTIFYD" ] && [ -x "$DEB_CMAPCTL" ] ||
	{ echo "SKIP: no Debian corosync / corosync-notifyd"; exit 77; }

it_cluster_setup 3 1 || { it_fail "cluster setup"; it_done; exit 1; }
QUORUM='quorum {
	provider: corosync_votequorum
}'

RUNS=${RUNS:-"c c c|k k k"}

start() {
	if [ "$1" = c ]; then
		it_node_start "$2" "$QUORUM"
	else
		it_corosync_start "$2" "$QUORUM"
	fi
}

# wait_for FILE PATTERN: until a line of FILE matches (30 s at most).
wait_for() {
	end=$(( $(date +%s) + 30 ))
	until grep -q "$2" "$1" 2>/dev/null; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

joined() {
	it_exec "$1" "$DEB_CMAPCTL" -b runtime.members. 2>/dev/null |
		sed -n 's/^runtime\.members\.\([0-9]*\)\.status (str) = joined$/\1/p' | sort -n | tr '\n' ' '
}
wait_joined() {
	end=$(( $(date +%s) + 30 ))
	while [ "$(joined "$1")" != "$2 " ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# kind_of N: node N's kind in $mix
kind_of() { echo "$mix" | cut -d' ' -f"$1"; }

# run MIX: the scenario; notifyd's output in $IT_TMP/TAG.notify (TAG: MIX
# without blanks)
run() {
	mix=$1
	kind="[$mix]"
	out="$IT_TMP/$(echo "$mix" | tr -d ' ').notify"
	for n in 1 2 3; do
		start "$(kind_of "$n")" "$n" >&2 || { it_fail "$kind $n starts"; return 1; }
	done
	it_check "$kind: ring of 3" wait_joined 1 "1 2 3"
	: > "$out"
	it_exec 1 stdbuf -oL "$NOTIFYD" -f -o -n > "$out" 2>&1 &
	npid=$!
	# notifyd is tracking once its own connections show up in its output
	it_check "$kind: notifyd reports IPC connections" wait_for "$out" \
		'\.corosync-notify is now connected to corosync$'
	stop=$(it_node_stop 3)
	it_check "$kind: node 3 stops ($stop)" [ "$stop" = 0 ]
	it_check "$kind: notifyd: node 3 left" wait_for "$out" 'ip:192.168.60.3 left'
	it_check "$kind: notifyd: link to node 3 down" wait_for "$out" \
		'link 0 to node 3 is now disconnected'
	rm -f "$IT_TMP/node3/exit"
	start "$(kind_of 3)" 3 >&2 || it_fail "$kind 3 restarts"
	it_check "$kind: notifyd: node 3 joined" wait_for "$out" 'ip:192.168.60.3 joined'
	it_check "$kind: notifyd: link to node 3 up" wait_for "$out" \
		'link 0 to node 3 is now operational'
	kill -TERM "$npid" 2>/dev/null
	wait "$npid" 2>/dev/null
	for n in 1 2 3; do
		it_node_stop "$n" >/dev/null
		rm -f "$IT_TMP/node$n/exit"
	done
}

# The lines to compare: the notices but the IPC connection ones (their
# number depends on the tools run meanwhile), each line once.
norm() {
	grep '^\[notice\]' "$1" | grep -v 'connected to corosync$' |
		grep -v 'disconnected from corosync$' | sort -u
}

it_each_mix "$RUNS" run
norm "$IT_TMP/kkk.notify" > "$IT_TMP/kkk.n"
for f in "$IT_TMP"/*.notify; do
	tag=$(basename "$f" .notify)
	echo "--- $tag:"
	cat "$f"
	[ "$tag" = kkk ] && continue
	norm "$f" > "$IT_TMP/$tag.n"
	if diff -u "$IT_TMP/kkk.n" "$IT_TMP/$tag.n"; then
		it_pass "notifyd [$tag]: the same quorum, membership and link notifications as corosync's"
	else
		it_fail "notifyd [$tag]: notifications differ (- corosync, + $tag)"
	fi
done
it_done
