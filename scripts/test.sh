#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 2: the whole test suite.  Installs what is missing, builds,
# runs `make check` (unit tests, the simulator's fixed seeds, fuzz corpora
# replays, config table against Debian's corosync -t, then the integration
# tests in network namespaces), builds again with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit tests and fuzz replays there,
# and runs `make distcheck`.  Each stage prints the time so far.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
t0=$(date +%s)
# stage NAME: the time since the last stage, for the budget (20 min on 2 cores)
stage() {
	t=$(date +%s)
	echo "== $1 ($((t - t0)) s so far)"
}
# slowest DIR: the 12 longest tests of the make check that ran in DIR
# (each test's .log is created when it starts, its .trs when it ends)
slowest() {
	find "$1/test" "$1/tools" "$1/lib" -name '*.trs' 2>/dev/null | while read -r trs; do
		log=${trs%.trs}.log
		[ -f "$log" ] || continue
		b=$(stat -c %W "$log") e=$(stat -c %Y "$trs")
		[ "$b" -gt 0 ] && echo "$((e - b)) s ${trs#"$1"/}"
	done | sort -rn | head -12 | sed 's/^/   /'
}

"$top/scripts/install-deps.sh"

stage "build and make check"
"$top/scripts/build.sh" "$top/_build"
# make check in two runs, for the time budget: first what keeps the CPUs
# busy (unit tests, the simulator's seeds on SIM_JOBS processes, fuzz
# replays), then the integration tests, which mostly wait on totem's timers,
# IT_JOBS at a time (each has its own namespaces, files and daemons).  Run
# together, the simulator's load made the integration tests' timings flaky.
# While they wait, the sanitizer build and the tarball's check (distcheck,
# in a build directory of its own) run at nice 19: they take the CPU time
# the integration tests leave.
unit_tests=$(make -s -C "$top/_build" print-unit-tests)
integration_tests=$(make -s -C "$top/_build" print-integration-tests)
# The tarball's check: the unit tests and fuzz replays, 5 of the
# simulator's seeds and none of the pinned runs (the 500 and the pinned runs
# are above, the sanitizer's run below),
# not the planted-bug checks (they check the checkers, not the tarball).
dist_tests=$(echo "$unit_tests" | tr ' ' '\n' | grep -v 'check-planted' | tr '\n' ' ')
# ... and so neither it nor the sanitizer run builds the 12 planted simulators.
unplanted=$(make -s -C "$top/_build" print-check-programs-unplanted)
stage "make check: unit tests, simulator, fuzz replays"
make -C "$top/_build" -j"$(nproc)" check TESTS="$unit_tests" ||
	{ cat "$top"/_build/test-suite.log; exit 1; }

# The ASan+UBSan run: dist_tests (the unit tests and fuzz replays, not the
# planted-bug checks, which ran in the plain build) with 20 of the
# simulator's fixed seeds and the pinned ones (all 500 in the plain build
# above; under the sanitizers a seed takes about 4 times as long).
stage "make check: integration tests in network namespaces, ${IT_JOBS:=4} at a time; the ASan+UBSan build and its tests, and distcheck, at nice 19 meanwhile"
bg="$top/_build/background"
mkdir -p "$bg"
rm -f "$bg"/*.rc "$bg"/*.end
# Each background job writes its exit code to NAME.rc and the time it ended
# (seconds since the start) to NAME.end.
(
	set +e
	nice -n 19 "$top/scripts/build.sh" "$top/_build-asan" --with-sanitizers=address,undefined \
		> "$bg/asan-build.log" 2>&1
	rc=$?
	echo $rc > "$bg/asan-build.rc"
	echo $(($(date +%s) - t0)) > "$bg/asan-build.end"
	if [ "$rc" = 0 ]; then
		SIM_SEEDS=20 nice -n 19 make -C "$top/_build-asan" -j"$(nproc)" check \
			TESTS="$dist_tests" check_PROGRAMS="$unplanted" > "$bg/asan-check.log" 2>&1
		echo $? > "$bg/asan-check.rc"
		echo $(($(date +%s) - t0)) > "$bg/asan-check.end"
	fi
) &
asan_pid=$!
(
	set +e
	nice -n 19 "$top/scripts/build.sh" "$top/_build-dist" > "$bg/distcheck.log" 2>&1 &&
		SIM_SEEDS=5 SIM_PINNED=no nice -n 19 make -C "$top/_build-dist" -j"$(nproc)" distcheck \
			TESTS="$dist_tests" check_PROGRAMS="$unplanted" >> "$bg/distcheck.log" 2>&1
	echo $? > "$bg/distcheck.rc"
	echo $(($(date +%s) - t0)) > "$bg/distcheck.end"
) &
dist_pid=$!
make -C "$top/_build" -j"$IT_JOBS" check TESTS="$integration_tests" ||
	{ cat "$top"/_build/test-suite.log; kill "$asan_pid" "$dist_pid" 2>/dev/null; exit 1; }
echo "   the slowest tests:"
slowest "$top/_build"

stage "ASan+UBSan: unit tests and fuzz replays (built and run in the background above)"
wait "$asan_pid"
[ "$(cat "$bg/asan-build.rc")" = 0 ] || { tail -50 "$bg/asan-build.log"; exit 1; }
[ "$(cat "$bg/asan-check.rc")" = 0 ] ||
	{ tail -30 "$bg/asan-check.log"; cat "$top"/_build-asan/test-suite.log; exit 1; }
echo "   built at $(cat "$bg/asan-build.end") s, tests passed at $(cat "$bg/asan-check.end") s"
echo "   the slowest tests:"
slowest "$top/_build-asan"

stage "make distcheck (the tarball builds and passes its unit tests, fuzz replays and 5 seeds)"
wait "$dist_pid"
[ "$(cat "$bg/distcheck.rc")" = 0 ] || { tail -50 "$bg/distcheck.log"; exit 1; }
echo "   passed at $(cat "$bg/distcheck.end") s"

stage "all tests passed"
