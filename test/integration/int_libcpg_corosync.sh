#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Our libcpg against Debian's corosync 3.1.7, compared with Debian's libcpg:
# the same scripted scenario (two clients in one group: join, send, 1 MiB
# edge and 3 MB fragmented messages in both directions, zero-copy send,
# flood, membership, iteration, 128-byte binary group names, leave,
# finalize) runs with clients built against Debian's libcpg (the reference),
# against ours, and mixed; the outputs, with pids replaced by roles, must be
# identical.  Checks a few absolute facts too (maxmsg 1047552, BAD_HANDLE
# after finalize, no zcb file left in /dev/shm).
. "$top_srcdir/test/integration/lib.sh"
it_require_root
COROSYNC=${COROSYNC:-/usr/sbin/corosync}
[ -x "$COROSYNC" ] || { echo "SKIP: no $COROSYNC"; exit 77; }
OURS="$top_builddir/test/integration/cpg_client"
DEBIAN="$top_builddir/test/integration/cpg_client_debian"
[ -x "$OURS" ] && [ -x "$DEBIAN" ] || { echo "SKIP: cpg_client not built"; exit 77; }

it_ns_create 1
conf=$(it_config 1)
d1="$IT_TMP/node1"
# The daemon and every client of this test see $SHM as /dev/shm: libqb's rings,
# corosync's blackbox and libcpg's zero-copy files stay out of the host's
# /dev/shm, where tests running beside this one make and remove zero-copy
# files of their own (the leak check below counted three of theirs once).
SHM="$IT_TMP/shm"
mkdir -p "$SHM"
(
	# corosync locks /var/run/corosync.pid machine-wide: a private /run lets
	# this daemon coexist with other tests' corosyncs.
	ip netns exec "$(it_ns 1)" unshare -m sh -c \
		'mount -t tmpfs -o mode=0755 chorus-run /run && mount --bind "$2" /dev/shm &&
		 exec "$0" -f -c "$1"' \
		"$COROSYNC" "$conf" "$SHM" > "$d1/log" 2>&1 &
	echo $! > "$d1/pid"
	wait $!
	echo $? > "$d1/exit"
) &
until [ -s "$d1/pid" ]; do sleep 0.01; done
corosync_pid=$(cat "$d1/pid")
# corosync's blackbox is in $SHM, removed with $IT_TMP
trap 'it_cleanup' EXIT
it_wait_log 1 "ready to provide service" 30 || { cat "$d1/log"; it_fail "corosync starts"; it_done; exit 1; }

# ---- client plumbing: stdin from a FIFO kept open on fd 5/6/7, stdout to a file
# client_start ROLE FD BINARY [ARGS]
client_start() {
	role=$1 fd=$2 bin=$3
	shift 3
	rm -f "$RUN/$role.in"
	mkfifo "$RUN/$role.in"
	it_exec 1 unshare -m sh -c 'mount --bind "$0" /dev/shm && exec "$@"' "$SHM" "$bin" "$@" \
		< "$RUN/$role.in" > "$RUN/$role.out" 2> "$RUN/$role.err" &
	echo $! > "$RUN/$role.pid"
	eval "exec $fd>\"\$RUN/\$role.in\""
}

# cmd FD LINE
cmd() { printf '%s\n' "$2" >&"$1"; }

# wait_out ROLE ERE [COUNT]: until ROLE's output has COUNT (default 1)
# matching lines; 20 s at most (an event, not a delay).
wait_out() {
	end=$(( $(date +%s) + 20 ))
	while [ "$(grep -c -E -- "$2" "$RUN/$1.out" 2>/dev/null)" -lt "${3:-1}" ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "timeout waiting for [$2] in $1:"
			cat "$RUN/$1.out"
			return 1
		fi
		sleep 0.02
	done
}

# wait until corosync knows no group any more (previous run's clients gone)
wait_no_groups() {
	end=$(( $(date +%s) + 20 ))
	while [ -n "$(it_exec 1 corosync-cpgtool -n 2>/dev/null)" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

N128='\x00bin\xff\x0a\\'
i=0
while [ $i -lt 120 ]; do N128="${N128}n"; i=$((i + 1)); done
N129="${N128}z"

# corosync lists a group's processes by (nodeid, pid) (exec/cpg.c, process_info add):
# when the pids wrap (pid_max 32768 here) between the starts of A and B, B comes
# first in that run only.  Compare those lists as sets: sort the CONFCHG member
# list, the members of a membership reply and each run of iteration lines.
canon_order() {
	awk '
	function isort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] > t; j--)
				a[j + 1] = a[j]
			a[j + 1] = t
		}
	}
	function flush(   i) {
		isort(it, ni)
		for (i = 1; i <= ni; i++)
			print it[i]
		ni = 0
	}
	/^iter / { it[++ni] = $0; next }
	{ if (ni) flush() }
	/^CONFCHG / {
		for (f = 1; f <= NF; f++)
			if ($f ~ /^m=/) {
				n = split(substr($f, 3), a, ",")
				isort(a, n)
				v = "m="
				for (i = 1; i <= n; i++)
					v = v (i > 1 ? "," : "") a[i]
				$f = v
			}
	}
	/^members / && NF > 4 {
		n = 0
		for (f = 4; f <= NF; f++)
			a[++n] = $f
		isort(a, n)
		for (i = 1; i <= n; i++)
			$(i + 3) = a[i]
	}
	{ print }
	END { if (ni) flush() }'
}

