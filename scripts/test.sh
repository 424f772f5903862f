#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 2: the whole test suite.  Installs what is missing, builds,
# runs `make check` (unit tests, fuzz corpora replays, config table against
# Debian's corosync -t, integration tests in network namespaces), then
# builds again with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# the unit tests and fuzz replays there, and finally `make distcheck`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/scripts/install-deps.sh"

echo "== build and make check"
"$top/scripts/build.sh" "$top/_build"
make -C "$top/_build" -j"$(nproc)" check || { cat "$top"/_build/test-suite.log; exit 1; }

echo "== ASan+UBSan build: unit tests and fuzz replays"
"$top/scripts/build.sh" "$top/_build-asan" --with-sanitizers=address,undefined
# The simulator runs 100 of its fixed seeds here (all 500 in the plain build
# above): under the sanitizers a seed takes about 4 times as long.
SIM_SEEDS=100 make -C "$top/_build-asan" -j"$(nproc)" check-unit ||
	{ cat "$top"/_build-asan/test-suite.log; exit 1; }

# The tarball's own check runs what the sanitizer build ran (not the
# integration tests again: they ran above on the same code, and twice would
# take the suite past 20 minutes on 2 cores).
echo "== make distcheck (the tarball builds and passes its unit, simulator and fuzz-replay checks)"
unit_tests=$(make -s -C "$top/_build" print-unit-tests)
SIM_SEEDS=100 make -C "$top/_build" distcheck TESTS="$unit_tests" >/dev/null \
	2>"$top/_build/distcheck.err" ||
	{ tail -50 "$top/_build/distcheck.err"; exit 1; }

echo "== all tests passed"
