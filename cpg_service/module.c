/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Entry point of the loadable CPG module (cpg.so): hands chorusd the
 * service declaration; svc_* come from chorusd at run time.
 */
#include "config.h"

#include <chorus/service.h>

#include "cpg_service/cpg_service.h"

const struct svc_def *chorus_service_module(void);

const struct svc_def *chorus_service_module(void)
{
	return &cpg_service_def;
}
