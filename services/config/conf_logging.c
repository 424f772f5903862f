/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * logging and system section checks done at start-up
 * (corosync v3.1.7 exec/logconfig.c): value sets of logging.* and of every
 * logging.logger_subsys.<S>.*, log file opening, system.priority and
 * resources.watchdog_timeout.  Applying the settings is the daemon's job.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "services/config/conf_int.h"

static const char *const onoff[] = { "on", "off", NULL };
static const char *const yesno[] = { "yes", "no", "on", "off", NULL };
static const char *const tstamp[] = { "on", "off", "hires", NULL };
static const char *const debugv[] = { "on", "off", "trace", NULL };
static const char *const prios[] = { "alert", "crit", "debug", "emerg", "err", "error", "info",
				     "notice", "warning", NULL };
static const char *const facilities[] = { "auth", "authpriv", "cron", "daemon", "ftp", "kern",
					  "lpr", "mail", "news", "syslog", "user", "uucp",
					  "local0", "local1", "local2", "local3", "local4",
					  "local5", "local6", "local7", NULL };

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

/* Check the logging keys under prefix ("logging." or "logging.logger_subsys.S."). */
static int check_block(const struct icmap *map, const struct conf_src *src, const char *prefix,
		       struct conf_error *err)
{
	static const struct {
		const char *key;
		const char *const *allowed;
		const char *reason;
	} rules[] = {
		{ "fileline", onoff, NULL },
		{ "function_name", onoff, NULL },
		{ "timestamp", tstamp, NULL },
		{ "blackbox", onoff, NULL },
		{ "to_stderr", yesno, NULL },
		{ "to_syslog", yesno, NULL },
		{ "to_logfile", yesno, NULL },
		{ "to_file", yesno, NULL },
		{ "debug", debugv, NULL },
		{ "syslog_facility", facilities, "unknown syslog facility specified" },
		{ "syslog_level", prios, "unknown syslog level specified" },
		{ "syslog_priority", prios, "unknown syslog priority specified" },
		{ "logfile_priority", prios, "unknown logfile priority specified" },
	};
	char key[ICMAP_KEYNAME_MAXLEN * 2];
	const char *v, *logfile = NULL;
	bool to_logfile = false;
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		snprintf(key, sizeof(key), "%s%s", prefix, rules[i].key);
		if (icmap_get_string(map, key, &v) < 0)
			continue;
		if (in_list(v, rules[i].allowed)) {
			if ((strcmp(rules[i].key, "to_logfile") == 0 ||
			     strcmp(rules[i].key, "to_file") == 0))
				to_logfile = strcmp(v, "yes") == 0 || strcmp(v, "on") == 0;
			continue;
		}
		if (rules[i].reason)
			conf_err_key(err, CONF_EXIT_LOGGING, src, key, "%s.", rules[i].reason);
		else
			conf_err_key(err, CONF_EXIT_LOGGING, src, key, "unknown value for %s.",
				     rules[i].key);
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "%slogfile", prefix);
	if (icmap_get_string(map, key, &logfile) < 0)
		logfile = NULL;
	if (to_logfile && logfile) {
		/* As corosync, open (and create) the file now so errors show at start. */
		int fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0) {
			int e = errno;

			conf_err_key(err, CONF_EXIT_LOGGING, src, key,
				     "Can't open logfile '%s' for reason: %s (%d).", logfile,
				     strerror(e), e);
			return -EINVAL;
		}
		close(fd);
	}
	return 0;
}

int conf_logging_validate(const struct icmap *map, const struct conf_src *src,
			  struct conf_error *err)
{
	struct icmap_iter it;
	const char *key;
	const void *val;
	size_t len;
	enum icmap_type type;
	int r;

	if (!map)
		return -EINVAL;
	r = check_block(map, src, "logging.", err);
	if (r < 0)
		return r;
	icmap_iter_init(&it, "logging.logger_subsys.");
	while ((key = icmap_iter_next(map, &it, &val, &len, &type)) != NULL) {
		char prefix[ICMAP_KEYNAME_MAXLEN + 1];
		size_t n = strlen(key);

		/* One block per ".subsys" key. */
		if (n < 7 || strcmp(key + n - 7, ".subsys") != 0)
			continue;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(n - 6), key);
		r = check_block(map, src, prefix, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int conf_system_validate(const struct icmap *map, const struct conf_src *src,
			 struct conf_error *err)
{
	const char *v;
	uint32_t wd;

	if (!map)
		return -EINVAL;
	if (icmap_get_string(map, "system.priority", &v) == 0 && strcmp(v, "max") != 0 &&
	    strcmp(v, "min") != 0) {
		long long p;

		if (conf_str_to_ll(v, -20, 19, &p) < 0) {
			conf_err_key(err, CONF_EXIT_CONFIG, src, "system.priority",
				     "Priority value %s is invalid", v);
			return -EINVAL;
		}
	}
	if (icmap_get_uint32(map, "resources.watchdog_timeout", &wd) == 0 && (wd < 2 || wd > 120)) {
		conf_err_key(err, CONF_EXIT_CONFIG, src, "resources.watchdog_timeout",
			     "watchdog timeout %u is out of range (2..120)", wd);
		return -EINVAL;
	}
	return 0;
}
