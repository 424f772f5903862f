#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Malformed CPG requests over a real connection (cpg_abuse.c): every one gets
# the right error reply (MCAST none, with no stray reply queued), zero-copy
# requests cannot make the daemon unlink or map a file outside the
# zero-copy prefix (symlinks, "..", other paths), and afterwards the daemon
# is up and a normal client joins, sends and receives.
. "$top_srcdir/test/integration/lib.sh"
. "$top_srcdir/test/integration/cpg_lib.sh"
it_require_root

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }
victim="$IT_TMP/victim"
echo "precious" > "$victim"
if it_exec 1 "$top_builddir/test/integration/cpg_abuse" "$victim"; then
	it_pass "every malformed CPG request answered as it should"
else
	it_fail "cpg_abuse"
fi
it_eq "the victim file is untouched" "precious" "$(cat "$victim" 2>/dev/null)"
it_check "chorusd alive" it_node_alive 1
cpg_start 1 c || it_fail "a client connects afterwards"
cpg_cmd c "join after"
cpg_cmd c "send still here"
it_check "a normal client still joins, sends and receives" cpg_wait c 'data=still here$' 20
it_done
