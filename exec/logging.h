/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's log targets (stderr, syslog, file, blackbox) configured from
 * the logging.* keys, with per-subsystem debug levels from
 * logging.logger_subsys.<NAME>.debug.  Process-wide (libqb's logger is).
 */
#ifndef CHORUS_EXEC_LOGGING_H
#define CHORUS_EXEC_LOGGING_H

#include <stdbool.h>
#include <stddef.h>

#include <chorus/icmap.h>

/** Before the config is read: stderr at info (debug with -d-like needs later). */
void logging_early_init(void);
/** Apply the logging.* keys; on failure fill why and return -errno. */
int logging_apply(const struct icmap *cmap, char *why, size_t why_size);
/** Write the blackbox to dir/fdata-<time>-<pid> with a "fdata" symlink. */
int logging_blackbox_dump(const char *dir);
/** Close and reopen the log file (cfg REOPEN_LOG_FILES, logrotate). 0 or -errno. */
int logging_reopen(void);
void logging_fini(void);

#endif
