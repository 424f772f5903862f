#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the Debian 12 packages chorus needs to build and test, when they are
# missing.  Idempotent: installs nothing when everything is there.
# Debian's corosync is installed as the reference implementation for the
# tests; it is kept from starting on its own (policy-rc.d) so that it does
# not take the IPC names and ports chorusd uses.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
libqb-dev libknet-dev libnss3-dev check libsystemd-dev
iproute2 procps psmisc clang libqb-tools
corosync libcmap-dev libcpg-dev libcfg-dev libquorum-dev libvotequorum-dev
pacemaker pacemaker-cli-utils resource-agents
corosync-notifyd corosync-qdevice corosync-qnetd"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
policy=/usr/sbin/policy-rc.d
created_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	created_policy=yes
fi
trap '[ "$created_policy" = yes ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
