# SPDX-License-Identifier: LGPL-2.1-or-later
# CPG test clients for the integration tests (source after lib.sh).  Each
# client is a test/integration/cpg_client process in a node's namespace,
# fed commands through a FIFO and writing one line per result or event to
# $IT_TMP/clients/NAME.out (its interface: the comment at the top of
# cpg_client.c).
#
#   cpg_start 1 a1 -m -i         # client a1 on node 1 (model V1, initial totem conf)
#   cpg_cmd a1 "join alpha"      # send a command
#   cpg_wait a1 '^join alpha 1$' 10
#   cpg_marker alpha "a1 a2 b1"  # total-order marker: everything before it is delivered
#   cpg_events a1 FROM           # its CONFCHG/DELIVER/TOTEM lines after line FROM
CPG_CLIENT=${CPG_CLIENT:-"$top_builddir/test/integration/cpg_client"}
CPG_CLIENT_DEBIAN=${CPG_CLIENT_DEBIAN:-"$top_builddir/test/integration/cpg_client_debian"}
CPG_MARKS=0
mkdir -p "$IT_TMP/clients"

# cpg_start N NAME [client options]: start client NAME in node N's namespace.
# CPG_BIN (default our client) chooses the binary.
cpg_start() {
	n=$1 name=$2
	shift 2
	d="$IT_TMP/clients"
	rm -f "$d/$name.in" "$d/$name.exit"
	mkfifo "$d/$name.in"
	: > "$d/$name.out"
	(
		ip netns exec "$(it_ns "$n")" "${CPG_BIN:-$CPG_CLIENT}" "$@" < "$d/$name.in" \
			> "$d/$name.out" 2> "$d/$name.err" &
		echo $! > "$d/$name.pid"
		wait $!
		echo $? > "$d/$name.exit"
	) &
	# Keep the FIFO's write side open so the client never reads EOF
	# between two commands; cpg_stop_input closes it.
	sleep 100000 > "$d/$name.in" &
	echo $! > "$d/$name.keeper"
	until [ -s "$d/$name.pid" ]; do sleep 0.01; done
	echo "$name" >> "$d/all"
	cpg_wait "$name" '^init ' 20 || return 1
	grep -q '^init 1$' "$d/$name.out"
}

cpg_cmd() { printf '%s\n' "$2" > "$IT_TMP/clients/$1.in"; }
cpg_pid() { cat "$IT_TMP/clients/$1.pid"; }
cpg_out() { cat "$IT_TMP/clients/$1.out"; }
cpg_lines() { wc -l < "$IT_TMP/clients/$1.out"; }
cpg_alive() { [ ! -f "$IT_TMP/clients/$1.exit" ]; }

