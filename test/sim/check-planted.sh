#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The CPG checkers must catch a bug planted in the CPG service
# (test/sim/totemsim_plantN, built with -DCPG_SIM_PLANT=N):
#   1  the NODEDOWN confchgs of a sync are not sent
#   2  a connection whose LEAVE was delivered keeps getting the group's events
#   3  the lowest node of a ring ignores the JOINLISTs of a sync (no NODEUP)
# Each binary runs seeds from 1 until one fails; the failure must name the
# expected violation within MAX seeds.
set -u
B=${top_builddir:-.}/test/sim
MAX=${PLANT_MAX_SEEDS:-60}
rc=0
check() {
	bin=$B/totemsim_plant$1
	want=$2
	if [ ! -x "$bin" ]; then
		echo "check-planted: $bin not built" >&2
		exit 99
	fi
	s=1
	while [ "$s" -le "$MAX" ]; do
		out=$("$bin" --seed="$s")
		if printf '%s\n' "$out" | grep -q ' FAIL$'; then
			if printf '%s\n' "$out" | grep -q -- "$want"; then
				echo "check-planted: bug $1 caught at seed $s: $(printf '%s\n' "$out" | sed -n 's/^  failure: //p')"
				return 0
			fi
			echo "check-planted: bug $1: seed $s failed for another reason:"
			printf '%s\n' "$out" | grep -A2 ' FAIL$'
			rc=1
			return 0
		fi
		s=$((s + 1))
	done
	echo "check-planted: bug $1 not caught in $MAX seeds"
	rc=1
}
check 1 "members but its node lists"
check 2 "after its own LEAVE\|after it left the group"
check 3 "group members\|members but its node lists"
exit $rc
