#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# corosync-cfgtool and chorus-cfgtool against a 3-node chorusd cluster and
# a 3-node Debian corosync cluster on the same two-link network: -s, -s -b,
# -n and -a print the same with both tools on both clusters, and so do -R,
# -k of an unknown node and a vetoed -H; the
# ring status (RINGSTATUSGET) is the same through both libcfgs on both
# daemons; --json parses.  -k makes the named chorusd exit 255 (the others
# see it leave); a tracker that answers no (Debian's libcfg, as Pacemaker)
# makes -H fail with CS_ERR_BUSY (exit 0, daemon alive); -H --force with a
# tracker that never answers waits for cfg.shutdown_timeout, then stops the
# daemon with exit 0 while the others log the shutdown.  Then a mixed ring
# (corosync 1 and 2, chorusd 3): kill and shutdown across the two
# implementations.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
DEB_CFGTOOL=/usr/sbin/corosync-cfgtool
OUR_CFGTOOL="$top_builddir/tools/chorus-cfgtool"
OUR_LIBCFG="$top_builddir/lib/.libs/libcfg.so.7"
DEBIAN_LIBCFG=/usr/lib/x86_64-linux-gnu/libcfg.so.7
TRACKER="$top_builddir/test/integration/cfg_tracker"
[ -x "$COROSYNC" ] && [ -x "$DEB_CFGTOOL" ] || { echo "SKIP: no Debian corosync"; exit 77; }

it_cluster_setup 3 2 || { it_fail "cluster setup"; it_done; exit 1; }

# Our tool with our libraries (never the system's).
ours() {
	n=$1
	shift
	it_exec "$n" env LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$OUR_CFGTOOL" "$@"
}
deb() {
	n=$1
	shift
	it_exec "$n" "$DEB_CFGTOOL" "$@"
}

# split TOOL N ARGS...: stdout, then stderr lines prefixed "E: ", then the exit
# status (the two streams are not interleaved in a fixed order otherwise).
split() {
	tool=$1 n=$2
	shift 2
	$tool "$n" "$@" 2> "$IT_TMP/stderr"
	rc=$?
	sed 's/^/E: /' "$IT_TMP/stderr"
	echo "exit=$rc"
}

# Until every node shows every link connected (knet brings links up
# independently of the ring); then the outputs are stable.
wait_links() {
	tool=$1 n=$2
	end=$(( $(date +%s) + 30 ))
	while :; do
		out=$($tool "$n" -s 2>&1)
		if [ "$(printf '%s\n' "$out" | grep -c 'connected$')" = 4 ] &&
		   ! printf '%s\n' "$out" | grep -q disconnected; then
			return 0
		fi
		[ "$(date +%s)" -ge "$end" ] && { printf '%s\n' "$out"; return 1; }
		sleep 0.2
	done
}

# Until knet's path MTU discovery settled on node N: every link to every
# peer reports the same MTU (one veth MTU everywhere); before that knet
# shows its starting value on some links and -n would change under us.
wait_pmtud() {
	n=$1
	end=$(( $(date +%s) + 60 ))
	while :; do
		mtus=$(deb "$n" -n 2>/dev/null | sed -n 's/.* mtu: //p')
		if [ "$(printf '%s\n' "$mtus" | grep -c .)" = 4 ] &&
		   [ "$(printf '%s\n' "$mtus" | sort -u | wc -l)" = 1 ]; then
			return 0
		fi
		[ "$(date +%s)" -ge "$end" ] && { printf '%s\n' "$mtus"; return 1; }
		sleep 0.2
	done
}

# The views compared between tools and clusters, from node N.
views() {
	tool=$1 n=$2
	for args in "-s" "-s -b" "-n" "-a 1" "-a 2" "-a 3" "-a 4"; do
		echo "== $args"
		# shellcheck disable=SC2086
		$tool "$n" $args 2>&1
		echo "exit=$?"
	done
}

# ---- no daemon (§10.6): the same messages and exit codes --------------------------------
it_ns_create 9
for args in "-s" "-n" "-s -b" "-a 1" "-R" "-L" "-H" "-H --force" "-k 3" "-k 0" "-a x"; do
	# shellcheck disable=SC2086
	it_eq "no daemon: $args" "$(split deb 9 $args)" "$(split ours 9 $args)"
done
# the usage text: the same but for the name and the -j line
it_eq "usage" "$(split deb 9)" \
	"$(split ours 9 | sed 's/^chorus-cfgtool /corosync-cfgtool /' | grep -v '^	-j	')"

# ---- chorusd cluster -------------------------------------------------------------
for n in 1 2 3; do
	it_node_start "$n" || { it_fail "chorusd $n starts"; it_done; exit 1; }
done
it_check "chorusd ring of 3" it_wait_members 1 "1 2 3" 30
for n in 1 2 3; do
	it_check "chorusd node $n: links up" wait_links deb "$n"
	it_check "chorusd node $n: PMTUD done" wait_pmtud "$n"
done

