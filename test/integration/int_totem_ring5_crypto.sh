#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_totem_ring.sh with 5 nodes and aes256/sha256 crypto.
NODES=5 CRYPTO=1 exec sh "$top_srcdir/test/integration/int_totem_ring.sh"
