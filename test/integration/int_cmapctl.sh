#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's corosync-cmapctl and our chorus-cmapctl against chorusd, in a
# network namespace: dump, -g, set/get/delete of every value type, read-only
# keys, prefix listing, and tracking.  Both tools must print the same.
srcdir=${srcdir:-.}
. "$top_srcdir/test/integration/lib.sh"
it_require_root

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }
it_pass "chorusd starts and becomes ready"

run_tool() {
	tool=$1
	label=$2
	out="$IT_TMP/$label"
	mkdir -p "$out"

	# Dump: the keys a corosync user expects, byte-sorted.
	it_exec 1 "$tool" > "$out/dump" 2> "$out/dump.err"
	it_eq "$label: dump exits 0" 0 $?
	for line in "totem.version (u32) = 2" "totem.cluster_name (str) = test" \
		"nodelist.node.0.nodeid (u32) = 1" "nodelist.local_node_pos (u32) = 0" \
		"internal_configuration.service.0.name (str) = corosync_cmap" \
		"runtime.members.1.status (str) = joined" "runtime.members.1.join_count (u32) = 1" \
		"runtime.members.1.ip (str) = r(0) ip(127.0.0.1) " \
		"runtime.config.totem.token (u32) = 3000" "runtime.config.totem.consensus (u32) = 3600" \
		"runtime.services.cmap.service_id (u16) = 0"; do
		it_check "$label: dump has '$line'" grep -qxF "$line" "$out/dump"
	done
	cut -d' ' -f1 "$out/dump" > "$out/keys"
	LC_ALL=C sort -c "$out/keys" 2>/dev/null
	it_eq "$label: dump is byte-sorted" 0 $?
	it_check "$label: stats keys stay out of the default map" \
		sh -c "! grep -q '^stats\\.' '$out/dump'"

	# -g on an existing and a missing key.
	it_eq "$label: -g totem.cluster_name" "totem.cluster_name (str) = test" \
		"$(it_exec 1 "$tool" -g totem.cluster_name)"
	it_exec 1 "$tool" -g no.such.key > /dev/null 2> "$out/missing.err"
	it_eq "$label: -g missing key exits 1" 1 $?
	it_check "$label: -g missing key says CS_ERR_NOT_EXIST" grep -q "CS_ERR_NOT_EXIST" "$out/missing.err"

	# Every value type: set, get, delete.
	for spec in "i8 -128" "u8 255" "i16 -32768" "u16 65535" "i32 -2147483648" \
		"u32 4294967295" "i64 -9223372036854775808" "u64 18446744073709551615" \
		"flt 3.500000" "dbl -2.250000" "str hello world"; do
		type=${spec%% *}
		value=${spec#* }
		key="test.$label.$type"
		it_exec 1 "$tool" -s -- "$key" "$type" "$value"
		it_eq "$label: set $type" 0 $?
		it_eq "$label: get $type" "$key ($type) = $value" "$(it_exec 1 "$tool" -g "$key")"
		it_exec 1 "$tool" -d "$key"
		it_eq "$label: delete $type" 0 $?
		it_exec 1 "$tool" -g "$key" > /dev/null 2>&1
		it_eq "$label: $type gone after delete" 1 $?
	done
	printf 'bin\001\\ary' > "$out/bin"
	it_exec 1 "$tool" -s "test.$label.bin" bin "$out/bin"
	it_eq "$label: set bin" 0 $?
	it_eq "$label: get bin (-b)" "test.$label.bin (bin) = bin\\x01\\\\ary" \
		"$(it_exec 1 "$tool" -b "test.$label.bin")"

	# Range checks on the client side, read-only keys on the daemon side.
	it_exec 1 "$tool" -s "test.$label.bad" u8 256 > /dev/null 2>&1
	it_eq "$label: u8 256 refused" 1 $?
	it_exec 1 "$tool" -s totem.version u32 3 > /dev/null 2> "$out/ro.err"
	it_eq "$label: read-only key refused" 1 $?
	it_check "$label: read-only says CS_ERR_ACCESS" grep -q CS_ERR_ACCESS "$out/ro.err"

	# Prefix listing.
	it_exec 1 "$tool" runtime.members. > "$out/prefix"
	it_eq "$label: prefix lists 4 member keys" 4 "$(wc -l < "$out/prefix")"

	# Tracking: a change made by another client shows up as an event.
	mkfifo "$out/in"
	it_exec 1 stdbuf -oL "$tool" -t "test.$label.tracked" < "$out/in" > "$out/track" 2>&1 &
	tpid=$!
	exec 7> "$out/in"
	end=$(( $(date +%s) + 10 ))
	until grep -q 'Type "q" to finish' "$out/track"; do
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.05
	done
	it_exec 1 "$tool" -s "test.$label.tracked" u32 7
	it_exec 1 "$tool" -s "test.$label.tracked" u32 8
	it_exec 1 "$tool" -d "test.$label.tracked"
	end=$(( $(date +%s) + 10 ))
	until grep -q '^delete>' "$out/track"; do
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.05
	done
	echo q >&7
	exec 7>&-
	wait "$tpid"
	it_check "$label: track create event" grep -qxF "create> test.$label.tracked (u32) = 7" "$out/track"
	it_check "$label: track modify event" grep -qxF "modify> test.$label.tracked (u32) = 8" "$out/track"
	it_check "$label: track delete event" grep -qxF "delete> test.$label.tracked (u32) = 8" "$out/track"
	sed "s/$label/TOOL/g" "$out/track" > "$out/track.norm"
}

run_tool /usr/sbin/corosync-cmapctl debian
run_tool "$CHORUS_CMAPCTL" chorus

# The two tools must agree on what they print.
it_check "both tools print the same tracking output" \
	cmp -s "$IT_TMP/debian/track.norm" "$IT_TMP/chorus/track.norm"
grep -v '^test\.\|^stats\.\|\.rx \|\.tx ' "$IT_TMP/debian/dump" > "$IT_TMP/d1"
it_exec 1 "$CHORUS_CMAPCTL" | grep -v '^test\.\|^stats\.\|\.rx \|\.tx ' > "$IT_TMP/d2"
it_check "both tools dump the same map" cmp -s "$IT_TMP/d1" "$IT_TMP/d2"

it_node_alive 1
it_eq "chorusd still running" 0 $?
it_eq "chorusd exits 0 on SIGTERM" 0 "$(it_node_stop 1)"
it_check "pid file removed on exit" test ! -e "$IT_TMP/node1/run/chorusd.pid"
it_done
