/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define LOG_SUBSYS LOG_SUBSYS_MAIN
#include <chorus/log.h>

#include "exec/deadline.h"

static int32_t on_fd(int32_t fd, int32_t revents, void *data)
{
	struct deadline *d = data;
	uint64_t n;

	(void)revents;
	/* Nothing to read: re-armed after the loop saw it expire. */
	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n) || !d->armed)
		return 0;
	d->armed = false;
	d->fn(d->ctx);
	return 0;
}

int deadline_init(struct deadline *d, qb_loop_t *loop, enum qb_loop_priority p,
		  void (*fn)(void *ctx), void *ctx)
{
	int r;

	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->fn = fn;
	d->ctx = ctx;
	d->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->fd < 0)
		return -errno;
	r = qb_loop_poll_add(loop, p, d->fd, POLLIN, d, on_fd);
	if (r < 0) {
		close(d->fd);
		d->fd = -1;
		return r;
	}
	return 0;
}

void deadline_fini(struct deadline *d)
{
	if (d->fd < 0)
		return;
	(void)qb_loop_poll_del(d->loop, d->fd);
	close(d->fd);
	d->fd = -1;
	d->armed = false;
}

void deadline_set(struct deadline *d, uint64_t at_ms)
{
	struct itimerspec its;

	if (d->fd < 0 || (d->armed && d->at_ms == at_ms) || (!d->armed && at_ms == UINT64_MAX))
		return;
	memset(&its, 0, sizeof(its));
	if (at_ms != UINT64_MAX) {
		/* 0 would disarm: a deadline at the clock's start fires at 1 ns */
		its.it_value.tv_sec = (time_t)(at_ms / 1000);
		its.it_value.tv_nsec = (long)(at_ms % 1000) * 1000000L;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(d->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		log_warn("timerfd_settime: %s", strerror(errno));
		return;
	}
	d->armed = at_ms != UINT64_MAX;
	d->at_ms = at_ms;
}
