/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * runtime.members.<nodeid>.* in cmap, as corosync publishes them: ip
 * ("r(0) ip(<addr>) " per link, trailing space), join_count, status
 * ("joined"/"left"; entries are never deleted).
 */
#ifndef CHORUS_EXEC_MEMBERS_H
#define CHORUS_EXEC_MEMBERS_H

#include <chorus/icmap.h>
#include <chorus/service.h>

#include "services/config/conf.h"

void members_publish(struct icmap *cmap, const struct totem_config *tc,
		     const struct svc_view *view);

#endif
