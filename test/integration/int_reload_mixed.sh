#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_reload_crypto.sh in a mixed ring: 2 chorusd nodes and Debian's corosync
# 3.1.7 (node 3).  The first change is requested on a chorusd node, the
# second on the corosync node; both kinds run each other's phases.
MIX="c c k" exec sh "$top_srcdir/test/integration/int_reload_crypto.sh"
