/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names of the log subsystems (include/chorus/log.h), as corosync prints
 * them inside "[...]" and as logging.logger_subsys.<NAME> spells them.
 */
#include <config.h>

#include <string.h>
#include <strings.h>

#include <chorus/log.h>

static const char *const names[LOG_SUBSYS_COUNT] = {
	[LOG_SUBSYS_MAIN] = "MAIN",
	[LOG_SUBSYS_SERV] = "SERV",
	[LOG_SUBSYS_CONFIG] = "CONFIG",
	[LOG_SUBSYS_IPC] = "IPC",
	[LOG_SUBSYS_CMAP] = "CMAP",
	[LOG_SUBSYS_CFG] = "CFG",
	[LOG_SUBSYS_CPG] = "CPG",
	[LOG_SUBSYS_QUORUM] = "QUORUM",
	[LOG_SUBSYS_VOTEQ] = "VOTEQ",
	[LOG_SUBSYS_TOTEM] = "TOTEM",
	[LOG_SUBSYS_KNET] = "KNET",
	[LOG_SUBSYS_SYNC] = "SYNC",
	[LOG_SUBSYS_EXAMPLE] = "EXAMPL",
};

const char *log_subsys_str(enum log_subsys subsys)
{
	/* libqb's own messages carry no tag of ours. */
	return (unsigned)subsys < LOG_SUBSYS_COUNT && names[subsys] ? names[subsys] : "QB";
}

int log_subsys_from_str(const char *name)
{
	int i;

	for (i = 0; i < LOG_SUBSYS_COUNT; i++)
		if (names[i] && strcasecmp(names[i], name) == 0)
			return i;
	return -1;
}
