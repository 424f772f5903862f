#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# include/corosync/quorum.h and votequorum.h against Debian's installed ones: the
# same probe built against each (prototypes already pinned by its
# _Static_asserts at build time) prints sizes, offsets, enum values and
# macros; the two outputs must be identical.
: "${top_builddir:=.}"
ours="$top_builddir/test/unit/quorum_abi_ours"
theirs="$top_builddir/test/unit/quorum_abi_debian"
[ -x "$ours" ] && [ -x "$theirs" ] || { echo "FAIL: probes not built"; exit 1; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$ours" > "$tmp/ours" || { echo "FAIL: $ours"; exit 1; }
"$theirs" > "$tmp/debian" || { echo "FAIL: $theirs"; exit 1; }
if diff -u "$tmp/debian" "$tmp/ours"; then
	echo "PASS: $(wc -l < "$tmp/ours") sizes/offsets/values of quorum.h and votequorum.h identical to Debian's"
	exit 0
fi
echo "FAIL: quorum.h and votequorum.h differs from Debian's"
exit 1
