# SPDX-License-Identifier: LGPL-2.1-or-later
# Pacemaker on chorusd nodes, for the acceptance tests (sourced after lib.sh).
#
# Every node gets, besides its network namespace (lib.sh), a mount and a UTS
# namespace of its own, pinned to files under $IT_TMP/ns: a private /run,
# /dev/shm, /var/lib/pacemaker and /var/log/pacemaker, and the hostname of
# its nodelist entry.  chorusd and every Pacemaker daemon and tool of a node
# run inside all three, because libqb puts its shared-memory rings in
# /dev/shm: a client in another mount namespace would not find them.
# pacemakerd runs as pid 1 of its own pid namespace, so that its panic path
# (reboot(2)) can only end that namespace, never the host.
#
#   pm_node_setup N           mount/UTS namespace for node N
#   pm_chorusd_start N CONF   chorusd in node N (lib.sh bookkeeping: pid, log, exit)
#   pm_pcmk_start N           pacemakerd in node N
#   pm_exec N CMD...          a command in node N (all three namespaces)
#   pm_cleanup                stop pacemaker, unmount (it_cleanup does the rest)

PM_NS_DIR="$IT_TMP/ns"
PM_PIDS=""

pm_require() {
	for p in /usr/sbin/pacemakerd /usr/sbin/crm_mon /usr/sbin/cibadmin \
		/usr/lib/ocf/resource.d/pacemaker/Dummy; do
		if [ ! -e "$p" ]; then
			echo "SKIP: Pacemaker is not installed ($p missing; scripts/install-deps.sh installs it)"
			exit 77
		fi
	done
	command -v unshare >/dev/null && command -v nsenter >/dev/null || {
		echo "SKIP: needs unshare and nsenter (util-linux)"
		exit 77
	}
}

pm_exec() {
	n=$1
	shift
	(cd / && exec nsenter --net="/run/netns/$(it_ns "$n")" --mount="$PM_NS_DIR/node$n.mnt" \
		--uts="$PM_NS_DIR/node$n.uts" -- "$@")
}

pm_node_setup() {
	n=$1
	d="$IT_TMP/node$n"
	mkdir -p "$PM_NS_DIR" "$d/prun/crm" "$d/prun/resource-agents" "$d/pcmk/lib/cib" \
		"$d/pcmk/lib/pengine" "$d/pcmk/lib/blackbox" "$d/pcmk/lib/cores" "$d/pcmk/log/bundles" \
		"$d/state" "$d/run"
	chmod 755 "$d/prun"
	chown hacluster:haclient "$d/prun/crm" "$d/pcmk/lib/cib" "$d/pcmk/lib/pengine" \
		"$d/pcmk/lib/blackbox" "$d/pcmk/lib/cores" "$d/pcmk/log" "$d/pcmk/log/bundles"
	chmod 750 "$d/prun/crm" "$d/pcmk/lib/cib" "$d/pcmk/lib/pengine" "$d/pcmk/lib/blackbox" \
		"$d/pcmk/lib/cores"
	chmod 770 "$d/pcmk/log"
	# unshare can pin a namespace only on a file of a private mount
	if ! mountpoint -q "$PM_NS_DIR"; then
		mount --bind "$PM_NS_DIR" "$PM_NS_DIR" && mount --make-private "$PM_NS_DIR" || return 1
	fi
	touch "$PM_NS_DIR/node$n.mnt" "$PM_NS_DIR/node$n.uts"
	unshare --mount="$PM_NS_DIR/node$n.mnt" --uts="$PM_NS_DIR/node$n.uts" --propagation private \
		/bin/sh -ec "
		hostname node$n
		mount --bind '$d/prun' /run
		mkdir -p /var/lib/pacemaker /var/log/pacemaker
		mount --bind '$d/pcmk/lib' /var/lib/pacemaker
		mount --bind '$d/pcmk/log' /var/log/pacemaker
		mount -t tmpfs -o mode=1777,size=512m chorus-shm$n /dev/shm
		if [ -e /proc/sysrq-trigger ]; then mount --bind /dev/null /proc/sysrq-trigger; fi
	" || return 1
	# A short dc-deadtime and no fencing (there is no fence device here):
	# the CIB every node starts from.
	cat > "$d/pcmk/lib/cib/cib.xml" <<'CIB'
<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-dc-deadtime" name="dc-deadtime" value="5s"/>
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
CIB
	chown hacluster:haclient "$d/pcmk/lib/cib/cib.xml"
	chmod 600 "$d/pcmk/lib/cib/cib.xml"
}