# scenario A_BIN B_BIN: the run's outputs (roles A, B, C) on stdout, pids as PA/PB/PC
scenario() {
	a_bin=$1 b_bin=$2
	RUN="$IT_TMP/run.$3"
	mkdir -p "$RUN"
	wait_no_groups || { echo "groups of an earlier run remain"; return 1; }
	client_start A 5 "$a_bin" -m -i
	client_start B 6 "$b_bin"
	ok=0
	{
		cmd 5 "local"; cmd 5 "maxmsg"
		cmd 5 "join grp"
		wait_out A '^CONFCHG grp ' &&
		wait_out A '^TOTEM ' &&
		cmd 5 "join grp" && wait_out A '^join grp 14$' &&
		cmd 5 "members grp" && wait_out A '^members ' &&
		cmd 6 "join grp" &&
		wait_out B '^CONFCHG grp ' && wait_out A '^CONFCHG grp ' 2 &&
		cmd 6 "members grp" && wait_out B '^members ' &&
		cmd 5 "send hello world" &&
		wait_out A 'data=hello world$' && wait_out B 'data=hello world$' &&
		cmd 6 "big 3000000" &&
		wait_out A 'len=3000000 ' && wait_out B 'len=3000000 ' &&
		cmd 5 "big 1047552" &&
		wait_out A 'len=1047552 ' && wait_out B 'len=1047552 ' &&
		cmd 5 "big 1047553" &&
		wait_out A 'len=1047553 ' && wait_out B 'len=1047553 ' &&
		cmd 6 "big 0" && wait_out A ' len=0 ' && wait_out B ' len=0 ' &&
		cmd 6 "zcb zero copy text" &&
		wait_out A 'data=zero copy text$' && wait_out B 'data=zero copy text$' &&
		cmd 5 "flood 50 300" &&
		wait_out A 'seq=49$' && wait_out B 'seq=49$' &&
		cmd 5 "iter all" && wait_out A '^iterend ' &&
		cmd 5 "iter names" && wait_out A '^iterend ' 2 &&
		cmd 5 "iter one grp" && wait_out A '^iterend ' 3 &&
		cmd 5 "iter one nosuch" && wait_out A '^iterend ' 4 &&
		cmd 5 "members nosuch" && wait_out A '^members nosuch' &&
		cmd 6 "leave grp" && wait_out B '^leave grp ' &&
		wait_out A '^CONFCHG grp .* l=[0-9]+:[0-9]+:2 ' &&
		cmd 5 "members grp" && wait_out A '^members grp' 2 &&
		cmd 6 "quit" &&
		client_start C 7 "$b_bin" &&
		cmd 7 "join $N129" && wait_out C '^join ' &&
		cmd 7 "join $N128" && wait_out C '^join .* 1$' && wait_out C '^CONFCHG ' &&
		cmd 7 "send binary name" && wait_out C 'data=binary name$' &&
		cmd 7 "members $N128" && wait_out C '^members ' &&
		cmd 7 "iter one $N128" && wait_out C '^iterend ' &&
		cmd 7 "quit" &&
		cmd 5 "send last" && wait_out A 'data=last$' &&
		cmd 5 "finalize" && wait_out A '^finalize ' &&
		cmd 5 "local" && cmd 5 "join grp" && cmd 5 "members grp" && cmd 5 "send x" &&
		cmd 5 "iter all" && cmd 5 "maxmsg" &&
		cmd 5 "echo end" && wait_out A '^echo end$' &&
		ok=1
	}
	exec 5>&- 6>&- 7>&-
	wait "$(cat "$RUN/A.pid")" "$(cat "$RUN/B.pid")" 2>/dev/null
	[ -f "$RUN/C.pid" ] && wait "$(cat "$RUN/C.pid")" 2>/dev/null
	[ "$ok" = 1 ] || return 1
	# pid -> role, from each client's own join (first j= entry of its first CONFCHG)
	sedargs=""
	for role in A B C; do
		p=$(grep -m1 '^CONFCHG ' "$RUN/$role.out" | sed -n 's/.* j=[0-9]*:\([0-9]*\):.*/\1/p')
		[ -n "$p" ] && sedargs="$sedargs -e s/:$p\\b/:P$role/g -e s/\\s$p\$/\\tP$role/"
	done
	for role in A B C; do
		echo "== $role"
		# shellcheck disable=SC2086
		# where the flood result falls among the sender's own deliveries is timing
		sed $sedargs -e 's/tries=[0-9]*/tries=N/' -e '/^flood /d' "$RUN/$role.out" | canon_order
		grep '^flood ' "$RUN/$role.out" | sed 's/tries=[0-9]*/tries=N/'
	done
}

