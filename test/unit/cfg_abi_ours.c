/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ABI numbers of our include/corosync/cfg.h (see cfg_abi.h). */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include <corosync/cfg.h>

#include "cfg_abi.h"
#include "cfg_abi_protos.h"

void cfg_abi_ours(struct cfg_abi *abi)
{
	CFG_ABI_FILL(abi);
}
