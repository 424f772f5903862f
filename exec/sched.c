/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's CPU scheduling, as corosync 3.1.7 sets its own (exec/main.c,
 * main, corosync_set_rr_scheduler and corosync_move_to_root_cgroup):
 *
 * - system.sched_rr (default yes): SCHED_RR at the highest priority, for
 *   the main thread and every thread created after it (knet's threads
 *   inherit it, which is why this runs before the transport is created).
 *   A node that is not scheduled for a while cannot pass the token or keep
 *   up with its peers' traffic, and loses its membership; a crypto change
 *   (cfg's CRYPTO_RECONFIG phases) gives a slow node only a couple of token
 *   rotations to follow its peers (docs/compat.md, "Crypto").
 * - system.move_to_root_cgroup (default auto): with "yes" the process moves
 *   to the root cpu cgroup first; with "auto" only when SCHED_RR was refused
 *   (cgroup v1 with RT group scheduling gives a non-root group no RT time),
 *   and then SCHED_RR is tried again; "no" never moves.
 * - system.priority (max, min or -20..19, checked by the config reader):
 *   the nice value, applied when sched_rr is off; when SCHED_RR could not
 *   be had, the highest (max) is taken instead.  Knowing difference:
 *   corosync renices its whole process group (setpriority PRIO_PGRP), which
 *   for a daemon started in the foreground from a script without job
 *   control includes the script and everything else in its group; chorusd
 *   renices only itself (its main thread, before the other threads exist,
 *   so they inherit it).  docs/compat.md, "Scheduling".
 *
 * chorusd starts no logging thread (qb_log_thread_start), so there is no
 * thread whose priority could invert the main one's.
 */
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define LOG_SUBSYS LOG_SUBSYS_MAIN
#include <chorus/icmap.h>
#include <chorus/log.h>

#include "exec/sched.h"

enum cgroup_mode { CGROUP_NO, CGROUP_YES, CGROUP_AUTO };

static void move_to_root_cgroup(void)
{
	const char *tasks;
	FILE *f;

	if (access("/sys/fs/cgroup/cpu/cpu.rt_runtime_us", F_OK) == 0) {
		tasks = "/sys/fs/cgroup/cpu/tasks";
		log_debug("Moving main pid to cgroup v1 root cgroup");
	} else if (access("/sys/fs/cgroup/cgroup.procs", F_OK) == 0) {
		tasks = "/sys/fs/cgroup/cgroup.procs";
		log_debug("Moving main pid to cgroup v2 root cgroup");
	} else {
		log_debug("cpu.rt_runtime_us or cgroup.procs doesn't exist -> "
			  "system without cgroup or with disabled CONFIG_RT_GROUP_SCHED");
		return;
	}
	f = fopen(tasks, "w");
	if (!f) {
		log_warn("Can't open cgroups tasks file for writing");
		return;
	}
	if (fprintf(f, "%jd\n", (intmax_t)getpid()) <= 0)
		log_warn("Can't write chorusd pid into cgroups tasks file");
	if (fclose(f) != 0)
		log_warn("Can't close cgroups tasks file");
}

/* 0 when the process now runs SCHED_RR at the highest priority. */
static int set_rr(bool quiet)
{
	struct sched_param sp;
	int prio = sched_get_priority_max(SCHED_RR);

	if (prio < 0) {
		if (!quiet)
			log_warn("Could not get maximum scheduler priority: %s", strerror(errno));
		return -1;
	}
	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = prio;
	if (sched_setscheduler(0, SCHED_RR, &sp) < 0) {
		if (!quiet)
			log_warn("Could not set SCHED_RR at priority %d: %s", prio, strerror(errno));
		return -1;
	}
	log_debug("Scheduling SCHED_RR at priority %d", prio);
	return 0;
}

void exec_sched_apply(const struct icmap *cmap)
{
	enum cgroup_mode cg = CGROUP_AUTO;
	bool rr = true;
	int nice_to = 0;
	const char *v;

	if (icmap_get_string(cmap, "system.sched_rr", &v) == 0 && strcmp(v, "yes") != 0)
		rr = false;
	if (icmap_get_string(cmap, "system.move_to_root_cgroup", &v) == 0)
		cg = strcmp(v, "yes") == 0 ? CGROUP_YES : strcmp(v, "no") == 0 ? CGROUP_NO
									   : CGROUP_AUTO;
	if (icmap_get_string(cmap, "system.priority", &v) == 0) {
		if (strcmp(v, "max") == 0)
			nice_to = -20;
		else if (strcmp(v, "min") == 0)
			nice_to = 19;
		else
			nice_to = atoi(v);      /* -20..19: conf_system_validate */
	}
	if (cg == CGROUP_YES)
		move_to_root_cgroup();
	if (rr) {
		int r = set_rr(cg == CGROUP_AUTO);

		if (r < 0 && cg == CGROUP_AUTO) {
			move_to_root_cgroup();
			r = set_rr(false);
		}
		nice_to = r == 0 ? 0 : -20;
	}
	if (nice_to != 0 && setpriority(PRIO_PROCESS, 0, nice_to) < 0)
		log_warn("Could not set priority %d: %s", nice_to, strerror(errno));
}
