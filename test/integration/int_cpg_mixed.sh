#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A mixed ring: chorusd and Debian's corosync 3.1.7 nodes (crypto on), CPG
# clients on every node in the same groups (our libcpg on chorus nodes,
# Debian's libcpg on corosync nodes).  After every step all clients of a
# group must have seen one history (see cpg_same_history):
#   everyone joins; everyone floods at once; kill -9 of a client on each
#   kind of node; kill -9 and restart of a node of each kind; cpgtool on a
#   node of each kind lists the same members, incl. the other kind's.
# MIX lists the kinds of nodes 1..n: c = chorusd, k = corosync
# (default "c k k").
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
[ -x "$COROSYNC" ] || { echo "SKIP: no $COROSYNC"; exit 77; }
MIX=${MIX:-"c k k"}
NODES=$(echo "$MIX" | wc -w)
WAIT=$((30 + 5 * NODES))
CPGTOOL=${CPGTOOL:-/usr/sbin/corosync-cpgtool}

kind() { echo "$MIX" | cut -d' ' -f"$1"; }
it_cluster_setup "$NODES" 1 || { it_fail "network setup"; it_done; exit 1; }
head -c 256 /dev/urandom > "$IT_TMP/authkey"
chmod 600 "$IT_TMP/authkey"
start_node() {
	set -- "$1" "totem {" "	crypto_cipher: aes256" "	crypto_hash: sha256" \
		"	keyfile: $IT_TMP/authkey" "}"
	if [ "$(kind "$1")" = c ]; then it_node_start "$@"; else it_corosync_start "$@"; fi
}
start_client() {
	if [ "$(kind "$1")" = c ]; then bin=$CPG_CLIENT; else bin=$CPG_CLIENT_DEBIAN; fi
	CPG_BIN=$bin cpg_start "$1" "a$1" -m -i && cpg_cmd "a$1" "join alpha"
}
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
without() { echo "$1" | tr ' ' '\n' | grep -vx "$2" | tr '\n' ' ' | sed 's/ $//'; }

n=1
while [ "$n" -le "$NODES" ]; do
	start_node "$n" || { it_fail "node $n ($(kind "$n")) starts"; it_done; exit 1; }
	n=$((n + 1))
done
all=$(seq 1 "$NODES" | tr '\n' ',' | sed 's/,$//')

A=""
n=1
while [ "$n" -le "$NODES" ]; do
	start_client "$n" || it_fail "client on node $n ($(kind "$n")) starts"
	A="$A a$n"
	n=$((n + 1))
