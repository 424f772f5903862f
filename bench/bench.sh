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

log() { echo "[$(date +%T)] $*" >&2; }

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
	until [ -s "$d/pid" ]; do sleep 0.01; done
	cat "$d/pid" >> "$IT_TMP/pids"
}

# The daemon's pid: for corosync the child of unshare's sh (which execs it).
bn_pid() { cat "$IT_TMP/node$1/pid"; }

bn_cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$(bn_pid "$1")/stat" 2>/dev/null || echo 0
}

bn_rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$(bn_pid "$1")/status" 2>/dev/null || echo 0; }

# one result: CFG DAEMON METRIC VALUE
out() { echo "$1 $2 $3 $4" >> "$RAW"; }

val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -n 1; }

bn_run() {
	dm=$1 N=$2
	cfg="${N}n"
	conf_extra=""
	n=1
	while [ "$n" -le "$N" ]; do
		if [ "$N" -gt 1 ]; then
			it_config "$n" "totem {" "	crypto_cipher: aes256" "	crypto_hash: sha256" \
				"	keyfile: $IT_TMP/authkey" "}" > /dev/null
		else
			it_config "$n" > /dev/null
		fi
		n=$((n + 1))
	done
	t0=$(date +%s%N)
	n=1
	while [ "$n" -le "$N" ]; do
		bn_start "$dm" "$n" "$IT_TMP/node$n/chorus.conf"
		n=$((n + 1))
	done
	latest=0
	n=1
	while [ "$n" -le "$N" ]; do
		at=$(it_exec "$n" "$CPGPERF" ring --members "$N" --timeout 60 | val at_ns)
		[ -n "$at" ] && [ "$at" -gt "$latest" ] && latest=$at
		n=$((n + 1))
	done
	[ "$latest" -gt 0 ] || { log "$dm $cfg: cluster did not form"; return 1; }
	out "$cfg" "$dm" cold_start_ms "$(( (latest - t0) / 1000000 ))"
	sleep 2
	out "$cfg" "$dm" idle_rss_mib "$(( $(bn_rss_kb 1) / 1024 ))"

	for s in 1k 64k 1m; do
		r=$(it_exec 1 "$CPGPERF" tput --size "$s" --duration "$DUR" --group "t$s")
		out "$cfg" "$dm" "tput_${s}_msgs" "$(echo "$r" | val msgs_per_s)"
		out "$cfg" "$dm" "tput_${s}_MBps" "$(echo "$r" | val mbytes_per_s)"
		[ "$s" = 1k ] && out "$cfg" "$dm" loaded_lat_p50_ms \
			"$(echo "$r" | val loadlat_p50_us | awk '{printf "%.2f", $1 / 1000}')"
	done
	if [ "$N" -gt 1 ]; then
		st=$(( $(date +%s%N) + 1500000000 ))
		n=1
		senders=""
		while [ "$n" -le "$N" ]; do
			it_exec "$n" "$CPGPERF" tput --size 1k --duration "$DUR" --group all \
				--members "$N" --ends $((N - 1)) --start-at "$st" > "$IT_TMP/all$n" &
			senders="$senders $!"
			n=$((n + 1))
		done
		# shellcheck disable=SC2086
		wait $senders
		out "$cfg" "$dm" tput_all_1k_msgs "$(cat "$IT_TMP"/all* | val msgs_per_s |
			awk '{s += $1} END {printf "%.1f", s}')"
		rm -f "$IT_TMP"/all*
	fi
	c0=$(bn_cpu_ticks 1)
	w0=$(date +%s%N)
	r=$(it_exec 1 "$CPGPERF" lat --size 64 --rate 100 --count 1000 --group lat)
	c1=$(bn_cpu_ticks 1)
	w1=$(date +%s%N)
	out "$cfg" "$dm" lat100_p50_us "$(echo "$r" | val lat_p50_us)"
	out "$cfg" "$dm" lat100_p99_us "$(echo "$r" | val lat_p99_us)"
	out "$cfg" "$dm" cpu100_pct "$(echo "$c0 $c1 $w0 $w1 $TICK" |
		awk '{printf "%.1f", 100 * ($2 - $1) / $5 / (($4 - $3) / 1e9)}')"
	r=$(it_exec 1 "$CPGPERF" join --count 100)
	out "$cfg" "$dm" join_p50_us "$(echo "$r" | val join_p50_us)"
	if [ "$N" -gt 2 ]; then
		it_exec "$N" "$CPGPERF" watch --group fo --node 999 > /dev/null 2>&1 &
		holder=$!
		it_exec 1 "$CPGPERF" watch --group fo --node "$N" --members 2 > "$IT_TMP/watch" 2>&1 &
		# ready: the watcher saw the holder in the group
		until grep -q ready "$IT_TMP/watch" 2>/dev/null; do sleep 0.01; done
		k0=$(date +%s%N)
		kill -KILL "$(bn_pid "$N")"
		wait "$holder" 2>/dev/null
		until grep -q left_at_ns "$IT_TMP/watch"; do sleep 0.05; done
		out "$cfg" "$dm" nodedown_ms "$(( ($(val left_at_ns < "$IT_TMP/watch") - k0) / 1000000 ))"
	fi
	n=1
	while [ "$n" -le "$N" ]; do
		kill -TERM "$(bn_pid "$n")" 2>/dev/null
		n=$((n + 1))
	done
	n=1
	while [ "$n" -le "$N" ]; do
		until [ -f "$IT_TMP/node$n/exit" ]; do sleep 0.05; done
		n=$((n + 1))
	done
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
echo "(1n: one node, crypto off; 3n: three nodes, aes256/sha256; medians [min-max])"
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
		str[nm] = s
	}
	r = (med["corosync"] != "" && med["chorusd"] != "" && med["corosync"] + 0 != 0) ?
		sprintf("%.2f", med["chorusd"] / med["corosync"]) : "-"
	printf "%-4s %-20s %26s %26s %8s\n", c, f, str["corosync"], str["chorusd"], r
	delete v; delete cnt
}
{
	if ($1 " " $3 != key) { flush(); key = $1 " " $3; c = $1; f = $3 }
	if ($4 == "") next
	cnt[$2]++; v[$2, cnt[$2]] = $4 + 0
}
END { flush() }'
echo
echo "raw results: $RAW"
