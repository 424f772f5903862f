/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal helpers shared by the files of services/config: error
 * formatting, key-origin records and integer conversion.  Not installed,
 * not used outside this directory (tests include it to reach the helpers).
 */
#ifndef CHORUS_SERVICES_CONF_INT_H
#define CHORUS_SERVICES_CONF_INT_H

#include <stdarg.h>

#include "services/config/conf.h"

struct conf_src_rec {
	char *key;
	unsigned file_idx;
	unsigned line;
};

struct conf_src {
	struct conf_src_rec *recs;
	size_t n, cap;
	char **files;
	size_t nfiles;
};

struct conf_src *conf_src_new(void);
/** Returns the index of file in src->files (adding it), or -ENOMEM. */
int conf_src_add_file(struct conf_src *src, const char *file);
int conf_src_add(struct conf_src *src, const char *key, unsigned file_idx, unsigned line);

/** Grammar error: "parser error: <file>:<line>: <reason>", exit 8. */
void conf_err_parser(struct conf_error *err, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/**
 * Validation error about key (NULL if none): looks up the key's origin in
 * src and formats "parse error in config: <file>:<line>: <key>: <reason>".
 * prefix is "parse error in config: " or "" (corosync prints some reasons
 * bare; we keep the reason text and always add the location).
 */
void conf_err_key(struct conf_error *err, int exit_code, const struct conf_src *src,
		  const char *key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** Whole-string base-10 conversion with inclusive bounds; -EINVAL / -ERANGE. */
int conf_str_to_ll(const char *s, long long min, long long max, long long *ret);
int conf_str_to_ull(const char *s, unsigned long long max, unsigned long long *ret);

/** Byte-safe bounded copy that always terminates. */
void conf_strlcpy(char *dst, const char *src, size_t size);

#endif
