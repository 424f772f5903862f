#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_notifyd.sh on mixed rings of chorusd and Debian's corosync 3.1.7:
# notifyd on a chorusd node while a corosync node stops and comes back
# ("c c k"), and on a corosync node while a chorusd node does ("k k c");
# both compared with 3 corosync nodes.
RUNS="c c k|k k c|k k k" exec sh "$top_srcdir/test/integration/int_notifyd.sh"
