#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Service modules: a module with a wrong ABI number and an unknown module
# name are refused at start with a clear message and exit 20; the example
# module loads from a `service { name: example }` section and serves its
# own IPC and totem messages.
. "$top_srcdir/test/integration/lib.sh"
it_require_root

it_ns_create 1
moddir=$(it_moduledir)

conf=$(it_config 1 "service {" "	name: badabi" "}")
out=$(CHORUS_MODULE_DIR=$moddir it_exec 1 "$CHORUSD" -f -c "$conf" 2>&1)
it_eq "wrong ABI: exit 20" 20 $?
case "$out" in
*"Service engine 'badabi' failed to load"*"ABI version"*) it_pass "wrong ABI: message names the module and the ABI" ;;
*) it_fail "wrong ABI: message: $out" ;;
esac

conf=$(it_config 1 "service {" "	name: nosuchservice" "}")
out=$(CHORUS_MODULE_DIR=$moddir it_exec 1 "$CHORUSD" -f -c "$conf" 2>&1)
it_eq "unknown module: exit 20" 20 $?
case "$out" in
*"Service engine 'nosuchservice' failed to load"*) it_pass "unknown module: clear message" ;;
*) it_fail "unknown module: message: $out" ;;
esac

it_node_start 1 "service {" "	name: example" "}" || it_fail "example module loads"
it_exec 1 "$top_builddir/test/integration/example_client" 25
it_eq "example service: ECHO replies deferred until delivery, in order" 0 $?
# The counters are published every 1.5 s, not per message: wait up to 5 s.
tx_key() { it_exec 1 /usr/sbin/corosync-cmapctl -g runtime.services.example.0.tx 2>&1; }
end=$(( $(date +%s) + 5 ))
until [ "$(tx_key)" = "runtime.services.example.0.tx (u64) = 25" ] || [ "$(date +%s)" -ge "$end" ]; do
	sleep 0.1
done
it_eq "runtime.services.example.0.tx counts its multicasts" \
	"runtime.services.example.0.tx (u64) = 25" "$(tx_key)"
kill -USR2 "$(it_node_pid 1)"
it_wait_log 1 "example: 25 ECHO messages delivered" 10
it_eq "SIGUSR2 writes the services' state to the log" 0 $?
it_eq "chorusd exits 0 on SIGTERM" 0 "$(it_node_stop 1)"
it_done
