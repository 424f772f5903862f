#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every function declared in include/corosync/cpg.h, quorum.h and
# votequorum.h has its own page man/<function>.3, and every function declared
# in cfg.h has a subsection in man/corosync_cfg_overview.3.  Prints the
# missing ones and exits 1.  Needs only sed and grep.
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
n=0

# The names of the functions a header declares: an API-prefixed word
# followed by "(" outside comments, typedefs and preprocessor lines, and not
# a pointer-to-function type ("(*name)").
declared() {
	grep -vE '^[[:space:]]*(\*|/\*|//|#|typedef)' "$1" |
		grep -oE '(^|[^*a-zA-Z0-9_])(cpg|quorum|votequorum|corosync_cfg)_[a-z0-9_]+[[:space:]]*\(' |
		sed 's/^[^a-z]*//; s/[[:space:](]*$//' | sort -u
}

for h in cpg quorum votequorum; do
	header="$srcdir/include/corosync/$h.h"
	if [ ! -r "$header" ]; then
		echo "FAIL $header: not found"
		fail=1
		continue
	fi
	found=0
	for fn in $(declared "$header"); do
		found=1
		n=$((n + 1))
		if [ ! -e "$srcdir/man/$fn.3" ]; then
			echo "MISSING man/$fn.3 (declared in include/corosync/$h.h)"
			fail=1
		fi
	done
	if [ "$found" -eq 0 ]; then
		echo "FAIL $header: no function declarations found"
		fail=1
	fi
done

header="$srcdir/include/corosync/cfg.h"
page="$srcdir/man/corosync_cfg_overview.3"
found=0
for fn in $(declared "$header"); do
	found=1
	n=$((n + 1))
	if [ ! -e "$page" ] || ! grep -q "^\.SS $fn\$" "$page"; then
		echo "MISSING $fn in man/corosync_cfg_overview.3 (declared in include/corosync/cfg.h)"
		fail=1
	fi
done
if [ "$found" -eq 0 ]; then
	echo "FAIL $header: no function declarations found"
	fail=1
fi

[ "$fail" -eq 0 ] && echo "man_coverage: all $n declared functions documented"
exit "$fail"
