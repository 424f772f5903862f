/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cmapctl's value helpers (tools/cmapctl_fmt.c): type-name table,
 * client-side parsing and range checks of -s values, and the exact key-line
 * text corosync-cmapctl 3.1.7 prints, including binary escaping and the
 * quiet mode.  No daemon, no libcmap calls.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/cmapctl_fmt.h"
#include "../check_common.h"

/* Render one key line into a string the test owns. */
static char *render(const char *key, cmap_value_types_t type, const void *data, size_t len,
		    int show_binary, int quiet)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(f);
	cmapctl_print_value(f, key, type, data, len, show_binary, quiet);
	fclose(f);
	return buf;
}

#define ASSERT_LINE(want, ...)                          \
	do {                                            \
		char *got_ = render(__VA_ARGS__);       \
		ck_assert_str_eq(got_, want);           \
		free(got_);                             \
	} while (0)

START_TEST(test_type_table)
{
	static const char *names[] = { "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64",
				       "flt", "dbl", "str", "bin" };
	static const size_t sizes[] = { 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 0, 0 };
	int t;

	for (t = 1; t <= 12; t++) {
		ck_assert_int_eq(cmapctl_type_from_name(names[t - 1]), t);
		ck_assert_str_eq(cmapctl_type_name((cmap_value_types_t)t), names[t - 1]);
		ck_assert_uint_eq(cmapctl_type_size((cmap_value_types_t)t), sizes[t - 1]);
	}
	ck_assert_int_eq(cmapctl_type_from_name("u128"), -1);
	ck_assert_int_eq(cmapctl_type_from_name("U8"), -1);
	ck_assert_int_eq(cmapctl_type_from_name(""), -1);
	ck_assert_int_eq(cmapctl_type_from_name(NULL), -1);
	ck_assert_ptr_null(cmapctl_type_name((cmap_value_types_t)0));
	ck_assert_ptr_null(cmapctl_type_name((cmap_value_types_t)13));
}
END_TEST

START_TEST(test_parse_signed_ranges)
{
	struct cmapctl_value v;

	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT8, "127", &v), 0);
	ck_assert_int_eq(v.v.i8, 127);
	ck_assert_uint_eq(v.len, 1);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT8, "-128", &v), 0);
	ck_assert_int_eq(v.v.i8, -128);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT8, "128", &v), -ERANGE);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT8, "-129", &v), -ERANGE);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT16, "32768", &v), -ERANGE);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT16, "-32768", &v), 0);
	ck_assert_int_eq(v.v.i16, -32768);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT32, "2147483648", &v), -ERANGE);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT32, "-2147483648", &v), 0);
	ck_assert_int_eq(v.v.i32, INT32_MIN);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT64, "-9223372036854775808", &v), 0);
	ck_assert(v.v.i64 == INT64_MIN);
	ck_assert_uint_eq(v.len, 8);
	/* sscanf semantics, as corosync: blanks skipped, trailing junk ignored */
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT32, "  12abc", &v), 0);
	ck_assert_int_eq(v.v.i32, 12);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT32, "abc", &v), -EINVAL);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_INT32, "", &v), -EINVAL);
}
END_TEST

START_TEST(test_parse_unsigned_ranges)
{
	struct cmapctl_value v;

	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT8, "255", &v), 0);
	ck_assert_uint_eq(v.v.u8, 255);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT8, "256", &v), -ERANGE);
	/* "-1" wraps in strtoul and then fails the range check */
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT8, "-1", &v), -ERANGE);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT16, "65536", &v), -ERANGE);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT32, "4294967295", &v), 0);
	ck_assert_uint_eq(v.v.u32, UINT32_MAX);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT32, "4294967296", &v), -ERANGE);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT64, "18446744073709551615", &v), 0);
	ck_assert(v.v.u64 == UINT64_MAX);
	/* corosync quirk kept: u64 accepts "-1" as its two's complement */
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT64, "-1", &v), 0);
	ck_assert(v.v.u64 == UINT64_MAX);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT16, "x1", &v), -EINVAL);
}
END_TEST

START_TEST(test_parse_float_and_others)
{
	struct cmapctl_value v;

	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_FLOAT, "1.5", &v), 0);
	ck_assert(v.v.flt == 1.5f);
	ck_assert_uint_eq(v.len, 4);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_DOUBLE, "-0.25", &v), 0);
	ck_assert(v.v.dbl == -0.25);
	ck_assert_uint_eq(v.len, 8);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_DOUBLE, "pi", &v), -EINVAL);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_STRING, "x", &v), -ENOTSUP);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_BINARY, "x", &v), -ENOTSUP);
	ck_assert_int_eq(cmapctl_parse_value(CMAP_VALUETYPE_UINT8, NULL, &v), -EINVAL);
}
END_TEST

