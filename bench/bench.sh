#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# chorusd against Debian's corosync 3.1.7 on this machine, side by side.
#
#   bench/bench.sh [-r REPS] [-d SECONDS] [-c "1 3"] [-o RAWFILE]
#   make bench                    (builds chorusd and cpgperf, then runs this)
#
# Each configuration (1: one node, crypto off; 3: three nodes, aes256/sha256)
# runs REPS times (default 5), alternating the daemons and the order in
# which they go first.  Nodes live in network namespaces (test/integration
# lib.sh), so nothing leaves this host; corosync gets a private /run.  The
# client is cpgperf, built against the system's libcpg: both daemons are
# measured through Debian's library.  Prints one table: the median of each
# figure per daemon with [min-max], and the ratio chorusd / corosync.
# Needs root (namespaces).  Not part of make check: it measures, it does not test.
#
# Fairness.  Both daemons run with system { sched_rr: no }, as the runs that
# gave corosync's reference figures did.  The default of both is SCHED_RR
# (corosync: exec/main.c corosync_set_rr_scheduler at v3.1.7; chorusd:
# exec/sched.c, since 2026-12).  With two cores, a real-time corosync preempts the client
# whenever it has work: the sender then became the bottleneck (about 9 k
# instead of 15-19 k msg/s at 1 KiB on 3 nodes, and never a TRY_AGAIN), the
# daemon's queue stayed empty, and cpgperf measured corosync's send -> own
# delivery under load as ~1 ms, where the reference cpgbench (with sched_rr:
# no) measures 82-150 ms.  Run side by side on one corosync ring, the two
# clients agree once the scheduling is the same (bench/README.md).  On 3
# nodes a one-sender run also has a passive member (cpgperf sink) on each
# other node, as the reference harness has, so every daemon delivers to a
# client.
#
# Every wait has a deadline: a step that does not finish (a node fell out of
# the ring under load, a client hung) records FAIL for its figure and the run
# goes on; the table counts the failures per daemon.
set -u
REPS=5
DUR=5
CFGS="1 3"
RAW=""
while getopts r:d:c:o: opt; do
	case $opt in
	r) REPS=$OPTARG ;;
	d) DUR=$OPTARG ;;
	c) CFGS=$OPTARG ;;
	o) RAW=$OPTARG ;;
	*) echo "usage: $0 [-r REPS] [-d SECONDS] [-c \"1 3\"] [-o RAWFILE]" >&2; exit 2 ;;
	esac
done
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/_build}"
CPGPERF=${CPGPERF:-$top_builddir/bench/cpgperf}
COROSYNC=${COROSYNC:-/usr/sbin/corosync}
IT_NAME=bench
. "$top_srcdir/test/integration/lib.sh"
it_require_root
for f in "$CHORUSD" "$CPGPERF" "$COROSYNC"; do
	[ -x "$f" ] || { echo "bench: $f is missing (make bench builds it)" >&2; exit 1; }
done
[ -n "$RAW" ] || RAW="$PWD/bench-$(date +%Y%m%d-%H%M%S).txt"
: > "$RAW"
head -c 256 /dev/urandom > "$IT_TMP/authkey"
chmod 600 "$IT_TMP/authkey"
TICK=$(getconf CLK_TCK)
# No real-time class for either daemon (see Fairness above).
SCHED='system {
	sched_rr: no
	move_to_root_cgroup: no
}'

log() { echo "[$(date +%T)] $*" >&2; }

# Every client runs under timeout(1): nothing in a run waits for ever.
CLIENT_LIMIT=${CLIENT_LIMIT:-$((DUR + 90))}
perf() {
	pn=$1
	shift
	it_exec "$pn" timeout -k 5 "$CLIENT_LIMIT" "$CPGPERF" "$@" --timeout 60
}

# bn_until SECONDS CMD...: run CMD every 10 ms until it succeeds; 1 after SECONDS.
bn_until() {
	lim=$(( $(date +%s%N) + $1 * 1000000000 ))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$lim" ] || return 1
		sleep 0.01
	done
}

