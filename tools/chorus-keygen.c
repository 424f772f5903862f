/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-keygen: write a key for totem's encryption (totem.keyfile).
 * Options, messages and exit codes are corosync-keygen 3.1.7's (corosync
 * v3.1.7 tools/corosync-keygen.c): -k file, -r random source, -s size in
 * bytes (128..4096, default 256), -l (ignored), -h; an existing file is
 * overwritten, the key ends up with mode 0400.  The default file is chorus's
 * <sysconfdir>/chorus/authkey (docs/compat.md, "Default key file").  The
 * bytes come from getrandom() unless another source is named with -r.
 */
#include <config.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool_json.h"

#define KEYGEN_DEFAULT_KEYFILE CHORUS_SYSCONFDIR "/chorus/authkey"
#define KEYGEN_DEFAULT_LEN 256
/* totem's key length bounds (TOTEM_PRIVATE_KEY_LEN_MIN/MAX in corosync) */
#define KEYGEN_LEN_MIN 128
#define KEYGEN_LEN_MAX 4096
#define KEYGEN_DEFAULT_RANDOM "/dev/urandom"

static const char keygen_usage[] =
	"Usage: chorus-keygen [-k <keyfile>] [-s size] [-m <randomfile>] [-l] [-h]\n"
	"     -k / --key-file=<filename> -  Write to the specified keyfile\n"
	"            instead of the default " KEYGEN_DEFAULT_KEYFILE ".\n"
	"     -r / --random-file -  Random number source file. Default is \n"
	"            /dev/urandom. As an example /dev/random may be requested\n"
	"            (that may require user input for entropy).\n"
	"     -l / --less-secure - Not used, option is kept only\n"
	"            for compatibility.\n"
	"     -s / --size -  Length of key.\n"
	"     -j / --json -  Print what was done as one JSON document.\n"
	"     -h / --help -  Print basic usage.\n";

/* The default source: getrandom(), which never returns short for <= 256 bytes at a time. */
static void keygen_getrandom(unsigned char *key, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = getrandom(key + done, len - done, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err(1, "Could not read /dev/random");
		}
		done += (size_t)r;
	}
}

/*
 * A named source, read as corosync reads it: a short read asks for more
 * entropy.  Unlike corosync (which loops for ever), the end of a regular
 * file is an error.
 */
static void keygen_read_file(const char *path, unsigned char *key, size_t len)
{
	size_t done = 0;
	int fd = open(path, O_RDONLY);

	if (fd == -1)
		err(1, "Failed to open random source");
	if (strcmp(path, "/dev/random") == 0)
		printf("Press keys on your keyboard to generate entropy.\n");
	for (;;) {
		ssize_t r = read(fd, key + done, len - done);

		if (r == -1) {
			if (errno == EINTR)
				continue;
			err(1, "Could not read /dev/random");
		}
		if (r == 0)
			errx(1, "Random source %s ended after %zu of %zu bytes", path, done, len);
		done += (size_t)r;
		if (done == len)
			break;
		printf("Press keys on your keyboard to generate entropy (%d bits still needed).\n",
		       (int)((len - done) * 8));
	}
	close(fd);
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "key-file", required_argument, NULL, 'k' },
		{ "less-secure", no_argument, NULL, 'l' },
		{ "random-file", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char key[KEYGEN_LEN_MAX];
	const char *keyfile = KEYGEN_DEFAULT_KEYFILE;
	const char *random_dev = KEYGEN_DEFAULT_RANDOM;
	int random_named = 0;
	int json = 0;
	size_t key_len = KEYGEN_DEFAULT_LEN;
	long long v;
	char *end;
	ssize_t w;
	int c, fd;

	while ((c = getopt_long(argc, argv, "k:r:s:ljh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keyfile = optarg;
			break;
		case 'l':
			break;
		case 'j':
			json = 1;
			break;
		case 'r':
			random_dev = optarg;
			random_named = 1;
			break;
		case 's':
			errno = 0;
			v = strtoll(optarg, &end, 10);
			/* errx adds a newline after corosync's own: the blank line is theirs */
			if (v < KEYGEN_LEN_MIN || v > KEYGEN_LEN_MAX || errno != 0 || *end != '\0')
				errx(1, "Unsupported key size (supported <%u,%u>)\n", KEYGEN_LEN_MIN,
				     KEYGEN_LEN_MAX);
			key_len = (size_t)v;
			break;
		case 'h':
			printf("%s\n", keygen_usage);
			exit(0);
		default:
			printf("Error parsing command line options.\n");
			exit(1);
		}
	}

	if (!json) {
		printf("Corosync Cluster Engine Authentication key generator.\n");
		printf("Gathering %lu bits for key from %s.\n", (unsigned long)(key_len * 8),
		       random_dev);
	}
	/* -r /dev/urandom is what getrandom() reads anyway */
	if (random_named && strcmp(random_dev, KEYGEN_DEFAULT_RANDOM) != 0)
		keygen_read_file(random_dev, key, key_len);
	else
		keygen_getrandom(key, key_len);

	fd = open(keyfile, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd == -1)
		err(2, "Could not create %s", keyfile);
	if (fchmod(fd, 0400))
		err(3, "Failed to set key file permissions to 0400");
	if (!json)
		printf("Writing corosync key to %s.\n", keyfile);
	w = write(fd, key, key_len);
	if (w < 0 || (size_t)w != key_len)
		err(4, "Could not write %s", keyfile);
	if (close(fd))
		err(5, "Could not close %s", keyfile);
	if (json) {
		/* only once the key is on disk: errors keep corosync's text and exit codes */
		printf("{\"key_file\": ");
		tool_json_bytes(stdout, keyfile, strlen(keyfile));
		printf(", \"size\": %lu, \"bits\": %lu, \"random_source\": ",
		       (unsigned long)key_len, (unsigned long)(key_len * 8));
		tool_json_bytes(stdout, random_dev, strlen(random_dev));
		printf(", \"mode\": \"0400\"}\n");
	}
	return 0;
}
