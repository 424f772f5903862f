#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The daemon's scheduling (system.sched_rr, system.priority), chorusd against
# Debian's corosync 3.1.7 on the same config: the policy, real-time priority
# and nice value of every thread of the daemon (ps -L), as a sorted set.
# Default: SCHED_RR at 99 for every thread (knet's threads inherit it);
# sched_rr: no with priority: 5 or max: time-sharing at nice 5 or -20.
# Each daemon runs in its own session (setsid): corosync renices its whole
# process group, which would otherwise be this script's (docs/compat.md,
# "Scheduling": chorusd renices only itself).
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
[ -x "$COROSYNC" ] || { echo "SKIP: no $COROSYNC"; exit 77; }

# threads N: the daemon's threads' "policy rtprio nice", sorted, one per kind
threads() {
	ps -L -o policy=,rtprio=,ni= -p "$(it_node_pid "$1")" | awk '{$1=$1; print}' | sort -u |
		tr '\n' ';'
}
# run KIND N EXTRA...: start daemon KIND (c or k) as node N with EXTRA
# config lines, in its own session, and wait until it serves
run() {
	kind=$1
	shift
	if [ "$kind" = c ]; then
		IT_WRAP=setsid it_node_start "$@"
	else
		IT_WRAP=setsid it_corosync_start "$@"
	fi
}

# check_case NAME EXTRA...: the same config on both daemons, the thread sets compared
check_case() {
	name=$1
	shift
	run c 1 "$@" || { it_fail "$name: chorusd starts"; return; }
	ours=$(threads 1)
	it_eq "$name: chorusd stops" 0 "$(it_node_stop 1)"
	run k 1 "$@" || { it_fail "$name: corosync starts"; return; }
	theirs=$(threads 1)
	it_eq "$name: corosync stops" 0 "$(it_node_stop 1)"
	it_eq "$name: chorusd's threads schedule as corosync's" "$theirs" "$ours"
	it_eq "$name: as expected" "$want" "$ours"
}

want="RR 99 -;"
check_case "default (sched_rr: yes)"
want="TS - 5;"
check_case "sched_rr: no, priority: 5" "system {" "	sched_rr: no" "	priority: 5" "}"
want="TS - -20;"
check_case "sched_rr: no, priority: max" "system {" "	sched_rr: no" "	priority: max" "}"
want="TS - 0;"
check_case "sched_rr: no" "system {" "	sched_rr: no" "}"
it_eq "this script's own nice value is untouched" 0 "$(ps -o ni= -p $$ | tr -d ' ')"
it_done
