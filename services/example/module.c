/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The example service as a loadable module: the one exported symbol. */
#include <config.h>

#include <chorus/service.h>

extern const struct svc_def example_service_def;
const struct svc_def *chorus_service_module(void);

const struct svc_def *chorus_service_module(void)
{
	return &example_service_def;
}
