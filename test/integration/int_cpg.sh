#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# CPG end to end on chorusd nodes in network namespaces, crypto on
# (aes256/sha256).  On every node a client of group "alpha" and one of
# "beta" (model V1 with the initial totem confchg), plus a second alpha
# client on node 1.  After every step each client's event log (CONFCHG,
# DELIVER, TOTEM lines) since the step began is compared with every other
# client's of the same group, behind a total-order marker: one history.
#   1. everyone joins
#   2. every client floods concurrently: one total order, nothing lost
#   3. kill -9 of a client: PROCDOWN everywhere, the other group sees nothing
#   4. (>= 3 nodes) kill -9 of a node: NODEDOWN everywhere; restart: JOIN
#   5. (>= 3 nodes) partition (2|3 with 5 nodes, 2|1 with 3) and heal:
#      NODEDOWN on each side, NODEUP after the heal, then one history again
# NODES (default 3) chooses the size.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
NODES=${NODES:-3}
WAIT=$((30 + 5 * NODES))

it_cluster_setup "$NODES" 1 || { it_fail "network setup"; it_done; exit 1; }
head -c 256 /dev/urandom > "$IT_TMP/authkey"
chmod 600 "$IT_TMP/authkey"
start_node() {
	it_node_start "$1" "totem {" "	crypto_cipher: aes256" "	crypto_hash: sha256" \
		"	keyfile: $IT_TMP/authkey" "}"
}

all=""
n=1
while [ "$n" -le "$NODES" ]; do
	start_node "$n" || { it_fail "node $n starts"; it_done; exit 1; }
	all="$all $n"
	n=$((n + 1))
