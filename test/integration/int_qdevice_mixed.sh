#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_qdevice.sh on mixed clusters of chorusd and Debian's corosync 3.1.7,
# each compared with the all-corosync cluster of its size: "c k" and
# "k c" (the corosync, then the chorusd node survives alone with the
# qdevice's vote), "c c k" and "k k c".
RUNS="c k|k c|k k|c c k|k k c|k k k" exec sh "$top_srcdir/test/integration/int_qdevice.sh"
