#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The knet transport (totemsrp/transport_knet.c) between three nodes, each a
# knet_probe in its own network namespace.  The nodes' links are veth pairs
# into a bridge per link in a "hub" namespace; the 192.168.5x.N addresses
# exist only inside namespaces this test creates, so nothing leaves them.
# Cases: plain; aes256+sha256 with a shared key; one node with a wrong key
# (nobody hears it, it hears nobody); two links with link 0 of node 3 set
# down between two rounds (passive link mode fails over to link 1).
# Every wait is bounded (knet_probe --timeout, plus a guard in wait_probes).

. "$top_srcdir/test/integration/lib.sh"
it_require_root

PROBE=${KNET_PROBE:-"$top_builddir/test/integration/knet_probe"}
if [ ! -x "$PROBE" ]; then
	echo "SKIP: $PROBE not built"
	exit 77
fi

# net_setup CASE LINKS: namespaces CASEn1..CASEn3 and CASEhub, link L of
# node N is interface klL with address 192.168.(50+L).N/24.
net_setup() {
	c=$1 links=$2
	it_ns_create "${c}hub" || return 1
	hub=$(it_ns "${c}hub")
	l=0
	while [ "$l" -lt "$links" ]; do
		ip -n "$hub" link add "br$l" type bridge || return 1
		ip -n "$hub" link set "br$l" up || return 1
		l=$((l + 1))
	done
	for n in 1 2 3; do
		it_ns_create "${c}n$n" || return 1
		ns=$(it_ns "${c}n$n")
		l=0
		while [ "$l" -lt "$links" ]; do
			ip -n "$ns" link add "kl$l" type veth peer name "h${n}l$l" netns "$hub" ||
				return 1
			ip -n "$hub" link set "h${n}l$l" master "br$l" up || return 1
			ip -n "$ns" addr add "192.168.$((50 + l)).$n/24" dev "kl$l" || return 1
			ip -n "$ns" link set "kl$l" up || return 1
			l=$((l + 1))
		done
	done
}

# conf_write FILE LINKS [totem lines...]
conf_write() {
	f=$1 links=$2
	shift 2
	{
		printf 'totem {\n\tversion: 2\n\tcluster_name: knettest\n\ttransport: knet\n'
		for line in "$@"; do printf '\t%s\n' "$line"; done
		printf '}\nnodelist {\n'
		for n in 1 2 3; do
			printf '\tnode {\n\t\tname: n%s\n\t\tnodeid: %s\n' "$n" "$n"
			l=0
			while [ "$l" -lt "$links" ]; do
				printf '\t\tring%s_addr: 192.168.%s.%s\n' "$l" "$((50 + l))" "$n"
				l=$((l + 1))
			done
			printf '\t}\n'
		done
		printf '}\n'
	} > "$f"
}

# probe_start CASE N CONF LINKS [probe options...]: output in $IT_TMP/CASE.N.out
probe_start() {
	c=$1 n=$2 conf=$3 links=$4
	shift 4
	addrs=""
	l=0
	while [ "$l" -lt "$links" ]; do
		addrs="$addrs --addr 192.168.$((50 + l)).$n"
		l=$((l + 1))
	done
	# shellcheck disable=SC2086
	it_exec "${c}n$n" timeout 60 "$PROBE" --config "$conf" --hostname "n$n" $addrs \
		--timeout 30000 "$@" > "$IT_TMP/$c.$n.out" 2>&1 &
	eval "PROBE_PID_$n=\$!"
}

# wait_probes CASE: wait for the three probes; each one's status in $IT_TMP/CASE.N.rc
wait_probes() {
	c=$1
	for n in 1 2 3; do
		pid=""
		eval "pid=\$PROBE_PID_$n"
		wait "$pid"
		echo $? > "$IT_TMP/$c.$n.rc"
	done
}

# wait_out CASE PATTERN SECONDS: every probe of CASE printed PATTERN.
wait_out() {
	c=$1 pat=$2 secs=$3
	end=$(( $(date +%s) + secs ))
	for n in 1 2 3; do
		while ! grep -q "$pat" "$IT_TMP/$c.$n.out" 2>/dev/null; do
			[ "$(date +%s)" -ge "$end" ] && return 1
			sleep 0.05
		done
	done
}

check_case() {
	c=$1 desc=$2
	for n in 1 2 3; do
		rc=$(cat "$IT_TMP/$c.$n.rc")
		if [ "$rc" = 0 ] && grep -q "node $n: OK" "$IT_TMP/$c.$n.out"; then
			it_pass "$desc: node $n"
		else
			it_fail "$desc: node $n (exit $rc)"
			sed "s/^/    [$c.$n] /" "$IT_TMP/$c.$n.out"
		fi
	done
}

# ---- case 1: three nodes, no crypto -----------------------------------------
net_setup plain 1 || { it_fail "network setup"; it_done; exit 1; }
conf_write "$IT_TMP/plain.conf" 1
for n in 1 2 3; do
	probe_start plain "$n" "$IT_TMP/plain.conf" 1 --send 10 --expect 10 --linger 500
