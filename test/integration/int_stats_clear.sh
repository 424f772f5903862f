#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# stats.clear.* written with Debian's corosync-cmapctl -m stats on 2 chorusd
# nodes, then on 2 Debian corosync nodes: each group resets its counters
# (totem: stats.srp.orf_token_rx; knet: a link's tx_data_packets and the
# totem counters too; ipc: stats.ipcs.global.closed), other groups keep
# theirs, and the answers to the writes are the same.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
CMAPCTL=/usr/sbin/corosync-cmapctl
[ -x "$COROSYNC" ] && [ -x "$CMAPCTL" ] || { echo "SKIP: no Debian corosync"; exit 77; }

it_cluster_setup 2 1 || { it_fail "cluster setup"; it_done; exit 1; }

get() { it_exec 1 "$CMAPCTL" -m stats -g "$1" 2>/dev/null | sed 's/.* = //'; }
clear() { it_exec 1 "$CMAPCTL" -m stats -s "stats.clear.$1" u8 1 2>&1; echo "exit=$?"; }
# wait_over KEY N: until KEY exceeds N (counters grow with traffic)
wait_over() {
	end=$(( $(date +%s) + 30 ))
	until [ "$(get "$1")" -gt "$2" ] 2>/dev/null; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
# fell KEY BEFORE: the value now is below BEFORE (cleared, then counting again)
fell() { [ "$(get "$1")" -lt "$2" ]; }

TOK=stats.srp.orf_token_rx
LINK=stats.knet.node2.link0.tx_data_packets
CLOSED=stats.ipcs.global.closed

run() {
	kind=$1
	for n in 1 2; do
		if [ "$kind" = chorusd ]; then it_node_start "$n"; else it_corosync_start "$n"; fi ||
			{ it_fail "$kind $n starts"; return 1; }
	done
	it_check "$kind: token counted" wait_over "$TOK" 20
	it_check "$kind: link counted" wait_over "$LINK" 100
	it_check "$kind: closed IPC connections counted" wait_over "$CLOSED" 10
	link=$(get "$LINK") closed=$(get "$CLOSED") tok=$(get "$TOK")
	echo "totem: $(clear totem)"
	it_check "$kind: totem clears the token counter" fell "$TOK" "$tok"
	it_check "$kind: totem keeps the link counter" [ "$(get "$LINK")" -ge "$link" ]
	it_check "$kind: totem keeps closed" [ "$(get "$CLOSED")" -ge "$closed" ]
	it_check "$kind: token counted again" wait_over "$TOK" 20
	tok=$(get "$TOK")
	echo "knet: $(clear knet)"
	it_check "$kind: knet clears the link counter" fell "$LINK" "$link"
	it_check "$kind: knet clears the token counter too" fell "$TOK" "$tok"
	closed=$(get "$CLOSED")
	echo "ipc: $(clear ipc)"
	it_check "$kind: ipc clears closed" fell "$CLOSED" "$closed"
	echo "schedmiss: $(clear schedmiss)"
	echo "all: $(clear all)"
	echo "allX: $(clear allX)"
	echo "other: $(clear other)"
	echo "none: $(clear '')"
	for n in 1 2; do it_node_stop "$n" >/dev/null; done
	rm -f "$IT_TMP"/node*/exit
}

run chorusd > "$IT_TMP/chorusd.out"
run corosync > "$IT_TMP/corosync.out"
grep -E '^(PASS|FAIL)' "$IT_TMP/chorusd.out" "$IT_TMP/corosync.out" | sed 's/^[^:]*://'
if diff -u "$(grep -v -E '^(PASS|FAIL)' "$IT_TMP/corosync.out" > "$IT_TMP/c"; echo "$IT_TMP/c")" \
	   "$(grep -v -E '^(PASS|FAIL)' "$IT_TMP/chorusd.out" > "$IT_TMP/o"; echo "$IT_TMP/o")"; then
	it_pass "the same answers to the writes"
else
	it_fail "answers differ (- corosync, + chorusd)"
fi
it_done
