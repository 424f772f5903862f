/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A test module that declares a wrong ABI number: chorusd must refuse it at
 * start with a clear message and a non-zero exit.  Built for tests only.
 */
#include <config.h>

#include <chorus/service.h>

const struct svc_def *chorus_service_module(void);

static const struct svc_def badabi_def = {
	.abi = SVC_ABI + 1000,
	.id = 41,
	.name = "chorus_badabi",
};

const struct svc_def *chorus_service_module(void)
{
	return &badabi_def;
}