START_TEST(test_print_numbers)
{
	int8_t i8 = -5;
	uint8_t u8 = 200;
	int16_t i16 = -300;
	uint16_t u16 = 65535;
	int32_t i32 = INT32_MIN;
	uint32_t u32 = 4000000000U;
	int64_t i64 = INT64_MIN;
	uint64_t u64 = UINT64_MAX;
	float flt = 1.5f;
	double dbl = 1.0 / 3.0;

	ASSERT_LINE("a.i8 (i8) = -5\n", "a.i8", CMAP_VALUETYPE_INT8, &i8, 1, 0, 0);
	ASSERT_LINE("a.u8 (u8) = 200\n", "a.u8", CMAP_VALUETYPE_UINT8, &u8, 1, 0, 0);
	ASSERT_LINE("k (i16) = -300\n", "k", CMAP_VALUETYPE_INT16, &i16, 2, 0, 0);
	ASSERT_LINE("k (u16) = 65535\n", "k", CMAP_VALUETYPE_UINT16, &u16, 2, 0, 0);
	ASSERT_LINE("k (i32) = -2147483648\n", "k", CMAP_VALUETYPE_INT32, &i32, 4, 0, 0);
	ASSERT_LINE("totem.token (u32) = 4000000000\n", "totem.token", CMAP_VALUETYPE_UINT32,
		    &u32, 4, 0, 0);
	ASSERT_LINE("k (i64) = -9223372036854775808\n", "k", CMAP_VALUETYPE_INT64, &i64, 8, 0, 0);
	ASSERT_LINE("k (u64) = 18446744073709551615\n", "k", CMAP_VALUETYPE_UINT64, &u64, 8, 0, 0);
	ASSERT_LINE("k (flt) = 1.500000\n", "k", CMAP_VALUETYPE_FLOAT, &flt, 4, 0, 0);
	ASSERT_LINE("k (dbl) = 0.333333\n", "k", CMAP_VALUETYPE_DOUBLE, &dbl, 8, 0, 0);
	/* quiet mode prints the value only */
	ASSERT_LINE("200\n", "a.u8", CMAP_VALUETYPE_UINT8, &u8, 1, 0, 1);
	ASSERT_LINE("1.500000\n", "k", CMAP_VALUETYPE_FLOAT, &flt, 4, 1, 1);
}
END_TEST

START_TEST(test_print_strings)
{
	static const char s[] = "r(0) ip(127.0.0.1) ";

	/* strings arrive with their NUL counted in len */
	ASSERT_LINE("runtime.members.1.ip (str) = r(0) ip(127.0.0.1) \n", "runtime.members.1.ip",
		    CMAP_VALUETYPE_STRING, s, sizeof(s), 0, 0);
	ASSERT_LINE("r(0) ip(127.0.0.1) \n", "x", CMAP_VALUETYPE_STRING, s, sizeof(s), 0, 1);
	/* never read past len even without a NUL */
	ASSERT_LINE("k (str) = r(0)\n", "k", CMAP_VALUETYPE_STRING, s, 4, 0, 0);
	ASSERT_LINE("k (str) = \n", "k", CMAP_VALUETYPE_STRING, "", 1, 0, 0);
}
END_TEST

START_TEST(test_print_binary)
{
	static const unsigned char b[] = { 'a', '\\', 'Z', 0x01, 0x7f, 0x80, 0xff, ' ', '~' };

	/* without -b: type only, no " = " */
	ASSERT_LINE("k (bin)\n", "k", CMAP_VALUETYPE_BINARY, b, sizeof(b), 0, 0);
	ASSERT_LINE("k (bin) = a\\\\Z\\x01\\x7F\\xFFFFFF80\\xFFFFFFFF ~\n", "k",
		    CMAP_VALUETYPE_BINARY, b, sizeof(b), 1, 0);
	/* no buffer at all: *empty*; an empty buffer prints nothing */
	ASSERT_LINE("k (bin) = *empty*\n", "k", CMAP_VALUETYPE_BINARY, NULL, 0, 1, 0);
	ASSERT_LINE("k (bin) = \n", "k", CMAP_VALUETYPE_BINARY, b, 0, 1, 0);
	/* corosync keeps "bin)" and " = " in quiet mode */
	ASSERT_LINE("bin)\n", "k", CMAP_VALUETYPE_BINARY, b, 1, 0, 1);
	ASSERT_LINE("bin) = a\n", "k", CMAP_VALUETYPE_BINARY, b, 1, 1, 1);
}
END_TEST

