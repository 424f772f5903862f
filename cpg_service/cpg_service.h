/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The CPG service's declaration (service id 2, "corosync_cpg", IPC "cpg"):
 * exported by cpg_service/module.c to chorusd, linked statically by tests.
 */
#ifndef CHORUS_CPG_SERVICE_H
#define CHORUS_CPG_SERVICE_H

#include <chorus/service.h>

#include "cpg_service/cpg_wire.h"

extern const struct svc_def cpg_service_def;

struct cpg_counters;
/** The service's counters (for tests and dump). */
const struct cpg_counters *cpg_service_counters(struct svc *svc);

#endif
