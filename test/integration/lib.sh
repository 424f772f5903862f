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
		for so in "$top_builddir"/services/*/.libs/*.so "$top_builddir"/cpg_service/.libs/*.so; do
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

# Clusters: it_cluster_setup COUNT LINKS builds a hub namespace with one
# bridge per link and COUNT node namespaces, each with one veth per link;
# node n has 192.168.(60+L).n on link L.  The addresses exist only inside
# these namespaces.  After it, it_config writes a nodelist of COUNT nodes.
IT_CLUSTER=0
IT_LINKS=1
it_cluster_setup() {
	IT_CLUSTER=$1
	IT_LINKS=${2:-1}
	it_ns_create hub || return 1
	hub=$(it_ns hub)
	l=0
	while [ "$l" -lt "$IT_LINKS" ]; do
		ip -n "$hub" link add "br$l" type bridge || return 1
		ip -n "$hub" link set "br$l" up || return 1
		l=$((l + 1))
	done
	n=1
	while [ "$n" -le "$IT_CLUSTER" ]; do
		it_ns_create "$n" || return 1
		l=0
		while [ "$l" -lt "$IT_LINKS" ]; do
			ip -n "$(it_ns "$n")" link add "l$l" type veth peer name "n${n}l$l" netns "$hub" ||
				return 1
			ip -n "$hub" link set "n${n}l$l" master "br$l" up || return 1
			if [ "${IT_IPV6:-0}" = 1 ]; then
				# nodad: usable at once, no duplicate-address wait.
				ip -n "$(it_ns "$n")" addr add "fd00:$((60 + l))::$n/64" dev "l$l" nodad ||
					return 1
			else
				ip -n "$(it_ns "$n")" addr add "192.168.$((60 + l)).$n/24" dev "l$l" ||
					return 1
			fi
			ip -n "$(it_ns "$n")" link set "l$l" up || return 1
			l=$((l + 1))
		done
		n=$((n + 1))
	done
}

# it_link_set N L up|down [hub|node]: node N's link L, cut at its veth end
# in the hub (default: the node sees its carrier go) or in the node.
it_link_set() {
	if [ "${4:-hub}" = node ]; then
		ip -n "$(it_ns "$1")" link set "l$2" "$3"
	else
		ip -n "$(it_ns hub)" link set "n${1}l$2" "$3"
	fi
}

it_nodelist() {
	printf 'nodelist {\n'
	n=1
	while [ "$n" -le "$IT_CLUSTER" ]; do
		printf '\tnode {\n\t\tname: node%s\n\t\tnodeid: %s\n' "$n" "$n"
		l=0
		while [ "$l" -lt "$IT_LINKS" ]; do
			if [ "${IT_IPV6:-0}" = 1 ]; then
				printf '\t\tring%s_addr: fd00:%s::%s\n' "$l" "$((60 + l))" "$n"
			else
				printf '\t\tring%s_addr: 192.168.%s.%s\n' "$l" "$((60 + l))" "$n"
			fi
			l=$((l + 1))
		done
		printf '\t}\n'
		n=$((n + 1))
	done
	printf '}\n'
}

# it_config N [extra lines appended at top level]: node N's config (a
# single node on 127.0.0.1, or the cluster's nodelist after it_cluster_setup).
# IT_CLUSTER_NAME (default test) and IT_NODELIST_FILE (a nodelist section to
# use instead) let a test start a second, foreign cluster.
it_config() {
	n=$1
	shift
	d="$IT_TMP/node$n"
	mkdir -p "$d/state" "$d/run"
	cat > "$d/chorus.conf" <<CONF
totem {
	version: 2
	cluster_name: ${IT_CLUSTER_NAME:-test}
	transport: knet
}
logging {
	to_stderr: yes
	to_syslog: no
	debug: off
}
$(if [ -n "${IT_NODELIST_FILE:-}" ]; then cat "$IT_NODELIST_FILE"; elif [ "$IT_CLUSTER" -gt 0 ]; then it_nodelist; else
	printf 'nodelist {\n\tnode {\n\t\tname: node%s\n\t\tnodeid: %s\n\t\tring0_addr: 127.0.0.1\n\t}\n}\n' "$n" "$n"; fi)
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
	it_node_run "$n" "$(it_config "$n" "$@")"
}

# it_node_run N CONF: chorusd on node N with the config file CONF as it is
# (it_node_start writes one first), waiting until it serves.  IT_WRAP, when
# set, is a command put in front of the daemon's (e.g. setsid).
it_node_run() {
	n=$1 conf=$2
	case " $IT_NODES " in *" $n "*) ;; *) it_ns_create "$n" ;; esac
	d="$IT_TMP/node$n"
	mkdir -p "$d"
	: > "$d/log"
	rm -f "$d/exit" "$d/pid"
	# The daemon's own pid (not a wrapper's) is in its pid file; its exit
	# status lands in $d/exit when it ends.
	(
		# shellcheck disable=SC2086
		ip netns exec "$(it_ns "$n")" ${IT_WRAP:-} env CHORUS_MODULE_DIR="$(it_moduledir)" \
			"$CHORUSD" -f -c "$conf" > "$d/log" 2>&1 &
		echo $! > "$d/pid"
		wait $!
		echo $? > "$d/exit.tmp"
		mv "$d/exit.tmp" "$d/exit"
	) &
	until [ -s "$d/pid" ]; do sleep 0.01; done
	cat "$d/pid" >> "$IT_TMP/pids"
	it_wait_log "$n" "ready to provide service" 20 || {
		echo "node $n did not become ready; its log:"
		cat "$d/log"
		return 1
	}
}

# it_each_mix "MIX|MIX|..." FUNC: FUNC MIX for each cluster of the list
# (a MIX names node kinds: "c c k"), announced in the output.
it_each_mix() {
	printf '%s\n' "$1" | tr '|' '\n' > "$IT_TMP/mixes"
	exec 7< "$IT_TMP/mixes"
	while read -r _mix <&7; do
		echo "=== $_mix"
		"$2" "$_mix"
	done
	exec 7<&-
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

# it_steady SECONDS WANT CMD...: watch CMD's output stay WANT for SECONDS.
# For "nothing happens" checks, where the protocol would need that long to
# react; returns 1 as soon as the output differs.  Not a wait for an event.
it_steady() {
	secs=$1 want=$2
	shift 2
	end=$(( $(date +%s) + secs ))
	while [ "$(date +%s)" -lt "$end" ]; do
		[ "$("$@")" != "$want" ] && return 1
		sleep 0.2
	done
	return 0
}

it_node_pid() { cat "$IT_TMP/node$1/pid"; }

# it_members N: the member list of node N's newest membership log line.
it_members() {
	grep 'A new membership' "$IT_TMP/node$1/log" | tail -n 1 | sed 's/.*Members: *//'
}

# it_ring N: the ring id (rep.seq, hex) of node N's newest membership line.
it_ring() {
	grep 'A new membership' "$IT_TMP/node$1/log" | tail -n 1 | sed 's/.*membership (\([^)]*\)).*/\1/'
}

# it_wait_members N "1 2 3" SECONDS: until node N's newest membership is that list.
it_wait_members() {
	end=$(( $(date +%s) + $3 ))
	while [ "$(it_members "$1")" != "$2" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

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
	# A daemon killed with -9 leaves its libqb blackbox (8 MiB) in /dev/shm.
	if [ -f "$IT_TMP/pids" ]; then
		while read -r pid; do
			rm -f "/dev/shm/qb-chorusd-$pid-blackbox-data" \
				"/dev/shm/qb-chorusd-$pid-blackbox-header"
		done < "$IT_TMP/pids"
	fi
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
