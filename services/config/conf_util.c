/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small shared pieces of the config reader: the key-origin records
 * (struct conf_src), error message formatting and strict integer
 * conversion.  No parsing or validation policy lives here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/config/conf_int.h"

void conf_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return;
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct conf_src *conf_src_new(void)
{
	return calloc(1, sizeof(struct conf_src));
}

void conf_src_free(struct conf_src *src)
{
	size_t i;

	if (!src)
		return;
	for (i = 0; i < src->n; i++)
		free(src->recs[i].key);
	for (i = 0; i < src->nfiles; i++)
		free(src->files[i]);
	free(src->recs);
	free(src->files);
	free(src);
}

int conf_src_add_file(struct conf_src *src, const char *file)
{
	char **files;
	size_t i;

	for (i = 0; i < src->nfiles; i++)
		if (strcmp(src->files[i], file) == 0)
			return (int)i;
	files = realloc(src->files, (src->nfiles + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	src->files = files;
	files[src->nfiles] = strdup(file);
	if (!files[src->nfiles])
		return -ENOMEM;
	return (int)src->nfiles++;
}

int conf_src_add(struct conf_src *src, const char *key, unsigned file_idx, unsigned line)
{
	struct conf_src_rec *r;

	if (src->n == src->cap) {
		size_t cap = src->cap ? src->cap * 2 : 64;

		r = realloc(src->recs, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		src->recs = r;
		src->cap = cap;
	}
	r = &src->recs[src->n];
	r->key = strdup(key);
	if (!r->key)
		return -ENOMEM;
	r->file_idx = file_idx;
	r->line = line;
	src->n++;
	return 0;
}

int conf_src_lookup(const struct conf_src *src, const char *key, const char **ret_file,
		    unsigned *ret_line)
{
	size_t i;

	if (!src || !key)
		return -ENOENT;
	/* Last assignment wins, as in the map. */
	for (i = src->n; i > 0; i--) {
		const struct conf_src_rec *r = &src->recs[i - 1];

		if (strcmp(r->key, key) != 0)
			continue;
		if (ret_file)
			*ret_file = src->files[r->file_idx];
		if (ret_line)
			*ret_line = r->line;
		return 0;
	}
	return -ENOENT;
}

void conf_err_parser(struct conf_error *err, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	conf_strlcpy(err->file, file, sizeof(err->file));
	err->line = line;
	err->exit_code = CONF_EXIT_CONFIG;
	snprintf(err->msg, sizeof(err->msg), "parser error: %s:%u: %s", err->file, line,
		 err->reason);
}

void conf_err_key(struct conf_error *err, int exit_code, const struct conf_src *src,
		  const char *key, const char *fmt, ...)
{
	const char *file = NULL;
	unsigned line = 0;
	va_list ap;
	int n;

	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	err->exit_code = exit_code;
	if (key)
		conf_strlcpy(err->key, key, sizeof(err->key));
	if (key && conf_src_lookup(src, key, &file, &line) == 0) {
		conf_strlcpy(err->file, file, sizeof(err->file));
		err->line = line;
	} else if (src && src->nfiles > 0) {
		/* The main file: name it even when the key was not written. */
		conf_strlcpy(err->file, src->files[0], sizeof(err->file));
	}
	n = snprintf(err->msg, sizeof(err->msg), "parse error in config: ");
	if (err->file[0] && err->line)
		n += snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, "%s:%u: ", err->file,
			      err->line);
	else if (err->file[0])
		n += snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, "%s: ", err->file);
	if (err->key[0])
		n += snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, "%s: ", err->key);
	snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, "%s", err->reason);
}

int conf_str_to_ll(const char *s, long long min, long long max, long long *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int conf_str_to_ull(const char *s, unsigned long long max, unsigned long long *ret)
{
	const char *p = s;
	char *end;
	unsigned long long v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-')
		return -ERANGE;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}
