#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# chorus-keygen against Debian's corosync-keygen (when installed): the same
# stdout, stderr (program name aside) and exit status for sizes in and out
# of range, bad options, long options, -l, -r sources, uncreatable files and
# overwriting; the key file has the requested size and mode 0400, and two
# keys differ.  No daemon needed.
set -u
: "${top_builddir:=.}"
OURS="$top_builddir/tools/chorus-keygen"
DEB=/usr/sbin/corosync-keygen
T=$(mktemp -d /tmp/check_keygen.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
passes=0
pass() { passes=$((passes + 1)); echo "PASS: $*"; }
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }

# run TOOL TAG ARGS...: stdout, stderr (prefixed, tool name and key paths
# normalized) and the exit status; key files go to $T/TAG.key
run() {
	tool=$1 tag=$2
	shift 2
	"$tool" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	cat "$T/out"
	sed 's/^/E: /' "$T/err"
	echo "exit=$rc"
}
norm() { sed -e 's/corosync-keygen/PROG/g' -e 's/chorus-keygen/PROG/g' -e 's|[^ ]*/PROG|PROG|g' -e "s|$T/[a-z]*\.|KEY.|g"; }

# same DESC ARGS... (the words OURKEY are replaced by a per-tool path)
same() {
	desc=$1
	shift
	# shellcheck disable=SC2046
	run "$DEB" deb $(printf '%s\n' "$@" | sed "s|OURKEY|$T/deb.|") | norm > "$T/deb.txt"
	# shellcheck disable=SC2046
	run "$OURS" ours $(printf '%s\n' "$@" | sed "s|OURKEY|$T/ours.|") | norm > "$T/ours.txt"
	if diff -u "$T/deb.txt" "$T/ours.txt"; then
		pass "$desc ($*) as corosync-keygen"
	else
		fail "$desc ($*) differs"
	fi
}

[ -x "$OURS" ] || { echo "no $OURS"; exit 99; }

# our own checks
run "$OURS" ours -k "$T/a.key" -s 128 > "$T/r1"
if [ "$(tail -n 1 "$T/r1")" = exit=0 ] && [ "$(stat -c %s "$T/a.key")" = 128 ] &&
   [ "$(stat -c %a "$T/a.key")" = 400 ]; then
	pass "-s 128: 128 bytes, mode 0400"
else
	fail "-s 128"; cat "$T/r1"; ls -l "$T/a.key"
fi
run "$OURS" ours -k "$T/b.key" > /dev/null
[ "$(stat -c %s "$T/b.key")" = 256 ] && pass "default size 256" || fail "default size"
run "$OURS" ours -k "$T/c.key" -s 4096 > /dev/null
[ "$(stat -c %s "$T/c.key")" = 4096 ] && pass "-s 4096" || fail "-s 4096"
run "$OURS" ours --key-file="$T/d.key" --size=256 > /dev/null
if [ "$(stat -c %s "$T/d.key")" = 256 ] && ! cmp -s "$T/b.key" "$T/d.key"; then
	pass "two keys differ"
else
	fail "two keys are equal"
fi
# overwriting an existing (0400) key: the new one replaces it
cp "$T/d.key" "$T/d.old"
run "$OURS" ours -k "$T/d.key" -s 200 > /dev/null
if [ "$(stat -c %s "$T/d.key")" = 200 ] && ! cmp -s "$T/d.key" "$T/d.old"; then
	pass "an existing key is overwritten"
else
	fail "overwrite"
fi
# a source that ends too early is an error (corosync-keygen loops for ever)
head -c 10 /dev/zero > "$T/short"
out=$(run "$OURS" ours -k "$T/e.key" -r "$T/short" -s 128 | tail -n 2)
case "$out" in
*"ended after 10 of 128 bytes"*exit=1) pass "short -r source: error" ;;
*) fail "short -r source: $out" ;;
esac

# -j / --json: one JSON document with what was written, nothing else; the key as without it
run "$OURS" ours -j -k "$T/j\"q.key" -s 200 > "$T/j1"
want="{\"key_file\": \"$T/j\\\"q.key\", \"size\": 200, \"bits\": 1600, \"random_source\": \"/dev/urandom\", \"mode\": \"0400\"}"
if [ "$(head -n 1 "$T/j1")" = "$want" ] && [ "$(sed -n 2p "$T/j1")" = exit=0 ] &&
   [ "$(wc -l < "$T/j1")" = 2 ] && [ "$(stat -c %s "$T/j\"q.key")" = 200 ]; then
	pass "-j: one JSON document, the key written"
else
	fail "-j"; cat "$T/j1"
fi
run "$OURS" ours --json -k "$T/no/such/dir/key" > "$T/j2"
case "$(cat "$T/j2")" in
*"Could not create"*exit=2) pass "--json: errors as without it (message, exit 2)" ;;
*) fail "--json error"; cat "$T/j2" ;;
esac

if [ ! -x "$DEB" ]; then
	echo "$passes passed, $fails failed (no $DEB: comparisons skipped)"
	[ "$fails" -eq 0 ]
	exit
fi
same "size" -k OURKEYkey -s 128
same "size" -k OURKEYkey -s 4096
same "long options" --key-file=OURKEYkey --size=300 -l
same "less secure" -l -k OURKEYkey
for s in 127 4097 0 -1 abc 200x "" 99999999999999999999; do
	same "bad size" -k OURKEYkey -s "$s"
done
same "bad option" -x
same "-m is in the usage text only" -m foo
same "missing argument" -k
same "uncreatable file" -k "$T/no/such/dir/key"
same "missing random source" -k OURKEYkey -r "$T/nothere"
same "/dev/zero as source" -k OURKEYkey -r /dev/zero -s 128
cmp -s "$T/deb.key" "$T/ours.key" && pass "/dev/zero keys are identical" ||
	fail "/dev/zero keys differ"
same "explicit /dev/urandom" -k OURKEYkey -r /dev/urandom -s 128
# the usage text: ours names itself and chorus's default key file
"$DEB" -h | sed -e 's/corosync-keygen/PROG/' -e 's|/etc/corosync/authkey|DEFAULT|' > "$T/deb.txt"
"$OURS" -h | sed -e 's/chorus-keygen/PROG/' -e 's|[^ ]*/chorus/authkey|DEFAULT|' \
	-e '/-j \/ --json/d' > "$T/ours.txt"
diff -u "$T/deb.txt" "$T/ours.txt" && pass "-h as corosync-keygen (name, default file, but -j)" ||
	fail "-h differs"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
