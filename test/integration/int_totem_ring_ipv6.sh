#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_totem_ring.sh with 3 nodes on IPv6 link addresses (fd00:60::N/64).
IT_IPV6=1 exec sh "$top_srcdir/test/integration/int_totem_ring.sh"