done
wait_probes plain
check_case plain "3 nodes, crypto off"
it_check "plain: node 1 got 10 broadcasts + 1 unicast from node 3" \
	grep -q "node 1 round 1: from 3: bcast 10 ucast 1 unexpected 0" "$IT_TMP/plain.1.out"
it_check "plain: node 2 got its own 10 broadcasts over loopback" \
	grep -q "node 2 round 1: from 2 (self): bcast 10" "$IT_TMP/plain.2.out"
for n in 1 2 3; do
	if grep -q "links ready 1" "$IT_TMP/plain.$n.out" &&
		! grep -q "not every knet link came up" "$IT_TMP/plain.$n.out"; then
		it_pass "plain: node $n ready because every peer link came up"
	else
		it_fail "plain: node $n start trigger"
	fi
done

# ---- case 2: aes256 + sha256, shared key ------------------------------------
head -c 256 /dev/urandom > "$IT_TMP/authkey"
head -c 256 /dev/urandom > "$IT_TMP/wrongkey"
net_setup crypt 1 || { it_fail "network setup"; it_done; exit 1; }
conf_write "$IT_TMP/crypt.conf" 1 "crypto_cipher: aes256" "crypto_hash: sha256" \
	"keyfile: $IT_TMP/authkey"
for n in 1 2 3; do
	probe_start crypt "$n" "$IT_TMP/crypt.conf" 1 --send 10 --expect 10 --linger 500
done
wait_probes crypt
check_case crypt "3 nodes, aes256/sha256"

# ---- case 3: node 3 has a wrong key -----------------------------------------
# Nodes 1 and 2 complete with each other; all three then keep listening for
# a bounded window in which nothing may arrive across the key boundary.
net_setup wkey 1 || { it_fail "network setup"; it_done; exit 1; }
conf_write "$IT_TMP/wkey.conf" 1 "crypto_cipher: aes256" "crypto_hash: sha256" \
	"keyfile: $IT_TMP/authkey"
conf_write "$IT_TMP/wkey3.conf" 1 "crypto_cipher: aes256" "crypto_hash: sha256" \
	"keyfile: $IT_TMP/wrongkey"
probe_start wkey 1 "$IT_TMP/wkey.conf" 1 --send 10 --expect 10 --from 2 --linger 3000
probe_start wkey 2 "$IT_TMP/wkey.conf" 1 --send 10 --expect 10 --from 1 --linger 3000
probe_start wkey 3 "$IT_TMP/wkey3.conf" 1 --send 10 --expect 10 --from none --linger 4000
wait_probes wkey
check_case wkey "wrong key on node 3"
it_check "wkey: node 1 heard nothing from node 3" \
	grep -q "node 1 round 1: from 3 (not expected): bcast 0 ucast 0 unexpected 0" \
	"$IT_TMP/wkey.1.out"
it_check "wkey: node 3 heard nothing from node 1" \
	grep -q "node 3 round 1: from 1 (not expected): bcast 0 ucast 0 unexpected 0" \
	"$IT_TMP/wkey.3.out"
it_check "wkey: node 3 starts after the grace period without links" \
	grep -q "not every knet link came up within" "$IT_TMP/wkey.3.out"
it_check "wkey: node 3's link to node 1 never came up" \
	grep -q "node 3 link to 1/0: connected 0 up 0" "$IT_TMP/wkey.3.out"

# ---- case 4: two links, link 0 of node 3 goes down between rounds -------------
net_setup fail 2 || { it_fail "network setup"; it_done; exit 1; }
conf_write "$IT_TMP/fail.conf" 2
for n in 1 2 3; do
	probe_start fail "$n" "$IT_TMP/fail.conf" 2 --send 10 --expect 10 --rounds 2 \
		--go-file "$IT_TMP/fail.go" --linger 500
done
if wait_out fail "round 1 complete" 30; then
	it_pass "failover: round 1 over link 0"
	ip -n "$(it_ns failn3)" link set kl0 down
	: > "$IT_TMP/fail.go.2"
else
	it_fail "failover: round 1 did not complete"
	: > "$IT_TMP/fail.go.2"
fi
wait_probes fail
check_case fail "failover to link 1"
it_check "failover: node 1 got round 2 from node 3" \
	grep -q "node 1 round 2: from 3: bcast 10 ucast 1" "$IT_TMP/fail.1.out"
it_check "failover: node 1 sees link 0 to node 3 down" \
	grep -Eq "node 1 link to 3/0: connected 0 up 1 down [1-9]" "$IT_TMP/fail.1.out"
it_check "failover: node 1 received data from node 3 over link 1" \
	grep -Eq "node 1 link to 3/1: connected 1 .* rx [1-9]" "$IT_TMP/fail.1.out"

it_done
