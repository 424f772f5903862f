#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Crypto change at run time (corosync-cfgtool -R, Debian's), as corosync
# 3.1.7 does it: every node's file gets a new cipher, hash and key, one -R,
# every node loads the new crypto into knet's spare slot, then runs the cfg
# CRYPTO_RECONFIG phases (ACTIVATE, CLEANUP).  Checked on every node: the
# phases ran, the ring did not re-form, CPG messages from every node reach
# every client afterwards; then a node restarted with the old key stays
# alone (the others cleared it), and restarted with the new key joins.
# Two changes in a row (slot 1 -> 2 -> 1), the second -R from the last node.
# MIX lists the kinds of nodes 1..n: c = chorusd, k = Debian's corosync
# (default "c c c"; int_reload_mixed.sh runs "c c k").  Node 2 is the one
# restarted (a chorusd node).
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
DEB_CFGTOOL=/usr/sbin/corosync-cfgtool
[ -x "$DEB_CFGTOOL" ] || { echo "SKIP: no $DEB_CFGTOOL"; exit 77; }
MIX=${MIX:-"c c c"}
case "$MIX" in *k*) [ -x "$COROSYNC" ] || { echo "SKIP: no $COROSYNC"; exit 77; } ;; esac
NODES=$(echo "$MIX" | wc -w)
kind() { echo "$MIX" | cut -d' ' -f"$1"; }
it_cluster_setup "$NODES" 1 || { it_fail "network setup"; it_done; exit 1; }

for k in 1 2 3; do
	head -c 256 /dev/urandom > "$IT_TMP/authkey$k"
	chmod 600 "$IT_TMP/authkey$k"
done
# crypto settings of generation G: cipher hash key
gen() {
	case $1 in
	1) echo "aes256 sha256 $IT_TMP/authkey1" ;;
	2) echo "aes128 sha512 $IT_TMP/authkey2" ;;
	3) echo "aes192 sha384 $IT_TMP/authkey3" ;;
	esac
}
# write_conf N G: node N's file with generation G's crypto; the cfg
# subsystem logs at debug (the phase lines, the same in both daemons).
write_conf() {
	set -- "$1" $(gen "$2")
	it_config "$1" "totem {" "	crypto_cipher: $2" "	crypto_hash: $3" "	keyfile: $4" "}" \
		"logging {" "	logger_subsys {" "		subsys: CFG" "		debug: on" "	}" "}" \
		>/dev/null
}
start_node() {
	write_conf "$1" "$2"
	if [ "$(kind "$1")" = c ]; then
		it_node_run "$1" "$IT_TMP/node$1/chorus.conf"
	else
		it_corosync_run "$1" "$IT_TMP/node$1/chorus.conf"
	fi
}
start_client() {
	if [ "$(kind "$1")" = c ]; then bin=$CPG_CLIENT; else bin=$CPG_CLIENT_DEBIAN; fi
	CPG_BIN=$bin cpg_start "$1" "a$1" -m -i && cpg_cmd "a$1" "join alpha"
}
# count_log N PATTERN: lines of node N's log matching PATTERN
count_log() { grep -c -- "$2" "$IT_TMP/node$1/log" 2>/dev/null || true; }
# wait_count_log N PATTERN COUNT SECONDS: until the log has COUNT such lines
wait_count_log() {
	end=$(( $(date +%s) + $4 ))
	until [ "$(count_log "$1" "$2")" -ge "$3" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		[ -f "$IT_TMP/node$1/exit" ] && return 1
		sleep 0.05
	done
}
# every client receives one message from every client
traffic() {
	for c in $A; do
		cpg_cmd "$c" "send $1-$c"
	done
	for c in $A; do
		cpg_wait_all "$A" " data=$1-$c\$" 30 || return 1
	done
}
rings() {
	for n in $(seq 1 "$NODES"); do
		printf '%s=%s/%s ' "$n" "$(it_ring "$n")" "$(it_members "$n")"
	done
}

n=1
while [ "$n" -le "$NODES" ]; do
	start_node "$n" 1 || { it_fail "node $n ($(kind "$n")) starts"; it_done; exit 1; }
	n=$((n + 1))
done
all=$(seq 1 "$NODES" | tr '\n' ' ' | sed 's/ $//')
allc=$(echo "$all" | tr ' ' ',')
A=""
for n in $all; do
	start_client "$n" || it_fail "client on node $n starts"
	A="$A a$n"
done
A=${A# }
it_check "every client sees the ring of all nodes" cpg_wait_all "$A" "^TOTEM ring=.* m=$allc\$" 60
it_check "CPG traffic before the change" traffic before

# change G FROM: every file gets generation G's crypto, -R on node FROM
change() {
	g=$1 from=$2
	before=$(rings)
	for n in $all; do
		c2=$(count_log "$n" "Crypto reconfiguration phase 2")
		eval "phase2_$n=$c2"
		write_conf "$n" "$g"
	done
	out=$(it_exec "$from" "$DEB_CFGTOOL" -R 2>&1; echo "exit=$?")
	it_eq "gen $g: corosync-cfgtool -R on node $from ($(kind "$from"))" "Reloading corosync.conf...
Done
exit=0" "$out"
	set -- $(gen "$g")
	for n in $all; do
		eval "want=\$((phase2_$n + 1))"
		it_check "gen $g: node $n ($(kind "$n")) ran its CLEANUP phase" \
			wait_count_log "$n" "Crypto reconfiguration phase 2" "$want" 30
		it_check "gen $g: node $n knet has $1/$2 in its spare slot" \
			grep -q "crypto reconfigured on index [12]: nss/$1/$2" "$IT_TMP/node$n/log"
	done
	it_check "gen $g: CPG traffic from every node after the change" traffic "gen$g"
	it_eq "gen $g: no node saw a membership change" "$before" "$(rings)"
}
change 2 1

# Node 2 restarts with the old key: nobody can read it any more.
cpg_mark R "$A"
it_eq "node 2 stops" 0 "$(it_node_stop 2)"
cpg_kill a2
rest=$(echo "$all" | tr ' ' '\n' | grep -vx 2 | tr '\n' ' ' | sed 's/ $//')
it_check "the others form a ring without node 2" it_wait_members 1 "$rest" 30
write_conf 2 1
it_node_run 2 "$IT_TMP/node2/chorus.conf" || it_fail "node 2 starts with the old key"
it_check "node 2 with the old key stays alone" it_wait_members 2 "2" 30
members1() { it_members 1; }
members2() { it_members 2; }
it_check "... and is never let in (12 s)" it_steady 12 "$rest" members1
it_check "... nor lets itself in" it_steady 1 "2" members2
it_eq "node 2 stops again" 0 "$(it_node_stop 2)"
# ... and with the new one: it joins.
write_conf 2 2
it_node_run 2 "$IT_TMP/node2/chorus.conf" || it_fail "node 2 starts with the new key"
it_check "node 2 with the new key joins" it_wait_members 1 "$all" 30
start_client 2 || it_fail "client on node 2 starts again"
R_a2=0
it_check "every client sees the ring of all nodes again" \
	cpg_wait_all_since R "$A" "^TOTEM ring=.* m=$allc\$" 60
it_check "CPG traffic after the restart" traffic restarted

# A second change, -R from the last node: back to slot 1 on the old nodes.
change 3 "$NODES"
it_done
