#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The totem.config_version policy: node 1 runs with config_version 2; node 2
# starts with config_version 1 and, on joining, logs "Received config
# version (2) is different than my config version (1)! Exiting" and stops
# with exit status 0, while node 1 stays.  The same with Debian's corosync.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
[ -x "$COROSYNC" ] || { echo "SKIP: no Debian corosync"; exit 77; }

it_cluster_setup 2 1 || { it_fail "cluster setup"; it_done; exit 1; }

start() {
	kind=$1 n=$2 v=$3
	conf=$(it_config "$n")
	sed -i "s/^\\ttransport: knet\$/\\ttransport: knet\\n\\tconfig_version: $v/" "$conf"
	if [ "$kind" = chorusd ]; then
		it_node_run "$n" "$conf"
	else
		it_corosync_run "$n" "$conf"
	fi
}
wait_exit() {
	end=$(( $(date +%s) + 30 ))
	until [ -f "$IT_TMP/node$1/exit" ]; do
		[ "$(date +%s)" -ge "$end" ] && { echo timeout; return; }
		sleep 0.1
	done
	cat "$IT_TMP/node$1/exit"
}
MSG='is different than my config version'

run() {
	kind=$1
	start "$kind" 1 2 >&2 || { it_fail "$kind 1 starts"; return; }
	start "$kind" 2 1 >&2
	it_eq "$kind: node 2 (version 1) stops with 0" 0 "$(wait_exit 2)"
	it_check "$kind: node 2 says why" grep -q \
		"Received config version (2) is different than my config version (1)! Exiting" \
		"$IT_TMP/node2/log"
	it_check "$kind: node 1 (version 2) stays" sh -c "[ ! -f '$IT_TMP/node1/exit' ]"
	it_check "$kind: node 1 does not complain" sh -c "! grep -q '$MSG' '$IT_TMP/node1/log'"
	it_node_stop 1 >/dev/null
	it_node_stop 2 >/dev/null
	rm -f "$IT_TMP"/node*/exit
}

run chorusd
run corosync
it_done
