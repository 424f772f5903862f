/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replay driver for the libFuzzer harnesses, so their corpora run in
 * `make check` with any compiler: every file named on the command line (or
 * found in a named directory, or in FUZZ_CORPUS_DIR when there are no
 * arguments) is fed once to LLVMFuzzerTestOneInput.  A crash or a sanitizer
 * report fails the test; the input's name is printed first.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, unsigned *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "fuzz replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	printf("replay %s (%zu bytes)\n", path, len);
	fflush(stdout);
	/* An exact-size copy, so that a read past the input is caught by ASan. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	free(buf);
	(*count)++;
	return 0;
}

static int run_path(const char *path, unsigned *count)
{
	struct dirent **list;
	struct stat st;
	int n, i, r = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "fuzz replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);
	n = scandir(path, &list, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char child[4096];

		if (list[i]->d_name[0] != '.' && r == 0) {
			snprintf(child, sizeof(child), "%s/%s", path, list[i]->d_name);
			r = run_path(child, count);
		}
		free(list[i]);
	}
	free(list);
	return r;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int i;

	if (argc < 2) {
#ifdef FUZZ_CORPUS_DIR
		if (run_path(FUZZ_CORPUS_DIR, &count) < 0)
			return 99;
#endif
	}
	for (i = 1; i < argc; i++)
		if (run_path(argv[i], &count) < 0)
			return 99;
	if (count == 0) {
		fprintf(stderr, "fuzz replay: no input\n");
		return 99;
	}
	printf("%u passed, 0 failed\n", count);
	return 0;
}
