#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Measurement, not a test: 3 chorusd nodes with the example service; CPU
# ticks (1/100 s) of each daemon over 10 s idle and over 10 s of 100 ECHO/s
# from node 1, plus the ECHO round trips (send -> reply after agreed delivery).
. "$top_srcdir/test/integration/lib.sh"
it_require_root
it_cluster_setup 3 1 || exit 1
for n in 1 2 3; do it_node_start "$n" "service {" "	name: example" "}" || exit 1; done
it_wait_members 1 "1 2 3" 60
sleep 5
ticks() { awk '{print $14 + $15}' "/proc/$(it_node_pid "$1")/stat"; }
snap() { echo "$(ticks 1) $(ticks 2) $(ticks 3)"; }
a=$(snap); tok0=$(it_exec 1 /usr/sbin/corosync-cmapctl -m stats -q -g stats.srp.orf_token_rx)
sleep 10
b=$(snap); tok1=$(it_exec 1 /usr/sbin/corosync-cmapctl -m stats -q -g stats.srp.orf_token_rx)
echo "idle 10 s: cpu ticks per node: $(echo $a $b | awk '{print $4-$1, $5-$2, $6-$3}'); tokens at node 1: $((tok1 - tok0))"
a=$(snap); tok0=$(it_exec 1 /usr/sbin/corosync-cmapctl -m stats -q -g stats.srp.orf_token_rx)
it_exec 1 "$top_builddir/test/integration/example_client" 1000 10
b=$(snap); tok1=$(it_exec 1 /usr/sbin/corosync-cmapctl -m stats -q -g stats.srp.orf_token_rx)
echo "100 msg/s 10 s: cpu ticks per node: $(echo $a $b | awk '{print $4-$1, $5-$2, $6-$3}'); tokens at node 1: $((tok1 - tok0))"
for n in 1 2 3; do it_node_stop "$n" >/dev/null; done
it_done >/dev/null
