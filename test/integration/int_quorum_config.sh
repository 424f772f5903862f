#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Quorum configurations that corosync 3.1.7 refuses when its quorum engine
# loads: chorusd must refuse them too, with exit code 20 and corosync's
# "Service engine 'corosync_quorum' failed to load for reason '...'" line,
# and so must Debian's corosync (checked when it is installed).
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root

check() {
	desc=$1 reason=$2
	shift 2
	n=$((${n:-0} + 1))
	it_ns_create "$n"
	conf=$(it_config "$n" "$@")
	d="$IT_TMP/node$n"
	it_exec "$n" env CHORUS_MODULE_DIR="$(it_moduledir)" timeout 20 "$CHORUSD" -f -c "$conf" \
		> "$d/log" 2>&1
	rc=$?
	if [ "$rc" = 20 ] &&
	   grep -qF "Service engine 'corosync_quorum' failed to load for reason '$reason'" "$d/log"; then
		it_pass "chorusd: $desc"
	else
		it_fail "chorusd: $desc (exit $rc)"
		cat "$d/log"
	fi
	[ -x "$COROSYNC" ] || return 0
	n=$((n + 1))
	it_ns_create "$n"
	mkdir -p "$IT_TMP/node$n/run"
	conf=$(it_config "$n" "$@")
	d="$IT_TMP/node$n"
	it_exec "$n" unshare -m sh -c 'mount --bind "$2" /run && exec timeout 20 "$0" -f -c "$1"' \
		"$COROSYNC" "$conf" "$d/run" > "$d/log" 2>&1
	rc=$?
	if [ "$rc" = 20 ] &&
	   grep -qF "Service engine 'corosync_quorum' failed to load for reason '$reason'" "$d/log"; then
		it_pass "corosync: $desc"
	else
		it_fail "corosync: $desc (exit $rc)"
		cat "$d/log"
	fi
}

check "two_node with a quorum device" \
	"configuration error: two_node and quorum device cannot be configured at the same time!" \
	"quorum {" "provider: corosync_votequorum" "two_node: 1" "device {" "model: net" "}" "}"
check "an unknown provider" "Invalid quorum provider" \
	"quorum {" "provider: corosync_nosuch" "}"
check "a device with last_man_standing" \
	"configuration error: quorum.device is not compatible with last_man_standing" \
	"quorum {" "provider: corosync_votequorum" "last_man_standing: 1" "device {" "model: net" "}" "}"
it_done