chorus_deb=$(views deb 1)
chorus_ours=$(views ours 1)
it_eq "chorusd: corosync-cfgtool and chorus-cfgtool print the same" "$chorus_deb" "$chorus_ours"
it_eq "chorusd node 3 view, both tools" "$(views deb 3)" "$(views ours 3)"
printf '%s\n' "$chorus_deb" | sed -n '1,12p'

# RINGSTATUSGET (not used by the 3.1.7 tools) through Debian's libcfg and ours
ring=$(it_exec 1 "$TRACKER" "$DEBIAN_LIBCFG" ring 2>&1)
it_eq "ring status from chorusd (Debian's libcfg)" "ring 1 2
0 192.168.60.1|n33
1 192.168.61.1|n33" "$ring"
it_eq "ring status from chorusd (our libcfg)" "$ring" \
	"$(it_exec 1 env LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$TRACKER" "$OUR_LIBCFG" ring 2>&1)"

# --json: one well-formed document with the same facts
json=$(ours 1 -n --json)
it_check "chorus-cfgtool -n --json parses" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["local_nodeid"]==1 and [x["nodeid"] for x in d["nodes"]]==[1,2,3] and all(len(x["links"])==2 for x in d["nodes"][1:])' "$json"
json=$(ours 1 -a 2 -j)
it_eq "chorus-cfgtool -a 2 --json" '{"nodeid": 2, "addresses": ["192.168.60.2", "192.168.61.2"]}' "$json"

# -R: every node reloads its unchanged file (int_reload.sh tests real changes)
out=$(split deb 1 -R)
it_eq "corosync-cfgtool -R on chorusd" "Reloading corosync.conf...
Done
exit=0" "$out"
it_eq "chorus-cfgtool -R prints the same" "$out" "$(split ours 1 -R)"
out=$(split deb 1 -L)
it_eq "corosync-cfgtool -L on chorusd" "exit=0" "$out"

# -k: unknown node, then node 3
out=$(split deb 1 -k 9)
it_eq "-k of an unknown node" "Killing node 9
E: Could not kill node (error = CS_ERR_NOT_EXIST)
exit=1" "$out"
it_eq "chorus-cfgtool -k 9 prints the same" "$out" "$(split ours 1 -k 9)"
out=$(ours 1 -k 3 2>&1; echo "exit=$?")
it_eq "chorus-cfgtool -k 3" "Killing node 3
exit=0" "$out"
it_check "node 3 logs why it dies" it_wait_log 3 "Killed by node 1 : Killed by corosync-cfgtool" 10
it_eq "killed chorusd exits 255" 255 "$(it_node_stop 3 CONT)"
it_check "nodes 1 and 2 see node 3 leave" it_wait_members 1 "1 2" 30
it_check "node 2 agrees" it_wait_members 2 "1 2" 30