scenario "$DEBIAN" "$DEBIAN" ref > "$IT_TMP/ref.out" || { cat "$IT_TMP/ref.out"; it_fail "reference run (Debian's libcpg)"; it_done; exit 1; }
[ -n "${IT_VERBOSE:-}" ] && cat "$IT_TMP/ref.out"
it_pass "reference run with Debian's libcpg: $(wc -l < "$IT_TMP/ref.out") lines"

for run in ours:"$OURS":"$OURS" mixed1:"$OURS":"$DEBIAN" mixed2:"$DEBIAN":"$OURS"; do
	name=${run%%:*}
	rest=${run#*:}
	a=${rest%%:*}
	b=${rest#*:}
	if scenario "$a" "$b" "$name" > "$IT_TMP/$name.out"; then
		if diff -u "$IT_TMP/ref.out" "$IT_TMP/$name.out"; then
			it_pass "$name run ($(basename "$a") + $(basename "$b")) prints the same as Debian's libcpg"
		else
			it_fail "$name run differs from Debian's libcpg"
		fi
	else
		cat "$IT_TMP/$name.out"
		it_fail "$name run did not complete"
	fi
done

# absolute facts, from our run
o="$IT_TMP/run.ours/A.out"
it_eq "maxmsg" "maxmsg 1 1047552" "$(grep -m1 '^maxmsg' "$o")"
it_eq "local before finalize" "local 1 1" "$(grep -m1 '^local' "$o")"
it_eq "calls after finalize give BAD_HANDLE" \
	"local 9 0|join grp 9|members grp 9|send 9|iterend 9|maxmsg 9 0" \
	"$(sed -n '/^finalize /,$p' "$o" | grep -v -E '^(finalize|echo)' | paste -sd '|')"
it_eq "second join on a handle" "join grp 14" "$(grep '^join grp 14' "$o" | head -n 1)"
it_eq "3 MB and 1 MiB+1 messages arrive intact" "2" \
	"$(grep -c -E 'len=(3000000 crc=085c1a45|1047553 crc=)' "$IT_TMP/run.ours/B.out")"
it_eq "129-byte name" "13" "$(grep -m1 '^join ' "$IT_TMP/run.ours/C.out" | awk '{print $3}')"
# this test's /dev/shm ($SHM); a file a live process still maps is not a leak
zcb_left() {
	cat /proc/[0-9]*/maps 2>/dev/null | grep -o '/dev/shm/corosync_zerocopy-[^ ]*' |
		sed 's|^/dev/shm/||' | sort -u > "$IT_TMP/zcb.mapped"
	ls "$SHM" | grep '^corosync_zerocopy-' | sort | comm -23 - "$IT_TMP/zcb.mapped"
}
it_eq "no zero-copy file left in /dev/shm" "" "$(zcb_left)"
it_check "corosync still runs" kill -0 "$corosync_pid"

# The daemon goes away under two joined clients (ours, Debian's): both see
# cpg_dispatch fail with CS_ERR_LIBRARY (printed as dispatch-error 2, exit 3).
RUN="$IT_TMP/run.gone"
mkdir -p "$RUN"
client_start D 5 "$OURS"
client_start E 6 "$DEBIAN"
cmd 5 "join gone"; cmd 6 "join gone"
if wait_out D '^CONFCHG gone .*j=' && wait_out E '^CONFCHG gone ' 1; then
	it_eq "corosync stops on TERM" "0" "$(it_node_stop 1)"
	wait_out D '^dispatch-error' && wait_out E '^dispatch-error'
	exec 5>&- 6>&-
	wait "$(cat "$RUN/D.pid")"; d_rc=$?
	wait "$(cat "$RUN/E.pid")"; e_rc=$?
	it_eq "daemon gone: ours" "dispatch-error 2 rc=3" "$(grep '^dispatch-error' "$RUN/D.out") rc=$d_rc"
	it_eq "daemon gone: Debian's" "dispatch-error 2 rc=3" "$(grep '^dispatch-error' "$RUN/E.out") rc=$e_rc"
else
	it_fail "clients join before the daemon stops"
fi
it_done