# cpg_wait NAME REGEX SECONDS: until the client printed a matching line.
cpg_wait() {
	end=$(( $(date +%s) + $3 ))
	while ! grep -q -- "$2" "$IT_TMP/clients/$1.out" 2>/dev/null; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# cpg_wait_all "NAMES" REGEX SECONDS
cpg_wait_all() {
	for c in $1; do
		cpg_wait "$c" "$2" "$3" || { echo "client $c: no line matching $2"; return 1; }
	done
}

# cpg_wait_since VAR NAME REGEX SECONDS: like cpg_wait, looking only at the
# lines after the one cpg_mark VAR recorded for NAME (an event of this step,
# not an older one that happens to look the same).
cpg_wait_since() {
	eval "from=\${${1}_$2:-0}"
	end=$(( $(date +%s) + $4 ))
	while ! tail -n "+$(( from + 1 ))" "$IT_TMP/clients/$2.out" 2>/dev/null | grep -q -- "$3"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# cpg_wait_all_since VAR "NAMES" REGEX SECONDS
cpg_wait_all_since() {
	for c in $2; do
		cpg_wait_since "$1" "$c" "$3" "$4" || { echo "client $c: no new line matching $3"; return 1; }
	done
}

# cpg_events NAME FROM: CONFCHG/DELIVER/TOTEM lines after line FROM.
cpg_events() {
	tail -n "+$(( $2 + 1 ))" "$IT_TMP/clients/$1.out" | grep -E '^(CONFCHG|DELIVER|TOTEM) '
}

# cpg_marker GROUP "NAMES": the first client multicasts a unique marker and
# every client of the group waits for it.  Total order: whatever was
# delivered to anyone before it has been delivered to all before it.
cpg_marker() {
	CPG_MARKS=$((CPG_MARKS + 1))
	m="mark-$1-$CPG_MARKS"
	first=${2%% *}
	cpg_cmd "$first" "send $m"
	cpg_wait_all "$2" " data=$m\$" 30
}

# cpg_same_history DESC GROUP "NAMES" FROMVAR: after a marker, every client
# saw the same events since its own recorded line number (FROMVAR is the
# prefix of shell variables holding them: ${FROMVAR}_NAME).
cpg_same_history() {
	desc=$1 group=$2 names=$3 from=$4
	cpg_marker "$group" "$names" || { it_fail "$desc: marker not delivered"; return 1; }
	ref=""
	ok=1
	for c in $names; do
		eval "start=\${${from}_$c:-0}"
		# up to the marker: what comes after it belongs to the next step
		cpg_events "$c" "$start" | sed "/ data=$m\$/q" > "$IT_TMP/clients/$c.hist"
		if [ -z "$ref" ]; then
			ref=$c
		elif ! cmp -s "$IT_TMP/clients/$ref.hist" "$IT_TMP/clients/$c.hist"; then
			ok=0
			echo "history of $c differs from $ref:"
			diff "$IT_TMP/clients/$ref.hist" "$IT_TMP/clients/$c.hist" | head -20
		fi
	done
	if [ "$ok" = 1 ]; then
		it_pass "$desc ($(wc -l < "$IT_TMP/clients/$ref.hist") events, same on $(echo $names | wc -w) clients)"
	else
		it_fail "$desc"
	fi
}

# cpg_wait_floods GROUP "SENDERS" "NAMES" LAST SECONDS: until every client in
# NAMES got message LAST of every sender's flood.  A client's flood command
# finishes when its messages are in the daemon's hands (IPC ring, held
# requests), not yet in the total order: wait for the deliveries themselves.
cpg_wait_floods() {
	for snd in $2; do
		cpg_wait_all "$3" "^DELIVER $1 [0-9]*:$(cpg_pid "$snd") len=[0-9]* seq=$4\$" "$5" || return 1
	done
}

# cpg_mark FROMVAR "NAMES": remember each client's current line count.
cpg_mark() {
	for c in $2; do
		eval "${1}_$c=$(cpg_lines "$c")"
	done
}

cpg_kill() {
	kill -KILL "$(cpg_pid "$1")" 2>/dev/null || true
	cpg_stop_input "$1"
}

cpg_stop_input() {
	kill "$(cat "$IT_TMP/clients/$1.keeper")" 2>/dev/null || true
}

cpg_cleanup() {
	# corosync's blackbox (the pid under unshare is corosync's own: exec)
	if [ -f "$IT_TMP/clients/daemons" ]; then
		while read -r _ pid; do
			kill -KILL "$pid" 2>/dev/null || true
			rm -f "/dev/shm/qb-corosync-$pid-blackbox-data" \
				"/dev/shm/qb-corosync-$pid-blackbox-header"
		done < "$IT_TMP/clients/daemons"
	fi
	[ -f "$IT_TMP/clients/all" ] || return 0
	while read -r c; do
		kill -KILL "$(cat "$IT_TMP/clients/$c.pid" 2>/dev/null)" 2>/dev/null || true
		kill "$(cat "$IT_TMP/clients/$c.keeper" 2>/dev/null)" 2>/dev/null || true
	done < "$IT_TMP/clients/all"
}

# it_corosync_run N CONF: Debian's corosync on node N with CONF, waiting
# until it serves.  corosync 3.1.7 locks /var/run/corosync.pid whatever
# system.run_dir says, so each one gets a private /run (mount namespace).
# IT_WRAP as for it_node_run.
COROSYNC=${COROSYNC:-/usr/sbin/corosync}
it_corosync_run() {
	n=$1 conf=$2
	case " $IT_NODES " in *" $n "*) ;; *) it_ns_create "$n" ;; esac
	d="$IT_TMP/node$n"
	mkdir -p "$d/run"
	: > "$d/log"
	rm -f "$d/exit" "$d/pid"
	(
		# shellcheck disable=SC2086
		ip netns exec "$(it_ns "$n")" ${IT_WRAP:-} unshare -m sh -c \
			'mount --bind "$2" /run && exec "$0" -f -c "$1"' \
			"$COROSYNC" "$conf" "$d/run" > "$d/log" 2>&1 &
		echo $! > "$d/pid"
		wait $!
		echo $? > "$d/exit.tmp"
		mv "$d/exit.tmp" "$d/exit"
	) &
	until [ -s "$d/pid" ]; do sleep 0.01; done
	echo "corosync $(cat "$d/pid")" >> "$IT_TMP/clients/daemons"
	it_wait_log "$n" "ready to provide service" 30 || {
		echo "corosync on node $n did not become ready; its log:"
		cat "$d/log"
		return 1
	}
}

# it_corosync_start N [extra config lines]: the same with node N's config.
it_corosync_start() {
	n=$1
	shift
	case " $IT_NODES " in *" $n "*) ;; *) it_ns_create "$n" ;; esac
	it_corosync_run "$n" "$(it_config "$n" "$@")"
}

# Every client dies before the namespaces go.
trap 'cpg_cleanup; it_cleanup' EXIT
