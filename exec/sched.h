/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CHORUS_EXEC_SCHED_H
#define CHORUS_EXEC_SCHED_H

struct icmap;

/*
 * Apply system.sched_rr, system.move_to_root_cgroup and system.priority
 * from cmap to this process (exec/sched.c).  Call before any thread is
 * created: threads inherit the policy.  Failures are logged, not fatal.
 */
void exec_sched_apply(const struct icmap *cmap);

#endif
