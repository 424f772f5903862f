#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_cpg.sh with 1 node(s).
NODES=1 exec sh "$top_srcdir/test/integration/int_cpg.sh"
