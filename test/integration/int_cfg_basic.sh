#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cfg service and libcfg: a program that loads libcfg.so.7 (ours, then
# Debian's) asks for the local node id and the addresses of the local node,
# of a configured node that is not running and of an unknown node, against
# chorusd and against Debian's corosync (each in its own network namespace,
# same nodelist with two links).  All four runs must answer the same, and
# Debian's corosync-cfgtool -a must print the same on both daemons.
. "$top_srcdir/test/integration/lib.sh"
it_require_root
COROSYNC=${COROSYNC:-/usr/sbin/corosync}
DEBIAN_LIBCFG=/usr/lib/x86_64-linux-gnu/libcfg.so.7
OUR_LIBCFG="$top_builddir/lib/.libs/libcfg.so.7"
CLIENT="$top_builddir/test/integration/cfg_client"
[ -x "$COROSYNC" ] && [ -e "$DEBIAN_LIBCFG" ] || { echo "SKIP: no Debian corosync/libcfg"; exit 77; }

# Node 1 (this node) on two loopback links; node 2 is configured, never runs.
IT_NODELIST_FILE="$IT_TMP/nodelist"
cat > "$IT_NODELIST_FILE" <<'NL'
nodelist {
	node {
		name: node1
		nodeid: 1
		ring0_addr: 127.0.0.1
		ring1_addr: 127.0.0.2
	}
	node {
		name: node2
		nodeid: 2
		ring0_addr: 192.0.2.2
		ring1_addr: 198.51.100.2
	}
}
NL
export IT_NODELIST_FILE

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }
it_ns_create 2
conf=$(it_config 2)
d2="$IT_TMP/node2"
(
	ip netns exec "$(it_ns 2)" "$COROSYNC" -f -c "$conf" > "$d2/log" 2>&1 &
	echo $! > "$d2/pid"
	wait $!
	echo $? > "$d2/exit"
) &
until [ -s "$d2/pid" ]; do sleep 0.01; done
it_wait_log 2 "ready to provide service" 30 || { cat "$d2/log"; it_fail "corosync starts"; it_done; exit 1; }

# Our libcfg with our libcorosync_common; Debian's with Debian's.
run_client() {
	n=$1 lib=$2
	if [ "$lib" = "$OUR_LIBCFG" ]; then
		it_exec "$n" env LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$CLIENT" "$lib" 0 1 2 3 2>&1
	else
		it_exec "$n" "$CLIENT" "$lib" 0 1 2 3 2>&1
	fi
	echo "exit=$?"
}

want="initialize 1
fd_get 1 fd
local_get 1 1
get_node_addrs 0 1 n=2 2/16/127.0.0.1 2/16/127.0.0.2
get_node_addrs 1 1 n=2 2/16/127.0.0.1 2/16/127.0.0.2
get_node_addrs 2 1 n=2 2/16/192.0.2.2 2/16/198.51.100.2
get_node_addrs 3 12
dispatch_all 1
finalize 1
finalize_again 9
local_get_after 9
exit=0"
for daemon in 1:chorusd 2:corosync; do
	n=${daemon%%:*}
	name=${daemon#*:}
	it_eq "our libcfg against $name" "$want" "$(run_client "$n" "$OUR_LIBCFG")"
	it_eq "Debian's libcfg against $name" "$want" "$(run_client "$n" "$DEBIAN_LIBCFG")"
done

# Debian's corosync-cfgtool -a (GET_NODE_ADDRS through Debian's libcfg).
for id in 1 2 3; do
	a1=$(it_exec 1 /usr/sbin/corosync-cfgtool -a "$id" 2>&1; echo "exit=$?")
	a2=$(it_exec 2 /usr/sbin/corosync-cfgtool -a "$id" 2>&1; echo "exit=$?")
	it_eq "corosync-cfgtool -a $id: same on chorusd and corosync" "$a2" "$a1"
done

it_eq "chorusd exits 0 on SIGTERM" 0 "$(it_node_stop 1)"
it_node_stop 2 > /dev/null
it_done
