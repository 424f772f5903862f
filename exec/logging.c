/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Log configuration (see logging.h).  A callsite filter decides, once per
 * callsite, which targets take it: a target's level is the global one
 * (info, or debug/trace from logging.debug) raised by the callsite's
 * subsystem override.  The blackbox records everything up to debug.
 * Formats follow corosync's: stderr "%T %7p [%6g] %b", file
 * "%T [%P] %H %N %7p [%6g] %b", syslog "[%6g] %b".
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <chorus/log.h>

#include "exec/logging.h"

/* The daemon's logger state: libqb's logger is process-wide, so is this. */
static struct {
	int level;                        /* global: LOG_INFO, LOG_DEBUG or LOG_TRACE */
	int subsys_level[LOG_SUBSYS_COUNT];  /* -1: inherit */
	int file_target;
	bool stderr_on, syslog_on, file_on;
	int stderr_prio, syslog_prio, file_prio;
} lg = { .level = LOG_INFO, .file_target = -1, .stderr_on = true,
	 .stderr_prio = LOG_INFO, .syslog_prio = LOG_INFO, .file_prio = LOG_INFO };

static const char *tags_str(uint32_t tags)
{
	return log_subsys_str((enum log_subsys)tags);
}

static int level_for(uint32_t tags, int target_prio)
{
	int level = lg.level > target_prio ? lg.level : target_prio;

	if (tags < LOG_SUBSYS_COUNT && lg.subsys_level[tags] >= 0)
		level = lg.subsys_level[tags] > target_prio ? lg.subsys_level[tags] : target_prio;
	return level;
}

static void filter(struct qb_log_callsite *cs)
{
	cs->targets = 0;
	if (lg.stderr_on && cs->priority <= level_for(cs->tags, lg.stderr_prio))
		qb_bit_set(cs->targets, QB_LOG_STDERR);
	if (lg.syslog_on && cs->priority <= level_for(cs->tags, lg.syslog_prio))
		qb_bit_set(cs->targets, QB_LOG_SYSLOG);
	if (lg.file_on && lg.file_target >= 0 && cs->priority <= level_for(cs->tags, lg.file_prio))
		qb_bit_set(cs->targets, lg.file_target);
	if (cs->priority <= LOG_DEBUG)
		qb_bit_set(cs->targets, QB_LOG_BLACKBOX);
}

void logging_early_init(void)
{
	int i;

	for (i = 0; i < LOG_SUBSYS_COUNT; i++)
		lg.subsys_level[i] = -1;
	qb_log_init("chorusd", LOG_DAEMON, LOG_INFO);
	qb_log_tags_stringify_fn_set(tags_str);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
	qb_log_format_set(QB_LOG_STDERR, "%T %7p [%6g] %b");
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_SIZE, 8 * 1024 * 1024);
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_TRUE);
	qb_log_filter_fn_set(filter);
}

static const char *str_or(const struct icmap *cmap, const char *key, const char *dflt)
{
	const char *v;

	return icmap_get_string(cmap, key, &v) == 0 ? v : dflt;
}

static int yes(const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "off"))
		return 0;
	return -1;
}

static int prio_from(const char *v)
{
	static const struct { const char *n; int p; } t[] = {
		{ "alert", LOG_ALERT }, { "crit", LOG_CRIT }, { "debug", LOG_DEBUG },
		{ "emerg", LOG_EMERG }, { "err", LOG_ERR }, { "error", LOG_ERR }, { "info", LOG_INFO },
		{ "notice", LOG_NOTICE }, { "warning", LOG_WARNING },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcasecmp(t[i].n, v))
			return t[i].p;
	return -1;
}

static int debug_level(const char *v)
{
	if (!strcasecmp(v, "on"))
		return LOG_DEBUG;
	if (!strcasecmp(v, "trace"))
		return LOG_TRACE;
	if (!strcasecmp(v, "off"))
		return LOG_INFO;
	return -1;
}

