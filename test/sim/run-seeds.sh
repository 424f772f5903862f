#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The fixed seed list of `make check-sim`: seeds 1..SIM_SEEDS (default 500),
# node count, faults and duration derived from each seed, split over
# SIM_JOBS (default 2) processes.  Prints every failing seed with the command
# that replays it; exit 0 only when every seed passed.
set -u
TOTEMSIM=${TOTEMSIM:-${top_builddir:-.}/test/sim/totemsim}
SEEDS=${SIM_SEEDS:-500}
JOBS=${SIM_JOBS:-2}
if [ ! -x "$TOTEMSIM" ]; then
	echo "run-seeds: $TOTEMSIM not built" >&2
	exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-seeds.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

per=$(( (SEEDS + JOBS - 1) / JOBS ))
j=0
first=1
pids=""
while [ "$first" -le "$SEEDS" ]; do
	last=$(( first + per - 1 ))
	[ "$last" -gt "$SEEDS" ] && last=$SEEDS
	"$TOTEMSIM" --seeds="$first-$last" > "$tmp/out.$j" 2>&1 &
	pids="$pids $!"
	j=$((j + 1))
	first=$((last + 1))
done
for p in $pids; do
	wait "$p"
done

passed=0
failed=0
i=0
while [ "$i" -lt "$j" ]; do
	p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$tmp/out.$i")
	f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$tmp/out.$i")
	if [ -z "$p" ]; then
		echo "run-seeds: a totemsim process died; its output:"
		tail -n 20 "$tmp/out.$i"
		failed=$((failed + 1))
	else
		passed=$((passed + p))
		failed=$((failed + f))
	fi
	grep -A2 ' FAIL$' "$tmp/out.$i"
	i=$((i + 1))
done
# Pinned regressions with explicit options (each replays one fixed engine
# bug; see README.md "Pinned seeds").
while read -r args; do
	[ -z "$args" ] && continue
	# shellcheck disable=SC2086
	if "$TOTEMSIM" $args > "$tmp/pinned" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		grep -A2 ' FAIL$' "$tmp/pinned"
	fi
done <<'PINNED'
--seed=106 --nodes=4 --faults=dup,asym,clog,crash --duration-ms=9342
--seed=388 --nodes=10 --faults=partition,swizzle,pause --duration-ms=9711
--seed=99 --nodes=12 --faults=loss,reorder,asym,isolate,pause --duration-ms=15123
PINNED
echo "run-seeds: $passed passed, $failed failed (seeds 1-$SEEDS + pinned)"
[ "$failed" -eq 0 ]
