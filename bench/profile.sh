#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Where the CPU goes per message: issue 10's per-stage cost table.
#
#   bench/profile.sh [-D chorusd|corosync] [-s SIZE] [-d SECONDS] [-o DIR]
#   make bench-profile            (builds chorusd and cpgperf, then runs this)
#
# Three nodes in network namespaces (aes256/sha256, sched_rr: no, as in
# bench.sh), one sender (cpgperf tput on node 1) and a passive member on
# nodes 2 and 3.  `perf record -a -g` samples the whole machine for the
# middle of the run; every sample of the daemons and clients is then put in
# one stage by its call chain, and the table gives each thread's CPU time
# per message sent (ns), split into stages:
#
#   crypto       NSS (knet's encryption and HMAC)
#   sys:NAME     the kernel, entered through the libc call NAME (epoll_wait:
#                the loop's wake-ups; sendmsg/recvmsg on a daemon's knet
#                threads: UDP packets; send/recv/sendto/recvfrom on a main
#                thread: libqb's IPC notifications; sendmsg/recvmsg/writev on
#                a main thread: the knet data socket pair)
#   libc:mem     memcpy/memmove/memset (copies)
#   libc:other   the rest of libc (locks, malloc, ...)
#   DSO          user code of that object (chorusd and its modules, libqb,
#                libknet, libcpg, cpgperf)
#
# The thread's role is a guess from its samples: the process's first thread
# is "main"; of the others (knet's), the one whose time is mostly in
# sendmsg is "knet tx", mostly in recvmsg "knet rx".  Needs root and perf
# (cpu-clock sampling is enough: no hardware counters needed).  Not part of
# make check: it measures, it does not test.  Run it on a quiet machine:
# every other process's samples are left out, but not its load.
set -u
DAEMON=chorusd
SIZE=1k
DUR=10
OUTDIR=""
while getopts D:s:d:o: opt; do
	case $opt in
	D) DAEMON=$OPTARG ;;
	s) SIZE=$OPTARG ;;
	d) DUR=$OPTARG ;;
	o) OUTDIR=$OPTARG ;;
	*) echo "usage: $0 [-D chorusd|corosync] [-s SIZE] [-d SECONDS] [-o DIR]" >&2; exit 2 ;;
	esac
done
[ "$DUR" -ge 6 ] || { echo "profile: -d must be at least 6 s" >&2; exit 2; }
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/_build}"
CPGPERF=${CPGPERF:-$top_builddir/bench/cpgperf}
COROSYNC=${COROSYNC:-/usr/sbin/corosync}
IT_NAME=profile
. "$top_srcdir/test/integration/lib.sh"
# it_corosync_run, and the cleanup of corosync's blackbox files
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root
command -v perf > /dev/null || { echo "profile: perf is missing (apt install linux-perf)" >&2; exit 1; }
[ -n "$OUTDIR" ] || OUTDIR="$PWD/profile-$DAEMON-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUTDIR"
head -c 256 /dev/urandom > "$IT_TMP/authkey"
chmod 600 "$IT_TMP/authkey"
it_cluster_setup 3 1 || exit 1

# Each daemon as the integration tests start it (corosync with a private /run).
for n in 1 2 3; do
	conf=$(it_config "$n" "totem {" "	crypto_cipher: aes256" "	crypto_hash: sha256" \
		"	keyfile: $IT_TMP/authkey" "}" "system {" "	sched_rr: no" \
		"	move_to_root_cgroup: no" "}")
	if [ "$DAEMON" = corosync ]; then
		it_corosync_run "$n" "$conf" || exit 1
	else
		it_node_run "$n" "$conf" || exit 1
	fi
done
for n in 1 2 3; do
	it_exec "$n" timeout 60 "$CPGPERF" ring --members 3 --timeout 50 > /dev/null ||
		{ echo "profile: the ring did not form" >&2; exit 1; }
done

# The window: from 1.5 s after the senders start to 1.5 s before they stop.
win=$((DUR - 3))
st=$(( $(date +%s%N) + 1500000000 ))
sinks=""
for n in 2 3; do
	it_exec "$n" timeout $((DUR + 60)) "$CPGPERF" sink --group prof --ends 1 --start-at "$st" \
		--duration "$DUR" --timeout 50 > /dev/null &
	sinks="$sinks $!"
done
(
	sleep 3
	# which node each client runs on (its namespace)
	for p in $(pgrep -x cpgperf); do
		echo "$p $(ip netns identify "$p" | sed 's/.*-//')"
	done > "$OUTDIR/clients"
	perf record -a -g -o "$OUTDIR/perf.data" -- sleep "$win" > "$OUTDIR/perf.log" 2>&1
) &
rec=$!
it_exec 1 timeout $((DUR + 60)) "$CPGPERF" tput --size "$SIZE" --duration "$DUR" --group prof \
	--members 3 --start-at "$st" --timeout 50 > "$OUTDIR/tput.txt" ||
	{ echo "profile: the sender failed" >&2; cat "$OUTDIR/tput.txt"; exit 1; }
