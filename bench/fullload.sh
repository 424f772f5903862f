#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 10's load test: 3 chorusd nodes in network namespaces (aes256/sha256,
# default totem settings, sched_rr: no as in bench.sh), a cpgperf sender of
# 1 KiB messages on every node for SECONDS (default 600), all in one group.
# Passes when no node saw a membership change during the run (the newest
# "A new membership" line of each log is the one from before the load) and
# every sender ran to its end; prints each sender's rate and the sum.
#
#   bench/fullload.sh [SECONDS]          (after make bench, as root)
#
# DAEMON=corosync runs Debian's corosync 3.1.7 the same way, for comparison.
set -u
SECS=${1:-600}
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/_build}"
CPGPERF=${CPGPERF:-$top_builddir/bench/cpgperf}
COROSYNC=${COROSYNC:-/usr/sbin/corosync}
DAEMON=${DAEMON:-chorusd}
IT_NAME=fullload
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
[ -x "$CPGPERF" ] || { echo "fullload: $CPGPERF is missing (make bench builds it)" >&2; exit 1; }
N=3
it_cluster_setup "$N" 1 || { it_fail "network setup"; it_done; exit 1; }
head -c 256 /dev/urandom > "$IT_TMP/authkey"
chmod 600 "$IT_TMP/authkey"
for n in 1 2 3; do
	it_config "$n" "totem {" "	crypto_cipher: aes256" "	crypto_hash: sha256" \
		"	keyfile: $IT_TMP/authkey" "}" "system {" "	sched_rr: no" \
		"	move_to_root_cgroup: no" "}" > /dev/null
	if [ "$DAEMON" = corosync ]; then
		it_corosync_run "$n" "$IT_TMP/node$n/chorus.conf" || it_fail "corosync $n starts"
	else
		it_node_run "$n" "$IT_TMP/node$n/chorus.conf" || it_fail "chorusd $n starts"
	fi
done
for n in 1 2 3; do
	it_check "node $n sees all 3 nodes" it_wait_members "$n" "1 2 3" 60
done
# corosync's log lines name the joined members, ours the whole list: compare rings
before=""
for n in 1 2 3; do before="$before $(it_ring "$n")"; done
st=$(( $(date +%s%N) + 2000000000 ))
for n in 1 2 3; do
	it_exec "$n" timeout -k 5 $((SECS + 120)) "$CPGPERF" tput --size 1k --duration "$SECS" \
		--group all --members "$N" --ends $((N - 1)) --start-at "$st" --timeout 60 \
		> "$IT_TMP/all$n" 2>&1 &
	eval "p$n=\$!"
done
ok=0
for n in 1 2 3; do
	eval "wait \$p$n" || { ok=1; echo "sender on node $n failed:"; tail -3 "$IT_TMP/all$n"; }
done
it_eq "every sender ran its $SECS s" 0 "$ok"
after=""
for n in 1 2 3; do after="$after $(it_ring "$n")"; done
it_eq "no membership change on any node during $SECS s of full load" "$before" "$after"
for n in 1 2 3; do
	echo "node $n: $(sed -n 's/.* msgs_per_s=\([^ ]*\).*/\1/p' "$IT_TMP/all$n" | head -n 1) msg/s"
done
echo "sum: $(for n in 1 2 3; do sed -n 's/.* msgs_per_s=\([^ ]*\).*/\1/p' "$IT_TMP/all$n" |
	head -n 1; done | awk '{s += $1} END {printf "%.0f", s}') msg/s ($DAEMON, $SECS s, 3 nodes, 1 KiB)"
it_done