# bn_start DAEMON N CONF: start without waiting (cold start is measured).
bn_start() {
	dm=$1 n=$2 conf=$3
	d="$IT_TMP/node$n"
	mkdir -p "$d/run"
	: > "$d/log"
	rm -f "$d/pid" "$d/exit"
	(
		if [ "$dm" = corosync ]; then
			ip netns exec "$(it_ns "$n")" unshare -m sh -c \
				'mount --bind "$2" /run && exec "$0" -f -c "$1"' \
				"$COROSYNC" "$conf" "$d/run" > "$d/log" 2>&1 &
		else
			ip netns exec "$(it_ns "$n")" env CHORUS_MODULE_DIR="$(it_moduledir)" \
				"$CHORUSD" -f -c "$conf" > "$d/log" 2>&1 &
		fi
		echo $! > "$d/pid.tmp"
		mv "$d/pid.tmp" "$d/pid"
		wait $!
		echo $? > "$d/exit"
	) &
}

# bn_started DAEMON N: wait for node N's pid (after every node was started:
# waiting here between starts put ~90 ms of this script between them).
bn_started() {
	d="$IT_TMP/node$2"
	bn_until 10 test -s "$d/pid" || { log "$1 node $2: no pid"; return 1; }
	cat "$d/pid" >> "$IT_TMP/pids"
}

# The daemon's pid: for corosync the child of unshare's sh (which execs it).
bn_pid() { cat "$IT_TMP/node$1/pid"; }

bn_cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$(bn_pid "$1")/stat" 2>/dev/null || echo 0
}

bn_rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$(bn_pid "$1")/status" 2>/dev/null || echo 0; }

# one result: CFG DAEMON METRIC VALUE (FAIL: the step did not complete)
out() { echo "$1 $2 $3 $4" >> "$RAW"; }

# figure STATUS CFG DAEMON METRIC VALUE: the value if the step succeeded, else FAIL
figure() {
	if [ "$1" = 0 ] && [ -n "$5" ]; then out "$2" "$3" "$4" "$5"; else out "$2" "$3" "$4" FAIL; fi
}

# bn_stop N: TERM every node, KILL what has not exited 20 s later.
bn_stop() {
	n=1
	while [ "$n" -le "$1" ]; do
		[ -s "$IT_TMP/node$n/pid" ] && kill -TERM "$(bn_pid "$n")" 2>/dev/null
		n=$((n + 1))
	done
	n=1
	while [ "$n" -le "$1" ]; do
		if [ -s "$IT_TMP/node$n/pid" ] && ! bn_until 20 test -f "$IT_TMP/node$n/exit"; then
			log "node $n did not stop: KILL"
			kill -KILL "$(bn_pid "$n")" 2>/dev/null
			bn_until 5 test -f "$IT_TMP/node$n/exit"
		fi
		rm -f "$IT_TMP/node$n/pid"
		n=$((n + 1))
	done
}

val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -n 1; }