done
all=${all# }
n=1
while [ "$n" -le "$NODES" ]; do
	it_wait_members "$n" "$all" 60 || it_fail "node $n sees members $all"
	n=$((n + 1))
done
comma=$(echo "$all" | tr ' ' ',')

# cpg_count_members NAME GROUP: entries in the member list of its newest confchg.
cpg_count_members() {
	grep "^CONFCHG $2 " "$IT_TMP/clients/$1.out" | tail -n 1 |
		sed 's/.* m=\([^ ]*\) .*/\1/' | tr ',' '\n' | grep -c .
}
wait_count() {
	end=$(( $(date +%s) + $4 ))
	until [ "$(cpg_count_members "$1" "$2")" = "$3" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

start_clients() {
	cpg_start "$1" "a$1" -m -i && cpg_cmd "a$1" "join alpha" &&
	cpg_start "$1" "b$1" -m -i && cpg_cmd "b$1" "join beta"
}

# ---- 1. everyone joins --------------------------------------------------------
A="" B=""
n=1
while [ "$n" -le "$NODES" ]; do
	start_clients "$n" || it_fail "clients on node $n start"
	A="$A a$n" B="$B b$n"
	n=$((n + 1))
done
cpg_start 1 a1x -m -i && cpg_cmd a1x "join alpha" || it_fail "second alpha client starts"
A="${A# } a1x" B=${B# }
for c in $A; do wait_count "$c" alpha $((NODES + 1)) "$WAIT" || it_fail "$c sees every alpha member"; done
for c in $B; do wait_count "$c" beta "$NODES" "$WAIT" || it_fail "$c sees every beta member"; done
it_check "every join answered OK" cpg_wait_all "$A" '^join alpha 1$' 1
it_check "every client saw its initial totem confchg" cpg_wait_all "$A $B" "^TOTEM ring=.* m=$comma\$" 1
own=$(grep -c "^CONFCHG alpha .* j=1:$(cpg_pid a1x):1\$" "$IT_TMP/clients/a1x.out")
it_eq "a1x saw its own join" 1 "$own"
cpg_mark J "$A $B"
# members queried on every node: the same list
cpg_cmd a1 "members alpha"
cpg_wait a1 '^members alpha ' 10
ref=$(grep '^members alpha ' "$IT_TMP/clients/a1.out" | tail -n 1)
for c in $A; do
	cpg_cmd "$c" "members alpha"
	cpg_wait "$c" '^members alpha ' 10
	it_eq "$c: cpg_membership_get agrees with a1" "$ref" "$(grep '^members alpha ' "$IT_TMP/clients/$c.out" | tail -n 1)"
done

# ---- 2. floods from everyone at once ------------------------------------------
i=0
for c in $A $B; do
	i=$((i + 1))
	cpg_cmd "$c" "flood 200 $((100 + i * 700))"
done
cpg_wait_all "$A $B" '^flood 200 1 ' 120 || it_fail "every flood completes"
cpg_wait_floods alpha "$A" "$A" 199 120 || it_fail "every alpha message delivered everywhere"
cpg_wait_floods beta "$B" "$B" 199 120 || it_fail "every beta message delivered everywhere"
cpg_same_history "flood: alpha in one total order" alpha "$A" J
cpg_same_history "flood: beta in one total order" beta "$B" J
na=$(grep -c ' seq=' "$IT_TMP/clients/a1.hist")
it_eq "alpha: every flooded message delivered once" $((200 * (NODES + 1))) "$na"
nb=$(grep -c ' seq=' "$IT_TMP/clients/b1.hist")
it_eq "beta: every flooded message delivered once" $((200 * NODES)) "$nb"
# per sender, seq 0..199 in order
for c in $A; do
	p=$(cpg_pid "$c")
	got=$(grep " [0-9]*:$p len=.* seq=" "$IT_TMP/clients/a1.hist" | sed 's/.* seq=//' | tr '\n' ' ')
	it_eq "alpha: $c's messages arrive in its send order" "$(seq 0 199 | tr '\n' ' ')" "$got"
done

# ---- 3. kill -9 of a client ---------------------------------------------------
victim=a1x
[ "$NODES" -ge 2 ] && victim=a2
vp=$(cpg_pid "$victim")
vn=${victim#a}; vn=${vn%x}
cpg_mark K "$A $B"
cpg_kill "$victim"
A=$(echo "$A" | tr ' ' '\n' | grep -vx "$victim" | tr '\n' ' '); A=${A% }
it_check "PROCDOWN of $victim seen by every alpha client" \
	cpg_wait_all_since K "$A" "^CONFCHG alpha .* l=$vn:$vp:5 j=\$" "$WAIT"
cpg_same_history "client killed: alpha history" alpha "$A" K
cpg_same_history "client killed: beta history" beta "$B" K
it_eq "beta saw no confchg for an alpha client" 0 "$(grep -c '^CONFCHG' "$IT_TMP/clients/b1.hist")"

if [ "$NODES" -ge 3 ]; then
	# ---- 4. kill -9 of a node, restart ---------------------------------------
	dead=$NODES
	pa=$(cpg_pid "a$dead")
	pb=$(cpg_pid "b$dead")
	cpg_mark D "$A $B"
	it_node_stop "$dead" KILL > /dev/null
	cpg_stop_input "a$dead"; cpg_stop_input "b$dead"
	A=$(echo "$A" | tr ' ' '\n' | grep -vx "a$dead" | tr '\n' ' '); A=${A% }
	B=$(echo "$B" | tr ' ' '\n' | grep -vx "b$dead" | tr '\n' ' '); B=${B% }
	rest=$(seq 1 $((NODES - 1)) | tr '\n' ',' | sed 's/,$//')
	it_check "new ring without node $dead reaches every client" \
		cpg_wait_all_since D "$A $B" "^TOTEM ring=.* m=$rest\$" "$WAIT"
	it_check "NODEDOWN of a$dead in alpha" cpg_wait_all "$A" "^CONFCHG alpha .* l=$dead:$pa:3 j=\$" 5
	it_check "NODEDOWN of b$dead in beta" cpg_wait_all "$B" "^CONFCHG beta .* l=$dead:$pb:3 j=\$" 5
	cpg_same_history "node killed: alpha history" alpha "$A" D
	cpg_same_history "node killed: beta history" beta "$B" D

	cpg_mark R "$A $B"
	start_node "$dead" || it_fail "node $dead restarts"
	it_check "ring of all nodes again" cpg_wait_all_since R "$A $B" "^TOTEM ring=.* m=$comma\$" "$WAIT"
	start_clients "$dead" || it_fail "clients on node $dead start again"
	pa=$(cpg_pid "a$dead")
	# JOIN, or NODEUP if the node served alone before it merged
	it_check "JOIN (or NODEUP) of the restarted node's client" \
		cpg_wait_all "$A" "^CONFCHG alpha .* j=[^ ]*$dead:$pa:[14]\$" "$WAIT"
	wait_count "b$dead" beta "$NODES" "$WAIT" || it_fail "b$dead sees every beta member"
	cpg_same_history "node restarted: alpha history" alpha "$A" R
	A="$A a$dead" B="$B b$dead"

	# ---- 5. partition and heal -------------------------------------------------
	hub=$(it_ns hub)
	ip -n "$hub" link add brB type bridge && ip -n "$hub" link set brB up
	if [ "$NODES" -ge 5 ]; then cut="4 5"; else cut="3"; fi
	left=$(seq 1 "$NODES" | grep -vxF "$(echo "$cut" | tr ' ' '\n')" | tr '\n' ' ')
	left=${left% }
	inA() { for x in $1; do printf 'a%s ' "$x"; done; }
	inB() { for x in $1; do printf 'b%s ' "$x"; done; }
	# the clients still alive on each side
	alive() { for c in $1; do echo "$A $B" | tr ' ' '\n' | grep -qx "$c" && printf '%s ' "$c"; done; }
	LA="$(alive "$(inA "$left") a1x")"; LA="${LA% }"
	CA="$(alive "$(inA "$cut")")"; CA="${CA% }"
	LB="$(alive "$(inB "$left")")"; LB="${LB% }"
	CB="$(alive "$(inB "$cut")")"; CB="${CB% }"
	cpg_mark P "$A $B"
	for x in $cut; do ip -n "$hub" link set "n${x}l0" master brB; done
	it_check "side {$left} forms its ring" \
		cpg_wait_all_since P "$LA $LB" "^TOTEM ring=.* m=$(echo "$left" | tr ' ' ',')\$" "$WAIT"
	it_check "side {$cut} forms its ring" \
		cpg_wait_all_since P "$CA $CB" "^TOTEM ring=.* m=$(echo "$cut" | tr ' ' ',')\$" "$WAIT"
	for x in $cut; do
		p=$(cpg_pid "a$x")
		it_check "side {$left}: NODEDOWN of a$x" cpg_wait_all "$LA" "^CONFCHG alpha .* l=[^ ]*$x:$p:3" 5
	done
	for x in $left; do
		echo "$LA" | tr ' ' '\n' | grep -qx "a$x" || continue
		p=$(cpg_pid "a$x")
		it_check "side {$cut}: NODEDOWN of a$x" cpg_wait_all "$CA" "^CONFCHG alpha .* l=[^ ]*$x:$p:3" 5
	done
	cpg_same_history "partition: alpha history on {$left}" alpha "$LA" P
	cpg_same_history "partition: alpha history on {$cut}" alpha "$CA" P
	cpg_same_history "partition: beta history on {$cut}" beta "$CB" P

	cpg_mark H "$A $B"
	for x in $cut; do ip -n "$hub" link set "n${x}l0" master br0; done
	it_check "healed: one ring again" cpg_wait_all_since H "$A $B" "^TOTEM ring=.* m=$comma\$" "$((WAIT * 2))"
	for x in $cut; do
		p=$(cpg_pid "a$x")
		it_check "side {$left}: NODEUP of a$x" cpg_wait_all "$LA" "^CONFCHG alpha .* j=.*$x:$p:4" 5
	done
	cpg_same_history "heal: alpha history on {$left}" alpha "$LA" H
	cpg_same_history "heal: alpha history on {$cut}" alpha "$CA" H
	for c in $A; do wait_count "$c" alpha "$(echo "$A" | wc -w)" 10 || it_fail "$c: full alpha membership after heal"; done
	cpg_mark F "$A $B"
	for c in $A; do cpg_cmd "$c" "flood 50 300"; done
	cpg_wait_all "$A" '^flood 50 1 ' 60 || it_fail "floods after heal complete"
	cpg_wait_floods alpha "$A" "$A" 49 60 || it_fail "floods after heal delivered everywhere"
	cpg_same_history "after heal: one alpha history" alpha "$A" F
fi

n=1
while [ "$n" -le "$NODES" ]; do
	it_check "node $n's chorusd is alive" it_node_alive "$n"
	n=$((n + 1))
done
it_done
