#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 2: the whole test suite.  Installs what is missing, builds,
# runs `make check` (unit tests, fuzz corpora replays, config table against
# Debian's corosync -t, integration tests in network namespaces), then
# builds again with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# the unit tests and fuzz replays there, and finally `make distcheck`.
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
unit_tests=$(make -s -C "$top/_build" print-unit-tests)
integration_tests=$(make -s -C "$top/_build" print-integration-tests)
stage "make check: unit tests, simulator, fuzz replays"
make -C "$top/_build" -j"$(nproc)" check TESTS="$unit_tests" ||
	{ cat "$top"/_build/test-suite.log; exit 1; }
stage "make check: integration tests in network namespaces, ${IT_JOBS:=3} at a time"
make -C "$top/_build" -j"$IT_JOBS" check TESTS="$integration_tests" ||
	{ cat "$top"/_build/test-suite.log; exit 1; }
echo "   the slowest tests:"
slowest "$top/_build"

stage "ASan+UBSan build: unit tests and fuzz replays"
"$top/scripts/build.sh" "$top/_build-asan" --with-sanitizers=address,undefined
# The simulator runs 50 of its fixed seeds here (all 500 in the plain build
# above): under the sanitizers a seed takes about 4 times as long.
SIM_SEEDS=50 make -C "$top/_build-asan" -j"$(nproc)" check-unit ||
	{ cat "$top"/_build-asan/test-suite.log; exit 1; }

# The tarball's own check runs what the sanitizer build ran (not the
# integration tests again: they ran above on the same code, and twice would
# take the suite past 20 minutes on 2 cores); the simulator's seeds ran twice
# above, 25 show here that the tarball's simulator builds and runs.
stage "make distcheck (the tarball builds and passes its unit, simulator and fuzz-replay checks)"
SIM_SEEDS=25 make -C "$top/_build" distcheck TESTS="$unit_tests" >/dev/null \
	2>"$top/_build/distcheck.err" ||
	{ tail -50 "$top/_build/distcheck.err"; exit 1; }

stage "all tests passed"
