/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The quorum service's declaration (services/quorum/module.c exports it to
 * chorusd; tests link it statically).  The quorum service sends no totem
 * messages: it reports what the quorum provider decided.
 */
#ifndef CHORUS_QUORUM_SERVICE_H
#define CHORUS_QUORUM_SERVICE_H

#include <stdint.h>

#include <chorus/service.h>
#include <corosync/quorum.h>

#define QUORUM_SERVICE_ID 3

extern const struct svc_def quorum_service_def;

/** QUORUM_FREE or QUORUM_SET (corosync/quorum.h), as chosen at init (tests). */
uint32_t quorum_service_type(struct svc *svc);

#endif
