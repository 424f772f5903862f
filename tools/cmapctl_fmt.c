/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cmapctl's type table, value parser and key-line printer.  Pure
 * functions of their arguments (plus the FILE they write to); the tool and
 * the unit test check_libcmap_cmapctl_fmt share them.  Formats follow
 * corosync-cmapctl 3.1.7 exactly, including its quirks, which are noted
 * where they appear and in docs/compat.md.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cmapctl_fmt.h"
#include "tool_json.h"

static const struct {
	const char *name;
	cmap_value_types_t type;
	size_t size;
} cmapctl_types[] = {
	{ "i8", CMAP_VALUETYPE_INT8, 1 },
	{ "u8", CMAP_VALUETYPE_UINT8, 1 },
	{ "i16", CMAP_VALUETYPE_INT16, 2 },
	{ "u16", CMAP_VALUETYPE_UINT16, 2 },
	{ "i32", CMAP_VALUETYPE_INT32, 4 },
	{ "u32", CMAP_VALUETYPE_UINT32, 4 },
	{ "i64", CMAP_VALUETYPE_INT64, 8 },
	{ "u64", CMAP_VALUETYPE_UINT64, 8 },
	{ "flt", CMAP_VALUETYPE_FLOAT, 4 },
	{ "dbl", CMAP_VALUETYPE_DOUBLE, 8 },
	{ "str", CMAP_VALUETYPE_STRING, 0 },
	{ "bin", CMAP_VALUETYPE_BINARY, 0 },
};

#define CMAPCTL_NTYPES (sizeof(cmapctl_types) / sizeof(cmapctl_types[0]))

int cmapctl_type_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < CMAPCTL_NTYPES; i++)
		if (strcmp(name, cmapctl_types[i].name) == 0)
			return (int)cmapctl_types[i].type;
	return -1;
}

const char *cmapctl_type_name(cmap_value_types_t type)
{
	size_t i;

	for (i = 0; i < CMAPCTL_NTYPES; i++)
		if (cmapctl_types[i].type == type)
			return cmapctl_types[i].name;
	return NULL;
}

size_t cmapctl_type_size(cmap_value_types_t type)
{
	size_t i;

	for (i = 0; i < CMAPCTL_NTYPES; i++)
		if (cmapctl_types[i].type == type)
			return cmapctl_types[i].size;
	return 0;
}

int cmapctl_parse_value(cmap_value_types_t type, const char *text, struct cmapctl_value *ret)
{
	struct cmapctl_value out;
	int64_t i64 = 0;
	uint64_t u64 = 0;
	int n;

	if (!text || !ret)
		return -EINVAL;
	memset(&out, 0, sizeof(out));
	out.len = cmapctl_type_size(type);

	switch (type) {
	case CMAP_VALUETYPE_INT8:
	case CMAP_VALUETYPE_INT16:
	case CMAP_VALUETYPE_INT32:
	case CMAP_VALUETYPE_INT64:
		n = sscanf(text, "%" SCNd64, &i64);
		break;
	case CMAP_VALUETYPE_UINT8:
	case CMAP_VALUETYPE_UINT16:
	case CMAP_VALUETYPE_UINT32:
	case CMAP_VALUETYPE_UINT64:
		/* as corosync: "-1" parses (strtoul wraps it) and then fails the range check */
		n = sscanf(text, "%" SCNu64, &u64);
		break;
	case CMAP_VALUETYPE_FLOAT:
		n = sscanf(text, "%f", &out.v.flt);
		break;
	case CMAP_VALUETYPE_DOUBLE:
		n = sscanf(text, "%lf", &out.v.dbl);
		break;
	default:
		return -ENOTSUP;
	}
	if (n != 1)
		return -EINVAL;

	switch (type) {
	case CMAP_VALUETYPE_INT8:
		if (i64 > INT8_MAX || i64 < INT8_MIN)
			return -ERANGE;
		out.v.i8 = (int8_t)i64;
		break;
	case CMAP_VALUETYPE_INT16:
		if (i64 > INT16_MAX || i64 < INT16_MIN)
			return -ERANGE;
		out.v.i16 = (int16_t)i64;
		break;
	case CMAP_VALUETYPE_INT32:
		if (i64 > INT32_MAX || i64 < INT32_MIN)
			return -ERANGE;
		out.v.i32 = (int32_t)i64;
		break;
	case CMAP_VALUETYPE_INT64:
		out.v.i64 = i64;
		break;
	case CMAP_VALUETYPE_UINT8:
		if (u64 > UINT8_MAX)
			return -ERANGE;
		out.v.u8 = (uint8_t)u64;
		break;
	case CMAP_VALUETYPE_UINT16:
		if (u64 > UINT16_MAX)
			return -ERANGE;
		out.v.u16 = (uint16_t)u64;
		break;
	case CMAP_VALUETYPE_UINT32:
		if (u64 > UINT32_MAX)
			return -ERANGE;
		out.v.u32 = (uint32_t)u64;
		break;
	case CMAP_VALUETYPE_UINT64:
		out.v.u64 = u64;
		break;
	default:
		break;
	}
	*ret = out;
	return 0;
}

void cmapctl_print_binary(FILE *f, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			/* corosync formats a plain (signed) char: 0x80 -> \xFFFFFF80 */
			fprintf(f, "\\x%02X", (unsigned int)(int)(signed char)c);
	}
}