int logging_apply(const struct icmap *cmap, char *why, size_t why_size)
{
	const char *ts = str_or(cmap, "logging.timestamp", "hires");
	const char *logfile = str_or(cmap, "logging.logfile", NULL);
	bool stamp = strcasecmp(ts, "off") != 0;
	struct icmap_iter it;
	const char *key;
	int v, i;

	lg.stderr_on = yes(str_or(cmap, "logging.to_stderr", "yes")) == 1;
	lg.syslog_on = yes(str_or(cmap, "logging.to_syslog", "yes")) == 1;
	lg.file_on = yes(str_or(cmap, "logging.to_logfile",
				str_or(cmap, "logging.to_file", "no"))) == 1;
	v = debug_level(str_or(cmap, "logging.debug", "off"));
	lg.level = v < 0 ? LOG_INFO : v;
	v = prio_from(str_or(cmap, "logging.syslog_priority",
			     str_or(cmap, "logging.syslog_level", "info")));
	lg.syslog_prio = v < 0 ? LOG_INFO : v;
	v = prio_from(str_or(cmap, "logging.logfile_priority", "info"));
	lg.file_prio = v < 0 ? LOG_INFO : v;
	lg.stderr_prio = LOG_INFO;
	for (i = 0; i < LOG_SUBSYS_COUNT; i++)
		lg.subsys_level[i] = -1;
	icmap_iter_init(&it, "logging.logger_subsys.");
	while ((key = icmap_iter_next(cmap, &it, NULL, NULL, NULL)) != NULL) {
		const char *rest = key + strlen("logging.logger_subsys.");
		const char *dot = strchr(rest, '.');
		char name[32];
		int s;

		if (!dot || strcmp(dot, ".debug") != 0 || (size_t)(dot - rest) >= sizeof(name))
			continue;
		memcpy(name, rest, (size_t)(dot - rest));
		name[dot - rest] = '\0';
		s = log_subsys_from_str(name);
		v = debug_level(str_or(cmap, key, "off"));
		if (s >= 0 && v >= 0)
			lg.subsys_level[s] = v;
	}

	qb_log_format_set(QB_LOG_STDERR, stamp ? "%T %7p [%6g] %b" : "%7p [%6g] %b");
	qb_log_format_set(QB_LOG_SYSLOG, "[%6g] %b");
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, lg.stderr_on);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, lg.syslog_on);
	if (lg.file_target >= 0) {
		qb_log_file_close(lg.file_target);
		lg.file_target = -1;
	}
	if (lg.file_on && logfile) {
		int t = qb_log_file_open(logfile);

		if (t < 0) {
			snprintf(why, why_size, "Can't open logfile '%s' for reason: %s", logfile,
				 strerror(-t));
			return t;
		}
		lg.file_target = t;
		qb_log_format_set(t, stamp ? "%T [%P] %H %N %7p [%6g] %b" : "[%P] %H %N %7p [%6g] %b");
		qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE);
	}
	v = yes(str_or(cmap, "logging.blackbox", "on"));
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, v != 0);
	/* Re-evaluate every callsite against the new levels. */
	qb_log_filter_fn_set(filter);
	return 0;
}

int logging_blackbox_dump(const char *dir)
{
	char path[4096], link[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	ssize_t r;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(path, sizeof(path), "%s/fdata-%s-%d", dir, stamp, (int)getpid());
	r = qb_log_blackbox_write_to_file(path);
	if (r < 0)
		return (int)r;
	snprintf(link, sizeof(link), "%s/fdata", dir);
	(void)unlink(link);
	if (symlink(path, link) < 0)
		return -errno;
	return 0;
}

int logging_reopen(void)
{
	int32_t r;

	if (lg.file_target < 0)
		return 0;
	r = qb_log_file_reopen(lg.file_target, NULL);
	return r < 0 ? (int)r : 0;
}

void logging_fini(void)
{
	qb_log_fini();
}
