#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# chorus-quorumtool against Debian's corosync-quorumtool on 3 chorusd nodes
# with votequorum (own network namespaces, one knet link): -s, -l and their
# -a, -i, -H, -p and -o variants print the same bytes (Date line dropped)
# and exit the same on every node; so do the argument errors and the
# refused -e / -v requests.  -e and -v of our tool change expected votes and
# votes as the Debian tool then shows them (and back); -j output parses with
# python3 -m json.tool, and -m -j prints one document per quorum change.
# With no daemon both tools fail the same way.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
DEB_QT=/usr/sbin/corosync-quorumtool
OUR_QT="$top_builddir/tools/chorus-quorumtool"
[ -x "$DEB_QT" ] || { echo "SKIP: no corosync-quorumtool"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }

QUORUM_CONF="quorum {
	provider: corosync_votequorum
}"
it_cluster_setup 3 1 || { it_fail "namespaces"; it_done; exit 1; }
for n in 1 2 3; do
	it_node_start "$n" "$QUORUM_CONF" || { it_fail "node $n starts"; it_done; exit 1; }
done

# Our tool with our libraries (never the system's); Debian's with Debian's.
ours() {
	n=$1
	shift
	it_exec "$n" env LD_LIBRARY_PATH="$top_builddir/lib/.libs" timeout 60 "$OUR_QT" "$@"
}
deb() {
	n=$1
	shift
	it_exec "$n" timeout 60 "$DEB_QT" "$@"
}

# run TOOL N ARGS...: stdout without the Date line, stderr lines prefixed
# "E: ", then the exit status.
run() {
	tool=$1 n=$2
	shift 2
	$tool "$n" "$@" > "$IT_TMP/out" 2> "$IT_TMP/err"
	rc=$?
	grep -v '^Date:  ' "$IT_TMP/out"
	sed 's/^/E: /' "$IT_TMP/err"
	echo "exit=$rc"
}

# same DESC N ARGS...: both tools print the same on node N.
same() {
	desc=$1 n=$2
	shift 2
	run deb "$n" "$@" > "$IT_TMP/deb.txt"
	run ours "$n" "$@" > "$IT_TMP/ours.txt"
	if diff -u "$IT_TMP/deb.txt" "$IT_TMP/ours.txt"; then
		it_pass "node $n: $desc ($*) as corosync-quorumtool"
	else
		it_fail "node $n: $desc ($*) differs"
	fi
}

