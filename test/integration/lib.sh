# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared helpers for the integration tests: every node runs in its own
# network namespace (so its abstract IPC sockets and ports are its own) with
# its own config, state and run directories under one temporary directory.
# Tests talk only to loopback inside namespaces they created.
#
#   . "$srcdir/test/integration/lib.sh"
#   it_node_start 1            # node 1: namespace, config, chorusd, wait ready
#   it_exec 1 corosync-cmapctl # run a command in node 1's namespace
#   it_pass / it_fail "why"
set -u

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
IT_NAME=${IT_NAME:-$(basename "$0" .sh)}
IT_TMP=$(mktemp -d "/tmp/chorus-$IT_NAME.XXXXXX")
IT_NS_PREFIX="chorus-$$"
IT_NODES=""
IT_FAILS=0
IT_PASSES=0
CHORUSD=${CHORUSD:-"$top_builddir/exec/chorusd"}
CHORUS_CMAPCTL=${CHORUS_CMAPCTL:-"$top_builddir/tools/chorus-cmapctl"}

it_require_root() {
	if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
		echo "SKIP: needs root and ip netns"
		exit 77
	fi
}

# Module directory: the built modules, linked into one folder.
it_moduledir() {
	d="$IT_TMP/modules"
	if [ ! -d "$d" ]; then
		mkdir -p "$d"
		for so in "$top_builddir"/services/*/.libs/*.so; do
			[ -e "$so" ] && ln -sf "$(cd "$(dirname "$so")" && pwd)/$(basename "$so")" "$d/"
		done
	fi
	echo "$d"
}

it_ns() { echo "$IT_NS_PREFIX-$1"; }

it_exec() {
	n=$1
	shift
	ip netns exec "$(it_ns "$n")" "$@"
}

# it_config N [extra lines appended at top level]: a single-node config.
it_config() {
	n=$1
	shift
	d="$IT_TMP/node$n"
	mkdir -p "$d/state" "$d/run"
	cat > "$d/chorus.conf" <<CONF
totem {
	version: 2
	cluster_name: test
	transport: knet
}
logging {
	to_stderr: yes
	to_syslog: no
	debug: off
}
nodelist {
	node {
		name: node$n
		nodeid: $n
		ring0_addr: 127.0.0.1
	}
}
system {
	state_dir: $d/state
	run_dir: $d/run
}
CONF
	for line in "$@"; do
		printf '%s\n' "$line" >> "$d/chorus.conf"
	done
	echo "$d/chorus.conf"
}

it_ns_create() {
	ns=$(it_ns "$1")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	IT_NODES="$IT_NODES $1"
}

# it_node_start N [extra config lines]: start chorusd and wait until it serves.
it_node_start() {
	n=$1
	shift
	case " $IT_NODES " in *" $n "*) ;; *) it_ns_create "$n" ;; esac
	conf=$(it_config "$n" "$@")
	d="$IT_TMP/node$n"
	: > "$d/log"
	rm -f "$d/exit" "$d/pid"
	# The daemon's own pid (not a wrapper's) is in its pid file; its exit
	# status lands in $d/exit when it ends.
	(
		ip netns exec "$(it_ns "$n")" env CHORUS_MODULE_DIR="$(it_moduledir)" \
			"$CHORUSD" -f -c "$conf" > "$d/log" 2>&1 &
		echo $! > "$d/pid"
		wait $!
		echo $? > "$d/exit.tmp"
		mv "$d/exit.tmp" "$d/exit"
	) &
	until [ -s "$d/pid" ]; do sleep 0.01; done
	it_wait_log "$n" "ready to provide service" 20 || {
		echo "node $n did not become ready; its log:"
		cat "$d/log"
		return 1
	}
}

# it_wait_log N PATTERN SECONDS: wait for a line in node N's log (an event,
# not a fixed delay); fails if the daemon dies or the time runs out.
it_wait_log() {
	n=$1 pat=$2 secs=$3
	d="$IT_TMP/node$n"
	end=$(( $(date +%s) + secs ))
	while ! grep -q "$pat" "$d/log" 2>/dev/null; do
		[ -f "$d/exit" ] && return 1
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

it_node_pid() { cat "$IT_TMP/node$1/pid"; }

it_node_alive() { kill -0 "$(it_node_pid "$1")" 2>/dev/null; }

# it_node_stop N [SIGNAL]: signal the daemon (TERM) and wait for its exit
# (30 s at most); prints the exit status, or "timeout".
it_node_stop() {
	d="$IT_TMP/node$1"
	kill "-${2:-TERM}" "$(it_node_pid "$1")" 2>/dev/null || true
	end=$(( $(date +%s) + 30 ))
	until [ -f "$d/exit" ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			echo timeout
			return
		fi
		sleep 0.05
	done
	cat "$d/exit"
}

it_cleanup() {
	for n in $IT_NODES; do
		if [ -f "$IT_TMP/node$n/pid" ]; then
			kill -KILL "$(cat "$IT_TMP/node$n/pid")" 2>/dev/null || true
		fi
		ip netns del "$(it_ns "$n")" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ "$IT_FAILS" -eq 0 ] || [ -z "${IT_KEEP:-}" ]; then
		rm -rf "$IT_TMP"
	fi
}
trap it_cleanup EXIT

it_pass() { IT_PASSES=$((IT_PASSES + 1)); echo "PASS: $*"; }
it_fail() { IT_FAILS=$((IT_FAILS + 1)); echo "FAIL: $*"; }

# it_check DESC CMD...: pass when CMD succeeds.
it_check() {
	desc=$1
	shift
	if "$@"; then it_pass "$desc"; else it_fail "$desc"; fi
}

# it_eq DESC EXPECTED ACTUAL
it_eq() {
	if [ "$2" = "$3" ]; then
		it_pass "$1"
	else
		it_fail "$1: expected [$2] got [$3]"
	fi
}

it_done() {
	echo "$IT_PASSES passed, $IT_FAILS failed"
	[ "$IT_FAILS" -eq 0 ]
}
