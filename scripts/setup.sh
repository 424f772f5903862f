#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 1: install what is missing, build, install under /opt/chorus
# (so Debian's own corosync client libraries stay untouched), write a default
# single-node /etc/chorus/chorus.conf if there is none, start chorusd and
# show that it answers.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
prefix=/opt/chorus

"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" "$top/_build-install" --prefix="$prefix" --sysconfdir=/etc --localstatedir=/var \
	--with-moduledir="$prefix/lib/chorus"
make -C "$top/_build-install" install >/dev/null

mkdir -p /var/log/chorus
if [ ! -f /etc/chorus/chorus.conf ]; then
	mkdir -p /etc/chorus
	cp "$top/docs/chorus.conf.example" /etc/chorus/chorus.conf
	echo "setup: wrote /etc/chorus/chorus.conf (single node, 127.0.0.1)"
fi

if [ -f /run/chorus/chorusd.pid ] && kill -0 "$(cat /run/chorus/chorusd.pid)" 2>/dev/null; then
	echo "setup: stopping the running chorusd ($(cat /run/chorus/chorusd.pid))"
	kill "$(cat /run/chorus/chorusd.pid)"
	while kill -0 "$(cat /run/chorus/chorusd.pid 2>/dev/null)" 2>/dev/null; do sleep 0.1; done
fi
"$prefix/sbin/chorusd" -c /etc/chorus/chorus.conf
# chorusd answers once its first membership is in place; wait for that.
i=0
until "$prefix/sbin/chorus-cmapctl" -g runtime.members.1.status >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "setup: chorusd did not answer in 10 s" >&2
		exit 1
	fi
	sleep 0.1
done
echo "setup: chorusd is running (pid $(cat /run/chorus/chorusd.pid)). It answers:"
"$prefix/sbin/chorus-cmapctl" totem. runtime.members.
echo "setup: and Debian's own client sees the same:"
corosync-cmapctl -g totem.cluster_name
echo "setup: CPG answers too (no group is joined yet: only the header):"
"$prefix/sbin/chorus-cpgtool"
corosync-cpgtool
echo "setup: stop it with: kill \$(cat /run/chorus/chorusd.pid)"