bn_run() {
	dm=$1 N=$2
	cfg="${N}n"
	conf_extra=""
	n=1
	while [ "$n" -le "$N" ]; do
		if [ "$N" -gt 1 ]; then
			it_config "$n" "totem {" "	crypto_cipher: aes256" "	crypto_hash: sha256" \
				"	keyfile: $IT_TMP/authkey" "}" "$SCHED" > /dev/null
		else
			it_config "$n" "$SCHED" > /dev/null
		fi
		n=$((n + 1))
	done
	t0=$(date +%s%N)
	n=1
	while [ "$n" -le "$N" ]; do
		bn_start "$dm" "$n" "$IT_TMP/node$n/chorus.conf"
		n=$((n + 1))
	done
	n=1
	while [ "$n" -le "$N" ]; do
		bn_started "$dm" "$n" || { bn_stop "$N"; return 1; }
		n=$((n + 1))
	done
	# One probe per node, all at once: each notes when its node's clients
	# see all N members.  (Run one after the other, the later probes only
	# measured their own start-up once the ring had formed: about 50 ms
	# each here, for either daemon.)
	n=1
	probes=""
	while [ "$n" -le "$N" ]; do
		perf "$n" ring --members "$N" > "$IT_TMP/ring$n" &
		probes="$probes $!"
		n=$((n + 1))
	done
	for p in $probes; do wait "$p"; done
	latest=0
	n=1
	while [ "$n" -le "$N" ]; do
		at=$(val at_ns < "$IT_TMP/ring$n")
		[ -n "$at" ] && [ "$at" -gt "$latest" ] && latest=$at
		n=$((n + 1))
	done
	rm -f "$IT_TMP"/ring*
	if [ "$latest" -le 0 ]; then
		log "$dm $cfg: cluster did not form"
		out "$cfg" "$dm" cold_start_ms FAIL
		bn_stop "$N"
		return 1
	fi
	out "$cfg" "$dm" cold_start_ms "$(( (latest - t0) / 1000000 ))"
	sleep 2
	out "$cfg" "$dm" idle_rss_mib "$(( $(bn_rss_kb 1) / 1024 ))"

	for s in 1k 64k 1m; do
		# one sender on node 1; on 3 nodes a passive member on each other node
		st=$(( $(date +%s%N) + 1500000000 ))
		sinks=""
		n=2
		while [ "$n" -le "$N" ]; do
			perf "$n" sink --group "t$s" --ends 1 --start-at "$st" \
				--duration "$DUR" > /dev/null &
			sinks="$sinks $!"
			n=$((n + 1))
		done
		r=$(perf 1 tput --size "$s" --duration "$DUR" --group "t$s" --members "$N" \
			--start-at "$st")
		ok=$?
		# shellcheck disable=SC2086
		[ -z "$sinks" ] || wait $sinks || ok=1
		figure "$ok" "$cfg" "$dm" "tput_${s}_msgs" "$(echo "$r" | val msgs_per_s)"
		figure "$ok" "$cfg" "$dm" "tput_${s}_MBps" "$(echo "$r" | val mbytes_per_s)"
		[ "$s" = 1k ] && figure "$ok" "$cfg" "$dm" loaded_lat_p50_ms \
			"$(echo "$r" | val loadlat_p50_us | awk '{printf "%.2f", $1 / 1000}')"
	done
	if [ "$N" -gt 1 ]; then
		st=$(( $(date +%s%N) + 1500000000 ))
		n=1
		senders=""
		while [ "$n" -le "$N" ]; do
			perf "$n" tput --size 1k --duration "$DUR" --group all --members "$N" \
				--ends $((N - 1)) --start-at "$st" > "$IT_TMP/all$n" &
			senders="$senders $!"
			n=$((n + 1))
		done
		ok=0
		for p in $senders; do wait "$p" || ok=1; done
		# the sum of every sender's own deliveries (val reads one line: one per file)
		figure "$ok" "$cfg" "$dm" tput_all_1k_msgs "$(for f in "$IT_TMP"/all*; do
			val msgs_per_s < "$f"; done | awk '{s += $1} END {printf "%.1f", s}')"
		rm -f "$IT_TMP"/all*
	fi
	c0=$(bn_cpu_ticks 1)
	w0=$(date +%s%N)
	r=$(perf 1 lat --size 64 --rate 100 --count 1000 --group lat)
	ok=$?
	c1=$(bn_cpu_ticks 1)
	w1=$(date +%s%N)
	figure "$ok" "$cfg" "$dm" lat100_p50_us "$(echo "$r" | val lat_p50_us)"
	figure "$ok" "$cfg" "$dm" lat100_p99_us "$(echo "$r" | val lat_p99_us)"
	figure "$ok" "$cfg" "$dm" cpu100_pct "$(echo "$c0 $c1 $w0 $w1 $TICK" |
		awk '{printf "%.1f", 100 * ($2 - $1) / $5 / (($4 - $3) / 1e9)}')"
	r=$(perf 1 join --count 100)
	figure $? "$cfg" "$dm" join_p50_us "$(echo "$r" | val join_p50_us)"
	if [ "$N" -gt 2 ]; then
		perf "$N" watch --group fo --node 999 > /dev/null 2>&1 &
		holder=$!
		perf 1 watch --group fo --node "$N" --members 2 > "$IT_TMP/watch" 2>&1 &
		watcher=$!
		# ready: the watcher saw the holder in the group
		if bn_until 30 grep -q ready "$IT_TMP/watch"; then
			k0=$(date +%s%N)
			kill -KILL "$(bn_pid "$N")"
			# the watcher prints left_at_ns or gives up after its --timeout
			wait "$watcher"
			at=$(val left_at_ns < "$IT_TMP/watch")
			if [ -n "$at" ]; then
				out "$cfg" "$dm" nodedown_ms "$(( (at - k0) / 1000000 ))"
			else
				log "$dm $cfg: no NODEDOWN seen"
				out "$cfg" "$dm" nodedown_ms FAIL
			fi
		else
			log "$dm $cfg: the failover group did not form"
			out "$cfg" "$dm" nodedown_ms FAIL
			kill "$watcher" 2>/dev/null
			wait "$watcher"
		fi
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
	fi
	bn_stop "$N"
	log "$dm $cfg done"
}

