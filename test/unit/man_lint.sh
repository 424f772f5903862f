#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Lint the manual pages in man/: formatting each one with groff's warnings
# on must print nothing on stderr, and every cpg_*, quorum_*, votequorum_*
# and corosync_cfg_* (3) page named in a SEE ALSO or in the text must exist.
# Skipped (77) when man(1) is missing.
set -u

if ! command -v man >/dev/null 2>&1; then
	echo "man_lint: man(1) not installed, skipped"
	exit 77
fi

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
fail=0
n=0
for page in "$srcdir"/man/*.[1-8]; do
	[ -e "$page" ] || continue
	n=$((n + 1))
	if ! err=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null); then
		echo "FAIL $page: man exited with an error"
		fail=1
	fi
	if [ -n "$err" ]; then
		echo "FAIL $page:"
		printf '%s\n' "$err"
		fail=1
	fi
	# References such as ".BR cpg_join (3)" must point at a page we ship.
	for ref in $(sed -n -E 's/^\.BR ((cpg|quorum|votequorum|corosync_cfg)_[a-z_]*) \(3\).*/\1/p' \
		"$page" | sort -u); do
		if [ ! -e "$srcdir/man/$ref.3" ]; then
			echo "FAIL $page: refers to $ref(3), which is not in man/"
			fail=1
		fi
	done
done

if [ "$n" -eq 0 ]; then
	echo "man_lint: no pages found in $srcdir/man"
	exit 99
fi
[ "$fail" -eq 0 ] && echo "man_lint: $n pages clean"
exit "$fail"
