#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_cpg.sh with 5 node(s).
NODES=5 exec sh "$top_srcdir/test/integration/int_cpg.sh"
