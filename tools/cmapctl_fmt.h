/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Value parsing and printing for chorus-cmapctl, kept apart from the tool's
 * main() so unit tests can drive it without a daemon.  Output text is
 * corosync-cmapctl 3.1.7's, byte for byte (corosync v3.1.7 tools/corosync-cmapctl.c), quirks
 * included; nothing here talks to libcmap.
 */
#ifndef CHORUS_CMAPCTL_FMT_H
#define CHORUS_CMAPCTL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <corosync/cmap.h>

/** Type for a cmapctl type name ("i8" ... "bin"); -1 if unknown. */
int cmapctl_type_from_name(const char *name);

/** cmapctl name of a type, or NULL for an unknown type. */
const char *cmapctl_type_name(cmap_value_types_t type);

/** Bytes a fixed-size type occupies; 0 for str, bin and unknown types. */
size_t cmapctl_type_size(cmap_value_types_t type);

/** A parsed command-line value for a numeric type (8 bytes is enough for all). */
struct cmapctl_value {
	union {
		int8_t i8; uint8_t u8; int16_t i16; uint16_t u16;
		int32_t i32; uint32_t u32; int64_t i64; uint64_t u64;
		float flt; double dbl;
	} v;
	size_t len;
};

/**
 * Parse @p text as a value of numeric @p type the way corosync-cmapctl does
 * (sscanf semantics: leading blanks, trailing junk ignored).
 * @return 0 with *ret filled; -EINVAL when it does not parse (the tool says
 *         "<v> is not valid <t> type value"); -ERANGE when outside the type's
 *         range ("<v> is not valid <t> integer"); -ENOTSUP for str/bin.
 */
int cmapctl_parse_value(cmap_value_types_t type, const char *text, struct cmapctl_value *ret);

/**
 * Print a binary value: printable ASCII except '\' as is, '\' as "\\", any
 * other byte as "\x%02X" of its *signed* char value (corosync prints bytes
 * >= 0x80 as \xFFFFFF80 and so on).
 */
void cmapctl_print_binary(FILE *f, const void *data, size_t len);

/**
 * Print one key line: "<key> (<type>) = <value>\n", only the value with
 * @p quiet.  @p data is the value's bytes (may be NULL only for bin, which
 * then prints "*empty*").  Binary values print their bytes only with
 * @p show_binary.
 */
void cmapctl_print_value(FILE *f, const char *key, cmap_value_types_t type, const void *data,
			 size_t len, int show_binary, int quiet);

/* ---- -j / --json ------------------------------------------------------------ */


/**
 * One key as a JSON object, no newline: {"key": ..., "type": ..., "value": ...}.
 * Numbers are JSON numbers (float and double: %.9g / %.17g, null when not
 * finite), str a string (up to its NUL), bin its bytes as lowercase hex
 * with @p show_binary and null without; an unknown type has a null value.
 * @p event (NULL: none) adds "event" first, for tracking.
 */
void cmapctl_print_json_value(FILE *f, const char *event, const char *key, cmap_value_types_t type,
			      const void *data, size_t len, int show_binary);

#endif
