#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Malformed requests over a real connection: chorusd answers each with an
# error, stays up, and keeps serving another client at the same time.
. "$top_srcdir/test/integration/lib.sh"
it_require_root

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }

# A well-behaved client that stays connected throughout (tracking a key).
mkfifo "$IT_TMP/in"
it_exec 1 stdbuf -oL /usr/sbin/corosync-cmapctl -t abuse.marker < "$IT_TMP/in" > "$IT_TMP/track" 2>&1 &
tpid=$!
exec 7> "$IT_TMP/in"

it_exec 1 "$top_builddir/test/integration/ipc_abuse" cmap
it_eq "every malformed request got an error reply" 0 $?
it_check "chorusd is still running" it_node_alive 1

it_exec 1 /usr/sbin/corosync-cmapctl -s abuse.marker u8 1
it_eq "another client still served" 0 $?
end=$(( $(date +%s) + 10 ))
until grep -q '^create> abuse.marker' "$IT_TMP/track"; do
	[ "$(date +%s)" -ge "$end" ] && break
	sleep 0.05
done
it_check "the long-lived client still gets its events" grep -q '^create> abuse.marker (u8) = 1' "$IT_TMP/track"
echo q >&7
exec 7>&-
wait "$tpid"

it_eq "chorusd exits 0 on SIGTERM" 0 "$(it_node_stop 1)"
it_done
