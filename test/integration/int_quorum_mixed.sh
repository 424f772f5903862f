#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_quorum.sh on mixed rings of chorusd and Debian's corosync 3.1.7:
# "c c k" (the corosync node is killed first, chorusd nodes decide alone
# afterwards) and "k c c" (a chorusd node is killed first, so a corosync and
# a chorusd node must agree on 2 of 3), and with one chorusd among two
# corosync nodes, "c k k" and "k k c".  corosync-quorumtool -s must agree
# on every node, before and after the kills.
rc=0
for mix in "c c k" "k c c" "c k k" "k k c"; do
	echo "== MIX=\"$mix\""
	MIX="$mix" sh "$top_srcdir/test/integration/int_quorum.sh" || rc=1
done
exit $rc