# pm_chorusd_start N CONF: like lib.sh's it_node_start, inside node N's namespaces;
# does not wait (a node of a cluster with wait_for_all may not become quorate).
pm_chorusd_start() {
	n=$1 conf=$2
	d="$IT_TMP/node$n"
	rm -f "$d/exit" "$d/pid"
	: >> "$d/log"
	mods=$(it_moduledir)
	(
		# nsenter and env exec: the pid is chorusd's own
		(cd / && exec nsenter --net="/run/netns/$(it_ns "$n")" \
			--mount="$PM_NS_DIR/node$n.mnt" --uts="$PM_NS_DIR/node$n.uts" -- \
			env CHORUS_MODULE_DIR="$mods" "$CHORUSD" -f -c "$conf") >> "$d/log" 2>&1 &
		echo $! > "$d/pid.tmp"
		mv "$d/pid.tmp" "$d/pid"
		wait $!
		echo $? > "$d/exit.tmp"
		mv "$d/exit.tmp" "$d/exit"
	) &
	until [ -s "$d/pid" ]; do sleep 0.01; done
	cat "$d/pid" >> "$IT_TMP/pids"
}

pm_pcmk_start() {
	n=$1
	d="$IT_TMP/node$n"
	(cd / && exec nsenter --net="/run/netns/$(it_ns "$n")" --mount="$PM_NS_DIR/node$n.mnt" \
		--uts="$PM_NS_DIR/node$n.uts" -- setsid unshare --pid --fork --kill-child=SIGTERM \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin PCMK_logfile=/var/log/pacemaker/pacemaker.log \
		PCMK_logfacility=none HA_LOGFACILITY=none /usr/sbin/pacemakerd \
		< /dev/null >> "$d/pacemakerd.out" 2>&1) &
	echo $! > "$d/pcmk.pid"
	PM_PIDS="$PM_PIDS $n"
}

# Every process of the tree under pid $1.
pm_tree() {
	for c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$c"
		pm_tree "$c"
	done
}

# pm_pcmk_stop N: SIGTERM to pacemakerd (inside its pid namespace, the child
# of unshare), wait for the whole tree (120 s at most), then SIGKILL.
pm_pcmk_stop() {
	n=$1
	f="$IT_TMP/node$n/pcmk.pid"
	[ -f "$f" ] || return 0
	top=$(cat "$f")
	tree="$top $(pm_tree "$top")"
	un=$(pgrep -P "$top" -x unshare | head -n 1)
	target=$(pgrep -P "${un:-$top}" | head -n 1)
	kill -TERM "${target:-$top}" 2>/dev/null
	end=$(( $(date +%s) + 120 ))
	for p in $tree; do
		while kill -0 "$p" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 0.2; done
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -f "$f"
}

pm_cleanup() {
	for n in $PM_PIDS; do pm_pcmk_stop "$n"; done
	for n in $IT_NODES; do
		[ -f "$IT_TMP/node$n/pid" ] && kill -KILL "$(cat "$IT_TMP/node$n/pid")" 2>/dev/null
	done
	# the namespaces go with their last process; the pinning files are mounts
	for f in "$PM_NS_DIR"/*.mnt "$PM_NS_DIR"/*.uts; do
		[ -e "$f" ] && umount "$f" 2>/dev/null
	done
	mountpoint -q "$PM_NS_DIR" && umount "$PM_NS_DIR" 2>/dev/null
	it_cleanup
}
trap pm_cleanup EXIT
# a timeout's SIGTERM must still tear everything down
trap 'exit 1' INT TERM

# pm_wait SECONDS CMD...: until CMD succeeds (polling once a second: these
# are Pacemaker's own decisions, with no event to wait on from outside).
pm_wait() {
	secs=$1
	shift
	end=$(( $(date +%s) + secs ))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 1
	done
}

pm_mon() { pm_exec "$1" crm_mon -1 2>/dev/null; }
