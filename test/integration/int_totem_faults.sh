#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Faults a ring must survive or keep out, with chorusd nodes in network
# namespaces (see lib.sh):
#   - a node with a wrong authkey never joins, and the others never see it;
#   - a node that cannot store its new ring id exits with status 21, as
#     corosync does, after one error line (it once retried at once and for
#     ever: thousands of failed writes a second);
# "Never" is checked over 2 × (token + consensus), the time the protocol
# would need to react.  The link-cut case is int_totem_linkcut.sh.
. "$top_srcdir/test/integration/lib.sh"
it_require_root

it_cluster_setup 3 1 || { it_fail "network setup"; it_done; exit 1; }
head -c 256 /dev/urandom > "$IT_TMP/good.key"
head -c 256 /dev/urandom > "$IT_TMP/bad.key"
chmod 600 "$IT_TMP/good.key" "$IT_TMP/bad.key"
start() {
	it_node_start "$1" "totem {" "	crypto_cipher: aes256" "	crypto_hash: sha256" \
		"	keyfile: $IT_TMP/$2.key" "}"
}

# Wrong key: node 3 stays alone, 1 and 2 never see it.
start 1 good && start 2 good && start 3 bad || it_fail "nodes start"
it_wait_members 1 "1 2" 60
it_eq "nodes 1 and 2 form a ring" "1 2" "$(it_members 1)"
it_wait_members 3 "3" 60
it_eq "the node with the wrong key is alone" "3" "$(it_members 3)"
token=3650
window=$(( 2 * (token + token * 12 / 10) ))
node3_seen() { grep -c 'Members:.* 3' "$IT_TMP/node1/log"; }
it_steady $(( window / 1000 + 1 )) 0 node3_seen
it_check "node 1 never had node 3 in a membership" sh -c "! grep -q 'Members:.*3' '$IT_TMP/node1/log'"
it_check "node 3 never had node 1 in a membership" sh -c "! grep -q 'Members: 1' '$IT_TMP/node3/log'"
it_eq "cmap on node 1 has no entry for node 3" 1 \
	"$(it_exec 1 /usr/sbin/corosync-cmapctl -g runtime.members.3.status > /dev/null 2>&1; echo $?)"
it_eq "node 3 exits 0" 0 "$(it_node_stop 3)"

# Node 2's state directory disappears; node 1 is killed, so node 2 forms a
# ring alone and must store its new ring id first.
it_wait_members 2 "1 2" 30
rm -rf "$IT_TMP/node2/state"
kill -KILL "$(it_node_pid 1)"
# it_node_stop with signal 0 only waits for the exit
it_eq "node 2 exits with status 21 when it cannot store the ring id" 21 "$(it_node_stop 2 0)"
it_eq "one error line, naming the file" 1 \
	"$(grep -c "Couldn't store new ring id .* in $IT_TMP/node2/state/ringid_2" "$IT_TMP/node2/log")"
it_done
