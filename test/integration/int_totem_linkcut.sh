#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Two knet links per node; cutting one of node 3's links (its own veth
# down, CUT_SIDE=hub: at the bridge) should keep the ring with no membership
# change.  NOT in make check yet: it fails in some runs (issue 3).
#
# What we measured (2026-11-25): in passive mode (the default) failover waits
# for knet to notice the dead link (pong timeout, token/2 by default, up to
# ~3.5 s on the cut node), the token can be lost meanwhile and the ring
# re-forms with the same members.  Debian's corosync re-formed in 1 of 2 runs
# of the same scenario.  With 200/600 ms ping timers (below) 5 of 6 runs
# passed with the node-side cut; hub-side cuts failed more often (node 3's knet
# noticed only after ~2.7 s).  LINK_MODE=active failed 4 of 4: to be
# understood (knet's behaviour with a link whose interface is down?).
. "$top_srcdir/test/integration/lib.sh"
it_require_root
LINK_MODE=${LINK_MODE:-passive}

it_cluster_setup 3 2 || { it_fail "network setup"; it_done; exit 1; }
start() {
	it_node_start "$1" "totem {" "	link_mode: $LINK_MODE" \
		"	interface {" "		linknumber: 0" "		knet_ping_interval: 200" \
		"		knet_ping_timeout: 600" "	}" \
		"	interface {" "		linknumber: 1" "		knet_ping_interval: 200" \
		"		knet_ping_timeout: 600" "	}" "}"
}
for n in 1 2 3; do start "$n" || it_fail "node $n starts"; done
it_wait_members 1 "1 2 3" 60
it_eq "three nodes on two links" "1 2 3" "$(it_members 1)"
# Cut only once both links between all nodes are up (knet reports them in
# the stats map), so that failover has a link to fail over to.
links_up() {
	for a in 1 2 3; do
		for b in 1 2 3; do
			[ "$a" = "$b" ] && continue
			for l in 0 1; do
				v=$(it_exec "$a" /usr/sbin/corosync-cmapctl -m stats -q \
					-g "stats.knet.node$b.link$l.connected" 2>/dev/null)
				[ "$v" = 1 ] || return 1
			done
		done
	done
}
end=$(( $(date +%s) + 30 ))
until links_up || [ "$(date +%s)" -ge "$end" ]; do sleep 0.2; done
it_check "both links up between all nodes" links_up
before=$(grep -c 'A new membership' "$IT_TMP/node1/log")
it_link_set 3 0 down ${CUT_SIDE:-node}
end=$(( $(date +%s) + window / 1000 + 1 ))
while [ "$(date +%s)" -lt "$end" ]; do
	[ "$(grep -c 'A new membership' "$IT_TMP/node1/log")" != "$before" ] && break
	sleep 0.2
done
it_eq "no membership change with one link cut" "$before" "$(grep -c 'A new membership' "$IT_TMP/node1/log")"
it_eq "node 3 still a member" "1 2 3" "$(it_members 1)"
it_link_set 3 0 up ${CUT_SIDE:-node}

token=3650
for n in 1 2 3; do
	it_eq "node $n exits 0 on SIGTERM" 0 "$(it_node_stop "$n")"
done
it_done
