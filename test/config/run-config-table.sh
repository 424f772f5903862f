#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Config table test: runs `$CHORUSD -t -c FILE` on every test/config/cases/*.conf
# and checks the header of each case:
#   # expect: exit=N [msg="substring"]   exit status and a substring of the output
#   # differs: <reason>                  corosync's verdict is known to differ
# When /usr/sbin/corosync (or $COROSYNC) exists, it runs `corosync -t -c FILE`
# on the same file and requires the same exit status unless the case is
# marked `differs`.  For an invalid case the message must also name the file.
# Usage: CHORUSD=path/to/chorusd run-config-table.sh  (default: the conftest
# driver next to this script in the build tree).
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${srcdir:-$(cd "$here/../.." && pwd)}
cases="$srcdir/test/config/cases"
[ -d "$cases" ] || cases="$here/cases"
# make check runs us from the build tree top; the driver lives there.
default_driver=$here/conftest
[ -x "$PWD/test/config/conftest" ] && default_driver=$PWD/test/config/conftest
CHORUSD=${CHORUSD:-${1:-$default_driver}}
COROSYNC=${COROSYNC:-/usr/sbin/corosync}
[ -x "$CHORUSD" ] || { echo "no driver: $CHORUSD" >&2; exit 99; }

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0 ncs=0

for f in "$cases"/*.conf; do
	n=$((n + 1))
	name=$(basename "$f")
	hdr=$(sed -n 's/\r$//; s/^# expect: //p' "$f" | head -n 1)
	want_exit=$(printf '%s\n' "$hdr" | sed -n 's/^exit=\([0-9]*\).*/\1/p')
	want_msg=$(printf '%s\n' "$hdr" | sed -n 's/^.*msg="\(.*\)"$/\1/p')
	differs=$(grep -c '^# differs:' "$f")
	if [ -z "$want_exit" ]; then
		echo "FAIL $name: no '# expect: exit=N' header"
		fail=1
		continue
	fi
	case "$name" in
	valid-*) [ "$want_exit" = 0 ] || { echo "FAIL $name: valid case must expect 0"; fail=1; } ;;
	invalid-*) [ "$want_exit" != 0 ] || { echo "FAIL $name: invalid case expects 0"; fail=1; } ;;
	esac

	"$CHORUSD" -t -c "$f" >"$tmp/out" 2>&1
	got=$?
	if [ "$got" != "$want_exit" ]; then
		echo "FAIL $name: exit $got, expected $want_exit"
		sed 's/^/    /' "$tmp/out"
		fail=1
		continue
	fi
	if [ -n "$want_msg" ] && ! grep -qF -- "$want_msg" "$tmp/out"; then
		echo "FAIL $name: output lacks \"$want_msg\""
		sed 's/^/    /' "$tmp/out"
		fail=1
		continue
	fi
	if [ "$want_exit" != 0 ] && ! grep -qF -- "$name" "$tmp/out"; then
		echo "FAIL $name: message does not name the file"
		sed 's/^/    /' "$tmp/out"
		fail=1
		continue
	fi
	if [ -x "$COROSYNC" ]; then
		ncs=$((ncs + 1))
		"$COROSYNC" -t -c "$f" >"$tmp/cs" 2>&1
		cs=$?
		if [ "$differs" = 0 ] && [ "$cs" != "$got" ]; then
			echo "FAIL $name: corosync -t exits $cs, we exit $got"
			sed 's/^/    /' "$tmp/cs"
			fail=1
			continue
		fi
		if [ "$differs" != 0 ] && [ "$cs" = "$got" ]; then
			echo "NOTE $name: marked 'differs' but corosync agrees now (exit $cs)"
		fi
	fi
	echo "ok   $name (exit $got)"
done
echo "$n cases, $ncs compared with $COROSYNC"
exit $fail
