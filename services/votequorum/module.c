/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Entry point of the loadable votequorum module (votequorum.so): hands
 * chorusd the service declaration.  Everything else lives in
 * votequorum_service.c; icmap_* and svc_* come from chorusd at run time.
 */
#include "config.h"

#include <chorus/service.h>

#include "services/votequorum/votequorum_service.h"

const struct svc_def *chorus_service_module(void);

const struct svc_def *chorus_service_module(void)
{
	return &votequorum_service_def;
}