START_TEST(test_print_binary_escapes_all_bytes)
{
	unsigned char all[256];
	char *buf = NULL;
	size_t size = 0, i, plain = 0;
	FILE *f;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	f = open_memstream(&buf, &size);
	cmapctl_print_binary(f, all, sizeof(all));
	fclose(f);
	/* 94 printable bytes (0x20..0x7e without '\') stay, '\' doubles,
	 * 0x00..0x1f and 0x7f are \xHH (4), 0x80..0xff are \xFFFFFFHH (10) */
	for (i = 0x20; i < 0x7f; i++)
		if (i != '\\')
			plain++;
	ck_assert_uint_eq(plain, 94);
	ck_assert_uint_eq(size, 94 + 2 + 33 * 4 + 128 * 10);
	ck_assert(strncmp(buf, "\\x00\\x01", 8) == 0);
	ck_assert(strstr(buf, "\\x1F !\"#") != NULL);
	ck_assert(strstr(buf, "[\\\\]") != NULL);
	ck_assert(strstr(buf, "}~\\x7F\\xFFFFFF80") != NULL);
	ck_assert(strcmp(buf + size - 10, "\\xFFFFFFFF") == 0);
	free(buf);
}
END_TEST

START_TEST(test_print_unknown_type)
{
	uint8_t z = 0;

	ASSERT_LINE("k (\n", "k", (cmap_value_types_t)0, &z, 0, 0, 0);
	ASSERT_LINE("k (\n", "k", (cmap_value_types_t)77, &z, 1, 1, 0);
}
END_TEST

/* --json: one object per key (or per tracked change). */
static char *render_json(const char *event, const char *key, cmap_value_types_t type,
			 const void *data, size_t len, int show_binary)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	ck_assert_ptr_nonnull(f);
	cmapctl_print_json_value(f, event, key, type, data, len, show_binary);
	fclose(f);
	return buf;
}

#define ASSERT_JSON(want, ...)                          \
	do {                                            \
		char *got_ = render_json(__VA_ARGS__);  \
		ck_assert_str_eq(got_, want);           \
		free(got_);                             \
	} while (0)

START_TEST(test_json_values)
{
	int8_t i8 = -5;
	uint16_t u16 = 65535;
	int32_t i32 = -2147483647 - 1;
	uint64_t u64 = UINT64_MAX;
	float flt = 0.5f;
	double dbl = 1.0 / 0.0, third = 1.0 / 3.0;
	static const unsigned char bin[] = { 0x00, 0x7f, 0xff };

	ASSERT_JSON("{\"key\": \"a.b\", \"type\": \"i8\", \"value\": -5}", NULL, "a.b",
		    CMAP_VALUETYPE_INT8, &i8, 1, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"u16\", \"value\": 65535}", NULL, "k",
		    CMAP_VALUETYPE_UINT16, &u16, 2, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"i32\", \"value\": -2147483648}", NULL, "k",
		    CMAP_VALUETYPE_INT32, &i32, 4, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"u64\", \"value\": 18446744073709551615}", NULL,
		    "k", CMAP_VALUETYPE_UINT64, &u64, 8, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"flt\", \"value\": 0.5}", NULL, "k",
		    CMAP_VALUETYPE_FLOAT, &flt, 4, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"dbl\", \"value\": null}", NULL, "k",
		    CMAP_VALUETYPE_DOUBLE, &dbl, 8, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"dbl\", \"value\": 0.33333333333333331}", NULL,
		    "k", CMAP_VALUETYPE_DOUBLE, &third, 8, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"str\", \"value\": \"q\\\"b\\\\\\u0001\\u00e9\"}",
		    NULL, "k", CMAP_VALUETYPE_STRING, "q\"b\\\x01\xe9", 6, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"bin\", \"value\": null}", NULL, "k",
		    CMAP_VALUETYPE_BINARY, bin, 3, 0);
	ASSERT_JSON("{\"key\": \"k\", \"type\": \"bin\", \"value\": \"007fff\"}", NULL, "k",
		    CMAP_VALUETYPE_BINARY, bin, 3, 1);
	ASSERT_JSON("{\"key\": \"k\", \"type\": null, \"value\": null}", NULL, "k",
		    (cmap_value_types_t)99, bin, 3, 1);
	ASSERT_JSON("{\"event\": \"modify\", \"key\": \"k\", \"type\": \"u16\", \"value\": 65535}",
		    "modify", "k", CMAP_VALUETYPE_UINT16, &u16, 2, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmapctl_fmt");
	TCase *tc;

	add_tcase(s, tc, test_type_table);
	add_tcase(s, tc, test_parse_signed_ranges);
	add_tcase(s, tc, test_parse_unsigned_ranges);
	add_tcase(s, tc, test_parse_float_and_others);
	add_tcase(s, tc, test_print_numbers);
	add_tcase(s, tc, test_print_strings);
	add_tcase(s, tc, test_print_binary);
	add_tcase(s, tc, test_print_binary_escapes_all_bytes);
	add_tcase(s, tc, test_print_unknown_type);
	add_tcase(s, tc, test_json_values);
	return check_run_suite(s);
}
