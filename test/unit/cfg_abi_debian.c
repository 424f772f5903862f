/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ABI numbers of Debian's /usr/include/corosync/cfg.h (see cfg_abi.h).
 * Built without the project's include directory (lib/Makefile.inc), and the
 * header is named by its absolute path, so this unit cannot see ours.
 */
#include <stddef.h>
#include <stdint.h>

#include "cfg_abi.h"

#if __has_include("/usr/include/corosync/cfg.h")
#include "/usr/include/corosync/cfg.h"
#include "cfg_abi_protos.h"

void cfg_abi_debian(struct cfg_abi *abi)
{
	CFG_ABI_FILL(abi);
}
#else
void cfg_abi_debian(struct cfg_abi *abi)
{
	abi->present = 0;
}
#endif
