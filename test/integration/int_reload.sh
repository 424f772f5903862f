#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runtime reload (corosync-cfgtool -R, Debian's) on 3 chorusd nodes, then the
# same steps on 3 Debian corosync nodes, and the two compared.  Every node's
# file is edited first: a token change, a logging change, a fourth node in
# the nodelist and expected_votes 4.  After -R every node shows the new keys
# (corosync-cmapctl), keeps totem.cluster_name (cannot change at run time),
# writes config.reload_status; then node 4 starts and joins the ring.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
DEB_CFGTOOL=/usr/sbin/corosync-cfgtool
DEB_CMAPCTL=/usr/sbin/corosync-cmapctl
[ -x "$COROSYNC" ] && [ -x "$DEB_CFGTOOL" ] && [ -x "$DEB_CMAPCTL" ] ||
	{ echo "SKIP: no Debian corosync"; exit 77; }

it_cluster_setup 4 1 || { it_fail "cluster setup"; it_done; exit 1; }

# The nodelist of the first COUNT nodes (node n at 192.168.60.n).
nodelist() {
	printf 'nodelist {\n'
	i=1
	while [ "$i" -le "$1" ]; do
		printf '\tnode {\n\t\tname: node%s\n\t\tnodeid: %s\n\t\tring0_addr: 192.168.60.%s\n\t}\n' \
			"$i" "$i" "$i"
		i=$((i + 1))
	done
	printf '}\n'
}
nodelist 3 > "$IT_TMP/nl3"
nodelist 4 > "$IT_TMP/nl4"
QUORUM3='quorum {
	provider: corosync_votequorum
	expected_votes: 3
}'
QUORUM4='quorum {
	provider: corosync_votequorum
	expected_votes: 4
}'

# Write node N's file: the 3-node one, or (new) the edited one.
write_conf() {
	if [ "$2" = new ]; then
		IT_NODELIST_FILE="$IT_TMP/nl4" it_config "$1" "$QUORUM4" >/dev/null
		# token and cluster_name in totem, debug on in logging
		sed -i -e 's/^\ttransport: knet$/\ttransport: knet\n\ttoken: 5000/' \
			-e 's/^\tcluster_name: test$/\tcluster_name: renamed/' \
			-e 's/^\tdebug: off$/\tdebug: on/' "$IT_TMP/node$1/chorus.conf"
	else
		IT_NODELIST_FILE="$IT_TMP/nl3" it_config "$1" "$QUORUM3" >/dev/null
	fi
}


# wait_joined N "1 2 3": node N's cmap lists exactly these members as joined.
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

# The keys a reload touches, as corosync-cmapctl prints them on node N.
keys() {
	for k in totem.token totem.cluster_name logging.debug quorum.expected_votes \
		 config.reload_in_progress config.totemconfig_reload_in_progress \
		 config.reload_status runtime.config.totem.token; do
		it_exec "$1" "$DEB_CMAPCTL" -g "$k" 2>&1
	done
	it_exec "$1" "$DEB_CMAPCTL" -b nodelist.node. 2>&1
}
# Votequorum's view after the reload: expected votes and the total.
# (until quorumtool answers: quorum is decided at the end of the sync that
# follows a membership change)
votes() {
	end=$(( $(date +%s) + 20 ))
	while :; do
		q=$(it_exec "$1" timeout 20 /usr/sbin/corosync-quorumtool -s 2>&1)
		printf '%s\n' "$q" | grep -q '^Quorate:' && break
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.2
	done
	printf '%s\n' "$q" | grep -E '^(Expected votes|Total votes|Quorum|Quorate):' ||
		printf '%s\n' "$q"
}

# run_steps KIND: start 1..3 with KIND (chorusd|corosync), reload, check,
# start node 4, check; prints the observations to compare on stdout.
run_steps() {
	kind=$1
	for n in 1 2 3; do
		write_conf "$n" old
		if [ "$kind" = chorusd ]; then
			it_node_run "$n" "$IT_TMP/node$n/chorus.conf" >&2 ||
				{ it_fail "$kind $n starts"; return 1; }
		else
			it_corosync_run "$n" "$IT_TMP/node$n/chorus.conf" >&2 ||
				{ it_fail "$kind $n starts"; return 1; }
		fi
	done
	it_check "$kind: ring of 3" wait_joined 1 "1 2 3" >&2
	echo "== votes node 1 before the reload"
	votes 1
	for n in 1 2 3; do
		write_conf "$n" new
	done
	out=$(it_exec 1 "$DEB_CFGTOOL" -R 2>&1; echo "exit=$?")
	it_eq "$kind: corosync-cfgtool -R" "Reloading corosync.conf...
Done
exit=0" "$out" >&2
	echo "== -R"
	echo "$out"
	for n in 1 2 3; do
		echo "== keys node $n"
		keys "$n"
		it_check "$kind node $n: token reloaded" sh -c \
			"ip netns exec $(it_ns "$n") $DEB_CMAPCTL -g totem.token | grep -q '= 5000$'" >&2
		it_check "$kind node $n: cluster_name kept" sh -c \
			"ip netns exec $(it_ns "$n") $DEB_CMAPCTL -g totem.cluster_name | grep -q '= test$'" >&2
	done
	it_check "$kind: notice about cluster_name" grep -q \
		"Modified entry 'totem.cluster_name' in corosync.conf cannot be changed at run-time" \
		"$IT_TMP/node2/log" >&2
	echo "== votes node 1 before node 4"
	votes 1
	# node 4 with the new file
	write_conf 4 new
	if [ "$kind" = chorusd ]; then
		it_node_run 4 "$IT_TMP/node4/chorus.conf" >&2 || it_fail "$kind 4 starts" >&2
	else
		it_corosync_run 4 "$IT_TMP/node4/chorus.conf" >&2 || it_fail "$kind 4 starts" >&2
	fi
	it_check "$kind: node 4 joins (seen by node 1)" wait_joined 1 "1 2 3 4" >&2
	it_check "$kind: node 4 sees all" wait_joined 4 "1 2 3 4" >&2
	echo "== votes node 1 with node 4"
	votes 1
	echo "== votes node 4"
	votes 4
	for n in 1 2 3 4; do
		if [ "$kind" = chorusd ]; then
			it_eq "$kind $n stops" 0 "$(it_node_stop "$n")" >&2
		else
			kill -TERM "$(it_node_pid "$n")" 2>/dev/null
			end=$(( $(date +%s) + 30 ))
			until [ -f "$IT_TMP/node$n/exit" ] || [ "$(date +%s)" -ge "$end" ]; do
				sleep 0.05
			done
		fi
	done
}

run_steps chorusd > "$IT_TMP/chorusd.out"
cat "$IT_TMP/chorusd.out"
mkdir -p "$IT_TMP/chorusd-logs"
for n in 1 2 3 4; do cp "$IT_TMP/node$n/log" "$IT_TMP/chorusd-logs/node$n.log"; done
[ -n "${RELOAD_CHORUSD_ONLY:-}" ] && { it_done; exit $?; }
rm -f "$IT_TMP"/node*/exit
run_steps corosync > "$IT_TMP/corosync.out"
if diff -u "$IT_TMP/corosync.out" "$IT_TMP/chorusd.out"; then
	it_pass "chorusd and corosync: the same observations"
else
	it_fail "chorusd and corosync differ (diff above: - corosync, + chorusd)"
fi
it_done
