#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# CPG error paths and the 3.1.7 bugs we fix on purpose (docs/compat.md), on
# one chorusd: a second join on a handle, leave of another group, rejoin
# after leave (same group and another), calls after finalize, names of 128
# and 129 bytes, and a client that never reads its events: it is
# disconnected with a log line once its queue passes the bound, the daemon
# and the other clients carry on.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }
long128=$(printf 'n%.0s' $(seq 1 128))
long129=$(printf 'n%.0s' $(seq 1 129))
# expect CLIENT COMMAND LINE: the command's result line must be LINE
expect() {
	cpg_cmd "$1" "$2"
	want=$3
	cpg_wait "$1" "^$(echo "${want%% *}")" 20
	got=$(grep "^${want%% *}" "$IT_TMP/clients/$1.out" | tail -n 1)
	it_eq "$1: $2" "$want" "$got"
}
cpg_start 1 a || it_fail "client a starts"
cpg_start 1 b || it_fail "client b starts"
pa=$(cpg_pid a)
pb=$(cpg_pid b)
expect a "join g1" "join g1 1"
cpg_wait a "^CONFCHG g1 m=1:$pa l= j=1:$pa:1\$" 10 || it_fail "a sees its own join"
expect a "join g1" "join g1 14"
expect a "join g2" "join g2 14"
expect a "leave g2" "leave g2 12"
cpg_cmd a "join $long129"
cpg_wait a "^join n* 13$" 10
it_eq "a: join of a 129-byte name" 13 "$(grep '^join n' "$IT_TMP/clients/a.out" | tail -n 1 | awk '{print $NF}')"
expect b "join $long128" "join $long128 1"
cpg_wait b "^CONFCHG $long128 m=1:$pb l= j=1:$pb:1\$" 10 || it_fail "b joined a 128-byte group"
expect a "leave g1" "leave g1 1"
cpg_wait a "^CONFCHG g1 m= l=1:$pa:2 j=\$" 10 || it_fail "a sees its own leave"
expect a "leave g1" "leave g1 12"
# corosync 3.1.7 keeps a leaver in LEAVE_STARTED: rejoining gives EXIST, another group spins on BUSY
expect a "join g1" "join g1 1"
cpg_wait a "^CONFCHG g1 m=1:$pa l= j=1:$pa:1\$" 10 || it_fail "a rejoined g1"
n1=$(grep -c '^CONFCHG g1 m=1' "$IT_TMP/clients/a.out")
it_eq "a saw two joins of its own" 2 "$n1"
expect a "leave g1" "leave g1 1"
cpg_wait a "l=1:$pa:2 j=\$" 10
expect a "join g3" "join g3 1"
cpg_wait a "^CONFCHG g3 m=1:$pa l= j=1:$pa:1\$" 10 || it_fail "a joined another group after leaving"
expect a "send after rejoin" "send 1"
cpg_wait a "data=after rejoin\$" 10 || it_fail "a's message delivered in g3"
it_eq "no g1 events reach a after it left" 0 \
	"$(sed -n '/join g3 1/,$p' "$IT_TMP/clients/a.out" | grep -c '^CONFCHG g1\|^DELIVER g1')"
expect a "finalize" "finalize 1"
expect a "local" "local 9 0"
expect a "join g4" "join g4 9"

# a client that never reads: disconnected, the rest carry on
cpg_start 1 s || it_fail "client s starts"
cpg_start 1 w || it_fail "client w starts"
ps=$(cpg_pid s)
expect s "join slow" "join slow 1"
expect w "join slow" "join slow 1"
cpg_wait s "j=1:$(cpg_pid w):1" 10
cpg_cmd s "stop-reading"
cpg_wait s '^stop-reading' 10
cpg_cmd w "flood 1500 60000"
it_check "the stuck client is disconnected with a log line" \
	it_wait_log 1 "does not read its events" 120
it_check "the writer sees the stuck client leave (PROCDOWN)" \
	cpg_wait w "^CONFCHG slow .* l=1:$ps:5 j=\$" 60
it_check "the writer's flood completes" cpg_wait w '^flood 1500 1 ' 120
it_eq "the writer got all its own messages" 1500 "$(grep -c '^DELIVER slow .* seq=' "$IT_TMP/clients/w.out")"
it_eq "only the stuck client was disconnected" 1 "$(grep -c 'does not read its events' "$IT_TMP/node1/log")"
expect b "members $long128" "members $long128 1 1:$pb"
it_check "chorusd alive" it_node_alive 1
it_done