done
A=${A# }
it_check "every client sees the ring of all nodes" cpg_wait_all "$A" "^TOTEM ring=.* m=$all\$" "$WAIT"
for c in $A; do wait_count "$c" alpha "$NODES" "$WAIT" || it_fail "$c sees every member"; done
cpg_mark J "$A"

i=0
for c in $A; do
	i=$((i + 1))
	cpg_cmd "$c" "flood 200 $((64 + i * 900))"
done
cpg_wait_all "$A" '^flood 200 1 ' 120 || it_fail "every flood completes"
cpg_wait_floods alpha "$A" "$A" 199 120 || it_fail "every message delivered everywhere"
cpg_same_history "mixed flood: one total order" alpha "$A" J
it_eq "every flooded message delivered once" $((200 * NODES)) \
	"$(grep -c ' seq=' "$IT_TMP/clients/a1.hist")"

# cpgtool on every node: the same listing (-d: no cfg calls, no addresses)
ref=""
n=1
while [ "$n" -le "$NODES" ]; do
	out=$(it_exec "$n" "$CPGTOOL" -d ';' 2>&1)
	if [ -z "$ref" ]; then
		ref=$out
		it_eq "cpgtool on node 1 lists every member" "$NODES" "$(echo "$out" | grep -c '^alpha;')"
	else
		it_eq "cpgtool on node $n ($(kind "$n")) lists what node 1 lists" "$ref" "$out"
	fi
	n=$((n + 1))
done

# kill -9 of a client on one node of each kind
for k in c k; do
	v=$(for n in $(seq 1 "$NODES"); do [ "$(kind "$n")" = "$k" ] && echo "a$n"; done | tail -n 1)
	[ -n "$v" ] || continue
	vp=$(cpg_pid "$v")
	cpg_mark K "$A"
	cpg_kill "$v"
	A=$(without "$A" "$v")
	it_check "PROCDOWN of $v ($k node) everywhere" \
		cpg_wait_all_since K "$A" "^CONFCHG alpha .* l=${v#a}:$vp:5 j=\$" "$WAIT"
	cpg_same_history "after $v died: one history" alpha "$A" K
	start_client "${v#a}" || it_fail "$v starts again"
	vp=$(cpg_pid "$v")
	it_check "JOIN of the new $v everywhere" cpg_wait_all "$A" "^CONFCHG alpha .* j=${v#a}:$vp:1\$" "$WAIT"
	A="$A $v"
done

# kill -9 and restart of one node of each kind (never node 1: it keeps the reference client)
for k in c k; do
	dead=$(for n in $(seq 2 "$NODES"); do [ "$(kind "$n")" = "$k" ] && echo "$n"; done | tail -n 1)
	[ -n "$dead" ] || continue
	pa=$(cpg_pid "a$dead")
	cpg_mark D "$A"
	it_node_stop "$dead" KILL > /dev/null
	cpg_stop_input "a$dead"
	A=$(without "$A" "a$dead")
	rest=$(seq 1 "$NODES" | grep -vx "$dead" | tr '\n' ',' | sed 's/,$//')
	it_check "node $dead ($k) killed: new ring on every client" \
		cpg_wait_all_since D "$A" "^TOTEM ring=.* m=$rest\$" "$WAIT"
	it_check "NODEDOWN of a$dead everywhere" cpg_wait_all "$A" "^CONFCHG alpha .* l=$dead:$pa:3 j=\$" 5
	cpg_same_history "node $dead ($k) killed: one history" alpha "$A" D
	cpg_mark R "$A"
	start_node "$dead" || it_fail "node $dead ($k) restarts"
	it_check "node $dead ($k) back in the ring" cpg_wait_all_since R "$A" "^TOTEM ring=.* m=$all\$" "$WAIT"
	start_client "$dead" || it_fail "client on node $dead starts again"
	pa=$(cpg_pid "a$dead")
	# JOIN, or NODEUP when the node served alone before it merged (its
	# client joined in a singleton ring): either way the same everywhere
	it_check "JOIN or NODEUP from the restarted node $dead" \
		cpg_wait_all "$A" "^CONFCHG alpha .* j=[^ ]*$dead:$pa:[14]\$" "$WAIT"
	A="$A a$dead"
	wait_count "a$dead" alpha "$NODES" "$WAIT" || it_fail "a$dead sees every member"
	cpg_same_history "node $dead ($k) restarted: one history" alpha "$(without "$A" "a$dead")" R
done

# the corosync nodes completed every sync
for n in $(seq 1 "$NODES"); do
	[ "$(kind "$n")" = k ] || continue
	it_check "corosync node $n completed service synchronization" \
		grep -q "Completed service synchronization" "$IT_TMP/node$n/log"
done
cpg_mark E "$A"
for c in $A; do cpg_cmd "$c" "flood 50 500"; done
cpg_wait_all "$A" '^flood 50 1 ' 60 || it_fail "final floods complete"
cpg_wait_floods alpha "$A" "$A" 49 60 || it_fail "final floods delivered everywhere"
cpg_same_history "end: one history" alpha "$A" E
for n in $(seq 1 "$NODES"); do
	it_check "node $n ($(kind "$n")) is alive" it_node_alive "$n"
done
it_done
