/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging for the daemon and its services, through libqb's qb_log.
 *
 * Each file defines LOG_SUBSYS (one of enum log_subsys) before including this
 * header and logs with log_err(), log_notice(), ... which tag the message so
 * that the daemon prints corosync-style "[TOTEM ]" prefixes (%g) and can
 * filter per subsystem (logging.logger_subsys.<NAME>).  Nothing here keeps
 * state; the daemon configures the targets (exec/logging.c).
 *
 * Levels: ERR a failure propagated to a user; WARNING degraded, continuing;
 * NOTICE membership, quorum and config transitions; INFO lifecycle;
 * DEBUG/TRACE protocol detail.  Nothing above DEBUG on per-message paths.
 */
#ifndef CHORUS_LOG_H
#define CHORUS_LOG_H

#include <qb/qblog.h>

enum log_subsys {
	LOG_SUBSYS_MAIN = 0,
	LOG_SUBSYS_SERV,
	LOG_SUBSYS_CONFIG,
	LOG_SUBSYS_IPC,
	LOG_SUBSYS_CMAP,
	LOG_SUBSYS_CFG,
	LOG_SUBSYS_CPG,
	LOG_SUBSYS_QUORUM,
	LOG_SUBSYS_VOTEQ,
	LOG_SUBSYS_TOTEM,
	LOG_SUBSYS_KNET,
	LOG_SUBSYS_SYNC,
	LOG_SUBSYS_EXAMPLE,
	LOG_SUBSYS_COUNT,
};

/** Upper-case names as corosync prints them: "MAIN", "TOTEM", ... */
const char *log_subsys_str(enum log_subsys subsys);
/** Reverse lookup for logging.logger_subsys.<NAME>; -1 if unknown. */
int log_subsys_from_str(const char *name);

#ifndef LOG_SUBSYS
#define LOG_SUBSYS LOG_SUBSYS_MAIN
#endif

#define log_printf(level, ...) qb_logt((level), (LOG_SUBSYS), __VA_ARGS__)
#define log_err(...)     log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...)    log_printf(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)  log_printf(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)    log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...)   log_printf(LOG_DEBUG, __VA_ARGS__)
#define log_trace(...)   log_printf(LOG_TRACE, __VA_ARGS__)

/** Log and return r (a -errno), for `return log_errno(LOG_ERR, r, "...")`. */
#define log_errno(level, r, fmt, ...) \
	({ int _r = (r); log_printf((level), fmt ": %s", ##__VA_ARGS__, strerror(-_r)); _r; })

#endif