for N in $CFGS; do
	if [ "$N" -gt 1 ]; then
		IT_CLUSTER=0
		it_cluster_setup "$N" 1 || exit 1
	else
		IT_CLUSTER=0
		it_ns_create 1
	fi
	rep=1
	while [ "$rep" -le "$REPS" ]; do
		if [ $((rep % 2)) = 1 ]; then order="corosync chorusd"; else order="chorusd corosync"; fi
		for dm in $order; do
			log "config ${N}n rep $rep: $dm"
			bn_run "$dm" "$N" || true
		done
		rep=$((rep + 1))
	done
	for n in $IT_NODES; do ip netns del "$(it_ns "$n")" 2>/dev/null; done
	IT_NODES=""
done

# The table: median [min-max] per daemon, ratio of the medians.
echo
echo "chorusd vs corosync $($COROSYNC -v 2>/dev/null | head -n 1 | sed 's/.*version //'), $REPS runs each, ${DUR} s per throughput run"
echo "(1n: one node, crypto off; 3n: three nodes, aes256/sha256; medians [min-max];"
echo " kF: k runs of that figure failed and are not in the median; sched_rr: no for both)"
echo
printf '%-4s %-20s %26s %26s %8s\n' cfg figure corosync chorusd ratio
sort -k1,1 -k3,3 -k2,2 "$RAW" | awk '
function flush(   i, j, t, m, lo, hi, s) {
	if (key == "") return
	for (d = 0; d < 2; d++) {
		nm = d ? "chorusd" : "corosync"
		k = cnt[nm]
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
			if (v[nm, j] < v[nm, i]) { t = v[nm, i]; v[nm, i] = v[nm, j]; v[nm, j] = t }
		if (k == 0) { med[nm] = ""; s = "-" }
		else {
			med[nm] = (k % 2) ? v[nm, (k + 1) / 2] : (v[nm, k / 2] + v[nm, k / 2 + 1]) / 2
			s = sprintf("%.4g [%.4g-%.4g]", med[nm], v[nm, 1], v[nm, k])
		}
		if (fail[nm]) s = s " " fail[nm] "F"
		str[nm] = s
	}
	r = (med["corosync"] != "" && med["chorusd"] != "" && med["corosync"] + 0 != 0) ?
		sprintf("%.2f", med["chorusd"] / med["corosync"]) : "-"
	printf "%-4s %-20s %26s %26s %8s\n", c, f, str["corosync"], str["chorusd"], r
	delete v; delete cnt; delete fail
}
{
	if ($1 " " $3 != key) { flush(); key = $1 " " $3; c = $1; f = $3 }
	if ($4 == "") next
	if ($4 == "FAIL") { fail[$2]++; next }
	cnt[$2]++; v[$2, cnt[$2]] = $4 + 0
}
END { flush() }'
echo
echo "raw results: $RAW"
