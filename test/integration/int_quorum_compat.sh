#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_quorum.sh once on three chorusd nodes and once on three Debian
# corosync 3.1.7 nodes; every step's corosync-quorumtool -s output (Date
# dropped, ring ids reduced to "rep.X": sequence numbers differ from run to
# run) must be byte for byte the same on both.
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "${COROSYNC:-/usr/sbin/corosync}" ] || { echo "SKIP: no corosync"; exit 77; }
tmp=$(mktemp -d /tmp/chorus-int_quorum_compat.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
for mix in "c c c" "k k k"; do
	dir="$tmp/$(echo "$mix" | tr -d ' ')"
	if ! MIX="$mix" QT_SAVE="$dir" sh "$top_srcdir/test/integration/int_quorum.sh" > "$dir.log" 2>&1; then
		echo "FAIL: the scenario itself failed with MIX=\"$mix\":"
		cat "$dir.log"
		exit 1
	fi
done
for f in "$tmp"/ccc/*; do
	b=$(basename "$f")
	sed 's/^\(Ring ID: *[0-9a-f]*\)\.[0-9a-f]*$/\1.X/' "$f" > "$tmp/a"
	sed 's/^\(Ring ID: *[0-9a-f]*\)\.[0-9a-f]*$/\1.X/' "$tmp/kkk/$b" > "$tmp/b"
	if diff -u "$tmp/b" "$tmp/a"; then
		echo "PASS: $b: chorusd prints what corosync prints"
	else
		echo "FAIL: $b differs (- corosync, + chorusd)"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ]