# shellcheck disable=SC2086
wait $sinks
wait "$rec" || { echo "profile: perf record failed" >&2; cat "$OUTDIR/perf.log"; exit 1; }
rate=$(sed -n 's/.* msgs_per_s=\([^ ]*\).*/\1/p' "$OUTDIR/tput.txt")
pids=$(cat "$IT_TMP/node1/pid" "$IT_TMP/node2/pid" "$IT_TMP/node3/pid")
cat "$OUTDIR/tput.txt"
echo "profile: $DAEMON, $SIZE messages, ${win} s window at $rate msg/s; CPU ns per message sent"

# One line per sample: pid tid period and its call chain (innermost first).
perf script -i "$OUTDIR/perf.data" -F comm,pid,tid,period,ip,sym,dso 2> /dev/null |
awk -v msgs="$(echo "$rate $win" | awk '{print $1 * $2}')" -v pids="$pids" -v daemon="$DAEMON" \
	-v clients="$(cat "$OUTDIR/clients")" '
function stage(   i, s, d) {
	d = dso[1]
	if (d ~ /freebl|softokn|libnss|libnspr|libplds|nssutil/) return "crypto"
	if (d ~ /kallsyms/) {
		for (i = 2; i <= nf; i++)
			if (dso[i] !~ /kallsyms/) {
				if (dso[i] ~ /libc\.so/) {
					s = sym[i]
					sub(/^(__libc_|__GI___|__)/, "", s)
					sub(/@.*/, "", s)
					return "sys:" s
				}
				return "kernel"
			}
		return "kernel"
	}
	if (d ~ /libc\.so/) return sym[1] ~ /mem(cpy|move|set)/ ? "libc:mem" : "libc:other"
	sub(/.*\//, "", d)
	sub(/\.so.*/, ".so", d)
	return d
}
function flush() {
	if (have && (comm == daemon || comm == "cpgperf")) {
		st = stage()
		key = pid " " tid " " comm
		cpu[key] += period
		part[key, st] += period
		if (!((key, st) in seen)) { seen[key, st] = 1; stages[key] = stages[key] " " st }
	}
	have = 0
	nf = 0
}
BEGIN {
	n = split(pids, p, /[ \n]+/)
	for (i = 1; i <= n; i++) node[p[i]] = i
	n = split(clients, c, /[ \n]+/)
	for (i = 1; i + 1 <= n; i += 2) node[c[i]] = c[i + 1]
}
/^[^ \t]/ {
	flush()
	comm = $1
	split($2, pt, "/")
	pid = pt[1]
	tid = pt[2]
	period = $3
	have = 1
	next
}
/^[ \t]+[0-9a-f]+ / {
	nf++
	line = $0
	sub(/^[ \t]+[0-9a-f]+ /, "", line)
	d = line
	sub(/.*\(/, "", d)
	sub(/\)[ \t]*$/, "", d)
	s = line
	sub(/ \([^(]*\)[ \t]*$/, "", s)
	sym[nf] = s
	dso[nf] = d
	next
}
/^[ \t]*$/ { flush() }
END {
	flush()
	for (key in cpu) {
		split(key, k, " ")
		who = (k[1] in node) ? "node " node[k[1]] : "client"
		if (k[3] == "cpgperf") role = "cpgperf"
		else if (k[1] == k[2]) role = "main"
		else if (part[key, "sys:sendmsg"] > 2 * part[key, "sys:recvmsg"]) role = "knet tx"
		else if (part[key, "sys:recvmsg"] > 2 * part[key, "sys:sendmsg"]) role = "knet rx"
		else role = "knet other"
		ns = cpu[key] / msgs
		if (ns < 100) continue
		total += ns
		line = ""
		m = split(stages[key], sl, " ")
		# the stages of this thread, largest first
		for (i = 1; i <= m; i++) v[i] = part[key, sl[i]]
		for (i = 1; i <= m; i++)
			for (j = i + 1; j <= m; j++)
				if (v[j] > v[i]) { t = v[i]; v[i] = v[j]; v[j] = t; t = sl[i]; sl[i] = sl[j]; sl[j] = t }
		for (i = 1; i <= m && i <= 8; i++)
			if (v[i] / msgs >= 50) line = line sprintf(" %s %.0f,", sl[i], v[i] / msgs)
		sub(/,$/, "", line)
		printf "%-7s %-10s %6d  %7.0f |%s\n", who, role, k[2], ns, line
	}
	printf "total   %-10s %6s  %7.0f ns per message\n", "", "", total
}' | sort
