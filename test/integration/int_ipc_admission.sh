#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# IPC admission: root is always admitted; another user only when a
# uidgid.uid.<uid> / uidgid.gid.<gid> key holds u8 1 (what Pacemaker
# writes for its haclient group), and refused with CS_ERR_ACCESS otherwise.
. "$top_srcdir/test/integration/lib.sh"
it_require_root
command -v setpriv > /dev/null || { echo "SKIP: no setpriv"; exit 77; }

it_node_start 1 || { it_fail "chorusd starts"; it_done; exit 1; }
as_nobody() { it_exec 1 setpriv --reuid=65534 --regid=65533 --clear-groups "$@"; }

out=$(as_nobody /usr/sbin/corosync-cmapctl -g totem.version 2>&1)
it_eq "uid 65534 refused: exit 1" 1 $?
it_eq "uid 65534 refused with CS_ERR_ACCESS" "Failed to initialize the cmap API. Error CS_ERR_ACCESS" "$out"
it_check "the refusal is logged" grep -q "Denied connection attempt from 65534:65533" "$IT_TMP/node1/log"

it_exec 1 /usr/sbin/corosync-cmapctl -s uidgid.gid.65533 u32 1
out=$(as_nobody /usr/sbin/corosync-cmapctl -g totem.version 2>&1)
it_eq "a u32 uidgid key does not admit (must be u8)" 1 $?

it_exec 1 /usr/sbin/corosync-cmapctl -s uidgid.gid.65533 u8 1
out=$(as_nobody /usr/sbin/corosync-cmapctl -g totem.version 2>&1)
it_eq "gid admitted by uidgid.gid.<gid> = u8 1" "totem.version (u32) = 2" "$out"

it_exec 1 /usr/sbin/corosync-cmapctl -d uidgid.gid.65533
it_exec 1 /usr/sbin/corosync-cmapctl -s uidgid.uid.65534 u8 1
out=$(as_nobody /usr/sbin/corosync-cmapctl -g totem.version 2>&1)
it_eq "uid admitted by uidgid.uid.<uid> = u8 1" "totem.version (u32) = 2" "$out"

it_exec 1 /usr/sbin/corosync-cmapctl -s uidgid.uid.65534 u8 0
out=$(as_nobody /usr/sbin/corosync-cmapctl -g totem.version 2>&1)
it_eq "value 0 does not admit" 1 $?

it_eq "chorusd exits 0 on SIGTERM" 0 "$(it_node_stop 1)"
it_done
