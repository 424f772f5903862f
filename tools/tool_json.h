/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON strings for the tools' --json output (tools/tool_json.c), shared by
 * every chorus-* tool.
 */
#ifndef CHORUS_TOOLS_TOOL_JSON_H
#define CHORUS_TOOLS_TOOL_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * len bytes of data as a JSON string: '"' and '\' escaped, every byte
 * outside printable ASCII as \u00XX, so any bytes (a cmap value, a group
 * name, a path) give valid JSON.
 */
void tool_json_bytes(FILE *f, const void *data, size_t len);

/*
 * The NUL-terminated text s as a JSON string: '"', '\' and control
 * characters escaped, other bytes as they are (UTF-8 text: names, error
 * strings, dates).
 */
void tool_json_string(FILE *f, const char *s);

#endif
