#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The reference comparison for CPG: the same client steps, by a client built
# against Debian's libcpg-dev (cpg_client_debian), against Debian's corosync
# and against chorusd, each a single node in its own namespace with the same
# config; every client's output (results and events, pids and ring ids
# normalised) and corosync-cpgtool's output in its three modes must be the
# same.  Steps avoid the behaviours we change on purpose (docs/compat.md):
# they are checked in int_cpg_errors.sh.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
[ -x "$COROSYNC" ] || { echo "SKIP: no $COROSYNC"; exit 77; }
CPGTOOL=${CPGTOOL:-/usr/sbin/corosync-cpgtool}
CPG_BIN=$CPG_CLIENT_DEBIAN

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }
it_ns_create 2
conf=$(it_config 2)
sed -i 's/nodeid: 2/nodeid: 1/; s/name: node2/name: node1/' "$conf"
it_corosync_run 2 "$conf" || { it_fail "corosync starts"; it_done; exit 1; }

long128=$(printf 'n%.0s' $(seq 1 128))
long129=$(printf 'n%.0s' $(seq 1 129))

# step NODE CLIENT COMMAND REGEX: send, then wait for REGEX in its output.
step() {
	cpg_cmd "$2$1" "$3"
	cpg_wait "$2$1" "$4" 20 || { it_fail "node $1: $2: no '$4' after '$3'"; return 1; }
}

run() {
	n=$1
	cpg_start "$n" "x$n" -m -i || it_fail "node $n: client x starts"
	cpg_start "$n" "y$n" || it_fail "node $n: client y starts"
	cpg_start "$n" "z$n" -m || it_fail "node $n: client z starts"
	step "$n" x "local" '^local '
	step "$n" x "maxmsg" '^maxmsg '
	step "$n" x "join g1" '^TOTEM '
	step "$n" x "members g1" '^members g1 '
	step "$n" y "join g1" '^CONFCHG g1 '
	cpg_wait "x$n" "j=1:$(cpg_pid "y$n"):1" 20
	step "$n" x "join g1" '^join g1 14$'
	step "$n" x "join g2" '^join g2 14$'
	step "$n" y "send hello world" '^DELIVER g1 .*data=hello world$'
	cpg_wait "x$n" 'data=hello world$' 20
	step "$n" x "big 1500000" '^DELIVER g1 .*len=1500000 '
	cpg_wait "y$n" 'len=1500000 ' 20
	step "$n" x "zcb zero copy" '^DELIVER g1 .*data=zero copy$'
	step "$n" x "flood 20 4000" '^DELIVER g1 .*seq=19$'
	# (when the flood's own result line comes among its deliveries is timing:
	# it is checked here and left out of the comparison)
	cpg_wait "x$n" '^flood 20 1 ' 20 || it_fail "node $n: flood result"
	cpg_wait "y$n" 'seq=19$' 20
	step "$n" z "join $long128" '^CONFCHG '
	step "$n" z "join $long129" '^join n* 13$'
	step "$n" z "iter all" '^iterend'
	step "$n" z "iter names" '^iterend'
	step "$n" z "iter one g1" '^iterend'
	step "$n" z "iter one nosuchgroup" '^iterend'
	step "$n" z "members nosuchgroup" '^members nosuchgroup '
	step "$n" y "leave g1" '^CONFCHG g1 .* l=1:[0-9]*:2 '
	cpg_wait "x$n" "l=1:$(cpg_pid "y$n"):2" 20
	step "$n" y "leave g1" '^leave g1 '
	step "$n" y "finalize" '^finalize '
	step "$n" y "local" '^local '
	it_exec "$n" "$CPGTOOL" > "$IT_TMP/cpgtool$n.default" 2>&1; echo "exit $?" >> "$IT_TMP/cpgtool$n.default"
	it_exec "$n" "$CPGTOOL" -n > "$IT_TMP/cpgtool$n.n" 2>&1; echo "exit $?" >> "$IT_TMP/cpgtool$n.n"
	it_exec "$n" "$CPGTOOL" -d ';' > "$IT_TMP/cpgtool$n.d" 2>&1; echo "exit $?" >> "$IT_TMP/cpgtool$n.d"
	it_exec "$n" "$CPGTOOL" -n -d , -e > "$IT_TMP/cpgtool$n.nde" 2>&1; echo "exit $?" >> "$IT_TMP/cpgtool$n.nde"
	if [ "$n" = 1 ]; then
		# our tool against chorusd: byte for byte what corosync's prints
		for opts in "" "-n" "-d ;" "-n -d , -e"; do
			# shellcheck disable=SC2086
			a=$(it_exec 1 "$CPGTOOL" $opts 2>&1; echo "exit $?")
			# shellcheck disable=SC2086
			b=$(it_exec 1 "$top_builddir/tools/chorus-cpgtool" $opts 2>&1; echo "exit $?")
			it_eq "chorus-cpgtool $opts prints what corosync-cpgtool prints" "$a" "$b"
		done
	fi
	pz=$(cpg_pid "z$n")
	cpg_kill "z$n"
	# its PROCDOWN is processed once the group is gone from the listing
	end=$(( $(date +%s) + 20 ))
	while it_exec "$n" "$CPGTOOL" -n 2>/dev/null | grep -q "^$long128\$"; do
		[ "$(date +%s)" -ge "$end" ] && { it_fail "node $n: z's group never went"; break; }
		sleep 0.05
	done
	step "$n" x "members $long128" "^members $long128 "
	step "$n" x "echo end" '^echo end$'
	# normalise: pids to names, ring ids to R
	for c in x y z; do
		sed -e "s/\b$(cpg_pid "x$n")\b/PX/g" -e "s/\b$(cpg_pid "y$n")\b/PY/g" \
			-e "s/\b$pz\b/PZ/g" -e 's/ring=[0-9a-f]*\.[0-9a-f]*/ring=R/' \
			-e '/^flood /d' "$IT_TMP/clients/$c$n.out" > "$IT_TMP/$c$n.norm"
	done
	# the default listing right-aligns the pid in a field: the spaces before
	# it depend on the pid's digits, which differ between the two runs
	for f in default n d nde; do
		sed -i -e "s/ *\b$(cpg_pid "x$n")\b/ PX/g" -e "s/ *\b$pz\b/ PZ/g" "$IT_TMP/cpgtool$n.$f"
	done
}

run 2
run 1
for c in x y z; do
	if diff -u "$IT_TMP/${c}2.norm" "$IT_TMP/${c}1.norm" > "$IT_TMP/$c.diff"; then
		it_pass "client $c: $(wc -l < "$IT_TMP/${c}1.norm") lines identical on corosync and chorusd"
	else
		it_fail "client $c differs between corosync (-) and chorusd (+)"
		cat "$IT_TMP/$c.diff"
	fi
done
for f in default n d nde; do
	if diff -u "$IT_TMP/cpgtool2.$f" "$IT_TMP/cpgtool1.$f" > "$IT_TMP/cpgtool.$f.diff"; then
		it_pass "corosync-cpgtool ($f): same output on corosync and chorusd"
	else
		it_fail "corosync-cpgtool ($f) differs between corosync (-) and chorusd (+)"
		cat "$IT_TMP/cpgtool.$f.diff"
	fi
done
it_check "chorusd alive" it_node_alive 1
it_done