# wait_deb N PATTERN: until Debian's -s on node N matches.
wait_deb() {
	end=$(( $(date +%s) + 30 ))
	until deb "$1" -s 2>&1 | grep -q "$2"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

for n in 1 2 3; do
	wait_deb "$n" '^Total votes: *3$' || it_fail "node $n counts 3 votes"
done
run deb 1 -s
for n in 1 2 3; do
	same "status" "$n" -s
	same "members" "$n" -l
done
for args in "-s -a" "-l -a" "-l -i" "-l -a -i" "-s -i" "-l -o i" "-l -o n" "-l -o a" \
	"-s -o i -i" "-s -H" "-l -H" "-l -p" "-s -p" "-p" "-l -p -H -i -a" "-V"; do
	# shellcheck disable=SC2086
	same "variant" 2 $args
done
# argument errors (before any connection)
for args in "-e 0" "-e x" "-e -1" "-v -1" "-v 2x" "-n 0" "-n x" "-o z"; do
	# shellcheck disable=SC2086
	same "argument error" 1 $args
done
# the usage text: ours names itself and has the -j line
run deb 1 -h | sed 's|^[^ ]*quorumtool <options>$|PROG <options>|' > "$IT_TMP/deb.txt"
run ours 1 -h | sed 's|^[^ ]*quorumtool <options>$|PROG <options>|' | grep -v -- '-j, --json' > "$IT_TMP/ours.txt"
diff -u "$IT_TMP/deb.txt" "$IT_TMP/ours.txt" && it_pass "-h as corosync-quorumtool (+ -j)" ||
	it_fail "-h differs"

# Refused changes: the same message and status from both tools.
same "expected below the votes present" 1 -e 1
same "votes of an unknown node" 1 -v 2 -n 9

# -e with our tool, seen by Debian's on every node.
out=$(ours 1 -e 4 2>&1)
it_eq "-e 4 accepted" "0 " "$? $out"
for n in 1 2 3; do
	wait_deb "$n" '^Expected votes: *4$' && wait_deb "$n" '^Quorum: *3  $' &&
		it_pass "node $n: expected 4, quorum 3 after our -e 4" ||
		{ it_fail "node $n after -e 4"; deb "$n" -s; }
done
same "status after -e 4" 3 -s
# -v: node 3 gets 2 votes (total 4, quorum 3), then 1 again.
out=$(ours 1 -v 2 -n 3 2>&1)
it_eq "-v 2 -n 3 accepted" "0 " "$? $out"
for n in 1 2 3; do
	wait_deb "$n" '^Total votes: *4$' &&
		deb "$n" -l | grep -q '^ *3 *2 node3' &&
		it_pass "node $n: node 3 has 2 votes after our -v 2 -n 3" ||
		{ it_fail "node $n after -v 2 -n 3"; deb "$n" -s; }
done
same "status after -v" 2 -s
same "members after -v, by node id" 1 -l -o i
out=$(ours 3 -v 1 2>&1)
it_eq "-v 1 (own node) accepted" "0 " "$? $out"
wait_deb 1 '^Total votes: *3$' && it_pass "node 3's own -v 1 seen on node 1" ||
	it_fail "node 3's -v 1 not seen"
out=$(ours 2 -e 3 2>&1)
it_eq "-e 3 accepted" "0 " "$? $out"
wait_deb 3 '^Expected votes: *3$' && it_pass "expected back to 3" || it_fail "expected not back"

# JSON: one parseable document each.
for args in "-s" "-l" "-s -a -i" "-l -p -H" "-e 3" "-v 1"; do
	# shellcheck disable=SC2086
	ours 1 -j $args > "$IT_TMP/j.json" 2>&1
	if python3 -m json.tool "$IT_TMP/j.json" > /dev/null && [ "$(wc -l < "$IT_TMP/j.json")" = 1 ]; then
		it_pass "-j $args: one line of JSON"
	else
		it_fail "-j $args"; cat "$IT_TMP/j.json"
	fi
done
ours 1 -s -j | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["quorate"] is True and d["nodes"] == 3 and d["node_id"] == 1, d
assert d["votequorum"]["quorum"] == 2 and d["votequorum"]["flags"] == ["Quorate"], d
assert [m["nodeid"] for m in d["members"]] == [1, 2, 3], d
assert [m["name"] for m in d["members"]] == ["node1", "node2", "node3"], d
assert [m["local"] for m in d["members"]] == [True, False, False], d
' && it_pass "-s -j facts" || it_fail "-s -j facts"

# --json of chorus-cmapctl and chorus-cpgtool on the same cluster.
it_exec 1 env LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$top_builddir/tools/chorus-cmapctl" -j \
	runtime.votequorum. | python3 -c '
import json, sys
d = json.load(sys.stdin)
k = {e["key"]: e for e in d["keys"]}
assert k["runtime.votequorum.this_node_id"] == {"key": "runtime.votequorum.this_node_id", "type": "u32", "value": 1}, k
' && it_pass "chorus-cmapctl -j runtime.votequorum." || it_fail "chorus-cmapctl -j"
it_exec 2 env LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$top_builddir/tools/chorus-cmapctl" -j -g \
	totem.cluster_name nodelist.node.1.name | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [e["value"] for e in d["keys"]][1] == "node2", d
' && it_pass "chorus-cmapctl -j -g" || it_fail "chorus-cmapctl -j -g"
it_exec 1 env LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$top_builddir/tools/chorus-cpgtool" -j |
	python3 -c 'import json, sys; assert "groups" in json.load(sys.stdin)' &&
	it_pass "chorus-cpgtool -j parses" || it_fail "chorus-cpgtool -j"

# -m -j: one document per quorum change (the kill of node 3).
ours 1 -m -j > "$IT_TMP/mon.json" 2> "$IT_TMP/mon.err" &
mon=$!
# mpid: the tool's own pid once it holds its 4 connections (cmap, quorum,
# cfg, votequorum); its TRACKSTARTs follow at once, long before the ring
# notices the kill (the token timeout).
mpid=""
end=$(( $(date +%s) + 20 ))
while :; do
	socks=$(ip netns exec "$(it_ns 1)" ss -xp 2>/dev/null | grep -o 'chorus-quorumto",pid=[0-9]*' |
		sed 's/.*pid=//')
	if [ "$(printf '%s\n' "$socks" | grep -c .)" -ge 4 ]; then
		mpid=$(printf '%s\n' "$socks" | head -n 1)
		break
	fi
	[ "$(date +%s)" -ge "$end" ] && break
	sleep 0.1
done
[ -n "$mpid" ] || it_fail "-m -j: the monitor did not connect"
kill -KILL "$(it_node_pid 3)"
end=$(( $(date +%s) + 30 ))
until grep -q '"nodes": 2' "$IT_TMP/mon.json"; do
	[ "$(date +%s)" -ge "$end" ] && break
	sleep 0.2
done
[ -n "$mpid" ] && kill "$mpid" 2>/dev/null
wait "$mon" 2>/dev/null
ok=1
while read -r line; do
	printf '%s\n' "$line" | python3 -m json.tool > /dev/null || ok=0
done < "$IT_TMP/mon.json"
[ "$ok" = 1 ] && grep -q '"nodes": 2' "$IT_TMP/mon.json" &&
	it_pass "-m -j: a JSON line per change, 2 nodes after the kill" ||
	{ it_fail "-m -j"; cat "$IT_TMP/mon.json" "$IT_TMP/mon.err"; }
wait_deb 1 '^Nodes: *2$' || it_fail "node 1 sees 2 nodes"
same "status after a kill" 1 -s
same "members after a kill" 2 -l -a

# Without a quorum provider (node 4, a one-node cluster of its own): the
# quorum service answers alone; both tools print the same for the status,
# the members, -m (not configured: one status) and the refused changes.
printf 'nodelist {\n\tnode {\n\t\tname: solo\n\t\tnodeid: 4\n\t\tring0_addr: 127.0.0.1\n\t}\n}\n' \
	> "$IT_TMP/solo.nodelist"
if IT_NODELIST_FILE="$IT_TMP/solo.nodelist" IT_CLUSTER_NAME=solo it_node_start 4; then
	for args in "-s" "-l" "-l -a -i" "-s -H" "-m" "-e 2" "-v 1" "-v 1 -n 4" "-f" "-s -p"; do
		# shellcheck disable=SC2086
		same "no provider" 4 $args
	done
	# --json shows the facts where the text fails (corosync's quirk)
	ours 4 -s -j | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["quorum_provider"] is None and d["quorate"] is True and d["node_id"] == 0, d
# without a provider the snapshot is empty (ring 0, no members), as with corosync
assert "votequorum" not in d and d["members"] == [] and d["ring_id"] == {"seq": 0}, d
' && it_pass "no provider: -s -j" || { it_fail "no provider: -s -j"; ours 4 -s -j; }
else
	it_fail "node 4 (no quorum provider) starts"
fi

# No daemon (the hub namespace): both fail the same way.
same "no daemon" hub -s
same "no daemon" hub -l
it_done
