/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include "tool_json.h"

void tool_json_bytes(FILE *f, const void *data, size_t len)
{
	const unsigned char *p = data;

	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(f, "\\%c", p[i]);
		else if (p[i] >= ' ' && p[i] < 0x7f)
			fputc(p[i], f);
		else
			fprintf(f, "\\u%04x", p[i]);
	}
	fputc('"', f);
}

void tool_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}
