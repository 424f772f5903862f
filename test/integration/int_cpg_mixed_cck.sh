#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# int_cpg_mixed.sh with two chorusd nodes and one corosync node.
MIX="c c k" exec sh "$top_srcdir/test/integration/int_cpg_mixed.sh"
