#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's corosync-qdevice + corosync-qnetd (ffsplit, TLS off), qnetd in a
# namespace of its own (the fourth, 192.168.60.4), corosync-qdevice on every
# node.  RUNS lists the clusters, each a MIX of node kinds (c = chorusd,
# k = Debian's corosync 3.1.7), "|" between them.  For each: the cluster is
# quorate with the qdevice's vote; after kill -9 of the last node the others
# stay quorate with it; with 3 nodes node 2 is killed next.  At every step
# corosync-quorumtool -s on every live node must print what it prints on the
# same node of the all-corosync cluster of that size (which runs too).
# int_qdevice_mixed.sh runs the mixed clusters.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
QDEVICE=/usr/sbin/corosync-qdevice
QNETD=/usr/bin/corosync-qnetd
QUORUMTOOL=/usr/sbin/corosync-quorumtool
[ -x "$COROSYNC" ] && [ -x "$QDEVICE" ] && [ -x "$QNETD" ] ||
	{ echo "SKIP: no Debian corosync / corosync-qdevice / corosync-qnetd"; exit 77; }
RUNS=${RUNS:-"c c|k k|c c c|k k k"}

it_cluster_setup 4 1 || { it_fail "cluster setup"; it_done; exit 1; }
QUORUM='quorum {
	provider: corosync_votequorum
	device {
		model: net
		votes: 1
		net {
			host: 192.168.60.4
			algorithm: ffsplit
			tls: off
		}
	}
}'

# spawn NAME NS CMD...: a daemon in namespace NS with a private /run (qnetd
# and qdevice put path sockets there); its pid in $IT_TMP/NAME.pid.
spawn() {
	name=$1 ns=$2
	shift 2
	mkdir -p "$IT_TMP/$name.run"
	ip netns exec "$(it_ns "$ns")" unshare -m sh -c \
		'mount --bind "$0" /run && mkdir -p /run/corosync-qdevice /run/corosync-qnetd && shift && exec "$@"' \
		"$IT_TMP/$name.run" x "$@" > "$IT_TMP/$name.log" 2>&1 &
	echo $! > "$IT_TMP/$name.pid"
}
unspawn() {
	pid=$(cat "$IT_TMP/$1.pid")
	kill -TERM "$pid" 2>/dev/null
	end=$(( $(date +%s) + 20 ))
	while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# qt N: quorumtool -s on node N without the lines that differ by run
qt() {
	it_exec "$1" timeout 20 "$QUORUMTOOL" -s 2>&1 | grep -v -E '^(Date|Ring ID):'
}
# wait_qt N PATTERN...: until node N's output matches every pattern (60 s)
wait_qt() {
	n=$1
	shift
	end=$(( $(date +%s) + 60 ))
	while :; do
		qt "$n" > "$IT_TMP/qt.now"
		ok=1
		for p in "$@"; do grep -q -- "$p" "$IT_TMP/qt.now" || ok=0; done
		[ $ok = 1 ] && return 0
		[ "$(date +%s)" -ge "$end" ] && { cat "$IT_TMP/qt.now"; return 1; }
		sleep 0.2
	done
}

# save TAG STEP N...: each live node's output, once it is settled on what
# the step expects, in $IT_TMP/TAG.STEP.N
save() {
	tag=$1 step=$2
	shift 2
	for n in "$@"; do qt "$n" > "$IT_TMP/$tag.$step.$n"; done
}

run() {
	mix=$1
	tag=$(echo "$mix" | tr -d ' ')
	count=$(echo "$mix" | wc -w)
	printf 'nodelist {\n' > "$IT_TMP/nl"
	n=1
	while [ $n -le "$count" ]; do
		printf '\tnode {\n\t\tname: node%s\n\t\tnodeid: %s\n\t\tring0_addr: 192.168.60.%s\n\t}\n' \
			"$n" "$n" "$n" >> "$IT_TMP/nl"
		n=$((n + 1))
	done
	printf '}\n' >> "$IT_TMP/nl"
	export IT_NODELIST_FILE="$IT_TMP/nl"
	spawn qnetd 4 "$QNETD" -f -d -s off -l 192.168.60.4
	nodes=""
	n=1
	for kind in $mix; do
		if [ "$kind" = c ]; then
			it_node_start "$n" "$QUORUM" >&2
		else
			it_corosync_start "$n" "$QUORUM" >&2
		fi || { it_fail "$mix: node $n ($kind) starts"; return 1; }
		nodes="$nodes $n"
		n=$((n + 1))
	done
	for n in $nodes; do spawn "qdevice$n" "$n" "$QDEVICE" -f -d; done
	votes=$((count + 1))
	for n in $nodes; do
		it_check "[$mix] node $n: $count nodes, $votes votes, quorate with the qdevice" \
			wait_qt "$n" "^Nodes: *$count\$" "^Total votes: *$votes\$" \
			'^Flags: *Quorate Qdevice' '^Quorate: *Yes$'
		it_check "[$mix] node $n: every node's qdevice votes" \
			wait_qt "$n" "^ *$count *1 *A,V,NMW node$count"
	done
	save "$tag" all $nodes

	it_node_stop "$count" KILL >/dev/null
	unspawn "qdevice$count"
	nodes=$(echo "$nodes" | sed "s/ $count\$//")
	for n in $nodes; do
		it_check "[$mix] node $count killed: node $n sees $((count - 1)), $count votes, quorate" \
			wait_qt "$n" "^Nodes: *$((count - 1))\$" "^Total votes: *$count\$" '^Quorate: *Yes$'
	done
	save "$tag" killed $nodes

	if [ "$count" = 3 ]; then
		# node 1 alone of 3: its vote and the qdevice's (2 of 4, quorum 3);
		# whatever corosync decides there, chorusd must decide the same
		it_node_stop 2 KILL >/dev/null
		unspawn qdevice2
		it_check "[$mix] node 2 killed: node 1 alone" wait_qt 1 '^Nodes: *1$'
		# qnetd's ffsplit denies the vote to 1 node of 3 (corosync's answer)
		it_check "[$mix] node 1 alone: not quorate, the qdevice does not vote" \
			wait_qt 1 '^Nodes: *1$' '^Quorate: *No$' '^Total votes: *1$' \
			'^ *1 *1 *A,NV,NMW node1 (local)$'
		save "$tag" alone 1
		cat "$IT_TMP/$tag.alone.1"
	fi
	for n in $nodes; do unspawn "qdevice$n"; done
	unspawn qnetd
	for n in $nodes; do it_node_stop "$n" >/dev/null; done
	rm -f "$IT_TMP"/node*/exit
}

it_each_mix "$RUNS" run

# every output against the all-corosync cluster's of the same size
for f in "$IT_TMP"/*.all.* "$IT_TMP"/*.killed.* "$IT_TMP"/*.alone.*; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	tag=${b%%.*}
	case "$tag" in *c*) ;; *) continue ;; esac
	ref=$(echo "$tag" | tr c k).${b#*.}
	if [ ! -f "$IT_TMP/$ref" ]; then
		it_fail "no corosync reference for $b"
	elif diff -u "$IT_TMP/$ref" "$f"; then
		it_pass "quorumtool -s on $b the same as corosync's ($ref)"
	else
		it_fail "quorumtool -s differs: $b (- corosync, + with chorusd)"
	fi
done
it_done