/* Copy a fixed-size value out of possibly unaligned bytes; zero-fill if short. */
static void cmapctl_load(void *dst, size_t size, const void *data, size_t len)
{
	memset(dst, 0, size);
	if (data)
		memcpy(dst, data, len < size ? len : size);
}

void cmapctl_print_value(FILE *f, const char *key, cmap_value_types_t type, const void *data,
			 size_t len, int show_binary, int quiet)
{
	union {
		int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;
		int64_t i64; uint64_t u64; float flt; double dbl;
	} v;
	const char *name = cmapctl_type_name(type);

	cmapctl_load(&v, sizeof(v), data, len);
	if (!quiet)
		fprintf(f, "%s (", key);
	if (!quiet && name && type != CMAP_VALUETYPE_BINARY)
		fprintf(f, "%s) = ", name);

	switch (type) {
	case CMAP_VALUETYPE_INT8:
		fprintf(f, "%" PRId8, v.i8);
		break;
	case CMAP_VALUETYPE_UINT8:
		fprintf(f, "%" PRIu8, v.u8);
		break;
	case CMAP_VALUETYPE_INT16:
		fprintf(f, "%" PRId16, v.i16);
		break;
	case CMAP_VALUETYPE_UINT16:
		fprintf(f, "%" PRIu16, v.u16);
		break;
	case CMAP_VALUETYPE_INT32:
		fprintf(f, "%" PRId32, v.i32);
		break;
	case CMAP_VALUETYPE_UINT32:
		fprintf(f, "%" PRIu32, v.u32);
		break;
	case CMAP_VALUETYPE_INT64:
		fprintf(f, "%" PRId64, v.i64);
		break;
	case CMAP_VALUETYPE_UINT64:
		fprintf(f, "%" PRIu64, v.u64);
		break;
	case CMAP_VALUETYPE_FLOAT:
		fprintf(f, "%f", (double)v.flt);
		break;
	case CMAP_VALUETYPE_DOUBLE:
		fprintf(f, "%f", v.dbl);
		break;
	case CMAP_VALUETYPE_STRING:
		/* values normally carry their NUL; never read past len */
		if (data)
			fprintf(f, "%.*s", (int)strnlen(data, len), (const char *)data);
		break;
	case CMAP_VALUETYPE_BINARY:
		/* corosync prints "bin)" and " = " even in quiet mode */
		fputs("bin)", f);
		if (show_binary) {
			fputs(" = ", f);
			if (data)
				cmapctl_print_binary(f, data, len);
			else
				fputs("*empty*", f);
		}
		break;
	default:
		/* unknown type: corosync prints "<key> (" and the newline only */
		break;
	}
	fputc('\n', f);
}

/* ---- JSON ----------------------------------------------------------------------- */

static void cmapctl_json_double(FILE *f, double d, int digits)
{
	if (isfinite(d))
		fprintf(f, "%.*g", digits, d);
	else
		fprintf(f, "null");
}

void cmapctl_print_json_value(FILE *f, const char *event, const char *key, cmap_value_types_t type,
			      const void *data, size_t len, int show_binary)
{
	union {
		int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32;
		int64_t i64; uint64_t u64; float flt; double dbl;
	} v;
	const char *name = cmapctl_type_name(type);

	cmapctl_load(&v, sizeof(v), data, len);
	fputc('{', f);
	if (event) {
		fprintf(f, "\"event\": ");
		tool_json_bytes(f, event, strlen(event));
		fprintf(f, ", ");
	}
	fprintf(f, "\"key\": ");
	tool_json_bytes(f, key, strlen(key));
	fprintf(f, ", \"type\": ");
	if (name)
		tool_json_bytes(f, name, strlen(name));
	else
		fprintf(f, "null");
	fprintf(f, ", \"value\": ");
	switch (type) {
	case CMAP_VALUETYPE_INT8: fprintf(f, "%" PRId8, v.i8); break;
	case CMAP_VALUETYPE_UINT8: fprintf(f, "%" PRIu8, v.u8); break;
	case CMAP_VALUETYPE_INT16: fprintf(f, "%" PRId16, v.i16); break;
	case CMAP_VALUETYPE_UINT16: fprintf(f, "%" PRIu16, v.u16); break;
	case CMAP_VALUETYPE_INT32: fprintf(f, "%" PRId32, v.i32); break;
	case CMAP_VALUETYPE_UINT32: fprintf(f, "%" PRIu32, v.u32); break;
	case CMAP_VALUETYPE_INT64: fprintf(f, "%" PRId64, v.i64); break;
	case CMAP_VALUETYPE_UINT64: fprintf(f, "%" PRIu64, v.u64); break;
	case CMAP_VALUETYPE_FLOAT: cmapctl_json_double(f, (double)v.flt, 9); break;
	case CMAP_VALUETYPE_DOUBLE: cmapctl_json_double(f, v.dbl, 17); break;
	case CMAP_VALUETYPE_STRING:
		if (data)
			tool_json_bytes(f, data, strnlen(data, len));
		else
			fprintf(f, "null");
		break;
	case CMAP_VALUETYPE_BINARY:
		if (show_binary && data) {
			const unsigned char *p = data;

			fputc('"', f);
			for (size_t i = 0; i < len; i++)
				fprintf(f, "%02x", p[i]);
			fputc('"', f);
		} else {
			fprintf(f, "null");
		}
		break;
	default:
		fprintf(f, "null");
		break;
	}
	fputc('}', f);
}
