#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The daemon reacts to cmap writes as corosync does: totem.* recomputes the
# runtime.config.totem.* timers, logging.* is applied live, the blackbox is
# written on runtime.blackbox.dump_flight_data, runtime.force_gather goes
# back to "no".  Waits on the observable effect, with a time bound.
. "$top_srcdir/test/integration/lib.sh"
it_require_root

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }
ctl() { it_exec 1 "$CHORUS_CMAPCTL" "$@"; }

# wait_for DESC EXPECTED CMD...: poll CMD's output until it equals EXPECTED (10 s).
wait_for() {
	desc=$1 want=$2
	shift 2
	end=$(( $(date +%s) + 10 ))
	got=$("$@" 2>&1)
	while [ "$got" != "$want" ] && [ "$(date +%s)" -lt "$end" ]; do
		sleep 0.05
		got=$("$@" 2>&1)
	done
	it_eq "$desc" "$want" "$got"
}

ctl -s totem.token u32 5000
wait_for "totem.token 5000 → runtime token" "5000" ctl -q -g runtime.config.totem.token
wait_for "… token_retransmit recomputed" "1190" ctl -q -g runtime.config.totem.token_retransmit
wait_for "… consensus recomputed" "6000" ctl -q -g runtime.config.totem.consensus

ctl -s runtime.force_gather str yes
wait_for "runtime.force_gather returns to no" "no" ctl -q -g runtime.force_gather

ctl -s runtime.blackbox.dump_flight_data str "$(date +%s)"
# The file appears before it is complete: wait until it reads back whole.
# qb-blackbox maps a fixed name (/dev/shm/qb-create_from_file-*, then
# /tmp/create_from_file-*) and fails while a stale copy exists: give it a
# private /dev/shm.
bb_readable() {
	unshare -m sh -c 'mount -t tmpfs tmpfs /dev/shm && qb-blackbox "$1"' sh \
		"$IT_TMP/node1/state/fdata" 2>/dev/null | grep -q 'starting up'
}
end=$(( $(date +%s) + 10 ))
until bb_readable || [ "$(date +%s)" -ge "$end" ]; do sleep 0.05; done
it_check "blackbox written to the state dir" test -s "$IT_TMP/node1/state/fdata"
it_check "qb-blackbox reads it" bb_readable

ctl -s logging.debug str on
# Any later request makes the IPC layer log at debug level.
wait_for "logging.debug reads back" "on" ctl -q -g logging.debug
it_wait_log 1 "debug.*\\[IPC" 10
it_eq "logging.debug on is applied live" 0 $?

it_eq "chorusd exits 0 on SIGTERM" 0 "$(it_node_stop 1)"
it_done
