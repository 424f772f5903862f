#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's corosync-qdevice + corosync-qnetd (ffsplit, TLS off): qnetd in a
# namespace of its own, 2 chorusd nodes each with corosync-qdevice; the
# cluster is quorate with 3 votes, and node 1 keeps quorum (its vote plus
# the qdevice's) when node 2 is killed.  The same with 2 Debian corosync
# nodes, and corosync-quorumtool -s compared at both steps.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
QDEVICE=/usr/sbin/corosync-qdevice
QNETD=/usr/bin/corosync-qnetd
QUORUMTOOL=/usr/sbin/corosync-quorumtool
[ -x "$COROSYNC" ] && [ -x "$QDEVICE" ] && [ -x "$QNETD" ] ||
	{ echo "SKIP: no Debian corosync / corosync-qdevice / corosync-qnetd"; exit 77; }

# namespaces 1 and 2 are the nodes, 3 the qnetd host (192.168.60.3)
it_cluster_setup 3 1 || { it_fail "cluster setup"; it_done; exit 1; }
printf 'nodelist {\n' > "$IT_TMP/nl2"
for n in 1 2; do
	printf '\tnode {\n\t\tname: node%s\n\t\tnodeid: %s\n\t\tring0_addr: 192.168.60.%s\n\t}\n' \
		"$n" "$n" "$n" >> "$IT_TMP/nl2"
done
printf '}\n' >> "$IT_TMP/nl2"
export IT_NODELIST_FILE="$IT_TMP/nl2"
QUORUM='quorum {
	provider: corosync_votequorum
	device {
		model: net
		votes: 1
		net {
			host: 192.168.60.3
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
wait_qt() {
	end=$(( $(date +%s) + 60 ))
	until qt "$1" | grep -q "$2"; do
		[ "$(date +%s)" -ge "$end" ] && { qt "$1"; return 1; }
		sleep 0.2
	done
}

run() {
	kind=$1
	spawn qnetd 3 "$QNETD" -f -d -s off -l 192.168.60.3
	for n in 1 2; do
		if [ "$kind" = chorusd ]; then
			it_node_start "$n" "$QUORUM" >&2
		else
			it_corosync_start "$n" "$QUORUM" >&2
		fi || { it_fail "$kind $n starts"; return 1; }
	done
	for n in 1 2; do
		spawn "qdevice$n" "$n" "$QDEVICE" -f -d
	done
	it_check "$kind: quorate with the qdevice (node 1)" wait_qt 1 'Flags: *Quorate Qdevice'
	it_check "$kind: 3 votes" wait_qt 1 '^Total votes: *3$'
	it_check "$kind: node 2 sees it too" wait_qt 2 'Flags: *Quorate Qdevice'
	it_check "$kind: 2 nodes" wait_qt 1 '^Nodes: *2$'
	it_check "$kind: node 1 quorate" wait_qt 1 '^Quorate: *Yes$'
	it_check "$kind: node 2's qdevice voting" wait_qt 1 ' 2 *1 *A,V,NMW node2$'
	qt 1 > "$IT_TMP/$kind.both"
	it_node_stop 2 KILL >/dev/null
	it_check "$kind: node 1 alone: 1 node" wait_qt 1 '^Nodes: *1$'
	it_check "$kind: node 1 alone: 2 votes" wait_qt 1 '^Total votes: *2$'
	it_check "$kind: node 1 alone: still quorate" wait_qt 1 '^Quorate: *Yes$'
	qt 1 > "$IT_TMP/$kind.alone"
	for n in 1 2; do unspawn "qdevice$n"; done
	unspawn qnetd
	it_node_stop 1 >/dev/null
	rm -f "$IT_TMP"/node*/exit
}

run chorusd
run corosync
for step in both alone; do
	echo "--- $step (corosync, then chorusd)"
	cat "$IT_TMP/corosync.$step"
	if diff -u "$IT_TMP/corosync.$step" "$IT_TMP/chorusd.$step"; then
		it_pass "quorumtool -s the same with chorusd and corosync ($step)"
	else
		it_fail "quorumtool -s differs ($step; - corosync, + chorusd)"
	fi
done
it_done
