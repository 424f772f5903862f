#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_totem_ring.sh with 5 nodes, aes256/sha256 crypto and send_join: 80
# (corosync's advice for larger clusters: JOINs leave after a random delay).
NODES=5 CRYPTO=1 SEND_JOIN=80 exec sh "$top_srcdir/test/integration/int_totem_ring.sh"
