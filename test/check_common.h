/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the Check unit tests: add_tcase() and a main() that
 * returns automake's exit codes (0 pass, 1 fail, 99 hard error).
 */
#ifndef CHORUS_CHECK_COMMON_H
#define CHORUS_CHECK_COMMON_H

#include <check.h>
#include <stdlib.h>

#define add_tcase(suite, tcase, func)            \
	do {                                     \
		(tcase) = tcase_create(#func);   \
		tcase_add_test((tcase), func);   \
		tcase_set_timeout((tcase), 30);  \
		suite_add_tcase((suite), (tcase)); \
	} while (0)

/* Run one suite, print Check's summary line, return automake's status. */
static inline int check_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
