/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The whole start-up check sequence of `chorusd -t` in corosync's order
 * (parse, logging, totem; corosync v3.1.7 exec/main.c) and the fuzzing entry
 * point.  Owns a scratch map per call; keeps nothing.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "services/config/conf.h"

int conf_check_file(const char *path, const struct conf_host *host, struct conf_error *err)
{
	struct totem_config tc;
	struct conf_src *src = NULL;
	struct icmap *map;
	int r;

	memset(&tc, 0, sizeof(tc));
	map = icmap_new();
	if (!map)
		return -ENOMEM;
	r = conf_parse_file(map, path, &src, err);
	if (r == 0)
		r = conf_logging_validate(map, src, err);
	if (r == 0)
		r = conf_totem_validate(map, src, host, &tc, err);
	conf_totem_config_clear(&tc);
	conf_src_free(src);
	icmap_free(map);
	return r;
}

int conf_fuzz_one(const uint8_t *data, size_t size)
{
	static const char *const addrs[] = { "127.0.0.1", "::1" };
	const struct conf_host host = { "fuzz", addrs, 2 };
	struct totem_config tc;
	struct conf_error err;
	struct conf_src *src = NULL;
	struct icmap *map;

	if (size > 1024 * 1024)
		return 0;
	memset(&tc, 0, sizeof(tc));
	map = icmap_new();
	if (!map)
		return 0;
	/* No uidgid.d, no log file checks: the fuzzer must not touch the disk. */
	if (conf_parse_string(map, "fuzz.conf", (const char *)data, size, NULL, &src, &err) == 0) {
		(void)conf_totem_validate(map, src, &host, &tc, &err);
		(void)conf_system_validate(map, src, &err);
	}
	conf_totem_config_clear(&tc);
	conf_src_free(src);
	icmap_free(map);
	return 0;
}