# -H with a tracker that says no: BUSY, exit 0, the daemon stays
# wait_file_line NAME PATTERN: until client NAME's output has such a line (10 s).
wait_file_line() {
	end=$(( $(date +%s) + 10 ))
	until grep -q "$2" "$IT_TMP/clients/$1.out"; do
		[ "$(date +%s)" -ge "$end" ] && return 0
		sleep 0.05
	done
}
# tracker NAME N LIBCFG MODE: a cfg_tracker on node N, until it tracks.
tracker() {
	it_exec "$2" env LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$TRACKER" "$3" "$4" \
		> "$IT_TMP/clients/$1.out" 2>&1 &
	echo "$1 $!" >> "$IT_TMP/clients/daemons"
	end=$(( $(date +%s) + 10 ))
	until grep -q tracking "$IT_TMP/clients/$1.out"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
# Pacemaker's way: Debian's libcfg, always no.
tracker tracker2 2 "$DEBIAN_LIBCFG" no || it_fail "tracker starts"
out=$(split deb 2 -H)
it_eq "corosync-cfgtool -H vetoed" "Shutting down corosync
E: Could not shutdown (error = 10)
exit=0" "$out"
it_check "node 2 still runs" it_node_alive 2
it_eq "chorus-cfgtool -H vetoed the same way" "$out" "$(split ours 2 -H)"
it_check "node 2 still runs" it_node_alive 2
it_eq "the tracker was asked (twice)" "tracking
testshutdown flags=0
replyto_shutdown 1
testshutdown flags=0
replyto_shutdown 1" "$(cat "$IT_TMP/clients/tracker2.out")"

# -H --force with a second tracker that never answers: the daemon's timer
# (cfg.shutdown_timeout, set to 1 s here) decides, REGARDLESS lets it go.
it_exec 2 /usr/sbin/corosync-cmapctl -s cfg.shutdown_timeout u32 1000 > /dev/null
tracker silent2 2 "$OUR_LIBCFG" silent || it_fail "silent tracker starts"
t0=$(date +%s%N)
out=$(ours 2 -H --force 2>&1; echo "exit=$?")
t1=$(date +%s%N)
it_eq "chorus-cfgtool -H --force" "Shutting down corosync
exit=0" "$out"
it_check "... after the 1 s timer" [ $(( (t1 - t0) / 1000000 )) -ge 900 ]
it_eq "chorusd stopped by -H exits 0" 0 "$(it_node_stop 2 CONT)"
it_check "node 1 logs the shutdown" it_wait_log 1 "Node 2 was shut down by sysadmin" 10
it_check "node 2 logged it too" grep -q "Node 2 was shut down by sysadmin" "$IT_TMP/node2/log"
it_check "node 1 sees node 2 leave" it_wait_members 1 "1" 30
wait_file_line tracker2 dispatch
it_eq "the tracker saw the forced request" "tracking
testshutdown flags=0
replyto_shutdown 1
testshutdown flags=0
replyto_shutdown 1
testshutdown flags=1
replyto_shutdown 1
testshutdown flags=1" "$(head -n 8 "$IT_TMP/clients/tracker2.out")"
it_eq "... then the daemon go" "dispatch 2" "$(tail -n 1 "$IT_TMP/clients/tracker2.out")"
# the second flags=1 is the timeout event every tracker gets
wait_file_line silent2 dispatch
it_eq "the silent tracker was asked, then told of the timeout" "tracking
testshutdown flags=1
testshutdown flags=1
dispatch 2" "$(cat "$IT_TMP/clients/silent2.out")"

# -H with no tracker on the last node
out=$(deb 1 -H 2>&1; echo "exit=$?")
it_eq "corosync-cfgtool -H on a lone node" "Shutting down corosync
exit=0" "$out"
it_eq "... which exits 0" 0 "$(it_node_stop 1 CONT)"

# ---- the same views on Debian's corosync ------------------------------------------
for n in 1 2 3; do
	rm -f "$IT_TMP/node$n/exit"
	it_corosync_start "$n" || { it_fail "corosync $n starts"; it_done; exit 1; }
done
for n in 1 2 3; do
	it_check "corosync node $n: links up" wait_links deb "$n"
	it_check "corosync node $n: PMTUD done" wait_pmtud "$n"
done
it_eq "ring status: same on corosync" "$ring" "$(it_exec 1 "$TRACKER" "$DEBIAN_LIBCFG" ring 2>&1)"
coro_deb=$(views deb 1)
it_eq "corosync-cfgtool: same on chorusd and corosync" "$coro_deb" "$chorus_deb"
it_eq "chorus-cfgtool on corosync: same as corosync-cfgtool" "$coro_deb" "$(views ours 1)"

# ---- mixed: chorusd on node 3 among corosync nodes 1 and 2 --------------------------
# wait_count N PATTERN COUNT SECONDS: until node N's log has COUNT such lines.
wait_count() {
	end=$(( $(date +%s) + $4 ))
	until [ "$(grep -c "$2" "$IT_TMP/node$1/log")" -ge "$3" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
it_eq "corosync-cfgtool -H on corosync node 3" "Shutting down corosync
exit=0" "$(split deb 3 -H)"
it_eq "corosync exits 0" 0 "$(it_node_stop 3 CONT)"
it_check "corosync node 1 logs it" wait_count 1 "Node 3 was shut down by sysadmin" 1 10
it_node_start 3 || it_fail "chorusd 3 joins the corosync nodes"
it_check "mixed ring of 3" it_wait_members 3 "1 2 3" 30
it_check "mixed: links up on the chorusd node" wait_links ours 3
it_eq "mixed: -a 1 from chorusd and from corosync" "$(split deb 1 -a 1)" "$(split ours 3 -a 1)"
# corosync kills chorusd
it_eq "corosync-cfgtool -k 3 on corosync" "Killing node 3
exit=0" "$(split deb 1 -k 3)"
it_check "chorusd logs who killed it" it_wait_log 3 "Killed by node 1 : Killed by corosync-cfgtool" 10
it_eq "chorusd killed by corosync exits 255" 255 "$(it_node_stop 3 CONT)"
# chorusd kills corosync
it_node_start 3 || it_fail "chorusd 3 joins again"
it_check "mixed ring of 3 again" it_wait_members 3 "1 2 3" 30
it_eq "chorus-cfgtool -k 2 on chorusd" "Killing node 2
exit=0" "$(split ours 3 -k 2)"
it_check "corosync logs who killed it" it_wait_log 2 "Killed by node 3 : Killed by corosync-cfgtool" 10
it_eq "corosync killed by chorusd exits 255" 255 "$(it_node_stop 2 CONT)"
it_check "chorusd sees corosync node 2 leave" it_wait_members 3 "1 3" 30
# -H on chorusd: the corosync node logs it
it_eq "chorus-cfgtool -H on chorusd among corosync" "Shutting down corosync
exit=0" "$(split ours 3 -H)"
it_eq "... chorusd exits 0" 0 "$(it_node_stop 3 CONT)"
it_check "corosync node 1 logs chorusd's shutdown" \
	wait_count 1 "Node 3 was shut down by sysadmin" 2 10
it_node_stop 1 > /dev/null
it_done
