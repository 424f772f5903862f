/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Entry point of the loadable cfg module (cfg.so): hands chorusd the
 * service declaration.  Everything else lives in cfg_service.c; icmap_*
 * and svc_* come from chorusd at run time, so this module links neither.
 */
#include "config.h"

#include <chorus/service.h>

#include "services/cfg/cfg_service.h"

const struct svc_def *chorus_service_module(void);

const struct svc_def *chorus_service_module(void)
{
	return &cfg_service_def;
}
