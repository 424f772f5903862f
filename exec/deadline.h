/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A one-shot timer at an absolute CLOCK_MONOTONIC deadline in milliseconds
 * (the clock of qb_util_nano_current_get), backed by a timerfd in the qb
 * loop instead of qb_loop_timer_add.  libqb 2.0's loop computes its poll
 * timeout in whole milliseconds, rounded down (include/tlist.h,
 * timerlist_msec_duration_to_expire), so during the last millisecond before
 * each of its timers it polls with a zero timeout, again and again: a
 * daemon whose deadlines move every few milliseconds spent its main thread
 * spinning there.  epoll waits for a timerfd without that.
 */
#ifndef CHORUS_EXEC_DEADLINE_H
#define CHORUS_EXEC_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include <qb/qbloop.h>

struct deadline {
	qb_loop_t *loop;
	int fd;
	bool armed;
	uint64_t at_ms;              /* what it is armed for, when armed */
	void (*fn)(void *ctx);
	void *ctx;
};

/* 0 or -errno; fn runs from the loop (at priority p) once the deadline passed. */
int deadline_init(struct deadline *d, qb_loop_t *loop, enum qb_loop_priority p,
		  void (*fn)(void *ctx), void *ctx);
void deadline_fini(struct deadline *d);
/* Arm for at_ms (UINT64_MAX: disarm); a deadline that passed fires at once. */
void deadline_set(struct deadline *d, uint64_t at_ms);

#endif
